/* export_json.c: a report's answers read in place from PostgreSQL's jsonb text, no tree built: the CSV and XLSX exports' per-row reader. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "export.h"

/* Why not jansson here: building a tree of every report's answers (a hash
 * table, a malloc per string) was half the CPU of a CSV export of a million
 * rows. The exports only look a few members up and print them, so they read
 * the text where it lies. It accepts and refuses what jansson would (the
 * JSON Lines export still uses jansson, and an answer jansson would refuse
 * must stay empty in every format): a number out of range, a \u0000, a lone
 * surrogate, nesting deeper than jansson's 2048 levels. */

#define EJSON_DEPTH_MAX 2048

static const char *
ws(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
		p++;
	return p;
}

static int
hex4(const char *p, const char *end)
{
	int v = 0;
	if (end - p < 4)
		return -1;
	for (int i = 0; i < 4; i++) {
		char c = p[i];
		int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
		if (d < 0)
			return -1;
		v = v * 16 + d;
	}
	return v;
}

/* The string starting at p (its opening quote): decoded into out when out
 * is not NULL; the position after its closing quote, or NULL when jansson
 * would refuse it. */
static const char *
string_at(const char *p, const char *end, struct buf *out)
{
	p++;
	while (p < end && *p != '"') {
		const char *run = p, *quote = memchr(p, '"', (size_t)(end - p)), *bs;
		p = quote ? quote : end;
		if ((bs = memchr(run, '\\', (size_t)(p - run))) != NULL)   /* whole runs at a time: texts are long */
			p = bs;
		if (out)
			buf_append(out, run, (size_t)(p - run));
		if (p >= end || *p == '"')
			break;
		if (++p >= end)
			return NULL;
		char c = *p++, one = c == 'b' ? '\b' : c == 'f' ? '\f' : c == 'n' ? '\n' : c == 'r' ? '\r' : c == 't' ? '\t' :
		    c == '"' || c == '\\' || c == '/' ? c : 0;
		if (one) {
			if (out)
				buf_putc(out, one);
			continue;
		}
		int cp = c == 'u' ? hex4(p, end) : -1;
		if (cp <= 0 || (cp >= 0xDC00 && cp <= 0xDFFF))
			return NULL;   /* a bad escape, \u0000, a lone low surrogate */
		p += 4;
		if (cp >= 0xD800 && cp <= 0xDBFF) {
			int lo = end - p >= 6 && p[0] == '\\' && p[1] == 'u' ? hex4(p + 2, end) : -1;
			if (lo < 0xDC00 || lo > 0xDFFF)
				return NULL;
			cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
			p += 6;
		}
		char u[4];
		size_t n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
		static const unsigned char lead[] = { 0, 0, 0xC0, 0xE0, 0xF0 };
		for (size_t i = n - 1; i > 0; i--, cp >>= 6)
			u[i] = (char)(0x80 | (cp & 0x3F));
		u[0] = (char)(lead[n] | cp);
		if (out)
			buf_append(out, u, n);
	}
	return p < end ? p + 1 : NULL;
}

/* The value at p (no leading space) into *v; the position after it, or
 * NULL when jansson would refuse it. Checks nested values to the end. */
