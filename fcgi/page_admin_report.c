/* page_admin_report.c: one report for an officer (answers with their version's labels, photos, workflow, thread, reveal), photos, and reports entered on a worker's behalf. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include <libpq-fe.h>
#include <sodium.h>

#include "app.h"
#include "arena.h"
#include "auth.h"
#include "buf.h"
#include "db.h"
#include "form.h"
#include "html.h"
#include "http.h"
#include "i18n.h"
#include "page_admin.h"
#include "req.h"
#include "submission.h"
#include "text.h"
#include "token.h"

/* The numeric id after a prefix ("/admin/s/123" → "123"), or NULL. */
static const char *
path_id(const struct req *r, const char *prefix)
{
	const char *id = r->path + strlen(prefix);
	size_t n = strspn(id, "0123456789");
	return n > 0 && n < 19 && id[n] == '\0' ? id : NULL;
}

/* "12000000" → "12.000.000" (Vietnamese thousands separator). */
static const char *
money_text(struct arena *a, json_int_t v)
{
	char digits[32], out[48];
	snprintf(digits, sizeof(digits), "%lld", (long long)(v < 0 ? -v : v));
	size_t n = strlen(digits), j = 0;
	if (v < 0)
		out[j++] = '-';
	for (size_t i = 0; i < n; i++) {
		if (i > 0 && (n - i) % 3 == 0)
			out[j++] = '.';
		out[j++] = digits[i];
	}
	out[j] = '\0';
	return arena_printf(a, "%s đ", out);
}

static const char *
i18n_of(json_t *obj, const char *key, enum lang lang)
{
	json_t *t = json_object_get(obj, key);
	json_t *v = json_object_get(t, lang == LANG_EN ? "en" : "vi");
	if (!json_is_string(v))
		v = json_object_get(t, "vi");
	return json_is_string(v) ? json_string_value(v) : NULL;
}

static const char *
option_label(json_t *field, const char *value, enum lang lang)
{
	size_t i;
	json_t *o;
	json_array_foreach(json_object_get(field, "options"), i, o)
		if (json_is_string(json_object_get(o, "value")) && strcmp(json_string_value(json_object_get(o, "value")), value) == 0)
			return i18n_of(o, "label", lang);
	return value;
}

/* One answer as an officer reads it, by the type its version declared. */
static void
answer_value(struct req *r, json_t *field, json_t *v)
{
	struct buf *b = r->out;
	const char *type = json_string_value(json_object_get(field, "type"));
	if (type == NULL)
		type = "text";
	if (json_is_array(v)) {
		size_t i;
		json_t *x;
		html_raw_trusted(b, strcmp(type, "rank") == 0 ? "<ol>" : "<ul>");
		json_array_foreach(v, i, x) {
			html_raw_trusted(b, "<li>");
			html_text(b, json_is_string(x) ? option_label(field, json_string_value(x), r->lang) : "?");
			html_raw_trusted(b, "</li>");
		}
		html_raw_trusted(b, strcmp(type, "rank") == 0 ? "</ol>" : "</ul>");
	} else if (json_is_integer(v) && strcmp(type, "money") == 0) {
		html_text(b, money_text(r->arena, json_integer_value(v)));
	} else if (json_is_integer(v) && strcmp(type, "photo") == 0) {
		html_text(b, arena_printf(r->arena, "%lld %s", (long long)json_integer_value(v), L(r, "ảnh (bên dưới)", "photo(s) (below)")));
	} else if (json_is_number(v)) {
		html_text(b, arena_printf(r->arena, "%.15g", json_number_value(v)));
	} else if (json_is_string(v)) {
		const char *s = json_string_value(v);
		if (strcmp(type, "yesno") == 0)
			s = strcmp(s, "yes") == 0 ? L(r, "Có", "Yes") : strcmp(s, "no") == 0 ? L(r, "Không", "No") : L(r, "Không rõ", "Not sure");
		else if (strcmp(type, "select") == 0)
			s = option_label(field, s, r->lang);
		html_raw_trusted(b, "<span class=\"pre\">");
		html_text(b, s);
		html_raw_trusted(b, "</span>");
	}
}

