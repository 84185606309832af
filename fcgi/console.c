/* console.c: the officer console's kit (as cgit's ui-shared.c): the frame and navigation, headings, notices, tables and the pages a request ends with; its forms, fields and posted values are in console_form.c. */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <libpq-fe.h>

#include "app.h"
#include "arena.h"
#include "auth.h"
#include "buf.h"
#include "console.h"
#include "csrf.h"
#include "db.h"
#include "fmt.h"
#include "html.h"
#include "http.h"
#include "i18n.h"
#include "log.h"
#include "org.h"
#include "privacy.h"
#include "req.h"
#include "text.h"

/* ---- the frame ---- */

/* The menu's groups, in the order they are shown. */
enum nav_group_id { NG_REPORTS, NG_CASES, NG_PLACES, NG_FIGURES, NG_ADMIN, NG__MAX };
static const struct {
	const char *id, *vi, *en;
} nav_groups[NG__MAX] = {
	[NG_REPORTS] = { "reports", "Phản ánh", "Reports" },
	[NG_CASES] = { "cases", "Vụ việc", "Cases" },
	[NG_PLACES] = { "places", "Nơi làm việc & mã QR", "Workplaces & QR codes" },
	[NG_FIGURES] = { "figures", "Số liệu", "Figures" },
	[NG_ADMIN] = { "admin", "Quản trị", "Administration" },
};

/* One entry of the console's menu, in its group; `min` is the least role
 * that may open it. */
struct nav_entry {
	enum nav_group_id group;
	const char *href, *vi, *en;
	enum role min;
};
static const struct nav_entry nav[] = {
	{ NG_REPORTS, "/admin/", "Hàng đợi phản ánh", "Report queue", ROLE_VIEWER },
	{ NG_REPORTS, "/admin/enter", "Nhập phản ánh", "Enter a report", ROLE_OFFICER },
	{ NG_REPORTS, "/admin/surveys", "Kết quả khảo sát", "Survey results", ROLE_VIEWER },
	{ NG_REPORTS, "/admin/export", "Xuất dữ liệu", "Export", ROLE_OFFICER },
	{ NG_CASES, "/admin/cases", "Vụ việc", "Cases", ROLE_VIEWER },
	{ NG_CASES, "/admin/brief", "Tóm tắt đối thoại", "Dialogue brief", ROLE_VIEWER },
	{ NG_CASES, "/admin/agreements", "Thỏa ước", "Agreements", ROLE_VIEWER },
	{ NG_CASES, "/admin/stoppages", "Ngừng việc", "Stoppages", ROLE_VIEWER },
	{ NG_CASES, "/admin/rounds", "Đối thoại & thương lượng", "Dialogue & bargaining", ROLE_VIEWER },
	{ NG_PLACES, "/admin/workplaces", "Nơi làm việc & mã QR", "Workplaces & QR codes", ROLE_VIEWER },
	{ NG_PLACES, "/admin/units", "Đơn vị", "Units", ROLE_VIEWER },
	{ NG_FIGURES, "/admin/dashboard", "Tổng quan", "Dashboard", ROLE_VIEWER },
	{ NG_FIGURES, "/admin/stats", "Thống kê", "Statistics", ROLE_VIEWER },
	{ NG_ADMIN, "/admin/account", "Tài khoản", "Account", ROLE_VIEWER },
	{ NG_ADMIN, "/admin/tokens", "Khóa API", "API tokens", ROLE_VIEWER },
	{ NG_ADMIN, "/admin/officers", "Cán bộ", "Officers", ROLE_ADMIN },
	{ NG_ADMIN, "/admin/audit", "Nhật ký", "Audit log", ROLE_ADMIN },
	{ NG_ADMIN, "/admin/requests", "Yêu cầu dữ liệu", "Data requests", ROLE_ADMIN },
	{ NG_ADMIN, "/admin/calendar", "Ngày lễ & thời hạn", "Holidays & deadlines", ROLE_ADMIN },
	{ NG_ADMIN, "/admin/outbox", "Thư & webhook", "Mail & webhooks", ROLE_ADMIN },
};
#define NAV_N (sizeof(nav) / sizeof(nav[0]))

