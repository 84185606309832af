/* page_admin_queue.c: /admin/: the review queue: newest first, filters, accent-insensitive search, keyset pages, counts per status. */
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
#include "req.h"
#include "submission.h"
#include "text.h"

#define PAGE_ROWS 50
#define COUNT_CAP 1000   /* counts stop here ("1000+"): bounded work on a million rows */

/* The filters of the queue, as typed (validated before use). */
struct filters {
	const char *status, *form, *workplace, *from, *to, *urgent, *q, *after;
	const char *after_at, *after_id;   /* "after" split at its '|' ("" when none) */
};

/* The queue's columns, in the order both of queue_rows' queries give them. */
enum queue_col { Q_ID, Q_RECEIVED, Q_WORKPLACE, Q_FORM, Q_STATUS, Q_URGENT, Q_ANSWERS, Q_ASSIGNEE, Q_REPLIED, Q_CHANNEL, Q_AT };

/* Builds the link to this queue with one filter changed (or cleared);
 * any other change starts again from the first page. */
static void
queue_link(struct req *r, const struct filters *f, const char *key, const char *value)
{
	struct kv args[] = {
		{ "status", f->status, 0 }, { "form", f->form, 0 }, { "workplace", f->workplace, 0 }, { "from", f->from, 0 },
		{ "to", f->to, 0 }, { "urgent", f->urgent, 0 }, { "q", f->q, 0 }, { "after", "", 0 },
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

/* Reads and checks the queue's filters from the query string; false
 * after a 400 page naming the filter. Dates are real days and ids fit a
 * bigint here, so a typing mistake never reaches SQL as a failed cast. */
static bool
queue_filters(struct req *r, struct filters *f)
{
	/* as given, however long: a filter too long is refused, not dropped */
	*f = (struct filters){
		kv_get_or_empty(&r->args, "status"), kv_get_or_empty(&r->args, "form"), kv_get_or_empty(&r->args, "workplace"),
		kv_get_or_empty(&r->args, "from"), kv_get_or_empty(&r->args, "to"), kv_get_or_empty(&r->args, "urgent"),
		kv_get_or_empty(&r->args, "q"), kv_get_or_empty(&r->args, "after"), "", "",
	};
	const struct { bool bad; const char *vi, *en; } checks[] = {
		{ strlen(f->q) > 200, "tìm kiếm (q): tối đa 200 ký tự", "search (q): 200 characters at most" },
		{ strlen(f->form) > 40, "biểu mẫu (form)", "form" },
		{ strlen(f->after) > 60, "trang tiếp (after)", "next page (after)" },
		{ *f->status && !submission_status_valid(f->status), "trạng thái (status)", "status" },
		{ *f->workplace && !fmt_is_id(f->workplace), "nơi làm việc (workplace): một mã số", "workplace: an id number" },
		{ *f->from && !fmt_is_date(f->from), "từ ngày (from): một ngày có thật, YYYY-MM-DD",
		  "from: a real day, YYYY-MM-DD" },
		{ *f->to && !fmt_is_date(f->to), "đến ngày (to): một ngày có thật, YYYY-MM-DD", "to: a real day, YYYY-MM-DD" },
		{ *f->urgent && strcmp(f->urgent, "1") != 0, "khẩn (urgent)", "urgent" },
	};
	for (size_t i = 0; i < sizeof(checks) / sizeof(checks[0]); i++)
		if (checks[i].bad) {
			queue_bad_filter(r, checks[i].vi, checks[i].en);
			return false;
		}
	/* keyset: "after" is "received_at|id" of the last row shown */
	if (*f->after) {
		const char *bar = strchr(f->after, '|');
		if (bar == NULL || !fmt_is_id(bar + 1) || bar == f->after) {
			queue_bad_filter(r, "trang tiếp (after)", "next page (after)");
			return false;
		}
		f->after_at = arena_strndup(r->arena, f->after, (size_t)(bar - f->after));
		f->after_id = bar + 1;
	}
	return true;
}

/* The page's rows (one more than shown, to know a next page exists),
 * newest first; NULL when the database is away. Scope is in the WHERE
 * clause and again in row-level security. */
static PGresult *
queue_rows(struct req *r, const struct filters *f)
{
	const char *p[10] = { r->officer->unit_path, f->status, f->form, f->workplace, f->from, f->to, f->urgent, f->q,
	    f->after_at, f->after_id };
	/* Without a search: newest first per workplace in scope, then merged:
	 * each workplace's rows come in order from (workplace_id, received_at,
	 * id), so a page reads about 51 rows per workplace however many are
	 * stored. With a search: the trigram index finds the matches first. */
	return *f->q == '\0' ? db_query(r->app->db,
	    "SELECT s.id, to_char(s.received_at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'DD/MM/YYYY HH24:MI'), "
	    "ws.name, s.form_id, s.status, s.urgent, s.answers::text, coalesce(o.display_name, o.username, ''), "
	    "s.worker_replied_at IS NOT NULL AND s.worker_replied_at > coalesce(s.status_changed_at, s.received_at), "
	    "s.channel, s.received_at::text "
	    "FROM (SELECT w.id, w.name FROM workplace w JOIN org_unit u ON u.id = w.unit_id "
	    "      WHERE u.path LIKE $1 || '%' AND ($4 = '' OR w.id = nullif($4, '')::bigint)) ws "
	    "CROSS JOIN LATERAL (SELECT * FROM submission s WHERE s.workplace_id = ws.id "
	    "  AND ($2 = '' OR s.status = $2) AND ($3 = '' OR s.form_id = $3) "
	    "  AND ($5 = '' OR s.received_at >= (nullif($5, '')::date)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh') "
	    "  AND ($6 = '' OR s.received_at < (nullif($6, '')::date + 1)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh') "
	    "  AND ($7 = '' OR s.urgent) AND $8 = '' "
	    "  AND ($9 = '' OR (s.received_at, s.id) < (nullif($9, '')::timestamptz, nullif($10, '')::bigint)) "
	    "  ORDER BY s.received_at DESC, s.id DESC LIMIT 51) s "
	    "LEFT JOIN officer o ON o.id = s.assignee_id "
	    "ORDER BY s.received_at DESC, s.id DESC LIMIT 51", 10, p) : db_query(r->app->db,
	    "SELECT s.id, to_char(s.received_at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'DD/MM/YYYY HH24:MI'), "
	    "w.name, s.form_id, s.status, s.urgent, s.answers::text, coalesce(o.display_name, o.username, ''), "
	    "s.worker_replied_at IS NOT NULL AND s.worker_replied_at > coalesce(s.status_changed_at, s.received_at), "
	    "s.channel, s.received_at::text "
	    "FROM submission s JOIN workplace w ON w.id = s.workplace_id LEFT JOIN officer o ON o.id = s.assignee_id "
	    "WHERE s.search_text LIKE '%' || regexp_replace(vn_fold($8), '([\\\\%_])', '\\\\\\1', 'g') || '%' "
	    "AND s.workplace_id IN (SELECT w2.id FROM workplace w2 JOIN org_unit u ON u.id = w2.unit_id WHERE u.path LIKE $1 || '%') "
	    "AND ($2 = '' OR s.status = $2) AND ($3 = '' OR s.form_id = $3) "
	    "AND ($4 = '' OR s.workplace_id = nullif($4, '')::bigint) "
	    "AND ($5 = '' OR s.received_at >= (nullif($5, '')::date)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh') "
	    "AND ($6 = '' OR s.received_at < (nullif($6, '')::date + 1)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh') "
	    "AND ($7 = '' OR s.urgent) "
	    "AND ($9 = '' OR (s.received_at, s.id) < (nullif($9, '')::timestamptz, nullif($10, '')::bigint)) "
	    "ORDER BY s.received_at DESC, s.id DESC LIMIT 51", 10, p);
}

/* The counts per status under the other filters, each a link that
 * filters on it (or, when on, clears it). */
static void
queue_counts(struct req *r, const struct filters *f)
{
	struct buf *b = r->out;
	console_wrap(r, "<ul class=\"counts\" aria-label=\"",
	    L(r, "Số lượng theo trạng thái", "Counts by status"), "\">");
	for (size_t i = 0; i < SUBMISSION_NSTATUSES; i++) {
		const char *cp[8] = { r->officer->unit_path, submission_statuses[i].value, f->form, f->workplace, f->from, f->to, f->urgent, f->q };
		PGresult *c = db_query(r->app->db,
		    "SELECT count(*) FROM (SELECT 1 FROM submission s WHERE s.status = $2 AND s.workplace_id IN "
		    "(SELECT w.id FROM workplace w JOIN org_unit u ON u.id = w.unit_id WHERE u.path LIKE $1 || '%') "
		    "AND ($3 = '' OR s.form_id = $3) AND ($4 = '' OR s.workplace_id = nullif($4, '')::bigint) "
		    "AND ($5 = '' OR s.received_at >= (nullif($5, '')::date)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh') "
		    "AND ($6 = '' OR s.received_at < (nullif($6, '')::date + 1)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh') "
		    "AND ($7 = '' OR s.urgent) AND ($8 = '' OR s.search_text LIKE '%' || regexp_replace(vn_fold($8), '([\\\\%_])', '\\\\\\1', 'g') || '%') "
		    "LIMIT 1001) x", 8, cp);
		const char *count = db_scalar(c);
		long n = count ? atol(count) : 0;
		PQclear(c);
		const struct submission_label *st = &submission_statuses[i];
		bool on = strcmp(f->status, st->value) == 0;
		if (on)
			html_lit(b, "<li class=\"on\"><a href=\"");
		else
			html_lit(b, "<li><a href=\"");
		queue_link(r, f, "status", on ? "" : st->value);
		html_lit(b, "\" data-status=\"");
		html_attr(b, st->value);
		console_wrap(r, "\">", L(r, st->vi, st->en), " <b>");
		html_text(b, arena_printf(r->arena, "%ld%s", n > COUNT_CAP ? COUNT_CAP : n, n > COUNT_CAP ? "+" : ""));
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
	html_attr(b, f->q);
	html_lit(b, "\"></label>");
	console_select_open(r, "Biểu mẫu", "Form", "form", NULL, false);
	console_option(r, "", "—", false);
	form_options(r, f->form);
	html_lit(b, "</select></label>");
	console_select_open(r, "Nơi làm việc", "Workplace", "workplace", NULL, false);
	console_option(r, "", "—", false);
	PGresult *ws = filters_workplaces(r, 500);
	for (int i = 0; ws && db_ok(ws) && i < PQntuples(ws); i++)
		console_option(r, PQgetvalue(ws, i, FW_ID), PQgetvalue(ws, i, FW_NAME), strcmp(f->workplace, PQgetvalue(ws, i, FW_ID)) == 0);
	PQclear(ws);
	html_lit(b, "</select></label>");
	filters_date(r, "from", "Từ ngày", "From", f->from, false);
	filters_date(r, "to", "Đến ngày", "To", f->to, false);
	console_check(r, "check", "checkbox", "urgent", "1", L(r, "Chỉ việc khẩn", "Urgent only"), *f->urgent);
	if (*f->status)
		filters_hidden(b, "status", f->status);
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
			bool urgent = PQgetvalue(rows, i, Q_URGENT)[0] == 't', fresh = strcmp(PQgetvalue(rows, i, Q_STATUS), "new") == 0;
			bool replied = PQgetvalue(rows, i, Q_REPLIED)[0] == 't';
			const struct form *fm = form_find(r->app->forms, PQgetvalue(rows, i, Q_FORM));
			if (urgent)
				html_lit(b, "<tr class=\"urgent\">");
			else if (fresh)
				html_lit(b, "<tr class=\"new\">");
			else
				html_lit(b, "<tr>");
			console_td(r, PQgetvalue(rows, i, Q_RECEIVED));
			console_td(r, PQgetvalue(rows, i, Q_WORKPLACE));
			html_lit(b, "<td>");
			html_text(b, fm ? form_label(fm->title, r->lang) : PQgetvalue(rows, i, Q_FORM));
			if (strcmp(PQgetvalue(rows, i, Q_CHANNEL), "qr") != 0)
				html_lit(b, " <span class=\"tag\">☎</span>");
			html_lit(b, "</td><td><a href=\"/admin/s/");
			html_url_arg(b, PQgetvalue(rows, i, Q_ID));
			html_lit(b, "\">");
			if (urgent) {
				console_wrap(r, "<strong class=\"tag urgent\">", L(r, "KHẨN", "URGENT"), "</strong> ");
			}
			if (replied) {
				console_wrap(r, "<span class=\"tag\">",
				    L(r, "NLĐ đã trả lời", "Worker replied"), "</span> ");
			}
			const char *ex = excerpt(r, PQgetvalue(rows, i, Q_ANSWERS));
			html_text(b, *ex ? ex : L(r, "(xem chi tiết)", "(open)"));
			html_lit(b, "</a></td>");
			console_td(r, submission_status_label(PQgetvalue(rows, i, Q_STATUS), r->lang));
			console_td(r, PQgetvalue(rows, i, Q_ASSIGNEE));
			html_lit(b, "</tr>");
		}
		html_lit(b, "</tbody></table>");
		if (n > PAGE_ROWS) {
			const struct kv args[] = {
				{ "status", f->status, 0 }, { "form", f->form, 0 }, { "workplace", f->workplace, 0 }, { "from", f->from, 0 },
				{ "to", f->to, 0 }, { "urgent", f->urgent, 0 }, { "q", f->q, 0 }, { "after", arena_printf(r->arena, "%s|%s",
				    PQgetvalue(rows, PAGE_ROWS - 1, Q_AT), PQgetvalue(rows, PAGE_ROWS - 1, Q_ID)), 0 },
			};
			console_next(r, "/admin/", args, sizeof(args) / sizeof(args[0]), "Trang sau →", "Next page →");
		}
	}
}

/* GET /admin/?status=&form=&workplace=&from=&to=&urgent=&q=&after= */
void
page_admin_queue(struct req *r)
{
	struct filters f;
	if (!queue_filters(r, &f))
		return;
	PGresult *rows = queue_rows(r, &f);
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
	queue_filter_form(r, &f);
	queue_table(r, &f, rows);
	PQclear(rows);
	console_end(r);
}
