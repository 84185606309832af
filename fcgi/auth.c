/* auth.c: officer passwords (argon2id), login with throttling and lockout, sessions in a cookie stored hashed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libpq-fe.h>
#include <sodium.h>

#include "app.h"
#include "arena.h"
#include "auth.h"
#include "db.h"
#include "log.h"
#include "http.h"
#include "ratelimit.h"
#include "req.h"
#include "text.h"
#include "token.h"

#define SESSION_COOKIE "tn_session"
#define BROWSER_COOKIE "tn_browser"   /* random, per browser: binds the sign-in forms (login CSRF) */
#define DEVICE_COOKIE "tn_device"     /* given by a good sign-in: this browser is known for a username */
#define SIGNIN_COOKIE_ATTRS "; Path=/admin/login; HttpOnly; SameSite=Strict; Max-Age=31536000"
#define PASSWORD_MIN 10
#define PASSWORD_MAX 200

/* The passwords people pick first, in Vietnam and everywhere; any of these
 * (ignoring case) is refused. */
static const char *const common_passwords[] = {
	"1234567890", "12345678910", "0123456789", "1234567899", "0987654321", "1111111111",
	"123456789a", "123456789@", "12345678@", "abc1234567", "abcd123456", "qwertyuiop",
	"qwerty1234", "qwerty123456", "password", "password1", "password12", "password123",
	"passw0rd123", "p@ssw0rd123", "iloveyou12", "iloveyou123", "matkhau123", "matkhau1234",
	"matkhaumoi", "congdoan123", "congdoan2024", "congdoan2025", "congdoan2026", "vietnam123",
	"vietnam2024", "vietnam2025", "hanoi12345", "saigon1234", "anhyeuem123", "yeuemnhieu",
	"admin12345", "admin123456", "administrator", "welcome123", "letmein123", "football123",
	"1q2w3e4r5t", "1qaz2wsx3edc", "zaq12wsxcv", "aaaaaaaaaa", "asdfghjkl1", "asdfghjkl123",
	"tiengnoi123", "tiengnoi2026", "laichau123", "laichau2026", "0000000000", "9999999999",
	"1234512345", "abcdefghij", "changeme123", "trustno1234", "sunshine123", "princess123",
	NULL
};

/* Why a new password is refused, or MSG__MAX when it is acceptable. */
enum msg
auth_password_problem(const char *pw, const char *username)
{
	size_t n = text_length(pw);
	if (n < PASSWORD_MIN)
		return MSG_PASSWORD_SHORT;
	if (n > PASSWORD_MAX)
		return MSG_FIELD_TOO_LONG;
	for (int i = 0; common_passwords[i]; i++)
		if (strcasecmp(pw, common_passwords[i]) == 0)
			return MSG_PASSWORD_COMMON;
	if (username && strcasestr(pw, username) != NULL)
		return MSG_PASSWORD_COMMON;
	bool same = true;
	for (const char *p = pw + 1; *p && same; p++)
		same = *p == *pw;
	return same ? MSG_PASSWORD_COMMON : MSG__MAX;
}

/* argon2id with libsodium's interactive limits; 0 on success. */
int
auth_hash_password(const char *pw, char out[AUTH_HASH_MAX])
{
	return crypto_pwhash_str_alg(out, pw, strlen(pw), crypto_pwhash_OPSLIMIT_INTERACTIVE,
	    crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13);
}

bool
auth_check_password(const char *hash, const char *pw)
{
	return crypto_pwhash_str_verify(hash, pw, strlen(pw)) == 0;
}

/* Spends the time a real check costs, so an unknown user answers as slowly
 * as a known one. */
static void
auth_dummy_check(const char *pw)
{
	static char dummy[AUTH_HASH_MAX];
	if (dummy[0] == '\0' && auth_hash_password("tiengnoi-no-such-user", dummy) != 0)
		return;
	(void)auth_check_password(dummy, pw);
}

static void
token_hash(const struct keys *k, const char *token, unsigned char out[32])
{
	crypto_generichash(out, 32, (const unsigned char *)token, strlen(token), k->session, sizeof(k->session));
}

/* Writes an audit row: officer and unit may be NULL; the detail is cut to
 * what the table takes. Failures are logged, never hidden from the log. */
void
audit(struct req *r, const char *officer_id, const char *unit_id, const char *action, const char *object,
    const char *detail)
{
	char cut[2001];
	snprintf(cut, sizeof(cut), "%s", detail ? detail : "");
	while (strlen(cut) > 0 && !text_valid_utf8(cut, strlen(cut)))
		cut[strlen(cut) - 1] = '\0';
	const char *params[5] = { officer_id, unit_id, action, object ? object : "", cut };
	PGresult *res = db_run(r->app->db, STMT_AUDIT, params, NULL, NULL);
	if (res == NULL || !db_ok(res))
		log_warn("audit %s failed: %s", action, res ? db_sqlstate(res) : "no database");
	PQclear(res);
}

