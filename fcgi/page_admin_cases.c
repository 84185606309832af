/* page_admin_cases.c: /admin/cases: the list of dispute cases, one case's page, creating one from a report, and the changes posted from a case's page (edit, stage, link, totals, note). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libpq-fe.h>

#include "app.h"
#include "arena.h"
#include "auth.h"
#include "buf.h"
#include "case.h"
#include "db.h"
#include "deadline.h"
#include "dispute.h"
#include "fmt.h"
#include "form.h"
#include "html.h"
#include "http.h"
#include "i18n.h"
#include "console_case.h"
#include "page_admin.h"
#include "req.h"
#include "text.h"

#define CASE_ROWS 200

static bool
dispute_valid(const struct vocab *t, size_t n, const char *value)
{
	return vocab_find(t, n, value) != NULL;
}

/* One row of the case list. */
static void
case_list_row(struct req *r, const PGresult *res, int i)
{
	struct buf *b = r->out;
	enum { LIST_ID, LIST_TITLE, LIST_STAGE, LIST_KIND, LIST_WORKPLACE, LIST_ASSIGNEE, LIST_DUE, LIST_DUE_VI, LIST_DUE_EN, LIST_LEFT };
	const char *id = PQgetvalue(res, i, LIST_ID);
	html_lit(b, "<tr>");
	console_td_link(r, arena_printf(r->arena, "/admin/cases/%s", id),
	    arena_printf(r->arena, "#%s %s", id, PQgetvalue(res, i, LIST_TITLE)));
	console_td(r, vocab_label(dispute_stages, DISPUTE_NSTAGES, PQgetvalue(res, i, LIST_STAGE), r->lang));
	console_td(r, vocab_label(dispute_kinds, DISPUTE_NKINDS, PQgetvalue(res, i, LIST_KIND), r->lang));
	console_td(r, PQgetvalue(res, i, LIST_WORKPLACE));
	html_lit(b, "<td>");
	html_text(b, PQgetvalue(res, i, LIST_DUE));
	if (*PQgetvalue(res, i, LIST_DUE)) {
		console_wrap(r, " (", deadline_left_text(r, PQgetvalue(res, i, LIST_LEFT)), ") <small>");
		html_text(b, L(r, PQgetvalue(res, i, LIST_DUE_VI), PQgetvalue(res, i, LIST_DUE_EN)));
		html_lit(b, "</small>");
	}
	html_lit(b, "</td>");
	console_td(r, PQgetvalue(res, i, LIST_ASSIGNEE));
	html_lit(b, "</tr>");
}

/* GET /admin/cases: the cases in scope, open ones first, with their
 * earliest deadline at the current stage (an overdue one first: it was missed). */
