/* page_admin_officers.c: /admin/officers: the officer accounts of the admin's subtree (create, edit, disable, reset, end sessions) and which units require a second factor. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libpq-fe.h>
#include <sodium.h>

#include "app.h"
#include "arena.h"
#include "auth.h"
#include "buf.h"
#include "console.h"
#include "console_notify.h"
#include "db.h"
#include "log.h"
#include "notify.h"
#include "fmt.h"
#include "html.h"
#include "http.h"
#include "i18n.h"
#include "page_admin.h"
#include "req.h"
#include "text.h"

#define OFFICER_ROWS 300     /* a list longer than this asks for a search */
#define UNIT_ROWS 300        /* units shown in the second-factor table */
#define NAME_MAX_CHARS 100

/* The roles, lowest first; nobody can be given more than admin. */
static const struct { const char *value, *vi, *en; } roles[] = {
	{ "viewer", "Chỉ xem", "Viewer" },
	{ "officer", "Cán bộ xử lý", "Officer" },
	{ "admin", "Quản trị", "Administrator" },
};

static const char *
role_name(const struct req *r, const char *value)
{
	for (size_t i = 0; i < sizeof(roles) / sizeof(roles[0]); i++)
		if (strcmp(roles[i].value, value) == 0)
			return L(r, roles[i].vi, roles[i].en);
	return value;
}

static bool
role_valid(const char *value)
{
	for (size_t i = 0; i < sizeof(roles) / sizeof(roles[0]); i++)
		if (strcmp(roles[i].value, value) == 0)
			return true;
	return false;
}

/* What a finished change says on the page it redirects to (?done=KEY). */
static const struct console_notice notices[] = {
	{ "created", "Đã tạo tài khoản cán bộ.", "The officer account was created." },
	{ "updated", "Đã lưu thay đổi.", "The changes were saved." },
	{ "unchanged", "Không có gì thay đổi.", "Nothing was changed." },
	{ "disabled", "Đã khóa tài khoản và kết thúc mọi phiên đăng nhập của cán bộ này.",
	  "The account was disabled and all of its sessions ended." },
	{ "enabled", "Đã mở lại tài khoản.", "The account was enabled again." },
	{ "passwd", "Đã đặt mật khẩu mới, mở khóa và kết thúc mọi phiên đăng nhập của cán bộ này. Hãy trao mật khẩu cho họ trực tiếp.",
	  "The new password is set, the lockout cleared and all sessions ended. Hand the password over in person." },
	{ "sessions", "Đã kết thúc mọi phiên đăng nhập của cán bộ này.", "All of this officer's sessions were ended." },
	{ "totp", "Đã lưu yêu cầu xác thực hai bước.", "The two-step verification requirement was saved." },
	{ "email", "Đã lưu địa chỉ thư điện tử của cán bộ (coi như đã xác nhận).", "The officer's e-mail address was saved (as confirmed)." },
};

/* The field "f-password" an admin sets an officer's password in (new or
 * reset), with the password rule under its label and `error` beside it. */
static void
password_field(struct req *r, const char *label, const char *error)
{
	console_field_begin(r, "f-password", label, NULL, error);
	console_wrap(r, "<p class=\"hint\" id=\"password-rule\">", L(r, "Ít nhất 10 ký tự; không dùng mật khẩu phổ biến (như 12345678910, matkhau123), không chứa tên đăng nhập, "
	    "không lặp một ký tự. Nên dùng một câu dài dễ nhớ.",
	    "At least 10 characters; not a common password (like 12345678910, matkhau123), not containing the username, "
	    "not one character repeated. A long, memorable phrase is best."), "</p>");
	html_lit(r->out, "<input type=\"password\" id=\"f-password\" name=\"password\" maxlength=\"200\" autocomplete=\"new-password\" required");
	console_field_invalid(r, "f-password", error);
	html_lit(r->out, "></div>");
}

/* ---- units of the scope ---- */

struct unit_row {
	const char *id, *name, *code;
	int depth;
	bool active, required, inherited, root;
};

/* Units of the admin's subtree, top levels first (at most `max`); *total
 * is how many there are. From the arena; NULL on a database failure. */
static struct unit_row *
scope_units(struct req *r, int max, int *n, int *total)
{
	const char *p[2] = { r->officer->unit_path, arena_printf(r->arena, "%d", max) };
	enum { S_ID, S_NAME, S_CODE, S_DEPTH, S_ACTIVE, S_REQUIRED, S_INHERITED, S_ROOT, S_TOTAL };
	PGresult *res = db_query(r->app->db,
	    "SELECT u.id, u.name, u.code, length(u.path) - length(replace(u.path, '/', '')) - 2, u.status = 'active', "
	    "u.require_totp, EXISTS (SELECT 1 FROM org_unit x WHERE x.require_totp AND x.id <> u.id AND u.path LIKE x.path || '%'), "
	    "u.parent_id IS NULL, count(*) OVER () "
	    "FROM org_unit u WHERE u.path LIKE $1 || '%' ORDER BY u.path LIMIT $2::integer", 2, p);
	if (res == NULL || !db_ok(res)) {
		PQclear(res);
		return NULL;
	}
	*n = PQntuples(res);
	*total = *n > 0 ? atoi(PQgetvalue(res, 0, S_TOTAL)) : 0;
	struct unit_row *u = arena_alloc(r->arena, sizeof(*u) * (size_t)(*n > 0 ? *n : 1));
	for (int i = 0; i < *n; i++) {
		u[i].id = arena_strdup(r->arena, PQgetvalue(res, i, S_ID));
		u[i].name = arena_strdup(r->arena, PQgetvalue(res, i, S_NAME));
		u[i].code = arena_strdup(r->arena, PQgetvalue(res, i, S_CODE));
		u[i].depth = atoi(PQgetvalue(res, i, S_DEPTH));
		u[i].active = PQgetvalue(res, i, S_ACTIVE)[0] == 't';
		u[i].required = PQgetvalue(res, i, S_REQUIRED)[0] == 't';
		u[i].inherited = PQgetvalue(res, i, S_INHERITED)[0] == 't';
		u[i].root = PQgetvalue(res, i, S_ROOT)[0] == 't';
	}
	PQclear(res);
	return u;
}

