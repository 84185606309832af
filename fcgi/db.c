/* db.c: the only door to PostgreSQL: one connection, prepared statements, savepoints, reconnect with backoff. */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/mman.h>
#include <libpq-fe.h>

#include "app.h"
#include "arena.h"
#include "db.h"
#include "log.h"

struct db {
	PGconn *conn;
	char *conninfo;
	bool prepare;            /* the app prepares its statements; the CLI does not */
	double next_try;         /* monotonic seconds: no reconnect before this */
	double backoff;          /* seconds, doubles up to DB_BACKOFF_MAX */
	bool in_tx;              /* inside db_begin: a broken connection is not retried */
	unsigned long generation; /* bumped at every new connection: caches of the old one are stale */
	bool announce_pending;   /* db_announce() inside the open transaction: counted when it commits */
	char err[256];
};

#define DB_BACKOFF_MIN 0.05
#define DB_BACKOFF_MAX 1.0   /* seconds: after a failover the app finds the new leader within ~1 s */

struct stmt_def {
	const char *sql;
	int nparams;
};

/* The prepared statements (the hot paths: QR entry, submissions, sign-in,
 * sessions). Every other statement is a string literal with $n parameters
 * in the room that uses it; no value is ever spliced into SQL text. */
static const struct stmt_def stmts[STMT__MAX] = {
	/* STMT_PING */
	{ "SELECT 1", 0 },
	/* STMT_ENTRY_BY_TOKEN */
	{ "SELECT e.id, w.name, array_to_string(e.forms, ','), e.label, "
	  "coalesce((SELECT h.hotline FROM unit_hotline(w.unit_id) h), ''), w.id, w.unit_id "
	  "FROM entry_point e JOIN workplace w ON w.id = e.workplace_id "
	  "WHERE e.token = $1 AND e.revoked_at IS NULL", 1 },
	/* STMT_ENTRY_COUNT_SCANS: a worker's scans of several QR codes at once (ids, counts) */
	{ "UPDATE entry_point e SET scan_count = e.scan_count + s.n "
	  "FROM unnest($1::bigint[], $2::bigint[]) AS s(id, n) WHERE e.id = s.id", 2 },
	/* STMT_SUBMISSION_INSERT: the QR code's workplace and unit ($11, $12)
	 * as the worker's cache of it holds them (entry.c: dropped at once when
	 * a QR code or workplace changes), not a join run for every report */
	{ "INSERT INTO submission (form_id, form_version, workplace_id, unit_id, entry_point_id, "
	  "channel, answers, lang, idempotency_key, receipt_hash, urgent, contact_sealed, contact_consent_at, flood) "
	  "VALUES ($2, $3, $11, $12, $1, 'qr', $4::jsonb, $5, $6, $7, $8, $9, "
	  "CASE WHEN $9::bytea IS NULL THEN NULL ELSE now() END, $10) "
	  "ON CONFLICT (idempotency_key) DO NOTHING RETURNING id", 12 },
	/* STMT_SUBMISSION_KEY_STORED: what the report stored under an idempotency key
	 * is to this one: 's' the same report, 'l' stored before receipts were
	 * bound to the content (legacy receipt), 'o' another report */
	{ "SELECT CASE WHEN receipt_hash = $2 THEN 's' WHEN receipt_hash = $3 THEN 'l' ELSE 'o' END "
	  "FROM submission WHERE idempotency_key = $1", 3 },
	/* STMT_STATUS_LOOKUP */
	{ "SELECT s.id, s.status, s.form_id, "
	  "to_char(s.received_at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'DD/MM/YYYY HH24:MI'), w.name "
	  "FROM submission s JOIN workplace w ON w.id = s.workplace_id WHERE s.receipt_hash = $1", 1 },
	/* STMT_STATUS_MESSAGES */
	{ "SELECT author, body, to_char(created_at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'DD/MM/YYYY HH24:MI') "
	  "FROM message WHERE submission_id = $1 ORDER BY created_at, id", 1 },
	/* STMT_STATUS_REPLY */
	{ "WITH m AS (INSERT INTO message (submission_id, author, body, idempotency_key) "
	  "VALUES ($1, 'worker', $2, $3) ON CONFLICT (idempotency_key) DO NOTHING RETURNING submission_id) "
	  "UPDATE submission SET worker_replied_at = now() WHERE id IN (SELECT submission_id FROM m)", 3 },
	/* STMT_ATTACHMENT_INSERT */
	{ "INSERT INTO attachment (submission_id, field, mime, size, sha256, data) "
	  "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (submission_id, sha256) DO NOTHING", 6 },
	/* STMT_FORM_VERSION_STORE: returns whether the stored text is this one */
	{ "WITH ins AS (INSERT INTO form_version (form_id, version, definition) VALUES ($1, $2, $3::jsonb) "
	  "ON CONFLICT (form_id, version) DO NOTHING RETURNING 1) "
	  "SELECT EXISTS (SELECT 1 FROM ins) OR definition = $3::jsonb FROM form_version "
	  "WHERE form_id = $1 AND version = $2", 3 },
	/* STMT_OFFICER_BY_USERNAME */
	{ "SELECT id, password_hash, disabled_at IS NOT NULL, coalesce(locked_until > now(), false), totp_enabled, unit_id "
	  "FROM officer WHERE username = $1", 1 },
	/* STMT_LOGIN_FAILED: five failures in a row lock the account for 15 minutes */
	{ "UPDATE officer SET failed_logins = CASE WHEN failed_logins + 1 >= 5 THEN 0 ELSE failed_logins + 1 END, "
	  "locked_until = CASE WHEN failed_logins + 1 >= 5 THEN now() + interval '15 minutes' ELSE locked_until END "
	  "WHERE id = $1", 1 },
	/* STMT_LOGIN_OK */
	{ "UPDATE officer SET failed_logins = 0, locked_until = NULL WHERE id = $1", 1 },
	/* STMT_SESSION_CREATE: 12 hours at most, whatever the activity */
	{ "INSERT INTO session (token_hash, officer_id, csrf, expires_at, mfa_pending) "
	  "VALUES ($1, $2, $3, now() + interval '12 hours', $4)", 4 },
	/* STMT_SESSION_LOAD: 30 minutes idle ends a session */
	{ "SELECT o.id, o.username, o.display_name, o.unit_id, u.path, u.name, o.role, s.csrf, o.totp_enabled, "
	  "s.mfa_pending, s.last_seen < now() - interval '1 minute' "
	  "FROM session s JOIN officer o ON o.id = s.officer_id JOIN org_unit u ON u.id = o.unit_id "
	  "WHERE s.token_hash = $1 AND s.expires_at > now() AND s.last_seen > now() - interval '30 minutes' "
	  "AND o.disabled_at IS NULL", 1 },
	/* STMT_SESSION_TOUCH */
	{ "UPDATE session SET last_seen = now() WHERE token_hash = $1", 1 },
	/* STMT_SESSION_DELETE */
	{ "DELETE FROM session WHERE token_hash = $1", 1 },
	/* STMT_SESSION_DELETE_ALL */
	{ "DELETE FROM session WHERE officer_id = $1", 1 },
	/* STMT_SESSION_MFA_DONE */
	{ "UPDATE session SET mfa_pending = false WHERE token_hash = $1", 1 },
	/* STMT_AUDIT */
	{ "INSERT INTO audit_log (officer_id, unit_id, action, object, detail) VALUES ($1, $2, $3, $4, $5)", 5 },
	/* STMT_TOTP_LOAD: the second factor of an officer with a half-open session */
	{ "SELECT encode(totp_secret, 'hex'), totp_last_step, unit_id, "
	  "disabled_at IS NOT NULL OR coalesce(locked_until > now(), false), totp_enabled "
	  "FROM officer WHERE id = $1", 1 },
	/* STMT_TOTP_ACCEPT: a code's step is taken once; no row when it was already */
	{ "UPDATE officer SET totp_last_step = $2, failed_logins = 0, locked_until = NULL "
	  "WHERE id = $1 AND totp_enabled AND totp_last_step < $2 AND coalesce(locked_until <= now(), true) "
	  "RETURNING id", 2 },
	/* STMT_TOTP_FAILED: counts like a wrong password; returns whether the account is now locked */
	{ "UPDATE officer SET failed_logins = CASE WHEN failed_logins + 1 >= 5 THEN 0 ELSE failed_logins + 1 END, "
	  "locked_until = CASE WHEN failed_logins + 1 >= 5 THEN now() + interval '15 minutes' ELSE locked_until END "
	  "WHERE id = $1 RETURNING coalesce(locked_until > now(), false)", 1 },
	/* STMT_RECOVERY_USE: each recovery code signs in once */
	{ "UPDATE officer_recovery SET used_at = now() "
	  "WHERE officer_id = $1 AND code_hash = $2 AND used_at IS NULL RETURNING 1", 2 },
	/* STMT_UNIT_REQUIRES_TOTP: the unit at this path, or one above it, makes the second factor mandatory */
	{ "SELECT EXISTS (SELECT 1 FROM org_unit a WHERE a.require_totp AND a.path <> '' AND starts_with($1, a.path))", 1 },
	/* STMT_CASE_ATTACHMENT_INSERT: a case document (bytes and hash binary); returns its id */
	{ "INSERT INTO case_attachment (case_id, filename, mime, size, sha256, data, officer_id) "
	  "VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id", 7 },
};

