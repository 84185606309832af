/* req.c: parse a request's parts: URL decoding, query and form bodies, cookies, body reading. */
#include <string.h>
#include <fcgiapp.h>

#include "app.h"
#include "arena.h"
#include "req.h"
#include "text.h"

#define KV_MAX 512   /* more pairs than any form has: refuse instead of guessing */

static int
hexval(char c)
{
	if (c >= '0' && c <= '9') return c - '0';
	if (c >= 'a' && c <= 'f') return c - 'a' + 10;
	if (c >= 'A' && c <= 'F') return c - 'A' + 10;
	return -1;
}

/* Decodes %XX escapes (and '+' as space when plus_space) of s[0..n) into the
 * arena. A '%' not followed by two hex digits is malformed: REQ_ERR_ENCODING.
 * The result may contain any byte, NUL included; *outlen says how many. */
int
req_url_decode(struct arena *a, const char *s, size_t n, bool plus_space, char **out, size_t *outlen)
{
	char *d = arena_alloc(a, n + 1);
	size_t j = 0;
	if (d == NULL)
		return REQ_ERR_NOMEM;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '%') {
			int hi, lo;
			if (i + 2 >= n || (hi = hexval(s[i + 1])) < 0 || (lo = hexval(s[i + 2])) < 0)
				return REQ_ERR_ENCODING;
			d[j++] = (char)(hi * 16 + lo);
			i += 2;
		} else if (s[i] == '+' && plus_space) {
			d[j++] = ' ';
		} else {
			d[j++] = s[i];
		}
	}
	d[j] = '\0';
	*out = d;
	*outlen = j;
	return REQ_OK;
}

/* Decodes one text value: percent-decoding, then strict UTF-8, no control
 * characters, line breaks as LF, NFC. text_nfc checks the UTF-8 of any
 * text that is not plain ASCII, so the check is not made twice: only a
 * refusal looks again to say why (bad UTF-8 first, as before; CR to LF
 * changes no byte's validity). */
static int
decode_text(struct arena *a, const char *s, size_t n, bool plus_space, char **out, size_t *outlen)
{
	char *d;
	size_t dn;
	int rc = req_url_decode(a, s, n, plus_space, &d, &dn);
	if (rc != REQ_OK)
		return rc;
	if (text_has_controls(d, dn))
		return text_valid_utf8(d, dn) ? REQ_ERR_CONTROL : REQ_ERR_UTF8;
	dn = text_lf(d, d, dn);
	d[dn] = '\0';
	if ((*out = text_nfc(a, d, dn)) == NULL)
		return text_valid_utf8(d, dn) ? REQ_ERR_NOMEM : REQ_ERR_UTF8;
	*outlen = strlen(*out);
	return REQ_OK;
}

/* Empties `out` and gives it room for every pair of `s` (n bytes) split
 * at `sep`, from the arena: REQ_OK, REQ_ERR_TOO_MANY (more than KV_MAX)
 * or REQ_ERR_NOMEM. */
static int
kv_room(struct arena *a, const char *s, size_t n, char sep, struct kvlist *out)
{
	size_t cap = 1;
	/* memchr strides over a report's kilobyte of text; a byte loop did not */
	for (const char *p = s, *end = s + n; (p = memchr(p, sep, (size_t)(end - p))) != NULL; p++)
		cap++;
	if (cap > KV_MAX)
		return REQ_ERR_TOO_MANY;
	out->n = 0;
	out->items = arena_alloc(a, cap * sizeof(struct kv));
	return out->items == NULL ? REQ_ERR_NOMEM : REQ_OK;
}

/* Parses application/x-www-form-urlencoded text (also query strings) into
 * out, values decoded, validated and NFC-normalised, all in the arena.
 * Empty pairs ("a=1&&b=2") are skipped; a pair without '=' has value "". */
int
req_parse_urlencoded(struct arena *a, const char *s, size_t n, struct kvlist *out)
{
	int rc0 = kv_room(a, s, n, '&', out);
	if (rc0 != REQ_OK)
		return rc0;
	const char *p = s, *end = s + n;
	while (p < end) {
		const char *amp = memchr(p, '&', (size_t)(end - p));
		const char *pe = amp ? amp : end;
		if (pe > p) {
			const char *eq = memchr(p, '=', (size_t)(pe - p));
			const char *ke = eq ? eq : pe;
			char *k, *v;
			size_t kn, vn;
			int rc;
			if (ke == p)
				return REQ_ERR_ENCODING;      /* "=value": a value without a name */
			if ((rc = decode_text(a, p, (size_t)(ke - p), true, &k, &kn)) != REQ_OK)
				return rc;
			if (eq) {
				if ((rc = decode_text(a, eq + 1, (size_t)(pe - eq - 1), true, &v, &vn)) != REQ_OK)
					return rc;
			} else {
				v = arena_strdup(a, "");
				vn = 0;
			}
			out->items[out->n++] = (struct kv){ k, v, vn };
		}
		p = amp ? amp + 1 : end;
	}
	return REQ_OK;
}

