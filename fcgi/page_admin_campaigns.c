/* page_admin_campaigns.c: /admin/campaigns: survey campaigns of the workplaces in scope (a survey opened at a workplace for a period, its QR code and posters, a target, the live response rate) and closing one, its results frozen for a round's brief. */
#include <string.h>
#include <libpq-fe.h>

#include "app.h"
#include "arena.h"
#include "auth.h"
#include "buf.h"
#include "campaign.h"
#include "console.h"
#include "db.h"
#include "fmt.h"
#include "form.h"
#include "html.h"
#include "http.h"
#include "i18n.h"
#include "page_admin.h"
#include "poster.h"
#include "req.h"

#define FORM "campaign"   /* field ids f-campaign-NAME, errors e-f-campaign-NAME */

static const struct console_notice notices[] = {
	{ "added", "Đã mở đợt khảo sát. In áp phích để dán tại nơi làm việc.", "The campaign is open. Print its posters for the workplace." },
	{ "closed", "Đã chốt đợt khảo sát: kết quả được giữ nguyên từ nay.", "The campaign is closed: its results are frozen." },
};

/* One campaign as its pages show it; strings in the arena. */
struct campaign {
	const char *id, *workplace_id, *workplace, *form_id, *starts, *ends, *target, *entry_id, *token, *closed, *answers,
	    *round, *round_kind, *round_day, *today, *closed_at;
};
enum campaign_col {
	CC_ID, CC_WORKPLACE_ID, CC_WORKPLACE, CC_FORM, CC_STARTS, CC_ENDS, CC_TARGET, CC_ENTRY, CC_TOKEN, CC_CLOSED, CC_ANSWERS,
	CC_ROUND, CC_ROUND_KIND, CC_ROUND_DAY, CC_TODAY, CC_CLOSED_AT, CC__MAX
};

/* The answers a campaign counts, live (its workplace's answers to its
 * survey in its period, spam left out) or, once closed, those frozen. */
#define CAMPAIGN_SELECT "SELECT c.id, c.workplace_id::text, w.name, c.form_id, c.starts_on::text, c.ends_on::text, " \
	"c.target::text, c.entry_point_id::text, e.token, (c.closed_at IS NOT NULL)::text, " \
	"coalesce(c.answers, (SELECT count(*) FROM survey_answers($2, c.form_id, c.workplace_id::text, c.starts_on::text, " \
	"c.ends_on::text)))::text, coalesce(c.round_id::text, ''), coalesce(r.kind, ''), " \
	"coalesce(to_char(coalesce(r.held_on, r.planned_on), 'DD/MM/YYYY'), ''), " \
	"(now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date::text, " \
	"coalesce(to_char(c.closed_at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'DD/MM/YYYY HH24:MI'), '') " \
	"FROM survey_campaign c JOIN workplace w ON w.id = c.workplace_id JOIN org_unit u ON u.id = w.unit_id " \
	"JOIN entry_point e ON e.id = c.entry_point_id LEFT JOIN workplace_round r ON r.id = c.round_id "

/* Campaign `id` of the officer's scope: MISSING for a malformed id or one
 * outside the scope alike, DB_DOWN when the database is away. */
static enum found
campaign_load(struct req *r, const char *id, struct campaign *c)
{
	if (!fmt_is_id(id))
		return MISSING;
	const char *p[2] = { id, r->officer->unit_path };
	const char **const f[CC__MAX] = { &c->id, &c->workplace_id, &c->workplace, &c->form_id, &c->starts, &c->ends, &c->target,
		&c->entry_id, &c->token, &c->closed, &c->answers, &c->round, &c->round_kind, &c->round_day, &c->today, &c->closed_at };
	return db_row(db_query(r->app->db, CAMPAIGN_SELECT "WHERE c.id = $1::bigint AND u.path LIKE $2 || '%'", 2, p),
	    r->arena, f, CC__MAX);
}

