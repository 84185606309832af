/* console_case.c: one dispute case's page (facts, edit form, legal deadlines, totals, linked reports, documents, stage change, history), which every handler of the case family answers with. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libpq-fe.h>

#include "app.h"
#include "arena.h"
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
#include "console.h"
#include "console_case.h"
#include "req.h"
#include "text.h"

/* Opens <select name="NAME" id="f-NAME">; `blank` adds an empty first choice. */
static void
select_begin(struct req *r, const char *name, bool blank)
{
	struct buf *b = r->out;
	html_lit(b, "<select name=\"");
	html_attr(b, name);
	html_lit(b, "\" id=\"f-");
	html_attr(b, name);
	html_lit(b, "\">");
	if (blank)
		html_lit(b, "<option value=\"\">—</option>");
}

/* A <select> of a vocabulary's values, `cur` selected; `blank` adds an empty first choice. */
static void
named_select(struct req *r, const char *name, const struct vocab *t, size_t n, const char *cur, bool blank)
{
	select_begin(r, name, blank);
	for (size_t i = 0; i < n; i++)
		console_option(r, t[i].value, L(r, t[i].vi, t[i].en), cur && strcmp(cur, t[i].value) == 0);
	html_lit(r->out, "</select>");
}

/* A <select> of case_assignees() or case_units() rows, `cur` selected. A
 * current value missing from the rows (an assignee the editor's scope
 * does not show) stays as the first choice under `cur_label`, so saving
 * other fields keeps it. */
static void
choice_select(struct req *r, const char *name, const PGresult *res, const char *cur, const char *cur_label, bool blank)
{
	select_begin(r, name, blank);   /* the blank choice is first, so selected when nothing else is */
	if (*cur && case_choice_row(res, cur) < 0)
		console_option(r, cur, cur_label, true);
	for (int i = 0; res && db_ok(res) && i < PQntuples(res); i++)
		console_option(r, PQgetvalue(res, i, CHOICE_ID), PQgetvalue(res, i, CHOICE_NAME),
		    strcmp(cur, PQgetvalue(res, i, CHOICE_ID)) == 0);
	html_lit(r->out, "</select>");
}

/* Opens a form field: <div class="field">, the label of control f-ID and
 * its error from `e` (may be NULL); the caller closes the div. */
static void
field_label(struct req *r, const char *ident, const char *vi, const char *en, const struct console_errs *e)
{
	console_field_begin(r, arena_printf(r->arena, "f-%s", ident), L(r, vi, en), NULL, console_err_of(e, ident));
}

/* A form posting to /admin/cases/ID/ACTION. */
static void
action_form_begin(struct req *r, const char *id, const char *action, const char *cls)
{
	html_form_begin(r, arena_printf(r->arena, "/admin/cases/%s/%s", id, action), cls);
}

/* A labelled date input NAME (control ID) holding `value`, `error` beside it. */
static void
date_field(struct req *r, const char *id, const char *name, const char *label, const char *value, const char *error)
{
	struct buf *b = r->out;
	console_field_begin(r, id, label, NULL, error);
	html_lit(b, "<input type=\"");
	html_text(b, fmt_date_input(value));
	html_lit(b, "\"");
	console_control_attrs(r, id, name, error);
	html_lit(b, " value=\"");
	html_attr(b, value);
	html_lit(b, "\"></div>");
}

/* An inline "LABEL <input inputmode=numeric name=NAME value=VALUE>" of a one-line form. */
static void
number_inline(struct req *r, const char *label, const char *name, const char *value)
{
	struct buf *b = r->out;
	console_wrap(r, "<label>", label, " <input inputmode=\"numeric\" name=\"");
	html_attr(b, name);
	html_lit(b, "\" value=\"");
	html_attr(b, value);
	html_lit(b, "\"></label> ");
}

/* The id of the date input for dispute_dates[d] ("f-known" for the discovery date, as before). */
static const char *
date_id(struct req *r, int d)
{
	return d == 0 ? "f-known" : arena_printf(r->arena, "f-%s", dispute_dates[d].value);
}

/* A labelled <select> of a vocabulary with its error beside it. */
static void
vocab_field(struct req *r, const char *name, const char *vi, const char *en, const char *hint, const struct vocab *t,
    size_t n, const char *cur, bool blank, const struct console_errs *e)
{
	console_field_begin(r, arena_printf(r->arena, "f-%s", name), L(r, vi, en), hint, console_err_of(e, name));
	named_select(r, name, t, n, cur, blank);
	html_lit(r->out, "</div>");
}

/* The fields a case is created with and edited by: title, kind, dispute
 * scope and type, subject, the union's part, money recovered and the
 * dates deadlines count from, each error beside its field. */
