/* console_notify.h: the officer's notification settings section, shared by /admin/account and /admin/account/notify. */
#ifndef TIENGNOI_CONSOLE_NOTIFY_H
#define TIENGNOI_CONSOLE_NOTIFY_H
#include "app.h"
#include "console.h"

/* What the settings form holds: the stored values, or the posted ones
 * with their errors when refused. */
struct notify_settings {
	const char *email;          /* confirmed address ("" none) */
	const char *pending;        /* address waiting for its link ("" none) */
	const char *typed;          /* what the address field shows */
	bool urgent, digest, reminder, replies;
	const char *reminder_days;
};

/* The session officer's stored settings; FOUND, or DB_DOWN. */
enum found console_notify_load(struct req *, struct notify_settings *);

/* <section id="notify">: the address (confirmed or waiting), the four
 * kinds of mail with their switches and the reminder's working days,
 * posting to /admin/account/notify; errors beside their fields. */
void console_notify_settings(struct req *, const struct notify_settings *, const struct console_errs *);

/* The error to show beside an e-mail field for what was posted (NULL:
 * longer than the field allows), or NULL when it is empty (remove the
 * address) or a plausible address (notify_email_problem). */
const char *console_email_error(struct req *, const char *posted);

/* The section with the session officer's stored settings (nothing when
 * they cannot be read: the rest of the account page still works). */
void console_notify_section(struct req *);

#endif