void
page_admin_cases(struct req *r)
{
	struct buf *b = r->out;
	const char *p[1] = { r->officer->unit_path };
	PGresult *res = db_query(r->app->db,
	    "SELECT k.id, k.title, k.stage, k.kind, w.name, coalesce(nullif(o.display_name, ''), o.username, ''), "
	    "coalesce(to_char(d.due_on, 'DD/MM/YYYY'), ''), coalesce(d.description_vi, ''), coalesce(d.description_en, ''), "
	    "coalesce(d.days_left::text, '') "
	    "FROM dispute_case k JOIN workplace w ON w.id = k.workplace_id JOIN org_unit u ON u.id = w.unit_id "
	    "LEFT JOIN officer o ON o.id = k.assignee_id "
	    "LEFT JOIN LATERAL (SELECT x.due_on, x.description_vi, x.description_en, x.days_left FROM case_deadline x "
	    "  WHERE x.case_id = k.id AND x.open AND x.current AND x.due_on IS NOT NULL ORDER BY x.due_on LIMIT 1) d ON true "
	    "WHERE u.path LIKE $1 || '%' "
	    "ORDER BY k.stage = 'closed', d.due_on NULLS LAST, k.updated_at DESC LIMIT 200", 1, p);
	if (res == NULL || !db_ok(res)) {
		PQclear(res);
		http_error(r, 503, MSG__MAX);
		return;
	}
	console_page(r, 200, L(r, "Vụ việc", "Cases"));
	deadline_panel(r);
	html_lit(b, "<p>");
	html_text(b, L(r, "Tạo vụ việc từ một phản ánh: mở phản ánh rồi chọn «Tạo vụ việc».",
	    "Cases are created from a report: open the report and choose \"Create a case\"."));
	html_lit(b, "</p>");
	if (PQntuples(res) == 0) {
		console_wrap(r, "<p class=\"empty\">", L(r, "Chưa có vụ việc nào.", "No cases yet."), "</p>");
	} else {
		static const char *const cols[][2] = {
			{ "Vụ việc", "Case" }, { "Giai đoạn", "Stage" }, { "Loại", "Kind" },
			{ "Nơi làm việc", "Workplace" }, { "Hạn kế tiếp", "Next deadline" }, { "Phụ trách", "Assignee" },
		};
		html_lit(b, "<table class=\"queue\" id=\"cases\"><thead><tr>");
		for (size_t i = 0; i < sizeof(cols) / sizeof(cols[0]); i++)
			console_th(r, cols[i][0], cols[i][1]);
		html_lit(b, "</tr></thead><tbody>");
		for (int i = 0; i < PQntuples(res) && i < CASE_ROWS; i++)
			case_list_row(r, res, i);
		html_lit(b, "</tbody></table>");
	}
	PQclear(res);
	console_end(r);
}

/* NULL for an empty string: a posted "" is an unknown value in SQL. */
static const char *
nz(const char *s)
{
	return s && *s ? s : NULL;
}

/* The sentence above a form refused for its fields (each error is beside its field). */
static const char *
fields_problem(struct req *r)
{
	return L(r, "Chưa lưu: kiểm tra các ô được đánh dấu.", "Not saved: check the marked fields.");
}

/* The report a case is made from (already in scope) as the creation form shows it. */
struct source {
	const char *from, *form_id, *workplace, *workplace_id, *received;
};

/* When report `s->from` already has cases: says so and lists them (id
 * "linked-cases"), true; the form then asks to confirm ("again"), so one
 * report does not become two cases by a second click. */
static bool
case_already_made(struct req *r, const struct source *s)
{
	return case_report_links(r, s->from, "linked-cases", "alert", L(r, "Phản ánh này đã có vụ việc:",
	    "This report already has a case:")) > 0;
}

/* The creation form for a case from report `s->from`. */
static void
new_page(struct req *r, int status, const struct source *s, const struct case_input *in, const char *problem,
    const struct console_errs *e)
{
	struct buf *b = r->out;
	console_page(r, status, L(r, "Tạo vụ việc", "Create a case"));
	console_alert(r, problem);
	console_wrap(r, "<p>", L(r, "Từ phản ánh", "From report"), " ");
	console_link(r, arena_printf(r->arena, "/admin/s/%s", s->from), arena_printf(r->arena, "#%s", s->from));
	console_wrap(r, " · ", s->workplace, "</p>");
	bool again = case_already_made(r, s);
	html_form_begin(r, "/admin/cases/new", NULL);
	html_lit(b, "<input type=\"hidden\" name=\"from\" value=\"");
	html_attr(b, s->from);
	html_lit(b, "\">");
	if (again)
		console_check(r, "field", "checkbox", "again", "1", L(r, "Vẫn tạo thêm một vụ việc mới từ phản ánh này",
		    "Create another case from this report anyway"), false);
	case_fields(r, in, e);
	console_submit(r, "btn primary", "Tạo vụ việc", "Create the case");
	console_end(r);
}

/* Reads the report `from` (?from= or the posted field) if the officer's
 * scope holds it; false after answering 404 (also for a malformed number). */
