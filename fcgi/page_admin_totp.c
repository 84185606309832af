/* page_admin_totp.c: the second factor: /admin/login/totp after the password, and /admin/account (password, authenticator, recovery codes, sessions). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <libpq-fe.h>
#include <sodium.h>

#include "app.h"
#include "arena.h"
#include "auth.h"
#include "buf.h"
#include "csrf.h"
#include "db.h"
#include "html.h"
#include "http.h"
#include "i18n.h"
#include "page_admin.h"
#include "console_notify.h"
#include "qr.h"
#include "ratelimit.h"
#include "req.h"
#include "token.h"
#include "totp.h"

#define CODE_ATTRS "type=\"text\" inputmode=\"numeric\" autocomplete=\"one-time-code\" " \
	"pattern=\"[0-9 ]{6,7}\" maxlength=\"7\" autocapitalize=\"none\" spellcheck=\"false\""

/* Secrets as stored (hex from SQL) to bytes; false unless exactly 20. */
static bool
secret_from_hex(const char *hex, unsigned char out[TOTP_SECRET_LEN])
{
	size_t len = 0;
	return hex != NULL && strlen(hex) == 2 * TOTP_SECRET_LEN &&
	    sodium_hex2bin(out, TOTP_SECRET_LEN, hex, strlen(hex), NULL, &len, NULL) == 0 && len == TOTP_SECRET_LEN;
}

/* The rate-limit key for second-factor and account checks of one officer
 * (prefixed, so it never shares a counter with a username). Arena. */
static const char *
limit_key(struct req *r, const char *what)
{
	return arena_printf(r->arena, "%s:%s", what, r->officer->id);
}

/* One labelled input (the kit's field and label) up to its attributes;
 * field() adds them (a literal) and closes. */
static void
field_open(struct req *r, const char *id, const char *name, const char *label)
{
	console_field_begin(r, id, label, NULL, NULL);
	html_lit(r->out, "<input");
	console_control_attrs(r, id, name, NULL);
	html_lit(r->out, " ");
}
#define field(r, id, name, label, attrs) do { field_open((r), (id), (name), (label)); html_lit((r)->out, attrs "></div>"); } while (0)

/* Opens one of the account page's forms: it posts action=ACTION to
 * /admin/account, under an <h3> of `title`. */
static void
account_form(struct req *r, const char *action, const char *title)
{
	html_form_begin(r, "/admin/account", NULL);
	html_lit(r->out, "<input type=\"hidden\" name=\"action\" value=\"");
	html_attr(r->out, action);
	console_wrap(r, "\"><h3>", title, "</h3>");
}

/* What was wrong with the account form just posted (id "account-error"). */
static void
alert(struct req *r, const char *problem)
{
	if (problem)
		console_wrap(r, "<p class=\"alert\" role=\"alert\" id=\"account-error\">", problem, "</p>");
}

/* ---- /admin/login/totp ---- */

/* The second step of signing in: a code from the app, or a recovery code. */
static void
totp_login_page(struct req *r, int status, const char *problem, const char *next)
{
	struct buf *b = r->out;
	console_signin_begin(r, status, L(r, "Xác thực hai bước", "Two-step verification"), problem,
	    L(r, "Mở ứng dụng xác thực trên điện thoại (Google Authenticator, Microsoft Authenticator, FreeOTP…) "
	    "và nhập mã 6 chữ số đang hiện cho Tiếng nói.",
	    "Open the authenticator app on your phone (Google Authenticator, Microsoft Authenticator, FreeOTP…) "
	    "and type the 6-digit code it shows for Tiếng nói."), "/admin/login/totp", "totp", next);
	field(r, "f-code", "code", L(r, "Mã 6 chữ số", "6-digit code"), CODE_ATTRS " autofocus");
	console_button(r, "btn primary", "Xác nhận", "Confirm");
	console_wrap(r, "<details><summary>",
	    L(r, "Không có điện thoại? Dùng mã khôi phục", "No phone? Use a recovery code instead"), "</summary>");
	field(r, "f-recovery", "recovery", L(r, "Mã khôi phục (mỗi mã chỉ dùng được một lần)",
	    "Recovery code (each works once)"),
	    "type=\"text\" autocomplete=\"off\" autocapitalize=\"characters\" spellcheck=\"false\" maxlength=\"20\"");
	console_button(r, "btn", "Dùng mã khôi phục", "Use the recovery code");
	html_lit(b, "</details></form>");
	console_back(r, "/admin/login", "Đăng nhập bằng tài khoản khác", "Sign in with another account");
	html_page_end(r);
}

