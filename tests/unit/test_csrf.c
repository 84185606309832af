/* test_csrf.c: unit tests for csrf.c: issuing and checking the worker forms' anti-forgery tokens. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sodium.h>

#include <cmocka.h>

#include "app.h"
#include "csrf.h"
#include "token.h"

#define NOW ((time_t)1700000000)
#define ENTRY "ABCDEFGHJK"
#define FORM "concern"

/* The form subkey of the master key 00 01 .. 1f (see test_token.c), and a
 * token for ENTRY/FORM issued at 0x65000000, computed in Python as
 * hmac.new(form_key, b"form|ABCDEFGHJK|concern|1694498816",
 *     sha256).hexdigest()[:32]. */
#define FORM_KEY_HEX "d2180b14169580b1e1b1771f45b9e534c3341f8e48779804938264bd2c3dc348"
#define KAT_TS ((time_t)0x65000000)
#define KAT_TOKEN "65000000.9ae5ef45e1d5984c7386f1e3d82e6872"

static struct keys keys, other_keys;

static int
setup(void **state)
{
	size_t len;
	(void)state;
	if (sodium_init() < 0)
		return -1;
	if (sodium_hex2bin(keys.form, sizeof(keys.form), FORM_KEY_HEX, 64, NULL, &len, NULL) != 0 ||
	    len != sizeof(keys.form))
		return -1;
	randombytes_buf(other_keys.form, sizeof(other_keys.form));
	return 0;
}

static int
check(const char *token, time_t now)
{
	return csrf_form_check(&keys, ENTRY, FORM, token, now);
}

static void
test_fresh_ok(void **state)
{
	char t[CSRF_TOKEN_MAX];
	(void)state;

	csrf_form_token(&keys, ENTRY, FORM, NOW, t);
	assert_int_equal(check(t, NOW), CSRF_OK);
	/* "TS.MAC": hex time, a dot, 32 hex digits */
	char want_prefix[32];
	snprintf(want_prefix, sizeof(want_prefix), "%llx.", (unsigned long long)NOW);
	assert_int_equal(strncmp(t, want_prefix, strlen(want_prefix)), 0);
	assert_int_equal(strlen(t), strlen(want_prefix) + 32);
	assert_int_equal(strspn(t + strlen(want_prefix), "0123456789abcdef"), 32);
}

/* The recipe the Python integration tests use to mint their own tokens. */
static void
test_known_answer(void **state)
{
	char t[CSRF_TOKEN_MAX];
	(void)state;

	csrf_form_token(&keys, ENTRY, FORM, KAT_TS, t);
	assert_string_equal(t, KAT_TOKEN);
	assert_int_equal(check(KAT_TOKEN, KAT_TS + 60), CSRF_OK);
}

static void
test_other_form_or_entry(void **state)
{
	char t[CSRF_TOKEN_MAX];
	(void)state;

	csrf_form_token(&keys, ENTRY, FORM, NOW, t);
	assert_int_equal(csrf_form_check(&keys, ENTRY, "other", t, NOW), CSRF_FORGED);
	assert_int_equal(csrf_form_check(&keys, "ABCDEFGHJM", FORM, t, NOW), CSRF_FORGED);
	assert_int_equal(csrf_form_check(&keys, "ZZZZZZZZZZ", "other", t, NOW), CSRF_FORGED);
	/* the separator keeps "AB|C" apart from "A|BC" */
	csrf_form_token(&keys, "AB", "c", NOW, t);
	assert_int_equal(csrf_form_check(&keys, "AB", "c", t, NOW), CSRF_OK);
	assert_int_equal(csrf_form_check(&keys, "A", "bc", t, NOW), CSRF_FORGED);
}

static void
test_mac_flipped(void **state)
{
	char t[CSRF_TOKEN_MAX];
	(void)state;

	csrf_form_token(&keys, ENTRY, FORM, NOW, t);
	size_t mac = (size_t)(strchr(t, '.') - t) + 1;
	for (size_t i = mac; t[i]; i++) {
		char saved = t[i];
		t[i] = saved == '0' ? '1' : '0';
		assert_int_equal(check(t, NOW), CSRF_FORGED);
		t[i] = saved;
	}
	assert_int_equal(check(t, NOW), CSRF_OK);
}

/* A changed timestamp breaks the MAC: an old token cannot be renewed. */
static void
test_timestamp_changed(void **state)
{
	char t[CSRF_TOKEN_MAX], forged[CSRF_TOKEN_MAX];
	(void)state;

	csrf_form_token(&keys, ENTRY, FORM, NOW - CSRF_MAX_AGE - 100, t);
	assert_int_equal(check(t, NOW), CSRF_EXPIRED);
	snprintf(forged, sizeof(forged), "%llx%s", (unsigned long long)NOW, strchr(t, '.'));
	assert_int_equal(check(forged, NOW), CSRF_FORGED);
}

