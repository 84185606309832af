/* console_case.h: one dispute case's page, shared by the case family's handlers (page_admin_cases.c, page_admin_case_docs.c). */
#ifndef TIENGNOI_CONSOLE_CASE_H
#define TIENGNOI_CONSOLE_CASE_H
#include "app.h"
#include "console.h"
#include "dispute.h"

/* Answers with the case page for `id`: `status`, `problem` above it when not
 * NULL, and the form of `action` (when not NULL) refilled from r->form so
 * nothing typed is lost. 404 outside the officer's scope, 503 with the
 * database away. */
void case_page(struct req *, const char *id, int status, const char *problem, const char *action);
void case_page_errors(struct req *, const char *id, int status, const char *problem, const char *action,
    const struct console_errs *);

/* What the new-case and edit forms hold, as typed (strings, "" for none):
 * the case's own facts and the dates its deadlines count from. */
struct case_input {
	const char *title, *kind, *scope, *dispute_type, *subject, *member, *union_role, *recovered;
	const char *dates[DISPUTE_NDATES];   /* dispute_dates order */
};

/* The fields of the new-case and edit forms, each error beside its field. */
void case_fields(struct req *, const struct case_input *, const struct console_errs *);
/* The form's values as POSTed (title NFC-trimmed by the console kit). */
void case_input_posted(struct req *, struct case_input *);
/* Checks every field, adding an error per bad one (named by its field);
 * fills the defaults (rights, the subject the kind suggests, unknown
 * membership). true when all is well. */
bool case_input_check(struct req *, struct case_input *, struct console_errs *);
/* The cases made from (or linked to) report `submission_id` in the
 * officer's scope: `lead` (a paragraph, class `cls`) then a list of links
 * with id `list_id`; nothing at all when there are none. Returns how
 * many, or -1 when the database failed. */
int case_report_links(struct req *, const char *submission_id, const char *list_id, const char *cls, const char *lead);

#endif
