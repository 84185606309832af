/* page_admin_workplaces.c: /admin/workplaces and /admin/qr/ID: workplaces one by one or from CSV, and the QR codes posted there (created, revoked, replaced); any officer may look, an admin changes, every change audited. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include <libpq-fe.h>

#include "app.h"
#include "arena.h"
#include "auth.h"
#include "buf.h"
#include "console.h"
#include "db.h"
#include "fmt.h"
#include "form.h"
#include "html.h"
#include "http.h"
#include "i18n.h"
#include "log.h"
#include "org.h"
#include "page_admin.h"
#include "req.h"
#include "token.h"

#define LIST_MAX 500          /* workplaces listed at once; a search narrows it */
#define HEADCOUNT_MAX 10000000L

/* What a redirect after a change says on the next page (?ok=), with the
 * number imported (&n=) or the new code's poster (&ep=). */
static const struct console_notice notices[] = {
	{ "workplace.create", "Đã thêm nơi làm việc. Hãy tạo mã QR để dán tại đây.", "Workplace added. Create a QR code to post there." },
	{ "workplace.update", "Đã lưu.", "Saved." },
	{ "workplace.import", "Đã nhập các nơi làm việc:", "Workplaces imported:" },
	{ "qr.create", "Đã tạo mã QR.", "QR code created." },
	{ "qr.revoke", "Đã thu hồi mã: quét mã này giờ chỉ thấy trang \"không tìm thấy\".",
	  "Code revoked: scanning it now shows a \"not found\" page." },
	{ "qr.replace", "Đã thay mã: mã cũ không còn dùng được. Hãy in và dán áp phích mới.",
	  "Code replaced: the old one no longer works. Print and post the new poster." },
};

static void
notice(struct req *r)
{
	struct buf *b = r->out;
	if (!console_notice_open(r, "ok", notices, sizeof(notices) / sizeof(notices[0])))
		return;
	const char *n = kv_get_or_empty(&r->args, "n"), *ep = kv_get_or_empty(&r->args, "ep");
	if (fmt_is_id(n)) {
		html_lit(b, " ");
		html_text(b, n);
	}
	if (fmt_is_id(ep)) {
		html_lit(b, " <a href=\"/admin/qr/");
		html_url_arg(b, ep);
		console_wrap(r, "/poster\">", L(r, "In áp phích", "Print the poster"), "</a>");
	}
	html_lit(b, "</p>");
}

/* ---- workplaces ---- */

static const char *const ownership_values[] = { "", "state", "non_state", "fdi" };

static const char *
ownership_name(struct req *r, const char *v)
{
	if (strcmp(v, "state") == 0)
		return L(r, "Nhà nước", "State");
	if (strcmp(v, "non_state") == 0)
		return L(r, "Ngoài nhà nước", "Non-state");
	if (strcmp(v, "fdi") == 0)
		return L(r, "Có vốn đầu tư nước ngoài (FDI)", "Foreign-invested (FDI)");
	return "—";
}

/* A workplace's editable fields, as typed or as stored. */
struct wp {
	const char *code, *name, *unit_id, *tax_code, *address, *sector, *ownership, *headcount;
};

static void
wp_from(const struct kvlist *v, struct wp *w)
{
	w->code = kv_get_or_empty(v, "code");
	w->name = kv_get_or_empty(v, "name");
	w->unit_id = kv_get_or_empty(v, "unit");
	w->tax_code = kv_get_or_empty(v, "tax_code");
	w->address = kv_get_or_empty(v, "address");
	w->sector = kv_get_or_empty(v, "sector");
	w->ownership = kv_get_or_empty(v, "ownership");
	w->headcount = kv_get_or_empty(v, "headcount");
}

/* Checks and normalises posted workplace fields in place; problems go into e. */
static void
wp_check(struct req *r, struct wp *w, bool with_code, struct console_errs *e)
{
	if (with_code) {
		w->code = console_posted_line(r, "code", 40, true, e);
		if (!console_err_of(e, "code") && !org_code_valid(w->code))
			console_err_add(e, "code", org_problem_text(ORG_BAD_CODE, r->lang));
		if (!console_err_of(e, "code")) {
			json_t *one = json_pack("[s]", w->code);
			char *codes = one ? json_dumps(one, JSON_COMPACT) : NULL;
			json_decref(one);
			const char *p[1] = { codes };
			PGresult *res = codes ? db_query(r->app->db, "SELECT count(*) FROM workplace_codes_taken($1::json)", 1, p) : NULL;
			free(codes);
			if (db_scalar(res) && strcmp(db_scalar(res), "0") != 0)
				console_err_add(e, "code", org_problem_text(ORG_DUP_DB, r->lang));
			PQclear(res);
		}
	}
	w->name = console_posted_line(r, "name", 300, true, e);
	const char *path, *code;
	const char *why = console_unit_pick(r, w->unit_id, &path, &code);
	if (why)
		console_err_add(e, "unit", why);
	w->tax_code = console_posted_line(r, "tax_code", 14, false, e);
	if (*w->tax_code && !console_err_of(e, "tax_code") && !org_tax_code_valid(w->tax_code))
		console_err_add(e, "tax_code", org_problem_text(ORG_BAD_TAX, r->lang));
	w->address = console_posted_line(r, "address", 500, false, e);
	w->sector = console_posted_line(r, "sector", 100, false, e);
	bool own = false;
	for (size_t i = 0; i < sizeof(ownership_values) / sizeof(ownership_values[0]); i++)
		own |= strcmp(w->ownership, ownership_values[i]) == 0;
	if (!own)
		console_err_add(e, "ownership", org_problem_text(ORG_BAD_OWNERSHIP, r->lang));
	w->headcount = console_posted_line(r, "headcount", 12, false, e);
	if (*w->headcount && !console_err_of(e, "headcount") &&
	    (strspn(w->headcount, "0123456789") != strlen(w->headcount) || strlen(w->headcount) > 8 ||
	    atol(w->headcount) > HEADCOUNT_MAX))
		console_err_add(e, "headcount", org_problem_text(ORG_BAD_HEADCOUNT, r->lang));
}

