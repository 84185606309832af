/* page_admin_stats.c: /admin/stats (the periodic statistics table per unit, on screen or XLSX) and /admin/dashboard (SVG charts). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libpq-fe.h>

#include "app.h"
#include "arena.h"
#include "auth.h"
#include "brief.h"
#include "buf.h"
#include "db.h"
#include "deadline.h"
#include "dispute.h"
#include "filters.h"
#include "fmt.h"
#include "form.h"
#include "html.h"
#include "http.h"
#include "i18n.h"
#include "log.h"
#include "page_admin.h"
#include "req.h"
#include "stats.h"

#define DASH_MONTHS     12

/* A number as text: digits and a sign only, so nothing to escape (arena). */
static const char *
num(struct req *r, long long v)
{
	return arena_printf(r->arena, "%lld", v);
}

/* The chooser (unit, period, format); `problem` (may be NULL) with `status`. */
static void
stats_chooser(struct req *r, const char *unit, const char *from, const char *to)
{
	struct buf *b = r->out;
	html_lit(b, "<form method=\"get\" action=\"/admin/stats\" class=\"filters\"><label>");
	html_text(b, L(r, "Đơn vị", "Unit"));
	html_lit(b, " <select name=\"unit\">");
	const char *p[1] = { r->officer->unit_path };
	PGresult *us = db_query(r->app->db, "SELECT u.id::text, u.name, array_length(string_to_array(trim(both '/' from u.path), '/'), 1) "
	    "FROM org_unit u WHERE u.path LIKE $1 || '%' ORDER BY u.path LIMIT 500", 1, p);
	enum { US_ID, US_NAME, US_DEPTH };
	for (int i = 0; us && db_ok(us) && i < PQntuples(us); i++) {
		const char *name = PQgetvalue(us, i, US_NAME);
		for (int d = atoi(PQgetvalue(us, i, US_DEPTH)); d > 1; d--)   /* the tree's depth as dashes */
			name = arena_printf(r->arena, "— %s", name);
		console_option(r, PQgetvalue(us, i, US_ID), name, strcmp(unit, PQgetvalue(us, i, US_ID)) == 0);
	}
	PQclear(us);
	html_lit(b, "</select></label>");
	filters_date(r, "from", "Từ ngày", "From", from, true);
	filters_date(r, "to", "Đến ngày (ngày chốt số liệu)", "To (cut-off date)", to, true);
	console_button(r, "btn primary", "Xem", "Show");
	html_lit(b, "<button type=\"submit\" class=\"btn\" name=\"format\" value=\"xlsx\">");
	html_text(b, L(r, "Tải Excel (XLSX)", "Download Excel (XLSX)"));
	html_lit(b, "</button></form>");
}

static void
stats_problem(struct req *r, int status, const char *problem, const char *unit, const char *from, const char *to)
{
	console_page(r, status, L(r, "Thống kê định kỳ", "Periodic statistics"));
	console_alert(r, problem);
	stats_chooser(r, unit, from, to);
	console_end(r);
}

/* One table of the page: a row per child unit, then the total. */
static void
stats_table_html(struct req *r, const struct stats *st, enum stats_table t)
{
	struct buf *b = r->out;
	console_section(r, stats_table_name(t, LANG_VI), stats_table_name(t, LANG_EN));
	html_lit(b, "<table class=\"stats\" data-table=\"");
	html_attr(b, num(r, t));
	html_lit(b, "\"><thead><tr><th scope=\"col\">");
	html_text(b, L(r, "Đơn vị", "Unit"));
	html_lit(b, "</th>");
	for (size_t c = 0; c < st->ncols; c++) {
		if (st->cols[c].table != t)
			continue;
		html_lit(b, "<th scope=\"col\" class=\"num\">");
		html_text(b, st->cols[c].label);
		html_lit(b, "</th>");
	}
	html_lit(b, "</tr></thead><tbody>");
	for (size_t i = 0; i <= st->nrows; i++) {
		const struct stats_row *row = i < st->nrows ? &st->rows[i] : &st->total;
		if (i < st->nrows)
			html_lit(b, "<tr data-unit=\"");
		else
			html_lit(b, "</tbody><tfoot><tr data-unit=\"");
		html_attr(b, row->id);
		html_lit(b, "\"><th scope=\"row\">");
		if (i < st->nrows && strcmp(row->id, "self") != 0) {   /* a child's own table is one click away */
			const struct kv args[] = { { "unit", row->id, 0 }, { "from", st->from, 0 }, { "to", st->to, 0 } };
			html_lit(b, "<a href=\"");
			console_href(r, "/admin/stats", args, 3);
			html_lit(b, "\">");
			html_text(b, row->name);
			html_lit(b, "</a>");
		} else
			html_text(b, row->name);
		html_lit(b, "</th>");
		for (size_t c = 0; c < st->ncols; c++) {
			if (st->cols[c].table != t)
				continue;
			html_lit(b, "<td class=\"num\" data-col=\"");
			html_attr(b, st->cols[c].key);
			html_lit(b, "\">");
			html_text(b, fmt_int(r->arena, row->v[c], r->lang));
			html_lit(b, "</td>");
		}
		html_lit(b, "</tr>");
	}
	html_lit(b, "</tfoot></table></section>");
}

