/* config.c: the settings: /etc/tiengnoi/tiengnoi.conf (key = value) under the environment's overrides, else development defaults. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <libpq-fe.h>

#include "app.h"
#include "config.h"
#include "text.h"

/* An installed build (make install, the Debian package) is compiled with
 * -DTIENGNOI_SYSCONFDIR=... and friends; a development build is not, and
 * then everything is relative to the checkout as it always was. */
#ifdef TIENGNOI_SYSCONFDIR
#define INSTALLED 1
#define DEFAULT_CONFIG TIENGNOI_SYSCONFDIR "/tiengnoi.conf"
#define DEFAULT_STATE TIENGNOI_STATEDIR
#define DEFAULT_FORMS TIENGNOI_DATADIR "/forms"
#define DEFAULT_FORMS_OVERRIDE TIENGNOI_SYSCONFDIR "/forms"
#define DEFAULT_SECRETS TIENGNOI_SYSCONFDIR "/secrets"
#define DEFAULT_SQL TIENGNOI_DATADIR "/sql"
#define DEFAULT_SOCKET TIENGNOI_RUNDIR "/tiengnoi.sock"
#else
#define INSTALLED 0
#define DEFAULT_STATE "var"
#define DEFAULT_FORMS "forms"
#define DEFAULT_FORMS_OVERRIDE NULL
#define DEFAULT_SECRETS NULL        /* VAR/secrets */
#define DEFAULT_SQL "sql"
#define DEFAULT_SOCKET NULL         /* -s is required */
#endif

#define LINE_MAX_BYTES 4096
#define PATH_MAX_BYTES 1000

enum check { CHECK_CONNINFO, CHECK_URL, CHECK_WORKERS, CHECK_SOCKET, CHECK_DIR, CHECK_SMTP, CHECK_MAIL };

static const struct {
	const char *name;
	const char *env;      /* the environment variable that overrides it, if any */
	enum check check;
} keys[CONFIG__MAX] = {
	{ "database", "TIENGNOI_DB", CHECK_CONNINFO },                /* CONFIG_DATABASE */
	{ "database_owner", "TIENGNOI_DB", CHECK_CONNINFO },          /* CONFIG_DATABASE_OWNER */
	{ "database_read", "TIENGNOI_DB_READ", CHECK_CONNINFO },      /* CONFIG_DATABASE_READ */
	{ "base_url", "TIENGNOI_BASE_URL", CHECK_URL },               /* CONFIG_BASE_URL */
	{ "workers", NULL, CHECK_WORKERS },                           /* CONFIG_WORKERS */
	{ "socket", NULL, CHECK_SOCKET },                             /* CONFIG_SOCKET */
	{ "forms_dir", "TIENGNOI_FORMS_DIR", CHECK_DIR },             /* CONFIG_FORMS_DIR */
	{ "forms_override_dir", NULL, CHECK_DIR },                    /* CONFIG_FORMS_OVERRIDE_DIR */
	{ "secrets_dir", NULL, CHECK_DIR },                           /* CONFIG_SECRETS_DIR */
	{ "state_dir", "TIENGNOI_VAR", CHECK_DIR },                   /* CONFIG_STATE_DIR */
	{ "smtp_url", "TIENGNOI_SMTP_URL", CHECK_SMTP },              /* CONFIG_SMTP_URL */
	{ "mail_from", "TIENGNOI_MAIL_FROM", CHECK_MAIL },            /* CONFIG_MAIL_FROM */
};

/* The file read by config_load(): read-only once loaded. */
static struct config loaded;
static char *loaded_file;

const char *
config_key_name(enum config_key k)
{
	return keys[k].name;
}

static const char *
env_of(enum config_key k)
{
	const char *v = keys[k].env ? getenv(keys[k].env) : NULL;
	return v && *v ? v : NULL;
}

/* The effective value: the environment, else the file, else NULL. */
static const char *
setting(enum config_key k)
{
	const char *v = env_of(k);
	return v ? v : loaded.value[k];
}

/* The effective value, else `fallback` (the built-in default). */
static const char *
setting_or(enum config_key k, const char *fallback)
{
	const char *v = setting(k);
	return v ? v : fallback;
}

static bool
absolute_path(const char *v, size_t max)
{
	return v[0] == '/' && strlen(v) <= max;
}

/* Says what is wrong with a value (into why), or returns true. Values are
 * valid UTF-8 without control characters already. */