/* Whether entry `e` is the page being shown (or a page under it). */
static bool
nav_here(const struct req *r, const struct nav_entry *e)
{
	size_t hl = strlen(e->href);
	return strcmp(r->path, e->href) == 0 || (hl > 7 && strncmp(r->path, e->href, hl) == 0);
}

/* One group of the menu: a <details> drop-down (no script needed; the
 * summary is a button to the keyboard) with the entries the officer's
 * role may open; the data-requests entry, and its group's label, carry
 * how many requests are overdue. */
static void
nav_group(struct req *r, enum nav_group_id g)
{
	struct buf *b = r->out;
	bool here = false;
	long late = 0;
	for (size_t i = 0; i < NAV_N; i++) {
		if (nav[i].group != g || r->officer->role < nav[i].min)
			continue;
		here = here || nav_here(r, &nav[i]);
		if (strcmp(nav[i].href, "/admin/requests") == 0)
			late = privacy_overdue_count(r->app->db);   /* past their acknowledge-by day (RLS: the admin's scope) */
	}
	const char *tag = late > 0 ? arena_printf(r->arena, r->lang == LANG_EN ? "%ld overdue" : "%ld quá hạn", late) : NULL;
	html_lit(b, "<details name=\"menu\" class=\"group\" data-group=\"");
	html_attr(b, nav_groups[g].id);
	if (here)
		html_lit(b, "\"><summary class=\"here\">");
	else
		html_lit(b, "\"><summary>");
	html_text(b, L(r, nav_groups[g].vi, nav_groups[g].en));
	if (tag)
		console_wrap(r, " <span class=\"tag urgent\">", tag, "</span>");
	html_lit(b, "</summary><ul>");
	for (size_t i = 0; i < NAV_N; i++) {
		const struct nav_entry *e = &nav[i];
		if (e->group != g || r->officer->role < e->min)
			continue;
		if (nav_here(r, e))
			html_lit(b, "<li><a aria-current=\"page\" href=\"");
		else
			html_lit(b, "<li><a href=\"");
		html_attr(b, e->href);
		html_lit(b, "\">");
		html_text(b, L(r, e->vi, e->en));
		if (tag && strcmp(e->href, "/admin/requests") == 0)
			console_wrap(r, " <span class=\"tag urgent\" id=\"requests-overdue\">", tag, "</span>");
		html_lit(b, "</a></li>");
	}
	html_lit(b, "</ul></details>");
}

/* The console's head: the menu in five groups, one row at 1280 px; under
 * 800 px one "Menu" button opens them (a popover: no script needed,
 * Escape closes it). Then who is signed in, and the sign-out button.
 * `title` is escaped. */
void
console_begin(struct req *r, const char *title)
{
	struct buf *b = r->out;
	html_head(r, title);
	html_lit(b, "<link rel=\"stylesheet\" href=\"/static/" STATIC_VERSION "/admin.css\">"
	    "<script src=\"/static/" STATIC_VERSION "/admin.js\" defer></script></head>\n<body class=\"admin\">"
	    "<header><span class=\"brand\">" APP_NAME "</span>");
	if (r->officer) {
		html_lit(b, "<button type=\"button\" class=\"menu-button\" id=\"menu-button\" popovertarget=\"menu\" aria-controls=\"menu\">");
		html_text(b, L(r, "☰ Menu", "☰ Menu"));
		html_lit(b, "</button><nav id=\"menu\" popover aria-label=\"");
		html_text(b, L(r, "Điều hướng", "Navigation"));
		html_lit(b, "\">");
		for (int g = 0; g < NG__MAX; g++)
			nav_group(r, (enum nav_group_id)g);
		html_lit(b, "</nav><a class=\"me\" href=\"/admin/account\">");
		html_text(b, *r->officer->display_name ? r->officer->display_name : r->officer->username);
		html_lit(b, " · ");
		html_text(b, r->officer->unit_name);
		html_lit(b, "</a>");
		html_form_begin(r, "/admin/logout", "logout");
		html_lit(b, "<button type=\"submit\" class=\"link\">");
		html_text(b, tr(r->lang, MSG_LOGOUT));
		html_lit(b, "</button></form>");
	}
	html_lit(b, "</header>\n<main class=\"wide\">");
}

