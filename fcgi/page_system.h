/* page_system.h: home, help and privacy pages; health check. */
#ifndef TIENGNOI_PAGE_SYSTEM_H
#define TIENGNOI_PAGE_SYSTEM_H
#include "app.h"

void page_home(struct req *);
void page_healthz(struct req *);
void page_help(struct req *);
void page_privacy(struct req *);

#endif