/* The answers, labelled as in the form version the worker saw. */
static void
render_answers(struct req *r, const char *definition, const char *answers_json)
{
	struct buf *b = r->out;
	json_error_t err;
	json_t *def = json_loads(definition, 0, &err), *ans = json_loads(answers_json, 0, &err);
	size_t i;
	json_t *field;
	html_raw_trusted(b, "<dl class=\"answers\">");
	json_array_foreach(json_object_get(def, "fields"), i, field) {
		const char *name = json_string_value(json_object_get(field, "name"));
		json_t *v = name ? json_object_get(ans, name) : NULL;
		if (v == NULL)
			continue;
		html_raw_trusted(b, "<dt>");
		html_text(b, i18n_of(field, "label", r->lang) ? i18n_of(field, "label", r->lang) : name);
		html_raw_trusted(b, "</dt><dd>");
		answer_value(r, field, v);
		html_raw_trusted(b, "</dd>");
	}
	html_raw_trusted(b, "</dl>");
	json_decref(def);
	json_decref(ans);
}

static void
section(struct req *r, const char *vi, const char *en)
{
	html_raw_trusted(r->out, "<h2>");
	html_text(r->out, L(r, vi, en));
	html_raw_trusted(r->out, "</h2>");
}

/* The report page. `contact` (NULL unless just revealed) is shown once. */
static void
report_page(struct req *r, const char *id, const char *contact, const char *notice)
{
	struct buf *b = r->out;
	const char *p[2] = { id, r->officer->unit_path };
	PGresult *s = db_query(r->app->db,
	    "SELECT s.form_id, s.form_version, w.name, u.name, "
	    "to_char(s.received_at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'DD/MM/YYYY HH24:MI'), s.channel, s.status, "
	    "s.urgent, coalesce(s.assignee_id::text, ''), s.answers::text, coalesce(f.definition::text, '{}'), "
	    "s.contact_sealed IS NOT NULL, s.lang, fu.name "
	    "FROM submission s JOIN workplace w ON w.id = s.workplace_id JOIN org_unit u ON u.id = w.unit_id "
	    "JOIN org_unit fu ON fu.id = s.unit_id "
	    "LEFT JOIN form_version f ON f.form_id = s.form_id AND f.version = s.form_version "
	    "WHERE s.id = $1 AND u.path LIKE $2 || '%'", 2, p);
	if (s == NULL || !db_ok(s) || PQntuples(s) != 1) {
		PQclear(s);
		http_error(r, 404, MSG__MAX);   /* outside the scope looks exactly like absent */
		return;
	}
	const struct form *fm = form_find(r->app->forms, PQgetvalue(s, 0, 0));
	bool can_act = r->officer->role >= ROLE_OFFICER;
	char *title = arena_printf(r->arena, "%s #%s", fm ? form_label(fm->title, r->lang) : PQgetvalue(s, 0, 0), id);
	buf_reset(b);
	r->status = 200;
	html_admin_begin(r, title);
	html_raw_trusted(b, "<p><a href=\"/admin/\">");
	html_text(b, L(r, "← Hàng đợi", "← Queue"));
	html_raw_trusted(b, "</a></p><h1>");
	html_text(b, title);
	if (PQgetvalue(s, 0, 7)[0] == 't') {
		html_raw_trusted(b, " <strong class=\"tag urgent\">");
		html_text(b, L(r, "KHẨN", "URGENT"));
		html_raw_trusted(b, "</strong>");
	}
	html_raw_trusted(b, "</h1>");
	if (notice) {
		html_raw_trusted(b, "<p class=\"note\" role=\"status\">");
		html_text(b, notice);
		html_raw_trusted(b, "</p>");
	}
	html_raw_trusted(b, "<dl class=\"meta\"><dt>");
	html_text(b, L(r, "Nơi làm việc", "Workplace"));
	html_raw_trusted(b, "</dt><dd>");
	html_text(b, PQgetvalue(s, 0, 2));
	html_raw_trusted(b, " · ");
	html_text(b, PQgetvalue(s, 0, 3));
	html_raw_trusted(b, "</dd><dt>");
	html_text(b, L(r, "Gửi lúc", "Received"));
	html_raw_trusted(b, "</dt><dd>");
	html_text(b, PQgetvalue(s, 0, 4));
	html_raw_trusted(b, "</dd><dt>");
	html_text(b, L(r, "Kênh", "Channel"));
	html_raw_trusted(b, "</dt><dd>");
	const char *ch = PQgetvalue(s, 0, 5);
	html_text(b, submission_channel_label(ch, r->lang));
	html_raw_trusted(b, "</dd><dt>");
	html_text(b, L(r, "Đơn vị khi nhận", "Filed under"));
	html_raw_trusted(b, "</dt><dd>");
	html_text(b, PQgetvalue(s, 0, 13));
	html_raw_trusted(b, "</dd><dt>");
	html_text(b, L(r, "Trạng thái", "Status"));
	html_raw_trusted(b, "</dt><dd id=\"status\" data-status=\"");
	html_attr(b, PQgetvalue(s, 0, 6));
	html_raw_trusted(b, "\">");
	html_text(b, submission_status_label(PQgetvalue(s, 0, 6), r->lang));
	html_raw_trusted(b, "</dd></dl>");

	section(r, "Nội dung", "Answers");
	render_answers(r, PQgetvalue(s, 0, 10), PQgetvalue(s, 0, 9));

	PGresult *ph = db_query(r->app->db, "SELECT id, mime, size FROM attachment WHERE submission_id = $1 ORDER BY id", 1, p);
	if (ph && db_ok(ph) && PQntuples(ph) > 0) {
		section(r, "Ảnh (đã xóa vị trí)", "Photos (location removed)");
		html_raw_trusted(b, "<ul class=\"photos\">");
		for (int i = 0; i < PQntuples(ph); i++) {
			html_raw_trusted(b, "<li><a href=\"/admin/photo/");
			html_url_arg(b, PQgetvalue(ph, i, 0));
			html_raw_trusted(b, "\"><img alt=\"");
			html_attr(b, arena_printf(r->arena, "%s %d", L(r, "Ảnh", "Photo"), i + 1));
			html_raw_trusted(b, "\" src=\"/admin/photo/");
			html_url_arg(b, PQgetvalue(ph, i, 0));
			html_raw_trusted(b, "\" loading=\"lazy\"></a></li>");
		}
		html_raw_trusted(b, "</ul>");
	}
	PQclear(ph);

	/* contact: hidden until an officer presses reveal, which is audited */
	if (PQgetvalue(s, 0, 11)[0] == 't') {
		section(r, "Liên lạc", "Contact");
		if (contact) {
			html_raw_trusted(b, "<pre class=\"contact\" id=\"contact\">");
			html_text(b, contact);
			html_raw_trusted(b, "</pre>");
		} else if (can_act) {
			html_form_begin(r, arena_printf(r->arena, "/admin/s/%s", id), "inline");
			html_raw_trusted(b, "<input type=\"hidden\" name=\"action\" value=\"reveal\"><button type=\"submit\" class=\"btn\" id=\"reveal\">");
			html_text(b, L(r, "Xem thông tin liên lạc (được ghi nhật ký)", "Reveal contact details (recorded)"));
			html_raw_trusted(b, "</button></form>");
		}
	}

	if (can_act) {
		section(r, "Xử lý", "Handling");
		html_raw_trusted(b, "<p><a class=\"btn\" id=\"create-case\" href=\"/admin/cases/new?from=");
		html_url_arg(b, id);
		html_raw_trusted(b, "\">");
		html_text(b, L(r, "Tạo vụ việc", "Create a case"));
		html_raw_trusted(b, "</a></p>");
		html_form_begin(r, arena_printf(r->arena, "/admin/s/%s", id), "inline");
		html_raw_trusted(b, "<input type=\"hidden\" name=\"action\" value=\"status\"><label>");
		html_text(b, L(r, "Trạng thái", "Status"));
		html_raw_trusted(b, " <select name=\"status\" id=\"f-status\">");
		for (size_t i = 0; i < SUBMISSION_NSTATUSES; i++) {
			const struct submission_label *st = &submission_statuses[i];
			html_raw_trusted(b, strcmp(st->value, PQgetvalue(s, 0, 6)) == 0 ? "<option selected value=\"" : "<option value=\"");
			html_attr(b, st->value);
			html_raw_trusted(b, "\">");
			html_text(b, L(r, st->vi, st->en));
			html_raw_trusted(b, "</option>");
		}
		html_raw_trusted(b, "</select></label> <button type=\"submit\" class=\"btn\">");
		html_text(b, L(r, "Đổi trạng thái", "Change status"));
		html_raw_trusted(b, "</button></form>");

		const char *sp[1] = { r->officer->unit_path };
		PGresult *os = db_query(r->app->db, "SELECT o.id, coalesce(nullif(o.display_name, ''), o.username) FROM officer o "
		    "JOIN org_unit u ON u.id = o.unit_id WHERE u.path LIKE $1 || '%' AND o.role <> 'viewer' "
		    "AND o.disabled_at IS NULL ORDER BY 2 LIMIT 300", 1, sp);
		html_form_begin(r, arena_printf(r->arena, "/admin/s/%s", id), "inline");
		html_raw_trusted(b, "<input type=\"hidden\" name=\"action\" value=\"assign\"><label>");
		html_text(b, L(r, "Người phụ trách", "Assignee"));
		html_raw_trusted(b, " <select name=\"assignee\" id=\"f-assignee\"><option value=\"\">—</option>");
		for (int i = 0; os && db_ok(os) && i < PQntuples(os); i++) {
			html_raw_trusted(b, strcmp(PQgetvalue(os, i, 0), PQgetvalue(s, 0, 8)) == 0 ? "<option selected value=\"" : "<option value=\"");
			html_attr(b, PQgetvalue(os, i, 0));
			html_raw_trusted(b, "\">");
			html_text(b, PQgetvalue(os, i, 1));
			html_raw_trusted(b, "</option>");
		}
		PQclear(os);
		html_raw_trusted(b, "</select></label> <button type=\"submit\" class=\"btn\">");
		html_text(b, L(r, "Giao việc", "Assign"));
		html_raw_trusted(b, "</button></form>");
	}

	section(r, "Trao đổi với người lao động", "Messages with the worker");
	PGresult *m = db_query(r->app->db, "SELECT m.author, m.body, "
	    "to_char(m.created_at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'DD/MM/YYYY HH24:MI'), "
	    "coalesce(nullif(o.display_name, ''), o.username, '') FROM message m LEFT JOIN officer o ON o.id = m.officer_id "
	    "WHERE m.submission_id = $1 ORDER BY m.created_at, m.id", 1, p);
	html_raw_trusted(b, "<ol class=\"thread\" id=\"thread\">");
	for (int i = 0; m && db_ok(m) && i < PQntuples(m); i++) {
		bool officer = strcmp(PQgetvalue(m, i, 0), "officer") == 0;
		html_raw_trusted(b, officer ? "<li class=\"from-union\"><p class=\"who\">" : "<li class=\"from-worker\"><p class=\"who\">");
		html_text(b, officer ? PQgetvalue(m, i, 3) : L(r, "Người lao động", "Worker"));
		html_raw_trusted(b, " · ");
		html_text(b, PQgetvalue(m, i, 2));
		html_raw_trusted(b, "</p><p class=\"body\">");
		html_text(b, PQgetvalue(m, i, 1));
		html_raw_trusted(b, "</p></li>");
	}
	html_raw_trusted(b, "</ol>");
	PQclear(m);
	if (can_act) {
		html_form_begin(r, arena_printf(r->arena, "/admin/s/%s", id), NULL);
		html_raw_trusted(b, "<input type=\"hidden\" name=\"action\" value=\"message\"><div class=\"field\"><label for=\"f-message\">");
		html_text(b, L(r, "Nhắn người lao động (họ đọc được bằng mã biên nhận)", "Message the worker (they read it with their receipt)"));
		html_raw_trusted(b, "</label><textarea id=\"f-message\" name=\"body\" rows=\"3\" maxlength=\"4000\" required></textarea></div>"
		    "<button type=\"submit\" class=\"btn primary\">");
		html_text(b, L(r, "Gửi tin nhắn", "Send message"));
		html_raw_trusted(b, "</button></form>");
	}

	section(r, "Ghi chú nội bộ (người lao động không thấy)", "Internal notes (the worker never sees them)");
	PGresult *n = db_query(r->app->db, "SELECT n.body, to_char(n.created_at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'DD/MM/YYYY HH24:MI'), "
	    "coalesce(nullif(o.display_name, ''), o.username) FROM note n JOIN officer o ON o.id = n.officer_id "
	    "WHERE n.submission_id = $1 ORDER BY n.created_at, n.id", 1, p);
	html_raw_trusted(b, "<ul class=\"notes\" id=\"notes\">");
	for (int i = 0; n && db_ok(n) && i < PQntuples(n); i++) {
		html_raw_trusted(b, "<li><p class=\"who\">");
		html_text(b, PQgetvalue(n, i, 2));
		html_raw_trusted(b, " · ");
		html_text(b, PQgetvalue(n, i, 1));
		html_raw_trusted(b, "</p><p class=\"body\">");
		html_text(b, PQgetvalue(n, i, 0));
		html_raw_trusted(b, "</p></li>");
	}
	html_raw_trusted(b, "</ul>");
	PQclear(n);
	if (can_act) {
		html_form_begin(r, arena_printf(r->arena, "/admin/s/%s", id), NULL);
		html_raw_trusted(b, "<input type=\"hidden\" name=\"action\" value=\"note\"><div class=\"field\"><label for=\"f-note\">");
		html_text(b, L(r, "Thêm ghi chú", "Add a note"));
		html_raw_trusted(b, "</label><textarea id=\"f-note\" name=\"body\" rows=\"3\" maxlength=\"4000\" required></textarea></div>"
		    "<button type=\"submit\" class=\"btn\">");
		html_text(b, L(r, "Lưu ghi chú", "Save note"));
		html_raw_trusted(b, "</button></form>");
	}
	PQclear(s);
	html_admin_end(r);
}

