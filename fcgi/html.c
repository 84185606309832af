/* html.c: HTML output that escapes by default, and the page layout. */
#include <string.h>

#include "app.h"
#include "arena.h"
#include "buf.h"
#include "html.h"
#include "i18n.h"
#include "privacy.h"
#include "req.h"

/* Escapes & < > " ' so the text is safe in element content and in quoted
 * attribute values alike. */
void
html_text(struct buf *b, const char *s)
{
	const char *run = s;
	for (; *s; s++) {
		const char *rep;
		switch (*s) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default: continue;
		}
		buf_append(b, run, (size_t)(s - run));
		buf_puts(b, rep);
		run = s + 1;
	}
	buf_append(b, run, (size_t)(s - run));
}

void
html_attr(struct buf *b, const char *s)
{
	html_text(b, s);
}

/* The one way to emit markup unescaped. Only for string literals and
 * fragments this program built itself; grep for it in review. */
void
html_raw_trusted(struct buf *b, const char *s)
{
	buf_puts(b, s);
}

/* Percent-encodes everything but unreserved characters (RFC 3986), for a
 * value placed inside a URL path segment or query argument. */
void
html_url_arg(struct buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' ||
		    *p == '.' || *p == '~') {
			buf_putc(b, (char)*p);
		} else {
			char e[3] = { '%', hex[*p >> 4], hex[*p & 15] };
			buf_append(b, e, 3);
		}
	}
}

/* Starts a page: doctype, head with the stylesheet, body and the header bar
 * with the language switch. `title` is escaped. */
void
html_page_begin(struct req *r, const char *title)
{
	struct buf *b = r->out;
	html_raw_trusted(b, "<!doctype html>\n<html lang=\"");
	html_raw_trusted(b, r->lang == LANG_EN ? "en" : "vi");
	html_raw_trusted(b, "\"><head><meta charset=\"utf-8\">"
	    "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
	    "<title>");
	html_text(b, title);
	html_raw_trusted(b, " · " APP_NAME "</title>"
	    "<link rel=\"icon\" href=\"data:,\"><link rel=\"stylesheet\" href=\"/static/" STATIC_VERSION "/app.css\">"
	    "<script src=\"/static/" STATIC_VERSION "/app.js\" defer></script></head>\n<body>"
	    "<header><span class=\"brand\">" APP_NAME "</span> <a class=\"lang\" href=\"?lang=");
	html_raw_trusted(b, r->lang == LANG_EN ? "vi\" lang=\"vi\">Tiếng Việt" : "en\" lang=\"en\">English");
	html_raw_trusted(b, "</a></header>\n<main>");
}

void
html_page_end(struct req *r)
{
	html_raw_trusted(r->out, "</main><footer>");
	html_text(r->out, tr(r->lang, MSG_FOOTER));
	html_raw_trusted(r->out, "</footer></body></html>\n");
}

/* The officer console's frame: the same head, a navigation bar with what
 * the officer's role may open, and who is signed in. */
void
html_admin_begin(struct req *r, const char *title)
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
		{ "/admin/account", "Tài khoản", "Account", ROLE_VIEWER },
		{ "/admin/dashboard", "Tổng quan", "Dashboard", ROLE_VIEWER },
		{ "/admin/stats", "Thống kê", "Statistics", ROLE_VIEWER },
	};
	struct buf *b = r->out;
	html_raw_trusted(b, "<!doctype html>\n<html lang=\"");
	html_raw_trusted(b, r->lang == LANG_EN ? "en" : "vi");
	html_raw_trusted(b, "\"><head><meta charset=\"utf-8\">"
	    "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>");
	html_text(b, title);
	html_raw_trusted(b, " · " APP_NAME "</title><link rel=\"icon\" href=\"data:,\">"
	    "<link rel=\"stylesheet\" href=\"/static/" STATIC_VERSION "/app.css\"><link rel=\"stylesheet\" href=\"/static/" STATIC_VERSION "/admin.css\">"
	    "<script src=\"/static/" STATIC_VERSION "/admin.js\" defer></script></head>\n<body class=\"admin\">"
	    "<header><span class=\"brand\">" APP_NAME "</span><nav aria-label=\"");
	html_text(b, L(r, "Điều hướng", "Navigation"));
	html_raw_trusted(b, "\">");
	for (size_t i = 0; r->officer && i < sizeof(nav) / sizeof(nav[0]); i++) {
		if (r->officer->role < nav[i].min)
			continue;
		bool here = strcmp(r->path, nav[i].href) == 0 ||
		    (strlen(nav[i].href) > 7 && strncmp(r->path, nav[i].href, strlen(nav[i].href)) == 0);
		html_raw_trusted(b, here ? "<a aria-current=\"page\" href=\"" : "<a href=\"");
		html_attr(b, nav[i].href);
		html_raw_trusted(b, "\">");
		html_text(b, L(r, nav[i].vi, nav[i].en));
		long late = strcmp(nav[i].href, "/admin/requests") == 0 ? privacy_overdue_count(r->app->db) : 0;
		if (late > 0) {   /* requests past their acknowledge-by day (RLS: the admin's scope) */
			html_raw_trusted(b, " <span class=\"tag urgent\" id=\"requests-overdue\">");
			html_text(b, r->lang == LANG_EN ? arena_printf(r->arena, "%ld overdue", late) :
			    arena_printf(r->arena, "%ld quá hạn", late));
			html_raw_trusted(b, "</span>");
		}
		html_raw_trusted(b, "</a>");
	}
	html_raw_trusted(b, "</nav>");
	if (r->officer) {
		html_raw_trusted(b, "<span class=\"me\">");
		html_text(b, *r->officer->display_name ? r->officer->display_name : r->officer->username);
		html_raw_trusted(b, " · ");
		html_text(b, r->officer->unit_name);
		html_raw_trusted(b, "</span>");
		html_form_begin(r, "/admin/logout", "logout");
		html_raw_trusted(b, "<button type=\"submit\" class=\"link\">");
		html_text(b, tr(r->lang, MSG_LOGOUT));
		html_raw_trusted(b, "</button></form>");
	}
	html_raw_trusted(b, "</header>\n<main class=\"wide\">");
}