/* What the half-open session's officer has for a second factor. */
struct factor {
	unsigned char secret[TOTP_SECRET_LEN];
	int64_t last_step;
	const char *unit_id;
	bool enabled, blocked;   /* blocked: disabled or locked */
};

static int
factor_load(struct req *r, struct factor *f)
{
	const char *p[1] = { r->officer->id };
	enum { F_SECRET, F_LAST_STEP, F_UNIT_ID, F_BLOCKED, F_ENABLED };   /* STMT_TOTP_LOAD's columns */
	PGresult *res = db_run(r->app->db, STMT_TOTP_LOAD, p, NULL, NULL);
	if (res == NULL || !db_ok(res) || PQntuples(res) != 1) {
		PQclear(res);
		return -1;
	}
	f->enabled = PQgetvalue(res, 0, F_ENABLED)[0] == 't' && secret_from_hex(PQgetvalue(res, 0, F_SECRET), f->secret);
	f->last_step = strtoll(PQgetvalue(res, 0, F_LAST_STEP), NULL, 10);
	f->unit_id = arena_strdup(r->arena, PQgetvalue(res, 0, F_UNIT_ID));
	f->blocked = PQgetvalue(res, 0, F_BLOCKED)[0] == 't';
	PQclear(res);
	return 0;
}

/* Ends the half-open session and says why, with the way back to sign-in. */
static void
totp_login_ended(struct req *r, const char *why)
{
	struct buf *b = r->out;
	auth_logout(r, false);
	buf_reset(b);
	r->status = 403;
	const char *title = L(r, "Xác thực hai bước", "Two-step verification");
	html_page_begin(r, title);
	console_wrap(r, "<h1>", title, "</h1><p class=\"alert\" role=\"alert\" id=\"login-error\">");
	html_text(b, why);
	console_wrap(r, "</p><p><a class=\"btn\" href=\"/admin/login\">", tr(r->lang, MSG_LOGIN_TITLE), "</a></p>");
	html_page_end(r);
}

/* GET|POST /admin/login/totp: needs a session that has passed the
 * password (AUTH_MFA_PENDING), else it sends the browser to /admin/login.
 * POST checks the form token (403), the rate limit per officer (429),
 * then the code (a step not used before) or a recovery code (unused);
 * success completes the session and redirects to a safe `next`. Each
 * failure is audited and counts like a wrong password: the fifth locks
 * the account for 15 minutes and ends the half-open session. */
