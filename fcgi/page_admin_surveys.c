/* page_admin_surveys.c: /admin/surveys: a survey form's results per workplace and period (answers, counts and shares per option, ranking questions ranked, comments), so survey answers need not be triaged one by one. */
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include <libpq-fe.h>

#include "app.h"
#include "arena.h"
#include "buf.h"
#include "db.h"
#include "filters.h"
#include "fmt.h"
#include "form.h"
#include "html.h"
#include "i18n.h"
#include "page_admin.h"
#include "queue_query.h"
#include "req.h"

#define ANSWERS_MAX 20000   /* answers read for one page: bounded work; the page says when more exist */
#define COMMENTS_MAX 200    /* comments listed per question, newest first */

/* The columns of the answers' rows. */
enum answer_col { A_ID, A_RECEIVED, A_ANSWERS };
/* The column of survey_form's rows. */
enum survey_form_col { SF_ID };
/* The columns of the per-workplace overview. */
enum overview_col { O_ID, O_NAME, O_ANSWERS, O_LAST };

/* One question's tally: answers per option (for a ranking question,
 * Borda points, first places and how many ranked it), numbers. */
struct tally {
	long answered;
	long *count, *first, *points;
	double *numbers;
	long nnumbers;
};

/* The page's filters, as queue_query.c checks them. */
struct survey_args {
	struct queue_filter f;
	const struct form *form;
};

/* Reads the filters; false after a 400 page naming the bad one. The form
 * must be a survey form (survey_form) this server has loaded; none given
 * is the first of them. */
static bool
survey_args(struct req *r, struct survey_args *s)
{
	const struct kvlist *a = &r->args;
	s->f = (struct queue_filter){ .status = "", .form = kv_get_or_empty(a, "form"), .workplace = kv_get_or_empty(a, "workplace"),
		.from = kv_get_or_empty(a, "from"), .to = kv_get_or_empty(a, "to"), .q = "", .urgent = "", .after = "",
		.flood = "" };
	const struct queue_bad *bad = queue_filter_check(r->arena, &s->f);
	if (bad) {
		console_refuse(r, 400, arena_printf(r->arena, "Bộ lọc không hợp lệ: %s.", bad->vi),
		    arena_printf(r->arena, "Invalid filter: %s.", bad->en), "/admin/surveys");
		return false;
	}
	const char *p[1] = { s->f.form };
	PGresult *res = db_query(r->app->db, "SELECT form_id FROM survey_form WHERE $1 = '' OR form_id = $1 ORDER BY form_id", 1, p);
	if (res == NULL || !db_ok(res)) {
		console_db_failed(r, res, "surveys: forms");
		return false;
	}
	s->form = NULL;
	for (int i = 0; i < PQntuples(res) && s->form == NULL; i++)
		s->form = form_find(r->app->forms, PQgetvalue(res, i, SF_ID));
	PQclear(res);
	if (s->form == NULL) {
		console_refuse(r, 400, "Bộ lọc không hợp lệ: biểu mẫu (form) không phải phiếu khảo sát.",
		    "Invalid filter: form is not a survey form.", "/admin/surveys");
		return false;
	}
	s->f.form = s->form->id;
	return true;
}

/* The filters as a GET form: survey, workplace, period. */
static void
survey_filter_form(struct req *r, const struct survey_args *s)
{
	struct buf *b = r->out;
	html_lit(b, "<form method=\"get\" action=\"/admin/surveys\" class=\"filters\">");
	filters_hidden(b, "form", s->form->id);
	console_workplace_select(r, NULL, s->f.workplace, L(r, "— tất cả (tổng quan) —", "— all (overview) —"), false, NULL);
	filters_date(r, "from", "Từ ngày", "From", s->f.from, false);
	filters_date(r, "to", "Đến ngày", "To", s->f.to, false);
	console_submit(r, "btn primary", "Xem", "Show");
}

/* No workplace chosen: how many answered at each workplace in scope in
 * the period, each a link to its results. */
