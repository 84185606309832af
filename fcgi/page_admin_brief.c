/* page_admin_brief.c: /admin/brief: a printable brief for workplace dialogue and bargaining, small counts hidden, audited. */
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include <libpq-fe.h>

#include "app.h"
#include "arena.h"
#include "auth.h"
#include "brief.h"
#include "buf.h"
#include "console.h"
#include "db.h"
#include "filters.h"
#include "fmt.h"
#include "form.h"
#include "html.h"
#include "http.h"
#include "i18n.h"
#include "log.h"
#include "page_admin.h"
#include "req.h"
#include "stats.h"

#define QUOTES_MAX     10    /* quotes an officer may put in one brief */
#define CANDIDATES_MAX 100   /* reports offered to quote, newest first */

/* Every brief query reads the same rows: the workplace's reports in the
 * period that arrived at a unit inside the officer's scope ($1), spam left
 * out (the statistics' rule: a report belongs to the unit it arrived at,
 * not to the workplace's current unit). $2 workplace, $3 and $4 the first
 * and last day (Vietnam time). The figures come from the reports' daily
 * facts (sql/019_stats_facts.sql, summed over the period), the quotes from
 * the reports themselves. */
#define BRIEF_FACTS \
	" FROM submission_fact_all f JOIN org_unit u ON u.id = f.unit_id " \
	"WHERE u.path LIKE $1 || '%' AND f.workplace_id = $2::bigint AND f.day BETWEEN $3::date AND $4::date "
/* The quotes read the reports themselves. The scope tests are one-time
 * conditions (EXISTS on the workplace, the units in scope as an array),
 * not joins: joined, the planner expected a handful of rows under
 * row-level security and sorted all of a busy workplace's month (300 ms
 * at 1M reports) instead of walking its index newest first. */
#define BRIEF_REPORTS \
	" FROM submission s WHERE EXISTS (SELECT 1 FROM workplace w JOIN org_unit u ON u.id = w.unit_id " \
	"WHERE w.id = $2::bigint AND u.path LIKE $1 || '%') AND s.workplace_id = $2::bigint AND s.status <> 'spam' " \
	"AND s.unit_id = ANY (ARRAY(SELECT a.id FROM org_unit a WHERE a.path LIKE $1 || '%')) " \
	"AND s.received_at >= ($3::date)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh' " \
	"AND s.received_at < ($4::date + 1)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh' "

/* The brief's validated arguments. */
struct brief_args {
	const char *workplace, *from, *to;
	int k;
	const char **quotes;   /* report ids, digits only */
	size_t nquotes;
};

/* One value of a select field and how many reports chose it. */
struct tally {
	const char *value;
	long n, urgent;
};

static const struct form_field *
field_find(const struct form *f, const char *name)
{
	for (size_t i = 0; f && i < f->nfields; i++)
		if (strcmp(f->fields[i].name, name) == 0)
			return &f->fields[i];
	return NULL;
}

static const char *
form_title(const struct req *r, const char *id)
{
	const struct form *f = form_find(r->app->forms, id);
	return f ? form_label(f->title, r->lang) : id;
}

/* A count as the brief shows it: the number, or "dưới k". */
static void
put_count(struct req *r, long n, int k)
{
	char s[48];
	brief_fmt_count(s, sizeof(s), n, k, r->lang == LANG_EN);
	html_text(r->out, s);
}

static void
put_hidden(struct req *r, int k)
{
	char s[48];
	brief_fmt_hidden(s, sizeof(s), k, r->lang == LANG_EN);
	html_text(r->out, s);
}

/* One "label: value" row of a figures table. */
static void
row_text(struct req *r, const char *label, const char *value)
{
	console_figure(r, label, value);
}

/* One "label: count" row, the count hidden below k. */
static void
row_count(struct req *r, const char *label, long n, int k)
{
	char s[48];
	brief_fmt_count(s, sizeof(s), n, k, r->lang == LANG_EN);
	row_text(r, label, s);
}

/* A sum of đồng given by `n` reports; hidden below k. */
static void
row_sum(struct req *r, const char *label, long n, double sum, int k)
{
	char s[64];
	if (brief_suppress(n, k)) {
		brief_fmt_hidden(s, sizeof(s), k, r->lang == LANG_EN);
		row_text(r, label, s);
	} else {
		brief_fmt_decimal(s, sizeof(s), sum, 0, r->lang == LANG_EN);
		row_text(r, label, arena_printf(r->arena, "%s đ", s));
	}
}

/* An average of `answers` values summing to `sum`, with a unit. */
static void
row_average(struct req *r, const char *label, double sum, long answers, int k, int decimals, const char *unit)
{
	char s[64];
	brief_fmt_average(s, sizeof(s), sum, answers, k, decimals, r->lang == LANG_EN);
	row_text(r, label, brief_average_shown(answers, k) ? arena_printf(r->arena, "%s%s", s, unit) : s);
}

/* The choice of workplace, period and k; `problem` (may be NULL) says
 * what was wrong, with `status` 400. */
