/* page_admin_export.c: /admin/export: reports of the officer's scope as CSV, XLSX or JSON Lines, streamed and audited. */
#include <string.h>

#include "app.h"
#include "arena.h"
#include "auth.h"
#include "buf.h"
#include "console.h"
#include "export.h"
#include "filters.h"
#include "fmt.h"
#include "form.h"
#include "html.h"
#include "http.h"
#include "i18n.h"
#include "log.h"
#include "page_admin.h"
#include "req.h"

/* The choice of format, form and period; `problem` (may be NULL) says
 * what was wrong, with `status` 400. */
static void
export_form_page(struct req *r, int status, const char *problem)
{
	struct buf *b = r->out;
	console_page_titled(r, status, L(r, "Xuất dữ liệu", "Export"), "Xuất phản ánh", "Export reports");
	console_alert(r, problem);
	console_para(r, L(r, "Chỉ gồm phản ánh trong phạm vi đơn vị của bạn. Thông tin liên lạc không bao giờ được xuất. "
	    "Mỗi lần xuất được ghi vào nhật ký.", "Only reports in your unit's scope. Contact details are never exported. "
	    "Every export is recorded in the audit log."));
	console_wrap(r, "<form method=\"get\" action=\"/admin/export/download\" class=\"filters\"><label>", L(r, "Định dạng", "Format"),
	    " <select name=\"format\"><option value=\"xlsx\">Excel (XLSX)</option>"
	    "<option value=\"csv\">CSV (UTF-8)</option><option value=\"jsonl\">JSON Lines</option></select></label>");
	console_wrap(r, "<label>", L(r, "Biểu mẫu", "Form"), " <select name=\"form\">");
	console_option(r, "", L(r, "Tất cả", "All"), false);
	form_options(r, NULL);
	html_lit(b, "</select></label>");
	console_workplace_select(r, NULL, "", L(r, "Tất cả", "All"), false, NULL);
	filters_date(r, "from", "Từ ngày", "From", NULL, false);
	filters_date(r, "to", "Đến ngày", "To", NULL, false);
	console_submit(r, "btn primary", "Tải về", "Download");
	console_end(r);
}

/* GET /admin/export (officers: the route says so): the choice of file. */
void
page_admin_export(struct req *r)
{
	export_form_page(r, 200, NULL);
}

/* GET /admin/export/download?format=&form=&workplace=&from=&to=: the file, streamed
 * once its status is decided; a bad choice comes back as the form, 400. */
void
page_admin_export_download(struct req *r)
{
	const char *format = kv_get_or_empty(&r->args, "format"), *form = kv_get_or_empty(&r->args, "form");
	const char *from = kv_get_or_empty(&r->args, "from"), *to = kv_get_or_empty(&r->args, "to");
	const char *workplace = kv_get_or_empty(&r->args, "workplace");
	struct console_errs wp_err = { 0 };
	enum export_format fmt = strcmp(format, "csv") == 0 ? EXPORT_CSV : strcmp(format, "jsonl") == 0 ? EXPORT_JSONL :
	    strcmp(format, "xlsx") == 0 ? EXPORT_XLSX : EXPORT__MAX;
	const struct { bool bad; const char *vi, *en; } checks[] = {
		{ fmt == EXPORT__MAX, "Định dạng: chọn XLSX, CSV hoặc JSON Lines.", "Format: choose XLSX, CSV or JSON Lines." },
		{ *form && form_find(r->app->forms, form) == NULL, "Biểu mẫu: không có biểu mẫu này.", "Form: no such form." },
		{ *from && !fmt_is_date(from), "Từ ngày: cần một ngày có thật, dạng YYYY-MM-DD.", "From: a real day, YYYY-MM-DD." },
		{ *to && !fmt_is_date(to), "Đến ngày: cần một ngày có thật, dạng YYYY-MM-DD.", "To: a real day, YYYY-MM-DD." },
		{ *workplace && console_workplace_pick(r, workplace, &wp_err) == NULL,   /* a bigint of our scope */
		    "Nơi làm việc: không có nơi làm việc này trong phạm vi của bạn.", "Workplace: there is no such workplace in your scope." },
	};
	for (size_t i = 0; i < sizeof(checks) / sizeof(checks[0]); i++)
		if (checks[i].bad) {   /* checked before the 200 goes out: nothing half-sent */
			export_form_page(r, 400, L(r, checks[i].vi, checks[i].en));
			return;
		}
	audit_officer(r, "export.submissions", format, arena_printf(r->arena, "form=%s from=%s to=%s workplace=%s",
	    form, from, to, workplace));
	static const char *const types[] = {
		"text/csv; charset=utf-8",   /* EXPORT_CSV */
		"application/x-ndjson; charset=utf-8",   /* EXPORT_JSONL */
		"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",   /* EXPORT_XLSX */
	};
	static const char *const ext[] = { "csv", "jsonl", "xlsx" };
	http_stream_begin(r, types[fmt], arena_printf(r->arena, "tiengnoi-%s%s%s.%s", *form ? form : "phan-anh",
	    *from ? "-" : "", from, ext[fmt]));
	struct export_query q = { r->officer->unit_path, form, from, to, workplace };
	char err[300];
	if (export_submissions(r->app->db, r->app->forms, &q, fmt, http_stream_write, r, err, sizeof(err)) != 0) {
		/* the 200 is gone: cut the download so it fails, never a short file that looks whole */
		http_stream_abort(r, err);
		audit_officer(r, "export.failed", format, err);
	}
}
