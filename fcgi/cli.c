/* cli.c: tiengnoi-admin's main: the one command table (git's commands[]), option parsing, usage, and the helpers every command file shares. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include <libpq-fe.h>
#include <sodium.h>

#include "app.h"
#include "arena.h"
#include "buf.h"
#include "cli.h"
#include "config.h"
#include "db.h"
#include "export.h"
#include "form.h"
#include "text.h"

/* "tiengnoi-admin: MESSAGE" on stderr, for cli_fail() and cli_one_row(). */
static void
say(const char *fmt, va_list ap)
{
	fputs("tiengnoi-admin: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

int
cli_fail(int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	say(fmt, ap);
	va_end(ap);
	return code;
}

int
cli_db_failed(struct cli *cli)
{
	return cli_fail(EXIT_FAIL, "database error: %s", db_error(cli->db));
}

void
cli_note(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

const char *
cli_opt(const struct opts *o, const char *name)
{
	for (size_t i = 0; i < o->n; i++)
		if (strcmp(o->names[i], name) == 0)
			return o->values[i];
	return NULL;
}

/* Parses "--name value", "--name=value", "--help" and positionals, refusing
 * options the subcommand does not know. */
static int
parse_opts(struct cli *cli, int argc, char **argv, const char *allowed, struct opts *o)
{
	memset(o, 0, sizeof(*o));
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			o->help = true;
			continue;
		}
		if (strncmp(a, "--", 2) != 0) {
			if (o->npos == 4)
				return cli_fail(EXIT_USAGE, "too many arguments: %s", a);
			o->positional[o->npos++] = a;
			continue;
		}
		const char *eq = strchr(a, '=');
		char *name = arena_strndup(cli->arena, a + 2, eq ? (size_t)(eq - a - 2) : strlen(a + 2));
		char pat[64], flag[64];
		snprintf(pat, sizeof(pat), " %s ", name);
		snprintf(flag, sizeof(flag), " %s? ", name);   /* "name?" in allowed: a flag without a value */
		char *allow = arena_printf(cli->arena, " %s ", allowed);
		bool is_flag = strstr(allow, flag) != NULL;
		if (strstr(allow, pat) == NULL && !is_flag)
			return cli_fail(EXIT_USAGE, "unknown option --%s (try --help)", name);
		if (is_flag && eq)
			return cli_fail(EXIT_USAGE, "--%s takes no value", name);
		const char *val = is_flag ? "1" : eq ? eq + 1 : (i + 1 < argc ? argv[++i] : NULL);
		if (val == NULL)
			return cli_fail(EXIT_USAGE, "--%s needs a value", name);
		if (o->n == OPTS_MAX)
			return cli_fail(EXIT_USAGE, "too many options");
		o->names[o->n] = name;
		o->values[o->n++] = val;
	}
	return EXIT_OK;
}

const char *
cli_text_arg(struct cli *cli, const char *what, const char *v, size_t max)
{
	if (!text_valid_utf8(v, strlen(v))) {
		cli_fail(EXIT_USAGE, "%s is not valid UTF-8 text", what);
		return NULL;
	}
	if (text_has_controls(v, strlen(v))) {
		cli_fail(EXIT_USAGE, "%s contains control characters", what);
		return NULL;
	}
	char *t = text_trim(text_nfc(cli->arena, v, strlen(v)));
	if (*t == '\0' || text_length(t) > max) {
		cli_fail(EXIT_USAGE, "%s must be 1 to %zu characters", what, max);
		return NULL;
	}
	return t;
}

struct form_set *
cli_forms_load(char *err, size_t errlen)
{
	return form_set_load(config_forms_dir(), config_forms_override_dir(), err, errlen);
}

/* Connects once, for a command flagged CLI_DB; false after saying why. */
static bool
cli_connect(struct cli *cli)
{
	cli->db = db_open(config_conninfo(true), false);
	if (cli->db != NULL && db_ready(cli->db))
		return true;
	cli_fail(EXIT_FAIL, "cannot reach the database (%s): %s", config_conninfo(true),
	    cli->db ? db_error(cli->db) : "out of memory");
	return false;
}

PGresult *
cli_query(struct cli *cli, const char *sql_literal, int n, const char *const *values, bool *usage)
{
	PGresult *res = (db_query)(cli->db, sql_literal, n, values);   /* cli_run checked the literal */
	if (res != NULL && db_ok(res))
		return res;
	const char *state = db_sqlstate(res);
	if (usage)
		*usage = strncmp(state, "23", 2) == 0;
	if (strcmp(state, "23505") == 0)
		cli_fail(EXIT_USAGE, "already exists: %s", PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL) ?
		    PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL) : PQresultErrorMessage(res));
	else
		cli_fail(EXIT_FAIL, "database error: %s", res ? PQresultErrorMessage(res) : db_error(cli->db));
	PQclear(res);
	return NULL;
}

