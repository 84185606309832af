/* page_system.c: the home page, the worker's help and privacy pages, and GET /healthz. */
#include <libpq-fe.h>

#include "app.h"
#include "buf.h"
#include "db.h"
#include "html.h"
#include "http.h"
#include "i18n.h"
#include "page_system.h"

/* GET /: what this service is, for someone who typed the address by hand. */
void
page_home(struct req *r)
{
	bool vi = r->lang == LANG_VI;
	html_page_begin(r, APP_NAME);
	html_lit(r->out, "<h1>" APP_NAME "</h1><p>");
	html_text(r->out, vi ?
	    "Kênh để người lao động phản ánh với Công đoàn: nợ lương, nợ bảo hiểm xã hội, an toàn lao động, bữa ăn ca và các kiến nghị khác. "
	    "Hãy quét mã QR dán tại nơi làm việc để bắt đầu." :
	    "A channel for workers to tell their union about unpaid wages, unpaid social insurance, safety, shift meals and other concerns. "
	    "Scan the QR code posted at your workplace to start.");
	html_lit(r->out, "</p><ul class=\"choices\"><li><a class=\"btn\" href=\"/status\">");
	html_text(r->out, tr(r->lang, MSG_STATUS_LINK));
	html_lit(r->out, "</a></li><li><a class=\"btn\" href=\"/help\">");
	html_text(r->out, vi ? "Hướng dẫn" : "Help");
	html_lit(r->out, "</a></li></ul>");
	html_page_end(r);
}

/* A page of headed paragraphs, each given in both languages. */
struct info_section {
	const char *title[LANG__MAX];
	const char *text[LANG__MAX];
};

static void
info_page(struct req *r, const char *const title[LANG__MAX], const struct info_section *s, size_t n)
{
	html_page_begin(r, title[r->lang]);
	html_lit(r->out, "<h1>");
	html_text(r->out, title[r->lang]);
	html_lit(r->out, "</h1>");
	for (size_t i = 0; i < n; i++) {
		html_lit(r->out, "<h2>");
		html_text(r->out, s[i].title[r->lang]);
		html_lit(r->out, "</h2><p>");
		html_text(r->out, s[i].text[r->lang]);
		html_lit(r->out, "</p>");
	}
	html_lit(r->out, "<p><a class=\"btn\" href=\"/status\">");
	html_text(r->out, tr(r->lang, MSG_STATUS_LINK));
	html_lit(r->out, "</a></p>");
	html_page_end(r);
}

/* GET /help: how reporting works, for a worker with a phone. */
void
page_help(struct req *r)
{
	static const char *const title[LANG__MAX] = { "Hướng dẫn phản ánh", "How to report" };
	static const struct info_section s[] = {
		{ { "1. Quét mã QR", "1. Scan the QR code" },
		  { "Mã QR dán ở cổng, nhà ăn hoặc bảng tin Công đoàn. Mở camera điện thoại và hướng vào mã, hoặc gõ địa chỉ in dưới mã.",
		    "The QR code is posted at the gate, the canteen or the union notice board. Point your phone camera at it, or type the address printed under it." } },
		{ { "2. Chọn việc muốn phản ánh và trả lời vài câu hỏi", "2. Choose what to report and answer a few questions" },
		  { "Không cần ghi tên. Chỉ trả lời những gì bạn biết; câu có ghi (bắt buộc) mới phải trả lời. Nếu mạng yếu, phản ánh được lưu tạm trên điện thoại và tự gửi khi có mạng.",
		    "You do not need to give your name. Answer what you know; only questions marked (required) must be answered. On a weak network the report is kept on the phone and sent when the network returns." } },
		{ { "3. Giữ mã biên nhận", "3. Keep the receipt code" },
		  { "Sau khi gửi, bạn nhận một mã 16 chữ số. Hãy chụp màn hình hoặc chép lại. Đó là cách duy nhất để xem Công đoàn đã làm gì và trả lời câu hỏi của cán bộ; mất mã thì không lấy lại được, trừ khi bạn để lại cách liên lạc.",
		    "After sending you get a 16-digit code. Take a screenshot or write it down. It is the only way to see what the union did and to answer its questions; a lost code cannot be recovered unless you left contact details." } },
		{ { "4. Tra cứu và trả lời", "4. Check and reply" },
		  { "Vào trang Tra cứu, nhập mã biên nhận để xem tình trạng, đọc tin nhắn của Công đoàn và trả lời.",
		    "On the Status page, enter the receipt code to see the status, read the union's messages and reply." } },
		{ { "Khi đang gặp nguy hiểm", "If you are in danger" },
		  { "Rời khỏi chỗ nguy hiểm, báo người quản lý, gọi cấp cứu 115, cứu hỏa 114 và đường dây nóng Công đoàn. Bạn có quyền từ chối làm việc nguy hiểm mà vẫn được trả đủ lương.",
		    "Leave the danger, tell the manager, call ambulance 115, fire 114 and the union hotline. You may refuse dangerous work and still be paid in full." } },
		{ { "Bạn được pháp luật bảo vệ", "The law protects you" },
		  { "Trù dập, phân biệt đối xử hay sa thải vì người lao động phản ánh, tham gia Công đoàn là vi phạm pháp luật. Nếu việc đó xảy ra, hãy báo ngay cho Công đoàn.",
		    "Retaliating against, discriminating against or dismissing a worker for speaking up or for union activity is against the law. If it happens, tell the union at once." } },
	};
	info_page(r, title, s, sizeof(s) / sizeof(s[0]));
}