/* A <select> of the scope's active units (and `keep`, the current one,
 * even if it has ended), indented by level. */
static void
unit_select(struct req *r, const struct unit_row *u, int n, const char *selected, const char *keep, const char *error)
{
	struct buf *b = r->out;
	html_lit(b, "<select id=\"f-unit\" name=\"unit\" required");
	console_field_invalid(r, "f-unit", error);
	html_lit(b, "><option value=\"\">—</option>");
	int top = n > 0 ? u[0].depth : 0;
	for (int i = 0; i < n; i++) {
		if (!u[i].active && (keep == NULL || strcmp(keep, u[i].id) != 0))
			continue;
		int indent = u[i].depth - top < 8 ? u[i].depth - top : 8;   /* two no-break spaces a level */
		console_option(r, u[i].id, arena_printf(r->arena, "%.*s%s (%s)", 4 * indent, "\xc2\xa0\xc2\xa0\xc2\xa0\xc2\xa0"
		    "\xc2\xa0\xc2\xa0\xc2\xa0\xc2\xa0\xc2\xa0\xc2\xa0\xc2\xa0\xc2\xa0\xc2\xa0\xc2\xa0\xc2\xa0\xc2\xa0", u[i].name, u[i].code),
		    selected && strcmp(selected, u[i].id) == 0);
	}
	html_lit(b, "</select>");
}

static void
role_select(struct req *r, const char *selected, const char *error)
{
	struct buf *b = r->out;
	html_lit(b, "<select id=\"f-role\" name=\"role\"");   /* a role is always chosen: the first is preselected */
	console_field_invalid(r, "f-role", error);
	html_lit(b, ">");
	for (size_t i = 0; i < sizeof(roles) / sizeof(roles[0]); i++)
		console_option(r, roles[i].value, L(r, roles[i].vi, roles[i].en), selected && strcmp(selected, roles[i].value) == 0);
	html_lit(b, "</select>");
}

/* ---- the list ---- */

/* What an admin typed into the new-officer form, and what is wrong with it. */
struct new_officer {
	const char *username, *name, *unit, *role;
	const char *e_username, *e_name, *e_unit, *e_role, *e_password;
};

/* The new-officer form; the password is never echoed back. */
static void
create_form(struct req *r, const struct new_officer *f, const struct unit_row *u, int nu)
{
	struct buf *b = r->out;
	console_heading(r, 2, "new", "Thêm cán bộ", "Add an officer");
	html_form_begin(r, "/admin/officers", "officer-new");
	html_lit(b, "<input type=\"hidden\" name=\"action\" value=\"create\">");
	console_field_begin(r, "f-username", L(r, "Tên đăng nhập (3–40 ký tự: a-z, 0-9, dấu chấm, gạch dưới, gạch ngang)",
	    "Username (3–40 characters: a-z, 0-9, dot, underscore, hyphen)"), NULL, f->e_username);
	html_lit(b, "<input type=\"text\" id=\"f-username\" name=\"username\" maxlength=\"40\" autocomplete=\"off\" "
	    "autocapitalize=\"none\" spellcheck=\"false\" required value=\"");
	html_attr(b, f->username ? f->username : "");
	html_lit(b, "\"");
	console_field_invalid(r, "f-username", f->e_username);
	html_lit(b, "></div>");
	console_field_begin(r, "f-name", L(r, "Họ và tên", "Full name"), NULL, f->e_name);
	html_lit(b, "<input type=\"text\" id=\"f-name\" name=\"display_name\" maxlength=\"100\" required value=\"");
	html_attr(b, f->name ? f->name : "");
	html_lit(b, "\"");
	console_field_invalid(r, "f-name", f->e_name);
	html_lit(b, "></div>");
	console_field_begin(r, "f-unit", L(r, "Đơn vị (phạm vi xem và xử lý)", "Unit (what they can see and handle)"), NULL, f->e_unit);
	unit_select(r, u, nu, f->unit, NULL, f->e_unit);
	html_lit(b, "</div>");
	console_field_begin(r, "f-role", L(r, "Vai trò", "Role"), NULL, f->e_role);
	role_select(r, f->role ? f->role : "officer", f->e_role);
	html_lit(b, "</div>");
	password_field(r, L(r, "Mật khẩu ban đầu (trao trực tiếp cho cán bộ)", "Initial password (hand it over in person)"), f->e_password);
	console_submit(r, "btn primary", "Tạo tài khoản", "Create the account");
}

