/* page_admin_round.c: /admin/rounds/ID: one dialogue or bargaining round: its day, participants by role, minutes (and their PDF), the frozen brief, the employer's commitments (add, mark done or broken with evidence), the reports it took up; and the PDFs' downloads. */
#include <string.h>
#include <libpq-fe.h>

#include "app.h"
#include "arena.h"
#include "auth.h"
#include "buf.h"
#include "console.h"
#include "db.h"
#include "document.h"
#include "fmt.h"
#include "form.h"
#include "html.h"
#include "http.h"
#include "i18n.h"
#include "multipart.h"
#include "page_admin.h"
#include "req.h"
#include "round.h"

static const struct console_notice notices[] = {
	{ "added", "Đã ghi phiên.", "The round was recorded." },
	{ "saved", "Đã lưu phiên.", "The round was saved." },
	{ "commitment", "Đã ghi cam kết.", "The commitment was recorded." },
	{ "settled", "Đã ghi kết quả cam kết.", "The commitment's outcome was recorded." },
	{ "linked", "Đã cập nhật các phản ánh của phiên.", "The round's reports were updated." },
};

/* One round as its page shows it. */
struct round_view {
	const char *id, *workplace_id, *code, *name, *kind, *planned, *held, *reps[3], *minutes, *brief_from, *brief_to, *brief_k,
	    *brief_text, *brief_made, *filename, *officer, *floor;
};

/* The round `id` when its workplace is in the officer's scope (arena). */
static enum found
round_load(struct req *r, const char *id, struct round_view *v)
{
	enum { RV_ID, RV_WID, RV_CODE, RV_NAME, RV_KIND, RV_PLANNED, RV_HELD, RV_EMP, RV_UNI, RV_WRK, RV_MINUTES, RV_BFROM, RV_BTO,
		RV_BK, RV_BTEXT, RV_BMADE, RV_FILE, RV_OFFICER, RV_FLOOR };
	const char *p[2] = { id, r->officer->unit_path };
	PGresult *res = db_query(r->app->db, "SELECT x.id, w.id, w.code, w.name, x.kind, coalesce(x.planned_on::text, ''), "
	    "coalesce(x.held_on::text, ''), x.employer_reps::text, x.union_reps::text, x.worker_reps::text, x.minutes, "
	    "coalesce(x.brief_from::text, ''), coalesce(x.brief_to::text, ''), coalesce(x.brief_k::text, ''), coalesce(x.brief_text, ''), "
	    "coalesce(to_char(x.brief_made_at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'DD/MM/YYYY HH24:MI'), ''), coalesce(x.filename, ''), "
	    "coalesce(o.username, ''), coalesce((SELECT min(least(c.due_on, c.done_on))::text FROM round_commitment c "
	    "WHERE c.round_id = x.id), '') FROM workplace_round x JOIN workplace w ON w.id = x.workplace_id "
	    "JOIN org_unit u ON u.id = w.unit_id LEFT JOIN officer o ON o.id = x.officer_id "
	    "WHERE x.id = $1::bigint AND u.path LIKE $2 || '%'", 2, p);
	enum found f = db_one(res);   /* clears res unless FOUND */
	if (f == FOUND) {
		const char **out[] = { &v->id, &v->workplace_id, &v->code, &v->name, &v->kind, &v->planned, &v->held, &v->reps[0],
			&v->reps[1], &v->reps[2], &v->minutes, &v->brief_from, &v->brief_to, &v->brief_k, &v->brief_text, &v->brief_made,
			&v->filename, &v->officer, &v->floor };
		for (int c = RV_ID; c <= RV_FLOOR; c++)
			*out[c] = arena_strdup(r->arena, PQgetvalue(res, 0, c));
		PQclear(res);
	}
	return f;
}

/* A refused post: which form (and, for a commitment's outcome, which
 * commitment), what was typed, each field's error, the problem above. */
struct refusal {
	const char *form, *target;
	const struct kvlist *v;
	const struct console_errs *e;
	const char *problem;
};

