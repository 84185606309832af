/* round.c: dialogue and bargaining rounds and the employer's commitments (sql/042): vocabularies, the one check of each thing typed, storing and listing, shared by /admin/rounds and `tiengnoi-admin round|commitment`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libpq-fe.h>
#include <sodium.h>

#include "arena.h"
#include "brief.h"
#include "db.h"
#include "document.h"
#include "log.h"
#include "round.h"
#include "text.h"

const struct vocab round_kinds[ROUND_NKINDS] = {
	{ "periodic", "Đối thoại định kỳ", "Periodic dialogue" },
	{ "request", "Đối thoại theo yêu cầu", "Dialogue on request" },
	{ "bargaining", "Thương lượng tập thể", "Collective bargaining" },
};

const struct vocab commitment_statuses[COMMITMENT_NSTATUSES] = {
	{ "pending", "Đang chờ thực hiện", "Pending" },
	{ "done", "Đã thực hiện", "Done" },
	{ "broken", "Không thực hiện", "Broken" },
};

const char *const round_field_names[RF__MAX] = {
	"kind", "planned", "held", "employer_reps", "union_reps", "worker_reps", "minutes", "file",
};
const char *const round_field_opts[RF__MAX] = {
	"--kind", "--planned", "--held", "--employer-reps", "--union-reps", "--worker-reps", "--minutes", "--file",
};
const char *const commitment_field_names[CF__MAX] = { "round", "text", "due", "owner" };
const char *const settle_field_names[SF__MAX] = { "status", "on", "evidence", "file" };

#define T(vi, en) (lang == LANG_EN ? (en) : (vi))

/* Why a date is refused, or NULL: `required`, or any non-empty value,
 * must be a real YYYY-MM-DD day from 2000 to 2099. */
static const char *
date_problem(const char *d, bool required, enum lang lang)
{
	if (*d == '\0' && !required)
		return NULL;
	return brief_date_ok(d) ? NULL : T("Ngày không hợp lệ: hãy viết YYYY-MM-DD (từ 2000 đến 2099), ví dụ 2026-06-01.",
	    "Not a valid date: write YYYY-MM-DD (2000 to 2099), e.g. 2026-06-01.");
}

/* Why a text is refused (from the arena), or NULL: valid UTF-8 with no control characters
 * but line breaks, at most `max` characters, not empty when `required`. */
static const char *
text_problem(struct arena *a, const char *s, size_t max, bool required, enum lang lang)
{
	size_t n = strlen(s);
	if (!text_valid_utf8(s, n))
		return T("Văn bản không hợp lệ (không phải UTF-8).", "Not valid text (not UTF-8).");
	bool blank = strspn(s, " \t\r\n") == n;
	if (required && blank)
		return T("Mục này không được để trống.", "This cannot be empty.");
	if (text_length(s) > max)
		return lang == LANG_EN ? arena_printf(a, "%zu characters at most.", max) : arena_printf(a, "Tối đa %zu ký tự.", max);
	if (text_has_controls(s, n))
		return T("Văn bản có ký tự điều khiển.", "The text holds control characters.");
	return NULL;
}

/* Why a PDF is refused, or NULL (none sent is fine): checked by content
 * as agreements and case documents are, so a web page renamed .pdf is refused. */
static const char *
pdf_problem(const struct round_pdf *f, enum lang lang)
{
	if (f->data == NULL)
		return NULL;
	if (f->len > DOCUMENT_MAX)
		return T("Tệp quá lớn: tối đa 10 MiB.", "The file is too large: 10 MiB at most.");
	if (f->len < 5 || memcmp(f->data, "%PDF-", 5) != 0 || !document_pdf_plausible(f->data, f->len) || f->filename == NULL)
		return T("Tệp không phải PDF (xét theo nội dung, không theo tên): hãy chọn một tệp PDF.",
		    "The file is not a PDF (judged by its content, not its name): choose a PDF.");
	return NULL;
}

static int
count_refused(const char **m, int n)
{
	int k = 0;
	for (int i = 0; i < n; i++)
		k += m[i] != NULL;
	return k;
}

/* Checks kind, dates (planned or held, the held day not after the
 * earliest day a commitment of the round is due or settled), the three
 * counts, the minutes and their PDF. */