/* The statements' names on the server ("s0", "s1"...), written once: a
 * report's INSERT need not format its name. */
static char stmt_names[STMT__MAX][16];

static double
now_mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
notice_quiet(void *arg, const char *msg)
{
	(void)arg;
	(void)msg;
}

/* Creates a handle; connects lazily on first use. `prepare` makes every
 * connection prepare the statement table once. Caller frees with db_close. */
struct db *
db_open(const char *conninfo, bool prepare)
{
	struct db *db = calloc(1, sizeof(*db));
	if (db == NULL || (db->conninfo = strdup(conninfo)) == NULL) {
		free(db);
		return NULL;
	}
	db->prepare = prepare;
	db->backoff = DB_BACKOFF_MIN;
	return db;
}

void
db_close(struct db *db)
{
	if (db == NULL)
		return;
	if (db->conn)
		PQfinish(db->conn);
	free(db->conninfo);
	free(db);
}

const char *
db_error(const struct db *db)
{
	return db->err;
}

static void
db_drop(struct db *db)
{
	if (db->conn) {
		snprintf(db->err, sizeof(db->err), "%s", PQerrorMessage(db->conn));
		PQfinish(db->conn);
		db->conn = NULL;
	}
	db->next_try = now_mono() + db->backoff;
	db->backoff = db->backoff * 2 > DB_BACKOFF_MAX ? DB_BACKOFF_MAX : db->backoff * 2;
}