static void
wp_fields(struct req *r, const struct console_unit *t, int nt, const char *form, bool with_code, const struct wp *w, const struct console_errs *e)
{
	if (with_code)
		console_input(r, form, "code", L(r, "Mã", "Code"), L(r, "2–40 ký tự A–Z, 0–9, _ hoặc -; không đổi được về sau.",
		    "2–40 characters of A–Z, 0–9, _ or -; cannot be changed later."), w->code, e, 40, true);
	console_input(r, form, "name", L(r, "Tên doanh nghiệp, cơ quan", "Name of the enterprise or agency"), NULL, w->name, e, 300, true);
	console_unit_select(r, t, nt, form, "unit", L(r, "Công đoàn phụ trách", "Union unit in charge"), NULL, w->unit_id, NULL, false, e);
	console_input(r, form, "tax_code", L(r, "Mã số thuế", "Tax code"), L(r, "10 chữ số; chi nhánh: 10 chữ số-3 chữ số.",
	    "10 digits; a branch: 10 digits-3 digits."), w->tax_code, e, 14, false);
	console_input(r, form, "address", L(r, "Địa chỉ", "Address"), NULL, w->address, e, 500, false);
	console_input(r, form, "sector", L(r, "Ngành nghề", "Sector"), L(r, "Ví dụ: dệt may, chế biến chè, thủy điện.",
	    "E.g. garments, tea processing, hydropower."), w->sector, e, 100, false);
	const char *labels[4] = { "—", ownership_name(r, "state"), ownership_name(r, "non_state"), ownership_name(r, "fdi") };
	console_choice(r, form, "ownership", L(r, "Loại hình sở hữu", "Ownership"), w->ownership, e, 4, ownership_values, labels);
	console_input(r, form, "headcount", L(r, "Số lao động", "Headcount"), NULL, w->headcount, e, 12, false);
}

/* GET /admin/workplaces?q=&unit=: the list, and for an admin the create
 * form (coming back with its problems on a bad POST). */
