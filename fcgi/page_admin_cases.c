/* page_admin_cases.c: /admin/cases: dispute cases built from reports: list, creation, stages with dated notes, linked reports, legal deadlines, totals, and the front page's deadline panel. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libpq-fe.h>

#include "app.h"
#include "arena.h"
#include "auth.h"
#include "buf.h"
#include "db.h"
#include "form.h"
#include "html.h"
#include "http.h"
#include "i18n.h"
#include "page_admin.h"
#include "req.h"
#include "text.h"

#define CASE_ROWS 200
#define PANEL_DAYS "14"

struct named { const char *value, *vi, *en; };

static const struct named kinds[] = {
	{ "wage_arrears", "Nợ lương", "Wage arrears" },
	{ "social_insurance", "Nợ BHXH", "Social insurance arrears" },
	{ "dismissal", "Sa thải, chấm dứt HĐLĐ", "Dismissal" },
	{ "safety", "An toàn, vệ sinh lao động", "Safety" },
	{ "working_time", "Thời giờ làm việc, làm thêm", "Working time" },
	{ "other", "Khác", "Other" },
};

static const struct named scopes[] = {
	{ "individual", "Cá nhân", "Individual" },
	{ "collective", "Tập thể", "Collective" },
};

/* Stages in the order a dispute moves through them. */
static const struct named stages[] = {
	{ "intake", "Tiếp nhận", "Intake" },
	{ "verification", "Xác minh", "Verification" },
	{ "workplace_dialogue", "Đối thoại tại nơi làm việc", "Workplace dialogue" },
	{ "labour_mediator", "Hòa giải viên lao động", "Labour mediator" },
	{ "arbitration_council", "Hội đồng trọng tài lao động", "Arbitration council" },
	{ "court", "Tòa án", "Court" },
	{ "closed", "Đã kết thúc", "Closed" },
};

static const struct named outcomes[] = {
	{ "resolved_at_workplace", "Giải quyết tại nơi làm việc", "Resolved at the workplace" },
	{ "mediated", "Hòa giải thành", "Mediated" },
	{ "arbitrated", "Trọng tài quyết định", "Arbitrated" },
	{ "judgment", "Bản án, quyết định của Tòa", "Court judgment" },
	{ "withdrawn", "Rút yêu cầu", "Withdrawn" },
	{ "other", "Khác", "Other" },
};

#define NAMED_N(t) (sizeof(t) / sizeof((t)[0]))

static const char *
named_label(const struct req *r, const struct named *t, size_t n, const char *value)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(t[i].value, value) == 0)
			return L(r, t[i].vi, t[i].en);
	return value;
}

static bool
named_valid(const struct named *t, size_t n, const char *value)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(t[i].value, value) == 0)
			return true;
	return false;
}

/* A <select> of a table's values, `cur` selected; `blank` adds an empty first choice. */
static void
named_select(struct req *r, const char *name, const struct named *t, size_t n, const char *cur, bool blank)
{
	struct buf *b = r->out;
	html_raw_trusted(b, "<select name=\"");
	html_attr(b, name);
	html_raw_trusted(b, "\" id=\"f-");
	html_attr(b, name);
	html_raw_trusted(b, "\">");
	if (blank)
		html_raw_trusted(b, "<option value=\"\">—</option>");
	for (size_t i = 0; i < n; i++) {
		html_raw_trusted(b, cur && strcmp(cur, t[i].value) == 0 ? "<option selected value=\"" : "<option value=\"");
		html_attr(b, t[i].value);
		html_raw_trusted(b, "\">");
		html_text(b, L(r, t[i].vi, t[i].en));
		html_raw_trusted(b, "</option>");
	}
	html_raw_trusted(b, "</select>");
}

/* "YYYY-MM-DD" naming a real day (checked here: a bad cast would abort the transaction). */
static bool
date_valid(const char *s)
{
	static const int mdays[12] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-' || strspn(s, "0123456789-") != 10)
		return false;
	int y = atoi(s), m = atoi(s + 5), d = atoi(s + 8);
	if (y < 1990 || y > 2100 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return false;
	return m != 2 || d < 29 || (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0));
}

/* A non-negative whole number of at most `digits` digits. */
static bool
count_valid(const char *s, size_t digits)
{
	size_t n = strlen(s);
	return n >= 1 && n <= digits && strspn(s, "0123456789") == n;
}

/* "12000000" → "12.000.000 đ". */
static const char *
vnd_text(struct arena *a, const char *digits)
{
	char out[64];
	size_t n = strlen(digits), j = 0;
	if (n == 0 || n > 30)
		return digits;
	for (size_t i = 0; i < n; i++) {
		if (i > 0 && (n - i) % 3 == 0)
			out[j++] = '.';
		out[j++] = digits[i];
	}
	out[j] = '\0';
	return arena_printf(a, "%s đ", out);
}

static const char *
posted(struct req *r, const char *name, size_t max_chars)
{
	char *t = text_trim(arena_strdup(r->arena, kv_get_or_empty(&r->form, name)));
	return text_length(t) <= max_chars ? t : NULL;
}

static void
heading(struct req *r, const char *tag, const char *vi, const char *en)
{
	buf_appendf(r->out, "<%s>", tag);
	html_text(r->out, L(r, vi, en));
	buf_appendf(r->out, "</%s>", tag);
}

static void
problem_box(struct req *r, const char *problem)
{
	if (problem == NULL)
		return;
	html_raw_trusted(r->out, "<p class=\"alert\" role=\"alert\" id=\"problem\">");
	html_text(r->out, problem);
	html_raw_trusted(r->out, "</p>");
}

