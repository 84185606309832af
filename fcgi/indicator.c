/* indicator.c: the statistics indicators' rule grammar (parse stored text, refuse anything else) and its evaluation over a period's rows. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "indicator.h"

static const char *const source_names[SRC__MAX] = {
	"reports",       /* SRC_REPORTS */
	"enterprises",   /* SRC_ENTERPRISES */
	"accidents",     /* SRC_ACCIDENTS */
	"replies",       /* SRC_REPLIES */
	"cases",         /* SRC_CASES */
	"agreements",    /* SRC_AGREEMENTS */
	"stoppages",     /* SRC_STOPPAGES */
	"rounds",        /* SRC_ROUNDS */
	"commitments",   /* SRC_COMMITMENTS */
};

static const char *const agg_names[AGG__MAX] = {
	"count",      /* AGG_COUNT */
	"sum",        /* AGG_SUM */
	"max",        /* AGG_MAX */
	"median",     /* AGG_MEDIAN */
	"distinct",   /* AGG_DISTINCT */
	"percent",    /* AGG_PERCENT */
};

/* Each source's fields, in the order stats.c fills a row's txt[] and
 * num[]; a field is a number (compared with < <= > >=, summed) or text. */
struct ind_field {
	const char *name;
	bool number;
};
static const struct ind_field fields_reports[] = { { "form", false }, { "channel", false }, { "status", false } };
static const struct ind_field fields_enterprises[] = {
	{ "form", false }, { "workplace", false }, { "workers", true }, { "months", true }, { "amount", true },
	{ "reports", true },
};
static const struct ind_field fields_accidents[] = {
	{ "workplace", false }, { "injured", true }, { "dead", true }, { "serious", true },
};
/* every report of the period: days to the first reply (calendar, working), the unit's limit, in_time yes|no|pending */
static const struct ind_field fields_replies[] = {
	{ "days", true }, { "answered", false }, { "working_days", true }, { "limit", true }, { "in_time", false },
};
static const struct ind_field fields_cases[] = {
	{ "stage", false }, { "outcome", false }, { "kind", false }, { "dispute_type", false }, { "scope", false },
	{ "subject", false }, { "member", false }, { "union_role", false }, { "supported", false }, { "court", false },
	{ "corrected", false }, { "new", false }, { "workplace", false }, { "workers", true }, { "months", true },
	{ "amount", true }, { "recovered", true },
};
static const struct ind_field fields_agreements[] = {
	{ "valid", false }, { "grade", true }, { "days_left", true }, { "workplace", false },
};
static const struct ind_field fields_stoppages[] = {
	{ "union_led", false }, { "outcome", false }, { "workers", true }, { "workplace", false },
};
static const struct ind_field fields_rounds[] = { { "kind", false }, { "workplace", false } };
/* status as of the period's end (pending, done, broken); kept: done on or before its due day */
static const struct ind_field fields_commitments[] = {
	{ "status", false }, { "kept", false }, { "kind", false }, { "workplace", false },
};
static const struct { const struct ind_field *f; size_t n; } source_fields[SRC__MAX] = {
	{ fields_reports, sizeof(fields_reports) / sizeof(fields_reports[0]) },               /* SRC_REPORTS */
	{ fields_enterprises, sizeof(fields_enterprises) / sizeof(fields_enterprises[0]) },   /* SRC_ENTERPRISES */
	{ fields_accidents, sizeof(fields_accidents) / sizeof(fields_accidents[0]) },         /* SRC_ACCIDENTS */
	{ fields_replies, sizeof(fields_replies) / sizeof(fields_replies[0]) },               /* SRC_REPLIES */
	{ fields_cases, sizeof(fields_cases) / sizeof(fields_cases[0]) },                     /* SRC_CASES */
	{ fields_agreements, sizeof(fields_agreements) / sizeof(fields_agreements[0]) },      /* SRC_AGREEMENTS */
	{ fields_stoppages, sizeof(fields_stoppages) / sizeof(fields_stoppages[0]) },         /* SRC_STOPPAGES */
	{ fields_rounds, sizeof(fields_rounds) / sizeof(fields_rounds[0]) },                  /* SRC_ROUNDS */
	{ fields_commitments, sizeof(fields_commitments) / sizeof(fields_commitments[0]) },   /* SRC_COMMITMENTS */
};

