/* queue_query.h: the triage queue's filters and query, one for the console queue (/admin/) and the API (/api/v1/submissions). */
#ifndef TIENGNOI_QUEUE_QUERY_H
#define TIENGNOI_QUEUE_QUERY_H
#include "app.h"
#include "submission.h"

/* One report as the API shows it, built by PostgreSQL: the columns of
 * submission `s` and workplace `ws` a list item carries. contact_sealed
 * and contact_consent_at are not among them, and never will be. */
#define QUEUE_ITEM_JSON \
	"json_build_object('id', s.id, 'form_id', s.form_id, 'form_version', s.form_version, " \
	"'workplace', json_build_object('id', ws.id, 'code', ws.code, 'name', ws.name), 'unit_id', s.unit_id, " \
	"'received_at', to_char(s.received_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), " \
	"'channel', s.channel, 'status', s.status, 'urgent', s.urgent, 'assignee_id', s.assignee_id, " \
	"'worker_replied', s.worker_replied_at IS NOT NULL AND s.worker_replied_at > coalesce(s.status_changed_at, s.received_at), " \
	"'answers', s.answers)"

/* The queue's filters as given; queue_filter_check() splits `after`. */
struct queue_filter {
	const char *status, *form, *workplace, *from, *to, *q;
	const char *urgent;                       /* "", "true" or "false" */
	const char *flood;                        /* "" or "true": only reports stored during a flood (sql/029) */
	const char *after;                        /* a row's cursor (QC_CURSOR) */
	const char *after_pin, *after_us, *after_id;   /* its parts ("" when none) */
	long limit;                               /* rows wanted; one more is read */
};

/* A filter that cannot be used: its parameter, its name for officers
 * (vi, en) and what it must be (for the API, in English). */
struct queue_bad {
	const char *param, *vi, *en, *why;
};

/* The columns of queue_query_rows()' rows. */
enum queue_col {
	QC_ID, QC_RECEIVED, QC_WORKPLACE, QC_FORM, QC_STATUS, QC_URGENT, QC_ANSWERS, QC_ASSIGNEE, QC_REPLIED,
	QC_CHANNEL, QC_ITEM, QC_CURSOR, QC_FLOOD
};

void queue_filter_args(const struct kvlist *, struct queue_filter *);
const struct queue_bad *queue_filter_check(struct arena *, struct queue_filter *);
struct pg_result *queue_query_rows(struct req *, const struct queue_filter *);
void queue_query_counts(struct req *, const struct queue_filter *, long cap, long n[SUBMISSION_NSTATUSES]);

#endif
