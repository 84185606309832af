/* test_fmt.c: unit tests for fmt.c: dd/mm/yyyy dates, grouped counts, VND amounts, sizes, ids and dates read back. */
#include "common.h"
#include <limits.h>
#include "fmt.h"

static void
test_dmy(void **state)
{
	struct arena *a = *state;
	assert_string_equal(fmt_dmy(a, "2026-10-31"), "31/10/2026");
	assert_string_equal(fmt_dmy(a, "2026-01-02 08:15"), "02/01/2026 08:15");
	/* not a date: back as it is, never read past the end */
	assert_string_equal(fmt_dmy(a, ""), "");
	assert_string_equal(fmt_dmy(a, "2026-1-2"), "2026-1-2");
	assert_string_equal(fmt_dmy(a, "abcd-ef-gh"), "abcd-ef-gh");
	assert_string_equal(fmt_dmy(a, "31/10/2026"), "31/10/2026");
	assert_null(fmt_dmy(a, NULL));
}

static void
test_int(void **state)
{
	struct arena *a = *state;
	assert_string_equal(fmt_int(a, 0, LANG_VI), "0");
	assert_string_equal(fmt_int(a, 999, LANG_VI), "999");
	assert_string_equal(fmt_int(a, 1000, LANG_VI), "1.000");
	assert_string_equal(fmt_int(a, 12000000, LANG_VI), "12.000.000");
	assert_string_equal(fmt_int(a, 12000000, LANG_EN), "12,000,000");
	assert_string_equal(fmt_int(a, -1234567, LANG_EN), "-1,234,567");
	assert_string_equal(fmt_int(a, LLONG_MIN, LANG_VI), "-9.223.372.036.854.775.808");
	assert_string_equal(fmt_int(a, LLONG_MAX, LANG_EN), "9,223,372,036,854,775,807");
}

static void
test_money(void **state)
{
	struct arena *a = *state;
	assert_string_equal(fmt_money(a, 12000000), "12.000.000 đ");
	assert_string_equal(fmt_money(a, 500), "500 đ");
	assert_string_equal(fmt_money(a, -4500000), "-4.500.000 đ");
	assert_string_equal(fmt_money_digits(a, "12000000"), "12.000.000 đ");
	assert_string_equal(fmt_money_digits(a, "123456789012345678901234567890"),
	    "123.456.789.012.345.678.901.234.567.890 đ");
	/* not 1 to 30 digits: as it is */
	assert_string_equal(fmt_money_digits(a, ""), "");
	assert_string_equal(fmt_money_digits(a, "12.5"), "12.5");
	assert_string_equal(fmt_money_digits(a, "1234567890123456789012345678901"), "1234567890123456789012345678901");
	assert_string_equal(fmt_money_digits(a, "<b>"), "<b>");
}

static void
test_bytes(void **state)
{
	struct arena *a = *state;
	assert_string_equal(fmt_bytes(a, "900"), "900 B");
	assert_string_equal(fmt_bytes(a, "2048"), "2,0 KiB");
	assert_string_equal(fmt_bytes(a, "1234567"), "1,2 MiB");
	assert_string_equal(fmt_bytes(a, "x"), "x");
	assert_string_equal(fmt_bytes(a, ""), "");
}

static void
test_checks(void **state)
{
	(void)state;
	assert_true(fmt_is_digits("123", 3));
	assert_false(fmt_is_digits("1234", 3));
	assert_false(fmt_is_digits("", 3));
	assert_false(fmt_is_digits("12a", 3));
	assert_false(fmt_is_digits(NULL, 3));
	assert_true(fmt_is_id("1"));
	assert_true(fmt_is_id("123456789012345678"));
	assert_false(fmt_is_id("1234567890123456789"));
	assert_false(fmt_is_id("-1"));
	assert_false(fmt_is_id(" 1"));
	assert_true(fmt_is_date("2024-02-29"));
	assert_false(fmt_is_date("2023-02-29"));
	assert_false(fmt_is_date("2100-02-29"));
	assert_true(fmt_is_date("2000-02-29"));
	assert_false(fmt_is_date("2026-13-01"));
	assert_false(fmt_is_date("2026-04-31"));
	assert_false(fmt_is_date("1989-12-31"));
	assert_false(fmt_is_date("2026-1--01"));
	assert_false(fmt_is_date("2026-01-1-"));
	assert_false(fmt_is_date("2026/01/01"));
	assert_false(fmt_is_date("2026-01-01 "));
	assert_false(fmt_is_date(""));
	assert_false(fmt_is_date(NULL));
}

/* Vietnam's calendar time: 17:30 UTC on 5 December 2026 is already the 6th
 * in Vietnam (00:30); a new year there starts at 17:00 UTC on 31 December;
 * no daylight saving (a July moment is +7 as well). */
static void
test_vn_time(void **state)
{
	(void)state;
	struct tm tm = fmt_vn_time((time_t)1796491800);   /* 2026-12-05 17:30:00 UTC */
	assert_int_equal(tm.tm_year + 1900, 2026);
	assert_int_equal(tm.tm_mon + 1, 12);
	assert_int_equal(tm.tm_mday, 6);
	assert_int_equal(tm.tm_hour, 0);
	assert_int_equal(tm.tm_min, 30);
	tm = fmt_vn_time((time_t)1798736400);              /* 2026-12-31 17:00:00 UTC */
	assert_int_equal(tm.tm_year + 1900, 2027);
	assert_int_equal(tm.tm_mon, 0);
	assert_int_equal(tm.tm_mday, 1);
	assert_int_equal(tm.tm_hour, 0);
	tm = fmt_vn_time((time_t)1798736399);              /* a second earlier: still 2026 */
	assert_int_equal(tm.tm_year + 1900, 2026);
	assert_int_equal(tm.tm_mday, 31);
	assert_int_equal(tm.tm_hour, 23);
	tm = fmt_vn_time((time_t)1783000800);              /* 2026-07-02 14:00:00 UTC */
	assert_int_equal(tm.tm_hour, 21);
	assert_int_equal(tm.tm_mday, 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_dmy, arena_setup, arena_teardown),
		cmocka_unit_test_setup_teardown(test_int, arena_setup, arena_teardown),
		cmocka_unit_test_setup_teardown(test_money, arena_setup, arena_teardown),
		cmocka_unit_test_setup_teardown(test_bytes, arena_setup, arena_teardown),
		cmocka_unit_test(test_checks),
		cmocka_unit_test(test_vn_time),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
