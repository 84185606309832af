/* page_admin_calendar.c: /admin/calendar: public holidays, swapped working days and legal deadlines as data an admin corrects, and the warning when the calendar ends before a working-day count does. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libpq-fe.h>

#include "app.h"
#include "arena.h"
#include "auth.h"
#include "brief.h"
#include "buf.h"
#include "calendar.h"
#include "console.h"
#include "db.h"
#include "deadline.h"
#include "fmt.h"
#include "html.h"
#include "http.h"
#include "i18n.h"
#include "page_admin.h"
#include "req.h"
#include "text.h"

static const struct console_notice notices[] = {
	{ "added", "Đã thêm ngày nghỉ lễ.", "The holiday was added." },
	{ "corrected", "Đã sửa ngày nghỉ lễ.", "The holiday was corrected." },
	{ "removed", "Đã bỏ ngày nghỉ lễ.", "The holiday was removed." },
	{ "deadline", "Đã sửa thời hạn theo luật; các hạn của vụ việc được tính lại ngay.", "The legal deadline was corrected; case deadlines are computed from it at once." },
};

/* Whether this officer may change the calendar: an admin of a unit at the
 * top of the tree (the federation), since the calendar counts for every
 * unit's cases. PostgreSQL holds the same rule (sql/017). */
static bool
calendar_editor(const struct req *r)
{
	const char *p = r->officer->unit_path;   /* "/12/" at the top, "/12/34/" below */
	return r->officer->role >= ROLE_ADMIN && p[0] == '/' && strchr(p + 1, '/') != NULL && strchr(p + 1, '/')[1] == '\0';
}

/* What the holiday form holds: the values typed and, when refused, why. */
struct holiday_form {
	const char *day, *name, *source, *kind, *error;
};

/* What a refused deadline correction holds, to show beside its row. */
struct deadline_form {
	const char *code, *vi, *en, *unit, *count, *source, *error;
};

/* Opens a control's label: <label for=ID>LABEL; the caller writes the
 * control (console_control_attrs() ties it to ID) and "</label>". */
static void
label_open(struct req *r, const char *id, const char *label)
{
	html_lit(r->out, "<label for=\"");
	html_attr(r->out, id);
	console_wrap(r, "\">", label, "");
}

/* Opens a labelled one-line input: <label>LABEL<input id name value="…";
 * the caller writes the input's other attributes and "></label>". */
static void
input(struct req *r, const char *id, const char *name, const char *label, const char *value)
{
	label_open(r, id, label);
	html_lit(r->out, "<input");
	console_control_attrs(r, id, name, NULL);
	const struct kv v[] = { { "value", value, 0 } };
	html_attrs(r->out, v, 1);
}

/* A labelled <select> NAME (control ID) of table `t` (n rows), `cur` selected. */
static void
choice(struct req *r, const char *id, const char *name, const char *label, const struct calendar_unit *t, size_t n,
    const char *cur)
{
	label_open(r, id, label);
	html_lit(r->out, "<select");
	console_control_attrs(r, id, name, NULL);
	html_lit(r->out, ">");
	for (size_t i = 0; i < n; i++)
		console_option(r, t[i].value, L(r, t[i].vi, t[i].en), strcmp(cur, t[i].value) == 0);
	html_lit(r->out, "</select></label>");
}

