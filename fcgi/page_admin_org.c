/* page_admin_org.c: /admin/units, /admin/workplaces, /admin/qr/: the union tree, workplaces (one by one or from CSV), QR entry points and their posters; any officer may look, an admin changes, every change audited, all within the officer's scope. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
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
#include "org.h"
#include "page_admin.h"
#include "poster.h"
#include "qr.h"
#include "req.h"
#include "text.h"
#include "token.h"

#define LIST_MAX 500          /* workplaces listed at once; a search narrows it */
#define HEADCOUNT_MAX 10000000L

/* ---- small helpers ---- */

/* The numeric id at the start of `s` ("12/poster" → "12", *tail "poster";
 * "12" → *tail NULL). NULL unless 1-18 digits end there or at a '/'. */
static const char *
path_id(struct req *r, const char *s, const char **tail)
{
	size_t n = strspn(s, "0123456789");
	if (n == 0 || n > 18 || (s[n] != '\0' && s[n] != '/'))
		return NULL;
	*tail = s[n] == '/' ? s + n + 1 : NULL;
	return arena_strndup(r->arena, s, n);
}

static bool
is_id(const char *s)
{
	size_t n = strlen(s);
	return n > 0 && n <= 18 && strspn(s, "0123456789") == n;
}

/* Changes need the admin role; anyone signed in may look. false after a 403. */
static bool
admin_only(struct req *r)
{
	if (r->officer->role >= ROLE_ADMIN)
		return true;
	http_error(r, 403, MSG_NOT_ALLOWED_ROLE);
	return false;
}

/* A database failure the officer cannot fix: logged, then 500 (so the
 * dispatcher rolls the transaction back), or 503 when the database is away. */
static void
db_failed(struct req *r, PGresult *res, const char *what)
{
	if (res)
		fprintf(stderr, "tiengnoi: %s: %s", what, PQresultErrorMessage(res));
	http_error(r, res ? 500 : 503, MSG__MAX);
	PQclear(res);
}

/* Writes inside a savepoint, so that a refused write (a code taken
 * meanwhile, the tree trigger, row-level security) leaves the request's
 * transaction usable for the page that explains it. */
static bool
savepoint(struct req *r)
{
	PGresult *res = db_query(r->app->db, "SAVEPOINT org_change", 0, NULL);
	bool ok = res && db_ok(res);
	PQclear(res);
	return ok;
}

static void
savepoint_end(struct req *r, bool keep)
{
	PQclear(keep ? db_query(r->app->db, "RELEASE SAVEPOINT org_change", 0, NULL) :
	    db_query(r->app->db, "ROLLBACK TO SAVEPOINT org_change", 0, NULL));
}

/* One statement in its own savepoint. NULL: the database is away. */
static PGresult *
guarded(struct req *r, const char *sql_literal, int n, const char *const *p)
{
	if (!savepoint(r))
		return NULL;
	PGresult *res = db_query(r->app->db, sql_literal, n, p);
	savepoint_end(r, res && db_ok(res));
	return res;
}

static bool
failed_with(PGresult *res, const char *sqlstate)
{
	return res && !db_ok(res) && strcmp(db_sqlstate(res), sqlstate) == 0;
}

/* What a redirect after a change says on the next page (?ok=). */
static const struct { const char *code, *vi, *en; } notices[] = {
	{ "unit.create", "Đã thêm đơn vị.", "Unit added." },
	{ "unit.update", "Đã lưu.", "Saved." },
	{ "unit.reparent", "Đã chuyển đơn vị. Quyền xem thay đổi ngay theo cây mới; mỗi phản ánh cũ vẫn giữ đơn vị khi được gửi.",
	  "Unit moved. Access follows the new tree at once; earlier reports keep the unit they were filed under." },
	{ "unit.merge", "Đã sáp nhập. Nơi làm việc và đơn vị trực thuộc của đơn vị cũ đã chuyển về đây. "
	  "Cán bộ của đơn vị cũ cần được chuyển sang đơn vị này ở trang Cán bộ.",
	  "Merged. The old unit's workplaces and sub-units now belong here. Move the old unit's officers on the Officers page." },
	{ "workplace.create", "Đã thêm nơi làm việc. Hãy tạo mã QR để dán tại đây.", "Workplace added. Create a QR code to post there." },
	{ "workplace.update", "Đã lưu.", "Saved." },
	{ "workplace.import", "Đã nhập các nơi làm việc:", "Workplaces imported:" },
	{ "qr.create", "Đã tạo mã QR.", "QR code created." },
	{ "qr.revoke", "Đã thu hồi mã: quét mã này giờ chỉ thấy trang \"không tìm thấy\".",
	  "Code revoked: scanning it now shows a \"not found\" page." },
	{ "qr.replace", "Đã thay mã: mã cũ không còn dùng được. Hãy in và dán áp phích mới.",
	  "Code replaced: the old one no longer works. Print and post the new poster." },
};

static void
notice(struct req *r)
{
	struct buf *b = r->out;
	const char *ok = kv_get_or_empty(&r->args, "ok"), *n = kv_get_or_empty(&r->args, "n"), *ep = kv_get_or_empty(&r->args, "ep");
	for (size_t i = 0; i < sizeof(notices) / sizeof(notices[0]); i++) {
		if (strcmp(ok, notices[i].code) != 0)
			continue;
		html_raw_trusted(b, "<p class=\"note\" role=\"status\" id=\"notice\">");
		html_text(b, L(r, notices[i].vi, notices[i].en));
		if (is_id(n)) {
			html_raw_trusted(b, " ");
			html_text(b, n);
		}
		if (is_id(ep)) {
			html_raw_trusted(b, " <a href=\"/admin/qr/");
			html_url_arg(b, ep);
			html_raw_trusted(b, "/poster\">");
			html_text(b, L(r, "In áp phích", "Print the poster"));
			html_raw_trusted(b, "</a>");
		}
		html_raw_trusted(b, "</p>");
	}
}

static void
alert(struct req *r, const char *msg)
{
	if (msg == NULL)
		return;
	html_raw_trusted(r->out, "<p class=\"alert\" role=\"alert\" id=\"problem\">");
	html_text(r->out, msg);
	html_raw_trusted(r->out, "</p>");
}

/* A heading; the tags are string literals of the caller. */
static void
heading(struct req *r, const char *open_literal, const char *vi, const char *en, const char *close_literal)
{
	html_raw_trusted(r->out, open_literal);
	html_text(r->out, L(r, vi, en));
	html_raw_trusted(r->out, close_literal);
}

static void
back_link(struct req *r, const char *href, const char *vi, const char *en)
{
	html_raw_trusted(r->out, "<p><a href=\"");
	html_attr(r->out, href);
	html_raw_trusted(r->out, "\">");
	html_text(r->out, L(r, vi, en));
	html_raw_trusted(r->out, "</a></p>");
}

/* ---- form fields: errors beside them, typed values kept ---- */

#define ERRS_MAX 16
struct errs {
	const char *field[ERRS_MAX], *msg[ERRS_MAX];
	size_t n;
};

static void
err_add(struct errs *e, const char *field, const char *msg)
{
	if (e->n < ERRS_MAX) {
		e->field[e->n] = field;
		e->msg[e->n++] = msg;
	}
}

static const char *
err_of(const struct errs *e, const char *field)
{
	for (size_t i = 0; e && i < e->n; i++)
		if (strcmp(e->field[i], field) == 0)
			return e->msg[i];
	return NULL;
}

/* id, name and, on error, the link to the message. */
static void
control_attrs(struct req *r, const char *id, const char *name, const char *error)
{
	struct buf *b = r->out;
	html_raw_trusted(b, " id=\"");
	html_attr(b, id);
	html_raw_trusted(b, "\" name=\"");
	html_attr(b, name);
	html_raw_trusted(b, "\"");
	html_field_invalid(r, id, error);
}

static void
input(struct req *r, const char *form, const char *name, const char *label, const char *hint, const char *value,
    const struct errs *e, int maxlen, bool required)
{
	struct buf *b = r->out;
	const char *id = arena_printf(r->arena, "f-%s-%s", form, name), *error = err_of(e, name);
	html_field_begin(r, id, label, hint, error);
	html_raw_trusted(b, "<input type=\"text\"");
	control_attrs(r, id, name, error);
	buf_appendf(b, " maxlength=\"%d\"%s value=\"", maxlen, required ? " required" : "");
	html_attr(b, value ? value : "");
	html_raw_trusted(b, "\">");
	html_raw_trusted(b, "</div>");
}

/* A <select> of fixed choices: values[i] shown as labels[i]. */
static void
choice(struct req *r, const char *form, const char *name, const char *label, const char *value, const struct errs *e,
    size_t n, const char *const *values, const char *const *labels)
{
	struct buf *b = r->out;
	const char *id = arena_printf(r->arena, "f-%s-%s", form, name), *error = err_of(e, name);
	html_field_begin(r, id, label, NULL, error);
	html_raw_trusted(b, "<select");
	control_attrs(r, id, name, error);
	html_raw_trusted(b, ">");
	for (size_t i = 0; i < n; i++) {
		html_raw_trusted(b, value && strcmp(value, values[i]) == 0 ? "<option selected value=\"" : "<option value=\"");
		html_attr(b, values[i]);
		html_raw_trusted(b, "\">");
		html_text(b, labels[i]);
		html_raw_trusted(b, "</option>");
	}
	html_raw_trusted(b, "</select>");
	html_raw_trusted(b, "</div>");
}

/* A form's button (its opening tag a string literal of the caller) and the form's end. */
static void
submit(struct req *r, const char *button_literal, const char *vi, const char *en)
{
	html_raw_trusted(r->out, button_literal);
	html_text(r->out, L(r, vi, en));
	html_raw_trusted(r->out, "</button></form>");
}

/* ---- the union tree ---- */

enum { T_ID, T_DEPTH, T_CODE, T_NAME, T_KIND, T_STATUS, T_HOTLINE, T_MERGED, T_ENDED, T_WORKPLACES, T_QR, T_PATH };

/* The officer's subtree in display order (depth first, siblings by name),
 * with what the tree page shows. The caller PQclears. */
static PGresult *
tree(struct req *r)
{
	const char *p[2] = { r->officer->unit_path, r->lang == LANG_EN ? "en" : "vi" };
	return db_query(r->app->db,
	    "WITH RECURSIVE t AS ("
	    " SELECT u.id, 0 AS depth, ARRAY[vn_fold(u.name), u.id::text] AS k FROM org_unit u WHERE u.path = $1"
	    " UNION ALL"
	    " SELECT c.id, t.depth + 1, t.k || ARRAY[vn_fold(c.name), c.id::text]"
	    " FROM org_unit c JOIN t ON c.parent_id = t.id WHERE c.path LIKE $1 || '%') "
	    "SELECT u.id, t.depth, u.code, u.name, CASE WHEN $2 = 'en' THEN k.name_en ELSE k.name_vi END, u.status, "
	    "coalesce(u.hotline, ''), coalesce(m.name, ''), "
	    "coalesce(to_char(u.ended_at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'DD/MM/YYYY'), ''), "
	    "(SELECT count(*) FROM workplace w WHERE w.unit_id = u.id), "
	    "(SELECT count(*) FROM entry_point e JOIN workplace w ON w.id = e.workplace_id "
	    " WHERE w.unit_id = u.id AND e.revoked_at IS NULL), u.path "
	    "FROM t JOIN org_unit u ON u.id = t.id JOIN unit_kind k ON k.code = u.kind "
	    "LEFT JOIN org_unit m ON m.id = u.merged_into "
	    "WHERE u.path LIKE $1 || '%' ORDER BY t.k", 2, p);
}

