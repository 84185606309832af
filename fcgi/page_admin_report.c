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
#include "console_case.h"
#include "db.h"
#include "filters.h"
#include "fmt.h"
#include "form.h"
#include "html.h"
#include "http.h"
#include "i18n.h"
#include "log.h"
#include "page_admin.h"
#include "req.h"
#include "submission.h"
#include "text.h"
#include "token.h"

/* obj.key in the request's language, else in Vietnamese; NULL when absent. */
static const char *
i18n_of(json_t *obj, const char *key, enum lang lang)
{
	json_t *t = json_object_get(obj, key);
	json_t *v = json_object_get(t, lang == LANG_EN ? "en" : "vi");
	if (!json_is_string(v))
		v = json_object_get(t, "vi");
	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* The label of a select field's option as its form version named it; the value itself when gone. */
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
		bool ranked = strcmp(type, "rank") == 0;
		if (ranked)
			html_lit(b, "<ol>");
		else
			html_lit(b, "<ul>");
		json_array_foreach(v, i, x) {
			console_wrap(r, "<li>",
			    json_is_string(x) ? option_label(field, json_string_value(x), r->lang) : "?", "</li>");
		}
		if (ranked)
			html_lit(b, "</ol>");
		else
			html_lit(b, "</ul>");
	} else if (json_is_integer(v) && strcmp(type, "money") == 0) {
		html_text(b, fmt_money(r->arena, json_integer_value(v)));
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
		console_wrap(r, "<span class=\"pre\">", s, "</span>");
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
	html_lit(b, "<dl class=\"answers\">");
	json_array_foreach(json_object_get(def, "fields"), i, field) {
		const char *name = json_string_value(json_object_get(field, "name"));
		json_t *v = name ? json_object_get(ans, name) : NULL;
		if (v == NULL)
			continue;
		console_wrap(r, "<dt>",
		    i18n_of(field, "label", r->lang) ? i18n_of(field, "label", r->lang) : name, "</dt><dd>");
		answer_value(r, field, v);
		html_lit(b, "</dd>");
	}
	html_lit(b, "</dl>");
	json_decref(def);
	json_decref(ans);
}

/* One report as its page shows it; strings in the arena. */
struct report {
	const char *id, *form_id, *workplace, *unit, *received, *channel, *status, *assignee_id;
	const char *answers, *definition, *filed_under;
	bool urgent, sealed, flood;
};

/* The columns of report_load's query, in order. */
enum report_col {
	RC_FORM_ID, RC_WORKPLACE, RC_UNIT, RC_RECEIVED, RC_CHANNEL, RC_STATUS, RC_URGENT, RC_ASSIGNEE,
	RC_ANSWERS, RC_DEFINITION, RC_SEALED, RC_FILED_UNDER, RC_FLOOD, RC__MAX
};

/* Loads report `id` if it is inside the officer's scope: MISSING when it
 * is not (outside the scope looks exactly like absent), DB_DOWN when the
 * database is away or refused. */
static enum found
report_load(struct req *r, const char *id, struct report *out)
{
	const char *p[2] = { id, r->officer->unit_path }, *urgent, *sealed, *flood;
	*out = (struct report){ .id = id };
	const char **const f[RC__MAX] = {
		[RC_FORM_ID] = &out->form_id, [RC_WORKPLACE] = &out->workplace, [RC_UNIT] = &out->unit,
		[RC_RECEIVED] = &out->received, [RC_CHANNEL] = &out->channel, [RC_STATUS] = &out->status,
		[RC_URGENT] = &urgent, [RC_ASSIGNEE] = &out->assignee_id, [RC_ANSWERS] = &out->answers,
		[RC_DEFINITION] = &out->definition, [RC_SEALED] = &sealed, [RC_FILED_UNDER] = &out->filed_under,
		[RC_FLOOD] = &flood,
	};
	enum found found = db_row(db_query(r->app->db, "SELECT s.form_id, w.name, u.name, "
	    "to_char(s.received_at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'DD/MM/YYYY HH24:MI'), s.channel, s.status, "
	    "s.urgent, coalesce(s.assignee_id::text, ''), s.answers::text, coalesce(f.definition::text, '{}'), "
	    "s.contact_sealed IS NOT NULL, fu.name, s.flood "
	    "FROM submission s JOIN workplace w ON w.id = s.workplace_id JOIN org_unit u ON u.id = w.unit_id "
	    "JOIN org_unit fu ON fu.id = s.unit_id "
	    "LEFT JOIN form_version f ON f.form_id = s.form_id AND f.version = s.form_version "
	    "WHERE s.id = $1 AND u.path LIKE $2 || '%'", 2, p), r->arena, f, RC__MAX);
	if (found == FOUND) {
		out->urgent = urgent[0] == 't';
		out->sealed = sealed[0] == 't';
		out->flood = flood[0] == 't';
	}
	return found;
}

