/* queue_query.c: the triage queue's filters and query, shared by the console queue (/admin/) and the API (/api/v1/submissions): urgent new reports first, survey answers left to their results view. */
#include <stdlib.h>
#include <string.h>
#include <libpq-fe.h>

#include "arena.h"
#include "db.h"
#include "fmt.h"
#include "queue_query.h"
#include "req.h"
#include "submission.h"
#include "text.h"

#define Q_MAX_CHARS 200

/* A form id as submission.form_id's CHECK spells it. */
static bool
form_id_ok(const char *s)
{
	size_t n = strlen(s);
	return n >= 1 && n <= 40 && s[0] >= 'a' && s[0] <= 'z' && strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_") == n;
}

/* Splits a cursor "PIN-MICROSECONDS-ID" (PIN 1 for an urgent new report,
 * else 0) into f's after_* parts; false when it is not one. */
static bool
split_after(struct arena *a, struct queue_filter *f)
{
	const char *s = f->after, *d1 = strchr(s, '-'), *d2 = d1 ? strchr(d1 + 1, '-') : NULL;
	if (d1 != s + 1 || (s[0] != '0' && s[0] != '1') || d2 == NULL)
		return false;
	char *us = arena_strndup(a, d1 + 1, (size_t)(d2 - d1 - 1));
	if (!fmt_is_digits(us, 18) || !fmt_is_id(d2 + 1))
		return false;
	f->after_pin = s[0] == '1' ? "true" : "false";
	f->after_us = us;
	f->after_id = d2 + 1;
	return true;
}

/* The filters the console's queue and the API name alike, from the
 * query string `a` as given: status, form, workplace, from, to, q and
 * after; urgent and flood "", limit 0 (each caller reads its own). */
void
queue_filter_args(const struct kvlist *a, struct queue_filter *f)
{
	*f = (struct queue_filter){
		.status = kv_get_or_empty(a, "status"), .form = kv_get_or_empty(a, "form"),
		.workplace = kv_get_or_empty(a, "workplace"), .from = kv_get_or_empty(a, "from"), .to = kv_get_or_empty(a, "to"),
		.q = kv_get_or_empty(a, "q"), .after = kv_get_or_empty(a, "after"), .urgent = "", .flood = "",
	};
}

/* Checks the filters (dates are real days, ids fit a bigint, so a typing
 * mistake never reaches SQL as a failed cast) and splits `after`: NULL
 * when all can be used, else the first that cannot. */
const struct queue_bad *
queue_filter_check(struct arena *a, struct queue_filter *f)
{
	static const struct queue_bad bad[] = {
		{ "status", "trạng thái (status)", "status", "one of new, in_review, needs_info, referred, resolved, spam" },
		{ "form", "biểu mẫu (form)", "form", "a form id: a-z, 0-9 and _" },
		{ "workplace", "nơi làm việc (workplace): một mã số", "workplace: an id number", "a workplace id" },
		{ "from", "từ ngày (from): một ngày có thật, YYYY-MM-DD", "from: a real day, YYYY-MM-DD", "a date written YYYY-MM-DD" },
		{ "to", "đến ngày (to): một ngày có thật, YYYY-MM-DD", "to: a real day, YYYY-MM-DD", "a date written YYYY-MM-DD" },
		{ "urgent", "khẩn (urgent)", "urgent", "true or false" },
		{ "q", "tìm kiếm (q): tối đa 200 ký tự", "search (q): 200 characters at most", "at most 200 characters" },
		{ "after", "trang tiếp (after)", "next page (after)", "the \"next\" value of the page before" },
		{ "flood", "gửi dồn bất thường (flood)", "sent during a flood (flood)", "true" },
	};
	f->after_pin = f->after_us = f->after_id = "";
	const bool wrong[] = {
		*f->status && !submission_status_valid(f->status),
		*f->form && !form_id_ok(f->form),
		*f->workplace && !fmt_is_id(f->workplace),
		*f->from && !fmt_is_date(f->from),
		*f->to && !fmt_is_date(f->to),
		*f->urgent && strcmp(f->urgent, "true") != 0 && strcmp(f->urgent, "false") != 0,
		!text_valid_utf8(f->q, strlen(f->q)) || text_length(f->q) > Q_MAX_CHARS,
		*f->after && (strlen(f->after) > 60 || !split_after(a, f)),
		*f->flood && strcmp(f->flood, "true") != 0,
	};
	for (size_t i = 0; i < sizeof(wrong) / sizeof(wrong[0]); i++)
		if (wrong[i])
			return &bad[i];
	return NULL;
}

