/* dossier.c: a case dossier for a mediator, council or lawyer: collected once from the database, written as printable HTML, JSON or XLSX. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <jansson.h>
#include <libpq-fe.h>
#include <sodium.h>
#include <xlsxwriter.h>

#include "app.h"
#include "buf.h"
#include "db.h"
#include "dispute.h"
#include "dossier.h"
#include "html.h"
#include "token.h"

/* What the dossier says when a contact is left out. */
#define NOT_INCLUDED "không đưa vào hồ sơ"

struct label { const char *value, *vi; };

static const struct label labels[] = {
	/* event kinds */
	{ "created", "Tạo vụ việc" }, { "stage", "Chuyển giai đoạn" }, { "note", "Ghi chú" },
	{ "attachment", "Tệp đính kèm" }, { "totals", "Hiệu chỉnh số liệu" }, { "link", "Liên kết phản ánh" },
	{ "edit", "Sửa thông tin vụ việc" },
	/* channels */
	{ "qr", "Mã QR" }, { "phone", "Điện thoại" }, { "in_person", "Trực tiếp" }, { "paper", "Giấy" },
};

/* The Vietnamese name of a stored value (kind, stage, ...); the value itself when unknown. */
static const char *
label_vi(const char *value)
{
	const char *vi = dispute_vi(value);
	if (vi)
		return vi;
	for (size_t i = 0; i < sizeof(labels) / sizeof(labels[0]); i++)
		if (strcmp(labels[i].value, value) == 0)
			return labels[i].vi;
	return value;
}

enum dossier_format
dossier_format_parse(const char *name)
{
	static const char *const names[DOSSIER__MAX] = {
		"html",   /* DOSSIER_HTML */
		"json",   /* DOSSIER_JSON */
		"xlsx",   /* DOSSIER_XLSX */
	};
	for (int i = 0; i < DOSSIER__MAX; i++)
		if (strcmp(names[i], name) == 0)
			return (enum dossier_format)i;
	return DOSSIER__MAX;
}

const char *
dossier_content_type(enum dossier_format f)
{
	static const char *const types[DOSSIER__MAX] = {
		"text/html; charset=utf-8",   /* DOSSIER_HTML */
		"application/json; charset=utf-8",   /* DOSSIER_JSON */
		"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",   /* DOSSIER_XLSX */
	};
	return types[f];
}

const char *
dossier_extension(enum dossier_format f)
{
	static const char *const ext[DOSSIER__MAX] = { "html", "json", "xlsx" };
	return ext[f];
}

/* ---- collecting ---- */

static json_t *
str(const PGresult *res, int row, int col)
{
	return json_string(PQgetvalue(res, row, col));
}

/* A text column as a JSON string, or null when it is empty. */
static json_t *
str_or_null(const PGresult *res, int row, int col)
{
	const char *s = PQgetvalue(res, row, col);
	return *s ? json_string(s) : json_null();
}

static json_t *
int_or_null(const PGresult *res, int row, int col)
{
	const char *s = PQgetvalue(res, row, col);
	return *s ? json_integer(strtoll(s, NULL, 10)) : json_null();
}

/* "12000000" → "12.000.000 đ". */
static void
vnd_append(struct buf *b, long long v)
{
	char digits[32];
	snprintf(digits, sizeof(digits), "%lld", v < 0 ? -v : v);
	size_t n = strlen(digits);
	if (v < 0)
		buf_putc(b, '-');
	for (size_t i = 0; i < n; i++) {
		if (i > 0 && (n - i) % 3 == 0)
			buf_putc(b, '.');
		buf_putc(b, digits[i]);
	}
	buf_puts(b, " đ");
}

static const char *
i18n_vi(json_t *obj, const char *key)
{
	json_t *v = json_object_get(json_object_get(obj, key), "vi");
	return json_is_string(v) ? json_string_value(v) : NULL;
}

static const char *
option_vi(json_t *field, const char *value)
{
	size_t i;
	json_t *o;
	json_array_foreach(json_object_get(field, "options"), i, o) {
		json_t *v = json_object_get(o, "value");
		if (json_is_string(v) && strcmp(json_string_value(v), value) == 0 && i18n_vi(o, "label"))
			return i18n_vi(o, "label");
	}
	return value;
}

/* One answer as readable text, by the type its form version declared. */
static json_t *
answer_text(json_t *field, json_t *v)
{
	const char *type = json_string_value(json_object_get(field, "type"));
	struct buf b = { 0 };
	if (type == NULL)
		type = "text";
	if (json_is_array(v)) {
		size_t i;
		json_t *x;
		json_array_foreach(v, i, x) {
			if (i)
				buf_puts(&b, "; ");
			if (strcmp(type, "rank") == 0)
				buf_appendf(&b, "%zu. ", i + 1);
			buf_puts(&b, json_is_string(x) ? option_vi(field, json_string_value(x)) : "?");
		}
	} else if (json_is_integer(v) && strcmp(type, "money") == 0) {
		vnd_append(&b, (long long)json_integer_value(v));
	} else if (json_is_integer(v) && strcmp(type, "photo") == 0) {
		buf_appendf(&b, "%lld ảnh (xem danh sách tệp)", (long long)json_integer_value(v));
	} else if (json_is_number(v)) {
		buf_appendf(&b, "%.15g", json_number_value(v));
	} else if (json_is_string(v)) {
		const char *s = json_string_value(v);
		if (strcmp(type, "yesno") == 0)
			s = strcmp(s, "yes") == 0 ? "Có" : strcmp(s, "no") == 0 ? "Không" : "Không rõ";
		else if (strcmp(type, "select") == 0)
			s = option_vi(field, s);
		buf_puts(&b, s);
	} else if (json_is_boolean(v)) {
		buf_puts(&b, json_is_true(v) ? "Có" : "Không");
	}
	json_t *out = json_string(b.data && !b.failed ? b.data : "");
	buf_free(&b);
	return out;
}

