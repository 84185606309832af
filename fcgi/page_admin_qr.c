/* page_admin_qr.c: /admin/qr/ID/{poster,png,svg} and /admin/units/ID/posters: QR codes to print, one poster or every poster of a unit. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libpq-fe.h>

#include "app.h"
#include "arena.h"
#include "auth.h"
#include "buf.h"
#include "console.h"
#include "db.h"
#include "html.h"
#include "http.h"
#include "i18n.h"
#include "org.h"
#include "page_admin.h"
#include "poster.h"
#include "qr.h"
#include "req.h"

/* The name of unit `id` within the officer's scope (arena). */
static enum found
unit_name(struct req *r, const char *id, const char **name)
{
	const char *p[2] = { id, r->officer->unit_path };
	PGresult *res = db_query(r->app->db, "SELECT name FROM org_unit WHERE id = $1::bigint AND path LIKE $2 || '%'", 2, p);
	const char *v = db_scalar(res);
	enum found f = !db_ok(res) ? DB_DOWN : v ? FOUND : MISSING;
	*name = v ? arena_strdup(r->arena, v) : "";
	PQclear(res);
	return f;
}

/* GET /admin/units/ID/posters: one A4 poster for every QR code in use
 * under the unit, or a page saying there is none. */
void
page_admin_unit_posters(struct req *r)
{
	const char *id = r->id[0], *name;
	if (!console_found(r, unit_name(r, id, &name)))
		return;
	const char *back = arena_printf(r->arena, "/admin/units/%s", id);
	struct poster_opts o = { r->app->base_url, r->app->forms, r->officer->unit_path, NULL, id, "/static/poster.css", back };
	buf_reset(r->out);
	long n = poster_document(r->out, r->arena, r->app->db, &o);
	if (n < 0) {
		http_error(r, 500, MSG__MAX);
		return;
	}
	if (n == 0) {
		r->status = 200;
		console_begin(r, name);
		console_back(r, back, "← Đơn vị", "← Unit");
		console_heading(r, 1, NULL, "Không có mã QR nào đang dùng", "No QR code in use");
		html_lit(r->out, "<p>");
		html_text(r->out, L(r, "Chưa có mã QR nào đang dùng ở các nơi làm việc thuộc đơn vị này.",
		    "No workplace under this unit has a QR code in use."));
		html_lit(r->out, "</p>");
		console_end(r);
	}
}

/* The code in use at /admin/qr/ID, or false after a 404 (absent, outside
 * the scope, or revoked: a revoked code is never printed again) or 503. */
static bool
entry_in_use(struct req *r, struct org_entry *e)
{
	enum found f = org_entry_load(r->app->db, r->arena, r->id[0], r->officer->unit_path, e);
	return console_found(r, f == FOUND && e->revoked ? MISSING : f);
}

/* GET /admin/qr/ID/poster: the A4 poster of one code. */
void
page_admin_qr_poster(struct req *r)
{
	struct org_entry e;
	if (!entry_in_use(r, &e))
		return;
	struct poster_opts o = { r->app->base_url, r->app->forms, r->officer->unit_path, r->id[0], NULL, "/static/poster.css",
	    arena_printf(r->arena, "/admin/workplaces/%s#ep-%s", e.workplace_id, r->id[0]) };
	buf_reset(r->out);
	long n = poster_document(r->out, r->arena, r->app->db, &o);
	if (n <= 0)
		http_error(r, n < 0 ? 500 : 404, MSG__MAX);
}

/* GET /admin/qr/ID/png: the code as a PNG to hand to a print shop. */
void
page_admin_qr_png(struct req *r)
{
	struct org_entry e;
	if (!entry_in_use(r, &e))
		return;
	unsigned char *data;
	size_t len;
	if (qr_png(poster_url(r->arena, r->app->base_url, e.token), &data, &len, 0) != 0) {
		http_error(r, 500, MSG__MAX);
		return;
	}
	http_reply(r, "image/png", data, len);
	free(data);
	http_header(r, arena_printf(r->arena, "Content-Disposition: attachment; filename=\"qr-%s.png\"", e.token));
}

/* GET /admin/qr/ID/svg: the code as an SVG, 5 cm wide. */
void
page_admin_qr_svg(struct req *r)
{
	struct org_entry e;
	if (!entry_in_use(r, &e))
		return;
	char *svg = qr_svg(poster_url(r->arena, r->app->base_url, e.token), "5cm");
	if (svg == NULL) {
		http_error(r, 500, MSG__MAX);
		return;
	}
	http_reply(r, "image/svg+xml; charset=utf-8", svg, strlen(svg));
	free(svg);
	http_header(r, arena_printf(r->arena, "Content-Disposition: attachment; filename=\"qr-%s.svg\"", e.token));
}