/* True when there is a working connection, connecting (and preparing) first
 * if needed. While the database is away this returns false at once until
 * the backoff delay has passed, so requests answer 503 quickly. */
bool
db_ready(struct db *db)
{
	if (db->conn && PQstatus(db->conn) == CONNECTION_OK)
		return true;
	if (db->conn)
		db_drop(db);
	if (now_mono() < db->next_try)
		return false;
	db->conn = PQconnectdb(db->conninfo);
	if (PQstatus(db->conn) != CONNECTION_OK) {
		db_drop(db);
		return false;
	}
	PQsetNoticeProcessor(db->conn, notice_quiet, NULL);
	for (int i = 0; i < STMT__MAX; i++)
		snprintf(stmt_names[i], sizeof(stmt_names[i]), "s%d", i);
	if (db->prepare) {
		for (int i = 0; i < STMT__MAX; i++) {
			PGresult *res = PQprepare(db->conn, stmt_names[i], stmts[i].sql, stmts[i].nparams, NULL);
			bool ok = PQresultStatus(res) == PGRES_COMMAND_OK;
			if (!ok)
				snprintf(db->err, sizeof(db->err), "prepare %d: %s", i, PQresultErrorMessage(res));
			PQclear(res);
			if (!ok) {
				log_warn("%s", db->err);
				PQfinish(db->conn);
				db->conn = NULL;
				db->next_try = now_mono() + DB_BACKOFF_MAX;
				return false;
			}
		}
	}
	if (db->prepare) {   /* the app caches entry points; changes are announced (sql/008) */
		PGresult *res = PQexec(db->conn, "LISTEN tiengnoi_entry");
		PQclear(res);
	}
	db->generation++;
	db->backoff = DB_BACKOFF_MIN;
	return true;
}

