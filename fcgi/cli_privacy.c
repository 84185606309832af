/* cli_privacy.c: tiengnoi-admin's retention purge and data-subject requests (sql/011_retention.sql, docs/privacy.md). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <libpq-fe.h>
#include <sodium.h>

#include "app.h"
#include "arena.h"
#include "cli.h"
#include "config.h"
#include "db.h"
#include "privacy.h"
#include "token.h"

/* Reads --receipt as a person types it and returns its keyed hash as a
 * bytea text literal ("\\x..." from the arena). NULL after saying why, with
 * *rc set: 2 for a malformed code, 1 when the server key cannot be read.
 * The code itself is never printed or stored. */
static const char *
receipt_hash_arg(struct cli *cli, const char *typed, int *rc)
{
	char err[512];
	struct keys k;
	*rc = EXIT_USAGE;
	if (typed == NULL) {
		cli_fail(EXIT_USAGE, "--receipt CODE is needed (the worker's 16-digit receipt)");
		return NULL;
	}
	if (keys_load(config_key_path(), &k, err, sizeof(err)) != 0) {
		*rc = EXIT_FAIL;
		cli_fail(EXIT_FAIL, "cannot load the server key %s: %s", config_key_path(), err);
		return NULL;
	}
	const char *hex = privacy_receipt_hex(cli->arena, &k, typed);
	sodium_memzero(&k, sizeof(k));
	if (hex == NULL)
		cli_fail(EXIT_USAGE, "--receipt must be a 16-digit receipt code (spaces, dots and dashes allowed)");
	return hex;
}

/* The report a receipt hash belongs to: its id and unit (from the arena).
 * false after saying so when no report holds it (unknown, mistyped, or
 * anonymised: anonymising unlinks the receipt). */
static bool
report_by_receipt(struct cli *cli, const char *hash, const char **id, const char **unit_id, int *rc)
{
	switch (privacy_report_by_receipt(cli->arena, cli->db, hash, id, unit_id)) {
	case PRIVACY_OK:
		return true;
	case PRIVACY_NOT_FOUND:
		*rc = EXIT_USAGE;
		cli_fail(EXIT_USAGE, "no report holds that receipt (unknown, mistyped, or already anonymised)");
		return false;
	default:
		*rc = EXIT_FAIL;
		cli_db_failed(cli);
		return false;
	}
}

/* The report --receipt names: its id and unit (from the arena); false
 * after saying why, with *rc as receipt_hash_arg() and report_by_receipt() set it. */
static bool
receipt_report(struct cli *cli, const struct opts *o, const char **sub_id, const char **unit_id, int *rc)
{
	const char *hash = receipt_hash_arg(cli, cli_opt(o, "receipt"), rc);
	return hash != NULL && report_by_receipt(cli, hash, sub_id, unit_id, rc);
}

/* purge [--dry-run]: runs the retention policy once in one transaction
 * with its audit row; a dry run rolls back and writes nothing. Safe to
 * repeat and to run from a timer: a second run finds nothing to do. */
int
cmd_purge(struct cli *cli, struct opts *o)
{
	bool dry = cli_opt(o, "dry-run") != NULL;
	if (o->npos > 0)
		return cli_fail(EXIT_USAGE, "purge takes no arguments besides --dry-run");
	if (db_begin(cli->db) != 0)
		return cli_db_failed(cli);
	enum { P_REPORTS, P_PHOTOS, P_MESSAGES, P_NOTES, P_HELD, P_DOCUMENTS };
	PGresult *res = cli_run(cli, "SELECT p.reports, p.photos, p.messages, p.notes, p.held, d.documents "
	    "FROM retention_purge() p, case_documents_purge() d", 0, NULL, NULL);
	if (res == NULL) {
		db_rollback(cli->db);
		return EXIT_FAIL;
	}
	char *counts = arena_printf(cli->arena, "reports=%s photos=%s messages=%s notes=%s held=%s documents=%s",
	    PQgetvalue(res, 0, P_REPORTS), PQgetvalue(res, 0, P_PHOTOS), PQgetvalue(res, 0, P_MESSAGES),
	    PQgetvalue(res, 0, P_NOTES), PQgetvalue(res, 0, P_HELD), PQgetvalue(res, 0, P_DOCUMENTS));
	PQclear(res);
	if (dry) {
		db_rollback(cli->db);
		printf("dry run, nothing changed: would purge %s\n", counts);
		return EXIT_OK;
	}
	if (!cli_audit(cli, "purge", "retention", counts, NULL)) {
		db_rollback(cli->db);
		return EXIT_FAIL;
	}
	if (db_commit(cli->db) != 0)
		return cli_fail(EXIT_FAIL, "purge failed at commit, nothing changed: %s", db_error(cli->db));
	printf("purged %s\n", counts);
	return EXIT_OK;
}

