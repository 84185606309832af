/* calendar.c: public holidays, swapped working days and legal deadlines as rows with their source (sql/009, sql/017): list, add, correct, remove; one SQL path for the console and the CLI. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <libpq-fe.h>

#include "app.h"
#include "arena.h"
#include "calendar.h"
#include "db.h"

const struct calendar_unit calendar_units[CALENDAR_NUNITS] = {
	{ "months", "tháng", "months" },
	{ "working_days", "ngày làm việc", "working days" },
	{ "days", "ngày", "days" },
};

/* The words for a period's unit in `lang`; "" when unknown. */
const char *
calendar_unit_label(const char *value, enum lang lang)
{
	for (size_t i = 0; value && i < CALENDAR_NUNITS; i++)
		if (strcmp(calendar_units[i].value, value) == 0)
			return lang == LANG_EN ? calendar_units[i].en : calendar_units[i].vi;
	return "";
}

/* The kinds of calendar row (sql/023): a day off, or a weekend day made a working day. */
const struct calendar_unit calendar_day_kinds[CALENDAR_NKINDS] = {
	{ "off", "Ngày nghỉ (lễ, tết, nghỉ bù, nghỉ hoán đổi)", "Day off (holiday, in lieu, swapped off)" },
	{ "workday", "Ngày làm việc bù (thứ Bảy, Chủ nhật đi làm)", "Make-up working day (a Saturday or Sunday worked)" },
};

/* Whether `kind` is a calendar row kind. */
bool
calendar_day_kind_valid(const char *kind)
{
	return kind && (strcmp(kind, "off") == 0 || strcmp(kind, "workday") == 0);
}