/* GET /admin/stats?unit=&from=&to=&format=xlsx: the periodic statistics of
 * a unit in scope (default the officer's own), one row per direct child
 * plus the total. 400 on bad dates or format, 404 for a unit outside the
 * scope; audited as stats.view or stats.export. */
void
page_admin_stats(struct req *r)
{
	struct buf *b = r->out;
	const char *unit = kv_get_or_empty(&r->args, "unit"), *from = kv_get_or_empty(&r->args, "from");
	const char *to = kv_get_or_empty(&r->args, "to"), *format = kv_get_or_empty(&r->args, "format");
	if (*unit == '\0')
		unit = r->officer->unit_id;
	if (*from == '\0' && *to == '\0') {   /* default: this month so far */
		char *f = arena_alloc(r->arena, 11), *t = arena_alloc(r->arena, 11);
		stats_default_period(f, t);
		from = f;
		to = t;
	}
	size_t ulen = strlen(unit);
	if (ulen == 0 || ulen > 18 || strspn(unit, "0123456789") != ulen) {
		stats_problem(r, 400, L(r, "Đơn vị không hợp lệ.", "Invalid unit."), "", from, to);
		return;
	}
	if (!brief_date_ok(from) || !brief_date_ok(to) || strcmp(from, to) > 0) {
		stats_problem(r, 400, L(r, "Ngày không hợp lệ: cần ngày bắt đầu và ngày chốt số liệu dạng YYYY-MM-DD, "
		    "ngày bắt đầu không sau ngày chốt.", "Invalid dates: a first day and a cut-off day as YYYY-MM-DD are "
		    "needed, the first not after the cut-off."), unit, "", "");
		return;
	}
	if (*format && strcmp(format, "xlsx") != 0 && strcmp(format, "html") != 0) {
		stats_problem(r, 400, L(r, "Định dạng không hợp lệ.", "Invalid format."), unit, from, to);
		return;
	}
	struct stats st;
	int rc = stats_collect(r->arena, r->app->db, r->app->forms, r->officer->unit_path, unit, from, to, r->lang, &st);
	if (rc != 0) {
		http_error(r, rc > 0 ? 404 : 503, MSG__MAX);   /* outside the scope looks like missing */
		return;
	}
	bool xlsx = strcmp(format, "xlsx") == 0;
	audit_officer(r, xlsx ? "stats.export" : "stats.view", arena_printf(r->arena, "unit:%s", unit),
	    arena_printf(r->arena, "from=%s to=%s", from, to));
	if (xlsx) {
		char err[300];
		buf_reset(b);
		if (stats_write(&st, STATS_XLSX, http_buffer_write, r, err, sizeof(err)) != 0) {
			log_warn("stats: %s", err);
			http_error(r, 503, MSG__MAX);
			return;
		}
		r->resp_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
		http_header(r, arena_printf(r->arena, "Content-Disposition: attachment; filename=\"thong-ke-%s-%s-%s.xlsx\"",
		    unit, from, to));
		return;
	}

	console_page(r, 200, L(r, "Thống kê định kỳ", "Periodic statistics"));
	html_lit(b, "<p class=\"period\"><strong>");
	html_text(b, st.unit_name);
	html_lit(b, "</strong> — ");
	html_text(b, r->lang == LANG_EN ? arena_printf(r->arena, "from %s to %s (cut-off)", fmt_dmy(r->arena, from), fmt_dmy(r->arena, to)) :
	    arena_printf(r->arena, "từ %s đến %s (ngày chốt số liệu)", fmt_dmy(r->arena, from), fmt_dmy(r->arena, to)));
	html_lit(b, "</p>");
	stats_chooser(r, unit, from, to);
	for (int t = 0; t < ST__MAX; t++)
		stats_table_html(r, &st, (enum stats_table)t);
	html_lit(b, "<section class=\"rules\"><h2>");
	html_text(b, L(r, "Cách tính", "How the figures are counted"));
	html_lit(b, "</h2><ul><li>");
	html_text(b, L(r, "Phản ánh: nhận trong kỳ (giờ Việt Nam), không tính phản ánh đánh dấu rác.",
	    "Reports: received in the period (Vietnam time); reports marked spam are left out."));
	html_lit(b, "</li><li>");
	html_text(b, L(r, "Người lao động bị ảnh hưởng: với phản ánh nợ lương và BHXH, cận dưới của nhóm số người cùng bị "
	    "(1–10 → 1, 11–50 → 11, 51–100 → 51, 101–300 → 101, trên 300 → 301; không rõ → 1); mỗi phản ánh khác tính 1 "
	    "người; phiếu khảo sát không tính. Nhiều phản ánh về cùng một nhóm có thể bị đếm trùng.",
	    "Workers affected: for wage and social-insurance reports, the lower bound of the coworkers tier "
	    "(1–10 → 1, 11–50 → 11, 51–100 → 51, 101–300 → 101, 301+ → 301; unknown → 1); any other report counts 1; "
	    "survey answers do not count. Several reports about one group may count it more than once."));
	html_lit(b, "</li><li>");
	html_text(b, L(r, "Tổng tiền lương bị nợ: số tiền của các phản ánh ghi là tổng số (không tính số tiền mỗi người). "
	    "Tháng BHXH: số tháng liệt kê trong từng phản ánh, cộng lại.",
	    "Wage arrears total: the amount of reports that give a total (per-person amounts are not added). "
	    "SI months: the months listed in each report, added up."));
	html_lit(b, "</li><li>");
	html_text(b, L(r, "Vụ việc: vụ của các nơi làm việc thuộc đơn vị, lập trong kỳ hoặc còn mở tại ngày chốt; giai đoạn "
	    "là giai đoạn tại ngày chốt.", "Cases: those of the unit's workplaces created in the period or still open at "
	    "the cut-off; the stage is the one at the cut-off."));
	html_lit(b, "</li></ul></section>");
	console_end(r);
}

