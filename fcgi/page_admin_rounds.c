/* page_admin_rounds.c: /admin/rounds: the dialogue and bargaining rounds of the workplaces in scope (filters by workplace and kind), and starting one, from scratch or from a brief whose text it keeps frozen. */
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
#include "round.h"

#define FORM "round"   /* field ids f-round-NAME, errors e-f-round-NAME */

static const struct console_notice notices[] = {
	{ "added", "Đã ghi phiên.", "The round was recorded." },
};

void
round_form_fields(struct req *r, const struct kvlist *v, const struct console_errs *e)
{
	const char *get = NULL;
#define TYPED(name) (get = v ? kv_get_or_empty(v, name) : "", get)
	const char *values[ROUND_NKINDS], *labels[ROUND_NKINDS];
	for (size_t i = 0; i < ROUND_NKINDS; i++) {
		values[i] = round_kinds[i].value;
		labels[i] = L(r, round_kinds[i].vi, round_kinds[i].en);
	}
	console_choice(r, FORM, "kind", L(r, "Loại phiên", "Kind of round"), TYPED("kind"), e, ROUND_NKINDS, values, labels);
	console_input(r, FORM, "planned", L(r, "Ngày dự kiến (YYYY-MM-DD)", "Planned for (YYYY-MM-DD)"), NULL, TYPED("planned"), e,
	    10, false);
	console_input(r, FORM, "held", L(r, "Ngày đã tổ chức (YYYY-MM-DD)", "Held on (YYYY-MM-DD)"),
	    L(r, "Ghi ít nhất một trong hai ngày.", "Give at least one of the two days."), TYPED("held"), e, 10, false);
#undef TYPED
}

/* The new round's form; a refused post's values (the brief's arguments
 * too, kept hidden so the round still freezes that brief) and errors. */
static void
add_form(struct req *r, const struct console_refusal *f)
{
	const struct kvlist *v = f ? f->v : NULL;
	console_heading(r, 2, "new", "Ghi một phiên đối thoại hoặc thương lượng", "Record a dialogue or bargaining round");
	console_hint(r, L(r, "Để phiên giữ bản tóm tắt, hãy bắt đầu từ trang Tóm tắt đối thoại.",
	    "For the round to keep a brief, start it from the Dialogue brief page."));
	html_form_begin(r, "/admin/rounds", "round-new");
	static const char *const brief_args[] = { "from", "to", "k" };
	for (size_t i = 0; v && i < sizeof(brief_args) / sizeof(brief_args[0]); i++)
		if (kv_get(v, brief_args[i]))
			filters_hidden(r->out, brief_args[i], kv_get(v, brief_args[i]));
	for (size_t i = 0; v && i < v->n; i++)
		if (strcmp(v->items[i].key, "quote") == 0)
			filters_hidden(r->out, "quote", v->items[i].val);
	console_workplace_select(r, FORM, v ? kv_get_or_empty(v, "workplace") : "", "—", false, f ? f->e : NULL);
	round_form_fields(r, v, f ? f->e : NULL);
	console_submit(r, "btn primary", "Ghi phiên", "Record the round");
}

/* One round's row: its workplace (the link to the round), kind, day (the
 * planned one when not held yet), its commitments by status. */
static void
round_row(struct req *r, PGresult *res, int i)
{
	const char *held = PQgetvalue(res, i, RL_HELD);
	const struct kv data = { .key = "id", .val = PQgetvalue(res, i, RL_ID) };
	console_tr(r, *held ? NULL : "planned", &data, 1);
	console_td_link(r, arena_printf(r->arena, "/admin/rounds/%s", PQgetvalue(res, i, RL_ID)), PQgetvalue(res, i, RL_NAME));
	console_td(r, vocab_label(round_kinds, ROUND_NKINDS, PQgetvalue(res, i, RL_KIND), r->lang));
	console_td(r, *held ? fmt_dmy(r->arena, held) : arena_printf(r->arena, "%s %s", L(r, "dự kiến", "planned"),
	    fmt_dmy(r->arena, PQgetvalue(res, i, RL_PLANNED))));
	static const int counts[] = { RL_COMMITMENTS, RL_PENDING, RL_DONE, RL_BROKEN };
	for (size_t c = 0; c < sizeof(counts) / sizeof(counts[0]); c++)
		console_td(r, PQgetvalue(res, i, counts[c]));
	html_lit(r->out, "</tr>");
}

/* GET /admin/rounds?workplace=ID&kind=K: the rounds of the scope, newest
 * first, with their commitments (pending / done / broken); officers get
 * the form (a refused post `f`: 400). */
