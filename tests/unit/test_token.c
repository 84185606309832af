/* test_token.c: unit tests for token.c: key files and derivation, QR tokens, idempotency keys, receipts. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sodium.h>

#include <cmocka.h>

#include "app.h"
#include "token.h"

#define ALPHABET "23456789ABCDEFGHJKMNPQRSTUVWXYZ"

/* The master key 00 01 02 ... 1f, and its subkeys as computed by Python's
 * hashlib.blake2b(b"", digest_size=32, key=master,
 *     salt=id.to_bytes(8, "little") + bytes(8), person=b"tiengnoi" + bytes(8))
 * -- an implementation independent of libsodium. */
#define MASTER_HEX "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
#define FORM_KEY_HEX "d2180b14169580b1e1b1771f45b9e534c3341f8e48779804938264bd2c3dc348"
#define RECEIPT_KEY_HEX "e6554a530549558eab45f8411710a092ee6f1dd42cba323a2e2f734df0444320"
#define RECEIPT_HASH_KEY_HEX "19a808f240e51ed4f7970d03380646c85abd4610b600a75789f39b45d3429d3d"
#define SESSION_KEY_HEX "4e81413c55a58125205d11690a60fea88dd6cfd6cca71944d3fa4be619c739d2"
/* receipt_from_idem and receipt_hash of this idempotency key under that
 * master, also from Python: blake2b(idem, digest_size=16, key=receipt key),
 * first 10 bytes big-endian mod 10^16; then blake2b(digits, digest_size=32,
 * key=receipt hash key). */
#define KAT_IDEM "0123456789abcdef0123456789abcdef"
#define KAT_RECEIPT "9995548234324154"
#define KAT_RECEIPT_HASH_HEX "ac98c359406189d659527c92db41aeefe64aee439e79ffd255ba2b0228440f38"

/* A temporary directory for key files, made in the group setup. */
static char tmpdir[] = "/tmp/test_token_XXXXXX";