static void
survey_overview(struct req *r, const struct survey_args *s)
{
	struct buf *b = r->out;
	const char *p[4] = { r->officer->unit_path, s->form->id, s->f.from, s->f.to };
	PGresult *res = console_rows(db_query(r->app->db,
	    "SELECT w.id, w.name, count(*), to_char(max(a.received_at) AT TIME ZONE 'Asia/Ho_Chi_Minh', 'DD/MM/YYYY') "
	    "FROM survey_answers($1, $2, '', $3, $4) a JOIN workplace w ON w.id = a.workplace_id "
	    "GROUP BY w.id, w.name ORDER BY count(*) DESC, w.name LIMIT 500", 4, p), "surveys: overview");
	if (res == NULL) {
		console_empty(r, "Không đọc được dữ liệu lúc này.", "The data could not be read just now.");
		return;
	}
	static const struct console_label cols[] = {
		{ "Nơi làm việc", "Workplace" }, { "Số phiếu", "Answers" }, { "Phiếu gần nhất", "Latest" },
	};
	int n = PQntuples(res);
	if (console_table(r, n, "<table id=\"survey-overview\">", cols, sizeof(cols) / sizeof(cols[0]),
	    "Chưa có phiếu khảo sát nào trong phạm vi và thời gian này.", "No survey answers in this scope and period.")) {
		for (int i = 0; i < n; i++) {
			const struct kv args[] = { { "form", s->form->id, 0 }, { "workplace", PQgetvalue(res, i, O_ID), 0 },
				{ "from", s->f.from, 0 }, { "to", s->f.to, 0 } };
			html_lit(b, "<tr><td><a href=\"");
			console_href(r, "/admin/surveys", args, sizeof(args) / sizeof(args[0]));
			console_wrap(r, "\">", PQgetvalue(res, i, O_NAME), "</a></td>");
			console_td(r, PQgetvalue(res, i, O_ANSWERS));
			console_td(r, PQgetvalue(res, i, O_LAST));
			html_lit(b, "</tr>");
		}
		html_lit(b, "</tbody></table>");
	}
	PQclear(res);
}

/* The option of field `fd` whose value is `v`; -1 when none. */
static int
option_index(const struct form_field *fd, const char *v)
{
	for (size_t i = 0; v && i < fd->noptions; i++)
		if (strcmp(fd->options[i].value, v) == 0)
			return (int)i;
	return -1;
}

/* Adds one worker's answer `v` to field `fd`'s tally. yes/no answers
 * count under the options yes, no, unsure (0, 1, 2). */
static void
tally_add(struct tally *t, const struct form_field *fd, json_t *v)
{
	size_t i;
	json_t *x;
	t->answered++;
	switch (fd->type) {
	case FIELD_YESNO: {
		const char *s = json_string_value(v);
		int k = s == NULL ? -1 : strcmp(s, "yes") == 0 ? 0 : strcmp(s, "no") == 0 ? 1 : strcmp(s, "unsure") == 0 ? 2 : -1;
		if (k >= 0)
			t->count[k]++;
		break;
	}
	case FIELD_SELECT: {
		int k = option_index(fd, json_string_value(v));
		if (k >= 0)
			t->count[k]++;
		break;
	}
	case FIELD_MULTISELECT:
	case FIELD_RANK:
		json_array_foreach(v, i, x) {
			int k = option_index(fd, json_string_value(x));
			if (k < 0)
				continue;
			t->count[k]++;
			if (fd->type == FIELD_RANK) {   /* Borda: first place max_items points, the last ranked 1 */
				long top = fd->max_items > 0 ? fd->max_items : (long)fd->noptions;
				t->points[k] += top - (long)i > 0 ? top - (long)i : 0;
				t->first[k] += i == 0;
			}
		}
		break;
	case FIELD_INTEGER:
	case FIELD_NUMBER:
	case FIELD_MONEY:
		if (json_is_number(v))
			t->numbers[t->nnumbers++] = json_number_value(v);
		break;
	default:
		break;
	}
}

