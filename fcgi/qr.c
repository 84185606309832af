/* qr.c: QR codes as PNG (libpng) and SVG (written here), and the worker's receipt as a PNG; libqrencode makes the matrix. */
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

/* Fills pixel row y of an image (1 bit per pixel, 1 = white) into row. */
typedef void (*qr_row_fn)(const void *ctx, int y, png_bytep row, size_t rowbytes);

/* Blackens pixels [x, x + n) of a 1-bit row. */
static void
qr_row_black(png_bytep row, size_t x, size_t n)
{
	for (size_t end = x + n; x < end; x++)
		row[x >> 3] &= (png_byte)~(0x80u >> (x & 7));
}

/* A QR code drawn px pixels per module, with its quiet zone. */
struct qr_drawing {
	const QRcode	*qr;
	int		 px;
	int		 left;	/* pixels left of the quiet zone (the receipt centres it) */
	int		 top;	/* pixel row where the quiet zone starts */
};

/* Blackens the modules of the drawing that fall on pixel row y. */
static void
qr_draw_row(const struct qr_drawing *d, int y, png_bytep row)
{
	int my = (y - d->top) / d->px - QR_QUIET;
	if (y < d->top || my < 0 || my >= d->qr->width)
		return;
	for (int x = 0; x < d->qr->width; x++)
		if (qr_black(d->qr, x, my))
			qr_row_black(row, (size_t)(d->left + (x + QR_QUIET) * d->px), (size_t)d->px);
}

/* qr_row_fn of a bare QR code (qr_png). */
static void
qr_png_fill_row(const void *ctx, int y, png_bytep row, size_t rowbytes)
{
	memset(row, 0xff, rowbytes);
	qr_draw_row(ctx, y, row);
}

/* Writes a w x h 1-bit image whose rows `fill` draws as a PNG into mb,
 * using row (at least one pixel row long) as scratch. Returns 0, or -1 if
 * libpng failed; the caller frees everything either way. Kept apart from
 * its callers so that no local changed after setjmp() is read after the
 * long jump. */
static int
qr_png_write(png_structp png, png_infop info, struct qr_membuf *mb, png_uint_32 w, png_uint_32 h,
    qr_row_fn fill, const void *ctx, png_bytep row)
{
	size_t rowbytes = ((size_t)w + 7) / 8;

	if (setjmp(png_jmpbuf(png)))
		return -1;
	png_set_write_fn(png, mb, qr_png_write_cb, qr_png_flush_cb);
	png_set_IHDR(png, info, w, h, 1, PNG_COLOR_TYPE_GRAY,
	    PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
	    PNG_FILTER_TYPE_DEFAULT);
	png_set_pHYs(png, info, QR_PNG_PPM, QR_PNG_PPM, PNG_RESOLUTION_METER);
	png_write_info(png, info);
	for (png_uint_32 y = 0; y < h; y++) {
		fill(ctx, (int)y, row, rowbytes);
		png_write_row(png, row);
	}
	png_write_end(png, info);
	return 0;
}

/* The PNG of a w x h image drawn by `fill`: 0 with *out (malloc'd) and
 * *len, or -1 (out of memory, libpng failed). */
static int
qr_png_image(png_uint_32 w, png_uint_32 h, qr_row_fn fill, const void *ctx, unsigned char **out, size_t *len)
{
	struct qr_membuf mb = { NULL, 0, 0 };
	png_structp png = NULL;
	png_infop info = NULL;
	png_bytep row = malloc(((size_t)w + 7) / 8);
	int rc = -1;

	if (row != NULL && (png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL)) != NULL &&
	    (info = png_create_info_struct(png)) != NULL)
		rc = qr_png_write(png, info, &mb, w, h, fill, ctx, row);
	png_destroy_write_struct(&png, &info);
	free(row);
	if (rc == -1) {
		free(mb.data);
		mb.data = NULL;
		mb.len = 0;
	}
	*out = mb.data;
	*len = mb.len;
	return rc;
}

int
qr_png(const char *text, unsigned char **out, size_t *len, int module_px)
{
	*out = NULL;
	*len = 0;
	if (module_px < 0 || module_px > QR_PNG_MAX_MODULE_PX)
		return -1;
	QRcode *qr = qr_encode(text);
	if (qr == NULL)
		return -1;
	int side = qr->width + 2 * QR_QUIET;
	struct qr_drawing d = { qr, module_px ? module_px : (QR_PNG_MIN_SIDE + side - 1) / side, 0, 0 };
	png_uint_32 w = (png_uint_32)side * (png_uint_32)d.px;
	int rc = qr_png_image(w, w, qr_png_fill_row, &d, out, len);
	QRcode_free(qr);
	return rc;
}

