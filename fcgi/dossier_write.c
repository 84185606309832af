/* dossier_write.c: a collected case dossier written out: the printable HTML page, the XLSX workbook, or its JSON. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include <xlsxwriter.h>

#include "app.h"
#include "buf.h"
#include "dossier.h"
#include "export.h"
#include "html.h"

static const char *
jstr(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	return json_is_string(v) ? json_string_value(v) : "";
}

/* An integer as text, with literal words around it. */
static void
integer_text(struct buf *b, const char *before, long long v, const char *after)
{
	char t[128];
	snprintf(t, sizeof(t), "%s%lld%s", before, v, after);
	html_text(b, t);
}

/* "2026-03-10" or "2026-03-10 14:30" → "10/03/2026" or "10/03/2026 14:30"; "—" when empty. */
static void
date_vi(struct buf *b, const char *iso)
{
	if (strlen(iso) < 10 || iso[4] != '-') {
		html_text(b, *iso ? iso : "—");
		return;
	}
	char t[32];
	snprintf(t, sizeof(t), "%.2s/%.2s/%.4s%s", iso + 8, iso + 5, iso, iso + 10);
	html_text(b, t);
}

static void
number_or_dash(struct buf *b, json_t *v, bool money)
{
	if (!json_is_integer(v))
		html_text(b, "—");
	else if (money) {
		char vnd[DOSSIER_VND_MAX];
		html_text(b, dossier_vnd_text(vnd, (long long)json_integer_value(v)));
	} else {
		integer_text(b, "", (long long)json_integer_value(v), "");
	}
}

static void
dt_dd(struct buf *b, const char *term, const char *value, const char *ident)
{
	html_lit(b, "<dt>");
	html_text(b, term);
	html_lit(b, "</dt><dd id=\"");
	html_attr(b, ident);
	html_lit(b, "\">");
	html_text(b, *value ? value : "—");
	html_lit(b, "</dd>");
}

/* The head of the page and the facts of the case. */
static void
html_case(struct buf *b, json_t *d)
{
	json_t *k = json_object_get(d, "case"), *w = json_object_get(k, "workplace");
	char idtxt[32];
	snprintf(idtxt, sizeof(idtxt), "%lld", (long long)json_integer_value(json_object_get(k, "id")));
	html_lit(b, "<!doctype html>\n<html lang=\"vi\"><head><meta charset=\"utf-8\"><title>Hồ sơ vụ việc #");
	html_text(b, idtxt);
	html_lit(b, " · " APP_NAME "</title><link rel=\"icon\" href=\"data:,\">"
	    "<link rel=\"stylesheet\" href=\"/static/" STATIC_VERSION "/dossier.css\"></head>\n<body class=\"dossier\"><header><p class=\"brand\">"
	    APP_NAME " · Hồ sơ vụ việc</p><h1 id=\"case-title\">#");
	html_text(b, idtxt);
	html_lit(b, " ");
	html_text(b, jstr(k, "title"));
	html_lit(b, "</h1><p class=\"generated\">Lập lúc ");
	date_vi(b, jstr(d, "generated_at"));
	html_lit(b, "</p></header>\n<section id=\"case\"><h2>Vụ việc</h2><dl class=\"meta\">");
	dt_dd(b, "Loại", jstr(k, "kind_label"), "case-kind");
	dt_dd(b, "Tranh chấp", jstr(k, "scope_label"), "case-scope");
	dt_dd(b, "Nơi làm việc", jstr(w, "name"), "case-workplace");
	dt_dd(b, "Mã số thuế", jstr(w, "tax_code"), "case-tax-code");
	dt_dd(b, "Địa chỉ", jstr(w, "address"), "case-address");
	dt_dd(b, "Đơn vị xử lý", jstr(k, "unit"), "case-unit");
	dt_dd(b, "Giai đoạn", jstr(k, "stage_label"), "case-stage");
	html_lit(b, "<dt>Từ ngày</dt><dd id=\"case-stage-since\">");
	date_vi(b, jstr(k, "stage_entered_on"));
	html_lit(b, "</dd>");
	dt_dd(b, "Kết quả", jstr(k, "outcome_label"), "case-outcome");
	dt_dd(b, "Phụ trách", jstr(k, "assignee"), "case-assignee");
	html_lit(b, "<dt>Ngày phát hiện vi phạm</dt><dd id=\"case-known\">");
	date_vi(b, jstr(k, "violation_known_on"));
	html_lit(b, "</dd></dl></section>\n");
}