/* The typed values and errors for form `form` (and `target`), when the
 * refusal is about it; NULL otherwise, so other forms show fresh. */
static const struct kvlist *
typed_for(const struct refusal *f, const char *form, const char *target, const struct console_errs **e)
{
	bool mine = f && strcmp(f->form, form) == 0 && (target == NULL || (f->target && strcmp(f->target, target) == 0));
	*e = mine ? f->e : NULL;
	return mine ? f->v : NULL;
}

/* A labelled file input "ID" (name file) for a PDF, its error beside it. */
static void
pdf_field(struct req *r, const char *id, const char *label, const char *error)
{
	console_field_begin(r, id, label, NULL, error);
	html_lit(r->out, "<input type=\"file\" name=\"file\" accept=\"application/pdf,.pdf\" id=\"");
	html_attr(r->out, id);
	html_lit(r->out, "\"");
	console_field_invalid(r, id, error);
	html_lit(r->out, "></div>");
}

/* The round's own form: kind, days, participants by role, minutes, PDF. */
static void
details_form(struct req *r, const struct round_view *rv, const struct refusal *f)
{
	const struct console_errs *e;
	const struct kvlist *v = typed_for(f, "round", NULL, &e);
	const struct kv stored[] = { { .key = "kind", .val = rv->kind }, { .key = "planned", .val = rv->planned },
		{ .key = "held", .val = rv->held }, { .key = "employer_reps", .val = rv->reps[0] },
		{ .key = "union_reps", .val = rv->reps[1] }, { .key = "worker_reps", .val = rv->reps[2] },
		{ .key = "minutes", .val = rv->minutes } };
	const struct kvlist cur = { (struct kv *)stored, sizeof(stored) / sizeof(stored[0]) };
	if (v == NULL)   /* a fresh form holds the stored values */
		v = &cur;
	console_heading(r, 2, "details", "Ngày, thành phần tham dự và biên bản", "Day, participants and minutes");
	console_hint(r, L(r, "Thành phần chỉ ghi số người theo vai trò, không ghi tên người lao động.",
	    "Participants as how many per role: no worker names."));
	html_form_files_begin(r, arena_printf(r->arena, "/admin/rounds/%s", rv->id), "round-edit");
	round_form_fields(r, v, e);
	console_input(r, "round", "employer_reps", L(r, "Đại diện người sử dụng lao động (số người)", "Employer representatives (how many)"),
	    NULL, kv_get_or_empty(v, "employer_reps"), e, 4, false);
	console_input(r, "round", "union_reps", L(r, "Đại diện công đoàn (số người)", "Union representatives (how many)"), NULL,
	    kv_get_or_empty(v, "union_reps"), e, 4, false);
	console_input(r, "round", "worker_reps", L(r, "Đại diện người lao động (số người)", "Worker representatives (how many)"), NULL,
	    kv_get_or_empty(v, "worker_reps"), e, 4, false);
	console_textarea(r, "f-round-minutes", "minutes", L(r, "Biên bản (nội dung chính)", "Minutes (the main points)"),
	    kv_get_or_empty(v, "minutes"), console_err_of(e, "minutes"), 8, ROUND_MINUTES_MAX, false);
	pdf_field(r, "f-round-file", L(r, "Biên bản có chữ ký (PDF, tối đa 10 MiB)", "The signed minutes (PDF, 10 MiB at most)"),
	    console_err_of(e, "file"));
	console_submit(r, "btn primary", "Lưu", "Save");
}

