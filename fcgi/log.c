/* log.c: levelled log lines on stderr (the journal under systemd, var/log in the dev stack). */
#include <stdarg.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

/* Writes one whole line with a single write so lines from several
 * workers never interleave; a line too long is cut, never split. */
static void
log_line(const char *level, const char *fmt, va_list ap)
{
	char line[1024], when[32];
	time_t t = time(NULL);
	struct tm tm;
	if (gmtime_r(&t, &tm) == NULL || strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		when[0] = '\0';
	int n = snprintf(line, sizeof(line), "%s tiengnoi[%ld]: %s: ", when, (long)getpid(), level);
	if (n < 0 || (size_t)n >= sizeof(line))
		return;
	int m = vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
	if (m < 0)
		return;
	size_t len = (size_t)n + (size_t)m;
	if (len > sizeof(line) - 2)
		len = sizeof(line) - 2;
	if (len > 0 && line[len - 1] == '\n')
		len--;
	line[len++] = '\n';
	if (write(STDERR_FILENO, line, len) < 0)
		return;
}

/* One line at `level` (log_info(), log_warn(), log_error(), log_bug()
 * in log.h); an unknown level reads as a bug. */
void
log_at(enum log_level level, const char *fmt, ...)
{
	static const char *const names[LOG__MAX] = {
		"info",      /* LOG_INFO */
		"warning",   /* LOG_WARN */
		"error",     /* LOG_ERROR */
		"bug",       /* LOG_BUG */
	};
	va_list ap;
	va_start(ap, fmt);
	log_line((unsigned)level < LOG__MAX ? names[level] : "bug", fmt, ap);
	va_end(ap);
}
