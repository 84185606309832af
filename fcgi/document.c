/* document.c: case documents (decisions, minutes, payslips): type by content, images stripped like photos, names fit to store. */
#include <string.h>
#include <strings.h>

#include "app.h"
#include "arena.h"
#include "document.h"
#include "photo.h"

#define PDF_TAIL 1024   /* "%%EOF" must lie within the last 1024 bytes (PDF 32000-1, Annex H) */
#define PDF_HEAD 1024   /* the part of a PDF a browser would sniff as a web page */

/* True when hay[0..n) contains needle, ignoring ASCII case. */
static bool
contains_nocase(const unsigned char *hay, size_t n, const char *needle)
{
	size_t m = strlen(needle);
	for (size_t i = 0; m <= n && i <= n - m; i++)
		if (strncasecmp((const char *)hay + i, needle, m) == 0)
			return true;
	return false;
}

/* A PDF by its structure, not its name: the "%PDF-x.y" header, a
 * "startxref" and "%%EOF" in the tail (so a truncated upload is refused),
 * at least one object, and no HTML in the first kilobyte (a page that
 * merely starts with "%PDF-" to pass a naive check). */
bool
document_pdf_plausible(const unsigned char *p, size_t n)
{
	if (n < 32 || memcmp(p, "%PDF-", 5) != 0 || p[5] < '1' || p[5] > '2' || p[6] != '.' || p[7] < '0' || p[7] > '9')
		return false;
	size_t tail = n > PDF_TAIL ? n - PDF_TAIL : 0;
	if (memmem(p + tail, n - tail, "%%EOF", 5) == NULL || memmem(p + tail, n - tail, "startxref", 9) == NULL)
		return false;
	if (memmem(p, n, " obj", 4) == NULL && memmem(p, n, "\nobj", 4) == NULL && memmem(p, n, "\robj", 4) == NULL)
		return false;
	size_t head = n < PDF_HEAD ? n : PDF_HEAD;
	static const char *const html[] = { "<html", "<script", "<body", "<iframe", "<svg", "<!doctype" };
	for (size_t i = 0; i < sizeof(html) / sizeof(html[0]); i++)
		if (contains_nocase(p, head, html[i]))
			return false;
	return true;
}

/* Checks an uploaded document by content and gives the bytes to store:
 * a PDF exactly as sent (it is evidence: a signature or a hash quoted in a
 * decision only holds for the unchanged bytes, and PDF metadata carries no
 * position), an image through photo_strip exactly like a worker's photo,
 * so GPS and the camera's other metadata are never stored. *out is `in`
 * or in the arena; *mime is a static string. */
int
document_check(struct arena *a, const unsigned char *in, size_t len, const unsigned char **out, size_t *outlen,
    const char **mime)
{
	if (len == 0)
		return DOCUMENT_ERR_EMPTY;
	if (len > DOCUMENT_MAX)
		return DOCUMENT_ERR_TOO_LARGE;
	if (len >= 5 && memcmp(in, "%PDF-", 5) == 0) {
		if (!document_pdf_plausible(in, len))
			return DOCUMENT_ERR_PDF;
		*out = in;
		*outlen = len;
		*mime = "application/pdf";
		return DOCUMENT_OK;
	}
	if (photo_sniff(in, len) == PHOTO_NONE)
		return DOCUMENT_ERR_TYPE;
	unsigned char *clean;
	enum photo_type type;
	switch (photo_strip(a, in, len, &clean, outlen, &type)) {
	case PHOTO_OK: break;
	case PHOTO_ERR_NOMEM: return DOCUMENT_ERR_NOMEM;
	default: return DOCUMENT_ERR_IMAGE;
	}
	*out = clean;
	*mime = photo_mime(type);
	return DOCUMENT_OK;
}

/* The extensions a name may end in for each stored type; the first is
 * the one added when the name has none of them. */
static const struct { const char *mime; const char *ext[3]; } extensions[] = {
	{ "application/pdf", { ".pdf", NULL, NULL } },
	{ "image/jpeg", { ".jpg", ".jpeg", ".jpe" } },
	{ "image/png", { ".png", NULL, NULL } },
	{ "image/webp", { ".webp", NULL, NULL } },
};

#define NAME_MAX_CHARS 200   /* sql/009: case_attachment.filename */

/* The name to store for a document: the sanitised name the browser sent
 * (multipart.c already kept only the last path component, NFC, without
 * control characters or bidi overrides) ending in an extension of the type
 * found by content ("bien-ban.pdf" that is really a JPEG is stored as
 * "bien-ban.pdf.jpg", so nobody opens it with the wrong program), or
 * "tai-lieu" plus the extension when nothing was left. At most 200
 * characters, cut on a character boundary. In the arena; NULL when out of memory. */
const char *
document_filename(struct arena *a, const char *sent, const char *mime)
{
	const char *const *ext = NULL;
	for (size_t i = 0; i < sizeof(extensions) / sizeof(extensions[0]); i++)
		if (strcmp(extensions[i].mime, mime) == 0)
			ext = extensions[i].ext;
	if (ext == NULL)
		return NULL;
	const char *base = sent && *sent ? sent : "tai-lieu";
	size_t n = strlen(base);
	for (size_t i = 0; i < 3 && ext[i]; i++) {
		size_t m = strlen(ext[i]);
		if (n > m && strcasecmp(base + n - m, ext[i]) == 0 && n <= NAME_MAX_CHARS)
			return arena_strdup(a, base);
	}
	/* every character is at least one byte: keeping base to 200 - ext bytes keeps the characters under 200 */
	size_t keep = n, room = NAME_MAX_CHARS - strlen(ext[0]);
	if (keep > room) {
		keep = room;
		while (keep > 0 && ((unsigned char)base[keep] & 0xC0) == 0x80)
			keep--;
	}
	return arena_printf(a, "%.*s%s", (int)keep, base, ext[0]);
}
