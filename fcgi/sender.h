/* sender.h: tiengnoi-sender's delivery batches (sender_deliver.c), called by its lanes (sender.c). */
#ifndef TIENGNOI_SENDER_H
#define TIENGNOI_SENDER_H
#include <curl/curl.h>
#include "app.h"

#define SENDER_SMTP_TIMEOUT 30          /* seconds for one whole SMTP transaction */
#define SENDER_WEBHOOK_TIMEOUT 10       /* seconds for one POST, answer included (waiting for a connection too) */
#define SENDER_CONNECT_TIMEOUT 5

/* Claims up to a batch of due mails (urgent first, FOR UPDATE SKIP LOCKED),
 * composes and sends them one after another over one SMTP session (the
 * lane's handle *smtp keeps the connection between batches), records every
 * result in the same transaction. After a failure the rest of the batch is
 * not tried: it waits as long as the failed one. Returns the rows handled,
 * 0 when none was due, -1 when the database is away. */
int sender_mail_batch(struct db *, struct arena *, CURL **smtp, double scale);

/* Claims up to a batch of due webhook deliveries of this lane's webhooks
 * (webhook id modulo lanes), at most one per paused receiver, POSTs them all
 * at once through the lane's multi handle (bounded connections per host,
 * a timeout each), and records the results and each receiver's health in
 * the same transaction: a receiver that failed is paused and its due
 * deliveries wait with it; one that answered again releases its backlog.
 * urgent_only: only urgent deliveries (priority 0) to receivers that are not
 * failing (the urgent lane). Returns as sender_mail_batch. */
int sender_webhook_batch(struct db *, struct arena *, CURLM *, int lane, int lanes, bool urgent_only, double scale);

#endif
