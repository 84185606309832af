/* test_document.c: unit tests for document.c (PDFs by structure, images stripped, stored names) and the download headers of http.c. */
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
#include "buf.h"
#include "document.h"
#include "http.h"

/* A minimal PDF with an object, an xref table and the trailer. */
static const char pdf_ok[] =
    "%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    "2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
    "xref\n0 3\n0000000000 65535 f \n0000000009 00000 n \n0000000058 00000 n \n"
    "trailer\n<< /Size 3 /Root 1 0 R >>\nstartxref\n110\n%%EOF\n";

static int
setup(void **state)
{
	*state = arena_new();
	return *state ? 0 : -1;
}

static int
teardown(void **state)
{
	arena_free(*state);
	return 0;
}

static void
test_pdf_plausible(void **state)
{
	(void)state;
	const unsigned char *p = (const unsigned char *)pdf_ok;
	size_t n = strlen(pdf_ok);
	assert_true(document_pdf_plausible(p, n));
	assert_false(document_pdf_plausible(p, n / 2));                         /* truncated: no %%EOF */
	assert_false(document_pdf_plausible((const unsigned char *)"%PDF-", 5));
	char buf[sizeof(pdf_ok) + 64];
	snprintf(buf, sizeof(buf), "%s", pdf_ok);
	buf[5] = 'x';                                                           /* "%PDF-x.4" */
	assert_false(document_pdf_plausible((const unsigned char *)buf, n));
	snprintf(buf, sizeof(buf), "%%PDF-1.7\n<HTML><body onload=x>\n%s", pdf_ok + 9);
	assert_false(document_pdf_plausible((const unsigned char *)buf, strlen(buf)));   /* a web page, any case */
	snprintf(buf, sizeof(buf), "%%PDF-1.7\n<!DocType html>\n%s", pdf_ok + 9);
	assert_false(document_pdf_plausible((const unsigned char *)buf, strlen(buf)));
	const char *noobj = "%PDF-1.4\nnothing here at all, just words\nstartxref\n0\n%%EOF\n";
	assert_false(document_pdf_plausible((const unsigned char *)noobj, strlen(noobj)));
}

static void
test_check(void **state)
{
	struct arena *a = *state;
	const unsigned char *out;
	size_t outlen;
	const char *mime;
	size_t n = strlen(pdf_ok);
	assert_int_equal(document_check(a, (const unsigned char *)pdf_ok, n, &out, &outlen, &mime), DOCUMENT_OK);
	assert_ptr_equal(out, (const unsigned char *)pdf_ok);                 /* byte-exact: the same bytes */
	assert_int_equal(outlen, n);
	assert_string_equal(mime, "application/pdf");
	assert_int_equal(document_check(a, (const unsigned char *)"", 0, &out, &outlen, &mime), DOCUMENT_ERR_EMPTY);
	assert_int_equal(document_check(a, (const unsigned char *)"hello", 5, &out, &outlen, &mime), DOCUMENT_ERR_TYPE);
	assert_int_equal(document_check(a, (const unsigned char *)"<html>", 6, &out, &outlen, &mime), DOCUMENT_ERR_TYPE);
	assert_int_equal(document_check(a, (const unsigned char *)pdf_ok, 40, &out, &outlen, &mime), DOCUMENT_ERR_PDF);
	static const unsigned char jpeg_head[] = { 0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 'J', 'F', 'I', 'F', 0 };
	assert_int_equal(document_check(a, jpeg_head, sizeof(jpeg_head), &out, &outlen, &mime), DOCUMENT_ERR_IMAGE);
	unsigned char *big = calloc(DOCUMENT_MAX + 1, 1);
	assert_non_null(big);
	memcpy(big, pdf_ok, n);
	assert_int_equal(document_check(a, big, DOCUMENT_MAX + 1, &out, &outlen, &mime), DOCUMENT_ERR_TOO_LARGE);
	free(big);

	/* an image goes through photo_strip: GPS gone (checked with exiftool in test_photo), type by content */
	FILE *f = fopen("tests/unit/fixtures/photos/gps.jpg", "rb");
	assert_non_null(f);
	static unsigned char jpg[1 << 16];
	size_t len = fread(jpg, 1, sizeof(jpg), f);
	fclose(f);
	assert_true(len > 100 && len < sizeof(jpg));
	assert_non_null(memmem(jpg, len, "Exif", 4));
	assert_int_equal(document_check(a, jpg, len, &out, &outlen, &mime), DOCUMENT_OK);
	assert_string_equal(mime, "image/jpeg");
	assert_true(outlen < len);
	assert_null(memmem(out, outlen, "Exif", 4));
}

static void
test_filename(void **state)
{
	struct arena *a = *state;
	assert_string_equal(document_filename(a, "Biên bản.pdf", "application/pdf"), "Biên bản.pdf");
	assert_string_equal(document_filename(a, "SCAN.PDF", "application/pdf"), "SCAN.PDF");
	assert_string_equal(document_filename(a, "ảnh.JPEG", "image/jpeg"), "ảnh.JPEG");
	assert_string_equal(document_filename(a, "bien-ban.pdf", "image/jpeg"), "bien-ban.pdf.jpg");
	assert_string_equal(document_filename(a, "", "image/png"), "tai-lieu.png");
	assert_string_equal(document_filename(a, NULL, "application/pdf"), "tai-lieu.pdf");
	assert_null(document_filename(a, "x.gif", "image/gif"));
	/* 200 bytes of "ệ" (3 bytes each) and one more: cut on a character boundary, extension kept */
	char longname[256];
	for (int i = 0; i < 67; i++)
		memcpy(longname + 3 * i, "ệ", 3);
	longname[201] = '\0';
	const char *out = document_filename(a, longname, "application/pdf");
	size_t n = strlen(out);
	assert_true(n <= 200);
	assert_string_equal(out + n - 4, ".pdf");
	assert_int_equal((n - 4) % 3, 0);
	assert_memory_equal(out, "ệệ", 6);
}

static void
test_download_headers(void **state)
{
	struct arena *a = *state;
	struct buf out = { 0 };
	struct req r = { .arena = a, .out = &out, .status = 200 };
	http_download(&r, "application/pdf", "Biên bản \"a\";\\ 100%.pdf");
	assert_true(r.download);
	assert_string_equal(r.resp_type, "application/pdf");
	assert_string_equal(r.extra_headers,
	    "Content-Disposition: attachment; filename=\"Bi_n b_n _a___ 100_.pdf\"; "
	    "filename*=UTF-8''Bi%C3%AAn%20b%E1%BA%A3n%20%22a%22%3B%5C%20100%25.pdf\r\n");
	buf_free(&out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pdf_plausible),
		cmocka_unit_test_setup_teardown(test_check, setup, teardown),
		cmocka_unit_test_setup_teardown(test_filename, setup, teardown),
		cmocka_unit_test_setup_teardown(test_download_headers, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
