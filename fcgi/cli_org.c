/* cli_org.c: tiengnoi-admin's union tree commands: units and their hotlines, workplaces and their CSV import, QR codes and posters. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libpq-fe.h>

#include "app.h"
#include "arena.h"
#include "buf.h"
#include "cli.h"
#include "config.h"
#include "db.h"
#include "form.h"
#include "i18n.h"
#include "org.h"
#include "poster.h"
#include "qr.h"
#include "token.h"

/* Ends an INSERT made with cli_run(): 2 for a duplicate or a reference to
 * nothing (usage), 1 for another failure, else says "WHAT CODE added". */
static int
added(PGresult *res, bool usage, const char *what, const char *code)
{
	if (res == NULL)
		return usage ? EXIT_USAGE : EXIT_FAIL;
	PQclear(res);
	printf("%s %s added\n", what, code);
	return EXIT_OK;
}

int
cli_unit_add(struct cli *cli, const char *code, const char *name, const char *parent, const char *kind)
{
	const char *nm;
	char *parent_id = NULL;
	bool usage = false;
	if (!org_code_valid(code))
		return cli_fail(EXIT_USAGE, "--code must be 2-40 characters of A-Z, 0-9, _ or - (got \"%s\")", code);
	if ((nm = cli_text_arg(cli, "--name", name, 300)) == NULL)
		return EXIT_USAGE;
	const char *k[1] = { kind };
	PGresult *res = cli_run(cli, "SELECT 1 FROM unit_kind WHERE code = $1", 1, k, NULL);
	if (res == NULL)
		return EXIT_FAIL;
	bool known = PQntuples(res) == 1;
	PQclear(res);
	if (!known)
		return cli_fail(EXIT_USAGE, "unknown --kind %s (national, province, district, commune, sector, "
		    "industrial_park, public, grassroots, informal)", kind);
	if (parent && (parent_id = cli_id_by_code(cli, "SELECT id FROM org_unit WHERE code = $1", "unit", parent)) == NULL)
		return EXIT_USAGE;
	const char *p[4] = { code, nm, kind, parent_id };
	res = cli_run(cli, "INSERT INTO org_unit (code, name, kind, parent_id) VALUES ($1, $2, $3, $4)", 4, p, &usage);
	return added(res, usage, "unit", code);
}

int
cmd_unit_add(struct cli *cli, struct opts *o)
{
	if (!cli_opt(o, "code") || !cli_opt(o, "name"))
		return cli_fail(EXIT_USAGE, "unit add needs --code and --name (try --help)");
	const char *kind = cli_opt(o, "kind");
	if (kind == NULL)
		kind = cli_opt(o, "parent") ? "grassroots" : "province";
	const char *hotline = cli_opt(o, "hotline");
	if (hotline && *hotline && !org_hotline_valid(hotline))
		return cli_fail(EXIT_USAGE, "--hotline: %s", org_problem_text(ORG_BAD_HOTLINE, LANG_EN));
	int rc = cli_unit_add(cli, cli_opt(o, "code"), cli_opt(o, "name"), cli_opt(o, "parent"), kind);
	return rc == EXIT_OK && hotline ? cli_unit_hotline_set(cli, cli_opt(o, "code"), hotline) : rc;
}

int
cli_workplace_add(struct cli *cli, const char *code, const char *name, const char *unit, const char *tax, const char *address)
{
	const char *nm, *addr = NULL;
	char *unit_id;
	bool usage = false;
	if (!org_code_valid(code))
		return cli_fail(EXIT_USAGE, "--code must be 2-40 characters of A-Z, 0-9, _ or - (got \"%s\")", code);
	if ((nm = cli_text_arg(cli, "--name", name, 300)) == NULL)
		return EXIT_USAGE;
	if (address && (addr = cli_text_arg(cli, "--address", address, 500)) == NULL)
		return EXIT_USAGE;
	if (tax) {
		size_t n = strlen(tax);
		bool ok = n == 10 || (n == 14 && tax[10] == '-');
		for (size_t i = 0; ok && i < n; i++)
			ok = (tax[i] >= '0' && tax[i] <= '9') || i == 10;
		if (!ok)
			return cli_fail(EXIT_USAGE, "--tax-code must be 10 digits, or 10 digits, '-' and 3 digits for a branch");
	}
	if ((unit_id = cli_id_by_code(cli, "SELECT id FROM org_unit WHERE code = $1", "unit", unit)) == NULL)
		return EXIT_USAGE;
	const char *p[5] = { code, nm, unit_id, tax, addr };
	PGresult *res = cli_run(cli, "INSERT INTO workplace (code, name, unit_id, tax_code, address) "
	    "VALUES ($1, $2, $3, $4, $5)", 5, p, &usage);
	return added(res, usage, "workplace", code);
}

