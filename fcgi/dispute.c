/* dispute.c: the vocabulary of dispute cases: the values the database allows and how the console, the dossier and the statistics name them. */
#include <string.h>

#include "dispute.h"

const struct dispute_label dispute_kinds[DISPUTE_NKINDS] = {
	{ "wage_arrears", "Nợ lương", "Wage arrears" },
	{ "social_insurance", "Nợ BHXH", "Social insurance arrears" },
	{ "dismissal", "Sa thải, chấm dứt HĐLĐ", "Dismissal" },
	{ "safety", "An toàn, vệ sinh lao động", "Safety" },
	{ "working_time", "Thời giờ làm việc, làm thêm giờ", "Working time" },
	{ "other", "Khác", "Other" },
};

const struct dispute_label dispute_scopes[DISPUTE_NSCOPES] = {
	{ "individual", "Cá nhân", "Individual" },
	{ "collective", "Tập thể", "Collective" },
};

/* The legal path (Labour Code 2019, Art. 188-194; DOMAIN.md), in order. */
const struct dispute_label dispute_stages[DISPUTE_NSTAGES] = {
	{ "intake", "Tiếp nhận", "Intake" },
	{ "verification", "Xác minh", "Verification" },
	{ "workplace_dialogue", "Công đoàn làm việc, thương lượng với người sử dụng lao động", "Union talks with the employer" },
	{ "labour_mediator", "Hòa giải viên lao động", "Labour mediator" },
	{ "arbitration_council", "Hội đồng trọng tài lao động", "Arbitration council" },
	{ "court", "Tòa án nhân dân", "Court" },
	{ "closed", "Đã kết thúc", "Closed" },
};

const struct dispute_label dispute_outcomes[DISPUTE_NOUTCOMES] = {
	{ "resolved_at_workplace", "Giải quyết xong tại doanh nghiệp", "Resolved at the workplace" },
	{ "mediated", "Hòa giải thành", "Mediated" },
	{ "arbitrated", "Ban trọng tài lao động ra quyết định", "Arbitrated" },
	{ "judgment", "Bản án, quyết định của Tòa", "Court judgment" },
	{ "withdrawn", "Rút yêu cầu", "Withdrawn" },
	{ "other", "Khác", "Other" },
};

/* The row of table `t` (n rows) for `value`; NULL when it has none. */
const struct dispute_label *
dispute_find(const struct dispute_label *t, size_t n, const char *value)
{
	for (size_t i = 0; value && i < n; i++)
		if (strcmp(t[i].value, value) == 0)
			return &t[i];
	return NULL;
}

/* The Vietnamese label of a kind, scope, stage or outcome (their values
 * do not overlap but for "other", which reads the same); NULL when none. */
const char *
dispute_vi(const char *value)
{
	static const struct { const struct dispute_label *t; size_t n; } all[] = {
		{ dispute_kinds, DISPUTE_NKINDS }, { dispute_scopes, DISPUTE_NSCOPES },
		{ dispute_stages, DISPUTE_NSTAGES }, { dispute_outcomes, DISPUTE_NOUTCOMES },
	};
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		const struct dispute_label *l = dispute_find(all[i].t, all[i].n, value);
		if (l)
			return l->vi;
	}
	return NULL;
}

/* The label of `value` from table `t` (n rows) in `lang`; the value
 * itself when the table does not hold it. */
const char *
dispute_label(const struct dispute_label *t, size_t n, const char *value, enum lang lang)
{
	const struct dispute_label *l = dispute_find(t, n, value);
	return l == NULL ? value : lang == LANG_EN ? l->en : l->vi;
}
