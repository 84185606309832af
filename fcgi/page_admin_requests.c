/* page_admin_requests.c: /admin/requests: data-subject requests of the admin's scope (Law 91/2025): record, acknowledge, complete or refuse, see and download what a receipt holds, correct and delete. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libpq-fe.h>

#include "app.h"
#include "arena.h"
#include "auth.h"
#include "buf.h"
#include "db.h"
#include "deadline.h"
#include "html.h"
#include "http.h"
#include "fmt.h"
#include "i18n.h"
#include "page_admin.h"
#include "privacy.h"
#include "req.h"
#include "text.h"

#define CORRECTION_MAX 2000   /* characters of a correction note (a report note holds 4000) */

/* What a finished action says on the page it redirects to (?done=KEY). */
static const struct console_notice notices[] = {
	{ "added", "Đã ghi nhận yêu cầu. Hãy xác nhận với người yêu cầu trước hạn ghi trong bảng.",
	  "The request is recorded. Acknowledge it to the person before the day shown." },
	{ "ack", "Đã ghi nhận việc xác nhận yêu cầu.", "The request is marked acknowledged." },
	{ "done", "Đã đánh dấu yêu cầu là xong.", "The request is marked done." },
	{ "refuse", "Đã ghi nhận việc từ chối và lý do.", "The refusal and its reason are recorded." },
	{ "erased", "Đã xóa thông tin của phản ánh (ẩn danh hóa). Mã biên nhận không còn tìm thấy gì.", "The report was anonymised. Its receipt no longer finds anything." },
	{ "corrected", "Đã ghi nội dung chỉnh sửa thành ghi chú nội bộ của phản ánh.", "The correction is recorded as an internal note on the report." },
};

/* A posted text, trimmed, kept as typed; *error set when it is longer
 * than max characters (the dispatcher already refused bad UTF-8 and
 * control characters). */
static const char *
posted(struct req *r, const char *name, size_t max, const char **error)
{
	const char *v = console_posted(r, name);
	if (text_length(v) > max)
		*error = console_too_long(r, max);
	return v;
}

/* The values and errors of the "record a request" form. */
struct add_form {
	const char *kind, *receipt, *subject, *note;
	const char *e_kind, *e_receipt, *e_subject, *e_note;
};

static void
add_form_render(struct req *r, const struct add_form *f)
{
	struct buf *b = r->out;
	console_section_id(r, "add", "Ghi nhận yêu cầu mới", "Record a new request");
	console_hint(r, L(r, "Nhập mã biên nhận 16 chữ số của người lao động, hoặc mô tả cách nhận diện người yêu cầu nếu họ không có mã "
	    "(mã chỉ được lưu dưới dạng băm, không lưu nguyên văn).",
	    "Enter the worker's 16-digit receipt code, or describe how the person can be identified when they have none "
	    "(the code is stored only as a keyed hash, never as typed)."));
	console_action_open(r, "/admin/requests", "stack", "add", NULL, NULL);
	console_field_begin(r, "f-kind", L(r, "Loại yêu cầu", "Kind of request"), NULL, f->e_kind);
	html_lit(b, "<select id=\"f-kind\" name=\"kind\"");
	console_field_invalid(r, "f-kind", f->e_kind);
	html_lit(b, ">");
	for (size_t i = 0; i < PRIVACY_NKINDS; i++)
		console_option(r, privacy_kinds[i].value, L(r, privacy_kinds[i].vi, privacy_kinds[i].en),
		    strcmp(f->kind, privacy_kinds[i].value) == 0);
	html_lit(b, "</select></div>");
	console_field_begin(r, "f-receipt", L(r, "Mã biên nhận", "Receipt code"), NULL, f->e_receipt);
	html_lit(b, "<input id=\"f-receipt\" name=\"receipt\" inputmode=\"numeric\" autocomplete=\"off\" maxlength=\"40\"");
	console_field_invalid(r, "f-receipt", f->e_receipt);
	html_lit(b, " value=\"");
	html_attr(b, f->receipt);
	html_lit(b, "\"></div>");
	console_textarea(r, "f-subject", "subject", L(r, "Hoặc: mô tả người yêu cầu (khi không có mã)", "Or: who the person is (without a receipt)"),
	    f->subject, f->e_subject, 2, 500, false);
	console_textarea(r, "f-note", "note", L(r, "Ghi chú", "Note"), f->note, f->e_note, 2, 2000, false);
	console_submit(r, "btn", "Ghi nhận", "Record");
	html_lit(b, "</section>");
}

