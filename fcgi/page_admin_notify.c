/* page_admin_notify.c: notifications in the console: an officer's settings and address confirmation (/admin/account/notify, /admin/account/email), the outbox admins watch (/admin/outbox) and a unit's webhooks (/admin/webhooks). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libpq-fe.h>
#include <sodium.h>

#include "app.h"
#include "arena.h"
#include "auth.h"
#include "config.h"
#include "console.h"
#include "console_notify.h"
#include "db.h"
#include "filters.h"
#include "fmt.h"
#include "html.h"
#include "http.h"
#include "i18n.h"
#include "notify.h"
#include "page_admin.h"
#include "req.h"
#include "text.h"
#include "webhook.h"

#define OUTBOX_ROWS 200
#define CONFIRM_TOKEN_BYTES 32

/* ---- the officer's own settings ---- */

/* The page a refused settings form comes back on: the section alone, with
 * what was typed and the errors beside the fields. */
static void
settings_page(struct req *r, int status, const struct notify_settings *s, const struct console_errs *e)
{
	console_page(r, status, L(r, "Thông báo qua thư điện tử", "E-mail notifications"));
	console_notify_settings(r, s, e);
	console_back(r, "/admin/account", "← Tài khoản", "← Account");
	console_end(r);
}

/* POST /admin/account/notify: the kinds of mail and the reminder days are
 * saved at once; a new address waits for its confirmation link (queued in
 * the outbox in this transaction); an empty one removes the address. */
void
page_admin_account_notify(struct req *r)
{
	struct notify_settings s;
	struct console_errs e = { 0 };
	if (!console_found(r, console_notify_load(r, &s)))
		return;
	const char *typed = console_posted_max(r, "email", NOTIFY_EMAIL_MAX + 10);
	const char *days = console_posted_max(r, "reminder_days", 10);
	s.typed = typed ? typed : "";
	s.reminder_days = days ? days : "";
	s.urgent = *kv_get_or_empty(&r->form, "urgent") != '\0';
	s.digest = *kv_get_or_empty(&r->form, "digest") != '\0';
	s.reminder = *kv_get_or_empty(&r->form, "reminder") != '\0';
	s.replies = *kv_get_or_empty(&r->form, "replies") != '\0';
	const char *why = console_email_error(r, typed);
	if (why)
		console_err_add(&e, "email", why);
	if (days == NULL || !fmt_is_digits(days, 2) || atoi(days) < 1 || atoi(days) > 20)
		console_err_add(&e, "reminder_days", L(r, "Một số từ 1 đến 20.", "A number from 1 to 20."));
	if (e.n > 0) {
		settings_page(r, 400, &s, &e);
		return;
	}
	const char *p[6] = { r->officer->id, s.urgent ? "t" : "f", s.digest ? "t" : "f", s.reminder ? "t" : "f",
		s.replies ? "t" : "f", days };
	PGresult *res = db_query(r->app->db, "UPDATE officer SET notify_urgent = $2, notify_digest = $3, notify_reminder = $4, "
	    "notify_replies = $5, reminder_days = $6::integer WHERE id = $1", 6, p);
	if (console_query_failed(r, res, "notify settings"))
		return;
	PQclear(res);
	const char *detail = "settings";
	if (*typed == '\0' && (*s.email || *s.pending)) {
		res = db_query(r->app->db, "UPDATE officer SET email = NULL, email_pending = NULL, email_token_hash = NULL, "
		    "email_token_expires = NULL WHERE id = $1", 1, p);
		detail = "settings; address removed";
	} else if (*typed && strcmp(typed, s.email) != 0 && strcmp(typed, s.pending) != 0) {
		unsigned char tok[CONFIRM_TOKEN_BYTES], hash[32];
		char tok_hex[2 * CONFIRM_TOKEN_BYTES + 1], hash_hex[65];
		randombytes_buf(tok, sizeof(tok));
		sodium_bin2hex(tok_hex, sizeof(tok_hex), tok, sizeof(tok));
		crypto_generichash(hash, sizeof(hash), (const unsigned char *)tok_hex, strlen(tok_hex), NULL, 0);
		sodium_bin2hex(hash_hex, sizeof(hash_hex), hash, sizeof(hash));
		const char *q[4] = { r->officer->id, typed, hash_hex, tok_hex };
		/* the link goes out by the outbox, committed with the pending address or not at all */
		res = db_query(r->app->db, "WITH o AS (UPDATE officer SET email_pending = $2, email_token_hash = decode($3, 'hex'), "
		    "email_token_expires = now() + interval '48 hours' WHERE id = $1 RETURNING id, unit_id) "
		    "INSERT INTO outbox (kind, event, unit_id, officer_id, payload) SELECT 'mail', 'email.confirm', unit_id, id, "
		    "jsonb_build_object('address', $2::text, 'token', $4::text) FROM o", 4, q);
		sodium_memzero(tok_hex, sizeof(tok_hex));
		detail = "settings; new address waiting for its link";
	} else {
		res = NULL;
	}
	if (res != NULL && !db_ok(res)) {
		console_db_failed(r, res, "notify address");
		return;
	}
	PQclear(res);
	audit_officer(r, "account.notify", "", detail);
	http_redirect(r, "/admin/account#notify");
}

