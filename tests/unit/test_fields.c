/* test_fields.c: unit tests for every field type of the form room (form_load.c, form_render.c, form_valid.c): parsing and bounds, conditions, urgency, contact, definition checks, rendering. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common.h"

#include "buf.h"
#include "form.h"
#include "i18n.h"

#define FIXTURES "tests/unit/fixtures/"
#define PAIRS_MAX 32

/* forms_fields/: fields.json uses every field type; hidden_urgent.json has
 * its urgent question behind a condition. Loaded once for the group. */
struct fixture {
	struct form_set *set;
	const struct form *f;        /* "fields" */
	const struct form *hidden;   /* "hidden_urgent" */
	struct arena *arena;
};

/* The output of the render helpers, freed in the group teardown. */
static struct buf render_out;

static int
setup(void **state)
{
	static struct fixture fx;
	char err[512] = "";
	fx.set = form_set_load(FIXTURES "forms_fields", NULL, err, sizeof(err));
	if (fx.set == NULL) {
		print_error("form_set_load(forms_fields): %s\n", err);
		return -1;
	}
	fx.f = form_find(fx.set, "fields");
	fx.hidden = form_find(fx.set, "hidden_urgent");
	fx.arena = arena_new();
	if (fx.f == NULL || fx.hidden == NULL || fx.arena == NULL)
		return -1;
	*state = &fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *fx = *state;
	form_set_free(fx->set);
	arena_free(fx->arena);
	buf_free(&render_out);
	return 0;
}

/* ---- helpers ---- */

static const struct form_field *
field(const struct form *f, const char *name)
{
	return &f->fields[field_index(f, name)];
}

/* Fills *l (backed by items) from (key, value, ..., NULL). */
static void
pairs_v(struct kv items[PAIRS_MAX], struct kvlist *l, va_list ap)
{
	const char *k;
	l->items = items;
	l->n = 0;
	while ((k = va_arg(ap, const char *)) != NULL) {
		const char *v = va_arg(ap, const char *);
		assert_true(l->n < PAIRS_MAX);
		items[l->n++] = (struct kv){ k, v, strlen(v) };
	}
}

static void
pairs(struct kv items[PAIRS_MAX], struct kvlist *l, ...)
{
	va_list ap;
	va_start(ap, l);
	pairs_v(items, l, ap);
	va_end(ap);
}

/* form_validate on the pairs (key, value, ..., NULL). */
static int
validate(struct fixture *fx, const struct form *f, json_t **answers, enum msg **errors, ...)
{
	struct kv items[PAIRS_MAX];
	struct kvlist in;
	va_list ap;
	va_start(ap, errors);
	pairs_v(items, &in, ap);
	va_end(ap);
	return form_validate(fx->arena, f, &in, answers, errors);
}

/* What answers holds under name as compact JSON ("" when absent), copied
 * into the arena. */
static const char *
stored(struct fixture *fx, const json_t *answers, const char *name)
{
	json_t *v = json_object_get(answers, name);
	if (v == NULL)
		return "";
	char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
	assert_non_null(s);
	char *out = arena_strdup(fx->arena, s);
	free(s);
	return out;
}

/* An error for a failure message: its English text, or "none". */
static const char *
msg_name(enum msg e)
{
	return e == MSG__MAX ? "none" : tr(LANG_EN, e);
}

/* Validates the fixture form with the pairs (key, value, ..., NULL) and
 * checks field `name`: its error (MSG__MAX: none) and what is stored, as
 * compact JSON (NULL: nothing). `line` is the caller's, for the message. */
static void
expect_field(int line, struct fixture *fx, const char *name, enum msg want, const char *want_json, ...)
{
	struct kv items[PAIRS_MAX];
	struct kvlist in;
	json_t *answers;
	enum msg *errors;
	va_list ap;
	va_start(ap, want_json);
	pairs_v(items, &in, ap);
	va_end(ap);
	form_validate(fx->arena, fx->f, &in, &answers, &errors);
	enum msg got = errors[field_index(fx->f, name)];
	const char *got_json = stored(fx, answers, name);
	json_decref(answers);
	if (got != want || strcmp(got_json, want_json ? want_json : "") != 0)
		fail_msg("line %d: field %s (first value \"%.60s\"): error \"%s\", want \"%s\"; stored '%.80s', want '%.80s'",
		    line, name, in.n ? in.items[0].val : "", msg_name(got), msg_name(want), got_json,
		    want_json ? want_json : "");
}

/* One value for one field. */
#define EXPECT(name, value, err, json) expect_field(__LINE__, fx, name, err, json, name, value, (const char *)NULL)
/* Any pairs, then the check of one field. */
#define EXPECT_PAIRS(name, err, json, ...) expect_field(__LINE__, fx, name, err, json, __VA_ARGS__, (const char *)NULL)

/* Refused with some error, nothing stored. */
static void
expect_refused(int line, struct fixture *fx, const char *name, const char *value)
{
	json_t *answers;
	enum msg *errors;
	validate(fx, fx->f, &answers, &errors, name, value, NULL);
	enum msg got = errors[field_index(fx->f, name)];
	bool kept = json_object_get(answers, name) != NULL;
	json_decref(answers);
	if (got == MSG__MAX || kept)
		fail_msg("line %d: field %s value \"%.60s\" was accepted", line, name, value);
}
#define EXPECT_REFUSED(name, value) expect_refused(__LINE__, fx, name, value)

/* The date `days` from today in Vietnam (UTC+7), ISO or DD/MM/YYYY. */
static const char *
vn_day(struct fixture *fx, long days, bool dmy)
{
	time_t t = time(NULL) + 7 * 3600 + (time_t)days * 86400;
	struct tm tm;
	char s[16];
	gmtime_r(&t, &tm);
	strftime(s, sizeof(s), dmy ? "%d/%m/%Y" : "%Y-%m-%d", &tm);
	return arena_strdup(fx->arena, s);
}

/* The month `back` months before this one in Vietnam (negative: ahead),
 * as YYYY-MM or MM/YYYY. */
static const char *
vn_month(struct fixture *fx, int back, bool my)
{
	time_t t = time(NULL) + 7 * 3600;
	struct tm tm;
	gmtime_r(&t, &tm);
	int y = tm.tm_year + 1900, m = tm.tm_mon + 1 - back;
	while (m < 1) {
		m += 12;
		y--;
	}
	while (m > 12) {
		m -= 12;
		y++;
	}
	return my ? arena_printf(fx->arena, "%02d/%04d", m, y) : arena_printf(fx->arena, "%04d-%02d", y, m);
}

/* s as a JSON string literal (no escaping needed in these tests). */
static const char *
q(struct fixture *fx, const char *s)
{
	return arena_printf(fx->arena, "\"%s\"", s);
}

/* Exactly n code points of Vietnamese text (NFC, no white space at the
 * ends), in the arena. */
static char *
vietnamese(struct fixture *fx, size_t n)
{
	static const char phrase[] = "Lương tháng này bị trả chậm, tiền làm thêm giờ chưa được trả. ";
	char *s = arena_alloc(fx->arena, n * 4 + 1), *p = s;
	const char *src = phrase;
	assert_non_null(s);
	for (size_t i = 0; i < n; i++) {
		if (*src == '\0')
			src = phrase;
		/* one code point: the lead byte and its continuation bytes */
		do
			*p++ = *src++;
		while (((unsigned char)*src & 0xC0) == 0x80);
	}
	*p = '\0';
	if (p[-1] == ' ')
		p[-1] = '.';
	return s;
}

/* Loads a fixture directory that must be refused; returns the message. */
static const char *
load_bad(const char *dir)
{
	static char err[1024];
	memset(err, 0, sizeof(err));
	struct form_set *set = form_set_load(dir, NULL, err, sizeof(err));
	if (set != NULL) {
		form_set_free(set);
		fail_msg("%s was loaded but should have been refused", dir);
	}
	assert_true(strlen(err) > 0);
	return err;
}

#define assert_has(hay, needle) do { \
	if (strstr((hay), (needle)) == NULL) \
		fail_msg("\"%s\" not in \"%.400s\"", (needle), (hay)); \
} while (0)
#define assert_lacks(hay, needle) do { \
	if (strstr((hay), (needle)) != NULL) \
		fail_msg("\"%s\" should not be in the output", (needle)); \
} while (0)

/* A request to render into render_out (reset). */
static struct req
render_req(enum lang lang)
{
	struct req r = { 0 };
	buf_reset(&render_out);
	r.arena = arena_new();
	assert_non_null(r.arena);
	r.out = &render_out;
	r.lang = lang;
	r.content_type = "";
	r.content_length = -1;
	return r;
}

/* The rendered text, NUL-terminated ("" when nothing was written). */
static const char *
render_done(struct req *r)
{
	arena_free(r->arena);
	assert_false(render_out.failed);
	if (render_out.len == 0)
		return "";
	assert_non_null(render_out.data);
	assert_int_equal(render_out.data[render_out.len], '\0');
	return render_out.data;
}

static const char *
render_fields(const struct form *f, enum lang lang, const struct kvlist *values, const enum msg *errors)
{
	struct req r = render_req(lang);
	form_render_fields(&r, f, values, errors, NULL);
	return render_done(&r);
}

static const char *
render_contact(const struct form *f, enum lang lang, const struct kvlist *values, enum msg error)
{
	struct req r = render_req(lang);
	form_render_contact(&r, f, values, error);
	return render_done(&r);
}

static const char *
render_call(enum lang lang, const char *hotline, bool emergency)
{
	struct req r = render_req(lang);
	form_render_call(&r, hotline, emergency);
	return render_done(&r);
}

/* ---- loading the fixture ---- */

