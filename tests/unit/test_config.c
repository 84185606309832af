/* test_config.c: unit tests for config.c: the tiengnoi.conf parser, its refusals of bad input, and the environment's overrides. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

#include <cmocka.h>

#include "app.h"
#include "config.h"

static char err[1400];

/* Parses text (a C string) and returns the parser's result. */
static int
parse(struct config *c, const char *text)
{
	err[0] = '\0';
	return config_parse(c, "t.conf", text, strlen(text), err, sizeof(err));
}

/* Asserts text is refused with an error that contains want. */
static void
refused(const char *text, const char *want)
{
	struct config c;
	if (parse(&c, text) == 0) {
		print_error("accepted: %s\n", text);
		fail();
	}
	if (strstr(err, want) == NULL) {
		print_error("error \"%s\" lacks \"%s\"\n", err, want);
		fail();
	}
	for (int k = 0; k < CONFIG__MAX; k++)
		assert_null(c.value[k]);
}

static void
test_empty_and_comments(void **state)
{
	(void)state;
	struct config c;
	assert_int_equal(parse(&c, ""), 0);
	for (int k = 0; k < CONFIG__MAX; k++)
		assert_null(c.value[k]);
	assert_int_equal(parse(&c, "\n\n   \n# a comment\n\t# indented comment = not a key\n"), 0);
	for (int k = 0; k < CONFIG__MAX; k++)
		assert_null(c.value[k]);
	config_clear(&c);
}

static void
test_every_key(void **state)
{
	(void)state;
	struct config c;
	const char *text =
	    "\xEF\xBB\xBF# tiengnoi.conf\r\n"
	    "database = host=db1,db2 port=5432,5432 dbname=tiengnoi user=tiengnoi_app target_session_attrs=read-write\r\n"
	    "database_owner=postgresql://tiengnoi@db1:5432/tiengnoi?sslmode=require\n"
	    "\tdatabase_read\t=\thost=db2 dbname=tiengnoi user=tiengnoi_app target_session_attrs=prefer-standby  \n"
	    "base_url = https://tiengnoi.ldld-laichau.vn//\n"
	    "workers = 8\n"
	    "socket = /run/tiengnoi/tiengnoi.sock\n"
	    "forms_dir = /usr/share/tiengnoi/forms\n"
	    "forms_override_dir = /etc/tiengnoi/forms\n"
	    "secrets_dir = /etc/tiengnoi/secrets\n"
	    "state_dir = /var/lib/tiengnoi\n"
	    "smtp_url = smtps://mail.example.vn:465\n"
	    "mail_from = Tiếng nói <khong-tra-loi@ldld-laichau.vn>\n";
	assert_int_equal(parse(&c, text), 0);
	for (int k = 0; k < CONFIG__MAX; k++)
		assert_non_null(c.value[k]);
	assert_string_equal(c.value[CONFIG_DATABASE],
	    "host=db1,db2 port=5432,5432 dbname=tiengnoi user=tiengnoi_app target_session_attrs=read-write");
	assert_int_equal(c.line[CONFIG_DATABASE], 2);
	assert_string_equal(c.value[CONFIG_DATABASE_READ],
	    "host=db2 dbname=tiengnoi user=tiengnoi_app target_session_attrs=prefer-standby");
	assert_string_equal(c.value[CONFIG_BASE_URL], "https://tiengnoi.ldld-laichau.vn");   /* trailing slashes go */
	assert_string_equal(c.value[CONFIG_WORKERS], "8");
	assert_string_equal(c.value[CONFIG_MAIL_FROM], "Tiếng nói <khong-tra-loi@ldld-laichau.vn>");
	assert_int_equal(c.line[CONFIG_MAIL_FROM], 13);
	config_clear(&c);
	assert_null(c.value[CONFIG_DATABASE]);
}