/* GET /admin/cases: the cases in scope, open ones first, with their next deadline. */
static void
cases_list(struct req *r)
{
	struct buf *b = r->out;
	const char *p[1] = { r->officer->unit_path };
	PGresult *res = db_query(r->app->db,
	    "SELECT k.id, k.title, k.stage, k.kind, w.name, coalesce(nullif(o.display_name, ''), o.username, ''), "
	    "coalesce(to_char(d.due_on, 'DD/MM/YYYY'), ''), coalesce(d.description_vi, ''), coalesce(d.description_en, '') "
	    "FROM dispute_case k JOIN workplace w ON w.id = k.workplace_id JOIN org_unit u ON u.id = w.unit_id "
	    "LEFT JOIN officer o ON o.id = k.assignee_id "
	    "LEFT JOIN LATERAL (SELECT x.due_on, x.description_vi, x.description_en FROM case_deadlines(k.id) x "
	    "  WHERE x.current AND x.due_on >= (now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date ORDER BY x.due_on LIMIT 1) d ON true "
	    "WHERE u.path LIKE $1 || '%' "
	    "ORDER BY k.stage = 'closed', d.due_on NULLS LAST, k.updated_at DESC LIMIT 200", 1, p);
	if (res == NULL || !db_ok(res)) {
		PQclear(res);
		http_error(r, 503, MSG__MAX);
		return;
	}
	html_admin_begin(r, L(r, "Vụ việc", "Cases"));
	heading(r, "h1", "Vụ việc", "Cases");
	cases_deadline_panel(r);
	html_raw_trusted(b, "<p>");
	html_text(b, L(r, "Tạo vụ việc từ một phản ánh: mở phản ánh rồi chọn «Tạo vụ việc».",
	    "Cases are created from a report: open the report and choose \"Create a case\"."));
	html_raw_trusted(b, "</p>");
	if (PQntuples(res) == 0) {
		html_raw_trusted(b, "<p class=\"empty\">");
		html_text(b, L(r, "Chưa có vụ việc nào.", "No cases yet."));
		html_raw_trusted(b, "</p>");
	} else {
		html_raw_trusted(b, "<table class=\"queue\" id=\"cases\"><thead><tr>");
		static const char *const cols[][2] = {
			{ "Vụ việc", "Case" }, { "Giai đoạn", "Stage" }, { "Loại", "Kind" },
			{ "Nơi làm việc", "Workplace" }, { "Hạn kế tiếp", "Next deadline" }, { "Phụ trách", "Assignee" },
		};
		for (size_t i = 0; i < sizeof(cols) / sizeof(cols[0]); i++) {
			html_raw_trusted(b, "<th scope=\"col\">");
			html_text(b, L(r, cols[i][0], cols[i][1]));
			html_raw_trusted(b, "</th>");
		}
		html_raw_trusted(b, "</tr></thead><tbody>");
		for (int i = 0; i < PQntuples(res) && i < CASE_ROWS; i++) {
			html_raw_trusted(b, "<tr><td><a href=\"/admin/cases/");
			html_url_arg(b, PQgetvalue(res, i, 0));
			html_raw_trusted(b, "\">#");
			html_text(b, PQgetvalue(res, i, 0));
			html_raw_trusted(b, " ");
			html_text(b, PQgetvalue(res, i, 1));
			html_raw_trusted(b, "</a></td><td>");
			html_text(b, named_label(r, stages, NAMED_N(stages), PQgetvalue(res, i, 2)));
			html_raw_trusted(b, "</td><td>");
			html_text(b, named_label(r, kinds, NAMED_N(kinds), PQgetvalue(res, i, 3)));
			html_raw_trusted(b, "</td><td>");
			html_text(b, PQgetvalue(res, i, 4));
			html_raw_trusted(b, "</td><td>");
			html_text(b, PQgetvalue(res, i, 6));
			if (*PQgetvalue(res, i, 6)) {
				html_raw_trusted(b, " <small>");
				html_text(b, L(r, PQgetvalue(res, i, 7), PQgetvalue(res, i, 8)));
				html_raw_trusted(b, "</small>");
			}
			html_raw_trusted(b, "</td><td>");
			html_text(b, PQgetvalue(res, i, 5));
			html_raw_trusted(b, "</td></tr>");
		}
		html_raw_trusted(b, "</tbody></table>");
	}
	PQclear(res);
	html_admin_end(r);
}

/* The kind a report's form suggests. */
static const char *
kind_from_form(const char *form_id)
{
	static const char *const same[] = { "wage_arrears", "social_insurance", "safety" };
	for (size_t i = 0; i < sizeof(same) / sizeof(same[0]); i++)
		if (strcmp(form_id, same[i]) == 0)
			return same[i];
	return "other";
}

/* The creation form for a case from report `from` (already in scope). */
static void
new_page(struct req *r, int status, const char *from, const char *workplace, const char *title, const char *kind,
    const char *scope, const char *known, const char *problem)
{
	struct buf *b = r->out;
	buf_reset(b);
	r->status = status;
	html_admin_begin(r, L(r, "Tạo vụ việc", "Create a case"));
	heading(r, "h1", "Tạo vụ việc", "Create a case");
	problem_box(r, problem);
	html_raw_trusted(b, "<p>");
	html_text(b, L(r, "Từ phản ánh", "From report"));
	html_raw_trusted(b, " <a href=\"/admin/s/");
	html_url_arg(b, from);
	html_raw_trusted(b, "\">#");
	html_text(b, from);
	html_raw_trusted(b, "</a> · ");
	html_text(b, workplace);
	html_raw_trusted(b, "</p>");
	html_form_begin(r, "/admin/cases/new", NULL);
	html_raw_trusted(b, "<input type=\"hidden\" name=\"from\" value=\"");
	html_attr(b, from);
	html_raw_trusted(b, "\"><div class=\"field\"><label for=\"f-title\">");
	html_text(b, L(r, "Tên vụ việc", "Title"));
	html_raw_trusted(b, "</label><input id=\"f-title\" name=\"title\" maxlength=\"200\" required value=\"");
	html_attr(b, title);
	html_raw_trusted(b, "\"></div><div class=\"field\"><label for=\"f-kind\">");
	html_text(b, L(r, "Loại", "Kind"));
	html_raw_trusted(b, "</label>");
	named_select(r, "kind", kinds, NAMED_N(kinds), kind, false);
	html_raw_trusted(b, "</div><div class=\"field\"><label for=\"f-scope\">");
	html_text(b, L(r, "Tranh chấp", "Dispute"));
	html_raw_trusted(b, "</label>");
	named_select(r, "scope", scopes, NAMED_N(scopes), scope, false);
	html_raw_trusted(b, "</div><div class=\"field\"><label for=\"f-known\">");
	html_text(b, L(r, "Ngày phát hiện vi phạm (thời hiệu tính từ ngày này)", "Violation discovered on (limitation periods count from it)"));
	html_raw_trusted(b, "</label><input type=\"date\" id=\"f-known\" name=\"violation_known_on\" value=\"");
	html_attr(b, known);
	html_raw_trusted(b, "\"></div><button type=\"submit\" class=\"btn primary\">");
	html_text(b, L(r, "Tạo vụ việc", "Create the case"));
	html_raw_trusted(b, "</button></form>");
	html_admin_end(r);
}

