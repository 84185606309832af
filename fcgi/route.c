/* route.c: the route table: which handler serves which path, and what the dispatcher checks first. */
#include <string.h>
#include <libpq-fe.h>

#include "api.h"
#include "app.h"
#include "arena.h"
#include "auth.h"
#include "buf.h"
#include "db.h"
#include "html.h"
#include "http.h"
#include "multipart.h"
#include "page_admin.h"
#include "page_status.h"
#include "page_system.h"
#include "page_worker.h"
#include "req.h"
#include "route.h"

enum route_flag {
	ROUTE_PUBLIC  = 1 << 0,  /* no login needed */
	ROUTE_DB      = 1 << 1,  /* answer 503 up front when the database is away */
	ROUTE_PREFIX  = 1 << 2,  /* path, then nothing or '/' and a tail (r->tail), not an exact match */
	ROUTE_LOGIN   = 1 << 3,  /* a signed-in officer; runs in a transaction scoped to their unit */
	ROUTE_CSRF    = 1 << 4,  /* POST bodies are parsed here and must carry the session's _csrf */
	ROUTE_OFFICER = 1 << 5,  /* role officer or admin */
	ROUTE_ADMIN   = 1 << 6,  /* role admin */
	ROUTE_FILES   = 1 << 7,  /* like CSRF, but POST bodies are multipart/form-data (file uploads) */
	ROUTE_ENROL   = 1 << 8,  /* open to an officer whose unit requires a second factor they have not set up yet */
	ROUTE_API     = 1 << 9,  /* read API: a bearer token signs in as its officer, whose scope the transaction gets; audited, rate-limited */
};

#define M_GET  (1u << METHOD_GET)
#define M_POST (1u << METHOD_POST)
#define CONSOLE (ROUTE_LOGIN | ROUTE_CSRF | ROUTE_DB)
#define CONSOLE_FILES (ROUTE_LOGIN | ROUTE_FILES | ROUTE_DB)

/* A path is matched segment by segment: a '#' segment matches 1 to 18
 * digits and hands them to the handler in r->id[], in order, so a handler
 * never re-parses its path. Several rows may share a path with different
 * methods; a path that matches only rows of other methods answers 405. */
struct route {
	unsigned methods;
	const char *path;
	void (*handler)(struct req *);
	unsigned flags;
};

/* Worker pages do their own database handling so that a POST while the
 * database is away can still give the worker's text back. */