/* One commitment's outcome form (pending ones; officers). */
static void
settle_form(struct req *r, const char *cid, const struct refusal *f)
{
	const struct console_errs *e;
	const struct kvlist *v = typed_for(f, "settle", cid, &e);
	const char *form = arena_printf(r->arena, "settle%s", cid);
	html_form_files_begin(r, arena_printf(r->arena, "/admin/commitments/%s", cid), "settle");
	static const char *const values[2] = { "done", "broken" };
	const char *labels[2] = { L(r, commitment_statuses[1].vi, commitment_statuses[1].en),
		L(r, commitment_statuses[2].vi, commitment_statuses[2].en) };
	console_choice(r, form, "status", L(r, "Kết quả", "Outcome"), v ? kv_get_or_empty(v, "status") : "", e, 2, values, labels);
	console_input(r, form, "on", L(r, "Vào ngày (YYYY-MM-DD)", "On (YYYY-MM-DD)"), NULL, v ? kv_get_or_empty(v, "on") : "", e, 10, true);
	console_textarea(r, arena_printf(r->arena, "f-%s-evidence", form), "evidence", L(r, "Bằng chứng", "Evidence"),
	    v ? kv_get_or_empty(v, "evidence") : "", console_err_of(e, "evidence"), 3, COMMITMENT_EVIDENCE_MAX, false);
	pdf_field(r, arena_printf(r->arena, "f-%s-file", form), L(r, "Bằng chứng (PDF)", "Evidence (PDF)"), console_err_of(e, "file"));
	console_submit(r, "btn", "Ghi kết quả", "Record the outcome");
}

/* One row of the commitments' table (an overdue one marked), its
 * evidence linked when a PDF came with it. */
enum { CM_ID, CM_TEXT, CM_OWNER, CM_DUE, CM_STATUS, CM_DONE, CM_EVIDENCE, CM_FILE, CM_OVERDUE };
static void
commitment_row(struct req *r, PGresult *res, int i)
{
	bool overdue = strcmp(PQgetvalue(res, i, CM_OVERDUE), "true") == 0;
	const struct kv data[2] = { { .key = "id", .val = PQgetvalue(res, i, CM_ID) },
		{ .key = "status", .val = PQgetvalue(res, i, CM_STATUS) } };
	console_tr(r, overdue ? "overdue" : NULL, data, 2);
	console_td(r, PQgetvalue(res, i, CM_TEXT));
	console_td(r, PQgetvalue(res, i, CM_OWNER));
	console_td(r, fmt_dmy(r->arena, PQgetvalue(res, i, CM_DUE)));
	console_td(r, overdue ? L(r, "Quá hạn", "Overdue") :
	    vocab_label(commitment_statuses, COMMITMENT_NSTATUSES, PQgetvalue(res, i, CM_STATUS), r->lang));
	console_td(r, *PQgetvalue(res, i, CM_DONE) ? fmt_dmy(r->arena, PQgetvalue(res, i, CM_DONE)) : "—");
	if (*PQgetvalue(res, i, CM_FILE))
		console_td_link(r, arena_printf(r->arena, "/admin/commitment-file/%s", PQgetvalue(res, i, CM_ID)),
		    *PQgetvalue(res, i, CM_EVIDENCE) ? PQgetvalue(res, i, CM_EVIDENCE) : PQgetvalue(res, i, CM_FILE));
	else
		console_td(r, *PQgetvalue(res, i, CM_EVIDENCE) ? PQgetvalue(res, i, CM_EVIDENCE) : "—");
	html_lit(r->out, "</tr>");
}

