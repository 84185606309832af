/* csrf.c: stateless anti-forgery tokens for the worker forms (no cookie needed). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "app.h"
#include "csrf.h"
#include "token.h"

#define CSRF_MAC_BYTES 16

/* HMAC-SHA256 of "form|TOKEN|FORM|TS" under the form key. The keyed start
 * of an HMAC (two SHA-256 blocks) is the same for every token: it is made
 * once per key and copied, which halves the hashing of a form or a POST. */
static void
csrf_mac(const struct keys *k, const char *entry_token, const char *form_id, long long ts,
    unsigned char mac[crypto_auth_hmacsha256_BYTES])
{
	static unsigned char base_key[sizeof(k->form)];
	static crypto_auth_hmacsha256_state base;
	static bool have_base;
	char msg[160];
	int n = snprintf(msg, sizeof(msg), "form|%s|%s|%lld", entry_token, form_id, ts);
	if (n < 0 || (size_t)n >= sizeof(msg))
		n = (int)sizeof(msg) - 1;
	if (!have_base || sodium_memcmp(base_key, k->form, sizeof(base_key)) != 0) {
		crypto_auth_hmacsha256_init(&base, k->form, sizeof(k->form));
		memcpy(base_key, k->form, sizeof(base_key));
		have_base = true;
	}
	crypto_auth_hmacsha256_state st = base;
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)msg, (size_t)n);
	crypto_auth_hmacsha256_final(&st, mac);
}

/* Writes "TS.MAC" for a form of one entry point (by its token), issued at `now`:
 * TS in hex, MAC the first 16 bytes of HMAC-SHA256 in hex. */
void
csrf_form_token(const struct keys *k, const char *entry_token, const char *form_id, time_t now,
    char out[CSRF_TOKEN_MAX])
{
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	char hex[2 * CSRF_MAC_BYTES + 1];
	csrf_mac(k, entry_token, form_id, (long long)now, mac);
	sodium_bin2hex(hex, sizeof(hex), mac, CSRF_MAC_BYTES);
	snprintf(out, CSRF_TOKEN_MAX, "%llx.%s", (unsigned long long)now, hex);
}

/* Checks a token sent back with a form: CSRF_OK, CSRF_FORGED (malformed or
 * wrong MAC, in constant time) or CSRF_EXPIRED (older than CSRF_MAX_AGE, or
 * from the future beyond a little clock skew). */
int
csrf_form_check(const struct keys *k, const char *entry_token, const char *form_id, const char *token, time_t now)
{
	const char *dot = token ? strchr(token, '.') : NULL;
	if (dot == NULL || dot == token || dot - token > 16 || strlen(dot + 1) != 2 * CSRF_MAC_BYTES)
		return CSRF_FORGED;
	char *end;
	unsigned long long ts = strtoull(token, &end, 16);
	if (end != dot)
		return CSRF_FORGED;
	unsigned char got[CSRF_MAC_BYTES];
	size_t got_len = 0;
	if (sodium_hex2bin(got, sizeof(got), dot + 1, 2 * CSRF_MAC_BYTES, NULL, &got_len, NULL) != 0 ||
	    got_len != sizeof(got))
		return CSRF_FORGED;
	unsigned char want[crypto_auth_hmacsha256_BYTES];
	csrf_mac(k, entry_token, form_id, (long long)ts, want);
	if (sodium_memcmp(got, want, CSRF_MAC_BYTES) != 0)
		return CSRF_FORGED;
	long long age = (long long)now - (long long)ts;
	if (age > CSRF_MAX_AGE || age < -300)
		return CSRF_EXPIRED;
	return CSRF_OK;
}
