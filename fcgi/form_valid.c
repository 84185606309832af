/* form_valid.c: a worker's answers checked against a form definition: one parser per kind of value, then the answers as JSON or the errors per field. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "app.h"
#include "arena.h"
#include "buf.h"
#include "fmt.h"
#include "form.h"
#include "req.h"
#include "text.h"

/* ---- validation, one function per kind of value ---- */

/* Parses an optionally signed run of digits; false on anything else. */
static bool
parse_integer(const char *s, long long *out)
{
	char *end;
	if (*s == '\0' || strlen(s) > 18)
		return false;
	for (const char *p = (*s == '-' ? s + 1 : s); *p; p++)
		if (*p < '0' || *p > '9')
			return false;
	*out = strtoll(s, &end, 10);
	return *end == '\0' && s[*s == '-'] != '\0';
}

/* Money in VND as people write it: "5.000.000", "5,000,000", "5 000 000",
 * "5000000đ", "5.000.000 VNĐ", "5.000.000,00". Separators must split
 * groups of three digits, so "1,5" is not read as 15. */
static bool
parse_money(struct arena *a, const char *s, long long *out)
{
	char *d = arena_alloc(a, strlen(s) + 1), *p = d;
	const char *e = s + strlen(s);
	static const char *const units[] = { "đồng", "Đồng", "ĐỒNG", "vnđ", "VNĐ", "Vnđ", "vnd", "đ", "Đ", "d", NULL };
	while (e > s && e[-1] == ' ')
		e--;
	for (int i = 0; units[i]; i++) {
		size_t n = strlen(units[i]);
		if ((size_t)(e - s) > n && strncasecmp(e - n, units[i], n) == 0) {
			e -= n;
			break;
		}
	}
	while (e > s && e[-1] == ' ')
		e--;
	/* a trailing ",00" or ".00" (no đồng has cents) */
	if (e - s > 3 && (e[-3] == ',' || e[-3] == '.') && e[-2] == '0' && e[-1] == '0')
		e -= 3;
	int run = 0;           /* digits since the last separator */
	bool grouped = false;  /* a separator was seen */
	for (const char *q = s; q < e; q++) {
		if (*q == '.' || *q == ',' || *q == ' ') {
			if ((grouped && run != 3) || (!grouped && (run < 1 || run > 3)))
				return false;
			grouped = true;
			run = 0;
			continue;
		}
		if (*q < '0' || *q > '9')
			return false;
		*p++ = *q;
		run++;
	}
	*p = '\0';
	if (grouped && run != 3)
		return false;
	return *d != '\0' && strlen(d) <= 15 && parse_integer(d, out);
}

/* A decimal number with '.' or ',' as the decimal mark. */
static bool
parse_number(const char *s, double *out)
{
	char tmp[40];
	size_t n = strlen(s);
	int marks = 0;
	if (n == 0 || n >= sizeof(tmp))
		return false;
	for (size_t i = 0; i < n; i++) {
		char ch = s[i];
		if (ch == ',' || ch == '.') {
			ch = '.';
			marks++;
		} else if ((ch < '0' || ch > '9') && !(i == 0 && ch == '-')) {
			return false;
		}
		tmp[i] = ch;
	}
	tmp[n] = '\0';
	char *end;
	*out = strtod(tmp, &end);
	return marks <= 1 && *end == '\0' && end != tmp;
}