static int
setup(void **state)
{
	(void)state;
	if (sodium_init() < 0)
		return -1;
	return mkdtemp(tmpdir) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	(void)state;
	char cmd[64];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

/* Writes len bytes of content to tmpdir/name; returns the path (static). */
static const char *
write_file(const char *name, const char *content, size_t len)
{
	static char path[256];
	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(content, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	return path;
}

/* Loads keys from a key file holding hex (plus a newline). */
static void
load_keys_hex(const char *name, const char *hex, struct keys *k)
{
	char content[80], err[256] = "";
	snprintf(content, sizeof(content), "%s\n", hex);
	const char *path = write_file(name, content, strlen(content));
	assert_int_equal(keys_load(path, k, err, sizeof(err)), 0);
}

static void
assert_hex_equal(const unsigned char *bin, size_t n, const char *want_hex)
{
	char hex[2 * 64 + 1];
	assert_true(n <= 64);
	sodium_bin2hex(hex, sizeof(hex), bin, n);
	assert_string_equal(hex, want_hex);
}

/* The four subkeys keys_load derives are the same in a and b. */
static void
assert_same_subkeys(const struct keys *a, const struct keys *b)
{
	assert_memory_equal(a->form, b->form, sizeof(a->form));
	assert_memory_equal(a->receipt, b->receipt, sizeof(a->receipt));
	assert_memory_equal(a->receipt_hash, b->receipt_hash, sizeof(a->receipt_hash));
	assert_memory_equal(a->session, b->session, sizeof(a->session));
}

/* ---- token_random ---- */

static void
test_token_random_alphabet(void **state)
{
	char t[TOKEN_LEN + 1];
	(void)state;

	for (int i = 0; i < 1000; i++) {
		memset(t, '?', sizeof(t));
		token_random(t, TOKEN_LEN);
		assert_int_equal(strlen(t), TOKEN_LEN);
		assert_int_equal(strspn(t, ALPHABET), TOKEN_LEN);
		assert_null(strpbrk(t, "01OIL"));
	}
	/* other lengths: exactly n characters and a NUL */
	char s[40];
	memset(s, '?', sizeof(s));
	token_random(s, 32);
	assert_int_equal(strlen(s), 32);
	assert_int_equal(s[33], '?');
}

static int
cmp_token(const void *a, const void *b)
{
	return strcmp(a, b);
}

static void
test_token_random_distinct(void **state)
{
	enum { N = 10000 };
	char (*t)[TOKEN_LEN + 1] = malloc(N * sizeof(*t));
	bool seen[256] = { false };
	(void)state;

	assert_non_null(t);
	for (int i = 0; i < N; i++) {
		token_random(t[i], TOKEN_LEN);
		for (int j = 0; j < TOKEN_LEN; j++)
			seen[(unsigned char)t[i][j]] = true;
	}
	qsort(t, N, sizeof(*t), cmp_token);
	for (int i = 1; i < N; i++)
		assert_string_not_equal(t[i - 1], t[i]);
	/* every letter of the alphabet turns up, and nothing else */
	for (const char *p = ALPHABET; *p; p++)
		assert_true(seen[(unsigned char)*p]);
	int distinct = 0;
	for (int c = 0; c < 256; c++)
		distinct += seen[c];
	assert_int_equal(distinct, (int)strlen(ALPHABET));
	free(t);
}

/* ---- token_normalize ---- */

/* token_normalize on a copy of s. */
static bool
normalized(const char *s)
{
	char t[64];
	snprintf(t, sizeof(t), "%s", s);
	return token_normalize(t);
}

static void
test_token_normalize(void **state)
{
	(void)state;
	char lower[] = "abcdefghjk";
	assert_true(token_normalize(lower));
	assert_string_equal(lower, "ABCDEFGHJK");
	char mixed[] = "aBc234xyZ9";
	assert_true(token_normalize(mixed));
	assert_string_equal(mixed, "ABC234XYZ9");

	/* look-alikes are never in a token, in either case */
	const char *bad[] = {
		"ABCDEFGHJO", "ABCDEFGHJ0", "ABCDEFGHJ1", "ABCDEFGHJI", "ABCDEFGHJL",
		"abcdefghjo", "abcdefghji", "abcdefghjl",
		"ABCDE-FGHJ", "ABCDE FGHJ", "ABCDEFGHJ/", "ABCDEFGHJ\xC3\xA9",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_false(normalized(bad[i]));
}

static void
test_token_normalize_length(void **state)
{
	char t[40];
	(void)state;

	for (size_t n = 0; n <= 34; n++) {
		memset(t, 'A', n);
		t[n] = '\0';
		assert_int_equal(token_normalize(t), n >= TOKEN_MIN_LEN && n <= TOKEN_MAX_LEN);
	}
	/* the edges, spelled out */
	assert_false(normalized(""));
	assert_false(normalized("AAAAAAAAA"));                            /* 9 */
	assert_true(normalized("AAAAAAAAAA"));                            /* 10 */
	assert_true(normalized("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"));      /* 32 */
	assert_false(normalized("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"));    /* 33 */
}

/* ---- idem_new, idem_valid ---- */

static void
test_idem_new(void **state)
{
	char a[IDEM_LEN + 1], b[IDEM_LEN + 1];
	(void)state;

	for (int i = 0; i < 1000; i++) {
		idem_new(a);
		idem_new(b);
		assert_int_equal(strlen(a), 32);
		assert_int_equal(strspn(a, "0123456789abcdef"), 32);
		assert_string_not_equal(a, b);
		assert_true(idem_valid(a));
	}
}

static void
test_idem_valid(void **state)
{
	char s[80];
	(void)state;

	for (size_t n = 0; n <= 70; n++) {
		memset(s, 'a', n);
		s[n] = '\0';
		assert_int_equal(idem_valid(s), n >= 16 && n <= 64);
	}
	assert_false(idem_valid("aaaaaaaaaaaaaaa"));        /* 15 */
	assert_true(idem_valid("aaaaaaaaaaaaaaaa"));        /* 16 */
	assert_true(idem_valid("AZaz09_-AZaz09_-"));
	assert_false(idem_valid("aaaaaaaaaaaaaaa/"));
	assert_false(idem_valid("aaaaaaaaaaaaaaa."));
	assert_false(idem_valid("aaaaaaaaaaaaaaa "));
	assert_false(idem_valid("aaaaaaaaaaaaaa\xC3\xA9"));
	assert_false(idem_valid("aaaaaaaaaaaaaaa'"));
}

/* ---- keys_load, keys_create_file ---- */

static void
test_keys_load_good(void **state)
{
	struct keys k = { 0 }, k2 = { 0 };
	char err[256] = "";
	(void)state;

	load_keys_hex("good", MASTER_HEX, &k);
	/* without the newline, and in upper case, it is the same key */
	const char *path = write_file("good2", MASTER_HEX, 64);
	assert_int_equal(keys_load(path, &k2, err, sizeof(err)), 0);
	assert_same_subkeys(&k, &k2);
	char upper[65];
	for (int i = 0; i < 64; i++)
		upper[i] = (char)(MASTER_HEX[i] >= 'a' ? MASTER_HEX[i] - 'a' + 'A' : MASTER_HEX[i]);
	path = write_file("good3", upper, 64);
	assert_int_equal(keys_load(path, &k2, err, sizeof(err)), 0);
	assert_same_subkeys(&k, &k2);
	/* the four subkeys are distinct */
	assert_memory_not_equal(k.form, k.receipt, 32);
	assert_memory_not_equal(k.form, k.receipt_hash, 32);
	assert_memory_not_equal(k.form, k.session, 32);
	assert_memory_not_equal(k.receipt, k.receipt_hash, 32);
	assert_memory_not_equal(k.receipt, k.session, 32);
	assert_memory_not_equal(k.receipt_hash, k.session, 32);
}

/* Each bad key file fails with a message naming the file. */
static void
test_keys_load_bad(void **state)
{
	struct {
		const char *name, *content;
	} bad[] = {
		{ "empty", "" },
		{ "short", "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e\n" },
		{ "odd", "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1\n" },
		{ "long", MASTER_HEX "20\n" },
		{ "garbage", "this is not a key at all, just some words in a file\n" },
		{ "nonhex", "zz0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n" },
		{ "trailing", MASTER_HEX "x" },
		{ "spaced", "00 0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n" },
	};
	(void)state;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct keys k;
		char err[512] = "";
		const char *path = write_file(bad[i].name, bad[i].content, strlen(bad[i].content));
		assert_int_equal(keys_load(path, &k, err, sizeof(err)), -1);
		assert_non_null(strstr(err, path));
		assert_non_null(strstr(err, "64 hex digits"));
	}
}

static void
test_keys_load_missing(void **state)
{
	struct keys k;
	char err[512] = "", path[256];
	(void)state;

	snprintf(path, sizeof(path), "%s/no-such-file", tmpdir);
	assert_int_equal(keys_load(path, &k, err, sizeof(err)), -1);
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, "No such file"));
	/* a tiny err buffer is not overrun */
	char tiny[8];
	memset(tiny, 'X', sizeof(tiny));
	assert_int_equal(keys_load(path, &k, tiny, sizeof(tiny)), -1);
	assert_int_equal(strlen(tiny), sizeof(tiny) - 1);
}