/* The page's rows in scope, f->limit + 1 of them (to know whether another
 * page follows): urgent reports still "new" first, then newest first.
 * Survey answers are left out unless urgent or the form filter names
 * their form. Scope in the WHERE clause and again by row-level security.
 * NULL when the database is away. */
PGresult *
queue_query_rows(struct req *r, const struct queue_filter *f)
{
	const char *limit = arena_printf(r->arena, "%ld", f->limit + 1);
	const char *p[13] = { r->officer->unit_path, f->status, f->form, f->workplace, f->from, f->to, f->urgent, f->flood,
	    f->after_pin, f->after_us, f->after_id, limit, f->q };
	/* Without a search: each workplace's first rows in the queue's order
	 * come from submission_queue_order_idx and are merged, so a page reads
	 * about limit rows per workplace however many are stored; filtered by
	 * a status other than new, no report is pinned, the ordering's first
	 * term folds away (the statement is planned with its values) and each
	 * workplace's rows come from submission_workplace_status_idx instead,
	 * so the other statuses' newest reports are not walked past. With a
	 * search: submission_search() (sql/050) finds the page's ids with the
	 * syllable index, in the same scope and under the same filters, and
	 * they are read here under row-level security. */
	return *f->q == '\0' ? db_query(r->app->db,
	    "SELECT s.id, to_char(s.received_at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'DD/MM/YYYY HH24:MI'), "
	    "ws.name, s.form_id, s.status, s.urgent, s.answers::text, coalesce(o.display_name, o.username, ''), "
	    "s.worker_replied_at IS NOT NULL AND s.worker_replied_at > coalesce(s.status_changed_at, s.received_at), "
	    "s.channel, " QUEUE_ITEM_JSON "::text, "
	    "(CASE WHEN s.pin THEN '1-' ELSE '0-' END) || (extract(epoch FROM s.received_at) * 1000000)::bigint::text || '-' || s.id , s.flood "
	    "FROM (SELECT w.id, w.code, w.name FROM workplace w JOIN org_unit u ON u.id = w.unit_id "
	    "      WHERE u.path LIKE $1 || '%' AND ($4 = '' OR w.id = nullif($4, '')::bigint)) ws "
	    "CROSS JOIN LATERAL (SELECT s.*, (s.urgent AND s.status = 'new') AS pin FROM submission s WHERE s.workplace_id = ws.id "
	    "  AND ($2 = '' OR s.status = $2) AND ($3 = '' OR s.form_id = $3) "
	    "  AND ($3 <> '' OR s.urgent OR NOT EXISTS (SELECT 1 FROM survey_form sf WHERE sf.form_id = s.form_id)) "
	    "  AND ($5 = '' OR s.received_at >= (nullif($5, '')::date)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh') "
	    "  AND ($6 = '' OR s.received_at < (nullif($6, '')::date + 1)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh') "
	    "  AND ($7 = '' OR s.urgent = ($7 = 'true')) AND ($8 = '' OR s.flood) "
	    "  AND ($9 = '' OR ((s.urgent AND s.status = 'new'), s.received_at, s.id) < (nullif($9, '')::boolean, "
	    "       'epoch'::timestamptz + nullif($10, '')::bigint * interval '1 microsecond', nullif($11, '')::bigint)) "
	    "  ORDER BY CASE WHEN $2 IN ('', 'new') THEN s.urgent AND s.status = 'new' END DESC, "
	    "  s.received_at DESC, s.id DESC LIMIT $12::int) s "
	    "LEFT JOIN officer o ON o.id = s.assignee_id "
	    "ORDER BY s.pin DESC, s.received_at DESC, s.id DESC LIMIT $12::int", 12, p) : db_query(r->app->db,
	    "SELECT s.id, to_char(s.received_at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'DD/MM/YYYY HH24:MI'), "
	    "ws.name, s.form_id, s.status, s.urgent, s.answers::text, coalesce(o.display_name, o.username, ''), "
	    "s.worker_replied_at IS NOT NULL AND s.worker_replied_at > coalesce(s.status_changed_at, s.received_at), "
	    "s.channel, " QUEUE_ITEM_JSON "::text, "
	    "(CASE WHEN s.urgent AND s.status = 'new' THEN '1-' ELSE '0-' END) || "
	    "(extract(epoch FROM s.received_at) * 1000000)::bigint::text || '-' || s.id, s.flood "
	    "FROM submission s JOIN workplace ws ON ws.id = s.workplace_id LEFT JOIN officer o ON o.id = s.assignee_id "
	    "WHERE s.id IN (SELECT submission_search($13, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12::int)) "
	    "AND s.workplace_id IN (SELECT w2.id FROM workplace w2 JOIN org_unit u ON u.id = w2.unit_id WHERE u.path LIKE $1 || '%') "
	    "ORDER BY (s.urgent AND s.status = 'new') DESC, s.received_at DESC, s.id DESC LIMIT $12::int", 13, p);
}

