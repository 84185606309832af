/* ratelimit.h: fixed-window counters shared by all workers (no addresses involved). */
#ifndef TIENGNOI_RATELIMIT_H
#define TIENGNOI_RATELIMIT_H
#include "app.h"

enum rl_kind {
	RL_ENTRY_POST,     /* valid reports per entry point: beyond it they are stored flagged */
	RL_IDEM_POST,      /* resends of one idempotency key */
	RL_RECEIPT_LOOKUP, /* status lookups per receipt */
	RL_LOGIN,          /* login attempts per username (per known browser when it has one) */
	RL_API,            /* read-API calls per token */
	RL_ENTRY_SCAN,     /* scans counted per entry point: beyond it they are not counted */
	RL_LOGIN_DEVICE,   /* wrong passwords in a row from one known browser: a lock */
	RL__MAX
};

int ratelimit_init(bool enabled);
bool ratelimit_hit(enum rl_kind, const void *key, size_t keylen);
long ratelimit_retry_after(enum rl_kind);
bool ratelimit_locked(enum rl_kind, const void *key, size_t keylen);
void ratelimit_failed(enum rl_kind, const void *key, size_t keylen);
void ratelimit_cleared(enum rl_kind, const void *key, size_t keylen);

#endif
