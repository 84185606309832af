/* privacy.c: data-subject requests (sql/011, sql/017): record, list, move on, export and erase, one SQL path for the console and the CLI. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libpq-fe.h>
#include <sodium.h>

#include "app.h"
#include "arena.h"
#include "db.h"
#include "privacy.h"
#include "token.h"

/* The kinds of request the law gives a person: see, correct, delete. */
bool
privacy_kind_valid(const char *kind)
{
	return vocab_find(privacy_kinds, PRIVACY_NKINDS, kind) != NULL;
}

const struct vocab privacy_kinds[PRIVACY_NKINDS] = {
	{ "access", "Xem dữ liệu", "Access" },
	{ "correct", "Chỉnh sửa", "Correction" },
	{ "delete", "Xóa", "Deletion" },
};

const struct vocab privacy_statuses[PRIVACY_NSTATUSES] = {
	{ "received", "Mới nhận", "Received" },
	{ "acknowledged", "Đã xác nhận", "Acknowledged" },
	{ "done", "Đã xong", "Done" },
	{ "refused", "Từ chối", "Refused" },
};

/* A receipt as a person types it (spaces, dots, dashes allowed) → its
 * keyed hash as a bytea text literal "\x…" (arena), exactly as the worker
 * pages store it. NULL when it is not 16 digits. The code is wiped. */
const char *
privacy_receipt_hex(struct arena *a, const struct keys *k, const char *typed)
{
	char digits[RECEIPT_DIGITS + 1];
	unsigned char h[RECEIPT_HASH_LEN];
	if (typed == NULL || !receipt_parse(typed, digits))
		return NULL;
	receipt_hash(k, digits, h);
	sodium_memzero(digits, sizeof(digits));
	char *hex = arena_alloc(a, 2 * RECEIPT_HASH_LEN + 3);
	if (hex == NULL)
		return NULL;
	memcpy(hex, "\\x", 2);
	sodium_bin2hex(hex + 2, 2 * RECEIPT_HASH_LEN + 1, h, sizeof(h));
	return hex;
}

/* The report a receipt hash belongs to, as the caller's transaction sees
 * it (in the console: only the admin's scope, so a report elsewhere is
 * PRIVACY_NOT_FOUND exactly like an unknown or anonymised receipt). Id and
 * unit from the arena. */
enum privacy_result
privacy_report_by_receipt(struct arena *a, struct db *db, const char *hash_hex, const char **sub_id, const char **unit_id)
{
	enum { FOUND_ID, FOUND_UNIT };
	const char *p[1] = { hash_hex };
	PGresult *res = db_query(db, "SELECT id, unit_id FROM submission WHERE receipt_hash = $1::bytea", 1, p);
	enum privacy_result rc = !db_ok(res) ? PRIVACY_DB : PQntuples(res) == 1 ? PRIVACY_OK : PRIVACY_NOT_FOUND;
	if (rc == PRIVACY_OK) {
		*sub_id = arena_strdup(a, PQgetvalue(res, 0, FOUND_ID));
		*unit_id = arena_strdup(a, PQgetvalue(res, 0, FOUND_UNIT));
	}
	PQclear(res);
	return rc;
}

/* Records a request (kind checked by the caller; receipt hash or subject,
 * not both; unit_id may be NULL from the CLI). *id and *ack_by (the day
 * it must be acknowledged by, YYYY-MM-DD) from the arena. */
enum privacy_result
privacy_request_add(struct arena *a, struct db *db, const char *kind, const char *hash_hex, const char *subject,
    const char *note, const char *unit_id, const char **id, const char **ack_by)
{
	enum { ADDED_ID, ADDED_ACK_BY };
	const char *p[5] = { kind, hash_hex, subject, note ? note : "", unit_id };
	PGresult *res = db_query(db, "INSERT INTO subject_request (kind, receipt_hash, subject, note, unit_id) "
	    "VALUES ($1, $2::bytea, $3, $4, $5::bigint) RETURNING id, subject_request_ack_by(received_at)", 5, p);
	if (!db_ok(res) || PQntuples(res) != 1) {
		PQclear(res);
		return PRIVACY_DB;
	}
	*id = arena_strdup(a, PQgetvalue(res, 0, ADDED_ID));
	*ack_by = arena_strdup(a, PQgetvalue(res, 0, ADDED_ACK_BY));
	PQclear(res);
	return PRIVACY_OK;
}

