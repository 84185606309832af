/* console_form.c: the console kit's forms (as console.c's frame and endings): labelled fields with their errors beside them, options and buttons, the officer's unit tree and chooser, posted and query values. */
#include <stdlib.h>
#include <string.h>
#include <libpq-fe.h>

#include "app.h"
#include "arena.h"
#include "buf.h"
#include "console.h"
#include "csrf.h"
#include "db.h"
#include "filters.h"
#include "fmt.h"
#include "html.h"
#include "http.h"
#include "i18n.h"
#include "log.h"
#include "org.h"
#include "req.h"
#include "text.h"

/* ---- form fields ---- */

/* Keeps a field's error (the first CONSOLE_ERRS_MAX; strings must outlive
 * the page: literals or the arena). */
void
console_err_add(struct console_errs *e, const char *field, const char *msg)
{
	if (e->n < CONSOLE_ERRS_MAX) {
		e->field[e->n] = field;
		e->msg[e->n++] = msg;
	}
}

/* The error kept for `field`, or NULL (also when `e` is NULL). */
const char *
console_err_of(const struct console_errs *e, const char *field)
{
	for (size_t i = 0; e && i < e->n; i++)
		if (strcmp(e->field[i], field) == 0)
			return e->msg[i];
	return NULL;
}

/* Opens a labelled field of a console form: <div class="field">, the label
 * of control `id` (NULL: the caller writes its own, e.g. around a
 * checkbox), a hint, and the error right above the control as "e-ID", which
 * console_field_invalid() ties the control to. The caller writes the
 * control, then "</div>". */
void
console_field_begin(struct req *r, const char *id, const char *label, const char *hint, const char *error)
{
	struct buf *b = r->out;
	if (error)
		html_lit(b, "<div class=\"field error\">");
	else
		html_lit(b, "<div class=\"field\">");
	if (label) {
		html_lit(b, "<label for=\"");
		html_attr(b, id);
		html_lit(b, "\">");
		html_text(b, label);
		html_lit(b, "</label>");
	}
	if (hint) {
		html_lit(b, "<p class=\"hint\">");
		html_text(b, hint);
		html_lit(b, "</p>");
	}
	if (error) {
		html_lit(b, "<p class=\"msg\" role=\"alert\" id=\"e-");
		html_attr(b, id);
		html_lit(b, "\">");
		html_text(b, error);
		html_lit(b, "</p>");
	}
}

/* Inside a control's tag: the attributes that tie it to its error, if any. */
void
console_field_invalid(struct req *r, const char *id, const char *error)
{
	if (error == NULL)
		return;
	html_lit(r->out, " aria-invalid=\"true\" aria-describedby=\"e-");
	html_attr(r->out, id);
	html_lit(r->out, "\"");
}

/* Inside a control's tag: id, name and, on error, the link to the
 * message console_field_begin() wrote (`error` may be NULL). */
void
console_control_attrs(struct req *r, const char *id, const char *name, const char *error)
{
	const struct kv attrs[] = { { "id", id, 0 }, { "name", name, 0 } };
	html_attrs(r->out, attrs, sizeof(attrs) / sizeof(attrs[0]));
	console_field_invalid(r, id, error);
}

/* A labelled one-line text field "f-FORM-NAME" holding `value` (NULL:
 * empty), with its error from `e` (may be NULL). */
void
console_input(struct req *r, const char *form, const char *name, const char *label, const char *hint,
    const char *value, const struct console_errs *e, int maxlen, bool required)
{
	struct buf *b = r->out;
	const char *id = arena_printf(r->arena, "f-%s-%s", form, name), *error = console_err_of(e, name);
	console_field_begin(r, id, label, hint, error);
	html_lit(b, "<input type=\"text\"");
	console_control_attrs(r, id, name, error);
	buf_appendf(b, " maxlength=\"%d\"", maxlen);
	if (required)
		html_lit(b, " required");
	html_lit(b, " value=\"");
	html_attr(b, value ? value : "");
	html_lit(b, "\"></div>");
}

/* A labelled <select> of fixed choices: values[i] shown as labels[i],
 * `value` selected. */
void
console_choice(struct req *r, const char *form, const char *name, const char *label, const char *value,
    const struct console_errs *e, size_t n, const char *const *values, const char *const *labels)
{
	const char *id = arena_printf(r->arena, "f-%s-%s", form, name), *error = console_err_of(e, name);
	console_field_begin(r, id, label, NULL, error);
	html_lit(r->out, "<select");
	console_control_attrs(r, id, name, error);
	html_lit(r->out, ">");
	for (size_t i = 0; i < n; i++)
		console_option(r, values[i], labels[i], value && strcmp(value, values[i]) == 0);
	html_lit(r->out, "</select></div>");
}

