/* page_admin_officers.c: placeholder until this page family is written (answers 404). */
#include "app.h"
#include "http.h"
#include "page_admin.h"

void
page_admin_officers(struct req *r)
{
	http_error(r, 404, MSG__MAX);
}

void
page_admin_audit(struct req *r)
{
	http_error(r, 404, MSG__MAX);
}
