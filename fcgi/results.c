/* results.c: "Công đoàn đã làm gì": the aggregate lines (k >= 5 reports each) an officer previews and approves, read back as approved for the worker pages, and drawn the same way for both. */
#include <stdlib.h>
#include <string.h>
#include <libpq-fe.h>

#include "arena.h"
#include "buf.h"
#include "db.h"
#include "form.h"
#include "html.h"
#include "i18n.h"
#include "results.h"

/* The label of a resolved line: the concern's category option, else the
 * form's title (the form id when this server has no such form). */
static void
line_label(struct req *r, const char *form_id, const char *category, struct result_line *l)
{
	const struct form *f = form_find(r->app->forms, form_id);
	l->label_vi = l->label_en = arena_strdup(r->arena, form_id);
	if (f == NULL)
		return;
	l->label_vi = f->title[LANG_VI];
	l->label_en = f->title[LANG_EN] ? f->title[LANG_EN] : f->title[LANG_VI];
	for (size_t i = 0; *category && i < f->nfields; i++)
		for (size_t k = 0; strcmp(f->fields[i].name, "category") == 0 && k < f->fields[i].noptions; k++)
			if (strcmp(f->fields[i].options[k].value, category) == 0) {
				l->label_vi = f->fields[i].options[k].label[LANG_VI];
				l->label_en = f->fields[i].options[k].label[LANG_EN] ? f->fields[i].options[k].label[LANG_EN] : l->label_vi;
			}
}

int
results_compute(struct req *r, const char *workplace_id, struct result_line **out)
{
	enum { RS_FORM, RS_CATEGORY, RS_COUNT };
	enum { CM_MADE, CM_KEPT, CM_REPORTS };
	const char *p[2] = { workplace_id, RESULTS_K_TEXT };
	PGresult *res = db_query(r->app->db, "SELECT s.form_id, CASE WHEN s.form_id = 'concern' THEN "
	    "coalesce(s.answers->>'category', '') ELSE '' END, count(*) FROM submission s WHERE s.workplace_id = $1::bigint "
	    "AND s.status = 'resolved' AND s.form_id NOT IN (SELECT form_id FROM survey_form) GROUP BY 1, 2 "
	    "HAVING count(*) >= $2::integer ORDER BY 3 DESC, 1, 2 LIMIT 29", 2, p);
	PGresult *cm = db_ok(res) ? db_query(r->app->db, "SELECT count(*), count(*) FILTER (WHERE c.status = 'done'), "
	    "(SELECT count(DISTINCT x.submission_id) FROM round_submission x JOIN workplace_round y ON y.id = x.round_id "
	    "WHERE y.workplace_id = $1::bigint AND EXISTS (SELECT 1 FROM round_commitment z WHERE z.round_id = y.id)) "
	    "FROM round_commitment c JOIN workplace_round w ON w.id = c.round_id WHERE w.workplace_id = $1::bigint", 1, p) : NULL;
	if (!db_ok(res) || !db_ok(cm) || PQntuples(cm) != 1) {
		PQclear(res);
		PQclear(cm);
		return -1;
	}
	int n = PQntuples(res);
	struct result_line *l = arena_alloc(r->arena, ((size_t)n + 1) * sizeof(*l));
	for (int i = 0; l && i < n; i++) {
		l[i] = (struct result_line){ .kind = "resolved", .n = atol(PQgetvalue(res, i, RS_COUNT)) };
		l[i].reports = l[i].n;
		line_label(r, PQgetvalue(res, i, RS_FORM), PQgetvalue(res, i, RS_CATEGORY), &l[i]);
	}
	long made = atol(PQgetvalue(cm, 0, CM_MADE)), behind = atol(PQgetvalue(cm, 0, CM_REPORTS));
	if (l && made > 0 && behind >= RESULTS_K)
		l[n++] = (struct result_line){ "commitments", "Cam kết của người sử dụng lao động tại đối thoại, thương lượng",
			"Commitments the employer made in dialogue and bargaining", made, atol(PQgetvalue(cm, 0, CM_KEPT)), behind };
	PQclear(res);
	PQclear(cm);
	*out = l;
	return l ? n : -1;
}

int
results_published(struct req *r, const char *id, bool by_entry, struct result_line **out, const char **approved_on)
{
	enum { PL_KIND, PL_VI, PL_EN, PL_N, PL_KEPT, PL_REPORTS, PL_ON };
	const char *p[2] = { id, by_entry ? "entry" : "workplace" };
	PGresult *res = db_query(r->app->db, "SELECT l.kind, l.label_vi, l.label_en, l.n, coalesce(l.kept, 0), l.reports, to_char("
	    "w.approved_at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'DD/MM/YYYY') FROM workplace_result w JOIN workplace_result_line l "
	    "ON l.result_id = w.id WHERE w.withdrawn_at IS NULL AND w.workplace_id = CASE WHEN $2 = 'entry' THEN (SELECT "
	    "e.workplace_id FROM entry_point e WHERE e.id = $1::bigint) ELSE $1::bigint END ORDER BY l.position LIMIT 30", 2, p);
	if (!db_ok(res)) {
		PQclear(res);
		return -1;
	}
	int n = PQntuples(res);
	struct result_line *l = arena_alloc(r->arena, ((size_t)n + 1) * sizeof(*l));
	for (int i = 0; l && i < n; i++)
		l[i] = (struct result_line){ arena_strdup(r->arena, PQgetvalue(res, i, PL_KIND)),
			arena_strdup(r->arena, PQgetvalue(res, i, PL_VI)), arena_strdup(r->arena, PQgetvalue(res, i, PL_EN)),
			atol(PQgetvalue(res, i, PL_N)), atol(PQgetvalue(res, i, PL_KEPT)), atol(PQgetvalue(res, i, PL_REPORTS)) };
	*approved_on = n > 0 ? arena_strdup(r->arena, PQgetvalue(res, 0, PL_ON)) : NULL;
	PQclear(res);
	*out = l;
	return l ? n : -1;
}

void
results_render(struct req *r, const char *id, const struct result_line *l, int n, const char *approved_on)
{
	struct buf *b = r->out;
	html_lit(b, "<section id=\"");
	html_attr(b, id);
	html_lit(b, "\"><h2>");
	html_text(b, tr(r->lang, MSG_RESULTS_TITLE));
	html_lit(b, "</h2><ul class=\"results\">");
	for (int i = 0; i < n; i++) {
		bool commitments = strcmp(l[i].kind, "commitments") == 0;
		html_lit(b, "<li>");
		html_text(b, r->lang == LANG_EN ? l[i].label_en : l[i].label_vi);
		html_lit(b, ": <strong>");
		html_text(b, arena_printf(r->arena, commitments ? "%ld / %ld" : "%ld", commitments ? l[i].kept : l[i].n, l[i].n));
		html_lit(b, "</strong> ");
		html_text(b, tr(r->lang, commitments ? MSG_RESULTS_KEPT : MSG_RESULTS_RESOLVED));
		html_lit(b, "</li>");
	}
	html_lit(b, "</ul>");
	if (approved_on) {
		html_lit(b, "<p class=\"note\">");
		html_text(b, tr(r->lang, MSG_RESULTS_NOTE));
		html_text(b, " ");
		html_text(b, approved_on);
		html_lit(b, ".</p>");
	}
	html_lit(b, "</section>");
}
