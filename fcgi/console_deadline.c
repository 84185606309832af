/* console_deadline.c: the console's deadline pieces every page may show: the front page's panel of cases' legal deadlines (overdue ones too) and the warning that the holiday calendar ends too soon (app only: deadline.c keeps the computation the unit tests link). */
#include <stdlib.h>
#include <libpq-fe.h>

#include "app.h"
#include "arena.h"
#include "console.h"
#include "db.h"
#include "deadline.h"
#include "html.h"
#include "i18n.h"

#define PANEL_DAYS "14"
#define CALENDAR_SOON "90"   /* days: the front page warns this long before the calendar ends */

/* "The holiday calendar ends on …" for officers and admins (viewers do
 * not act on it): always when `force`; for a case (case_id), when one of
 * its working-day deadlines falls after the calendar's end; else (the
 * front page) when the calendar ends within CALENDAR_SOON days. Admins
 * get a link to the calendar page when `link`. Renders nothing on a
 * database error. */
void
deadline_calendar_notice(struct req *r, const char *case_id, bool force, bool link)
{
	if (r->officer == NULL || r->officer->role < ROLE_OFFICER)
		return;
	enum { NOTICE_END, NOTICE_SHOW };
	const char *p[2] = { case_id, force ? "t" : "f" };
	PGresult *res = db_query(r->app->db, "SELECT coalesce(to_char(holiday_calendar_end(), 'DD/MM/YYYY'), ''), "
	    "$2::boolean OR CASE WHEN $1::bigint IS NULL THEN coalesce(holiday_calendar_end(), '-infinity') < "
	    "(now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date + " CALENDAR_SOON " "
	    "ELSE EXISTS (SELECT 1 FROM case_deadlines($1::bigint) d JOIN legal_deadline l ON l.code = d.code "
	    "WHERE l.working_days IS NOT NULL AND d.due_on > coalesce(holiday_calendar_end(), '-infinity')) END", 2, p);
	if (db_ok(res) && PQgetvalue(res, 0, NOTICE_SHOW)[0] == 't') {
		const char *end = PQgetvalue(res, 0, NOTICE_END), *text;
		if (*end == '\0')
			text = L(r, "Lịch ngày nghỉ lễ đang trống — hãy thêm ngày lễ.", "The holiday calendar is empty — add the holidays.");
		else if (r->lang == LANG_EN)
			text = arena_printf(r->arena, "The holiday calendar ends on %s — add next year's holidays, or working-day "
			    "deadlines past that day count its holidays as working days.", end);
		else
			text = arena_printf(r->arena, "Lịch ngày nghỉ lễ chỉ đến ngày %s — hãy thêm ngày lễ của năm sau, nếu không "
			    "các thời hạn tính theo ngày làm việc sau ngày đó sẽ tính cả ngày lễ.", end);
		console_wrap(r, "<p class=\"alert\" role=\"alert\" id=\"calendar-ends\">", text, "");
		if (link && r->officer->role >= ROLE_ADMIN) {
			html_lit(r->out, " ");
			console_link(r, "/admin/calendar", L(r, "Lịch ngày nghỉ lễ", "Holiday calendar"));
		}
		html_lit(r->out, "</p>");
	}
	PQclear(res);
}

/* One item of the panel: the legal_deadline row's (or the record's)
 * code, the id of the case, agreement, stoppage or commitment (`kind` names the
 * data- attribute), the due day, how far it is (`left_text`, else
 * deadline_left_text() of `left`), a link and what is due, its source. */
enum panel_kind { ITEM_CASE, ITEM_AGREEMENT, ITEM_STOPPAGE, ITEM_COMMITMENT };
struct panel_item {
	const char *code, *id;
	enum panel_kind kind;
	const char *due, *left, *left_text, *href, *link, *what, *source;
};

/* Writes it as <li> (class "overdue" when `left`, days as text, is negative). */
static void
panel_item(struct req *r, const struct panel_item *it)
{
	static const char *const id_attr[] = { [ITEM_CASE] = "data-case", [ITEM_AGREEMENT] = "data-agreement",
		[ITEM_STOPPAGE] = "data-stoppage", [ITEM_COMMITMENT] = "data-commitment" };
	const struct kv attrs[] = { { "class", it->left[0] == '-' ? "overdue" : NULL, 0 }, { "data-code", it->code, 0 },
		{ id_attr[it->kind], it->id, 0 } };
	html_lit(r->out, "<li");
	html_attrs(r->out, attrs, sizeof(attrs) / sizeof(attrs[0]));
	console_wrap(r, "><strong>", it->due, "</strong> (");
	console_wrap(r, "", it->left_text ? it->left_text : deadline_left_text(r, it->left), ") ");
	console_link(r, it->href, it->link);
	console_wrap(r, ": ", it->what, " <small>");
	console_wrap(r, "", it->source, "</small></li>");
}