int
cmd_workplace_add(struct cli *cli, struct opts *o)
{
	if (!cli_opt(o, "code") || !cli_opt(o, "name") || !cli_opt(o, "unit"))
		return cli_fail(EXIT_USAGE, "workplace add needs --code, --name and --unit (try --help)");
	return cli_workplace_add(cli, cli_opt(o, "code"), cli_opt(o, "name"), cli_opt(o, "unit"), cli_opt(o, "tax-code"), cli_opt(o, "address"));
}

/* ---- QR codes ---- */

/* The URL printed in a QR code, upper-cased whole so it encodes in the QR
 * alphanumeric mode (a smaller code); the app matches tokens in any case. */
static char *
qr_url(struct cli *cli, const char *token, bool upper)
{
	char *u = arena_printf(cli->arena, "%s/q/%s", config_base_url(), token);
	for (char *p = u; upper && *p; p++)
		if (*p >= 'a' && *p <= 'z')
			*p = (char)(*p - 'a' + 'A');
	return u;
}

/* Checks a comma-separated form list against forms/ and returns it as a
 * PostgreSQL array literal; NULL after saying what is wrong. */
static char *
forms_array(struct cli *cli, const char *list)
{
	char err[512];
	struct form_set *set = cli_forms_load(err, sizeof(err));
	if (set == NULL) {
		cli_fail(EXIT_FAIL, "cannot load form definitions: %s", err);
		return NULL;
	}
	struct buf b = { 0 };
	buf_putc(&b, '{');
	if (list == NULL) {
		/* every form, the general concern first */
		const struct form *c = form_find(set, "concern");
		if (c)
			buf_puts(&b, "concern");
		for (size_t i = 0; i < set->n; i++) {
			if (&set->forms[i] == c)
				continue;
			if (b.len > 1)
				buf_putc(&b, ',');
			buf_puts(&b, set->forms[i].id);
		}
	} else {
		char *copy = arena_strdup(cli->arena, list), *save = NULL;
		for (char *id = strtok_r(copy, ",", &save); id; id = strtok_r(NULL, ",", &save)) {
			if (form_find(set, id) == NULL) {
				cli_fail(EXIT_USAGE, "unknown form \"%s\" in --forms", id);
				form_set_free(set);
				buf_free(&b);
				return NULL;
			}
			if (b.len > 1)
				buf_putc(&b, ',');
			buf_puts(&b, id);
		}
	}
	buf_putc(&b, '}');
	form_set_free(set);
	char *s = b.len > 2 ? arena_strdup(cli->arena, b.data) : NULL;
	buf_free(&b);
	if (s == NULL)
		cli_fail(EXIT_USAGE, "--forms lists no form");
	return s;
}

int
cli_qr_create(struct cli *cli, const char *workplace, const char *label, const char *forms)
{
	char token[TOKEN_LEN + 1];
	char *wid, *arr;
	const char *lbl = "";
	if (label && (lbl = cli_text_arg(cli, "--label", label, 200)) == NULL)
		return EXIT_USAGE;
	if ((arr = forms_array(cli, forms)) == NULL)
		return EXIT_USAGE;
	if ((wid = cli_id_by_code(cli, "SELECT id FROM workplace WHERE code = $1", "workplace", workplace)) == NULL)
		return EXIT_USAGE;
	for (int attempt = 0; attempt < 5; attempt++) {
		token_random(token, TOKEN_LEN);
		const char *p[4] = { token, wid, lbl, arr };
		PGresult *res = db_query(cli->db, "INSERT INTO entry_point (token, workplace_id, label, forms) "
		    "VALUES ($1, $2, $3, $4::text[]) ON CONFLICT (token) DO NOTHING RETURNING id", 4, p);
		if (res == NULL || !db_ok(res)) {
			cli_fail(EXIT_FAIL, "database error: %s", res ? PQresultErrorMessage(res) : db_error(cli->db));
			PQclear(res);
			return EXIT_FAIL;
		}
		bool stored = PQntuples(res) == 1;
		PQclear(res);
		if (stored) {
			printf("%s\n", qr_url(cli, token, false));
			return EXIT_OK;
		}
	}
	return cli_fail(EXIT_FAIL, "could not find a free token");
}

