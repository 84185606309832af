/* console.h: the officer console's kit: page frame, headings, notices, labelled fields, posted values, endings. */
#ifndef TIENGNOI_CONSOLE_H
#define TIENGNOI_CONSOLE_H
#include <libpq-fe.h>
#include "app.h"
#include "html.h"

/* ---- the frame ---- */
void console_begin(struct req *, const char *title);
void console_end(struct req *);
void console_page(struct req *, int status, const char *title);
void console_page_back(struct req *, int status, const char *title, const char *href, const char *vi, const char *en);
void console_signin_begin(struct req *, int status, const char *title, const char *problem, const char *note,
    const char *action, const char *purpose, const char *next);
int console_signin_read(struct req *, const char *purpose, struct kvlist *in);
void console_page_titled(struct req *, int status, const char *title, const char *vi, const char *en);

/* What a finished action says on the page it redirects to (?done=KEY). */
struct console_notice {
	const char *key, *vi, *en;
};
void console_notice(struct req *, const struct console_notice *, size_t n);
const struct console_notice *console_notice_open(struct req *, const char *arg, const struct console_notice *, size_t n);

/* ---- page parts ---- */
void console_heading(struct req *, int level, const char *id, const char *vi, const char *en);
void console_section(struct req *, const char *vi, const char *en);
void console_section_id(struct req *, const char *id, const char *vi, const char *en);
void console_alert(struct req *, const char *msg);
void console_note(struct req *, const char *msg);
void console_hint(struct req *, const char *msg);
void console_para(struct req *, const char *msg);
/* Escaped `text` between two pieces of markup written in the source:
 * compiles only with string literals for `open` and `close`. */
#define console_wrap(r, open, text, close) console_wrap_literal((r), "" open, (text), "" close)
void console_wrap_literal(struct req *, const char *open_literal, const char *text, const char *close_literal);
void console_button_link(struct req *, const char *cls, const char *href, const char *vi, const char *en);
void console_back(struct req *, const char *href, const char *vi, const char *en);
void console_link(struct req *, const char *href, const char *text);
void console_meta(struct req *, const char *vi, const char *en, const char *value);
void console_meta_link(struct req *, const char *vi, const char *en, const char *href, const char *text);
void console_th(struct req *, const char *vi, const char *en);
struct console_label {
	const char *vi, *en;
};
void console_thead(struct req *, const struct console_label *, size_t n);
void console_empty(struct req *, const char *vi, const char *en);
#define console_table(r, n, open, cols, ncols, vi, en) console_table_literal((r), (n), "" open, (cols), (ncols), (vi), (en))
bool console_table_literal(struct req *, int n, const char *open_literal, const struct console_label *, size_t ncols,
    const char *empty_vi, const char *empty_en);
#define console_table_kept(r, n, open, cols, ncols, vi, en) \
	console_table_kept_literal((r), (n), "" open, (cols), (ncols), (vi), (en))
void console_table_kept_literal(struct req *, int n, const char *open_literal, const struct console_label *, size_t ncols,
    const char *empty_vi, const char *empty_en);
#define console_table_each(r, res, open, cols, ncols, vi, en, row) \
	console_table_each_literal((r), (res), "" open, (cols), (ncols), (vi), (en), (row))
void console_table_each_literal(struct req *, PGresult *, const char *open_literal, const struct console_label *,
    size_t ncols, const char *empty_vi, const char *empty_en, void (*row)(struct req *, PGresult *, int));
void console_tr(struct req *, const char *cls, const struct kv *data, size_t n);
void console_td(struct req *, const char *text);
void console_td_link(struct req *, const char *href, const char *text);
void console_figure(struct req *, const char *label, const char *value);
void console_search(struct req *, const char *action, const char *vi, const char *en, const char *q, int maxlen);
void console_href(struct req *, const char *path, const struct kv *args, size_t n);
void console_next(struct req *, const char *path, const struct kv *args, size_t n, const char *vi, const char *en);

/* ---- form fields: the error beside its field, the typed value kept ---- */
#define CONSOLE_ERRS_MAX 16
struct console_errs {
	const char *field[CONSOLE_ERRS_MAX], *msg[CONSOLE_ERRS_MAX];
	size_t n;
};
void console_err_add(struct console_errs *, const char *field, const char *msg);
/* A refused post, for the page that shows its form again: what was
 * typed, each field's error, the problem said above the form. */
struct console_refusal {
	const struct kvlist *v;
	const struct console_errs *e;
	const char *problem;
};
const char *console_err_of(const struct console_errs *, const char *field);

void console_field_begin(struct req *, const char *id, const char *label, const char *hint, const char *error);
void console_field_invalid(struct req *, const char *id, const char *error);
void console_control_attrs(struct req *, const char *id, const char *name, const char *error);
void console_input(struct req *, const char *form, const char *name, const char *label, const char *hint,
    const char *value, const struct console_errs *, int maxlen, bool required);
