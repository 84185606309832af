/* page_admin_stats.c: /admin/stats (the periodic statistics: indicators claimed and verified, by unit and ownership, presets, freezing, the indicator set) and /admin/dashboard (SVG charts). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <libpq-fe.h>

#include "app.h"
#include "arena.h"
#include "auth.h"
#include "buf.h"
#include "console.h"
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

/* What the statistics page was asked for: the unit (id), the period, and
 * what a refused form held (shown again beside its field). */
struct stats_ask {
	const char *unit, *from, *to;
	struct console_errs errs;
	const char *reason, *rule_code, *rule;
};

static const struct console_notice stats_notices[] = {
	{ "frozen", "Đã chốt số liệu của kỳ này.", "The figures of this period are frozen." },
	{ "indicator", "Đã thay đổi bộ chỉ tiêu.", "The indicator set was changed." },
};

/* The period's unit and dates from the query (POST forms carry them in
 * their action's query too): unit default the officer's own, dates
 * default this month so far, or a preset (?period=). NULL, or why the
 * arguments are wrong (the field named). */
static const char *
stats_ask_read(struct req *r, struct stats_ask *q)
{
	memset(q, 0, sizeof(*q));
	q->unit = console_arg(r, "unit", 18);
	q->from = console_arg(r, "from", 10);
	q->to = console_arg(r, "to", 10);
	const char *period = console_arg(r, "period", 12);
	if (*q->unit == '\0' && kv_get(&r->args, "unit") == NULL)
		q->unit = r->officer->unit_id;
	char *f = arena_alloc(r->arena, 11), *t = arena_alloc(r->arena, 11);
	if (*period) {
		if (stats_preset(period, f, t) != 0)
			return L(r, "Kỳ (period) không hợp lệ.", "Invalid period.");
		q->from = f;
		q->to = t;
	} else if (kv_get(&r->args, "from") == NULL && kv_get(&r->args, "to") == NULL) {
		stats_default_period(f, t);
		q->from = f;
		q->to = t;
	}
	if (!fmt_is_digits(q->unit, 18) || *q->unit == '\0')
		return L(r, "Đơn vị (unit) không hợp lệ.", "Invalid unit.");
	if (!fmt_is_date(q->from))
		return L(r, "Từ ngày (from): cần một ngày có thật dạng YYYY-MM-DD.", "From: a real date YYYY-MM-DD is needed.");
	if (!fmt_is_date(q->to))
		return L(r, "Đến ngày (to): cần một ngày có thật dạng YYYY-MM-DD.", "To: a real date YYYY-MM-DD is needed.");
	if (strcmp(q->from, q->to) > 0)
		return L(r, "Đến ngày (to) không được trước Từ ngày (from).", "To must not be before From.");
	return NULL;
}

/* /admin/stats?unit=&from=&to= (+ extra), from the request arena. */
static const char *
stats_url(struct req *r, const char *path, const struct stats_ask *q, const char *extra)
{
	return arena_printf(r->arena, "%s?unit=%s&from=%s&to=%s%s", path, q->unit, q->from, q->to, extra ? extra : "");
}