static void
holidays_section(struct req *r, const char *year, const struct holiday_form *f)
{
	struct buf *b = r->out;
	enum { YEAR };
	PGresult *years = db_query(r->app->db, "SELECT y::text FROM (SELECT DISTINCT extract(year FROM day)::int AS y FROM holiday "
	    "UNION SELECT $1::int UNION SELECT $1::int + 1) t ORDER BY y", 1, &year);
	html_lit(b, "<section id=\"holidays\">");
	console_heading(r, 2, NULL, "Ngày nghỉ lễ, tết", "Public holidays");
	console_wrap(r, "<nav aria-label=\"", L(r, "Năm", "Year"), "\"><ul class=\"counts\">");
	for (int i = 0; db_ok(years) && i < PQntuples(years); i++) {
		const struct kv arg = { .key = "year", .val = PQgetvalue(years, i, YEAR) };
		if (strcmp(arg.val, year) == 0)
			html_lit(b, "<li class=\"on\"><a aria-current=\"true\" href=\"");
		else
			html_lit(b, "<li><a href=\"");
		console_href(r, "/admin/calendar", &arg, 1);
		console_wrap(r, "\">", PQgetvalue(years, i, YEAR), "</a></li>");
	}
	PQclear(years);
	html_lit(b, "</ul></nav>");
	PGresult *res = calendar_holidays(r->app->db, year);
	static const struct console_label cols[] = { { "Ngày", "Day" }, { "Tên", "Name" }, { "Căn cứ", "Source" }, { "", "" } };
	console_table_kept(r, db_ok(res) ? PQntuples(res) : -1, "<table class=\"queue\" id=\"holiday-list\">", cols,
	    sizeof(cols) / sizeof(cols[0]), "Chưa có ngày lễ nào của năm này.", "No holidays for this year yet.");
	for (int i = 0; db_ok(res) && i < PQntuples(res); i++) {
		int wd = atoi(PQgetvalue(res, i, HOLIDAY_WEEKDAY));
		html_lit(b, "<tr data-day=\"");
		html_attr(b, PQgetvalue(res, i, HOLIDAY_DAY));
		console_wrap(r, "\"><td>", PQgetvalue(res, i, HOLIDAY_DMY), " <small>");
		html_text(b, calendar_weekday(wd, r->lang));
		html_lit(b, "</small></td><td>");
		html_text(b, PQgetvalue(res, i, HOLIDAY_NAME));
		if (strcmp(PQgetvalue(res, i, HOLIDAY_KIND), "workday") == 0) {   /* a swapped working day, not a holiday */
			console_wrap(r, " <strong class=\"workday\" data-kind=\"workday\">",
			    L(r, "(ngày làm việc bù)", "(make-up working day)"), "</strong>");
		}
		console_wrap(r, "</td><td>", PQgetvalue(res, i, HOLIDAY_SOURCE), "</td><td>");
		if (!calendar_editor(r)) {
			html_lit(b, "</td></tr>");
			continue;
		}
		html_lit(b, "<a href=\"/admin/calendar?year=");
		html_url_arg(b, year);
		html_lit(b, "&amp;day=");
		html_url_arg(b, PQgetvalue(res, i, HOLIDAY_DAY));
		console_wrap(r, "#holiday-form\">", L(r, "Sửa", "Correct"), "</a> ");
		console_action_open(r, "/admin/calendar", "inline", "remove", "day", PQgetvalue(res, i, HOLIDAY_DAY));
		console_submit(r, "btn", "Bỏ", "Remove");
		html_lit(b, "</td></tr>");
	}
	PQclear(res);
	html_lit(b, "</tbody></table>");
	if (!calendar_editor(r)) {
		html_lit(b, "<p class=\"hint\" id=\"calendar-readonly\">");
		html_text(b, L(r, "Lịch dùng chung cho mọi đơn vị: chỉ quản trị viên của đơn vị cấp cao nhất (LĐLĐ tỉnh) sửa được.",
		    "The calendar counts for every unit: only an admin of the top unit (the provincial federation) can change it."));
		html_lit(b, "</p></section>");
		return;
	}
	console_heading(r, 3, "holiday-form", "Thêm hoặc sửa một ngày", "Add or correct a day");
	console_hint(r, L(r, "Nhập một ngày đã có để sửa tên, căn cứ và loại. Ngày nghỉ bù, ngày nghỉ hoán đổi là «ngày nghỉ»; "
	    "thứ Bảy hoặc Chủ nhật phải đi làm bù là «ngày làm việc bù».",
	    "Entering a day that is already there corrects its name, source and kind. A day in lieu or a weekday swapped off is a "
	    "\"day off\"; a Saturday or Sunday worked to make up for it is a \"make-up working day\"."));
	if (f->error)
		console_wrap(r, "<p class=\"alert\" role=\"alert\" id=\"holiday-error\">", f->error, "</p>");
	console_action_open(r, "/admin/calendar", "filters", "holiday", NULL, NULL);
	input(r, "f-day", "day", L(r, "Ngày (YYYY-MM-DD)", "Day (YYYY-MM-DD)"), f->day);
	if (strcmp(fmt_date_input(f->day), "date") == 0)
		html_lit(r->out, " type=\"date\" min=\"2000-01-01\" max=\"2100-12-31\" required></label>");
	else   /* not a day a date input can hold: kept as typed, the error above */
		html_lit(r->out, " type=\"text\" required></label>");
	input(r, "f-name", "name", L(r, "Tên", "Name"), f->name);
	html_lit(r->out, " maxlength=\"200\" required></label>");
	input(r, "f-source", "source", L(r, "Căn cứ", "Source"), f->source);
	html_lit(r->out, " maxlength=\"1000\" size=\"50\"></label>");
	choice(r, "f-day-kind", "kind", L(r, "Loại ngày", "Kind of day"), calendar_day_kinds, CALENDAR_NKINDS, f->kind);
	console_submit(r, "btn", "Lưu", "Save");
	html_lit(b, "</section>");
}