/* A POSTed text (message, note): trimmed, 1..4000 characters, else NULL. */
static const char *
posted_text(struct req *r, const char *name)
{
	char *t = text_trim(arena_strdup(r->arena, kv_get_or_empty(&r->form, name)));
	size_t n = text_length(t);
	return n >= 1 && n <= 4000 ? t : NULL;
}

/* Runs one statement of an action; false (and a 400/503 page) on failure. */
static bool
act(struct req *r, PGresult *res)
{
	bool ok = res != NULL && db_ok(res) && (PQresultStatus(res) == PGRES_TUPLES_OK || atoi(PQcmdTuples(res)) > 0);
	if (!ok)
		http_error(r, res == NULL ? 503 : 400, MSG__MAX);
	PQclear(res);
	return ok;
}

/* GET /admin/s/ID: the report. POST: status, assign, note, message,
 * reveal. Everything outside the officer's scope is 404. */
void
page_admin_report(struct req *r)
{
	const char *id = path_id(r, "/admin/s/");
	if (id == NULL) {
		http_error(r, 404, MSG__MAX);
		return;
	}
	if (r->method != METHOD_POST) {
		report_page(r, id, NULL, NULL);
		return;
	}
	if (r->officer->role < ROLE_OFFICER) {
		http_error(r, 403, MSG_NOT_ALLOWED_ROLE);
		return;
	}
	/* the report must be in scope before anything is done to it */
	const char *p[2] = { id, r->officer->unit_path };
	PGresult *chk = db_query(r->app->db, "SELECT s.status, s.contact_sealed IS NOT NULL FROM submission s "
	    "JOIN workplace w ON w.id = s.workplace_id JOIN org_unit u ON u.id = w.unit_id "
	    "WHERE s.id = $1 AND u.path LIKE $2 || '%'", 2, p);
	bool found = chk && db_ok(chk) && PQntuples(chk) == 1;
	char *old_status = found ? arena_strdup(r->arena, PQgetvalue(chk, 0, 0)) : NULL;
	PQclear(chk);
	if (!found) {
		http_error(r, 404, MSG__MAX);
		return;
	}
	const char *action = kv_get_or_empty(&r->form, "action");
	char *back = arena_printf(r->arena, "/admin/s/%s", id);
	if (strcmp(action, "status") == 0) {
		const char *st = kv_get_or_empty(&r->form, "status");
		if (!submission_status_valid(st)) {
			http_error(r, 400, MSG__MAX);
			return;
		}
		const char *q[2] = { id, st };
		if (!act(r, db_query(r->app->db, "UPDATE submission SET status = $2, status_changed_at = now() WHERE id = $1", 2, q)))
			return;
		audit_officer(r, "report.status", arena_printf(r->arena, "submission:%s", id), arena_printf(r->arena, "%s -> %s", old_status, st));
	} else if (strcmp(action, "assign") == 0) {
		const char *who = kv_get_or_empty(&r->form, "assignee");
		if (*who && strspn(who, "0123456789") != strlen(who)) {
			http_error(r, 400, MSG__MAX);
			return;
		}
		const char *q[3] = { id, *who ? who : NULL, r->officer->unit_path };
		/* only an officer inside the scope can be assigned */
		if (!act(r, db_query(r->app->db, "UPDATE submission SET assignee_id = $2::bigint WHERE id = $1 AND ($2::bigint IS NULL OR "
		    "EXISTS (SELECT 1 FROM officer o JOIN org_unit u ON u.id = o.unit_id WHERE o.id = $2::bigint "
		    "AND u.path LIKE $3 || '%' AND o.role <> 'viewer' AND o.disabled_at IS NULL))", 3, q)))
			return;
		audit_officer(r, "report.assign", arena_printf(r->arena, "submission:%s", id), *who ? who : "none");
	} else if (strcmp(action, "note") == 0 || strcmp(action, "message") == 0) {
		const char *body = posted_text(r, "body");
		if (body == NULL) {
			report_page(r, id, NULL, L(r, "Nội dung trống hoặc quá dài (tối đa 4000 ký tự).", "Empty or too long (4000 characters at most)."));
			r->status = 400;
			return;
		}
		const char *q[3] = { id, r->officer->id, body };
		bool note = strcmp(action, "note") == 0;
		if (!act(r, note ?
		    db_query(r->app->db, "INSERT INTO note (submission_id, officer_id, body) VALUES ($1, $2, $3)", 3, q) :
		    db_query(r->app->db, "INSERT INTO message (submission_id, author, officer_id, body) VALUES ($1, 'officer', $2, $3)", 3, q)))
			return;
		audit_officer(r, note ? "report.note" : "report.message", arena_printf(r->arena, "submission:%s", id), "");
	} else if (strcmp(action, "reveal") == 0) {
		const char *q[1] = { id };
		PGresult *c = db_query_bin(r->app->db, "SELECT contact_sealed FROM submission WHERE id = $1::bigint "
		    "AND contact_sealed IS NOT NULL", 1, q);
		char *plain = NULL;
		if (c && db_ok(c) && PQntuples(c) == 1)
			plain = keys_open(r->app->keys, (const unsigned char *)PQgetvalue(c, 0, 0), (size_t)PQgetlength(c, 0, 0));
		PQclear(c);
		audit_officer(r, "contact.reveal", arena_printf(r->arena, "submission:%s", id), plain ? "" : "could not open");
		const char *shown = plain ? arena_strdup(r->arena, plain) :
		    L(r, "Không mở được (thiếu khóa giải mã trên máy chủ).", "Could not be opened (the server lacks the key).");
		if (plain) {
			sodium_memzero(plain, strlen(plain));
			free(plain);
		}
		report_page(r, id, shown, NULL);
		return;
	} else {
		http_error(r, 400, MSG__MAX);
		return;
	}
	http_redirect(r, back);
}