/* The second factor per unit: the requirement covers the unit's subtree. */
static void
totp_section(struct req *r, const struct unit_row *u, int n, int total)
{
	struct buf *b = r->out;
	console_heading(r, 2, "units", "Bắt buộc xác thực hai bước theo đơn vị", "Two-step verification required, by unit");
	console_hint(r, L(r, "Khi bật cho một đơn vị, mọi cán bộ của đơn vị đó và các đơn vị cấp dưới phải dùng mã xác thực khi đăng nhập. "
	    "Bạn có thể bật cho đơn vị mình và cấp dưới; chỉ cấp trên mới bỏ được yêu cầu đối với đơn vị của bạn.",
	    "When on for a unit, every officer of that unit and the units below it must give a code when signing in. "
	    "You can turn it on for your unit and those below; only the level above can lift it for your own unit."));
	static const struct console_label heads[] = { { "Đơn vị", "Unit" }, { "Xác thực hai bước", "Two-step verification" }, { "", "" } };
	html_lit(b, "<table class=\"units-totp\">");
	console_thead(r, heads, 3);
	int top = n > 0 ? u[0].depth : 0;
	for (int i = 0; i < n; i++) {
		bool own = strcmp(u[i].id, r->officer->unit_id) == 0;
		html_lit(b, "<tr data-unit=\"");
		html_attr(b, u[i].id);
		html_lit(b, "\"><td>");
		for (int d = top; d < u[i].depth && d < top + 8; d++)
			html_lit(b, "&nbsp;&nbsp;&nbsp;");
		html_text(b, u[i].name);
		if (!u[i].active) {
			console_wrap(r, " <span class=\"tag\">", L(r, "đã ngừng", "ended"), "</span>");
		}
		html_lit(b, "</td><td class=\"totp-state\">");
		html_text(b, u[i].required ? L(r, "Bắt buộc", "Required") :
		    u[i].inherited ? L(r, "Bắt buộc (theo đơn vị cấp trên)", "Required (by a unit above)") : L(r, "Không bắt buộc", "Not required"));
		html_lit(b, "</td><td>");
		if (!u[i].required || !own || u[i].root) {
			html_form_begin(r, "/admin/officers", "inline");
			html_lit(b, "<input type=\"hidden\" name=\"action\" value=\"require_totp\"><input type=\"hidden\" name=\"unit\" value=\"");
			html_attr(b, u[i].id);
			if (u[i].required)
				html_lit(b, "\"><input type=\"hidden\" name=\"on\" value=\"0\"><button type=\"submit\" class=\"btn\">");
			else
				html_lit(b, "\"><input type=\"hidden\" name=\"on\" value=\"1\"><button type=\"submit\" class=\"btn\">");
			html_text(b, u[i].required ? L(r, "Bỏ yêu cầu", "Lift the requirement") : L(r, "Bắt buộc cho đơn vị này và cấp dưới",
			    "Require for this unit and below"));
			html_lit(b, "</button></form>");
		}
		html_lit(b, "</td></tr>");
	}
	html_lit(b, "</tbody></table>");
	if (total > n) {
		console_wrap(r, "<p class=\"hint\">",
		    arena_printf(r->arena, r->lang == LANG_EN ? "Showing %d of %d units." : "Đang hiện %d trên %d đơn vị.", n, total),
		    "</p>");
	}
}

/* The officers page: list (with ?q= search), the new-officer form (with
 * `f`'s values and errors) and the second-factor table. */
static void
list_page(struct req *r, int status, const struct new_officer *f)
{
	struct buf *b = r->out;
	const char *q = console_arg(r, "q", 100);
	int nu = 0, total = 0;
	struct unit_row *u = scope_units(r, 2000, &nu, &total);
	const char *p[2] = { r->officer->unit_path, q };
	enum { L_ID, L_USERNAME, L_NAME, L_UNIT, L_ROLE, L_TOTP, L_DISABLED, L_LOCKED, L_LAST_LOGIN, L_REQUIRED };
	PGresult *rows = u ? db_query(r->app->db,
	    "SELECT o.id, o.username, o.display_name, u.name, o.role, o.totp_enabled, o.disabled_at IS NOT NULL, "
	    "CASE WHEN o.locked_until > now() THEN to_char(o.locked_until AT TIME ZONE 'Asia/Ho_Chi_Minh', 'DD/MM/YYYY HH24:MI') "
	    "ELSE '' END, "
	    "coalesce((SELECT to_char(a.at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'DD/MM/YYYY HH24:MI') FROM audit_log a "
	    "WHERE a.officer_id = o.id AND a.action IN ('login', 'login.totp', 'login.recovery') ORDER BY a.id DESC LIMIT 1), ''), "
	    "EXISTS (SELECT 1 FROM org_unit x WHERE x.require_totp AND u.path LIKE x.path || '%') "
	    "FROM officer o JOIN org_unit u ON u.id = o.unit_id "
	    "WHERE u.path LIKE $1 || '%' AND ($2 = '' OR strpos(vn_fold(o.username || ' ' || o.display_name), vn_fold($2)) > 0) "
	    "ORDER BY u.path, o.username LIMIT 301", 2, p) : NULL;
	if (!console_page_rows(r, rows, "officers", status, L(r, "Cán bộ", "Officers")))
		return;
	if (status == 200)
		console_notice(r, notices, sizeof(notices) / sizeof(notices[0]));
	else
		console_wrap(r, "<p class=\"alert\" role=\"alert\">", L(r, "Chưa tạo được tài khoản: hãy sửa các mục được đánh dấu bên dưới.",
		    "The account was not created: correct the marked fields below."), "</p>");
	console_search(r, "/admin/officers", "Tìm theo tên hoặc tên đăng nhập", "Search by name or username", q, 100);
	console_button(r, "btn", "Tìm", "Search");
	html_lit(b, " ");
	console_button_link(r, "btn primary", "#new", "Thêm cán bộ", "Add an officer");
	html_lit(b, "</form>");

	static const struct console_label heads[] = {
		{ "Tên đăng nhập", "Username" }, { "Họ tên", "Name" }, { "Đơn vị", "Unit" }, { "Vai trò", "Role" },
		{ "Xác thực hai bước", "Two-step" }, { "Trạng thái", "Status" }, { "Khóa đến", "Locked until" },
		{ "Đăng nhập gần nhất", "Last sign-in" },
	};
	int n = PQntuples(rows);
	if (console_table(r, n, "<table class=\"officers\" id=\"officers\">", heads, sizeof(heads) / sizeof(heads[0]),
	    "Không có cán bộ nào khớp.", "No officer matches.")) {
		for (int i = 0; i < n && i < OFFICER_ROWS; i++) {
			bool totp = PQgetvalue(rows, i, L_TOTP)[0] == 't', disabled = PQgetvalue(rows, i, L_DISABLED)[0] == 't';
			bool required = PQgetvalue(rows, i, L_REQUIRED)[0] == 't';
			struct kv data[1] = { { "username", PQgetvalue(rows, i, L_USERNAME), 0 } };
			console_tr(r, NULL, data, 1);
			console_td_link(r, arena_printf(r->arena, "/admin/officers/%s", PQgetvalue(rows, i, L_ID)), PQgetvalue(rows, i, L_USERNAME));
			console_td(r, PQgetvalue(rows, i, L_NAME));
			console_td(r, PQgetvalue(rows, i, L_UNIT));
			console_td(r, role_name(r, PQgetvalue(rows, i, L_ROLE)));
			const char *two_step = totp ? L(r, "Bật", "On") : required ? L(r, "Tắt — đơn vị bắt buộc", "Off — required by unit") : L(r, "Tắt", "Off");
			if (totp)
				console_wrap(r, "<td class=\"totp\" data-on=\"1\">", two_step, "</td>");
			else
				console_wrap(r, "<td class=\"totp\" data-on=\"0\">", two_step, "</td>");
			if (disabled)
				console_wrap(r, "<td class=\"state\" data-disabled=\"1\">",
				    L(r, "Đã khóa", "Disabled"), "</td>");
			else
				console_wrap(r, "<td class=\"state\" data-disabled=\"0\">",
				    L(r, "Hoạt động", "Active"), "</td>");
			console_td(r, PQgetvalue(rows, i, L_LOCKED));
			console_td(r, *PQgetvalue(rows, i, L_LAST_LOGIN) ? PQgetvalue(rows, i, L_LAST_LOGIN) : L(r, "chưa", "never"));
			html_lit(b, "</tr>");
		}
		html_lit(b, "</tbody></table>");
		if (n > OFFICER_ROWS)
			console_hint(r, arena_printf(r->arena, r->lang == LANG_EN ? "Only the first %d officers are shown: search by name." :
			    "Chỉ hiện %d cán bộ đầu tiên: hãy tìm theo tên.", OFFICER_ROWS));
	}
	PQclear(rows);
	struct new_officer empty = { 0 };
	create_form(r, f ? f : &empty, u, nu);
	totp_section(r, u, nu < UNIT_ROWS ? nu : UNIT_ROWS, total);
	console_end(r);
}

