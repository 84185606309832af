/* page_admin_units.c: /admin/units: the union tree in the officer's scope; an admin adds, renames, moves and merges units, every change audited. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include <libpq-fe.h>

#include "app.h"
#include "arena.h"
#include "auth.h"
#include "buf.h"
#include "console.h"
#include "db.h"
#include "fmt.h"
#include "form.h"
#include "html.h"
#include "http.h"
#include "i18n.h"
#include "org.h"
#include "page_admin.h"
#include "req.h"

/* What a redirect after a change says on the next page (?ok=). */
static const struct console_notice notices[] = {
	{ "unit.create", "Đã thêm đơn vị.", "Unit added." },
	{ "unit.update", "Đã lưu.", "Saved." },
	{ "unit.reparent", "Đã chuyển đơn vị. Quyền xem thay đổi ngay theo hệ thống tổ chức mới; mỗi phản ánh cũ vẫn giữ đơn vị khi được gửi.",
	  "Unit moved. Access follows the new tree at once; earlier reports keep the unit they were filed under." },
	{ "unit.merge", "Đã sáp nhập. Nơi làm việc và đơn vị trực thuộc của đơn vị cũ đã chuyển về đây. "
	  "Cán bộ của đơn vị cũ cần được chuyển sang đơn vị này ở trang Cán bộ.",
	  "Merged. The old unit's workplaces and sub-units now belong here. Move the old unit's officers on the Officers page." },
};

static void
notice(struct req *r)
{
	if (console_notice_open(r, "ok", notices, sizeof(notices) / sizeof(notices[0])))
		html_lit(r->out, "</p>");
}

/* ---- the tree ---- */

static void
kind_select(struct req *r, const char *value, const struct console_errs *e)
{
	const char *p[1] = { r->lang == LANG_EN ? "en" : "vi" };
	enum { K_CODE, K_NAME };
	PGresult *k = db_query(r->app->db, "SELECT code, CASE WHEN $1 = 'en' THEN name_en ELSE name_vi END FROM unit_kind "
	    "ORDER BY array_position(ARRAY['national', 'province', 'district', 'commune', 'sector', 'industrial_park', "
	    "'public', 'grassroots', 'informal'], code), code", 1, p);
	int n = k && db_ok(k) ? PQntuples(k) : 0;
	const char **values = arena_alloc(r->arena, (size_t)(n + 1) * sizeof(char *));
	const char **labels = arena_alloc(r->arena, (size_t)(n + 1) * sizeof(char *));
	for (int i = 0; i < n; i++) {
		values[i] = arena_strdup(r->arena, PQgetvalue(k, i, K_CODE));
		labels[i] = arena_strdup(r->arena, PQgetvalue(k, i, K_NAME));
	}
	PQclear(k);
	console_choice(r, "unit", "kind", L(r, "Loại đơn vị", "Kind of unit"), value && *value ? value : "grassroots", e,
	    (size_t)n, values, labels);
}

/* "Active", "Merged into X (date)" or "Ended (date)". */
static const char *
unit_status_text(struct req *r, const char *status, const char *merged_into, const char *ended)
{
	if (strcmp(status, "active") == 0)
		return L(r, "Đang hoạt động", "Active");
	if (strcmp(status, "merged") == 0)
		return arena_printf(r->arena, "%s %s (%s)", L(r, "Đã sáp nhập vào", "Merged into"),
		    *merged_into ? merged_into : L(r, "đơn vị khác", "another unit"), ended);
	return arena_printf(r->arena, "%s (%s)", L(r, "Ngừng hoạt động", "Ended"), ended);
}

