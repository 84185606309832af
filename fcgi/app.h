/* app.h: the core types every module shares: arena, buffer, request, worker context. */
#ifndef TIENGNOI_APP_H
#define TIENGNOI_APP_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdarg.h>

#define APP_NAME "Tiếng nói"
#define FORM_BODY_MAX (64 * 1024)       /* urlencoded bodies: worker forms */
#define FILES_BODY_MAX (11 * 1024 * 1024)  /* multipart console bodies: a 10 MiB case document, its fields and framing */

/* ---- arena: per-request allocations, freed all at once ---- */
struct arena_block;
struct arena {
	struct arena_block *head;
	size_t used_total;
};

/* ---- growable byte buffer (malloc-backed, reused across requests) ---- */
struct buf {
	char *data;
	size_t len;
	size_t cap;
	bool failed;  /* allocation failed once: the content is incomplete */
};

/* ---- decoded key/value pairs (query string, form body, cookies) ---- */
struct kv {
	const char *key;
	const char *val;
	size_t val_len;
};
struct kvlist {
	struct kv *items;
	size_t n;
};

enum lang { LANG_VI, LANG_EN, LANG__MAX };

enum method { METHOD_GET, METHOD_POST, METHOD_HEAD, METHOD_OTHER, METHOD__MAX };

struct form_set;   /* form.h */
struct db;         /* db.h */
struct keys;       /* token.h */
struct mp_form;    /* multipart.h */

/* Per-worker, long-lived state: the connection, forms and keys. Nothing
 * request-specific lives here. */
struct app {
	struct db *db;
	const struct form_set *forms;
	const struct keys *keys;
	const char *base_url;
};

/* What a loader found: every *_load() answers one of these. */
enum found { FOUND, MISSING, DB_DOWN };

/* How many '#' id segments a route's path may hold. */
#define ROUTE_IDS_MAX 3

enum role { ROLE_VIEWER, ROLE_OFFICER, ROLE_ADMIN, ROLE__MAX };

/* The signed-in officer of a request (auth.c); strings in the arena. */
struct officer {
	const char *id;
	const char *username;
	const char *display_name;
	const char *unit_id;
	const char *unit_path;     /* '/1/4/': the scope */
	const char *unit_name;
	enum role role;
	const char *csrf;          /* this session's anti-forgery token */
	bool totp_enabled;
};

/* Everything about one request; handlers read only from here. */
struct req {
	struct arena *arena;
	struct app *app;
	enum method method;
	const char *path;          /* decoded path, without query */
	const char *id[ROUTE_IDS_MAX];  /* the digits each '#' of the route's path matched, in order (route.c) */
	const char *tail;          /* on a PREFIX route: what follows the prefix and its '/' ("" when nothing) */
	const char *query;         /* raw query string ("" when absent) */
	const char *content_type;  /* "" when absent */
	long content_length;       /* -1 when absent */
	const char *cookie_header;
	const char *authorization; /* the Authorization header ("" when absent): API tokens (api.c) */
	bool https;
	enum lang lang;
	struct kvlist args;        /* query arguments */
	struct kvlist cookies;
	struct officer *officer;   /* set by the dispatcher on LOGIN routes */
	struct kvlist form;        /* the body's plain fields, parsed by the dispatcher on CSRF and FILES routes */
	const struct mp_form *files;  /* the whole multipart body on FILES routes (file parts included), else NULL */
	/* input stream, read by req_body() */
	void *in;                  /* FCGX_Stream *, or NULL when the body is in body_fixed */
	const char *body_fixed;    /* for tests: the whole body */
	size_t body_fixed_len;
	/* response */
	int status;
	const char *resp_type;     /* Content-Type; default text/html; charset=utf-8 */
	bool download;             /* a stored file (http_download): sandboxed security headers */
	struct buf *out;           /* response body */
	void *outstream;           /* FCGX_Stream *: only large exports write to it directly */
	bool streamed;             /* the response went out through http_stream_begin */
	bool stream_broken;        /* a streamed body stopped half-way: the connection is cut, no clean end (server.c) */
	char extra_headers[2048];  /* additional header lines, each ending in \r\n */
	size_t extra_len;
};

#endif