static void
deadlines_section(struct req *r, const struct deadline_form *f)
{
	struct buf *b = r->out;
	PGresult *res = calendar_deadlines(r->app->db);
	html_lit(b, "<section id=\"legal-deadlines\">");
	console_heading(r, 2, NULL, "Thời hạn theo luật", "Legal deadlines");
	console_hint(r, L(r, "Sửa cách diễn đạt, số tháng/ngày và căn cứ khi luật hoặc cách hiểu thay đổi; hạn của mọi vụ việc được tính lại ngay.",
	    "Correct the wording, the period and the source when the law or its reading changes; every case's deadlines follow at once."));
	for (int i = 0; db_ok(res) && i < PQntuples(res); i++) {
		const char *code = PQgetvalue(res, i, LEGAL_CODE);
		bool refused = f->code && strcmp(f->code, code) == 0;
		const char *vi = refused ? f->vi : PQgetvalue(res, i, LEGAL_VI), *en = refused ? f->en : PQgetvalue(res, i, LEGAL_EN);
		const char *unit = refused ? f->unit : PQgetvalue(res, i, LEGAL_UNIT), *count = refused ? f->count : PQgetvalue(res, i, LEGAL_COUNT);
		const char *source = refused ? f->source : PQgetvalue(res, i, LEGAL_SOURCE);
		const struct kv attrs[] = { { "data-code", code, 0 } };
		html_lit(b, "<details class=\"deadline\"");
		html_attrs(b, attrs, 1);
		if (refused)   /* the refused correction stays open, its errors in sight */
			html_lit(b, " open");
		html_lit(b, "><summary>");
		html_text(b, L(r, PQgetvalue(res, i, LEGAL_VI), PQgetvalue(res, i, LEGAL_EN)));
		console_wrap(r, " — <strong>", PQgetvalue(res, i, LEGAL_COUNT), " ");
		html_text(b, calendar_unit_label(PQgetvalue(res, i, LEGAL_UNIT), r->lang));
		console_wrap(r, "</strong> <small>(", code, "; ");
		html_text(b, *PQgetvalue(res, i, LEGAL_CASE_SCOPE) ? PQgetvalue(res, i, LEGAL_CASE_SCOPE) : L(r, "mọi vụ việc", "every case"));
		console_wrap(r, "; ", PQgetvalue(res, i, LEGAL_STAGES), ")</small></summary>");
		if (refused) {
			console_wrap(r, "<p class=\"alert\" role=\"alert\" id=\"deadline-error\">", f->error, "</p>");
		}
		if (!calendar_editor(r)) {
			console_wrap(r, "<p>", PQgetvalue(res, i, LEGAL_SOURCE), "</p></details>");
			continue;
		}
		console_action_open(r, "/admin/calendar", "filters", "deadline", "code", code);
		input(r, arena_printf(r->arena, "d-%s-vi", code), "description_vi", L(r, "Mô tả (tiếng Việt)", "Description (Vietnamese)"),
		    vi);
		html_lit(r->out, " maxlength=\"500\" size=\"50\" required></label>");
		input(r, arena_printf(r->arena, "d-%s-en", code), "description_en", L(r, "Mô tả (tiếng Anh)", "Description (English)"),
		    en);
		html_lit(r->out, " maxlength=\"500\" size=\"50\" required></label>");
		input(r, arena_printf(r->arena, "d-%s-count", code), "count", L(r, "Số", "Number"), count);
		html_lit(r->out, " inputmode=\"numeric\" size=\"4\" required></label>");
		choice(r, arena_printf(r->arena, "d-%s-unit", code), "unit", L(r, "Đơn vị", "Unit"), calendar_units, CALENDAR_NUNITS, unit);
		input(r, arena_printf(r->arena, "d-%s-source", code), "source", L(r, "Căn cứ", "Source"), source);
		html_lit(r->out, " maxlength=\"1000\" size=\"50\" required></label>");
		console_submit(r, "btn", "Lưu", "Save");
		html_lit(b, "</details>");
	}
	PQclear(res);
	html_lit(b, "</section>");
}

