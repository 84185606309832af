/* test_multipart.c: unit tests for multipart.c: structure, boundaries, limits, filenames, text checks. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "app.h"
#include "arena.h"
#include "multipart.h"

#define CT "multipart/form-data; boundary=XyZ"
#define COPIES_MAX 64

/* Each body is parsed from an exact-size malloc copy, so that a read past
 * its end is caught by AddressSanitizer; the copies live until teardown
 * because file data points into them. */
struct state {
	struct arena *a;
	char *copies[COPIES_MAX];
	size_t ncopies;
};

static const struct mp_limits limits = {
	.max_parts = 16,
	.max_header_bytes = 1024,
	.max_field_bytes = 1000,
	.max_file_bytes = 10000,
	.max_files = 2,
};

static int
setup(void **state)
{
	struct state *s = calloc(1, sizeof(*s));
	if (s == NULL || (s->a = arena_new()) == NULL)
		return -1;
	*state = s;
	return 0;
}

static int
teardown(void **state)
{
	struct state *s = *state;
	for (size_t i = 0; i < s->ncopies; i++)
		free(s->copies[i]);
	arena_free(s->a);
	free(s);
	return 0;
}

/* Parses body[0..len) with limits lim. */
static int
parse_lim(void **state, const char *ct, const char *body, size_t len, const struct mp_limits *lim,
    struct mp_form *f)
{
	struct state *s = *state;
	char *copy = malloc(len ? len : 1);
	assert_non_null(copy);
	assert_true(s->ncopies < COPIES_MAX);
	s->copies[s->ncopies++] = copy;
	memcpy(copy, body, len);
	return multipart_parse(s->a, ct, copy, len, lim, f);
}

/* Parses a string literal (which may hold NULs) with the default limits. */
#define PARSE(ct, lit, f) parse_lim(state, (ct), (lit), sizeof(lit) - 1, &limits, (f))

#define FIELD(name, value) \
	"Content-Disposition: form-data; name=\"" name "\"\r\n\r\n" value "\r\n--XyZ"
#define FILEPART(name, data) \
	"Content-Disposition: form-data; name=\"" name "\"; filename=\"" name ".jpg\"\r\n\r\n" data "\r\n--XyZ"

static void
test_two_fields(void **state)
{
	struct mp_form f;
	assert_int_equal(PARSE(CT, "--XyZ\r\n" FIELD("a", "1") "\r\n" FIELD("b", "hai") "--\r\n", &f), MP_OK);
	assert_int_equal(f.n, 2);
	assert_string_equal(f.parts[0].name, "a");
	assert_null(f.parts[0].filename);
	assert_null(f.parts[0].content_type);
	assert_string_equal(f.parts[0].data, "1");
	assert_int_equal(f.parts[0].len, 1);
	assert_string_equal(f.parts[1].name, "b");
	assert_string_equal(f.parts[1].data, "hai");
}

static void
test_file_part(void **state)
{
	struct mp_form f;
	assert_int_equal(PARSE(CT,
	    "--XyZ\r\n"
	    "Content-Disposition: form-data; name=\"photo\"; filename=\"IMG_0001.jpg\"\r\n"
	    "Content-Type: image/jpeg\r\n"
	    "\r\n"
	    "\xFF\xD8\xFF\xE0 not really a jpeg\r\n"
	    "--XyZ--", &f), MP_OK);
	assert_int_equal(f.n, 1);
	assert_string_equal(f.parts[0].name, "photo");
	assert_string_equal(f.parts[0].filename, "IMG_0001.jpg");
	assert_string_equal(f.parts[0].content_type, "image/jpeg");
	assert_int_equal(f.parts[0].len, 22);
	assert_memory_equal(f.parts[0].data, "\xFF\xD8\xFF\xE0 not really a jpeg", 22);
}

static void
test_empty_values(void **state)
{
	struct mp_form f;
	/* an empty text field and an unfilled file input, as browsers send them */
	assert_int_equal(PARSE(CT,
	    "--XyZ\r\n" FIELD("note", "") "\r\n"
	    "Content-Disposition: form-data; name=\"photo\"; filename=\"\"\r\n"
	    "Content-Type: application/octet-stream\r\n\r\n"
	    "\r\n--XyZ--\r\n", &f), MP_OK);
	assert_int_equal(f.n, 2);
	assert_string_equal(f.parts[0].data, "");
	assert_int_equal(f.parts[0].len, 0);
	assert_string_equal(f.parts[1].filename, "");
	assert_int_equal(f.parts[1].len, 0);
}

