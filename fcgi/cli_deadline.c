/* cli_deadline.c: tiengnoi-admin deadlines: the legal deadlines a case of a given kind, subject, stage and dates would have ("what if"), from the same SQL function as the case page. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include <libpq-fe.h>

#include "app.h"
#include "arena.h"
#include "cli.h"
#include "db.h"
#include "dispute.h"
#include "fmt.h"

/* The options that name a date, and the key deadlines_compute() reads it under. */
static const struct {
	const char *option, *key;
} date_opts[] = {
	{ "stage-date", "stage_entered" },
	{ "known-on", "violation_known_on" },
	{ "panel-formed", "panel_formed_on" },
	{ "payday", "payday" },
	{ "due-date", "si_due_date" },
};

/* Checks that --name, if given (or when `required`), is one of table t's
 * values; false after saying which values it may take. */
static bool
vocab_opt(const struct opts *o, const char *name, const struct vocab *t, size_t n, bool required)
{
	const char *v = cli_opt(o, name);
	if (v == NULL && !required)
		return true;
	if (v != NULL && vocab_find(t, n, v) != NULL)
		return true;
	char list[400] = "";
	for (size_t i = 0; i < n; i++)
		snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s", i ? "|" : "", t[i].value);
	cli_fail(EXIT_USAGE, "--%s must be one of %s%s%s", name, list, v ? ", not " : "", v ? v : "");
	return false;
}

/* Adds date `v` under `key` to `dates`; false after naming the bad argument. */
static bool
date_add(json_t *dates, const char *arg, const char *key, const char *v)
{
	if (!fmt_is_date(v)) {
		cli_fail(EXIT_USAGE, "%s: \"%s\" is not a real date written YYYY-MM-DD", arg, v);
		return false;
	}
	json_object_set_new(dates, key, json_string(v));
	return true;
}

/* Every --on EVENT=YYYY-MM-DD (EVENT a dispute_dates value) into `dates`;
 * false after naming the bad one. */
static bool
on_dates(const struct opts *o, json_t *dates)
{
	for (size_t i = 0; i < o->n; i++) {
		if (strcmp(o->names[i], "on") != 0)
			continue;
		const char *v = o->values[i], *eq = strchr(v, '=');
		size_t klen = eq ? (size_t)(eq - v) : 0;
		int d = -1;
		for (int k = 0; eq && k < DISPUTE_NDATES; k++)
			if (strlen(dispute_dates[k].value) == klen && strncmp(dispute_dates[k].value, v, klen) == 0)
				d = k;
		if (d < 0) {
			cli_fail(EXIT_USAGE, "--on must be EVENT=YYYY-MM-DD with EVENT one of the case dates (e.g. terminated_on, "
			    "judgment_on, accident_reported_on, strike_planned_on), not \"%s\"", v);
			return false;
		}
		if (!date_add(dates, "--on", dispute_dates[d].value, eq + 1))
			return false;
	}
	return true;
}

/* deadlines --scope S [--kind rights|interest] --subject X --stage S
 * --stage-date D [--panel-formed D] [--payday D] [--due-date D]
 * [--known-on D] [--on EVENT=D ...] [--format json|text]: the deadlines
 * deadlines_compute() (sql/022) gives such a case, as the case page shows
 * them. Reads nothing but the legal_deadline and holiday rows; exit 2
 * naming the bad argument. */
int
cmd_deadlines(struct cli *cli, struct opts *o)
{
	enum { D_CODE, D_VI, D_EN, D_DUE, D_SOURCE, D_FROM, D_CURRENT };
	const char *format = cli_opt(o, "format") ? cli_opt(o, "format") : "json";
	if (o->npos > 0)
		return cli_fail(EXIT_USAGE, "deadlines takes only --options (see --help)");
	if (strcmp(format, "json") != 0 && strcmp(format, "text") != 0)
		return cli_fail(EXIT_USAGE, "--format must be json or text");
	if (!vocab_opt(o, "scope", dispute_scopes, DISPUTE_NSCOPES, true) ||
	    !vocab_opt(o, "kind", dispute_types, DISPUTE_NTYPES, false) ||
	    !vocab_opt(o, "subject", dispute_subjects, DISPUTE_NSUBJECTS, true) ||
	    !vocab_opt(o, "stage", dispute_stages, DISPUTE_NSTAGES, true))
		return EXIT_USAGE;
	const char *scope = cli_opt(o, "scope"), *kind = cli_opt(o, "kind") ? cli_opt(o, "kind") : "rights";
	if (strcmp(scope, "individual") == 0 && strcmp(kind, "interest") == 0)
		return cli_fail(EXIT_USAGE, "--kind interest: an individual dispute is always over rights (Labour Code 2019, Art. 179)");
	if (cli_opt(o, "stage-date") == NULL)
		return cli_fail(EXIT_USAGE, "--stage-date YYYY-MM-DD is needed (the day the case entered --stage)");
	json_t *dates = json_object();
	bool ok = dates != NULL;
	for (size_t i = 0; ok && i < sizeof(date_opts) / sizeof(date_opts[0]); i++) {
		const char *v = cli_opt(o, date_opts[i].option);
		if (v)
			ok = date_add(dates, arena_printf(cli->arena, "--%s", date_opts[i].option), date_opts[i].key, v);
	}
	ok = ok && on_dates(o, dates);
	char *djson = ok ? json_dumps(dates, JSON_COMPACT) : NULL;
	json_decref(dates);
	if (djson == NULL)
		return ok ? cli_fail(EXIT_FAIL, "out of memory") : EXIT_USAGE;
	const char *p[5] = { scope, kind, cli_opt(o, "subject"), cli_opt(o, "stage"), djson };
	PGresult *res = cli_run(cli, "SELECT code, description_vi, description_en, coalesce(due_on::text, ''), source, counted_from, "
	    "current FROM deadlines_compute($1, $2, $3, $4, $5::jsonb)", 5, p, NULL);
	free(djson);
	if (res == NULL)
		return EXIT_FAIL;
	json_t *out = json_array();
	for (int i = 0; i < PQntuples(res); i++) {
		const char *due = PQgetvalue(res, i, D_DUE);
		if (strcmp(format, "text") == 0) {
			printf("%s\t%s\t%s\t%s\n", *due ? due : "-", PQgetvalue(res, i, D_CODE), PQgetvalue(res, i, D_VI),
			    PQgetvalue(res, i, D_SOURCE));
			continue;
		}
		json_array_append_new(out, json_pack("{s:s, s:s, s:s, s:o, s:s, s:s, s:b}", "code", PQgetvalue(res, i, D_CODE),
		    "label", PQgetvalue(res, i, D_VI), "label_en", PQgetvalue(res, i, D_EN),
		    "due", *due ? json_string(due) : json_null(), "source", PQgetvalue(res, i, D_SOURCE),
		    "counted_from", PQgetvalue(res, i, D_FROM), "current", PQgetvalue(res, i, D_CURRENT)[0] == 't'));
	}
	PQclear(res);
	if (strcmp(format, "json") == 0) {
		char *s = json_dumps(out, JSON_INDENT(2));
		if (s == NULL) {
			json_decref(out);
			return cli_fail(EXIT_FAIL, "out of memory");
		}
		printf("%s\n", s);
		free(s);
	}
	json_decref(out);
	return EXIT_OK;
}
