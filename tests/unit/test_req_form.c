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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_ok, arena_setup, arena_teardown),
		cmocka_unit_test_setup_teardown(test_empty, arena_setup, arena_teardown),
		cmocka_unit_test_setup_teardown(test_wrong_type, arena_setup, arena_teardown),
		cmocka_unit_test_setup_teardown(test_too_large, arena_setup, arena_teardown),
		cmocka_unit_test_setup_teardown(test_bad_bodies, arena_setup, arena_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