/* The answers in the order of the form version the worker saw, each with its label. */
static json_t *
answers_labelled(const char *definition, const char *answers_json)
{
	json_error_t err;
	json_t *def = json_loads(definition, 0, &err), *ans = json_loads(answers_json, 0, &err), *out = json_array();
	size_t i;
	json_t *field;
	json_array_foreach(json_object_get(def, "fields"), i, field) {
		const char *name = json_string_value(json_object_get(field, "name"));
		json_t *v = name ? json_object_get(ans, name) : NULL;
		if (v == NULL)
			continue;
		const char *type = json_string_value(json_object_get(field, "type"));
		json_array_append_new(out, json_pack("{s:s, s:s, s:s, s:O, s:o}", "name", name,
		    "label", i18n_vi(field, "label") ? i18n_vi(field, "label") : name, "type", type ? type : "text",
		    "value", v, "text", answer_text(field, v)));
	}
	json_decref(def);
	json_decref(ans);
	return out;
}

/* The form title of a version's definition, else its id. */
static json_t *
form_title(const char *definition, const char *form_id)
{
	json_error_t err;
	json_t *def = json_loads(definition, 0, &err);
	json_t *t = json_string(def && i18n_vi(def, "title") ? i18n_vi(def, "title") : form_id);
	json_decref(def);
	return t;
}

static bool
query_ok(PGresult *res, bool *db_failed)
{
	if (res != NULL && db_ok(res))
		return true;
	*db_failed = true;
	return false;
}

/* The linked reports with answers, messages and (if allowed) contacts;
 * adds the ids of the contacts it opened to `included`. */
static json_t *
collect_reports(struct db *db, const char *case_id, const struct keys *keys, json_t *included, bool *db_failed)
{
	const char *p[1] = { case_id };
	json_t *out = json_array();
	PGresult *s = db_query(db, "SELECT s.id, s.form_id, s.form_version, "
	    "to_char(s.received_at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'YYYY-MM-DD HH24:MI'), s.channel, s.status, s.urgent, "
	    "s.answers::text, coalesce(f.definition::text, '{}'), s.contact_sealed IS NOT NULL, "
	    "EXISTS (SELECT 1 FROM audit_log a WHERE a.action = 'contact.reveal' AND a.object = 'submission:' || s.id "
	    "AND a.detail = '') "
	    "FROM case_submission cs JOIN submission s ON s.id = cs.submission_id "
	    "LEFT JOIN form_version f ON f.form_id = s.form_id AND f.version = s.form_version "
	    "WHERE cs.case_id = $1::bigint ORDER BY s.id", 1, p);
	if (!query_ok(s, db_failed)) {
		PQclear(s);
		return out;
	}
	for (int i = 0; i < PQntuples(s); i++) {
		const char *sid = PQgetvalue(s, i, 0);
		bool has_contact = PQgetvalue(s, i, 9)[0] == 't', revealed = PQgetvalue(s, i, 10)[0] == 't';
		json_t *rep = json_pack("{s:I, s:s, s:o, s:I, s:s, s:s, s:s, s:s, s:b, s:o}",
		    "id", (json_int_t)strtoll(sid, NULL, 10), "form", PQgetvalue(s, i, 1),
		    "form_title", form_title(PQgetvalue(s, i, 8), PQgetvalue(s, i, 1)),
		    "version", (json_int_t)strtoll(PQgetvalue(s, i, 2), NULL, 10), "received_at", PQgetvalue(s, i, 3),
		    "channel", PQgetvalue(s, i, 4), "channel_label", label_vi(PQgetvalue(s, i, 4)), "status", PQgetvalue(s, i, 5),
		    "urgent", PQgetvalue(s, i, 6)[0] == 't', "answers", answers_labelled(PQgetvalue(s, i, 8), PQgetvalue(s, i, 7)));

		/* contact: only one an officer already revealed, and only for a requester allowed to see it */
		char *plain = NULL;
		if (has_contact && revealed && keys != NULL && keys->has_contact_sk) {
			const char *q[1] = { sid };
			PGresult *c = db_query_bin(db, "SELECT contact_sealed FROM submission WHERE id = $1::bigint "
			    "AND contact_sealed IS NOT NULL", 1, q);
			if (c && db_ok(c) && PQntuples(c) == 1)
				plain = keys_open(keys, (const unsigned char *)PQgetvalue(c, 0, 0), (size_t)PQgetlength(c, 0, 0));
			PQclear(c);
		}
		if (plain) {
			json_object_set_new(rep, "contact", json_string(plain));
			json_object_set_new(rep, "contact_note", json_string(""));
			json_array_append_new(included, json_integer(strtoll(sid, NULL, 10)));
			sodium_memzero(plain, strlen(plain));
			free(plain);
		} else {
			json_object_set_new(rep, "contact", json_null());
			json_object_set_new(rep, "contact_note", json_string(has_contact ? NOT_INCLUDED : "không có"));
		}

		/* the thread with the worker, their replies included */
		const char *q[1] = { sid };
		PGresult *m = db_query(db, "SELECT m.author, m.body, "
		    "to_char(m.created_at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'YYYY-MM-DD HH24:MI'), "
		    "coalesce(nullif(o.display_name, ''), o.username, '') FROM message m LEFT JOIN officer o ON o.id = m.officer_id "
		    "WHERE m.submission_id = $1::bigint ORDER BY m.created_at, m.id", 1, q);
		json_t *msgs = json_array();
		if (query_ok(m, db_failed))
			for (int j = 0; j < PQntuples(m); j++) {
				bool worker = strcmp(PQgetvalue(m, j, 0), "worker") == 0;
				json_array_append_new(msgs, json_pack("{s:s, s:s, s:s, s:s}", "author", PQgetvalue(m, j, 0),
				    "from", worker ? "Người lao động" : PQgetvalue(m, j, 3), "at", PQgetvalue(m, j, 2),
				    "body", PQgetvalue(m, j, 1)));
			}
		PQclear(m);
		json_object_set_new(rep, "messages", msgs);
		json_array_append_new(out, rep);
	}
	PQclear(s);
	return out;
}

