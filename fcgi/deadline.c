/* deadline.c: how far a legal deadline is, in words ("còn N ngày", "quá hạn N ngày"): pure computation the unit tests link without the console (the panel and the calendar notice that show it live in console_deadline.c). */
#include <stdlib.h>

#include "app.h"
#include "arena.h"
#include "deadline.h"
#include "i18n.h"

/* How far a deadline is, from `left` (its due day minus today, in days,
 * as text; "" when the due day is unknown): "còn N ngày", "hôm nay" or
 * "quá hạn N ngày" in the request's language, from the arena. */
const char *
deadline_left_text(struct req *r, const char *left)
{
	if (left == NULL || *left == '\0')
		return "";
	long n = strtol(left, NULL, 10);
	if (n == 0)
		return L(r, "hôm nay", "today");
	if (r->lang == LANG_EN)
		return arena_printf(r->arena, "%ld day%s %s", n < 0 ? -n : n, n == 1 || n == -1 ? "" : "s", n < 0 ? "overdue" : "left");
	return n < 0 ? arena_printf(r->arena, "quá hạn %ld ngày", -n) : arena_printf(r->arena, "còn %ld ngày", n);
}
