/* org.c: rules for units, workplaces and QR codes shared by the console and the CLI, and the workplace CSV import (parse, check every line, store all or nothing). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include <libpq-fe.h>

#include "app.h"
#include "arena.h"
#include "buf.h"
#include "db.h"
#include "org.h"
#include "text.h"

/* Codes as the schema allows them: 2-40 of A-Z, 0-9, '_' and '-', not
 * starting with '_' or '-'. */
bool
org_code_valid(const char *c)
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

/* A Vietnamese tax code: 10 digits, or 10 digits, '-' and 3 digits for a branch. */
bool
org_tax_code_valid(const char *t)
{
	size_t n = strlen(t);
	if (n != 10 && !(n == 14 && t[10] == '-'))
		return false;
	for (size_t i = 0; i < n; i++)
		if (i != 10 && !(t[i] >= '0' && t[i] <= '9'))
			return false;
	return true;
}

/* A telephone number as people write it: 3-30 of digits, space, + ( ) . - */
bool
org_hotline_valid(const char *h)
{
	size_t n = strlen(h);
	return n >= 3 && n <= 30 && strspn(h, "0123456789 +().-") == n && strpbrk(h, "0123456789") != NULL;
}

/* Checks one line of text (valid UTF-8, no control character, tab or line
 * break), NFC-normalises and trims it, and stores it in *out (arena; ""
 * when blank or invalid). ORG_NAME_LONG when over max characters (*out is
 * then the long text, for the message). */
enum org_problem
org_text(struct arena *a, const char *in, size_t max, const char **out)
{
	size_t n = strlen(in);
	*out = "";
	if (!text_valid_utf8(in, n))
		return ORG_UTF8;
	if (text_has_controls(in, n) || strpbrk(in, "\t\r\n") != NULL)
		return ORG_CONTROL;
	char *t = text_nfc(a, in, n);
	if (t == NULL)
		return ORG_UTF8;
	*out = t = text_trim(t);
	return text_length(t) > max ? ORG_NAME_LONG : ORG_OK;
}

static const struct { const char *vi, *en; } problems[] = {
	{ "", "" },   /* ORG_OK */
	{ "Dòng tiêu đề phải có các cột code, name, unit_code (tùy chọn: tax_code, address), mỗi cột một lần",
	  "The header row must name the columns code, name, unit_code (optionally tax_code, address), each once" },  /* ORG_HEADER */
	{ "Số cột khác với dòng tiêu đề", "Not the same number of fields as the header row" },  /* ORG_FIELDS */
	{ "Dấu ngoặc kép mở mà không đóng", "A quoted field is never closed" },  /* ORG_QUOTE */
	{ "Không phải văn bản UTF-8 (hãy lưu tệp dạng \"CSV UTF-8\")", "Not UTF-8 text (save the file as \"CSV UTF-8\")" },  /* ORG_UTF8 */
	{ "Có ký tự điều khiển, tab hoặc xuống dòng trong một ô", "A field holds a control character, tab or line break" },  /* ORG_CONTROL */
	{ "Mã phải gồm 2–40 ký tự A–Z (in hoa), 0–9, _ hoặc -", "The code must be 2–40 characters of A–Z (capitals), 0–9, _ or -" },  /* ORG_BAD_CODE */
	{ "Thiếu tên", "The name is missing" },  /* ORG_NO_NAME */
	{ "Tên dài quá 300 ký tự", "The name is longer than 300 characters" },  /* ORG_NAME_LONG */
	{ "Mã số thuế phải gồm 10 chữ số, hoặc 10 chữ số, dấu - và 3 chữ số (chi nhánh)",
	  "The tax code must be 10 digits, or 10 digits, '-' and 3 digits (a branch)" },  /* ORG_BAD_TAX */
	{ "Địa chỉ dài quá 500 ký tự", "The address is longer than 500 characters" },  /* ORG_ADDRESS_LONG */
	{ "Ngành nghề dài quá 100 ký tự", "The sector is longer than 100 characters" },  /* ORG_SECTOR_LONG */
	{ "Số lao động phải là số nguyên từ 0 đến 10.000.000", "The headcount must be a whole number from 0 to 10,000,000" },  /* ORG_BAD_HEADCOUNT */
	{ "Loại hình sở hữu không hợp lệ", "Unknown ownership" },  /* ORG_BAD_OWNERSHIP */
	{ "Số điện thoại chỉ gồm chữ số, khoảng trắng và + ( ) . - (3–30 ký tự)",
	  "A phone number is 3–30 characters of digits, spaces and + ( ) . -" },  /* ORG_BAD_HOTLINE */
	{ "Không có đơn vị với mã này trong phạm vi của bạn", "Unknown unit code, or a unit outside your scope" },  /* ORG_UNIT_UNKNOWN */
	{ "Đơn vị đã sáp nhập hoặc ngừng hoạt động", "The unit has merged or ended" },  /* ORG_UNIT_ENDED */
	{ "Mã trùng với một dòng trước trong tệp (số dòng đó trong ngoặc)",
	  "The code is already on an earlier line (its number in brackets)" },  /* ORG_DUP_FILE */
	{ "Mã đã có trong cơ sở dữ liệu", "The code is already in the database" },  /* ORG_DUP_DB */
	{ "Không có dòng dữ liệu nào sau dòng tiêu đề", "No data lines after the header row" },  /* ORG_EMPTY */
	{ "Quá nhiều dòng (tối đa 20.000)", "Too many lines (20,000 at most)" },  /* ORG_TOO_MANY */
};

