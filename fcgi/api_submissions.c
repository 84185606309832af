/* api_submissions.c: GET /api/v1/submissions (the queue's filters, keyset pages) and /api/v1/submissions/ID (one report with its thread, notes, photos' descriptions and cases); never contact details. */
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include <libpq-fe.h>

#include "api.h"
#include "arena.h"
#include "db.h"
#include "fmt.h"
#include "log.h"
#include "req.h"
#include "submission.h"
#include "text.h"

#define Q_MAX_CHARS 200

/* One report as the API shows it, built by PostgreSQL: the columns of
 * submission `s` and workplace `ws` a list item carries. contact_sealed
 * and contact_consent_at are not among them, and never will be. */
#define SUB_ITEM \
	"json_build_object('id', s.id, 'form_id', s.form_id, 'form_version', s.form_version, " \
	"'workplace', json_build_object('id', ws.id, 'code', ws.code, 'name', ws.name), 'unit_id', s.unit_id, " \
	"'received_at', to_char(s.received_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), " \
	"'channel', s.channel, 'status', s.status, 'urgent', s.urgent, 'assignee_id', s.assignee_id, " \
	"'worker_replied', s.worker_replied_at IS NOT NULL AND s.worker_replied_at > coalesce(s.status_changed_at, s.received_at), " \
	"'answers', s.answers)"
/* The keyset cursor of a row: received_at in microseconds since 1970, '-', id. */
#define SUB_CURSOR "(extract(epoch FROM s.received_at) * 1000000)::bigint::text || '-' || s.id"

/* The columns of the list's queries. */
enum sub_col { SC_ITEM, SC_CURSOR };

/* The list's filters, as given (checked before use). */
struct sub_filters {
	const char *status, *form, *workplace, *from, *to, *urgent, *q;
	const char *after_us, *after_id;   /* ?after= split at its '-' ("" when none) */
	long limit;
};

/* A 400 naming `param`; false, for `return refuse(...)`. */
static bool
refuse(struct req *r, const char *param, const char *why)
{
	api_error(r, 400, "bad_parameter", param, why);
	return false;
}

/* A form id as submission.form_id's CHECK spells it. */
static bool
form_id_ok(const char *s)
{
	size_t n = strlen(s);
	return n >= 1 && n <= 40 && s[0] >= 'a' && s[0] <= 'z' && strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_") == n;
}

/* Reads and checks the filters: false after a 400 naming the parameter. */
static bool
sub_filters(struct req *r, struct sub_filters *f)
{
	static const char *const allowed[] = { "status", "form", "workplace", "from", "to", "urgent", "q", "after", "limit", NULL };
	if (!api_params(r, allowed) || !api_limit(r, &f->limit))
		return false;
	const struct kvlist *a = &r->args;
	f->status = kv_get_or_empty(a, "status");
	f->form = kv_get_or_empty(a, "form");
	f->workplace = kv_get_or_empty(a, "workplace");
	f->from = kv_get_or_empty(a, "from");
	f->to = kv_get_or_empty(a, "to");
	f->urgent = kv_get_or_empty(a, "urgent");
	f->q = kv_get_or_empty(a, "q");
	f->after_us = f->after_id = "";
	if (*f->status && !submission_status_valid(f->status))
		return refuse(r, "status", "one of new, in_review, needs_info, referred, resolved, spam");
	if (*f->form && !form_id_ok(f->form))
		return refuse(r, "form", "a form id: a-z, 0-9 and _");
	if (*f->workplace && !fmt_is_id(f->workplace))
		return refuse(r, "workplace", "a workplace id");
	if (*f->from && !fmt_is_date(f->from))
		return refuse(r, "from", "a date written YYYY-MM-DD");
	if (*f->to && !fmt_is_date(f->to))
		return refuse(r, "to", "a date written YYYY-MM-DD");
	if (*f->urgent && strcmp(f->urgent, "true") != 0 && strcmp(f->urgent, "false") != 0)
		return refuse(r, "urgent", "true or false");
	if (text_length(f->q) > Q_MAX_CHARS)
		return refuse(r, "q", "at most 200 characters");
	/* keyset: "after" is "MICROSECONDS-ID" of the last row of the page before */
	const char *after = kv_get_or_empty(a, "after"), *dash = strchr(after, '-');
	if (*after == '\0')
		return true;
	char *us = dash ? arena_strndup(r->arena, after, (size_t)(dash - after)) : NULL;
	if (us == NULL || !fmt_is_digits(us, 18) || !fmt_is_id(dash + 1))
		return refuse(r, "after", "the \"next\" value of the page before");
	f->after_us = us;
	f->after_id = dash + 1;
	return true;
}

