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
	char csrf[CSRF_TOKEN_MAX];
	csrf_form_token(r->app->keys, "console", "login", time(NULL), csrf);
	buf_reset(b);
	r->status = status;
	html_page_begin(r, tr(r->lang, MSG_LOGIN_TITLE));
	html_lit(b, "<h1>");
	html_text(b, tr(r->lang, MSG_LOGIN_TITLE));
	html_lit(b, "</h1>");
	if (problem != MSG__MAX) {
		html_lit(b, "<p class=\"alert\" role=\"alert\" id=\"login-error\">");
		html_text(b, tr(r->lang, problem));
		html_lit(b, "</p>");
	}
	html_lit(b, "<form method=\"post\" action=\"/admin/login\" accept-charset=\"utf-8\">"
	    "<input type=\"hidden\" name=\"_token\" value=\"");
	html_attr(b, csrf);
	html_lit(b, "\"><input type=\"hidden\" name=\"next\" value=\"");
	html_attr(b, auth_safe_next(next));
	html_lit(b, "\"><div class=\"field\"><label for=\"f-username\">");
	html_text(b, tr(r->lang, MSG_LOGIN_USERNAME));
	html_lit(b, "</label><input type=\"text\" id=\"f-username\" name=\"username\" autocomplete=\"username\" "
	    "autocapitalize=\"none\" maxlength=\"40\" required autofocus value=\"");
	html_attr(b, username ? username : "");
	html_lit(b, "\"></div><div class=\"field\"><label for=\"f-password\">");
	html_text(b, tr(r->lang, MSG_LOGIN_PASSWORD));
	html_lit(b, "</label><input type=\"password\" id=\"f-password\" name=\"password\" "
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
	enum req_err rc = req_form(r, FORM_BODY_MAX, &in);
	if (rc != REQ_OK) {
		http_req_error(r, rc);
		return;
	}
	const char *username = kv_get_or_empty(&in, "username"), *next = kv_get(&in, "next");
	if (csrf_form_check(r->app->keys, "console", "login", kv_get(&in, "_token"), time(NULL)) != CSRF_OK) {
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