/* Orders doubles ascending (for the median). */
static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* "12 (34%)": a count and its share of `of`. */
static const char *
share(struct req *r, long n, long of)
{
	return arena_printf(r->arena, "%s (%ld%%)", fmt_int(r->arena, n, r->lang), of > 0 ? (n * 100 + of / 2) / of : 0);
}

/* One choice question's table: each option with its count and share of
 * those who answered the question; a ranking question ranked by Borda
 * points, with first places. */
static void
render_choices(struct req *r, const struct form_field *fd, const struct tally *t)
{
	struct buf *b = r->out;
	static const char *const yesno[3][2] = { { "Có", "Yes" }, { "Không", "No" }, { "Không rõ", "Not sure" } };
	size_t n = fd->type == FIELD_YESNO ? (fd->unsure ? 3 : 2) : fd->noptions;
	size_t *order = arena_alloc(r->arena, n * sizeof(*order));
	for (size_t i = 0; i < n; i++)
		order[i] = i;
	for (size_t i = 1; fd->type == FIELD_RANK && i < n; i++)   /* by points, ties in the form's order */
		for (size_t j = i; j > 0 && t->points[order[j]] > t->points[order[j - 1]]; j--) {
			size_t k = order[j];
			order[j] = order[j - 1];
			order[j - 1] = k;
		}
	bool rank = fd->type == FIELD_RANK;
	if (rank)
		html_lit(b, "<table class=\"survey-q survey-rank\"><thead><tr>");
	else
		html_lit(b, "<table class=\"survey-q\"><thead><tr>");
	static const struct console_label plain[] = { { "Lựa chọn", "Option" }, { "Số người (tỉ lệ)", "People (share)" } };
	static const struct console_label ranked[] = {
		{ "Thứ tự", "Rank" }, { "Lựa chọn", "Option" }, { "Điểm Borda", "Borda points" },
		{ "Xếp thứ nhất", "Ranked first" }, { "Có xếp (tỉ lệ)", "Ranked it (share)" },
	};
	if (rank)
		console_ths(r, ranked, 5, 2);
	else
		console_ths(r, plain, 2, 1);
	html_lit(b, "</tr></thead><tbody>");
	for (size_t i = 0; i < n; i++) {
		size_t k = order[i];
		html_lit(b, "<tr>");
		if (rank)
			console_td(r, arena_printf(r->arena, "%zu", i + 1));
		console_td(r, fd->type == FIELD_YESNO ? L(r, yesno[k][0], yesno[k][1]) : form_label(fd->options[k].label, r->lang));
		if (rank) {
			console_wrap(r, "<td class=\"num\">", fmt_int(r->arena, t->points[k], r->lang), "</td>");
			console_wrap(r, "<td class=\"num\">", fmt_int(r->arena, t->first[k], r->lang), "</td>");
		}
		console_wrap(r, "<td class=\"num\">", share(r, t->count[k], t->answered), "</td></tr>");
	}
	html_lit(b, "</tbody></table>");
}

/* A number question: how many answered, the median, lowest and highest. */
static void
render_numbers(struct req *r, const struct form_field *fd, struct tally *t)
{
	struct buf *b = r->out;
	if (t->nnumbers == 0)
		return;
	qsort(t->numbers, (size_t)t->nnumbers, sizeof(double), cmp_double);
	double mid = t->nnumbers % 2 ? t->numbers[t->nnumbers / 2] :
	    (t->numbers[t->nnumbers / 2 - 1] + t->numbers[t->nnumbers / 2]) / 2;
	const char *lo, *md, *hi;
	if (fd->type == FIELD_MONEY) {
		lo = fmt_money(r->arena, (long long)t->numbers[0]);
		md = fmt_money(r->arena, (long long)mid);
		hi = fmt_money(r->arena, (long long)t->numbers[t->nnumbers - 1]);
	} else {
		lo = arena_printf(r->arena, "%.15g", t->numbers[0]);
		md = arena_printf(r->arena, "%.15g", mid);
		hi = arena_printf(r->arena, "%.15g", t->numbers[t->nnumbers - 1]);
	}
	html_lit(b, "<dl class=\"meta survey-num\">");
	console_meta(r, "Trung vị", "Median", md);
	console_meta(r, "Thấp nhất", "Lowest", lo);
	console_meta(r, "Cao nhất", "Highest", hi);
	html_lit(b, "</dl>");
}

