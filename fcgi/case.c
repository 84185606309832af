/* case.c: one dispute case as the console reads and changes it: its row by name, its lock, who may handle it, the kind a report suggests. */
#include <string.h>
#include <libpq-fe.h>

#include "app.h"
#include "arena.h"
#include "case.h"
#include "db.h"

/* Reads case `id` if the officer's `scope` (a unit path) holds its
 * workplace: MISSING for no such case and for one outside the scope
 * alike, DB_DOWN when the database failed. */
enum found
case_load(struct arena *a, struct db *db, const char *id, const char *scope, struct case_row *k)
{
	enum {
		COL_TITLE, COL_KIND, COL_SCOPE, COL_STAGE, COL_STAGE_SINCE, COL_OUTCOME, COL_KNOWN_ON,
		COL_WORKERS, COL_MONTHS, COL_AMOUNT, COL_CORRECTED, COL_WORKPLACE, COL_UNIT_NAME, COL_ASSIGNEE_NAME,
		COL_CREATED, COL_COMPUTED_WORKERS, COL_COMPUTED_MONTHS, COL_COMPUTED_AMOUNT, COL_ASSIGNEE_ID,
		COL_UNIT_ID, COL_KNOWN_YMD, COL_VERSION, COL_WORKPLACE_PATH, COL_HANDLED_HERE, COL_DISPUTE_TYPE, COL_SUBJECT,
		COL_MEMBER, COL_UNION_ROLE, COL_RECOVERED,
		COL_DATES,   /* DISPUTE_NDATES columns in dispute_dates order */
		COL__MAX = COL_DATES + DISPUTE_NDATES
	};
	const char *p[2] = { id, scope };
	PGresult *res = db_query(db,
	    "SELECT k.title, k.kind, k.scope, k.stage, to_char(k.stage_entered_on, 'DD/MM/YYYY'), coalesce(k.outcome, ''), "
	    "coalesce(to_char(k.violation_known_on, 'DD/MM/YYYY'), ''), coalesce(k.workers_affected::text, ''), "
	    "coalesce(k.months_owed::text, ''), coalesce(k.amount_owed_vnd::text, ''), k.totals_corrected, w.name, "
	    "coalesce(cu.name, ''), coalesce(nullif(o.display_name, ''), o.username, ''), "
	    "to_char(k.created_at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'DD/MM/YYYY HH24:MI'), "
	    "t.workers::text, t.months::text, t.amount::text, "
	    "coalesce(k.assignee_id::text, ''), k.unit_id::text, coalesce(k.violation_known_on::text, ''), "
	    "(extract(epoch FROM k.updated_at) * 1000000)::bigint::text, u.path, coalesce(cu.path LIKE $2 || '%', false), "
	    "k.dispute_type, coalesce(k.subject, ''), CASE k.worker_member WHEN true THEN 'yes' WHEN false THEN 'no' ELSE 'unknown' END, "
	    "coalesce(k.union_role, ''), coalesce(k.recovered_vnd::text, ''), "
	    "coalesce(k.violation_known_on::text, ''), coalesce(k.panel_formed_on::text, ''), coalesce(k.payday::text, ''), "
	    "coalesce(k.si_due_date::text, ''), coalesce(k.terminated_on::text, ''), coalesce(k.judgment_on::text, ''), "
	    "coalesce(k.accident_reported_on::text, ''), coalesce(k.bargaining_requested_on::text, ''), "
	    "coalesce(k.bargaining_started_on::text, ''), coalesce(k.agreement_signed_on::text, ''), "
	    "coalesce(k.agreement_expires_on::text, ''), coalesce(k.dialogue_held_on::text, ''), coalesce(k.strike_planned_on::text, '') "
	    "FROM dispute_case k JOIN workplace w ON w.id = k.workplace_id JOIN org_unit u ON u.id = w.unit_id "
	    "LEFT JOIN org_unit cu ON cu.id = k.unit_id LEFT JOIN officer o ON o.id = k.assignee_id "
	    "CROSS JOIN LATERAL case_totals(k.id) t "
	    "WHERE k.id = $1::bigint AND u.path LIKE $2 || '%'", 2, p);
	if (res == NULL || !db_ok(res) || PQntuples(res) != 1 || PQnfields(res) != COL__MAX) {
		enum found f = res ? MISSING : DB_DOWN;   /* as before: a refused query looks absent */
		PQclear(res);
		return f;
	}
	const char *v[COL__MAX];
	for (int c = 0; c < COL__MAX; c++)
		v[c] = arena_strdup(a, PQgetvalue(res, 0, c));
	PQclear(res);
	*k = (struct case_row){
		.title = v[COL_TITLE], .kind = v[COL_KIND], .scope = v[COL_SCOPE], .stage = v[COL_STAGE],
		.stage_since = v[COL_STAGE_SINCE], .outcome = v[COL_OUTCOME], .known_on = v[COL_KNOWN_ON],
		.known_ymd = v[COL_KNOWN_YMD], .workers = v[COL_WORKERS], .months = v[COL_MONTHS], .amount = v[COL_AMOUNT],
		.totals_corrected = v[COL_CORRECTED][0] == 't', .computed_workers = v[COL_COMPUTED_WORKERS],
		.computed_months = v[COL_COMPUTED_MONTHS], .computed_amount = v[COL_COMPUTED_AMOUNT],
		.workplace = v[COL_WORKPLACE], .workplace_path = v[COL_WORKPLACE_PATH], .unit_id = v[COL_UNIT_ID],
		.unit_name = v[COL_UNIT_NAME], .assignee_id = v[COL_ASSIGNEE_ID], .assignee_name = v[COL_ASSIGNEE_NAME],
		.created = v[COL_CREATED], .version = v[COL_VERSION], .handled_here = v[COL_HANDLED_HERE][0] == 't',
		.dispute_type = v[COL_DISPUTE_TYPE], .subject = v[COL_SUBJECT], .member = v[COL_MEMBER],
		.union_role = v[COL_UNION_ROLE], .recovered = v[COL_RECOVERED],
	};
	for (int d = 0; d < DISPUTE_NDATES; d++)
		k->dates[d] = v[COL_DATES + d];
	for (int c = 0; c < COL__MAX; c++)
		if (v[c] == NULL)
			return DB_DOWN;   /* the arena ran out */
	return FOUND;
}

