/* sender.c: tiengnoi-sender's main: delivers the PostgreSQL outbox (officers' mails over SMTP, signed webhooks over HTTP) with libcurl, retrying with backoff, apart from the app so a slow receiver never slows a worker's report. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>
#include <curl/curl.h>
#include <libpq-fe.h>
#include <sodium.h>

#include "app.h"
#include "arena.h"
#include "config.h"
#include "db.h"
#include "log.h"
#include "notify.h"
#include "webhook.h"

/* One mail lane (it also queues the scheduled notices) and two webhook lanes,
 * each a process with its own connection: a receiver that hangs holds one
 * webhook lane for WEBHOOK_TIMEOUT at most and never holds up mail. */
enum lane { LANE_MAIL, LANE_WEBHOOK_1, LANE_WEBHOOK_2, LANE__MAX };
static const char *const lane_kind[LANE__MAX] = {
	"mail",      /* LANE_MAIL */
	"webhook",   /* LANE_WEBHOOK_1 */
	"webhook",   /* LANE_WEBHOOK_2 */
};

#define SMTP_TIMEOUT 30          /* seconds for one whole SMTP transaction */
#define WEBHOOK_TIMEOUT 10       /* seconds for one POST, answer included */
#define CONNECT_TIMEOUT 5
#define SCHEDULE_EVERY 10        /* seconds between scheduling passes (digests, reminders) */
#define IDLE_WAIT_US 200000      /* between polls when nothing is due */

static volatile sig_atomic_t stopping;

static void
on_term(int sig)
{
	(void)sig;
	stopping = 1;
}

/* TIENGNOI_SENDER_BACKOFF_SCALE multiplies every retry delay and the 24-hour
 * give-up time (tests use 0.01); 1 otherwise. */
static double
backoff_scale(void)
{
	const char *v = getenv("TIENGNOI_SENDER_BACKOFF_SCALE");
	double s = v && *v ? strtod(v, NULL) : 1.0;
	return s > 0 && s <= 1 ? s : 1.0;
}

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
 * user and password); NULL when the server accepted it, else why not (arena). */
static const char *
smtp_send(struct arena *a, const char *url, const char *from, const char *to, const char *msg)
{
	char err[CURL_ERROR_SIZE] = "";
	struct upload up = { msg, strlen(msg), 0 };
	struct curl_slist *rcpt = curl_slist_append(NULL, arena_printf(a, "<%s>", to));
	CURL *c = curl_easy_init();
	if (c == NULL || rcpt == NULL) {
		curl_slist_free_all(rcpt);
		return "out of memory";
	}
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	curl_easy_setopt(c, CURLOPT_USE_SSL, loopback_url(url) ? (long)CURLUSESSL_TRY : (long)CURLUSESSL_ALL);
	curl_easy_setopt(c, CURLOPT_MAIL_FROM, arena_printf(a, "<%s>", from));
	curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(c, CURLOPT_READFUNCTION, upload_read);
	curl_easy_setopt(c, CURLOPT_READDATA, &up);
	curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)SMTP_TIMEOUT);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, (long)CONNECT_TIMEOUT);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, err);
	CURLcode rc = curl_easy_perform(c);
	curl_easy_cleanup(c);
	curl_slist_free_all(rcpt);
	if (rc == CURLE_OK)
		return NULL;
	return arena_printf(a, "smtp: %s", *err ? err : curl_easy_strerror(rc));
}

/* POSTs a webhook body with its signature; NULL on a 2xx answer, else why not. */
static const char *
webhook_post(struct arena *a, const char *url, const char *secret, const char *event, const char *event_id,
    const char *body)
{
	char err[CURL_ERROR_SIZE] = "", sig[WEBHOOK_SIGNATURE_MAX];
	webhook_sign(secret, time(NULL), body, strlen(body), sig);
	struct curl_slist *h = NULL;
	h = curl_slist_append(h, "Content-Type: application/json");
	h = curl_slist_append(h, "User-Agent: tiengnoi-sender");
	h = curl_slist_append(h, "Expect:");
	h = curl_slist_append(h, arena_printf(a, "Tiengnoi-Signature: %s", sig));
	h = curl_slist_append(h, arena_printf(a, "Tiengnoi-Event: %s", event));
	h = curl_slist_append(h, arena_printf(a, "Tiengnoi-Delivery: %s", event_id));
	CURL *c = curl_easy_init();
	if (c == NULL || h == NULL) {
		curl_slist_free_all(h);
		return "out of memory";
	}
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)WEBHOOK_TIMEOUT);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, (long)CONNECT_TIMEOUT);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, err);
	CURLcode rc = curl_easy_perform(c);
	long status = 0;
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_cleanup(c);
	curl_slist_free_all(h);
	if (rc != CURLE_OK)
		return arena_printf(a, "http: %s", *err ? err : curl_easy_strerror(rc));
	if (status < 200 || status > 299)
		return arena_printf(a, "http: the receiver answered %ld", status);
	return NULL;
}

/* The columns of the claimed row. */
enum { O_ID, O_EVENT, O_EVENT_ID, O_OFFICER, O_WEBHOOK, O_PAYLOAD, O_MESSAGE_ID };

