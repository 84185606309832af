/* test_html.c: unit tests for html.c's escapers and for the buf.c output buffer they write to. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "app.h"
#include "buf.h"
#include "html.h"

/* Runs one writer on s into a fresh buffer and compares with want. */
static void
check_writer(void (*w)(struct buf *, const char *), const char *s, const char *want)
{
	struct buf b = { 0 };
	w(&b, s);
	assert_false(b.failed);
	assert_int_equal(b.len, strlen(want));
	assert_string_equal(b.len ? b.data : "", want);
	buf_free(&b);
}

/* ---- html_text, html_attr ---- */

static void
test_text_escapes(void **state)
{
	(void)state;
	check_writer(html_text, "&", "&amp;");
	check_writer(html_text, "<", "&lt;");
	check_writer(html_text, ">", "&gt;");
	check_writer(html_text, "\"", "&quot;");
	check_writer(html_text, "'", "&#39;");
	check_writer(html_text, "&<>\"'", "&amp;&lt;&gt;&quot;&#39;");
	check_writer(html_text, "<script>alert('x')</script>",
	    "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;");
	check_writer(html_text, "a & b < c", "a &amp; b &lt; c");
	/* already-escaped text is escaped again, never decoded */
	check_writer(html_text, "&amp;", "&amp;amp;");
	/* text between and after the specials is kept in order */
	check_writer(html_text, "x<y>z", "x&lt;y&gt;z");
	/* runs longer than a vector register around the specials, and specials at both ends */
	check_writer(html_text, "'Công nhân tổ may số 3 & tổ 4' <không> được \"trả\" tiền làm thêm giờ&",
	    "&#39;Công nhân tổ may số 3 &amp; tổ 4&#39; &lt;không&gt; được &quot;trả&quot; tiền làm thêm giờ&amp;");
}

static void
test_text_plain(void **state)
{
	(void)state;
	check_writer(html_text, "", "");
	check_writer(html_text, "plain text / 100% = ok", "plain text / 100% = ok");
	check_writer(html_text, "Tiếng Việt: Nguyễn, ĐƯỜNG, ử", "Tiếng Việt: Nguyễn, ĐƯỜNG, ử");
	check_writer(html_text, "Việt <b>", "Việt &lt;b&gt;");
}

static void
test_attr_escapes(void **state)
{
	(void)state;
	check_writer(html_attr, "&<>\"'", "&amp;&lt;&gt;&quot;&#39;");
	check_writer(html_attr, "\" onload=\"alert(1)", "&quot; onload=&quot;alert(1)");
	check_writer(html_attr, "' onload='alert(1)", "&#39; onload=&#39;alert(1)");
	check_writer(html_attr, "Nguyễn", "Nguyễn");
	check_writer(html_attr, "", "");
}

/* ---- html_url_arg ---- */

static void
test_url_arg(void **state)
{
	(void)state;
	check_writer(html_url_arg, "AZaz09-_.~", "AZaz09-_.~");
	check_writer(html_url_arg, "a b", "a%20b");
	check_writer(html_url_arg, "a/b", "a%2Fb");
	check_writer(html_url_arg, "ệ", "%E1%BB%87");
	check_writer(html_url_arg, "?&=#+%", "%3F%26%3D%23%2B%25");
	check_writer(html_url_arg, "\"<>'", "%22%3C%3E%27");
	check_writer(html_url_arg, "\x7F\x01", "%7F%01");
	check_writer(html_url_arg, "", "");
}

/* ---- html_raw_trusted ---- */

static void
test_raw_trusted(void **state)
{
	(void)state;
	check_writer(html_raw_trusted, "<b class=\"x\">&nbsp;</b>", "<b class=\"x\">&nbsp;</b>");
	check_writer(html_raw_trusted, "", "");
}

/* Writers append: nothing already in the buffer is lost. */
static void
test_writers_append(void **state)
{
	struct buf b = { 0 };
	(void)state;

	html_raw_trusted(&b, "<p title=\"");
	html_attr(&b, "a\"b");
	html_raw_trusted(&b, "\">");
	html_text(&b, "1 < 2");
	html_raw_trusted(&b, "</p><a href=\"/s?q=");
	html_url_arg(&b, "x y");
	html_raw_trusted(&b, "\">");
	assert_string_equal(b.data, "<p title=\"a&quot;b\">1 &lt; 2</p><a href=\"/s?q=x%20y\">");
	buf_free(&b);
}