static bool
source_load(struct req *r, const char *from, struct source *s)
{
	enum { SRC_FORM, SRC_WORKPLACE, SRC_WORKPLACE_ID, SRC_RECEIVED };
	if (!fmt_is_id(from)) {
		http_error(r, 404, MSG__MAX);
		return false;
	}
	const char *p[2] = { from, r->officer->unit_path };
	PGresult *res = db_query(r->app->db,
	    "SELECT s.form_id, w.name, w.id, to_char(s.received_at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'YYYY-MM-DD') "
	    "FROM submission s JOIN workplace w ON w.id = s.workplace_id JOIN org_unit u ON u.id = w.unit_id "
	    "WHERE s.id = $1::bigint AND u.path LIKE $2 || '%'", 2, p);
	if (res == NULL || !db_ok(res) || PQntuples(res) != 1) {
		PQclear(res);
		http_error(r, 404, MSG__MAX);
		return false;
	}
	*s = (struct source){
		.from = from,
		.form_id = arena_strdup(r->arena, PQgetvalue(res, 0, SRC_FORM)),
		.workplace = arena_strdup(r->arena, PQgetvalue(res, 0, SRC_WORKPLACE)),
		.workplace_id = arena_strdup(r->arena, PQgetvalue(res, 0, SRC_WORKPLACE_ID)),
		.received = arena_strdup(r->arena, PQgetvalue(res, 0, SRC_RECEIVED)),
	};
	PQclear(res);
	return true;
}

/* GET /admin/cases/new?from=ID: the creation form, filled from the
 * report. 404 when the report is outside scope. */
void
page_admin_case_new(struct req *r)
{
	struct source s;
	if (!source_load(r, kv_get_or_empty(&r->args, "from"), &s))
		return;
	const struct form *fm = form_find(r->app->forms, s.form_id);
	const char *kind = case_kind_from_form(s.form_id);
	struct case_input in = {
		.title = arena_printf(r->arena, "%s — %s", fm ? form_label(fm->title, r->lang) : s.form_id, s.workplace),
		.kind = kind, .scope = "individual", .dispute_type = "rights", .subject = case_subject_from_kind(kind),
		.member = "unknown", .union_role = "", .recovered = "",
	};
	for (int d = 0; d < DISPUTE_NDATES; d++)
		in.dates[d] = "";
	in.dates[0] = s.received;   /* the discovery date: the day the report came */
	new_page(r, 200, &s, &in, NULL, NULL);
}

/* Runs one statement of an action; false after answering 500/503. */
static bool
step(struct req *r, PGresult *res)
{
	if (res == NULL || !db_ok(res)) {
		console_db_failed(r, res, "case action");
		return false;
	}
	PQclear(res);
	return true;
}

/* Records the case's dated event KIND by this officer with `note`, and
 * its audit row "case.KIND" with `detail`: the end of an action whose
 * history line is a plain note. False after answering 500/503. */
static bool
event_step(struct req *r, const char *id, const char *kind, const char *note, const char *detail)
{
	const char *e[4] = { id, kind, r->officer->id, note };
	if (!step(r, db_query(r->app->db, "INSERT INTO case_event (case_id, kind, officer_id, note) "
	    "VALUES ($1::bigint, $2, $3::bigint, $4)", 4, e)))
		return false;
	audit_officer(r, arena_printf(r->arena, "case.%s", kind), arena_printf(r->arena, "case:%s", id), detail);
	return true;
}

/* POST /admin/cases/new (role officer): creates the case, links the
 * report, records the first event. 404 when the report is outside scope. */