int
round_check(struct arena *a, const struct round_in *in, const char *held_floor, enum lang lang, const char *m[RF__MAX])
{
	for (int i = 0; i < RF__MAX; i++)
		m[i] = NULL;
	if (vocab_find(round_kinds, ROUND_NKINDS, in->kind) == NULL)
		m[RF_KIND] = T("Hãy chọn loại: đối thoại định kỳ, theo yêu cầu, hoặc thương lượng tập thể.",
		    "Choose the kind: periodic dialogue, dialogue on request, or collective bargaining.");
	m[RF_PLANNED] = date_problem(in->planned, false, lang);
	m[RF_HELD] = date_problem(in->held, false, lang);
	if (!m[RF_PLANNED] && !m[RF_HELD] && *in->planned == '\0' && *in->held == '\0')
		m[RF_HELD] = T("Hãy ghi ngày dự kiến hoặc ngày đã tổ chức.", "Give the day planned or the day it was held.");
	else if (!m[RF_HELD] && held_floor && *held_floor && (*in->held == '\0' || strcmp(in->held, held_floor) > 0))
		m[RF_HELD] = T("Phiên này đã có cam kết: ngày tổ chức không thể trống hay sau hạn của cam kết.",
		    "The round has commitments: the day held cannot be empty or after their dates.");
	const char *counts[3] = { in->employer_reps, in->union_reps, in->worker_reps };
	for (int i = 0; i < 3; i++) {
		size_t n = strlen(counts[i]);
		if (n > 4 || strspn(counts[i], "0123456789") != n || atoi(counts[i]) > ROUND_REPS_MAX)
			m[RF_EMPLOYER + i] = T("Một số từ 0 đến 1000 (chỉ số người, không ghi tên).",
			    "A number from 0 to 1000 (how many people, no names).");
	}
	m[RF_MINUTES] = text_problem(a, in->minutes, ROUND_MINUTES_MAX, false, lang);
	m[RF_FILE] = pdf_problem(&in->pdf, lang);
	return count_refused(m, RF__MAX);
}

/* A commitment: at a held round, its text and owner (no worker names is
 * the officer's duty; the form says so), due no earlier than the round. */
int
commitment_check(struct arena *a, const struct commitment_in *in, enum lang lang, const char *m[CF__MAX])
{
	for (int i = 0; i < CF__MAX; i++)
		m[i] = NULL;
	if (in->held == NULL || *in->held == '\0')
		m[CF_ROUND] = T("Chỉ ghi cam kết cho phiên đã tổ chức: hãy ghi ngày tổ chức trước.",
		    "Commitments belong to a round that was held: record the day it was held first.");
	m[CF_TEXT] = text_problem(a, in->text, COMMITMENT_TEXT_MAX, true, lang);
	m[CF_OWNER] = text_problem(a, in->owner, COMMITMENT_OWNER_MAX, true, lang);
	m[CF_DUE] = date_problem(in->due, true, lang);
	if (!m[CF_DUE] && !m[CF_ROUND] && strcmp(in->due, in->held) < 0)
		m[CF_DUE] = T("Hạn thực hiện không thể trước ngày tổ chức phiên.", "It cannot be due before the round was held.");
	return count_refused(m, CF__MAX);
}

/* Done or broken (never back to pending), on a day not before the round
 * was held, with the evidence and its PDF. */
int
commitment_settle_check(struct arena *a, const struct settle_in *in, enum lang lang, const char *m[SF__MAX])
{
	for (int i = 0; i < SF__MAX; i++)
		m[i] = NULL;
	if (strcmp(in->status, "done") != 0 && strcmp(in->status, "broken") != 0)
		m[SF_STATUS] = T("Trạng thái là đã thực hiện hoặc không thực hiện.", "The status is done or broken.");
	m[SF_ON] = date_problem(in->on, true, lang);
	if (!m[SF_ON] && in->held && strcmp(in->on, in->held) < 0)
		m[SF_ON] = T("Ngày này không thể trước ngày tổ chức phiên.", "This day cannot be before the round was held.");
	m[SF_EVIDENCE] = text_problem(a, in->evidence, COMMITMENT_EVIDENCE_MAX, false, lang);
	m[SF_FILE] = pdf_problem(&in->pdf, lang);
	return count_refused(m, SF__MAX);
}

/* The PDF's bytes as hex (decoded and hashed in SQL, so one statement
 * serves the console's and the CLI's connections alike) and its size;
 * both NULL when none was sent. */
static void
pdf_params(struct arena *a, const struct round_pdf *f, const char **hex, const char **size)
{
	*hex = *size = NULL;
	if (f->data == NULL)
		return;
	char *h = arena_alloc(a, f->len * 2 + 1);
	if (h == NULL)
		return;
	sodium_bin2hex(h, f->len * 2 + 1, f->data, f->len);
	*hex = h;
	*size = arena_printf(a, "%zu", f->len);
}

/* The id a RETURNING id statement gave (arena), or NULL logged under `what`. */
static const char *
returned_id(struct arena *a, PGresult *res, const char *what)
{
	const char *id = db_scalar(res) ? arena_strdup(a, db_scalar(res)) : NULL;
	if (id == NULL)
		log_warn("%s: SQLSTATE %s", what, db_sqlstate(res));
	PQclear(res);
	return id;
}

static const char *
zero_if_empty(const char *s)
{
	return *s ? s : "0";
}

/* The parameters a round's INSERT and UPDATE share, from $1 (`first`:
 * the workplace or the round) to $11: kind, planned, held, the three
 * counts, minutes, then the PDF's name, size and hex (NULL: none sent). */
