/* test_exports.c: unit tests for the exports' pure parts: CSV cells (quoting, the formula guard) and old form versions read back through the form loader. */
#include <stdlib.h>
#include <string.h>

#include "common.h"

#include "buf.h"
#include "export.h"
#include "form.h"
#include "i18n.h"

/* One CSV cell as export_csv_cell writes it. */
static char *
cell(const char *s, bool number)
{
	struct buf b = { 0 };
	export_csv_cell(&b, s, number);
	char *out = strdup(b.data ? b.data : "");
	buf_free(&b);
	return out;
}

static void
expect_cell(const char *in, bool number, const char *want)
{
	char *got = cell(in, number);
	assert_string_equal(got, want);
	free(got);
}

static void
test_csv_cells(void **state)
{
	(void)state;
	expect_cell("", false, "");
	expect_cell("Nợ lương", false, "Nợ lương");
	expect_cell("Tâm tư, kiến nghị", false, "\"Tâm tư, kiến nghị\"");
	expect_cell("Công ty \"X\"", false, "\"Công ty \"\"X\"\"\"");
	expect_cell("\"\"", false, "\"\"\"\"\"\"");
	expect_cell("dòng 1\r\ndòng 2", false, "\"dòng 1\r\ndòng 2\"");
	expect_cell(" lề", false, "\" lề\"");
	/* formulas never run: a leading ' inside quotes */
	expect_cell("=cmd|' /C calc'!A0", false, "\"'=cmd|' /C calc'!A0\"");
	expect_cell("+1+1", false, "\"'+1+1\"");
	expect_cell("-2+3", false, "\"'-2+3\"");
	expect_cell("@SUM(A1)", false, "\"'@SUM(A1)\"");
	expect_cell("\t=1", false, "\"'\t=1\"");
	expect_cell("=\"x\"", false, "\"'=\"\"x\"\"\"");
	/* numbers are numbers, a negative one included */
	expect_cell("-5", true, "-5");
	expect_cell("9500000", true, "9500000");
	/* HTML and SQL are just text */
	expect_cell("<script>alert(1)</script>", false, "<script>alert(1)</script>");
	expect_cell("'; DROP TABLE submission; --", false, "'; DROP TABLE submission; --");
	/* a long text with many quotes: each doubled, nothing lost */
	struct buf big = { 0 }, want = { 0 };
	buf_putc(&want, '"');
	for (int i = 0; i < 5000; i++) {
		buf_puts(&big, "ạ\"");
		buf_puts(&want, "ạ\"\"");
	}
	buf_putc(&want, '"');
	char *got = cell(big.data, false);
	assert_string_equal(got, want.data);
	free(got);
	buf_free(&big);
	buf_free(&want);
}

/* A version-1 definition as sql/026 stores it loads with its own words. */
static void
test_old_version_loads(void **state)
{
	(void)state;
	char err[300] = "";
	struct form *f = form_from_definition("{\"id\":\"wage_arrears\",\"version\":1,\"title\":{\"vi\":\"Nợ lương\",\"en\":\"Unpaid wages\"},"
	    "\"fields\":[{\"name\":\"amount_basis\",\"type\":\"select\",\"label\":{\"vi\":\"Số tiền trên là\",\"en\":\"That amount is\"},"
	    "\"options\":[{\"value\":\"per_person\",\"label\":{\"vi\":\"Của riêng tôi\",\"en\":\"Mine alone\"}}]}]}", err, sizeof(err));
	assert_non_null(f);
	assert_int_equal(f->version, 1);
	assert_string_equal(form_label(f->title, LANG_VI), "Nợ lương");
	assert_string_equal(form_label(f->fields[0].options[0].label, LANG_VI), "Của riêng tôi");
	form_free(f);
	form_free(NULL);
}

/* A stored text that no longer loads gives NULL and says why, never a half form. */
static void
test_bad_definitions(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"", "not json", "[1,2]", "{\"id\":\"x\"}", "{\"id\":\"<script>\",\"version\":1}",
		"{\"id\":\"x\",\"version\":1,\"title\":{\"vi\":\"X\"},\"fields\":[{\"name\":\"a\",\"type\":\"sql'; DROP\"}]}",
		"{\"id\":\"x\",\"id\":\"y\"}", "{\"id\":\"x\xff\",\"version\":1}",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char err[300] = "";
		assert_null(form_from_definition(bad[i], err, sizeof(err)));
		assert_true(err[0] != '\0');
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csv_cells),
		cmocka_unit_test(test_old_version_loads),
		cmocka_unit_test(test_bad_definitions),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
