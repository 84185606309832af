/* export.c: reports out of the database as CSV (UTF-8 with BOM), JSON Lines or XLSX, row by row in constant memory. */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <jansson.h>
#include <libpq-fe.h>
#include <xlsxwriter.h>

#include "app.h"
#include "buf.h"
#include "db.h"
#include "export.h"
#include "fmt.h"
#include "form.h"
#include "log.h"
#include "submission.h"

/* The columns every export starts with, in the order of the SELECT below;
 * the answers' JSON follows them. */
enum col {
	COL_ID, COL_RECEIVED_AT, COL_WORKPLACE_CODE, COL_WORKPLACE, COL_UNIT_CODE, COL_FORM, COL_VERSION,
	COL_CHANNEL, COL_STATUS, COL_URGENT, COL_LANG, COL_ANSWERS
};
static const char *const common_cols[COL_ANSWERS] = {
	"Số phản ánh",          /* COL_ID */
	"Thời điểm nhận",       /* COL_RECEIVED_AT */
	"Mã nơi làm việc",      /* COL_WORKPLACE_CODE */
	"Nơi làm việc",         /* COL_WORKPLACE */
	"Mã đơn vị nhận",       /* COL_UNIT_CODE */
	"Biểu mẫu",             /* COL_FORM */
	"Phiên bản biểu mẫu",   /* COL_VERSION */
	"Kênh",                 /* COL_CHANNEL */
	"Trạng thái",           /* COL_STATUS */
	"Khẩn",                 /* COL_URGENT */
	"Ngôn ngữ",             /* COL_LANG */
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
	buf_puts(b, formula ? "\"'" : "\"");
	for (const char *q; (q = strchr(s, '"')) != NULL; s = q + 1) {   /* each " doubled, the runs between copied whole */
		buf_append(b, s, (size_t)(q - s) + 1);
		buf_putc(b, '"');
	}
	buf_puts(b, s);
	buf_putc(b, '"');
}

/* One answer item as an officer reads it, in the words of the form version
 * `fd` belongs to: an option's label, Có/Không/Không rõ, a month as MM/YYYY;
 * anything else (free text, a date, an unknown code) as it is. */
static void
item_text(struct buf *out, const struct form_field *fd, const char *v)
{
	int y, m, n = 0;
	if (fd->type == FIELD_YESNO)
		buf_puts(out, strcmp(v, "yes") == 0 ? "Có" : strcmp(v, "no") == 0 ? "Không" :
		    strcmp(v, "unsure") == 0 ? "Không rõ" : v);
	else if (fd->type == FIELD_MONTH && sscanf(v, "%4d-%2d%n", &y, &m, &n) == 2 && v[n] == '\0')
		buf_appendf(out, "%02d/%04d", m, y);
	else {
		for (size_t i = 0; i < fd->noptions; i++)
			if (strcmp(fd->options[i].value, v) == 0) {
				buf_puts(out, form_label(fd->options[i].label, LANG_VI));
				return;
			}
		buf_puts(out, v);
	}
}

/* An answer as text in Vietnamese (labels of fd's form version): numbers
 * plainly, lists joined with "; " (a ranking numbered "1. ..."); null or
 * an object as an empty cell. *number says whether it was a JSON number.
 * tmp holds the text, str is scratch. */