/* How many reports in scope have `status` under the other filters but the
 * search (the same rows queue_query_rows() would list), counted up to
 * cap + 1 so the work stays bounded on a million rows; -1 when the
 * database is away. */
static long
count_status(struct req *r, const struct queue_filter *f, const char *status, long cap)
{
	const char *capn = arena_printf(r->arena, "%ld", cap + 1);
	const char *p[9] = { r->officer->unit_path, status, f->form, f->workplace, f->from, f->to, f->urgent, capn,
	    f->flood };
	PGresult *c = db_query(r->app->db,
	    "SELECT count(*) FROM (SELECT 1 FROM submission s WHERE s.status = $2 AND s.workplace_id IN "
	    "(SELECT w.id FROM workplace w JOIN org_unit u ON u.id = w.unit_id WHERE u.path LIKE $1 || '%') "
	    "AND ($3 = '' OR s.form_id = $3) "
	    "AND ($3 <> '' OR s.urgent OR NOT EXISTS (SELECT 1 FROM survey_form sf WHERE sf.form_id = s.form_id)) "
	    "AND ($4 = '' OR s.workplace_id = nullif($4, '')::bigint) "
	    "AND ($5 = '' OR s.received_at >= (nullif($5, '')::date)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh') "
	    "AND ($6 = '' OR s.received_at < (nullif($6, '')::date + 1)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh') "
	    "AND ($7 = '' OR s.urgent = ($7 = 'true')) AND ($9 = '' OR s.flood) "
	    "LIMIT $8::int) x", 9, p);
	const char *n = db_scalar(c);
	long count = n ? atol(n) : -1;
	PQclear(c);
	return count;
}

/* How many reports in scope have each status of submission_statuses
 * under the other filters (f->status aside), counted up to cap + 1 so the
 * work stays bounded on a million rows, into n[]: a status query each
 * without a search, one call of submission_search_counts() (sql/050) with
 * one. -1 where the database is away. */
void
queue_query_counts(struct req *r, const struct queue_filter *f, long cap, long n[SUBMISSION_NSTATUSES])
{
	for (size_t i = 0; i < SUBMISSION_NSTATUSES; i++)
		n[i] = *f->q ? -1 : count_status(r, f, submission_statuses[i].value, cap);
	if (*f->q == '\0')
		return;
	enum { CC_STATUS, CC_N };
	const char *capn = arena_printf(r->arena, "%ld", cap);
	const char *p[8] = { f->q, f->form, f->workplace, f->from, f->to, f->urgent, f->flood, capn };
	PGresult *c = db_query(r->app->db,
	    "SELECT status, n FROM submission_search_counts($1, $2, $3, $4, $5, $6, $7, $8::int)", 8, p);
	for (int row = 0; db_ok(c) && row < PQntuples(c); row++)
		for (size_t i = 0; i < SUBMISSION_NSTATUSES; i++)
			if (strcmp(PQgetvalue(c, row, CC_STATUS), submission_statuses[i].value) == 0)
				n[i] = atol(PQgetvalue(c, row, CC_N));
	PQclear(c);
}