/* Is unit `id` an active unit of the admin's subtree? */
static bool
unit_usable(struct req *r, const char *id)
{
	if (!fmt_is_digits(id, 18))
		return false;
	const char *p[2] = { id, r->officer->unit_path };
	PGresult *res = db_query(r->app->db, "SELECT 1 FROM org_unit WHERE id = $1::bigint AND path LIKE $2 || '%' "
	    "AND status = 'active'", 2, p);
	bool ok = res && db_ok(res) && PQntuples(res) == 1;
	PQclear(res);
	return ok;
}

/* "Abc.Def " → "abc.def"; ASCII letters only are folded. */
static char *
username_fold(struct req *r, const char *in)
{
	char *u = text_trim(arena_strdup(r->arena, in));
	for (char *c = u; *c; c++)
		if (*c >= 'A' && *c <= 'Z')
			*c = (char)(*c - 'A' + 'a');
	return u;
}

static bool
username_valid(const char *u)
{
	size_t n = strlen(u);
	return n >= 3 && n <= 40 && ((u[0] >= 'a' && u[0] <= 'z') || (u[0] >= '0' && u[0] <= '9')) &&
	    strspn(u, "abcdefghijklmnopqrstuvwxyz0123456789._-") == n;
}

/* POST action=create: 400 with the form kept and each error beside its
 * field, else 303 to the new officer's page. */
static void
create_officer(struct req *r)
{
	struct new_officer f = { 0 };
	f.username = username_fold(r, kv_get_or_empty(&r->form, "username"));
	f.name = console_posted(r, "display_name");
	f.unit = console_posted(r, "unit");
	f.role = console_posted(r, "role");
	const char *pw = kv_get_or_empty(&r->form, "password");
	if (!username_valid(f.username))
		f.e_username = L(r, "Tên đăng nhập phải có 3–40 ký tự a-z, 0-9, '.', '_' hoặc '-', bắt đầu bằng chữ hoặc số.",
		    "The username must be 3–40 characters of a-z, 0-9, '.', '_' or '-', starting with a letter or digit.");
	size_t nl = text_length(f.name);
	if (nl == 0 || nl > NAME_MAX_CHARS)
		f.e_name = L(r, "Hãy nhập họ tên (tối đa 100 ký tự).", "Enter the name (100 characters at most).");
	if (!unit_usable(r, f.unit))
		f.e_unit = L(r, "Hãy chọn một đơn vị đang hoạt động trong phạm vi của bạn.", "Choose an active unit within your scope.");
	if (!role_valid(f.role))
		f.e_role = L(r, "Hãy chọn vai trò: chỉ xem, cán bộ xử lý hoặc quản trị.", "Choose a role: viewer, officer or administrator.");
	enum msg why = auth_password_problem(pw, f.username);
	if (why != MSG__MAX)
		f.e_password = tr(r->lang, why);
	char hash[AUTH_HASH_MAX];
	const char *new_id = NULL;
	if (!f.e_username && !f.e_name && !f.e_unit && !f.e_role && !f.e_password) {
		if (auth_hash_password(pw, hash) != 0) {
			http_error(r, 503, MSG__MAX);
			return;
		}
		/* a taken name (in scope or not) is not an error that aborts the transaction */
		const char *p[5] = { f.username, f.name, f.unit, f.role, hash };
		PGresult *res = db_query(r->app->db, "INSERT INTO officer (username, display_name, unit_id, role, password_hash) "
		    "VALUES ($1, $2, $3::bigint, $4, $5) ON CONFLICT (username) DO NOTHING RETURNING id", 5, p);
		sodium_memzero(hash, sizeof(hash));
		if (console_query_failed(r, res, "officer create"))
			return;
		if (db_scalar(res))
			new_id = arena_strdup(r->arena, db_scalar(res));
		else
			f.e_username = L(r, "Tên đăng nhập này đã có người dùng.", "This username is taken.");
		PQclear(res);
	}
	if (new_id == NULL) {
		list_page(r, 400, &f);
		return;
	}
	audit_officer(r, "officer.create", arena_printf(r->arena, "officer:%s", new_id),
	    arena_printf(r->arena, "username %s, role %s, unit %s", f.username, f.role, f.unit));
	http_redirect(r, arena_printf(r->arena, "/admin/officers/%s?done=created", new_id));
}

/* POST action=require_totp unit=ID on=0|1. Out of scope: 404. Anyone may
 * tighten; lifting the requirement of one's own unit belongs to the level
 * above (unless the unit is the top of the tree). */
