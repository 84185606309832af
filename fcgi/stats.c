/* stats.c: the periodic statistics table of a unit, computed once for /admin/stats and `tiengnoi-admin export stats`. */
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
#include "dispute.h"
#include "fmt.h"
#include "form.h"
#include "log.h"
#include "stats.h"

static const struct { const char *vi, *en; } table_names[] = {
	{ "Phản ánh nhận được theo loại và kênh", "Reports received by form and channel" },   /* ST_REPORTS */
	{ "Nơi làm việc, người lao động, nợ lương, BHXH, tai nạn", "Workplaces, workers, arrears, accidents" },   /* ST_PEOPLE */
	{ "Vụ việc theo giai đoạn (tại ngày chốt số liệu)", "Cases by stage (at the cut-off date)" },   /* ST_STAGES */
	{ "Vụ việc đã kết thúc theo kết quả", "Closed cases by outcome" },   /* ST_OUTCOMES */
};

static const struct stats_label channels[] = {
	{ "qr", "Qua mã QR", "By QR code" },
	{ "phone", "Điện thoại", "Phone" },
	{ "in_person", "Trực tiếp", "In person" },
	{ "paper", "Giấy", "Paper" },
};
#define NCHANNELS (sizeof(channels) / sizeof(channels[0]))


/* The figures of ST_PEOPLE, in the order of the second query's columns. */
enum people {
	P_WORKPLACES, P_WORKERS, P_WAGE_VND, P_SI_MONTHS, P_ACCIDENTS, P_INJURED, P_DEAD, P__MAX
};
static const struct { const char *key, *vi, *en; } people[] = {
	{ "workplaces", "Nơi làm việc có phản ánh", "Workplaces concerned" },   /* P_WORKPLACES */
	{ "workers", "Người lao động bị ảnh hưởng (ước tính tối thiểu)", "Workers affected (lower bound)" },   /* P_WORKERS */
	{ "wage_vnd", "Tổng tiền lương bị nợ (VNĐ)", "Wage arrears total (VND)" },   /* P_WAGE_VND */
	{ "si_months", "Số tháng BHXH chưa đóng", "Social-insurance months unpaid" },   /* P_SI_MONTHS */
	{ "accidents", "Tai nạn lao động", "Labour accidents" },   /* P_ACCIDENTS */
	{ "injured", "Người bị thương", "People injured" },   /* P_INJURED */
	{ "dead", "Người chết", "People killed" },   /* P_DEAD */
};

const char *
stats_pick(enum lang lang, const char *vi, const char *en)
{
	return lang == LANG_EN ? en : vi;
}

const char *
stats_table_name(enum stats_table t, enum lang lang)
{
	return stats_pick(lang, table_names[t].vi, table_names[t].en);
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
	time_t t = time(NULL) + 7 * 3600;
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(to, 11, "%Y-%m-%d", &tm);
	strftime(from, 11, "%Y-%m-01", &tm);
}

static void
add_col(struct stats *st, const char *key, const char *label, enum stats_table t, bool money)
{
	st->cols[st->ncols++] = (struct stats_col){ key, label, t, money };
}

/* Lays out the columns: forms, channels, total; people; stages, total; outcomes. */
static void
stats_columns(struct arena *a, const struct form_set *fs, struct stats *st)
{
	enum lang l = st->lang;
	st->cols = arena_alloc(a, (STATS_FORMS_MAX + NCHANNELS + 1 + P__MAX + DISPUTE_NSTAGES + 1 + DISPUTE_NOUTCOMES) *
	    sizeof(*st->cols));
	st->ncols = 0;
	st->col_form = 0;
	for (size_t i = 0; i < fs->n && i < STATS_FORMS_MAX; i++) {
		st->form_ids[i] = fs->forms[i].id;
		add_col(st, arena_printf(a, "form:%s", fs->forms[i].id), form_label(fs->forms[i].title, l), ST_REPORTS, false);
	}
	st->nforms = st->ncols;
	st->col_channel = st->ncols;
	for (size_t i = 0; i < NCHANNELS; i++)
		add_col(st, arena_printf(a, "channel:%s", channels[i].value), stats_pick(l, channels[i].vi, channels[i].en),
		    ST_REPORTS, false);
	st->col_reports = st->ncols;
	add_col(st, "reports", stats_pick(l, "Tổng số phản ánh", "Reports, total"), ST_REPORTS, false);
	st->col_people = st->ncols;
	for (size_t i = 0; i < P__MAX; i++)
		add_col(st, people[i].key, stats_pick(l, people[i].vi, people[i].en), ST_PEOPLE, i == P_WAGE_VND);
	st->col_stage = st->ncols;
	for (size_t i = 0; i < DISPUTE_NSTAGES; i++)
		add_col(st, arena_printf(a, "stage:%s", dispute_stages[i].value), stats_pick(l, dispute_stages[i].vi,
		    dispute_stages[i].en), ST_STAGES, false);
	st->col_cases = st->ncols;
	add_col(st, "cases", stats_pick(l, "Tổng số vụ việc", "Cases, total"), ST_STAGES, false);
	st->col_outcome = st->ncols;
	for (size_t i = 0; i < DISPUTE_NOUTCOMES; i++)
		add_col(st, arena_printf(a, "outcome:%s", dispute_outcomes[i].value), stats_pick(l, dispute_outcomes[i].vi, dispute_outcomes[i].en),
		    ST_OUTCOMES, false);
}

