/* page_admin_agreements.c: /admin/agreements: the register of collective labour agreements (TƯLĐTT) of the workplaces in scope, a workplace's history, adding one with its PDF, and GET /admin/agreement-file/ID. */
#include <stdlib.h>
#include <string.h>
#include <libpq-fe.h>

#include "agreement.h"
#include "app.h"
#include "arena.h"
#include "auth.h"
#include "buf.h"
#include "console.h"
#include "db.h"
#include "deadline.h"
#include "document.h"
#include "fmt.h"
#include "html.h"
#include "http.h"
#include "i18n.h"
#include "multipart.h"
#include "page_admin.h"
#include "req.h"

#define FORM "agreement"   /* the add form's field ids: f-agreement-NAME, errors e-f-agreement-NAME */

static const struct console_notice notices[] = {
	{ "added", "Đã ghi thỏa ước vào sổ.", "The agreement was registered." },
};

/* The posted names of agreement_check()'s fields. */
static const char *const field_name[AGF__MAX] = {
	"signed",      /* AGF_SIGNED */
	"effective",   /* AGF_EFFECTIVE */
	"expires",     /* AGF_EXPIRES */
	"rating",      /* AGF_RATING */
	"file",        /* AGF_FILE */
};

/* The add form, holding what was typed (`v`, NULL: a fresh form) and each
 * refused field's error beside it. The file must be chosen again: a
 * browser never refills a file input. */
static void
add_form(struct req *r, const struct kvlist *v, const struct console_errs *e)
{
	struct buf *b = r->out;
	const char *get = NULL;
#define TYPED(name) (get = v ? kv_get_or_empty(v, name) : "", get)
	console_heading(r, 2, "new", "Ghi thỏa ước mới", "Register an agreement");
	console_hint(r, L(r, "Thỏa ước mới của một nơi làm việc thay thỏa ước cũ; thỏa ước cũ vẫn giữ trong lịch sử.",
	    "A workplace's new agreement takes the place of the old one, which stays in its history."));
	html_form_files_begin(r, "/admin/agreements", "agreement-new");
	console_workplace_select(r, FORM, TYPED("workplace"), "—", false, e);
	console_input(r, FORM, "signed", L(r, "Ngày ký (YYYY-MM-DD)", "Signed on (YYYY-MM-DD)"), NULL, TYPED("signed"), e, 10, true);
	console_input(r, FORM, "effective", L(r, "Ngày có hiệu lực", "In force from"), NULL, TYPED("effective"), e, 10, true);
	console_input(r, FORM, "expires", L(r, "Ngày hết hạn", "Expires on"), L(r, "Thỏa ước có thời hạn 1-3 năm (Điều 78).",
	    "An agreement runs 1 to 3 years (Art. 78)."), TYPED("expires"), e, 10, true);
	static const char *const ratings[5] = { "", "A", "B", "C", "D" };
	const char *rating_labels[5] = { L(r, "Chưa xếp loại", "Not graded"), "A", "B", "C", "D" };
	console_choice(r, FORM, "rating", L(r, "Xếp loại", "Rating"), TYPED("rating"), e, 5, ratings, rating_labels);
#undef TYPED
	const char *error = console_err_of(e, "file");
	console_field_begin(r, "f-" FORM "-file", L(r, "Bản thỏa ước (PDF, tối đa 10 MiB)", "The agreement (PDF, 10 MiB at most)"),
	    NULL, error);
	html_lit(b, "<input type=\"file\" id=\"f-" FORM "-file\" name=\"file\" accept=\"application/pdf,.pdf\"");
	console_field_invalid(r, "f-" FORM "-file", error);
	html_lit(b, "></div>");
	console_submit(r, "btn primary", "Ghi vào sổ", "Register");
}

/* One agreement's row: workplace (its history's link), dates, how long is
 * left for the current one, rating, document. */
static void
agreement_row(struct req *r, PGresult *res, int i)
{
	struct buf *b = r->out;
	bool current = strcmp(PQgetvalue(res, i, AL_CURRENT), "true") == 0;
	long left = strtol(PQgetvalue(res, i, AL_DAYS_LEFT), NULL, 10);
	const struct kv data[2] = { { .key = "id", .val = PQgetvalue(res, i, AL_ID) },
	    { .key = "workplace", .val = PQgetvalue(res, i, AL_CODE) } };
	console_tr(r, !current ? "history" : left < 0 ? "current expired" : "current", data, 2);
	console_td_link(r, arena_printf(r->arena, "/admin/agreements?workplace=%s", PQgetvalue(res, i, AL_WORKPLACE_ID)),
	    PQgetvalue(res, i, AL_NAME));
	console_td(r, fmt_dmy(r->arena, PQgetvalue(res, i, AL_SIGNED)));
	console_td(r, fmt_dmy(r->arena, PQgetvalue(res, i, AL_EFFECTIVE)));
	html_lit(b, "<td>");
	html_text(b, fmt_dmy(r->arena, PQgetvalue(res, i, AL_EXPIRES)));
	if (current)
		console_wrap(r, " <small>(", left < 0 ? L(r, "đã hết hạn", "expired") : deadline_left_text(r, PQgetvalue(res, i, AL_DAYS_LEFT)),
		    ")</small>");
	else
		console_wrap(r, " <small>(", L(r, "đã thay", "replaced"), ")</small>");
	html_lit(b, "</td>");
	console_td(r, *PQgetvalue(res, i, AL_RATING) ? PQgetvalue(res, i, AL_RATING) : "—");
	if (*PQgetvalue(res, i, AL_FILE))
		console_td_link(r, arena_printf(r->arena, "/admin/agreement-file/%s", PQgetvalue(res, i, AL_ID)), PQgetvalue(res, i, AL_FILE));
	else
		console_td(r, "—");
	html_lit(b, "</tr>");
}

