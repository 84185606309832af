/* webhook.c: webhook subscriptions' checks (URL through libcurl's URL parser, event names, the secret file) and the HMAC-SHA256 signature of a delivery. */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <curl/curl.h>
#include <sodium.h>

#include "app.h"
#include "arena.h"
#include "webhook.h"

/* The events a webhook may ask for; the outbox rows' event names. */
static const char *const events[] = { "submission.created", "submission.urgent", "case.deadline" };

/* Loopback names count as one host: a URL saying localhost reaches a
 * server whose base_url says 127.0.0.1. */
static bool
loopback(const char *host)
{
	return strcasecmp(host, "localhost") == 0 || strncmp(host, "127.", 4) == 0 || strcmp(host, "[::1]") == 0 ||
	    strcmp(host, "::1") == 0;
}

/* host and port (default port filled in) of url; false when unparsable. */
static bool
host_port(const char *url, char **host, char **port, char **scheme)
{
	CURLU *u = curl_url();
	bool ok = u != NULL && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_SCHEME, scheme, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, host, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_PORT, port, CURLU_DEFAULT_PORT) == CURLUE_OK;
	curl_url_cleanup(u);
	return ok;
}

const char *
webhook_url_problem(const char *url, const char *base_url)
{
	char *host = NULL, *port = NULL, *scheme = NULL, *bhost = NULL, *bport = NULL, *bscheme = NULL;
	const char *why = NULL;
	size_t n = url ? strlen(url) : 0;
	if (n == 0)
		return "a URL is needed (http:// or https://)";
	if (n > WEBHOOK_URL_MAX)
		return "the URL is longer than 500 characters";
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)url[i] <= ' ' || (unsigned char)url[i] >= 0x7f)
			return "the URL has spaces, control or non-ASCII characters (percent-encode them)";
	if (strncasecmp(url, "http://", 7) != 0 && strncasecmp(url, "https://", 8) != 0)
		return "the URL must start with http:// or https://";
	if (!host_port(url, &host, &port, &scheme) || *host == '\0') {
		why = "the URL cannot be parsed (http://host[:port]/path)";
		goto done;
	}
	if (base_url && host_port(base_url, &bhost, &bport, &bscheme) && strcmp(port, bport) == 0 &&
	    (strcasecmp(host, bhost) == 0 || (loopback(host) && loopback(bhost))))
		why = "the URL points at this server itself (its base_url host and port)";
done:
	curl_free(host);
	curl_free(port);
	curl_free(scheme);
	curl_free(bhost);
	curl_free(bport);
	curl_free(bscheme);
	return why;
}

const char *
webhook_events_problem(struct arena *a, const char *csv)
{
	if (csv == NULL || *csv == '\0')
		return "give at least one event: submission.created, submission.urgent, case.deadline";
	if (strlen(csv) > 200)
		return "the list of events is too long";
	bool seen[sizeof(events) / sizeof(events[0])] = { false };
	const char *p = csv;
	for (;;) {
		size_t l = strcspn(p, ",");
		size_t i = 0;
		for (; i < sizeof(events) / sizeof(events[0]); i++)
			if (strlen(events[i]) == l && strncmp(events[i], p, l) == 0)
				break;
		if (i == sizeof(events) / sizeof(events[0]))
			return arena_printf(a, "unknown event \"%.*s\" (known: submission.created, submission.urgent, case.deadline)",
			    (int)(l > 60 ? 60 : l), p);
		if (seen[i])
			return arena_printf(a, "event %s is listed twice", events[i]);
		seen[i] = true;
		if (p[l] == '\0')
			return NULL;
		p += l + 1;
	}
}

char *
webhook_secret_read(struct arena *a, const char *path, const char **why)
{
	char buf[WEBHOOK_SECRET_MAX + 3];
	FILE *f = path ? fopen(path, "rb") : NULL;
	if (f == NULL) {
		*why = "cannot read the secret file";
		return NULL;
	}
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	bool more = fgetc(f) != EOF;
	fclose(f);
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		n--;
	buf[n] = '\0';
	if (more || n > WEBHOOK_SECRET_MAX || n < WEBHOOK_SECRET_MIN || memchr(buf, '\0', n) != NULL) {
		*why = "the secret must be 16 to 256 bytes (one line, no NUL)";
		sodium_memzero(buf, sizeof(buf));
		return NULL;
	}
	char *s = arena_strndup(a, buf, n);
	sodium_memzero(buf, sizeof(buf));
	return s;
}

void
webhook_sign(const char *secret, time_t t, const char *body, size_t len, char out[WEBHOOK_SIGNATURE_MAX])
{
	crypto_auth_hmacsha256_state st;
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	char ts[24], hex[2 * crypto_auth_hmacsha256_BYTES + 1];
	snprintf(ts, sizeof(ts), "%lld", (long long)t);
	crypto_auth_hmacsha256_init(&st, (const unsigned char *)secret, strlen(secret));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)ts, strlen(ts));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)".", 1);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)body, len);
	crypto_auth_hmacsha256_final(&st, mac);
	sodium_bin2hex(hex, sizeof(hex), mac, sizeof(mac));
	snprintf(out, WEBHOOK_SIGNATURE_MAX, "t=%s,v1=%s", ts, hex);
}
