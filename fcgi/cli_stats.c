/* cli_stats.c: tiengnoi-admin's statistics commands: export stats, stats freeze, indicator list and indicator set; changes audited. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libpq-fe.h>

#include "app.h"
#include "arena.h"
#include "cli.h"
#include "db.h"
#include "fmt.h"
#include "org.h"
#include "stats.h"

static int
stdout_write(void *ctx, const void *data, size_t n)
{
	(void)ctx;
	return fwrite(data, 1, n, stdout) == n ? 0 : -1;
}

/* The unit (--unit CODE, default the whole tree: "") and the period
 * (--period PRESET, or --from and --to, or neither: this month so far) of a
 * statistics command into *unit_id, from, to. EXIT_OK, or the exit code
 * after saying which argument is wrong. */
static int
stats_args(struct cli *cli, struct opts *o, const char **unit_id, char from[11], char to[11])
{
	const char *f = cli_opt(o, "from"), *t = cli_opt(o, "to"), *period = cli_opt(o, "period");
	if (period) {
		if (f || t)
			return cli_fail(EXIT_USAGE, "give --period or --from and --to, not both");
		if (stats_preset(period, from, to) != 0)
			return cli_fail(EXIT_USAGE, "--period must be union-YYYY (01/11 to 31/10), h1-YYYY, h2-YYYY or q1-YYYY to q4-YYYY");
	} else if (f == NULL && t == NULL) {
		stats_default_period(from, to);
	} else {
		if (f == NULL || t == NULL)
			return cli_fail(EXIT_USAGE, "give both --from and --to (or neither: this month so far)");
		if (!fmt_is_date(f))
			return cli_fail(EXIT_USAGE, "--from must be a real date YYYY-MM-DD (%s is not)", strlen(f) > 40 ? "that" : f);
		if (!fmt_is_date(t))
			return cli_fail(EXIT_USAGE, "--to must be a real date YYYY-MM-DD (%s is not)", strlen(t) > 40 ? "that" : t);
		if (strcmp(f, t) > 0)
			return cli_fail(EXIT_USAGE, "--to %s is before --from %s", t, f);
		snprintf(from, 11, "%s", f);
		snprintf(to, 11, "%s", t);
	}
	*unit_id = "";
	if (cli_opt(o, "unit")) {
		if (!org_code_valid(cli_opt(o, "unit")))
			return cli_fail(EXIT_USAGE, "--unit must be a unit code (A-Z, 0-9, - and _; see unit add)");
		*unit_id = cli_id_by_code(cli, "SELECT id FROM org_unit WHERE code = $1", "unit", cli_opt(o, "unit"));
		if (*unit_id == NULL)
			return EXIT_USAGE;
	}
	return EXIT_OK;
}

/* Collects the table of the arguments' unit and period; EXIT_OK, or the
 * exit code after saying why (a rule that does not parse names its indicator). */
static int
stats_get(struct cli *cli, const char *unit_id, const char *from, const char *to, bool live, struct stats *st)
{
	int rc = stats_collect(cli->arena, cli->db, "/", unit_id, from, to, LANG_VI, live, st);
	if (rc == 2)
		return cli_fail(EXIT_FAIL, "indicator %s: its rule does not parse: %s (see indicator set)", st->bad_code, st->bad_rule);
	if (rc != 0)
		return cli_db_failed(cli);
	return EXIT_OK;
}

/* export stats: the periodic statistics table of --unit (default: the
 * whole tree), exactly as /admin/stats shows it (the frozen table when the
 * period is frozen), audited. Exit 2 on bad arguments or an unknown unit,
 * 1 when the database or output fails. */
int
cmd_export_stats(struct cli *cli, struct opts *o)
{
	const char *format = cli_opt(o, "format") ? cli_opt(o, "format") : "csv", *unit_id;
	enum stats_format fmt = stats_format_parse(format);
	if (fmt == STATS__MAX)
		return cli_fail(EXIT_USAGE, "--format must be csv, xlsx or json");
	char from[11], to[11], err[512];
	int rc = stats_args(cli, o, &unit_id, from, to);
	struct stats st;
	if (rc != EXIT_OK || (rc = stats_get(cli, unit_id, from, to, false, &st)) != EXIT_OK)
		return rc;
	cli_audit(cli, "stats.export", *unit_id ? arena_printf(cli->arena, "unit:%s", unit_id) : "unit:(all)",
	    arena_printf(cli->arena, "format=%s from=%s to=%s frozen=%d", format, from, to, st.frozen), *unit_id ? unit_id : NULL);
	if (stats_write(&st, fmt, stdout_write, NULL, err, sizeof(err)) != 0 || fflush(stdout) != 0)
		return cli_fail(EXIT_FAIL, "export failed: %s", err);
	return EXIT_OK;
}

/* stats freeze: computes the table of --unit and the period now and stores
 * it as that period's figures (who: --by, default the operator), with its
 * SHA-256; a period already frozen needs --reason. Audited. */