bool
cli_audit(struct cli *cli, const char *action, const char *object, const char *detail, const char *unit_id)
{
	const char *p[4] = { unit_id, action, object, detail };
	PGresult *res = cli_run(cli, "INSERT INTO audit_log (officer_id, unit_id, action, object, detail) "
	    "VALUES (NULL, $1, $2, $3, 'cli: ' || $4)", 4, p, NULL);
	PQclear(res);
	return res != NULL;
}

char *
cli_id_lookup(struct cli *cli, const char *sql_literal, const char *what, const char *code)
{
	enum { COL_ID };   /* the query's one column */
	const char *p[1] = { code };
	PGresult *res = cli_query(cli, sql_literal, 1, p, NULL);
	char *id = NULL;
	if (res == NULL)
		return NULL;
	if (PQntuples(res) == 1)
		id = arena_strdup(cli->arena, PQgetvalue(res, 0, COL_ID));
	else
		cli_fail(EXIT_USAGE, "no %s with code %s", what, code);
	PQclear(res);
	return id;
}

/* The commands: one row each, in the order `--help` lists them. Every
 * command that reads or writes the database says CLI_DB, and main connects
 * before running it. */
static const struct cli_cmd cmds[] = {
	{ "keys", "init", cmd_keys_init, "",
	  "keys init\n  Creates the server key (TIENGNOI_KEY_FILE, default VAR/secrets/server.key) and the contact\n"
	  "  key pair beside it (contact.pub for the app, contact.key for revealing) if absent.", 0 },
	{ "config", "check", cmd_config_check, "",
	  "config check\n  Prints the effective settings (passwords masked) and checks the key files, forms, migrations\n"
	  "  and database connections the service needs; exit 1 naming each problem (file, line, key).", 0 },
	{ "migrate", NULL, cmd_migrate, "",
	  "migrate\n  Applies the numbered SQL files in sql/ not applied yet, each in one transaction.", CLI_DB },
	{ "demo", NULL, cmd_demo, "",
	  "demo\n  Loads the Lai Châu demo units, workplaces and QR codes into an empty database.", CLI_DB },
	{ "unit", "add", cmd_unit_add, "code name parent kind hotline",
	  "unit add --code CODE --name NAME [--parent CODE] [--kind KIND] [--hotline PHONE]\n"
	  "  KIND: national, province, district, commune, sector, industrial_park, public, grassroots, informal\n"
	  "  (default: province without --parent, grassroots with it).", CLI_DB },
	{ "unit", "hotline", cmd_unit_hotline, "code hotline",
	  "unit hotline --code CODE --hotline \"0213 3876 543\"\n"
	  "  Sets the hotline printed on the posters of the unit's workplaces (and of units below it that\n"
	  "  have none of their own); --hotline \"\" removes it.", CLI_DB },
	{ "workplace", "add", cmd_workplace_add, "code name unit tax-code address",
	  "workplace add --code CODE --name NAME --unit CODE [--tax-code T] [--address A]", CLI_DB },
	{ "workplace", "import", cmd_workplace_import, "",
	  "workplace import FILE.csv   (or - for standard input)\n"
	  "  Header row code,name,unit_code[,tax_code][,address]; UTF-8 with or without BOM; ',' or ';'.\n"
	  "  All or nothing: every bad line is listed with its number and nothing is imported (exit 2).", CLI_DB },
	{ "qr", "create", cmd_qr_create, "workplace label forms",
	  "qr create --workplace CODE [--label L] [--forms a,b]\n"
	  "  Creates a QR entry point and prints its URL as the last line (default: all forms).", CLI_DB },
	{ "qr", "list", cmd_qr_list, "", "qr list\n  Prints the URL, workplace and label of every active QR code.", CLI_DB },
	{ "qr", "png", cmd_qr_png, "", "qr png TOKEN > code.png\n  Writes the QR code as a PNG (prints at 5 cm) to stdout.", CLI_DB },
	{ "qr", "svg", cmd_qr_svg, "", "qr svg TOKEN > code.svg\n  Writes the QR code as SVG to stdout.", CLI_DB },
	{ "qr", "poster", cmd_qr_poster, "unit",
	  "qr poster --unit CODE > posters.html   |   qr poster TOKEN > poster.html\n"
	  "  Prints A4 posters (HTML, one page each) of every active QR code under the unit, or of one code;\n"
	  "  the page loads BASE_URL/static/poster.css, so open it where the server is reachable to print.", CLI_DB },
	{ "officer", "add", cmd_officer_add, "username unit role name email",
	  "officer add --username U --unit CODE --role viewer|officer|admin [--name NAME] [--email ADDR] < password\n"
	  "  Adds an officer scoped to the unit's subtree; the password comes on stdin. --email counts as confirmed.", CLI_DB },
	{ "officer", "email", cmd_officer_email, "username email",
	  "officer email --username U --email ADDR\n"
	  "  Sets the officer's notification address, confirmed (no link is mailed); --email \"\" removes it.", CLI_DB },
	{ "officer", "passwd", cmd_officer_passwd, "username",
	  "officer passwd --username U < password\n  Sets a new password, ends the officer's sessions, clears a lockout.", CLI_DB },
	{ "officer", "disable", cmd_officer_disable, "username",
	  "officer disable --username U\n  Stops the officer from signing in and ends their sessions.", CLI_DB },
	{ "export", "submissions", cmd_export_submissions, "format unit from to form",
	  "export submissions --format csv|xlsx|json [--unit CODE] [--from YYYY-MM-DD --to YYYY-MM-DD] [--form ID] > file\n"
	  "  Reports of the unit's subtree (default: all), streamed in constant memory; contact details never included.\n"
	  "  CSV and XLSX in the forms' Vietnamese words (XLSX adds a \"Mã\" sheet of codes); json keeps the codes.", CLI_DB },
	{ "export", "case", cmd_export_case, "id format",
	  "export case --id N [--format json|xlsx|html] > file\n"
	  "  A case's dossier: the case, deadlines, totals, timeline, linked reports with answers and messages,\n"
	  "  attachments with their sha256 (default html); contact details never included; audited.", CLI_DB },
	{ "export", "stats", cmd_export_stats, "format unit from to period",
	  "export stats --format csv|xlsx|json [--unit CODE] [--from YYYY-MM-DD --to YYYY-MM-DD | --period P] > file\n"
	  "  The periodic statistics table (as /admin/stats) of the unit (default: the whole tree): each shown\n"
	  "  indicator claimed (per enterprise) and verified (cases), by unit directly below and by ownership;\n"
	  "  the frozen table when the period is frozen. P: union-YYYY (01/11 to 31/10), h1-YYYY, h2-YYYY,\n"
	  "  q1-YYYY..q4-YYYY; default this month so far (Vietnam time); audited.", CLI_DB },
	{ "stats", "freeze", cmd_stats_freeze, "unit from to period reason by",
	  "stats freeze [--unit CODE] (--from YYYY-MM-DD --to YYYY-MM-DD | --period P) [--reason WHY] [--by NAME]\n"
	  "  Freezes (chốt số liệu) the unit's table of the period as it is now, with its SHA-256: export stats\n"
	  "  and /admin/stats show that version afterwards. Freezing a frozen period again needs --reason; audited.", CLI_DB },
	{ "indicator", "list", cmd_indicator_list, "",
	  "indicator list\n  The statistics indicators in order: position, code, shown/hidden, label, rule, verified rule, source.", CLI_DB },
	{ "indicator", "set", cmd_indicator_set, "code rule verified-rule label position hidden",
	  "indicator set --code CODE [--rule R] [--verified-rule R|none] [--label L] [--position N] [--hidden yes|no]\n"
	  "  Changes one indicator; a rule that does not parse is refused (exit 2) and nothing is stored; audited.\n"
	  "  Rules: AGG(SOURCE[.FIELD] [where F = V [and ...]] [of ...]) (docs/officer-guide.md).", CLI_DB },
	{ "officer", "demo-login", cmd_officer_demo_login, "", "officer demo-login\n  Prints the demo officers' login (made by demo).", 0 },
	{ "unit", "reply-days", cmd_unit_reply_days, "unit days",
	  "unit reply-days --unit CODE --days N|inherit\n"
	  "  The working days (1-60) the unit gives itself to send a report's first reply; units below it\n"
	  "  without their own setting inherit it (default 5). The statistics count reports answered in\n"
	  "  time by it; --days inherit removes the unit's own setting. Prints the time that now applies.", CLI_DB },
	{ "unit", "notify", cmd_unit_notify, "code digest-time first-line",
	  "unit notify --code CODE [--digest-time HH:MM] [--first-line yes|no]\n"
	  "  When the unit's officers get their daily digest (Vietnam time, default 07:00), and whether mails and\n"
	  "  webhooks may quote the first line of a non-anonymous report of its subtree (default no).", CLI_DB },
	{ "outbox", "list", cmd_outbox_list, "status n",
	  "outbox list [--status pending|sent|failed] [--n N]\n"
	  "  The newest N (default 50) mails and webhook deliveries: kind, event, status, attempts, recipient,\n"
	  "  when queued, when sent (or next tried), the last error.", CLI_DB },
	{ "webhook", "add", cmd_webhook_add, "unit url events secret-file",
	  "webhook add --unit CODE --url URL --events submission.created,submission.urgent,case.deadline --secret-file F\n"
	  "  POSTs each event of the unit's subtree as JSON signed with the secret in F (Tiengnoi-Signature:\n"
	  "  t=TIME,v1=HMAC-SHA256 of TIME.BODY); retried with backoff for 24 hours.", CLI_DB },
	{ "webhook", "list", cmd_webhook_list, "", "webhook list\n  Active webhooks: deliveries sent, pending and failed; events kept aside while the receiver is paused;\n  paused until (Vietnam time; empty: not paused) and the error that paused it.", CLI_DB },
	{ "webhook", "remove", cmd_webhook_remove, "id",
	  "webhook remove --id N\n  Stops a webhook; its pending deliveries are marked failed.", CLI_DB },
	{ "audit", "verify", cmd_audit_verify, "anchor",
	  "audit verify [--anchor HASH]\n  Walks the whole audit log, recomputing every row's hash and link; exit 0 when intact,\n"
	  "  1 naming the first edited or unlinked row. --anchor: a hash printed earlier must still be there.", CLI_DB },
	{ "audit", "tail", cmd_audit_tail, "n",
	  "audit tail [--n N]\n  Prints the newest N audit rows (default 20), oldest first, tab-separated.", CLI_DB },
	{ "purge", NULL, cmd_purge, "dry-run?",
	  "purge [--dry-run]\n  Runs the retention policy (table retention_policy): anonymises old reports, deletes old photos\n"
	  "  and the documents of cases closed longer than closed_case_keep. Keeps what a labour-dispute case needs;\n"
	  "  prints counts and audits the run. Safe to repeat.", CLI_DB },
	{ "request", "add", cmd_request_add, "kind receipt subject unit note",
	  "request add --kind access|correct|delete (--receipt CODE | --subject TEXT [--unit CODE]) [--note TEXT]\n"
	  "  Records a data-subject request and prints the day it must be acknowledged by (2 working days).\n"
	  "  A receipt's request belongs to its report's unit; --unit gives the unit whose admins handle\n"
	  "  a --subject one (default: none, so admins of a top-level unit see it in the console).", CLI_DB },
	{ "request", "list", cmd_request_list, "",
	  "request list\n  Every data-subject request, open ones first, with its acknowledgement deadline.", CLI_DB },
	{ "request", "ack", cmd_request_ack, "note", "request ack ID [--note TEXT]\n  Marks a request acknowledged.", CLI_DB },
	{ "request", "done", cmd_request_done, "note", "request done ID [--note TEXT]\n  Marks a request done.", CLI_DB },
	{ "request", "refuse", cmd_request_refuse, "note",
	  "request refuse ID --note WHY\n  Marks a request refused, with the reason the person is given.", CLI_DB },
	{ "request", "export", cmd_request_export, "receipt",
	  "request export --receipt CODE > data.json\n  Prints as JSON what is held for that receipt: the report, photos' descriptions, messages.", CLI_DB },
	{ "request", "delete", cmd_request_delete, "receipt",
	  "request delete --receipt CODE\n  Anonymises that report now (answers, contact, photos, message texts), audited.", CLI_DB },
	{ "holiday", "list", cmd_holiday_list, "year",
	  "holiday list [--year YYYY]\n  The public holidays working-day deadlines skip, with their source, and the day the calendar ends.", CLI_DB },
	{ "holiday", "add", cmd_holiday_add, "day name source working?",
	  "holiday add --day YYYY-MM-DD --name NAME [--source TEXT] [--working]\n"
	  "  Adds a day off (holiday, day in lieu, weekday swapped off) or, with --working, a Saturday or Sunday\n"
	  "  made a working day; on a day already there corrects name, source and kind; audited.", CLI_DB },
	{ "holiday", "remove", cmd_holiday_remove, "day",
	  "holiday remove --day YYYY-MM-DD\n  Removes a public holiday (e.g. a day the Ministry moved); audited.", CLI_DB },
	{ "deadlines", NULL, cmd_deadlines, "scope kind subject stage stage-date panel-formed payday due-date known-on on format",
	  "deadlines --scope individual|collective [--kind rights|interest] --subject SUBJECT --stage STAGE --stage-date YYYY-MM-DD\n"
	  "          [--panel-formed D] [--payday D] [--due-date D] [--known-on D] [--on EVENT=D ...] [--format json|text]\n"
	  "  The legal deadlines such a case would have, computed as the case page does (\"what if\"); EVENT is a case\n"
	  "  date such as terminated_on, judgment_on, accident_reported_on, strike_planned_on.", CLI_DB },
	{ "api-token", NULL, cmd_api_token, "officer name expires",
	  "api-token create --officer USER --name NAME [--expires YYYY-MM-DD] | list [--officer USER] | revoke ID\n"
	  "  Tokens for the read API (/api/v1/, docs/api.md), each acting as one officer with that officer's\n"
	  "  role and scope: create prints the token once (stored hashed, valid to the end of --expires,\n"
	  "  Vietnam time); list never shows it; revoke stops it at once. Audited.", CLI_DB },
	{ "agreement", "add", cmd_agreement_add, "workplace signed effective expires rating file", "agreement add --workplace CODE "
	  "--signed YYYY-MM-DD --effective YYYY-MM-DD --expires YYYY-MM-DD [--rating A|B|C|D] [--file F.pdf]\n  Registers a "
	  "collective agreement (signed <= effective < expires; the PDF checked, kept with its sha256); audited.", CLI_DB },
	{ "agreement", "list", cmd_agreement_list, "unit expiring-within format", "agreement list [--unit CODE] "
	  "[--expiring-within DAYS] [--format json|csv]\n  The register as [{workplace, signed, effective, expires, rating}] "
	  "or CSV; --expiring-within: current agreements expiring within DAYS days.", CLI_DB },
	{ "round", "add", cmd_round_add, "workplace kind planned held employer-reps union-reps worker-reps minutes file",
	  "round add --workplace CODE --kind periodic|request|bargaining (--held YYYY-MM-DD | --planned YYYY-MM-DD)\n"
	  "          [--employer-reps N] [--union-reps N] [--worker-reps N] [--minutes TEXT] [--file MINUTES.pdf]\n"
	  "  Records a dialogue or bargaining round (participants as counts by role, no names); audited.", CLI_DB },
	{ "round", "list", cmd_round_list, "unit format", "round list [--unit CODE] [--format json|csv]\n"
	  "  The rounds, newest first, with their commitments' counts (pending, done, broken) and linked reports.", CLI_DB },
	{ "commitment", "add", cmd_commitment_add, "round text due owner",
	  "commitment add --round ID --text TEXT --due YYYY-MM-DD [--owner WHO]\n"
	  "  Records what the employer agreed to at a held round, due no earlier than the round; the owner is the\n"
	  "  employer side, the union or a department, never a worker's name. Audited.", CLI_DB },
	{ "commitment", "set", cmd_commitment_set, "id status on evidence file",
	  "commitment set --id ID --status done|broken [--on YYYY-MM-DD] [--evidence TEXT] [--file F.pdf]\n"
	  "  Marks a commitment done or broken on a day (default today); done by its due day is kept on time. Audited.", CLI_DB },
};