/* GET /admin/cases/new?from=ID: the form; POST: creates the case, links
 * the report, records the first event. 404 when the report is outside scope. */
static void
case_new(struct req *r)
{
	bool post = r->method == METHOD_POST;
	const char *from = kv_get_or_empty(post ? &r->form : &r->args, "from");
	if (!count_valid(from, 18)) {
		http_error(r, 404, MSG__MAX);
		return;
	}
	const char *p[2] = { from, r->officer->unit_path };
	PGresult *s = db_query(r->app->db,
	    "SELECT s.form_id, w.name, w.id, to_char(s.received_at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'YYYY-MM-DD') "
	    "FROM submission s JOIN workplace w ON w.id = s.workplace_id JOIN org_unit u ON u.id = w.unit_id "
	    "WHERE s.id = $1::bigint AND u.path LIKE $2 || '%'", 2, p);
	if (s == NULL || !db_ok(s) || PQntuples(s) != 1) {
		PQclear(s);
		http_error(r, 404, MSG__MAX);
		return;
	}
	const char *form_id = arena_strdup(r->arena, PQgetvalue(s, 0, 0));
	const char *wname = arena_strdup(r->arena, PQgetvalue(s, 0, 1));
	const char *wid = arena_strdup(r->arena, PQgetvalue(s, 0, 2));
	const char *received = arena_strdup(r->arena, PQgetvalue(s, 0, 3));
	PQclear(s);
	if (!post) {
		const struct form *fm = form_find(r->app->forms, form_id);
		const char *title = arena_printf(r->arena, "%s — %s", fm ? form_label(fm->title, r->lang) : form_id, wname);
		new_page(r, 200, from, wname, title, kind_from_form(form_id), "individual", received, NULL);
		return;
	}
	if (r->officer->role < ROLE_OFFICER) {
		http_error(r, 403, MSG_NOT_ALLOWED_ROLE);
		return;
	}
	const char *title = posted(r, "title", 200), *kind = kv_get_or_empty(&r->form, "kind");
	const char *scope = kv_get_or_empty(&r->form, "scope"), *known = kv_get_or_empty(&r->form, "violation_known_on");
	const char *problem = NULL;
	if (title == NULL || *title == '\0')
		problem = L(r, "Cần tên vụ việc (tối đa 200 ký tự).", "A title is needed (200 characters at most).");
	else if (!named_valid(kinds, NAMED_N(kinds), kind) || !named_valid(scopes, NAMED_N(scopes), scope))
		problem = L(r, "Loại hoặc phạm vi tranh chấp không hợp lệ.", "Unknown kind or dispute scope.");
	else if (*known && !date_valid(known))
		problem = L(r, "Ngày phát hiện vi phạm không hợp lệ.", "The discovery date is not a valid date.");
	if (problem) {
		new_page(r, 400, from, wname, kv_get_or_empty(&r->form, "title"), kind, scope, known, problem);
		return;
	}
	const char *q[7] = { r->officer->unit_id, wid, kind, scope, title, r->officer->id, *known ? known : NULL };
	PGresult *ins = db_query(r->app->db,
	    "INSERT INTO dispute_case (unit_id, workplace_id, kind, scope, title, assignee_id, violation_known_on) "
	    "VALUES ($1::bigint, $2::bigint, $3, $4, $5, $6::bigint, $7::date) RETURNING id", 7, q);
	if (ins == NULL || !db_ok(ins) || PQntuples(ins) != 1) {
		if (ins)
			fprintf(stderr, "tiengnoi: case create: %s", PQresultErrorMessage(ins));
		PQclear(ins);
		http_error(r, ins ? 500 : 503, MSG__MAX);
		return;
	}
	const char *id = arena_strdup(r->arena, PQgetvalue(ins, 0, 0));
	PQclear(ins);
	const char *e[3] = { id, from, r->officer->id };
	PGresult *l = db_query(r->app->db, "INSERT INTO case_submission (case_id, submission_id) VALUES ($1::bigint, $2::bigint)", 2, e);
	bool ok = l && db_ok(l);
	PQclear(l);
	l = ok ? db_query(r->app->db, "INSERT INTO case_event (case_id, officer_id, kind, to_stage, note) "
	    "VALUES ($1::bigint, $3::bigint, 'created', 'intake', 'report #' || $2)", 3, e) : NULL;
	ok = ok && l && db_ok(l);
	PQclear(l);
	if (!ok) {
		http_error(r, 500, MSG__MAX);
		return;
	}
	audit_officer(r, "case.create", arena_printf(r->arena, "case:%s", id), arena_printf(r->arena, "submission:%s", from));
	http_redirect(r, arena_printf(r->arena, "/admin/cases/%s", id));
}

/* The case page. `in` (the POSTed values, or NULL) refills the form of
 * `action` after an error, so nothing typed is lost. */