/* GET /admin/account/email?t=TOKEN: the link mailed to a new address. It
 * confirms only for the officer who asked (signed in), within 48 hours. */
void
page_admin_account_email(struct req *r)
{
	const char *t = console_arg(r, "t", 2 * CONFIRM_TOKEN_BYTES);
	unsigned char hash[32];
	char hash_hex[65];
	if (strlen(t) != 2 * CONFIRM_TOKEN_BYTES || strspn(t, "0123456789abcdef") != strlen(t)) {
		console_refuse(r, 400, "Liên kết xác nhận không đúng.", "The confirmation link is not valid.", "/admin/account");
		return;
	}
	crypto_generichash(hash, sizeof(hash), (const unsigned char *)t, strlen(t), NULL, 0);
	sodium_bin2hex(hash_hex, sizeof(hash_hex), hash, sizeof(hash));
	const char *p[2] = { r->officer->id, hash_hex };
	enum { C_EMAIL };
	PGresult *res = db_query(r->app->db, "UPDATE officer SET email = email_pending, email_pending = NULL, email_token_hash = NULL, "
	    "email_token_expires = NULL WHERE id = $1 AND email_token_hash = decode($2, 'hex') AND email_token_expires > now() "
	    "RETURNING email", 2, p);
	if (!db_ok(res)) {
		console_db_failed(r, res, "confirm address");
		return;
	}
	if (PQntuples(res) != 1) {
		PQclear(res);
		console_refuse(r, 400, "Liên kết đã hết hạn, đã dùng, hoặc dành cho tài khoản khác. Hãy nhập lại địa chỉ ở trang Tài khoản.",
		    "The link has expired, was used, or belongs to another account. Enter the address again on your account page.",
		    "/admin/account");
		return;
	}
	const char *addr = arena_strdup(r->arena, PQgetvalue(res, 0, C_EMAIL));
	PQclear(res);
	audit_officer(r, "account.email_confirmed", "", "");
	console_page(r, 200, L(r, "Đã xác nhận địa chỉ", "Address confirmed"));
	html_lit(r->out, "<p class=\"note\" role=\"status\" id=\"confirmed\">");
	html_text(r->out, L(r, "Thông báo sẽ được gửi tới: ", "Notifications will go to: "));
	html_text(r->out, addr);
	html_lit(r->out, "</p>");
	console_back(r, "/admin/account", "← Tài khoản", "← Account");
	console_end(r);
}

/* ---- the outbox ---- */

static const struct console_notice outbox_notices[] = {
	{ "retry", "Đã đặt lại để gửi thử thêm một lần.", "Queued for one more attempt." },
	{ "unit", "Đã lưu cài đặt thông báo của đơn vị.", "The unit's notification settings are saved." },
};