static void
test_crlf_value(void **state)
{
	struct mp_form f;
	assert_int_equal(PARSE(CT, "--XyZ\r\n" FIELD("story", "line one\r\nline two\r\n\r\nsee --XyZ\r\n") "--",
	    &f), MP_OK);
	assert_int_equal(f.n, 1);
	/* stored as LF, as urlencoded values are: maxlength counts a line break once */
	assert_string_equal(f.parts[0].data, "line one\nline two\n\nsee --XyZ\n");
	assert_int_equal(f.parts[0].len, 29);
	assert_int_equal(PARSE(CT, "--XyZ\r\n" FIELD("story", "a\rb\n\rc\r") "--", &f), MP_OK);
	assert_string_equal(f.parts[0].data, "a\nb\n\nc\n");
	/* a file's bytes stay as sent */
	assert_int_equal(PARSE(CT, "--XyZ\r\n" FILEPART("f", "a\r\nb") "--", &f), MP_OK);
	assert_memory_equal(f.parts[0].data, "a\r\nb", 4);
}

static void
test_binary_with_boundary(void **state)
{
	static const char data[] = "\x00\x01--XyZ\x00--XyZ--\r--XyZ\n--XyZ\xFF\r\n-XyZ";
	struct mp_form f;
	assert_int_equal(PARSE(CT,
	    "--XyZ\r\n"
	    "Content-Disposition: form-data; name=\"f\"; filename=\"b.bin\"\r\n\r\n"
	    "\x00\x01--XyZ\x00--XyZ--\r--XyZ\n--XyZ\xFF\r\n-XyZ"
	    "\r\n--XyZ--", &f), MP_OK);
	assert_int_equal(f.n, 1);
	assert_int_equal(f.parts[0].len, sizeof(data) - 1);
	assert_memory_equal(f.parts[0].data, data, sizeof(data) - 1);
}

static void
test_boundary_after_crlf_in_data(void **state)
{
	struct mp_form f;
	/* after CRLF the boundary is a delimiter, and then it must be one */
	assert_int_equal(PARSE(CT, "--XyZ\r\n" FIELD("a", "x\r\n--XyZW\r\n") "--", &f), MP_ERR_MALFORMED);
	assert_int_equal(PARSE(CT, "--XyZ\r\n" FIELD("a", "x") " \r\n" FIELD("b", "y") "--", &f), MP_ERR_MALFORMED);
}

static void
test_quoted_boundary(void **state)
{
	struct mp_form f;
	assert_int_equal(PARSE("multipart/form-data; boundary=\"a b:c=?\"",
	    "--a b:c=?\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\n1\r\n--a b:c=?--", &f), MP_OK);
	assert_int_equal(f.n, 1);
	assert_string_equal(f.parts[0].data, "1");
	/* case-insensitive media type and parameter name, other parameters ignored */
	assert_int_equal(PARSE("Multipart/Form-Data; charset=utf-8; BOUNDARY=XyZ",
	    "--XyZ\r\n" FIELD("a", "1") "--", &f), MP_OK);
	assert_int_equal(PARSE("multipart/form-data;boundary=XyZ;", "--XyZ\r\n" FIELD("a", "1") "--", &f), MP_OK);
}

static void
test_missing_boundary(void **state)
{
	struct mp_form f;
	static const char body[] = "--XyZ\r\n" FIELD("a", "1") "--";
	assert_int_equal(PARSE("multipart/form-data", body, &f), MP_ERR_NO_BOUNDARY);
	assert_int_equal(PARSE("multipart/form-data; charset=utf-8", body, &f), MP_ERR_NO_BOUNDARY);
	assert_int_equal(PARSE("multipart/form-data; boundaryX=XyZ", body, &f), MP_ERR_NO_BOUNDARY);
	assert_int_equal(PARSE("application/x-www-form-urlencoded", body, &f), MP_ERR_CONTENT_TYPE);
	assert_int_equal(PARSE("multipart/mixed; boundary=XyZ", body, &f), MP_ERR_CONTENT_TYPE);
	assert_int_equal(PARSE("", body, &f), MP_ERR_CONTENT_TYPE);
	assert_int_equal(PARSE("multipart/form-data; boundary=\"XyZ", body, &f), MP_ERR_CONTENT_TYPE);
	assert_int_equal(PARSE("multipart/form-data; boundary=\"XyZ\"x", body, &f), MP_ERR_CONTENT_TYPE);
	assert_int_equal(PARSE("multipart/form-data boundary=XyZ", body, &f), MP_ERR_CONTENT_TYPE);
	assert_int_equal(multipart_parse(((struct state *)*state)->a, NULL, body, sizeof(body) - 1, &limits, &f),
	    MP_ERR_CONTENT_TYPE);
}