/* Every request the transaction may see (or only request only_id), open
 * ones first, oldest first. Columns: enum privacy_request_col. Caller
 * PQclears; check db_ok. */
PGresult *
privacy_request_list(struct db *db, const char *only_id)
{
	const char *p[1] = { only_id };
	return db_query(db, "SELECT q.id, q.kind, q.status, "
	    "to_char(q.received_at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'YYYY-MM-DD HH24:MI'), "
	    "subject_request_ack_by(q.received_at), "
	    "coalesce(to_char(q.acknowledged_at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'YYYY-MM-DD'), '-'), "
	    "coalesce(to_char(q.done_at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'YYYY-MM-DD'), '-'), "
	    "CASE WHEN q.status = 'received' AND (now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date > subject_request_ack_by(q.received_at) "
	    "THEN 'OVERDUE' WHEN q.status = 'received' THEN 'to acknowledge' ELSE '' END, "
	    "CASE WHEN q.receipt_hash IS NOT NULL THEN 'receipt' ELSE translate(q.subject, E'\\t\\n\\r', '   ') END, "
	    "translate(q.note, E'\\t\\n\\r', '   '), q.receipt_hash IS NOT NULL, coalesce(u.name, ''), "
	    "coalesce(subject_request_ack_by(q.received_at) > holiday_calendar_end(), true) "
	    "FROM subject_request q LEFT JOIN org_unit u ON u.id = q.unit_id "
	    "WHERE $1::bigint IS NULL OR q.id = $1::bigint "
	    "ORDER BY q.status IN ('done', 'refused'), q.received_at, q.id", 1, p);
}

/* How many requests the transaction sees that are past their
 * acknowledge-by day and still not acknowledged; -1 on a database error. */
long
privacy_overdue_count(struct db *db)
{
	PGresult *res = db_query(db, "SELECT count(*) FROM subject_request WHERE status = 'received' "
	    "AND (now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date > subject_request_ack_by(received_at)", 0, NULL);
	long n = db_scalar(res) ? atol(db_scalar(res)) : -1;
	PQclear(res);
	return n;
}

/* Moves a request on: verb "ack" (received → acknowledged), "done" or
 * "refuse" (→ done/refused, acknowledging too if that was skipped); a note
 * is appended to the request's note. *was (arena) is the status found. */
enum privacy_result
privacy_request_move(struct arena *a, struct db *db, const char *id, const char *verb, const char *note, const char **was)
{
	enum { MOVE_WAS, MOVE_MOVED };
	const char *p[3] = { id, verb, note };
	PGresult *res = db_query(db, "WITH old AS (SELECT status FROM subject_request WHERE id = $1::bigint), "
	    "upd AS (UPDATE subject_request SET "
	    "status = CASE $2 WHEN 'ack' THEN 'acknowledged' WHEN 'done' THEN 'done' ELSE 'refused' END, "
	    "acknowledged_at = coalesce(acknowledged_at, now()), "
	    "done_at = CASE WHEN $2 = 'ack' THEN NULL ELSE now() END, "
	    "note = CASE WHEN $3::text IS NULL THEN note WHEN note = '' THEN $3 ELSE left(note || ' / ' || $3, 2000) END "
	    "WHERE id = $1::bigint AND (status = 'received' OR (status = 'acknowledged' AND $2 <> 'ack')) RETURNING id) "
	    "SELECT (SELECT status FROM old), (SELECT count(*) FROM upd)", 3, p);
	if (!db_ok(res)) {
		PQclear(res);
		return PRIVACY_DB;
	}
	bool known = !PQgetisnull(res, 0, MOVE_WAS), moved = strcmp(PQgetvalue(res, 0, MOVE_MOVED), "1") == 0;
	*was = arena_strdup(a, PQgetvalue(res, 0, MOVE_WAS));
	PQclear(res);
	return !known ? PRIVACY_NOT_FOUND : !moved ? PRIVACY_ALREADY : PRIVACY_OK;
}

/* The receipt hash ("\x…", arena) of request id as the transaction sees
 * it, or NULL (unknown request, or one identified by a description). */
const char *
privacy_request_receipt(struct arena *a, struct db *db, const char *id)
{
	const char *p[1] = { id };
	PGresult *res = db_query(db, "SELECT receipt_hash FROM subject_request WHERE id = $1::bigint "
	    "AND receipt_hash IS NOT NULL", 1, p);
	const char *hex = db_scalar(res) && PQntuples(res) == 1 ? arena_strdup(a, db_scalar(res)) : NULL;
	PQclear(res);
	return hex;
}