/* The whole dossier of a case inside scope_path ("/" for the CLI), as a
 * JSON object the caller owns; NULL when there is no such case in scope
 * (or *db_failed when the database failed). contact_keys: NULL leaves
 * every contact out; else contacts an officer revealed before are opened
 * and their submission ids put in *contacts_included (caller owns; audit them). */
json_t *
dossier_collect(struct db *db, const char *case_id, const char *scope_path, const struct keys *contact_keys,
    json_t **contacts_included, bool *db_failed)
{
	*db_failed = false;
	*contacts_included = NULL;
	size_t n = strspn(case_id, "0123456789");
	if (n == 0 || n > 18 || case_id[n] != '\0')
		return NULL;
	const char *p[2] = { case_id, scope_path };
	PGresult *k = db_query(db,
	    "SELECT k.id, k.title, k.kind, k.scope, k.stage, k.stage_entered_on::text, coalesce(k.outcome, ''), "
	    "coalesce(k.violation_known_on::text, ''), coalesce(k.workers_affected::text, ''), "
	    "coalesce(k.months_owed::text, ''), coalesce(k.amount_owed_vnd::text, ''), k.totals_corrected, "
	    "w.name, w.code, coalesce(w.tax_code, ''), coalesce(w.address, ''), coalesce(cu.name, ''), "
	    "coalesce(nullif(o.display_name, ''), o.username, ''), "
	    "to_char(k.created_at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'YYYY-MM-DD HH24:MI'), "
	    "t.workers::text, t.months::text, t.amount::text, k.unit_id, "
	    "to_char(now() AT TIME ZONE 'Asia/Ho_Chi_Minh', 'YYYY-MM-DD HH24:MI') "
	    "FROM dispute_case k JOIN workplace w ON w.id = k.workplace_id JOIN org_unit u ON u.id = w.unit_id "
	    "LEFT JOIN org_unit cu ON cu.id = k.unit_id LEFT JOIN officer o ON o.id = k.assignee_id "
	    "CROSS JOIN LATERAL case_totals(k.id) t "
	    "WHERE k.id = $1::bigint AND u.path LIKE $2 || '%'", 2, p);
	if (!query_ok(k, db_failed) || PQntuples(k) != 1) {
		PQclear(k);
		return NULL;
	}
	json_t *d = json_object();
	json_object_set_new(d, "generated_at", str(k, 0, 23));
	json_object_set_new(d, "case", json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:{s:s, s:s, s:o, s:o}, s:s, s:I, s:s, "
	    "s:s, s:s, s:o, s:o, s:o, s:o, s:s}",
	    "id", (json_int_t)strtoll(case_id, NULL, 10), "title", PQgetvalue(k, 0, 1),
	    "kind", PQgetvalue(k, 0, 2), "kind_label", label_vi(PQgetvalue(k, 0, 2)),
	    "scope", PQgetvalue(k, 0, 3), "scope_label", label_vi(PQgetvalue(k, 0, 3)),
	    "workplace", "name", PQgetvalue(k, 0, 12), "code", PQgetvalue(k, 0, 13),
	    "tax_code", str_or_null(k, 0, 14), "address", str_or_null(k, 0, 15),
	    "unit", PQgetvalue(k, 0, 16), "unit_id", (json_int_t)strtoll(PQgetvalue(k, 0, 22), NULL, 10),
	    "stage", PQgetvalue(k, 0, 4), "stage_label", label_vi(PQgetvalue(k, 0, 4)), "stage_entered_on", PQgetvalue(k, 0, 5),
	    "outcome", str_or_null(k, 0, 6),
	    "outcome_label", *PQgetvalue(k, 0, 6) ? json_string(label_vi(PQgetvalue(k, 0, 6))) : json_null(),
	    "assignee", str_or_null(k, 0, 17), "violation_known_on", str_or_null(k, 0, 7), "created_at", PQgetvalue(k, 0, 18)));
	json_object_set_new(d, "totals", json_pack("{s:{s:o, s:o, s:o}, s:b, s:{s:o, s:o, s:o}}",
	    "computed", "workers", int_or_null(k, 0, 19), "months", int_or_null(k, 0, 20), "amount_vnd", int_or_null(k, 0, 21),
	    "corrected_by_officer", PQgetvalue(k, 0, 11)[0] == 't',
	    "case", "workers", int_or_null(k, 0, 8), "months", int_or_null(k, 0, 9), "amount_vnd", int_or_null(k, 0, 10)));
	PQclear(k);

	json_t *deadlines = json_array();
	PGresult *dl = db_query(db, "SELECT code, description_vi, coalesce(due_on::text, ''), source, current, counted_from "
	    "FROM case_deadlines($1::bigint)", 1, p);
	if (query_ok(dl, db_failed))
		for (int i = 0; i < PQntuples(dl); i++)
			json_array_append_new(deadlines, json_pack("{s:s, s:s, s:o, s:s, s:b, s:s}", "code", PQgetvalue(dl, i, 0),
			    "description", PQgetvalue(dl, i, 1), "due_on", str_or_null(dl, i, 2), "source", PQgetvalue(dl, i, 3),
			    "current", PQgetvalue(dl, i, 4)[0] == 't', "counted_from", PQgetvalue(dl, i, 5)));
	PQclear(dl);
	json_object_set_new(d, "deadlines", deadlines);

	json_t *timeline = json_array();
	PGresult *ev = db_query(db, "SELECT e.on_date::text, to_char(e.at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'YYYY-MM-DD HH24:MI'), "
	    "e.kind, coalesce(e.from_stage, ''), coalesce(e.to_stage, ''), e.note, coalesce(nullif(o.display_name, ''), o.username, '') "
	    "FROM case_event e LEFT JOIN officer o ON o.id = e.officer_id WHERE e.case_id = $1::bigint ORDER BY e.at, e.id", 1, p);
	if (query_ok(ev, db_failed))
		for (int i = 0; i < PQntuples(ev); i++)
			json_array_append_new(timeline, json_pack("{s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:s}",
			    "on_date", PQgetvalue(ev, i, 0), "at", PQgetvalue(ev, i, 1), "kind", PQgetvalue(ev, i, 2),
			    "kind_label", label_vi(PQgetvalue(ev, i, 2)), "from_stage", str_or_null(ev, i, 3),
			    "to_stage", str_or_null(ev, i, 4),
			    "to_stage_label", *PQgetvalue(ev, i, 4) ? json_string(label_vi(PQgetvalue(ev, i, 4))) : json_null(),
			    "officer", str_or_null(ev, i, 6), "note", PQgetvalue(ev, i, 5)));
	PQclear(ev);
	json_object_set_new(d, "timeline", timeline);

	*contacts_included = json_array();
	json_object_set_new(d, "reports", collect_reports(db, case_id, contact_keys, *contacts_included, db_failed));

	json_t *files = json_array();
	/* case documents (with who added them) first, then the photos of the linked reports */
	PGresult *at = db_query(db, "SELECT 'case', NULL::bigint, c.filename, c.mime, c.size, encode(c.sha256, 'hex'), "
	    "to_char(c.created_at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'YYYY-MM-DD HH24:MI'), c.id, "
	    "coalesce(nullif(o.display_name, ''), o.username, ''), to_char(c.purged_at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'YYYY-MM-DD') "
	    "FROM case_attachment c LEFT JOIN officer o ON o.id = c.officer_id "
	    "WHERE c.case_id = $1::bigint "
	    "UNION ALL SELECT 'report', a.submission_id, 'phan-anh-' || a.submission_id || '-anh-' || a.id || "
	    "CASE a.mime WHEN 'image/png' THEN '.png' WHEN 'image/webp' THEN '.webp' WHEN 'application/pdf' THEN '.pdf' "
	    "ELSE '.jpg' END, a.mime, a.size, encode(a.sha256, 'hex'), "
	    "to_char(a.created_at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'YYYY-MM-DD HH24:MI'), a.id, '', NULL "
	    "FROM attachment a JOIN case_submission cs ON cs.submission_id = a.submission_id WHERE cs.case_id = $1::bigint "
	    "ORDER BY 1, 2 NULLS FIRST, 8", 1, p);
	if (query_ok(at, db_failed))
		for (int i = 0; i < PQntuples(at); i++)
			json_array_append_new(files, json_pack("{s:s, s:I, s:o, s:s, s:s, s:I, s:s, s:s, s:o, s:o}", "source", PQgetvalue(at, i, 0),
			    "id", (json_int_t)strtoll(PQgetvalue(at, i, 7), NULL, 10),
			    "report_id", int_or_null(at, i, 1), "filename", PQgetvalue(at, i, 2), "mime", PQgetvalue(at, i, 3),
			    "size", (json_int_t)strtoll(PQgetvalue(at, i, 4), NULL, 10), "sha256", PQgetvalue(at, i, 5),
			    "added_at", PQgetvalue(at, i, 6), "added_by", str_or_null(at, i, 8),
			    "deleted_on", str_or_null(at, i, 9)));   /* the retention purge took the bytes (sql/020) */
	PQclear(at);
	json_object_set_new(d, "attachments", files);
	if (*db_failed) {
		json_decref(d);
		json_decref(*contacts_included);
		*contacts_included = NULL;
		return NULL;
	}
	return d;
}

