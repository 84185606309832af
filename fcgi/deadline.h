/* deadline.h: legal deadlines as the console shows them: how far a deadline is (deadline.c, pure), the front page's panel of cases' deadlines and the warning that the holiday calendar ends too soon (console_deadline.c, app only). */
#ifndef TIENGNOI_DEADLINE_H
#define TIENGNOI_DEADLINE_H
#include "app.h"

const char *deadline_left_text(struct req *, const char *left);   /* deadline.c */
void deadline_panel(struct req *);                                 /* console_deadline.c */
void deadline_calendar_notice(struct req *, const char *case_id, bool force, bool link);

#endif
