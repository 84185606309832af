/* stats.c: the periodic statistics table of a unit: its indicators (sql/025) computed per enterprise over the period's facts, or read back frozen; written as CSV, JSON or XLSX. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <jansson.h>
#include <libpq-fe.h>
#include <xlsxwriter.h>

#include "app.h"
#include "arena.h"
#include "buf.h"
#include "db.h"
#include "fmt.h"
#include "indicator.h"
#include "log.h"
#include "stats.h"

const struct stats_label stats_ownership[OWN__MAX] = {
	{ "state", "Khu vực nhà nước", "State sector" },                 /* OWN_STATE */
	{ "non_state", "Khu vực ngoài nhà nước", "Non-state sector" },   /* OWN_NON_STATE */
	{ "fdi", "Doanh nghiệp FDI", "Foreign-invested (FDI)" },         /* OWN_FDI */
};

const char *
stats_pick(enum lang lang, const char *vi, const char *en)
{
	return lang == LANG_EN ? en : vi;
}

/* What the table says about units that moved: reports and cases count
 * under the unit they were filed under. */
const char *
stats_reparent_note(enum lang lang)
{
	return stats_pick(lang, "Mỗi phản ánh được tính cho đơn vị tiếp nhận nó tại thời điểm gửi, mỗi vụ việc cho đơn vị "
	    "thụ lý; chuyển đơn vị hoặc nơi làm việc sang đơn vị khác sau đó không chuyển số liệu cũ.",
	    "Each report counts under the unit it was filed under when it arrived, each case under the unit handling it; "
	    "moving a unit or a workplace afterwards does not move past figures.");
}

enum stats_format
stats_format_parse(const char *name)
{
	static const char *const names[STATS__MAX] = {
		"csv",    /* STATS_CSV */
		"json",   /* STATS_JSON */
		"xlsx",   /* STATS_XLSX */
	};
	for (int f = 0; name && f < STATS__MAX; f++)
		if (strcmp(name, names[f]) == 0)
			return (enum stats_format)f;
	return STATS__MAX;
}

/* The default period: the first of this month to today, Vietnam time, as YYYY-MM-DD. */
void
stats_default_period(char from[11], char to[11])
{
	struct tm tm = fmt_vn_time(time(NULL));
	strftime(to, 11, "%Y-%m-%d", &tm);
	strftime(from, 11, "%Y-%m-01", &tm);
}

/* A named period: union-YYYY (the union year 01/11/YYYY-1 to 31/10/YYYY,
 * as the federation's yearly report counts it), h1-YYYY and h2-YYYY (half
 * years), q1-YYYY to q4-YYYY (quarters). 0, or -1 for any other name. */
int
stats_preset(const char *name, char from[11], char to[11])
{
	static const char *const q_from[4] = { "01-01", "04-01", "07-01", "10-01" };
	static const char *const q_to[4] = { "03-31", "06-30", "09-30", "12-31" };
	char kind[8];
	int year, n = 0;
	if (name == NULL || strlen(name) > 12 || sscanf(name, "%7[a-z0-9]-%4d%n", kind, &year, &n) != 2 ||
	    (size_t)n != strlen(name) || year < 2000 || year > 2099 || strlen(name) - strlen(kind) != 5)
		return -1;
	if (strcmp(kind, "union") == 0) {
		snprintf(from, 11, "%04d-11-01", year - 1);
		snprintf(to, 11, "%04d-10-31", year);
		return 0;
	}
	if (strcmp(kind, "h1") == 0 || strcmp(kind, "h2") == 0) {
		snprintf(from, 11, "%04d-%s", year, kind[1] == '1' ? "01-01" : "07-01");
		snprintf(to, 11, "%04d-%s", year, kind[1] == '1' ? "06-30" : "12-31");
		return 0;
	}
	if (kind[0] == 'q' && kind[1] >= '1' && kind[1] <= '4' && kind[2] == '\0') {
		snprintf(from, 11, "%04d-%s", year, q_from[kind[1] - '1']);
		snprintf(to, 11, "%04d-%s", year, q_to[kind[1] - '1']);
		return 0;
	}
	return -1;
}

static bool
query_ok(PGresult *res)
{
	if (res != NULL && db_ok(res))
		return true;
	if (res)
		log_warn("stats: SQLSTATE %s", db_sqlstate(res));
	PQclear(res);
	return false;
}

/* Folds the sealed new reports and the reports' logged changes into their
 * daily sums (sql/019_stats_facts.sql, sql/024_stats_dedup.sql,
 * sql/065_new_reports_by_sealed_id.sql), so what the statistics, dashboard
 * and brief read is mostly sums. -1 when the call failed (logged). */
int
stats_fold(struct db *db)
{
	PGresult *res = db_query(db, "SELECT submission_fact_compact()", 0, NULL);
	if (!query_ok(res))
		return -1;
	PQclear(res);
	return 0;
}

/* ---- the period's rows, one set per source of indicator.h ---- */

/* Appends the rows of a source's query to rs and clears res: each row's
 * bucket and ownership in its first two columns, its weight in column
 * n_col (-1: one each), then the source's fields from first_field on, in
 * the order of its field table (indicator.c). -1 when the query failed. */