int
cmd_stats_freeze(struct cli *cli, struct opts *o)
{
	const char *unit_id, *reason = cli_opt(o, "reason"), *by = cli_opt(o, "by") ? cli_opt(o, "by") : "tiengnoi-admin";
	char from[11], to[11];
	int rc = stats_args(cli, o, &unit_id, from, to);
	if (rc != EXIT_OK)
		return rc;
	if (reason && *reason && (reason = cli_text_arg(cli, "--reason", reason, 1000)) == NULL)
		return EXIT_USAGE;
	if ((by = cli_text_arg(cli, "--by", by, 200)) == NULL)
		return EXIT_USAGE;
	struct stats st;
	if (db_begin(cli->db) != 0)
		return cli_db_failed(cli);
	if ((rc = stats_get(cli, unit_id, from, to, true, &st)) != EXIT_OK) {
		db_rollback(cli->db);
		return rc;
	}
	const char *sha = NULL;
	rc = stats_freeze(cli->arena, cli->db, &st, by, NULL, reason, &sha);
	if (rc != 0) {
		db_rollback(cli->db);
		return rc == 1 ? cli_fail(EXIT_USAGE, "%s to %s is already frozen: --reason is needed to freeze it again", from, to) :
		    cli_fail(EXIT_FAIL, "database error: nothing frozen");
	}
	if (!cli_audit(cli, "stats.freeze", *unit_id ? arena_printf(cli->arena, "unit:%s", unit_id) : "unit:(all)",
	    arena_printf(cli->arena, "from=%s to=%s sha256=%s reason=%s", from, to, sha, reason ? reason : ""),
	    *unit_id ? unit_id : NULL) || db_commit(cli->db) != 0) {
		db_rollback(cli->db);
		return cli_fail(EXIT_FAIL, "nothing frozen: the audit row or the commit failed");
	}
	printf("frozen %s %s to %s sha256 %s\n", *unit_id ? cli_opt(o, "unit") : "(all)", from, to, sha);
	return EXIT_OK;
}

/* indicator list: every indicator in order, tab-separated: position, code,
 * shown or hidden, label, rule, verified rule, source. */
int
cmd_indicator_list(struct cli *cli, struct opts *o)
{
	(void)o;
	PGresult *res = cli_run(cli, "SELECT position, code, CASE WHEN hidden THEN 'hidden' ELSE 'shown' END, label_vi, rule, "
	    "coalesce(verified_rule, '-'), source FROM stats_indicator ORDER BY position, code", 0, NULL, NULL);
	return cli_print_rows(res, NULL);
}

/* indicator set --code C [--rule R] [--verified-rule R|none] [--label L]
 * [--position N] [--hidden yes|no]: one change, audited; a rule that does
 * not parse, an unknown code or a bad value: exit 2, nothing stored. */
int
cmd_indicator_set(struct cli *cli, struct opts *o)
{
	const char *code = cli_opt(o, "code"), *hidden = cli_opt(o, "hidden"), *pos = cli_opt(o, "position");
	struct stats_ind_change ch = { cli_opt(o, "rule"), cli_opt(o, "verified-rule"), NULL, pos, -1, 0 };
	if (code == NULL || *code == '\0' || strlen(code) > 60)
		return cli_fail(EXIT_USAGE, "--code must name an indicator (see indicator list)");
	if (hidden && strcmp(hidden, "yes") != 0 && strcmp(hidden, "no") != 0)
		return cli_fail(EXIT_USAGE, "--hidden must be yes or no");
	ch.hidden = hidden ? strcmp(hidden, "yes") == 0 : -1;
	if (pos && (!fmt_is_digits(pos, 6) || *pos == '\0'))
		return cli_fail(EXIT_USAGE, "--position must be a whole number from 0 to 999999");
	if (cli_opt(o, "label") && (ch.label_vi = cli_text_arg(cli, "--label", cli_opt(o, "label"), 200)) == NULL)
		return EXIT_USAGE;
	if (!ch.rule && !ch.verified_rule && !ch.label_vi && !pos && !hidden)
		return cli_fail(EXIT_USAGE, "nothing to change: give --rule, --verified-rule, --label, --position or --hidden");
	char err[300];
	if (db_begin(cli->db) != 0)
		return cli_db_failed(cli);
	int rc = stats_indicator_set(cli->db, code, &ch, err, sizeof(err));
	if (rc != 0) {
		db_rollback(cli->db);
		return rc == 1 ? cli_fail(EXIT_USAGE, "--code: no indicator %s (see indicator list)", strlen(code) > 60 ? "with that code" : code) :
		    rc == 2 ? cli_fail(EXIT_USAGE, "%s; nothing stored", err) : cli_fail(EXIT_FAIL, "database error: nothing changed");
	}
	if (!cli_audit(cli, "stats.indicator", arena_printf(cli->arena, "indicator:%s", code),
	    arena_printf(cli->arena, "rule=%s verified=%s label=%s position=%s hidden=%s", ch.rule ? ch.rule : "",
	    ch.verified_rule ? ch.verified_rule : "", ch.label_vi ? ch.label_vi : "", pos ? pos : "", hidden ? hidden : ""),
	    NULL) || db_commit(cli->db) != 0) {
		db_rollback(cli->db);
		return cli_fail(EXIT_FAIL, "nothing changed: the audit row or the commit failed");
	}
	printf("indicator %s changed\n", code);
	return EXIT_OK;
}