/* A request id given as the one positional argument; NULL after saying why. */
static const char *
request_id_arg(const struct opts *o, const char *verb)
{
	const char *id = o->npos == 1 ? o->positional[0] : NULL;
	if (id == NULL || strlen(id) == 0 || strlen(id) > 18 || strspn(id, "0123456789") != strlen(id)) {
		cli_fail(EXIT_USAGE, "request %s needs one request id (a number; see request list)", verb);
		return NULL;
	}
	return id;
}

/* request add --kind access|correct|delete (--receipt CODE | --subject TEXT) [--unit CODE] [--note TEXT] */
int
cmd_request_add(struct cli *cli, struct opts *o)
{
	const char *kind = cli_opt(o, "kind"), *subject = NULL, *note = "", *hash = NULL, *unit_id = NULL;
	const char *sub_id, *id, *by;
	int rc;
	if (!privacy_kind_valid(kind))
		return cli_fail(EXIT_USAGE, "--kind must be access, correct or delete");
	if ((cli_opt(o, "receipt") == NULL) == (cli_opt(o, "subject") == NULL))
		return cli_fail(EXIT_USAGE, "give either --receipt CODE or --subject TEXT (how the person can be "
		    "identified without a receipt), not both");
	if (cli_opt(o, "receipt") && cli_opt(o, "unit"))
		return cli_fail(EXIT_USAGE, "--unit is for --subject requests; a receipt's request goes to its report's unit");
	if (cli_opt(o, "subject") && (subject = cli_text_arg(cli, "--subject", cli_opt(o, "subject"), PRIVACY_SUBJECT_MAX)) == NULL)
		return EXIT_USAGE;
	if (cli_opt(o, "note") && (note = cli_text_arg(cli, "--note", cli_opt(o, "note"), PRIVACY_NOTE_MAX)) == NULL)
		return EXIT_USAGE;
	if (cli_opt(o, "receipt") && (hash = receipt_hash_arg(cli, cli_opt(o, "receipt"), &rc)) == NULL)
		return rc;
	if (hash && !report_by_receipt(cli, hash, &sub_id, &unit_id, &rc))
		return rc;
	if (cli_opt(o, "unit") && (unit_id = cli_id_by_code(cli, "SELECT id FROM org_unit WHERE code = $1", "unit", cli_opt(o, "unit"))) == NULL)
		return EXIT_USAGE;
	if (privacy_request_add(cli->arena, cli->db, kind, hash, subject, note, unit_id, &id, &by) != PRIVACY_OK)
		return cli_db_failed(cli);
	cli_audit(cli, "request.add", arena_printf(cli->arena, "request:%s", id), kind, unit_id);
	printf("request %s added (%s); acknowledge by %s\n", id, kind, by);
	return EXIT_OK;
}

/* request list: every request, open ones first, tab-separated, with the
 * acknowledgement deadline (received + 2 working days, Vietnam's days). */
int
cmd_request_list(struct cli *cli, struct opts *o)
{
	if (o->npos > 0)
		return cli_fail(EXIT_USAGE, "request list takes no arguments");
	/* privacy_request_list()'s columns: the first ten are printed as they come */
	enum { RQ_ID, RQ_NOTE = 9, RQ_HAS_RECEIPT, RQ_UNIT };
	PGresult *res = privacy_request_list(cli->db, NULL);
	if (!db_ok(res)) {
		cli_fail(EXIT_FAIL, "database error: %s", res ? PQresultErrorMessage(res) : db_error(cli->db));
		PQclear(res);
		return EXIT_FAIL;
	}
	printf("id\tkind\tstatus\treceived (+07)\tacknowledge by\tacknowledged\tdone\tattention\tsubject\tnote\tunit\n");
	for (int i = 0; i < PQntuples(res); i++) {
		for (int j = RQ_ID; j <= RQ_NOTE; j++)
			printf("%s%s", j ? "\t" : "", PQgetvalue(res, i, j));
		printf("\t%s\n", PQgetvalue(res, i, RQ_UNIT));
	}
	PQclear(res);
	return EXIT_OK;
}