/* The commitments' table, each pending one's outcome form, the add form. */
static bool
commitments_part(struct req *r, const struct round_view *rv, const struct refusal *f)
{
	const char *p[1] = { rv->id };
	PGresult *res = console_rows(db_query(r->app->db, "SELECT id, text, owner, due_on::text, status, coalesce(done_on::text, ''), "
	    "evidence, coalesce(filename, ''), (status = 'pending' AND due_on < (now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date)::text "
	    "FROM round_commitment WHERE round_id = $1::bigint ORDER BY due_on, id", 1, p), "round commitments");
	if (res == NULL)
		return false;
	console_section_id(r, "commitments", "Cam kết của người sử dụng lao động", "The employer's commitments");
	static const struct console_label heads[] = {
		{ "Nội dung", "What was agreed" }, { "Người thực hiện", "Owner" }, { "Hạn", "Due" }, { "Trạng thái", "Status" },
		{ "Ngày", "On" }, { "Bằng chứng", "Evidence" },
	};
	console_table_each(r, res, "<table class=\"queue\" id=\"commitment-list\">", heads, sizeof(heads) / sizeof(heads[0]),
	    "Chưa ghi cam kết nào.", "No commitment is recorded.", commitment_row);
	int n = PQntuples(res);
	for (int i = 0; r->officer->role >= ROLE_OFFICER && i < n; i++) {
		if (strcmp(PQgetvalue(res, i, CM_STATUS), "pending") != 0)
			continue;
		const char *cid = PQgetvalue(res, i, CM_ID);
		console_heading(r, 3, arena_printf(r->arena, "settle-%s", cid), "Ghi kết quả cam kết", "Record the outcome of");
		console_para(r, PQgetvalue(res, i, CM_TEXT));
		settle_form(r, cid, f);
	}
	PQclear(res);
	if (r->officer->role >= ROLE_OFFICER) {
		const struct console_errs *e;
		const struct kvlist *v = typed_for(f, "commitment", NULL, &e);
		console_heading(r, 3, "commitment-new", "Ghi một cam kết", "Record a commitment");
		console_alert(r, console_err_of(e, "round"));
		html_form_begin(r, arena_printf(r->arena, "/admin/rounds/%s/commitments", rv->id), "commitment-new");
		console_textarea(r, "f-commitment-text", "text", L(r, "Người sử dụng lao động đồng ý", "The employer agreed to"),
		    v ? kv_get_or_empty(v, "text") : "", console_err_of(e, "text"), 3, COMMITMENT_TEXT_MAX, true);
		console_input(r, "commitment", "due", L(r, "Hạn thực hiện (YYYY-MM-DD)", "Due (YYYY-MM-DD)"),
		    L(r, "Không trước ngày tổ chức phiên.", "Not before the round was held."), v ? kv_get_or_empty(v, "due") : "", e, 10, true);
		console_input(r, "commitment", "owner", L(r, "Người thực hiện", "Owner"), L(r, "Phía người sử dụng lao động, công đoàn "
		    "hay một phòng ban: không ghi tên người lao động.", "The employer side, the union or a department: no worker names."),
		    v ? kv_get_or_empty(v, "owner") : L(r, "Người sử dụng lao động", "Employer"), e, COMMITMENT_OWNER_MAX, true);
		console_submit(r, "btn primary", "Ghi cam kết", "Record the commitment");
	}
	html_lit(r->out, "</section>");
	return true;
}