void
page_admin_totp(struct req *r)
{
	struct kvlist in = { 0 };
	const char *next = kv_get(&r->args, "next");

	switch (auth_session_load(r)) {
	case AUTH_MFA_PENDING:
		break;
	case AUTH_OK:
		http_redirect(r, auth_safe_next(next));
		return;
	case AUTH_DB_DOWN:
		http_error(r, 503, MSG__MAX);
		return;
	default:
		r->officer = NULL;
		http_redirect(r, "/admin/login");
		return;
	}
	struct factor f;
	if (factor_load(r, &f) != 0) {
		http_error(r, 503, MSG__MAX);
		return;
	}
	if (!f.enabled || f.blocked) {   /* locked meanwhile, or the factor was removed by an administrator */
		totp_login_ended(r, tr(r->lang, MSG_LOGIN_FAILED));
		return;
	}
	if (r->method != METHOD_POST) {
		totp_login_page(r, 200, NULL, next);
		return;
	}
	int posted = console_signin_read(r, "totp", &in);
	if (posted < 0)
		return;
	next = kv_get(&in, "next");
	if (posted > 0) {
		totp_login_page(r, 403, tr(r->lang, MSG_FORM_EXPIRED), next);
		return;
	}
	const char *key = limit_key(r, "totp");
	if (ratelimit_hit(RL_LOGIN, key, strlen(key))) {
		totp_login_page(r, 429, tr(r->lang, MSG_LOGIN_THROTTLED), next);
		return;
	}
	const char *code = kv_get_or_empty(&in, "code"), *typed_recovery = kv_get_or_empty(&in, "recovery");
	if (!*code && !*typed_recovery) {
		totp_login_page(r, 400, L(r, "Hãy nhập mã 6 chữ số, hoặc một mã khôi phục.",
		    "Type the 6-digit code, or a recovery code."), next);
		return;
	}
	const char *pid[1] = { r->officer->id };
	const char *how = NULL, *why = "wrong code";
	if (*code) {
		int64_t step = totp_verify(f.secret, code, time(NULL), f.last_step);
		if (step >= 0) {
			char s[24];
			snprintf(s, sizeof(s), "%lld", (long long)step);
			const char *p[2] = { r->officer->id, s };
			PGresult *res = db_run(r->app->db, STMT_TOTP_ACCEPT, p, NULL, NULL);
			if (res == NULL || !db_ok(res)) {
				PQclear(res);
				http_error(r, 503, MSG__MAX);
				return;
			}
			how = PQntuples(res) == 1 ? "login.totp" : NULL;   /* none: another request took this step first */
			PQclear(res);
		}
		if (step == TOTP_REUSED || (step >= 0 && how == NULL))
			why = "code already used";
	} else {
		char rc[TOTP_RECOVERY_LEN + 1];
		unsigned char hash[TOTP_RECOVERY_HASH_LEN];
		why = "wrong recovery code";
		if (totp_recovery_normalize(typed_recovery, rc)) {
			totp_recovery_hash(r->app->keys, rc, hash);
			const char *p[2] = { r->officer->id, (const char *)hash };
			const int l[2] = { 0, sizeof(hash) }, bin[2] = { 0, 1 };
			PGresult *res = db_run(r->app->db, STMT_RECOVERY_USE, p, l, bin);
			if (res == NULL || !db_ok(res)) {
				PQclear(res);
				http_error(r, 503, MSG__MAX);
				return;
			}
			if (PQntuples(res) == 1)
				how = "login.recovery";
			PQclear(res);
			if (how)
				PQclear(db_run(r->app->db, STMT_LOGIN_OK, pid, NULL, NULL));
		}
	}
	if (how == NULL) {
		PGresult *res = db_run(r->app->db, STMT_TOTP_FAILED, pid, NULL, NULL);
		bool locked = db_scalar(res) && db_scalar(res)[0] == 't';
		PQclear(res);
		audit(r, r->officer->id, f.unit_id, "login.totp_failed", "", locked ? arena_printf(r->arena,
		    "%s; account locked for 15 minutes", why) : why);
		if (locked) {
			totp_login_ended(r, L(r, "Nhập sai mã quá nhiều lần: tài khoản tạm khóa 15 phút. Hãy đăng nhập lại sau.",
			    "Too many wrong codes: the account is locked for 15 minutes. Sign in again later."));
			return;
		}
		totp_login_page(r, 403, L(r, "Mã không đúng hoặc đã được dùng. Hãy nhập mã đang hiện trong ứng dụng "
		    "(nếu vừa dùng mã này, đợi mã tiếp theo).",
		    "Wrong code, or one already used. Type the code the app shows now (if you just used it, wait for the next)."),
		    next);
		return;
	}
	if (auth_session_complete(r) != 0) {
		http_error(r, 503, MSG__MAX);
		return;
	}
	audit(r, r->officer->id, f.unit_id, how, "", "");
	http_redirect(r, auth_safe_next(next));
}

/* ---- /admin/account ---- */

/* The signed-in officer's own account, read (and locked for this
 * transaction) at the start of each request. */
struct account {
	const char *password_hash;
	bool totp_enabled, has_pending, required;
	unsigned char secret[TOTP_SECRET_LEN], pending[TOTP_SECRET_LEN];
	int64_t last_step;
	long recovery_left;
};

static int
account_load(struct req *r, struct account *a)
{
	const char *p[1] = { r->officer->id };
	enum { A_HASH, A_TOTP, A_SECRET, A_PENDING, A_LAST_STEP, A_RECOVERY_LEFT, A_REQUIRED };
	PGresult *res = db_query(r->app->db, "SELECT o.password_hash, o.totp_enabled, coalesce(encode(o.totp_secret, 'hex'), ''), "
	    "coalesce(encode(o.totp_pending, 'hex'), ''), o.totp_last_step, "
	    "(SELECT count(*) FROM officer_recovery c WHERE c.officer_id = o.id AND c.used_at IS NULL), "
	    "EXISTS (SELECT 1 FROM org_unit u JOIN org_unit a ON a.require_totp AND a.path <> '' AND starts_with(u.path, a.path) "
	    "WHERE u.id = o.unit_id) "
	    "FROM officer o WHERE o.id = $1 FOR UPDATE OF o", 1, p);
	if (res == NULL || !db_ok(res) || PQntuples(res) != 1) {
		PQclear(res);
		return -1;
	}
	memset(a, 0, sizeof(*a));
	a->password_hash = arena_strdup(r->arena, PQgetvalue(res, 0, A_HASH));
	a->totp_enabled = PQgetvalue(res, 0, A_TOTP)[0] == 't' && secret_from_hex(PQgetvalue(res, 0, A_SECRET), a->secret);
	a->has_pending = secret_from_hex(PQgetvalue(res, 0, A_PENDING), a->pending);
	a->last_step = strtoll(PQgetvalue(res, 0, A_LAST_STEP), NULL, 10);
	a->recovery_left = strtol(PQgetvalue(res, 0, A_RECOVERY_LEFT), NULL, 10);
	a->required = PQgetvalue(res, 0, A_REQUIRED)[0] == 't';
	PQclear(res);
	return 0;
}

