/* text.c: strict UTF-8 validation and NFC normalisation of all text input. */
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "app.h"
#include "arena.h"
#include "text.h"

/* True when s[0..n) is well-formed UTF-8: no overlong forms, no surrogates,
 * nothing above U+10FFFF. */
bool
text_valid_utf8(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str, *e = s + n;
	while (s < e) {
		unsigned c = *s;
		if (c < 0x80) {
			s++;
			continue;
		}
		size_t len;
		unsigned min, cp;
		if ((c & 0xE0) == 0xC0) { len = 2; min = 0x80; cp = c & 0x1F; }
		else if ((c & 0xF0) == 0xE0) { len = 3; min = 0x800; cp = c & 0x0F; }
		else if ((c & 0xF8) == 0xF0) { len = 4; min = 0x10000; cp = c & 0x07; }
		else return false;
		if ((size_t)(e - s) < len)
			return false;
		for (size_t i = 1; i < len; i++) {
			if ((s[i] & 0xC0) != 0x80)
				return false;
			cp = (cp << 6) | (s[i] & 0x3F);
		}
		if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return false;
		s += len;
	}
	return true;
}

/* True when the text holds a control character other than tab, CR, LF
 * (NUL and the C1 range included): such bytes are never part of what a person typed. */
bool
text_has_controls(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F)
			return true;
		/* C1 controls U+0080-U+009F (UTF-8 C2 80-C2 9F); U+0085 breaks lines in some viewers */
		if (c == 0xC2 && i + 1 < n && (unsigned char)s[i + 1] >= 0x80 && (unsigned char)s[i + 1] <= 0x9F)
			return true;
	}
	return false;
}

#define NFC_FLAGS (UTF8PROC_STABLE | UTF8PROC_COMPOSE)

/* The NFC quick check's table: a bit for each code point of the Basic
 * Multilingual Plane that is its own NFC (utf8proc says so, with the
 * flags text_nfc uses), has combining class 0 and can never be the second
 * of a composition (nor can the first of its decomposition). A text made
 * only of such code points is already NFC: nothing in it reorders, each
 * stays itself, and no neighbour can compose with it. Most Vietnamese text
 * typed on a phone is, precomposed letters included; utf8proc then need
 * not decompose and recompose it. */
static unsigned char nfc_stable[0x10000 / 8];
static bool nfc_stable_ready;

static bool
bit(const unsigned char *set, long cp)
{
	return cp < 0x10000 && (set[cp >> 3] >> (cp & 7) & 1);
}

/* Fills nfc_stable (~20 ms): the seconds of compositions are the code
 * points after the first in a canonical decomposition, over all planes. */
void
text_nfc_init(void)
{
	static unsigned char second[0x10000 / 8];
	utf8proc_int32_t d[32];
	int boundclass = 0;
	if (nfc_stable_ready)
		return;
	for (long cp = 0; cp <= 0x10FFFF; cp++) {
		if (cp >= 0xD800 && cp <= 0xDFFF)
			continue;
		utf8proc_ssize_t n = utf8proc_decompose_char((utf8proc_int32_t)cp, d, 32, UTF8PROC_DECOMPOSE, &boundclass);
		for (utf8proc_ssize_t i = 1; i < n && n <= 32; i++)
			if (d[i] < 0x10000)
				second[d[i] >> 3] |= (unsigned char)(1u << (d[i] & 7));
	}
	for (long cp = 0; cp < 0x10000; cp++) {
		if ((cp >= 0xD800 && cp <= 0xDFFF) || utf8proc_get_property((utf8proc_int32_t)cp)->combining_class != 0)
			continue;
		boundclass = 0;
		utf8proc_ssize_t n = utf8proc_decompose_char((utf8proc_int32_t)cp, d, 32, UTF8PROC_DECOMPOSE, &boundclass);
		if (n < 1 || n > 32 || bit(second, d[0]))   /* d[0] is cp itself when it has no decomposition */
			continue;
		utf8proc_uint8_t one[4], *nfc = NULL;
		utf8proc_ssize_t len = utf8proc_encode_char((utf8proc_int32_t)cp, one);
		utf8proc_ssize_t got = utf8proc_map(one, len, &nfc, NFC_FLAGS);
		if (got == len && memcmp(nfc, one, (size_t)len) == 0)
			nfc_stable[cp >> 3] |= (unsigned char)(1u << (cp & 7));
		free(nfc);
	}
	nfc_stable_ready = true;
}

/* True when valid UTF-8 s[0..n) is made only of nfc_stable code points. */
static bool
nfc_quick(const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n; ) {
		long cp;
		if (s[i] < 0x80) {
			cp = s[i++];
		} else if ((s[i] & 0xE0) == 0xC0) {
			cp = (long)(s[i] & 0x1F) << 6 | (s[i + 1] & 0x3F);
			i += 2;
		} else if ((s[i] & 0xF0) == 0xE0) {
			cp = (long)(s[i] & 0x0F) << 12 | (long)(s[i + 1] & 0x3F) << 6 | (s[i + 2] & 0x3F);
			i += 3;
		} else {
			return false;   /* beyond the BMP: utf8proc decides */
		}
		if (!bit(nfc_stable, cp))
			return false;
	}
	return true;
}

/* Returns the NFC form of valid UTF-8 text in the arena (NULL on invalid
 * input or out of memory). ASCII needs no work and is copied as is, and
 * so is text the quick check finds already NFC. */
char *
text_nfc(struct arena *a, const char *s, size_t n)
{
	size_t i;
	for (i = 0; i < n && (unsigned char)s[i] < 0x80; i++)
		;
	if (i == n)
		return arena_strndup(a, s, n);
	if (!text_valid_utf8(s, n))
		return NULL;
	text_nfc_init();
	if (nfc_quick((const unsigned char *)s + i, n - i))
		return arena_strndup(a, s, n);
	utf8proc_uint8_t *dst = NULL;
	utf8proc_ssize_t len = utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n, &dst, NFC_FLAGS);
	if (len < 0)
		return NULL;
	char *out = arena_strndup(a, (const char *)dst, (size_t)len);
	free(dst);
	return out;
}

/* Counts code points (not bytes) in valid UTF-8. */
size_t
text_length(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

/* Trims ASCII white space at both ends, in place; returns s. */
char *
text_trim(char *s)
{
	char *p = s;
	while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
		p++;
	size_t n = strlen(p);
	while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t' || p[n - 1] == '\r' || p[n - 1] == '\n'))
		n--;
	memmove(s, p, n);
	s[n] = '\0';
	return s;
}

/* Copies the n bytes of `s` to `d` with every line break (CRLF, or a
 * lone CR) as one LF, and gives the new length (never more than n; `d`
 * may be `s`, and is not terminated). Browsers send CRLF but count a line
 * break as one character against maxlength, so every text value is
 * stored this way, from urlencoded and multipart bodies alike. */
size_t
text_lf(char *d, const char *s, size_t n)
{
	size_t j = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\r') {
			d[j++] = '\n';
			if (i + 1 < n && s[i + 1] == '\n')
				i++;
		} else {
			d[j++] = s[i];
		}
	}
	return j;
}