static struct stats_row *
row_for(struct stats *st, const char *bucket)
{
	const char *id = *bucket ? bucket : "self";
	for (size_t i = 0; i < st->nrows; i++)
		if (strcmp(st->rows[i].id, id) == 0)
			return &st->rows[i];
	return NULL;   /* a unit created since the rows were listed: counted in the total only */
}

static void
add_value(struct stats *st, const char *bucket, size_t col, long long n)
{
	struct stats_row *row = row_for(st, bucket);
	if (row)
		row->v[col] += n;
	st->total.v[col] += n;
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

static long long *
zeros(struct arena *a, size_t n)
{
	long long *v = arena_alloc(a, (n + 1) * sizeof(long long));
	memset(v, 0, (n + 1) * sizeof(long long));
	return v;
}

/* Folds the reports' logged changes into their daily sums
 * (sql/019_stats_facts.sql), so what the statistics, dashboard and brief
 * read is mostly sums; what is left in the log is still counted. Does not
 * wait when another request is folding. -1 when the call failed (logged). */
int
stats_fold(struct db *db)
{
	PGresult *res = db_query(db, "SELECT submission_fact_compact()", 0, NULL);
	if (!query_ok(res))
		return -1;
	PQclear(res);
	return 0;
}

/* Every query below puts a report or case into the bucket of the chosen
 * unit's direct child it falls under: the first path segment after the
 * unit's own path ("" for the unit's own workplaces). $1 scope, $2 the
 * unit's path, $3 and $4 first and last day (Vietnam time). Reports are
 * read from their facts (sql/019_stats_facts.sql: spam is left out there,
 * the rules of each figure are written there), summed over the period. */
#define STATS_BUCKET "split_part(substr(u.path, length($2) + 1), '/', 1)"
#define STATS_FACTS \
	" FROM submission_fact_all f JOIN workplace w ON w.id = f.workplace_id JOIN org_unit u ON u.id = w.unit_id " \
	"WHERE u.path LIKE $1 || '%' AND u.path LIKE $2 || '%' AND f.day BETWEEN $3::date AND $4::date "

/* Reports by form and channel, and the people figures. -1 when a query failed. */
static int
load_reports(struct db *db, const char *const p[4], struct stats *st)
{
	enum { RF_BUCKET, RF_FORM, RF_CHANNEL, RF_N };
	enum { PR_BUCKET, PR_FIRST };   /* then one column per figure, in enum people's order */
	PGresult *res = db_query(db, "SELECT " STATS_BUCKET ", f.form_id, f.channel, sum(f.n)" STATS_FACTS
	    "AND f.fact = 'reports' GROUP BY 1, 2, 3 HAVING sum(f.n) <> 0", 4, p);
	if (!query_ok(res))
		return -1;
	for (int i = 0; i < PQntuples(res); i++) {
		const char *b = PQgetvalue(res, i, RF_BUCKET), *form = PQgetvalue(res, i, RF_FORM), *ch = PQgetvalue(res, i, RF_CHANNEL);
		long long n = atoll(PQgetvalue(res, i, RF_N));
		for (size_t f = 0; f < st->nforms; f++)
			if (strcmp(st->form_ids[f], form) == 0)
				add_value(st, b, st->col_form + f, n);
		for (size_t c = 0; c < NCHANNELS; c++)
			if (strcmp(channels[c].value, ch) == 0)
				add_value(st, b, st->col_channel + c, n);
		add_value(st, b, st->col_reports, n);
	}
	PQclear(res);

	/* Per workplace first, so "workplaces concerned" counts those with a
	 * report; then per bucket. Workers, wage arrears (totals only), SI
	 * months, accidents with their injured and dead: see the facts. */
	res = db_query(db, "SELECT b, count(*) FILTER (WHERE reports > 0), coalesce(sum(workers), 0)::bigint, "
	    "coalesce(sum(wage), 0)::bigint, coalesce(sum(si), 0)::bigint, coalesce(sum(accidents), 0)::bigint, "
	    "coalesce(sum(injured), 0)::bigint, coalesce(sum(dead), 0)::bigint FROM (SELECT " STATS_BUCKET " AS b, "
	    "f.workplace_id, sum(f.n) FILTER (WHERE f.fact = 'reports') AS reports, "
	    "sum(f.v) FILTER (WHERE f.fact = 'reports') AS workers, "
	    "sum(f.v) FILTER (WHERE f.fact = 'amount:total' AND f.form_id = 'wage_arrears') AS wage, "
	    "sum(f.v) FILTER (WHERE f.fact = 'months_listed' AND f.form_id = 'social_insurance') AS si, "
	    "sum(f.n) FILTER (WHERE f.fact = 'select:accident' AND f.form_id = 'safety') AS accidents, "
	    "sum(f.v) FILTER (WHERE f.fact = 'injured' AND f.form_id = 'safety') AS injured, "
	    "sum(f.v) FILTER (WHERE f.fact = 'dead' AND f.form_id = 'safety') AS dead" STATS_FACTS
	    "AND f.fact IN ('reports', 'amount:total', 'months_listed', 'select:accident', 'injured', 'dead') "
	    "GROUP BY 1, 2) x GROUP BY 1", 4, p);
	if (!query_ok(res))
		return -1;
	for (int i = 0; i < PQntuples(res); i++)
		for (size_t k = 0; k < P__MAX; k++)
			add_value(st, PQgetvalue(res, i, PR_BUCKET), st->col_people + k, atoll(PQgetvalue(res, i, PR_FIRST + (int)k)));
	PQclear(res);
	return 0;
}

/* Cases: those of the subtree's workplaces created in the period, or
 * created before its end and still open at its end. The stage is the one
 * the case was in at the end (its last stage change dated on or before
 * it; the current stage when it has no dated change); a case closed by
 * then counts under its outcome. -1 when the query failed. */
static int
load_cases(struct db *db, const char *const p[4], struct stats *st)
{
	enum { CS_BUCKET, CS_STAGE, CS_OUTCOME, CS_N };
	PGresult *res = db_query(db, "SELECT " STATS_BUCKET ", st.stage, coalesce(k.outcome, 'other'), count(*) "
	    "FROM dispute_case k JOIN workplace w ON w.id = k.workplace_id JOIN org_unit u ON u.id = w.unit_id "
	    "CROSS JOIN LATERAL (SELECT coalesce((SELECT e.to_stage FROM case_event e WHERE e.case_id = k.id "
	    "AND e.to_stage IS NOT NULL AND e.on_date <= $4::date ORDER BY e.on_date DESC, e.at DESC, e.id DESC LIMIT 1), "
	    "k.stage) AS stage) st "
	    "WHERE u.path LIKE $1 || '%' AND u.path LIKE $2 || '%' "
	    "AND k.created_at < ($4::date + 1)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh' "
	    "AND (k.created_at >= ($3::date)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh' OR st.stage <> 'closed') "
	    "GROUP BY 1, 2, 3", 4, p);
	if (!query_ok(res))
		return -1;
	for (int i = 0; i < PQntuples(res); i++) {
		const char *b = PQgetvalue(res, i, CS_BUCKET), *stage = PQgetvalue(res, i, CS_STAGE), *outcome = PQgetvalue(res, i, CS_OUTCOME);
		long long n = atoll(PQgetvalue(res, i, CS_N));
		for (size_t s = 0; s < DISPUTE_NSTAGES; s++)
			if (strcmp(dispute_stages[s].value, stage) == 0)
				add_value(st, b, st->col_stage + s, n);
		add_value(st, b, st->col_cases, n);
		if (strcmp(stage, "closed") == 0)
			for (size_t o = 0; o < DISPUTE_NOUTCOMES; o++)
				if (strcmp(dispute_outcomes[o].value, outcome) == 0)
					add_value(st, b, st->col_outcome + o, n);
	}
	PQclear(res);
	return 0;
}

/* The statistics of unit_id ("" for the whole tree) inside scope_path
 * ("/" for everything), from `from` to `to` (checked YYYY-MM-DD, from <=
 * to): one row per direct child unit, one for the unit's own workplaces
 * when it has any, and the total. Everything in the arena. 0; 1 when the
 * unit does not exist or is outside the scope; -1 when a query failed
 * (logged). */
int
stats_collect(struct arena *a, struct db *db, const struct form_set *forms, const char *scope, const char *unit_id,
    const char *from, const char *to, enum lang lang, struct stats *st)
{
	*st = (struct stats){ .unit_id = unit_id, .from = from, .to = to, .lang = lang, .unit_code = "",
	    .unit_path = "/", .unit_name = stats_pick(lang, "Toàn hệ thống", "The whole tree") };
	if (stats_fold(db) != 0)
		return -1;
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
	stats_columns(a, forms, st);

	const char *cp[2] = { scope, unit_id };
	enum { CH_ID, CH_CODE, CH_NAME };
	PGresult *res = db_query(db, "SELECT u.id::text, u.code, u.name FROM org_unit u WHERE u.path LIKE $1 || '%' "
	    "AND u.parent_id IS NOT DISTINCT FROM nullif($2, '')::bigint ORDER BY u.name, u.id LIMIT 200", 2, cp);
	if (!query_ok(res))
		return -1;
	int nchild = PQntuples(res);
	st->rows = arena_alloc(a, (size_t)(nchild + 1) * sizeof(*st->rows));
	st->nrows = 0;
	for (int i = 0; i < nchild; i++)
		st->rows[st->nrows++] = (struct stats_row){ arena_strdup(a, PQgetvalue(res, i, CH_ID)),
		    arena_strdup(a, PQgetvalue(res, i, CH_CODE)), arena_strdup(a, PQgetvalue(res, i, CH_NAME)), NULL };
	PQclear(res);
	/* the unit's own workplaces get a row of their own when it has any */
	res = db_query(db, "SELECT EXISTS (SELECT 1 FROM workplace w JOIN org_unit u ON u.id = w.unit_id "
	    "WHERE u.path LIKE $1 || '%' AND u.id = nullif($2, '')::bigint)", 2, cp);
	if (!query_ok(res))
		return -1;
	const char *own = db_scalar(res);
	if (own && own[0] == 't')
		st->rows[st->nrows++] = (struct stats_row){ "self", st->unit_code, arena_printf(a, "%s %s",
		    stats_pick(lang, "Trực tiếp", "Directly under"), st->unit_name), NULL };
	PQclear(res);
	for (size_t i = 0; i < st->nrows; i++)
		st->rows[i].v = zeros(a, st->ncols);
	st->total = (struct stats_row){ "total", "", stats_pick(lang, "Tổng cộng", "Total"), zeros(a, st->ncols) };

	const char *p[4] = { scope, st->unit_path, from, to };
	return load_reports(db, p, st) == 0 && load_cases(db, p, st) == 0 ? 0 : -1;
}

static const struct stats_row *
row_at(const struct stats *st, size_t i)
{
	return i < st->nrows ? &st->rows[i] : &st->total;
}

/* CSV (UTF-8 with BOM, so a spreadsheet reads the accents): a header of
 * the labels, then a row per unit and the total; the unit's id, code and
 * name first. */
static void
write_csv(struct buf *b, const struct stats *st)
{
	buf_puts(b, "\xEF\xBB\xBF");
	export_csv_cell(b, "id", false);
	buf_putc(b, ',');
	export_csv_cell(b, stats_pick(st->lang, "Mã đơn vị", "Unit code"), false);
	buf_putc(b, ',');
	export_csv_cell(b, stats_pick(st->lang, "Đơn vị", "Unit"), false);
	for (size_t c = 0; c < st->ncols; c++) {
		buf_putc(b, ',');
		export_csv_cell(b, st->cols[c].label, false);
	}
	buf_puts(b, "\r\n");
	for (size_t i = 0; i <= st->nrows; i++) {
		const struct stats_row *row = row_at(st, i);
		export_csv_cell(b, row->id, false);
		buf_putc(b, ',');
		export_csv_cell(b, row->code, false);
		buf_putc(b, ',');
		export_csv_cell(b, row->name, false);
		for (size_t c = 0; c < st->ncols; c++)
			buf_appendf(b, ",%lld", row->v[c]);
		buf_puts(b, "\r\n");
	}
}

/* JSON: the unit, the period, the columns (key, label, table) and the rows
 * with their values by column key, the total last. */
static json_t *
stats_json(const struct stats *st)
{
	json_t *cols = json_array(), *rows = json_array();
	for (size_t c = 0; c < st->ncols; c++)
		json_array_append_new(cols, json_pack("{s:s, s:s, s:s}", "key", st->cols[c].key, "label", st->cols[c].label,
		    "table", stats_table_name(st->cols[c].table, st->lang)));
	for (size_t i = 0; i <= st->nrows; i++) {
		const struct stats_row *row = row_at(st, i);
		json_t *v = json_object();
		for (size_t c = 0; c < st->ncols; c++)
			json_object_set_new(v, st->cols[c].key, json_integer(row->v[c]));
		json_array_append_new(rows, json_pack("{s:s, s:s, s:s, s:o}", "id", row->id, "code", row->code,
		    "name", row->name, "values", v));
	}
	return json_pack("{s:{s:s, s:s, s:s}, s:s, s:s, s:o, s:o}", "unit", "id", st->unit_id, "code", st->unit_code,
	    "name", st->unit_name, "from", st->from, "to", st->to, "columns", cols, "rows", rows);
}

/* XLSX: one sheet, the title and period, the tables side by side under
 * their names, a row per unit, the total in bold; numbers as numbers. */
static int
write_xlsx(const struct stats *st, export_write_fn write, void *ctx, char *err, size_t errlen)
{
	struct export_book bk;
	if (export_book_open(&bk, false, err, errlen) != 0)
		return -1;
	lxw_workbook *wb = bk.wb;
	enum lang l = st->lang;
	lxw_format *bold = workbook_add_format(wb), *num = workbook_add_format(wb), *totalf = workbook_add_format(wb);
	format_set_bold(bold);
	format_set_text_wrap(bold);
	format_set_num_format(num, "#,##0");
	format_set_bold(totalf);
	format_set_num_format(totalf, "#,##0");
	lxw_worksheet *ws = workbook_add_worksheet(wb, "Thong ke");
	struct arena *a = arena_new();   /* the two dates, as the console writes them (fmt.c) */
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
	arena_free(a);
	worksheet_write_string(ws, 3, 0, stats_pick(l, "Đơn vị", "Unit"), bold);
	lxw_col_t c0 = 1;
	for (int tb = 0; tb < ST__MAX; tb++) {
		bool first = true;
		for (size_t c = 0; c < st->ncols; c++) {
			if (st->cols[c].table != (enum stats_table)tb)
				continue;
			if (first)
				worksheet_write_string(ws, 2, (lxw_col_t)(c0 + c), stats_table_name((enum stats_table)tb, l), bold);
			first = false;
			worksheet_write_string(ws, 3, (lxw_col_t)(c0 + c), st->cols[c].label, bold);
		}
	}
	for (size_t i = 0; i <= st->nrows; i++) {
		const struct stats_row *row = row_at(st, i);
		lxw_row_t y = (lxw_row_t)(4 + i);
		worksheet_write_string(ws, y, 0, row->name, i < st->nrows ? NULL : bold);
		for (size_t c = 0; c < st->ncols; c++)
			worksheet_write_number(ws, y, (lxw_col_t)(c0 + c), (double)row->v[c], i < st->nrows ? num : totalf);
	}
	worksheet_set_column(ws, 0, 0, 40, NULL);
	worksheet_set_column(ws, 1, (lxw_col_t)st->ncols, 14, NULL);
	worksheet_freeze_panes(ws, 4, 1);
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
