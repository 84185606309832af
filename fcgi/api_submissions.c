/* api_submissions.c: GET /api/v1/submissions (the console queue's filters, order and keyset pages: queue_query.c) and /api/v1/submissions/ID (one report with its thread, notes, photos' descriptions and cases); never contact details. */
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include <libpq-fe.h>

#include "api.h"
#include "arena.h"
#include "db.h"
#include "log.h"
#include "queue_query.h"
#include "req.h"

/* Reads and checks the filters (queue_query.c, as the console's queue):
 * false after a 400 naming the parameter. */
static bool
sub_filters(struct req *r, struct queue_filter *f)
{
	static const char *const allowed[] = { "status", "form", "workplace", "from", "to", "urgent", "q", "after", "limit", NULL };
	queue_filter_args(&r->args, f);
	if (!api_params(r, allowed) || !api_limit(r, &f->limit))
		return false;
	f->urgent = kv_get_or_empty(&r->args, "urgent");
	const struct queue_bad *bad = queue_filter_check(r->arena, f);
	if (bad)
		api_error(r, 400, "bad_parameter", bad->param, bad->why);
	return bad == NULL;
}

/* GET /api/v1/submissions?status=&form=&workplace=&from=&to=&urgent=&q=&after=&limit=
 * {"items": [...], "next": cursor or null}: the reports in the token's
 * officer's scope in the queue's order (urgent new ones first, then
 * newest first; survey answers only when urgent or asked for by form). 400 names a bad parameter. */
void
api_submissions(struct req *r)
{
	struct queue_filter f;
	if (!sub_filters(r, &f))
		return;
	PGresult *res = queue_query_rows(r, &f);
	if (api_db_failed(r, res, "submissions"))
		return;
	api_page(r, res, QC_ITEM, QC_CURSOR, f.limit);
}

/* GET /api/v1/submissions/ID: one report in scope with its messages,
 * internal notes, photos (described, not their bytes) and the cases it
 * belongs to; 404 when absent or outside the scope, as in the console. */
void
api_submission(struct req *r)
{
	static const char *const none[] = { NULL };
	if (!api_params(r, none))
		return;
	enum { ONE_ITEM };
	const char *p[2] = { r->id[0], r->officer->unit_path };
	PGresult *res = db_query(r->app->db,
	    "SELECT (" QUEUE_ITEM_JSON "::jsonb || jsonb_build_object("
	    "  'status_changed_at', to_char(s.status_changed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), "
	    "  'entered_by', s.entered_by, 'lang', s.lang, "
	    "  'messages', (SELECT coalesce(jsonb_agg(jsonb_build_object('id', m.id, 'author', m.author, 'officer_id', m.officer_id, "
	    "      'body', m.body, 'at', to_char(m.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')) "
	    "      ORDER BY m.created_at, m.id), '[]'::jsonb) FROM message m WHERE m.submission_id = s.id), "
	    "  'notes', (SELECT coalesce(jsonb_agg(jsonb_build_object('id', n.id, 'officer_id', n.officer_id, 'body', n.body, "
	    "      'at', to_char(n.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')) ORDER BY n.created_at, n.id), "
	    "      '[]'::jsonb) FROM note n WHERE n.submission_id = s.id), "
	    "  'photos', (SELECT coalesce(jsonb_agg(jsonb_build_object('id', a.id, 'field', a.field, 'mime', a.mime, "
	    "      'size', a.size, 'sha256', encode(a.sha256, 'hex')) ORDER BY a.id), '[]'::jsonb) "
	    "      FROM attachment a WHERE a.submission_id = s.id), "
	    "  'case_ids', (SELECT coalesce(jsonb_agg(cs.case_id ORDER BY cs.case_id), '[]'::jsonb) "
	    "      FROM case_submission cs WHERE cs.submission_id = s.id)))::text "
	    "FROM submission s JOIN workplace ws ON ws.id = s.workplace_id JOIN org_unit u ON u.id = ws.unit_id "
	    "WHERE s.id = $1::bigint AND u.path LIKE $2 || '%'", 2, p);
	if (api_db_failed(r, res, "submission"))
		return;
	if (PQntuples(res) != 1) {
		PQclear(res);
		api_error(r, 404, "not_found", NULL, "no such report in this token's scope");
		return;
	}
	json_error_t err;
	json_t *item = json_loads(PQgetvalue(res, 0, ONE_ITEM), 0, &err);
	PQclear(res);
	if (item == NULL) {
		api_error(r, 500, "internal", NULL, "the report could not be read");
		return;
	}
	api_reply(r, item);
}
