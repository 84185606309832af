/* results.h: "Công đoàn đã làm gì": what came of workers' reports at a workplace, as aggregate lines of k >= 5 reports, computed for an officer to approve and shown to workers only as approved (sql/046). */
#ifndef TIENGNOI_RESULTS_H
#define TIENGNOI_RESULTS_H
#include "app.h"

#define RESULTS_K 5          /* a line needs this many reports behind it (sql/046 checks it too) */
#define RESULTS_K_TEXT "5"   /* RESULTS_K as a query parameter */
#define RESULTS_LINES_MAX 30

/* One line: resolved reports of one kind (n), or the employer's
 * commitments (n made, kept done) at rounds that took up `reports`. */
struct result_line {
	const char *kind;                  /* "resolved" or "commitments" */
	const char *label_vi, *label_en;
	long n, kept, reports;
};

/* The lines workplace `workplace_id` (in the officer's scope: the caller
 * checked) would publish now, in the arena: resolved reports per form
 * (per category for concerns) and the commitments, each with at least
 * RESULTS_K reports behind it. The number of lines, -1 when the database
 * failed. */
int results_compute(struct req *, const char *workplace_id, struct result_line **out);

/* The live approved snapshot of a workplace (`by_entry`: the id given is
 * an entry point's, for the worker pages): its lines and the day it was
 * approved (DD/MM/YYYY). 0 lines when none is published; -1 on failure. */
int results_published(struct req *, const char *id, bool by_entry, struct result_line **out, const char **approved_on);

/* The lines as workers see them: <section id=ID> with its heading
 * (h2), the lines and, when `approved_on` is not NULL, the approval note
 * ("results" on the worker pages and the console's preview,
 * "results-published" for what the console shows as published). */
void results_render(struct req *, const char *id, const struct result_line *, int n, const char *approved_on);

#endif