static const struct route routes[] = {
	/* --- worker side and system pages (page_worker.c, page_system.c, page_status.c) --- */
	{ M_GET,          "/",                   page_home,           ROUTE_PUBLIC },
	{ M_GET,          "/healthz",            page_healthz,        ROUTE_PUBLIC },
	{ M_GET,          "/help",               page_help,           ROUTE_PUBLIC },
	{ M_GET,          "/privacy",            page_privacy,        ROUTE_PUBLIC },
	{ M_GET | M_POST, "/status",             page_status,         ROUTE_PUBLIC },
	{ M_GET | M_POST, "/q/",                 page_worker,         ROUTE_PUBLIC | ROUTE_PREFIX },
	{ M_GET | M_POST, "/Q/",                 page_worker,         ROUTE_PUBLIC | ROUTE_PREFIX },  /* upper-cased QR URLs */

	/* --- sign-in, account, organisation, officers, audit, export --- */
	{ M_GET | M_POST, "/admin/login/totp",   page_admin_totp,     ROUTE_PUBLIC | ROUTE_DB },
	{ M_GET | M_POST, "/admin/login",        page_admin_login,    ROUTE_PUBLIC | ROUTE_DB },
	{ M_POST,         "/admin/logout",       page_admin_logout,   CONSOLE | ROUTE_ENROL },
	{ M_GET | M_POST, "/admin/account",      page_admin_account,  CONSOLE | ROUTE_ENROL },
	{ M_GET,          "/admin/units",        page_admin_units,    CONSOLE },
	{ M_POST,         "/admin/units",        page_admin_unit_create, CONSOLE | ROUTE_ADMIN },
	{ M_GET,          "/admin/units/#",      page_admin_unit,     CONSOLE },
	{ M_POST,         "/admin/units/#",      page_admin_unit_post, CONSOLE | ROUTE_ADMIN },
	{ M_GET,          "/admin/units/#/posters", page_admin_unit_posters, CONSOLE },
	{ M_GET,          "/admin/workplaces",   page_admin_workplaces, CONSOLE },
	{ M_POST,         "/admin/workplaces",   page_admin_workplace_create, CONSOLE | ROUTE_ADMIN },
	{ M_GET,          "/admin/workplaces/import", page_admin_workplace_import, CONSOLE | ROUTE_ADMIN },
	{ M_POST,         "/admin/workplaces/import", page_admin_workplace_import_post, CONSOLE | ROUTE_ADMIN },
	{ M_GET,          "/admin/workplaces/#", page_admin_workplace, CONSOLE },
	{ M_POST,         "/admin/workplaces/#", page_admin_workplace_post, CONSOLE | ROUTE_ADMIN },
	{ M_POST,         "/admin/qr/#",         page_admin_qr_post,  CONSOLE | ROUTE_ADMIN },
	{ M_GET,          "/admin/qr/#/poster",  page_admin_qr_poster, CONSOLE },
	{ M_GET,          "/admin/qr/#/png",     page_admin_qr_png,   CONSOLE },
	{ M_GET,          "/admin/qr/#/svg",     page_admin_qr_svg,   CONSOLE },
	{ M_GET,          "/admin/officers",     page_admin_officers, CONSOLE | ROUTE_ADMIN },
	{ M_GET,          "/admin/officers/",    page_admin_officers, CONSOLE | ROUTE_ADMIN },
	{ M_POST,         "/admin/officers",     page_admin_officers_post, CONSOLE | ROUTE_ADMIN },
	{ M_POST,         "/admin/officers/",    page_admin_officers_post, CONSOLE | ROUTE_ADMIN },
	{ M_GET,          "/admin/officers/#",   page_admin_officer,  CONSOLE | ROUTE_ADMIN },
	{ M_POST,         "/admin/officers/#",   page_admin_officer_post, CONSOLE | ROUTE_ADMIN },
	{ M_GET,          "/admin/audit",        page_admin_audit,    CONSOLE | ROUTE_ADMIN },
	{ M_GET,          "/admin/audit/",       page_admin_audit,    CONSOLE | ROUTE_ADMIN },
	{ M_GET,          "/admin/export",       page_admin_export,   CONSOLE | ROUTE_OFFICER },
	{ M_GET,          "/admin/export/download", page_admin_export_download, CONSOLE | ROUTE_OFFICER },

	/* --- reports: queue, report, photo, entry on a worker's behalf, brief, statistics --- */
	{ M_GET,          "/admin/",             page_admin_queue,    CONSOLE },
	{ M_GET,          "/admin",              page_admin_queue,    CONSOLE },
	{ M_GET,          "/admin/s/#",          page_admin_report,   CONSOLE },
	{ M_POST,         "/admin/s/#",          page_admin_report_act, CONSOLE | ROUTE_OFFICER },
	{ M_GET,          "/admin/photo/#",      page_admin_photo,    CONSOLE },
	{ M_GET,          "/admin/enter",        page_admin_enter,    CONSOLE | ROUTE_OFFICER },
	{ M_POST,         "/admin/enter",        page_admin_enter_save, CONSOLE | ROUTE_OFFICER },
	{ M_GET,          "/admin/brief",        page_admin_brief,    CONSOLE },
	{ M_GET,          "/admin/stats",        page_admin_stats,    CONSOLE },
	{ M_POST,         "/admin/stats/freeze", page_admin_stats_freeze, CONSOLE | ROUTE_ADMIN },
	{ M_POST,         "/admin/stats/indicators", page_admin_stats_indicators, CONSOLE | ROUTE_ADMIN },
	{ M_GET,          "/admin/dashboard",    page_admin_dashboard, CONSOLE },
	{ M_GET,          "/admin/surveys",      page_admin_surveys,  CONSOLE },
	{ M_GET,          "/admin/campaigns",    page_admin_campaigns, CONSOLE },
	{ M_POST,         "/admin/campaigns",    page_admin_campaign_add, CONSOLE | ROUTE_ADMIN },
	{ M_GET,          "/admin/campaigns/#",  page_admin_campaign, CONSOLE },
	{ M_POST,         "/admin/campaigns/#/close", page_admin_campaign_close, CONSOLE | ROUTE_OFFICER },
	{ M_GET,          "/admin/results/#",    page_admin_results,  CONSOLE },
	{ M_POST,         "/admin/results/#",    page_admin_results_post, CONSOLE | ROUTE_OFFICER },  /* action=approve|withdraw */

	/* --- cases, case documents, dossier, data-subject requests, calendar --- */
	{ M_GET,          "/admin/cases",        page_admin_cases,    CONSOLE },
	{ M_GET,          "/admin/cases/",       page_admin_cases,    CONSOLE },
	{ M_GET,          "/admin/cases/new",    page_admin_case_new, CONSOLE },
	{ M_POST,         "/admin/cases/new",    page_admin_case_create, CONSOLE | ROUTE_OFFICER },
	{ M_GET,          "/admin/cases/#",      page_admin_case,     CONSOLE },
	{ M_POST,         "/admin/cases/#",      page_admin_case_post, CONSOLE | ROUTE_OFFICER },  /* action=…: forms opened before the rows below */
	{ M_POST,         "/admin/cases/#/edit", page_admin_case_edit, CONSOLE | ROUTE_OFFICER },
	{ M_POST,         "/admin/cases/#/stage", page_admin_case_stage, CONSOLE | ROUTE_OFFICER },
	{ M_POST,         "/admin/cases/#/link", page_admin_case_link, CONSOLE | ROUTE_OFFICER },
	{ M_POST,         "/admin/cases/#/totals", page_admin_case_totals, CONSOLE | ROUTE_OFFICER },
	{ M_POST,         "/admin/cases/#/note", page_admin_case_note, CONSOLE | ROUTE_OFFICER },
	{ M_POST,         "/admin/case-files/#", page_admin_case_upload, CONSOLE_FILES | ROUTE_OFFICER },
	{ M_GET,          "/admin/case-file/#",  page_admin_case_file, CONSOLE },
	{ M_GET,          "/admin/dossier/#",    page_admin_dossier,  CONSOLE },
	{ M_GET,          "/admin/dossier/#.html", page_admin_dossier, CONSOLE },
	{ M_GET,          "/admin/dossier/#.json", page_admin_dossier_json, CONSOLE | ROUTE_OFFICER },
	{ M_GET,          "/admin/dossier/#.xlsx", page_admin_dossier_xlsx, CONSOLE | ROUTE_OFFICER },
	{ M_GET,          "/admin/requests",     page_admin_requests, CONSOLE | ROUTE_ADMIN },
	{ M_GET,          "/admin/requests/",    page_admin_requests, CONSOLE | ROUTE_ADMIN },
	{ M_POST,         "/admin/requests",     page_admin_request_add, CONSOLE | ROUTE_ADMIN },
	{ M_POST,         "/admin/requests/",    page_admin_request_add, CONSOLE | ROUTE_ADMIN },
	{ M_GET,          "/admin/requests/#",   page_admin_request,  CONSOLE | ROUTE_ADMIN },
	{ M_POST,         "/admin/requests/#",   page_admin_request_post, CONSOLE | ROUTE_ADMIN },
	{ M_GET,          "/admin/requests/#/export", page_admin_request_export, CONSOLE | ROUTE_ADMIN },
	/* --- the workplace's agreements and stoppages (page_admin_agreements.c, page_admin_stoppages.c) --- */
	{ M_GET,          "/admin/agreements",   page_admin_agreements, CONSOLE },
	{ M_POST,         "/admin/agreements",   page_admin_agreement_add, CONSOLE_FILES | ROUTE_OFFICER },
	{ M_GET,          "/admin/agreement-file/#", page_admin_agreement_file, CONSOLE },
	{ M_GET,          "/admin/stoppages",    page_admin_stoppages, CONSOLE },
	{ M_POST,         "/admin/stoppages",    page_admin_stoppage_add, CONSOLE | ROUTE_OFFICER },
	/* --- dialogue and bargaining rounds, the employer's commitments (page_admin_rounds.c, page_admin_round.c) --- */
	{ M_GET,          "/admin/rounds",       page_admin_rounds,   CONSOLE },
	{ M_POST,         "/admin/rounds",       page_admin_round_add, CONSOLE | ROUTE_OFFICER },
	{ M_GET,          "/admin/rounds/#",     page_admin_round,    CONSOLE },
	{ M_POST,         "/admin/rounds/#",     page_admin_round_edit, CONSOLE_FILES | ROUTE_OFFICER },
	{ M_POST,         "/admin/rounds/#/commitments", page_admin_commitment_add, CONSOLE | ROUTE_OFFICER },
	{ M_POST,         "/admin/rounds/#/reports", page_admin_round_reports, CONSOLE | ROUTE_OFFICER },
	{ M_POST,         "/admin/commitments/#", page_admin_commitment_set, CONSOLE_FILES | ROUTE_OFFICER },
	{ M_GET,          "/admin/round-file/#", page_admin_round_file, CONSOLE },
	{ M_GET,          "/admin/commitment-file/#", page_admin_commitment_file, CONSOLE },
	{ M_GET,          "/admin/calendar",     page_admin_calendar, CONSOLE | ROUTE_ADMIN },
	{ M_POST,         "/admin/calendar",     page_admin_calendar_post, CONSOLE | ROUTE_ADMIN },
	/* --- notifications: an officer's own settings; the outbox and webhooks for admins --- */
	{ M_POST,         "/admin/account/notify", page_admin_account_notify, CONSOLE },
	{ M_GET,          "/admin/account/email", page_admin_account_email, CONSOLE },
	{ M_GET,          "/admin/outbox",       page_admin_outbox,   CONSOLE | ROUTE_ADMIN },
	{ M_POST,         "/admin/outbox",       page_admin_outbox_post, CONSOLE | ROUTE_ADMIN },
	{ M_GET,          "/admin/webhooks",     page_admin_webhooks, CONSOLE | ROUTE_ADMIN },
	{ M_POST,         "/admin/webhooks",     page_admin_webhooks_post, CONSOLE | ROUTE_ADMIN },
	{ M_GET,          "/admin/tokens",       page_admin_tokens,   CONSOLE },
	{ M_POST,         "/admin/tokens/#",     page_admin_token_revoke, CONSOLE },

	/* --- the read API for the federation's other systems (api_*.c, docs/api.md) --- */
	{ M_GET,          "/api/v1/submissions", api_submissions,     ROUTE_API },
	{ M_GET,          "/api/v1/submissions/#", api_submission,    ROUTE_API },
	{ M_GET,          "/api/v1/cases",       api_cases,           ROUTE_API },
	{ M_GET,          "/api/v1/cases/#",     api_case,            ROUTE_API },
	{ M_GET,          "/api/v1/stats",       api_stats,           ROUTE_API },
};

