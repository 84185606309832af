/* test_submission.c: unit tests for submission.c: the status and channel vocabulary agrees with the database and names every value. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "submission.h"

/* The text of sql/001_core.sql's CHECK (`column` IN (...)) on submission. */
static char *
sql_check(const char *column)
{
	FILE *f = fopen("sql/001_core.sql", "r");
	assert_non_null(f);
	static char sql[1 << 16];
	size_t n = fread(sql, 1, sizeof(sql) - 1, f);
	fclose(f);
	sql[n] = '\0';
	char needle[64];
	snprintf(needle, sizeof(needle), "CHECK (%s IN (", column);
	char *s = strstr(strstr(sql, "CREATE TABLE submission"), needle);
	assert_non_null(s);
	s += strlen(needle);
	char *e = strstr(s, "))");
	assert_non_null(e);
	*e = '\0';
	return s;
}

/* Each value of the table, in order, is exactly the database's list. */
static void
same_list(const struct submission_label *t, size_t n, const char *column)
{
	char want[512] = "", *got = sql_check(column);
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(want);
		snprintf(want + len, sizeof(want) - len, "%s'%s'", i ? ", " : "", t[i].value);
		assert_non_null(t[i].vi);
		assert_non_null(t[i].en);
		assert_true(strlen(t[i].vi) > 0 && strlen(t[i].en) > 0);
	}
	assert_string_equal(want, got);
}

static void
test_matches_database(void **state)
{
	(void)state;
	same_list(submission_statuses, SUBMISSION_NSTATUSES, "status");
	same_list(submission_channels, SUBMISSION_NCHANNELS, "channel");
}

static void
test_status_valid(void **state)
{
	(void)state;
	for (size_t i = 0; i < SUBMISSION_NSTATUSES; i++)
		assert_true(submission_status_valid(submission_statuses[i].value));
	const char *bad[] = { "", "New", "new ", " new", "spam\n", "resolved;", "in-review", "newx", "\xff\xfe",
	    "' OR 1=1 --", "closed" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_false(submission_status_valid(bad[i]));
	assert_false(submission_status_valid(NULL));
	char huge[5000];
	memset(huge, 'n', sizeof(huge) - 1);
	huge[sizeof(huge) - 1] = '\0';
	assert_false(submission_status_valid(huge));
}

static void
test_status_label(void **state)
{
	(void)state;
	assert_string_equal(submission_status_label("new", LANG_VI), "Mới");
	assert_string_equal(submission_status_label("needs_info", LANG_EN), "Needs information");
	assert_string_equal(submission_status_label("spam", LANG_VI), "Không hợp lệ (tin rác)");
	/* unknown values are shown as they are (escaped by the caller) */
	assert_string_equal(submission_status_label("<b>x</b>", LANG_VI), "<b>x</b>");
	assert_string_equal(submission_status_label("", LANG_EN), "");
}

static void
test_status_words(void **state)
{
	(void)state;
	assert_int_equal(submission_status_words("new"), MSG_STATUS_NEW);
	assert_int_equal(submission_status_words("in_review"), MSG_STATUS_IN_REVIEW);
	assert_int_equal(submission_status_words("needs_info"), MSG_STATUS_NEEDS_INFO);
	assert_int_equal(submission_status_words("referred"), MSG_STATUS_REFERRED);
	assert_int_equal(submission_status_words("resolved"), MSG_STATUS_RESOLVED);
	/* a worker is never told their report was taken for spam */
	assert_int_equal(submission_status_words("spam"), MSG_STATUS_CLOSED);
	assert_int_equal(submission_status_words("bogus"), MSG_STATUS_CLOSED);
	assert_int_equal(submission_status_words(""), MSG_STATUS_CLOSED);
	assert_int_equal(submission_status_words(NULL), MSG_STATUS_CLOSED);
}

static void
test_channels(void **state)
{
	(void)state;
	assert_false(submission_channel_by_officer("qr"));
	assert_true(submission_channel_by_officer("phone"));
	assert_true(submission_channel_by_officer("in_person"));
	assert_true(submission_channel_by_officer("paper"));
	assert_false(submission_channel_by_officer(""));
	assert_false(submission_channel_by_officer("Phone"));
	assert_false(submission_channel_by_officer("email"));
	assert_false(submission_channel_by_officer(NULL));
	assert_string_equal(submission_channel_label("qr", LANG_VI), "Mã QR");
	assert_string_equal(submission_channel_label("in_person", LANG_EN), "In person");
	assert_string_equal(submission_channel_label("paper", LANG_VI), "Đơn, thư (giấy)");
	assert_string_equal(submission_channel_label("fax", LANG_EN), "Paper");
}

/* The one vocabulary lookup: a row by value, the label in each language,
 * the value itself when unknown, nothing for NULL or hostile input. */
static void
test_vocab(void **state)
{
	(void)state;
	assert_ptr_equal(vocab_find(submission_channels, SUBMISSION_NCHANNELS, "phone"), &submission_channels[1]);
	assert_null(vocab_find(submission_channels, SUBMISSION_NCHANNELS, NULL));
	assert_null(vocab_find(submission_channels, SUBMISSION_NCHANNELS, ""));
	assert_null(vocab_find(submission_channels, SUBMISSION_NCHANNELS, "phone' OR '1'='1"));
	assert_string_equal(vocab_label(submission_statuses, SUBMISSION_NSTATUSES, "resolved", LANG_EN), "Resolved");
	assert_string_equal(vocab_label(submission_statuses, SUBMISSION_NSTATUSES, "resolved", LANG_VI), "Đã giải quyết");
	assert_string_equal(vocab_label(submission_statuses, SUBMISSION_NSTATUSES, "<script>", LANG_EN), "<script>");
	assert_null(vocab_label(submission_statuses, SUBMISSION_NSTATUSES, NULL, LANG_EN));
	assert_null(vocab_find(submission_statuses, 0, "new"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_matches_database),
		cmocka_unit_test(test_status_valid),
		cmocka_unit_test(test_status_label),
		cmocka_unit_test(test_status_words),
		cmocka_unit_test(test_channels),
		cmocka_unit_test(test_vocab),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