/* The whole page for `year`; the forms keep what was typed when refused. */
static void
calendar_page(struct req *r, int status, const char *year, const struct holiday_form *hf, const struct deadline_form *df)
{
	struct buf *b = r->out;
	console_page(r, status, L(r, "Lịch ngày nghỉ lễ và thời hạn", "Holidays and legal deadlines"));
	console_notice(r, notices, sizeof(notices) / sizeof(notices[0]));
	const char *end = calendar_end(r->arena, r->app->db);
	if (end == NULL) {
		http_error(r, 503, MSG__MAX);
		return;
	}
	html_lit(b, "<p id=\"calendar-end\">");
	html_text(b, *end ? (r->lang == LANG_EN ? arena_printf(r->arena, "The holiday calendar covers days up to %s.", end) :
	    arena_printf(r->arena, "Lịch ngày nghỉ lễ có đến ngày %s.", end)) : L(r, "Lịch ngày nghỉ lễ đang trống.", "The holiday calendar is empty."));
	html_lit(b, "</p>");
	deadline_calendar_notice(r, NULL, false, false);   /* on the calendar page: no link to itself */
	holidays_section(r, year, hf);
	deadlines_section(r, df);
	console_end(r);
}

/* The year the page shows: ?year= if valid, else the day's year, else this year. */
static const char *
year_of(struct req *r, const char *day)
{
	const char *y = kv_get(&r->args, "year");
	if (y && calendar_year_valid(y))
		return y;
	if (day && brief_date_ok(day))
		return arena_strndup(r->arena, day, 4);
	PGresult *res = db_query(r->app->db, "SELECT extract(year FROM now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::int::text", 0, NULL);
	const char *now = db_scalar(res) ? arena_strdup(r->arena, db_scalar(res)) : "2026";
	PQclear(res);
	return now;
}

/* A posted one-line text, trimmed; NULL when longer than max or holding a line break. */
static const char *
posted_line(struct req *r, const char *name, size_t max)
{
	const char *v = console_posted(r, name);
	return text_length(v) > max || strpbrk(v, "\r\n\t") ? NULL : v;
}

