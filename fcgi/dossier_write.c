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

/* "2026-03-10" or "2026-03-10 14:30" → "10/03/2026" or "10/03/2026 14:30"
 * in t (32 bytes); "—" when empty, anything else as given. */
static const char *
vi_date(char t[32], const char *iso)
{
	if (strlen(iso) < 10 || iso[4] != '-')
		return *iso ? iso : "—";
	snprintf(t, 32, "%.2s/%.2s/%.4s%s", iso + 8, iso + 5, iso, iso + 10);
	return t;
}

/* The same date, escaped into the page. */
static void
date_vi(struct buf *b, const char *iso)
{
	char t[32];
	html_text(b, vi_date(t, iso));
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
		html_textf(b, "%lld", (long long)json_integer_value(v));
	}
}

/* One fact of the case: what it is called, which member of the JSON
 * case ("workplace.x": of its workplace) holds it, the id its <dd> carries
 * on the printed page (NULL: the workbook only) and whether it is a date.
 * The one list both the page and the workbook's first sheet walk. */
struct case_fact {
	const char *label, *key, *ident;
	bool date, money;   /* money: an integer in đồng */
};
static const struct case_fact case_facts[] = {
	{ "Tên vụ việc", "title", NULL, false, false },
	{ "Loại", "kind_label", "case-kind", false, false },
	{ "Tranh chấp", "scope_label", "case-scope", false, false },
	{ "Nơi làm việc", "workplace.name", "case-workplace", false, false },
	{ "Mã số thuế", "workplace.tax_code", "case-tax-code", false, false },
	{ "Địa chỉ", "workplace.address", "case-address", false, false },
	{ "Đơn vị xử lý", "unit", "case-unit", false, false },
	{ "Giai đoạn", "stage_label", "case-stage", false, false },
	{ "Từ ngày", "stage_entered_on", "case-stage-since", true, false },
	{ "Kết quả", "outcome_label", "case-outcome", false, false },
	{ "Phụ trách", "assignee", "case-assignee", false, false },
	{ "Ngày phát hiện vi phạm", "violation_known_on", "case-known", true, false },
	{ "Loại tranh chấp", "dispute_type_label", "case-dispute-type", false, false },
	{ "Nội dung tranh chấp", "subject_label", "case-subject", false, false },
	{ "Người lao động là đoàn viên Công đoàn", "worker_member_label", "case-member", false, false },
	{ "Công đoàn tham gia với vai trò", "union_role_label", "case-union-role", false, false },
	{ "Số tiền đòi được cho người lao động", "recovered_vnd", "case-recovered", false, true },
	{ "Tạo lúc", "created_at", NULL, true, false },
};
#define NCASE_FACTS (sizeof(case_facts) / sizeof(case_facts[0]))

/* The value of fact `f` of case `k` ("" when absent). */
static const char *
case_fact_value(json_t *k, const struct case_fact *f)
{
	if (strncmp(f->key, "workplace.", 10) == 0)
		return jstr(json_object_get(k, "workplace"), f->key + 10);
	return jstr(k, f->key);
}

/* <section id="ID"><h2>TITLE</h2>: a part of the dossier, which the caller
 * closes with "</section>". */
static void
section_begin(struct buf *b, const char *id, const char *title)
{
	const struct kv a[] = { { "id", id, 0 } };
	html_lit(b, "<section");
	html_attrs(b, a, 1);
	html_lit(b, "><h2>");
	html_text(b, title);
	html_lit(b, "</h2>");
}

/* A section with its <h2> and a table's head: one <th scope="col"> per
 * name ("" gives an empty <th>); the caller writes the rows, then closes
 * with "</tbody></table>". */
static void
table_begin(struct buf *b, const char *id, const char *title, const char *const *cols, size_t n)
{
	section_begin(b, id, title);
	html_lit(b, "<table><thead><tr>");
	for (size_t i = 0; i < n; i++) {
		html_lit(b, "<th");
		if (*cols[i])
			html_lit(b, " scope=\"col\"");
		html_lit(b, ">");
		html_text(b, cols[i]);
		html_lit(b, "</th>");
	}
	html_lit(b, "</tr></thead><tbody>");
}

/* One cell of a row: its text escaped, its class (may be NULL). */
struct cell {
	const char *text, *cls;
};

/* <tr> with one <td> per cell. */
static void
table_row(struct buf *b, const struct cell *cells, size_t n)
{
	html_lit(b, "<tr>");
	for (size_t i = 0; i < n; i++) {
		const struct kv a[] = { { "class", cells[i].cls, 0 } };
		html_lit(b, "<td");
		html_attrs(b, a, 1);
		html_lit(b, ">");
		html_text(b, cells[i].text);
		html_lit(b, "</td>");
	}
	html_lit(b, "</tr>");
}