/* What the unit settings form holds. */
struct unit_form {
	const char *unit, *digest_time;
	bool first_line;
};

/* A unit's digest time and whether notices may quote the first line of a
 * non-anonymous report (its subtree): posted to /admin/outbox. */
static void
unit_settings(struct req *r, const struct unit_form *f, const struct console_errs *e)
{
	struct buf *b = r->out;
	struct console_unit *units;
	int n = console_units(r, &units);
	if (n < 0)
		return;
	html_lit(b, "<section id=\"unit-notify\">");
	console_heading(r, 2, NULL, "Cài đặt thông báo của đơn vị", "A unit's notification settings");
	html_lit(b, "<table class=\"queue\" id=\"unit-settings\">");
	static const struct console_label cols[] = { { "Đơn vị", "Unit" }, { "Giờ gửi tóm tắt", "Digest at" },
		{ "Cho phép dòng đầu", "First line allowed" } };
	console_thead(r, cols, sizeof(cols) / sizeof(cols[0]));
	enum { C_NAME, C_AT, C_FIRST };
	PGresult *res = db_query(r->app->db, "SELECT name, to_char(digest_time, 'HH24:MI'), notify_first_line FROM org_unit "
	    "WHERE id IN (SELECT scope_units()) AND status = 'active' ORDER BY path LIMIT 300", 0, NULL);
	for (int i = 0; db_ok(res) && i < PQntuples(res); i++) {
		html_lit(b, "<tr>");
		console_td(r, PQgetvalue(res, i, C_NAME));
		console_td(r, PQgetvalue(res, i, C_AT));
		console_td(r, strcmp(PQgetvalue(res, i, C_FIRST), "t") == 0 ? L(r, "có", "yes") : L(r, "không", "no"));
		html_lit(b, "</tr>");
	}
	PQclear(res);
	html_lit(b, "</tbody></table>");
	html_form_begin(r, "/admin/outbox", "stack");
	html_lit(b, "<input type=\"hidden\" name=\"action\" value=\"unit\">");
	console_unit_select(r, units, n, "unit", "unit", L(r, "Đơn vị", "Unit"), NULL, f->unit, NULL, false, e);
	console_input(r, "unit", "digest_time", L(r, "Giờ gửi bản tóm tắt hằng ngày (giờ Việt Nam, HH:MM)",
	    "Daily digest time (Vietnam time, HH:MM)"), NULL, f->digest_time, e, 5, true);
	html_lit(b, "<div class=\"field\">");
	console_check(r, NULL, "checkbox", "first_line", "1", L(r, "Thư và webhook được trích dòng đầu của phản ánh không ẩn danh "
	    "(có liên lạc, hoặc cán bộ nhập) của đơn vị và các đơn vị trực thuộc. Phản ánh ẩn danh không bao giờ bị trích.",
	    "Mails and webhooks may quote the first line of a non-anonymous report (contact given, or entered by an officer) "
	    "of this unit and those below it. Anonymous reports are never quoted."), f->first_line);
	html_lit(b, "</div>");
	console_submit(r, "btn", "Lưu", "Save");
	html_lit(b, "</section>");
}

/* The subtree's live webhooks (the view of sql/054, as `webhook list`):
 * paused or receiving (until when, the error that paused it), events kept
 * aside while paused, deliveries pending, sent and failed; with a stop
 * button each when `actions`. False when the query failed (the page is
 * answered). */