/* A labelled <textarea> field: id `id`, `value` (NULL: empty) kept,
 * `error` (may be NULL) beside it as console_field_begin() writes it. */
void
console_textarea(struct req *r, const char *id, const char *name, const char *label, const char *value,
    const char *error, int rows, int maxlen, bool required)
{
	struct buf *b = r->out;
	console_field_begin(r, id, label, NULL, error);
	html_lit(b, "<textarea");
	console_control_attrs(r, id, name, error);
	buf_appendf(b, " rows=\"%d\" maxlength=\"%d\"", rows, maxlen);
	if (required)
		html_lit(b, " required");
	console_wrap(r, ">", value ? value : "", "</textarea></div>");
}

/* One <option>, escaped. */
void
console_option(struct req *r, const char *value, const char *label, bool selected)
{
	if (selected)
		html_lit(r->out, "<option selected value=\"");
	else
		html_lit(r->out, "<option value=\"");
	html_attr(r->out, value);
	html_lit(r->out, "\">");
	html_text(r->out, label);
	html_lit(r->out, "</option>");
}


/* <button type="submit" class="CLS">; `cls` e.g. "btn" or "btn primary". */
void
console_button(struct req *r, const char *cls, const char *vi, const char *en)
{
	html_lit(r->out, "<button type=\"submit\" class=\"");
	html_attr(r->out, cls);
	console_wrap(r, "\">", L(r, vi, en), "</button>");
}

/* A form's submit button and the end of the form. */
void
console_submit(struct req *r, const char *cls, const char *vi, const char *en)
{
	console_button(r, cls, vi, en);
	html_lit(r->out, "</form>");
}

/* ---- the officer's unit tree ---- */

enum { T_ID, T_DEPTH, T_CODE, T_NAME, T_KIND, T_STATUS, T_HOTLINE, T_MERGED, T_ENDED, T_WORKPLACES, T_QR, T_PATH };

/* The officer's subtree in display order (depth first, siblings by name),
 * with what the unit pages show: *out from the arena. The number of units,
 * or -1 when the database failed (nothing answered yet). */
int
console_units(struct req *r, struct console_unit **out)
{
	const char *p[2] = { r->officer->unit_path, r->lang == LANG_EN ? "en" : "vi" };
	PGresult *t = console_rows(db_query(r->app->db,
	    "WITH RECURSIVE t AS ("
	    " SELECT u.id, 0 AS depth, ARRAY[vn_fold(u.name), u.id::text] AS k FROM org_unit u WHERE u.path = $1"
	    " UNION ALL"
	    " SELECT c.id, t.depth + 1, t.k || ARRAY[vn_fold(c.name), c.id::text]"
	    " FROM org_unit c JOIN t ON c.parent_id = t.id WHERE c.path LIKE $1 || '%') "
	    "SELECT u.id, t.depth, u.code, u.name, CASE WHEN $2 = 'en' THEN k.name_en ELSE k.name_vi END, u.status, "   /* T_ID .. T_STATUS */
	    "coalesce(u.hotline, ''), coalesce(m.name, ''), "   /* T_HOTLINE, T_MERGED */
	    "coalesce(to_char(u.ended_at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'DD/MM/YYYY'), ''), "   /* T_ENDED */
	    "(SELECT count(*) FROM workplace w WHERE w.unit_id = u.id), "   /* T_WORKPLACES */
	    "(SELECT count(*) FROM entry_point e JOIN workplace w ON w.id = e.workplace_id "
	    " WHERE w.unit_id = u.id AND e.revoked_at IS NULL), u.path "   /* T_QR, T_PATH */
	    "FROM t JOIN org_unit u ON u.id = t.id JOIN unit_kind k ON k.code = u.kind "
	    "LEFT JOIN org_unit m ON m.id = u.merged_into "
	    "WHERE u.path LIKE $1 || '%' ORDER BY t.k", 2, p), "unit tree");
	if (t == NULL)
		return -1;
	int n = PQntuples(t);
	struct console_unit *u = arena_alloc(r->arena, sizeof(*u) * (size_t)(n > 0 ? n : 1));
	if (u == NULL) {
		PQclear(t);
		return -1;
	}
	for (int i = 0; i < n; i++) {
		u[i].id = arena_strdup(r->arena, PQgetvalue(t, i, T_ID));
		u[i].depth = atoi(PQgetvalue(t, i, T_DEPTH));
		u[i].code = arena_strdup(r->arena, PQgetvalue(t, i, T_CODE));
		u[i].name = arena_strdup(r->arena, PQgetvalue(t, i, T_NAME));
		u[i].kind = arena_strdup(r->arena, PQgetvalue(t, i, T_KIND));
		u[i].status = arena_strdup(r->arena, PQgetvalue(t, i, T_STATUS));
		u[i].hotline = arena_strdup(r->arena, PQgetvalue(t, i, T_HOTLINE));
		u[i].merged_into = arena_strdup(r->arena, PQgetvalue(t, i, T_MERGED));
		u[i].ended = arena_strdup(r->arena, PQgetvalue(t, i, T_ENDED));
		u[i].workplaces = atol(PQgetvalue(t, i, T_WORKPLACES));
		u[i].qr = atol(PQgetvalue(t, i, T_QR));
		u[i].path = arena_strdup(r->arena, PQgetvalue(t, i, T_PATH));
	}
	PQclear(t);
	*out = u;
	return n;
}

