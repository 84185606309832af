/* campaign.c: survey campaigns (sql/045): the one check of a campaign an officer opens, and its state on a day, for /admin/campaigns. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "brief.h"
#include "campaign.h"

const char *const campaign_field_names[CPF__MAX] = {
	"starts",   /* CPF_STARTS */
	"ends",     /* CPF_ENDS */
	"target",   /* CPF_TARGET */
};

const struct vocab campaign_states[CAMPAIGN_NSTATES] = {
	{ "planned", "Chưa bắt đầu", "Not started" },
	{ "open", "Đang mở", "Open" },
	{ "ended", "Đã hết hạn, chưa chốt", "Over, not closed" },
	{ "closed", "Đã chốt", "Closed" },
};

#define T(vi, en) (lang == LANG_EN ? (en) : (vi))

/* Days since 1970-01-01 of a date brief_date_ok() accepted. */
static long
day_number(const char *ymd)
{
	struct tm tm = { 0 };
	tm.tm_year = atoi(ymd) - 1900;
	tm.tm_mon = atoi(ymd + 5) - 1;
	tm.tm_mday = atoi(ymd + 8);
	return (long)(timegm(&tm) / 86400);
}

/* Digits only, 1 to `max`. */
static bool
count_ok(const char *s, long max)
{
	size_t n = strlen(s);
	return n > 0 && n <= 7 && strspn(s, "0123456789") == n && atol(s) >= 1 && atol(s) <= max;
}

int
campaign_check(const struct campaign_in *in, enum lang lang, const char *m[CPF__MAX], const char **target)
{
	for (int i = 0; i < CPF__MAX; i++)
		m[i] = NULL;
	m[CPF_STARTS] = brief_date_error(in->starts, lang == LANG_EN);
	m[CPF_ENDS] = brief_date_error(in->ends, lang == LANG_EN);
	bool dates = !m[CPF_STARTS] && !m[CPF_ENDS];
	if (dates && strcmp(in->ends, in->starts) < 0)
		m[CPF_ENDS] = T("Ngày kết thúc không thể trước ngày bắt đầu.", "It cannot end before it begins.");
	else if (dates && day_number(in->ends) - day_number(in->starts) > CAMPAIGN_DAYS_MAX)
		m[CPF_ENDS] = T("Một đợt khảo sát dài tối đa một năm (366 ngày).", "A campaign lasts a year (366 days) at most.");
	*target = *in->target ? in->target : in->headcount;
	if (*in->target && !count_ok(in->target, CAMPAIGN_TARGET_MAX))
		m[CPF_TARGET] = T("Mục tiêu là số phiếu từ 1 đến 1.000.000.", "The target: a number of answers from 1 to 1,000,000.");
	else if (!*in->target && !count_ok(in->headcount, CAMPAIGN_TARGET_MAX))
		m[CPF_TARGET] = T("Nơi làm việc chưa có số lao động: hãy nhập mục tiêu số phiếu.",
		    "The workplace has no headcount on record: type the target number of answers.");
	int n = 0;
	for (int i = 0; i < CPF__MAX; i++)
		n += m[i] != NULL;
	return n;
}

const char *
campaign_state(const char *starts, const char *ends, bool closed, const char *today)
{
	if (closed)
		return "closed";
	if (strcmp(today, starts) < 0)
		return "planned";
	return strcmp(today, ends) > 0 ? "ended" : "open";
}
