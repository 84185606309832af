/* http.c: the response: status, security headers, error pages, sent once from the buffer. */
#include <stdio.h>
#include <string.h>
#include <fcgiapp.h>

#include "app.h"
#include "buf.h"
#include "html.h"
#include "arena.h"
#include "http.h"
#include "log.h"
#include "i18n.h"
#include "req.h"

static const char *
status_text(int status)
{
	switch (status) {
	case 200: return "OK";
	case 303: return "See Other";
	case 302: return "Found";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 410: return "Gone";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 413: return "Payload Too Large";
	case 415: return "Unsupported Media Type";
	case 429: return "Too Many Requests";
	case 503: return "Service Unavailable";
	default: return status >= 500 ? "Internal Server Error" : "Error";
	}
}

/* Adds one response header line ("Name: value", no CRLF). Values must not
 * hold CR or LF; such a header is dropped rather than split. */
void
http_header(struct req *r, const char *line)
{
	size_t n = strlen(line);
	if (strpbrk(line, "\r\n") != NULL || r->extra_len + n + 2 >= sizeof(r->extra_headers))
		return;
	memcpy(r->extra_headers + r->extra_len, line, n);
	memcpy(r->extra_headers + r->extra_len + n, "\r\n", 2);
	r->extra_len += n + 2;
	r->extra_headers[r->extra_len] = '\0';
}

/* The headers every response carries, in one place. A stored file
 * (`download`) gets a sandbox with nothing allowed: should a browser ever
 * render a hostile PDF or image on our origin, it runs no script there. */
static void
http_security_headers(struct buf *h, bool download)
{
	buf_puts(h, download ?
	    "Content-Security-Policy: sandbox; default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'\r\n" :
	    "Content-Security-Policy: default-src 'none'; img-src 'self' data: blob:; "
	    "style-src 'self'; script-src 'self'; connect-src 'self'; form-action 'self'; "
	    "frame-ancestors 'none'; base-uri 'none'\r\n");
	buf_puts(h,
	    "X-Content-Type-Options: nosniff\r\n"
	    "Referrer-Policy: no-referrer\r\n"
	    "X-Frame-Options: DENY\r\n"
	    "Cache-Control: no-store\r\n");
}

/* Writes status, headers, Content-Length and the body in one go. The
 * headers' buffer stays with the worker from one request to the next. */
void
http_send(struct req *r, FCGX_Stream *out)
{
	static struct buf h;
	if (r->streamed)
		return;
	buf_reset(&h);
	if (r->out->failed) {
		buf_reset(r->out);
		r->extra_len = 0;
		http_error(r, 500, MSG__MAX);
	}
	/* no printf: formatting these three lines was most of the headers' cost */
	buf_puts(&h, "Status: ");
	buf_put_ulong(&h, (unsigned)r->status);   /* a status code: 100 to 599 */
	buf_putc(&h, ' ');
	buf_puts(&h, status_text(r->status));
	buf_puts(&h, "\r\nContent-Type: ");
	buf_puts(&h, r->resp_type ? r->resp_type : "text/html; charset=utf-8");
	buf_puts(&h, "\r\nContent-Length: ");
	buf_put_ulong(&h, r->out->len);
	buf_puts(&h, "\r\n");
	http_security_headers(&h, r->download);
	if (r->extra_len)
		buf_append(&h, r->extra_headers, r->extra_len);
	buf_puts(&h, "\r\n");
	FCGX_PutStr(h.data, (int)h.len, out);
	if (r->method != METHOD_HEAD && r->out->len)
		FCGX_PutStr(r->out->data, (int)r->out->len, out);
}

/* Replaces whatever was built with a readable error page for `status` in
 * the request's language; `detail` (MSG__MAX for none) adds a precise
 * reason. 503 carries Retry-After. */
void
http_error(struct req *r, int status, enum msg detail)
{
	enum msg title, body;
	switch (status) {
	case 400: title = MSG_ERR_400_TITLE; body = MSG_ERR_400_BODY; break;
	case 403: title = MSG_ERR_403_TITLE; body = MSG_ERR_403_BODY; break;
	case 404: title = MSG_ERR_404_TITLE; body = MSG_ERR_404_BODY; break;
	case 410: title = MSG_ERR_410_TITLE; body = MSG_ERR_410_BODY; break;
	case 405: title = MSG_ERR_405_TITLE; body = MSG_ERR_405_BODY; break;
	case 413: title = MSG_ERR_413_TITLE; body = MSG_ERR_413_BODY; break;
	case 415: title = MSG_ERR_415_TITLE; body = MSG_ERR_415_BODY; break;
	case 429: title = MSG_ERR_429_TITLE; body = MSG_ERR_429_BODY; break;
	case 503: title = MSG_ERR_503_TITLE; body = MSG_ERR_503_BODY; break;
	default: title = MSG_ERR_500_TITLE; body = MSG_ERR_500_BODY; break;
	}
	buf_reset(r->out);
	r->status = status;
	r->resp_type = NULL;
	r->download = false;
	if (status == 503)
		http_header(r, "Retry-After: 5");
	if (status == 405)
		http_header(r, "Allow: GET, POST");
	html_page_begin(r, tr(r->lang, title));
	html_lit(r->out, "<h1>");
	html_text(r->out, tr(r->lang, title));
	html_lit(r->out, "</h1><p>");
	html_text(r->out, tr(r->lang, detail != MSG__MAX ? detail : body));
	html_lit(r->out, "</p>");
	html_page_end(r);
}

