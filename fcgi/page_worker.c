/* page_worker.c: the worker's pages behind a QR code: landing, form, receipt. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <jansson.h>
#include <libpq-fe.h>
#include <sodium.h>

#include "app.h"
#include "arena.h"
#include "buf.h"
#include "csrf.h"
#include "db.h"
#include "entry.h"
#include "form.h"
#include "html.h"
#include "http.h"
#include "i18n.h"
#include "log.h"
#include "multipart.h"
#include "page_worker.h"
#include "photo.h"
#include "qr.h"
#include "ratelimit.h"
#include "req.h"
#include "results.h"
#include "token.h"

/* 404 for an unknown or revoked QR token: friendly, with what to do next. */
static void
token_not_found(struct req *r)
{
	http_error(r, 404, MSG__MAX);
	buf_reset(r->out);
	html_page_begin(r, tr(r->lang, MSG_TOKEN_NOT_FOUND_TITLE));
	html_lit(r->out, "<h1>");
	html_text(r->out, tr(r->lang, MSG_TOKEN_NOT_FOUND_TITLE));
	html_lit(r->out, "</h1><p>");
	html_text(r->out, tr(r->lang, MSG_TOKEN_NOT_FOUND_BODY));
	html_lit(r->out, "</p>");
	html_page_end(r);
}

/* Scans counted in this worker and written together, one UPDATE for every
 * QR code, at most every SCAN_FLUSH_SECONDS: a flood of landing pages is
 * not a flood of writes on one hot row. Past RL_ENTRY_SCAN a minute a scan
 * is not counted at all, so a flood cannot inflate the count without
 * bound. A worker that is killed loses its last seconds of counts: a
 * count of reach, not an accounting. */
#define SCAN_SLOTS 32
#define SCAN_FLUSH_SECONDS 2
static struct {
	long long id;   /* 0: free */
	long long n;
} scans[SCAN_SLOTS];
static time_t scans_flushed;

/* Writes this worker's pending scans; they stay pending if the database
 * cannot take them now. */
static void
scans_flush(struct req *r)
{
	struct buf ids = { 0 }, counts = { 0 };
	char num[48];
	buf_puts(&ids, "{");
	buf_puts(&counts, "{");
	for (size_t i = 0; i < SCAN_SLOTS; i++) {
		if (scans[i].id == 0)
			continue;
		snprintf(num, sizeof(num), "%s%lld", ids.len > 1 ? "," : "", scans[i].id);
		buf_puts(&ids, num);
		snprintf(num, sizeof(num), "%s%lld", counts.len > 1 ? "," : "", scans[i].n);
		buf_puts(&counts, num);
	}
	buf_puts(&ids, "}");
	buf_puts(&counts, "}");
	scans_flushed = time(NULL);
	if (ids.len > 2) {
		const char *params[2] = { ids.data, counts.data };
		PGresult *res = db_run(r->app->db, STMT_ENTRY_COUNT_SCANS, params, NULL, NULL);
		if (res != NULL && db_ok(res))
			memset(scans, 0, sizeof(scans));
		PQclear(res);
	}
	buf_free(&ids);
	buf_free(&counts);
}

/* Counts one scan of entry point `id` (decimal), unless the QR code has
 * had its share this minute; writes what is pending when it is time. */
static void
scan_count(struct req *r, const char *id)
{
	long long v = strtoll(id, NULL, 10);
	size_t i = 0, free_slot = SCAN_SLOTS;
	bool counted = v > 0 && !ratelimit_hit(RL_ENTRY_SCAN, id, strlen(id));
	for (; counted && i < SCAN_SLOTS && scans[i].id != v; i++)
		if (scans[i].id == 0 && free_slot == SCAN_SLOTS)
			free_slot = i;
	if (counted && i == SCAN_SLOTS && free_slot == SCAN_SLOTS) {   /* every slot taken: write them out first */
		scans_flush(r);
		free_slot = scans[0].id == 0 ? 0 : SCAN_SLOTS;             /* still taken: the database is away */
		counted = free_slot == 0;
	}
	if (counted && i == SCAN_SLOTS) {
		i = free_slot;
		scans[i].id = v;
		scans[i].n = 0;
	}
	if (counted)
		scans[i].n++;
	if (time(NULL) - scans_flushed >= SCAN_FLUSH_SECONDS)
		scans_flush(r);
}