/* The chooser (unit, period, format) and the preset periods. */
static void
stats_chooser(struct req *r, const char *unit, const char *from, const char *to)
{
	struct buf *b = r->out;
	console_wrap(r, "<form method=\"get\" action=\"/admin/stats\" class=\"filters\"><label>",
	    L(r, "Đơn vị", "Unit"), " <select name=\"unit\">");
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
	console_wrap(r, "<button type=\"submit\" class=\"btn\" name=\"format\" value=\"xlsx\">",
	    L(r, "Tải Excel (XLSX)", "Download Excel (XLSX)"), "</button></form>");

	/* presets: this and last union year (01/11-31/10), this year's halves and quarters */
	struct tm tm = fmt_vn_time(time(NULL));
	int year = tm.tm_year + 1900, union_year = tm.tm_mon >= 10 ? year + 1 : year;
	const char *names[8] = { arena_printf(r->arena, "union-%d", union_year), arena_printf(r->arena, "union-%d", union_year - 1),
	    arena_printf(r->arena, "h1-%d", year), arena_printf(r->arena, "h2-%d", year), arena_printf(r->arena, "q1-%d", year),
	    arena_printf(r->arena, "q2-%d", year), arena_printf(r->arena, "q3-%d", year), arena_printf(r->arena, "q4-%d", year) };
	const char *labels[8] = { arena_printf(r->arena, "%s %d–%d", L(r, "Năm Công đoàn", "Union year"), union_year - 1, union_year),
	    arena_printf(r->arena, "%s %d–%d", L(r, "Năm Công đoàn", "Union year"), union_year - 2, union_year - 1),
	    arena_printf(r->arena, "%s %d", L(r, "6 tháng đầu năm", "First half"), year),
	    arena_printf(r->arena, "%s %d", L(r, "6 tháng cuối năm", "Second half"), year),
	    arena_printf(r->arena, "%s I/%d", L(r, "Quý", "Quarter"), year), arena_printf(r->arena, "%s II/%d", L(r, "Quý", "Quarter"), year),
	    arena_printf(r->arena, "%s III/%d", L(r, "Quý", "Quarter"), year), arena_printf(r->arena, "%s IV/%d", L(r, "Quý", "Quarter"), year) };
	html_lit(b, "<p class=\"presets\">");
	html_text(b, L(r, "Kỳ báo cáo: ", "Reporting periods: "));
	for (int i = 0; i < 8; i++) {
		const struct kv args[] = { { "unit", unit, 0 }, { "period", names[i], 0 } };
		if (i)
			html_lit(b, " · ");
		html_lit(b, "<a data-period=\"");
		html_attr(b, names[i]);
		html_lit(b, "\" href=\"");
		console_href(r, "/admin/stats", args, 2);
		console_wrap(r, "\">", labels[i], "</a>");
	}
	html_lit(b, "</p>");
}

/* A table cell of a figure: class num, data-col `col`, the figure in the
 * officer's language (money with its unit), or empty when `show` is false. */
static void
stats_cell(struct req *r, const char *col, bool show, long long v, bool money)
{
	struct buf *b = r->out;
	html_lit(b, "<td class=\"num\" data-col=\"");
	html_attr(b, col);
	html_lit(b, "\">");
	if (show)
		html_text(b, money ? fmt_money(r->arena, v) : fmt_int(r->arena, v, r->lang));
	html_lit(b, "</td>");
}

/* The table: a row per indicator; claimed, verified, each unit, each ownership. */
static void
stats_table_html(struct req *r, const struct stats *st, const struct stats_ask *q)
{
	struct buf *b = r->out;
	console_section(r, "Bảng số liệu", "The figures");
	static const struct console_label cols[] = {
		{ "Chỉ tiêu", "Indicator" }, { "Theo phản ánh", "Claimed in reports" }, { "Đã xác minh", "Verified" },
	};
	html_lit(b, "<table class=\"stats\"><thead><tr>");
	console_ths(r, cols, sizeof(cols) / sizeof(cols[0]), 1);
	for (size_t u = 0; u < st->nunits; u++) {
		html_lit(b, "<th scope=\"col\" class=\"num\" data-unit=\"");
		html_attr(b, st->units[u].code);
		html_lit(b, "\">");
		if (*st->units[u].bucket && !st->frozen) {   /* a child's own table is one click away */
			const struct kv args[] = { { "unit", st->units[u].bucket, 0 }, { "from", q->from, 0 }, { "to", q->to, 0 } };
			html_lit(b, "<a href=\"");
			console_href(r, "/admin/stats", args, 3);
			console_wrap(r, "\">", st->units[u].name, "</a>");
		} else
			html_text(b, st->units[u].name);
		html_lit(b, "</th>");
	}
	for (int o = 0; o < OWN__MAX; o++) {
		console_wrap(r, "<th scope=\"col\" class=\"num\">",
		    L(r, stats_ownership[o].vi, stats_ownership[o].en), "</th>");
	}
	html_lit(b, "</tr></thead><tbody>");
	for (size_t i = 0; i < st->ninds; i++) {
		const struct stats_ind *ind = &st->inds[i];
		html_lit(b, "<tr data-code=\"");
		html_attr(b, ind->code);
		html_lit(b, "\"><th scope=\"row\" title=\"");
		html_attr(b, ind->source);
		console_wrap(r, "\">", ind->label, "</th>");
		stats_cell(r, "total", true, ind->total, ind->money);
		stats_cell(r, "verified", ind->has_verified, ind->verified, ind->money);
		for (size_t u = 0; u < st->nunits; u++)
			stats_cell(r, arena_printf(r->arena, "unit:%s", st->units[u].code), ind->by_unit, ind->units[u], ind->money);
		for (int o = 0; o < OWN__MAX; o++)
			stats_cell(r, arena_printf(r->arena, "own:%s", stats_ownership[o].value), ind->by_ownership, ind->own[o], ind->money);
		html_lit(b, "</tr>");
	}
	html_lit(b, "</tbody></table></section>");
}