/* GET /admin/photo/ID: a photo, only through the app, only in scope. */
void
page_admin_photo(struct req *r)
{
	const char *id = path_id(r, "/admin/photo/");
	const char *p[2] = { id ? id : "0", r->officer->unit_path };
	PGresult *res = id ? db_query_bin(r->app->db, "SELECT a.mime, a.data FROM attachment a JOIN submission s ON s.id = a.submission_id "
	    "JOIN workplace w ON w.id = s.workplace_id JOIN org_unit u ON u.id = w.unit_id "
	    "WHERE a.id = $1::bigint AND u.path LIKE $2 || '%'", 2, p) : NULL;
	if (res == NULL || !db_ok(res) || PQntuples(res) != 1) {
		PQclear(res);
		http_error(r, 404, MSG__MAX);
		return;
	}
	const char *mime = arena_strndup(r->arena, PQgetvalue(res, 0, 0), (size_t)PQgetlength(res, 0, 0));
	const char *ext = strcmp(mime, "image/png") == 0 ? "png" : strcmp(mime, "image/webp") == 0 ? "webp" : "jpg";
	r->resp_type = mime;
	r->download = true;   /* a stored file: the sandboxed headers (http.c), shown inline all the same */
	http_header(r, arena_printf(r->arena, "Content-Disposition: inline; filename=\"photo-%s.%s\"", id, ext));
	buf_append(r->out, PQgetvalue(res, 0, 1), (size_t)PQgetlength(res, 0, 1));
	PQclear(res);
}