enum { SR_BUCKET, SR_OWN };
static int
take_rows(struct arena *a, struct ind_rows *rs, PGresult *res, enum ind_source src, int n_col, int first_field)
{
	if (!query_ok(res))
		return -1;
	size_t nf = ind_field_count(src), add = (size_t)PQntuples(res);
	if (nf > IND_FIELDS_MAX || first_field + (int)nf > PQnfields(res)) {   /* a field table outgrew the row */
		log_error("stats: source %s has %zu fields, the row holds %d and the query gives %d", ind_source_name(src), nf,
		    IND_FIELDS_MAX, PQnfields(res) - first_field);
		PQclear(res);
		return -1;
	}
	if (rs->n + add > rs->cap) {
		size_t cap = rs->n + add + 16;
		struct ind_row *rows = arena_alloc(a, cap * sizeof(*rows));
		if (rs->n)
			memcpy(rows, rs->rows, rs->n * sizeof(*rows));
		rs->rows = rows;
		rs->cap = cap;
	}
	for (int i = 0; i < (int)add; i++) {
		struct ind_row *row = &rs->rows[rs->n++];
		memset(row, 0, sizeof(*row));
		row->bucket = arena_strdup(a, PQgetvalue(res, i, SR_BUCKET));
		row->ownership = arena_strdup(a, PQgetvalue(res, i, SR_OWN));
		row->n = n_col >= 0 ? atoll(PQgetvalue(res, i, n_col)) : 1;
		for (size_t f = 0; f < nf; f++) {
			row->txt[f] = arena_strdup(a, PQgetvalue(res, i, first_field + (int)f));
			row->num[f] = strtod(row->txt[f], NULL);
		}
	}
	PQclear(res);
	return 0;
}

/* Every query puts a row in the bucket of the chosen unit's direct child it
 * was filed under: the first path segment after the unit's own path ("" for
 * the unit itself). Reports count under submission.unit_id (the facts'
 * unit_id), cases under dispute_case.unit_id: the unit they were filed
 * under, not the workplace's current one. $1 scope, $2 the unit's path,
 * $3 and $4 first and last day (Vietnam time). */
#define STATS_BUCKET "split_part(substr(u.path, length($2) + 1), '/', 1)"
#define STATS_FACTS \
	" FROM submission_fact_all f JOIN org_unit u ON u.id = f.unit_id JOIN workplace w ON w.id = f.workplace_id " \
	"WHERE u.path LIKE $1 || '%' AND u.path LIKE $2 || '%' AND f.day BETWEEN $3::date AND $4::date "

