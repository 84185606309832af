/* page_admin_cases.c: /admin/cases: dispute cases built from reports: list, creation, edits, stages with dated notes, linked reports, documents, legal deadlines, totals, and the front page's deadline panel. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libpq-fe.h>
#include <sodium.h>

#include "app.h"
#include "arena.h"
#include "auth.h"
#include "buf.h"
#include "db.h"
#include "dispute.h"
#include "document.h"
#include "form.h"
#include "html.h"
#include "http.h"
#include "i18n.h"
#include "multipart.h"
#include "page_admin.h"
#include "req.h"
#include "text.h"

#define CASE_ROWS 200
#define PANEL_DAYS "14"

#define NAMED_N(t) (sizeof(t) / sizeof((t)[0]))

/* The label of a table value in the request's language; the value itself when unknown. */
static const char *
named_label(const struct req *r, const struct dispute_label *t, size_t n, const char *value)
{
	const struct dispute_label *l = dispute_find(t, n, value);
	return l ? L(r, l->vi, l->en) : value;
}

static bool
named_valid(const struct dispute_label *t, size_t n, const char *value)
{
	return dispute_find(t, n, value) != NULL;
}

/* Opens <select name="NAME" id="f-NAME">; `blank` adds an empty first choice. */
static void
select_begin(struct req *r, const char *name, bool blank)
{
	struct buf *b = r->out;
	html_raw_trusted(b, "<select name=\"");
	html_attr(b, name);
	html_raw_trusted(b, "\" id=\"f-");
	html_attr(b, name);
	html_raw_trusted(b, "\">");
	if (blank)
		html_raw_trusted(b, "<option value=\"\">—</option>");
}

static void
select_option(struct req *r, const char *value, const char *label, bool selected)
{
	html_raw_trusted(r->out, selected ? "<option selected value=\"" : "<option value=\"");
	html_attr(r->out, value);
	html_raw_trusted(r->out, "\">");
	html_text(r->out, label);
	html_raw_trusted(r->out, "</option>");
}