void
audit_officer(struct req *r, const char *action, const char *object, const char *detail)
{
	audit(r, r->officer ? r->officer->id : NULL, r->officer ? r->officer->unit_id : NULL, action, object, detail);
}

/* A lookup that must find exactly one row: AUTH_OK (the caller reads
 * and clears `res`), else `res` is cleared and the answer is AUTH_DB_DOWN
 * (no result, or an error) or AUTH_FAILED (no such row). */
static enum auth_result
one_row(PGresult *res)
{
	if (res != NULL && db_ok(res) && PQntuples(res) == 1)
		return AUTH_OK;
	bool down = res == NULL || !db_ok(res);
	PQclear(res);
	return down ? AUTH_DB_DOWN : AUTH_FAILED;
}

/* This browser's sign-in cookie (64 hex digits), or NULL without a
 * well-formed one; with `set`, a missing one is made and sent. The
 * sign-in forms' tokens are bound to it, so another site cannot post a
 * login form (its token belongs to a cookie the victim's browser lacks). */
const char *
auth_browser(struct req *r, bool set)
{
	const char *v = kv_get(&r->cookies, BROWSER_COOKIE);
	if (v != NULL && strlen(v) == 64 && strspn(v, "0123456789abcdef") == 64)
		return v;
	if (!set)
		return NULL;
	unsigned char raw[32];
	char *hex = arena_alloc(r->arena, 65);
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2hex(hex, 65, raw, sizeof(raw));
	http_header(r, arena_printf(r->arena, "Set-Cookie: " BROWSER_COOKIE "=%s" SIGNIN_COOKIE_ATTRS "%s", hex,
	    r->https ? "; Secure" : ""));
	return hex;
}

/* The keyed MAC (32 hex digits) that makes `nonce` a known-browser
 * cookie for `username`. */
static void
device_mac(const struct keys *k, const char *username, const char *nonce, char out[33])
{
	unsigned char mac[16];
	crypto_generichash_state st;
	crypto_generichash_init(&st, k->session, sizeof(k->session), sizeof(mac));
	crypto_generichash_update(&st, (const unsigned char *)"device|", 7);
	crypto_generichash_update(&st, (const unsigned char *)username, strlen(username) + 1);   /* with its NUL: no ambiguity */
	crypto_generichash_update(&st, (const unsigned char *)nonce, strlen(nonce));
	crypto_generichash_final(&st, mac, sizeof(mac));
	sodium_bin2hex(out, 33, mac, sizeof(mac));
}

/* The known-browser cookie when a good sign-in as `username` gave it to
 * this browser, else NULL (absent, forged, or another username's). */
static const char *
device_of(struct req *r, const char *username)
{
	const char *v = kv_get(&r->cookies, DEVICE_COOKIE);
	if (v == NULL || strlen(v) != 65 || v[32] != '.')
		return NULL;
	char nonce[33], want[33];
	memcpy(nonce, v, 32);
	nonce[32] = '\0';
	device_mac(r->app->keys, username, nonce, want);
	return sodium_memcmp(v + 33, want, 32) == 0 ? v : NULL;
}

/* After a good password: this browser becomes known for `username`
 * (a new cookie each time). Send it after the session cookie. */
void
auth_device_give(struct req *r, const char *username)
{
	unsigned char raw[16];
	char nonce[33], mac[33];
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2hex(nonce, sizeof(nonce), raw, sizeof(raw));
	device_mac(r->app->keys, username, nonce, mac);
	http_header(r, arena_printf(r->arena, "Set-Cookie: " DEVICE_COOKIE "=%s.%s" SIGNIN_COOKIE_ATTRS "%s", nonce, mac,
	    r->https ? "; Secure" : ""));
}

/* Checks a username and password. AUTH_OK sets *officer_id (arena) and
 * *totp; every failure looks the same to the person typing. Unknown
 * users cost the same time.
 * Lockout: from a browser that signed in as this username before (its
 * tn_device cookie), five wrong passwords in a row lock that browser
 * alone for 15 minutes (in memory, keyed also by the password hash so a
 * reset frees it), and the account's shared lock is ignored: a stranger
 * who types wrong passwords cannot keep the officer out. From any other
 * browser, five failures lock the account for every other browser for
 * 15 minutes (officer.locked_until), as before. */
