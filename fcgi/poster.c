/* poster.c: printable A4 posters of QR entry points (what a worker can report, anonymity, no retaliation, the hotline), one document for the console and the CLI alike. */
#include <stdlib.h>
#include <string.h>
#include <libpq-fe.h>

#include "app.h"
#include "arena.h"
#include "buf.h"
#include "db.h"
#include "form.h"
#include "html.h"
#include "poster.h"
#include "qr.h"

/* The columns of the poster query (poster_document). */
enum { P_ID, P_TOKEN, P_LABEL, P_FORMS, P_WORKPLACE, P_UNIT, P_HOTLINE, P_HOTLINE_UNIT, P_CREATED };

#define POSTER_QR_SIZE "10cm"

/* The base URL without a trailing slash. */
static const char *
base_trimmed(struct arena *a, const char *base_url)
{
	size_t n = strlen(base_url);
	while (n > 0 && base_url[n - 1] == '/')
		n--;
	return arena_strndup(a, base_url, n);
}

/* The URL a QR code carries, upper-cased whole ("HTTP://HOST/Q/TOKEN") so
 * it encodes in the denser alphanumeric mode; the app takes any case.
 * The same rule as `tiengnoi-admin qr png`. From the arena. */
char *
poster_url(struct arena *a, const char *base_url, const char *token)
{
	char *u = arena_printf(a, "%s/q/%s", base_trimmed(a, base_url), token);
	for (char *p = u; *p; p++)
		if (*p >= 'a' && *p <= 'z')
			*p = (char)(*p - 'a' + 'A');
	return u;
}

/* The address as a person types it from the poster: no scheme, the host
 * as configured, the token in capitals ("tiengnoi.example.vn/q/TOKEN"). */
char *
poster_short_url(struct arena *a, const char *base_url, const char *token)
{
	const char *b = base_trimmed(a, base_url);
	if (strncmp(b, "https://", 8) == 0)
		b += 8;
	else if (strncmp(b, "http://", 7) == 0)
		b += 7;
	return arena_printf(a, "%s/q/%s", b, token);
}

/* The QR code as an <img> with the SVG in a data: URL: no markup of ours
 * inside the page, and the CSP already allows data: images. */
static int
poster_qr(struct buf *b, struct arena *a, const char *url)
{
	char *svg = qr_svg(url, POSTER_QR_SIZE);
	if (svg == NULL)
		return -1;
	html_lit(b, "<img class=\"qr\" width=\"378\" height=\"378\" src=\"");
	html_data_url(b, "image/svg+xml", svg, strlen(svg));
	free(svg);
	html_lit(b, "\" alt=\"");
	html_attr(b, arena_printf(a, "Mã QR: %s", url));
	html_lit(b, "\">");
	return 0;
}

/* One poster, on its own A4 page when printed. Row columns as in the
 * query of poster_document. */
static int
poster_one(struct buf *b, struct arena *a, const struct poster_opts *o, PGresult *res, int i)
{
	const char *id = PQgetvalue(res, i, P_ID), *token = PQgetvalue(res, i, P_TOKEN), *label = PQgetvalue(res, i, P_LABEL);
	const char *hotline = PQgetvalue(res, i, P_HOTLINE);
	html_lit(b, "<article class=\"poster\" id=\"poster-");
	html_attr(b, id);
	html_lit(b, "\"><header><p class=\"org\">");
	html_text(b, PQgetvalue(res, i, P_UNIT));
	html_lit(b, "</p><h1>Tiếng nói người lao động</h1>"
	    "<p class=\"lead\">Có điều gì chưa ổn ở nơi làm việc? Hãy báo cho Công đoàn.</p></header>"
	    "<h2 class=\"workplace\">");
	html_text(b, PQgetvalue(res, i, P_WORKPLACE));
	html_lit(b, "</h2>");
	if (*label) {
		html_lit(b, "<p class=\"where\">");
		html_text(b, label);
		html_lit(b, "</p>");
	}
	if (poster_qr(b, a, poster_url(a, o->base_url, token)) != 0)
		return -1;
	html_lit(b, "<p class=\"scan\">Quét mã bằng camera điện thoại, hoặc gõ địa chỉ:</p><p class=\"url\">");
	html_text(b, poster_short_url(a, o->base_url, token));
	html_lit(b, "</p><section class=\"topics\"><h3>Bạn có thể phản ánh về</h3><ul>");
	char *forms = arena_strdup(a, PQgetvalue(res, i, P_FORMS)), *save = NULL;
	for (char *f = strtok_r(forms, ",", &save); f; f = strtok_r(NULL, ",", &save)) {
		const struct form *fm = o->forms ? form_find(o->forms, f) : NULL;
		if (fm == NULL)
			continue;   /* a form no longer served is not advertised */
		html_lit(b, "<li>");
		html_text(b, form_label(fm->title, LANG_VI));
		html_lit(b, "</li>");
	}
	html_lit(b, "</ul></section><ul class=\"promises\">"
	    "<li><strong>Không cần ghi tên.</strong> Bạn có thể phản ánh ẩn danh; giữ mã biên nhận để xem Công đoàn trả lời.</li>"
	    "<li><strong>Trù dập người phản ánh là vi phạm pháp luật.</strong> "
	    "Pháp luật bảo vệ người lao động khi phản ánh, kiến nghị.</li></ul>");
	if (*hotline) {
		html_lit(b, "<p class=\"hotline\">Đường dây nóng Công đoàn: <strong>");
		html_text(b, hotline);
		html_lit(b, "</strong><span>");
		html_text(b, PQgetvalue(res, i, P_HOTLINE_UNIT));
		html_lit(b, "</span></p>");
	}
	html_lit(b, "<footer>Mã vị trí dán #");
	html_text(b, id);
	html_lit(b, " · ");
	html_text(b, PQgetvalue(res, i, P_CREATED));
	html_lit(b, " · Mã bị xé, che hoặc dán đè? Hãy báo Công đoàn.</footer></article>\n");
	return 0;
}