/* Closes what console_begin opened. */
void
console_end(struct req *r)
{
	html_lit(r->out, "</main></body></html>\n");
}

/* Starts a whole console page with `status`, dropping anything written
 * before: the frame and an <h1> holding the title. The caller writes the
 * body, then console_end(). */
void
console_page(struct req *r, int status, const char *title)
{
	console_restart(r, status, title);
	console_wrap(r, "<h1>", title, "</h1>");
}

/* The top of a sign-in step's page (/admin/login, /admin/login/totp),
 * with `status`: the public frame (nobody is signed in yet, so no
 * navigation), an <h1> of `title`, the problem (id "login-error"; NULL:
 * none), a note (NULL: none), then the POST form to `action` opened with
 * its stateless anti-forgery token for `purpose` and the `next` path
 * (made safe). The caller writes the fields, "</form>", html_page_end(). */
void
console_signin_begin(struct req *r, int status, const char *title, const char *problem, const char *note,
    const char *action, const char *purpose, const char *next)
{
	struct buf *b = r->out;
	char csrf[CSRF_TOKEN_MAX];
	buf_reset(b);
	/* the token belongs to this browser's sign-in cookie: no login CSRF */
	csrf_form_token(r->app->keys, arena_printf(r->arena, "console|%s", auth_browser(r, true)), purpose, time(NULL), csrf);
	r->status = status;
	html_page_begin(r, title);
	console_wrap(r, "<h1>", title, "</h1>");
	if (problem)
		console_wrap(r, "<p class=\"alert\" role=\"alert\" id=\"login-error\">", problem, "</p>");
	console_note(r, note);
	html_lit(b, "<form method=\"post\" action=\"");
	html_attr(b, action);
	html_lit(b, "\" accept-charset=\"utf-8\"><input type=\"hidden\" name=\"_token\" value=\"");
	html_attr(b, csrf);
	html_lit(b, "\"><input type=\"hidden\" name=\"next\" value=\"");
	html_attr(b, auth_safe_next(next));
	html_lit(b, "\">");
}

/* Reads a sign-in step's POST body into `in` and checks the token that
 * console_signin_begin() put in its form for `purpose`: 0 when both are
 * good; -1 after answering 400/413/415 (a malformed body); 1 when the
 * token is missing, wrong, expired or not this browser's (no sign-in
 * cookie: the caller shows its form again with 403, saying so, and that
 * form sets the cookie). */
int
console_signin_read(struct req *r, const char *purpose, struct kvlist *in)
{
	enum req_err bad = req_form(r, FORM_BODY_MAX, in);
	if (bad != REQ_OK) {
		http_req_error(r, bad);
		return -1;
	}
	const char *browser = auth_browser(r, false);
	if (browser == NULL)
		return 1;
	return csrf_form_check(r->app->keys, arena_printf(r->arena, "console|%s", browser), purpose, kv_get(in, "_token"),
	    time(NULL)) == CSRF_OK ? 0 : 1;
}

/* The same for a page under a list: the link back to `href` above the
 * <h1> holding `title`. */
void
console_page_back(struct req *r, int status, const char *title, const char *href, const char *vi, const char *en)
{
	buf_reset(r->out);
	r->status = status;
	r->resp_type = NULL;
	console_begin(r, title);
	console_back(r, href, vi, en);
	console_wrap(r, "<h1>", title, "</h1>");
}

/* The same for a page whose tab title (`title`) is shorter than its
 * <h1> (`vi`/`en`): the frame, the heading; the caller writes the body,
 * then console_end(). */
void
console_page_titled(struct req *r, int status, const char *title, const char *vi, const char *en)
{
	buf_reset(r->out);
	r->status = status;
	r->resp_type = NULL;
	console_begin(r, title);
	console_heading(r, 1, NULL, vi, en);
}

/* The notice for ?done=KEY when KEY is one of the page's (never echoed as
 * given), as a status line with id "notice". Nothing on an error page. */
void
console_notice(struct req *r, const struct console_notice *notices, size_t n)
{
	const char *done = kv_get(&r->args, "done");
	for (size_t i = 0; done && r->status == 200 && i < n; i++) {
		if (strcmp(done, notices[i].key) != 0)
			continue;
		html_lit(r->out, "<p class=\"note\" role=\"status\" id=\"notice\">");
		html_text(r->out, L(r, notices[i].vi, notices[i].en));
		html_lit(r->out, "</p>");
	}
}

