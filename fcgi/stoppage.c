/* stoppage.c: collective work stoppages (sql/041): the outcome vocabulary and the one check of a record, for /admin/stoppages. */
#include <stdlib.h>
#include <string.h>

#include "brief.h"
#include "stoppage.h"
#include "text.h"

const struct vocab stoppage_outcomes[STOPPAGE_NOUTCOMES] = {
	{ "ongoing", "Đang diễn ra", "Still going on" },
	{ "met", "Yêu cầu được đáp ứng", "Demands met" },
	{ "partly_met", "Đáp ứng một phần", "Demands partly met" },
	{ "not_met", "Không được đáp ứng", "Demands not met" },
	{ "other", "Khác", "Other" },
};

const char *const stoppage_field_names[STF__MAX] = {
	"started",     /* STF_STARTED */
	"ended",       /* STF_ENDED */
	"workers",     /* STF_WORKERS */
	"demands",     /* STF_DEMANDS */
	"outcome",     /* STF_OUTCOME */
	"union_led",   /* STF_UNION_LED */
};

#define T(vi, en) (lang == LANG_EN ? (en) : (vi))

int
stoppage_check(const struct stoppage_in *in, enum lang lang, const char *m[STF__MAX])
{
	for (int i = 0; i < STF__MAX; i++)
		m[i] = NULL;
	m[STF_STARTED] = brief_date_error(in->started, lang == LANG_EN);
	bool ended = *in->ended != '\0';
	if (ended)
		m[STF_ENDED] = brief_date_error(in->ended, lang == LANG_EN);
	if (ended && !m[STF_ENDED] && !m[STF_STARTED] && strcmp(in->ended, in->started) < 0)
		m[STF_ENDED] = T("Ngày kết thúc không thể trước ngày bắt đầu.", "It cannot end before it began.");
	size_t nw = strlen(in->workers);
	if (nw == 0 || nw > 7 || strspn(in->workers, "0123456789") != nw || atol(in->workers) < 1 ||
	    atol(in->workers) > STOPPAGE_WORKERS_MAX)
		m[STF_WORKERS] = T("Số người tham gia là một số từ 1 đến 1.000.000.", "Workers involved: a number from 1 to 1,000,000.");
	if (!text_valid_utf8(in->demands, strlen(in->demands)) || *in->demands == '\0' ||
	    text_length(in->demands) > STOPPAGE_DEMANDS_MAX)
		m[STF_DEMANDS] = T("Hãy ghi các yêu cầu (tối đa 4000 ký tự).", "Write the demands (4000 characters at most).");
	if (vocab_find(stoppage_outcomes, STOPPAGE_NOUTCOMES, in->outcome) == NULL)
		m[STF_OUTCOME] = T("Hãy chọn kết quả trong danh sách.", "Choose an outcome from the list.");
	else if ((strcmp(in->outcome, "ongoing") == 0) == ended && !m[STF_ENDED])
		m[ended ? STF_ENDED : STF_OUTCOME] = ended ?
		    T("Cuộc ngừng việc đang diễn ra thì chưa có ngày kết thúc.", "A stoppage still going on has no end date.") :
		    T("Đã có kết quả thì hãy ghi ngày kết thúc.", "With an outcome, give the day it ended.");
	if (strcmp(in->union_led, "yes") != 0 && strcmp(in->union_led, "no") != 0)
		m[STF_UNION_LED] = T("Hãy chọn có hoặc không.", "Choose yes or no.");
	int n = 0;
	for (int i = 0; i < STF__MAX; i++)
		n += m[i] != NULL;
	return n;
}