static void
test_keys_create_file(void **state)
{
	char path[256], first[128], again[128], err[256] = "";
	struct stat st;
	struct keys k;
	(void)state;

	snprintf(path, sizeof(path), "%s/created.key", tmpdir);
	assert_int_equal(keys_create_file(path), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(st.st_size, 65);

	FILE *f = fopen(path, "r");
	assert_non_null(f);
	size_t n = fread(first, 1, sizeof(first) - 1, f);
	fclose(f);
	first[n] = '\0';
	assert_int_equal(n, 65);
	assert_int_equal(strspn(first, "0123456789abcdef"), 64);
	assert_int_equal(first[64], '\n');
	assert_int_equal(keys_load(path, &k, err, sizeof(err)), 0);

	/* a second call leaves the existing key alone */
	assert_int_equal(keys_create_file(path), 1);
	f = fopen(path, "r");
	assert_non_null(f);
	n = fread(again, 1, sizeof(again) - 1, f);
	fclose(f);
	again[n] = '\0';
	assert_string_equal(first, again);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);

	/* two new files hold different keys */
	char path2[256], other[128];
	snprintf(path2, sizeof(path2), "%s/created2.key", tmpdir);
	assert_int_equal(keys_create_file(path2), 0);
	f = fopen(path2, "r");
	assert_non_null(f);
	n = fread(other, 1, sizeof(other) - 1, f);
	fclose(f);
	other[n] = '\0';
	assert_string_not_equal(first, other);

	/* a directory that does not exist */
	snprintf(path2, sizeof(path2), "%s/no/such/dir.key", tmpdir);
	assert_int_equal(keys_create_file(path2), -1);
}

/* The subkeys are libsodium's crypto_kdf (BLAKE2b) with context "tiengnoi":
 * subkey = BLAKE2b-256(key = master, message = "", salt = id as 8 bytes
 * little-endian + 8 zero bytes, personal = "tiengnoi" + 8 zero bytes), ids
 * form 1, receipt 2, receipt hash 3, session 4. The Python integration tests
 * derive the same keys this way; this test pins that recipe twice: against
 * the generic BLAKE2b call and against values from Python's hashlib. */