/* "/admin/login?next=" + this request's path and query, URL-encoded, so
 * signing in returns to exactly where the officer was going. */
static const char *
next_url(struct req *r, const char *prefix)
{
	struct buf b = { 0 };
	buf_puts(&b, prefix);
	html_url_arg(&b, *r->query ? arena_printf(r->arena, "%s?%s", r->path, r->query) : r->path);
	const char *out = arena_strdup(r->arena, b.data ? b.data : prefix);
	buf_free(&b);
	return out;
}

/* Reads a console POST body into r->form (and r->files on FILES routes)
 * and checks its _csrf against the session's, before any handler runs.
 * false after answering 415 (wrong content type), 413 (too large), 400
 * (malformed, not UTF-8) or 403 (anti-forgery token missing or wrong). */
static bool
console_body(struct req *r, const struct route *rt)
{
	if ((rt->flags & ROUTE_FILES) == 0) {
		enum req_err bad = req_form(r, FORM_BODY_MAX, &r->form);
		if (bad != REQ_OK) {
			http_req_error(r, bad);
			return false;
		}
	} else {
		if (!req_content_type_is(r, "multipart/form-data")) {
			http_error(r, 415, MSG__MAX);
			return false;
		}
		char *body;
		size_t len;
		switch (req_body(r, FILES_BODY_MAX, &body, &len)) {
		case REQ_OK: break;
		case REQ_ERR_TOO_LARGE: http_error(r, 413, MSG_CONSOLE_TOO_LARGE); return false;
		default: http_error(r, 400, MSG__MAX); return false;
		}
		/* one file at most; the handler checks its size against its own
		 * limit, so a file a little too large still gets the case page back */
		static const struct mp_limits limits = {
			.max_parts = 20, .max_header_bytes = 4096, .max_field_bytes = FORM_BODY_MAX,
			.max_file_bytes = FILES_BODY_MAX, .max_files = 1,
		};
		struct mp_form *mp = arena_alloc(r->arena, sizeof(*mp));
		int rc = mp ? multipart_parse(r->arena, r->content_type, body, len, &limits, mp) : MP_ERR_NOMEM;
		if (rc == MP_OK)
			rc = multipart_fields(r->arena, mp, &r->form);
		if (rc != MP_OK) {
			http_error(r, rc == MP_ERR_FILE_TOO_LARGE ? 413 : 400, rc == MP_ERR_FILE_TOO_LARGE ? MSG_CONSOLE_TOO_LARGE :
			    rc == MP_ERR_UTF8 || rc == MP_ERR_CONTROL ? MSG_ERR_BAD_UTF8 : MSG_ERR_BAD_ENCODING);
			return false;
		}
		r->files = mp;
	}
	if (!auth_csrf_ok(r, kv_get(&r->form, "_csrf"))) {
		http_error(r, 403, MSG_CONSOLE_CSRF);
		return false;
	}
	return true;
}

