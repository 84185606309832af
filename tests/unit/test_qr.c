/* test_qr.c: unit tests for qr.c; the PNG is read back with a real decoder (zbarimg). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"

#include "qr.h"

/* Upper case on purpose: the callers do this so the URL is alphanumeric. */
#define URL_UPPER	"HTTP://127.0.0.1:8080/Q/ABCDEFGHJK"
#define URL_LOWER	"http://127.0.0.1:8080/q/abcdefghjk"

static const unsigned char png_sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };

/* Reads a big-endian 32-bit value. */
static uint32_t
be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

/* Checks the PNG signature and the IHDR chunk (square, 1-bit greyscale)
   and returns the image width. */
static uint32_t
check_png_header(const unsigned char *png, size_t len)
{
	assert_true(len > 33);
	assert_memory_equal(png, png_sig, sizeof png_sig);
	assert_int_equal(be32(png + 8), 13);
	assert_memory_equal(png + 12, "IHDR", 4);
	uint32_t w = be32(png + 16), h = be32(png + 20);
	assert_int_equal(w, h);
	assert_int_equal(png[24], 1);	/* bit depth */
	assert_int_equal(png[25], 0);	/* colour type: greyscale */
	return w;
}

/* Writes the PNG to a temporary file, decodes it with zbarimg and returns
   the decoded text (malloc'd, trailing newline removed). */
static char *
zbar_decode(const unsigned char *png, size_t len)
{
	char path[] = "/tmp/test_qr_XXXXXX.png";
	int fd = mkstemps(path, 4);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, png, len), (ssize_t)len);
	assert_int_equal(close(fd), 0);

	char cmd[128];
	snprintf(cmd, sizeof cmd, "zbarimg --raw -q --nodbus '%s'", path);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	char *text = malloc(8192);
	assert_non_null(text);
	size_t n = fread(text, 1, 8191, p);
	text[n] = '\0';
	int status = pclose(p);
	unlink(path);
	assert_int_equal(status, 0);
	if (n > 0 && text[n - 1] == '\n')
		text[n - 1] = '\0';
	return text;
}

/* Returns the n of the SVG's viewBox="0 0 n n", which is the QR width in
   modules plus the quiet zone on both sides. */
static int
svg_side(const char *svg)
{
	int a, b;
	const char *vb = strstr(svg, "viewBox=\"");
	assert_non_null(vb);
	assert_int_equal(sscanf(vb, "viewBox=\"0 0 %d %d\"", &a, &b), 2);
	assert_int_equal(a, b);
	return a;
}

/* Returns the viewBox side of text's SVG rendering. */
static int
svg_side_of(const char *text)
{
	char *svg = qr_svg(text, NULL);
	assert_non_null(svg);
	int side = svg_side(svg);
	free(svg);
	return side;
}

static void
test_png_decodes(void **state)
{
	unsigned char *png;
	size_t len;
	(void)state;

	assert_int_equal(qr_png(URL_UPPER, &png, &len, 0), 0);
	assert_non_null(png);
	uint32_t w = check_png_header(png, len);
	assert_true(w >= 600);

	char *text = zbar_decode(png, len);
	assert_string_equal(text, URL_UPPER);
	free(text);
	free(png);
}

/* The receipt picture: a 720 px wide 1-bit PNG whose QR code gives the
   digits back; anything but digits and spaces, empty or too long: -1. */
static void
test_receipt_png(void **state)
{
	unsigned char *png;
	size_t len;
	(void)state;

	assert_int_equal(qr_receipt_png("3362 1144 8009 0654", "3362114480090654", &png, &len), 0);
	assert_true(len > 33 && len < 4096);
	assert_memory_equal(png, png_sig, sizeof png_sig);
	assert_memory_equal(png + 12, "IHDR", 4);
	assert_int_equal(be32(png + 16), 720);
	assert_true(be32(png + 20) > 200 && be32(png + 20) < 600);
	assert_int_equal(png[24], 1);
	char *text = zbar_decode(png, len);
	assert_string_equal(text, "3362114480090654");
	free(text);
	free(png);

	const char *bad[] = { "", "3362-1144", "<svg>", "1234567890123456789012345", "３３６２" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(qr_receipt_png(bad[i], "1", &png, &len), -1);
		assert_null(png);
		assert_int_equal(len, 0);
	}
	assert_int_equal(qr_receipt_png(NULL, "1", &png, &len), -1);
	assert_int_equal(qr_receipt_png("1234", "", &png, &len), -1);
}