static bool
webhook_table(struct req *r, bool actions)
{
	struct buf *b = r->out;
	PGresult *res = db_query(r->app->db, "SELECT s.id, u.name, s.url, array_to_string(s.events, ', '), s.paused, "
	    "coalesce(to_char(s.paused_until AT TIME ZONE 'Asia/Ho_Chi_Minh', 'YYYY-MM-DD HH24:MI:SS'), ''), s.last_error, "
	    "s.kept, s.pending, s.sent, s.failed FROM webhook_status s JOIN org_unit u ON u.id = s.unit_id "
	    "WHERE s.unit_id IN (SELECT scope_units()) ORDER BY s.id", 0, NULL);
	if (console_query_failed(r, res, "webhook list"))
		return false;
	enum { C_ID, C_UNIT, C_URL, C_EVENTS, C_PAUSED, C_UNTIL, C_ERROR, C_KEPT, C_PENDING, C_SENT, C_FAILED };
	static const struct console_label cols[] = {
		{ "Số", "No." }, { "Đơn vị", "Unit" }, { "Địa chỉ", "URL" }, { "Sự kiện", "Events" },
		{ "Bên nhận", "Receiver" }, { "Lỗi làm tạm dừng", "Error that paused it" },
		{ "Sự kiện để riêng", "Events kept aside" }, { "Chờ", "Pending" }, { "Đã gửi", "Sent" }, { "Thất bại", "Failed" },
		{ "", "" },
	};
	console_table_kept(r, PQntuples(res), "<table class=\"queue\" id=\"webhooks\">", cols,
	    sizeof(cols) / sizeof(cols[0]) - (actions ? 0 : 1), "Chưa có webhook nào.", "No webhooks yet.");
	for (int i = 0; i < PQntuples(res); i++) {
		const struct kv data = { "webhook", PQgetvalue(res, i, C_ID), strlen(PQgetvalue(res, i, C_ID)) };
		console_tr(r, strcmp(PQgetvalue(res, i, C_PAUSED), "t") == 0 ? "paused" : NULL, &data, 1);
		for (int c = C_ID; c <= C_EVENTS; c++)
			console_td(r, PQgetvalue(res, i, c));
		console_td(r, strcmp(PQgetvalue(res, i, C_PAUSED), "t") == 0
		    ? arena_printf(r->arena, "%s %s", L(r, "tạm dừng, thử lại lúc", "paused, next try at"),
		          fmt_dmy(r->arena, PQgetvalue(res, i, C_UNTIL)))
		    : L(r, "đang nhận", "receiving"));
		for (int c = C_ERROR; c <= C_FAILED; c++)
			console_td(r, PQgetvalue(res, i, c));
		if (actions) {
			html_lit(b, "<td>");
			console_action_open(r, "/admin/webhooks", "inline", "remove", "id", PQgetvalue(res, i, C_ID));
			console_submit(r, "btn", "Dừng", "Stop");
			html_lit(b, "</td>");
		}
		html_lit(b, "</tr>");
	}
	html_lit(b, "</tbody></table>");
	PQclear(res);
	return true;
}

/* GET /admin/outbox[?status=pending|sent|failed]: counts by status and the
 * newest rows of the admin's subtree (row-level security: the outbox rows
 * of units in scope), with their attempts and last error; then the units'
 * settings form (`f` and `e` when it was refused). */