static void
rounds_page(struct req *r, const struct console_refusal *f)
{
	const char *wid = console_arg(r, "workplace", 18), *kind = console_arg(r, "kind", 12);
	if ((*wid && !fmt_is_id(wid)) || (*kind && vocab_find(round_kinds, ROUND_NKINDS, kind) == NULL)) {
		http_error(r, 400, MSG__MAX);
		return;
	}
	const struct round_filter rf = { r->officer->unit_path, "", *wid ? wid : NULL, *kind ? kind : NULL };
	PGresult *res = console_rows(round_list(r->app->db, &rf), "round list");
	if (res == NULL) {
		http_error(r, 503, MSG__MAX);
		return;
	}
	console_page_titled(r, f ? 400 : 200, L(r, "Đối thoại & thương lượng", "Dialogue & bargaining"),
	    "Đối thoại tại nơi làm việc và thương lượng tập thể", "Workplace dialogue and collective bargaining");
	console_notice(r, notices, sizeof(notices) / sizeof(notices[0]));
	console_alert(r, f ? f->problem : NULL);
	html_lit(r->out, "<form method=\"get\" action=\"/admin/rounds\" class=\"filters\">");
	console_workplace_select(r, NULL, wid, L(r, "Mọi nơi làm việc", "Every workplace"), false, NULL);
	console_select_open(r, "Loại", "Kind", "kind", "filter-kind", false);
	console_option(r, "", L(r, "Mọi loại", "Every kind"), *kind == '\0');
	for (size_t i = 0; i < ROUND_NKINDS; i++)
		console_option(r, round_kinds[i].value, L(r, round_kinds[i].vi, round_kinds[i].en), strcmp(kind, round_kinds[i].value) == 0);
	html_lit(r->out, "</select></label> ");
	console_submit(r, "btn", "Lọc", "Filter");
	static const struct console_label heads[] = {
		{ "Nơi làm việc", "Workplace" }, { "Loại", "Kind" }, { "Ngày", "Day" }, { "Cam kết", "Commitments" },
		{ "Đang chờ", "Pending" }, { "Đã thực hiện", "Done" }, { "Không thực hiện", "Broken" },
	};
	console_table_each(r, res, "<table class=\"queue\" id=\"rounds\">", heads, sizeof(heads) / sizeof(heads[0]),
	    "Chưa ghi phiên nào.", "No round is recorded.", round_row);
	PQclear(res);
	if (r->officer->role < ROLE_OFFICER) {   /* viewers read the list only */
		console_end(r);
		return;
	}
	add_form(r, f);
	console_end(r);
}

void
page_admin_rounds(struct req *r)
{
	rounds_page(r, NULL);
}

/* POST /admin/rounds (officers): a round at a workplace of the scope,
 * checked (round.c); with the brief's arguments (from, to, k, quote) the
 * brief is rendered again now and its text kept frozen in the round. A
 * refusal is the page again (400) with errors beside their fields and
 * every value kept; nothing stored. Audited. */
void
page_admin_round_add(struct req *r)
{
	struct console_errs e = { 0 };
	const char *wid = kv_get_or_empty(&r->form, "workplace"), *msgs[RF__MAX];
	struct round_in in = { .kind = kv_get_or_empty(&r->form, "kind"), .planned = kv_get_or_empty(&r->form, "planned"),
	    .held = kv_get_or_empty(&r->form, "held"), .employer_reps = "", .union_reps = "", .worker_reps = "", .minutes = "" };
	const char *code = console_workplace_pick(r, wid, &e);
	round_check(r->arena, &in, NULL, r->lang, msgs);
	for (int i = 0; i < RF__MAX; i++)
		if (msgs[i])
			console_err_add(&e, round_field_names[i], msgs[i]);
	struct round_brief brief = { 0 }, *br = NULL;
	if (e.n == 0 && kv_get(&r->form, "from") != NULL) {
		brief = (struct round_brief){ kv_get_or_empty(&r->form, "from"), kv_get_or_empty(&r->form, "to"),
		    *kv_get_or_empty(&r->form, "k") ? kv_get_or_empty(&r->form, "k") : "5", brief_freeze(r, &r->form) };
		if (brief.text == NULL)
			console_err_add(&e, "workplace", L(r, "Không lập được bản tóm tắt cho nơi làm việc và kỳ này.",
			    "The brief for this workplace and period cannot be made."));
		br = &brief;
	}
	if (e.n > 0) {
		const struct console_refusal f = { &r->form, &e, L(r, "Chưa ghi: hãy sửa các mục được đánh dấu.", "Not recorded: fix the marked fields.") };
		rounds_page(r, &f);
		return;
	}
	const char *id = round_insert(r->arena, r->app->db, wid, &in, br, r->officer->id);
	if (id == NULL) {
		http_error(r, 500, MSG__MAX);
		return;
	}
	audit_officer(r, "round.add", arena_printf(r->arena, "round:%s", id), arena_printf(r->arena, "%s %s %s%s", code, in.kind,
	    *in.held ? in.held : in.planned, br ? " brief frozen" : ""));
	http_redirect(r, arena_printf(r->arena, "/admin/rounds/%s?done=added", id));
}
