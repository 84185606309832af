/* log.h: one way to write to the log (stderr, which systemd's journal or var/log keeps); never client data. */
#ifndef TIENGNOI_LOG_H
#define TIENGNOI_LOG_H

/* One line: "2026-12-05T09:30:00Z tiengnoi[PID]: LEVEL: message" (UTC). Callers never pass a client
 * address, user agent, receipt code or anything a worker typed. */
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The service cannot go on (a bad setting at start): say what to fix. */
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A broken invariant: something the code should never see. */
void log_bug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
