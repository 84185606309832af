/* photo.c: recognise JPEG, PNG and WebP by content; copy them without metadata, so no photo locates its sender. */
#include <string.h>

#include "app.h"
#include "arena.h"
#include "photo.h"

/*
 * Each format is walked block by block, bounds checked, and only blocks on a
 * short list of what is needed to draw the picture are copied; everything
 * else (EXIF with GPS, XMP, comments, ICC profiles, maker notes, thumbnails,
 * text chunks, data after the end marker, blocks we do not know) is left
 * behind. Keeping a list, not dropping a list, means a metadata block we have
 * never heard of goes too. The image data itself is copied verbatim, never
 * decoded. The output is never longer than the input.
 */

static const char *const photo_mimes[PHOTO__MAX] = {
	"application/octet-stream",   /* PHOTO_NONE */
	"image/jpeg",                 /* PHOTO_JPEG */
	"image/png",                  /* PHOTO_PNG */
	"image/webp",                 /* PHOTO_WEBP */
};

static const char *const photo_errors[PHOTO_ERR__MAX] = {
	"ok",                                         /* PHOTO_OK */
	"not a JPEG, PNG or WebP image",              /* PHOTO_ERR_TYPE */
	"damaged or unsupported image",               /* PHOTO_ERR_MALFORMED */
	"out of memory",                              /* PHOTO_ERR_NOMEM */
};

static const unsigned char png_sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n' };

/* The output, in a buffer at least as long as the input. */
struct out {
	unsigned char *p;
	size_t n;
};

static void
out_put(struct out *o, const void *s, size_t n)
{
	memcpy(o->p + o->n, s, n);
	o->n += n;
}

static uint32_t
be16(const unsigned char *p)
{
	return (uint32_t)p[0] << 8 | p[1];
}

