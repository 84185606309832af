/* cli.h: what the CLI's command files share: a command's options, the run's arena and database, failing, SQL and audit helpers. */
#ifndef TIENGNOI_CLI_H
#define TIENGNOI_CLI_H
#include <stdbool.h>
#include <stddef.h>
#include <libpq-fe.h>

enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2 };

#define OPTS_MAX 16

/* One subcommand's parsed --options. */
struct opts {
	const char *names[OPTS_MAX];
	const char *values[OPTS_MAX];
	size_t n;
	const char *positional[4];
	size_t npos;
	bool help;
};

/* One run of tiengnoi-admin: its arena (freed at exit) and, for a command
 * flagged CLI_DB, the database main connected to before running it. */
struct cli {
	struct arena *arena;
	struct db *db;
};

/* A row of the command table (cli.c), as git's commands[]. */
enum cli_flag {
	CLI_DB = 1 << 0,       /* main connects to the database before run() */
};

struct cli_cmd {
	const char *group;
	const char *name;      /* NULL: the group is the whole command ("migrate") */
	int (*run)(struct cli *, struct opts *);
	const char *allowed;   /* space-separated option names; "name?" is a flag without a value */
	const char *usage;
	unsigned flags;        /* enum cli_flag */
};

/* Says "tiengnoi-admin: ..." on stderr (the operator's error output, not
 * the log) and returns code, so a command ends with `return cli_fail(...)`. */