/* The reports the round took up, and (officers) linking more. */
static bool
reports_part(struct req *r, const struct round_view *rv, const struct refusal *f)
{
	enum { RS_ID, RS_FORM, RS_DAY };
	const char *p[1] = { rv->id };
	PGresult *res = console_rows(db_query(r->app->db, "SELECT s.id, s.form_id, "
	    "to_char(s.received_at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'DD/MM/YYYY') FROM round_submission x "
	    "JOIN submission s ON s.id = x.submission_id WHERE x.round_id = $1::bigint ORDER BY s.received_at, s.id LIMIT 1000", 1, p),
	    "round reports");
	if (res == NULL)
		return false;
	console_section_id(r, "reports", "Phản ánh được đưa ra phiên này", "Reports this round took up");
	console_hint(r, L(r, "Người lao động giữ mã biên nhận sẽ thấy phản ánh của mình đã được đưa ra đối thoại.",
	    "A worker holding the receipt sees that their report was taken up."));
	html_lit(r->out, "<ul id=\"round-reports\">");
	for (int i = 0; i < PQntuples(res); i++) {
		const char *sid = PQgetvalue(res, i, RS_ID);
		const struct form *fm = form_find(r->app->forms, PQgetvalue(res, i, RS_FORM));   /* its title, as in the queue */
		const struct kv data[1] = { { .key = "data-report", .val = sid } };
		html_lit(r->out, "<li");
		html_attrs(r->out, data, 1);
		html_lit(r->out, ">");
		console_link(r, arena_printf(r->arena, "/admin/s/%s", sid), arena_printf(r->arena, "#%s · %s · %s", sid,
		    fm ? form_label(fm->title, r->lang) : PQgetvalue(res, i, RS_FORM), PQgetvalue(res, i, RS_DAY)));
		if (r->officer->role >= ROLE_OFFICER) {
			console_action_open(r, arena_printf(r->arena, "/admin/rounds/%s/reports", rv->id), "inline", "remove", "report", sid);
			console_submit(r, "link", "Bỏ", "Remove");
		}
		html_lit(r->out, "</li>");
	}
	html_lit(r->out, "</ul>");
	if (PQntuples(res) == 0)
		console_empty(r, "Chưa có phản ánh nào.", "No report yet.");
	PQclear(res);
	if (r->officer->role >= ROLE_OFFICER) {
		const struct console_errs *e;
		const struct kvlist *v = typed_for(f, "report", NULL, &e);
		const char *path = arena_printf(r->arena, "/admin/rounds/%s/reports", rv->id);
		if (*rv->brief_text) {
			console_action_open(r, path, "link-brief", "brief", NULL, NULL);
			console_submit(r, "btn", "Thêm các phản ánh trong kỳ của bản tóm tắt", "Add the reports of the brief's period");
		}
		console_action_open(r, path, "link-one", "add", NULL, NULL);
		console_input(r, "report", "report", L(r, "Số phản ánh", "Report number"), NULL, v ? kv_get_or_empty(v, "report") : "", e,
		    18, true);
		console_submit(r, "btn", "Thêm phản ánh", "Add the report");
	}
	html_lit(r->out, "</section>");
	return true;
}

/* GET /admin/rounds/ID (and a refused post's page, 400): the round. */
static void
round_page(struct req *r, const char *id, const struct refusal *f)
{
	struct round_view rv;
	if (!console_found(r, round_load(r, id, &rv)))
		return;
	const char *kind = vocab_label(round_kinds, ROUND_NKINDS, rv.kind, r->lang);
	console_restart(r, f ? 400 : 200, kind);
	console_wrap(r, "<h1>", arena_printf(r->arena, "%s — %s", kind, rv.name), "</h1>");
	console_back(r, arena_printf(r->arena, "/admin/rounds?workplace=%s", rv.workplace_id), "Các phiên của nơi làm việc",
	    "The workplace's rounds");
	console_notice(r, notices, sizeof(notices) / sizeof(notices[0]));
	console_alert(r, f ? f->problem : NULL);
	html_lit(r->out, "<dl class=\"meta\" id=\"round-facts\">");
	console_meta(r, "Nơi làm việc", "Workplace", rv.name);
	console_meta(r, "Ngày dự kiến", "Planned for", *rv.planned ? fmt_dmy(r->arena, rv.planned) : "—");
	console_meta(r, "Ngày tổ chức", "Held on", *rv.held ? fmt_dmy(r->arena, rv.held) : L(r, "chưa tổ chức", "not held yet"));
	console_meta(r, "Thành phần", "Participants", arena_printf(r->arena, L(r, "%s đại diện NSDLĐ, %s đại diện công đoàn, %s đại diện NLĐ",
	    "%s employer, %s union, %s worker representatives"), rv.reps[0], rv.reps[1], rv.reps[2]));
	if (*rv.filename)
		console_meta_link(r, "Biên bản (PDF)", "Minutes (PDF)", arena_printf(r->arena, "/admin/round-file/%s", rv.id), rv.filename);
	console_meta(r, "Người ghi", "Recorded by", *rv.officer ? rv.officer : "tiengnoi-admin");
	html_lit(r->out, "</dl>");
	if (*rv.minutes) {
		console_heading(r, 2, "minutes", "Biên bản", "Minutes");
		console_wrap(r, "<pre class=\"pre minutes\">", rv.minutes, "</pre>");
	}
	console_section_id(r, "brief", "Bản tóm tắt đã dùng (giữ nguyên)", "The brief it used (frozen)");
	if (*rv.brief_text) {
		console_para(r, arena_printf(r->arena, L(r, "Kỳ %s – %s, k = %s, lập lúc %s.", "Period %s – %s, k = %s, made %s."),
		    fmt_dmy(r->arena, rv.brief_from), fmt_dmy(r->arena, rv.brief_to), rv.brief_k, rv.brief_made));
		console_wrap(r, "<pre class=\"pre brief-frozen\" id=\"brief-frozen\">", rv.brief_text, "</pre>");
	} else {
		console_empty(r, "Phiên này không bắt đầu từ một bản tóm tắt.", "This round was not started from a brief.");
	}
	html_lit(r->out, "</section>");
	campaign_round_results(r, rv.id);
	if (!commitments_part(r, &rv, f) || !reports_part(r, &rv, f)) {
		http_error(r, 503, MSG__MAX);
		return;
	}
	if (r->officer->role >= ROLE_OFFICER)
		details_form(r, &rv, f);
	console_end(r);
}