/* The list of requests the admin's transaction sees, open ones first,
 * with the add form; `f` keeps what was typed when it was refused. */
static void
list_page(struct req *r, int status, const struct add_form *f)
{
	struct buf *b = r->out;
	console_page(r, status, L(r, "Yêu cầu về dữ liệu cá nhân", "Data-subject requests"));
	console_hint(r, L(r, "Luật 91/2025/QH15, Nghị định 356/2025: xác nhận đã nhận yêu cầu trong 2 ngày làm việc.",
	    "Law 91/2025/QH15, Decree 356/2025: acknowledge a request within 2 working days."));
	console_notice(r, notices, sizeof(notices) / sizeof(notices[0]));
	PGresult *res = privacy_request_list(r->app->db, NULL);
	if (!db_ok(res)) {
		PQclear(res);
		http_error(r, 503, MSG__MAX);
		return;
	}
	bool past_calendar = false;
	long overdue = 0;
	for (int i = 0; i < PQntuples(res); i++) {
		past_calendar |= strcmp(PQgetvalue(res, i, REQUEST_STATUS), "received") == 0 && PQgetvalue(res, i, REQUEST_PAST_CALENDAR)[0] == 't';
		overdue += strcmp(PQgetvalue(res, i, REQUEST_ATTENTION), "OVERDUE") == 0;
	}
	if (overdue > 0)
		console_wrap(r, "<p class=\"alert\" role=\"alert\" id=\"overdue\">", r->lang == LANG_EN ?
		    arena_printf(r->arena, "%ld request(s) not acknowledged in time.", overdue) :
		    arena_printf(r->arena, "%ld yêu cầu đã quá hạn xác nhận.", overdue), "</p>");
	if (past_calendar)
		deadline_calendar_notice(r, NULL, true, true);
	static const struct console_label cols[] = {
		{ "Số", "No." }, { "Loại", "Kind" }, { "Trạng thái", "Status" }, { "Nhận lúc", "Received" },
		{ "Hạn xác nhận", "Acknowledge by" }, { "Nhận diện", "Identified by" }, { "Đơn vị", "Unit" }, { "Ghi chú", "Note" },
	};
	console_table_kept(r, PQntuples(res), "<table class=\"queue\" id=\"requests\">", cols, sizeof(cols) / sizeof(cols[0]),
	    "Chưa có yêu cầu nào.", "No requests yet.");
	for (int i = 0; i < PQntuples(res); i++) {
		bool late = strcmp(PQgetvalue(res, i, REQUEST_ATTENTION), "OVERDUE") == 0;
		struct kv data[2] = { { "id", PQgetvalue(res, i, REQUEST_ID), 0 }, { "status", PQgetvalue(res, i, REQUEST_STATUS), 0 } };
		console_tr(r, late ? "urgent" : NULL, data, 2);
		console_td_link(r, arena_printf(r->arena, "/admin/requests/%s", PQgetvalue(res, i, REQUEST_ID)),
		    arena_printf(r->arena, "#%s", PQgetvalue(res, i, REQUEST_ID)));
		console_td(r, vocab_label(privacy_kinds, PRIVACY_NKINDS, PQgetvalue(res, i, REQUEST_KIND), r->lang));
		console_td(r, vocab_label(privacy_statuses, PRIVACY_NSTATUSES, PQgetvalue(res, i, REQUEST_STATUS), r->lang));
		console_td(r, fmt_dmy(r->arena, PQgetvalue(res, i, REQUEST_RECEIVED)));
		console_wrap(r, "<td>", fmt_dmy(r->arena, PQgetvalue(res, i, REQUEST_ACK_BY)), "");
		if (late)
			console_wrap(r, " <span class=\"tag urgent\">", L(r, "quá hạn", "overdue"), "</span>");
		html_lit(b, "</td>");
		bool by_receipt = PQgetvalue(res, i, REQUEST_BY_RECEIPT)[0] == 't';
		console_td(r, by_receipt ? L(r, "mã biên nhận", "receipt code") : PQgetvalue(res, i, REQUEST_WHO));
		console_td(r, PQgetvalue(res, i, REQUEST_UNIT));
		console_td(r, PQgetvalue(res, i, REQUEST_NOTE));
		html_lit(b, "</tr>");
	}
	html_lit(b, "</tbody></table>");
	PQclear(res);
	add_form_render(r, f);
	console_end(r);
}

