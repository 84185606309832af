/* page_status.c: /status: a receipt code shows the report's status and the union's messages, and takes the worker's reply. */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <libpq-fe.h>

#include "app.h"
#include "arena.h"
#include "buf.h"
#include "csrf.h"
#include "db.h"
#include "filters.h"
#include "html.h"
#include "http.h"
#include "i18n.h"
#include "page_status.h"
#include "ratelimit.h"
#include "req.h"
#include "round.h"
#include "submission.h"
#include "text.h"
#include "token.h"

#define REPLY_MAX 4000
#define REPLY_MAX_TEXT "4000"   /* REPLY_MAX as the textarea's maxlength */

/* The columns of STMT_STATUS_LOOKUP (db.c), in order. */
enum { LOOKUP_ID, LOOKUP_STATUS, LOOKUP_FORM, LOOKUP_RECEIVED, LOOKUP_WORKPLACE };
/* The columns of STMT_STATUS_MESSAGES (db.c), in order. */
enum { TH_AUTHOR, TH_BODY, TH_AT };

/* The report a receipt leads to; strings in the arena. */
struct receipt_report {
	const char *id;
	const char *status;
	const char *received;
	const char *workplace;
};

/* The lookup form, with `problem` (MSG__MAX for none) above it. */
static void
lookup_page(struct req *r, int status, enum msg problem, const char *typed)
{
	struct buf *b = r->out;
	char csrf[CSRF_TOKEN_MAX];
	csrf_form_token(r->app->keys, "status", "lookup", time(NULL), csrf);
	buf_reset(b);
	r->status = status;
	html_page_begin(r, tr(r->lang, MSG_STATUS_TITLE));
	html_lit(b, "<h1>");
	html_text(b, tr(r->lang, MSG_STATUS_TITLE));
	html_lit(b, "</h1>");
	if (problem != MSG__MAX) {
		html_lit(b, "<p class=\"alert\" role=\"alert\" id=\"status-error\">");
		html_text(b, tr(r->lang, problem));
		html_lit(b, "</p>");
	}
	html_lit(b, "<form method=\"post\" action=\"/status\" accept-charset=\"utf-8\">");
	filters_hidden(b, "_token", csrf);
	filters_hidden(b, "action", "lookup");
	html_lit(b, "<div class=\"field\"><label for=\"f-receipt\">");
	html_text(b, tr(r->lang, MSG_STATUS_CODE));
	html_lit(b, "</label><p class=\"hint\" id=\"h-receipt\">");
	html_text(b, tr(r->lang, MSG_STATUS_INTRO));
	html_lit(b, "</p><input type=\"text\" inputmode=\"numeric\" autocomplete=\"off\" maxlength=\"40\" "
	    "id=\"f-receipt\" name=\"receipt\" aria-describedby=\"h-receipt\" required value=\"");
	html_attr(b, typed ? typed : "");
	html_lit(b, "\"></div><button type=\"submit\" class=\"btn primary\">");
	html_text(b, tr(r->lang, MSG_STATUS_LOOKUP));
	html_lit(b, "</button></form>");
	html_page_end(r);
}

/* The dialogue or bargaining rounds that took up report `id`
 * (round_submission, sql/042): only each round's kind and day, nothing
 * about other reports or people. Nothing when none (or the database
 * cannot say: the page goes on without it). */
static void
rounds_taken_up(struct req *r, const char *id)
{
	enum { TU_KIND, TU_DAY };
	const char *p[1] = { id };
	PGresult *res = db_query(r->app->db, "SELECT w.kind, to_char(coalesce(w.held_on, w.planned_on), 'DD/MM/YYYY') "
	    "FROM round_submission x JOIN workplace_round w ON w.id = x.round_id WHERE x.submission_id = $1::bigint "
	    "ORDER BY coalesce(w.held_on, w.planned_on), w.id LIMIT 10", 1, p);
	int n = db_ok(res) ? PQntuples(res) : 0;
	if (n > 0) {
		html_lit(r->out, "<p>");
		html_text(r->out, tr(r->lang, MSG_STATUS_ROUNDS));
		html_lit(r->out, ":</p><ul id=\"rounds\">");
		for (int i = 0; i < n; i++) {
			html_lit(r->out, "<li>");
			html_text(r->out, vocab_label(round_kinds, ROUND_NKINDS, PQgetvalue(res, i, TU_KIND), r->lang));
			html_lit(r->out, " · ");
			html_text(r->out, PQgetvalue(res, i, TU_DAY));
			html_lit(r->out, "</li>");
		}
		html_lit(r->out, "</ul>");
	}
	PQclear(res);
}

