/* page_admin_tokens.c: /admin/tokens: the read API's tokens an officer may see (their own; an admin also their subtree's officers') and revoking one. */
#include <string.h>
#include <libpq-fe.h>

#include "app.h"
#include "arena.h"
#include "auth.h"
#include "db.h"
#include "html.h"
#include "http.h"
#include "i18n.h"
#include "page_admin.h"
#include "req.h"
#include "vocab.h"

static const struct console_notice notices[] = {
	{ "revoked", "Đã thu hồi khóa API; khóa ngừng hoạt động ngay.", "The API token was revoked; it stops working at once." },
	{ "already", "Khóa API này đã bị thu hồi trước đó.", "This API token was already revoked." },
};

/* The columns of the list's query. */
enum token_col { TC_ID, TC_PREFIX, TC_OFFICER, TC_NAME, TC_CREATED, TC_EXPIRES, TC_STATE, TC_USED };

/* A token's states, as the list's query names them. */
static const struct vocab token_states[] = {
	{ "revoked", "Đã thu hồi", "Revoked" },
	{ "expired", "Hết hạn", "Expired" },
	{ "disabled", "Cán bộ bị khóa", "Officer disabled" },
	{ "active", "Đang dùng", "Active" },
};

/* GET /admin/tokens: the tokens this officer may see, newest first, each
 * active one with its revoke button. The token itself is never shown:
 * only its prefix, as `api-token list` prints it. */
void
page_admin_tokens(struct req *r)
{
	struct buf *b = r->out;
	const char *p[3] = { r->officer->id, r->officer->role == ROLE_ADMIN ? "t" : "f", r->officer->unit_path };
	/* own tokens, or an admin's subtree; row-level security (sql/032) says the same again */
	PGresult *res = db_query(r->app->db,
	    "SELECT t.id, t.prefix, o.username, t.name, "
	    "to_char(t.created_at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'DD/MM/YYYY HH24:MI'), "
	    "coalesce(to_char(t.expires_at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'DD/MM/YYYY HH24:MI'), '—'), "
	    "CASE WHEN t.revoked_at IS NOT NULL THEN 'revoked' WHEN t.expires_at <= now() THEN 'expired' "
	    "     WHEN o.disabled_at IS NOT NULL THEN 'disabled' ELSE 'active' END, "
	    "coalesce(to_char(t.last_used_at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'DD/MM/YYYY HH24:MI'), '—') "
	    "FROM api_token t JOIN officer o ON o.id = t.officer_id JOIN org_unit u ON u.id = o.unit_id "
	    "WHERE t.officer_id = $1::bigint OR ($2 = 't' AND u.path LIKE $3 || '%') "
	    "ORDER BY t.revoked_at IS NOT NULL, t.id DESC LIMIT 500", 3, p);
	if (!console_page_rows(r, res, "tokens", 200, L(r, "Khóa API", "API tokens")))
		return;
	console_notice(r, notices, sizeof(notices) / sizeof(notices[0]));
	console_para(r, L(r, "Khóa API cho phép hệ thống khác của Liên đoàn đọc phản ánh, vụ việc và thống kê (/api/v1/) "
	    "với đúng phạm vi và quyền của cán bộ sở hữu khóa; không bao giờ gồm thông tin liên hệ. Quản trị viên tạo khóa "
	    "bằng lệnh «tiengnoi-admin api-token create»; khóa chỉ hiện một lần khi tạo.",
	    "API tokens let the federation's other systems read reports, cases and statistics (/api/v1/) with exactly "
	    "the scope and role of the officer who owns the token; contact details are never included. An operator "
	    "creates one with \"tiengnoi-admin api-token create\"; a token is shown only once, when created."));
	static const struct console_label cols[] = {
		{ "Khóa", "Token" }, { "Cán bộ", "Officer" }, { "Tên", "Name" }, { "Tạo lúc", "Created" },
		{ "Hết hạn", "Expires" }, { "Trạng thái", "State" }, { "Dùng lần cuối", "Last used" }, { "Thu hồi", "Revoke" },
	};
	if (console_table(r, PQntuples(res), "<table class=\"queue\" id=\"tokens\">", cols, sizeof(cols) / sizeof(cols[0]),
	    "Chưa có khóa API nào.", "No API tokens yet.")) {
		for (int i = 0; i < PQntuples(res); i++) {
			const char *id = PQgetvalue(res, i, TC_ID), *state = PQgetvalue(res, i, TC_STATE);
			const struct kv data[] = { { "token", id, 0 }, { "state", state, 0 } };
			console_tr(r, NULL, data, 2);
			console_wrap(r, "<td><code>",
			    arena_printf(r->arena, "tn_%s_…", PQgetvalue(res, i, TC_PREFIX)), "</code></td>");
			console_td(r, PQgetvalue(res, i, TC_OFFICER));
			console_td(r, PQgetvalue(res, i, TC_NAME));
			console_td(r, PQgetvalue(res, i, TC_CREATED));
			console_td(r, PQgetvalue(res, i, TC_EXPIRES));
			console_td(r, vocab_label(token_states, sizeof(token_states) / sizeof(token_states[0]), state, r->lang));
			console_td(r, PQgetvalue(res, i, TC_USED));
			html_lit(b, "<td>");
			if (strcmp(state, "revoked") != 0) {
				html_form_begin(r, arena_printf(r->arena, "/admin/tokens/%s", id), "inline");
				console_submit(r, "btn danger", "Thu hồi", "Revoke");
			}
			html_lit(b, "</td></tr>");
		}
		html_lit(b, "</tbody></table>");
	}
	PQclear(res);
	console_end(r);
}

/* POST /admin/tokens/ID (CSRF checked by the route): revokes a token this
 * officer may see, at once and audited; 404 for any other, as absent. */
void
page_admin_token_revoke(struct req *r)
{
	const char *id = r->id[0];
	enum { RV_REVOKED_NOW, RV_OWNER };
	const char *p[4] = { id, r->officer->id, r->officer->role == ROLE_ADMIN ? "t" : "f", r->officer->unit_path };
	PGresult *res = db_query(r->app->db,
	    "WITH t AS (SELECT t.id, t.revoked_at, o.username FROM api_token t JOIN officer o ON o.id = t.officer_id "
	    "           JOIN org_unit u ON u.id = o.unit_id "
	    "           WHERE t.id = $1::bigint AND (t.officer_id = $2::bigint OR ($3 = 't' AND u.path LIKE $4 || '%')) "
	    "           FOR UPDATE OF t), "
	    "up AS (UPDATE api_token a SET revoked_at = now(), revoked_by = $2::bigint FROM t "
	    "       WHERE a.id = t.id AND t.revoked_at IS NULL RETURNING a.id) "
	    "SELECT EXISTS (SELECT 1 FROM up), t.username FROM t", 4, p);
	if (console_query_failed(r, res, "token revoke"))
		return;
	if (PQntuples(res) != 1) {
		PQclear(res);
		http_error(r, 404, MSG__MAX);
		return;
	}
	bool now = PQgetvalue(res, 0, RV_REVOKED_NOW)[0] == 't';
	const char *owner = arena_strdup(r->arena, PQgetvalue(res, 0, RV_OWNER));
	PQclear(res);
	if (now)
		audit_officer(r, "api_token.revoke", arena_printf(r->arena, "api_token:%s", id), arena_printf(r->arena, "of %s", owner));
	http_redirect(r, now ? "/admin/tokens?done=revoked" : "/admin/tokens?done=already");
}
