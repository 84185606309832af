/* page_admin_stoppages.c: /admin/stoppages: collective work stoppages of the workplaces in scope, those still going on first (urgent), and recording one (officers), also from a worker's stoppage report. */
#include <string.h>
#include <libpq-fe.h>

#include "app.h"
#include "arena.h"
#include "auth.h"
#include "buf.h"
#include "console.h"
#include "db.h"
#include "filters.h"
#include "fmt.h"
#include "html.h"
#include "http.h"
#include "i18n.h"
#include "page_admin.h"
#include "req.h"
#include "stoppage.h"

#define FORM "stoppage"   /* field ids f-stoppage-NAME, errors e-f-stoppage-NAME */

static const struct console_notice notices[] = {
	{ "added", "Đã ghi cuộc ngừng việc.", "The stoppage was recorded." },
};

/* The record form, holding a refused post's values with each error
 * beside its field (`f` NULL: a fresh form). */
static void
add_form(struct req *r, const struct console_refusal *f)
{
	const struct kvlist *v = f ? f->v : NULL;
	const struct console_errs *e = f ? f->e : NULL;
	const char *get = NULL;
#define TYPED(name) (get = v ? kv_get_or_empty(v, name) : "", get)
	console_heading(r, 2, "new", "Ghi một cuộc ngừng việc tập thể", "Record a collective work stoppage");
	console_hint(r, L(r, "Không ghi tên người lao động: chỉ số người tham gia.", "No worker names: only how many took part."));
	html_form_begin(r, "/admin/stoppages", "stoppage-new");
	if (*TYPED("report")) {
		console_wrap(r, "<p class=\"note\" id=\"from-report\">", arena_printf(r->arena, "%s #%s",
		    L(r, "Ghi từ phản ánh của người lao động", "Recorded from the worker's report"), get), "</p>");
		filters_hidden(r->out, "report", get);
	}
	console_workplace_choice(r, FORM, TYPED("workplace"), e);
	console_input(r, FORM, "started", L(r, "Ngày bắt đầu (YYYY-MM-DD)", "Began on (YYYY-MM-DD)"), NULL, TYPED("started"), e, 10, true);
	console_input(r, FORM, "ended", L(r, "Ngày kết thúc", "Ended on"), L(r, "Để trống nếu còn đang diễn ra.",
	    "Leave empty while it goes on."), TYPED("ended"), e, 10, false);
	console_input(r, FORM, "workers", L(r, "Số người lao động tham gia", "Workers involved"), NULL, TYPED("workers"), e, 7, true);
	console_textarea(r, "f-" FORM "-demands", "demands", L(r, "Yêu cầu của người lao động", "The workers' demands"),
	    TYPED("demands"), console_err_of(e, "demands"), 4, STOPPAGE_DEMANDS_MAX, true);
	const char *values[STOPPAGE_NOUTCOMES], *labels[STOPPAGE_NOUTCOMES];
	for (size_t i = 0; i < STOPPAGE_NOUTCOMES; i++) {
		values[i] = stoppage_outcomes[i].value;
		labels[i] = L(r, stoppage_outcomes[i].vi, stoppage_outcomes[i].en);
	}
	console_choice(r, FORM, "outcome", L(r, "Kết quả", "Outcome"), TYPED("outcome"), e, STOPPAGE_NOUTCOMES, values, labels);
	static const char *const yes_no[2] = { "no", "yes" };
	const char *yes_no_labels[2] = { L(r, "Không (tự phát)", "No (spontaneous)"), L(r, "Có (đình công, Điều 198)", "Yes (a strike, Art. 198)") };
	console_choice(r, FORM, "union_led", L(r, "Do công đoàn lãnh đạo", "Led by the union"), TYPED("union_led"), e, 2, yes_no,
	    yes_no_labels);
#undef TYPED
	console_submit(r, "btn primary", "Ghi", "Record");
}

/* GET /admin/stoppages: those of the scope, still going on first (urgent),
 * then newest; officers get the record form (with a refused post `f`, 400). */
