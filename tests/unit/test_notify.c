/* test_notify.c: unit tests for notify.c and webhook.c: address checks, the message text, webhook URL, event and secret checks, and the signature against an independent HMAC. */
#include "common.h"
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sodium.h>
#include "notify.h"
#include "webhook.h"

static void
test_email(void **state)
{
	(void)state;
	assert_null(notify_email_problem("ten@donvi.vn"));
	assert_null(notify_email_problem("a.b+c@mail.ldld-laichau.vn"));
	assert_non_null(notify_email_problem(""));
	assert_non_null(notify_email_problem(NULL));
	assert_non_null(notify_email_problem("a@b"));
	assert_non_null(notify_email_problem("@b.vn"));
	assert_non_null(notify_email_problem("a@@b.vn"));
	assert_non_null(notify_email_problem("a b@c.vn"));
	assert_non_null(notify_email_problem(".a@b.vn"));
	assert_non_null(notify_email_problem("a.@b.vn"));
	assert_non_null(notify_email_problem("a..b@c.vn"));
	assert_non_null(notify_email_problem("a@-b.vn"));
	assert_non_null(notify_email_problem("a@b.vn."));
	assert_non_null(notify_email_problem("a@b..vn"));
	assert_non_null(notify_email_problem("a@b.vn\n"));
	assert_non_null(notify_email_problem("<script>@x.vn"));
	assert_non_null(notify_email_problem("người@x.vn"));
	char big[300];
	memset(big, 'a', sizeof(big));
	memcpy(big + sizeof(big) - 7, "@x.vn", 6);
	assert_non_null(notify_email_problem(big));
}

static void
test_message(void **state)
{
	struct arena *a = *state;
	struct mail m = { "submission.urgent", "ten@donvi.vn", "[Tiếng nói] Phản ánh KHẨN CẤP #1", "Dòng một\r\n" };
	char *msg = notify_message(a, &m, "Tiếng nói <tb@x.vn>", "<tiengnoi.1.ab@x.vn>", 0);
	assert_non_null(msg);
	assert_non_null(strstr(msg, "From: =?UTF-8?B?"));
	assert_non_null(strstr(msg, "?= <tb@x.vn>\r\n"));
	assert_non_null(strstr(msg, "To: <ten@donvi.vn>\r\n"));
	assert_non_null(strstr(msg, "Date: Thu, 01 Jan 1970 00:00:00 +0000\r\n"));
	assert_non_null(strstr(msg, "Message-ID: <tiengnoi.1.ab@x.vn>\r\n"));
	assert_non_null(strstr(msg, "X-Tiengnoi-Event: submission.urgent\r\n"));
	assert_non_null(strstr(msg, "Content-Transfer-Encoding: base64\r\n"));
	assert_non_null(strstr(msg, "Auto-Submitted: auto-generated\r\n\r\n"));
	assert_null(strstr(msg, "Dòng"));   /* the body only as base64, so no line is ever too long or 8-bit */
	assert_string_equal(notify_from_address(a, "Tiếng nói <tb@x.vn>"), "tb@x.vn");
	assert_string_equal(notify_from_address(a, "tb@x.vn"), "tb@x.vn");
	msg = notify_message(a, &m, "tb@x.vn", "<m@x>", 0);
	assert_non_null(strstr(msg, "From: <tb@x.vn>\r\n"));
}

static void
test_url(void **state)
{
	(void)state;
	const char *base = "http://127.0.0.1:8080";
	assert_null(webhook_url_problem("https://hooks.example.vn/tiengnoi", base));
	assert_null(webhook_url_problem("http://127.0.0.1:9000/hook", base));
	assert_non_null(webhook_url_problem("http://127.0.0.1:8080/hook", base));
	assert_non_null(webhook_url_problem("http://localhost:8080/", base));
	assert_non_null(webhook_url_problem("HTTP://127.0.0.1:8080/", base));
	assert_null(webhook_url_problem("https://tieng-noi.vn:8443/x", "https://tieng-noi.vn"));
	assert_non_null(webhook_url_problem("https://TIENG-NOI.vn/x", "https://tieng-noi.vn"));
	assert_non_null(webhook_url_problem("ftp://x.vn/", base));
	assert_non_null(webhook_url_problem("javascript:alert(1)", base));
	assert_non_null(webhook_url_problem("", base));
	assert_non_null(webhook_url_problem(NULL, base));
	assert_non_null(webhook_url_problem("http://", base));
	assert_non_null(webhook_url_problem("http://a b.vn/", base));
	assert_non_null(webhook_url_problem("http://x.vn/\x01", base));
	assert_non_null(webhook_url_problem("http://xn--ngi-x.vn/ó", base));
}

static void
test_events(void **state)
{
	struct arena *a = *state;
	assert_null(webhook_events_problem(a, "submission.created"));
	assert_null(webhook_events_problem(a, "submission.created,submission.urgent,case.deadline"));
	assert_non_null(webhook_events_problem(a, ""));
	assert_non_null(webhook_events_problem(a, NULL));
	assert_non_null(webhook_events_problem(a, "submission.created,"));
	assert_non_null(webhook_events_problem(a, ",case.deadline"));
	assert_non_null(webhook_events_problem(a, "case.deadline,case.deadline"));
	const char *why = webhook_events_problem(a, "submission.created,submission.deleted");
	assert_non_null(why);
	assert_non_null(strstr(why, "submission.deleted"));
}

static void
test_secret_and_sign(void **state)
{
	struct arena *a = *state;
	const char *why = NULL;
	char path[] = "/tmp/test_notify_XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "whsec-test-secret-0123\n", 23), 23);
	close(fd);
	char *s = webhook_secret_read(a, path, &why);
	assert_string_equal(s, "whsec-test-secret-0123");
	FILE *f = fopen(path, "w");
	fputs("short\n", f);
	fclose(f);
	assert_null(webhook_secret_read(a, path, &why));
	assert_non_null(why);
	unlink(path);
	assert_null(webhook_secret_read(a, path, &why));
	char sig[WEBHOOK_SIGNATURE_MAX];
	/* the value Python's hmac.new(secret, b"1700000000." + body, sha256) gives */
	webhook_sign("whsec-test-secret-0123", 1700000000, "{\"a\":1}", 7, sig);
	assert_string_equal(sig, "t=1700000000,v1=68d0d2c2b1fd8dd3cf9757f6711713db6c1f8e87bc8e05ae6ebfab6607942326");
}

int
main(void)
{
	if (sodium_init() < 0)
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_email),
		cmocka_unit_test_setup_teardown(test_message, arena_setup, arena_teardown),
		cmocka_unit_test(test_url),
		cmocka_unit_test_setup_teardown(test_events, arena_setup, arena_teardown),
		cmocka_unit_test_setup_teardown(test_secret_and_sign, arena_setup, arena_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
