/* test_deadline.c: unit tests for the deadline pieces without a database: "còn / quá hạn N ngày", weekdays of calendar rows, and the dispute vocabulary the deadline rows rely on. */
#include "common.h"
#include "calendar.h"
#include "deadline.h"
#include "dispute.h"

static void
test_left_text(void **state)
{
	struct req r = { .arena = *state, .lang = LANG_VI };
	assert_string_equal(deadline_left_text(&r, "5"), "còn 5 ngày");
	assert_string_equal(deadline_left_text(&r, "0"), "hôm nay");
	assert_string_equal(deadline_left_text(&r, "-12"), "quá hạn 12 ngày");
	assert_string_equal(deadline_left_text(&r, ""), "");
	assert_string_equal(deadline_left_text(&r, NULL), "");
	r.lang = LANG_EN;
	assert_string_equal(deadline_left_text(&r, "-1"), "1 day overdue");
	assert_string_equal(deadline_left_text(&r, "-3"), "3 days overdue");
	assert_string_equal(deadline_left_text(&r, "14"), "14 days left");
	assert_string_equal(deadline_left_text(&r, "0"), "today");
}

static void
test_isodow(void **state)
{
	(void)state;
	assert_int_equal(calendar_isodow("2026-01-02"), 5);   /* Friday, swapped off in 2026 */
	assert_int_equal(calendar_isodow("2026-01-10"), 6);   /* Saturday */
	assert_int_equal(calendar_isodow("2028-06-04"), 7);   /* Sunday */
	assert_int_equal(calendar_isodow("2028-02-29"), 2);   /* a leap day, Tuesday */
	assert_int_equal(calendar_isodow("2100-12-31"), 5);
	assert_true(calendar_day_kind_valid("off") && calendar_day_kind_valid("workday"));
	assert_false(calendar_day_kind_valid("holiday") || calendar_day_kind_valid("") || calendar_day_kind_valid(NULL));
}

static void
test_vocabulary(void **state)
{
	(void)state;
	/* the values sql/021 and sql/022 allow, in the tables' order */
	static const char *const subjects[] = { "dismissal", "termination", "wages", "social_insurance", "discipline", "accident", "other" };
	for (size_t i = 0; i < DISPUTE_NSUBJECTS; i++)
		assert_string_equal(dispute_subjects[i].value, subjects[i]);
	assert_non_null(vocab_find(dispute_types, DISPUTE_NTYPES, "interest"));
	assert_null(vocab_find(dispute_types, DISPUTE_NTYPES, "Interest"));
	assert_null(vocab_find(dispute_union_roles, DISPUTE_NROLES, "' OR 1=1 --"));
	/* every date is a distinct key, and the first is the discovery date the old form posted */
	assert_string_equal(dispute_dates[0].value, "violation_known_on");
	for (size_t i = 0; i < DISPUTE_NDATES; i++) {
		assert_true(strlen(dispute_dates[i].vi) > 0 && strlen(dispute_dates[i].en) > 0);
		for (size_t j = i + 1; j < DISPUTE_NDATES; j++)
			assert_string_not_equal(dispute_dates[i].value, dispute_dates[j].value);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_left_text, arena_setup, arena_teardown),
		cmocka_unit_test(test_isodow),
		cmocka_unit_test(test_vocabulary),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