void console_choice(struct req *, const char *form, const char *name, const char *label, const char *value,
    const struct console_errs *, size_t n, const char *const *values, const char *const *labels);
void console_textarea(struct req *, const char *id, const char *name, const char *label, const char *value,
    const char *error, int rows, int maxlen, bool required);
void console_option(struct req *, const char *value, const char *label, bool selected);
void console_button(struct req *, const char *cls, const char *vi, const char *en);
void console_submit(struct req *, const char *cls, const char *vi, const char *en);

/* ---- the officer's unit tree, and choosing a unit from it ---- */
struct console_unit {
	const char *id, *code, *name, *kind, *status, *hotline, *merged_into, *ended, *path;
	int depth;
	long workplaces, qr;   /* workplaces of the unit; QR codes in use there */
};
int console_units(struct req *, struct console_unit **);
void console_unit_select(struct req *, const struct console_unit *, int n, const char *form, const char *name,
    const char *label, const char *hint, const char *selected, const char *exclude_path, bool any,
    const struct console_errs *);
void console_unit_filter(struct req *, const struct console_unit *, int n, const char *selected);
const char *console_unit_pick(struct req *, const char *id, const char **path, const char **code);

/* ---- choosing a workplace of the officer's scope ---- */
/* A <select name="workplace"> of the workplaces in scope: a form's
 * labelled field "f-FORM-workplace" with its error from `e`, or with
 * `form` NULL a filter bar's <label> (see console_form.c). */
void console_workplace_select(struct req *, const char *form, const char *selected, const char *none, bool required,
    const struct console_errs *);
/* The code of workplace `id` when it is in the officer's scope; else NULL
 * with the error beside the field "workplace" in `e` (one outside the
 * scope reads exactly as one that does not exist). */
const char *console_workplace_pick(struct req *, const char *id, struct console_errs *);

/* ---- posted and query values ---- */
char *console_posted(struct req *, const char *name);
const char *console_posted_max(struct req *, const char *name, size_t max_chars);
const char *console_too_long(struct req *, size_t max_chars);
const char *console_posted_line(struct req *, const char *name, size_t max, bool required, struct console_errs *);
const char *console_arg(const struct req *, const char *name, size_t max);
const char *console_posted_id(struct req *, const char *back);

/* ---- form posts that name their action (action=NAME) ---- */
struct console_action {
	const char *name;
	void (*run)(struct req *);
};
void console_dispatch(struct req *, const struct console_action *, size_t n);

/* ---- endings: the page the request ends with ---- */
bool console_found(struct req *, enum found);
void console_db_failed(struct req *, PGresult *, const char *what);
void console_changed_one(struct req *, PGresult *, const char *what, const char *action, const char *id, const char *done);
void console_refuse(struct req *, int status, const char *vi, const char *en, const char *back);
const char *console_new_id(struct req *, PGresult *, const char *what);
void console_send_pdf(struct req *, PGresult *, const char *action, const char *object);
/* GET .../ID of a PDF kept in the database: SQL (a literal; $1 the route's
 * id, $2 the officer's scope path) selects its (filename, data);
 * console_send_pdf() sends it, audited as ACTION on "KIND:ID". */
#define console_scoped_pdf(r, sql, action, kind) \
	console_send_pdf((r), db_query_bin((r)->app->db, sql, 2, ((const char *const[2]){ (r)->id[0], (r)->officer->unit_path })), \
	    (action), arena_printf((r)->arena, kind ":%s", (r)->id[0]))

/* ---- the frame started again without a heading, check boxes and radio
 * buttons, a labelled <select>, a query's rows or nothing, a status fact ---- */
void console_restart(struct req *, int status, const char *title);
void console_check(struct req *, const char *cls, const char *type, const char *name, const char *value, const char *label,
    bool checked);
void console_select_open(struct req *, const char *vi, const char *en, const char *name, const char *id, bool required);
PGresult *console_rows(PGresult *, const char *what);
void console_meta_status(struct req *, const char *vi, const char *en, const char *id, const char *status, const char *text);

/* ---- column headings, a failed query's ending, action forms ---- */
/* Column headings <th scope="col">, those from `first_num` on with
 * class="num" (figures, right-aligned); the caller writes the <tr>
 * around them. */
void console_ths(struct req *, const struct console_label *, size_t n, size_t first_num);
/* Ends the page when a query failed: false when `res` holds rows (nothing
 * written, the caller goes on); otherwise console_db_failed() (500 or
 * 503, logged under `what`, `res` cleared) and true. */
bool console_query_failed(struct req *, PGresult *, const char *what);
/* A list page's opening after its query: the failure's page and false, or
 * console_page() and true. */
bool console_page_rows(struct req *, PGresult *, const char *what, int status, const char *title);
/* Opens a form posting to `path` (CSRF field included) with its hidden
 * action=ACTION (console_dispatch() reads it) and, when `name` is not NULL,
 * one hidden NAME=VALUE saying what it acts on. */
void console_action_open(struct req *, const char *path, const char *cls, const char *action, const char *name,
    const char *value);

#endif