/* Runs one statement of the account page; false (and a 503 answered)
 * when it failed, so the transaction is rolled back. */
static bool
account_exec(struct req *r, PGresult *res)
{
	bool ok = res != NULL && db_ok(res);
	PQclear(res);
	if (!ok)
		http_error(r, 503, MSG__MAX);
	return ok;
}

static void
account_head(struct req *r, int status, const char *title)
{
	buf_reset(r->out);
	r->status = status;
	console_begin(r, title);
	html_lit(r->out, "<h1>");
	html_text(r->out, title);
	html_lit(r->out, "</h1>");
}

/* The account page: `problem` (an error) or `done` (what just worked) on top. */
static void
account_page(struct req *r, int status, const struct account *a, const char *problem, const char *done)
{
	struct buf *b = r->out;
	account_head(r, status, L(r, "Tài khoản của bạn", "Your account"));
	alert(r, problem);
	if (done) {
		console_wrap(r, "<p class=\"note\" role=\"status\" id=\"account-done\">", done, "</p>");
	}
	if (a->required && !a->totp_enabled) {
		html_lit(b, "<p class=\"alert\" id=\"totp-required\">");
		html_text(b, L(r, "Đơn vị của bạn yêu cầu xác thực hai bước. Hãy bật nó dưới đây để tiếp tục làm việc.",
		    "Your union unit requires two-step verification. Turn it on below to go on working."));
		html_lit(b, "</p>");
	}

	console_section_id(r, "password", "Đổi mật khẩu", "Change your password");
	html_form_begin(r, "/admin/account", NULL);
	html_lit(b, "<input type=\"hidden\" name=\"action\" value=\"password\">");
	field(r, "f-current", "current", L(r, "Mật khẩu hiện tại", "Current password"),
	    "type=\"password\" autocomplete=\"current-password\" maxlength=\"200\" required");
	field(r, "f-new", "new", L(r, "Mật khẩu mới (ít nhất 10 ký tự; một câu dài dễ nhớ là tốt nhất)",
	    "New password (at least 10 characters; a long phrase you remember is best)"),
	    "type=\"password\" autocomplete=\"new-password\" minlength=\"10\" maxlength=\"200\" required");
	field(r, "f-new2", "new2", L(r, "Nhập lại mật khẩu mới", "New password again"),
	    "type=\"password\" autocomplete=\"new-password\" minlength=\"10\" maxlength=\"200\" required");
	console_hint(r, L(r, "Đổi xong, mọi phiên đăng nhập khác của bạn sẽ kết thúc.",
	    "When it is changed, all your other sessions are signed out."));
	console_submit(r, "btn primary", "Đổi mật khẩu", "Change password");
	html_lit(b, "</section>");

	console_section_id(r, "totp", "Xác thực hai bước", "Two-step verification");
	html_lit(b, "<p id=\"totp-state\">");
	if (a->totp_enabled) {
		html_text(b, L(r, "Đang bật: mỗi lần đăng nhập cần thêm mã từ ứng dụng xác thực.",
		    "On: each sign-in also needs a code from your authenticator app."));
		html_text(b, arena_printf(r->arena, L(r, " Còn %ld mã khôi phục chưa dùng.", " %ld unused recovery codes left."),
		    a->recovery_left));
	} else {
		html_text(b, L(r, "Đang tắt. Khi bật, ngoài mật khẩu bạn cần thêm mã 6 chữ số từ một ứng dụng trên điện thoại "
		    "(Google Authenticator, Microsoft Authenticator, FreeOTP…): kẻ lấy được mật khẩu vẫn không vào được.",
		    "Off. When on, signing in also needs a 6-digit code from an app on your phone (Google Authenticator, "
		    "Microsoft Authenticator, FreeOTP…): someone who learns your password still cannot get in."));
	}
	html_lit(b, "</p>");
	if (a->totp_enabled) {
		account_form(r, "recovery_new", L(r, "Tạo bộ mã khôi phục mới", "New recovery codes"));
		console_hint(r, L(r, "Các mã cũ sẽ hết hiệu lực.", "The old codes stop working."));
		field(r, "f-regen-code", "code", L(r, "Mã 6 chữ số hiện tại", "Current 6-digit code"), CODE_ATTRS " required");
		console_submit(r, "btn", "Tạo mã khôi phục mới", "Make new recovery codes");
		if (a->required) {
			console_wrap(r, "<p class=\"hint\" id=\"totp-off-refused\">", L(r, "Đơn vị của bạn yêu cầu xác thực hai bước, nên không thể tắt.",
			    "Your union unit requires two-step verification, so it cannot be turned off."), "</p>");
		} else {
			account_form(r, "totp_off", L(r, "Tắt xác thực hai bước", "Turn two-step verification off"));
			field(r, "f-off-code", "code", L(r, "Mã 6 chữ số hiện tại", "Current 6-digit code"), CODE_ATTRS " required");
			console_submit(r, "btn", "Tắt", "Turn off");
		}
	}
	account_form(r, "totp_setup", a->totp_enabled ? L(r, "Chuyển sang điện thoại mới", "Move to a new phone") :
	    L(r, "Bật xác thực hai bước", "Turn two-step verification on"));
	field(r, a->totp_enabled ? "f-setup-password2" : "f-setup-password", "current",
	    L(r, "Mật khẩu hiện tại", "Current password"),
	    "type=\"password\" autocomplete=\"current-password\" maxlength=\"200\" required");
	console_submit(r, "btn primary", "Tiếp tục", "Continue");
	html_lit(b, "</section>");

	console_notify_section(r);   /* e-mail notifications (console_notify.c) */

	console_section_id(r, "sessions", "Phiên đăng nhập", "Sessions");
	html_lit(b, "<p class=\"hint\">");
	html_text(b, L(r, "Quên đăng xuất trên máy khác, hoặc nghi có người dùng tài khoản của bạn? Đăng xuất ở mọi nơi, "
	    "rồi đổi mật khẩu.", "Left a session open elsewhere, or think someone used your account? Sign out everywhere, "
	    "then change your password."));
	html_lit(b, "</p>");
	html_form_begin(r, "/admin/logout", NULL);
	console_wrap(r, "<input type=\"hidden\" name=\"all\" value=\"1\"><button type=\"submit\" class=\"btn\">",
	    tr(r->lang, MSG_LOGOUT_ALL), "</button></form></section>");
	console_end(r);
}

