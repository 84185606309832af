/* export.c: reports out of the database as CSV (UTF-8 with BOM), JSON Lines or XLSX, row by row in constant memory. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <jansson.h>
#include <libpq-fe.h>
#include <xlsxwriter.h>

#include "app.h"
#include "buf.h"
#include "db.h"
#include "export.h"
#include "form.h"

/* The columns every export starts with, in the order of the SELECT below;
 * the answers' JSON follows them. */
enum col {
	COL_ID, COL_RECEIVED_AT, COL_WORKPLACE_CODE, COL_WORKPLACE, COL_UNIT_CODE, COL_FORM, COL_VERSION,
	COL_CHANNEL, COL_STATUS, COL_URGENT, COL_LANG, COL_ANSWERS
};
static const char *const common_cols[COL_ANSWERS] = {
	"id",              /* COL_ID */
	"received_at",     /* COL_RECEIVED_AT */
	"workplace_code",  /* COL_WORKPLACE_CODE */
	"workplace",       /* COL_WORKPLACE */
	"unit_code",       /* COL_UNIT_CODE */
	"form",            /* COL_FORM */
	"version",         /* COL_VERSION */
	"channel",         /* COL_CHANNEL */
	"status",          /* COL_STATUS */
	"urgent",          /* COL_URGENT */
	"lang",            /* COL_LANG */
};
#define NCOMMON ((size_t)COL_ANSWERS)

/* Appends one CSV cell: quoted when needed, and a text starting with
 * = + - @ (or tab, CR) gets a leading ' so a spreadsheet never runs it as
 * a formula. Numbers are passed with is_number and left alone. */
void
export_csv_cell(struct buf *b, const char *s, bool is_number)
{
	bool formula = !is_number && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' ||
	    s[0] == '\t' || s[0] == '\r');
	bool quote = formula || strpbrk(s, ",\"\r\n") != NULL || s[0] == ' ' ||
	    (*s && s[strlen(s) - 1] == ' ');
	if (!quote) {
		buf_puts(b, s);
		return;
	}
	buf_putc(b, '"');
	if (formula)
		buf_putc(b, '\'');
	for (; *s; s++) {
		if (*s == '"')
			buf_putc(b, '"');
		buf_putc(b, *s);
	}
	buf_putc(b, '"');
}

/* A field value as text: strings as they are, numbers plainly, lists
 * joined with "; ". *number says whether it was a JSON number. */
static const char *
value_text(struct buf *tmp, json_t *v, bool *number)
{
	*number = json_is_number(v);
	buf_reset(tmp);
	if (json_is_string(v))
		return json_string_value(v);
	if (json_is_integer(v))
		buf_appendf(tmp, "%lld", (long long)json_integer_value(v));
	else if (json_is_real(v))
		buf_appendf(tmp, "%.15g", json_real_value(v));
	else if (json_is_array(v)) {
		size_t i;
		json_t *x;
		json_array_foreach(v, i, x) {
			if (i)
				buf_puts(tmp, "; ");
			if (json_is_string(x))
				buf_puts(tmp, json_string_value(x));
		}
	} else if (json_is_boolean(v))
		buf_puts(tmp, json_is_true(v) ? "true" : "false");
	return tmp->data ? tmp->data : "";
}

/* The forms whose fields become columns: one, or all of them. */
static size_t
chosen_forms(const struct form_set *set, const char *form, const struct form **out)
{
	size_t n = 0;
	for (size_t i = 0; i < set->n; i++)
		if (*form == '\0' || strcmp(set->forms[i].id, form) == 0)
			out[n++] = &set->forms[i];
	return n;
}

static bool
exported(const struct form_field *fd)
{
	return fd->type != FIELD_PHOTO;   /* photos are files, listed in the case dossier */
}

static int
flush_buf(struct buf *b, export_write_fn write, void *ctx)
{
	int rc = b->failed ? -1 : (b->len ? write(ctx, b->data, b->len) : 0);
	buf_reset(b);
	return rc;
}

