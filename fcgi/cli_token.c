/* cli_token.c: tiengnoi-admin's api-token command: create (prints the token once), list (never shows it), revoke. */
#include <stdio.h>
#include <string.h>
#include <libpq-fe.h>
#include <sodium.h>

#include "app.h"
#include "apitoken.h"
#include "arena.h"
#include "cli.h"
#include "db.h"
#include "fmt.h"

/* api-token create --officer USER --name N [--expires YYYY-MM-DD]: a token
 * acting as USER until the end of that day (Vietnam time) or until revoked.
 * The token goes to stdout, alone on its line, and is never shown again. */
static int
token_create(struct cli *cli, struct opts *o)
{
	const char *user = cli_opt(o, "officer"), *name = cli_opt(o, "name"), *expires = cli_opt(o, "expires");
	if (user == NULL || *user == '\0')
		return cli_fail(EXIT_USAGE, "api-token create needs --officer USERNAME");
	if (name == NULL)
		return cli_fail(EXIT_USAGE, "api-token create needs --name (what the token is for, e.g. \"provincial dashboard\")");
	if ((name = cli_text_arg(cli, "--name", name, 100)) == NULL)
		return EXIT_USAGE;
	if (expires != NULL && !fmt_is_date(expires))
		return cli_fail(EXIT_USAGE, "--expires must be a real date written YYYY-MM-DD");
	enum { OF_ID, OF_UNIT, OF_DISABLED };
	const char *pu[1] = { user };
	PGresult *res = cli_run(cli, "SELECT id, unit_id, disabled_at IS NOT NULL FROM officer WHERE username = $1", 1, pu, NULL);
	if (res == NULL)
		return EXIT_FAIL;
	if (PQntuples(res) != 1) {
		PQclear(res);
		return cli_fail(EXIT_USAGE, "--officer: no officer with username %s", user);
	}
	char *officer = arena_strdup(cli->arena, PQgetvalue(res, 0, OF_ID)), *unit = arena_strdup(cli->arena, PQgetvalue(res, 0, OF_UNIT));
	bool disabled = PQgetvalue(res, 0, OF_DISABLED)[0] == 't';
	PQclear(res);
	if (disabled)
		return cli_fail(EXIT_USAGE, "--officer: %s is disabled; a token would not work", user);

	char token[APITOKEN_LEN + 1], prefix[APITOKEN_PREFIX_LEN + 1];
	unsigned char hash[APITOKEN_HASH_LEN];
	char hash_hex[APITOKEN_HASH_LEN * 2 + 1];
	int rc;
	apitoken_new(token, prefix);
	apitoken_hash(token, hash);
	sodium_bin2hex(hash_hex, sizeof(hash_hex), hash, sizeof(hash));
	enum { NEW_ID };
	const char *p[5] = { prefix, hash_hex, officer, name, expires ? expires : "" };
	if (db_begin(cli->db) != 0)
		return cli_db_failed(cli);
	/* a date already past makes a token that never works: refused in the same statement */
	res = cli_run(cli, "INSERT INTO api_token (prefix, hash, officer_id, name, expires_at) "
	    "SELECT $1, decode($2, 'hex'), $3::bigint, $4, e.at FROM (SELECT CASE WHEN $5 = '' THEN NULL "
	    "  ELSE (($5::date + 1)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh') END AS at) e "
	    "WHERE e.at IS NULL OR e.at > now() RETURNING id", 5, p, NULL);
	if ((res = cli_one_row(cli, res, &rc, "--expires %s is already past: give today or a later day", expires)) == NULL)
		return rc;
	char *id = arena_strdup(cli->arena, PQgetvalue(res, 0, NEW_ID));
	const char *until = expires ? expires : "";
	PQclear(res);
	if (!cli_audit(cli, "api_token.create", arena_printf(cli->arena, "api_token:%s", id),
	    arena_printf(cli->arena, "officer %s, tn_%s_…%s%s", user, prefix, *until ? ", valid through " : "", until), unit) ||
	    db_commit(cli->db) != 0) {
		db_rollback(cli->db);
		sodium_memzero(token, sizeof(token));
		return cli_fail(EXIT_FAIL, "database error: the token was not created");
	}
	fprintf(stderr, "api token %s created for %s%s%s; it is shown only now, store it in the other system:\n", id, user,
	    *until ? ", valid through " : "", until);
	printf("%s\n", token);
	sodium_memzero(token, sizeof(token));
	return EXIT_OK;
}

