/* cli_config.c: tiengnoi-admin config check: the effective settings and what the service needs, checked. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "app.h"
#include "arena.h"
#include "cli.h"
#include "config.h"
#include "db.h"
#include "form.h"
#include "token.h"

/* Prints the effective settings (passwords masked, key material never)
 * and checks what the service needs: key files, forms, migrations, each
 * database connection. Exit 0 when all is well; else each problem is one
 * line on stderr, as the service would say it, and exit 1. */
int
cmd_config_check(struct cli *cli, struct opts *o)
{
	(void)o;
	static struct keys k;
	char err[1400];
	int bad = 0;
	printf("# file: %s\n", config_file() ? config_file() : "none (environment and defaults)");
	for (int i = 0; i < CONFIG__MAX; i++) {
		const char *v = NULL;
		switch ((enum config_key)i) {
		case CONFIG_DATABASE: v = config_mask(config_conninfo(false)); break;
		case CONFIG_DATABASE_OWNER: v = config_mask(config_conninfo(true)); break;
		case CONFIG_DATABASE_READ:
			v = strcmp(config_where(CONFIG_DATABASE_READ), "default") ? config_mask(config_conninfo_read()) : "(as database)";
			break;
		case CONFIG_BASE_URL: v = config_base_url(); break;
		case CONFIG_WORKERS: v = config_workers() ? arena_printf(cli->arena, "%d", config_workers()) : "2 x cores"; break;
		case CONFIG_SOCKET: v = config_socket() ? config_socket() : "(tiengnoi.fcgi -s)"; break;
		case CONFIG_FORMS_DIR: v = config_forms_dir(); break;
		case CONFIG_FORMS_OVERRIDE_DIR: v = config_forms_override_dir() ? config_forms_override_dir() : "(none)"; break;
		case CONFIG_SECRETS_DIR: v = config_secrets_dir(); break;
		case CONFIG_STATE_DIR: v = config_var_dir(); break;
		case CONFIG_SMTP_URL: v = config_smtp_url() ? "(set, not shown)" : "(none)"; break;
		case CONFIG_MAIL_FROM: v = config_mail_from() ? config_mail_from() : "(none)"; break;
		case CONFIG__MAX: break;
		}
		printf("%s = %s   # %s\n", config_key_name((enum config_key)i), v ? v : "", config_where((enum config_key)i));
	}
	printf("sql_dir = %s\n", config_sql_dir());
	if (keys_load(config_key_path(), &k, err, sizeof(err)) != 0 ||
	    keys_load_contact(config_contact_path(false), &k, err, sizeof(err)) != 0)
		bad = cli_fail(EXIT_FAIL, "%s", err);
	if (access(config_contact_path(true), R_OK) != 0)
		printf("# note: %s is not readable here: officers cannot reveal contact details\n", config_contact_path(true));
	struct form_set *set = form_set_load(config_forms_dir(), config_forms_override_dir(), err, sizeof(err));
	if (set == NULL)
		bad = cli_fail(EXIT_FAIL, "forms_dir: %s", err);
	else
		printf("# forms: %zu in %s\n", set->n, config_forms_dir());
	form_set_free(set);
	DIR *d = opendir(config_sql_dir());
	if (d == NULL)
		bad = cli_fail(EXIT_FAIL, "cannot open the migrations in %s: %s", config_sql_dir(), strerror(errno));
	else
		closedir(d);
	static const struct { enum config_key key; bool owner; } conns[] = {
		{ CONFIG_DATABASE, false }, { CONFIG_DATABASE_OWNER, true }, { CONFIG_DATABASE_READ, false } };
	for (size_t i = 0; i < sizeof(conns) / sizeof(conns[0]); i++) {
		if (conns[i].key == CONFIG_DATABASE_READ && strcmp(config_where(CONFIG_DATABASE_READ), "default") == 0)
			continue;   /* the app's own connection, checked above */
		const char *ci = conns[i].key == CONFIG_DATABASE_READ ? config_conninfo_read() : config_conninfo(conns[i].owner);
		struct db *c = db_open(ci, false);
		if (c == NULL || !db_ready(c)) {
			const char *why = c ? db_error(c) : "out of memory";
			bad = cli_fail(EXIT_FAIL, "%s (%s) unreachable: %.*s", config_key_name(conns[i].key),
			    config_where(conns[i].key), (int)strcspn(why, "\n"), why);
		} else {
			printf("# %s: connected\n", config_key_name(conns[i].key));
		}
		db_close(c);
	}
	if (bad)
		return EXIT_FAIL;
	printf("# config check: ok\n");
	return EXIT_OK;
}