/* One more group of the panel from `res` (cleared here): <h3 id=ID>TITLE</h3>
 * and a <ul> of its rows, each made an item by `fill`; nothing when the
 * query failed or found none. */
static void
panel_group(struct req *r, PGresult *res, const char *id, const char *vi, const char *en,
    void (*fill)(struct req *, PGresult *, int, struct panel_item *))
{
	if (db_ok(res) && PQntuples(res) > 0) {
		console_heading(r, 3, id, vi, en);
		html_lit(r->out, "<ul>");
		for (int i = 0; i < PQntuples(res); i++) {
			struct panel_item it = { 0 };
			fill(r, res, i, &it);
			panel_item(r, &it);
		}
		html_lit(r->out, "</ul>");
	}
	PQclear(res);
}

/* The panel's agreements: each workplace's current collective agreement
 * (sql/040's agreement_current) that expires within the warning period
 * of the legal_deadline row agreement_renewal (Bộ luật Lao động 2019,
 * Điều 81: 90 days) or expired that long ago at most with no newer one
 * registered. Nothing on a database error or when there is none. */
enum { AD_ID, AD_WORKPLACE, AD_NAME, AD_EXPIRES, AD_LEFT, AD_SOURCE };
static void
agreement_item(struct req *r, PGresult *res, int i, struct panel_item *it)
{
	*it = (struct panel_item){ .code = "agreement_renewal", .id = PQgetvalue(res, i, AD_ID), .kind = ITEM_AGREEMENT,
	    .due = PQgetvalue(res, i, AD_EXPIRES), .left = PQgetvalue(res, i, AD_LEFT), .link = PQgetvalue(res, i, AD_NAME),
	    .source = PQgetvalue(res, i, AD_SOURCE),
	    .href = arena_printf(r->arena, "/admin/agreements?workplace=%s", PQgetvalue(res, i, AD_WORKPLACE)),
	    .what = L(r, "hết hạn: thương lượng gia hạn hoặc ký thỏa ước mới", "expires: bargain to extend it or sign a new one") };
}

/* The panel's urgent part: collective work stoppages still going on
 * (sql/041), begun within the last 30 days, so an officer acts at once. */
enum { SO_ID, SO_NAME, SO_STARTED, SO_WORKERS };
static void
stoppage_item(struct req *r, PGresult *res, int i, struct panel_item *it)
{
	*it = (struct panel_item){ .code = "stoppage", .id = PQgetvalue(res, i, SO_ID), .kind = ITEM_STOPPAGE,
	    .due = PQgetvalue(res, i, SO_STARTED), .left = "-1", .left_text = L(r, "đang diễn ra", "going on"),
	    .link = PQgetvalue(res, i, SO_NAME), .href = "/admin/stoppages", .source = "Bộ luật Lao động 2019, Điều 198",
	    .what = arena_printf(r->arena, "%s %s", PQgetvalue(res, i, SO_WORKERS), L(r, "người ngừng việc", "workers stopped")) };
}

/* The panel's commitments an employer made at a dialogue or bargaining
 * round (sql/042) still pending past their due day, so an officer takes
 * them up with the employer: the loop back to the workers. */
enum { CO_ID, CO_ROUND, CO_NAME, CO_DUE, CO_LEFT, CO_TEXT };
static void
commitment_item(struct req *r, PGresult *res, int i, struct panel_item *it)
{
	*it = (struct panel_item){ .code = "commitment", .id = PQgetvalue(res, i, CO_ID), .kind = ITEM_COMMITMENT,
	    .due = PQgetvalue(res, i, CO_DUE), .left = PQgetvalue(res, i, CO_LEFT), .link = PQgetvalue(res, i, CO_NAME),
	    .href = arena_printf(r->arena, "/admin/rounds/%s#commitments", PQgetvalue(res, i, CO_ROUND)),
	    .what = PQgetvalue(res, i, CO_TEXT), .source = "Nghị định 145/2020/NĐ-CP, Điều 39" };
}

/* The query of the panel's group `kind` (not ITEM_CASE), in the
 * officer's scope. */
