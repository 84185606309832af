/* api_stats.c: GET /api/v1/stats: the periodic statistics table of a unit in scope as JSON, exactly as stats.c writes it for the CLI (thin on purpose). */
#include <string.h>

#include "api.h"
#include "arena.h"
#include "brief.h"
#include "fmt.h"
#include "http.h"
#include "log.h"
#include "req.h"
#include "stats.h"

/* GET /api/v1/stats?unit=&from=&to=: the table of `unit` (default the
 * token's officer's own) from `from` to the cut-off `to` (default this
 * month so far). 400 names a bad parameter; a unit outside the scope is
 * 404, as in the console. */
void
api_stats(struct req *r)
{
	static const char *const allowed[] = { "unit", "from", "to", NULL };
	if (!api_params(r, allowed))
		return;
	const char *unit = kv_get_or_empty(&r->args, "unit"), *from = kv_get_or_empty(&r->args, "from");
	const char *to = kv_get_or_empty(&r->args, "to");
	if (*unit == '\0')
		unit = r->officer->unit_id;
	if (!fmt_is_id(unit)) {
		api_error(r, 400, "bad_parameter", "unit", "a unit id");
		return;
	}
	if ((*from == '\0') != (*to == '\0')) {
		api_error(r, 400, "bad_parameter", *from ? "to" : "from", "from and to go together");
		return;
	}
	if (*from == '\0') {
		char *f = arena_alloc(r->arena, 11), *t = arena_alloc(r->arena, 11);
		stats_default_period(f, t);
		from = f;
		to = t;
	}
	if (!brief_date_ok(from)) {
		api_error(r, 400, "bad_parameter", "from", "a date written YYYY-MM-DD");
		return;
	}
	if (!brief_date_ok(to) || strcmp(from, to) > 0) {
		api_error(r, 400, "bad_parameter", "to", "a date written YYYY-MM-DD, not before from");
		return;
	}
	struct stats st;
	int rc = stats_collect(r->arena, r->app->db, r->officer->unit_path, unit, from, to, r->lang, false, &st);
	if (rc == 1) {
		api_error(r, 404, "not_found", "unit", "no such unit in this token's scope");
		return;
	}
	if (rc == 2) {
		log_warn("api: stats: indicator %s: its rule does not parse: %s", st.bad_code, st.bad_rule);
		api_error(r, 500, "internal", NULL, "an indicator's rule does not parse; an admin must correct it");
		return;
	}
	if (rc != 0) {
		api_error(r, 503, "unavailable", NULL, "the database is away; try again shortly");
		return;
	}
	char err[300];
	if (stats_write(&st, STATS_JSON, http_buffer_write, r, err, sizeof(err)) != 0) {
		log_warn("api: stats: %s", err);
		api_error(r, 500, "internal", NULL, "the statistics could not be written");
		return;
	}
	r->status = 200;
	r->resp_type = "application/json; charset=utf-8";
}
