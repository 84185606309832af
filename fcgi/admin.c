/* admin.c: tiengnoi-admin, the command line for keys, migrations, units, workplaces and QR codes. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <libpq-fe.h>
#include <sodium.h>

#include "app.h"
#include "arena.h"
#include "auth.h"
#include "brief.h"
#include "buf.h"
#include "calendar.h"
#include "config.h"
#include "db.h"
#include "dossier.h"
#include "export.h"
#include "form.h"
#include "i18n.h"
#include "org.h"
#include "poster.h"
#include "privacy.h"
#include "qr.h"
#include "stats.h"
#include "text.h"
#include "token.h"

enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2 };

#define OPTS_MAX 8

/* One subcommand's parsed --options. */
struct opts {
	const char *names[OPTS_MAX];
	const char *values[OPTS_MAX];
	size_t n;
	const char *positional[4];
	size_t npos;
	bool help;
};

struct cmd {
	const char *group;
	const char *name;
	int (*run)(struct opts *);
	const char *allowed;   /* space-separated option names */
	const char *usage;
};

static struct arena *arena;
static struct db *db;

static int
fail(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int
fail(int code, const char *fmt, ...)
{
	va_list ap;
	fputs("tiengnoi-admin: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return code;
}

static const char *
opt(const struct opts *o, const char *name)
{
	for (size_t i = 0; i < o->n; i++)
		if (strcmp(o->names[i], name) == 0)
			return o->values[i];
	return NULL;
}

/* Parses "--name value", "--name=value", "--help" and positionals, refusing
 * options the subcommand does not know. */
static int
parse_opts(int argc, char **argv, const char *allowed, struct opts *o)
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
				return fail(EXIT_USAGE, "too many arguments: %s", a);
			o->positional[o->npos++] = a;
			continue;
		}
		const char *eq = strchr(a, '=');
		char *name = arena_strndup(arena, a + 2, eq ? (size_t)(eq - a - 2) : strlen(a + 2));
		char pat[64], flag[64];
		snprintf(pat, sizeof(pat), " %s ", name);
		snprintf(flag, sizeof(flag), " %s? ", name);   /* "name?" in allowed: a flag without a value */
		char *allow = arena_printf(arena, " %s ", allowed);
		bool is_flag = strstr(allow, flag) != NULL;
		if (strstr(allow, pat) == NULL && !is_flag)
			return fail(EXIT_USAGE, "unknown option --%s (try --help)", name);
		if (is_flag && eq)
			return fail(EXIT_USAGE, "--%s takes no value", name);
		const char *val = is_flag ? "1" : eq ? eq + 1 : (i + 1 < argc ? argv[++i] : NULL);
		if (val == NULL)
			return fail(EXIT_USAGE, "--%s needs a value", name);
		if (o->n == OPTS_MAX)
			return fail(EXIT_USAGE, "too many options");
		o->names[o->n] = name;
		o->values[o->n++] = val;
	}
	return EXIT_OK;
}

/* Checks a text argument (valid UTF-8, no control characters, not empty,
 * at most max characters) and returns its NFC form, or NULL after saying why. */
static const char *
text_arg(const char *what, const char *v, size_t max)
{
	if (!text_valid_utf8(v, strlen(v))) {
		fail(EXIT_USAGE, "%s is not valid UTF-8 text", what);
		return NULL;
	}
	if (text_has_controls(v, strlen(v))) {
		fail(EXIT_USAGE, "%s contains control characters", what);
		return NULL;
	}
	char *t = text_trim(text_nfc(arena, v, strlen(v)));
	if (*t == '\0' || text_length(t) > max) {
		fail(EXIT_USAGE, "%s must be 1 to %zu characters", what, max);
		return NULL;
	}
	return t;
}

static bool
valid_code(const char *c)
{
	size_t n = strlen(c);
	if (n < 2 || n > 40)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((c[i] >= 'A' && c[i] <= 'Z') || (c[i] >= '0' && c[i] <= '9') ||
		    (i > 0 && (c[i] == '_' || c[i] == '-'))))
			return false;
	return true;
}

static bool
db_connect(bool quiet)
{
	if (db == NULL)
		db = db_open(config_conninfo(true), false);
	if (db != NULL && db_ready(db))
		return true;
	if (!quiet)
		fail(EXIT_FAIL, "cannot reach the database (%s): %s", config_conninfo(true),
		    db ? db_error(db) : "out of memory");
	return false;
}

/* Runs a statement; on failure prints why and returns NULL. A unique or
 * foreign-key violation sets *usage so the caller exits 2. */
static PGresult *
run(const char *sql_literal, int n, const char *const *values, bool *usage)
{
	PGresult *res = db_query(db, sql_literal, n, values);
	if (res != NULL && db_ok(res))
		return res;
	const char *state = db_sqlstate(res);
	if (usage)
		*usage = strncmp(state, "23", 2) == 0;
	if (strcmp(state, "23505") == 0)
		fail(EXIT_USAGE, "already exists: %s", PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL) ?
		    PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL) : PQresultErrorMessage(res));
	else
		fail(EXIT_FAIL, "database error: %s", res ? PQresultErrorMessage(res) : db_error(db));
	PQclear(res);
	return NULL;
}

/* Records what the CLI changed in the audit chain (no officer: the
 * operator at the console). */
static void
audit_cli(const char *action, const char *object, const char *detail, const char *unit_id)
{
	const char *p[4] = { unit_id, action, object, detail };
	PGresult *res = run("INSERT INTO audit_log (officer_id, unit_id, action, object, detail) "
	    "VALUES (NULL, $1, $2, $3, 'cli: ' || $4)", 4, p, NULL);
	PQclear(res);
}

/* Looks up the id of a row by code with a literal query; NULL after saying
 * so when there is none. */
static char *
id_by_code(const char *sql_literal, const char *what, const char *code)
{
	const char *p[1] = { code };
	PGresult *res = run(sql_literal, 1, p, NULL);
	char *id = NULL;
	if (res == NULL)
		return NULL;
	if (PQntuples(res) == 1)
		id = arena_strdup(arena, PQgetvalue(res, 0, 0));
	else
		fail(EXIT_USAGE, "no %s with code %s", what, code);
	PQclear(res);
	return id;
}

/* ---- keys ---- */

static int
cmd_keys_init(struct opts *o)
{
	(void)o;
	char dir[1100];
	snprintf(dir, sizeof(dir), "%s/secrets", config_var_dir());
	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		return fail(EXIT_FAIL, "cannot create %s: %s", dir, strerror(errno));
	int rc = keys_create_file(config_key_path());
	if (rc < 0)
		return fail(EXIT_FAIL, "cannot create %s: %s", config_key_path(), strerror(errno));
	printf("%s %s\n", rc == 0 ? "created" : "kept", config_key_path());
	rc = keys_create_contact(config_contact_path(false), config_contact_path(true));
	if (rc < 0)
		return fail(EXIT_FAIL, "cannot create the contact key pair %s, %s: %s", config_contact_path(false),
		    config_contact_path(true), errno == EEXIST ? "only one half exists; restore the other from backup" : strerror(errno));
	printf("%s %s\n", rc == 0 ? "created" : "kept", config_contact_path(true));
	return EXIT_OK;
}

/* ---- migrate ---- */

static int
cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *
read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return NULL;
	struct buf b = { 0 };
	char chunk[8192];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_append(&b, chunk, n);
	fclose(f);
	char *s = arena_strndup(arena, b.data ? b.data : "", b.len);
	buf_free(&b);
	return s;
}

/* Applies sql/NNN_*.sql files not yet recorded, each in one transaction
 * together with its record, in name order. */