/* The report's status in plain words, the thread, and a reply box that
 * carries the receipt again (nothing is kept in a cookie or the URL). */
static void
thread_page(struct req *r, const char *digits, const struct receipt_report *s, PGresult *msgs,
    enum msg notice, const char *draft, bool draft_bad)
{
	struct buf *b = r->out;
	char csrf[CSRF_TOKEN_MAX], idem[IDEM_LEN + 1], grouped[RECEIPT_DIGITS + 4];
	csrf_form_token(r->app->keys, "status", "reply", time(NULL), csrf);
	idem_new(idem);
	receipt_format(digits, grouped);
	buf_reset(b);
	r->status = draft_bad ? 400 : 200;
	html_page_begin(r, tr(r->lang, MSG_STATUS_TITLE));
	html_lit(b, "<p class=\"where\">");
	html_text(b, s->workplace);
	html_lit(b, "</p><h1>");
	html_text(b, tr(r->lang, MSG_STATUS_TITLE));
	html_lit(b, "</h1>");
	if (notice != MSG__MAX) {
		if (draft_bad)
			html_lit(b, "<p class=\"alert\" role=\"alert\">");
		else
			html_lit(b, "<p class=\"note\" role=\"status\" id=\"reply-sent\">");
		html_text(b, tr(r->lang, notice));
		html_lit(b, "</p>");
	}
	html_lit(b, "<p>");
	html_text(b, tr(r->lang, MSG_STATUS_CODE));
	html_lit(b, ": <strong>");
	html_text(b, grouped);
	html_lit(b, "</strong><br>");
	html_text(b, tr(r->lang, MSG_STATUS_RECEIVED));
	html_lit(b, " ");
	html_text(b, s->received);
	html_lit(b, "</p><p class=\"status\" id=\"status\" data-status=\"");
	html_attr(b, s->status);
	html_lit(b, "\">");
	html_text(b, tr(r->lang, submission_status_words(s->status)));
	html_lit(b, "</p>");
	rounds_taken_up(r, s->id);
	html_lit(b, "<h2>");
	html_text(b, tr(r->lang, MSG_STATUS_MESSAGES));
	html_lit(b, "</h2>");
	if (msgs == NULL || PQntuples(msgs) == 0) {
		html_lit(b, "<p>");
		html_text(b, tr(r->lang, MSG_STATUS_NO_MESSAGES));
		html_lit(b, "</p>");
	} else {
		html_lit(b, "<ol class=\"thread\">");
		for (int i = 0; i < PQntuples(msgs); i++) {
			bool officer = strcmp(PQgetvalue(msgs, i, TH_AUTHOR), "officer") == 0;
			if (officer)
				html_lit(b, "<li class=\"from-union\"><p class=\"who\">");
			else
				html_lit(b, "<li class=\"from-worker\"><p class=\"who\">");
			html_text(b, tr(r->lang, officer ? MSG_STATUS_FROM_UNION : MSG_STATUS_FROM_YOU));
			html_lit(b, " · ");
			html_text(b, PQgetvalue(msgs, i, TH_AT));
			html_lit(b, "</p><p class=\"body\">");
			html_text(b, PQgetvalue(msgs, i, TH_BODY));
			html_lit(b, "</p></li>");
		}
		html_lit(b, "</ol>");
	}
	html_lit(b, "<form method=\"post\" action=\"/status\" accept-charset=\"utf-8\">");
	filters_hidden(b, "_token", csrf);
	filters_hidden(b, "_idem", idem);
	filters_hidden(b, "action", "reply");
	filters_hidden(b, "receipt", digits);
	if (draft_bad)
		html_lit(b, "<div class=\"field error\"><label for=\"f-reply\">");
	else
		html_lit(b, "<div class=\"field\"><label for=\"f-reply\">");
	html_text(b, tr(r->lang, MSG_STATUS_REPLY));
	html_lit(b, "</label><textarea rows=\"5\" maxlength=\"" REPLY_MAX_TEXT "\" id=\"f-reply\" name=\"reply\" required>");
	html_text(b, draft ? draft : "");
	html_lit(b, "</textarea></div><button type=\"submit\" class=\"btn primary\">");
	html_text(b, tr(r->lang, MSG_SEND));
	html_lit(b, "</button></form>");
	html_page_end(r);
}