enum auth_result
auth_login(struct req *r, const char *username, const char *password, const char **officer_id, bool *totp)
{
	const char *device = device_of(r, username);
	const char *throttle = device ? device : username;
	if (ratelimit_hit(RL_LOGIN, throttle, strlen(throttle))) {
		auth_dummy_check(password);
		return AUTH_THROTTLED;
	}
	const char *p[1] = { username };
	PGresult *res = db_run(r->app->db, STMT_OFFICER_BY_USERNAME, p, NULL, NULL);
	enum auth_result found = one_row(res);
	if (found == AUTH_DB_DOWN)
		return found;
	if (found != AUTH_OK) {
		auth_dummy_check(password);
		audit(r, NULL, NULL, "login.unknown", "", username);
		return AUTH_FAILED;
	}
	char *id = arena_strdup(r->arena, PQgetvalue(res, 0, OBU_ID));
	char *unit = arena_strdup(r->arena, PQgetvalue(res, 0, OBU_UNIT));
	bool disabled = PQgetvalue(res, 0, OBU_DISABLED)[0] == 't', locked = PQgetvalue(res, 0, OBU_LOCKED)[0] == 't';
	const char *lock_key = device ? arena_printf(r->arena, "%s|%s", device, PQgetvalue(res, 0, OBU_HASH)) : NULL;
	if (lock_key)
		locked = ratelimit_locked(RL_LOGIN_DEVICE, lock_key, strlen(lock_key));
	bool ok = auth_check_password(PQgetvalue(res, 0, OBU_HASH), password);
	*totp = PQgetvalue(res, 0, OBU_TOTP)[0] == 't';
	PQclear(res);
	const char *pid[1] = { id };
	if (!ok || disabled || locked) {
		if (!ok && lock_key)
			ratelimit_failed(RL_LOGIN_DEVICE, lock_key, strlen(lock_key));
		else if (!ok)
			PQclear(db_run(r->app->db, STMT_LOGIN_FAILED, pid, NULL, NULL));
		audit(r, id, unit, "login.failed", "", !ok ? "wrong password" : disabled ? "account disabled" :
		    lock_key ? "browser locked" : "account locked");
		return AUTH_FAILED;
	}
	if (lock_key)
		ratelimit_cleared(RL_LOGIN_DEVICE, lock_key, strlen(lock_key));
	/* with a second factor the failure count is cleared only by a good code,
	 * or knowing the password would reset the lockout every four tries */
	if (!*totp)
		PQclear(db_run(r->app->db, STMT_LOGIN_OK, pid, NULL, NULL));
	audit(r, id, unit, *totp ? "login.password" : "login", "", "");
	*officer_id = id;
	return AUTH_OK;
}

/* Starts a session: a random 256-bit token in an HttpOnly, SameSite=Strict
 * cookie (Secure over TLS); only its keyed hash is stored. 0 on success. */
int
auth_session_start(struct req *r, const char *officer_id, bool mfa_pending)
{
	unsigned char raw[32], hash[32], csrf_raw[32];
	char token[65], csrf[65];
	randombytes_buf(raw, sizeof(raw));
	randombytes_buf(csrf_raw, sizeof(csrf_raw));
	sodium_bin2hex(token, sizeof(token), raw, sizeof(raw));
	sodium_bin2hex(csrf, sizeof(csrf), csrf_raw, sizeof(csrf_raw));
	token_hash(r->app->keys, token, hash);
	const char *params[4] = { (const char *)hash, officer_id, csrf, mfa_pending ? "t" : "f" };
	const int lengths[4] = { 32, 0, 0, 0 }, binary[4] = { 1, 0, 0, 0 };
	PGresult *res = db_run(r->app->db, STMT_SESSION_CREATE, params, lengths, binary);
	bool ok = res != NULL && db_ok(res);
	PQclear(res);
	if (!ok)
		return -1;
	http_header(r, arena_printf(r->arena, "Set-Cookie: " SESSION_COOKIE "=%s; Path=/; HttpOnly; SameSite=Strict%s",
	    token, r->https ? "; Secure" : ""));
	return 0;
}

static bool
cookie_token(struct req *r, unsigned char hash[32])
{
	const char *t = kv_get(&r->cookies, SESSION_COOKIE);
	if (t == NULL || strlen(t) != 64)
		return false;
	token_hash(r->app->keys, t, hash);
	return true;
}

/* Loads the session named by the cookie into r->officer. AUTH_OK when
 * signed in; AUTH_MFA_PENDING when only the password was given;
 * AUTH_FAILED when there is no live session. */
