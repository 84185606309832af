/* test_exports.c: unit tests for the exports' pure parts: CSV cells (quoting, the formula guard), answers read in place as jansson reads them, and old form versions read back through the form loader. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

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

/* Value v read in place agrees with jansson's j: type, number, text, elements. */
static void
expect_same(const struct ejson *v, json_t *j, struct buf *str)
{
	switch (json_typeof(j)) {
	case JSON_STRING:
		assert_int_equal(v->type, EJ_STRING);
		assert_string_equal(ejson_string(v, str), json_string_value(j));
		break;
	case JSON_INTEGER:
		assert_int_equal(v->type, EJ_INTEGER);
		assert_true(v->i == json_integer_value(j));
		break;
	case JSON_REAL:
		assert_int_equal(v->type, EJ_REAL);
		assert_true(v->r == json_real_value(j));
		break;
	case JSON_ARRAY: {
		struct ejson e;
		size_t pos = 0, n = 0;
		assert_int_equal(v->type, EJ_ARRAY);
		while (ejson_next(v, &pos, &e))
			expect_same(&e, json_array_get(j, n++), str);
		assert_int_equal(n, json_array_size(j));
		break;
	}
	case JSON_OBJECT:
		assert_int_equal(v->type, EJ_OBJECT);
		break;
	default:
		assert_int_equal(v->type, json_is_true(j) ? EJ_TRUE : json_is_false(j) ? EJ_FALSE : EJ_NULL);
	}
}

/* ejson_parse accepts exactly what json_loadb reads (an object or array),
 * and every member ejson_get finds is jansson's, a missing one missing. */
static void
expect_as_jansson(const char *text)
{
	struct ejson_object *o = malloc(sizeof(*o));
	struct buf scratch = { 0 }, str = { 0 };
	json_error_t jerr;
	json_t *j = json_loadb(text, strlen(text), 0, &jerr);
	bool ok = ejson_parse(text, strlen(text), o);
	if (ok != (j != NULL))
		fail_msg("%s: read in place %s, jansson %s", text, ok ? "yes" : "no", j ? "yes" : "no");
	if (json_is_object(j)) {
		const char *k;
		json_t *m;
		struct ejson v;
		json_object_foreach(j, k, m) {
			assert_true(ejson_get(o, k, &v, &scratch));
			expect_same(&v, m, &str);
		}
		assert_false(ejson_get(o, "no such question", &v, &scratch));
	}
	json_decref(j);
	buf_free(&scratch);
	buf_free(&str);
	free(o);
}

static void
test_answers_in_place(void **state)
{
	(void)state;
	expect_as_jansson("{\"text\": \"Công ty nợ lương, \\\"3 tháng\\\"\", \"category\": \"wages\"}");
	expect_as_jansson("{}");
	expect_as_jansson("[]");
	expect_as_jansson("  {\"a\" : [ \"x\" , 1 , 2.5 , true , false , null , [\"y\"], {\"z\": 1} ] }  ");
	expect_as_jansson("{\"esc\": \"\\b\\f\\n\\r\\t\\/\\\\\\u0041\\u00e9\\u1ec7\\ud83d\\ude00\"}");
	expect_as_jansson("{\"k\\u00e9y\": 1, \"k\\\"q\": 2}");
	expect_as_jansson("{\"n\": -0, \"m\": 9223372036854775807, \"l\": -9223372036854775808, \"r\": 1e-400, \"s\": 1.5E3}");
	expect_as_jansson("{\"month\": \"2026-02\", \"rank\": [\"b\", \"a\"], \"money\": 5000000}");
	/* what jansson refuses is refused (the answers stay empty, as before) */
	expect_as_jansson("{\"big\": 9223372036854775808}");
	expect_as_jansson("{\"big\": -9223372036854775809}");
	expect_as_jansson("{\"huge\": 1e400}");
	expect_as_jansson("{\"nul\": \"a\\u0000b\"}");
	expect_as_jansson("{\"lone\": \"\\ud800\"}");
	expect_as_jansson("{\"lone\": \"\\udc00x\"}");
	expect_as_jansson("{\"bad\": \"\\x\"}");
	expect_as_jansson("{\"cut\": \"abc");
	expect_as_jansson("{\"cut\": [1, 2");
	expect_as_jansson("\"a string\"");
	expect_as_jansson("42");
	expect_as_jansson("");
	expect_as_jansson("{\"a\": tru}");
	/* more members than are indexed: the rest are found in the text */
	char many[4096];
	size_t n = 0;
	many[n++] = '{';
	for (int i = 0; i < 100; i++)
		n += (size_t)snprintf(many + n, sizeof(many) - n, "%s\"q%d\": \"v%d\"", i ? ", " : "", i, i);
	snprintf(many + n, sizeof(many) - n, "}");
	expect_as_jansson(many);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csv_cells),
		cmocka_unit_test(test_answers_in_place),
		cmocka_unit_test(test_old_version_loads),
		cmocka_unit_test(test_bad_definitions),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
