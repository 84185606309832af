/* document.h: case documents: type by content (PDFs kept byte-exact, images stripped like photos) and names fit to store. */
#ifndef TIENGNOI_DOCUMENT_H
#define TIENGNOI_DOCUMENT_H
#include "app.h"

#define DOCUMENT_MAX (10 * 1024 * 1024)   /* bytes of one stored document: sql/009's case_attachment.size */

enum document_err {
	DOCUMENT_OK = 0,
	DOCUMENT_ERR_EMPTY,      /* no bytes */
	DOCUMENT_ERR_TOO_LARGE,  /* over DOCUMENT_MAX */
	DOCUMENT_ERR_TYPE,       /* neither a PDF nor a JPEG, PNG or WebP by content, whatever its name says */
	DOCUMENT_ERR_PDF,        /* starts like a PDF but is not a plausible one (truncated, or a disguised web page) */
	DOCUMENT_ERR_IMAGE,      /* an image photo_strip cannot vouch for */
	DOCUMENT_ERR_NOMEM,
	DOCUMENT_ERR__MAX
};

bool document_pdf_plausible(const unsigned char *, size_t);
int document_check(struct arena *, const unsigned char *in, size_t len, const unsigned char **out, size_t *outlen,
    const char **mime);
const char *document_filename(struct arena *, const char *sent, const char *mime);

#endif