static const char *
value_text(struct buf *tmp, struct buf *str, const struct form_field *fd, const struct ejson *v, bool *number)
{
	*number = v->type == EJ_INTEGER || v->type == EJ_REAL;
	buf_reset(tmp);
	if (v->type == EJ_STRING)
		item_text(tmp, fd, ejson_string(v, str));
	else if (v->type == EJ_INTEGER)
		buf_appendf(tmp, "%lld", v->i);
	else if (v->type == EJ_REAL)
		buf_appendf(tmp, "%.15g", v->r);
	else if (v->type == EJ_ARRAY) {
		struct ejson e;
		size_t pos = 0;
		for (size_t i = 0; ejson_next(v, &pos, &e); i++) {
			if (i)
				buf_puts(tmp, "; ");
			if (fd->type == FIELD_RANK)
				buf_appendf(tmp, "%zu. ", i + 1);
			if (e.type == EJ_STRING)
				item_text(tmp, fd, ejson_string(&e, str));
		}
	} else if (v->type == EJ_TRUE || v->type == EJ_FALSE)
		buf_puts(tmp, v->type == EJ_TRUE ? "Có" : "Không");
	return tmp->len ? tmp->data : "";
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

/* ---- the columns, in Vietnamese ---- */

#define LAYOUTS_MAX 128

/* One form version as the columns read it: field[i] is the definition of
 * the current form's i-th field in that version (the current one when the
 * version did not have it), so an old report keeps its own labels. */
struct layout {
	size_t form;                        /* index in export_run.forms */
	const struct form *ver;
	const struct form_field *field[64];
};

/* One export in progress: what export_submissions() hands the writers of
 * each format. */
struct export_run {
	const struct form *forms[64];
	size_t nforms;
	struct form *old[LAYOUTS_MAX];       /* older versions of the chosen forms, from form_version */
	size_t nold;
	struct layout layouts[LAYOUTS_MAX];
	size_t nlayouts;
	struct buf out, tmp, str;            /* out: bytes waiting for write(); tmp, str: scratch */
	struct xlsx_sheet {
		lxw_worksheet *ws;
		lxw_row_t row;
	} sheets[64];                        /* XLSX: one sheet per form */
	lxw_workbook *wb;
	lxw_format *bold, *datefmt, *dayfmt, *money;
};

/* Adds the layout of form x->forms[f] as version `ver` has it. */
static void
layout_add(struct export_run *x, size_t f, const struct form *ver)
{
	if (x->nlayouts == LAYOUTS_MAX)
		return;
	struct layout *l = &x->layouts[x->nlayouts++];
	const struct form *cur = x->forms[f];
	l->form = f;
	l->ver = ver;
	for (size_t i = 0; i < cur->nfields && i < 64; i++) {
		l->field[i] = &cur->fields[i];
		for (size_t j = 0; j < ver->nfields; j++)
			if (strcmp(ver->fields[j].name, cur->fields[i].name) == 0)
				l->field[i] = &ver->fields[j];
	}
}

/* The layouts of the chosen forms: today's versions, and every older
 * version on record in form_version (read through the same loader as the
 * files). -1 with err when the database fails; a stored version that no
 * longer loads is logged and its reports use today's labels. */
static int
layouts_load(struct db *db, struct export_run *x, char *err, size_t errlen)
{
	enum { FV_FORM, FV_VERSION, FV_DEFINITION };
	for (size_t f = 0; f < x->nforms; f++)
		layout_add(x, f, x->forms[f]);
	PGresult *res = db_query(db, "SELECT form_id, version, definition::text FROM form_version ORDER BY form_id, version", 0, NULL);
	if (res == NULL || !db_ok(res)) {
		snprintf(err, errlen, "%s", db_error(db));
		PQclear(res);
		return -1;
	}
	for (int r = 0; r < PQntuples(res) && x->nold < LAYOUTS_MAX; r++)
		for (size_t f = 0; f < x->nforms; f++) {
			if (strcmp(x->forms[f]->id, PQgetvalue(res, r, FV_FORM)) != 0 ||
			    x->forms[f]->version == atoi(PQgetvalue(res, r, FV_VERSION)))
				continue;
			char why[300];
			struct form *old = form_from_definition(PQgetvalue(res, r, FV_DEFINITION), why, sizeof(why));
			if (old == NULL) {
				log_warn("export: form %s version %s does not load (%s); its reports use today's labels",
				    PQgetvalue(res, r, FV_FORM), PQgetvalue(res, r, FV_VERSION), why);
				continue;
			}
			x->old[x->nold++] = old;
			layout_add(x, f, old);
		}
	PQclear(res);
	return 0;
}

/* The layout of a report of form_id filled with `version`: that version's,
 * else today's; NULL when the form is not exported. */
static const struct layout *
layout_of(const struct export_run *x, const char *form_id, const char *version)
{
	const struct layout *today = NULL;
	int v = atoi(version);
	for (size_t i = 0; i < x->nlayouts; i++) {
		const struct layout *l = &x->layouts[i];
		if (strcmp(l->ver->id, form_id) != 0)
			continue;
		if (l->ver->version == v)
			return l;
		if (l->ver == x->forms[l->form])
			today = l;
	}
	return today;
}

/* A fixed column's value as an officer reads it: the form's title in the
 * report's version, the channel's and status's console labels, Có/Không,
 * the language's name; the rest as the database gave it. */
static const char *
common_text(const char *const *rv, size_t col, const struct layout *l)
{
	const char *v = rv[col];
	switch (col) {
	case COL_FORM:
		return l ? form_label(l->ver->title, LANG_VI) : v;
	case COL_CHANNEL:
		return submission_channel_label(v, LANG_VI);
	case COL_STATUS:
		return submission_status_label(v, LANG_VI);
	case COL_URGENT:
		return v[0] == 't' ? "Có" : "Không";
	case COL_LANG:
		return strcmp(v, "vi") == 0 ? "Tiếng Việt" : strcmp(v, "en") == 0 ? "Tiếng Anh" : v;
	default:
		return v;
	}
}

/* A report's answers as PostgreSQL sent them (jsonb's text): read in place
 * by export_json.c for CSV and XLSX, parsed by jansson for JSON Lines. */
struct answers {
	const char *text;
	size_t len;
	bool valid;                /* what jansson would read; else every answer is left empty */
	struct ejson_object obj;   /* CSV, XLSX: its members */
};

/* The answer to question `name` into *v; false when there is none. */
static bool
answer_get(struct export_run *x, const struct answers *a, const char *name, struct ejson *v)
{
	return a->valid && ejson_get(&a->obj, name, v, &x->str);
}

/* ---- XLSX ---- */

/* The sheet's header: the fixed columns, then today's labels of the form's
 * questions; frozen, and 16 characters wide. */
static void
xlsx_header(struct export_run *x, size_t f)
{
	struct xlsx_sheet *sh = &x->sheets[f];
	const struct form *form = x->forms[f];
	lxw_col_t c = 0;
	for (size_t i = 0; i < NCOMMON; i++)
		worksheet_write_string(sh->ws, 0, c++, common_cols[i], x->bold);
	for (size_t i = 0; i < form->nfields; i++)
		if (exported(&form->fields[i]))
			worksheet_write_string(sh->ws, 0, c++, form_label(form->fields[i].label, LANG_VI), x->bold);
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

/* The "Mã" sheet: what every code of the JSON Lines export (and of the
 * API) means, for an officer matching the two: forms, questions, options,
 * statuses and channels. */
static void
xlsx_codes(struct export_run *x)
{
	lxw_worksheet *ws = workbook_add_worksheet(x->wb, "Mã");
	static const char *const head[] = { "Biểu mẫu (mã)", "Câu hỏi (mã)", "Giá trị (mã)", "Nghĩa" };
	lxw_row_t r = 0;
	if (ws == NULL)
		return;
	for (lxw_col_t c = 0; c < 4; c++)
		worksheet_write_string(ws, r, c, head[c], x->bold);
	worksheet_freeze_panes(ws, 1, 0);
	worksheet_set_column(ws, 0, 2, 20, NULL);
	worksheet_set_column(ws, 3, 3, 60, NULL);
#define CODE_ROW(a, b, c, d) do { r++; worksheet_write_string(ws, r, 0, (a), NULL); worksheet_write_string(ws, r, 1, (b), NULL); \
	worksheet_write_string(ws, r, 2, (c), NULL); worksheet_write_string(ws, r, 3, (d), NULL); } while (0)
	for (size_t i = 0; i < SUBMISSION_NSTATUSES; i++)
		CODE_ROW("", "status", submission_statuses[i].value, submission_statuses[i].vi);
	for (size_t i = 0; i < SUBMISSION_NCHANNELS; i++)
		CODE_ROW("", "channel", submission_channels[i].value, submission_channels[i].vi);
	for (size_t f = 0; f < x->nforms; f++) {
		const struct form *form = x->forms[f];
		CODE_ROW(form->id, "", "", form_label(form->title, LANG_VI));
		for (size_t i = 0; i < form->nfields; i++) {
			const struct form_field *fd = &form->fields[i];
			if (!exported(fd))
				continue;
			CODE_ROW(form->id, fd->name, "", form_label(fd->label, LANG_VI));
			for (size_t o = 0; o < fd->noptions; o++)
				CODE_ROW(form->id, fd->name, fd->options[o].value, form_label(fd->options[o].label, LANG_VI));
		}
	}
#undef CODE_ROW
}

/* The header: a BOM (Excel then reads Vietnamese right), the fixed columns,
 * then "Form title: question" for every exported field of every form. */
static void
csv_header(struct export_run *x)
{
	buf_puts(&x->out, "\xEF\xBB\xBF");
	for (size_t i = 0; i < NCOMMON; i++) {
		if (i)
			buf_putc(&x->out, ',');
		export_csv_cell(&x->out, common_cols[i], false);
	}
	for (size_t f = 0; f < x->nforms; f++)
		for (size_t i = 0; i < x->forms[f]->nfields; i++)
			if (exported(&x->forms[f]->fields[i])) {
				buf_putc(&x->out, ',');
				buf_reset(&x->tmp);
				buf_appendf(&x->tmp, "%s: %s", form_label(x->forms[f]->title, LANG_VI),
				    form_label(x->forms[f]->fields[i].label, LANG_VI));
				export_csv_cell(&x->out, x->tmp.data, false);
			}
	buf_puts(&x->out, "\r\n");
}

/* One report as a CSV line: the fixed columns, then its answers under its
 * own form's columns (the other forms' columns stay empty). */
static void
csv_row(struct export_run *x, const char *const *rv, const struct answers *ans, const struct layout *l)
{
	for (size_t i = 0; i < NCOMMON; i++) {
		if (i)
			buf_putc(&x->out, ',');
		export_csv_cell(&x->out, common_text(rv, i, l), i == COL_ID || i == COL_VERSION);
	}
	for (size_t f = 0; f < x->nforms; f++) {
		const struct form *cur = x->forms[f];
		for (size_t i = 0; i < cur->nfields; i++) {
			if (!exported(&cur->fields[i]))
				continue;
			buf_putc(&x->out, ',');
			struct ejson v;
			bool num;
			if (l && l->form == f && answer_get(x, ans, cur->fields[i].name, &v)) {   /* the text first: num must be set */
				const char *text = value_text(&x->tmp, &x->str, l->field[i], &v, &num);
				export_csv_cell(&x->out, text, num);
			}
		}
	}
	buf_puts(&x->out, "\r\n");
}

/* One report as a JSON line: the codes, as stored (the machine format). */
static void
jsonl_row(struct export_run *x, const char *const *rv, const struct answers *a)
{
	json_error_t jerr;
	json_t *ans = json_loadb(a->text, a->len, 0, &jerr);
	json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:I, s:s, s:s, s:b, s:s, s:O}",
	    "id", (json_int_t)strtoll(rv[COL_ID], NULL, 10),
	    "received_at", rv[COL_RECEIVED_AT],
	    "workplace_code", rv[COL_WORKPLACE_CODE], "workplace", rv[COL_WORKPLACE],
	    "unit_code", rv[COL_UNIT_CODE], "form", rv[COL_FORM],
	    "version", (json_int_t)strtoll(rv[COL_VERSION], NULL, 10),
	    "channel", rv[COL_CHANNEL], "status", rv[COL_STATUS],
	    "urgent", rv[COL_URGENT][0] == 't', "lang", rv[COL_LANG],
	    "answers", ans ? ans : json_null());
	char *line = o ? json_dumps(o, JSON_COMPACT) : NULL;
	if (line) {
		buf_puts(&x->out, line);
		buf_putc(&x->out, '\n');
	}
	free(line);
	json_decref(o);
	json_decref(ans);
}

