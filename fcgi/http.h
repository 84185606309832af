/* http.h: response headers, sending, error pages. */
#ifndef TIENGNOI_HTTP_H
#define TIENGNOI_HTTP_H
#include <fcgiapp.h>
#include "app.h"
#include "i18n.h"

void http_header(struct req *, const char *line);
void http_send(struct req *, FCGX_Stream *);
void http_error(struct req *, int status, enum msg detail);
void http_req_error(struct req *, int req_err);
void http_redirect(struct req *, const char *path);
void http_reply(struct req *, const char *content_type, const void *data, size_t len);
void http_download(struct req *, const char *content_type, const char *filename);
void http_stream_begin(struct req *, const char *content_type, const char *filename);
int http_stream_write(void *ctx, const void *data, size_t n);
void http_stream_abort(struct req *, const char *why);
int http_buffer_write(void *ctx, const void *data, size_t n);

#endif