void
case_fields(struct req *r, const struct case_input *in, const struct console_errs *e)
{
	struct buf *b = r->out;
	console_field_begin(r, "f-title", L(r, "Tên vụ việc", "Title"), NULL, console_err_of(e, "title"));
	html_lit(b, "<input type=\"text\" id=\"f-title\" name=\"title\" maxlength=\"200\" required value=\"");
	html_attr(b, in->title);
	html_lit(b, "\"></div>");
	vocab_field(r, "kind", "Loại", "Kind", NULL, dispute_kinds, DISPUTE_NKINDS, in->kind, false, e);
	vocab_field(r, "scope", "Tranh chấp", "Dispute", NULL, dispute_scopes, DISPUTE_NSCOPES, in->scope, false, e);
	vocab_field(r, "dispute_type", "Tranh chấp tập thể về quyền hay về lợi ích", "Collective dispute over rights or interests",
	    L(r, "Chỉ với tranh chấp tập thể; tranh chấp cá nhân luôn là về quyền. Tranh chấp về lợi ích không có thời hiệu, không ra Tòa án.",
	    "Collective disputes only; an individual dispute is always over rights. Interest disputes have no limitation and no court route."),
	    dispute_types, DISPUTE_NTYPES, in->dispute_type, false, e);
	vocab_field(r, "subject", "Nội dung tranh chấp", "Subject", L(r, "Quyết định thời hạn nào áp dụng (ví dụ: sa thải, đơn phương chấm "
	    "dứt HĐLĐ và BHXH không bắt buộc hòa giải).", "Decides which deadlines apply (e.g. dismissal, termination and social "
	    "insurance need no mediation)."), dispute_subjects, DISPUTE_NSUBJECTS, in->subject, true, e);
	vocab_field(r, "member", "Người lao động là đoàn viên Công đoàn", "The worker is a union member", NULL, dispute_member,
	    DISPUTE_NMEMBER, in->member, false, e);
	vocab_field(r, "union_role", "Công đoàn tham gia với vai trò", "The union's role", NULL, dispute_union_roles, DISPUTE_NROLES,
	    in->union_role, true, e);
	console_field_begin(r, "f-recovered", L(r, "Số tiền đòi được cho người lao động (đồng)", "Money recovered for the workers (VND)"),
	    NULL, console_err_of(e, "recovered"));
	html_lit(b, "<input inputmode=\"numeric\" id=\"f-recovered\" name=\"recovered\" maxlength=\"15\" value=\"");
	html_attr(b, in->recovered);
	html_lit(b, "\"></div>");
	for (int d = 0; d < DISPUTE_NDATES; d++)
		date_field(r, date_id(r, d), dispute_dates[d].value, L(r, dispute_dates[d].vi, dispute_dates[d].en), in->dates[d],
		    console_err_of(e, dispute_dates[d].value));
}

void
case_input_posted(struct req *r, struct case_input *in)
{
	*in = (struct case_input){
		.title = console_posted(r, "title"), .kind = console_posted(r, "kind"), .scope = console_posted(r, "scope"),
		.dispute_type = console_posted(r, "dispute_type"), .subject = console_posted(r, "subject"),
		.member = console_posted(r, "member"), .union_role = console_posted(r, "union_role"),
		.recovered = console_posted(r, "recovered"),
	};
	for (int d = 0; d < DISPUTE_NDATES; d++)
		in->dates[d] = console_posted(r, dispute_dates[d].value);
}

/* Adds the error of a vocabulary field whose value is not in its table ("" allowed when `blank`). */
static void
vocab_check(struct req *r, const char *name, const struct vocab *t, size_t n, const char *v, bool blank,
    struct console_errs *e)
{
	if (!(blank && *v == '\0') && vocab_find(t, n, v) == NULL)
		console_err_add(e, name, L(r, "Giá trị không hợp lệ: hãy chọn trong danh sách.", "Unknown value: choose one from the list."));
}

bool
case_input_check(struct req *r, struct case_input *in, struct console_errs *e)
{
	size_t before = e->n;
	if (*in->title == '\0' || text_length(in->title) > 200)
		console_err_add(e, "title", L(r, "Cần tên vụ việc (tối đa 200 ký tự).", "A title is needed (200 characters at most)."));
	if (!*in->dispute_type)
		in->dispute_type = "rights";
	if (!*in->subject && vocab_find(dispute_kinds, DISPUTE_NKINDS, in->kind))
		in->subject = case_subject_from_kind(in->kind);
	if (!*in->member)
		in->member = "unknown";
	vocab_check(r, "kind", dispute_kinds, DISPUTE_NKINDS, in->kind, false, e);
	vocab_check(r, "scope", dispute_scopes, DISPUTE_NSCOPES, in->scope, false, e);
	vocab_check(r, "dispute_type", dispute_types, DISPUTE_NTYPES, in->dispute_type, false, e);
	if (strcmp(in->scope, "individual") == 0 && strcmp(in->dispute_type, "interest") == 0)
		console_err_add(e, "dispute_type", L(r, "Tranh chấp cá nhân luôn là tranh chấp về quyền (Bộ luật Lao động 2019, Điều 179).",
		    "An individual dispute is always over rights (Labour Code 2019, Art. 179)."));
	vocab_check(r, "subject", dispute_subjects, DISPUTE_NSUBJECTS, in->subject, false, e);
	vocab_check(r, "member", dispute_member, DISPUTE_NMEMBER, in->member, false, e);
	vocab_check(r, "union_role", dispute_union_roles, DISPUTE_NROLES, in->union_role, true, e);
	if (*in->recovered && !fmt_is_digits(in->recovered, 15))
		console_err_add(e, "recovered", L(r, "Số tiền là số nguyên không âm, tính bằng đồng, không dấu chấm.",
		    "The amount is a whole number of dong, zero or more, without separators."));
	for (int d = 0; d < DISPUTE_NDATES; d++)
		if (*in->dates[d] && !fmt_is_date(in->dates[d]))
			console_err_add(e, dispute_dates[d].value, L(r, "Ngày không có thật hoặc sai dạng (YYYY-MM-DD).",
			    "Not a real date, or not written YYYY-MM-DD."));
	return e->n == before;
}