static void
set_require_totp(struct req *r)
{
	const char *unit = kv_get_or_empty(&r->form, "unit"), *on = kv_get_or_empty(&r->form, "on");
	if (!fmt_is_digits(unit, 18) || (strcmp(on, "0") != 0 && strcmp(on, "1") != 0)) {
		http_error(r, 400, MSG__MAX);
		return;
	}
	const char *p[3] = { unit, r->officer->unit_path, on };
	enum { U_REQUIRED, U_ROOT };
	PGresult *res = db_query(r->app->db, "SELECT require_totp, parent_id IS NULL FROM org_unit "
	    "WHERE id = $1::bigint AND path LIKE $2 || '%'", 2, p);
	bool found = res && db_ok(res) && PQntuples(res) == 1;
	bool was = found && PQgetvalue(res, 0, U_REQUIRED)[0] == 't', root = found && PQgetvalue(res, 0, U_ROOT)[0] == 't';
	PQclear(res);
	if (!found) {
		http_error(r, 404, MSG__MAX);
		return;
	}
	bool want = on[0] == '1';
	if (!want && was && strcmp(unit, r->officer->unit_id) == 0 && !root) {
		console_refuse(r, 403, "Chỉ đơn vị cấp trên mới bỏ được yêu cầu xác thực hai bước đối với đơn vị của bạn.",
		    "Only the level above can lift the two-step requirement for your own unit.", "/admin/officers#units");
		return;
	}
	if (want != was) {
		res = db_query(r->app->db, "UPDATE org_unit SET require_totp = $3::boolean WHERE id = $1::bigint AND path LIKE $2 || '%'", 3, p);
		bool ok = res && db_ok(res) && atoi(PQcmdTuples(res)) == 1;
		PQclear(res);
		if (!ok) {
			http_error(r, 503, MSG__MAX);
			return;
		}
		audit_officer(r, "unit.require_totp", arena_printf(r->arena, "unit:%s", unit), want ? "on" : "off");
	}
	http_redirect(r, "/admin/officers?done=totp#units");
}

/* ---- one officer ---- */

struct target {
	const char *id, *username, *name, *unit_id, *unit_name, *role, *locked_until, *last_login, *created, *pw_changed, *email;
	bool totp, disabled, required;
	long sessions;
};

/* Loads officer `id` if it is in the admin's scope: FOUND, MISSING (absent
 * and outside answer the same) or DB_DOWN, for console_found(). */
static enum found
target_load(struct req *r, const char *id, struct target *t)
{
	const char *p[2] = { id, r->officer->unit_path };
	enum { T_ID, T_USERNAME, T_NAME, T_UNIT_ID, T_UNIT_NAME, T_ROLE, T_LOCKED, T_LAST_LOGIN, T_CREATED, T_PW_CHANGED,
	    T_EMAIL, T_TOTP, T_DISABLED, T_REQUIRED, T_SESSIONS };
	PGresult *res = db_query(r->app->db,
	    "SELECT o.id, o.username, o.display_name, o.unit_id, u.name, o.role, "
	    "CASE WHEN o.locked_until > now() THEN to_char(o.locked_until AT TIME ZONE 'Asia/Ho_Chi_Minh', 'DD/MM/YYYY HH24:MI') ELSE '' END, "
	    "coalesce((SELECT to_char(a.at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'DD/MM/YYYY HH24:MI') FROM audit_log a "
	    "WHERE a.officer_id = o.id AND a.action IN ('login', 'login.totp', 'login.recovery') ORDER BY a.id DESC LIMIT 1), ''), "
	    "to_char(o.created_at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'DD/MM/YYYY HH24:MI'), "
	    "to_char(o.password_changed_at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'DD/MM/YYYY HH24:MI'), coalesce(o.email, ''), "
	    "o.totp_enabled, o.disabled_at IS NOT NULL, "
	    "EXISTS (SELECT 1 FROM org_unit x WHERE x.require_totp AND u.path LIKE x.path || '%'), "
	    "(SELECT count(*) FROM session s WHERE s.officer_id = o.id AND s.expires_at > now() "
	    "AND s.last_seen > now() - interval '30 minutes') "
	    "FROM officer o JOIN org_unit u ON u.id = o.unit_id WHERE o.id = $1::bigint AND u.path LIKE $2 || '%'", 2, p);
	bool db_down = res == NULL || !db_ok(res);
	if (db_down && res)
		log_warn("officer: SQLSTATE %s", db_sqlstate(res));
	bool found = !db_down && PQntuples(res) == 1;
	if (found) {
		const char **s[] = {   /* in the order of the columns, T_ID .. T_EMAIL */
		    &t->id, &t->username, &t->name, &t->unit_id, &t->unit_name, &t->role, &t->locked_until,
		    &t->last_login, &t->created, &t->pw_changed, &t->email };
		for (int i = T_ID; i <= T_EMAIL; i++)
			*s[i] = arena_strdup(r->arena, PQgetvalue(res, 0, i));
		t->totp = PQgetvalue(res, 0, T_TOTP)[0] == 't';
		t->disabled = PQgetvalue(res, 0, T_DISABLED)[0] == 't';
		t->required = PQgetvalue(res, 0, T_REQUIRED)[0] == 't';
		t->sessions = atol(PQgetvalue(res, 0, T_SESSIONS));
	}
	PQclear(res);
	return db_down ? DB_DOWN : found ? FOUND : MISSING;
}

/* What was typed into the officer page's forms, and what is wrong with it. */
struct edit {
	const char *name, *unit, *role, *email;
	const char *e_name, *e_unit, *e_role, *e_password, *e_email;
};

static void
meta_row(struct req *r, const char *vi, const char *en, const char *id, const char *value)
{
	struct buf *b = r->out;
	console_wrap(r, "<dt>", L(r, vi, en), "</dt><dd id=\"");
	html_attr(b, id);
	console_wrap(r, "\">", value, "</dd>");
}