int
cmd_qr_create(struct cli *cli, struct opts *o)
{
	if (!cli_opt(o, "workplace"))
		return cli_fail(EXIT_USAGE, "qr create needs --workplace CODE (try --help)");
	return cli_qr_create(cli, cli_opt(o, "workplace"), cli_opt(o, "label"), cli_opt(o, "forms"));
}

int
cmd_qr_list(struct cli *cli, struct opts *o)
{
	(void)o;
	enum { QR_TOKEN, QR_WORKPLACE, QR_LABEL };
	PGresult *res = cli_run(cli, "SELECT e.token, w.name, e.label FROM entry_point e "
	    "JOIN workplace w ON w.id = e.workplace_id WHERE e.revoked_at IS NULL ORDER BY e.id", 0, NULL, NULL);
	if (res == NULL)
		return EXIT_FAIL;
	for (int i = 0; i < PQntuples(res); i++)
		printf("%s\t%s%s%s\n", qr_url(cli, PQgetvalue(res, i, QR_TOKEN), false),
		    PQgetvalue(res, i, QR_WORKPLACE), *PQgetvalue(res, i, QR_LABEL) ? " — " : "", PQgetvalue(res, i, QR_LABEL));
	PQclear(res);
	return EXIT_OK;
}

/* The token named on the command line, if it is an active entry point. */
static char *
known_token(struct cli *cli, const struct opts *o)
{
	if (o->npos != 1) {
		cli_fail(EXIT_USAGE, "give one TOKEN (try --help)");
		return NULL;
	}
	char *t = arena_strdup(cli->arena, o->positional[0]);
	if (!token_normalize(t)) {
		cli_fail(EXIT_USAGE, "\"%s\" is not a QR token", o->positional[0]);
		return NULL;
	}
	const char *p[1] = { t };
	PGresult *res = cli_run(cli, "SELECT 1 FROM entry_point WHERE token = $1 AND revoked_at IS NULL", 1, p, NULL);
	bool found = res && PQntuples(res) == 1;
	PQclear(res);
	if (!found) {
		cli_fail(EXIT_USAGE, "no active QR code with token %s", t);
		return NULL;
	}
	return t;
}

int
cmd_qr_png(struct cli *cli, struct opts *o)
{
	char *t = known_token(cli, o);
	unsigned char *png;
	size_t len;
	if (t == NULL)
		return EXIT_USAGE;
	if (qr_png(qr_url(cli, t, true), &png, &len, 0) != 0)
		return cli_fail(EXIT_FAIL, "could not render the QR code");
	bool ok = fwrite(png, 1, len, stdout) == len && fflush(stdout) == 0;
	free(png);
	return ok ? EXIT_OK : cli_fail(EXIT_FAIL, "write failed: %s", strerror(errno));
}

int
cmd_qr_svg(struct cli *cli, struct opts *o)
{
	char *t = known_token(cli, o);
	if (t == NULL)
		return EXIT_USAGE;
	char *svg = qr_svg(qr_url(cli, t, true), "5cm");
	if (svg == NULL)
		return cli_fail(EXIT_FAIL, "could not render the QR code");
	fputs(svg, stdout);
	free(svg);
	return EXIT_OK;
}

/* ---- hotlines, workplace import, posters ---- */
/* unit reply-days --unit CODE --days N|inherit: the unit's time to send a
 * first reply (sql/039), in working days 1-60, or its parent's. Exit 2
 * naming the argument for a bad value or an unknown unit. */
