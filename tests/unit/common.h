/* common.h: what the cmocka unit tests share: cmocka's headers in the order it needs, the arena fixture, small counting helpers. */
#ifndef TIENGNOI_TEST_COMMON_H
#define TIENGNOI_TEST_COMMON_H
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "app.h"
#include "arena.h"
#include "form.h"

/* Group setup: a fresh arena as every test's *state. */
static inline int
arena_setup(void **state)
{
	struct arena *a = arena_new();
	if (a == NULL)
		return -1;
	*state = a;
	return 0;
}

/* Group teardown: frees the arena arena_setup() made. */
static inline int
arena_teardown(void **state)
{
	arena_free(*state);
	return 0;
}

/* How many times needle occurs in s (overlapping). */
static inline int
occurrences(const char *s, const char *needle)
{
	int n = 0;
	for (const char *p = s; (p = strstr(p, needle)) != NULL; p++)
		n++;
	return n;
}

/* Index of the field called name in a loaded form; fails the test when
 * there is none. */
static inline size_t
field_index(const struct form *f, const char *name)
{
	for (size_t i = 0; i < f->nfields; i++)
		if (strcmp(f->fields[i].name, name) == 0)
			return i;
	fail_msg("no field %s", name);
	return 0;
}

#endif
