/* page_admin_dossier.c: /admin/dossier/ID[.json|.xlsx]: a case's dossier for a mediator, council or lawyer, scoped and audited. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "app.h"
#include "arena.h"
#include "auth.h"
#include "buf.h"
#include "dossier.h"
#include "http.h"
#include "i18n.h"
#include "page_admin.h"

/* GET /admin/dossier/ID (printable HTML), ID.html, ID.json, ID.xlsx.
 * Outside the officer's scope: 404. Viewers get the HTML to read, never
 * contacts, and no downloads (403). Contacts only for officer+ and only
 * those an officer revealed before; each included one is audited
 * (dossier.contact), every dossier too (dossier.export). */
void
page_admin_dossier(struct req *r)
{
	const char *rest = r->path + strlen("/admin/dossier/");
	size_t n = strspn(rest, "0123456789");
	const char *dot = rest + n;
	enum dossier_format fmt = *dot == '\0' ? DOSSIER_HTML : *dot == '.' ? dossier_format_parse(dot + 1) : DOSSIER__MAX;
	if (n == 0 || n > 18 || fmt == DOSSIER__MAX) {
		http_error(r, 404, MSG__MAX);
		return;
	}
	const char *id = arena_strndup(r->arena, rest, n);
	bool officer = r->officer->role >= ROLE_OFFICER;
	json_t *included = NULL;
	bool db_failed;
	json_t *d = dossier_collect(r->app->db, id, r->officer->unit_path, officer ? r->app->keys : NULL, &included, &db_failed);
	if (d == NULL) {
		http_error(r, db_failed ? 503 : 404, MSG__MAX);   /* outside the scope looks exactly like absent */
		return;
	}
	if (!officer && fmt != DOSSIER_HTML) {
		json_decref(d);
		json_decref(included);
		http_error(r, 403, MSG_NOT_ALLOWED_ROLE);
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
		fprintf(stderr, "tiengnoi: dossier %s: %s\n", id, err);
		http_error(r, 500, MSG__MAX);
		return;
	}
	r->resp_type = dossier_content_type(fmt);
	if (fmt != DOSSIER_HTML)
		http_header(r, arena_printf(r->arena, "Content-Disposition: attachment; filename=\"ho-so-vu-viec-%s.%s\"",
		    id, dossier_extension(fmt)));
}