/* GET /admin/units, and the create form coming back with its problems. */
static void
units_page(struct req *r, int status, const struct kvlist *v, const struct console_errs *e, const char *problem)
{
	struct buf *b = r->out;
	struct console_unit *t;
	int nt = console_units(r, &t);
	if (nt < 0) {
		console_db_failed(r, NULL, "unit tree");
		return;
	}
	buf_reset(b);
	r->status = status;
	console_begin(r, L(r, "Đơn vị", "Units"));
	console_heading(r, 1, NULL, "Đơn vị Công đoàn", "Union units");
	notice(r);
	console_alert(r, problem);
	html_lit(b, "<p class=\"hint\">");
	html_text(b, L(r, "Đơn vị của bạn và các đơn vị trực thuộc. Chuyển một đơn vị sang đơn vị cấp trên khác có hiệu lực ngay "
	    "cho quyền xem; mỗi phản ánh vẫn giữ đơn vị khi được gửi.",
	    "Your unit and the units under it. Moving a unit to another parent changes who sees it at once; "
	    "every report keeps the unit it was filed under."));
	html_lit(b, "</p><ul class=\"unit-tree\" id=\"tree\">");
	int depth = -1;
	for (int i = 0; i < nt; i++) {
		int d = t[i].depth;
		if (d > depth) {   /* depth first: one level down at a time */
			if (depth >= 0)
				html_lit(b, "<ul>");
			depth = d;
		} else {
			html_lit(b, "</li>");
			for (; depth > d; depth--)
				html_lit(b, "</ul></li>");
		}
		html_lit(b, "<li data-code=\"");
		html_attr(b, t[i].code);
		html_lit(b, "\"><a href=\"/admin/units/");
		html_url_arg(b, t[i].id);
		console_wrap(r, "\">", t[i].name, "</a> <span class=\"tag\">");
		html_text(b, t[i].code);
		console_wrap(r, "</span> · ", t[i].kind, " · ");
		html_text(b, unit_status_text(r, t[i].status, t[i].merged_into, t[i].ended));
		if (*t[i].hotline) {
			html_lit(b, " · ☎ ");
			html_text(b, t[i].hotline);
		}
		html_lit(b, " · ");
		html_text(b, arena_printf(r->arena, "%ld %s, %ld %s", t[i].workplaces, L(r, "nơi làm việc", "workplace(s)"),
		    t[i].qr, L(r, "mã QR đang dùng", "QR code(s) in use")));
	}
	if (depth >= 0)
		html_lit(b, "</li>");
	for (; depth > 0; depth--)
		html_lit(b, "</ul></li>");
	html_lit(b, "</ul>");
	if (r->officer->role >= ROLE_ADMIN) {
		console_heading(r, 2, "new", "Thêm đơn vị trực thuộc", "Add a unit");
		html_form_begin(r, "/admin/units", "unit-new");
		const char *parent = v ? kv_get_or_empty(v, "parent") : r->officer->unit_id;
		console_unit_select(r, t, nt, "unit", "parent", L(r, "Trực thuộc", "Under"), NULL, parent, NULL, false, e);
		console_input(r, "unit", "code", L(r, "Mã", "Code"), L(r, "2–40 ký tự A–Z, 0–9, _ hoặc -, ví dụ CDCS-MAY-TANPHONG",
		    "2–40 characters of A–Z, 0–9, _ or -, e.g. CDCS-MAY-TANPHONG"), v ? kv_get_or_empty(v, "code") : "", e, 40, true);
		console_input(r, "unit", "name", L(r, "Tên", "Name"), NULL, v ? kv_get_or_empty(v, "name") : "", e, 300, true);
		kind_select(r, v ? kv_get_or_empty(v, "kind") : NULL, e);
		console_input(r, "unit", "hotline", L(r, "Đường dây nóng (in trên áp phích)", "Hotline (printed on posters)"),
		    L(r, "Để trống nếu dùng đường dây nóng của đơn vị cấp trên.", "Leave empty to use the parent's hotline."),
		    v ? kv_get_or_empty(v, "hotline") : "", e, 30, false);
		console_submit(r, "btn primary", "Thêm đơn vị", "Add the unit");
	}
	console_end(r);
}

/* GET /admin/units: the tree, and for an admin the form to add a unit. */
void
page_admin_units(struct req *r)
{
	units_page(r, 200, NULL, NULL, NULL);
}

struct unit {
	const char *id, *code, *name, *kind, *status, *hotline, *path, *parent_id, *parent_name, *merged_name, *ended;
	const char *eff_hotline, *eff_unit, *workplaces, *qr;
	const char *parent_in_scope;   /* "t" or "f" */
	const char *reply_days, *eff_reply_days, *reply_from;   /* its own ("" inherits), what applies, whose */
	bool root;
};

/* Unit `id` within the officer's scope (absent and outside answer the
 * same MISSING); strings in the arena. */