/* What one rendering of the case page knows: the case, who looks, and
 * which form (if any) to refill with what was POSTed. */
struct view {
	const char *id;
	const struct case_row *k;
	bool can_act;      /* role officer or admin: notes and documents */
	bool can_change;   /* and the handling unit is theirs: the case row itself */
	const char *refill;   /* the action whose form gets r->form back, or NULL */
	const struct console_errs *errs;   /* the refilled form's errors beside their fields, or NULL */
};

/* The POSTed value of `name` when `action`'s form is refilled, else `otherwise`. */
static const char *
typed(const struct req *r, const struct view *v, const char *action, const char *name, const char *otherwise)
{
	return v->refill && strcmp(v->refill, action) == 0 ? kv_get_or_empty(&r->form, name) : otherwise;
}

/* The title, the dossier links and the facts of the case. */
static void
facts_section(struct req *r, const struct view *v)
{
	struct buf *b = r->out;
	const struct case_row *k = v->k;
	/* the dossier for a mediator, council or lawyer (page_admin_dossier.c) */
	console_wrap(r, "<p class=\"dossier-links\" id=\"dossier\">", L(r, "Hồ sơ vụ việc:", "Case dossier:"), " ");
	console_link(r, arena_printf(r->arena, "/admin/dossier/%s", v->id), "HTML");
	html_lit(b, " · ");
	console_link(r, arena_printf(r->arena, "/admin/dossier/%s.json", v->id), "JSON");
	html_lit(b, " · ");
	console_link(r, arena_printf(r->arena, "/admin/dossier/%s.xlsx", v->id), "XLSX");
	html_lit(b, "</p>");
	const struct { const char *vi, *en, *value, *ident; } meta[] = {
		{ "Nơi làm việc", "Workplace", k->workplace, "case-workplace" },
		{ "Đơn vị xử lý", "Handled by", k->unit_name, "case-unit" },
		{ "Loại", "Kind", vocab_label(dispute_kinds, DISPUTE_NKINDS, k->kind, r->lang), "case-kind" },
		{ "Tranh chấp", "Dispute", vocab_label(dispute_scopes, DISPUTE_NSCOPES, k->scope, r->lang), "case-scope" },
		{ "Giai đoạn", "Stage", vocab_label(dispute_stages, DISPUTE_NSTAGES, k->stage, r->lang), "case-stage" },
		{ "Từ ngày", "Since", k->stage_since, "case-stage-since" },
		{ "Kết quả", "Outcome", *k->outcome ? vocab_label(dispute_outcomes, DISPUTE_NOUTCOMES, k->outcome, r->lang) : "—",
		  "case-outcome" },
		{ "Tranh chấp tập thể", "Collective dispute", strcmp(k->scope, "collective") == 0 ?
		  vocab_label(dispute_types, DISPUTE_NTYPES, k->dispute_type, r->lang) : "—", "case-dispute-type" },
		{ "Nội dung tranh chấp", "Subject", *k->subject ? vocab_label(dispute_subjects, DISPUTE_NSUBJECTS, k->subject, r->lang) : "—",
		  "case-subject" },
		{ "Người lao động là đoàn viên", "Worker is a union member", vocab_label(dispute_member, DISPUTE_NMEMBER, k->member, r->lang),
		  "case-member" },
		{ "Công đoàn tham gia với vai trò", "The union's role",
		  *k->union_role ? vocab_label(dispute_union_roles, DISPUTE_NROLES, k->union_role, r->lang) : "—", "case-union-role" },
		{ "Số tiền đòi được", "Money recovered", *k->recovered ? fmt_money_digits(r->arena, k->recovered) : "—", "case-recovered" },
		{ "Phụ trách", "Assignee", k->assignee_name, "case-assignee" },
		{ "Tạo lúc", "Created", k->created, "case-created" },
	};
	html_lit(b, "<dl class=\"meta\">");
	for (size_t i = 0; i < sizeof(meta) / sizeof(meta[0]); i++) {
		console_wrap(r, "<dt>", L(r, meta[i].vi, meta[i].en), "</dt><dd id=\"");
		html_attr(b, meta[i].ident);
		console_wrap(r, "\">", meta[i].value, "</dd>");
	}
	for (int d = 0; d < DISPUTE_NDATES; d++) {   /* the dates deadlines count from, those known */
		if (!*k->dates[d])
			continue;
		console_wrap(r, "<dt>", L(r, dispute_dates[d].vi, dispute_dates[d].en), "</dt><dd id=\"case-");
		html_attr(b, dispute_dates[d].value);
		console_wrap(r, "\">", fmt_dmy(r->arena, k->dates[d]), "</dd>");
	}
	html_lit(b, "</dl>");
}

