/* server.c: tiengnoi.fcgi: the supervisor that owns the socket and the prefork workers that serve requests. */
#include <dirent.h>
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <fcgiapp.h>
#include <sodium.h>

#include "app.h"
#include "arena.h"
#include "buf.h"
#include "config.h"
#include "db.h"
#include "form.h"
#include "http.h"
#include "log.h"
#include "i18n.h"
#include "ratelimit.h"
#include "req.h"
#include "route.h"
#include "text.h"
#include "token.h"

#define WORKERS_MAX CONFIG_WORKERS_MAX
#define DRAIN_SECONDS 12   /* stack.sh waits 15 s before SIGKILL; systemd/tiengnoi.service TimeoutStopSec=20 */
#define DB_WAIT_SECONDS 30 /* at start, with a configuration file (TIENGNOI_DB_WAIT for tests): then exit EXIT_DB_AWAY */
#define EXIT_DB_AWAY 69    /* EX_UNAVAILABLE: systemd tries again later (RestartSec=) */

struct options {
	const char *socket_path;
	const char *forms_dir;
	const char *user;
	int workers;
};

static volatile sig_atomic_t got_term, got_hup, got_chld;
static volatile sig_atomic_t worker_idle;   /* in a worker: waiting in accept */

static void
usage(void)
{
	fprintf(stderr,
	    "usage: tiengnoi.fcgi [-s SOCKET] [-w WORKERS] [-f FORMS_DIR] [-u USER]\n"
	    "  -s  unix socket to listen on (nginx fastcgi_pass; default: socket in the configuration)\n"
	    "  -w  worker processes (default: workers in the configuration, else 2 x cores)\n"
	    "  -f  directory of form definitions (default: forms_dir, else forms)\n"
	    "  -u  user to run as when started as root\n"
	    "Configuration: TIENGNOI_CONFIG (an installed build: /etc/tiengnoi/tiengnoi.conf;\n"
	    "a checkout: $TIENGNOI_VAR/tiengnoi.conf if present), overridden by TIENGNOI_VAR,\n"
	    "TIENGNOI_DB, TIENGNOI_KEY_FILE, TIENGNOI_BASE_URL, TIENGNOI_FORMS_DIR.\n"
	    "Exit: 78 bad configuration or missing key file, 69 database unreachable at start.\n"
	    "Signals: HUP reloads forms, TERM drains in-flight requests and exits.\n");
}

static int
parse_options(int argc, char **argv, struct options *o)
{
	int c;
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	o->workers = config_workers() > 0 ? config_workers() : n > 0 ? (int)(2 * n) : 2;
	o->forms_dir = config_forms_dir();
	o->socket_path = config_socket();
	while ((c = getopt(argc, argv, "s:w:f:u:h")) != -1) {
		switch (c) {
		case 's': o->socket_path = optarg; break;
		case 'f': o->forms_dir = optarg; break;
		case 'u': o->user = optarg; break;
		case 'w': {
			char *end;
			long w = strtol(optarg, &end, 10);
			if (*end || w < 1 || w > WORKERS_MAX) {
				fprintf(stderr, "tiengnoi.fcgi: -w wants 1 to %d workers\n", WORKERS_MAX);
				return -1;
			}
			o->workers = (int)w;
			break;
		}
		default:
			usage();
			return -1;
		}
	}
	if (o->socket_path == NULL) {
		usage();
		return -1;
	}
	return 0;
}

/* Opens the listening socket, replacing a stale one left by a crash. */
static int
open_socket(const char *path, uid_t uid, gid_t gid)
{
	struct stat st;
	if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode))
		unlink(path);
	mode_t old = umask(0117);
	int fd = FCGX_OpenSocket(path, 1024);
	umask(old);
	if (fd < 0)
		return -1;
	if (uid != (uid_t)-1 && chown(path, uid, gid) != 0)
		return -1;
	return fd;
}

/* Drops root for good, as slowcgi does: groups, gid, uid, then proves
 * that root cannot come back. */
static int
drop_privileges(const struct passwd *pw)
{
	if (setgroups(1, &pw->pw_gid) != 0 ||
	    setresgid(pw->pw_gid, pw->pw_gid, pw->pw_gid) != 0 ||
	    setresuid(pw->pw_uid, pw->pw_uid, pw->pw_uid) != 0)
		return -1;
	if (setuid(0) == 0 || seteuid(0) == 0)
		return -1;
	return 0;
}

static void
on_signal(int sig)
{
	if (sig == SIGTERM || sig == SIGINT) {
		got_term = 1;
		if (worker_idle)
			_exit(0);   /* a worker between requests has nothing to drain */
	} else if (sig == SIGHUP) {
		got_hup = 1;
	} else if (sig == SIGCHLD) {
		got_chld = 1;
	}
}

