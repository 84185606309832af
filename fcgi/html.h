/* html.h: escaping HTML writer, the public page frame and forms carrying the anti-forgery token. */
#ifndef TIENGNOI_HTML_H
#define TIENGNOI_HTML_H
#include "app.h"
#include "buf.h"

void html_text(struct buf *, const char *);
void html_textf(struct buf *, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void html_attr(struct buf *, const char *);
void html_attrs(struct buf *, const struct kv *, size_t n);
void html_raw_trusted(struct buf *, const char *);
/* Markup written in the source: compiles only with a string literal, so
 * html_raw_trusted() is left for the few truly dynamic trusted fragments
 * (a QR code's SVG) and stays a grep target. The literal's length is
 * known when compiling: no strlen for the dozens of pieces of a page. */
#define html_lit(b, s) buf_append((b), "" s, sizeof("" s) - 1)
void html_url_arg(struct buf *, const char *);
void html_data_url(struct buf *, const char *mime, const void *data, size_t n);
void html_head(struct req *, const char *title);
void html_page_begin(struct req *, const char *title);
void html_page_begin_links(struct req *, const char *title);
void html_page_end(struct req *);
void html_form_begin(struct req *, const char *action, const char *cls);
void html_form_files_begin(struct req *, const char *action, const char *cls);

#endif