/* The same for ?ARG=KEY, leaving the paragraph open so the page can add
 * to it (a count, a link) before writing "</p>". The notice written, or
 * NULL (nothing written). */
const struct console_notice *
console_notice_open(struct req *r, const char *arg, const struct console_notice *notices, size_t n)
{
	const char *key = kv_get(&r->args, arg);
	for (size_t i = 0; key && r->status == 200 && i < n; i++) {
		if (strcmp(key, notices[i].key) != 0)
			continue;
		html_lit(r->out, "<p class=\"note\" role=\"status\" id=\"notice\">");
		html_text(r->out, L(r, notices[i].vi, notices[i].en));
		return &notices[i];
	}
	return NULL;
}

/* ---- page parts ---- */

/* <hLEVEL id="ID">text</hLEVEL>; `level` 1 to 4 (clamped), `id` may be NULL. */
void
console_heading(struct req *r, int level, const char *id, const char *vi, const char *en)
{
	level = level < 1 ? 1 : level > 4 ? 4 : level;
	buf_appendf(r->out, "<h%d", level);
	if (id) {
		html_lit(r->out, " id=\"");
		html_attr(r->out, id);
		html_lit(r->out, "\"");
	}
	html_lit(r->out, ">");
	html_text(r->out, L(r, vi, en));
	buf_appendf(r->out, "</h%d>", level);
}

/* Opens <section> with its <h2>; the caller closes it with "</section>". */
void
console_section(struct req *r, const char *vi, const char *en)
{
	html_lit(r->out, "<section>");
	console_heading(r, 2, NULL, vi, en);
}

/* The same with an id the page links to: <section id="ID"><h2>. */
void
console_section_id(struct req *r, const char *id, const char *vi, const char *en)
{
	html_lit(r->out, "<section id=\"");
	html_attr(r->out, id);
	html_lit(r->out, "\">");
	console_heading(r, 2, NULL, vi, en);
}

/* What went wrong, read out by screen readers (id "problem"); nothing when
 * `msg` is NULL, so callers pass their optional problem straight in. */
void
console_alert(struct req *r, const char *msg)
{
	if (msg == NULL)
		return;
	console_wrap(r, "<p class=\"alert\" role=\"alert\" id=\"problem\">", msg, "</p>");
}

/* A quiet paragraph of explanation; nothing when `msg` is NULL. */
void
console_note(struct req *r, const char *msg)
{
	if (msg == NULL)
		return;
	console_wrap(r, "<p class=\"note\">", msg, "</p>");
}

/* A hint under a heading or beside a form: <p class="hint">; nothing
 * when `msg` is NULL. */
void
console_hint(struct req *r, const char *msg)
{
	if (msg)
		console_wrap(r, "<p class=\"hint\">", msg, "</p>");
}

/* A plain paragraph of text; nothing when `msg` is NULL. */
void
console_para(struct req *r, const char *msg)
{
	if (msg)
		console_wrap(r, "<p>", msg, "</p>");
}

/* OPEN, `text` escaped, CLOSE: the one home of "markup, text, markup"
 * that pages otherwise write as three calls. Use console_wrap(), which
 * accepts only literals for the markup. */
void
console_wrap_literal(struct req *r, const char *open_literal, const char *text, const char *close_literal)
{
	html_raw_trusted(r->out, open_literal);
	html_text(r->out, text);
	html_raw_trusted(r->out, close_literal);
}

/* A link drawn as a button: <a class="CLS" href="HREF">; `href` a path
 * or fragment this program wrote. */
void
console_button_link(struct req *r, const char *cls, const char *href, const char *vi, const char *en)
{
	html_lit(r->out, "<a class=\"");
	html_attr(r->out, cls);
	html_lit(r->out, "\" href=\"");
	html_attr(r->out, href);
	console_wrap(r, "\">", L(r, vi, en), "</a>");
}