/* The error page for a body req_form() or req_body() refused (an enum
 * req_err): 415 wrong Content-Type, 413 too large, 500 out of memory,
 * else 400 saying whether the text or its encoding was bad. */
void
http_req_error(struct req *r, int req_err)
{
	switch (req_err) {
	case REQ_ERR_TYPE: http_error(r, 415, MSG__MAX); break;
	case REQ_ERR_TOO_LARGE: http_error(r, 413, MSG__MAX); break;
	case REQ_ERR_NOMEM: http_error(r, 500, MSG__MAX); break;
	case REQ_ERR_UTF8:
	case REQ_ERR_CONTROL: http_error(r, 400, MSG_ERR_BAD_UTF8); break;
	default: http_error(r, 400, MSG_ERR_BAD_ENCODING); break;
	}
}

/* A 200 whose body is `len` bytes of `content_type` (an image, a file
 * this program made), replacing anything written before. */
void
http_reply(struct req *r, const char *content_type, const void *data, size_t len)
{
	buf_reset(r->out);
	buf_append(r->out, (const char *)data, len);
	r->status = 200;
	r->resp_type = content_type;
}

/* 303 See Other to a local path (after a POST, or to the login page). The
 * target must be our own absolute path: never another site. */
void
http_redirect(struct req *r, const char *path)
{
	if (path == NULL || path[0] != '/' || path[1] == '/' || path[1] == '\\' || strpbrk(path, "\r\n") != NULL)
		path = "/admin/";
	buf_reset(r->out);
	r->status = 303;
	r->resp_type = "text/plain; charset=utf-8";
	http_header(r, arena_printf(r->arena, "Location: %s", path));
	buf_puts(r->out, "See ");
	buf_puts(r->out, path);
	buf_puts(r->out, "\n");
}

/* A Content-Disposition value (RFC 6266) for any UTF-8 filename: an ASCII
 * stand-in in filename="..." for old clients (anything but letters, digits
 * and ". - _ ( ) space" becomes '_': no quote, backslash, '%' or control
 * can end the value early), and the exact name in filename* (RFC 8187:
 * UTF-8, percent-encoded), which current browsers prefer. */
static void
disposition_value(struct buf *h, const char *type, const char *filename)
{
	static const char hex[] = "0123456789ABCDEF";
	buf_appendf(h, "%s; filename=\"", type);
	for (const unsigned char *p = (const unsigned char *)filename; *p; p++) {
		if ((*p & 0xC0) == 0x80)
			continue;   /* one '_' per non-ASCII character, not per byte */
		bool plain = (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		    (*p != '\0' && strchr(".-_() ", *p) != NULL);
		buf_putc(h, plain ? (char)*p : '_');
	}
	buf_puts(h, "\"; filename*=UTF-8''");
	for (const unsigned char *p = (const unsigned char *)filename; *p; p++) {
		bool attr_char = (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		    (*p != '\0' && strchr("!#$&+-.^_`|~", *p) != NULL);
		if (attr_char) {
			buf_putc(h, (char)*p);
		} else {
			char e[3] = { '%', hex[*p >> 4], hex[*p & 15] };
			buf_append(h, e, 3);
		}
	}
}

/* Makes the response a stored file to save, not a page: its type, a
 * Content-Disposition naming it (attachment, never inline) and the
 * sandboxed security headers. The body is whatever the caller puts in r->out. */
void
http_download(struct req *r, const char *content_type, const char *filename)
{
	struct buf v = { 0 };
	r->resp_type = content_type;
	r->download = true;
	buf_puts(&v, "Content-Disposition: ");
	disposition_value(&v, "attachment", filename);
	if (v.data && !v.failed)
		http_header(r, v.data);
	buf_free(&v);
}

/* For exports too large to hold: sends 200 and the headers now (no
 * Content-Length); the body then goes out with http_stream_write. The
 * status can no longer change, so check everything before calling. */
void
http_stream_begin(struct req *r, const char *content_type, const char *filename)
{
	struct buf h = { 0 };
	buf_appendf(&h, "Status: 200 OK\r\nContent-Type: %s\r\n", content_type);
	buf_puts(&h, "Content-Disposition: ");
	disposition_value(&h, "attachment", filename);
	buf_puts(&h, "\r\n");
	http_security_headers(&h, false);
	if (r->extra_len)
		buf_append(&h, r->extra_headers, r->extra_len);
	buf_puts(&h, "\r\n");
	FCGX_PutStr(h.data, (int)h.len, r->outstream);
	buf_free(&h);
	r->streamed = true;
}

/* export_write_fn for a streamed response: 0, or -1 when the client left. */
int
http_stream_write(void *ctx, const void *data, size_t n)
{
	struct req *r = ctx;
	return FCGX_PutStr(data, (int)n, r->outstream) == (int)n ? 0 : -1;
}

/* A streamed body could not be finished (`why` is logged): the request
 * ends without its FastCGI end record, so nginx cuts the download without
 * the final chunk and the browser reports it failed; a short file never
 * looks complete. */
void
http_stream_abort(struct req *r, const char *why)
{
	log_warn("streamed %s cut short: %s", r->path ? r->path : "response", why);
	r->stream_broken = true;
}

/* export_write_fn gathering into the response buffer (ctx: the request),
 * for files small enough to send once: a failure half-way still gets a
 * clean error page. */
int
http_buffer_write(void *ctx, const void *data, size_t n)
{
	struct req *r = ctx;
	buf_append(r->out, data, n);
	return r->out->failed ? -1 : 0;
}
