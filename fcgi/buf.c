/* buf.c: a growable output buffer; a response is built here and sent once. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "buf.h"

/* Makes room for n more bytes; on failure marks the buffer failed. */
static bool
buf_grow(struct buf *b, size_t n)
{
	if (b->failed)
		return false;
	if (b->cap - b->len > n)
		return true;
	size_t cap = b->cap ? b->cap : 4096;
	while (cap - b->len <= n) {
		if (cap > ((size_t)1 << 30)) {
			b->failed = true;
			return false;
		}
		cap *= 2;
	}
	char *p = realloc(b->data, cap);
	if (p == NULL) {
		b->failed = true;
		return false;
	}
	b->data = p;
	b->cap = cap;
	return true;
}

void
buf_append(struct buf *b, const char *s, size_t n)
{
	if (!buf_grow(b, n))
		return;
	memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void
buf_puts(struct buf *b, const char *s)
{
	buf_append(b, s, strlen(s));
}

void
buf_putc(struct buf *b, char c)
{
	if (b->cap - b->len > 1 && !b->failed) {   /* the common case without a call: exports put a million commas */
		b->data[b->len++] = c;
		b->data[b->len] = '\0';
	} else
		buf_append(b, &c, 1);
}

/* Appends v in decimal: the lengths and counts every response carries,
 * without printf's format machinery. */
void
buf_put_ulong(struct buf *b, unsigned long long v)
{
	char d[20];
	size_t i = sizeof(d);
	do {
		d[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	buf_append(b, d + i, sizeof(d) - i);
}

void
buf_appendf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	buf_vappendf(b, fmt, ap);
	va_end(ap);
}

/* Formats once into the room the buffer has (most lines fit), a second
 * time only after growing it. */
void
buf_vappendf(struct buf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	size_t room = b->failed || b->data == NULL ? 0 : b->cap - b->len;
	va_copy(ap2, ap);
	int n = vsnprintf(room ? b->data + b->len : NULL, room, fmt, ap2);
	va_end(ap2);
	if (n >= 0 && (size_t)n < room) {
		b->len += (size_t)n;
		return;
	}
	if (room)
		b->data[b->len] = '\0';   /* a cut or failed attempt leaves nothing behind */
	if (n < 0 || !buf_grow(b, (size_t)n + 1))
		return;
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

/* Empties the buffer, keeping its memory unless it grew large. */
void
buf_reset(struct buf *b)
{
	if (b->cap > (1u << 20)) {
		free(b->data);
		b->data = NULL;
		b->cap = 0;
	}
	b->len = 0;
	b->failed = false;
	if (b->data)
		b->data[0] = '\0';
}

void
buf_free(struct buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}