/* Sends a finished file from its start to write(ctx, ...). 0, or -1 with err. */
static int
copy_file(int fd, export_write_fn write, void *ctx, char *err, size_t errlen)
{
	char chunk[65536];
	ssize_t n;
	lseek(fd, 0, SEEK_SET);
	while ((n = read(fd, chunk, sizeof(chunk))) > 0)
		if (write(ctx, chunk, (size_t)n) != 0) {
			snprintf(err, errlen, "the receiver went away");
			return -1;
		}
	if (n < 0) {
		snprintf(err, errlen, "reading the workbook: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/* Starts a workbook in a new temporary file (constant_memory: rows must
 * come in order, memory stays flat for big exports). 0, or -1 with err
 * and nothing left behind. */
int
export_book_open(struct export_book *bk, bool constant_memory, char *err, size_t errlen)
{
	snprintf(bk->path, sizeof(bk->path), "/tmp/tiengnoi-book-XXXXXX");
	bk->wb = NULL;
	if ((bk->fd = mkstemp(bk->path)) < 0) {
		snprintf(err, errlen, "cannot make a temporary file: %s", strerror(errno));
		return -1;
	}
	lxw_workbook_options opt = { .constant_memory = constant_memory ? LXW_TRUE : LXW_FALSE, .tmpdir = "/tmp" };
	if ((bk->wb = workbook_new_opt(bk->path, &opt)) == NULL) {
		snprintf(err, errlen, "cannot start the workbook");
		close(bk->fd);
		unlink(bk->path);
		return -1;
	}
	return 0;
}

/* Closes the workbook and, when `send`, sends the file to write(ctx, ...);
 * the temporary file is removed either way. 0, or -1 with err. */
int
export_book_finish(struct export_book *bk, bool send, export_write_fn write, void *ctx, char *err, size_t errlen)
{
	lxw_error e = workbook_close(bk->wb);
	int rc = send ? 0 : -1;
	if (send && e != LXW_NO_ERROR) {
		snprintf(err, errlen, "workbook: %s", lxw_strerror(e));
		rc = -1;
	} else if (send)
		rc = copy_file(bk->fd, write, ctx, err, errlen);
	close(bk->fd);
	unlink(bk->path);
	return rc;
}

/* Sends a document built in a buffer (out of memory: -1 with err) and frees it. */
int
export_send_buf(struct buf *b, export_write_fn write, void *ctx, char *err, size_t errlen)
{
	int rc = b->failed ? -1 : write(ctx, b->data, b->len);
	if (rc != 0)
		snprintf(err, errlen, b->failed ? "out of memory" : "the receiver went away");
	buf_free(b);
	return rc;
}

/* Sends a JSON document, indented, keys in their order, with a final newline. 0, or -1 with err. */
int
export_send_json(json_t *d, export_write_fn write, void *ctx, char *err, size_t errlen)
{
	struct buf b = { 0 };
	char *s = d ? json_dumps(d, JSON_INDENT(1) | JSON_PRESERVE_ORDER) : NULL;
	if (s) {
		buf_puts(&b, s);
		buf_putc(&b, '\n');
	} else
		b.failed = true;
	free(s);
	return export_send_buf(&b, write, ctx, err, errlen);
}

/* ---- XLSX ---- */

struct xlsx_sheet {
	const struct form *form;
	lxw_worksheet *ws;
	lxw_row_t row;
};

static void
xlsx_header(struct xlsx_sheet *sh, lxw_format *bold, enum lang lang)
{
	lxw_col_t c = 0;
	for (size_t i = 0; i < NCOMMON; i++)
		worksheet_write_string(sh->ws, 0, c++, common_cols[i], bold);
	for (size_t i = 0; i < sh->form->nfields; i++)
		if (exported(&sh->form->fields[i]))
			worksheet_write_string(sh->ws, 0, c++, form_label(sh->form->fields[i].label, lang), bold);
	worksheet_freeze_panes(sh->ws, 1, 0);
	worksheet_set_column(sh->ws, 0, (lxw_col_t)(c ? c - 1 : 0), 16, NULL);
	sh->row = 1;
}

/* "2026-10-25" or "2026-10-25 14:30" → a spreadsheet date; false (dt
 * zeroed) for anything else. The one reader of dates for every workbook
 * (exports and dossiers). */
bool
export_xlsx_date(const char *s, lxw_datetime *dt)
{
	memset(dt, 0, sizeof(*dt));
	int n = sscanf(s, "%4d-%2d-%2d %2d:%2d", &dt->year, &dt->month, &dt->day, &dt->hour, &dt->min);
	return n == 3 || n == 5;
}

/* One export in progress: what export_submissions() hands the writers of
 * each format. */
struct export_run {
	const struct form *forms[64];
	size_t nforms;
	struct buf out, tmp;                 /* out: bytes waiting for write(); tmp: scratch */
	struct xlsx_sheet sheets[64];        /* XLSX: one sheet per form */
	lxw_workbook *wb;
	lxw_format *bold, *datefmt, *money;
};

/* The CSV header: a BOM (Excel then reads Vietnamese right), the common
 * columns, then FORM.FIELD for every exported field of every form. */
static void
csv_header(struct export_run *x)
{
	buf_puts(&x->out, "\xEF\xBB\xBF");
	for (size_t i = 0; i < NCOMMON; i++) {
		if (i)
			buf_putc(&x->out, ',');
		buf_puts(&x->out, common_cols[i]);
	}
	for (size_t f = 0; f < x->nforms; f++)
		for (size_t i = 0; i < x->forms[f]->nfields; i++)
			if (exported(&x->forms[f]->fields[i])) {
				buf_putc(&x->out, ',');
				buf_reset(&x->tmp);
				buf_appendf(&x->tmp, "%s.%s", x->forms[f]->id, x->forms[f]->fields[i].name);
				export_csv_cell(&x->out, x->tmp.data, false);
			}
	buf_puts(&x->out, "\r\n");
}

/* One report as a CSV line: the common columns, then its answers under
 * its own form's columns (the other forms' columns stay empty). */
static void
csv_row(struct export_run *x, PGresult *row, json_t *ans, const char *form_id, bool urgent)
{
	for (size_t i = 0; i < NCOMMON; i++) {
		if (i)
			buf_putc(&x->out, ',');
		export_csv_cell(&x->out, i == COL_URGENT ? (urgent ? "true" : "false") : PQgetvalue(row, 0, (int)i),
		    i == COL_ID || i == COL_VERSION);
	}
	for (size_t f = 0; f < x->nforms; f++)
		for (size_t i = 0; i < x->forms[f]->nfields; i++) {
			if (!exported(&x->forms[f]->fields[i]))
				continue;
			buf_putc(&x->out, ',');
			json_t *v = strcmp(x->forms[f]->id, form_id) == 0 ? json_object_get(ans, x->forms[f]->fields[i].name) : NULL;
			bool num;
			if (v) {   /* the text first: argument order is unspecified, num must be set */
				const char *text = value_text(&x->tmp, v, &num);
				export_csv_cell(&x->out, text, num);
			}
		}
	buf_puts(&x->out, "\r\n");
}

/* One report as a JSON line. */
static void
jsonl_row(struct export_run *x, PGresult *row, json_t *ans, const char *form_id, bool urgent)
{
	json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:I, s:s, s:s, s:b, s:s, s:O}",
	    "id", (json_int_t)strtoll(PQgetvalue(row, 0, COL_ID), NULL, 10),
	    "received_at", PQgetvalue(row, 0, COL_RECEIVED_AT),
	    "workplace_code", PQgetvalue(row, 0, COL_WORKPLACE_CODE), "workplace", PQgetvalue(row, 0, COL_WORKPLACE),
	    "unit_code", PQgetvalue(row, 0, COL_UNIT_CODE), "form", form_id,
	    "version", (json_int_t)strtoll(PQgetvalue(row, 0, COL_VERSION), NULL, 10),
	    "channel", PQgetvalue(row, 0, COL_CHANNEL), "status", PQgetvalue(row, 0, COL_STATUS),
	    "urgent", urgent, "lang", PQgetvalue(row, 0, COL_LANG),
	    "answers", ans ? ans : json_null());
	char *line = o ? json_dumps(o, JSON_COMPACT) : NULL;
	if (line) {
		buf_puts(&x->out, line);
		buf_putc(&x->out, '\n');
	}
	free(line);
	json_decref(o);
}