static void
case_page(struct req *r, const char *id, int status, const char *problem, const char *action)
{
	struct buf *b = r->out;
	const struct kvlist *in = action ? &r->form : NULL;
	const char *p[2] = { id, r->officer->unit_path };
	PGresult *k = db_query(r->app->db,
	    "SELECT k.title, k.kind, k.scope, k.stage, to_char(k.stage_entered_on, 'DD/MM/YYYY'), coalesce(k.outcome, ''), "
	    "coalesce(to_char(k.violation_known_on, 'DD/MM/YYYY'), ''), coalesce(k.workers_affected::text, ''), "
	    "coalesce(k.months_owed::text, ''), coalesce(k.amount_owed_vnd::text, ''), k.totals_corrected, w.name, "
	    "coalesce(cu.name, ''), coalesce(nullif(o.display_name, ''), o.username, ''), "
	    "to_char(k.created_at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'DD/MM/YYYY HH24:MI'), "
	    "t.workers::text, t.months::text, t.amount::text "
	    "FROM dispute_case k JOIN workplace w ON w.id = k.workplace_id JOIN org_unit u ON u.id = w.unit_id "
	    "LEFT JOIN org_unit cu ON cu.id = k.unit_id LEFT JOIN officer o ON o.id = k.assignee_id "
	    "CROSS JOIN LATERAL case_totals(k.id) t "
	    "WHERE k.id = $1::bigint AND u.path LIKE $2 || '%'", 2, p);
	if (k == NULL || !db_ok(k) || PQntuples(k) != 1) {
		PQclear(k);
		http_error(r, k ? 404 : 503, MSG__MAX);
		return;
	}
	bool can_act = r->officer->role >= ROLE_OFFICER;
	const char *stage = PQgetvalue(k, 0, 3);
	char *title = arena_printf(r->arena, "#%s %s", id, PQgetvalue(k, 0, 0));
	buf_reset(b);
	r->status = status;
	html_admin_begin(r, title);
	html_raw_trusted(b, "<p><a href=\"/admin/cases\">");
	html_text(b, L(r, "← Vụ việc", "← Cases"));
	html_raw_trusted(b, "</a></p><h1 id=\"case-title\">");
	html_text(b, title);
	html_raw_trusted(b, "</h1>");
	problem_box(r, problem);
	/* the dossier for a mediator, council or lawyer (page_admin_dossier.c) */
	html_raw_trusted(b, "<p class=\"dossier-links\" id=\"dossier\">");
	html_text(b, L(r, "Hồ sơ vụ việc:", "Case dossier:"));
	html_raw_trusted(b, " <a href=\"/admin/dossier/");
	html_url_arg(b, id);
	html_raw_trusted(b, "\">HTML</a> · <a href=\"/admin/dossier/");
	html_url_arg(b, id);
	html_raw_trusted(b, ".json\">JSON</a> · <a href=\"/admin/dossier/");
	html_url_arg(b, id);
	html_raw_trusted(b, ".xlsx\">XLSX</a></p>");

	html_raw_trusted(b, "<dl class=\"meta\">");
	struct { const char *vi, *en, *value, *ident; } meta[] = {
		{ "Nơi làm việc", "Workplace", PQgetvalue(k, 0, 11), "case-workplace" },
		{ "Đơn vị xử lý", "Handled by", PQgetvalue(k, 0, 12), "case-unit" },
		{ "Loại", "Kind", named_label(r, kinds, NAMED_N(kinds), PQgetvalue(k, 0, 1)), "case-kind" },
		{ "Tranh chấp", "Dispute", named_label(r, scopes, NAMED_N(scopes), PQgetvalue(k, 0, 2)), "case-scope" },
		{ "Giai đoạn", "Stage", named_label(r, stages, NAMED_N(stages), stage), "case-stage" },
		{ "Từ ngày", "Since", PQgetvalue(k, 0, 4), "case-stage-since" },
		{ "Kết quả", "Outcome", *PQgetvalue(k, 0, 5) ? named_label(r, outcomes, NAMED_N(outcomes), PQgetvalue(k, 0, 5)) : "—", "case-outcome" },
		{ "Ngày phát hiện vi phạm", "Violation discovered on", *PQgetvalue(k, 0, 6) ? PQgetvalue(k, 0, 6) : "—", "case-known" },
		{ "Phụ trách", "Assignee", PQgetvalue(k, 0, 13), "case-assignee" },
		{ "Tạo lúc", "Created", PQgetvalue(k, 0, 14), "case-created" },
	};
	for (size_t i = 0; i < sizeof(meta) / sizeof(meta[0]); i++) {
		html_raw_trusted(b, "<dt>");
		html_text(b, L(r, meta[i].vi, meta[i].en));
		html_raw_trusted(b, "</dt><dd id=\"");
		html_attr(b, meta[i].ident);
		html_raw_trusted(b, "\">");
		html_text(b, meta[i].value);
		html_raw_trusted(b, "</dd>");
	}
	html_raw_trusted(b, "</dl>");

	/* deadlines: computed in SQL from legal_deadline rows, each with its source */
	heading(r, "h2", "Thời hạn theo luật", "Legal deadlines");
	PGresult *d = db_query(r->app->db,
	    "SELECT description_vi, description_en, coalesce(to_char(due_on, 'YYYY-MM-DD'), ''), "
	    "coalesce(to_char(due_on, 'DD/MM/YYYY'), ''), source, current, code, "
	    "coalesce((due_on - (now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date)::text, '') "
	    "FROM case_deadlines($1::bigint)", 1, p);
	html_raw_trusted(b, "<table class=\"queue\" id=\"deadlines\"><thead><tr><th scope=\"col\">");
	html_text(b, L(r, "Thời hạn", "Deadline"));
	html_raw_trusted(b, "</th><th scope=\"col\">");
	html_text(b, L(r, "Ngày", "Date"));
	html_raw_trusted(b, "</th><th scope=\"col\">");
	html_text(b, L(r, "Còn (ngày)", "Days left"));
	html_raw_trusted(b, "</th><th scope=\"col\">");
	html_text(b, L(r, "Căn cứ", "Legal source"));
	html_raw_trusted(b, "</th></tr></thead><tbody>");
	for (int i = 0; d && db_ok(d) && i < PQntuples(d); i++) {
		bool current = PQgetvalue(d, i, 5)[0] == 't';
		html_raw_trusted(b, current ? "<tr class=\"urgent\" data-code=\"" : "<tr data-code=\"");
		html_attr(b, PQgetvalue(d, i, 6));
		html_raw_trusted(b, "\" data-due=\"");
		html_attr(b, PQgetvalue(d, i, 2));
		html_raw_trusted(b, "\"><td>");
		html_text(b, L(r, PQgetvalue(d, i, 0), PQgetvalue(d, i, 1)));
		if (!current) {
			html_raw_trusted(b, " <small>");
			html_text(b, L(r, "(không áp dụng ở giai đoạn này)", "(not at this stage)"));
			html_raw_trusted(b, "</small>");
		}
		html_raw_trusted(b, "</td><td>");
		html_text(b, *PQgetvalue(d, i, 3) ? PQgetvalue(d, i, 3) : L(r, "(thiếu ngày gốc)", "(date it counts from unknown)"));
		html_raw_trusted(b, "</td><td>");
		html_text(b, PQgetvalue(d, i, 7));
		html_raw_trusted(b, "</td><td>");
		html_text(b, PQgetvalue(d, i, 4));
		html_raw_trusted(b, "</td></tr>");
	}
	html_raw_trusted(b, "</tbody></table>");
	PQclear(d);
	calendar_notice(r, id, false);

	/* totals: computed from the linked reports, beside what an officer corrected */
	heading(r, "h2", "Số liệu", "Totals");
	bool corrected = PQgetvalue(k, 0, 10)[0] == 't';
	html_raw_trusted(b, "<table class=\"queue\" id=\"totals\"><thead><tr><th></th><th scope=\"col\">");
	html_text(b, L(r, "Tính từ phản ánh", "From the reports"));
	html_raw_trusted(b, "</th><th scope=\"col\">");
	html_text(b, L(r, "Cán bộ hiệu chỉnh", "Corrected by an officer"));
	html_raw_trusted(b, "</th></tr></thead><tbody>");
	static const struct { const char *vi, *en, *name; int computed, stored; bool money; } tot[] = {
		{ "Số người lao động bị ảnh hưởng", "Workers affected", "workers", 15, 7, false },
		{ "Số tháng nợ", "Months owed", "months", 16, 8, false },
		{ "Số tiền nợ", "Amount owed", "amount", 17, 9, true },
	};
	for (size_t i = 0; i < sizeof(tot) / sizeof(tot[0]); i++) {
		const char *cv = PQgetvalue(k, 0, tot[i].computed), *sv = PQgetvalue(k, 0, tot[i].stored);
		html_raw_trusted(b, "<tr><th scope=\"row\">");
		html_text(b, L(r, tot[i].vi, tot[i].en));
		html_raw_trusted(b, "</th><td id=\"computed-");
		html_attr(b, tot[i].name);
		html_raw_trusted(b, "\" data-value=\"");
		html_attr(b, cv);
		html_raw_trusted(b, "\">");
		html_text(b, tot[i].money ? vnd_text(r->arena, cv) : cv);
		html_raw_trusted(b, "</td><td id=\"stored-");
		html_attr(b, tot[i].name);
		html_raw_trusted(b, "\" data-value=\"");
		html_attr(b, corrected ? sv : "");
		html_raw_trusted(b, "\">");
		html_text(b, corrected && *sv ? (tot[i].money ? vnd_text(r->arena, sv) : sv) : "—");
		html_raw_trusted(b, "</td></tr>");
	}
	html_raw_trusted(b, "</tbody></table>");
	if (can_act) {
		bool refill = action && strcmp(action, "totals") == 0;
		html_form_begin(r, arena_printf(r->arena, "/admin/cases/%s", id), "inline");
		html_raw_trusted(b, "<input type=\"hidden\" name=\"action\" value=\"totals\">");
		for (size_t i = 0; i < sizeof(tot) / sizeof(tot[0]); i++) {
			const char *v = refill ? kv_get_or_empty(in, tot[i].name) :
			    corrected ? PQgetvalue(k, 0, tot[i].stored) : PQgetvalue(k, 0, tot[i].computed);
			html_raw_trusted(b, "<label>");
			html_text(b, L(r, tot[i].vi, tot[i].en));
			html_raw_trusted(b, " <input inputmode=\"numeric\" name=\"");
			html_attr(b, tot[i].name);
			html_raw_trusted(b, "\" value=\"");
			html_attr(b, v);
			html_raw_trusted(b, "\"></label> ");
		}
		html_raw_trusted(b, "<button type=\"submit\" class=\"btn\">");
		html_text(b, L(r, "Lưu số liệu hiệu chỉnh", "Save corrected totals"));
		html_raw_trusted(b, "</button></form>");
	}

	/* linked reports */
	heading(r, "h2", "Phản ánh liên quan", "Linked reports");
	PGresult *ls = db_query(r->app->db,
	    "SELECT s.id, s.form_id, to_char(s.received_at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'DD/MM/YYYY HH24:MI') "
	    "FROM case_submission cs JOIN submission s ON s.id = cs.submission_id "
	    "WHERE cs.case_id = $1::bigint ORDER BY s.received_at, s.id", 1, p);
	html_raw_trusted(b, "<ul id=\"linked\">");
	for (int i = 0; ls && db_ok(ls) && i < PQntuples(ls); i++) {
		const struct form *fm = form_find(r->app->forms, PQgetvalue(ls, i, 1));
		html_raw_trusted(b, "<li><a href=\"/admin/s/");
		html_url_arg(b, PQgetvalue(ls, i, 0));
		html_raw_trusted(b, "\">#");
		html_text(b, PQgetvalue(ls, i, 0));
		html_raw_trusted(b, "</a> ");
		html_text(b, fm ? form_label(fm->title, r->lang) : PQgetvalue(ls, i, 1));
		html_raw_trusted(b, " · ");
		html_text(b, PQgetvalue(ls, i, 2));
		html_raw_trusted(b, "</li>");
	}
	html_raw_trusted(b, "</ul>");
	PQclear(ls);
	if (can_act) {
		bool refill = action && strcmp(action, "link") == 0;
		html_form_begin(r, arena_printf(r->arena, "/admin/cases/%s", id), "inline");
		html_raw_trusted(b, "<input type=\"hidden\" name=\"action\" value=\"link\"><label>");
		html_text(b, L(r, "Số phản ánh cùng nơi làm việc", "Report number from the same workplace"));
		html_raw_trusted(b, " <input inputmode=\"numeric\" name=\"submission\" value=\"");
		html_attr(b, refill ? kv_get_or_empty(in, "submission") : "");
		html_raw_trusted(b, "\"></label> <button type=\"submit\" class=\"btn\">");
		html_text(b, L(r, "Liên kết", "Link"));
		html_raw_trusted(b, "</button></form>");
	}

	/* stage change with its date and a note; closing needs an outcome */
	if (can_act) {
		bool refill = action && strcmp(action, "stage") == 0;
		heading(r, "h2", "Chuyển giai đoạn", "Change the stage");
		html_form_begin(r, arena_printf(r->arena, "/admin/cases/%s", id), NULL);
		html_raw_trusted(b, "<input type=\"hidden\" name=\"action\" value=\"stage\"><div class=\"field\"><label for=\"f-stage\">");
		html_text(b, L(r, "Giai đoạn mới", "New stage"));
		html_raw_trusted(b, "</label>");
		named_select(r, "stage", stages, NAMED_N(stages), refill ? kv_get_or_empty(in, "stage") : stage, false);
		html_raw_trusted(b, "</div><div class=\"field\"><label for=\"f-on_date\">");
		html_text(b, L(r, "Ngày chuyển (để trống: hôm nay)", "Date of the change (empty: today)"));
		html_raw_trusted(b, "</label><input type=\"date\" id=\"f-on_date\" name=\"on_date\" value=\"");
		html_attr(b, refill ? kv_get_or_empty(in, "on_date") : "");
		html_raw_trusted(b, "\"></div><div class=\"field\"><label for=\"f-outcome\">");
		html_text(b, L(r, "Kết quả (bắt buộc khi kết thúc)", "Outcome (required to close)"));
		html_raw_trusted(b, "</label>");
		named_select(r, "outcome", outcomes, NAMED_N(outcomes), refill ? kv_get_or_empty(in, "outcome") : "", true);
		html_raw_trusted(b, "</div><div class=\"field\"><label for=\"f-stage-note\">");
		html_text(b, L(r, "Ghi chú", "Note"));
		html_raw_trusted(b, "</label><textarea id=\"f-stage-note\" name=\"note\" rows=\"2\" maxlength=\"4000\">");
		html_text(b, refill ? kv_get_or_empty(in, "note") : "");
		html_raw_trusted(b, "</textarea></div><button type=\"submit\" class=\"btn primary\">");
		html_text(b, L(r, "Chuyển giai đoạn", "Change the stage"));
		html_raw_trusted(b, "</button></form>");
	}

	/* the history */
	heading(r, "h2", "Diễn biến", "History");
	PGresult *ev = db_query(r->app->db,
	    "SELECT e.kind, coalesce(e.from_stage, ''), coalesce(e.to_stage, ''), e.note, to_char(e.on_date, 'DD/MM/YYYY'), "
	    "to_char(e.at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'DD/MM/YYYY HH24:MI'), coalesce(nullif(o.display_name, ''), o.username, '') "
	    "FROM case_event e LEFT JOIN officer o ON o.id = e.officer_id WHERE e.case_id = $1::bigint ORDER BY e.at, e.id", 1, p);
	html_raw_trusted(b, "<ol class=\"thread\" id=\"events\">");
	for (int i = 0; ev && db_ok(ev) && i < PQntuples(ev); i++) {
		const char *ekind = PQgetvalue(ev, i, 0);
		html_raw_trusted(b, "<li data-kind=\"");
		html_attr(b, ekind);
		html_raw_trusted(b, "\"><p class=\"who\">");
		html_text(b, PQgetvalue(ev, i, 4));
		html_raw_trusted(b, " · ");
		html_text(b, PQgetvalue(ev, i, 6));
		html_raw_trusted(b, " · ");
		html_text(b, PQgetvalue(ev, i, 5));
		html_raw_trusted(b, "</p><p class=\"body\">");
		if (strcmp(ekind, "stage") == 0) {
			html_text(b, named_label(r, stages, NAMED_N(stages), PQgetvalue(ev, i, 1)));
			html_raw_trusted(b, " → ");
			html_text(b, named_label(r, stages, NAMED_N(stages), PQgetvalue(ev, i, 2)));
			if (*PQgetvalue(ev, i, 3))
				html_raw_trusted(b, ": ");
		} else if (strcmp(ekind, "created") == 0) {
			html_text(b, L(r, "Tạo vụ việc: ", "Created: "));
		} else if (strcmp(ekind, "totals") == 0) {
			html_text(b, L(r, "Hiệu chỉnh số liệu: ", "Totals corrected: "));
		} else if (strcmp(ekind, "link") == 0) {
			html_text(b, L(r, "Liên kết phản ánh: ", "Report linked: "));
		}
		html_text(b, PQgetvalue(ev, i, 3));
		html_raw_trusted(b, "</p></li>");
	}
	html_raw_trusted(b, "</ol>");
	PQclear(ev);
	if (can_act) {
		bool refill = action && strcmp(action, "note") == 0;
		html_form_begin(r, arena_printf(r->arena, "/admin/cases/%s", id), NULL);
		html_raw_trusted(b, "<input type=\"hidden\" name=\"action\" value=\"note\"><div class=\"field\"><label for=\"f-note\">");
		html_text(b, L(r, "Thêm ghi chú", "Add a note"));
		html_raw_trusted(b, "</label><textarea id=\"f-note\" name=\"note\" rows=\"3\" maxlength=\"4000\" required>");
		html_text(b, refill ? kv_get_or_empty(in, "note") : "");
		html_raw_trusted(b, "</textarea></div><button type=\"submit\" class=\"btn\">");
		html_text(b, L(r, "Lưu ghi chú", "Save note"));
		html_raw_trusted(b, "</button></form>");
	}
	PQclear(k);
	html_admin_end(r);
}

