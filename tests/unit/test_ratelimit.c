/* test_ratelimit.c: unit tests for ratelimit.c's sign-in lock: five failures in a row lock a key, a success clears the count, keys are separate, limits off still lock. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <sodium.h>

#include <cmocka.h>

#include "app.h"
#include "ratelimit.h"

static bool
locked(const char *k)
{
	return ratelimit_locked(RL_LOGIN_DEVICE, k, strlen(k));
}

static void
fail_n(const char *k, int n)
{
	for (int i = 0; i < n; i++)
		ratelimit_failed(RL_LOGIN_DEVICE, k, strlen(k));
}

/* Four failures do not lock; the fifth does; another key is untouched. */
static void
test_fifth_locks(void **state)
{
	(void)state;
	fail_n("browser-a", 4);
	assert_false(locked("browser-a"));
	fail_n("browser-a", 1);
	assert_true(locked("browser-a"));
	assert_false(locked("browser-b"));
}

/* A success between failures starts the count again. */
static void
test_success_clears(void **state)
{
	(void)state;
	fail_n("browser-c", 4);
	ratelimit_cleared(RL_LOGIN_DEVICE, "browser-c", 9);
	fail_n("browser-c", 4);
	assert_false(locked("browser-c"));
	fail_n("browser-c", 1);
	assert_true(locked("browser-c"));
}

/* Empty, long and binary keys work like any other. */
static void
test_odd_keys(void **state)
{
	(void)state;
	char big[5000];
	memset(big, 'x', sizeof(big));
	ratelimit_failed(RL_LOGIN_DEVICE, "", 0);
	assert_false(ratelimit_locked(RL_LOGIN_DEVICE, "", 0));
	for (int i = 0; i < 5; i++)
		ratelimit_failed(RL_LOGIN_DEVICE, big, sizeof(big));
	assert_true(ratelimit_locked(RL_LOGIN_DEVICE, big, sizeof(big)));
	assert_false(ratelimit_locked(RL_LOGIN_DEVICE, big, sizeof(big) - 1));
	const unsigned char bin[] = { 0xff, 0x00, 0xfe };
	for (int i = 0; i < 5; i++)
		ratelimit_failed(RL_LOGIN_DEVICE, bin, sizeof(bin));
	assert_true(ratelimit_locked(RL_LOGIN_DEVICE, bin, sizeof(bin)));
}

/* With limits off (benchmarks, tests) hits always pass, locks still lock. */
static void
test_limits_off(void **state)
{
	(void)state;
	for (int i = 0; i < 100; i++)
		assert_false(ratelimit_hit(RL_LOGIN, "someone", 7));
	fail_n("browser-d", 5);
	assert_true(locked("browser-d"));
}

static int
setup(void **state)
{
	(void)state;
	return sodium_init() < 0 || ratelimit_init(false) != 0 ? -1 : 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fifth_locks),
		cmocka_unit_test(test_success_clears),
		cmocka_unit_test(test_odd_keys),
		cmocka_unit_test(test_limits_off),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
