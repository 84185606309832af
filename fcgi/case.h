/* case.h: one dispute case as the console reads and changes it: its row by name, its lock, who may handle it, the kind a report suggests. */
#ifndef TIENGNOI_CASE_H
#define TIENGNOI_CASE_H
#include <libpq-fe.h>
#include "app.h"
#include "dispute.h"

struct db;

/* A case as case_load() reads it; every string in the arena, "" for none. */
struct case_row {
	const char *title, *kind, *scope, *stage;
	const char *stage_since;                   /* DD/MM/YYYY */
	const char *outcome;
	const char *known_on;                      /* violation discovered on, DD/MM/YYYY */
	const char *known_ymd;                     /* the same, YYYY-MM-DD, as a date input holds it */
	const char *dispute_type, *subject;        /* rights|interest; a dispute_subjects value or "" */
	const char *member;                        /* the worker is a member: yes, no, unknown */
	const char *union_role, *recovered;        /* "" for none */
	const char *dates[DISPUTE_NDATES];         /* YYYY-MM-DD or "", in dispute_dates order (dates[0] is known_ymd) */
	const char *workers, *months, *amount;     /* as an officer corrected them */
	bool totals_corrected;
	const char *computed_workers, *computed_months, *computed_amount;   /* from the linked reports */
	const char *workplace, *workplace_path;
	const char *unit_id, *unit_name;           /* the handling unit */
	const char *assignee_id, *assignee_name;
	const char *created;                       /* DD/MM/YYYY HH24:MI */
	const char *version;                       /* updated_at in microseconds: a form's check against lost updates */
	bool handled_here;                         /* the handling unit is in the officer's scope: they may change the case row */
};

/* What case_lock() hands back of the case it locked. */
struct case_lock {
	const char *stage, *workplace_id;
	bool handled_here;
};

/* The columns of case_assignees() and case_units(). */
enum case_choice_col { CHOICE_ID, CHOICE_NAME };

enum found case_load(struct arena *, struct db *, const char *id, const char *scope, struct case_row *);
enum found case_lock(struct arena *, struct db *, const char *id, const char *scope, struct case_lock *);
PGresult *case_assignees(struct db *, const char *workplace_path);
PGresult *case_units(struct db *, const char *workplace_path, const char *scope);
int case_choice_row(const PGresult *, const char *id);
const char *case_kind_from_form(const char *form_id);
const char *case_subject_from_kind(const char *kind);

#endif
