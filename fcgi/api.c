/* api.c: the read API's frame: signing a call in with its token, the per-token limit, one audit row per call, JSON answers and errors, query parameters. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <jansson.h>
#include <libpq-fe.h>

#include "api.h"
#include "apitoken.h"
#include "arena.h"
#include "auth.h"
#include "db.h"
#include "http.h"
#include "log.h"
#include "ratelimit.h"
#include "req.h"
#include "text.h"

#define API_JSON "application/json; charset=utf-8"

/* Sends `doc` (reference taken) as the 200 answer; 500 when it cannot be
 * written. */
void
api_reply(struct req *r, json_t *doc)
{
	char *s = doc ? json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
	json_decref(doc);
	if (s == NULL) {
		api_error(r, 500, "internal", NULL, "the answer could not be written");
		return;
	}
	http_reply(r, API_JSON, s, strlen(s));
	free(s);
}

/* Answers `status` with {"error": code, "message": ..., "parameter": name}
 * (parameter only when one is to blame), replacing anything built before. */
void
api_error(struct req *r, int status, const char *code, const char *param, const char *message)
{
	json_t *e = json_pack("{s:s, s:s}", "error", code, "message", message);
	if (e && param)
		json_object_set_new(e, "parameter", json_string(param));
	char *s = e ? json_dumps(e, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
	json_decref(e);
	static const char fallback[] = "{\"error\":\"internal\",\"message\":\"out of memory\"}";
	http_reply(r, API_JSON, s ? s : fallback, s ? strlen(s) : strlen(fallback));
	free(s);
	r->status = status;
	if (status == 401)
		http_header(r, "WWW-Authenticate: Bearer realm=\"tiengnoi\", error=\"invalid_token\"");
	if (status == 503)
		http_header(r, "Retry-After: 5");
}

/* The dispatcher's answer for an /api/ path no row serves: 404, or 405
 * when rows exist for other methods (every API row is GET). */
void
api_not_routed(struct req *r, bool path_known)
{
	if (path_known) {
		api_error(r, 405, "method_not_allowed", NULL, "only GET is served here");
		http_header(r, "Allow: GET, HEAD");
	} else {
		api_error(r, 404, "not_found", NULL, "no such endpoint (see docs/api.yaml)");
	}
}

/* The token of "Authorization: Bearer TOKEN", or NULL. */
static const char *
bearer(const struct req *r)
{
	const char *h = r->authorization;
	if (h == NULL || strncasecmp(h, "Bearer ", 7) != 0)
		return NULL;
	h += 7;
	while (*h == ' ')
		h++;
	return h;
}

/* The columns of the token lookup. */
enum token_col {
	TK_ID, TK_HASH, TK_REVOKED, TK_EXPIRED, TK_STALE, TK_OFFICER, TK_USERNAME, TK_DISPLAY, TK_UNIT_ID, TK_UNIT_PATH,
	TK_UNIT_NAME, TK_ROLE, TK_DISABLED, TK_TOTP, TK__MAX
};

/* Signs an API call in: the bearer token must exist, match its stored hash,
 * be neither revoked nor expired, and belong to an officer not disabled;
 * the officer's role and unit are read now, so changes apply at once. Sets
 * r->officer and *token_id (arena). false after answering 401 (any of
 * those: one answer for all, the reason only in the audit row), 429 (the
 * token's calls per minute) or 503. */
bool
api_enter(struct req *r, const char **token_id)
{
	char prefix[APITOKEN_PREFIX_LEN + 1];
	const char *token = bearer(r);
	if (!db_ready(r->app->db)) {
		api_error(r, 503, "unavailable", NULL, "the database is away; try again shortly");
		return false;
	}
	if (token == NULL || !apitoken_parse(token, prefix)) {
		api_error(r, 401, "unauthorized", NULL, "an API token is needed: Authorization: Bearer tn_…");
		return false;
	}
	if (ratelimit_hit(RL_API, prefix, strlen(prefix))) {
		api_error(r, 429, "too_many_requests", NULL, "too many calls with this token; wait and retry");
		http_header(r, arena_printf(r->arena, "Retry-After: %ld", ratelimit_retry_after(RL_API)));
		return false;
	}
	const char *p[1] = { prefix };
	PGresult *res = db_query_bin(r->app->db, "SELECT t.id::text, t.hash, t.revoked_at IS NOT NULL, "
	    "coalesce(t.expires_at <= now(), false), t.last_used_at IS NULL OR t.last_used_at < now() - interval '1 minute', "
	    "o.id::text, o.username, o.display_name, o.unit_id::text, u.path, u.name, o.role, o.disabled_at IS NOT NULL, "
	    "o.totp_enabled FROM api_token t JOIN officer o ON o.id = t.officer_id JOIN org_unit u ON u.id = o.unit_id "
	    "WHERE t.prefix = $1", 1, p);
	if (res == NULL || !db_ok(res) || (PQntuples(res) == 1 && PQnfields(res) != TK__MAX)) {
		if (res)
			log_warn("api: token lookup failed: SQLSTATE %s", db_sqlstate(res));
		PQclear(res);
		api_error(r, 503, "unavailable", NULL, "the database is away; try again shortly");
		return false;
	}
	if (PQntuples(res) != 1) {
		PQclear(res);
		api_error(r, 401, "unauthorized", NULL, "the API token is not valid");
		return false;
	}
	/* binary results: booleans are one byte, texts as they are */
	const char *v[TK__MAX];
	for (int c = 0; c < TK__MAX; c++)
		v[c] = c == TK_HASH ? NULL : arena_strndup(r->arena, PQgetvalue(res, 0, c), (size_t)PQgetlength(res, 0, c));
	bool match = apitoken_matches(token, PQgetvalue(res, 0, TK_HASH), (size_t)PQgetlength(res, 0, TK_HASH));
	bool revoked = v[TK_REVOKED][0] == 1, expired = v[TK_EXPIRED][0] == 1, disabled = v[TK_DISABLED][0] == 1;
	bool stale = v[TK_STALE][0] == 1;
	PQclear(res);
	const char *why = !match ? "wrong secret" : revoked ? "revoked" : expired ? "expired" : disabled ? "officer disabled" : NULL;
	if (why != NULL) {
		audit(r, v[TK_OFFICER], v[TK_UNIT_ID], "api.denied", arena_printf(r->arena, "api_token:%s", v[TK_ID]), why);
		api_error(r, 401, "unauthorized", NULL, "the API token is not valid");
		return false;
	}
	if (stale) {   /* the console's "last used", to the minute, without a write on every call */
		const char *tp[1] = { v[TK_ID] };
		PQclear(db_query(r->app->db, "UPDATE api_token SET last_used_at = now() WHERE id = $1::bigint", 1, tp));
	}
	struct officer *o = arena_alloc(r->arena, sizeof(*o));
	*o = (struct officer){
		.id = v[TK_OFFICER], .username = v[TK_USERNAME], .display_name = v[TK_DISPLAY], .unit_id = v[TK_UNIT_ID],
		.unit_path = v[TK_UNIT_PATH], .unit_name = v[TK_UNIT_NAME], .csrf = "", .totp_enabled = v[TK_TOTP][0] == 1,
		.role = strcmp(v[TK_ROLE], "admin") == 0 ? ROLE_ADMIN : strcmp(v[TK_ROLE], "officer") == 0 ? ROLE_OFFICER : ROLE_VIEWER,
	};
	r->officer = o;
	*token_id = v[TK_ID];
	return true;
}

/* One audit row for the call, in its transaction: the method, path and
 * query (cut to what the column takes) and the status. A call that failed
 * with 5xx is rolled back, its row with it; the log has the failure. */
void
api_audit(struct req *r, const char *token_id)
{
	if (r->status >= 500)
		return;
	audit_officer(r, "api.call", arena_printf(r->arena, "api_token:%s", token_id),
	    arena_printf(r->arena, "%d %s %s%s%s", r->status, r->method == METHOD_HEAD ? "HEAD" : "GET", r->path,
	    *r->query ? "?" : "", r->query));
}

/* Checks the query's parameter names against `allowed` (NULL-terminated):
 * false after a 400 naming the first unknown or repeated one. */
bool
api_params(struct req *r, const char *const *allowed)
{
	for (size_t i = 0; i < r->args.n; i++) {
		const char *k = r->args.items[i].key;
		bool known = false;
		for (size_t j = 0; allowed[j] && !known; j++)
			known = strcmp(k, allowed[j]) == 0;
		if (!known) {
			api_error(r, 400, "bad_parameter", k, "unknown parameter");
			return false;
		}
		if (kv_count(&r->args, k) > 1) {
			api_error(r, 400, "bad_parameter", k, "given more than once");
			return false;
		}
	}
	return true;
}

/* ?limit=: 1 to API_LIMIT_MAX rows, API_LIMIT_DEFAULT when absent; false
 * after a 400 naming it. */
bool
api_limit(struct req *r, long *limit)
{
	const char *v = kv_get(&r->args, "limit");
	*limit = API_LIMIT_DEFAULT;
	if (v == NULL)
		return true;
	if (strlen(v) == 0 || strlen(v) > 9 || strspn(v, "0123456789") != strlen(v) || atol(v) < 1) {
		api_error(r, 400, "bad_parameter", "limit", "a whole number of rows from 1 to 500");
		return false;
	}
	if (atol(v) > API_LIMIT_MAX) {
		api_error(r, 400, "bad_parameter", "limit", "over the limit of 500 rows a page");
		return false;
	}
	*limit = atol(v);
	return true;
}

/* The first `n` rows' column `item_col` (each a JSON object PostgreSQL
 * built) as a JSON array; NULL when one does not parse. */
json_t *
api_rows_json(struct req *r, PGresult *res, int item_col, int n)
{
	(void)r;
	json_t *a = json_array();
	for (int i = 0; a && i < n && i < PQntuples(res); i++) {
		json_error_t err;
		json_t *o = json_loads(PQgetvalue(res, i, item_col), 0, &err);
		if (o == NULL || json_array_append_new(a, o) != 0) {
			log_bug("api: a row's JSON does not parse: %s", err.text);
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

/* Ends a call whose query failed: false when `res` holds rows (nothing
 * answered, the caller goes on); otherwise logs the SQLSTATE under
 * "api: WHAT", frees `res`, answers 503 and returns true. */
bool
api_db_failed(struct req *r, PGresult *res, const char *what)
{
	if (res != NULL && db_ok(res))
		return false;
	if (res)
		log_warn("api: %s: SQLSTATE %s", what, db_sqlstate(res));
	PQclear(res);
	api_error(r, 503, "unavailable", NULL, "the database is away; try again shortly");
	return true;
}

/* Answers one page of a list, {"items": [...], "next": cursor or null},
 * from `res` holding up to limit + 1 rows (one more than asked says that
 * another page follows; its cursor is column `next_col` of the page's last
 * row). Frees `res`; 500 when a row's JSON does not parse. */
void
api_page(struct req *r, PGresult *res, int item_col, int next_col, long limit)
{
	json_t *items = api_rows_json(r, res, item_col, (int)limit);
	json_t *next = PQntuples(res) > limit ? json_string(PQgetvalue(res, (int)limit - 1, next_col)) : json_null();
	PQclear(res);
	if (items == NULL) {
		json_decref(next);
		api_error(r, 500, "internal", NULL, "a row could not be read");
		return;
	}
	api_reply(r, json_pack("{s:o, s:o}", "items", items, "next", next));
}