/* ---- buf ---- */

static void
test_buf_basic(void **state)
{
	struct buf b = { 0 };
	(void)state;

	buf_puts(&b, "ab");
	buf_putc(&b, 'c');
	buf_append(&b, "defXYZ", 3);
	buf_appendf(&b, "%d-%s", 42, "ệ");
	assert_int_equal(b.len, strlen("abcdef42-ệ"));
	assert_string_equal(b.data, "abcdef42-ệ");
	/* binary content, NUL included, is kept with its length */
	buf_append(&b, "\0z", 2);
	assert_int_equal(b.len, strlen("abcdef42-ệ") + 2);
	assert_memory_equal(b.data + b.len - 2, "\0z", 2);
	assert_int_equal(b.data[b.len], '\0');
	buf_free(&b);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.cap, 0);
}

/* buf_put_ulong writes what "%llu" would, edges included. */
static void
test_buf_put_ulong(void **state)
{
	static const unsigned long long vals[] = { 0, 1, 9, 10, 99, 200, 404, 2288, 1000000, 4294967296ULL,
		18446744073709551615ULL };
	(void)state;

	for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
		struct buf b = { 0 }, want = { 0 };
		buf_puts(&b, "n=");
		buf_put_ulong(&b, vals[i]);
		buf_appendf(&want, "n=%llu", vals[i]);
		assert_string_equal(b.data, want.data);
		assert_int_equal(b.len, want.len);
		buf_free(&b);
		buf_free(&want);
	}
}

/* Grows past the first 4096 bytes, in one step and bit by bit. */
static void
test_buf_grow_4k(void **state)
{
	struct buf b = { 0 };
	char *big = malloc(5001);
	(void)state;

	assert_non_null(big);
	memset(big, 'x', 5000);
	big[5000] = '\0';
	buf_appendf(&b, "[%s]", big);
	assert_false(b.failed);
	assert_int_equal(b.len, 5002);
	assert_true(b.cap > 5002);
	assert_int_equal(b.data[0], '[');
	assert_int_equal(b.data[5001], ']');
	assert_int_equal(b.data[5002], '\0');
	assert_int_equal(strspn(b.data + 1, "x"), 5000);
	buf_free(&b);

	/* a formatted append that does not fit in the room left: written whole after growing, nothing of
	 * the cut first attempt left behind */
	struct buf d = { 0 };
	for (size_t i = 0; i < 4090; i++)
		buf_putc(&d, 'a');
	assert_int_equal(d.cap, 4096);
	buf_appendf(&d, "<%s|%d>", "0123456789", 42);
	assert_false(d.failed);
	assert_int_equal(d.len, 4090 + 15);
	assert_string_equal(d.data + 4090, "<0123456789|42>");
	assert_int_equal(strlen(d.data), d.len);
	buf_appendf(&d, "%s", "");
	assert_int_equal(d.len, 4105);
	buf_free(&d);

	/* 4095, 4096, 4097 bytes: the edges of the first allocation */
	for (size_t n = 4094; n <= 4098; n++) {
		struct buf c = { 0 };
		for (size_t i = 0; i < n; i++)
			buf_appendf(&c, "%c", (char)('a' + i % 26));
		assert_false(c.failed);
		assert_int_equal(c.len, n);
		assert_int_equal(strlen(c.data), n);
		assert_int_equal(c.data[n - 1], (char)('a' + (n - 1) % 26));
		buf_free(&c);
	}
	free(big);
}

/* Grows past 1 MB with many small formatted appends; every byte lands. */
static void
test_buf_grow_1mb(void **state)
{
	struct buf b = { 0 };
	size_t lines = 80000;   /* 14 bytes each: about 1.1 MB */
	(void)state;

	for (size_t i = 0; i < lines; i++)
		buf_appendf(&b, "line %08zu\n", i);
	assert_false(b.failed);
	assert_int_equal(b.len, lines * 14);
	assert_true(b.len > (1u << 20));
	assert_memory_equal(b.data, "line 00000000\n", 14);
	assert_memory_equal(b.data + 50000 * 14, "line 00050000\n", 14);
	assert_memory_equal(b.data + (lines - 1) * 14, "line 00079999\n", 14);
	assert_int_equal(b.data[b.len], '\0');
	buf_free(&b);
}

