/* dossier.c: a case dossier for a mediator, council or lawyer, collected once from the database as JSON (dossier_write.c writes it as HTML, JSON or XLSX). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include <libpq-fe.h>
#include <sodium.h>

#include "app.h"
#include "buf.h"
#include "db.h"
#include "dispute.h"
#include "dossier.h"
#include "submission.h"
#include "token.h"

/* What the dossier says when a contact is left out. */
#define NOT_INCLUDED "không đưa vào hồ sơ"

struct label { const char *value, *vi; };

static const struct label labels[] = {
	/* event kinds */
	{ "created", "Tạo vụ việc" }, { "stage", "Chuyển giai đoạn" }, { "note", "Ghi chú" },
	{ "attachment", "Tệp đính kèm" }, { "totals", "Hiệu chỉnh số liệu" }, { "link", "Liên kết phản ánh" },
	{ "edit", "Sửa thông tin vụ việc" },
};

/* The Vietnamese name of a stored value (kind, stage, ...); the value itself when unknown.
 * Channels are named by submission.c, the one home of the reports' vocabulary. */
const char *
dossier_label_vi(const char *value)
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

/* 12000000 → "12.000.000 đ", into out (DOSSIER_VND_MAX bytes). */
const char *
dossier_vnd_text(char *out, long long v)
{
	char digits[32];
	snprintf(digits, sizeof(digits), "%lld", v < 0 ? -v : v);
	size_t n = strlen(digits), j = 0;
	if (v < 0)
		out[j++] = '-';
	for (size_t i = 0; i < n; i++) {
		if (i > 0 && (n - i) % 3 == 0)
			out[j++] = '.';
		out[j++] = digits[i];
	}
	snprintf(out + j, DOSSIER_VND_MAX - j, " đ");
	return out;
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
		char vnd[DOSSIER_VND_MAX];
		buf_puts(&b, dossier_vnd_text(vnd, (long long)json_integer_value(v)));
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
	enum {
		REP_ID, REP_FORM, REP_VERSION, REP_RECEIVED, REP_CHANNEL, REP_STATUS, REP_URGENT, REP_ANSWERS, REP_DEFINITION,
		REP_HAS_CONTACT, REP_REVEALED
	};
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
		const char *sid = PQgetvalue(s, i, REP_ID);
		bool has_contact = PQgetvalue(s, i, REP_HAS_CONTACT)[0] == 't', revealed = PQgetvalue(s, i, REP_REVEALED)[0] == 't';
		json_t *rep = json_pack("{s:I, s:s, s:o, s:I, s:s, s:s, s:s, s:s, s:b, s:o}",
		    "id", (json_int_t)strtoll(sid, NULL, 10), "form", PQgetvalue(s, i, REP_FORM),
		    "form_title", form_title(PQgetvalue(s, i, REP_DEFINITION), PQgetvalue(s, i, REP_FORM)),
		    "version", (json_int_t)strtoll(PQgetvalue(s, i, REP_VERSION), NULL, 10), "received_at", PQgetvalue(s, i, REP_RECEIVED),
		    "channel", PQgetvalue(s, i, REP_CHANNEL), "channel_label", submission_channel_label(PQgetvalue(s, i, REP_CHANNEL), LANG_VI), "status", PQgetvalue(s, i, REP_STATUS),
		    "urgent", PQgetvalue(s, i, REP_URGENT)[0] == 't', "answers", answers_labelled(PQgetvalue(s, i, REP_DEFINITION), PQgetvalue(s, i, REP_ANSWERS)));

		/* contact: only one an officer already revealed, and only for a requester allowed to see it */
		char *plain = NULL;
		if (has_contact && revealed && keys != NULL && keys->has_contact_sk) {
			const char *q[1] = { sid };
			enum { SEALED };
			PGresult *c = db_query_bin(db, "SELECT contact_sealed FROM submission WHERE id = $1::bigint "
			    "AND contact_sealed IS NOT NULL", 1, q);
			if (c && db_ok(c) && PQntuples(c) == 1)
				plain = keys_open(keys, (const unsigned char *)PQgetvalue(c, 0, SEALED), (size_t)PQgetlength(c, 0, SEALED));
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
		enum { MSG_AUTHOR, MSG_BODY, MSG_AT, MSG_OFFICER };
		PGresult *m = db_query(db, "SELECT m.author, m.body, "
		    "to_char(m.created_at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'YYYY-MM-DD HH24:MI'), "
		    "coalesce(nullif(o.display_name, ''), o.username, '') FROM message m LEFT JOIN officer o ON o.id = m.officer_id "
		    "WHERE m.submission_id = $1::bigint ORDER BY m.created_at, m.id", 1, q);
		json_t *msgs = json_array();
		if (query_ok(m, db_failed))
			for (int j = 0; j < PQntuples(m); j++) {
				bool worker = strcmp(PQgetvalue(m, j, MSG_AUTHOR), "worker") == 0;
				json_array_append_new(msgs, json_pack("{s:s, s:s, s:s, s:s}", "author", PQgetvalue(m, j, MSG_AUTHOR),
				    "from", worker ? "Người lao động" : PQgetvalue(m, j, MSG_OFFICER), "at", PQgetvalue(m, j, MSG_AT),
				    "body", PQgetvalue(m, j, MSG_BODY)));
			}
		PQclear(m);
		json_object_set_new(rep, "messages", msgs);
		json_array_append_new(out, rep);
	}
	PQclear(s);
	return out;
}

