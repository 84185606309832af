/* test_brief.c: unit tests for brief.c: Borda scores checked by hand, ties, partial rankings, small-count suppression, k and dates. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "brief.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* ---- brief_borda ---- */

/* Four options, four partial rankings; every score worked out by hand:
 *   R1 [0,1,2]   n=3: 0+3 1+2 2+1
 *   R2 [1,0]     n=2: 1+2 0+1
 *   R3 [2]       n=1: 2+1
 *   R4 [1,2,0,3] n=4: 1+4 2+3 0+2 3+1
 * totals: 0=6 1=8 2=5 3=1; firsts: 0=1 1=2 2=1 3=0. */
static void
test_borda_hand_checked(void **state)
{
	(void)state;
	const size_t r1[] = { 0, 1, 2 }, r2[] = { 1, 0 }, r3[] = { 2 }, r4[] = { 1, 2, 0, 3 };
	const size_t *const rk[] = { r1, r2, r3, r4 };
	const size_t lens[] = { N(r1), N(r2), N(r3), N(r4) };
	struct brief_borda out[4];
	assert_int_equal(brief_borda(4, rk, lens, NULL, 4, out), 4);
	const size_t order[] = { 1, 0, 2, 3 };
	const long points[] = { 8, 6, 5, 1 }, firsts[] = { 2, 1, 1, 0 }, ranked[] = { 3, 3, 3, 1 };
	for (size_t i = 0; i < 4; i++) {
		assert_int_equal(out[i].option, order[i]);
		assert_int_equal(out[i].points, points[i]);
		assert_int_equal(out[i].firsts, firsts[i]);
		assert_int_equal(out[i].ranked, ranked[i]);
	}
}

/* The survey's own shape: 11 options, at most 5 ranked. A full top-5
 * gives 5,4,3,2,1; a single choice gives its option 1 point only. */
static void
test_borda_survey_shape(void **state)
{
	(void)state;
	const size_t full[] = { 8, 0, 5, 2, 10 }, one[] = { 0 };
	const size_t *const rk[] = { full, one };
	const size_t lens[] = { 5, 1 };
	struct brief_borda out[11];
	assert_int_equal(brief_borda(11, rk, lens, NULL, 2, out), 2);
	/* 8 (meals): 5 points, 1 first; 0 (wages): 4 + 1 = 5 points, 1 first: option order puts 0 first */
	assert_int_equal(out[0].option, 0);
	assert_int_equal(out[0].points, 5);
	assert_int_equal(out[0].ranked, 2);
	assert_int_equal(out[1].option, 8);
	assert_int_equal(out[1].points, 5);
	assert_int_equal(out[2].option, 5);
	assert_int_equal(out[2].points, 3);
	assert_int_equal(out[3].option, 2);
	assert_int_equal(out[3].points, 2);
	assert_int_equal(out[4].option, 10);
	assert_int_equal(out[4].points, 1);
	/* the unranked six follow in option order with 0 points */
	const size_t rest[] = { 1, 3, 4, 6, 7, 9 };
	for (size_t i = 0; i < N(rest); i++) {
		assert_int_equal(out[5 + i].option, rest[i]);
		assert_int_equal(out[5 + i].points, 0);
		assert_int_equal(out[5 + i].ranked, 0);
	}
}

/* Ties: equal points go to more first places, then to option order.
 *   R1 [0,2]   n=2: 0+2 2+1
 *   R2 [3,1,2] n=3: 3+3 1+2 2+1
 * totals 3=3, 0=2 (1 first), 1=2 (0 firsts), 2=2 (0 firsts), 4=0. */
static void
test_borda_ties(void **state)
{
	(void)state;
	const size_t r1[] = { 0, 2 }, r2[] = { 3, 1, 2 };
	const size_t *const rk[] = { r1, r2 };
	const size_t lens[] = { 2, 3 };
	struct brief_borda out[5];
	brief_borda(5, rk, lens, NULL, 2, out);
	const size_t order[] = { 3, 0, 1, 2, 4 };
	const long points[] = { 3, 2, 2, 2, 0 };
	for (size_t i = 0; i < 5; i++) {
		assert_int_equal(out[i].option, order[i]);
		assert_int_equal(out[i].points, points[i]);
	}
	/* a perfect tie (same points, same firsts): the form's order decides */
	const size_t a[] = { 1, 0 }, b[] = { 0, 1 };
	const size_t *const rk2[] = { a, b };
	const size_t lens2[] = { 2, 2 };
	brief_borda(2, rk2, lens2, NULL, 2, out);
	assert_int_equal(out[0].option, 0);
	assert_int_equal(out[1].option, 1);
	assert_int_equal(out[0].points, 3);
	assert_int_equal(out[1].points, 3);
}