/* POST action=holiday: adds or corrects the day; action=remove: removes it. */
static void
holiday_post(struct req *r, bool remove)
{
	struct holiday_form f = { .day = console_posted(r, "day"), .kind = console_posted(r, "kind") };
	if (*f.kind == '\0')
		f.kind = "off";   /* forms opened before swapped days existed */
	f.name = posted_line(r, "name", CALENDAR_NAME_MAX);
	f.source = posted_line(r, "source", CALENDAR_SOURCE_MAX);
	const char *old, *year = brief_date_ok(f.day) ? arena_strndup(r->arena, f.day, 4) : year_of(r, NULL);
	if (!brief_date_ok(f.day))
		f.error = L(r, "Ngày phải là một ngày có thật, viết YYYY-MM-DD (ví dụ 2028-01-26), từ năm 2000 đến 2099.",
		    "The day must be a real date written YYYY-MM-DD (e.g. 2028-01-26), from 2000 to 2099.");
	else if (!remove && (f.name == NULL || *f.name == '\0'))
		f.error = L(r, "Tên ngày lễ phải có, một dòng, tối đa 200 ký tự.", "The name is needed: one line, at most 200 characters.");
	else if (!remove && f.source == NULL)
		f.error = L(r, "Căn cứ là một dòng, tối đa 1000 ký tự.", "The source is one line of at most 1000 characters.");
	else if (!remove && !calendar_day_kind_valid(f.kind))
		f.error = L(r, "Loại ngày không hợp lệ: ngày nghỉ hoặc ngày làm việc bù.", "Unknown kind of day: a day off or a make-up working day.");
	else if (!remove && strcmp(f.kind, "workday") == 0 && calendar_isodow(f.day) < 6)
		f.error = L(r, "Ngày làm việc bù phải là thứ Bảy hoặc Chủ nhật (ngày thường vốn là ngày làm việc).",
		    "A make-up working day must be a Saturday or Sunday (a weekday is a working day already).");
	if (f.error) {
		if (f.name == NULL)
			f.name = "";
		if (f.source == NULL)
			f.source = "";
		if (!calendar_day_kind_valid(f.kind))
			f.kind = "off";
		struct deadline_form none = { 0 };
		calendar_page(r, 400, year, &f, &none);
		return;
	}
	const char *object = arena_printf(r->arena, "holiday:%s", f.day);
	if (remove) {
		int rc = calendar_holiday_remove(r->arena, r->app->db, f.day, &old);
		if (rc < 0) {
			http_error(r, 503, MSG__MAX);
			return;
		}
		if (rc == 0) {
			http_error(r, 404, MSG__MAX);
			return;
		}
		audit_officer(r, "holiday.remove", object, arena_printf(r->arena, "was: %s", old));
		http_redirect(r, arena_printf(r->arena, "/admin/calendar?year=%s&done=removed", year));
		return;
	}
	if (calendar_holiday_set(r->arena, r->app->db, f.day, f.name, f.source, f.kind, &old) != 0) {
		http_error(r, 503, MSG__MAX);
		return;
	}
	audit_officer(r, *old ? "holiday.correct" : "holiday.add", object, *old ? arena_printf(r->arena, "was: %s", old) : f.name);
	http_redirect(r, arena_printf(r->arena, "/admin/calendar?year=%s&done=%s", year, *old ? "corrected" : "added"));
}