/* The setup page: the new secret as a QR code and as text, and the form
 * for a first code from it. The QR image is an SVG we drew ourselves,
 * carried in a data: URL (the CSP allows data: images), so no raw markup
 * enters the page. */
static void
setup_page(struct req *r, int status, const unsigned char secret[TOTP_SECRET_LEN], const char *problem)
{
	struct buf *b = r->out;
	char b32[TOTP_B32_MAX], uri[TOTP_URI_MAX];
	base32_encode(secret, TOTP_SECRET_LEN, b32, sizeof(b32));
	account_head(r, status, L(r, "Cài ứng dụng xác thực", "Set up your authenticator app"));
	alert(r, problem);
	html_lit(b, "<ol class=\"steps\"><li>");
	html_text(b, L(r, "Cài một ứng dụng xác thực trên điện thoại: Google Authenticator, Microsoft Authenticator "
	    "hoặc FreeOTP (miễn phí).", "Install an authenticator app on your phone: Google Authenticator, "
	    "Microsoft Authenticator or FreeOTP (free)."));
	html_lit(b, "</li><li>");
	html_text(b, L(r, "Trong ứng dụng, chọn thêm tài khoản rồi quét mã QR này:",
	    "In the app, add an account and scan this QR code:"));
	char *svg = totp_uri(r->officer->username, b32, uri) == 0 ? qr_svg(uri, "220px") : NULL;
	if (svg) {
		html_lit(b, "<br><img id=\"totp-qr\" width=\"220\" height=\"220\" src=\"");
		html_data_url(b, "image/svg+xml", svg, strlen(svg));
		free(svg);
		html_lit(b, "\" alt=\"");
		html_attr(b, L(r, "Mã QR để thêm tài khoản vào ứng dụng xác thực", "QR code that adds the account to the app"));
		html_lit(b, "\">");
	}
	html_lit(b, "<br>");
	html_text(b, L(r, "Không quét được? Chọn nhập khóa và gõ khóa này (loại: theo thời gian):",
	    "Cannot scan? Choose to enter a key and type this one (type: time based):"));
	html_lit(b, " <code id=\"totp-secret\">");
	for (size_t i = 0; b32[i]; i += 4)
		html_text(b, arena_printf(r->arena, "%s%.4s", i ? " " : "", b32 + i));
	html_lit(b, "</code></li><li>");
	html_text(b, L(r, "Nhập mã 6 chữ số ứng dụng hiện ra để xác nhận. Xác thực hai bước chỉ bật sau bước này.",
	    "Type the 6-digit code the app shows to confirm. Two-step verification is only turned on after this."));
	html_lit(b, "</li></ol>");
	html_form_begin(r, "/admin/account", NULL);
	html_lit(b, "<input type=\"hidden\" name=\"action\" value=\"totp_confirm\">");
	field(r, "f-confirm-code", "code", L(r, "Mã 6 chữ số", "6-digit code"), CODE_ATTRS " required autofocus");
	console_wrap(r, "<button type=\"submit\" class=\"btn primary\">",
	    L(r, "Xác nhận và bật", "Confirm and turn on"), "</button> <a href=\"/admin/account\">");
	html_text(b, L(r, "Để sau", "Not now"));
	html_lit(b, "</a></form>");
	console_end(r);
}