/* The edit form under the case's facts. A case handled by a unit above
 * the officer's cannot be changed by them (row-level security would
 * refuse the UPDATE), so they get a sentence instead. */
static void
edit_section(struct req *r, const struct view *v)
{
	struct buf *b = r->out;
	const struct case_row *k = v->k;
	bool refill = v->refill && strcmp(v->refill, "edit") == 0;
	if (refill)
		html_lit(b, "<details id=\"edit\" open><summary>");
	else
		html_lit(b, "<details id=\"edit\"><summary>");
	html_text(b, L(r, "Sửa thông tin vụ việc", "Edit the case"));
	html_lit(b, "</summary>");
	if (!k->handled_here) {
		html_lit(b, "<p>");
		html_text(b, L(r, "Vụ việc do đơn vị cấp trên xử lý: chỉ cán bộ của đơn vị đó sửa được thông tin.",
		    "A unit above yours handles this case: only its officers can edit it."));
		html_lit(b, "</p></details>");
		return;
	}
	action_form_begin(r, v->id, "edit", NULL);
	/* the version is always the row's: after a 409 the next save applies what was typed */
	html_lit(b, "<input type=\"hidden\" name=\"version\" value=\"");
	html_attr(b, k->version);
	html_lit(b, "\">");
	struct case_input in = {
		.title = k->title, .kind = k->kind, .scope = k->scope, .dispute_type = k->dispute_type, .subject = k->subject,
		.member = k->member, .union_role = k->union_role, .recovered = k->recovered,
	};
	memcpy(in.dates, k->dates, sizeof(in.dates));
	if (refill)
		case_input_posted(r, &in);
	case_fields(r, &in, refill ? v->errs : NULL);
	field_label(r, "assignee", "Phụ trách", "Assignee", refill ? v->errs : NULL);
	PGresult *opts = case_assignees(r->app->db, k->workplace_path);
	choice_select(r, "assignee", opts, typed(r, v, "edit", "assignee", k->assignee_id), k->assignee_name, true);
	PQclear(opts);
	html_lit(b, "</div>");
	field_label(r, "unit", "Đơn vị xử lý", "Handled by", refill ? v->errs : NULL);
	opts = case_units(r->app->db, k->workplace_path, r->officer->unit_path);
	choice_select(r, "unit", opts, typed(r, v, "edit", "unit", k->unit_id), k->unit_name, false);
	PQclear(opts);
	html_lit(b, "</div>");
	console_textarea(r, "f-reason", "reason", L(r, "Lý do sửa (không bắt buộc)", "Why (optional)"), typed(r, v, "edit", "reason", ""),
	    console_err_of(refill ? v->errs : NULL, "reason"), 2, 1000, false);
	console_submit(r, "btn primary", "Lưu thay đổi", "Save changes");
	html_lit(b, "</details>");
}

/* Deadlines: computed in SQL from legal_deadline rows, each with its source. */
static void
deadlines_section(struct req *r, const struct view *v)
{
	struct buf *b = r->out;
	enum { DL_VI, DL_EN, DL_DUE_YMD, DL_DUE, DL_SOURCE, DL_CURRENT, DL_CODE, DL_LEFT };
	static const struct console_label cols[] = {
		{ "Thời hạn", "Deadline" }, { "Ngày", "Date" }, { "Còn lại", "Time left" }, { "Căn cứ", "Legal source" },
	};
	console_heading(r, 2, NULL, "Thời hạn theo luật", "Legal deadlines");
	html_lit(b, "<table class=\"queue\" id=\"deadlines\">");
	console_thead(r, cols, sizeof(cols) / sizeof(cols[0]));
	PGresult *d = db_query(r->app->db,
	    "SELECT description_vi, description_en, coalesce(to_char(due_on, 'YYYY-MM-DD'), ''), "
	    "coalesce(to_char(due_on, 'DD/MM/YYYY'), ''), source, current, code, "
	    "coalesce((due_on - (now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date)::text, '') "
	    "FROM case_deadlines($1::bigint)", 1, &v->id);
	for (int i = 0; d && db_ok(d) && i < PQntuples(d); i++) {
		bool current = PQgetvalue(d, i, DL_CURRENT)[0] == 't';
		const char *due = PQgetvalue(d, i, DL_DUE);
		const struct kv data[] = { { "code", PQgetvalue(d, i, DL_CODE), 0 }, { "due", PQgetvalue(d, i, DL_DUE_YMD), 0 } };
		console_tr(r, current ? "urgent" : NULL, data, 2);
		html_lit(b, "<td>");
		html_text(b, L(r, PQgetvalue(d, i, DL_VI), PQgetvalue(d, i, DL_EN)));
		if (!current) {
			console_wrap(r, " <small>",
			    L(r, "(không áp dụng ở giai đoạn này)", "(not at this stage)"), "</small>");
		}
		html_lit(b, "</td>");
		console_td(r, *due ? due : L(r, "(thiếu ngày gốc)", "(date it counts from unknown)"));
		const char *left = PQgetvalue(d, i, DL_LEFT);
		if (left[0] == '-')
			html_lit(b, "<td class=\"overdue\" data-left=\"");
		else
			html_lit(b, "<td data-left=\"");
		html_attr(b, left);
		console_wrap(r, "\">", deadline_left_text(r, left), "</td>");
		console_td(r, PQgetvalue(d, i, DL_SOURCE));
		html_lit(b, "</tr>");
	}
	html_lit(b, "</tbody></table>");
	PQclear(d);
	deadline_calendar_notice(r, v->id, false, true);
}