static enum found
unit_load(struct req *r, const char *id, struct unit *u)
{
	enum { U_ID, U_CODE, U_NAME, U_KIND, U_STATUS, U_HOTLINE, U_PATH, U_PARENT_ID, U_PARENT_NAME, U_MERGED_NAME,
	    U_ENDED, U_EFF_HOTLINE, U_EFF_UNIT, U_WORKPLACES, U_QR, U_PARENT_IN_SCOPE, U_REPLY_DAYS, U_EFF_REPLY_DAYS,
	    U_REPLY_FROM };
	const char *p[3] = { id, r->officer->unit_path, r->lang == LANG_EN ? "en" : "vi" };
	PGresult *res = db_query(r->app->db,
	    "SELECT u.id, u.code, u.name, CASE WHEN $3 = 'en' THEN k.name_en ELSE k.name_vi END, u.status, "
	    "coalesce(u.hotline, ''), u.path, coalesce(u.parent_id::text, ''), coalesce(p.name, ''), coalesce(m.name, ''), "
	    "coalesce(to_char(u.ended_at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'DD/MM/YYYY'), ''), "
	    "coalesce(h.hotline, ''), coalesce(h.unit_name, ''), "
	    "(SELECT count(*) FROM workplace w WHERE w.unit_id = u.id), "
	    "(SELECT count(*) FROM entry_point e JOIN workplace w ON w.id = e.workplace_id JOIN org_unit wu ON wu.id = w.unit_id "
	    " WHERE wu.path LIKE u.path || '%' AND e.revoked_at IS NULL), "
	    "coalesce(p.path LIKE $2 || '%', false), coalesce(u.reply_days::text, ''), rd.days, rd.from_unit "
	    "FROM org_unit u JOIN unit_kind k ON k.code = u.kind CROSS JOIN LATERAL unit_reply_days(u.id) rd "
	    "LEFT JOIN org_unit p ON p.id = u.parent_id LEFT JOIN org_unit m ON m.id = u.merged_into "
	    "LEFT JOIN LATERAL unit_hotline(u.id) h ON true "
	    "WHERE u.id = $1::bigint AND u.path LIKE $2 || '%'", 3, p);
	const char **const f[] = {   /* in the order of the columns, U_ID .. U_REPLY_FROM */
	    &u->id, &u->code, &u->name, &u->kind, &u->status, &u->hotline, &u->path, &u->parent_id,
	    &u->parent_name, &u->merged_name, &u->ended, &u->eff_hotline, &u->eff_unit, &u->workplaces, &u->qr,
	    &u->parent_in_scope, &u->reply_days, &u->eff_reply_days, &u->reply_from };
	enum found found = db_row(res, r->arena, f, sizeof(f) / sizeof(f[0]));
	u->root = found == FOUND && strcmp(u->path, r->officer->unit_path) == 0;
	return found;
}

/* GET /admin/units/ID: the unit, and for an admin its forms; `which` names
 * the form whose posted values v and problems e come back. */
