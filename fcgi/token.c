/* token.c: server keys, QR tokens, idempotency keys and receipt codes. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sodium.h>

#include "app.h"
#include "token.h"

/* No 0/O, 1/I/L: a token is read off a poster and typed on a phone. */
static const char token_alphabet[] = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";

enum key_id { KEY_FORM = 1, KEY_RECEIPT, KEY_RECEIPT_HASH, KEY_SESSION };

/* Reads a key written as 2 * len hex digits (a newline allowed) from
 * path into out. 0 on success; -1 with a reason in err that calls the
 * file `what` PATH. */
static int
hex_key_read(const char *what, const char *path, unsigned char *out, size_t len, char *err, size_t errlen)
{
	char hex[2 * 64 + 2];
	size_t bin_len = 0;
	if (len > 64)
		return -1;
	FILE *f = fopen(path, "r");
	if (f == NULL) {
		snprintf(err, errlen, "cannot open %s%s: %s (run `tiengnoi-admin keys init`)", what, path, strerror(errno));
		return -1;
	}
	size_t n = fread(hex, 1, 2 * len + 1, f);
	fclose(f);
	hex[n] = '\0';
	int rc = sodium_hex2bin(out, len, hex, n, "\n", &bin_len, NULL) != 0 || bin_len != len ? -1 : 0;
	if (rc != 0) {
		sodium_memzero(out, len);
		snprintf(err, errlen, "%s%s must hold %zu hex digits", what, path, 2 * len);
	}
	sodium_memzero(hex, sizeof(hex));
	return rc;
}

/* Loads the 32-byte master key (64 hex digits) from path and derives the
 * subkeys. 0 on success; -1 with a reason in err. */
int
keys_load(const char *path, struct keys *k, char *err, size_t errlen)
{
	unsigned char master[crypto_kdf_KEYBYTES];
	if (hex_key_read("key file ", path, master, sizeof(master), err, errlen) != 0)
		return -1;
	crypto_kdf_derive_from_key(k->form, sizeof(k->form), KEY_FORM, "tiengnoi", master);
	crypto_kdf_derive_from_key(k->receipt, sizeof(k->receipt), KEY_RECEIPT, "tiengnoi", master);
	crypto_kdf_derive_from_key(k->receipt_hash, sizeof(k->receipt_hash), KEY_RECEIPT_HASH, "tiengnoi", master);
	crypto_kdf_derive_from_key(k->session, sizeof(k->session), KEY_SESSION, "tiengnoi", master);
	sodium_memzero(master, sizeof(master));
	return 0;
}

/* Creates a new random master key file (mode 0600) unless one exists.
 * 0 when created, 1 when it already existed, -1 on error (errno set). */
int
keys_create_file(const char *path)
{
	unsigned char master[crypto_kdf_KEYBYTES];
	char hex[2 * crypto_kdf_KEYBYTES + 1];
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (fd < 0)
		return errno == EEXIST ? 1 : -1;
	crypto_kdf_keygen(master);
	sodium_bin2hex(hex, sizeof(hex), master, sizeof(master));
	sodium_memzero(master, sizeof(master));
	hex[sizeof(hex) - 1] = '\n';
	ssize_t w = write(fd, hex, sizeof(hex));
	sodium_memzero(hex, sizeof(hex));
	if (w != (ssize_t)sizeof(hex) || fsync(fd) != 0) {
		close(fd);
		unlink(path);
		return -1;
	}
	return close(fd);
}

/* Reads the contact public key (64 hex digits). 0 on success; -1 with a
 * reason in err. */
int
keys_load_contact(const char *pub_path, struct keys *k, char *err, size_t errlen)
{
	if (hex_key_read("", pub_path, k->contact_pk, sizeof(k->contact_pk), err, errlen) != 0)
		return -1;
	k->has_contact_pk = true;
	return 0;
}

static int
write_hex_file(const char *path, const unsigned char *bin, size_t n, mode_t mode)
{
	char hex[2 * 64 + 2];
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, mode);
	if (fd < 0)
		return -1;
	sodium_bin2hex(hex, sizeof(hex), bin, n);
	hex[2 * n] = '\n';
	ssize_t w = write(fd, hex, 2 * n + 1);
	sodium_memzero(hex, sizeof(hex));
	if (w != (ssize_t)(2 * n + 1) || fsync(fd) != 0) {
		close(fd);
		unlink(path);
		return -1;
	}
	return close(fd);
}