/* GET /admin/agreements?workplace=ID&within=DAYS: the register of the
 * scope (a workplace's whole history with ?workplace=, each workplace's
 * current agreement expiring within DAYS with ?within=), and for officers
 * the add form, back with `e`'s errors and `v`'s values on a refusal. */
static void
agreements_page(struct req *r, int status, const struct kvlist *v, const struct console_errs *e, const char *problem)
{
	const char *wid = console_arg(r, "workplace", 18), *within = console_arg(r, "within", 5);
	if ((*wid && !fmt_is_id(wid)) || (*within && (!fmt_is_digits(within, 5) || atoi(within) > 36500))) {
		http_error(r, 400, MSG__MAX);
		return;
	}
	PGresult *res = console_rows(agreement_list(r->app->db, r->officer->unit_path, "", *within ? within : NULL,
	    *wid ? wid : NULL), "agreement list");
	if (res == NULL) {
		http_error(r, 503, MSG__MAX);
		return;
	}
	console_page_titled(r, status, L(r, "Thỏa ước", "Agreements"), "Thỏa ước lao động tập thể", "Collective agreements");
	console_notice(r, notices, sizeof(notices) / sizeof(notices[0]));
	console_alert(r, problem);
	html_lit(r->out, "<form method=\"get\" action=\"/admin/agreements\" class=\"filters\">");
	console_wrap(r, "<label for=\"within\">", L(r, "Sắp hết hạn trong (ngày)", "Expiring within (days)"),
	    "</label> <input id=\"within\" name=\"within\" inputmode=\"numeric\" maxlength=\"5\" value=\"");
	html_attr(r->out, within);
	html_lit(r->out, "\"> ");
	console_button(r, "btn", "Lọc", "Filter");   /* the form ends after the link below */
	if (*wid || *within)
		console_button_link(r, "btn", "/admin/agreements", "Cả sổ", "The whole register");
	html_lit(r->out, "</form>");
	static const struct console_label heads[] = {
		{ "Nơi làm việc", "Workplace" }, { "Ngày ký", "Signed" }, { "Hiệu lực từ", "In force from" },
		{ "Hết hạn", "Expires" }, { "Xếp loại", "Rating" }, { "Văn bản", "Document" },
	};
	console_table_each(r, res, "<table class=\"queue\" id=\"agreements\">", heads, sizeof(heads) / sizeof(heads[0]),
	    "Chưa có thỏa ước nào trong sổ.", "No agreement is registered.", agreement_row);
	PQclear(res);
	if (r->officer->role >= ROLE_OFFICER)
		add_form(r, v, e);
	console_end(r);
}

void
page_admin_agreements(struct req *r)
{
	agreements_page(r, 200, NULL, NULL, NULL);
}

/* POST /admin/agreements (officers; multipart, CSRF checked by the
 * route): one agreement checked as the CLI checks it (agreement.c), the
 * workplace in the officer's scope; any refusal is the page again (400)
 * with each error beside its field and every typed value kept, nothing
 * stored. Audited with the PDF's SHA-256. */
void
page_admin_agreement_add(struct req *r)
{
	struct console_errs e = { 0 };
	struct agreement_in in = { 0 };
	in.workplace_id = kv_get_or_empty(&r->form, "workplace");
	const char *code = console_workplace_pick(r, in.workplace_id, &e);
	in.signed_on = kv_get_or_empty(&r->form, "signed");
	in.effective_on = kv_get_or_empty(&r->form, "effective");
	in.expires_on = kv_get_or_empty(&r->form, "expires");
	in.rating = kv_get_or_empty(&r->form, "rating");
	const struct mp_part *f = multipart_get(r->files, "file");
	if (f && f->filename && (*f->filename || f->len > 0)) {
		in.pdf = (const unsigned char *)(f->len ? f->data : "");
		in.pdf_len = f->len;
		in.filename = document_filename(r->arena, f->filename, "application/pdf");
	}
	enum agreement_problem p[AGF__MAX];
	agreement_check(&in, p);
	for (int i = 0; i < AGF__MAX; i++)
		if (p[i] != AGP_OK)
			console_err_add(&e, field_name[i], agreement_problem_text(p[i], r->lang));
	if (e.n > 0) {
		agreements_page(r, p[AGF_FILE] == AGP_TOO_LARGE ? 413 : 400, &r->form, &e,
		    L(r, "Chưa ghi: hãy sửa các mục được đánh dấu.", "Not registered: fix the marked fields."));
		return;
	}
	const char *id = agreement_insert(r->arena, r->app->db, &in, r->officer->id);
	if (id == NULL) {
		http_error(r, 500, MSG__MAX);
		return;
	}
	audit_officer(r, "agreement.add", arena_printf(r->arena, "agreement:%s", id),
	    arena_printf(r->arena, "%s %s..%s%s%s", code, in.effective_on, in.expires_on, *in.rating ? " rating " : "", in.rating));
	http_redirect(r, arena_printf(r->arena, "/admin/agreements?workplace=%s&done=added", in.workplace_id));
}

/* GET /admin/agreement-file/ID: an agreement's PDF to officers whose scope
 * holds its workplace (404 otherwise, like a missing one), as a sandboxed
 * download (http_download); audited. */
void
page_admin_agreement_file(struct req *r)
{
	console_scoped_pdf(r, "SELECT c.filename, c.data FROM collective_agreement c "
	    "JOIN agreement_current g ON g.workplace_id = c.workplace_id WHERE c.id = $1::bigint "
	    "AND g.unit_path LIKE $2 || '%' AND c.data IS NOT NULL", "agreement.download", "agreement");
}