/* The rows of every source for the period. -1 when a query failed. */
static int
load_rows(struct arena *a, struct db *db, const char *const p[4], struct ind_rows rows[SRC__MAX])
{
	/* reports: one status fact per report; fields form, channel, status */
	enum { RP_N = SR_OWN + 1, RP_FIELDS };
	if (take_rows(a, &rows[SRC_REPORTS], db_query(db,
	    "SELECT " STATS_BUCKET ", coalesce(w.ownership, ''), sum(f.n), f.form_id, f.channel, "
	    "substr(f.fact, 8)" STATS_FACTS "AND f.fact LIKE 'status:%' GROUP BY 1, 2, 4, 5, 6 HAVING sum(f.n) <> 0", 4, p), SRC_REPORTS, RP_N, RP_FIELDS) != 0)
		return -1;

	/* enterprises: per workplace and arrears form, the largest tier (at
	 * least one worker per report), the distinct months, the largest total
	 * amount; fields form, workplace, workers, months, amount, reports */
	enum { EN_FIELDS = SR_OWN + 1 };
	if (take_rows(a, &rows[SRC_ENTERPRISES], db_query(db,
	    "SELECT b, own, form_id, workplace_id::text, greatest(coalesce(max(split_part(fact, ':', 2)::numeric) "
	    "FILTER (WHERE fact LIKE 'tier:%'), 0), coalesce(sum(n) FILTER (WHERE fact LIKE 'status:%'), 0))::bigint, "
	    "count(*) FILTER (WHERE fact LIKE 'month:%'), "
	    "coalesce(max(substr(fact, 7)::numeric) FILTER (WHERE fact LIKE 'total:%'), 0)::bigint, "
	    "coalesce(sum(n) FILTER (WHERE fact LIKE 'status:%'), 0) "
	    "FROM (SELECT " STATS_BUCKET " AS b, coalesce(w.ownership, '') AS own, f.form_id, f.workplace_id, f.fact, "
	    "sum(f.n) AS n" STATS_FACTS "AND f.form_id IN ('wage_arrears', 'social_insurance') AND (f.fact LIKE 'status:%' "
	    "OR f.fact LIKE 'tier:%' OR f.fact LIKE 'month:%' OR f.fact LIKE 'total:%') GROUP BY 1, 2, 3, 4, 5 "
	    "HAVING sum(f.n) > 0) x GROUP BY 1, 2, 3, 4", 4, p), SRC_ENTERPRISES, -1, EN_FIELDS) != 0)
		return -1;

	/* accidents: one per workplace and day it happened (the report's day
	 * when it gives none), its largest figures; fields workplace, injured,
	 * dead, serious */
	enum { AC_FIELDS = SR_OWN + 1 };
	if (take_rows(a, &rows[SRC_ACCIDENTS], db_query(db,
	    "SELECT b, own, workplace_id::text, max(i), max(k), max(s) FROM (SELECT " STATS_BUCKET " AS b, "
	    "coalesce(w.ownership, '') AS own, f.workplace_id, coalesce(nullif(split_part(f.fact, ':', 2), ''), f.day::text) AS d, "
	    "split_part(f.fact, ':', 3)::numeric AS i, split_part(f.fact, ':', 4)::numeric AS k, "
	    "split_part(f.fact, ':', 5)::numeric AS s" STATS_FACTS "AND f.form_id = 'safety' AND f.fact LIKE 'accident:%' "
	    "GROUP BY 1, 2, 3, 4, 5, 6, 7 HAVING sum(f.n) > 0) x GROUP BY b, own, workplace_id, d", 4, p), SRC_ACCIDENTS, -1, AC_FIELDS) != 0)
		return -1;

	/* replies: every report of the period (not spam) and its first reply by
	 * the cut-off, under the unit it arrived at; the unit's reply time
	 * (sql/039, inherited) decides in_time: yes (answered by the day that
	 * many working days after arrival), no (answered later, or unanswered
	 * when that day is before the cut-off), pending (still within it).
	 * Fields days, answered, working_days, limit, in_time. Rows alike come
	 * once with how many they are: the answered reports are found from the
	 * officers' messages, the rest from the daily sums (a report's
	 * "reports" fact, sql/019), so no statement reads every report. */
	enum { RE_N = SR_OWN + 1, RE_FIELDS };
	if (take_rows(a, &rows[SRC_REPLIES], db_query(db,
	    "WITH ans AS MATERIALIZED (SELECT s.unit_id, u.path, coalesce(w.ownership, '') AS own, "
	    "(s.received_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date AS d0, x.d1, count(*) AS n "
	    "FROM (SELECT m.submission_id, (min(m.created_at) AT TIME ZONE 'Asia/Ho_Chi_Minh')::date AS d1 FROM message m "
	    "WHERE m.author = 'officer' AND m.created_at < ($4::date + 1)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh' "
	    "AND m.created_at >= ($3::date)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh' GROUP BY m.submission_id) x "
	    "JOIN submission s ON s.id = x.submission_id JOIN org_unit u ON u.id = s.unit_id "
	    "JOIN workplace w ON w.id = s.workplace_id "
	    "WHERE u.path LIKE $1 || '%' AND u.path LIKE $2 || '%' AND s.status <> 'spam' "
	    "AND s.received_at >= ($3::date)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh' "
	    "AND s.received_at < ($4::date + 1)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh' GROUP BY 1, 2, 3, 4, 5), "
	    "tot AS MATERIALIZED (SELECT f.unit_id, u.path, coalesce(w.ownership, '') AS own, f.day AS d0, sum(f.n) AS n"
	    STATS_FACTS "AND f.fact = 'reports' GROUP BY 1, 2, 3, 4), "
	    "r AS MATERIALIZED (SELECT unit_id, path, own, d0, d1, n FROM ans UNION ALL "
	    "SELECT t.unit_id, t.path, t.own, t.d0, NULL::date, t.n - coalesce((SELECT sum(a.n) FROM ans a "
	    "WHERE a.unit_id = t.unit_id AND a.own = t.own AND a.d0 = t.d0), 0) FROM tot t), "
	    "lim AS MATERIALIZED (SELECT x.unit_id, (unit_reply_days(x.unit_id)).days FROM (SELECT DISTINCT unit_id FROM r) x), "
	    "due AS (SELECT x.d0, x.days, add_working_days(x.d0, x.days) AS due FROM (SELECT DISTINCT r.d0, l.days "
	    "FROM r JOIN lim l ON l.unit_id = r.unit_id) x) "
	    "SELECT b, own, sum(n), days, answered, wd, lim, in_time FROM (SELECT " STATS_BUCKET " AS b, u.own, u.n, "
	    "coalesce((u.d1 - u.d0)::text, '') AS days, CASE WHEN u.d1 IS NULL THEN 'no' ELSE 'yes' END AS answered, "
	    "CASE WHEN u.d1 IS NULL THEN '' ELSE working_days_between(u.d0, u.d1)::text END AS wd, l.days::text AS lim, "
	    "CASE WHEN u.d1 <= d.due THEN 'yes' WHEN u.d1 IS NOT NULL OR least($4::date, "
	    "(now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date) > d.due THEN 'no' ELSE 'pending' END AS in_time "
	    "FROM r u JOIN lim l ON l.unit_id = u.unit_id JOIN due d ON d.d0 = u.d0 AND d.days = l.days WHERE u.n > 0) x "
	    "GROUP BY 1, 2, 4, 5, 6, 7, 8", 4, p), SRC_REPLIES, RE_N, RE_FIELDS) != 0)
		return -1;

	/* cases created in the period, or before its end and still open at it;
	 * the stage the case was in at the end (its last dated stage change on
	 * or before it, else the current stage). Fields as indicator.c's table. */
	enum { CA_FIELDS = SR_OWN + 1 };
	if (take_rows(a, &rows[SRC_CASES], db_query(db,
	    "SELECT " STATS_BUCKET ", coalesce(w.ownership, ''), st.stage, "
	    "CASE WHEN st.stage = 'closed' THEN coalesce(k.outcome, 'other') ELSE '' END, k.kind, k.dispute_type, k.scope, "
	    "coalesce(k.subject, ''), CASE k.worker_member WHEN true THEN 'yes' WHEN false THEN 'no' ELSE 'unknown' END, "
	    "coalesce(k.union_role, ''), CASE WHEN k.union_role IN ('representative', 'defender', 'filed_for_worker', 'advice') "
	    "THEN 'yes' ELSE 'no' END, CASE WHEN st.stage = 'court' OR (st.stage = 'closed' AND k.outcome = 'judgment') "
	    "OR EXISTS (SELECT 1 FROM case_event e WHERE e.case_id = k.id AND e.to_stage = 'court' AND e.on_date <= $4::date) "
	    "THEN 'yes' ELSE 'no' END, CASE WHEN k.totals_corrected THEN 'yes' ELSE 'no' END, "
	    "CASE WHEN k.created_at >= ($3::date)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh' THEN 'yes' ELSE 'no' END, "
	    "k.workplace_id::text, coalesce(k.workers_affected, 0), coalesce(k.months_owed, 0), coalesce(k.amount_owed_vnd, 0), "
	    "coalesce(k.recovered_vnd, 0) "
	    "FROM dispute_case k JOIN org_unit u ON u.id = k.unit_id JOIN workplace w ON w.id = k.workplace_id "
	    "CROSS JOIN LATERAL (SELECT coalesce((SELECT e.to_stage FROM case_event e WHERE e.case_id = k.id "
	    "AND e.to_stage IS NOT NULL AND e.on_date <= $4::date ORDER BY e.on_date DESC, e.at DESC, e.id DESC LIMIT 1), "
	    "k.stage) AS stage) st "
	    "WHERE u.path LIKE $1 || '%' AND u.path LIKE $2 || '%' "
	    "AND k.created_at < ($4::date + 1)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh' "
	    "AND (k.created_at >= ($3::date)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh' OR st.stage <> 'closed')", 4, p), SRC_CASES, -1, CA_FIELDS) != 0)
		return -1;

	/* agreements: every workplace under its current unit, with its newest
	 * collective agreement in force on the period's last day (sql/040's
	 * agreement_facts); fields valid, grade, days_left, workplace */
	if (take_rows(a, &rows[SRC_AGREEMENTS], db_query(db, "SELECT bucket, ownership, valid, grade, days_left, workplace "
	    "FROM agreement_facts($1, $2, $4::date) "
	    "WHERE $3::date <= $4::date", 4, p), SRC_AGREEMENTS, -1, SR_OWN + 1) != 0)
		return -1;

	/* stoppages begun in the period (sql/041's stoppage_facts); fields
	 * union_led, outcome, workers, workplace */
	if (take_rows(a, &rows[SRC_STOPPAGES], db_query(db, "SELECT bucket, ownership, union_led, outcome, workers, workplace "
	    "FROM stoppage_facts($1, $2, $3::date, $4::date)", 4, p), SRC_STOPPAGES, -1, SR_OWN + 1) != 0)
		return -1;

	/* dialogue and bargaining rounds held in the period, and the commitments
	 * made at them (sql/042's round_facts, commitment_facts) */
	if (take_rows(a, &rows[SRC_ROUNDS], db_query(db, "SELECT bucket, ownership, kind, workplace "
	    "FROM round_facts($1, $2, $3::date, $4::date)", 4, p), SRC_ROUNDS, -1, SR_OWN + 1) != 0)
		return -1;
	if (take_rows(a, &rows[SRC_COMMITMENTS], db_query(db, "SELECT bucket, ownership, status, kept, kind, workplace "
	    "FROM commitment_facts($1, $2, $3::date, $4::date)", 4, p), SRC_COMMITMENTS, -1, SR_OWN + 1) != 0)
		return -1;
	return 0;
}