static void
test_bad_boundary(void **state)
{
	struct mp_form f;
	static const char b70[] = "0123456789012345678901234567890123456789012345678901234567890123456789";
	char ct[200], body[300];

	assert_int_equal(sizeof(b70) - 1, 70);
	snprintf(ct, sizeof(ct), "multipart/form-data; boundary=%s", b70);
	int n = snprintf(body, sizeof(body), "--%s\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--%s--", b70, b70);
	assert_int_equal(parse_lim(state, ct, body, (size_t)n, &limits, &f), MP_OK);
	assert_string_equal(f.parts[0].data, "1");
	snprintf(ct, sizeof(ct), "multipart/form-data; boundary=%sA", b70);
	assert_int_equal(parse_lim(state, ct, body, (size_t)n, &limits, &f), MP_ERR_BAD_BOUNDARY);

	static const char body2[] = "--XyZ\r\n" FIELD("a", "1") "--";
	assert_int_equal(PARSE("multipart/form-data; boundary=", body2, &f), MP_ERR_BAD_BOUNDARY);
	assert_int_equal(PARSE("multipart/form-data; boundary=\"\"", body2, &f), MP_ERR_BAD_BOUNDARY);
	assert_int_equal(PARSE("multipart/form-data; boundary=\"XyZ \"", body2, &f), MP_ERR_BAD_BOUNDARY);
	assert_int_equal(PARSE("multipart/form-data; boundary=Xy{Z", body2, &f), MP_ERR_BAD_BOUNDARY);
	assert_int_equal(PARSE("multipart/form-data; boundary=\"Xy\\\"Z\"", body2, &f), MP_ERR_BAD_BOUNDARY);
	assert_int_equal(PARSE("multipart/form-data; boundary=\"X\xC3\xA9\"", body2, &f), MP_ERR_BAD_BOUNDARY);
	assert_int_equal(PARSE("multipart/form-data; boundary=XyZ; boundary=XyZ", body2, &f), MP_ERR_BAD_BOUNDARY);
}

static void
test_empty_body(void **state)
{
	struct mp_form f;
	assert_int_equal(PARSE(CT, "", &f), MP_ERR_MALFORMED);
	assert_int_equal(f.n, 0);
	assert_null(f.parts);
	assert_int_equal(multipart_parse(((struct state *)*state)->a, CT, NULL, 0, &limits, &f), MP_ERR_MALFORMED);
	/* a close delimiter and no part */
	assert_int_equal(PARSE(CT, "--XyZ--\r\n", &f), MP_ERR_MALFORMED);
}

static void
test_preamble(void **state)
{
	struct mp_form f;
	assert_int_equal(PARSE(CT, "This is a preamble.\r\n", &f), MP_ERR_MALFORMED);
	assert_int_equal(PARSE(CT, "preamble --XyZ\r\n" FIELD("a", "1") "--", &f), MP_ERR_MALFORMED);
	/* a preamble is skipped, an epilogue ignored */
	assert_int_equal(PARSE(CT, "preamble\r\n--XyZ\r\n" FIELD("a", "1") "--\r\nepilogue\r\n--XyZ\r\n", &f), MP_OK);
	assert_int_equal(f.n, 1);
	assert_string_equal(f.parts[0].data, "1");
}

static void
test_truncated(void **state)
{
	struct mp_form f;
	static const char whole[] = "--XyZ\r\n" FIELD("a", "1") "\r\n"
	    "Content-Disposition: form-data; name=\"p\"; filename=\"x.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n"
	    "data\r\n--XyZ--";
	struct arena *a = ((struct state *)*state)->a;
	assert_int_equal(PARSE(CT, whole, &f), MP_OK);
	/* every strict prefix fails, and none is read past its end */
	for (size_t n = 0; n < sizeof(whole) - 1; n++) {
		char *copy = malloc(n ? n : 1);
		assert_non_null(copy);
		memcpy(copy, whole, n);
		assert_int_equal(multipart_parse(a, CT, copy, n, &limits, &f), MP_ERR_MALFORMED);
		free(copy);
	}
}