/* GET /privacy: the processing notice the personal-data law asks for. */
void
page_privacy(struct req *r)
{
	static const char *const title[LANG__MAX] = { "Thông tin của bạn được bảo vệ thế nào", "How your information is protected" };
	static const struct info_section s[] = {
		{ { "Ai đọc phản ánh", "Who reads your report" },
		  { "Chỉ cán bộ Công đoàn phụ trách nơi làm việc của bạn (công đoàn cơ sở, công đoàn cấp trên trực tiếp và Liên đoàn Lao động tỉnh). Công ty và người sử dụng lao động không được xem.",
		    "Only the union officers responsible for your workplace (the grassroots union, the union directly above it and the provincial federation). Your employer cannot see it." } },
		{ { "Những gì được lưu", "What is kept" },
		  { "Nội dung bạn gửi, thời gian gửi, nơi làm việc và ngôn ngữ. Không lưu địa chỉ IP, loại điện thoại hay vị trí. Thông tin vị trí trong ảnh bị xóa trước khi lưu. Mã biên nhận không được lưu nguyên văn, chỉ lưu ở dạng mã hóa một chiều, không ai khôi phục được.",
		    "What you send, when, the workplace and the language. No IP address, phone model or location. Location data in photos is removed before saving. Your receipt code is not stored, only a keyed fingerprint of it." } },
		{ { "Thông tin liên lạc", "Contact details" },
		  { "Chỉ lưu khi bạn tự ghi và đánh dấu đồng ý. Thông tin được mã hóa, chỉ cán bộ phụ trách mới mở được, và mỗi lần mở đều được ghi lại.",
		    "Kept only if you write them and tick the consent box. They are encrypted, only the responsible officers can open them, and every opening is recorded." } },
		{ { "Lưu bao lâu", "For how long" },
		  { "24 tháng. Nếu phản ánh thuộc một vụ việc tranh chấp lao động đang giải quyết, thông tin được giữ đến khi vụ việc kết thúc và hết thời hiệu.",
		    "24 months. If your report is part of a labour dispute being handled, it is kept until the case closes and the limitation period ends." } },
		{ { "Quyền của bạn", "Your rights" },
		  { "Với mã biên nhận, bạn có thể yêu cầu xem, sửa hoặc xóa thông tin của mình; Công đoàn xác nhận yêu cầu trong 2 ngày làm việc. Nếu có sự cố lộ lọt dữ liệu, cơ quan chức năng được thông báo trong 72 giờ (Luật Bảo vệ dữ liệu cá nhân 2025).",
		    "With your receipt code you can ask to see, correct or delete your information; the union acknowledges within 2 working days. If data is ever leaked, the authorities are told within 72 hours (Personal Data Protection Law 2025)." } },
	};
	info_page(r, title, s, sizeof(s) / sizeof(s[0]));
}

/* GET /healthz: 200 "ok" when the database answers, else 503. */
void
page_healthz(struct req *r)
{
	PGresult *res = db_run(r->app->db, STMT_PING, NULL, NULL, NULL);
	bool ok = res != NULL && db_ok(res);
	PQclear(res);
	r->resp_type = "text/plain; charset=utf-8";
	if (ok) {
		r->status = 200;
		html_lit(r->out, "ok\n");
	} else {
		r->status = 503;
		http_header(r, "Retry-After: 5");
		html_lit(r->out, "database unavailable\n");
	}
}