/* The indicators shown, in order, their rules parsed and evaluated over
 * rows. 0; -1 when the query failed; 2 with st->bad_code and bad_rule when
 * a stored rule does not parse. */
static int
load_indicators(struct arena *a, struct db *db, const struct ind_rows rows[SRC__MAX], struct stats *st)
{
	enum { IN_CODE, IN_LABEL_VI, IN_LABEL_EN, IN_RULE, IN_VRULE, IN_MONEY, IN_BY_UNIT, IN_BY_OWN, IN_SOURCE };
	PGresult *res = db_query(db, "SELECT code, label_vi, label_en, rule, coalesce(verified_rule, ''), money, "
	    "'unit' = ANY (breakdowns), 'ownership' = ANY (breakdowns), source FROM stats_indicator WHERE NOT hidden "
	    "ORDER BY position, code", 0, NULL);
	if (!query_ok(res))
		return -1;
	int n = PQntuples(res);
	st->inds = arena_alloc(a, (size_t)(n + 1) * sizeof(*st->inds));
	st->ninds = 0;
	for (int i = 0; i < n; i++) {
		struct ind_rule rule, vrule;
		char err[200];
		const char *vtext = PQgetvalue(res, i, IN_VRULE);
		bool has_v = *vtext != '\0';
		if (ind_rule_parse(PQgetvalue(res, i, IN_RULE), &rule, err, sizeof(err)) != 0 ||
		    (has_v && ind_rule_parse(vtext, &vrule, err, sizeof(err)) != 0)) {
			st->bad_code = arena_strdup(a, PQgetvalue(res, i, IN_CODE));
			st->bad_rule = arena_strdup(a, err);
			PQclear(res);
			return 2;
		}
		struct stats_ind *ind = &st->inds[st->ninds++];
		memset(ind, 0, sizeof(*ind));
		ind->code = arena_strdup(a, PQgetvalue(res, i, IN_CODE));
		ind->label = arena_strdup(a, PQgetvalue(res, i, st->lang == LANG_EN ? IN_LABEL_EN : IN_LABEL_VI));
		ind->source = arena_strdup(a, PQgetvalue(res, i, IN_SOURCE));
		ind->money = PQgetvalue(res, i, IN_MONEY)[0] == 't';
		ind->by_unit = PQgetvalue(res, i, IN_BY_UNIT)[0] == 't';
		ind->by_ownership = PQgetvalue(res, i, IN_BY_OWN)[0] == 't';
		const struct ind_rows *rs = &rows[rule.source];
		ind->total = ind_eval(&rule, rs, NULL, NULL);
		ind->has_verified = has_v;
		if (has_v)
			ind->verified = ind_eval(&vrule, &rows[vrule.source], NULL, NULL);
		ind->units = arena_alloc(a, (st->nunits + 1) * sizeof(long long));
		for (size_t u = 0; u < st->nunits; u++)
			ind->units[u] = ind->by_unit ? ind_eval(&rule, rs, st->units[u].bucket, NULL) : 0;
		for (int o = 0; o < OWN__MAX; o++)
			ind->own[o] = ind->by_ownership ? ind_eval(&rule, rs, NULL, stats_ownership[o].value) : 0;
	}
	PQclear(res);
	return 0;
}

