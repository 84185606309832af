/* fmt.h: the small values the console shows and reads: dates, money, counts, sizes, ids. */
#ifndef TIENGNOI_FMT_H
#define TIENGNOI_FMT_H
#include <time.h>
#include "app.h"

const char *fmt_dmy(struct arena *, const char *iso);
const char *fmt_int(struct arena *, long long v, enum lang);
const char *fmt_money(struct arena *, long long dong);
const char *fmt_money_digits(struct arena *, const char *digits);
const char *fmt_bytes(struct arena *, const char *bytes);
bool fmt_is_digits(const char *s, size_t max);
bool fmt_is_id(const char *s);
bool fmt_is_date(const char *s);
const char *fmt_date_input(const char *value);
/* A moment as Vietnam's calendar time: UTC+7, the Asia/Ho_Chi_Minh zone's
 * offset since 1975, with no daylight saving. What "today", a month and a
 * time of day mean to workers and officers, wherever the server's clock is. */
struct tm fmt_vn_time(time_t t);

#endif