/* GET /q/TOKEN: the workplace and the forms this QR code offers. */
static void
landing(struct req *r, const char *token, const struct entry *e)
{
	scan_count(r, e->id);
	struct buf *b = r->out;
	html_page_begin_links(r, e->workplace);
	html_lit(b, "<p class=\"where\">");
	html_text(b, tr(r->lang, MSG_LANDING_WHERE));
	html_lit(b, "</p><h1>");
	html_text(b, e->workplace);
	html_lit(b, "</h1>");
	if (*e->label) {
		html_lit(b, "<p class=\"label\">");
		html_text(b, e->label);
		html_lit(b, "</p>");
	}
	html_lit(b, "<h2>");
	html_text(b, tr(r->lang, MSG_LANDING_CHOOSE));
	html_lit(b, "</h2><ul class=\"choices\">");
	for (const char *p = e->forms; *p; ) {
		const char *c = strchr(p, ',');
		char *id = arena_strndup(r->arena, p, c ? (size_t)(c - p) : strlen(p));
		const struct form *f = form_find(r->app->forms, id);
		if (f != NULL) {
			html_lit(b, "<li><a class=\"btn\" href=\"/q/");
			html_url_arg(b, token);
			html_lit(b, "/");
			html_url_arg(b, f->id);
			html_lit(b, "\">");
			html_text(b, form_label(f->title, r->lang));
			html_lit(b, "</a></li>");
		}
		if (c == NULL)
			break;
		p = c + 1;
	}
	/* a worker who scans again to check a report finds the way there */
	html_lit(b, "<li><a class=\"btn\" id=\"status-link\" href=\"/status\">");
	html_text(b, tr(r->lang, MSG_STATUS_LINK));
	html_lit(b, "</a></li></ul><p class=\"note\">");
	html_text(b, tr(r->lang, MSG_ANON_NOTE));
	html_lit(b, "</p>");
	struct result_line *lines = NULL;
	const char *approved_on = NULL;
	int n = entry_results(r, token, e, &lines, &approved_on);
	if (n > 0)
		results_render(r, "results", lines, n, approved_on);
	form_render_call(r, e->hotline, false);
	html_page_end(r);
}

/* GET /q/TOKEN/ket-qua: the workplace's approved "what the union did" on
 * a page of its own (a poster or a message can link it); nothing
 * published yet says so. 503 when the database is away. */
static void
results_page(struct req *r, const char *token, const struct entry *e)
{
	struct result_line *lines = NULL;
	const char *approved_on = NULL;
	int n = entry_results(r, token, e, &lines, &approved_on);
	if (n < 0) {
		http_error(r, 503, MSG__MAX);
		return;
	}
	struct buf *b = r->out;
	html_page_begin(r, tr(r->lang, MSG_RESULTS_TITLE));
	html_lit(b, "<h1>");
	html_text(b, tr(r->lang, MSG_RESULTS_TITLE));
	html_lit(b, "</h1><p class=\"where\">");
	html_text(b, e->workplace);
	html_lit(b, "</p>");
	if (n > 0)
		results_render(r, "results", lines, n, approved_on);
	else {
		html_lit(b, "<p id=\"results-none\">");
		html_text(b, tr(r->lang, MSG_RESULTS_NONE));
		html_lit(b, "</p>");
	}
	html_lit(b, "<p><a class=\"btn\" href=\"/q/");
	html_url_arg(b, token);
	html_lit(b, "\">");
	html_text(b, tr(r->lang, MSG_BACK_TO_FORMS));
	html_lit(b, "</a></p>");
	html_page_end(r);
}

/* Renders the form page with `status`; values and errors may be NULL, and
 * `e` too when the database could not say which QR code this is.
 * `notice` (MSG__MAX for none) is shown above the form, e.g. why it was not
 * sent. A fresh anti-forgery token is issued every time; the idempotency
 * key is kept when the worker is re-sending. */