enum auth_result
auth_session_load(struct req *r)
{
	unsigned char hash[32];
	if (!cookie_token(r, hash))
		return AUTH_FAILED;
	const char *p[1] = { (const char *)hash };
	const int l[1] = { 32 }, b[1] = { 1 };
	PGresult *res = db_run(r->app->db, STMT_SESSION_LOAD, p, l, b);
	enum auth_result found = one_row(res);
	if (found != AUTH_OK)
		return found;
	struct officer *o = arena_alloc(r->arena, sizeof(*o));
	o->id = arena_strdup(r->arena, PQgetvalue(res, 0, SL_ID));
	o->username = arena_strdup(r->arena, PQgetvalue(res, 0, SL_USERNAME));
	o->display_name = arena_strdup(r->arena, PQgetvalue(res, 0, SL_DISPLAY_NAME));
	o->unit_id = arena_strdup(r->arena, PQgetvalue(res, 0, SL_UNIT_ID));
	o->unit_path = arena_strdup(r->arena, PQgetvalue(res, 0, SL_UNIT_PATH));
	o->unit_name = arena_strdup(r->arena, PQgetvalue(res, 0, SL_UNIT_NAME));
	const char *role = PQgetvalue(res, 0, SL_ROLE);
	o->role = strcmp(role, "admin") == 0 ? ROLE_ADMIN : strcmp(role, "officer") == 0 ? ROLE_OFFICER : ROLE_VIEWER;
	o->csrf = arena_strdup(r->arena, PQgetvalue(res, 0, SL_CSRF));
	o->totp_enabled = PQgetvalue(res, 0, SL_TOTP)[0] == 't';
	bool pending = PQgetvalue(res, 0, SL_MFA_PENDING)[0] == 't', stale = PQgetvalue(res, 0, SL_STALE)[0] == 't';
	PQclear(res);
	r->officer = o;
	if (stale)   /* keep the idle clock right without a write on every click */
		PQclear(db_run(r->app->db, STMT_SESSION_TOUCH, p, l, b));
	return pending ? AUTH_MFA_PENDING : AUTH_OK;
}

/* The second factor was given: the session becomes a full one. */
int
auth_session_complete(struct req *r)
{
	unsigned char hash[32];
	if (!cookie_token(r, hash))
		return -1;
	const char *p[1] = { (const char *)hash };
	const int l[1] = { 32 }, b[1] = { 1 };
	PGresult *res = db_run(r->app->db, STMT_SESSION_MFA_DONE, p, l, b);
	bool ok = res != NULL && db_ok(res);
	PQclear(res);
	return ok ? 0 : -1;
}

/* Ends this session (everywhere: all of the officer's sessions) and
 * clears the cookie. */
void
auth_logout(struct req *r, bool everywhere)
{
	unsigned char hash[32];
	if (everywhere && r->officer) {
		const char *p[1] = { r->officer->id };
		PQclear(db_run(r->app->db, STMT_SESSION_DELETE_ALL, p, NULL, NULL));
	} else if (cookie_token(r, hash)) {
		const char *p[1] = { (const char *)hash };
		const int l[1] = { 32 }, b[1] = { 1 };
		PQclear(db_run(r->app->db, STMT_SESSION_DELETE, p, l, b));
	}
	http_header(r, "Set-Cookie: " SESSION_COOKIE "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
}

/* Where to go after signing in: `next` when it is a console path, else
 * "/admin/" -- never another site, never back to a login page. */
const char *
auth_safe_next(const char *next)
{
	if (next == NULL || strncmp(next, "/admin", 6) != 0 || strstr(next, "//") != NULL ||
	    strpbrk(next, "\\\r\n") != NULL || strncmp(next, "/admin/login", 12) == 0)
		return "/admin/";
	return next;
}

/* Constant-time comparison of the form's _csrf with the session's. */
bool
auth_csrf_ok(const struct req *r, const char *sent)
{
	if (r->officer == NULL || sent == NULL || strlen(sent) != strlen(r->officer->csrf))
		return false;
	return sodium_memcmp(sent, r->officer->csrf, strlen(sent)) == 0;
}

/* True when the officer's unit or one above it requires the second
 * factor and this officer has none yet: every console page but
 * the enrolment routes (ROUTE_ENROL: /admin/account, signing out) should
 * then send them there to enrol.
 * Works inside or outside the console transaction; false when the
 * database cannot say (the request fails on its next statement anyway). */
bool
auth_needs_totp(struct req *r)
{
	if (r->officer == NULL || r->officer->totp_enabled)
		return false;
	const char *p[1] = { r->officer->unit_path };
	PGresult *res = db_run(r->app->db, STMT_UNIT_REQUIRES_TOTP, p, NULL, NULL);
	const char *v = db_scalar(res);
	bool need = v && v[0] == 't';
	PQclear(res);
	return need;
}