static void
test_load_fixture(void **state)
{
	struct fixture *fx = *state;
	const struct form *f = fx->f;
	static const struct { const char *name; enum field_type type; } want[] = {
		{ "kind", FIELD_SELECT }, { "danger", FIELD_YESNO }, { "injured", FIELD_INTEGER },
		{ "reported", FIELD_YESNO }, { "reported_on", FIELD_DATE }, { "workers", FIELD_INTEGER },
		{ "hours", FIELD_NUMBER }, { "wage", FIELD_MONEY }, { "day_any", FIELD_DATE },
		{ "day_past", FIELD_DATE }, { "day_recent", FIELD_DATE }, { "month_any", FIELD_MONTH },
		{ "month_past", FIELD_MONTH }, { "months", FIELD_MONTH }, { "shift", FIELD_SELECT },
		{ "problems", FIELD_MULTISELECT }, { "paid", FIELD_YESNO }, { "priorities", FIELD_RANK },
		{ "phone", FIELD_PHONE }, { "place", FIELD_TEXT }, { "details", FIELD_TEXTAREA },
		{ "photos", FIELD_PHOTO },
	};

	assert_int_equal(fx->set->n, 2);
	assert_int_equal(f->version, 2);
	assert_int_equal(f->nfields, sizeof(want) / sizeof(want[0]));
	for (size_t i = 0; i < f->nfields; i++) {
		assert_string_equal(f->fields[i].name, want[i].name);
		assert_int_equal(f->fields[i].type, want[i].type);
	}
	assert_true(f->contact);
	assert_true(f->has_photo);
	assert_string_equal(f->urgent_if.field, "danger");
	assert_int_equal(f->urgent_if.nvalues, 1);
	assert_string_equal(f->urgent_if.values[0], "yes");
	assert_string_equal(form_label(f->urgent_message, LANG_EN), "Leave the danger at once, call 115.");

	const struct form_field *fd = field(f, "injured");
	assert_true(fd->required && fd->has_min && fd->has_max);
	assert_true(fd->min == 0 && fd->max == 500);
	assert_string_equal(fd->cond.field, "kind");
	assert_int_equal(fd->cond.nvalues, 1);
	fd = field(f, "reported");
	assert_int_equal(fd->cond.nvalues, 2);
	assert_string_equal(fd->cond.values[0], "accident");
	assert_string_equal(fd->cond.values[1], "near_miss");
	fd = field(f, "reported_on");   /* "max": "today" is 0 days from today */
	assert_true(fd->has_max && fd->max == 0 && !fd->has_min);
	fd = field(f, "day_recent");
	assert_true(fd->has_min && fd->min == -10 && !fd->has_max);
	fd = field(f, "months");
	assert_true(fd->multiple);
	assert_int_equal(fd->span, 6);
	assert_int_equal(fd->max_items, 3);
	assert_false(field(f, "month_any")->multiple);
	assert_true(field(f, "danger")->unsure);
	assert_false(field(f, "paid")->unsure);
	assert_int_equal(field(f, "priorities")->max_items, 3);
	assert_int_equal(field(f, "priorities")->noptions, 4);
	assert_int_equal(field(f, "problems")->max_items, 3);
	assert_int_equal(field(f, "photos")->max_items, 2);
	assert_int_equal(field(f, "place")->max_length, 30);
	assert_int_equal(field(f, "place")->min_length, 2);
	assert_int_equal(field(f, "details")->max_length, 4000);
	assert_null(field(f, "kind")->cond.field);

	assert_false(fx->hidden->contact);
	assert_string_equal(field(fx->hidden, "danger")->cond.field, "kind");
}

/* ---- one test per field type ---- */

static void
test_integer(void **state)
{
	struct fixture *fx = *state;

	EXPECT("workers", "12", MSG__MAX, "12");
	EXPECT("workers", " 7 ", MSG__MAX, "7");
	EXPECT("workers", "0", MSG__MAX, "0");
	EXPECT("workers", "1000", MSG__MAX, "1000");
	EXPECT("workers", "-3", MSG_FIELD_TOO_SMALL, NULL);
	EXPECT("workers", "1001", MSG_FIELD_TOO_BIG, NULL);
	EXPECT("workers", "1e3", MSG_FIELD_NOT_NUMBER, NULL);
	EXPECT("workers", "12a", MSG_FIELD_NOT_NUMBER, NULL);
	EXPECT("workers", "1.5", MSG_FIELD_NOT_NUMBER, NULL);
	EXPECT("workers", "1 2", MSG_FIELD_NOT_NUMBER, NULL);
	EXPECT("workers", "-", MSG_FIELD_NOT_NUMBER, NULL);
	EXPECT("workers", "0x10", MSG_FIELD_NOT_NUMBER, NULL);
	EXPECT("workers", "99999999999999999999", MSG_FIELD_NOT_NUMBER, NULL);   /* 20 digits */
	EXPECT("workers", "9223372036854775808", MSG_FIELD_NOT_NUMBER, NULL);    /* above LLONG_MAX */
	EXPECT_REFUSED("workers", "999999999999999999999999999999");
	/* optional and empty: no error, nothing stored */
	EXPECT("workers", "", MSG__MAX, NULL);
	EXPECT("workers", " \t ", MSG__MAX, NULL);
}

static void
test_number(void **state)
{
	struct fixture *fx = *state;

	EXPECT("hours", "1,5", MSG__MAX, "1.5");
	EXPECT("hours", "1.5", MSG__MAX, "1.5");
	EXPECT("hours", " 7,25 ", MSG__MAX, "7.25");
	EXPECT("hours", "8", MSG__MAX, "8.0");
	EXPECT("hours", "0", MSG__MAX, "0.0");
	EXPECT("hours", "24", MSG__MAX, "24.0");
	EXPECT("hours", "24,5", MSG_FIELD_TOO_BIG, NULL);
	EXPECT("hours", "-0.5", MSG_FIELD_TOO_SMALL, NULL);
	EXPECT("hours", "-0,5", MSG_FIELD_TOO_SMALL, NULL);
	EXPECT("hours", "1,5,0", MSG_FIELD_NOT_NUMBER, NULL);
	EXPECT("hours", "1.5.0", MSG_FIELD_NOT_NUMBER, NULL);
	EXPECT("hours", "1,5.0", MSG_FIELD_NOT_NUMBER, NULL);
	EXPECT("hours", "1e1", MSG_FIELD_NOT_NUMBER, NULL);
	EXPECT("hours", "abc", MSG_FIELD_NOT_NUMBER, NULL);
	EXPECT("hours", ",", MSG_FIELD_NOT_NUMBER, NULL);
	EXPECT("hours", "-", MSG_FIELD_NOT_NUMBER, NULL);
	EXPECT("hours", "nan", MSG_FIELD_NOT_NUMBER, NULL);
	EXPECT("hours", "", MSG__MAX, NULL);
}

static void
test_money(void **state)
{
	struct fixture *fx = *state;

	EXPECT("wage", "5.000.000", MSG__MAX, "5000000");
	EXPECT("wage", "5,000,000", MSG__MAX, "5000000");
	EXPECT("wage", "5 000 000 đ", MSG__MAX, "5000000");
	EXPECT("wage", "5000000VND", MSG__MAX, "5000000");
	EXPECT("wage", "5.000.000 đồng", MSG__MAX, "5000000");
	EXPECT("wage", "5.000.000đ", MSG__MAX, "5000000");
	EXPECT("wage", "5000000 vnđ", MSG__MAX, "5000000");
	EXPECT("wage", "  5000000  ", MSG__MAX, "5000000");
	EXPECT("wage", "0", MSG__MAX, "0");
	EXPECT("wage", "1.000.000.000", MSG__MAX, "1000000000");
	EXPECT("wage", "1.000.000.001", MSG_FIELD_TOO_BIG, NULL);
	EXPECT("wage", "999.999.999.999.999", MSG_FIELD_TOO_BIG, NULL);        /* 15 digits: a number, too big */
	EXPECT("wage", "1234567890123456", MSG_FIELD_NOT_NUMBER, NULL);        /* 16 digits */
	EXPECT("wage", "1.234.567.890.123.456", MSG_FIELD_NOT_NUMBER, NULL);
	EXPECT("wage", "abc", MSG_FIELD_NOT_NUMBER, NULL);
	EXPECT("wage", "5tr", MSG_FIELD_NOT_NUMBER, NULL);
	EXPECT("wage", "5 triệu", MSG_FIELD_NOT_NUMBER, NULL);
	EXPECT("wage", "-5", MSG_FIELD_NOT_NUMBER, NULL);
	EXPECT("wage", "đ", MSG_FIELD_NOT_NUMBER, NULL);
	EXPECT("wage", "...", MSG_FIELD_NOT_NUMBER, NULL);
	EXPECT("wage", "", MSG__MAX, NULL);
}

/* A payslip amount with its decimal part ("5.000.000,00") must not be
 * read as a hundred times the money. */
static void
test_money_decimal_part(void **state)
{
	struct fixture *fx = *state;
	const char *amounts[] = { "5.000.000,00", "5,000,000.00", "5000000.00" };
	for (size_t i = 0; i < sizeof(amounts) / sizeof(amounts[0]); i++) {
		json_t *answers;
		enum msg *errors;
		validate(fx, fx->f, &answers, &errors, "wage", amounts[i], NULL);
		const char *got = stored(fx, answers, "wage");
		enum msg e = errors[field_index(fx->f, "wage")];
		json_decref(answers);
		if (!(e == MSG_FIELD_NOT_NUMBER || (e == MSG__MAX && strcmp(got, "5000000") == 0)))
			fail_msg("\"%s\" stored as %s (error \"%s\"): want 5000000 or MSG_FIELD_NOT_NUMBER", amounts[i], got,
			    msg_name(e));
	}
}

/* "VNĐ" is how the currency is most often written. */
static void
test_money_upper_case_dong(void **state)
{
	struct fixture *fx = *state;

	EXPECT("wage", "5.000.000 VNĐ", MSG__MAX, "5000000");
	EXPECT("wage", "5.000.000 Đ", MSG__MAX, "5000000");
}