static void
form_page(struct req *r, int status, const char *token, const struct entry *e,
    const struct form *f, const struct kvlist *values, const enum msg *errors, enum msg notice,
    enum msg contact_error)
{
	struct buf *b = r->out;
	char csrf[CSRF_TOKEN_MAX], fresh[IDEM_LEN + 1];
	const char *idem = values ? kv_get(values, "_idem") : NULL;
	csrf_form_token(r->app->keys, token, f->id, time(NULL), csrf);
	if (idem == NULL || !idem_valid(idem)) {
		idem_new(fresh);
		idem = fresh;
	}

	buf_reset(b);
	r->status = status;
	html_page_begin(r, form_label(f->title, r->lang));
	if (e) {
		html_lit(b, "<p class=\"where\">");
		html_text(b, e->workplace);
		html_lit(b, "</p>");
	}
	html_lit(b, "<h1>");
	html_text(b, form_label(f->title, r->lang));
	html_lit(b, "</h1>");
	if (notice != MSG__MAX) {
		html_lit(b, "<p class=\"alert\" role=\"alert\">");
		html_text(b, tr(r->lang, notice));
		html_lit(b, "</p>");
	}
	if (f->help[LANG_VI]) {
		html_lit(b, "<p>");
		html_text(b, form_label(f->help, r->lang));
		html_lit(b, "</p>");
	}
	html_lit(b, "<p class=\"note\">");
	html_text(b, tr(r->lang, MSG_ANON_NOTE));
	html_lit(b, "</p><form method=\"post\" accept-charset=\"utf-8\"");
	if (f->has_photo)
		html_lit(b, " enctype=\"multipart/form-data\"");
	html_lit(b, " action=\"/q/");
	html_url_arg(b, token);
	html_lit(b, "/");
	html_url_arg(b, f->id);
	html_lit(b, "\"><input type=\"hidden\" name=\"_token\" value=\"");
	html_attr(b, csrf);
	html_lit(b, "\"><input type=\"hidden\" name=\"_idem\" value=\"");
	html_attr(b, idem);
	html_lit(b, "\">\n");
	/* a field people never see: bots fill it, browsers' autofill must not */
	html_lit(b, "<div class=\"hp\" aria-hidden=\"true\"><label for=\"f-website\">Website</label>"
	    "<input type=\"text\" id=\"f-website\" name=\"website\" tabindex=\"-1\" autocomplete=\"off\" value=\"\"></div>\n");
	form_render_fields(r, f, values, errors, e ? e->hotline : NULL);
	form_render_contact(r, f, values, contact_error);
	html_lit(b, "<p class=\"hint\">");
	html_text(b, tr(r->lang, MSG_NOTICE));
	html_lit(b, " <a href=\"/privacy\">");
	html_text(b, tr(r->lang, MSG_NOTICE_MORE));
	html_lit(b, "</a></p><button type=\"submit\" class=\"btn primary\">");
	html_text(b, tr(r->lang, MSG_SEND));
	html_lit(b, "</button></form>");
	html_page_end(r);
}

/* A button that saves the receipt as a PNG (phone galleries show PNGs, not
 * SVGs) without any script: it posts the code to /q/TOKEN/bien-nhan.png,
 * which draws it (receipt_png), so the code never travels in a URL and
 * the picture costs nothing until the worker asks for it. */
static void
receipt_image_link(struct req *r, const char *token, const char *digits)
{
	html_lit(r->out, "<form method=\"post\" class=\"save-receipt\" action=\"/q/");
	html_attr(r->out, token);
	html_lit(r->out, "/bien-nhan.png\"><input type=\"hidden\" name=\"code\" value=\"");
	html_attr(r->out, digits);
	html_lit(r->out, "\"><button type=\"submit\" class=\"btn\" id=\"save-receipt\">");
	html_text(r->out, tr(r->lang, MSG_RECEIPT_SAVE));
	html_lit(r->out, "</button></form>");
}

/* A receipt-picture request holds one 16-digit code: a longer body is a
 * bad code (400, like any other), not an upload too large. */
#define RECEIPT_BODY_MAX 1024

/* POST /q/TOKEN/bien-nhan.png with code=16 digits: the receipt as a PNG to
 * save (qr.c: the code in large digits and its QR code), an attachment
 * named tieng-noi-bien-nhan.png. Anything but 16 digits is a 400; nothing
 * is looked up or stored: the picture says only what was posted. */
