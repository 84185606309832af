/* qr.c: QR codes as PNG (libpng) and SVG (written here); libqrencode makes the matrix. */
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <png.h>
#include <qrencode.h>

#include "qr.h"

#define QR_QUIET	4	/* quiet zone, in modules, on every side */
#define QR_PNG_MIN_SIDE	600	/* px: 5 cm at 300 dpi, with a little to spare */
#define QR_PNG_PPM	11811	/* 300 dpi in pixels per metre, for pHYs */
#define QR_CSS_MAX	16	/* longest accepted size_css */

/* A PNG being written to memory; grows as libpng hands us bytes. */
struct qr_membuf {
	unsigned char	*data;
	size_t		 len;
	size_t		 cap;
};

/* Returns the QR matrix of non-empty text at error correction M (caller
   frees with QRcode_free), or NULL if text is empty or too long for any
   QR version. The QR_MODE_8 hint with case sensitivity on lets libqrencode
   split the text into numeric, alphanumeric and 8-bit runs; upper-case
   URLs then fall entirely in the denser alphanumeric mode. */
static QRcode *
qr_encode(const char *text)
{
	if (text == NULL || text[0] == '\0')
		return NULL;
	return QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
}

/* Whether module (x, y) of the matrix, quiet zone excluded, is black. */
static bool
qr_black(const QRcode *qr, int x, int y)
{
	return qr->data[(size_t)y * (size_t)qr->width + (size_t)x] & 1;
}

/* libpng write callback: appends n bytes to the struct qr_membuf behind
   the io pointer; on overflow or out of memory, png_error() long-jumps
   back to qr_png_write(). */
static void
qr_png_write_cb(png_structp png, png_bytep bytes, png_size_t n)
{
	struct qr_membuf *mb = png_get_io_ptr(png);

	if (mb->cap - mb->len < n) {
		size_t cap = mb->cap ? mb->cap : 4096;
		while (cap - mb->len < n) {
			if (cap > SIZE_MAX / 2)
				png_error(png, "qr: PNG too large");
			cap *= 2;
		}
		unsigned char *p = realloc(mb->data, cap);
		if (p == NULL)
			png_error(png, "qr: out of memory");
		mb->data = p;
		mb->cap = cap;
	}
	memcpy(mb->data + mb->len, bytes, n);
	mb->len += n;
}

/* libpng flush callback: nothing to flush in memory. Without it libpng
   would fflush() the io pointer as if it were a FILE *. */
static void
qr_png_flush_cb(png_structp png)
{
	(void)png;
}

/* Fills one pixel row (1 bit per pixel, 1 = white) for module row my,
   counted from the top of the image including the quiet zone. */
static void
qr_png_fill_row(const QRcode *qr, int my, int px, png_bytep row,
    size_t rowbytes)
{
	memset(row, 0xff, rowbytes);
	if (my < QR_QUIET || my >= QR_QUIET + qr->width)
		return;
	for (int x = 0; x < qr->width; x++) {
		if (!qr_black(qr, x, my - QR_QUIET))
			continue;
		size_t p = (size_t)(x + QR_QUIET) * (size_t)px;
		for (size_t end = p + (size_t)px; p < end; p++)
			row[p >> 3] &= (png_byte)~(0x80u >> (p & 7));
	}
}

/* Writes qr as a PNG into mb, px pixels per module, using row (at least
   one pixel row long) as scratch. Returns 0, or -1 if libpng failed; the
   caller frees everything either way. Kept apart from qr_png() so that
   no local changed after setjmp() is read after the long jump. */
static int
qr_png_write(png_structp png, png_infop info, struct qr_membuf *mb,
    const QRcode *qr, int px, png_bytep row)
{
	int side = qr->width + 2 * QR_QUIET;
	png_uint_32 w = (png_uint_32)side * (png_uint_32)px;
	size_t rowbytes = ((size_t)w + 7) / 8;

	if (setjmp(png_jmpbuf(png)))
		return -1;
	png_set_write_fn(png, mb, qr_png_write_cb, qr_png_flush_cb);
	png_set_IHDR(png, info, w, w, 1, PNG_COLOR_TYPE_GRAY,
	    PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
	    PNG_FILTER_TYPE_DEFAULT);
	png_set_pHYs(png, info, QR_PNG_PPM, QR_PNG_PPM, PNG_RESOLUTION_METER);
	png_write_info(png, info);
	for (int my = 0; my < side; my++) {
		qr_png_fill_row(qr, my, px, row, rowbytes);
		for (int k = 0; k < px; k++)
			png_write_row(png, row);
	}
	png_write_end(png, info);
	return 0;
}