/* The page's rows, one more than asked to know whether another follows;
 * newest first, as the queue. Scope in the WHERE and again by row-level
 * security. NULL when the database is away. */
static PGresult *
sub_rows(struct req *r, const struct sub_filters *f)
{
	const char *limit = arena_printf(r->arena, "%ld", f->limit + 1);
	const char *p[11] = { r->officer->unit_path, f->status, f->form, f->workplace, f->from, f->to, f->urgent, f->q,
	    f->after_us, f->after_id, limit };
	/* as page_admin_queue.c: without a search each workplace's newest rows
	 * come in index order and are merged; with one the trigram index leads */
	return *f->q == '\0' ? db_query(r->app->db,
	    "SELECT " SUB_ITEM "::text, " SUB_CURSOR " "
	    "FROM (SELECT w.id, w.code, w.name FROM workplace w JOIN org_unit u ON u.id = w.unit_id "
	    "      WHERE u.path LIKE $1 || '%' AND ($4 = '' OR w.id = nullif($4, '')::bigint)) ws "
	    "CROSS JOIN LATERAL (SELECT * FROM submission s WHERE s.workplace_id = ws.id "
	    "  AND ($2 = '' OR s.status = $2) AND ($3 = '' OR s.form_id = $3) "
	    "  AND ($5 = '' OR s.received_at >= (nullif($5, '')::date)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh') "
	    "  AND ($6 = '' OR s.received_at < (nullif($6, '')::date + 1)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh') "
	    "  AND ($7 = '' OR s.urgent = ($7 = 'true')) AND $8 = '' "
	    "  AND ($9 = '' OR (s.received_at, s.id) < ('epoch'::timestamptz + nullif($9, '')::bigint * interval '1 microsecond', "
	    "       nullif($10, '')::bigint)) "
	    "  ORDER BY s.received_at DESC, s.id DESC LIMIT $11::int) s "
	    "ORDER BY s.received_at DESC, s.id DESC LIMIT $11::int", 11, p) : db_query(r->app->db,
	    "SELECT " SUB_ITEM "::text, " SUB_CURSOR " "
	    "FROM submission s JOIN workplace ws ON ws.id = s.workplace_id "
	    "WHERE s.search_text LIKE '%' || vn_fold($8) || '%' "
	    "AND s.workplace_id IN (SELECT w2.id FROM workplace w2 JOIN org_unit u ON u.id = w2.unit_id WHERE u.path LIKE $1 || '%') "
	    "AND ($2 = '' OR s.status = $2) AND ($3 = '' OR s.form_id = $3) "
	    "AND ($4 = '' OR s.workplace_id = nullif($4, '')::bigint) "
	    "AND ($5 = '' OR s.received_at >= (nullif($5, '')::date)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh') "
	    "AND ($6 = '' OR s.received_at < (nullif($6, '')::date + 1)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh') "
	    "AND ($7 = '' OR s.urgent = ($7 = 'true')) "
	    "AND ($9 = '' OR (s.received_at, s.id) < ('epoch'::timestamptz + nullif($9, '')::bigint * interval '1 microsecond', "
	    "     nullif($10, '')::bigint)) "
	    "ORDER BY s.received_at DESC, s.id DESC LIMIT $11::int", 11, p);
}

/* GET /api/v1/submissions?status=&form=&workplace=&from=&to=&urgent=&q=&after=&limit=
 * {"items": [...], "next": cursor or null}: the reports in the token's
 * officer's scope, newest first. 400 names a bad parameter. */
void
api_submissions(struct req *r)
{
	struct sub_filters f;
	if (!sub_filters(r, &f))
		return;
	PGresult *res = sub_rows(r, &f);
	if (api_db_failed(r, res, "submissions"))
		return;
	api_page(r, res, SC_ITEM, SC_CURSOR, f.limit);
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
	    "SELECT (" SUB_ITEM "::jsonb || jsonb_build_object("
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
