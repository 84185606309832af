/* cli_export.c: tiengnoi-admin's exports to stdout: submissions and a case's dossier, each audited (statistics: cli_stats.c). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <jansson.h>
#include <libpq-fe.h>

#include "app.h"
#include "arena.h"
#include "brief.h"
#include "cli.h"
#include "db.h"
#include "dossier.h"
#include "export.h"
#include "form.h"
#include "org.h"

static int
stdout_write(void *ctx, const void *data, size_t n)
{
	(void)ctx;
	return fwrite(data, 1, n, stdout) == n ? 0 : -1;
}

/* export submissions: the same streaming export as the console, scoped to
 * --unit's subtree (default: everything), audited. */
int
cmd_export_submissions(struct cli *cli, struct opts *o)
{
	const char *format = cli_opt(o, "format") ? cli_opt(o, "format") : "csv";
	enum export_format fmt = strcmp(format, "csv") == 0 ? EXPORT_CSV :
	    (strcmp(format, "json") == 0 || strcmp(format, "jsonl") == 0) ? EXPORT_JSONL :
	    strcmp(format, "xlsx") == 0 ? EXPORT_XLSX : EXPORT__MAX;
	if (fmt == EXPORT__MAX)
		return cli_fail(EXIT_USAGE, "--format must be csv, xlsx or json");
	const char *dates[2] = { cli_opt(o, "from") ? cli_opt(o, "from") : "", cli_opt(o, "to") ? cli_opt(o, "to") : "" };
	for (int i = 0; i < 2; i++) {
		int y, m, d, n = 0;
		if (*dates[i] && (strlen(dates[i]) != 10 || sscanf(dates[i], "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 || n != 10))
			return cli_fail(EXIT_USAGE, "--%s must be a date YYYY-MM-DD", i ? "to" : "from");
	}
	char err[512];
	struct form_set *set = cli_forms_load(err, sizeof(err));
	if (set == NULL)
		return cli_fail(EXIT_FAIL, "cannot load form definitions: %s", err);
	if (cli_opt(o, "form") && form_find(set, cli_opt(o, "form")) == NULL) {
		form_set_free(set);
		return cli_fail(EXIT_USAGE, "unknown --form %s", cli_opt(o, "form"));
	}
	const char *path = "/", *unit_id = NULL;
	if (cli_opt(o, "unit")) {
		enum { U_PATH, U_ID };
		const char *p[1] = { cli_opt(o, "unit") };
		PGresult *res = cli_run(cli, "SELECT path, id FROM org_unit WHERE code = $1", 1, p, NULL);
		if (res == NULL || PQntuples(res) != 1) {
			PQclear(res);
			form_set_free(set);
			return cli_fail(EXIT_USAGE, "no unit with code %s", cli_opt(o, "unit"));
		}
		path = arena_strdup(cli->arena, PQgetvalue(res, 0, U_PATH));
		unit_id = arena_strdup(cli->arena, PQgetvalue(res, 0, U_ID));
		PQclear(res);
	}
	cli_audit(cli, "export.submissions", format, arena_printf(cli->arena, "unit=%s form=%s from=%s to=%s",
	    cli_opt(o, "unit") ? cli_opt(o, "unit") : "(all)", cli_opt(o, "form") ? cli_opt(o, "form") : "", dates[0], dates[1]), unit_id);
	struct export_query q = { path, cli_opt(o, "form"), dates[0], dates[1], "" };
	int rc = export_submissions(cli->db, set, &q, fmt, stdout_write, NULL, err, sizeof(err));
	form_set_free(set);
	if (rc != 0 || fflush(stdout) != 0)
		return cli_fail(EXIT_FAIL, "export failed: %s", rc ? err : strerror(errno));
	return EXIT_OK;
}

/* export case: a case's dossier (as /admin/dossier/ID) to stdout, whole
 * database in scope, audited. Contacts are never included from the CLI:
 * that needs an officer with a role, and the reveal stays in the console. */
int
cmd_export_case(struct cli *cli, struct opts *o)
{
	const char *id = cli_opt(o, "id"), *format = cli_opt(o, "format") ? cli_opt(o, "format") : "html";
	enum dossier_format fmt = dossier_format_parse(format);
	if (id == NULL || *id == '\0' || strspn(id, "0123456789") != strlen(id) || strlen(id) > 18)
		return cli_fail(EXIT_USAGE, "--id must be a case number");
	if (fmt == DOSSIER__MAX)
		return cli_fail(EXIT_USAGE, "--format must be json, xlsx or html");
	json_t *included = NULL;
	bool db_failed;
	json_t *d = dossier_collect(cli->db, id, "/", NULL, &included, &db_failed);
	if (d == NULL)
		return db_failed ? cli_fail(EXIT_FAIL, "database error: %s", db_error(cli->db)) : cli_fail(EXIT_USAGE, "no case %s", id);
	json_decref(included);
	char unit[32], err[300];
	snprintf(unit, sizeof(unit), "%lld", (long long)json_integer_value(json_object_get(json_object_get(d, "case"), "unit_id")));
	cli_audit(cli, "dossier.export", arena_printf(cli->arena, "case:%s", id), arena_printf(cli->arena, "format=%s contacts=0", format), unit);
	int rc = dossier_write(d, fmt, stdout_write, NULL, err, sizeof(err));
	json_decref(d);
	if (rc != 0 || fflush(stdout) != 0)
		return cli_fail(EXIT_FAIL, "export failed: %s", rc ? err : strerror(errno));
	return EXIT_OK;
}