/* The legal deadlines, those of the current stage marked. */
static void
html_deadlines(struct buf *b, json_t *d)
{
	json_t *x;
	size_t i;
	html_lit(b, "<section id=\"deadlines\"><h2>Thời hạn theo luật</h2><table><thead><tr><th scope=\"col\">Thời hạn</th>"
	    "<th scope=\"col\">Ngày</th><th scope=\"col\">Căn cứ</th></tr></thead><tbody>");
	json_array_foreach(json_object_get(d, "deadlines"), i, x) {
		if (json_is_true(json_object_get(x, "current")))
			html_lit(b, "<tr class=\"current\" data-code=\"");
		else
			html_lit(b, "<tr data-code=\"");
		html_attr(b, jstr(x, "code"));
		html_lit(b, "\"><td>");
		html_text(b, jstr(x, "description"));
		if (!json_is_true(json_object_get(x, "current")))
			html_lit(b, " <small>(không áp dụng ở giai đoạn này)</small>");
		html_lit(b, "</td><td>");
		if (*jstr(x, "due_on"))
			date_vi(b, jstr(x, "due_on"));
		else
			html_lit(b, "(thiếu ngày gốc)");
		html_lit(b, "</td><td class=\"source\">");
		html_text(b, jstr(x, "source"));
		html_lit(b, "</td></tr>");
	}
	html_lit(b, "</tbody></table></section>\n");
}

/* The totals from the reports beside what an officer corrected. */
static void
html_totals(struct buf *b, json_t *d)
{
	json_t *t = json_object_get(d, "totals"), *tc = json_object_get(t, "computed"), *tk = json_object_get(t, "case");
	html_lit(b, "<section id=\"totals\"><h2>Số liệu</h2><table><thead><tr><th></th><th scope=\"col\">Tính từ phản ánh</th>"
	    "<th scope=\"col\">Cán bộ hiệu chỉnh</th></tr></thead><tbody>");
	static const struct { const char *label, *key; bool money; } rows[] = {
		{ "Số người lao động bị ảnh hưởng", "workers", false },
		{ "Số tháng bị nợ", "months", false },
		{ "Số tiền bị nợ", "amount_vnd", true },
	};
	bool corrected = json_is_true(json_object_get(t, "corrected_by_officer"));
	for (size_t r = 0; r < sizeof(rows) / sizeof(rows[0]); r++) {
		html_lit(b, "<tr><th scope=\"row\">");
		html_text(b, rows[r].label);
		html_lit(b, "</th><td>");
		number_or_dash(b, json_object_get(tc, rows[r].key), rows[r].money);
		html_lit(b, "</td><td>");
		number_or_dash(b, corrected ? json_object_get(tk, rows[r].key) : NULL, rows[r].money);
		html_lit(b, "</td></tr>");
	}
	html_lit(b, "</tbody></table></section>\n");
}

/* The dated history. */
static void
html_timeline(struct buf *b, json_t *d)
{
	json_t *x;
	size_t i;
	html_lit(b, "<section id=\"timeline\"><h2>Diễn biến</h2><ol class=\"timeline\">");
	json_array_foreach(json_object_get(d, "timeline"), i, x) {
		html_lit(b, "<li data-kind=\"");
		html_attr(b, jstr(x, "kind"));
		html_lit(b, "\"><span class=\"when\">");
		date_vi(b, jstr(x, "on_date"));
		html_lit(b, "</span> <span class=\"what\">");
		html_text(b, jstr(x, "kind_label"));
		if (*jstr(x, "to_stage")) {
			html_lit(b, ": ");
			html_text(b, dossier_label_vi(jstr(x, "from_stage")));
			html_lit(b, " → ");
			html_text(b, jstr(x, "to_stage_label"));
		}
		html_lit(b, "</span> <span class=\"who\">(");
		html_text(b, *jstr(x, "officer") ? jstr(x, "officer") : "—");
		html_lit(b, ", ghi lúc ");
		date_vi(b, jstr(x, "at"));
		html_lit(b, ")</span>");
		if (*jstr(x, "note")) {
			html_lit(b, "<p class=\"note\">");
			html_text(b, jstr(x, "note"));
			html_lit(b, "</p>");
		}
		html_lit(b, "</li>");
	}
	html_lit(b, "</ol></section>\n");
}