static void
test_date(void **state)
{
	struct fixture *fx = *state;

	EXPECT("day_any", "2024-02-29", MSG__MAX, "\"2024-02-29\"");
	EXPECT("day_any", "29/02/2024", MSG__MAX, "\"2024-02-29\"");
	EXPECT("day_any", "29.02.2024", MSG__MAX, "\"2024-02-29\"");
	EXPECT("day_any", "29-02-2024", MSG__MAX, "\"2024-02-29\"");
	EXPECT("day_any", "5/3/2026", MSG__MAX, "\"2026-03-05\"");
	EXPECT("day_any", " 2026-10-25 ", MSG__MAX, "\"2026-10-25\"");
	EXPECT("day_any", "2000-02-29", MSG__MAX, "\"2000-02-29\"");       /* divisible by 400 */
	EXPECT("day_any", "30/04/2026", MSG__MAX, "\"2026-04-30\"");
	EXPECT("day_any", "2026-02-29", MSG_FIELD_BAD_DATE, NULL);         /* not a leap year */
	EXPECT("day_any", "1900-02-29", MSG_FIELD_BAD_DATE, NULL);         /* divisible by 100 */
	EXPECT("day_any", "31/04/2026", MSG_FIELD_BAD_DATE, NULL);
	EXPECT("day_any", "2026-04-31", MSG_FIELD_BAD_DATE, NULL);
	EXPECT("day_any", "2026-13-01", MSG_FIELD_BAD_DATE, NULL);
	EXPECT("day_any", "2026-00-10", MSG_FIELD_BAD_DATE, NULL);
	EXPECT("day_any", "00/01/2026", MSG_FIELD_BAD_DATE, NULL);
	EXPECT("day_any", "29/02/24", MSG_FIELD_BAD_DATE, NULL);           /* two-digit year */
	EXPECT("day_any", "2026-10-25x", MSG_FIELD_BAD_DATE, NULL);
	EXPECT("day_any", "25/10/2026/1", MSG_FIELD_BAD_DATE, NULL);
	EXPECT("day_any", "hôm nay", MSG_FIELD_BAD_DATE, NULL);
	EXPECT("day_any", "", MSG__MAX, NULL);
}

/* Bounds count days from today in Vietnam (UTC+7). */
static void
test_date_bounds(void **state)
{
	struct fixture *fx = *state;
	const char *today = vn_day(fx, 0, false), *tomorrow = vn_day(fx, 1, false);

	EXPECT("day_past", today, MSG__MAX, q(fx, today));
	EXPECT("day_past", vn_day(fx, 0, true), MSG__MAX, q(fx, today));
	EXPECT("day_past", vn_day(fx, -1, false), MSG__MAX, q(fx, vn_day(fx, -1, false)));
	EXPECT("day_past", "2001-09-11", MSG__MAX, "\"2001-09-11\"");
	EXPECT("day_past", tomorrow, MSG_FIELD_TOO_BIG, NULL);
	EXPECT("day_past", vn_day(fx, 1, true), MSG_FIELD_TOO_BIG, NULL);
	EXPECT("day_past", vn_day(fx, 400, false), MSG_FIELD_TOO_BIG, NULL);

	EXPECT("day_recent", vn_day(fx, -10, false), MSG__MAX, q(fx, vn_day(fx, -10, false)));
	EXPECT("day_recent", vn_day(fx, -11, false), MSG_FIELD_TOO_SMALL, NULL);
	EXPECT("day_recent", vn_day(fx, -11, true), MSG_FIELD_TOO_SMALL, NULL);
	EXPECT("day_recent", vn_day(fx, -400, false), MSG_FIELD_TOO_SMALL, NULL);
	EXPECT("day_recent", tomorrow, MSG__MAX, q(fx, tomorrow));   /* no "max" */
}

static void
test_month_single(void **state)
{
	struct fixture *fx = *state;

	EXPECT("month_any", "10/2026", MSG__MAX, "\"2026-10\"");
	EXPECT("month_any", "2026-10", MSG__MAX, "\"2026-10\"");
	EXPECT("month_any", "1/2026", MSG__MAX, "\"2026-01\"");
	EXPECT("month_any", " 12/2030 ", MSG__MAX, "\"2030-12\"");
	EXPECT("month_any", "2026-13", MSG_FIELD_BAD_MONTH, NULL);
	EXPECT("month_any", "2026-00", MSG_FIELD_BAD_MONTH, NULL);
	EXPECT("month_any", "13/2026", MSG_FIELD_BAD_MONTH, NULL);
	EXPECT("month_any", "2026/10", MSG_FIELD_BAD_MONTH, NULL);
	EXPECT("month_any", "10/26", MSG_FIELD_BAD_MONTH, NULL);
	EXPECT("month_any", "2026-10-01", MSG_FIELD_BAD_MONTH, NULL);
	EXPECT("month_any", "", MSG__MAX, NULL);

	/* month_past: from 24 months ago to this month */
	const char *now = vn_month(fx, 0, false);
	EXPECT("month_past", now, MSG__MAX, q(fx, now));
	EXPECT("month_past", vn_month(fx, 0, true), MSG__MAX, q(fx, now));
	EXPECT("month_past", vn_month(fx, 24, false), MSG__MAX, q(fx, vn_month(fx, 24, false)));
	EXPECT("month_past", vn_month(fx, -1, false), MSG_FIELD_TOO_BIG, NULL);
	EXPECT("month_past", vn_month(fx, 25, false), MSG_FIELD_TOO_SMALL, NULL);
}

/* "multiple": true, span 6, max_items 3: a list of recent months. */
static void
test_month_list(void **state)
{
	struct fixture *fx = *state;
	const char *m0 = vn_month(fx, 0, false), *m1 = vn_month(fx, 1, false), *m2 = vn_month(fx, 2, false);
	const char *m5 = vn_month(fx, 5, false), *m6 = vn_month(fx, 6, false), *next = vn_month(fx, -1, false);

	EXPECT("months", m0, MSG__MAX, arena_printf(fx->arena, "[\"%s\"]", m0));
	/* stored oldest first, whatever the order sent */
	EXPECT_PAIRS("months", MSG__MAX, arena_printf(fx->arena, "[\"%s\",\"%s\"]", m1, m0),
	    "months", m0, "months", m1);
	EXPECT_PAIRS("months", MSG__MAX, arena_printf(fx->arena, "[\"%s\",\"%s\"]", m1, m0),
	    "months", m1, "months", m0);
	/* MM/YYYY is normalised */
	EXPECT_PAIRS("months", MSG__MAX, arena_printf(fx->arena, "[\"%s\",\"%s\"]", m5, m1),
	    "months", vn_month(fx, 1, true), "months", m5);
	/* duplicates collapse (and do not count towards max_items) */
	EXPECT_PAIRS("months", MSG__MAX, arena_printf(fx->arena, "[\"%s\",\"%s\",\"%s\"]", m2, m1, m0),
	    "months", m0, "months", m0, "months", m1, "months", m1, "months", m2);
	/* empty values are ignored */
	EXPECT_PAIRS("months", MSG__MAX, arena_printf(fx->arena, "[\"%s\"]", m2), "months", "", "months", m2);
	EXPECT("months", "", MSG__MAX, NULL);
	EXPECT_PAIRS("months", MSG__MAX, NULL, "workers", "1");

	EXPECT_PAIRS("months", MSG_FIELD_TOO_BIG, NULL, "months", m0, "months", next);
	EXPECT_PAIRS("months", MSG_FIELD_TOO_SMALL, NULL, "months", m0, "months", m6);
	EXPECT_PAIRS("months", MSG_FIELD_TOO_MANY, NULL, "months", m0, "months", m1, "months", m2, "months", m5);
	EXPECT_PAIRS("months", MSG_FIELD_BAD_MONTH, NULL, "months", m0, "months", "2026-13");
	EXPECT("months", "tháng 10", MSG_FIELD_BAD_MONTH, NULL);
}

/* The page's range, NAME:from..NAME:to, expands to the stored list of months. */
static void
test_month_range(void **state)
{
	struct fixture *fx = *state;
	const char *m0 = vn_month(fx, 0, false), *m1 = vn_month(fx, 1, false), *m2 = vn_month(fx, 2, false);
	const char *m3 = vn_month(fx, 3, false), *m5 = vn_month(fx, 5, false), *m6 = vn_month(fx, 6, false);
	const char *next = vn_month(fx, -1, false);
	const char *three = arena_printf(fx->arena, "[\"%s\",\"%s\",\"%s\"]", m2, m1, m0);

	EXPECT_PAIRS("months", MSG__MAX, three, "months:from", m2, "months:to", m0);
	EXPECT_PAIRS("months", MSG__MAX, three, "months:from", vn_month(fx, 2, true), "months:to", m0);   /* MM/YYYY */
	EXPECT_PAIRS("months", MSG__MAX, arena_printf(fx->arena, "[\"%s\"]", m1), "months:from", m1, "months:to", m1);
	/* one end alone is one month */
	EXPECT_PAIRS("months", MSG__MAX, arena_printf(fx->arena, "[\"%s\"]", m3), "months:from", m3, "months:to", "");
	EXPECT_PAIRS("months", MSG__MAX, arena_printf(fx->arena, "[\"%s\"]", m3), "months:to", m3);
	/* a range and listed months together: each month once */
	EXPECT_PAIRS("months", MSG__MAX, arena_printf(fx->arena, "[\"%s\",\"%s\",\"%s\"]", m5, m1, m0),
	    "months:from", m1, "months:to", m0, "months", m5, "months", m0);
	/* nothing chosen: not required here, nothing stored */
	EXPECT_PAIRS("months", MSG__MAX, NULL, "months:from", "", "months:to", " ");
	/* refused */
	/* the ends in either order: the months between */
	EXPECT_PAIRS("months", MSG__MAX, three, "months:from", m0, "months:to", m2);
	EXPECT_PAIRS("months", MSG_FIELD_TOO_MANY, NULL, "months:from", m5, "months:to", m0);   /* max_items 3 */
	EXPECT_PAIRS("months", MSG_FIELD_TOO_MANY, NULL, "months:from", m1, "months:to", m0, "months", m2, "months", m5);
	EXPECT_PAIRS("months", MSG_FIELD_TOO_SMALL, NULL, "months:from", m6, "months:to", m5);
	EXPECT_PAIRS("months", MSG_FIELD_TOO_BIG, NULL, "months:from", m0, "months:to", next);
	EXPECT_PAIRS("months", MSG_FIELD_BAD_MONTH, NULL, "months:from", "2026-13", "months:to", m0);
	EXPECT_PAIRS("months", MSG_FIELD_BAD_MONTH, NULL, "months:from", "'; DROP TABLE x; --", "months:to", m0);
	EXPECT_PAIRS("months", MSG_FIELD_BAD_MONTH, NULL, "months:from", "<script>", "months:to", m0);
	EXPECT_PAIRS("months", MSG_FIELD_BAD_MONTH, NULL, "months:to", "99999999999999999999-01");
}

