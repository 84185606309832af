/* fuzz_multipart.c: libFuzzer harness for multipart_parse: no crash, no stray read, results keep their promises. */
/*
 * Build and run (not part of make test):
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -std=c11 -D_GNU_SOURCE -Ifcgi \
 *       tests/unit/fuzz_multipart.c fcgi/multipart.c fcgi/arena.c fcgi/text.c -lutf8proc \
 *       -o build/fuzz_multipart
 *   build/fuzz_multipart -max_total_time=60 -max_len=4096 CORPUS_DIR
 * Input: the Content-Type header, a '\n', then the body. Without a '\n' the
 * whole input is the body of "multipart/form-data; boundary=XyZ".
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "arena.h"
#include "multipart.h"
#include "text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(bool ok)
{
	if (!ok)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct arena *a;
	static const struct mp_limits lim = { 8, 256, 512, 2048, 2 };
	const char *ct = "multipart/form-data; boundary=XyZ";
	const char *in = (const char *)data;
	const char *nl = memchr(in, '\n', size);
	char *ctcopy = NULL, *body;
	size_t len = size;
	struct mp_form f;
	struct kvlist kv;

	if (a == NULL && (a = arena_new()) == NULL)
		abort();
	if (nl != NULL) {
		if ((ctcopy = strndup(in, (size_t)(nl - in))) == NULL)
			abort();
		ct = ctcopy;
		in = nl + 1;
		len = size - (size_t)(nl + 1 - (const char *)data);
	}
	/* an exact-size copy, so that reading past the body's end is caught */
	if ((body = malloc(len ? len : 1)) == NULL)
		abort();
	memcpy(body, in, len);

	int rc = multipart_parse(a, ct, body, len, &lim, &f);
	check(rc >= MP_OK && rc < MP_ERR__MAX);
	check(multipart_strerror(rc) != NULL);
	if (rc == MP_OK) {
		size_t files = 0;
		check(f.n >= 1 && f.n <= lim.max_parts);
		for (size_t i = 0; i < f.n; i++) {
			const struct mp_part *p = &f.parts[i];
			size_t nl2 = strlen(p->name);
			check(nl2 > 0 && text_valid_utf8(p->name, nl2) && !text_has_controls(p->name, nl2));
			if (p->filename != NULL) {
				size_t fl = strlen(p->filename);
				check(fl <= 200 && text_valid_utf8(p->filename, fl) && !text_has_controls(p->filename, fl));
				check(strchr(p->filename, '/') == NULL && strchr(p->filename, '\\') == NULL);
				check(p->filename[0] != '.');
				check(p->data >= body && p->data + p->len <= body + len);
				check(p->len <= lim.max_file_bytes);
				files += p->len > 0;
			} else {
				check(p->len == strlen(p->data) && text_valid_utf8(p->data, p->len));
				check(!text_has_controls(p->data, p->len) && memchr(p->data, '\r', p->len) == NULL);
			}
			check(multipart_get(&f, p->name) != NULL);
		}
		check(files <= lim.max_files);
		check(multipart_fields(a, &f, &kv) == MP_OK && kv.n + files <= f.n);
	} else {
		check(f.n == 0 && f.parts == NULL);
	}
	free(body);
	free(ctcopy);
	arena_reset(a);
	return 0;
}
