/* page_admin_queue.c: /admin/: the review queue: urgent new reports first, then newest; survey answers left to /admin/surveys; filters, accent-insensitive search, keyset pages, counts per status. */
#include <stdlib.h>
#include <string.h>
#include <libpq-fe.h>

#include "app.h"
#include "arena.h"
#include "buf.h"
#include "db.h"
#include "deadline.h"
#include "filters.h"
#include "fmt.h"
#include "form.h"
#include "html.h"
#include "http.h"
#include "i18n.h"
#include "log.h"
#include "page_admin.h"
#include "queue_query.h"
#include "req.h"
#include "submission.h"
#include "text.h"

#define PAGE_ROWS 50
#define COUNT_CAP 1000   /* counts stop here ("1000+"): bounded work on a million rows */
#define SEARCH_COUNT_CAP 100   /* with a search, here ("100+"): each match is checked row by row */

/* The filters of the queue, as typed: `urgent` and `flood` are the
 * form's "1" (the shared filter's "true"). */
struct filters {
	struct queue_filter q;
	const char *urgent, *flood;
};

/* Builds the link to this queue with one filter changed (or cleared);
 * any other change starts again from the first page. */
static void
queue_link(struct req *r, const struct filters *f, const char *key, const char *value)
{
	struct kv args[] = {
		{ "status", f->q.status, 0 }, { "form", f->q.form, 0 }, { "workplace", f->q.workplace, 0 }, { "from", f->q.from, 0 },
		{ "to", f->q.to, 0 }, { "urgent", f->urgent, 0 }, { "flood", f->flood, 0 }, { "q", f->q.q, 0 },
		{ "after", "", 0 },
	};
	for (size_t i = 0; i < sizeof(args) / sizeof(args[0]); i++)
		if (strcmp(args[i].key, key) == 0)
			args[i].val = value;
	console_href(r, "/admin/", args, sizeof(args) / sizeof(args[0]));
}

/* The first words of a report for the list: its text, description or
 * details, whichever the form has. */
static const char *
excerpt(struct req *r, const char *answers_json)
{
	json_error_t err;
	json_t *a = json_loads(answers_json, 0, &err);
	const char *keys[] = { "text", "description", "details", "comments", "where" };
	const char *out = "";
	for (size_t i = 0; a && i < sizeof(keys) / sizeof(keys[0]); i++) {
		json_t *v = json_object_get(a, keys[i]);
		if (json_is_string(v)) {
			const char *s = json_string_value(v);
			size_t n = 0, chars = 0;
			while (s[n] && chars < 140) {   /* cut on a character boundary */
				n++;
				while (((unsigned char)s[n] & 0xC0) == 0x80)
					n++;
				chars++;
			}
			out = arena_printf(r->arena, "%.*s%s", (int)n, s, s[n] ? "…" : "");
			break;
		}
	}
	json_decref(a);
	return out;
}

/* The 400 page for a filter that cannot be used, naming it. */
static void
queue_bad_filter(struct req *r, const char *vi, const char *en)
{
	console_refuse(r, 400, arena_printf(r->arena, "Bộ lọc không hợp lệ: %s.", vi),
	    arena_printf(r->arena, "Invalid filter: %s.", en), "/admin/");
}

/* Reads and checks the queue's filters from the query string (the
 * checks are the API's: queue_query.c); false after a 400 page naming
 * the filter. A filter too long is refused, not dropped. */
static bool
queue_filters(struct req *r, struct filters *f)
{
	const struct kvlist *a = &r->args;
	f->urgent = kv_get_or_empty(a, "urgent");
	f->flood = kv_get_or_empty(a, "flood");
	queue_filter_args(a, &f->q);
	f->q.limit = PAGE_ROWS;
	f->q.urgent = strcmp(f->urgent, "1") == 0 ? "true" : *f->urgent ? "bad" : "";
	f->q.flood = strcmp(f->flood, "1") == 0 ? "true" : *f->flood ? "bad" : "";
	const struct queue_bad *bad = queue_filter_check(r->arena, &f->q);
	if (bad)
		queue_bad_filter(r, bad->vi, bad->en);
	return bad == NULL;
}