/* Changes this server's workers committed through db_announce(), counted
 * in memory every worker shares (db_announce_init maps it before they are
 * forked): the others see one at their very next request, while
 * PostgreSQL's notification may still be on its way to their connections
 * (other servers of one database have only the notification). NULL in the
 * CLI and the sender. */
static _Atomic unsigned long *announced;

int
db_announce_init(void)
{
	void *p = mmap(NULL, sizeof(*announced), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return -1;
	announced = p;
	return 0;
}

static void
announce_count(struct db *db)
{
	if (db->announce_pending && announced != NULL)
		atomic_fetch_add(announced, 1);
	db->announce_pending = false;
}

int
db_announce(struct db *db)
{
	if (!db_ready(db))
		return -1;
	PGresult *res = PQexec(db->conn, "NOTIFY tiengnoi_entry, 'announced'");
	int rc = db_ok(res) ? 0 : -1;
	PQclear(res);
	db->announce_pending = rc == 0;
	if (!db->in_tx)
		announce_count(db);
	return rc;
}

/* True when PostgreSQL announced a change to entry points or workplaces
 * since the last call, or a worker of this server committed one
 * (db_announce), or the connection is new: caches must be dropped. Reads
 * only what already arrived; never blocks. */
bool
db_changed(struct db *db, unsigned long *seen_generation)
{
	unsigned long now = db->generation + (announced ? atomic_load(announced) : 0);
	bool changed = *seen_generation != now;
	*seen_generation = now;
	if (db->conn == NULL)
		return true;
	PQconsumeInput(db->conn);
	PGnotify *n;
	while ((n = PQnotifies(db->conn)) != NULL) {
		changed = true;
		PQfreemem(n);
	}
	return changed;
}

/* Runs a prepared statement. Values are text unless `binary` marks them
 * (then `lengths` gives their sizes). Returns the result (caller PQclears;
 * check its status) or NULL when the database is unreachable — the
 * connection is then dropped and retried later. A statement that fails
 * because the connection broke is retried once on a fresh connection: every
 * statement here is safe to repeat (inserts are idempotent by key). */
PGresult *
db_run(struct db *db, enum stmt s, const char *const *values, const int *lengths, const int *binary)
{
	for (int attempt = 0; attempt < 2; attempt++) {
		if (!db_ready(db))
			return NULL;
		PGresult *res = PQexecPrepared(db->conn, stmt_names[s], stmts[s].nparams, values, lengths, binary, 0);
		if (PQstatus(db->conn) == CONNECTION_OK)
			return res;
		PQclear(res);
		db_drop(db);
		if (db->in_tx) {   /* the transaction died with the connection */
			db->in_tx = false;
			return NULL;
		}
		db->next_try = 0;   /* one immediate retry: PostgreSQL may be back already */
	}
	return NULL;
}

static int
db_command(struct db *db, const char *sql_literal)
{
	if (!db_ready(db))
		return -1;
	PGresult *res = PQexec(db->conn, sql_literal);
	int rc = db_ok(res) ? 0 : -1;
	PQclear(res);
	return rc;
}

/* Starts a transaction; statements run by db_run until db_commit or
 * db_rollback belong to it. 0 on success. */
int
db_begin(struct db *db)
{
	if (db_command(db, "BEGIN") != 0)
		return -1;
	db->in_tx = true;
	return 0;
}

/* Commits; -1 when the transaction had failed (PostgreSQL then answers
 * COMMIT with ROLLBACK) or the connection broke: nothing was kept. */
int
db_commit(struct db *db)
{
	db->in_tx = false;
	if (!db_ready(db) || PQtransactionStatus(db->conn) == PQTRANS_INERROR) {
		(void)db_command(db, "ROLLBACK");
		db->announce_pending = false;
		return -1;
	}
	PGresult *res = PQexec(db->conn, "COMMIT");
	int rc = db_ok(res) && strcmp(PQcmdStatus(res), "COMMIT") == 0 ? 0 : -1;
	PQclear(res);
	if (rc != 0)
		db->announce_pending = false;
	announce_count(db);
	return rc;
}

void
db_rollback(struct db *db)
{
	if (db->conn && PQtransactionStatus(db->conn) != PQTRANS_IDLE)
		(void)db_command(db, "ROLLBACK");
	db->in_tx = false;
	db->announce_pending = false;
}

/* For the CLI and the officer pages: runs one literal SQL statement with
 * text parameters, unprepared. Returns the result (caller PQclears) or
 * NULL when not connected. */
PGresult *
(db_query)(struct db *db, const char *sql_literal, int n, const char *const *values)
{
	if (!db_ready(db))
		return NULL;
	return PQexecParams(db->conn, sql_literal, n, NULL, values, NULL, NULL, 0);
}

/* Like db_query, with results in binary (bytea as raw bytes). */
PGresult *
(db_query_bin)(struct db *db, const char *sql_literal, int n, const char *const *values)
{
	if (!db_ready(db))
		return NULL;
	return PQexecParams(db->conn, sql_literal, n, NULL, values, NULL, NULL, 1);
}

/* Starts a query whose rows come one at a time (single-row mode), so an
 * export of a million rows runs in constant memory; values in binary, as
 * db_query_bin (the server then spends nothing printing numbers and times,
 * a sixth of an export's time in PostgreSQL). 0 on success; then call
 * db_stream_next until it returns NULL. */
int
(db_stream_begin)(struct db *db, const char *sql_literal, int n, const char *const *values)
{
	if (!db_ready(db) || !PQsendQueryParams(db->conn, sql_literal, n, NULL, values, NULL, NULL, 1) ||
	    !PQsetSingleRowMode(db->conn)) {
		snprintf(db->err, sizeof(db->err), "%s", db->conn ? PQerrorMessage(db->conn) : "no connection");
		return -1;
	}
	return 0;
}

/* The next row (a one-row result the caller PQclears), or NULL at the end
 * or on error (*failed set, message in db_error). */
PGresult *
db_stream_next(struct db *db, bool *failed)
{
	PGresult *res;
	while ((res = PQgetResult(db->conn)) != NULL) {
		ExecStatusType st = PQresultStatus(res);
		if (st == PGRES_SINGLE_TUPLE)
			return res;
		if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) {
			snprintf(db->err, sizeof(db->err), "%s", PQresultErrorMessage(res));
			*failed = true;
		}
		PQclear(res);
	}
	return NULL;
}