static void
set_handler(int sig, void (*fn)(int))
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = fn;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0;   /* no SA_RESTART: a blocked accept() returns on TERM */
	sigaction(sig, &sa, NULL);
}

static enum method
method_of(const char *m)
{
	if (m == NULL) return METHOD_OTHER;
	if (strcmp(m, "GET") == 0) return METHOD_GET;
	if (strcmp(m, "POST") == 0) return METHOD_POST;
	if (strcmp(m, "HEAD") == 0) return METHOD_HEAD;
	return METHOD_OTHER;
}

static const char *
param(FCGX_Request *fr, const char *name)
{
	const char *v = FCGX_GetParam(name, fr->envp);
	return v ? v : "";
}

/* Fills the request from the FastCGI parameters; false (with r->status
 * set to an error page) when the request line itself is malformed. */
static bool
req_from_fcgi(struct req *r, FCGX_Request *fr)
{
	const char *uri = param(fr, "REQUEST_URI");
	const char *q = strchr(uri, '?');
	char *path;
	size_t plen;

	r->method = method_of(FCGX_GetParam("REQUEST_METHOD", fr->envp));
	r->query = q ? q + 1 : "";
	r->content_type = param(fr, "CONTENT_TYPE");
	r->content_length = *param(fr, "CONTENT_LENGTH") ? strtol(param(fr, "CONTENT_LENGTH"), NULL, 10) : -1;
	r->cookie_header = param(fr, "HTTP_COOKIE");
	r->authorization = param(fr, "HTTP_AUTHORIZATION");
	r->https = strcmp(param(fr, "HTTPS"), "on") == 0;
	r->in = fr->in;
	r->lang = LANG_VI;   /* whatever the phone's menus say: many workers keep them in English */

	int rc = req_url_decode(r->arena, uri, q ? (size_t)(q - uri) : strlen(uri), false, &path, &plen);
	if (rc != REQ_OK || strlen(path) != plen || !text_valid_utf8(path, plen) || text_has_controls(path, plen) || path[0] != '/')
		goto bad;
	r->path = path;
	if (req_parse_urlencoded(r->arena, r->query, strlen(r->query), &r->args) != REQ_OK)
		goto bad;
	/* A malformed cookie (another site's consent banner, say) must not lock
	 * a worker out of every page: such a header is ignored, not trusted. */
	if (req_parse_cookies(r->arena, r->cookie_header, &r->cookies) != REQ_OK)
		r->cookies.n = 0;
	/* language: ?lang= switches and sticks (cookie), else the cookie, else
	 * Vietnamese. Accept-Language is not read: English only when chosen. */
	const char *l = kv_get(&r->args, "lang");
	if (l && (strcmp(l, "vi") == 0 || strcmp(l, "en") == 0)) {
		r->lang = l[0] == 'e' ? LANG_EN : LANG_VI;
		http_header(r, r->lang == LANG_EN ?
		    "Set-Cookie: lang=en; Path=/; Max-Age=31536000; SameSite=Lax" :
		    "Set-Cookie: lang=vi; Path=/; Max-Age=31536000; SameSite=Lax");
	} else if ((l = kv_get(&r->cookies, "lang")) != NULL) {
		if (strcmp(l, "en") == 0) r->lang = LANG_EN;
		else if (strcmp(l, "vi") == 0) r->lang = LANG_VI;
	}
	return true;
bad:
	r->path = "/";
	http_error(r, 400, MSG__MAX);
	return false;
}

/* The worker: one database connection, one arena, one output buffer, then
 * requests until TERM (finishing the one in flight) or the parent dies. */