static void
brief_chooser(struct req *r, int status, const char *problem)
{
	struct buf *b = r->out;
	console_restart(r, status, L(r, "Bản tóm tắt đối thoại", "Dialogue brief"));
	console_heading(r, 1, NULL, "Bản tóm tắt cho đối thoại và thương lượng", "Brief for dialogue and bargaining");
	console_alert(r, problem);
	html_lit(b, "<p>");
	html_text(b, L(r, "Tổng hợp phản ánh và khảo sát của một nơi làm việc trong một kỳ. Số liệu dưới k người được ẩn "
	    "để bảo vệ người phản ánh (k từ 3 đến 20, mặc định 5). Mỗi lần xem được ghi vào nhật ký.",
	    "A summary of one workplace's reports and surveys over a period. Figures from fewer than k people are hidden "
	    "to protect those who reported (k from 3 to 20, default 5). Every view is recorded in the audit log."));
	html_lit(b, "</p><form method=\"get\" action=\"/admin/brief\" class=\"filters\">");
	/* a required select starts with an empty choice (valid HTML) */
	console_workplace_select(r, NULL, kv_get_or_empty(&r->args, "workplace"), "—", true, NULL);
	filters_date(r, "from", "Từ ngày", "From", kv_get_or_empty(&r->args, "from"), true);
	filters_date(r, "to", "Đến ngày", "To", kv_get_or_empty(&r->args, "to"), true);
	html_lit(b, "<label>k <input type=\"number\" name=\"k\" min=\"3\" max=\"20\" value=\"5\"></label>");
	console_submit(r, "btn primary", "Lập bản tóm tắt", "Make the brief");
	console_end(r);
}

/* Reads and checks the arguments; false when the chooser was shown with 400. */
static bool
brief_read_args(struct req *r, struct brief_args *a)
{
	a->workplace = kv_get_or_empty(&r->args, "workplace");
	a->from = kv_get_or_empty(&r->args, "from");
	a->to = kv_get_or_empty(&r->args, "to");
	if (brief_parse_k(kv_get(&r->args, "k"), &a->k) != 0) {
		brief_chooser(r, 400, L(r, "k phải là số từ 3 đến 20. Ngưỡng dưới 3 không được phép: số liệu của một hai "
		    "người có thể chỉ ra người phản ánh.", "k must be a number from 3 to 20. A threshold below 3 is not "
		    "allowed: figures from one or two people can point at who reported."));
		return false;
	}
	if (!fmt_is_digits(a->workplace, 18)) {
		brief_chooser(r, 400, L(r, "Hãy chọn một nơi làm việc.", "Choose a workplace."));
		return false;
	}
	if (!brief_date_ok(a->from) || !brief_date_ok(a->to) || strcmp(a->from, a->to) > 0) {
		brief_chooser(r, 400, L(r, "Ngày không hợp lệ: cần ngày bắt đầu và ngày kết thúc dạng YYYY-MM-DD, "
		    "ngày bắt đầu không sau ngày kết thúc.", "Invalid dates: a first and a last day as YYYY-MM-DD are "
		    "needed, the first not after the last."));
		return false;
	}
	size_t cap = 0;
	for (size_t i = 0; i < r->args.n; i++)
		cap += strcmp(r->args.items[i].key, "quote") == 0;
	a->quotes = arena_alloc(r->arena, (cap + 1) * sizeof(char *));
	a->nquotes = 0;
	for (size_t i = 0; i < r->args.n; i++) {
		if (strcmp(r->args.items[i].key, "quote") != 0)
			continue;
		const char *q = r->args.items[i].val;
		bool dup = false;
		for (size_t j = 0; j < a->nquotes && !dup; j++)
			dup = strcmp(a->quotes[j], q) == 0;
		if (!fmt_is_digits(q, 18)) {
			brief_chooser(r, 400, L(r, "Trích dẫn không hợp lệ: chọn phản ánh theo số.",
			    "Invalid quote: pick reports by number."));
			return false;
		}
		if (!dup)
			a->quotes[a->nquotes++] = q;
	}
	if (a->nquotes > QUOTES_MAX) {
		brief_chooser(r, 400, L(r, "Chọn nhiều nhất 10 trích dẫn.", "Pick at most 10 quotes."));
		return false;
	}
	return true;
}

/* Counts the brief's reports of `form_id` by its breakdown field ("" when
 * unanswered; the field of each form is named in submission_facts()).
 * *out from the arena. -1 when the query failed. */
static int
tally_select(struct req *r, const char *const base[4], const char *form_id, struct tally **out, size_t *n)
{
	const char *p[5] = { base[0], base[1], base[2], base[3], form_id };
	enum { T_VALUE, T_N, T_URGENT };
	PGresult *res = console_rows(db_query(r->app->db, "SELECT substr(f.fact, 8), sum(f.n), sum(f.v)"
	    BRIEF_FACTS "AND f.form_id = $5 AND f.fact LIKE 'select:%' GROUP BY 1 HAVING sum(f.n) <> 0", 5, p), "brief");
	if (res == NULL)
		return -1;
	*n = (size_t)PQntuples(res);
	*out = arena_alloc(r->arena, (*n + 1) * sizeof(**out));
	for (size_t i = 0; i < *n; i++)
		(*out)[i] = (struct tally){ arena_strdup(r->arena, PQgetvalue(res, (int)i, T_VALUE)),
		    atol(PQgetvalue(res, (int)i, T_N)), atol(PQgetvalue(res, (int)i, T_URGENT)) };
	PQclear(res);
	return 0;
}

static long
tally_of(const struct tally *t, size_t n, const char *value)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(t[i].value, value) == 0)
			return t[i].n;
	return 0;
}

/* A breakdown table over every option of the field: the shown cells
 * largest first, then the hidden ones in the form's order (so their order
 * says nothing), then "not answered / other". Returns the total. */
