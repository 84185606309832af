/* photo.h: photo type by content, and copies with every metadata block (GPS!) removed. */
#ifndef TIENGNOI_PHOTO_H
#define TIENGNOI_PHOTO_H
#include "app.h"

enum photo_type { PHOTO_NONE, PHOTO_JPEG, PHOTO_PNG, PHOTO_WEBP, PHOTO__MAX };

enum photo_err {
	PHOTO_OK = 0,
	PHOTO_ERR_TYPE,        /* not a JPEG, PNG or WebP */
	PHOTO_ERR_MALFORMED,   /* truncated, lengths out of bounds, broken structure, parts we cannot vouch for */
	PHOTO_ERR_NOMEM,
	PHOTO_ERR__MAX
};

enum photo_type photo_sniff(const unsigned char *, size_t);
const char *photo_mime(enum photo_type);
int photo_strip(struct arena *, const unsigned char *in, size_t len, unsigned char **out, size_t *outlen,
    enum photo_type *type);
const char *photo_strerror(int);

#endif