/* POST action=deadline: corrects one legal_deadline row. */
static void
deadline_post(struct req *r)
{
	struct deadline_form f = { .code = kv_get_or_empty(&r->form, "code"), .unit = kv_get_or_empty(&r->form, "unit") };
	f.vi = posted_line(r, "description_vi", CALENDAR_DESCRIPTION_MAX);
	f.en = posted_line(r, "description_en", CALENDAR_DESCRIPTION_MAX);
	f.source = posted_line(r, "source", CALENDAR_SOURCE_MAX);
	f.count = console_posted(r, "count");
	long max = strcmp(f.unit, "months") == 0 ? 120 : strcmp(f.unit, "working_days") == 0 ? 365 : strcmp(f.unit, "days") == 0 ? 3650 : 0;
	size_t digits = strspn(f.count, "0123456789");
	if (max == 0)
		f.error = L(r, "Chọn đơn vị: tháng, ngày làm việc hoặc ngày.", "Choose months, working days or days.");
	else if (digits == 0 || digits > 4 || f.count[digits] != '\0' || atol(f.count) < 1 || atol(f.count) > max)
		f.error = r->lang == LANG_EN ? arena_printf(r->arena, "The number must be a whole number from 1 to %ld.", max) :
		    arena_printf(r->arena, "Số phải là số nguyên từ 1 đến %ld.", max);
	else if (f.vi == NULL || f.en == NULL || *f.vi == '\0' || *f.en == '\0')
		f.error = L(r, "Mô tả tiếng Việt và tiếng Anh phải có, mỗi mô tả một dòng, tối đa 500 ký tự.",
		    "Both descriptions are needed, each one line of at most 500 characters.");
	else if (f.source == NULL || *f.source == '\0')
		f.error = L(r, "Căn cứ pháp lý phải có: một dòng, tối đa 1000 ký tự.", "The legal source is needed: one line of at most 1000 characters.");
	const char *old;
	int rc = f.error ? 0 : calendar_deadline_set(r->arena, r->app->db, f.code, f.vi, f.en, f.unit, f.count, f.source, &old);
	if (rc < 0) {
		http_error(r, 503, MSG__MAX);
		return;
	}
	if (f.error == NULL && rc == 0) {
		http_error(r, 404, MSG__MAX);
		return;
	}
	if (f.error) {
		f.vi = f.vi ? f.vi : "";
		f.en = f.en ? f.en : "";
		f.source = f.source ? f.source : "";
		struct holiday_form none = { .day = "", .name = "", .source = "", .kind = "off" };
		calendar_page(r, 400, year_of(r, NULL), &none, &f);
		return;
	}
	audit_officer(r, "deadline.correct", arena_printf(r->arena, "legal_deadline:%s", f.code),
	    arena_printf(r->arena, "was: %s", old));
	http_redirect(r, "/admin/calendar?done=deadline#legal-deadlines");
}

/* POST /admin/calendar (admins, on the route; PostgreSQL too): action
 * holiday, remove or deadline, by an admin of the top unit (403 for the
 * others: the calendar counts for every unit). */
void
page_admin_calendar_post(struct req *r)
{
	const char *action = kv_get_or_empty(&r->form, "action");
	if (!calendar_editor(r)) {
		http_error(r, 403, MSG_NOT_ALLOWED_ROLE);
		return;
	}
	if (strcmp(action, "holiday") == 0 || strcmp(action, "remove") == 0)
		holiday_post(r, strcmp(action, "remove") == 0);
	else if (strcmp(action, "deadline") == 0)
		deadline_post(r);
	else
		http_error(r, 400, MSG__MAX);
}

/* GET /admin/calendar (admins, on the route): the page for ?year=;
 * ?day=YYYY-MM-DD fills the form with that holiday, to correct it. */
void
page_admin_calendar(struct req *r)
{
	const char *day = kv_get(&r->args, "day");
	struct holiday_form f = { .day = "", .name = "", .source = "", .kind = "off" };
	if (day && brief_date_ok(day)) {
		PGresult *res = calendar_holidays(r->app->db, arena_strndup(r->arena, day, 4));
		for (int i = 0; db_ok(res) && i < PQntuples(res); i++)
			if (strcmp(PQgetvalue(res, i, HOLIDAY_DAY), day) == 0) {
				f.day = arena_strdup(r->arena, day);
				f.name = arena_strdup(r->arena, PQgetvalue(res, i, HOLIDAY_NAME));
				f.source = arena_strdup(r->arena, PQgetvalue(res, i, HOLIDAY_SOURCE));
				f.kind = arena_strdup(r->arena, PQgetvalue(res, i, HOLIDAY_KIND));
			}
		PQclear(res);
	}
	struct deadline_form none = { 0 };
	calendar_page(r, 200, year_of(r, day), &f, &none);
}
