/* export.h: streaming exports of reports (CSV, JSON Lines, XLSX). */
#ifndef TIENGNOI_EXPORT_H
#define TIENGNOI_EXPORT_H
#include <jansson.h>
#include <xlsxwriter.h>
#include "app.h"

enum export_format { EXPORT_CSV, EXPORT_JSONL, EXPORT_XLSX, EXPORT__MAX };

struct export_query {
	const char *scope_path;   /* '/1/4/': the unit subtree */
	const char *form;         /* "" or NULL: every form */
	const char *from, *to;    /* "YYYY-MM-DD" (Vietnam dates) or "" */
	const char *workplace;    /* "" or NULL: every workplace in scope; else one id (checked by the caller) */
};

/* Receives the bytes; returns 0, or non-zero to stop (receiver gone). */
typedef int (*export_write_fn)(void *ctx, const void *data, size_t n);

/* A workbook built in a temporary file, sent whole once closed. */
struct export_book {
	lxw_workbook *wb;
	int fd;
	char path[32];
};

/* A JSON value read in place (export_json.c): its type, its text s[0..n),
 * the number when it is one. */
enum ejson_type { EJ_NULL, EJ_FALSE, EJ_TRUE, EJ_INTEGER, EJ_REAL, EJ_STRING, EJ_ARRAY, EJ_OBJECT };
struct ejson {
	enum ejson_type type;
	const char *s;
	size_t n;
	long long i;   /* EJ_INTEGER */
	double r;      /* EJ_REAL */
};

/* An object's top-level members, indexed by ejson_parse: the first
 * EJSON_MEMBERS (more: the rest are looked up in the text). */
#define EJSON_MEMBERS 64
struct ejson_object {
	const char *text;
	size_t len, n;
	bool more;
	struct ejson_member {
		const char *key;     /* at its opening quote */
		struct ejson value;
	} m[EJSON_MEMBERS];
};

struct db;
struct form_set;
void export_csv_cell(struct buf *, const char *s, bool is_number);
int export_book_open(struct export_book *, bool constant_memory, char *err, size_t errlen);
int export_book_finish(struct export_book *, bool send, export_write_fn, void *ctx, char *err, size_t errlen);
int export_send_buf(struct buf *, export_write_fn, void *ctx, char *err, size_t errlen);
bool export_xlsx_date(const char *s, lxw_datetime *);
int export_send_json(json_t *, export_write_fn, void *ctx, char *err, size_t errlen);
bool ejson_parse(const char *s, size_t n, struct ejson_object *);
bool ejson_get(const struct ejson_object *, const char *key, struct ejson *, struct buf *scratch);
const char *ejson_string(const struct ejson *, struct buf *out);
bool ejson_next(const struct ejson *array, size_t *pos, struct ejson *);
int export_submissions(struct db *, const struct form_set *, const struct export_query *, enum export_format,
    export_write_fn, void *ctx, char *err, size_t errlen);

#endif