static bool
check_value(enum config_key k, const char *v, char *why, size_t whylen)
{
	switch (keys[k].check) {
	case CHECK_CONNINFO: {
		char *msg = NULL;
		PQconninfoOption *o = strlen(v) > 2000 ? NULL : PQconninfoParse(v, &msg);
		if (o != NULL) {
			PQconninfoFree(o);
			return true;
		}
		size_t n = msg ? strcspn(msg, "\n") : 0;
		snprintf(why, whylen, "not a libpq connection string%s%.*s", n ? ": " : " (over 2000 bytes)", (int)n, msg ? msg : "");
		PQfreemem(msg);
		return false;
	}
	case CHECK_URL: {
		const char *host = strncmp(v, "https://", 8) == 0 ? v + 8 : strncmp(v, "http://", 7) == 0 ? v + 7 : NULL;
		size_t ok = host ? strspn(host, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_~:/%[]") : 0;
		if (host == NULL || *host == '\0' || *host == '/' || *host == ':' || host[ok] != '\0' || strlen(v) > 200) {
			snprintf(why, whylen, "must be an http:// or https:// address (at most 200 characters, no query), not \"%.60s\"", v);
			return false;
		}
		return true;
	}
	case CHECK_WORKERS: {
		char *end;
		errno = 0;
		long n = strtol(v, &end, 10);
		if (v[0] < '0' || v[0] > '9' || *end != '\0' || errno != 0 || n < 1 || n > CONFIG_WORKERS_MAX) {
			snprintf(why, whylen, "must be a whole number from 1 to %d, not \"%.40s\"", CONFIG_WORKERS_MAX, v);
			return false;
		}
		return true;
	}
	case CHECK_SOCKET:
		if (!absolute_path(v, 100)) {   /* sun_path holds 108 bytes */
			snprintf(why, whylen, "must be an absolute path of at most 100 bytes, not \"%.60s\"", v);
			return false;
		}
		return true;
	case CHECK_DIR:
		if (!absolute_path(v, PATH_MAX_BYTES)) {
			snprintf(why, whylen, "must be an absolute path (at most %d bytes), not \"%.60s\"", PATH_MAX_BYTES, v);
			return false;
		}
		return true;
	case CHECK_SMTP:
		if ((strncmp(v, "smtp://", 7) != 0 && strncmp(v, "smtps://", 8) != 0) || strlen(v) > 500) {
			snprintf(why, whylen, "must start with smtp:// or smtps:// (at most 500 characters)");
			return false;
		}
		return true;
	case CHECK_MAIL:
		if (strchr(v, '@') == NULL || strlen(v) > 254) {
			snprintf(why, whylen, "must be a mail address (at most 254 characters), not \"%.60s\"", v);
			return false;
		}
		return true;
	}
	return false;
}

static int
parse_fail(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int
parse_fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

/* Parses a whole file's text: "key = value" lines, blank lines and lines
 * whose first non-blank character is '#'. Any unknown key, malformed line,
 * repeated key or bad value fails with one line "NAME:LINE: key: why" in
 * err and leaves c empty. Values are the caller's to free (config_clear). */
int
config_parse(struct config *c, const char *name, const char *text, size_t len, char *err, size_t errlen)
{
	const char *p = text, *end = text + len;
	int lineno = 0;
	memset(c, 0, sizeof(*c));
	if (len > CONFIG_FILE_MAX)
		return parse_fail(err, errlen, "%s: larger than %d KiB: not a configuration file", name, CONFIG_FILE_MAX / 1024);
	if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
		p += 3;   /* a byte-order mark from a Windows editor */
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		size_t n = eol ? (size_t)(eol - p) : (size_t)(end - p);
		const char *l = p;
		p = eol ? eol + 1 : end;
		lineno++;
		if (n > 0 && l[n - 1] == '\r')
			n--;
		if (n > LINE_MAX_BYTES) {
			parse_fail(err, errlen, "%s:%d: line longer than %d bytes", name, lineno, LINE_MAX_BYTES);
			goto fail;
		}
		if (!text_valid_utf8(l, n)) {
			parse_fail(err, errlen, "%s:%d: not valid UTF-8 text", name, lineno);
			goto fail;
		}
		if (memchr(l, '\0', n) || memchr(l, '\r', n) || text_has_controls(l, n)) {
			parse_fail(err, errlen, "%s:%d: control characters in the line", name, lineno);
			goto fail;
		}
		while (n > 0 && (*l == ' ' || *l == '\t'))
			l++, n--;
		while (n > 0 && (l[n - 1] == ' ' || l[n - 1] == '\t'))
			n--;
		if (n == 0 || l[0] == '#')
			continue;
		size_t klen = 0;
		while (klen < n && ((l[klen] >= 'a' && l[klen] <= 'z') || l[klen] == '_'))
			klen++;
		size_t i = klen;
		while (i < n && (l[i] == ' ' || l[i] == '\t'))
			i++;
		if (klen == 0 || i == n || l[i] != '=') {
			parse_fail(err, errlen, "%s:%d: expected \"key = value\"", name, lineno);
			goto fail;
		}
		enum config_key k;
		for (k = 0; k < CONFIG__MAX; k++)
			if (strlen(keys[k].name) == klen && memcmp(keys[k].name, l, klen) == 0)
				break;
		if (k == CONFIG__MAX) {
			parse_fail(err, errlen, "%s:%d: unknown key \"%.*s\"", name, lineno, (int)(klen > 40 ? 40 : klen), l);
			goto fail;
		}
		for (i++; i < n && (l[i] == ' ' || l[i] == '\t'); i++)
			;
		if (i == n) {
			parse_fail(err, errlen, "%s:%d: %s: empty value", name, lineno, keys[k].name);
			goto fail;
		}
		if (c->value[k] != NULL) {
			parse_fail(err, errlen, "%s:%d: %s: set twice (first on line %d)", name, lineno, keys[k].name, c->line[k]);
			goto fail;
		}
		char *v = strndup(l + i, n - i);
		if (v == NULL) {
			parse_fail(err, errlen, "%s: out of memory", name);
			goto fail;
		}
		if (keys[k].check == CHECK_URL)
			for (size_t vl = strlen(v); vl > 8 && v[vl - 1] == '/'; vl--)
				v[vl - 1] = '\0';   /* "https://host/" and "https://host" are one address */
		char why[300];
		if (!check_value(k, v, why, sizeof(why))) {
			free(v);
			parse_fail(err, errlen, "%s:%d: %s: %s", name, lineno, keys[k].name, why);
			goto fail;
		}
		c->value[k] = v;
		c->line[k] = lineno;
	}
	return 0;
fail:
	config_clear(c);
	return -1;
}

void
config_clear(struct config *c)
{
	for (int k = 0; k < CONFIG__MAX; k++)
		free(c->value[k]);
	memset(c, 0, sizeof(*c));
}

/* Reads a regular file of at most CONFIG_FILE_MAX bytes into a malloc'd
 * buffer; NULL with the reason in err. */
static char *
read_small_file(const char *path, size_t *len, char *err, size_t errlen)
{
	struct stat st;
	char *text = NULL;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		parse_fail(err, errlen, "%s: cannot read: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		parse_fail(err, errlen, "%s: not a regular file", path);
		goto out;
	}
	if (st.st_size > CONFIG_FILE_MAX) {
		parse_fail(err, errlen, "%s: larger than %d KiB: not a configuration file", path, CONFIG_FILE_MAX / 1024);
		goto out;
	}
	text = malloc((size_t)st.st_size + 1);
	if (text == NULL) {
		parse_fail(err, errlen, "%s: out of memory", path);
		goto out;
	}
	ssize_t got = read(fd, text, (size_t)st.st_size + 1);
	if (got < 0 || got > st.st_size) {
		parse_fail(err, errlen, "%s: cannot read: %s", path, got < 0 ? strerror(errno) : "it grew while read");
		free(text);
		text = NULL;
		goto out;
	}
	*len = (size_t)got;
out:
	close(fd);
	return text;
}

/* Finds and reads the configuration file once: TIENGNOI_CONFIG when set
 * (it must exist); else, in an installed build, /etc/tiengnoi/tiengnoi.conf
 * if it exists; else, in a development checkout, $TIENGNOI_VAR/tiengnoi.conf
 * if it exists; else none (the environment and defaults alone). An installed
 * build then insists on a database and a public address. Returns 0, or -1
 * with one line naming the file, line and key in err. */
int
config_load(char *err, size_t errlen)
{
	char dev[1200];
	const char *path = getenv("TIENGNOI_CONFIG");
	bool must_exist = path && *path;
	size_t len = 0;

	config_clear(&loaded);
	free(loaded_file);
	loaded_file = NULL;
	if (!must_exist) {
#if INSTALLED
		path = DEFAULT_CONFIG;
#else
		snprintf(dev, sizeof(dev), "%s/tiengnoi.conf", config_var_dir());
		path = dev;
#endif
		if (access(path, F_OK) != 0)
			path = NULL;
	}
	if (path != NULL) {
		char *text = read_small_file(path, &len, err, errlen);
		if (text == NULL)
			return -1;
		int rc = config_parse(&loaded, path, text, len, err, errlen);
		free(text);
		if (rc != 0)
			return -1;
		loaded_file = strdup(path);
	}
#if INSTALLED
	static const enum config_key required[] = { CONFIG_DATABASE, CONFIG_DATABASE_OWNER, CONFIG_BASE_URL };
	for (size_t i = 0; i < sizeof(required) / sizeof(required[0]); i++)
		if (setting(required[i]) == NULL)
			return parse_fail(err, errlen, "%s: %s: missing (this key is required)",
			    loaded_file ? loaded_file : DEFAULT_CONFIG " (absent)", keys[required[i]].name);
#endif
	(void)dev;
	return 0;
}

/* The file config_load() read, or NULL. */
const char *
config_file(void)
{
	return loaded_file;
}

/* Where a setting comes from, for messages: "environment TIENGNOI_DB",
 * "FILE:LINE" or "default". Static storage. */
const char *
config_where(enum config_key k)
{
	static char buf[1200];
	if (env_of(k)) {
		snprintf(buf, sizeof(buf), "environment %s", keys[k].env);
	} else if (loaded.value[k] != NULL) {
		snprintf(buf, sizeof(buf), "%s:%d", loaded_file, loaded.line[k]);
	} else {
		snprintf(buf, sizeof(buf), "default");
	}
	return buf;
}

/* The connection string with any password replaced by ********, for
 * printing. Static storage. */
const char *
config_mask(const char *conninfo)
{
	static char buf[2600];
	char *msg = NULL;
	PQconninfoOption *opts = PQconninfoParse(conninfo, &msg);
	size_t used = 0;
	PQfreemem(msg);
	if (opts == NULL)
		return "(not a connection string)";
	buf[0] = '\0';
	for (PQconninfoOption *o = opts; o->keyword != NULL; o++) {
		if (o->val == NULL || used >= sizeof(buf) - 1)
			continue;
		const char *v = strcmp(o->keyword, "password") == 0 ? "********" : o->val;
		bool quote = *v == '\0' || strpbrk(v, " '\\") != NULL;
		int w = snprintf(buf + used, sizeof(buf) - used, "%s%s=%s", used ? " " : "", o->keyword, quote ? "'" : "");
		if (w > 0)
			used += (size_t)w;
		for (const char *s = v; *s && used < sizeof(buf) - 3; s++) {
			if (quote && (*s == '\'' || *s == '\\'))
				buf[used++] = '\\';
			buf[used++] = *s;
		}
		if (quote && used < sizeof(buf) - 1)
			buf[used++] = '\'';
		buf[used < sizeof(buf) ? used : sizeof(buf) - 1] = '\0';
	}
	PQconninfoFree(opts);
	return buf;
}

/* The state directory: TIENGNOI_VAR, state_dir, else "var" (development,
 * relative to the working directory) or /var/lib/tiengnoi (installed). */
const char *
config_var_dir(void)
{
	const char *v = setting(CONFIG_STATE_DIR);
	return v ? v : DEFAULT_STATE;
}

/* TIENGNOI_DB when set; else database_owner (owner: the CLI, migrations)
 * or database (the app); else the private cluster's socket under the
 * state directory, as the owner role or the app role. */
const char *
config_conninfo(bool owner)
{
	static char buf[2][1200];
	const char *db = setting(owner ? CONFIG_DATABASE_OWNER : CONFIG_DATABASE);
	if (db)
		return db;
	char *p = buf[owner];
	const char *var = config_var_dir();
	char abs[1024];
	if (var[0] != '/' && realpath(var, abs) != NULL)
		var = abs;
	snprintf(p, sizeof(buf[0]), "host='%s/run' dbname=tiengnoi user=%s connect_timeout=3",
	    var, owner ? "tiengnoi" : "tiengnoi_app");
	return p;
}

/* The connection for heavy read pages and exports (a standby may answer):
 * TIENGNOI_DB_READ, database_read, else the app's own connection. */
const char *
config_conninfo_read(void)
{
	const char *db = setting(CONFIG_DATABASE_READ);
	return db ? db : config_conninfo(false);
}

/* TIENGNOI_KEY_FILE; else secrets_dir/server.key (installed default
 * /etc/tiengnoi/secrets); else VAR/secrets/server.key. */
const char *
config_key_path(void)
{
	static char p[1100];
	const char *k = getenv("TIENGNOI_KEY_FILE");
	if (k && *k)
		return k;
	const char *dir = setting_or(CONFIG_SECRETS_DIR, DEFAULT_SECRETS);
	if (dir != NULL)
		snprintf(p, sizeof(p), "%s/server.key", dir);
	else
		snprintf(p, sizeof(p), "%s/secrets/server.key", config_var_dir());
	return p;
}

/* The directory that holds the keys: the server key's. Static storage. */
const char *
config_secrets_dir(void)
{
	static char p[1100];
	const char *k = config_key_path();
	const char *slash = strrchr(k, '/');
	snprintf(p, sizeof(p), "%.*s", slash ? (int)(slash - k) : 1, slash ? k : ".");
	return p;
}

/* The contact-encryption key pair sits beside the server key: the app
 * needs only the public half to seal; the secret half opens contact
 * details for an officer who presses "reveal". */
const char *
config_contact_path(bool secret)
{
	static char p[2][1200];
	snprintf(p[secret], sizeof(p[0]), "%s/%s", config_secrets_dir(), secret ? "contact.key" : "contact.pub");
	return p[secret];
}

/* TIENGNOI_BASE_URL, base_url, else the address of the development stack
 * running on this state directory (scripts/stack.sh writes it to
 * run/base_url when it starts, so `qr list` in another shell prints the
 * PORT it really runs on), else http://127.0.0.1:8080: the public address
 * printed in QR codes. A run/base_url that is not a valid address is
 * ignored. */
const char *
config_base_url(void)
{
	const char *v = setting(CONFIG_BASE_URL);
	if (v)
		return v;
	static char running[256];
	if (running[0] == '\0') {
		char path[1200], why[300];
		snprintf(path, sizeof(path), "%s/run/base_url", config_var_dir());
		FILE *f = fopen(path, "r");
		if (f && fgets(running, sizeof(running), f)) {
			running[strcspn(running, "\r\n")] = '\0';
			for (size_t n = strlen(running); n > 8 && running[n - 1] == '/'; n--)
				running[n - 1] = '\0';
			if (!check_value(CONFIG_BASE_URL, running, why, sizeof(why)))
				running[0] = '\0';
		}
		if (f)
			fclose(f);
		if (running[0] == '\0')
			snprintf(running, sizeof(running), "http://127.0.0.1:8080");
	}
	return running;
}

/* workers, or 0 when not set (the app then runs 2 x cores). */
int
config_workers(void)
{
	const char *v = loaded.value[CONFIG_WORKERS];
	return v ? atoi(v) : 0;
}

/* socket, else /run/tiengnoi/tiengnoi.sock (installed) or NULL. */
const char *
config_socket(void)
{
	return setting_or(CONFIG_SOCKET, DEFAULT_SOCKET);
}

/* TIENGNOI_FORMS_DIR, forms_dir, else forms (development) or
 * /usr/share/tiengnoi/forms (installed). */
const char *
config_forms_dir(void)
{
	return setting_or(CONFIG_FORMS_DIR, DEFAULT_FORMS);
}

/* forms_override_dir (installed default /etc/tiengnoi/forms), or NULL. */
const char *
config_forms_override_dir(void)
{
	return setting_or(CONFIG_FORMS_OVERRIDE_DIR, DEFAULT_FORMS_OVERRIDE);
}

/* TIENGNOI_SQL_DIR, else sql (development) or /usr/share/tiengnoi/sql. */
const char *
config_sql_dir(void)
{
	const char *v = getenv("TIENGNOI_SQL_DIR");
	return v && *v ? v : DEFAULT_SQL;
}

const char *
config_smtp_url(void)
{
	return setting(CONFIG_SMTP_URL);
}

const char *
config_mail_from(void)
{
	return setting(CONFIG_MAIL_FROM);
}
