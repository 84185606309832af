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

/* One deadline of the panel: <li data-code data-case> (class "overdue"
 * when past), due day, how far, the case linked, what is due, its source. */
static void
panel_item(struct req *r, const char *code, const char *id, const char *title, const char *due, const char *left,
    const char *what, const char *source)
{
	const struct kv attrs[] = { { "class", left[0] == '-' ? "overdue" : NULL, 0 }, { "data-code", code, 0 },
		{ "data-case", id, 0 } };
	html_lit(r->out, "<li");
	html_attrs(r->out, attrs, sizeof(attrs) / sizeof(attrs[0]));
	console_wrap(r, "><strong>", due, "</strong> (");
	console_wrap(r, "", deadline_left_text(r, left), ") ");
	console_link(r, arena_printf(r->arena, "/admin/cases/%s", id), arena_printf(r->arena, "#%s %s", id, title));
	console_wrap(r, ": ", what, " <small>");
	console_wrap(r, "", source, "</small></li>");
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
		for (int i = 0; i < PQntuples(res); i++)
			panel_item(r, PQgetvalue(res, i, PANEL_CODE), PQgetvalue(res, i, PANEL_ID), PQgetvalue(res, i, PANEL_TITLE),
			    PQgetvalue(res, i, PANEL_DUE), PQgetvalue(res, i, PANEL_LEFT),
			    L(r, PQgetvalue(res, i, PANEL_VI), PQgetvalue(res, i, PANEL_EN)), PQgetvalue(res, i, PANEL_SOURCE));
		html_lit(r->out, "</ul>");
	}
	html_lit(r->out, "</section>");
	PQclear(res);
}
