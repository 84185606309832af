/* agreement.h: the register of collective labour agreements (sql/040): checking one, storing it, listing them, for the console and the CLI alike. */
#ifndef TIENGNOI_AGREEMENT_H
#define TIENGNOI_AGREEMENT_H
#include <stddef.h>
#include <libpq-fe.h>
#include "app.h"

/* An agreement as typed: dates YYYY-MM-DD, rating "" or A-D, the PDF's bytes (NULL: none). */
struct agreement_in {
	const char *workplace_id, *signed_on, *effective_on, *expires_on, *rating;
	const unsigned char *pdf;
	size_t pdf_len;
	const char *filename;
};

/* What is wrong with one field; AGP_OK when nothing. */
enum agreement_problem {
	AGP_OK = 0,
	AGP_DATE,           /* not a real date written YYYY-MM-DD from 2000 to 2099 */
	AGP_BEFORE_SIGNED,  /* effective before it was signed */
	AGP_NOT_AFTER,      /* expires on or before the effective date */
	AGP_RATING,         /* not one of A, B, C, D */
	AGP_NOT_PDF,        /* does not start with %PDF- or is not a plausible PDF */
	AGP_TOO_LARGE,      /* over DOCUMENT_MAX */
	AGP__MAX
};

/* The fields agreement_check() names, in the order of the form. */
enum agreement_field { AGF_SIGNED, AGF_EFFECTIVE, AGF_EXPIRES, AGF_RATING, AGF_FILE, AGF__MAX };

/* Checks every field of `in` (not the workplace: the caller finds it in
 * its scope); problems[AGF_*] says what is wrong with each. The number of
 * fields refused. */
int agreement_check(const struct agreement_in *in, enum agreement_problem problems[AGF__MAX]);
/* The problem in words, in Vietnamese or English. */
const char *agreement_problem_text(enum agreement_problem, enum lang);

/* Stores a checked agreement for workplace in->workplace_id by officer_id
 * (NULL from the CLI), the PDF byte-exact with its SHA-256. The new row's
 * id (arena), NULL when the database refused it (logged). */
const char *agreement_insert(struct arena *, struct db *, const struct agreement_in *in, const char *officer_id);

/* The agreements of workplaces under `scope` and `unit_path` ("" any),
 * newest first per workplace; with `within` (days, NULL: all) only the
 * current agreement of each workplace (its newest), not expired, expiring
 * within that many days; with `workplace_id` (NULL: all) one workplace's
 * history. Columns: */
enum { AL_ID, AL_WORKPLACE_ID, AL_CODE, AL_NAME, AL_SIGNED, AL_EFFECTIVE, AL_EXPIRES, AL_RATING, AL_DAYS_LEFT,
	AL_FILE, AL_CURRENT, AL_SHA256 };
PGresult *agreement_list(struct db *, const char *scope, const char *unit_path, const char *within, const char *workplace_id);

#endif