/* Renders the posters of one active entry point (o->entry_id) or of every
 * active entry point under a unit (o->unit_id), within o->scope, as one
 * HTML document appended to b: each poster on its own A4 page. Returns how
 * many posters it holds; 0 writes nothing (unknown, revoked, out of scope
 * or none: the caller says so); -1 when the database or the QR encoder
 * failed (b may hold a partial document). Memory: the arena. */
long
poster_document(struct buf *b, struct arena *a, struct db *db, const struct poster_opts *o)
{
	const char *p[3] = { o->scope, o->entry_id, o->unit_id };
	PGresult *res = db_query(db,
	    "SELECT e.id, e.token, e.label, array_to_string(e.forms, ','), w.name, u.name, "
	    "coalesce(h.hotline, ''), coalesce(h.unit_name, ''), "
	    "to_char(e.created_at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'DD/MM/YYYY') "
	    "FROM entry_point e JOIN workplace w ON w.id = e.workplace_id JOIN org_unit u ON u.id = w.unit_id "
	    "LEFT JOIN LATERAL unit_hotline(w.unit_id) h ON true "
	    "WHERE e.revoked_at IS NULL AND u.path LIKE $1 || '%' "
	    "AND ($2::bigint IS NULL OR e.id = $2::bigint) "
	    "AND ($3::bigint IS NULL OR u.path LIKE (SELECT p.path FROM org_unit p WHERE p.id = $3::bigint) || '%') "
	    "ORDER BY w.name, e.label, e.id", 3, p);
	if (res == NULL || !db_ok(res)) {
		PQclear(res);
		return -1;
	}
	long n = PQntuples(res);
	if (n == 0) {
		PQclear(res);
		return 0;
	}
	html_lit(b, "<!doctype html>\n<html lang=\"vi\"><head><meta charset=\"utf-8\">"
	    "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>");
	html_text(b, n == 1 ? arena_printf(a, "Áp phích mã QR · %s", PQgetvalue(res, 0, P_WORKPLACE)) :
	    arena_printf(a, "Áp phích mã QR · %ld mã", n));
	html_lit(b, " · " APP_NAME "</title><link rel=\"icon\" href=\"data:,\"><link rel=\"stylesheet\" href=\"");
	html_attr(b, o->stylesheet);
	html_lit(b, "\"></head>\n<body class=\"posters\"><nav class=\"noprint\">");
	if (o->back_href) {
		html_lit(b, "<a href=\"");
		html_attr(b, o->back_href);
		html_lit(b, "\">← Quay lại</a> ");
	}
	html_text(b, arena_printf(a, "%ld áp phích. In khổ A4 dọc (Ctrl+P), tắt \"đầu trang và chân trang\"; "
	    "mỗi áp phích một trang.", n));
	html_lit(b, "</nav>\n");
	for (int i = 0; i < n; i++) {
		if (poster_one(b, a, o, res, i) != 0) {
			PQclear(res);
			return -1;
		}
	}
	html_lit(b, "</body></html>\n");
	PQclear(res);
	return n;
}