/* A <select> of the active units in scope, indented by depth, leaving out
 * the subtree at exclude_path (a unit cannot go under itself). */
static void
unit_select(struct req *r, PGresult *t, const char *form, const char *name, const char *label, const char *hint,
    const char *selected, const char *exclude_path, bool any, const struct errs *e)
{
	struct buf *b = r->out;
	const char *id = arena_printf(r->arena, "f-%s-%s", form, name), *error = err_of(e, name);
	html_field_begin(r, id, label, hint, error);
	html_raw_trusted(b, "<select");
	control_attrs(r, id, name, error);
	html_raw_trusted(b, any ? "><option value=\"\">—</option>" : " required><option value=\"\">—</option>");
	for (int i = 0; i < PQntuples(t); i++) {
		if (strcmp(PQgetvalue(t, i, T_STATUS), "active") != 0)
			continue;
		if (exclude_path && strncmp(PQgetvalue(t, i, T_PATH), exclude_path, strlen(exclude_path)) == 0)
			continue;
		html_raw_trusted(b, selected && strcmp(selected, PQgetvalue(t, i, T_ID)) == 0 ? "<option selected value=\"" : "<option value=\"");
		html_attr(b, PQgetvalue(t, i, T_ID));
		html_raw_trusted(b, "\">");
		for (int d = atoi(PQgetvalue(t, i, T_DEPTH)); d > 0; d--)
			html_raw_trusted(b, "\xc2\xa0\xc2\xa0\xc2\xa0");
		html_text(b, PQgetvalue(t, i, T_NAME));
		html_raw_trusted(b, " (");
		html_text(b, PQgetvalue(t, i, T_CODE));
		html_raw_trusted(b, ")</option>");
	}
	html_raw_trusted(b, "</select>");
	html_raw_trusted(b, "</div>");
}

static void
kind_select(struct req *r, const char *value, const struct errs *e)
{
	const char *p[1] = { r->lang == LANG_EN ? "en" : "vi" };
	PGresult *k = db_query(r->app->db, "SELECT code, CASE WHEN $1 = 'en' THEN name_en ELSE name_vi END FROM unit_kind "
	    "ORDER BY array_position(ARRAY['national', 'province', 'district', 'commune', 'sector', 'industrial_park', "
	    "'public', 'grassroots', 'informal'], code), code", 1, p);
	int n = k && db_ok(k) ? PQntuples(k) : 0;
	const char **values = arena_alloc(r->arena, (size_t)(n + 1) * sizeof(char *));
	const char **labels = arena_alloc(r->arena, (size_t)(n + 1) * sizeof(char *));
	for (int i = 0; i < n; i++) {
		values[i] = arena_strdup(r->arena, PQgetvalue(k, i, 0));
		labels[i] = arena_strdup(r->arena, PQgetvalue(k, i, 1));
	}
	PQclear(k);
	choice(r, "unit", "kind", L(r, "Loại đơn vị", "Kind of unit"), value && *value ? value : "grassroots", e,
	    (size_t)n, values, labels);
}

static const char *
unit_status_text(struct req *r, PGresult *t, int i, int status_col, int merged_col, int ended_col)
{
	const char *st = PQgetvalue(t, i, status_col);
	if (strcmp(st, "active") == 0)
		return L(r, "Đang hoạt động", "Active");
	if (strcmp(st, "merged") == 0)
		return arena_printf(r->arena, "%s %s (%s)", L(r, "Đã sáp nhập vào", "Merged into"),
		    *PQgetvalue(t, i, merged_col) ? PQgetvalue(t, i, merged_col) : L(r, "đơn vị khác", "another unit"),
		    PQgetvalue(t, i, ended_col));
	return arena_printf(r->arena, "%s (%s)", L(r, "Ngừng hoạt động", "Ended"), PQgetvalue(t, i, ended_col));
}

/* GET /admin/units, and the create form coming back with its problems. */
static void
units_page(struct req *r, int status, const struct kvlist *v, const struct errs *e, const char *problem)
{
	struct buf *b = r->out;
	PGresult *t = tree(r);
	if (t == NULL || !db_ok(t)) {
		db_failed(r, t, "unit tree");
		return;
	}
	buf_reset(b);
	r->status = status;
	html_admin_begin(r, L(r, "Đơn vị", "Units"));
	heading(r, "<h1>", "Đơn vị công đoàn", "Union units", "</h1>");
	notice(r);
	alert(r, problem);
	html_raw_trusted(b, "<p class=\"hint\">");
	html_text(b, L(r, "Đơn vị của bạn và các đơn vị trực thuộc. Chuyển một đơn vị sang đơn vị cấp trên khác có hiệu lực ngay "
	    "cho quyền xem; mỗi phản ánh vẫn giữ đơn vị khi được gửi.",
	    "Your unit and the units under it. Moving a unit to another parent changes who sees it at once; "
	    "every report keeps the unit it was filed under."));
	html_raw_trusted(b, "</p><ul class=\"unit-tree\" id=\"tree\">");
	int depth = -1;
	for (int i = 0; i < PQntuples(t); i++) {
		int d = atoi(PQgetvalue(t, i, T_DEPTH));
		if (d > depth) {   /* depth first: one level down at a time */
			if (depth >= 0)
				html_raw_trusted(b, "<ul>");
			depth = d;
		} else {
			html_raw_trusted(b, "</li>");
			for (; depth > d; depth--)
				html_raw_trusted(b, "</ul></li>");
		}
		html_raw_trusted(b, "<li data-code=\"");
		html_attr(b, PQgetvalue(t, i, T_CODE));
		html_raw_trusted(b, "\"><a href=\"/admin/units/");
		html_url_arg(b, PQgetvalue(t, i, T_ID));
		html_raw_trusted(b, "\">");
		html_text(b, PQgetvalue(t, i, T_NAME));
		html_raw_trusted(b, "</a> <span class=\"tag\">");
		html_text(b, PQgetvalue(t, i, T_CODE));
		html_raw_trusted(b, "</span> · ");
		html_text(b, PQgetvalue(t, i, T_KIND));
		html_raw_trusted(b, " · ");
		html_text(b, unit_status_text(r, t, i, T_STATUS, T_MERGED, T_ENDED));
		if (*PQgetvalue(t, i, T_HOTLINE)) {
			html_raw_trusted(b, " · ☎ ");
			html_text(b, PQgetvalue(t, i, T_HOTLINE));
		}
		html_raw_trusted(b, " · ");
		html_text(b, arena_printf(r->arena, "%s %s, %s %s", PQgetvalue(t, i, T_WORKPLACES), L(r, "nơi làm việc", "workplace(s)"),
		    PQgetvalue(t, i, T_QR), L(r, "mã QR đang dùng", "QR code(s) in use")));
	}
	if (depth >= 0)
		html_raw_trusted(b, "</li>");
	for (; depth > 0; depth--)
		html_raw_trusted(b, "</ul></li>");
	html_raw_trusted(b, "</ul>");
	if (r->officer->role >= ROLE_ADMIN) {
		heading(r, "<h2 id=\"new\">", "Thêm đơn vị trực thuộc", "Add a unit", "</h2>");
		html_form_begin(r, "/admin/units", "unit-new");
		const char *parent = v ? kv_get_or_empty(v, "parent") : r->officer->unit_id;
		unit_select(r, t, "unit", "parent", L(r, "Trực thuộc", "Under"), NULL, parent, NULL, false, e);
		input(r, "unit", "code", L(r, "Mã", "Code"), L(r, "2–40 ký tự A–Z, 0–9, _ hoặc -, ví dụ CDCS-MAY-TANPHONG",
		    "2–40 characters of A–Z, 0–9, _ or -, e.g. CDCS-MAY-TANPHONG"), v ? kv_get_or_empty(v, "code") : "", e, 40, true);
		input(r, "unit", "name", L(r, "Tên", "Name"), NULL, v ? kv_get_or_empty(v, "name") : "", e, 300, true);
		kind_select(r, v ? kv_get_or_empty(v, "kind") : NULL, e);
		input(r, "unit", "hotline", L(r, "Đường dây nóng (in trên áp phích)", "Hotline (printed on posters)"),
		    L(r, "Để trống nếu dùng đường dây nóng của đơn vị cấp trên.", "Leave empty to use the parent's hotline."),
		    v ? kv_get_or_empty(v, "hotline") : "", e, 30, false);
		submit(r, "<button type=\"submit\" class=\"btn primary\">", "Thêm đơn vị", "Add the unit");
	}
	PQclear(t);
	html_admin_end(r);
}

/* One unit as its page and its actions need it; strings in the arena. */
struct unit {
	const char *id, *code, *name, *kind, *status, *hotline, *path, *parent_id, *parent_name, *merged_name, *ended;
	const char *eff_hotline, *eff_unit, *workplaces, *qr;
	bool parent_in_scope, root;
};

/* 1 found within the scope, 0 not (absent or outside: the same), -1 database failure. */
static int
unit_load(struct req *r, const char *id, struct unit *u)
{
	const char *p[3] = { id, r->officer->unit_path, r->lang == LANG_EN ? "en" : "vi" };
	PGresult *res = db_query(r->app->db,
	    "SELECT u.id, u.code, u.name, CASE WHEN $3 = 'en' THEN k.name_en ELSE k.name_vi END, u.status, "
	    "coalesce(u.hotline, ''), u.path, coalesce(u.parent_id::text, ''), coalesce(p.name, ''), coalesce(m.name, ''), "
	    "coalesce(to_char(u.ended_at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'DD/MM/YYYY'), ''), "
	    "coalesce(h.hotline, ''), coalesce(h.unit_name, ''), "
	    "(SELECT count(*) FROM workplace w WHERE w.unit_id = u.id), "
	    "(SELECT count(*) FROM entry_point e JOIN workplace w ON w.id = e.workplace_id JOIN org_unit wu ON wu.id = w.unit_id "
	    " WHERE wu.path LIKE u.path || '%' AND e.revoked_at IS NULL), "
	    "coalesce(p.path LIKE $2 || '%', false) "
	    "FROM org_unit u JOIN unit_kind k ON k.code = u.kind "
	    "LEFT JOIN org_unit p ON p.id = u.parent_id LEFT JOIN org_unit m ON m.id = u.merged_into "
	    "LEFT JOIN LATERAL unit_hotline(u.id) h ON true "
	    "WHERE u.id = $1::bigint AND u.path LIKE $2 || '%'", 3, p);
	if (res == NULL || !db_ok(res)) {
		PQclear(res);
		return -1;
	}
	if (PQntuples(res) != 1) {
		PQclear(res);
		return 0;
	}
	const char **f[] = { &u->id, &u->code, &u->name, &u->kind, &u->status, &u->hotline, &u->path, &u->parent_id,
	    &u->parent_name, &u->merged_name, &u->ended, &u->eff_hotline, &u->eff_unit, &u->workplaces, &u->qr };
	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		*f[i] = arena_strdup(r->arena, PQgetvalue(res, 0, (int)i));
	u->parent_in_scope = PQgetvalue(res, 0, 15)[0] == 't';
	u->root = strcmp(u->path, r->officer->unit_path) == 0;
	PQclear(res);
	return 1;
}

