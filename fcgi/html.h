/* html.h: escaping HTML writer and page layout. */
#ifndef TIENGNOI_HTML_H
#define TIENGNOI_HTML_H
#include "app.h"

void html_text(struct buf *, const char *);
void html_attr(struct buf *, const char *);
void html_raw_trusted(struct buf *, const char *);
/* Markup written in the source: compiles only with a string literal, so
 * html_raw_trusted() is left for the few truly dynamic trusted fragments
 * (a QR code's SVG) and stays a grep target. */
#define html_lit(b, s) html_raw_trusted((b), "" s)
void html_url_arg(struct buf *, const char *);
void html_page_begin(struct req *, const char *title);
void html_page_end(struct req *);
void html_admin_begin(struct req *, const char *title);
void html_admin_end(struct req *);
void html_admin_page(struct req *, int status, const char *title);
void html_form_begin(struct req *, const char *action, const char *cls);
void html_form_files_begin(struct req *, const char *action, const char *cls);
void html_field_begin(struct req *, const char *id, const char *label, const char *hint, const char *error);
void html_field_invalid(struct req *, const char *id, const char *error);

/* What a finished console action says on the page it redirects to (?done=KEY). */
struct html_notice {
	const char *key, *vi, *en;
};
void html_admin_notice(struct req *, const struct html_notice *, size_t n);

#endif
