/* cli_round.c: tiengnoi-admin's dialogue and bargaining rounds and the employer's commitments: round list|add, commitment add|set (round.c, sql/042). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include <libpq-fe.h>

#include "app.h"
#include "arena.h"
#include "buf.h"
#include "cli.h"
#include "db.h"
#include "document.h"
#include "export.h"
#include "fmt.h"
#include "round.h"

/* Says each refused field as "OPTION VALUE: why" and fails with exit 2. */
static int
refused(const char *const *opts, const char *const *values, const char **msgs, int n)
{
	for (int i = 0; i < n; i++)
		if (msgs[i])
			cli_note("%s %s: %s", opts[i], values[i] ? values[i] : "", msgs[i]);
	return cli_fail(EXIT_USAGE, "nothing stored: fix the arguments named above");
}

/* A text option in NFC ("" when absent and not required); NULL after
 * saying why (exit 2). */
static const char *
text_opt(struct cli *cli, struct opts *o, const char *name, const char *option, size_t max, bool required)
{
	const char *v = cli_opt(o, name);
	if (v == NULL && !required)
		return "";
	if (v == NULL) {
		cli_fail(EXIT_USAGE, "%s is needed", option);
		return NULL;
	}
	return cli_text_arg(cli, option, v, max);
}

/* --file F.pdf into `pdf` (nothing when absent); false after saying why. */
static bool
pdf_opt(struct cli *cli, struct opts *o, struct round_pdf *pdf)
{
	const char *file = cli_opt(o, "file");
	if (file == NULL)
		return true;
	size_t len = 0;
	errno = 0;
	char *data = cli_read_all(cli, file, DOCUMENT_MAX, &len);
	if (data == NULL) {
		cli_fail(EXIT_USAGE, "--file %s: %s", file, errno == EFBIG ? "the file is too large: 10 MiB at most" :
		    strerror(errno ? errno : EIO));
		return false;
	}
	const char *slash = strrchr(file, '/');
	pdf->data = (const unsigned char *)data;
	pdf->len = len;
	pdf->filename = document_filename(cli->arena, slash ? slash + 1 : file, "application/pdf");
	return true;
}

/* round add --workplace CODE --kind periodic|request|bargaining (--held D
 * | --planned D) [--employer-reps N] [--union-reps N] [--worker-reps N]
 * [--minutes TEXT] [--file F.pdf]: one round, checked as the console
 * checks it; audited. */
int
cmd_round_add(struct cli *cli, struct opts *o)
{
	const char *code = cli_opt(o, "workplace");
	if (o->npos > 0)
		return cli_fail(EXIT_USAGE, "round add takes only options (try --help)");
	if (code == NULL || *code == '\0')
		return cli_fail(EXIT_USAGE, "--workplace CODE is needed");
	struct round_in in = { .kind = cli_opt(o, "kind") ? cli_opt(o, "kind") : "", .planned = cli_opt(o, "planned"),
	    .held = cli_opt(o, "held"), .employer_reps = cli_opt(o, "employer-reps"), .union_reps = cli_opt(o, "union-reps"),
	    .worker_reps = cli_opt(o, "worker-reps") };
	const char **fields[] = { &in.planned, &in.held, &in.employer_reps, &in.union_reps, &in.worker_reps };
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (*fields[i] == NULL)
			*fields[i] = "";
	if ((in.minutes = text_opt(cli, o, "minutes", "--minutes", ROUND_MINUTES_MAX, false)) == NULL || !pdf_opt(cli, o, &in.pdf))
		return EXIT_USAGE;
	const char *msgs[RF__MAX];
	if (round_check(cli->arena, &in, NULL, LANG_EN, msgs) > 0) {
		const char *values[RF__MAX] = { in.kind, in.planned, in.held, in.employer_reps, in.union_reps, in.worker_reps,
		    "", cli_opt(o, "file") };
		return refused(round_field_opts, values, msgs, RF__MAX);
	}
	const char *wid = NULL;
	const char *unit_id = NULL;
	if (db_begin(cli->db) != 0)
		return cli_db_failed(cli);
	int rc = cli_workplace_find(cli, code, &wid, &unit_id);
	if (rc != EXIT_OK)
		return rc;
	const char *id = round_insert(cli->arena, cli->db, wid, &in, NULL, NULL);
	if (id == NULL || !cli_audit(cli, "round.add", arena_printf(cli->arena, "round:%s", id),
	    arena_printf(cli->arena, "%s %s %s", code, in.kind, *in.held ? in.held : in.planned), unit_id) || db_commit(cli->db) != 0) {
		db_rollback(cli->db);
		return cli_fail(EXIT_FAIL, "nothing stored: the database refused the round or its audit row");
	}
	printf("round %s added for %s: %s %s\n", id, code, in.kind, *in.held ? in.held : in.planned);
	return EXIT_OK;
}