const char *
ind_source_name(enum ind_source s)
{
	return s < SRC__MAX ? source_names[s] : "?";
}

size_t
ind_field_count(enum ind_source s)
{
	return s < SRC__MAX ? source_fields[s].n : 0;
}

int
ind_field_index(enum ind_source s, const char *name)
{
	for (size_t i = 0; s < SRC__MAX && i < source_fields[s].n; i++)
		if (strcmp(source_fields[s].f[i].name, name) == 0)
			return (int)i;
	return -1;
}

/* ---- the tokenizer: words, numbers, ( ) . and the comparison operators ---- */

enum tok { T_END, T_WORD, T_NUMBER, T_LPAREN, T_RPAREN, T_DOT, T_OP, T_BAD };

struct lexer {
	const char *s, *p;
	enum tok t;
	char text[IND_VALUE_MAX];
	enum ind_op op;
	size_t at;   /* where the current token starts, for messages */
};

static void
next(struct lexer *lx)
{
	while (*lx->p == ' ' || *lx->p == '\t')
		lx->p++;
	lx->at = (size_t)(lx->p - lx->s);
	lx->text[0] = '\0';
	const char *p = lx->p;
	if (*p == '\0') {
		lx->t = T_END;
		return;
	}
	if (*p == '(' || *p == ')' || *p == '.') {
		lx->t = *p == '(' ? T_LPAREN : *p == ')' ? T_RPAREN : T_DOT;
		lx->p++;
		return;
	}
	static const struct { const char *s; enum ind_op op; } ops[] = {
		{ "!=", OP_NE }, { "<=", OP_LE }, { ">=", OP_GE }, { "=", OP_EQ }, { "<", OP_LT }, { ">", OP_GT },
	};
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (strncmp(p, ops[i].s, strlen(ops[i].s)) == 0) {
			lx->t = T_OP;
			lx->op = ops[i].op;
			lx->p += strlen(ops[i].s);
			return;
		}
	size_t n = 0;
	if ((*p >= 'a' && *p <= 'z') || *p == '_') {
		while ((p[n] >= 'a' && p[n] <= 'z') || (p[n] >= '0' && p[n] <= '9') || p[n] == '_')
			n++;
		lx->t = T_WORD;
	} else if (*p >= '0' && *p <= '9') {
		while ((p[n] >= '0' && p[n] <= '9') || (p[n] == '.' && p[n + 1] >= '0' && p[n + 1] <= '9'))
			n++;
		lx->t = T_NUMBER;
	} else {
		lx->t = T_BAD;
		return;
	}
	if (n >= IND_VALUE_MAX) {
		lx->t = T_BAD;
		return;
	}
	memcpy(lx->text, p, n);
	lx->text[n] = '\0';
	lx->p += n;
}

static int
fail(const struct lexer *lx, char *err, size_t errlen, const char *what)
{
	snprintf(err, errlen, "%s at character %zu", what, lx->at + 1);
	return -1;
}

static bool
is_word(const struct lexer *lx, const char *w)
{
	return lx->t == T_WORD && strcmp(lx->text, w) == 0;
}

/* The index in names[0..n) of the current word, -1 when it is none of them. */
static int
word_index(const struct lexer *lx, const char *const *names, int n)
{
	for (int i = 0; i < n && lx->t == T_WORD; i++)
		if (strcmp(lx->text, names[i]) == 0)
			return i;
	return -1;
}

/* COND [and COND]... into conds; stops before "of" or ")". */
static int
parse_conds(struct lexer *lx, enum ind_source src, struct ind_cond *conds, size_t *n, char *err, size_t errlen)
{
	for (;;) {
		if (*n == IND_CONDS_MAX)
			return fail(lx, err, errlen, "too many conditions");
		if (lx->t != T_WORD)
			return fail(lx, err, errlen, "a field name expected");
		struct ind_cond *c = &conds[*n];
		c->field = ind_field_index(src, lx->text);
		if (c->field < 0) {
			char what[120];
			snprintf(what, sizeof(what), "%s has no field \"%s\"", source_names[src], lx->text);
			return fail(lx, err, errlen, what);
		}
		bool number = source_fields[src].f[c->field].number;
		next(lx);
		if (lx->t != T_OP)
			return fail(lx, err, errlen, "a comparison (=, !=, <, <=, >, >=) expected");
		c->op = lx->op;
		next(lx);
		if (lx->t != T_WORD && lx->t != T_NUMBER)
			return fail(lx, err, errlen, "a value expected");
		if (number && lx->t != T_NUMBER)
			return fail(lx, err, errlen, "a number expected");
		if (!number && c->op != OP_EQ && c->op != OP_NE)
			return fail(lx, err, errlen, "a text field takes only = or !=");
		snprintf(c->value, sizeof(c->value), "%s", lx->text);
		c->num = number ? strtod(lx->text, NULL) : 0;
		c->number = number;
		(*n)++;
		next(lx);
		if (!is_word(lx, "and"))
			return 0;
		next(lx);
	}
}