/* The <option>s of units `u`, indented by depth, `selected` chosen;
 * leaving out the subtree at `exclude_path` (NULL: none). A `choice`
 * offers only active units, each with its code; a filter offers all. */
static void
unit_options(struct req *r, const struct console_unit *u, int n, const char *selected, const char *exclude_path,
    bool choice)
{
	struct buf *b = r->out;
	for (int i = 0; i < n; i++) {
		if (choice && strcmp(u[i].status, "active") != 0)
			continue;
		if (exclude_path && strncmp(u[i].path, exclude_path, strlen(exclude_path)) == 0)
			continue;
		if (selected && strcmp(selected, u[i].id) == 0)
			html_lit(b, "<option selected value=\"");
		else
			html_lit(b, "<option value=\"");
		html_attr(b, u[i].id);
		html_lit(b, "\">");
		for (int d = u[i].depth; d > 0; d--)
			html_lit(b, "\xc2\xa0\xc2\xa0\xc2\xa0");
		html_text(b, u[i].name);
		if (choice) {
			html_lit(b, " (");
			html_text(b, u[i].code);
			html_lit(b, ")");
		}
		html_lit(b, "</option>");
	}
}

/* A list filter's <select name="unit"> of every unit of `u` (merged and
 * ended ones too: their reports stay), with an empty "all" choice. */
void
console_unit_filter(struct req *r, const struct console_unit *u, int n, const char *selected)
{
	html_lit(r->out, "<select name=\"unit\"><option value=\"\">—</option>");
	unit_options(r, u, n, selected, NULL, false);
	html_lit(r->out, "</select>");
}

/* A labelled <select> "f-FORM-NAME" of the active units of `u`, indented
 * by depth, leaving out the subtree at `exclude_path` (a unit cannot go
 * under itself; NULL: none). `any` makes the empty choice valid. */
void
console_unit_select(struct req *r, const struct console_unit *u, int n, const char *form, const char *name,
    const char *label, const char *hint, const char *selected, const char *exclude_path, bool any,
    const struct console_errs *e)
{
	struct buf *b = r->out;
	const char *id = arena_printf(r->arena, "f-%s-%s", form, name), *error = console_err_of(e, name);
	console_field_begin(r, id, label, hint, error);
	html_lit(b, "<select");
	console_control_attrs(r, id, name, error);
	if (!any)
		html_lit(b, " required");
	html_lit(b, "><option value=\"\">—</option>");
	unit_options(r, u, n, selected, exclude_path, true);
	html_lit(b, "</select></div>");
}

/* Checks that `id` names an active unit in the officer's scope, for a
 * form that puts something under it: NULL and *path, *code set (arena),
 * else the message to show beside the field. */
const char *
console_unit_pick(struct req *r, const char *id, const char **path, const char **code)
{
	enum { P_PATH, P_STATUS, P_CODE };
	if (!fmt_is_id(id))
		return L(r, "Hãy chọn một đơn vị.", "Choose a unit.");
	const char *p[2] = { id, r->officer->unit_path };
	PGresult *res = db_query(r->app->db, "SELECT path, status, code FROM org_unit WHERE id = $1::bigint AND path LIKE $2 || '%'", 2, p);
	if (!db_ok(res) || PQntuples(res) != 1) {
		PQclear(res);
		return L(r, "Không có đơn vị này trong phạm vi của bạn.", "No such unit within your scope.");
	}
	bool active = strcmp(PQgetvalue(res, 0, P_STATUS), "active") == 0;
	*path = arena_strdup(r->arena, PQgetvalue(res, 0, P_PATH));
	*code = arena_strdup(r->arena, PQgetvalue(res, 0, P_CODE));
	PQclear(res);
	return active ? NULL : L(r, "Đơn vị này đã sáp nhập hoặc ngừng hoạt động.", "That unit has merged or ended.");
}

/* ---- posted and query values ---- */

/* A posted field, trimmed, from the arena; "" when absent. The dispatcher
 * already refused bodies that were not NFC-clean UTF-8 without controls. */
char *
console_posted(struct req *r, const char *name)
{
	char *v = arena_strdup(r->arena, kv_get_or_empty(&r->form, name));
	return v ? text_trim(v) : (char *)"";
}