static void
meta(struct req *r, const char *vi, const char *en, const char *value)
{
	html_raw_trusted(r->out, "<dt>");
	html_text(r->out, L(r, vi, en));
	html_raw_trusted(r->out, "</dt><dd>");
	html_text(r->out, value);
	html_raw_trusted(r->out, "</dd>");
}

/* GET /admin/units/ID: the unit, and for an admin its forms; `which` names
 * the form whose posted values v and problems e come back. */
static void
unit_page(struct req *r, int status, const struct unit *u, const char *which, const struct kvlist *v,
    const struct errs *e, const char *problem)
{
	struct buf *b = r->out;
	bool active = strcmp(u->status, "active") == 0, admin = r->officer->role >= ROLE_ADMIN;
	PGresult *t = admin && active && !u->root ? tree(r) : NULL;
	if (admin && active && !u->root && (t == NULL || !db_ok(t))) {
		db_failed(r, t, "unit tree");
		return;
	}
	buf_reset(b);
	r->status = status;
	html_admin_begin(r, u->name);
	back_link(r, "/admin/units", "← Đơn vị", "← Units");
	html_raw_trusted(b, "<h1>");
	html_text(b, u->name);
	html_raw_trusted(b, "</h1>");
	notice(r);
	alert(r, problem);
	html_raw_trusted(b, "<dl class=\"meta\">");
	meta(r, "Mã", "Code", u->code);
	meta(r, "Loại", "Kind", u->kind);
	html_raw_trusted(b, "<dt>");
	html_text(b, L(r, "Trạng thái", "Status"));
	html_raw_trusted(b, "</dt><dd id=\"unit-status\" data-status=\"");
	html_attr(b, u->status);
	html_raw_trusted(b, "\">");
	html_text(b, active ? L(r, "Đang hoạt động", "Active") : strcmp(u->status, "merged") == 0 ?
	    arena_printf(r->arena, "%s %s (%s)", L(r, "Đã sáp nhập vào", "Merged into"),
	    *u->merged_name ? u->merged_name : L(r, "đơn vị khác", "another unit"), u->ended) :
	    arena_printf(r->arena, "%s (%s)", L(r, "Ngừng hoạt động", "Ended"), u->ended));
	html_raw_trusted(b, "</dd><dt>");
	html_text(b, L(r, "Trực thuộc", "Under"));
	html_raw_trusted(b, "</dt><dd id=\"unit-parent\">");
	if (u->parent_in_scope) {
		html_raw_trusted(b, "<a href=\"/admin/units/");
		html_url_arg(b, u->parent_id);
		html_raw_trusted(b, "\">");
		html_text(b, u->parent_name);
		html_raw_trusted(b, "</a>");
	} else {
		html_text(b, *u->parent_name ? u->parent_name : "—");
	}
	html_raw_trusted(b, "</dd><dt>");
	html_text(b, L(r, "Đường dây nóng", "Hotline"));
	html_raw_trusted(b, "</dt><dd>");
	if (*u->hotline)
		html_text(b, u->hotline);
	else if (*u->eff_hotline)
		html_text(b, arena_printf(r->arena, "%s %s: %s", L(r, "dùng của", "that of"), u->eff_unit, u->eff_hotline));
	else
		html_text(b, L(r, "chưa có (áp phích sẽ không có đường dây nóng)", "none (posters will show no hotline)"));
	html_raw_trusted(b, "</dd><dt>");
	html_text(b, L(r, "Nơi làm việc trực tiếp", "Workplaces directly under it"));
	html_raw_trusted(b, "</dt><dd><a href=\"/admin/workplaces?unit=");
	html_url_arg(b, u->id);
	html_raw_trusted(b, "\">");
	html_text(b, u->workplaces);
	html_raw_trusted(b, "</a></dd></dl>");
	if (strcmp(u->qr, "0") != 0) {
		html_raw_trusted(b, "<p><a class=\"btn\" id=\"posters\" href=\"/admin/units/");
		html_url_arg(b, u->id);
		html_raw_trusted(b, "/posters\">");
		html_text(b, arena_printf(r->arena, "%s (%s)", L(r, "In áp phích mọi mã QR đang dùng", "Print posters of every QR code in use"), u->qr));
		html_raw_trusted(b, "</a></p>");
	}
	if (admin && active) {
		const char *action = arena_printf(r->arena, "/admin/units/%s", u->id);
		bool mine = which && strcmp(which, "update") == 0;
		heading(r, "<h2>", "Sửa tên, đường dây nóng", "Edit name and hotline", "</h2>");
		html_form_begin(r, action, "unit-update");
		html_raw_trusted(b, "<input type=\"hidden\" name=\"action\" value=\"update\">");
		input(r, "update", "name", L(r, "Tên", "Name"), NULL, mine ? kv_get_or_empty(v, "name") : u->name, mine ? e : NULL, 300, true);
		input(r, "update", "hotline", L(r, "Đường dây nóng", "Hotline"),
		    L(r, "Để trống nếu dùng đường dây nóng của đơn vị cấp trên.", "Leave empty to use the parent's hotline."),
		    mine ? kv_get_or_empty(v, "hotline") : u->hotline, mine ? e : NULL, 30, false);
		submit(r, "<button type=\"submit\" class=\"btn\">", "Lưu", "Save");
		if (!u->root) {
			mine = which && strcmp(which, "reparent") == 0;
			heading(r, "<h2>", "Chuyển sang đơn vị cấp trên khác", "Move under another parent", "</h2>");
			html_form_begin(r, action, "unit-reparent");
			html_raw_trusted(b, "<input type=\"hidden\" name=\"action\" value=\"reparent\">");
			unit_select(r, t, "reparent", "parent", L(r, "Đơn vị cấp trên mới", "New parent"),
			    L(r, "Cả cây đơn vị bên dưới cùng chuyển theo.", "The units below it move along."),
			    mine ? kv_get_or_empty(v, "parent") : u->parent_id, u->path, false, mine ? e : NULL);
			submit(r, "<button type=\"submit\" class=\"btn\">", "Chuyển", "Move");
			mine = which && strcmp(which, "merge") == 0;
			heading(r, "<h2>", "Sáp nhập vào đơn vị khác", "Merge into another unit", "</h2>");
			html_raw_trusted(b, "<p class=\"hint\">");
			html_text(b, L(r, "Đơn vị này sẽ thôi hoạt động. Nơi làm việc (cùng mã QR) và các đơn vị trực thuộc chuyển sang "
			    "đơn vị nhận; các phản ánh đã gửi vẫn giữ đơn vị cũ.",
			    "This unit ends. Its workplaces (with their QR codes) and sub-units move to the receiving unit; "
			    "reports already filed keep the old unit."));
			html_raw_trusted(b, "</p>");
			html_form_begin(r, action, "unit-merge");
			html_raw_trusted(b, "<input type=\"hidden\" name=\"action\" value=\"merge\">");
			unit_select(r, t, "merge", "into", L(r, "Đơn vị nhận", "Receiving unit"), NULL,
			    mine ? kv_get_or_empty(v, "into") : NULL, u->path, false, mine ? e : NULL);
			const char *cerr = mine ? err_of(e, "confirm") : NULL;
			html_field_begin(r, "f-merge-confirm", NULL, NULL, cerr);
			html_raw_trusted(b, "<label class=\"choice\"><input type=\"checkbox\" name=\"confirm\" value=\"1\" id=\"f-merge-confirm\" required");
			html_field_invalid(r, "f-merge-confirm", cerr);
			html_raw_trusted(b, "> ");
			html_text(b, L(r, "Tôi hiểu việc sáp nhập không hoàn tác được từ đây", "I understand a merge cannot be undone here"));
			html_raw_trusted(b, "</label></div>");
			submit(r, "<button type=\"submit\" class=\"btn\">", "Sáp nhập", "Merge");
		}
	}
	PQclear(t);
	html_admin_end(r);
}

/* A unit a form names (parent, receiving unit): active and within the
 * scope, else the message to show beside the field. */
static const char *
target_unit(struct req *r, const char *id, const char **path, const char **code)
{
	if (!is_id(id))
		return L(r, "Hãy chọn một đơn vị.", "Choose a unit.");
	const char *p[2] = { id, r->officer->unit_path };
	PGresult *res = db_query(r->app->db, "SELECT path, status, code FROM org_unit WHERE id = $1::bigint AND path LIKE $2 || '%'", 2, p);
	if (res == NULL || !db_ok(res) || PQntuples(res) != 1) {
		PQclear(res);
		return L(r, "Không có đơn vị này trong phạm vi của bạn.", "No such unit within your scope.");
	}
	bool active = strcmp(PQgetvalue(res, 0, 1), "active") == 0;
	*path = arena_strdup(r->arena, PQgetvalue(res, 0, 0));
	*code = arena_strdup(r->arena, PQgetvalue(res, 0, 2));
	PQclear(res);
	return active ? NULL : L(r, "Đơn vị này đã sáp nhập hoặc ngừng hoạt động.", "That unit has merged or ended.");
}

/* The posted text field `name`, checked as one line of at most max
 * characters; a problem goes into e. */
static const char *
posted_line(struct req *r, const char *name, size_t max, bool required, struct errs *e)
{
	const char *out;
	enum org_problem p = org_text(r->arena, kv_get_or_empty(&r->form, name), max, &out);
	if (p == ORG_NAME_LONG)
		err_add(e, name, arena_printf(r->arena, "%s (%zu)", L(r, "Quá dài: tối đa số ký tự", "Too long: at most characters"), max));
	else if (p != ORG_OK)
		err_add(e, name, org_problem_text(p, r->lang));
	else if (required && *out == '\0')
		err_add(e, name, L(r, "Không được để trống.", "Required."));
	return out;
}

static const char *
posted_hotline(struct req *r, const char *name, struct errs *e)
{
	const char *h = posted_line(r, name, 30, false, e);
	if (*h && !err_of(e, name) && !org_hotline_valid(h))
		err_add(e, name, org_problem_text(ORG_BAD_HOTLINE, r->lang));
	return h;
}