/* A paragraph holding one link back (or up) to `href`. */
void
console_back(struct req *r, const char *href, const char *vi, const char *en)
{
	html_lit(r->out, "<p>");
	console_link(r, href, L(r, vi, en));
	html_lit(r->out, "</p>");
}

/* <a href="HREF">TEXT</a>, both escaped; `href` is a path this program
 * built (ids in it are digits the route matched or the database gave). */
void
console_link(struct req *r, const char *href, const char *text)
{
	html_lit(r->out, "<a href=\"");
	html_attr(r->out, href);
	console_wrap(r, "\">", text, "</a>");
}

/* One row of a <dl class="meta">: <dt>label</dt><dd>value</dd>. */
void
console_meta(struct req *r, const char *vi, const char *en, const char *value)
{
	console_wrap(r, "<dt>", L(r, vi, en), "</dt>");
	console_wrap(r, "<dd>", value, "</dd>");
}

/* The same with the value a link: <dt>label</dt><dd><a href>text</a></dd>. */
void
console_meta_link(struct req *r, const char *vi, const char *en, const char *href, const char *text)
{
	console_wrap(r, "<dt>", L(r, vi, en), "</dt><dd>");
	console_link(r, href, text);
	html_lit(r->out, "</dd>");
}

/* A column heading: <th scope="col">. */
void
console_th(struct req *r, const char *vi, const char *en)
{
	console_wrap(r, "<th scope=\"col\">", L(r, vi, en), "</th>");
}

/* A table's head row of column headings, then <tbody>; the caller has
 * opened <table> and closes "</tbody></table>". */
void
console_thead(struct req *r, const struct console_label *cols, size_t n)
{
	html_lit(r->out, "<thead><tr>");
	for (size_t i = 0; i < n; i++)
		console_th(r, cols[i].vi, cols[i].en);
	html_lit(r->out, "</tr></thead><tbody>");
}

/* What a list says when nothing matches: <p class="empty">. */
void
console_empty(struct req *r, const char *vi, const char *en)
{
	console_wrap(r, "<p class=\"empty\">", L(r, vi, en), "</p>");
}

/* A list's table, or what it says when it is empty: with `n` rows,
 * OPEN (the <table> tag, a literal: see console_table()) and the head row
 * of `cols`, then true, and the caller writes the rows and
 * "</tbody></table>"; with none, <p class="empty"> and false. */
bool
console_table_literal(struct req *r, int n, const char *open_literal, const struct console_label *cols, size_t ncols,
    const char *empty_vi, const char *empty_en)
{
	if (n == 0) {
		console_empty(r, empty_vi, empty_en);
		return false;
	}
	html_raw_trusted(r->out, open_literal);
	console_thead(r, cols, ncols);
	return true;
}

/* A list table of `res`'s rows: console_table()'s "nothing" paragraph
 * when there is none, else OPEN (a literal: see console_table_each()),
 * the head row of `cols`, each row written by `row` and
 * "</tbody></table>". The caller still owns `res`. */
void
console_table_each_literal(struct req *r, PGresult *res, const char *open_literal, const struct console_label *cols,
    size_t ncols, const char *empty_vi, const char *empty_en, void (*row)(struct req *, PGresult *, int))
{
	int n = PQntuples(res);
	if (console_table_literal(r, n, open_literal, cols, ncols, empty_vi, empty_en)) {
		for (int i = 0; i < n; i++)
			row(r, res, i);
		html_lit(r->out, "</tbody></table>");
	}
}

/* A table that stays a table when it is empty (a count above it, forms
 * in its rows): OPEN (a literal: see console_table_kept()), the head row
 * of `cols`, and with `n` 0 one row <td colspan="NCOLS" class="empty">
 * saying so (none when `n` is below 0: the query failed). The caller
 * writes the rows and "</tbody></table>". */
void
console_table_kept_literal(struct req *r, int n, const char *open_literal, const struct console_label *cols, size_t ncols,
    const char *empty_vi, const char *empty_en)
{
	html_raw_trusted(r->out, open_literal);
	console_thead(r, cols, ncols);
	if (n != 0)
		return;
	buf_appendf(r->out, "<tr><td colspan=\"%zu\" class=\"empty\">", ncols);   /* a row, not a <p>: nothing but rows goes in a table */
	html_text(r->out, L(r, empty_vi, empty_en));
	html_lit(r->out, "</td></tr>");
}

