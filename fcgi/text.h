/* text.h: UTF-8 validation and NFC normalisation. */
#ifndef TIENGNOI_TEXT_H
#define TIENGNOI_TEXT_H
#include "app.h"

bool text_valid_utf8(const char *, size_t);
bool text_has_controls(const char *, size_t);
char *text_nfc(struct arena *, const char *, size_t);
void text_nfc_init(void);
size_t text_length(const char *);
char *text_trim(char *);
size_t text_lf(char *d, const char *s, size_t n);

#endif