/* Runs one statement of an action; false after answering 500/503. */
static bool
step(struct req *r, PGresult *res)
{
	bool ok = res != NULL && db_ok(res);
	if (!ok) {
		if (res)
			fprintf(stderr, "tiengnoi: case action: %s", PQresultErrorMessage(res));
		http_error(r, res ? 500 : 503, MSG__MAX);
	}
	PQclear(res);
	return ok;
}

/* POST /admin/cases/ID: stage, link, totals, note. Each change writes a
 * case_event and an audit row, then redirects to the case; bad input is
 * 400 with the case page and the typed values. */
static void
case_post(struct req *r, const char *id)
{
	const char *p[2] = { id, r->officer->unit_path };
	PGresult *chk = db_query(r->app->db, "SELECT k.stage, k.workplace_id FROM dispute_case k "
	    "JOIN workplace w ON w.id = k.workplace_id JOIN org_unit u ON u.id = w.unit_id "
	    "WHERE k.id = $1::bigint AND u.path LIKE $2 || '%' FOR UPDATE OF k", 2, p);
	bool found = chk && db_ok(chk) && PQntuples(chk) == 1;
	const char *old_stage = found ? arena_strdup(r->arena, PQgetvalue(chk, 0, 0)) : NULL;
	const char *wid = found ? arena_strdup(r->arena, PQgetvalue(chk, 0, 1)) : NULL;
	PQclear(chk);
	if (!found) {
		http_error(r, chk ? 404 : 503, MSG__MAX);
		return;
	}
	if (r->officer->role < ROLE_OFFICER) {
		http_error(r, 403, MSG_NOT_ALLOWED_ROLE);
		return;
	}
	const char *action = kv_get_or_empty(&r->form, "action");
	const char *object = arena_printf(r->arena, "case:%s", id);
	if (strcmp(action, "stage") == 0) {
		const char *st = kv_get_or_empty(&r->form, "stage"), *on = kv_get_or_empty(&r->form, "on_date");
		const char *outcome = kv_get_or_empty(&r->form, "outcome"), *note = posted(r, "note", 4000);
		const char *problem = NULL;
		bool closing = strcmp(st, "closed") == 0;
		if (!named_valid(stages, NAMED_N(stages), st))
			problem = L(r, "Giai đoạn không hợp lệ.", "Unknown stage.");
		else if (strcmp(st, old_stage) == 0)
			problem = L(r, "Vụ việc đã ở giai đoạn này.", "The case is already at this stage.");
		else if (*on && !date_valid(on))
			problem = L(r, "Ngày chuyển không hợp lệ.", "The date of the change is not a valid date.");
		else if (closing && !named_valid(outcomes, NAMED_N(outcomes), outcome))
			problem = L(r, "Kết thúc vụ việc cần ghi kết quả.", "Closing a case needs an outcome.");
		else if (!closing && *outcome)
			problem = L(r, "Chỉ ghi kết quả khi kết thúc vụ việc.", "An outcome is recorded only when closing.");
		else if (note == NULL)
			problem = L(r, "Ghi chú quá dài (tối đa 4000 ký tự).", "The note is too long (4000 characters at most).");
		if (problem) {
			case_page(r, id, 400, problem, action);
			return;
		}
		const char *q[6] = { id, st, *on ? on : NULL, closing ? outcome : NULL, r->officer->id, note };
		if (!step(r, db_query(r->app->db, "UPDATE dispute_case SET stage = $2, outcome = $4, updated_at = now(), "
		    "stage_entered_on = coalesce($3::date, (now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date) WHERE id = $1::bigint", 4, q)))
			return;
		const char *e[6] = { id, old_stage, st, *on ? on : NULL, r->officer->id, note };
		if (!step(r, db_query(r->app->db, "INSERT INTO case_event (case_id, kind, from_stage, to_stage, on_date, officer_id, note) "
		    "VALUES ($1::bigint, 'stage', $2, $3, coalesce($4::date, (now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date), "
		    "$5::bigint, $6)", 6, e)))
			return;
		audit_officer(r, "case.stage", object, arena_printf(r->arena, "%s -> %s%s%s", old_stage, st,
		    closing ? " " : "", closing ? outcome : ""));
	} else if (strcmp(action, "link") == 0) {
		const char *sub = text_trim(arena_strdup(r->arena, kv_get_or_empty(&r->form, "submission")));
		if (*sub == '#')
			sub++;
		const char *q[4] = { sub, r->officer->unit_path, wid, id };
		PGresult *s = count_valid(sub, 18) ? db_query(r->app->db,
		    "SELECT EXISTS (SELECT 1 FROM case_submission WHERE case_id = $4::bigint AND submission_id = s.id) "
		    "FROM submission s JOIN workplace w ON w.id = s.workplace_id JOIN org_unit u ON u.id = w.unit_id "
		    "WHERE s.id = $1::bigint AND u.path LIKE $2 || '%' AND s.workplace_id = $3::bigint", 4, q) : NULL;
		bool ok = s && db_ok(s) && PQntuples(s) == 1, dup = ok && PQgetvalue(s, 0, 0)[0] == 't';
		PQclear(s);
		if (!ok || dup) {
			case_page(r, id, 400, dup ? L(r, "Phản ánh này đã được liên kết.", "This report is already linked.") :
			    L(r, "Không có phản ánh số này ở cùng nơi làm việc trong phạm vi của bạn.",
			    "No report with this number at the same workplace in your scope."), action);
			return;
		}
		const char *e[3] = { id, sub, r->officer->id };
		if (!step(r, db_query(r->app->db, "INSERT INTO case_submission (case_id, submission_id) VALUES ($1::bigint, $2::bigint)", 2, e)) ||
		    !step(r, db_query(r->app->db, "INSERT INTO case_event (case_id, kind, officer_id, note) "
		    "VALUES ($1::bigint, 'link', $3::bigint, '#' || $2)", 3, e)) ||
		    !step(r, db_query(r->app->db, "UPDATE dispute_case SET updated_at = now() WHERE id = $1::bigint", 1, e)))
			return;
		audit_officer(r, "case.link", object, arena_printf(r->arena, "submission:%s", sub));
	} else if (strcmp(action, "totals") == 0) {
		const char *w = text_trim(arena_strdup(r->arena, kv_get_or_empty(&r->form, "workers")));
		const char *m = text_trim(arena_strdup(r->arena, kv_get_or_empty(&r->form, "months")));
		const char *a = text_trim(arena_strdup(r->arena, kv_get_or_empty(&r->form, "amount")));
		if (!count_valid(w, 7) || !count_valid(m, 4) || !count_valid(a, 15)) {
			case_page(r, id, 400, L(r, "Số liệu phải là số nguyên không âm.", "Totals must be whole numbers, zero or more."), action);
			return;
		}
		const char *q[4] = { id, w, m, a };
		const char *detail = arena_printf(r->arena, "workers=%s months=%s amount=%s", w, m, a);
		const char *e[3] = { id, r->officer->id, detail };
		if (!step(r, db_query(r->app->db, "UPDATE dispute_case SET workers_affected = $2::integer, months_owed = $3::integer, "
		    "amount_owed_vnd = $4::bigint, totals_corrected = true, updated_at = now() WHERE id = $1::bigint", 4, q)) ||
		    !step(r, db_query(r->app->db, "INSERT INTO case_event (case_id, kind, officer_id, note) "
		    "VALUES ($1::bigint, 'totals', $2::bigint, $3)", 3, e)))
			return;
		audit_officer(r, "case.totals", object, detail);
	} else if (strcmp(action, "note") == 0) {
		const char *note = posted(r, "note", 4000);
		if (note == NULL || *note == '\0') {
			case_page(r, id, 400, L(r, "Ghi chú trống hoặc quá dài (tối đa 4000 ký tự).", "Empty or too long (4000 characters at most)."), action);
			return;
		}
		const char *e[3] = { id, r->officer->id, note };
		if (!step(r, db_query(r->app->db, "INSERT INTO case_event (case_id, kind, officer_id, note) "
		    "VALUES ($1::bigint, 'note', $2::bigint, $3)", 3, e)))
			return;
		audit_officer(r, "case.note", object, "");
	} else {
		http_error(r, 400, MSG__MAX);
		return;
	}
	http_redirect(r, arena_printf(r->arena, "/admin/cases/%s", id));
}