/* Totals: computed from the linked reports, beside what an officer corrected. */
static void
totals_section(struct req *r, const struct view *v)
{
	struct buf *b = r->out;
	const struct case_row *k = v->k;
	const struct { const char *vi, *en, *name, *computed, *stored; bool money; } tot[] = {
		{ "Số người lao động bị ảnh hưởng", "Workers affected", "workers", k->computed_workers, k->workers, false },
		{ "Số tháng nợ", "Months owed", "months", k->computed_months, k->months, false },
		{ "Số tiền nợ", "Amount owed", "amount", k->computed_amount, k->amount, true },
	};
	console_heading(r, 2, NULL, "Số liệu", "Totals");
	html_lit(b, "<table class=\"queue\" id=\"totals\"><thead><tr><th></th>");
	console_th(r, "Tính từ phản ánh", "From the reports");
	console_th(r, "Cán bộ hiệu chỉnh", "Corrected by an officer");
	html_lit(b, "</tr></thead><tbody>");
	for (size_t i = 0; i < sizeof(tot) / sizeof(tot[0]); i++) {
		const char *cv = tot[i].computed, *sv = k->totals_corrected ? tot[i].stored : "";
		console_wrap(r, "<tr><th scope=\"row\">", L(r, tot[i].vi, tot[i].en), "</th><td id=\"computed-");
		html_attr(b, tot[i].name);
		html_lit(b, "\" data-value=\"");
		html_attr(b, cv);
		console_wrap(r, "\">", tot[i].money ? fmt_money_digits(r->arena, cv) : cv, "</td><td id=\"stored-");
		html_attr(b, tot[i].name);
		html_lit(b, "\" data-value=\"");
		html_attr(b, sv);
		console_wrap(r, "\">", *sv ? (tot[i].money ? fmt_money_digits(r->arena, sv) : sv) : "—", "</td></tr>");
	}
	html_lit(b, "</tbody></table>");
	if (!v->can_change)
		return;
	action_form_begin(r, v->id, "totals", "inline");
	for (size_t i = 0; i < sizeof(tot) / sizeof(tot[0]); i++)
		number_inline(r, L(r, tot[i].vi, tot[i].en), tot[i].name,
		    typed(r, v, "totals", tot[i].name, k->totals_corrected ? tot[i].stored : tot[i].computed));
	console_submit(r, "btn", "Lưu số liệu hiệu chỉnh", "Save corrected totals");
}

/* The reports linked to the case, and the form that links one more. */
static void
linked_section(struct req *r, const struct view *v)
{
	struct buf *b = r->out;
	enum { LINKED_ID, LINKED_FORM, LINKED_RECEIVED };
	const char *p[1] = { v->id };
	console_heading(r, 2, NULL, "Phản ánh liên quan", "Linked reports");
	PGresult *ls = db_query(r->app->db,
	    "SELECT s.id, s.form_id, to_char(s.received_at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'DD/MM/YYYY HH24:MI') "
	    "FROM case_submission cs JOIN submission s ON s.id = cs.submission_id "
	    "WHERE cs.case_id = $1::bigint ORDER BY s.received_at, s.id", 1, p);
	html_lit(b, "<ul id=\"linked\">");
	for (int i = 0; ls && db_ok(ls) && i < PQntuples(ls); i++) {
		const struct form *fm = form_find(r->app->forms, PQgetvalue(ls, i, LINKED_FORM));
		html_lit(b, "<li><a href=\"/admin/s/");
		html_url_arg(b, PQgetvalue(ls, i, LINKED_ID));
		console_wrap(r, "\">#", PQgetvalue(ls, i, LINKED_ID), "</a> ");
		html_text(b, fm ? form_label(fm->title, r->lang) : PQgetvalue(ls, i, LINKED_FORM));
		console_wrap(r, " · ", PQgetvalue(ls, i, LINKED_RECEIVED), "</li>");
	}
	html_lit(b, "</ul>");
	PQclear(ls);
	if (!v->can_change)
		return;
	action_form_begin(r, v->id, "link", "inline");
	number_inline(r, L(r, "Số phản ánh cùng nơi làm việc", "Report number from the same workplace"), "submission",
	    typed(r, v, "link", "submission", ""));
	console_submit(r, "btn", "Liên kết", "Link");
}

