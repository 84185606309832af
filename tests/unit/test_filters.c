/* test_filters.c: unit tests for filters.c's hidden fields and labelled date field: labels by language, required or not, values escaped. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "app.h"
#include "buf.h"
#include "filters.h"

/* filters_date() into a fresh buffer, compared with want. */
static void
check_date(enum lang lang, const char *value, bool required, const char *want)
{
	struct buf b = { 0 };
	struct req r = { .out = &b, .lang = lang };
	filters_date(&r, "from", "Từ ngày", "From", value, required);
	assert_false(b.failed);
	assert_string_equal(b.len ? b.data : "", want);
	buf_free(&b);
}

static void
test_date(void **state)
{
	(void)state;
	check_date(LANG_VI, "2026-10-31", false, "<label>Từ ngày <input type=\"date\" name=\"from\" value=\"2026-10-31\"></label>");
	check_date(LANG_EN, "", true, "<label>From <input type=\"date\" name=\"from\" required value=\"\"></label>");
	check_date(LANG_EN, NULL, false, "<label>From <input type=\"date\" name=\"from\" value=\"\"></label>");
	/* whatever was typed goes back escaped, never as markup, in a text box
	   (a date input cannot hold a value that is not a real day) */
	check_date(LANG_VI, "\"><script>x</script>", false,
	    "<label>Từ ngày <input type=\"text\" name=\"from\" value=\"&quot;&gt;&lt;script&gt;x&lt;/script&gt;\"></label>");
	check_date(LANG_VI, "2026-13-99' onfocus='x", true,
	    "<label>Từ ngày <input type=\"text\" name=\"from\" required value=\"2026-13-99&#39; onfocus=&#39;x\"></label>");
	check_date(LANG_VI, "2026-02-30", false, "<label>Từ ngày <input type=\"text\" name=\"from\" value=\"2026-02-30\"></label>");
	check_date(LANG_VI, "2028-02-29", false, "<label>Từ ngày <input type=\"date\" name=\"from\" value=\"2028-02-29\"></label>");
}

static void
test_hidden(void **state)
{
	(void)state;
	struct buf b = { 0 };
	filters_hidden(&b, "workplace", "12");
	filters_hidden(&b, "q", "\"><b onclick='x'>&");
	filters_hidden(&b, "k", NULL);
	assert_false(b.failed);
	assert_string_equal(b.data, "<input type=\"hidden\" name=\"workplace\" value=\"12\">"
	    "<input type=\"hidden\" name=\"q\" value=\"&quot;&gt;&lt;b onclick=&#39;x&#39;&gt;&amp;\">"
	    "<input type=\"hidden\" name=\"k\" value=\"\">");
	buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hidden),
		cmocka_unit_test(test_date),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
