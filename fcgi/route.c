/* route.c: the route table: which handler serves which path, and what the dispatcher checks first. */
#include <string.h>

#include "app.h"
#include "db.h"
#include "http.h"
#include "page_status.h"
#include "page_system.h"
#include "page_worker.h"
#include "route.h"

enum route_flag {
	ROUTE_PUBLIC = 1 << 0,  /* no login needed */
	ROUTE_DB     = 1 << 1,  /* answer 503 up front when the database is away */
	ROUTE_PREFIX = 1 << 2,  /* path is a prefix, not an exact match */
};

#define M_GET  (1u << METHOD_GET)
#define M_POST (1u << METHOD_POST)

struct route {
	unsigned methods;
	const char *path;
	void (*handler)(struct req *);
	unsigned flags;
};

/* Worker pages do their own database handling so that a POST while the
 * database is away can still give the worker's text back. */
static const struct route routes[] = {
	{ M_GET,          "/",        page_home,    ROUTE_PUBLIC },
	{ M_GET,          "/healthz", page_healthz, ROUTE_PUBLIC },
	{ M_GET,          "/help",    page_help,    ROUTE_PUBLIC },
	{ M_GET,          "/privacy", page_privacy, ROUTE_PUBLIC },
	{ M_GET | M_POST, "/status",  page_status,  ROUTE_PUBLIC },
	{ M_GET | M_POST, "/q/",      page_worker,  ROUTE_PUBLIC | ROUTE_PREFIX },
	{ M_GET | M_POST, "/Q/",      page_worker,  ROUTE_PUBLIC | ROUTE_PREFIX },  /* upper-cased QR URLs */
};

/* Finds the route for r->path and runs its handler after the checks its
 * flags ask for: 404 unknown path, 405 wrong method, 503 database away. */
void
route_dispatch(struct req *r)
{
	enum method m = r->method == METHOD_HEAD ? METHOD_GET : r->method;
	for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
		const struct route *rt = &routes[i];
		if (rt->flags & ROUTE_PREFIX) {
			if (strncmp(r->path, rt->path, strlen(rt->path)) != 0)
				continue;
		} else if (strcmp(r->path, rt->path) != 0) {
			continue;
		}
		if (m == METHOD_OTHER || !(rt->methods & (1u << m))) {
			http_error(r, 405, MSG__MAX);
			return;
		}
		if ((rt->flags & ROUTE_DB) && !db_ready(r->app->db)) {
			http_error(r, 503, MSG__MAX);
			return;
		}
		rt->handler(r);
		return;
	}
	http_error(r, 404, MSG__MAX);
}