static bool officer_begin(struct req *);

/* Signs the request in, checks role and CSRF, and opens the transaction
 * in which row-level security sees only the officer's subtree. false when
 * the request was answered here (redirect, 403, 503). */
static bool
console_enter(struct req *r, const struct route *rt)
{
	switch (auth_session_load(r)) {
	case AUTH_OK:
		break;
	case AUTH_DB_DOWN:
		http_error(r, 503, MSG__MAX);
		return false;
	case AUTH_MFA_PENDING:   /* password given, code not yet */
		r->officer = NULL;
		http_redirect(r, r->method == METHOD_GET ? next_url(r, "/admin/login/totp?next=") : "/admin/login/totp");
		return false;
	default:
		r->officer = NULL;
		http_redirect(r, r->method == METHOD_GET ? next_url(r, "/admin/login?next=") : "/admin/login");
		return false;
	}
	if (((rt->flags & ROUTE_ADMIN) && r->officer->role < ROLE_ADMIN) ||
	    ((rt->flags & ROUTE_OFFICER) && r->officer->role < ROLE_OFFICER)) {
		http_error(r, 403, MSG_NOT_ALLOWED_ROLE);
		return false;
	}
	/* a unit that requires a second factor: enrol before anything else */
	if (!(rt->flags & ROUTE_ENROL) && auth_needs_totp(r)) {
		http_redirect(r, "/admin/account");
		return false;
	}
	if ((rt->flags & (ROUTE_CSRF | ROUTE_FILES)) && r->method == METHOD_POST && !console_body(r, rt))
		return false;
	if (!officer_begin(r)) {
		http_error(r, 503, MSG__MAX);
		return false;
	}
	return true;
}