/* The linked reports with their answers, contact (when included) and messages. */
static void
html_reports(struct buf *b, json_t *d)
{
	json_t *x;
	size_t i;
	html_lit(b, "<section id=\"reports\"><h2>Phản ánh liên kết</h2>");
	json_array_foreach(json_object_get(d, "reports"), i, x) {
		char rid[32];
		size_t j;
		json_t *y;
		snprintf(rid, sizeof(rid), "%lld", (long long)json_integer_value(json_object_get(x, "id")));
		html_lit(b, "<article class=\"report\" id=\"report-");
		html_attr(b, rid);
		html_lit(b, "\"><h3>Phản ánh #");
		html_text(b, rid);
		html_lit(b, ": ");
		html_text(b, jstr(x, "form_title"));
		html_lit(b, "</h3><p class=\"meta\">Nhận lúc ");
		date_vi(b, jstr(x, "received_at"));
		html_lit(b, " · ");
		html_text(b, jstr(x, "channel_label"));
		integer_text(b, " · phiên bản biểu mẫu ", (long long)json_integer_value(json_object_get(x, "version")), "");
		html_lit(b, "</p><dl class=\"answers\">");
		json_array_foreach(json_object_get(x, "answers"), j, y) {
			html_lit(b, "<dt>");
			html_text(b, jstr(y, "label"));
			html_lit(b, "</dt><dd>");
			html_text(b, jstr(y, "text"));
			html_lit(b, "</dd>");
		}
		html_lit(b, "<dt>Thông tin liên lạc</dt><dd class=\"contact\" id=\"contact-");
		html_attr(b, rid);
		html_lit(b, "\">");
		html_text(b, json_is_string(json_object_get(x, "contact")) ? jstr(x, "contact") : jstr(x, "contact_note"));
		html_lit(b, "</dd></dl><h4>Trao đổi với người lao động</h4>");
		if (json_array_size(json_object_get(x, "messages")) == 0)
			html_lit(b, "<p class=\"empty\">Không có tin nhắn.</p>");
		else {
			html_lit(b, "<ol class=\"thread\">");
			json_array_foreach(json_object_get(x, "messages"), j, y) {
				if (strcmp(jstr(y, "author"), "worker") == 0)
					html_lit(b, "<li class=\"from-worker\"><span class=\"who\">");
				else
					html_lit(b, "<li class=\"from-union\"><span class=\"who\">");
				html_text(b, jstr(y, "from"));
				html_lit(b, " · ");
				date_vi(b, jstr(y, "at"));
				html_lit(b, "</span><p>");
				html_text(b, jstr(y, "body"));
				html_lit(b, "</p></li>");
			}
			html_lit(b, "</ol>");
		}
		html_lit(b, "</article>");
	}
	if (json_array_size(json_object_get(d, "reports")) == 0)
		html_lit(b, "<p class=\"empty\">Chưa có phản ánh nào được liên kết.</p>");
	html_lit(b, "</section>\n");
}