/* The same month sent in both spellings is one month. */
static void
test_month_list_one_month_two_spellings(void **state)
{
	struct fixture *fx = *state;
	const char *m0 = vn_month(fx, 0, false);

	EXPECT_PAIRS("months", MSG__MAX, arena_printf(fx->arena, "[\"%s\"]", m0),
	    "months", m0, "months", vn_month(fx, 0, true));
}

static void
test_select(void **state)
{
	struct fixture *fx = *state;

	EXPECT("shift", "day", MSG__MAX, "\"day\"");
	EXPECT("shift", " night ", MSG__MAX, "\"night\"");
	EXPECT("shift", "evening", MSG_FIELD_BAD_OPTION, NULL);
	EXPECT("shift", "Day", MSG_FIELD_BAD_OPTION, NULL);
	EXPECT("shift", "Ca ngày", MSG_FIELD_BAD_OPTION, NULL);
	EXPECT("shift", "", MSG__MAX, NULL);
	/* a choice is chosen, not "filled in" */
	EXPECT("kind", "", MSG_FIELD_CHOOSE, NULL);
	EXPECT_PAIRS("kind", MSG_FIELD_CHOOSE, NULL, "shift", "day");
	EXPECT("kind", "accident", MSG__MAX, "\"accident\"");
}

static void
test_multiselect(void **state)
{
	struct fixture *fx = *state;

	EXPECT_PAIRS("problems", MSG__MAX, "[\"food\",\"heat\"]", "problems", "food", "problems", "heat");
	EXPECT_PAIRS("problems", MSG__MAX, "[\"heat\",\"food\"]", "problems", "heat", "problems", "food");
	EXPECT("problems", "noise", MSG__MAX, "[\"noise\"]");
	EXPECT_PAIRS("problems", MSG__MAX, "[\"food\",\"water\"]",
	    "problems", "food", "problems", "food", "problems", "water", "problems", "water");
	EXPECT_PAIRS("problems", MSG_FIELD_BAD_OPTION, NULL, "problems", "food", "problems", "bogus");
	EXPECT("problems", "Food", MSG_FIELD_BAD_OPTION, NULL);
	EXPECT_PAIRS("problems", MSG_FIELD_TOO_MANY, NULL,
	    "problems", "food", "problems", "water", "problems", "heat", "problems", "noise");
	EXPECT("problems", "", MSG__MAX, NULL);
	EXPECT_PAIRS("problems", MSG__MAX, NULL, "workers", "3");
}

static void
test_yesno(void **state)
{
	struct fixture *fx = *state;

	EXPECT("danger", "yes", MSG__MAX, "\"yes\"");
	EXPECT("danger", "no", MSG__MAX, "\"no\"");
	EXPECT("danger", "unsure", MSG__MAX, "\"unsure\"");
	EXPECT("paid", "yes", MSG__MAX, "\"yes\"");
	EXPECT("paid", "no", MSG__MAX, "\"no\"");
	EXPECT("paid", "unsure", MSG_FIELD_BAD_OPTION, NULL);   /* no "unsure": true */
	EXPECT("paid", "maybe", MSG_FIELD_BAD_OPTION, NULL);
	EXPECT("danger", "maybe", MSG_FIELD_BAD_OPTION, NULL);
	EXPECT("danger", "Yes", MSG_FIELD_BAD_OPTION, NULL);
	EXPECT("danger", "có", MSG_FIELD_BAD_OPTION, NULL);
	EXPECT("danger", "1", MSG_FIELD_BAD_OPTION, NULL);
	EXPECT("paid", "", MSG__MAX, NULL);
}

/* Rank k for option OPT arrives as priorities:OPT=k; max_items 3 of 4. */
static void
test_rank(void **state)
{
	struct fixture *fx = *state;

	EXPECT_PAIRS("priorities", MSG__MAX, "[\"pay\",\"hours\"]", "priorities:pay", "1", "priorities:hours", "2");
	EXPECT_PAIRS("priorities", MSG__MAX, "[\"hours\",\"pay\"]", "priorities:pay", "2", "priorities:hours", "1");
	EXPECT_PAIRS("priorities", MSG__MAX, "[\"safety\"]", "priorities:safety", "1");
	EXPECT_PAIRS("priorities", MSG__MAX, "[\"food\",\"pay\",\"safety\"]",
	    "priorities:pay", "2", "priorities:safety", "3", "priorities:food", "1", "priorities:hours", "");
	EXPECT_PAIRS("priorities", MSG__MAX, "[\"pay\"]", "priorities:pay", " 1 ");

	EXPECT_PAIRS("priorities", MSG_FIELD_BAD_RANK, NULL, "priorities:pay", "1", "priorities:hours", "1");
	EXPECT_PAIRS("priorities", MSG_FIELD_BAD_RANK, NULL, "priorities:pay", "1", "priorities:hours", "3");
	EXPECT_PAIRS("priorities", MSG_FIELD_BAD_RANK, NULL, "priorities:pay", "2");
	EXPECT_PAIRS("priorities", MSG_FIELD_BAD_RANK, NULL,       /* above max_items, though there are 4 options */
	    "priorities:pay", "1", "priorities:hours", "2", "priorities:safety", "3", "priorities:food", "4");
	EXPECT_PAIRS("priorities", MSG_FIELD_BAD_RANK, NULL, "priorities:pay", "x");
	EXPECT_PAIRS("priorities", MSG_FIELD_BAD_RANK, NULL, "priorities:pay", "0");
	EXPECT_PAIRS("priorities", MSG_FIELD_BAD_RANK, NULL, "priorities:pay", "-1");
	EXPECT_PAIRS("priorities", MSG_FIELD_BAD_RANK, NULL, "priorities:pay", "1.0");
	EXPECT_PAIRS("priorities", MSG_FIELD_BAD_RANK, NULL, "priorities:pay", "99999999999999999999");

	/* required: none ranked */
	EXPECT_PAIRS("priorities", MSG_FIELD_CHOOSE, NULL, "workers", "1");
	EXPECT_PAIRS("priorities", MSG_FIELD_CHOOSE, NULL, "priorities:pay", "");
	EXPECT_PAIRS("priorities", MSG_FIELD_CHOOSE, NULL, "priorities", "pay");
	EXPECT_PAIRS("priorities", MSG_FIELD_CHOOSE, NULL, "priorities:bogus", "1");
}

static void
test_phone(void **state)
{
	struct fixture *fx = *state;

	EXPECT("phone", "0912 345 678", MSG__MAX, "\"0912345678\"");
	EXPECT("phone", "+84912345678", MSG__MAX, "\"0912345678\"");
	EXPECT("phone", "84912345678", MSG__MAX, "\"0912345678\"");
	EXPECT("phone", "+84 912 345 678", MSG__MAX, "\"0912345678\"");
	EXPECT("phone", "0912.345.678", MSG__MAX, "\"0912345678\"");
	EXPECT("phone", "0912-345-678", MSG__MAX, "\"0912345678\"");
	EXPECT("phone", "(024) 3826 1234", MSG__MAX, "\"02438261234\"");   /* 11-digit landline */
	EXPECT("phone", "12345", MSG_FIELD_BAD_PHONE, NULL);
	EXPECT("phone", "091234567a", MSG_FIELD_BAD_PHONE, NULL);
	EXPECT("phone", "091234567", MSG_FIELD_BAD_PHONE, NULL);           /* 9 digits */
	EXPECT("phone", "091234567890", MSG_FIELD_BAD_PHONE, NULL);        /* 12 digits */
	EXPECT("phone", "8491234567", MSG_FIELD_BAD_PHONE, NULL);          /* 84 + 8 digits */
	EXPECT("phone", "+1 415 555 0100", MSG_FIELD_BAD_PHONE, NULL);
	EXPECT("phone", "912345678", MSG_FIELD_BAD_PHONE, NULL);
	EXPECT("phone", "+84", MSG_FIELD_BAD_PHONE, NULL);
	EXPECT("phone", "()", MSG_FIELD_BAD_PHONE, NULL);
	EXPECT("phone", "", MSG__MAX, NULL);
}

/* "+84 0912…" (country code and the trunk 0) is a common way to write a
 * number; it must not be stored as "00912345678". */
static void
test_phone_country_code_and_zero(void **state)
{
	struct fixture *fx = *state;
	json_t *answers;
	enum msg *errors;

	validate(fx, fx->f, &answers, &errors, "phone", "+84 0912 345 678", NULL);
	const char *got = stored(fx, answers, "phone");
	enum msg e = errors[field_index(fx->f, "phone")];
	json_decref(answers);
	if (!(e == MSG_FIELD_BAD_PHONE || (e == MSG__MAX && strcmp(got, "\"0912345678\"") == 0)))
		fail_msg("\"+84 0912 345 678\" stored as %s: want \"0912345678\" or MSG_FIELD_BAD_PHONE", got);
}