static long
render_breakdown(struct req *r, const char *form_id, const char *field, const struct tally *t, size_t n, int k)
{
	const struct form_field *fd = field_find(form_find(r->app->forms, form_id), field);
	size_t nopt = fd ? fd->noptions : 0;
	long total = 0, known = 0;
	for (size_t i = 0; i < n; i++)
		total += t[i].n;
	html_lit(r->out, "<table class=\"figures\"><tbody>");
	bool *done = arena_alloc(r->arena, nopt + 1);
	memset(done, 0, nopt + 1);
	for (;;) {   /* shown cells, largest first (ties in form order) */
		size_t best = nopt;
		long bn = 0;
		for (size_t j = 0; j < nopt; j++) {
			long c = tally_of(t, n, fd->options[j].value);
			if (!done[j] && !brief_suppress(c, k) && (best == nopt || c > bn)) {
				best = j;
				bn = c;
			}
		}
		if (best == nopt)
			break;
		done[best] = true;
		row_count(r, form_label(fd->options[best].label, r->lang), bn, k);
	}
	for (size_t j = 0; j < nopt; j++) {
		long c = tally_of(t, n, fd->options[j].value);
		known += c;
		if (!done[j])
			row_count(r, form_label(fd->options[j].label, r->lang), c, k);
	}
	row_count(r, L(r, "Không chọn / khác", "Not answered / other"), total - known, k);
	html_lit(r->out, "</tbody></table>");
	return total;
}

/* Runs a one-row query of the brief; NULL (and a log line) on failure. */
static PGresult *
one_row(PGresult *res)
{
	res = console_rows(res, "brief");
	if (res != NULL && PQntuples(res) != 1) {
		PQclear(res);
		return NULL;
	}
	return res;
}

/* "2025-03 2025-04" → "03/2025, 04/2025" (arena). */
static const char *
month_list(struct req *r, const char *months)
{
	const char *out = "";
	for (const char *m = months; strlen(m) >= 7; m += m[7] == ' ' ? 8 : strlen(m))
		out = arena_printf(r->arena, "%s%s%.2s/%.4s", out, *out ? ", " : "", m + 5, m);
	return out;
}

/* The Borda ranking of the survey's priorities: topics ranked by k or
 * more people in Borda order, the others after them in the survey's
 * order (so their order says nothing about a few people), then how the
 * points are counted. */
static void
survey_ranking(struct req *r, const struct form_field *fd, const struct brief_borda *score, size_t nopt, int k)
{
	struct buf *b = r->out;
	static const struct console_label cols[] = {
		{ "#", "#" }, { "Nội dung", "Topic" }, { "Điểm xếp hạng (cách tính Borda)", "Points (Borda count)" },
		{ "Số người xếp hạng", "People who ranked it" },
	};
	html_lit(b, "<table class=\"ranking\"><thead><tr>");
	console_ths(r, cols, sizeof(cols) / sizeof(cols[0]), 2);
	html_lit(b, "</tr></thead><tbody>");
	/* topics ranked by k or more people in Borda order; the others after them in
	 * the survey's order, so their order says nothing about a few people */
	size_t place = 0;
	for (int pass = 0; pass < 2; pass++) {
		for (size_t j = 0; j < nopt; j++) {
			size_t i = j;
			if (pass == 1)   /* the survey's order: find option j among the scores */
				for (i = 0; i < nopt && score[i].option != j; i++)
					;
			bool hide = brief_suppress(score[i].ranked, k);
			if (hide != (pass == 1))
				continue;
			html_lit(b, "<tr data-option=\"");
			html_attr(b, fd->options[score[i].option].value);
			html_lit(b, "\"><td>");
			if (hide)
				html_lit(b, "—");
			else
				html_text(b, arena_printf(r->arena, "%zu", ++place));
			console_wrap(r, "</td><td>",
			    form_label(fd->options[score[i].option].label, r->lang), "</td><td class=\"num\">");
			if (hide)
				put_hidden(r, k);
			else
				html_text(b, arena_printf(r->arena, "%ld", score[i].points));
			html_lit(b, "</td><td class=\"num\">");
			put_count(r, score[i].ranked, k);
			html_lit(b, "</td></tr>");
		}
	}
	html_lit(b, "</tbody></table><p class=\"note\">");
	html_text(b, L(r, "Điểm xếp hạng (cách tính Borda): người xếp n nội dung cho nội dung thứ nhất n điểm, thứ hai n − 1 điểm, …, "
	    "thứ n 1 điểm; nội dung không xếp được 0 điểm. Bằng điểm thì xét số lần được xếp thứ nhất, rồi thứ tự "
	    "trong phiếu. Nội dung có dưới k người xếp hạng được ẩn điểm và xếp sau, theo thứ tự trong phiếu.",
	    "Borda points: someone who ranked n topics gives the first n points, the second n − 1, …, the last 1; "
	    "unranked topics get 0. Ties go to more first places, then to the survey's order. Topics ranked by "
	    "fewer than k people have their points hidden and follow in the survey's order."));
	html_lit(b, "</p>");
}

/* The survey: how many answered, the Borda ranking of priorities, the
 * averages. false when a query failed. */