void
page_admin_case_create(struct req *r)
{
	enum { NEW_ID };
	struct source s;
	if (!source_load(r, kv_get_or_empty(&r->form, "from"), &s))
		return;
	struct case_input in;
	struct console_errs errs = { 0 };
	case_input_posted(r, &in);
	if (!case_input_check(r, &in, &errs)) {
		case_input_posted(r, &in);   /* the form shows what was typed */
		new_page(r, 400, &s, &in, fields_problem(r), &errs);
		return;
	}
	if (strcmp(kv_get_or_empty(&r->form, "again"), "1") != 0) {
		const char *p1[1] = { s.from };
		PGresult *n = db_query(r->app->db, "SELECT count(*) FROM case_submission WHERE submission_id = $1::bigint", 1, p1);
		const char *v = db_scalar(n);
		bool made = v && strcmp(v, "0") != 0;
		PQclear(n);
		if (made) {
			new_page(r, 409, &s, &in, L(r, "Phản ánh này đã có vụ việc. Đánh dấu ô xác nhận để tạo thêm một vụ việc.",
			    "This report already has a case. Tick the box to create another one."), &errs);
			return;
		}
	}
	const char *q[24] = { r->officer->unit_id, s.workplace_id, in.kind, in.scope, in.title, r->officer->id, in.dispute_type,
		in.subject, in.member, nz(in.union_role), nz(in.recovered) };
	for (int d = 0; d < DISPUTE_NDATES; d++)
		q[11 + d] = nz(in.dates[d]);
	PGresult *ins = db_query(r->app->db,
	    "INSERT INTO dispute_case (unit_id, workplace_id, kind, scope, title, assignee_id, dispute_type, subject, worker_member, "
	    "union_role, recovered_vnd, violation_known_on, panel_formed_on, payday, si_due_date, terminated_on, judgment_on, "
	    "accident_reported_on, bargaining_requested_on, bargaining_started_on, agreement_signed_on, agreement_expires_on, "
	    "dialogue_held_on, strike_planned_on) "
	    "VALUES ($1::bigint, $2::bigint, $3, $4, $5, $6::bigint, $7, $8, CASE $9 WHEN 'yes' THEN true WHEN 'no' THEN false END, "
	    "$10, $11::bigint, $12::date, $13::date, $14::date, $15::date, $16::date, $17::date, $18::date, $19::date, $20::date, "
	    "$21::date, $22::date, $23::date, $24::date) RETURNING id", 24, q);
	if (ins == NULL || !db_ok(ins) || PQntuples(ins) != 1) {
		console_db_failed(r, ins, "case create");
		return;
	}
	const char *id = arena_strdup(r->arena, PQgetvalue(ins, 0, NEW_ID));
	PQclear(ins);
	const char *e[3] = { id, s.from, r->officer->id };
	PGresult *l = db_query(r->app->db, "INSERT INTO case_submission (case_id, submission_id) VALUES ($1::bigint, $2::bigint)", 2, e);
	bool ok = l && db_ok(l);
	PQclear(l);
	l = ok ? db_query(r->app->db, "INSERT INTO case_event (case_id, officer_id, kind, to_stage, note) "
	    "VALUES ($1::bigint, $3::bigint, 'created', 'intake', '#' || $2)", 3, e) : NULL;
	ok = ok && l && db_ok(l);
	PQclear(l);
	if (!ok) {
		http_error(r, 500, MSG__MAX);
		return;
	}
	audit_officer(r, "case.create", arena_printf(r->arena, "case:%s", id), arena_printf(r->arena, "submission:%s", s.from));
	http_redirect(r, arena_printf(r->arena, "/admin/cases/%s", id));
}

/* The name (arena) of the case_assignees()/case_units() row (cleared
 * here) whose id is `id`, or NULL when it is not among them. */
static const char *
chosen_name(struct req *r, PGresult *res, const char *id)
{
	int i = case_choice_row(res, id);
	const char *name = i < 0 ? NULL : arena_strdup(r->arena, PQgetvalue(res, i, CHOICE_NAME));
	PQclear(res);
	return name;
}

/* The Vietnamese name of a vocabulary value, for the history (kept in Vietnamese, like the dossier). */
static const char *
named_vi(const char *value)
{
	const char *vi = dispute_vi(value);
	return vi ? vi : value;
}

/* Appends "what: «old» → «new»; " to `d` when the values differ. */
static void
diff_add(struct buf *d, const char *what, const char *old, const char *new_)
{
	if (strcmp(old, new_) == 0)
		return;
	buf_appendf(d, "%s%s: «%s» → «%s»", d->len ? "; " : "", what, *old ? old : "—", *new_ ? new_ : "—");
}

/* An action on case `id`, its row locked; true when done (the caller
 * redirects to the case), false when the request was answered here. */
typedef bool case_action_fn(struct req *, const char *id, const struct case_lock *);