const char *
org_problem_text(enum org_problem p, enum lang l)
{
	if ((unsigned)p >= ORG__MAX)
		return "";
	return l == LANG_EN ? problems[p].en : problems[p].vi;
}

/* ---- the CSV import ---- */

static void
add_error(struct arena *a, struct org_import *im, long line, enum org_problem why, const char *detail)
{
	if (im->nerrors == im->errors_cap) {
		size_t cap = im->errors_cap ? 2 * im->errors_cap : 32;
		struct org_error *e = arena_alloc(a, cap * sizeof(*e));
		if (e == NULL)
			return;
		if (im->nerrors)
			memcpy(e, im->errors, im->nerrors * sizeof(*e));
		im->errors = e;
		im->errors_cap = cap;
	}
	im->errors[im->nerrors++] = (struct org_error){ line, why, detail };
}

static struct org_row *
add_row(struct arena *a, struct org_import *im)
{
	if (im->nrows == im->rows_cap) {
		size_t cap = im->rows_cap ? 2 * im->rows_cap : 64;
		struct org_row *r = arena_alloc(a, cap * sizeof(*r));
		if (r == NULL)
			return NULL;
		if (im->nrows)
			memcpy(r, im->rows, im->nrows * sizeof(*r));
		im->rows = r;
		im->rows_cap = cap;
	}
	struct org_row *r = &im->rows[im->nrows++];
	memset(r, 0, sizeof(*r));
	return r;
}

#define CSV_MAX_FIELDS 16

/* One CSV record (RFC 4180: quoted fields, "" inside quotes, CRLF or LF).
 * Fields are raw bytes in the arena, NUL-terminated (a NUL byte inside
 * makes the field fail the control-character check: lengths are kept). */
struct csv_record {
	const char *field[CSV_MAX_FIELDS];
	size_t len[CSV_MAX_FIELDS];
	size_t n;              /* may exceed CSV_MAX_FIELDS: extra fields are counted, not kept */
	bool bad_quote;
};