/* "37 / 120 (31%)": answers against the target. */
static const char *
rate(struct req *r, const char *answers, const char *target)
{
	long n = atol(answers), of = atol(target);
	return arena_printf(r->arena, "%s / %s (%ld%%)", fmt_int(r->arena, n, r->lang), fmt_int(r->arena, of, r->lang),
	    of > 0 ? (n * 100 + of / 2) / of : 0);
}

/* The open-a-campaign form (admins: it makes a QR code), holding a refused
 * post's values with each error beside its field (`v` NULL: fresh). */
static void
add_form(struct req *r, const struct kvlist *v, const struct console_errs *e)
{
	if (r->officer->role < ROLE_ADMIN)   /* admins open campaigns; others read the list */
		return;
	const char *get = NULL;
#define TYPED(name) (get = v ? kv_get_or_empty(v, name) : "", get)
	console_heading(r, 2, "new", "Mở một đợt khảo sát", "Open a survey campaign");
	console_hint(r, L(r, "Phiếu khảo sát trước thương lượng được mở tại một nơi làm việc trong một khoảng thời gian, với mã QR riêng "
	    "để in áp phích. Mục tiêu để trống thì lấy số lao động của nơi làm việc.",
	    "The bargaining survey opened at one workplace for a period, with its own QR code to print on posters. "
	    "Leave the target empty to use the workplace's headcount."));
	html_form_begin(r, "/admin/campaigns", "campaign-new");
	console_workplace_select(r, FORM, TYPED("workplace"), "—", false, e);
	console_input(r, FORM, "starts", L(r, "Từ ngày (YYYY-MM-DD)", "From (YYYY-MM-DD)"), NULL, TYPED("starts"), e, 10, true);
	console_input(r, FORM, "ends", L(r, "Đến ngày (YYYY-MM-DD)", "To (YYYY-MM-DD)"), NULL, TYPED("ends"), e, 10, true);
	console_input(r, FORM, "target", L(r, "Mục tiêu số phiếu", "Target number of answers"),
	    L(r, "Để trống: bằng số lao động của nơi làm việc.", "Empty: the workplace's headcount."), TYPED("target"), e, 7, false);
#undef TYPED
	console_submit(r, "btn primary", "Mở đợt khảo sát", "Open the campaign");
}

/* One row of the list: the workplace (linked), the period, the response
 * rate and the campaign's state. */
static void
campaign_row(struct req *r, PGresult *res, int i)
{
	const struct kv data = { .key = "id", .val = PQgetvalue(res, i, CC_ID) };
	console_tr(r, NULL, &data, 1);
	console_td_link(r, arena_printf(r->arena, "/admin/campaigns/%s", PQgetvalue(res, i, CC_ID)), PQgetvalue(res, i, CC_WORKPLACE));
	console_td(r, arena_printf(r->arena, "%s – %s", fmt_dmy(r->arena, PQgetvalue(res, i, CC_STARTS)),
	    fmt_dmy(r->arena, PQgetvalue(res, i, CC_ENDS))));
	console_td(r, rate(r, PQgetvalue(res, i, CC_ANSWERS), PQgetvalue(res, i, CC_TARGET)));
	console_td(r, vocab_label(campaign_states, CAMPAIGN_NSTATES, campaign_state(PQgetvalue(res, i, CC_STARTS),
	    PQgetvalue(res, i, CC_ENDS), strcmp(PQgetvalue(res, i, CC_CLOSED), "true") == 0, PQgetvalue(res, i, CC_TODAY)), r->lang));
	html_lit(r->out, "</tr>");
}

/* GET /admin/campaigns (and a refused post's page, 400): the scope's
 * campaigns, newest first, each with its live or frozen response rate. */