/* POST /admin/units: a unit under one in scope. */
static void
unit_create(struct req *r)
{
	struct errs e = { 0 };
	const char *parent = kv_get_or_empty(&r->form, "parent"), *ppath = NULL, *pcode = NULL;
	const char *why = target_unit(r, parent, &ppath, &pcode);
	if (why)
		err_add(&e, "parent", why);
	const char *code = posted_line(r, "code", 40, true, &e);
	if (!err_of(&e, "code") && !org_code_valid(code))
		err_add(&e, "code", org_problem_text(ORG_BAD_CODE, r->lang));
	if (!err_of(&e, "code")) {
		const char *p[1] = { code };
		PGresult *res = db_query(r->app->db, "SELECT unit_code_taken($1)", 1, p);
		if (res && db_ok(res) && PQgetvalue(res, 0, 0)[0] == 't')
			err_add(&e, "code", L(r, "Mã này đã được dùng.", "This code is taken."));
		PQclear(res);
	}
	const char *name = posted_line(r, "name", 300, true, &e);
	const char *kind = kv_get_or_empty(&r->form, "kind");
	const char *kp[1] = { kind };
	PGresult *kr = db_query(r->app->db, "SELECT 1 FROM unit_kind WHERE code = $1", 1, kp);
	if (kr == NULL || !db_ok(kr) || PQntuples(kr) != 1)
		err_add(&e, "kind", L(r, "Hãy chọn loại đơn vị.", "Choose a kind."));
	PQclear(kr);
	const char *hotline = posted_hotline(r, "hotline", &e);
	if (e.n > 0) {
		units_page(r, 400, &r->form, &e, L(r, "Chưa thêm: hãy sửa các mục được đánh dấu.", "Not added: fix the marked fields."));
		return;
	}
	const char *p[5] = { code, name, kind, parent, hotline };
	PGresult *res = guarded(r, "INSERT INTO org_unit (code, name, kind, parent_id, hotline) "
	    "VALUES ($1, $2, $3, $4::bigint, nullif($5, '')) RETURNING id", 5, p);
	if (failed_with(res, "23505")) {
		PQclear(res);
		err_add(&e, "code", L(r, "Mã này đã được dùng.", "This code is taken."));
		units_page(r, 400, &r->form, &e, L(r, "Chưa thêm: hãy sửa các mục được đánh dấu.", "Not added: fix the marked fields."));
		return;
	}
	const char *id = res && db_ok(res) && PQntuples(res) == 1 ? arena_strdup(r->arena, PQgetvalue(res, 0, 0)) : NULL;
	if (id == NULL) {
		db_failed(r, res, "unit create");
		return;
	}
	PQclear(res);
	audit_officer(r, "unit.create", arena_printf(r->arena, "unit:%s", id), arena_printf(r->arena, "%s under %s", code, pcode));
	http_redirect(r, arena_printf(r->arena, "/admin/units/%s?ok=unit.create", id));
}

static const char *
not_saved(struct req *r)
{
	return L(r, "Chưa lưu: hãy sửa các mục được đánh dấu.", "Not saved: fix the marked fields.");
}