static void
test_no_disposition(void **state)
{
	struct mp_form f;
	assert_int_equal(PARSE(CT, "--XyZ\r\nContent-Type: text/plain\r\n\r\n1\r\n--XyZ--", &f), MP_ERR_MALFORMED);
	assert_int_equal(PARSE(CT, "--XyZ\r\n\r\n1\r\n--XyZ--", &f), MP_ERR_MALFORMED);
	assert_int_equal(PARSE(CT, "--XyZ\r\nContent-Disposition: attachment; name=\"a\"\r\n\r\n1\r\n--XyZ--", &f),
	    MP_ERR_MALFORMED);
	assert_int_equal(PARSE(CT, "--XyZ\r\nContent-Disposition: form-data; name=a\r\n"
	    "Content-Disposition: form-data; name=b\r\n\r\n1\r\n--XyZ--", &f), MP_ERR_MALFORMED);
}

static void
test_no_name(void **state)
{
	struct mp_form f;
	assert_int_equal(PARSE(CT, "--XyZ\r\nContent-Disposition: form-data\r\n\r\n1\r\n--XyZ--", &f), MP_ERR_MALFORMED);
	assert_int_equal(PARSE(CT, "--XyZ\r\nContent-Disposition: form-data; filename=\"a.jpg\"\r\n\r\n1\r\n--XyZ--",
	    &f), MP_ERR_MALFORMED);
	assert_int_equal(PARSE(CT, "--XyZ\r\nContent-Disposition: form-data; name=\"\"\r\n\r\n1\r\n--XyZ--", &f),
	    MP_ERR_MALFORMED);
	assert_int_equal(PARSE(CT, "--XyZ\r\nContent-Disposition: form-data; name=\"a\"; name=\"b\"\r\n\r\n1\r\n--XyZ--",
	    &f), MP_ERR_MALFORMED);
	assert_int_equal(PARSE(CT, "--XyZ\r\nContent-Disposition: form-data; name=\"a\r\n\r\n1\r\n--XyZ--", &f),
	    MP_ERR_MALFORMED);
}

static void
test_header_syntax(void **state)
{
	struct mp_form f;
	/* header names in any case, parameters with odd spacing, unknown headers ignored */
	assert_int_equal(PARSE(CT, "--XyZ\r\ncontent-disposition:form-data;name=\"a\\\"b\\\\c\"  ;  x=y\r\n"
	    "X-Whatever: 1\r\nCONTENT-TYPE:  text/plain  \r\n\r\n1\r\n--XyZ--", &f), MP_OK);
	assert_string_equal(f.parts[0].name, "a\"b\\c");
	assert_string_equal(f.parts[0].content_type, "text/plain");
	/* bare LF, bare CR, folding, no colon, a space in the header name */
	assert_int_equal(PARSE(CT, "--XyZ\nContent-Disposition: form-data; name=a\n\n1\n--XyZ--", &f), MP_ERR_MALFORMED);
	assert_int_equal(PARSE(CT, "--XyZ\r\nContent-Disposition: form-data; name=a\n\r\n1\r\n--XyZ--", &f),
	    MP_ERR_MALFORMED);
	assert_int_equal(PARSE(CT, "--XyZ\r\nContent-Disposition: form-data;\r name=a\r\n\r\n1\r\n--XyZ--", &f),
	    MP_ERR_MALFORMED);
	assert_int_equal(PARSE(CT, "--XyZ\r\nContent-Disposition: form-data;\r\n name=a\r\n\r\n1\r\n--XyZ--", &f),
	    MP_ERR_MALFORMED);
	assert_int_equal(PARSE(CT, "--XyZ\r\nContent-Disposition form-data; name=a\r\n\r\n1\r\n--XyZ--", &f),
	    MP_ERR_MALFORMED);
	assert_int_equal(PARSE(CT, "--XyZ\r\nContent Disposition: form-data; name=a\r\n\r\n1\r\n--XyZ--", &f),
	    MP_ERR_MALFORMED);
	/* delimiter not followed by CRLF */
	assert_int_equal(PARSE(CT, "--XyZ \r\n" FIELD("a", "1") "--", &f), MP_ERR_MALFORMED);
	/* filename* is refused rather than guessed at */
	assert_int_equal(PARSE(CT, "--XyZ\r\nContent-Disposition: form-data; name=p; filename*=UTF-8''a.jpg\r\n\r\n"
	    "1\r\n--XyZ--", &f), MP_ERR_MALFORMED);
	/* a Content-Type with controls or 8-bit bytes, or twice */
	assert_int_equal(PARSE(CT, "--XyZ\r\nContent-Disposition: form-data; name=a\r\nContent-Type: text/\x01\r\n\r\n"
	    "1\r\n--XyZ--", &f), MP_ERR_MALFORMED);
	assert_int_equal(PARSE(CT, "--XyZ\r\nContent-Disposition: form-data; name=a\r\nContent-Type: t\xC3\xA9\r\n\r\n"
	    "1\r\n--XyZ--", &f), MP_ERR_MALFORMED);
	assert_int_equal(PARSE(CT, "--XyZ\r\nContent-Disposition: form-data; name=a\r\nContent-Type: a/b\r\n"
	    "Content-Type: a/b\r\n\r\n1\r\n--XyZ--", &f), MP_ERR_MALFORMED);
}