static void
test_malformed(void **state)
{
	char t[CSRF_TOKEN_MAX], bad[CSRF_TOKEN_MAX * 2];
	(void)state;

	csrf_form_token(&keys, ENTRY, FORM, NOW, t);
	const char *mac = strchr(t, '.') + 1;

	assert_int_equal(check(NULL, NOW), CSRF_FORGED);
	assert_int_equal(check("", NOW), CSRF_FORGED);
	assert_int_equal(check(".", NOW), CSRF_FORGED);
	/* truncated, by one character and by half */
	snprintf(bad, sizeof(bad), "%.*s", (int)strlen(t) - 1, t);
	assert_int_equal(check(bad, NOW), CSRF_FORGED);
	snprintf(bad, sizeof(bad), "%.*s", (int)strlen(t) / 2, t);
	assert_int_equal(check(bad, NOW), CSRF_FORGED);
	/* one character too many */
	snprintf(bad, sizeof(bad), "%s0", t);
	assert_int_equal(check(bad, NOW), CSRF_FORGED);
	/* no dot */
	snprintf(bad, sizeof(bad), "%.*s%s", (int)(mac - t - 1), t, mac);
	assert_int_equal(check(bad, NOW), CSRF_FORGED);
	/* the MAC alone */
	snprintf(bad, sizeof(bad), ".%s", mac);
	assert_int_equal(check(bad, NOW), CSRF_FORGED);
	/* non-hex timestamps */
	snprintf(bad, sizeof(bad), "zz.%s", mac);
	assert_int_equal(check(bad, NOW), CSRF_FORGED);
	snprintf(bad, sizeof(bad), "6553g100.%s", mac);
	assert_int_equal(check(bad, NOW), CSRF_FORGED);
	/* a timestamp too long to be one */
	snprintf(bad, sizeof(bad), "00000000000000000.%s", mac);
	assert_int_equal(check(bad, NOW), CSRF_FORGED);
	/* a non-hex MAC of the right length */
	snprintf(bad, sizeof(bad), "%.*szzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz", (int)(mac - t), t);
	assert_int_equal(check(bad, NOW), CSRF_FORGED);
	/* two dots */
	snprintf(bad, sizeof(bad), "%.*s.%s", (int)(mac - t), t, mac);
	assert_int_equal(check(bad, NOW), CSRF_FORGED);
}

static void
test_age(void **state)
{
	char t[CSRF_TOKEN_MAX];
	(void)state;

	csrf_form_token(&keys, ENTRY, FORM, NOW - CSRF_MAX_AGE, t);
	assert_int_equal(check(t, NOW), CSRF_OK);
	csrf_form_token(&keys, ENTRY, FORM, NOW - CSRF_MAX_AGE - 1, t);
	assert_int_equal(check(t, NOW), CSRF_EXPIRED);
	csrf_form_token(&keys, ENTRY, FORM, NOW - 3600, t);
	assert_int_equal(check(t, NOW), CSRF_OK);
	csrf_form_token(&keys, ENTRY, FORM, 0, t);
	assert_int_equal(check(t, NOW), CSRF_EXPIRED);
}

/* A little clock skew between workers is tolerated, not more. */
static void
test_future(void **state)
{
	char t[CSRF_TOKEN_MAX];
	(void)state;

	csrf_form_token(&keys, ENTRY, FORM, NOW + 299, t);
	assert_int_equal(check(t, NOW), CSRF_OK);
	csrf_form_token(&keys, ENTRY, FORM, NOW + 300, t);
	assert_int_equal(check(t, NOW), CSRF_OK);
	csrf_form_token(&keys, ENTRY, FORM, NOW + 301, t);
	assert_int_equal(check(t, NOW), CSRF_EXPIRED);
	csrf_form_token(&keys, ENTRY, FORM, NOW + 86400, t);
	assert_int_equal(check(t, NOW), CSRF_EXPIRED);
}

static void
test_other_keys(void **state)
{
	char t[CSRF_TOKEN_MAX];
	(void)state;

	csrf_form_token(&other_keys, ENTRY, FORM, NOW, t);
	assert_int_equal(check(t, NOW), CSRF_FORGED);
	assert_int_equal(csrf_form_check(&other_keys, ENTRY, FORM, t, NOW), CSRF_OK);
	csrf_form_token(&keys, ENTRY, FORM, NOW, t);
	assert_int_equal(csrf_form_check(&other_keys, ENTRY, FORM, t, NOW), CSRF_FORGED);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fresh_ok),
		cmocka_unit_test(test_known_answer),
		cmocka_unit_test(test_other_form_or_entry),
		cmocka_unit_test(test_mac_flipped),
		cmocka_unit_test(test_timestamp_changed),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_age),
		cmocka_unit_test(test_future),
		cmocka_unit_test(test_other_keys),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
