/* calendar.h: the holiday calendar and legal deadlines as data, shared by the console and the CLI. */
#ifndef TIENGNOI_CALENDAR_H
#define TIENGNOI_CALENDAR_H
#include <libpq-fe.h>
#include "app.h"

struct db;

#define CALENDAR_NAME_MAX 200      /* characters, as sql/017 allows */
#define CALENDAR_SOURCE_MAX 1000
#define CALENDAR_DESCRIPTION_MAX 500

bool calendar_year_valid(const char *year);
PGresult *calendar_holidays(struct db *, const char *year);
const char *calendar_end(struct arena *, struct db *);
int calendar_holiday_set(struct arena *, struct db *, const char *day, const char *name, const char *source,
    const char **old);
int calendar_holiday_remove(struct arena *, struct db *, const char *day, const char **old);
PGresult *calendar_deadlines(struct db *);
int calendar_deadline_set(struct arena *, struct db *, const char *code, const char *vi, const char *en,
    const char *unit, const char *count, const char *source, const char **old);

#endif
