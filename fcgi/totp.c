/* totp.c: time-based one-time passwords (RFC 6238 over RFC 4226), base32, otpauth URIs, recovery codes. */
#include <stdio.h>
#include <string.h>
#include <nettle/hmac.h>
#include <sodium.h>

#include "app.h"
#include "token.h"
#include "totp.h"

/* The issuer as authenticator apps show it, percent-encoded once here. */
#define TOTP_ISSUER_URI "Ti%E1%BA%BFng%20n%C3%B3i"

/* RFC 4226 HOTP: HMAC-SHA-1 of the big-endian counter (nettle), dynamic
 * truncation, reduced to `digits` decimal digits (1..9). */
uint32_t
totp_hotp(const unsigned char *key, size_t keylen, uint64_t counter, int digits)
{
	struct hmac_sha1_ctx ctx;
	unsigned char msg[8], mac[SHA1_DIGEST_SIZE];
	for (int i = 7; i >= 0; i--, counter >>= 8)
		msg[i] = (unsigned char)(counter & 0xff);
	hmac_sha1_set_key(&ctx, keylen, key);
	hmac_sha1_update(&ctx, sizeof(msg), msg);
	hmac_sha1_digest(&ctx, sizeof(mac), mac);
	sodium_memzero(&ctx, sizeof(ctx));
	unsigned off = mac[SHA1_DIGEST_SIZE - 1] & 0x0f;
	uint32_t bin = (uint32_t)(mac[off] & 0x7f) << 24 | (uint32_t)mac[off + 1] << 16 |
	    (uint32_t)mac[off + 2] << 8 | (uint32_t)mac[off + 3];
	uint32_t mod = 1;
	for (int i = 0; i < digits && i < 9; i++)
		mod *= 10;
	return bin % mod;
}

/* The RFC 6238 time step of a Unix time (T0 = 0). */
int64_t
totp_step(time_t t)
{
	return t < 0 ? -1 : (int64_t)t / TOTP_PERIOD;
}

/* The 6-digit code of one step, zero-padded, as the apps show it. */
void
totp_code(const unsigned char key[TOTP_SECRET_LEN], int64_t step, char out[TOTP_DIGITS + 1])
{
	snprintf(out, TOTP_DIGITS + 1, "%0*u", TOTP_DIGITS,
	    (unsigned)totp_hotp(key, TOTP_SECRET_LEN, (uint64_t)step, TOTP_DIGITS));
}

/* A code as typed ("123 456", "123-456", full-width spaces are not
 * expected) to its 6 digits; false unless exactly 6 digits remain. */
bool
totp_normalize(const char *in, char out[TOTP_DIGITS + 1])
{
	return token_digits(in, " -\t", out, TOTP_DIGITS);
}

/* Checks a typed code against the steps now-1, now and now+1. Returns
 * the step it belongs to when that step is later than `last_step` (the
 * last one accepted for this secret, so a code is good once);
 * TOTP_REUSED when it matches a step already used; TOTP_BAD otherwise.
 * Every candidate is computed and compared in constant time. */
int64_t
totp_verify(const unsigned char key[TOTP_SECRET_LEN], const char *code, time_t now, int64_t last_step)
{
	char typed[TOTP_DIGITS + 1], want[TOTP_DIGITS + 1];
	int64_t found = TOTP_BAD, base = totp_step(now);
	if (!totp_normalize(code, typed) || base < 0)
		return TOTP_BAD;
	for (int64_t s = base - TOTP_WINDOW; s <= base + TOTP_WINDOW; s++) {
		if (s < 0)
			continue;
		totp_code(key, s, want);
		if (sodium_memcmp(typed, want, TOTP_DIGITS) != 0)
			continue;
		if (s > last_step)
			found = found >= 0 ? found : s;
		else if (found == TOTP_BAD)
			found = TOTP_REUSED;
	}
	sodium_memzero(want, sizeof(want));
	return found;
}

void
totp_secret_new(unsigned char out[TOTP_SECRET_LEN])
{
	randombytes_buf(out, TOTP_SECRET_LEN);
}

/* RFC 4648 base32 (upper case, no padding: what authenticator apps
 * take). Returns the length written, or 0 when out is too small. */
size_t
base32_encode(const unsigned char *in, size_t len, char *out, size_t outsize)
{
	static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
	size_t need = (len * 8 + 4) / 5, n = 0;
	if (outsize < need + 1)
		return 0;
	uint32_t acc = 0;
	int bits = 0;
	for (size_t i = 0; i < len; i++) {
		acc = (acc << 8 | in[i]) & 0xfff;
		bits += 8;
		while (bits >= 5) {
			out[n++] = alphabet[(acc >> (bits - 5)) & 31];
			bits -= 5;
		}
	}
	if (bits > 0)
		out[n++] = alphabet[(acc << (5 - bits)) & 31];
	out[n] = '\0';
	return n;
}

/* The otpauth:// URI authenticator apps read from the QR code (Google's
 * Key Uri Format, also read by Microsoft Authenticator and FreeOTP).
 * 0 on success, -1 when it would not fit. */
int
totp_uri(const char *username, const char *secret_b32, char out[TOTP_URI_MAX])
{
	static const char hex[] = "0123456789ABCDEF";
	char user[3 * 40 + 1];
	size_t n = 0;
	for (const unsigned char *p = (const unsigned char *)username; *p; p++) {
		if (n + 4 > sizeof(user))
			return -1;
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    *p == '-' || *p == '.' || *p == '_' || *p == '~') {
			user[n++] = (char)*p;
		} else {
			user[n++] = '%';
			user[n++] = hex[*p >> 4];
			user[n++] = hex[*p & 15];
		}
	}
	user[n] = '\0';
	int w = snprintf(out, TOTP_URI_MAX, "otpauth://totp/%s:%s?secret=%s&issuer=%s&algorithm=SHA1&digits=%d&period=%d",
	    TOTP_ISSUER_URI, user, secret_b32, TOTP_ISSUER_URI, TOTP_DIGITS, TOTP_PERIOD);
	return w > 0 && w < TOTP_URI_MAX ? 0 : -1;
}

/* A fresh recovery code: characters of the QR-token alphabet (no look-alikes). */
void
totp_recovery_new(char out[TOTP_RECOVERY_LEN + 1])
{
	token_random(out, TOTP_RECOVERY_LEN);
}

/* A recovery code as typed (any case, spaces and hyphens anywhere) to its
 * canonical form; false unless it is TOTP_RECOVERY_LEN alphabet characters. */
bool
totp_recovery_normalize(const char *in, char out[TOTP_RECOVERY_LEN + 1])
{
	char tmp[TOTP_RECOVERY_LEN + 1];
	size_t n = 0;
	for (; in && *in; in++) {
		if (*in == ' ' || *in == '-' || *in == '\t')
			continue;
		if (n == TOTP_RECOVERY_LEN)
			return false;
		tmp[n++] = *in;
	}
	tmp[n] = '\0';
	if (n != TOTP_RECOVERY_LEN || !token_normalize(tmp))
		return false;
	memcpy(out, tmp, n + 1);
	return true;
}

/* The stored form of a recovery code: keyed BLAKE2b under the session key,
 * so a copy of the database does not give the codes away. */
void
totp_recovery_hash(const struct keys *k, const char code[TOTP_RECOVERY_LEN + 1], unsigned char out[TOTP_RECOVERY_HASH_LEN])
{
	crypto_generichash(out, TOTP_RECOVERY_HASH_LEN, (const unsigned char *)code, strlen(code), k->session,
	    sizeof(k->session));
}