/* The files with their SHA-256, and the closing words. */
static void
html_attachments(struct buf *b, json_t *d)
{
	json_t *x;
	size_t i;
	html_lit(b, "<section id=\"attachments\"><h2>Tệp đính kèm</h2><table><thead><tr><th scope=\"col\">Tệp</th>"
	    "<th scope=\"col\">Nguồn</th><th scope=\"col\">Loại</th><th scope=\"col\">Dung lượng (byte)</th>"
	    "<th scope=\"col\">Thêm lúc</th><th scope=\"col\">Người thêm</th>"
	    "<th scope=\"col\">SHA-256</th></tr></thead><tbody>");
	json_array_foreach(json_object_get(d, "attachments"), i, x) {
		html_lit(b, "<tr><td>");
		html_text(b, jstr(x, "filename"));
		html_lit(b, "</td><td>");
		if (json_is_integer(json_object_get(x, "report_id")))
			integer_text(b, "Phản ánh #", (long long)json_integer_value(json_object_get(x, "report_id")), "");
		else
			html_lit(b, "Vụ việc");
		html_lit(b, "</td><td>");
		html_text(b, jstr(x, "mime"));
		html_lit(b, "</td><td>");
		integer_text(b, "", (long long)json_integer_value(json_object_get(x, "size")), "");
		html_lit(b, "</td><td>");
		date_vi(b, jstr(x, "added_at"));
		html_lit(b, "</td><td>");
		html_text(b, jstr(x, "added_by"));
		html_lit(b, "</td><td class=\"hash\">");
		html_text(b, jstr(x, "sha256"));
		html_lit(b, "</td></tr>");
	}
	html_lit(b, "</tbody></table>");
	if (json_array_size(json_object_get(d, "attachments")) == 0)
		html_lit(b, "<p class=\"empty\">Không có tệp.</p>");
	html_lit(b, "</section>\n<footer><p>Thông tin liên lạc của người lao động chỉ có trong hồ sơ khi cán bộ đã "
	    "xem trước đó và người lập hồ sơ có quyền; việc lập hồ sơ được ghi vào nhật ký.</p></footer></body></html>\n");
}

/* The printable A4 document (static/dossier.css), Vietnamese, escaped throughout. */
static void
write_html(struct buf *b, json_t *d)
{
	html_case(b, d);
	html_deadlines(b, d);
	html_totals(b, d);
	html_timeline(b, d);
	html_reports(b, d);
	html_attachments(b, d);
}

/* "2026-03-10" or "2026-03-10 14:30" → a spreadsheet date. */
static bool
xlsx_date(const char *s, lxw_datetime *dt)
{
	memset(dt, 0, sizeof(*dt));
	int n = sscanf(s, "%4d-%2d-%2d %2d:%2d", &dt->year, &dt->month, &dt->day, &dt->hour, &dt->min);
	return n == 3 || n == 5;
}

struct xl {
	lxw_worksheet *ws;
	lxw_format *date, *datetime, *money, *bold;
};

/* A cell: an ISO date becomes a date, anything else a string (never a formula). */
static void
xl_cell(struct xl *x, lxw_row_t row, lxw_col_t col, const char *s, bool date)
{
	lxw_datetime dt;
	if (date && *s && xlsx_date(s, &dt))
		worksheet_write_datetime(x->ws, row, col, &dt, strlen(s) > 10 ? x->datetime : x->date);
	else if (*s)
		worksheet_write_string(x->ws, row, col, s, NULL);
}

static void
xl_number(struct xl *x, lxw_row_t row, lxw_col_t col, json_t *v, bool money)
{
	if (json_is_number(v))
		worksheet_write_number(x->ws, row, col, json_number_value(v), money ? x->money : NULL);
}

static void
xl_header(struct xl *x, const char *const *names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		worksheet_write_string(x->ws, 0, (lxw_col_t)i, names[i], x->bold);
	worksheet_freeze_panes(x->ws, 1, 0);
	worksheet_set_column(x->ws, 0, (lxw_col_t)(n - 1), 22, NULL);
}