/* The round or commitment `id` names (digits), with the day its round was
 * held ("" not held) and its workplace's unit; NULL after saying why. */
static PGresult *
find_held(struct cli *cli, const char *option, const char *id, bool commitment, int *rc)
{
	if (id == NULL || !fmt_is_id(id)) {
		*rc = cli_fail(EXIT_USAGE, "%s must be a number", option);
		return NULL;
	}
	const char *p[2] = { id, commitment ? "t" : "f" };
	return cli_one_row(cli, cli_run(cli, "SELECT coalesce(r.held_on::text, ''), w.unit_id, r.id FROM workplace_round r "
	    "JOIN workplace w ON w.id = r.workplace_id WHERE r.id = CASE WHEN $2::boolean "
	    "THEN (SELECT c.round_id FROM round_commitment c WHERE c.id = $1::bigint) ELSE $1::bigint END", 2, p, NULL), rc,
	    "%s: no %s with id %s", option, commitment ? "commitment" : "round", id);
}
enum { FH_HELD, FH_UNIT, FH_ROUND };

/* commitment add --round ID --text T --due D [--owner O]: what the
 * employer agreed to at a held round, due no earlier than the round. */
int
cmd_commitment_add(struct cli *cli, struct opts *o)
{
	if (o->npos > 0)
		return cli_fail(EXIT_USAGE, "commitment add takes only options (try --help)");
	struct commitment_in in = { .due = cli_opt(o, "due") ? cli_opt(o, "due") : "" };
	if ((in.text = text_opt(cli, o, "text", "--text", COMMITMENT_TEXT_MAX, true)) == NULL)
		return EXIT_USAGE;
	in.owner = cli_opt(o, "owner") ? text_opt(cli, o, "owner", "--owner", COMMITMENT_OWNER_MAX, true) : "Người sử dụng lao động";
	if (in.owner == NULL)
		return EXIT_USAGE;
	int rc = EXIT_OK;
	if (db_begin(cli->db) != 0)
		return cli_db_failed(cli);
	PGresult *res = find_held(cli, "--round", cli_opt(o, "round"), false, &rc);
	if (res == NULL)
		return rc;
	in.held = arena_strdup(cli->arena, PQgetvalue(res, 0, FH_HELD));
	const char *unit_id = arena_strdup(cli->arena, PQgetvalue(res, 0, FH_UNIT)), *round = cli_opt(o, "round");
	PQclear(res);
	const char *msgs[CF__MAX];
	if (commitment_check(cli->arena, &in, LANG_EN, msgs) > 0) {
		static const char *const opts[CF__MAX] = { "--round", "--text", "--due", "--owner" };
		const char *values[CF__MAX] = { round, "", in.due, "" };
		db_rollback(cli->db);
		return refused(opts, values, msgs, CF__MAX);
	}
	const char *id = commitment_insert(cli->arena, cli->db, round, &in, NULL);
	if (id == NULL || !cli_audit(cli, "commitment.add", arena_printf(cli->arena, "commitment:%s", id),
	    arena_printf(cli->arena, "round %s due %s", round, in.due), unit_id) || db_commit(cli->db) != 0) {
		db_rollback(cli->db);
		return cli_fail(EXIT_FAIL, "nothing stored: the database refused the commitment or its audit row");
	}
	printf("commitment %s added to round %s: due %s\n", id, round, in.due);
	return EXIT_OK;
}

/* commitment set --id ID --status done|broken [--on D] [--evidence T]
 * [--file F.pdf]: settles a commitment (--on defaults to today, Vietnam
 * time), never before its round was held. */