/* api-token list [--officer USER]: every token, newest first, with its
 * state; the prefix identifies one, the token itself is never shown. */
static int
token_list(struct cli *cli, struct opts *o)
{
	const char *user = cli_opt(o, "officer");
	if (cli_opt(o, "name") || cli_opt(o, "expires"))
		return cli_fail(EXIT_USAGE, "api-token list takes only --officer");
	const char *p[1] = { user ? user : "" };
	PGresult *res = cli_run(cli, "SELECT t.id, 'tn_' || t.prefix || '_…', o.username, t.name, "
	    "to_char(t.created_at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'YYYY-MM-DD HH24:MI'), "
	    "coalesce(to_char(t.expires_at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'YYYY-MM-DD HH24:MI'), '-'), "
	    "CASE WHEN t.revoked_at IS NOT NULL THEN 'revoked' WHEN t.expires_at <= now() THEN 'expired' "
	    "     WHEN o.disabled_at IS NOT NULL THEN 'officer-disabled' ELSE 'active' END, "
	    "coalesce(to_char(t.last_used_at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'YYYY-MM-DD HH24:MI'), '-') "
	    "FROM api_token t JOIN officer o ON o.id = t.officer_id "
	    "WHERE $1 = '' OR o.username = $1 ORDER BY t.id DESC", 1, p, NULL);
	return cli_print_rows(res, "id\ttoken\tofficer\tname\tcreated\texpires\tstate\tlast_used");
}

/* api-token revoke ID: the token stops working at once; revoking one
 * already revoked changes nothing and says so. Audited. */
static int
token_revoke(struct cli *cli, struct opts *o)
{
	const char *id = o->npos == 2 ? o->positional[1] : NULL;
	if (o->n > 0)
		return cli_fail(EXIT_USAGE, "api-token revoke takes no options, only the token's id");
	if (!fmt_is_id(id))
		return cli_fail(EXIT_USAGE, "api-token revoke needs the token's id (a number, as api-token list shows)");
	enum { R_UNIT, R_WAS };
	const char *p[1] = { id };
	if (db_begin(cli->db) != 0)
		return cli_db_failed(cli);
	PGresult *res = cli_run(cli, "WITH old AS (SELECT t.id, t.revoked_at, o.unit_id FROM api_token t "
	    "JOIN officer o ON o.id = t.officer_id WHERE t.id = $1::bigint FOR UPDATE OF t), "
	    "u AS (UPDATE api_token t SET revoked_at = now() FROM old WHERE t.id = old.id AND old.revoked_at IS NULL RETURNING t.id) "
	    "SELECT old.unit_id, old.revoked_at IS NOT NULL FROM old", 1, p, NULL);
	int rc;
	if ((res = cli_one_row(cli, res, &rc, "no api token with id %s", id)) == NULL)
		return rc;
	char *unit = arena_strdup(cli->arena, PQgetvalue(res, 0, R_UNIT));
	bool was = PQgetvalue(res, 0, R_WAS)[0] == 't';
	PQclear(res);
	if (was) {
		db_rollback(cli->db);
		printf("api token %s was already revoked\n", id);
		return EXIT_OK;
	}
	if (!cli_audit(cli, "api_token.revoke", arena_printf(cli->arena, "api_token:%s", id), "", unit) || db_commit(cli->db) != 0) {
		db_rollback(cli->db);
		return cli_fail(EXIT_FAIL, "database error: the token was not revoked");
	}
	printf("api token %s revoked\n", id);
	return EXIT_OK;
}

/* api-token create|list|revoke: one row of the command table, its verb
 * the first argument. */
int
cmd_api_token(struct cli *cli, struct opts *o)
{
	const char *verb = o->npos > 0 ? o->positional[0] : "";
	bool revoke = strcmp(verb, "revoke") == 0;
	if (!revoke && o->npos > 1)
		return cli_fail(EXIT_USAGE, "api-token %s: unexpected argument %s", verb, o->positional[1]);
	if (strcmp(verb, "create") == 0)
		return token_create(cli, o);
	if (strcmp(verb, "list") == 0)
		return token_list(cli, o);
	if (revoke)
		return token_revoke(cli, o);
	return cli_fail(EXIT_USAGE, "api-token needs create, list or revoke (try --help)");
}