void
html_admin_end(struct req *r)
{
	html_raw_trusted(r->out, "</main></body></html>\n");
}

/* Starts a whole console page with `status`, dropping anything written
 * before: the frame and an <h1> holding the title. */
void
html_admin_page(struct req *r, int status, const char *title)
{
	buf_reset(r->out);
	r->status = status;
	r->resp_type = NULL;
	html_admin_begin(r, title);
	html_raw_trusted(r->out, "<h1>");
	html_text(r->out, title);
	html_raw_trusted(r->out, "</h1>");
}

/* Opens a POST form with `enctype` (NULL: urlencoded) carrying the
 * session's anti-forgery token. */
static void
form_open(struct req *r, const char *action, const char *cls, const char *enctype)
{
	struct buf *b = r->out;
	html_raw_trusted(b, "<form method=\"post\" accept-charset=\"utf-8\" action=\"");
	html_attr(b, action);
	if (cls) {
		html_raw_trusted(b, "\" class=\"");
		html_attr(b, cls);
	}
	if (enctype) {
		html_raw_trusted(b, "\" enctype=\"");
		html_attr(b, enctype);
	}
	html_raw_trusted(b, "\"><input type=\"hidden\" name=\"_csrf\" value=\"");
	html_attr(b, r->officer ? r->officer->csrf : "");
	html_raw_trusted(b, "\">");
}

/* Opens a POST form that carries the session's anti-forgery token, so no
 * console form can forget it. `cls` may be NULL. */
void
html_form_begin(struct req *r, const char *action, const char *cls)
{
	form_open(r, action, cls, NULL);
}

/* The same for a form with a file input, to a route flagged ROUTE_FILES
 * (route.c), which checks the token inside the multipart body. */
void
html_form_files_begin(struct req *r, const char *action, const char *cls)
{
	form_open(r, action, cls, "multipart/form-data");
}

/* The notice for ?done=KEY when KEY is one of the page's (never echoed as
 * given), as a status line. Nothing on an error page. */
void
html_admin_notice(struct req *r, const struct html_notice *notices, size_t n)
{
	const char *done = kv_get(&r->args, "done");
	for (size_t i = 0; done && r->status == 200 && i < n; i++) {
		if (strcmp(done, notices[i].key) != 0)
			continue;
		html_raw_trusted(r->out, "<p class=\"note\" role=\"status\" id=\"notice\">");
		html_text(r->out, L(r, notices[i].vi, notices[i].en));
		html_raw_trusted(r->out, "</p>");
	}
}

/* Opens a labelled field of a console form: <div class="field">, the label
 * of control `id` (NULL: the caller writes its own, e.g. around a
 * checkbox), a hint, and the error right above the control as "e-ID", which
 * html_field_invalid() ties the control to. The caller writes the control,
 * then "</div>". */
void
html_field_begin(struct req *r, const char *id, const char *label, const char *hint, const char *error)
{
	struct buf *b = r->out;
	html_raw_trusted(b, error ? "<div class=\"field error\">" : "<div class=\"field\">");
	if (label) {
		html_raw_trusted(b, "<label for=\"");
		html_attr(b, id);
		html_raw_trusted(b, "\">");
		html_text(b, label);
		html_raw_trusted(b, "</label>");
	}
	if (hint) {
		html_raw_trusted(b, "<p class=\"hint\">");
		html_text(b, hint);
		html_raw_trusted(b, "</p>");
	}
	if (error) {
		html_raw_trusted(b, "<p class=\"msg\" role=\"alert\" id=\"e-");
		html_attr(b, id);
		html_raw_trusted(b, "\">");
		html_text(b, error);
		html_raw_trusted(b, "</p>");
	}
}

/* Inside a control's tag: the attributes that tie it to its error, if any. */
void
html_field_invalid(struct req *r, const char *id, const char *error)
{
	if (error == NULL)
		return;
	html_raw_trusted(r->out, " aria-invalid=\"true\" aria-describedby=\"e-");
	html_attr(r->out, id);
	html_raw_trusted(r->out, "\"");
}