static void
test_text(void **state)
{
	struct fixture *fx = *state;
	static const char *const hostile[] = {
		"'; DROP TABLE x; --",
		"<script>alert(1)</script>",
		"\" onmouseover=\"alert(1)",
		"=HYPERLINK(\"http://x\")",
		"Nguyễn & Trần <3",
	};
	json_t *answers;
	enum msg *errors;

	for (size_t i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++) {
		validate(fx, fx->f, &answers, &errors, "place", hostile[i], "details", hostile[i], NULL);
		assert_int_equal(errors[field_index(fx->f, "place")], MSG__MAX);
		assert_int_equal(errors[field_index(fx->f, "details")], MSG__MAX);
		assert_string_equal(json_string_value(json_object_get(answers, "place")), hostile[i]);
		assert_string_equal(json_string_value(json_object_get(answers, "details")), hostile[i]);
		json_decref(answers);
	}

	/* place: 2 to 30 letters, counted in code points */
	EXPECT("place", "Nguyễn", MSG__MAX, "\"Nguyễn\"");
	EXPECT("place", "Xưởng may số 3", MSG__MAX, "\"Xưởng may số 3\"");
	EXPECT("place", "  Xưởng 3  ", MSG__MAX, "\"Xưởng 3\"");
	EXPECT("place", "ệ", MSG_FIELD_TOO_SHORT, NULL);
	EXPECT("place", "", MSG__MAX, NULL);
	char *s = vietnamese(fx, 30);
	assert_true(strlen(s) > 30);
	EXPECT("place", s, MSG__MAX, q(fx, s));
	EXPECT("place", vietnamese(fx, 31), MSG_FIELD_TOO_LONG, NULL);

	/* details: a textarea, 4000 code points by default */
	s = vietnamese(fx, 4000);
	assert_true(strlen(s) > 4500);
	validate(fx, fx->f, &answers, &errors, "details", s, NULL);
	assert_int_equal(errors[field_index(fx->f, "details")], MSG__MAX);
	assert_string_equal(json_string_value(json_object_get(answers, "details")), s);
	json_decref(answers);
	validate(fx, fx->f, &answers, &errors, "details", vietnamese(fx, 4001), NULL);
	assert_int_equal(errors[field_index(fx->f, "details")], MSG_FIELD_TOO_LONG);
	assert_null(json_object_get(answers, "details"));
	json_decref(answers);
}

/* Photos are checked by the page that reads the files: here, nothing. */
static void
test_photo(void **state)
{
	struct fixture *fx = *state;

	EXPECT("photos", "a.jpg", MSG__MAX, NULL);
	EXPECT("photos", "", MSG__MAX, NULL);
}

/* One valid value for every field: no error, every answer stored. */
static void
test_everything_valid(void **state)
{
	struct fixture *fx = *state;
	json_t *answers;
	enum msg *errors;
	const char *today = vn_day(fx, 0, false), *m0 = vn_month(fx, 0, false);

	int n = validate(fx, fx->f, &answers, &errors,
	    "kind", "accident", "danger", "yes", "injured", "2", "reported", "yes", "reported_on", today,
	    "workers", "40", "hours", "10,5", "wage", "6.500.000 đ", "day_any", "1/5/2026", "day_past", today,
	    "day_recent", today, "month_any", "5/2026", "month_past", m0, "months", m0, "shift", "night",
	    "problems", "heat", "paid", "no", "priorities:safety", "1", "phone", "+84 912 345 678",
	    "place", "Xưởng 3", "details", "Hai người bị bỏng.", "photos", "x", "_token", "t", NULL);
	for (size_t i = 0; i < fx->f->nfields; i++)
		if (errors[i] != MSG__MAX)
			fail_msg("field %s: error \"%s\"", fx->f->fields[i].name, msg_name(errors[i]));
	assert_int_equal(n, 0);
	assert_int_equal(json_object_size(answers), fx->f->nfields - 1);   /* all but the photo */
	char *dump = json_dumps(answers, JSON_COMPACT | JSON_SORT_KEYS);
	char *want = arena_printf(fx->arena,
	    "{\"danger\":\"yes\",\"day_any\":\"2026-05-01\",\"day_past\":\"%s\",\"day_recent\":\"%s\","
	    "\"details\":\"Hai người bị bỏng.\",\"hours\":10.5,\"injured\":2,\"kind\":\"accident\","
	    "\"month_any\":\"2026-05\",\"month_past\":\"%s\",\"months\":[\"%s\"],\"paid\":\"no\","
	    "\"phone\":\"0912345678\",\"place\":\"Xưởng 3\",\"priorities\":[\"safety\"],\"problems\":[\"heat\"],"
	    "\"reported\":\"yes\",\"reported_on\":\"%s\",\"shift\":\"night\",\"wage\":6500000,\"workers\":40}",
	    today, today, m0, m0, today);
	assert_string_equal(dump, want);
	free(dump);
	json_decref(answers);
}

/* ---- conditions ---- */

/* form_field_asked on the pairs (key, value, ..., NULL). */
static bool
asked(const struct form *f, const char *name, ...)
{
	struct kv items[PAIRS_MAX];
	struct kvlist in;
	va_list ap;
	va_start(ap, name);
	pairs_v(items, &in, ap);
	va_end(ap);
	return form_field_asked(f, field(f, name), &in);
}

static void
test_conditions_asked(void **state)
{
	struct fixture *fx = *state;
	const struct form *f = fx->f;

	/* unconditional */
	assert_true(form_field_asked(f, field(f, "kind"), NULL));
	assert_true(asked(f, "workers", NULL));
	assert_false(form_field_asked(f, field(f, "injured"), NULL));

	/* equals */
	assert_true(asked(f, "injured", "kind", "accident", NULL));
	assert_false(asked(f, "injured", "kind", "hazard", NULL));
	assert_false(asked(f, "injured", "kind", "", NULL));
	assert_false(asked(f, "injured", NULL));
	assert_false(asked(f, "injured", "injured", "3", NULL));

	/* in */
	assert_true(asked(f, "reported", "kind", "accident", NULL));
	assert_true(asked(f, "reported", "kind", "near_miss", NULL));
	assert_false(asked(f, "reported", "kind", "hazard", NULL));
	assert_false(asked(f, "reported", "kind", "other", NULL));

	/* chained: reported_on if reported = yes, reported if kind in (accident, near_miss) */
	assert_true(asked(f, "reported_on", "kind", "accident", "reported", "yes", NULL));
	assert_true(asked(f, "reported_on", "kind", "near_miss", "reported", "yes", NULL));
	assert_false(asked(f, "reported_on", "kind", "accident", "reported", "no", NULL));
	assert_false(asked(f, "reported_on", "kind", "hazard", "reported", "yes", NULL));
	assert_false(asked(f, "reported_on", "reported", "yes", NULL));
	assert_false(asked(f, "reported_on", "kind", "accident", NULL));
}

/* A question whose condition does not hold is neither required nor
 * checked nor stored, even when a value is sent. */
static void
test_hidden_not_required_not_stored(void **state)
{
	struct fixture *fx = *state;
	const struct form *f = fx->f;
	size_t injured = field_index(f, "injured"), reported = field_index(f, "reported");
	size_t reported_on = field_index(f, "reported_on");
	const char *today = vn_day(fx, 0, false), *tomorrow = vn_day(fx, 1, false);
	json_t *answers;
	enum msg *errors;

	int n = validate(fx, f, &answers, &errors, "kind", "hazard", "injured", "7", "reported", "yes",
	    "reported_on", today, "priorities:pay", "1", NULL);
	assert_int_equal(n, 0);
	assert_int_equal(errors[injured], MSG__MAX);
	assert_int_equal(errors[reported], MSG__MAX);
	assert_int_equal(errors[reported_on], MSG__MAX);
	assert_null(json_object_get(answers, "injured"));
	assert_null(json_object_get(answers, "reported"));
	assert_null(json_object_get(answers, "reported_on"));
	assert_string_equal(json_string_value(json_object_get(answers, "kind")), "hazard");
	assert_int_equal(json_object_size(answers), 2);
	json_decref(answers);

	/* hidden and invalid: not checked either */
	n = validate(fx, f, &answers, &errors, "kind", "other", "injured", "lots", "reported", "maybe",
	    "reported_on", "31/02/2026", "priorities:pay", "1", NULL);
	assert_int_equal(n, 0);
	assert_int_equal(json_object_size(answers), 2);
	json_decref(answers);

	/* shown: the required one is required; the chained one is still hidden */
	n = validate(fx, f, &answers, &errors, "kind", "accident", "reported_on", tomorrow, "priorities:pay", "1", NULL);
	assert_int_equal(n, 1);
	assert_int_equal(errors[injured], MSG_FIELD_REQUIRED);
	assert_int_equal(errors[reported], MSG__MAX);
	assert_int_equal(errors[reported_on], MSG__MAX);
	assert_null(json_object_get(answers, "reported_on"));
	json_decref(answers);

	/* and checked when shown */
	n = validate(fx, f, &answers, &errors, "kind", "accident", "injured", "501", "priorities:pay", "1", NULL);
	assert_int_equal(n, 1);
	assert_int_equal(errors[injured], MSG_FIELD_TOO_BIG);
	json_decref(answers);

	/* the chain: shown once reported = yes, and then required and bounded */
	n = validate(fx, f, &answers, &errors, "kind", "near_miss", "reported", "yes", "priorities:pay", "1", NULL);
	assert_int_equal(n, 1);
	assert_int_equal(errors[injured], MSG__MAX);
	assert_int_equal(errors[reported_on], MSG_FIELD_REQUIRED);
	json_decref(answers);
	n = validate(fx, f, &answers, &errors, "kind", "accident", "injured", "0", "reported", "yes",
	    "reported_on", tomorrow, "priorities:pay", "1", NULL);
	assert_int_equal(n, 1);
	assert_int_equal(errors[reported_on], MSG_FIELD_TOO_BIG);
	json_decref(answers);
	n = validate(fx, f, &answers, &errors, "kind", "accident", "injured", "0", "reported", "yes",
	    "reported_on", vn_day(fx, 0, true), "priorities:pay", "1", NULL);
	assert_int_equal(n, 0);
	assert_int_equal(json_integer_value(json_object_get(answers, "injured")), 0);
	assert_string_equal(json_string_value(json_object_get(answers, "reported")), "yes");
	assert_string_equal(json_string_value(json_object_get(answers, "reported_on")), today);
	json_decref(answers);
}

