/* page_admin_dossier.c: /admin/dossier/ID[.json|.xlsx]: a case's dossier for a mediator, council or lawyer, scoped and audited. */
#include <string.h>
#include <jansson.h>

#include "app.h"
#include "arena.h"
#include "auth.h"
#include "buf.h"
#include "dossier.h"
#include "http.h"
#include "i18n.h"
#include "log.h"
#include "page_admin.h"

/* The dossier of case r->id[0] in `fmt`. Outside the officer's scope:
 * 404. Viewers read the HTML (the route keeps the downloads to officers),
 * never with contacts. Contacts only for officer+ and only those an
 * officer revealed before; each included one is audited
 * (dossier.contact), every dossier too (dossier.export). */
static void
dossier_page(struct req *r, enum dossier_format fmt)
{
	const char *id = r->id[0];
	bool officer = r->officer->role >= ROLE_OFFICER;
	json_t *included = NULL;
	bool db_failed;
	json_t *d = dossier_collect(r->app->db, id, r->officer->unit_path, officer ? r->app->keys : NULL, &included, &db_failed);
	if (d == NULL) {
		http_error(r, db_failed ? 503 : 404, MSG__MAX);   /* outside the scope looks exactly like absent */
		return;
	}
	const char *object = arena_printf(r->arena, "case:%s", id);
	size_t i;
	json_t *sid;
	json_array_foreach(included, i, sid)
		audit_officer(r, "dossier.contact", arena_printf(r->arena, "submission:%lld", (long long)json_integer_value(sid)), object);
	audit_officer(r, "dossier.export", object, arena_printf(r->arena, "format=%s contacts=%zu", dossier_extension(fmt),
	    json_array_size(included)));
	json_decref(included);

	char err[300];
	buf_reset(r->out);
	r->status = 200;
	int rc = dossier_write(d, fmt, http_buffer_write, r, err, sizeof(err));
	json_decref(d);
	if (rc != 0) {
		log_warn("dossier %s: %s", id, err);
		http_error(r, 500, MSG__MAX);
		return;
	}
	r->resp_type = dossier_content_type(fmt);
	if (fmt != DOSSIER_HTML)
		http_header(r, arena_printf(r->arena, "Content-Disposition: attachment; filename=\"ho-so-vu-viec-%s.%s\"",
		    id, dossier_extension(fmt)));
}

/* GET /admin/dossier/ID and ID.html: the printable dossier. */
void
page_admin_dossier(struct req *r)
{
	dossier_page(r, DOSSIER_HTML);
}

/* GET /admin/dossier/ID.json (role officer, on the route). */
void
page_admin_dossier_json(struct req *r)
{
	dossier_page(r, DOSSIER_JSON);
}

/* GET /admin/dossier/ID.xlsx (role officer, on the route). */
void
page_admin_dossier_xlsx(struct req *r)
{
	dossier_page(r, DOSSIER_XLSX);
}
