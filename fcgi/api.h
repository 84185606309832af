/* api.h: the read API (/api/v1/, docs/api.md): token sign-in for the dispatcher, JSON answers and errors, query parameters, the endpoints. */
#ifndef TIENGNOI_API_H
#define TIENGNOI_API_H
#include <jansson.h>
#include "app.h"

#define API_LIMIT_DEFAULT 50
#define API_LIMIT_MAX 500

/* For the dispatcher (route.c, ROUTE_API rows). */
bool api_enter(struct req *, const char **token_id);
void api_audit(struct req *, const char *token_id);
void api_not_routed(struct req *, bool path_known);

struct pg_result;

/* For the endpoints. */
void api_error(struct req *, int status, const char *code, const char *param, const char *message);
void api_reply(struct req *, json_t *);
bool api_params(struct req *, const char *const *allowed);
bool api_limit(struct req *, long *limit);
json_t *api_rows_json(struct req *, struct pg_result *, int item_col, int n);
bool api_db_failed(struct req *, struct pg_result *, const char *what);
void api_page(struct req *, struct pg_result *, int item_col, int next_col, long limit);

/* The endpoints: api_submissions.c, api_cases.c, api_stats.c. */
void api_submissions(struct req *);
void api_submission(struct req *);
void api_cases(struct req *);
void api_case(struct req *);
void api_stats(struct req *);

#endif