/* form_is_urgent on the pairs (key, value, ..., NULL). */
static bool
urgent(const struct form *f, ...)
{
	struct kv items[PAIRS_MAX];
	struct kvlist in;
	va_list ap;
	va_start(ap, f);
	pairs_v(items, &in, ap);
	va_end(ap);
	return form_is_urgent(f, &in);
}

static void
test_urgent(void **state)
{
	struct fixture *fx = *state;

	assert_true(urgent(fx->f, "danger", "yes", NULL));
	assert_true(urgent(fx->f, "kind", "other", "danger", "yes", NULL));
	assert_false(urgent(fx->f, "danger", "no", NULL));
	assert_false(urgent(fx->f, "danger", "unsure", NULL));
	assert_false(urgent(fx->f, "danger", "", NULL));
	assert_false(urgent(fx->f, NULL));
	assert_false(urgent(fx->f, "kind", "yes", NULL));
	assert_true(urgent(fx->hidden, "kind", "accident", "danger", "yes", NULL));
	assert_false(urgent(fx->hidden, "kind", "accident", "danger", "no", NULL));
}

/* The urgent question is behind a condition that does not hold: its
 * answer is not stored, so it cannot make the report urgent. (A hidden
 * radio keeps its tick in the browser and is sent.) */
static void
test_urgent_needs_the_question_asked(void **state)
{
	struct fixture *fx = *state;
	json_t *answers;
	enum msg *errors;

	assert_int_equal(validate(fx, fx->hidden, &answers, &errors, "kind", "other", "danger", "yes", NULL), 0);
	assert_null(json_object_get(answers, "danger"));
	json_decref(answers);
	assert_false(urgent(fx->hidden, "kind", "other", "danger", "yes", NULL));
}

/* Conditions must follow the answer as stored: " accident" is stored as
 * "accident", so the question asked when kind = accident is asked. */
static void
test_condition_uses_trimmed_answer(void **state)
{
	struct fixture *fx = *state;
	json_t *answers;
	enum msg *errors;

	validate(fx, fx->f, &answers, &errors, "kind", " accident", "priorities:pay", "1", NULL);
	const char *kind = stored(fx, answers, "kind");
	enum msg e = errors[field_index(fx->f, "injured")];
	json_decref(answers);
	assert_string_equal(kind, "\"accident\"");
	if (e != MSG_FIELD_REQUIRED)
		fail_msg("kind stored as \"accident\" but \"injured\" (required when kind = accident) was not asked");
}

/* A single-valued field sent twice is stored with its first value; the
 * conditions must read that one, not any of the others. */
static void
test_condition_uses_first_of_repeated_values(void **state)
{
	struct fixture *fx = *state;
	json_t *answers;
	enum msg *errors;

	validate(fx, fx->f, &answers, &errors, "kind", "other", "kind", "accident", "injured", "5",
	    "priorities:pay", "1", NULL);
	const char *kind = stored(fx, answers, "kind");
	bool has_injured = json_object_get(answers, "injured") != NULL;
	json_decref(answers);
	assert_string_equal(kind, "\"other\"");
	if (has_injured)
		fail_msg("kind stored as \"other\" but \"injured\" (asked only when kind = accident) was stored");
}

/* The same for urgency: stored "no" is not urgent. */
static void
test_urgent_uses_first_of_repeated_values(void **state)
{
	struct fixture *fx = *state;
	json_t *answers;
	enum msg *errors;

	validate(fx, fx->f, &answers, &errors, "danger", "no", "danger", "yes", NULL);
	const char *danger = stored(fx, answers, "danger");
	json_decref(answers);
	assert_string_equal(danger, "\"no\"");
	if (urgent(fx->f, "danger", "no", "danger", "yes", NULL))
		fail_msg("danger stored as \"no\" but the report is urgent");
}

/* ---- contact details ---- */

/* form_contact on the pairs (key, value, ..., NULL); *json from the arena. */
static enum msg
contact(struct fixture *fx, const struct form *f, char **json, ...)
{
	struct kv items[PAIRS_MAX];
	struct kvlist in;
	va_list ap;
	va_start(ap, json);
	pairs_v(items, &in, ap);
	va_end(ap);
	return form_contact(fx->arena, f, &in, json);
}

static void
test_contact(void **state)
{
	struct fixture *fx = *state;
	const struct form *f = fx->f;
	char *json = (char *)"unset";

	/* nothing: fine, nothing to seal */
	assert_int_equal(contact(fx, f, &json, NULL), MSG__MAX);
	assert_null(json);
	json = (char *)"unset";
	assert_int_equal(contact(fx, f, &json, "contact_name", " ", "contact_phone", "", "kind", "other", NULL), MSG__MAX);
	assert_null(json);

	/* details without consent; consent without details */
	assert_int_equal(contact(fx, f, &json, "contact_phone", "0912345678", NULL), MSG_CONTACT_NEED_CONSENT);
	assert_null(json);
	assert_int_equal(contact(fx, f, &json, "contact_name", "Lan", NULL), MSG_CONTACT_NEED_CONSENT);
	assert_int_equal(contact(fx, f, &json, "contact_zalo", "lan99", "contact_consent", "on", NULL),
	    MSG_CONTACT_NEED_CONSENT);
	assert_int_equal(contact(fx, f, &json, "contact_consent", "yes", NULL), MSG_CONTACT_EMPTY);
	assert_null(json);
	assert_int_equal(contact(fx, f, &json, "contact_consent", "yes", "contact_name", "  ", NULL), MSG_CONTACT_EMPTY);

	/* consent and a phone: the phone normalised */
	assert_int_equal(contact(fx, f, &json, "contact_consent", "yes", "contact_phone", "+84 912 345 678", NULL),
	    MSG__MAX);
	assert_non_null(json);
	assert_has(json, "0912345678");
	json_t *o = json_loads(json, 0, NULL);
	assert_non_null(o);
	assert_int_equal(json_object_size(o), 1);
	assert_string_equal(json_string_value(json_object_get(o, "phone")), "0912345678");
	json_decref(o);

	/* all three, trimmed, verbatim */
	assert_int_equal(contact(fx, f, &json, "contact_name", " Nguyễn Thị Lan ", "contact_phone", "0912.345.678",
	    "contact_zalo", "<lan>\"99\"", "contact_consent", "yes", NULL), MSG__MAX);
	o = json_loads(json, 0, NULL);
	assert_non_null(o);
	assert_int_equal(json_object_size(o), 3);
	assert_string_equal(json_string_value(json_object_get(o, "name")), "Nguyễn Thị Lan");
	assert_string_equal(json_string_value(json_object_get(o, "phone")), "0912345678");
	assert_string_equal(json_string_value(json_object_get(o, "zalo")), "<lan>\"99\"");
	json_decref(o);

	/* bounds: 100 code points, a real phone */
	assert_int_equal(contact(fx, f, &json, "contact_name", vietnamese(fx, 100), "contact_consent", "yes", NULL),
	    MSG__MAX);
	assert_non_null(json);
	assert_int_equal(contact(fx, f, &json, "contact_name", vietnamese(fx, 101), "contact_consent", "yes", NULL),
	    MSG_FIELD_TOO_LONG);
	assert_null(json);
	assert_int_equal(contact(fx, f, &json, "contact_zalo", vietnamese(fx, 101), "contact_consent", "yes", NULL),
	    MSG_FIELD_TOO_LONG);
	assert_int_equal(contact(fx, f, &json, "contact_phone", "12345", "contact_consent", "yes", NULL),
	    MSG_FIELD_BAD_PHONE);
	assert_null(json);
	assert_int_equal(contact(fx, f, &json, "contact_phone", "12345", NULL), MSG_FIELD_BAD_PHONE);

	/* a form without the block ignores it */
	json = (char *)"unset";
	assert_int_equal(contact(fx, fx->hidden, &json, "contact_phone", "0912345678", NULL), MSG__MAX);
	assert_null(json);
}

/* ---- definition checks: each names the file, the field and the problem ---- */

static void
test_load_show_if_later_field(void **state)
{
	(void)state;
	const char *err = load_bad(FIXTURES "forms_bad_show_if_later");
	assert_has(err, "forms_bad_show_if_later/later.json");
	assert_has(err, "field \"injured\"");
	assert_has(err, "does not come before");
	assert_has(err, "kind");
}

static void
test_load_show_if_impossible_value(void **state)
{
	(void)state;
	const char *err = load_bad(FIXTURES "forms_bad_show_if_value");
	assert_has(err, "forms_bad_show_if_value/value.json");
	assert_has(err, "field \"injured\"");
	assert_has(err, "cannot have");
	assert_has(err, "fire");
}

static void
test_load_unknown_field_property(void **state)
{
	(void)state;
	const char *err = load_bad(FIXTURES "forms_bad_unknown_property");
	assert_has(err, "forms_bad_unknown_property/typo.json");
	assert_has(err, "field \"place\"");
	assert_has(err, "unknown property \"requird\"");
}

