/* dispute.h: the vocabulary of dispute cases (kinds, dispute scopes and types, subjects, stages, outcomes, union roles, the dates deadlines count from), one table each for every page and export. */
#ifndef TIENGNOI_DISPUTE_H
#define TIENGNOI_DISPUTE_H
#include <stddef.h>
#include "app.h"
#include "vocab.h"

/* Each table's values as sql/009_cases.sql's CHECK constraints spell them,
 * with their labels; looked up with vocab_find() and vocab_label(). */

#define DISPUTE_NKINDS 6
#define DISPUTE_NSCOPES 2
#define DISPUTE_NSTAGES 7
#define DISPUTE_NOUTCOMES 6
#define DISPUTE_NTYPES 2
#define DISPUTE_NSUBJECTS 7
#define DISPUTE_NROLES 5
#define DISPUTE_NMEMBER 3
#define DISPUTE_NDATES 13
extern const struct vocab dispute_kinds[DISPUTE_NKINDS];
extern const struct vocab dispute_scopes[DISPUTE_NSCOPES];
extern const struct vocab dispute_stages[DISPUTE_NSTAGES];   /* in legal order; the last is "closed" */
extern const struct vocab dispute_outcomes[DISPUTE_NOUTCOMES];
extern const struct vocab dispute_types[DISPUTE_NTYPES];
extern const struct vocab dispute_subjects[DISPUTE_NSUBJECTS];
extern const struct vocab dispute_union_roles[DISPUTE_NROLES];
extern const struct vocab dispute_member[DISPUTE_NMEMBER];
extern const struct vocab dispute_dates[DISPUTE_NDATES];   /* column names, the order of struct case_row's dates */

const char *dispute_vi(const char *value);

#endif
