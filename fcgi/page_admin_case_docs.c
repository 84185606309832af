/* page_admin_case_docs.c: a dispute case's documents: POST /admin/case-files/ID uploads one, GET /admin/case-file/ID downloads one; both audited. */
#include <stdio.h>
#include <string.h>
#include <libpq-fe.h>
#include <sodium.h>

#include "app.h"
#include "arena.h"
#include "auth.h"
#include "buf.h"
#include "case.h"
#include "db.h"
#include "document.h"
#include "fmt.h"
#include "http.h"
#include "i18n.h"
#include "multipart.h"
#include "console_case.h"
#include "page_admin.h"
#include "req.h"

/* Why `f` cannot be stored (with *status 400 or 413), or NULL when
 * document_check() took it: *data, *len and *mime are then what to store.
 * *status 500 and NULL problem when memory ran out. */
static const char *
upload_problem(struct req *r, const struct mp_part *f, const char *note, const char *on, int *status,
    const unsigned char **data, size_t *len, const char **mime)
{
	*status = 400;
	if (f == NULL || f->filename == NULL || f->len == 0)
		return L(r, "Chưa chọn tệp, hoặc tệp rỗng.", "No file was chosen, or the file is empty.");
	if (f->filename_not_utf8)
		return L(r, "Tên tệp có ký tự không đọc được (không phải UTF-8). Hãy đổi tên tệp rồi chọn lại.",
		    "The file name has characters that cannot be read (not UTF-8). Rename the file and choose it again.");
	if (note == NULL)
		return L(r, "Ghi chú quá dài (tối đa 4000 ký tự).", "The note is too long (4000 characters at most).");
	if (*on && !fmt_is_date(on))
		return L(r, "Ngày không hợp lệ.", "The date is not a valid date.");
	switch (document_check(r->arena, (const unsigned char *)f->data, f->len, data, len, mime)) {
	case DOCUMENT_OK:
		return NULL;
	case DOCUMENT_ERR_TOO_LARGE:
		*status = 413;
		return L(r, "Tệp quá lớn: tối đa 10 MiB. Hãy chọn tệp nhỏ hơn hoặc chia tệp.",
		    "The file is too large: 10 MiB at most. Choose a smaller file or split it.");
	case DOCUMENT_ERR_PDF:
		return L(r, "Tệp bắt đầu như PDF nhưng không phải PDF hợp lệ (bị cắt dở, hoặc là trang web đổi tên).",
		    "The file starts like a PDF but is not a valid one (cut short, or a web page renamed).");
	case DOCUMENT_ERR_IMAGE:
		return L(r, "Ảnh bị hỏng hoặc có phần không kiểm tra được. Hãy chụp hoặc xuất lại ảnh.",
		    "The image is damaged or has parts that cannot be checked. Take or export it again.");
	case DOCUMENT_ERR_NOMEM:
		*status = 500;
		return NULL;
	default:
		return L(r, "Chỉ nhận PDF hoặc ảnh JPEG, PNG, WebP (xét theo nội dung tệp, không theo tên).",
		    "Only PDFs and JPEG, PNG or WebP images are accepted (judged by the file's content, not its name).");
	}
}

/* POST /admin/case-files/ID: one document for case ID. The route is
 * ROUTE_FILES | ROUTE_OFFICER, so the session, the role and the _csrf
 * inside the multipart body were checked before this runs. The file is
 * checked by content (document.c: PDFs kept byte-exact, images stripped
 * of GPS like workers' photos), its name made fit to store, its SHA-256
 * kept; a dated 'attachment' event carries the officer's note, and an
 * audit row the hash. A case outside the officer's scope is 404; every
 * refusal the officer can fix is the case page again (400, 413) with the
 * note and date they typed. */