/* One row of the documents table: a download link while the bytes are
 * kept, the name and the day they went once the retention purge took them. */
static void
attachment_row(struct req *r, const PGresult *at, int i)
{
	struct buf *b = r->out;
	enum { AT_ID, AT_NAME, AT_MIME, AT_SIZE, AT_ADDED, AT_OFFICER, AT_SHA, AT_PURGED };
	const char *sha = PQgetvalue(at, i, AT_SHA), *purged = PQgetvalue(at, i, AT_PURGED);
	html_lit(b, "<tr data-attachment=\"");
	html_attr(b, PQgetvalue(at, i, AT_ID));
	if (*purged) {   /* the record stays, the bytes went with the retention period */
		console_wrap(r, "\" class=\"purged\"><td>", PQgetvalue(at, i, AT_NAME), " <small>");
		html_text(b, r->lang == LANG_EN ? arena_printf(r->arena, "(deleted on %s: retention period over)", purged) :
		    arena_printf(r->arena, "(đã xóa ngày %s khi hết thời hạn lưu giữ)", purged));
		html_lit(b, "</small></td><td>");
	} else {
		html_lit(b, "\"><td><a href=\"/admin/case-file/");
		html_url_arg(b, PQgetvalue(at, i, AT_ID));
		console_wrap(r, "\" download>", PQgetvalue(at, i, AT_NAME), "</a></td><td>");
	}
	html_text(b, PQgetvalue(at, i, AT_MIME));
	html_lit(b, "</td><td data-bytes=\"");
	html_attr(b, PQgetvalue(at, i, AT_SIZE));
	console_wrap(r, "\">", fmt_bytes(r->arena, PQgetvalue(at, i, AT_SIZE)), "</td><td>");
	html_text(b, PQgetvalue(at, i, AT_ADDED));
	console_wrap(r, "</td><td>", PQgetvalue(at, i, AT_OFFICER), "</td><td><code class=\"hash\" title=\"");
	html_attr(b, sha);
	html_lit(b, "\" data-sha256=\"");
	html_attr(b, sha);
	console_wrap(r, "\">", arena_printf(r->arena, "%.12s…", sha), "</code></td></tr>");
}

/* The case's documents with their SHA-256 (short here, whole in the
 * title and the dossier), and for officers the upload form, refilled
 * after a refused upload (action "attach"): the note and date typed stay. */
static void
attachments_section(struct req *r, const struct view *v)
{
	struct buf *b = r->out;
	const char *p[1] = { v->id };
	PGresult *at = db_query(r->app->db,
	    "SELECT a.id::text, a.filename, a.mime, a.size::text, to_char(a.created_at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'DD/MM/YYYY HH24:MI'), "
	    "coalesce(nullif(o.display_name, ''), o.username, ''), encode(a.sha256, 'hex'), "
	    "coalesce(to_char(a.purged_at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'DD/MM/YYYY'), '') "
	    "FROM case_attachment a LEFT JOIN officer o ON o.id = a.officer_id WHERE a.case_id = $1::bigint ORDER BY a.created_at, a.id", 1, p);
	console_heading(r, 2, NULL, "Tài liệu đính kèm", "Documents");
	if (at == NULL || !db_ok(at) || PQntuples(at) == 0) {
		console_wrap(r, "<p class=\"empty\" id=\"no-attachments\">",
		    L(r, "Chưa có tài liệu nào.", "No documents yet."), "</p>");
	} else {
		static const char *const cols[][2] = {
			{ "Tệp", "File" }, { "Loại", "Type" }, { "Dung lượng", "Size" }, { "Ngày", "Added" },
			{ "Cán bộ", "Officer" }, { "SHA-256", "SHA-256" },
		};
		html_lit(b, "<table class=\"queue\" id=\"attachments\"><thead><tr>");
		for (size_t i = 0; i < sizeof(cols) / sizeof(cols[0]); i++)
			console_th(r, cols[i][0], cols[i][1]);
		html_lit(b, "</tr></thead><tbody>");
		for (int i = 0; i < PQntuples(at); i++)
			attachment_row(r, at, i);
		html_lit(b, "</tbody></table>");
	}
	PQclear(at);
	if (!v->can_act)
		return;
	html_form_files_begin(r, arena_printf(r->arena, "/admin/case-files/%s", v->id), "attach");
	html_lit(b, "<div class=\"field\"><label for=\"f-file\">");
	html_text(b, L(r, "Tệp (PDF, JPEG, PNG hoặc WebP, tối đa 10 MiB)", "File (PDF, JPEG, PNG or WebP, 10 MiB at most)"));
	html_lit(b, "</label><input type=\"file\" id=\"f-file\" name=\"file\" required "
	    "accept=\"application/pdf,image/jpeg,image/png,image/webp,.pdf,.jpg,.jpeg,.png,.webp\"><p class=\"hint\">");
	html_text(b, L(r, "Ảnh được xóa siêu dữ liệu (vị trí GPS, máy chụp) trước khi lưu; PDF được giữ nguyên từng byte làm chứng cứ.",
	    "Images lose their metadata (GPS position, camera) before they are stored; PDFs are kept byte for byte as evidence."));
	html_lit(b, "</p></div>");
	date_field(r, "f-attach-date", "on_date", L(r, "Ngày ghi vào diễn biến (để trống: hôm nay)", "Date in the history (empty: today)"),
	    typed(r, v, "attach", "on_date", ""), NULL);
	console_textarea(r, "f-attach-note", "note", L(r, "Ghi chú về tài liệu", "Note on the document"), typed(r, v, "attach", "note", ""),
	    NULL, 2, 4000, false);
	console_submit(r, "btn", "Tải lên", "Upload");
}

