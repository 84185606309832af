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

void
log_info(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	log_line("info", fmt, ap);
	va_end(ap);
}

void
log_warn(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	log_line("warning", fmt, ap);
	va_end(ap);
}

void
log_bug(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	log_line("bug", fmt, ap);
	va_end(ap);
}

void
log_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	log_line("error", fmt, ap);
	va_end(ap);
}