/* Reads the record at *pos, counting line breaks into *line; false at the end of input. */
static bool
csv_next(struct arena *a, const char *s, size_t len, size_t *pos, char delim, long *line, struct csv_record *rec)
{
	size_t i = *pos;
	if (i >= len)
		return false;
	struct buf f = { 0 };
	bool quoted = false, any = false;
	memset(rec, 0, sizeof(*rec));
	for (;;) {
		bool end_field = false, end_record = false;
		if (i >= len) {
			if (quoted)
				rec->bad_quote = true;
			end_field = end_record = true;
		} else if (quoted) {
			if (s[i] == '"' && i + 1 < len && s[i + 1] == '"') {
				buf_putc(&f, '"');
				i += 2;
			} else if (s[i] == '"') {
				quoted = false;
				i++;
			} else {
				if (s[i] == '\n')
					(*line)++;
				buf_putc(&f, s[i++]);
			}
		} else if (s[i] == '"' && !any) {
			quoted = any = true;
			i++;
		} else if (s[i] == delim) {
			end_field = true;
			i++;
		} else if (s[i] == '\r' || s[i] == '\n') {
			if (s[i] == '\r' && i + 1 < len && s[i + 1] == '\n')
				i++;
			i++;
			(*line)++;
			end_field = end_record = true;
		} else {
			buf_putc(&f, s[i++]);
			any = true;
		}
		if (end_field) {
			if (rec->n < CSV_MAX_FIELDS) {
				rec->field[rec->n] = arena_strndup(a, f.data ? f.data : "", f.len);
				rec->len[rec->n] = f.len;
			}
			rec->n++;
			f.len = 0;
			any = false;
			if (end_record)
				break;
		}
	}
	buf_free(&f);
	*pos = i;
	return true;
}

/* A line of nothing but separators and blanks (spreadsheets write those). */
static bool
csv_blank(const struct csv_record *rec)
{
	for (size_t i = 0; i < rec->n && i < CSV_MAX_FIELDS; i++)
		if (rec->len[i] != strspn(rec->field[i], " \t"))
			return false;
	return rec->n <= CSV_MAX_FIELDS;
}

/* The columns a header names, by position. */
enum col { COL_CODE, COL_NAME, COL_UNIT, COL_TAX, COL_ADDRESS, COL__MAX };
static const char *const col_names[COL__MAX] = { "code", "name", "unit_code", "tax_code", "address" };

static bool
csv_header(const struct csv_record *rec, int pos[COL__MAX])
{
	for (int c = 0; c < COL__MAX; c++)
		pos[c] = -1;
	if (rec->n > CSV_MAX_FIELDS)
		return false;
	for (size_t i = 0; i < rec->n; i++) {
		char name[32];
		const char *f = rec->field[i];
		while (*f == ' ')
			f++;
		snprintf(name, sizeof(name), "%s", f);
		for (size_t j = strlen(name); j > 0 && name[j - 1] == ' '; j--)
			name[j - 1] = '\0';
		for (char *p = name; *p; p++)
			if (*p >= 'A' && *p <= 'Z')
				*p = (char)(*p - 'A' + 'a');
		int c;
		for (c = 0; c < COL__MAX && strcmp(name, col_names[c]) != 0; c++)
			;
		if (c == COL__MAX || pos[c] != -1)
			return false;
		pos[c] = (int)i;
	}
	return pos[COL_CODE] >= 0 && pos[COL_NAME] >= 0 && pos[COL_UNIT] >= 0;
}

/* Which delimiter the header line uses: ';' (Excel with Vietnamese
 * regional settings) when it has more of those than commas, else ','. */
static char
csv_delimiter(const char *s, size_t len)
{
	size_t commas = 0, semis = 0;
	for (size_t i = 0; i < len && s[i] != '\n' && s[i] != '\r'; i++) {
		commas += s[i] == ',';
		semis += s[i] == ';';
	}
	return semis > commas ? ';' : ',';
}

/* At most 60 characters of a value for an error message, cut between characters. */
static const char *
cut(struct arena *a, const char *s)
{
	size_t n = 0, chars = 0;
	while (s[n] && chars < 60) {
		n++;
		while (((unsigned char)s[n] & 0xC0) == 0x80)
			n++;
		chars++;
	}
	return s[n] ? arena_printf(a, "%.*s…", (int)n, s) : s;
}

/* One field of a data line, checked as a line of text ("" when the column
 * is absent); NULL after recording the problem against the line. */