/* ---- the JSON document: what the export prints and a freeze stores ---- */

static json_t *
stats_json(const struct stats *st)
{
	json_t *inds = json_array(), *units = json_array();
	for (size_t u = 0; u < st->nunits; u++)
		json_array_append_new(units, json_pack("{s:s, s:s}", "code", st->units[u].code, "name", st->units[u].name));
	for (size_t i = 0; i < st->ninds; i++) {
		const struct stats_ind *ind = &st->inds[i];
		json_t *bu = json_object(), *bo = json_object();
		for (size_t u = 0; ind->by_unit && u < st->nunits; u++)
			json_object_set_new(bu, st->units[u].code, json_integer(ind->units[u]));
		for (int o = 0; ind->by_ownership && o < OWN__MAX; o++)
			json_object_set_new(bo, stats_ownership[o].value, json_integer(ind->own[o]));
		json_array_append_new(inds, json_pack("{s:s, s:s, s:s, s:b, s:I, s:o, s:o, s:o}", "code", ind->code,
		    "label", ind->label, "source", ind->source, "money", ind->money, "total", (json_int_t)ind->total,
		    "verified", ind->has_verified ? json_integer(ind->verified) : json_null(), "by_unit", bu, "by_ownership", bo));
	}
	json_t *d = json_pack("{s:o, s:s, s:s, s:s, s:b, s:s, s:o, s:o}", "unit", *st->unit_code ? json_string(st->unit_code) :
	    json_null(), "unit_name", st->unit_name, "from", st->from, "to", st->to, "frozen", st->frozen,
	    "note", stats_reparent_note(st->lang), "units", units, "indicators", inds);
	if (st->frozen)
		json_object_set_new(d, "freeze", json_pack("{s:s, s:s, s:s, s:s}", "frozen_by", st->freeze.by, "frozen_at",
		    st->freeze.at, "sha256", st->freeze.sha256, "reason", st->freeze.reason));
	return d;
}

static const char *
jstr(struct arena *a, json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return arena_strdup(a, s ? s : "");
}

/* The table a freeze stored (stats_json of the live table then) into st. */
static int
stats_from_json(struct arena *a, const char *text, struct stats *st)
{
	json_error_t jerr;
	json_t *d = json_loads(text, 0, &jerr), *units, *inds;
	if (d == NULL || !json_is_array(units = json_object_get(d, "units")) || !json_is_array(inds = json_object_get(d, "indicators"))) {
		log_error("stats: a frozen table does not read back: %s", d ? "no units or indicators" : jerr.text);
		json_decref(d);
		return -1;
	}
	st->unit_name = jstr(a, d, "unit_name");
	st->nunits = json_array_size(units);
	st->units = arena_alloc(a, (st->nunits + 1) * sizeof(*st->units));
	for (size_t u = 0; u < st->nunits; u++) {
		json_t *x = json_array_get(units, u);
		st->units[u] = (struct stats_unit){ "", jstr(a, x, "code"), jstr(a, x, "name") };
	}
	st->ninds = json_array_size(inds);
	st->inds = arena_alloc(a, (st->ninds + 1) * sizeof(*st->inds));
	for (size_t i = 0; i < st->ninds; i++) {
		json_t *x = json_array_get(inds, i), *bu = json_object_get(x, "by_unit"), *bo = json_object_get(x, "by_ownership");
		struct stats_ind *ind = &st->inds[i];
		memset(ind, 0, sizeof(*ind));
		ind->code = jstr(a, x, "code");
		ind->label = jstr(a, x, "label");
		ind->source = jstr(a, x, "source");
		ind->money = json_is_true(json_object_get(x, "money"));
		ind->total = json_integer_value(json_object_get(x, "total"));
		ind->has_verified = json_is_integer(json_object_get(x, "verified"));
		ind->verified = json_integer_value(json_object_get(x, "verified"));
		ind->by_unit = json_object_size(bu) > 0;
		ind->by_ownership = json_object_size(bo) > 0;
		ind->units = arena_alloc(a, (st->nunits + 1) * sizeof(long long));
		for (size_t u = 0; u < st->nunits; u++)
			ind->units[u] = json_integer_value(json_object_get(bu, st->units[u].code));
		for (int o = 0; o < OWN__MAX; o++)
			ind->own[o] = json_integer_value(json_object_get(bo, stats_ownership[o].value));
	}
	json_decref(d);
	return 0;
}

/* The current freeze of the unit's period into st (frozen = true); 0 when
 * there is one, 1 when there is none, -1 when reading failed. */