/* ---- writing ---- */

static const char *
jstr(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	return json_is_string(v) ? json_string_value(v) : "";
}

/* "2026-03-10" or "2026-03-10 14:30" → "10/03/2026" or "10/03/2026 14:30"; "—" when empty. */
static void
date_vi(struct buf *b, const char *iso)
{
	if (strlen(iso) < 10 || iso[4] != '-') {
		html_text(b, *iso ? iso : "—");
		return;
	}
	char t[32];
	snprintf(t, sizeof(t), "%.2s/%.2s/%.4s%s", iso + 8, iso + 5, iso, iso + 10);
	html_text(b, t);
}

static void
number_or_dash(struct buf *b, json_t *v, bool money)
{
	if (!json_is_integer(v))
		html_text(b, "—");
	else if (money)
		vnd_append(b, (long long)json_integer_value(v));
	else
		buf_appendf(b, "%lld", (long long)json_integer_value(v));
}

static void
dt_dd(struct buf *b, const char *term, const char *value, const char *ident)
{
	html_lit(b, "<dt>");
	html_text(b, term);
	html_lit(b, "</dt><dd id=\"");
	html_attr(b, ident);
	html_lit(b, "\">");
	html_text(b, *value ? value : "—");
	html_lit(b, "</dd>");
}