/* Starts the workbook at xpath (constant memory: rows go to disk as they
 * come), its formats and one sheet per form with its header. -1 with err. */
static int
xlsx_begin(struct export_run *x, const char *xpath, char *err, size_t errlen)
{
	lxw_workbook_options opt = { .constant_memory = LXW_TRUE, .tmpdir = "/tmp" };
	x->wb = workbook_new_opt(xpath, &opt);
	if (x->wb == NULL) {
		snprintf(err, errlen, "cannot start the workbook");
		return -1;
	}
	x->bold = workbook_add_format(x->wb);
	format_set_bold(x->bold);
	x->datefmt = workbook_add_format(x->wb);
	format_set_num_format(x->datefmt, "dd/mm/yyyy hh:mm");
	x->money = workbook_add_format(x->wb);
	format_set_num_format(x->money, "#,##0");
	for (size_t f = 0; f < x->nforms; f++) {
		x->sheets[f].form = x->forms[f];
		x->sheets[f].ws = workbook_add_worksheet(x->wb, x->forms[f]->id);
		xlsx_header(&x->sheets[f], x->bold, LANG_VI);
	}
	return 0;
}

/* One report as a row of its form's sheet: numbers, dates and booleans
 * typed, the rest as strings. */
static void
xlsx_row(struct export_run *x, PGresult *row, json_t *ans, const char *form_id, bool urgent)
{
	struct xlsx_sheet *sh = NULL;
	for (size_t f = 0; f < x->nforms; f++)
		if (strcmp(x->sheets[f].form->id, form_id) == 0)
			sh = &x->sheets[f];
	if (sh == NULL)
		return;
	lxw_col_t c = 0;
	lxw_datetime dt;
	for (size_t i = 0; i < NCOMMON; i++, c++) {
		const char *v = PQgetvalue(row, 0, (int)i);
		if (i == COL_ID || i == COL_VERSION)
			worksheet_write_number(sh->ws, sh->row, c, strtod(v, NULL), NULL);
		else if (i == COL_RECEIVED_AT && export_xlsx_date(v, &dt))
			worksheet_write_datetime(sh->ws, sh->row, c, &dt, x->datefmt);
		else if (i == COL_URGENT)
			worksheet_write_boolean(sh->ws, sh->row, c, urgent, NULL);
		else
			worksheet_write_string(sh->ws, sh->row, c, v, NULL);
	}
	for (size_t i = 0; i < sh->form->nfields; i++) {
		const struct form_field *fd = &sh->form->fields[i];
		if (!exported(fd))
			continue;
		json_t *v = json_object_get(ans, fd->name);
		bool num;
		if (v == NULL)
			;
		else if (json_is_number(v))
			worksheet_write_number(sh->ws, sh->row, c, json_number_value(v), fd->type == FIELD_MONEY ? x->money : NULL);
		else if (fd->type == FIELD_DATE && json_is_string(v) && export_xlsx_date(json_string_value(v), &dt))
			worksheet_write_datetime(sh->ws, sh->row, c, &dt, x->datefmt);
		else   /* libxlsxwriter writes strings as strings: no formula can run */
			worksheet_write_string(sh->ws, sh->row, c, value_text(&x->tmp, v, &num), NULL);
		c++;
	}
	sh->row++;
}