/* Opens a table row: <tr class="CLS" data-K="V" ...>, `cls` NULL for
 * none; each data-K names what tests and admin.js find the row by. */
void
console_tr(struct req *r, const char *cls, const struct kv *data, size_t n)
{
	html_lit(r->out, "<tr");
	if (cls) {
		html_lit(r->out, " class=\"");
		html_attr(r->out, cls);
		html_lit(r->out, "\"");
	}
	for (size_t i = 0; i < n; i++) {
		html_lit(r->out, " data-");
		html_attr(r->out, data[i].key);
		html_lit(r->out, "=\"");
		html_attr(r->out, data[i].val);
		html_lit(r->out, "\"");
	}
	html_lit(r->out, ">");
}

/* A table cell holding text. */
void
console_td(struct req *r, const char *text)
{
	console_wrap(r, "<td>", text, "</td>");
}

/* A table cell holding a link: <td><a href="HREF">TEXT</a></td>. */
void
console_td_link(struct req *r, const char *href, const char *text)
{
	html_lit(r->out, "<td>");
	console_link(r, href, text);
	html_lit(r->out, "</td>");
}

/* One row of a figures table: <tr><th scope="row">LABEL</th><td
 * class="num">VALUE</td></tr>, both escaped. */
void
console_figure(struct req *r, const char *label, const char *value)
{
	console_wrap(r, "<tr><th scope=\"row\">", label, "</th>");
	console_wrap(r, "<td class=\"num\">", value, "</td></tr>");
}

/* Opens a list's search form: GET to `action`, class "filters", with a
 * labelled search box "q" holding `q` (at most `maxlen` characters). The
 * caller adds further filters, its button, and closes "</form>". */
void
console_search(struct req *r, const char *action, const char *vi, const char *en, const char *q, int maxlen)
{
	html_lit(r->out, "<form method=\"get\" action=\"");
	html_attr(r->out, action);
	console_wrap(r, "\" class=\"filters\" role=\"search\"><label>", L(r, vi, en), " <input type=\"search\" name=\"q\"");
	buf_appendf(r->out, " maxlength=\"%d\" value=\"", maxlen);
	html_attr(r->out, q);
	html_lit(r->out, "\"></label>");
}

/* PATH?k=v&k=v into an href attribute: each value URL-encoded, empty or
 * NULL values left out, the '&' escaped for the attribute. */
void
console_href(struct req *r, const char *path, const struct kv *args, size_t n)
{
	bool first = true;
	html_attr(r->out, path);
	for (size_t i = 0; i < n; i++) {
		if (args[i].val == NULL || *args[i].val == '\0')
			continue;
		if (first)
			html_lit(r->out, "?");
		else
			html_lit(r->out, "&amp;");
		first = false;
		html_url_arg(r->out, args[i].key);
		html_lit(r->out, "=");
		html_url_arg(r->out, args[i].val);
	}
}

/* The pager of a list read by keyset ("rows before this one"): one button
 * to the next page, PATH with its arguments as console_href writes them.
 * Callers show it only when a row more than the page was found. */
void
console_next(struct req *r, const char *path, const struct kv *args, size_t n, const char *vi, const char *en)
{
	html_lit(r->out, "<p><a class=\"btn\" rel=\"next\" href=\"");
	console_href(r, path, args, n);
	console_wrap(r, "\">", L(r, vi, en), "</a></p>");
}

/* ---- form posts that name their action ---- */

/* Runs the row of `actions` the posted field "action" names (a page with
 * several forms on one path, e.g. create and settings); 400 when it
 * names none. */
void
console_dispatch(struct req *r, const struct console_action *actions, size_t n)
{
	const char *action = kv_get_or_empty(&r->form, "action");
	for (size_t i = 0; i < n; i++)
		if (strcmp(action, actions[i].name) == 0) {
			actions[i].run(r);
			return;
		}
	http_error(r, 400, MSG__MAX);
}

/* ---- endings ---- */

/* true on FOUND; otherwise ends the request with 404 (MISSING: nothing
 * by that id in the officer's scope) or 503 (DB_DOWN) and gives false:
 *     if (!console_found(r, unit_load(r, r->id[0], &u))) return; */
