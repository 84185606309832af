/* stoppage.h: collective work stoppages (sql/041): the outcome vocabulary and one check of what an officer typed. */
#ifndef TIENGNOI_STOPPAGE_H
#define TIENGNOI_STOPPAGE_H
#include <stddef.h>
#include "vocab.h"

#define STOPPAGE_NOUTCOMES 5
extern const struct vocab stoppage_outcomes[STOPPAGE_NOUTCOMES];
#define STOPPAGE_DEMANDS_MAX 4000
#define STOPPAGE_WORKERS_MAX 1000000L

/* A stoppage as typed: dates YYYY-MM-DD (ended "" while it goes on),
 * workers as digits, union_led "yes" or "no". */
struct stoppage_in {
	const char *started, *ended, *workers, *demands, *outcome, *union_led;
};

/* The fields stoppage_check() names, as the form posts them. */
enum stoppage_field { STF_STARTED, STF_ENDED, STF_WORKERS, STF_DEMANDS, STF_OUTCOME, STF_UNION_LED, STF__MAX };
extern const char *const stoppage_field_names[STF__MAX];

/* Checks every field; msgs[STF_*] is why one is refused (NULL: fine), in
 * `lang`. The number refused. An end before the start, an "ongoing"
 * outcome with an end date or an ended one without, are refused. */
int stoppage_check(const struct stoppage_in *, enum lang, const char *msgs[STF__MAX]);

#endif
