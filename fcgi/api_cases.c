/* api_cases.c: GET /api/v1/cases (stage, kind and workplace filters, keyset pages by id) and /api/v1/cases/ID: dispute cases in the token's scope. */
#include <string.h>
#include <jansson.h>
#include <libpq-fe.h>

#include "api.h"
#include "arena.h"
#include "db.h"
#include "dispute.h"
#include "fmt.h"
#include "log.h"
#include "req.h"

/* One case as the API shows it, built by PostgreSQL from case `k` and
 * workplace `w`, with the reports linked to it. */
#define CASE_ITEM \
	"json_build_object('id', k.id, 'title', k.title, 'kind', k.kind, 'scope', k.scope, " \
	"'dispute_type', k.dispute_type, 'subject', k.subject, 'stage', k.stage, 'stage_entered_on', k.stage_entered_on, " \
	"'outcome', k.outcome, 'workplace', json_build_object('id', w.id, 'code', w.code, 'name', w.name), " \
	"'unit_id', k.unit_id, 'assignee_id', k.assignee_id, 'violation_known_on', k.violation_known_on, " \
	"'workers_affected', k.workers_affected, 'months_owed', k.months_owed, 'amount_owed_vnd', k.amount_owed_vnd, " \
	"'recovered_vnd', k.recovered_vnd, 'worker_member', k.worker_member, 'union_role', k.union_role, " \
	"'created_at', to_char(k.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), " \
	"'updated_at', to_char(k.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), " \
	"'submission_ids', (SELECT coalesce(json_agg(cs.submission_id ORDER BY cs.submission_id), '[]'::json) " \
	"    FROM case_submission cs WHERE cs.case_id = k.id))"

enum case_col { CC_ITEM, CC_ID };

/* GET /api/v1/cases?stage=&kind=&workplace=&after=&limit=: {"items": [...],
 * "next": id or null}, newest case first. 400 names a bad parameter. */
void
api_cases(struct req *r)
{
	static const char *const allowed[] = { "stage", "kind", "workplace", "after", "limit", NULL };
	long limit;
	if (!api_params(r, allowed) || !api_limit(r, &limit))
		return;
	const char *stage = kv_get_or_empty(&r->args, "stage"), *kind = kv_get_or_empty(&r->args, "kind");
	const char *workplace = kv_get_or_empty(&r->args, "workplace"), *after = kv_get_or_empty(&r->args, "after");
	if (*stage && vocab_find(dispute_stages, DISPUTE_NSTAGES, stage) == NULL) {
		api_error(r, 400, "bad_parameter", "stage", "a case stage, e.g. intake or labour_mediator");
		return;
	}
	if (*kind && vocab_find(dispute_kinds, DISPUTE_NKINDS, kind) == NULL) {
		api_error(r, 400, "bad_parameter", "kind", "a case kind, e.g. wage_arrears");
		return;
	}
	if (*workplace && !fmt_is_id(workplace)) {
		api_error(r, 400, "bad_parameter", "workplace", "a workplace id");
		return;
	}
	if (*after && !fmt_is_id(after)) {
		api_error(r, 400, "bad_parameter", "after", "the \"next\" value of the page before");
		return;
	}
	const char *p[6] = { r->officer->unit_path, stage, kind, workplace, after, arena_printf(r->arena, "%ld", limit + 1) };
	PGresult *res = db_query(r->app->db,
	    "SELECT " CASE_ITEM "::text, k.id::text "
	    "FROM dispute_case k JOIN workplace w ON w.id = k.workplace_id JOIN org_unit u ON u.id = w.unit_id "
	    "WHERE u.path LIKE $1 || '%' AND ($2 = '' OR k.stage = $2) AND ($3 = '' OR k.kind = $3) "
	    "AND ($4 = '' OR k.workplace_id = nullif($4, '')::bigint) AND ($5 = '' OR k.id < nullif($5, '')::bigint) "
	    "ORDER BY k.id DESC LIMIT $6::int", 6, p);
	if (api_db_failed(r, res, "cases"))
		return;
	api_page(r, res, CC_ITEM, CC_ID, limit);
}

/* GET /api/v1/cases/ID: one case in scope; 404 when absent or outside. */
void
api_case(struct req *r)
{
	static const char *const none[] = { NULL };
	if (!api_params(r, none))
		return;
	const char *p[2] = { r->id[0], r->officer->unit_path };
	PGresult *res = db_query(r->app->db,
	    "SELECT " CASE_ITEM "::text, k.id::text "
	    "FROM dispute_case k JOIN workplace w ON w.id = k.workplace_id JOIN org_unit u ON u.id = w.unit_id "
	    "WHERE k.id = $1::bigint AND u.path LIKE $2 || '%'", 2, p);
	if (api_db_failed(r, res, "case"))
		return;
	json_t *items = PQntuples(res) == 1 ? api_rows_json(r, res, CC_ITEM, 1) : NULL;
	PQclear(res);
	if (items == NULL) {
		api_error(r, 404, "not_found", NULL, "no such case in this token's scope");
		return;
	}
	json_t *one = json_incref(json_array_get(items, 0));
	json_decref(items);
	api_reply(r, one);
}
