/* db.h: database access (the statement table lives in db.c). */
#ifndef TIENGNOI_DB_H
#define TIENGNOI_DB_H
#include <libpq-fe.h>
#include "app.h"

enum stmt {
	STMT_PING,
	STMT_ENTRY_BY_TOKEN,
	STMT_ENTRY_COUNT_SCANS,
	STMT_SUBMISSION_INSERT,
	STMT_SUBMISSION_KEY_STORED,
	STMT_STATUS_LOOKUP,
	STMT_STATUS_MESSAGES,
	STMT_STATUS_REPLY,
	STMT_ATTACHMENT_INSERT,
	STMT_FORM_VERSION_STORE,
	STMT_OFFICER_BY_USERNAME,
	STMT_LOGIN_FAILED,
	STMT_LOGIN_OK,
	STMT_SESSION_CREATE,
	STMT_SESSION_LOAD,
	STMT_SESSION_TOUCH,
	STMT_SESSION_DELETE,
	STMT_SESSION_DELETE_ALL,
	STMT_SESSION_MFA_DONE,
	STMT_AUDIT,
	STMT_TOTP_LOAD,
	STMT_TOTP_ACCEPT,
	STMT_TOTP_FAILED,
	STMT_RECOVERY_USE,
	STMT_UNIT_REQUIRES_TOTP,
	STMT_CASE_ATTACHMENT_INSERT,
	STMT__MAX
};

/* The columns of the statements whose rows are read by name. */
enum { OBU_ID, OBU_HASH, OBU_DISABLED, OBU_LOCKED, OBU_TOTP, OBU_UNIT };   /* STMT_OFFICER_BY_USERNAME */
enum { SL_ID, SL_USERNAME, SL_DISPLAY_NAME, SL_UNIT_ID, SL_UNIT_PATH, SL_UNIT_NAME, SL_ROLE, SL_CSRF, SL_TOTP,
	SL_MFA_PENDING, SL_STALE };                                           /* STMT_SESSION_LOAD */

struct db *db_open(const char *conninfo, bool prepare);
void db_close(struct db *);
const char *db_error(const struct db *);
bool db_ready(struct db *);
bool db_changed(struct db *, unsigned long *seen_generation);
/* Tells every app worker to drop its caches (entry.c) when the open
 * transaction commits (at once outside one): a NOTIFY for every server
 * of the database, and a count in memory this server's workers share,
 * which they see at their next request. 0, or -1 when the database
 * failed. */
int db_announce(struct db *);
/* Maps the count db_announce() keeps; the app's supervisor, before it
 * forks its workers. 0 on success. */
int db_announce_init(void);
PGresult *db_run(struct db *, enum stmt, const char *const *values, const int *lengths, const int *binary);
PGresult *db_query(struct db *, const char *sql_literal, int n, const char *const *values);
PGresult *db_query_bin(struct db *, const char *sql_literal, int n, const char *const *values);
int db_exec_script(struct db *, const char *script);
int db_stream_begin(struct db *, const char *sql_literal, int n, const char *const *values);
/* SQL text is a string literal at every call site: these only compile with
 * one. A wrapper whose own macro already checked the literal (cli_run,
 * db_guarded) calls the function itself: (db_query)(...). */
#define db_query(db, sql, n, v) db_query((db), "" sql, (n), (v))
#define db_query_bin(db, sql, n, v) db_query_bin((db), "" sql, (n), (v))
#define db_stream_begin(db, sql, n, v) db_stream_begin((db), "" sql, (n), (v))
PGresult *db_stream_next(struct db *, bool *failed);
int db_begin(struct db *);
int db_commit(struct db *);
void db_rollback(struct db *);
bool db_ok(const PGresult *);
const char *db_sqlstate(const PGresult *);
const char *db_scalar(const PGresult *);
enum found db_row(PGresult *, struct arena *, const char **const *fields, size_t n);
enum found db_one(PGresult *);
bool db_failed_with(const PGresult *, const char *sqlstate);
bool db_savepoint(struct db *);
void db_savepoint_end(struct db *, bool keep);
PGresult *db_guarded(struct db *, const char *sql_literal, int n, const char *const *values);
/* SQL text only as a string literal: the compiler refuses anything else. */
#define db_guarded(db, sql, n, v) db_guarded((db), "" sql, (n), (v))

#endif
