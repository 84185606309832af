/* test_text.c: unit tests for text.c: strict UTF-8, control characters, NFC, length, trimming. */
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "common.h"

#include "text.h"

/* text_valid_utf8 on a string literal (which may hold a NUL: use sizeof). */
#define VALID(lit) text_valid_utf8((lit), sizeof(lit) - 1)

/* ---- text_valid_utf8 ---- */

static void
test_utf8_ascii(void **state)
{
	(void)state;
	assert_true(VALID(""));
	assert_true(VALID("hello, world"));
	assert_true(VALID("a\0b"));       /* NUL is valid UTF-8; controls are checked apart */
	assert_true(VALID("\x7F"));
}

static void
test_utf8_multibyte(void **state)
{
	(void)state;
	assert_true(VALID("\xC3\xA9"));            /* é, 2 bytes */
	assert_true(VALID("\xC2\x80"));            /* U+0080, smallest 2-byte */
	assert_true(VALID("\xDF\xBF"));            /* U+07FF */
	assert_true(VALID("\xE1\xBB\x87"));        /* ệ, 3 bytes */
	assert_true(VALID("\xE0\xA0\x80"));        /* U+0800, smallest 3-byte */
	assert_true(VALID("\xED\x9F\xBF"));        /* U+D7FF, just below the surrogates */
	assert_true(VALID("\xEE\x80\x80"));        /* U+E000, just above them */
	assert_true(VALID("\xEF\xBF\xBF"));        /* U+FFFF */
	assert_true(VALID("\xF0\x9F\x98\x80"));    /* 😀, 4 bytes */
	assert_true(VALID("\xF0\x90\x80\x80"));    /* U+10000, smallest 4-byte */
	assert_true(VALID("\xF4\x8F\xBF\xBF"));    /* U+10FFFF, the last code point */
	assert_true(VALID("Tiếng Việt có dấu: ĐƯỜNG"));
}

static void
test_utf8_truncated(void **state)
{
	(void)state;
	assert_false(VALID("\xC3"));
	assert_false(VALID("\xE1\xBB"));
	assert_false(VALID("\xE1"));
	assert_false(VALID("\xF0\x9F\x98"));
	assert_false(VALID("abc\xF0\x9F"));
	/* the sequence is cut by an ASCII byte, not by the end */
	assert_false(VALID("\xE1\xBBz"));
	assert_false(VALID("\xC3 "));
	/* n cuts a valid character in two */
	assert_false(text_valid_utf8("\xE1\xBB\x87", 2));
}

static void
test_utf8_overlong(void **state)
{
	(void)state;
	assert_false(VALID("\xC0\xAF"));           /* '/' in 2 bytes */
	assert_false(VALID("\xC0\x80"));           /* NUL in 2 bytes */
	assert_false(VALID("\xC1\xBF"));           /* U+007F in 2 bytes */
	assert_false(VALID("\xE0\x80\xAF"));       /* '/' in 3 bytes */
	assert_false(VALID("\xE0\x9F\xBF"));       /* U+07FF in 3 bytes */
	assert_false(VALID("\xF0\x8F\xBF\xBF"));   /* U+FFFF in 4 bytes */
	assert_false(VALID("\xF0\x80\x80\xAF"));   /* '/' in 4 bytes */
}

static void
test_utf8_surrogates(void **state)
{
	(void)state;
	assert_false(VALID("\xED\xA0\x80"));       /* U+D800 */
	assert_false(VALID("\xED\xAF\xBF"));       /* U+DBFF */
	assert_false(VALID("\xED\xB0\x80"));       /* U+DC00 */
	assert_false(VALID("\xED\xBF\xBF"));       /* U+DFFF */
	assert_false(VALID("\xED\xA0\xBD\xED\xB8\x80"));  /* CESU-8 pair for 😀 */
}

static void
test_utf8_above_max(void **state)
{
	(void)state;
	assert_false(VALID("\xF4\x90\x80\x80"));   /* U+110000 */
	assert_false(VALID("\xF5\x80\x80\x80"));
	assert_false(VALID("\xF7\xBF\xBF\xBF"));
}