/* Out-of-range and repeated entries are dropped before n is counted; an
 * empty or wholly invalid ranking is no respondent at all. */
static void
test_borda_bad_entries(void **state)
{
	(void)state;
	const size_t r1[] = { 0, 0, 9, 1 }, r2[] = { 7 }, r3[] = { 0 };
	const size_t *const rk[] = { r1, r2, r3, r3 };
	const size_t lens[] = { 4, 1, 1, 0 };
	struct brief_borda out[3];
	assert_int_equal(brief_borda(3, rk, lens, NULL, 4, out), 2);
	assert_int_equal(out[0].option, 0);
	assert_int_equal(out[0].points, 3);   /* 2 from R1 (cleaned to [0,1]) + 1 from R3 */
	assert_int_equal(out[0].firsts, 2);
	assert_int_equal(out[1].option, 1);
	assert_int_equal(out[1].points, 1);
	assert_int_equal(out[2].option, 2);
	assert_int_equal(out[2].points, 0);
	assert_int_equal(brief_borda(3, rk, lens, NULL, 0, out), 0);
	assert_int_equal(out[0].points + out[1].points + out[2].points, 0);
}

/* ---- suppression ---- */

static void
test_suppress_boundaries(void **state)
{
	(void)state;
	for (int k = BRIEF_K_MIN; k <= BRIEF_K_MAX; k++) {
		assert_true(brief_suppress(0, k));
		assert_true(brief_suppress(k - 1, k));
		assert_false(brief_suppress(k, k));
		assert_false(brief_suppress(k + 1, k));
		assert_false(brief_average_shown(k - 1, k));
		assert_true(brief_average_shown(k, k));
	}
}

static void
test_fmt_count(void **state)
{
	(void)state;
	char s[32];
	brief_fmt_count(s, sizeof(s), 4, 5, false);
	assert_string_equal(s, "dưới 5");
	brief_fmt_count(s, sizeof(s), 4, 5, true);
	assert_string_equal(s, "fewer than 5");
	brief_fmt_count(s, sizeof(s), 0, 5, false);
	assert_string_equal(s, "dưới 5");
	brief_fmt_count(s, sizeof(s), 5, 5, false);
	assert_string_equal(s, "5");
	brief_fmt_count(s, sizeof(s), 2, 3, false);
	assert_string_equal(s, "dưới 3");
	brief_fmt_count(s, sizeof(s), 1234, 3, false);
	assert_string_equal(s, "1234");
}

static void
test_fmt_average(void **state)
{
	(void)state;
	char s[32];
	brief_fmt_average(s, sizeof(s), 40, 4, 5, 1, false);   /* 4 answers, k 5: hidden */
	assert_string_equal(s, "dưới 5");
	brief_fmt_average(s, sizeof(s), 41, 5, 5, 1, false);
	assert_string_equal(s, "8,2");
	brief_fmt_average(s, sizeof(s), 41, 5, 5, 1, true);
	assert_string_equal(s, "8.2");
	brief_fmt_average(s, sizeof(s), 0, 0, 3, 1, true);   /* no answers: hidden, no division */
	assert_string_equal(s, "fewer than 3");
	brief_fmt_decimal(s, sizeof(s), 1500000, 0, false);
	assert_string_equal(s, "1.500.000");
	brief_fmt_decimal(s, sizeof(s), 1234567.75, 1, true);
	assert_string_equal(s, "1,234,567.8");
	brief_fmt_decimal(s, sizeof(s), 999, 0, false);
	assert_string_equal(s, "999");
	brief_fmt_decimal(s, sizeof(s), -123456, 0, false);
	assert_string_equal(s, "-123.456");
}