/* The frozen banner (who, when, hash, reason) or "not frozen", and for an
 * admin the freeze form (a reason needed when the period is frozen). */
static void
stats_freeze_html(struct req *r, const struct stats *st, const struct stats_ask *q)
{
	struct buf *b = r->out;
	if (st->frozen) {
		html_lit(b, "<p class=\"note frozen\" id=\"frozen\" role=\"status\">");
		html_text(b, arena_printf(r->arena, "%s %s, %s. SHA-256: ", L(r, "Đã chốt số liệu bởi", "Frozen by"), st->freeze.by,
		    st->freeze.at));
		console_wrap(r, "<code class=\"sha256\">", st->freeze.sha256, "</code>");
		if (*st->freeze.reason)
			html_text(b, arena_printf(r->arena, ". %s: %s", L(r, "Lý do chốt lại", "Reason for freezing again"), st->freeze.reason));
		html_lit(b, "</p>");
	} else {
		console_note(r, L(r, "Số liệu kỳ này chưa được chốt: bảng được tính lại mỗi lần xem.",
		    "This period is not frozen: the table is computed afresh on every view."));
	}
	if (r->officer->role < ROLE_ADMIN)
		return;
	html_form_begin(r, stats_url(r, "/admin/stats/freeze", q, NULL), "freeze");
	console_input(r, "freeze", "reason", L(r, "Lý do (bắt buộc khi kỳ đã chốt)", "Reason (needed when already frozen)"),
	    L(r, "Chốt số liệu lưu bảng hiện tại kèm người chốt, thời điểm và mã SHA-256; sau đó bảng của kỳ này không đổi nữa.",
	    "Freezing stores the table as it is now with who, when and a SHA-256; the period's table no longer changes."),
	    q->reason, &q->errs, 1000, false);
	console_submit(r, "btn", st->frozen ? "Chốt lại số liệu" : "Chốt số liệu", st->frozen ? "Freeze again" : "Freeze the figures");
}

/* For an admin of a top unit (the federation's template counts for every
 * unit): the indicator set in order, each moved up or down, hidden
 * or shown, and one rule changed at a time (refused beside the field when
 * it does not parse). */