static void
campaigns_page(struct req *r, const struct kvlist *v, const struct console_errs *e)
{
	const char *p[2] = { "", r->officer->unit_path };
	PGresult *res = console_rows(db_query(r->app->db, CAMPAIGN_SELECT "WHERE $1 = '' AND u.path LIKE $2 || '%' "
	    "ORDER BY c.starts_on DESC, c.id DESC LIMIT 300", 2, p), "campaign list");
	if (res == NULL) {
		http_error(r, 503, MSG__MAX);
		return;
	}
	console_page_titled(r, e ? 400 : 200, L(r, "Đợt khảo sát", "Survey campaigns"), "Đợt khảo sát", "Survey campaigns");
	console_notice(r, notices, sizeof(notices) / sizeof(notices[0]));
	console_alert(r, e ? L(r, "Chưa mở: hãy sửa các mục được đánh dấu.", "Not opened: fix the marked fields.") : NULL);
	static const struct console_label heads[] = {
		{ "Nơi làm việc", "Workplace" }, { "Thời gian", "Period" }, { "Số phiếu / mục tiêu", "Answers / target" },
		{ "Tình trạng", "State" },
	};
	console_table_each(r, res, "<table class=\"queue\" id=\"campaigns\">", heads, sizeof(heads) / sizeof(heads[0]),
	    "Chưa có đợt khảo sát nào.", "No survey campaign yet.", campaign_row);
	PQclear(res);
	add_form(r, v, e);
	console_end(r);
}

void
page_admin_campaigns(struct req *r)
{
	campaigns_page(r, NULL, NULL);
}

/* POST /admin/campaigns (admins): a campaign of the first survey form at
 * a workplace of the scope, checked (campaign.c), with a QR code of its
 * own offering only the survey; refused: the page again (400), each error
 * beside its field, nothing stored. Audited. */
void
page_admin_campaign_add(struct req *r)
{
	const char *wid = kv_get_or_empty(&r->form, "workplace"), *msgs[CPF__MAX], *target = NULL;
	struct console_errs e = { 0 };
	const char *code = console_workplace_pick(r, wid, &e);
	const char *hp[1] = { wid };
	PGresult *res = code ? db_query(r->app->db, "SELECT coalesce(headcount::text, '') FROM workplace WHERE id = $1::bigint", 1, hp)
	    : NULL;
	const char *headcount = db_scalar(res) ? arena_strdup(r->arena, db_scalar(res)) : "";
	PQclear(res);
	struct campaign_in in = { kv_get_or_empty(&r->form, "starts"), kv_get_or_empty(&r->form, "ends"),
	    kv_get_or_empty(&r->form, "target"), headcount };
	campaign_check(&in, r->lang, msgs, &target);
	for (int i = 0; i < CPF__MAX; i++)
		if (msgs[i] && !(i == CPF_TARGET && code == NULL && !*in.target))
			console_err_add(&e, campaign_field_names[i], msgs[i]);
	if (e.n > 0) {
		campaigns_page(r, &r->form, &e);
		return;
	}
	res = db_query(r->app->db, "SELECT form_id FROM survey_form ORDER BY form_id LIMIT 1", 0, NULL);
	const char *form_id = db_scalar(res) ? arena_strdup(r->arena, db_scalar(res)) : NULL;
	PQclear(res);
	const char *label = arena_printf(r->arena, "Khảo sát %s – %s", fmt_dmy(r->arena, in.starts), fmt_dmy(r->arena, in.ends));
	const char *eid = form_id ? workplace_entry_insert(r, wid, label, arena_printf(r->arena, "[\"%s\"]", form_id), NULL, &res) : NULL;
	if (eid == NULL) {
		console_db_failed(r, res, "campaign entry point");
		return;
	}
	const char *p[7] = { wid, form_id, in.starts, in.ends, target, eid, r->officer->id };
	res = db_query(r->app->db, "INSERT INTO survey_campaign (workplace_id, form_id, starts_on, ends_on, target, entry_point_id, "
	    "officer_id) VALUES ($1::bigint, $2, $3::date, $4::date, $5::integer, $6::bigint, $7::bigint) RETURNING id", 7, p);
	const char *id = console_new_id(r, res, "campaign insert");
	if (id == NULL)
		return;
	audit_officer(r, "campaign.add", arena_printf(r->arena, "campaign:%s", id),
	    arena_printf(r->arena, "%s %s..%s target %s qr %s", code, in.starts, in.ends, target, eid));
	http_redirect(r, arena_printf(r->arena, "/admin/campaigns/%s?done=added", id));
}