/* Locks case `id` for a change (FOR UPDATE) if `scope` holds it, and
 * tells its stage, its workplace and whether the officer's subtree
 * handles it. MISSING for no such case or one outside the scope, DB_DOWN
 * when the database failed. */
enum found
case_lock(struct arena *a, struct db *db, const char *id, const char *scope, struct case_lock *out)
{
	enum { LOCK_STAGE, LOCK_WORKPLACE, LOCK_HANDLED_HERE };
	const char *p[2] = { id, scope };
	PGresult *res = db_query(db, "SELECT k.stage, k.workplace_id, coalesce(cu.path LIKE $2 || '%', false) "
	    "FROM dispute_case k JOIN workplace w ON w.id = k.workplace_id JOIN org_unit u ON u.id = w.unit_id "
	    "LEFT JOIN org_unit cu ON cu.id = k.unit_id "
	    "WHERE k.id = $1::bigint AND u.path LIKE $2 || '%' FOR UPDATE OF k", 2, p);
	if (res == NULL || !db_ok(res) || PQntuples(res) != 1) {
		enum found f = res ? MISSING : DB_DOWN;
		PQclear(res);
		return f;
	}
	out->stage = arena_strdup(a, PQgetvalue(res, 0, LOCK_STAGE));
	out->workplace_id = arena_strdup(a, PQgetvalue(res, 0, LOCK_WORKPLACE));
	out->handled_here = PQgetvalue(res, 0, LOCK_HANDLED_HERE)[0] == 't';
	PQclear(res);
	return out->stage && out->workplace_id ? FOUND : DB_DOWN;
}

/* Officers who may be given a case at a workplace whose unit path is
 * `wpath`: active officers and admins of that unit or of one above it (so
 * they can see the workplace), as far as the editing officer's own scope
 * shows them (row-level security hides the rest). Columns: enum
 * case_choice_col. Caller PQclears. */
PGresult *
case_assignees(struct db *db, const char *wpath)
{
	const char *p[1] = { wpath };
	return db_query(db, "SELECT o.id::text, coalesce(nullif(o.display_name, ''), o.username) "
	    "FROM officer o JOIN org_unit ou ON ou.id = o.unit_id "
	    "WHERE o.disabled_at IS NULL AND o.role IN ('officer', 'admin') AND starts_with($1, ou.path) "
	    "ORDER BY 2, 1 LIMIT 500", 1, p);
}

/* Units that may handle a case at the workplace: active units from the
 * workplace's own up to the editing officer's (`scope`), nearest first.
 * Columns: enum case_choice_col. Caller PQclears. */
PGresult *
case_units(struct db *db, const char *wpath, const char *scope)
{
	const char *p[2] = { wpath, scope };
	return db_query(db, "SELECT u.id::text, u.name FROM org_unit u "
	    "WHERE starts_with($1, u.path) AND starts_with(u.path, $2) AND u.status = 'active' "
	    "ORDER BY length(u.path) DESC", 2, p);
}

/* The row of a case_assignees() or case_units() result whose id is `id`;
 * -1 when none (or no result). */
int
case_choice_row(const PGresult *res, const char *id)
{
	for (int i = 0; res && db_ok(res) && i < PQntuples(res); i++)
		if (strcmp(PQgetvalue(res, i, CHOICE_ID), id) == 0)
			return i;
	return -1;
}

/* The kind a report's form suggests for a case made from it. */
const char *
case_kind_from_form(const char *form_id)
{
	static const char *const same[] = { "wage_arrears", "social_insurance", "safety" };
	for (size_t i = 0; i < sizeof(same) / sizeof(same[0]); i++)
		if (strcmp(form_id, same[i]) == 0)
			return same[i];
	return "other";
}

/* The subject a case of `kind` is about when the officer named none
 * (sql/021 maps the cases made before it the same way). */
const char *
case_subject_from_kind(const char *kind)
{
	static const struct { const char *kind, *subject; } map[] = {
		{ "wage_arrears", "wages" }, { "social_insurance", "social_insurance" },
		{ "dismissal", "dismissal" }, { "safety", "accident" },
	};
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(kind, map[i].kind) == 0)
			return map[i].subject;
	return "other";
}
