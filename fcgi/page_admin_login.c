/* page_admin_login.c: /admin/login and /admin/logout: officers sign in with a password (then a second factor if they use one). */
#include <string.h>
#include <time.h>

#include "app.h"
#include "arena.h"
#include "auth.h"
#include "buf.h"
#include "csrf.h"
#include "html.h"
#include "http.h"
#include "i18n.h"
#include "page_admin.h"
#include "req.h"

static void
login_page(struct req *r, int status, enum msg problem, const char *username, const char *next)
{
	struct buf *b = r->out;
	console_signin_begin(r, status, tr(r->lang, MSG_LOGIN_TITLE), problem != MSG__MAX ? tr(r->lang, problem) : NULL, NULL,
	    "/admin/login", "login", next);
	console_wrap(r, "<div class=\"field\"><label for=\"f-username\">", tr(r->lang, MSG_LOGIN_USERNAME), "</label>");
	html_lit(b, "<input type=\"text\" id=\"f-username\" name=\"username\" autocomplete=\"username\" "
	    "autocapitalize=\"none\" maxlength=\"40\" required autofocus value=\"");
	html_attr(b, username ? username : "");
	console_wrap(r, "\"></div><div class=\"field\"><label for=\"f-password\">",
	    tr(r->lang, MSG_LOGIN_PASSWORD), "</label>");
	html_lit(b, "<input type=\"password\" id=\"f-password\" name=\"password\" "
	    "autocomplete=\"current-password\" maxlength=\"200\" required></div>"
	    "<button type=\"submit\" class=\"btn primary\">");
	html_text(b, tr(r->lang, MSG_LOGIN_BUTTON));
	html_lit(b, "</button></form>");
	html_page_end(r);
}

/* GET shows the form; POST checks it. Failures all read alike (unknown
 * user, wrong password, locked, disabled) and are audited. */
void
page_admin_login(struct req *r)
{
	struct kvlist in;

	if (r->method != METHOD_POST) {
		if (auth_session_load(r) == AUTH_OK) {
			http_redirect(r, auth_safe_next(kv_get(&r->args, "next")));
			return;
		}
		r->officer = NULL;
		login_page(r, 200, MSG__MAX, NULL, kv_get(&r->args, "next"));
		return;
	}
	int posted = console_signin_read(r, "login", &in);
	if (posted < 0)
		return;
	const char *username = kv_get_or_empty(&in, "username"), *next = kv_get(&in, "next");
	if (posted > 0) {
		login_page(r, 403, MSG_FORM_EXPIRED, username, next);
		return;
	}
	const char *officer_id = NULL;
	bool totp = false;
	switch (auth_login(r, username, kv_get_or_empty(&in, "password"), &officer_id, &totp)) {
	case AUTH_OK:
		break;
	case AUTH_THROTTLED:
		login_page(r, 429, MSG_LOGIN_THROTTLED, username, next);
		return;
	case AUTH_DB_DOWN:
		http_error(r, 503, MSG__MAX);
		return;
	default:
		login_page(r, 403, MSG_LOGIN_FAILED, username, next);
		return;
	}
	if (auth_session_start(r, officer_id, totp) != 0) {
		http_error(r, 503, MSG__MAX);
		return;
	}
	auth_device_give(r, username);
	if (!totp) {
		http_redirect(r, auth_safe_next(next));
		return;
	}
	struct buf to = { 0 };   /* the next path travels URL-encoded: & or # must not cut it */
	buf_puts(&to, "/admin/login/totp?next=");
	html_url_arg(&to, auth_safe_next(next));
	http_redirect(r, arena_strdup(r->arena, to.data));
	buf_free(&to);
}

/* POST /admin/logout: this session, or with all=1 every session. */
void
page_admin_logout(struct req *r)
{
	bool everywhere = strcmp(kv_get_or_empty(&r->form, "all"), "1") == 0;
	audit_officer(r, everywhere ? "logout.everywhere" : "logout", "", "");
	auth_logout(r, everywhere);
	http_redirect(r, "/admin/login");
}
