/* round.h: dialogue and bargaining rounds and the employer's commitments (sql/042): their vocabularies, one check of what was typed, storing and listing, for the console and the CLI alike. */
#ifndef TIENGNOI_ROUND_H
#define TIENGNOI_ROUND_H
#include <stddef.h>
#include <libpq-fe.h>
#include "app.h"
#include "vocab.h"

#define ROUND_NKINDS 3              /* periodic, request, bargaining */
extern const struct vocab round_kinds[ROUND_NKINDS];
#define COMMITMENT_NSTATUSES 3      /* pending, done, broken */
extern const struct vocab commitment_statuses[COMMITMENT_NSTATUSES];

#define ROUND_MINUTES_MAX       20000   /* characters: sql/042 workplace_round.minutes */
#define ROUND_REPS_MAX          1000
#define COMMITMENT_TEXT_MAX     2000
#define COMMITMENT_OWNER_MAX    200
#define COMMITMENT_EVIDENCE_MAX 4000

/* A PDF as sent: its bytes (NULL: none) and the name to store. */
struct round_pdf {
	const unsigned char *data;
	size_t len;
	const char *filename;
};

/* A round as typed: kind, dates YYYY-MM-DD ("" none; one of them needed),
 * participants as digits ("" is 0), minutes, the minutes' PDF. */
struct round_in {
	const char *kind, *planned, *held, *employer_reps, *union_reps, *worker_reps, *minutes;
	struct round_pdf pdf;
};
enum round_field { RF_KIND, RF_PLANNED, RF_HELD, RF_EMPLOYER, RF_UNION, RF_WORKER, RF_MINUTES, RF_FILE, RF__MAX };
extern const char *const round_field_names[RF__MAX];   /* as the console's forms post them */
extern const char *const round_field_opts[RF__MAX];    /* as the CLI names them */

/* Checks every field; msgs[RF_*] says why one is refused (NULL: fine), in
 * `lang`. The number refused. `held_floor` (may be NULL) is the earliest
 * day a held date may take: that of the round's earliest commitment. */
int round_check(struct arena *, const struct round_in *, const char *held_floor, enum lang, const char *msgs[RF__MAX]);

/* A commitment as typed, made at a round held on `held` ("" not held). */
struct commitment_in {
	const char *held, *text, *due, *owner;
};
enum commitment_field { CF_ROUND, CF_TEXT, CF_DUE, CF_OWNER, CF__MAX };
extern const char *const commitment_field_names[CF__MAX];
int commitment_check(struct arena *, const struct commitment_in *, enum lang, const char *msgs[CF__MAX]);

/* A commitment settled: done or broken on a day, with its evidence. */
struct settle_in {
	const char *held, *status, *on, *evidence;
	struct round_pdf pdf;
};
enum settle_field { SF_STATUS, SF_ON, SF_EVIDENCE, SF_FILE, SF__MAX };
extern const char *const settle_field_names[SF__MAX];
int commitment_settle_check(struct arena *, const struct settle_in *, enum lang, const char *msgs[SF__MAX]);

/* The frozen brief a round keeps (all NULL: none). */
struct round_brief {
	const char *from, *to, *k, *text;
};

/* Stores a checked round of workplace `workplace_id` by `officer_id`
 * (NULL from the CLI). The new id (arena); NULL when the database refused
 * it (logged). */
const char *round_insert(struct arena *, struct db *, const char *workplace_id, const struct round_in *,
    const struct round_brief *, const char *officer_id);
/* Changes a round's dates, participants, minutes (and its PDF when one is
 * sent). The id, or NULL when no row in scope changed. */
const char *round_update(struct arena *, struct db *, const char *id, const struct round_in *);
const char *commitment_insert(struct arena *, struct db *, const char *round_id, const struct commitment_in *,
    const char *officer_id);
const char *commitment_settle(struct arena *, struct db *, const char *id, const struct settle_in *);

/* Which rounds a list holds: those of workplaces under `scope` and
 * `unit_path` (NULL: any), of `workplace_id` and `kind` (NULL: all). */
struct round_filter {
	const char *scope, *unit_path, *workplace_id, *kind;
};
/* The rounds `f` selects, newest first, with their commitments' counts. Columns: */
enum { RL_ID, RL_WORKPLACE_ID, RL_CODE, RL_NAME, RL_KIND, RL_PLANNED, RL_HELD, RL_EMPLOYER, RL_UNION, RL_WORKER,
	RL_COMMITMENTS, RL_PENDING, RL_DONE, RL_BROKEN, RL_REPORTS };
PGresult *round_list(struct db *, const struct round_filter *f);

#endif