static void
test_malformed_lines(void **state)
{
	(void)state;
	refused("database\n", "t.conf:1: expected \"key = value\"");
	refused("# ok\n= value\n", "t.conf:2: expected");
	refused("Database = x\n", "expected");
	refused("base-url = https://x\n", "expected");
	refused("\n\n\nbogus = 1\n", "t.conf:4: unknown key \"bogus\"");
	refused("workers =\n", "t.conf:1: workers: empty value");
	refused("workers = \t \n", "empty value");
	refused("workers = 2\nworkers = 3\n", "t.conf:2: workers: set twice (first on line 1)");
	/* an unknown key name is echoed short, never whole */
	char longkey[300];
	memset(longkey, 'a', 200);
	snprintf(longkey + 200, sizeof(longkey) - 200, " = 1\n");
	refused(longkey, "unknown key \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"");
	assert_true(strlen(err) < 100);
}

static void
test_bad_values(void **state)
{
	(void)state;
	const char *workers[] = { "abc", "0", "257", "-1", "+4", "4x", " 4 4", "99999999999999999999999", "0x10", "4.0" };
	for (size_t i = 0; i < sizeof(workers) / sizeof(workers[0]); i++) {
		char line[100];
		snprintf(line, sizeof(line), "workers = %s\n", workers[i]);
		refused(line, "t.conf:1: workers: must be a whole number from 1 to 256");
	}
	const char *urls[] = { "ftp://example.vn", "http://", "https:///path", "example.vn", "javascript:alert(1)",
	    "https://a b.vn", "https://x.vn/\"><script>", "https://x.vn/?q=1", "https://x.vn/#frag", "HTTPS://X.VN",
	    "https://x.vn/'onload" };
	for (size_t i = 0; i < sizeof(urls) / sizeof(urls[0]); i++) {
		char line[200];
		snprintf(line, sizeof(line), "base_url = %s\n", urls[i]);
		refused(line, "t.conf:1: base_url: must be an http:// or https:// address");
	}
	refused("database = nonsense\n", "t.conf:1: database: not a libpq connection string");
	refused("database_owner = host='unterminated\n", "database_owner: not a libpq connection string");
	refused("database_read = nosuchoption=1\n", "database_read: not a libpq connection string");
	refused("socket = run/app.sock\n", "socket: must be an absolute path");
	char longsock[200];
	snprintf(longsock, sizeof(longsock), "socket = /%0120d\n", 0);
	refused(longsock, "socket: must be an absolute path of at most 100 bytes");
	refused("state_dir = var\n", "state_dir: must be an absolute path");
	refused("secrets_dir = ../etc\n", "secrets_dir: must be an absolute path");
	refused("forms_dir = ~/forms\n", "forms_dir: must be an absolute path");
	refused("smtp_url = http://mail\n", "smtp_url: must start with smtp:// or smtps://");
	refused("mail_from = nobody\n", "mail_from: must be a mail address");
	/* a bad value after good lines names its own line */
	refused("workers = 4\n# comment\n\nbase_url = https://ok.vn\nwork_ers = 1\n", "t.conf:5: unknown key \"work_ers\"");
}

static void
test_hostile_bytes(void **state)
{
	(void)state;
	struct config c;
	refused("workers = 4\nbase_url = https://x\xff.vn\n", "t.conf:2: not valid UTF-8");
	refused("mail_from = a@\xc3\x28\n", "t.conf:1: not valid UTF-8");
	refused("mail_from = a@b\xed\xa0\x80\n", "not valid UTF-8");   /* a UTF-16 surrogate */
	refused("mail_from = a@b\x1b[31m\n", "t.conf:1: control characters");
	refused("mail_from = a@b\xc2\x85x\n", "control characters");      /* U+0085 */
	refused("workers = 4\rbase_url = https://x\n", "control characters");
	/* a NUL byte inside the text */
	const char nul[] = "workers = 4\nmail_from = a@b\0evil\n";
	err[0] = '\0';
	assert_int_equal(config_parse(&c, "t.conf", nul, sizeof(nul) - 1, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "t.conf:2: control characters"));
	/* a file that is too large, and a line that is too long */
	size_t big = CONFIG_FILE_MAX + 1;
	char *huge = malloc(big + 1);
	assert_non_null(huge);
	memset(huge, '#', big);
	huge[big] = '\0';
	refused(huge, "t.conf: larger than 64 KiB");
	memset(huge, 'x', 5000);
	memcpy(huge, "mail_from = a@", 14);
	huge[5000] = '\0';
	refused(huge, "t.conf:1: line longer than 4096 bytes");
	free(huge);
}

/* Random bytes and random mutations of a good file: the parser either
 * accepts or names a reason, never crashes (ASan build) or leaks. */
static void
test_random_input(void **state)
{
	(void)state;
	const char *good = "database = host=/run/postgresql dbname=tiengnoi user=tiengnoi_app\nworkers = 4\n"
	    "base_url = https://x.vn\n# c\nsocket = /run/tiengnoi/tiengnoi.sock\n";
	char buf[512];
	unsigned seed = 12345;
	for (int round = 0; round < 3000; round++) {
		size_t n;
		if (round % 2) {
			n = (size_t)(rand_r(&seed) % sizeof(buf));
			for (size_t i = 0; i < n; i++)
				buf[i] = (char)(rand_r(&seed) & 0xff);
		} else {
			n = strlen(good);
			memcpy(buf, good, n);
			for (int m = 0; m < 1 + rand_r(&seed) % 4; m++)
				buf[rand_r(&seed) % n] = (char)(rand_r(&seed) & 0xff);
		}
		struct config c;
		err[0] = '\0';
		int rc = config_parse(&c, "r.conf", buf, n, err, sizeof(err));
		if (rc != 0)
			assert_true(strncmp(err, "r.conf", 6) == 0);
		config_clear(&c);
	}
}

static void
test_mask(void **state)
{
	(void)state;
	const char *m = config_mask("host=db1 user=tiengnoi password=s3cret dbname=tiengnoi");
	assert_null(strstr(m, "s3cret"));
	assert_non_null(strstr(m, "password=********"));
	assert_non_null(strstr(m, "host=db1"));
	m = config_mask("postgresql://tiengnoi:hunter2@db1/tiengnoi");
	assert_null(strstr(m, "hunter2"));
	assert_string_equal(config_mask("not a conninfo"), "(not a connection string)");
}

/* config_load(): TIENGNOI_CONFIG, where each value came from, and the
 * environment winning over the file. */
static void
test_load(void **state)
{
	(void)state;
	char path[] = "/tmp/test_config_XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	const char *text = "# test\ndatabase = host=/tmp dbname=x user=tiengnoi_app\nbase_url = https://t.vn/\n"
	    "secrets_dir = /etc/tn-secrets\nworkers = 3\nsocket = /tmp/tn.sock\n";
	assert_int_equal(write(fd, text, strlen(text)), (int)strlen(text));
	close(fd);
	unsetenv("TIENGNOI_DB");
	unsetenv("TIENGNOI_BASE_URL");
	unsetenv("TIENGNOI_KEY_FILE");
	unsetenv("TIENGNOI_FORMS_DIR");
	setenv("TIENGNOI_CONFIG", path, 1);
	assert_int_equal(config_load(err, sizeof(err)), 0);
	assert_string_equal(config_file(), path);
	assert_string_equal(config_conninfo(false), "host=/tmp dbname=x user=tiengnoi_app");
	assert_string_equal(config_conninfo_read(), "host=/tmp dbname=x user=tiengnoi_app");
	assert_string_equal(config_base_url(), "https://t.vn");
	assert_string_equal(config_key_path(), "/etc/tn-secrets/server.key");
	assert_string_equal(config_contact_path(true), "/etc/tn-secrets/contact.key");
	assert_string_equal(config_secrets_dir(), "/etc/tn-secrets");
	assert_int_equal(config_workers(), 3);
	assert_string_equal(config_socket(), "/tmp/tn.sock");
	char where[1300];
	snprintf(where, sizeof(where), "%s:2", path);
	assert_string_equal(config_where(CONFIG_DATABASE), where);
	assert_string_equal(config_where(CONFIG_SMTP_URL), "default");
	assert_string_equal(config_where(CONFIG_FORMS_DIR), "default");
	assert_string_equal(config_forms_dir(), "forms");
	assert_null(getenv("TIENGNOI_FORMS_DIR"));   /* loading settings leaves the environment alone */

	setenv("TIENGNOI_DB", "host=/elsewhere dbname=y", 1);
	setenv("TIENGNOI_BASE_URL", "http://127.0.0.1:9", 1);
	setenv("TIENGNOI_KEY_FILE", "/k/server.key", 1);
	assert_int_equal(config_load(err, sizeof(err)), 0);
	assert_string_equal(config_conninfo(false), "host=/elsewhere dbname=y");
	assert_string_equal(config_conninfo(true), "host=/elsewhere dbname=y");
	assert_string_equal(config_where(CONFIG_DATABASE), "environment TIENGNOI_DB");
	assert_string_equal(config_base_url(), "http://127.0.0.1:9");
	assert_string_equal(config_contact_path(false), "/k/contact.pub");
	unsetenv("TIENGNOI_DB");
	unsetenv("TIENGNOI_BASE_URL");
	unsetenv("TIENGNOI_KEY_FILE");

	/* a broken file: one line naming file, line and key; nothing kept */
	fd = open(path, O_WRONLY | O_TRUNC);
	assert_true(fd >= 0);
	text = "database = host=/tmp\nworkers = many\n";
	assert_int_equal(write(fd, text, strlen(text)), (int)strlen(text));
	close(fd);
	assert_int_equal(config_load(err, sizeof(err)), -1);
	snprintf(where, sizeof(where), "%s:2: workers: must be a whole number", path);
	assert_non_null(strstr(err, where));
	assert_null(strchr(err, '\n'));
	assert_null(config_file());

	/* TIENGNOI_CONFIG names a file that is not there */
	unlink(path);
	assert_int_equal(config_load(err, sizeof(err)), -1);
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, "No such file"));
	setenv("TIENGNOI_CONFIG", "/", 1);
	assert_int_equal(config_load(err, sizeof(err)), -1);
	assert_non_null(strstr(err, "not a regular file"));

	/* no file at all: development defaults, as before */
	unsetenv("TIENGNOI_CONFIG");
	setenv("TIENGNOI_VAR", "/nonexistent-tiengnoi-var", 1);
	assert_int_equal(config_load(err, sizeof(err)), 0);
	assert_null(config_file());
	assert_string_equal(config_key_path(), "/nonexistent-tiengnoi-var/secrets/server.key");
	assert_string_equal(config_base_url(), "http://127.0.0.1:8080");
	assert_null(config_socket());
	assert_int_equal(config_workers(), 0);
	unsetenv("TIENGNOI_VAR");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_and_comments),
		cmocka_unit_test(test_every_key),
		cmocka_unit_test(test_malformed_lines),
		cmocka_unit_test(test_bad_values),
		cmocka_unit_test(test_hostile_bytes),
		cmocka_unit_test(test_random_input),
		cmocka_unit_test(test_mask),
		cmocka_unit_test(test_load),
	};
	return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