/* /admin/cases, /admin/cases/new, /admin/cases/ID. Viewers read; changes
 * need role officer. Anything outside the officer's scope is 404. */
void
page_admin_cases(struct req *r)
{
	const char *rest = r->path + strlen("/admin/cases");
	if (*rest == '\0' || strcmp(rest, "/") == 0) {
		if (r->method == METHOD_POST)
			http_error(r, 405, MSG__MAX);
		else
			cases_list(r);
		return;
	}
	if (strcmp(rest, "/new") == 0) {
		case_new(r);
		return;
	}
	const char *id = rest + 1;
	if (*rest != '/' || !count_valid(id, 18)) {
		http_error(r, 404, MSG__MAX);
		return;
	}
	if (r->method == METHOD_POST)
		case_post(r, id);
	else
		case_page(r, id, 200, NULL, NULL);
}

/* The front page's panel: deadlines of open cases in scope, at their
 * current stage, due today or within the next 14 days. Renders nothing on
 * a database error (the queue below still shows). */
void
cases_deadline_panel(struct req *r)
{
	struct buf *b = r->out;
	const char *p[1] = { r->officer->unit_path };
	PGresult *res = db_query(r->app->db,
	    "SELECT k.id, k.title, d.description_vi, d.description_en, to_char(d.due_on, 'DD/MM/YYYY'), "
	    "(d.due_on - (now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date)::text, d.source "
	    "FROM dispute_case k JOIN workplace w ON w.id = k.workplace_id JOIN org_unit u ON u.id = w.unit_id "
	    "CROSS JOIN LATERAL case_deadlines(k.id) d "
	    "WHERE u.path LIKE $1 || '%' AND k.stage <> 'closed' AND d.current "
	    "AND d.due_on BETWEEN (now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date "
	    "AND (now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date + " PANEL_DAYS " "
	    "ORDER BY d.due_on, k.id LIMIT 50", 1, p);
	if (res == NULL || !db_ok(res)) {
		PQclear(res);
		return;
	}
	html_raw_trusted(b, "<section class=\"deadlines\" id=\"deadline-panel\"><h2>");
	html_text(b, L(r, "Hạn trong 14 ngày tới", "Deadlines in the next 14 days"));
	html_raw_trusted(b, "</h2>");
	calendar_notice(r, NULL, false);
	if (PQntuples(res) == 0) {
		html_raw_trusted(b, "<p class=\"empty\">");
		html_text(b, L(r, "Không có thời hạn nào sắp đến.", "No deadline is coming up."));
		html_raw_trusted(b, "</p>");
	} else {
		html_raw_trusted(b, "<ul>");
		for (int i = 0; i < PQntuples(res); i++) {
			html_raw_trusted(b, "<li><strong>");
			html_text(b, PQgetvalue(res, i, 4));
			html_raw_trusted(b, "</strong> (");
			html_text(b, r->lang == LANG_EN ? arena_printf(r->arena, "%s days left", PQgetvalue(res, i, 5)) :
			    arena_printf(r->arena, "còn %s ngày", PQgetvalue(res, i, 5)));
			html_raw_trusted(b, ") <a href=\"/admin/cases/");
			html_url_arg(b, PQgetvalue(res, i, 0));
			html_raw_trusted(b, "\">#");
			html_text(b, PQgetvalue(res, i, 0));
			html_raw_trusted(b, " ");
			html_text(b, PQgetvalue(res, i, 1));
			html_raw_trusted(b, "</a>: ");
			html_text(b, L(r, PQgetvalue(res, i, 2), PQgetvalue(res, i, 3)));
			html_raw_trusted(b, " <small>");
			html_text(b, PQgetvalue(res, i, 6));
			html_raw_trusted(b, "</small></li>");
		}
		html_raw_trusted(b, "</ul>");
	}
	html_raw_trusted(b, "</section>");
	PQclear(res);
}
