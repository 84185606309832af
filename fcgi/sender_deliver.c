/* sender_deliver.c: tiengnoi-sender's batches: claim due outbox rows, send mails over one SMTP session and webhooks concurrently (libcurl multi), record the results in the claiming transaction. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <curl/curl.h>
#include <jansson.h>
#include <libpq-fe.h>

#include "app.h"
#include "arena.h"
#include "config.h"
#include "db.h"
#include "log.h"
#include "notify.h"
#include "sender.h"
#include "webhook.h"

#define MAIL_BATCH 16
#define WEBHOOK_BATCH 64
#define WEBHOOK_PER_RECEIVER 32      /* deliveries to one receiver in one batch */
#define WEBHOOK_HOST_CONNECTIONS 8   /* connections to one host at a time */

/* What libcurl hands out while sending the message. */
struct upload {
	const char *data;
	size_t len, off;
};

static size_t
upload_read(char *out, size_t size, size_t nmemb, void *arg)
{
	struct upload *u = arg;
	size_t n = size * nmemb, left = u->len - u->off;
	if (n > left)
		n = left;
	memcpy(out, u->data + u->off, n);
	u->off += n;
	return n;
}

static size_t
discard(char *p, size_t size, size_t nmemb, void *arg)
{
	(void)p;
	(void)arg;
	return size * nmemb;
}

/* True for a URL whose host is this machine: STARTTLS is then tried, not
 * required (a test server on loopback); anywhere else it is required. */
static bool
loopback_url(const char *url)
{
	CURLU *u = curl_url();
	char *host = NULL;
	bool lo = u && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
	    (strcmp(host, "localhost") == 0 || strncmp(host, "127.", 4) == 0 || strcmp(host, "[::1]") == 0);
	curl_free(host);
	curl_url_cleanup(u);
	return lo;
}

/* Sends one message through SMTP (submission with STARTTLS and the URL's
 * user and password) on the lane's handle, whose open connection libcurl
 * reuses for the next message; NULL when the server accepted it, else why
 * not (arena). */
static const char *
smtp_send(struct arena *a, CURL *c, const char *url, const char *from, const char *to, const char *msg)
{
	char err[CURL_ERROR_SIZE] = "";
	struct upload up = { msg, strlen(msg), 0 };
	struct curl_slist *rcpt = curl_slist_append(NULL, arena_printf(a, "<%s>", to));
	if (rcpt == NULL)
		return "out of memory";
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	curl_easy_setopt(c, CURLOPT_USE_SSL, loopback_url(url) ? (long)CURLUSESSL_TRY : (long)CURLUSESSL_ALL);
	curl_easy_setopt(c, CURLOPT_MAIL_FROM, arena_printf(a, "<%s>", from));
	curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(c, CURLOPT_READFUNCTION, upload_read);
	curl_easy_setopt(c, CURLOPT_READDATA, &up);
	curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)SENDER_SMTP_TIMEOUT);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, (long)SENDER_CONNECT_TIMEOUT);
	curl_easy_setopt(c, CURLOPT_MAXAGE_CONN, 30L);   /* servers drop idle sessions; do not reuse one that old */
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, err);
	CURLcode rc = curl_easy_perform(c);
	curl_easy_setopt(c, CURLOPT_MAIL_RCPT, NULL);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, NULL);
	curl_slist_free_all(rcpt);
	if (rc == CURLE_OK)
		return NULL;
	return arena_printf(a, "smtp: %s", *err ? err : curl_easy_strerror(rc));
}

/* Adds one row's result to the batch's list: error "" when sent; gone when
 * there is nothing to send any more. */
static void
result_add(json_t *results, const char *id, const char *why, bool gone)
{
	json_array_append_new(results, json_pack("{s:I, s:s, s:b}", "id", (json_int_t)strtoll(id, NULL, 10), "err",
	    why ? why : "", "gone", gone));
}

/* Records a batch's results: sent; or failed for good (gone, or pending
 * longer than 24 h); or due again after 30 s doubling to 1 h. A confirmation
 * link is not kept once it went out (only its hash, on the officer's row,
 * confirms). With receivers, first each receiver's health: one that failed
 * (and answered nothing) is paused and its due deliveries wait until then;
 * one that answered after failing is released, its backlog due now (the
 * error that paused it is kept on the webhook for admins). False
 * when the database failed. */
