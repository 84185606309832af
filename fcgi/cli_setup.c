/* cli_setup.c: tiengnoi-admin's setup commands: keys init, migrate, and the Lai Châu demo data. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <libpq-fe.h>

#include "app.h"
#include "arena.h"
#include "buf.h"
#include "cli.h"
#include "config.h"
#include "db.h"
#include "token.h"

int
cmd_keys_init(struct cli *cli, struct opts *o)
{
	(void)cli;
	(void)o;
	char dir[1100];
	snprintf(dir, sizeof(dir), "%s", config_secrets_dir());
	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		return cli_fail(EXIT_FAIL, "cannot create %s: %s", dir, strerror(errno));
	int rc = keys_create_file(config_key_path());
	if (rc < 0)
		return cli_fail(EXIT_FAIL, "cannot create %s: %s", config_key_path(), strerror(errno));
	printf("%s %s\n", rc == 0 ? "created" : "kept", config_key_path());
	rc = keys_create_contact(config_contact_path(false), config_contact_path(true));
	if (rc < 0)
		return cli_fail(EXIT_FAIL, "cannot create the contact key pair %s, %s: %s", config_contact_path(false),
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
read_file(struct cli *cli, const char *path)
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
	char *s = arena_strndup(cli->arena, b.data ? b.data : "", b.len);
	buf_free(&b);
	return s;
}

/* True when s holds nothing but blank lines and -- comments. */
static bool
sql_is_blank(const char *s)
{
	while (*s != '\0') {
		s += strspn(s, " \t\n");
		if (strncmp(s, "--", 2) == 0)
			s += strcspn(s, "\n");
		else if (*s != '\0')
			return false;
	}
	return true;
}

/* Runs a migration that cannot be one transaction (CREATE INDEX
 * CONCURRENTLY) one statement at a time, each committed alone: statements
 * end with a semicolon at the end of a line. Its statements must be safe
 * to run again, since a failure leaves those before it applied. 0 or -1. */
static int
migrate_alone(struct cli *cli, char *sql)
{
	for (char *s = sql, *end; *s != '\0'; s = end) {
		end = strstr(s, ";\n");
		end = end ? end + 2 : s + strlen(s);
		char keep = *end;
		*end = '\0';
		int rc = sql_is_blank(s) ? 0 : db_exec_script(cli->db, s);
		*end = keep;
		if (rc != 0)
			return -1;
	}
	return 0;
}

/* Applies sql/NNN_*.sql files not yet recorded, in name order, each in one
 * transaction together with its record, except a file that says
 * "-- migrate: outside a transaction" on a line of its own (then
 * migrate_alone(), and the record alone after it). */
