/* cli_notify.c: tiengnoi-admin's notification commands: an officer's e-mail address, the outbox list, webhooks (add, list, remove). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libpq-fe.h>
#include <sodium.h>

#include "app.h"
#include "arena.h"
#include "cli.h"
#include "config.h"
#include "db.h"
#include "notify.h"
#include "webhook.h"

int
cli_officer_email_check(const char *email)
{
	const char *why = notify_email_problem(email);
	return why ? cli_fail(EXIT_USAGE, "--email: %s", why) : EXIT_OK;
}

int
cli_officer_email_set(struct cli *cli, const char *username, const char *email)
{
	enum { COL_UNIT_ID };
	const char *p[2] = { username, email };
	/* an address the operator sets counts as confirmed; a pending one is dropped */
	PGresult *res = cli_run(cli, "UPDATE officer SET email = nullif($2, ''), email_pending = NULL, email_token_hash = NULL, "
	    "email_token_expires = NULL WHERE username = $1 RETURNING unit_id", 2, p, NULL);
	if (res == NULL)
		return EXIT_FAIL;
	char *unit_id = cli_returned(cli, res);
	if (unit_id == NULL)
		return cli_fail(EXIT_USAGE, "--username: no officer %s", username);
	cli_audit(cli, "officer.email", username, *email ? "address set (confirmed by the operator)" : "address removed", unit_id);
	return EXIT_OK;
}

int
cmd_officer_email(struct cli *cli, struct opts *o)
{
	const char *u = cli_opt(o, "username"), *e = cli_opt(o, "email");
	if (u == NULL || e == NULL)
		return cli_fail(EXIT_USAGE, "officer email needs --username and --email (\"\" removes the address)");
	if (*e && cli_officer_email_check(e) != EXIT_OK)
		return EXIT_USAGE;
	int rc = cli_officer_email_set(cli, u, e);
	if (rc == EXIT_OK)
		printf(*e ? "officer %s: e-mail set\n" : "officer %s: e-mail removed\n", u);
	return rc;
}

int
cmd_outbox_list(struct cli *cli, struct opts *o)
{
	const char *status = cli_opt(o, "status"), *n = cli_opt(o, "n") ? cli_opt(o, "n") : "50";
	if (status && strcmp(status, "pending") != 0 && strcmp(status, "sent") != 0 && strcmp(status, "failed") != 0)
		return cli_fail(EXIT_USAGE, "--status must be pending, sent or failed");
	if (strspn(n, "0123456789") != strlen(n) || strlen(n) < 1 || strlen(n) > 6 || atoi(n) < 1)
		return cli_fail(EXIT_USAGE, "--n must be a number from 1 to 999999");
	const char *p[2] = { status, n };
	PGresult *res = cli_run(cli, "SELECT x.id, x.kind, x.event, x.status, x.attempts, "
	    "coalesce(o.username, h.url, ''), to_char(x.created_at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'YYYY-MM-DD HH24:MI:SS'), "
	    "to_char(coalesce(x.sent_at, x.next_attempt_at) AT TIME ZONE 'Asia/Ho_Chi_Minh', 'YYYY-MM-DD HH24:MI:SS'), x.last_error "
	    "FROM outbox x LEFT JOIN officer o ON o.id = x.officer_id LEFT JOIN webhook h ON h.id = x.webhook_id "
	    "WHERE $1::text IS NULL OR x.status = $1 ORDER BY x.id DESC LIMIT $2::integer", 2, p, NULL);
	return cli_print_rows(res, "id\tkind\tevent\tstatus\tattempts\tto\tcreated\tsent_or_next\terror");
}

int
cmd_webhook_add(struct cli *cli, struct opts *o)
{
	const char *unit = cli_opt(o, "unit"), *url = cli_opt(o, "url"), *events = cli_opt(o, "events");
	const char *file = cli_opt(o, "secret-file"), *why;
	if (!unit || !url || !events || !file)
		return cli_fail(EXIT_USAGE, "webhook add needs --unit, --url, --events and --secret-file (try --help)");
	if ((why = webhook_url_problem(url, config_base_url())) != NULL)
		return cli_fail(EXIT_USAGE, "--url: %s", why);
	if ((why = webhook_events_problem(cli->arena, events)) != NULL)
		return cli_fail(EXIT_USAGE, "--events: %s", why);
	char *secret = webhook_secret_read(cli->arena, file, &why);
	if (secret == NULL)
		return cli_fail(EXIT_USAGE, "--secret-file %s: %s", file, why);
	char *unit_id = cli_id_by_code(cli, "SELECT id FROM org_unit WHERE code = $1", "unit", unit);
	if (unit_id == NULL)
		return EXIT_USAGE;
	enum { COL_ID };
	const char *p[4] = { unit_id, url, events, secret };
	PGresult *res = cli_run(cli, "INSERT INTO webhook (unit_id, url, events, secret) "
	    "VALUES ($1, $2, string_to_array($3, ','), $4) RETURNING id", 4, p, NULL);
	sodium_memzero(secret, strlen(secret));
	if (res == NULL)
		return EXIT_FAIL;
	char *id = arena_strdup(cli->arena, PQgetvalue(res, 0, COL_ID));
	PQclear(res);
	cli_audit(cli, "webhook.add", id, arena_printf(cli->arena, "%s for %s", url, events), unit_id);
	printf("webhook %s added\n", id);
	return EXIT_OK;
}

