/* indicator.h: the statistics indicators' rules: a closed grammar parsed from stored text, evaluated over a period's rows. */
#ifndef TIENGNOI_INDICATOR_H
#define TIENGNOI_INDICATOR_H
#include <stdbool.h>
#include <stddef.h>

/* What a rule aggregates over: the row sets stats.c reads for a period. */
enum ind_source {
	SRC_REPORTS,       /* report counts by form, channel, status */
	SRC_ENTERPRISES,   /* one row per enterprise and arrears form: workers, months, amount, deduplicated */
	SRC_ACCIDENTS,     /* one row per accident (workplace and day): injured, dead, serious */
	SRC_REPLIES,       /* one row per report of the period: its first reply, in time or not */
	SRC_CASES,         /* one row per case of the period */
	SRC_AGREEMENTS,    /* one row per workplace: its collective agreement in force at the period's end (sql/040) */
	SRC_STOPPAGES,     /* one row per collective work stoppage begun in the period (sql/041) */
	SRC_ROUNDS,        /* one row per dialogue or bargaining round held in the period (sql/042) */
	SRC_COMMITMENTS,   /* one row per commitment made at a round held in the period (sql/042) */
	SRC__MAX
};

enum ind_agg { AGG_COUNT, AGG_SUM, AGG_MAX, AGG_MEDIAN, AGG_DISTINCT, AGG_PERCENT, AGG__MAX };
enum ind_op { OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE, OP__MAX };

#define IND_FIELDS_MAX 24   /* at least the largest source's fields (cases: 17) */
#define IND_CONDS_MAX  6
#define IND_VALUE_MAX  48

struct ind_cond {
	int field;
	enum ind_op op;
	bool number;   /* the field is a number: compared as one */
	char value[IND_VALUE_MAX];
	double num;
};

/* A parsed rule: AGG(SOURCE[.FIELD] [where COND [and COND]...] [of COND [and COND]...]). */
struct ind_rule {
	enum ind_agg agg;
	enum ind_source source;
	int field;                 /* -1: none (count, percent) */
	struct ind_cond where[IND_CONDS_MAX], of[IND_CONDS_MAX];
	size_t nwhere, nof;
};

/* One row of a source: the child-unit bucket it counts under, the
 * enterprise's ownership, its weight (n: how many rows it stands for, in
 * count, percent, sum and median), and its fields by the
 * source's field table (text; numbers parsed into num). */
struct ind_row {
	const char *bucket, *ownership;
	long long n;
	const char *txt[IND_FIELDS_MAX];
	double num[IND_FIELDS_MAX];
};

struct ind_rows {
	struct ind_row *rows;
	size_t n, cap;
};

/* Parses text into *out. 0, or -1 with err saying what is wrong and where. */
int ind_rule_parse(const char *text, struct ind_rule *out, char *err, size_t errlen);
const char *ind_source_name(enum ind_source);
/* The index of FIELD in source's table, -1 if it has none. */
int ind_field_index(enum ind_source, const char *name);
size_t ind_field_count(enum ind_source);
/* The rule's value over the rows whose bucket is `bucket` and ownership
 * `ownership` (NULL: any). Percent is rounded to a whole percent; a median
 * or percent of nothing is 0. */
long long ind_eval(const struct ind_rule *, const struct ind_rows *, const char *bucket, const char *ownership);

#endif