/* POST /admin/requests action=add: a receipt must find a report in the
 * admin's scope (elsewhere looks exactly like unknown); the request
 * belongs to that report's unit, or to the admin's unit without one. */
static void
request_add(struct req *r)
{
	struct add_form f = { 0 };
	f.kind = kv_get_or_empty(&r->form, "kind");
	f.receipt = posted(r, "receipt", 40, &f.e_receipt);
	f.subject = posted(r, "subject", PRIVACY_SUBJECT_MAX, &f.e_subject);
	f.note = posted(r, "note", PRIVACY_NOTE_MAX, &f.e_note);
	const char *hash = NULL, *sub_id = NULL, *unit_id = r->officer->unit_id, *id, *by;
	if (!privacy_kind_valid(f.kind)) {
		f.e_kind = L(r, "Chọn loại yêu cầu: xem, chỉnh sửa hoặc xóa.", "Choose access, correction or deletion.");
		f.kind = "";
	}
	if (f.e_receipt == NULL && (*f.receipt == '\0') == (*f.subject == '\0'))
		f.e_receipt = L(r, "Nhập mã biên nhận hoặc mô tả người yêu cầu (một trong hai).",
		    "Give either the receipt code or a description of the person, not both.");
	else if (f.e_receipt == NULL && *f.receipt && (hash = privacy_receipt_hex(r->arena, r->app->keys, f.receipt)) == NULL)
		f.e_receipt = L(r, "Mã biên nhận gồm 16 chữ số (được phép có dấu cách, dấu chấm, gạch ngang).",
		    "A receipt code is 16 digits (spaces, dots and dashes allowed).");
	if (hash && !f.e_kind && !f.e_subject && !f.e_note) {
		enum privacy_result found = privacy_report_by_receipt(r->arena, r->app->db, hash, &sub_id, &unit_id);
		if (found == PRIVACY_DB) {
			http_error(r, 503, MSG__MAX);
			return;
		}
		if (found == PRIVACY_NOT_FOUND)
			f.e_receipt = L(r, "Không có phản ánh nào trong phạm vi của bạn mang mã này (mã sai, hoặc phản ánh đã bị xóa).",
			    "No report in your scope holds this receipt (mistyped, or the report was already anonymised).");
	}
	if (f.e_kind || f.e_receipt || f.e_subject || f.e_note) {
		list_page(r, 400, &f);
		return;
	}
	if (privacy_request_add(r->arena, r->app->db, f.kind, hash, hash ? NULL : f.subject, f.note, unit_id, &id, &by)
	    != PRIVACY_OK) {
		http_error(r, 503, MSG__MAX);
		return;
	}
	audit_officer(r, "request.add", arena_printf(r->arena, "request:%s", id), f.kind);
	http_redirect(r, arena_printf(r->arena, "/admin/requests/%s?done=added", id));
}

/* The report a request's receipt finds in the admin's scope: its id, or
 * NULL (a request by description, or a report anonymised or elsewhere). */
static const char *
request_report(struct req *r, const char *id, const char **unit_id)
{
	const char *hash = privacy_request_receipt(r->arena, r->app->db, id), *sub_id = NULL;
	if (hash && privacy_report_by_receipt(r->arena, r->app->db, hash, &sub_id, unit_id) != PRIVACY_OK)
		sub_id = NULL;
	return sub_id;
}

