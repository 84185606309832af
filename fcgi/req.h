/* req.h: request parsing. */
#ifndef TIENGNOI_REQ_H
#define TIENGNOI_REQ_H
#include "app.h"

enum req_err {
	REQ_OK = 0,
	REQ_ERR_ENCODING,   /* malformed escapes or structure */
	REQ_ERR_UTF8,       /* not valid UTF-8 */
	REQ_ERR_CONTROL,    /* NUL or another control character */
	REQ_ERR_TOO_MANY,   /* too many pairs */
	REQ_ERR_TOO_LARGE,  /* body over the limit */
	REQ_ERR_NOMEM,
	REQ_ERR_TYPE,       /* not the Content-Type the reader expected */
	REQ_ERR__MAX
};

int req_url_decode(struct arena *, const char *, size_t, bool plus_space, char **, size_t *);
int req_parse_urlencoded(struct arena *, const char *, size_t, struct kvlist *);
int req_parse_cookies(struct arena *, const char *, struct kvlist *);
const char *kv_get(const struct kvlist *, const char *);
const char *kv_get_or_empty(const struct kvlist *, const char *);
bool kv_has(const struct kvlist *, const char *key, const char *val);
size_t kv_count(const struct kvlist *, const char *key);
int req_body(struct req *, size_t max, char **, size_t *);
enum req_err req_form(struct req *, size_t max, struct kvlist *);
bool req_content_type_is(const struct req *, const char *);

#endif