int
cmd_migrate(struct cli *cli, struct opts *o)
{
	(void)o;
	const char *dir = config_sql_dir();
	char *names[256];
	size_t n = 0;
	int applied = 0;
	PGresult *res = cli_run(cli, "CREATE TABLE IF NOT EXISTS schema_migration ("
	    "name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())", 0, NULL, NULL);
	if (res == NULL)
		return EXIT_FAIL;
	PQclear(res);
	DIR *d = opendir(dir);
	if (d == NULL)
		return cli_fail(EXIT_FAIL, "cannot open %s: %s", dir, strerror(errno));
	struct dirent *de;
	while ((de = readdir(d)) != NULL && n < 256) {
		size_t len = strlen(de->d_name);
		if (len > 8 && de->d_name[0] >= '0' && de->d_name[0] <= '9' && strcmp(de->d_name + len - 4, ".sql") == 0)
			names[n++] = arena_strdup(cli->arena, de->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(names[0]), cmp_name);
	for (size_t i = 0; i < n; i++) {
		const char *p[1] = { names[i] };
		res = cli_run(cli, "SELECT 1 FROM schema_migration WHERE name = $1", 1, p, NULL);
		if (res == NULL)
			return EXIT_FAIL;
		bool done = PQntuples(res) > 0;
		PQclear(res);
		if (done)
			continue;
		char *sql = read_file(cli, arena_printf(cli->arena, "%s/%s", dir, names[i]));
		if (sql == NULL)
			return cli_fail(EXIT_FAIL, "cannot read %s/%s", dir, names[i]);
		if (strstr(sql, "\n-- migrate: outside a transaction\n") != NULL) {
			if (migrate_alone(cli, sql) != 0)
				return cli_fail(EXIT_FAIL, "migration %s failed (its statements before the failing one stay "
				    "applied; run migrate again): %s", names[i], db_error(cli->db));
			if (db_exec_script(cli->db, "BEGIN") != 0)
				return cli_fail(EXIT_FAIL, "migration %s: %s", names[i], db_error(cli->db));
		} else if (db_exec_script(cli->db, "BEGIN") != 0 || db_exec_script(cli->db, sql) != 0) {
			char why[300];
			snprintf(why, sizeof(why), "%s", db_error(cli->db));
			db_exec_script(cli->db, "ROLLBACK");
			return cli_fail(EXIT_FAIL, "migration %s failed, nothing of it applied: %s", names[i], why);
		}
		res = cli_run(cli, "INSERT INTO schema_migration (name) VALUES ($1)", 1, p, NULL);
		if (res == NULL) {
			db_exec_script(cli->db, "ROLLBACK");
			return EXIT_FAIL;
		}
		PQclear(res);
		if (db_exec_script(cli->db, "COMMIT") != 0)
			return cli_fail(EXIT_FAIL, "migration %s failed at commit: %s", names[i], db_error(cli->db));
		printf("applied %s\n", names[i]);
		applied++;
	}
	printf("database is up to date (%d applied now)\n", applied);
	return EXIT_OK;
}

/* ---- demo data ---- */

/* Loads the Lai Châu demo into an empty database; does nothing otherwise. */
int
cmd_demo(struct cli *cli, struct opts *o)
{
	(void)o;
	enum { COL_COUNT };
	PGresult *res = cli_run(cli, "SELECT count(*) FROM org_unit", 0, NULL, NULL);
	if (res == NULL)
		return EXIT_FAIL;
	bool empty = strcmp(PQgetvalue(res, 0, COL_COUNT), "0") == 0;
	PQclear(res);
	if (!empty) {
		printf("demo data not loaded: the database already has units\n");
		return EXIT_OK;
	}
	int rc = EXIT_OK;
	if ((rc = cli_unit_add(cli, "LDLD-LAICHAU", "Liên đoàn Lao động tỉnh Lai Châu", NULL, "province")) ||
	    (rc = cli_unit_add(cli, "CD-TANPHONG", "Công đoàn phường Tân Phong", "LDLD-LAICHAU", "commune")) ||
	    (rc = cli_unit_add(cli, "CDN-CONGTHUONG", "Công đoàn ngành Công Thương tỉnh Lai Châu", "LDLD-LAICHAU", "sector")) ||
	    (rc = cli_unit_hotline_set(cli, "LDLD-LAICHAU", "0213 3876 543")) ||
	    (rc = cli_workplace_add(cli, "MAY-TANPHONG", "Công ty TNHH May mặc Tân Phong", "CD-TANPHONG",
	        "6200123456", "Phường Tân Phong, tỉnh Lai Châu")) ||
	    (rc = cli_workplace_add(cli, "CHE-TAMDUONG", "Nhà máy Chè Tam Đường", "CDN-CONGTHUONG",
	        "6200234567", "Xã Bình Lư, tỉnh Lai Châu")) ||
	    (rc = cli_workplace_add(cli, "THUYDIEN-NAMNHUN", "Công ty Cổ phần Thủy điện Nậm Nhùn", "CDN-CONGTHUONG",
	        "6200345678", "Xã Nậm Hàng, tỉnh Lai Châu")) ||
	    (rc = cli_qr_create(cli, "MAY-TANPHONG", "Nhà ăn ca", NULL)) ||
	    (rc = cli_qr_create(cli, "CHE-TAMDUONG", "Cổng chính", NULL)) ||
	    (rc = cli_qr_create(cli, "THUYDIEN-NAMNHUN", "Bảng tin Công đoàn", NULL)))
		return rc;
	/* a provincial admin whose password is made here and kept beside the keys */
	char pw[17], path[1100];
	token_random(pw, 16);
	if ((rc = cli_officer_add(cli, "demo.tinh", "LDLD-LAICHAU", "admin", "Cán bộ demo LĐLĐ tỉnh", pw)) ||
	    (rc = cli_officer_add(cli, "demo.tanphong", "CD-TANPHONG", "officer", "Cán bộ demo CĐ phường Tân Phong", pw)))
		return rc;
	snprintf(path, sizeof(path), "%s/secrets/demo-officer.txt", config_var_dir());
	FILE *f = fopen(path, "w");
	if (f == NULL)
		return cli_fail(EXIT_FAIL, "cannot write %s", path);
	fprintf(f, "province admin: demo.tinh / %s\nward officer:   demo.tanphong / %s\n", pw, pw);
	fclose(f);
	chmod(path, 0600);
	printf("demo data loaded\n");
	return EXIT_OK;
}
