/* multipart.c: parse a multipart/form-data body into named parts, strictly and within limits. */
#include <string.h>
#include <strings.h>

#include "app.h"
#include "arena.h"
#include "multipart.h"
#include "text.h"

#define MP_BOUNDARY_MAX 70     /* RFC 2046, section 5.1.1 */
#define MP_FILENAME_MAX 200    /* bytes kept of a sanitised filename */

static const char *const mp_errors[MP_ERR__MAX] = {
	"ok",                                          /* MP_OK */
	"not multipart/form-data",                     /* MP_ERR_CONTENT_TYPE */
	"no boundary parameter",                       /* MP_ERR_NO_BOUNDARY */
	"bad boundary parameter",                      /* MP_ERR_BAD_BOUNDARY */
	"malformed multipart body",                    /* MP_ERR_MALFORMED */
	"part header too large",                       /* MP_ERR_HEADER_TOO_LARGE */
	"too many parts",                              /* MP_ERR_TOO_MANY_PARTS */
	"field too large",                             /* MP_ERR_FIELD_TOO_LARGE */
	"file too large",                              /* MP_ERR_FILE_TOO_LARGE */
	"too many files",                              /* MP_ERR_TOO_MANY_FILES */
	"invalid UTF-8 in a field",                    /* MP_ERR_UTF8 */
	"control character in a field",                /* MP_ERR_CONTROL */
	"out of memory",                               /* MP_ERR_NOMEM */
};

/* One "key=value" parameter of a header value; val is unquoted, in the arena. */
struct param {
	const char *key;
	size_t keylen;
	char *val;
	size_t vallen;
};

/* RFC 9110 token character. */
static bool
is_tchar(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

/* RFC 2046 bcharsnospace. */
static bool
is_bchar(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c != '\0' && strchr("'()+_,-./:=?", c) != NULL);
}

static const char *
skip_ows(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	return p;
}

/* True when s[0..n) is the token t, ignoring ASCII case. */
static bool
token_is(const char *s, size_t n, const char *t)
{
	return n == strlen(t) && strncasecmp(s, t, n) == 0;
}

/* Reads the next "; key=value" of a header value from *pp (up to end).
 * A quoted value may hold any byte; in it a backslash escapes a following
 * '"' or backslash and is otherwise kept as is, since old browsers send
 * Windows paths ("C:\dir\a.jpg") unescaped. An unquoted value runs to the
 * next ';' or white space; its user checks what it holds. Returns 1 with
 * *out filled, 0 at the end of the value (a trailing ';' is allowed),
 * -1 when malformed, -2 when out of memory. */
static int
param_next(struct arena *a, const char **pp, const char *end, struct param *out)
{
	const char *p = skip_ows(*pp, end);
	if (p == end)
		return 0;
	if (*p != ';')
		return -1;
	p = skip_ows(p + 1, end);
	if (p == end) {
		*pp = p;
		return 0;
	}
	out->key = p;
	while (p < end && is_tchar((unsigned char)*p))
		p++;
	out->keylen = (size_t)(p - out->key);
	if (out->keylen == 0 || p == end || *p != '=')
		return -1;
	p++;
	if (p < end && *p == '"') {
		char *v = arena_alloc(a, (size_t)(end - p));
		size_t n = 0;
		if (v == NULL)
			return -2;
		for (p++;; p++) {
			if (p == end)
				return -1;            /* unterminated quoted string */
			if (*p == '"')
				break;
			if (*p == '\\' && p + 1 < end && (p[1] == '"' || p[1] == '\\'))
				p++;
			v[n++] = *p;
		}
		p++;
		v[n] = '\0';
		out->val = v;
		out->vallen = n;
	} else {
		const char *vs = p;
		while (p < end && *p != ';' && *p != ' ' && *p != '\t')
			p++;
		out->vallen = (size_t)(p - vs);
		if ((out->val = arena_strndup(a, vs, out->vallen)) == NULL)
			return -2;
	}
	*pp = p;
	return 1;
}