static void
unit_page(struct req *r, int status, const struct unit *u, const char *which, const struct kvlist *v,
    const struct console_errs *e, const char *problem)
{
	struct buf *b = r->out;
	bool active = strcmp(u->status, "active") == 0, admin = r->officer->role >= ROLE_ADMIN;
	struct console_unit *t = NULL;
	int nt = admin && active && !u->root ? console_units(r, &t) : 0;
	if (nt < 0) {
		console_db_failed(r, NULL, "unit tree");
		return;
	}
	console_page_back(r, status, u->name, "/admin/units", "← Đơn vị", "← Units");
	notice(r);
	console_alert(r, problem);
	html_lit(b, "<dl class=\"meta\">");
	console_meta(r, "Mã", "Code", u->code);
	console_meta(r, "Loại", "Kind", u->kind);
	console_wrap(r, "<dt>", L(r, "Trạng thái", "Status"), "</dt><dd id=\"unit-status\" data-status=\"");
	html_attr(b, u->status);
	console_wrap(r, "\">", unit_status_text(r, u->status, u->merged_name, u->ended), "</dd>");
	console_wrap(r, "<dt>", L(r, "Trực thuộc", "Under"), "</dt><dd id=\"unit-parent\">");
	if (strcmp(u->parent_in_scope, "t") == 0)
		console_link(r, arena_printf(r->arena, "/admin/units/%s", u->parent_id), u->parent_name);
	else
		html_text(b, *u->parent_name ? u->parent_name : "—");
	html_lit(b, "</dd>");
	const char *hotline = *u->hotline ? u->hotline :
	    *u->eff_hotline ? arena_printf(r->arena, "%s %s: %s", L(r, "dùng của", "that of"), u->eff_unit, u->eff_hotline) :
	    L(r, "chưa có (áp phích sẽ không có đường dây nóng)", "none (posters will show no hotline)");
	console_meta(r, "Đường dây nóng", "Hotline", hotline);
	console_meta(r, "Thời hạn trả lời phản ánh", "Time to answer a report", arena_printf(r->arena, "%s %s (%s)",
	    u->eff_reply_days, L(r, "ngày làm việc", "working days"), *u->reply_days ? L(r, "của đơn vị này", "this unit's own") :
	    *u->reply_from ? arena_printf(r->arena, "%s %s", L(r, "theo", "from"), u->reply_from) :
	    L(r, "mặc định", "the default")));
	console_meta_link(r, "Nơi làm việc trực tiếp", "Workplaces directly under it",
	    arena_printf(r->arena, "/admin/workplaces?unit=%s", u->id), u->workplaces);
	html_lit(b, "</dl>");
	if (strcmp(u->qr, "0") != 0) {
		html_lit(b, "<p><a class=\"btn\" id=\"posters\" href=\"/admin/units/");
		html_url_arg(b, u->id);
		console_wrap(r, "/posters\">", arena_printf(r->arena, "%s (%s)", L(r, "In áp phích mọi mã QR đang dùng",
		    "Print posters of every QR code in use"), u->qr), "</a></p>");
	}
	if (admin && active) {
		const char *action = arena_printf(r->arena, "/admin/units/%s", u->id);
		bool mine = which && strcmp(which, "update") == 0;
		console_heading(r, 2, NULL, "Sửa tên, đường dây nóng, thời hạn trả lời", "Edit name, hotline and reply time");
		html_form_begin(r, action, "unit-update");
		html_lit(b, "<input type=\"hidden\" name=\"action\" value=\"update\">");
		console_input(r, "update", "name", L(r, "Tên", "Name"), NULL, mine ? kv_get_or_empty(v, "name") : u->name, mine ? e : NULL, 300, true);
		console_input(r, "update", "hotline", L(r, "Đường dây nóng", "Hotline"),
		    L(r, "Để trống nếu dùng đường dây nóng của đơn vị cấp trên.", "Leave empty to use the parent's hotline."),
		    mine ? kv_get_or_empty(v, "hotline") : u->hotline, mine ? e : NULL, 30, false);
		console_input(r, "update", "reply_days", L(r, "Thời hạn trả lời phản ánh (ngày làm việc)", "Time to answer a report (working days)"),
		    L(r, "Từ 1 đến 60 ngày làm việc, tính từ ngày nhận đến lần trả lời đầu tiên. Để trống để theo đơn vị cấp trên "
		    "(mặc định 5). Số liệu thống kê đếm phản ánh được trả lời trong thời hạn này.",
		    "1 to 60 working days from arrival to the first reply. Leave empty to follow the parent (default 5). "
		    "The statistics count reports answered within it."),
		    mine ? kv_get_or_empty(v, "reply_days") : u->reply_days, mine ? e : NULL, 2, false);
		console_submit(r, "btn", "Lưu", "Save");
		if (!u->root) {
			mine = which && strcmp(which, "reparent") == 0;
			console_heading(r, 2, NULL, "Chuyển sang đơn vị cấp trên khác", "Move under another parent");
			html_form_begin(r, action, "unit-reparent");
			html_lit(b, "<input type=\"hidden\" name=\"action\" value=\"reparent\">");
			console_unit_select(r, t, nt, "reparent", "parent", L(r, "Đơn vị cấp trên mới", "New parent"),
			    L(r, "Cả cây đơn vị bên dưới cùng chuyển theo.", "The units below it move along."),
			    mine ? kv_get_or_empty(v, "parent") : u->parent_id, u->path, false, mine ? e : NULL);
			console_submit(r, "btn", "Chuyển", "Move");
			mine = which && strcmp(which, "merge") == 0;
			console_heading(r, 2, NULL, "Sáp nhập vào đơn vị khác", "Merge into another unit");
			console_hint(r, L(r, "Đơn vị này sẽ thôi hoạt động. Nơi làm việc (cùng mã QR) và các đơn vị trực thuộc chuyển sang "
			    "đơn vị nhận; các phản ánh đã gửi vẫn giữ đơn vị cũ.",
			    "This unit ends. Its workplaces (with their QR codes) and sub-units move to the receiving unit; "
			    "reports already filed keep the old unit."));
			html_form_begin(r, action, "unit-merge");
			html_lit(b, "<input type=\"hidden\" name=\"action\" value=\"merge\">");
			console_unit_select(r, t, nt, "merge", "into", L(r, "Đơn vị nhận", "Receiving unit"), NULL,
			    mine ? kv_get_or_empty(v, "into") : NULL, u->path, false, mine ? e : NULL);
			const char *cerr = mine ? console_err_of(e, "confirm") : NULL;
			console_field_begin(r, "f-merge-confirm", NULL, NULL, cerr);
			html_lit(b, "<label class=\"choice\"><input type=\"checkbox\" name=\"confirm\" value=\"1\" id=\"f-merge-confirm\" required");
			console_field_invalid(r, "f-merge-confirm", cerr);
			console_wrap(r, "> ", L(r, "Tôi hiểu việc sáp nhập không hoàn tác được từ đây", "I understand a merge cannot be undone here"),
			    "</label></div>");
			console_submit(r, "btn", "Sáp nhập", "Merge");
		}
	}
	console_end(r);
}

