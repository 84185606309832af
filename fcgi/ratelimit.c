/* ratelimit.c: per-entry-point, per-idempotency-key and per-receipt limits in memory shared by the workers. */
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <sodium.h>

#include "app.h"
#include "ratelimit.h"

#define RL_SLOTS 8192
#define RL_WAYS 8      /* slots per bucket: a key lives in one of its bucket's RL_WAYS */

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
	int64_t used;    /* seconds since the epoch of the last touch: the oldest is replaced */
	uint32_t count;
	uint32_t lock;   /* the bucket's spin lock, in its first slot */
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

/* The salted hash of (kind, key). */
static uint64_t
slot_hash(enum rl_kind kind, const void *key, size_t keylen)
{
	unsigned char out[crypto_shorthash_BYTES];
	uint64_t h;
	crypto_shorthash(out, key, keylen, salt);
	memcpy(&h, out, sizeof(h));
	return h ^ (uint64_t)kind * 0x9E3779B97F4A7C15ULL;
}

/* The bucket of hash `h`, locked for the caller (bucket_release after);
 * NULL when the table is not mapped. */
static struct rl_slot *
bucket_take(uint64_t h)
{
	if (slots == NULL)
		return NULL;
	struct rl_slot *b = &slots[(h % (RL_SLOTS / RL_WAYS)) * RL_WAYS];
	/* a worker killed inside this section must not wedge the bucket */
	for (long spins = 0; __atomic_exchange_n(&b->lock, 1, __ATOMIC_ACQUIRE); spins++)
		if (spins > 10000000)
			break;
	return b;
}

static void
bucket_release(struct rl_slot *b)
{
	__atomic_store_n(&b->lock, 0, __ATOMIC_RELEASE);
}

/* The slot holding `h` in locked bucket `b`. When none does and `create`,
 * the bucket's least recently used slot is given to `h`, zeroed: a key
 * loses its count only when RL_WAYS other keys of its bucket are newer
 * (thousands of live keys), never because one other key hashed near it. */
static struct rl_slot *
slot_find(struct rl_slot *b, uint64_t h, bool create)
{
	struct rl_slot *old = b;
	int64_t now = (int64_t)time(NULL);
	for (int i = 0; i < RL_WAYS; i++) {
		if (b[i].key == h && b[i].used != 0) {
			b[i].used = now;
			return &b[i];
		}
		if (b[i].used < old->used)
			old = &b[i];
	}
	if (!create)
		return NULL;
	old->key = h;
	old->window = 0;
	old->count = 0;
	old->used = now;
	return old;
}

/* Counts one hit for (kind, key) and returns true when that exceeds the
 * rule: the caller then answers 429. Keys are hashed with a random salt.
 * Two keys sharing a slot reset each other's count, so limits are
 * approximate; they stop floods, they are not an accounting. */
bool
ratelimit_hit(enum rl_kind kind, const void *key, size_t keylen)
{
	if (!limits_on || (unsigned)kind >= RL__MAX)
		return false;
	uint64_t h = slot_hash(kind, key, keylen);
	struct rl_slot *b = bucket_take(h);
	if (b == NULL)
		return false;
	struct rl_slot *s = slot_find(b, h, true);
	int64_t window = (int64_t)time(NULL) / rules[kind].window;
	if (s->window != window) {
		s->window = window;
		s->count = 0;
	}
	bool over = ++s->count > rules[kind].max;
	bucket_release(b);
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
	if ((unsigned)kind >= RL__MAX)
		return false;
	uint64_t h = slot_hash(kind, key, keylen);
	struct rl_slot *b = bucket_take(h);
	if (b == NULL)
		return false;
	struct rl_slot *s = slot_find(b, h, false);
	bool locked = s != NULL && s->window > (int64_t)time(NULL);
	bucket_release(b);
	return locked;
}

/* A lock kind's key after one more failure (`failed`) or a success: a
 * success starts the failures in a row again; the rule's max failures in a
 * row lock the key for the rule's window from now, and the count starts
 * again. */
static void
lock_record(enum rl_kind kind, const void *key, size_t keylen, bool failed)
{
	if ((unsigned)kind >= RL__MAX)
		return;
	uint64_t h = slot_hash(kind, key, keylen);
	struct rl_slot *b = bucket_take(h);
	if (b == NULL)
		return;
	struct rl_slot *s = slot_find(b, h, failed);
	if (s != NULL && !failed)
		s->count = 0;
	else if (s != NULL && ++s->count >= rules[kind].max) {
		s->count = 0;
		s->window = (int64_t)time(NULL) + rules[kind].window;
	}
	bucket_release(b);
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