/* Reads the boundary from the request's Content-Type header and returns the
 * delimiter that ends a part, "\r\n--BOUNDARY", in the arena. */
static int
content_type_delimiter(struct arena *a, const char *ct, char **delim, size_t *dlen)
{
	struct param prm;
	char *b = NULL;
	size_t bn = 0;
	int r;

	if (ct == NULL)
		return MP_ERR_CONTENT_TYPE;
	const char *end = ct + strlen(ct);
	const char *p = skip_ows(ct, end), *ts = p;
	while (p < end && (is_tchar((unsigned char)*p) || *p == '/'))
		p++;
	if (!token_is(ts, (size_t)(p - ts), "multipart/form-data"))
		return MP_ERR_CONTENT_TYPE;
	while ((r = param_next(a, &p, end, &prm)) == 1) {
		if (!token_is(prm.key, prm.keylen, "boundary"))
			continue;
		if (b != NULL)
			return MP_ERR_BAD_BOUNDARY;     /* two boundaries: which one? */
		b = prm.val;
		bn = prm.vallen;
	}
	if (r == -2)
		return MP_ERR_NOMEM;
	if (r < 0)
		return MP_ERR_CONTENT_TYPE;
	if (b == NULL)
		return MP_ERR_NO_BOUNDARY;
	if (bn < 1 || bn > MP_BOUNDARY_MAX || b[bn - 1] == ' ')
		return MP_ERR_BAD_BOUNDARY;
	for (size_t i = 0; i < bn; i++)
		if (!is_bchar((unsigned char)b[i]) && b[i] != ' ')
			return MP_ERR_BAD_BOUNDARY;
	if ((*delim = arena_alloc(a, bn + 5)) == NULL)
		return MP_ERR_NOMEM;
	memcpy(*delim, "\r\n--", 4);
	memcpy(*delim + 4, b, bn);
	*dlen = bn + 4;
	return MP_OK;
}

/* Checks a name or plain value (UTF-8, no controls but tab, CR, LF) and
 * returns its NFC form in the arena, line breaks (CRLF, or a lone CR) as
 * LF: browsers send CRLF but count a line break as one character against
 * maxlength, and urlencoded values (req.c) are stored the same way. */
static int
text_value(struct arena *a, const char *s, size_t n, const char **out, size_t *outlen)
{
	char *d, *t;
	if (!text_valid_utf8(s, n))
		return MP_ERR_UTF8;
	if (text_has_controls(s, n))
		return MP_ERR_CONTROL;
	if ((d = arena_alloc(a, n + 1)) == NULL)
		return MP_ERR_NOMEM;
	if ((t = text_nfc(a, d, text_lf(d, s, n))) == NULL)
		return MP_ERR_NOMEM;
	*out = t;
	*outlen = strlen(t);
	return MP_OK;
}

/* Length of the well-formed UTF-8 character at s[0..n), or 0. */
static size_t
utf8_char_len(const unsigned char *s, size_t n)
{
	size_t len = s[0] < 0x80 ? 1 : (s[0] & 0xE0) == 0xC0 ? 2 : (s[0] & 0xF0) == 0xE0 ? 3 :
	    (s[0] & 0xF8) == 0xF0 ? 4 : 0;
	if (len == 0 || len > n || !text_valid_utf8((const char *)s, len))
		return 0;
	return len;
}

/* True for characters that only serve to disguise a name: C1 controls and
 * bidirectional overrides ("photo<RLO>gpj.exe" shows as "photoexe.jpg"). */
static bool
utf8_disguise(const unsigned char *s, size_t len)
{
	if (len == 2)
		return s[0] == 0xC2 && s[1] < 0xA0;                            /* U+0080..U+009F */
	if (len == 3 && s[0] == 0xE2 && s[1] == 0x80)
		return s[2] >= 0xAA && s[2] <= 0xAE;                           /* U+202A..U+202E */
	if (len == 3 && s[0] == 0xE2 && s[1] == 0x81)
		return s[2] >= 0xA6 && s[2] <= 0xA9;                           /* U+2066..U+2069 */
	return false;
}

