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
	{ 900, 5 },    /* RL_LOGIN_DEVICE: a lock (ratelimit_locked): 5 wrong in a row, then 15 minutes */
};

struct rl_slot {
	uint64_t key;
	int64_t window;
	uint32_t count;
	uint32_t lock;
};

static struct rl_slot *slots;   /* MAP_SHARED: created before fork, shared by every worker */
static unsigned char salt[crypto_shorthash_KEYBYTES];
static bool limits_on;          /* ratelimit_hit counts; locks (ratelimit_locked) always work */

/* Maps the shared table; call in the supervisor before forking. With
 * enabled == false (benchmarks, tests) every ratelimit_hit passes; the
 * sign-in locks still work, they are security, not load. 0 on success. */
int
ratelimit_init(bool enabled)
{
	limits_on = enabled;
	slots = mmap(NULL, RL_SLOTS * sizeof(struct rl_slot), PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (slots == MAP_FAILED) {
		slots = NULL;
		return -1;
	}
	randombytes_buf(salt, sizeof(salt));
	return 0;
}

/* The slot of (kind, key), locked for the caller (slot_release after);
 * NULL when limits are off. `*h` gets the key's salted hash. */
static struct rl_slot *
slot_take(enum rl_kind kind, const void *key, size_t keylen, uint64_t *h)
{
	if (slots == NULL || (unsigned)kind >= RL__MAX)
		return NULL;
	unsigned char in[crypto_shorthash_BYTES];
	crypto_shorthash(in, key, keylen, salt);
	memcpy(h, in, sizeof(*h));
	*h ^= (uint64_t)kind * 0x9E3779B97F4A7C15ULL;
	struct rl_slot *s = &slots[*h % RL_SLOTS];
	/* a worker killed inside this section must not wedge the slot */
	for (long spins = 0; __atomic_exchange_n(&s->lock, 1, __ATOMIC_ACQUIRE); spins++)
		if (spins > 10000000)
			break;
	return s;
}

static void
slot_release(struct rl_slot *s)
{
	__atomic_store_n(&s->lock, 0, __ATOMIC_RELEASE);
}

/* Counts one hit for (kind, key) and returns true when that exceeds the
 * rule: the caller then answers 429. Keys are hashed with a random salt.
 * Two keys sharing a slot reset each other's count, so limits are
 * approximate; they stop floods, they are not an accounting. */
bool
ratelimit_hit(enum rl_kind kind, const void *key, size_t keylen)
{
	uint64_t h;
	struct rl_slot *s = limits_on ? slot_take(kind, key, keylen, &h) : NULL;
	if (s == NULL)
		return false;
	int64_t window = (int64_t)time(NULL) / rules[kind].window;
	if (s->key != h || s->window != window) {
		s->key = h;
		s->window = window;
		s->count = 0;
	}
	bool over = ++s->count > rules[kind].max;
	slot_release(s);
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

/* A lock kind keeps, per key, the failures in a row (count) and the time
 * the lock ends (window, seconds since the epoch). True while locked. */
bool
ratelimit_locked(enum rl_kind kind, const void *key, size_t keylen)
{
	uint64_t h;
	struct rl_slot *s = slot_take(kind, key, keylen, &h);
	if (s == NULL)
		return false;
	bool locked = s->key == h && s->window > (int64_t)time(NULL);
	slot_release(s);
	return locked;
}

/* A lock kind's key after one more failure (`failed`) or a success: a
 * success starts the failures in a row again; the rule's max failures in a
 * row lock the key for the rule's window from now, and the count starts
 * again. */
static void
lock_record(enum rl_kind kind, const void *key, size_t keylen, bool failed)
{
	uint64_t h;
	struct rl_slot *s = slot_take(kind, key, keylen, &h);
	if (s == NULL)
		return;
	if (!failed) {
		if (s->key == h)
			s->count = 0;
	} else {
		if (s->key != h) {
			s->key = h;
			s->window = 0;
			s->count = 0;
		}
		if (++s->count >= rules[kind].max) {
			s->count = 0;
			s->window = (int64_t)time(NULL) + rules[kind].window;
		}
	}
	slot_release(s);
}

/* One more failure for a lock kind (see lock_record). */
void
ratelimit_failed(enum rl_kind kind, const void *key, size_t keylen)
{
	lock_record(kind, key, keylen, true);
}

/* A success for a lock kind: the failures in a row start again. */
void
ratelimit_cleared(enum rl_kind kind, const void *key, size_t keylen)
{
	lock_record(kind, key, keylen, false);
}
