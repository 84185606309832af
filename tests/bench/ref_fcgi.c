/* ref_fcgi.c: the benchmark's reference FastCGI program: the least any app can do per request.
 *
 * usage: ref_fcgi SOCKET WORKERS CONNINFO ENTRY_ID GET_FILE POST_FILE
 *
 * Prefork like tiengnoi.fcgi: WORKERS children share SOCKET, each with one
 * PostgreSQL connection and the app's INSERT prepared once. GET answers with
 * GET_FILE and POST with POST_FILE, each a whole CGI response (headers, blank
 * line, body) cut from the app's own answers, so the same bytes go out. A
 * POST reads its body, then stores one row as the app does (its statement
 * less the contact and flood columns, same ON CONFLICT) with a fresh idempotency key and a 32-byte
 * receipt hash from a cheap mix instead of a keyed BLAKE2b. No parsing, no
 * validation, no HTML: what is left is libfcgi, libpq and the database.
 * A POST whose query string is "plain" stores a 400-byte row in bench_plain
 * instead (a primary key, no other index, no trigger, no row-level security;
 * tests/bench/run.sh creates it): the least a database insert costs here.
 */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <fcgiapp.h>
#include <libpq-fe.h>

/* the app's STMT_SUBMISSION_INSERT (fcgi/db.c) less its contact and flood
 * columns: the QR code's workplace and unit ($9, $10) read once at start,
 * as the app's cache of the QR code holds them */
static const char insert_sql[] =
    "INSERT INTO submission (form_id, form_version, workplace_id, unit_id, entry_point_id, "
    "channel, answers, lang, idempotency_key, receipt_hash, urgent) "
    "VALUES ($2, $3, $9, $10, $1, 'qr', $4::jsonb, $5, $6, $7, $8) "
    "ON CONFLICT (idempotency_key) DO NOTHING RETURNING id";
static const char where_sql[] =
    "SELECT w.id, w.unit_id FROM entry_point e JOIN workplace w ON w.id = e.workplace_id WHERE e.id = $1";

/* the plain-table reference: one row of about 400 bytes, nothing else */
static const char plain_sql[] =
    "INSERT INTO bench_plain (idem, body) VALUES ($1, $2) RETURNING id";

/* what the app stores for the bench's POST body (tests/bench/post.lua) */
static const char answers[] =
    "{\"text\": \"Công ty nợ lương tháng 10 của tổ may số 3, tăng ca đến 10 giờ đêm "
    "nhưng không được trả tiền làm thêm giờ. Anh chị em muốn công đoàn hỏi giúp.\", "
    "\"category\": \"wages\"}";

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *p = NULL;
	if (f && fseek(f, 0, SEEK_END) == 0 && (*len = (size_t)ftell(f)) > 0 &&
	    fseek(f, 0, SEEK_SET) == 0 && (p = malloc(*len)) && fread(p, 1, *len, f) != *len) {
		free(p);
		p = NULL;
	}
	if (f)
		fclose(f);
	return p;
}

static uint64_t
mix(uint64_t x)   /* splitmix64 */
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