static PGresult *
panel_query(struct req *r, enum panel_kind kind)
{
	const char *p[1] = { r->officer->unit_path };
	switch (kind) {
	case ITEM_STOPPAGE:
		return db_query(r->app->db, "SELECT s.id, w.name, to_char(s.started_on, 'DD/MM/YYYY'), s.workers::text "
		    "FROM work_stoppage s JOIN workplace w ON w.id = s.workplace_id JOIN org_unit u ON u.id = w.unit_id "
		    "WHERE u.path LIKE $1 || '%' AND s.ended_on IS NULL "
		    "AND s.started_on >= (now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date - 30 ORDER BY s.started_on LIMIT 50", 1, p);
	case ITEM_COMMITMENT:
		return db_query(r->app->db, "SELECT c.id, x.id, w.name, to_char(c.due_on, 'DD/MM/YYYY'), "
		    "(c.due_on - (now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date)::text, left(c.text, 120) "
		    "FROM round_commitment c JOIN workplace_round x ON x.id = c.round_id JOIN workplace w ON w.id = x.workplace_id "
		    "JOIN org_unit u ON u.id = w.unit_id WHERE u.path LIKE $1 || '%' AND c.status = 'pending' "
		    "AND c.due_on < (now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date ORDER BY c.due_on, c.id LIMIT 50", 1, p);
	case ITEM_AGREEMENT:
		return db_query(r->app->db, "SELECT id, workplace_id, workplace_name, to_char(expires_on, 'DD/MM/YYYY'), "
		    "days_left::text, coalesce((SELECT source FROM legal_deadline WHERE code = 'agreement_renewal'), '') "
		    "FROM agreement_current WHERE unit_path LIKE $1 || '%' AND abs(days_left) <= agreement_warn_days() "
		    "ORDER BY expires_on, workplace_name LIMIT 50", 1, p);
	case ITEM_CASE:
		break;
	}
	return NULL;
}

/* The front page's panel: deadlines of open cases in scope, at their
 * current stage, due within the next 14 days or already overdue (those
 * stay until the case moves on: an officer must see what was missed).
 * Renders nothing on a database error (the queue below still shows). */
void
deadline_panel(struct req *r)
{
	enum { PANEL_ID, PANEL_TITLE, PANEL_VI, PANEL_EN, PANEL_DUE, PANEL_LEFT, PANEL_SOURCE, PANEL_CODE };
	const char *p[1] = { r->officer->unit_path };
	PGresult *res = db_query(r->app->db,
	    "SELECT case_id, title, description_vi, description_en, to_char(due_on, 'DD/MM/YYYY'), days_left::text, source, code "
	    "FROM case_deadline WHERE workplace_path LIKE $1 || '%' AND open AND current "
	    "AND due_on <= (now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date + " PANEL_DAYS " ORDER BY due_on, case_id LIMIT 50", 1, p);
	if (res == NULL || !db_ok(res)) {
		PQclear(res);
		return;
	}
	html_lit(r->out, "<section class=\"deadlines\" id=\"deadline-panel\">");
	console_heading(r, 2, NULL, "Hạn trong 14 ngày tới và hạn đã quá", "Deadlines in the next 14 days, and overdue ones");
	deadline_calendar_notice(r, NULL, false, true);
	if (PQntuples(res) == 0)
		console_empty(r, "Không có thời hạn nào sắp đến.", "No deadline is coming up.");
	else {
		html_lit(r->out, "<ul>");
		for (int i = 0; i < PQntuples(res); i++) {
			const char *id = PQgetvalue(res, i, PANEL_ID);
			struct panel_item it = { .code = PQgetvalue(res, i, PANEL_CODE), .id = id, .kind = ITEM_CASE,
			    .due = PQgetvalue(res, i, PANEL_DUE), .left = PQgetvalue(res, i, PANEL_LEFT),
			    .href = arena_printf(r->arena, "/admin/cases/%s", id),
			    .link = arena_printf(r->arena, "#%s %s", id, PQgetvalue(res, i, PANEL_TITLE)),
			    .what = L(r, PQgetvalue(res, i, PANEL_VI), PQgetvalue(res, i, PANEL_EN)), .source = PQgetvalue(res, i, PANEL_SOURCE) };
			panel_item(r, &it);
		}
		html_lit(r->out, "</ul>");
	}
	static const struct {
		enum panel_kind kind;
		const char *id, *vi, *en;
		void (*fill)(struct req *, PGresult *, int, struct panel_item *);
	} groups[] = {   /* going on first: an officer acts on it at once */
		{ ITEM_STOPPAGE, "stoppages-ongoing", "Ngừng việc tập thể đang diễn ra", "Collective work stoppages going on", stoppage_item },
		{ ITEM_COMMITMENT, "commitments-overdue", "Cam kết của người sử dụng lao động đã quá hạn",
		    "Employer commitments past their due day", commitment_item },
		{ ITEM_AGREEMENT, "agreements-due", "Thỏa ước lao động tập thể sắp hết hạn", "Collective agreements expiring", agreement_item },
	};
	for (size_t g = 0; g < sizeof(groups) / sizeof(groups[0]); g++)
		panel_group(r, panel_query(r, groups[g].kind), groups[g].id, groups[g].vi, groups[g].en, groups[g].fill);
	html_lit(r->out, "</section>");
	PQclear(res);
}
