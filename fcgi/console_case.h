/* console_case.h: one dispute case's page, shared by the case family's handlers (page_admin_cases.c, page_admin_case_docs.c). */
#ifndef TIENGNOI_CONSOLE_CASE_H
#define TIENGNOI_CONSOLE_CASE_H
#include "app.h"

/* Answers with the case page for `id`: `status`, `problem` above it when not
 * NULL, and the form of `action` (when not NULL) refilled from r->form so
 * nothing typed is lost. 404 outside the officer's scope, 503 with the
 * database away. */
void case_page(struct req *, const char *id, int status, const char *problem, const char *action);
/* The title / kind / scope / known-facts fields shared by the new-case and edit forms. */
void case_fields(struct req *, const char *title, const char *kind, const char *scope, const char *known);
/* The cases made from (or linked to) report `submission_id` in the
 * officer's scope: `lead` (a paragraph, class `cls`) then a list of links
 * with id `list_id`; nothing at all when there are none. Returns how
 * many, or -1 when the database failed. */
int case_report_links(struct req *, const char *submission_id, const char *list_id, const char *cls, const char *lead);

#endif