static void
outbox_page(struct req *r, int http_status, const struct unit_form *f, const struct console_errs *e)
{
	struct buf *b = r->out;
	const char *status = console_arg(r, "status", 10);   /* the filter */
	if (*status && strcmp(status, "pending") != 0 && strcmp(status, "sent") != 0 && strcmp(status, "failed") != 0)
		status = "";
	console_page(r, http_status, L(r, "Hộp thư đi: thư và webhook", "Outbox: mails and webhooks"));
	console_notice(r, outbox_notices, sizeof(outbox_notices) / sizeof(outbox_notices[0]));
	enum { N_PENDING, N_SENT, N_FAILED };
	PGresult *res = db_query(r->app->db, "SELECT count(*) FILTER (WHERE status = 'pending'), count(*) FILTER (WHERE status = 'sent'), "
	    "count(*) FILTER (WHERE status = 'failed') FROM outbox WHERE unit_id IN (SELECT scope_units())", 0, NULL);
	if (!db_ok(res)) {
		console_db_failed(r, res, "outbox counts");
		return;
	}
	html_lit(b, "<p id=\"outbox-counts\">");
	static const struct { const char *key, *vi, *en; int col; } st[] = {
		{ "pending", "Chờ gửi", "Pending", N_PENDING }, { "sent", "Đã gửi", "Sent", N_SENT }, { "failed", "Thất bại", "Failed", N_FAILED },
	};
	for (size_t i = 0; i < sizeof(st) / sizeof(st[0]); i++) {
		const struct kv arg = { "status", st[i].key, strlen(st[i].key) };
		if (i)
			html_lit(b, " · ");
		html_lit(b, "<a id=\"count-");
		html_attr(b, st[i].key);
		html_lit(b, "\" href=\"");
		console_href(r, "/admin/outbox", &arg, 1);
		console_wrap(r, "\">", L(r, st[i].vi, st[i].en), ": ");
		html_text(b, PQgetvalue(res, 0, st[i].col));
		html_lit(b, "</a>");
	}
	console_wrap(r, " · <a href=\"/admin/outbox\">", L(r, "Tất cả", "All"), "</a></p>");
	PQclear(res);

	enum { C_ID, C_KIND, C_EVENT, C_TO, C_STATUS, C_ATTEMPTS, C_CREATED, C_WHEN, C_ERROR };
	const char *p[1] = { *status ? status : NULL };
	res = db_query(r->app->db, "SELECT x.id, x.kind, x.event, coalesce(o.username, h.url, ''), x.status, x.attempts, "
	    "to_char(x.created_at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'YYYY-MM-DD HH24:MI:SS'), "
	    "to_char(coalesce(x.sent_at, x.next_attempt_at) AT TIME ZONE 'Asia/Ho_Chi_Minh', 'YYYY-MM-DD HH24:MI:SS'), x.last_error "
	    "FROM outbox x LEFT JOIN officer o ON o.id = x.officer_id LEFT JOIN webhook h ON h.id = x.webhook_id "
	    "WHERE x.unit_id IN (SELECT scope_units()) AND ($1::text IS NULL OR x.status = $1) ORDER BY x.id DESC LIMIT 200", 1, p);
	if (console_query_failed(r, res, "outbox list"))
		return;
	static const struct console_label cols[] = {
		{ "Số", "No." }, { "Loại", "Kind" }, { "Sự kiện", "Event" }, { "Gửi tới", "To" }, { "Trạng thái", "Status" },
		{ "Lần thử", "Attempts" }, { "Tạo lúc", "Queued" }, { "Gửi lúc / thử lại lúc", "Sent / next try" }, { "Lỗi gần nhất", "Last error" },
		{ "", "" },
	};
	console_table_kept(r, PQntuples(res), "<table class=\"queue\" id=\"outbox\">", cols, sizeof(cols) / sizeof(cols[0]),
	    "Không có gì.", "Nothing.");
	for (int i = 0; i < PQntuples(res); i++) {
		html_lit(b, "<tr class=\"");
		html_attr(b, PQgetvalue(res, i, C_STATUS));
		html_lit(b, "\">");
		console_td(r, PQgetvalue(res, i, C_ID));
		console_td(r, PQgetvalue(res, i, C_KIND));
		console_td(r, PQgetvalue(res, i, C_EVENT));
		console_td(r, PQgetvalue(res, i, C_TO));
		console_td(r, PQgetvalue(res, i, C_STATUS));
		console_td(r, PQgetvalue(res, i, C_ATTEMPTS));
		console_td(r, fmt_dmy(r->arena, PQgetvalue(res, i, C_CREATED)));
		console_td(r, fmt_dmy(r->arena, PQgetvalue(res, i, C_WHEN)));
		console_td(r, PQgetvalue(res, i, C_ERROR));
		html_lit(b, "<td>");
		if (strcmp(PQgetvalue(res, i, C_STATUS), "failed") == 0) {
			html_form_begin(r, "/admin/outbox", "inline");
			filters_hidden(b, "id", PQgetvalue(res, i, C_ID));
			console_submit(r, "btn", "Gửi lại", "Retry");
		}
		html_lit(b, "</td></tr>");
	}
	html_lit(b, "</tbody></table>");
	PQclear(res);
	html_lit(b, "<section id=\"receivers\">");
	console_heading(r, 2, NULL, "Webhook: bên nhận", "Webhook receivers");
	if (!webhook_table(r, false))
		return;
	html_lit(b, "</section>");
	const struct unit_form uf = { "", "07:00", false };
	unit_settings(r, f ? f : &uf, e);
	console_back(r, "/admin/webhooks", "Webhook →", "Webhooks →");
	console_end(r);
}