/* The same, or NULL when it is longer than `max_chars` characters. */
const char *
console_posted_max(struct req *r, const char *name, size_t max_chars)
{
	const char *v = console_posted(r, name);
	return text_length(v) <= max_chars ? v : NULL;
}

/* "At most N characters." in the request's language, from the arena. */
const char *
console_too_long(struct req *r, size_t max_chars)
{
	return arena_printf(r->arena, r->lang == LANG_EN ? "At most %zu characters." : "Tối đa %zu ký tự.", max_chars);
}

/* The posted text field `name` as one line (org_text: NFC, no line
 * breaks, at most `max` characters), from the arena; its problem goes
 * into `e` beside the field, as does a missing `required` value. */
const char *
console_posted_line(struct req *r, const char *name, size_t max, bool required, struct console_errs *e)
{
	const char *out;
	enum org_problem p = org_text(r->arena, kv_get_or_empty(&r->form, name), max, &out);
	if (p == ORG_NAME_LONG)
		console_err_add(e, name, arena_printf(r->arena, "%s (%zu)", L(r, "Quá dài: tối đa số ký tự", "Too long: at most characters"), max));
	else if (p != ORG_OK)
		console_err_add(e, name, org_problem_text(p, r->lang));
	else if (required && *out == '\0')
		console_err_add(e, name, L(r, "Không được để trống.", "Required."));
	return out;
}

/* The posted field "id" when it is a record's number (fmt_is_id); else
 * NULL after a 400 page saying so (console_refuse) that links `back`. */
const char *
console_posted_id(struct req *r, const char *back)
{
	const char *id = kv_get_or_empty(&r->form, "id");
	if (fmt_is_id(id))
		return id;
	console_refuse(r, 400, "Số không hợp lệ.", "Not a valid number.", back);
	return NULL;
}

/* A query argument of at most `max` bytes, else "" (never NULL). */
const char *
console_arg(const struct req *r, const char *name, size_t max)
{
	const char *v = kv_get(&r->args, name);
	return v && strlen(v) <= max ? v : "";
}

/* ---- choosing a workplace of the officer's scope ---- */

/* The one <select name="workplace"> of the workplaces in scope (the first
 * 1000 by name), first an empty option showing `none`, `selected` chosen:
 * in a form (`form` not NULL) the labelled field "f-FORM-workplace" with
 * its error from `e` beside it (console_choice); in a filter bar (`form`
 * NULL) a <label> wrapping it, `required` or not, `e` unused. */
void
console_workplace_select(struct req *r, const char *form, const char *selected, const char *none, bool required,
    const struct console_errs *e)
{
	PGresult *ws = filters_workplaces(r, 1000);
	int n = db_ok(ws) ? PQntuples(ws) : 0;
	const char **values = arena_alloc(r->arena, (size_t)(n + 1) * sizeof(*values));
	const char **labels = arena_alloc(r->arena, (size_t)(n + 1) * sizeof(*labels));
	values[0] = "";
	labels[0] = none;
	for (int i = 0; i < n; i++) {
		values[i + 1] = arena_strdup(r->arena, PQgetvalue(ws, i, FW_ID));
		labels[i + 1] = arena_strdup(r->arena, PQgetvalue(ws, i, FW_NAME));
	}
	PQclear(ws);
	if (form) {
		console_choice(r, form, "workplace", L(r, "Nơi làm việc", "Workplace"), selected, e, (size_t)n + 1, values, labels);
		return;
	}
	console_select_open(r, "Nơi làm việc", "Workplace", "workplace", NULL, required);
	for (int i = 0; i <= n; i++)   /* the empty option is never shown as chosen */
		console_option(r, values[i], labels[i], i > 0 && strcmp(selected, values[i]) == 0);
	html_lit(r->out, "</select></label>");
}

const char *
console_workplace_pick(struct req *r, const char *id, struct console_errs *e)
{
	enum { PW_CODE };
	const char *p[2] = { id, r->officer->unit_path };
	PGresult *res = fmt_is_id(id) ? db_query(r->app->db, "SELECT w.code FROM workplace w JOIN org_unit u ON u.id = w.unit_id "
	    "WHERE w.id = $1::bigint AND u.path LIKE $2 || '%'", 2, p) : NULL;
	const char *code = db_ok(res) && PQntuples(res) == 1 ? arena_strdup(r->arena, PQgetvalue(res, 0, PW_CODE)) : NULL;
	PQclear(res);
	if (code == NULL)
		console_err_add(e, "workplace", *id ? L(r, "Không có nơi làm việc này trong phạm vi của bạn.",
		    "There is no such workplace in your scope.") : L(r, "Hãy chọn nơi làm việc.", "Choose the workplace."));
	return code;
}
