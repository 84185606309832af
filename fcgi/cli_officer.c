/* cli_officer.c: tiengnoi-admin's officer commands: add (with --email), passwd, disable, demo-login. */
#include <stdio.h>
#include <string.h>
#include <libpq-fe.h>
#include <sodium.h>

#include "app.h"
#include "arena.h"
#include "auth.h"
#include "cli.h"
#include "config.h"
#include "db.h"
#include "i18n.h"

/* Reads a password from stdin (one line, not echoed anywhere). */
static char *
read_password(struct cli *cli)
{
	char line[512];
	if (fgets(line, sizeof(line), stdin) == NULL)
		return NULL;
	line[strcspn(line, "\r\n")] = '\0';
	return arena_strdup(cli->arena, line);
}

int
cli_officer_add(struct cli *cli, const char *username, const char *unit, const char *role, const char *name, const char *password)
{
	char hash[AUTH_HASH_MAX];
	char *unit_id;
	bool usage = false;
	const char *nm = "";
	if (strlen(username) < 3 || strlen(username) > 40 || strspn(username, "abcdefghijklmnopqrstuvwxyz0123456789._-") != strlen(username))
		return cli_fail(EXIT_USAGE, "--username must be 3-40 characters of a-z, 0-9, '.', '_' or '-'");
	if (strcmp(role, "viewer") != 0 && strcmp(role, "officer") != 0 && strcmp(role, "admin") != 0)
		return cli_fail(EXIT_USAGE, "--role must be viewer, officer or admin");
	if (name && (nm = cli_text_arg(cli, "--name", name, 100)) == NULL)
		return EXIT_USAGE;
	if (password == NULL)
		return cli_fail(EXIT_USAGE, "give the password on standard input");
	enum msg why = auth_password_problem(password, username);
	if (why != MSG__MAX)
		return cli_fail(EXIT_USAGE, "password refused: %s", tr(LANG_EN, why));
	if ((unit_id = cli_id_by_code(cli, "SELECT id FROM org_unit WHERE code = $1", "unit", unit)) == NULL)
		return EXIT_USAGE;
	if (auth_hash_password(password, hash) != 0)
		return cli_fail(EXIT_FAIL, "out of memory hashing the password");
	const char *p[5] = { username, nm, unit_id, role, hash };
	PGresult *res = cli_run(cli, "INSERT INTO officer (username, display_name, unit_id, role, password_hash) "
	    "VALUES ($1, $2, $3, $4, $5)", 5, p, &usage);
	sodium_memzero(hash, sizeof(hash));
	if (res == NULL)
		return usage ? EXIT_USAGE : EXIT_FAIL;
	PQclear(res);
	cli_audit(cli, "officer.add", username, arena_printf(cli->arena, "role %s, unit %s", role, unit), unit_id);
	printf("officer %s added\n", username);
	return EXIT_OK;
}

int
cmd_officer_add(struct cli *cli, struct opts *o)
{
	if (!cli_opt(o, "username") || !cli_opt(o, "unit") || !cli_opt(o, "role"))
		return cli_fail(EXIT_USAGE, "officer add needs --username, --unit and --role (password on stdin; try --help)");
	const char *email = cli_opt(o, "email");   /* checked before anything is stored */
	if (email && cli_officer_email_check(email) != EXIT_OK)
		return EXIT_USAGE;
	int rc = cli_officer_add(cli, cli_opt(o, "username"), cli_opt(o, "unit"), cli_opt(o, "role"), cli_opt(o, "name"), read_password(cli));
	return rc == EXIT_OK && email ? cli_officer_email_set(cli, cli_opt(o, "username"), email) : rc;
}

/* Ends an officer change made by one statement returning the officer's
 * unit (its one column): 2 when no such officer, else audited and reported. */
static int
officer_changed(struct cli *cli, PGresult *res, const char *username, const char *action, const char *done_fmt)
{
	if (res == NULL)
		return EXIT_FAIL;
	char *unit_id = cli_returned(cli, res);
	if (unit_id == NULL)
		return cli_fail(EXIT_USAGE, "no officer %s", username);
	cli_audit(cli, action, username, "", unit_id);
	printf(done_fmt, username);
	return EXIT_OK;
}

int
cmd_officer_passwd(struct cli *cli, struct opts *o)
{
	char hash[AUTH_HASH_MAX];
	const char *u = cli_opt(o, "username");
	if (u == NULL)
		return cli_fail(EXIT_USAGE, "officer passwd needs --username (new password on stdin)");
	const char *pw = read_password(cli);
	if (pw == NULL)
		return cli_fail(EXIT_USAGE, "give the new password on standard input");
	enum msg why = auth_password_problem(pw, u);
	if (why != MSG__MAX)
		return cli_fail(EXIT_USAGE, "password refused: %s", tr(LANG_EN, why));
	if (auth_hash_password(pw, hash) != 0)
		return cli_fail(EXIT_FAIL, "out of memory hashing the password");
	const char *p[2] = { u, hash };
	/* a new password also ends every session and clears a lockout */
	PGresult *res = cli_run(cli, "WITH o AS (UPDATE officer SET password_hash = $2, password_changed_at = now(), failed_logins = 0, "
	    "locked_until = NULL WHERE username = $1 RETURNING id, unit_id), d AS (DELETE FROM session WHERE officer_id IN "
	    "(SELECT id FROM o)) SELECT unit_id FROM o", 2, p, NULL);
	sodium_memzero(hash, sizeof(hash));
	return officer_changed(cli, res, u, "officer.passwd", "password of %s changed; their sessions ended\n");
}

int
cmd_officer_disable(struct cli *cli, struct opts *o)
{
	const char *u = cli_opt(o, "username");
	if (u == NULL)
		return cli_fail(EXIT_USAGE, "officer disable needs --username");
	const char *p[1] = { u };
	PGresult *res = cli_run(cli, "WITH o AS (UPDATE officer SET disabled_at = coalesce(disabled_at, now()) WHERE username = $1 "
	    "RETURNING id, unit_id), d AS (DELETE FROM session WHERE officer_id IN (SELECT id FROM o)) SELECT unit_id FROM o",
	    1, p, NULL);
	return officer_changed(cli, res, u, "officer.disable", "officer %s disabled; their sessions ended\n");
}

/* The demo officer's login, kept beside the keys by `demo` (never in git). */
int
cmd_officer_demo_login(struct cli *cli, struct opts *o)
{
	(void)cli;
	(void)o;
	char path[1100], line[300];
	snprintf(path, sizeof(path), "%s/secrets/demo-officer.txt", config_var_dir());
	FILE *f = fopen(path, "r");
	if (f == NULL)
		return cli_fail(EXIT_USAGE, "no demo officer (the database was not empty when demo data was offered)");
	while (fgets(line, sizeof(line), f))
		fputs(line, stdout);
	fclose(f);
	return EXIT_OK;
}
