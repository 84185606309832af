/* test_apitoken.c: unit tests for apitoken.c: the token's shape, its prefix, its sha256 and the constant-time match. */
#include "common.h"
#include <sodium.h>
#include "apitoken.h"

static void
test_new_and_parse(void **state)
{
	(void)state;
	char tok[APITOKEN_LEN + 1], prefix[APITOKEN_PREFIX_LEN + 1], back[APITOKEN_PREFIX_LEN + 1];
	char tok2[APITOKEN_LEN + 1], prefix2[APITOKEN_PREFIX_LEN + 1];
	apitoken_new(tok, prefix);
	apitoken_new(tok2, prefix2);
	assert_int_equal(strlen(tok), APITOKEN_LEN);
	assert_int_equal(strlen(tok), 80);
	assert_memory_equal(tok, "tn_", 3);
	assert_int_equal(tok[15], '_');
	assert_true(apitoken_parse(tok, back));
	assert_string_equal(back, prefix);
	assert_memory_equal(tok + 3, prefix, APITOKEN_PREFIX_LEN);
	assert_string_not_equal(tok, tok2);      /* random, not a counter */
	assert_string_not_equal(prefix, prefix2);
}

static void
test_parse_refuses(void **state)
{
	(void)state;
	char p[APITOKEN_PREFIX_LEN + 1];
	char tok[APITOKEN_LEN + 1];
	apitoken_new(tok, p);
	char bad[APITOKEN_LEN + 2];
	assert_false(apitoken_parse(NULL, p));
	assert_false(apitoken_parse("", p));
	assert_false(apitoken_parse("tn_", p));
	memcpy(bad, tok, sizeof(tok));
	bad[0] = 'T';                            /* the scheme is lower case */
	assert_false(apitoken_parse(bad, p));
	memcpy(bad, tok, sizeof(tok));
	bad[15] = '-';                           /* the separator */
	assert_false(apitoken_parse(bad, p));
	memcpy(bad, tok, sizeof(tok));
	bad[20] = 'G';                           /* not hex */
	assert_false(apitoken_parse(bad, p));
	memcpy(bad, tok, sizeof(tok));
	bad[5] = 'A';                            /* upper-case hex is not ours */
	assert_false(apitoken_parse(bad, p));
	memcpy(bad, tok, sizeof(tok));
	bad[APITOKEN_LEN - 1] = '\0';            /* one short */
	assert_false(apitoken_parse(bad, p));
	memcpy(bad, tok, sizeof(tok));
	bad[APITOKEN_LEN] = 'a';                 /* one long */
	bad[APITOKEN_LEN + 1] = '\0';
	assert_false(apitoken_parse(bad, p));
	assert_false(apitoken_parse("tn_000000000000_' OR 1=1 --", p));
}

static void
test_hash_and_match(void **state)
{
	(void)state;
	/* sha256("tn_000000000000_" + 64 zeros), as `sha256sum` gives it */
	const char *t = "tn_000000000000_0000000000000000000000000000000000000000000000000000000000000000";
	unsigned char h[APITOKEN_HASH_LEN], want[APITOKEN_HASH_LEN];
	char hex[APITOKEN_HASH_LEN * 2 + 1];
	apitoken_hash(t, h);
	sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
	assert_string_equal(hex, "099339a2224abb455422e8104dd0ed0de547c1c17b8388482fea13ed87efd1d5");
	memcpy(want, h, sizeof(h));
	assert_true(apitoken_matches(t, h, sizeof(h)));
	assert_false(apitoken_matches(t, h, sizeof(h) - 1));   /* a stored value of the wrong length */
	h[31] ^= 1;
	assert_false(apitoken_matches(t, h, sizeof(h)));
	assert_false(apitoken_matches("tn_000000000000_0000000000000000000000000000000000000000000000000000000000000001", want,
	    sizeof(want)));
}

int
main(void)
{
	if (sodium_init() < 0)
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_new_and_parse),
		cmocka_unit_test(test_parse_refuses),
		cmocka_unit_test(test_hash_and_match),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