/* ---- dashboard ---- */

/* Fill colours for the forms: each at least 4.5:1 against the white page (no text is drawn on them). */
static const char *const palette[] = {
	"#1b5e9f", "#b3450e", "#2e7d32", "#7b3f9e", "#8d6e00", "#424242", "#00695c", "#ad1457",
};
#define NPALETTE (sizeof(palette) / sizeof(palette[0]))

/* The smallest 1, 2 or 5 × 10^k at least n (never 0). */
static long
nice_max(long n)
{
	long m = 1;
	for (;;) {
		if (n <= m)
			return m;
		if (n <= 2 * m)
			return 2 * m;
		if (n <= 5 * m)
			return 5 * m;
		m *= 10;
	}
}

static void
put_fill(struct buf *b, size_t i)
{
	html_lit(b, " fill=\"");
	html_attr(b, palette[i % NPALETTE]);
	html_lit(b, "\"");
}

/* ` name="v"` for a number: the name is a literal the compiler checks. */
#define NUM_ATTR(r, name, v) do { \
	html_lit((r)->out, " " name "=\""); \
	html_text((r)->out, num((r), (v))); \
	html_lit((r)->out, "\""); \
} while (0)

/* An SVG chart's opening tag, `height` tall, labelled by its title and
 * description (ids `id`-title and `id`-desc). */
