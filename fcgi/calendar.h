/* calendar.h: the holiday calendar (days off and swapped working days) and legal deadlines as data, shared by the console and the CLI. */
#ifndef TIENGNOI_CALENDAR_H
#define TIENGNOI_CALENDAR_H
#include <libpq-fe.h>
#include "app.h"

struct db;

#define CALENDAR_NAME_MAX 200      /* characters, as sql/017 allows */
#define CALENDAR_SOURCE_MAX 1000
#define CALENDAR_DESCRIPTION_MAX 500

/* The columns of calendar_holidays(). */
enum calendar_holiday_col { HOLIDAY_DAY, HOLIDAY_DMY, HOLIDAY_WEEKDAY, HOLIDAY_NAME, HOLIDAY_SOURCE, HOLIDAY_KIND };
/* The columns of calendar_deadlines(). */
enum calendar_deadline_col {
	LEGAL_CODE, LEGAL_CASE_SCOPE, LEGAL_CASE_KIND, LEGAL_STAGES, LEGAL_VI, LEGAL_EN, LEGAL_UNIT, LEGAL_COUNT,
	LEGAL_COUNTED_FROM, LEGAL_SOURCE
};

/* How a legal deadline's period is counted, as the console names it. */
struct calendar_unit {
	const char *value, *vi, *en;
};
#define CALENDAR_NUNITS 3
extern const struct calendar_unit calendar_units[CALENDAR_NUNITS];
const char *calendar_unit_label(const char *value, enum lang);
#define CALENDAR_NKINDS 2
extern const struct calendar_unit calendar_day_kinds[CALENDAR_NKINDS];   /* off, workday */
bool calendar_day_kind_valid(const char *kind);
int calendar_isodow(const char *ymd);
const char *calendar_weekday(int isodow, enum lang);

bool calendar_year_valid(const char *year);
PGresult *calendar_holidays(struct db *, const char *year);
const char *calendar_end(struct arena *, struct db *);
int calendar_holiday_set(struct arena *, struct db *, const char *day, const char *name, const char *source,
    const char *kind, const char **old);
int calendar_holiday_remove(struct arena *, struct db *, const char *day, const char **old);
PGresult *calendar_deadlines(struct db *);
int calendar_deadline_set(struct arena *, struct db *, const char *code, const char *vi, const char *en,
    const char *unit, const char *count, const char *source, const char **old);

#endif
