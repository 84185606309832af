/* ratelimit.c: per-entry-point, per-idempotency-key and per-receipt limits in memory shared by the workers. */
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <sodium.h>

#include "app.h"
#include "ratelimit.h"

#define RL_SLOTS 8192

struct rl_rule {
	long window;   /* seconds */
	unsigned max;  /* allowed hits per window */
};

/* Generous for people, tight for floods: a canteen QR at shift change sees
 * many honest reports; a receipt is looked up a few times a day. The two
 * per-entry-point rules never refuse anyone: past RL_ENTRY_POST a valid
 * report is stored flagged, past RL_ENTRY_SCAN a scan is not counted. */
static const struct rl_rule rules[RL__MAX] = {
	{ 60, 120 },   /* RL_ENTRY_POST */
	{ 60, 60 },    /* RL_IDEM_POST */
	{ 600, 10 },   /* RL_RECEIPT_LOOKUP */
	{ 600, 20 },   /* RL_LOGIN */
	{ 60, 120 },   /* RL_API: two calls a second on average, a page of up to 500 rows each */
	{ 60, 300 },   /* RL_ENTRY_SCAN */
};

struct rl_slot {
	uint64_t key;
	int64_t window;
	uint32_t count;
	uint32_t lock;
};

static struct rl_slot *slots;   /* MAP_SHARED: created before fork, shared by every worker */
static unsigned char salt[crypto_shorthash_KEYBYTES];

/* Maps the shared table; call in the supervisor before forking. With
 * enabled == false (benchmarks) every check passes. 0 on success. */
int
ratelimit_init(bool enabled)
{
	if (!enabled)
		return 0;
	slots = mmap(NULL, RL_SLOTS * sizeof(struct rl_slot), PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (slots == MAP_FAILED) {
		slots = NULL;
		return -1;
	}
	randombytes_buf(salt, sizeof(salt));
	return 0;
}

/* Counts one hit for (kind, key) and returns true when that exceeds the
 * rule: the caller then answers 429. Keys are hashed with a random salt.
 * Two keys sharing a slot reset each other's count, so limits are
 * approximate; they stop floods, they are not an accounting. */
bool
ratelimit_hit(enum rl_kind kind, const void *key, size_t keylen)
{
	if (slots == NULL || (unsigned)kind >= RL__MAX)
		return false;
	unsigned char in[crypto_shorthash_BYTES];
	uint64_t h;
	crypto_shorthash(in, key, keylen, salt);
	memcpy(&h, in, sizeof(h));
	h ^= (uint64_t)kind * 0x9E3779B97F4A7C15ULL;
	struct rl_slot *s = &slots[h % RL_SLOTS];
	int64_t window = (int64_t)time(NULL) / rules[kind].window;
	bool over;

	/* a worker killed inside this section must not wedge the slot */
	for (long spins = 0; __atomic_exchange_n(&s->lock, 1, __ATOMIC_ACQUIRE); spins++)
		if (spins > 10000000)
			break;
	if (s->key != h || s->window != window) {
		s->key = h;
		s->window = window;
		s->count = 0;
	}
	over = ++s->count > rules[kind].max;
	__atomic_store_n(&s->lock, 0, __ATOMIC_RELEASE);
	return over;
}

/* Seconds until the current window of `kind` ends: a 429's Retry-After. */
long
ratelimit_retry_after(enum rl_kind kind)
{
	if ((unsigned)kind >= RL__MAX)
		return 1;
	long w = rules[kind].window;
	return w - (long)(time(NULL) % w);
}