static void
stats_indicators_html(struct req *r, const struct stats_ask *q)
{
	struct buf *b = r->out;
	if (r->officer->role < ROLE_ADMIN || !stats_indicator_editor(r->app->db))
		return;
	enum { IX_CODE, IX_LABEL, IX_RULE, IX_VRULE, IX_HIDDEN };
	PGresult *res = db_query(r->app->db, "SELECT code, label_vi, rule, coalesce(verified_rule, ''), hidden "
	    "FROM stats_indicator ORDER BY position, code", 0, NULL);
	if (res == NULL || !db_ok(res)) {
		PQclear(res);
		return;
	}
	console_section(r, "Bộ chỉ tiêu (quản trị)", "The indicator set (admins)");
	console_note(r, L(r, "Ẩn, sắp xếp lại hoặc sửa quy tắc các chỉ tiêu cho khớp biểu mẫu của LĐLĐ; không cần phát hành lại phần mềm.",
	    "Hide, reorder or change the rules of indicators to match the federation's template; no release needed."));
	const char *action = stats_url(r, "/admin/stats/indicators", q, NULL);
	html_lit(b, "<table class=\"indicators\"><tbody>");
	for (int i = 0; i < PQntuples(res); i++) {
		bool hidden = PQgetvalue(res, i, IX_HIDDEN)[0] == 't';
		const struct kv data[] = { { "indicator", PQgetvalue(res, i, IX_CODE), 0 } };
		console_tr(r, hidden ? "hidden" : NULL, data, 1);
		console_wrap(r, "<td><code>", PQgetvalue(res, i, IX_CODE), "</code></td>");
		console_td(r, PQgetvalue(res, i, IX_LABEL));
		console_wrap(r, "<td><code>", PQgetvalue(res, i, IX_RULE), "</code></td><td>");
		html_form_begin(r, action, "inline");
		html_lit(b, "<input type=\"hidden\" name=\"code\" value=\"");
		html_attr(b, PQgetvalue(res, i, IX_CODE));
		html_lit(b, "\"><button class=\"btn\" name=\"action\" value=\"up\">↑</button>"
		    "<button class=\"btn\" name=\"action\" value=\"down\">↓</button>");
		if (hidden)
			html_lit(b, "<button class=\"btn\" name=\"action\" value=\"show\">");
		else
			html_lit(b, "<button class=\"btn\" name=\"action\" value=\"hide\">");
		html_text(b, hidden ? L(r, "Hiện", "Show") : L(r, "Ẩn", "Hide"));
		html_lit(b, "</button></form></td></tr>");
	}
	html_lit(b, "</tbody></table>");
	html_form_begin(r, action, "rule");
	html_lit(b, "<input type=\"hidden\" name=\"action\" value=\"rule\">");
	console_input(r, "rule", "code", L(r, "Mã chỉ tiêu", "Indicator code"), NULL, q->rule_code, &q->errs, 60, true);
	console_input(r, "rule", "rule", L(r, "Quy tắc mới", "New rule"),
	    L(r, "Ví dụ: sum(enterprises.amount where form = wage_arrears). Xem Hướng dẫn cán bộ, mục Số liệu thống kê.",
	    "E.g. sum(enterprises.amount where form = wage_arrears). See the officer guide, Statistics."), q->rule, &q->errs, 500, true);
	console_submit(r, "btn", "Lưu quy tắc", "Save the rule");
	PQclear(res);
	html_lit(b, "</section>");
}

/* The statistics page of q with `status` (a refused form: 400, its
 * errors in q->errs); a view (status 200) is audited as stats.view once
 * the unit is found. 404 for a unit outside the scope, 503 when the
 * database failed. */