int
cmd_commitment_set(struct cli *cli, struct opts *o)
{
	if (o->npos > 0)
		return cli_fail(EXIT_USAGE, "commitment set takes only options (try --help)");
	struct settle_in in = { .status = cli_opt(o, "status") ? cli_opt(o, "status") : "", .on = cli_opt(o, "on") };
	if ((in.evidence = text_opt(cli, o, "evidence", "--evidence", COMMITMENT_EVIDENCE_MAX, false)) == NULL ||
	    !pdf_opt(cli, o, &in.pdf))
		return EXIT_USAGE;
	int rc = EXIT_OK;
	if (db_begin(cli->db) != 0)
		return cli_db_failed(cli);
	const char *id = cli_opt(o, "id");
	PGresult *res = find_held(cli, "--id", id, true, &rc);
	if (res == NULL)
		return rc;
	in.held = arena_strdup(cli->arena, PQgetvalue(res, 0, FH_HELD));
	const char *unit_id = arena_strdup(cli->arena, PQgetvalue(res, 0, FH_UNIT));
	PQclear(res);
	if (in.on == NULL) {
		PGresult *t = cli_run(cli, "SELECT (now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date::text", 0, NULL, NULL);
		in.on = t ? arena_strdup(cli->arena, db_scalar(t) ? db_scalar(t) : "") : "";
		PQclear(t);
	}
	const char *msgs[SF__MAX];
	if (commitment_settle_check(cli->arena, &in, LANG_EN, msgs) > 0) {
		static const char *const opts[SF__MAX] = { "--status", "--on", "--evidence", "--file" };
		const char *values[SF__MAX] = { in.status, in.on, "", cli_opt(o, "file") };
		db_rollback(cli->db);
		return refused(opts, values, msgs, SF__MAX);
	}
	if (commitment_settle(cli->arena, cli->db, id, &in) == NULL ||
	    !cli_audit(cli, "commitment.set", arena_printf(cli->arena, "commitment:%s", id),
	    arena_printf(cli->arena, "%s on %s", in.status, in.on), unit_id) || db_commit(cli->db) != 0) {
		db_rollback(cli->db);
		return cli_fail(EXIT_FAIL, "nothing stored: the database refused the change or its audit row");
	}
	printf("commitment %s: %s on %s\n", id, in.status, in.on);
	return EXIT_OK;
}

/* round list [--unit CODE] [--format json|csv]: every round, newest
 * first, as [{id, workplace, kind, planned, held, employer_reps,
 * union_reps, worker_reps, commitments, pending, done, broken, reports}]
 * (dates null when not set; counts as numbers) or CSV with those columns. */
int
cmd_round_list(struct cli *cli, struct opts *o)
{
	const char *format, *path;
	int rc = cli_list_args(cli, o, &format, &path);
	if (rc != EXIT_OK)
		return rc;
	const struct round_filter f = { .scope = "/", .unit_path = path };
	PGresult *res = round_list(cli->db, &f);
	if (!db_ok(res)) {
		PQclear(res);
		return cli_db_failed(cli);
	}
	enum { NCOLS = 13 };
	static const int cols[NCOLS] = { RL_ID, RL_CODE, RL_KIND, RL_PLANNED, RL_HELD, RL_EMPLOYER, RL_UNION, RL_WORKER,
		RL_COMMITMENTS, RL_PENDING, RL_DONE, RL_BROKEN, RL_REPORTS };
	static const char *const keys[NCOLS] = { "id", "workplace", "kind", "planned", "held", "employer_reps", "union_reps",
		"worker_reps", "commitments", "pending", "done", "broken", "reports" };
	static const enum cli_col kinds[NCOLS] = { CLI_COL_INT, CLI_COL_TEXT, CLI_COL_TEXT, CLI_COL_NULLABLE, CLI_COL_NULLABLE,
		CLI_COL_INT, CLI_COL_INT, CLI_COL_INT, CLI_COL_INT, CLI_COL_INT, CLI_COL_INT, CLI_COL_INT, CLI_COL_INT };
	rc = cli_print_list(res, format, NCOLS, cols, keys, kinds);
	PQclear(res);
	return rc;
}