static int
cmd_migrate(struct opts *o)
{
	(void)o;
	const char *dir = getenv("TIENGNOI_SQL_DIR") ? getenv("TIENGNOI_SQL_DIR") : "sql";
	char *names[256];
	size_t n = 0;
	int applied = 0;
	if (!db_connect(false))
		return EXIT_FAIL;
	PGresult *res = run("CREATE TABLE IF NOT EXISTS schema_migration ("
	    "name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())", 0, NULL, NULL);
	if (res == NULL)
		return EXIT_FAIL;
	PQclear(res);
	DIR *d = opendir(dir);
	if (d == NULL)
		return fail(EXIT_FAIL, "cannot open %s: %s", dir, strerror(errno));
	struct dirent *de;
	while ((de = readdir(d)) != NULL && n < 256) {
		size_t len = strlen(de->d_name);
		if (len > 8 && de->d_name[0] >= '0' && de->d_name[0] <= '9' && strcmp(de->d_name + len - 4, ".sql") == 0)
			names[n++] = arena_strdup(arena, de->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(names[0]), cmp_name);
	for (size_t i = 0; i < n; i++) {
		const char *p[1] = { names[i] };
		res = run("SELECT 1 FROM schema_migration WHERE name = $1", 1, p, NULL);
		if (res == NULL)
			return EXIT_FAIL;
		bool done = PQntuples(res) > 0;
		PQclear(res);
		if (done)
			continue;
		char *sql = read_file(arena_printf(arena, "%s/%s", dir, names[i]));
		if (sql == NULL)
			return fail(EXIT_FAIL, "cannot read %s/%s", dir, names[i]);
		if (db_exec_script(db, "BEGIN") != 0 || db_exec_script(db, sql) != 0) {
			char why[300];
			snprintf(why, sizeof(why), "%s", db_error(db));
			db_exec_script(db, "ROLLBACK");
			return fail(EXIT_FAIL, "migration %s failed, nothing of it applied: %s", names[i], why);
		}
		res = run("INSERT INTO schema_migration (name) VALUES ($1)", 1, p, NULL);
		if (res == NULL) {
			db_exec_script(db, "ROLLBACK");
			return EXIT_FAIL;
		}
		PQclear(res);
		if (db_exec_script(db, "COMMIT") != 0)
			return fail(EXIT_FAIL, "migration %s failed at commit: %s", names[i], db_error(db));
		printf("applied %s\n", names[i]);
		applied++;
	}
	printf("database is up to date (%d applied now)\n", applied);
	return EXIT_OK;
}

/* ---- units and workplaces ---- */

static int
unit_add(const char *code, const char *name, const char *parent, const char *kind)
{
	const char *nm;
	char *parent_id = NULL;
	bool usage = false;
	if (!valid_code(code))
		return fail(EXIT_USAGE, "--code must be 2-40 characters of A-Z, 0-9, _ or - (got \"%s\")", code);
	if ((nm = text_arg("--name", name, 300)) == NULL)
		return EXIT_USAGE;
	if (!db_connect(false))
		return EXIT_FAIL;
	const char *k[1] = { kind };
	PGresult *res = run("SELECT 1 FROM unit_kind WHERE code = $1", 1, k, NULL);
	if (res == NULL)
		return EXIT_FAIL;
	bool known = PQntuples(res) == 1;
	PQclear(res);
	if (!known)
		return fail(EXIT_USAGE, "unknown --kind %s (national, province, district, commune, sector, "
		    "industrial_park, public, grassroots, informal)", kind);
	if (parent && (parent_id = id_by_code("SELECT id FROM org_unit WHERE code = $1", "unit", parent)) == NULL)
		return EXIT_USAGE;
	const char *p[4] = { code, nm, kind, parent_id };
	res = run("INSERT INTO org_unit (code, name, kind, parent_id) VALUES ($1, $2, $3, $4)", 4, p, &usage);
	if (res == NULL)
		return usage ? EXIT_USAGE : EXIT_FAIL;
	PQclear(res);
	printf("unit %s added\n", code);
	return EXIT_OK;
}

static int unit_hotline_set(const char *code, const char *hotline);

static int
cmd_unit_add(struct opts *o)
{
	if (!opt(o, "code") || !opt(o, "name"))
		return fail(EXIT_USAGE, "unit add needs --code and --name (try --help)");
	const char *kind = opt(o, "kind");
	if (kind == NULL)
		kind = opt(o, "parent") ? "grassroots" : "province";
	const char *hotline = opt(o, "hotline");
	if (hotline && *hotline && !org_hotline_valid(hotline))
		return fail(EXIT_USAGE, "--hotline: %s", org_problem_text(ORG_BAD_HOTLINE, LANG_EN));
	int rc = unit_add(opt(o, "code"), opt(o, "name"), opt(o, "parent"), kind);
	return rc == EXIT_OK && hotline ? unit_hotline_set(opt(o, "code"), hotline) : rc;
}

static int
workplace_add(const char *code, const char *name, const char *unit, const char *tax, const char *address)
{
	const char *nm, *addr = NULL;
	char *unit_id;
	bool usage = false;
	if (!valid_code(code))
		return fail(EXIT_USAGE, "--code must be 2-40 characters of A-Z, 0-9, _ or - (got \"%s\")", code);
	if ((nm = text_arg("--name", name, 300)) == NULL)
		return EXIT_USAGE;
	if (address && (addr = text_arg("--address", address, 500)) == NULL)
		return EXIT_USAGE;
	if (tax) {
		size_t n = strlen(tax);
		bool ok = n == 10 || (n == 14 && tax[10] == '-');
		for (size_t i = 0; ok && i < n; i++)
			ok = (tax[i] >= '0' && tax[i] <= '9') || i == 10;
		if (!ok)
			return fail(EXIT_USAGE, "--tax-code must be 10 digits, or 10 digits, '-' and 3 digits for a branch");
	}
	if (!db_connect(false))
		return EXIT_FAIL;
	if ((unit_id = id_by_code("SELECT id FROM org_unit WHERE code = $1", "unit", unit)) == NULL)
		return EXIT_USAGE;
	const char *p[5] = { code, nm, unit_id, tax, addr };
	PGresult *res = run("INSERT INTO workplace (code, name, unit_id, tax_code, address) "
	    "VALUES ($1, $2, $3, $4, $5)", 5, p, &usage);
	if (res == NULL)
		return usage ? EXIT_USAGE : EXIT_FAIL;
	PQclear(res);
	printf("workplace %s added\n", code);
	return EXIT_OK;
}

static int
cmd_workplace_add(struct opts *o)
{
	if (!opt(o, "code") || !opt(o, "name") || !opt(o, "unit"))
		return fail(EXIT_USAGE, "workplace add needs --code, --name and --unit (try --help)");
	return workplace_add(opt(o, "code"), opt(o, "name"), opt(o, "unit"), opt(o, "tax-code"), opt(o, "address"));
}

/* ---- QR codes ---- */

/* The URL printed in a QR code, upper-cased whole so it encodes in the QR
 * alphanumeric mode (a smaller code); the app matches tokens in any case. */
static char *
qr_url(const char *token, bool upper)
{
	char *u = arena_printf(arena, "%s/q/%s", config_base_url(), token);
	for (char *p = u; upper && *p; p++)
		if (*p >= 'a' && *p <= 'z')
			*p = (char)(*p - 'a' + 'A');
	return u;
}

/* Checks a comma-separated form list against forms/ and returns it as a
 * PostgreSQL array literal; NULL after saying what is wrong. */
static char *
forms_array(const char *list)
{
	char err[512];
	struct form_set *set = form_set_load(getenv("TIENGNOI_FORMS_DIR") ? getenv("TIENGNOI_FORMS_DIR") : "forms",
	    err, sizeof(err));
	if (set == NULL) {
		fail(EXIT_FAIL, "cannot load form definitions: %s", err);
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
		char *copy = arena_strdup(arena, list), *save = NULL;
		for (char *id = strtok_r(copy, ",", &save); id; id = strtok_r(NULL, ",", &save)) {
			if (form_find(set, id) == NULL) {
				fail(EXIT_USAGE, "unknown form \"%s\" in --forms", id);
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
	char *s = b.len > 2 ? arena_strdup(arena, b.data) : NULL;
	buf_free(&b);
	if (s == NULL)
		fail(EXIT_USAGE, "--forms lists no form");
	return s;
}

static int
qr_create(const char *workplace, const char *label, const char *forms)
{
	char token[TOKEN_LEN + 1];
	char *wid, *arr;
	const char *lbl = "";
	if (label && (lbl = text_arg("--label", label, 200)) == NULL)
		return EXIT_USAGE;
	if ((arr = forms_array(forms)) == NULL)
		return EXIT_USAGE;
	if (!db_connect(false))
		return EXIT_FAIL;
	if ((wid = id_by_code("SELECT id FROM workplace WHERE code = $1", "workplace", workplace)) == NULL)
		return EXIT_USAGE;
	for (int attempt = 0; attempt < 5; attempt++) {
		token_random(token, TOKEN_LEN);
		const char *p[4] = { token, wid, lbl, arr };
		PGresult *res = db_query(db, "INSERT INTO entry_point (token, workplace_id, label, forms) "
		    "VALUES ($1, $2, $3, $4::text[]) ON CONFLICT (token) DO NOTHING RETURNING id", 4, p);
		if (res == NULL || !db_ok(res)) {
			fail(EXIT_FAIL, "database error: %s", res ? PQresultErrorMessage(res) : db_error(db));
			PQclear(res);
			return EXIT_FAIL;
		}
		bool stored = PQntuples(res) == 1;
		PQclear(res);
		if (stored) {
			printf("%s\n", qr_url(token, false));
			return EXIT_OK;
		}
	}
	return fail(EXIT_FAIL, "could not find a free token");
}

static int
cmd_qr_create(struct opts *o)
{
	if (!opt(o, "workplace"))
		return fail(EXIT_USAGE, "qr create needs --workplace CODE (try --help)");
	return qr_create(opt(o, "workplace"), opt(o, "label"), opt(o, "forms"));
}

static int
cmd_qr_list(struct opts *o)
{
	(void)o;
	if (!db_connect(false))
		return EXIT_FAIL;
	PGresult *res = run("SELECT e.token, w.name, e.label FROM entry_point e "
	    "JOIN workplace w ON w.id = e.workplace_id WHERE e.revoked_at IS NULL ORDER BY e.id", 0, NULL, NULL);
	if (res == NULL)
		return EXIT_FAIL;
	for (int i = 0; i < PQntuples(res); i++)
		printf("%s\t%s%s%s\n", qr_url(PQgetvalue(res, i, 0), false), PQgetvalue(res, i, 1),
		    *PQgetvalue(res, i, 2) ? " — " : "", PQgetvalue(res, i, 2));
	PQclear(res);
	return EXIT_OK;
}

/* The token named on the command line, if it is an active entry point. */
static char *
known_token(const struct opts *o)
{
	if (o->npos != 1) {
		fail(EXIT_USAGE, "give one TOKEN (try --help)");
		return NULL;
	}
	char *t = arena_strdup(arena, o->positional[0]);
	if (!token_normalize(t)) {
		fail(EXIT_USAGE, "\"%s\" is not a QR token", o->positional[0]);
		return NULL;
	}
	if (!db_connect(false))
		return NULL;
	const char *p[1] = { t };
	PGresult *res = run("SELECT 1 FROM entry_point WHERE token = $1 AND revoked_at IS NULL", 1, p, NULL);
	bool found = res && PQntuples(res) == 1;
	PQclear(res);
	if (!found) {
		fail(EXIT_USAGE, "no active QR code with token %s", t);
		return NULL;
	}
	return t;
}

static int
cmd_qr_png(struct opts *o)
{
	char *t = known_token(o);
	unsigned char *png;
	size_t len;
	if (t == NULL)
		return EXIT_USAGE;
	if (qr_png(qr_url(t, true), &png, &len, 0) != 0)
		return fail(EXIT_FAIL, "could not render the QR code");
	bool ok = fwrite(png, 1, len, stdout) == len && fflush(stdout) == 0;
	free(png);
	return ok ? EXIT_OK : fail(EXIT_FAIL, "write failed: %s", strerror(errno));
}

static int
cmd_qr_svg(struct opts *o)
{
	char *t = known_token(o);
	if (t == NULL)
		return EXIT_USAGE;
	char *svg = qr_svg(qr_url(t, true), "5cm");
	if (svg == NULL)
		return fail(EXIT_FAIL, "could not render the QR code");
	fputs(svg, stdout);
	free(svg);
	return EXIT_OK;
}

/* ---- hotlines, workplace import, posters ---- */

/* Sets (or with "" removes) the hotline posters print for a unit. */
static int
unit_hotline_set(const char *code, const char *hotline)
{
	if (*hotline && !org_hotline_valid(hotline))
		return fail(EXIT_USAGE, "--hotline: %s", org_problem_text(ORG_BAD_HOTLINE, LANG_EN));
	if (!db_connect(false))
		return EXIT_FAIL;
	const char *p[2] = { code, hotline };
	PGresult *res = run("UPDATE org_unit SET hotline = nullif($2, '') WHERE code = $1 RETURNING id", 2, p, NULL);
	if (res == NULL)
		return EXIT_FAIL;
	char *unit_id = PQntuples(res) == 1 ? arena_strdup(arena, PQgetvalue(res, 0, 0)) : NULL;
	PQclear(res);
	if (unit_id == NULL)
		return fail(EXIT_USAGE, "no unit with code %s", code);
	audit_cli("unit.update", arena_printf(arena, "unit:%s", unit_id), *hotline ? "hotline set" : "hotline removed", unit_id);
	return EXIT_OK;
}

static int
cmd_unit_hotline(struct opts *o)
{
	if (!opt(o, "code") || !opt(o, "hotline"))
		return fail(EXIT_USAGE, "unit hotline needs --code and --hotline (\"\" removes it; try --help)");
	int rc = unit_hotline_set(opt(o, "code"), opt(o, "hotline"));
	if (rc == EXIT_OK)
		printf("hotline of %s %s\n", opt(o, "code"), *opt(o, "hotline") ? "set" : "removed");
	return rc;
}

/* Reads a whole file (or stdin for "-") into the arena, keeping NUL bytes. */
static char *
read_all(const char *path, size_t max, size_t *len)
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
	char *s = bad ? NULL : arena_strndup(arena, b.data ? b.data : "", b.len);
	*len = bad ? 0 : b.len;
	buf_free(&b);
	if (bad)
		errno = EFBIG;
	return s;
}

/* Imports workplaces from CSV with the console's rules (org.c): every bad
 * line is listed and nothing is stored, else all are, in one statement. */
static int
cmd_workplace_import(struct opts *o)
{
	if (o->npos != 1)
		return fail(EXIT_USAGE, "give one FILE.csv, or - for standard input (try --help)");
	const char *path = o->positional[0];
	size_t len;
	char *csv = read_all(path, 16u << 20, &len);
	if (csv == NULL)
		return fail(EXIT_USAGE, "cannot read %s: %s", path, errno == EFBIG ? "larger than 16 MB" : strerror(errno));
	if (!db_connect(false))
		return EXIT_FAIL;
	struct org_import im;
	if (org_import_check(arena, db, csv, len, "", &im) != 0)
		return fail(EXIT_FAIL, "database error: %s", db_error(db));
	if (im.nerrors > 0) {
		for (size_t i = 0; i < im.nerrors; i++) {
			const struct org_error *e = &im.errors[i];
			if (e->line > 0)
				fprintf(stderr, "%s: line %ld: ", path, e->line);
			else
				fprintf(stderr, "%s: ", path);
			fprintf(stderr, "%s%s%s%s\n", org_problem_text(e->why, LANG_EN), e->detail ? " (" : "",
			    e->detail ? e->detail : "", e->detail ? ")" : "");
		}
		return fail(EXIT_USAGE, "%zu problem(s) in %s: nothing imported", im.nerrors, path);
	}
	char state[8];
	long n = org_import_store(db, &im, state, sizeof(state));
	if (n < 0)
		return fail(strncmp(state, "23", 2) == 0 ? EXIT_USAGE : EXIT_FAIL,
		    "nothing imported: the database refused the rows (SQLSTATE %s): %s", state, db_error(db));
	struct buf d = { 0 };
	buf_appendf(&d, "%ld workplace(s):", n);
	for (size_t i = 0; i < im.nrows && d.len < 1800; i++)
		buf_appendf(&d, " %s", im.rows[i].code);
	if (d.len >= 1800)
		buf_puts(&d, " …");
	audit_cli("workplace.import", "", d.data ? d.data : "", NULL);
	buf_free(&d);
	printf("%ld workplace(s) imported from %s\n", n, path);
	return EXIT_OK;
}

/* Prints the A4 posters of one QR code (TOKEN) or of every active one
 * under a unit (--unit CODE), the same document the console prints. */
static int
cmd_qr_poster(struct opts *o)
{
	const char *unit = opt(o, "unit");
	char *unit_id = NULL, *entry_id = NULL;
	if ((unit == NULL) == (o->npos == 0))
		return fail(EXIT_USAGE, "give --unit CODE or one TOKEN (try --help)");
	char err[512];
	struct form_set *set = form_set_load(getenv("TIENGNOI_FORMS_DIR") ? getenv("TIENGNOI_FORMS_DIR") : "forms",
	    err, sizeof(err));
	if (set == NULL)
		return fail(EXIT_FAIL, "cannot load form definitions: %s", err);
	int rc = EXIT_OK;
	if (unit) {
		if (!db_connect(false))
			rc = EXIT_FAIL;
		else if ((unit_id = id_by_code("SELECT id FROM org_unit WHERE code = $1", "unit", unit)) == NULL)
			rc = EXIT_USAGE;
	} else {
		char *t = known_token(o);
		if (t == NULL)
			rc = EXIT_USAGE;
		else if ((entry_id = id_by_code("SELECT id FROM entry_point WHERE token = $1", "QR code", t)) == NULL)
			rc = EXIT_USAGE;
	}
	if (rc != EXIT_OK) {
		form_set_free(set);
		return rc;
	}
	const char *base = config_base_url();
	struct poster_opts po = { base, set, "", entry_id, unit_id,
	    arena_printf(arena, "%.*s/static/" STATIC_VERSION "/poster.css", (int)(strlen(base) - (base[0] && base[strlen(base) - 1] == '/')), base), NULL };
	struct buf out = { 0 };
	long n = poster_document(&out, arena, db, &po);
	form_set_free(set);
	if (n < 0 || out.failed)
		rc = fail(EXIT_FAIL, "could not make the posters: %s", db_error(db));
	else if (n == 0)
		rc = fail(EXIT_USAGE, "no active QR code under unit %s", unit ? unit : "?");
	else if (fwrite(out.data, 1, out.len, stdout) != out.len || fflush(stdout) != 0)
		rc = fail(EXIT_FAIL, "write failed: %s", strerror(errno));
	buf_free(&out);
	return rc;
}

/* ---- officers ---- */

/* Reads a password from stdin (one line, not echoed anywhere). */
static char *
read_password(void)
{
	char line[512];
	if (fgets(line, sizeof(line), stdin) == NULL)
		return NULL;
	line[strcspn(line, "\r\n")] = '\0';
	return arena_strdup(arena, line);
}

static int
officer_add(const char *username, const char *unit, const char *role, const char *name, const char *password)
{
	char hash[AUTH_HASH_MAX];
	char *unit_id;
	bool usage = false;
	const char *nm = "";
	if (strlen(username) < 3 || strlen(username) > 40 || strspn(username, "abcdefghijklmnopqrstuvwxyz0123456789._-") != strlen(username))
		return fail(EXIT_USAGE, "--username must be 3-40 characters of a-z, 0-9, '.', '_' or '-'");
	if (strcmp(role, "viewer") != 0 && strcmp(role, "officer") != 0 && strcmp(role, "admin") != 0)
		return fail(EXIT_USAGE, "--role must be viewer, officer or admin");
	if (name && (nm = text_arg("--name", name, 100)) == NULL)
		return EXIT_USAGE;
	if (password == NULL)
		return fail(EXIT_USAGE, "give the password on standard input");
	enum msg why = auth_password_problem(password, username);
	if (why != MSG__MAX)
		return fail(EXIT_USAGE, "password refused: %s", tr(LANG_EN, why));
	if (!db_connect(false))
		return EXIT_FAIL;
	if ((unit_id = id_by_code("SELECT id FROM org_unit WHERE code = $1", "unit", unit)) == NULL)
		return EXIT_USAGE;
	if (auth_hash_password(password, hash) != 0)
		return fail(EXIT_FAIL, "out of memory hashing the password");
	const char *p[5] = { username, nm, unit_id, role, hash };
	PGresult *res = run("INSERT INTO officer (username, display_name, unit_id, role, password_hash) "
	    "VALUES ($1, $2, $3, $4, $5)", 5, p, &usage);
	sodium_memzero(hash, sizeof(hash));
	if (res == NULL)
		return usage ? EXIT_USAGE : EXIT_FAIL;
	PQclear(res);
	audit_cli("officer.add", username, arena_printf(arena, "role %s, unit %s", role, unit), unit_id);
	printf("officer %s added\n", username);
	return EXIT_OK;
}

static int
cmd_officer_add(struct opts *o)
{
	if (!opt(o, "username") || !opt(o, "unit") || !opt(o, "role"))
		return fail(EXIT_USAGE, "officer add needs --username, --unit and --role (password on stdin; try --help)");
	return officer_add(opt(o, "username"), opt(o, "unit"), opt(o, "role"), opt(o, "name"), read_password());
}

/* Ends an officer change made by one statement returning the officer's
 * unit: 2 when no such officer, else audited and reported. */
static int
officer_changed(PGresult *res, const char *username, const char *action, const char *done_fmt)
{
	if (res == NULL)
		return EXIT_FAIL;
	bool found = PQntuples(res) == 1;
	char *unit_id = found ? arena_strdup(arena, PQgetvalue(res, 0, 0)) : NULL;
	PQclear(res);
	if (!found)
		return fail(EXIT_USAGE, "no officer %s", username);
	audit_cli(action, username, "", unit_id);
	printf(done_fmt, username);
	return EXIT_OK;
}

static int
cmd_officer_passwd(struct opts *o)
{
	char hash[AUTH_HASH_MAX];
	const char *u = opt(o, "username");
	if (u == NULL)
		return fail(EXIT_USAGE, "officer passwd needs --username (new password on stdin)");
	const char *pw = read_password();
	if (pw == NULL)
		return fail(EXIT_USAGE, "give the new password on standard input");
	enum msg why = auth_password_problem(pw, u);
	if (why != MSG__MAX)
		return fail(EXIT_USAGE, "password refused: %s", tr(LANG_EN, why));
	if (!db_connect(false))
		return EXIT_FAIL;
	if (auth_hash_password(pw, hash) != 0)
		return fail(EXIT_FAIL, "out of memory hashing the password");
	const char *p[2] = { u, hash };
	/* a new password also ends every session and clears a lockout */
	PGresult *res = run("WITH o AS (UPDATE officer SET password_hash = $2, password_changed_at = now(), failed_logins = 0, "
	    "locked_until = NULL WHERE username = $1 RETURNING id, unit_id), d AS (DELETE FROM session WHERE officer_id IN "
	    "(SELECT id FROM o)) SELECT unit_id FROM o", 2, p, NULL);
	sodium_memzero(hash, sizeof(hash));
	return officer_changed(res, u, "officer.passwd", "password of %s changed; their sessions ended\n");
}

static int
cmd_officer_disable(struct opts *o)
{
	const char *u = opt(o, "username");
	if (u == NULL)
		return fail(EXIT_USAGE, "officer disable needs --username");
	if (!db_connect(false))
		return EXIT_FAIL;
	const char *p[1] = { u };
	PGresult *res = run("WITH o AS (UPDATE officer SET disabled_at = coalesce(disabled_at, now()) WHERE username = $1 "
	    "RETURNING id, unit_id), d AS (DELETE FROM session WHERE officer_id IN (SELECT id FROM o)) SELECT unit_id FROM o",
	    1, p, NULL);
	return officer_changed(res, u, "officer.disable", "officer %s disabled; their sessions ended\n");
}

/* The demo officer's login, kept beside the keys by `demo` (never in git). */
static int
cmd_officer_demo_login(struct opts *o)
{
	(void)o;
	char path[1100], line[300];
	snprintf(path, sizeof(path), "%s/secrets/demo-officer.txt", config_var_dir());
	FILE *f = fopen(path, "r");
	if (f == NULL)
		return fail(EXIT_USAGE, "no demo officer (the database was not empty when demo data was offered)");
	while (fgets(line, sizeof(line), f))
		fputs(line, stdout);
	fclose(f);
	return EXIT_OK;
}

/* ---- exports ---- */

static int
stdout_write(void *ctx, const void *data, size_t n)
{
	(void)ctx;
	return fwrite(data, 1, n, stdout) == n ? 0 : -1;
}

/* export submissions: the same streaming export as the console, scoped to
 * --unit's subtree (default: everything), audited. */
static int
cmd_export_submissions(struct opts *o)
{
	const char *format = opt(o, "format") ? opt(o, "format") : "csv";
	enum export_format fmt = strcmp(format, "csv") == 0 ? EXPORT_CSV :
	    (strcmp(format, "json") == 0 || strcmp(format, "jsonl") == 0) ? EXPORT_JSONL :
	    strcmp(format, "xlsx") == 0 ? EXPORT_XLSX : EXPORT__MAX;
	if (fmt == EXPORT__MAX)
		return fail(EXIT_USAGE, "--format must be csv, xlsx or json");
	const char *dates[2] = { opt(o, "from") ? opt(o, "from") : "", opt(o, "to") ? opt(o, "to") : "" };
	for (int i = 0; i < 2; i++) {
		int y, m, d, n = 0;
		if (*dates[i] && (strlen(dates[i]) != 10 || sscanf(dates[i], "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 || n != 10))
			return fail(EXIT_USAGE, "--%s must be a date YYYY-MM-DD", i ? "to" : "from");
	}
	char err[512];
	struct form_set *set = form_set_load(getenv("TIENGNOI_FORMS_DIR") ? getenv("TIENGNOI_FORMS_DIR") : "forms", err, sizeof(err));
	if (set == NULL)
		return fail(EXIT_FAIL, "cannot load form definitions: %s", err);
	if (opt(o, "form") && form_find(set, opt(o, "form")) == NULL) {
		form_set_free(set);
		return fail(EXIT_USAGE, "unknown --form %s", opt(o, "form"));
	}
	if (!db_connect(false)) {
		form_set_free(set);
		return EXIT_FAIL;
	}
	const char *path = "/", *unit_id = NULL;
	if (opt(o, "unit")) {
		const char *p[1] = { opt(o, "unit") };
		PGresult *res = run("SELECT path, id FROM org_unit WHERE code = $1", 1, p, NULL);
		if (res == NULL || PQntuples(res) != 1) {
			PQclear(res);
			form_set_free(set);
			return fail(EXIT_USAGE, "no unit with code %s", opt(o, "unit"));
		}
		path = arena_strdup(arena, PQgetvalue(res, 0, 0));
		unit_id = arena_strdup(arena, PQgetvalue(res, 0, 1));
		PQclear(res);
	}
	audit_cli("export.submissions", format, arena_printf(arena, "unit=%s form=%s from=%s to=%s",
	    opt(o, "unit") ? opt(o, "unit") : "(all)", opt(o, "form") ? opt(o, "form") : "", dates[0], dates[1]), unit_id);
	struct export_query q = { path, opt(o, "form"), dates[0], dates[1] };
	int rc = export_submissions(db, set, &q, fmt, stdout_write, NULL, err, sizeof(err));
	form_set_free(set);
	if (rc != 0 || fflush(stdout) != 0)
		return fail(EXIT_FAIL, "export failed: %s", rc ? err : strerror(errno));
	return EXIT_OK;
}

/* export case: a case's dossier (as /admin/dossier/ID) to stdout, whole
 * database in scope, audited. Contacts are never included from the CLI:
 * that needs an officer with a role, and the reveal stays in the console. */
static int
cmd_export_case(struct opts *o)
{
	const char *id = opt(o, "id"), *format = opt(o, "format") ? opt(o, "format") : "html";
	enum dossier_format fmt = dossier_format_parse(format);
	if (id == NULL || *id == '\0' || strspn(id, "0123456789") != strlen(id) || strlen(id) > 18)
		return fail(EXIT_USAGE, "--id must be a case number");
	if (fmt == DOSSIER__MAX)
		return fail(EXIT_USAGE, "--format must be json, xlsx or html");
	if (!db_connect(false))
		return EXIT_FAIL;
	json_t *included = NULL;
	bool db_failed;
	json_t *d = dossier_collect(db, id, "/", NULL, &included, &db_failed);
	if (d == NULL)
		return db_failed ? fail(EXIT_FAIL, "database error: %s", db_error(db)) : fail(EXIT_USAGE, "no case %s", id);
	json_decref(included);
	char unit[32], err[300];
	snprintf(unit, sizeof(unit), "%lld", (long long)json_integer_value(json_object_get(json_object_get(d, "case"), "unit_id")));
	audit_cli("dossier.export", arena_printf(arena, "case:%s", id), arena_printf(arena, "format=%s contacts=0", format), unit);
	int rc = dossier_write(d, fmt, stdout_write, NULL, err, sizeof(err));
	json_decref(d);
	if (rc != 0 || fflush(stdout) != 0)
		return fail(EXIT_FAIL, "export failed: %s", rc ? err : strerror(errno));
	return EXIT_OK;
}

/* export stats: the periodic statistics table of --unit (default: the
 * whole tree), exactly as /admin/stats computes it, audited. Exit 2 on
 * bad arguments or an unknown unit, 1 when the database or output fails. */
static int
cmd_export_stats(struct opts *o)
{
	const char *format = opt(o, "format") ? opt(o, "format") : "csv";
	enum stats_format fmt = stats_format_parse(format);
	if (fmt == STATS__MAX)
		return fail(EXIT_USAGE, "--format must be csv, xlsx or json");
	const char *from = opt(o, "from"), *to = opt(o, "to");
	char dfrom[11], dto[11];
	if (from == NULL && to == NULL) {
		stats_default_period(dfrom, dto);
		from = dfrom;
		to = dto;
	}
	if (from == NULL || to == NULL)
		return fail(EXIT_USAGE, "give both --from and --to (or neither: this month so far)");
	if (!brief_date_ok(from))
		return fail(EXIT_USAGE, "--from must be a date YYYY-MM-DD");
	if (!brief_date_ok(to))
		return fail(EXIT_USAGE, "--to must be a date YYYY-MM-DD");
	if (strcmp(from, to) > 0)
		return fail(EXIT_USAGE, "--from %s is after --to %s", from, to);
	char err[512];
	struct form_set *set = form_set_load(getenv("TIENGNOI_FORMS_DIR") ? getenv("TIENGNOI_FORMS_DIR") : "forms", err, sizeof(err));
	if (set == NULL)
		return fail(EXIT_FAIL, "cannot load form definitions: %s", err);
	int rc = EXIT_FAIL;
	if (!db_connect(false))
		goto done;
	const char *unit_id = "";
	if (opt(o, "unit")) {
		if (!valid_code(opt(o, "unit"))) {
			rc = fail(EXIT_USAGE, "--unit must be a unit code (A-Z, 0-9, - and _; see unit add)");
			goto done;
		}
		const char *p[1] = { opt(o, "unit") };
		PGresult *res = run("SELECT id FROM org_unit WHERE code = $1", 1, p, NULL);
		if (res == NULL) {
			rc = EXIT_FAIL;
			goto done;
		}
		if (PQntuples(res) != 1) {
			PQclear(res);
			rc = fail(EXIT_USAGE, "no unit with code %s", opt(o, "unit"));
			goto done;
		}
		unit_id = arena_strdup(arena, PQgetvalue(res, 0, 0));
		PQclear(res);
	}
	struct stats st;
	if (stats_collect(arena, db, set, "/", unit_id, from, to, LANG_VI, &st) != 0) {
		rc = fail(EXIT_FAIL, "database error: %s", db_error(db));
		goto done;
	}
	audit_cli("stats.export", *unit_id ? arena_printf(arena, "unit:%s", unit_id) : "unit:(all)",
	    arena_printf(arena, "format=%s from=%s to=%s", format, from, to), *unit_id ? unit_id : NULL);
	if (stats_write(&st, fmt, stdout_write, NULL, err, sizeof(err)) != 0 || fflush(stdout) != 0) {
		rc = fail(EXIT_FAIL, "export failed: %s", err);
		goto done;
	}
	rc = EXIT_OK;
done:
	form_set_free(set);
	return rc;
}

/* ---- demo data ---- */

/* Loads the Lai Châu demo into an empty database; does nothing otherwise. */
static int
cmd_demo(struct opts *o)
{
	(void)o;
	if (!db_connect(false))
		return EXIT_FAIL;
	PGresult *res = run("SELECT count(*) FROM org_unit", 0, NULL, NULL);
	if (res == NULL)
		return EXIT_FAIL;
	bool empty = strcmp(PQgetvalue(res, 0, 0), "0") == 0;
	PQclear(res);
	if (!empty) {
		printf("demo data not loaded: the database already has units\n");
		return EXIT_OK;
	}
	int rc = EXIT_OK;
	if ((rc = unit_add("LDLD-LAICHAU", "Liên đoàn Lao động tỉnh Lai Châu", NULL, "province")) ||
	    (rc = unit_add("CD-TANPHONG", "Công đoàn phường Tân Phong", "LDLD-LAICHAU", "commune")) ||
	    (rc = unit_add("CDN-CONGTHUONG", "Công đoàn ngành Công Thương tỉnh Lai Châu", "LDLD-LAICHAU", "sector")) ||
	    (rc = unit_hotline_set("LDLD-LAICHAU", "0213 3876 543")) ||
	    (rc = workplace_add("MAY-TANPHONG", "Công ty TNHH May mặc Tân Phong", "CD-TANPHONG",
	        "6200123456", "Phường Tân Phong, tỉnh Lai Châu")) ||
	    (rc = workplace_add("CHE-TAMDUONG", "Nhà máy Chè Tam Đường", "CDN-CONGTHUONG",
	        "6200234567", "Xã Bình Lư, tỉnh Lai Châu")) ||
	    (rc = workplace_add("THUYDIEN-NAMNHUN", "Công ty Cổ phần Thủy điện Nậm Nhùn", "CDN-CONGTHUONG",
	        "6200345678", "Xã Nậm Hàng, tỉnh Lai Châu")) ||
	    (rc = qr_create("MAY-TANPHONG", "Nhà ăn ca", NULL)) ||
	    (rc = qr_create("CHE-TAMDUONG", "Cổng chính", NULL)) ||
	    (rc = qr_create("THUYDIEN-NAMNHUN", "Bảng tin công đoàn", NULL)))
		return rc;
	/* a provincial admin whose password is made here and kept beside the keys */
	char pw[17], path[1100];
	token_random(pw, 16);
	if ((rc = officer_add("demo.tinh", "LDLD-LAICHAU", "admin", "Cán bộ demo LĐLĐ tỉnh", pw)) ||
	    (rc = officer_add("demo.tanphong", "CD-TANPHONG", "officer", "Cán bộ demo CĐ phường Tân Phong", pw)))
		return rc;
	snprintf(path, sizeof(path), "%s/secrets/demo-officer.txt", config_var_dir());
	FILE *f = fopen(path, "w");
	if (f == NULL)
		return fail(EXIT_FAIL, "cannot write %s", path);
	fprintf(f, "province admin: demo.tinh / %s\nward officer:   demo.tanphong / %s\n", pw, pw);
	fclose(f);
	chmod(path, 0600);
	printf("demo data loaded\n");
	return EXIT_OK;
}

/* ---- the audit chain ---- */

/* What audit_row_text() prints for `at`: microseconds since the epoch as
 * YYYY-MM-DDTHH:MM:SS.ffffffZ in UTC. */
static void
audit_time_text(long long us, char out[48])
{
	long long secs = us / 1000000, frac = us % 1000000;
	if (frac < 0) {
		frac += 1000000;
		secs--;
	}
	time_t t = (time_t)secs;
	struct tm tm;
	size_t n = gmtime_r(&t, &tm) ? strftime(out, 48, "%Y-%m-%dT%H:%M:%S", &tm) : 0;
	snprintf(out + n, 48 - n, ".%06lldZ", frac);
}

/* The hash a row should carry: SHA-256 of prev_hash and the row's text,
 * rebuilt here from the columns (not with audit_row_text()), so the check
 * does not trust the database's own formatting. */
static void
audit_row_hash(const unsigned char prev[32], PGresult *res, int i, unsigned char out[32])
{
	char at[48];
	audit_time_text(atoll(PQgetvalue(res, i, 1)), at);
	const char *parts[7] = { PQgetvalue(res, i, 0), at, PQgetvalue(res, i, 2), PQgetvalue(res, i, 3),
		PQgetvalue(res, i, 4), PQgetvalue(res, i, 5), PQgetvalue(res, i, 6) };
	crypto_hash_sha256_state st;
	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, prev, 32);
	for (int k = 0; k < 7; k++) {
		if (k > 0)
			crypto_hash_sha256_update(&st, (const unsigned char *)"\x1f", 1);
		crypto_hash_sha256_update(&st, (const unsigned char *)parts[k], strlen(parts[k]));
	}
	crypto_hash_sha256_final(&st, out);
}

static bool
hex32(const char *hex, unsigned char out[32])
{
	size_t n = 0;
	return sodium_hex2bin(out, 32, hex, strlen(hex), NULL, &n, NULL) == 0 && n == 32;
}

/* Walks the whole audit_log in id order, 10,000 rows at a time (constant
 * memory), recomputing every hash and checking every link. Exit 0 "audit
 * chain intact: N rows"; exit 1 naming the first broken row and why. With
 * --anchor HASH (a newest-row hash written down earlier) it also fails
 * when that row is gone: the one change a chain cannot show by itself is
 * its newest rows cut off, or everything after a point rewritten. */
static int
cmd_audit_verify(struct opts *o)
{
	const char *anchor = opt(o, "anchor");
	unsigned char want_anchor[32], prev[32] = { 0 }, calc[32], stored[32], link[32];
	bool anchor_seen = false;
	if (anchor && !hex32(anchor, want_anchor))
		return fail(EXIT_USAGE, "--anchor must be 64 hex digits (a row hash printed by audit verify)");
	if (!db_connect(false))
		return EXIT_FAIL;
	long long rows = 0;
	char last_id[24] = "", prev_id[24] = "", last_at[48] = "";
	for (;;) {
		const char *p[1] = { last_id };
		PGresult *res = run("SELECT id, (extract(epoch FROM at) * 1000000)::bigint, coalesce(officer_id::text, ''), "
		    "coalesce(unit_id::text, ''), action, object, detail, encode(prev_hash, 'hex'), encode(hash, 'hex') "
		    "FROM audit_log WHERE ($1 = '' OR id > $1::bigint) ORDER BY id LIMIT 10000", 1, p, NULL);
		if (res == NULL)
			return EXIT_FAIL;
		int n = PQntuples(res);
		for (int i = 0; i < n; i++) {
			const char *id = PQgetvalue(res, i, 0);
			if (!hex32(PQgetvalue(res, i, 7), link) || !hex32(PQgetvalue(res, i, 8), stored)) {
				PQclear(res);
				return fail(EXIT_FAIL, "audit chain broken at row %s: its hashes are not 32 bytes", id);
			}
			audit_row_hash(link, res, i, calc);
			if (memcmp(calc, stored, 32) != 0) {
				/* tell a changed row from a CLI that formats rows unlike audit_row_text() */
				const char *q[1] = { id };
				PGresult *sql = run("SELECT sha256(prev_hash || convert_to(audit_row_text(a), 'UTF8')) = hash "
				    "FROM audit_log a WHERE id = $1::bigint", 1, q, NULL);
				bool sql_agrees = sql && PQntuples(sql) == 1 && PQgetvalue(sql, 0, 0)[0] == 't';
				PQclear(sql);
				char *bad = arena_strdup(arena, id);
				PQclear(res);
				if (sql_agrees)
					return fail(EXIT_FAIL, "audit verify: row %s hashes differently here than in audit_row_text(); "
					    "the CLI and sql/ disagree on the row format (a bug, not tampering)", bad);
				return fail(EXIT_FAIL, "audit chain broken at row %s: its content does not match its hash "
				    "(the row was changed after it was written)", bad);
			}
			if (memcmp(link, prev, 32) != 0) {
				char *bad = arena_strdup(arena, id);
				PQclear(res);
				if (rows == 0)
					return fail(EXIT_FAIL, "audit chain broken at row %s: it is the first row but does not start "
					    "the chain (its prev_hash is not 32 zero bytes): earlier rows were deleted", bad);
				return fail(EXIT_FAIL, "audit chain broken at row %s: it does not follow row %s (its prev_hash is not "
				    "that row's hash): a row between them was deleted, or rows were rewritten", bad, prev_id);
			}
			if (anchor && memcmp(stored, want_anchor, 32) == 0)
				anchor_seen = true;
			memcpy(prev, stored, 32);
			snprintf(prev_id, sizeof(prev_id), "%s", id);
			rows++;
		}
		if (n > 0) {
			snprintf(last_id, sizeof(last_id), "%s", PQgetvalue(res, n - 1, 0));
			audit_time_text(atoll(PQgetvalue(res, n - 1, 1)), last_at);
		}
		PQclear(res);
		if (n < 10000)
			break;
	}
	if (anchor && !anchor_seen)
		return fail(EXIT_FAIL, "audit chain broken: no row has the anchor hash %s any more: the rows since it was "
		    "written down were cut off or rewritten", anchor);
	char hex[65];
	sodium_bin2hex(hex, sizeof(hex), prev, 32);
	if (rows == 0)
		printf("audit chain intact: 0 rows\n");
	else
		printf("audit chain intact: %lld rows; newest row %s at %s, hash %s\n", rows, last_id, last_at, hex);
	return EXIT_OK;
}

/* Prints the newest N rows (default 20), oldest first, one per line:
 * id, time (Vietnam), officer, unit, action, object, detail, tab-separated. */
static int
cmd_audit_tail(struct opts *o)
{
	const char *n = opt(o, "n") ? opt(o, "n") : "20";
	if (strlen(n) == 0 || strlen(n) > 5 || strspn(n, "0123456789") != strlen(n) || atoi(n) < 1 || atoi(n) > 10000)
		return fail(EXIT_USAGE, "--n must be a number from 1 to 10000");
	if (!db_connect(false))
		return EXIT_FAIL;
	const char *p[1] = { n };
	PGresult *res = run("SELECT * FROM (SELECT a.id, to_char(a.at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'YYYY-MM-DD HH24:MI:SS'), "
	    "coalesce(o.username, '-'), coalesce(u.code, '-'), a.action, a.object, "
	    "translate(a.detail, E'\\t\\n\\r', '   ') FROM audit_log a LEFT JOIN officer o ON o.id = a.officer_id "
	    "LEFT JOIN org_unit u ON u.id = a.unit_id ORDER BY a.id DESC LIMIT $1::integer) t ORDER BY 1", 1, p, NULL);
	if (res == NULL)
		return EXIT_FAIL;
	for (int i = 0; i < PQntuples(res); i++)
		printf("%s\t%s +07\t%s\t%s\t%s\t%s\t%s\n", PQgetvalue(res, i, 0), PQgetvalue(res, i, 1), PQgetvalue(res, i, 2),
		    PQgetvalue(res, i, 3), PQgetvalue(res, i, 4), PQgetvalue(res, i, 5), PQgetvalue(res, i, 6));
	PQclear(res);
	return EXIT_OK;
}

/* ---- retention and data-subject requests (sql/011_retention.sql, docs/privacy.md) ---- */

/* Writes one audit row inside the caller's transaction and says whether it
 * was written, so a purge or an erasure is never committed unaudited. */
static bool
audit_cli_checked(const char *action, const char *object, const char *detail, const char *unit_id)
{
	const char *p[4] = { unit_id, action, object, detail };
	PGresult *res = run("INSERT INTO audit_log (officer_id, unit_id, action, object, detail) "
	    "VALUES (NULL, $1, $2, $3, 'cli: ' || $4)", 4, p, NULL);
	PQclear(res);
	return res != NULL;
}

/* Reads --receipt as a person types it and returns its keyed hash as a
 * bytea text literal ("\\x..." from the arena). NULL after saying why, with
 * *rc set: 2 for a malformed code, 1 when the server key cannot be read.
 * The code itself is never printed or stored. */
static const char *
receipt_hash_arg(const char *typed, int *rc)
{
	char err[512];
	struct keys k;
	*rc = EXIT_USAGE;
	if (typed == NULL) {
		fail(EXIT_USAGE, "--receipt CODE is needed (the worker's 16-digit receipt)");
		return NULL;
	}
	if (keys_load(config_key_path(), &k, err, sizeof(err)) != 0) {
		*rc = EXIT_FAIL;
		fail(EXIT_FAIL, "cannot load the server key %s: %s", config_key_path(), err);
		return NULL;
	}
	const char *hex = privacy_receipt_hex(arena, &k, typed);
	sodium_memzero(&k, sizeof(k));
	if (hex == NULL)
		fail(EXIT_USAGE, "--receipt must be a 16-digit receipt code (spaces, dots and dashes allowed)");
	return hex;
}

/* The report a receipt hash belongs to: its id and unit (from the arena).
 * false after saying so when no report holds it (unknown, mistyped, or
 * anonymised: anonymising unlinks the receipt). */
static bool
report_by_receipt(const char *hash, const char **id, const char **unit_id, int *rc)
{
	switch (privacy_report_by_receipt(arena, db, hash, id, unit_id)) {
	case PRIVACY_OK:
		return true;
	case PRIVACY_NOT_FOUND:
		*rc = EXIT_USAGE;
		fail(EXIT_USAGE, "no report holds that receipt (unknown, mistyped, or already anonymised)");
		return false;
	default:
		*rc = EXIT_FAIL;
		fail(EXIT_FAIL, "database error: %s", db_error(db));
		return false;
	}
}

/* purge [--dry-run]: runs the retention policy once in one transaction
 * with its audit row; a dry run rolls back and writes nothing. Safe to
 * repeat and to run from a timer: a second run finds nothing to do. */
static int
cmd_purge(struct opts *o)
{
	bool dry = opt(o, "dry-run") != NULL;
	if (o->npos > 0)
		return fail(EXIT_USAGE, "purge takes no arguments besides --dry-run");
	if (!db_connect(false))
		return EXIT_FAIL;
	if (db_begin(db) != 0)
		return fail(EXIT_FAIL, "database error: %s", db_error(db));
	PGresult *res = run("SELECT p.reports, p.photos, p.messages, p.notes, p.held, d.documents "
	    "FROM retention_purge() p, case_documents_purge() d", 0, NULL, NULL);
	if (res == NULL) {
		db_rollback(db);
		return EXIT_FAIL;
	}
	char *counts = arena_printf(arena, "reports=%s photos=%s messages=%s notes=%s held=%s documents=%s",
	    PQgetvalue(res, 0, 0), PQgetvalue(res, 0, 1), PQgetvalue(res, 0, 2), PQgetvalue(res, 0, 3), PQgetvalue(res, 0, 4),
	    PQgetvalue(res, 0, 5));
	PQclear(res);
	if (dry) {
		db_rollback(db);
		printf("dry run, nothing changed: would purge %s\n", counts);
		return EXIT_OK;
	}
	if (!audit_cli_checked("purge", "retention", counts, NULL)) {
		db_rollback(db);
		return EXIT_FAIL;
	}
	if (db_commit(db) != 0)
		return fail(EXIT_FAIL, "purge failed at commit, nothing changed: %s", db_error(db));
	printf("purged %s\n", counts);
	return EXIT_OK;
}

/* A request id given as the one positional argument; NULL after saying why. */
static const char *
request_id_arg(const struct opts *o, const char *verb)
{
	const char *id = o->npos == 1 ? o->positional[0] : NULL;
	if (id == NULL || strlen(id) == 0 || strlen(id) > 18 || strspn(id, "0123456789") != strlen(id)) {
		fail(EXIT_USAGE, "request %s needs one request id (a number; see request list)", verb);
		return NULL;
	}
	return id;
}

/* request add --kind access|correct|delete (--receipt CODE | --subject TEXT) [--unit CODE] [--note TEXT] */
static int
cmd_request_add(struct opts *o)
{
	const char *kind = opt(o, "kind"), *subject = NULL, *note = "", *hash = NULL, *unit_id = NULL;
	const char *sub_id, *id, *by;
	int rc;
	if (!privacy_kind_valid(kind))
		return fail(EXIT_USAGE, "--kind must be access, correct or delete");
	if ((opt(o, "receipt") == NULL) == (opt(o, "subject") == NULL))
		return fail(EXIT_USAGE, "give either --receipt CODE or --subject TEXT (how the person can be "
		    "identified without a receipt), not both");
	if (opt(o, "receipt") && opt(o, "unit"))
		return fail(EXIT_USAGE, "--unit is for --subject requests; a receipt's request goes to its report's unit");
	if (opt(o, "subject") && (subject = text_arg("--subject", opt(o, "subject"), PRIVACY_SUBJECT_MAX)) == NULL)
		return EXIT_USAGE;
	if (opt(o, "note") && (note = text_arg("--note", opt(o, "note"), PRIVACY_NOTE_MAX)) == NULL)
		return EXIT_USAGE;
	if (opt(o, "receipt") && (hash = receipt_hash_arg(opt(o, "receipt"), &rc)) == NULL)
		return rc;
	if (!db_connect(false))
		return EXIT_FAIL;
	if (hash && !report_by_receipt(hash, &sub_id, &unit_id, &rc))
		return rc;
	if (opt(o, "unit") && (unit_id = id_by_code("SELECT id FROM org_unit WHERE code = $1", "unit", opt(o, "unit"))) == NULL)
		return EXIT_USAGE;
	if (privacy_request_add(arena, db, kind, hash, subject, note, unit_id, &id, &by) != PRIVACY_OK)
		return fail(EXIT_FAIL, "database error: %s", db_error(db));
	audit_cli("request.add", arena_printf(arena, "request:%s", id), kind, unit_id);
	printf("request %s added (%s); acknowledge by %s\n", id, kind, by);
	return EXIT_OK;
}

/* request list: every request, open ones first, tab-separated, with the
 * acknowledgement deadline (received + 2 working days, Vietnam's days). */
static int
cmd_request_list(struct opts *o)
{
	if (o->npos > 0)
		return fail(EXIT_USAGE, "request list takes no arguments");
	if (!db_connect(false))
		return EXIT_FAIL;
	PGresult *res = privacy_request_list(db, NULL);
	if (!db_ok(res)) {
		fail(EXIT_FAIL, "database error: %s", res ? PQresultErrorMessage(res) : db_error(db));
		PQclear(res);
		return EXIT_FAIL;
	}
	printf("id\tkind\tstatus\treceived (+07)\tacknowledge by\tacknowledged\tdone\tattention\tsubject\tnote\tunit\n");
	for (int i = 0; i < PQntuples(res); i++) {
		for (int j = 0; j < 10; j++)
			printf("%s%s", j ? "\t" : "", PQgetvalue(res, i, j));
		printf("\t%s\n", PQgetvalue(res, i, 11));
	}
	PQclear(res);
	return EXIT_OK;
}

/* Moves a request on: ack (received → acknowledged), done or refuse
 * (→ done/refused, acknowledging too if that was skipped). */
static int
request_move(struct opts *o, const char *verb)
{
	const char *id = request_id_arg(o, verb), *note = NULL, *was;
	if (id == NULL)
		return EXIT_USAGE;
	if (opt(o, "note") && (note = text_arg("--note", opt(o, "note"), PRIVACY_NOTE_MAX)) == NULL)
		return EXIT_USAGE;
	if (strcmp(verb, "refuse") == 0 && note == NULL)
		return fail(EXIT_USAGE, "request refuse needs --note WHY (the person is told the reason)");
	if (!db_connect(false))
		return EXIT_FAIL;
	switch (privacy_request_move(arena, db, id, verb, note, &was)) {
	case PRIVACY_OK:
		break;
	case PRIVACY_NOT_FOUND:
		return fail(EXIT_USAGE, "no request %s", id);
	case PRIVACY_ALREADY:
		return fail(EXIT_USAGE, "request %s is already %s", id, was);
	default:
		return fail(EXIT_FAIL, "database error: %s", db_error(db));
	}
	audit_cli(arena_printf(arena, "request.%s", verb), arena_printf(arena, "request:%s", id), note ? note : "", NULL);
	printf("request %s %s\n", id, strcmp(verb, "ack") == 0 ? "acknowledged" : strcmp(verb, "done") == 0 ? "done" : "refused");
	return EXIT_OK;
}

static int
cmd_request_ack(struct opts *o)
{
	return request_move(o, "ack");
}

static int
cmd_request_done(struct opts *o)
{
	return request_move(o, "done");
}

static int
cmd_request_refuse(struct opts *o)
{
	return request_move(o, "refuse");
}

/* request export --receipt CODE: what is held for that receipt, as JSON on
 * stdout (privacy_export_json). Audited. */
static int
cmd_request_export(struct opts *o)
{
	const char *sub_id, *unit_id;
	int rc;
	const char *hash = receipt_hash_arg(opt(o, "receipt"), &rc);
	if (hash == NULL)
		return rc;
	if (!db_connect(false))
		return EXIT_FAIL;
	if (!report_by_receipt(hash, &sub_id, &unit_id, &rc))
		return rc;
	const char *json = privacy_export_json(arena, db, sub_id);
	if (json == NULL)
		return fail(EXIT_FAIL, "database error: %s", db_error(db));
	audit_cli("request.export", arena_printf(arena, "submission:%s", sub_id), "", unit_id);
	printf("%s\n", json);
	return fflush(stdout) == 0 ? EXIT_OK : fail(EXIT_FAIL, "write failed: %s", strerror(errno));
}

/* request delete --receipt CODE: anonymises that report now, exactly as
 * the retention purge would, in one transaction with its audit row.
 * Refused (exit 2) while a labour-dispute case holds the report. */
static int
cmd_request_delete(struct opts *o)
{
	const char *sub_id, *unit_id, *closed, *counts;
	int rc;
	const char *hash = receipt_hash_arg(opt(o, "receipt"), &rc);
	if (hash == NULL)
		return rc;
	if (!db_connect(false))
		return EXIT_FAIL;
	if (!report_by_receipt(hash, &sub_id, &unit_id, &rc))
		return rc;
	switch (privacy_hold(arena, db, sub_id, &closed)) {
	case PRIVACY_OK:
		break;
	case PRIVACY_HELD:
		return fail(EXIT_USAGE, "report %s is part of an open labour-dispute case and is kept as evidence; "
		    "record the request (request refuse ID --note ...) or wait until the case closes", sub_id);
	default:
		return fail(EXIT_FAIL, "database error: %s", db_error(db));
	}
	if (closed)
		printf("note: report %s was part of a case closed on %s; anonymising it as asked\n", sub_id, closed);
	if (db_begin(db) != 0)
		return fail(EXIT_FAIL, "database error: %s", db_error(db));
	if (privacy_erase(arena, db, sub_id, &counts) != PRIVACY_OK) {
		db_rollback(db);
		return fail(EXIT_FAIL, "database error: the report was not anonymised");
	}
	if (!audit_cli_checked("request.delete", arena_printf(arena, "submission:%s", sub_id), counts, unit_id)) {
		db_rollback(db);
		return EXIT_FAIL;
	}
	if (db_commit(db) != 0)
		return fail(EXIT_FAIL, "failed at commit, nothing changed: %s", db_error(db));
	printf("report %s anonymised (%s); its receipt no longer finds anything\n", sub_id, counts);
	return EXIT_OK;
}

/* ---- the holiday calendar (sql/009, sql/017; the console's /admin/calendar) ---- */

/* holiday list [--year YYYY]: day, weekday, name and source, tab-separated,
 * then the last day the calendar covers. */
static int
cmd_holiday_list(struct opts *o)
{
	const char *year = opt(o, "year");
	if (o->npos > 0)
		return fail(EXIT_USAGE, "holiday list takes no arguments besides --year");
	if (year && !calendar_year_valid(year))
		return fail(EXIT_USAGE, "--year must be a year from 2000 to 2099, e.g. 2027");
	if (!db_connect(false))
		return EXIT_FAIL;
	PGresult *res = calendar_holidays(db, year);
	const char *end = calendar_end(arena, db);
	if (!db_ok(res) || end == NULL) {
		PQclear(res);
		return fail(EXIT_FAIL, "database error: %s", db_error(db));
	}
	printf("day\tweekday\tname\tsource\n");
	for (int i = 0; i < PQntuples(res); i++)
		printf("%s\t%s\t%s\t%s\n", PQgetvalue(res, i, 0), PQgetvalue(res, i, 2), PQgetvalue(res, i, 3),
		    PQgetvalue(res, i, 4));
	PQclear(res);
	printf("# the holiday calendar ends on %s\n", *end ? end : "(no holidays at all)");
	return EXIT_OK;
}

/* holiday add --day YYYY-MM-DD --name NAME [--source TEXT]: adds a
 * holiday, or corrects the name and source of the one on that day. */
static int
cmd_holiday_add(struct opts *o)
{
	const char *day = opt(o, "day"), *name, *source = "", *old;
	if (!brief_date_ok(day))
		return fail(EXIT_USAGE, "--day must be a real date written YYYY-MM-DD, from 2000 to 2099");
	if (opt(o, "name") == NULL)
		return fail(EXIT_USAGE, "--name NAME is needed (e.g. \"Tết Nguyên Đán\")");
	if ((name = text_arg("--name", opt(o, "name"), CALENDAR_NAME_MAX)) == NULL)
		return EXIT_USAGE;
	if (opt(o, "source") && (source = text_arg("--source", opt(o, "source"), CALENDAR_SOURCE_MAX)) == NULL)
		return EXIT_USAGE;
	if (!db_connect(false))
		return EXIT_FAIL;
	if (db_begin(db) != 0 || calendar_holiday_set(arena, db, day, name, source, &old) != 0) {
		db_rollback(db);
		return fail(EXIT_FAIL, "database error: the holiday was not saved");
	}
	if (!audit_cli_checked(*old ? "holiday.correct" : "holiday.add", arena_printf(arena, "holiday:%s", day),
	    *old ? arena_printf(arena, "was: %s", old) : name, NULL) || db_commit(db) != 0) {
		db_rollback(db);
		return fail(EXIT_FAIL, "nothing changed: the audit row or the commit failed");
	}
	printf("holiday %s %s: %s\n", day, *old ? "corrected" : "added", name);
	return EXIT_OK;
}

/* holiday remove --day YYYY-MM-DD */
static int
cmd_holiday_remove(struct opts *o)
{
	const char *day = opt(o, "day"), *old;
	if (!brief_date_ok(day))
		return fail(EXIT_USAGE, "--day must be a real date written YYYY-MM-DD, from 2000 to 2099");
	if (!db_connect(false))
		return EXIT_FAIL;
	int found = db_begin(db) == 0 ? calendar_holiday_remove(arena, db, day, &old) : -1;
	if (found != 1) {
		db_rollback(db);
		return found == 0 ? fail(EXIT_USAGE, "no holiday on %s (see holiday list)", day) :
		    fail(EXIT_FAIL, "database error: the holiday was not removed");
	}
	if (!audit_cli_checked("holiday.remove", arena_printf(arena, "holiday:%s", day), arena_printf(arena, "was: %s", old),
	    NULL) || db_commit(db) != 0) {
		db_rollback(db);
		return fail(EXIT_FAIL, "nothing changed: the audit row or the commit failed");
	}
	printf("holiday %s removed\n", day);
	return EXIT_OK;
}

static const struct cmd cmds[] = {
	{ "keys", "init", cmd_keys_init, "",
	  "keys init\n  Creates the server key (TIENGNOI_KEY_FILE, default VAR/secrets/server.key) and the contact\n"
	  "  key pair beside it (contact.pub for the app, contact.key for revealing) if absent." },
	{ "migrate", NULL, cmd_migrate, "",
	  "migrate\n  Applies the numbered SQL files in sql/ not applied yet, each in one transaction." },
	{ "demo", NULL, cmd_demo, "",
	  "demo\n  Loads the Lai Châu demo units, workplaces and QR codes into an empty database." },
	{ "unit", "add", cmd_unit_add, "code name parent kind hotline",
	  "unit add --code CODE --name NAME [--parent CODE] [--kind KIND] [--hotline PHONE]\n"
	  "  KIND: national, province, district, commune, sector, industrial_park, public, grassroots, informal\n"
	  "  (default: province without --parent, grassroots with it)." },
	{ "unit", "hotline", cmd_unit_hotline, "code hotline",
	  "unit hotline --code CODE --hotline \"0213 3876 543\"\n"
	  "  Sets the hotline printed on the posters of the unit's workplaces (and of units below it that\n"
	  "  Have none of their own); --hotline \"\" removes it." },
	{ "workplace", "add", cmd_workplace_add, "code name unit tax-code address",
	  "workplace add --code CODE --name NAME --unit CODE [--tax-code T] [--address A]" },
	{ "workplace", "import", cmd_workplace_import, "",
	  "workplace import FILE.csv   (or - for standard input)\n"
	  "  Header row code,name,unit_code[,tax_code][,address]; UTF-8 with or without BOM; ',' or ';'.\n"
	  "  All or nothing: every bad line is listed with its number and nothing is imported (exit 2)." },
	{ "qr", "create", cmd_qr_create, "workplace label forms",
	  "qr create --workplace CODE [--label L] [--forms a,b]\n"
	  "  Creates a QR entry point and prints its URL as the last line (default: all forms)." },
	{ "qr", "list", cmd_qr_list, "", "qr list\n  Prints the URL, workplace and label of every active QR code." },
	{ "qr", "png", cmd_qr_png, "", "qr png TOKEN > code.png\n  Writes the QR code as a PNG (prints at 5 cm) to stdout." },
	{ "qr", "svg", cmd_qr_svg, "", "qr svg TOKEN > code.svg\n  Writes the QR code as SVG to stdout." },
	{ "qr", "poster", cmd_qr_poster, "unit",
	  "qr poster --unit CODE > posters.html   |   qr poster TOKEN > poster.html\n"
	  "  Prints A4 posters (HTML, one page each) of every active QR code under the unit, or of one code;\n"
	  "  The page loads BASE_URL/static/poster.css, so open it where the server is reachable to print." },
	{ "officer", "add", cmd_officer_add, "username unit role name",
	  "officer add --username U --unit CODE --role viewer|officer|admin [--name NAME] < password\n"
	  "  Adds an officer scoped to the unit's subtree; the password comes on stdin." },
	{ "officer", "passwd", cmd_officer_passwd, "username",
	  "officer passwd --username U < password\n  Sets a new password, ends the officer's sessions, clears a lockout." },
	{ "officer", "disable", cmd_officer_disable, "username",
	  "officer disable --username U\n  Stops the officer from signing in and ends their sessions." },
	{ "export", "submissions", cmd_export_submissions, "format unit from to form",
	  "export submissions --format csv|xlsx|json [--unit CODE] [--from YYYY-MM-DD --to YYYY-MM-DD] [--form ID] > file\n"
	  "  Reports of the unit's subtree (default: all), streamed in constant memory; contact details never included." },
	{ "export", "case", cmd_export_case, "id format",
	  "export case --id N [--format json|xlsx|html] > file\n"
	  "  A case's dossier: the case, deadlines, totals, timeline, linked reports with answers and messages,\n"
	  "  Attachments with their sha256 (default html); contact details never included; audited." },
	{ "export", "stats", cmd_export_stats, "format unit from to",
	  "export stats --format csv|xlsx|json [--unit CODE] [--from YYYY-MM-DD --to YYYY-MM-DD] > file\n"
	  "  The periodic statistics table (as /admin/stats) of the unit (default: the whole tree): a row per\n"
	  "  unit directly below it and the total; period default this month so far (Vietnam time); audited." },
	{ "officer", "demo-login", cmd_officer_demo_login, "", "officer demo-login\n  Prints the demo officers' login (made by demo)." },
	{ "audit", "verify", cmd_audit_verify, "anchor",
	  "audit verify [--anchor HASH]\n  Walks the whole audit log, recomputing every row's hash and link; exit 0 when intact,\n"
	  "  1 naming the first edited or unlinked row. --anchor: a hash printed earlier must still be there." },
	{ "audit", "tail", cmd_audit_tail, "n",
	  "audit tail [--n N]\n  Prints the newest N audit rows (default 20), oldest first, tab-separated." },
	{ "purge", NULL, cmd_purge, "dry-run?",
	  "purge [--dry-run]\n  Runs the retention policy (table retention_policy): anonymises old reports, deletes old photos\n"
	  "  and the documents of cases closed longer than closed_case_keep. Keeps what a labour-dispute case needs;\n"
	  "  prints counts and audits the run. Safe to repeat." },
	{ "request", "add", cmd_request_add, "kind receipt subject unit note",
	  "request add --kind access|correct|delete (--receipt CODE | --subject TEXT [--unit CODE]) [--note TEXT]\n"
	  "  Records a data-subject request and prints the day it must be acknowledged by (2 working days).\n"
	  "  A receipt's request belongs to its report's unit; --unit gives the unit whose admins handle\n"
	  "  A --subject one (default: none, so admins of a top-level unit see it in the console)." },
	{ "request", "list", cmd_request_list, "",
	  "request list\n  Every data-subject request, open ones first, with its acknowledgement deadline." },
	{ "request", "ack", cmd_request_ack, "note", "request ack ID [--note TEXT]\n  Marks a request acknowledged." },
	{ "request", "done", cmd_request_done, "note", "request done ID [--note TEXT]\n  Marks a request done." },
	{ "request", "refuse", cmd_request_refuse, "note",
	  "request refuse ID --note WHY\n  Marks a request refused, with the reason the person is given." },
	{ "request", "export", cmd_request_export, "receipt",
	  "request export --receipt CODE > data.json\n  Prints as JSON what is held for that receipt: the report, photos' descriptions, messages." },
	{ "request", "delete", cmd_request_delete, "receipt",
	  "request delete --receipt CODE\n  Anonymises that report now (answers, contact, photos, message texts), audited." },
	{ "holiday", "list", cmd_holiday_list, "year",
	  "holiday list [--year YYYY]\n  The public holidays working-day deadlines skip, with their source, and the day the calendar ends." },
	{ "holiday", "add", cmd_holiday_add, "day name source",
	  "holiday add --day YYYY-MM-DD --name NAME [--source TEXT]\n"
	  "  Adds a public holiday, or corrects the name and source of the one on that day; audited." },
	{ "holiday", "remove", cmd_holiday_remove, "day",
	  "holiday remove --day YYYY-MM-DD\n  Removes a public holiday (e.g. a day the Ministry moved); audited." },
};

static void
usage_all(FILE *f)
{
	fprintf(f, "usage: tiengnoi-admin COMMAND [options]   (COMMAND --help for details)\n\n");
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		fprintf(f, "  %s\n", cmds[i].usage);
	fprintf(f, "\nDatabase: TIENGNOI_DB (libpq conninfo), else the cluster under TIENGNOI_VAR (default ./var).\n"
	    "Exit status: 0 done, 2 bad arguments or unknown/duplicate codes, 1 other failures.\n");
}

int
main(int argc, char **argv)
{
	int rc = EXIT_USAGE;
	if (sodium_init() < 0)
		return fail(EXIT_FAIL, "libsodium failed to start");
	arena = arena_new();
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "help") == 0) {
		usage_all(argc < 2 ? stderr : stdout);
		return argc < 2 ? EXIT_USAGE : EXIT_OK;
	}
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		const struct cmd *c = &cmds[i];
		if (strcmp(argv[1], c->group) != 0)
			continue;
		int skip = 2;
		if (c->name != NULL) {
			if (argc < 3 || strcmp(argv[2], "--help") == 0) {
				for (size_t j = 0; j < sizeof(cmds) / sizeof(cmds[0]); j++)
					if (strcmp(cmds[j].group, c->group) == 0)
						printf("%s\n", cmds[j].usage);
				return argc < 3 ? EXIT_USAGE : EXIT_OK;
			}
			if (strcmp(argv[2], c->name) != 0)
				continue;
			skip = 3;
		}
		struct opts o;
		if ((rc = parse_opts(argc - skip, argv + skip, c->allowed, &o)) != EXIT_OK)
			break;
		if (o.help) {
			printf("usage: tiengnoi-admin %s\n", c->usage);
			rc = EXIT_OK;
			break;
		}
		rc = c->run(&o);
		break;
	}
	if (rc == EXIT_USAGE && argc >= 2) {
		bool known = false;
		for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
			known |= strcmp(argv[1], cmds[i].group) == 0 &&
			    (cmds[i].name == NULL || (argc >= 3 && strcmp(argv[2], cmds[i].name) == 0));
		if (!known)
			fail(EXIT_USAGE, "unknown command \"%s%s%s\" (try --help)", argv[1], argc >= 3 ? " " : "", argc >= 3 ? argv[2] : "");
	}
	db_close(db);
	arena_free(arena);
	return rc;
}