static void
chart_begin(struct req *r, const char *id, int height, const char *title, const char *desc)
{
	struct buf *b = r->out;
	html_lit(b, "<svg class=\"chart\" role=\"img\" aria-labelledby=\"");
	html_attr(b, arena_printf(r->arena, "%s-title %s-desc", id, id));
	html_lit(b, "\" viewBox=\"");
	html_attr(b, arena_printf(r->arena, "0 0 760 %d", height));
	html_lit(b, "\" width=\"100%\" preserveAspectRatio=\"xMinYMin meet\"><title id=\"");
	html_attr(b, arena_printf(r->arena, "%s-title", id));
	html_lit(b, "\">");
	html_text(b, title);
	html_lit(b, "</title><desc id=\"");
	html_attr(b, arena_printf(r->arena, "%s-desc", id));
	html_lit(b, "\">");
	html_text(b, desc);
	html_lit(b, "</desc>");
}

/* A stacked bar chart of monthly counts by form, with a legend. counts is
 * months × nforms. */
static void
chart_months(struct req *r, const char *const *months, size_t nmonths, const char *const *form_ids, size_t nforms,
    const long *counts)
{
	struct buf *b = r->out;
	const int H = 300, L0 = 48, T0 = 16, PW = 700, PH = 230;
	long top = 0;
	for (size_t m = 0; m < nmonths; m++) {
		long s = 0;
		for (size_t f = 0; f < nforms; f++)
			s += counts[m * nforms + f];
		if (s > top)
			top = s;
	}
	top = nice_max(top);
	chart_begin(r, "chart-months", H, L(r, "Phản ánh mỗi tháng theo loại, 12 tháng gần nhất", "Reports per month by form, last 12 months"),
	    L(r, "Biểu đồ cột chồng; số liệu đầy đủ ở bảng bên cạnh.", "Stacked bar chart; the full figures are in the table beside it."));
	for (int g = 0; g <= 4; g++) {   /* grid lines and their values */
		int y = T0 + PH - PH * g / 4;
		html_lit(b, "<line");
		NUM_ATTR(r, "x1", L0);
		NUM_ATTR(r, "y1", y);
		NUM_ATTR(r, "x2", L0 + PW);
		NUM_ATTR(r, "y2", y);
		html_lit(b, " stroke=\"#bbb\" stroke-width=\"1\"/><text");
		NUM_ATTR(r, "x", L0 - 6);
		NUM_ATTR(r, "y", y + 4);
		html_lit(b, " font-size=\"12\" text-anchor=\"end\" fill=\"#222\">");
		html_text(b, num(r, top * g / 4));
		html_lit(b, "</text>");
	}
	int slot = PW / (int)(nmonths ? nmonths : 1), bw = slot * 7 / 10;
	for (size_t m = 0; m < nmonths; m++) {
		int x = L0 + (int)m * slot + (slot - bw) / 2;
		long acc = 0;
		for (size_t f = 0; f < nforms; f++) {
			long n = counts[m * nforms + f];
			if (n == 0)
				continue;
			int y0 = T0 + PH - (int)(PH * acc / top), y1 = T0 + PH - (int)(PH * (acc + n) / top);
			html_lit(b, "<rect");
			NUM_ATTR(r, "x", x);
			NUM_ATTR(r, "y", y1);
			NUM_ATTR(r, "width", bw);
			NUM_ATTR(r, "height", y0 - y1 > 0 ? y0 - y1 : 1);
			html_lit(b, " stroke=\"#fff\" stroke-width=\"1\"");
			put_fill(b, f);
			html_lit(b, "><title>");
			const struct form *fm = form_find(r->app->forms, form_ids[f]);
			html_text(b, arena_printf(r->arena, "%.2s/%.4s, %s: %ld", months[m] + 5, months[m],
			    fm ? form_label(fm->title, r->lang) : form_ids[f], n));
			html_lit(b, "</title></rect>");
			acc += n;
		}
		html_lit(b, "<text");
		NUM_ATTR(r, "x", x + bw / 2);
		NUM_ATTR(r, "y", T0 + PH + 18);
		html_lit(b, " font-size=\"12\" text-anchor=\"middle\" fill=\"#222\">");
		html_text(b, arena_printf(r->arena, "%.2s/%.2s", months[m] + 5, months[m] + 2));
		html_lit(b, "</text>");
	}
	html_lit(b, "</svg><ul class=\"legend\">");
	for (size_t f = 0; f < nforms; f++) {
		const struct form *fm = form_find(r->app->forms, form_ids[f]);
		html_lit(b, "<li><svg width=\"14\" height=\"14\" aria-hidden=\"true\"><rect width=\"14\" height=\"14\"");
		put_fill(b, f);
		html_lit(b, "/></svg> ");
		html_text(b, fm ? form_label(fm->title, r->lang) : form_ids[f]);
		html_lit(b, "</li>");
	}
	html_lit(b, "</ul>");
}

