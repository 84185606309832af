/* notify.c: officers' notification mails: address checks, composing each kind of notice from its outbox row, the RFC 5322 text the sender hands to SMTP. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libpq-fe.h>
#include <sodium.h>

#include "app.h"
#include "arena.h"
#include "buf.h"
#include "db.h"
#include "fmt.h"
#include "notify.h"

const char *
notify_email_problem(const char *addr)
{
	static const char *const bad = "địa chỉ thư điện tử không hợp lệ (vd. ten@donvi.vn) / not a valid e-mail address "
	    "(e.g. name@unit.vn)";
	size_t n = addr ? strlen(addr) : 0;
	if (n == 0)
		return "cần địa chỉ thư điện tử / an e-mail address is needed";
	if (n > NOTIFY_EMAIL_MAX)
		return "địa chỉ quá dài (tối đa 254 ký tự) / the address is too long (254 characters at most)";
	const char *at = strchr(addr, '@');
	if (at == NULL || at == addr || strchr(at + 1, '@') != NULL || at - addr > 64)
		return bad;
	/* the local part: the dot-atom characters of RFC 5322, no leading, trailing or double dot */
	static const char local_ok[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.!#$%&'*+/=?^_`{|}~-";
	if (strspn(addr, local_ok) != (size_t)(at - addr) || addr[0] == '.' || at[-1] == '.' || strstr(addr, "..") != NULL)
		return bad;
	/* the domain: labels of letters, digits and '-', at least two of them */
	const char *d = at + 1;
	int labels = 0;
	while (*d) {
		size_t l = strspn(d, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-");
		if (l == 0 || l > 63 || d[0] == '-' || d[l - 1] == '-')
			return bad;
		labels++;
		d += l;
		if (*d == '.') {
			d++;
			if (*d == '\0')
				return bad;
		} else if (*d != '\0') {
			return bad;
		}
	}
	return labels >= 2 ? NULL : bad;
}

/* The console link of a notice. */
static const char *
link(struct arena *a, const char *base_url, const char *path)
{
	size_t n = strlen(base_url);
	return arena_printf(a, "%.*s%s", (int)(n > 0 && base_url[n - 1] == '/' ? n - 1 : n), base_url, path);
}

static const char *const footer =
    "\r\n--\r\nThư tự động của Tiếng nói. Để bảo vệ người lao động, thư không chứa nội dung phản ánh, "
    "thông tin liên lạc hay ảnh: hãy mở bảng điều khiển để xem.\r\n"
    "Đổi loại thư nhận được: trang Tài khoản trong bảng điều khiển.\r\n";

/* An urgent report: form, workplace, unit, time, link; the first line only
 * where the unit allows it and the worker is not anonymous. */
static enum found
compose_urgent(struct db *db, struct arena *a, const char *officer_id, const char *payload, const char *base, struct mail *m)
{
	enum { C_EMAIL, C_ID, C_FORM, C_WORKPLACE, C_UNIT, C_AT, C_FIRST };
	const char *p[2] = { officer_id, payload };
	PGresult *res = db_query(db, "SELECT o.email, s.id, s.form_id, w.name, u.name, "
	    "to_char(s.received_at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'YYYY-MM-DD HH24:MI'), "
	    "CASE WHEN (s.contact_sealed IS NOT NULL OR s.channel <> 'qr') AND EXISTS (SELECT 1 FROM org_unit f "
	    "  WHERE u.path LIKE f.path || '%' AND f.notify_first_line) THEN left(split_part(btrim(coalesce(s.answers->>'text', "
	    "  s.answers->>'description', s.answers->>'details', s.answers->>'comments', '')), E'\\n', 1), 200) ELSE '' END "
	    "FROM officer o, submission s JOIN workplace w ON w.id = s.workplace_id JOIN org_unit u ON u.id = w.unit_id "
	    "WHERE o.id = $1 AND o.email IS NOT NULL AND s.id = ($2::jsonb->>'submission_id')::bigint", 2, p);
	enum found one = db_one(res);
	if (one != FOUND)
		return one;
	const char *id = PQgetvalue(res, 0, C_ID), *wp = PQgetvalue(res, 0, C_WORKPLACE);
	m->to = arena_strdup(a, PQgetvalue(res, 0, C_EMAIL));
	m->subject = arena_printf(a, "[Tiếng nói] Phản ánh KHẨN CẤP #%s — %s", id, wp);
	struct buf b = { 0 };
	buf_appendf(&b, "Có một phản ánh khẩn cấp cần xử lý ngay.\r\n\r\n"
	    "Mã phản ánh: #%s\r\nBiểu mẫu: %s\r\nNơi làm việc: %s\r\nĐơn vị: %s\r\nNhận lúc: %s\r\nMức độ: khẩn cấp\r\n",
	    id, PQgetvalue(res, 0, C_FORM), wp, PQgetvalue(res, 0, C_UNIT), fmt_dmy(a, PQgetvalue(res, 0, C_AT)));
	if (*PQgetvalue(res, 0, C_FIRST))
		buf_appendf(&b, "Dòng đầu: %s\r\n", PQgetvalue(res, 0, C_FIRST));
	buf_appendf(&b, "\r\nXem và xử lý: %s\r\n%s", link(a, base, arena_printf(a, "/admin/s/%s", id)), footer);
	m->body = b.failed ? NULL : arena_strndup(a, b.data, b.len);
	buf_free(&b);
	PQclear(res);
	return m->body ? FOUND : DB_DOWN;
}

/* A worker answered on a report (and case) assigned to the officer. */
static enum found
compose_reply(struct db *db, struct arena *a, const char *officer_id, const char *payload, const char *base, struct mail *m)
{
	enum { C_EMAIL, C_ID, C_FORM, C_WORKPLACE, C_CASE };
	const char *p[2] = { officer_id, payload };
	PGresult *res = db_query(db, "SELECT o.email, s.id, s.form_id, w.name, coalesce($2::jsonb->>'case_id', '') "
	    "FROM officer o, submission s JOIN workplace w ON w.id = s.workplace_id "
	    "WHERE o.id = $1 AND o.email IS NOT NULL AND s.id = ($2::jsonb->>'submission_id')::bigint", 2, p);
	enum found one = db_one(res);
	if (one != FOUND)
		return one;
	const char *id = PQgetvalue(res, 0, C_ID), *kase = PQgetvalue(res, 0, C_CASE);
	m->to = arena_strdup(a, PQgetvalue(res, 0, C_EMAIL));
	m->subject = arena_printf(a, "[Tiếng nói] Người lao động đã trả lời — phản ánh #%s", id);
	m->body = arena_printf(a, "Người lao động đã trả lời trong phản ánh #%s (biểu mẫu %s, nơi làm việc %s)%s%s%s.\r\n\r\n"
	    "Đọc và trả lời: %s\r\n%s", id, PQgetvalue(res, 0, C_FORM), PQgetvalue(res, 0, C_WORKPLACE),
	    *kase ? ", thuộc vụ việc #" : "", kase, *kase ? " được giao cho anh/chị" : " được giao cho anh/chị",
	    link(a, base, arena_printf(a, "/admin/s/%s", id)), footer);
	PQclear(res);
	return FOUND;
}

/* A reminder's one row (column `email_col` the officer's address, column
 * `when_col` the payload's "before" or "day"): the recipient set in `m`,
 * `today` true on the day. MISSING or DB_DOWN as db_one() says (res
 * cleared then). */
static enum found
reminder_open(PGresult *res, struct arena *a, struct mail *m, int email_col, int when_col, bool *today)
{
	enum found one = db_one(res);
	if (one != FOUND)
		return one;
	*today = strcmp(PQgetvalue(res, 0, when_col), "day") == 0;
	m->to = arena_strdup(a, PQgetvalue(res, 0, email_col));
	return FOUND;
}

/* A case deadline: N working days ahead, or today. */
static enum found
compose_deadline(struct db *db, struct arena *a, const char *officer_id, const char *payload, const char *base, struct mail *m)
{
	enum { C_EMAIL, C_CASE, C_WORKPLACE, C_WHAT, C_DUE, C_WHEN, C_SOURCE };
	const char *p[2] = { officer_id, payload };
	PGresult *res = db_query(db, "SELECT o.email, k.id, w.name, d.description_vi, d.due_on::text, $2::jsonb->>'when', d.source "
	    "FROM officer o, dispute_case k JOIN workplace w ON w.id = k.workplace_id "
	    "CROSS JOIN LATERAL case_deadlines(k.id) d "
	    "WHERE o.id = $1 AND o.email IS NOT NULL AND k.id = ($2::jsonb->>'case_id')::bigint AND d.code = $2::jsonb->>'code'", 2, p);
	bool today;
	enum found one = reminder_open(res, a, m, C_EMAIL, C_WHEN, &today);
	if (one != FOUND)
		return one;
	const char *k = PQgetvalue(res, 0, C_CASE), *due = fmt_dmy(a, PQgetvalue(res, 0, C_DUE));
	m->subject = today ? arena_printf(a, "[Tiếng nói] HÔM NAY đến hạn: vụ việc #%s", k)
	                   : arena_printf(a, "[Tiếng nói] Sắp đến hạn %s: vụ việc #%s", due, k);
	m->body = arena_printf(a, "Vụ việc #%s (nơi làm việc %s) có hạn %s.\r\n\r\nHạn: %s\r\nNgày đến hạn: %s\r\nCăn cứ: %s\r\n\r\n"
	    "Mở vụ việc: %s\r\n%s", k, PQgetvalue(res, 0, C_WORKPLACE), today ? "hôm nay" : "sắp tới",
	    PQgetvalue(res, 0, C_WHAT), due, PQgetvalue(res, 0, C_SOURCE),
	    link(a, base, arena_printf(a, "/admin/cases/%s", k)), footer);
	PQclear(res);
	return FOUND;
}

/* A collective agreement expiring: within the renewal window (BLLĐ 2019
 * Điều 81, agreement_warn_days()) or today. Names the workplace, the
 * dates and the article, and links the agreements register. */
static enum found
compose_agreement(struct db *db, struct arena *a, const char *officer_id, const char *payload, const char *base, struct mail *m)
{
	enum { C_EMAIL, C_WORKPLACE, C_UNIT, C_SIGNED, C_EFFECTIVE, C_EXPIRES, C_DAYS, C_WHEN, C_SOURCE };
	const char *p[2] = { officer_id, payload };
	PGresult *res = db_query(db, "SELECT o.email, w.name, u.name, c.signed_on::text, c.effective_on::text, c.expires_on::text, "
	    "agreement_warn_days()::text, $2::jsonb->>'when', coalesce((SELECT d.source FROM legal_deadline d "
	    "WHERE d.code = 'agreement_renewal'), 'Bộ luật Lao động 2019, Điều 81') "
	    "FROM officer o, collective_agreement c JOIN workplace w ON w.id = c.workplace_id JOIN org_unit u ON u.id = w.unit_id "
	    "WHERE o.id = $1 AND o.email IS NOT NULL AND c.id = ($2::jsonb->>'agreement_id')::bigint", 2, p);
	bool today = false;
	enum found one = reminder_open(res, a, m, C_EMAIL, C_WHEN, &today);
	if (one == FOUND) {
		const char *wp = PQgetvalue(res, 0, C_WORKPLACE), *expires = fmt_dmy(a, PQgetvalue(res, 0, C_EXPIRES));
		const char *when = today ? "HÔM NAY hết hạn" : arena_printf(a, "hết hạn %s", expires);
		m->subject = arena_printf(a, "[Tiếng nói] Thỏa ước lao động tập thể %s — %s", when, wp);
		m->body = arena_printf(a, "Thỏa ước lao động tập thể của %s (%s) %s.\r\n\r\nKý ngày: %s\r\nCó hiệu lực từ: %s\r\n"
		    "Hết hạn: %s\r\n\r\nTrong %s ngày trước khi thỏa ước hết hạn, các bên có thể thương lượng để kéo dài thời hạn "
		    "hoặc ký kết thỏa ước mới (căn cứ: %s).\r\n\r\nSổ thỏa ước: %s\r\n%s", wp, PQgetvalue(res, 0, C_UNIT),
		    today ? "hết hạn hôm nay" : "sắp hết hạn", fmt_dmy(a, PQgetvalue(res, 0, C_SIGNED)),
		    fmt_dmy(a, PQgetvalue(res, 0, C_EFFECTIVE)), expires, PQgetvalue(res, 0, C_DAYS), PQgetvalue(res, 0, C_SOURCE),
		    link(a, base, "/admin/agreements"), footer);
		PQclear(res);
	}
	return one;
}

/* The daily digest: new reports by workplace and form since the last one,
 * replies waiting, and case deadlines in the next 7 days, overdue first. */
static enum found
compose_digest(struct db *db, struct arena *a, const char *officer_id, const char *payload, const char *base, struct mail *m)
{
	enum { C_EMAIL, C_PATH, C_DAY };
	const char *p[2] = { officer_id, payload };
	PGresult *res = db_query(db, "SELECT o.email, u.path, $2::jsonb->>'day' FROM officer o JOIN org_unit u ON u.id = o.unit_id "
	    "WHERE o.id = $1 AND o.email IS NOT NULL", 2, p);
	enum found one = db_one(res);
	if (one != FOUND)
		return one;
	m->to = arena_strdup(a, PQgetvalue(res, 0, C_EMAIL));
	const char *path = arena_strdup(a, PQgetvalue(res, 0, C_PATH)), *day = fmt_dmy(a, PQgetvalue(res, 0, C_DAY));
	PQclear(res);
	m->subject = arena_printf(a, "[Tiếng nói] Tóm tắt ngày %s", day);

	struct buf b = { 0 };
	buf_appendf(&b, "Tóm tắt ngày %s cho đơn vị của anh/chị.\r\n\r\nPHẢN ÁNH MỚI (theo nơi làm việc và biểu mẫu)\r\n", day);
	enum { N_WORKPLACE, N_FORM, N_COUNT, N_URGENT };
	const char *q[2] = { path, payload };
	res = db_query(db, "SELECT w.name, s.form_id, count(*), count(*) FILTER (WHERE notify_is_urgent(s)) "
	    "FROM submission s JOIN workplace w ON w.id = s.workplace_id JOIN org_unit u ON u.id = w.unit_id "
	    "WHERE u.path LIKE $1 || '%' AND s.status <> 'spam' AND (s.urgent AND s.status = 'new') = ANY ('{t,f}') "
	    "AND s.received_at >= ($2::jsonb->>'since')::timestamptz "   /* each workplace's day in the queue index: sql/060 */
	    "AND s.received_at < ($2::jsonb->>'until')::timestamptz GROUP BY 1, 2 ORDER BY 1, 2", 2, q);
	if (!db_ok(res))
		goto fail;
	if (PQntuples(res) == 0)
		buf_puts(&b, "  (không có)\r\n");
	for (int i = 0; i < PQntuples(res); i++) {
		buf_appendf(&b, "  %s — %s: %s", PQgetvalue(res, i, N_WORKPLACE), PQgetvalue(res, i, N_FORM), PQgetvalue(res, i, N_COUNT));
		if (strcmp(PQgetvalue(res, i, N_URGENT), "0") != 0)
			buf_appendf(&b, " (khẩn cấp: %s)", PQgetvalue(res, i, N_URGENT));
		buf_puts(&b, "\r\n");
	}
	PQclear(res);

	enum { R_COUNT };
	res = db_query(db, "SELECT count(*) FROM submission s JOIN workplace w ON w.id = s.workplace_id "
	    "JOIN org_unit u ON u.id = w.unit_id WHERE u.path LIKE $1 || '%' AND s.worker_replied_at IS NOT NULL "
	    "AND s.status NOT IN ('resolved', 'spam') AND NOT EXISTS (SELECT 1 FROM message x WHERE x.submission_id = s.id "
	    "AND x.author = 'officer' AND x.created_at > s.worker_replied_at)", 1, q);
	if (!db_ok(res))
		goto fail;
	buf_appendf(&b, "\r\nNGƯỜI LAO ĐỘNG ĐÃ TRẢ LỜI, CHỜ CÁN BỘ: %s\r\n", PQgetvalue(res, 0, R_COUNT));
	PQclear(res);

	enum { D_CASE, D_WORKPLACE, D_WHAT, D_DUE, D_OVERDUE };
	res = db_query(db, "SELECT k.id, w.name, d.description_vi, d.due_on::text, d.due_on < ($2::jsonb->>'day')::date "
	    "FROM dispute_case k JOIN workplace w ON w.id = k.workplace_id JOIN org_unit u ON u.id = w.unit_id "
	    "CROSS JOIN LATERAL case_deadlines(k.id) d WHERE u.path LIKE $1 || '%' AND k.stage <> 'closed' AND d.current "
	    "AND d.due_on <= ($2::jsonb->>'day')::date + 7 ORDER BY d.due_on < ($2::jsonb->>'day')::date DESC, d.due_on, k.id "
	    "LIMIT 200", 2, q);
	if (!db_ok(res))
		goto fail;
	buf_puts(&b, "\r\nHẠN CHÓT VỤ VIỆC TRONG 7 NGÀY TỚI (quá hạn trước)\r\n");
	if (PQntuples(res) == 0)
		buf_puts(&b, "  (không có)\r\n");
	for (int i = 0; i < PQntuples(res); i++)
		buf_appendf(&b, "  %s%s — vụ việc #%s, %s: %s\r\n", strcmp(PQgetvalue(res, i, D_OVERDUE), "t") == 0 ? "QUÁ HẠN " : "",
		    fmt_dmy(a, PQgetvalue(res, i, D_DUE)), PQgetvalue(res, i, D_CASE), PQgetvalue(res, i, D_WORKPLACE),
		    PQgetvalue(res, i, D_WHAT));
	PQclear(res);
	buf_appendf(&b, "\r\nMở bảng điều khiển: %s\r\n%s", link(a, base, "/admin/"), footer);
	m->body = b.failed ? NULL : arena_strndup(a, b.data, b.len);
	buf_free(&b);
	return m->body ? FOUND : DB_DOWN;
fail:
	PQclear(res);
	buf_free(&b);
	return DB_DOWN;
}

/* The link that confirms an address typed in the console. */
static enum found
compose_confirm(struct db *db, struct arena *a, const char *officer_id, const char *payload, const char *base, struct mail *m)
{
	enum { C_TO, C_TOKEN, C_USER };
	const char *p[2] = { officer_id, payload };
	PGresult *res = db_query(db, "SELECT $2::jsonb->>'address', $2::jsonb->>'token', o.username FROM officer o "
	    "WHERE o.id = $1 AND o.email_pending = $2::jsonb->>'address' AND o.email_token_expires > now()", 2, p);
	enum found one = db_one(res);
	if (one != FOUND)
		return one;
	m->to = arena_strdup(a, PQgetvalue(res, 0, C_TO));
	m->subject = "[Tiếng nói] Xác nhận địa chỉ thư điện tử";
	m->body = arena_printf(a, "Tài khoản %s vừa đăng ký địa chỉ này để nhận thông báo của Tiếng nói.\r\n\r\n"
	    "Để xác nhận, đăng nhập rồi mở liên kết sau (hiệu lực 48 giờ):\r\n%s\r\n\r\n"
	    "Nếu không phải anh/chị, hãy bỏ qua thư này.\r\n%s", PQgetvalue(res, 0, C_USER),
	    link(a, base, arena_printf(a, "/admin/account/email?t=%s", PQgetvalue(res, 0, C_TOKEN))), footer);
	PQclear(res);
	return FOUND;
}

enum found
notify_compose(struct db *db, struct arena *a, const char *event, const char *officer_id, const char *payload,
    const char *base_url, struct mail *out)
{
	memset(out, 0, sizeof(*out));
	out->event = event;
	if (strcmp(event, "submission.urgent") == 0)
		return compose_urgent(db, a, officer_id, payload, base_url, out);
	if (strcmp(event, "worker.replied") == 0)
		return compose_reply(db, a, officer_id, payload, base_url, out);
	if (strcmp(event, "case.deadline") == 0)
		return compose_deadline(db, a, officer_id, payload, base_url, out);
	if (strcmp(event, "agreement.expiring") == 0)
		return compose_agreement(db, a, officer_id, payload, base_url, out);
	if (strcmp(event, "digest") == 0)
		return compose_digest(db, a, officer_id, payload, base_url, out);
	if (strcmp(event, "email.confirm") == 0)
		return compose_confirm(db, a, officer_id, payload, base_url, out);
	return MISSING;
}

/* base64 of s, from the arena. */
static char *
b64(struct arena *a, const char *s, size_t n)
{
	size_t cap = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL);
	char *out = arena_alloc(a, cap);
	if (out != NULL)
		sodium_bin2base64(out, cap, (const unsigned char *)s, n, sodium_base64_VARIANT_ORIGINAL);
	return out;
}

