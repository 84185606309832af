/* test_photo.c: unit tests for photo.c: type sniffing, and metadata stripping checked by exiftool itself. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"
#include "photo.h"

#define PHOTOS "tests/unit/fixtures/photos/"

/* What the fixtures carry (see fixtures/photos/make.sh): none of it may
 * survive, and the tests check that exiftool saw it in the input. */
static const char *const secrets[] = {
	"GPS", "Someone", "secret", "PhoneCo", "LaoCai", "Comment", "Creator", "Orientation", "Thumbnail",
	"Date", "ICC", "IPTC", "XMP", "Exif", "Location", "Description", "Warning", "Error",
};

/* exiftool groups a stripped image may still show: the file itself and
 * what is needed to draw it. */
static const char *const groups_ok[] = { "File", "JFIF", "Adobe", "PNG", "PNG-pHYs", "RIFF", "Composite" };

/* Reads a fixture into a malloc'd buffer of exactly its size. */
static unsigned char *
load(const char *name, size_t *len)
{
	char path[256];
	snprintf(path, sizeof(path), PHOTOS "%s", name);
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		fail_msg("cannot open %s (run the tests from the repository root)", path);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	long n = ftell(f);
	assert_true(n > 0);
	rewind(f);
	unsigned char *p = malloc((size_t)n);
	assert_non_null(p);
	assert_int_equal(fread(p, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return p;
}

/* Writes data to a temporary file with extension ext, runs
 * `exiftool -a -G1 -s` on it and returns its report (malloc'd). A missing
 * exiftool fails the test: skipping would hide the one check that matters. */
static char *
exiftool(const unsigned char *data, size_t len, const char *ext)
{
	char path[64], cmd[128];
	int n = snprintf(path, sizeof(path), "/tmp/test_photo_XXXXXX.%s", ext);
	int fd = mkstemps(path, (int)strlen(ext) + 1);
	assert_true(n > 0 && fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
	snprintf(cmd, sizeof(cmd), "exiftool -a -G1 -s '%s' 2>&1", path);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	size_t cap = 1 << 16, got = 0, r;
	char *out = malloc(cap);
	assert_non_null(out);
	while ((r = fread(out + got, 1, cap - 1 - got, p)) > 0)
		got += r;
	out[got] = '\0';
	int status = pclose(p);
	unlink(path);
	if (status != 0)
		fail_msg("exiftool failed (status %d; is libimage-exiftool-perl installed?): %.200s", status, out);
	return out;
}

static void
assert_contains(const char *report, const char *what)
{
	if (strstr(report, what) == NULL)
		fail_msg("exiftool did not report \"%s\"", what);
}

/* Every line of the report is about the file or the picture; no line
 * carries any planted secret or a warning. */
static void
assert_no_metadata(const char *report)
{
	const char *line = report;
	while (*line) {
		const char *eol = strchr(line, '\n');
		size_t n = eol ? (size_t)(eol - line) : strlen(line);
		char l[512];
		snprintf(l, sizeof(l), "%.*s", (int)(n < sizeof(l) - 1 ? n : sizeof(l) - 1), line);
		line += eol ? n + 1 : n;
		if (strncmp(l, "[System]", 8) == 0 || strstr(l, "ExifToolVersion") != NULL)
			continue;
		char *rb = strchr(l, ']');
		if (l[0] != '[' || rb == NULL)
			fail_msg("unexpected exiftool line: %.200s", l);
		bool ok = false;
		for (size_t i = 0; i < sizeof(groups_ok) / sizeof(groups_ok[0]); i++)
			ok |= (size_t)(rb - l - 1) == strlen(groups_ok[i]) && strncmp(l + 1, groups_ok[i], strlen(groups_ok[i])) == 0;
		if (!ok)
			fail_msg("metadata left: %.200s", l);
		for (size_t i = 0; i < sizeof(secrets) / sizeof(secrets[0]); i++)
			if (strstr(l, secrets[i]) != NULL)
				fail_msg("\"%s\" left: %.200s", secrets[i], l);
	}
}

/* Strips a fixture and checks the result with exiftool: the input showed
 * what we planted (so the test can fail), the output shows none of it,
 * and is still an image of the same size. Returns the stripped copy. */
static unsigned char *
strip_checked(struct arena *a, const char *name, enum photo_type want, const char *ext, const char *size,
    size_t *outlen, const char *const planted[], size_t nplanted)
{
	size_t len;
	unsigned char *in = load(name, &len), *out;
	enum photo_type t;

	assert_int_equal(photo_sniff(in, len), want);
	char *before = exiftool(in, len, ext);
	for (size_t i = 0; i < nplanted; i++)
		assert_contains(before, planted[i]);
	assert_int_equal(photo_strip(a, in, len, &out, outlen, &t), PHOTO_OK);
	assert_int_equal(t, want);
	assert_true(*outlen < len);
	assert_int_equal(photo_sniff(out, *outlen), want);
	char *after = exiftool(out, *outlen, ext);
	assert_no_metadata(after);
	assert_contains(after, size);
	free(before);
	free(after);
	free(in);
	return out;
}

/* The PNG chunk types of p[0..n), space-separated, into s. */
static void
png_chunks(const unsigned char *p, size_t n, char *s, size_t cap)
{
	size_t i = 8, k = 0;
	s[0] = '\0';
	while (i + 12 <= n && k + 6 < cap) {
		size_t len = (size_t)p[i] << 24 | (size_t)p[i + 1] << 16 | (size_t)p[i + 2] << 8 | p[i + 3];
		k += (size_t)snprintf(s + k, cap - k, "%s%.4s", k ? " " : "", (const char *)p + i + 4);
		i += 12 + len;
	}
}

static uint32_t
le32(const unsigned char *p)
{
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

/* The WebP chunk FourCCs of p[0..n) (frame chunks in brackets) into s. */
static void
webp_chunks(const unsigned char *p, size_t n, char *s, size_t cap)
{
	size_t i = 12, k = 0;
	s[0] = '\0';
	while (i + 8 <= n && k + 16 < cap) {
		size_t len = le32(p + i + 4);
		k += (size_t)snprintf(s + k, cap - k, "%s%.4s", k ? " " : "", (const char *)p + i);
		if (memcmp(p + i, "ANMF", 4) == 0) {
			size_t j = i + 8 + 16;
			k += (size_t)snprintf(s + k, cap - k, " [");
			for (bool first = true; j + 8 <= i + 8 + len && k + 16 < cap; first = false) {
				size_t sub = le32(p + j + 4);
				k += (size_t)snprintf(s + k, cap - k, "%s%.4s", first ? "" : " ", (const char *)p + j);
				j += 8 + sub + (sub & 1);
			}
			k += (size_t)snprintf(s + k, cap - k, "]");
		}
		i += 8 + len + (len & 1);
	}
}

/* True when needle occurs in hay. */
static bool
has_bytes(const unsigned char *hay, size_t n, const void *needle, size_t m)
{
	return memmem(hay, n, needle, m) != NULL;
}

/* ---- sniffing ---- */

static void
test_sniff(void **state)
{
	static const struct { const char *name; enum photo_type t; } files[] = {
		{ "gps.jpg", PHOTO_JPEG }, { "gps_progressive.jpg", PHOTO_JPEG }, { "gps_cmyk.jpg", PHOTO_JPEG },
		{ "clean.jpg", PHOTO_JPEG }, { "meta.png", PHOTO_PNG }, { "clean.png", PHOTO_PNG },
		{ "gps.webp", PHOTO_WEBP }, { "anim.webp", PHOTO_WEBP }, { "clean.webp", PHOTO_WEBP },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		size_t len;
		unsigned char *p = load(files[i].name, &len);
		assert_int_equal(photo_sniff(p, len), files[i].t);
		free(p);
	}
#define SNIFF(lit) photo_sniff((const unsigned char *)(lit), sizeof(lit) - 1)
	assert_int_equal(SNIFF("\xFF\xD8\xFF"), PHOTO_JPEG);
	assert_int_equal(SNIFF("\x89PNG\r\n\x1A\n"), PHOTO_PNG);
	assert_int_equal(SNIFF("RIFF\0\0\0\0WEBP"), PHOTO_WEBP);
	assert_int_equal(SNIFF(""), PHOTO_NONE);
	assert_int_equal(SNIFF("\xFF\xD8"), PHOTO_NONE);
	assert_int_equal(SNIFF("\x89PNG\r\n\x1A"), PHOTO_NONE);
	assert_int_equal(SNIFF("\x89PNG\n\n\x1A\n"), PHOTO_NONE);     /* mangled by a text transfer */
	assert_int_equal(SNIFF("RIFF\0\0\0\0WAVEfmt "), PHOTO_NONE);
	assert_int_equal(SNIFF("RIFF\0\0\0\0WEB"), PHOTO_NONE);
	assert_int_equal(SNIFF("GIF89a\x01\0\x01\0"), PHOTO_NONE);
	assert_int_equal(SNIFF("%PDF-1.7\n"), PHOTO_NONE);
	assert_int_equal(SNIFF("\0\0\0\x18" "ftypheic\0\0\0\0"), PHOTO_NONE);
	assert_int_equal(SNIFF("<svg xmlns=\"http://www.w3.org/2000/svg\"/>"), PHOTO_NONE);
	assert_int_equal(SNIFF("BM\x3A\0\0\0"), PHOTO_NONE);
#undef SNIFF
}

static void
test_mime(void **state)
{
	(void)state;
	assert_string_equal(photo_mime(PHOTO_JPEG), "image/jpeg");
	assert_string_equal(photo_mime(PHOTO_PNG), "image/png");
	assert_string_equal(photo_mime(PHOTO_WEBP), "image/webp");
	assert_string_equal(photo_mime(PHOTO_NONE), "application/octet-stream");
	assert_string_equal(photo_mime(PHOTO__MAX), "application/octet-stream");
}

/* ---- JPEG ---- */

static void
test_jpeg_gps(void **state)
{
	static const char *const planted[] = {
		"[GPS]", "GPSLatitude", "GPSPosition", "Someone", "secret", "PhoneCo", "LaoCai", "Orientation",
		"ThumbnailImage", "[ICC_Profile]", "[IPTC]", "[XMP-dc]", "[IFD0]",
	};
	size_t n, cn;
	unsigned char *out = strip_checked(*state, "gps.jpg", PHOTO_JPEG, "jpg", ": 32x24", &n, planted,
	    sizeof(planted) / sizeof(planted[0]));
	/* the fixture is clean.jpg with metadata added: exactly that comes back */
	unsigned char *clean = load("clean.jpg", &cn);
	assert_int_equal(n, cn);
	assert_memory_equal(out, clean, cn);
	free(clean);
}

static void
test_jpeg_progressive(void **state)
{
	static const char *const planted[] = { "GPSLatitude", "Someone", "secret" };
	size_t n;
	unsigned char *out = strip_checked(*state, "gps_progressive.jpg", PHOTO_JPEG, "jpg", ": 32x24", &n, planted,
	    sizeof(planted) / sizeof(planted[0]));
	/* ten scans, each with its own Huffman tables between them: all kept */
	size_t len, sos = 0;
	unsigned char *in = load("gps_progressive.jpg", &len);
	for (size_t i = 0; i + 1 < n; i++)
		sos += out[i] == 0xFF && out[i + 1] == 0xDA;
	assert_int_equal(sos, 10);
	assert_memory_equal(out + n - 2, "\xFF\xD9", 2);
	free(in);
	char *r = exiftool(out, n, "jpg");
	assert_contains(r, "Progressive DCT");
	free(r);
}

static void
test_jpeg_adobe_kept(void **state)
{
	static const char *const planted[] = { "GPSLatitude", "secret", "[Adobe]" };
	size_t n;
	unsigned char *out = strip_checked(*state, "gps_cmyk.jpg", PHOTO_JPEG, "jpg", ": 32x24", &n, planted,
	    sizeof(planted) / sizeof(planted[0]));
	/* APP14 "Adobe" says the data is YCCK: without it the colours are wrong */
	assert_true(has_bytes(out, n, "\xFF\xEE\x00\x0E" "Adobe", 9));
	char *r = exiftool(out, n, "jpg");
	assert_contains(r, "ColorTransform                  : YCCK");
	free(r);
}

static void
test_jpeg_clean_identical(void **state)
{
	size_t len, n;
	unsigned char *in = load("clean.jpg", &len), *out;
	enum photo_type t;
	assert_int_equal(photo_strip(*state, in, len, &out, &n, &t), PHOTO_OK);
	assert_int_equal(n, len);
	assert_memory_equal(out, in, len);
	free(in);
}

/* Phones append second images and vendor trailers (with places in them)
 * after EOI: they go. */
static void
test_jpeg_after_eoi(void **state)
{
	static const char trailer[] = "\xFF\xD8\xFF\xE1 secret second image with GPS";
	size_t len, cn, n;
	unsigned char *in = load("gps.jpg", &len), *clean = load("clean.jpg", &cn), *out;
	enum photo_type t;
	unsigned char *big = malloc(len + sizeof(trailer));
	assert_non_null(big);
	memcpy(big, in, len);
	memcpy(big + len, trailer, sizeof(trailer));
	assert_int_equal(photo_strip(*state, big, len + sizeof(trailer), &out, &n, &t), PHOTO_OK);
	assert_int_equal(n, cn);
	assert_memory_equal(out, clean, cn);
	free(big);
	free(in);
	free(clean);
}

/* A JFIF APP0 may carry a thumbnail: the header stays, the thumbnail goes. */
static void
test_jpeg_jfif_thumbnail(void **state)
{
	/* JFIF 1.01, no units, density 1×1, a 1×1 RGB thumbnail */
	static const unsigned char app0[] = {
		0xFF, 0xE0, 0x00, 0x13, 'J', 'F', 'I', 'F', 0, 1, 1, 0, 0, 1, 0, 1, 1, 1, 0xAA, 0xBB, 0xCC,
	};
	size_t cn, n;
	unsigned char *clean = load("clean.jpg", &cn), *out;
	enum photo_type t;
	assert_memory_equal(clean + 2, "\xFF\xE0\x00\x10JFIF", 9);
	unsigned char *in = malloc(cn + 3);
	assert_non_null(in);
	memcpy(in, clean, 2);
	memcpy(in + 2, app0, sizeof(app0));
	memcpy(in + 2 + sizeof(app0), clean + 20, cn - 20);
	assert_int_equal(photo_strip(*state, in, cn + 3, &out, &n, &t), PHOTO_OK);
	assert_int_equal(n, cn);
	assert_memory_equal(out, clean, cn);
	free(in);
	free(clean);
}

/* Every strict prefix of an image is refused, and nothing is read past its
 * end (each prefix is an exact-size copy, for AddressSanitizer). */
static void
assert_prefixes_fail(struct arena *a, const char *name)
{
	size_t len, n;
	unsigned char *in = load(name, &len), *out;
	enum photo_type t;
	for (size_t k = 0; k < len; k++) {
		unsigned char *p = malloc(k ? k : 1);
		assert_non_null(p);
		memcpy(p, in, k);
		int rc = photo_strip(a, p, k, &out, &n, &t);
		if (rc == PHOTO_OK)
			fail_msg("%s cut to %zu of %zu bytes was accepted", name, k, len);
		assert_null(out);
		assert_int_equal(n, 0);
		free(p);
		arena_reset(a);
	}
	free(in);
}

static void
test_truncated(void **state)
{
	assert_prefixes_fail(*state, "clean.jpg");
	assert_prefixes_fail(*state, "gps_progressive.jpg");
	assert_prefixes_fail(*state, "clean.png");
	assert_prefixes_fail(*state, "meta.png");
	assert_prefixes_fail(*state, "gps.webp");
	assert_prefixes_fail(*state, "anim.webp");
	assert_prefixes_fail(*state, "clean.webp");
}

/* Strips a copy of base[0..len) with byte `at` set to v; returns the code. */
static int
strip_patched(struct arena *a, const unsigned char *base, size_t len, size_t at, unsigned char v)
{
	unsigned char *p = malloc(len), *out;
	size_t n;
	enum photo_type t;
	assert_non_null(p);
	memcpy(p, base, len);
	assert_true(at < len);
	p[at] = v;
	int rc = photo_strip(a, p, len, &out, &n, &t);
	free(p);
	return rc;
}

static void
test_jpeg_bad_lengths(void **state)
{
	struct arena *a = *state;
	size_t len;
	unsigned char *in = load("clean.jpg", &len);
	/* clean.jpg: SOI, APP0 at 2 (16 bytes), DQT at 20 */
	assert_memory_equal(in + 20, "\xFF\xDB\x00\x43", 4);
	assert_int_equal(strip_patched(a, in, len, 22, 0xFF), PHOTO_ERR_MALFORMED);   /* DQT runs past the end */
	assert_int_equal(strip_patched(a, in, len, 22, 0x01), PHOTO_ERR_MALFORMED);   /* 323 bytes: past the end too */
	unsigned char *p = malloc(len);
	assert_non_null(p);
	memcpy(p, in, len);
	p[22] = 0;
	p[23] = 1;                                                                    /* length 1: less than itself */
	unsigned char *out;
	size_t n;
	enum photo_type t;
	assert_int_equal(photo_strip(a, p, len, &out, &n, &t), PHOTO_ERR_MALFORMED);
	p[23] = 0;
	assert_int_equal(photo_strip(a, p, len, &out, &n, &t), PHOTO_ERR_MALFORMED);
	free(p);
	assert_int_equal(strip_patched(a, in, len, 21, 0x02), PHOTO_ERR_MALFORMED);   /* reserved marker */
	assert_int_equal(strip_patched(a, in, len, 21, 0xF7), PHOTO_ERR_MALFORMED);   /* JPEG-LS: not for us */
	assert_int_equal(strip_patched(a, in, len, 21, 0xD8), PHOTO_ERR_MALFORMED);   /* a second SOI */
	assert_int_equal(strip_patched(a, in, len, 20, 0x00), PHOTO_ERR_MALFORMED);   /* not a marker */
	assert_int_equal(strip_patched(a, in, len, 21, 0xDB), PHOTO_OK);
	/* a JPEG header followed by garbage */
	static const unsigned char garbage[] = {
		0xFF, 0xD8, 0xFF, 0xE1, 0xFF, 0xFF, 'E', 'x', 'i', 'f', 0, 0, 0x12, 0x34, 0x56, 0x78,
	};
	assert_int_equal(photo_strip(a, garbage, sizeof(garbage), &out, &n, &t), PHOTO_ERR_MALFORMED);
	assert_int_equal(t, PHOTO_JPEG);
	/* SOI then EOI: no picture */
	assert_int_equal(photo_strip(a, (const unsigned char *)"\xFF\xD8\xFF\xD9", 4, &out, &n, &t), PHOTO_ERR_MALFORMED);
	/* SOS before any frame header */
	static const unsigned char nosof[] = {
		0xFF, 0xD8, 0xFF, 0xDA, 0x00, 0x08, 1, 1, 0, 0, 63, 0, 0x12, 0x34, 0xFF, 0xD9,
	};
	assert_int_equal(photo_strip(a, nosof, sizeof(nosof), &out, &n, &t), PHOTO_ERR_MALFORMED);
	free(in);
}

/* ---- PNG ---- */

static void
test_png_meta(void **state)
{
	static const char *const planted[] = {
		"[GPS]", "GPSLatitude", "Someone", "[PNG]           Comment", "Tiếng nói ở Lào Cai", "ModifyDate",
		"secret place near the factory gate", "[XMP-dc]",
	};
	size_t n, len;
	char got[256];
	unsigned char *out = strip_checked(*state, "meta.png", PHOTO_PNG, "png", ": 32x24", &n, planted,
	    sizeof(planted) / sizeof(planted[0]));
	unsigned char *in = load("meta.png", &len);
	png_chunks(in, len, got, sizeof(got));
	assert_string_equal(got, "IHDR gAMA cHRM bKGD tEXt iTXt iTXt eXIf pHYs tIME zTXt prVt IDAT IEND");
	png_chunks(out, n, got, sizeof(got));
	assert_string_equal(got, "IHDR gAMA cHRM bKGD pHYs IDAT IEND");
	/* kept chunks are the input's bytes, CRCs included: IHDR..bKGD, then pHYs, then IDAT..IEND */
	size_t head = 8 + 25 + 16 + 44 + 18;
	assert_memory_equal(out, in, head);
	assert_true(has_bytes(in, len, out + head, 21));
	assert_memory_equal(out + head + 21, in + len - (n - head - 21), n - head - 21);
	assert_false(has_bytes(out, n, "secret", 6));
	free(in);
}

static void
test_png_clean_identical(void **state)
{
	size_t len, n;
	unsigned char *in = load("clean.png", &len), *out;
	enum photo_type t;
	char got[128];
	assert_int_equal(photo_strip(*state, in, len, &out, &n, &t), PHOTO_OK);
	assert_int_equal(t, PHOTO_PNG);
	assert_int_equal(n, len);
	assert_memory_equal(out, in, len);
	png_chunks(out, n, got, sizeof(got));
	assert_string_equal(got, "IHDR PLTE tRNS IDAT IEND");
	free(in);
}

/* Writes a PNG chunk with a correct CRC at p; returns its size. */
static size_t
png_put_chunk(unsigned char *p, const char *type, const void *data, size_t n)
{
	static const uint32_t t[16] = {
		0x00000000, 0x1DB71064, 0x3B6E20C8, 0x26D930AC, 0x76DC4190, 0x6B6B51F4, 0x4DB26158, 0x5005713C,
		0xEDB88320, 0xF00F9344, 0xD6D6A3E8, 0xCB61B38C, 0x9B64C2B0, 0x86D3D2D4, 0xA00AE278, 0xBDBDF21C,
	};
	p[0] = (unsigned char)(n >> 24);
	p[1] = (unsigned char)(n >> 16);
	p[2] = (unsigned char)(n >> 8);
	p[3] = (unsigned char)n;
	memcpy(p + 4, type, 4);
	memcpy(p + 8, data, n);
	uint32_t c = 0xFFFFFFFF;
	for (size_t i = 4; i < 8 + n; i++) {
		c ^= p[i];
		c = (c >> 4) ^ t[c & 15];
		c = (c >> 4) ^ t[c & 15];
	}
	c ^= 0xFFFFFFFF;
	p[8 + n] = (unsigned char)(c >> 24);
	p[9 + n] = (unsigned char)(c >> 16);
	p[10 + n] = (unsigned char)(c >> 8);
	p[11 + n] = (unsigned char)c;
	return 12 + n;
}

static void
test_png_bad(void **state)
{
	struct arena *a = *state;
	size_t len, n;
	unsigned char *in = load("clean.png", &len), *out;
	enum photo_type t;
	/* clean.png: signature, IHDR at 8 (25 bytes), PLTE at 33 (21), tRNS at 54 (13), IDAT at 67, IEND */
	assert_memory_equal(in + 67 + 4, "IDAT", 4);
	assert_int_equal(strip_patched(a, in, len, 67 + 2, 0x7F), PHOTO_ERR_MALFORMED);   /* IDAT past the end */
	assert_int_equal(strip_patched(a, in, len, 67, 0x80), PHOTO_ERR_MALFORMED);       /* length over 2^31 */
	assert_int_equal(strip_patched(a, in, len, 67 + 3, 0x00), PHOTO_ERR_MALFORMED);   /* empty: CRC is wrong */
	assert_int_equal(strip_patched(a, in, len, 67 + 9, in[67 + 9] ^ 1), PHOTO_ERR_MALFORMED);   /* bad CRC */
	assert_int_equal(strip_patched(a, in, len, 67 + 4, '1'), PHOTO_ERR_MALFORMED);    /* not a chunk name */
	assert_int_equal(strip_patched(a, in, len, 8 + 3, 14), PHOTO_ERR_MALFORMED);      /* IHDR of 14 bytes */
	assert_int_equal(strip_patched(a, in, len, 1, 'p'), PHOTO_ERR_TYPE);              /* signature */

	unsigned char *buf = malloc(len + 64);
	assert_non_null(buf);
	/* chunks after IEND are not part of the image: dropped */
	memcpy(buf, in, len);
	size_t extra = png_put_chunk(buf + len, "tEXt", "Comment\0secret", 14);
	assert_int_equal(photo_strip(a, buf, len + extra, &out, &n, &t), PHOTO_OK);
	assert_int_equal(n, len);
	assert_memory_equal(out, in, len);
	/* an unknown critical chunk (Apple's CgBI) cannot be drawn: refused */
	memcpy(buf, in, 33);
	size_t k = 33 + png_put_chunk(buf + 33, "CgBI", "\x50\x00\x20\x06", 4);
	memcpy(buf + k, in + 33, len - 33);
	assert_int_equal(photo_strip(a, buf, k + len - 33, &out, &n, &t), PHOTO_ERR_MALFORMED);
	/* an unknown ancillary one is dropped */
	buf[33 + 4] = 'c';
	png_put_chunk(buf + 33, "cgBI", "\x50\x00\x20\x06", 4);
	assert_int_equal(photo_strip(a, buf, k + len - 33, &out, &n, &t), PHOTO_OK);
	assert_int_equal(n, len);
	assert_memory_equal(out, in, len);
	/* IHDR not first */
	memcpy(buf, in, 8);
	k = 8 + png_put_chunk(buf + 8, "gAMA", "\0\0\xB1\x8F", 4);
	memcpy(buf + k, in + 8, len - 8);
	assert_int_equal(photo_strip(a, buf, k + len - 8, &out, &n, &t), PHOTO_ERR_MALFORMED);
	/* two IHDRs */
	memcpy(buf, in, 33);
	memcpy(buf + 33, in + 8, len - 8);
	assert_int_equal(photo_strip(a, buf, len + 25, &out, &n, &t), PHOTO_ERR_MALFORMED);
	/* no IDAT */
	memcpy(buf, in, 67);
	k = 67 + png_put_chunk(buf + 67, "IEND", "", 0);
	assert_int_equal(photo_strip(a, buf, k, &out, &n, &t), PHOTO_ERR_MALFORMED);
	/* IEND with data */
	memcpy(buf, in, len - 12);
	k = len - 12 + png_put_chunk(buf + len - 12, "IEND", "x", 1);
	assert_int_equal(photo_strip(a, buf, k, &out, &n, &t), PHOTO_ERR_MALFORMED);
	free(buf);
	free(in);
}

/* ---- WebP ---- */

static void
test_webp_gps(void **state)
{
	static const char *const planted[] = { "[GPS]", "GPSLatitude", "Someone", "PhoneCo", "[ICC_Profile]", "[XMP-dc]" };
	size_t n, len;
	char got[256];
	unsigned char *out = strip_checked(*state, "gps.webp", PHOTO_WEBP, "webp", ": 32x24", &n, planted,
	    sizeof(planted) / sizeof(planted[0]));
	unsigned char *in = load("gps.webp", &len);
	webp_chunks(in, len, got, sizeof(got));
	assert_string_equal(got, "VP8X ICCP ALPH VP8  EXIF XMP ");
	assert_int_equal(in[20], 0x3C);                 /* ICC, alpha, EXIF, XMP */
	webp_chunks(out, n, got, sizeof(got));
	assert_string_equal(got, "VP8X ALPH VP8 ");
	assert_int_equal(out[20], 0x10);                /* alpha only */
	assert_int_equal(le32(out + 4), n - 8);
	/* VP8X (but its flags), ALPH and VP8 are the input's bytes */
	assert_memory_equal(out + 12, in + 12, 8);
	assert_memory_equal(out + 21, in + 21, 9);
	assert_true(has_bytes(in, len, out + 30, n - 30));
	free(in);
}

static void
test_webp_anim(void **state)
{
	static const char *const planted[] = {
		"GPSLatitude", "Someone", "WebP_Flags                      : Animation, XMP, EXIF",
	};
	size_t n, len;
	char got[256];
	unsigned char *out = strip_checked(*state, "anim.webp", PHOTO_WEBP, "webp", ": 16x12", &n, planted,
	    sizeof(planted) / sizeof(planted[0]));
	unsigned char *in = load("anim.webp", &len);
	webp_chunks(in, len, got, sizeof(got));
	assert_string_equal(got, "VP8X ANIM tnOI ANMF [VP8  XTRA] ANMF [VP8L] EXIF XMP ");
	webp_chunks(out, n, got, sizeof(got));
	assert_string_equal(got, "VP8X ANIM ANMF [VP8 ] ANMF [VP8L]");
	assert_int_equal(out[20], 0x02);                /* animation only */
	assert_int_equal(le32(out + 4), n - 8);
	assert_false(has_bytes(out, n, "secret", 6));   /* planted in the unknown chunks */
	char *r = exiftool(out, n, "webp");
	assert_contains(r, "WebP_Flags                      : Animation\n");
	assert_contains(r, "Duration                        : 0.30 s");
	free(r);
	free(in);
}

static void
test_webp_clean_identical(void **state)
{
	size_t len, n;
	unsigned char *in = load("clean.webp", &len), *out;
	enum photo_type t;
	assert_int_equal(photo_strip(*state, in, len, &out, &n, &t), PHOTO_OK);
	assert_int_equal(t, PHOTO_WEBP);
	assert_int_equal(n, len);
	assert_memory_equal(out, in, len);
	free(in);
}

static void
test_webp_bad(void **state)
{
	struct arena *a = *state;
	size_t len, n;
	unsigned char *in = load("gps.webp", &len), *out;
	enum photo_type t;
	/* gps.webp: RIFF header, VP8X at 12 (18 bytes), ICCP at 30 */
	assert_int_equal(strip_patched(a, in, len, 4, in[4] + 2), PHOTO_ERR_MALFORMED);   /* RIFF past the end */
	assert_int_equal(strip_patched(a, in, len, 7, 0x80), PHOTO_ERR_MALFORMED);
	assert_int_equal(strip_patched(a, in, len, 34 + 2, 0x10), PHOTO_ERR_MALFORMED);   /* ICCP past the RIFF */
	assert_int_equal(strip_patched(a, in, len, 34 + 3, 0xFF), PHOTO_ERR_MALFORMED);
	assert_int_equal(strip_patched(a, in, len, 16, 9), PHOTO_ERR_MALFORMED);          /* VP8X of 9 bytes */
	assert_int_equal(strip_patched(a, in, len, 12, 'Z'), PHOTO_ERR_MALFORMED);        /* first is not VP8X */

	unsigned char *buf = malloc(len + 64);
	assert_non_null(buf);
	/* bytes after the RIFF end are dropped */
	memcpy(buf, in, len);
	memcpy(buf + len, "EXIF\x06\0\0\0secret", 14);
	assert_int_equal(photo_strip(a, buf, len + 14, &out, &n, &t), PHOTO_OK);
	assert_false(has_bytes(out, n, "secret", 6));
	assert_int_equal(le32(out + 4), n - 8);
	free(buf);
	free(in);

	/* a simple lossless file: odd sizes, missing pad, bad signature, two bitstreams */
	in = load("clean.webp", &len);
	assert_int_equal(len, 64);
	assert_memory_equal(in + 12, "VP8L\x2C\0\0\0\x2F", 9);
	assert_int_equal(strip_patched(a, in, len, 20, 0x2E), PHOTO_ERR_MALFORMED);       /* VP8L signature */
	assert_int_equal(strip_patched(a, in, len, 16, 0x2D), PHOTO_ERR_MALFORMED);       /* odd size, no pad */
	buf = malloc(2 * len);
	assert_non_null(buf);
	memcpy(buf, in, len);
	memcpy(buf + len, in + 12, len - 12);
	buf[4] = (unsigned char)(2 * len - 12 - 8);
	assert_int_equal(photo_strip(a, buf, 2 * len - 12, &out, &n, &t), PHOTO_ERR_MALFORMED);
	/* only a VP8X: no picture */
	static const unsigned char onlyx[] = "RIFF\x16\0\0\0WEBPVP8X\x0A\0\0\0\0\0\0\0\x0F\0\0\x0B\0\0";
	assert_int_equal(photo_strip(a, onlyx, sizeof(onlyx) - 1, &out, &n, &t), PHOTO_ERR_MALFORMED);
	/* a RIFF too short for any chunk */
	assert_int_equal(photo_strip(a, (const unsigned char *)"RIFF\x04\0\0\0WEBP", 12, &out, &n, &t),
	    PHOTO_ERR_MALFORMED);
	assert_int_equal(photo_strip(a, (const unsigned char *)"RIFF\x03\0\0\0WEBP", 12, &out, &n, &t),
	    PHOTO_ERR_MALFORMED);
	free(buf);
	free(in);
}

/* ---- not photos ---- */

static void
test_not_photos(void **state)
{
	struct arena *a = *state;
	static unsigned char dummy[1];
	unsigned char *out = dummy, rnd[4096];
	size_t n = 1;
	enum photo_type t = PHOTO_PNG;
	static const char gif[] = "GIF89a\x01\0\x01\0\x80\0\0\0\0\0\xFF\xFF\xFF!\xF9\x04\x01\0\0\0\0"
	    ",\0\0\0\0\x01\0\x01\0\0\x02\x02" "D\x01\0;";
	static const char pdf[] = "%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";
	static const char heic[] = "\0\0\0\x18" "ftypheic\0\0\0\0mif1heic";

	assert_int_equal(photo_strip(a, (const unsigned char *)gif, sizeof(gif) - 1, &out, &n, &t), PHOTO_ERR_TYPE);
	assert_null(out);
	assert_int_equal(n, 0);
	assert_int_equal(t, PHOTO_NONE);
	assert_int_equal(photo_strip(a, (const unsigned char *)pdf, sizeof(pdf) - 1, &out, &n, &t), PHOTO_ERR_TYPE);
	assert_int_equal(photo_strip(a, (const unsigned char *)heic, sizeof(heic) - 1, &out, &n, &t), PHOTO_ERR_TYPE);
	assert_int_equal(photo_strip(a, (const unsigned char *)"hello", 5, &out, &n, &t), PHOTO_ERR_TYPE);
	assert_int_equal(photo_strip(a, (const unsigned char *)"", 0, &out, &n, &t), PHOTO_ERR_TYPE);
	assert_int_equal(photo_strip(a, NULL, 0, &out, &n, &t), PHOTO_ERR_TYPE);
	uint32_t x = 2463534242u;
	for (size_t i = 0; i < sizeof(rnd); i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		rnd[i] = (unsigned char)x;
	}
	assert_int_equal(photo_sniff(rnd, sizeof(rnd)), PHOTO_NONE);
	assert_int_equal(photo_strip(a, rnd, sizeof(rnd), &out, &n, &t), PHOTO_ERR_TYPE);
	/* random bytes behind each magic */
	memcpy(rnd, "\xFF\xD8\xFF", 3);
	assert_int_equal(photo_strip(a, rnd, sizeof(rnd), &out, &n, &t), PHOTO_ERR_MALFORMED);
	memcpy(rnd, "\x89PNG\r\n\x1A\n", 8);
	assert_int_equal(photo_strip(a, rnd, sizeof(rnd), &out, &n, &t), PHOTO_ERR_MALFORMED);
	memcpy(rnd, "RIFF\xF4\x0F\0\0WEBP", 12);
	assert_int_equal(photo_strip(a, rnd, sizeof(rnd), &out, &n, &t), PHOTO_ERR_MALFORMED);
}

/* Flips random bytes of every fixture many times: whatever comes out, no
 * crash, no read outside the input (ASan), and an accepted result is a
 * well-started image no longer than its input with no planted text. */
static void
test_mutations(void **state)
{
	static const char *const names[] = {
		"gps.jpg", "gps_progressive.jpg", "meta.png", "clean.png", "gps.webp", "anim.webp",
	};
	struct arena *a = *state;
	uint32_t x = 88172645u;
	for (size_t f = 0; f < sizeof(names) / sizeof(names[0]); f++) {
		size_t len;
		unsigned char *in = load(names[f], &len);
		for (int round = 0; round < 300; round++) {
			unsigned char *p = malloc(len), *out;
			size_t n;
			enum photo_type t;
			assert_non_null(p);
			memcpy(p, in, len);
			for (int k = 0; k < 1 + round % 4; k++) {
				x ^= x << 13;
				x ^= x >> 17;
				x ^= x << 5;
				p[(x >> 8) % len] = (unsigned char)x;
			}
			int rc = photo_strip(a, p, len, &out, &n, &t);
			assert_true(rc >= PHOTO_OK && rc < PHOTO_ERR__MAX);
			if (rc == PHOTO_OK) {
				assert_true(n <= len);
				assert_int_equal(photo_sniff(out, n), t);
			}
			free(p);
			arena_reset(a);
		}
		free(in);
	}
}

static void
test_strerror(void **state)
{
	(void)state;
	for (int i = 0; i < PHOTO_ERR__MAX; i++) {
		assert_non_null(photo_strerror(i));
		for (int j = 0; j < i; j++)
			assert_string_not_equal(photo_strerror(i), photo_strerror(j));
	}
	assert_string_equal(photo_strerror(PHOTO_ERR__MAX), "unknown photo error");
	assert_string_equal(photo_strerror(-1), "unknown photo error");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sniff),
		cmocka_unit_test(test_mime),
		cmocka_unit_test_setup_teardown(test_jpeg_gps, arena_setup, arena_teardown),
		cmocka_unit_test_setup_teardown(test_jpeg_progressive, arena_setup, arena_teardown),
		cmocka_unit_test_setup_teardown(test_jpeg_adobe_kept, arena_setup, arena_teardown),
		cmocka_unit_test_setup_teardown(test_jpeg_clean_identical, arena_setup, arena_teardown),
		cmocka_unit_test_setup_teardown(test_jpeg_after_eoi, arena_setup, arena_teardown),
		cmocka_unit_test_setup_teardown(test_jpeg_jfif_thumbnail, arena_setup, arena_teardown),
		cmocka_unit_test_setup_teardown(test_jpeg_bad_lengths, arena_setup, arena_teardown),
		cmocka_unit_test_setup_teardown(test_truncated, arena_setup, arena_teardown),
		cmocka_unit_test_setup_teardown(test_png_meta, arena_setup, arena_teardown),
		cmocka_unit_test_setup_teardown(test_png_clean_identical, arena_setup, arena_teardown),
		cmocka_unit_test_setup_teardown(test_png_bad, arena_setup, arena_teardown),
		cmocka_unit_test_setup_teardown(test_webp_gps, arena_setup, arena_teardown),
		cmocka_unit_test_setup_teardown(test_webp_anim, arena_setup, arena_teardown),
		cmocka_unit_test_setup_teardown(test_webp_clean_identical, arena_setup, arena_teardown),
		cmocka_unit_test_setup_teardown(test_webp_bad, arena_setup, arena_teardown),
		cmocka_unit_test_setup_teardown(test_not_photos, arena_setup, arena_teardown),
		cmocka_unit_test_setup_teardown(test_mutations, arena_setup, arena_teardown),
		cmocka_unit_test(test_strerror),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