static void
receipt_png(struct req *r)
{
	struct kvlist in;
	enum req_err bad = req_form(r, RECEIPT_BODY_MAX, &in);
	if (bad != REQ_OK) {
		http_req_error(r, bad == REQ_ERR_TOO_LARGE ? REQ_ERR_ENCODING : bad);
		return;
	}
	const char *code = kv_get(&in, "code");
	if (code == NULL || strlen(code) != RECEIPT_DIGITS || strspn(code, "0123456789") != RECEIPT_DIGITS) {
		http_error(r, 400, MSG__MAX);
		return;
	}
	char grouped[RECEIPT_DIGITS + 4];
	receipt_format(code, grouped);
	unsigned char *png;
	size_t n;
	if (qr_receipt_png(grouped, code, &png, &n) != 0) {
		log_warn("receipt: the picture could not be drawn");
		http_error(r, 500, MSG__MAX);
		return;
	}
	http_download(r, "image/png", "tieng-noi-bien-nhan.png");
	http_buffer_write(r, png, n);
	free(png);
}

/* The receipt page: the code large, in id="receipt", and what it is for. */
static void
receipt_page(struct req *r, const char *token, const char *hotline, const char *digits, const struct form *f,
    bool urgent)
{
	struct buf *b = r->out;
	char grouped[RECEIPT_DIGITS + 4];
	receipt_format(digits, grouped);
	buf_reset(b);
	r->status = 200;
	html_page_begin(r, tr(r->lang, MSG_RECEIPT_TITLE));
	html_lit(b, "<h1>");
	html_text(b, tr(r->lang, MSG_RECEIPT_TITLE));
	html_lit(b, "</h1>");
	if (urgent) {
		html_lit(b, "<div class=\"urgent\" role=\"alert\"><p>");
		html_text(b, form_label(f->urgent_message, r->lang));
		html_lit(b, "</p>");
		form_render_call(r, hotline, true);
		html_lit(b, "</div>");
	}
	html_lit(b, "<p>");
	html_text(b, tr(r->lang, MSG_RECEIPT_LABEL));
	html_lit(b, "</p><p class=\"receipt\" id=\"receipt\">");
	html_text(b, grouped);
	html_lit(b, "</p>");
	receipt_image_link(r, token, digits);
	html_lit(b, "<p>");
	html_text(b, tr(r->lang, MSG_RECEIPT_EXPLAIN));
	html_lit(b, "</p><p class=\"alert\">");
	html_text(b, tr(r->lang, MSG_RECEIPT_KEEP));
	html_lit(b, "</p><ul class=\"choices\"><li><a class=\"btn\" href=\"/status\">");
	html_text(b, tr(r->lang, MSG_STATUS_LINK));
	html_lit(b, "</a></li><li><a class=\"btn\" id=\"back-to-forms\" href=\"/q/");
	html_url_arg(b, token);
	html_lit(b, "\">");
	html_text(b, tr(r->lang, MSG_BACK_TO_FORMS));
	html_lit(b, "</a></li></ul>");
	if (!urgent)
		form_render_call(r, hotline, false);
	html_page_end(r);
}

/* A photo as received, checked and stripped; bytes in the arena. */
struct photo_in {
	const struct form_field *field;
	enum photo_type type;
	const unsigned char *data;   /* as sent */
	size_t len;
	unsigned char *clean;        /* metadata removed */
	size_t clean_len;
};

#define PHOTO_PARTS_MAX 12
#define PHOTO_BYTES_MAX (5 * 1024 * 1024)
#define MULTIPART_BODY_MAX (PHOTO_PARTS_MAX * PHOTO_BYTES_MAX / 3 + FORM_BODY_MAX)

static const struct form_field *
photo_field(const struct form *f, const char *name)
{
	for (size_t i = 0; i < f->nfields; i++)
		if (f->fields[i].type == FIELD_PHOTO && strcmp(f->fields[i].name, name) == 0)
			return &f->fields[i];
	return NULL;
}

/* Reads a multipart body: plain fields into `in`, files of photo fields
 * into `photos` (checked later, so the worker's text survives a bad
 * photo). Structural errors answer 400/413 and return -1. */