/* GET /admin/units/ID: one unit, and for an admin its forms. */
void
page_admin_unit(struct req *r)
{
	struct unit u;
	if (console_found(r, unit_load(r, r->id[0], &u)))
		unit_page(r, 200, &u, NULL, NULL, NULL, NULL);
}

static const char *
posted_hotline(struct req *r, const char *name, struct console_errs *e)
{
	const char *h = console_posted_line(r, name, 30, false, e);
	if (*h && !console_err_of(e, name) && !org_hotline_valid(h))
		console_err_add(e, name, org_problem_text(ORG_BAD_HOTLINE, r->lang));
	return h;
}

/* POST /admin/units (admins): a unit under one in scope. */
void
page_admin_unit_create(struct req *r)
{
	struct console_errs e = { 0 };
	const char *parent = kv_get_or_empty(&r->form, "parent"), *ppath = NULL, *pcode = NULL;
	const char *why = console_unit_pick(r, parent, &ppath, &pcode);
	if (why)
		console_err_add(&e, "parent", why);
	const char *code = console_posted_line(r, "code", 40, true, &e);
	if (!console_err_of(&e, "code") && !org_code_valid(code))
		console_err_add(&e, "code", org_problem_text(ORG_BAD_CODE, r->lang));
	if (!console_err_of(&e, "code")) {
		const char *p[1] = { code };
		PGresult *res = db_query(r->app->db, "SELECT unit_code_taken($1)", 1, p);
		if (db_scalar(res) && db_scalar(res)[0] == 't')
			console_err_add(&e, "code", L(r, "Mã này đã được dùng.", "This code is taken."));
		PQclear(res);
	}
	const char *name = console_posted_line(r, "name", 300, true, &e);
	const char *kind = kv_get_or_empty(&r->form, "kind");
	const char *kp[1] = { kind };
	PGresult *kr = db_query(r->app->db, "SELECT 1 FROM unit_kind WHERE code = $1", 1, kp);
	if (kr == NULL || !db_ok(kr) || PQntuples(kr) != 1)
		console_err_add(&e, "kind", L(r, "Hãy chọn loại đơn vị.", "Choose a kind."));
	PQclear(kr);
	const char *hotline = posted_hotline(r, "hotline", &e);
	if (e.n > 0) {
		units_page(r, 400, &r->form, &e, L(r, "Chưa thêm: hãy sửa các mục được đánh dấu.", "Not added: fix the marked fields."));
		return;
	}
	const char *p[5] = { code, name, kind, parent, hotline };
	PGresult *res = db_guarded(r->app->db, "INSERT INTO org_unit (code, name, kind, parent_id, hotline) "
	    "VALUES ($1, $2, $3, $4::bigint, nullif($5, '')) RETURNING id", 5, p);
	if (db_failed_with(res, "23505")) {
		PQclear(res);
		console_err_add(&e, "code", L(r, "Mã này đã được dùng.", "This code is taken."));
		units_page(r, 400, &r->form, &e, L(r, "Chưa thêm: hãy sửa các mục được đánh dấu.", "Not added: fix the marked fields."));
		return;
	}
	const char *id = console_new_id(r, res, "unit create");
	if (id == NULL)
		return;
	audit_officer(r, "unit.create", arena_printf(r->arena, "unit:%s", id), arena_printf(r->arena, "%s under %s", code, pcode));
	http_redirect(r, arena_printf(r->arena, "/admin/units/%s?ok=unit.create", id));
}