/* A text question: its answers, newest first, each linking to its report
 * (where an officer can mark it urgent, which puts it in the queue). */
static void
render_comments(struct req *r, const struct form_field *fd, PGresult *rows)
{
	struct buf *b = r->out;
	json_error_t err;
	int shown = 0;
	html_lit(b, "<ul class=\"survey-comments\">");
	for (int i = 0; i < PQntuples(rows) && shown < COMMENTS_MAX; i++) {
		json_t *a = json_loads(PQgetvalue(rows, i, A_ANSWERS), 0, &err);
		const char *s = json_string_value(json_object_get(a, fd->name));
		if (s && *s) {
			html_lit(b, "<li><a href=\"/admin/s/");
			html_url_arg(b, PQgetvalue(rows, i, A_ID));
			console_wrap(r, "\">", PQgetvalue(rows, i, A_RECEIVED), "</a> ");
			console_wrap(r, "<span class=\"pre\">", s, "</span></li>");
			shown++;
		}
		json_decref(a);
	}
	html_lit(b, "</ul>");
}

/* One question: its label, how many answered it (for a text question
 * with `rows` NULL, that count is all), and its results. */
static void
render_question(struct req *r, const struct form_field *fd, struct tally *t, PGresult *rows)
{
	struct buf *b = r->out;
	html_lit(b, "<section class=\"survey-question\" data-field=\"");
	html_attr(b, fd->name);
	console_wrap(r, "\"><h2>", form_label(fd->label, r->lang), "</h2>");
	console_wrap(r, "<p class=\"hint\">", arena_printf(r->arena, L(r, "%s người trả lời câu này.", "%s people answered this."),
	    fmt_int(r->arena, t->answered, r->lang)), "</p>");
	if (t->answered == 0)
		;   /* nothing to count */
	else if (fd->type == FIELD_YESNO || fd->type == FIELD_SELECT || fd->type == FIELD_MULTISELECT || fd->type == FIELD_RANK)
		render_choices(r, fd, t);
	else if (fd->type == FIELD_INTEGER || fd->type == FIELD_NUMBER || fd->type == FIELD_MONEY)
		render_numbers(r, fd, t);
	else if ((fd->type == FIELD_TEXT || fd->type == FIELD_TEXTAREA) && rows)
		render_comments(r, fd, rows);
	html_lit(b, "</section>");
}

/* Results of `form` over `rows` (columns A_ID, A_RECEIVED, A_ANSWERS, at
 * most ANSWERS_MAX + 1 rows: one more says there are more), tallied per
 * question: choices counted, rankings ranked, numbers summed up; text
 * answers listed (each linking its report), or only counted when
 * `comments_counted` (a campaign's frozen results). Clears `rows`. */
