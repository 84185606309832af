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
	struct kvlist in = { 0 };
	struct req r = request(*state, FORM, "", 0);
	assert_int_equal(req_form(&r, 64, &in), REQ_OK);
	assert_int_equal(in.n, 0);
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

/* A body whose declared length is over the limit is refused before a byte
 * is read, however little actually arrives. */
static void
test_huge_declared(void **state)
{
	struct kvlist in = { 0 };
	struct req r = request(*state, FORM, "a=1", 3);
	r.content_length = 100L * 1024 * 1024;
	assert_int_equal(req_form(&r, 64, &in), REQ_ERR_TOO_LARGE);
	assert_int_equal(in.n, 0);
}

/* Every way a %-escape can be cut short or not hex. */
static void
test_bad_escapes(void **state)
{
	static const char *const bad[] = { "a=%", "a=%4", "a=%G1", "a=%4G", "%zz=1", "a=1%", "a=%%41" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct kvlist in = { 0 };
		struct req r = request(*state, FORM, bad[i], strlen(bad[i]));
		assert_int_equal(req_form(&r, 64, &in), REQ_ERR_ENCODING);
	}
}

/* Not UTF-8 in any disguise: overlong, a surrogate, a cut sequence, in a
 * key or a value. */
static void
test_not_utf8(void **state)
{
	static const char *const bad[] = { "a=%C0%AF", "a=%ED%A0%80", "a=%E1%BA", "%FF=1", "a=%F8%88%80%80%80" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct kvlist in = { 0 };
		struct req r = request(*state, FORM, bad[i], strlen(bad[i]));
		assert_int_equal(req_form(&r, 64, &in), REQ_ERR_UTF8);
	}
}

/* A key sent twice keeps both values, in order: kv_get() gives the first,
 * kv_count() and kv_has() see them all (check boxes send one per tick). */
static void
test_repeated_keys(void **state)
{
	struct kvlist in = { 0 };
	struct req r = request(*state, FORM, "k=1&x=&k=2&k=1", 14);
	assert_int_equal(req_form(&r, 64, &in), REQ_OK);
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
		cmocka_unit_test_setup_teardown(test_huge_declared, arena_setup, arena_teardown),
		cmocka_unit_test_setup_teardown(test_bad_escapes, arena_setup, arena_teardown),
		cmocka_unit_test_setup_teardown(test_not_utf8, arena_setup, arena_teardown),
		cmocka_unit_test_setup_teardown(test_repeated_keys, arena_setup, arena_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