static bool
render_survey(struct req *r, const char *const base[4], int k)
{
	struct buf *b = r->out;
	const struct form_field *fd = field_find(form_find(r->app->forms, "bargaining_survey"), "priorities");
	enum { RK_RANKING, RK_N };
	PGresult *res = console_rows(db_query(r->app->db, "SELECT substr(f.fact, 9), sum(f.n)" BRIEF_FACTS
	    "AND f.form_id = 'bargaining_survey' AND f.fact LIKE 'ranking:%' GROUP BY 1 HAVING sum(f.n) > 0", 4, base), "brief");
	if (res == NULL)
		return false;
	size_t nrows = (size_t)PQntuples(res), nopt = fd ? fd->noptions : 0;
	const size_t **rankings = arena_alloc(r->arena, (nrows + 1) * sizeof(*rankings));
	size_t *lens = arena_alloc(r->arena, (nrows + 1) * sizeof(*lens));
	long *weights = arena_alloc(r->arena, (nrows + 1) * sizeof(*weights));
	for (size_t i = 0; i < nrows; i++) {   /* each distinct ranking once, with how many gave it */
		weights[i] = atol(PQgetvalue(res, (int)i, RK_N));
		json_error_t err;
		json_t *arr = json_loads(PQgetvalue(res, (int)i, RK_RANKING), 0, &err);
		size_t m = json_array_size(arr);
		size_t *idx = arena_alloc(r->arena, (m + 1) * sizeof(*idx));
		lens[i] = 0;
		for (size_t p = 0; p < m; p++) {   /* values the form no longer offers are left out */
			const char *v = json_string_value(json_array_get(arr, p));
			for (size_t j = 0; v && j < nopt; j++)
				if (strcmp(fd->options[j].value, v) == 0)
					idx[lens[i]++] = j;
		}
		rankings[i] = idx;
		json_decref(arr);
	}
	PQclear(res);
	struct brief_borda *score = arena_alloc(r->arena, (nopt + 1) * sizeof(*score));
	size_t respondents = brief_borda(nopt, rankings, lens, weights, nrows, score);

	html_lit(b, "<table class=\"figures\"><tbody>");
	row_count(r, L(r, "Số phiếu có xếp hạng", "Surveys with a ranking"), (long)respondents, k);
	html_lit(b, "</tbody></table>");
	if (brief_suppress((long)respondents, k)) {
		html_lit(b, "<p class=\"hidden-figure\">");
		html_text(b, L(r, "Thứ tự ưu tiên được ẩn: ", "The ranking is hidden: "));
		put_hidden(r, k);
		html_text(b, L(r, " phiếu khảo sát.", " surveys."));
		html_lit(b, "</p>");
	} else {
		survey_ranking(r, fd, score, nopt, k);
	}
	enum { SV_RISE_N, SV_RISE_SUM, SV_MEAL_N, SV_MEAL_SUM };
	res = one_row(db_query(r->app->db, "SELECT "
	    "coalesce(sum(f.n) FILTER (WHERE f.fact = 'number:wage_rise'), 0), "
	    "coalesce(sum(f.v) FILTER (WHERE f.fact = 'number:wage_rise'), 0), "
	    "coalesce(sum(f.n) FILTER (WHERE f.fact = 'number:meal_value_wanted'), 0), "
	    "coalesce(sum(f.v) FILTER (WHERE f.fact = 'number:meal_value_wanted'), 0)"
	    BRIEF_FACTS "AND f.form_id = 'bargaining_survey'", 4, base));
	if (res == NULL)
		return false;
	html_lit(b, "<table class=\"figures\"><tbody>");
	row_average(r, L(r, "Mức tăng lương mong muốn, trung bình", "Wage rise hoped for, average"),
	    atof(PQgetvalue(res, 0, SV_RISE_SUM)), atol(PQgetvalue(res, 0, SV_RISE_N)), k, 1, " %");
	row_average(r, L(r, "Giá trị suất ăn ca mong muốn, trung bình", "Meal value wished for, average"),
	    atof(PQgetvalue(res, 0, SV_MEAL_SUM)), atol(PQgetvalue(res, 0, SV_MEAL_N)), k, 0, " đ");
	html_lit(b, "</tbody></table>");
	PQclear(res);
	return true;
}