/* The results: live over the period's answers, or the frozen ones. */
static void
campaign_results(struct req *r, const struct campaign *c, bool closed)
{
	const struct form *form = form_find(r->app->forms, c->form_id);
	const char *p[5] = { c->id, r->officer->unit_path, c->workplace_id, c->starts, c->ends };
	PGresult *rows = NULL;
	if (form != NULL && closed)
		rows = console_rows(db_query(r->app->db, "SELECT s.id, to_char(s.received_at AT TIME ZONE 'Asia/Ho_Chi_Minh', "
		    "'DD/MM/YYYY HH24:MI'), s.answers::text FROM campaign_answer x JOIN submission s ON s.id = x.submission_id "
		    "WHERE x.campaign_id = $1::bigint ORDER BY s.received_at DESC, s.id DESC LIMIT 20001", 1, p), "campaign: frozen answers");
	else if (form != NULL)
		rows = console_rows(db_query(r->app->db, "SELECT a.id, to_char(a.received_at AT TIME ZONE 'Asia/Ho_Chi_Minh', "
		    "'DD/MM/YYYY HH24:MI'), a.answers::text FROM survey_answers($2, (SELECT form_id FROM survey_campaign "
		    "WHERE id = $1::bigint), $3, $4, $5) a ORDER BY a.received_at DESC, a.id DESC LIMIT 20001", 5, p), "campaign: answers");
	console_heading(r, 2, "results", closed ? "Kết quả đã chốt" : "Kết quả đến lúc này",
	    closed ? "Frozen results" : "Results so far");
	if (rows == NULL) {
		console_empty(r, "Không đọc được dữ liệu lúc này.", "The data could not be read just now.");
		return;
	}
	survey_results_render(r, form, rows, closed);
}

/* The round page's survey part: each closed campaign whose results were
 * handed to round `round_id` (sql/045's round_id), with its frozen
 * results and a link to the campaign; nothing when none was. */
void
campaign_round_results(struct req *r, const char *round_id)
{
	const char *p[2] = { round_id, r->officer->unit_path };
	PGresult *res = db_query(r->app->db, CAMPAIGN_SELECT "WHERE c.round_id = $1::bigint AND u.path LIKE $2 || '%' "
	    "ORDER BY c.closed_at, c.id LIMIT 20", 2, p);
	if (!db_ok(res) || PQntuples(res) == 0) {
		PQclear(res);
		return;
	}
	console_section_id(r, "campaigns", "Khảo sát trước phiên (kết quả đã chốt)", "Surveys before the round (frozen results)");
	for (int i = 0; i < PQntuples(res); i++) {
		struct campaign c;
		const char **const f[CC__MAX] = { &c.id, &c.workplace_id, &c.workplace, &c.form_id, &c.starts, &c.ends, &c.target,
			&c.entry_id, &c.token, &c.closed, &c.answers, &c.round, &c.round_kind, &c.round_day, &c.today, &c.closed_at };
		for (int k = 0; k < CC__MAX; k++)
			*f[k] = arena_strdup(r->arena, PQgetvalue(res, i, k));
		console_para(r, arena_printf(r->arena, L(r, "Đợt khảo sát %s – %s: %s câu trả lời, chốt lúc %s.",
		    "Campaign %s – %s: %s answers, closed %s."), fmt_dmy(r->arena, c.starts), fmt_dmy(r->arena, c.ends), c.answers,
		    c.closed_at));
		console_link(r, arena_printf(r->arena, "/admin/campaigns/%s", c.id), L(r, "Mở đợt khảo sát", "Open the campaign"));
		campaign_results(r, &c, true);
	}
	html_lit(r->out, "</section>");
	PQclear(res);
}