/* One officer's page with `status`: details, the edit form (with `e`'s
 * values and errors), password reset, disable/enable, end sessions. An
 * admin's own page offers only the name and "end all sessions". */
static void
officer_page(struct req *r, int status, const struct target *t, const struct edit *e)
{
	struct buf *b = r->out;
	int nu = 0, total = 0;
	struct unit_row *u = scope_units(r, 2000, &nu, &total);
	if (u == NULL) {
		http_error(r, 503, MSG__MAX);
		return;
	}
	bool self = strcmp(t->id, r->officer->id) == 0;
	char *base = arena_printf(r->arena, "/admin/officers/%s", t->id);
	buf_reset(b);
	r->status = status;
	console_begin(r, t->username);
	console_wrap(r, "<p><a href=\"/admin/officers\">",
	    L(r, "← Danh sách cán bộ", "← All officers"), "</a></p><h1>");
	html_text(b, t->username);
	if (*t->name) {
		html_lit(b, " — ");
		html_text(b, t->name);
	}
	html_lit(b, "</h1>");
	if (status == 200)
		console_notice(r, notices, sizeof(notices) / sizeof(notices[0]));
	else {
		console_wrap(r, "<p class=\"alert\" role=\"alert\">",
		    L(r, "Chưa lưu: hãy sửa các mục được đánh dấu bên dưới.", "Not saved: correct the marked fields below."),
		    "</p>");
	}
	html_lit(b, "<dl class=\"meta\">");
	meta_row(r, "Đơn vị", "Unit", "m-unit", t->unit_name);
	meta_row(r, "Vai trò", "Role", "m-role", role_name(r, t->role));
	meta_row(r, "Trạng thái", "Status", "m-status", t->disabled ? L(r, "Đã khóa", "Disabled") : L(r, "Hoạt động", "Active"));
	meta_row(r, "Xác thực hai bước", "Two-step verification", "m-totp", t->totp ? L(r, "Bật", "On") :
	    t->required ? L(r, "Tắt — đơn vị bắt buộc, sẽ phải cài khi đăng nhập", "Off — required by the unit, set up at next sign-in") :
	    L(r, "Tắt", "Off"));
	meta_row(r, "Tạm khóa đến (nhập sai mật khẩu)", "Locked until (wrong passwords)", "m-locked",
	    *t->locked_until ? t->locked_until : "—");
	meta_row(r, "Đăng nhập gần nhất", "Last sign-in", "m-last", *t->last_login ? t->last_login : L(r, "chưa", "never"));
	meta_row(r, "Phiên đang mở", "Open sessions", "m-sessions", arena_printf(r->arena, "%ld", t->sessions));
	meta_row(r, "Tạo lúc", "Created", "m-created", t->created);
	meta_row(r, "Đổi mật khẩu lúc", "Password changed", "m-pw", t->pw_changed);
	html_lit(b, "</dl><p><a href=\"/admin/audit?officer=");
	html_url_arg(b, t->id);
	console_wrap(r, "\">", L(r, "Nhật ký của cán bộ này →", "This officer's audit log →"), "</a></p>");

	if (self) {
		html_lit(b, "<p class=\"note\" id=\"self\">");
		html_text(b, L(r, "Đây là tài khoản của bạn. Đổi mật khẩu và xác thực hai bước ở trang Tài khoản; "
		    "vai trò, đơn vị và việc khóa tài khoản của bạn do một quản trị viên khác thay đổi.",
		    "This is your own account. Change your password and two-step verification on the Account page; "
		    "another administrator changes your role, unit or status."));
		html_lit(b, "</p>");
	}

	console_heading(r, 2, NULL, "Thông tin và phân quyền", "Details and rights");
	html_form_begin(r, base, "officer-edit");
	html_lit(b, "<input type=\"hidden\" name=\"action\" value=\"update\">");
	console_field_begin(r, "f-name", L(r, "Họ và tên", "Full name"), NULL, e->e_name);
	html_lit(b, "<input type=\"text\" id=\"f-name\" name=\"display_name\" maxlength=\"100\" required value=\"");
	html_attr(b, e->name ? e->name : t->name);
	html_lit(b, "\"");
	console_field_invalid(r, "f-name", e->e_name);
	html_lit(b, "></div>");
	if (!self) {
		console_field_begin(r, "f-unit", L(r, "Đơn vị (phạm vi xem và xử lý)", "Unit (what they can see and handle)"), NULL, e->e_unit);
		unit_select(r, u, nu, e->unit ? e->unit : t->unit_id, t->unit_id, e->e_unit);
		html_lit(b, "</div>");
		console_field_begin(r, "f-role", L(r, "Vai trò", "Role"), NULL, e->e_role);
		role_select(r, e->role ? e->role : t->role, e->e_role);
		html_lit(b, "</div>");
	}
	console_submit(r, "btn primary", "Lưu", "Save");

	if (!self) {
		console_heading(r, 2, NULL, "Đặt lại mật khẩu", "Reset the password");
		html_form_begin(r, base, "officer-passwd");
		html_lit(b, "<input type=\"hidden\" name=\"action\" value=\"passwd\">");
		password_field(r, L(r, "Mật khẩu mới (trao trực tiếp cho cán bộ; mọi phiên đăng nhập của họ sẽ kết thúc và tài khoản được mở khóa)",
		    "New password (hand it over in person; all their sessions end and a lockout is cleared)"), e->e_password);
		console_submit(r, "btn", "Đặt mật khẩu mới", "Set the new password");

		/* one's own address goes through the Account page and its confirmation link */
		console_heading(r, 2, NULL, "Thư điện tử nhận thông báo", "E-mail for notifications");
		struct console_errs ce = { 0 };
		if (e->e_email)
			console_err_add(&ce, "email", e->e_email);
		html_form_begin(r, base, "officer-email");
		html_lit(b, "<input type=\"hidden\" name=\"action\" value=\"email\">");
		console_input(r, "officer", "email", L(r, "Địa chỉ thư điện tử (để trống để bỏ)", "E-mail address (empty to remove)"),
		    L(r, "Địa chỉ do quản trị viên đặt được dùng ngay, không cần liên kết xác nhận.",
		    "An address an administrator sets is used at once, without a confirmation link."),
		    e->email ? e->email : t->email, &ce, NOTIFY_EMAIL_MAX, false);
		console_submit(r, "btn", "Lưu địa chỉ", "Save the address");

		console_heading(r, 2, NULL, "Tài khoản", "Account");
		html_form_begin(r, base, "inline");
		if (t->disabled)
			html_lit(b, "<input type=\"hidden\" name=\"action\" value=\"enable\"><button type=\"submit\" class=\"btn\" id=\"enable\">");
		else
			html_lit(b, "<input type=\"hidden\" name=\"action\" value=\"disable\"><button type=\"submit\" class=\"btn\" id=\"disable\">");
		html_text(b, t->disabled ? L(r, "Mở lại tài khoản", "Enable the account") :
		    L(r, "Khóa tài khoản (kết thúc mọi phiên)", "Disable the account (ends every session)"));
		html_lit(b, "</button></form>");
	}
	html_form_begin(r, base, "inline");
	console_wrap(r, "<input type=\"hidden\" name=\"action\" value=\"sessions\"><button type=\"submit\" class=\"btn\" id=\"end-sessions\">",
	    L(r, "Kết thúc mọi phiên đăng nhập", "End all sessions"), "</button></form>");
	console_end(r);
}

