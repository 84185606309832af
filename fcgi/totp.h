/* totp.h: time-based one-time passwords (RFC 6238 over RFC 4226), base32, otpauth URIs, recovery codes. */
#ifndef TIENGNOI_TOTP_H
#define TIENGNOI_TOTP_H
#include <stdint.h>
#include <time.h>
#include "app.h"

#define TOTP_SECRET_LEN 20      /* 160 bits, the size RFC 4226 recommends for HMAC-SHA-1 */
#define TOTP_PERIOD 30          /* seconds per step */
#define TOTP_DIGITS 6
#define TOTP_WINDOW 1           /* steps accepted either side of now: clock drift, slow typing */
#define TOTP_B32_MAX 33         /* base32 of the secret: 32 characters and a NUL */
#define TOTP_URI_MAX 256
#define TOTP_RECOVERY_COUNT 10
#define TOTP_RECOVERY_LEN 10    /* characters of the token alphabet: 31^10 ≈ 2^49 */
#define TOTP_RECOVERY_HASH_LEN 32
#define TOTP_BAD (-1)           /* totp_verify: no such code now */
#define TOTP_REUSED (-2)        /* totp_verify: the code of a step already used */

struct keys;

uint32_t totp_hotp(const unsigned char *key, size_t keylen, uint64_t counter, int digits);
int64_t totp_step(time_t t);
void totp_code(const unsigned char key[TOTP_SECRET_LEN], int64_t step, char out[TOTP_DIGITS + 1]);
bool totp_normalize(const char *in, char out[TOTP_DIGITS + 1]);
int64_t totp_verify(const unsigned char key[TOTP_SECRET_LEN], const char *code, time_t now, int64_t last_step);
void totp_secret_new(unsigned char out[TOTP_SECRET_LEN]);
size_t base32_encode(const unsigned char *in, size_t len, char *out, size_t outsize);
int totp_uri(const char *username, const char *secret_b32, char out[TOTP_URI_MAX]);
void totp_recovery_new(char out[TOTP_RECOVERY_LEN + 1]);
bool totp_recovery_normalize(const char *in, char out[TOTP_RECOVERY_LEN + 1]);
void totp_recovery_hash(const struct keys *, const char code[TOTP_RECOVERY_LEN + 1], unsigned char out[TOTP_RECOVERY_HASH_LEN]);

#endif