int
cmd_unit_reply_days(struct cli *cli, struct opts *o)
{
	const char *code = cli_opt(o, "unit"), *days = cli_opt(o, "days");
	if (code == NULL || days == NULL)
		return cli_fail(EXIT_USAGE, "unit reply-days needs --unit and --days (a number 1-60, or inherit; try --help)");
	bool inherit = strcmp(days, "inherit") == 0;
	if (!inherit && (strspn(days, "0123456789") != strlen(days) || strlen(days) == 0 || strlen(days) > 2 ||
	    atoi(days) < 1 || atoi(days) > 60))
		return cli_fail(EXIT_USAGE, "--days must be a whole number of working days from 1 to 60, or inherit (got \"%s\")", days);
	if (!org_code_valid(code))
		return cli_fail(EXIT_USAGE, "--unit: no unit with code %s", code);
	enum { COL_ID };
	const char *p[2] = { code, inherit ? "" : days };
	PGresult *res = cli_run(cli, "UPDATE org_unit SET reply_days = nullif($2, '')::integer WHERE code = $1 RETURNING id",
	    2, p, NULL);
	if (res == NULL)
		return EXIT_FAIL;
	const char *id = PQntuples(res) == 1 ? arena_strdup(cli->arena, PQgetvalue(res, 0, COL_ID)) : NULL;
	PQclear(res);
	if (id == NULL)
		return cli_fail(EXIT_USAGE, "--unit: no unit with code %s", code);
	/* what now applies, read after the change (a statement does not see its own update) */
	enum { COL_DAYS, COL_FROM };
	const char *q[1] = { id };
	if ((res = cli_run(cli, "SELECT days, from_unit FROM unit_reply_days($1::bigint)", 1, q, NULL)) == NULL)
		return EXIT_FAIL;
	printf("reply time of %s: %s working days (%s)\n", code, PQgetvalue(res, 0, COL_DAYS),
	    *PQgetvalue(res, 0, COL_FROM) ? PQgetvalue(res, 0, COL_FROM) : "default");
	PQclear(res);
	cli_audit(cli, "unit.update", arena_printf(cli->arena, "unit:%s", id),
	    inherit ? "reply days inherited" : arena_printf(cli->arena, "reply days %s", days), id);
	return EXIT_OK;
}


/* Sets (or with "" removes) the hotline posters print for a unit. */
int
cli_unit_hotline_set(struct cli *cli, const char *code, const char *hotline)
{
	if (*hotline && !org_hotline_valid(hotline))
		return cli_fail(EXIT_USAGE, "--hotline: %s", org_problem_text(ORG_BAD_HOTLINE, LANG_EN));
	enum { COL_ID };
	const char *p[2] = { code, hotline };
	PGresult *res = cli_run(cli, "UPDATE org_unit SET hotline = nullif($2, '') WHERE code = $1 RETURNING id", 2, p, NULL);
	if (res == NULL)
		return EXIT_FAIL;
	char *unit_id = PQntuples(res) == 1 ? arena_strdup(cli->arena, PQgetvalue(res, 0, COL_ID)) : NULL;
	PQclear(res);
	if (unit_id == NULL)
		return cli_fail(EXIT_USAGE, "no unit with code %s", code);
	cli_audit(cli, "unit.update", arena_printf(cli->arena, "unit:%s", unit_id), *hotline ? "hotline set" : "hotline removed", unit_id);
	return EXIT_OK;
}

int
cmd_unit_hotline(struct cli *cli, struct opts *o)
{
	if (!cli_opt(o, "code") || !cli_opt(o, "hotline"))
		return cli_fail(EXIT_USAGE, "unit hotline needs --code and --hotline (\"\" removes it; try --help)");
	int rc = cli_unit_hotline_set(cli, cli_opt(o, "code"), cli_opt(o, "hotline"));
	if (rc == EXIT_OK)
		printf("hotline of %s %s\n", cli_opt(o, "code"), *cli_opt(o, "hotline") ? "set" : "removed");
	return rc;
}

/* Reads a whole file (or stdin for "-") into the arena, keeping NUL
 * bytes; NULL (errno EFBIG past max) when it cannot. */
char *
cli_read_all(struct cli *cli, const char *path, size_t max, size_t *len)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	if (f == NULL)
		return NULL;
	struct buf b = { 0 };
	char chunk[8192];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0 && b.len <= max)
		buf_append(&b, chunk, n);
	bool bad = ferror(f) || b.failed || b.len > max;
	if (f != stdin)
		fclose(f);
	char *s = bad ? NULL : arena_strndup(cli->arena, b.data ? b.data : "", b.len);
	*len = bad ? 0 : b.len;
	buf_free(&b);
	if (bad)
		errno = EFBIG;
	return s;
}