static const char *
csv_text(struct arena *a, struct org_import *im, long line, const struct csv_record *rec, int pos, size_t max,
    enum org_problem too_long)
{
	if (pos < 0)
		return "";
	const char *in = rec->field[pos], *out;
	if (strlen(in) != rec->len[pos]) {   /* a NUL byte */
		add_error(a, im, line, ORG_CONTROL, NULL);
		return NULL;
	}
	enum org_problem p = org_text(a, in, max, &out);
	if (p == ORG_NAME_LONG)
		p = too_long;
	if (p != ORG_OK) {
		add_error(a, im, line, p, p == ORG_UTF8 || p == ORG_CONTROL ? NULL : cut(a, out));
		return NULL;
	}
	return out;
}

static int
cmp_row_code(const void *x, const void *y)
{
	const struct org_row *a = *(const struct org_row *const *)x, *b = *(const struct org_row *const *)y;
	int c = strcmp(a->code, b->code);
	return c ? c : (a->line > b->line) - (a->line < b->line);
}

static int
cmp_error(const void *x, const void *y)
{
	const struct org_error *a = x, *b = y;
	if (a->line != b->line)
		return (a->line > b->line) - (a->line < b->line);
	return (a->why > b->why) - (a->why < b->why);
}

static int
cmp_str(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* A JSON array of the distinct non-empty strings at `offset` in each row
 * (malloc'd text, caller frees), or NULL when out of memory. */
static char *
json_codes(const struct org_import *im, size_t offset)
{
	json_t *arr = json_array();
	for (size_t i = 0; arr && i < im->nrows; i++) {
		const char *v = *(const char *const *)((const char *)&im->rows[i] + offset);
		if (*v)
			json_array_append_new(arr, json_string(v));
	}
	char *s = arr ? json_dumps(arr, JSON_COMPACT) : NULL;
	json_decref(arr);
	return s;
}

/* The database half of the check: every unit known, in scope and active;
 * no code taken. -1 when the database fails. */
static int
import_check_db(struct arena *a, struct db *db, const char *scope, struct org_import *im)
{
	char *units = json_codes(im, offsetof(struct org_row, unit_code));
	char *codes = json_codes(im, offsetof(struct org_row, code));
	if (units == NULL || codes == NULL) {
		free(units);
		free(codes);
		return -1;
	}
	const char *p[2] = { units, scope };
	enum { U_CODE, U_ID, U_STATUS };
	enum { T_CODE };
	PGresult *u = db_query(db, "SELECT u.code, u.id, u.status FROM org_unit u "
	    "WHERE u.code IN (SELECT json_array_elements_text($1::json)) AND u.path LIKE $2 || '%' ORDER BY u.code", 2, p);
	const char *q[1] = { codes };
	PGresult *t = u && db_ok(u) ? db_query(db, "SELECT c FROM workplace_codes_taken($1::json) c ORDER BY 1", 1, q) : NULL;
	free(units);
	free(codes);
	if (u == NULL || t == NULL || !db_ok(u) || !db_ok(t)) {
		PQclear(u);
		PQclear(t);
		return -1;
	}
	int nu = PQntuples(u), nt = PQntuples(t);
	const char **ucodes = arena_alloc(a, (size_t)(nu + 1) * sizeof(char *));
	const char **taken = arena_alloc(a, (size_t)(nt + 1) * sizeof(char *));
	for (int i = 0; i < nu; i++)
		ucodes[i] = PQgetvalue(u, i, U_CODE);
	for (int i = 0; i < nt; i++)
		taken[i] = PQgetvalue(t, i, T_CODE);
	for (size_t i = 0; i < im->nrows; i++) {
		struct org_row *r = &im->rows[i];
		if (*r->unit_code) {
			const char **hit = bsearch(&r->unit_code, ucodes, (size_t)nu, sizeof(char *), cmp_str);
			if (hit == NULL) {
				add_error(a, im, r->line, ORG_UNIT_UNKNOWN, r->unit_code);
			} else if (strcmp(PQgetvalue(u, (int)(hit - ucodes), U_STATUS), "active") != 0) {
				add_error(a, im, r->line, ORG_UNIT_ENDED, r->unit_code);
			} else {
				r->unit_id = arena_strdup(a, PQgetvalue(u, (int)(hit - ucodes), U_ID));
			}
		}
		if (*r->code && bsearch(&r->code, taken, (size_t)nt, sizeof(char *), cmp_str))
			add_error(a, im, r->line, ORG_DUP_DB, r->code);
	}
	PQclear(u);
	PQclear(t);
	return 0;
}

/* Parses a CSV of workplaces (columns code, name, unit_code and optionally
 * tax_code, address; a header row first; UTF-8 with or without BOM; ',' or
 * ';') and checks every line, in the file and against the database: units
 * must exist within `scope` (a unit path; "" is the whole tree) and be
 * active, codes must be new. Every problem is recorded with its line in
 * im->errors, in line order; im->rows are ready to store only when there
 * is none. 0 when checked, -1 when the database failed. Memory: the arena. */
int
org_import_check(struct arena *a, struct db *db, const char *csv, size_t len, const char *scope, struct org_import *im)
{
	memset(im, 0, sizeof(*im));
	if (len >= 3 && memcmp(csv, "\xEF\xBB\xBF", 3) == 0) {
		csv += 3;
		len -= 3;
	}
	char delim = csv_delimiter(csv, len);
	size_t pos = 0;
	long line = 1;
	struct csv_record rec;
	int col[COL__MAX];
	bool header = false;
	for (;;) {
		long at = line;
		if (!csv_next(a, csv, len, &pos, delim, &line, &rec))
			break;
		if (rec.bad_quote) {
			add_error(a, im, at, ORG_QUOTE, NULL);
			break;
		}
		if (csv_blank(&rec))
			continue;
		if (!header) {
			if (!csv_header(&rec, col)) {
				add_error(a, im, at, ORG_HEADER, NULL);
				return 0;   /* nothing else can be read without it */
			}
			header = true;
			continue;
		}
		size_t want = 0;
		for (int c = 0; c < COL__MAX; c++)
			want += col[c] >= 0;
		if (rec.n != want) {
			add_error(a, im, at, ORG_FIELDS, NULL);
			continue;
		}
		if (im->nrows == ORG_IMPORT_MAX_ROWS) {
			add_error(a, im, at, ORG_TOO_MANY, NULL);
			break;
		}
		struct org_row *r = add_row(a, im);
		if (r == NULL)
			return -1;
		const char *code = csv_text(a, im, at, &rec, col[COL_CODE], 40, ORG_BAD_CODE);
		if (code && !org_code_valid(code)) {
			add_error(a, im, at, ORG_BAD_CODE, cut(a, code));
			code = NULL;
		}
		const char *name = csv_text(a, im, at, &rec, col[COL_NAME], 300, ORG_NAME_LONG);
		if (name && *name == '\0')
			add_error(a, im, at, ORG_NO_NAME, NULL);
		const char *unit = csv_text(a, im, at, &rec, col[COL_UNIT], 40, ORG_UNIT_UNKNOWN);
		if (unit && !org_code_valid(unit)) {
			add_error(a, im, at, ORG_UNIT_UNKNOWN, cut(a, unit));
			unit = NULL;
		}
		const char *tax = csv_text(a, im, at, &rec, col[COL_TAX], 14, ORG_BAD_TAX);
		if (tax && *tax && !org_tax_code_valid(tax)) {
			add_error(a, im, at, ORG_BAD_TAX, cut(a, tax));
			tax = NULL;
		}
		const char *address = csv_text(a, im, at, &rec, col[COL_ADDRESS], 500, ORG_ADDRESS_LONG);
		r->line = at;
		r->code = code ? code : "";
		r->name = name ? name : "";
		r->unit_code = unit ? unit : "";
		r->tax_code = tax ? tax : "";
		r->address = address ? address : "";
	}
	if (!header && im->nerrors == 0)
		add_error(a, im, 1, ORG_HEADER, NULL);
	else if (header && im->nrows == 0 && im->nerrors == 0)
		add_error(a, im, 0, ORG_EMPTY, NULL);
	/* the same code twice in the file: every later line is an error */
	struct org_row **by_code = arena_alloc(a, (im->nrows + 1) * sizeof(*by_code));
	if (by_code == NULL)
		return -1;
	size_t n = 0;
	for (size_t i = 0; i < im->nrows; i++)
		if (*im->rows[i].code)
			by_code[n++] = &im->rows[i];
	qsort(by_code, n, sizeof(*by_code), cmp_row_code);
	for (size_t i = 1, first = 0; i < n; i++) {
		if (strcmp(by_code[i]->code, by_code[first]->code) != 0) {
			first = i;
			continue;
		}
		add_error(a, im, by_code[i]->line, ORG_DUP_FILE,
		    arena_printf(a, "%s (%ld)", by_code[i]->code, by_code[first]->line));
	}
	if (im->nrows > 0 && import_check_db(a, db, scope, im) != 0)
		return -1;
	if (im->nerrors > 1)
		qsort(im->errors, im->nerrors, sizeof(im->errors[0]), cmp_error);
	return 0;
}

/* Inserts every row in one statement, so either all are stored or none.
 * Returns how many were stored, or -1 with the SQLSTATE copied out. */
long
org_import_store(struct db *db, const struct org_import *im, char *sqlstate, size_t sqlstate_len)
{
	json_t *arr = json_array();
	for (size_t i = 0; arr && i < im->nrows; i++) {
		const struct org_row *r = &im->rows[i];
		json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:s?, s:s?}", "code", r->code, "name", r->name,
		    "unit_id", r->unit_id ? r->unit_id : "", "tax_code", *r->tax_code ? r->tax_code : NULL,
		    "address", *r->address ? r->address : NULL));
	}
	char *rows = arr ? json_dumps(arr, JSON_COMPACT) : NULL;
	json_decref(arr);
	snprintf(sqlstate, sqlstate_len, "%s", "");
	if (rows == NULL)
		return -1;
	const char *p[1] = { rows };
	PGresult *res = db_query(db, "INSERT INTO workplace (code, name, unit_id, tax_code, address) "
	    "SELECT x.code, x.name, x.unit_id::bigint, x.tax_code, x.address "
	    "FROM json_to_recordset($1::json) AS x(code text, name text, unit_id text, tax_code text, address text)", 1, p);
	free(rows);
	long stored = res && db_ok(res) ? atol(PQcmdTuples(res)) : -1;
	if (stored < 0)
		snprintf(sqlstate, sqlstate_len, "%s", res ? db_sqlstate(res) : "08000");
	PQclear(res);
	return stored;
}