static void
test_png_module_px(void **state)
{
	unsigned char *png;
	size_t len;
	(void)state;

	/* A QR code is 17 + 4 * version modules wide, plus 2 * 4 quiet. */
	assert_int_equal(qr_png(URL_UPPER, &png, &len, 3), 0);
	uint32_t w = check_png_header(png, len);
	assert_int_equal(w % 3, 0);
	assert_int_equal((w / 3 - 8 - 17) % 4, 0);
	assert_int_equal(w / 3, (uint32_t)svg_side_of(URL_UPPER));

	char *text = zbar_decode(png, len);
	assert_string_equal(text, URL_UPPER);
	free(text);
	free(png);
}

static void
test_png_bad_input(void **state)
{
	unsigned char *png = (unsigned char *)"untouched";
	size_t len = 99;
	char *big = malloc(5001);
	(void)state;

	assert_non_null(big);
	/* Not digits: 5000 digits would still fit (numeric mode, version 38). */
	memset(big, 'x', 5000);
	big[5000] = '\0';

	assert_int_equal(qr_png("", &png, &len, 0), -1);
	assert_null(png);
	assert_int_equal(len, 0);
	assert_int_equal(qr_png(NULL, &png, &len, 0), -1);
	assert_null(png);
	assert_int_equal(qr_png(big, &png, &len, 0), -1);
	assert_null(png);
	assert_int_equal(qr_png(URL_UPPER, &png, &len, -1), -1);
	assert_null(png);
	assert_int_equal(qr_png(URL_UPPER, &png, &len,
	    QR_PNG_MAX_MODULE_PX + 1), -1);
	assert_null(png);
	free(big);
}

static void
test_svg(void **state)
{
	(void)state;
	char *svg = qr_svg(URL_UPPER, "5cm");

	assert_non_null(svg);
	assert_int_equal(strncmp(svg, "<svg", 4), 0);
	assert_non_null(strstr(svg, "viewBox"));
	assert_non_null(strstr(svg, "width=\"5cm\""));
	assert_non_null(strstr(svg, "height=\"5cm\""));
	assert_non_null(strstr(svg, "shape-rendering=\"crispEdges\""));
	assert_null(strstr(svg, "<script"));
	assert_null(strstr(svg, "href"));
	assert_int_equal(occurrences(svg, "<path"), 1);
	assert_int_equal(occurrences(svg, "<rect"), 1);
	assert_int_equal((svg_side(svg) - 8 - 17) % 4, 0);
	free(svg);

	svg = qr_svg(URL_UPPER, NULL);
	assert_non_null(svg);
	assert_non_null(strstr(svg, "width=\"100%\""));
	free(svg);
}

static void
test_svg_bad_input(void **state)
{
	char *big = malloc(5001);
	(void)state;

	assert_non_null(big);
	memset(big, 'x', 5000);
	big[5000] = '\0';
	assert_null(qr_svg("", "5cm"));
	assert_null(qr_svg(NULL, "5cm"));
	assert_null(qr_svg(big, "5cm"));
	/* size_css lands in an attribute: only plain lengths pass. */
	assert_null(qr_svg(URL_UPPER, "5cm\" onload=\"alert(1)"));
	assert_null(qr_svg(URL_UPPER, ""));
	assert_null(qr_svg(URL_UPPER, "cm"));
	assert_null(qr_svg(URL_UPPER, "5cm;"));
	free(big);
}

/* The reason callers upper-case URLs: alphanumeric mode gives a smaller
   code (version 2 against 3 for this URL), easier to scan from afar. */
static void
test_upper_case_is_smaller(void **state)
{
	(void)state;
	int upper = svg_side_of(URL_UPPER);
	int lower = svg_side_of(URL_LOWER);

	assert_true(upper < lower);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_png_decodes),
		cmocka_unit_test(test_png_module_px),
		cmocka_unit_test(test_receipt_png),
		cmocka_unit_test(test_png_bad_input),
		cmocka_unit_test(test_svg),
		cmocka_unit_test(test_svg_bad_input),
		cmocka_unit_test(test_upper_case_is_smaller),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