/* Tries the mail of a claimed row; NULL when sent, else why not. *gone is
 * set when there is nothing to send any more (no retry). */
static const char *
deliver_mail(struct db *db, struct arena *a, PGresult *row, bool *gone)
{
	const char *smtp = config_smtp_url(), *from = config_mail_from();
	if (smtp == NULL || from == NULL)
		return "smtp_url or mail_from is not set (TIENGNOI_SMTP_URL, TIENGNOI_MAIL_FROM)";
	struct mail m;
	enum found f = notify_compose(db, a, PQgetvalue(row, 0, O_EVENT), PQgetvalue(row, 0, O_OFFICER),
	    PQgetvalue(row, 0, O_PAYLOAD), config_base_url(), &m);
	if (f == DB_DOWN)
		return "database error while composing";
	if (f == MISSING) {
		*gone = true;
		return "nothing to send: the officer has no confirmed address now, or the item is gone";
	}
	const char *addr = notify_from_address(a, from), *at = strrchr(addr, '@');
	char *mid = arena_printf(a, "<tiengnoi.%s.%s@%s>", PQgetvalue(row, 0, O_ID), PQgetvalue(row, 0, O_MESSAGE_ID),
	    at ? at + 1 : "localhost");
	char *msg = notify_message(a, &m, from, mid, time(NULL));
	if (msg == NULL)
		return "out of memory";
	return smtp_send(a, smtp, addr, m.to, msg);
}

/* Tries the webhook of a claimed row; NULL when delivered, else why not. */
static const char *
deliver_webhook(struct db *db, struct arena *a, PGresult *row, bool *gone)
{
	enum { W_URL, W_SECRET };
	const char *p[1] = { PQgetvalue(row, 0, O_WEBHOOK) };
	PGresult *res = db_query(db, "SELECT url, secret FROM webhook WHERE id = $1 AND removed_at IS NULL", 1, p);
	if (!db_ok(res)) {
		PQclear(res);
		return "database error reading the webhook";
	}
	if (PQntuples(res) != 1) {
		PQclear(res);
		*gone = true;
		return "the webhook was removed";
	}
	const char *why = webhook_post(a, PQgetvalue(res, 0, W_URL), PQgetvalue(res, 0, W_SECRET), PQgetvalue(row, 0, O_EVENT),
	    PQgetvalue(row, 0, O_EVENT_ID), PQgetvalue(row, 0, O_PAYLOAD));
	PQclear(res);
	return why;
}

/* Claims one due row of this lane's kind, urgent reports first (FOR UPDATE
 * SKIP LOCKED, so lanes and several senders never take the same row), tries it once and records
 * the result in the same transaction. 1 when a row was handled, 0 when none
 * was due, -1 when the database is away. */
static int
deliver_one(struct db *db, struct arena *a, const char *kind, double scale)
{
	if (db_begin(db) != 0)
		return -1;
	const char *p[1] = { kind };
	PGresult *row = db_query(db, "SELECT id, event, event_id, coalesce(officer_id::text, ''), coalesce(webhook_id::text, ''), "
	    "payload::text, message_id FROM outbox WHERE kind = $1 AND status = 'pending' AND next_attempt_at <= now() "
	    "ORDER BY priority, next_attempt_at, id LIMIT 1 FOR UPDATE SKIP LOCKED", 1, p);
	if (!db_ok(row) || PQntuples(row) == 0) {
		bool ok = db_ok(row);
		PQclear(row);
		db_rollback(db);
		return ok ? 0 : -1;
	}
	bool gone = false;
	const char *why = strcmp(kind, "mail") == 0 ? deliver_mail(db, a, row, &gone) : deliver_webhook(db, a, row, &gone);
	char scale_s[32];
	snprintf(scale_s, sizeof(scale_s), "%g", scale);
	const char *q[4] = { PQgetvalue(row, 0, O_ID), why ? why : "", gone ? "t" : "f", scale_s };
	/* sent; or failed for good (gone, pending longer than 24 h, or its webhook removed meanwhile: the
	 * removal skipped this locked row); or due again after 30 s doubling to 1 h. A confirmation link
	 * is not kept once it went out (only its hash, on the officer's row, confirms). */
	PGresult *res = db_query(db, "UPDATE outbox SET attempts = attempts + 1, last_error = left($2, 500), "
	    "status = CASE WHEN $2 = '' THEN 'sent' WHEN $3::boolean OR created_at + interval '24 hours' * $4::float8 < now() "
	    "OR EXISTS (SELECT 1 FROM webhook h WHERE h.id = outbox.webhook_id AND h.removed_at IS NOT NULL) "
	    "THEN 'failed' ELSE 'pending' END, sent_at = CASE WHEN $2 = '' THEN now() END, "
	    "next_attempt_at = now() + make_interval(secs => least(30 * 2 ^ attempts, 3600) * $4::float8), "
	    "payload = CASE WHEN event = 'email.confirm' AND ($2 = '' OR $3::boolean) THEN payload - 'token' ELSE payload END "
	    "WHERE id = $1", 4, q);
	bool ok = db_ok(res);
	PQclear(res);
	if (ok && why && !gone && *PQgetvalue(row, 0, O_WEBHOOK)) {
		/* The receiver failed: its other due deliveries wait as long as this one instead of each
		 * being tried (and failing) at once, so a receiver that is down costs one attempt per
		 * backoff period, not one per report. Rows another lane holds are skipped. */
		const char *w[3] = { PQgetvalue(row, 0, O_WEBHOOK), PQgetvalue(row, 0, O_ID), scale_s };
		res = db_query(db, "UPDATE outbox SET next_attempt_at = now() + make_interval(secs => 30 * $3::float8) "
		    "WHERE id IN (SELECT id FROM outbox WHERE kind = 'webhook' AND status = 'pending' AND webhook_id = $1 "
		    "AND id <> $2 AND next_attempt_at <= now() FOR UPDATE SKIP LOCKED)", 3, w);
		ok = db_ok(res);
		PQclear(res);
	}
	if (!ok || db_commit(db) != 0) {
		db_rollback(db);
		log_warn("sender: outbox %s: could not record the result (%s); it stays pending", PQgetvalue(row, 0, O_ID),
		    why ? why : "delivered");
		PQclear(row);
		return -1;
	}
	if (why)
		log_warn("sender: outbox %s (%s %s): %s", PQgetvalue(row, 0, O_ID), kind, PQgetvalue(row, 0, O_EVENT), why);
	PQclear(row);
	return 1;
}