/* Wage or social-insurance arrears: reports, amounts, distinct months. */
static bool
render_arrears(struct req *r, const char *const base[4], int k, bool wages)
{
	const char *p[5] = { base[0], base[1], base[2], base[3], wages ? "wage_arrears" : "social_insurance" };
	enum { AR_REPORTS, AR_TOTAL_N, AR_TOTAL_SUM, AR_OTHER_N, AR_OTHER_SUM, AR_DEDUCTED };
	enum { MO_COUNT, MO_LIST };
	PGresult *res = one_row(db_query(r->app->db, "SELECT coalesce(sum(f.n) FILTER (WHERE f.fact = 'reports'), 0), "
	    "coalesce(sum(f.n) FILTER (WHERE f.fact = 'amount:total'), 0), "
	    "coalesce(sum(f.v) FILTER (WHERE f.fact = 'amount:total'), 0), "
	    "coalesce(sum(f.n) FILTER (WHERE f.fact = 'amount:other'), 0), "
	    "coalesce(sum(f.v) FILTER (WHERE f.fact = 'amount:other'), 0), "
	    "coalesce(sum(f.n) FILTER (WHERE f.fact = 'deducted'), 0)"
	    BRIEF_FACTS "AND f.form_id = $5 AND f.fact IN ('reports', 'amount:total', 'amount:other', 'deducted')", 5, p));
	/* the months listed (months_owed or months_unpaid, see the facts), each once */
	PGresult *mon = res ? one_row(db_query(r->app->db, "SELECT count(*), coalesce(string_agg(m, ' ' ORDER BY m), '') "
	    "FROM (SELECT substr(f.fact, 7) AS m" BRIEF_FACTS "AND f.form_id = $5 AND f.fact LIKE 'month:%' "
	    "GROUP BY 1 HAVING sum(f.n) > 0) x", 5, p)) : NULL;
	if (mon == NULL) {
		PQclear(res);
		return false;
	}
	long reports = atol(PQgetvalue(res, 0, AR_REPORTS));
	char s[64];
	bool en = r->lang == LANG_EN;
	html_lit(r->out, "<table class=\"figures\"><tbody>");
	row_count(r, L(r, "Số phản ánh", "Reports"), reports, k);
	if (wages) {
		row_sum(r, L(r, "Tổng số tiền bị nợ (phản ánh nêu tổng số)", "Sum owed (reports giving a total)"),
		    atol(PQgetvalue(res, 0, AR_TOTAL_N)), atof(PQgetvalue(res, 0, AR_TOTAL_SUM)), k);
		row_sum(r, L(r, "Tổng số tiền bị nợ (phản ánh nêu mỗi người)", "Sum owed (reports giving per person)"),
		    atol(PQgetvalue(res, 0, AR_OTHER_N)), atof(PQgetvalue(res, 0, AR_OTHER_SUM)), k);
	} else {
		row_count(r, L(r, "Bị trừ lương mà không đóng BHXH", "Deducted from pay but not paid in"),
		    atol(PQgetvalue(res, 0, AR_DEDUCTED)), k);
	}
	/* the months are drawn from all the form's reports: shown only from k of them */
	if (brief_suppress(reports, k)) {
		brief_fmt_hidden(s, sizeof(s), k, en);
		row_text(r, L(r, "Số tháng bị nợ (khác nhau)", "Distinct months owed"), s);
	} else {
		const char *months = month_list(r, PQgetvalue(mon, 0, MO_LIST));
		row_text(r, L(r, "Số tháng bị nợ (khác nhau)", "Distinct months owed"),
		    arena_printf(r->arena, "%s%s%s%s", PQgetvalue(mon, 0, MO_COUNT), *months ? " (" : "", months, *months ? ")" : ""));
	}
	html_lit(r->out, "</tbody></table>");
	PQclear(res);
	PQclear(mon);
	return true;
}

/* Quotes: the officer's picks (kept in the link as quote=ID), shown only
 * when the workplace has at least k reports in the period; below them,
 * outside print, the reports one may pick from. */
static bool
render_quotes(struct req *r, const char *const base[4], const struct brief_args *a, long total)
{
	struct buf *b = r->out;
	int k = a->k;
	if (brief_suppress(total, k)) {
		html_lit(b, "<p class=\"hidden-figure\">");
		html_text(b, L(r, "Không trích dẫn: nơi làm việc có ", "No quotes: the workplace has "));
		put_hidden(r, k);
		html_text(b, L(r, " phản ánh trong kỳ.", " reports in the period."));
		html_lit(b, "</p>");
		return true;
	}
	const char *ids = "{";
	for (size_t i = 0; i < a->nquotes; i++)
		ids = arena_printf(r->arena, "%s%s%s", ids, i ? "," : "", a->quotes[i]);
	ids = arena_printf(r->arena, "%s}", ids);
	const char *p[5] = { base[0], base[1], base[2], base[3], ids };
	enum { QT_FORM, QT_TEXT };
	enum { CD_ID, CD_FORM, CD_TEXT };
	PGresult *res = console_rows(db_query(r->app->db, "SELECT s.form_id, coalesce(s.answers->>'text', "
	    "s.answers->>'description', s.answers->>'details', s.answers->>'comments')" BRIEF_REPORTS
	    "AND s.id = ANY ($5::bigint[]) AND coalesce(s.answers->>'text', s.answers->>'description', "
	    "s.answers->>'details', s.answers->>'comments') IS NOT NULL ORDER BY array_position($5::bigint[], s.id)", 5, p),
	    "brief");
	if (res == NULL)
		return false;
	int n = PQntuples(res);
	if (n == 0) {
		console_empty(r, "Chưa chọn trích dẫn nào.", "No quotes chosen.");
	}
	for (int i = 0; i < n; i++) {
		console_wrap(r, "<figure class=\"quote\"><blockquote>",
		    PQgetvalue(res, i, QT_TEXT), "</blockquote><figcaption>");
		html_text(b, form_title(r, PQgetvalue(res, i, QT_FORM)));
		html_lit(b, "</figcaption></figure>");
	}
	if ((size_t)n < a->nquotes) {
		html_lit(b, "<p class=\"note no-print\">");
		html_text(b, L(r, "Một số số phản ánh đã chọn không thuộc nơi làm việc, kỳ này hoặc không có lời kể nên bị bỏ qua.",
		    "Some chosen reports are not of this workplace or period, or have no text, and were left out."));
		html_lit(b, "</p>");
	}
	PQclear(res);

	/* The newest 100 of each half of submission_queue_order_idx (urgent
	 * new reports or not: sql/060), merged: the workplace's newest 100. */
	res = console_rows(db_query(r->app->db, "SELECT s.id, s.form_id, s.quote FROM unnest('{t,f}'::boolean[]) h (pin) "
	    "CROSS JOIN LATERAL (SELECT s.id, s.form_id, s.received_at, left(coalesce(s.answers->>'text', "
	    "s.answers->>'description', s.answers->>'details', s.answers->>'comments'), 200) AS quote" BRIEF_REPORTS
	    "AND (s.urgent AND s.status = 'new') = h.pin "
	    "AND coalesce(s.answers->>'text', s.answers->>'description', s.answers->>'details', s.answers->>'comments') "
	    "IS NOT NULL ORDER BY s.received_at DESC, s.id DESC LIMIT 100) s "
	    "ORDER BY s.received_at DESC, s.id DESC LIMIT 100", 4, base), "brief");
	if (res == NULL)
		return false;
	console_wrap(r, "<details class=\"no-print pick\"><summary>",
	    L(r, "Chọn trích dẫn (tối đa 10)", "Choose quotes (at most 10)"),
	    "</summary><form method=\"get\" action=\"/admin/brief\">");
	filters_hidden(b, "workplace", a->workplace);
	filters_hidden(b, "from", a->from);
	filters_hidden(b, "to", a->to);
	filters_hidden(b, "k", arena_printf(r->arena, "%d", k));
	html_lit(b, "<ul class=\"candidates\">");
	for (int i = 0; i < PQntuples(res) && i < CANDIDATES_MAX; i++) {
		bool on = false;
		for (size_t j = 0; j < a->nquotes && !on; j++)
			on = strcmp(a->quotes[j], PQgetvalue(res, i, CD_ID)) == 0;
		html_lit(b, "<li>");
		console_check(r, NULL, "checkbox", "quote", PQgetvalue(res, i, CD_ID), arena_printf(r->arena, "#%s · %s: %s",
		    PQgetvalue(res, i, CD_ID), form_title(r, PQgetvalue(res, i, CD_FORM)), PQgetvalue(res, i, CD_TEXT)), on);
		html_lit(b, "</li>");
	}
	html_lit(b, "</ul>");
	console_submit(r, "btn", "Cập nhật trích dẫn", "Update quotes");
	html_lit(b, "</details>");
	PQclear(res);
	return true;
}