/* Replaces the officer's recovery codes with ten new ones and shows them,
 * this once; only their keyed hashes are kept. false when a 503 was answered. */
static bool
recovery_issue(struct req *r)
{
	char codes[TOTP_RECOVERY_COUNT][TOTP_RECOVERY_LEN + 1];
	struct buf hashes = { 0 };
	for (int i = 0; i < TOTP_RECOVERY_COUNT; i++) {
		unsigned char h[TOTP_RECOVERY_HASH_LEN];
		char hex[2 * TOTP_RECOVERY_HASH_LEN + 1];
		totp_recovery_new(codes[i]);
		totp_recovery_hash(r->app->keys, codes[i], h);
		sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
		if (i)
			buf_putc(&hashes, ',');
		buf_puts(&hashes, hex);
	}
	buf_putc(&hashes, '\0');
	const char *p[2] = { r->officer->id, hashes.failed ? NULL : hashes.data };
	bool ok = p[1] != NULL &&
	    account_exec(r, db_query(r->app->db, "DELETE FROM officer_recovery WHERE officer_id = $1", 1, p)) &&
	    account_exec(r, db_query(r->app->db, "INSERT INTO officer_recovery (officer_id, code_hash) "
	        "SELECT $1, decode(h, 'hex') FROM unnest(string_to_array($2, ',')) h", 2, p));
	buf_free(&hashes);
	if (!ok) {
		if (r->status < 500)
			http_error(r, 503, MSG__MAX);
		return false;
	}
	struct buf *b = r->out;
	account_head(r, 200, L(r, "Mã khôi phục", "Recovery codes"));
	html_lit(b, "<p class=\"alert\">");
	html_text(b, L(r, "Chép hoặc in các mã này và cất ở nơi an toàn, tách khỏi điện thoại. Khi mất điện thoại, mỗi mã "
	    "thay cho mã 6 chữ số được một lần. Trang này chỉ hiện các mã một lần duy nhất.",
	    "Write these codes down or print them and keep them somewhere safe, apart from your phone. If you lose the "
	    "phone, each one stands in for the 6-digit code once. This page shows them this one time only."));
	html_lit(b, "</p><ol id=\"recovery-codes\" class=\"codes\">");
	for (int i = 0; i < TOTP_RECOVERY_COUNT; i++) {
		console_wrap(r, "<li><code>",
		    arena_printf(r->arena, "%.5s-%s", codes[i], codes[i] + 5), "</code></li>");
	}
	console_wrap(r, "</ol><p><a class=\"btn primary\" href=\"/admin/account\">",
	    L(r, "Tôi đã cất các mã", "I have kept the codes"), "</a></p>");
	console_end(r);
	sodium_memzero(codes, sizeof(codes));
	return true;
}

/* Counts one secret check against the per-officer limit; true (and a 429
 * page answered) when over it. */
static bool
account_throttled(struct req *r, const struct account *a)
{
	const char *key = limit_key(r, "account");
	if (!ratelimit_hit(RL_LOGIN, key, strlen(key)))
		return false;
	account_page(r, 429, a, tr(r->lang, MSG_LOGIN_THROTTLED), NULL);
	return true;
}