static int
load_frozen(struct arena *a, struct db *db, struct stats *st)
{
	enum { FZ_CONTENT, FZ_BY, FZ_AT, FZ_SHA, FZ_REASON };
	const char *p[3] = { st->unit_id, st->from, st->to };
	PGresult *res = db_query(db, "SELECT content, frozen_by, to_char(frozen_at AT TIME ZONE 'Asia/Ho_Chi_Minh', "
	    "'DD/MM/YYYY HH24:MI'), sha256, reason FROM stats_freeze WHERE unit_id IS NOT DISTINCT FROM nullif($1, '')::bigint "
	    "AND from_date = $2::date AND to_date = $3::date AND superseded_by IS NULL", 3, p);
	if (!query_ok(res))
		return -1;
	if (PQntuples(res) != 1) {
		PQclear(res);
		return 1;
	}
	int rc = stats_from_json(a, PQgetvalue(res, 0, FZ_CONTENT), st);
	st->frozen = true;
	st->freeze = (struct stats_frozen){ arena_strdup(a, PQgetvalue(res, 0, FZ_BY)), arena_strdup(a, PQgetvalue(res, 0, FZ_AT)),
	    arena_strdup(a, PQgetvalue(res, 0, FZ_SHA)), arena_strdup(a, PQgetvalue(res, 0, FZ_REASON)) };
	PQclear(res);
	return rc;
}

/* The statistics of unit_id ("" for the whole tree) inside scope_path
 * ("/" for everything), from `from` to `to` (checked YYYY-MM-DD, from <=
 * to): every shown indicator, claimed and verified, by direct child unit
 * (and the unit's own reports and cases) and by ownership. When the period
 * is frozen and `live` is false, the frozen table. Everything in the
 * arena. 0; 1 when the unit does not exist or is outside the scope; 2 when
 * an indicator's rule does not parse (st->bad_code, st->bad_rule); -1 when
 * a query failed (logged). */
int
stats_collect(struct arena *a, struct db *db, const char *scope, const char *unit_id, const char *from, const char *to,
    enum lang lang, bool live, struct stats *st)
{
	*st = (struct stats){ .unit_id = unit_id, .from = from, .to = to, .lang = lang, .unit_code = "",
	    .unit_path = "/", .unit_name = stats_pick(lang, "Toàn hệ thống", "The whole tree") };
	if (*unit_id) {
		const char *up[2] = { scope, unit_id };
		enum { UN_NAME, UN_PATH, UN_CODE };
		PGresult *u = db_query(db, "SELECT u.name, u.path, u.code FROM org_unit u "
		    "WHERE u.path LIKE $1 || '%' AND u.id = $2::bigint", 2, up);
		if (!query_ok(u))
			return -1;
		if (PQntuples(u) != 1) {
			PQclear(u);
			return 1;
		}
		st->unit_name = arena_strdup(a, PQgetvalue(u, 0, UN_NAME));
		st->unit_path = arena_strdup(a, PQgetvalue(u, 0, UN_PATH));
		st->unit_code = arena_strdup(a, PQgetvalue(u, 0, UN_CODE));
		PQclear(u);
	}
	if (!live) {
		int rc = load_frozen(a, db, st);
		if (rc <= 0)
			return rc;
	}
	if (stats_fold(db) != 0)
		return -1;

	const char *cp[2] = { scope, unit_id };
	enum { CH_ID, CH_CODE, CH_NAME };
	PGresult *res = db_query(db, "SELECT u.id::text, u.code, u.name FROM org_unit u WHERE u.path LIKE $1 || '%' "
	    "AND u.parent_id IS NOT DISTINCT FROM nullif($2, '')::bigint ORDER BY u.name, u.id LIMIT 200", 2, cp);
	if (!query_ok(res))
		return -1;
	int nchild = PQntuples(res);
	st->units = arena_alloc(a, (size_t)(nchild + 2) * sizeof(*st->units));
	st->nunits = 0;
	for (int i = 0; i < nchild; i++)
		st->units[st->nunits++] = (struct stats_unit){ arena_strdup(a, PQgetvalue(res, i, CH_ID)),
		    arena_strdup(a, PQgetvalue(res, i, CH_CODE)), arena_strdup(a, PQgetvalue(res, i, CH_NAME)) };
	PQclear(res);
	if (*unit_id)   /* the reports and cases filed under the unit itself */
		st->units[st->nunits++] = (struct stats_unit){ "", st->unit_code, arena_printf(a, "%s %s",
		    stats_pick(lang, "Trực tiếp", "Directly under"), st->unit_name) };

	struct ind_rows rows[SRC__MAX];
	memset(rows, 0, sizeof(rows));
	const char *p[4] = { scope, st->unit_path, from, to };
	if (load_rows(a, db, p, rows) != 0)
		return -1;
	return load_indicators(a, db, rows, st);
}

/* Freezes st (a live table) as its unit's table of its period, by `who`
 * (officer_id NULL from the CLI), superseding the current freeze, which
 * needs a reason. 0 with *sha256 (arena); 1 when the period is frozen and
 * reason is empty (nothing stored); -1 when the database failed (logged).
 * The caller audits and commits. */
