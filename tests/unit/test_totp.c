/* test_totp.c: unit tests for totp.c: RFC 6238 and RFC 4648 vectors, the tolerance window, code reuse, recovery codes. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sodium.h>

#include <cmocka.h>

#include "app.h"
#include "token.h"
#include "totp.h"

/* RFC 6238 Appendix B: the SHA-1 seed is the ASCII string below. */
static const unsigned char seed[TOTP_SECRET_LEN + 1] = "12345678901234567890";

static const struct {
	time_t t;
	uint32_t eight;   /* the RFC's 8-digit TOTP */
} rfc6238[] = {
	{ 59, 94287082 },
	{ 1111111109, 7081804 },
	{ 1111111111, 14050471 },
	{ 1234567890, 89005924 },
	{ 2000000000, 69279037 },
	{ (time_t)20000000000LL, 65353130 },
};

static void
test_rfc6238_vectors(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(rfc6238) / sizeof(rfc6238[0]); i++) {
		int64_t step = totp_step(rfc6238[i].t);
		assert_int_equal(totp_hotp(seed, TOTP_SECRET_LEN, (uint64_t)step, 8), rfc6238[i].eight);
		/* six digits are the last six of eight: the same truncation, a smaller modulus */
		char six[TOTP_DIGITS + 1], want[TOTP_DIGITS + 1];
		totp_code(seed, step, six);
		snprintf(want, sizeof(want), "%06u", (unsigned)(rfc6238[i].eight % 1000000));
		assert_string_equal(six, want);
	}
	/* the step counter beyond 2^32 seconds / 30: year 2603 still right */
	assert_int_equal(totp_step((time_t)20000000000LL), 666666666);
}

/* RFC 4226 Appendix D: HOTP values for counters 0..9 of the same secret. */
static void
test_rfc4226_vectors(void **state)
{
	(void)state;
	static const uint32_t want[10] = { 755224, 287082, 359152, 969429, 338314,
	    254676, 287922, 162583, 399871, 520489 };
	for (uint64_t c = 0; c < 10; c++)
		assert_int_equal(totp_hotp(seed, TOTP_SECRET_LEN, c, 6), want[c]);
}

static void
test_base32_rfc4648(void **state)
{
	(void)state;
	static const struct { const char *in, *out; } v[] = {
		{ "", "" }, { "f", "MY" }, { "fo", "MZXQ" }, { "foo", "MZXW6" }, { "foob", "MZXW6YQ" },
		{ "fooba", "MZXW6YTB" }, { "foobar", "MZXW6YTBOI" },
		{ "12345678901234567890", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ" },
	};
	char out[TOTP_B32_MAX];
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		size_t n = base32_encode((const unsigned char *)v[i].in, strlen(v[i].in), out, sizeof(out));
		assert_int_equal(n, strlen(v[i].out));
		assert_string_equal(out, v[i].out);
	}
	unsigned char ff[TOTP_SECRET_LEN];
	memset(ff, 0xff, sizeof(ff));
	assert_int_equal(base32_encode(ff, sizeof(ff), out, sizeof(out)), 32);
	assert_string_equal(out, "77777777777777777777777777777777");
	/* too small a buffer writes nothing */
	assert_int_equal(base32_encode(ff, sizeof(ff), out, 32), 0);
}