/* POST /admin/units/ID (admins: the route says so): update, reparent, merge. */
void
page_admin_unit_post(struct req *r)
{
	struct unit u;
	if (!console_found(r, unit_load(r, r->id[0], &u)))
		return;
	if (strcmp(u.status, "active") != 0) {
		unit_page(r, 400, &u, NULL, NULL, NULL, L(r, "Đơn vị đã sáp nhập hoặc ngừng hoạt động: không sửa được nữa.",
		    "The unit has merged or ended: it cannot be changed."));
		return;
	}
	const char *action = kv_get_or_empty(&r->form, "action");
	struct console_errs e = { 0 };
	const char *object = arena_printf(r->arena, "unit:%s", u.id);
	if (strcmp(action, "update") == 0) {
		const char *name = console_posted_line(r, "name", 300, true, &e);
		const char *hotline = posted_hotline(r, "hotline", &e);
		const char *reply_days = console_posted_line(r, "reply_days", 2, false, &e);
		if (*reply_days && !console_err_of(&e, "reply_days") && (!fmt_is_digits(reply_days, 2) || atoi(reply_days) < 1 ||
		    atoi(reply_days) > 60))
			console_err_add(&e, "reply_days", L(r, "Nhập số ngày làm việc từ 1 đến 60, hoặc để trống.",
			    "Enter a whole number of working days from 1 to 60, or leave it empty."));
		if (e.n > 0) {
			unit_page(r, 400, &u, action, &r->form, &e, L(r, "Chưa lưu: hãy sửa các mục được đánh dấu.", "Not saved: fix the marked fields."));
			return;
		}
		const char *p[5] = { u.id, name, hotline, r->officer->unit_path, reply_days };
		PGresult *res = db_guarded(r->app->db, "UPDATE org_unit SET name = $2, hotline = nullif($3, ''), "
		    "reply_days = nullif($5, '')::integer WHERE id = $1::bigint AND path LIKE $4 || '%' AND status = 'active'", 5, p);
		if (res == NULL || !db_ok(res)) {
			console_db_failed(r, res, "unit update");
			return;
		}
		PQclear(res);
		char *changed = arena_printf(r->arena, "%s%s%s%s", strcmp(name, u.name) ? "name, " : "",
		    strcmp(hotline, u.hotline) ? "hotline, " : "", strcmp(reply_days, u.reply_days) ? "reply days " : "",
		    strcmp(reply_days, u.reply_days) ? (*reply_days ? reply_days : "inherited") : "");
		size_t cn = changed ? strlen(changed) : 0;
		if (cn >= 2 && changed[cn - 2] == ',')
			changed[cn - 2] = '\0';   /* the last change named ends the list */
		audit_officer(r, "unit.update", object, changed && *changed ? changed : "no change");
		http_redirect(r, arena_printf(r->arena, "/admin/units/%s?ok=unit.update", u.id));
	} else if (strcmp(action, "reparent") == 0 || strcmp(action, "merge") == 0) {
		bool merge = strcmp(action, "merge") == 0;
		const char *field = merge ? "into" : "parent";
		const char *target = kv_get_or_empty(&r->form, field), *tpath = NULL, *tcode = NULL;
		const char *why = u.root ? L(r, "Không thể chuyển hay sáp nhập đơn vị gốc trong phạm vi của bạn.",
		    "Your own top unit cannot be moved or merged from here.") : console_unit_pick(r, target, &tpath, &tcode);
		if (why == NULL && strncmp(tpath, u.path, strlen(u.path)) == 0)
			why = merge ? L(r, "Không thể sáp nhập một đơn vị vào chính nó hoặc đơn vị cấp dưới của nó.",
			    "A unit cannot merge into itself or a unit below it.") :
			    L(r, "Không thể chuyển một đơn vị vào dưới chính nó hoặc đơn vị cấp dưới của nó.",
			    "A unit cannot go under itself or a unit below it.");
		if (why == NULL && !merge && strcmp(target, u.parent_id) == 0)
			why = L(r, "Đơn vị đã trực thuộc đơn vị này.", "The unit is already under that unit.");
		if (why)
			console_err_add(&e, field, why);
		if (merge && strcmp(kv_get_or_empty(&r->form, "confirm"), "1") != 0)
			console_err_add(&e, "confirm", L(r, "Hãy đánh dấu ô xác nhận.", "Tick the confirmation."));
		if (e.n > 0) {
			unit_page(r, 400, &u, action, &r->form, &e, L(r, "Chưa lưu: hãy sửa các mục được đánh dấu.", "Not saved: fix the marked fields."));
			return;
		}
		const char *old_parent = "";
		if (!merge && *u.parent_id) {
			const char *pp[1] = { u.parent_id };
			PGresult *pc = db_query(r->app->db, "SELECT code FROM org_unit WHERE id = $1::bigint", 1, pp);
			old_parent = db_scalar(pc) ? arena_strdup(r->arena, db_scalar(pc)) : "?";
			PQclear(pc);
		}
		if (!db_savepoint(r->app->db)) {
			http_error(r, 503, MSG__MAX);
			return;
		}
		const char *p[3] = { u.id, target, r->officer->unit_path };
		PGresult *res = NULL;
		long workplaces = 0, units = 0;
		if (!merge) {
			res = db_query(r->app->db, "UPDATE org_unit SET parent_id = $2::bigint WHERE id = $1::bigint AND path LIKE $3 || '%'", 3, p);
		} else {
			res = db_query(r->app->db, "WITH moved AS (UPDATE workplace SET unit_id = $2::bigint WHERE unit_id = $1::bigint "
			    "RETURNING 1) SELECT count(*) FROM moved", 2, p);
			if (res && db_ok(res)) {
				workplaces = atol(db_scalar(res) ? db_scalar(res) : "0");
				PQclear(res);
				res = db_query(r->app->db, "UPDATE org_unit SET parent_id = $2::bigint WHERE parent_id = $1::bigint", 2, p);
			}
			if (res && db_ok(res)) {
				units = atol(PQcmdTuples(res));
				PQclear(res);
				res = db_query(r->app->db, "UPDATE org_unit SET status = 'merged', merged_into = $2::bigint, ended_at = now() "
				    "WHERE id = $1::bigint AND status = 'active' AND path LIKE $3 || '%'", 3, p);
			}
		}
		bool ok = res && db_ok(res) && atol(PQcmdTuples(res)) == 1;
		db_savepoint_end(r->app->db, ok);
		if (!ok && (db_failed_with(res, "23514") || db_failed_with(res, "42501"))) {
			/* the tree trigger (a cycle) or row-level security (outside the scope) refused it */
			PQclear(res);
			console_err_add(&e, field, L(r, "Cơ sở dữ liệu từ chối: đơn vị không thể nằm dưới chính nó hoặc ra ngoài phạm vi của bạn.",
			    "Refused by the database: a unit cannot go under itself or outside your scope."));
			unit_page(r, 400, &u, action, &r->form, &e, L(r, "Chưa lưu: hãy sửa các mục được đánh dấu.", "Not saved: fix the marked fields."));
			return;
		}
		if (!ok) {
			console_db_failed(r, res, merge ? "unit merge" : "unit reparent");
			return;
		}
		PQclear(res);
		if (merge)
			audit_officer(r, "unit.merge", object, arena_printf(r->arena, "%s into %s; %ld workplace(s) and %ld unit(s) moved",
			    u.code, tcode, workplaces, units));
		else
			audit_officer(r, "unit.reparent", object, arena_printf(r->arena, "%s: %s -> %s", u.code, old_parent, tcode));
		http_redirect(r, merge ? arena_printf(r->arena, "/admin/units/%s?ok=unit.merge", target) :
		    arena_printf(r->arena, "/admin/units/%s?ok=unit.reparent", u.id));
	} else {
		http_error(r, 400, MSG__MAX);
	}
}