static void
test_utf8_bad_bytes(void **state)
{
	(void)state;
	assert_false(VALID("\x80"));               /* lone continuation bytes */
	assert_false(VALID("\xBF"));
	assert_false(VALID("a\x80" "b"));
	assert_false(VALID("\xC3\xA9\xA9"));       /* one continuation too many */
	assert_false(VALID("\xF8\x88\x80\x80\x80"));
	assert_false(VALID("\xFC\x84\x80\x80\x80\x80"));
	assert_false(VALID("\xFE"));
	assert_false(VALID("\xFF"));
	assert_false(VALID("ok \xFF ok"));
	/* ASCII where a continuation byte belongs */
	assert_false(VALID("\xE1\x41\x87"));
}

/* ---- text_has_controls ---- */

static void
test_controls(void **state)
{
	(void)state;
	assert_false(text_has_controls("", 0));
	assert_false(text_has_controls("plain text", 10));
	assert_false(text_has_controls("a\tb\r\nc", 6));
	assert_false(text_has_controls("Việt", strlen("Việt")));
	assert_true(text_has_controls("a\0b", 3));
	assert_true(text_has_controls("\x01", 1));
	assert_true(text_has_controls("x\x1B[31m", 6));
	assert_true(text_has_controls("\x1F", 1));
	assert_true(text_has_controls("\x7F", 1));
	assert_true(text_has_controls("\x08", 1));
	assert_true(text_has_controls("\x0B", 1));   /* vertical tab */
	assert_true(text_has_controls("\x0C", 1));   /* form feed */
	/* only the first n bytes count */
	assert_false(text_has_controls("ab\x01", 2));
}

/* C1 controls (U+0080..U+009F, UTF-8 C2 80..C2 9F) are control characters
 * too, and nobody types them: NEL (U+0085) even acts as a line break in some
 * viewers. Characters just above the range (U+00A0 no-break space, é) pass. */
static void
test_controls_c1(void **state)
{
	(void)state;
	assert_false(text_has_controls("\xC2\xA0", 2));
	assert_false(text_has_controls("\xC3\xA9", 2));
	assert_true(text_has_controls("\xC2\x80", 2));
	assert_true(text_has_controls("a\xC2\x85" "b", 4));
	assert_true(text_has_controls("\xC2\x9B" "31m", 5));   /* CSI */
	assert_true(text_has_controls("\xC2\x9F", 2));
}

/* ---- text_nfc ---- */

static void
test_nfc_ascii(void **state)
{
	char *s = text_nfc(*state, "hello world", 11);
	assert_string_equal(s, "hello world");
	s = text_nfc(*state, "", 0);
	assert_string_equal(s, "");
	/* only n bytes are taken */
	s = text_nfc(*state, "hello world", 5);
	assert_string_equal(s, "hello");
}

static void
test_nfc_vietnamese(void **state)
{
	const char *nfd;
	char *s;

	/* e + dot below + circumflex, and the other order */
	nfd = "e\xCC\xA3\xCC\x82";
	s = text_nfc(*state, nfd, strlen(nfd));
	assert_string_equal(s, "ệ");
	assert_string_equal(s, "\xE1\xBB\x87");
	nfd = "e\xCC\x82\xCC\xA3";
	s = text_nfc(*state, nfd, strlen(nfd));
	assert_string_equal(s, "ệ");
	/* a whole word: "Nguyễn" = Nguy + e + U+0302 + U+0303 + n */
	nfd = "Nguye\xCC\x82\xCC\x83n";
	s = text_nfc(*state, nfd, strlen(nfd));
	assert_string_equal(s, "Nguyễn");
	assert_int_equal(strlen(s), strlen("Nguyễn"));
	/* "Tiếng Việt" fully decomposed */
	nfd = "Tie\xCC\x82\xCC\x81ng Vie\xCC\xA3\xCC\x82t";
	s = text_nfc(*state, nfd, strlen(nfd));
	assert_string_equal(s, "Tiếng Việt");
	/* ư + hook above (U+0309) → ử */
	nfd = "u\xCC\x9B\xCC\x89";
	s = text_nfc(*state, nfd, strlen(nfd));
	assert_string_equal(s, "ử");
}