/* For migrations only: runs a whole SQL file's text (several statements).
 * 0 on success, -1 with the error in db_error(). */
int
db_exec_script(struct db *db, const char *script)
{
	if (!db_ready(db))
		return -1;
	PGresult *res = PQexec(db->conn, script);
	int rc = PQresultStatus(res) == PGRES_COMMAND_OK || PQresultStatus(res) == PGRES_TUPLES_OK ? 0 : -1;
	if (rc != 0)
		snprintf(db->err, sizeof(db->err), "%s", PQresultErrorMessage(res));
	PQclear(res);
	return rc;
}

/* True when the result is a success (command or rows). */
bool
db_ok(const PGresult *res)
{
	ExecStatusType st = PQresultStatus(res);
	return res != NULL && (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK);
}

/* SQLSTATE of a failed result, "" when none. */
const char *
db_sqlstate(const PGresult *res)
{
	const char *s = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	return s ? s : "";
}

/* The first column of the first row of a query that selects one value
 * ("" for SQL NULL), or NULL when the query failed or found no row. The
 * string belongs to `res`. */
const char *
db_scalar(const PGresult *res)
{
	enum { FIRST_ROW, FIRST_COL = 0 };
	if (!db_ok(res) || PQntuples(res) < 1 || PQnfields(res) < 1)
		return NULL;
	return PQgetvalue(res, FIRST_ROW, FIRST_COL);
}