static void
stats_render(struct req *r, int status, const struct stats_ask *q)
{
	struct buf *b = r->out;
	struct stats st;
	int rc = stats_collect(r->arena, r->app->db, r->officer->unit_path, q->unit, q->from, q->to, r->lang, false, &st);
	if (rc == 1 || rc < 0) {
		http_error(r, rc > 0 ? 404 : 503, MSG__MAX);   /* outside the scope looks like missing */
		return;
	}
	if (status == 200)
		audit_officer(r, "stats.view", arena_printf(r->arena, "unit:%s", q->unit), arena_printf(r->arena, "from=%s to=%s",
		    q->from, q->to));
	console_page(r, status == 200 && rc == 2 ? 500 : status, L(r, "Thống kê định kỳ", "Periodic statistics"));
	console_notice(r, stats_notices, sizeof(stats_notices) / sizeof(stats_notices[0]));
	if (rc == 2)
		console_alert(r, arena_printf(r->arena, "%s %s: %s", L(r, "Quy tắc của chỉ tiêu", "The rule of indicator"),
		    st.bad_code, st.bad_rule));
	console_wrap(r, "<p class=\"period\"><strong>", st.unit_name, "</strong> — ");
	html_text(b, r->lang == LANG_EN ? arena_printf(r->arena, "from %s to %s (cut-off)", fmt_dmy(r->arena, q->from), fmt_dmy(r->arena, q->to)) :
	    arena_printf(r->arena, "từ %s đến %s (ngày chốt số liệu)", fmt_dmy(r->arena, q->from), fmt_dmy(r->arena, q->to)));
	html_lit(b, "</p>");
	stats_chooser(r, q->unit, q->from, q->to);
	if (rc == 0) {
		stats_freeze_html(r, &st, q);
		stats_table_html(r, &st, q);
		console_note(r, stats_reparent_note(r->lang));
	}
	console_wrap(r, "<section class=\"rules\"><h2>",
	    L(r, "Cách tính", "How the figures are counted"), "</h2><ul><li>");
	html_text(b, L(r, "Phản ánh: nhận trong kỳ (giờ Việt Nam), không tính phản ánh đánh dấu rác.",
	    "Reports: received in the period (Vietnam time); reports marked spam are left out."));
	html_lit(b, "</li><li>");
	html_text(b, L(r, "Theo phản ánh: tính theo doanh nghiệp, không cộng các phản ánh. Mỗi doanh nghiệp: số người là nhóm lớn nhất "
	    "được nêu (cận dưới: 1–10 → 1, 11–50 → 11, 51–100 → 51, 101–300 → 101, trên 300 → 301; ít nhất một người mỗi phản ánh), "
	    "số tháng là các tháng khác nhau được nêu, số tiền là tổng số tiền lớn nhất được nêu (số tiền mỗi người không tính).",
	    "Claimed: counted per enterprise, not added over reports. Per enterprise: workers are the largest group named "
	    "(lower bound of its tier; at least one per report), months the distinct months named, the amount the largest "
	    "total named (per-person amounts are not counted)."));
	html_lit(b, "</li><li>");
	html_text(b, L(r, "Đã xác minh: số liệu cán bộ đã sửa, xác nhận trên vụ việc (tổng số đã hiệu chỉnh), cộng theo vụ việc.",
	    "Verified: the totals officers corrected on cases, added over cases."));
	html_lit(b, "</li><li>");
	html_text(b, L(r, "Tai nạn: một vụ cho mỗi nơi làm việc và ngày xảy ra; số người chết, bị thương là số lớn nhất được báo.",
	    "Accidents: one per workplace and day it happened; dead and injured are the largest figures reported."));
	html_lit(b, "</li><li>");
	html_text(b, L(r, "Vụ việc: lập trong kỳ hoặc còn mở tại ngày chốt; giai đoạn là giai đoạn tại ngày chốt.",
	    "Cases: created in the period or still open at the cut-off; the stage is the one at the cut-off."));
	html_lit(b, "</li></ul></section>");
	stats_indicators_html(r, q);
	console_end(r);
}

/* GET /admin/stats?unit=&from=&to=|period=&format=xlsx: the periodic
 * statistics of a unit in scope (default the officer's own). 400 on bad
 * dates, period or format (the field named), 404 for a unit outside the
 * scope; audited as stats.view or stats.export. */
void
page_admin_stats(struct req *r)
{
	struct stats_ask q;
	const char *problem = stats_ask_read(r, &q), *format = console_arg(r, "format", 8);
	if (problem == NULL && *format && strcmp(format, "xlsx") != 0 && strcmp(format, "html") != 0)
		problem = L(r, "Định dạng (format) không hợp lệ.", "Invalid format.");
	if (problem) {
		console_page(r, 400, L(r, "Thống kê định kỳ", "Periodic statistics"));
		console_alert(r, problem);
		stats_chooser(r, fmt_is_digits(q.unit, 18) ? q.unit : "", fmt_is_date(q.from) ? q.from : "", fmt_is_date(q.to) ? q.to : "");
		console_end(r);
		return;
	}
	bool xlsx = strcmp(format, "xlsx") == 0;
	if (!xlsx) {
		stats_render(r, 200, &q);
		return;
	}
	struct stats st;
	int rc = stats_collect(r->arena, r->app->db, r->officer->unit_path, q.unit, q.from, q.to, r->lang, false, &st);
	if (rc != 0) {
		http_error(r, rc == 1 ? 404 : rc == 2 ? 500 : 503, MSG__MAX);
		return;
	}
	audit_officer(r, "stats.export", arena_printf(r->arena, "unit:%s", q.unit), arena_printf(r->arena, "from=%s to=%s frozen=%d",
	    q.from, q.to, st.frozen));
	char err[300];
	buf_reset(r->out);
	if (stats_write(&st, STATS_XLSX, http_buffer_write, r, err, sizeof(err)) != 0) {
		log_warn("stats: %s", err);
		http_error(r, 503, MSG__MAX);
		return;
	}
	r->resp_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
	http_header(r, arena_printf(r->arena, "Content-Disposition: attachment; filename=\"thong-ke-%s-%s-%s.xlsx\"",
	    q.unit, q.from, q.to));
}