/* One button that posts `action` for request id, with a note field when
 * asked (required for a refusal). */
static void
action_form(struct req *r, const char *id, const char *action, const char *label, bool note, bool note_required)
{
	struct buf *b = r->out;
	console_action_open(r, arena_printf(r->arena, "/admin/requests/%s", id), "inline", action, NULL, NULL);
	if (note) {
		html_lit(b, "<label for=\"n-");
		html_attr(b, action);
		console_wrap(r, "\">",
		    note_required ? L(r, "Lý do (bắt buộc)", "Reason (required)") : L(r, "Ghi chú", "Note"),
		    "</label>");
		html_lit(b, "<input id=\"n-");
		html_attr(b, action);
		html_lit(b, "\" name=\"note\" maxlength=\"2000\"");
		if (note_required)
			html_lit(b, " required");
		html_lit(b, ">");
	}
	html_lit(b, "<button type=\"submit\" class=\"btn\" id=\"do-");
	html_attr(b, action);
	console_wrap(r, "\">", label, "</button></form>");
}

/* GET /admin/requests/ID: one request, its actions, and for a receipt
 * that finds a report in scope what is held for it (an audited view). */
static void
request_page(struct req *r, const char *id, int status, const char *error)
{
	struct buf *b = r->out;
	PGresult *res = privacy_request_list(r->app->db, id);
	if (!db_ok(res) || PQntuples(res) != 1) {
		http_error(r, db_ok(res) ? 404 : 503, MSG__MAX);   /* another unit's request looks absent */
		PQclear(res);
		return;
	}
	const char *kind = arena_strdup(r->arena, PQgetvalue(res, 0, REQUEST_KIND)), *st = arena_strdup(r->arena, PQgetvalue(res, 0, REQUEST_STATUS));
	bool by_receipt = PQgetvalue(res, 0, REQUEST_BY_RECEIPT)[0] == 't', open = strcmp(st, "received") == 0 || strcmp(st, "acknowledged") == 0;
	console_page(r, status, arena_printf(r->arena, "%s #%s", L(r, "Yêu cầu", "Request"), id));
	console_back(r, "/admin/requests", "← Mọi yêu cầu", "← All requests");
	console_notice(r, notices, sizeof(notices) / sizeof(notices[0]));
	if (error)
		console_wrap(r, "<p class=\"alert\" role=\"alert\" id=\"refused\">", error, "</p>");
	const struct { const char *vi, *en, *value; } meta[] = {
		{ "Loại", "Kind", vocab_label(privacy_kinds, PRIVACY_NKINDS, kind, r->lang) },
		{ "Trạng thái", "Status", vocab_label(privacy_statuses, PRIVACY_NSTATUSES, st, r->lang) },
		{ "Nhận lúc", "Received", fmt_dmy(r->arena, PQgetvalue(res, 0, REQUEST_RECEIVED)) },
		{ "Hạn xác nhận", "Acknowledge by", arena_printf(r->arena, "%s%s", fmt_dmy(r->arena, PQgetvalue(res, 0, REQUEST_ACK_BY)),
		    strcmp(PQgetvalue(res, 0, REQUEST_ATTENTION), "OVERDUE") == 0 ? L(r, " — quá hạn", " — overdue") : "") },
		{ "Đã xác nhận", "Acknowledged", fmt_dmy(r->arena, PQgetvalue(res, 0, REQUEST_ACKNOWLEDGED)) },
		{ "Hoàn tất", "Closed", fmt_dmy(r->arena, PQgetvalue(res, 0, REQUEST_DONE)) },
		{ "Nhận diện", "Identified by", by_receipt ? L(r, "mã biên nhận", "receipt code") : PQgetvalue(res, 0, REQUEST_WHO) },
		{ "Đơn vị", "Unit", PQgetvalue(res, 0, REQUEST_UNIT) },
		{ "Ghi chú", "Note", PQgetvalue(res, 0, REQUEST_NOTE) },
	};
	html_lit(b, "<dl class=\"meta\" id=\"request\">");
	for (size_t i = 0; i < sizeof(meta) / sizeof(meta[0]); i++)
		console_meta(r, meta[i].vi, meta[i].en, meta[i].value);
	html_lit(b, "</dl>");
	if (strcmp(st, "received") == 0 && PQgetvalue(res, 0, REQUEST_PAST_CALENDAR)[0] == 't')
		deadline_calendar_notice(r, NULL, true, true);
	PQclear(res);
	if (open) {
		console_section_id(r, "actions", "Xử lý", "Handle");
		if (strcmp(st, "received") == 0)
			action_form(r, id, "ack", L(r, "Đã xác nhận với người yêu cầu", "Acknowledged to the person"), true, false);
		action_form(r, id, "done", L(r, "Đánh dấu xong", "Mark done"), true, false);
		action_form(r, id, "refuse", L(r, "Từ chối", "Refuse"), true, true);
		html_lit(b, "</section>");
	}
	if (!by_receipt) {
		console_end(r);
		return;
	}
	const char *unit_id = NULL, *sub_id = request_report(r, id, &unit_id);
	console_section_id(r, "held", "Dữ liệu đang lưu theo mã biên nhận", "What is held for the receipt");
	if (sub_id == NULL) {
		console_wrap(r, "<p class=\"empty\" id=\"nothing-held\">", L(r, "Mã biên nhận không còn tìm thấy phản ánh nào trong phạm vi của bạn (phản ánh đã được ẩn danh hóa).",
		    "The receipt no longer finds a report in your scope (the report was anonymised)."), "</p></section>");
		console_end(r);
		return;
	}
	const char *json = privacy_export_json(r->arena, r->app->db, sub_id);
	if (json == NULL) {
		http_error(r, 503, MSG__MAX);
		return;
	}
	audit_officer(r, "request.view", arena_printf(r->arena, "submission:%s", sub_id), arena_printf(r->arena, "request:%s", id));
	html_lit(b, "<p>");
	console_link(r, arena_printf(r->arena, "/admin/s/%s", sub_id), arena_printf(r->arena, "%s #%s", L(r, "Mở phản ánh", "Open the report"), sub_id));
	html_lit(b, " · <a id=\"download\" href=\"/admin/requests/");
	html_url_arg(b, id);
	console_wrap(r, "/export\">",
	    L(r, "Tải về (JSON) để trao cho người yêu cầu", "Download (JSON) to give the person"), "</a></p>");
	console_wrap(r, "<pre class=\"pre\" id=\"export\">", json, "</pre></section>");
	if (open && strcmp(kind, "correct") == 0) {
		console_section_id(r, "correct", "Ghi nội dung chỉnh sửa", "Record the correction");
		console_hint(r, L(r, "Nội dung được ghi thành ghi chú nội bộ của phản ánh, ai xử lý phản ánh cũng thấy; câu trả lời gốc được giữ nguyên làm bằng chứng.",
		    "The correction becomes an internal note on the report that everyone handling it sees; the original answers stay as evidence."));
		console_action_open(r, arena_printf(r->arena, "/admin/requests/%s", id), "stack", "correct", NULL, NULL);
		console_textarea(r, "f-correction", "correction", L(r, "Nội dung đúng theo người yêu cầu", "What the person says is right"),
		    NULL, NULL, 3, 2000, true);
		console_wrap(r, "<button type=\"submit\" class=\"btn\" id=\"do-correct\">", L(r, "Ghi chỉnh sửa", "Record the correction"),
		    "</button></form></section>");
	}
	if (open && strcmp(kind, "delete") == 0) {
		const char *closed;
		enum privacy_result hold = privacy_hold(r->arena, r->app->db, sub_id, &closed);
		console_section_id(r, "erase", "Xóa (ẩn danh hóa) phản ánh", "Delete (anonymise) the report");
		console_hint(r, hold == PRIVACY_HELD ?
		    L(r, "Phản ánh thuộc một vụ việc tranh chấp đang mở và được giữ làm bằng chứng: hãy từ chối kèm lý do, hoặc xóa khi vụ việc kết thúc.",
		      "The report is part of an open labour-dispute case and is kept as evidence: refuse with the reason, or delete when the case closes.") :
		    L(r, "Câu trả lời, thông tin liên hệ, ảnh và nội dung tin nhắn bị xóa ngay, như khi hết thời hạn lưu trữ; không thể hoàn tác.",
		      "Answers, contact details, photos and message texts are removed now, as the retention purge would; this cannot be undone."));
		if (hold == PRIVACY_OK)
			action_form(r, id, "erase", L(r, "Xóa ngay", "Delete now"), false, false);
		html_lit(b, "</section>");
	}
	console_end(r);
}

