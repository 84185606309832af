/* campaign.h: survey campaigns (sql/045): one check of what an officer typed, and a campaign's state on a day. */
#ifndef TIENGNOI_CAMPAIGN_H
#define TIENGNOI_CAMPAIGN_H
#include <stdbool.h>
#include "vocab.h"

#define CAMPAIGN_DAYS_MAX 366        /* sql/045: a campaign lasts at most a year */
#define CAMPAIGN_TARGET_MAX 1000000L

/* A campaign as typed: dates YYYY-MM-DD, the target as digits ("" when
 * the workplace's headcount is to be used: `headcount` then, "" or digits). */
struct campaign_in {
	const char *starts, *ends, *target, *headcount;
};

enum campaign_field { CPF_STARTS, CPF_ENDS, CPF_TARGET, CPF__MAX };
extern const char *const campaign_field_names[CPF__MAX];

/* Checks every field; msgs[CPF_*] is why one is refused (NULL: fine), in
 * `lang`; the number refused. An end before the start, a period over a
 * year, a target outside 1..1,000,000, or no target while the workplace
 * has no headcount, are refused. *target is the target to store. */
int campaign_check(const struct campaign_in *, enum lang, const char *msgs[CPF__MAX], const char **target);

/* The state of a campaign on `today` (YYYY-MM-DD): "planned", "open",
 * "ended" (its period is over, not yet closed) or "closed". */
const char *campaign_state(const char *starts, const char *ends, bool closed, const char *today);
#define CAMPAIGN_NSTATES 4
extern const struct vocab campaign_states[CAMPAIGN_NSTATES];

#endif