/* Ends every session of officer `t` and audits `action` with how many
 * ended (then `more`, e.g. ", lockout cleared"); false after
 * console_db_failed()'s page when the database failed. */
static bool
end_sessions(struct req *r, const struct target *t, const char *action, const char *more)
{
	const char *p[1] = { t->id };
	PGresult *res = db_query(r->app->db, "DELETE FROM session WHERE officer_id = $1::bigint", 1, p);
	if (console_query_failed(r, res, "end sessions"))
		return false;
	long n = atol(PQcmdTuples(res));
	PQclear(res);
	audit_officer(r, action, arena_printf(r->arena, "officer:%s", t->id), arena_printf(r->arena, "%ld sessions ended%s", n, more));
	return true;
}

/* Runs one UPDATE of the target; false (after console_db_failed()'s page) on failure. */
static bool
change(struct req *r, PGresult *res)
{
	if (console_query_failed(r, res, "officer change"))
		return false;
	PQclear(res);
	return true;
}

/* POST action=update: name, unit (in scope, active) and role. 400 with the
 * form kept, 403 for one's own role or unit, else 303 and one audit row
 * saying what changed. */
static void
update_officer(struct req *r, const struct target *t, bool self)
{
	struct edit e = { 0 };
	const char *unit_in = kv_get(&r->form, "unit"), *role_in = kv_get(&r->form, "role");
	if (self && ((unit_in && strcmp(unit_in, t->unit_id) != 0) || (role_in && strcmp(role_in, t->role) != 0))) {
		console_refuse(r, 403, "Bạn không thể tự đổi vai trò hay đơn vị của mình: hãy nhờ một quản trị viên khác.",
		    "You cannot change your own role or unit: ask another administrator.", arena_printf(r->arena, "/admin/officers/%s", t->id));
		return;
	}
	e.name = console_posted(r, "display_name");
	e.unit = unit_in ? console_posted(r, "unit") : t->unit_id;
	e.role = role_in ? console_posted(r, "role") : t->role;
	size_t nl = text_length(e.name);
	if (nl == 0 || nl > NAME_MAX_CHARS)
		e.e_name = L(r, "Hãy nhập họ tên (tối đa 100 ký tự).", "Enter the name (100 characters at most).");
	bool unit_changed = strcmp(e.unit, t->unit_id) != 0, role_changed = strcmp(e.role, t->role) != 0;
	if (unit_changed && !unit_usable(r, e.unit))
		e.e_unit = L(r, "Hãy chọn một đơn vị đang hoạt động trong phạm vi của bạn.", "Choose an active unit within your scope.");
	if (!role_valid(e.role))
		e.e_role = L(r, "Hãy chọn vai trò: chỉ xem, cán bộ xử lý hoặc quản trị.", "Choose a role: viewer, officer or administrator.");
	if (e.e_name || e.e_unit || e.e_role) {
		officer_page(r, 400, t, &e);
		return;
	}
	bool name_changed = strcmp(e.name, t->name) != 0;
	if (!name_changed && !unit_changed && !role_changed) {
		http_redirect(r, arena_printf(r->arena, "/admin/officers/%s?done=unchanged", t->id));
		return;
	}
	const char *p[5] = { t->id, e.name, e.unit, e.role, r->officer->unit_path };
	/* the scope again in SQL, and row-level security checks the new unit too */
	PGresult *res = db_query(r->app->db, "UPDATE officer o SET display_name = $2, unit_id = $3::bigint, role = $4 "
	    "FROM org_unit u WHERE o.id = $1::bigint AND u.id = o.unit_id AND u.path LIKE $5 || '%'", 5, p);
	if (!change(r, res))
		return;
	struct buf d = { 0 };
	if (role_changed)
		buf_appendf(&d, "role %s -> %s", t->role, e.role);
	if (unit_changed)
		buf_appendf(&d, "%sunit %s -> %s", d.len ? "; " : "", t->unit_id, e.unit);
	if (name_changed)
		buf_appendf(&d, "%sname \"%s\" -> \"%s\"", d.len ? "; " : "", t->name, e.name);
	audit_officer(r, "officer.update", arena_printf(r->arena, "officer:%s", t->id), d.data ? d.data : "");
	buf_free(&d);
	http_redirect(r, arena_printf(r->arena, "/admin/officers/%s?done=updated", t->id));
}

/* POST action=passwd: a new password typed by the admin (the rule is
 * checked: 400 with the reason), the lockout cleared, every session ended. */