/* The one row a loader asked for: its first `n` columns copied in order
 * into *fields[0..n-1] (arena strings). FOUND, MISSING (no row) or DB_DOWN
 * (the query failed); clears `res` either way. */
enum found
db_row(PGresult *res, struct arena *a, const char **const *fields, size_t n)
{
	enum found f = !db_ok(res) ? DB_DOWN : PQntuples(res) == 1 && (size_t)PQnfields(res) >= n ? FOUND : MISSING;
	for (size_t i = 0; f == FOUND && i < n; i++)
		*fields[i] = arena_strdup(a, PQgetvalue(res, 0, (int)i));
	PQclear(res);
	return f;
}

/* Whether `res` is exactly one row: FOUND (res kept for the caller to
 * read and clear), or MISSING / DB_DOWN with res cleared. */
enum found
db_one(PGresult *res)
{
	if (db_ok(res) && PQntuples(res) == 1)
		return FOUND;
	enum found f = db_ok(res) ? MISSING : DB_DOWN;
	PQclear(res);
	return f;
}

/* true when `res` is a failure with this SQLSTATE (e.g. "23505", a
 * unique key taken), so a page can explain a refused write. */
bool
db_failed_with(const PGresult *res, const char *sqlstate)
{
	return res && !db_ok(res) && strcmp(db_sqlstate(res), sqlstate) == 0;
}

/* Opens a savepoint inside the request's transaction, so that a write the
 * database refuses (a code taken meanwhile, a trigger, row-level
 * security) leaves the transaction usable for the page that explains it.
 * false when the database is away or refused. */
bool
db_savepoint(struct db *db)
{
	PGresult *res = db_query(db, "SAVEPOINT kit_change", 0, NULL);
	bool ok = db_ok(res);
	PQclear(res);
	return ok;
}

/* Ends db_savepoint()'s savepoint: keeps its writes, or undoes them. */
void
db_savepoint_end(struct db *db, bool keep)
{
	if (keep)
		PQclear(db_query(db, "RELEASE SAVEPOINT kit_change", 0, NULL));
	else
		PQclear(db_query(db, "ROLLBACK TO SAVEPOINT kit_change", 0, NULL));
}

/* One statement in its own savepoint: kept when it succeeded, undone when
 * it failed (the result says why). NULL: the database is away. The caller
 * PQclears. Use the db_guarded() macro, which takes only a literal. */
PGresult *
(db_guarded)(struct db *db, const char *sql_literal, int n, const char *const *values)
{
	if (!db_savepoint(db))
		return NULL;
	PGresult *res = (db_query)(db, sql_literal, n, values);
	db_savepoint_end(db, db_ok(res));
	return res;
}
