/* notify.h: officers' notification mails: address checks, composing each kind from its outbox row, the RFC 5322 text. */
#ifndef TIENGNOI_NOTIFY_H
#define TIENGNOI_NOTIFY_H
#include <stdbool.h>
#include <time.h>
#include "app.h"

#define NOTIFY_EMAIL_MAX 254

/* One mail, ready to be written out: strings from the arena. */
struct mail {
	const char *event;     /* the outbox row's event, sent as X-Tiengnoi-Event */
	const char *to;
	const char *subject;   /* UTF-8, Vietnamese */
	const char *body;      /* UTF-8 plain text: counts, workplace, form, urgency, a console link; never a worker's text
	                        * unless the unit allowed the first line of a non-anonymous report */
};

/* NULL when addr is a plausible mailbox (local@domain.tld, ASCII, at most
 * 254 characters), else why not in Vietnamese and English ("vi / en"). */
const char *notify_email_problem(const char *addr);

/* Composes the mail of one outbox row (its event, officer and payload) by
 * reading what it refers to now. FOUND with *out filled; MISSING when there
 * is nothing to send any more (the officer lost their address, the report
 * was erased); DB_DOWN when a query failed. */
enum found notify_compose(struct db *, struct arena *, const char *event, const char *officer_id, const char *payload,
    const char *base_url, struct mail *out);

/* The address in mail_from ("Tiếng nói <a@b.vn>" or "a@b.vn"), from the arena. */
const char *notify_from_address(struct arena *, const char *mail_from);

/* The whole message (headers and a base64 body, CRLF lines) for SMTP, with
 * this Message-ID ("<...@...>") and Date; from the arena. */
char *notify_message(struct arena *, const struct mail *, const char *from, const char *message_id, time_t date);

#endif
