/* entry.c: the QR entry points the worker pages read, cached in each app worker with their published results, so a landing or form page asks PostgreSQL nothing. */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <libpq-fe.h>

#include "arena.h"
#include "db.h"
#include "entry.h"
#include "token.h"

/* One slot per token hash. Its strings and result lines live in
 * cache_arena, which is emptied only at the start of a request (on an
 * announced change or past ENTRY_CACHE_BYTES), so what a request got
 * from the cache stays valid until it ends; a slot overwritten in
 * between leaves its old strings there until then. */
#define ENTRY_CACHE_SLOTS 64
#define ENTRY_CACHE_BYTES (1024 * 1024)
static struct {
	char token[TOKEN_MAX_LEN + 1];
	struct entry e;                 /* e.id NULL: free */
	time_t until;
	bool results_known;             /* results, approved_on below hold what is published */
	int nresults;
	struct result_line *results;
	const char *approved_on;        /* NULL when nothing is published */
} slots[ENTRY_CACHE_SLOTS];
static struct arena cache_arena;
static unsigned long cache_generation;

static size_t
slot_of(const char *token)
{
	size_t h = 5381;
	for (const char *p = token; *p; p++)
		h = h * 33 + (unsigned char)*p;
	return h % ENTRY_CACHE_SLOTS;
}

/* The fresh slot holding `token`, or -1. */
static int
slot_find(const char *token)
{
	size_t i = slot_of(token);
	if (slots[i].e.id == NULL || strcmp(slots[i].token, token) != 0 || slots[i].until < time(NULL))
		return -1;
	return (int)i;
}

/* Copies a string into the cache; NULL when out of memory. */
static const char *
keep(const char *s)
{
	return s ? arena_strdup(&cache_arena, s) : NULL;
}

/* Puts entry point `e` of `token` into its slot (its results not known
 * yet); the slot stays free when memory runs out. */
static void
entry_remember(const char *token, const struct entry *e)
{
	size_t i = slot_of(token);
	memset(&slots[i], 0, sizeof(slots[i]));
	struct entry c = { keep(e->id), keep(e->workplace), keep(e->forms), keep(e->label), keep(e->hotline),
		keep(e->workplace_id), keep(e->unit_id) };
	if (!c.id || !c.workplace || !c.forms || !c.label || !c.hotline || !c.workplace_id || !c.unit_id)
		return;
	snprintf(slots[i].token, sizeof(slots[i].token), "%s", token);
	slots[i].e = c;
	slots[i].until = time(NULL) + ENTRY_CACHE_SECONDS;
}

enum found
entry_load(struct req *r, const char *token, struct entry *e)
{
	if (db_changed(r->app->db, &cache_generation) || cache_arena.used_total > ENTRY_CACHE_BYTES) {
		arena_reset(&cache_arena);
		memset(slots, 0, sizeof(slots));
	}
	int i = slot_find(token);
	if (i >= 0) {
		*e = slots[i].e;
		return FOUND;
	}
	enum { E_ID, E_WORKPLACE, E_FORMS, E_LABEL, E_HOTLINE, E_WORKPLACE_ID, E_UNIT_ID };   /* STMT_ENTRY_BY_TOKEN's columns */
	const char *params[1] = { token };
	PGresult *res = db_run(r->app->db, STMT_ENTRY_BY_TOKEN, params, NULL, NULL);
	enum found found = DB_DOWN;
	if (res == NULL || !db_ok(res))
		goto done;
	found = MISSING;
	if (PQntuples(res) != 1)
		goto done;
	e->id = arena_strdup(r->arena, PQgetvalue(res, 0, E_ID));
	e->workplace = arena_strdup(r->arena, PQgetvalue(res, 0, E_WORKPLACE));
	e->forms = arena_strdup(r->arena, PQgetvalue(res, 0, E_FORMS));
	e->label = arena_strdup(r->arena, PQgetvalue(res, 0, E_LABEL));
	e->hotline = arena_strdup(r->arena, PQgetvalue(res, 0, E_HOTLINE));
	e->workplace_id = arena_strdup(r->arena, PQgetvalue(res, 0, E_WORKPLACE_ID));
	e->unit_id = arena_strdup(r->arena, PQgetvalue(res, 0, E_UNIT_ID));
	entry_remember(token, e);
	found = FOUND;
done:
	PQclear(res);
	return found;
}

bool
entry_offers(const struct entry *e, const char *form_id)
{
	size_t n = strlen(form_id);
	for (const char *p = e->forms; *p; ) {
		const char *c = strchr(p, ',');
		size_t len = c ? (size_t)(c - p) : strlen(p);
		if (len == n && strncmp(p, form_id, n) == 0)
			return true;
		if (c == NULL)
			break;
		p = c + 1;
	}
	return false;
}

/* Copies n result lines into the cache; NULL when out of memory. */
static struct result_line *
lines_keep(const struct result_line *l, int n)
{
	struct result_line *c = arena_alloc(&cache_arena, ((size_t)n + 1) * sizeof(*c));
	for (int i = 0; c && i < n; i++) {
		c[i] = (struct result_line){ keep(l[i].kind), keep(l[i].label_vi), keep(l[i].label_en), l[i].n, l[i].kept,
			l[i].reports };
		if (!c[i].kind || !c[i].label_vi || !c[i].label_en)
			return NULL;
	}
	return c;
}

int
entry_results(struct req *r, const char *token, const struct entry *e, struct result_line **out,
    const char **approved_on)
{
	int i = slot_find(token);
	if (i >= 0 && slots[i].results_known && strcmp(slots[i].e.id, e->id) == 0) {
		*out = slots[i].results;
		*approved_on = slots[i].approved_on;
		return slots[i].nresults;
	}
	int n = results_published(r, e->id, true, out, approved_on);
	if (n < 0 || i < 0 || strcmp(slots[i].e.id, e->id) != 0)
		return n;
	struct result_line *kept = lines_keep(*out, n);
	const char *on = keep(*approved_on);
	if (kept == NULL || (*approved_on && on == NULL))
		return n;
	slots[i].results = kept;
	slots[i].nresults = n;
	slots[i].approved_on = on;
	slots[i].results_known = true;
	return n;
}