/* The name of an ISO weekday (1 Monday … 7 Sunday) in `lang`; "" otherwise. */
const char *
calendar_weekday(int isodow, enum lang lang)
{
	static const char *const vi[8] = { "", "Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật" };
	static const char *const en[8] = { "", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday" };
	if (isodow < 1 || isodow > 7)
		return "";
	return lang == LANG_EN ? en[isodow] : vi[isodow];
}

/* The ISO weekday (1 Monday … 7 Sunday) of a valid YYYY-MM-DD date. */
int
calendar_isodow(const char *ymd)
{
	struct tm tm = { .tm_year = atoi(ymd) - 1900, .tm_mon = atoi(ymd + 5) - 1, .tm_mday = atoi(ymd + 8), .tm_hour = 12 };
	time_t t = timegm(&tm);
	struct tm out;
	gmtime_r(&t, &out);
	return out.tm_wday == 0 ? 7 : out.tm_wday;
}

/* A year written with four digits, 2000 to 2099 (the days brief_date_ok takes). */
bool
calendar_year_valid(const char *s)
{
	return s && strlen(s) == 4 && strspn(s, "0123456789") == 4 && atoi(s) >= 2000 && atoi(s) <= 2099;
}

/* The calendar rows (days off and swapped working days) of one year
 * (every year when NULL), in order. Columns (enum calendar_holiday_col):
 * day YYYY-MM-DD, day DD/MM/YYYY, weekday 1-7 (ISO), name, source, kind.
 * Caller PQclears; check db_ok. */
PGresult *
calendar_holidays(struct db *db, const char *year)
{
	const char *p[1] = { year };
	return db_query(db, "SELECT to_char(day, 'YYYY-MM-DD'), to_char(day, 'DD/MM/YYYY'), extract(isodow FROM day)::int, "
	    "name, source, kind FROM holiday WHERE $1::int IS NULL OR extract(year FROM day) = $1::int ORDER BY day", 1, p);
}

/* The last day the calendar covers (DD/MM/YYYY, arena), "" when it holds
 * no holiday at all, NULL on a database error. */
const char *
calendar_end(struct arena *a, struct db *db)
{
	PGresult *res = db_query(db, "SELECT coalesce(to_char(holiday_calendar_end(), 'DD/MM/YYYY'), '')", 0, NULL);
	const char *end = db_scalar(res) ? arena_strdup(a, db_scalar(res)) : NULL;
	PQclear(res);
	return end;
}

/* Adds the calendar row on `day` (`kind` off or workday), or corrects
 * the name, source and kind of the one there (values checked by the
 * caller; PostgreSQL refuses a workday that is not a Saturday or Sunday).
 * *old (arena): "" for a new day, else what it was, for the audit row.
 * 0 done, -1 refused or failed (the transaction is then aborted). */
int
calendar_holiday_set(struct arena *a, struct db *db, const char *day, const char *name, const char *source,
    const char *kind, const char **old)
{
	const char *p[4] = { day, name, source, kind };
	PGresult *res = db_query(db, "WITH old AS (SELECT name || ' | ' || source || CASE kind WHEN 'workday' THEN ' | workday' "
	    "ELSE '' END AS was FROM holiday WHERE day = $1::date) "
	    "INSERT INTO holiday (day, name, source, kind) VALUES ($1::date, $2, $3, $4) "
	    "ON CONFLICT (day) DO UPDATE SET name = EXCLUDED.name, source = EXCLUDED.source, kind = EXCLUDED.kind "
	    "RETURNING coalesce((SELECT was FROM old), '')", 4, p);
	int rc = db_ok(res) && PQntuples(res) == 1 ? 0 : -1;
	if (rc == 0)
		*old = arena_strdup(a, db_scalar(res));
	PQclear(res);
	return rc;
}

/* Removes the holiday on `day`. 1 removed (*old: its name and source,
 * arena), 0 there was none, -1 refused or failed. */
int
calendar_holiday_remove(struct arena *a, struct db *db, const char *day, const char **old)
{
	const char *p[1] = { day };
	PGresult *res = db_query(db, "DELETE FROM holiday WHERE day = $1::date RETURNING name || ' | ' || source", 1, p);
	int rc = !db_ok(res) ? -1 : PQntuples(res) == 1;
	if (rc == 1)
		*old = arena_strdup(a, db_scalar(res));
	PQclear(res);
	return rc;
}

/* Every legal deadline row. Columns (enum calendar_deadline_col): code,
 * case scope ('' any), case kind ('' any), stages, description_vi,
 * description_en, unit ('months', 'working_days' or 'days'), the count,
 * counted from, source. Caller PQclears; check db_ok. */
PGresult *
calendar_deadlines(struct db *db)
{
	return db_query(db, "SELECT code, coalesce(case_scope, ''), coalesce(case_kind, ''), array_to_string(stages, ', '), "
	    "description_vi, description_en, "
	    "CASE WHEN months IS NOT NULL THEN 'months' WHEN working_days IS NOT NULL THEN 'working_days' ELSE 'days' END, "
	    "coalesce(months, working_days, days), counted_from, source FROM legal_deadline ORDER BY code", 0, NULL);
}

/* Corrects one legal deadline: its descriptions, its period (`unit` one
 * of months, working_days, days; `count` a positive whole number) and its
 * source (all checked by the caller). *old (arena): what it was, for the
 * audit row. 1 done, 0 no such code, -1 refused or failed. */
int
calendar_deadline_set(struct arena *a, struct db *db, const char *code, const char *vi, const char *en,
    const char *unit, const char *count, const char *source, const char **old)
{
	const char *p[6] = { code, vi, en, unit, count, source };
	PGresult *res = db_query(db, "WITH old AS (SELECT code, coalesce(months || ' months', working_days || ' working days', "
	    "days || ' days') || ' | ' || source AS was FROM legal_deadline WHERE code = $1) "
	    "UPDATE legal_deadline l SET description_vi = $2, description_en = $3, "
	    "months = CASE $4 WHEN 'months' THEN $5::int END, working_days = CASE $4 WHEN 'working_days' THEN $5::int END, "
	    "days = CASE $4 WHEN 'days' THEN $5::int END, source = $6 "
	    "FROM old WHERE l.code = old.code RETURNING old.was", 6, p);
	int rc = !db_ok(res) ? -1 : PQntuples(res) == 1;
	if (rc == 1)
		*old = arena_strdup(a, db_scalar(res));
	PQclear(res);
	return rc;
}