/* Stage change with its date and a note; closing needs an outcome. */
static void
stage_section(struct req *r, const struct view *v)
{
	if (!v->can_change)
		return;
	const struct console_errs *e = v->refill && strcmp(v->refill, "stage") == 0 ? v->errs : NULL;
	console_heading(r, 2, NULL, "Chuyển giai đoạn", "Change the stage");
	action_form_begin(r, v->id, "stage", NULL);
	vocab_field(r, "stage", "Giai đoạn mới", "New stage", NULL, dispute_stages, DISPUTE_NSTAGES,
	    typed(r, v, "stage", "stage", v->k->stage), false, e);
	date_field(r, "f-on_date", "on_date", L(r, "Ngày chuyển (để trống: hôm nay)", "Date of the change (empty: today)"),
	    typed(r, v, "stage", "on_date", ""), console_err_of(e, "on_date"));
	vocab_field(r, "outcome", "Kết quả (bắt buộc khi kết thúc)", "Outcome (required to close)", NULL, dispute_outcomes,
	    DISPUTE_NOUTCOMES, typed(r, v, "stage", "outcome", ""), true, e);
	console_textarea(r, "f-stage-note", "note", L(r, "Ghi chú", "Note"), typed(r, v, "stage", "note", ""),
	    console_err_of(e, "note"), 2, 4000, false);
	console_submit(r, "btn primary", "Chuyển giai đoạn", "Change the stage");
}

enum event_col { EV_KIND, EV_FROM, EV_TO, EV_NOTE, EV_ON, EV_AT, EV_OFFICER, EV_ATTACHMENT, EV_FILENAME, EV_PURGED };

/* The words that open an event of `kind` in the history (a stage change's
 * from → to, a document's link); the note follows. */
static void
event_lead(struct req *r, const PGresult *ev, int i)
{
	struct buf *b = r->out;
	const char *kind = PQgetvalue(ev, i, EV_KIND);
	bool noted = *PQgetvalue(ev, i, EV_NOTE) != '\0';
	if (strcmp(kind, "stage") == 0) {
		html_text(b, vocab_label(dispute_stages, DISPUTE_NSTAGES, PQgetvalue(ev, i, EV_FROM), r->lang));
		html_lit(b, " → ");
		html_text(b, vocab_label(dispute_stages, DISPUTE_NSTAGES, PQgetvalue(ev, i, EV_TO), r->lang));
		if (noted)
			html_lit(b, ": ");
	} else if (strcmp(kind, "created") == 0) {
		html_text(b, L(r, noted ? "Tạo vụ việc từ phản ánh " : "Tạo vụ việc", noted ? "Created from report " : "Created"));
	} else if (strcmp(kind, "totals") == 0) {
		html_text(b, L(r, "Hiệu chỉnh số liệu: ", "Totals corrected: "));
	} else if (strcmp(kind, "link") == 0) {
		html_text(b, L(r, "Liên kết phản ánh: ", "Report linked: "));
	} else if (strcmp(kind, "edit") == 0) {
		html_text(b, L(r, "Sửa thông tin: ", "Edited: "));
	} else if (strcmp(kind, "attachment") == 0 && *PQgetvalue(ev, i, EV_ATTACHMENT)) {
		html_text(b, L(r, "Thêm tệp: ", "File added: "));
		if (PQgetvalue(ev, i, EV_PURGED)[0] == 't') {   /* deleted by the retention purge: the name only */
			html_text(b, PQgetvalue(ev, i, EV_FILENAME));
		} else {
			html_lit(b, "<a href=\"/admin/case-file/");
			html_url_arg(b, PQgetvalue(ev, i, EV_ATTACHMENT));
			console_wrap(r, "\">", PQgetvalue(ev, i, EV_FILENAME), "</a>");
		}
		if (noted)
			html_lit(b, ": ");
	}
}