/* Creates the contact key pair unless it exists: the public half (0644)
 * for the app, the secret half (0600) for revealing. 0 created, 1 kept,
 * -1 on error (errno set). */
int
keys_create_contact(const char *pub_path, const char *secret_path)
{
	unsigned char pk[crypto_box_PUBLICKEYBYTES], sk[crypto_box_SECRETKEYBYTES];
	if (access(pub_path, F_OK) == 0 && access(secret_path, F_OK) == 0)
		return 1;
	if (access(pub_path, F_OK) == 0 || access(secret_path, F_OK) == 0) {
		errno = EEXIST;   /* half a pair: refuse to guess which half is right */
		return -1;
	}
	crypto_box_keypair(pk, sk);
	int rc = write_hex_file(secret_path, sk, sizeof(sk), 0600);
	sodium_memzero(sk, sizeof(sk));
	if (rc != 0)
		return -1;
	if (write_hex_file(pub_path, pk, sizeof(pk), 0644) != 0) {
		unlink(secret_path);
		return -1;
	}
	return 0;
}

/* Seals plain text for the holder of the contact secret key (anonymous
 * sender: crypto_box_seal). *out is malloc'd; 0 on success. */
int
keys_seal(const struct keys *k, const char *plain, unsigned char **out, size_t *outlen)
{
	size_t n = strlen(plain);
	if (!k->has_contact_pk || (*out = malloc(n + crypto_box_SEALBYTES)) == NULL)
		return -1;
	if (crypto_box_seal(*out, (const unsigned char *)plain, n, k->contact_pk) != 0) {
		free(*out);
		return -1;
	}
	*outlen = n + crypto_box_SEALBYTES;
	return 0;
}

/* Reads the contact secret key if this process may (the app, for
 * "reveal"); 0 when loaded, -1 when absent or unreadable. */
int
keys_load_contact_secret(const char *secret_path, struct keys *k)
{
	char hex[2 * crypto_box_SECRETKEYBYTES + 2];
	size_t bin_len = 0;
	FILE *f = fopen(secret_path, "r");
	if (f == NULL)
		return -1;
	size_t n = fread(hex, 1, sizeof(hex) - 1, f);
	fclose(f);
	hex[n] = '\0';
	int rc = sodium_hex2bin(k->contact_sk, sizeof(k->contact_sk), hex, n, "\n", &bin_len, NULL);
	sodium_memzero(hex, sizeof(hex));
	k->has_contact_sk = rc == 0 && bin_len == sizeof(k->contact_sk);
	return k->has_contact_sk ? 0 : -1;
}

/* Opens sealed contact details: a malloc'd NUL-terminated string, or NULL
 * when the key is missing or the box does not open. */
char *
keys_open(const struct keys *k, const unsigned char *sealed, size_t len)
{
	if (!k->has_contact_sk || !k->has_contact_pk || len < crypto_box_SEALBYTES)
		return NULL;
	char *plain = malloc(len - crypto_box_SEALBYTES + 1);
	if (plain == NULL)
		return NULL;
	if (crypto_box_seal_open((unsigned char *)plain, sealed, len, k->contact_pk, k->contact_sk) != 0) {
		free(plain);
		return NULL;
	}
	plain[len - crypto_box_SEALBYTES] = '\0';
	return plain;
}

/* Fills out with n random characters of the look-alike-free alphabet and a
 * NUL (out holds n + 1 bytes). */
void
token_random(char *out, size_t n)
{
	for (size_t i = 0; i < n; i++)
		out[i] = token_alphabet[randombytes_uniform(sizeof(token_alphabet) - 1)];
	out[n] = '\0';
}

/* Upper-cases a token typed or scanned in any case, in place; returns
 * whether the result is a well-formed token. */
bool
token_normalize(char *t)
{
	size_t n = 0;
	for (char *p = t; *p; p++, n++) {
		if (*p >= 'a' && *p <= 'z')
			*p = (char)(*p - 'a' + 'A');
		if (strchr(token_alphabet, *p) == NULL)
			return false;
	}
	return n >= TOKEN_MIN_LEN && n <= TOKEN_MAX_LEN;
}

/* A fresh idempotency key: 128 random bits as 32 hex digits. */
void
idem_new(char out[IDEM_LEN + 1])
{
	unsigned char r[IDEM_LEN / 2];
	randombytes_buf(r, sizeof(r));
	sodium_bin2hex(out, IDEM_LEN + 1, r, sizeof(r));
}