static void
test_nfc_unchanged(void **state)
{
	/* Đ has no decomposition: it must stay exactly as it is */
	char *s = text_nfc(*state, "Đ", strlen("Đ"));
	assert_string_equal(s, "\xC4\x90");
	s = text_nfc(*state, "đường Đồng Khởi", strlen("đường Đồng Khởi"));
	assert_string_equal(s, "đường Đồng Khởi");
	/* already NFC text is left alone */
	s = text_nfc(*state, "Nguyễn Thị Ánh", strlen("Nguyễn Thị Ánh"));
	assert_string_equal(s, "Nguyễn Thị Ánh");
}

static void
test_nfc_invalid(void **state)
{
	assert_null(text_nfc(*state, "\xFF", 1));
	assert_null(text_nfc(*state, "ab\xC3", 3));
	assert_null(text_nfc(*state, "\xED\xA0\x80", 3));
	assert_null(text_nfc(*state, "\xC0\xAF", 2));
}

/* text_nfc(s) is what utf8proc gives for s with the same flags (the
 * quick check must never keep a text utf8proc would change) */
static void
assert_nfc_as_utf8proc(struct arena *a, const char *s, size_t n)
{
	utf8proc_uint8_t *want = NULL;
	utf8proc_ssize_t len = utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n, &want,
	    UTF8PROC_STABLE | UTF8PROC_COMPOSE);
	assert_true(len >= 0);
	char *got = text_nfc(a, s, n);
	assert_non_null(got);
	if (strlen(got) != (size_t)len || memcmp(got, want, (size_t)len) != 0)
		fail_msg("text_nfc differs from utf8proc for %zu bytes starting %02x %02x %02x", n,
		    (unsigned char)s[0], n > 1 ? (unsigned char)s[1] : 0, n > 2 ? (unsigned char)s[2] : 0);
	free(want);
}

/* appends code point cp's UTF-8 to s at *n */
static void
put_cp(char *s, size_t *n, utf8proc_int32_t cp)
{
	*n += (size_t)utf8proc_encode_char(cp, (utf8proc_uint8_t *)s + *n);
}

/* Every code point alone, doubled, after an ASCII letter and before a
 * combining mark; and every canonical composition pair of the whole of
 * Unicode (the composed first part, then the second: Hangul syllables and
 * jamo included) gives what utf8proc gives, whether or not the quick
 * check takes it. */
static void
test_nfc_quick_check(void **state)
{
	(void)state;
	struct arena *a = arena_new();
	utf8proc_int32_t d[32];
	char s[256];
	size_t n;
	assert_non_null(a);
	for (utf8proc_int32_t cp = 0x80; cp <= 0x10FFFF; cp++) {
		if (cp >= 0xD800 && cp <= 0xDFFF)
			continue;
		if (cp < 0x10000 || (cp & 0xFF) == 0) {
			n = 0, put_cp(s, &n, cp);
			assert_nfc_as_utf8proc(a, s, n);
			put_cp(s, &n, cp);
			assert_nfc_as_utf8proc(a, s, n);
			n = 0, put_cp(s, &n, 'a'), put_cp(s, &n, cp), put_cp(s, &n, 0x0301);
			assert_nfc_as_utf8proc(a, s, n);
		}
		int bc = 0;
		utf8proc_ssize_t k = utf8proc_decompose_char(cp, d, 32, UTF8PROC_DECOMPOSE, &bc);
		if (k >= 2 && k <= 32) {
			utf8proc_uint8_t *first = NULL;
			n = 0;
			for (utf8proc_ssize_t i = 0; i + 1 < k; i++)
				put_cp(s, &n, d[i]);
			utf8proc_ssize_t fl = utf8proc_map((utf8proc_uint8_t *)s, (utf8proc_ssize_t)n, &first,
			    UTF8PROC_STABLE | UTF8PROC_COMPOSE);
			assert_true(fl > 0 && fl < 200);
			memcpy(s, first, (size_t)fl);
			free(first);
			n = (size_t)fl;
			put_cp(s, &n, d[k - 1]);
			assert_nfc_as_utf8proc(a, s, n);
			/* and the pair after a composed letter, as in a word */
			memmove(s + 3, s, n);
			n += 3;
			memcpy(s, "\xE1\xBB\x87", 3);   /* ệ */
			assert_nfc_as_utf8proc(a, s, n);
		}
		if ((cp & 0xFFF) == 0)
			arena_reset(a);
	}
	arena_free(a);
}

/* Vietnamese typed precomposed (what phones send) is kept byte for byte,
 * as utf8proc would; one decomposed letter anywhere is still composed. */
static void
test_nfc_quick_vietnamese(void **state)
{
	const char *t = "Công ty nợ lương tháng 10 của tổ may số 3, tăng ca đến 10 giờ đêm "
	    "nhưng không được trả tiền làm thêm giờ. ĐƯỜNG Ỷ Ỹ ỵ — “trích dẫn” …";
	assert_nfc_as_utf8proc(*state, t, strlen(t));
	assert_string_equal(text_nfc(*state, t, strlen(t)), t);
	const char *mixed = "tiền lương chưa tra\xCC\x89 đủ";   /* trả with a combining hook */
	assert_string_equal(text_nfc(*state, mixed, strlen(mixed)), "tiền lương chưa trả đủ");
	assert_nfc_as_utf8proc(*state, mixed, strlen(mixed));
}

/* ---- text_length ---- */

static void
test_length(void **state)
{
	(void)state;
	assert_int_equal(text_length(""), 0);
	assert_int_equal(text_length("abc"), 3);
	assert_int_equal(text_length("ệ"), 1);
	assert_int_equal(text_length("Nguyễn"), 6);
	assert_int_equal(text_length("Tiếng Việt"), 10);
	assert_int_equal(text_length("\xF0\x9F\x98\x80"), 1);
	/* combining marks are code points of their own */
	assert_int_equal(text_length("e\xCC\xA3\xCC\x82"), 3);
}

/* ---- text_trim ---- */

static void
test_trim(void **state)
{
	(void)state;
	char a[] = "  hello world \t\r\n";
	char b[] = "";
	char c[] = " \t\r\n ";
	char d[] = "x";
	char e[] = "\n  Việt  ";
	char f[] = "a  b";

	assert_string_equal(text_trim(a), "hello world");
	assert_ptr_equal(text_trim(a), a);
	assert_string_equal(text_trim(b), "");
	assert_string_equal(text_trim(c), "");
	assert_string_equal(text_trim(d), "x");
	assert_string_equal(text_trim(e), "Việt");
	assert_string_equal(text_trim(f), "a  b");   /* inner space stays */
}

/* Line breaks: CRLF and a lone CR become LF, in place too; LF stays. */
static void
test_lf(void **state)
{
	(void)state;
	char d[32];
	const char *s = "a\r\nb\rc\nd\r";
	size_t n = text_lf(d, s, strlen(s));
	assert_int_equal(n, 8);
	assert_memory_equal(d, "a\nb\nc\nd\n", 8);
	char in_place[] = "x\r\n\r\ny";
	n = text_lf(in_place, in_place, strlen(in_place));
	assert_int_equal(n, 4);
	assert_memory_equal(in_place, "x\n\ny", 4);
	assert_int_equal(text_lf(d, "", 0), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_utf8_ascii),
		cmocka_unit_test(test_utf8_multibyte),
		cmocka_unit_test(test_utf8_truncated),
		cmocka_unit_test(test_utf8_overlong),
		cmocka_unit_test(test_utf8_surrogates),
		cmocka_unit_test(test_utf8_above_max),
		cmocka_unit_test(test_utf8_bad_bytes),
		cmocka_unit_test(test_controls),
		cmocka_unit_test(test_controls_c1),
		cmocka_unit_test(test_nfc_ascii),
		cmocka_unit_test(test_nfc_vietnamese),
		cmocka_unit_test(test_nfc_unchanged),
		cmocka_unit_test(test_nfc_invalid),
		cmocka_unit_test(test_nfc_quick_check),
		cmocka_unit_test(test_nfc_quick_vietnamese),
		cmocka_unit_test(test_length),
		cmocka_unit_test(test_trim),
		cmocka_unit_test(test_lf),
	};

	return cmocka_run_group_tests(tests, arena_setup, arena_teardown);
}
