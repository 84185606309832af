/* page_admin_org.c: placeholder until this page family is written (answers 404). */
#include "app.h"
#include "http.h"
#include "page_admin.h"

void
page_admin_workplaces(struct req *r)
{
	http_error(r, 404, MSG__MAX);
}

void
page_admin_qr(struct req *r)
{
	http_error(r, 404, MSG__MAX);
}

void
page_admin_units(struct req *r)
{
	http_error(r, 404, MSG__MAX);
}