/* Workplace, time, channel, unit and status. */
static void
report_meta(struct req *r, const struct report *s)
{
	struct buf *b = r->out;
	html_lit(b, "<dl class=\"meta\">");
	console_meta(r, "Nơi làm việc", "Workplace", arena_printf(r->arena, "%s · %s", s->workplace, s->unit));
	console_meta(r, "Gửi lúc", "Received", s->received);
	console_meta(r, "Kênh", "Channel", submission_channel_label(s->channel, r->lang));
	console_meta(r, "Đơn vị khi nhận", "Filed under", s->filed_under);
	console_meta_status(r, "Trạng thái", "Status", "status", s->status, submission_status_label(s->status, r->lang));
	html_lit(b, "</dl>");
}

/* The report's photos, through /admin/photo/ID only. */
static void
report_photos(struct req *r, const struct report *s)
{
	struct buf *b = r->out;
	const char *p[1] = { s->id };
	PGresult *ph = db_query(r->app->db, "SELECT id FROM attachment WHERE submission_id = $1 ORDER BY id", 1, p);
	enum { PH_ID };
	if (ph && db_ok(ph) && PQntuples(ph) > 0) {
		console_heading(r, 2, NULL, "Ảnh (đã xóa vị trí)", "Photos (location removed)");
		html_lit(b, "<ul class=\"photos\">");
		for (int i = 0; i < PQntuples(ph); i++) {
			html_lit(b, "<li><a href=\"/admin/photo/");
			html_url_arg(b, PQgetvalue(ph, i, PH_ID));
			html_lit(b, "\"><img alt=\"");
			html_attr(b, arena_printf(r->arena, "%s %d", L(r, "Ảnh", "Photo"), i + 1));
			html_lit(b, "\" src=\"/admin/photo/");
			html_url_arg(b, PQgetvalue(ph, i, PH_ID));
			html_lit(b, "\" loading=\"lazy\"></a></li>");
		}
		html_lit(b, "</ul>");
	}
	PQclear(ph);
}

/* Opens a form that posts to the report (the caller adds its action). */
static void
action_form(struct req *r, const struct report *s, const char *cls)
{
	html_form_begin(r, arena_printf(r->arena, "/admin/s/%s", s->id), cls);
}

/* One revealed detail: label, value (id `id`), for a phone a tel: link,
 * and a copy button that admin.js shows (without JS the value is plain
 * text to select). */
static void
contact_row(struct req *r, const char *label, const char *id, const char *value, bool phone, bool copy)
{
	struct buf *b = r->out;
	console_wrap(r, "<dt>", label, "</dt><dd>");
	if (phone) {
		struct buf tel = { 0 };   /* only what a dialler takes: digits and a leading + */
		for (const char *p = value; *p; p++)
			if ((*p >= '0' && *p <= '9') || (*p == '+' && p == value))
				buf_append(&tel, p, 1);
		html_lit(b, "<a href=\"tel:");
		html_attr(b, tel.data ? tel.data : "");
		html_lit(b, "\" id=\"");
		html_attr(b, id);
		console_wrap(r, "\">", value, "</a>");
		buf_free(&tel);
	} else {
		html_lit(b, "<span id=\"");
		html_attr(b, id);
		console_wrap(r, "\">", value, "</span>");
	}
	if (copy) {
		html_lit(b, " <button type=\"button\" class=\"btn small copy\" hidden data-copy=\"");
		html_attr(b, value);
		html_lit(b, "\" data-done=\"");
		html_attr(b, L(r, "Đã chép", "Copied"));
		console_wrap(r, "\">", L(r, "Chép", "Copy"), "</button>");
	}
	html_lit(b, "</dd>");
}

/* The revealed contact details (the sealed JSON object the worker form
 * made: name, phone, zalo) as labelled fields, id "contact"; anything
 * else (an older shape, a non-object) is shown as the text it is. */