/* Entry point `id` if its workplace lies under `scope` (absent and
 * outside answer the same MISSING), revoked or not. */
enum found
org_entry_load(struct db *db, struct arena *a, const char *id, const char *scope, struct org_entry *e)
{
	const char *p[2] = { id, scope }, *revoked = "f";
	PGresult *res = db_query(db, "SELECT e.token, e.workplace_id, e.revoked_at IS NOT NULL "
	    "FROM entry_point e JOIN workplace w ON w.id = e.workplace_id JOIN org_unit u ON u.id = w.unit_id "
	    "WHERE e.id = $1::bigint AND u.path LIKE $2 || '%'", 2, p);
	const char **const f[] = { &e->token, &e->workplace_id, &revoked };   /* in the order of the columns */
	enum found found = db_row(res, a, f, sizeof(f) / sizeof(f[0]));
	e->revoked = found == FOUND && revoked && revoked[0] == 't';
	return found;
}

/* The audit detail of an import that stored `n` workplaces: "N
 * workplace(s): CODE CODE …", cut after about 1800 bytes so one audit
 * row stays small; the same words from the CLI and the console. From
 * the arena ("" when it is full). */
const char *
org_import_summary(struct arena *a, const struct org_import *im, long n)
{
	struct buf d = { 0 };
	buf_appendf(&d, "%ld workplace(s):", n);
	for (size_t i = 0; i < im->nrows && d.len < 1800; i++)
		buf_appendf(&d, " %s", im->rows[i].code);
	if (d.len >= 1800)
		buf_puts(&d, " …");
	const char *out = arena_strdup(a, d.data ? d.data : "");
	buf_free(&d);
	return out ? out : "";
}