/* The counts per status under the other filters, each a link that
 * filters on it (or, when on, clears it). */
static void
queue_counts(struct req *r, const struct filters *f)
{
	struct buf *b = r->out;
	console_wrap(r, "<ul class=\"counts\" aria-label=\"",
	    L(r, "Số lượng theo trạng thái", "Counts by status"), "\">");
	long cap = *f->q.q ? SEARCH_COUNT_CAP : COUNT_CAP, ns[SUBMISSION_NSTATUSES];
	queue_query_counts(r, &f->q, cap, ns);
	for (size_t i = 0; i < SUBMISSION_NSTATUSES; i++) {
		long n = ns[i] < 0 ? 0 : ns[i];
		const struct submission_label *st = &submission_statuses[i];
		bool on = strcmp(f->q.status, st->value) == 0;
		if (on)
			html_lit(b, "<li class=\"on\"><a href=\"");
		else
			html_lit(b, "<li><a href=\"");
		queue_link(r, f, "status", on ? "" : st->value);
		html_lit(b, "\" data-status=\"");
		html_attr(b, st->value);
		console_wrap(r, "\">", L(r, st->vi, st->en), " <b>");
		html_text(b, arena_printf(r->arena, "%ld%s", n > cap ? cap : n, n > cap ? "+" : ""));
		html_lit(b, "</b></a></li>");
	}
	html_lit(b, "</ul>");

}

/* The filters as a GET form, so a filtered queue is a link one can share. */
static void
queue_filter_form(struct req *r, const struct filters *f)
{
	struct buf *b = r->out;
	html_lit(b, "<form method=\"get\" action=\"/admin/\" class=\"filters\" role=\"search\">"
	    "<label>");
	html_text(b, L(r, "Tìm (không cần dấu)", "Search (accents optional)"));
	html_lit(b, " <input type=\"search\" name=\"q\" accesskey=\"s\" maxlength=\"200\" value=\"");
	html_attr(b, f->q.q);
	html_lit(b, "\"></label>");
	console_select_open(r, "Biểu mẫu", "Form", "form", NULL, false);
	console_option(r, "", "—", false);
	form_options(r, f->q.form);
	html_lit(b, "</select></label>");
	console_workplace_select(r, NULL, f->q.workplace, "—", false, NULL);
	filters_date(r, "from", "Từ ngày", "From", f->q.from, false);
	filters_date(r, "to", "Đến ngày", "To", f->q.to, false);
	console_check(r, "check", "checkbox", "urgent", "1", L(r, "Chỉ việc khẩn", "Urgent only"), *f->urgent);
	console_check(r, "check", "checkbox", "flood", "1", L(r, "Chỉ phản ánh gửi lúc có gửi dồn bất thường",
	    "Only reports sent during a flood"), *f->flood);
	if (*f->q.status)
		filters_hidden(b, "status", f->q.status);
	console_submit(r, "btn primary", "Lọc", "Filter");
}

