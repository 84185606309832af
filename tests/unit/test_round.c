/* test_round.c: unit tests for round.c's checks: kinds and statuses, dates in order (due and settled not before the round, held not after its commitments), counts, text, PDFs by content. */
#include "common.h"
#include "round.h"

static const char PDF[] = "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\nxref\n0 1\n0000000000 65535 f \ntrailer << /Root 1 0 R >>\n"
    "startxref\n0\n%%EOF\n";

static struct round_in
good_round(void)
{
	return (struct round_in){ .kind = "periodic", .planned = "", .held = "2026-03-10", .employer_reps = "3", .union_reps = "2",
	    .worker_reps = "", .minutes = "Hai bên thống nhất." };
}

static int
refused(const char **m, int n)
{
	int k = 0;
	for (int i = 0; i < n; i++)
		k += m[i] != NULL;
	return k;
}

static void
test_round_check(void **state)
{
	struct arena *a = *state;
	const char *m[RF__MAX];
	struct round_in in = good_round();
	assert_int_equal(round_check(a, &in, NULL, LANG_EN, m), 0);
	in.kind = "weekly";
	assert_int_equal(round_check(a, &in, NULL, LANG_EN, m), 1);
	assert_non_null(m[RF_KIND]);
	in = good_round();
	in.held = "";
	assert_int_equal(round_check(a, &in, NULL, LANG_EN, m), 1);   /* neither day */
	assert_non_null(m[RF_HELD]);
	in.planned = "2026-09-01";
	assert_int_equal(round_check(a, &in, NULL, LANG_EN, m), 0);   /* planned only */
	in = good_round();
	in.held = "2026-02-29";                                         /* 2026 is not a leap year */
	assert_int_equal(round_check(a, &in, NULL, LANG_EN, m), 1);
	in = good_round();
	assert_int_equal(round_check(a, &in, "2026-03-10", LANG_EN, m), 0);   /* held on its earliest commitment's day */
	assert_int_equal(round_check(a, &in, "2026-03-09", LANG_EN, m), 1);   /* after it */
	assert_non_null(m[RF_HELD]);
	in.employer_reps = "-1";
	in.union_reps = "1001";
	in.worker_reps = "12a";
	assert_int_equal(round_check(a, &in, NULL, LANG_EN, m), 3);
	in = good_round();
	in.minutes = "\xff\xfe";
	assert_int_equal(round_check(a, &in, NULL, LANG_EN, m), 1);
	assert_non_null(m[RF_MINUTES]);
	char *huge = arena_alloc(a, ROUND_MINUTES_MAX + 2);
	memset(huge, 'x', ROUND_MINUTES_MAX + 1);
	huge[ROUND_MINUTES_MAX + 1] = '\0';
	in.minutes = huge;
	assert_int_equal(round_check(a, &in, NULL, LANG_EN, m), 1);
	huge[ROUND_MINUTES_MAX] = '\0';
	assert_int_equal(round_check(a, &in, NULL, LANG_EN, m), 0);   /* exactly the most */
}

static void
test_round_pdf(void **state)
{
	struct arena *a = *state;
	const char *m[RF__MAX];
	struct round_in in = good_round();
	in.pdf = (struct round_pdf){ (const unsigned char *)"<html><script>alert(1)</script></html>", 38, "x.pdf" };
	assert_int_equal(round_check(a, &in, NULL, LANG_VI, m), 1);
	assert_non_null(m[RF_FILE]);
	in.pdf = (struct round_pdf){ (const unsigned char *)"%PDF-", 5, "x.pdf" };   /* only the magic */
	assert_int_equal(round_check(a, &in, NULL, LANG_VI, m), 1);
	in.pdf = (struct round_pdf){ (const unsigned char *)PDF, sizeof(PDF) - 1, "bien-ban.pdf" };
	assert_int_equal(round_check(a, &in, NULL, LANG_VI, m), 0);
}

static void
test_commitment_check(void **state)
{
	struct arena *a = *state;
	const char *m[CF__MAX];
	struct commitment_in in = { "2026-03-10", "Tăng suất ăn ca", "2026-03-10", "Phòng Nhân sự" };
	assert_int_equal(commitment_check(a, &in, LANG_EN, m), 0);    /* due on the round's day */
	in.due = "2026-03-09";
	assert_int_equal(commitment_check(a, &in, LANG_EN, m), 1);
	assert_non_null(m[CF_DUE]);
	in.due = "2026-04-31";
	assert_int_equal(commitment_check(a, &in, LANG_EN, m), 1);
	in = (struct commitment_in){ "", "Tăng suất ăn ca", "2026-04-30", "NSDLĐ" };   /* a round not held */
	assert_int_equal(commitment_check(a, &in, LANG_EN, m), 1);
	assert_non_null(m[CF_ROUND]);
	in = (struct commitment_in){ "2026-03-10", " \n ", "2026-04-30", "" };
	assert_int_equal(commitment_check(a, &in, LANG_EN, m), 2);
	assert_non_null(m[CF_TEXT]);
	assert_non_null(m[CF_OWNER]);
	in.text = "a\x01b";
	in.owner = "NSDLĐ";
	assert_int_equal(commitment_check(a, &in, LANG_EN, m), 1);    /* a control character */
}

static void
test_settle_check(void **state)
{
	struct arena *a = *state;
	const char *m[SF__MAX];
	struct settle_in in = { "2026-03-10", "done", "2026-03-10", "", { 0 } };
	assert_int_equal(commitment_settle_check(a, &in, LANG_EN, m), 0);
	in.status = "broken";
	assert_int_equal(commitment_settle_check(a, &in, LANG_EN, m), 0);
	in.status = "pending";   /* never back to pending */
	assert_int_equal(commitment_settle_check(a, &in, LANG_EN, m), 1);
	assert_non_null(m[SF_STATUS]);
	in.status = "done";
	in.on = "2026-03-09";
	assert_int_equal(commitment_settle_check(a, &in, LANG_EN, m), 1);
	assert_non_null(m[SF_ON]);
	in.on = "";
	assert_int_equal(commitment_settle_check(a, &in, LANG_EN, m), 1);
	assert_int_equal(refused(m, SF__MAX), 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_check),
		cmocka_unit_test(test_round_pdf),
		cmocka_unit_test(test_commitment_check),
		cmocka_unit_test(test_settle_check),
	};
	return cmocka_run_group_tests(tests, arena_setup, arena_teardown);
}
