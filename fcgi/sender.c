/* sender.c: tiengnoi-sender's main and lanes: expands the reports' events into the PostgreSQL outbox and delivers it (officers' mails over SMTP, signed webhooks over HTTP, sender_deliver.c), apart from the app so a slow receiver never slows a worker's report. */
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
#include "sender.h"
#include "stats.h"

/* One lane expands the reports' events, queues the scheduled notices and
 * folds new reports into the statistics' sums (database work only, never
 * waiting on a network); one sends mails; two
 * send webhooks, each for half of the webhooks (id modulo 2); one sends only
 * urgent deliveries to receivers that are not failing, so an urgent report
 * reaches a working receiver within a second or two whatever the other
 * lanes are waiting on (a hanging receiver, a backlog). Each is a process
 * with its own connection: a receiver that hangs holds its webhook lane for
 * SENDER_WEBHOOK_TIMEOUT at most and never holds up mail or the expansion
 * of urgent reports. */
enum lane { LANE_EVENTS, LANE_MAIL, LANE_URGENT, LANE_WEBHOOK_1, LANE_WEBHOOK_2, LANE__MAX };
static const char *const lane_name[LANE__MAX] = {
	"events",    /* LANE_EVENTS */
	"mail",      /* LANE_MAIL */
	"urgent",    /* LANE_URGENT */
	"webhook",   /* LANE_WEBHOOK_1 */
	"webhook",   /* LANE_WEBHOOK_2 */
};
#define WEBHOOK_LANES 2

#define SCHEDULE_EVERY 10        /* seconds between scheduling passes (digests, reminders) */
#define FOLD_EVERY 2             /* seconds between folds of the new reports into the statistics' sums */
#define SEAL_EVERY_US 200000     /* at most this often the new reports are sealed for their events (sql/065) */
#define SEAL_BUSY_US 2000000     /* ... and this long after a seal that could not have its lock */
#define QUEUE_BATCH 2000         /* new reports read for their events in one statement */
#define EXPAND_BATCH 500         /* events expanded in one transaction */
#define CATCH_UP_BATCH 16        /* a paused receiver's kept rows (about 64 events each) turned into deliveries at once */
#define EVENTS_WAIT_US 50000     /* between polls of the event queue when it was just busy */
#define IDLE_WAIT_US 100000      /* between polls of the outbox when it was just busy */
#define IDLE_WAIT_MAX_US 400000  /* the wait doubles while nothing comes, up to this: idle polls cost the reports' CPU */

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

/* Seals the reports written so far (sql/065: at most every SEAL_EVERY_US,
 * SEAL_BUSY_US after one that found the reports' table held by a long write;
 * *next_seal the time the next may be taken) and queues the events of up to
 * QUEUE_BATCH sealed new reports (urgent ones, and those a webhook in scope
 * wants); seals the reports a paused receiver missed when they are to be
 * read back (sql/062: a probe is due, or some are past the 24-hour window);
 * then expands up to EXPAND_BATCH queued events into outbox rows (one
 * transaction; urgent ones first; a paused receiver's are kept aside or left
 * in its range), then turns up to CATCH_UP_BATCH kept rows and ranges into
 * deliveries (sql/047, 062). Each seal is a statement of its own: the lock
 * it takes on the reports' table then lasts only that statement. The events
 * expanded (EXPAND_BATCH when there may be more to do at once), -1 when the
 * database is away. */
static int
expand(struct db *db, double scale, struct timespec *next_seal)
{
	char n[16], k[16], q[16], scale_s[32];
	snprintf(n, sizeof(n), "%d", EXPAND_BATCH);
	snprintf(k, sizeof(k), "%d", CATCH_UP_BATCH);
	snprintf(q, sizeof(q), "%d", QUEUE_BATCH);
	snprintf(scale_s, sizeof(scale_s), "%g", scale);
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	PGresult *res;
	if (now.tv_sec > next_seal->tv_sec || (now.tv_sec == next_seal->tv_sec && now.tv_nsec >= next_seal->tv_nsec)) {
		enum { SEALED };   /* submission_seal()'s one column: NULL when its lock was busy */
		res = db_query(db, "SELECT submission_seal()", 0, NULL);
		bool busy = db_ok(res) && PQgetisnull(res, 0, SEALED);
		if (!db_ok(res))
			log_warn("sender: sealing the new reports failed: %s", PQresultErrorMessage(res));
		PQclear(res);
		long wait_us = busy ? SEAL_BUSY_US : SEAL_EVERY_US;
		next_seal->tv_sec = now.tv_sec + wait_us / 1000000 + (now.tv_nsec + wait_us % 1000000 * 1000) / 1000000000;
		next_seal->tv_nsec = (now.tv_nsec + wait_us % 1000000 * 1000) % 1000000000;
	}
	const char *qp[1] = { q };
	enum { READ };   /* outbox_queue_reports()'s one column: the new reports read */
	res = db_query(db, "SELECT outbox_queue_reports($1::integer)", 1, qp);
	int queued = 0;
	if (db_ok(res))
		queued = atoi(PQgetvalue(res, 0, READ));
	else
		log_warn("sender: queueing the new reports' events failed: %s", PQresultErrorMessage(res));
	PQclear(res);
	const char *sp[1] = { scale_s };
	res = db_query(db, "SELECT webhook_seal($1::float8)", 1, sp);
	if (!db_ok(res))
		log_warn("sender: sealing a paused receiver's reports failed: %s", PQresultErrorMessage(res));
	PQclear(res);
	enum { E_DONE, E_CAUGHT_UP };
	const char *p[3] = { n, k, scale_s };
	res = db_query(db, "SELECT outbox_expand($1::integer), webhook_catch_up($2::integer, $3::float8)", 3, p);
	int done = -1;
	if (db_ok(res))
		done = atoi(PQgetvalue(res, 0, E_CAUGHT_UP)) > 0 || queued >= QUEUE_BATCH ? EXPAND_BATCH
		    : atoi(PQgetvalue(res, 0, E_DONE)) + queued;
	else
		log_warn("sender: expanding events failed: %s", PQresultErrorMessage(res));
	PQclear(res);
	return done;
}