/* Checks a code from the officer's current authenticator and takes its
 * step, so it cannot be used again. false (audited) when wrong. */
static bool
account_code_ok(struct req *r, const struct account *a, const char *why)
{
	int64_t step = totp_verify(a->secret, kv_get_or_empty(&r->form, "code"), time(NULL), a->last_step);
	if (step < 0) {
		audit_officer(r, "account.totp_failed", "", arena_printf(r->arena, "%s: %s", why,
		    step == TOTP_REUSED ? "code already used" : "wrong code"));
		return false;
	}
	char s[24];
	snprintf(s, sizeof(s), "%lld", (long long)step);
	const char *p[2] = { r->officer->id, s };
	return account_exec(r, db_query(r->app->db, "UPDATE officer SET totp_last_step = $2 WHERE id = $1", 2, p));
}

static const char *
wrong_code(const struct req *r)
{
	return L(r, "Mã không đúng hoặc đã được dùng. Hãy nhập mã đang hiện trong ứng dụng.",
	    "Wrong code, or one already used. Type the code the app shows now.");
}

static const char *
wrong_password(const struct req *r)
{
	return L(r, "Mật khẩu hiện tại không đúng.", "The current password is wrong.");
}

/* action=password: current password, the new one twice. */
static void
account_password(struct req *r, struct account *a)
{
	const char *cur = kv_get_or_empty(&r->form, "current"), *pw = kv_get_or_empty(&r->form, "new");
	if (account_throttled(r, a))
		return;
	if (!auth_check_password(a->password_hash, cur)) {
		audit_officer(r, "account.passwd_failed", "", "wrong current password");
		account_page(r, 403, a, wrong_password(r), NULL);
		return;
	}
	if (strcmp(pw, kv_get_or_empty(&r->form, "new2")) != 0) {
		account_page(r, 400, a, L(r, "Hai lần nhập mật khẩu mới không giống nhau.",
		    "The two new passwords are not the same."), NULL);
		return;
	}
	enum msg problem = auth_password_problem(pw, r->officer->username);
	if (problem == MSG__MAX && strcmp(pw, cur) == 0)
		problem = MSG_PASSWORD_COMMON;
	if (problem != MSG__MAX) {
		account_page(r, 400, a, tr(r->lang, problem), NULL);
		return;
	}
	char hash[AUTH_HASH_MAX];
	if (auth_hash_password(pw, hash) != 0) {
		http_error(r, 503, MSG__MAX);
		return;
	}
	/* every other session ends; this one (known by its own _csrf) stays */
	const char *p[2] = { r->officer->id, hash }, *s[2] = { r->officer->id, r->officer->csrf };
	PGresult *ended = NULL;
	if (!account_exec(r, db_query(r->app->db, "UPDATE officer SET password_hash = $2, password_changed_at = now() "
	        "WHERE id = $1", 2, p)))
		return;
	ended = db_query(r->app->db, "DELETE FROM session WHERE officer_id = $1 AND csrf <> $2", 2, s);
	if (ended == NULL || !db_ok(ended)) {
		PQclear(ended);
		http_error(r, 503, MSG__MAX);
		return;
	}
	audit_officer(r, "account.passwd", "", arena_printf(r->arena, "%s other sessions ended", PQcmdTuples(ended)));
	PQclear(ended);
	account_page(r, 200, a, NULL, L(r, "Đã đổi mật khẩu. Các phiên đăng nhập khác của bạn đã kết thúc.",
	    "Password changed. Your other sessions are signed out."));
}

/* A change of the officer's own second factor, once its code (or a
 * recovery code) is right: false after answering (429 when throttled,
 * 403 with the page on a wrong code, 5xx). */
static bool
account_code_checked(struct req *r, struct account *a, const char *what)
{
	if (account_throttled(r, a))
		return false;
	if (account_code_ok(r, a, what))
		return true;
	if (r->status < 500)
		account_page(r, 403, a, wrong_code(r), NULL);
	return false;
}

/* action=totp_setup: a new pending secret, after the current password. */
static void
account_totp_setup(struct req *r, struct account *a)
{
	if (account_throttled(r, a))
		return;
	if (!auth_check_password(a->password_hash, kv_get_or_empty(&r->form, "current"))) {
		audit_officer(r, "account.passwd_failed", "", "wrong current password (two-step setup)");
		account_page(r, 403, a, wrong_password(r), NULL);
		return;
	}
	unsigned char secret[TOTP_SECRET_LEN];
	char hex[2 * TOTP_SECRET_LEN + 1];
	totp_secret_new(secret);
	sodium_bin2hex(hex, sizeof(hex), secret, sizeof(secret));
	const char *p[2] = { r->officer->id, hex };
	if (account_exec(r, db_query(r->app->db, "UPDATE officer SET totp_pending = decode($2, 'hex') WHERE id = $1", 2, p)))
		setup_page(r, 200, secret, NULL);
	sodium_memzero(hex, sizeof(hex));
}