static int
read_multipart(struct req *r, const struct form *f, struct kvlist *in, struct photo_in *photos, size_t *nphotos)
{
	char *body;
	size_t len;
	struct mp_form mp;
	static const struct mp_limits limits = {
		.max_parts = 200, .max_header_bytes = 4096, .max_field_bytes = FORM_BODY_MAX,
		.max_file_bytes = PHOTO_BYTES_MAX * 2, .max_files = PHOTO_PARTS_MAX,
	};
	switch (req_body(r, MULTIPART_BODY_MAX, &body, &len)) {
	case REQ_OK: break;
	case REQ_ERR_TOO_LARGE: http_error(r, 413, MSG_PHOTO_TOO_BIG); return -1;
	default: http_error(r, 400, MSG__MAX); return -1;
	}
	int rc = multipart_parse(r->arena, r->content_type, body, len, &limits, &mp);
	if (rc == MP_ERR_FILE_TOO_LARGE) {
		http_error(r, 413, MSG_PHOTO_TOO_BIG);
		return -1;
	}
	if (rc != MP_OK || multipart_fields(r->arena, &mp, in) != MP_OK) {
		http_error(r, 400, rc == MP_ERR_UTF8 || rc == MP_ERR_CONTROL ? MSG_ERR_BAD_UTF8 : MSG_ERR_BAD_ENCODING);
		return -1;
	}
	*nphotos = 0;
	for (size_t i = 0; i < mp.n; i++) {
		const struct mp_part *p = &mp.parts[i];
		if (p->filename == NULL || p->len == 0)
			continue;   /* plain field, or an empty file input */
		const struct form_field *fd = photo_field(f, p->name);
		if (fd == NULL || *nphotos == PHOTO_PARTS_MAX) {
			http_error(r, 400, MSG_ERR_BAD_ENCODING);
			return -1;
		}
		photos[(*nphotos)++] = (struct photo_in){ fd, PHOTO_NONE, (const unsigned char *)p->data, p->len, NULL, 0 };
	}
	return 0;
}

/* Checks each photo field's files: count, size, a real JPEG/PNG/WebP by
 * content; strips their metadata. Errors land on the field; the answers
 * record how many photos each field holds. Returns the number of fields
 * in error. */
static int
check_photos(struct req *r, const struct form *f, struct photo_in *photos, size_t n, json_t *answers, enum msg *errors)
{
	int nerr = 0;
	for (size_t i = 0; i < f->nfields; i++) {
		const struct form_field *fd = &f->fields[i];
		long count = 0;
		enum msg e = MSG__MAX;
		if (fd->type != FIELD_PHOTO)
			continue;
		for (size_t j = 0; j < n; j++) {
			if (photos[j].field != fd)
				continue;
			count++;
			if (photos[j].len > PHOTO_BYTES_MAX)
				e = MSG_PHOTO_TOO_BIG;
			else if (photo_strip(r->arena, photos[j].data, photos[j].len, &photos[j].clean,
			    &photos[j].clean_len, &photos[j].type) != PHOTO_OK)
				e = MSG_PHOTO_BAD_TYPE;
		}
		if (count > fd->max_items)
			e = MSG_FIELD_TOO_MANY;
		if (e != MSG__MAX && errors[i] == MSG__MAX) {
			errors[i] = e;
			nerr++;
		} else if (count > 0) {
			json_object_set_new(answers, fd->name, json_integer(count));
		}
	}
	return nerr;
}

/* Stores the stripped photos of a new submission (inside its transaction). */
static int
store_photos(struct req *r, const char *submission_id, const struct photo_in *photos, size_t n)
{
	for (size_t j = 0; j < n; j++) {
		unsigned char sha[crypto_hash_sha256_BYTES];
		char size[24];
		crypto_hash_sha256(sha, photos[j].clean, photos[j].clean_len);
		snprintf(size, sizeof(size), "%zu", photos[j].clean_len);
		const char *params[6] = { submission_id, photos[j].field->name, photo_mime(photos[j].type), size,
		    (const char *)sha, (const char *)photos[j].clean };
		const int lengths[6] = { 0, 0, 0, 0, sizeof(sha), (int)photos[j].clean_len };
		const int binary[6] = { 0, 0, 0, 0, 1, 1 };
		PGresult *res = db_run(r->app->db, STMT_ATTACHMENT_INSERT, params, lengths, binary);
		bool ok = res != NULL && db_ok(res);
		if (!ok && res != NULL)
			log_warn("attachment insert failed: %s %s", db_sqlstate(res),
			    PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : "");
		PQclear(res);
		if (!ok)
			return -1;
	}
	return 0;
}