#define NCMDS (sizeof(cmds) / sizeof(cmds[0]))

static void
usage_all(FILE *f)
{
	fprintf(f, "usage: tiengnoi-admin COMMAND [options]   (COMMAND --help for details)\n\n");
	/* each usage indented two more, so its explanation lines sit under
	 * its command line and never read as commands of their own */
	for (size_t i = 0; i < NCMDS; i++) {
		fputs("  ", f);
		for (const char *u = cmds[i].usage; *u; u++) {
			fputc(*u, f);
			if (*u == '\n')
				fputs("  ", f);
		}
		fputc('\n', f);
	}
	fprintf(f, "\nDatabase: TIENGNOI_DB (libpq conninfo), else the cluster under TIENGNOI_VAR (default ./var).\n"
	    "Exit status: 0 done, 2 bad arguments or unknown/duplicate codes, 1 other failures.\n");
}

/* Runs the row argv names: its options, its --help, else (connected first
 * when it says CLI_DB) the command itself. Exit status as usage_all says;
 * -1 when no row of the table is argv's command. */
static int
dispatch(struct cli *cli, int argc, char **argv)
{
	for (size_t i = 0; i < NCMDS; i++) {
		const struct cli_cmd *c = &cmds[i];
		if (strcmp(argv[1], c->group) != 0)
			continue;
		int skip = 2;
		if (c->name != NULL) {
			if (argc < 3 || strcmp(argv[2], "--help") == 0) {
				for (size_t j = 0; j < NCMDS; j++)
					if (strcmp(cmds[j].group, c->group) == 0)
						printf("%s\n", cmds[j].usage);
				return argc < 3 ? EXIT_USAGE : EXIT_OK;
			}
			if (strcmp(argv[2], c->name) != 0)
				continue;
			skip = 3;
		}
		struct opts o;
		int rc = parse_opts(cli, argc - skip, argv + skip, c->allowed, &o);
		if (rc != EXIT_OK)
			return rc;
		if (o.help) {
			printf("usage: tiengnoi-admin %s\n", c->usage);
			return EXIT_OK;
		}
		if ((c->flags & CLI_DB) && !cli_connect(cli))
			return EXIT_FAIL;
		return c->run(cli, &o);
	}
	return -1;
}