static bool
leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
days_in(int y, int m)
{
	static const int d[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	return m == 2 && leap(y) ? 29 : d[m - 1];
}

/* Days since 1970-01-01 (proleptic Gregorian). */
static long
day_number(int y, int m, int d)
{
	y -= m <= 2;
	long era = (y >= 0 ? y : y - 399) / 400;
	long yoe = y - era * 400;
	long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* "2026-10-25" or "25/10/2026" (also with '-' or '.'); normalised to ISO. */
static bool
parse_date(const char *s, int *y, int *m, int *d)
{
	char sep[2];
	int n = 0;
	if (sscanf(s, "%4d-%2d-%2d%n", y, m, d, &n) == 3 && (size_t)n == strlen(s) && strlen(s) == 10)
		;
	else if (sscanf(s, "%2d%1[/.-]%2d%*1[/.-]%4d%n", d, sep, m, y, &n) == 4 && (size_t)n == strlen(s) && *y >= 1000)
		;
	else
		return false;
	return *y >= 1900 && *y <= 2200 && *m >= 1 && *m <= 12 && *d >= 1 && *d <= days_in(*y, *m);
}

/* "2026-10" or "10/2026". */
static bool
parse_month(const char *s, int *y, int *m)
{
	int n = 0;
	if (sscanf(s, "%4d-%2d%n", y, m, &n) == 2 && (size_t)n == strlen(s) && strlen(s) == 7)
		;
	else if (sscanf(s, "%2d/%4d%n", m, y, &n) == 2 && (size_t)n == strlen(s) && *y >= 1000)
		;
	else
		return false;
	return *y >= 1900 && *y <= 2200 && *m >= 1 && *m <= 12;
}

/* Vietnamese phone numbers: 0 and 9–10 more digits; +84/84 becomes 0;
 * spaces, dots, dashes and brackets ignored. */
static char *
parse_phone(struct arena *a, const char *s)
{
	char *d = arena_alloc(a, strlen(s) + 2), *p = d;
	bool country = false;
	if (strncmp(s, "+84", 3) == 0) {
		s += 3;
		country = true;
	} else if (strncmp(s, "84", 2) == 0 && strlen(s) >= 11) {
		s += 2;
		country = true;
	}
	if (country) {   /* "+84 0912..." also happens: one trunk 0 at most */
		*p++ = '0';
		while (*s == ' ' || *s == '(' || *s == ')' || *s == '.' || *s == '-')
			s++;
		if (*s == '0')
			s++;
	}
	for (; *s; s++) {
		if (*s == ' ' || *s == '.' || *s == '-' || *s == '(' || *s == ')')
			continue;
		if (*s < '0' || *s > '9')
			return NULL;
		*p++ = *s;
	}
	*p = '\0';
	size_t n = strlen(d);
	return d[0] == '0' && n >= 10 && n <= 11 ? d : NULL;
}

static bool
is_option(const struct form_field *fd, const char *v)
{
	for (size_t j = 0; j < fd->noptions; j++)
		if (strcmp(fd->options[j].value, v) == 0)
			return true;
	return false;
}

static enum msg
check_range(const struct form_field *fd, double v)
{
	if (fd->has_min && v < fd->min)
		return MSG_FIELD_TOO_SMALL;
	if (fd->has_max && v > fd->max)
		return MSG_FIELD_TOO_BIG;
	return MSG__MAX;
}

/* The values a multi-valued field sent, trimmed, without empties and
 * duplicates (arena array, *n set). */
static const char **
multi_values(struct arena *a, const struct kvlist *in, const char *name, size_t *n)
{
	size_t cap = kv_count(in, name);
	const char **out = arena_alloc(a, (cap + 1) * sizeof(char *));
	*n = 0;
	for (size_t i = 0; i < in->n; i++) {
		if (strcmp(in->items[i].key, name) != 0)
			continue;
		char *v = text_trim(arena_strdup(a, in->items[i].val));
		bool dup = *v == '\0';
		for (size_t j = 0; j < *n && !dup; j++)
			dup = strcmp(out[j], v) == 0;
		if (!dup)
			out[(*n)++] = v;
	}
	return out;
}

/* A multiselect: each value one of the options, kept once. */
static enum msg
validate_list(struct arena *a, const struct form_field *fd, const struct kvlist *in, json_t *answers)
{
	size_t n;
	const char **vals = multi_values(a, in, fd->name, &n);
	if (n == 0)
		return fd->required ? MSG_FIELD_CHOOSE : MSG__MAX;
	if ((long)n > fd->max_items)
		return MSG_FIELD_TOO_MANY;
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++) {
		if (!is_option(fd, vals[i])) {
			json_decref(arr);
			return MSG_FIELD_BAD_OPTION;
		}
		json_array_append_new(arr, json_string(vals[i]));
	}
	json_object_set_new(answers, fd->name, arr);
	return MSG__MAX;
}

/* How many months `s` lies before this month (0 = this month), checked to
 * be one of the field's recent months; *e says why not (false). */
static bool
month_back(const struct form_field *fd, const char *s, long *back, enum msg *e)
{
	struct tm now = fmt_vn_time(time(NULL));
	int y, m;
	if (!parse_month(s, &y, &m)) {
		*e = MSG_FIELD_BAD_MONTH;
		return false;
	}
	*back = (long)((now.tm_year + 1900) - y) * 12 + ((now.tm_mon + 1) - m);
	if (*back < 0 || *back >= fd->span) {
		*e = *back < 0 ? MSG_FIELD_TOO_BIG : MSG_FIELD_TOO_SMALL;
		return false;
	}
	return true;
}

/* A month list ("multiple"). The page sends a range, NAME:from and
 * NAME:to (either alone is one month); older pages and scripts send
 * NAME=YYYY-MM values; both may come together. The range is the months
 * between its ends, whichever end is the earlier. Stored as it always was:
 * the list of months ("YYYY-MM"), here oldest first, each once, so
 * statistics and exports read old and new reports alike. */
static enum msg
validate_months(struct arena *a, const struct form_field *fd, const struct kvlist *in, json_t *answers)
{
	size_t n;
	const char **vals = multi_values(a, in, fd->name, &n);
	const char *from = text_trim(arena_strdup(a, kv_get_or_empty(in, arena_printf(a, "%s:from", fd->name))));
	const char *to = text_trim(arena_strdup(a, kv_get_or_empty(in, arena_printf(a, "%s:to", fd->name))));
	bool *marked = arena_alloc(a, (size_t)fd->span * sizeof(bool));   /* [k]: k months back */
	long count = 0, lo, hi;
	enum msg e = MSG__MAX;
	memset(marked, 0, (size_t)fd->span * sizeof(bool));
	if (n == 0 && *from == '\0' && *to == '\0')
		return fd->required ? MSG_FIELD_CHOOSE : MSG__MAX;
	if (*from || *to) {
		if (!month_back(fd, *from ? from : to, &hi, &e) || !month_back(fd, *to ? to : from, &lo, &e))
			return e;
		if (lo > hi) {   /* "from December to October" means the months between, too */
			long swap = lo;
			lo = hi;
			hi = swap;
		}
		for (long k = lo; k <= hi; k++)
			marked[k] = true;
	}
	for (size_t i = 0; i < n; i++) {
		if (!month_back(fd, vals[i], &lo, &e))
			return e;
		marked[lo] = true;
	}
	for (long k = 0; k < fd->span; k++)
		count += marked[k];
	if (count > fd->max_items)
		return MSG_FIELD_TOO_MANY;
	struct tm now = fmt_vn_time(time(NULL));
	json_t *arr = json_array();
	for (long k = fd->span - 1; k >= 0; k--) {
		if (!marked[k])
			continue;
		long idx = (long)(now.tm_year + 1900) * 12 + now.tm_mon - k;   /* months since year 0 */
		json_array_append_new(arr, json_string(arena_printf(a, "%04ld-%02ld", idx / 12, idx % 12 + 1)));
	}
	json_object_set_new(answers, fd->name, arr);
	return MSG__MAX;
}

/* A ranking: rank k for option j arrives as NAME:OPTION=k; ranks 1..n
 * without gaps or repeats, stored as the options in rank order. */
static enum msg
validate_rank(struct arena *a, const struct form_field *fd, const struct kvlist *in, json_t *answers)
{
	long long iv;
	const char **order = arena_alloc(a, (fd->noptions + 1) * sizeof(char *));
	size_t ranked = 0;
	for (size_t j = 0; j < fd->noptions; j++) {
		char *key = arena_printf(a, "%s:%s", fd->name, fd->options[j].value);
		char *rv = text_trim(arena_strdup(a, kv_get_or_empty(in, key)));
		if (*rv == '\0')
			continue;
		if (!parse_integer(rv, &iv) || iv < 1 || iv > (long long)fd->noptions || iv > fd->max_items ||
		    order[iv - 1] != NULL)
			return MSG_FIELD_BAD_RANK;
		order[iv - 1] = fd->options[j].value;
		ranked++;
	}
	if (ranked == 0)
		return fd->required ? MSG_FIELD_CHOOSE : MSG__MAX;
	for (size_t k = 0; k < ranked; k++)   /* ranks 1..n without gaps */
		if (order[k] == NULL)
			return MSG_FIELD_BAD_RANK;
	json_t *arr = json_array();
	for (size_t k = 0; k < ranked; k++)
		json_array_append_new(arr, json_string(order[k]));
	json_object_set_new(answers, fd->name, arr);
	return MSG__MAX;
}

/* Validates one asked field; adds its answer to `answers` when valid and
 * not empty. Returns the error (MSG__MAX when fine). */
static enum msg
validate_field(struct arena *a, const struct form_field *fd, const struct kvlist *in, json_t *answers)
{
	char *v = text_trim(arena_strdup(a, kv_get_or_empty(in, fd->name)));
	size_t len = text_length(v);
	struct tm now;   /* only dates and months need today: gmtime costs every field */
	long long iv = 0;
	double dv = 0;
	int y, m, d;
	enum msg e;

	switch (fd->type) {
	case FIELD_MULTISELECT:
		return validate_list(a, fd, in, answers);
	case FIELD_MONTH:
		if (fd->multiple)
			return validate_months(a, fd, in, answers);
		break;
	case FIELD_RANK:
		return validate_rank(a, fd, in, answers);
	case FIELD_PHOTO:
		return MSG__MAX;   /* files are checked by the page that reads them */
	default:
		break;
	}

	if (len == 0)   /* a choice is chosen, a text is filled in */
		return !fd->required ? MSG__MAX : fd->type == FIELD_SELECT || fd->type == FIELD_YESNO ? MSG_FIELD_CHOOSE :
		    MSG_FIELD_REQUIRED;
	if (fd->max_length > 0 && (long)len > fd->max_length)
		return MSG_FIELD_TOO_LONG;
	/* the worker's own text (text, choices) is stored with
	 * json_string_nocheck: req.c and multipart.c have checked its UTF-8,
	 * and jansson's second look at it was a fifth of validating a report */
	switch (fd->type) {
	case FIELD_TEXT:
	case FIELD_TEXTAREA:
		if ((long)len < fd->min_length)
			return MSG_FIELD_TOO_SHORT;
		json_object_set_new(answers, fd->name, json_string_nocheck(v));
		return MSG__MAX;
	case FIELD_INTEGER:
	case FIELD_MONEY:
	case FIELD_NUMBER: {
		/* a number kept as a whole number (integer, money in đồng) or as typed */
		bool whole = fd->type != FIELD_NUMBER;
		if (!(fd->type == FIELD_INTEGER ? parse_integer(v, &iv) : whole ? parse_money(a, v, &iv) : parse_number(v, &dv)))
			return MSG_FIELD_NOT_NUMBER;
		if ((e = check_range(fd, whole ? (double)iv : dv)) != MSG__MAX)
			return e;
		json_object_set_new(answers, fd->name, whole ? json_integer(iv) : json_real(dv));
		return MSG__MAX;
	}
	case FIELD_DATE: {
		if (!parse_date(v, &y, &m, &d))
			return MSG_FIELD_BAD_DATE;
		now = fmt_vn_time(time(NULL));
		long diff = day_number(y, m, d) - day_number(now.tm_year + 1900, now.tm_mon + 1, now.tm_mday);
		if ((e = check_range(fd, (double)diff)) != MSG__MAX)
			return e;
		json_object_set_new(answers, fd->name, json_string(arena_printf(a, "%04d-%02d-%02d", y, m, d)));
		return MSG__MAX;
	}
	case FIELD_MONTH: {
		if (!parse_month(v, &y, &m))
			return MSG_FIELD_BAD_MONTH;
		now = fmt_vn_time(time(NULL));
		long diff = (long)(y - (now.tm_year + 1900)) * 12 + (m - (now.tm_mon + 1));
		if ((e = check_range(fd, (double)diff)) != MSG__MAX)
			return e;
		json_object_set_new(answers, fd->name, json_string(arena_printf(a, "%04d-%02d", y, m)));
		return MSG__MAX;
	}
	case FIELD_SELECT:
		if (!is_option(fd, v))
			return MSG_FIELD_BAD_OPTION;
		json_object_set_new(answers, fd->name, json_string_nocheck(v));
		return MSG__MAX;
	case FIELD_YESNO:
		if (strcmp(v, "yes") != 0 && strcmp(v, "no") != 0 && !(fd->unsure && strcmp(v, "unsure") == 0))
			return MSG_FIELD_BAD_OPTION;
		json_object_set_new(answers, fd->name, json_string_nocheck(v));
		return MSG__MAX;
	case FIELD_PHONE: {
		char *p = parse_phone(a, v);
		if (p == NULL)
			return MSG_FIELD_BAD_PHONE;
		json_object_set_new(answers, fd->name, json_string(p));
		return MSG__MAX;
	}
	default:
		return MSG__MAX;
	}
}

/* Checks the submitted values against the definition. Fields whose
 * show_if does not hold are skipped: not required, not stored. Sets
 * *answers to a new JSON object of the valid, non-empty answers (caller
 * decrefs) and *errors to an arena array with one entry per field
 * (MSG__MAX = fine). Returns the number of fields in error. Values are
 * already valid NFC UTF-8 (req.c). */
int
form_validate(struct arena *a, const struct form *f, const struct kvlist *in, json_t **answers, enum msg **errors)
{
	int nerr = 0;
	*errors = arena_alloc(a, f->nfields * sizeof(enum msg));
	*answers = json_object();
	for (size_t i = 0; i < f->nfields; i++) {
		const struct form_field *fd = &f->fields[i];
		enum msg e = MSG__MAX;
		if (form_field_asked(f, fd, in))
			e = validate_field(a, fd, in, *answers);
		(*errors)[i] = e;
		nerr += e != MSG__MAX;
	}
	return nerr;
}

/* ---- the answers as text ---- */

/* A JSON string as jansson writes it without JSON_ENSURE_ASCII or
 * JSON_ESCAPE_SLASH: '"' and '\\' escaped, controls as \b \f \n \r \t or
 * \u00XX (upper-case hex), every other byte (UTF-8 already checked by
 * json_string) as it is. */
static void
answers_string(struct buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t run = 0;
	buf_putc(b, '"');
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		buf_append(b, s + run, i - run);
		run = i + 1;
		switch (c) {
		case '"': buf_append(b, "\\\"", 2); break;
		case '\\': buf_append(b, "\\\\", 2); break;
		case '\b': buf_append(b, "\\b", 2); break;
		case '\f': buf_append(b, "\\f", 2); break;
		case '\n': buf_append(b, "\\n", 2); break;
		case '\r': buf_append(b, "\\r", 2); break;
		case '\t': buf_append(b, "\\t", 2); break;
		default: {
			char u[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };
			buf_append(b, u, sizeof(u));
		}
		}
	}
	buf_append(b, s + run, n - run);
	buf_putc(b, '"');
}