/* The console form for a report taken by phone, in person or on paper:
 * the worker's own form definition, plus workplace and channel. */
static void
enter_page(struct req *r, int status, const char *wp, const struct form *f, const char *channel,
    const struct kvlist *values, const enum msg *errors, enum msg contact_error, const char *problem)
{
	struct buf *b = r->out;
	char idem[IDEM_LEN + 1];
	const char *old = values ? kv_get(values, "_idem") : NULL;
	if (old == NULL || !idem_valid(old)) {
		idem_new(idem);
		old = idem;
	}
	buf_reset(b);
	r->status = status;
	html_admin_begin(r, L(r, "Nhập phản ánh", "Enter a report"));
	html_raw_trusted(b, "<h1>");
	html_text(b, L(r, "Nhập phản ánh nhận qua điện thoại, trực tiếp hoặc giấy", "Enter a report taken by phone, in person or on paper"));
	html_raw_trusted(b, "</h1>");
	if (problem) {
		html_raw_trusted(b, "<p class=\"alert\" role=\"alert\">");
		html_text(b, problem);
		html_raw_trusted(b, "</p>");
	}
	if (f == NULL) {   /* step 1: which workplace, form and channel */
		const char *sp[1] = { r->officer->unit_path };
		PGresult *ws = db_query(r->app->db, "SELECT w.id, w.name FROM workplace w JOIN org_unit u ON u.id = w.unit_id "
		    "WHERE u.path LIKE $1 || '%' ORDER BY w.name LIMIT 1000", 1, sp);
		html_raw_trusted(b, "<form method=\"get\" action=\"/admin/enter\"><div class=\"field\"><label for=\"f-workplace\">");
		html_text(b, L(r, "Nơi làm việc", "Workplace"));
		html_raw_trusted(b, "</label><select id=\"f-workplace\" name=\"workplace\" required><option value=\"\">—</option>");
		for (int i = 0; ws && db_ok(ws) && i < PQntuples(ws); i++) {
			html_raw_trusted(b, "<option value=\"");
			html_attr(b, PQgetvalue(ws, i, 0));
			html_raw_trusted(b, "\">");
			html_text(b, PQgetvalue(ws, i, 1));
			html_raw_trusted(b, "</option>");
		}
		PQclear(ws);
		html_raw_trusted(b, "</select></div><div class=\"field\"><label for=\"f-form\">");
		html_text(b, L(r, "Biểu mẫu", "Form"));
		html_raw_trusted(b, "</label><select id=\"f-form\" name=\"form\" required>");
		form_options(r, NULL);
		html_raw_trusted(b, "</select></div><fieldset><legend>");
		html_text(b, L(r, "Nhận qua", "Taken by"));
		html_raw_trusted(b, "</legend><label class=\"choice\"><input type=\"radio\" name=\"channel\" value=\"phone\" checked> ");
		html_text(b, L(r, "Điện thoại", "Phone"));
		html_raw_trusted(b, "</label><label class=\"choice\"><input type=\"radio\" name=\"channel\" value=\"in_person\"> ");
		html_text(b, L(r, "Trực tiếp", "In person"));
		html_raw_trusted(b, "</label><label class=\"choice\"><input type=\"radio\" name=\"channel\" value=\"paper\"> ");
		html_text(b, L(r, "Giấy", "Paper"));
		html_raw_trusted(b, "</label></fieldset><button type=\"submit\" class=\"btn primary\">");
		html_text(b, L(r, "Tiếp tục", "Continue"));
		html_raw_trusted(b, "</button></form>");
		html_admin_end(r);
		return;
	}
	html_raw_trusted(b, "<h2>");
	html_text(b, form_label(f->title, r->lang));
	html_raw_trusted(b, "</h2>");
	html_form_begin(r, "/admin/enter", "enter");
	html_raw_trusted(b, "<input type=\"hidden\" name=\"workplace\" value=\"");
	html_attr(b, wp);
	html_raw_trusted(b, "\"><input type=\"hidden\" name=\"form\" value=\"");
	html_attr(b, f->id);
	html_raw_trusted(b, "\"><input type=\"hidden\" name=\"channel\" value=\"");
	html_attr(b, channel);
	html_raw_trusted(b, "\"><input type=\"hidden\" name=\"_idem\" value=\"");
	html_attr(b, old);
	html_raw_trusted(b, "\">");
	form_render_fields(r, f, values, errors);
	form_render_contact(r, f, values, contact_error);
	html_raw_trusted(b, "<button type=\"submit\" class=\"btn primary\">");
	html_text(b, L(r, "Lưu phản ánh", "Save the report"));
	html_raw_trusted(b, "</button></form>");
	html_admin_end(r);
}