/* The columns of the dashboard's query by unit, in order. */
enum { UR_ID, UR_NAME, UR_N };

/* A horizontal bar chart of counts by unit. */
static void
chart_units(struct req *r, PGresult *res)
{
	struct buf *b = r->out;
	int n = PQntuples(res);
	const int LW = 300, BW = 400, RH = 28;
	long top = 0;
	for (int i = 0; i < n; i++)
		if (atol(PQgetvalue(res, i, UR_N)) > top)
			top = atol(PQgetvalue(res, i, UR_N));
	top = nice_max(top);
	chart_begin(r, "chart-units", n * RH + 8, L(r, "Phản ánh 12 tháng gần nhất theo đơn vị", "Reports in the last 12 months by unit"),
	    L(r, "Biểu đồ thanh ngang; số liệu ở bảng bên cạnh.", "Horizontal bar chart; the figures are in the table beside it."));
	for (int i = 0; i < n; i++) {
		long v = atol(PQgetvalue(res, i, UR_N));
		int y = 4 + i * RH, w = (int)(BW * v / top);
		html_lit(b, "<text");
		NUM_ATTR(r, "x", LW - 8);
		NUM_ATTR(r, "y", y + 18);
		html_lit(b, " font-size=\"13\" text-anchor=\"end\" fill=\"#222\">");
		const char *name = PQgetvalue(res, i, UR_NAME);
		html_text(b, strlen(name) > 60 ? arena_printf(r->arena, "%.57s…", name) : name);
		html_lit(b, "</text><rect");
		NUM_ATTR(r, "x", LW);
		NUM_ATTR(r, "y", y + 4);
		NUM_ATTR(r, "width", w > 0 ? w : (v > 0 ? 1 : 0));
		NUM_ATTR(r, "height", RH - 8);
		html_lit(b, " fill=\"#1b5e9f\"/><text");
		NUM_ATTR(r, "x", LW + w + 6);
		NUM_ATTR(r, "y", y + 18);
		html_lit(b, " font-size=\"13\" fill=\"#222\">");
		html_text(b, num(r, v));
		html_lit(b, "</text>");
	}
	html_lit(b, "</svg>");
}

/* <section class="dash"> and its heading; the caller closes the section. */
static void
dash_section(struct req *r, const char *vi, const char *en)
{
	html_lit(r->out, "<section class=\"dash\">");
	console_heading(r, 2, NULL, vi, en);
}

/* The columns of the dashboard's queries, in order. */
enum { MR_MONTH, MR_FORM, MR_N };   /* reports by month and form */
enum { MO_MONTH };                  /* the twelve months */
enum { CR_STAGE, CR_N };            /* open cases by stage */

