/* fmt.c: the small values the console shows and reads: dates (dd/mm/yyyy), money (VND), counts, sizes, ids; pure, so unit-tested. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "arena.h"
#include "fmt.h"

/* "2026-10-31" → "31/10/2026"; whatever follows the date is kept
 * ("2026-10-31 08:15" → "31/10/2026 08:15"). Anything not starting with
 * YYYY-MM-DD comes back as it is. From the arena (NULL if it is full). */
const char *
fmt_dmy(struct arena *a, const char *iso)
{
	if (iso == NULL || strlen(iso) < 10 || iso[4] != '-' || iso[7] != '-' ||
	    strspn(iso, "0123456789") != 4 || strspn(iso + 5, "0123456789") != 2 || strspn(iso + 8, "0123456789") < 2)
		return iso;
	return arena_printf(a, "%.2s/%.2s/%.4s%s", iso + 8, iso + 5, iso, iso + 10);
}

/* Digits grouped by threes with `sep` between the groups, a leading '-'
 * kept; `out` holds at least 48 bytes. `digits` is at most 30 digits. */
static void
group(char *out, const char *digits, bool negative, char sep)
{
	size_t n = strlen(digits), j = 0;
	if (negative)
		out[j++] = '-';
	for (size_t i = 0; i < n; i++) {
		if (i > 0 && (n - i) % 3 == 0)
			out[j++] = sep;
		out[j++] = digits[i];
	}
	out[j] = '\0';
}

/* A whole number with its thousands grouped as the reader's language
 * does: "12.000.000" (vi), "12,000,000" (en). From the arena. */
const char *
fmt_int(struct arena *a, long long v, enum lang lang)
{
	char digits[32], out[48];
	snprintf(digits, sizeof(digits), "%llu", v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v);
	group(out, digits, v < 0, lang == LANG_EN ? ',' : '.');
	return arena_strdup(a, out);
}

/* An amount of đồng as Vietnamese write it in either language:
 * 12000000 → "12.000.000 đ". From the arena. */
const char *
fmt_money(struct arena *a, long long dong)
{
	char digits[32], out[48];
	snprintf(digits, sizeof(digits), "%llu", dong < 0 ? 0ULL - (unsigned long long)dong : (unsigned long long)dong);
	group(out, digits, dong < 0, '.');
	return arena_printf(a, "%s đ", out);
}

/* The same for an amount stored as a string of digits ("12000000" →
 * "12.000.000 đ"), so a numeric column of any size is shown exactly.
 * Anything but 1 to 30 digits comes back as it is. */
const char *
fmt_money_digits(struct arena *a, const char *digits)
{
	char out[48];
	if (!fmt_is_digits(digits, 30))
		return digits;
	group(out, digits, false, '.');
	return arena_printf(a, "%s đ", out);
}

/* A stored file's size for people: "900" → "900 B", "1234567" → "1,2 MiB"
 * (decimal comma, in both languages). Not a number: as it is. */
const char *
fmt_bytes(struct arena *a, const char *bytes)
{
	if (!fmt_is_digits(bytes, 18))
		return bytes;
	double n = strtod(bytes, NULL);
	if (n < 1024)
		return arena_printf(a, "%s B", bytes);
	char *t = n < 1024 * 1024 ? arena_printf(a, "%.1f KiB", n / 1024) : arena_printf(a, "%.1f MiB", n / (1024 * 1024));
	char *dot = t ? strchr(t, '.') : NULL;
	if (dot)
		*dot = ',';
	return t;
}

/* 1 to `max` ASCII digits and nothing else. */
bool
fmt_is_digits(const char *s, size_t max)
{
	size_t n = s ? strlen(s) : 0;
	return n > 0 && n <= max && strspn(s, "0123456789") == n;
}

/* A row id as the database hands them out and routes match them: 1 to 18
 * digits (a bigint). */
bool
fmt_is_id(const char *s)
{
	return fmt_is_digits(s, 18);
}

/* "YYYY-MM-DD" naming a real day between 1990 and 2100: checked before it
 * reaches SQL, where a bad cast would abort the request's transaction. */
bool
fmt_is_date(const char *s)
{
	static const int mdays[12] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-' || strspn(s, "0123456789-") != 10 ||
	    strspn(s, "0123456789") != 4 || strspn(s + 5, "0123456789") != 2 || strspn(s + 8, "0123456789") != 2)
		return false;
	int y = atoi(s), m = atoi(s + 5), d = atoi(s + 8);
	if (y < 1990 || y > 2100 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return false;
	return m != 2 || d < 29 || (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0));
}

/* The type of an <input> that shows `value` as a date: "date" when empty
 * or a real day, else "text". A date input cannot hold "2026-02-30" (the
 * HTML checker refuses it, browsers blank it); as text the person still
 * sees what they typed, with the error beside it. */
const char *
fmt_date_input(const char *value)
{
	return value == NULL || *value == '\0' || fmt_is_date(value) ? "date" : "text";
}

#define VN_UTC_OFFSET (7 * 3600)   /* seconds; see fmt_vn_time */

struct tm
fmt_vn_time(time_t t)
{
	time_t local = t + VN_UTC_OFFSET;
	struct tm tm;
	gmtime_r(&local, &tm);
	return tm;
}