/* edit: title, kind, dispute scope, discovery date, assignee and handling
 * unit, with creation's checks. A form opened before another change (its
 * version is not the row's updated_at) gets 409 and the case page with
 * what was typed, so nothing is overwritten unseen. One dated 'edit'
 * event lists old → new; the deadlines follow at once (case_deadlines()
 * reads the row). */
static bool
case_edit(struct req *r, const char *id, const struct case_lock *lk)
{
	(void)lk;
	struct case_row old;
	if (!console_found(r, case_load(r->arena, r->app->db, id, r->officer->unit_path, &old)))
		return false;   /* locked a moment ago, so only if the database went away */
	if (strcmp(old.version, kv_get_or_empty(&r->form, "version")) != 0) {
		case_page(r, id, 409, L(r, "Vụ việc vừa được người khác thay đổi sau khi bạn mở trang. Thông tin hiện tại ở trên; "
		    "những gì bạn gõ vẫn còn trong biểu mẫu: kiểm tra rồi bấm Lưu lần nữa.",
		    "Someone changed this case after you opened the page. The current facts are above and what you typed is still "
		    "in the form: check it and save again."), "edit");
		return false;
	}
	struct case_input in;
	struct console_errs errs = { 0 };
	case_input_posted(r, &in);
	case_input_check(r, &in, &errs);
	const char *assignee = kv_get_or_empty(&r->form, "assignee"), *unit = kv_get_or_empty(&r->form, "unit");
	const char *reason = console_posted_max(r, "reason", 1000), *assignee_name = old.assignee_name, *unit_name = old.unit_name;
	if (reason == NULL)
		console_err_add(&errs, "reason", console_too_long(r, 1000));
	if (!*assignee)
		assignee_name = "";
	if (*assignee && strcmp(assignee, old.assignee_id) != 0 &&
	    (assignee_name = chosen_name(r, case_assignees(r->app->db, old.workplace_path), assignee)) == NULL)
		console_err_add(&errs, "assignee", L(r, "Người phụ trách phải là cán bộ đang hoạt động thấy được nơi làm việc của vụ việc.",
		    "The assignee must be an active officer who can see the case's workplace."));
	if (strcmp(unit, old.unit_id) != 0 &&
	    (unit_name = chosen_name(r, case_units(r->app->db, old.workplace_path, r->officer->unit_path), unit)) == NULL)
		console_err_add(&errs, "unit", L(r, "Đơn vị xử lý phải là đơn vị của nơi làm việc hoặc cấp trên của nó, trong phạm vi của bạn.",
		    "The handling unit must be the workplace's own unit or one above it, within your scope."));
	if (errs.n > 0) {
		case_page_errors(r, id, 400, errs.n == 1 ? errs.msg[0] : fields_problem(r), "edit", &errs);
		return false;
	}
	struct buf d = { 0 };
	diff_add(&d, "Tên", old.title, in.title);
	diff_add(&d, "Loại", named_vi(old.kind), named_vi(in.kind));
	diff_add(&d, "Tranh chấp", named_vi(old.scope), named_vi(in.scope));
	diff_add(&d, "Về quyền / lợi ích", vocab_label(dispute_types, DISPUTE_NTYPES, old.dispute_type, LANG_VI),
	    vocab_label(dispute_types, DISPUTE_NTYPES, in.dispute_type, LANG_VI));
	diff_add(&d, "Nội dung", vocab_label(dispute_subjects, DISPUTE_NSUBJECTS, old.subject, LANG_VI),
	    vocab_label(dispute_subjects, DISPUTE_NSUBJECTS, in.subject, LANG_VI));
	diff_add(&d, "Đoàn viên", vocab_label(dispute_member, DISPUTE_NMEMBER, old.member, LANG_VI),
	    vocab_label(dispute_member, DISPUTE_NMEMBER, in.member, LANG_VI));
	diff_add(&d, "Vai trò của Công đoàn", vocab_label(dispute_union_roles, DISPUTE_NROLES, old.union_role, LANG_VI),
	    vocab_label(dispute_union_roles, DISPUTE_NROLES, in.union_role, LANG_VI));
	diff_add(&d, "Số tiền đòi được", old.recovered, in.recovered);
	for (int k = 0; k < DISPUTE_NDATES; k++)
		diff_add(&d, dispute_dates[k].vi, old.dates[k], in.dates[k]);
	if (strcmp(old.assignee_id, assignee) != 0)
		diff_add(&d, "Phụ trách", *old.assignee_id ? old.assignee_name : "", *assignee ? assignee_name : "");
	if (strcmp(old.unit_id, unit) != 0)
		diff_add(&d, "Đơn vị xử lý", old.unit_name, unit_name);
	const char *detail = arena_strdup(r->arena, d.data ? d.data : "");
	bool failed = d.failed;
	buf_free(&d);
	if (failed) {
		http_error(r, 500, MSG__MAX);
		return false;
	}
	if (*detail == '\0')
		return true;   /* nothing changed: no event */
	const char *q[24] = { id, in.title, in.kind, in.scope, nz(assignee), unit, in.dispute_type, in.subject, in.member,
		nz(in.union_role), nz(in.recovered) };
	for (int k = 0; k < DISPUTE_NDATES; k++)
		q[11 + k] = nz(in.dates[k]);
	const char *note = *reason ? arena_printf(r->arena, "%s. %s", detail, reason) : detail;
	if (!step(r, db_query(r->app->db, "UPDATE dispute_case SET title = $2, kind = $3, scope = $4, assignee_id = $5::bigint, "
	    "unit_id = $6::bigint, dispute_type = $7, subject = $8, worker_member = CASE $9 WHEN 'yes' THEN true WHEN 'no' THEN false END, "
	    "union_role = $10, recovered_vnd = $11::bigint, violation_known_on = $12::date, panel_formed_on = $13::date, "
	    "payday = $14::date, si_due_date = $15::date, terminated_on = $16::date, judgment_on = $17::date, "
	    "accident_reported_on = $18::date, bargaining_requested_on = $19::date, bargaining_started_on = $20::date, "
	    "agreement_signed_on = $21::date, agreement_expires_on = $22::date, dialogue_held_on = $23::date, "
	    "strike_planned_on = $24::date, updated_at = now() WHERE id = $1::bigint", 24, q)))
		return false;
	return event_step(r, id, "edit", note, detail);
}