static void
stoppages_page(struct req *r, const struct console_refusal *f)
{
	enum { S_ID, S_WORKPLACE, S_STARTED, S_ENDED, S_WORKERS, S_DEMANDS, S_OUTCOME, S_UNION };
	const char *p[1] = { r->officer->unit_path };
	PGresult *res = console_rows(db_query(r->app->db, "SELECT s.id, w.name, s.started_on::text, coalesce(s.ended_on::text, ''), "
	    "s.workers::text, s.demands, s.outcome, s.union_led::text FROM work_stoppage s JOIN workplace w ON w.id = s.workplace_id "
	    "JOIN org_unit u ON u.id = w.unit_id WHERE u.path LIKE $1 || '%' "
	    "ORDER BY s.ended_on IS NOT NULL, s.started_on DESC, s.id DESC LIMIT 500", 1, p), "stoppage list");
	if (res == NULL) {
		http_error(r, 503, MSG__MAX);
		return;
	}
	console_page_titled(r, f && f->e ? 400 : 200, L(r, "Ngừng việc", "Stoppages"), "Ngừng việc tập thể", "Collective work stoppages");
	console_notice(r, notices, sizeof(notices) / sizeof(notices[0]));
	console_alert(r, f ? f->problem : NULL);
	static const struct console_label heads[] = {
		{ "Nơi làm việc", "Workplace" }, { "Bắt đầu", "Began" }, { "Kết thúc", "Ended" }, { "Số người", "Workers" },
		{ "Yêu cầu", "Demands" }, { "Kết quả", "Outcome" }, { "Công đoàn lãnh đạo", "Union-led" },
	};
	int n = PQntuples(res);
	if (console_table(r, n, "<table class=\"queue\" id=\"stoppages\">", heads, sizeof(heads) / sizeof(heads[0]),
	    "Chưa ghi cuộc ngừng việc nào.", "No stoppage is recorded.")) {
		for (int i = 0; i < n; i++) {
			bool ongoing = *PQgetvalue(res, i, S_ENDED) == '\0';
			const struct kv data = { .key = "id", .val = PQgetvalue(res, i, S_ID) };
			console_tr(r, ongoing ? "urgent" : NULL, &data, 1);
			console_td(r, PQgetvalue(res, i, S_WORKPLACE));
			console_td(r, fmt_dmy(r->arena, PQgetvalue(res, i, S_STARTED)));
			console_td(r, ongoing ? L(r, "đang diễn ra", "going on") : fmt_dmy(r->arena, PQgetvalue(res, i, S_ENDED)));
			console_td(r, PQgetvalue(res, i, S_WORKERS));
			console_td(r, PQgetvalue(res, i, S_DEMANDS));
			console_td(r, vocab_label(stoppage_outcomes, STOPPAGE_NOUTCOMES, PQgetvalue(res, i, S_OUTCOME), r->lang));
			console_td(r, strcmp(PQgetvalue(res, i, S_UNION), "true") == 0 ? L(r, "có", "yes") : L(r, "không", "no"));
			html_lit(r->out, "</tr>");
		}
		html_lit(r->out, "</tbody></table>");
	}
	PQclear(res);
	if (r->officer->role >= ROLE_OFFICER)
		add_form(r, f);
	console_end(r);
}

/* The record form's values from the worker's stoppage report `id` of the
 * officer's scope (?report=ID): its workplace, the day it began (or will),
 * how many take part and the demands, the outcome "ongoing". MISSING for a
 * malformed id, another form's report or one outside the scope alike. */
static enum found
from_report(struct req *r, const char *id, struct kvlist *v)
{
	enum { F_WORKPLACE, F_STARTED, F_WORKERS, F_DEMANDS, F__MAX };
	static const char *const names[F__MAX] = { "workplace", "started", "workers", "demands" };
	size_t n = strlen(id);
	if (n == 0 || n > 18 || strspn(id, "0123456789") != n)
		return MISSING;
	const char *vals[F__MAX], *p[2] = { id, r->officer->unit_path };
	const char **const f[F__MAX] = { &vals[F_WORKPLACE], &vals[F_STARTED], &vals[F_WORKERS], &vals[F_DEMANDS] };
	enum found found = db_row(db_query(r->app->db, "SELECT s.workplace_id::text, coalesce(s.answers->>'since', "
	    "to_char(s.received_at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'YYYY-MM-DD')), coalesce(s.answers->>'workers', ''), "
	    "left(coalesce(s.answers->>'demands', ''), 4000) FROM submission s JOIN workplace w ON w.id = s.workplace_id "
	    "JOIN org_unit u ON u.id = w.unit_id WHERE s.id = $1::bigint AND s.form_id = 'stoppage' AND u.path LIKE $2 || '%'",
	    2, p), r->arena, f, F__MAX);
	if (found != FOUND)
		return found;
	v->n = F__MAX + 2;
	v->items = arena_alloc(r->arena, v->n * sizeof(*v->items));
	if (v->items == NULL)
		return DB_DOWN;
	for (size_t i = 0; i < F__MAX; i++)
		v->items[i] = (struct kv){ names[i], vals[i], strlen(vals[i]) };
	v->items[F__MAX] = (struct kv){ "outcome", "ongoing", 7 };
	v->items[F__MAX + 1] = (struct kv){ "report", id, n };
	return FOUND;
}