/* GET /admin/enter (choose), GET ?workplace=&form=&channel= (the form),
 * POST (store, with channel and officer recorded, and show the receipt to
 * read out or print). Photos are not taken here. */
void
page_admin_enter(struct req *r)
{
	const struct kvlist *in = r->method == METHOD_POST ? &r->form : &r->args;
	const char *wp = kv_get_or_empty(in, "workplace"), *channel = kv_get_or_empty(in, "channel");
	const struct form *f = form_find(r->app->forms, kv_get_or_empty(in, "form"));
	if (strcmp(r->path, "/admin/enter") != 0) {
		http_error(r, 404, MSG__MAX);
		return;
	}
	if (*wp == '\0' && r->method == METHOD_GET) {
		enter_page(r, 200, NULL, NULL, NULL, NULL, NULL, MSG__MAX, NULL);
		return;
	}
	const char *q[2] = { wp, r->officer->unit_path };
	PGresult *w = strspn(wp, "0123456789") == strlen(wp) && *wp ? db_query(r->app->db,
	    "SELECT w.name FROM workplace w JOIN org_unit u ON u.id = w.unit_id WHERE w.id = $1::bigint AND u.path LIKE $2 || '%'",
	    2, q) : NULL;
	bool in_scope = w && db_ok(w) && PQntuples(w) == 1;
	PQclear(w);
	if (!in_scope || f == NULL || !submission_channel_by_officer(channel)) {
		http_error(r, in_scope ? 400 : 404, MSG__MAX);
		return;
	}
	if (r->method != METHOD_POST) {
		enter_page(r, 200, wp, f, channel, NULL, NULL, MSG__MAX, NULL);
		return;
	}
	json_t *answers;
	enum msg *errors;
	char *contact;
	const char *idem = kv_get_or_empty(in, "_idem");
	int nerr = form_validate(r->arena, f, in, &answers, &errors);
	enum msg contact_error = form_contact(r->arena, f, in, &contact);
	if (nerr > 0 || contact_error != MSG__MAX || !idem_valid(idem)) {
		json_decref(answers);
		enter_page(r, 400, wp, f, channel, in, errors, contact_error,
		    L(r, "Chưa lưu: hãy sửa các mục được đánh dấu.", "Not saved: fix the marked fields."));
		return;
	}
	char *json = json_dumps(answers, JSON_COMPACT);
	json_decref(answers);
	char digits[RECEIPT_DIGITS + 1], version[16], rhex[2 * RECEIPT_HASH_LEN + 3], grouped[RECEIPT_DIGITS + 4];
	unsigned char rhash[RECEIPT_HASH_LEN], *sealed = NULL;
	size_t sealed_len = 0;
	receipt_from_idem(r->app->keys, idem, digits);
	receipt_hash(r->app->keys, digits, rhash);
	memcpy(rhex, "\\x", 2);
	sodium_bin2hex(rhex + 2, sizeof(rhex) - 2, rhash, sizeof(rhash));
	snprintf(version, sizeof(version), "%d", f->version);
	char *shex = NULL;
	if (contact && keys_seal(r->app->keys, contact, &sealed, &sealed_len) == 0) {
		shex = arena_alloc(r->arena, 2 * sealed_len + 3);
		memcpy(shex, "\\x", 2);
		sodium_bin2hex(shex + 2, 2 * sealed_len + 1, sealed, sealed_len);
		free(sealed);
	}
	const char *p[11] = { f->id, version, wp, channel, json, r->lang == LANG_EN ? "en" : "vi", idem, rhex,
	    form_is_urgent(f, in) ? "t" : "f", shex, r->officer->id };
	PGresult *res = db_query(r->app->db,
	    "INSERT INTO submission (form_id, form_version, workplace_id, unit_id, channel, answers, lang, "
	    "idempotency_key, receipt_hash, urgent, contact_sealed, contact_consent_at, entered_by) "
	    "SELECT $1, $2::int, w.id, w.unit_id, $4, $5::jsonb, $6, $7, $8::bytea, $9::boolean, $10::bytea, "
	    "CASE WHEN $10 IS NULL THEN NULL ELSE now() END, $11::bigint FROM workplace w WHERE w.id = $3::bigint "
	    "ON CONFLICT (idempotency_key) DO NOTHING RETURNING id", 11, p);
	free(json);
	if (res == NULL || !db_ok(res)) {
		if (res)
			fprintf(stderr, "tiengnoi: officer entry failed: %s", PQresultErrorMessage(res));
		PQclear(res);
		http_error(r, res ? 500 : 503, MSG__MAX);
		return;
	}
	const char *new_id = PQntuples(res) == 1 ? arena_strdup(r->arena, PQgetvalue(res, 0, 0)) : NULL;
	PQclear(res);
	if (new_id)
		audit_officer(r, "report.enter", arena_printf(r->arena, "submission:%s", new_id), channel);
	receipt_format(digits, grouped);
	struct buf *b = r->out;
	buf_reset(b);
	r->status = 200;
	html_admin_begin(r, L(r, "Đã lưu phản ánh", "Report saved"));
	html_raw_trusted(b, "<h1>");
	html_text(b, L(r, "Đã lưu phản ánh", "Report saved"));
	html_raw_trusted(b, "</h1><p>");
	html_text(b, L(r, "Đọc mã biên nhận này cho người lao động, hoặc in ra đưa họ. Mã không được lưu ở đâu khác.",
	    "Read this receipt code to the worker, or print it for them. It is not kept anywhere else."));
	html_raw_trusted(b, "</p><p class=\"receipt\" id=\"receipt\">");
	html_text(b, grouped);
	html_raw_trusted(b, "</p><p><a class=\"btn\" href=\"/admin/enter\">");
	html_text(b, L(r, "Nhập phản ánh khác", "Enter another report"));
	html_raw_trusted(b, "</a></p>");
	html_admin_end(r);
}