/* The printable A4 document (static/dossier.css), Vietnamese, escaped throughout. */
static void
write_html(struct buf *b, json_t *d)
{
	json_t *k = json_object_get(d, "case"), *w = json_object_get(k, "workplace"), *x;
	size_t i;
	char idtxt[32];
	snprintf(idtxt, sizeof(idtxt), "%lld", (long long)json_integer_value(json_object_get(k, "id")));
	html_lit(b, "<!doctype html>\n<html lang=\"vi\"><head><meta charset=\"utf-8\"><title>Hồ sơ vụ việc #");
	html_text(b, idtxt);
	html_lit(b, " · " APP_NAME "</title><link rel=\"icon\" href=\"data:,\">"
	    "<link rel=\"stylesheet\" href=\"/static/dossier.css\"></head>\n<body class=\"dossier\"><header><p class=\"brand\">"
	    APP_NAME " · Hồ sơ vụ việc</p><h1 id=\"case-title\">#");
	html_text(b, idtxt);
	html_lit(b, " ");
	html_text(b, jstr(k, "title"));
	html_lit(b, "</h1><p class=\"generated\">Lập lúc ");
	date_vi(b, jstr(d, "generated_at"));
	html_lit(b, "</p></header>\n<section id=\"case\"><h2>Vụ việc</h2><dl class=\"meta\">");
	dt_dd(b, "Loại", jstr(k, "kind_label"), "case-kind");
	dt_dd(b, "Tranh chấp", jstr(k, "scope_label"), "case-scope");
	dt_dd(b, "Nơi làm việc", jstr(w, "name"), "case-workplace");
	dt_dd(b, "Mã số thuế", jstr(w, "tax_code"), "case-tax-code");
	dt_dd(b, "Địa chỉ", jstr(w, "address"), "case-address");
	dt_dd(b, "Đơn vị xử lý", jstr(k, "unit"), "case-unit");
	dt_dd(b, "Giai đoạn", jstr(k, "stage_label"), "case-stage");
	html_lit(b, "<dt>Từ ngày</dt><dd id=\"case-stage-since\">");
	date_vi(b, jstr(k, "stage_entered_on"));
	html_lit(b, "</dd>");
	dt_dd(b, "Kết quả", jstr(k, "outcome_label"), "case-outcome");
	dt_dd(b, "Phụ trách", jstr(k, "assignee"), "case-assignee");
	html_lit(b, "<dt>Ngày phát hiện vi phạm</dt><dd id=\"case-known\">");
	date_vi(b, jstr(k, "violation_known_on"));
	html_lit(b, "</dd></dl></section>\n");

	html_lit(b, "<section id=\"deadlines\"><h2>Thời hạn theo luật</h2><table><thead><tr><th scope=\"col\">Thời hạn</th>"
	    "<th scope=\"col\">Ngày</th><th scope=\"col\">Căn cứ</th></tr></thead><tbody>");
	json_array_foreach(json_object_get(d, "deadlines"), i, x) {
		html_raw_trusted(b, json_is_true(json_object_get(x, "current")) ? "<tr class=\"current\" data-code=\"" : "<tr data-code=\"");
		html_attr(b, jstr(x, "code"));
		html_lit(b, "\"><td>");
		html_text(b, jstr(x, "description"));
		if (!json_is_true(json_object_get(x, "current")))
			html_lit(b, " <small>(không áp dụng ở giai đoạn này)</small>");
		html_lit(b, "</td><td>");
		if (*jstr(x, "due_on"))
			date_vi(b, jstr(x, "due_on"));
		else
			html_lit(b, "(thiếu ngày gốc)");
		html_lit(b, "</td><td class=\"source\">");
		html_text(b, jstr(x, "source"));
		html_lit(b, "</td></tr>");
	}
	html_lit(b, "</tbody></table></section>\n");

	json_t *t = json_object_get(d, "totals"), *tc = json_object_get(t, "computed"), *tk = json_object_get(t, "case");
	html_lit(b, "<section id=\"totals\"><h2>Số liệu</h2><table><thead><tr><th></th><th scope=\"col\">Tính từ phản ánh</th>"
	    "<th scope=\"col\">Cán bộ hiệu chỉnh</th></tr></thead><tbody>");
	static const struct { const char *label, *key; bool money; } rows[] = {
		{ "Số người lao động bị ảnh hưởng", "workers", false },
		{ "Số tháng bị nợ", "months", false },
		{ "Số tiền bị nợ", "amount_vnd", true },
	};
	bool corrected = json_is_true(json_object_get(t, "corrected_by_officer"));
	for (size_t r = 0; r < sizeof(rows) / sizeof(rows[0]); r++) {
		html_lit(b, "<tr><th scope=\"row\">");
		html_text(b, rows[r].label);
		html_lit(b, "</th><td>");
		number_or_dash(b, json_object_get(tc, rows[r].key), rows[r].money);
		html_lit(b, "</td><td>");
		number_or_dash(b, corrected ? json_object_get(tk, rows[r].key) : NULL, rows[r].money);
		html_lit(b, "</td></tr>");
	}
	html_lit(b, "</tbody></table></section>\n");

	html_lit(b, "<section id=\"timeline\"><h2>Diễn biến</h2><ol class=\"timeline\">");
	json_array_foreach(json_object_get(d, "timeline"), i, x) {
		html_lit(b, "<li data-kind=\"");
		html_attr(b, jstr(x, "kind"));
		html_lit(b, "\"><span class=\"when\">");
		date_vi(b, jstr(x, "on_date"));
		html_lit(b, "</span> <span class=\"what\">");
		html_text(b, jstr(x, "kind_label"));
		if (*jstr(x, "to_stage")) {
			html_lit(b, ": ");
			html_text(b, label_vi(jstr(x, "from_stage")));
			html_lit(b, " → ");
			html_text(b, jstr(x, "to_stage_label"));
		}
		html_lit(b, "</span> <span class=\"who\">(");
		html_text(b, *jstr(x, "officer") ? jstr(x, "officer") : "—");
		html_lit(b, ", ghi lúc ");
		date_vi(b, jstr(x, "at"));
		html_lit(b, ")</span>");
		if (*jstr(x, "note")) {
			html_lit(b, "<p class=\"note\">");
			html_text(b, jstr(x, "note"));
			html_lit(b, "</p>");
		}
		html_lit(b, "</li>");
	}
	html_lit(b, "</ol></section>\n");

	html_lit(b, "<section id=\"reports\"><h2>Phản ánh liên kết</h2>");
	json_array_foreach(json_object_get(d, "reports"), i, x) {
		char rid[32];
		size_t j;
		json_t *y;
		snprintf(rid, sizeof(rid), "%lld", (long long)json_integer_value(json_object_get(x, "id")));
		html_lit(b, "<article class=\"report\" id=\"report-");
		html_attr(b, rid);
		html_lit(b, "\"><h3>Phản ánh #");
		html_text(b, rid);
		html_lit(b, ": ");
		html_text(b, jstr(x, "form_title"));
		html_lit(b, "</h3><p class=\"meta\">Nhận lúc ");
		date_vi(b, jstr(x, "received_at"));
		html_lit(b, " · ");
		html_text(b, jstr(x, "channel_label"));
		buf_appendf(b, " · phiên bản biểu mẫu %lld", (long long)json_integer_value(json_object_get(x, "version")));
		html_lit(b, "</p><dl class=\"answers\">");
		json_array_foreach(json_object_get(x, "answers"), j, y) {
			html_lit(b, "<dt>");
			html_text(b, jstr(y, "label"));
			html_lit(b, "</dt><dd>");
			html_text(b, jstr(y, "text"));
			html_lit(b, "</dd>");
		}
		html_lit(b, "<dt>Thông tin liên lạc</dt><dd class=\"contact\" id=\"contact-");
		html_attr(b, rid);
		html_lit(b, "\">");
		html_text(b, json_is_string(json_object_get(x, "contact")) ? jstr(x, "contact") : jstr(x, "contact_note"));
		html_lit(b, "</dd></dl><h4>Trao đổi với người lao động</h4>");
		if (json_array_size(json_object_get(x, "messages")) == 0)
			html_lit(b, "<p class=\"empty\">Không có tin nhắn.</p>");
		else {
			html_lit(b, "<ol class=\"thread\">");
			json_array_foreach(json_object_get(x, "messages"), j, y) {
				html_raw_trusted(b, strcmp(jstr(y, "author"), "worker") == 0 ? "<li class=\"from-worker\"><span class=\"who\">" :
				    "<li class=\"from-union\"><span class=\"who\">");
				html_text(b, jstr(y, "from"));
				html_lit(b, " · ");
				date_vi(b, jstr(y, "at"));
				html_lit(b, "</span><p>");
				html_text(b, jstr(y, "body"));
				html_lit(b, "</p></li>");
			}
			html_lit(b, "</ol>");
		}
		html_lit(b, "</article>");
	}
	if (json_array_size(json_object_get(d, "reports")) == 0)
		html_lit(b, "<p class=\"empty\">Chưa có phản ánh nào được liên kết.</p>");
	html_lit(b, "</section>\n");

	html_lit(b, "<section id=\"attachments\"><h2>Tệp đính kèm</h2><table><thead><tr><th scope=\"col\">Tệp</th>"
	    "<th scope=\"col\">Nguồn</th><th scope=\"col\">Loại</th><th scope=\"col\">Dung lượng (byte)</th>"
	    "<th scope=\"col\">Thêm lúc</th><th scope=\"col\">Người thêm</th>"
	    "<th scope=\"col\">SHA-256</th></tr></thead><tbody>");
	json_array_foreach(json_object_get(d, "attachments"), i, x) {
		html_lit(b, "<tr><td>");
		html_text(b, jstr(x, "filename"));
		html_lit(b, "</td><td>");
		if (json_is_integer(json_object_get(x, "report_id")))
			buf_appendf(b, "Phản ánh #%lld", (long long)json_integer_value(json_object_get(x, "report_id")));
		else
			html_lit(b, "Vụ việc");
		html_lit(b, "</td><td>");
		html_text(b, jstr(x, "mime"));
		buf_appendf(b, "</td><td>%lld</td><td>", (long long)json_integer_value(json_object_get(x, "size")));
		date_vi(b, jstr(x, "added_at"));
		html_lit(b, "</td><td>");
		html_text(b, jstr(x, "added_by"));
		html_lit(b, "</td><td class=\"hash\">");
		html_text(b, jstr(x, "sha256"));
		html_lit(b, "</td></tr>");
	}
	html_lit(b, "</tbody></table>");
	if (json_array_size(json_object_get(d, "attachments")) == 0)
		html_lit(b, "<p class=\"empty\">Không có tệp.</p>");
	html_lit(b, "</section>\n<footer><p>Thông tin liên lạc của người lao động chỉ có trong hồ sơ khi cán bộ đã "
	    "xem trước đó và người lập hồ sơ có quyền; việc lập hồ sơ được ghi vào nhật ký.</p></footer></body></html>\n");
}