static void
test_load_unknown_top_property(void **state)
{
	(void)state;
	const char *err = load_bad(FIXTURES "forms_bad_top_level");
	assert_has(err, "forms_bad_top_level/top.json");
	assert_has(err, "unknown property \"urgent\"");
	assert_lacks(err, "field \"");
}

static void
test_load_photo_required(void **state)
{
	(void)state;
	const char *err = load_bad(FIXTURES "forms_bad_photo_required");
	assert_has(err, "forms_bad_photo_required/photo.json");
	assert_has(err, "field \"evidence\"");
	assert_has(err, "cannot be required");
}

static void
test_load_photo_max_items(void **state)
{
	(void)state;
	const char *err = load_bad(FIXTURES "forms_bad_photo_max_items");
	assert_has(err, "forms_bad_photo_max_items/photos.json");
	assert_has(err, "field \"evidence\"");
	assert_has(err, "\"max_items\"");
	assert_has(err, "at most 3");
}

static void
test_load_multiple_not_month(void **state)
{
	(void)state;
	const char *err = load_bad(FIXTURES "forms_bad_multiple");
	assert_has(err, "forms_bad_multiple/multiple.json");
	assert_has(err, "field \"days\"");
	assert_has(err, "\"multiple\"");
	assert_has(err, "month");
}

static void
test_load_min_above_max(void **state)
{
	(void)state;
	const char *err = load_bad(FIXTURES "forms_bad_min_max");
	assert_has(err, "forms_bad_min_max/bounds.json");
	assert_has(err, "field \"workers\"");
	assert_has(err, "\"min\" is above \"max\"");
}

static void
test_load_options_on_text(void **state)
{
	(void)state;
	const char *err = load_bad(FIXTURES "forms_bad_options_on_text");
	assert_has(err, "forms_bad_options_on_text/options.json");
	assert_has(err, "field \"place\"");
	assert_has(err, "\"options\" only belong");
}

/* A rank's answers arrive as NAME:OPTION, never as NAME=OPTION, so a
 * condition on a rank can never hold: the definition must be refused. */
static void
test_load_show_if_on_rank(void **state)
{
	(void)state;
	const char *err = load_bad(FIXTURES "forms_bad_show_if_rank");
	assert_has(err, "forms_bad_show_if_rank/rank.json");
	assert_has(err, "field \"why_pay\"");
	assert_has(err, "show_if");
}

/* "min_length" only means something on text and textarea; elsewhere it
 * would silently do nothing, which is what unknown keys are refused for. */
static void
test_load_min_length_on_integer(void **state)
{
	(void)state;
	const char *err = load_bad(FIXTURES "forms_bad_min_length_on_integer");
	assert_has(err, "forms_bad_min_length_on_integer/minlen.json");
	assert_has(err, "field \"workers\"");
	assert_has(err, "min_length");
}

/* ---- rendering ---- */

static void
test_render_fields(void **state)
{
	struct fixture *fx = *state;
	const char *html = render_fields(fx->f, LANG_VI, NULL, NULL);

	/* conditions: equals, in, chained; the urgent note carries its own */
	assert_has(html, "<div class=\"field\" id=\"q-injured\" data-if-field=\"kind\" data-if-values=\"accident\" "
	    "data-cond=\"1\">");
	assert_has(html, "<fieldset class=\"field\" id=\"q-reported\" data-if-field=\"kind\" "
	    "data-if-values=\"accident near_miss\" data-cond=\"2\">");
	/* under a question that is itself conditional: its slot and that one's */
	assert_has(html, "<div class=\"field\" id=\"q-reported_on\" data-if-field=\"reported\" data-if-values=\"yes\" "
	    "data-cond=\"3 2\">");
	assert_int_equal(occurrences(html, "data-if-field="), 4);
	/* and the answers that show them without the script (app.css: [data-on~=N]:checked) */
	assert_has(html, "<option value=\"accident\" data-on=\"1 2\">");
	assert_has(html, "<option value=\"near_miss\" data-on=\"2\">");
	assert_has(html, "<option value=\"hazard\">");
	assert_has(html, "name=\"reported\" value=\"yes\" data-on=\"3\">");
	assert_has(html, "name=\"reported\" value=\"no\">");
	assert_has(html, "name=\"danger\" value=\"yes\" data-on=\"4\">");
	assert_int_equal(occurrences(html, "data-on="), 4);
	/* only required questions are marked */
	assert_has(html, "<label for=\"f-workers\">");
	assert_has(html, "<legend>Điều quan trọng nhất <small>(bắt buộc)</small></legend>");
	assert_has(html, "<div class=\"field\" id=\"q-workers\">");

	/* controls */
	assert_int_equal(occurrences(html, "<input type=\"date\""), 4);
	assert_has(html, "<input type=\"date\" id=\"f-day_any\" name=\"day_any\"");
	/* no maxlength on date and month pickers (issue 14) */
	for (const char *at = strstr(html, "<input type=\"date\""); at; at = strstr(at + 1, "<input type=\"date\""))
		assert_null(memmem(at, (size_t)(strchr(at, '>') - at), "maxlength", 9));
	for (const char *at = strstr(html, "<input type=\"month\""); at; at = strstr(at + 1, "<input type=\"month\""))
		assert_null(memmem(at, (size_t)(strchr(at, '>') - at), "maxlength", 9));
	assert_has(html, "id=\"f-place\" name=\"place\" maxlength=\"30\"");
	assert_int_equal(occurrences(html, "<input type=\"month\""), 2);
	assert_int_equal(occurrences(html, "inputmode=\"numeric\""), 3);   /* injured, workers, wage */
	assert_has(html, "<input type=\"text\" inputmode=\"numeric\" id=\"f-workers\" name=\"workers\"");
	assert_has(html, "<input type=\"text\" inputmode=\"numeric\" id=\"f-wage\" name=\"wage\"");
	assert_has(html, "<input type=\"text\" inputmode=\"decimal\" id=\"f-hours\" name=\"hours\"");
	assert_has(html, "<input type=\"tel\" inputmode=\"tel\" autocomplete=\"off\" id=\"f-phone\" name=\"phone\"");
	assert_has(html, "<input type=\"text\" id=\"f-place\" name=\"place\" maxlength=\"30\"");
	/* an optional free text is folded, named by its summary */
	assert_has(html, "<details class=\"field\" id=\"q-details\"><summary id=\"l-details\">");
	assert_has(html, "<textarea rows=\"4\" id=\"f-details\" name=\"details\" maxlength=\"4000\" "
	    "aria-labelledby=\"l-details\">");
	/* required questions always asked are required in the browser too; a
	 * conditional one only by the server (it shows without the script) */
	assert_has(html, "<select id=\"f-kind\" name=\"kind\" required><option value=\"\">");
	for (const char *const *id = (const char *const[]){ "id=\"f-injured\"", "id=\"f-reported_on\"",
	    "name=\"danger\" value=\"yes\"", NULL }; *id; id++) {
		const char *at = strstr(html, *id), *end = at ? strchr(at, '>') : NULL;
		assert_non_null(end);
		assert_null(memmem(at, (size_t)(end - at), "required", 8));
	}
	const char *prio = strstr(html, "name=\"priorities:pay\"");   /* a ranking: the server judges the set */
	assert_non_null(prio);
	assert_null(memmem(prio, (size_t)(strchr(prio, '>') - prio), "required", 8));
	assert_has(html, "<input type=\"checkbox\" name=\"problems\" value=\"noise\">");
	assert_has(html, "<input type=\"radio\" name=\"danger\" value=\"unsure\">");
	assert_lacks(html, "name=\"paid\" value=\"unsure\"");
	assert_has(html, "<input type=\"file\" accept=\"image/jpeg,image/png,image/webp\" id=\"f-photos\" "
	    "name=\"photos\" multiple>");

	/* the month list: a range of two selects, each this month back to span - 1 months ago */
	assert_lacks(html, "name=\"months\"");
	assert_has(html, "<select id=\"f-months-from\" name=\"months:from\"><option value=\"\">");
	assert_has(html, "<select id=\"f-months-to\" name=\"months:to\"><option value=\"\">");
	assert_has(html, "<label for=\"f-months-from\">Từ tháng</label>");
	assert_int_equal(occurrences(html, arena_printf(fx->arena, "<option value=\"%s\">", vn_month(fx, 0, false))), 2);
	assert_int_equal(occurrences(html, arena_printf(fx->arena, "<option value=\"%s\">", vn_month(fx, 5, false))), 2);
	assert_lacks(html, arena_printf(fx->arena, "<option value=\"%s\">", vn_month(fx, 6, false)));
	assert_lacks(html, arena_printf(fx->arena, "<option value=\"%s\">", vn_month(fx, -1, false)));

	/* rank: one select per option, named NAME:OPTION, positions 1..max_items */
	assert_has(html, "<select name=\"priorities:pay\" id=\"f-priorities-pay\">");
	assert_has(html, "<select name=\"priorities:hours\"");
	assert_has(html, "<select name=\"priorities:safety\"");
	assert_has(html, "<select name=\"priorities:food\"");
	assert_int_equal(occurrences(html, "<option>3</option>"), 4);
	assert_lacks(html, "<option>4</option>");

	/* the urgent message, right after its question */
	const char *note = strstr(html, "<div class=\"urgent\" role=\"note\" data-if-field=\"danger\" "
	    "data-if-values=\"yes\" data-cond=\"4\"><p>Rời khỏi chỗ nguy hiểm ngay, gọi 115.</p><ul class=\"choices call\">");
	assert_non_null(note);
	/* with buttons that call (no hotline known here) */
	assert_has(note, "<a class=\"btn call\" href=\"tel:115\">");
	assert_has(note, "<a class=\"btn call\" href=\"tel:114\">");
	assert_lacks(html, "call-hotline");
	const char *q_danger = strstr(html, "id=\"q-danger\""), *q_injured = strstr(html, "id=\"q-injured\"");
	assert_non_null(q_danger);
	assert_true(q_danger < note && note < q_injured);
	assert_int_equal(occurrences(html, "class=\"urgent\""), 1);

	assert_lacks(html, "aria-invalid");
	assert_lacks(html, " checked");
	assert_lacks(html, " selected");

	html = render_fields(fx->f, LANG_EN, NULL, NULL);
	assert_has(html, "Leave the danger at once, call 115.");
	assert_has(html, "What matters most");
	assert_lacks(html, "Rời khỏi chỗ nguy hiểm");
}