/* Imports workplaces from CSV with the console's rules (org.c): every bad
 * line is listed and nothing is stored, else all are, in one statement. */
int
cmd_workplace_import(struct cli *cli, struct opts *o)
{
	if (o->npos != 1)
		return cli_fail(EXIT_USAGE, "give one FILE.csv, or - for standard input (try --help)");
	const char *path = o->positional[0];
	size_t len;
	char *csv = cli_read_all(cli, path, 16u << 20, &len);
	if (csv == NULL)
		return cli_fail(EXIT_USAGE, "cannot read %s: %s", path, errno == EFBIG ? "larger than 16 MB" : strerror(errno));
	struct org_import im;
	if (org_import_check(cli->arena, cli->db, csv, len, "", &im) != 0)
		return cli_db_failed(cli);
	if (im.nerrors > 0) {
		for (size_t i = 0; i < im.nerrors; i++) {
			const struct org_error *e = &im.errors[i];
			const char *where = e->line > 0 ? arena_printf(cli->arena, "%s: line %ld", path, e->line) : path;
			cli_note("%s: %s%s%s%s", where, org_problem_text(e->why, LANG_EN), e->detail ? " (" : "",
			    e->detail ? e->detail : "", e->detail ? ")" : "");
		}
		return cli_fail(EXIT_USAGE, "%zu problem(s) in %s: nothing imported", im.nerrors, path);
	}
	char state[8];
	long n = org_import_store(cli->db, &im, state, sizeof(state));
	if (n < 0)
		return cli_fail(strncmp(state, "23", 2) == 0 ? EXIT_USAGE : EXIT_FAIL,
		    "nothing imported: the database refused the rows (SQLSTATE %s): %s", state, db_error(cli->db));
	cli_audit(cli, "workplace.import", "", org_import_summary(cli->arena, &im, n), NULL);
	printf("%ld workplace(s) imported from %s\n", n, path);
	return EXIT_OK;
}

/* Prints the A4 posters of one QR code (TOKEN) or of every active one
 * under a unit (--unit CODE), the same document the console prints. */
int
cmd_qr_poster(struct cli *cli, struct opts *o)
{
	const char *unit = cli_opt(o, "unit");
	char *unit_id = NULL, *entry_id = NULL;
	if ((unit == NULL) == (o->npos == 0))
		return cli_fail(EXIT_USAGE, "give --unit CODE or one TOKEN (try --help)");
	char err[512];
	struct form_set *set = cli_forms_load(err, sizeof(err));
	if (set == NULL)
		return cli_fail(EXIT_FAIL, "cannot load form definitions: %s", err);
	int rc = EXIT_OK;
	if (unit) {
		if ((unit_id = cli_id_by_code(cli, "SELECT id FROM org_unit WHERE code = $1", "unit", unit)) == NULL)
			rc = EXIT_USAGE;
	} else {
		char *t = known_token(cli, o);
		if (t == NULL)
			rc = EXIT_USAGE;
		else if ((entry_id = cli_id_by_code(cli, "SELECT id FROM entry_point WHERE token = $1", "QR code", t)) == NULL)
			rc = EXIT_USAGE;
	}
	if (rc != EXIT_OK) {
		form_set_free(set);
		return rc;
	}
	const char *base = config_base_url();
	struct poster_opts po = { base, set, "", entry_id, unit_id,
	    arena_printf(cli->arena, "%.*s/static/" STATIC_VERSION "/poster.css", (int)(strlen(base) - (base[0] && base[strlen(base) - 1] == '/')), base), NULL };
	struct buf out = { 0 };
	long n = poster_document(&out, cli->arena, cli->db, &po);
	form_set_free(set);
	if (n < 0 || out.failed)
		rc = cli_fail(EXIT_FAIL, "could not make the posters: %s", db_error(cli->db));
	else if (n == 0)
		rc = cli_fail(EXIT_USAGE, "no active QR code under unit %s", unit ? unit : "?");
	else if (fwrite(out.data, 1, out.len, stdout) != out.len || fflush(stdout) != 0)
		rc = cli_fail(EXIT_FAIL, "write failed: %s", strerror(errno));
	buf_free(&out);
	return rc;
}