/* The unit and period a POST's action carries into q; false after a 400
 * page naming the argument that is wrong. */
static bool
stats_post_ask(struct req *r, struct stats_ask *q)
{
	const char *problem = stats_ask_read(r, q);
	if (problem)
		console_refuse(r, 400, problem, problem, "/admin/stats");
	return problem == NULL;
}

/* POST /admin/stats/freeze?unit=&from=&to= (admins): freezes the period's
 * table as it is now (in Vietnamese, as the federation files it). A frozen
 * period needs a reason: 400 with the error beside it, nothing stored.
 * Audited as stats.freeze; back to the page with ?done=frozen. */
void
page_admin_stats_freeze(struct req *r)
{
	struct stats_ask q;
	if (!stats_post_ask(r, &q))
		return;
	q.reason = console_posted_line(r, "reason", 1000, false, &q.errs);
	if (q.errs.n) {
		stats_render(r, 400, &q);
		return;
	}
	struct stats st;
	int rc = stats_collect(r->arena, r->app->db, r->officer->unit_path, q.unit, q.from, q.to, LANG_VI, true, &st);
	if (rc != 0) {
		http_error(r, rc == 1 ? 404 : rc == 2 ? 500 : 503, MSG__MAX);
		return;
	}
	const char *sha = NULL;
	const char *who = *r->officer->display_name ? arena_printf(r->arena, "%s (%s)", r->officer->display_name,
	    r->officer->username) : r->officer->username;
	rc = stats_freeze(r->arena, r->app->db, &st, who, r->officer->id, q.reason, &sha);
	if (rc == 1) {
		console_err_add(&q.errs, "reason", L(r, "Kỳ này đã được chốt: cần ghi lý do để chốt lại.",
		    "This period is already frozen: give a reason to freeze it again."));
		stats_render(r, 400, &q);
		return;
	}
	if (rc != 0) {
		http_error(r, 500, MSG__MAX);
		return;
	}
	audit_officer(r, "stats.freeze", arena_printf(r->arena, "unit:%s", q.unit), arena_printf(r->arena,
	    "from=%s to=%s sha256=%s reason=%s", q.from, q.to, sha, q.reason ? q.reason : ""));
	http_redirect(r, stats_url(r, "/admin/stats", &q, "&done=frozen"));
}

/* POST /admin/stats/indicators?unit=&from=&to= (admins of a top unit, 403
 * otherwise): action up, down,
 * hide or show an indicator (code), or rule: set its rule. An unknown code
 * or a rule that does not parse: 400 with the error beside the field,
 * nothing stored. Audited as stats.indicator. */