/* A string, an integer or an array of them; -1 for any other value. */
static int
answers_value(struct buf *b, const json_t *v)
{
	if (json_is_string(v)) {
		answers_string(b, json_string_value(v), json_string_length(v));
	} else if (json_is_integer(v)) {
		json_int_t i = json_integer_value(v);
		if (i < 0)
			buf_putc(b, '-');
		buf_put_ulong(b, i < 0 ? 0ULL - (unsigned long long)i : (unsigned long long)i);
	} else if (json_is_array(v)) {
		buf_putc(b, '[');
		for (size_t k = 0; k < json_array_size(v); k++) {
			if (k > 0)
				buf_putc(b, ',');
			if (answers_value(b, json_array_get(v, k)) != 0)
				return -1;
		}
		buf_putc(b, ']');
	} else {
		return -1;
	}
	return 0;
}

static int
key_order(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* The text of a report's answers: byte for byte what
 * json_dumps(answers, JSON_COMPACT | JSON_SORT_KEYS) writes, since the
 * receipt's digest is taken over it, written here for the values
 * form_validate and the photo check store (strings, integers, arrays of
 * them) because jansson's dumper, a callback per run of every string,
 * cost a report more than its HTML; any other value goes to jansson.
 * Caller frees; NULL when out of memory. */
char *
form_answers_json(const json_t *answers)
{
	size_t n = json_object_size(answers), i = 0;
	const char **keys = malloc((n + 1) * sizeof(*keys));
	struct buf b = { 0 };
	const char *key;
	json_t *v;
	if (keys == NULL || !json_is_object(answers))
		goto jansson;
	json_object_foreach((json_t *)answers, key, v)
		keys[i++] = key;
	qsort(keys, n, sizeof(*keys), key_order);
	buf_putc(&b, '{');
	for (i = 0; i < n; i++) {
		if (i > 0)
			buf_putc(&b, ',');
		answers_string(&b, keys[i], strlen(keys[i]));
		buf_putc(&b, ':');
		if (answers_value(&b, json_object_get(answers, keys[i])) != 0)
			goto jansson;
	}
	buf_putc(&b, '}');
	free(keys);
	if (b.failed) {
		buf_free(&b);
		return NULL;
	}
	return b.data;
jansson:
	free(keys);
	buf_free(&b);
	return json_dumps(answers, JSON_COMPACT | JSON_SORT_KEYS);
}

/* Reads the contact block. Nothing given: *json = NULL, fine. Details
 * without the consent box, or consent without details, is an error the
 * worker fixes. Otherwise *json (arena) holds the details to be sealed. */
enum msg
form_contact(struct arena *a, const struct form *f, const struct kvlist *in, char **json)
{
	static const char *const names[] = { "contact_name", "contact_phone", "contact_zalo" };
	*json = NULL;
	if (!f->contact)
		return MSG__MAX;
	json_t *o = json_object();
	for (size_t i = 0; i < 3; i++) {
		char *v = text_trim(arena_strdup(a, kv_get_or_empty(in, names[i])));
		if (text_length(v) > 100) {
			json_decref(o);
			return MSG_FIELD_TOO_LONG;
		}
		if (*v == '\0')
			continue;
		if (i == 1) {
			char *p = parse_phone(a, v);
			if (p == NULL) {
				json_decref(o);
				return MSG_FIELD_BAD_PHONE;
			}
			v = p;
		}
		json_object_set_new(o, names[i] + strlen("contact_"), json_string(v));
	}
	bool consent = kv_has(in, "contact_consent", "yes");
	enum msg e = MSG__MAX;
	if (json_object_size(o) > 0 && !consent)
		e = MSG_CONTACT_NEED_CONSENT;
	else if (json_object_size(o) == 0 && consent)
		e = MSG_CONTACT_EMPTY;
	else if (consent) {
		char *dump = json_dumps(o, JSON_COMPACT);
		*json = dump ? arena_strdup(a, dump) : NULL;
		free(dump);
	}
	json_decref(o);
	return e;
}