/* A <select> of a table's values, `cur` selected; `blank` adds an empty first choice. */
static void
named_select(struct req *r, const char *name, const struct dispute_label *t, size_t n, const char *cur, bool blank)
{
	select_begin(r, name, blank);
	for (size_t i = 0; i < n; i++)
		select_option(r, t[i].value, L(r, t[i].vi, t[i].en), cur && strcmp(cur, t[i].value) == 0);
	html_raw_trusted(r->out, "</select>");
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

/* The case or document number after `prefix` in the path, or NULL. */
static const char *
path_number(const struct req *r, const char *prefix)
{
	const char *id = r->path + strlen(prefix);
	return count_valid(id, 18) ? id : NULL;
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
			html_text(b, named_label(r, dispute_stages, NAMED_N(dispute_stages), PQgetvalue(res, i, 2)));
			html_raw_trusted(b, "</td><td>");
			html_text(b, named_label(r, dispute_kinds, NAMED_N(dispute_kinds), PQgetvalue(res, i, 3)));
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

/* The checks a case's own fields pass at creation and at every edit: a
 * title of 1 to 200 characters (`title` NULL when longer), a known kind
 * and dispute scope, a real discovery date or none. NULL when all is
 * well, else the problem in the officer's language. */
static const char *
case_fields_problem(struct req *r, const char *title, const char *kind, const char *scope, const char *known)
{
	if (title == NULL || *title == '\0')
		return L(r, "Cần tên vụ việc (tối đa 200 ký tự).", "A title is needed (200 characters at most).");
	if (!named_valid(dispute_kinds, NAMED_N(dispute_kinds), kind) || !named_valid(dispute_scopes, NAMED_N(dispute_scopes), scope))
		return L(r, "Loại hoặc phạm vi tranh chấp không hợp lệ.", "Unknown kind or dispute scope.");
	if (*known && !date_valid(known))
		return L(r, "Ngày phát hiện vi phạm không hợp lệ.", "The discovery date is not a valid date.");
	return NULL;
}

/* Opens a form field: <div class="field"> and the label of control f-ID; the caller closes the div. */
static void
field_label(struct req *r, const char *ident, const char *vi, const char *en)
{
	html_field_begin(r, arena_printf(r->arena, "f-%s", ident), L(r, vi, en), NULL, NULL);
}

/* The fields a case is created with and edited by (checked by
 * case_fields_problem): title, kind, dispute scope, discovery date. */
static void
case_fields(struct req *r, const char *title, const char *kind, const char *scope, const char *known)
{
	struct buf *b = r->out;
	field_label(r, "title", "Tên vụ việc", "Title");
	html_raw_trusted(b, "<input type=\"text\" id=\"f-title\" name=\"title\" maxlength=\"200\" required value=\"");
	html_attr(b, title);
	html_raw_trusted(b, "\"></div>");
	field_label(r, "kind", "Loại", "Kind");
	named_select(r, "kind", dispute_kinds, NAMED_N(dispute_kinds), kind, false);
	html_raw_trusted(b, "</div>");
	field_label(r, "scope", "Tranh chấp", "Dispute");
	named_select(r, "scope", dispute_scopes, NAMED_N(dispute_scopes), scope, false);
	html_raw_trusted(b, "</div>");
	field_label(r, "known", "Ngày phát hiện vi phạm (thời hiệu tính từ ngày này)",
	    "Violation discovered on (limitation periods count from it)");
	html_raw_trusted(b, "<input type=\"date\" id=\"f-known\" name=\"violation_known_on\" value=\"");
	html_attr(b, known);
	html_raw_trusted(b, "\"></div>");
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
	html_raw_trusted(b, "\">");
	case_fields(r, title, kind, scope, known);
	html_raw_trusted(b, "<button type=\"submit\" class=\"btn primary\">");
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
	const char *problem = case_fields_problem(r, title, kind, scope, known);
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

/* Officers who may be given a case at a workplace whose unit path is
 * `wpath`: active officers and admins of that unit or of one above it (so
 * they can see the workplace), as far as the editing officer's own scope
 * shows them (row-level security hides the rest). Columns: id, name. */
static PGresult *
eligible_assignees(struct req *r, const char *wpath)
{
	const char *p[1] = { wpath };
	return db_query(r->app->db, "SELECT o.id::text, coalesce(nullif(o.display_name, ''), o.username) "
	    "FROM officer o JOIN org_unit ou ON ou.id = o.unit_id "
	    "WHERE o.disabled_at IS NULL AND o.role IN ('officer', 'admin') AND starts_with($1, ou.path) "
	    "ORDER BY 2, 1 LIMIT 500", 1, p);
}

/* Units that may handle a case at the workplace: active units from the
 * workplace's own up to the editing officer's, nearest first. Columns: id, name. */
static PGresult *
eligible_units(struct req *r, const char *wpath)
{
	const char *p[2] = { wpath, r->officer->unit_path };
	return db_query(r->app->db, "SELECT u.id::text, u.name FROM org_unit u "
	    "WHERE starts_with($1, u.path) AND starts_with(u.path, $2) AND u.status = 'active' "
	    "ORDER BY length(u.path) DESC", 2, p);
}

/* The row of `res` whose first column is `id`; -1 when none (or no result). */
static int
row_of(const PGresult *res, const char *id)
{
	for (int i = 0; res && db_ok(res) && i < PQntuples(res); i++)
		if (strcmp(PQgetvalue(res, i, 0), id) == 0)
			return i;
	return -1;
}

/* The name (arena) of the row of `res` (id, name; cleared here) whose id
 * is `id`, or NULL when it is not among them. */
static const char *
chosen_name(struct req *r, PGresult *res, const char *id)
{
	int i = row_of(res, id);
	const char *name = i < 0 ? NULL : arena_strdup(r->arena, PQgetvalue(res, i, 1));
	PQclear(res);
	return name;
}

/* A <select> of (id, name) rows, `cur` selected. A current value missing
 * from the rows (an assignee the editor's scope does not show) stays as
 * the first choice under `cur_label`, so saving other fields keeps it. */
static void
rows_select(struct req *r, const char *name, const PGresult *res, const char *cur, const char *cur_label, bool blank)
{
	select_begin(r, name, blank);   /* the blank choice is first, so selected when nothing else is */
	if (*cur && row_of(res, cur) < 0)
		select_option(r, cur, cur_label, true);
	for (int i = 0; res && db_ok(res) && i < PQntuples(res); i++)
		select_option(r, PQgetvalue(res, i, 0), PQgetvalue(res, i, 1), strcmp(cur, PQgetvalue(res, i, 0)) == 0);
	html_raw_trusted(r->out, "</select>");
}

/* The edit form under the case's facts; `k` is case_page's row. A case
 * handled by a unit above the officer's cannot be changed by them (row-level
 * security would refuse the UPDATE), so they get a sentence instead. */
static void
edit_form(struct req *r, const char *id, const PGresult *k, const char *action)
{
	struct buf *b = r->out;
	bool refill = action && strcmp(action, "edit") == 0;
	const struct kvlist *in = &r->form;
	html_raw_trusted(b, refill ? "<details id=\"edit\" open><summary>" : "<details id=\"edit\"><summary>");
	html_text(b, L(r, "Sửa thông tin vụ việc", "Edit the case"));
	html_raw_trusted(b, "</summary>");
	if (PQgetvalue(k, 0, 23)[0] != 't') {
		html_raw_trusted(b, "<p>");
		html_text(b, L(r, "Vụ việc do đơn vị cấp trên xử lý: chỉ cán bộ của đơn vị đó sửa được thông tin.",
		    "A unit above yours handles this case: only its officers can edit it."));
		html_raw_trusted(b, "</p></details>");
		return;
	}
	const char *wpath = PQgetvalue(k, 0, 22);
	html_form_begin(r, arena_printf(r->arena, "/admin/cases/%s", id), NULL);
	/* the version is always the row's: after a 409 the next save applies what was typed */
	html_raw_trusted(b, "<input type=\"hidden\" name=\"action\" value=\"edit\"><input type=\"hidden\" name=\"version\" value=\"");
	html_attr(b, PQgetvalue(k, 0, 21));
	html_raw_trusted(b, "\">");
	if (refill)
		case_fields(r, kv_get_or_empty(in, "title"), kv_get_or_empty(in, "kind"), kv_get_or_empty(in, "scope"),
		    kv_get_or_empty(in, "violation_known_on"));
	else
		case_fields(r, PQgetvalue(k, 0, 0), PQgetvalue(k, 0, 1), PQgetvalue(k, 0, 2), PQgetvalue(k, 0, 20));
	field_label(r, "assignee", "Phụ trách", "Assignee");
	PGresult *opts = eligible_assignees(r, wpath);
	rows_select(r, "assignee", opts, refill ? kv_get_or_empty(in, "assignee") : PQgetvalue(k, 0, 18), PQgetvalue(k, 0, 13), true);
	PQclear(opts);
	html_raw_trusted(b, "</div>");
	field_label(r, "unit", "Đơn vị xử lý", "Handled by");
	opts = eligible_units(r, wpath);
	rows_select(r, "unit", opts, refill ? kv_get_or_empty(in, "unit") : PQgetvalue(k, 0, 19), PQgetvalue(k, 0, 12), false);
	PQclear(opts);
	html_raw_trusted(b, "</div>");
	field_label(r, "reason", "Lý do sửa (không bắt buộc)", "Why (optional)");
	html_raw_trusted(b, "<textarea id=\"f-reason\" name=\"reason\" rows=\"2\" maxlength=\"1000\">");
	html_text(b, refill ? kv_get_or_empty(in, "reason") : "");
	html_raw_trusted(b, "</textarea></div><button type=\"submit\" class=\"btn primary\">");
	html_text(b, L(r, "Lưu thay đổi", "Save changes"));
	html_raw_trusted(b, "</button></form></details>");
}

/* "1234567" → "1,2 MiB"; "900" → "900 B". */
static const char *
size_text(struct arena *a, const char *bytes)
{
	double n = strtod(bytes, NULL);
	if (n < 1024)
		return arena_printf(a, "%s B", bytes);
	const char *t = n < 1024 * 1024 ? arena_printf(a, "%.1f KiB", n / 1024) : arena_printf(a, "%.1f MiB", n / (1024 * 1024));
	char *dot = strchr(t, '.');
	if (dot)
		*dot = ',';   /* Vietnamese decimal comma, as in vnd_text */
	return t;
}

/* The case's documents with their SHA-256 (short here, whole in the
 * title and the dossier), and for officers the upload form, refilled
 * after a refused upload (`action` "attach"): the note and date typed stay. */
static void
attachments_section(struct req *r, const char *id, bool can_act, const char *action)
{
	struct buf *b = r->out;
	const char *p[1] = { id };
	PGresult *at = db_query(r->app->db,
	    "SELECT a.id::text, a.filename, a.mime, a.size::text, to_char(a.created_at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'DD/MM/YYYY HH24:MI'), "
	    "coalesce(nullif(o.display_name, ''), o.username, ''), encode(a.sha256, 'hex'), "
	    "coalesce(to_char(a.purged_at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'DD/MM/YYYY'), '') "
	    "FROM case_attachment a LEFT JOIN officer o ON o.id = a.officer_id WHERE a.case_id = $1::bigint ORDER BY a.created_at, a.id", 1, p);
	heading(r, "h2", "Tài liệu đính kèm", "Documents");
	if (at == NULL || !db_ok(at) || PQntuples(at) == 0) {
		html_raw_trusted(b, "<p class=\"empty\" id=\"no-attachments\">");
		html_text(b, L(r, "Chưa có tài liệu nào.", "No documents yet."));
		html_raw_trusted(b, "</p>");
	} else {
		html_raw_trusted(b, "<table class=\"queue\" id=\"attachments\"><thead><tr>");
		static const char *const cols[][2] = {
			{ "Tệp", "File" }, { "Loại", "Type" }, { "Dung lượng", "Size" }, { "Ngày", "Added" },
			{ "Cán bộ", "Officer" }, { "SHA-256", "SHA-256" },
		};
		for (size_t i = 0; i < sizeof(cols) / sizeof(cols[0]); i++) {
			html_raw_trusted(b, "<th scope=\"col\">");
			html_text(b, L(r, cols[i][0], cols[i][1]));
			html_raw_trusted(b, "</th>");
		}
		html_raw_trusted(b, "</tr></thead><tbody>");
		for (int i = 0; i < PQntuples(at); i++) {
			const char *sha = PQgetvalue(at, i, 6);
			html_raw_trusted(b, "<tr data-attachment=\"");
			html_attr(b, PQgetvalue(at, i, 0));
			const char *purged = PQgetvalue(at, i, 7);
			if (*purged) {   /* the record stays, the bytes went with the retention period */
				html_raw_trusted(b, "\" class=\"purged\"><td>");
				html_text(b, PQgetvalue(at, i, 1));
				html_raw_trusted(b, " <small>");
				html_text(b, r->lang == LANG_EN ? arena_printf(r->arena, "(deleted on %s: retention period over)", purged) :
				    arena_printf(r->arena, "(đã xóa ngày %s khi hết thời hạn lưu giữ)", purged));
				html_raw_trusted(b, "</small></td><td>");
			} else {
				html_raw_trusted(b, "\"><td><a href=\"/admin/case-file/");
				html_url_arg(b, PQgetvalue(at, i, 0));
				html_raw_trusted(b, "\" download>");
				html_text(b, PQgetvalue(at, i, 1));
				html_raw_trusted(b, "</a></td><td>");
			}
			html_text(b, PQgetvalue(at, i, 2));
			html_raw_trusted(b, "</td><td data-bytes=\"");
			html_attr(b, PQgetvalue(at, i, 3));
			html_raw_trusted(b, "\">");
			html_text(b, size_text(r->arena, PQgetvalue(at, i, 3)));
			html_raw_trusted(b, "</td><td>");
			html_text(b, PQgetvalue(at, i, 4));
			html_raw_trusted(b, "</td><td>");
			html_text(b, PQgetvalue(at, i, 5));
			html_raw_trusted(b, "</td><td><code class=\"hash\" title=\"");
			html_attr(b, sha);
			html_raw_trusted(b, "\" data-sha256=\"");
			html_attr(b, sha);
			html_raw_trusted(b, "\">");
			html_text(b, arena_printf(r->arena, "%.12s…", sha));
			html_raw_trusted(b, "</code></td></tr>");
		}
		html_raw_trusted(b, "</tbody></table>");
	}
	PQclear(at);
	if (!can_act)
		return;
	bool refill = action && strcmp(action, "attach") == 0;
	html_form_files_begin(r, arena_printf(r->arena, "/admin/case-files/%s", id), "attach");
	html_raw_trusted(b, "<div class=\"field\"><label for=\"f-file\">");
	html_text(b, L(r, "Tệp (PDF, JPEG, PNG hoặc WebP, tối đa 10 MiB)", "File (PDF, JPEG, PNG or WebP, 10 MiB at most)"));
	html_raw_trusted(b, "</label><input type=\"file\" id=\"f-file\" name=\"file\" required "
	    "accept=\"application/pdf,image/jpeg,image/png,image/webp,.pdf,.jpg,.jpeg,.png,.webp\"><p class=\"hint\">");
	html_text(b, L(r, "Ảnh được xóa siêu dữ liệu (vị trí GPS, máy chụp) trước khi lưu; PDF được giữ nguyên từng byte làm chứng cứ.",
	    "Images lose their metadata (GPS position, camera) before they are stored; PDFs are kept byte for byte as evidence."));
	html_raw_trusted(b, "</p></div><div class=\"field\"><label for=\"f-attach-date\">");
	html_text(b, L(r, "Ngày ghi vào diễn biến (để trống: hôm nay)", "Date in the history (empty: today)"));
	html_raw_trusted(b, "</label><input type=\"date\" id=\"f-attach-date\" name=\"on_date\" value=\"");
	html_attr(b, refill ? kv_get_or_empty(&r->form, "on_date") : "");
	html_raw_trusted(b, "\"></div><div class=\"field\"><label for=\"f-attach-note\">");
	html_text(b, L(r, "Ghi chú về tài liệu", "Note on the document"));
	html_raw_trusted(b, "</label><textarea id=\"f-attach-note\" name=\"note\" rows=\"2\" maxlength=\"4000\">");
	html_text(b, refill ? kv_get_or_empty(&r->form, "note") : "");
	html_raw_trusted(b, "</textarea></div><button type=\"submit\" class=\"btn\">");
	html_text(b, L(r, "Tải lên", "Upload"));
	html_raw_trusted(b, "</button></form>");
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
	    "t.workers::text, t.months::text, t.amount::text, "
	    "coalesce(k.assignee_id::text, ''), k.unit_id::text, coalesce(k.violation_known_on::text, ''), "
	    "(extract(epoch FROM k.updated_at) * 1000000)::bigint::text, u.path, coalesce(cu.path LIKE $2 || '%', false) "
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
	/* stage, totals, links and edits write the case row, which row-level
	 * security lets only the handling unit's subtree write (sql/009);
	 * notes and documents are open to every officer who sees the case */
	bool can_change = can_act && PQgetvalue(k, 0, 23)[0] == 't';
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
		{ "Loại", "Kind", named_label(r, dispute_kinds, NAMED_N(dispute_kinds), PQgetvalue(k, 0, 1)), "case-kind" },
		{ "Tranh chấp", "Dispute", named_label(r, dispute_scopes, NAMED_N(dispute_scopes), PQgetvalue(k, 0, 2)), "case-scope" },
		{ "Giai đoạn", "Stage", named_label(r, dispute_stages, NAMED_N(dispute_stages), stage), "case-stage" },
		{ "Từ ngày", "Since", PQgetvalue(k, 0, 4), "case-stage-since" },
		{ "Kết quả", "Outcome", *PQgetvalue(k, 0, 5) ? named_label(r, dispute_outcomes, NAMED_N(dispute_outcomes), PQgetvalue(k, 0, 5)) : "—", "case-outcome" },
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
	if (can_act)
		edit_form(r, id, k, action);

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
	if (can_change) {
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
	if (can_change) {
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

	attachments_section(r, id, can_act, action);

	/* stage change with its date and a note; closing needs an outcome */
	if (can_change) {
		bool refill = action && strcmp(action, "stage") == 0;
		heading(r, "h2", "Chuyển giai đoạn", "Change the stage");
		html_form_begin(r, arena_printf(r->arena, "/admin/cases/%s", id), NULL);
		html_raw_trusted(b, "<input type=\"hidden\" name=\"action\" value=\"stage\"><div class=\"field\"><label for=\"f-stage\">");
		html_text(b, L(r, "Giai đoạn mới", "New stage"));
		html_raw_trusted(b, "</label>");
		named_select(r, "stage", dispute_stages, NAMED_N(dispute_stages), refill ? kv_get_or_empty(in, "stage") : stage, false);
		html_raw_trusted(b, "</div><div class=\"field\"><label for=\"f-on_date\">");
		html_text(b, L(r, "Ngày chuyển (để trống: hôm nay)", "Date of the change (empty: today)"));
		html_raw_trusted(b, "</label><input type=\"date\" id=\"f-on_date\" name=\"on_date\" value=\"");
		html_attr(b, refill ? kv_get_or_empty(in, "on_date") : "");
		html_raw_trusted(b, "\"></div><div class=\"field\"><label for=\"f-outcome\">");
		html_text(b, L(r, "Kết quả (bắt buộc khi kết thúc)", "Outcome (required to close)"));
		html_raw_trusted(b, "</label>");
		named_select(r, "outcome", dispute_outcomes, NAMED_N(dispute_outcomes), refill ? kv_get_or_empty(in, "outcome") : "", true);
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
	    "to_char(e.at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'DD/MM/YYYY HH24:MI'), coalesce(nullif(o.display_name, ''), o.username, ''), "
	    "coalesce(e.attachment_id::text, ''), coalesce(a.filename, ''), a.purged_at IS NOT NULL "
	    "FROM case_event e LEFT JOIN officer o ON o.id = e.officer_id LEFT JOIN case_attachment a ON a.id = e.attachment_id "
	    "WHERE e.case_id = $1::bigint ORDER BY e.at, e.id", 1, p);
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
			html_text(b, named_label(r, dispute_stages, NAMED_N(dispute_stages), PQgetvalue(ev, i, 1)));
			html_raw_trusted(b, " → ");
			html_text(b, named_label(r, dispute_stages, NAMED_N(dispute_stages), PQgetvalue(ev, i, 2)));
			if (*PQgetvalue(ev, i, 3))
				html_raw_trusted(b, ": ");
		} else if (strcmp(ekind, "created") == 0) {
			html_text(b, L(r, "Tạo vụ việc: ", "Created: "));
		} else if (strcmp(ekind, "totals") == 0) {
			html_text(b, L(r, "Hiệu chỉnh số liệu: ", "Totals corrected: "));
		} else if (strcmp(ekind, "link") == 0) {
			html_text(b, L(r, "Liên kết phản ánh: ", "Report linked: "));
		} else if (strcmp(ekind, "edit") == 0) {
			html_text(b, L(r, "Sửa thông tin: ", "Edited: "));
		} else if (strcmp(ekind, "attachment") == 0 && *PQgetvalue(ev, i, 7)) {
			html_text(b, L(r, "Thêm tệp: ", "File added: "));
			if (PQgetvalue(ev, i, 9)[0] == 't') {   /* deleted by the retention purge: the name only */
				html_text(b, PQgetvalue(ev, i, 8));
			} else {
				html_raw_trusted(b, "<a href=\"/admin/case-file/");
				html_url_arg(b, PQgetvalue(ev, i, 7));
				html_raw_trusted(b, "\">");
				html_text(b, PQgetvalue(ev, i, 8));
				html_raw_trusted(b, "</a>");
			}
			if (*PQgetvalue(ev, i, 3))
				html_raw_trusted(b, ": ");
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

/* Locks case `id` for a change if the officer's scope holds it: its row
 * (stage, workplace id) for the caller to PQclear, or NULL after answering
 * 404 (not in scope, or no such case) or 503. */
static PGresult *
case_locked(struct req *r, const char *id)
{
	const char *p[2] = { id, r->officer->unit_path };
	PGresult *chk = db_query(r->app->db, "SELECT k.stage, k.workplace_id, coalesce(cu.path LIKE $2 || '%', false) "
	    "FROM dispute_case k JOIN workplace w ON w.id = k.workplace_id JOIN org_unit u ON u.id = w.unit_id "
	    "LEFT JOIN org_unit cu ON cu.id = k.unit_id "
	    "WHERE k.id = $1::bigint AND u.path LIKE $2 || '%' FOR UPDATE OF k", 2, p);
	if (chk && db_ok(chk) && PQntuples(chk) == 1)
		return chk;
	http_error(r, chk ? 404 : 503, MSG__MAX);
	PQclear(chk);
	return NULL;
}

/* The Vietnamese name of a table value, for the history (kept in Vietnamese, like the dossier). */
static const char *
named_vi(const struct dispute_label *t, size_t n, const char *value)
{
	const struct dispute_label *l = dispute_find(t, n, value);
	return l ? l->vi : value;
}

/* Appends "what: «old» → «new»; " to `d` when the values differ. */
static void
diff_add(struct buf *d, const char *what, const char *old, const char *new_)
{
	if (strcmp(old, new_) == 0)
		return;
	buf_appendf(d, "%s%s: «%s» → «%s»", d->len ? "; " : "", what, *old ? old : "—", *new_ ? new_ : "—");
}

/* action=edit (case_post holds the row locked): title, kind, dispute
 * scope, discovery date, assignee and handling unit, with creation's
 * checks. A form opened before another change (its version is not the
 * row's updated_at) gets 409 and the case page with what was typed, so
 * nothing is overwritten unseen. One dated 'edit' event lists old → new;
 * the deadlines follow at once (case_deadlines() reads the row). false
 * when the request was answered here. */
static bool
case_edit(struct req *r, const char *id, const char *object)
{
	const char *p[1] = { id };
	PGresult *k = db_query(r->app->db,
	    "SELECT k.title, k.kind, k.scope, coalesce(k.violation_known_on::text, ''), coalesce(k.assignee_id::text, ''), "
	    "k.unit_id::text, (extract(epoch FROM k.updated_at) * 1000000)::bigint::text, u.path, "
	    "coalesce(nullif(o.display_name, ''), o.username, ''), coalesce(cu.name, '') "
	    "FROM dispute_case k JOIN workplace w ON w.id = k.workplace_id JOIN org_unit u ON u.id = w.unit_id "
	    "LEFT JOIN org_unit cu ON cu.id = k.unit_id LEFT JOIN officer o ON o.id = k.assignee_id "
	    "WHERE k.id = $1::bigint", 1, p);
	if (k == NULL || !db_ok(k) || PQntuples(k) != 1) {
		PQclear(k);
		http_error(r, k ? 500 : 503, MSG__MAX);
		return false;
	}
	const char *old[10];   /* the columns above, in order */
	for (int i = 0; i < 10; i++)
		old[i] = arena_strdup(r->arena, PQgetvalue(k, 0, i));
	PQclear(k);
	if (strcmp(old[6], kv_get_or_empty(&r->form, "version")) != 0) {
		case_page(r, id, 409, L(r, "Vụ việc vừa được người khác thay đổi sau khi bạn mở trang. Thông tin hiện tại ở trên; "
		    "những gì bạn gõ vẫn còn trong biểu mẫu: kiểm tra rồi bấm Lưu lần nữa.",
		    "Someone changed this case after you opened the page. The current facts are above and what you typed is still "
		    "in the form: check it and save again."), "edit");
		return false;
	}
	const char *title = posted(r, "title", 200), *kind = kv_get_or_empty(&r->form, "kind");
	const char *scope = kv_get_or_empty(&r->form, "scope"), *known = kv_get_or_empty(&r->form, "violation_known_on");
	const char *assignee = kv_get_or_empty(&r->form, "assignee"), *unit = kv_get_or_empty(&r->form, "unit");
	const char *reason = posted(r, "reason", 1000), *assignee_name = old[8], *unit_name = old[9];
	const char *problem = case_fields_problem(r, title, kind, scope, known);
	if (problem == NULL && reason == NULL)
		problem = L(r, "Lý do quá dài (tối đa 1000 ký tự).", "The reason is too long (1000 characters at most).");
	if (!*assignee)
		assignee_name = "";
	if (problem == NULL && *assignee && strcmp(assignee, old[4]) != 0 &&
	    (assignee_name = chosen_name(r, eligible_assignees(r, old[7]), assignee)) == NULL)
		problem = L(r, "Người phụ trách phải là cán bộ đang hoạt động thấy được nơi làm việc của vụ việc.",
		    "The assignee must be an active officer who can see the case's workplace.");
	if (problem == NULL && strcmp(unit, old[5]) != 0 &&
	    (unit_name = chosen_name(r, eligible_units(r, old[7]), unit)) == NULL)
		problem = L(r, "Đơn vị xử lý phải là đơn vị của nơi làm việc hoặc cấp trên của nó, trong phạm vi của bạn.",
		    "The handling unit must be the workplace's own unit or one above it, within your scope.");
	if (problem) {
		case_page(r, id, 400, problem, "edit");
		return false;
	}
	struct buf d = { 0 };
	diff_add(&d, "Tên", old[0], title);
	diff_add(&d, "Loại", named_vi(dispute_kinds, NAMED_N(dispute_kinds), old[1]), named_vi(dispute_kinds, NAMED_N(dispute_kinds), kind));
	diff_add(&d, "Tranh chấp", named_vi(dispute_scopes, NAMED_N(dispute_scopes), old[2]), named_vi(dispute_scopes, NAMED_N(dispute_scopes), scope));
	diff_add(&d, "Ngày phát hiện vi phạm", old[3], known);
	if (strcmp(old[4], assignee) != 0)
		diff_add(&d, "Phụ trách", *old[4] ? old[8] : "", *assignee ? assignee_name : "");
	if (strcmp(old[5], unit) != 0)
		diff_add(&d, "Đơn vị xử lý", old[9], unit_name);
	const char *detail = arena_strdup(r->arena, d.data ? d.data : "");
	bool failed = d.failed;
	buf_free(&d);
	if (failed) {
		http_error(r, 500, MSG__MAX);
		return false;
	}
	if (*detail == '\0')
		return true;   /* nothing changed: no event */
	const char *q[7] = { id, title, kind, scope, *known ? known : NULL, *assignee ? assignee : NULL, unit };
	const char *note = *reason ? arena_printf(r->arena, "%s. %s", detail, reason) : detail;
	const char *e[3] = { id, r->officer->id, note };
	if (!step(r, db_query(r->app->db, "UPDATE dispute_case SET title = $2, kind = $3, scope = $4, violation_known_on = $5::date, "
	    "assignee_id = $6::bigint, unit_id = $7::bigint, updated_at = now() WHERE id = $1::bigint", 7, q)) ||
	    !step(r, db_query(r->app->db, "INSERT INTO case_event (case_id, kind, officer_id, note) "
	    "VALUES ($1::bigint, 'edit', $2::bigint, $3)", 3, e)))
		return false;
	audit_officer(r, "case.edit", object, detail);
	return true;
}

/* POST /admin/cases/ID: edit, stage, link, totals, note. Each change writes a
 * case_event and an audit row, then redirects to the case; bad input is
 * 400 with the case page and the typed values. */
static void
case_post(struct req *r, const char *id)
{
	/* first: a viewer's FOR UPDATE below would find no row (sql/012) and look like 404 */
	if (r->officer->role < ROLE_OFFICER) {
		http_error(r, 403, MSG_NOT_ALLOWED_ROLE);
		return;
	}
	PGresult *chk = case_locked(r, id);
	if (chk == NULL)
		return;
	const char *old_stage = arena_strdup(r->arena, PQgetvalue(chk, 0, 0));
	const char *wid = arena_strdup(r->arena, PQgetvalue(chk, 0, 1));
	bool handled_here = PQgetvalue(chk, 0, 2)[0] == 't';
	PQclear(chk);
	const char *action = kv_get_or_empty(&r->form, "action");
	/* only notes may be added to a case a unit above handles: the rest
	 * writes the case row, which row-level security keeps to that unit */
	if (!handled_here && strcmp(action, "note") != 0) {
		case_page(r, id, 403, L(r, "Vụ việc do đơn vị cấp trên xử lý: chỉ cán bộ của đơn vị đó sửa được thông tin, "
		    "chuyển giai đoạn, liên kết phản ánh hay sửa số liệu. Bạn vẫn có thể thêm ghi chú và tài liệu.",
		    "A unit above yours handles this case: only its officers can edit it, change its stage, link reports or "
		    "correct its totals. You can still add notes and documents."), action);
		return;
	}
	const char *object = arena_printf(r->arena, "case:%s", id);
	if (strcmp(action, "stage") == 0) {
		const char *st = kv_get_or_empty(&r->form, "stage"), *on = kv_get_or_empty(&r->form, "on_date");
		const char *outcome = kv_get_or_empty(&r->form, "outcome"), *note = posted(r, "note", 4000);
		const char *problem = NULL;
		bool closing = strcmp(st, "closed") == 0;
		if (!named_valid(dispute_stages, NAMED_N(dispute_stages), st))
			problem = L(r, "Giai đoạn không hợp lệ.", "Unknown stage.");
		else if (strcmp(st, old_stage) == 0)
			problem = L(r, "Vụ việc đã ở giai đoạn này.", "The case is already at this stage.");
		else if (*on && !date_valid(on))
			problem = L(r, "Ngày chuyển không hợp lệ.", "The date of the change is not a valid date.");
		else if (closing && !named_valid(dispute_outcomes, NAMED_N(dispute_outcomes), outcome))
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
	} else if (strcmp(action, "edit") == 0) {
		if (!case_edit(r, id, object))
			return;
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
	const char *id = path_number(r, "/admin/cases/");
	if (*rest != '/' || id == NULL) {
		http_error(r, 404, MSG__MAX);
		return;
	}
	if (r->method == METHOD_POST)
		case_post(r, id);
	else
		case_page(r, id, 200, NULL, NULL);
}

/* POST /admin/case-files/ID: one document for case ID. The route is
 * ROUTE_FILES | ROUTE_OFFICER, so the session, the role and the _csrf
 * inside the multipart body were checked before this runs. The file is
 * checked by content (document.c: PDFs kept byte-exact, images stripped
 * of GPS like workers' photos), its name made fit to store, its SHA-256
 * kept; a dated 'attachment' event carries the officer's note, and an
 * audit row the hash. A case outside the officer's scope is 404; every
 * refusal the officer can fix is the case page again (400, 413) with the
 * note and date they typed. */
void
page_admin_case_upload(struct req *r)
{
	const char *id = path_number(r, "/admin/case-files/");
	if (id == NULL) {
		http_error(r, 404, MSG__MAX);
		return;
	}
	PGresult *chk = case_locked(r, id);
	if (chk == NULL)
		return;
	PQclear(chk);
	const struct mp_part *f = multipart_get(r->files, "file");
	const char *note = posted(r, "note", 4000), *on = kv_get_or_empty(&r->form, "on_date");
	const unsigned char *data = NULL;
	size_t len = 0;
	const char *mime = NULL, *problem = NULL;
	int status = 400;
	if (f == NULL || f->filename == NULL || f->len == 0) {
		problem = L(r, "Chưa chọn tệp, hoặc tệp rỗng.", "No file was chosen, or the file is empty.");
	} else if (f->filename_not_utf8) {
		problem = L(r, "Tên tệp có ký tự không đọc được (không phải UTF-8). Hãy đổi tên tệp rồi chọn lại.",
		    "The file name has characters that cannot be read (not UTF-8). Rename the file and choose it again.");
	} else if (note == NULL) {
		problem = L(r, "Ghi chú quá dài (tối đa 4000 ký tự).", "The note is too long (4000 characters at most).");
	} else if (*on && !date_valid(on)) {
		problem = L(r, "Ngày không hợp lệ.", "The date is not a valid date.");
	} else {
		switch (document_check(r->arena, (const unsigned char *)f->data, f->len, &data, &len, &mime)) {
		case DOCUMENT_OK:
			break;
		case DOCUMENT_ERR_TOO_LARGE:
			status = 413;
			problem = L(r, "Tệp quá lớn: tối đa 10 MiB. Hãy chọn tệp nhỏ hơn hoặc chia tệp.",
			    "The file is too large: 10 MiB at most. Choose a smaller file or split it.");
			break;
		case DOCUMENT_ERR_PDF:
			problem = L(r, "Tệp bắt đầu như PDF nhưng không phải PDF hợp lệ (bị cắt dở, hoặc là trang web đổi tên).",
			    "The file starts like a PDF but is not a valid one (cut short, or a web page renamed).");
			break;
		case DOCUMENT_ERR_IMAGE:
			problem = L(r, "Ảnh bị hỏng hoặc có phần không kiểm tra được. Hãy chụp hoặc xuất lại ảnh.",
			    "The image is damaged or has parts that cannot be checked. Take or export it again.");
			break;
		case DOCUMENT_ERR_NOMEM:
			http_error(r, 500, MSG__MAX);
			return;
		default:
			problem = L(r, "Chỉ nhận PDF hoặc ảnh JPEG, PNG, WebP (xét theo nội dung tệp, không theo tên).",
			    "Only PDFs and JPEG, PNG or WebP images are accepted (judged by the file's content, not its name).");
			break;
		}
	}
	if (problem) {
		case_page(r, id, status, problem, "attach");
		return;
	}
	const char *name = document_filename(r->arena, f->filename, mime);
	unsigned char sha[crypto_hash_sha256_BYTES];
	char hex[crypto_hash_sha256_BYTES * 2 + 1], size[24];
	crypto_hash_sha256(sha, data, len);
	sodium_bin2hex(hex, sizeof(hex), sha, sizeof(sha));
	snprintf(size, sizeof(size), "%zu", len);
	const char *params[7] = { id, name, mime, size, (const char *)sha, (const char *)data, r->officer->id };
	const int lengths[7] = { 0, 0, 0, 0, sizeof(sha), (int)len, 0 };
	const int binary[7] = { 0, 0, 0, 0, 1, 1, 0 };
	PGresult *ins = name ? db_run(r->app->db, STMT_CASE_ATTACHMENT_INSERT, params, lengths, binary) : NULL;
	bool ok = ins && db_ok(ins) && PQntuples(ins) == 1;
	if (!ok && ins)
		fprintf(stderr, "tiengnoi: case attachment insert: %s", PQresultErrorMessage(ins));
	const char *aid = ok ? arena_strdup(r->arena, PQgetvalue(ins, 0, 0)) : NULL;
	PQclear(ins);
	if (!ok) {
		http_error(r, ins || name == NULL ? 500 : 503, MSG__MAX);
		return;
	}
	const char *e[5] = { id, r->officer->id, note, *on ? on : NULL, aid };
	if (!step(r, db_query(r->app->db, "INSERT INTO case_event (case_id, kind, officer_id, note, on_date, attachment_id) "
	    "VALUES ($1::bigint, 'attachment', $2::bigint, $3, coalesce($4::date, (now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date), "
	    "$5::bigint)", 5, e)))
		return;
	audit_officer(r, "case.attach", arena_printf(r->arena, "case:%s", id),
	    arena_printf(r->arena, "attachment:%s sha256:%s %s", aid, hex, name));
	http_redirect(r, arena_printf(r->arena, "/admin/cases/%s#attachments", id));
}

/* GET /admin/case-file/ID: a case document, to officers whose scope holds
 * its case (404 otherwise, like a missing one), as a download with its
 * name (RFC 6266 and 8187), nosniff and a sandboxing CSP (http_download),
 * so a hostile PDF or image cannot run script on the console's origin.
 * Every download is audited: these files are a dispute's evidence. */
void
page_admin_case_file(struct req *r)
{
	const char *id = path_number(r, "/admin/case-file/");
	if (id == NULL) {
		http_error(r, 404, MSG__MAX);
		return;
	}
	const char *p[2] = { id, r->officer->unit_path };
	PGresult *res = db_query_bin(r->app->db, "SELECT a.mime, a.filename, a.data, a.case_id::text FROM case_attachment a "
	    "JOIN dispute_case k ON k.id = a.case_id JOIN workplace w ON w.id = k.workplace_id JOIN org_unit u ON u.id = w.unit_id "
	    "WHERE a.id = $1::bigint AND u.path LIKE $2 || '%'", 2, p);
	if (res == NULL || !db_ok(res) || PQntuples(res) != 1) {
		http_error(r, res ? 404 : 503, MSG__MAX);
		PQclear(res);
		return;
	}
	if (PQgetisnull(res, 0, 2)) {   /* its case closed long ago: the purge deleted the bytes (sql/020) */
		PQclear(res);
		http_error(r, 410, MSG__MAX);
		return;
	}
	const char *mime = arena_strndup(r->arena, PQgetvalue(res, 0, 0), (size_t)PQgetlength(res, 0, 0));
	const char *name = arena_strndup(r->arena, PQgetvalue(res, 0, 1), (size_t)PQgetlength(res, 0, 1));
	const char *case_id = arena_strndup(r->arena, PQgetvalue(res, 0, 3), (size_t)PQgetlength(res, 0, 3));
	http_download(r, mime, name);
	buf_append(r->out, PQgetvalue(res, 0, 2), (size_t)PQgetlength(res, 0, 2));
	PQclear(res);
	audit_officer(r, "case.download", arena_printf(r->arena, "case:%s", case_id), arena_printf(r->arena, "attachment:%s", id));
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
