/* test_stats.c: unit tests for stats.c's writers (CSV with BOM and formula-safe cells, JSON with claimed and verified figures), formats, the default and preset periods. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "brief.h"
#include "buf.h"
#include "stats.h"

/* Gathers what a writer sends. */
static int
gather(void *ctx, const void *data, size_t n)
{
	buf_append(ctx, data, n);
	return 0;
}

static int
refuse(void *ctx, const void *data, size_t n)
{
	(void)ctx;
	(void)data;
	(void)n;
	return -1;
}

/* Two indicators (one with a verified figure, one money), a child with a hostile name and the unit's own column. */
struct sample {
	struct stats st;
	struct stats_unit units[2];
	struct stats_ind inds[2];
	long long v[2][2];
};

static void
sample(struct sample *s)
{
	const long long v[2][2] = { { 3, 1 }, { 500000000, 0 } };
	memcpy(s->v, v, sizeof(v));
	s->units[0] = (struct stats_unit){ "17", "CD-A", "=HYPERLINK(\"x\")" };
	s->units[1] = (struct stats_unit){ "", "LD-X", "Trực tiếp LĐ X" };
	s->inds[0] = (struct stats_ind){ .code = "reports.total", .label = "Tổng số phản ánh", .source = "NQ 07",
	    .by_unit = true, .by_ownership = true, .total = 4, .units = s->v[0], .own = { 1, 2, 0 } };
	s->inds[1] = (struct stats_ind){ .code = "wage_arrears.amount", .label = "Tiền, \"VNĐ\"", .source = "CV 18",
	    .money = true, .by_unit = true, .has_verified = true, .verified = 300000000, .total = 500000000, .units = s->v[1] };
	s->st = (struct stats){ .unit_id = "9", .unit_code = "LD-X", .unit_name = "LĐ X", .unit_path = "/1/9/",
	    .from = "2026-03-01", .to = "2026-03-31", .lang = LANG_VI, .units = s->units, .nunits = 2, .inds = s->inds,
	    .ninds = 2 };
}

/* The sample written in `fmt` into b (the caller frees it). */
static void
write_sample(enum stats_format fmt, struct buf *b)
{
	struct sample sm;
	char err[100];
	sample(&sm);
	assert_int_equal(stats_write(&sm.st, fmt, gather, b, err, sizeof(err)), 0);
}

static void
test_csv(void **state)
{
	(void)state;
	struct buf b = { 0 };
	write_sample(STATS_CSV, &b);
	buf_putc(&b, '\0');
	assert_string_equal(b.data, "\xEF\xBB\xBF" "Mã chỉ tiêu,Chỉ tiêu,Theo phản ánh,Đã xác minh,\"'=HYPERLINK(\"\"x\"\")\","
	    "Trực tiếp LĐ X,Khu vực nhà nước,Khu vực ngoài nhà nước,Doanh nghiệp FDI\r\n"
	    "reports.total,Tổng số phản ánh,4,,3,1,1,2,0\r\n"
	    "wage_arrears.amount,\"Tiền, \"\"VNĐ\"\"\",500000000,300000000,500000000,0,,,\r\n");
	buf_free(&b);
	struct sample sm;
	char err[100];
	sample(&sm);
	assert_int_equal(stats_write(&sm.st, STATS_CSV, refuse, NULL, err, sizeof(err)), -1);
	assert_string_equal(err, "the receiver went away");
}

static void
test_json(void **state)
{
	(void)state;
	struct buf b = { 0 };
	write_sample(STATS_JSON, &b);
	json_error_t je;
	json_t *d = json_loadb(b.data, b.len, 0, &je);
	assert_non_null(d);
	assert_string_equal(json_string_value(json_object_get(d, "unit")), "LD-X");
	assert_string_equal(json_string_value(json_object_get(d, "to")), "2026-03-31");
	assert_true(json_is_false(json_object_get(d, "frozen")));
	json_t *inds = json_object_get(d, "indicators");
	assert_int_equal(json_array_size(inds), 2);
	json_t *r0 = json_array_get(inds, 0), *r1 = json_array_get(inds, 1);
	assert_true(json_is_null(json_object_get(r0, "verified")));
	assert_int_equal(json_integer_value(json_object_get(json_object_get(r0, "by_unit"), "CD-A")), 3);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(r0, "by_ownership"), "non_state")), 2);
	assert_int_equal(json_integer_value(json_object_get(r1, "verified")), 300000000);
	assert_int_equal(json_object_size(json_object_get(r1, "by_ownership")), 0);
	assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(d, "units"), 0), "name")),
	    "=HYPERLINK(\"x\")");
	json_decref(d);
	buf_free(&b);
}

static void
test_presets(void **state)
{
	(void)state;
	char from[11], to[11];
	assert_int_equal(stats_preset("union-2026", from, to), 0);
	assert_string_equal(from, "2025-11-01");
	assert_string_equal(to, "2026-10-31");
	assert_int_equal(stats_preset("h2-2026", from, to), 0);
	assert_string_equal(from, "2026-07-01");
	assert_string_equal(to, "2026-12-31");
	assert_int_equal(stats_preset("q1-2027", from, to), 0);
	assert_string_equal(from, "2027-01-01");
	assert_string_equal(to, "2027-03-31");
	assert_int_equal(stats_preset("q4-2026", from, to), 0);
	assert_string_equal(to, "2026-12-31");
	const char *bad[] = { "q5-2026", "union-26", "union-2026x", "year-2026", "", "h1-1999", "q1-2026-01", "union--2026",
	    "Q1-2026", "q1_2026", "union-20266" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(stats_preset(bad[i], from, to), -1);
	assert_int_equal(stats_preset(NULL, from, to), -1);
}

static void
test_formats(void **state)
{
	(void)state;
	assert_int_equal(stats_format_parse("csv"), STATS_CSV);
	assert_int_equal(stats_format_parse("json"), STATS_JSON);
	assert_int_equal(stats_format_parse("xlsx"), STATS_XLSX);
	assert_int_equal(stats_format_parse("XLSX"), STATS__MAX);
	assert_int_equal(stats_format_parse(""), STATS__MAX);
	assert_int_equal(stats_format_parse(NULL), STATS__MAX);
	assert_string_equal(stats_pick(LANG_EN, "vi", "en"), "en");
	assert_string_equal(stats_pick(LANG_VI, "vi", "en"), "vi");
}

static void
test_default_period(void **state)
{
	(void)state;
	char from[11], to[11];
	stats_default_period(from, to);
	assert_true(brief_date_ok(from));
	assert_true(brief_date_ok(to));
	assert_memory_equal(from, to, 8);   /* the same month */
	assert_string_equal(from + 8, "01");
	assert_true(strcmp(from, to) <= 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csv),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_formats),
		cmocka_unit_test(test_default_period),
		cmocka_unit_test(test_presets),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