/* Queues the digests and deadline reminders that are due (idempotent). */
static void
schedule(struct db *db)
{
	PGresult *res = db_query(db, "SELECT notify_schedule(now()) + webhook_schedule(now())", 0, NULL);
	if (!db_ok(res))
		log_warn("sender: scheduling digests and reminders failed: %s", PQresultErrorMessage(res));
	PQclear(res);
}

/* One lane's loop until SIGTERM: deliver what is due, else wait a little. */
static int
lane_run(enum lane l)
{
	struct db *db = db_open(config_conninfo(true), false);
	struct arena *a = arena_new();
	if (db == NULL || a == NULL)
		return 1;
	double scale = backoff_scale();
	time_t last_schedule = 0;
	while (!stopping) {
		if (l == LANE_MAIL && time(NULL) - last_schedule >= SCHEDULE_EVERY && db_ready(db)) {
			schedule(db);
			last_schedule = time(NULL);
		}
		int n = deliver_one(db, a, lane_kind[l], scale);
		arena_reset(a);
		if (n <= 0)
			usleep(n < 0 ? 1000000 : IDLE_WAIT_US);
	}
	arena_free(a);
	db_close(db);
	return 0;
}

static pid_t
lane_start(enum lane l)
{
	pid_t pid = fork();
	if (pid == 0) {
		signal(SIGTERM, on_term);
		signal(SIGINT, on_term);
		_exit(lane_run(l));
	}
	if (pid < 0)
		log_warn("sender: fork: %s", strerror(errno));
	return pid;
}

/* Starts the lanes, restarts one that dies (after a second), and on SIGTERM
 * stops them and waits: a lane finishes the delivery it is in. */
int
main(int argc, char **argv)
{
	(void)argv;
	char err[1400];
	if (argc > 1) {
		fprintf(stdout, "usage: tiengnoi-sender   (settings as tiengnoi.conf and the environment: database_owner, "
		    "smtp_url, mail_from, base_url)\n");
		return 2;
	}
	if (sodium_init() < 0 || curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		log_error("sender: libsodium or libcurl failed to start");
		return 1;
	}
	if (config_load(err, sizeof(err)) != 0) {
		log_error("%s", err);
		return CONFIG_EXIT;
	}
	if (config_smtp_url() == NULL || config_mail_from() == NULL)
		log_warn("sender: smtp_url or mail_from is not set: mails stay queued (webhooks are delivered)");
	struct sigaction sa = { 0 };
	sa.sa_handler = on_term;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	pid_t pids[LANE__MAX];
	for (int l = 0; l < LANE__MAX; l++)
		pids[l] = lane_start((enum lane)l);
	log_info("sender: started (%d lanes, backoff scale %g)", LANE__MAX, backoff_scale());
	while (!stopping) {
		int st;
		pid_t dead = waitpid(-1, &st, 0);
		if (dead < 0) {
			if (errno == EINTR)
				continue;
			sleep(1);
			continue;
		}
		for (int l = 0; l < LANE__MAX; l++)
			if (pids[l] == dead && !stopping) {
				log_warn("sender: the %s lane (pid %ld) ended; restarting it", lane_kind[l], (long)dead);
				sleep(1);
				pids[l] = lane_start((enum lane)l);
			}
	}
	for (int l = 0; l < LANE__MAX; l++)
		if (pids[l] > 0)
			kill(pids[l], SIGTERM);
	while (waitpid(-1, NULL, 0) > 0 || errno == EINTR)
		;
	log_info("sender: stopped");
	curl_global_cleanup();
	return 0;
}
