/* form_render.c: a form definition as HTML: its fields with their errors, the optional contact block, the form picker of console filters. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "arena.h"
#include "buf.h"
#include "fmt.h"
#include "form.h"
#include "html.h"
#include "req.h"

/* Text made with a format and escaped like any text: the numbers of a
 * page and the words around them. */
static void
textf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
textf(struct buf *b, const char *fmt, ...)
{
	char s[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(s, sizeof(s), fmt, ap);
	va_end(ap);
	html_text(b, s);
}

/* ---- conditions without the script ----
 * app.css hides a question marked data-cond~="N" unless a control marked
 * data-on~="N" is checked (a ticked box or radio, a chosen option), N in
 * 1..COND_SLOTS: one rule per slot, CSS :has(), no script. A form's
 * distinct conditions on a choice (select, multiselect, yes/no) take the
 * slots in order. A condition on typed text, or past the last slot, gets
 * none and its question stays shown without the script, as a browser
 * without :has() shows them all; the server judges what applies either way. */
#define COND_SLOTS 8

/* The i-th condition of a form: each field's, then the urgent note's. */
static const struct form_cond *
cond_at(const struct form *f, size_t i)
{
	return i < f->nfields ? &f->fields[i].cond : &f->urgent_if;
}

static bool
cond_same(const struct form_cond *a, const struct form_cond *b)
{
	if (strcmp(a->field, b->field) != 0 || a->nvalues != b->nvalues)
		return false;
	for (size_t i = 0; i < a->nvalues; i++)
		if (strcmp(a->values[i], b->values[i]) != 0)
			return false;
	return true;
}

/* Whether condition i takes a slot: it is on a choice and is the first of
 * its kind (two questions under the same answer share a slot). */
static bool
cond_slotted(const struct form *f, size_t i)
{
	const struct form_cond *c = cond_at(f, i);
	if (c->field == NULL)
		return false;
	const struct form_field *ctl = form_field_named(f, c->field);
	if (ctl == NULL || (ctl->type != FIELD_SELECT && ctl->type != FIELD_MULTISELECT && ctl->type != FIELD_YESNO))
		return false;
	for (size_t j = 0; j < i; j++)
		if (cond_at(f, j)->field && cond_same(cond_at(f, j), c))
			return false;
	return true;
}

/* The slot of condition `c` (1..COND_SLOTS), 0 for none. */
static int
cond_slot(const struct form *f, const struct form_cond *c)
{
	int slot = 0;
	for (size_t i = 0; i <= f->nfields && slot < COND_SLOTS; i++)
		if (cond_slotted(f, i) && ++slot && cond_same(cond_at(f, i), c))
			return slot;
	return 0;
}

/* One slot of a list attribute, data-on (`on`) or data-cond: the
 * attribute's start before the first (`*any` false), a space before others. */
static void
slot_item(struct buf *b, bool on, int slot, bool *any)
{
	if (*any)
		html_lit(b, " ");
	else if (on)
		html_lit(b, " data-on=\"");
	else
		html_lit(b, " data-cond=\"");
	textf(b, "%d", slot);
	*any = true;
}

/* data-on="N ..." on the control that answers `value` to field `name`:
 * the slots of the conditions that answer meets. */
static void
on_attr(struct buf *b, const struct form *f, const char *name, const char *value)
{
	bool any = false;
	int slot = 0;
	for (size_t i = 0; i <= f->nfields && slot < COND_SLOTS; i++) {
		if (!cond_slotted(f, i))
			continue;
		slot++;
		const struct form_cond *c = cond_at(f, i);
		bool meets = false;
		for (size_t k = 0; k < c->nvalues && !meets; k++)
			meets = strcmp(c->values[k], value) == 0;
		if (!meets || strcmp(c->field, name) != 0)
			continue;
		slot_item(b, true, slot, &any);
	}
	if (any)
		html_lit(b, "\"");
}

/* The attributes of a conditional block: the condition for the script
 * (data-if-field, data-if-values) and its slot for the stylesheet. */
static void
cond_attrs(struct buf *b, const struct form *f, const struct form_cond *c)
{
	if (c->field == NULL)
		return;
	html_lit(b, " data-if-field=\"");
	html_attr(b, c->field);
	html_lit(b, "\" data-if-values=\"");
	for (size_t i = 0; i < c->nvalues; i++) {
		if (i)
			html_lit(b, " ");
		html_attr(b, c->values[i]);
	}
	html_lit(b, "\"");
	/* its own slot, then those of the questions it hangs under: hidden
	 * when any link of the chain is off (a ticked box under a question
	 * that no longer applies does not count) */
	bool any = false;
	const struct form_field *ctl = NULL;
	for (int depth = 0; c && c->field && depth <= (int)f->nfields; depth++) {
		int slot = cond_slot(f, c);
		if (slot > 0)
			slot_item(b, false, slot, &any);
		ctl = form_field_named(f, c->field);
		c = ctl ? &ctl->cond : NULL;
	}
	if (any)
		html_lit(b, "\"");
}

/* The rest of an attribute that names a field: its name, then the closing
 * quote; id_attr() writes the attribute and the prefix as a literal. */
static void
id_value(struct buf *b, const struct form_field *fd)
{
	html_attr(b, fd->name);
	html_lit(b, "\"");
}
#define id_attr(b, prefix, fd) (html_lit((b), prefix), id_value((b), (fd)))

/* The id and name of a control, the name's closing quote left to the caller. */
static void
control_attrs(struct buf *b, const struct form_field *fd)
{
	id_attr(b, " id=\"f-", fd);
	html_lit(b, " name=\"");
	html_attr(b, fd->name);
}

/* Whether the browser may insist on an answer: a required question that
 * is always asked. A conditional one stays visible without the script
 * even when it does not apply, so only the server can judge it. */
static bool
browser_required(const struct form_field *fd)
{
	return fd->required && fd->cond.field == NULL;
}

/* The id, name, maxlength and required of a text control. A date or month
 * picker has no maxlength: the browser's own value ("2026-10-25") is not
 * what the worker typed, and a browser that falls back to a text box must
 * take "25/10/2026" as written. */
static void
text_attrs(struct buf *b, const struct form_field *fd)
{
	control_attrs(b, fd);
	html_lit(b, "\"");
	if (fd->type != FIELD_DATE && fd->type != FIELD_MONTH) {
		html_lit(b, " maxlength=\"");
		textf(b, "%ld", fd->max_length);
		html_lit(b, "\"");
	}
	if (browser_required(fd))
		html_lit(b, " required");
}

enum choice_type { CHECKBOX, RADIO };

/* One checkbox or radio with its label; `checked` from the kept values. */
static void
choice(struct buf *b, enum choice_type type, const struct form *f, const struct form_field *fd, const char *value,
    const char *label, bool checked, bool bad)
{
	if (type == RADIO)
		html_lit(b, "<label class=\"choice\"><input type=\"radio\" name=\"");
	else
		html_lit(b, "<label class=\"choice\"><input type=\"checkbox\" name=\"");
	html_attr(b, fd->name);
	html_lit(b, "\" value=\"");
	html_attr(b, value);
	html_lit(b, "\"");
	on_attr(b, f, fd->name, value);
	if (checked)
		html_lit(b, " checked");
	if (type == RADIO && browser_required(fd))
		html_lit(b, " required");   /* one of the group: the browser asks before the server must */
	if (bad)
		html_lit(b, " aria-invalid=\"true\"");
	html_lit(b, "> ");
	html_text(b, label);
	html_lit(b, "</label>");
}

/* A ranking: a select of ranks 1..n per option, beside its label. */
static void
render_rank(struct req *r, const struct form_field *fd, const struct kvlist *values, bool bad)
{
	struct buf *b = r->out;
	for (size_t j = 0; j < fd->noptions; j++) {
		char *name = arena_printf(r->arena, "%s:%s", fd->name, fd->options[j].value);
		const char *cur = values ? kv_get_or_empty(values, name) : "";
		html_lit(b, "<div class=\"rank\"><select name=\"");
		html_attr(b, name);
		html_lit(b, "\" id=\"");
		html_attr(b, arena_printf(r->arena, "f-%s-%s", fd->name, fd->options[j].value));
		html_lit(b, "\"");
		if (bad)
			html_lit(b, " aria-invalid=\"true\"");
		html_lit(b, "><option value=\"\">");
		html_text(b, tr(r->lang, MSG_RANK_NONE));
		html_lit(b, "</option>");
		for (size_t k = 1; k <= fd->noptions && (long)k <= fd->max_items; k++) {
			char num[8];
			snprintf(num, sizeof(num), "%zu", k);
			html_lit(b, "<option");
			if (strcmp(cur, num) == 0)
				html_lit(b, " selected");
			html_lit(b, ">");
			html_text(b, num);
			html_lit(b, "</option>");
		}
		html_lit(b, "</select> <label for=\"");
		html_attr(b, arena_printf(r->arena, "f-%s-%s", fd->name, fd->options[j].value));
		html_lit(b, "\">");
		html_text(b, form_label(fd->options[j].label, r->lang));
		html_lit(b, "</label></div>");
	}
}

/* Ends a <select ...> opened up to its last attribute's value: closes
 * that value, says required and invalid (pointing at the error) as asked,
 * and writes the empty first choice every select of a form starts with. */
static void
select_open_end(struct req *r, const struct form_field *fd, bool required, bool bad)
{
	struct buf *b = r->out;
	html_lit(b, "\"");
	if (required)
		html_lit(b, " required");
	if (bad)
		id_attr(b, " aria-invalid=\"true\" aria-describedby=\"e-", fd);
	html_lit(b, "><option value=\"\">");
	html_text(b, tr(r->lang, MSG_SELECT_NONE));
	html_lit(b, "</option>");
}

/* One end of a month range: a select of the field's recent months, newest
 * first, named NAME:from or NAME:to; `kept` ("YYYY-MM" or "") selected. */
static void
month_select(struct req *r, const struct form_field *fd, const char *end, enum msg label, const char *kept,
    bool required, bool bad)
{
	struct buf *b = r->out;
	const char *id = arena_printf(r->arena, "f-%s-%s", fd->name, end);
	struct tm now = fmt_vn_time(time(NULL));
	int y = now.tm_year + 1900, m = now.tm_mon + 1;
	html_lit(b, "<div class=\"end\"><label for=\"");
	html_attr(b, id);
	html_lit(b, "\">");
	html_text(b, tr(r->lang, label));
	html_lit(b, "</label><select id=\"");
	html_attr(b, id);
	html_lit(b, "\" name=\"");
	html_attr(b, arena_printf(r->arena, "%s:%s", fd->name, end));
	select_open_end(r, fd, required, bad);
	for (long k = 0; k < fd->span; k++) {
		char v[8];
		snprintf(v, sizeof(v), "%04d-%02d", y, m);
		html_lit(b, "<option value=\"");
		html_attr(b, v);
		html_lit(b, "\"");
		if (strcmp(kept, v) == 0)
			html_lit(b, " selected");
		html_lit(b, ">");
		textf(b, "%02d/%04d", m, y);
		html_lit(b, "</option>");
		if (--m == 0) {
			m = 12;
			y--;
		}
	}
	html_lit(b, "</select></div>");
}

/* A month list as a range: two selects, from and to (one alone is one
 * month), which work without the script and take a line instead of a
 * checkbox per month. Kept values are the range sent, or, from an older
 * page that sent NAME=YYYY-MM values, their first and last month. */
static void
render_month_range(struct req *r, const struct form_field *fd, const struct kvlist *values, bool bad)
{
	const char *from = "", *to = "";
	if (values) {
		from = kv_get_or_empty(values, arena_printf(r->arena, "%s:from", fd->name));
		to = kv_get_or_empty(values, arena_printf(r->arena, "%s:to", fd->name));
		for (size_t i = 0; i < values->n && !*from && !*to; i++)
			if (strcmp(values->items[i].key, fd->name) == 0)
				from = to = values->items[i].val;
		for (size_t i = 0; i < values->n; i++) {
			const char *v = values->items[i].val;
			if (strcmp(values->items[i].key, fd->name) != 0 || strlen(v) != 7)
				continue;
			if (strcmp(v, from) < 0)
				from = v;
			if (strcmp(v, to) > 0)
				to = v;
		}
	}
	html_lit(r->out, "<div class=\"range\">");
	month_select(r, fd, "from", MSG_MONTH_FROM, from, browser_required(fd), bad);
	month_select(r, fd, "to", MSG_MONTH_TO, to, false, bad);
	html_lit(r->out, "</div>");
}

/* The input control(s) of one field of `f`, with kept values. */
static void
render_control(struct req *r, const struct form *f, const struct form_field *fd, const struct kvlist *values, bool bad)
{
	struct buf *b = r->out;
	const char *val = values ? kv_get_or_empty(values, fd->name) : "";
	const char *input = NULL, *mode = NULL;
	switch (fd->type) {
	case FIELD_TEXTAREA:
		html_lit(b, "<textarea rows=\"4\"");
		text_attrs(b, fd);
		if (!fd->required)   /* folded: named by its summary */
			id_attr(b, " aria-labelledby=\"l-", fd);
		if (bad)
			id_attr(b, " aria-invalid=\"true\" aria-describedby=\"e-", fd);
		html_lit(b, ">");
		html_text(b, val);
		html_lit(b, "</textarea>");
		return;
	case FIELD_SELECT:
		html_lit(b, "<select");
		control_attrs(b, fd);
		select_open_end(r, fd, browser_required(fd), bad);
		for (size_t j = 0; j < fd->noptions; j++) {
			html_lit(b, "<option value=\"");
			html_attr(b, fd->options[j].value);
			html_lit(b, "\"");
			on_attr(b, f, fd->name, fd->options[j].value);
			if (strcmp(val, fd->options[j].value) == 0)
				html_lit(b, " selected");
			html_lit(b, ">");
			html_text(b, form_label(fd->options[j].label, r->lang));
			html_lit(b, "</option>");
		}
		html_lit(b, "</select>");
		return;
	case FIELD_MULTISELECT:
		for (size_t j = 0; j < fd->noptions; j++)
			choice(b, CHECKBOX, f, fd, fd->options[j].value, form_label(fd->options[j].label, r->lang),
			    values && kv_has(values, fd->name, fd->options[j].value), bad);
		return;
	case FIELD_YESNO:   /* short answers side by side: a line, not three */
		html_lit(b, "<div class=\"inline\">");
		choice(b, RADIO, f, fd, "yes", tr(r->lang, MSG_YES), strcmp(val, "yes") == 0, bad);
		choice(b, RADIO, f, fd, "no", tr(r->lang, MSG_NO), strcmp(val, "no") == 0, bad);
		if (fd->unsure)
			choice(b, RADIO, f, fd, "unsure", tr(r->lang, MSG_UNSURE), strcmp(val, "unsure") == 0, bad);
		html_lit(b, "</div>");
		return;
	case FIELD_RANK:
		render_rank(r, fd, values, bad);
		return;
	case FIELD_MONTH:
		if (fd->multiple) {
			render_month_range(r, fd, values, bad);
			return;
		}
		input = "month";
		break;
	case FIELD_PHOTO:
		html_lit(b, "<input type=\"file\" accept=\"image/jpeg,image/png,image/webp\"");
		control_attrs(b, fd);
		html_lit(b, "\"");
		if (fd->max_items > 1)
			html_lit(b, " multiple");
		html_lit(b, ">");
		return;
	case FIELD_DATE: input = fmt_date_input(val); break;
	case FIELD_INTEGER: mode = "numeric"; break;
	case FIELD_MONEY: mode = "numeric"; break;
	case FIELD_NUMBER: mode = "decimal"; break;
	case FIELD_PHONE: input = "tel"; mode = "tel"; break;
	case FIELD_TEXT:
	default: break;
	}
	if (fd->type == FIELD_MONEY)   /* the unit stays beside its box */
		html_lit(b, "<div class=\"money\">");
	html_lit(b, "<input type=\"");
	html_text(b, input ? input : "text");
	html_lit(b, "\"");
	if (mode) {
		html_lit(b, " inputmode=\"");
		html_text(b, mode);
		html_lit(b, "\"");
	}
	if (fd->type == FIELD_PHONE)
		html_lit(b, " autocomplete=\"off\"");
	text_attrs(b, fd);
	if (bad)
		id_attr(b, " aria-invalid=\"true\" aria-describedby=\"e-", fd);
	else if (fd->hint[LANG_VI])
		id_attr(b, " aria-describedby=\"h-", fd);
	html_lit(b, " value=\"");
	html_attr(b, val);
	html_lit(b, "\">");
	if (fd->type == FIELD_MONEY) {
		html_lit(b, " <span class=\"unit\">");
		html_text(b, tr(r->lang, MSG_MONEY_UNIT));
		html_lit(b, "</span></div>");
	}
}

/* The error message for a field, with the bound that was broken. */
static void
render_error(struct req *r, const struct form_field *fd, enum msg e)
{
	struct buf *b = r->out;
	html_lit(b, "<p class=\"msg\" role=\"alert\"");
	id_attr(b, " id=\"e-", fd);
	html_lit(b, ">");
	html_text(b, tr(r->lang, e));
	if (e == MSG_FIELD_TOO_LONG)
		textf(b, " (%s %ld %s)", tr(r->lang, MSG_MAX_PREFIX), fd->max_length, tr(r->lang, MSG_CHARS));
	else if (e == MSG_FIELD_TOO_BIG && fd->has_max && fd->type != FIELD_DATE && fd->type != FIELD_MONTH)
		textf(b, " (%s %.15g)", tr(r->lang, MSG_MAX_PREFIX), fd->max);
	else if (e == MSG_FIELD_TOO_SMALL && fd->has_min && fd->type != FIELD_DATE && fd->type != FIELD_MONTH)
		textf(b, " (%s %.15g)", tr(r->lang, MSG_MIN_PREFIX), fd->min);
	else if (e == MSG_FIELD_TOO_MANY)
		textf(b, " (%s %ld)", tr(r->lang, MSG_MAX_PREFIX), fd->max_items);
	html_lit(b, "</p>");
}

/* Buttons that call at once (tel: links): with `emergency`, the ambulance
 * (115) and the fire service (114); then the union's hotline when there is
 * one (NULL or ""), as printed on the poster. A worker in danger must not
 * have to look a number up. */
void
form_render_call(struct req *r, const char *hotline, bool emergency)
{
	struct buf *b = r->out;
	bool has_hotline = hotline && *hotline;
	if (!emergency && !has_hotline)
		return;
	html_lit(b, "<ul class=\"choices call\">");
	if (emergency) {
		html_lit(b, "<li><a class=\"btn call\" href=\"tel:115\">");
		html_text(b, tr(r->lang, MSG_CALL_AMBULANCE));
		html_lit(b, "</a></li><li><a class=\"btn call\" href=\"tel:114\">");
		html_text(b, tr(r->lang, MSG_CALL_FIRE));
		html_lit(b, "</a></li>");
	}
	if (has_hotline) {
		/* the number to dial: its digits and a leading + (hotline is
		 * checked by the database: digits, spaces, + ( ) . -) */
		char *dial = arena_alloc(r->arena, strlen(hotline) + 1), *d = dial;
		for (const char *p = hotline; *p; p++)
			if ((*p >= '0' && *p <= '9') || (*p == '+' && d == dial))
				*d++ = *p;
		*d = '\0';
		html_lit(b, "<li><a class=\"btn call\" id=\"call-hotline\" href=\"tel:");
		html_attr(b, dial);
		html_lit(b, "\">");
		html_text(b, tr(r->lang, MSG_CALL_HOTLINE));
		html_lit(b, " <span class=\"nowrap\">");
		html_text(b, hotline);
		html_lit(b, "</span></a></li>");
	}
	html_lit(b, "</ul>");
}

/* How a field is wrapped: a group of choices in a fieldset; an optional
 * free text folded in a <details> whose summary is the question (one tap
 * opens it, without the script too; the page is shorter by the box); any
 * other field a div with a label. */
enum wrap { WRAP_DIV, WRAP_GROUP, WRAP_FOLD };

static enum wrap
field_wrap(const struct form_field *fd)
{
	if (fd->type == FIELD_MULTISELECT || fd->type == FIELD_YESNO || fd->type == FIELD_RANK ||
	    (fd->type == FIELD_MONTH && fd->multiple))
		return WRAP_GROUP;
	return fd->type == FIELD_TEXTAREA && !fd->required ? WRAP_FOLD : WRAP_DIV;
}

/* The element that wraps a field and the one that asks its question, by
 * enum wrap: plain names, written through html_text like any text. */
static const char *const wrap_tag[] = { "div", "fieldset", "details" };
static const char *const question_tag[] = { "label", "legend", "summary" };

/* Writes the end tag </NAME>, a newline after a field's wrapper. */
static void
end_tag(struct buf *b, const char *name, bool newline)
{
	html_lit(b, "</");
	html_text(b, name);
	if (newline)
		html_lit(b, ">\n");
	else
		html_lit(b, ">");
}

/* Opens a field's wrapper and writes its question. Only required questions
 * are marked: most are optional, and a mark on each cost a line on many.
 * A folded field is open when it holds an answer or an error. */
static void
field_open(struct req *r, const struct form *f, const struct form_field *fd, const struct kvlist *values, bool bad)
{
	struct buf *b = r->out;
	enum wrap w = field_wrap(fd);
	html_lit(b, "<");
	html_text(b, wrap_tag[w]);
	if (bad)
		html_lit(b, " class=\"field error\"");
	else
		html_lit(b, " class=\"field\"");
	id_attr(b, " id=\"q-", fd);
	cond_attrs(b, f, &fd->cond);
	if (w == WRAP_FOLD && (bad || (values && *kv_get_or_empty(values, fd->name))))
		html_lit(b, " open");
	html_lit(b, "><");
	html_text(b, question_tag[w]);
	if (w == WRAP_FOLD)
		id_attr(b, " id=\"l-", fd);   /* names the folded box */
	else if (w == WRAP_DIV)
		id_attr(b, " for=\"f-", fd);
	html_lit(b, ">");
	html_text(b, form_label(fd->label, r->lang));
	if (fd->required) {
		html_lit(b, " <small>");
		html_text(b, tr(r->lang, MSG_REQUIRED_MARK));
		html_lit(b, "</small>");
	}
	end_tag(b, question_tag[w], false);
}

/* Renders every field with its label, hint, current value and error (in
 * r->lang), all escaped. Conditional fields carry data-if-* attributes for
 * the script and data-cond for the stylesheet, which hides them without
 * the script until their answer is chosen (see COND_SLOTS). `values`
 * may be NULL; errors[i] == MSG__MAX means no error for field i. The
 * urgent advice carries buttons that call 115, 114 and `hotline` (NULL or
 * "": none known). */
void
form_render_fields(struct req *r, const struct form *f, const struct kvlist *values, const enum msg *errors,
    const char *hotline)
{
	struct buf *b = r->out;
	for (size_t i = 0; i < f->nfields; i++) {
		const struct form_field *fd = &f->fields[i];
		bool bad = errors && errors[i] != MSG__MAX;
		field_open(r, f, fd, values, bad);
		if (fd->hint[LANG_VI]) {
			html_lit(b, "<p class=\"hint\"");
			id_attr(b, " id=\"h-", fd);
			html_lit(b, ">");
			html_text(b, form_label(fd->hint, r->lang));
			html_lit(b, "</p>");
		}
		if (bad)
			render_error(r, fd, errors[i]);
		render_control(r, f, fd, values, bad);
		end_tag(b, wrap_tag[field_wrap(fd)], true);
		if (f->urgent_if.field && strcmp(f->urgent_if.field, fd->name) == 0) {
			html_lit(b, "<div class=\"urgent\" role=\"note\"");
			cond_attrs(b, f, &f->urgent_if);
			html_lit(b, "><p>");
			html_text(b, form_label(f->urgent_message, r->lang));
			html_lit(b, "</p>");
			form_render_call(r, hotline, true);
			html_lit(b, "</div>\n");
		}
	}
}

/* ---- optional contact details, behind explicit consent ---- */

static void
contact_input(struct req *r, const char *name, const char *type, enum msg label, const struct kvlist *values)
{
	struct buf *b = r->out;
	html_lit(b, "<div class=\"field\"><label for=\"f-");
	html_attr(b, name);
	html_lit(b, "\">");
	html_text(b, tr(r->lang, label));
	html_lit(b, "</label><input type=\"");
	html_attr(b, type);
	html_lit(b, "\" autocomplete=\"off\" maxlength=\"100\" id=\"f-");
	html_attr(b, name);
	html_lit(b, "\" name=\"");
	html_attr(b, name);
	html_lit(b, "\" value=\"");
	html_attr(b, values ? kv_get_or_empty(values, name) : "");
	html_lit(b, "\"></div>");
}

/* The contact block: what it is for and who sees it, a consent box that
 * must be ticked (silence is not consent), and the three ways to reach
 * the worker; folded under its title (a <details>: most workers leave no
 * contact, and the block was the longest part of every form), open when
 * something in it was sent back or `error` (MSG__MAX for none) is shown. */
void
form_render_contact(struct req *r, const struct form *f, const struct kvlist *values, enum msg error)
{
	struct buf *b = r->out;
	if (!f->contact)
		return;
	bool open = error != MSG__MAX;
	for (const char *const *k = (const char *const[]){ "contact_name", "contact_phone", "contact_zalo",
	    "contact_consent", NULL }; *k && values && !open; k++)
		open = *kv_get_or_empty(values, *k) != '\0';
	if (error != MSG__MAX)
		html_lit(b, "<details class=\"contact field error\" id=\"q-contact\"");
	else
		html_lit(b, "<details class=\"contact\" id=\"q-contact\"");
	if (open)
		html_lit(b, " open");
	html_lit(b, "><summary>");
	html_text(b, tr(r->lang, MSG_CONTACT_TITLE));
	html_lit(b, "</summary><p class=\"hint\">");
	html_text(b, tr(r->lang, MSG_CONTACT_EXPLAIN));
	html_lit(b, "</p>");
	if (error != MSG__MAX) {
		html_lit(b, "<p class=\"msg\" role=\"alert\" id=\"e-contact\">");
		html_text(b, tr(r->lang, error));
		html_lit(b, "</p>");
	}
	contact_input(r, "contact_name", "text", MSG_CONTACT_NAME, values);
	contact_input(r, "contact_phone", "tel", MSG_CONTACT_PHONE, values);
	contact_input(r, "contact_zalo", "text", MSG_CONTACT_ZALO, values);
	html_lit(b, "<label class=\"choice\"><input type=\"checkbox\" name=\"contact_consent\" value=\"yes\"");
	if (values && kv_has(values, "contact_consent", "yes"))
		html_lit(b, " checked");
	html_lit(b, "> ");
	html_text(b, tr(r->lang, MSG_CONTACT_CONSENT));
	html_lit(b, "</label></details>\n");
}

/* The <option>s of every loaded form, titles in the request's language,
 * `selected` marked (NULL or "": none): one list for every console filter. */
void
form_options(struct req *r, const char *selected)
{
	for (size_t i = 0; i < r->app->forms->n; i++) {
		const struct form *f = &r->app->forms->forms[i];
		if (selected && strcmp(selected, f->id) == 0)
			html_lit(r->out, "<option selected value=\"");
		else
			html_lit(r->out, "<option value=\"");
		html_attr(r->out, f->id);
		html_lit(r->out, "\">");
		html_text(r->out, form_label(f->title, r->lang));
		html_lit(r->out, "</option>");
	}
}