static const char *
value_at(const char *p, const char *end, struct ejson *v, int depth, struct ejson_object *idx)
{
	v->s = p;
	if (p >= end || depth > EJSON_DEPTH_MAX)
		return NULL;
	if (*p == '"') {
		v->type = EJ_STRING;
		p = string_at(p, end, NULL);
	} else if (*p == '[' || *p == '{') {
		char close = *p == '[' ? ']' : '}';
		struct ejson in;
		v->type = close == ']' ? EJ_ARRAY : EJ_OBJECT;
		p = ws(p + 1, end);
		while (p && p < end && *p != close) {
			const char *key = p;
			if (close == '}') {   /* a member: its key, then a colon */
				if (*p != '"' || (p = string_at(p, end, NULL)) == NULL || (p = ws(p, end)) >= end || *p != ':')
					return NULL;
				p = ws(p + 1, end);
			}
			if ((p = value_at(p, end, &in, depth + 1, NULL)) == NULL)
				return NULL;
			if (idx && close == '}' && idx->n < EJSON_MEMBERS)
				idx->m[idx->n++] = (struct ejson_member){ key, in };
			else if (idx && close == '}')
				idx->more = true;
			p = ws(p, end);
			if (p < end && *p == ',')
				p = ws(p + 1, end);
		}
		p = p && p < end ? p + 1 : NULL;
	} else if (*p == '-' || (*p >= '0' && *p <= '9')) {
		char *e;
		const char *q = p + (*p == '-');
		while (q < end && *q && strchr("0123456789.eE+-", *q))
			q++;
		bool real = memchr(p, '.', (size_t)(q - p)) || memchr(p, 'e', (size_t)(q - p)) || memchr(p, 'E', (size_t)(q - p));
		char num[64];
		if ((size_t)(q - p) >= sizeof(num))
			return NULL;
		memcpy(num, p, (size_t)(q - p));
		num[q - p] = '\0';
		errno = 0;
		v->type = real ? EJ_REAL : EJ_INTEGER;
		if (real) {
			v->r = strtod(num, &e);
			if (errno == ERANGE && isinf(v->r))
				return NULL;
		} else if ((v->i = strtoll(num, &e, 10)), errno == ERANGE)
			return NULL;
		p = *e == '\0' ? q : NULL;
	} else {
		static const struct { const char *word; enum ejson_type type; } words[] = {
			{ "null", EJ_NULL }, { "true", EJ_TRUE }, { "false", EJ_FALSE },
		};
		const char *at = p;
		p = NULL;
		for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
			if ((size_t)(end - at) >= strlen(words[i].word) && memcmp(at, words[i].word, strlen(words[i].word)) == 0) {
				v->type = words[i].type;
				p = at + strlen(words[i].word);
			}
	}
	if (p)
		v->n = (size_t)(p - v->s);
	return p;
}

/* Reads s[0..n) into o: true when it is an object or array jansson's
 * json_loadb would read (answers it would refuse are treated as absent),
 * with the top-level members of an object indexed for ejson_get. */
bool
ejson_parse(const char *s, size_t n, struct ejson_object *o)
{
	struct ejson v;
	const char *end = s + n, *p = ws(s, end);
	o->n = 0;
	o->more = false;
	o->text = s;
	o->len = n;
	if (p >= end || (*p != '{' && *p != '['))
		return false;
	p = value_at(p, end, &v, 1, *p == '{' ? o : NULL);
	return p && ws(p, end) == end;
}

/* Whether the key whose string starts at k (its quote) is `key`; scratch
 * decodes a key that has escapes. */
static bool
key_is(const char *k, const char *end, const char *key, size_t klen, struct buf *scratch)
{
	const char *after = string_at(k, end, NULL);
	if (memchr(k + 1, '\\', (size_t)(after - 1 - (k + 1))) == NULL)
		return (size_t)(after - 1 - (k + 1)) == klen && memcmp(k + 1, key, klen) == 0;
	buf_reset(scratch);
	string_at(k, end, scratch);
	return scratch->len == klen && memcmp(scratch->data, key, klen) == 0;
}

/* Member `key` of the object read by ejson_parse into *v; false when it
 * was not an object or has no such member. `scratch` decodes a key that
 * has escapes. */
bool
ejson_get(const struct ejson_object *o, const char *key, struct ejson *v, struct buf *scratch)
{
	const char *end = o->text + o->len, *p;
	size_t klen = strlen(key);
	for (size_t i = 0; i < o->n; i++)
		if (key_is(o->m[i].key, end, key, klen, scratch)) {
			*v = o->m[i].value;
			return true;
		}
	if (!o->more)   /* else the members after the indexed ones, walked */
		return false;
	p = o->m[o->n - 1].value.s + o->m[o->n - 1].value.n;
	while ((p = ws(p, end)) < end && *p == ',' && (p = ws(p + 1, end)) < end && *p == '"') {
		bool match = key_is(p, end, key, klen, scratch);
		p = value_at(ws(ws(string_at(p, end, NULL), end) + 1, end), end, v, 1, NULL);
		if (match)
			return true;
	}
	return false;
}

/* The text of a string value, decoded, NUL-terminated in out (reset first). */
const char *
ejson_string(const struct ejson *v, struct buf *out)
{
	buf_reset(out);
	string_at(v->s, v->s + v->n, out);
	buf_putc(out, '\0');
	out->len--;
	return out->data;
}

/* The next element of array a after position *pos (0 to start) into *v;
 * false at the end. */
bool
ejson_next(const struct ejson *a, size_t *pos, struct ejson *v)
{
	const char *end = a->s + a->n, *p = ws(a->s + (*pos ? *pos : 1), end);
	if (p < end && *p == ',')
		p = ws(p + 1, end);
	if (p >= end || *p == ']')
		return false;
	p = value_at(p, end, v, 1, NULL);
	*pos = (size_t)(p - a->s);
	return true;
}