static void
workplaces_page(struct req *r, int status, const struct kvlist *v, const struct console_errs *e, const char *problem)
{
	struct buf *b = r->out;
	const char *q = kv_get_or_empty(&r->args, "q"), *unit = kv_get_or_empty(&r->args, "unit");
	if (strlen(q) > 200 || (*unit && !fmt_is_id(unit))) {
		http_error(r, 400, MSG__MAX);
		return;
	}
	struct console_unit *t;
	int nt = console_units(r, &t);
	const char *p[3] = { r->officer->unit_path, *unit ? unit : NULL, q };
	enum { W_ID, W_NAME, W_CODE, W_TAX_CODE, W_UNIT, W_QR, W_REPORTS };
	PGresult *rows = nt >= 0 ? db_query(r->app->db,
	    "SELECT w.id, w.name, w.code, coalesce(w.tax_code, ''), u.name, "
	    "(SELECT count(*) FROM entry_point e WHERE e.workplace_id = w.id AND e.revoked_at IS NULL), "
	    "(SELECT count(*) FROM submission s WHERE s.workplace_id = w.id) "
	    "FROM workplace w JOIN org_unit u ON u.id = w.unit_id "
	    "WHERE u.path LIKE $1 || '%' "
	    "AND ($2::bigint IS NULL OR u.path LIKE (SELECT p.path FROM org_unit p WHERE p.id = $2::bigint) || '%') "
	    "AND ($3 = '' OR vn_fold(w.name || ' ' || w.code || ' ' || coalesce(w.tax_code, '')) LIKE '%' || vn_fold($3) || '%') "
	    "ORDER BY w.name, w.id LIMIT 501", 3, p) : NULL;
	if (nt < 0 || !db_ok(rows)) {
		console_db_failed(r, rows, "workplace list");
		return;
	}
	console_page_titled(r, status, L(r, "Nơi làm việc", "Workplaces"), "Nơi làm việc và mã QR", "Workplaces and QR codes");
	notice(r);
	console_alert(r, problem);
	console_search(r, "/admin/workplaces", "Tìm tên, mã, mã số thuế", "Search name, code, tax code", q, 200);
	console_wrap(r, "<label>", L(r, "Đơn vị (kể cả trực thuộc)", "Unit (and below)"), " ");
	console_unit_filter(r, t, nt, unit);
	html_lit(b, "</label>");
	console_submit(r, "btn primary", "Lọc", "Filter");
	if (r->officer->role >= ROLE_ADMIN) {
		html_lit(b, "<p>");
		console_button_link(r, "btn", "#new", "Thêm nơi làm việc", "Add a workplace");
		html_lit(b, " ");
		console_button_link(r, "btn", "/admin/workplaces/import", "Nhập danh sách từ CSV", "Import a list from CSV");
		html_lit(b, "</p>");
	}
	static const struct console_label heads[] = {
		{ "Tên", "Name" }, { "Mã", "Code" }, { "Mã số thuế", "Tax code" }, { "Đơn vị", "Unit" },
		{ "Mã QR đang dùng", "QR codes in use" }, { "Phản ánh", "Reports" },
	};
	int n = PQntuples(rows);
	if (console_table(r, n, "<table class=\"workplaces\" id=\"workplaces\">", heads, sizeof(heads) / sizeof(heads[0]),
	    "Không có nơi làm việc nào khớp.", "No workplace matches.")) {
		for (int i = 0; i < n && i < LIST_MAX; i++) {
			const char *wid = PQgetvalue(rows, i, W_ID);
			html_lit(b, "<tr>");
			console_td_link(r, arena_printf(r->arena, "/admin/workplaces/%s", wid), PQgetvalue(rows, i, W_NAME));
			console_td(r, PQgetvalue(rows, i, W_CODE));
			console_td(r, PQgetvalue(rows, i, W_TAX_CODE));
			console_td(r, PQgetvalue(rows, i, W_UNIT));
			console_td(r, PQgetvalue(rows, i, W_QR));
			console_td_link(r, arena_printf(r->arena, "/admin/?workplace=%s", wid), PQgetvalue(rows, i, W_REPORTS));
			html_lit(b, "</tr>");
		}
		html_lit(b, "</tbody></table>");
		if (n > LIST_MAX)
			console_hint(r, L(r, "Chỉ hiện 500 nơi đầu tiên: hãy tìm hoặc chọn đơn vị để thu hẹp.",
			    "Only the first 500 are shown: search or pick a unit to narrow the list."));
	}
	PQclear(rows);
	if (r->officer->role >= ROLE_ADMIN) {
		struct wp w = { "", "", r->officer->unit_id, "", "", "", "", "" };
		if (v)
			wp_from(v, &w);
		console_heading(r, 2, "new", "Thêm nơi làm việc", "Add a workplace");
		html_form_begin(r, "/admin/workplaces", "workplace-new");
		wp_fields(r, t, nt, "new", true, &w, e);
		console_submit(r, "btn primary", "Thêm", "Add");
	}
	console_end(r);
}

/* POST /admin/workplaces (admins): a new workplace. */
void
page_admin_workplace_create(struct req *r)
{
	struct console_errs e = { 0 };
	struct wp w;
	wp_from(&r->form, &w);
	wp_check(r, &w, true, &e);
	if (e.n > 0) {
		workplaces_page(r, 400, &r->form, &e, L(r, "Chưa thêm: hãy sửa các mục được đánh dấu.", "Not added: fix the marked fields."));
		return;
	}
	const char *p[8] = { w.code, w.name, w.unit_id, w.tax_code, w.address, w.sector, w.ownership, w.headcount };
	PGresult *res = db_guarded(r->app->db, "INSERT INTO workplace (code, name, unit_id, tax_code, address, sector, ownership, headcount) "
	    "VALUES ($1, $2, $3::bigint, nullif($4, ''), nullif($5, ''), nullif($6, ''), nullif($7, ''), nullif($8, '')::integer) "
	    "RETURNING id", 8, p);
	if (db_failed_with(res, "23505")) {
		PQclear(res);
		console_err_add(&e, "code", org_problem_text(ORG_DUP_DB, r->lang));
		workplaces_page(r, 400, &r->form, &e, L(r, "Chưa thêm: hãy sửa các mục được đánh dấu.", "Not added: fix the marked fields."));
		return;
	}
	const char *id = console_new_id(r, res, "workplace create");
	if (id == NULL)
		return;
	audit_officer(r, "workplace.create", arena_printf(r->arena, "workplace:%s", id), w.code);
	http_redirect(r, arena_printf(r->arena, "/admin/workplaces/%s?ok=workplace.create", id));
}

/* One workplace as stored; strings in the arena. */
struct wp_row {
	struct wp w;
	const char *id, *unit_name, *reports;
};

/* Workplace `id` within the officer's scope (absent and outside answer
 * the same MISSING). */
