/* console.c: the officer console's kit (as cgit's ui-shared.c): the frame and navigation, headings, notices, labelled fields, posted values and the pages a request ends with. */
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

/* The console's head, a navigation bar with what the officer's role may
 * open (the data-requests entry carries how many are overdue), and who is
 * signed in with the sign-out button. `title` is escaped. */
void
console_begin(struct req *r, const char *title)
{
	static const struct { const char *href, *vi, *en; enum role min; } nav[] = {
		{ "/admin/", "Phản ánh", "Reports", ROLE_VIEWER },
		{ "/admin/enter", "Nhập phản ánh", "Enter a report", ROLE_OFFICER },
		{ "/admin/cases", "Vụ việc", "Cases", ROLE_VIEWER },
		{ "/admin/export", "Xuất dữ liệu", "Export", ROLE_OFFICER },
		{ "/admin/brief", "Tóm tắt đối thoại", "Dialogue brief", ROLE_VIEWER },
		{ "/admin/workplaces", "Nơi làm việc & mã QR", "Workplaces & QR codes", ROLE_VIEWER },
		{ "/admin/units", "Đơn vị", "Units", ROLE_VIEWER },
		{ "/admin/officers", "Cán bộ", "Officers", ROLE_ADMIN },
		{ "/admin/audit", "Nhật ký", "Audit log", ROLE_ADMIN },
		{ "/admin/requests", "Yêu cầu dữ liệu", "Data requests", ROLE_ADMIN },
		{ "/admin/calendar", "Ngày lễ & thời hạn", "Holidays & deadlines", ROLE_ADMIN },
		{ "/admin/outbox", "Thư & webhook", "Mail & webhooks", ROLE_ADMIN },
		{ "/admin/account", "Tài khoản", "Account", ROLE_VIEWER },
		{ "/admin/tokens", "Khóa API", "API tokens", ROLE_VIEWER },
		{ "/admin/dashboard", "Tổng quan", "Dashboard", ROLE_VIEWER },
		{ "/admin/stats", "Thống kê", "Statistics", ROLE_VIEWER },
	};
	struct buf *b = r->out;
	html_head(r, title);
	html_lit(b, "<link rel=\"stylesheet\" href=\"/static/" STATIC_VERSION "/admin.css\">"
	    "<script src=\"/static/" STATIC_VERSION "/admin.js\" defer></script></head>\n<body class=\"admin\">"
	    "<header><span class=\"brand\">" APP_NAME "</span><nav aria-label=\"");
	html_text(b, L(r, "Điều hướng", "Navigation"));
	html_lit(b, "\">");
	for (size_t i = 0; r->officer && i < sizeof(nav) / sizeof(nav[0]); i++) {
		if (r->officer->role < nav[i].min)
			continue;
		size_t hl = strlen(nav[i].href);
		bool here = strcmp(r->path, nav[i].href) == 0 || (hl > 7 && strncmp(r->path, nav[i].href, hl) == 0);
		if (here)
			html_lit(b, "<a aria-current=\"page\" href=\"");
		else
			html_lit(b, "<a href=\"");
		html_attr(b, nav[i].href);
		html_lit(b, "\">");
		html_text(b, L(r, nav[i].vi, nav[i].en));
		long late = strcmp(nav[i].href, "/admin/requests") == 0 ? privacy_overdue_count(r->app->db) : 0;
		if (late > 0) {   /* requests past their acknowledge-by day (RLS: the admin's scope) */
			html_lit(b, " <span class=\"tag urgent\" id=\"requests-overdue\">");
			html_text(b, arena_printf(r->arena, r->lang == LANG_EN ? "%ld overdue" : "%ld quá hạn", late));
			html_lit(b, "</span>");
		}
		html_lit(b, "</a>");
	}
	html_lit(b, "</nav>");
	if (r->officer) {
		html_lit(b, "<span class=\"me\">");
		html_text(b, *r->officer->display_name ? r->officer->display_name : r->officer->username);
		html_lit(b, " · ");
		html_text(b, r->officer->unit_name);
		html_lit(b, "</span>");
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
	buf_reset(r->out);
	r->status = status;
	r->resp_type = NULL;
	console_begin(r, title);
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

/* ---- form fields ---- */

/* Keeps a field's error (the first CONSOLE_ERRS_MAX; strings must outlive
 * the page: literals or the arena). */
void
console_err_add(struct console_errs *e, const char *field, const char *msg)
{
	if (e->n < CONSOLE_ERRS_MAX) {
		e->field[e->n] = field;
		e->msg[e->n++] = msg;
	}
}

/* The error kept for `field`, or NULL (also when `e` is NULL). */
const char *
console_err_of(const struct console_errs *e, const char *field)
{
	for (size_t i = 0; e && i < e->n; i++)
		if (strcmp(e->field[i], field) == 0)
			return e->msg[i];
	return NULL;
}

/* Opens a labelled field of a console form: <div class="field">, the label
 * of control `id` (NULL: the caller writes its own, e.g. around a
 * checkbox), a hint, and the error right above the control as "e-ID", which
 * console_field_invalid() ties the control to. The caller writes the
 * control, then "</div>". */
void
console_field_begin(struct req *r, const char *id, const char *label, const char *hint, const char *error)
{
	struct buf *b = r->out;
	if (error)
		html_lit(b, "<div class=\"field error\">");
	else
		html_lit(b, "<div class=\"field\">");
	if (label) {
		html_lit(b, "<label for=\"");
		html_attr(b, id);
		html_lit(b, "\">");
		html_text(b, label);
		html_lit(b, "</label>");
	}
	if (hint) {
		html_lit(b, "<p class=\"hint\">");
		html_text(b, hint);
		html_lit(b, "</p>");
	}
	if (error) {
		html_lit(b, "<p class=\"msg\" role=\"alert\" id=\"e-");
		html_attr(b, id);
		html_lit(b, "\">");
		html_text(b, error);
		html_lit(b, "</p>");
	}
}

/* Inside a control's tag: the attributes that tie it to its error, if any. */
void
console_field_invalid(struct req *r, const char *id, const char *error)
{
	if (error == NULL)
		return;
	html_lit(r->out, " aria-invalid=\"true\" aria-describedby=\"e-");
	html_attr(r->out, id);
	html_lit(r->out, "\"");
}

/* id, name and, on error, the link to the message. */
static void
control_attrs(struct req *r, const char *id, const char *name, const char *error)
{
	html_lit(r->out, " id=\"");
	html_attr(r->out, id);
	html_lit(r->out, "\" name=\"");
	html_attr(r->out, name);
	html_lit(r->out, "\"");
	console_field_invalid(r, id, error);
}

/* A labelled one-line text field "f-FORM-NAME" holding `value` (NULL:
 * empty), with its error from `e` (may be NULL). */
void
console_input(struct req *r, const char *form, const char *name, const char *label, const char *hint,
    const char *value, const struct console_errs *e, int maxlen, bool required)
{
	struct buf *b = r->out;
	const char *id = arena_printf(r->arena, "f-%s-%s", form, name), *error = console_err_of(e, name);
	console_field_begin(r, id, label, hint, error);
	html_lit(b, "<input type=\"text\"");
	control_attrs(r, id, name, error);
	buf_appendf(b, " maxlength=\"%d\"", maxlen);
	if (required)
		html_lit(b, " required");
	html_lit(b, " value=\"");
	html_attr(b, value ? value : "");
	html_lit(b, "\"></div>");
}

/* A labelled <select> of fixed choices: values[i] shown as labels[i],
 * `value` selected. */
void
console_choice(struct req *r, const char *form, const char *name, const char *label, const char *value,
    const struct console_errs *e, size_t n, const char *const *values, const char *const *labels)
{
	const char *id = arena_printf(r->arena, "f-%s-%s", form, name), *error = console_err_of(e, name);
	console_field_begin(r, id, label, NULL, error);
	html_lit(r->out, "<select");
	control_attrs(r, id, name, error);
	html_lit(r->out, ">");
	for (size_t i = 0; i < n; i++)
		console_option(r, values[i], labels[i], value && strcmp(value, values[i]) == 0);
	html_lit(r->out, "</select></div>");
}

/* A labelled <textarea> field: id `id`, `value` (NULL: empty) kept,
 * `error` (may be NULL) beside it as console_field_begin() writes it. */
void
console_textarea(struct req *r, const char *id, const char *name, const char *label, const char *value,
    const char *error, int rows, int maxlen, bool required)
{
	struct buf *b = r->out;
	console_field_begin(r, id, label, NULL, error);
	html_lit(b, "<textarea");
	control_attrs(r, id, name, error);
	buf_appendf(b, " rows=\"%d\" maxlength=\"%d\"", rows, maxlen);
	if (required)
		html_lit(b, " required");
	console_wrap(r, ">", value ? value : "", "</textarea></div>");
}

/* One <option>, escaped. */
void
console_option(struct req *r, const char *value, const char *label, bool selected)
{
	if (selected)
		html_lit(r->out, "<option selected value=\"");
	else
		html_lit(r->out, "<option value=\"");
	html_attr(r->out, value);
	html_lit(r->out, "\">");
	html_text(r->out, label);
	html_lit(r->out, "</option>");
}


/* <button type="submit" class="CLS">; `cls` e.g. "btn" or "btn primary". */
void
console_button(struct req *r, const char *cls, const char *vi, const char *en)
{
	html_lit(r->out, "<button type=\"submit\" class=\"");
	html_attr(r->out, cls);
	console_wrap(r, "\">", L(r, vi, en), "</button>");
}

/* A form's submit button and the end of the form. */
void
console_submit(struct req *r, const char *cls, const char *vi, const char *en)
{
	console_button(r, cls, vi, en);
	html_lit(r->out, "</form>");
}

/* ---- the officer's unit tree ---- */

enum { T_ID, T_DEPTH, T_CODE, T_NAME, T_KIND, T_STATUS, T_HOTLINE, T_MERGED, T_ENDED, T_WORKPLACES, T_QR, T_PATH };

/* The officer's subtree in display order (depth first, siblings by name),
 * with what the unit pages show: *out from the arena. The number of units,
 * or -1 when the database failed (nothing answered yet). */
int
console_units(struct req *r, struct console_unit **out)
{
	const char *p[2] = { r->officer->unit_path, r->lang == LANG_EN ? "en" : "vi" };
	PGresult *t = db_query(r->app->db,
	    "WITH RECURSIVE t AS ("
	    " SELECT u.id, 0 AS depth, ARRAY[vn_fold(u.name), u.id::text] AS k FROM org_unit u WHERE u.path = $1"
	    " UNION ALL"
	    " SELECT c.id, t.depth + 1, t.k || ARRAY[vn_fold(c.name), c.id::text]"
	    " FROM org_unit c JOIN t ON c.parent_id = t.id WHERE c.path LIKE $1 || '%') "
	    "SELECT u.id, t.depth, u.code, u.name, CASE WHEN $2 = 'en' THEN k.name_en ELSE k.name_vi END, u.status, "   /* T_ID .. T_STATUS */
	    "coalesce(u.hotline, ''), coalesce(m.name, ''), "   /* T_HOTLINE, T_MERGED */
	    "coalesce(to_char(u.ended_at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'DD/MM/YYYY'), ''), "   /* T_ENDED */
	    "(SELECT count(*) FROM workplace w WHERE w.unit_id = u.id), "   /* T_WORKPLACES */
	    "(SELECT count(*) FROM entry_point e JOIN workplace w ON w.id = e.workplace_id "
	    " WHERE w.unit_id = u.id AND e.revoked_at IS NULL), u.path "   /* T_QR, T_PATH */
	    "FROM t JOIN org_unit u ON u.id = t.id JOIN unit_kind k ON k.code = u.kind "
	    "LEFT JOIN org_unit m ON m.id = u.merged_into "
	    "WHERE u.path LIKE $1 || '%' ORDER BY t.k", 2, p);
	if (!db_ok(t)) {
		PQclear(t);
		return -1;
	}
	int n = PQntuples(t);
	struct console_unit *u = arena_alloc(r->arena, sizeof(*u) * (size_t)(n > 0 ? n : 1));
	if (u == NULL) {
		PQclear(t);
		return -1;
	}
	for (int i = 0; i < n; i++) {
		u[i].id = arena_strdup(r->arena, PQgetvalue(t, i, T_ID));
		u[i].depth = atoi(PQgetvalue(t, i, T_DEPTH));
		u[i].code = arena_strdup(r->arena, PQgetvalue(t, i, T_CODE));
		u[i].name = arena_strdup(r->arena, PQgetvalue(t, i, T_NAME));
		u[i].kind = arena_strdup(r->arena, PQgetvalue(t, i, T_KIND));
		u[i].status = arena_strdup(r->arena, PQgetvalue(t, i, T_STATUS));
		u[i].hotline = arena_strdup(r->arena, PQgetvalue(t, i, T_HOTLINE));
		u[i].merged_into = arena_strdup(r->arena, PQgetvalue(t, i, T_MERGED));
		u[i].ended = arena_strdup(r->arena, PQgetvalue(t, i, T_ENDED));
		u[i].workplaces = atol(PQgetvalue(t, i, T_WORKPLACES));
		u[i].qr = atol(PQgetvalue(t, i, T_QR));
		u[i].path = arena_strdup(r->arena, PQgetvalue(t, i, T_PATH));
	}
	PQclear(t);
	*out = u;
	return n;
}

/* The <option>s of units `u`, indented by depth, `selected` chosen;
 * leaving out the subtree at `exclude_path` (NULL: none). A `choice`
 * offers only active units, each with its code; a filter offers all. */
static void
unit_options(struct req *r, const struct console_unit *u, int n, const char *selected, const char *exclude_path,
    bool choice)
{
	struct buf *b = r->out;
	for (int i = 0; i < n; i++) {
		if (choice && strcmp(u[i].status, "active") != 0)
			continue;
		if (exclude_path && strncmp(u[i].path, exclude_path, strlen(exclude_path)) == 0)
			continue;
		if (selected && strcmp(selected, u[i].id) == 0)
			html_lit(b, "<option selected value=\"");
		else
			html_lit(b, "<option value=\"");
		html_attr(b, u[i].id);
		html_lit(b, "\">");
		for (int d = u[i].depth; d > 0; d--)
			html_lit(b, "\xc2\xa0\xc2\xa0\xc2\xa0");
		html_text(b, u[i].name);
		if (choice) {
			html_lit(b, " (");
			html_text(b, u[i].code);
			html_lit(b, ")");
		}
		html_lit(b, "</option>");
	}
}

/* A list filter's <select name="unit"> of every unit of `u` (merged and
 * ended ones too: their reports stay), with an empty "all" choice. */
void
console_unit_filter(struct req *r, const struct console_unit *u, int n, const char *selected)
{
	html_lit(r->out, "<select name=\"unit\"><option value=\"\">—</option>");
	unit_options(r, u, n, selected, NULL, false);
	html_lit(r->out, "</select>");
}

/* A labelled <select> "f-FORM-NAME" of the active units of `u`, indented
 * by depth, leaving out the subtree at `exclude_path` (a unit cannot go
 * under itself; NULL: none). `any` makes the empty choice valid. */
void
console_unit_select(struct req *r, const struct console_unit *u, int n, const char *form, const char *name,
    const char *label, const char *hint, const char *selected, const char *exclude_path, bool any,
    const struct console_errs *e)
{
	struct buf *b = r->out;
	const char *id = arena_printf(r->arena, "f-%s-%s", form, name), *error = console_err_of(e, name);
	console_field_begin(r, id, label, hint, error);
	html_lit(b, "<select");
	control_attrs(r, id, name, error);
	if (!any)
		html_lit(b, " required");
	html_lit(b, "><option value=\"\">—</option>");
	unit_options(r, u, n, selected, exclude_path, true);
	html_lit(b, "</select></div>");
}

/* Checks that `id` names an active unit in the officer's scope, for a
 * form that puts something under it: NULL and *path, *code set (arena),
 * else the message to show beside the field. */
const char *
console_unit_pick(struct req *r, const char *id, const char **path, const char **code)
{
	enum { P_PATH, P_STATUS, P_CODE };
	if (!fmt_is_id(id))
		return L(r, "Hãy chọn một đơn vị.", "Choose a unit.");
	const char *p[2] = { id, r->officer->unit_path };
	PGresult *res = db_query(r->app->db, "SELECT path, status, code FROM org_unit WHERE id = $1::bigint AND path LIKE $2 || '%'", 2, p);
	if (!db_ok(res) || PQntuples(res) != 1) {
		PQclear(res);
		return L(r, "Không có đơn vị này trong phạm vi của bạn.", "No such unit within your scope.");
	}
	bool active = strcmp(PQgetvalue(res, 0, P_STATUS), "active") == 0;
	*path = arena_strdup(r->arena, PQgetvalue(res, 0, P_PATH));
	*code = arena_strdup(r->arena, PQgetvalue(res, 0, P_CODE));
	PQclear(res);
	return active ? NULL : L(r, "Đơn vị này đã sáp nhập hoặc ngừng hoạt động.", "That unit has merged or ended.");
}

/* ---- posted and query values ---- */

/* A posted field, trimmed, from the arena; "" when absent. The dispatcher
 * already refused bodies that were not NFC-clean UTF-8 without controls. */
char *
console_posted(struct req *r, const char *name)
{
	char *v = arena_strdup(r->arena, kv_get_or_empty(&r->form, name));
	return v ? text_trim(v) : (char *)"";
}

/* The same, or NULL when it is longer than `max_chars` characters. */
const char *
console_posted_max(struct req *r, const char *name, size_t max_chars)
{
	const char *v = console_posted(r, name);
	return text_length(v) <= max_chars ? v : NULL;
}

/* "At most N characters." in the request's language, from the arena. */
const char *
console_too_long(struct req *r, size_t max_chars)
{
	return arena_printf(r->arena, r->lang == LANG_EN ? "At most %zu characters." : "Tối đa %zu ký tự.", max_chars);
}

/* The posted text field `name` as one line (org_text: NFC, no line
 * breaks, at most `max` characters), from the arena; its problem goes
 * into `e` beside the field, as does a missing `required` value. */
const char *
console_posted_line(struct req *r, const char *name, size_t max, bool required, struct console_errs *e)
{
	const char *out;
	enum org_problem p = org_text(r->arena, kv_get_or_empty(&r->form, name), max, &out);
	if (p == ORG_NAME_LONG)
		console_err_add(e, name, arena_printf(r->arena, "%s (%zu)", L(r, "Quá dài: tối đa số ký tự", "Too long: at most characters"), max));
	else if (p != ORG_OK)
		console_err_add(e, name, org_problem_text(p, r->lang));
	else if (required && *out == '\0')
		console_err_add(e, name, L(r, "Không được để trống.", "Required."));
	return out;
}

/* A query argument of at most `max` bytes, else "" (never NULL). */
const char *
console_arg(const struct req *r, const char *name, size_t max)
{
	const char *v = kv_get(&r->args, name);
	return v && strlen(v) <= max ? v : "";
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