void
page_admin_stats_indicators(struct req *r)
{
	struct stats_ask q;
	if (!stats_post_ask(r, &q))
		return;
	if (!stats_indicator_editor(r->app->db)) {
		console_refuse(r, 403, "Chỉ quản trị viên của LĐLĐ tỉnh (đơn vị cấp trên cùng) được sửa bộ chỉ tiêu.",
		    "Only an admin of the federation (a top unit) may change the indicator set.", stats_url(r, "/admin/stats", &q, NULL));
		return;
	}
	const char *action = console_posted(r, "action"), *code = console_posted_max(r, "code", 60);
	struct stats_ind_change ch = { NULL, NULL, NULL, NULL, -1, 0 };
	if (strcmp(action, "up") == 0 || strcmp(action, "down") == 0)
		ch.move = action[0] == 'u' ? -1 : 1;
	else if (strcmp(action, "hide") == 0 || strcmp(action, "show") == 0)
		ch.hidden = action[0] == 'h';
	else if (strcmp(action, "rule") == 0) {
		q.rule_code = code ? code : "";
		q.rule = console_posted_max(r, "rule", 500);
		if (q.rule == NULL || *q.rule == '\0')
			console_err_add(&q.errs, "rule", L(r, "Cần một quy tắc (tối đa 500 ký tự).", "A rule is needed (at most 500 characters)."));
		ch.rule = q.rule;
	} else {
		console_refuse(r, 400, "Thao tác không hợp lệ.", "Unknown action.", stats_url(r, "/admin/stats", &q, NULL));
		return;
	}
	if (code == NULL || *code == '\0')
		console_err_add(&q.errs, "code", L(r, "Cần mã chỉ tiêu.", "An indicator code is needed."));
	char err[300];
	int rc = q.errs.n ? 3 : stats_indicator_set(r->app->db, code, &ch, err, sizeof(err));
	if (rc == 1)
		console_err_add(&q.errs, "code", L(r, "Không có chỉ tiêu với mã này.", "No indicator has this code."));
	if (rc == 2)
		console_err_add(&q.errs, "rule", arena_printf(r->arena, "%s: %s", L(r, "Quy tắc không đọc được", "The rule does not parse"), err));
	if (rc == -1) {
		http_error(r, 500, MSG__MAX);
		return;
	}
	if (rc != 0) {
		if (ch.rule == NULL) {   /* a button's row: nothing to show beside a field */
			console_refuse(r, 400, "Không có chỉ tiêu với mã này.", "No indicator has this code.", stats_url(r, "/admin/stats", &q, NULL));
			return;
		}
		stats_render(r, 400, &q);
		return;
	}
	audit_officer(r, "stats.indicator", arena_printf(r->arena, "indicator:%s", code), arena_printf(r->arena, "action=%s rule=%s",
	    action, ch.rule ? ch.rule : ""));
	http_redirect(r, stats_url(r, "/admin/stats", &q, "&done=indicator"));
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
	console_wrap(r, "\">", title, "</title><desc id=\"");
	html_attr(b, arena_printf(r->arena, "%s-desc", id));
	console_wrap(r, "\">", desc, "</desc>");
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
		console_wrap(r, " font-size=\"12\" text-anchor=\"end\" fill=\"#222\">", num(r, top * g / 4), "</text>");
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
		console_wrap(r, " font-size=\"12\" text-anchor=\"middle\" fill=\"#222\">",
		    arena_printf(r->arena, "%.2s/%.2s", months[m] + 5, months[m] + 2), "</text>");
	}
	html_lit(b, "</svg><ul class=\"legend\">");
	for (size_t f = 0; f < nforms; f++) {
		const struct form *fm = form_find(r->app->forms, form_ids[f]);
		html_lit(b, "<li><svg width=\"14\" height=\"14\" aria-hidden=\"true\"><rect width=\"14\" height=\"14\"");
		put_fill(b, f);
		console_wrap(r, "/></svg> ", fm ? form_label(fm->title, r->lang) : form_ids[f], "</li>");
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
		console_wrap(r, " font-size=\"13\" fill=\"#222\">", num(r, v), "</text>");
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
	console_wrap(r, "<table class=\"dash-months\"><caption>",
	    L(r, "Số phản ánh mỗi tháng (không tính rác)", "Reports per month (spam left out)"),
	    "</caption><thead><tr><th scope=\"col\">");
	html_text(b, L(r, "Tháng", "Month"));
	html_lit(b, "</th>");
	for (size_t f = 0; f < nforms; f++) {
		console_wrap(r, "<th scope=\"col\" class=\"num\">",
		    form_label(r->app->forms->forms[f].title, r->lang), "</th>");
	}
	console_wrap(r, "<th scope=\"col\" class=\"num\">", L(r, "Tổng", "Total"), "</th></tr></thead><tbody>");
	for (size_t m = 0; m < nmonths; m++) {
		long s = 0;
		html_lit(b, "<tr data-month=\"");
		html_attr(b, mlist[m]);
		console_wrap(r, "\"><th scope=\"row\">",
		    arena_printf(r->arena, "%.2s/%.4s", mlist[m] + 5, mlist[m]), "</th>");
		for (size_t f = 0; f < nforms; f++) {
			html_lit(b, "<td class=\"num\" data-form=\"");
			html_attr(b, flist[f]);
			console_wrap(r, "\">", num(r, counts[m * nforms + f]), "</td>");
			s += counts[m * nforms + f];
		}
		console_wrap(r, "<td class=\"num\" data-form=\"total\">", num(r, s), "</td></tr>");
	}
	html_lit(b, "</tbody></table></section>");
}