enum { RP_NSHARED = 11 };
static void
round_params(struct arena *a, const struct round_in *in, const char *first, const char *p[RP_NSHARED])
{
	const char *hex, *size;
	pdf_params(a, &in->pdf, &hex, &size);
	const char *v[RP_NSHARED] = { first, in->kind, *in->planned ? in->planned : NULL, *in->held ? in->held : NULL,
	    zero_if_empty(in->employer_reps), zero_if_empty(in->union_reps), zero_if_empty(in->worker_reps), in->minutes,
	    hex ? in->pdf.filename : NULL, size, hex };
	memcpy(p, v, sizeof(v));
}

const char *
round_insert(struct arena *a, struct db *db, const char *workplace_id, const struct round_in *in, const struct round_brief *br,
    const char *officer_id)
{
	const char *p[RP_NSHARED + 5] = { NULL };
	round_params(a, in, workplace_id, p);
	const char *more[5] = { br ? br->from : NULL, br ? br->to : NULL, br ? br->k : NULL, br ? br->text : NULL, officer_id };
	memcpy(p + RP_NSHARED, more, sizeof(more));
	return returned_id(a, db_query(db, "INSERT INTO workplace_round (workplace_id, kind, planned_on, held_on, employer_reps, "
	    "union_reps, worker_reps, minutes, filename, size, sha256, data, brief_from, brief_to, brief_k, brief_text, brief_made_at, "
	    "officer_id) VALUES ($1::bigint, $2, $3::date, $4::date, $5::integer, $6::integer, $7::integer, $8, $9, $10::integer, "
	    "sha256(decode($11, 'hex')), decode($11, 'hex'), $12::date, $13::date, $14::integer, $15, "
	    "CASE WHEN $15::text IS NULL THEN NULL ELSE now() END, $16::bigint) RETURNING id", RP_NSHARED + 5, p), "round insert");
}

const char *
round_update(struct arena *a, struct db *db, const char *id, const struct round_in *in)
{
	const char *p[RP_NSHARED];
	round_params(a, in, id, p);
	return returned_id(a, db_query(db, "UPDATE workplace_round SET kind = $2, planned_on = $3::date, held_on = $4::date, "
	    "employer_reps = $5::integer, union_reps = $6::integer, worker_reps = $7::integer, minutes = $8, "
	    "filename = coalesce($9, filename), size = coalesce($10::integer, size), "
	    "sha256 = coalesce(sha256(decode($11, 'hex')), sha256), data = coalesce(decode($11, 'hex'), data) "
	    "WHERE id = $1::bigint RETURNING id", RP_NSHARED, p), "round update");
}

const char *
commitment_insert(struct arena *a, struct db *db, const char *round_id, const struct commitment_in *in, const char *officer_id)
{
	const char *p[5] = { round_id, in->text, in->due, in->owner, officer_id };
	return returned_id(a, db_query(db, "INSERT INTO round_commitment (round_id, text, due_on, owner, officer_id) "
	    "VALUES ($1::bigint, $2, $3::date, $4, $5::bigint) RETURNING id", 5, p), "commitment insert");
}

const char *
commitment_settle(struct arena *a, struct db *db, const char *id, const struct settle_in *in)
{
	const char *hex, *size;
	pdf_params(a, &in->pdf, &hex, &size);
	const char *p[7] = { id, in->status, in->on, in->evidence, hex ? in->pdf.filename : NULL, size, hex };
	return returned_id(a, db_query(db, "UPDATE round_commitment SET status = $2, done_on = $3::date, evidence = $4, "
	    "filename = coalesce($5, filename), size = coalesce($6::integer, size), "
	    "sha256 = coalesce(sha256(decode($7, 'hex')), sha256), data = coalesce(decode($7, 'hex'), data) "
	    "WHERE id = $1::bigint RETURNING id", 7, p), "commitment settle");
}

PGresult *
round_list(struct db *db, const struct round_filter *f)
{
	const char *p[4] = { f->scope, f->unit_path ? f->unit_path : "", f->workplace_id, f->kind };
	return db_query(db, "SELECT r.id, w.id, w.code, w.name, r.kind, coalesce(r.planned_on::text, ''), "
	    "coalesce(r.held_on::text, ''), r.employer_reps::text, r.union_reps::text, r.worker_reps::text, "
	    "n.total::text, n.pending::text, n.done::text, n.broken::text, n.reports::text "
	    "FROM workplace_round r JOIN workplace w ON w.id = r.workplace_id JOIN org_unit u ON u.id = w.unit_id "
	    "CROSS JOIN LATERAL (SELECT count(*) AS total, count(*) FILTER (WHERE c.status = 'pending') AS pending, "
	    "count(*) FILTER (WHERE c.status = 'done') AS done, count(*) FILTER (WHERE c.status = 'broken') AS broken, "
	    "(SELECT count(*) FROM round_submission x WHERE x.round_id = r.id) AS reports "
	    "FROM round_commitment c WHERE c.round_id = r.id) n "
	    "WHERE u.path LIKE $1 || '%' AND u.path LIKE $2 || '%' AND ($3::bigint IS NULL OR w.id = $3::bigint) "
	    "AND ($4::text IS NULL OR r.kind = $4) "
	    "ORDER BY coalesce(r.held_on, r.planned_on) DESC, r.id DESC LIMIT 2000", 4, p);
}
