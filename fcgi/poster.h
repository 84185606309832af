/* poster.h: printable A4 posters of QR entry points, one document for the console and the CLI alike. */
#ifndef TIENGNOI_POSTER_H
#define TIENGNOI_POSTER_H
#include "app.h"

struct db;
struct form_set;

/* What to print and how the document links back. */
struct poster_opts {
	const char *base_url;            /* TIENGNOI_BASE_URL: the address the codes carry */
	const struct form_set *forms;    /* for the titles of the forms a code offers */
	const char *scope;               /* unit path the entry points must lie under; "" = all */
	const char *entry_id;            /* one entry point ... */
	const char *unit_id;             /* ... or every active one under this unit */
	const char *stylesheet;          /* href of poster.css */
	const char *back_href;           /* a "back" link shown on screen only, or NULL */
};

char *poster_url(struct arena *, const char *base_url, const char *token);
char *poster_short_url(struct arena *, const char *base_url, const char *token);
long poster_document(struct buf *, struct arena *, struct db *, const struct poster_opts *);

#endif