static void
contact_details(struct req *r, const char *contact)
{
	struct buf *b = r->out;
	json_t *o = json_loads(contact, 0, NULL);
	if (!json_is_object(o)) {
		json_decref(o);
		console_wrap(r, "<pre class=\"contact\" id=\"contact\">", contact, "</pre>");
		return;
	}
	static const struct { const char *key, *vi, *en, *id; bool phone, copy; } known[] = {
		{ "name", "Tên", "Name", "c-name", false, false },
		{ "phone", "Điện thoại", "Phone", "c-phone", true, true },
		{ "zalo", "Zalo", "Zalo", "c-zalo", false, true },
	};
	html_lit(b, "<dl class=\"meta contact\" id=\"contact\">");
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		const char *v = json_string_value(json_object_get(o, known[i].key));
		if (v && *v)
			contact_row(r, L(r, known[i].vi, known[i].en), known[i].id, v, known[i].phone, known[i].copy);
	}
	const char *key;
	json_t *val;
	json_object_foreach(o, key, val) {   /* a key this page does not know is still shown, as given */
		bool listed = false;
		for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
			listed = listed || strcmp(key, known[i].key) == 0;
		if (!listed || !json_is_string(val)) {
			char *text = json_dumps(val, JSON_ENCODE_ANY);
			contact_row(r, key, "c-other", text ? text : "", false, false);
			free(text);
		}
	}
	html_lit(b, "</dl>");
	json_decref(o);
}

/* Contact: hidden until an officer presses reveal, which is audited;
 * `contact` (NULL unless just revealed) is shown once. */
static void
report_contact(struct req *r, const struct report *s, const char *contact, bool can_act)
{
	if (!s->sealed)
		return;
	console_heading(r, 2, NULL, "Liên lạc", "Contact");
	if (contact) {
		contact_details(r, contact);
	} else if (can_act) {
		action_form(r, s, "inline");
		console_wrap(r, "<input type=\"hidden\" name=\"action\" value=\"reveal\"><button type=\"submit\" class=\"btn\" id=\"reveal\">",
		    L(r, "Xem thông tin liên lạc (được ghi nhật ký)", "Reveal contact details (recorded)"),
		    "</button></form>");
	}
}

/* A worker's stoppage report: the way to record the stoppage from it
 * (/admin/stoppages?report=ID, prefilled), or that it is recorded. */
static void
stoppage_link(struct req *r, const char *id)
{
	const char *p[1] = { id };
	PGresult *res = db_query(r->app->db, "SELECT count(*) FROM work_stoppage WHERE submission_id = $1::bigint", 1, p);
	bool recorded = db_scalar(res) && strcmp(db_scalar(res), "0") != 0;
	PQclear(res);
	if (recorded) {
		console_wrap(r, "<p id=\"stoppage-recorded\"><a href=\"/admin/stoppages\">",
		    L(r, "Đã ghi thành một cuộc ngừng việc tập thể.", "Recorded as a collective work stoppage."), "</a></p>");
		return;
	}
	html_lit(r->out, "<p><a class=\"btn\" id=\"record-stoppage\" href=\"/admin/stoppages?report=");
	html_url_arg(r->out, id);
	console_wrap(r, "\">", L(r, "Ghi thành cuộc ngừng việc tập thể", "Record as a collective work stoppage"), "</a></p>");
}