void
page_admin_round(struct req *r)
{
	round_page(r, r->id[0], NULL);
}

/* The PDF posted as "file", into `pdf` (nothing when none was chosen). */
static void
posted_pdf(struct req *r, struct round_pdf *pdf)
{
	const struct mp_part *f = multipart_get(r->files, "file");
	if (f && f->filename && (*f->filename || f->len > 0)) {
		pdf->data = (const unsigned char *)(f->len ? f->data : "");
		pdf->len = f->len;
		pdf->filename = document_filename(r->arena, f->filename, "application/pdf");
	}
}

/* Adds each of msgs[0..n) to `e` under names[i]. */
static void
errs_from(struct console_errs *e, const char *const *names, const char **msgs, int n)
{
	for (int i = 0; i < n; i++)
		if (msgs[i])
			console_err_add(e, names[i], msgs[i]);
}

#define NOT_SAVED L(r, "Chưa lưu: hãy sửa các mục được đánh dấu.", "Not saved: fix the marked fields.")

/* POST /admin/rounds/ID (officers, multipart): the round's kind, days,
 * participants, minutes and their PDF, checked (round.c; the day held
 * not after its commitments'); a refusal is the page again, 400, the
 * values kept and nothing stored. Audited. */
void
page_admin_round_edit(struct req *r)
{
	struct round_view rv;
	if (!console_found(r, round_load(r, r->id[0], &rv)))
		return;
	struct round_in in = { kv_get_or_empty(&r->form, "kind"), kv_get_or_empty(&r->form, "planned"), kv_get_or_empty(&r->form, "held"),
	    kv_get_or_empty(&r->form, "employer_reps"), kv_get_or_empty(&r->form, "union_reps"),
	    kv_get_or_empty(&r->form, "worker_reps"), kv_get_or_empty(&r->form, "minutes"), { 0 } };
	posted_pdf(r, &in.pdf);
	const char *msgs[RF__MAX];
	struct console_errs e = { 0 };
	if (round_check(r->arena, &in, rv.floor, r->lang, msgs) > 0) {
		errs_from(&e, round_field_names, msgs, RF__MAX);
		const struct refusal f = { "round", NULL, &r->form, &e, NOT_SAVED };
		round_page(r, r->id[0], &f);
		return;
	}
	if (round_update(r->arena, r->app->db, r->id[0], &in) == NULL) {
		http_error(r, 500, MSG__MAX);
		return;
	}
	audit_officer(r, "round.edit", arena_printf(r->arena, "round:%s", r->id[0]), arena_printf(r->arena, "%s %s%s", in.kind,
	    *in.held ? in.held : in.planned, in.pdf.data ? " minutes pdf" : ""));
	http_redirect(r, arena_printf(r->arena, "/admin/rounds/%s?done=saved", r->id[0]));
}

/* POST /admin/rounds/ID/commitments (officers): one commitment at a held
 * round, due no earlier than it; a refusal is the page again (400). */
