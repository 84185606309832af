/* log.h: one way to write to the log (stderr, which systemd's journal or var/log keeps); never client data. */
#ifndef TIENGNOI_LOG_H
#define TIENGNOI_LOG_H

/* One line: "2026-12-05T09:30:00Z tiengnoi[PID]: LEVEL: message" (UTC). Callers never pass a client
 * address, user agent, receipt code or anything a worker typed. */
enum log_level {
	LOG_INFO,
	LOG_WARN,
	LOG_ERROR,   /* the service cannot go on (a bad setting at start): say what to fix */
	LOG_BUG,     /* a broken invariant: something the code should never see */
	LOG__MAX
};
void log_at(enum log_level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#define log_info(...) log_at(LOG_INFO, __VA_ARGS__)
#define log_warn(...) log_at(LOG_WARN, __VA_ARGS__)
#define log_error(...) log_at(LOG_ERROR, __VA_ARGS__)
#define log_bug(...) log_at(LOG_BUG, __VA_ARGS__)

#endif
