/* page_admin_results.c: /admin/results/WORKPLACE: "Công đoàn đã làm gì": the aggregate lines workers would see, previewed, approved (a snapshot, who and when) or withdrawn by an officer. */
#include <string.h>
#include <libpq-fe.h>
#include <sodium.h>

#include "app.h"
#include "arena.h"
#include "auth.h"
#include "buf.h"
#include "console.h"
#include "db.h"
#include "filters.h"
#include "html.h"
#include "http.h"
#include "i18n.h"
#include "page_admin.h"
#include "req.h"
#include "results.h"

static const struct console_notice notices[] = {
	{ "approved", "Đã duyệt: người lao động thấy các dòng này khi quét mã QR của nơi làm việc.",
	  "Approved: workers see these lines when they scan the workplace's QR codes." },
	{ "withdrawn", "Đã rút lại: người lao động không còn thấy kết quả.", "Withdrawn: workers no longer see the results." },
};

/* The workplace's name when it is in the officer's scope. */
static enum found
workplace_load(struct req *r, const char **name)
{
	const char *p[2] = { r->id[0], r->officer->unit_path };
	const char **const f[1] = { name };
	return db_row(db_query(r->app->db, "SELECT w.name FROM workplace w JOIN org_unit u ON u.id = w.unit_id "
	    "WHERE w.id = $1::bigint AND u.path LIKE $2 || '%'", 2, p), r->arena, f, 1);
}

/* A fingerprint of the lines (hex, arena): the approval names what the
 * officer saw, and is refused when the figures changed since. */
static const char *
fingerprint(struct req *r, const struct result_line *l, int n)
{
	struct buf b = { 0 };
	for (int i = 0; i < n; i++)
		buf_appendf(&b, "%s|%s|%s|%ld|%ld|%ld\n", l[i].kind, l[i].label_vi, l[i].label_en, l[i].n, l[i].kept, l[i].reports);
	unsigned char h[16];
	crypto_generichash(h, sizeof(h), (const unsigned char *)(b.data ? b.data : ""), b.len, NULL, 0);
	buf_free(&b);
	char *hex = arena_alloc(r->arena, sizeof(h) * 2 + 1);
	return hex ? sodium_bin2hex(hex, sizeof(h) * 2 + 1, h, sizeof(h)) : "";
}

/* GET /admin/results/WORKPLACE: what is published (with who approved it
 * and when), the preview of what would be published now, and the
 * approve / withdraw buttons (officers). 404 outside the scope. */
void
page_admin_results(struct req *r)
{
	const char *name = NULL;
	if (!console_found(r, workplace_load(r, &name)))
		return;
	struct result_line *now = NULL, *pub = NULL;
	const char *approved_on = NULL;
	int n = results_compute(r, r->id[0], &now), np = n < 0 ? -1 : results_published(r, r->id[0], false, &pub, &approved_on);
	enum { AP_WHO, AP_AT };
	const char *p[1] = { r->id[0] };
	PGresult *who = np < 0 ? NULL : db_query(r->app->db, "SELECT coalesce(nullif(o.display_name, ''), o.username), "
	    "to_char(w.approved_at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'DD/MM/YYYY HH24:MI') FROM workplace_result w "
	    "JOIN officer o ON o.id = w.approved_by WHERE w.workplace_id = $1::bigint AND w.withdrawn_at IS NULL", 1, p);
	if (np < 0 || !db_ok(who)) {
		console_db_failed(r, who, "results");
		return;
	}
	console_page_back(r, 200, arena_printf(r->arena, "%s — %s", L(r, "Công đoàn đã làm gì", "What the union did"), name),
	    arena_printf(r->arena, "/admin/workplaces/%s", r->id[0]), "← Nơi làm việc", "← Workplace");
	console_notice(r, notices, sizeof(notices) / sizeof(notices[0]));
	static const char hint_vi[] = "Người lao động quét mã QR của nơi làm việc thấy kết quả đã duyệt: chỉ số liệu gộp, mỗi dòng "
	    "từ 5 phản ánh trở lên (phản ánh đã giải quyết theo loại; cam kết của công ty tại các phiên đã đưa phản ánh ra), không "
	    "nêu tên ai. Họ thấy bản đã duyệt, không phải số liệu lúc này.";
	static const char hint_en[] = "Workers scanning the workplace's QR codes see the approved results: totals only, each line "
	    "from 5 reports or more (resolved reports by kind; the employer's commitments at rounds that took reports up), naming "
	    "no one. They see the approved snapshot, not live figures.";
	console_hint(r, L(r, hint_vi, hint_en));
	console_heading(r, 2, "published", "Đang công bố", "Published");
	if (np > 0 && PQntuples(who) == 1) {
		console_para(r, arena_printf(r->arena, L(r, "Duyệt bởi %s lúc %s.", "Approved by %s at %s."), PQgetvalue(who, 0, AP_WHO),
		    PQgetvalue(who, 0, AP_AT)));
		results_render(r, "results-published", pub, np, approved_on);
	} else {
		console_empty(r, "Chưa công bố gì.", "Nothing is published.");
	}
	PQclear(who);
	console_heading(r, 2, "preview", "Xem trước (số liệu lúc này)", "Preview (figures now)");
	if (n > 0)
		results_render(r, "results", now, n, NULL);
	else
		console_empty(r, "Chưa có dòng nào đủ 5 phản ánh: chưa có gì để công bố.", "No line has 5 reports yet: nothing to publish.");
	if (r->officer->role >= ROLE_OFFICER && n > 0) {
		console_action_open(r, arena_printf(r->arena, "/admin/results/%s", r->id[0]), "inline", "approve", "seen",
		    fingerprint(r, now, n));
		console_submit(r, "btn primary", "Duyệt và công bố bản này", "Approve and publish this");
	}
	if (r->officer->role >= ROLE_OFFICER && np > 0) {
		console_action_open(r, arena_printf(r->arena, "/admin/results/%s", r->id[0]), "inline", "withdraw", NULL, NULL);
		console_submit(r, "btn", "Rút lại", "Withdraw");
	}
	console_end(r);
}