static void
test_keys_derivation(void **state)
{
	struct keys k;
	unsigned char master[32], want[32], salt[16], personal[16];
	size_t len;
	const unsigned char *got[4];
	(void)state;

	load_keys_hex("kat", MASTER_HEX, &k);
	assert_int_equal(sodium_hex2bin(master, sizeof(master), MASTER_HEX, 64, NULL, &len, NULL), 0);
	assert_int_equal(len, 32);
	got[0] = k.form;
	got[1] = k.receipt;
	got[2] = k.receipt_hash;
	got[3] = k.session;
	for (uint64_t id = 1; id <= 4; id++) {
		memset(salt, 0, sizeof(salt));
		for (int i = 0; i < 8; i++)
			salt[i] = (unsigned char)(id >> (8 * i));
		memset(personal, 0, sizeof(personal));
		memcpy(personal, "tiengnoi", 8);
		assert_int_equal(crypto_generichash_blake2b_salt_personal(want, sizeof(want), NULL, 0,
		    master, sizeof(master), salt, personal), 0);
		assert_memory_equal(got[id - 1], want, 32);
	}
	assert_hex_equal(k.form, 32, FORM_KEY_HEX);
	assert_hex_equal(k.receipt, 32, RECEIPT_KEY_HEX);
	assert_hex_equal(k.receipt_hash, 32, RECEIPT_HASH_KEY_HEX);
	assert_hex_equal(k.session, 32, SESSION_KEY_HEX);
}

/* ---- receipts ---- */

static void
test_receipt_from_idem(void **state)
{
	struct keys k, k2;
	char a[RECEIPT_DIGITS + 1], b[RECEIPT_DIGITS + 1], idem[IDEM_LEN + 1];
	(void)state;

	load_keys_hex("r1", MASTER_HEX, &k);
	load_keys_hex("r2", "1f1e1d1c1b1a191817161514131211100f0e0d0c0b0a09080706050403020100", &k2);

	receipt_from_idem(&k, KAT_IDEM, a);
	assert_string_equal(a, KAT_RECEIPT);
	receipt_from_idem(&k, KAT_IDEM, b);
	assert_string_equal(a, b);
	/* another key gives another receipt */
	receipt_from_idem(&k2, KAT_IDEM, b);
	assert_string_not_equal(a, b);
	/* another idempotency key too, even one character off */
	receipt_from_idem(&k, "0123456789abcdef0123456789abcdee", b);
	assert_string_not_equal(a, b);

	for (int i = 0; i < 2000; i++) {
		idem_new(idem);
		receipt_from_idem(&k, idem, a);
		assert_int_equal(strlen(a), RECEIPT_DIGITS);
		assert_int_equal(strspn(a, "0123456789"), RECEIPT_DIGITS);
	}
}

/* A worker report's receipt depends on the key, the content and the
 * server key, and is never the key-only receipt. */
static void
test_receipt_from_report(void **state)
{
	struct keys k, k2;
	unsigned char c1[REPORT_DIGEST_LEN], c2[REPORT_DIGEST_LEN];
	char a[RECEIPT_DIGITS + 1], b[RECEIPT_DIGITS + 1];
	(void)state;

	load_keys_hex("p1", MASTER_HEX, &k);
	load_keys_hex("p2", "1f1e1d1c1b1a191817161514131211100f0e0d0c0b0a09080706050403020100", &k2);
	memset(c1, 0x11, sizeof(c1));
	memcpy(c2, c1, sizeof(c2));
	c2[REPORT_DIGEST_LEN - 1] ^= 1;

	receipt_from_report(&k, KAT_IDEM, c1, a);
	assert_int_equal(strlen(a), RECEIPT_DIGITS);
	assert_int_equal(strspn(a, "0123456789"), RECEIPT_DIGITS);
	receipt_from_report(&k, KAT_IDEM, c1, b);
	assert_string_equal(a, b);                 /* a resend: the same receipt */
	assert_string_not_equal(a, KAT_RECEIPT);   /* not the key-only receipt */
	receipt_from_report(&k, KAT_IDEM, c2, b);
	assert_string_not_equal(a, b);             /* one bit of content */
	receipt_from_report(&k, "0123456789abcdef0123456789abcdee", c1, b);
	assert_string_not_equal(a, b);             /* another key */
	receipt_from_report(&k2, KAT_IDEM, c1, b);
	assert_string_not_equal(a, b);             /* another server */
}

