/* dossier.h: a case dossier (case, deadlines, totals, timeline, reports, attachments) as HTML, JSON or XLSX. */
#ifndef TIENGNOI_DOSSIER_H
#define TIENGNOI_DOSSIER_H
#include <jansson.h>
#include "app.h"
#include "export.h"

enum dossier_format { DOSSIER_HTML, DOSSIER_JSON, DOSSIER_XLSX, DOSSIER__MAX };

struct db;
struct keys;
enum dossier_format dossier_format_parse(const char *name);
const char *dossier_content_type(enum dossier_format);
const char *dossier_extension(enum dossier_format);
json_t *dossier_collect(struct db *, const char *case_id, const char *scope_path, const struct keys *contact_keys,
    json_t **contacts_included, bool *db_failed);
/* dossier.c's vocabulary and money, for dossier_write.c */
#define DOSSIER_VND_MAX 48
const char *dossier_label_vi(const char *value);
const char *dossier_vnd_text(char *out, long long v);
/* dossier_write.c */
int dossier_write(json_t *dossier, enum dossier_format, export_write_fn, void *ctx, char *err, size_t errlen);

#endif