/* Create a case, change the status, assign an officer in scope. */
static void
report_handling(struct req *r, const struct report *s)
{
	struct buf *b = r->out;
	console_heading(r, 2, NULL, "Xử lý", "Handling");
	int cases = case_report_links(r, s->id, "report-cases", "", L(r, "Vụ việc từ phản ánh này:", "Cases from this report:"));
	html_lit(b, "<p><a class=\"btn\" id=\"create-case\" href=\"/admin/cases/new?from=");
	html_url_arg(b, s->id);
	console_wrap(r, "\">", cases > 0 ? L(r, "Tạo thêm một vụ việc", "Create another case") : L(r, "Tạo vụ việc", "Create a case"),
	    "</a></p>");
	if (strcmp(s->form_id, "stoppage") == 0)
		stoppage_link(r, s->id);
	action_form(r, s, "inline");
	console_wrap(r, "<input type=\"hidden\" name=\"action\" value=\"status\"><label>",
	    L(r, "Trạng thái", "Status"), " <select name=\"status\" id=\"f-status\">");
	for (size_t i = 0; i < SUBMISSION_NSTATUSES; i++) {
		const struct submission_label *st = &submission_statuses[i];
		console_option(r, st->value, L(r, st->vi, st->en), strcmp(st->value, s->status) == 0);
	}
	html_lit(b, "</select></label> ");
	console_submit(r, "btn", "Đổi trạng thái", "Change status");
	/* urgent: first in the queue while new; a survey answer marked so enters the queue */
	action_form(r, s, "inline");
	html_lit(b, "<input type=\"hidden\" name=\"action\" value=\"urgent\">");
	filters_hidden(b, "urgent", s->urgent ? "0" : "1");
	console_submit(r, "btn", s->urgent ? "Bỏ đánh dấu khẩn" : "Đánh dấu khẩn", s->urgent ? "Unmark urgent" : "Mark urgent");

	const char *sp[1] = { r->officer->unit_path };
	PGresult *os = db_query(r->app->db, "SELECT o.id, coalesce(nullif(o.display_name, ''), o.username) FROM officer o "
	    "JOIN org_unit u ON u.id = o.unit_id WHERE u.path LIKE $1 || '%' AND o.role <> 'viewer' "
	    "AND o.disabled_at IS NULL ORDER BY 2 LIMIT 300", 1, sp);
	enum { OS_ID, OS_NAME };
	action_form(r, s, "inline");
	console_wrap(r, "<input type=\"hidden\" name=\"action\" value=\"assign\"><label>",
	    L(r, "Người phụ trách", "Assignee"), " <select name=\"assignee\" id=\"f-assignee\">");
	console_option(r, "", "—", false);
	for (int i = 0; os && db_ok(os) && i < PQntuples(os); i++)
		console_option(r, PQgetvalue(os, i, OS_ID), PQgetvalue(os, i, OS_NAME), strcmp(PQgetvalue(os, i, OS_ID), s->assignee_id) == 0);
	PQclear(os);
	html_lit(b, "</select></label> ");
	console_submit(r, "btn", "Giao việc", "Assign");
}

/* The box under the messages or the notes: a text of at most 4000
 * characters posted with action=`action` (a literal: "message", "note"),
 * its field "f-ACTION". */
static void
text_box(struct req *r, const struct report *s, const char *action, const char *label, const char *cls,
    const char *vi, const char *en)
{
	struct buf *b = r->out;
	action_form(r, s, NULL);
	html_lit(b, "<input type=\"hidden\" name=\"action\" value=\"");
	html_attr(b, action);
	html_lit(b, "\"><div class=\"field\"><label for=\"f-");
	html_attr(b, action);
	console_wrap(r, "\">", label, "</label><textarea id=\"f-");
	html_attr(b, action);
	html_lit(b, "\" name=\"body\" rows=\"3\" maxlength=\"4000\" required></textarea></div>");
	console_submit(r, cls, vi, en);
}

/* The columns of a report's entries: messages with the worker, then
 * internal notes ('message' or 'note'), each who wrote it (NULL: the
 * worker), when and the text, oldest first. */
enum entry_col { E_KIND, E_WHO, E_AT, E_BODY };

/* The entries of `res` of one kind (`thread`: the messages, else the
 * notes) as their list, each who and when, then the text. */
static void
entry_list(struct req *r, PGresult *res, bool thread)
{
	struct buf *b = r->out;
	if (thread)
		html_lit(b, "<ol class=\"thread\" id=\"thread\">");
	else
		html_lit(b, "<ul class=\"notes\" id=\"notes\">");
	for (int i = 0; res && db_ok(res) && i < PQntuples(res); i++) {
		if ((strcmp(PQgetvalue(res, i, E_KIND), "message") == 0) != thread)
			continue;
		if (!thread)
			html_lit(b, "<li>");
		else if (PQgetisnull(res, i, E_WHO))
			html_lit(b, "<li class=\"from-worker\">");
		else
			html_lit(b, "<li class=\"from-union\">");
		const char *who = PQgetisnull(res, i, E_WHO) ? L(r, "Người lao động", "Worker") : PQgetvalue(res, i, E_WHO);
		console_wrap(r, "<p class=\"who\">",
		    arena_printf(r->arena, "%s · %s", who, PQgetvalue(res, i, E_AT)), "</p><p class=\"body\">");
		html_text(b, PQgetvalue(res, i, E_BODY));
		html_lit(b, "</p></li>");
	}
	if (thread)
		html_lit(b, "</ol>");
	else
		html_lit(b, "</ul>");
}

/* The messages with the worker and the box to write one; then the
 * internal notes and the box to add one. */