static int
worker_main(int listen_fd, struct app *app)
{
	FCGX_Request fr;
	struct buf out = { 0 };
	struct arena *arena = arena_new();

	sigset_t none;
	sigemptyset(&none);
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	signal(SIGHUP, SIG_IGN);
	signal(SIGCHLD, SIG_DFL);
	signal(SIGPIPE, SIG_IGN);
	set_handler(SIGTERM, on_signal);
	set_handler(SIGINT, SIG_IGN);
	sigprocmask(SIG_SETMASK, &none, NULL);   /* the supervisor forked us with signals blocked */
	if (arena == NULL || FCGX_Init() != 0 || FCGX_InitRequest(&fr, listen_fd, FCGI_FAIL_ACCEPT_ON_INTR) != 0)
		return 1;
	app->db = db_open(config_conninfo(false), true);
	if (app->db == NULL)
		return 1;
	db_ready(app->db);   /* connect and prepare now, not on the first request */
	bool forms_stored = false;

	while (!got_term) {
		if (!forms_stored && db_ready(app->db))
			forms_stored = form_set_store(app->forms, app->db) == 0;
		worker_idle = 1;
		if (got_term)
			break;
		int rc = FCGX_Accept_r(&fr);
		worker_idle = 0;
		if (rc < 0) {
			if (got_term)
				break;
			usleep(10000);
			continue;
		}
		struct req r = { .arena = arena, .app = app, .out = &out, .status = 200, .outstream = fr.out };
		if (req_from_fcgi(&r, &fr))
			route_dispatch(&r);
		http_send(&r, fr.out);
		if (r.stream_broken)   /* no end record: nginx must not end the download cleanly */
			shutdown(fr.ipcFd, SHUT_RDWR);
		FCGX_Finish_r(&fr);
		arena_reset(arena);
		buf_reset(&out);
	}
	db_close(app->db);
	arena_free(arena);
	buf_free(&out);
	return 0;
}

struct worker_slot {
	pid_t pid;
	unsigned generation;
};

static pid_t
spawn_worker(int listen_fd, struct app *app)
{
	pid_t pid = fork();
	if (pid == 0)
		_exit(worker_main(listen_fd, app));
	if (pid < 0)
		log_info("fork failed: %s", strerror(errno));
	return pid;
}

/* The supervisor: keeps `workers` alive, reloads forms on HUP (new workers
 * get the new set, old ones finish their request first), drains on TERM. */
static int
supervise(int listen_fd, const struct options *o, struct app *app)
{
	struct worker_slot slot[WORKERS_MAX];
	unsigned generation = 0;
	sigset_t block, old;

	sigemptyset(&block);
	sigaddset(&block, SIGCHLD);
	sigaddset(&block, SIGHUP);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigprocmask(SIG_BLOCK, &block, &old);
	set_handler(SIGCHLD, on_signal);
	set_handler(SIGHUP, on_signal);
	set_handler(SIGTERM, on_signal);
	set_handler(SIGINT, on_signal);

	for (int i = 0; i < o->workers; i++)
		slot[i] = (struct worker_slot){ spawn_worker(listen_fd, app), generation };
	log_info("serving on %s with %d workers", o->socket_path, o->workers);

	time_t window = time(NULL);
	int deaths = 0;
	while (!got_term) {
		sigsuspend(&old);
		if (got_hup) {
			got_hup = 0;
			char err[512];
			struct form_set *fresh = form_set_load(o->forms_dir, config_forms_override_dir(), err, sizeof(err));
			if (fresh == NULL) {
				log_info("reload refused, keeping the current forms: %s", err);
			} else {
				const struct form_set *stale = app->forms;
				app->forms = fresh;
				generation++;
				/* all old workers first: none may take a request once a new one serves */
				for (int i = 0; i < o->workers; i++)
					if (slot[i].pid > 0)
						kill(slot[i].pid, SIGTERM);
				for (int i = 0; i < o->workers; i++)
					slot[i] = (struct worker_slot){ spawn_worker(listen_fd, app), generation };
				form_set_free((struct form_set *)stale);
				log_info("forms reloaded (%zu forms)", fresh->n);
			}
		}
		if (got_chld) {
			got_chld = 0;
			int st;
			pid_t pid;
			while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
				for (int i = 0; i < o->workers; i++) {
					if (slot[i].pid != pid || got_term)
						continue;
					if (WIFSIGNALED(st) || WEXITSTATUS(st) != 0)
						log_info("worker %d ended (%s %d); starting another", (int)pid,
						    WIFSIGNALED(st) ? "signal" : "status",
						    WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
					if (time(NULL) - window > 10) {
						window = time(NULL);
						deaths = 0;
					}
					if (++deaths > 4 * o->workers)
						sleep(1);   /* crashing in a loop: don't spin */
					slot[i].pid = spawn_worker(listen_fd, app);
				}
			}
		}
	}

	log_info("draining");
	for (int i = 0; i < o->workers; i++)
		if (slot[i].pid > 0)
			kill(slot[i].pid, SIGTERM);
	time_t deadline = time(NULL) + DRAIN_SECONDS;
	sigprocmask(SIG_SETMASK, &old, NULL);
	for (;;) {
		pid_t pid = waitpid(-1, NULL, WNOHANG);
		if (pid < 0 && errno == ECHILD)
			break;
		if (pid == 0) {
			if (time(NULL) > deadline) {
				log_info("drain timed out; killing the rest");
				for (int i = 0; i < o->workers; i++)
					if (slot[i].pid > 0)
						kill(slot[i].pid, SIGKILL);
				deadline = time(NULL) + 60;
			}
			usleep(20000);
		}
	}
	unlink(o->socket_path);
	log_info("stopped");
	return 0;
}

