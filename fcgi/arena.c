/* arena.c: a bump allocator that owns every allocation of one request. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "arena.h"

#define ARENA_BLOCK_MIN (16 * 1024)

struct arena_block {
	struct arena_block *next;
	size_t cap;
	size_t used;
	max_align_t data[];
};

struct arena *
arena_new(void)
{
	return calloc(1, sizeof(struct arena));
}

/* Returns zeroed memory from the arena, aligned for any type; NULL when out
 * of memory or when n is absurd. Freed by arena_reset/arena_free. */
void *
arena_alloc(struct arena *a, size_t n)
{
	size_t align = sizeof(max_align_t);
	size_t need = (n + align - 1) & ~(align - 1);
	struct arena_block *b = a->head;

	if (n == 0)
		need = align;
	if (need < n || need > ((size_t)1 << 31))
		return NULL;
	if (b == NULL || b->cap - b->used < need) {
		size_t cap = need > ARENA_BLOCK_MIN ? need : ARENA_BLOCK_MIN;
		b = malloc(sizeof(*b) + cap);
		if (b == NULL)
			return NULL;
		b->cap = cap;
		b->used = 0;
		b->next = a->head;
		a->head = b;
	}
	char *p = (char *)b->data + b->used;
	b->used += need;
	a->used_total += need;
	memset(p, 0, n);
	return p;
}

/* Copies n bytes and a terminating NUL into the arena. */
char *
arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p = arena_alloc(a, n + 1);
	if (p == NULL)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

/* printf into the arena; NULL on failure. */
char *
arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap, ap2;
	va_start(ap, fmt);
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	char *p = NULL;
	if (n >= 0 && (p = arena_alloc(a, (size_t)n + 1)) != NULL)
		vsnprintf(p, (size_t)n + 1, fmt, ap2);
	va_end(ap2);
	return p;
}

/* Frees every block but the newest, which is kept for the next request. */
void
arena_reset(struct arena *a)
{
	struct arena_block *b = a->head;
	if (b == NULL)
		return;
	struct arena_block *rest = b->next;
	while (rest != NULL) {
		struct arena_block *next = rest->next;
		free(rest);
		rest = next;
	}
	b->next = NULL;
	b->used = 0;
	if (b->cap > 4 * ARENA_BLOCK_MIN) {   /* don't keep a huge block forever */
		free(b);
		a->head = NULL;
	}
	a->used_total = 0;
}

void
arena_free(struct arena *a)
{
	if (a == NULL)
		return;
	arena_reset(a);
	free(a->head);
	free(a);
}