/* Monthly counts by form: months × forms, forms in the set's order. */
static void
dash_months(struct req *r, PGresult *months, PGresult *mres)
{
	struct buf *b = r->out;
	size_t nmonths = (size_t)PQntuples(months), nforms = r->app->forms->n;
	const char **mlist = arena_alloc(r->arena, (nmonths + 1) * sizeof(char *));
	const char **flist = arena_alloc(r->arena, (nforms + 1) * sizeof(char *));
	long *counts = arena_alloc(r->arena, (nmonths * nforms + 1) * sizeof(long));
	memset(counts, 0, (nmonths * nforms + 1) * sizeof(long));
	for (size_t m = 0; m < nmonths; m++)
		mlist[m] = arena_strdup(r->arena, PQgetvalue(months, (int)m, MO_MONTH));
	for (size_t f = 0; f < nforms; f++)
		flist[f] = r->app->forms->forms[f].id;
	for (int i = 0; i < PQntuples(mres); i++)
		for (size_t m = 0; m < nmonths; m++)
			for (size_t f = 0; f < nforms; f++)
				if (strcmp(mlist[m], PQgetvalue(mres, i, MR_MONTH)) == 0 && strcmp(flist[f], PQgetvalue(mres, i, MR_FORM)) == 0)
					counts[m * nforms + f] += atol(PQgetvalue(mres, i, MR_N));

	dash_section(r, "Phản ánh mỗi tháng theo loại", "Reports per month by form");
	chart_months(r, mlist, nmonths, flist, nforms, counts);
	html_lit(b, "<table class=\"dash-months\"><caption>");
	html_text(b, L(r, "Số phản ánh mỗi tháng (không tính rác)", "Reports per month (spam left out)"));
	html_lit(b, "</caption><thead><tr><th scope=\"col\">");
	html_text(b, L(r, "Tháng", "Month"));
	html_lit(b, "</th>");
	for (size_t f = 0; f < nforms; f++) {
		html_lit(b, "<th scope=\"col\" class=\"num\">");
		html_text(b, form_label(r->app->forms->forms[f].title, r->lang));
		html_lit(b, "</th>");
	}
	html_lit(b, "<th scope=\"col\" class=\"num\">");
	html_text(b, L(r, "Tổng", "Total"));
	html_lit(b, "</th></tr></thead><tbody>");
	for (size_t m = 0; m < nmonths; m++) {
		long s = 0;
		html_lit(b, "<tr data-month=\"");
		html_attr(b, mlist[m]);
		html_lit(b, "\"><th scope=\"row\">");
		html_text(b, arena_printf(r->arena, "%.2s/%.4s", mlist[m] + 5, mlist[m]));
		html_lit(b, "</th>");
		for (size_t f = 0; f < nforms; f++) {
			html_lit(b, "<td class=\"num\" data-form=\"");
			html_attr(b, flist[f]);
			html_lit(b, "\">");
			html_text(b, num(r, counts[m * nforms + f]));
			html_lit(b, "</td>");
			s += counts[m * nforms + f];
		}
		html_lit(b, "<td class=\"num\" data-form=\"total\">");
		html_text(b, num(r, s));
		html_lit(b, "</td></tr>");
	}
	html_lit(b, "</tbody></table></section>");
}

/* Reports by direct child unit: a chart and its table. */
static void
dash_units(struct req *r, PGresult *ures)
{
	struct buf *b = r->out;
	dash_section(r, "Phản ánh 12 tháng gần nhất theo đơn vị trực thuộc", "Reports in the last 12 months by unit below");
	if (PQntuples(ures) == 0) {
		console_empty(r, "Đơn vị của bạn không có đơn vị trực thuộc.", "Your unit has no units below it.");
	} else {
		chart_units(r, ures);
		html_lit(b, "<table class=\"dash-units\"><thead><tr><th scope=\"col\">");
		html_text(b, L(r, "Đơn vị", "Unit"));
		html_lit(b, "</th><th scope=\"col\" class=\"num\">");
		html_text(b, L(r, "Phản ánh", "Reports"));
		html_lit(b, "</th></tr></thead><tbody>");
		for (int i = 0; i < PQntuples(ures); i++) {
			html_lit(b, "<tr data-unit=\"");
			html_attr(b, PQgetvalue(ures, i, UR_ID));
			html_lit(b, "\"><th scope=\"row\">");
			html_text(b, PQgetvalue(ures, i, UR_NAME));
			html_lit(b, "</th><td class=\"num\">");
			html_text(b, PQgetvalue(ures, i, UR_N));
			html_lit(b, "</td></tr>");
		}
		html_lit(b, "</tbody></table>");
	}
	html_lit(b, "</section>");
}

/* Open cases by stage. */
static void
dash_stages(struct req *r, PGresult *cres)
{
	struct buf *b = r->out;
	dash_section(r, "Vụ việc đang mở theo giai đoạn", "Open cases by stage");
	html_lit(b, "<table class=\"dash-stages\"><tbody>");
	for (size_t s = 0; s + 1 < DISPUTE_NSTAGES; s++) {   /* every stage but closed */
		long n = 0;
		for (int i = 0; i < PQntuples(cres); i++)
			if (strcmp(PQgetvalue(cres, i, CR_STAGE), dispute_stages[s].value) == 0)
				n = atol(PQgetvalue(cres, i, CR_N));
		html_lit(b, "<tr data-stage=\"");
		html_attr(b, dispute_stages[s].value);
		html_lit(b, "\"><th scope=\"row\">");
		html_text(b, L(r, dispute_stages[s].vi, dispute_stages[s].en));
		html_lit(b, "</th><td class=\"num\">");
		html_text(b, num(r, n));
		html_lit(b, "</td></tr>");
	}
	html_lit(b, "</tbody></table></section>");
}