/* Sent values come back selected and escaped; errors name the bound. */
static void
test_render_values_and_errors(void **state)
{
	struct fixture *fx = *state;
	const struct form *f = fx->f;
	const char *m1 = vn_month(fx, 1, false);
	struct kv items[PAIRS_MAX];
	struct kvlist values;
	pairs(items, &values, "months", m1, "priorities:hours", "2", "danger", "yes", "problems", "heat",
	    "kind", "hazard", "place", "\"><script>alert(1)</script>", "details", "</textarea><script>x</script>",
	    "wage", "5 000 000 đ", (const char *)NULL);
	enum msg *errors = arena_alloc(fx->arena, f->nfields * sizeof(*errors));
	assert_non_null(errors);
	for (size_t i = 0; i < f->nfields; i++)
		errors[i] = MSG__MAX;
	errors[field_index(f, "workers")] = MSG_FIELD_TOO_BIG;
	errors[field_index(f, "months")] = MSG_FIELD_TOO_MANY;

	const char *html = render_fields(f, LANG_VI, &values, errors);
	/* a month sent the old way (a checkbox value) selects both ends of the range */
	assert_int_equal(occurrences(html, arena_printf(fx->arena, "<option value=\"%s\" selected>", m1)), 2);
	assert_int_equal(occurrences(html, " checked"), 2);   /* danger, a problem */
	assert_has(html, "name=\"danger\" value=\"yes\" data-on=\"4\" checked>");
	assert_has(html, "<details class=\"field\" id=\"q-details\" open><summary");   /* it holds an answer */
	assert_has(html, "name=\"problems\" value=\"heat\" checked>");
	assert_has(html, "<option value=\"hazard\" selected>");
	const char *sel = strstr(html, "<select name=\"priorities:hours\"");
	assert_non_null(sel);
	const char *opt = strstr(sel, "<option selected>2</option>"), *end = strstr(sel, "</select>");
	assert_true(opt != NULL && opt < end);
	assert_int_equal(occurrences(html, "<option selected>"), 1);
	assert_has(html, " value=\"5 000 000 đ\">");

	assert_lacks(html, "<script>");
	assert_has(html, " value=\"&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;\">");
	assert_has(html, ">&lt;/textarea&gt;&lt;script&gt;x&lt;/script&gt;</textarea>");
	assert_int_equal(occurrences(html, "</textarea>"), 1);

	assert_int_equal(occurrences(html, "class=\"field error\""), 2);
	assert_has(html, arena_printf(fx->arena, "id=\"e-workers\">%s (%s 1000)</p>",
	    tr(LANG_VI, MSG_FIELD_TOO_BIG), tr(LANG_VI, MSG_MAX_PREFIX)));
	assert_has(html, arena_printf(fx->arena, "id=\"e-months\">%s (%s 3)</p>",
	    tr(LANG_VI, MSG_FIELD_TOO_MANY), tr(LANG_VI, MSG_MAX_PREFIX)));
	assert_has(html, "aria-invalid=\"true\" aria-describedby=\"e-workers\"");
}

/* Call buttons: 115 and 114 in an emergency, the hotline dialled by its
 * digits (a leading + kept) and shown as written, escaped. */
static void
test_render_call(void **state)
{
	(void)state;
	const char *html = render_call(LANG_VI, "(0213) 3.876-543", true);
	assert_has(html, "<a class=\"btn call\" href=\"tel:115\">Gọi cấp cứu 115</a>");
	assert_has(html, "<a class=\"btn call\" href=\"tel:114\">");
	assert_has(html, "id=\"call-hotline\" href=\"tel:02133876543\">Gọi đường dây nóng Công đoàn "
	    "<span class=\"nowrap\">(0213) 3.876-543</span></a>");
	html = render_call(LANG_EN, "+84 213 3876 543", false);
	assert_has(html, "href=\"tel:+842133876543\">Call the union hotline");
	assert_lacks(html, "tel:115");
	html = render_call(LANG_VI, "1+2<script>\"", false);   /* never from the database, escaped anyway */
	assert_has(html, "href=\"tel:12\">");
	assert_lacks(html, "<script>");
	assert_has(html, "1+2&lt;script&gt;&quot;");
	assert_string_equal(render_call(LANG_VI, "", false), "");
	assert_string_equal(render_call(LANG_VI, NULL, false), "");
	html = render_call(LANG_VI, NULL, true);
	assert_has(html, "tel:114");
	assert_lacks(html, "call-hotline");
}

static void
test_render_contact(void **state)
{
	struct fixture *fx = *state;
	const char *html = render_contact(fx->f, LANG_VI, NULL, MSG__MAX);

	/* unticked by default: silence is not consent */
	assert_has(html, "<details class=\"contact\" id=\"q-contact\"><summary>");   /* folded while empty */
	assert_has(html, "<input type=\"checkbox\" name=\"contact_consent\" value=\"yes\"> ");
	assert_lacks(html, " checked");
	assert_has(html, "name=\"contact_name\" value=\"\">");
	assert_has(html, "<input type=\"tel\" autocomplete=\"off\" maxlength=\"100\" id=\"f-contact_phone\"");
	assert_has(html, tr(LANG_VI, MSG_CONTACT_CONSENT));
	assert_lacks(html, "role=\"alert\"");

	struct kv items[PAIRS_MAX];
	struct kvlist values;
	pairs(items, &values, "contact_consent", "no", (const char *)NULL);
	html = render_contact(fx->f, LANG_VI, &values, MSG__MAX);
	assert_lacks(html, " checked");
	/* something sent back in it: unfolded, so it is seen */
	pairs(items, &values, "contact_zalo", "lan99", (const char *)NULL);
	assert_has(render_contact(fx->f, LANG_VI, &values, MSG__MAX), "<details class=\"contact\" id=\"q-contact\" open>");

	/* sent back ticked, with the details kept and escaped */
	pairs(items, &values, "contact_consent", "yes", "contact_name", "\"><script>alert(1)</script>",
	    "contact_phone", "0912 345 678", (const char *)NULL);
	html = render_contact(fx->f, LANG_EN, &values, MSG_CONTACT_EMPTY);
	assert_has(html, "<input type=\"checkbox\" name=\"contact_consent\" value=\"yes\" checked> ");
	assert_has(html, "name=\"contact_name\" value=\"&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;\">");
	assert_has(html, "name=\"contact_phone\" value=\"0912 345 678\">");
	assert_lacks(html, "<script>");
	assert_has(html, "<details class=\"contact field error\" id=\"q-contact\" open><summary>");
	assert_has(html, arena_printf(fx->arena, "<p class=\"msg\" role=\"alert\" id=\"e-contact\">%s</p>",
	    tr(LANG_EN, MSG_CONTACT_EMPTY)));
	assert_has(html, tr(LANG_EN, MSG_CONTACT_CONSENT));

	/* a form without the block renders nothing */
	html = render_contact(fx->hidden, LANG_VI, &values, MSG__MAX);
	assert_string_equal(html, "");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_load_fixture),
		cmocka_unit_test(test_integer),
		cmocka_unit_test(test_number),
		cmocka_unit_test(test_money),
		cmocka_unit_test(test_money_decimal_part),
		cmocka_unit_test(test_money_upper_case_dong),
		cmocka_unit_test(test_date),
		cmocka_unit_test(test_date_bounds),
		cmocka_unit_test(test_month_single),
		cmocka_unit_test(test_month_list),
		cmocka_unit_test(test_month_range),
		cmocka_unit_test(test_month_list_one_month_two_spellings),
		cmocka_unit_test(test_select),
		cmocka_unit_test(test_multiselect),
		cmocka_unit_test(test_yesno),
		cmocka_unit_test(test_rank),
		cmocka_unit_test(test_phone),
		cmocka_unit_test(test_phone_country_code_and_zero),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_photo),
		cmocka_unit_test(test_everything_valid),
		cmocka_unit_test(test_conditions_asked),
		cmocka_unit_test(test_hidden_not_required_not_stored),
		cmocka_unit_test(test_urgent),
		cmocka_unit_test(test_urgent_needs_the_question_asked),
		cmocka_unit_test(test_condition_uses_trimmed_answer),
		cmocka_unit_test(test_condition_uses_first_of_repeated_values),
		cmocka_unit_test(test_urgent_uses_first_of_repeated_values),
		cmocka_unit_test(test_contact),
		cmocka_unit_test(test_load_show_if_later_field),
		cmocka_unit_test(test_load_show_if_impossible_value),
		cmocka_unit_test(test_load_unknown_field_property),
		cmocka_unit_test(test_load_unknown_top_property),
		cmocka_unit_test(test_load_photo_required),
		cmocka_unit_test(test_load_photo_max_items),
		cmocka_unit_test(test_load_multiple_not_month),
		cmocka_unit_test(test_load_min_above_max),
		cmocka_unit_test(test_load_options_on_text),
		cmocka_unit_test(test_load_show_if_on_rank),
		cmocka_unit_test(test_load_min_length_on_integer),
		cmocka_unit_test(test_render_fields),
		cmocka_unit_test(test_render_values_and_errors),
		cmocka_unit_test(test_render_call),
		cmocka_unit_test(test_render_contact),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