/* A sheet named after the form's title (at most 31 characters, as Excel
 * allows), else its id when that name cannot be used. */
static lxw_worksheet *
xlsx_sheet_add(lxw_workbook *wb, const struct form *form)
{
	char name[128];
	const char *t = form_label(form->title, LANG_VI);
	size_t n = 0, chars = 0;
	while (t[n] && chars < 31 && n + 4 < sizeof(name)) {
		n++;
		while ((t[n] & 0xC0) == 0x80)
			n++;
		chars++;
	}
	memcpy(name, t, n);
	name[n] = '\0';
	while (n > 0 && name[n - 1] == ' ')
		name[--n] = '\0';
	lxw_worksheet *ws = workbook_validate_sheet_name(wb, name) == LXW_NO_ERROR ? workbook_add_worksheet(wb, name) : NULL;
	return ws ? ws : workbook_add_worksheet(wb, form->id);
}

/* Starts the workbook at xpath (constant memory: rows go to disk as they
 * come), its formats, one sheet per form with its header and the codes'
 * sheet. -1 with err. */
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
	x->dayfmt = workbook_add_format(x->wb);
	format_set_num_format(x->dayfmt, "dd/mm/yyyy");
	x->money = workbook_add_format(x->wb);
	format_set_num_format(x->money, "#,##0");
	for (size_t f = 0; f < x->nforms; f++) {
		x->sheets[f].ws = xlsx_sheet_add(x->wb, x->forms[f]);
		if (x->sheets[f].ws == NULL) {
			snprintf(err, errlen, "cannot add the sheet of form %s", x->forms[f]->id);
			return -1;
		}
		xlsx_header(x, f);
	}
	xlsx_codes(x);
	return 0;
}

