/* entry.h: a QR code's entry point as the worker pages read it, kept in each app worker with its published results. */
#ifndef TIENGNOI_ENTRY_H
#define TIENGNOI_ENTRY_H
#include "app.h"
#include "results.h"

/* An entry point as the worker pages need it. Strings stay valid until
 * the end of the request (they may be the cache's own). */
struct entry {
	const char *id;          /* decimal */
	const char *workplace;
	const char *forms;       /* comma-separated form ids */
	const char *label;
	const char *hotline;     /* the unit's, else its nearest ancestor's; "" when none */
	const char *workplace_id;   /* decimal: what a report sent through it is filed under */
	const char *unit_id;        /* decimal: the workplace's unit now */
};

/* How long a cached entry point, and the results cached with it, may be
 * used without asking PostgreSQL. A change to entry points or workplaces
 * (sql/008's triggers: a NOTIFY) empties every worker's cache as soon as
 * the notification reaches its connection (milliseconds); an approval or
 * withdrawal in the console (db_announce) empties this server's workers'
 * before their next request. Anything else (a result row edited by hand
 * in psql) shows within this many seconds. */
#define ENTRY_CACHE_SECONDS 60

/* The active entry point of a (normalised) token: from this worker's
 * cache when fresh, else from the database (then cached). */
enum found entry_load(struct req *, const char *token, struct entry *);

/* True when the entry point offers form `form_id`. */
bool entry_offers(const struct entry *, const char *form_id);

/* The results published for the workplace of entry point `e` (just read
 * by entry_load for `token`), as results_published() gives them: cached
 * with the entry point, "none published" included. -1 when the database
 * failed (not cached). */
int entry_results(struct req *, const char *token, const struct entry *e, struct result_line **out,
    const char **approved_on);

#endif