static void
test_buf_reset(void **state)
{
	struct buf b = { 0 };
	(void)state;

	/* reset of a never-used buffer */
	buf_reset(&b);
	assert_int_equal(b.len, 0);

	/* a small buffer keeps its memory and is empty */
	buf_puts(&b, "hello");
	char *mem = b.data;
	size_t cap = b.cap;
	buf_reset(&b);
	assert_int_equal(b.len, 0);
	assert_ptr_equal(b.data, mem);
	assert_int_equal(b.cap, cap);
	assert_string_equal(b.data, "");
	buf_puts(&b, "again");
	assert_string_equal(b.data, "again");
	assert_int_equal(b.len, 5);

	/* a large one is emptied too (its memory may go) */
	for (int i = 0; i < 1200000; i++)
		buf_putc(&b, 'z');
	assert_true(b.cap > (1u << 20));
	buf_reset(&b);
	assert_int_equal(b.len, 0);
	assert_false(b.failed);
	assert_true(b.data == NULL || b.data[0] == '\0');
	buf_puts(&b, "fresh");
	assert_string_equal(b.data, "fresh");
	assert_int_equal(b.len, 5);
	buf_free(&b);
}

/* ---- html_attrs, html_textf ---- */

/* What `b` holds is `want`, written without failing; then `b` is emptied. */
static void
holds(struct buf *b, const char *want)
{
	assert_false(b->failed);
	assert_int_equal(b->len, strlen(want));
	assert_string_equal(b->len ? b->data : "", want);
	buf_reset(b);
}

static void
test_attrs(void **state)
{
	(void)state;
	struct buf b = { 0 };
	/* NULL values (and NULL keys) are left out, the rest written in order, all escaped */
	const struct kv a[] = {
		{ "class", NULL, 0 }, { "name", "q", 0 }, { NULL, "x", 0 }, { "value", "\"><script>alert(1)</script>", 0 },
		{ "required", "", 0 }, { "data-x\"", "it's", 0 },
	};
	html_attrs(&b, a, sizeof(a) / sizeof(a[0]));
	holds(&b, " name=\"q\" value=\"&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;\" required=\"\" data-x&quot;=\"it&#39;s\"");
	html_attrs(&b, a, 0);   /* none at all, or only a NULL value: nothing */
	html_attrs(&b, a, 1);
	holds(&b, "");
	buf_free(&b);
}

static void
test_textf(void **state)
{
	(void)state;
	struct buf b = { 0 };
	html_textf(&b, "#%s: %lld", "<b>&", 42LL);
	holds(&b, "#&lt;b&gt;&amp;: 42");
	html_textf(&b, "%s", "");
	holds(&b, "");
	html_textf(&b, "%s → %s", "Hòa giải", "Trọng tài");   /* UTF-8 passes through */
	holds(&b, "Hòa giải → Trọng tài");
	char *big = malloc(300001);   /* a huge text is written whole */
	assert_non_null(big);
	memset(big, '<', 300000);
	big[300000] = '\0';
	html_textf(&b, "%s", big);
	assert_false(b.failed);
	assert_int_equal(b.len, 300000 * 4);
	free(big);
	buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text_escapes),
		cmocka_unit_test(test_text_plain),
		cmocka_unit_test(test_attr_escapes),
		cmocka_unit_test(test_url_arg),
		cmocka_unit_test(test_raw_trusted),
		cmocka_unit_test(test_attrs),
		cmocka_unit_test(test_textf),
		cmocka_unit_test(test_writers_append),
		cmocka_unit_test(test_buf_basic),
		cmocka_unit_test(test_buf_put_ulong),
		cmocka_unit_test(test_buf_grow_4k),
		cmocka_unit_test(test_buf_grow_1mb),
		cmocka_unit_test(test_buf_reset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