static void
passwd_officer(struct req *r, const struct target *t)
{
	struct edit e = { 0 };
	const char *pw = kv_get_or_empty(&r->form, "password");
	enum msg why = auth_password_problem(pw, t->username);
	if (why != MSG__MAX) {
		e.e_password = tr(r->lang, why);
		officer_page(r, 400, t, &e);
		return;
	}
	char hash[AUTH_HASH_MAX];
	if (auth_hash_password(pw, hash) != 0) {
		http_error(r, 503, MSG__MAX);
		return;
	}
	const char *p[2] = { t->id, hash };
	PGresult *res = db_query(r->app->db, "UPDATE officer SET password_hash = $2, password_changed_at = now(), "
	    "failed_logins = 0, locked_until = NULL WHERE id = $1::bigint", 2, p);
	sodium_memzero(hash, sizeof(hash));
	if (!change(r, res))
		return;
	if (end_sessions(r, t, "officer.passwd", *t->locked_until ? ", lockout cleared" : ""))
		http_redirect(r, arena_printf(r->arena, "/admin/officers/%s?done=passwd", t->id));
}

/* POST action=email: another officer's address, set by the admin: it counts
 * as confirmed (as with the CLI's `officer email`) and replaces one waiting
 * for its link; empty removes it. 400 with the error beside the field and
 * nothing stored, else 303 and one audit row. */
static void
email_officer(struct req *r, const struct target *t)
{
	struct edit e = { 0 };
	const char *posted = console_posted_max(r, "email", NOTIFY_EMAIL_MAX + 10);
	e.email = posted ? posted : "";
	if ((e.e_email = console_email_error(r, posted)) != NULL) {
		officer_page(r, 400, t, &e);
		return;
	}
	const char *p[3] = { t->id, posted, r->officer->unit_path };
	if (!change(r, db_query(r->app->db, "UPDATE officer o SET email = nullif($2, ''), email_pending = NULL, "
	    "email_token_hash = NULL, email_token_expires = NULL FROM org_unit u "
	    "WHERE o.id = $1::bigint AND u.id = o.unit_id AND u.path LIKE $3 || '%'", 3, p)))
		return;
	audit_officer(r, "officer.email", arena_printf(r->arena, "officer:%s", t->id),
	    *posted ? "address set (confirmed by an administrator)" : "address removed");
	http_redirect(r, arena_printf(r->arena, "/admin/officers/%s?done=email", t->id));
}

/* POST /admin/officers/ID: update, passwd, email, disable, enable, sessions. */
static void
officer_post(struct req *r, const struct target *t)
{
	const char *action = kv_get_or_empty(&r->form, "action");
	bool self = strcmp(t->id, r->officer->id) == 0;
	char *back = arena_printf(r->arena, "/admin/officers/%s", t->id);
	const char *p[1] = { t->id };
	if (strcmp(action, "update") == 0) {
		update_officer(r, t, self);
	} else if (strcmp(action, "passwd") == 0) {
		if (self) {
			console_refuse(r, 403, "Mật khẩu của chính bạn được đổi ở trang Tài khoản (cần mật khẩu hiện tại).",
			    "Change your own password on the Account page (it asks for the current one).", "/admin/account");
			return;
		}
		passwd_officer(r, t);
	} else if (strcmp(action, "email") == 0 && !self) {
		email_officer(r, t);
	} else if (strcmp(action, "email") == 0) {
		console_refuse(r, 403, "Địa chỉ thư của chính bạn được đổi ở trang Tài khoản (cần liên kết xác nhận).",
		    "Change your own address on the Account page (it mails a confirmation link).", "/admin/account");
	} else if (strcmp(action, "disable") == 0) {
		if (self) {
			console_refuse(r, 403, "Bạn không thể tự khóa tài khoản của mình.", "You cannot disable your own account.", back);
			return;
		}
		if (!t->disabled) {
			if (!change(r, db_query(r->app->db, "UPDATE officer SET disabled_at = now() WHERE id = $1::bigint", 1, p)))
				return;
			if (!end_sessions(r, t, "officer.disable", ""))
				return;
		}
		http_redirect(r, arena_printf(r->arena, "%s?done=disabled", back));
	} else if (strcmp(action, "enable") == 0) {
		if (self) {
			console_refuse(r, 403, "Tài khoản của bạn do quản trị viên khác mở lại.", "Another administrator enables your account.", back);
			return;
		}
		if (t->disabled) {
			if (!change(r, db_query(r->app->db, "UPDATE officer SET disabled_at = NULL WHERE id = $1::bigint", 1, p)))
				return;
			audit_officer(r, "officer.enable", arena_printf(r->arena, "officer:%s", t->id), "");
		}
		http_redirect(r, arena_printf(r->arena, "%s?done=enabled", back));
	} else if (strcmp(action, "sessions") == 0) {
		if (!end_sessions(r, t, "officer.sessions", ""))
			return;
		/* ending one's own sessions signs one out, like "sign out everywhere" */
		http_redirect(r, self ? "/admin/login" : arena_printf(r->arena, "%s?done=sessions", back));
	} else {
		http_error(r, 400, MSG__MAX);
	}
}

/* GET /admin/officers (admins: the route says so): the list, the form
 * for a new officer and the second-factor table. */
void
page_admin_officers(struct req *r)
{
	list_page(r, 200, NULL);
}

/* POST /admin/officers: create an officer, or set a unit's second-factor
 * requirement. */
void
page_admin_officers_post(struct req *r)
{
	static const struct console_action actions[] = { { "create", create_officer }, { "require_totp", set_require_totp } };
	console_dispatch(r, actions, sizeof(actions) / sizeof(actions[0]));
}

/* GET /admin/officers/ID: one officer. Officers outside the admin's
 * subtree answer 404 as if absent. */
void
page_admin_officer(struct req *r)
{
	struct target t;
	struct edit none = { 0 };
	if (console_found(r, target_load(r, r->id[0], &t)))
		officer_page(r, 200, &t, &none);
}

/* POST /admin/officers/ID: edit, disable or enable, reset the password,
 * end the sessions. */
void
page_admin_officer_post(struct req *r)
{
	struct target t;
	if (console_found(r, target_load(r, r->id[0], &t)))
		officer_post(r, &t);
}
