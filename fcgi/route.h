/* route.h: the route table and its dispatcher. */
#ifndef TIENGNOI_ROUTE_H
#define TIENGNOI_ROUTE_H
#include "app.h"

void route_dispatch(struct req *);

#endif