/* See indicator.h and sql/025_stats_indicators.sql for the grammar. */
int
ind_rule_parse(const char *text, struct ind_rule *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof(*out));
	out->field = -1;
	if (text == NULL || *text == '\0') {
		snprintf(err, errlen, "the rule is empty");
		return -1;
	}
	if (strlen(text) > 500) {
		snprintf(err, errlen, "the rule is longer than 500 characters");
		return -1;
	}
	struct lexer lx = { .s = text, .p = text };
	next(&lx);
	int agg = word_index(&lx, agg_names, AGG__MAX), src = -1;
	if (agg < 0)
		return fail(&lx, err, errlen, "an aggregate (count, sum, max, median, distinct, percent) expected");
	next(&lx);
	if (lx.t != T_LPAREN)
		return fail(&lx, err, errlen, "\"(\" expected");
	next(&lx);
	if ((src = word_index(&lx, source_names, SRC__MAX)) < 0)
		return fail(&lx, err, errlen, "a source (reports, enterprises, accidents, replies, cases) expected");
	out->agg = (enum ind_agg)agg;
	out->source = (enum ind_source)src;
	next(&lx);
	if (lx.t == T_DOT) {
		next(&lx);
		if (lx.t != T_WORD)
			return fail(&lx, err, errlen, "a field name expected after \".\"");
		out->field = ind_field_index(out->source, lx.text);
		if (out->field < 0) {
			char what[120];
			snprintf(what, sizeof(what), "%s has no field \"%s\"", source_names[src], lx.text);
			return fail(&lx, err, errlen, what);
		}
		next(&lx);
	}
	bool needs_field = out->agg == AGG_SUM || out->agg == AGG_MAX || out->agg == AGG_MEDIAN || out->agg == AGG_DISTINCT;
	if (needs_field && out->field < 0) {
		snprintf(err, errlen, "%s needs a field: %s(%s.FIELD)", agg_names[agg], agg_names[agg], source_names[src]);
		return -1;
	}
	if (!needs_field && out->field >= 0) {
		snprintf(err, errlen, "%s takes no field", agg_names[agg]);
		return -1;
	}
	if (out->field >= 0 && out->agg != AGG_DISTINCT && !source_fields[src].f[out->field].number) {
		snprintf(err, errlen, "%s needs a number field; %s is text", agg_names[agg], source_fields[src].f[out->field].name);
		return -1;
	}
	if (is_word(&lx, "where")) {
		next(&lx);
		if (parse_conds(&lx, out->source, out->where, &out->nwhere, err, errlen) != 0)
			return -1;
	}
	if (is_word(&lx, "of")) {
		if (out->agg != AGG_PERCENT)
			return fail(&lx, err, errlen, "\"of\" belongs to percent only");
		next(&lx);
		if (parse_conds(&lx, out->source, out->of, &out->nof, err, errlen) != 0)
			return -1;
	}
	if (out->agg == AGG_PERCENT && out->nwhere == 0) {
		snprintf(err, errlen, "percent needs \"where\": the share of rows that match it");
		return -1;
	}
	if (lx.t != T_RPAREN)
		return fail(&lx, err, errlen, lx.t == T_BAD ? "a character the grammar does not allow" :
		    "\"where\", \"and\", \"of\" or \")\" expected");
	next(&lx);
	if (lx.t != T_END)
		return fail(&lx, err, errlen, "nothing may follow \")\"");
	return 0;
}

/* ---- evaluation ---- */