void
page_admin_case_upload(struct req *r)
{
	enum { INS_ID };
	const char *id = r->id[0];
	struct case_lock lk;
	if (!console_found(r, case_lock(r->arena, r->app->db, id, r->officer->unit_path, &lk)))
		return;
	const struct mp_part *f = multipart_get(r->files, "file");
	const char *note = console_posted_max(r, "note", 4000), *on = kv_get_or_empty(&r->form, "on_date");
	const unsigned char *data = NULL;
	size_t len = 0;
	const char *mime = NULL;
	int status;
	const char *problem = upload_problem(r, f, note, on, &status, &data, &len, &mime);
	if (status == 500) {
		http_error(r, 500, MSG__MAX);
		return;
	}
	if (problem) {
		case_page(r, id, status, problem, "attach");
		return;
	}
	const char *name = document_filename(r->arena, f->filename, mime);
	unsigned char sha[crypto_hash_sha256_BYTES];
	char hex[crypto_hash_sha256_BYTES * 2 + 1], size[24];
	crypto_hash_sha256(sha, data, len);
	sodium_bin2hex(hex, sizeof(hex), sha, sizeof(sha));
	snprintf(size, sizeof(size), "%zu", len);
	const char *params[7] = { id, name, mime, size, (const char *)sha, (const char *)data, r->officer->id };
	const int lengths[7] = { 0, 0, 0, 0, sizeof(sha), (int)len, 0 };
	const int binary[7] = { 0, 0, 0, 0, 1, 1, 0 };
	if (name == NULL) {
		http_error(r, 500, MSG__MAX);
		return;
	}
	PGresult *ins = db_run(r->app->db, STMT_CASE_ATTACHMENT_INSERT, params, lengths, binary);
	if (ins == NULL || !db_ok(ins) || PQntuples(ins) != 1) {
		console_db_failed(r, ins, "case attachment insert");
		return;
	}
	const char *aid = arena_strdup(r->arena, PQgetvalue(ins, 0, INS_ID));
	PQclear(ins);
	const char *e[5] = { id, r->officer->id, note, *on ? on : NULL, aid };
	PGresult *ev = db_query(r->app->db, "INSERT INTO case_event (case_id, kind, officer_id, note, on_date, attachment_id) "
	    "VALUES ($1::bigint, 'attachment', $2::bigint, $3, coalesce($4::date, (now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date), "
	    "$5::bigint)", 5, e);
	if (ev == NULL || !db_ok(ev)) {
		console_db_failed(r, ev, "case attachment event");
		return;
	}
	PQclear(ev);
	audit_officer(r, "case.attach", arena_printf(r->arena, "case:%s", id),
	    arena_printf(r->arena, "attachment:%s sha256:%s %s", aid, hex, name));
	http_redirect(r, arena_printf(r->arena, "/admin/cases/%s#attachments", id));
}

/* GET /admin/case-file/ID: a case document, to officers whose scope holds
 * its case (404 otherwise, like a missing one), as a download with its
 * name (RFC 6266 and 8187), nosniff and a sandboxing CSP (http_download),
 * so a hostile PDF or image cannot run script on the console's origin.
 * Every download is audited: these files are a dispute's evidence. 410
 * when the retention purge took its bytes. */
void
page_admin_case_file(struct req *r)
{
	enum { FILE_MIME, FILE_NAME, FILE_DATA, FILE_CASE };
	const char *id = r->id[0];
	const char *p[2] = { id, r->officer->unit_path };
	PGresult *res = db_query_bin(r->app->db, "SELECT a.mime, a.filename, a.data, a.case_id::text FROM case_attachment a "
	    "JOIN dispute_case k ON k.id = a.case_id JOIN workplace w ON w.id = k.workplace_id JOIN org_unit u ON u.id = w.unit_id "
	    "WHERE a.id = $1::bigint AND u.path LIKE $2 || '%'", 2, p);
	if (res == NULL || !db_ok(res) || PQntuples(res) != 1) {
		http_error(r, res ? 404 : 503, MSG__MAX);
		PQclear(res);
		return;
	}
	if (PQgetisnull(res, 0, FILE_DATA)) {   /* its case closed long ago: the purge deleted the bytes (sql/020) */
		PQclear(res);
		http_error(r, 410, MSG__MAX);
		return;
	}
	const char *mime = arena_strndup(r->arena, PQgetvalue(res, 0, FILE_MIME), (size_t)PQgetlength(res, 0, FILE_MIME));
	const char *name = arena_strndup(r->arena, PQgetvalue(res, 0, FILE_NAME), (size_t)PQgetlength(res, 0, FILE_NAME));
	const char *case_id = arena_strndup(r->arena, PQgetvalue(res, 0, FILE_CASE), (size_t)PQgetlength(res, 0, FILE_CASE));
	http_download(r, mime, name);
	http_buffer_write(r, PQgetvalue(res, 0, FILE_DATA), (size_t)PQgetlength(res, 0, FILE_DATA));
	PQclear(res);
	audit_officer(r, "case.download", arena_printf(r->arena, "case:%s", case_id), arena_printf(r->arena, "attachment:%s", id));
}
