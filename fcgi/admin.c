/* admin.c: tiengnoi-admin, the command line for keys, migrations, units, workplaces and QR codes. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <libpq-fe.h>
#include <sodium.h>

#include "app.h"
#include "arena.h"
#include "auth.h"
#include "buf.h"
#include "config.h"
#include "db.h"
#include "export.h"
#include "form.h"
#include "i18n.h"
#include "qr.h"
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
		char pat[64];
		snprintf(pat, sizeof(pat), " %s ", name);
		char *allow = arena_printf(arena, " %s ", allowed);
		if (strstr(allow, pat) == NULL)
			return fail(EXIT_USAGE, "unknown option --%s (try --help)", name);
		const char *val = eq ? eq + 1 : (i + 1 < argc ? argv[++i] : NULL);
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

static int
cmd_unit_add(struct opts *o)
{
	if (!opt(o, "code") || !opt(o, "name"))
		return fail(EXIT_USAGE, "unit add needs --code and --name (try --help)");
	const char *kind = opt(o, "kind");
	if (kind == NULL)
		kind = opt(o, "parent") ? "grassroots" : "province";
	return unit_add(opt(o, "code"), opt(o, "name"), opt(o, "parent"), kind);
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
	if (res == NULL)
		return EXIT_FAIL;
	bool found = PQntuples(res) == 1;
	char *unit_id = found ? arena_strdup(arena, PQgetvalue(res, 0, 0)) : NULL;
	PQclear(res);
	if (!found)
		return fail(EXIT_USAGE, "no officer %s", u);
	audit_cli("officer.passwd", u, "", unit_id);
	printf("password of %s changed; their sessions ended\n", u);
	return EXIT_OK;
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
	if (res == NULL)
		return EXIT_FAIL;
	bool found = PQntuples(res) == 1;
	char *unit_id = found ? arena_strdup(arena, PQgetvalue(res, 0, 0)) : NULL;
	PQclear(res);
	if (!found)
		return fail(EXIT_USAGE, "no officer %s", u);
	audit_cli("officer.disable", u, "", unit_id);
	printf("officer %s disabled; their sessions ended\n", u);
	return EXIT_OK;
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

static const struct cmd cmds[] = {
	{ "keys", "init", cmd_keys_init, "",
	  "keys init\n  Creates the server key (TIENGNOI_KEY_FILE, default VAR/secrets/server.key) and the contact\n"
	  "  key pair beside it (contact.pub for the app, contact.key for revealing) if absent." },
	{ "migrate", NULL, cmd_migrate, "",
	  "migrate\n  Applies the numbered SQL files in sql/ not applied yet, each in one transaction." },
	{ "demo", NULL, cmd_demo, "",
	  "demo\n  Loads the Lai Châu demo units, workplaces and QR codes into an empty database." },
	{ "unit", "add", cmd_unit_add, "code name parent kind",
	  "unit add --code CODE --name NAME [--parent CODE] [--kind KIND]\n"
	  "  KIND: national, province, district, commune, sector, industrial_park, public, grassroots, informal\n"
	  "  (default: province without --parent, grassroots with it)." },
	{ "workplace", "add", cmd_workplace_add, "code name unit tax-code address",
	  "workplace add --code CODE --name NAME --unit CODE [--tax-code T] [--address A]" },
	{ "qr", "create", cmd_qr_create, "workplace label forms",
	  "qr create --workplace CODE [--label L] [--forms a,b]\n"
	  "  Creates a QR entry point and prints its URL as the last line (default: all forms)." },
	{ "qr", "list", cmd_qr_list, "", "qr list\n  Prints the URL, workplace and label of every active QR code." },
	{ "qr", "png", cmd_qr_png, "", "qr png TOKEN > code.png\n  Writes the QR code as a PNG (prints at 5 cm) to stdout." },
	{ "qr", "svg", cmd_qr_svg, "", "qr svg TOKEN > code.svg\n  Writes the QR code as SVG to stdout." },
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
	{ "officer", "demo-login", cmd_officer_demo_login, "", "officer demo-login\n  Prints the demo officers' login (made by demo)." },
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
