/* test_stats.c: unit tests for stats.c's writers: CSV (BOM, formula-safe cells), JSON, formats, the default period. */
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

/* Two columns, a child with a hostile name, the unit's own row and the total. */
struct sample {
	struct stats st;
	struct stats_col cols[2];
	struct stats_row rows[2];
	long long v[3][2];
};

static void
sample(struct sample *s)
{
	s->cols[0] = (struct stats_col){ "reports", "Tổng số phản ánh", ST_REPORTS, false };
	s->cols[1] = (struct stats_col){ "wage_vnd", "Tiền, \"VNĐ\"", ST_PEOPLE, true };
	const long long v[3][2] = { { 3, 12000000 }, { 1, 0 }, { 4, 12000000 } };
	memcpy(s->v, v, sizeof(v));
	s->rows[0] = (struct stats_row){ "17", "CD-A", "=HYPERLINK(\"x\")", s->v[0] };
	s->rows[1] = (struct stats_row){ "self", "LD-X", "Trực tiếp LĐ X", s->v[1] };
	s->st = (struct stats){ .unit_id = "9", .unit_code = "LD-X", .unit_name = "LĐ X", .unit_path = "/1/9/",
	    .from = "2026-03-01", .to = "2026-03-31", .lang = LANG_VI, .cols = s->cols, .ncols = 2, .rows = s->rows,
	    .nrows = 2, .total = { "total", "", "Tổng cộng", s->v[2] } };
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
	assert_string_equal(b.data, "\xEF\xBB\xBF" "id,Mã đơn vị,Đơn vị,Tổng số phản ánh,\"Tiền, \"\"VNĐ\"\"\"\r\n"
	    "17,CD-A,\"'=HYPERLINK(\"\"x\"\")\",3,12000000\r\n"
	    "self,LD-X,Trực tiếp LĐ X,1,0\r\n"
	    "total,,Tổng cộng,4,12000000\r\n");
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
	assert_string_equal(json_string_value(json_object_get(json_object_get(d, "unit"), "code")), "LD-X");
	assert_string_equal(json_string_value(json_object_get(d, "to")), "2026-03-31");
	json_t *r = json_object_get(d, "rows");
	assert_int_equal(json_array_size(r), 3);
	assert_string_equal(json_string_value(json_object_get(json_array_get(r, 0), "name")), "=HYPERLINK(\"x\")");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(json_array_get(r, 2), "values"), "wage_vnd")),
	    12000000);
	assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(d, "columns"), 1), "table")),
	    stats_table_name(ST_PEOPLE, LANG_VI));
	json_decref(d);
	buf_free(&b);
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
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