static int
worker(int fd, const char *conninfo, const char *entry, const char *get, size_t get_len,
    const char *post, size_t post_len)
{
	FCGX_Request fr;
	char buf[16384], idem[40];
	uint64_t seed = ((uint64_t)getpid() << 32) ^ (uint64_t)time(NULL), n = 0;

	prctl(PR_SET_PDEATHSIG, SIGTERM);
	PGconn *db = PQconnectdb(conninfo);
	if (PQstatus(db) != CONNECTION_OK) {
		fprintf(stderr, "ref_fcgi: %s", PQerrorMessage(db));
		return 1;
	}
	const char *ev[1] = { entry };
	PGresult *res = PQexecParams(db, where_sql, 1, NULL, ev, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1) {
		fprintf(stderr, "ref_fcgi: no QR code %s: %s", entry, PQresultErrorMessage(res));
		return 1;
	}
	char workplace[24], unit[24];
	snprintf(workplace, sizeof(workplace), "%s", PQgetvalue(res, 0, 0));
	snprintf(unit, sizeof(unit), "%s", PQgetvalue(res, 0, 1));
	PQclear(res);
	res = PQprepare(db, "ins", insert_sql, 10, NULL);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		fprintf(stderr, "ref_fcgi: prepare: %s", PQresultErrorMessage(res));
		return 1;
	}
	PQclear(res);
	res = PQprepare(db, "plain", plain_sql, 2, NULL);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		fprintf(stderr, "ref_fcgi: prepare: %s", PQresultErrorMessage(res));
		return 1;
	}
	PQclear(res);
	char body[400 - 8 - 8 - 28 + 1];   /* row: id, received_at, idem, body */
	memset(body, 'x', sizeof(body) - 1);
	memcpy(body, answers, sizeof(answers) - 1 < sizeof(body) - 1 ? sizeof(answers) - 1 : sizeof(body) - 1);
	body[sizeof(body) - 1] = '\0';
	if (FCGX_Init() != 0 || FCGX_InitRequest(&fr, fd, 0) != 0)
		return 1;
	while (FCGX_Accept_r(&fr) >= 0) {
		const char *m = FCGX_GetParam("REQUEST_METHOD", fr.envp);
		if (m && strcmp(m, "POST") == 0) {
			while (FCGX_GetStr(buf, sizeof(buf), fr.in) > 0)
				;
			uint64_t h[4] = { seed, ++n, mix(seed ^ n), mix(n ^ ~seed) };
			snprintf(idem, sizeof(idem), "ref%016llx%012llx",
			    (unsigned long long)seed, (unsigned long long)n);
			const char *q = FCGX_GetParam("QUERY_STRING", fr.envp);
			const char *v[10] = { entry, "concern", "1", answers, "vi", idem, (const char *)h, "f", workplace, unit };
			const int len[10] = { 0, 0, 0, 0, 0, 0, (int)sizeof(h), 0, 0, 0 };
			const int bin[10] = { 0, 0, 0, 0, 0, 0, 1, 0, 0, 0 };
			const char *pv[2] = { idem, body };
			if (q && strcmp(q, "plain") == 0)
				res = PQexecPrepared(db, "plain", 2, pv, NULL, NULL, 0);
			else
				res = PQexecPrepared(db, "ins", 10, v, len, bin, 0);
			if (PQresultStatus(res) == PGRES_TUPLES_OK)
				FCGX_PutStr(post, (int)post_len, fr.out);
			else
				FCGX_FPrintF(fr.out, "Status: 503\r\nContent-Type: text/plain\r\n\r\n%s",
				    PQresultErrorMessage(res));
			PQclear(res);
		} else {
			FCGX_PutStr(get, (int)get_len, fr.out);
		}
		FCGX_Finish_r(&fr);
	}
	return 0;
}

static volatile sig_atomic_t stop;
static void on_term(int sig) { (void)sig; stop = 1; }

int
main(int argc, char **argv)
{
	size_t get_len = 0, post_len = 0;
	if (argc != 7) {
		fprintf(stderr, "usage: ref_fcgi SOCKET WORKERS CONNINFO ENTRY_ID GET_FILE POST_FILE\n");
		return 2;
	}
	int workers = atoi(argv[2]);
	char *get = slurp(argv[5], &get_len), *post = slurp(argv[6], &post_len);
	if (workers < 1 || get == NULL || post == NULL) {
		fprintf(stderr, "ref_fcgi: bad worker count or unreadable response file\n");
		return 2;
	}
	unlink(argv[1]);
	int fd = FCGX_OpenSocket(argv[1], 1024);   /* the app's backlog too */
	if (fd < 0) {
		perror("ref_fcgi: socket");
		return 1;
	}
	pid_t pid[256];
	if (workers > 256)
		workers = 256;
	signal(SIGTERM, on_term);
	signal(SIGINT, on_term);
	for (int i = 0; i < workers; i++)
		if ((pid[i] = fork()) == 0) {
			signal(SIGTERM, SIG_DFL);
			signal(SIGINT, SIG_DFL);
			_exit(worker(fd, argv[3], argv[4], get, get_len, post, post_len));
		}
	for (pid_t p; !stop && (p = wait(NULL)) > 0; )   /* a dead worker is not replaced */
		for (int i = 0; i < workers; i++)
			if (pid[i] == p)
				pid[i] = 0;
	for (int i = 0; i < workers; i++)
		if (pid[i] > 0)
			kill(pid[i], SIGTERM);
	while (wait(NULL) > 0)
		;
	unlink(argv[1]);
	return 0;
}