/* One fact of the brief's head: <dt>TERM</dt><dd class="CLS">, left open
 * for its value; `cls` (a literal, the print style's hook) may be NULL. */
static void
brief_fact(struct req *r, const char *vi, const char *en, const char *cls)
{
	html_lit(r->out, "<dt>");
	html_text(r->out, L(r, vi, en));
	const struct kv a[] = { { "class", cls, 0 } };
	html_lit(r->out, "</dt><dd");
	html_attrs(r->out, a, 1);
	html_lit(r->out, ">");
}

/* The brief's frame, title and facts (workplace, period, k, who made it
 * when). false after 404 (a workplace outside the scope) or 503. */
static bool
brief_head(struct req *r, const struct brief_args *a)
{
	struct buf *b = r->out;
	const char *wp[2] = { r->officer->unit_path, a->workplace };
	PGresult *w = db_query(r->app->db, "SELECT w.name, u.name, "
	    "to_char(now() AT TIME ZONE 'Asia/Ho_Chi_Minh', 'DD/MM/YYYY HH24:MI') "
	    "FROM workplace w JOIN org_unit u ON u.id = w.unit_id WHERE w.id = $2::bigint AND u.path LIKE $1 || '%'", 2, wp);
	if (w == NULL || !db_ok(w) || PQntuples(w) != 1) {
		http_error(r, w && db_ok(w) ? 404 : 503, MSG__MAX);
		PQclear(w);
		return false;
	}
	enum { W_NAME, W_UNIT, W_NOW };
	const char *wname = arena_strdup(r->arena, PQgetvalue(w, 0, W_NAME)), *uname = arena_strdup(r->arena, PQgetvalue(w, 0, W_UNIT));
	const char *made = arena_strdup(r->arena, PQgetvalue(w, 0, W_NOW));
	PQclear(w);
	console_begin(r, L(r, "Bản tóm tắt đối thoại", "Dialogue brief"));
	html_lit(b, "<link rel=\"stylesheet\" href=\"/static/" STATIC_VERSION "/brief.css\"><article class=\"brief\"><h1>");
	html_text(b, L(r, "Bản tóm tắt phục vụ đối thoại và thương lượng tập thể", "Brief for workplace dialogue and collective bargaining"));
	html_lit(b, "</h1><dl class=\"brief-meta\">");
	brief_fact(r, "Nơi làm việc", "Workplace", "workplace");
	html_text(b, wname);
	console_wrap(r, " <span class=\"unit\">(", uname, ")</span></dd>");
	brief_fact(r, "Kỳ", "Period", "period");
	html_text(b, arena_printf(r->arena, L(r, "từ %s đến %s", "%s to %s"), fmt_dmy(r->arena, a->from), fmt_dmy(r->arena, a->to)));
	html_lit(b, "</dd>");
	brief_fact(r, "Ngưỡng bảo vệ", "Protection threshold", "k");
	html_text(b, arena_printf(r->arena, "k = %d: ", a->k));
	html_text(b, L(r, "số liệu dưới k người được ẩn để bảo vệ người phản ánh.", "figures from fewer than k people are hidden to protect those who reported."));
	html_lit(b, "</dd>");
	brief_fact(r, "Cách tính", "Counted", "counted");
	html_text(b, L(r, "Phản ánh được tính theo đơn vị tiếp nhận tại thời điểm gửi (như bảng thống kê): nơi làm việc "
	    "chuyển sang đơn vị ngoài phạm vi của bạn sau đó không mang theo phản ánh cũ, và ngược lại.",
	    "Reports count under the unit they arrived at (as in the statistics): a workplace moved afterwards does not "
	    "carry its earlier reports into or out of your scope."));
	html_lit(b, "</dd>");
	brief_fact(r, "Lập lúc", "Made", NULL);
	html_text(b, made);
	console_wrap(r, " · ",
	    *r->officer->display_name ? r->officer->display_name : r->officer->username,
	    "</dd></dl><p class=\"no-print note\">");
	html_text(b, L(r, "In bản này bằng lệnh In của trình duyệt (Ctrl+P): khổ A4, phần đầu trang bảng điều khiển được ẩn.",
	    "Print with the browser's Print command (Ctrl+P): A4, the console header is left out."));
	html_lit(b, "</p>");

	return true;
}