/* ---- k and dates ---- */

static void
test_parse_k(void **state)
{
	(void)state;
	int k = 0;
	assert_int_equal(brief_parse_k("", &k), 0);
	assert_int_equal(k, BRIEF_K_DEFAULT);
	assert_int_equal(brief_parse_k(NULL, &k), 0);
	assert_int_equal(k, 5);
	assert_int_equal(brief_parse_k("3", &k), 0);
	assert_int_equal(k, 3);
	assert_int_equal(brief_parse_k("20", &k), 0);
	assert_int_equal(k, 20);
	k = 7;
	/* below 3 is refused, never raised silently */
	assert_int_equal(brief_parse_k("2", &k), -1);
	assert_int_equal(brief_parse_k("1", &k), -1);
	assert_int_equal(brief_parse_k("0", &k), -1);
	assert_int_equal(brief_parse_k("-5", &k), -1);
	assert_int_equal(brief_parse_k("21", &k), -1);
	assert_int_equal(brief_parse_k("100", &k), -1);
	assert_int_equal(brief_parse_k("5a", &k), -1);
	assert_int_equal(brief_parse_k(" 5", &k), -1);
	assert_int_equal(k, 7);   /* untouched on refusal */
}

static void
test_dates(void **state)
{
	(void)state;
	assert_true(brief_date_ok("2025-01-31"));
	assert_true(brief_date_ok("2024-02-29"));
	assert_true(brief_date_ok("2000-02-29"));
	assert_false(brief_date_ok("2025-02-29"));
	assert_false(brief_date_ok("2100-02-28"));
	assert_false(brief_date_ok("2025-04-31"));
	assert_false(brief_date_ok("2025-13-01"));
	assert_false(brief_date_ok("2025-00-10"));
	assert_false(brief_date_ok("2025-1-01"));
	assert_false(brief_date_ok("2025/01/01"));
	assert_false(brief_date_ok("31-01-2025"));
	assert_false(brief_date_ok(""));
	assert_false(brief_date_ok(NULL));
	assert_false(brief_date_ok("2025-01-01x"));
}

/* A ranking given by w respondents counts exactly as w copies of it. */
static void
test_borda_weights(void **state)
{
	(void)state;
	const size_t r1[] = { 0, 1, 2 }, r2[] = { 1, 0 }, r3[] = { 9, 2 }, r4[] = { 1 };
	const size_t *const rk[] = { r1, r2, r3, r4 };
	const size_t lens[] = { N(r1), N(r2), N(r3), N(r4) };
	const long w[] = { 3, 2, 4, 0 };
	const size_t *const copies[] = { r1, r1, r1, r2, r2, r3, r3, r3, r3 };
	const size_t clens[] = { 3, 3, 3, 2, 2, 2, 2, 2, 2 };
	struct brief_borda a[3], b[3];
	assert_int_equal(brief_borda(3, rk, lens, w, 4, a), 9);
	assert_int_equal(brief_borda(3, copies, clens, NULL, 9, b), 9);
	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(a[i].option, b[i].option);
		assert_int_equal(a[i].points, b[i].points);
		assert_int_equal(a[i].firsts, b[i].firsts);
		assert_int_equal(a[i].ranked, b[i].ranked);
	}
	/* by hand: 0 = 3*3 + 2*1 = 11, 1 = 3*2 + 2*2 = 10, 2 = 3*1 + 4*1 = 7 */
	assert_int_equal(a[0].option, 0);
	assert_int_equal(a[0].points, 11);
	assert_int_equal(a[1].points, 10);
	assert_int_equal(a[2].points, 7);
	assert_int_equal(a[2].firsts, 4);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_borda_hand_checked),
		cmocka_unit_test(test_borda_survey_shape),
		cmocka_unit_test(test_borda_ties),
		cmocka_unit_test(test_borda_weights),
		cmocka_unit_test(test_borda_bad_entries),
		cmocka_unit_test(test_suppress_boundaries),
		cmocka_unit_test(test_fmt_count),
		cmocka_unit_test(test_fmt_average),
		cmocka_unit_test(test_parse_k),
		cmocka_unit_test(test_dates),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