/* What a deadline counts from, in Vietnamese: a case date's label, or the
 * current stage's start. */
static const char *
counted_from_vi(const char *column)
{
	if (strcmp(column, "stage_entered") == 0)
		return "Ngày bắt đầu giai đoạn hiện tại";
	const char *vi = vocab_label(dispute_dates, DISPUTE_NDATES, column, LANG_VI);
	return vi ? vi : column;
}

/* The case facts of sql/021 and sql/022 into the dossier's case object
 * `c`, each value with its Vietnamese label: the dispute type, subject,
 * membership, the union's role, money recovered and every recorded date
 * (an array of {key, label, date}, in the case form's order). k's columns
 * from first_col on: dispute type, subject, member, union role, recovered. */
static void
case_facts_add(json_t *c, const PGresult *k, int first_col, json_t *dates)
{
	static const struct { const char *key, *label_key; int col; const struct vocab *t; size_t n; } facts[] = {
		{ "dispute_type", "dispute_type_label", 0, dispute_types, DISPUTE_NTYPES },
		{ "subject", "subject_label", 1, dispute_subjects, DISPUTE_NSUBJECTS },
		{ "worker_member", "worker_member_label", 2, dispute_member, DISPUTE_NMEMBER },
		{ "union_role", "union_role_label", 3, dispute_union_roles, DISPUTE_NROLES },
	};
	for (size_t i = 0; i < sizeof(facts) / sizeof(facts[0]); i++) {
		const char *v = PQgetvalue(k, 0, first_col + facts[i].col);
		const char *vi = *v ? vocab_label(facts[i].t, facts[i].n, v, LANG_VI) : NULL;
		json_object_set_new(c, facts[i].key, *v ? json_string(v) : json_null());
		json_object_set_new(c, facts[i].label_key, vi ? json_string(vi) : json_null());
	}
	json_object_set_new(c, "recovered_vnd", int_or_null(k, 0, first_col + 4));
	json_t *list = json_array();
	for (size_t i = 1; i < DISPUTE_NDATES; i++) {   /* [0], violation_known_on, is a fact of its own */
		json_t *on = json_object_get(dates, dispute_dates[i].value);
		if (json_is_string(on))
			json_array_append_new(list, json_pack("{s:s, s:s, s:O}", "key", dispute_dates[i].value,
			    "label", dispute_dates[i].vi, "date", on));
	}
	json_object_set_new(c, "dates", list);
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
	enum {
		K_ID, K_TITLE, K_KIND, K_SCOPE, K_STAGE, K_STAGE_SINCE, K_OUTCOME, K_KNOWN, K_WORKERS, K_MONTHS, K_AMOUNT,
		K_CORRECTED, K_WORKPLACE, K_WORKPLACE_CODE, K_TAX_CODE, K_ADDRESS, K_UNIT, K_ASSIGNEE, K_CREATED,
		K_COMPUTED_WORKERS, K_COMPUTED_MONTHS, K_COMPUTED_AMOUNT, K_UNIT_ID, K_NOW, K_DISPUTE_TYPE, K_SUBJECT, K_MEMBER,
		K_UNION_ROLE, K_RECOVERED, K_DATES
	};
	PGresult *k = db_query(db,
	    "SELECT k.id, k.title, k.kind, k.scope, k.stage, k.stage_entered_on::text, coalesce(k.outcome, ''), "
	    "coalesce(k.violation_known_on::text, ''), coalesce(k.workers_affected::text, ''), "
	    "coalesce(k.months_owed::text, ''), coalesce(k.amount_owed_vnd::text, ''), k.totals_corrected, "
	    "w.name, w.code, coalesce(w.tax_code, ''), coalesce(w.address, ''), coalesce(cu.name, ''), "
	    "coalesce(nullif(o.display_name, ''), o.username, ''), "
	    "to_char(k.created_at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'YYYY-MM-DD HH24:MI'), "
	    "t.workers::text, t.months::text, t.amount::text, k.unit_id, "
	    "to_char(now() AT TIME ZONE 'Asia/Ho_Chi_Minh', 'YYYY-MM-DD HH24:MI'), k.dispute_type, coalesce(k.subject, ''), "
	    "CASE k.worker_member WHEN true THEN 'yes' WHEN false THEN 'no' ELSE 'unknown' END, coalesce(k.union_role, ''), "
	    "coalesce(k.recovered_vnd::text, ''), case_dates(k)::text "
	    "FROM dispute_case k JOIN workplace w ON w.id = k.workplace_id JOIN org_unit u ON u.id = w.unit_id "
	    "LEFT JOIN org_unit cu ON cu.id = k.unit_id LEFT JOIN officer o ON o.id = k.assignee_id "
	    "CROSS JOIN LATERAL case_totals(k.id) t "
	    "WHERE k.id = $1::bigint AND u.path LIKE $2 || '%'", 2, p);
	if (!query_ok(k, db_failed) || PQntuples(k) != 1) {
		PQclear(k);
		return NULL;
	}
	json_t *d = json_object();
	json_object_set_new(d, "generated_at", str(k, 0, K_NOW));
	json_object_set_new(d, "case", json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:{s:s, s:s, s:o, s:o}, s:s, s:I, s:s, "
	    "s:s, s:s, s:o, s:o, s:o, s:o, s:s}",
	    "id", (json_int_t)strtoll(case_id, NULL, 10), "title", PQgetvalue(k, 0, K_TITLE),
	    "kind", PQgetvalue(k, 0, K_KIND), "kind_label", dossier_label_vi(PQgetvalue(k, 0, K_KIND)),
	    "scope", PQgetvalue(k, 0, K_SCOPE), "scope_label", dossier_label_vi(PQgetvalue(k, 0, K_SCOPE)),
	    "workplace", "name", PQgetvalue(k, 0, K_WORKPLACE), "code", PQgetvalue(k, 0, K_WORKPLACE_CODE),
	    "tax_code", str_or_null(k, 0, K_TAX_CODE), "address", str_or_null(k, 0, K_ADDRESS),
	    "unit", PQgetvalue(k, 0, K_UNIT), "unit_id", (json_int_t)strtoll(PQgetvalue(k, 0, K_UNIT_ID), NULL, 10),
	    "stage", PQgetvalue(k, 0, K_STAGE), "stage_label", dossier_label_vi(PQgetvalue(k, 0, K_STAGE)), "stage_entered_on", PQgetvalue(k, 0, K_STAGE_SINCE),
	    "outcome", str_or_null(k, 0, K_OUTCOME),
	    "outcome_label", *PQgetvalue(k, 0, K_OUTCOME) ? json_string(dossier_label_vi(PQgetvalue(k, 0, K_OUTCOME))) : json_null(),
	    "assignee", str_or_null(k, 0, K_ASSIGNEE), "violation_known_on", str_or_null(k, 0, K_KNOWN), "created_at", PQgetvalue(k, 0, K_CREATED)));
	json_error_t jerr;
	json_t *dates = json_loads(PQgetvalue(k, 0, K_DATES), 0, &jerr);
	if (dates == NULL)
		dates = json_object();
	json_object_set_new(dates, "stage_entered", json_string(PQgetvalue(k, 0, K_STAGE_SINCE)));
	case_facts_add(json_object_get(d, "case"), k, K_DISPUTE_TYPE, dates);
	json_object_set_new(d, "totals", json_pack("{s:{s:o, s:o, s:o}, s:b, s:{s:o, s:o, s:o}}",
	    "computed", "workers", int_or_null(k, 0, K_COMPUTED_WORKERS), "months", int_or_null(k, 0, K_COMPUTED_MONTHS), "amount_vnd", int_or_null(k, 0, K_COMPUTED_AMOUNT),
	    "corrected_by_officer", PQgetvalue(k, 0, K_CORRECTED)[0] == 't',
	    "case", "workers", int_or_null(k, 0, K_WORKERS), "months", int_or_null(k, 0, K_MONTHS), "amount_vnd", int_or_null(k, 0, K_AMOUNT)));
	PQclear(k);

	json_t *deadlines = json_array();
	enum { DL_CODE, DL_DESCRIPTION, DL_DUE, DL_SOURCE, DL_CURRENT, DL_COUNTED_FROM };
	PGresult *dl = db_query(db, "SELECT code, description_vi, coalesce(due_on::text, ''), source, current, counted_from "
	    "FROM case_deadlines($1::bigint)", 1, p);
	if (query_ok(dl, db_failed))
		for (int i = 0; i < PQntuples(dl); i++) {
			const char *from = PQgetvalue(dl, i, DL_COUNTED_FROM);
			json_t *base = json_object_get(dates, from);
			json_array_append_new(deadlines, json_pack("{s:s, s:s, s:o, s:s, s:b, s:s, s:s, s:O}", "code", PQgetvalue(dl, i, DL_CODE),
			    "description", PQgetvalue(dl, i, DL_DESCRIPTION), "due_on", str_or_null(dl, i, DL_DUE), "source", PQgetvalue(dl, i, DL_SOURCE),
			    "current", PQgetvalue(dl, i, DL_CURRENT)[0] == 't', "counted_from", from,
			    "counted_from_label", counted_from_vi(from), "counted_from_date", base ? base : json_null()));
		}
	PQclear(dl);
	json_decref(dates);
	json_object_set_new(d, "deadlines", deadlines);

	json_t *timeline = json_array();
	enum { EV_ON, EV_AT, EV_KIND, EV_FROM, EV_TO, EV_NOTE, EV_OFFICER };
	PGresult *ev = db_query(db, "SELECT e.on_date::text, to_char(e.at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'YYYY-MM-DD HH24:MI'), "
	    "e.kind, coalesce(e.from_stage, ''), coalesce(e.to_stage, ''), e.note, coalesce(nullif(o.display_name, ''), o.username, '') "
	    "FROM case_event e LEFT JOIN officer o ON o.id = e.officer_id WHERE e.case_id = $1::bigint ORDER BY e.at, e.id", 1, p);
	if (query_ok(ev, db_failed))
		for (int i = 0; i < PQntuples(ev); i++)
			json_array_append_new(timeline, json_pack("{s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:s}",
			    "on_date", PQgetvalue(ev, i, EV_ON), "at", PQgetvalue(ev, i, EV_AT), "kind", PQgetvalue(ev, i, EV_KIND),
			    "kind_label", dossier_label_vi(PQgetvalue(ev, i, EV_KIND)), "from_stage", str_or_null(ev, i, EV_FROM),
			    "to_stage", str_or_null(ev, i, EV_TO),
			    "to_stage_label", *PQgetvalue(ev, i, EV_TO) ? json_string(dossier_label_vi(PQgetvalue(ev, i, EV_TO))) : json_null(),
			    "officer", str_or_null(ev, i, EV_OFFICER), "note", PQgetvalue(ev, i, EV_NOTE)));
	PQclear(ev);
	json_object_set_new(d, "timeline", timeline);

	*contacts_included = json_array();
	json_object_set_new(d, "reports", collect_reports(db, case_id, contact_keys, *contacts_included, db_failed));

	json_t *files = json_array();
	/* case documents (with who added them) first, then the photos of the linked reports */
	enum { AT_SOURCE, AT_REPORT, AT_NAME, AT_MIME, AT_SIZE, AT_SHA, AT_ADDED, AT_ID, AT_BY, AT_PURGED };
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
			json_array_append_new(files, json_pack("{s:s, s:I, s:o, s:s, s:s, s:I, s:s, s:s, s:o, s:o}", "source", PQgetvalue(at, i, AT_SOURCE),
			    "id", (json_int_t)strtoll(PQgetvalue(at, i, AT_ID), NULL, 10),
			    "report_id", int_or_null(at, i, AT_REPORT), "filename", PQgetvalue(at, i, AT_NAME), "mime", PQgetvalue(at, i, AT_MIME),
			    "size", (json_int_t)strtoll(PQgetvalue(at, i, AT_SIZE), NULL, 10), "sha256", PQgetvalue(at, i, AT_SHA),
			    "added_at", PQgetvalue(at, i, AT_ADDED), "added_by", str_or_null(at, i, AT_BY),
			    "deleted_on", str_or_null(at, i, AT_PURGED)));   /* the retention purge took the bytes (sql/020) */
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