static enum found
workplace_load(struct req *r, const char *id, struct wp_row *row)
{
	enum { W_ID, W_CODE, W_NAME, W_UNIT_ID, W_TAX_CODE, W_ADDRESS, W_SECTOR, W_OWNERSHIP, W_HEADCOUNT, W_UNIT_NAME, W_REPORTS };
	const char *p[2] = { id, r->officer->unit_path };
	PGresult *res = db_query(r->app->db,
	    "SELECT w.id, w.code, w.name, w.unit_id, coalesce(w.tax_code, ''), coalesce(w.address, ''), coalesce(w.sector, ''), "
	    "coalesce(w.ownership, ''), coalesce(w.headcount::text, ''), u.name, "
	    "(SELECT count(*) FROM submission s WHERE s.workplace_id = w.id) "
	    "FROM workplace w JOIN org_unit u ON u.id = w.unit_id WHERE w.id = $1::bigint AND u.path LIKE $2 || '%'", 2, p);
	const char **const f[] = {   /* in the order of the columns, W_ID .. W_REPORTS */
	    &row->id, &row->w.code, &row->w.name, &row->w.unit_id, &row->w.tax_code, &row->w.address,
	    &row->w.sector, &row->w.ownership, &row->w.headcount, &row->unit_name, &row->reports };
	return db_row(res, r->arena, f, sizeof(f) / sizeof(f[0]));
}

/* The forms a new QR code offers: checkboxes, all ticked unless a posted
 * choice says otherwise. */
static void
forms_checkboxes(struct req *r, const struct kvlist *v, const struct console_errs *e)
{
	struct buf *b = r->out;
	const char *error = console_err_of(e, "forms"), *legend = L(r, "Biểu mẫu người lao động chọn được", "Forms the worker can choose");
	if (error)
		console_wrap(r, "<fieldset class=\"field error\" id=\"f-qr-forms\"><legend>", legend, "</legend>");
	else
		console_wrap(r, "<fieldset class=\"field\" id=\"f-qr-forms\"><legend>", legend, "</legend>");
	for (size_t i = 0; i < r->app->forms->n; i++) {
		const struct form *f = &r->app->forms->forms[i];
		console_check(r, "choice", "checkbox", "forms", f->id, form_label(f->title, r->lang), v == NULL || kv_has(v, "forms", f->id));
	}
	if (error)
		console_wrap(r, "<p class=\"msg\" id=\"f-qr-forms-e\">", error, "</p>");
	html_lit(b, "</fieldset>");
}

/* GET /admin/workplaces/ID: the workplace, its QR codes, and for an admin
 * the forms to create a code and to edit the workplace. */