/* action=approve: the lines computed now become the live snapshot (the
 * previous one withdrawn), if they are what the officer saw (`seen`):
 * else 409 and nothing changes; none to publish: 400. Audited. */
static void
approve(struct req *r)
{
	struct result_line *l = NULL;
	int n = results_compute(r, r->id[0], &l);
	if (n < 0) {
		console_db_failed(r, NULL, "results approve");
		return;
	}
	const char *back = arena_printf(r->arena, "/admin/results/%s", r->id[0]);
	if (n == 0) {
		console_refuse(r, 400, "Chưa có dòng nào đủ 5 phản ánh: không có gì để công bố.", "No line has 5 reports: nothing to publish.",
		    back);
		return;
	}
	if (strcmp(kv_get_or_empty(&r->form, "seen"), fingerprint(r, l, n)) != 0) {
		console_refuse(r, 409, "Số liệu đã thay đổi từ lúc anh/chị xem: hãy xem lại bản xem trước rồi duyệt.",
		    "The figures changed since you looked: check the preview again, then approve.", back);
		return;
	}
	const char *p[2] = { r->id[0], r->officer->id };
	PGresult *res = db_query(r->app->db, "UPDATE workplace_result SET withdrawn_at = now(), withdrawn_by = $2::bigint "
	    "WHERE workplace_id = $1::bigint AND withdrawn_at IS NULL", 2, p);
	if (console_query_failed(r, res, "results replace"))
		return;
	PQclear(res);
	res = db_query(r->app->db, "INSERT INTO workplace_result (workplace_id, approved_by) VALUES ($1::bigint, $2::bigint) "
	    "RETURNING id", 2, p);
	const char *id = console_new_id(r, res, "results snapshot");
	if (id == NULL)
		return;
	for (int i = 0; i < n; i++) {
		const char *q[8] = { id, arena_printf(r->arena, "%d", i + 1), l[i].kind, l[i].label_vi, l[i].label_en,
			arena_printf(r->arena, "%ld", l[i].n), strcmp(l[i].kind, "commitments") == 0 ? arena_printf(r->arena, "%ld", l[i].kept)
			: NULL, arena_printf(r->arena, "%ld", l[i].reports) };
		res = db_query(r->app->db, "INSERT INTO workplace_result_line (result_id, position, kind, label_vi, label_en, n, kept, "
		    "reports) VALUES ($1::bigint, $2::integer, $3, $4, $5, $6::integer, $7::integer, $8::integer)", 8, q);
		if (!db_ok(res)) {
			console_db_failed(r, res, "results line");
			return;
		}
		PQclear(res);
	}
	if (db_announce(r->app->db) != 0) {   /* workers cache what is published (entry.c) */
		console_db_failed(r, NULL, "results announce");
		return;
	}
	audit_officer(r, "results.approve", arena_printf(r->arena, "workplace:%s", r->id[0]),
	    arena_printf(r->arena, "snapshot %s, %d lines", id, n));
	http_redirect(r, arena_printf(r->arena, "%s?done=approved", back));
}

/* action=withdraw: the live snapshot withdrawn (who, when kept); 409 when
 * none is published. Audited. */
static void
withdraw(struct req *r)
{
	const char *p[2] = { r->id[0], r->officer->id };
	PGresult *res = db_query(r->app->db, "UPDATE workplace_result SET withdrawn_at = now(), withdrawn_by = $2::bigint "
	    "WHERE workplace_id = $1::bigint AND withdrawn_at IS NULL RETURNING id", 2, p);
	const char *id = db_scalar(res) ? arena_strdup(r->arena, db_scalar(res)) : NULL;
	if (!db_ok(res)) {
		console_db_failed(r, res, "results withdraw");
		return;
	}
	PQclear(res);
	const char *back = arena_printf(r->arena, "/admin/results/%s", r->id[0]);
	if (id == NULL) {
		console_refuse(r, 409, "Chưa công bố gì để rút lại.", "Nothing is published to withdraw.", back);
		return;
	}
	if (db_announce(r->app->db) != 0) {   /* workers cache what is published (entry.c) */
		console_db_failed(r, NULL, "results announce");
		return;
	}
	audit_officer(r, "results.withdraw", arena_printf(r->arena, "workplace:%s", r->id[0]), arena_printf(r->arena, "snapshot %s", id));
	http_redirect(r, arena_printf(r->arena, "%s?done=withdrawn", back));
}

/* POST /admin/results/WORKPLACE (officers): action=approve|withdraw;
 * 404 outside the scope, 400 for another action. */
void
page_admin_results_post(struct req *r)
{
	const char *name = NULL;
	if (!console_found(r, workplace_load(r, &name)))
		return;
	static const struct console_action actions[] = { { "approve", approve }, { "withdraw", withdraw } };
	console_dispatch(r, actions, sizeof(actions) / sizeof(actions[0]));
}