void
page_admin_outbox(struct req *r)
{
	outbox_page(r, 200, NULL, NULL);
}

/* Saves a unit's digest time and first-line permission; 400 with the form
 * and the errors beside the fields, nothing stored. */
static void
outbox_unit(struct req *r)
{
	struct unit_form f = { kv_get_or_empty(&r->form, "unit"), kv_get_or_empty(&r->form, "digest_time"),
		*kv_get_or_empty(&r->form, "first_line") != '\0' };
	struct console_errs e = { 0 };
	const char *why, *path, *code;
	if ((why = console_unit_pick(r, f.unit, &path, &code)) != NULL)
		console_err_add(&e, "unit", why);
	const char *t = f.digest_time;
	if (!(strlen(t) == 5 && t[2] == ':' && strspn(t, "0123456789") == 2 && strspn(t + 3, "0123456789") == 2 &&
	    atoi(t) < 24 && atoi(t + 3) < 60))
		console_err_add(&e, "digest_time", L(r, "Giờ dạng HH:MM, từ 00:00 đến 23:59.", "A time as HH:MM, 00:00 to 23:59."));
	if (e.n > 0) {
		outbox_page(r, 400, &f, &e);
		return;
	}
	const char *p[3] = { f.unit, t, f.first_line ? "t" : "f" };
	PGresult *res = db_query(r->app->db, "UPDATE org_unit SET digest_time = $2::time, notify_first_line = $3 WHERE id = $1", 3, p);
	if (!db_ok(res)) {
		console_db_failed(r, res, "unit notify settings");
		return;
	}
	PQclear(res);
	audit_officer(r, "unit.notify", code, arena_printf(r->arena, "digest %s, first line %s", t, f.first_line ? "yes" : "no"));
	http_redirect(r, "/admin/outbox?done=unit");
}

/* POST /admin/outbox: action=unit (a unit's settings), else one more
 * attempt for a failed row in scope. */
void
page_admin_outbox_post(struct req *r)
{
	if (strcmp(kv_get_or_empty(&r->form, "action"), "unit") == 0) {
		outbox_unit(r);
		return;
	}
	const char *id = console_posted_id(r, "/admin/outbox");
	if (id == NULL)
		return;
	const char *p[1] = { id };
	PGresult *res = db_query(r->app->db, "UPDATE outbox SET status = 'pending', next_attempt_at = now(), last_error = '' "
	    "WHERE id = $1 AND status = 'failed' AND unit_id IN (SELECT scope_units()) RETURNING id", 1, p);
	console_changed_one(r, res, "outbox retry", "outbox.retry", id, "/admin/outbox?done=retry");
}

/* ---- webhooks ---- */

static const struct console_notice webhook_notices[] = {
	{ "added", "Đã thêm webhook.", "The webhook was added." },
	{ "removed", "Đã dừng webhook; các lần gửi còn chờ được đánh dấu thất bại.",
	  "The webhook was stopped; its pending deliveries are marked failed." },
};

static const char *const event_names[] = { "submission.created", "submission.urgent", "case.deadline" };
static const struct console_label event_labels[] = {
	{ "Phản ánh mới", "New report" }, { "Phản ánh khẩn cấp", "Urgent report" }, { "Hạn chót vụ việc", "Case deadline" },
};
#define NEVENTS (sizeof(event_names) / sizeof(event_names[0]))