const char *
notify_from_address(struct arena *a, const char *mail_from)
{
	const char *lt = strrchr(mail_from, '<'), *gt = lt ? strchr(lt, '>') : NULL;
	return lt && gt ? arena_strndup(a, lt + 1, (size_t)(gt - lt - 1)) : mail_from;
}

/* The From header's value: "=?UTF-8?B?NAME?= <addr>" when mail_from
 * carries a display name (Vietnamese needs the encoded word), else <addr>. */
static const char *
from_header(struct arena *a, const char *mail_from)
{
	const char *addr = notify_from_address(a, mail_from), *lt = strrchr(mail_from, '<');
	if (lt == NULL)
		return arena_printf(a, "<%s>", addr);
	const char *s = mail_from, *e = lt;
	while (s < e && (*s == ' ' || *s == '"'))
		s++;
	while (e > s && (e[-1] == ' ' || e[-1] == '"'))
		e--;
	if (s == e)
		return arena_printf(a, "<%s>", addr);
	return arena_printf(a, "=?UTF-8?B?%s?= <%s>", b64(a, s, (size_t)(e - s)), addr);
}
char *
notify_message(struct arena *a, const struct mail *m, const char *from, const char *message_id, time_t date)
{
	char when[64];
	struct tm tm;
	gmtime_r(&date, &tm);
	strftime(when, sizeof(when), "%a, %d %b %Y %H:%M:%S +0000", &tm);
	const char *body64 = b64(a, m->body, strlen(m->body));
	const char *subj64 = b64(a, m->subject, strlen(m->subject));
	if (body64 == NULL || subj64 == NULL)
		return NULL;
	struct buf b = { 0 };
	/* the subject as one RFC 2047 encoded word per 45 bytes of base64 input would be tidier; one word is
	 * accepted by every reader we know and keeps multi-byte characters whole */
	buf_appendf(&b, "From: %s\r\nTo: <%s>\r\nSubject: =?UTF-8?B?%s?=\r\nDate: %s\r\nMessage-ID: %s\r\nX-Tiengnoi-Event: %s\r\n"
	    "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n"
	    "Auto-Submitted: auto-generated\r\n\r\n", from_header(a, from), m->to, subj64, when, message_id, m->event);
	for (size_t i = 0, n = strlen(body64); i < n; i += 76)
		buf_appendf(&b, "%.*s\r\n", (int)(n - i < 76 ? n - i : 76), body64 + i);
	char *out = b.failed ? NULL : arena_strndup(a, b.data, b.len);
	buf_free(&b);
	return out;
}