/* "Start a round from this brief" (officers; not printed): posts the
 * brief's arguments with the round's kind and day to /admin/rounds,
 * which renders the brief again and keeps that text frozen in the round. */
static void
round_start_form(struct req *r, const struct brief_args *a)
{
	struct buf *b = r->out;
	html_lit(b, "<section class=\"no-print\" id=\"round-start\">");
	console_heading(r, 2, NULL, "Bắt đầu một phiên đối thoại / thương lượng từ bản này",
	    "Start a dialogue or bargaining round from this brief");
	console_hint(r, L(r, "Phiên giữ nguyên bản tóm tắt như lúc này; phản ánh đến sau không làm thay đổi nó.",
	    "The round keeps this brief as it is now; later reports do not change it."));
	html_form_begin(r, "/admin/rounds", "round-new");
	filters_hidden(b, "workplace", a->workplace);
	filters_hidden(b, "from", a->from);
	filters_hidden(b, "to", a->to);
	filters_hidden(b, "k", arena_printf(r->arena, "%d", a->k));
	for (size_t i = 0; i < a->nquotes; i++)
		filters_hidden(b, "quote", a->quotes[i]);
	round_form_fields(r, NULL, NULL);
	console_submit(r, "btn primary", "Bắt đầu phiên", "Start the round");
	html_lit(b, "</section>");
}

/* The text of the brief page in `html` (its <article>), from the arena:
 * headings, facts and table rows each on a line (cells joined by " | "),
 * entities decoded, the parts not printed (class no-print) left out.
 * The page is this file's own output, so its markup is known and whole. */
static const char *
article_text(struct arena *ar, const char *html, size_t len)
{
	const char *p = memmem(html, len, "<article", 8);
	const char *end = p ? memmem(p, len - (size_t)(p - html), "</article>", 10) : NULL;
	if (end == NULL)
		return NULL;
	static const char *const line_ends[] = { "h1", "h2", "h3", "p", "tr", "li", "dd", "figure", "table", "dl" };
	static const struct { const char *name; char c; } entities[] = {
		{ "&amp;", '&' }, { "&lt;", '<' }, { "&gt;", '>' }, { "&quot;", '"' }, { "&#39;", '\'' }, { "&#x27;", '\'' },
	};
	struct buf out = { 0 };
	char skip[16] = "";   /* the no-print element being left out, and how deep */
	int depth = 0;
	while (p < end) {
		if (*p == '<') {
			const char *q = memchr(p, '>', (size_t)(end - p));
			if (q == NULL)
				break;
			bool closing = p[1] == '/';
			const char *n = p + 1 + closing;
			size_t nl = 0;
			while (n + nl < q && ((n[nl] >= 'a' && n[nl] <= 'z') || (n[nl] >= '0' && n[nl] <= '9')))
				nl++;
			char name[16];
			snprintf(name, sizeof(name), "%.*s", (int)nl, n);
			if (depth > 0) {
				if (strcmp(name, skip) == 0)
					depth += closing ? -1 : 1;
			} else if (!closing && memmem(p, (size_t)(q - p), "no-print", 8) != NULL) {
				snprintf(skip, sizeof(skip), "%s", name);
				depth = 1;
			} else if (closing && (strcmp(name, "td") == 0 || strcmp(name, "th") == 0)) {
				buf_puts(&out, " | ");
			} else if (closing && strcmp(name, "dt") == 0) {
				buf_puts(&out, ": ");
			} else {
				for (size_t i = 0; i < sizeof(line_ends) / sizeof(line_ends[0]); i++)
					if (strcmp(name, line_ends[i]) == 0 && (closing || strcmp(name, "table") == 0))
						buf_puts(&out, "\n");
			}
			p = q + 1;
			continue;
		}
		size_t e = 0;
		while (*p == '&' && e < sizeof(entities) / sizeof(entities[0]) && strncmp(p, entities[e].name, strlen(entities[e].name)) != 0)
			e++;
		if (depth == 0)
			buf_append(&out, *p == '&' && e < sizeof(entities) / sizeof(entities[0]) ? &entities[e].c : p, 1);
		p += *p == '&' && e < sizeof(entities) / sizeof(entities[0]) ? strlen(entities[e].name) : 1;
	}
	/* tidy: no " | " before a line's end, at most one empty line in a row */
	char *t = arena_alloc(ar, out.len + 1), *w = t;
	for (size_t i = 0; t != NULL && i < out.len; i++) {
		if (out.data[i] == '\n') {
			while (w - t >= 3 && memcmp(w - 3, " | ", 3) == 0)
				w -= 3;
			if (w - t >= 2 && w[-1] == '\n' && w[-2] == '\n')
				continue;
			if (w == t)
				continue;
		}
		*w++ = out.data[i];
	}
	if (t != NULL)
		*w = '\0';
	buf_free(&out);
	return t;
}

const char *
brief_freeze(struct req *r, const struct kvlist *args)
{
	if (kv_get(args, "workplace") == NULL || kv_get(args, "from") == NULL || kv_get(args, "to") == NULL)
		return NULL;
	struct buf *out = r->out, scratch = { 0 };
	struct kvlist saved_args = r->args;
	int status = r->status;
	const char *type = r->resp_type;
	r->out = &scratch;
	r->args = *args;
	r->status = 200;
	page_admin_brief(r);
	const char *text = r->status == 200 && !scratch.failed ? article_text(r->arena, scratch.data, scratch.len) : NULL;
	buf_free(&scratch);
	r->out = out;
	r->args = saved_args;
	r->status = status;
	r->resp_type = type;
	return text;
}