/* Why a stage change cannot be made, added to `e` beside its field (stage,
 * on_date, outcome or note); the message, or NULL when all is well. */
static const char *
stage_problem(struct req *r, const char *old_stage, const char *st, const char *on, const char *outcome, const char *note,
    struct console_errs *e)
{
	bool closing = strcmp(st, "closed") == 0;
	static const char *const fields[] = { "stage", "stage", "on_date", "outcome", "outcome", "note" };
	const char *msgs[] = {
		L(r, "Giai đoạn không hợp lệ.", "Unknown stage."),
		L(r, "Vụ việc đã ở giai đoạn này.", "The case is already at this stage."),
		L(r, "Ngày chuyển không hợp lệ.", "The date of the change is not a valid date."),
		L(r, "Kết thúc vụ việc cần ghi kết quả.", "Closing a case needs an outcome."),
		L(r, "Chỉ ghi kết quả khi kết thúc vụ việc.", "An outcome is recorded only when closing."),
		L(r, "Ghi chú quá dài (tối đa 4000 ký tự).", "The note is too long (4000 characters at most)."),
	};
	const bool bad[] = {   /* in the order the checks are made: the first that fails is reported */
		!dispute_valid(dispute_stages, DISPUTE_NSTAGES, st), strcmp(st, old_stage) == 0, *on && !fmt_is_date(on),
		closing && !dispute_valid(dispute_outcomes, DISPUTE_NOUTCOMES, outcome), !closing && *outcome, note == NULL,
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (bad[i]) {
			console_err_add(e, fields[i], msgs[i]);
			return msgs[i];
		}
	return NULL;
}
/* stage: the new stage from a date (today when none) with a note; closing needs an outcome. */
static bool
case_stage(struct req *r, const char *id, const struct case_lock *lk)
{
	const char *st = kv_get_or_empty(&r->form, "stage"), *on = kv_get_or_empty(&r->form, "on_date");
	const char *outcome = kv_get_or_empty(&r->form, "outcome"), *note = console_posted_max(r, "note", 4000);
	struct console_errs errs = { 0 };
	const char *problem = stage_problem(r, lk->stage, st, on, outcome, note, &errs);
	bool closing = strcmp(st, "closed") == 0;
	if (problem) {
		case_page_errors(r, id, 400, problem, "stage", &errs);
		return false;
	}
	const char *q[6] = { id, st, *on ? on : NULL, closing ? outcome : NULL, r->officer->id, note };
	if (!step(r, db_query(r->app->db, "UPDATE dispute_case SET stage = $2, outcome = $4, updated_at = now(), "
	    "stage_entered_on = coalesce($3::date, (now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date) WHERE id = $1::bigint", 4, q)))
		return false;
	const char *e[6] = { id, lk->stage, st, *on ? on : NULL, r->officer->id, note };
	if (!step(r, db_query(r->app->db, "INSERT INTO case_event (case_id, kind, from_stage, to_stage, on_date, officer_id, note) "
	    "VALUES ($1::bigint, 'stage', $2, $3, coalesce($4::date, (now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date), "
	    "$5::bigint, $6)", 6, e)))
		return false;
	audit_officer(r, "case.stage", arena_printf(r->arena, "case:%s", id), arena_printf(r->arena, "%s -> %s%s%s", lk->stage, st,
	    closing ? " " : "", closing ? outcome : ""));
	return true;
}

/* link: one more report from the same workplace, in scope, not linked yet. */
static bool
case_link(struct req *r, const char *id, const struct case_lock *lk)
{
	enum { LINK_DUPLICATE };
	const char *sub = console_posted(r, "submission");
	if (*sub == '#')
		sub++;
	const char *q[4] = { sub, r->officer->unit_path, lk->workplace_id, id };
	PGresult *s = fmt_is_id(sub) ? db_query(r->app->db,
	    "SELECT EXISTS (SELECT 1 FROM case_submission WHERE case_id = $4::bigint AND submission_id = s.id) "
	    "FROM submission s JOIN workplace w ON w.id = s.workplace_id JOIN org_unit u ON u.id = w.unit_id "
	    "WHERE s.id = $1::bigint AND u.path LIKE $2 || '%' AND s.workplace_id = $3::bigint", 4, q) : NULL;
	bool ok = s && db_ok(s) && PQntuples(s) == 1, dup = ok && PQgetvalue(s, 0, LINK_DUPLICATE)[0] == 't';
	PQclear(s);
	if (dup) {
		case_page(r, id, 400, L(r, "Phản ánh này đã được liên kết.", "This report is already linked."), "link");
		return false;
	}
	if (!ok) {
		case_page(r, id, 400, L(r, "Không có phản ánh số này ở cùng nơi làm việc trong phạm vi của bạn.",
		    "No report with this number at the same workplace in your scope."), "link");
		return false;
	}
	const char *e[3] = { id, sub, r->officer->id };
	if (!step(r, db_query(r->app->db, "INSERT INTO case_submission (case_id, submission_id) VALUES ($1::bigint, $2::bigint)", 2, e)) ||
	    !step(r, db_query(r->app->db, "INSERT INTO case_event (case_id, kind, officer_id, note) "
	    "VALUES ($1::bigint, 'link', $3::bigint, '#' || $2)", 3, e)) ||
	    !step(r, db_query(r->app->db, "UPDATE dispute_case SET updated_at = now() WHERE id = $1::bigint", 1, e)))
		return false;
	audit_officer(r, "case.link", arena_printf(r->arena, "case:%s", id), arena_printf(r->arena, "submission:%s", sub));
	return true;
}

/* totals: the workers, months and amount an officer corrects. */
static bool
case_totals(struct req *r, const char *id, const struct case_lock *lk)
{
	(void)lk;
	const char *w = console_posted(r, "workers");
	const char *m = console_posted(r, "months");
	const char *a = console_posted(r, "amount");
	if (!fmt_is_digits(w, 7) || !fmt_is_digits(m, 4) || !fmt_is_digits(a, 15)) {
		case_page(r, id, 400, L(r, "Số liệu phải là số nguyên không âm.", "Totals must be whole numbers, zero or more."), "totals");
		return false;
	}
	const char *q[4] = { id, w, m, a };
	const char *detail = arena_printf(r->arena, "workers=%s months=%s amount=%s", w, m, a);
	if (!step(r, db_query(r->app->db, "UPDATE dispute_case SET workers_affected = $2::integer, months_owed = $3::integer, "
	    "amount_owed_vnd = $4::bigint, totals_corrected = true, updated_at = now() WHERE id = $1::bigint", 4, q)))
		return false;
	return event_step(r, id, "totals", detail, detail);
}

/* note: a dated note in the history (open to officers of any unit that sees the case). */
static bool
case_note(struct req *r, const char *id, const struct case_lock *lk)
{
	(void)lk;
	const char *note = console_posted_max(r, "note", 4000);
	if (note == NULL || *note == '\0') {
		case_page(r, id, 400, L(r, "Ghi chú trống hoặc quá dài (tối đa 4000 ký tự).", "Empty or too long (4000 characters at most)."),
		    "note");
		return false;
	}
	return event_step(r, id, "note", note, "");
}

static const struct {
	const char *name;
	case_action_fn *run;
} case_actions[] = {
	{ "edit", case_edit },
	{ "stage", case_stage },
	{ "link", case_link },
	{ "totals", case_totals },
	{ "note", case_note },
};

/* Runs action `name` on case r->id[0]: locks the row (404 outside the
 * officer's scope), refuses with the case page (403) what would write the
 * row of a case a unit above handles, then redirects to the case. An
 * unknown action is 400. */
static void
case_action(struct req *r, const char *name)
{
	const char *id = r->id[0];
	struct case_lock lk;
	if (!console_found(r, case_lock(r->arena, r->app->db, id, r->officer->unit_path, &lk)))
		return;
	/* only notes may be added to a case a unit above handles: the rest
	 * writes the case row, which row-level security keeps to that unit */
	if (!lk.handled_here && strcmp(name, "note") != 0) {
		case_page(r, id, 403, L(r, "Vụ việc do đơn vị cấp trên xử lý: chỉ cán bộ của đơn vị đó sửa được thông tin, "
		    "chuyển giai đoạn, liên kết phản ánh hay sửa số liệu. Bạn vẫn có thể thêm ghi chú và tài liệu.",
		    "A unit above yours handles this case: only its officers can edit it, change its stage, link reports or "
		    "correct its totals. You can still add notes and documents."), name);
		return;
	}
	for (size_t i = 0; i < sizeof(case_actions) / sizeof(case_actions[0]); i++)
		if (strcmp(case_actions[i].name, name) == 0) {
			if (case_actions[i].run(r, id, &lk))
				http_redirect(r, arena_printf(r->arena, "/admin/cases/%s", id));
			return;
		}
	http_error(r, 400, MSG__MAX);
}

/* POST /admin/cases/ID/edit, /stage, /link, /totals, /note (role officer,
 * on the route): one change each, a case_event and an audit row, then
 * back to the case; bad input is 400 with the case page and what was typed. */
void page_admin_case_edit(struct req *r) { case_action(r, "edit"); }
void page_admin_case_stage(struct req *r) { case_action(r, "stage"); }
void page_admin_case_link(struct req *r) { case_action(r, "link"); }
void page_admin_case_totals(struct req *r) { case_action(r, "totals"); }
void page_admin_case_note(struct req *r) { case_action(r, "note"); }

/* POST /admin/cases/ID with action=edit|stage|link|totals|note: the same
 * changes, for forms that were opened before they got their own URLs. */
void
page_admin_case_post(struct req *r)
{
	case_action(r, kv_get_or_empty(&r->form, "action"));
}

/* GET /admin/cases/ID: the case page. */
void
page_admin_case(struct req *r)
{
	case_page(r, r->id[0], 200, NULL, NULL);
}