void
page_admin_commitment_add(struct req *r)
{
	struct round_view rv;
	if (!console_found(r, round_load(r, r->id[0], &rv)))
		return;
	struct commitment_in in = { rv.held, console_posted(r, "text"), kv_get_or_empty(&r->form, "due"), console_posted(r, "owner") };
	const char *msgs[CF__MAX];
	struct console_errs e = { 0 };
	if (commitment_check(r->arena, &in, r->lang, msgs) > 0) {
		errs_from(&e, commitment_field_names, msgs, CF__MAX);
		const struct refusal f = { "commitment", NULL, &r->form, &e, NOT_SAVED };
		round_page(r, r->id[0], &f);
		return;
	}
	const char *id = commitment_insert(r->arena, r->app->db, r->id[0], &in, r->officer->id);
	if (id == NULL) {
		http_error(r, 500, MSG__MAX);
		return;
	}
	audit_officer(r, "commitment.add", arena_printf(r->arena, "commitment:%s", id),
	    arena_printf(r->arena, "round %s due %s", r->id[0], in.due));
	http_redirect(r, arena_printf(r->arena, "/admin/rounds/%s?done=commitment#commitments", r->id[0]));
}

/* POST /admin/commitments/ID (officers, multipart): done or broken on a
 * day, with evidence; a commitment outside the scope is 404; a refusal is
 * its round's page again (400) with the values beside its form. */
void
page_admin_commitment_set(struct req *r)
{
	const char *p[2] = { r->id[0], r->officer->unit_path };
	PGresult *res = db_query(r->app->db, "SELECT c.round_id FROM round_commitment c JOIN workplace_round x ON x.id = c.round_id "
	    "JOIN workplace w ON w.id = x.workplace_id JOIN org_unit u ON u.id = w.unit_id "
	    "WHERE c.id = $1::bigint AND u.path LIKE $2 || '%'", 2, p);
	if (!console_found(r, db_one(res)))
		return;
	const char *round_id = arena_strdup(r->arena, db_scalar(res));
	PQclear(res);
	struct round_view rv;
	if (!console_found(r, round_load(r, round_id, &rv)))
		return;
	struct settle_in in = { rv.held, kv_get_or_empty(&r->form, "status"), kv_get_or_empty(&r->form, "on"),
	    console_posted(r, "evidence"), { 0 } };
	posted_pdf(r, &in.pdf);
	const char *msgs[SF__MAX];
	struct console_errs e = { 0 };
	if (commitment_settle_check(r->arena, &in, r->lang, msgs) > 0) {
		errs_from(&e, settle_field_names, msgs, SF__MAX);
		const struct refusal f = { "settle", r->id[0], &r->form, &e, NOT_SAVED };
		round_page(r, round_id, &f);
		return;
	}
	if (commitment_settle(r->arena, r->app->db, r->id[0], &in) == NULL) {
		http_error(r, 500, MSG__MAX);
		return;
	}
	audit_officer(r, "commitment.set", arena_printf(r->arena, "commitment:%s", r->id[0]),
	    arena_printf(r->arena, "%s on %s%s", in.status, in.on, in.pdf.data ? " evidence pdf" : ""));
	http_redirect(r, arena_printf(r->arena, "/admin/rounds/%s?done=settled#commitments", round_id));
}

/* POST /admin/rounds/ID/reports (officers): action=brief links every
 * report of the workplace in the frozen brief's period (spam left out,
 * those that arrived at a unit in scope); action=add one report of the
 * workplace by number (refused beside the field otherwise); action=remove
 * unlinks one. Audited. */