static void
test_uri(void **state)
{
	(void)state;
	char uri[TOTP_URI_MAX];
	assert_int_equal(totp_uri("demo.tinh", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", uri), 0);
	assert_string_equal(uri, "otpauth://totp/Ti%E1%BA%BFng%20n%C3%B3i:demo.tinh?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
	    "&issuer=Ti%E1%BA%BFng%20n%C3%B3i&algorithm=SHA1&digits=6&period=30");
	assert_int_equal(totp_uri("a b:c", "AB", uri), 0);
	assert_non_null(strstr(uri, ":a%20b%3Ac?"));
}

static void
test_normalize(void **state)
{
	(void)state;
	char out[TOTP_DIGITS + 1];
	assert_true(totp_normalize("123456", out));
	assert_string_equal(out, "123456");
	assert_true(totp_normalize(" 123 456 ", out));
	assert_string_equal(out, "123456");
	assert_true(totp_normalize("123-456", out));
	assert_false(totp_normalize("12345", out));
	assert_false(totp_normalize("1234567", out));
	assert_false(totp_normalize("12345a", out));
	assert_false(totp_normalize("", out));
	assert_false(totp_normalize(NULL, out));
	assert_false(totp_normalize("１２３４５６", out));   /* full-width digits are not digits here */
}

/* now = 1111111111 is step 37037037; codes of the steps either side pass. */
static void
test_window(void **state)
{
	(void)state;
	const time_t now = 1111111111;
	const int64_t s = totp_step(now);
	char code[TOTP_DIGITS + 1];
	assert_int_equal(s, 37037037);
	for (int64_t d = -1; d <= 1; d++) {
		totp_code(seed, s + d, code);
		assert_int_equal(totp_verify(seed, code, now, 0), s + d);
	}
	totp_code(seed, s - 2, code);
	assert_int_equal(totp_verify(seed, code, now, 0), TOTP_BAD);
	totp_code(seed, s + 2, code);
	assert_int_equal(totp_verify(seed, code, now, 0), TOTP_BAD);
	/* the RFC's own value for that second, typed with a space */
	assert_int_equal(totp_verify(seed, "050 471", now, 0), s);
	assert_int_equal(totp_verify(seed, "050472", now, 0), TOTP_BAD);
	assert_int_equal(totp_verify(seed, "", now, 0), TOTP_BAD);
	/* a different secret does not accept it */
	unsigned char other[TOTP_SECRET_LEN];
	memcpy(other, seed, sizeof(other));
	other[0] ^= 1;
	assert_int_equal(totp_verify(other, "050471", now, 0), TOTP_BAD);
}

/* Once a step was accepted, its code and every earlier one are refused. */
static void
test_reuse(void **state)
{
	(void)state;
	const time_t now = 1111111111;
	const int64_t s = totp_step(now);
	char code[TOTP_DIGITS + 1];
	totp_code(seed, s, code);
	assert_int_equal(totp_verify(seed, code, now, s - 1), s);
	assert_int_equal(totp_verify(seed, code, now, s), TOTP_REUSED);
	assert_int_equal(totp_verify(seed, code, now + 29, s), TOTP_REUSED);   /* still inside the window */
	totp_code(seed, s - 1, code);
	assert_int_equal(totp_verify(seed, code, now, s), TOTP_REUSED);      /* an older code after a newer one */
	totp_code(seed, s + 1, code);
	assert_int_equal(totp_verify(seed, code, now, s), s + 1);           /* the next one is fine */
	assert_int_equal(totp_verify(seed, code, now, s + 1), TOTP_REUSED);
}

static void
test_secret_new(void **state)
{
	(void)state;
	unsigned char a[TOTP_SECRET_LEN], b[TOTP_SECRET_LEN], zero[TOTP_SECRET_LEN] = { 0 };
	totp_secret_new(a);
	totp_secret_new(b);
	assert_memory_not_equal(a, b, TOTP_SECRET_LEN);
	assert_memory_not_equal(a, zero, TOTP_SECRET_LEN);
}

static void
test_recovery(void **state)
{
	(void)state;
	char a[TOTP_RECOVERY_LEN + 1], b[TOTP_RECOVERY_LEN + 1], n[TOTP_RECOVERY_LEN + 1];
	totp_recovery_new(a);
	totp_recovery_new(b);
	assert_int_equal(strlen(a), TOTP_RECOVERY_LEN);
	assert_string_not_equal(a, b);
	assert_int_equal(strspn(a, "23456789ABCDEFGHJKMNPQRSTUVWXYZ"), TOTP_RECOVERY_LEN);
	assert_true(totp_recovery_normalize(a, n));
	assert_string_equal(n, a);
	assert_true(totp_recovery_normalize("abcde-23456", n));
	assert_string_equal(n, "ABCDE23456");
	assert_true(totp_recovery_normalize(" abc de2 3456 ", n));
	assert_string_equal(n, "ABCDE23456");
	assert_false(totp_recovery_normalize("ABCDE2345", n));      /* short */
	assert_false(totp_recovery_normalize("ABCDE234567", n));    /* long */
	assert_false(totp_recovery_normalize("ABCDE2345O", n));     /* O is not in the alphabet */
	assert_false(totp_recovery_normalize("", n));

	/* keyed BLAKE2b, as Python computes it:
	 * hashlib.blake2b(b"ABCDE23456", digest_size=32, key=bytes(range(32))) */
	struct keys k;
	memset(&k, 0, sizeof(k));
	for (int i = 0; i < 32; i++)
		k.session[i] = (unsigned char)i;
	unsigned char h[TOTP_RECOVERY_HASH_LEN];
	char hex[2 * TOTP_RECOVERY_HASH_LEN + 1];
	totp_recovery_hash(&k, "ABCDE23456", h);
	sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
	assert_string_equal(hex, "76e2f8f84f1f79a7ab9a74b84f63a939205ff84130054a6760295c4ce0bebee9");
}

int
main(void)
{
	if (sodium_init() < 0)
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc6238_vectors),
		cmocka_unit_test(test_rfc4226_vectors),
		cmocka_unit_test(test_base32_rfc4648),
		cmocka_unit_test(test_uri),
		cmocka_unit_test(test_normalize),
		cmocka_unit_test(test_window),
		cmocka_unit_test(test_reuse),
		cmocka_unit_test(test_secret_new),
		cmocka_unit_test(test_recovery),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