/* GET /status, and POST /status with action=lookup or action=reply.
 * Unknown and known codes cost the same work, and both are counted per
 * receipt (RL_RECEIPT_LOOKUP) on top of nginx's per-client limit. */
void
page_status(struct req *r)
{
	struct kvlist in;
	char digits[RECEIPT_DIGITS + 1];
	unsigned char rhash[RECEIPT_HASH_LEN];

	if (r->method != METHOD_POST) {
		lookup_page(r, 200, MSG__MAX, NULL);
		return;
	}
	enum req_err rc = req_form(r, FORM_BODY_MAX, &in);
	if (rc != REQ_OK) {
		http_req_error(r, rc);
		return;
	}
	const char *action = kv_get_or_empty(&in, "action");
	bool reply = strcmp(action, "reply") == 0;
	const char *typed = kv_get_or_empty(&in, "receipt");
	if (csrf_form_check(r->app->keys, "status", reply ? "reply" : "lookup", kv_get(&in, "_token"), time(NULL)) != CSRF_OK) {
		lookup_page(r, 403, MSG_FORM_EXPIRED, typed);
		return;
	}
	if (!receipt_parse(typed, digits)) {
		lookup_page(r, 400, MSG_STATUS_BAD_CODE, typed);
		return;
	}
	receipt_hash(r->app->keys, digits, rhash);
	if (ratelimit_hit(RL_RECEIPT_LOOKUP, rhash, sizeof(rhash))) {
		lookup_page(r, 429, MSG_ERR_429_BODY, NULL);
		http_header(r, "Retry-After: 600");
		return;
	}
	const char *p1[1] = { (const char *)rhash };
	const int l1[1] = { RECEIPT_HASH_LEN }, b1[1] = { 1 };
	PGresult *res = db_run(r->app->db, STMT_STATUS_LOOKUP, p1, l1, b1);
	if (res == NULL || !db_ok(res)) {
		PQclear(res);
		http_error(r, 503, MSG__MAX);
		return;
	}
	bool known = PQntuples(res) == 1;
	struct receipt_report s = { "0", "", "", "" };
	if (known)
		s = (struct receipt_report){
			arena_strdup(r->arena, PQgetvalue(res, 0, LOOKUP_ID)), arena_strdup(r->arena, PQgetvalue(res, 0, LOOKUP_STATUS)),
			arena_strdup(r->arena, PQgetvalue(res, 0, LOOKUP_RECEIVED)), arena_strdup(r->arena, PQgetvalue(res, 0, LOOKUP_WORKPLACE)) };
	PQclear(res);

	enum msg notice = MSG__MAX;
	const char *draft = NULL;
	bool draft_bad = false;
	if (known && reply) {
		char *text = text_trim(arena_strdup(r->arena, kv_get_or_empty(&in, "reply")));
		const char *idem = kv_get_or_empty(&in, "_idem");
		size_t n = text_length(text);
		if (n == 0 || n > REPLY_MAX || !idem_valid(idem)) {
			notice = n == 0 ? MSG_FIELD_REQUIRED : MSG_FIELD_TOO_LONG;
			draft = text;
			draft_bad = true;
		} else {
			const char *p3[3] = { s.id, text, idem };
			res = db_run(r->app->db, STMT_STATUS_REPLY, p3, NULL, NULL);
			bool ok = res != NULL && db_ok(res);
			PQclear(res);
			if (!ok) {
				http_error(r, 503, MSG__MAX);
				return;
			}
			notice = MSG_STATUS_REPLY_SENT;
		}
	}
	/* the thread query runs for unknown codes too, so both cost the same */
	const char *p2[1] = { s.id };
	PGresult *msgs = db_run(r->app->db, STMT_STATUS_MESSAGES, p2, NULL, NULL);
	if (msgs == NULL || !db_ok(msgs)) {
		PQclear(msgs);
		http_error(r, 503, MSG__MAX);
		return;
	}
	if (known)
		thread_page(r, digits, &s, msgs, notice, draft, draft_bad);
	else
		lookup_page(r, 404, MSG_STATUS_NOT_FOUND, typed);
	PQclear(msgs);
}
