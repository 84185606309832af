/* test_indicator.c: unit tests for the statistics indicators' rule grammar (what parses, what is refused and why) and its evaluation. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "indicator.h"

/* Every rule the seeded indicator set uses parses (sql/025_stats_indicators.sql). */
static void
test_parse_good(void **state)
{
	(void)state;
	const char *good[] = {
		"count(reports)", "count(reports where form = concern)", "count(replies where days <= 7)", "median(replies.days)",
		"count(enterprises where form = wage_arrears)", "sum(enterprises.amount where form = wage_arrears)",
		"distinct(cases.workplace where kind = wage_arrears and corrected = yes)", "sum(accidents.serious)",
		"count(cases where stage != closed)", "percent(cases where supported = yes of member = yes and court = yes)",
		"  count ( reports  where status=resolved )  ", "max(enterprises.workers where amount > 1000.5)",
	};
	char err[200];
	struct ind_rule r;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		assert_int_equal(ind_rule_parse(good[i], &r, err, sizeof(err)), 0);
	assert_int_equal(ind_rule_parse("sum(enterprises.amount where form = wage_arrears and months >= 2)", &r, err, sizeof(err)), 0);
	assert_int_equal(r.agg, AGG_SUM);
	assert_int_equal(r.source, SRC_ENTERPRISES);
	assert_int_equal(r.field, ind_field_index(SRC_ENTERPRISES, "amount"));
	assert_int_equal(r.nwhere, 2);
	assert_string_equal(r.where[0].value, "wage_arrears");
	assert_int_equal(r.where[1].op, OP_GE);
	assert_true(r.where[1].number);
}

/* Anything else is refused with a message saying what is wrong. */
static void
test_parse_bad(void **state)
{
	(void)state;
	static const struct { const char *rule, *says; } bad[] = {
		{ "", "empty" },
		{ "total(reports)", "an aggregate" },
		{ "count reports", "\"(\" expected" },
		{ "count(report)", "a source" },
		{ "count(reports", "expected" },
		{ "count(reports) x", "nothing may follow" },
		{ "sum(reports)", "needs a field" },
		{ "count(enterprises.amount)", "takes no field" },
		{ "sum(cases.stage)", "number field" },
		{ "count(reports where colour = red)", "no field \"colour\"" },
		{ "count(reports where form < 3)", "only = or !=" },
		{ "count(replies where days = soon)", "a number expected" },
		{ "count(reports where form =)", "a value expected" },
		{ "count(reports where form concern)", "a comparison" },
		{ "count(reports of form = concern)", "percent only" },
		{ "percent(cases of member = yes)", "needs \"where\"" },
		{ "count(reports where form = 'x'; DROP TABLE submission)", "a value expected" },
		{ "count(reports where form = x; DROP TABLE submission)", "does not allow" },
		{ "count(reports where form = <script>)", "a value expected" },
		{ "count(reports where form = \xc3\xa9)", "a value expected" },
		{ "count(reports where form = a and form = b and form = c and form = d and form = e and form = f and form = g)",
		  "too many" },
	};
	char err[200];
	struct ind_rule r;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(ind_rule_parse(bad[i].rule, &r, err, sizeof(err)), -1);
		if (strstr(err, bad[i].says) == NULL)
			fail_msg("rule \"%s\": \"%s\" does not say \"%s\"", bad[i].rule, err, bad[i].says);
	}
	char huge[700];
	memset(huge, 'a', sizeof(huge) - 1);
	huge[sizeof(huge) - 1] = '\0';
	assert_int_equal(ind_rule_parse(huge, &r, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "500"));
	assert_int_equal(ind_rule_parse(NULL, &r, err, sizeof(err)), -1);
}