static void
test_huge_header(void **state)
{
	struct mp_form f;
	struct mp_limits lim = limits;
	static const char head[] = "--XyZ\r\nContent-Disposition: form-data; name=a\r\nX-Pad: ";
	static const char tail[] = "\r\n\r\n1\r\n--XyZ--";
	char body[5000];
	size_t n = 0;

	memcpy(body, head, sizeof(head) - 1);
	n = sizeof(head) - 1;
	memset(body + n, 'x', 4000);
	n += 4000;
	memcpy(body + n, tail, sizeof(tail) - 1);
	n += sizeof(tail) - 1;
	assert_int_equal(parse_lim(state, CT, body, n, &lim, &f), MP_ERR_HEADER_TOO_LARGE);
	/* the block: from after "--XyZ\r\n" to the end of the blank line; exactly at the limit passes */
	size_t block = sizeof(head) - 1 - 7 + 4000 + 4;
	lim.max_header_bytes = block;
	assert_int_equal(parse_lim(state, CT, body, n, &lim, &f), MP_OK);
	lim.max_header_bytes = block - 1;
	assert_int_equal(parse_lim(state, CT, body, n, &lim, &f), MP_ERR_HEADER_TOO_LARGE);
	/* an endless header line in a body cut short is still "too large" once past the limit */
	assert_int_equal(parse_lim(state, CT, body, sizeof(head) - 1 + 4000, &limits, &f), MP_ERR_HEADER_TOO_LARGE);
}

static void
test_too_many_parts(void **state)
{
	struct mp_form f;
	struct mp_limits lim = limits;
	static const char body[] = "--XyZ\r\n" FIELD("a", "1") "\r\n" FIELD("b", "2") "\r\n" FIELD("c", "3") "--";
	lim.max_parts = 3;
	assert_int_equal(parse_lim(state, CT, body, sizeof(body) - 1, &lim, &f), MP_OK);
	assert_int_equal(f.n, 3);
	lim.max_parts = 2;
	assert_int_equal(parse_lim(state, CT, body, sizeof(body) - 1, &lim, &f), MP_ERR_TOO_MANY_PARTS);
	assert_int_equal(f.n, 0);

	/* more parts than the first array holds */
	char big[4000];
	size_t n = 0;
	n += (size_t)snprintf(big + n, sizeof(big) - n, "--XyZ");
	for (int i = 0; i < 16; i++)
		n += (size_t)snprintf(big + n, sizeof(big) - n,
		    "\r\nContent-Disposition: form-data; name=\"f%d\"\r\n\r\nv%d\r\n--XyZ", i, i);
	n += (size_t)snprintf(big + n, sizeof(big) - n, "--");
	assert_int_equal(parse_lim(state, CT, big, n, &limits, &f), MP_OK);
	assert_int_equal(f.n, 16);
	assert_string_equal(f.parts[15].name, "f15");
	assert_string_equal(f.parts[15].data, "v15");
	assert_string_equal(f.parts[7].data, "v7");
	lim.max_parts = 15;
	assert_int_equal(parse_lim(state, CT, big, n, &lim, &f), MP_ERR_TOO_MANY_PARTS);
}