/* The rows as a table, and the link to the next page. */
static void
queue_table(struct req *r, const struct filters *f, PGresult *rows)
{
	struct buf *b = r->out;
	int n = PQntuples(rows);
	if (n == 0) {
		console_empty(r, "Không có phản ánh nào khớp.", "No reports match.");
	} else {
		static const struct console_label cols[] = {
			{ "Nhận lúc", "Received" }, { "Nơi làm việc", "Workplace" }, { "Loại", "Form" },
			{ "Nội dung", "Content" }, { "Trạng thái", "Status" }, { "Phụ trách", "Assignee" },
		};
		html_lit(b, "<table class=\"queue\">");
		console_thead(r, cols, sizeof(cols) / sizeof(cols[0]));
		for (int i = 0; i < n && i < PAGE_ROWS; i++) {
			bool urgent = PQgetvalue(rows, i, QC_URGENT)[0] == 't', fresh = strcmp(PQgetvalue(rows, i, QC_STATUS), "new") == 0;
			bool replied = PQgetvalue(rows, i, QC_REPLIED)[0] == 't';
			const struct form *fm = form_find(r->app->forms, PQgetvalue(rows, i, QC_FORM));
			if (urgent)
				html_lit(b, "<tr class=\"urgent\">");
			else if (fresh)
				html_lit(b, "<tr class=\"new\">");
			else
				html_lit(b, "<tr>");
			console_td(r, PQgetvalue(rows, i, QC_RECEIVED));
			console_td(r, PQgetvalue(rows, i, QC_WORKPLACE));
			html_lit(b, "<td>");
			html_text(b, fm ? form_label(fm->title, r->lang) : PQgetvalue(rows, i, QC_FORM));
			if (strcmp(PQgetvalue(rows, i, QC_CHANNEL), "qr") != 0)
				html_lit(b, " <span class=\"tag\">☎</span>");
			html_lit(b, "</td><td><a href=\"/admin/s/");
			html_url_arg(b, PQgetvalue(rows, i, QC_ID));
			html_lit(b, "\">");
			if (urgent) {
				console_wrap(r, "<strong class=\"tag urgent\">", L(r, "KHẨN", "URGENT"), "</strong> ");
			}
			if (PQgetvalue(rows, i, QC_FLOOD)[0] == 't') {
				console_wrap(r, "<span class=\"tag flood\">",
				    L(r, "Gửi lúc có gửi dồn bất thường", "Sent during a flood"), "</span> ");
			}
			if (replied) {
				console_wrap(r, "<span class=\"tag\">",
				    L(r, "NLĐ đã trả lời", "Worker replied"), "</span> ");
			}
			const char *ex = excerpt(r, PQgetvalue(rows, i, QC_ANSWERS));
			html_text(b, *ex ? ex : L(r, "(xem chi tiết)", "(open)"));
			html_lit(b, "</a></td>");
			console_td(r, submission_status_label(PQgetvalue(rows, i, QC_STATUS), r->lang));
			console_td(r, PQgetvalue(rows, i, QC_ASSIGNEE));
			html_lit(b, "</tr>");
		}
		html_lit(b, "</tbody></table>");
		if (n > PAGE_ROWS) {
			const struct kv args[] = {
				{ "status", f->q.status, 0 }, { "form", f->q.form, 0 }, { "workplace", f->q.workplace, 0 },
				{ "from", f->q.from, 0 }, { "to", f->q.to, 0 }, { "urgent", f->urgent, 0 }, { "flood", f->flood, 0 },
				{ "q", f->q.q, 0 }, { "after", PQgetvalue(rows, PAGE_ROWS - 1, QC_CURSOR), 0 },
			};
			console_next(r, "/admin/", args, sizeof(args) / sizeof(args[0]), "Trang sau →", "Next page →");
		}
	}
}

/* GET /admin/?status=&form=&workplace=&from=&to=&urgent=&q=&after=: the rows and
 * their order are the API's (queue_query.c). */
void
page_admin_queue(struct req *r)
{
	struct filters f;
	if (!queue_filters(r, &f))
		return;
	PGresult *rows = queue_query_rows(r, &f.q);
	if (rows == NULL || !db_ok(rows)) {
		if (rows)
			log_warn("queue: SQLSTATE %s", db_sqlstate(rows));
		PQclear(rows);
		/* a malformed date reaches here as a SQL error: the officer's input, not ours */
		http_error(r, rows ? 400 : 503, MSG__MAX);
		return;
	}
	console_page(r, 200, L(r, "Phản ánh", "Reports"));
	deadline_panel(r);
	queue_counts(r, &f);
	if (*f.q.form == '\0') {   /* say where the survey answers went */
		html_lit(r->out, "<p class=\"hint\" id=\"surveys-elsewhere\">");
		html_text(r->out, L(r, "Phiếu khảo sát không hiện ở đây, trừ phiếu được đánh dấu khẩn: xem ",
		    "Survey answers are not listed here unless marked urgent: see "));
		console_wrap(r, "<a href=\"/admin/surveys\">", L(r, "Kết quả khảo sát", "Survey results"), "</a>.</p>");
	}
	queue_filter_form(r, &f);
	queue_table(r, &f, rows);
	PQclear(rows);
	console_end(r);
}