static void
workplace_page(struct req *r, int status, const struct wp_row *row, const char *which, const struct kvlist *v,
    const struct console_errs *e, const char *problem)
{
	struct buf *b = r->out;
	bool admin = r->officer->role >= ROLE_ADMIN;
	const char *p[2] = { row->id, r->officer->unit_path };
	enum { E_ID, E_TOKEN, E_LABEL, E_FORMS, E_CREATED, E_REVOKED, E_SCANS };
	PGresult *eps = db_query(r->app->db,
	    "SELECT e.id, e.token, e.label, array_to_string(e.forms, ','), "
	    "to_char(e.created_at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'DD/MM/YYYY HH24:MI'), "
	    "coalesce(to_char(e.revoked_at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'DD/MM/YYYY HH24:MI'), ''), e.scan_count "
	    "FROM entry_point e JOIN workplace w ON w.id = e.workplace_id JOIN org_unit u ON u.id = w.unit_id "
	    "WHERE e.workplace_id = $1::bigint AND u.path LIKE $2 || '%' "
	    "ORDER BY e.revoked_at IS NOT NULL, e.created_at DESC, e.id DESC", 2, p);
	struct console_unit *t = NULL;
	int nt = admin ? console_units(r, &t) : 0;
	if (!db_ok(eps) || nt < 0) {
		console_db_failed(r, eps, "workplace page");
		return;
	}
	console_page_back(r, status, row->w.name, "/admin/workplaces", "← Nơi làm việc", "← Workplaces");
	notice(r);
	console_alert(r, problem);
	html_lit(b, "<dl class=\"meta\">");
	console_meta(r, "Mã", "Code", row->w.code);
	console_meta(r, "Mã số thuế", "Tax code", *row->w.tax_code ? row->w.tax_code : "—");
	console_meta(r, "Địa chỉ", "Address", *row->w.address ? row->w.address : "—");
	console_meta(r, "Ngành nghề", "Sector", *row->w.sector ? row->w.sector : "—");
	console_meta(r, "Loại hình sở hữu", "Ownership", ownership_name(r, row->w.ownership));
	console_meta(r, "Số lao động", "Headcount", *row->w.headcount ? row->w.headcount : "—");
	console_meta_link(r, "Công đoàn phụ trách", "Union unit in charge", arena_printf(r->arena, "/admin/units/%s", row->w.unit_id),
	    row->unit_name);
	console_meta_link(r, "Phản ánh", "Reports", arena_printf(r->arena, "/admin/?workplace=%s", row->id), row->reports);
	console_meta_link(r, "Khảo sát", "Surveys", arena_printf(r->arena, "/admin/surveys?workplace=%s", row->id),
	    L(r, "Kết quả khảo sát", "Survey results"));
	console_meta_link(r, "Công đoàn đã làm gì", "What the union did", arena_printf(r->arena, "/admin/results/%s", row->id),
	    L(r, "Xem trước và duyệt công bố cho người lao động", "Preview and approve for the workers"));
	html_lit(b, "</dl>");

	console_heading(r, 2, "qr", "Mã QR (điểm dán)", "QR codes (where posted)");
	static const struct console_label heads[] = {
		{ "Nơi dán", "Posted at" }, { "Mã", "Token" }, { "Biểu mẫu", "Forms" }, { "Tạo lúc", "Created" },
		{ "Thu hồi lúc", "Revoked" }, { "Lượt quét", "Scans" }, { "In, tải về, thay", "Print, download, replace" },
	};
	int n = PQntuples(eps);
	if (console_table(r, n, "<table class=\"entry-points\" id=\"entry-points\">", heads, sizeof(heads) / sizeof(heads[0]),
	    "Chưa có mã QR nào.", "No QR code yet.")) {
		for (int i = 0; i < n; i++) {
			const char *eid = PQgetvalue(eps, i, E_ID);
			bool active = *PQgetvalue(eps, i, E_REVOKED) == '\0';
			if (active)
				html_lit(b, "<tr id=\"ep-");
			else
				html_lit(b, "<tr class=\"revoked\" id=\"ep-");
			html_attr(b, eid);
			html_lit(b, "\">");
			console_td(r, *PQgetvalue(eps, i, E_LABEL) ? PQgetvalue(eps, i, E_LABEL) : "—");
			console_wrap(r, "<td><code>", PQgetvalue(eps, i, E_TOKEN), "</code></td><td>");
			char *forms = arena_strdup(r->arena, PQgetvalue(eps, i, E_FORMS)), *save = NULL;
			bool first = true;
			for (char *f = strtok_r(forms, ",", &save); f; f = strtok_r(NULL, ",", &save)) {
				const struct form *fm = form_find(r->app->forms, f);
				if (!first)
					html_lit(b, ", ");
				first = false;
				html_text(b, fm ? form_label(fm->title, r->lang) : f);
			}
			html_lit(b, "</td>");
			console_td(r, PQgetvalue(eps, i, E_CREATED));
			console_td(r, active ? "—" : PQgetvalue(eps, i, E_REVOKED));
			console_wrap(r, "<td class=\"scans\">", PQgetvalue(eps, i, E_SCANS), "</td><td>");
			if (active) {
				const char *base = arena_printf(r->arena, "/admin/qr/%s", eid);
				console_link(r, arena_printf(r->arena, "%s/poster", base), L(r, "Áp phích", "Poster"));
				html_lit(b, " · <a href=\"");
				html_attr(b, base);
				html_lit(b, "/png\">PNG</a> · <a href=\"");
				html_attr(b, base);
				html_lit(b, "/svg\">SVG</a>");
				if (admin) {
					html_form_begin(r, base, "inline");
					html_lit(b, "<input type=\"hidden\" name=\"action\" value=\"revoke\">");
					console_submit(r, "btn", "Thu hồi", "Revoke");
					html_form_begin(r, base, "inline");
					html_lit(b, "<input type=\"hidden\" name=\"action\" value=\"replace\">");
					html_lit(b, "<button type=\"submit\" class=\"btn\" title=\"Thu hồi mã này và tạo mã mới cùng nơi dán, "
					    "biểu mẫu (khi áp phích bị xé hoặc bị sao chép)\">");
					html_text(b, L(r, "Thay mã mới", "Replace"));
					html_lit(b, "</button></form>");
				}
			}
			html_lit(b, "</td></tr>");
		}
		html_lit(b, "</tbody></table>");
	}
	PQclear(eps);
	if (admin) {
		bool mine = which && strcmp(which, "qr") == 0;
		console_heading(r, 3, NULL, "Tạo mã QR mới", "Create a QR code");
		html_form_begin(r, arena_printf(r->arena, "/admin/workplaces/%s", row->id), "qr-new");
		html_lit(b, "<input type=\"hidden\" name=\"action\" value=\"qr_create\">");
		console_input(r, "qr", "label", L(r, "Nơi dán", "Where it is posted"), L(r, "Ví dụ: Nhà ăn ca, Cổng chính, Bảng tin Công đoàn.",
		    "E.g. canteen, main gate, union notice board."), mine ? kv_get_or_empty(v, "label") : "", mine ? e : NULL, 200, false);
		forms_checkboxes(r, mine ? v : NULL, mine ? e : NULL);
		console_submit(r, "btn primary", "Tạo mã QR", "Create the QR code");

		mine = which && strcmp(which, "update") == 0;
		struct wp w = row->w;
		if (mine) {
			wp_from(v, &w);
			w.code = row->w.code;
		}
		console_heading(r, 2, NULL, "Sửa thông tin nơi làm việc", "Edit the workplace");
		html_form_begin(r, arena_printf(r->arena, "/admin/workplaces/%s", row->id), "workplace-edit");
		html_lit(b, "<input type=\"hidden\" name=\"action\" value=\"update\">");
		wp_fields(r, t, nt, "edit", false, &w, mine ? e : NULL);
		console_submit(r, "btn", "Lưu", "Save");
	}
	console_end(r);
}

