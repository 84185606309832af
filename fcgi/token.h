/* token.h: keys, QR tokens, idempotency keys, receipts. */
#ifndef TIENGNOI_TOKEN_H
#define TIENGNOI_TOKEN_H
#include "app.h"

#define TOKEN_LEN 12          /* 31^12 ≈ 2^59 */
#define TOKEN_MIN_LEN 10
#define TOKEN_MAX_LEN 32
#define IDEM_LEN 32
#define RECEIPT_DIGITS 16
#define RECEIPT_HASH_LEN 32
#define REPORT_DIGEST_LEN 32    /* what a report says, hashed (page_worker.c) */

struct keys {
	unsigned char form[32];          /* anti-forgery tokens on worker forms */
	unsigned char receipt[32];       /* receipt derivation from the idempotency key */
	unsigned char receipt_hash[32];  /* the stored receipt hash */
	unsigned char session[32];       /* officer sessions */
	unsigned char contact_pk[32];    /* seals contact details (crypto_box_seal) */
	bool has_contact_pk;
	unsigned char contact_sk[32];    /* opens them, for an officer's "reveal" */
	bool has_contact_sk;
};

int keys_load(const char *path, struct keys *, char *err, size_t errlen);
int keys_create_file(const char *path);
int keys_load_contact(const char *pub_path, struct keys *, char *err, size_t errlen);
int keys_create_contact(const char *pub_path, const char *secret_path);
int keys_seal(const struct keys *, const char *plain, unsigned char **out, size_t *outlen);
int keys_load_contact_secret(const char *secret_path, struct keys *);
char *keys_open(const struct keys *, const unsigned char *sealed, size_t len);
void token_random(char *out, size_t n);
bool token_normalize(char *);
void idem_new(char out[IDEM_LEN + 1]);
bool idem_valid(const char *);
void receipt_from_idem(const struct keys *, const char *idem, char out[RECEIPT_DIGITS + 1]);
void receipt_from_report(const struct keys *, const char *idem, const unsigned char content[REPORT_DIGEST_LEN],
    char out[RECEIPT_DIGITS + 1]);
void receipt_hash(const struct keys *, const char *digits, unsigned char out[RECEIPT_HASH_LEN]);
void receipt_format(const char *digits, char out[RECEIPT_DIGITS + 4]);
bool receipt_parse(const char *in, char out[RECEIPT_DIGITS + 1]);
bool token_digits(const char *in, const char *skip, char *out, size_t want);

#endif
