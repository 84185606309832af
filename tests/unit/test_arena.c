/* test_arena.c: unit tests for arena.c, the per-request bump allocator. */
#include <string.h>

#include "common.h"

#define ALIGN _Alignof(max_align_t)

static bool
aligned(const void *p)
{
	return (uintptr_t)p % ALIGN == 0;
}

static void
test_alignment(void **state)
{
	struct arena *a = *state;
	const size_t sizes[] = { 1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 33, 100, 1000, 4095, 20000, 1 };

	for (int round = 0; round < 3; round++)
		for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
			void *p = arena_alloc(a, sizes[i]);
			assert_non_null(p);
			assert_true(aligned(p));
		}
	/* any type can be stored at the returned address */
	long double *ld = arena_alloc(a, sizeof(*ld));
	assert_non_null(ld);
	*ld = 1.5L;
	assert_true(*ld == 1.5L);
	arena_reset(a);
}

/* Every allocation is zeroed, even memory reused after a reset. */
static void
test_zeroed(void **state)
{
	struct arena *a = *state;
	unsigned char *p = arena_alloc(a, 1000);

	assert_non_null(p);
	for (size_t i = 0; i < 1000; i++)
		assert_int_equal(p[i], 0);
	memset(p, 0xAB, 1000);
	arena_reset(a);
	unsigned char *q = arena_alloc(a, 1000);
	assert_non_null(q);
	for (size_t i = 0; i < 1000; i++)
		assert_int_equal(q[i], 0);
	arena_reset(a);
}

/* Allocations never overlap, across block boundaries too. */
static void
test_no_overlap(void **state)
{
	struct arena *a = *state;
	enum { N = 200, SZ = 1000 };   /* 200 KB: many blocks */
	unsigned char *p[N];

	for (int i = 0; i < N; i++) {
		p[i] = arena_alloc(a, SZ);
		assert_non_null(p[i]);
		memset(p[i], i & 0xFF, SZ);
	}
	for (int i = 0; i < N; i++)
		for (int j = 0; j < SZ; j++)
			assert_int_equal(p[i][j], i & 0xFF);
	assert_true(a->used_total >= (size_t)N * SZ);
	arena_reset(a);
}

static void
test_large(void **state)
{
	struct arena *a = *state;
	size_t mb = 1024 * 1024;
	char *small = arena_alloc(a, 10);
	unsigned char *big = arena_alloc(a, mb);

	assert_non_null(small);
	assert_non_null(big);
	assert_true(aligned(big));
	for (size_t i = 0; i < mb; i++)
		assert_int_equal(big[i], 0);
	memset(big, 0x5A, mb);
	/* smaller allocations keep working after the big one */
	char *after = arena_alloc(a, 10);
	assert_non_null(after);
	assert_true(after + 10 <= (char *)big || after >= (char *)big + mb);
	assert_int_equal(big[mb - 1], 0x5A);
	arena_reset(a);
	/* and again after a reset, which may have let the big block go */
	big = arena_alloc(a, mb);
	assert_non_null(big);
	assert_int_equal(big[mb - 1], 0);
	arena_reset(a);
}

static void
test_absurd_sizes(void **state)
{
	struct arena *a = *state;

	assert_null(arena_alloc(a, SIZE_MAX));
	assert_null(arena_alloc(a, SIZE_MAX - 8));
	assert_null(arena_alloc(a, ((size_t)1 << 31) + 1));
	/* the arena still works */
	void *p = arena_alloc(a, 16);
	assert_non_null(p);
	/* zero bytes: a distinct, usable pointer */
	void *z1 = arena_alloc(a, 0), *z2 = arena_alloc(a, 0);
	assert_non_null(z1);
	assert_non_null(z2);
	assert_ptr_not_equal(z1, z2);
	arena_reset(a);
}

static void
test_strings(void **state)
{
	struct arena *a = *state;

	char *s = arena_strndup(a, "hello world", 5);
	assert_string_equal(s, "hello");
	s = arena_strndup(a, "", 0);
	assert_string_equal(s, "");
	/* strndup copies n bytes, NULs included */
	s = arena_strndup(a, "a\0b", 3);
	assert_memory_equal(s, "a\0b\0", 4);
	s = arena_strdup(a, "Tiếng Việt");
	assert_string_equal(s, "Tiếng Việt");

	const char *src = "copy me";
	s = arena_strdup(a, src);
	assert_ptr_not_equal(s, src);
	assert_string_equal(s, src);

	s = arena_printf(a, "%s-%d-%05.1f", "ệ", 42, 3.14159);
	assert_string_equal(s, "ệ-42-003.1");
	s = arena_printf(a, "%s", "");
	assert_string_equal(s, "");

	/* longer than a block */
	char big[40001];
	memset(big, 'q', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	s = arena_printf(a, "<%s>", big);
	assert_non_null(s);
	assert_int_equal(strlen(s), 40002);
	assert_int_equal(s[0], '<');
	assert_int_equal(s[40001], '>');
	arena_reset(a);
}

static void
test_reset_reuse(void **state)
{
	struct arena *a = *state;

	for (int round = 0; round < 50; round++) {
		for (int i = 0; i < 100; i++) {
			char *s = arena_printf(a, "round %d item %d", round, i);
			assert_non_null(s);
			assert_true(aligned(s));
		}
		assert_true(a->used_total > 0);
		arena_reset(a);
		assert_int_equal(a->used_total, 0);
	}
	/* a reset of an arena that never allocated */
	struct arena *b = arena_new();
	assert_non_null(b);
	arena_reset(b);
	assert_int_equal(b->used_total, 0);
	assert_non_null(arena_strdup(b, "fine"));
	arena_free(b);
}

static void
test_free_arena(void **state)
{
	(void)state;
	arena_free(NULL);
	struct arena *a = arena_new();
	assert_non_null(a);
	arena_free(a);   /* never used */
	a = arena_new();
	assert_non_null(a);
	assert_non_null(arena_alloc(a, 100));
	assert_non_null(arena_alloc(a, 1024 * 1024));
	arena_free(a);   /* with blocks: ASan reports any leak */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_alignment),
		cmocka_unit_test(test_zeroed),
		cmocka_unit_test(test_no_overlap),
		cmocka_unit_test(test_large),
		cmocka_unit_test(test_absurd_sizes),
		cmocka_unit_test(test_strings),
		cmocka_unit_test(test_reset_reuse),
		cmocka_unit_test(test_free_arena),
	};

	return cmocka_run_group_tests(tests, arena_setup, arena_teardown);
}