int
main(int argc, char **argv)
{
	struct cli cli = { 0 };
	if (sodium_init() < 0)
		return cli_fail(EXIT_FAIL, "libsodium failed to start");
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "help") == 0) {
		usage_all(argc < 2 ? stderr : stdout);
		return argc < 2 ? EXIT_USAGE : EXIT_OK;
	}
	char cfg_err[1400];
	if (config_load(cfg_err, sizeof(cfg_err)) != 0)
		return cli_fail(EXIT_FAIL, "%s", cfg_err);
	cli.arena = arena_new();
	int rc = dispatch(&cli, argc, argv);
	if (rc < 0)
		rc = cli_fail(EXIT_USAGE, "unknown command \"%s%s%s\" (try --help)", argv[1], argc >= 3 ? " " : "",
		    argc >= 3 ? argv[2] : "");
	db_close(cli.db);
	arena_free(cli.arena);
	return rc;
}

/* ---- listing rows, one returned row ---- */
int
cli_print_rows(PGresult *res, const char *header)
{
	if (res == NULL)
		return EXIT_FAIL;
	if (header != NULL)
		printf("%s\n", header);
	for (int i = 0; i < PQntuples(res); i++)
		for (int c = 0; c < PQnfields(res); c++)
			printf("%s%c", PQgetvalue(res, i, c), c + 1 < PQnfields(res) ? '\t' : '\n');
	PQclear(res);
	return EXIT_OK;
}

