/* stats.h: the periodic statistics table of a unit (indicators stored as data, per enterprise, claimed and verified, frozen periods), for /admin/stats and the CLI. */
#ifndef TIENGNOI_STATS_H
#define TIENGNOI_STATS_H
#include "app.h"
#include "export.h"

#define STATS_UNITS_MAX 200   /* direct child units shown as columns; more are counted only in the total */

enum stats_format { STATS_CSV, STATS_JSON, STATS_XLSX, STATS__MAX };

/* workplace.ownership, the federation's three sectors. */
enum stats_own { OWN_STATE, OWN_NON_STATE, OWN_FDI, OWN__MAX };

/* A value of the data with its labels. */
struct stats_label {
	const char *value, *vi, *en;
};
extern const struct stats_label stats_ownership[OWN__MAX];

/* A breakdown column: a direct child unit (bucket its id) or the unit's
 * own reports and cases (bucket ""). */
struct stats_unit {
	const char *bucket, *code, *name;
};

/* One indicator row: the figure claimed in reports (deduplicated per
 * enterprise), the one officers verified on cases (when the indicator has
 * a verified rule), by unit (claimed, one per st->units) and by ownership. */
struct stats_ind {
	const char *code, *label, *source;
	bool money, by_unit, by_ownership, has_verified;
	long long total, verified;
	long long *units;
	long long own[OWN__MAX];
};

/* Who froze the table, when, its hash and why (a superseding freeze). */
struct stats_frozen {
	const char *by, *at, *sha256, *reason;
};

/* A unit's statistics over a period; everything in the arena given to stats_collect. */
struct stats {
	const char *unit_id, *unit_code, *unit_name, *unit_path, *from, *to;
	enum lang lang;
	struct stats_unit *units;
	size_t nunits;
	struct stats_ind *inds;
	size_t ninds;
	bool frozen;
	struct stats_frozen freeze;
	const char *bad_code, *bad_rule;   /* stats_collect returned 2: the indicator whose rule does not parse, and why */
};

struct arena;
struct db;
int stats_fold(struct db *);
int stats_collect(struct arena *, struct db *, const char *scope_path, const char *unit_id, const char *from,
    const char *to, enum lang, bool live, struct stats *out);
int stats_freeze(struct arena *, struct db *, const struct stats *, const char *who, const char *officer_id,
    const char *reason, const char **sha256);
/* A change to one indicator (NULL / -1 / 0: unchanged). */
struct stats_ind_change {
	const char *rule, *verified_rule, *label_vi, *position;   /* verified_rule "none": no verified figure */
	int hidden;   /* -1 unchanged, 0 shown, 1 hidden */
	int move;     /* -1 one place up, 1 one place down, 0 not moved */
};
bool stats_indicator_editor(struct db *);
int stats_indicator_set(struct db *, const char *code, const struct stats_ind_change *, char *err, size_t errlen);
const char *stats_pick(enum lang, const char *vi, const char *en);
enum stats_format stats_format_parse(const char *name);
void stats_default_period(char from[11], char to[11]);
int stats_preset(const char *name, char from[11], char to[11]);
const char *stats_reparent_note(enum lang);
int stats_write(const struct stats *, enum stats_format, export_write_fn, void *ctx, char *err, size_t errlen);

#endif