/* What the add form holds. */
struct webhook_form {
	const char *unit, *url;
	bool events[NEVENTS];
};

/* The list of the subtree's webhooks with their deliveries, and the add form. */
static void
webhooks_page(struct req *r, int status, const struct webhook_form *f, const struct console_errs *e)
{
	struct buf *b = r->out;
	console_page(r, status, L(r, "Webhook", "Webhooks"));
	console_notice(r, webhook_notices, sizeof(webhook_notices) / sizeof(webhook_notices[0]));
	console_hint(r, L(r, "Mỗi sự kiện được gửi bằng POST dạng JSON, ký bằng HMAC-SHA256 trong tiêu đề Tiengnoi-Signature "
	    "(t=THỜI_ĐIỂM,v1=HEX trên \"THỜI_ĐIỂM.NỘI_DUNG\"); gửi lại với thời gian chờ tăng dần trong 24 giờ. Không có nội dung "
	    "phản ánh trừ dòng đầu khi đơn vị cho phép.",
	    "Each event is POSTed as JSON, signed with HMAC-SHA256 in the Tiengnoi-Signature header (t=TIME,v1=HEX over "
	    "\"TIME.BODY\"); retried with growing waits for 24 hours. No report text, except the first line where the unit allows it."));
	if (!webhook_table(r, true))
		return;

	struct console_unit *units;
	int n = console_units(r, &units);
	if (n < 0) {
		http_error(r, 503, MSG__MAX);
		return;
	}
	html_lit(b, "<section id=\"add\">");
	console_heading(r, 2, NULL, "Thêm webhook", "Add a webhook");
	html_form_begin(r, "/admin/webhooks", "stack");
	html_lit(b, "<input type=\"hidden\" name=\"action\" value=\"add\">");
	console_unit_select(r, units, n, "webhook", "unit", L(r, "Đơn vị (và các đơn vị trực thuộc)", "Unit (and the units below it)"),
	    NULL, f->unit, NULL, false, e);
	console_input(r, "webhook", "url", L(r, "Địa chỉ nhận (http:// hoặc https://)", "Receiver URL (http:// or https://)"), NULL,
	    f->url, e, WEBHOOK_URL_MAX, true);
	const char *eerr = console_err_of(e, "events");
	console_field_begin(r, "f-webhook-events", NULL, NULL, eerr);
	console_wrap(r, "<fieldset id=\"f-webhook-events\"><legend>", L(r, "Sự kiện", "Events"), "</legend>");
	for (size_t i = 0; i < NEVENTS; i++) {
		console_check(r, NULL, "checkbox", "events", event_names[i], arena_printf(r->arena, "%s (%s)",
		    L(r, event_labels[i].vi, event_labels[i].en), event_names[i]), f->events[i]);
		html_lit(b, " ");
	}
	html_lit(b, "</fieldset></div>");
	const char *serr = console_err_of(e, "secret");
	console_field_begin(r, "f-webhook-secret", L(r, "Khóa bí mật dùng chung (16–256 ký tự; không hiển thị lại)",
	    "Shared secret (16–256 characters; never shown again)"), NULL, serr);
	html_lit(b, "<input type=\"password\" id=\"f-webhook-secret\" name=\"secret\" autocomplete=\"off\" maxlength=\"256\"");
	console_field_invalid(r, "f-webhook-secret", serr);
	html_lit(b, "></div>");
	console_submit(r, "btn primary", "Thêm webhook", "Add webhook");
	html_lit(b, "</section>");
	console_back(r, "/admin/outbox", "Hộp thư đi (đã gửi, chờ, thất bại) →", "Outbox (sent, pending, failed) →");
	console_end(r);
}

/* GET /admin/webhooks */
void
page_admin_webhooks(struct req *r)
{
	struct webhook_form f = { "", "", { true, true, false } };
	webhooks_page(r, 200, &f, NULL);
}

/* Adds a webhook after the same checks as the CLI; 400 with the form and
 * the errors beside the fields, nothing stored. */
