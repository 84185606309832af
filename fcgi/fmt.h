/* fmt.h: the small values the console shows and reads: dates, money, counts, sizes, ids. */
#ifndef TIENGNOI_FMT_H
#define TIENGNOI_FMT_H
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

#endif
