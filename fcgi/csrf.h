/* csrf.h: anti-forgery tokens. */
#ifndef TIENGNOI_CSRF_H
#define TIENGNOI_CSRF_H
#include <time.h>
#include "app.h"

#define CSRF_TOKEN_MAX 64
#define CSRF_MAX_AGE (3 * 24 * 3600)   /* a worker may keep a form open, or offline, for days */

enum csrf_result { CSRF_OK, CSRF_FORGED, CSRF_EXPIRED };

struct keys;
void csrf_form_token(const struct keys *, const char *entry_token, const char *form_id, time_t now, char out[CSRF_TOKEN_MAX]);
int csrf_form_check(const struct keys *, const char *entry_token, const char *form_id, const char *token, time_t now);

#endif