/* One report as a row of its form's sheet: numbers and dates typed, the
 * rest as strings in Vietnamese. */
static void
xlsx_row(struct export_run *x, const char *const *rv, const struct answers *ans, const struct layout *l)
{
	if (l == NULL)
		return;
	struct xlsx_sheet *sh = &x->sheets[l->form];
	const struct form *cur = x->forms[l->form];
	lxw_col_t c = 0;
	lxw_datetime dt;
	for (size_t i = 0; i < NCOMMON; i++, c++) {
		const char *v = rv[i];
		if (i == COL_ID || i == COL_VERSION)
			worksheet_write_number(sh->ws, sh->row, c, strtod(v, NULL), NULL);
		else if (i == COL_RECEIVED_AT && export_xlsx_date(v, &dt))
			worksheet_write_datetime(sh->ws, sh->row, c, &dt, x->datefmt);
		else
			worksheet_write_string(sh->ws, sh->row, c, common_text(rv, i, l), NULL);
	}
	for (size_t i = 0; i < cur->nfields; i++) {
		const struct form_field *fd = l->field[i];
		if (!exported(&cur->fields[i]))
			continue;
		struct ejson v;
		bool num;
		if (!answer_get(x, ans, cur->fields[i].name, &v))
			;
		else if (v.type == EJ_INTEGER || v.type == EJ_REAL)
			worksheet_write_number(sh->ws, sh->row, c, v.type == EJ_INTEGER ? (double)v.i : v.r,
			    fd->type == FIELD_MONEY ? x->money : NULL);
		else if (fd->type == FIELD_DATE && v.type == EJ_STRING && export_xlsx_date(ejson_string(&v, &x->str), &dt))
			worksheet_write_datetime(sh->ws, sh->row, c, &dt, x->dayfmt);
		else   /* libxlsxwriter writes strings as strings: no formula can run */
			worksheet_write_string(sh->ws, sh->row, c, value_text(&x->tmp, &x->str, fd, &v, &num), NULL);
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
		for (size_t i = 0; i < x->forms[f]->nfields; i++)
			last += exported(&x->forms[f]->fields[i]);
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

/* Names read once before the rows: the workplaces in scope (id, code,
 * name) and every unit's code, a few thousand rows at most. The rows'
 * query then reads submission alone and walks it in id order, streaming
 * from the first row and never sorting (the three-table join sorted every
 * row of the export on disk before sending the first). */
struct names {
	PGresult *res;
	long long *ids;   /* sorted, as the query orders them */
	int n;
};

/* The names queries' first column: the id they are ordered by. */
enum { NAMES_ID };

/* Keeps a names query's result (first column the id, ORDER BY it). -1 with err. */
static int
names_take(struct names *nm, PGresult *res, struct db *db, char *err, size_t errlen)
{
	nm->res = res;
	if (res == NULL || !db_ok(res)) {
		snprintf(err, errlen, "%s", db_error(db));
		return -1;
	}
	nm->n = PQntuples(res);
	nm->ids = malloc(((size_t)nm->n + 1) * sizeof(*nm->ids));
	if (nm->ids == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (int i = 0; i < nm->n; i++)
		nm->ids[i] = strtoll(PQgetvalue(res, i, NAMES_ID), NULL, 10);
	return 0;
}

/* Column `col` of the row whose id is `k`; "" when there is none. */
static const char *
names_get(const struct names *nm, long long k, int col)
{
	int lo = 0, hi = nm->n - 1;
	while (lo <= hi) {
		int mid = lo + (hi - lo) / 2;
		if (nm->ids[mid] == k)
			return PQgetvalue(nm->res, mid, col);
		if (nm->ids[mid] < k)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return "";
}

static void
names_free(struct names *nm)
{
	PQclear(nm->res);
	free(nm->ids);
}

/* The columns of the rows' query, whose values come in binary. */
enum { Q_ID, Q_RECEIVED_AT, Q_WORKPLACE_ID, Q_UNIT_ID, Q_FORM, Q_VERSION, Q_CHANNEL, Q_STATUS, Q_URGENT, Q_LANG, Q_ANSWERS };

/* A binary integer column (int4 or int8, big-endian) of a one-row result. */
static long long
bin_int(const PGresult *row, int col)
{
	const unsigned char *p = (const unsigned char *)PQgetvalue(row, 0, col);
	int n = PQgetlength(row, 0, col);
	unsigned long long v = 0;
	for (int i = 0; i < n; i++)
		v = v << 8 | p[i];
	return n == 4 ? (long long)(int32_t)(uint32_t)v : n == 8 ? (long long)v : 0;
}

/* The text of a row's numbers and time, as the text format printed them. */
struct row_text {
	char id[24], version[16], received[64];
};

/* v's n last decimal digits at p (n = 0: all of them, v >= 0); the end. */
static char *
put_digits(char *p, long long v, int n)
{
	char d[24];
	int k = 0;
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
	if (v < 0)
		*p++ = '-';
	do
		d[k++] = (char)('0' + u % 10);
	while ((u /= 10) != 0 && k < 20);
	while (k < n)
		d[k++] = '0';
	while (k > 0)
		*p++ = d[--k];
	return p;
}

/* A timestamptz (binary: microseconds since 2000-01-01 UTC) as
 * "YYYY-MM-DD HH:MM" in Vietnam's time (fmt_vn_time), cut to the minute as
 * to_char(... 'HH24:MI') cut it; "" for ±infinity. Printed by hand: the
 * export prints a million of them. */
static void
vn_minute(long long us, char out[64])
{
	if (us == LLONG_MAX || us == LLONG_MIN) {
		out[0] = '\0';
		return;
	}
	struct tm tm = fmt_vn_time((time_t)(us / 1000000 - (us % 1000000 < 0) + 946684800LL));
	char *p = put_digits(out, tm.tm_year + 1900LL, 4);
	*p++ = '-';
	p = put_digits(p, tm.tm_mon + 1, 2);
	*p++ = '-';
	p = put_digits(p, tm.tm_mday, 2);
	*p++ = ' ';
	p = put_digits(p, tm.tm_hour, 2);
	*p++ = ':';
	*put_digits(p, tm.tm_min, 2) = '\0';
}

/* A row's fixed columns as text in rv (the names are the caller's); rt
 * holds the numbers' and the time's text. */
static void
row_values(const PGresult *row, struct row_text *rt, const char **rv)
{
	*put_digits(rt->id, bin_int(row, Q_ID), 0) = '\0';
	*put_digits(rt->version, bin_int(row, Q_VERSION), 0) = '\0';
	vn_minute(bin_int(row, Q_RECEIVED_AT), rt->received);
	rv[COL_ID] = rt->id;
	rv[COL_RECEIVED_AT] = rt->received;
	rv[COL_FORM] = PQgetvalue(row, 0, Q_FORM);
	rv[COL_VERSION] = rt->version;
	rv[COL_CHANNEL] = PQgetvalue(row, 0, Q_CHANNEL);
	rv[COL_STATUS] = PQgetvalue(row, 0, Q_STATUS);
	rv[COL_URGENT] = PQgetvalue(row, 0, Q_URGENT)[0] ? "t" : "f";
	rv[COL_LANG] = PQgetvalue(row, 0, Q_LANG);
	rv[COL_ANSWERS] = PQgetvalue(row, 0, Q_ANSWERS);
}

/* The ids of nm as a PostgreSQL array literal "{1,2,3}" in b. */
static void
names_ids(const struct names *nm, struct buf *b)
{
	buf_putc(b, '{');
	for (int i = 0; i < nm->n; i++)
		buf_appendf(b, i ? ",%lld" : "%lld", nm->ids[i]);
	buf_putc(b, '}');
}

/* Streams the rows matching q in `fmt` to write(ctx, ...). Scope is the
 * caller's: q->scope_path limits rows to a unit's subtree (and RLS too
 * when an officer's transaction is open). 0 on success; -1 with err. */
int
export_submissions(struct db *db, const struct form_set *set, const struct export_query *q,
    enum export_format fmt, export_write_fn write, void *ctx, char *err, size_t errlen)
{
	struct export_run x = { 0 };
	struct names wp = { 0 }, units = { 0 };
	char xpath[] = "/tmp/tiengnoi-export-XXXXXX";
	int xfd = -1, rc = -1;
	bool failed = false;

	x.nforms = chosen_forms(set, q->form ? q->form : "", x.forms);
	if (x.nforms == 0) {
		snprintf(err, errlen, "unknown form: %s", q->form);
		return -1;
	}
	if (layouts_load(db, &x, err, errlen) != 0)
		goto done;
	if (fmt == EXPORT_CSV) {
		csv_header(&x);
	} else if (fmt == EXPORT_XLSX) {
		if ((xfd = mkstemp(xpath)) < 0) {
			snprintf(err, errlen, "cannot make a temporary file: %s", strerror(errno));
			goto done;
		}
		if (xlsx_begin(&x, xpath, err, errlen) != 0)
			goto done;
	}

	enum { W_ID = NAMES_ID, W_CODE, W_NAME };
	enum { U_ID = NAMES_ID, U_CODE };
	const char *scope[2] = { q->scope_path, q->workplace ? q->workplace : "" };
	if (names_take(&wp, db_query(db, "SELECT w.id, w.code, w.name FROM workplace w JOIN org_unit u ON u.id = w.unit_id "
	    "WHERE u.path LIKE $1 || '%' AND ($2 = '' OR w.id = nullif($2, '')::bigint) ORDER BY w.id", 2, scope),
	    db, err, errlen) != 0 ||
	    names_take(&units, db_query(db, "SELECT id, code FROM org_unit ORDER BY id", 0, NULL), db, err, errlen) != 0)
		goto done;
	buf_reset(&x.tmp);
	names_ids(&wp, &x.tmp);
	if (x.tmp.failed) {
		snprintf(err, errlen, "out of memory");
		goto done;
	}
	const char *params[4] = { x.tmp.data, q->form ? q->form : "", q->from ? q->from : "", q->to ? q->to : "" };
	if (db_stream_begin(db, "SELECT s.id, s.received_at, "
	    "s.workplace_id, s.unit_id, s.form_id, s.form_version, s.channel, s.status, s.urgent, s.lang, s.answers::text "
	    "FROM submission s "
	    "WHERE s.workplace_id = ANY ($1::bigint[]) AND ($2 = '' OR s.form_id = $2) "
	    "AND ($3 = '' OR s.received_at >= (nullif($3, '')::date)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh') "
	    "AND ($4 = '' OR s.received_at < (nullif($4, '')::date + 1)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh') "
	    "ORDER BY s.id", 4, params) != 0) {
		snprintf(err, errlen, "%s", db_error(db));
		goto done;
	}
	PGresult *row;
	while ((row = db_stream_next(db, &failed)) != NULL) {
		struct row_text rt;
		const char *rv[COL_ANSWERS + 1];
		row_values(row, &rt, rv);
		long long wid = bin_int(row, Q_WORKPLACE_ID);
		rv[COL_WORKPLACE_CODE] = names_get(&wp, wid, W_CODE);
		rv[COL_WORKPLACE] = names_get(&wp, wid, W_NAME);
		rv[COL_UNIT_CODE] = names_get(&units, bin_int(row, Q_UNIT_ID), U_CODE);
		struct answers ans = { .text = rv[COL_ANSWERS], .len = (size_t)PQgetlength(row, 0, Q_ANSWERS) };
		const struct layout *l = layout_of(&x, rv[COL_FORM], rv[COL_VERSION]);
		if (fmt == EXPORT_JSONL)
			jsonl_row(&x, rv, &ans);
		else {
			ans.valid = ejson_parse(ans.text, ans.len, &ans.obj);
			if (fmt == EXPORT_CSV)
				csv_row(&x, rv, &ans, l);
			else
				xlsx_row(&x, rv, &ans, l);
		}
		PQclear(row);
		if (x.out.len > 262144 && flush_buf(&x.out, write, ctx) != 0) {
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
	buf_free(&x.str);
	for (size_t i = 0; i < x.nold; i++)
		form_free(x.old[i]);
	names_free(&wp);
	names_free(&units);
	return rc;
}