static void
report_entries(struct req *r, const struct report *s, bool can_act)
{
	const char *p[1] = { s->id };
	PGresult *res = db_query(r->app->db, "SELECT 'message', CASE m.author WHEN 'officer' THEN "
	    "coalesce(nullif(o.display_name, ''), o.username, '') END, "
	    "to_char(m.created_at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'DD/MM/YYYY HH24:MI'), m.body, m.created_at, m.id "
	    "FROM message m LEFT JOIN officer o ON o.id = m.officer_id WHERE m.submission_id = $1 "
	    "UNION ALL SELECT 'note', coalesce(nullif(o.display_name, ''), o.username), "
	    "to_char(n.created_at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'DD/MM/YYYY HH24:MI'), n.body, n.created_at, n.id "
	    "FROM note n JOIN officer o ON o.id = n.officer_id WHERE n.submission_id = $1 ORDER BY 1, 5, 6", 1, p);
	console_heading(r, 2, NULL, "Trao đổi với người lao động", "Messages with the worker");
	entry_list(r, res, true);
	if (can_act)
		text_box(r, s, "message", L(r, "Nhắn người lao động (họ đọc được bằng mã biên nhận)",
		    "Message the worker (they read it with their receipt)"), "btn primary", "Gửi tin nhắn", "Send message");
	console_heading(r, 2, NULL, "Ghi chú nội bộ (người lao động không thấy)", "Internal notes (the worker never sees them)");
	entry_list(r, res, false);
	if (can_act)
		text_box(r, s, "note", L(r, "Thêm ghi chú", "Add a note"), "btn", "Lưu ghi chú", "Save note");
	PQclear(res);
}

/* The report page with `status`. `contact` (NULL unless just revealed) is
 * shown once; `notice` (may be NULL) above the facts. 404 outside the
 * scope, 503 when the database is away. */
