/* brief.c: the dialogue brief's arithmetic: Borda ranking, small-count suppression, checked inputs (no database). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "brief.h"

/* Reads the brief's k: empty means BRIEF_K_DEFAULT; otherwise one to two
 * digits between BRIEF_K_MIN and BRIEF_K_MAX. 0 and *k set when valid,
 * -1 otherwise (the page answers 400). */
int
brief_parse_k(const char *s, int *k)
{
	if (s == NULL || *s == '\0') {
		*k = BRIEF_K_DEFAULT;
		return 0;
	}
	size_t n = strlen(s);
	if (n > 2 || strspn(s, "0123456789") != n)
		return -1;
	int v = atoi(s);
	if (v < BRIEF_K_MIN || v > BRIEF_K_MAX)
		return -1;
	*k = v;
	return 0;
}

/* A calendar date written YYYY-MM-DD (years 2000–2099 are all a brief can
 * cover), with the month's real length and leap years. */
bool
brief_date_ok(const char *s)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return false;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return false;
	int y = atoi(s), m = atoi(s + 5), d = atoi(s + 8);
	if (y < 2000 || y > 2099 || m < 1 || m > 12 || d < 1)
		return false;
	int max = mdays[m - 1] + (m == 2 && y % 4 == 0 && (y % 100 != 0 || y % 400 == 0));
	return d <= max;
}

/* NULL when `s` is a date brief_date_ok() accepts, else the message
 * saying how to write one, for the field beside it (English when `en`). */
const char *
brief_date_error(const char *s, bool en)
{
	if (brief_date_ok(s))
		return NULL;
	return en ? "Not a valid date: write YYYY-MM-DD (2000 to 2099)." :
	    "Ngày không hợp lệ: hãy viết YYYY-MM-DD (từ 2000 đến 2099).";
}

/* True when a figure drawn from `count` respondents must be hidden: fewer
 * than k. Zero is hidden too, so "none" and "a few" look the same. */
bool
brief_suppress(long count, int k)
{
	return count < (long)k;
}

/* An average is shown only when at least k people answered. */
bool
brief_average_shown(long answers, int k)
{
	return !brief_suppress(answers, k);
}

/* What a hidden figure reads as: "dưới 5" / "fewer than 5". */
void
brief_fmt_hidden(char *out, size_t len, int k, bool en)
{
	snprintf(out, len, en ? "fewer than %d" : "dưới %d", k);
}

/* A count, or "dưới k" when it is below k. */
void
brief_fmt_count(char *out, size_t len, long count, int k, bool en)
{
	if (brief_suppress(count, k))
		brief_fmt_hidden(out, len, k, en);
	else
		snprintf(out, len, "%ld", count);
}

/* A number with `decimals` places and the language's separators:
 * Vietnamese 1.234,5; English 1,234.5. */
void
brief_fmt_decimal(char *out, size_t len, double v, int decimals, bool en)
{
	char raw[64], *dot;
	snprintf(raw, sizeof(raw), "%.*f", decimals, v);
	dot = strchr(raw, '.');
	size_t intlen = dot ? (size_t)(dot - raw) : strlen(raw), lead = raw[0] == '-', w = 0;
	char tmp[96];
	for (size_t i = 0; i < intlen && w + 2 < sizeof(tmp); i++) {
		if (i > lead && (intlen - i) % 3 == 0)
			tmp[w++] = en ? ',' : '.';
		tmp[w++] = raw[i];
	}
	if (dot && w + 1 < sizeof(tmp)) {
		tmp[w++] = en ? '.' : ',';
		for (const char *c = dot + 1; *c && w + 1 < sizeof(tmp); c++)
			tmp[w++] = *c;
	}
	tmp[w] = '\0';
	snprintf(out, len, "%s", tmp);
}

/* sum / answers with `decimals` places, or "dưới k" when fewer than k answered. */
void
brief_fmt_average(char *out, size_t len, double sum, long answers, int k, int decimals, bool en)
{
	if (!brief_average_shown(answers, k))
		brief_fmt_hidden(out, len, k, en);
	else
		brief_fmt_decimal(out, len, sum / (double)answers, decimals, en);
}

static int
borda_cmp(const void *pa, const void *pb)
{
	const struct brief_borda *a = pa, *b = pb;
	if (a->points != b->points)
		return a->points > b->points ? -1 : 1;
	if (a->firsts != b->firsts)
		return a->firsts > b->firsts ? -1 : 1;
	return a->option < b->option ? -1 : a->option > b->option;
}

/* Whether entry p of a ranking counts: an option below noptions that no
 * earlier entry of the same ranking named. */
static bool
borda_entry_valid(size_t noptions, const size_t *ranking, size_t p)
{
	if (ranking[p] >= noptions)
		return false;
	for (size_t q = 0; q < p; q++)
		if (ranking[q] == ranking[p])
			return false;
	return true;
}

/* Borda count over rank answers. rankings[i] lists respondent i's options
 * (indices below noptions), most important first, lens[i] of them, given
 * by weights[i] respondents (NULL: one each; the brief reads each distinct
 * ranking once with how many gave it). A
 * respondent who ranked n options gives the option at position p (from 0)
 * n − p points: the first gets n, the last 1, unranked options 0. So a
 * partial ranking weighs no more than it says. Entries out of range or
 * repeated are dropped before n is counted. Fills out[noptions] best
 * first: most points, then most first places, then the form's option
 * order. Returns the number of respondents with at least one valid entry. */
size_t
brief_borda(size_t noptions, const size_t *const *rankings, const size_t *lens, const long *weights,
    size_t nrankings, struct brief_borda *out)
{
	size_t respondents = 0;
	for (size_t j = 0; j < noptions; j++)
		out[j] = (struct brief_borda){ .option = j };
	for (size_t i = 0; i < nrankings; i++) {
		size_t n = 0;   /* the valid, distinct entries: the points the first one gets */
		for (size_t p = 0; p < lens[i]; p++)
			n += borda_entry_valid(noptions, rankings[i], p);
		long w = weights ? weights[i] : 1;
		if (n == 0 || w <= 0)
			continue;
		respondents += (size_t)w;
		size_t pos = 0;
		for (size_t p = 0; p < lens[i]; p++) {
			if (!borda_entry_valid(noptions, rankings[i], p))
				continue;
			size_t o = rankings[i][p];
			out[o].points += (long)(n - pos) * w;
			out[o].firsts += pos == 0 ? w : 0;
			out[o].ranked += w;
			pos++;
		}
	}
	qsort(out, noptions, sizeof(out[0]), borda_cmp);
	return respondents;
}