/* Idempotency keys come back from the client: 16–64 characters of
 * [A-Za-z0-9_-] (so a client-side script may also mint them). */
bool
idem_valid(const char *s)
{
	size_t n = strlen(s);
	if (n < 16 || n > 64)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || *s == '_' || *s == '-'))
			return false;
	return true;
}

/* 16 decimal digits from a keyed hash: 10 bytes (80 bits) reduced mod
 * 10^16, a bias below 2^-26. */
static void
receipt_digits(const unsigned char h[16], char out[RECEIPT_DIGITS + 1])
{
	unsigned __int128 v = 0;
	for (int i = 0; i < 10; i++)
		v = (v << 8) | h[i];
	uint64_t d = (uint64_t)(v % 10000000000000000ULL);
	for (int i = RECEIPT_DIGITS - 1; i >= 0; i--, d /= 10)   /* "%016llu", without printf */
		out[i] = (char)('0' + d % 10);
	out[RECEIPT_DIGITS] = '\0';
}

/* The 16-digit receipt belonging to an idempotency key alone: reports an
 * officer enters (the console mints the key), and the receipts of worker
 * reports stored before receipt_from_report existed. */
void
receipt_from_idem(const struct keys *k, const char *idem, char out[RECEIPT_DIGITS + 1])
{
	unsigned char h[16];
	crypto_generichash(h, sizeof(h), (const unsigned char *)idem, strlen(idem),
	    k->receipt, sizeof(k->receipt));
	receipt_digits(h, out);
}

/* The receipt of a worker's report: a keyed hash of the idempotency key
 * and of what the report says (`content`, a digest of it). A resend of
 * the same report shows the same receipt; whoever chose the key (a forged
 * form with fixed keys) cannot foresee it without the worker's text. */
void
receipt_from_report(const struct keys *k, const char *idem, const unsigned char content[REPORT_DIGEST_LEN],
    char out[RECEIPT_DIGITS + 1])
{
	static const unsigned char domain[] = "tiengnoi report receipt";
	crypto_generichash_state st;
	unsigned char h[16];
	crypto_generichash_init(&st, k->receipt, sizeof(k->receipt), sizeof(h));
	crypto_generichash_update(&st, domain, sizeof(domain));   /* with its NUL: never an idempotency key alone */
	crypto_generichash_update(&st, (const unsigned char *)idem, strlen(idem) + 1);
	crypto_generichash_update(&st, content, REPORT_DIGEST_LEN);
	crypto_generichash_final(&st, h, sizeof(h));
	receipt_digits(h, out);
}

/* The keyed hash under which a receipt is stored (never the code itself). */
void
receipt_hash(const struct keys *k, const char *digits, unsigned char out[RECEIPT_HASH_LEN])
{
	crypto_generichash(out, RECEIPT_HASH_LEN, (const unsigned char *)digits, strlen(digits),
	    k->receipt_hash, sizeof(k->receipt_hash));
}

/* "1234567890123456" → "1234 5678 9012 3456" */
void
receipt_format(const char *digits, char out[RECEIPT_DIGITS + 4])
{
	size_t j = 0;
	for (size_t i = 0; i < RECEIPT_DIGITS; i++) {
		if (i > 0 && i % 4 == 0)
			out[j++] = ' ';
		out[j++] = digits[i];
	}
	out[j] = '\0';
}

/* Reads a receipt as a person types it (spaces, dashes and dots ignored)
 * into 16 digits; false when it is not exactly 16 digits. */
bool
receipt_parse(const char *in, char out[RECEIPT_DIGITS + 1])
{
	return token_digits(in, " -.", out, RECEIPT_DIGITS);
}

/* A number a person types (a receipt, a second-factor code): the
 * characters of `skip` dropped, exactly `want` digits into `out` (size
 * want + 1, terminated); false for anything else, or a NULL `in`. */
bool
token_digits(const char *in, const char *skip, char *out, size_t want)
{
	size_t j = 0;
	for (; in && *in; in++) {
		if (strchr(skip, *in) != NULL)
			continue;
		if (*in < '0' || *in > '9' || j == want)
			return false;
		out[j++] = *in;
	}
	out[j] = '\0';
	return in != NULL && j == want;
}