/* "2026-03-10" or "2026-03-10 14:30" → a spreadsheet date. */
static bool
xlsx_date(const char *s, lxw_datetime *dt)
{
	memset(dt, 0, sizeof(*dt));
	int n = sscanf(s, "%4d-%2d-%2d %2d:%2d", &dt->year, &dt->month, &dt->day, &dt->hour, &dt->min);
	return n == 3 || n == 5;
}

struct xl {
	lxw_worksheet *ws;
	lxw_format *date, *datetime, *money, *bold;
};

/* A cell: an ISO date becomes a date, anything else a string (never a formula). */
static void
xl_cell(struct xl *x, lxw_row_t row, lxw_col_t col, const char *s, bool date)
{
	lxw_datetime dt;
	if (date && *s && xlsx_date(s, &dt))
		worksheet_write_datetime(x->ws, row, col, &dt, strlen(s) > 10 ? x->datetime : x->date);
	else if (*s)
		worksheet_write_string(x->ws, row, col, s, NULL);
}

static void
xl_number(struct xl *x, lxw_row_t row, lxw_col_t col, json_t *v, bool money)
{
	if (json_is_number(v))
		worksheet_write_number(x->ws, row, col, json_number_value(v), money ? x->money : NULL);
}

static void
xl_header(struct xl *x, const char *const *names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		worksheet_write_string(x->ws, 0, (lxw_col_t)i, names[i], x->bold);
	worksheet_freeze_panes(x->ws, 1, 0);
	worksheet_set_column(x->ws, 0, (lxw_col_t)(n - 1), 22, NULL);
}

