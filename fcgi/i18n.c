/* i18n.c: interface strings in Vietnamese and English, and language choice. */
#include <string.h>

#include "app.h"
#include "i18n.h"

static const char *const msgs[MSG__MAX][LANG__MAX] = {
	/* MSG_FOOTER */
	{ "Bạn có thể phản ánh mà không cần ghi tên. Nghiêm cấm mọi hành vi trù dập, phân biệt đối xử với người phản ánh.",
	  "You can report without giving your name. Victimising or discriminating against anyone who reports is prohibited." },
	/* MSG_DESCRIPTION: every page's meta description (search results, link previews) */
	{ "Gửi tâm tư, kiến nghị tới công đoàn: không cần tên, không cần tài khoản, có mã biên nhận để theo dõi.",
	  "Send a concern to the trade union: no name, no account, a receipt number to follow it up." },
	/* MSG_ERR_400_TITLE */
	{ "Yêu cầu không hợp lệ", "Bad request" },
	/* MSG_ERR_400_BODY */
	{ "Dữ liệu gửi lên không đọc được. Hãy quay lại và thử lại.",
	  "What was sent could not be read. Please go back and try again." },
	/* MSG_ERR_403_TITLE */
	{ "Không được phép", "Not allowed" },
	/* MSG_ERR_403_BODY */
	{ "Yêu cầu này không được chấp nhận.", "This request was refused." },
	/* MSG_ERR_404_TITLE */
	{ "Không tìm thấy", "Not found" },
	/* MSG_ERR_404_BODY */
	{ "Trang này không có. Hãy kiểm tra lại địa chỉ.",
	  "There is no such page. Please check the address." },
	/* MSG_ERR_410_TITLE */
	{ "Đã xóa theo thời hạn lưu giữ", "Deleted under the retention rules" },
	/* MSG_ERR_410_BODY */
	{ "Nội dung này đã bị xóa khi hết thời hạn lưu giữ. Thông tin về nó (tên, dung lượng, SHA-256) vẫn có trong hồ sơ vụ việc.",
	  "This was deleted when its retention period ended. Its record (name, size, SHA-256) is still in the case file." },
	/* MSG_ERR_405_TITLE */
	{ "Không hỗ trợ", "Not supported" },
	/* MSG_ERR_405_BODY */
	{ "Trang này không nhận kiểu yêu cầu đó.", "This page does not accept that kind of request." },
	/* MSG_ERR_413_TITLE */
	{ "Nội dung quá dài", "Too large" },
	/* MSG_ERR_413_BODY */
	{ "Nội dung gửi lên quá dài. Hãy rút ngắn rồi gửi lại.",
	  "What you sent is too large. Please shorten it and send again." },
	/* MSG_ERR_415_TITLE */
	{ "Kiểu dữ liệu không đúng", "Wrong kind of data" },
	/* MSG_ERR_415_BODY */
	{ "Biểu mẫu phải được gửi từ trang của hệ thống.",
	  "The form must be sent from this site's own page." },
	/* MSG_ERR_429_TITLE */
	{ "Quá nhiều yêu cầu", "Too many requests" },
	/* MSG_ERR_429_BODY */
	{ "Có quá nhiều yêu cầu. Vui lòng đợi một phút rồi thử lại.",
	  "Too many requests. Please wait a minute and try again." },
	/* MSG_ERR_500_TITLE */
	{ "Lỗi hệ thống", "Server error" },
	/* MSG_ERR_500_BODY */
	{ "Đã có lỗi. Vui lòng thử lại sau ít phút.",
	  "Something went wrong. Please try again in a few minutes." },
	/* MSG_ERR_503_TITLE */
	{ "Hệ thống tạm thời gián đoạn", "Temporarily unavailable" },
	/* MSG_ERR_503_BODY */
	{ "Hệ thống đang bận hoặc bảo trì. Nội dung của bạn chưa được gửi: hãy giữ trang này và thử lại sau ít phút.",
	  "The service is busy or under maintenance. Your report was not sent yet: keep this page and try again in a few minutes." },
	/* MSG_ERR_BAD_UTF8 */
	{ "Văn bản chứa ký tự không hợp lệ (không phải UTF-8). Hãy gõ lại nội dung.",
	  "The text contains invalid characters (not UTF-8). Please type it again." },
	/* MSG_ERR_BAD_ENCODING */
	{ "Dữ liệu biểu mẫu bị hỏng (mã hóa sai).", "The form data is damaged (bad encoding)." },
	/* MSG_TOKEN_NOT_FOUND_TITLE */
	{ "Không tìm thấy mã QR này", "This QR code was not found" },
	/* MSG_TOKEN_NOT_FOUND_BODY */
	{ "Mã QR này không còn dùng được hoặc đã bị gõ sai. Hãy quét lại mã, hoặc gọi đường dây nóng của Công đoàn.",
	  "This QR code is no longer in use or was mistyped. Scan it again, or call the union hotline." },
	/* MSG_LANDING_WHERE */
	{ "Nơi làm việc", "Workplace" },
	/* MSG_LANDING_CHOOSE */
	{ "Bạn muốn phản ánh điều gì?", "What would you like to report?" },
	/* MSG_ANON_NOTE */
	{ "Bạn không cần ghi tên. Công đoàn không lưu địa chỉ IP hay thông tin điện thoại của bạn.",
	  "You do not need to give your name. The union does not keep your IP address or phone details." },
	/* MSG_SEND */
	{ "Gửi", "Send" },
	/* MSG_REQUIRED_MARK */
	{ "(bắt buộc)", "(required)" },
	/* MSG_SELECT_NONE */
	{ "— Chọn —", "— Choose —" },
	/* MSG_FIELD_REQUIRED */
	{ "Vui lòng điền mục này.", "Please fill in this field." },
	/* MSG_FIELD_TOO_LONG */
	{ "Nội dung quá dài.", "This is too long." },
	/* MSG_FIELD_BAD_OPTION */
	{ "Hãy chọn một mục trong danh sách.", "Please choose an item from the list." },
	/* MSG_FIELD_TOO_SHORT */
	{ "Nội dung quá ngắn.", "This is too short." },
	/* MSG_FORM_HAS_ERRORS */
	{ "Chưa gửi được. Hãy sửa các mục được đánh dấu bên dưới; nội dung bạn đã viết vẫn còn.",
	  "Not sent yet. Please fix the marked fields below; what you wrote is kept." },
	/* MSG_FORM_EXPIRED */
	{ "Trang đã mở quá lâu nên chưa gửi được. Nội dung vẫn còn bên dưới: hãy bấm Gửi lại.",
	  "The page was open too long, so it was not sent. Your text is kept below: please press Send again." },
	/* MSG_RECEIPT_TITLE */
	{ "Đã nhận phản ánh của bạn", "Your report was received" },
	/* MSG_RECEIPT_LABEL */
	{ "Mã biên nhận", "Receipt code" },
	/* MSG_RECEIPT_EXPLAIN */
	{ "Dùng mã này để xem Công đoàn đã xử lý thế nào và trả lời câu hỏi của cán bộ, tại trang Tra cứu.",
	  "Use this code to see what the union has done and to answer its questions, on the Status page." },
	/* MSG_RECEIPT_KEEP */
	{ "Hãy lưu ảnh, chụp màn hình hoặc chép lại mã này. Nếu mất mã, không thể lấy lại được, trừ khi bạn đã để lại cách liên lạc.",
	  "Save the image, take a screenshot or write this code down. A lost code cannot be recovered unless you left contact details." },
	/* MSG_BACK_TO_FORMS */
	{ "Gửi phản ánh khác", "Send another report" },
	/* MSG_FIELD_NOT_NUMBER */
	{ "Hãy nhập một con số (chỉ gồm chữ số).", "Please enter a number (digits only)." },
	/* MSG_FIELD_TOO_SMALL */
	{ "Số này nhỏ hơn mức cho phép.", "This number is too small." },
	/* MSG_FIELD_TOO_BIG */
	{ "Số này lớn hơn mức cho phép.", "This number is too large." },
	/* MSG_FIELD_BAD_DATE */
	{ "Ngày không đúng. Hãy nhập theo dạng ngày/tháng/năm, ví dụ 25/10/2026.",
	  "This date is not valid. Please enter it as day/month/year, e.g. 25/10/2026." },
	/* MSG_FIELD_BAD_MONTH */
	{ "Tháng không đúng. Hãy nhập theo dạng tháng/năm, ví dụ 10/2026.",
	  "This month is not valid. Please enter it as month/year, e.g. 10/2026." },
	/* MSG_FIELD_BAD_PHONE */
	{ "Số điện thoại không đúng. Hãy nhập 10 chữ số, ví dụ 0912345678.",
	  "This phone number is not valid. Please enter 10 digits, e.g. 0912345678." },
	/* MSG_FIELD_BAD_RANK */
	{ "Mỗi thứ tự chỉ dùng một lần (1 là quan trọng nhất).",
	  "Use each position only once (1 is the most important)." },
	/* MSG_FIELD_TOO_MANY */
	{ "Chọn quá nhiều mục.", "Too many items chosen." },
	/* MSG_YES */
	{ "Có", "Yes" },
	/* MSG_NO */
	{ "Không", "No" },
	/* MSG_UNSURE */
	{ "Không rõ", "Not sure" },
	/* MSG_RANK_NONE */
	{ "—", "—" },
	/* MSG_MONEY_UNIT */
	{ "đồng", "VND" },
	/* MSG_MAX_PREFIX */
	{ "tối đa", "at most" },
	/* MSG_MIN_PREFIX */
	{ "tối thiểu", "at least" },
	/* MSG_CHARS */
	{ "ký tự", "characters" },
	/* MSG_CONTACT_TITLE */
	{ "Để lại cách liên lạc (không bắt buộc)", "Leave a way to contact you (optional)" },
	/* MSG_CONTACT_EXPLAIN */
	{ "Nếu bạn muốn Công đoàn gọi lại. Thông tin này được mã hóa; chỉ cán bộ Công đoàn phụ trách nơi làm việc của bạn "
	  "mới mở được, mỗi lần mở đều được ghi lại; công ty không bao giờ được xem. Nếu không để lại, phản ánh của bạn vẫn được xử lý.",
	  "If you want the union to call you back. This is encrypted; only the union officers responsible for your workplace "
	  "can open it, and every opening is recorded; the employer never sees it. Your report is handled either way." },
	/* MSG_CONTACT_CONSENT */
	{ "Tôi đồng ý để cán bộ Công đoàn xem thông tin liên lạc này để liên hệ với tôi về phản ánh này.",
	  "I agree that union officers may see these contact details to reach me about this report." },
	/* MSG_CONTACT_NAME */
	{ "Họ tên hoặc tên thường gọi", "Your name, or what people call you" },
	/* MSG_CONTACT_PHONE */
	{ "Số điện thoại", "Phone number" },
	/* MSG_CONTACT_ZALO */
	{ "Zalo (số điện thoại hoặc tên)", "Zalo (number or name)" },
	/* MSG_CONTACT_NEED_CONSENT */
	{ "Hãy đánh dấu ô đồng ý, hoặc xóa thông tin liên lạc nếu bạn muốn ẩn danh.",
	  "Tick the consent box, or clear the contact details to stay anonymous." },
	/* MSG_CONTACT_EMPTY */
	{ "Bạn đã đồng ý nhưng chưa ghi cách liên lạc nào.", "You agreed but gave no way to contact you." },
	/* MSG_NOTICE: under every form; that no IP address or device detail is kept the note above it says */
	{ "Ai được xem: cán bộ Công đoàn phụ trách nơi làm việc này. Lưu những gì: nội dung bạn gửi và thời gian gửi. "
	  "Lưu trong bao lâu: 24 tháng, lâu hơn nếu cần cho một vụ việc đang giải quyết.",
	  "Who reads it: the union officers responsible for this workplace. What is kept: what you send and when. "
	  "For how long: 24 months, longer if a case being handled needs it." },
	/* MSG_NOTICE_MORE */
	{ "Cách Công đoàn bảo vệ thông tin của bạn", "How the union protects your information" },
	/* MSG_STATUS_TITLE */
	{ "Tra cứu phản ánh", "Check your report" },
	/* MSG_STATUS_INTRO */
	{ "Nhập mã biên nhận 16 chữ số bạn nhận được khi gửi phản ánh.",
	  "Enter the 16-digit receipt code you got when you sent your report." },
	/* MSG_STATUS_CODE */
	{ "Mã biên nhận", "Receipt code" },
	/* MSG_STATUS_LOOKUP */
	{ "Xem", "Look up" },
	/* MSG_STATUS_BAD_CODE */
	{ "Mã biên nhận gồm đúng 16 chữ số, ví dụ 1234 5678 9012 3456.",
	  "A receipt code is exactly 16 digits, e.g. 1234 5678 9012 3456." },
	/* MSG_STATUS_NOT_FOUND */
	{ "Không tìm thấy phản ánh với mã này. Hãy kiểm tra lại từng chữ số.",
	  "No report was found with this code. Please check each digit." },
	/* MSG_STATUS_RECEIVED */
	{ "Đã gửi lúc", "Sent on" },
	/* MSG_STATUS_NEW */
	{ "Công đoàn đã nhận và sẽ xem xét sớm.", "The union has received it and will look at it soon." },
	/* MSG_STATUS_IN_REVIEW */
	{ "Cán bộ Công đoàn đang xem xét.", "A union officer is looking into it." },
	/* MSG_STATUS_NEEDS_INFO */
	{ "Công đoàn cần thêm thông tin từ bạn: hãy đọc câu hỏi và trả lời bên dưới.",
	  "The union needs more information from you: please read the question and answer below." },
	/* MSG_STATUS_REFERRED */
	{ "Công đoàn đã chuyển việc này đến nơi có thẩm quyền giải quyết.",
	  "The union has passed this to the body that can resolve it." },
	/* MSG_STATUS_RESOLVED */
	{ "Việc này đã được giải quyết.", "This has been resolved." },
	/* MSG_STATUS_CLOSED */
	{ "Phản ánh này đã đóng.", "This report is closed." },
	/* MSG_STATUS_MESSAGES */
	{ "Trao đổi với Công đoàn", "Messages with the union" },
	/* MSG_STATUS_NO_MESSAGES */
	{ "Chưa có tin nhắn.", "No messages yet." },
	/* MSG_STATUS_FROM_UNION */
	{ "Công đoàn", "Union" },
	/* MSG_STATUS_FROM_YOU */
	{ "Bạn", "You" },
	/* MSG_STATUS_REPLY */
	{ "Trả lời Công đoàn", "Reply to the union" },
	/* MSG_STATUS_REPLY_SENT */
	{ "Đã gửi câu trả lời của bạn.", "Your reply was sent." },
	/* MSG_STATUS_LINK */
	{ "Tra cứu phản ánh đã gửi", "Check a report you sent" },
	/* MSG_RECEIPT_SAVE */
	{ "Lưu mã thành ảnh", "Save the code as an image" },
	/* MSG_PHOTO_TOO_BIG */
	{ "Ảnh quá lớn: mỗi ảnh tối đa 5 MB. Hãy chọn lại ảnh nhỏ hơn; nội dung bạn viết vẫn còn.",
	  "A photo is too large: at most 5 MB each. Choose a smaller photo again; your text is kept." },
	/* MSG_PHOTO_BAD_TYPE */
	{ "Chỉ nhận ảnh JPEG, PNG hoặc WebP. Hãy chọn lại ảnh; nội dung bạn viết vẫn còn.",
	  "Only JPEG, PNG or WebP photos are accepted. Choose the photo again; your text is kept." },
	/* MSG_PASSWORD_SHORT */
	{ "Mật khẩu phải có ít nhất 10 ký tự.", "The password must be at least 10 characters." },
	/* MSG_PASSWORD_COMMON */
	{ "Mật khẩu này quá dễ đoán. Hãy dùng một câu dài mà chỉ bạn biết.",
	  "This password is too easy to guess. Use a long phrase only you know." },
	/* MSG_LOGIN_TITLE */
	{ "Đăng nhập cán bộ Công đoàn", "Union officer sign-in" },
	/* MSG_LOGIN_USERNAME */
	{ "Tên đăng nhập", "Username" },
	/* MSG_LOGIN_PASSWORD */
	{ "Mật khẩu", "Password" },
	/* MSG_LOGIN_BUTTON */
	{ "Đăng nhập", "Sign in" },
	/* MSG_LOGIN_FAILED */
	{ "Tên đăng nhập hoặc mật khẩu không đúng, hoặc tài khoản đang tạm khóa 15 phút sau nhiều lần nhập sai.",
	  "Wrong username or password, or the account is locked for 15 minutes after repeated failures." },
	/* MSG_LOGIN_THROTTLED */
	{ "Có quá nhiều lần thử đăng nhập. Hãy đợi vài phút rồi thử lại.",
	  "Too many sign-in attempts. Wait a few minutes and try again." },
	/* MSG_LOGOUT */
	{ "Đăng xuất", "Sign out" },
	/* MSG_LOGOUT_ALL */
	{ "Đăng xuất trên mọi thiết bị", "Sign out everywhere" },
	/* MSG_NOT_ALLOWED_ROLE */
	{ "Vai trò của bạn không được làm việc này.", "Your role does not allow this." },
	/* MSG_CONSOLE_CSRF */
	{ "Biểu mẫu đã hết hạn hoặc không được gửi từ trang của hệ thống, nên chưa có gì được lưu. "
	  "Hãy bấm Quay lại (nội dung bạn đã gõ vẫn còn ở đó), tải lại trang rồi gửi lại.",
	  "The form had expired or was not sent from this site's own page, so nothing was saved. "
	  "Go back (what you typed is still there), reload the page and send it again." },
	/* MSG_CONSOLE_TOO_LARGE */
	{ "Tệp quá lớn: tối đa 10 MiB cho mỗi tệp. Hãy quay lại, chọn tệp nhỏ hơn (hoặc chia tệp) rồi gửi lại.",
	  "The file is too large: 10 MiB at most per file. Go back, choose a smaller file (or split it) and send again." },
	/* MSG_FORM_KEY_REUSED */
	{ "Trang này đã gửi một phản ánh khác trước đó, nên nội dung mới chưa được gửi. Nội dung bạn viết vẫn còn bên dưới: "
	  "bấm Gửi để gửi nó thành một phản ánh mới, với mã biên nhận mới.",
	  "This page already sent a different report, so the new text was not sent. What you wrote is kept below: "
	  "press Send to send it as a new report, with a new receipt code." },
	/* MSG_HOTLINE */
	{ "Đường dây nóng Công đoàn", "Union hotline" },
	/* MSG_CALL_HOTLINE */
	{ "Gọi đường dây nóng Công đoàn", "Call the union hotline" },
	/* MSG_CALL_AMBULANCE */
	{ "Gọi cấp cứu 115", "Call an ambulance: 115" },
	/* MSG_CALL_FIRE */
	{ "Gọi cứu hỏa 114", "Call the fire service: 114" },
	/* MSG_MONTH_FROM */
	{ "Từ tháng", "From" },
	/* MSG_MONTH_TO */
	{ "Đến tháng", "To" },
	/* MSG_FIELD_CHOOSE */
	{ "Vui lòng chọn một mục.", "Please choose one." },
	/* MSG_RESULTS_TITLE */
	{ "Công đoàn đã làm gì", "What the union did" },
	/* MSG_RESULTS_RESOLVED */
	{ "phản ánh đã được giải quyết", "reports resolved" },
	/* MSG_RESULTS_KEPT */
	{ "cam kết đã được thực hiện", "commitments kept" },
	/* MSG_RESULTS_NOTE */
	{ "Chỉ có số liệu gộp, mỗi dòng từ 5 phản ánh trở lên, không nêu tên ai. Cán bộ Công đoàn duyệt công bố ngày",
	  "Totals only, each line from 5 reports or more, naming no one. Approved for publication by a union officer on" },
	/* MSG_RESULTS_NONE */
	{ "Công đoàn chưa công bố kết quả nào cho nơi làm việc này.", "The union has published no results for this workplace yet." },
	/* MSG_STATUS_ROUNDS */
	{ "Phản ánh của bạn đã được Công đoàn đưa ra", "The union took your report to" },
};

const char *
tr(enum lang l, enum msg m)
{
	if ((unsigned)l >= LANG__MAX || (unsigned)m >= MSG__MAX)
		return "";
	return msgs[m][l];
}

/* For the officer console's many one-off strings: the text in the
 * request's language, given both inline. */
const char *
L(const struct req *r, const char *vi, const char *en)
{
	return r->lang == LANG_EN ? en : vi;
}