/* What the report stored under an idempotency key is to the one being
 * sent (whose receipt hashes are `rhash` and, legacy, `legacy_hash`). */
enum key_match { KEY_SAME, KEY_LEGACY, KEY_OTHER, KEY_UNKNOWN };

static enum key_match
key_stored(struct req *r, const char *idem, const unsigned char *rhash, const unsigned char *legacy_hash)
{
	enum { K_MATCH };   /* STMT_SUBMISSION_KEY_STORED's one column */
	const char *p[3] = { idem, (const char *)rhash, (const char *)legacy_hash };
	const int lengths[3] = { 0, RECEIPT_HASH_LEN, RECEIPT_HASH_LEN }, binary[3] = { 0, 1, 1 };
	PGresult *res = db_run(r->app->db, STMT_SUBMISSION_KEY_STORED, p, lengths, binary);
	enum key_match m = KEY_UNKNOWN;
	if (res != NULL && db_ok(res) && PQntuples(res) == 1) {
		const char *v = PQgetvalue(res, 0, K_MATCH);
		m = *v == 's' ? KEY_SAME : *v == 'l' ? KEY_LEGACY : KEY_OTHER;
	}
	PQclear(res);
	return m;
}

/* The digest of what a report says, for its receipt (never stored): the
 * form and QR code, the answers (`canon`: compact JSON with its keys
 * sorted), the contact details before sealing (sealing is randomised) and
 * each stripped photo. */
static void
report_digest(const char *token, const struct form *f, const char *canon, const char *contact,
    const struct photo_in *photos, size_t nphotos, unsigned char out[REPORT_DIGEST_LEN])
{
	crypto_generichash_state st;
	crypto_generichash_init(&st, NULL, 0, REPORT_DIGEST_LEN);
	crypto_generichash_update(&st, (const unsigned char *)token, strlen(token) + 1);
	crypto_generichash_update(&st, (const unsigned char *)f->id, strlen(f->id) + 1);
	crypto_generichash_update(&st, (const unsigned char *)canon, strlen(canon) + 1);
	crypto_generichash_update(&st, (const unsigned char *)(contact ? contact : ""), contact ? strlen(contact) + 1 : 1);
	for (size_t j = 0; j < nphotos; j++) {
		unsigned char sha[crypto_hash_sha256_BYTES];
		crypto_hash_sha256(sha, photos[j].clean, photos[j].clean_len);
		crypto_generichash_update(&st, (const unsigned char *)photos[j].field->name, strlen(photos[j].field->name) + 1);
		crypto_generichash_update(&st, sha, sizeof(sha));
	}
	crypto_generichash_final(&st, out, REPORT_DIGEST_LEN);
}

/* The form again, its text kept, under a fresh idempotency key: the key
 * the worker sent already holds another report. */
static void
key_reused(struct req *r, const char *token, const struct entry *e, const struct form *f, struct kvlist *in)
{
	char fresh[IDEM_LEN + 1];
	idem_new(fresh);
	for (size_t i = 0; i < in->n; i++)
		if (strcmp(in->items[i].key, "_idem") == 0)
			in->items[i].val = arena_strdup(r->arena, fresh);
	form_page(r, 409, token, e, f, in, NULL, MSG_FORM_KEY_REUSED, MSG__MAX);
}

/* POST /q/TOKEN/FORM: check, validate, store once, show the receipt. Every
 * refusal the worker can fix re-renders the form with their text. */