/* Moves a request on: ack (received → acknowledged), done or refuse
 * (→ done/refused, acknowledging too if that was skipped). */
static int
request_move(struct cli *cli, struct opts *o, const char *verb)
{
	const char *id = request_id_arg(o, verb), *note = NULL, *was;
	if (id == NULL)
		return EXIT_USAGE;
	if (cli_opt(o, "note") && (note = cli_text_arg(cli, "--note", cli_opt(o, "note"), PRIVACY_NOTE_MAX)) == NULL)
		return EXIT_USAGE;
	if (strcmp(verb, "refuse") == 0 && note == NULL)
		return cli_fail(EXIT_USAGE, "request refuse needs --note WHY (the person is told the reason)");
	switch (privacy_request_move(cli->arena, cli->db, id, verb, note, &was)) {
	case PRIVACY_OK:
		break;
	case PRIVACY_NOT_FOUND:
		return cli_fail(EXIT_USAGE, "no request %s", id);
	case PRIVACY_ALREADY:
		return cli_fail(EXIT_USAGE, "request %s is already %s", id, was);
	default:
		return cli_db_failed(cli);
	}
	cli_audit(cli, arena_printf(cli->arena, "request.%s", verb), arena_printf(cli->arena, "request:%s", id), note ? note : "", NULL);
	printf("request %s %s\n", id, strcmp(verb, "ack") == 0 ? "acknowledged" : strcmp(verb, "done") == 0 ? "done" : "refused");
	return EXIT_OK;
}

int
cmd_request_ack(struct cli *cli, struct opts *o)
{
	return request_move(cli, o, "ack");
}

int
cmd_request_done(struct cli *cli, struct opts *o)
{
	return request_move(cli, o, "done");
}

int
cmd_request_refuse(struct cli *cli, struct opts *o)
{
	return request_move(cli, o, "refuse");
}

/* request export --receipt CODE: what is held for that receipt, as JSON on
 * stdout (privacy_export_json). Audited. */
int
cmd_request_export(struct cli *cli, struct opts *o)
{
	const char *sub_id, *unit_id;
	int rc;
	if (!receipt_report(cli, o, &sub_id, &unit_id, &rc))
		return rc;
	const char *json = privacy_export_json(cli->arena, cli->db, sub_id);
	if (json == NULL)
		return cli_db_failed(cli);
	cli_audit(cli, "request.export", arena_printf(cli->arena, "submission:%s", sub_id), "", unit_id);
	printf("%s\n", json);
	return fflush(stdout) == 0 ? EXIT_OK : cli_fail(EXIT_FAIL, "write failed: %s", strerror(errno));
}

/* request delete --receipt CODE: anonymises that report now, exactly as
 * the retention purge would, in one transaction with its audit row.
 * Refused (exit 2) while a labour-dispute case holds the report. */
int
cmd_request_delete(struct cli *cli, struct opts *o)
{
	const char *sub_id, *unit_id, *closed, *counts;
	int rc;
	if (!receipt_report(cli, o, &sub_id, &unit_id, &rc))
		return rc;
	switch (privacy_hold(cli->arena, cli->db, sub_id, &closed)) {
	case PRIVACY_OK:
		break;
	case PRIVACY_HELD:
		return cli_fail(EXIT_USAGE, "report %s is part of an open labour-dispute case and is kept as evidence; "
		    "record the request (request refuse ID --note ...) or wait until the case closes", sub_id);
	default:
		return cli_db_failed(cli);
	}
	if (closed)
		printf("note: report %s was part of a case closed on %s; anonymising it as asked\n", sub_id, closed);
	if (db_begin(cli->db) != 0)
		return cli_db_failed(cli);
	if (privacy_erase(cli->arena, cli->db, sub_id, &counts) != PRIVACY_OK) {
		db_rollback(cli->db);
		return cli_fail(EXIT_FAIL, "database error: the report was not anonymised");
	}
	if (!cli_audit(cli, "request.delete", arena_printf(cli->arena, "submission:%s", sub_id), counts, unit_id)) {
		db_rollback(cli->db);
		return EXIT_FAIL;
	}
	if (db_commit(cli->db) != 0)
		return cli_fail(EXIT_FAIL, "failed at commit, nothing changed: %s", db_error(cli->db));
	printf("report %s anonymised (%s); its receipt no longer finds anything\n", sub_id, counts);
	return EXIT_OK;
}
