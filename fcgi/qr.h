/* qr.h: QR codes for entry-point posters and the admin CLI, as PNG or SVG; the worker's receipt as a PNG. */
#ifndef TIENGNOI_QR_H
#define TIENGNOI_QR_H

#include <stddef.h>

/* Largest accepted `module_px` for qr_png(): keeps a version-40 code
   under 20 000 px a side. */
#define QR_PNG_MAX_MODULE_PX 100

/* Encodes text as a QR code (error correction M) and renders it as PNG:
   4-module quiet zone, `module_px` pixels per module (0 → default chosen so the
   image is at least 600 px wide: prints sharp at 5 cm at 300 dpi), 1-bit
   greyscale, tagged 300 dpi. Upper-case text encodes in the denser
   alphanumeric mode, so callers upper-case URLs.
   On success returns 0 and sets *out (malloc'd, caller frees) and *len.
   -1 on failure (empty text, text beyond QR capacity, module_px outside
   0..QR_PNG_MAX_MODULE_PX, out of memory); *out is then NULL and *len 0. */
int qr_png(const char *text, unsigned char **out, size_t *len, int module_px);

/* The worker's receipt as a PNG a phone's gallery shows (an SVG it would
   not): 720 px wide, 1-bit, a frame, `code` (digits and spaces, at most 24
   characters, e.g. "3362 1144 8009 0654") in 35 px digits drawn with a
   built-in font, and under it the QR code of `qr_text` (the digits, for a
   scanner). 0 with *out (malloc'd, caller frees) and *len; -1 on any other
   character, empty or too long text, or out of memory. */
int qr_receipt_png(const char *code, const char *qr_text, unsigned char **out, size_t *len);

/* Same code as an SVG document (malloc'd string, caller frees; NULL on failure):
   viewBox in modules incl. 4-module quiet zone, white background rect, one <path>
   of black modules (horizontal runs merged, `shape-rendering="crispEdges"`),
   width/height attributes taken from `size_css` (e.g. "5cm"; NULL → "100%").
   `size_css` must be a plain CSS length (digits, '.', then letters or '%'),
   else NULL is returned. No scripts, no external refs. */
char *qr_svg(const char *text, const char *size_css);

#endif