/* A row of the dashboard's small tables: data-stage (stage) or data-unit
 * `key`, the name as the row's heading, the count. */
static void
dash_row(struct req *r, bool stage, const char *key, const char *name, const char *n)
{
	struct buf *b = r->out;
	if (stage)
		html_lit(b, "<tr data-stage=\"");
	else
		html_lit(b, "<tr data-unit=\"");
	html_attr(b, key);
	console_wrap(r, "\"><th scope=\"row\">", name, "</th><td class=\"num\">");
	html_text(b, n);
	html_lit(b, "</td></tr>");
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
		console_wrap(r, "<table class=\"dash-units\"><thead><tr><th scope=\"col\">",
		    L(r, "Đơn vị", "Unit"), "</th><th scope=\"col\" class=\"num\">");
		html_text(b, L(r, "Phản ánh", "Reports"));
		html_lit(b, "</th></tr></thead><tbody>");
		for (int i = 0; i < PQntuples(ures); i++)
			dash_row(r, false, PQgetvalue(ures, i, UR_ID), PQgetvalue(ures, i, UR_NAME), PQgetvalue(ures, i, UR_N));
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
		dash_row(r, true, dispute_stages[s].value, L(r, dispute_stages[s].vi, dispute_stages[s].en), num(r, n));
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
	 * time), read from the reports' daily facts (sql/019_stats_facts.sql).
	 * As in the statistics, a report counts under the unit it arrived at
	 * (the facts' unit_id), a case under the unit handling it, never
	 * under the workplace's current unit. */
	if (stats_fold(r->app->db) != 0) {
		http_error(r, 503, MSG__MAX);
		return;
	}
	const char *p1[1] = { scope };
	PGresult *mres = db_query(r->app->db,
	    "SELECT to_char(f.day, 'YYYY-MM'), f.form_id, sum(f.n) "
	    "FROM submission_fact_all f JOIN org_unit u ON u.id = f.unit_id "
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
	    "JOIN org_unit u ON u.id = f.unit_id "
	    "WHERE u.path LIKE c.path || '%' AND u.path LIKE $1 || '%' AND f.fact = 'reports' "
	    "AND f.day >= (date_trunc('month', now() AT TIME ZONE 'Asia/Ho_Chi_Minh') - interval '11 months')::date), 0) "
	    "FROM org_unit c WHERE c.path LIKE $1 || '%' AND c.parent_id = $2::bigint ORDER BY c.name, c.id LIMIT 200", 2, p2);
	PGresult *cres = db_query(r->app->db, "SELECT k.stage, count(*) FROM dispute_case k "
	    "JOIN org_unit u ON u.id = k.unit_id "
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
	console_note(r, stats_reparent_note(r->lang));
	dash_months(r, months, mres);
	dash_units(r, ures);
	dash_stages(r, cres);
	for (size_t j = 0; j < sizeof(all) / sizeof(all[0]); j++)
		PQclear(all[j]);
	deadline_panel(r);
	console_end(r);
}