int cli_fail(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* cli_fail(EXIT_FAIL, "database error: ...") with the connection's last
 * error, for a failed statement or transaction. */
int cli_db_failed(struct cli *);
/* One line on stderr without the program's name: the details a
 * cli_fail() sums up (each bad line of an import). */
void cli_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The value of --name, or NULL when not given. */
const char *cli_opt(const struct opts *, const char *name);
/* A text argument in NFC, checked (valid UTF-8, no control characters,
 * 1 to max characters), from the arena; NULL after saying why. */
const char *cli_text_arg(struct cli *, const char *what, const char *v, size_t max);
/* A whole file (or stdin for "-") in the arena, NUL bytes kept, *len its
 * length; NULL when it cannot be read or is over max bytes (errno EFBIG). */
char *cli_read_all(struct cli *, const char *path, size_t max, size_t *len);
/* The form definitions (forms_dir, TIENGNOI_FORMS_DIR, default forms/, with forms_override_dir); free with form_set_free(). */
struct form_set *cli_forms_load(char *err, size_t errlen);

/* Runs a statement whose SQL is a string literal; on failure says why and
 * returns NULL. A unique or foreign-key violation sets *usage so the
 * caller exits 2. */
#define cli_run(cli, sql, n, values, usage) cli_query((cli), "" sql, (n), (values), (usage))
PGresult *cli_query(struct cli *, const char *sql_literal, int n, const char *const *values, bool *usage);
/* The id a one-column literal query finds for code, from the arena; NULL
 * after saying "no WHAT with code CODE" (or the database error). */
#define cli_id_by_code(cli, sql, what, code) cli_id_lookup((cli), "" sql, (what), (code))
char *cli_id_lookup(struct cli *, const char *sql_literal, const char *what, const char *code);
/* Records what the CLI changed in the audit chain (no officer: the
 * operator at the console). Inside the caller's transaction, false means
 * nothing was written and the caller must roll back, so a purge or an
 * erasure is never committed unaudited. */
bool cli_audit(struct cli *, const char *action, const char *object, const char *detail, const char *unit_id);

/* Shared by `demo` (cli_setup.c) and their own commands. */
int cli_unit_add(struct cli *, const char *code, const char *name, const char *parent, const char *kind);
int cli_unit_hotline_set(struct cli *, const char *code, const char *hotline);
int cli_workplace_add(struct cli *, const char *code, const char *name, const char *unit, const char *tax,
    const char *address);
int cli_qr_create(struct cli *, const char *workplace, const char *label, const char *forms);
int cli_officer_add(struct cli *, const char *username, const char *unit, const char *role, const char *name,
    const char *password);

/* The commands, one file per family, in the order of the table. */
int cmd_keys_init(struct cli *, struct opts *);          /* cli_setup.c */
int cmd_config_check(struct cli *, struct opts *);       /* cli_config.c */
int cmd_migrate(struct cli *, struct opts *);
int cmd_demo(struct cli *, struct opts *);
int cmd_unit_add(struct cli *, struct opts *);           /* cli_org.c */
int cmd_unit_hotline(struct cli *, struct opts *);
int cmd_unit_reply_days(struct cli *, struct opts *);
int cmd_workplace_add(struct cli *, struct opts *);
int cmd_workplace_import(struct cli *, struct opts *);
int cmd_qr_create(struct cli *, struct opts *);
int cmd_qr_list(struct cli *, struct opts *);
int cmd_qr_png(struct cli *, struct opts *);
int cmd_qr_svg(struct cli *, struct opts *);
int cmd_qr_poster(struct cli *, struct opts *);
int cmd_officer_add(struct cli *, struct opts *);        /* cli_officer.c */
int cmd_officer_passwd(struct cli *, struct opts *);
int cmd_officer_disable(struct cli *, struct opts *);
int cmd_officer_demo_login(struct cli *, struct opts *);
int cmd_officer_email(struct cli *, struct opts *);      /* cli_notify.c */
int cmd_outbox_list(struct cli *, struct opts *);
int cmd_webhook_add(struct cli *, struct opts *);
int cmd_webhook_list(struct cli *, struct opts *);
int cmd_webhook_remove(struct cli *, struct opts *);
int cmd_unit_notify(struct cli *, struct opts *);
/* cli_notify.c: --email's check (exit 2 naming it) and setting a confirmed address ("" removes it). */
int cli_officer_email_check(const char *email);
int cli_officer_email_set(struct cli *, const char *username, const char *email);
int cmd_export_submissions(struct cli *, struct opts *); /* cli_export.c */
int cmd_export_case(struct cli *, struct opts *);
int cmd_export_stats(struct cli *, struct opts *);       /* cli_stats.c */
int cmd_stats_freeze(struct cli *, struct opts *);
int cmd_indicator_list(struct cli *, struct opts *);
int cmd_indicator_set(struct cli *, struct opts *);
int cmd_audit_verify(struct cli *, struct opts *);       /* cli_audit.c */
int cmd_audit_tail(struct cli *, struct opts *);
int cmd_purge(struct cli *, struct opts *);              /* cli_privacy.c */
int cmd_request_add(struct cli *, struct opts *);
int cmd_request_list(struct cli *, struct opts *);
int cmd_request_ack(struct cli *, struct opts *);
int cmd_request_done(struct cli *, struct opts *);
int cmd_request_refuse(struct cli *, struct opts *);
int cmd_request_export(struct cli *, struct opts *);
int cmd_request_delete(struct cli *, struct opts *);
int cmd_holiday_list(struct cli *, struct opts *);       /* cli_holiday.c */
int cmd_holiday_add(struct cli *, struct opts *);
int cmd_holiday_remove(struct cli *, struct opts *);
int cmd_deadlines(struct cli *, struct opts *);          /* cli_deadline.c */
int cmd_api_token(struct cli *, struct opts *);          /* cli_token.c */
int cmd_agreement_add(struct cli *, struct opts *);      /* cli_agreement.c */
int cmd_agreement_list(struct cli *, struct opts *);
int cmd_round_add(struct cli *, struct opts *);          /* cli_round.c */
int cmd_round_list(struct cli *, struct opts *);
int cmd_commitment_add(struct cli *, struct opts *);
int cmd_commitment_set(struct cli *, struct opts *);

/* ---- listing rows, one returned row ---- */
/* A listing command's ending: EXIT_FAIL when `res` is NULL (cli_run
 * already said why); else `header` (when not NULL) on its own line, every
 * row of `res` on stdout, one a line, its columns tab-separated in the
 * query's order (the SQL shapes and names each column as it is shown),
 * `res` freed, and EXIT_OK. */
int cli_print_rows(PGresult *res, const char *header);
char *cli_returned(struct cli *, PGresult *);
/* A statement of the caller's open transaction that must find one row:
 * `res` when it has exactly one; otherwise NULL after clearing it and
 * rolling back, *rc EXIT_FAIL when the statement failed (cli_query said
 * why) or EXIT_USAGE when no row matched, after printing `none_fmt` (which
 * names the argument) as cli_fail() does. */
/* How a list's column reads in JSON: a string, a string or null when
 * empty, a number. */
enum cli_col { CLI_COL_TEXT, CLI_COL_NULLABLE, CLI_COL_INT };
/* Prints `res`'s columns cols[] under keys[] as CSV (a header line, CRLF,
 * cells neutralised) or as a JSON array of objects (kinds[] NULL: all
 * text). EXIT_OK, or EXIT_FAIL after saying why. */
/* A list command's common options: --format json|csv (default json) and
 * --unit CODE (its path; "" without). EXIT_OK, or the exit code after
 * saying which argument is wrong. */
int cli_list_args(struct cli *, struct opts *, const char **format, const char **unit_path);
/* In the caller's open transaction: the id and unit of the workplace
 * with `code` (arena). EXIT_OK, or the exit code after saying
 * "--workplace: no workplace with code ..." (rolled back). */
int cli_workplace_find(struct cli *, const char *code, const char **id, const char **unit_id);
int cli_print_list(PGresult *res, const char *format, size_t ncols, const int *cols, const char *const *keys,
    const enum cli_col *kinds);
PGresult *cli_one_row(struct cli *, PGresult *res, int *rc, const char *none_fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif
