/* test_req.c: unit tests for req.c: URL decoding, urlencoded bodies, cookies, content type, body reading. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"

#include "req.h"

/* Decodes a NUL-terminated string; returns the req_err code. */
static int
decode(struct arena *a, const char *s, bool plus_space, char **out, size_t *outlen)
{
	return req_url_decode(a, s, strlen(s), plus_space, out, outlen);
}

/* Parses a NUL-terminated urlencoded string into l. */
static int
parse(struct arena *a, const char *s, struct kvlist *l)
{
	return req_parse_urlencoded(a, s, strlen(s), l);
}

/* ---- req_url_decode ---- */

static void
test_url_decode_plain(void **state)
{
	char *out;
	size_t n;

	assert_int_equal(decode(*state, "hello", false, &out, &n), REQ_OK);
	assert_string_equal(out, "hello");
	assert_int_equal(n, 5);
	assert_int_equal(decode(*state, "", false, &out, &n), REQ_OK);
	assert_string_equal(out, "");
	assert_int_equal(n, 0);
}

static void
test_url_decode_hex(void **state)
{
	char *out;
	size_t n;

	assert_int_equal(decode(*state, "%41", false, &out, &n), REQ_OK);
	assert_string_equal(out, "A");
	assert_int_equal(n, 1);
	/* lower, upper and mixed case hex digits all decode alike */
	assert_int_equal(decode(*state, "%e1%bb%87", false, &out, &n), REQ_OK);
	assert_string_equal(out, "\xE1\xBB\x87");
	assert_int_equal(decode(*state, "%E1%BB%87", false, &out, &n), REQ_OK);
	assert_string_equal(out, "\xE1\xBB\x87");
	assert_int_equal(decode(*state, "%e1%Bb%87", false, &out, &n), REQ_OK);
	assert_string_equal(out, "\xE1\xBB\x87");
	assert_int_equal(n, 3);
	assert_int_equal(decode(*state, "a%2Fb%3dc", false, &out, &n), REQ_OK);
	assert_string_equal(out, "a/b=c");
}

static void
test_url_decode_plus(void **state)
{
	char *out;
	size_t n;

	assert_int_equal(decode(*state, "a+b", false, &out, &n), REQ_OK);
	assert_string_equal(out, "a+b");
	assert_int_equal(decode(*state, "a+b", true, &out, &n), REQ_OK);
	assert_string_equal(out, "a b");
	/* an escaped plus stays a plus even in form mode */
	assert_int_equal(decode(*state, "a%2Bb", true, &out, &n), REQ_OK);
	assert_string_equal(out, "a+b");
	assert_int_equal(decode(*state, "a%20b", false, &out, &n), REQ_OK);
	assert_string_equal(out, "a b");
}

static void
test_url_decode_malformed(void **state)
{
	char *out;
	size_t n;

	assert_int_equal(decode(*state, "%", false, &out, &n), REQ_ERR_ENCODING);
	assert_int_equal(decode(*state, "%4", false, &out, &n), REQ_ERR_ENCODING);
	assert_int_equal(decode(*state, "%G1", false, &out, &n), REQ_ERR_ENCODING);
	assert_int_equal(decode(*state, "%1G", false, &out, &n), REQ_ERR_ENCODING);
	assert_int_equal(decode(*state, "abc%", false, &out, &n), REQ_ERR_ENCODING);
	assert_int_equal(decode(*state, "abc%4", false, &out, &n), REQ_ERR_ENCODING);
	assert_int_equal(decode(*state, "% 41", false, &out, &n), REQ_ERR_ENCODING);
	assert_int_equal(decode(*state, "%%41", false, &out, &n), REQ_ERR_ENCODING);
}

static void
test_url_decode_nul(void **state)
{
	char *out;
	size_t n;

	assert_int_equal(decode(*state, "%00", false, &out, &n), REQ_OK);
	assert_int_equal(n, 1);
	assert_int_equal(out[0], '\0');
	assert_int_equal(decode(*state, "a%00b", false, &out, &n), REQ_OK);
	assert_int_equal(n, 3);
	assert_memory_equal(out, "a\0b", 3);
}

/* Only the first n bytes are read, even when more follow. */
static void
test_url_decode_length(void **state)
{
	char *out;
	size_t n;

	assert_int_equal(req_url_decode(*state, "ab%41", 2, false, &out, &n), REQ_OK);
	assert_string_equal(out, "ab");
	/* an escape cut by n is malformed, not read past the end */
	assert_int_equal(req_url_decode(*state, "%41", 2, false, &out, &n), REQ_ERR_ENCODING);
}

/* ---- req_parse_urlencoded ---- */

static void
test_urlencoded_pairs(void **state)
{
	struct kvlist l;

	assert_int_equal(parse(*state, "a=1&b=2", &l), REQ_OK);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.items[0].key, "a");
	assert_string_equal(l.items[0].val, "1");
	assert_int_equal(l.items[0].val_len, 1);
	assert_string_equal(l.items[1].key, "b");
	assert_string_equal(l.items[1].val, "2");

	assert_int_equal(parse(*state, "", &l), REQ_OK);
	assert_int_equal(l.n, 0);

	/* a value may hold '=' */
	assert_int_equal(parse(*state, "a=b=c", &l), REQ_OK);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.items[0].val, "b=c");
}

static void
test_urlencoded_empty_pairs(void **state)
{
	struct kvlist l;

	assert_int_equal(parse(*state, "&&a=1&&b=2&", &l), REQ_OK);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.items[0].key, "a");
	assert_string_equal(l.items[1].key, "b");
	assert_int_equal(parse(*state, "&&&", &l), REQ_OK);
	assert_int_equal(l.n, 0);
}

static void
test_urlencoded_key_only(void **state)
{
	struct kvlist l;

	assert_int_equal(parse(*state, "flag&a=1", &l), REQ_OK);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.items[0].key, "flag");
	assert_string_equal(l.items[0].val, "");
	assert_int_equal(l.items[0].val_len, 0);
	/* "a=" is an empty value, not a missing one */
	assert_int_equal(parse(*state, "a=", &l), REQ_OK);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.items[0].val, "");
}

static void
test_urlencoded_value_without_name(void **state)
{
	struct kvlist l;

	assert_int_equal(parse(*state, "=value", &l), REQ_ERR_ENCODING);
	assert_int_equal(parse(*state, "a=1&=2", &l), REQ_ERR_ENCODING);
	assert_int_equal(parse(*state, "=", &l), REQ_ERR_ENCODING);
}

static void
test_urlencoded_spaces(void **state)
{
	struct kvlist l;

	assert_int_equal(parse(*state, "q=a+b%20c&k+1=v", &l), REQ_OK);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.items[0].val, "a b c");
	assert_int_equal(l.items[0].val_len, 5);
	assert_string_equal(l.items[1].key, "k 1");
}

static void
test_urlencoded_vietnamese(void **state)
{
	struct kvlist l;

	assert_int_equal(parse(*state, "text=Ti%E1%BA%BFng+Vi%E1%BB%87t", &l), REQ_OK);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.items[0].val, "Tiếng Việt");
	assert_int_equal(l.items[0].val_len, strlen("Tiếng Việt"));
	/* raw (unescaped) UTF-8 bytes are accepted too */
	assert_int_equal(parse(*state, "text=Tiếng+Việt", &l), REQ_OK);
	assert_string_equal(l.items[0].val, "Tiếng Việt");
	/* keys are decoded the same way */
	assert_int_equal(parse(*state, "%C4%91=1", &l), REQ_OK);
	assert_string_equal(l.items[0].key, "đ");
}

static void
test_urlencoded_nfc(void **state)
{
	struct kvlist l;

	/* e + combining dot below (U+0323) + combining circumflex (U+0302) */
	assert_int_equal(parse(*state, "t=e%CC%A3%CC%82", &l), REQ_OK);
	assert_string_equal(l.items[0].val, "ệ");
	assert_int_equal(l.items[0].val_len, 3);
	/* the other order of the marks is canonically the same */
	assert_int_equal(parse(*state, "t=e%CC%82%CC%A3", &l), REQ_OK);
	assert_string_equal(l.items[0].val, "ệ");
	/* precomposed ê + dot below */
	assert_int_equal(parse(*state, "t=%C3%AA%CC%A3", &l), REQ_OK);
	assert_string_equal(l.items[0].val, "ệ");
	/* "Nguyễn" typed with an NFD keyboard: e + U+0302 + U+0303 */
	assert_int_equal(parse(*state, "t=Nguye%CC%82%CC%83n", &l), REQ_OK);
	assert_string_equal(l.items[0].val, "Nguyễn");
	/* keys are normalised too */
	assert_int_equal(parse(*state, "e%CC%A3%CC%82=1", &l), REQ_OK);
	assert_string_equal(l.items[0].key, "ệ");
}

static void
test_urlencoded_bad_utf8(void **state)
{
	struct kvlist l;

	assert_int_equal(parse(*state, "a=%FF", &l), REQ_ERR_UTF8);
	assert_int_equal(parse(*state, "a=%C0%AF", &l), REQ_ERR_UTF8);      /* overlong '/' */
	assert_int_equal(parse(*state, "a=%ED%A0%80", &l), REQ_ERR_UTF8);   /* surrogate U+D800 */
	assert_int_equal(parse(*state, "a=%E1%BB", &l), REQ_ERR_UTF8);      /* truncated */
	assert_int_equal(parse(*state, "a=%80", &l), REQ_ERR_UTF8);         /* lone continuation */
	assert_int_equal(parse(*state, "a=%F4%90%80%80", &l), REQ_ERR_UTF8); /* > U+10FFFF */
	assert_int_equal(parse(*state, "%FF=1", &l), REQ_ERR_UTF8);         /* in the key */
	assert_int_equal(parse(*state, "ok=1&a=%FF", &l), REQ_ERR_UTF8);    /* in a later pair */
}

static void
test_urlencoded_controls(void **state)
{
	struct kvlist l;

	assert_int_equal(parse(*state, "a=%00", &l), REQ_ERR_CONTROL);
	assert_int_equal(parse(*state, "a=x%00y", &l), REQ_ERR_CONTROL);
	assert_int_equal(parse(*state, "a%00=1", &l), REQ_ERR_CONTROL);
	assert_int_equal(parse(*state, "a=%01", &l), REQ_ERR_CONTROL);
	assert_int_equal(parse(*state, "a=%1B", &l), REQ_ERR_CONTROL);
	assert_int_equal(parse(*state, "a=%7F", &l), REQ_ERR_CONTROL);
	/* a textarea's line breaks and tabs are what people type */
	assert_int_equal(parse(*state, "a=x%0D%0Ay%09z", &l), REQ_OK);
	/* stored as LF: a browser counts CRLF as one character against maxlength */
	assert_string_equal(l.items[0].val, "x\ny\tz");
	assert_int_equal(parse(*state, "a=x%0Dy%0A%0Dz", &l), REQ_OK);
	assert_string_equal(l.items[0].val, "x\ny\n\nz");
}

static void
test_urlencoded_malformed_escape(void **state)
{
	struct kvlist l;

	assert_int_equal(parse(*state, "a=%ZZ", &l), REQ_ERR_ENCODING);
	assert_int_equal(parse(*state, "a=%4", &l), REQ_ERR_ENCODING);
	/* the '&' ends the pair: the escape is cut short */
	assert_int_equal(parse(*state, "a=%4&b=1", &l), REQ_ERR_ENCODING);
}

/* Builds "k=1&k=1&..." with n pairs, malloc'd. */
static char *
many_pairs(size_t n)
{
	char *s = malloc(n * 4 + 1);
	assert_non_null(s);
	char *p = s;
	for (size_t i = 0; i < n; i++) {
		memcpy(p, i ? "&k=1" : "k=1", i ? 4 : 3);
		p += i ? 4 : 3;
	}
	*p = '\0';
	return s;
}

static void
test_urlencoded_too_many(void **state)
{
	struct kvlist l;
	char *s = many_pairs(512);

	assert_int_equal(parse(*state, s, &l), REQ_OK);
	assert_int_equal(l.n, 512);
	free(s);
	s = many_pairs(513);
	assert_int_equal(parse(*state, s, &l), REQ_ERR_TOO_MANY);
	free(s);
}

static void
test_urlencoded_hostile_verbatim(void **state)
{
	struct kvlist l;

	assert_int_equal(parse(*state, "q=%27%3B+DROP+TABLE+x%3B+--", &l), REQ_OK);
	assert_string_equal(l.items[0].val, "'; DROP TABLE x; --");
	assert_int_equal(parse(*state, "q='; DROP TABLE x; --", &l), REQ_OK);
	assert_string_equal(l.items[0].val, "'; DROP TABLE x; --");
	assert_int_equal(parse(*state, "q=%3Cscript%3Ealert(1)%3C%2Fscript%3E", &l), REQ_OK);
	assert_string_equal(l.items[0].val, "<script>alert(1)</script>");
}

/* ---- kv_get, kv_get_or_empty ---- */

static void
test_kv_get(void **state)
{
	struct kvlist l;

	assert_int_equal(parse(*state, "a=1&b=&a=2&c", &l), REQ_OK);
	assert_string_equal(kv_get(&l, "a"), "1");   /* the first wins */
	assert_string_equal(kv_get(&l, "b"), "");
	assert_string_equal(kv_get(&l, "c"), "");
	assert_null(kv_get(&l, "d"));
	assert_null(kv_get(&l, "A"));                 /* keys are case-sensitive */
	assert_string_equal(kv_get_or_empty(&l, "a"), "1");
	assert_string_equal(kv_get_or_empty(&l, "d"), "");

	struct kvlist empty = { NULL, 0 };
	assert_null(kv_get(&empty, "a"));
	assert_string_equal(kv_get_or_empty(&empty, "a"), "");
}

/* Multi-valued fields (checkboxes) send one pair per ticked box. */
static void
test_kv_multi(void **state)
{
	struct kvlist l;

	assert_int_equal(parse(*state, "m=a&x=1&m=b&m=&m=b", &l), REQ_OK);
	assert_int_equal(kv_count(&l, "m"), 4);
	assert_int_equal(kv_count(&l, "x"), 1);
	assert_int_equal(kv_count(&l, "y"), 0);
	assert_true(kv_has(&l, "m", "a"));
	assert_true(kv_has(&l, "m", "b"));
	assert_true(kv_has(&l, "m", ""));
	assert_false(kv_has(&l, "m", "1"));
	assert_false(kv_has(&l, "x", "a"));
	assert_false(kv_has(&l, "y", ""));

	struct kvlist empty = { NULL, 0 };
	assert_int_equal(kv_count(&empty, "m"), 0);
	assert_false(kv_has(&empty, "m", "a"));
}

/* ---- req_parse_cookies ---- */

static void
test_cookies_basic(void **state)
{
	struct kvlist l;

	assert_int_equal(req_parse_cookies(*state, "a=b; c=d", &l), REQ_OK);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.items[0].key, "a");
	assert_string_equal(l.items[0].val, "b");
	assert_int_equal(l.items[0].val_len, 1);
	assert_string_equal(l.items[1].key, "c");
	assert_string_equal(l.items[1].val, "d");

	assert_int_equal(req_parse_cookies(*state, "a=b;c=d", &l), REQ_OK);
	assert_int_equal(l.n, 2);
	assert_string_equal(kv_get(&l, "c"), "d");

	assert_int_equal(req_parse_cookies(*state, "sid=", &l), REQ_OK);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.items[0].val, "");
}

static void
test_cookies_quoted(void **state)
{
	struct kvlist l;

	assert_int_equal(req_parse_cookies(*state, "a=\"xyz\"; b=1", &l), REQ_OK);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.items[0].val, "xyz");
	assert_int_equal(l.items[0].val_len, 3);
	assert_int_equal(req_parse_cookies(*state, "a=\"\"", &l), REQ_OK);
	assert_string_equal(l.items[0].val, "");
	/* a quote inside, or an unbalanced one, is not a cookie-octet */
	assert_int_equal(req_parse_cookies(*state, "a=\"x\"y\"", &l), REQ_ERR_ENCODING);
	assert_int_equal(req_parse_cookies(*state, "a=\"xyz", &l), REQ_ERR_ENCODING);
}

static void
test_cookies_spaces(void **state)
{
	struct kvlist l;

	assert_int_equal(req_parse_cookies(*state, "  a=b ;\tc=d  ;  ", &l), REQ_OK);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.items[0].key, "a");
	assert_string_equal(l.items[0].val, "b");
	assert_string_equal(l.items[1].key, "c");
	assert_string_equal(l.items[1].val, "d");
}

static void
test_cookies_empty(void **state)
{
	struct kvlist l;

	assert_int_equal(req_parse_cookies(*state, "", &l), REQ_OK);
	assert_int_equal(l.n, 0);
	assert_int_equal(req_parse_cookies(*state, "   ", &l), REQ_OK);
	assert_int_equal(l.n, 0);
}

static void
test_cookies_malformed(void **state)
{
	struct kvlist l;

	assert_int_equal(req_parse_cookies(*state, "=x", &l), REQ_ERR_ENCODING);
	assert_int_equal(req_parse_cookies(*state, "a", &l), REQ_ERR_ENCODING);
	assert_int_equal(req_parse_cookies(*state, "a=b; c", &l), REQ_ERR_ENCODING);
	assert_int_equal(req_parse_cookies(*state, "a=b c", &l), REQ_ERR_ENCODING);
	assert_int_equal(req_parse_cookies(*state, "a=b,c", &l), REQ_ERR_ENCODING);
	assert_int_equal(req_parse_cookies(*state, "a=b, c=d", &l), REQ_ERR_ENCODING);
	assert_int_equal(req_parse_cookies(*state, "a=b\\c", &l), REQ_ERR_ENCODING);
	assert_int_equal(req_parse_cookies(*state, "a\"=b", &l), REQ_ERR_ENCODING);
	assert_int_equal(req_parse_cookies(*state, "a b=c", &l), REQ_ERR_ENCODING);
	assert_int_equal(req_parse_cookies(*state, "a/b=c", &l), REQ_ERR_ENCODING);
	assert_int_equal(req_parse_cookies(*state, "a=\x01", &l), REQ_ERR_ENCODING);
	assert_int_equal(req_parse_cookies(*state, "a=\xC3\xA9", &l), REQ_ERR_ENCODING);
}

/* ---- req_content_type_is ---- */

static void
test_content_type(void **state)
{
	struct req r = { .arena = *state, .content_type = "application/x-www-form-urlencoded" };
	const char *form = "application/x-www-form-urlencoded";

	assert_true(req_content_type_is(&r, form));
	r.content_type = "Application/X-WWW-Form-URLEncoded";
	assert_true(req_content_type_is(&r, form));
	r.content_type = "application/x-www-form-urlencoded; charset=utf-8";
	assert_true(req_content_type_is(&r, form));
	r.content_type = "application/x-www-form-urlencoded;charset=UTF-8";
	assert_true(req_content_type_is(&r, form));
	r.content_type = "application/x-www-form-urlencodedX";
	assert_false(req_content_type_is(&r, form));
	r.content_type = "application/x-www-form";
	assert_false(req_content_type_is(&r, form));
	r.content_type = "multipart/form-data; boundary=x";
	assert_false(req_content_type_is(&r, form));
	r.content_type = "";
	assert_false(req_content_type_is(&r, form));
}

/* ---- req_body ---- */

static void
test_body_fits(void **state)
{
	struct req r = { .arena = *state, .content_length = -1, .content_type = "" };
	char *body;
	size_t len;

	r.body_fixed = "a=1&b=2";
	r.body_fixed_len = 7;
	assert_int_equal(req_body(&r, 100, &body, &len), REQ_OK);
	assert_int_equal(len, 7);
	assert_string_equal(body, "a=1&b=2");
	/* exactly max is fine */
	assert_int_equal(req_body(&r, 7, &body, &len), REQ_OK);
	assert_int_equal(len, 7);
	/* with the length declared too */
	r.content_length = 7;
	assert_int_equal(req_body(&r, 7, &body, &len), REQ_OK);
	assert_string_equal(body, "a=1&b=2");
	/* no body at all */
	r.body_fixed = NULL;
	r.body_fixed_len = 0;
	r.content_length = -1;
	assert_int_equal(req_body(&r, 100, &body, &len), REQ_OK);
	assert_int_equal(len, 0);
	assert_string_equal(body, "");
}

static void
test_body_too_large(void **state)
{
	struct req r = { .arena = *state, .content_length = -1, .content_type = "" };
	char *body;
	size_t len;

	r.body_fixed = "0123456789X";
	r.body_fixed_len = 11;
	assert_int_equal(req_body(&r, 10, &body, &len), REQ_ERR_TOO_LARGE);
	/* the declared length alone is enough to refuse */
	r.body_fixed = "a=1";
	r.body_fixed_len = 3;
	r.content_length = 11;
	assert_int_equal(req_body(&r, 10, &body, &len), REQ_ERR_TOO_LARGE);
	r.content_length = FORM_BODY_MAX + 1;
	assert_int_equal(req_body(&r, FORM_BODY_MAX, &body, &len), REQ_ERR_TOO_LARGE);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_url_decode_plain),
		cmocka_unit_test(test_url_decode_hex),
		cmocka_unit_test(test_url_decode_plus),
		cmocka_unit_test(test_url_decode_malformed),
		cmocka_unit_test(test_url_decode_nul),
		cmocka_unit_test(test_url_decode_length),
		cmocka_unit_test(test_urlencoded_pairs),
		cmocka_unit_test(test_urlencoded_empty_pairs),
		cmocka_unit_test(test_urlencoded_key_only),
		cmocka_unit_test(test_urlencoded_value_without_name),
		cmocka_unit_test(test_urlencoded_spaces),
		cmocka_unit_test(test_urlencoded_vietnamese),
		cmocka_unit_test(test_urlencoded_nfc),
		cmocka_unit_test(test_urlencoded_bad_utf8),
		cmocka_unit_test(test_urlencoded_controls),
		cmocka_unit_test(test_urlencoded_malformed_escape),
		cmocka_unit_test(test_urlencoded_too_many),
		cmocka_unit_test(test_urlencoded_hostile_verbatim),
		cmocka_unit_test(test_kv_get),
		cmocka_unit_test(test_kv_multi),
		cmocka_unit_test(test_cookies_basic),
		cmocka_unit_test(test_cookies_quoted),
		cmocka_unit_test(test_cookies_spaces),
		cmocka_unit_test(test_cookies_empty),
		cmocka_unit_test(test_cookies_malformed),
		cmocka_unit_test(test_content_type),
		cmocka_unit_test(test_body_fits),
		cmocka_unit_test(test_body_too_large),
	};

	return cmocka_run_group_tests(tests, arena_setup, arena_teardown);
}