/* Returns the sent filename made safe to show and store, in the arena: only
 * the last path component ('/' and '\\' both separate: old browsers send
 * whole Windows paths); control characters (NUL included), C1 controls,
 * bidirectional overrides and bytes that are not UTF-8 are dropped, not
 * refused, so an odd name never costs a worker the report; leading dots and
 * spaces go (no "..", no hidden files); the rest is NFC, cut to at most
 * MP_FILENAME_MAX bytes on a character boundary. May return "". NULL only
 * when out of memory. *not_utf8 tells whether bytes were dropped for not
 * being UTF-8, for callers that would rather ask for a better name. */
static char *
filename_sanitise(struct arena *a, const char *s, size_t n, bool *not_utf8)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t start = 0, m = 0;
	char *t, *nfc;

	for (size_t i = 0; i < n; i++)
		if (s[i] == '/' || s[i] == '\\')
			start = i + 1;
	if ((t = arena_alloc(a, n - start + 1)) == NULL)
		return NULL;
	for (size_t i = start; i < n;) {
		size_t len = utf8_char_len(u + i, n - i);
		if (len == 0) {
			i++;                                       /* not UTF-8: drop the byte */
			*not_utf8 = true;
			continue;
		}
		bool drop = (len == 1 && (u[i] < 0x20 || u[i] == 0x7F)) || utf8_disguise(u + i, len) ||
		    (m == 0 && (u[i] == '.' || u[i] == ' '));
		if (!drop) {
			memcpy(t + m, s + i, len);
			m += len;
		}
		i += len;
	}
	if ((nfc = text_nfc(a, t, m)) == NULL)
		return NULL;
	size_t cut = strlen(nfc);
	if (cut > MP_FILENAME_MAX) {
		cut = MP_FILENAME_MAX;
		while (cut > 0 && ((unsigned char)nfc[cut] & 0xC0) == 0x80)
			cut--;
		nfc[cut] = '\0';
	}
	return nfc;
}

/* Parses the value of a part's Content-Disposition header, which must be
 * "form-data" with a name and may carry a filename. filename* (RFC 5987) is
 * refused: RFC 7578 forbids it and guessing its charset is not worth it. */
static int
parse_disposition(struct arena *a, const char *p, const char *end, struct mp_part *part)
{
	struct param prm;
	const char *name = NULL, *filename = NULL, *ts = p;
	size_t namelen = 0, filenamelen = 0;
	int r;

	while (p < end && is_tchar((unsigned char)*p))
		p++;
	if (!token_is(ts, (size_t)(p - ts), "form-data"))
		return MP_ERR_MALFORMED;
	while ((r = param_next(a, &p, end, &prm)) == 1) {
		if (token_is(prm.key, prm.keylen, "name")) {
			if (name != NULL)
				return MP_ERR_MALFORMED;
			name = prm.val;
			namelen = prm.vallen;
		} else if (token_is(prm.key, prm.keylen, "filename")) {
			if (filename != NULL)
				return MP_ERR_MALFORMED;
			filename = prm.val;
			filenamelen = prm.vallen;
		} else if (token_is(prm.key, prm.keylen, "filename*")) {
			return MP_ERR_MALFORMED;
		}
	}
	if (r == -2)
		return MP_ERR_NOMEM;
	if (r < 0 || name == NULL || namelen == 0)
		return MP_ERR_MALFORMED;
	int rc = text_value(a, name, namelen, &part->name, &namelen);
	if (rc != MP_OK)
		return rc;
	if (filename != NULL && (part->filename = filename_sanitise(a, filename, filenamelen, &part->filename_not_utf8)) == NULL)
		return MP_ERR_NOMEM;
	return MP_OK;
}