void
page_admin_round_reports(struct req *r)
{
	const char *action = kv_get_or_empty(&r->form, "action"), *report = console_posted(r, "report");
	struct round_view rv;
	if (!console_found(r, round_load(r, r->id[0], &rv)))
		return;
	PGresult *res;
	if (strcmp(action, "brief") == 0 && *rv.brief_text) {
		const char *q[6] = { r->id[0], r->officer->id, rv.workplace_id, rv.brief_from, rv.brief_to, r->officer->unit_path };
		res = db_query(r->app->db, "INSERT INTO round_submission (round_id, submission_id, officer_id) "
		    "SELECT $1::bigint, s.id, $2::bigint FROM submission s JOIN org_unit a ON a.id = s.unit_id "
		    "WHERE s.workplace_id = $3::bigint AND s.status <> 'spam' AND a.path LIKE $6 || '%' "
		    "AND (s.urgent AND s.status = 'new') = ANY ('{t,f}') "   /* the period in the queue index: sql/060 */
		    "AND s.received_at >= ($4::date)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh' "
		    "AND s.received_at < ($5::date + 1)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh' "
		    "ON CONFLICT DO NOTHING RETURNING submission_id", 6, q);
	} else if (strcmp(action, "add") == 0 && fmt_is_id(report)) {
		const char *q[5] = { r->id[0], r->officer->id, report, rv.workplace_id, r->officer->unit_path };
		res = db_query(r->app->db, "INSERT INTO round_submission (round_id, submission_id, officer_id) "
		    "SELECT $1::bigint, s.id, $2::bigint FROM submission s JOIN org_unit a ON a.id = s.unit_id "
		    "WHERE s.id = $3::bigint AND s.workplace_id = $4::bigint AND a.path LIKE $5 || '%' "
		    "ON CONFLICT DO NOTHING RETURNING submission_id", 5, q);
		if (db_ok(res) && PQntuples(res) == 0 && PQcmdTuples(res)[0] == '0') {
			PQclear(res);
			res = NULL;
		}
	} else if (strcmp(action, "remove") == 0 && fmt_is_id(report)) {
		const char *q[2] = { r->id[0], report };
		res = db_query(r->app->db, "DELETE FROM round_submission WHERE round_id = $1::bigint AND submission_id = $2::bigint "
		    "RETURNING submission_id", 2, q);
	} else {
		res = NULL;
	}
	if (res == NULL && strcmp(action, "add") == 0) {
		struct console_errs e = { 0 };
		console_err_add(&e, "report", L(r, "Không có phản ánh số này của nơi làm việc trong phạm vi của bạn.",
		    "No report with this number at this workplace in your scope."));
		const struct refusal f = { "report", NULL, &r->form, &e, NOT_SAVED };
		round_page(r, r->id[0], &f);
		return;
	}
	if (res == NULL) {
		http_error(r, 400, MSG__MAX);
		return;
	}
	if (!db_ok(res)) {
		console_db_failed(r, res, "round reports");
		return;
	}
	audit_officer(r, "round.reports", arena_printf(r->arena, "round:%s", r->id[0]),
	    arena_printf(r->arena, "%s %d%s%s", action, PQntuples(res), *report ? " report " : "", report));
	PQclear(res);
	http_redirect(r, arena_printf(r->arena, "/admin/rounds/%s?done=linked#reports", r->id[0]));
}

/* GET /admin/round-file/ID: a round's signed minutes. */
void
page_admin_round_file(struct req *r)
{
	console_scoped_pdf(r, "SELECT x.filename, x.data FROM workplace_round x JOIN workplace w ON w.id = x.workplace_id "
	    "JOIN org_unit u ON u.id = w.unit_id WHERE x.id = $1::bigint AND u.path LIKE $2 || '%' AND x.data IS NOT NULL",
	    "round.download", "round");
}

/* GET /admin/commitment-file/ID: a commitment's evidence. */
void
page_admin_commitment_file(struct req *r)
{
	console_scoped_pdf(r, "SELECT c.filename, c.data FROM round_commitment c JOIN workplace_round x ON x.id = c.round_id "
	    "JOIN workplace w ON w.id = x.workplace_id JOIN org_unit u ON u.id = w.unit_id "
	    "WHERE c.id = $1::bigint AND u.path LIKE $2 || '%' AND c.data IS NOT NULL",
	    "commitment.download", "commitment");
}
