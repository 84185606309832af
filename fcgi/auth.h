/* auth.h: officer passwords, login, sessions, CSRF, audit rows. */
#ifndef TIENGNOI_AUTH_H
#define TIENGNOI_AUTH_H
#include "app.h"
#include "i18n.h"

#define AUTH_HASH_MAX 128   /* crypto_pwhash_STRBYTES */

enum auth_result { AUTH_OK, AUTH_FAILED, AUTH_THROTTLED, AUTH_MFA_PENDING, AUTH_DB_DOWN };

enum msg auth_password_problem(const char *pw, const char *username);
int auth_hash_password(const char *pw, char out[AUTH_HASH_MAX]);
bool auth_check_password(const char *hash, const char *pw);
enum auth_result auth_login(struct req *, const char *username, const char *password, const char **officer_id, bool *totp);
const char *auth_browser(struct req *, bool set);
void auth_device_give(struct req *, const char *username);
int auth_session_start(struct req *, const char *officer_id, bool mfa_pending);
enum auth_result auth_session_load(struct req *);
int auth_session_complete(struct req *);
void auth_logout(struct req *, bool everywhere);
bool auth_needs_totp(struct req *);
bool auth_csrf_ok(const struct req *, const char *sent);
const char *auth_safe_next(const char *next);
void audit(struct req *, const char *officer_id, const char *unit_id, const char *action, const char *object, const char *detail);
void audit_officer(struct req *, const char *action, const char *object, const char *detail);

#endif