/* Opens the transaction in which row-level security sees only r->officer's
 * subtree, with their role and id (sql/004, sql/012): for the console and
 * the API alike. false (nothing open) when the database failed. */
static bool
officer_begin(struct req *r)
{
	static const char *const role_names[ROLE__MAX] = {
		"viewer",   /* ROLE_VIEWER */
		"officer",  /* ROLE_OFFICER */
		"admin",    /* ROLE_ADMIN */
	};
	/* scope, role and officer for row-level security (sql/004, sql/012) */
	const char *ctx[3] = { r->officer->unit_path, role_names[r->officer->role], r->officer->id };
	PGresult *res = NULL;
	bool ok = db_begin(r->app->db) == 0 &&
	    db_ok(res = db_query(r->app->db, "SELECT set_config('tiengnoi.scope', $1, true), "
	    "set_config('tiengnoi.role', $2, true), set_config('tiengnoi.officer', $3, true)", 3, ctx));
	PQclear(res);
	res = NULL;
	ok = ok && db_ok(res = db_query(r->app->db, "SET LOCAL ROLE tiengnoi_officer", 0, NULL));
	PQclear(res);
	if (!ok)
		db_rollback(r->app->db);
	return ok;
}

/* Commits what the handler did, unless it failed. */
static void
console_leave(struct req *r)
{
	if (r->status >= 500 || r->out->failed) {
		db_rollback(r->app->db);
	} else if (db_commit(r->app->db) != 0) {
		db_rollback(r->app->db);
		http_error(r, 503, MSG__MAX);
	}
}

