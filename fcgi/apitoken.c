/* apitoken.c: read-API tokens ("tn_PREFIX_SECRET"): made, parsed and hashed the same way by the CLI and the app. */
#include <string.h>
#include <sodium.h>

#include "apitoken.h"

/* A new token and its prefix: 6 random bytes of prefix (the lookup key)
 * and 32 of secret, both in lower-case hex. */
void
apitoken_new(char out[APITOKEN_LEN + 1], char prefix[APITOKEN_PREFIX_LEN + 1])
{
	unsigned char p[APITOKEN_PREFIX_LEN / 2], s[APITOKEN_SECRET_LEN / 2];
	char ph[APITOKEN_PREFIX_LEN + 1], sh[APITOKEN_SECRET_LEN + 1];
	randombytes_buf(p, sizeof(p));
	randombytes_buf(s, sizeof(s));
	sodium_bin2hex(ph, sizeof(ph), p, sizeof(p));
	sodium_bin2hex(sh, sizeof(sh), s, sizeof(s));
	memcpy(out, "tn_", 3);
	memcpy(out + 3, ph, APITOKEN_PREFIX_LEN);
	out[3 + APITOKEN_PREFIX_LEN] = '_';
	memcpy(out + 4 + APITOKEN_PREFIX_LEN, sh, APITOKEN_SECRET_LEN + 1);
	memcpy(prefix, ph, APITOKEN_PREFIX_LEN + 1);
	sodium_memzero(s, sizeof(s));
	sodium_memzero(sh, sizeof(sh));
}

static bool
lower_hex(const char *s, size_t n)
{
	return strspn(s, "0123456789abcdef") >= n;
}

/* true when `token` has the shape of one (tn_, 12 hex, _, 64 hex, nothing
 * more); then `prefix` holds its lookup key. Says nothing of validity. */
bool
apitoken_parse(const char *token, char prefix[APITOKEN_PREFIX_LEN + 1])
{
	if (token == NULL || strlen(token) != APITOKEN_LEN || strncmp(token, "tn_", 3) != 0 ||
	    !lower_hex(token + 3, APITOKEN_PREFIX_LEN) || token[3 + APITOKEN_PREFIX_LEN] != '_' ||
	    !lower_hex(token + 4 + APITOKEN_PREFIX_LEN, APITOKEN_SECRET_LEN))
		return false;
	memcpy(prefix, token + 3, APITOKEN_PREFIX_LEN);
	prefix[APITOKEN_PREFIX_LEN] = '\0';
	return true;
}

/* sha256 of the whole token: what api_token.hash stores. A slow hash would
 * buy nothing against 256 random bits. */
void
apitoken_hash(const char *token, unsigned char out[APITOKEN_HASH_LEN])
{
	crypto_hash_sha256(out, (const unsigned char *)token, strlen(token));
}

/* Whether `token` hashes to the stored hash, compared in constant time. */
bool
apitoken_matches(const char *token, const void *stored, size_t stored_len)
{
	unsigned char h[APITOKEN_HASH_LEN];
	apitoken_hash(token, h);
	return stored_len == APITOKEN_HASH_LEN && sodium_memcmp(h, stored, APITOKEN_HASH_LEN) == 0;
}