/* With a configuration file (a server, not the development stack), the
 * database must answer before the service says it started: waits up to
 * DB_WAIT_SECONDS for a slow boot or a failover, then says so in one line. */
static int
wait_for_database(void)
{
	const char *w = getenv("TIENGNOI_DB_WAIT");
	int wait = w && *w >= '0' && *w <= '9' && atoi(w) <= 600 ? atoi(w) : DB_WAIT_SECONDS;
	time_t give_up = time(NULL) + wait;
	for (;;) {
		struct db *db = db_open(config_conninfo(false), false);
		bool up = db != NULL && db_ready(db);
		char why[300];
		snprintf(why, sizeof(why), "%s", db ? db_error(db) : "out of memory");
		db_close(db);
		if (up)
			return 0;
		if (time(NULL) >= give_up) {
			why[strcspn(why, "\n")] = '\0';
			log_error("refusing to start: database (%s) unreachable for %d s: %s",
			    config_where(CONFIG_DATABASE), wait, why);
			return -1;
		}
		sleep(1);
	}
}

/* The recipe: configuration -> options -> socket -> drop privileges ->
 * keys -> forms -> database -> workers. A setting or file the service
 * cannot run without ends it with one line and CONFIG_EXIT, which the
 * systemd unit does not restart on. */
int
main(int argc, char **argv)
{
	struct options o = { 0 };
	struct app app = { 0 };
	static struct keys keys;
	char err[1400];
	struct passwd *pw = NULL;

	if (config_load(err, sizeof(err)) != 0) {
		log_error("refusing to start: %s", err);
		return CONFIG_EXIT;
	}
	if (parse_options(argc, argv, &o) != 0)
		return CONFIG_EXIT;
	if (sodium_init() < 0) {
		log_error("libsodium failed to start");
		return 1;
	}
	if (geteuid() == 0 && o.user == NULL) {
		log_error("refusing to run as root: give -u USER (under systemd: User=tiengnoi)");
		return CONFIG_EXIT;
	}
	/* Started unprivileged (systemd's User=), -u is ignored: nothing to drop. */
	if (o.user != NULL && geteuid() == 0 && (pw = getpwnam(o.user)) == NULL) {
		log_error("refusing to start: no such user: %s", o.user);
		return CONFIG_EXIT;
	}
	int fd = open_socket(o.socket_path, pw ? pw->pw_uid : (uid_t)-1, pw ? pw->pw_gid : (gid_t)-1);
	if (fd < 0) {
		log_error("refusing to start: cannot listen on %s (socket, %s): %s", o.socket_path,
		    config_where(CONFIG_SOCKET), strerror(errno));
		return CONFIG_EXIT;
	}
	if (pw != NULL && drop_privileges(pw) != 0) {
		log_error("cannot drop privileges to %s", o.user);
		return 1;
	}
	if (keys_load(config_key_path(), &keys, err, sizeof(err)) != 0 ||
	    keys_load_contact(config_contact_path(false), &keys, err, sizeof(err)) != 0) {
		log_error("refusing to start: %s", err);
		return CONFIG_EXIT;
	}
	if (keys_load_contact_secret(config_contact_path(true), &keys) != 0)
		log_info("no contact secret key at %s: officers cannot reveal contact details", config_contact_path(true));
	if ((app.forms = form_set_load(o.forms_dir, config_forms_override_dir(), err, sizeof(err))) == NULL) {
		log_error("refusing to start: %s", err);
		return CONFIG_EXIT;
	}
	text_nfc_init();   /* once here, shared by every worker it forks */
	/* TIENGNOI_APP_RATELIMIT, else TIENGNOI_RATELIMIT (which also switches nginx's) */
	const char *rl = getenv("TIENGNOI_APP_RATELIMIT") ? getenv("TIENGNOI_APP_RATELIMIT") : getenv("TIENGNOI_RATELIMIT");
	if (ratelimit_init(!(rl && strcmp(rl, "off") == 0)) != 0) {
		log_error("cannot map the rate-limit table");
		return 1;
	}
	if (db_announce_init() != 0) {
		log_error("cannot map the workers' shared change count");
		return 1;
	}
	if (config_file() != NULL && wait_for_database() != 0) {
		unlink(o.socket_path);
		return EXIT_DB_AWAY;
	}
	app.keys = &keys;
	app.base_url = config_base_url();
	return supervise(fd, &o, &app);
}