int
stats_freeze(struct arena *a, struct db *db, const struct stats *st, const char *who, const char *officer_id,
    const char *reason, const char **sha256)
{
	/* asked first, so a refusal leaves the caller's transaction usable (the function's own check raises) */
	const char *cp[3] = { st->unit_id, st->from, st->to };
	PGresult *cur = db_query(db, "SELECT count(*) FROM stats_freeze WHERE unit_id IS NOT DISTINCT FROM nullif($1, '')::bigint "
	    "AND from_date = $2::date AND to_date = $3::date AND superseded_by IS NULL", 3, cp);
	if (!query_ok(cur))
		return -1;
	bool frozen = strcmp(db_scalar(cur), "0") != 0;
	PQclear(cur);
	if (frozen && (reason == NULL || strspn(reason, " \t") == strlen(reason)))
		return 1;
	json_t *d = stats_json(st);
	char *text = json_dumps(d, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(d);
	if (text == NULL)
		return -1;
	const char *p[7] = { st->unit_id, st->from, st->to, text, who, officer_id ? officer_id : "", reason ? reason : "" };
	enum { FP_ID, FP_SHA };
	PGresult *res = db_query(db, "SELECT id, sha256 FROM stats_freeze_put(nullif($1, '')::bigint, $2::date, $3::date, $4, "
	    "$5, nullif($6, '')::bigint, $7)", 7, p);
	free(text);
	if (res && !db_ok(res) && strcmp(db_sqlstate(res), "22023") == 0) {
		PQclear(res);
		return 1;
	}
	if (!query_ok(res))
		return -1;
	*sha256 = arena_strdup(a, PQgetvalue(res, 0, FP_SHA));
	PQclear(res);
	return 0;
}

/* ---- the writers ---- */

/* The header cells of the table, in the order of every row. */
static void
csv_header(struct buf *b, const struct stats *st)
{
	enum lang l = st->lang;
	const char *head[4] = { stats_pick(l, "Mã chỉ tiêu", "Code"), stats_pick(l, "Chỉ tiêu", "Indicator"),
	    stats_pick(l, "Theo phản ánh", "Claimed in reports"), stats_pick(l, "Đã xác minh", "Verified") };
	for (int i = 0; i < 4; i++) {
		if (i)
			buf_putc(b, ',');
		export_csv_cell(b, head[i], false);
	}
	for (size_t u = 0; u < st->nunits; u++) {
		buf_putc(b, ',');
		export_csv_cell(b, st->units[u].name, false);
	}
	for (int o = 0; o < OWN__MAX; o++) {
		buf_putc(b, ',');
		export_csv_cell(b, stats_pick(l, stats_ownership[o].vi, stats_ownership[o].en), false);
	}
	buf_puts(b, "\r\n");
}

/* CSV (UTF-8 with BOM, so a spreadsheet reads the accents): the header,
 * then a row per indicator: code, label, claimed, verified (empty when the
 * indicator has none), by unit, by ownership. */
static void
write_csv(struct buf *b, const struct stats *st)
{
	buf_puts(b, "\xEF\xBB\xBF");
	csv_header(b, st);
	for (size_t i = 0; i < st->ninds; i++) {
		const struct stats_ind *ind = &st->inds[i];
		export_csv_cell(b, ind->code, false);
		buf_putc(b, ',');
		export_csv_cell(b, ind->label, false);
		buf_appendf(b, ",%lld,", ind->total);
		if (ind->has_verified)
			buf_appendf(b, "%lld", ind->verified);
		for (size_t u = 0; u < st->nunits; u++)
			if (ind->by_unit)
				buf_appendf(b, ",%lld", ind->units[u]);
			else
				buf_putc(b, ',');
		for (int o = 0; o < OWN__MAX; o++)
			if (ind->by_ownership)
				buf_appendf(b, ",%lld", ind->own[o]);
			else
				buf_putc(b, ',');
		buf_puts(b, "\r\n");
	}
}

/* XLSX: one sheet: title, period, freeze (or "not frozen"), the note on
 * units, then the table as the CSV has it; numbers as numbers. */
static int
write_xlsx(const struct stats *st, export_write_fn write, void *ctx, char *err, size_t errlen)
{
	struct export_book bk;
	if (export_book_open(&bk, false, err, errlen) != 0)
		return -1;
	lxw_workbook *wb = bk.wb;
	enum lang l = st->lang;
	lxw_format *bold = workbook_add_format(wb), *num = workbook_add_format(wb);
	format_set_bold(bold);
	format_set_text_wrap(bold);
	format_set_num_format(num, "#,##0");
	lxw_worksheet *ws = workbook_add_worksheet(wb, "Thong ke");
	struct arena *a = arena_new();
	if (a == NULL) {
		export_book_finish(&bk, false, write, ctx, err, errlen);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	/* strings go in as strings: a unit name starting with "=" is never a formula */
	worksheet_write_string(ws, 0, 0, arena_printf(a, "%s: %s", stats_pick(l, "Thống kê định kỳ", "Periodic statistics"),
	    st->unit_name), bold);
	worksheet_write_string(ws, 1, 0, arena_printf(a, "%s %s %s %s", stats_pick(l, "Từ", "From"), fmt_dmy(a, st->from),
	    stats_pick(l, "đến", "to"), fmt_dmy(a, st->to)), NULL);
	worksheet_write_string(ws, 2, 0, st->frozen ? arena_printf(a, "%s %s, %s; SHA-256 %s%s%s",
	    stats_pick(l, "Đã chốt số liệu bởi", "Frozen by"), st->freeze.by, st->freeze.at, st->freeze.sha256,
	    *st->freeze.reason ? "; " : "", st->freeze.reason) : stats_pick(l, "Chưa chốt số liệu", "Not frozen"), NULL);
	worksheet_write_string(ws, 3, 0, stats_reparent_note(l), NULL);
	lxw_row_t y = 5;
	lxw_col_t c = 0;
	const char *head[4] = { stats_pick(l, "Mã chỉ tiêu", "Code"), stats_pick(l, "Chỉ tiêu", "Indicator"),
	    stats_pick(l, "Theo phản ánh", "Claimed in reports"), stats_pick(l, "Đã xác minh", "Verified") };
	for (int i = 0; i < 4; i++)
		worksheet_write_string(ws, y, c++, head[i], bold);
	for (size_t u = 0; u < st->nunits; u++)
		worksheet_write_string(ws, y, c++, st->units[u].name, bold);
	for (int o = 0; o < OWN__MAX; o++)
		worksheet_write_string(ws, y, c++, stats_pick(l, stats_ownership[o].vi, stats_ownership[o].en), bold);
	for (size_t i = 0; i < st->ninds; i++) {
		const struct stats_ind *ind = &st->inds[i];
		y++;
		c = 0;
		worksheet_write_string(ws, y, c++, ind->code, NULL);
		worksheet_write_string(ws, y, c++, ind->label, NULL);
		worksheet_write_number(ws, y, c++, (double)ind->total, num);
		if (ind->has_verified)
			worksheet_write_number(ws, y, c, (double)ind->verified, num);
		c++;
		for (size_t u = 0; u < st->nunits; u++, c++)
			if (ind->by_unit)
				worksheet_write_number(ws, y, c, (double)ind->units[u], num);
		for (int o = 0; o < OWN__MAX; o++, c++)
			if (ind->by_ownership)
				worksheet_write_number(ws, y, c, (double)ind->own[o], num);
	}
	arena_free(a);
	worksheet_set_column(ws, 0, 0, 30, NULL);
	worksheet_set_column(ws, 1, 1, 50, NULL);
	worksheet_set_column(ws, 2, (lxw_col_t)(4 + st->nunits + OWN__MAX), 14, NULL);
	worksheet_freeze_panes(ws, 6, 2);
	return export_book_finish(&bk, true, write, ctx, err, errlen);
}

/* Writes collected statistics in `fmt` to write(ctx, ...). 0, or -1 with err. */
int
stats_write(const struct stats *st, enum stats_format fmt, export_write_fn write, void *ctx, char *err, size_t errlen)
{
	if (fmt == STATS_XLSX)
		return write_xlsx(st, write, ctx, err, errlen);
	if (fmt == STATS_JSON) {
		json_t *d = stats_json(st);
		int rc = export_send_json(d, write, ctx, err, errlen);
		json_decref(d);
		return rc;
	}
	struct buf b = { 0 };
	write_csv(&b, st);
	return export_send_buf(&b, write, ctx, err, errlen);
}

/* ---- the indicator set, changed by an admin (console or CLI) ---- */

/* Whether this console transaction may change the indicator set: an admin
 * of a top unit, as PostgreSQL's policy on stats_indicator says (the same
 * rule as the calendar's, sql/017). */
bool
stats_indicator_editor(struct db *db)
{
	PGresult *res = db_query(db, "SELECT calendar_editor()", 0, NULL);
	if (!query_ok(res))
		return false;
	bool yes = db_scalar(res) && db_scalar(res)[0] == 't';
	PQclear(res);
	return yes;
}

/* Changes indicator `code` as ch says: a rule or verified rule is parsed
 * first and refused (nothing stored) when it does not. The caller audits
 * and commits. 0; 1 when no indicator has that code; 2 with err naming the
 * rule and what is wrong; -1 when the database failed (logged). */
int
stats_indicator_set(struct db *db, const char *code, const struct stats_ind_change *ch, char *err, size_t errlen)
{
	struct ind_rule rule;
	char why[200];
	if (ch->rule && ind_rule_parse(ch->rule, &rule, why, sizeof(why)) != 0) {
		snprintf(err, errlen, "the rule of %s does not parse: %s", code, why);
		return 2;
	}
	if (ch->verified_rule && strcmp(ch->verified_rule, "none") != 0 &&
	    ind_rule_parse(ch->verified_rule, &rule, why, sizeof(why)) != 0) {
		snprintf(err, errlen, "the verified rule of %s does not parse: %s", code, why);
		return 2;
	}
	const char *p[6] = { code, ch->rule ? ch->rule : "", ch->verified_rule ? ch->verified_rule : "",
	    ch->label_vi ? ch->label_vi : "", ch->hidden < 0 ? "" : ch->hidden ? "true" : "false", ch->position ? ch->position : "" };
	PGresult *res = db_query(db, "UPDATE stats_indicator SET rule = coalesce(nullif($2, ''), rule), "
	    "verified_rule = CASE $3 WHEN '' THEN verified_rule WHEN 'none' THEN NULL ELSE $3 END, "
	    "label_vi = coalesce(nullif($4, ''), label_vi), hidden = coalesce(nullif($5, '')::boolean, hidden), "
	    "position = coalesce(nullif($6, '')::integer, position) WHERE code = $1 RETURNING code", 6, p);
	if (!query_ok(res))
		return -1;
	int found = PQntuples(res);
	PQclear(res);
	if (found != 1)
		return 1;
	if (ch->move == 0)
		return 0;
	/* one place up or down: swap positions with the neighbour in the shown order */
	const char *mp[2] = { code, ch->move < 0 ? "up" : "down" };
	res = db_query(db, "WITH me AS (SELECT code, position FROM stats_indicator WHERE code = $1), "
	    "nb AS (SELECT i.code, i.position FROM stats_indicator i, me WHERE CASE WHEN $2 = 'up' "
	    "THEN (i.position, i.code) < (me.position, me.code) ELSE (i.position, i.code) > (me.position, me.code) END "
	    "ORDER BY CASE WHEN $2 = 'up' THEN -i.position ELSE i.position END, i.code LIMIT 1) "
	    "UPDATE stats_indicator s SET position = CASE WHEN s.code = me.code THEN nb.position ELSE me.position END "
	    "FROM me, nb WHERE s.code IN (me.code, nb.code) AND me.position <> nb.position", 2, mp);
	if (!query_ok(res))
		return -1;
	PQclear(res);
	return 0;
}