/* POST /admin/units/ID: update, reparent, merge. */
static void
unit_post(struct req *r, const char *id)
{
	struct unit u;
	int found = unit_load(r, id, &u);
	if (found <= 0) {
		http_error(r, found < 0 ? 503 : 404, MSG__MAX);
		return;
	}
	if (!admin_only(r))
		return;
	const char *action = kv_get_or_empty(&r->form, "action");
	struct errs e = { 0 };
	if (strcmp(u.status, "active") != 0) {
		unit_page(r, 400, &u, NULL, NULL, NULL, L(r, "Đơn vị đã sáp nhập hoặc ngừng hoạt động: không sửa được nữa.",
		    "The unit has merged or ended: it cannot be changed."));
		return;
	}
	const char *object = arena_printf(r->arena, "unit:%s", u.id);
	if (strcmp(action, "update") == 0) {
		const char *name = posted_line(r, "name", 300, true, &e);
		const char *hotline = posted_hotline(r, "hotline", &e);
		if (e.n > 0) {
			unit_page(r, 400, &u, action, &r->form, &e, not_saved(r));
			return;
		}
		const char *p[4] = { u.id, name, hotline, r->officer->unit_path };
		PGresult *res = guarded(r, "UPDATE org_unit SET name = $2, hotline = nullif($3, '') "
		    "WHERE id = $1::bigint AND path LIKE $4 || '%' AND status = 'active'", 4, p);
		if (res == NULL || !db_ok(res)) {
			db_failed(r, res, "unit update");
			return;
		}
		PQclear(res);
		const char *changed = arena_printf(r->arena, "%s%s%s", strcmp(name, u.name) ? "name" : "",
		    strcmp(name, u.name) && strcmp(hotline, u.hotline) ? ", " : "", strcmp(hotline, u.hotline) ? "hotline" : "");
		audit_officer(r, "unit.update", object, *changed ? changed : "no change");
		http_redirect(r, arena_printf(r->arena, "/admin/units/%s?ok=unit.update", u.id));
	} else if (strcmp(action, "reparent") == 0 || strcmp(action, "merge") == 0) {
		bool merge = strcmp(action, "merge") == 0;
		const char *field = merge ? "into" : "parent";
		const char *target = kv_get_or_empty(&r->form, field), *tpath = NULL, *tcode = NULL;
		const char *why = u.root ? L(r, "Không thể chuyển hay sáp nhập đơn vị gốc trong phạm vi của bạn.",
		    "Your own top unit cannot be moved or merged from here.") : target_unit(r, target, &tpath, &tcode);
		if (why == NULL && strncmp(tpath, u.path, strlen(u.path)) == 0)
			why = merge ? L(r, "Không thể sáp nhập một đơn vị vào chính nó hoặc đơn vị cấp dưới của nó.",
			    "A unit cannot merge into itself or a unit below it.") :
			    L(r, "Không thể chuyển một đơn vị vào dưới chính nó hoặc đơn vị cấp dưới của nó.",
			    "A unit cannot go under itself or a unit below it.");
		if (why == NULL && !merge && strcmp(target, u.parent_id) == 0)
			why = L(r, "Đơn vị đã trực thuộc đơn vị này.", "The unit is already under that unit.");
		if (why)
			err_add(&e, field, why);
		if (merge && strcmp(kv_get_or_empty(&r->form, "confirm"), "1") != 0)
			err_add(&e, "confirm", L(r, "Hãy đánh dấu ô xác nhận.", "Tick the confirmation."));
		if (e.n > 0) {
			unit_page(r, 400, &u, action, &r->form, &e, not_saved(r));
			return;
		}
		const char *old_parent = "";
		if (!merge && *u.parent_id) {
			const char *pp[1] = { u.parent_id };
			PGresult *pc = db_query(r->app->db, "SELECT code FROM org_unit WHERE id = $1::bigint", 1, pp);
			old_parent = pc && db_ok(pc) && PQntuples(pc) == 1 ? arena_strdup(r->arena, PQgetvalue(pc, 0, 0)) : "?";
			PQclear(pc);
		}
		if (!savepoint(r)) {
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
				workplaces = atol(PQgetvalue(res, 0, 0));
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
		savepoint_end(r, ok);
		if (!ok && (failed_with(res, "23514") || failed_with(res, "42501"))) {
			/* the tree trigger (a cycle) or row-level security (outside the scope) refused it */
			PQclear(res);
			err_add(&e, field, L(r, "Cơ sở dữ liệu từ chối: đơn vị không thể nằm dưới chính nó hoặc ra ngoài phạm vi của bạn.",
			    "Refused by the database: a unit cannot go under itself or outside your scope."));
			unit_page(r, 400, &u, action, &r->form, &e, not_saved(r));
			return;
		}
		if (!ok) {
			db_failed(r, res, merge ? "unit merge" : "unit reparent");
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

/* GET /admin/units/ID/posters: every active QR code under the unit. */
static void
unit_posters(struct req *r, const char *id)
{
	struct unit u;
	int found = unit_load(r, id, &u);
	if (found <= 0) {
		http_error(r, found < 0 ? 503 : 404, MSG__MAX);
		return;
	}
	struct poster_opts o = { r->app->base_url, r->app->forms, r->officer->unit_path, NULL, u.id, "/static/" STATIC_VERSION "/poster.css",
	    arena_printf(r->arena, "/admin/units/%s", u.id) };
	buf_reset(r->out);
	long n = poster_document(r->out, r->arena, r->app->db, &o);
	if (n < 0) {
		http_error(r, 500, MSG__MAX);
		return;
	}
	if (n == 0) {
		r->status = 200;
		html_admin_begin(r, u.name);
		back_link(r, arena_printf(r->arena, "/admin/units/%s", u.id), "← Đơn vị", "← Unit");
		heading(r, "<h1>", "Không có mã QR nào đang dùng", "No QR code in use", "</h1>");
		html_raw_trusted(r->out, "<p>");
		html_text(r->out, L(r, "Chưa có mã QR nào đang dùng ở các nơi làm việc thuộc đơn vị này.",
		    "No workplace under this unit has a QR code in use."));
		html_raw_trusted(r->out, "</p>");
		html_admin_end(r);
	}
}

/* /admin/units, /admin/units/ID, /admin/units/ID/posters */
void
page_admin_units(struct req *r)
{
	const char *rest = r->path + strlen("/admin/units"), *tail = NULL, *id = NULL;
	if (*rest == '\0') {
		if (r->method != METHOD_POST)
			units_page(r, 200, NULL, NULL, NULL);
		else if (admin_only(r))
			unit_create(r);
		return;
	}
	if (*rest != '/' || (id = path_id(r, rest + 1, &tail)) == NULL) {
		http_error(r, 404, MSG__MAX);
		return;
	}
	if (tail == NULL) {
		if (r->method == METHOD_POST) {
			unit_post(r, id);
			return;
		}
		struct unit u;
		int found = unit_load(r, id, &u);
		if (found <= 0)
			http_error(r, found < 0 ? 503 : 404, MSG__MAX);
		else
			unit_page(r, 200, &u, NULL, NULL, NULL, NULL);
	} else if (strcmp(tail, "posters") == 0) {
		if (r->method == METHOD_POST)
			http_error(r, 405, MSG__MAX);
		else
			unit_posters(r, id);
	} else {
		http_error(r, 404, MSG__MAX);
	}
}

/* ---- workplaces ---- */

static const char *const ownership_values[] = { "", "state", "non_state", "fdi" };

static const char *
ownership_name(struct req *r, const char *v)
{
	if (strcmp(v, "state") == 0)
		return L(r, "Nhà nước", "State");
	if (strcmp(v, "non_state") == 0)
		return L(r, "Ngoài nhà nước", "Non-state");
	if (strcmp(v, "fdi") == 0)
		return L(r, "Có vốn đầu tư nước ngoài (FDI)", "Foreign-invested (FDI)");
	return "—";
}

/* A workplace's editable fields, as typed or as stored. */
struct wp {
	const char *code, *name, *unit_id, *tax_code, *address, *sector, *ownership, *headcount;
};

static void
wp_from(const struct kvlist *v, struct wp *w)
{
	w->code = kv_get_or_empty(v, "code");
	w->name = kv_get_or_empty(v, "name");
	w->unit_id = kv_get_or_empty(v, "unit");
	w->tax_code = kv_get_or_empty(v, "tax_code");
	w->address = kv_get_or_empty(v, "address");
	w->sector = kv_get_or_empty(v, "sector");
	w->ownership = kv_get_or_empty(v, "ownership");
	w->headcount = kv_get_or_empty(v, "headcount");
}

/* Checks and normalises posted workplace fields in place; problems go into e. */
static void
wp_check(struct req *r, struct wp *w, bool with_code, struct errs *e)
{
	if (with_code) {
		w->code = posted_line(r, "code", 40, true, e);
		if (!err_of(e, "code") && !org_code_valid(w->code))
			err_add(e, "code", org_problem_text(ORG_BAD_CODE, r->lang));
		if (!err_of(e, "code")) {
			json_t *one = json_pack("[s]", w->code);
			char *codes = one ? json_dumps(one, JSON_COMPACT) : NULL;
			json_decref(one);
			const char *p[1] = { codes };
			PGresult *res = codes ? db_query(r->app->db, "SELECT count(*) FROM workplace_codes_taken($1::json)", 1, p) : NULL;
			free(codes);
			if (res && db_ok(res) && strcmp(PQgetvalue(res, 0, 0), "0") != 0)
				err_add(e, "code", org_problem_text(ORG_DUP_DB, r->lang));
			PQclear(res);
		}
	}
	w->name = posted_line(r, "name", 300, true, e);
	const char *path, *code;
	const char *why = target_unit(r, w->unit_id, &path, &code);
	if (why)
		err_add(e, "unit", why);
	w->tax_code = posted_line(r, "tax_code", 14, false, e);
	if (*w->tax_code && !err_of(e, "tax_code") && !org_tax_code_valid(w->tax_code))
		err_add(e, "tax_code", org_problem_text(ORG_BAD_TAX, r->lang));
	w->address = posted_line(r, "address", 500, false, e);
	w->sector = posted_line(r, "sector", 100, false, e);
	bool own = false;
	for (size_t i = 0; i < sizeof(ownership_values) / sizeof(ownership_values[0]); i++)
		own |= strcmp(w->ownership, ownership_values[i]) == 0;
	if (!own)
		err_add(e, "ownership", org_problem_text(ORG_BAD_OWNERSHIP, r->lang));
	w->headcount = posted_line(r, "headcount", 12, false, e);
	if (*w->headcount && !err_of(e, "headcount") &&
	    (strspn(w->headcount, "0123456789") != strlen(w->headcount) || strlen(w->headcount) > 8 ||
	    atol(w->headcount) > HEADCOUNT_MAX))
		err_add(e, "headcount", org_problem_text(ORG_BAD_HEADCOUNT, r->lang));
}

static void
wp_fields(struct req *r, PGresult *t, const char *form, bool with_code, const struct wp *w, const struct errs *e)
{
	if (with_code)
		input(r, form, "code", L(r, "Mã", "Code"), L(r, "2–40 ký tự A–Z, 0–9, _ hoặc -; không đổi được về sau.",
		    "2–40 characters of A–Z, 0–9, _ or -; cannot be changed later."), w->code, e, 40, true);
	input(r, form, "name", L(r, "Tên doanh nghiệp, cơ quan", "Name of the enterprise or agency"), NULL, w->name, e, 300, true);
	unit_select(r, t, form, "unit", L(r, "Công đoàn phụ trách", "Union unit in charge"), NULL, w->unit_id, NULL, false, e);
	input(r, form, "tax_code", L(r, "Mã số thuế", "Tax code"), L(r, "10 chữ số; chi nhánh: 10 chữ số-3 chữ số.",
	    "10 digits; a branch: 10 digits-3 digits."), w->tax_code, e, 14, false);
	input(r, form, "address", L(r, "Địa chỉ", "Address"), NULL, w->address, e, 500, false);
	input(r, form, "sector", L(r, "Ngành nghề", "Sector"), L(r, "Ví dụ: dệt may, chế biến chè, thủy điện.",
	    "E.g. garments, tea processing, hydropower."), w->sector, e, 100, false);
	const char *labels[4] = { "—", ownership_name(r, "state"), ownership_name(r, "non_state"), ownership_name(r, "fdi") };
	choice(r, form, "ownership", L(r, "Loại hình sở hữu", "Ownership"), w->ownership, e, 4, ownership_values, labels);
	input(r, form, "headcount", L(r, "Số lao động", "Headcount"), NULL, w->headcount, e, 12, false);
}

/* GET /admin/workplaces?q=&unit=: the list, and for an admin the create
 * form (coming back with its problems on a bad POST). */
static void
workplaces_page(struct req *r, int status, const struct kvlist *v, const struct errs *e, const char *problem)
{
	struct buf *b = r->out;
	const char *q = kv_get_or_empty(&r->args, "q"), *unit = kv_get_or_empty(&r->args, "unit");
	if (strlen(q) > 200 || (*unit && !is_id(unit))) {
		http_error(r, 400, MSG__MAX);
		return;
	}
	PGresult *t = tree(r);
	const char *p[3] = { r->officer->unit_path, *unit ? unit : NULL, q };
	PGresult *rows = t && db_ok(t) ? db_query(r->app->db,
	    "SELECT w.id, w.name, w.code, coalesce(w.tax_code, ''), u.name, "
	    "(SELECT count(*) FROM entry_point e WHERE e.workplace_id = w.id AND e.revoked_at IS NULL), "
	    "(SELECT count(*) FROM submission s WHERE s.workplace_id = w.id) "
	    "FROM workplace w JOIN org_unit u ON u.id = w.unit_id "
	    "WHERE u.path LIKE $1 || '%' "
	    "AND ($2::bigint IS NULL OR u.path LIKE (SELECT p.path FROM org_unit p WHERE p.id = $2::bigint) || '%') "
	    "AND ($3 = '' OR vn_fold(w.name || ' ' || w.code || ' ' || coalesce(w.tax_code, '')) LIKE '%' || vn_fold($3) || '%') "
	    "ORDER BY w.name, w.id LIMIT 501", 3, p) : NULL;
	if (t == NULL || rows == NULL || !db_ok(t) || !db_ok(rows)) {
		PQclear(t);
		db_failed(r, rows, "workplace list");
		return;
	}
	buf_reset(b);
	r->status = status;
	html_admin_begin(r, L(r, "Nơi làm việc", "Workplaces"));
	heading(r, "<h1>", "Nơi làm việc và mã QR", "Workplaces and QR codes", "</h1>");
	notice(r);
	alert(r, problem);
	html_raw_trusted(b, "<form method=\"get\" action=\"/admin/workplaces\" class=\"filters\" role=\"search\"><label>");
	html_text(b, L(r, "Tìm tên, mã, mã số thuế", "Search name, code, tax code"));
	html_raw_trusted(b, " <input type=\"search\" name=\"q\" maxlength=\"200\" value=\"");
	html_attr(b, q);
	html_raw_trusted(b, "\"></label><label>");
	html_text(b, L(r, "Đơn vị (kể cả trực thuộc)", "Unit (and below)"));
	html_raw_trusted(b, " <select name=\"unit\"><option value=\"\">—</option>");
	for (int i = 0; i < PQntuples(t); i++) {
		html_raw_trusted(b, strcmp(unit, PQgetvalue(t, i, T_ID)) == 0 ? "<option selected value=\"" : "<option value=\"");
		html_attr(b, PQgetvalue(t, i, T_ID));
		html_raw_trusted(b, "\">");
		for (int d = atoi(PQgetvalue(t, i, T_DEPTH)); d > 0; d--)
			html_raw_trusted(b, "\xc2\xa0\xc2\xa0\xc2\xa0");
		html_text(b, PQgetvalue(t, i, T_NAME));
		html_raw_trusted(b, "</option>");
	}
	html_raw_trusted(b, "</select></label><button type=\"submit\" class=\"btn primary\">");
	html_text(b, L(r, "Lọc", "Filter"));
	html_raw_trusted(b, "</button></form>");
	if (r->officer->role >= ROLE_ADMIN) {
		html_raw_trusted(b, "<p><a class=\"btn\" href=\"#new\">");
		html_text(b, L(r, "Thêm nơi làm việc", "Add a workplace"));
		html_raw_trusted(b, "</a> <a class=\"btn\" href=\"/admin/workplaces/import\">");
		html_text(b, L(r, "Nhập danh sách từ CSV", "Import a list from CSV"));
		html_raw_trusted(b, "</a></p>");
	}
	int n = PQntuples(rows);
	if (n == 0) {
		html_raw_trusted(b, "<p class=\"empty\">");
		html_text(b, L(r, "Không có nơi làm việc nào khớp.", "No workplace matches."));
		html_raw_trusted(b, "</p>");
	} else {
		html_raw_trusted(b, "<table class=\"workplaces\" id=\"workplaces\"><thead><tr><th scope=\"col\">");
		html_text(b, L(r, "Tên", "Name"));
		html_raw_trusted(b, "</th><th scope=\"col\">");
		html_text(b, L(r, "Mã", "Code"));
		html_raw_trusted(b, "</th><th scope=\"col\">");
		html_text(b, L(r, "Mã số thuế", "Tax code"));
		html_raw_trusted(b, "</th><th scope=\"col\">");
		html_text(b, L(r, "Đơn vị", "Unit"));
		html_raw_trusted(b, "</th><th scope=\"col\">");
		html_text(b, L(r, "Mã QR đang dùng", "QR codes in use"));
		html_raw_trusted(b, "</th><th scope=\"col\">");
		html_text(b, L(r, "Phản ánh", "Reports"));
		html_raw_trusted(b, "</th></tr></thead><tbody>");
		for (int i = 0; i < n && i < LIST_MAX; i++) {
			html_raw_trusted(b, "<tr><td><a href=\"/admin/workplaces/");
			html_url_arg(b, PQgetvalue(rows, i, 0));
			html_raw_trusted(b, "\">");
			html_text(b, PQgetvalue(rows, i, 1));
			html_raw_trusted(b, "</a></td><td>");
			html_text(b, PQgetvalue(rows, i, 2));
			html_raw_trusted(b, "</td><td>");
			html_text(b, PQgetvalue(rows, i, 3));
			html_raw_trusted(b, "</td><td>");
			html_text(b, PQgetvalue(rows, i, 4));
			html_raw_trusted(b, "</td><td>");
			html_text(b, PQgetvalue(rows, i, 5));
			html_raw_trusted(b, "</td><td><a href=\"/admin/?workplace=");
			html_url_arg(b, PQgetvalue(rows, i, 0));
			html_raw_trusted(b, "\">");
			html_text(b, PQgetvalue(rows, i, 6));
			html_raw_trusted(b, "</a></td></tr>");
		}
		html_raw_trusted(b, "</tbody></table>");
		if (n > LIST_MAX) {
			html_raw_trusted(b, "<p class=\"hint\">");
			html_text(b, L(r, "Chỉ hiện 500 nơi đầu tiên: hãy tìm hoặc chọn đơn vị để thu hẹp.",
			    "Only the first 500 are shown: search or pick a unit to narrow the list."));
			html_raw_trusted(b, "</p>");
		}
	}
	PQclear(rows);
	if (r->officer->role >= ROLE_ADMIN) {
		struct wp w = { "", "", r->officer->unit_id, "", "", "", "", "" };
		if (v)
			wp_from(v, &w);
		heading(r, "<h2 id=\"new\">", "Thêm nơi làm việc", "Add a workplace", "</h2>");
		html_form_begin(r, "/admin/workplaces", "workplace-new");
		wp_fields(r, t, "new", true, &w, e);
		submit(r, "<button type=\"submit\" class=\"btn primary\">", "Thêm", "Add");
	}
	PQclear(t);
	html_admin_end(r);
}

/* POST /admin/workplaces */
static void
workplace_create(struct req *r)
{
	struct errs e = { 0 };
	struct wp w;
	wp_from(&r->form, &w);
	wp_check(r, &w, true, &e);
	if (e.n > 0) {
		workplaces_page(r, 400, &r->form, &e, L(r, "Chưa thêm: hãy sửa các mục được đánh dấu.", "Not added: fix the marked fields."));
		return;
	}
	const char *p[8] = { w.code, w.name, w.unit_id, w.tax_code, w.address, w.sector, w.ownership, w.headcount };
	PGresult *res = guarded(r, "INSERT INTO workplace (code, name, unit_id, tax_code, address, sector, ownership, headcount) "
	    "VALUES ($1, $2, $3::bigint, nullif($4, ''), nullif($5, ''), nullif($6, ''), nullif($7, ''), nullif($8, '')::integer) "
	    "RETURNING id", 8, p);
	if (failed_with(res, "23505")) {
		PQclear(res);
		err_add(&e, "code", org_problem_text(ORG_DUP_DB, r->lang));
		workplaces_page(r, 400, &r->form, &e, L(r, "Chưa thêm: hãy sửa các mục được đánh dấu.", "Not added: fix the marked fields."));
		return;
	}
	const char *id = res && db_ok(res) && PQntuples(res) == 1 ? arena_strdup(r->arena, PQgetvalue(res, 0, 0)) : NULL;
	if (id == NULL) {
		db_failed(r, res, "workplace create");
		return;
	}
	PQclear(res);
	audit_officer(r, "workplace.create", arena_printf(r->arena, "workplace:%s", id), w.code);
	http_redirect(r, arena_printf(r->arena, "/admin/workplaces/%s?ok=workplace.create", id));
}

/* One workplace as stored; strings in the arena. */
struct wp_row {
	struct wp w;
	const char *id, *unit_name, *reports;
};

static int
workplace_load(struct req *r, const char *id, struct wp_row *row)
{
	const char *p[2] = { id, r->officer->unit_path };
	PGresult *res = db_query(r->app->db,
	    "SELECT w.id, w.code, w.name, w.unit_id, coalesce(w.tax_code, ''), coalesce(w.address, ''), coalesce(w.sector, ''), "
	    "coalesce(w.ownership, ''), coalesce(w.headcount::text, ''), u.name, "
	    "(SELECT count(*) FROM submission s WHERE s.workplace_id = w.id) "
	    "FROM workplace w JOIN org_unit u ON u.id = w.unit_id WHERE w.id = $1::bigint AND u.path LIKE $2 || '%'", 2, p);
	if (res == NULL || !db_ok(res)) {
		PQclear(res);
		return -1;
	}
	if (PQntuples(res) != 1) {
		PQclear(res);
		return 0;
	}
	const char **f[] = { &row->id, &row->w.code, &row->w.name, &row->w.unit_id, &row->w.tax_code, &row->w.address,
	    &row->w.sector, &row->w.ownership, &row->w.headcount, &row->unit_name, &row->reports };
	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		*f[i] = arena_strdup(r->arena, PQgetvalue(res, 0, (int)i));
	PQclear(res);
	return 1;
}

/* The forms a new QR code offers: checkboxes, all ticked unless a posted
 * choice says otherwise. */
static void
forms_checkboxes(struct req *r, const struct kvlist *v, const struct errs *e)
{
	struct buf *b = r->out;
	const char *error = err_of(e, "forms");
	html_raw_trusted(b, error ? "<fieldset class=\"field error\" id=\"f-qr-forms\"><legend>" :
	    "<fieldset class=\"field\" id=\"f-qr-forms\"><legend>");
	html_text(b, L(r, "Biểu mẫu người lao động chọn được", "Forms the worker can choose"));
	html_raw_trusted(b, "</legend>");
	for (size_t i = 0; i < r->app->forms->n; i++) {
		const struct form *f = &r->app->forms->forms[i];
		html_raw_trusted(b, "<label class=\"choice\"><input type=\"checkbox\" name=\"forms\" value=\"");
		html_attr(b, f->id);
		html_raw_trusted(b, v == NULL || kv_has(v, "forms", f->id) ? "\" checked> " : "\"> ");
		html_text(b, form_label(f->title, r->lang));
		html_raw_trusted(b, "</label>");
	}
	if (error) {
		html_raw_trusted(b, "<p class=\"msg\" id=\"f-qr-forms-e\">");
		html_text(b, error);
		html_raw_trusted(b, "</p>");
	}
	html_raw_trusted(b, "</fieldset>");
}

/* GET /admin/workplaces/ID: the workplace, its QR codes, and for an admin
 * the forms to create a code and to edit the workplace. */
static void
workplace_page(struct req *r, int status, const struct wp_row *row, const char *which, const struct kvlist *v,
    const struct errs *e, const char *problem)
{
	struct buf *b = r->out;
	bool admin = r->officer->role >= ROLE_ADMIN;
	const char *p[2] = { row->id, r->officer->unit_path };
	PGresult *eps = db_query(r->app->db,
	    "SELECT e.id, e.token, e.label, array_to_string(e.forms, ','), "
	    "to_char(e.created_at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'DD/MM/YYYY HH24:MI'), "
	    "coalesce(to_char(e.revoked_at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'DD/MM/YYYY HH24:MI'), ''), e.scan_count "
	    "FROM entry_point e JOIN workplace w ON w.id = e.workplace_id JOIN org_unit u ON u.id = w.unit_id "
	    "WHERE e.workplace_id = $1::bigint AND u.path LIKE $2 || '%' "
	    "ORDER BY e.revoked_at IS NOT NULL, e.created_at DESC, e.id DESC", 2, p);
	PGresult *t = admin ? tree(r) : NULL;
	if (eps == NULL || !db_ok(eps) || (admin && (t == NULL || !db_ok(t)))) {
		PQclear(t);
		db_failed(r, eps, "workplace page");
		return;
	}
	buf_reset(b);
	r->status = status;
	html_admin_begin(r, row->w.name);
	back_link(r, "/admin/workplaces", "← Nơi làm việc", "← Workplaces");
	html_raw_trusted(b, "<h1>");
	html_text(b, row->w.name);
	html_raw_trusted(b, "</h1>");
	notice(r);
	alert(r, problem);
	html_raw_trusted(b, "<dl class=\"meta\">");
	meta(r, "Mã", "Code", row->w.code);
	meta(r, "Mã số thuế", "Tax code", *row->w.tax_code ? row->w.tax_code : "—");
	meta(r, "Địa chỉ", "Address", *row->w.address ? row->w.address : "—");
	meta(r, "Ngành nghề", "Sector", *row->w.sector ? row->w.sector : "—");
	meta(r, "Loại hình sở hữu", "Ownership", ownership_name(r, row->w.ownership));
	meta(r, "Số lao động", "Headcount", *row->w.headcount ? row->w.headcount : "—");
	html_raw_trusted(b, "<dt>");
	html_text(b, L(r, "Công đoàn phụ trách", "Union unit in charge"));
	html_raw_trusted(b, "</dt><dd><a href=\"/admin/units/");
	html_url_arg(b, row->w.unit_id);
	html_raw_trusted(b, "\">");
	html_text(b, row->unit_name);
	html_raw_trusted(b, "</a></dd><dt>");
	html_text(b, L(r, "Phản ánh", "Reports"));
	html_raw_trusted(b, "</dt><dd><a href=\"/admin/?workplace=");
	html_url_arg(b, row->id);
	html_raw_trusted(b, "\">");
	html_text(b, row->reports);
	html_raw_trusted(b, "</a></dd></dl>");

	heading(r, "<h2 id=\"qr\">", "Mã QR (điểm dán)", "QR codes (where posted)", "</h2>");
	int n = PQntuples(eps);
	if (n == 0) {
		html_raw_trusted(b, "<p class=\"empty\">");
		html_text(b, L(r, "Chưa có mã QR nào.", "No QR code yet."));
		html_raw_trusted(b, "</p>");
	} else {
		html_raw_trusted(b, "<table class=\"entry-points\" id=\"entry-points\"><thead><tr><th scope=\"col\">");
		html_text(b, L(r, "Nơi dán", "Posted at"));
		html_raw_trusted(b, "</th><th scope=\"col\">");
		html_text(b, L(r, "Mã", "Token"));
		html_raw_trusted(b, "</th><th scope=\"col\">");
		html_text(b, L(r, "Biểu mẫu", "Forms"));
		html_raw_trusted(b, "</th><th scope=\"col\">");
		html_text(b, L(r, "Tạo lúc", "Created"));
		html_raw_trusted(b, "</th><th scope=\"col\">");
		html_text(b, L(r, "Thu hồi lúc", "Revoked"));
		html_raw_trusted(b, "</th><th scope=\"col\">");
		html_text(b, L(r, "Lượt quét", "Scans"));
		html_raw_trusted(b, "</th><th scope=\"col\">");
		html_text(b, L(r, "In, tải về, thay", "Print, download, replace"));
		html_raw_trusted(b, "</th></tr></thead><tbody>");
		for (int i = 0; i < n; i++) {
			const char *eid = PQgetvalue(eps, i, 0);
			bool active = *PQgetvalue(eps, i, 5) == '\0';
			html_raw_trusted(b, active ? "<tr id=\"ep-" : "<tr class=\"revoked\" id=\"ep-");
			html_attr(b, eid);
			html_raw_trusted(b, "\"><td>");
			html_text(b, *PQgetvalue(eps, i, 2) ? PQgetvalue(eps, i, 2) : "—");
			html_raw_trusted(b, "</td><td><code>");
			html_text(b, PQgetvalue(eps, i, 1));
			html_raw_trusted(b, "</code></td><td>");
			char *forms = arena_strdup(r->arena, PQgetvalue(eps, i, 3)), *save = NULL;
			bool first = true;
			for (char *f = strtok_r(forms, ",", &save); f; f = strtok_r(NULL, ",", &save)) {
				const struct form *fm = form_find(r->app->forms, f);
				if (!first)
					html_raw_trusted(b, ", ");
				first = false;
				html_text(b, fm ? form_label(fm->title, r->lang) : f);
			}
			html_raw_trusted(b, "</td><td>");
			html_text(b, PQgetvalue(eps, i, 4));
			html_raw_trusted(b, "</td><td>");
			html_text(b, active ? "—" : PQgetvalue(eps, i, 5));
			html_raw_trusted(b, "</td><td class=\"scans\">");
			html_text(b, PQgetvalue(eps, i, 6));
			html_raw_trusted(b, "</td><td>");
			if (active) {
				const char *base = arena_printf(r->arena, "/admin/qr/%s", eid);
				html_raw_trusted(b, "<a href=\"");
				html_attr(b, base);
				html_raw_trusted(b, "/poster\">");
				html_text(b, L(r, "Áp phích", "Poster"));
				html_raw_trusted(b, "</a> · <a href=\"");
				html_attr(b, base);
				html_raw_trusted(b, "/png\">PNG</a> · <a href=\"");
				html_attr(b, base);
				html_raw_trusted(b, "/svg\">SVG</a>");
				if (admin) {
					html_form_begin(r, base, "inline");
					html_raw_trusted(b, "<input type=\"hidden\" name=\"action\" value=\"revoke\">");
					submit(r, "<button type=\"submit\" class=\"btn\">", "Thu hồi", "Revoke");
					html_form_begin(r, base, "inline");
					html_raw_trusted(b, "<input type=\"hidden\" name=\"action\" value=\"replace\">");
					submit(r, "<button type=\"submit\" class=\"btn\" title=\"Thu hồi mã này và tạo mã mới cùng nơi dán, "
					    "biểu mẫu (khi áp phích bị xé hoặc bị sao chép)\">", "Thay mã mới", "Replace");
				}
			}
			html_raw_trusted(b, "</td></tr>");
		}
		html_raw_trusted(b, "</tbody></table>");
	}
	PQclear(eps);
	if (admin) {
		bool mine = which && strcmp(which, "qr") == 0;
		heading(r, "<h3>", "Tạo mã QR mới", "Create a QR code", "</h3>");
		html_form_begin(r, arena_printf(r->arena, "/admin/workplaces/%s", row->id), "qr-new");
		html_raw_trusted(b, "<input type=\"hidden\" name=\"action\" value=\"qr_create\">");
		input(r, "qr", "label", L(r, "Nơi dán", "Where it is posted"), L(r, "Ví dụ: Nhà ăn ca, Cổng chính, Bảng tin công đoàn.",
		    "E.g. canteen, main gate, union notice board."), mine ? kv_get_or_empty(v, "label") : "", mine ? e : NULL, 200, false);
		forms_checkboxes(r, mine ? v : NULL, mine ? e : NULL);
		submit(r, "<button type=\"submit\" class=\"btn primary\">", "Tạo mã QR", "Create the QR code");

		mine = which && strcmp(which, "update") == 0;
		struct wp w = row->w;
		if (mine) {
			wp_from(v, &w);
			w.code = row->w.code;
		}
		heading(r, "<h2>", "Sửa thông tin nơi làm việc", "Edit the workplace", "</h2>");
		html_form_begin(r, arena_printf(r->arena, "/admin/workplaces/%s", row->id), "workplace-edit");
		html_raw_trusted(b, "<input type=\"hidden\" name=\"action\" value=\"update\">");
		wp_fields(r, t, "edit", false, &w, mine ? e : NULL);
		submit(r, "<button type=\"submit\" class=\"btn\">", "Lưu", "Save");
	}
	PQclear(t);
	html_admin_end(r);
}

/* A fresh entry point, for a workplace in scope (label, forms as a JSON
 * array) or as the copy of entry point copy_of (same workplace, label and
 * forms); a new random token, drawn again on the rare collision. Its id
 * (arena), or NULL with *res_out holding the failed result (NULL: the
 * database is away). */
static const char *
entry_insert(struct req *r, const char *workplace_id, const char *label, const char *forms_json, const char *copy_of,
    PGresult **res_out)
{
	char token[TOKEN_LEN + 1];
	*res_out = NULL;
	for (int attempt = 0; attempt < 5; attempt++) {
		token_random(token, TOKEN_LEN);
		const char *pn[5] = { token, workplace_id, label, forms_json, r->officer->unit_path };
		const char *pc[3] = { token, copy_of, r->officer->unit_path };
		PGresult *res = copy_of ?
		    db_query(r->app->db, "INSERT INTO entry_point (token, workplace_id, label, forms) "
		    "SELECT $1, e.workplace_id, e.label, e.forms FROM entry_point e JOIN workplace w ON w.id = e.workplace_id "
		    "JOIN org_unit u ON u.id = w.unit_id WHERE e.id = $2::bigint AND u.path LIKE $3 || '%' "
		    "ON CONFLICT (token) DO NOTHING RETURNING id", 3, pc) :
		    db_query(r->app->db, "INSERT INTO entry_point (token, workplace_id, label, forms) "
		    "SELECT $1, w.id, $3, ARRAY(SELECT json_array_elements_text($4::json)) FROM workplace w "
		    "JOIN org_unit u ON u.id = w.unit_id WHERE w.id = $2::bigint AND u.path LIKE $5 || '%' "
		    "ON CONFLICT (token) DO NOTHING RETURNING id", 5, pn);
		if (res == NULL || !db_ok(res)) {
			*res_out = res;
			return NULL;
		}
		const char *id = PQntuples(res) == 1 ? arena_strdup(r->arena, PQgetvalue(res, 0, 0)) : NULL;
		PQclear(res);
		if (id)
			return id;
	}
	return NULL;
}

/* POST /admin/workplaces/ID: update, qr_create. */
static void
workplace_post(struct req *r, const char *id)
{
	struct wp_row row;
	int found = workplace_load(r, id, &row);
	if (found <= 0) {
		http_error(r, found < 0 ? 503 : 404, MSG__MAX);
		return;
	}
	if (!admin_only(r))
		return;
	const char *action = kv_get_or_empty(&r->form, "action");
	struct errs e = { 0 };
	if (strcmp(action, "update") == 0) {
		struct wp w;
		wp_from(&r->form, &w);
		wp_check(r, &w, false, &e);
		if (e.n > 0) {
			workplace_page(r, 400, &row, "update", &r->form, &e, not_saved(r));
			return;
		}
		const char *p[9] = { row.id, w.name, w.unit_id, w.tax_code, w.address, w.sector, w.ownership, w.headcount,
		    r->officer->unit_path };
		PGresult *res = guarded(r, "UPDATE workplace w SET name = $2, unit_id = $3::bigint, tax_code = nullif($4, ''), "
		    "address = nullif($5, ''), sector = nullif($6, ''), ownership = nullif($7, ''), headcount = nullif($8, '')::integer "
		    "FROM org_unit u WHERE w.id = $1::bigint AND u.id = w.unit_id AND u.path LIKE $9 || '%'", 9, p);
		if (res == NULL || !db_ok(res) || atol(PQcmdTuples(res)) != 1) {
			db_failed(r, res, "workplace update");
			return;
		}
		PQclear(res);
		struct buf changed = { 0 };
		const char *names[] = { "name", "unit", "tax_code", "address", "sector", "ownership", "headcount" };
		const char *was[] = { row.w.name, row.w.unit_id, row.w.tax_code, row.w.address, row.w.sector, row.w.ownership, row.w.headcount };
		const char *now[] = { w.name, w.unit_id, w.tax_code, w.address, w.sector, w.ownership, w.headcount };
		for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			if (strcmp(was[i], now[i]) != 0)
				buf_appendf(&changed, "%s%s", changed.len ? ", " : "", names[i]);
		if (strcmp(row.w.unit_id, w.unit_id) != 0)
			buf_appendf(&changed, " (unit %s -> %s)", row.w.unit_id, w.unit_id);
		audit_officer(r, "workplace.update", arena_printf(r->arena, "workplace:%s", row.id),
		    changed.len ? arena_strndup(r->arena, changed.data, changed.len) : "no change");
		buf_free(&changed);
		http_redirect(r, arena_printf(r->arena, "/admin/workplaces/%s?ok=workplace.update", row.id));
	} else if (strcmp(action, "qr_create") == 0) {
		const char *label = posted_line(r, "label", 200, false, &e);
		json_t *forms = json_array();
		for (size_t i = 0; forms && i < r->form.n; i++) {
			if (strcmp(r->form.items[i].key, "forms") != 0)
				continue;
			const char *f = r->form.items[i].val;
			bool dup = false;
			for (size_t j = 0; j < json_array_size(forms); j++)
				dup |= strcmp(json_string_value(json_array_get(forms, j)), f) == 0;
			if (form_find(r->app->forms, f) == NULL) {
				err_add(&e, "forms", L(r, "Có biểu mẫu không tồn tại.", "An unknown form was chosen."));
				break;
			}
			if (!dup)
				json_array_append_new(forms, json_string(f));
		}
		if (!err_of(&e, "forms") && json_array_size(forms) == 0)
			err_add(&e, "forms", L(r, "Hãy chọn ít nhất một biểu mẫu.", "Choose at least one form."));
		if (e.n > 0) {
			json_decref(forms);
			workplace_page(r, 400, &row, "qr", &r->form, &e, L(r, "Chưa tạo: hãy sửa các mục được đánh dấu.",
			    "Not created: fix the marked fields."));
			return;
		}
		char *fj = json_dumps(forms, JSON_COMPACT);
		json_decref(forms);
		PGresult *res;
		const char *eid = fj ? entry_insert(r, row.id, label, fj, NULL, &res) : NULL;
		free(fj);
		if (eid == NULL) {
			db_failed(r, res, "qr create");
			return;
		}
		audit_officer(r, "qr.create", arena_printf(r->arena, "entry_point:%s", eid),
		    arena_printf(r->arena, "workplace %s%s%s", row.w.code, *label ? ", " : "", label));
		http_redirect(r, arena_printf(r->arena, "/admin/workplaces/%s?ok=qr.create&ep=%s#ep-%s", row.id, eid, eid));
	} else {
		http_error(r, 400, MSG__MAX);
	}
}

/* ---- the CSV import ---- */

static void
import_page(struct req *r, int status, const char *csv, const struct org_import *im, const char *problem)
{
	struct buf *b = r->out;
	buf_reset(b);
	r->status = status;
	html_admin_begin(r, L(r, "Nhập nơi làm việc từ CSV", "Import workplaces from CSV"));
	back_link(r, "/admin/workplaces", "← Nơi làm việc", "← Workplaces");
	heading(r, "<h1>", "Nhập nơi làm việc từ CSV", "Import workplaces from CSV", "</h1>");
	alert(r, problem);
	if (im && im->nerrors > 0) {
		html_raw_trusted(b, "<p class=\"alert\" role=\"alert\" id=\"import-refused\">");
		html_text(b, r->lang == LANG_EN ?
		    arena_printf(r->arena, "Nothing was imported: %zu problem(s). Fix the lines below and send the whole list again.", im->nerrors) :
		    arena_printf(r->arena, "Chưa nhập dòng nào: %zu lỗi. Sửa các dòng dưới đây rồi gửi lại cả danh sách.", im->nerrors));
		html_raw_trusted(b, "</p><table class=\"import-errors\" id=\"import-errors\"><thead><tr><th scope=\"col\">");
		html_text(b, L(r, "Dòng", "Line"));
		html_raw_trusted(b, "</th><th scope=\"col\">");
		html_text(b, L(r, "Lỗi", "Problem"));
		html_raw_trusted(b, "</th><th scope=\"col\">");
		html_text(b, L(r, "Giá trị", "Value"));
		html_raw_trusted(b, "</th></tr></thead><tbody>");
		for (size_t i = 0; i < im->nerrors; i++) {
			html_raw_trusted(b, "<tr data-line=\"");
			buf_appendf(b, "%ld", im->errors[i].line);
			html_raw_trusted(b, "\"><td>");
			if (im->errors[i].line > 0)
				buf_appendf(b, "%ld", im->errors[i].line);
			else
				html_raw_trusted(b, "—");
			html_raw_trusted(b, "</td><td>");
			html_text(b, org_problem_text(im->errors[i].why, r->lang));
			html_raw_trusted(b, "</td><td>");
			html_text(b, im->errors[i].detail ? im->errors[i].detail : "");
			html_raw_trusted(b, "</td></tr>");
		}
		html_raw_trusted(b, "</tbody></table>");
	}
	html_raw_trusted(b, "<p>");
	html_text(b, L(r, "Dán nội dung tệp CSV (UTF-8) vào ô dưới. Dòng đầu là tiêu đề: code,name,unit_code,tax_code,address "
	    "(hai cột cuối có thể bỏ). Dấu phân cách là dấu phẩy hoặc chấm phẩy. Nếu có bất kỳ dòng lỗi nào thì không dòng nào "
	    "được nhập. Mỗi lần dán tối đa khoảng 60 KB (vài trăm dòng); danh sách lớn hơn hãy dùng lệnh "
	    "tiengnoi-admin workplace import.",
	    "Paste the CSV file (UTF-8) below. The first line is the header: code,name,unit_code,tax_code,address (the last two "
	    "may be left out). Fields are separated by commas or semicolons. If any line is wrong, no line is imported. At most "
	    "about 60 KB per paste (a few hundred lines); for larger lists use tiengnoi-admin workplace import."));
	html_raw_trusted(b, "</p><pre class=\"example\">code,name,unit_code,tax_code,address\n"
	    "MAY-HOAPHAT,\"Công ty TNHH May Hòa Phát\",CD-TANPHONG,6200456789,\"Phường Tân Phong, tỉnh Lai Châu\"</pre>");
	html_form_begin(r, "/admin/workplaces/import", "import");
	html_raw_trusted(b, "<div class=\"field\"><label for=\"f-csv\">");
	html_text(b, L(r, "Nội dung CSV", "CSV content"));
	html_raw_trusted(b, "</label><textarea id=\"f-csv\" name=\"csv\" rows=\"16\" required spellcheck=\"false\">\n");
	html_text(b, csv ? csv : "");
	html_raw_trusted(b, "</textarea></div>");
	submit(r, "<button type=\"submit\" class=\"btn primary\">", "Kiểm tra và nhập", "Check and import");
	html_admin_end(r);
}

/* POST /admin/workplaces/import: all lines or none, in one statement. */
static void
import_post(struct req *r)
{
	const char *csv = kv_get_or_empty(&r->form, "csv");
	struct org_import im;
	if (org_import_check(r->arena, r->app->db, csv, strlen(csv), r->officer->unit_path, &im) != 0) {
		http_error(r, 503, MSG__MAX);
		return;
	}
	if (im.nerrors > 0) {
		import_page(r, 400, csv, &im, NULL);
		return;
	}
	char state[8];
	if (!savepoint(r)) {
		http_error(r, 503, MSG__MAX);
		return;
	}
	long n = org_import_store(r->app->db, &im, state, sizeof(state));
	savepoint_end(r, n >= 0);
	if (n < 0) {
		if (strcmp(state, "23505") == 0) {
			import_page(r, 400, csv, NULL, L(r, "Một mã vừa được dùng ở nơi khác trong lúc nhập; chưa nhập dòng nào. Hãy gửi lại.",
			    "A code was taken meanwhile; nothing was imported. Send the list again."));
			return;
		}
		fprintf(stderr, "tiengnoi: workplace import failed: SQLSTATE %s\n", state);
		http_error(r, 500, MSG__MAX);
		return;
	}
	struct buf d = { 0 };
	buf_appendf(&d, "%ld workplace(s):", n);
	for (size_t i = 0; i < im.nrows && d.len < 1800; i++)
		buf_appendf(&d, " %s", im.rows[i].code);
	if (d.len >= 1800)
		buf_puts(&d, " …");
	audit_officer(r, "workplace.import", "", d.data ? d.data : "");
	buf_free(&d);
	http_redirect(r, arena_printf(r->arena, "/admin/workplaces?ok=workplace.import&n=%ld", n));
}

/* /admin/workplaces, /admin/workplaces/import, /admin/workplaces/ID */
void
page_admin_workplaces(struct req *r)
{
	const char *rest = r->path + strlen("/admin/workplaces"), *tail = NULL, *id = NULL;
	if (*rest == '\0') {
		if (r->method != METHOD_POST)
			workplaces_page(r, 200, NULL, NULL, NULL);
		else if (admin_only(r))
			workplace_create(r);
		return;
	}
	if (strcmp(rest, "/import") == 0) {
		if (!admin_only(r))
			return;
		if (r->method == METHOD_POST)
			import_post(r);
		else
			import_page(r, 200, NULL, NULL, NULL);
		return;
	}
	if (*rest != '/' || (id = path_id(r, rest + 1, &tail)) == NULL || tail != NULL) {
		http_error(r, 404, MSG__MAX);
		return;
	}
	if (r->method == METHOD_POST) {
		workplace_post(r, id);
		return;
	}
	struct wp_row row;
	int found = workplace_load(r, id, &row);
	if (found <= 0)
		http_error(r, found < 0 ? 503 : 404, MSG__MAX);
	else
		workplace_page(r, 200, &row, NULL, NULL, NULL, NULL);
}

/* ---- QR codes ---- */

/* An entry point in scope: 1 found (fields set, arena), 0 not, -1 database failure. */
static int
entry_load(struct req *r, const char *id, const char **token, const char **workplace_id, bool *revoked)
{
	const char *p[2] = { id, r->officer->unit_path };
	PGresult *res = db_query(r->app->db, "SELECT e.token, e.workplace_id, e.revoked_at IS NOT NULL "
	    "FROM entry_point e JOIN workplace w ON w.id = e.workplace_id JOIN org_unit u ON u.id = w.unit_id "
	    "WHERE e.id = $1::bigint AND u.path LIKE $2 || '%'", 2, p);
	if (res == NULL || !db_ok(res)) {
		PQclear(res);
		return -1;
	}
	int found = PQntuples(res) == 1;
	if (found) {
		*token = arena_strdup(r->arena, PQgetvalue(res, 0, 0));
		*workplace_id = arena_strdup(r->arena, PQgetvalue(res, 0, 1));
		*revoked = PQgetvalue(res, 0, 2)[0] == 't';
	}
	PQclear(res);
	return found;
}

/* POST /admin/qr/ID: revoke, replace. */
static void
qr_post(struct req *r, const char *id)
{
	const char *token, *wid;
	bool revoked;
	int found = entry_load(r, id, &token, &wid, &revoked);
	if (found <= 0) {
		http_error(r, found < 0 ? 503 : 404, MSG__MAX);
		return;
	}
	if (!admin_only(r))
		return;
	const char *action = kv_get_or_empty(&r->form, "action");
	bool replace = strcmp(action, "replace") == 0;
	if (!replace && strcmp(action, "revoke") != 0) {
		http_error(r, 400, MSG__MAX);
		return;
	}
	if (revoked) {
		struct wp_row row;
		if (workplace_load(r, wid, &row) == 1)
			workplace_page(r, 400, &row, NULL, NULL, NULL, L(r, "Mã này đã bị thu hồi trước đó.", "This code was already revoked."));
		else
			http_error(r, 400, MSG__MAX);
		return;
	}
	const char *p[2] = { id, r->officer->unit_path };
	PGresult *res = db_query(r->app->db, "UPDATE entry_point e SET revoked_at = now() FROM workplace w JOIN org_unit u ON u.id = w.unit_id "
	    "WHERE e.id = $1::bigint AND w.id = e.workplace_id AND u.path LIKE $2 || '%' AND e.revoked_at IS NULL", 2, p);
	if (res == NULL || !db_ok(res) || atol(PQcmdTuples(res)) != 1) {
		db_failed(r, res, "qr revoke");
		return;
	}
	PQclear(res);
	const char *object = arena_printf(r->arena, "entry_point:%s", id);
	if (!replace) {
		audit_officer(r, "qr.revoke", object, token);
		http_redirect(r, arena_printf(r->arena, "/admin/workplaces/%s?ok=qr.revoke#ep-%s", wid, id));
		return;
	}
	const char *eid = entry_insert(r, NULL, NULL, NULL, id, &res);
	if (eid == NULL) {
		db_failed(r, res, "qr replace");
		return;
	}
	audit_officer(r, "qr.replace", object, arena_printf(r->arena, "%s revoked, replaced by entry_point:%s", token, eid));
	http_redirect(r, arena_printf(r->arena, "/admin/workplaces/%s?ok=qr.replace&ep=%s#ep-%s", wid, eid, eid));
}

/* GET /admin/qr/ID/png and /svg: the code to hand to a print shop. */
static void
qr_download(struct req *r, const char *token, bool png)
{
	const char *url = poster_url(r->arena, r->app->base_url, token);
	if (png) {
		unsigned char *data;
		size_t len;
		if (qr_png(url, &data, &len, 0) != 0) {
			http_error(r, 500, MSG__MAX);
			return;
		}
		buf_reset(r->out);
		buf_append(r->out, (const char *)data, len);
		free(data);
		r->resp_type = "image/png";
	} else {
		char *svg = qr_svg(url, "5cm");
		if (svg == NULL) {
			http_error(r, 500, MSG__MAX);
			return;
		}
		buf_reset(r->out);
		buf_puts(r->out, svg);
		free(svg);
		r->resp_type = "image/svg+xml; charset=utf-8";
	}
	http_header(r, arena_printf(r->arena, "Content-Disposition: attachment; filename=\"qr-%s.%s\"", token, png ? "png" : "svg"));
}

/* /admin/qr/ID (POST), /admin/qr/ID/poster, /admin/qr/ID/png, /admin/qr/ID/svg */
void
page_admin_qr(struct req *r)
{
	const char *tail = NULL, *id = path_id(r, r->path + strlen("/admin/qr/"), &tail);
	if (id == NULL) {
		http_error(r, 404, MSG__MAX);
		return;
	}
	if (tail == NULL) {
		if (r->method == METHOD_POST)
			qr_post(r, id);
		else
			http_error(r, 404, MSG__MAX);
		return;
	}
	bool poster = strcmp(tail, "poster") == 0, png = strcmp(tail, "png") == 0, svg = strcmp(tail, "svg") == 0;
	if (!poster && !png && !svg) {
		http_error(r, 404, MSG__MAX);
		return;
	}
	if (r->method == METHOD_POST) {
		http_error(r, 405, MSG__MAX);
		return;
	}
	const char *token, *wid;
	bool revoked;
	int found = entry_load(r, id, &token, &wid, &revoked);
	if (found <= 0 || revoked) {   /* a revoked code is never printed again */
		http_error(r, found < 0 ? 503 : 404, MSG__MAX);
		return;
	}
	if (!poster) {
		qr_download(r, token, png);
		return;
	}
	struct poster_opts o = { r->app->base_url, r->app->forms, r->officer->unit_path, id, NULL, "/static/" STATIC_VERSION "/poster.css",
	    arena_printf(r->arena, "/admin/workplaces/%s#ep-%s", wid, id) };
	buf_reset(r->out);
	long n = poster_document(r->out, r->arena, r->app->db, &o);
	if (n <= 0)
		http_error(r, n < 0 ? 500 : 404, MSG__MAX);
}