/* Queues the digests, deadline and agreement-expiry reminders that are due (idempotent), and
 * gives up deliveries pending for longer than 24 hours (a paused receiver's
 * queue is not tried row by row, so they are retired here). */
static void
schedule(struct db *db, double scale)
{
	PGresult *res = db_query(db, "SELECT notify_schedule(now()) + agreement_schedule(now())", 0, NULL);
	if (!db_ok(res))
		log_warn("sender: scheduling digests and reminders failed: %s", PQresultErrorMessage(res));
	PQclear(res);
	char scale_s[32];
	snprintf(scale_s, sizeof(scale_s), "%g", scale);
	const char *p[1] = { scale_s };
	res = db_query(db, "UPDATE outbox SET status = 'failed', last_error = 'gave up: pending for longer than 24 hours' "
	    "WHERE id IN (SELECT id FROM outbox WHERE status = 'pending' AND created_at + interval '24 hours' * $1::float8 < now() "
	    "FOR UPDATE SKIP LOCKED)", 1, p);
	if (!db_ok(res))
		log_warn("sender: retiring old deliveries failed: %s", PQresultErrorMessage(res));
	PQclear(res);
}

/* One lane's loop until SIGTERM: do what is due, else wait a little. */
static int
lane_run(enum lane l)
{
	struct db *db = db_open(config_conninfo(true), false);
	struct arena *a = arena_new();
	CURLM *multi = l >= LANE_URGENT ? curl_multi_init() : NULL;
	CURL *smtp = NULL;
	if (db == NULL || a == NULL || (l >= LANE_URGENT && multi == NULL))
		return 1;
	double scale = backoff_scale();
	time_t last_schedule = 0, last_fold = 0;
	struct timespec next_seal = { 0, 0 };
	useconds_t base = l == LANE_EVENTS ? EVENTS_WAIT_US : IDLE_WAIT_US, idle = base;
	while (!stopping) {
		int n;
		if (l == LANE_EVENTS) {
			if (time(NULL) - last_schedule >= SCHEDULE_EVERY && db_ready(db)) {
				schedule(db, scale);
				last_schedule = time(NULL);
			}
			n = expand(db, scale, &next_seal);
			/* the statistics read the reports not yet folded one by one
			 * (sql/065): up to the last seal, into the sums */
			if (n >= 0 && time(NULL) - last_fold >= FOLD_EVERY) {
				(void)stats_fold(db);
				last_fold = time(NULL);
			}
		} else if (l == LANE_MAIL) {
			n = sender_mail_batch(db, a, &smtp, scale);
		} else if (l == LANE_URGENT) {
			n = sender_webhook_batch(db, a, multi, 0, 1, true, scale);
		} else {
			n = sender_webhook_batch(db, a, multi, (int)(l - LANE_WEBHOOK_1), WEBHOOK_LANES, false, scale);
		}
		arena_reset(a);
		if (n > 0) {   /* busy: poll soon again, at once while a batch came full */
			idle = base;
			if (l != LANE_EVENTS || n >= EXPAND_BATCH)
				continue;
		}
		usleep(n < 0 ? 1000000 : idle);
		if (n == 0 && idle < IDLE_WAIT_MAX_US)
			idle = idle * 2 > IDLE_WAIT_MAX_US ? IDLE_WAIT_MAX_US : idle * 2;
	}
	if (smtp)
		curl_easy_cleanup(smtp);
	if (multi)
		curl_multi_cleanup(multi);
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
				log_warn("sender: the %s lane (pid %ld) ended; restarting it", lane_name[l], (long)dead);
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