static uint32_t
be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint32_t
le32(const unsigned char *p)
{
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static void
put_le32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

/* Recognises the type by the first bytes only; a name or a declared type
 * is never trusted. PHOTO_NONE for anything else. */
enum photo_type
photo_sniff(const unsigned char *p, size_t n)
{
	if (n >= 3 && p[0] == 0xFF && p[1] == 0xD8 && p[2] == 0xFF)
		return PHOTO_JPEG;
	if (n >= sizeof(png_sig) && memcmp(p, png_sig, sizeof(png_sig)) == 0)
		return PHOTO_PNG;
	if (n >= 12 && memcmp(p, "RIFF", 4) == 0 && memcmp(p + 8, "WEBP", 4) == 0)
		return PHOTO_WEBP;
	return PHOTO_NONE;
}

/* The Content-Type to serve a photo of this type with. */
const char *
photo_mime(enum photo_type t)
{
	if ((int)t < 0 || t >= PHOTO__MAX)
		t = PHOTO_NONE;
	return photo_mimes[t];
}

/* ---- JPEG (ITU T.81) ---- */

enum jpeg_action { JPEG_BAD, JPEG_KEEP, JPEG_DROP, JPEG_JFIF, JPEG_ADOBE };

/* What to do with a segment: keep the decoding tables and frame headers,
 * drop application segments and comments, refuse markers that have no
 * business in a photo (hierarchical, JPEG extensions, reserved). */
static enum jpeg_action
jpeg_action(unsigned m)
{
	if (m >= 0xC0 && m <= 0xCF && m != 0xC8)   /* SOFn, DHT (C4), DAC (CC); C8 is reserved */
		return JPEG_KEEP;
	switch (m) {
	case 0xDA:                             /* SOS */
	case 0xDB:                             /* DQT */
	case 0xDC:                             /* DNL */
	case 0xDD:                             /* DRI */
		return JPEG_KEEP;
	case 0xE0:
		return JPEG_JFIF;
	case 0xEE:
		return JPEG_ADOBE;
	case 0xFE:                             /* COM */
		return JPEG_DROP;
	}
	if (m >= 0xE1 && m <= 0xEF)            /* APP1 (EXIF, XMP) .. APP15: ICC, MPF, IPTC, ... */
		return JPEG_DROP;
	return JPEG_BAD;
}

/* Copies the entropy-coded data that starts at in[*i] up to the next marker
 * that is not a restart marker (stuffed 0xFF00 and RSTn are data). */
static int
jpeg_scan(const unsigned char *in, size_t len, size_t *i, struct out *o)
{
	size_t s = *i, k = *i;
	for (;;) {
		const unsigned char *ff = memchr(in + k, 0xFF, len - k);
		if (ff == NULL)
			return PHOTO_ERR_MALFORMED;
		k = (size_t)(ff - in);
		if (len - k < 2)
			return PHOTO_ERR_MALFORMED;
		unsigned c = in[k + 1];
		if (c == 0x00 || (c >= 0xD0 && c <= 0xD7))
			k += 2;
		else if (c == 0xFF)
			k += 1;                        /* fill byte before a marker */
		else
			break;
	}
	out_put(o, in + s, k - s);
	*i = k;
	return PHOTO_OK;
}

/* Walks the segments from SOI to EOI. APP0 is kept only as a plain JFIF
 * header, without its thumbnail; APP14 only as the 12 bytes of an Adobe
 * header, which decoders need to know the colour transform. Anything after
 * EOI (phones append second images and vendor trailers there) is dropped. */
static int
jpeg_strip(const unsigned char *in, size_t len, struct out *o)
{
	static const unsigned char soi[2] = { 0xFF, 0xD8 }, eoi[2] = { 0xFF, 0xD9 };
	size_t i = 2;
	bool sof = false, sos = false;
	int rc;

	out_put(o, soi, 2);
	for (;;) {
		if (i >= len || in[i] != 0xFF)
			return PHOTO_ERR_MALFORMED;
		while (i < len && in[i] == 0xFF)
			i++;
		if (i >= len)
			return PHOTO_ERR_MALFORMED;
		unsigned m = in[i++];
		if (m == 0xD9) {
			if (!sos)
				return PHOTO_ERR_MALFORMED;  /* no picture */
			out_put(o, eoi, 2);
			return PHOTO_OK;
		}
		if (len - i < 2)
			return PHOTO_ERR_MALFORMED;
		size_t seg = be16(in + i);           /* counts its own two bytes */
		if (seg < 2 || len - i < seg)
			return PHOTO_ERR_MALFORMED;
		const unsigned char *p = in + i + 2;
		size_t n = seg - 2;
		unsigned char head[4] = { 0xFF, (unsigned char)m, 0, 0 };

		switch (jpeg_action(m)) {
		case JPEG_BAD:
			return PHOTO_ERR_MALFORMED;
		case JPEG_KEEP:
			out_put(o, in + i - 2, seg + 2);    /* 0xFF, marker, segment */
			break;
		case JPEG_JFIF:
			if (n >= 14 && memcmp(p, "JFIF", 5) == 0) {
				static const unsigned char no_thumb[2] = { 0, 0 };
				head[3] = 16;
				out_put(o, head, 4);
				out_put(o, p, 12);           /* identifier, version, units, density */
				out_put(o, no_thumb, 2);
			}
			break;
		case JPEG_ADOBE:
			if (n >= 12 && memcmp(p, "Adobe", 5) == 0) {
				head[3] = 14;
				out_put(o, head, 4);
				out_put(o, p, 12);           /* identifier, version, flags, transform */
			}
			break;
		case JPEG_DROP:
			break;
		}
		i += seg;
		if (m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xCC)
			sof = true;
		if (m == 0xDA) {
			if (!sof)
				return PHOTO_ERR_MALFORMED;
			sos = true;
			if ((rc = jpeg_scan(in, len, &i, o)) != PHOTO_OK)
				return rc;
		}
	}
}

/* ---- PNG (ISO 15948) ---- */

/* Chunks needed to draw the picture as its maker meant it: the critical
 * ones and colour/transparency/density hints. Text (tEXt, zTXt, iTXt,
 * XMP), eXIf, tIME, iCCP, sPLT, hIST, animation and private chunks go. */
static const char *const png_keep[] = {
	"IHDR", "PLTE", "IDAT", "IEND", "tRNS", "gAMA", "cHRM", "sRGB", "sBIT", "bKGD", "pHYs",
};

/* CRC-32 (ISO 3309) with a 16-entry table, four bits at a time. */
static uint32_t
png_crc(const unsigned char *p, size_t n)
{
	static const uint32_t t[16] = {
		0x00000000, 0x1DB71064, 0x3B6E20C8, 0x26D930AC, 0x76DC4190, 0x6B6B51F4, 0x4DB26158, 0x5005713C,
		0xEDB88320, 0xF00F9344, 0xD6D6A3E8, 0xCB61B38C, 0x9B64C2B0, 0x86D3D2D4, 0xA00AE278, 0xBDBDF21C,
	};
	uint32_t c = 0xFFFFFFFF;
	for (size_t i = 0; i < n; i++) {
		c ^= p[i];
		c = (c >> 4) ^ t[c & 15];
		c = (c >> 4) ^ t[c & 15];
	}
	return c ^ 0xFFFFFFFF;
}

static bool
png_kept(const unsigned char *type)
{
	for (size_t i = 0; i < sizeof(png_keep) / sizeof(png_keep[0]); i++)
		if (memcmp(type, png_keep[i], 4) == 0)
			return true;
	return false;
}

/* Walks the chunks: IHDR first (13 bytes), IEND last (empty), at least one
 * IDAT, every CRC right. Kept chunks are copied whole, so their CRCs stay
 * valid. An unknown critical chunk is refused: no decoder could draw it.
 * Bytes after IEND are dropped. */
static int
png_strip(const unsigned char *in, size_t len, struct out *o)
{
	size_t i = sizeof(png_sig);
	bool idat = false;

	out_put(o, png_sig, sizeof(png_sig));
	for (bool first = true;; first = false) {
		if (len - i < 12)
			return PHOTO_ERR_MALFORMED;
		uint32_t n = be32(in + i);
		const unsigned char *type = in + i + 4;
		if (n > 0x7FFFFFFF || len - i - 12 < n)
			return PHOTO_ERR_MALFORMED;
		for (int k = 0; k < 4; k++)
			if (!((type[k] >= 'A' && type[k] <= 'Z') || (type[k] >= 'a' && type[k] <= 'z')))
				return PHOTO_ERR_MALFORMED;
		if (png_crc(type, 4 + (size_t)n) != be32(type + 4 + n))
			return PHOTO_ERR_MALFORMED;
		bool ihdr = memcmp(type, "IHDR", 4) == 0, iend = memcmp(type, "IEND", 4) == 0;
		if (first != ihdr || (ihdr && n != 13) || (iend && n != 0))
			return PHOTO_ERR_MALFORMED;
		if (memcmp(type, "IDAT", 4) == 0)
			idat = true;
		if (png_kept(type))
			out_put(o, in + i, 12 + (size_t)n);
		else if ((type[0] & 0x20) == 0)
			return PHOTO_ERR_MALFORMED;      /* critical, and unknown */
		i += 12 + (size_t)n;
		if (iend)
			return idat ? PHOTO_OK : PHOTO_ERR_MALFORMED;
	}
}

/* ---- WebP (RIFF container, RFC 9649) ---- */

#define VP8X_ICC  0x20
#define VP8X_EXIF 0x08
#define VP8X_XMP  0x04

/* True when the chunk holds a plausible VP8 (key frame start code) or VP8L
 * (signature byte) bitstream; the rest is the decoder's business. */
static bool
webp_bitstream_ok(const unsigned char *fourcc, const unsigned char *p, size_t n)
{
	if (memcmp(fourcc, "VP8 ", 4) == 0)
		return n >= 10 && p[3] == 0x9D && p[4] == 0x01 && p[5] == 0x2A;
	if (memcmp(fourcc, "VP8L", 4) == 0)
		return n >= 5 && p[0] == 0x2F;
	return false;
}

/* Reads the chunk at in[*i], within [.., end): its FourCC, payload and
 * size. The payload is padded to an even size; the pad must be there. */
static int
webp_chunk(const unsigned char *in, size_t end, size_t *i, const unsigned char **fourcc,
    const unsigned char **p, size_t *n)
{
	if (end - *i < 8)
		return PHOTO_ERR_MALFORMED;
	size_t size = le32(in + *i + 4);
	size_t room = end - *i - 8;
	if (size > room || (size & 1) > room - size)
		return PHOTO_ERR_MALFORMED;
	*fourcc = in + *i;
	*p = in + *i + 8;
	*n = size;
	*i += 8 + size + (size & 1);
	return PHOTO_OK;
}

/* Copies a chunk with its header and pad byte. */
static void
webp_copy(struct out *o, const unsigned char *fourcc, size_t n)
{
	out_put(o, fourcc, 8 + n + (n & 1));
}

/* Copies an animation frame: its 16-byte header, then only its alpha and
 * bitstream chunks (a frame may carry unknown chunks too: they go). */
static int
webp_frame(const unsigned char *in, size_t n, struct out *o)
{
	size_t start = o->n, i = 16;
	bool image = false;
	int rc;

	if (n < 16)
		return PHOTO_ERR_MALFORMED;
	out_put(o, "ANMF\0\0\0\0", 8);
	out_put(o, in, 16);
	while (i < n) {
		const unsigned char *fourcc, *p;
		size_t pn;
		if ((rc = webp_chunk(in, n, &i, &fourcc, &p, &pn)) != PHOTO_OK)
			return rc;
		if (memcmp(fourcc, "ALPH", 4) == 0) {
			webp_copy(o, fourcc, pn);
		} else if (memcmp(fourcc, "VP8 ", 4) == 0 || memcmp(fourcc, "VP8L", 4) == 0) {
			if (image || !webp_bitstream_ok(fourcc, p, pn))
				return PHOTO_ERR_MALFORMED;
			image = true;
			webp_copy(o, fourcc, pn);
		}
	}
	if (!image)
		return PHOTO_ERR_MALFORMED;
	put_le32(o->p + start + 4, (uint32_t)(o->n - start - 8));
	return PHOTO_OK;
}

/* Walks the RIFF chunks. The first is VP8 or VP8L (simple file: nothing
 * else should follow) or VP8X (extended). Kept: VP8X with its ICC, EXIF
 * and XMP flags cleared, VP8/VP8L, ALPH, ANIM, ANMF (filtered). Dropped:
 * ICCP, EXIF, XMP and unknown chunks. The RIFF size is rewritten; bytes
 * past the RIFF end are dropped. */
static int
webp_strip(const unsigned char *in, size_t len, struct out *o)
{
	size_t riff = le32(in + 4), i = 12, end;
	bool image = false;
	int rc;

	if (riff < 4 || riff > len - 8)
		return PHOTO_ERR_MALFORMED;
	end = 8 + riff;
	out_put(o, in, 12);
	for (bool first = true; i < end; first = false) {
		const unsigned char *fourcc, *p;
		size_t n, at = o->n;
		if ((rc = webp_chunk(in, end, &i, &fourcc, &p, &n)) != PHOTO_OK)
			return rc;
		bool vp8x = memcmp(fourcc, "VP8X", 4) == 0;
		bool bits = memcmp(fourcc, "VP8 ", 4) == 0 || memcmp(fourcc, "VP8L", 4) == 0;
		if (first != vp8x && !(first && bits))
			return PHOTO_ERR_MALFORMED;      /* VP8X only first; first is VP8X or a bitstream */
		if (vp8x) {
			if (n < 10)
				return PHOTO_ERR_MALFORMED;
			webp_copy(o, fourcc, n);
			o->p[at + 8] &= (unsigned char)~(VP8X_ICC | VP8X_EXIF | VP8X_XMP);
		} else if (bits) {
			if (image || !webp_bitstream_ok(fourcc, p, n))
				return PHOTO_ERR_MALFORMED;
			image = true;
			webp_copy(o, fourcc, n);
		} else if (memcmp(fourcc, "ALPH", 4) == 0 || memcmp(fourcc, "ANIM", 4) == 0) {
			webp_copy(o, fourcc, n);
		} else if (memcmp(fourcc, "ANMF", 4) == 0) {
			if ((rc = webp_frame(p, n, o)) != PHOTO_OK)
				return rc;
			image = true;
		}
	}
	if (!image)
		return PHOTO_ERR_MALFORMED;
	put_le32(o->p + 4, (uint32_t)(o->n - 8));
	return PHOTO_OK;
}

/* Checks that in[0..len) is a well-formed JPEG, PNG or WebP (by content)
 * and returns in *out a copy, in the arena, with all metadata removed;
 * *type says which format (PHOTO_NONE when not one of them). Errors:
 * PHOTO_ERR_TYPE (not a photo we take: the caller answers 400 or 415),
 * PHOTO_ERR_MALFORMED (damaged or odd: 400), PHOTO_ERR_NOMEM. The input
 * size limit is the caller's; nothing is ever read past in[len - 1]. */
int
photo_strip(struct arena *a, const unsigned char *in, size_t len, unsigned char **out, size_t *outlen,
    enum photo_type *type)
{
	struct out o = { NULL, 0 };
	int rc = PHOTO_ERR_TYPE;

	*out = NULL;
	*outlen = 0;
	*type = in != NULL ? photo_sniff(in, len) : PHOTO_NONE;
	if (*type == PHOTO_NONE)
		return PHOTO_ERR_TYPE;
	if ((o.p = arena_alloc(a, len)) == NULL)
		return PHOTO_ERR_NOMEM;
	switch (*type) {
	case PHOTO_JPEG:
		rc = jpeg_strip(in, len, &o);
		break;
	case PHOTO_PNG:
		rc = png_strip(in, len, &o);
		break;
	case PHOTO_WEBP:
		rc = webp_strip(in, len, &o);
		break;
	case PHOTO_NONE:
	case PHOTO__MAX:
		break;
	}
	if (rc != PHOTO_OK)
		return rc;
	*out = o.p;
	*outlen = o.n;
	return PHOTO_OK;
}

/* A short English description of a PHOTO_* code, for logs. */
const char *
photo_strerror(int rc)
{
	if (rc < 0 || rc >= PHOTO_ERR__MAX)
		return "unknown photo error";
	return photo_errors[rc];
}