static bool
results_record(struct db *db, json_t *results, const char *scale, bool receivers)
{
	char *doc = json_dumps(results, JSON_COMPACT);
	if (doc == NULL)
		return false;
	const char *p[2] = { doc, scale };
	PGresult *res = NULL;
	if (receivers) {
		res = db_query(db, "WITH r AS (SELECT x.webhook_id, bool_or(r.err = '') AS ok, bool_or(r.err <> '' AND NOT r.gone) AS bad, "
	    "  left(max(r.err), 500) AS err FROM jsonb_to_recordset($1::jsonb) AS r (id bigint, err text, gone boolean) "
	    "  JOIN outbox x ON x.id = r.id GROUP BY 1), "
	    "h AS (UPDATE webhook w SET failures = CASE WHEN r.ok THEN 0 ELSE w.failures + 1 END, "
	    "  last_error = CASE WHEN r.ok THEN '' ELSE r.err END, "   /* shown to admins (sql/054) */
	    "  retry_at = CASE WHEN r.ok THEN NULL ELSE now() + make_interval(secs => least(30 * 2 ^ w.failures, 3600) * $2::float8) END "
	    "  FROM r WHERE w.id = r.webhook_id AND ((r.ok AND w.failures > 0) OR (NOT r.ok AND r.bad)) RETURNING w.id, w.retry_at) "
	    "UPDATE outbox o SET next_attempt_at = coalesce(h.retry_at, now()) FROM h WHERE o.webhook_id = h.id AND o.status = 'pending' "
	    "AND CASE WHEN h.retry_at IS NULL THEN o.next_attempt_at > now() ELSE o.next_attempt_at < h.retry_at END", 2, p);
		if (!db_ok(res))
			goto done;
		PQclear(res);
	}
	res = db_query(db, "UPDATE outbox x SET attempts = x.attempts + 1, last_error = left(r.err, 500), "
	    "status = CASE WHEN r.err = '' THEN 'sent' WHEN r.gone OR x.created_at + interval '24 hours' * $2::float8 < now() "
	    "THEN 'failed' ELSE 'pending' END, sent_at = CASE WHEN r.err = '' THEN now() END, "
	    "next_attempt_at = now() + make_interval(secs => least(30 * 2 ^ x.attempts, 3600) * $2::float8), "
	    "payload = CASE WHEN x.event = 'email.confirm' AND (r.err = '' OR r.gone) THEN x.payload - 'token' ELSE x.payload END "
	    "FROM jsonb_to_recordset($1::jsonb) AS r (id bigint, err text, gone boolean) WHERE x.id = r.id", 2, p);
done:
	free(doc);
	bool ok = db_ok(res);
	PQclear(res);
	return ok;
}

/* Commits a batch's results, or rolls it back (the rows stay pending and
 * are tried again: at least once, never lost). Returns rows or -1. */
static int
batch_end(struct db *db, json_t *results, const char *scale, bool receivers, const char *what)
{
	int n = (int)json_array_size(results);
	if (!results_record(db, results, scale, receivers) || db_commit(db) != 0) {
		db_rollback(db);
		log_warn("sender: could not record the results of %d %s; they stay pending", n, what);
		return -1;
	}
	return n;
}

/* 1 when the claiming query found rows; else ends the transaction and
 * returns 0 (none due) or -1 (the database failed). */
static int
batch_claimed(struct db *db, PGresult *rows)
{
	if (db_ok(rows) && PQntuples(rows) > 0)
		return 1;
	bool ok = db_ok(rows);
	PQclear(rows);
	db_rollback(db);
	return ok ? 0 : -1;
}

/* The columns of a claimed mail row. */
enum { M_ID, M_EVENT, M_OFFICER, M_PAYLOAD, M_MESSAGE_ID };

/* Composes and sends row i; NULL when sent, else why not; *gone when there
 * is nothing to send any more. */
static const char *
mail_one(struct db *db, struct arena *a, CURL *c, PGresult *rows, int i, bool *gone)
{
	const char *smtp = config_smtp_url(), *from = config_mail_from();
	if (smtp == NULL || from == NULL)
		return "smtp_url or mail_from is not set (TIENGNOI_SMTP_URL, TIENGNOI_MAIL_FROM)";
	struct mail m;
	enum found f = notify_compose(db, a, PQgetvalue(rows, i, M_EVENT), PQgetvalue(rows, i, M_OFFICER),
	    PQgetvalue(rows, i, M_PAYLOAD), config_base_url(), &m);
	if (f == DB_DOWN)
		return "database error while composing";
	if (f == MISSING) {
		*gone = true;
		return "nothing to send: the officer has no confirmed address now, or the item is gone";
	}
	const char *addr = notify_from_address(a, from), *at = strrchr(addr, '@');
	char *mid = arena_printf(a, "<tiengnoi.%s.%s@%s>", PQgetvalue(rows, i, M_ID), PQgetvalue(rows, i, M_MESSAGE_ID),
	    at ? at + 1 : "localhost");
	char *msg = notify_message(a, &m, from, mid, time(NULL));
	if (msg == NULL)
		return "out of memory";
	return smtp_send(a, c, smtp, addr, m.to, msg);
}