bool
console_found(struct req *r, enum found f)
{
	switch (f) {
	case FOUND:
		return true;
	case MISSING:
		http_error(r, 404, MSG__MAX);
		return false;
	default:
		http_error(r, 503, MSG__MAX);
		return false;
	}
}

/* A statement failed in a way the officer cannot fix: logged (what, and
 * PostgreSQL's message: never request data), then 500 so the dispatcher
 * rolls the transaction back, or 503 when `res` is NULL (database away).
 * Clears `res`. */
void
console_db_failed(struct req *r, PGresult *res, const char *what)
{
	if (res)   /* the SQLSTATE and constraint, not the message: it may quote what was typed */
		log_warn("%s: SQLSTATE %s %s", what, db_sqlstate(res),
		    PQresultErrorField(res, PG_DIAG_CONSTRAINT_NAME) ? PQresultErrorField(res, PG_DIAG_CONSTRAINT_NAME) : "");
	http_error(r, res ? 500 : 503, MSG__MAX);
	PQclear(res);
}

/* The end of a POST that changed one row named by the posted `id`: `res`
 * is the UPDATE ... RETURNING id (scope and state in its WHERE). A failed
 * statement is console_db_failed(); no row is 404 (outside the scope, or
 * not in a state the action takes, reads as absent); one row is audited as
 * `action` on `id` and answered 303 to `done`. Clears `res`. */
void
console_changed_one(struct req *r, PGresult *res, const char *what, const char *action, const char *id, const char *done)
{
	if (!db_ok(res)) {
		console_db_failed(r, res, what);
		return;
	}
	bool found = PQntuples(res) == 1;
	PQclear(res);
	if (!found) {
		http_error(r, 404, MSG__MAX);
		return;
	}
	audit_officer(r, action, id, "");
	http_redirect(r, done);
}

/* The id an INSERT ... RETURNING id gave, from the arena, `res` cleared;
 * NULL after console_db_failed() (logged under `what`) when the statement
 * failed or returned no row. */
const char *
console_new_id(struct req *r, PGresult *res, const char *what)
{
	const char *id = db_scalar(res) ? arena_strdup(r->arena, db_scalar(res)) : NULL;
	if (id == NULL) {
		console_db_failed(r, res, what);
		return NULL;
	}
	PQclear(res);
	return id;
}

/* Sends a one-row (filename, data) result `res` (cleared here) as a
 * sandboxed PDF download (http_download; 404 when empty or outside the
 * scope), audited as `action` on `object`. */
void
console_send_pdf(struct req *r, PGresult *res, const char *action, const char *object)
{
	enum { PF_NAME, PF_DATA };
	if (!console_found(r, db_one(res)))
		return;
	http_download(r, "application/pdf", arena_strndup(r->arena, PQgetvalue(res, 0, PF_NAME), (size_t)PQgetlength(res, 0, PF_NAME)));
	http_buffer_write(r, PQgetvalue(res, 0, PF_DATA), (size_t)PQgetlength(res, 0, PF_DATA));
	PQclear(res);
	audit_officer(r, action, object, "");
}

/* A small console page with `status` that says why something was not
 * done (id "refused") and links `back`. */
void
console_refuse(struct req *r, int status, const char *vi, const char *en, const char *back)
{
	console_page(r, status, L(r, "Không thực hiện được", "Not done"));
	console_wrap(r, "<p class=\"alert\" role=\"alert\" id=\"refused\">", L(r, vi, en), "</p>");
	console_back(r, back, "← Quay lại", "← Back");
	console_end(r);
}

/* ---- the frame started again, check boxes, filter selects, a query's rows, status facts ---- */

/* Starts a whole console page with `status`, dropping anything written
 * before: the frame only, for pages whose heading is more than the title
 * (a back link above it, a tag inside it). The caller writes the body,
 * then console_end(). */
void
console_restart(struct req *r, int status, const char *title)
{
	buf_reset(r->out);
	r->status = status;
	r->resp_type = NULL;
	console_begin(r, title);
}


/* <label[ class="CLS"]><input type="TYPE" name="NAME" value="VALUE"[ checked=""]>
 * LABEL</label>: one check box or radio button with its words after it;
 * `cls` ("choice": the touch-sized row) may be NULL, `type` is "checkbox"
 * or "radio", all escaped. */
