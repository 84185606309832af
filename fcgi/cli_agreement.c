/* cli_agreement.c: tiengnoi-admin's register of collective labour agreements: agreement add and agreement list (agreement.c, sql/040). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include <libpq-fe.h>

#include "agreement.h"
#include "app.h"
#include "arena.h"
#include "buf.h"
#include "cli.h"
#include "db.h"
#include "document.h"
#include "export.h"

/* The option each of agreement_check()'s fields comes from. */
static const char *const field_opt[AGF__MAX] = {
	"--signed",      /* AGF_SIGNED */
	"--effective",   /* AGF_EFFECTIVE */
	"--expires",     /* AGF_EXPIRES */
	"--rating",      /* AGF_RATING */
	"--file",        /* AGF_FILE */
};

/* agreement add --workplace CODE --signed D --effective D --expires D
 * [--rating A|B|C|D] [--file F.pdf]: one agreement, checked as the
 * console checks it; every refused argument named (exit 2), nothing
 * stored; audited. */
int
cmd_agreement_add(struct cli *cli, struct opts *o)
{
	struct agreement_in in = { .signed_on = cli_opt(o, "signed"), .effective_on = cli_opt(o, "effective"),
	    .expires_on = cli_opt(o, "expires"), .rating = cli_opt(o, "rating") };
	const char *code = cli_opt(o, "workplace"), *file = cli_opt(o, "file");
	if (o->npos > 0)
		return cli_fail(EXIT_USAGE, "agreement add takes only options (try --help)");
	if (code == NULL || *code == '\0')
		return cli_fail(EXIT_USAGE, "--workplace CODE is needed");
	if (in.signed_on == NULL || in.effective_on == NULL || in.expires_on == NULL)
		return cli_fail(EXIT_USAGE, "--signed, --effective and --expires (YYYY-MM-DD) are all needed");
	if (in.rating && *in.rating == '\0')
		return cli_fail(EXIT_USAGE, "--rating: %s", agreement_problem_text(AGP_RATING, LANG_EN));
	if (file) {
		size_t len = 0;
		errno = 0;
		char *data = cli_read_all(cli, file, DOCUMENT_MAX, &len);
		if (data == NULL)
			return cli_fail(EXIT_USAGE, "--file %s: %s", file, errno == EFBIG ? agreement_problem_text(AGP_TOO_LARGE, LANG_EN) :
			    strerror(errno ? errno : EIO));
		const char *slash = strrchr(file, '/');
		in.pdf = (const unsigned char *)data;
		in.pdf_len = len;
		in.filename = document_filename(cli->arena, slash ? slash + 1 : file, "application/pdf");
		if (in.filename == NULL)
			return cli_fail(EXIT_USAGE, "--file: the file name cannot be stored");
	}
	enum agreement_problem p[AGF__MAX];
	if (agreement_check(&in, p) > 0) {
		for (int i = 0; i < AGF__MAX; i++)
			if (p[i] != AGP_OK)
				cli_note("%s %s: %s", field_opt[i], i == AGF_FILE ? file : i == AGF_SIGNED ? in.signed_on :
				    i == AGF_EFFECTIVE ? in.effective_on : i == AGF_EXPIRES ? in.expires_on : in.rating,
				    agreement_problem_text(p[i], LANG_EN));
		return cli_fail(EXIT_USAGE, "nothing stored: fix the arguments named above");
	}
	const char *unit_id = NULL;
	if (db_begin(cli->db) != 0)
		return cli_db_failed(cli);
	int rc = cli_workplace_find(cli, code, &in.workplace_id, &unit_id);
	if (rc != EXIT_OK)
		return rc;
	const char *id = agreement_insert(cli->arena, cli->db, &in, NULL);
	if (id == NULL || !cli_audit(cli, "agreement.add", arena_printf(cli->arena, "agreement:%s", id),
	    arena_printf(cli->arena, "%s %s..%s%s%s", code, in.effective_on, in.expires_on, in.rating ? " rating " : "",
	    in.rating ? in.rating : ""), unit_id) || db_commit(cli->db) != 0) {
		db_rollback(cli->db);
		return cli_fail(EXIT_FAIL, "nothing stored: the database refused the agreement or its audit row");
	}
	printf("agreement %s added for %s: in force %s to %s\n", id, code, in.effective_on, in.expires_on);
	return EXIT_OK;
}

/* agreement list [--unit CODE] [--expiring-within DAYS] [--format json|csv]:
 * the register (with --expiring-within, each workplace's current
 * agreement expiring within DAYS days), as a JSON array of {workplace,
 * signed, effective, expires, rating} or CSV with those columns. */
int
cmd_agreement_list(struct cli *cli, struct opts *o)
{
	const char *within = cli_opt(o, "expiring-within"), *format, *path;
	int rc = cli_list_args(cli, o, &format, &path);
	if (rc != EXIT_OK)
		return rc;
	if (within && (*within == '\0' || strlen(within) > 5 || strspn(within, "0123456789") != strlen(within) ||
	    atoi(within) > 36500))
		return cli_fail(EXIT_USAGE, "--expiring-within must be a number of days from 0 to 36500");
	PGresult *res = agreement_list(cli->db, "/", path, within, NULL);
	if (!db_ok(res)) {
		PQclear(res);
		return cli_db_failed(cli);
	}
	static const int cols[5] = { AL_CODE, AL_SIGNED, AL_EFFECTIVE, AL_EXPIRES, AL_RATING };
	static const char *const keys[5] = { "workplace", "signed", "effective", "expires", "rating" };
	static const enum cli_col kinds[5] = { CLI_COL_TEXT, CLI_COL_TEXT, CLI_COL_TEXT, CLI_COL_TEXT, CLI_COL_NULLABLE };
	rc = cli_print_list(res, format, 5, cols, keys, kinds);
	PQclear(res);
	return rc;
}