static void
test_field_too_large(void **state)
{
	struct mp_form f;
	struct mp_limits lim = limits;
	static const char body[] = "--XyZ\r\n" FIELD("a", "12345") "--";
	lim.max_field_bytes = 5;
	assert_int_equal(parse_lim(state, CT, body, sizeof(body) - 1, &lim, &f), MP_OK);
	lim.max_field_bytes = 4;
	assert_int_equal(parse_lim(state, CT, body, sizeof(body) - 1, &lim, &f), MP_ERR_FIELD_TOO_LARGE);
	/* the field limit does not apply to files */
	static const char file[] = "--XyZ\r\nContent-Disposition: form-data; name=p; filename=a\r\n\r\n12345\r\n--XyZ--";
	assert_int_equal(parse_lim(state, CT, file, sizeof(file) - 1, &lim, &f), MP_OK);
}

static void
test_file_too_large(void **state)
{
	struct mp_form f;
	struct mp_limits lim = limits;
	static const char body[] = "--XyZ\r\nContent-Disposition: form-data; name=p; filename=a\r\n\r\n123456\r\n--XyZ--";
	lim.max_file_bytes = 6;
	assert_int_equal(parse_lim(state, CT, body, sizeof(body) - 1, &lim, &f), MP_OK);
	assert_int_equal(f.parts[0].len, 6);
	lim.max_file_bytes = 5;
	assert_int_equal(parse_lim(state, CT, body, sizeof(body) - 1, &lim, &f), MP_ERR_FILE_TOO_LARGE);
}

static void
test_too_many_files(void **state)
{
	struct mp_form f;
	assert_int_equal(PARSE(CT, "--XyZ\r\n" FILEPART("a", "1") "\r\n" FILEPART("b", "2") "--", &f), MP_OK);
	assert_int_equal(PARSE(CT, "--XyZ\r\n" FILEPART("a", "1") "\r\n" FILEPART("b", "2") "\r\n" FILEPART("c", "3")
	    "--", &f), MP_ERR_TOO_MANY_FILES);
	/* unfilled file inputs (no data) do not count */
	assert_int_equal(PARSE(CT, "--XyZ\r\n" FILEPART("a", "1") "\r\n" FILEPART("b", "") "\r\n" FILEPART("c", "3")
	    "\r\n" FILEPART("d", "") "--", &f), MP_OK);
	assert_int_equal(f.n, 4);
}

#define NAMED(fn) \
	"--XyZ\r\nContent-Disposition: form-data; name=p; filename=\"" fn "\"\r\n\r\nx\r\n--XyZ--"

static void
test_filename_traversal(void **state)
{
	struct mp_form f;
	assert_int_equal(PARSE(CT, NAMED("../../etc/passwd"), &f), MP_OK);
	assert_string_equal(f.parts[0].filename, "passwd");
	/* as old browsers send a Windows path: backslashes not escaped */
	assert_int_equal(PARSE(CT, NAMED("C:\\x\\y.jpg"), &f), MP_OK);
	assert_string_equal(f.parts[0].filename, "y.jpg");
	/* and with the backslashes escaped as a quoted-string allows */
	assert_int_equal(PARSE(CT, NAMED("C:\\\\x\\\\y.jpg"), &f), MP_OK);
	assert_string_equal(f.parts[0].filename, "y.jpg");
	assert_int_equal(PARSE(CT, NAMED(".."), &f), MP_OK);
	assert_string_equal(f.parts[0].filename, "");
	assert_int_equal(PARSE(CT, NAMED("a/.."), &f), MP_OK);
	assert_string_equal(f.parts[0].filename, "");
	assert_int_equal(PARSE(CT, NAMED("dir/"), &f), MP_OK);
	assert_string_equal(f.parts[0].filename, "");
	assert_int_equal(PARSE(CT, NAMED("..\\.. .hidden.jpg"), &f), MP_OK);
	assert_string_equal(f.parts[0].filename, "hidden.jpg");
	assert_int_equal(PARSE(CT, "--XyZ\r\nContent-Disposition: form-data; name=p; filename=../a.jpg\r\n\r\nx\r\n--XyZ--",
	    &f), MP_OK);
	assert_string_equal(f.parts[0].filename, "a.jpg");
}

/* Control characters in a filename are dropped, not refused: the name is
 * only shown to officers, and an odd one must not cost a worker the report. */