/* GET /admin/requests/ID/export: the JSON of what the receipt holds, as a
 * download; audited. 404 when nothing in scope is held. */
static void
request_export(struct req *r, const char *id)
{
	const char *unit_id = NULL, *sub_id = request_report(r, id, &unit_id);
	const char *json = sub_id ? privacy_export_json(r->arena, r->app->db, sub_id) : NULL;
	if (json == NULL) {
		http_error(r, 404, MSG__MAX);
		return;
	}
	audit_officer(r, "request.export", arena_printf(r->arena, "submission:%s", sub_id), arena_printf(r->arena, "request:%s", id));
	const char *body = arena_printf(r->arena, "%s\n", json);
	http_reply(r, "application/json; charset=utf-8", body, strlen(body));
	http_header(r, arena_printf(r->arena, "Content-Disposition: attachment; filename=\"yeu-cau-%s.json\"", id));
}

/* POST /admin/requests/ID: ack, done, refuse (with a reason), correct (a
 * note on the report) or erase (anonymise it now). */
static void
request_post(struct req *r, const char *id)
{
	const char *action = kv_get_or_empty(&r->form, "action"), *error = NULL, *was;
	if (strcmp(action, "ack") == 0 || strcmp(action, "done") == 0 || strcmp(action, "refuse") == 0) {
		const char *note = posted(r, "note", PRIVACY_NOTE_MAX, &error);
		if (*note == '\0')
			note = NULL;
		if (error == NULL && note == NULL && strcmp(action, "refuse") == 0)
			error = L(r, "Ghi lý do từ chối (người yêu cầu được biết lý do).", "Give the reason for refusing (the person is told it).");
		if (error) {
			request_page(r, id, 400, error);
			return;
		}
		switch (privacy_request_move(r->arena, r->app->db, id, action, note, &was)) {
		case PRIVACY_OK:
			audit_officer(r, arena_printf(r->arena, "request.%s", action), arena_printf(r->arena, "request:%s", id), note ? note : "");
			http_redirect(r, arena_printf(r->arena, "/admin/requests/%s?done=%s", id, action));
			return;
		case PRIVACY_NOT_FOUND:
			http_error(r, 404, MSG__MAX);
			return;
		case PRIVACY_ALREADY:
			request_page(r, id, 409, arena_printf(r->arena, "%s: %s", L(r, "Yêu cầu đã ở trạng thái", "The request is already"),
			    vocab_label(privacy_statuses, PRIVACY_NSTATUSES, was, r->lang)));
			return;
		default:
			http_error(r, 503, MSG__MAX);
			return;
		}
	}
	PGresult *res = privacy_request_list(r->app->db, id);
	bool known = db_ok(res) && PQntuples(res) == 1;
	const char *kind = known ? arena_strdup(r->arena, PQgetvalue(res, 0, REQUEST_KIND)) : "";
	bool open = known && (strcmp(PQgetvalue(res, 0, REQUEST_STATUS), "received") == 0 || strcmp(PQgetvalue(res, 0, REQUEST_STATUS), "acknowledged") == 0);
	PQclear(res);
	if (!known) {
		http_error(r, 404, MSG__MAX);
		return;
	}
	bool correct = strcmp(action, "correct") == 0, erase = strcmp(action, "erase") == 0;
	if (!correct && !erase) {
		http_error(r, 400, MSG__MAX);
		return;
	}
	const char *unit_id = NULL, *sub_id = request_report(r, id, &unit_id), *counts, *closed;
	if (!open || strcmp(kind, correct ? "correct" : "delete") != 0 || sub_id == NULL) {
		request_page(r, id, 409, L(r, "Không làm được việc này với yêu cầu này: yêu cầu đã đóng, khác loại, hoặc phản ánh không còn.",
		    "This cannot be done for this request: it is closed, of another kind, or its report is gone."));
		return;
	}
	if (correct) {
		const char *text = posted(r, "correction", CORRECTION_MAX, &error);
		if (error == NULL && *text == '\0')
			error = L(r, "Ghi nội dung chỉnh sửa.", "Write the correction.");
		if (error) {
			request_page(r, id, 400, error);
			return;
		}
		const char *body = arena_printf(r->arena, "%s #%s: %s", L(r, "Chỉnh sửa theo yêu cầu", "Correction asked in request"), id, text);
		const char *q[3] = { sub_id, r->officer->id, body };
		PGresult *ins = db_query(r->app->db, "INSERT INTO note (submission_id, officer_id, body) VALUES ($1, $2, $3)", 3, q);
		bool ok = db_ok(ins);
		PQclear(ins);
		if (!ok) {
			http_error(r, 503, MSG__MAX);
			return;
		}
		audit_officer(r, "request.correct", arena_printf(r->arena, "submission:%s", sub_id), arena_printf(r->arena, "request:%s", id));
		http_redirect(r, arena_printf(r->arena, "/admin/requests/%s?done=corrected", id));
		return;
	}
	switch (privacy_hold(r->arena, r->app->db, sub_id, &closed)) {
	case PRIVACY_OK:
		break;
	case PRIVACY_HELD:
		request_page(r, id, 409, L(r, "Phản ánh thuộc một vụ việc đang mở và được giữ làm bằng chứng; không xóa.",
		    "The report is part of an open case and is kept as evidence; it was not deleted."));
		return;
	default:
		http_error(r, 503, MSG__MAX);
		return;
	}
	if (privacy_erase(r->arena, r->app->db, sub_id, &counts) != PRIVACY_OK) {
		http_error(r, 503, MSG__MAX);
		return;
	}
	audit_officer(r, "request.delete", arena_printf(r->arena, "submission:%s", sub_id),
	    arena_printf(r->arena, "request:%s %s", id, counts));
	http_redirect(r, arena_printf(r->arena, "/admin/requests/%s?done=erased", id));
}

