/* page_status.h: the worker's follow-up page. */
#ifndef TIENGNOI_PAGE_STATUS_H
#define TIENGNOI_PAGE_STATUS_H
#include "app.h"

void page_status(struct req *);

#endif