void
console_check(struct req *r, const char *cls, const char *type, const char *name, const char *value, const char *label,
    bool checked)
{
	struct buf *b = r->out;
	const struct kv label_attrs[] = { { "class", cls, 0 } };
	const struct kv input_attrs[] = {
		{ "type", type, 0 }, { "name", name, 0 }, { "value", value, 0 }, { "checked", checked ? "" : NULL, 0 },
	};
	html_lit(b, "<label");
	html_attrs(b, label_attrs, 1);
	html_lit(b, "><input");
	html_attrs(b, input_attrs, 4);
	html_lit(b, "> ");
	html_text(b, label);
	html_lit(b, "</label>");
}

/* <label>LABEL <select name="NAME"[ id="ID"][ required=""]>, left open for
 * the options (console_option); the caller closes "</select></label>".
 * For filter bars, where the label wraps its control. */
void
console_select_open(struct req *r, const char *vi, const char *en, const char *name, const char *id, bool required)
{
	struct buf *b = r->out;
	const struct kv a[] = { { "name", name, 0 }, { "id", id, 0 }, { "required", required ? "" : NULL, 0 } };
	html_lit(b, "<label>");
	html_text(b, L(r, vi, en));
	html_lit(b, " <select");
	html_attrs(b, a, 3);
	html_lit(b, ">");
}

/* A query's result when it worked, else NULL: cleared, and a warning
 * naming `what` (a literal: "brief", "queue") with its SQLSTATE when the
 * database answered with an error. The caller clears what it gets. */
PGresult *
console_rows(PGresult *res, const char *what)
{
	if (res != NULL && db_ok(res))
		return res;
	if (res)
		log_warn("%s: SQLSTATE %s", what, db_sqlstate(res));
	PQclear(res);
	return NULL;
}

/* A row of a <dl class="meta"> for a status: <dt>label</dt><dd id="ID"
 * data-status="STATUS">TEXT</dd>, the stored value kept for scripts and
 * tests beside the words shown. `id` is a literal of the page. */
void
console_meta_status(struct req *r, const char *vi, const char *en, const char *id, const char *status, const char *text)
{
	html_lit(r->out, "<dt>");
	html_text(r->out, L(r, vi, en));
	const struct kv a[] = { { "id", id, 0 }, { "data-status", status, 0 } };
	html_lit(r->out, "</dt><dd");
	html_attrs(r->out, a, 2);
	html_lit(r->out, ">");
	html_text(r->out, text);
	html_lit(r->out, "</dd>");
}

/* ---- column headings, a failed query's ending, action forms ---- */

void
console_ths(struct req *r, const struct console_label *cols, size_t n, size_t first_num)
{
	for (size_t i = 0; i < n; i++)
		if (i < first_num)
			console_th(r, cols[i].vi, cols[i].en);
		else
			console_wrap(r, "<th scope=\"col\" class=\"num\">", L(r, cols[i].vi, cols[i].en), "</th>");
}

bool
console_query_failed(struct req *r, PGresult *res, const char *what)
{
	if (res != NULL && db_ok(res))
		return false;
	console_db_failed(r, res, what);
	return true;
}

/* A list page's opening, its query run first: console_query_failed()'s
 * page and false when `res` failed, else console_page() and true (the
 * caller writes the rows and owns `res`). */
bool
console_page_rows(struct req *r, PGresult *res, const char *what, int status, const char *title)
{
	if (console_query_failed(r, res, what))
		return false;
	console_page(r, status, title);
	return true;
}

void
console_action_open(struct req *r, const char *path, const char *cls, const char *action, const char *name,
    const char *value)
{
	html_form_begin(r, path, cls);
	html_lit(r->out, "<input type=\"hidden\" name=\"action\" value=\"");
	html_attr(r->out, action);
	html_lit(r->out, "\">");
	if (name == NULL)
		return;
	html_lit(r->out, "<input type=\"hidden\" name=\"");
	html_attr(r->out, name);
	html_lit(r->out, "\" value=\"");
	html_attr(r->out, value);
	html_lit(r->out, "\">");
}
