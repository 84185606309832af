/* page_worker.h: the worker pages behind a QR code. */
#ifndef TIENGNOI_PAGE_WORKER_H
#define TIENGNOI_PAGE_WORKER_H
#include "app.h"

void page_worker(struct req *);

#endif