/* Digits 0-9 in a 5 x 7 pixel font: one byte per row, bit 4 the left
 * column. Enough to draw a receipt code without a font library. */
static const unsigned char qr_digit_font[10][7] = {
	{ 0x0E, 0x11, 0x13, 0x15, 0x19, 0x11, 0x0E }, { 0x04, 0x0C, 0x04, 0x04, 0x04, 0x04, 0x0E },
	{ 0x0E, 0x11, 0x01, 0x02, 0x04, 0x08, 0x1F }, { 0x1F, 0x02, 0x04, 0x02, 0x01, 0x11, 0x0E },
	{ 0x02, 0x06, 0x0A, 0x12, 0x1F, 0x02, 0x02 }, { 0x1F, 0x10, 0x1E, 0x01, 0x01, 0x11, 0x0E },
	{ 0x06, 0x08, 0x10, 0x1E, 0x11, 0x11, 0x0E }, { 0x1F, 0x01, 0x02, 0x04, 0x08, 0x08, 0x08 },
	{ 0x0E, 0x11, 0x11, 0x0E, 0x11, 0x11, 0x0E }, { 0x0E, 0x11, 0x11, 0x0F, 0x01, 0x02, 0x0C },
};

#define RCPT_W		720	/* px: a phone gallery's width, as the receipt page's own picture */
#define RCPT_FRAME	8	/* px from the edge to the frame, and its thickness / 2 */
#define RCPT_SCALE	5	/* px per font pixel: 35 px tall digits, clear of the frame */
#define RCPT_TEXT_TOP	52
#define RCPT_QR_PX	6	/* px per module */
#define RCPT_QR_TOP	(RCPT_TEXT_TOP + 7 * RCPT_SCALE + 24)
#define RCPT_MAX_CHARS	24

/* What the receipt picture shows: the code as text, and its QR code. */
struct qr_receipt {
	const char		*text;	/* digits and spaces */
	size_t			 n;
	int			 text_left;
	struct qr_drawing	 qr;
	int			 h;
};

/* qr_row_fn of the receipt: a frame, the code in large digits, its QR code. */
static void
qr_receipt_row(const void *ctx, int y, png_bytep row, size_t rowbytes)
{
	const struct qr_receipt *rc = ctx;
	memset(row, 0xff, rowbytes);
	if ((y >= RCPT_FRAME && y < 2 * RCPT_FRAME) || (y >= rc->h - 2 * RCPT_FRAME && y < rc->h - RCPT_FRAME)) {
		qr_row_black(row, RCPT_FRAME, RCPT_W - 2 * RCPT_FRAME);
		return;
	}
	if (y >= RCPT_FRAME && y < rc->h - RCPT_FRAME) {
		qr_row_black(row, RCPT_FRAME, RCPT_FRAME);
		qr_row_black(row, RCPT_W - 2 * RCPT_FRAME, RCPT_FRAME);
	}
	int fy = (y - RCPT_TEXT_TOP) / RCPT_SCALE;
	if (y >= RCPT_TEXT_TOP && fy < 7)
		for (size_t i = 0; i < rc->n; i++) {
			if (rc->text[i] < '0' || rc->text[i] > '9')
				continue;
			unsigned bits = qr_digit_font[rc->text[i] - '0'][fy];
			for (int fx = 0; fx < 5; fx++)
				if (bits & (0x10u >> fx))
					qr_row_black(row, (size_t)(rc->text_left + ((int)i * 6 + fx) * RCPT_SCALE), RCPT_SCALE);
		}
	qr_draw_row(&rc->qr, y, row);
}

int
qr_receipt_png(const char *code, const char *qr_text, unsigned char **out, size_t *len)
{
	*out = NULL;
	*len = 0;
	size_t n = code ? strlen(code) : 0;
	if (n == 0 || n > RCPT_MAX_CHARS || strspn(code, "0123456789 ") != n)
		return -1;
	QRcode *qr = qr_encode(qr_text);
	if (qr == NULL)
		return -1;
	int side = (qr->width + 2 * QR_QUIET) * RCPT_QR_PX;
	struct qr_receipt rc = {
		.text = code, .n = n, .text_left = (RCPT_W - ((int)n * 6 - 1) * RCPT_SCALE) / 2,
		.qr = { qr, RCPT_QR_PX, (RCPT_W - side) / 2, RCPT_QR_TOP }, .h = RCPT_QR_TOP + side + 3 * RCPT_FRAME,
	};
	int ret = side > RCPT_W - 4 * RCPT_FRAME ? -1 : qr_png_image(RCPT_W, (png_uint_32)rc.h, qr_receipt_row, &rc, out, len);
	QRcode_free(qr);
	return ret;
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