/* Closes the workbook (every sheet with its autofilter) and sends the file
 * xfd holds to write(ctx, ...). -1 with err. */
static int
xlsx_finish(struct export_run *x, int xfd, export_write_fn write, void *ctx, char *err, size_t errlen)
{
	for (size_t f = 0; f < x->nforms; f++) {
		lxw_col_t last = (lxw_col_t)(NCOMMON - 1);
		for (size_t i = 0; i < x->sheets[f].form->nfields; i++)
			last += exported(&x->sheets[f].form->fields[i]);
		worksheet_autofilter(x->sheets[f].ws, 0, 0, x->sheets[f].row - 1, last);
	}
	lxw_error e = workbook_close(x->wb);
	x->wb = NULL;
	if (e != LXW_NO_ERROR) {
		snprintf(err, errlen, "workbook: %s", lxw_strerror(e));
		return -1;
	}
	return copy_file(xfd, write, ctx, err, errlen);
}

/* Streams the rows matching q in `fmt` to write(ctx, ...). Scope is the
 * caller's: q->scope_path limits rows to a unit's subtree (and RLS too
 * when an officer's transaction is open). 0 on success; -1 with err. */
int
export_submissions(struct db *db, const struct form_set *set, const struct export_query *q,
    enum export_format fmt, export_write_fn write, void *ctx, char *err, size_t errlen)
{
	struct export_run x = { 0 };
	char xpath[] = "/tmp/tiengnoi-export-XXXXXX";
	int xfd = -1, rc = -1;
	bool failed = false;

