/* filters.h: form parts several pages share: hidden fields, a labelled date, the workplaces in the officer's scope. */
#ifndef TIENGNOI_FILTERS_H
#define TIENGNOI_FILTERS_H
#include "app.h"

void filters_hidden(struct buf *, const char *name, const char *value);
void filters_date(struct req *, const char *name, const char *vi, const char *en, const char *value, bool required);
/* The columns of filters_workplaces()' rows. */
enum filters_workplace_col { FW_ID, FW_NAME };

struct pg_result;
struct pg_result *filters_workplaces(struct req *, int limit);

#endif
