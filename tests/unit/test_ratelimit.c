/* test_ratelimit.c: unit tests for ratelimit.c: the sign-in lock (five failures in a row lock a key, a success clears the count, limits off still lock) and counters that other keys do not reset. */
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

/* A QR code's count of valid reports survives a flood of other keys (one
 * idempotency key per post): 200 codes at the limit, 1,000 other keys hit
 * once each, and each code's next report is still over its limit, while a
 * fresh code is not. Before buckets, ~24 of the 200 lost their count. */
static void
test_counts_survive_other_keys(void **state)
{
	(void)state;
	assert_int_equal(ratelimit_init(true), 0);
	char k[32];
	for (int qr = 0; qr < 200; qr++) {
		snprintf(k, sizeof(k), "qr-%03d", qr);
		for (int i = 0; i < 120; i++)
			assert_false(ratelimit_hit(RL_ENTRY_POST, k, strlen(k)));
	}
	for (int i = 0; i < 1000; i++) {
		snprintf(k, sizeof(k), "idem-%07d", i);
		assert_false(ratelimit_hit(RL_IDEM_POST, k, strlen(k)));
	}
	int over = 0;
	for (int qr = 0; qr < 200; qr++) {
		snprintf(k, sizeof(k), "qr-%03d", qr);
		over += ratelimit_hit(RL_ENTRY_POST, k, strlen(k));
	}
	assert_int_equal(over, 200);
	assert_false(ratelimit_hit(RL_ENTRY_POST, "qr-new", 6));
	/* the same key under another kind is another counter */
	assert_false(ratelimit_hit(RL_ENTRY_SCAN, "qr-000", 6));
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
		cmocka_unit_test(test_counts_survive_other_keys),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
