/* org.h: rules for units, workplaces and QR codes shared by the console and the CLI, and the workplace CSV import. */
#ifndef TIENGNOI_ORG_H
#define TIENGNOI_ORG_H
#include "app.h"

struct db;

#define ORG_IMPORT_MAX_ROWS 20000

/* Why a value or a CSV line is refused; org_problem_text() says it to a person. */
enum org_problem {
	ORG_OK,
	ORG_HEADER,          /* the header row does not name the columns */
	ORG_FIELDS,          /* a line has more or fewer fields than the header */
	ORG_QUOTE,           /* a quoted field never closes */
	ORG_UTF8,            /* not UTF-8 */
	ORG_CONTROL,         /* control character or line break inside a field */
	ORG_BAD_CODE,
	ORG_NO_NAME,
	ORG_NAME_LONG,
	ORG_BAD_TAX,
	ORG_ADDRESS_LONG,
	ORG_SECTOR_LONG,
	ORG_BAD_HEADCOUNT,
	ORG_BAD_OWNERSHIP,
	ORG_BAD_HOTLINE,
	ORG_UNIT_UNKNOWN,    /* no such unit, or outside the scope: the same answer */
	ORG_UNIT_ENDED,      /* merged or ended */
	ORG_DUP_FILE,        /* the code is on an earlier line too */
	ORG_DUP_DB,          /* the code is taken in the database */
	ORG_EMPTY,           /* no data lines */
	ORG_TOO_MANY,        /* more than ORG_IMPORT_MAX_ROWS lines */
	ORG__MAX
};

/* One workplace of an import; strings in the arena, "" when absent. */
struct org_row {
	long line;
	const char *code, *name, *unit_code, *tax_code, *address;
	const char *unit_id;   /* set by the database check */
};

struct org_error {
	long line;             /* 0: the file as a whole */
	enum org_problem why;
	const char *detail;    /* the offending value, or NULL */
};

struct org_import {
	struct org_row *rows;
	size_t nrows, rows_cap;
	struct org_error *errors;
	size_t nerrors, errors_cap;
};

/* A QR entry point as the console acts on it; strings in the arena. */
struct org_entry {
	const char *token, *workplace_id;
	bool revoked;
};

bool org_code_valid(const char *);
bool org_tax_code_valid(const char *);
bool org_hotline_valid(const char *);
enum org_problem org_text(struct arena *, const char *in, size_t max, const char **out);
const char *org_problem_text(enum org_problem, enum lang);
int org_import_check(struct arena *, struct db *, const char *csv, size_t len, const char *scope, struct org_import *);
enum found org_entry_load(struct db *, struct arena *, const char *id, const char *scope, struct org_entry *);
long org_import_store(struct db *, const struct org_import *, char *sqlstate, size_t sqlstate_len);
const char *org_import_summary(struct arena *, const struct org_import *, long n);

#endif