/* <dt>TERM</dt><dd id="IDENT">, left open for the value (IDENT NULL: no id). */
static void
dt_dd_open(struct buf *b, const char *term, const char *ident)
{
	html_lit(b, "<dt>");
	html_text(b, term);
	const struct kv a[] = { { "id", ident, 0 } };
	html_lit(b, "</dt><dd");
	html_attrs(b, a, 1);
	html_lit(b, ">");
}

/* The head of the page and the facts of the case. */
static void
html_case(struct buf *b, json_t *d)
{
	json_t *k = json_object_get(d, "case");
	char idtxt[32];
	snprintf(idtxt, sizeof(idtxt), "%lld", (long long)json_integer_value(json_object_get(k, "id")));
	html_lit(b, "<!doctype html>\n<html lang=\"vi\"><head><meta charset=\"utf-8\"><title>Hồ sơ vụ việc #");
	html_text(b, idtxt);
	html_lit(b, " · " APP_NAME "</title><link rel=\"icon\" href=\"data:,\">"
	    "<link rel=\"stylesheet\" href=\"/static/" STATIC_VERSION "/dossier.css\"></head>\n<body class=\"dossier\"><header><p class=\"brand\">"
	    APP_NAME " · Hồ sơ vụ việc</p><h1 id=\"case-title\">");
	html_textf(b, "#%s %s", idtxt, jstr(k, "title"));
	html_lit(b, "</h1><p class=\"generated\">Lập lúc ");
	date_vi(b, jstr(d, "generated_at"));
	html_lit(b, "</p></header>\n");
	section_begin(b, "case", "Vụ việc");
	html_lit(b, "<dl class=\"meta\">");
	for (size_t i = 0; i < NCASE_FACTS; i++) {
		const struct case_fact *f = &case_facts[i];
		const char *v = case_fact_value(k, f);
		if (f->ident == NULL)
			continue;
		dt_dd_open(b, f->label, f->ident);
		if (f->money)
			number_or_dash(b, json_object_get(k, f->key), true);
		else if (f->date)
			date_vi(b, v);
		else
			html_text(b, *v ? v : "—");
		html_lit(b, "</dd>");
	}
	json_t *x;
	size_t i;
	json_array_foreach(json_object_get(k, "dates"), i, x) {   /* the recorded dates deadlines count from */
		char ident[64];
		snprintf(ident, sizeof(ident), "case-date-%s", jstr(x, "key"));
		dt_dd_open(b, jstr(x, "label"), ident);
		date_vi(b, jstr(x, "date"));
		html_lit(b, "</dd>");
	}
	html_lit(b, "</dl></section>\n");
}

/* The legal deadlines, those of the current stage marked. */
static void
html_deadlines(struct buf *b, json_t *d)
{
	static const char *const cols[] = { "Thời hạn", "Ngày", "Tính từ", "Căn cứ" };
	json_t *x;
	size_t i;
	table_begin(b, "deadlines", "Thời hạn theo luật", cols, 4);
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
		html_lit(b, "</td><td class=\"from\">");
		html_text(b, jstr(x, "counted_from_label"));
		html_lit(b, ": ");
		date_vi(b, jstr(x, "counted_from_date"));
		html_lit(b, "</td><td class=\"source\">");
		html_text(b, jstr(x, "source"));
		html_lit(b, "</td></tr>");
	}
	html_lit(b, "</tbody></table></section>\n");
}

/* The three totals, the one list the page and the workbook show. */
static const struct { const char *label, *key; bool money; } totals[] = {
	{ "Số người lao động bị ảnh hưởng", "workers", false },
	{ "Số tháng bị nợ", "months", false },
	{ "Số tiền bị nợ", "amount_vnd", true },
};
#define NTOTALS (sizeof(totals) / sizeof(totals[0]))

