/* deadline.h: the console's deadline pieces every page may show: the front page's panel of cases' legal deadlines (overdue ones too), how far a deadline is, and the warning that the holiday calendar ends too soon. */
#ifndef TIENGNOI_DEADLINE_H
#define TIENGNOI_DEADLINE_H
#include "app.h"

void deadline_panel(struct req *);
const char *deadline_left_text(struct req *, const char *left);
void deadline_calendar_notice(struct req *, const char *case_id, bool force, bool link);

#endif