void
survey_results_render(struct req *r, const struct form *form, PGresult *rows, bool comments_counted)
{
	struct buf *b = r->out;
	int n = PQntuples(rows) > ANSWERS_MAX ? ANSWERS_MAX : PQntuples(rows);
	console_wrap(r, "<p id=\"survey-total\" class=\"lead\" data-answers=\"", arena_printf(r->arena, "%d", n), "\">");
	html_text(b, arena_printf(r->arena, L(r, "%s phiếu trả lời%s.", "%s answers%s."), fmt_int(r->arena, n, r->lang),
	    PQntuples(rows) > ANSWERS_MAX ? L(r, " (mới nhất; còn nhiều hơn: hãy chọn khoảng thời gian ngắn hơn)",
	    " (the newest; there are more: choose a shorter period)") : ""));
	html_lit(b, "</p>");
	struct tally *t = arena_alloc(r->arena, form->nfields * sizeof(*t));
	for (size_t k = 0; k < form->nfields; k++) {
		size_t nopt = form->fields[k].noptions + 3;
		t[k] = (struct tally){ 0, arena_alloc(r->arena, nopt * sizeof(long)), arena_alloc(r->arena, nopt * sizeof(long)),
			arena_alloc(r->arena, nopt * sizeof(long)), arena_alloc(r->arena, ((size_t)n + 1) * sizeof(double)), 0 };
		memset(t[k].count, 0, nopt * sizeof(long));
		memset(t[k].first, 0, nopt * sizeof(long));
		memset(t[k].points, 0, nopt * sizeof(long));
	}
	json_error_t err;
	for (int i = 0; i < n; i++) {
		json_t *a = json_loads(PQgetvalue(rows, i, A_ANSWERS), 0, &err);
		for (size_t k = 0; a && k < form->nfields; k++) {
			json_t *v = json_object_get(a, form->fields[k].name);
			if (v && !json_is_null(v))
				tally_add(&t[k], &form->fields[k], v);
		}
		json_decref(a);
	}
	for (size_t k = 0; n > 0 && k < form->nfields; k++)
		if (form->fields[k].type != FIELD_PHOTO && form->fields[k].type != FIELD_PHONE)
			render_question(r, &form->fields[k], &t[k], comments_counted ? NULL : rows);
	PQclear(rows);
}

/* One workplace's results in the period the filters give. */
static void
survey_results(struct req *r, const struct survey_args *s)
{
	const char *p[5] = { r->officer->unit_path, s->form->id, s->f.workplace, s->f.from, s->f.to };
	PGresult *rows = console_rows(db_query(r->app->db,
	    "SELECT a.id, to_char(a.received_at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'DD/MM/YYYY HH24:MI'), a.answers::text "
	    "FROM survey_answers($1, $2, $3, $4, $5) a ORDER BY a.received_at DESC, a.id DESC LIMIT 20001", 5, p), "surveys: answers");
	if (rows == NULL) {
		console_empty(r, "Không đọc được dữ liệu lúc này.", "The data could not be read just now.");
		return;
	}
	survey_results_render(r, s->form, rows, false);
}

/* GET /admin/surveys?form=&workplace=&from=&to=: a survey form's results
 * in the officer's scope: without a workplace, how many answered at
 * each; with one, per question the counts and shares, the ranking and the
 * comments. A workplace outside the scope is 404. Scope in the WHERE
 * clause and again by row-level security. */
void
page_admin_surveys(struct req *r)
{
	struct survey_args s;
	if (!survey_args(r, &s))
		return;
	const char *wname = NULL;
	if (*s.f.workplace) {
		const char *p[2] = { s.f.workplace, r->officer->unit_path };
		PGresult *w = db_query(r->app->db, "SELECT w.name FROM workplace w JOIN org_unit u ON u.id = w.unit_id "
		    "WHERE w.id = $1::bigint AND u.path LIKE $2 || '%'", 2, p);
		const char *name = db_scalar(w);
		wname = name ? arena_strdup(r->arena, name) : NULL;
		enum found found = w == NULL ? DB_DOWN : !db_ok(w) ? DB_DOWN : name ? FOUND : MISSING;
		PQclear(w);
		if (!console_found(r, found))
			return;
	}
	console_page(r, 200, L(r, "Kết quả khảo sát", "Survey results"));
	console_wrap(r, "<p class=\"lead\" id=\"survey-form\">", wname ? arena_printf(r->arena, "%s — %s",
	    form_label(s.form->title, r->lang), wname) : form_label(s.form->title, r->lang), "</p>");
	console_hint(r, L(r, "Phiếu khảo sát không vào hàng đợi phản ánh, trừ khi cán bộ đánh dấu khẩn (mở phiếu từ danh sách ý kiến).",
	    "Survey answers stay out of the report queue unless an officer marks one urgent (open it from the comments)."));
	console_button_link(r, "btn", "/admin/campaigns", "Đợt khảo sát (mở, in áp phích, chốt kết quả)",
	    "Survey campaigns (open, print posters, close)");
	survey_filter_form(r, &s);
	if (*s.f.workplace)
		survey_results(r, &s);
	else
		survey_overview(r, &s);
	console_end(r);
}
