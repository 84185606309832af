/* console_notify.c: the officer's notification settings section (address, kinds of mail, reminder days), a console room so the account page and its own POST handler render the same form. */
#include <stdio.h>
#include <string.h>
#include <libpq-fe.h>

#include "app.h"
#include "arena.h"
#include "console.h"
#include "console_notify.h"
#include "notify.h"
#include "db.h"
#include "html.h"
#include "i18n.h"

enum found
console_notify_load(struct req *r, struct notify_settings *s)
{
	const char *urgent, *digest, *reminder, *replies;
	const char **const fields[] = { &s->email, &s->pending, &urgent, &digest, &reminder, &replies, &s->reminder_days };
	const char *p[1] = { r->officer->id };
	enum found f = db_row(db_query(r->app->db, "SELECT coalesce(email, ''), coalesce(email_pending, ''), notify_urgent, "
	    "notify_digest, notify_reminder, notify_replies, reminder_days FROM officer WHERE id = $1", 1, p),
	    r->arena, fields, sizeof(fields) / sizeof(fields[0]));
	if (f != FOUND)
		return f == MISSING ? DB_DOWN : f;
	s->typed = *s->pending ? s->pending : s->email;
	s->urgent = strcmp(urgent, "t") == 0;
	s->digest = strcmp(digest, "t") == 0;
	s->reminder = strcmp(reminder, "t") == 0;
	s->replies = strcmp(replies, "t") == 0;
	return FOUND;
}

/* One labelled checkbox "f-notify-NAME". */
static void
checkbox(struct req *r, const char *name, bool on, const char *vi, const char *en)
{
	html_lit(r->out, "<div class=\"field\">");
	console_check(r, NULL, "checkbox", name, "1", L(r, vi, en), on);
	html_lit(r->out, "</div>");
}

void
console_notify_settings(struct req *r, const struct notify_settings *s, const struct console_errs *e)
{
	struct buf *b = r->out;
	html_lit(b, "<section id=\"notify\">");
	console_heading(r, 2, NULL, "Thông báo qua thư điện tử", "E-mail notifications");
	html_lit(b, "<p id=\"notify-state\">");
	if (*s->email) {
		html_text(b, L(r, "Địa chỉ đã xác nhận: ", "Confirmed address: "));
		html_text(b, s->email);
	} else {
		html_text(b, L(r, "Chưa có địa chỉ đã xác nhận: bạn chưa nhận thư nào.", "No confirmed address: you get no mail."));
	}
	html_lit(b, "</p>");
	if (*s->pending) {
		html_lit(b, "<p class=\"note\" id=\"notify-pending\">");
		html_text(b, L(r, "Đang chờ xác nhận: ", "Waiting for confirmation: "));
		html_text(b, s->pending);
		html_text(b, L(r, " — mở liên kết trong thư vừa gửi tới địa chỉ đó.", " — follow the link in the mail sent there."));
		html_lit(b, "</p>");
	}
	console_hint(r, L(r, "Để bảo vệ người lao động, thư chỉ có số lượng, nơi làm việc, biểu mẫu, mức khẩn cấp và liên kết tới "
	    "bảng điều khiển; không có nội dung phản ánh, thông tin liên lạc hay ảnh.",
	    "To protect workers, mails hold only counts, workplace, form, urgency and a console link: no report text, "
	    "contact details or photos."));
	html_form_begin(r, "/admin/account/notify", NULL);
	console_input(r, "notify", "email", L(r, "Địa chỉ thư điện tử (để trống để bỏ)", "E-mail address (empty to remove)"),
	    L(r, "Một địa chỉ mới chỉ dùng sau khi bạn mở liên kết xác nhận gửi tới nó.",
	    "A new address is used only once you follow the confirmation link mailed to it."), s->typed, e, 254, false);
	checkbox(r, "urgent", s->urgent, "Phản ánh khẩn cấp (tai nạn, an toàn, hoặc biểu mẫu đánh dấu khẩn cấp), trong vòng một phút",
	    "Urgent reports (accidents, safety, or marked urgent by the form), within a minute");
	checkbox(r, "digest", s->digest, "Bản tóm tắt hằng ngày (giờ gửi do đơn vị đặt)", "The daily digest (at the time your unit sets)");
	checkbox(r, "reminder", s->reminder, "Nhắc hạn chót của vụ việc", "Case deadline reminders");
	checkbox(r, "replies", s->replies, "Người lao động trả lời trong phản ánh, vụ việc giao cho tôi",
	    "A worker replied on a report or case assigned to me");
	console_input(r, "notify", "reminder_days", L(r, "Nhắc trước bao nhiêu ngày làm việc (1–20)", "Remind how many working days before (1–20)"),
	    NULL, s->reminder_days, e, 2, true);
	console_submit(r, "btn primary", "Lưu cài đặt thông báo", "Save notification settings");
	html_lit(b, "</section>");
}

const char *
console_email_error(struct req *r, const char *posted)
{
	if (posted == NULL)
		return console_too_long(r, NOTIFY_EMAIL_MAX);
	if (*posted && notify_email_problem(posted) != NULL)
		return L(r, "Địa chỉ thư điện tử không hợp lệ (vd. ten@donvi.vn).", "Not a valid e-mail address (e.g. name@unit.vn).");
	return NULL;
}

void
console_notify_section(struct req *r)
{
	struct notify_settings s;
	if (console_notify_load(r, &s) == FOUND)
		console_notify_settings(r, &s, NULL);
}