/* A fresh entry point, for a workplace in scope (label, forms as a JSON
 * array) or as the copy of entry point copy_of (same workplace, label and
 * forms); a new random token, drawn again on the rare collision. Its id
 * (arena), or NULL with *res_out holding the failed result (NULL: the
 * database is away). */
const char *
workplace_entry_insert(struct req *r, const char *workplace_id, const char *label, const char *forms_json, const char *copy_of,
    PGresult **res_out)
{
	char token[TOKEN_LEN + 1];
	*res_out = NULL;
	for (int attempt = 0; attempt < 5; attempt++) {
		token_random(token, TOKEN_LEN);
		const char *pn[5] = { token, workplace_id, label, forms_json, r->officer->unit_path };
		const char *pc[3] = { token, copy_of, r->officer->unit_path };
		PGresult *res = copy_of ?
		    db_query(r->app->db, "INSERT INTO entry_point (token, workplace_id, label, forms) "
		    "SELECT $1, e.workplace_id, e.label, e.forms FROM entry_point e JOIN workplace w ON w.id = e.workplace_id "
		    "JOIN org_unit u ON u.id = w.unit_id WHERE e.id = $2::bigint AND u.path LIKE $3 || '%' "
		    "ON CONFLICT (token) DO NOTHING RETURNING id", 3, pc) :
		    db_query(r->app->db, "INSERT INTO entry_point (token, workplace_id, label, forms) "
		    "SELECT $1, w.id, $3, ARRAY(SELECT json_array_elements_text($4::json)) FROM workplace w "
		    "JOIN org_unit u ON u.id = w.unit_id WHERE w.id = $2::bigint AND u.path LIKE $5 || '%' "
		    "ON CONFLICT (token) DO NOTHING RETURNING id", 5, pn);
		if (res == NULL || !db_ok(res)) {
			*res_out = res;
			return NULL;
		}
		const char *id = db_scalar(res) ? arena_strdup(r->arena, db_scalar(res)) : NULL;
		PQclear(res);
		if (id)
			return id;
	}
	return NULL;
}

/* POST /admin/workplaces/ID: update, qr_create. */
void
page_admin_workplace_post(struct req *r)
{
	struct wp_row row;
	if (!console_found(r, workplace_load(r, r->id[0], &row)))
		return;
	const char *action = kv_get_or_empty(&r->form, "action");
	struct console_errs e = { 0 };
	if (strcmp(action, "update") == 0) {
		struct wp w;
		wp_from(&r->form, &w);
		wp_check(r, &w, false, &e);
		if (e.n > 0) {
			workplace_page(r, 400, &row, "update", &r->form, &e, L(r, "Chưa lưu: hãy sửa các mục được đánh dấu.", "Not saved: fix the marked fields."));
			return;
		}
		const char *p[9] = { row.id, w.name, w.unit_id, w.tax_code, w.address, w.sector, w.ownership, w.headcount,
		    r->officer->unit_path };
		PGresult *res = db_guarded(r->app->db, "UPDATE workplace w SET name = $2, unit_id = $3::bigint, tax_code = nullif($4, ''), "
		    "address = nullif($5, ''), sector = nullif($6, ''), ownership = nullif($7, ''), headcount = nullif($8, '')::integer "
		    "FROM org_unit u WHERE w.id = $1::bigint AND u.id = w.unit_id AND u.path LIKE $9 || '%'", 9, p);
		if (res == NULL || !db_ok(res) || atol(PQcmdTuples(res)) != 1) {
			console_db_failed(r, res, "workplace update");
			return;
		}
		PQclear(res);
		struct buf changed = { 0 };
		const char *names[] = { "name", "unit", "tax_code", "address", "sector", "ownership", "headcount" };
		const char *was[] = { row.w.name, row.w.unit_id, row.w.tax_code, row.w.address, row.w.sector, row.w.ownership, row.w.headcount };
		const char *now[] = { w.name, w.unit_id, w.tax_code, w.address, w.sector, w.ownership, w.headcount };
		for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			if (strcmp(was[i], now[i]) != 0)
				buf_appendf(&changed, "%s%s", changed.len ? ", " : "", names[i]);
		if (strcmp(row.w.unit_id, w.unit_id) != 0)
			buf_appendf(&changed, " (unit %s -> %s)", row.w.unit_id, w.unit_id);
		audit_officer(r, "workplace.update", arena_printf(r->arena, "workplace:%s", row.id),
		    changed.len ? arena_strndup(r->arena, changed.data, changed.len) : "no change");
		buf_free(&changed);
		http_redirect(r, arena_printf(r->arena, "/admin/workplaces/%s?ok=workplace.update", row.id));
	} else if (strcmp(action, "qr_create") == 0) {
		const char *label = console_posted_line(r, "label", 200, false, &e);
		json_t *forms = json_array();
		for (size_t i = 0; forms && i < r->form.n; i++) {
			if (strcmp(r->form.items[i].key, "forms") != 0)
				continue;
			const char *f = r->form.items[i].val;
			bool dup = false;
			for (size_t j = 0; j < json_array_size(forms); j++)
				dup |= strcmp(json_string_value(json_array_get(forms, j)), f) == 0;
			if (form_find(r->app->forms, f) == NULL) {
				console_err_add(&e, "forms", L(r, "Có biểu mẫu không tồn tại.", "An unknown form was chosen."));
				break;
			}
			if (!dup)
				json_array_append_new(forms, json_string(f));
		}
		if (!console_err_of(&e, "forms") && json_array_size(forms) == 0)
			console_err_add(&e, "forms", L(r, "Hãy chọn ít nhất một biểu mẫu.", "Choose at least one form."));
		if (e.n > 0) {
			json_decref(forms);
			workplace_page(r, 400, &row, "qr", &r->form, &e, L(r, "Chưa tạo: hãy sửa các mục được đánh dấu.",
			    "Not created: fix the marked fields."));
			return;
		}
		char *fj = json_dumps(forms, JSON_COMPACT);
		json_decref(forms);
		PGresult *res;
		const char *eid = fj ? workplace_entry_insert(r, row.id, label, fj, NULL, &res) : NULL;
		free(fj);
		if (eid == NULL) {
			console_db_failed(r, res, "qr create");
			return;
		}
		audit_officer(r, "qr.create", arena_printf(r->arena, "entry_point:%s", eid),
		    arena_printf(r->arena, "workplace %s%s%s", row.w.code, *label ? ", " : "", label));
		http_redirect(r, arena_printf(r->arena, "/admin/workplaces/%s?ok=qr.create&ep=%s#ep-%s", row.id, eid, eid));
	} else {
		http_error(r, 400, MSG__MAX);
	}
}

