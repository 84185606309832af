/* page_system.c: the home page and GET /healthz. */
#include <libpq-fe.h>

#include "app.h"
#include "buf.h"
#include "db.h"
#include "html.h"
#include "http.h"
#include "page_system.h"

/* GET /: what this service is, for someone who typed the address by hand. */
void
page_home(struct req *r)
{
	bool vi = r->lang == LANG_VI;
	html_page_begin(r, APP_NAME);
	html_raw_trusted(r->out, "<h1>" APP_NAME "</h1><p>");
	html_text(r->out, vi ?
	    "Kênh để người lao động phản ánh với công đoàn: nợ lương, nợ bảo hiểm xã hội, an toàn lao động, bữa ăn ca và các kiến nghị khác. "
	    "Hãy quét mã QR dán tại nơi làm việc để bắt đầu." :
	    "A channel for workers to tell their union about unpaid wages, unpaid social insurance, safety, shift meals and other concerns. "
	    "Scan the QR code posted at your workplace to start.");
	html_raw_trusted(r->out, "</p>");
	html_page_end(r);
}

/* GET /healthz: 200 "ok" when the database answers, else 503. */
void
page_healthz(struct req *r)
{
	PGresult *res = db_run(r->app->db, STMT_PING, NULL, NULL, NULL);
	bool ok = res != NULL && db_ok(res);
	PQclear(res);
	r->resp_type = "text/plain; charset=utf-8";
	if (ok) {
		r->status = 200;
		buf_puts(r->out, "ok\n");
	} else {
		r->status = 503;
		http_header(r, "Retry-After: 5");
		buf_puts(r->out, "database unavailable\n");
	}
}