/* The workbook: four sheets, dates as dates, money as numbers. */
static int
write_xlsx(json_t *d, export_write_fn write, void *ctx, char *err, size_t errlen)
{
	struct export_book bk;
	if (export_book_open(&bk, false, err, errlen) != 0)
		return -1;
	lxw_workbook *wb = bk.wb;
	struct xl x = { 0 };
	x.bold = workbook_add_format(wb);
	format_set_bold(x.bold);
	x.date = workbook_add_format(wb);
	format_set_num_format(x.date, "dd/mm/yyyy");
	x.datetime = workbook_add_format(wb);
	format_set_num_format(x.datetime, "dd/mm/yyyy hh:mm");
	x.money = workbook_add_format(wb);
	format_set_num_format(x.money, "#,##0");
	json_t *k = json_object_get(d, "case"), *w = json_object_get(k, "workplace"), *t = json_object_get(d, "totals"), *e;
	size_t i, j;
	lxw_row_t row;

	/* Vụ việc: the case as field/value rows, then the deadlines and the totals */
	x.ws = workbook_add_worksheet(wb, "Vụ việc");
	static const char *const h1[] = { "Mục", "Giá trị", "Căn cứ / ghi chú" };
	xl_header(&x, h1, 3);
	struct { const char *label; const char *value; bool date; } meta[] = {
		{ "Tên vụ việc", jstr(k, "title"), false }, { "Loại", jstr(k, "kind_label"), false },
		{ "Tranh chấp", jstr(k, "scope_label"), false }, { "Nơi làm việc", jstr(w, "name"), false },
		{ "Mã số thuế", jstr(w, "tax_code"), false }, { "Địa chỉ", jstr(w, "address"), false },
		{ "Đơn vị xử lý", jstr(k, "unit"), false }, { "Giai đoạn", jstr(k, "stage_label"), false },
		{ "Từ ngày", jstr(k, "stage_entered_on"), true }, { "Kết quả", jstr(k, "outcome_label"), false },
		{ "Phụ trách", jstr(k, "assignee"), false }, { "Ngày phát hiện vi phạm", jstr(k, "violation_known_on"), true },
		{ "Tạo lúc", jstr(k, "created_at"), true },
	};
	worksheet_write_string(x.ws, 1, 0, "Mã vụ việc", NULL);
	xl_number(&x, 1, 1, json_object_get(k, "id"), false);
	row = 2;
	for (i = 0; i < sizeof(meta) / sizeof(meta[0]); i++, row++) {
		worksheet_write_string(x.ws, row, 0, meta[i].label, NULL);
		xl_cell(&x, row, 1, meta[i].value, meta[i].date);
	}
	row++;
	worksheet_write_string(x.ws, row++, 0, "Thời hạn theo luật", x.bold);
	json_array_foreach(json_object_get(d, "deadlines"), i, e) {
		worksheet_write_string(x.ws, row, 0, jstr(e, "description"), NULL);
		xl_cell(&x, row, 1, jstr(e, "due_on"), true);
		worksheet_write_string(x.ws, row++, 2, jstr(e, "source"), NULL);
	}
	row++;
	worksheet_write_string(x.ws, row++, 0, "Số liệu (tính từ phản ánh | cán bộ hiệu chỉnh)", x.bold);
	static const struct { const char *label, *key; bool money; } tot[] = {
		{ "Số người lao động bị ảnh hưởng", "workers", false }, { "Số tháng bị nợ", "months", false },
		{ "Số tiền bị nợ (đồng)", "amount_vnd", true },
	};
	bool corrected = json_is_true(json_object_get(t, "corrected_by_officer"));
	for (i = 0; i < sizeof(tot) / sizeof(tot[0]); i++, row++) {
		worksheet_write_string(x.ws, row, 0, tot[i].label, NULL);
		xl_number(&x, row, 1, json_object_get(json_object_get(t, "computed"), tot[i].key), tot[i].money);
		if (corrected)
			xl_number(&x, row, 2, json_object_get(json_object_get(t, "case"), tot[i].key), tot[i].money);
	}

	/* Diễn biến: the timeline */
	x.ws = workbook_add_worksheet(wb, "Diễn biến");
	static const char *const h2[] = { "Ngày", "Ghi lúc", "Sự kiện", "Từ giai đoạn", "Đến giai đoạn", "Cán bộ", "Ghi chú" };
	xl_header(&x, h2, 7);
	row = 1;
	json_array_foreach(json_object_get(d, "timeline"), i, e) {
		xl_cell(&x, row, 0, jstr(e, "on_date"), true);
		xl_cell(&x, row, 1, jstr(e, "at"), true);
		xl_cell(&x, row, 2, jstr(e, "kind_label"), false);
		xl_cell(&x, row, 3, *jstr(e, "from_stage") ? dossier_label_vi(jstr(e, "from_stage")) : "", false);
		xl_cell(&x, row, 4, jstr(e, "to_stage_label"), false);
		xl_cell(&x, row, 5, jstr(e, "officer"), false);
		xl_cell(&x, row++, 6, jstr(e, "note"), false);
	}

	/* Phản ánh: one row per answer, contact and message of each linked report */
	x.ws = workbook_add_worksheet(wb, "Phản ánh");
	static const char *const h3[] = { "Phản ánh #", "Biểu mẫu", "Nhận lúc", "Mục", "Nội dung", "Giá trị", "Thời điểm" };
	xl_header(&x, h3, 7);
	row = 1;
	json_array_foreach(json_object_get(d, "reports"), i, e) {
		json_t *y;
		json_array_foreach(json_object_get(e, "answers"), j, y) {
			xl_number(&x, row, 0, json_object_get(e, "id"), false);
			xl_cell(&x, row, 1, jstr(e, "form_title"), false);
			xl_cell(&x, row, 2, jstr(e, "received_at"), true);
			xl_cell(&x, row, 3, "Câu trả lời", false);
			xl_cell(&x, row, 4, jstr(y, "label"), false);
			json_t *v = json_object_get(y, "value");
			const char *type = jstr(y, "type");
			if (json_is_number(v) && strcmp(type, "photo") != 0)
				xl_number(&x, row, 5, v, strcmp(type, "money") == 0);
			else
				xl_cell(&x, row, 5, json_is_string(v) && strcmp(type, "date") == 0 ? json_string_value(v) : jstr(y, "text"),
				    strcmp(type, "date") == 0);
			row++;
		}
		xl_number(&x, row, 0, json_object_get(e, "id"), false);
		xl_cell(&x, row, 1, jstr(e, "form_title"), false);
		xl_cell(&x, row, 2, jstr(e, "received_at"), true);
		xl_cell(&x, row, 3, "Liên lạc", false);
		xl_cell(&x, row, 4, "Thông tin liên lạc", false);
		xl_cell(&x, row++, 5, json_is_string(json_object_get(e, "contact")) ? jstr(e, "contact") : jstr(e, "contact_note"), false);
		json_array_foreach(json_object_get(e, "messages"), j, y) {
			xl_number(&x, row, 0, json_object_get(e, "id"), false);
			xl_cell(&x, row, 1, jstr(e, "form_title"), false);
			xl_cell(&x, row, 2, jstr(e, "received_at"), true);
			xl_cell(&x, row, 3, "Tin nhắn", false);
			xl_cell(&x, row, 4, jstr(y, "from"), false);
			xl_cell(&x, row, 5, jstr(y, "body"), false);
			xl_cell(&x, row++, 6, jstr(y, "at"), true);
		}
	}

	/* Tệp đính kèm */
	x.ws = workbook_add_worksheet(wb, "Tệp đính kèm");
	static const char *const h4[] = { "Tệp", "Nguồn", "Phản ánh #", "Loại", "Dung lượng (byte)", "SHA-256", "Thêm lúc", "Người thêm" };
	xl_header(&x, h4, 8);
	row = 1;
	json_array_foreach(json_object_get(d, "attachments"), i, e) {
		xl_cell(&x, row, 0, jstr(e, "filename"), false);
		xl_cell(&x, row, 1, strcmp(jstr(e, "source"), "case") == 0 ? "Vụ việc" : "Phản ánh", false);
		xl_number(&x, row, 2, json_object_get(e, "report_id"), false);
		xl_cell(&x, row, 3, jstr(e, "mime"), false);
		xl_number(&x, row, 4, json_object_get(e, "size"), false);
		xl_cell(&x, row, 5, jstr(e, "sha256"), false);
		xl_cell(&x, row, 6, jstr(e, "added_at"), true);
		xl_cell(&x, row++, 7, jstr(e, "added_by"), false);
	}

	return export_book_finish(&bk, true, write, ctx, err, errlen);
}

/* Writes a collected dossier in `fmt` to write(ctx, ...). 0, or -1 with err. */
int
dossier_write(json_t *d, enum dossier_format fmt, export_write_fn write, void *ctx, char *err, size_t errlen)
{
	if (fmt == DOSSIER_XLSX)
		return write_xlsx(d, write, ctx, err, errlen);
	if (fmt == DOSSIER_JSON)
		return export_send_json(d, write, ctx, err, errlen);
	struct buf b = { 0 };
	write_html(&b, d);
	return export_send_buf(&b, write, ctx, err, errlen);
}