/* GET /admin/dashboard: monthly counts by form (last 12 months) and by
 * direct child unit, open cases by stage, deadlines at risk. */
void
page_admin_dashboard(struct req *r)
{
	const char *scope = r->officer->unit_path;
	/* The window: from the first day of the month 11 months ago (Vietnam
	 * time), read from the reports' daily facts (sql/019_stats_facts.sql). */
	if (stats_fold(r->app->db) != 0) {
		http_error(r, 503, MSG__MAX);
		return;
	}
	const char *p1[1] = { scope };
	PGresult *mres = db_query(r->app->db,
	    "SELECT to_char(f.day, 'YYYY-MM'), f.form_id, sum(f.n) "
	    "FROM submission_fact_all f JOIN workplace w ON w.id = f.workplace_id JOIN org_unit u ON u.id = w.unit_id "
	    "WHERE u.path LIKE $1 || '%' AND f.fact = 'reports' "
	    "AND f.day >= (date_trunc('month', now() AT TIME ZONE 'Asia/Ho_Chi_Minh') - interval '11 months')::date "
	    "GROUP BY 1, 2 HAVING sum(f.n) <> 0", 1, p1);
	PGresult *months = db_query(r->app->db,
	    "SELECT to_char(m, 'YYYY-MM') FROM generate_series(date_trunc('month', now() AT TIME ZONE 'Asia/Ho_Chi_Minh') "
	    "- interval '11 months', date_trunc('month', now() AT TIME ZONE 'Asia/Ho_Chi_Minh'), interval '1 month') m "
	    "WHERE $1 <> '' ORDER BY 1", 1, p1);
	const char *p2[2] = { scope, r->officer->unit_id };
	PGresult *ures = db_query(r->app->db,
	    "SELECT c.id::text, c.name, coalesce((SELECT sum(f.n) FROM submission_fact_all f "
	    "JOIN workplace w ON w.id = f.workplace_id JOIN org_unit u ON u.id = w.unit_id "
	    "WHERE u.path LIKE c.path || '%' AND u.path LIKE $1 || '%' AND f.fact = 'reports' "
	    "AND f.day >= (date_trunc('month', now() AT TIME ZONE 'Asia/Ho_Chi_Minh') - interval '11 months')::date), 0) "
	    "FROM org_unit c WHERE c.path LIKE $1 || '%' AND c.parent_id = $2::bigint ORDER BY c.name, c.id LIMIT 200", 2, p2);
	PGresult *cres = db_query(r->app->db, "SELECT k.stage, count(*) FROM dispute_case k "
	    "JOIN workplace w ON w.id = k.workplace_id JOIN org_unit u ON u.id = w.unit_id "
	    "WHERE u.path LIKE $1 || '%' AND k.stage <> 'closed' GROUP BY 1", 1, p1);
	PGresult *all[] = { mres, months, ures, cres };
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		if (all[i] == NULL || !db_ok(all[i])) {
			if (all[i])
				log_warn("dashboard: SQLSTATE %s", db_sqlstate(all[i]));
			for (size_t j = 0; j < sizeof(all) / sizeof(all[0]); j++)
				PQclear(all[j]);
			http_error(r, 503, MSG__MAX);
			return;
		}
	console_page(r, 200, L(r, "Tổng quan", "Dashboard"));
	console_back(r, "/admin/stats", "Bảng thống kê định kỳ theo đơn vị →", "Periodic statistics by unit →");
	dash_months(r, months, mres);
	dash_units(r, ures);
	dash_stages(r, cres);
	for (size_t j = 0; j < sizeof(all) / sizeof(all[0]); j++)
		PQclear(all[j]);
	deadline_panel(r);
	console_end(r);
}