/* One line per live webhook (the view of sql/054): its deliveries by
 * status, its events kept aside while paused, until when it is paused (empty
 * when it is not) and the error that paused it; tabs and newlines in the
 * error become spaces so that each webhook stays one line of fields. */
int
cmd_webhook_list(struct cli *cli, struct opts *o)
{
	(void)o;
	PGresult *res = cli_run(cli, "SELECT s.id, u.code, s.url, array_to_string(s.events, ','), s.sent, s.pending, s.failed, "
	    "s.kept, coalesce(to_char(s.paused_until AT TIME ZONE 'Asia/Ho_Chi_Minh', 'YYYY-MM-DD HH24:MI:SS'), ''), "
	    "translate(s.last_error, E'\t\n\r', '   ') FROM webhook_status s JOIN org_unit u ON u.id = s.unit_id ORDER BY s.id",
	    0, NULL, NULL);
	return cli_print_rows(res, "id\tunit\turl\tevents\tsent\tpending\tfailed\tkept\tpaused_until\tlast_error");
}

int
cmd_webhook_remove(struct cli *cli, struct opts *o)
{
	const char *id = cli_opt(o, "id");
	if (id == NULL || strspn(id, "0123456789") != strlen(id) || strlen(id) < 1 || strlen(id) > 18)
		return cli_fail(EXIT_USAGE, "webhook remove needs --id N (see webhook list)");
	enum { COL_UNIT_ID };
	const char *p[1] = { id };
	/* pending deliveries to it end as failed: nobody should receive them later */
	PGresult *res = cli_run(cli, "WITH h AS (UPDATE webhook SET removed_at = now() WHERE id = $1 AND removed_at IS NULL "
	    "RETURNING id, unit_id), x AS (UPDATE outbox SET status = 'failed', last_error = 'the webhook was removed' "
	    "WHERE id IN (SELECT id FROM outbox WHERE webhook_id IN (SELECT id FROM h) AND status = 'pending' "
	    "FOR UPDATE SKIP LOCKED)) SELECT unit_id FROM h", 1, p, NULL);
	if (res == NULL)
		return EXIT_FAIL;
	char *unit_id = cli_returned(cli, res);
	if (unit_id == NULL)
		return cli_fail(EXIT_USAGE, "--id: no webhook %s", id);
	cli_audit(cli, "webhook.remove", id, "", unit_id);
	printf("webhook %s removed\n", id);
	return EXIT_OK;
}

/* "HH:MM" (00:00 to 23:59), the digest time of a unit. */
static bool
clock_valid(const char *v)
{
	return strlen(v) == 5 && v[2] == ':' && strspn(v, "0123456789:") == 5 && atoi(v) < 24 && atoi(v + 3) < 60 &&
	    v[0] >= '0' && v[0] <= '2' && v[3] >= '0' && v[3] <= '5';
}

int
cmd_unit_notify(struct cli *cli, struct opts *o)
{
	const char *code = cli_opt(o, "code"), *at = cli_opt(o, "digest-time"), *fl = cli_opt(o, "first-line");
	if (code == NULL || (at == NULL && fl == NULL))
		return cli_fail(EXIT_USAGE, "unit notify needs --code and --digest-time HH:MM and/or --first-line yes|no");
	if (at && !clock_valid(at))
		return cli_fail(EXIT_USAGE, "--digest-time must be HH:MM (Vietnam time), e.g. 07:00");
	if (fl && strcmp(fl, "yes") != 0 && strcmp(fl, "no") != 0)
		return cli_fail(EXIT_USAGE, "--first-line must be yes or no");
	enum { COL_ID };
	const char *p[3] = { code, at, fl ? (strcmp(fl, "yes") == 0 ? "t" : "f") : NULL };
	PGresult *res = cli_run(cli, "UPDATE org_unit SET digest_time = coalesce($2::time, digest_time), "
	    "notify_first_line = coalesce($3::boolean, notify_first_line) WHERE code = $1 RETURNING id", 3, p, NULL);
	if (res == NULL)
		return EXIT_FAIL;
	char *id = cli_returned(cli, res);
	if (id == NULL)
		return cli_fail(EXIT_USAGE, "--code: no unit %s", code);
	cli_audit(cli, "unit.notify", code, arena_printf(cli->arena, "digest %s, first line %s", at ? at : "unchanged",
	    fl ? fl : "unchanged"), id);
	printf("unit %s: notification settings saved\n", code);
	return EXIT_OK;
}