/* The history, and the form that adds a note to it. */
static void
history_section(struct req *r, const struct view *v)
{
	struct buf *b = r->out;
	const char *p[1] = { v->id };
	console_heading(r, 2, NULL, "Diễn biến", "History");
	PGresult *ev = db_query(r->app->db,
	    "SELECT e.kind, coalesce(e.from_stage, ''), coalesce(e.to_stage, ''), e.note, to_char(e.on_date, 'DD/MM/YYYY'), "
	    "to_char(e.at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'DD/MM/YYYY HH24:MI'), coalesce(nullif(o.display_name, ''), o.username, ''), "
	    "coalesce(e.attachment_id::text, ''), coalesce(a.filename, ''), a.purged_at IS NOT NULL "
	    "FROM case_event e LEFT JOIN officer o ON o.id = e.officer_id LEFT JOIN case_attachment a ON a.id = e.attachment_id "
	    "WHERE e.case_id = $1::bigint ORDER BY e.at, e.id", 1, p);
	html_lit(b, "<ol class=\"thread\" id=\"events\">");
	for (int i = 0; ev && db_ok(ev) && i < PQntuples(ev); i++) {
		html_lit(b, "<li data-kind=\"");
		html_attr(b, PQgetvalue(ev, i, EV_KIND));
		console_wrap(r, "\"><p class=\"who\">", PQgetvalue(ev, i, EV_ON), " · ");
		html_text(b, PQgetvalue(ev, i, EV_OFFICER));
		console_wrap(r, " · ", PQgetvalue(ev, i, EV_AT), "</p><p class=\"body\">");
		event_lead(r, ev, i);
		const char *note = PQgetvalue(ev, i, EV_NOTE);
		if (strcmp(PQgetvalue(ev, i, EV_KIND), "created") == 0 && strncmp(note, "report #", 8) == 0)
			note += 7;   /* rows written before the lead said "from report": "#6" only */
		html_text(b, note);
		html_lit(b, "</p></li>");
	}
	html_lit(b, "</ol>");
	PQclear(ev);
	if (!v->can_act)
		return;
	action_form_begin(r, v->id, "note", NULL);
	console_textarea(r, "f-note", "note", L(r, "Thêm ghi chú", "Add a note"), typed(r, v, "note", "note", ""), NULL, 3, 4000, true);
	console_submit(r, "btn", "Lưu ghi chú", "Save note");
}

/* The case page with `status`, `problem` above it when not NULL, and the
 * form of `action` (when not NULL) refilled from r->form so nothing typed
 * is lost. 404 when the officer's scope does not hold the case, 503 when
 * the database is away. */
void
case_page(struct req *r, const char *id, int status, const char *problem, const char *action)
{
	case_page_errors(r, id, status, problem, action, NULL);
}

/* case_page() with the refilled form's errors beside their fields. */
void
case_page_errors(struct req *r, const char *id, int status, const char *problem, const char *action,
    const struct console_errs *errs)
{
	struct buf *b = r->out;
	struct case_row k;
	if (!console_found(r, case_load(r->arena, r->app->db, id, r->officer->unit_path, &k)))
		return;
	bool can_act = r->officer->role >= ROLE_OFFICER;
	/* stage, totals, links and edits write the case row, which row-level
	 * security lets only the handling unit's subtree write (sql/009);
	 * notes and documents are open to every officer who sees the case */
	struct view v = { .id = id, .k = &k, .can_act = can_act, .can_change = can_act && k.handled_here, .refill = action,
		.errs = errs };
	const char *title = arena_printf(r->arena, "#%s %s", id, k.title);
	buf_reset(b);
	r->status = status;
	console_begin(r, title);
	console_back(r, "/admin/cases", "← Vụ việc", "← Cases");
	console_wrap(r, "<h1 id=\"case-title\">", title, "</h1>");
	console_alert(r, problem);
	facts_section(r, &v);
	if (can_act)
		edit_section(r, &v);
	deadlines_section(r, &v);
	totals_section(r, &v);
	linked_section(r, &v);
	attachments_section(r, &v);
	stage_section(r, &v);
	history_section(r, &v);
	console_end(r);
}

int
case_report_links(struct req *r, const char *submission_id, const char *list_id, const char *cls, const char *lead)
{
	enum { CR_ID, CR_TITLE, CR_STAGE };
	const char *p[2] = { submission_id, r->officer->unit_path };
	PGresult *res = db_query(r->app->db, "SELECT c.id, c.title, c.stage FROM case_submission cs "
	    "JOIN dispute_case c ON c.id = cs.case_id JOIN org_unit u ON u.id = c.unit_id "
	    "WHERE cs.submission_id = $1::bigint AND u.path LIKE $2 || '%' ORDER BY c.id", 2, p);
	if ((res = console_rows(res, "report's cases")) == NULL)
		return -1;
	int n = PQntuples(res);
	struct buf *b = r->out;
	if (n > 0) {
		html_lit(b, "<p class=\"");
		html_attr(b, cls);
		console_wrap(r, "\">", lead, "</p><ul class=\"plain\" id=\"");
		html_attr(b, list_id);
		html_lit(b, "\">");
	}
	for (int i = 0; i < n; i++) {
		html_lit(b, "<li>");
		console_link(r, arena_printf(r->arena, "/admin/cases/%s", PQgetvalue(res, i, CR_ID)),
		    arena_printf(r->arena, "#%s %s", PQgetvalue(res, i, CR_ID), PQgetvalue(res, i, CR_TITLE)));
		console_wrap(r, " · ", vocab_label(dispute_stages, DISPUTE_NSTAGES, PQgetvalue(res, i, CR_STAGE), r->lang), "</li>");
	}
	if (n > 0)
		html_lit(b, "</ul>");
	PQclear(res);
	return n;
}