int
sender_mail_batch(struct db *db, struct arena *a, CURL **smtp, double scale)
{
	if (*smtp == NULL && (*smtp = curl_easy_init()) == NULL)
		return -1;
	if (db_begin(db) != 0)
		return -1;
	char batch[16], scale_s[32];
	snprintf(batch, sizeof(batch), "%d", MAIL_BATCH);
	snprintf(scale_s, sizeof(scale_s), "%g", scale);
	const char *p[1] = { batch };
	PGresult *rows = db_query(db, "SELECT id, event, officer_id::text, payload::text, message_id FROM outbox "
	    "WHERE kind = 'mail' AND status = 'pending' AND next_attempt_at <= now() "
	    "ORDER BY priority, next_attempt_at, id LIMIT $1::integer FOR UPDATE SKIP LOCKED", 1, p);
	int got = batch_claimed(db, rows);
	if (got <= 0)
		return got;
	json_t *results = json_array();
	const char *down = NULL;
	for (int i = 0; i < PQntuples(rows); i++) {
		bool gone = false;
		const char *why = down ? arena_printf(a, "not tried, the mail before it failed: %s", down)
		                       : mail_one(db, a, *smtp, rows, i, &gone);
		if (why && !gone && down == NULL)
			down = why;
		result_add(results, PQgetvalue(rows, i, M_ID), why, gone);
		if (why)
			log_warn("sender: outbox %s (mail %s): %s", PQgetvalue(rows, i, M_ID), PQgetvalue(rows, i, M_EVENT), why);
	}
	PQclear(rows);
	int n = batch_end(db, results, scale_s, false, "mails");
	json_decref(results);
	return n;
}

/* One webhook delivery in flight. */
struct hook {
	CURL *c;
	struct curl_slist *headers;
	char err[CURL_ERROR_SIZE];
	const char *why;   /* NULL once delivered */
	bool gone;
};

/* The columns of a claimed webhook row. */
enum { W_ID, W_EVENT, W_EVENT_ID, W_PAYLOAD, W_URL, W_SECRET, W_REMOVED };