static bool
cookie_octet(unsigned char c)
{
	/* RFC 6265 cookie-octet */
	return c == 0x21 || (c >= 0x23 && c <= 0x2B) || (c >= 0x2D && c <= 0x3A) ||
	    (c >= 0x3C && c <= 0x5B) || (c >= 0x5D && c <= 0x7E);
}

/* Parses a Cookie header ("a=b; c=d") into out. Names must be tokens and
 * values cookie-octets (optionally double-quoted); anything else is
 * REQ_ERR_ENCODING. Values are not decoded: our cookies are plain tokens. */
int
req_parse_cookies(struct arena *a, const char *h, struct kvlist *out)
{
	int rc0 = kv_room(a, h, strlen(h), ';', out);
	if (rc0 != REQ_OK)
		return rc0;
	const char *p = h;
	while (*p) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0')
			break;
		const char *ks = p;
		while (*p && *p != '=' && *p != ';')
			p++;
		if (*p != '=' || p == ks)
			return REQ_ERR_ENCODING;
		const char *ke = p;
		for (const char *q = ks; q < ke; q++)
			if (!cookie_octet((unsigned char)*q) || *q == '=' || *q == '"' || *q == '/')
				return REQ_ERR_ENCODING;
		const char *vs = ++p;
		while (*p && *p != ';')
			p++;
		const char *ve = p;
		while (ve > vs && (ve[-1] == ' ' || ve[-1] == '\t'))
			ve--;
		if (ve - vs >= 2 && *vs == '"' && ve[-1] == '"') {
			vs++;
			ve--;
		}
		for (const char *q = vs; q < ve; q++)
			if (!cookie_octet((unsigned char)*q))
				return REQ_ERR_ENCODING;
		out->items[out->n++] = (struct kv){
			arena_strndup(a, ks, (size_t)(ke - ks)),
			arena_strndup(a, vs, (size_t)(ve - vs)),
			(size_t)(ve - vs)
		};
		if (*p == ';')
			p++;
	}
	return REQ_OK;
}

/* The first value for key, or NULL. */
const char *
kv_get(const struct kvlist *l, const char *key)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->items[i].key, key) == 0)
			return l->items[i].val;
	return NULL;
}

/* True when key has the value val among its (possibly several) values. */
bool
kv_has(const struct kvlist *l, const char *key, const char *val)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->items[i].key, key) == 0 && strcmp(l->items[i].val, val) == 0)
			return true;
	return false;
}

/* How many values key has. */
size_t
kv_count(const struct kvlist *l, const char *key)
{
	size_t n = 0;
	for (size_t i = 0; i < l->n; i++)
		n += strcmp(l->items[i].key, key) == 0;
	return n;
}

const char *
kv_get_or_empty(const struct kvlist *l, const char *key)
{
	const char *v = kv_get(l, key);
	return v ? v : "";
}

/* Reads the request body (at most max bytes) into the arena, NUL-terminated.
 * REQ_ERR_TOO_LARGE when the declared or actual length exceeds max;
 * REQ_ERR_ENCODING when the body ends before its declared length. */
int
req_body(struct req *r, size_t max, char **body, size_t *len)
{
	if (r->content_length > 0 && (size_t)r->content_length > max)
		return REQ_ERR_TOO_LARGE;
	if (r->in == NULL) {
		if (r->body_fixed_len > max)
			return REQ_ERR_TOO_LARGE;
		*body = arena_strndup(r->arena, r->body_fixed ? r->body_fixed : "", r->body_fixed_len);
		*len = r->body_fixed_len;
		return *body ? REQ_OK : REQ_ERR_NOMEM;
	}
	size_t want = r->content_length > 0 ? (size_t)r->content_length : max + 1;
	char *d = arena_alloc(r->arena, want + 1);
	if (d == NULL)
		return REQ_ERR_NOMEM;
	size_t got = 0;
	while (got < want) {
		int n = FCGX_GetStr(d + got, (int)(want - got), r->in);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	if (got > max)
		return REQ_ERR_TOO_LARGE;
	if (r->content_length > 0 && got != (size_t)r->content_length)
		return REQ_ERR_ENCODING;
	d[got] = '\0';
	*body = d;
	*len = got;
	return REQ_OK;
}

/* The one reader of an urlencoded POST body: checks the Content-Type,
 * reads at most `max` bytes and decodes them into `out` (strings in the
 * arena). REQ_OK, or the reason it could not, which http_req_error() turns
 * into 415, 413 or 400. */
enum req_err
req_form(struct req *r, size_t max, struct kvlist *out)
{
	char *body;
	size_t len;
	if (!req_content_type_is(r, "application/x-www-form-urlencoded"))
		return REQ_ERR_TYPE;
	int rc = req_body(r, max, &body, &len);
	if (rc == REQ_OK)
		rc = req_parse_urlencoded(r->arena, body, len, out);
	return (enum req_err)rc;
}

/* True when the Content-Type's media type is `type` (parameters ignored,
 * case-insensitive). */
bool
req_content_type_is(const struct req *r, const char *type)
{
	size_t n = strlen(type);
	if (strncasecmp(r->content_type, type, n) != 0)
		return false;
	char c = r->content_type[n];
	return c == '\0' || c == ';' || c == ' ';
}