static void
test_filename_controls(void **state)
{
	struct mp_form f;
	assert_int_equal(PARSE(CT, NAMED("a\x00" "b\x01\x1F\x7F" "c\t.jpg"), &f), MP_OK);
	assert_string_equal(f.parts[0].filename, "abc.jpg");
	assert_false(f.parts[0].filename_not_utf8);
	assert_int_equal(PARSE(CT, NAMED("x.jpg\x00/../../etc/passwd"), &f), MP_OK);
	assert_string_equal(f.parts[0].filename, "passwd");
	/* bytes that are not UTF-8 go, C1 controls and bidi overrides too */
	assert_int_equal(PARSE(CT, NAMED("\xFF\xC3(\xC2\x85" "a\xE2\x80\xAEgpj.exe"), &f), MP_OK);
	assert_string_equal(f.parts[0].filename, "(agpj.exe");
	assert_true(f.parts[0].filename_not_utf8);   /* said, for callers that would rather ask for a better name */
	/* Vietnamese survives, NFC */
	assert_int_equal(PARSE(CT, NAMED("a\xCC\x81nh ca\xCC\x80 phe\xCC\x82.jpg"), &f), MP_OK);
	assert_string_equal(f.parts[0].filename, "\xC3\xA1nh c\xC3\xA0 ph\xC3\xAA.jpg");
	assert_false(f.parts[0].filename_not_utf8);
}

static void
test_filename_length(void **state)
{
	struct mp_form f;
	char body[1200], fn[1000];
	/* 300 × "ệ" (3 bytes): cut to 198 bytes, a whole number of characters */
	for (int i = 0; i < 300; i++)
		memcpy(fn + 3 * i, "\xE1\xBB\x87", 3);
	fn[700] = '\0';    /* 233 characters and a third: the broken one is dropped */
	int n = snprintf(body, sizeof(body),
	    "--XyZ\r\nContent-Disposition: form-data; name=p; filename=\"%s\"\r\n\r\nx\r\n--XyZ--", fn);
	assert_int_equal(parse_lim(state, CT, body, (size_t)n, &limits, &f), MP_OK);
	assert_int_equal(strlen(f.parts[0].filename), 198);
	assert_memory_equal(f.parts[0].filename, fn, 198);

	memset(fn, 'a', 250);
	fn[250] = '\0';
	n = snprintf(body, sizeof(body),
	    "--XyZ\r\nContent-Disposition: form-data; name=p; filename=\"%s\"\r\n\r\nx\r\n--XyZ--", fn);
	assert_int_equal(parse_lim(state, CT, body, (size_t)n, &limits, &f), MP_OK);
	assert_int_equal(strlen(f.parts[0].filename), 200);
}

static void
test_nested_refused(void **state)
{
	struct mp_form f;
	assert_int_equal(PARSE(CT,
	    "--XyZ\r\n"
	    "Content-Disposition: form-data; name=\"files\"\r\n"
	    "Content-Type: multipart/mixed; boundary=inner\r\n\r\n"
	    "--inner\r\nContent-Disposition: file; filename=\"a.jpg\"\r\n\r\nx\r\n--inner--\r\n"
	    "--XyZ--", &f), MP_ERR_MALFORMED);
	assert_int_equal(PARSE(CT,
	    "--XyZ\r\nContent-Disposition: form-data; name=f; filename=a\r\nContent-Type: MULTIPART/alternative\r\n\r\n"
	    "x\r\n--XyZ--", &f), MP_ERR_MALFORMED);
}

static void
test_bad_utf8(void **state)
{
	struct mp_form f;
	assert_int_equal(PARSE(CT, "--XyZ\r\n" FIELD("a", "ok\xC3") "--", &f), MP_ERR_UTF8);
	assert_int_equal(PARSE(CT, "--XyZ\r\n" FIELD("a", "\xC0\xAF") "--", &f), MP_ERR_UTF8);
	assert_int_equal(PARSE(CT, "--XyZ\r\n" FIELD("a", "\xED\xA0\x80") "--", &f), MP_ERR_UTF8);
	assert_int_equal(PARSE(CT, "--XyZ\r\n" FIELD("\xFF", "1") "--", &f), MP_ERR_UTF8);
	/* controls other than tab, CR, LF */
	assert_int_equal(PARSE(CT, "--XyZ\r\n" FIELD("a", "x\x00y") "--", &f), MP_ERR_CONTROL);
	assert_int_equal(PARSE(CT, "--XyZ\r\n" FIELD("a", "\x1B[31m") "--", &f), MP_ERR_CONTROL);
	assert_int_equal(PARSE(CT, "--XyZ\r\n" FIELD("a\x01", "1") "--", &f), MP_ERR_CONTROL);
	assert_int_equal(PARSE(CT, "--XyZ\r\n" FIELD("a", "tab\there") "--", &f), MP_OK);
	/* a file's bytes are not text */
	assert_int_equal(PARSE(CT, "--XyZ\r\n" FILEPART("a", "\xFF\x00\xC3") "--", &f), MP_OK);
	assert_int_equal(f.parts[0].len, 3);
}