static void
webhook_add(struct req *r)
{
	struct webhook_form f = { kv_get_or_empty(&r->form, "unit"), kv_get_or_empty(&r->form, "url"), { false } };
	struct console_errs e = { 0 };
	const char *why, *unit_path, *unit_code;
	if ((why = console_unit_pick(r, f.unit, &unit_path, &unit_code)) != NULL)
		console_err_add(&e, "unit", why);
	if ((why = webhook_url_problem(f.url, config_base_url())) != NULL)
		console_err_add(&e, "url", L(r, "Địa chỉ phải là http:// hoặc https://, không trỏ về chính máy chủ này, tối đa 500 ký tự.",
		    "The URL must be http:// or https://, not this server itself, at most 500 characters."));
	const char *events = "";
	for (size_t i = 0; i < r->form.n; i++) {
		if (strcmp(r->form.items[i].key, "events") != 0)
			continue;
		size_t j = 0;
		for (; j < NEVENTS && strcmp(r->form.items[i].val, event_names[j]) != 0; j++)
			;
		if (j == NEVENTS || f.events[j]) {
			console_err_add(&e, "events", L(r, "Sự kiện không hợp lệ.", "Unknown event."));
			continue;
		}
		f.events[j] = true;
		events = *events ? arena_printf(r->arena, "%s,%s", events, event_names[j]) : event_names[j];
	}
	if (*events == '\0' && console_err_of(&e, "events") == NULL)
		console_err_add(&e, "events", L(r, "Chọn ít nhất một sự kiện.", "Choose at least one event."));
	const char *secret = kv_get_or_empty(&r->form, "secret");
	if (strlen(secret) < WEBHOOK_SECRET_MIN || strlen(secret) > WEBHOOK_SECRET_MAX)
		console_err_add(&e, "secret", L(r, "Từ 16 đến 256 ký tự.", "16 to 256 characters."));
	if (e.n > 0) {
		webhooks_page(r, 400, &f, &e);
		return;
	}
	const char *p[4] = { f.unit, f.url, events, secret };
	enum { C_ID };
	PGresult *res = db_query(r->app->db, "INSERT INTO webhook (unit_id, url, events, secret) "
	    "VALUES ($1::bigint, $2, string_to_array($3, ','), $4) RETURNING id", 4, p);
	if (!db_ok(res)) {
		console_db_failed(r, res, "webhook add");
		return;
	}
	const char *id = arena_strdup(r->arena, PQgetvalue(res, 0, C_ID));
	PQclear(res);
	audit_officer(r, "webhook.add", id, arena_printf(r->arena, "%s for %s", f.url, events));
	http_redirect(r, "/admin/webhooks?done=added");
}

/* Stops a webhook of the subtree; its pending deliveries end as failed. */
static void
webhook_remove(struct req *r)
{
	const char *id = console_posted_id(r, "/admin/webhooks");
	if (id == NULL)
		return;
	const char *p[1] = { id };
	PGresult *res = db_query(r->app->db, "WITH h AS (UPDATE webhook SET removed_at = now() WHERE id = $1 AND removed_at IS NULL "
	    "AND unit_id IN (SELECT scope_units()) RETURNING id), x AS (UPDATE outbox SET status = 'failed', "
	    "last_error = 'the webhook was removed' WHERE id IN (SELECT id FROM outbox WHERE webhook_id IN (SELECT id FROM h) "
	    "AND status = 'pending' FOR UPDATE SKIP LOCKED)) SELECT id FROM h", 1, p);
	console_changed_one(r, res, "webhook remove", "webhook.remove", id, "/admin/webhooks?done=removed");
}

/* POST /admin/webhooks: action=add or action=remove. */
void
page_admin_webhooks_post(struct req *r)
{
	const char *action = kv_get_or_empty(&r->form, "action");
	if (strcmp(action, "add") == 0)
		webhook_add(r);
	else if (strcmp(action, "remove") == 0)
		webhook_remove(r);
	else
		http_error(r, 400, MSG__MAX);
}
