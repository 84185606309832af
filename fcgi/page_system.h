/* page_system.h: home page and health check. */
#ifndef TIENGNOI_PAGE_SYSTEM_H
#define TIENGNOI_PAGE_SYSTEM_H
#include "app.h"

void page_home(struct req *);
void page_healthz(struct req *);

#endif