static bool
cond_holds(const struct ind_cond *c, const struct ind_row *row)
{
	const char *t = row->txt[c->field] ? row->txt[c->field] : "";
	double v = row->num[c->field];
	switch (c->op) {
	case OP_EQ: return c->number ? v == c->num : strcmp(t, c->value) == 0;
	case OP_NE: return c->number ? v != c->num : strcmp(t, c->value) != 0;
	case OP_LT: return v < c->num;
	case OP_LE: return v <= c->num;
	case OP_GT: return v > c->num;
	case OP_GE: return v >= c->num;
	default: return false;
	}
}

static bool
all_hold(const struct ind_cond *conds, size_t n, const struct ind_row *row)
{
	for (size_t i = 0; i < n; i++)
		if (!cond_holds(&conds[i], row))
			return false;
	return true;
}

/* x to the nearest whole number, halves away from zero (no libm). */
static long long
round_ll(double x)
{
	return (long long)(x >= 0 ? x + 0.5 : x - 0.5);
}

/* A value of a median and how many rows it stands for (a row's weight n). */
struct weighted {
	double v;
	long long n;
};

static int
cmp_weighted(const void *a, const void *b)
{
	double x = ((const struct weighted *)a)->v, y = ((const struct weighted *)b)->v;
	return x < y ? -1 : x > y;
}

/* The k-th (0-based) value of the sorted values each repeated n times. */
static double
weighted_at(const struct weighted *w, size_t nw, long long k)
{
	for (size_t i = 0; i < nw; i++) {
		if (k < w[i].n)
			return w[i].v;
		k -= w[i].n;
	}
	return nw ? w[nw - 1].v : 0;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

long long
ind_eval(const struct ind_rule *r, const struct ind_rows *rs, const char *bucket, const char *ownership)
{
	double acc = 0, top = 0;
	long long hits = 0, base = 0;
	struct weighted *vals = NULL;   /* a median's values with their weights */
	long long nall = 0;             /* the rows they stand for */
	const char **strs = NULL;
	size_t nvals = 0;
	if (r->agg == AGG_MEDIAN)
		vals = malloc((rs->n + 1) * sizeof(*vals));
	if (r->agg == AGG_DISTINCT)
		strs = malloc((rs->n + 1) * sizeof(*strs));
	if ((r->agg == AGG_MEDIAN && vals == NULL) || (r->agg == AGG_DISTINCT && strs == NULL)) {
		free(vals);
		return 0;
	}
	for (size_t i = 0; i < rs->n; i++) {
		const struct ind_row *row = &rs->rows[i];
		if (bucket && strcmp(row->bucket, bucket) != 0)
			continue;
		if (ownership && strcmp(row->ownership, ownership) != 0)
			continue;
		if (r->agg == AGG_PERCENT) {
			if (!all_hold(r->of, r->nof, row))
				continue;
			base += row->n;
			if (all_hold(r->where, r->nwhere, row))
				hits += row->n;
			continue;
		}
		if (!all_hold(r->where, r->nwhere, row))
			continue;
		double v = r->field >= 0 ? row->num[r->field] : 0;
		switch (r->agg) {
		case AGG_COUNT: acc += (double)row->n; break;
		case AGG_SUM: acc += v * (double)row->n; break;
		case AGG_MAX: if (v > top) top = v; acc = top; break;
		case AGG_MEDIAN:
			if (row->n > 0) {
				vals[nvals++] = (struct weighted){ v, row->n };
				nall += row->n;
			}
			break;
		case AGG_DISTINCT: if (row->txt[r->field] && *row->txt[r->field]) strs[nvals++] = row->txt[r->field]; break;
		default: break;
		}
	}
	if (r->agg == AGG_PERCENT)
		return base ? (long long)round_ll(100.0 * (double)hits / (double)base) : 0;
	if (r->agg == AGG_MEDIAN) {
		if (nall) {
			qsort(vals, nvals, sizeof(*vals), cmp_weighted);
			acc = nall % 2 ? weighted_at(vals, nvals, nall / 2)
			    : (weighted_at(vals, nvals, nall / 2 - 1) + weighted_at(vals, nvals, nall / 2)) / 2;
		}
		free(vals);
	}
	if (r->agg == AGG_DISTINCT) {
		qsort(strs, nvals, sizeof(*strs), cmp_str);
		size_t d = 0;
		for (size_t i = 0; i < nvals; i++)
			if (i == 0 || strcmp(strs[i], strs[i - 1]) != 0)
				d++;
		free(strs);
		acc = (double)d;
	}
	return round_ll(acc);
}
