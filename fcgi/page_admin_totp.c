/* page_admin_totp.c: placeholder until this page family is written (answers 404). */
#include "app.h"
#include "http.h"
#include "page_admin.h"

void
page_admin_totp(struct req *r)
{
	http_error(r, 404, MSG__MAX);
}

void
page_admin_account(struct req *r)
{
	http_error(r, 404, MSG__MAX);
}