/* GET /admin/stoppages[?report=ID]: the list and the record form, filled
 * from the worker's report when one is named (404 when it is not one of
 * the scope's stoppage reports). */
void
page_admin_stoppages(struct req *r)
{
	const char *report = kv_get(&r->args, "report");
	if (report == NULL || r->officer->role < ROLE_OFFICER) {
		stoppages_page(r, NULL);
		return;
	}
	struct kvlist v = { 0 };
	if (!console_found(r, from_report(r, report, &v)))
		return;
	const struct console_refusal f = { &v, NULL, NULL };
	stoppages_page(r, &f);
}

/* POST /admin/stoppages (officers): one stoppage, checked (stoppage.c),
 * at a workplace of the officer's scope, linked to the worker's report
 * `report` when posted (404 unless it is one of the scope's stoppage
 * reports; 409 when one was recorded from it already); a refusal is the page again
 * (400) with each error beside its field and every value kept, nothing
 * stored. Audited. */
void
page_admin_stoppage_add(struct req *r)
{
	const char *wid = kv_get_or_empty(&r->form, "workplace"), *msgs[STF__MAX];
	struct stoppage_in in = { kv_get_or_empty(&r->form, "started"), kv_get_or_empty(&r->form, "ended"),
	    kv_get_or_empty(&r->form, "workers"), kv_get_or_empty(&r->form, "demands"), kv_get_or_empty(&r->form, "outcome"),
	    kv_get_or_empty(&r->form, "union_led") };
	struct console_errs e = { 0 };
	const char *report = kv_get_or_empty(&r->form, "report");
	struct kvlist from = { 0 };
	if (*report && !console_found(r, from_report(r, report, &from)))
		return;
	stoppage_check(&in, r->lang, msgs);
	const char *code = console_workplace_pick(r, wid, &e);
	for (int i = 0; i < STF__MAX; i++)
		if (msgs[i])
			console_err_add(&e, stoppage_field_names[i], msgs[i]);
	if (e.n > 0) {
		const struct console_refusal f = { &r->form, &e, L(r, "Chưa ghi: hãy sửa các mục được đánh dấu.", "Not recorded: fix the marked fields.") };
		stoppages_page(r, &f);
		return;
	}
	const char *p[9] = { wid, in.started, *in.ended ? in.ended : NULL, in.workers, in.demands, in.outcome, in.union_led,
	    r->officer->id, *report ? report : NULL };
	PGresult *res = db_query(r->app->db, "INSERT INTO work_stoppage (workplace_id, started_on, ended_on, workers, demands, "
	    "outcome, union_led, officer_id, submission_id) SELECT $1::bigint, $2::date, $3::date, $4::integer, $5, $6, $7 = 'yes', "
	    "$8::bigint, $9::bigint WHERE $9 IS NULL OR NOT EXISTS (SELECT 1 FROM work_stoppage x WHERE x.submission_id = $9::bigint) "
	    "RETURNING id", 9, p);
	if (db_ok(res) && PQntuples(res) == 0) {
		PQclear(res);
		console_refuse(r, 409, "Phản ánh này đã được ghi thành một cuộc ngừng việc.",
		    "A stoppage was already recorded from this report.", "/admin/stoppages");
		return;
	}
	const char *id = db_scalar(res) ? arena_strdup(r->arena, db_scalar(res)) : NULL;
	if (id == NULL) {
		console_db_failed(r, res, "stoppage insert");
		return;
	}
	PQclear(res);
	audit_officer(r, "stoppage.add", arena_printf(r->arena, "stoppage:%s", id),
	    arena_printf(r->arena, "%s %s workers %s %s", code, in.started, in.workers, in.outcome));
	http_redirect(r, "/admin/stoppages?done=added");
}