/* ---- the CSV import ---- */

static void
import_page(struct req *r, int status, const char *csv, const struct org_import *im, const char *problem)
{
	struct buf *b = r->out;
	console_page_back(r, status, L(r, "Nhập nơi làm việc từ CSV", "Import workplaces from CSV"), "/admin/workplaces",
	    "← Nơi làm việc", "← Workplaces");
	console_alert(r, problem);
	if (im && im->nerrors > 0) {
		static const struct console_label heads[] = { { "Dòng", "Line" }, { "Lỗi", "Problem" }, { "Giá trị", "Value" } };
		console_wrap(r, "<p class=\"alert\" role=\"alert\" id=\"import-refused\">", r->lang == LANG_EN ?
		    arena_printf(r->arena, "Nothing was imported: %zu problem(s). Fix the lines below and send the whole list again.", im->nerrors) :
		    arena_printf(r->arena, "Chưa nhập dòng nào: %zu lỗi. Sửa các dòng dưới đây rồi gửi lại cả danh sách.", im->nerrors), "</p>");
		console_table(r, (int)im->nerrors, "<table class=\"import-errors\" id=\"import-errors\">", heads, 3, NULL, NULL);
		for (size_t i = 0; i < im->nerrors; i++) {
			html_lit(b, "<tr data-line=\"");
			buf_appendf(b, "%ld", im->errors[i].line);
			html_lit(b, "\"><td>");
			if (im->errors[i].line > 0)
				buf_appendf(b, "%ld", im->errors[i].line);
			else
				html_lit(b, "—");
			html_lit(b, "</td>");
			console_td(r, org_problem_text(im->errors[i].why, r->lang));
			console_td(r, im->errors[i].detail ? im->errors[i].detail : "");
			html_lit(b, "</tr>");
		}
		html_lit(b, "</tbody></table>");
	}
	console_para(r, L(r, "Dán nội dung tệp CSV (UTF-8) vào ô dưới. Dòng đầu là tiêu đề: code,name,unit_code,tax_code,address "
	    "(hai cột cuối có thể bỏ). Dấu phân cách là dấu phẩy hoặc chấm phẩy. Nếu có bất kỳ dòng lỗi nào thì không dòng nào "
	    "được nhập. Mỗi lần dán tối đa khoảng 60 KB (vài trăm dòng); danh sách lớn hơn hãy dùng lệnh "
	    "tiengnoi-admin workplace import.",
	    "Paste the CSV file (UTF-8) below. The first line is the header: code,name,unit_code,tax_code,address (the last two "
	    "may be left out). Fields are separated by commas or semicolons. If any line is wrong, no line is imported. At most "
	    "about 60 KB per paste (a few hundred lines); for larger lists use tiengnoi-admin workplace import."));
	html_lit(b, "<pre class=\"example\">code,name,unit_code,tax_code,address\n"
	    "MAY-HOAPHAT,\"Công ty TNHH May Hòa Phát\",CD-TANPHONG,6200456789,\"Phường Tân Phong, tỉnh Lai Châu\"</pre>");
	html_form_begin(r, "/admin/workplaces/import", "import");
	console_wrap(r, "<div class=\"field\"><label for=\"f-csv\">",
	    L(r, "Nội dung CSV", "CSV content"),
	    "</label><textarea id=\"f-csv\" name=\"csv\" rows=\"16\" required spellcheck=\"false\">\n");
	html_text(b, csv ? csv : "");
	html_lit(b, "</textarea></div>");
	console_submit(r, "btn primary", "Kiểm tra và nhập", "Check and import");
	console_end(r);
}