static void
report_page(struct req *r, int status, const char *id, const char *contact, const char *notice)
{
	struct buf *b = r->out;
	struct report s = { 0 };
	if (!console_found(r, report_load(r, id, &s)))
		return;
	const struct form *fm = form_find(r->app->forms, s.form_id);
	bool can_act = r->officer->role >= ROLE_OFFICER;
	char *title = arena_printf(r->arena, "%s #%s", fm ? form_label(fm->title, r->lang) : s.form_id, id);
	console_restart(r, status, title);
	console_back(r, "/admin/", "← Hàng đợi", "← Queue");
	html_lit(b, "<h1>");
	html_text(b, title);
	if (s.urgent) {
		console_wrap(r, " <strong class=\"tag urgent\">", L(r, "KHẨN", "URGENT"), "</strong>");
	}
	html_lit(b, "</h1>");
	if (notice) {
		console_wrap(r, "<p class=\"note\" role=\"status\">", notice, "</p>");
	}
	if (s.flood) {   /* stored, never refused (sql/029): the officer weighs it */
		console_wrap(r, "<p class=\"alert\" id=\"flood-note\">", L(r,
		    "Gửi lúc có gửi dồn bất thường: phản ánh này đến khi mã QR của nơi làm việc đang nhận hơn 120 phản ánh "
		    "một phút, có thể có người gửi dồn để phá. Phản ánh vẫn được lưu; hãy đọc kỹ trước khi xử lý.",
		    "Sent during a flood: this report arrived while the workplace's QR code was taking more than 120 "
		    "reports a minute, perhaps someone flooding it. It was stored anyway; read it carefully before acting."), "</p>");
	}
	report_meta(r, &s);
	console_heading(r, 2, NULL, "Nội dung", "Answers");
	render_answers(r, s.definition, s.answers);
	report_photos(r, &s);
	report_contact(r, &s, contact, can_act);
	if (can_act)
		report_handling(r, &s);
	report_entries(r, &s, can_act);
	console_end(r);
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

/* GET /admin/s/ID: the report; 404 outside the officer's scope. */
void
page_admin_report(struct req *r)
{
	report_page(r, 200, r->id[0], NULL, NULL);
}

/* Shows the contact details sealed with report `id` once, audited. */
static void
report_reveal(struct req *r, const char *id)
{
	const char *q[1] = { id };
	PGresult *c = db_query_bin(r->app->db, "SELECT contact_sealed FROM submission WHERE id = $1::bigint "
	    "AND contact_sealed IS NOT NULL", 1, q);
	enum { C_SEALED };
	char *plain = NULL;
	if (c && db_ok(c) && PQntuples(c) == 1)
		plain = keys_open(r->app->keys, (const unsigned char *)PQgetvalue(c, 0, C_SEALED), (size_t)PQgetlength(c, 0, C_SEALED));
	PQclear(c);
	audit_officer(r, "contact.reveal", arena_printf(r->arena, "submission:%s", id), plain ? "" : "could not open");
	const char *shown = plain ? arena_strdup(r->arena, plain) :
	    L(r, "Không mở được (thiếu khóa giải mã trên máy chủ).", "Could not be opened (the server lacks the key).");
	if (plain) {
		sodium_memzero(plain, strlen(plain));
		free(plain);
	}
	report_page(r, 200, id, shown, NULL);
}

/* POST /admin/s/ID (officers and admins, by the route): action=status,
 * assign, urgent (urgent=1|0), note, message or reveal; then back to the report. 404 outside
 * the scope, 503 when the database is away, 400 for an unknown action or
 * value. */
void
page_admin_report_act(struct req *r)
{
	const char *id = r->id[0];
	struct report s;   /* the report must be in scope before anything is done to it */
	if (!console_found(r, report_load(r, id, &s)))
		return;
	const char *old_status = s.status;
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
		if (*who && !fmt_is_digits(who, 18)) {
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
		const char *body = console_posted_max(r, "body", 4000);
		if (body == NULL || *body == '\0') {
			report_page(r, 400, id, NULL, L(r, "Nội dung trống hoặc quá dài (tối đa 4000 ký tự).", "Empty or too long (4000 characters at most)."));
			return;
		}
		const char *q[3] = { id, r->officer->id, body };
		bool note = strcmp(action, "note") == 0;
		PGresult *res;
		if (note)
			res = db_query(r->app->db, "INSERT INTO note (submission_id, officer_id, body) VALUES ($1, $2, $3)", 3, q);
		else
			res = db_query(r->app->db, "INSERT INTO message (submission_id, author, officer_id, body) VALUES ($1, 'officer', $2, $3)", 3, q);
		if (!act(r, res))
			return;
		audit_officer(r, note ? "report.note" : "report.message", arena_printf(r->arena, "submission:%s", id), "");
	} else if (strcmp(action, "urgent") == 0) {
		const char *u = kv_get_or_empty(&r->form, "urgent");
		if (strcmp(u, "1") != 0 && strcmp(u, "0") != 0) {
			http_error(r, 400, MSG__MAX);
			return;
		}
		const char *q[2] = { id, u };
		if (!act(r, db_query(r->app->db, "UPDATE submission SET urgent = ($2 = '1') WHERE id = $1", 2, q)))
			return;
		audit_officer(r, "report.urgent", arena_printf(r->arena, "submission:%s", id), u);
	} else if (strcmp(action, "reveal") == 0) {
		report_reveal(r, id);
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
	const char *id = r->id[0];
	const char *p[2] = { id, r->officer->unit_path };
	PGresult *res = db_query_bin(r->app->db, "SELECT a.mime, a.data FROM attachment a JOIN submission s ON s.id = a.submission_id "
	    "JOIN workplace w ON w.id = s.workplace_id JOIN org_unit u ON u.id = w.unit_id "
	    "WHERE a.id = $1::bigint AND u.path LIKE $2 || '%'", 2, p);
	enum { PH_MIME, PH_DATA };
	if (res == NULL || !db_ok(res) || PQntuples(res) != 1) {
		PQclear(res);
		http_error(r, 404, MSG__MAX);
		return;
	}
	const char *mime = arena_strndup(r->arena, PQgetvalue(res, 0, PH_MIME), (size_t)PQgetlength(res, 0, PH_MIME));
	const char *ext = strcmp(mime, "image/png") == 0 ? "png" : strcmp(mime, "image/webp") == 0 ? "webp" : "jpg";
	http_reply(r, mime, PQgetvalue(res, 0, PH_DATA), (size_t)PQgetlength(res, 0, PH_DATA));
	r->download = true;   /* a stored file: the sandboxed headers (http.c), shown inline all the same */
	http_header(r, arena_printf(r->arena, "Content-Disposition: inline; filename=\"photo-%s.%s\"", id, ext));
	PQclear(res);
}

/* The step of an entry a page shows: which workplace, form and channel
 * (f NULL), or the form itself with what was typed and its errors. */
struct entry {
	const char *workplace, *channel;
	const struct form *form;
	const struct kvlist *values;
	const enum msg *errors;
	enum msg contact_error;
};

/* Step 1 of an entry: which workplace, form and channel. */
static void
enter_choose(struct req *r)
{
	struct buf *b = r->out;
	PGresult *ws = filters_workplaces(r, 1000);
	html_lit(b, "<form method=\"get\" action=\"/admin/enter\">");
	console_field_begin(r, "f-workplace", L(r, "Nơi làm việc", "Workplace"), NULL, NULL);
	html_lit(b, "<select id=\"f-workplace\" name=\"workplace\" required><option value=\"\">—</option>");
	for (int i = 0; ws && db_ok(ws) && i < PQntuples(ws); i++)
		console_option(r, PQgetvalue(ws, i, FW_ID), PQgetvalue(ws, i, FW_NAME), false);
	PQclear(ws);
	html_lit(b, "</select></div>");
	console_field_begin(r, "f-form", L(r, "Biểu mẫu", "Form"), NULL, NULL);
	html_lit(b, "<select id=\"f-form\" name=\"form\">");   /* a form is always chosen: the first is preselected */
	form_options(r, NULL);
	console_wrap(r, "</select></div><fieldset><legend>", L(r, "Nhận qua", "Taken by"), "</legend>");
	for (size_t i = 0; i < SUBMISSION_NCHANNELS; i++) {   /* the ways an officer takes a report, phone first */
		const struct submission_label *ch = &submission_channels[i];
		if (submission_channel_by_officer(ch->value))
			console_check(r, "choice", "radio", "channel", ch->value, L(r, ch->vi, ch->en), strcmp(ch->value, "phone") == 0);
	}
	html_lit(b, "</fieldset>");
	console_submit(r, "btn primary", "Tiếp tục", "Continue");
}

/* The console form for a report taken by phone, in person or on paper:
 * the worker's own form definition, plus workplace and channel (step 1
 * when e->form is NULL). `problem` (may be NULL) above it, with `status`. */
static void
enter_page(struct req *r, int status, const struct entry *e, const char *problem)
{
	struct buf *b = r->out;
	char idem[IDEM_LEN + 1];
	const char *old = e->values ? kv_get(e->values, "_idem") : NULL;
	if (old == NULL || !idem_valid(old)) {
		idem_new(idem);
		old = idem;
	}
	console_restart(r, status, L(r, "Nhập phản ánh", "Enter a report"));
	console_heading(r, 1, NULL, "Nhập phản ánh nhận qua điện thoại, trực tiếp hoặc giấy",
	    "Enter a report taken by phone, in person or on paper");
	console_alert(r, problem);
	if (e->form == NULL) {
		enter_choose(r);
		console_end(r);
		return;
	}
	console_wrap(r, "<h2>", form_label(e->form->title, r->lang), "</h2>");
	html_form_begin(r, "/admin/enter", "enter");
	filters_hidden(b, "workplace", e->workplace);
	filters_hidden(b, "form", e->form->id);
	filters_hidden(b, "channel", e->channel);
	filters_hidden(b, "_idem", old);
	form_render_fields(r, e->form, e->values, e->errors, NULL);
	form_render_contact(r, e->form, e->values, e->contact_error);
	console_submit(r, "btn primary", "Lưu phản ánh", "Save the report");
	console_end(r);
}

/* Reads the workplace, form and channel an entry names from `in`. false
 * after 404 (a workplace outside the scope) or 400 (no such form or
 * channel). */
static bool
enter_target(struct req *r, const struct kvlist *in, struct entry *e)
{
	*e = (struct entry){ .workplace = kv_get_or_empty(in, "workplace"), .channel = kv_get_or_empty(in, "channel"),
	    .form = form_find(r->app->forms, kv_get_or_empty(in, "form")), .contact_error = MSG__MAX };
	const char *q[2] = { e->workplace, r->officer->unit_path };
	PGresult *w = NULL;
	if (fmt_is_id(e->workplace))
		w = db_query(r->app->db, "SELECT 1 FROM workplace w JOIN org_unit u ON u.id = w.unit_id "
		    "WHERE w.id = $1::bigint AND u.path LIKE $2 || '%'", 2, q);
	bool in_scope = w && db_ok(w) && PQntuples(w) == 1;
	PQclear(w);
	if (!in_scope || e->form == NULL || !submission_channel_by_officer(e->channel)) {
		http_error(r, in_scope ? 400 : 404, MSG__MAX);
		return false;
	}
	return true;
}

/* GET /admin/enter (choose), GET ?workplace=&form=&channel= (the form);
 * officers and admins, by the route. */
void
page_admin_enter(struct req *r)
{
	struct entry e = { .contact_error = MSG__MAX };
	if (*kv_get_or_empty(&r->args, "workplace") == '\0') {
		enter_page(r, 200, &e, NULL);
		return;
	}
	if (enter_target(r, &r->args, &e))
		enter_page(r, 200, &e, NULL);
}

/* The receipt to read out or print, once the entry is stored. */
static void
enter_saved(struct req *r, const char *digits)
{
	struct buf *b = r->out;
	char grouped[RECEIPT_DIGITS + 4];
	receipt_format(digits, grouped);
	console_page(r, 200, L(r, "Đã lưu phản ánh", "Report saved"));
	html_lit(b, "<p>");
	html_text(b, L(r, "Đọc mã biên nhận này cho người lao động, hoặc in ra đưa họ. Mã không được lưu ở đâu khác.",
	    "Read this receipt code to the worker, or print it for them. It is not kept anywhere else."));
	console_wrap(r, "</p><p class=\"receipt\" id=\"receipt\">",
	    grouped, "</p><p><a class=\"btn\" href=\"/admin/enter\">");
	html_text(b, L(r, "Nhập phản ánh khác", "Enter another report"));
	html_lit(b, "</a></p>");
	console_end(r);
}

/* POST /admin/enter (officers and admins, by the route): stores the
 * report with its channel and officer recorded and shows the receipt.
 * 400 with the form again when a field is wrong. Photos are not taken here. */
void
page_admin_enter_save(struct req *r)
{
	const struct kvlist *in = &r->form;
	struct entry e;
	if (!enter_target(r, in, &e))
		return;
	json_t *answers;
	enum msg *errors;
	char *contact;
	const char *idem = kv_get_or_empty(in, "_idem");
	int nerr = form_validate(r->arena, e.form, in, &answers, &errors);
	enum msg contact_error = form_contact(r->arena, e.form, in, &contact);
	if (nerr > 0 || contact_error != MSG__MAX || !idem_valid(idem)) {
		json_decref(answers);
		e.values = in;
		e.errors = errors;
		e.contact_error = contact_error;
		enter_page(r, 400, &e, L(r, "Chưa lưu: hãy sửa các mục được đánh dấu.", "Not saved: fix the marked fields."));
		return;
	}
	char *json = json_dumps(answers, JSON_COMPACT);
	json_decref(answers);
	char digits[RECEIPT_DIGITS + 1], version[16], rhex[2 * RECEIPT_HASH_LEN + 3];
	unsigned char rhash[RECEIPT_HASH_LEN], *sealed = NULL;
	size_t sealed_len = 0;
	receipt_from_idem(r->app->keys, idem, digits);
	receipt_hash(r->app->keys, digits, rhash);
	memcpy(rhex, "\\x", 2);
	sodium_bin2hex(rhex + 2, sizeof(rhex) - 2, rhash, sizeof(rhash));
	snprintf(version, sizeof(version), "%d", e.form->version);
	char *shex = NULL;
	if (contact && keys_seal(r->app->keys, contact, &sealed, &sealed_len) == 0) {
		shex = arena_alloc(r->arena, 2 * sealed_len + 3);
		memcpy(shex, "\\x", 2);
		sodium_bin2hex(shex + 2, 2 * sealed_len + 1, sealed, sealed_len);
		free(sealed);
	}
	const char *p[11] = { e.form->id, version, e.workplace, e.channel, json, r->lang == LANG_EN ? "en" : "vi", idem, rhex,
	    form_is_urgent(e.form, in) ? "t" : "f", shex, r->officer->id };
	PGresult *res = db_query(r->app->db,
	    "INSERT INTO submission (form_id, form_version, workplace_id, unit_id, channel, answers, lang, "
	    "idempotency_key, receipt_hash, urgent, contact_sealed, contact_consent_at, entered_by) "
	    "SELECT $1, $2::int, w.id, w.unit_id, $4, $5::jsonb, $6, $7, $8::bytea, $9::boolean, $10::bytea, "
	    "CASE WHEN $10 IS NULL THEN NULL ELSE now() END, $11::bigint FROM workplace w WHERE w.id = $3::bigint "
	    "ON CONFLICT (idempotency_key) DO NOTHING RETURNING id", 11, p);
	free(json);
	if (res == NULL || !db_ok(res)) {
		console_db_failed(r, res, "officer entry failed");
		return;
	}
	const char *new_id = db_scalar(res);   /* none when the same entry was stored already */
	new_id = new_id ? arena_strdup(r->arena, new_id) : NULL;
	PQclear(res);
	if (new_id)
		audit_officer(r, "report.enter", arena_printf(r->arena, "submission:%s", new_id), e.channel);
	enter_saved(r, digits);
}