/* The close form (officers): the round whose brief takes the results. */
static void
close_form(struct req *r, const struct campaign *c, const struct console_errs *e)
{
	const char *p[1] = { c->workplace_id };
	PGresult *rounds = db_query(r->app->db, "SELECT id::text, kind || ' · ' || to_char(coalesce(held_on, planned_on), "
	    "'DD/MM/YYYY') FROM workplace_round WHERE workplace_id = $1::bigint ORDER BY coalesce(held_on, planned_on) DESC, id DESC "
	    "LIMIT 50", 1, p);
	enum { R_ID, R_LABEL };
	int n = db_ok(rounds) ? PQntuples(rounds) : 0;
	const char **values = arena_alloc(r->arena, ((size_t)n + 1) * sizeof(char *));
	const char **labels = arena_alloc(r->arena, ((size_t)n + 1) * sizeof(char *));
	values[0] = "";
	labels[0] = L(r, "— chưa gắn với phiên nào —", "— no round yet —");
	for (int i = 0; i < n; i++) {
		values[i + 1] = arena_strdup(r->arena, PQgetvalue(rounds, i, R_ID));
		labels[i + 1] = arena_strdup(r->arena, PQgetvalue(rounds, i, R_LABEL));
	}
	PQclear(rounds);
	console_heading(r, 2, "close", "Chốt đợt khảo sát", "Close the campaign");
	console_hint(r, L(r, "Khi chốt, các phiếu đã nhận được giữ nguyên làm kết quả của đợt (phiếu đến sau không tính), "
	    "để đưa vào tóm tắt của phiên đối thoại hoặc thương lượng.",
	    "Closing keeps the answers received so far as the campaign's results (later ones do not count), for the brief of a "
	    "dialogue or bargaining round."));
	html_form_begin(r, arena_printf(r->arena, "/admin/campaigns/%s/close", c->id), "campaign-close");
	console_choice(r, FORM, "round", L(r, "Phiên đối thoại / thương lượng", "Dialogue / bargaining round"),
	    e ? kv_get_or_empty(&r->form, "round") : "", e, (size_t)n + 1, values, labels);
	console_submit(r, "btn primary", "Chốt", "Close");
}

/* GET /admin/campaigns/ID: the campaign (404 outside the scope), its QR
 * code and posters, the response rate, the results; `e`: a refused close. */
static void
campaign_page(struct req *r, const struct console_errs *e)
{
	struct campaign c;
	if (!console_found(r, campaign_load(r, r->id[0], &c)))
		return;
	bool closed = strcmp(c.closed, "true") == 0;
	console_page_back(r, e ? 400 : 200, arena_printf(r->arena, "%s — %s", L(r, "Đợt khảo sát", "Survey campaign"), c.workplace),
	    "/admin/campaigns", "← Đợt khảo sát", "← Campaigns");
	console_notice(r, notices, sizeof(notices) / sizeof(notices[0]));
	console_alert(r, e ? L(r, "Chưa chốt: hãy sửa mục được đánh dấu.", "Not closed: fix the marked field.") : NULL);
	html_lit(r->out, "<dl class=\"meta\" id=\"campaign\">");
	console_meta(r, "Nơi làm việc", "Workplace", c.workplace);
	console_meta(r, "Thời gian", "Period", arena_printf(r->arena, "%s – %s", fmt_dmy(r->arena, c.starts), fmt_dmy(r->arena, c.ends)));
	console_meta_status(r, "Tình trạng", "State", "campaign-state", campaign_state(c.starts, c.ends, closed, c.today),
	    vocab_label(campaign_states, CAMPAIGN_NSTATES, campaign_state(c.starts, c.ends, closed, c.today), r->lang));
	console_meta_status(r, "Số phiếu / mục tiêu", "Answers / target", "campaign-rate", c.answers, rate(r, c.answers, c.target));
	console_meta_link(r, "Mã QR của đợt", "The campaign's QR code", poster_url(r->arena, r->app->base_url, c.token),
	    poster_short_url(r->arena, r->app->base_url, c.token));
	console_meta_link(r, "Áp phích", "Posters", arena_printf(r->arena, "/admin/qr/%s/poster", c.entry_id),
	    L(r, "In áp phích A4", "Print A4 posters"));
	if (closed) {
		console_meta(r, "Chốt lúc", "Closed at", c.closed_at);
		if (*c.round)
			console_meta(r, "Đưa vào phiên", "Taken to the round", arena_printf(r->arena, "#%s %s %s", c.round, c.round_kind,
			    c.round_day));
	}
	html_lit(r->out, "</dl>");
	campaign_results(r, &c, closed);
	if (!closed && r->officer->role >= ROLE_OFFICER)
		close_form(r, &c, e);
	console_end(r);
}