	x.nforms = chosen_forms(set, q->form ? q->form : "", x.forms);
	if (x.nforms == 0) {
		snprintf(err, errlen, "unknown form: %s", q->form);
		return -1;
	}
	if (fmt == EXPORT_CSV) {
		csv_header(&x);
	} else if (fmt == EXPORT_XLSX) {
		if ((xfd = mkstemp(xpath)) < 0) {
			snprintf(err, errlen, "cannot make a temporary file: %s", strerror(errno));
			return -1;
		}
		if (xlsx_begin(&x, xpath, err, errlen) != 0)
			goto done;
	}

	const char *params[4] = { q->scope_path, q->form ? q->form : "", q->from ? q->from : "", q->to ? q->to : "" };
	if (db_stream_begin(db, "SELECT s.id, to_char(s.received_at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'YYYY-MM-DD HH24:MI'), "
	    "w.code, w.name, fu.code, s.form_id, s.form_version, s.channel, s.status, s.urgent, s.lang, s.answers::text "
	    "FROM submission s JOIN workplace w ON w.id = s.workplace_id JOIN org_unit u ON u.id = w.unit_id "
	    "JOIN org_unit fu ON fu.id = s.unit_id "
	    "WHERE u.path LIKE $1 || '%' AND ($2 = '' OR s.form_id = $2) "
	    "AND ($3 = '' OR s.received_at >= (nullif($3, '')::date)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh') "
	    "AND ($4 = '' OR s.received_at < (nullif($4, '')::date + 1)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh') "
	    "ORDER BY s.id", 4, params) != 0) {
		snprintf(err, errlen, "%s", db_error(db));
		goto done;
	}
	PGresult *row;
	while ((row = db_stream_next(db, &failed)) != NULL) {
		json_error_t jerr;
		json_t *ans = json_loads(PQgetvalue(row, 0, COL_ANSWERS), 0, &jerr);
		const char *form_id = PQgetvalue(row, 0, COL_FORM);
		bool urgent = PQgetvalue(row, 0, COL_URGENT)[0] == 't';
		if (fmt == EXPORT_CSV)
			csv_row(&x, row, ans, form_id, urgent);
		else if (fmt == EXPORT_JSONL)
			jsonl_row(&x, row, ans, form_id, urgent);
		else
			xlsx_row(&x, row, ans, form_id, urgent);
		json_decref(ans);
		PQclear(row);
		if (x.out.len > 65536 && flush_buf(&x.out, write, ctx) != 0) {
			snprintf(err, errlen, "the receiver went away");
			while ((row = db_stream_next(db, &failed)) != NULL)   /* drain the connection */
				PQclear(row);
			goto done;
		}
	}
	if (failed) {
		snprintf(err, errlen, "%s", db_error(db));
		goto done;
	}
	if (fmt == EXPORT_XLSX && xlsx_finish(&x, xfd, write, ctx, err, errlen) != 0)
		goto done;
	if (flush_buf(&x.out, write, ctx) != 0) {
		snprintf(err, errlen, "the receiver went away");
		goto done;
	}
	rc = 0;
done:
	if (x.wb)
		workbook_close(x.wb);
	if (xfd >= 0) {
		close(xfd);
		unlink(xpath);
	}
	buf_free(&x.out);
	buf_free(&x.tmp);
	return rc;
}