/* The totals from the reports beside what an officer corrected. */
static void
html_totals(struct buf *b, json_t *d)
{
	static const char *const cols[] = { "", "Tính từ phản ánh", "Cán bộ hiệu chỉnh" };
	json_t *t = json_object_get(d, "totals"), *tc = json_object_get(t, "computed"), *tk = json_object_get(t, "case");
	table_begin(b, "totals", "Số liệu", cols, 3);
	bool corrected = json_is_true(json_object_get(t, "corrected_by_officer"));
	for (size_t r = 0; r < NTOTALS; r++) {
		html_lit(b, "<tr><th scope=\"row\">");
		html_text(b, totals[r].label);
		html_lit(b, "</th><td>");
		number_or_dash(b, json_object_get(tc, totals[r].key), totals[r].money);
		html_lit(b, "</td><td>");
		number_or_dash(b, corrected ? json_object_get(tk, totals[r].key) : NULL, totals[r].money);
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
	section_begin(b, "timeline", "Diễn biến");
	html_lit(b, "<ol class=\"timeline\">");
	json_array_foreach(json_object_get(d, "timeline"), i, x) {
		char at[32];
		html_lit(b, "<li data-kind=\"");
		html_attr(b, jstr(x, "kind"));
		html_lit(b, "\"><span class=\"when\">");
		date_vi(b, jstr(x, "on_date"));
		html_lit(b, "</span> <span class=\"what\">");
		if (*jstr(x, "to_stage"))
			html_textf(b, "%s: %s → %s", jstr(x, "kind_label"), dossier_label_vi(jstr(x, "from_stage")),
			    jstr(x, "to_stage_label"));
		else
			html_text(b, jstr(x, "kind_label"));
		html_lit(b, "</span> <span class=\"who\">");
		html_textf(b, "(%s, ghi lúc %s)", *jstr(x, "officer") ? jstr(x, "officer") : "—", vi_date(at, jstr(x, "at")));
		html_lit(b, "</span>");
		if (*jstr(x, "note")) {
			html_lit(b, "<p class=\"note\">");
			html_text(b, jstr(x, "note"));
			html_lit(b, "</p>");
		}
		html_lit(b, "</li>");
	}
	html_lit(b, "</ol></section>\n");
}

/* A report's contact as the dossier has it: the details, or why they are left out. */
static const char *
report_contact(json_t *x)
{
	return json_is_string(json_object_get(x, "contact")) ? jstr(x, "contact") : jstr(x, "contact_note");
}

/* The linked reports with their answers, contact (when included) and messages. */
static void
html_reports(struct buf *b, json_t *d)
{
	json_t *x;
	size_t i;
	section_begin(b, "reports", "Phản ánh liên kết");
	json_array_foreach(json_object_get(d, "reports"), i, x) {
		char rid[32], at[32];
		size_t j;
		json_t *y;
		snprintf(rid, sizeof(rid), "%lld", (long long)json_integer_value(json_object_get(x, "id")));
		html_lit(b, "<article class=\"report\" id=\"report-");
		html_attr(b, rid);
		html_lit(b, "\"><h3>");
		html_textf(b, "Phản ánh #%s: %s", rid, jstr(x, "form_title"));
		html_lit(b, "</h3><p class=\"meta\">");
		html_textf(b, "Nhận lúc %s · %s · phiên bản biểu mẫu %lld", vi_date(at, jstr(x, "received_at")),
		    jstr(x, "channel_label"), (long long)json_integer_value(json_object_get(x, "version")));
		html_lit(b, "</p><dl class=\"answers\">");
		json_array_foreach(json_object_get(x, "answers"), j, y) {
			dt_dd_open(b, jstr(y, "label"), NULL);
			html_text(b, jstr(y, "text"));
			html_lit(b, "</dd>");
		}
		html_lit(b, "<dt>Thông tin liên lạc</dt><dd class=\"contact\" id=\"contact-");
		html_attr(b, rid);
		html_lit(b, "\">");
		html_text(b, report_contact(x));
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
				html_textf(b, "%s · %s", jstr(y, "from"), vi_date(at, jstr(y, "at")));
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
	static const char *const cols[] = { "Tệp", "Nguồn", "Loại", "Dung lượng (byte)", "Thêm lúc", "Người thêm", "SHA-256" };
	json_t *x;
	size_t i;
	table_begin(b, "attachments", "Tệp đính kèm", cols, 7);
	json_array_foreach(json_object_get(d, "attachments"), i, x) {
		char source[48], size[24], at[32];
		if (json_is_integer(json_object_get(x, "report_id")))
			snprintf(source, sizeof(source), "Phản ánh #%lld", (long long)json_integer_value(json_object_get(x, "report_id")));
		else
			snprintf(source, sizeof(source), "Vụ việc");
		snprintf(size, sizeof(size), "%lld", (long long)json_integer_value(json_object_get(x, "size")));
		const struct cell cells[] = {
			{ jstr(x, "filename"), NULL }, { source, NULL }, { jstr(x, "mime"), NULL }, { size, NULL },
			{ vi_date(at, jstr(x, "added_at")), NULL }, { jstr(x, "added_by"), NULL }, { jstr(x, "sha256"), "hash" },
		};
		table_row(b, cells, 7);
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

struct xl {
	lxw_worksheet *ws;
	lxw_format *date, *datetime, *money, *bold;
};

/* A cell: an ISO date becomes a date, anything else a string (never a formula). */
static void
xl_cell(struct xl *x, lxw_row_t row, lxw_col_t col, const char *s, bool date)
{
	lxw_datetime dt;
	if (date && *s && export_xlsx_date(s, &dt))
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

/* The first five cells of a row of the reports sheet: report `e`'s id,
 * form and time, then what the row holds (`what`) and its name (`item`). */
static void
xl_report_row(struct xl *x, lxw_row_t row, json_t *e, const char *what, const char *item)
{
	xl_number(x, row, 0, json_object_get(e, "id"), false);
	xl_cell(x, row, 1, jstr(e, "form_title"), false);
	xl_cell(x, row, 2, jstr(e, "received_at"), true);
	xl_cell(x, row, 3, what, false);
	xl_cell(x, row, 4, item, false);
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
	json_t *k = json_object_get(d, "case"), *t = json_object_get(d, "totals"), *e;
	size_t i, j;
	lxw_row_t row;

	/* Vụ việc: the case as field/value rows, then the deadlines and the totals */
	x.ws = workbook_add_worksheet(wb, "Vụ việc");
	static const char *const h1[] = { "Mục", "Giá trị", "Căn cứ / ghi chú", "Tính từ" };
	xl_header(&x, h1, 4);
	worksheet_write_string(x.ws, 1, 0, "Mã vụ việc", NULL);
	xl_number(&x, 1, 1, json_object_get(k, "id"), false);
	row = 2;
	for (i = 0; i < NCASE_FACTS; i++, row++) {
		worksheet_write_string(x.ws, row, 0, case_facts[i].label, NULL);
		if (case_facts[i].money)
			xl_number(&x, row, 1, json_object_get(k, case_facts[i].key), true);
		else
			xl_cell(&x, row, 1, case_fact_value(k, &case_facts[i]), case_facts[i].date);
	}
	json_array_foreach(json_object_get(k, "dates"), i, e) {
		worksheet_write_string(x.ws, row, 0, jstr(e, "label"), NULL);
		xl_cell(&x, row++, 1, jstr(e, "date"), true);
	}
	row++;
	worksheet_write_string(x.ws, row++, 0, "Thời hạn theo luật", x.bold);
	json_array_foreach(json_object_get(d, "deadlines"), i, e) {
		worksheet_write_string(x.ws, row, 0, jstr(e, "description"), NULL);
		xl_cell(&x, row, 1, jstr(e, "due_on"), true);
		worksheet_write_string(x.ws, row, 2, jstr(e, "source"), NULL);
		char from[160];
		snprintf(from, sizeof(from), "%s: %s", jstr(e, "counted_from_label"), *jstr(e, "counted_from_date") ?
		    jstr(e, "counted_from_date") : "—");
		worksheet_write_string(x.ws, row++, 3, from, NULL);
	}
	row++;
	worksheet_write_string(x.ws, row++, 0, "Số liệu (tính từ phản ánh | cán bộ hiệu chỉnh)", x.bold);
	bool corrected = json_is_true(json_object_get(t, "corrected_by_officer"));
	for (i = 0; i < NTOTALS; i++, row++) {
		char label[96];
		snprintf(label, sizeof(label), "%s%s", totals[i].label, totals[i].money ? " (đồng)" : "");
		worksheet_write_string(x.ws, row, 0, label, NULL);
		xl_number(&x, row, 1, json_object_get(json_object_get(t, "computed"), totals[i].key), totals[i].money);
		if (corrected)
			xl_number(&x, row, 2, json_object_get(json_object_get(t, "case"), totals[i].key), totals[i].money);
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
			xl_report_row(&x, row, e, "Câu trả lời", jstr(y, "label"));
			json_t *v = json_object_get(y, "value");
			const char *type = jstr(y, "type");
			if (json_is_number(v) && strcmp(type, "photo") != 0)
				xl_number(&x, row, 5, v, strcmp(type, "money") == 0);
			else
				xl_cell(&x, row, 5, json_is_string(v) && strcmp(type, "date") == 0 ? json_string_value(v) : jstr(y, "text"),
				    strcmp(type, "date") == 0);
			row++;
		}
		xl_report_row(&x, row, e, "Liên lạc", "Thông tin liên lạc");
		xl_cell(&x, row++, 5, report_contact(e), false);
		json_array_foreach(json_object_get(e, "messages"), j, y) {
			xl_report_row(&x, row, e, "Tin nhắn", jstr(y, "from"));
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