static void
form_submit(struct req *r, const char *token, const struct entry *e, enum found found,
    const struct form *f)
{
	struct kvlist in;
	const struct entry *known = found == FOUND ? e : NULL;

	struct photo_in photos[PHOTO_PARTS_MAX];
	size_t nphotos = 0;
	if (f->has_photo && req_content_type_is(r, "multipart/form-data")) {
		if (read_multipart(r, f, &in, photos, &nphotos) != 0)
			return;
	} else {
		enum req_err bad = req_form(r, FORM_BODY_MAX, &in);
		if (bad != REQ_OK) {
			http_req_error(r, bad);
			return;
		}
	}
	if (csrf_form_check(r->app->keys, token, f->id, kv_get(&in, "_token"), time(NULL)) != CSRF_OK) {
		form_page(r, 403, token, known, f, &in, NULL, MSG_FORM_EXPIRED, MSG__MAX);
		return;
	}
	const char *idem = kv_get(&in, "_idem");
	if (idem == NULL || !idem_valid(idem)) {
		form_page(r, 403, token, known, f, &in, NULL, MSG_FORM_EXPIRED, MSG__MAX);
		return;
	}
	if (*kv_get_or_empty(&in, "website") != '\0') {
		form_page(r, 400, token, known, f, &in, NULL, MSG_FORM_HAS_ERRORS, MSG__MAX);
		return;
	}
	/* one key resent again and again: only its sender's own report waits */
	if (ratelimit_hit(RL_IDEM_POST, idem, strlen(idem))) {
		form_page(r, 429, token, known, f, &in, NULL, MSG_ERR_429_BODY, MSG__MAX);
		http_header(r, "Retry-After: 60");
		return;
	}
	json_t *answers;
	enum msg *errors;
	char *contact;
	int nerr = form_validate(r->arena, f, &in, &answers, &errors);
	nerr += check_photos(r, f, photos, nphotos, answers, errors);
	enum msg contact_error = form_contact(r->arena, f, &in, &contact);
	if (nerr > 0 || contact_error != MSG__MAX) {
		json_decref(answers);
		form_page(r, 400, token, known, f, &in, errors, MSG_FORM_HAS_ERRORS, contact_error);
		return;
	}
	if (found != FOUND) {   /* the database was away when we looked */
		json_decref(answers);
		form_page(r, 503, token, known, f, &in, NULL, MSG_ERR_503_BODY, MSG__MAX);
		http_header(r, "Retry-After: 5");
		return;
	}
	char digits[RECEIPT_DIGITS + 1], version[16];
	unsigned char rhash[RECEIPT_HASH_LEN], content[REPORT_DIGEST_LEN];
	/* one text of the answers serves the receipt's digest and the INSERT:
	 * the column is jsonb, which keeps no key order */
	char *json = form_answers_json(answers);
	json_decref(answers);
	if (json == NULL) {
		http_error(r, 500, MSG__MAX);
		return;
	}
	report_digest(token, f, json, contact, photos, nphotos, content);
	receipt_from_report(r->app->keys, idem, content, digits);
	receipt_hash(r->app->keys, digits, rhash);
	snprintf(version, sizeof(version), "%d", f->version);
	bool urgent = form_is_urgent(f, &in);
	/* valid reports only are counted per QR code, and past the limit they
	 * are stored flagged, never refused: someone else's flood (invalid
	 * posts cost nothing here) must not silence a real worker */
	bool flood = ratelimit_hit(RL_ENTRY_POST, token, strlen(token));
	unsigned char *sealed = NULL;
	size_t sealed_len = 0;
	if (contact != NULL && keys_seal(r->app->keys, contact, &sealed, &sealed_len) != 0) {
		free(json);
		http_error(r, 500, MSG__MAX);
		return;
	}
	const char *params[12] = { e->id, f->id, version, json, r->lang == LANG_EN ? "en" : "vi",
	    idem, (const char *)rhash, urgent ? "t" : "f", (const char *)sealed, flood ? "t" : "f",
	    e->workplace_id, e->unit_id };
	const int lengths[12] = { 0, 0, 0, 0, 0, 0, RECEIPT_HASH_LEN, 0, (int)sealed_len, 0, 0, 0 };
	const int binary[12] = { 0, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0 };
	enum { SUBMISSION_ID };   /* STMT_SUBMISSION_INSERT's one column */
	PGresult *res = NULL;
	bool tx = nphotos > 0, unique_violation = false;
	if (!tx || db_begin(r->app->db) == 0) {
		res = db_run(r->app->db, STMT_SUBMISSION_INSERT, params, lengths, binary);
		unique_violation = res != NULL && strcmp(db_sqlstate(res), "23505") == 0;
		if (tx && res != NULL && db_ok(res) && PQntuples(res) == 1 &&
		    store_photos(r, PQgetvalue(res, 0, SUBMISSION_ID), photos, nphotos) != 0) {
			PQclear(res);
			res = NULL;
		}
		if (tx && (res == NULL || !db_ok(res) || db_commit(r->app->db) != 0)) {
			db_rollback(r->app->db);
			PQclear(res);
			res = NULL;
		}
	}
	free(json);
	free(sealed);
	if (unique_violation || (res != NULL && db_ok(res) && PQntuples(res) == 0)) {
		/* the key is taken: by this very report (a double tap, a resend
		 * after a lost answer, or a twin that reached the receipt's unique
		 * index first: ON CONFLICT arbitrates only the key's), by a report
		 * stored before receipts were bound to the content, or by another
		 * report, which must not be answered with its receipt */
		PQclear(res);
		/* the receipt the key had before receipts were bound to the content:
		 * only a taken key needs it */
		char legacy[RECEIPT_DIGITS + 1];
		unsigned char legacy_hash[RECEIPT_HASH_LEN];
		receipt_from_idem(r->app->keys, idem, legacy);
		receipt_hash(r->app->keys, legacy, legacy_hash);
		switch (key_stored(r, idem, rhash, legacy_hash)) {
		case KEY_SAME: receipt_page(r, token, e->hotline, digits, f, urgent); return;
		case KEY_LEGACY: receipt_page(r, token, e->hotline, legacy, f, urgent); return;
		case KEY_OTHER: key_reused(r, token, known, f, &in); return;
		case KEY_UNKNOWN: res = NULL; break;
		}
	}
	if (res == NULL || !db_ok(res)) {
		if (res != NULL)
			log_warn("submission insert failed: %s %s", db_sqlstate(res),
			    PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : "");
		PQclear(res);
		form_page(r, 503, token, known, f, &in, NULL, MSG_ERR_503_BODY, MSG__MAX);
		http_header(r, "Retry-After: 5");
		return;
	}
	PQclear(res);
	receipt_page(r, token, e->hotline, digits, f, urgent);
}

