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
	enum { WP_ID, WP_UNIT };
	const char *wp[1] = { code };
	int rc = EXIT_OK;
	if (db_begin(cli->db) != 0)
		return cli_db_failed(cli);
	PGresult *res = cli_one_row(cli, cli_run(cli, "SELECT id, unit_id FROM workplace WHERE code = $1", 1, wp, NULL), &rc,
	    "--workplace: no workplace with code %s", code);
	if (res == NULL)
		return rc;
	in.workplace_id = arena_strdup(cli->arena, PQgetvalue(res, 0, WP_ID));
	const char *unit_id = arena_strdup(cli->arena, PQgetvalue(res, 0, WP_UNIT));
	PQclear(res);
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
	const char *unit = cli_opt(o, "unit"), *within = cli_opt(o, "expiring-within");
	const char *format = cli_opt(o, "format") ? cli_opt(o, "format") : "json", *path = "";
	if (o->npos > 0)
		return cli_fail(EXIT_USAGE, "agreement list takes only options (try --help)");
	if (strcmp(format, "json") != 0 && strcmp(format, "csv") != 0)
		return cli_fail(EXIT_USAGE, "--format must be json or csv");
	if (within && (*within == '\0' || strlen(within) > 5 || strspn(within, "0123456789") != strlen(within) ||
	    atoi(within) > 36500))
		return cli_fail(EXIT_USAGE, "--expiring-within must be a number of days from 0 to 36500");
	if (unit) {
		enum { U_PATH };
		const char *up[1] = { unit };
		int rc = EXIT_OK;
		PGresult *u = cli_one_row(cli, cli_run(cli, "SELECT path FROM org_unit WHERE code = $1", 1, up, NULL), &rc,
		    "--unit: no unit with code %s", unit);
		if (u == NULL)
			return rc;
		path = arena_strdup(cli->arena, PQgetvalue(u, 0, U_PATH));
		PQclear(u);
	}
	PGresult *res = agreement_list(cli->db, "/", path, within, NULL);
	if (!db_ok(res)) {
		PQclear(res);
		return cli_db_failed(cli);
	}
	static const int cols[5] = { AL_CODE, AL_SIGNED, AL_EFFECTIVE, AL_EXPIRES, AL_RATING };
	static const char *const keys[5] = { "workplace", "signed", "effective", "expires", "rating" };
	int rc = EXIT_OK;
	if (strcmp(format, "csv") == 0) {
		struct buf b = { 0 };
		buf_puts(&b, "workplace,signed,effective,expires,rating\r\n");
		for (int i = 0; i < PQntuples(res); i++)
			for (int c = 0; c < 5; c++) {
				export_csv_cell(&b, PQgetvalue(res, i, cols[c]), false);
				buf_puts(&b, c == 4 ? "\r\n" : ",");
			}
		if (b.failed || (b.len && fwrite(b.data, 1, b.len, stdout) != b.len))
			rc = cli_fail(EXIT_FAIL, "cannot write the list");
		buf_free(&b);
	} else {
		json_t *out = json_array();
		for (int i = 0; out && i < PQntuples(res); i++) {
			json_t *row = json_object();
			for (int c = 0; c < 5; c++) {
				const char *v = PQgetvalue(res, i, cols[c]);
				json_object_set_new(row, keys[c], cols[c] == AL_RATING && *v == '\0' ? json_null() : json_string(v));
			}
			json_array_append_new(out, row);
		}
		char *s = out ? json_dumps(out, JSON_INDENT(2)) : NULL;
		json_decref(out);
		if (s == NULL)
			rc = cli_fail(EXIT_FAIL, "out of memory");
		else
			printf("%s\n", s);
		free(s);
	}
	PQclear(res);
	return rc;
}
