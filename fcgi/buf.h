/* buf.h: growable output buffer. */
#ifndef TIENGNOI_BUF_H
#define TIENGNOI_BUF_H
#include "app.h"

void buf_append(struct buf *, const char *, size_t);
void buf_puts(struct buf *, const char *);
void buf_putc(struct buf *, char);
void buf_put_ulong(struct buf *, unsigned long long);
void buf_appendf(struct buf *, const char *, ...) __attribute__((format(printf, 2, 3)));
void buf_vappendf(struct buf *, const char *, va_list);
void buf_reset(struct buf *);
void buf_free(struct buf *);

#endif