/* /q/TOKEN[/FORM]: token matched case-insensitively. */
void
page_worker(struct req *r)
{
	const char *rest = r->tail;   /* what follows /q/ or /Q/ */
	const char *slash = strchr(rest, '/');
	char *token = arena_strndup(r->arena, rest, slash ? (size_t)(slash - rest) : strlen(rest));
	const char *form_id = slash ? slash + 1 : "";
	size_t flen = strlen(form_id);
	if (flen > 0 && form_id[flen - 1] == '/')
		form_id = arena_strndup(r->arena, form_id, flen - 1);
	if (strchr(form_id, '/') != NULL || !token_normalize(token)) {
		token_not_found(r);
		return;
	}
	struct entry e = { 0 };
	enum found found = entry_load(r, token, &e);
	if (found == MISSING) {
		token_not_found(r);
		return;
	}
	if (*form_id == '\0') {
		if (r->method == METHOD_POST)
			http_error(r, 405, MSG__MAX);
		else if (found == DB_DOWN)
			http_error(r, 503, MSG__MAX);
		else
			landing(r, token, &e);
		return;
	}
	if (strcmp(form_id, "bien-nhan.png") == 0) {
		if (r->method == METHOD_POST)
			receipt_png(r);
		else
			http_error(r, 405, MSG__MAX);
		return;
	}
	if (strcmp(form_id, "ket-qua") == 0) {
		if (r->method == METHOD_POST)
			http_error(r, 405, MSG__MAX);
		else if (found == DB_DOWN)
			http_error(r, 503, MSG__MAX);
		else
			results_page(r, token, &e);
		return;
	}
	const struct form *f = form_find(r->app->forms, form_id);
	if (f == NULL || (found == FOUND && !entry_offers(&e, form_id))) {
		http_error(r, 404, MSG__MAX);
		return;
	}
	if (r->method == METHOD_POST)
		form_submit(r, token, &e, found, f);
	else if (found == DB_DOWN)
		http_error(r, 503, MSG__MAX);
	else
		form_page(r, 200, token, &e, f, NULL, NULL, MSG__MAX, MSG__MAX);
}