/* GET /admin/brief: the chooser; GET /admin/brief?workplace=ID&from=&to=&k=&quote=ID…: the brief.
 * 400 on bad dates, k or quotes; 404 for a workplace outside the scope; audited as brief.view. */
void
page_admin_brief(struct req *r)
{
	struct buf *b = r->out;
	if (kv_get(&r->args, "workplace") == NULL && kv_get(&r->args, "from") == NULL && kv_get(&r->args, "to") == NULL) {
		brief_chooser(r, 200, NULL);
		return;
	}
	struct brief_args a;
	if (!brief_read_args(r, &a))
		return;
	if (stats_fold(r->app->db) != 0) {
		http_error(r, 503, MSG__MAX);
		return;
	}
	const char *base[4] = { r->officer->unit_path, a.workplace, a.from, a.to };
	if (!brief_head(r, &a))
		return;

	/* reports by form */
	enum { BF_FORM, BF_N };
	PGresult *res = console_rows(db_query(r->app->db, "SELECT f.form_id, sum(f.n)" BRIEF_FACTS "AND f.fact = 'reports' "
	    "GROUP BY 1 HAVING sum(f.n) <> 0", 4, base), "brief");
	if (res == NULL) {
		http_error(r, 503, MSG__MAX);
		return;
	}
	long total = 0;
	for (int i = 0; i < PQntuples(res); i++)
		total += atol(PQgetvalue(res, i, BF_N));
	console_section(r, "Phản ánh theo loại", "Reports by form");
	html_lit(b, "<table class=\"figures by-form\"><tbody>");
	for (size_t j = 0; j < r->app->forms->n; j++) {
		const char *id = r->app->forms->forms[j].id;
		long c = 0;
		for (int i = 0; i < PQntuples(res); i++)
			if (strcmp(PQgetvalue(res, i, BF_FORM), id) == 0)
				c = atol(PQgetvalue(res, i, BF_N));
		row_count(r, form_label(r->app->forms->forms[j].title, r->lang), c, a.k);
	}
	row_count(r, L(r, "Tổng", "Total"), total, a.k);
	html_lit(b, "</tbody></table></section>");
	PQclear(res);

	struct tally *t;
	size_t n;
	bool ok = true;
	console_section(r, "Vấn đề chính (tâm tư, kiến nghị)", "Main concerns");
	if ((ok = tally_select(r, base, "concern", &t, &n) == 0)) {
		html_lit(b, "<div class=\"concerns\">");
		render_breakdown(r, "concern", "category", t, n, a.k);
		html_lit(b, "</div>");
	}
	html_lit(b, "</section>");

	console_section(r, "Khảo sát trước thương lượng: thứ tự ưu tiên", "Bargaining survey: priorities");
	ok = ok && render_survey(r, base, a.k);
	html_lit(b, "</section>");

	console_section(r, "Nợ lương", "Wage arrears");
	ok = ok && render_arrears(r, base, a.k, true);
	html_lit(b, "</section>");
	console_section(r, "Nợ bảo hiểm xã hội", "Social-insurance arrears");
	ok = ok && render_arrears(r, base, a.k, false);
	html_lit(b, "</section>");

	console_section(r, "An toàn lao động", "Safety");
	if (ok && (ok = tally_select(r, base, "safety", &t, &n) == 0)) {
		long urgent = 0;
		for (size_t i = 0; i < n; i++)
			urgent += t[i].urgent;
		render_breakdown(r, "safety", "kind", t, n, a.k);
		html_lit(b, "<table class=\"figures\"><tbody>");
		row_count(r, L(r, "Trong đó khẩn cấp", "Of which urgent"), urgent, a.k);
		html_lit(b, "</tbody></table>");
	}
	html_lit(b, "</section>");

	console_section(r, "Bữa ăn ca", "Shift meals");
	if (ok && (ok = tally_select(r, base, "meal", &t, &n) == 0)) {
		render_breakdown(r, "meal", "quality", t, n, a.k);
		enum { ML_N, ML_SUM };
		res = one_row(db_query(r->app->db, "SELECT coalesce(sum(f.n), 0), coalesce(sum(f.v), 0)"
		    BRIEF_FACTS "AND f.form_id = 'meal' AND f.fact = 'number:meal_value'", 4, base));
		if ((ok = res != NULL)) {
			html_lit(b, "<table class=\"figures\"><tbody>");
			row_average(r, L(r, "Giá trị suất ăn, trung bình", "Meal value, average"),
			    atof(PQgetvalue(res, 0, ML_SUM)), atol(PQgetvalue(res, 0, ML_N)), a.k, 0, " đ");
			html_lit(b, "</tbody></table>");
		}
		PQclear(res);
	}
	html_lit(b, "</section>");

	console_section(r, "Ý kiến người lao động", "Workers' words");
	ok = ok && render_quotes(r, base, &a, total);
	html_lit(b, "</section></article>");
	if (!ok) {
		http_error(r, 503, MSG__MAX);
		return;
	}
	if (r->officer->role >= ROLE_OFFICER)
		round_start_form(r, &a);
	console_end(r);
	audit_officer(r, "brief.view", arena_printf(r->arena, "workplace:%s", a.workplace),
	    arena_printf(r->arena, "%s..%s k=%d quotes=%zu", a.from, a.to, a.k, a.nquotes));
}