/* POST /admin/workplaces/import (admins): all lines or none, in one statement. */
void
page_admin_workplace_import_post(struct req *r)
{
	const char *csv = kv_get_or_empty(&r->form, "csv");
	struct org_import im;
	if (org_import_check(r->arena, r->app->db, csv, strlen(csv), r->officer->unit_path, &im) != 0) {
		http_error(r, 503, MSG__MAX);
		return;
	}
	if (im.nerrors > 0) {
		import_page(r, 400, csv, &im, NULL);
		return;
	}
	char state[8];
	if (!db_savepoint(r->app->db)) {
		http_error(r, 503, MSG__MAX);
		return;
	}
	long n = org_import_store(r->app->db, &im, state, sizeof(state));
	db_savepoint_end(r->app->db, n >= 0);
	if (n < 0) {
		if (strcmp(state, "23505") == 0) {
			import_page(r, 400, csv, NULL, L(r, "Một mã vừa được dùng ở nơi khác trong lúc nhập; chưa nhập dòng nào. Hãy gửi lại.",
			    "A code was taken meanwhile; nothing was imported. Send the list again."));
			return;
		}
		log_warn("workplace import failed: SQLSTATE %s", state);
		http_error(r, 500, MSG__MAX);
		return;
	}
	audit_officer(r, "workplace.import", "", org_import_summary(r->arena, &im, n));
	http_redirect(r, arena_printf(r->arena, "/admin/workplaces?ok=workplace.import&n=%ld", n));
}

/* ---- QR codes: revoke, replace ---- */

/* POST /admin/qr/ID (admins): revoke or replace a code; a refusal comes
 * back on its workplace's page. */
void
page_admin_qr_post(struct req *r)
{
	const char *id = r->id[0];
	struct org_entry en;
	if (!console_found(r, org_entry_load(r->app->db, r->arena, id, r->officer->unit_path, &en)))
		return;
	const char *token = en.token, *wid = en.workplace_id;
	bool revoked = en.revoked;
	const char *action = kv_get_or_empty(&r->form, "action");
	bool replace = strcmp(action, "replace") == 0;
	if (!replace && strcmp(action, "revoke") != 0) {
		http_error(r, 400, MSG__MAX);
		return;
	}
	if (revoked) {
		struct wp_row row;
		if (workplace_load(r, wid, &row) == FOUND)
			workplace_page(r, 400, &row, NULL, NULL, NULL, L(r, "Mã này đã bị thu hồi trước đó.", "This code was already revoked."));
		else
			http_error(r, 400, MSG__MAX);
		return;
	}
	const char *p[2] = { id, r->officer->unit_path };
	PGresult *res = db_query(r->app->db, "UPDATE entry_point e SET revoked_at = now() FROM workplace w JOIN org_unit u ON u.id = w.unit_id "
	    "WHERE e.id = $1::bigint AND w.id = e.workplace_id AND u.path LIKE $2 || '%' AND e.revoked_at IS NULL", 2, p);
	if (res == NULL || !db_ok(res) || atol(PQcmdTuples(res)) != 1) {
		console_db_failed(r, res, "qr revoke");
		return;
	}
	PQclear(res);
	const char *object = arena_printf(r->arena, "entry_point:%s", id);
	if (!replace) {
		audit_officer(r, "qr.revoke", object, token);
		http_redirect(r, arena_printf(r->arena, "/admin/workplaces/%s?ok=qr.revoke#ep-%s", wid, id));
		return;
	}
	const char *eid = workplace_entry_insert(r, NULL, NULL, NULL, id, &res);
	if (eid == NULL) {
		console_db_failed(r, res, "qr replace");
		return;
	}
	audit_officer(r, "qr.replace", object, arena_printf(r->arena, "%s revoked, replaced by entry_point:%s", token, eid));
	http_redirect(r, arena_printf(r->arena, "/admin/workplaces/%s?ok=qr.replace&ep=%s#ep-%s", wid, eid, eid));
}

/* GET /admin/workplaces?q=&unit=: the list, and for an admin the form to add one. */
void
page_admin_workplaces(struct req *r)
{
	workplaces_page(r, 200, NULL, NULL, NULL);
}

/* GET /admin/workplaces/ID: one workplace with its QR codes, and for an admin its forms. */
void
page_admin_workplace(struct req *r)
{
	struct wp_row row;
	if (console_found(r, workplace_load(r, r->id[0], &row)))
		workplace_page(r, 200, &row, NULL, NULL, NULL, NULL);
}

/* GET /admin/workplaces/import (admins): the CSV form. */
void
page_admin_workplace_import(struct req *r)
{
	import_page(r, 200, NULL, NULL, NULL);
}
