/* html.c: HTML output that escapes by default, the public page frame and the form opener that carries the anti-forgery token. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "app.h"
#include "arena.h"
#include "buf.h"
#include "html.h"
#include "i18n.h"
#include "req.h"

/* Escapes & < > " ' so the text is safe in element content and in quoted
 * attribute values alike. The runs between them are found by strcspn
 * (vectorised in glibc) and copied whole: every page escapes its text. */
void
html_text(struct buf *b, const char *s)
{
	for (;;) {
		size_t n = strcspn(s, "&<>\"'");
		buf_append(b, s, n);
		s += n;
		if (*s == '\0')
			return;
		switch (*s++) {
		case '&': buf_append(b, "&amp;", 5); break;
		case '<': buf_append(b, "&lt;", 4); break;
		case '>': buf_append(b, "&gt;", 4); break;
		case '"': buf_append(b, "&quot;", 6); break;
		default: buf_append(b, "&#39;", 5); break;
		}
	}
}

void
html_attr(struct buf *b, const char *s)
{
	html_text(b, s);
}

/* Text made with a printf format, escaped like html_text(): for pages
 * without an arena (the dossier). A buffer that failed marks `b` failed. */
void
html_textf(struct buf *b, const char *fmt, ...)
{
	struct buf t = { 0 };
	va_list ap;
	va_start(ap, fmt);
	buf_vappendf(&t, fmt, ap);
	va_end(ap);
	if (t.failed)
		b->failed = true;
	else if (t.data)
		html_text(b, t.data);
	buf_free(&t);
}

/* Attributes inside a start tag: ` KEY="VAL"` for each pair, both
 * escaped, in order; a pair whose key or value is NULL is left out, so
 * optional attributes (a class, an id) need no branch. The caller has
 * written "<tag" and closes it with ">". */
void
html_attrs(struct buf *b, const struct kv *attrs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (attrs[i].key == NULL || attrs[i].val == NULL)
			continue;
		html_lit(b, " ");
		html_attr(b, attrs[i].key);
		html_lit(b, "=\"");
		html_attr(b, attrs[i].val);
		html_lit(b, "\"");
	}
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

/* A data: URL of n bytes of type mime (a literal such as "image/png"), for
 * a src or href attribute: base64 needs no escaping there, and nothing is
 * fetched again (CSP allows data: images). */
void
html_data_url(struct buf *b, const char *mime, const void *data, size_t n)
{
	size_t cap = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL);
	char *b64 = malloc(cap);
	buf_appendf(b, "data:%s;base64,", mime);
	if (b64 != NULL) {   /* else an empty image, not a broken page */
		sodium_bin2base64(b64, cap, data, n, sodium_base64_VARIANT_ORIGINAL);
		buf_puts(b, b64);
	}
	free(b64);
}

/* The start every page shares: doctype, language, <head> up to and
 * including the common stylesheet; the caller adds its own scripts and
 * closes </head>. `title` is escaped. */
void
html_head(struct req *r, const char *title)
{
	struct buf *b = r->out;
	html_lit(b, "<!doctype html>\n<html lang=\"");
	if (r->lang == LANG_EN)
		html_lit(b, "en");
	else
		html_lit(b, "vi");
	html_lit(b, "\"><head><meta charset=\"utf-8\">"
	    "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>");
	html_text(b, title);
	html_lit(b, " · " APP_NAME "</title><meta name=\"description\" content=\"");
	html_attr(b, tr(r->lang, MSG_DESCRIPTION));
	html_lit(b, "\"><link rel=\"icon\" href=\"data:,\"><link rel=\"stylesheet\" href=\"/static/" STATIC_VERSION "/app.css\">");
}

/* Starts a public page: the head (with app.js when `script`), body and
 * the header bar with the language switch. `title` is escaped. */
static void
page_begin(struct req *r, const char *title, bool script)
{
	struct buf *b = r->out;
	html_head(r, title);
	if (script)
		html_lit(b, "<script src=\"/static/" STATIC_VERSION "/app.js\" defer></script>");
	html_lit(b, "</head>\n<body>"
	    "<header><span class=\"brand\">" APP_NAME "</span> <a class=\"lang\" href=\"?lang=");
	if (r->lang == LANG_EN)
		html_lit(b, "vi\" lang=\"vi\">Tiếng Việt");
	else
		html_lit(b, "en\" lang=\"en\">English");
	html_lit(b, "</a></header>\n<main>");
}

/* Starts a public page that may hold a form: app.js helps it. */
void
html_page_begin(struct req *r, const char *title)
{
	page_begin(r, title, true);
}

/* Starts a public page of links only (the QR landing page): no script to
 * load or run, so it is as light as a page can be on a slow phone. */
void
html_page_begin_links(struct req *r, const char *title)
{
	page_begin(r, title, false);
}

void
html_page_end(struct req *r)
{
	html_lit(r->out, "</main><footer>");
	html_text(r->out, tr(r->lang, MSG_FOOTER));
	html_lit(r->out, "</footer></body></html>\n");
}

/* Opens a POST form with `enctype` (NULL: urlencoded) carrying the
 * session's anti-forgery token. */
static void
form_open(struct req *r, const char *action, const char *cls, const char *enctype)
{
	struct buf *b = r->out;
	html_lit(b, "<form method=\"post\" accept-charset=\"utf-8\" action=\"");
	html_attr(b, action);
	if (cls) {
		html_lit(b, "\" class=\"");
		html_attr(b, cls);
	}
	if (enctype) {
		html_lit(b, "\" enctype=\"");
		html_attr(b, enctype);
	}
	html_lit(b, "\"><input type=\"hidden\" name=\"_csrf\" value=\"");
	html_attr(b, r->officer ? r->officer->csrf : "");
	html_lit(b, "\">");
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