/* Parses one header line s[0..end) of a part. Content-Disposition and
 * Content-Type may each appear once; other headers are ignored. A part that
 * is itself multipart (multipart/mixed, the old way to send several files)
 * is refused. */
static int
parse_header_line(struct arena *a, const char *s, const char *end, struct mp_part *part, bool *have_cd)
{
	const char *colon = memchr(s, ':', (size_t)(end - s));
	if (colon == NULL || colon == s)
		return MP_ERR_MALFORMED;
	for (const char *q = s; q < colon; q++)
		if (!is_tchar((unsigned char)*q))
			return MP_ERR_MALFORMED;
	const char *v = skip_ows(colon + 1, end), *ve = end;
	while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t'))
		ve--;
	size_t hn = (size_t)(colon - s), vn = (size_t)(ve - v);

	if (token_is(s, hn, "Content-Disposition")) {
		if (*have_cd)
			return MP_ERR_MALFORMED;
		*have_cd = true;
		return parse_disposition(a, v, ve, part);
	}
	if (token_is(s, hn, "Content-Type")) {
		if (part->content_type != NULL)
			return MP_ERR_MALFORMED;
		for (const unsigned char *q = (const unsigned char *)v; q < (const unsigned char *)ve; q++)
			if ((*q < 0x20 && *q != '\t') || *q >= 0x7F)
				return MP_ERR_MALFORMED;
		if (vn >= 10 && strncasecmp(v, "multipart/", 10) == 0)
			return MP_ERR_MALFORMED;
		if ((part->content_type = arena_strndup(a, v, vn)) == NULL)
			return MP_ERR_NOMEM;
	}
	return MP_OK;
}

/* Parses a part's header block starting at *pp, up to and including its
 * blank line, and leaves *pp at the first data byte. Lines end in CRLF; a
 * bare CR or LF, or a folded line, is malformed. The block may not exceed
 * max bytes: the scan stops there, so a huge header costs nothing. */
static int
parse_headers(struct arena *a, const char **pp, const char *end, size_t max, struct mp_part *part)
{
	const char *p = *pp;
	const char *limit = (size_t)(end - p) > max ? p + max : end;
	bool have_cd = false;
	int rc;

	for (;;) {
		const char *lf = memchr(p, '\n', (size_t)(limit - p));
		if (lf == NULL)
			return limit < end ? MP_ERR_HEADER_TOO_LARGE : MP_ERR_MALFORMED;
		if (lf == p || lf[-1] != '\r')
			return MP_ERR_MALFORMED;
		const char *le = lf - 1;
		if (memchr(p, '\r', (size_t)(le - p)) != NULL)
			return MP_ERR_MALFORMED;
		if (le == p) {
			p = lf + 1;
			break;
		}
		if (*p == ' ' || *p == '\t')
			return MP_ERR_MALFORMED;            /* obsolete line folding */
		if ((rc = parse_header_line(a, p, le, part, &have_cd)) != MP_OK)
			return rc;
		p = lf + 1;
	}
	if (!have_cd)
		return MP_ERR_MALFORMED;
	*pp = p;
	return MP_OK;
}

/* Appends a part to the form, growing its array in the arena. */
static int
form_push(struct arena *a, struct mp_form *f, size_t *cap, const struct mp_part *part)
{
	if (f->n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 8;
		struct mp_part *np = arena_alloc(a, ncap * sizeof(*np));
		if (np == NULL)
			return MP_ERR_NOMEM;
		if (f->n > 0)
			memcpy(np, f->parts, f->n * sizeof(*np));
		f->parts = np;
		*cap = ncap;
	}
	f->parts[f->n++] = *part;
	return MP_OK;
}

