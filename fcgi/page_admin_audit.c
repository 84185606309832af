/* page_admin_audit.c: /admin/audit: the audit log of the admin's subtree, newest first, with the hash chain's quick check. */
#include <string.h>
#include <libpq-fe.h>

#include "app.h"
#include "arena.h"
#include "buf.h"
#include "console.h"
#include "db.h"
#include "fmt.h"
#include "html.h"
#include "http.h"
#include "i18n.h"
#include "log.h"
#include "page_admin.h"
#include "req.h"

#define AUDIT_ROWS 50
#define AUDIT_QUICK_CHECK 200

/* The banner: the newest rows' linkage checked in PostgreSQL, and the way
 * to check the whole chain. */
static void
chain_banner(struct req *r)
{
	struct buf *b = r->out;
	const char *p[1] = { arena_printf(r->arena, "%d", AUDIT_QUICK_CHECK) };
	enum { C_CHECKED, C_BROKEN_ID, C_PROBLEM };
	PGresult *res = db_query(r->app->db, "SELECT checked, coalesce(broken_id::text, ''), coalesce(problem, '') "
	    "FROM audit_recent_check($1::integer)", 1, p);
	if (res == NULL || !db_ok(res) || PQntuples(res) != 1) {
		if (res)
			log_warn("audit check: SQLSTATE %s", db_sqlstate(res));
		html_lit(b, "<p class=\"alert\" role=\"alert\" id=\"chain\" data-chain=\"unknown\">");
		html_text(b, L(r, "Không kiểm tra được chuỗi nhật ký lúc này.", "The log chain could not be checked just now."));
	} else if (*PQgetvalue(res, 0, C_BROKEN_ID)) {
		bool edited = strcmp(PQgetvalue(res, 0, C_PROBLEM), "edited") == 0;
		html_lit(b, "<p class=\"alert\" role=\"alert\" id=\"chain\" data-chain=\"broken\" data-row=\"");
		html_attr(b, PQgetvalue(res, 0, C_BROKEN_ID));
		html_lit(b, "\">");
		const char *row = PQgetvalue(res, 0, C_BROKEN_ID);
		if (r->lang == LANG_EN)
			html_text(b, arena_printf(r->arena, edited ? "WARNING: audit row #%s was changed after it was written "
			    "(its hash does not match its content)." : "WARNING: audit row #%s does not follow the row before it: "
			    "a row was deleted or rewritten.", row));
		else
			html_text(b, arena_printf(r->arena, edited ? "CẢNH BÁO: dòng nhật ký #%s đã bị sửa sau khi ghi "
			    "(mã băm không khớp nội dung)." : "CẢNH BÁO: dòng nhật ký #%s không nối tiếp dòng trước nó: "
			    "có dòng đã bị xóa hoặc ghi lại.", row));
	} else {
		html_lit(b, "<p class=\"note\" role=\"status\" id=\"chain\" data-chain=\"ok\">");
		html_text(b, arena_printf(r->arena, r->lang == LANG_EN ? "The newest %s audit rows (whole system) link up correctly." :
		    "%s dòng nhật ký mới nhất (toàn hệ thống) nối tiếp nhau đúng.", PQgetvalue(res, 0, C_CHECKED)));
	}
	PQclear(res);
	console_wrap(r, " ",
	    L(r, "Kiểm tra toàn bộ chuỗi trên máy chủ:", "To check the whole chain, on the server run:"),
	    " <code>tiengnoi-admin audit verify</code></p>");
}

/* The list's columns. */
static const struct console_label audit_heads[] = {
	{ "#", "#" }, { "Thời gian (giờ Việt Nam)", "Time (Vietnam)" }, { "Cán bộ", "Officer" }, { "Hành động", "Action" },
	{ "Đối tượng", "Object" }, { "Chi tiết", "Detail" }, { "Đơn vị", "Unit" },
};

/* The audit rows of the admin's subtree whose action starts with `action`
 * (all when ""), by the officer `officer` (any when ""), older than row
 * `before` (newest when ""): newest first, one more than a page so the
 * pager knows there is a next one. The caller clears the result. */
enum { A_ID, A_AT, A_USERNAME, A_DISPLAY_NAME, A_ACTION, A_OBJECT, A_DETAIL, A_UNIT };
static PGresult *
audit_rows(struct req *r, const char *action, const char *officer, const char *before)
{
	const char *p[4] = { r->officer->unit_path, action, officer, before };
	return db_query(r->app->db,
	    "SELECT a.id, to_char(a.at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'DD/MM/YYYY HH24:MI:SS'), "
	    "coalesce(o.username, CASE WHEN a.officer_id IS NULL THEN '' ELSE '#' || a.officer_id END), "
	    "coalesce(o.display_name, ''), a.action, a.object, a.detail, u.name "
	    "FROM audit_log a JOIN org_unit u ON u.id = a.unit_id LEFT JOIN officer o ON o.id = a.officer_id "
	    "WHERE u.path LIKE $1 || '%' AND ($2 = '' OR left(a.action, length($2)) = $2) "
	    "AND ($3 = '' OR a.officer_id = nullif($3, '')::bigint) AND ($4 = '' OR a.id < nullif($4, '')::bigint) "
	    "ORDER BY a.id DESC LIMIT 51", 4, p);
}