/* action=totp_confirm: the pending secret becomes the second factor once
 * a code from it is right; new recovery codes follow. */
static void
account_totp_confirm(struct req *r, struct account *a)
{
	if (account_throttled(r, a))
		return;
	int64_t step = totp_verify(a->pending, kv_get_or_empty(&r->form, "code"), time(NULL), 0);
	if (step < 0) {
		audit_officer(r, "account.totp_failed", "", "setup: wrong code");
		setup_page(r, 400, a->pending, wrong_code(r));
		return;
	}
	char s[24];
	snprintf(s, sizeof(s), "%lld", (long long)step);
	const char *p[2] = { r->officer->id, s };
	if (!account_exec(r, db_query(r->app->db, "UPDATE officer SET totp_secret = totp_pending, totp_pending = NULL, "
	        "totp_enabled = true, totp_last_step = $2 WHERE id = $1", 2, p)))
		return;
	audit_officer(r, "account.totp_on", "", a->totp_enabled ? "new authenticator" : "");
	recovery_issue(r);
}

/* action=totp_off: unless the officer's unit requires it. */
static void
account_totp_off(struct req *r, struct account *a)
{
	if (a->required) {
		account_page(r, 403, a, L(r, "Đơn vị của bạn yêu cầu xác thực hai bước, nên không thể tắt.",
		    "Your union unit requires two-step verification, so it cannot be turned off."), NULL);
		return;
	}
	if (!account_code_checked(r, a, "turning off"))
		return;
	const char *p[1] = { r->officer->id };
	if (!account_exec(r, db_query(r->app->db, "UPDATE officer SET totp_enabled = false, totp_secret = NULL, "
	        "totp_pending = NULL WHERE id = $1", 1, p)) ||
	    !account_exec(r, db_query(r->app->db, "DELETE FROM officer_recovery WHERE officer_id = $1", 1, p)))
		return;
	audit_officer(r, "account.totp_off", "", "");
	a->totp_enabled = false;
	a->recovery_left = 0;
	account_page(r, 200, a, NULL, L(r, "Đã tắt xác thực hai bước.", "Two-step verification is off."));
}

/* action=recovery_new: a fresh set of recovery codes, the old ones void. */
static void
account_recovery_new(struct req *r, struct account *a)
{
	if (!account_code_checked(r, a, "new recovery codes"))
		return;
	audit_officer(r, "account.recovery_new", "", "");
	recovery_issue(r);
}

/* GET|POST /admin/account: the signed-in officer's own password, second
 * factor, recovery codes and sessions. Runs in the console transaction
 * (dispatcher: login, CSRF). Secret checks are rate-limited per officer
 * (429) and failures audited; wrong input answers 400/403 with the page
 * and the reason, never with what was typed. A form posted for a state
 * that has passed (no pending secret, no second factor) goes back to the
 * page. */
void
page_admin_account(struct req *r)
{
	enum { ANY, PENDING, ENABLED };   /* what an action needs of the account */
	static const struct {
		const char *action;
		int needs;
		void (*run)(struct req *, struct account *);
	} actions[] = {
		{ "password", ANY, account_password },
		{ "totp_setup", ANY, account_totp_setup },
		{ "totp_confirm", PENDING, account_totp_confirm },
		{ "totp_off", ENABLED, account_totp_off },
		{ "recovery_new", ENABLED, account_recovery_new },
	};
	struct account a;
	if (account_load(r, &a) != 0) {
		http_error(r, 503, MSG__MAX);
		return;
	}
	if (r->method != METHOD_POST) {
		account_page(r, 200, &a, NULL, NULL);
		return;
	}
	const char *action = kv_get_or_empty(&r->form, "action");
	for (size_t i = 0; i < sizeof(actions) / sizeof(actions[0]); i++) {
		if (strcmp(action, actions[i].action) != 0)
			continue;
		if ((actions[i].needs == PENDING && !a.has_pending) || (actions[i].needs == ENABLED && !a.totp_enabled))
			http_redirect(r, "/admin/account");
		else
			actions[i].run(r, &a);
		return;
	}
	http_error(r, 400, MSG__MAX);
}