/* Parses the whole body[0..len) of a request whose Content-Type header is
 * content_type into out; names, filenames and plain values are copied into
 * the arena, file data points into body (keep it alive: normally it is in
 * the same arena). The body starts with a delimiter line or with a preamble
 * that is skipped; each delimiter line is "--BOUNDARY" then CRLF, the last
 * is "--BOUNDARY--" (what follows it is ignored); inside data the boundary
 * only counts after CRLF, and then it must be a delimiter. At least one part.
 * Returns MP_OK or the first error met (MP_ERR_*); on error out is empty.
 * The caller maps errors to 400 (413 for the *_TOO_LARGE ones). */
int
multipart_parse(struct arena *a, const char *content_type, const char *body, size_t len,
    const struct mp_limits *lim, struct mp_form *out)
{
	struct mp_form f = { NULL, 0 };
	size_t cap = 0, nfiles = 0, dlen;
	char *delim;
	const char *end, *p;
	int rc;

	out->parts = NULL;
	out->n = 0;
	if (body == NULL) {
		body = "";
		len = 0;
	}
	end = body + len;
	if ((rc = content_type_delimiter(a, content_type, &delim, &dlen)) != MP_OK)
		return rc;
	if (len >= dlen - 2 && memcmp(body, delim + 2, dlen - 2) == 0)
		p = body + dlen - 2;
	else if ((p = memmem(body, len, delim, dlen)) != NULL)
		p += dlen;                               /* after a preamble */
	else
		return MP_ERR_MALFORMED;

	for (;;) {
		/* p is just after "--BOUNDARY" */
		if (end - p >= 2 && p[0] == '-' && p[1] == '-')
			break;
		if (end - p < 2 || p[0] != '\r' || p[1] != '\n')
			return MP_ERR_MALFORMED;
		p += 2;
		if (f.n >= lim->max_parts)
			return MP_ERR_TOO_MANY_PARTS;

		struct mp_part part = { 0 };
		if ((rc = parse_headers(a, &p, end, lim->max_header_bytes, &part)) != MP_OK)
			return rc;
		const char *d = memmem(p, (size_t)(end - p), delim, dlen);
		if (d == NULL)
			return MP_ERR_MALFORMED;             /* truncated: no closing delimiter */
		size_t n = (size_t)(d - p);
		if (part.filename != NULL) {
			if (n > lim->max_file_bytes)
				return MP_ERR_FILE_TOO_LARGE;
			if (n > 0 && ++nfiles > lim->max_files)
				return MP_ERR_TOO_MANY_FILES;
			part.data = p;
			part.len = n;
		} else {
			if (n > lim->max_field_bytes)
				return MP_ERR_FIELD_TOO_LARGE;
			if ((rc = text_value(a, p, n, &part.data, &part.len)) != MP_OK)
				return rc;
		}
		if ((rc = form_push(a, &f, &cap, &part)) != MP_OK)
			return rc;
		p = d + dlen;
	}
	if (f.n == 0)
		return MP_ERR_MALFORMED;
	*out = f;
	return MP_OK;
}

/* The first part named name, or NULL. */
const struct mp_part *
multipart_get(const struct mp_form *f, const char *name)
{
	for (size_t i = 0; i < f->n; i++)
		if (strcmp(f->parts[i].name, name) == 0)
			return &f->parts[i];
	return NULL;
}

/* Puts the plain fields (file parts left out), in order, into out for the
 * form validator; the list is in the arena and shares the parts' strings. */
int
multipart_fields(struct arena *a, const struct mp_form *f, struct kvlist *out)
{
	out->n = 0;
	if ((out->items = arena_alloc(a, (f->n ? f->n : 1) * sizeof(struct kv))) == NULL)
		return MP_ERR_NOMEM;
	for (size_t i = 0; i < f->n; i++)
		if (f->parts[i].filename == NULL)
			out->items[out->n++] = (struct kv){ f->parts[i].name, f->parts[i].data, f->parts[i].len };
	return MP_OK;
}

/* A short English description of an MP_* code, for logs. */
const char *
multipart_strerror(int rc)
{
	if (rc < 0 || rc >= MP_ERR__MAX)
		return "unknown multipart error";
	return mp_errors[rc];
}