/* The workbook: four sheets, dates as dates, money as numbers. */
static int
write_xlsx(json_t *d, export_write_fn write, void *ctx, char *err, size_t errlen)
{
	struct export_book bk;
	if (export_book_open(&bk, false, err, errlen) != 0)
		return -1;
	lxw_workbook *wb = bk.wb;
	struct xl x = { 0 };
	x.bold = workbook_add_format(wb);
	format_set_bold(x.bold);
	x.date = workbook_add_format(wb);
	format_set_num_format(x.date, "dd/mm/yyyy");
	x.datetime = workbook_add_format(wb);
	format_set_num_format(x.datetime, "dd/mm/yyyy hh:mm");
	x.money = workbook_add_format(wb);
	format_set_num_format(x.money, "#,##0");
	json_t *k = json_object_get(d, "case"), *w = json_object_get(k, "workplace"), *t = json_object_get(d, "totals"), *e;
	size_t i, j;
	lxw_row_t row;

	/* Vụ việc: the case as field/value rows, then the deadlines and the totals */
	x.ws = workbook_add_worksheet(wb, "Vụ việc");
	static const char *const h1[] = { "Mục", "Giá trị", "Căn cứ / ghi chú" };
	xl_header(&x, h1, 3);
	struct { const char *label; const char *value; bool date; } meta[] = {
		{ "Tên vụ việc", jstr(k, "title"), false }, { "Loại", jstr(k, "kind_label"), false },
		{ "Tranh chấp", jstr(k, "scope_label"), false }, { "Nơi làm việc", jstr(w, "name"), false },
		{ "Mã số thuế", jstr(w, "tax_code"), false }, { "Địa chỉ", jstr(w, "address"), false },
		{ "Đơn vị xử lý", jstr(k, "unit"), false }, { "Giai đoạn", jstr(k, "stage_label"), false },
		{ "Từ ngày", jstr(k, "stage_entered_on"), true }, { "Kết quả", jstr(k, "outcome_label"), false },
		{ "Phụ trách", jstr(k, "assignee"), false }, { "Ngày phát hiện vi phạm", jstr(k, "violation_known_on"), true },
		{ "Tạo lúc", jstr(k, "created_at"), true },
	};
	worksheet_write_string(x.ws, 1, 0, "Mã vụ việc", NULL);
	xl_number(&x, 1, 1, json_object_get(k, "id"), false);
	row = 2;
	for (i = 0; i < sizeof(meta) / sizeof(meta[0]); i++, row++) {
		worksheet_write_string(x.ws, row, 0, meta[i].label, NULL);
		xl_cell(&x, row, 1, meta[i].value, meta[i].date);
	}
	row++;
	worksheet_write_string(x.ws, row++, 0, "Thời hạn theo luật", x.bold);
	json_array_foreach(json_object_get(d, "deadlines"), i, e) {
		worksheet_write_string(x.ws, row, 0, jstr(e, "description"), NULL);
		xl_cell(&x, row, 1, jstr(e, "due_on"), true);
		worksheet_write_string(x.ws, row++, 2, jstr(e, "source"), NULL);
	}
	row++;
	worksheet_write_string(x.ws, row++, 0, "Số liệu (tính từ phản ánh | cán bộ hiệu chỉnh)", x.bold);
	static const struct { const char *label, *key; bool money; } tot[] = {
		{ "Số người lao động bị ảnh hưởng", "workers", false }, { "Số tháng bị nợ", "months", false },
		{ "Số tiền bị nợ (đồng)", "amount_vnd", true },
	};
	bool corrected = json_is_true(json_object_get(t, "corrected_by_officer"));
	for (i = 0; i < sizeof(tot) / sizeof(tot[0]); i++, row++) {
		worksheet_write_string(x.ws, row, 0, tot[i].label, NULL);
		xl_number(&x, row, 1, json_object_get(json_object_get(t, "computed"), tot[i].key), tot[i].money);
		if (corrected)
			xl_number(&x, row, 2, json_object_get(json_object_get(t, "case"), tot[i].key), tot[i].money);
	}

	/* Diễn biến: the timeline */
	x.ws = workbook_add_worksheet(wb, "Diễn biến");
	static const char *const h2[] = { "Ngày", "Ghi lúc", "Sự kiện", "Từ giai đoạn", "Đến giai đoạn", "Cán bộ", "Ghi chú" };
	xl_header(&x, h2, 7);
	row = 1;
	json_array_foreach(json_object_get(d, "timeline"), i, e) {
		xl_cell(&x, row, 0, jstr(e, "on_date"), true);
		xl_cell(&x, row, 1, jstr(e, "at"), true);
		xl_cell(&x, row, 2, jstr(e, "kind_label"), false);
		xl_cell(&x, row, 3, *jstr(e, "from_stage") ? label_vi(jstr(e, "from_stage")) : "", false);
		xl_cell(&x, row, 4, jstr(e, "to_stage_label"), false);
		xl_cell(&x, row, 5, jstr(e, "officer"), false);
		xl_cell(&x, row++, 6, jstr(e, "note"), false);
	}

	/* Phản ánh: one row per answer, contact and message of each linked report */
	x.ws = workbook_add_worksheet(wb, "Phản ánh");
	static const char *const h3[] = { "Phản ánh #", "Biểu mẫu", "Nhận lúc", "Mục", "Nội dung", "Giá trị", "Thời điểm" };
	xl_header(&x, h3, 7);
	row = 1;
	json_array_foreach(json_object_get(d, "reports"), i, e) {
		json_t *y;
		json_array_foreach(json_object_get(e, "answers"), j, y) {
			xl_number(&x, row, 0, json_object_get(e, "id"), false);
			xl_cell(&x, row, 1, jstr(e, "form_title"), false);
			xl_cell(&x, row, 2, jstr(e, "received_at"), true);
			xl_cell(&x, row, 3, "Câu trả lời", false);
			xl_cell(&x, row, 4, jstr(y, "label"), false);
			json_t *v = json_object_get(y, "value");
			const char *type = jstr(y, "type");
			if (json_is_number(v) && strcmp(type, "photo") != 0)
				xl_number(&x, row, 5, v, strcmp(type, "money") == 0);
			else
				xl_cell(&x, row, 5, json_is_string(v) && strcmp(type, "date") == 0 ? json_string_value(v) : jstr(y, "text"),
				    strcmp(type, "date") == 0);
			row++;
		}
		xl_number(&x, row, 0, json_object_get(e, "id"), false);
		xl_cell(&x, row, 1, jstr(e, "form_title"), false);
		xl_cell(&x, row, 2, jstr(e, "received_at"), true);
		xl_cell(&x, row, 3, "Liên lạc", false);
		xl_cell(&x, row, 4, "Thông tin liên lạc", false);
		xl_cell(&x, row++, 5, json_is_string(json_object_get(e, "contact")) ? jstr(e, "contact") : jstr(e, "contact_note"), false);
		json_array_foreach(json_object_get(e, "messages"), j, y) {
			xl_number(&x, row, 0, json_object_get(e, "id"), false);
			xl_cell(&x, row, 1, jstr(e, "form_title"), false);
			xl_cell(&x, row, 2, jstr(e, "received_at"), true);
			xl_cell(&x, row, 3, "Tin nhắn", false);
			xl_cell(&x, row, 4, jstr(y, "from"), false);
			xl_cell(&x, row, 5, jstr(y, "body"), false);
			xl_cell(&x, row++, 6, jstr(y, "at"), true);
		}
	}

	/* Tệp đính kèm */
	x.ws = workbook_add_worksheet(wb, "Tệp đính kèm");
	static const char *const h4[] = { "Tệp", "Nguồn", "Phản ánh #", "Loại", "Dung lượng (byte)", "SHA-256", "Thêm lúc", "Người thêm" };
	xl_header(&x, h4, 8);
	row = 1;
	json_array_foreach(json_object_get(d, "attachments"), i, e) {
		xl_cell(&x, row, 0, jstr(e, "filename"), false);
		xl_cell(&x, row, 1, strcmp(jstr(e, "source"), "case") == 0 ? "Vụ việc" : "Phản ánh", false);
		xl_number(&x, row, 2, json_object_get(e, "report_id"), false);
		xl_cell(&x, row, 3, jstr(e, "mime"), false);
		xl_number(&x, row, 4, json_object_get(e, "size"), false);
		xl_cell(&x, row, 5, jstr(e, "sha256"), false);
		xl_cell(&x, row, 6, jstr(e, "added_at"), true);
		xl_cell(&x, row++, 7, jstr(e, "added_by"), false);
	}

	return export_book_finish(&bk, true, write, ctx, err, errlen);
}

/* Writes a collected dossier in `fmt` to write(ctx, ...). 0, or -1 with err. */
int
dossier_write(json_t *d, enum dossier_format fmt, export_write_fn write, void *ctx, char *err, size_t errlen)
{
	if (fmt == DOSSIER_XLSX)
		return write_xlsx(d, write, ctx, err, errlen);
	if (fmt == DOSSIER_JSON)
		return export_send_json(d, write, ctx, err, errlen);
	struct buf b = { 0 };
	write_html(&b, d);
	return export_send_buf(&b, write, ctx, err, errlen);
}