/* Matches r->path against a route's path: literal characters, '#' for
 * an id of 1 to 18 digits (copied into r->id[] in order), and on PREFIX
 * routes any tail after a '/' boundary (r->tail, "" when none). A prefix
 * that itself ends in '/' takes the rest as its tail. true on a match. */
static bool
route_match(struct req *r, const struct route *rt)
{
	const char *p = rt->path, *s = r->path;
	int n = 0;
	while (*p) {
		if (*p == '#') {
			size_t d = strspn(s, "0123456789");
			if (d == 0 || d > 18 || n >= ROUTE_IDS_MAX)
				return false;
			r->id[n++] = arena_strndup(r->arena, s, d);
			s += d;
			p++;
		} else if (*p++ != *s++) {
			return false;
		}
	}
	if (!(rt->flags & ROUTE_PREFIX)) {
		r->tail = "";
		return *s == '\0';
	}
	if (p[-1] == '/' || *s == '\0') {
		r->tail = s;
		return true;
	}
	if (*s != '/')
		return false;
	r->tail = s + 1;
	return true;
}

/* Finds the route for r->path and method and runs its handler after the
 * checks its flags ask for: 404 unknown path, 405 a path known only for
 * other methods, 503 database away, login, role, CSRF and the officer's
 * scope. */
void
route_dispatch(struct req *r)
{
	enum method m = r->method == METHOD_HEAD ? METHOD_GET : r->method;
	bool path_known = false;
	for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
		const struct route *rt = &routes[i];
		memset(r->id, 0, sizeof(r->id));
		r->tail = NULL;
		if (!route_match(r, rt))
			continue;
		path_known = true;
		if (m == METHOD_OTHER || !(rt->methods & (1u << m)))
			continue;
		if ((rt->flags & ROUTE_DB) && !db_ready(r->app->db)) {
			http_error(r, 503, MSG__MAX);
			return;
		}
		if (rt->flags & ROUTE_LOGIN) {
			if (!console_enter(r, rt))
				return;
			rt->handler(r);
			console_leave(r);
			return;
		}
		if (rt->flags & ROUTE_API) {
			const char *token_id;
			if (!api_enter(r, &token_id))
				return;
			if (!officer_begin(r)) {
				api_error(r, 503, "unavailable", NULL, "the database is away; try again shortly");
				return;
			}
			rt->handler(r);
			api_audit(r, token_id);   /* in the call's transaction: committed with it */
			console_leave(r);
			return;
		}
		rt->handler(r);
		return;
	}
	memset(r->id, 0, sizeof(r->id));
	r->tail = NULL;
	if (strncmp(r->path, "/api/", 5) == 0)
		api_not_routed(r, path_known);
	else
		http_error(r, path_known ? 405 : 404, MSG__MAX);
}