static void
test_nfc(void **state)
{
	struct mp_form f;
	/* "Tiếng Việt" decomposed (e + U+0302 + U+0301, e + U+0323 + U+0302) */
	assert_int_equal(PARSE(CT, "--XyZ\r\n" FIELD("ghi_chu\xCC\x81", "Tie\xCC\x82\xCC\x81ng Vie\xCC\xA3\xCC\x82t") "--",
	    &f), MP_OK);
	assert_string_equal(f.parts[0].name, "ghi_ch\xC3\xBA");
	assert_string_equal(f.parts[0].data, "Ti\xE1\xBA\xBFng Vi\xE1\xBB\x87t");
	assert_int_equal(f.parts[0].len, strlen("Ti\xE1\xBA\xBFng Vi\xE1\xBB\x87t"));
}

static void
test_get_and_fields(void **state)
{
	struct mp_form f;
	struct kvlist kv;
	assert_int_equal(PARSE(CT, "--XyZ\r\n" FIELD("a", "1") "\r\n" FILEPART("p", "JPEG") "\r\n" FIELD("a", "2") "\r\n"
	    FIELD("b", "3") "--", &f), MP_OK);
	assert_int_equal(f.n, 4);
	assert_ptr_equal(multipart_get(&f, "a"), &f.parts[0]);
	assert_ptr_equal(multipart_get(&f, "p"), &f.parts[1]);
	assert_null(multipart_get(&f, "c"));
	assert_int_equal(multipart_fields(((struct state *)*state)->a, &f, &kv), MP_OK);
	assert_int_equal(kv.n, 3);
	assert_string_equal(kv.items[0].key, "a");
	assert_string_equal(kv.items[0].val, "1");
	assert_string_equal(kv.items[1].key, "a");
	assert_string_equal(kv.items[1].val, "2");
	assert_string_equal(kv.items[2].key, "b");
	assert_int_equal(kv.items[2].val_len, 1);

	struct mp_form empty = { NULL, 0 };
	assert_null(multipart_get(&empty, "a"));
	assert_int_equal(multipart_fields(((struct state *)*state)->a, &empty, &kv), MP_OK);
	assert_int_equal(kv.n, 0);
}

static void
test_strerror(void **state)
{
	(void)state;
	for (int i = 0; i < MP_ERR__MAX; i++) {
		assert_non_null(multipart_strerror(i));
		for (int j = 0; j < i; j++)
			assert_string_not_equal(multipart_strerror(i), multipart_strerror(j));
	}
	assert_string_equal(multipart_strerror(MP_ERR__MAX), "unknown multipart error");
	assert_string_equal(multipart_strerror(-1), "unknown multipart error");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_two_fields, setup, teardown),
		cmocka_unit_test_setup_teardown(test_file_part, setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty_values, setup, teardown),
		cmocka_unit_test_setup_teardown(test_crlf_value, setup, teardown),
		cmocka_unit_test_setup_teardown(test_binary_with_boundary, setup, teardown),
		cmocka_unit_test_setup_teardown(test_boundary_after_crlf_in_data, setup, teardown),
		cmocka_unit_test_setup_teardown(test_quoted_boundary, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_boundary, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_boundary, setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty_body, setup, teardown),
		cmocka_unit_test_setup_teardown(test_preamble, setup, teardown),
		cmocka_unit_test_setup_teardown(test_truncated, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_disposition, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_name, setup, teardown),
		cmocka_unit_test_setup_teardown(test_header_syntax, setup, teardown),
		cmocka_unit_test_setup_teardown(test_huge_header, setup, teardown),
		cmocka_unit_test_setup_teardown(test_too_many_parts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_field_too_large, setup, teardown),
		cmocka_unit_test_setup_teardown(test_file_too_large, setup, teardown),
		cmocka_unit_test_setup_teardown(test_too_many_files, setup, teardown),
		cmocka_unit_test_setup_teardown(test_filename_traversal, setup, teardown),
		cmocka_unit_test_setup_teardown(test_filename_controls, setup, teardown),
		cmocka_unit_test_setup_teardown(test_filename_length, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nested_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_utf8, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nfc, setup, teardown),
		cmocka_unit_test_setup_teardown(test_get_and_fields, setup, teardown),
		cmocka_unit_test_setup_teardown(test_strerror, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
