/* stats.h: the periodic statistics table of a unit (reports, people affected, cases), for /admin/stats and the CLI. */
#ifndef TIENGNOI_STATS_H
#define TIENGNOI_STATS_H
#include "app.h"
#include "export.h"

#define STATS_FORMS_MAX 32    /* form columns; more forms than this are counted only in the total */
#define STATS_ROWS_MAX  200   /* direct child units shown */

/* The tables of the statistics (the XLSX has them side by side on one sheet). */
enum stats_table {
	ST_REPORTS,    /* reports by form and channel */
	ST_PEOPLE,     /* workplaces, workers, arrears, accidents */
	ST_STAGES,     /* cases by stage */
	ST_OUTCOMES,   /* closed cases by outcome */
	ST__MAX
};

enum stats_format { STATS_CSV, STATS_JSON, STATS_XLSX, STATS__MAX };

/* A value of the data with its labels (channels, stages, outcomes). */
struct stats_label {
	const char *value, *vi, *en;
};

/* One column: its key (data-col, JSON, tests), label and table. */
struct stats_col {
	const char *key, *label;
	enum stats_table table;
	bool money;
};

/* One row: a direct child unit (id), the unit's own workplaces (id "self"), or the total (id "total"). */
struct stats_row {
	const char *id, *code, *name;
	long long *v;   /* one value per column */
};

/* A unit's statistics over a period; everything in the arena given to stats_collect. */
struct stats {
	const char *unit_id, *unit_code, *unit_name, *unit_path, *from, *to;
	enum lang lang;
	struct stats_col *cols;
	size_t ncols, col_form, nforms, col_channel, col_reports, col_people, col_stage, col_cases, col_outcome;
	const char *form_ids[STATS_FORMS_MAX];
	struct stats_row *rows;
	size_t nrows;
	struct stats_row total;
};

struct arena;
struct db;
struct form_set;
int stats_fold(struct db *);
int stats_collect(struct arena *, struct db *, const struct form_set *, const char *scope_path, const char *unit_id,
    const char *from, const char *to, enum lang, struct stats *out);
const char *stats_table_name(enum stats_table, enum lang);
const char *stats_pick(enum lang, const char *vi, const char *en);
enum stats_format stats_format_parse(const char *name);
void stats_default_period(char from[11], char to[11]);
int stats_write(const struct stats *, enum stats_format, export_write_fn, void *ctx, char *err, size_t errlen);

#endif