static void
test_receipt_hash(void **state)
{
	struct keys k, k2;
	unsigned char h1[RECEIPT_HASH_LEN + 8], h2[RECEIPT_HASH_LEN + 8];
	(void)state;

	load_keys_hex("h1", MASTER_HEX, &k);
	load_keys_hex("h2", "1f1e1d1c1b1a191817161514131211100f0e0d0c0b0a09080706050403020100", &k2);
	memset(h1, 0xAA, sizeof(h1));
	memset(h2, 0x55, sizeof(h2));
	receipt_hash(&k, KAT_RECEIPT, h1);
	receipt_hash(&k, KAT_RECEIPT, h2);
	assert_memory_equal(h1, h2, RECEIPT_HASH_LEN);
	assert_hex_equal(h1, RECEIPT_HASH_LEN, KAT_RECEIPT_HASH_HEX);
	/* exactly 32 bytes are written */
	for (size_t i = RECEIPT_HASH_LEN; i < sizeof(h1); i++) {
		assert_int_equal(h1[i], 0xAA);
		assert_int_equal(h2[i], 0x55);
	}
	receipt_hash(&k, "9995548234324155", h2);
	assert_memory_not_equal(h1, h2, RECEIPT_HASH_LEN);
	receipt_hash(&k2, KAT_RECEIPT, h2);
	assert_memory_not_equal(h1, h2, RECEIPT_HASH_LEN);
	/* the hash is not the receipt key's hash: the two subkeys differ */
	assert_memory_not_equal(k.receipt, k.receipt_hash, 32);
}

static void
test_receipt_format(void **state)
{
	char out[RECEIPT_DIGITS + 4];
	(void)state;

	receipt_format("1234567890123456", out);
	assert_string_equal(out, "1234 5678 9012 3456");
	receipt_format("0000000000000000", out);
	assert_string_equal(out, "0000 0000 0000 0000");
}

static void
test_receipt_parse(void **state)
{
	char out[RECEIPT_DIGITS + 1], fmt[RECEIPT_DIGITS + 4];
	(void)state;

	assert_true(receipt_parse("1234 5678-9012.3456", out));
	assert_string_equal(out, "1234567890123456");
	assert_true(receipt_parse("1234567890123456", out));
	assert_string_equal(out, "1234567890123456");
	assert_true(receipt_parse(" 1234 5678 9012 3456 ", out));
	assert_string_equal(out, "1234567890123456");
	assert_true(receipt_parse("0000-0000-0000-0001", out));
	assert_string_equal(out, "0000000000000001");

	assert_false(receipt_parse("123456789012345", out));       /* 15 */
	assert_false(receipt_parse("12345678901234567", out));     /* 17 */
	assert_false(receipt_parse("1234 5678 9012 345", out));
	assert_false(receipt_parse("1234 5678 9012 3456 7", out));
	assert_false(receipt_parse("1234 5678 9012 345a", out));
	assert_false(receipt_parse("abcd efgh ijkl mnop", out));
	assert_false(receipt_parse("1234/5678/9012/3456", out));
	assert_false(receipt_parse("", out));
	assert_false(receipt_parse("   ", out));

	/* format and parse undo each other */
	receipt_format(KAT_RECEIPT, fmt);
	assert_true(receipt_parse(fmt, out));
	assert_string_equal(out, KAT_RECEIPT);
}

/* A typed number: separators dropped, exactly the digits wanted. */
static void
test_token_digits(void **state)
{
	(void)state;
	char out[17];
	assert_true(token_digits("1234-5678 9012.3456", " -.", out, 16));
	assert_string_equal(out, "1234567890123456");
	assert_false(token_digits("1234-5678 9012.345", " -.", out, 16));     /* too few */
	assert_false(token_digits("1234-5678 9012.34567", " -.", out, 16));   /* too many */
	assert_false(token_digits("1234\t567", " -", out, 7));               /* tab not a separator here */
	assert_true(token_digits("123\t456", " -\t", out, 6));
	assert_string_equal(out, "123456");
	assert_false(token_digits("12345a", "", out, 6));
	assert_false(token_digits("' OR 1=1", " ", out, 6));
	assert_false(token_digits(NULL, " ", out, 6));
	assert_false(token_digits("", " ", out, 6));
	assert_false(receipt_parse("１２３４", out));                          /* full-width digits are not digits */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_token_random_alphabet),
		cmocka_unit_test(test_token_random_distinct),
		cmocka_unit_test(test_token_normalize),
		cmocka_unit_test(test_token_normalize_length),
		cmocka_unit_test(test_token_digits),
		cmocka_unit_test(test_idem_new),
		cmocka_unit_test(test_idem_valid),
		cmocka_unit_test(test_keys_load_good),
		cmocka_unit_test(test_keys_load_bad),
		cmocka_unit_test(test_keys_load_missing),
		cmocka_unit_test(test_keys_create_file),
		cmocka_unit_test(test_keys_derivation),
		cmocka_unit_test(test_receipt_from_idem),
		cmocka_unit_test(test_receipt_from_report),
		cmocka_unit_test(test_receipt_hash),
		cmocka_unit_test(test_receipt_format),
		cmocka_unit_test(test_receipt_parse),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
