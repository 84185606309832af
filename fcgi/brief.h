/* brief.h: the dialogue brief's arithmetic: Borda ranking, small-count suppression, checked inputs (no database). */
#ifndef TIENGNOI_BRIEF_H
#define TIENGNOI_BRIEF_H
#include <stdbool.h>
#include <stddef.h>

#define BRIEF_K_MIN     3    /* never fewer: below this a figure could point at one person */
#define BRIEF_K_MAX     20
#define BRIEF_K_DEFAULT 5

/* One option's result; brief_borda() returns them best first. */
struct brief_borda {
	size_t option;   /* index in the form's option list */
	long points;     /* sum over respondents of (options they ranked) − position */
	long firsts;     /* respondents who put it first (first tie-break) */
	long ranked;     /* respondents who ranked it at all */
};

int brief_parse_k(const char *s, int *k);
bool brief_date_ok(const char *s);
const char *brief_date_error(const char *s, bool en);
bool brief_suppress(long count, int k);
bool brief_average_shown(long answers, int k);
void brief_fmt_count(char *out, size_t len, long count, int k, bool en);
void brief_fmt_decimal(char *out, size_t len, double v, int decimals, bool en);
void brief_fmt_average(char *out, size_t len, double sum, long answers, int k, int decimals, bool en);
void brief_fmt_hidden(char *out, size_t len, int k, bool en);
size_t brief_borda(size_t noptions, const size_t *const *rankings, const size_t *lens, const long *weights,
    size_t nrankings, struct brief_borda *out);

#endif