/* GET /admin/audit?action=PREFIX&officer=ID&before=ID: the rows of the
 * admin's subtree, newest first, 50 a page. */
void
page_admin_audit(struct req *r)
{
	struct buf *b = r->out;
	const char *action = console_arg(r, "action", 40), *officer = console_arg(r, "officer", 18), *before = console_arg(r, "before", 18);
	if (strspn(action, "abcdefghijklmnopqrstuvwxyz_.") != strlen(action) || (*officer && !fmt_is_id(officer)) ||
	    (*before && !fmt_is_id(before))) {
		http_error(r, 400, MSG__MAX);
		return;
	}
	PGresult *rows = audit_rows(r, action, officer, before);
	if (!console_page_rows(r, rows, "audit", 200, L(r, "Nhật ký", "Audit log")))
		return;
	chain_banner(r);

	console_wrap(r, "<form method=\"get\" action=\"/admin/audit\" class=\"filters\" role=\"search\"><label>",
	    L(r, "Hành động bắt đầu bằng", "Action starts with"), " <input type=\"text\" name=\"action\" maxlength=\"40\" list=\"actions\" autocapitalize=\"none\" value=\"");
	html_attr(b, action);
	html_lit(b, "\"></label><datalist id=\"actions\">");
	static const char *const prefixes[] = { "login", "logout", "officer.", "unit.", "report.", "contact.", "account.", "export." };
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		html_lit(b, "<option value=\"");
		html_attr(b, prefixes[i]);
		html_lit(b, "\">");
	}
	console_wrap(r, "</datalist><label>",
	    L(r, "Cán bộ", "Officer"), " <select name=\"officer\"><option value=\"\">—</option>");
	const char *sp[1] = { r->officer->unit_path };
	enum { O_ID, O_USERNAME };
	PGresult *os = db_query(r->app->db, "SELECT o.id, o.username FROM officer o JOIN org_unit u ON u.id = o.unit_id "
	    "WHERE u.path LIKE $1 || '%' ORDER BY o.username LIMIT 500", 1, sp);
	for (int i = 0; os && db_ok(os) && i < PQntuples(os); i++)
		console_option(r, PQgetvalue(os, i, O_ID), PQgetvalue(os, i, O_USERNAME), strcmp(officer, PQgetvalue(os, i, O_ID)) == 0);
	PQclear(os);
	html_lit(b, "</select></label>");
	console_submit(r, "btn primary", "Lọc", "Filter");

	int n = PQntuples(rows);
	if (console_table(r, n, "<table class=\"audit\" id=\"audit\">", audit_heads, sizeof(audit_heads) / sizeof(audit_heads[0]),
	    "Không có dòng nhật ký nào khớp.", "No audit row matches.")) {
		for (int i = 0; i < n && i < AUDIT_ROWS; i++) {
			struct kv data[2] = { { "id", PQgetvalue(rows, i, A_ID), 0 }, { "action", PQgetvalue(rows, i, A_ACTION), 0 } };
			console_tr(r, NULL, data, 2);
			console_td(r, PQgetvalue(rows, i, A_ID));
			console_td(r, PQgetvalue(rows, i, A_AT));
			const char *who = PQgetvalue(rows, i, A_USERNAME), *name = PQgetvalue(rows, i, A_DISPLAY_NAME);
			console_wrap(r, "<td>",
			    *who ? who : L(r, "(dòng lệnh trên máy chủ)", "(server command line)"), "");
			if (*who && *name)
				console_wrap(r, " <small>", name, "</small>");
			console_wrap(r, "</td><td><code>", PQgetvalue(rows, i, A_ACTION), "</code></td>");
			console_td(r, PQgetvalue(rows, i, A_OBJECT));
			console_wrap(r, "<td class=\"pre\">", PQgetvalue(rows, i, A_DETAIL), "</td>");
			console_td(r, PQgetvalue(rows, i, A_UNIT));
			html_lit(b, "</tr>");
		}
		html_lit(b, "</tbody></table>");
		if (n > AUDIT_ROWS) {
			struct kv next[3] = { { "action", action, 0 }, { "officer", officer, 0 },
			    { "before", PQgetvalue(rows, AUDIT_ROWS - 1, A_ID), 0 } };
			console_next(r, "/admin/audit", next, 3, "Cũ hơn →", "Older →");
		}
	}
	PQclear(rows);
	console_end(r);
}
