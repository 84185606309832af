/* dispute.c: the vocabulary of dispute cases: the values the database allows and how the console, the dossier and the statistics name them. */
#include <string.h>

#include "dispute.h"

const struct vocab dispute_kinds[DISPUTE_NKINDS] = {
	{ "wage_arrears", "Nợ lương", "Wage arrears" },
	{ "social_insurance", "Nợ BHXH", "Social insurance arrears" },
	{ "dismissal", "Sa thải, chấm dứt HĐLĐ", "Dismissal" },
	{ "safety", "An toàn, vệ sinh lao động", "Safety" },
	{ "working_time", "Thời giờ làm việc, làm thêm giờ", "Working time" },
	{ "other", "Khác", "Other" },
};

const struct vocab dispute_scopes[DISPUTE_NSCOPES] = {
	{ "individual", "Cá nhân", "Individual" },
	{ "collective", "Tập thể", "Collective" },
};

/* Rights or interest (Bộ luật Lao động 2019, Điều 179): an individual dispute is always about rights. */
const struct vocab dispute_types[DISPUTE_NTYPES] = {
	{ "rights", "Về quyền", "Over rights" },
	{ "interest", "Về lợi ích", "Over interests" },
};

/* What a dispute is about: decides which deadlines apply (Điều 188 khoản 1
 * exempts dismissal, unilateral termination and social insurance from mediation). */
const struct vocab dispute_subjects[DISPUTE_NSUBJECTS] = {
	{ "dismissal", "Sa thải", "Dismissal" },
	{ "termination", "Đơn phương chấm dứt hợp đồng lao động", "Unilateral termination" },
	{ "wages", "Tiền lương", "Wages" },
	{ "social_insurance", "Bảo hiểm xã hội", "Social insurance" },
	{ "discipline", "Kỷ luật lao động (trừ sa thải)", "Discipline (other than dismissal)" },
	{ "accident", "Tai nạn lao động", "Labour accident" },
	{ "other", "Khác", "Other" },
};

/* How the union takes part in the case (the 90% court-support target). */
const struct vocab dispute_union_roles[DISPUTE_NROLES] = {
	{ "representative", "Người đại diện theo ủy quyền", "Authorised representative" },
	{ "defender", "Người bảo vệ quyền và lợi ích hợp pháp", "Defender of the worker's rights" },
	{ "filed_for_worker", "Khởi kiện thay người lao động", "Filed the claim for the worker" },
	{ "advice", "Tư vấn pháp luật", "Legal advice" },
	{ "none", "Không tham gia", "None" },
};

/* Whether the worker is a union member; "unknown" is stored as NULL. */
const struct vocab dispute_member[DISPUTE_NMEMBER] = {
	{ "yes", "Có", "Yes" },
	{ "no", "Không", "No" },
	{ "unknown", "Chưa rõ", "Unknown" },
};

/* The dates deadlines count from, as dispute_case columns and
 * legal_deadline.counted_from name them (sql/021, sql/022), in the order
 * the case form shows them. */
const struct vocab dispute_dates[DISPUTE_NDATES] = {
	{ "violation_known_on", "Ngày phát hiện vi phạm (thời hiệu tính từ ngày này)", "Violation discovered on (limitation periods count from it)" },
	{ "panel_formed_on", "Ngày thành lập Ban trọng tài lao động", "Arbitration panel formed on" },
	{ "payday", "Kỳ trả lương bị chậm (ngày phải trả lương)", "Payday the wages were due" },
	{ "si_due_date", "Hạn đóng BHXH chậm nhất (ngày cuối tháng sau tháng đóng)", "Latest social-insurance due date (last day of the month after)" },
	{ "terminated_on", "Ngày chấm dứt hợp đồng lao động", "Labour contract ended on" },
	{ "judgment_on", "Ngày tuyên án sơ thẩm", "First-instance judgment pronounced on" },
	{ "accident_reported_on", "Ngày đoàn điều tra nhận tin báo tai nạn", "Accident reported to the investigators on" },
	{ "bargaining_requested_on", "Ngày nhận yêu cầu thương lượng tập thể", "Request to bargain received on" },
	{ "bargaining_started_on", "Ngày bắt đầu thương lượng tập thể", "Collective bargaining started on" },
	{ "agreement_signed_on", "Ngày ký thỏa ước lao động tập thể", "Collective agreement signed on" },
	{ "agreement_expires_on", "Ngày thỏa ước hết hạn", "Collective agreement expires on" },
	{ "dialogue_held_on", "Ngày đối thoại định kỳ gần nhất", "Last periodic dialogue held on" },
	{ "strike_planned_on", "Ngày dự định bắt đầu đình công", "Strike planned to start on" },
};

/* The legal path (Labour Code 2019, Art. 188-194; DOMAIN.md), in order. */
const struct vocab dispute_stages[DISPUTE_NSTAGES] = {
	{ "intake", "Tiếp nhận", "Intake" },
	{ "verification", "Xác minh", "Verification" },
	{ "workplace_dialogue", "Công đoàn làm việc, thương lượng với người sử dụng lao động", "Union talks with the employer" },
	{ "labour_mediator", "Hòa giải viên lao động", "Labour mediator" },
	{ "arbitration_council", "Hội đồng trọng tài lao động", "Arbitration council" },
	{ "court", "Tòa án nhân dân", "Court" },
	{ "closed", "Đã kết thúc", "Closed" },
};

const struct vocab dispute_outcomes[DISPUTE_NOUTCOMES] = {
	{ "resolved_at_workplace", "Giải quyết xong tại doanh nghiệp", "Resolved at the workplace" },
	{ "mediated", "Hòa giải thành", "Mediated" },
	{ "arbitrated", "Ban trọng tài lao động ra quyết định", "Arbitrated" },
	{ "judgment", "Bản án, quyết định của Tòa", "Court judgment" },
	{ "withdrawn", "Rút yêu cầu", "Withdrawn" },
	{ "other", "Khác", "Other" },
};

/* The Vietnamese label of a kind, scope, stage or outcome (their values
 * do not overlap but for "other", which reads the same); NULL when none. */
const char *
dispute_vi(const char *value)
{
	static const struct { const struct vocab *t; size_t n; } all[] = {
		{ dispute_kinds, DISPUTE_NKINDS }, { dispute_scopes, DISPUTE_NSCOPES },
		{ dispute_stages, DISPUTE_NSTAGES }, { dispute_outcomes, DISPUTE_NOUTCOMES },
	};
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		const struct vocab *l = vocab_find(all[i].t, all[i].n, value);
		if (l)
			return l->vi;
	}
	return NULL;
}
