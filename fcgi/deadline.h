/* deadline.h: the console's deadline pieces every page may show: the front page's panel of cases' legal deadlines and the warning that the holiday calendar ends too soon. */
#ifndef TIENGNOI_DEADLINE_H
#define TIENGNOI_DEADLINE_H
#include "app.h"

void cases_deadline_panel(struct req *);
void deadline_calendar_notice(struct req *, const char *case_id, bool force, bool link);

#endif
