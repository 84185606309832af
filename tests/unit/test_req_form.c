/* test_req_form.c: unit tests for req_form(), the one reader of urlencoded bodies: type, size, encoding, UTF-8, controls. */
#include "common.h"
#include "req.h"

/* A request whose whole body is `body` (len bytes) with Content-Type `type`. */
static struct req
request(struct arena *a, const char *type, const char *body, size_t len)
{
	struct req r = { .arena = a, .content_type = type, .content_length = (long)len, .body_fixed = body,
	    .body_fixed_len = len };
	return r;
}

#define FORM "application/x-www-form-urlencoded"

/* What req_form() reads from urlencoded `body`, which it must accept. */
static struct kvlist
form_of(struct arena *a, const char *body)
{
	struct kvlist in = { 0 };
	struct req r = request(a, FORM, body, strlen(body));
	assert_int_equal(req_form(&r, 64, &in), REQ_OK);
	return in;
}

static void
test_ok(void **state)
{
	struct kvlist in = { 0 };
	struct req r = request(*state, FORM "; charset=utf-8", "a=1&b=Ti%E1%BA%BFng+n%C3%B3i", 28);
	assert_int_equal(req_form(&r, 64, &in), REQ_OK);
	assert_string_equal(kv_get(&in, "a"), "1");
	assert_string_equal(kv_get(&in, "b"), "Tiếng nói");
}

static void
test_empty(void **state)
{
	assert_int_equal(form_of(*state, "").n, 0);
}

static void
test_wrong_type(void **state)
{
	struct kvlist in = { 0 };
	struct req r = request(*state, "multipart/form-data; boundary=x", "a=1", 3);
	assert_int_equal(req_form(&r, 64, &in), REQ_ERR_TYPE);
	r.content_type = "";
	assert_int_equal(req_form(&r, 64, &in), REQ_ERR_TYPE);
	r.content_type = "application/x-www-form-urlencodedX";
	assert_int_equal(req_form(&r, 64, &in), REQ_ERR_TYPE);
}

static void
test_too_large(void **state)
{
	struct kvlist in = { 0 };
	char big[200];
	memset(big, 'a', sizeof(big));
	big[0] = 'k';
	big[1] = '=';
	struct req r = request(*state, FORM, big, sizeof(big));
	assert_int_equal(req_form(&r, 64, &in), REQ_ERR_TOO_LARGE);
	assert_int_equal(req_form(&r, sizeof(big), &in), REQ_OK);
	/* a declared length over the limit is refused before a byte is read,
	 * however little actually arrives */
	r = request(*state, FORM, "a=1", 3);
	r.content_length = 100L * 1024 * 1024;
	assert_int_equal(req_form(&r, 64, &in), REQ_ERR_TOO_LARGE);
}

static void
test_bad_bodies(void **state)
{
	struct kvlist in = { 0 };
	struct req r = request(*state, FORM, "a=%zz", 5);
	assert_int_equal(req_form(&r, 64, &in), REQ_ERR_ENCODING);
	r = request(*state, FORM, "a=%C3%28", 8);   /* not UTF-8 */
	assert_int_equal(req_form(&r, 64, &in), REQ_ERR_UTF8);
	r = request(*state, FORM, "a=%00", 5);      /* NUL */
	assert_int_equal(req_form(&r, 64, &in), REQ_ERR_CONTROL);
	r = request(*state, FORM, "a=\xff", 3);     /* a raw byte that is not UTF-8 */
	assert_int_not_equal(req_form(&r, 64, &in), REQ_OK);
}

/* Every way a %-escape can be cut short or not hex, and non-UTF-8 in any
 * disguise (overlong, a surrogate, a cut sequence, over U+10FFFF), in a
 * key or a value: each refused with its reason. */
static const struct refused { const char *body; enum req_err want; } refused[] = {
	{ "a=%", REQ_ERR_ENCODING }, { "a=%4", REQ_ERR_ENCODING }, { "a=%G1", REQ_ERR_ENCODING },
	{ "a=%4G", REQ_ERR_ENCODING }, { "%zz=1", REQ_ERR_ENCODING }, { "a=1%", REQ_ERR_ENCODING },
	{ "a=%%41", REQ_ERR_ENCODING }, { "a=%C0%AF", REQ_ERR_UTF8 }, { "a=%ED%A0%80", REQ_ERR_UTF8 },
	{ "a=%E1%BA", REQ_ERR_UTF8 }, { "%FF=1", REQ_ERR_UTF8 }, { "a=%F8%88%80%80%80", REQ_ERR_UTF8 },
	{ NULL, REQ_OK }
};

static void
test_refused(void **state)
{
	for (const struct refused *b = refused; b->body; b++) {
		struct kvlist in = { 0 };
		struct req r = request(*state, FORM, b->body, strlen(b->body));
		assert_int_equal(req_form(&r, 64, &in), b->want);
	}
}

/* A key sent twice keeps both values, in order: kv_get() gives the first,
 * kv_count() and kv_has() see them all (check boxes send one per tick). */
static void
test_repeated_keys(void **state)
{
	struct kvlist in = form_of(*state, "k=1&x=&k=2&k=1");
	assert_int_equal(in.n, 4);
	assert_string_equal(kv_get(&in, "k"), "1");
	assert_int_equal(kv_count(&in, "k"), 3);
	assert_true(kv_has(&in, "k", "2"));
	assert_false(kv_has(&in, "k", "3"));
	assert_string_equal(kv_get(&in, "x"), "");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_ok, arena_setup, arena_teardown),
		cmocka_unit_test_setup_teardown(test_empty, arena_setup, arena_teardown),
		cmocka_unit_test_setup_teardown(test_wrong_type, arena_setup, arena_teardown),
		cmocka_unit_test_setup_teardown(test_too_large, arena_setup, arena_teardown),
		cmocka_unit_test_setup_teardown(test_bad_bodies, arena_setup, arena_teardown),
		cmocka_unit_test_setup_teardown(test_refused, arena_setup, arena_teardown),
		cmocka_unit_test_setup_teardown(test_repeated_keys, arena_setup, arena_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