/* Prepares row i's signed POST on its own easy handle; false when out of memory. */
static bool
hook_prepare(struct arena *a, struct hook *h, PGresult *rows, int i)
{
	const char *body = PQgetvalue(rows, i, W_PAYLOAD);
	char sig[WEBHOOK_SIGNATURE_MAX];
	webhook_sign(PQgetvalue(rows, i, W_SECRET), time(NULL), body, strlen(body), sig);
	struct curl_slist *l = NULL;
	l = curl_slist_append(l, "Content-Type: application/json");
	l = curl_slist_append(l, "User-Agent: tiengnoi-sender");
	l = curl_slist_append(l, "Expect:");
	l = curl_slist_append(l, arena_printf(a, "Tiengnoi-Signature: %s", sig));
	l = curl_slist_append(l, arena_printf(a, "Tiengnoi-Event: %s", PQgetvalue(rows, i, W_EVENT)));
	l = curl_slist_append(l, arena_printf(a, "Tiengnoi-Delivery: %s", PQgetvalue(rows, i, W_EVENT_ID)));
	h->headers = l;
	h->c = curl_easy_init();
	if (h->c == NULL || l == NULL)
		return false;
	curl_easy_setopt(h->c, CURLOPT_URL, PQgetvalue(rows, i, W_URL));
	curl_easy_setopt(h->c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h->c, CURLOPT_HTTPHEADER, l);
	curl_easy_setopt(h->c, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(h->c, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
	curl_easy_setopt(h->c, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(h->c, CURLOPT_TIMEOUT, (long)SENDER_WEBHOOK_TIMEOUT);
	curl_easy_setopt(h->c, CURLOPT_CONNECTTIMEOUT, (long)SENDER_CONNECT_TIMEOUT);
	curl_easy_setopt(h->c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h->c, CURLOPT_ERRORBUFFER, h->err);
	curl_easy_setopt(h->c, CURLOPT_PRIVATE, h);
	return true;
}

/* Runs every added transfer to its end (each bounded by its timeout) and
 * sets each hook's outcome. */
static void
hooks_run(struct arena *a, CURLM *multi)
{
	int running = 1;
	while (running > 0) {
		if (curl_multi_perform(multi, &running) != CURLM_OK)
			break;
		CURLMsg *msg;
		int left;
		while ((msg = curl_multi_info_read(multi, &left)) != NULL) {
			if (msg->msg != CURLMSG_DONE)
				continue;
			char *priv = NULL;
			long status = 0;
			curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &priv);
			struct hook *h = (struct hook *)(void *)priv;
			curl_easy_getinfo(msg->easy_handle, CURLINFO_RESPONSE_CODE, &status);
			if (msg->data.result != CURLE_OK)
				h->why = arena_printf(a, "http: %s", *h->err ? h->err : curl_easy_strerror(msg->data.result));
			else if (status < 200 || status > 299)
				h->why = arena_printf(a, "http: the receiver answered %ld", status);
			else
				h->why = NULL;
		}
		if (running > 0)
			curl_multi_poll(multi, NULL, 0, 1000, NULL);
	}
}

int
sender_webhook_batch(struct db *db, struct arena *a, CURLM *multi, int lane, int lanes, bool urgent_only, double scale)
{
	if (db_begin(db) != 0)
		return -1;
	char batch[16], per[16], lane_s[16], lanes_s[16], scale_s[32];
	snprintf(batch, sizeof(batch), "%d", WEBHOOK_BATCH);
	snprintf(per, sizeof(per), "%d", WEBHOOK_PER_RECEIVER);
	snprintf(lane_s, sizeof(lane_s), "%d", lane);
	snprintf(lanes_s, sizeof(lanes_s), "%d", lanes);
	snprintf(scale_s, sizeof(scale_s), "%g", scale);
	const char *p[5] = { batch, lanes_s, lane_s, per, urgent_only ? "t" : "f" };
	/* the due rows in order, then at most $4 per receiver (one for a receiver being probed after failing),
	 * none for a paused one; the inner LIMIT bounds the work when the queue is long. The urgent lane ($5)
	 * takes only urgent rows (priority 0) of receivers that are not failing. */
	PGresult *rows = db_query(db, "SELECT x.id, x.event, x.event_id, x.payload::text, h.url, h.secret, h.removed_at IS NOT NULL "
	    "FROM outbox x JOIN webhook h ON h.id = x.webhook_id WHERE x.id IN (SELECT c.id FROM ("
	    "  SELECT d.id, d.priority, d.next_attempt_at, w.failures, "
	    "         row_number() OVER (PARTITION BY d.webhook_id ORDER BY d.priority, d.next_attempt_at, d.id) AS rn "
	    "  FROM (SELECT id, webhook_id, priority, next_attempt_at FROM outbox WHERE kind = 'webhook' AND status = 'pending' "
	    "        AND next_attempt_at <= now() AND webhook_id % $2::integer = $3::integer AND (priority = 0 OR NOT $5::boolean) "
	    "        ORDER BY priority, next_attempt_at, id LIMIT 1024) d "
	    "  JOIN webhook w ON w.id = d.webhook_id WHERE (w.retry_at IS NULL OR w.retry_at <= now() OR w.removed_at IS NOT NULL) "
	    "  AND (w.failures = 0 OR NOT $5::boolean)) c "
	    "WHERE c.rn <= CASE WHEN c.failures > 0 THEN 1 ELSE $4::integer END ORDER BY c.priority, c.next_attempt_at, c.id "
	    "LIMIT $1::integer) ORDER BY x.priority, x.next_attempt_at, x.id FOR UPDATE OF x SKIP LOCKED", 5, p);
	int got = batch_claimed(db, rows);
	if (got <= 0)
		return got;
	int n = PQntuples(rows);
	struct hook *hooks = arena_alloc(a, sizeof(*hooks) * (size_t)n);
	if (hooks == NULL) {
		PQclear(rows);
		db_rollback(db);
		return -1;
	}
	memset(hooks, 0, sizeof(*hooks) * (size_t)n);
	curl_multi_setopt(multi, CURLMOPT_MAX_HOST_CONNECTIONS, (long)WEBHOOK_HOST_CONNECTIONS);
	for (int i = 0; i < n; i++) {
		struct hook *h = &hooks[i];
		if (strcmp(PQgetvalue(rows, i, W_REMOVED), "t") == 0) {
			h->why = "the webhook was removed";
			h->gone = true;
		} else if (!hook_prepare(a, h, rows, i) || curl_multi_add_handle(multi, h->c) != CURLM_OK) {
			h->why = "out of memory";
		} else {
			h->why = "http: not finished";
		}
	}
	hooks_run(a, multi);
	json_t *results = json_array();
	for (int i = 0; i < n; i++) {
		struct hook *h = &hooks[i];
		if (h->c) {
			curl_multi_remove_handle(multi, h->c);
			curl_easy_cleanup(h->c);
		}
		curl_slist_free_all(h->headers);
		result_add(results, PQgetvalue(rows, i, W_ID), h->why, h->gone);
		if (h->why)
			log_warn("sender: outbox %s (webhook %s): %s", PQgetvalue(rows, i, W_ID), PQgetvalue(rows, i, W_EVENT), h->why);
	}
	PQclear(rows);
	n = batch_end(db, results, scale_s, true, "webhook deliveries");
	json_decref(results);
	return n;
}