void
page_admin_campaign(struct req *r)
{
	campaign_page(r, NULL);
}

/* POST /admin/campaigns/ID/close (officers): freezes the answers counted
 * now (campaign_answer) and hands them to a round of the same workplace
 * when one is chosen (else 400 beside "round"); 404 outside the scope,
 * 409 when closed already. Audited. */
void
page_admin_campaign_close(struct req *r)
{
	struct campaign c;
	if (!console_found(r, campaign_load(r, r->id[0], &c)))
		return;
	if (strcmp(c.closed, "true") == 0) {
		console_refuse(r, 409, "Đợt khảo sát này đã được chốt.", "This campaign is closed already.",
		    arena_printf(r->arena, "/admin/campaigns/%s", c.id));
		return;
	}
	const char *round = kv_get_or_empty(&r->form, "round");
	const char *rp[2] = { round, c.workplace_id };
	PGresult *res = *round && fmt_is_id(round) ? db_query(r->app->db, "SELECT count(*) FROM workplace_round "
	    "WHERE id = $1::bigint AND workplace_id = $2::bigint", 2, rp) : NULL;
	bool round_ok = *round == '\0' || (db_scalar(res) && strcmp(db_scalar(res), "1") == 0);
	PQclear(res);
	if (!round_ok) {
		struct console_errs e = { 0 };
		console_err_add(&e, "round", L(r, "Hãy chọn một phiên của nơi làm việc này trong danh sách.",
		    "Choose a round of this workplace from the list."));
		campaign_page(r, &e);
		return;
	}
	const char *p[4] = { c.id, r->officer->unit_path, r->officer->id, *round ? round : NULL };
	res = db_query(r->app->db, "WITH f AS (INSERT INTO campaign_answer (campaign_id, submission_id) "
	    "SELECT c.id, a.id FROM survey_campaign c CROSS JOIN LATERAL survey_answers($2, c.form_id, c.workplace_id::text, "
	    "c.starts_on::text, c.ends_on::text) a WHERE c.id = $1::bigint RETURNING submission_id) "
	    "UPDATE survey_campaign SET closed_at = now(), closed_by = $3::bigint, answers = (SELECT count(*) FROM f), "
	    "round_id = $4::bigint WHERE id = $1::bigint AND closed_at IS NULL RETURNING answers", 4, p);
	const char *n = console_new_id(r, res, "campaign close");   /* the answers it froze, not an id */
	if (n == NULL)
		return;
	audit_officer(r, "campaign.close", arena_printf(r->arena, "campaign:%s", c.id),
	    arena_printf(r->arena, "answers %s round %s", n, *round ? round : "-"));
	http_redirect(r, arena_printf(r->arena, "/admin/campaigns/%s?done=closed", c.id));
}