/* Counts weigh rows, sums add a field, median, distinct and percent per bucket and ownership. */
static void
test_eval(void **state)
{
	(void)state;
	struct ind_row rows[4];
	memset(rows, 0, sizeof(rows));
	const char *wp[4] = { "7", "7", "8", "9" }, *kind[4] = { "wage_arrears", "wage_arrears", "wage_arrears", "other" };
	const char *member[4] = { "yes", "yes", "no", "yes" }, *supported[4] = { "yes", "no", "yes", "yes" };
	double amount[4] = { 100, 50, 25, 1000 };
	int f_kind = ind_field_index(SRC_CASES, "kind"), f_wp = ind_field_index(SRC_CASES, "workplace");
	int f_amount = ind_field_index(SRC_CASES, "amount"), f_member = ind_field_index(SRC_CASES, "member");
	int f_sup = ind_field_index(SRC_CASES, "supported");
	for (int i = 0; i < 4; i++) {
		rows[i].bucket = i < 2 ? "11" : "";
		rows[i].ownership = i == 0 ? "fdi" : "state";
		rows[i].n = 1;
		rows[i].txt[f_kind] = kind[i];
		rows[i].txt[f_wp] = wp[i];
		rows[i].txt[f_member] = member[i];
		rows[i].txt[f_sup] = supported[i];
		rows[i].num[f_amount] = amount[i];
	}
	struct ind_rows rs = { rows, 4, 4 };
	struct ind_rule r;
	char err[200];
	assert_int_equal(ind_rule_parse("count(cases where kind = wage_arrears)", &r, err, sizeof(err)), 0);
	assert_int_equal(ind_eval(&r, &rs, NULL, NULL), 3);
	assert_int_equal(ind_eval(&r, &rs, "11", NULL), 2);
	assert_int_equal(ind_eval(&r, &rs, "", NULL), 1);
	assert_int_equal(ind_eval(&r, &rs, NULL, "fdi"), 1);
	assert_int_equal(ind_eval(&r, &rs, NULL, "non_state"), 0);
	assert_int_equal(ind_rule_parse("sum(cases.amount where kind != other)", &r, err, sizeof(err)), 0);
	assert_int_equal(ind_eval(&r, &rs, NULL, NULL), 175);
	assert_int_equal(ind_rule_parse("distinct(cases.workplace where kind = wage_arrears)", &r, err, sizeof(err)), 0);
	assert_int_equal(ind_eval(&r, &rs, NULL, NULL), 2);
	assert_int_equal(ind_rule_parse("median(cases.amount)", &r, err, sizeof(err)), 0);
	assert_int_equal(ind_eval(&r, &rs, NULL, NULL), 75);
	assert_int_equal(ind_rule_parse("max(cases.amount where amount < 1000)", &r, err, sizeof(err)), 0);
	assert_int_equal(ind_eval(&r, &rs, NULL, NULL), 100);
	assert_int_equal(ind_rule_parse("percent(cases where supported = yes of member = yes)", &r, err, sizeof(err)), 0);
	assert_int_equal(ind_eval(&r, &rs, NULL, NULL), 67);   /* 2 of 3 members' cases */
	assert_int_equal(ind_eval(&r, &rs, NULL, "non_state"), 0);   /* nothing to divide: 0 */
	rows[0].n = 5;   /* a grouped row counts its weight */
	assert_int_equal(ind_rule_parse("count(cases)", &r, err, sizeof(err)), 0);
	assert_int_equal(ind_eval(&r, &rs, NULL, NULL), 8);
	/* amounts 100 x5, 50, 25, 1000: the weighted median is 100 (the 4th of
	 * 8 sorted: 25 50 100 100 | 100 100 100 1000), not 75 */
	assert_int_equal(ind_rule_parse("median(cases.amount)", &r, err, sizeof(err)), 0);
	assert_int_equal(ind_eval(&r, &rs, NULL, NULL), 100);
	/* and a weighted row sums its value as many times: 5 x 100 + 50 + 25 */
	assert_int_equal(ind_rule_parse("sum(cases.amount where kind != other)", &r, err, sizeof(err)), 0);
	assert_int_equal(ind_eval(&r, &rs, NULL, NULL), 575);
	rows[0].n = 1;
	rows[1].n = 3;   /* 25, 50 x3, 100, 1000: the 3rd and 4th of 6 are 50 and 50 */
	assert_int_equal(ind_rule_parse("median(cases.amount)", &r, err, sizeof(err)), 0);
	assert_int_equal(ind_eval(&r, &rs, NULL, NULL), 50);
	rows[1].n = 0;   /* a row standing for none is no value: 25, 100, 1000 */
	assert_int_equal(ind_eval(&r, &rs, NULL, NULL), 100);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_good),
		cmocka_unit_test(test_parse_bad),
		cmocka_unit_test(test_eval),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
