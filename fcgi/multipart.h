/* multipart.h: strict multipart/form-data parsing (RFC 7578, RFC 2046) for forms with photos. */
#ifndef TIENGNOI_MULTIPART_H
#define TIENGNOI_MULTIPART_H
#include "app.h"

enum mp_err {
	MP_OK = 0,
	MP_ERR_CONTENT_TYPE,      /* not multipart/form-data */
	MP_ERR_NO_BOUNDARY,       /* no boundary parameter */
	MP_ERR_BAD_BOUNDARY,      /* empty, over 70 chars, a char outside RFC 2046's set, twice */
	MP_ERR_MALFORMED,         /* structure: delimiters, headers, disposition, nesting, truncation */
	MP_ERR_HEADER_TOO_LARGE,  /* one part's header block over max_header_bytes */
	MP_ERR_TOO_MANY_PARTS,
	MP_ERR_FIELD_TOO_LARGE,   /* a plain field over max_field_bytes */
	MP_ERR_FILE_TOO_LARGE,    /* a file over max_file_bytes */
	MP_ERR_TOO_MANY_FILES,    /* more non-empty files than max_files */
	MP_ERR_UTF8,              /* a name or plain value is not valid UTF-8 */
	MP_ERR_CONTROL,           /* a name or plain value holds a control character */
	MP_ERR_NOMEM,
	MP_ERR__MAX
};

/* Every limit is a hard maximum; 0 allows nothing. */
struct mp_limits {
	size_t max_parts;          /* parts of any kind */
	size_t max_header_bytes;   /* one part's header block, its blank line included */
	size_t max_field_bytes;    /* one plain value, as sent (before NFC) */
	size_t max_file_bytes;     /* one file's data */
	size_t max_files;          /* file parts with data; an unfilled file input does not count */
};

struct mp_part {
	const char *name;          /* form field name: valid UTF-8, no controls, NFC, never empty */
	const char *filename;      /* NULL for a plain field; else the sanitised basename (may be "") */
	bool filename_not_utf8;    /* the sent filename held bytes that are not UTF-8 (dropped from filename) */
	const char *content_type;  /* as sent (visible ASCII, trimmed), or NULL */
	const char *data;          /* plain field: NFC text, line breaks as LF, in the arena, NUL-terminated;
	                            * file: raw bytes inside the parsed body, not terminated */
	size_t len;
};

struct mp_form {
	struct mp_part *parts;
	size_t n;
};

int multipart_parse(struct arena *, const char *content_type, const char *body, size_t len,
    const struct mp_limits *, struct mp_form *out);
const struct mp_part *multipart_get(const struct mp_form *, const char *name);
int multipart_fields(struct arena *, const struct mp_form *, struct kvlist *out);
const char *multipart_strerror(int);

#endif