/* The first column of the one row an UPDATE ... RETURNING (or a lookup)
 * gave, copied into the arena; NULL when it gave no row. Clears `res`,
 * which must not be NULL (cli_run already said why it failed). */
char *
cli_returned(struct cli *cli, PGresult *res)
{
	enum { COL_RETURNED };
	char *v = PQntuples(res) == 1 ? arena_strdup(cli->arena, PQgetvalue(res, 0, COL_RETURNED)) : NULL;
	PQclear(res);
	return v;
}

PGresult *
cli_one_row(struct cli *cli, PGresult *res, int *rc, const char *none_fmt, ...)
{
	if (res != NULL && PQntuples(res) == 1)
		return res;
	*rc = res == NULL ? EXIT_FAIL : EXIT_USAGE;
	if (res != NULL) {
		va_list ap;
		va_start(ap, none_fmt);
		say(none_fmt, ap);
		va_end(ap);
	}
	PQclear(res);
	db_rollback(cli->db);
	return NULL;
}

int
cli_print_list(PGresult *res, const char *format, size_t ncols, const int *cols, const char *const *keys,
    const enum cli_col *kinds)
{
	int rc = EXIT_OK;
	if (strcmp(format, "csv") == 0) {
		struct buf b = { 0 };
		for (size_t c = 0; c < ncols; c++) {
			buf_puts(&b, keys[c]);
			buf_puts(&b, c + 1 == ncols ? "\r\n" : ",");
		}
		for (int i = 0; i < PQntuples(res); i++)
			for (size_t c = 0; c < ncols; c++) {
				export_csv_cell(&b, PQgetvalue(res, i, cols[c]), false);
				buf_puts(&b, c + 1 == ncols ? "\r\n" : ",");
			}
		if (b.failed || (b.len && fwrite(b.data, 1, b.len, stdout) != b.len))
			rc = cli_fail(EXIT_FAIL, "cannot write the list");
		buf_free(&b);
		return rc;
	}
	json_t *out = json_array();
	for (int i = 0; out && i < PQntuples(res); i++) {
		json_t *row = json_object();
		for (size_t c = 0; c < ncols; c++) {
			const char *v = PQgetvalue(res, i, cols[c]);
			enum cli_col k = kinds ? kinds[c] : CLI_COL_TEXT;
			json_object_set_new(row, keys[c], k == CLI_COL_INT ? json_integer(atoll(v)) :
			    k == CLI_COL_NULLABLE && *v == '\0' ? json_null() : json_string(v));
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
	return rc;
}

int
cli_list_args(struct cli *cli, struct opts *o, const char **format, const char **unit_path)
{
	const char *unit = cli_opt(o, "unit");
	*format = cli_opt(o, "format") ? cli_opt(o, "format") : "json";
	*unit_path = "";
	if (o->npos > 0)
		return cli_fail(EXIT_USAGE, "a list takes only options (try --help)");
	if (strcmp(*format, "json") != 0 && strcmp(*format, "csv") != 0)
		return cli_fail(EXIT_USAGE, "--format must be json or csv");
	if (unit != NULL && (*unit_path = cli_id_by_code(cli, "SELECT path FROM org_unit WHERE code = $1", "unit (--unit)",
	    unit)) == NULL)
		return EXIT_USAGE;
	return EXIT_OK;
}

int
cli_workplace_find(struct cli *cli, const char *code, const char **id, const char **unit_id)
{
	*id = cli_id_by_code(cli, "SELECT id FROM workplace WHERE code = $1", "workplace (--workplace)", code);
	*unit_id = *id ? cli_id_by_code(cli, "SELECT unit_id FROM workplace WHERE code = $1", "workplace (--workplace)", code) : NULL;
	if (*unit_id == NULL) {
		db_rollback(cli->db);
		return EXIT_USAGE;
	}
	return EXIT_OK;
}