int
qr_png(const char *text, unsigned char **out, size_t *len, int module_px)
{
	struct qr_membuf mb = { NULL, 0, 0 };
	QRcode *qr = NULL;
	png_structp png = NULL;
	png_infop info = NULL;
	png_bytep row = NULL;

	*out = NULL;
	*len = 0;
	if (module_px < 0 || module_px > QR_PNG_MAX_MODULE_PX)
		goto fail;
	if ((qr = qr_encode(text)) == NULL)
		goto fail;

	int side = qr->width + 2 * QR_QUIET;
	int px = module_px;
	if (px == 0)
		px = (QR_PNG_MIN_SIDE + side - 1) / side;
	if ((row = malloc(((size_t)side * (size_t)px + 7) / 8)) == NULL)
		goto fail;
	png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
	if (png == NULL)
		goto fail;
	if ((info = png_create_info_struct(png)) == NULL)
		goto fail;
	if (qr_png_write(png, info, &mb, qr, px, row) == -1)
		goto fail;

	png_destroy_write_struct(&png, &info);
	free(row);
	QRcode_free(qr);
	*out = mb.data;
	*len = mb.len;
	return 0;
fail:
	png_destroy_write_struct(&png, &info);
	free(row);
	QRcode_free(qr);
	free(mb.data);
	return -1;
}

/* Whether s is a plain CSS length ("5cm", "2.5in", "100%"): digits and
   dots, then letters or one '%'. Such a value needs no escaping inside an
   attribute, so nothing else is let through. */
static bool
qr_css_length_ok(const char *s)
{
	size_t i = 0, digits;

	while ((s[i] >= '0' && s[i] <= '9') || s[i] == '.')
		i++;
	if (i == 0)
		return false;
	digits = i;
	while (s[i] >= 'a' && s[i] <= 'z')
		i++;
	if (i == digits && s[i] == '%')
		i++;
	return s[i] == '\0' && i <= QR_CSS_MAX;
}

char *
qr_svg(const char *text, const char *size_css)
{
	QRcode *qr = NULL;
	FILE *f = NULL;
	char *doc = NULL;
	size_t doclen = 0;

	if (size_css == NULL)
		size_css = "100%";
	if (!qr_css_length_ok(size_css))
		goto fail;
	if ((qr = qr_encode(text)) == NULL)
		goto fail;
	if ((f = open_memstream(&doc, &doclen)) == NULL)
		goto fail;

	int side = qr->width + 2 * QR_QUIET;
	fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\""
	    " width=\"%s\" height=\"%s\" viewBox=\"0 0 %d %d\">\n",
	    size_css, size_css, side, side);
	fprintf(f, "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/>\n",
	    side, side);
	fputs("<path fill=\"#000\" shape-rendering=\"crispEdges\" d=\"", f);
	/* One closed rectangle per horizontal run of black modules. */
	for (int y = 0; y < qr->width; y++) {
		int x = 0;
		while (x < qr->width) {
			if (!qr_black(qr, x, y)) {
				x++;
				continue;
			}
			int x0 = x;
			while (x < qr->width && qr_black(qr, x, y))
				x++;
			fprintf(f, "M%d %dh%dv1h-%dz", x0 + QR_QUIET,
			    y + QR_QUIET, x - x0, x - x0);
		}
	}
	fputs("\"/>\n</svg>\n", f);

	bool failed = ferror(f) != 0;
	int rc = fclose(f);
	f = NULL;
	if (failed || rc != 0)
		goto fail;
	QRcode_free(qr);
	return doc;
fail:
	if (f != NULL)
		fclose(f);
	free(doc);
	QRcode_free(qr);
	return NULL;
}