/* What is held for one report, as indented JSON (arena): the report
 * (answers, status, dates, workplace), its photos' descriptions and the
 * messages; never anyone else's report, never which officer wrote, only
 * the number of internal notes. NULL on a database error. */
const char *
privacy_export_json(struct arena *a, struct db *db, const char *sub_id)
{
	const char *p[1] = { sub_id };
	PGresult *res = db_query(db, "SELECT jsonb_pretty(jsonb_build_object("
	    "'report', jsonb_build_object('form', s.form_id, 'form_version', s.form_version, "
	    "'received_at', s.received_at, 'workplace', w.name, 'channel', s.channel, 'language', s.lang, "
	    "'status', s.status, 'answers', s.answers, 'contact_details_held', s.contact_sealed IS NOT NULL, "
	    "'contact_consent_at', s.contact_consent_at), "
	    "'photos', (SELECT coalesce(jsonb_agg(jsonb_build_object('field', a.field, 'type', a.mime, 'bytes', a.size, "
	    "'received_at', a.created_at) ORDER BY a.id), '[]'::jsonb) FROM attachment a WHERE a.submission_id = s.id), "
	    "'messages', (SELECT coalesce(jsonb_agg(jsonb_build_object('from', m.author, 'at', m.created_at, 'text', m.body) "
	    "ORDER BY m.created_at, m.id), '[]'::jsonb) FROM message m WHERE m.submission_id = s.id), "
	    "'internal_notes', (SELECT count(*) FROM note n WHERE n.submission_id = s.id))) "
	    "FROM submission s JOIN workplace w ON w.id = s.workplace_id WHERE s.id = $1::bigint", 1, p);
	const char *json = db_scalar(res) && PQntuples(res) == 1 ? arena_strdup(a, db_scalar(res)) : NULL;
	PQclear(res);
	return json;
}

/* Whether a labour-dispute case holds the report: PRIVACY_HELD while one
 * is open; PRIVACY_OK otherwise, with *closed_on (arena) the day its last
 * case closed, or NULL when it was never in one. */
enum privacy_result
privacy_hold(struct arena *a, struct db *db, const char *sub_id, const char **closed_on)
{
	enum { HOLD_OPEN, HOLD_CLOSED_ON };
	const char *p[1] = { sub_id };
	PGresult *res = db_query(db, "SELECT closed_at = 'infinity', "
	    "to_char(closed_at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'YYYY-MM-DD') "
	    "FROM retention_holds() WHERE submission_id = $1::bigint", 1, p);
	*closed_on = NULL;
	if (!db_ok(res)) {
		PQclear(res);
		return PRIVACY_DB;
	}
	enum privacy_result rc = PRIVACY_OK;
	if (PQntuples(res) > 0 && PQgetvalue(res, 0, HOLD_OPEN)[0] == 't')
		rc = PRIVACY_HELD;
	else if (PQntuples(res) > 0)
		*closed_on = arena_strdup(a, PQgetvalue(res, 0, HOLD_CLOSED_ON));
	PQclear(res);
	return rc;
}

/* Anonymises the report now, as the retention purge would
 * (subject_request_erase() in sql/017: scope and case hold checked again
 * by PostgreSQL). Runs in the caller's transaction, which audits and
 * commits. *counts (arena): "photos=N messages=N notes=N". */
enum privacy_result
privacy_erase(struct arena *a, struct db *db, const char *sub_id, const char **counts)
{
	enum { ERASED_PHOTOS, ERASED_MESSAGES, ERASED_NOTES };
	const char *p[1] = { sub_id };
	PGresult *res = db_query(db, "SELECT photos, messages, notes FROM subject_request_erase($1::bigint)", 1, p);
	if (!db_ok(res)) {
		const char *state = db_sqlstate(res);
		enum privacy_result rc = strcmp(state, "55006") == 0 ? PRIVACY_HELD :
		    strcmp(state, "42501") == 0 ? PRIVACY_SCOPE : PRIVACY_DB;
		PQclear(res);
		return rc;
	}
	*counts = arena_printf(a, "photos=%s messages=%s notes=%s", PQgetvalue(res, 0, ERASED_PHOTOS),
	    PQgetvalue(res, 0, ERASED_MESSAGES), PQgetvalue(res, 0, ERASED_NOTES));
	PQclear(res);
	return PRIVACY_OK;
}
