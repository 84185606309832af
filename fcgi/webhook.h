/* webhook.h: webhook subscriptions' checks (URL, events, secret) and the Tiengnoi-Signature of a delivery. */
#ifndef TIENGNOI_WEBHOOK_H
#define TIENGNOI_WEBHOOK_H
#include <stdbool.h>
#include <stddef.h>
#include <time.h>
#include "app.h"

#define WEBHOOK_URL_MAX 500
#define WEBHOOK_SECRET_MIN 16
#define WEBHOOK_SECRET_MAX 256
/* "t=" + 20 digits + ",v1=" + 64 hex + NUL */
#define WEBHOOK_SIGNATURE_MAX 96

/* NULL when url is an http(s) URL with a host that is not this server's
 * own (base_url's host and port), else why not. Parsed by libcurl's URL API. */
const char *webhook_url_problem(const char *url, const char *base_url);

/* NULL when csv is a comma-separated list of known event names
 * (submission.created, submission.urgent, case.deadline), each once; else
 * why not, naming the unknown one (from the arena). */
const char *webhook_events_problem(struct arena *, const char *csv);

/* The secret in a file (trailing newline dropped, 16 to 256 bytes, no
 * NUL), from the arena; NULL with *why set when it cannot be used. */
char *webhook_secret_read(struct arena *, const char *path, const char **why);

/* "t=TIMESTAMP,v1=HEX": HMAC-SHA256 with the secret over "TIMESTAMP.BODY"
 * (Stripe's scheme), into out (WEBHOOK_SIGNATURE_MAX bytes). */
void webhook_sign(const char *secret, time_t t, const char *body, size_t len, char out[WEBHOOK_SIGNATURE_MAX]);

#endif
