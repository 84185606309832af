/* agreement.c: the register of collective labour agreements (sql/040): one check of what was typed, one insert, one list, shared by /admin/agreements and `tiengnoi-admin agreement`. */
#include <stdio.h>
#include <string.h>
#include <libpq-fe.h>
#include <sodium.h>

#include "agreement.h"
#include "arena.h"
#include "brief.h"
#include "db.h"
#include "document.h"
#include "log.h"

/* Checks dates in the law's order (Bộ luật Lao động 2019, Điều 78: signed,
 * then in force from the date the agreement states, then expiring), the
 * rating, and that a PDF is one (the "%PDF-" magic and a plausible
 * structure, as for case documents: a web page renamed .pdf is refused).
 * An order is only judged between dates that are themselves valid. */
int
agreement_check(const struct agreement_in *in, enum agreement_problem p[AGF__MAX])
{
	for (int i = 0; i < AGF__MAX; i++)
		p[i] = AGP_OK;
	if (!brief_date_ok(in->signed_on))
		p[AGF_SIGNED] = AGP_DATE;
	if (!brief_date_ok(in->effective_on))
		p[AGF_EFFECTIVE] = AGP_DATE;
	if (!brief_date_ok(in->expires_on))
		p[AGF_EXPIRES] = AGP_DATE;
	/* YYYY-MM-DD compares as text in date order */
	if (!p[AGF_SIGNED] && !p[AGF_EFFECTIVE] && strcmp(in->effective_on, in->signed_on) < 0)
		p[AGF_EFFECTIVE] = AGP_BEFORE_SIGNED;
	if (!p[AGF_EFFECTIVE] && !p[AGF_EXPIRES] && strcmp(in->expires_on, in->effective_on) <= 0)
		p[AGF_EXPIRES] = AGP_NOT_AFTER;
	const char *g = in->rating ? in->rating : "";
	if (*g && (strlen(g) != 1 || strchr("ABCD", g[0]) == NULL))
		p[AGF_RATING] = AGP_RATING;
	if (in->pdf != NULL) {
		if (in->pdf_len > DOCUMENT_MAX)
			p[AGF_FILE] = AGP_TOO_LARGE;
		else if (in->pdf_len < 5 || memcmp(in->pdf, "%PDF-", 5) != 0 || !document_pdf_plausible(in->pdf, in->pdf_len))
			p[AGF_FILE] = AGP_NOT_PDF;
	}
	int n = 0;
	for (int i = 0; i < AGF__MAX; i++)
		n += p[i] != AGP_OK;
	return n;
}

static const struct { const char *vi, *en; } problem_text[AGP__MAX] = {
	{ "", "" },                                                                                  /* AGP_OK */
	{ "Ngày không hợp lệ: hãy viết YYYY-MM-DD (từ 2000 đến 2099), ví dụ 2026-06-01.",
	  "Not a valid date: write YYYY-MM-DD (2000 to 2099), e.g. 2026-06-01." },                   /* AGP_DATE */
	{ "Ngày có hiệu lực không thể trước ngày ký (Bộ luật Lao động 2019, Điều 78).",
	  "The agreement cannot take effect before it was signed (Labour Code 2019, Art. 78)." },    /* AGP_BEFORE_SIGNED */
	{ "Ngày hết hạn phải sau ngày có hiệu lực.",
	  "The expiry date must come after the effective date." },                                  /* AGP_NOT_AFTER */
	{ "Xếp loại chỉ là A, B, C hoặc D (hoặc để trống).",
	  "The rating is A, B, C or D (or left empty)." },                                          /* AGP_RATING */
	{ "Tệp không phải PDF (xét theo nội dung, không theo tên): hãy chọn bản PDF của thỏa ước.",
	  "The file is not a PDF (judged by its content, not its name): choose the agreement's PDF." }, /* AGP_NOT_PDF */
	{ "Tệp quá lớn: tối đa 10 MiB.", "The file is too large: 10 MiB at most." },                 /* AGP_TOO_LARGE */
};

const char *
agreement_problem_text(enum agreement_problem p, enum lang lang)
{
	if (p <= AGP_OK || p >= AGP__MAX)
		return "";
	return lang == LANG_EN ? problem_text[p].en : problem_text[p].vi;
}

/* The PDF goes as hex text (decoded in SQL, its SHA-256 computed there),
 * so the one statement works in the console's and the CLI's connections
 * alike without a prepared binary statement. */
const char *
agreement_insert(struct arena *a, struct db *db, const struct agreement_in *in, const char *officer_id)
{
	char *hex = NULL, size[24] = "";
	if (in->pdf != NULL) {
		hex = arena_alloc(a, in->pdf_len * 2 + 1);
		if (hex == NULL)
			return NULL;
		sodium_bin2hex(hex, in->pdf_len * 2 + 1, in->pdf, in->pdf_len);
		snprintf(size, sizeof(size), "%zu", in->pdf_len);
	}
	const char *p[9] = { in->workplace_id, in->signed_on, in->effective_on, in->expires_on,
	    in->rating && *in->rating ? in->rating : NULL, in->pdf ? in->filename : NULL, in->pdf ? size : NULL, hex, officer_id };
	PGresult *res = db_query(db, "INSERT INTO collective_agreement (workplace_id, signed_on, effective_on, expires_on, rating, "
	    "filename, size, sha256, data, officer_id) VALUES ($1::bigint, $2::date, $3::date, $4::date, $5, $6, $7::integer, "
	    "sha256(decode($8, 'hex')), decode($8, 'hex'), $9::bigint) RETURNING id", 9, p);
	const char *id = db_scalar(res) ? arena_strdup(a, db_scalar(res)) : NULL;
	if (id == NULL)
		log_warn("agreement insert: SQLSTATE %s", db_sqlstate(res));
	PQclear(res);
	return id;
}

PGresult *
agreement_list(struct db *db, const char *scope, const char *unit_path, const char *within, const char *workplace_id)
{
	const char *p[4] = { scope, unit_path ? unit_path : "", within, workplace_id };
	return db_query(db, "SELECT c.id, w.id, w.code, w.name, c.signed_on::text, c.effective_on::text, c.expires_on::text, "
	    "coalesce(c.rating, ''), (c.expires_on - (now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date)::text, "
	    "coalesce(c.filename, ''), (c.id = first_value(c.id) OVER (PARTITION BY w.id ORDER BY c.effective_on DESC, c.id DESC))::text, "
	    "coalesce(encode(c.sha256, 'hex'), '') "
	    "FROM collective_agreement c JOIN workplace w ON w.id = c.workplace_id JOIN org_unit u ON u.id = w.unit_id "
	    "WHERE u.path LIKE $1 || '%' AND u.path LIKE $2 || '%' AND ($4::bigint IS NULL OR w.id = $4::bigint) "
	    "AND ($3::int IS NULL OR c.id IN (SELECT g.id FROM agreement_current g WHERE g.days_left BETWEEN 0 AND $3::int)) "
	    "ORDER BY w.name, w.id, c.effective_on DESC, c.id DESC LIMIT 2000", 4, p);
}