/* GET /admin/requests (admins, on the route; PostgreSQL too): the list and the add form. */
void
page_admin_requests(struct req *r)
{
	struct add_form f = { .kind = "access", .receipt = "", .subject = "", .note = "" };
	list_page(r, 200, &f);
}

/* POST /admin/requests action=add. */
void
page_admin_request_add(struct req *r)
{
	if (strcmp(kv_get_or_empty(&r->form, "action"), "add") == 0)
		request_add(r);
	else
		http_error(r, 400, MSG__MAX);
}

/* A request's number as its URL holds it; NULL after answering 404 for
 * one written with a leading zero (every link writes it without). */
static const char *
request_id(struct req *r)
{
	if (r->id[0][0] == '0') {
		http_error(r, 404, MSG__MAX);
		return NULL;
	}
	return r->id[0];
}

/* GET /admin/requests/ID. */
void
page_admin_request(struct req *r)
{
	const char *id = request_id(r);
	if (id)
		request_page(r, id, 200, NULL);
}

/* POST /admin/requests/ID. */
void
page_admin_request_post(struct req *r)
{
	const char *id = request_id(r);
	if (id)
		request_post(r, id);
}

/* GET /admin/requests/ID/export. */
void
page_admin_request_export(struct req *r)
{
	const char *id = request_id(r);
	if (id)
		request_export(r, id);
}
