/* apitoken.h: read-API tokens ("tn_PREFIX_SECRET"): made, parsed and hashed the same way by the CLI and the app. */
#ifndef TIENGNOI_APITOKEN_H
#define TIENGNOI_APITOKEN_H
#include "app.h"

#define APITOKEN_PREFIX_LEN 12   /* hex: 48 bits, the row's lookup key (shown in lists) */
#define APITOKEN_SECRET_LEN 64   /* hex: 32 random bytes */
#define APITOKEN_LEN (3 + APITOKEN_PREFIX_LEN + 1 + APITOKEN_SECRET_LEN)
#define APITOKEN_HASH_LEN 32     /* sha256 */

void apitoken_new(char out[APITOKEN_LEN + 1], char prefix[APITOKEN_PREFIX_LEN + 1]);
bool apitoken_parse(const char *token, char prefix[APITOKEN_PREFIX_LEN + 1]);
void apitoken_hash(const char *token, unsigned char out[APITOKEN_HASH_LEN]);
bool apitoken_matches(const char *token, const void *stored, size_t stored_len);

#endif
