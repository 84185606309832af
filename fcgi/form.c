/* form.c: form definitions (forms/NAME.json): load and check them, render them as HTML, validate answers. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "app.h"
#include "arena.h"
#include "buf.h"
#include "db.h"
#include "form.h"
#include "html.h"
#include "req.h"
#include "text.h"

#define FORM_FILES_MAX 64
#define FORM_FIELDS_MAX 60
#define FORM_OPTIONS_MAX 40
#define FIELD_TEXT_MAX 20000

static const char *const field_type_names[FIELD__MAX] = {
	"text",         /* FIELD_TEXT */
	"textarea",     /* FIELD_TEXTAREA */
	"integer",      /* FIELD_INTEGER */
	"number",       /* FIELD_NUMBER */
	"money",        /* FIELD_MONEY */
	"date",         /* FIELD_DATE */
	"month",        /* FIELD_MONTH */
	"select",       /* FIELD_SELECT */
	"multiselect",  /* FIELD_MULTISELECT */
	"yesno",        /* FIELD_YESNO */
	"rank",         /* FIELD_RANK */
	"phone",        /* FIELD_PHONE */
	"photo",        /* FIELD_PHOTO */
};

static const long field_default_max[FIELD__MAX] = {
	200,   /* FIELD_TEXT */
	4000,  /* FIELD_TEXTAREA */
	20,    /* FIELD_INTEGER */
	30,    /* FIELD_NUMBER */
	40,    /* FIELD_MONEY */
	20,    /* FIELD_DATE */
	20,    /* FIELD_MONTH */
	0,     /* FIELD_SELECT */
	0,     /* FIELD_MULTISELECT */
	0,     /* FIELD_YESNO */
	0,     /* FIELD_RANK */
	20,    /* FIELD_PHONE */
	0,     /* FIELD_PHOTO */
};

#define PHOTOS_MAX 3

const char *
form_type_name(enum field_type t)
{
	return (unsigned)t < FIELD__MAX ? field_type_names[t] : "";
}

struct load_ctx {
	const char *file;
	char *err;
	size_t errlen;
};

static int
load_fail(struct load_ctx *c, const char *field, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Writes "FILE: field "NAME": what is wrong" into the context's error. */
static int
load_fail(struct load_ctx *c, const char *field, const char *fmt, ...)
{
	char what[400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (field)
		snprintf(c->err, c->errlen, "%s: field \"%s\": %s", c->file, field, what);
	else
		snprintf(c->err, c->errlen, "%s: %s", c->file, what);
	return -1;
}

static bool
valid_name(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 40 || !(s[0] >= 'a' && s[0] <= 'z'))
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
			return false;
	return true;
}

static char *
dup_text(const char *s)
{
	return strdup(s);
}

/* Reads {"vi": "...", "en": "..."} into out; Vietnamese is required when
 * `required`, English falls back to Vietnamese. */
static int
load_i18n(struct load_ctx *c, json_t *obj, const char *key, const char *field, bool required, char *out[LANG__MAX])
{
	json_t *v = json_object_get(obj, key);
	out[LANG_VI] = out[LANG_EN] = NULL;
	if (v == NULL) {
		if (required)
			return load_fail(c, field, "missing \"%s\" (with a Vietnamese text under \"vi\")", key);
		return 0;
	}
	if (!json_is_object(v))
		return load_fail(c, field, "\"%s\" must be an object like {\"vi\": \"...\", \"en\": \"...\"}", key);
	json_t *vi = json_object_get(v, "vi"), *en = json_object_get(v, "en");
	if (!json_is_string(vi) || json_string_length(vi) == 0)
		return load_fail(c, field, "\"%s\" has no Vietnamese text (\"vi\")", key);
	if (en != NULL && !json_is_string(en))
		return load_fail(c, field, "\"%s\".\"en\" must be a string", key);
	out[LANG_VI] = dup_text(json_string_value(vi));
	out[LANG_EN] = dup_text(en ? json_string_value(en) : json_string_value(vi));
	return 0;
}

/* Finds the option list a condition's values must come from. */
static bool
field_has_value(const struct form_field *f, const char *v)
{
	if (f->type == FIELD_YESNO)
		return strcmp(v, "yes") == 0 || strcmp(v, "no") == 0 || (f->unsure && strcmp(v, "unsure") == 0);
	if (f->noptions == 0)
		return true;
	for (size_t i = 0; i < f->noptions; i++)
		if (strcmp(f->options[i].value, v) == 0)
			return true;
	return false;
}

/* Reads {"field": NAME, "equals": V} or {"field": NAME, "in": [V, ...]};
 * NAME must be an earlier field (no cycles) with V among its answers. */
static int
load_cond(struct load_ctx *c, json_t *jc, const char *what, const char *owner,
    const struct form_field *earlier, size_t nearlier, struct form_cond *out)
{
	json_t *fld = json_object_get(jc, "field"), *eq = json_object_get(jc, "equals"), *in = json_object_get(jc, "in");
	if (!json_is_object(jc) || !json_is_string(fld) || (eq == NULL) == (in == NULL))
		return load_fail(c, owner, "\"%s\" must be {\"field\": NAME, \"equals\": VALUE} or {\"field\": NAME, \"in\": [VALUES]}", what);
	const struct form_field *ctl = NULL;
	for (size_t i = 0; i < nearlier; i++)
		if (strcmp(earlier[i].name, json_string_value(fld)) == 0)
			ctl = &earlier[i];
	if (ctl == NULL)
		return load_fail(c, owner, "\"%s\" refers to a field that does not come before it: %s", what, json_string_value(fld));
	if (ctl->type == FIELD_RANK || ctl->type == FIELD_PHOTO || ctl->type == FIELD_MONTH)
		return load_fail(c, owner, "\"%s\" cannot depend on a %s field (%s)", what, form_type_name(ctl->type), ctl->name);
	size_t n = eq ? 1 : json_array_size(in);
	if ((eq && !json_is_string(eq)) || (in && (!json_is_array(in) || n == 0 || n > FORM_OPTIONS_MAX)))
		return load_fail(c, owner, "\"%s\" values must be strings", what);
	out->field = dup_text(ctl->name);
	out->values = calloc(n, sizeof(char *));
	if (out->values == NULL)
		return load_fail(c, owner, "out of memory");
	for (size_t i = 0; i < n; i++) {
		json_t *v = eq ? eq : json_array_get(in, i);
		if (!json_is_string(v) || !field_has_value(ctl, json_string_value(v)))
			return load_fail(c, owner, "\"%s\" uses a value the controlling field cannot have: %s", what,
			    json_is_string(v) ? json_string_value(v) : "(not a string)");
		out->values[out->nvalues++] = dup_text(json_string_value(v));
	}
	return 0;
}

static int
load_bound(struct load_ctx *c, json_t *jf, const char *key, const struct form_field *f, bool *has, double *out)
{
	json_t *v = json_object_get(jf, key);
	*has = v != NULL;
	if (v == NULL)
		return 0;
	bool dated = f->type == FIELD_DATE || f->type == FIELD_MONTH;
	if (dated && json_is_string(v) && strcmp(json_string_value(v), "today") == 0) {
		*out = 0;
		return 0;
	}
	if (!json_is_number(v))
		return load_fail(c, f->name, dated ? "\"%s\" must be \"today\" or a number of days (months) from today"
		    : "\"%s\" must be a number", key);
	*out = json_number_value(v);
	return 0;
}

static int
load_field(struct load_ctx *c, json_t *jf, struct form_field *f, const struct form_field *earlier, size_t nearlier)
{
	json_t *name = json_object_get(jf, "name");
	if (!json_is_string(name) || !valid_name(json_string_value(name)))
		return load_fail(c, NULL, "a field has no valid \"name\" (lower-case letters, digits, _): %s",
		    json_is_string(name) ? json_string_value(name) : "(none)");
	f->name = dup_text(json_string_value(name));
	json_t *type = json_object_get(jf, "type");
	if (!json_is_string(type))
		return load_fail(c, f->name, "missing \"type\"");
	int t;
	for (t = 0; t < FIELD__MAX; t++)
		if (strcmp(field_type_names[t], json_string_value(type)) == 0)
			break;
	if (t == FIELD__MAX)
		return load_fail(c, f->name, "unknown type \"%s\"", json_string_value(type));
	f->type = (enum field_type)t;
	static const char *const known[] = { "name", "type", "required", "label", "hint", "max_length",
	    "min_length", "options", "min", "max", "multiple", "unsure", "max_items", "span", "show_if", NULL };
	const char *key;
	json_t *val;
	json_object_foreach(jf, key, val) {
		size_t i;
		for (i = 0; known[i] && strcmp(known[i], key) != 0; i++)
			;
		if (known[i] == NULL)
			return load_fail(c, f->name, "unknown property \"%s\"", key);
	}
	json_t *req = json_object_get(jf, "required");
	if (req != NULL && !json_is_boolean(req))
		return load_fail(c, f->name, "\"required\" must be true or false");
	f->required = json_is_true(req);
	if (f->required && f->type == FIELD_PHOTO)
		return load_fail(c, f->name, "a photo cannot be required (a worker may have no camera)");
	if (load_i18n(c, jf, "label", f->name, true, f->label) != 0 ||
	    load_i18n(c, jf, "hint", f->name, false, f->hint) != 0)
		return -1;
	f->max_length = field_default_max[f->type];
	json_t *ml = json_object_get(jf, "max_length");
	if (ml != NULL) {
		if ((f->type != FIELD_TEXT && f->type != FIELD_TEXTAREA) ||
		    !json_is_integer(ml) || json_integer_value(ml) < 1 || json_integer_value(ml) > FIELD_TEXT_MAX)
			return load_fail(c, f->name, "\"max_length\" belongs on text or textarea, an integer from 1 to 20000");
		f->max_length = (long)json_integer_value(ml);
	}
	json_t *mn = json_object_get(jf, "min_length");
	if (mn != NULL) {
		if (f->type != FIELD_TEXT && f->type != FIELD_TEXTAREA)
			return load_fail(c, f->name, "\"min_length\" belongs on text or textarea");
		if (!json_is_integer(mn) || json_integer_value(mn) < 0 || json_integer_value(mn) > f->max_length)
			return load_fail(c, f->name, "\"min_length\" must be an integer from 0 to max_length");
		f->min_length = (long)json_integer_value(mn);
	}
	bool numeric = f->type == FIELD_INTEGER || f->type == FIELD_NUMBER || f->type == FIELD_MONEY ||
	    f->type == FIELD_DATE || f->type == FIELD_MONTH;
	if (!numeric && (json_object_get(jf, "min") || json_object_get(jf, "max")))
		return load_fail(c, f->name, "\"min\"/\"max\" only belong on integer, number, money, date and month");
	if (load_bound(c, jf, "min", f, &f->has_min, &f->min) != 0 || load_bound(c, jf, "max", f, &f->has_max, &f->max) != 0)
		return -1;
	if (f->has_min && f->has_max && f->min > f->max)
		return load_fail(c, f->name, "\"min\" is above \"max\"");
	json_t *mult = json_object_get(jf, "multiple");
	if (mult && (f->type != FIELD_MONTH || !json_is_boolean(mult)))
		return load_fail(c, f->name, "\"multiple\": true only belongs on a month");
	f->multiple = json_is_true(mult);
	if (f->multiple && (f->has_min || f->has_max))
		return load_fail(c, f->name, "a month list takes \"span\" (recent months), not \"min\"/\"max\"");
	json_t *uns = json_object_get(jf, "unsure");
	if (uns && (f->type != FIELD_YESNO || !json_is_boolean(uns)))
		return load_fail(c, f->name, "\"unsure\": true only belongs on a yesno");
	f->unsure = json_is_true(uns);
	f->span = 12;
	json_t *span = json_object_get(jf, "span");
	if (span && (!f->multiple || !json_is_integer(span) || json_integer_value(span) < 1 || json_integer_value(span) > 60))
		return load_fail(c, f->name, "\"span\" (1-60 recent months) only belongs on a month list");
	if (span)
		f->span = (long)json_integer_value(span);
	json_t *opts = json_object_get(jf, "options");
	bool listed = f->type == FIELD_SELECT || f->type == FIELD_MULTISELECT || f->type == FIELD_RANK;
	f->max_items = f->type == FIELD_PHOTO ? PHOTOS_MAX : f->type == FIELD_MONTH ? f->span : FORM_OPTIONS_MAX;
	json_t *mi = json_object_get(jf, "max_items");
	if (mi) {
		long cap = f->type == FIELD_PHOTO ? PHOTOS_MAX : FORM_OPTIONS_MAX;
		if (!(listed || f->type == FIELD_PHOTO || f->multiple) || !json_is_integer(mi) ||
		    json_integer_value(mi) < 1 || json_integer_value(mi) > cap)
			return load_fail(c, f->name, "\"max_items\" belongs on multiselect, rank, photo or a month list (photos: at most 3)");
		f->max_items = (long)json_integer_value(mi);
	}
	if (listed) {
		if (!json_is_array(opts) || json_array_size(opts) == 0 || json_array_size(opts) > FORM_OPTIONS_MAX)
			return load_fail(c, f->name, "this type needs \"options\": a list of 1 to 40 items");
		f->noptions = json_array_size(opts);
		f->options = calloc(f->noptions, sizeof(*f->options));
		if (f->options == NULL)
			return load_fail(c, f->name, "out of memory");
		for (size_t i = 0; i < f->noptions; i++) {
			json_t *o = json_array_get(opts, i);
			json_t *v = json_object_get(o, "value");
			if (!json_is_string(v) || !valid_name(json_string_value(v)))
				return load_fail(c, f->name, "an option has no valid \"value\" (lower-case letters, digits, _)");
			for (size_t j = 0; j < i; j++)
				if (strcmp(f->options[j].value, json_string_value(v)) == 0)
					return load_fail(c, f->name, "duplicate option \"%s\"", json_string_value(v));
			f->options[i].value = dup_text(json_string_value(v));
			if (load_i18n(c, o, "label", f->name, true, f->options[i].label) != 0)
				return -1;
		}
	} else if (opts != NULL) {
		return load_fail(c, f->name, "\"options\" only belong on select, multiselect or rank");
	}
	json_t *cond = json_object_get(jf, "show_if");
	if (cond && load_cond(c, cond, "show_if", f->name, earlier, nearlier, &f->cond) != 0)
		return -1;
	return 0;
}

static void
cond_free(struct form_cond *c)
{
	for (size_t i = 0; i < c->nvalues; i++)
		free(c->values[i]);
	free(c->values);
	free(c->field);
}

static void
form_free_fields(struct form *f)
{
	for (size_t i = 0; i < f->nfields; i++) {
		struct form_field *fd = &f->fields[i];
		free(fd->name);
		for (int l = 0; l < LANG__MAX; l++) {
			free(fd->label[l]);
			free(fd->hint[l]);
		}
		for (size_t j = 0; j < fd->noptions; j++) {
			free(fd->options[j].value);
			for (int l = 0; l < LANG__MAX; l++)
				free(fd->options[j].label[l]);
		}
		free(fd->options);
		cond_free(&fd->cond);
	}
	free(f->fields);
	free(f->id);
	free(f->source);
	cond_free(&f->urgent_if);
	for (int l = 0; l < LANG__MAX; l++) {
		free(f->title[l]);
		free(f->help[l]);
		free(f->urgent_message[l]);
	}
}

/* Loads one definition file into f; on error names the file and field. */
static int
load_form(struct load_ctx *c, const char *path, struct form *f)
{
	json_error_t jerr;
	json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	int rc = -1;
	if (root == NULL) {
		char detail[240];
		snprintf(detail, sizeof(detail), "line %d: %s", jerr.line, jerr.text);
		return load_fail(c, NULL, "not valid JSON: %s", detail);
	}
	if (!json_is_object(root)) {
		load_fail(c, NULL, "the top level must be an object");
		goto done;
	}
	json_t *id = json_object_get(root, "id");
	if (!json_is_string(id) || !valid_name(json_string_value(id))) {
		load_fail(c, NULL, "missing or invalid \"id\" (lower-case letters, digits, _)");
		goto done;
	}
	f->id = dup_text(json_string_value(id));
	json_t *ver = json_object_get(root, "version");
	if (!json_is_integer(ver) || json_integer_value(ver) < 1 || json_integer_value(ver) > 1000000) {
		load_fail(c, NULL, "\"version\" must be a positive integer");
		goto done;
	}
	f->version = (int)json_integer_value(ver);
	if (load_i18n(c, root, "title", NULL, true, f->title) != 0 ||
	    load_i18n(c, root, "help", NULL, false, f->help) != 0)
		goto done;
	json_t *fields = json_object_get(root, "fields");
	if (!json_is_array(fields) || json_array_size(fields) == 0 || json_array_size(fields) > FORM_FIELDS_MAX) {
		load_fail(c, NULL, "\"fields\" must be a list of 1 to 60 fields");
		goto done;
	}
	f->fields = calloc(json_array_size(fields), sizeof(*f->fields));
	if (f->fields == NULL)
		goto done;
	for (size_t i = 0; i < json_array_size(fields); i++) {
		json_t *jf = json_array_get(fields, i);
		if (!json_is_object(jf)) {
			load_fail(c, NULL, "every field must be an object");
			goto done;
		}
		f->nfields = i + 1;
		if (load_field(c, jf, &f->fields[i], f->fields, i) != 0)
			goto done;
		f->has_photo |= f->fields[i].type == FIELD_PHOTO;
		for (size_t j = 0; j < i; j++)
			if (strcmp(f->fields[j].name, f->fields[i].name) == 0) {
				load_fail(c, f->fields[i].name, "duplicate field name");
				goto done;
			}
	}
	static const char *const known[] = { "id", "version", "title", "help", "fields", "urgent_if",
	    "urgent_message", "contact", NULL };
	const char *key;
	json_t *val;
	json_object_foreach(root, key, val) {
		size_t k;
		for (k = 0; known[k] && strcmp(known[k], key) != 0; k++)
			;
		if (known[k] == NULL) {
			load_fail(c, NULL, "unknown property \"%s\"", key);
			goto done;
		}
	}
	json_t *contact = json_object_get(root, "contact");
	if (contact != NULL && !json_is_boolean(contact)) {
		load_fail(c, NULL, "\"contact\" must be true or false");
		goto done;
	}
	f->contact = json_is_true(contact);
	json_t *urgent = json_object_get(root, "urgent_if");
	if (urgent != NULL) {
		if (load_cond(c, urgent, "urgent_if", NULL, f->fields, f->nfields, &f->urgent_if) != 0 ||
		    load_i18n(c, root, "urgent_message", NULL, true, f->urgent_message) != 0)
			goto done;
	}
	f->source = json_dumps(root, JSON_COMPACT | JSON_SORT_KEYS);
	rc = f->source ? 0 : -1;
done:
	json_decref(root);
	return rc;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Loads and checks every *.json in dir. Returns the set (caller frees with
 * form_set_free) or NULL with a message naming the file and field in err. */
struct form_set *
form_set_load(const char *dir, char *err, size_t errlen)
{
	struct form_set *set = calloc(1, sizeof(*set));
	char *names[FORM_FILES_MAX];
	size_t nnames = 0;
	DIR *d = opendir(dir);
	struct load_ctx c = { dir, err, errlen };
	if (set == NULL)
		return NULL;
	if (d == NULL) {
		load_fail(&c, NULL, "cannot open the forms directory");
		free(set);
		return NULL;
	}
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		size_t n = strlen(de->d_name);
		if (n < 6 || de->d_name[0] == '.' || strcmp(de->d_name + n - 5, ".json") != 0)
			continue;
		if (nnames == FORM_FILES_MAX) {
			load_fail(&c, NULL, "more than 64 form files");
			goto fail;
		}
		names[nnames++] = strdup(de->d_name);
	}
	closedir(d);
	d = NULL;
	if (nnames == 0) {
		load_fail(&c, NULL, "no form definitions (*.json) found");
		goto fail;
	}
	qsort(names, nnames, sizeof(names[0]), cmp_str);
	set->forms = calloc(nnames, sizeof(*set->forms));
	if (set->forms == NULL)
		goto fail;
	for (size_t i = 0; i < nnames; i++) {
		char path[4096];
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		c.file = path;
		set->n = i + 1;
		if (load_form(&c, path, &set->forms[i]) != 0)
			goto fail;
		for (size_t j = 0; j < i; j++)
			if (strcmp(set->forms[j].id, set->forms[i].id) == 0) {
				load_fail(&c, NULL, "form id \"%s\" is used by another file too", set->forms[i].id);
				goto fail;
			}
	}
	for (size_t i = 0; i < nnames; i++)
		free(names[i]);
	return set;
fail:
	if (d)
		closedir(d);
	for (size_t i = 0; i < nnames; i++)
		free(names[i]);
	form_set_free(set);
	return NULL;
}

void
form_set_free(struct form_set *set)
{
	if (set == NULL)
		return;
	for (size_t i = 0; i < set->n; i++)
		form_free_fields(&set->forms[i]);
	free(set->forms);
	free(set);
}

const struct form *
form_find(const struct form_set *set, const char *id)
{
	for (size_t i = 0; set && i < set->n; i++)
		if (strcmp(set->forms[i].id, id) == 0)
			return &set->forms[i];
	return NULL;
}

const char *
form_label(char *const label[LANG__MAX], enum lang l)
{
	return label[l] ? label[l] : (label[LANG_VI] ? label[LANG_VI] : "");
}

static const struct form_field *
field_named(const struct form *f, const char *name)
{
	for (size_t i = 0; i < f->nfields; i++)
		if (strcmp(f->fields[i].name, name) == 0)
			return &f->fields[i];
	return NULL;
}

/* Whether a condition holds on the answers as they will be stored: a
 * single-valued field's first value, trimmed; any value of a multiselect. */
static bool
cond_holds(const struct form *f, const struct form_cond *c, const struct kvlist *values)
{
	const struct form_field *ctl = field_named(f, c->field);
	if (ctl == NULL || values == NULL)
		return false;
	for (size_t i = 0; i < values->n; i++) {
		if (strcmp(values->items[i].key, c->field) != 0)
			continue;
		const char *v = values->items[i].val;
		size_t n = strlen(v);
		while (*v == ' ' || *v == '\t' || *v == '\r' || *v == '\n') {
			v++;
			n--;
		}
		while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t' || v[n - 1] == '\r' || v[n - 1] == '\n'))
			n--;
		for (size_t j = 0; j < c->nvalues; j++)
			if (strlen(c->values[j]) == n && strncmp(c->values[j], v, n) == 0)
				return true;
		if (ctl->type != FIELD_MULTISELECT)
			return false;   /* only the first value of a single-valued field counts */
	}
	return false;
}

/* True when the field is asked given the answers so far: its condition
 * holds and its controlling field is asked too. */
bool
form_field_asked(const struct form *f, const struct form_field *fd, const struct kvlist *values)
{
	for (int depth = 0; fd->cond.field != NULL && depth < FORM_FIELDS_MAX; depth++) {
		if (!cond_holds(f, &fd->cond, values))
			return false;
		if ((fd = field_named(f, fd->cond.field)) == NULL)
			return false;
	}
	return true;
}

/* True when the answers meet the form's urgent_if condition, the urgent
 * question having been asked. */
bool
form_is_urgent(const struct form *f, const struct kvlist *values)
{
	if (f->urgent_if.field == NULL)
		return false;
	const struct form_field *ctl = field_named(f, f->urgent_if.field);
	return ctl != NULL && form_field_asked(f, ctl, values) && cond_holds(f, &f->urgent_if, values);
}

/* Today's date in Vietnam (UTC+7), which is what "today" means to a worker. */
static struct tm
today_vn(void)
{
	time_t t = time(NULL) + 7 * 3600;
	struct tm tm;
	gmtime_r(&t, &tm);
	return tm;
}

static void
cond_attrs(struct buf *b, const struct form_cond *c)
{
	if (c->field == NULL)
		return;
	html_raw_trusted(b, " data-if-field=\"");
	html_attr(b, c->field);
	html_raw_trusted(b, "\" data-if-values=\"");
	for (size_t i = 0; i < c->nvalues; i++) {
		if (i)
			buf_putc(b, ' ');
		html_attr(b, c->values[i]);
	}
	html_raw_trusted(b, "\"");
}

static void
id_attr(struct buf *b, const char *prefix_literal, const struct form_field *fd, const char *suffix)
{
	html_raw_trusted(b, prefix_literal);
	html_attr(b, fd->name);
	if (suffix) {
		buf_putc(b, '-');
		html_attr(b, suffix);
	}
	buf_putc(b, '"');
}

/* One checkbox or radio with its label; `checked` from the kept values. */
static void
choice(struct buf *b, const char *type_literal, const struct form_field *fd, const char *value, const char *label,
    bool checked, bool bad)
{
	html_raw_trusted(b, "<label class=\"choice\"><input type=\"");
	html_raw_trusted(b, type_literal);
	html_raw_trusted(b, "\" name=\"");
	html_attr(b, fd->name);
	html_raw_trusted(b, "\" value=\"");
	html_attr(b, value);
	html_raw_trusted(b, checked ? "\" checked" : "\"");
	if (bad)
		html_raw_trusted(b, " aria-invalid=\"true\"");
	html_raw_trusted(b, "> ");
	html_text(b, label);
	html_raw_trusted(b, "</label>");
}

/* The input control(s) of one field, with kept values. */
static void
render_control(struct req *r, const struct form_field *fd, const struct kvlist *values, bool bad)
{
	struct buf *b = r->out;
	const char *val = values ? kv_get_or_empty(values, fd->name) : "";
	const char *input = NULL, *mode = NULL;
	switch (fd->type) {
	case FIELD_TEXTAREA:
		html_raw_trusted(b, "<textarea rows=\"6\"");
		id_attr(b, " id=\"f-", fd, NULL);
		html_raw_trusted(b, " name=\"");
		html_attr(b, fd->name);
		buf_appendf(b, "\" maxlength=\"%ld\"", fd->max_length);
		if (fd->required)
			html_raw_trusted(b, " required");
		if (bad)
			id_attr(b, " aria-invalid=\"true\" aria-describedby=\"e-", fd, NULL);
		html_raw_trusted(b, ">");
		html_text(b, val);
		html_raw_trusted(b, "</textarea>");
		return;
	case FIELD_SELECT:
		html_raw_trusted(b, "<select");
		id_attr(b, " id=\"f-", fd, NULL);
		html_raw_trusted(b, " name=\"");
		html_attr(b, fd->name);
		html_raw_trusted(b, "\"");
		if (bad)
			id_attr(b, " aria-invalid=\"true\" aria-describedby=\"e-", fd, NULL);
		html_raw_trusted(b, "><option value=\"\">");
		html_text(b, tr(r->lang, MSG_SELECT_NONE));
		html_raw_trusted(b, "</option>");
		for (size_t j = 0; j < fd->noptions; j++) {
			html_raw_trusted(b, "<option value=\"");
			html_attr(b, fd->options[j].value);
			html_raw_trusted(b, strcmp(val, fd->options[j].value) == 0 ? "\" selected>" : "\">");
			html_text(b, form_label(fd->options[j].label, r->lang));
			html_raw_trusted(b, "</option>");
		}
		html_raw_trusted(b, "</select>");
		return;
	case FIELD_MULTISELECT:
		for (size_t j = 0; j < fd->noptions; j++)
			choice(b, "checkbox", fd, fd->options[j].value, form_label(fd->options[j].label, r->lang),
			    values && kv_has(values, fd->name, fd->options[j].value), bad);
		return;
	case FIELD_YESNO:
		choice(b, "radio", fd, "yes", tr(r->lang, MSG_YES), strcmp(val, "yes") == 0, bad);
		choice(b, "radio", fd, "no", tr(r->lang, MSG_NO), strcmp(val, "no") == 0, bad);
		if (fd->unsure)
			choice(b, "radio", fd, "unsure", tr(r->lang, MSG_UNSURE), strcmp(val, "unsure") == 0, bad);
		return;
	case FIELD_RANK:
		for (size_t j = 0; j < fd->noptions; j++) {
			char *name = arena_printf(r->arena, "%s:%s", fd->name, fd->options[j].value);
			const char *cur = values ? kv_get_or_empty(values, name) : "";
			html_raw_trusted(b, "<div class=\"rank\"><select name=\"");
			html_attr(b, name);
			html_raw_trusted(b, "\" id=\"");
			html_attr(b, arena_printf(r->arena, "f-%s-%s", fd->name, fd->options[j].value));
			html_raw_trusted(b, bad ? "\" aria-invalid=\"true\"><option value=\"\">" : "\"><option value=\"\">");
			html_text(b, tr(r->lang, MSG_RANK_NONE));
			html_raw_trusted(b, "</option>");
			for (size_t k = 1; k <= fd->noptions && (long)k <= fd->max_items; k++) {
				char num[8];
				snprintf(num, sizeof(num), "%zu", k);
				html_raw_trusted(b, "<option");
				if (strcmp(cur, num) == 0)
					html_raw_trusted(b, " selected");
				buf_appendf(b, ">%zu</option>", k);
			}
			html_raw_trusted(b, "</select> <label for=\"");
			html_attr(b, arena_printf(r->arena, "f-%s-%s", fd->name, fd->options[j].value));
			html_raw_trusted(b, "\">");
			html_text(b, form_label(fd->options[j].label, r->lang));
			html_raw_trusted(b, "</label></div>");
		}
		return;
	case FIELD_MONTH:
		if (fd->multiple) {
			struct tm now = today_vn();
			int y = now.tm_year + 1900, m = now.tm_mon + 1;
			for (long k = 0; k < fd->span; k++) {
				char v[8], label[48];
				snprintf(v, sizeof(v), "%04d-%02d", y, m);
				snprintf(label, sizeof(label), "%s %02d/%04d", tr(r->lang, MSG_MONTH_PREFIX), m, y);
				choice(b, "checkbox", fd, v, label, values && kv_has(values, fd->name, v), bad);
				if (--m == 0) {
					m = 12;
					y--;
				}
			}
			return;
		}
		input = "month";
		break;
	case FIELD_PHOTO:
		html_raw_trusted(b, "<input type=\"file\" accept=\"image/jpeg,image/png,image/webp\"");
		id_attr(b, " id=\"f-", fd, NULL);
		html_raw_trusted(b, " name=\"");
		html_attr(b, fd->name);
		html_raw_trusted(b, fd->max_items > 1 ? "\" multiple>" : "\">");
		return;
	case FIELD_DATE: input = "date"; break;
	case FIELD_INTEGER: mode = "numeric"; break;
	case FIELD_MONEY: mode = "numeric"; break;
	case FIELD_NUMBER: mode = "decimal"; break;
	case FIELD_PHONE: input = "tel"; mode = "tel"; break;
	case FIELD_TEXT:
	default: break;
	}
	html_raw_trusted(b, "<input type=\"");
	html_text(b, input ? input : "text");
	html_raw_trusted(b, "\"");
	if (mode) {
		html_raw_trusted(b, " inputmode=\"");
		html_text(b, mode);
		html_raw_trusted(b, "\"");
	}
	if (fd->type == FIELD_PHONE)
		html_raw_trusted(b, " autocomplete=\"off\"");
	id_attr(b, " id=\"f-", fd, NULL);
	html_raw_trusted(b, " name=\"");
	html_attr(b, fd->name);
	buf_appendf(b, "\" maxlength=\"%ld\"", fd->max_length);
	if (fd->required)
		html_raw_trusted(b, " required");
	if (bad)
		id_attr(b, " aria-invalid=\"true\" aria-describedby=\"e-", fd, NULL);
	else if (fd->hint[LANG_VI])
		id_attr(b, " aria-describedby=\"h-", fd, NULL);
	html_raw_trusted(b, " value=\"");
	html_attr(b, val);
	html_raw_trusted(b, "\">");
	if (fd->type == FIELD_MONEY) {
		html_raw_trusted(b, " <span class=\"unit\">");
		html_text(b, tr(r->lang, MSG_MONEY_UNIT));
		html_raw_trusted(b, "</span>");
	}
}

/* The error message for a field, with the bound that was broken. */
static void
render_error(struct req *r, const struct form_field *fd, enum msg e)
{
	struct buf *b = r->out;
	html_raw_trusted(b, "<p class=\"msg\" role=\"alert\"");
	id_attr(b, " id=\"e-", fd, NULL);
	html_raw_trusted(b, ">");
	html_text(b, tr(r->lang, e));
	if (e == MSG_FIELD_TOO_LONG)
		buf_appendf(b, " (%s %ld %s)", tr(r->lang, MSG_MAX_PREFIX), fd->max_length, tr(r->lang, MSG_CHARS));
	else if (e == MSG_FIELD_TOO_BIG && fd->has_max && fd->type != FIELD_DATE && fd->type != FIELD_MONTH)
		buf_appendf(b, " (%s %.15g)", tr(r->lang, MSG_MAX_PREFIX), fd->max);
	else if (e == MSG_FIELD_TOO_SMALL && fd->has_min && fd->type != FIELD_DATE && fd->type != FIELD_MONTH)
		buf_appendf(b, " (%s %.15g)", tr(r->lang, MSG_MIN_PREFIX), fd->min);
	else if (e == MSG_FIELD_TOO_MANY)
		buf_appendf(b, " (%s %ld)", tr(r->lang, MSG_MAX_PREFIX), fd->max_items);
	html_raw_trusted(b, "</p>");
}

/* Renders every field with its label, hint, current value and error (in
 * r->lang), all escaped. Conditional fields carry data-if-* attributes so
 * the script can hide them; without the script they stay visible. `values`
 * may be NULL; errors[i] == MSG__MAX means no error for field i. */
void
form_render_fields(struct req *r, const struct form *f, const struct kvlist *values, const enum msg *errors)
{
	struct buf *b = r->out;
	for (size_t i = 0; i < f->nfields; i++) {
		const struct form_field *fd = &f->fields[i];
		bool bad = errors && errors[i] != MSG__MAX;
		bool group = fd->type == FIELD_MULTISELECT || fd->type == FIELD_YESNO || fd->type == FIELD_RANK ||
		    (fd->type == FIELD_MONTH && fd->multiple);
		html_raw_trusted(b, group ? "<fieldset" : "<div");
		html_raw_trusted(b, bad ? " class=\"field error\"" : " class=\"field\"");
		id_attr(b, " id=\"q-", fd, NULL);
		cond_attrs(b, &fd->cond);
		html_raw_trusted(b, group ? "><legend>" : "><label");
		if (!group)
			id_attr(b, " for=\"f-", fd, NULL);
		if (!group)
			html_raw_trusted(b, ">");
		html_text(b, form_label(fd->label, r->lang));
		html_raw_trusted(b, " <small>");
		html_text(b, tr(r->lang, fd->required ? MSG_REQUIRED_MARK : MSG_OPTIONAL_MARK));
		html_raw_trusted(b, group ? "</small></legend>" : "</small></label>");
		if (fd->hint[LANG_VI]) {
			html_raw_trusted(b, "<p class=\"hint\"");
			id_attr(b, " id=\"h-", fd, NULL);
			html_raw_trusted(b, ">");
			html_text(b, form_label(fd->hint, r->lang));
			html_raw_trusted(b, "</p>");
		}
		if (bad)
			render_error(r, fd, errors[i]);
		render_control(r, fd, values, bad);
		html_raw_trusted(b, group ? "</fieldset>\n" : "</div>\n");
		if (f->urgent_if.field && strcmp(f->urgent_if.field, fd->name) == 0) {
			html_raw_trusted(b, "<div class=\"urgent\" role=\"note\"");
			cond_attrs(b, &f->urgent_if);
			html_raw_trusted(b, "><p>");
			html_text(b, form_label(f->urgent_message, r->lang));
			html_raw_trusted(b, "</p></div>\n");
		}
	}
}

/* ---- validation, one function per kind of value ---- */

/* Parses an optionally signed run of digits; false on anything else. */
static bool
parse_integer(const char *s, long long *out)
{
	char *end;
	if (*s == '\0' || strlen(s) > 18)
		return false;
	for (const char *p = (*s == '-' ? s + 1 : s); *p; p++)
		if (*p < '0' || *p > '9')
			return false;
	*out = strtoll(s, &end, 10);
	return *end == '\0' && s[*s == '-'] != '\0';
}

/* Money in VND as people write it: "5.000.000", "5,000,000", "5 000 000",
 * "5000000đ", "5.000.000 VNĐ", "5.000.000,00". Separators must split
 * groups of three digits, so "1,5" is not read as 15. */
static bool
parse_money(struct arena *a, const char *s, long long *out)
{
	char *d = arena_alloc(a, strlen(s) + 1), *p = d;
	const char *e = s + strlen(s);
	static const char *const units[] = { "đồng", "Đồng", "ĐỒNG", "vnđ", "VNĐ", "Vnđ", "vnd", "đ", "Đ", "d", NULL };
	while (e > s && e[-1] == ' ')
		e--;
	for (int i = 0; units[i]; i++) {
		size_t n = strlen(units[i]);
		if ((size_t)(e - s) > n && strncasecmp(e - n, units[i], n) == 0) {
			e -= n;
			break;
		}
	}
	while (e > s && e[-1] == ' ')
		e--;
	/* a trailing ",00" or ".00" (no đồng has cents) */
	if (e - s > 3 && (e[-3] == ',' || e[-3] == '.') && e[-2] == '0' && e[-1] == '0')
		e -= 3;
	int run = 0;           /* digits since the last separator */
	bool grouped = false;  /* a separator was seen */
	for (const char *q = s; q < e; q++) {
		if (*q == '.' || *q == ',' || *q == ' ') {
			if ((grouped && run != 3) || (!grouped && (run < 1 || run > 3)))
				return false;
			grouped = true;
			run = 0;
			continue;
		}
		if (*q < '0' || *q > '9')
			return false;
		*p++ = *q;
		run++;
	}
	*p = '\0';
	if (grouped && run != 3)
		return false;
	return *d != '\0' && strlen(d) <= 15 && parse_integer(d, out);
}

/* A decimal number with '.' or ',' as the decimal mark. */
static bool
parse_number(const char *s, double *out)
{
	char tmp[40];
	size_t n = strlen(s);
	int marks = 0;
	if (n == 0 || n >= sizeof(tmp))
		return false;
	for (size_t i = 0; i < n; i++) {
		char ch = s[i];
		if (ch == ',' || ch == '.') {
			ch = '.';
			marks++;
		} else if ((ch < '0' || ch > '9') && !(i == 0 && ch == '-')) {
			return false;
		}
		tmp[i] = ch;
	}
	tmp[n] = '\0';
	char *end;
	*out = strtod(tmp, &end);
	return marks <= 1 && *end == '\0' && end != tmp;
}

static bool
leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
days_in(int y, int m)
{
	static const int d[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	return m == 2 && leap(y) ? 29 : d[m - 1];
}

/* Days since 1970-01-01 (proleptic Gregorian). */
static long
day_number(int y, int m, int d)
{
	y -= m <= 2;
	long era = (y >= 0 ? y : y - 399) / 400;
	long yoe = y - era * 400;
	long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* "2026-10-25" or "25/10/2026" (also with '-' or '.'); normalised to ISO. */
static bool
parse_date(const char *s, int *y, int *m, int *d)
{
	char sep[2];
	int n = 0;
	if (sscanf(s, "%4d-%2d-%2d%n", y, m, d, &n) == 3 && (size_t)n == strlen(s) && strlen(s) == 10)
		;
	else if (sscanf(s, "%2d%1[/.-]%2d%*1[/.-]%4d%n", d, sep, m, y, &n) == 4 && (size_t)n == strlen(s) && *y >= 1000)
		;
	else
		return false;
	return *y >= 1900 && *y <= 2200 && *m >= 1 && *m <= 12 && *d >= 1 && *d <= days_in(*y, *m);
}

/* "2026-10" or "10/2026". */
static bool
parse_month(const char *s, int *y, int *m)
{
	int n = 0;
	if (sscanf(s, "%4d-%2d%n", y, m, &n) == 2 && (size_t)n == strlen(s) && strlen(s) == 7)
		;
	else if (sscanf(s, "%2d/%4d%n", m, y, &n) == 2 && (size_t)n == strlen(s) && *y >= 1000)
		;
	else
		return false;
	return *y >= 1900 && *y <= 2200 && *m >= 1 && *m <= 12;
}

/* Vietnamese phone numbers: 0 and 9–10 more digits; +84/84 becomes 0;
 * spaces, dots, dashes and brackets ignored. */
static char *
parse_phone(struct arena *a, const char *s)
{
	char *d = arena_alloc(a, strlen(s) + 2), *p = d;
	bool country = false;
	if (strncmp(s, "+84", 3) == 0) {
		s += 3;
		country = true;
	} else if (strncmp(s, "84", 2) == 0 && strlen(s) >= 11) {
		s += 2;
		country = true;
	}
	if (country) {   /* "+84 0912..." also happens: one trunk 0 at most */
		*p++ = '0';
		while (*s == ' ' || *s == '(' || *s == ')' || *s == '.' || *s == '-')
			s++;
		if (*s == '0')
			s++;
	}
	for (; *s; s++) {
		if (*s == ' ' || *s == '.' || *s == '-' || *s == '(' || *s == ')')
			continue;
		if (*s < '0' || *s > '9')
			return NULL;
		*p++ = *s;
	}
	*p = '\0';
	size_t n = strlen(d);
	return d[0] == '0' && n >= 10 && n <= 11 ? d : NULL;
}

static bool
is_option(const struct form_field *fd, const char *v)
{
	for (size_t j = 0; j < fd->noptions; j++)
		if (strcmp(fd->options[j].value, v) == 0)
			return true;
	return false;
}

static enum msg
check_range(const struct form_field *fd, double v)
{
	if (fd->has_min && v < fd->min)
		return MSG_FIELD_TOO_SMALL;
	if (fd->has_max && v > fd->max)
		return MSG_FIELD_TOO_BIG;
	return MSG__MAX;
}

/* The values a multi-valued field sent, trimmed, without empties and
 * duplicates (arena array, *n set). */
static const char **
multi_values(struct arena *a, const struct kvlist *in, const char *name, size_t *n)
{
	size_t cap = kv_count(in, name);
	const char **out = arena_alloc(a, (cap + 1) * sizeof(char *));
	*n = 0;
	for (size_t i = 0; i < in->n; i++) {
		if (strcmp(in->items[i].key, name) != 0)
			continue;
		char *v = text_trim(arena_strdup(a, in->items[i].val));
		bool dup = *v == '\0';
		for (size_t j = 0; j < *n && !dup; j++)
			dup = strcmp(out[j], v) == 0;
		if (!dup)
			out[(*n)++] = v;
	}
	return out;
}

/* Validates one asked field; adds its answer to `answers` when valid and
 * not empty. Returns the error (MSG__MAX when fine). */
static enum msg
validate_field(struct arena *a, const struct form_field *fd, const struct kvlist *in, json_t *answers)
{
	char *v = text_trim(arena_strdup(a, kv_get_or_empty(in, fd->name)));
	size_t len = text_length(v);
	struct tm now = today_vn();
	long long iv;
	double dv;
	int y, m, d;
	enum msg e;

	switch (fd->type) {
	case FIELD_MULTISELECT:
	case FIELD_MONTH:
		if (fd->type == FIELD_MONTH && !fd->multiple)
			break;
		{
			size_t n;
			const char **vals = multi_values(a, in, fd->name, &n);
			if (n == 0)
				return fd->required ? MSG_FIELD_REQUIRED : MSG__MAX;
			if ((long)n > fd->max_items)
				return MSG_FIELD_TOO_MANY;
			json_t *arr = json_array();
			for (size_t i = 0; i < n; i++) {
				if (fd->type == FIELD_MULTISELECT && !is_option(fd, vals[i])) {
					json_decref(arr);
					return MSG_FIELD_BAD_OPTION;
				}
				if (fd->type == FIELD_MONTH) {
					if (!parse_month(vals[i], &y, &m)) {
						json_decref(arr);
						return MSG_FIELD_BAD_MONTH;
					}
					long diff = (long)(y - (now.tm_year + 1900)) * 12 + (m - (now.tm_mon + 1));
					if (diff > 0 || diff <= -fd->span) {
						json_decref(arr);
						return diff > 0 ? MSG_FIELD_TOO_BIG : MSG_FIELD_TOO_SMALL;
					}
					const char *norm = arena_printf(a, "%04d-%02d", y, m);
					bool seen = false;
					for (size_t k = 0; k < json_array_size(arr) && !seen; k++)
						seen = strcmp(json_string_value(json_array_get(arr, k)), norm) == 0;
					if (!seen)
						json_array_append_new(arr, json_string(norm));
				} else {
					json_array_append_new(arr, json_string(vals[i]));
				}
			}
			json_object_set_new(answers, fd->name, arr);
			return MSG__MAX;
		}
	case FIELD_RANK: {
		/* rank k for option j arrives as NAME:OPTION=k */
		const char **order = arena_alloc(a, (fd->noptions + 1) * sizeof(char *));
		size_t ranked = 0;
		for (size_t j = 0; j < fd->noptions; j++) {
			char *key = arena_printf(a, "%s:%s", fd->name, fd->options[j].value);
			char *rv = text_trim(arena_strdup(a, kv_get_or_empty(in, key)));
			if (*rv == '\0')
				continue;
			if (!parse_integer(rv, &iv) || iv < 1 || iv > (long long)fd->noptions || iv > fd->max_items ||
			    order[iv - 1] != NULL)
				return MSG_FIELD_BAD_RANK;
			order[iv - 1] = fd->options[j].value;
			ranked++;
		}
		if (ranked == 0)
			return fd->required ? MSG_FIELD_REQUIRED : MSG__MAX;
		for (size_t k = 0; k < ranked; k++)   /* ranks 1..n without gaps */
			if (order[k] == NULL)
				return MSG_FIELD_BAD_RANK;
		json_t *arr = json_array();
		for (size_t k = 0; k < ranked; k++)
			json_array_append_new(arr, json_string(order[k]));
		json_object_set_new(answers, fd->name, arr);
		return MSG__MAX;
	}
	case FIELD_PHOTO:
		return MSG__MAX;   /* files are checked by the page that reads them */
	default:
		break;
	}

	if (len == 0)
		return fd->required ? MSG_FIELD_REQUIRED : MSG__MAX;
	if (fd->max_length > 0 && (long)len > fd->max_length)
		return MSG_FIELD_TOO_LONG;
	switch (fd->type) {
	case FIELD_TEXT:
	case FIELD_TEXTAREA:
		if ((long)len < fd->min_length)
			return MSG_FIELD_TOO_SHORT;
		json_object_set_new(answers, fd->name, json_string(v));
		return MSG__MAX;
	case FIELD_INTEGER:
		if (!parse_integer(v, &iv))
			return MSG_FIELD_NOT_NUMBER;
		if ((e = check_range(fd, (double)iv)) != MSG__MAX)
			return e;
		json_object_set_new(answers, fd->name, json_integer(iv));
		return MSG__MAX;
	case FIELD_MONEY:
		if (!parse_money(a, v, &iv))
			return MSG_FIELD_NOT_NUMBER;
		if ((e = check_range(fd, (double)iv)) != MSG__MAX)
			return e;
		json_object_set_new(answers, fd->name, json_integer(iv));
		return MSG__MAX;
	case FIELD_NUMBER:
		if (!parse_number(v, &dv))
			return MSG_FIELD_NOT_NUMBER;
		if ((e = check_range(fd, dv)) != MSG__MAX)
			return e;
		json_object_set_new(answers, fd->name, json_real(dv));
		return MSG__MAX;
	case FIELD_DATE: {
		if (!parse_date(v, &y, &m, &d))
			return MSG_FIELD_BAD_DATE;
		long diff = day_number(y, m, d) - day_number(now.tm_year + 1900, now.tm_mon + 1, now.tm_mday);
		if ((e = check_range(fd, (double)diff)) != MSG__MAX)
			return e;
		json_object_set_new(answers, fd->name, json_string(arena_printf(a, "%04d-%02d-%02d", y, m, d)));
		return MSG__MAX;
	}
	case FIELD_MONTH: {
		if (!parse_month(v, &y, &m))
			return MSG_FIELD_BAD_MONTH;
		long diff = (long)(y - (now.tm_year + 1900)) * 12 + (m - (now.tm_mon + 1));
		if ((e = check_range(fd, (double)diff)) != MSG__MAX)
			return e;
		json_object_set_new(answers, fd->name, json_string(arena_printf(a, "%04d-%02d", y, m)));
		return MSG__MAX;
	}
	case FIELD_SELECT:
		if (!is_option(fd, v))
			return MSG_FIELD_BAD_OPTION;
		json_object_set_new(answers, fd->name, json_string(v));
		return MSG__MAX;
	case FIELD_YESNO:
		if (strcmp(v, "yes") != 0 && strcmp(v, "no") != 0 && !(fd->unsure && strcmp(v, "unsure") == 0))
			return MSG_FIELD_BAD_OPTION;
		json_object_set_new(answers, fd->name, json_string(v));
		return MSG__MAX;
	case FIELD_PHONE: {
		char *p = parse_phone(a, v);
		if (p == NULL)
			return MSG_FIELD_BAD_PHONE;
		json_object_set_new(answers, fd->name, json_string(p));
		return MSG__MAX;
	}
	default:
		return MSG__MAX;
	}
}

/* Checks the submitted values against the definition. Fields whose
 * show_if does not hold are skipped: not required, not stored. Sets
 * *answers to a new JSON object of the valid, non-empty answers (caller
 * decrefs) and *errors to an arena array with one entry per field
 * (MSG__MAX = fine). Returns the number of fields in error. Values are
 * already valid NFC UTF-8 (req.c). */
int
form_validate(struct arena *a, const struct form *f, const struct kvlist *in, json_t **answers, enum msg **errors)
{
	int nerr = 0;
	*errors = arena_alloc(a, f->nfields * sizeof(enum msg));
	*answers = json_object();
	for (size_t i = 0; i < f->nfields; i++) {
		const struct form_field *fd = &f->fields[i];
		enum msg e = MSG__MAX;
		if (form_field_asked(f, fd, in))
			e = validate_field(a, fd, in, *answers);
		(*errors)[i] = e;
		nerr += e != MSG__MAX;
	}
	return nerr;
}

/* ---- optional contact details, behind explicit consent ---- */

static void
contact_input(struct req *r, const char *name, const char *type, enum msg label, const struct kvlist *values)
{
	struct buf *b = r->out;
	html_raw_trusted(b, "<div class=\"field\"><label for=\"f-");
	html_attr(b, name);
	html_raw_trusted(b, "\">");
	html_text(b, tr(r->lang, label));
	html_raw_trusted(b, "</label><input type=\"");
	html_attr(b, type);
	html_raw_trusted(b, "\" autocomplete=\"off\" maxlength=\"100\" id=\"f-");
	html_attr(b, name);
	html_raw_trusted(b, "\" name=\"");
	html_attr(b, name);
	html_raw_trusted(b, "\" value=\"");
	html_attr(b, values ? kv_get_or_empty(values, name) : "");
	html_raw_trusted(b, "\"></div>");
}

/* The contact block: what it is for and who sees it, a consent box that
 * must be ticked (silence is not consent), and the three ways to reach
 * the worker. `error` (MSG__MAX for none) is shown inside it. */
void
form_render_contact(struct req *r, const struct form *f, const struct kvlist *values, enum msg error)
{
	struct buf *b = r->out;
	if (!f->contact)
		return;
	html_raw_trusted(b, error != MSG__MAX ? "<fieldset class=\"contact field error\" id=\"q-contact\"><legend>"
	    : "<fieldset class=\"contact\" id=\"q-contact\"><legend>");
	html_text(b, tr(r->lang, MSG_CONTACT_TITLE));
	html_raw_trusted(b, "</legend><p class=\"hint\">");
	html_text(b, tr(r->lang, MSG_CONTACT_EXPLAIN));
	html_raw_trusted(b, "</p>");
	if (error != MSG__MAX) {
		html_raw_trusted(b, "<p class=\"msg\" role=\"alert\" id=\"e-contact\">");
		html_text(b, tr(r->lang, error));
		html_raw_trusted(b, "</p>");
	}
	contact_input(r, "contact_name", "text", MSG_CONTACT_NAME, values);
	contact_input(r, "contact_phone", "tel", MSG_CONTACT_PHONE, values);
	contact_input(r, "contact_zalo", "text", MSG_CONTACT_ZALO, values);
	html_raw_trusted(b, "<label class=\"choice\"><input type=\"checkbox\" name=\"contact_consent\" value=\"yes\"");
	if (values && kv_has(values, "contact_consent", "yes"))
		html_raw_trusted(b, " checked");
	html_raw_trusted(b, "> ");
	html_text(b, tr(r->lang, MSG_CONTACT_CONSENT));
	html_raw_trusted(b, "</label></fieldset>\n");
}

/* Reads the contact block. Nothing given: *json = NULL, fine. Details
 * without the consent box, or consent without details, is an error the
 * worker fixes. Otherwise *json (arena) holds the details to be sealed. */
enum msg
form_contact(struct arena *a, const struct form *f, const struct kvlist *in, char **json)
{
	static const char *const names[] = { "contact_name", "contact_phone", "contact_zalo" };
	*json = NULL;
	if (!f->contact)
		return MSG__MAX;
	json_t *o = json_object();
	for (size_t i = 0; i < 3; i++) {
		char *v = text_trim(arena_strdup(a, kv_get_or_empty(in, names[i])));
		if (text_length(v) > 100) {
			json_decref(o);
			return MSG_FIELD_TOO_LONG;
		}
		if (*v == '\0')
			continue;
		if (i == 1) {
			char *p = parse_phone(a, v);
			if (p == NULL) {
				json_decref(o);
				return MSG_FIELD_BAD_PHONE;
			}
			v = p;
		}
		json_object_set_new(o, names[i] + strlen("contact_"), json_string(v));
	}
	bool consent = kv_has(in, "contact_consent", "yes");
	enum msg e = MSG__MAX;
	if (json_object_size(o) > 0 && !consent)
		e = MSG_CONTACT_NEED_CONSENT;
	else if (json_object_size(o) == 0 && consent)
		e = MSG_CONTACT_EMPTY;
	else if (consent) {
		char *dump = json_dumps(o, JSON_COMPACT);
		*json = dump ? arena_strdup(a, dump) : NULL;
		free(dump);
	}
	json_decref(o);
	return e;
}

/* Records every loaded definition under its (id, version) so old reports
 * keep their own labels. A version already stored with other content is
 * kept as it was and reported: change the version with the meaning.
 * 0 when all are stored, -1 when the database could not be reached. */
int
form_set_store(const struct form_set *set, struct db *db)
{
	for (size_t i = 0; i < set->n; i++) {
		const struct form *f = &set->forms[i];
		char version[16];
		snprintf(version, sizeof(version), "%d", f->version);
		const char *params[3] = { f->id, version, f->source };
		PGresult *res = db_run(db, STMT_FORM_VERSION_STORE, params, NULL, NULL);
		if (res == NULL || !db_ok(res)) {
			PQclear(res);
			return -1;
		}
		if (PQntuples(res) == 1 && strcmp(PQgetvalue(res, 0, 0), "f") == 0)
			fprintf(stderr, "tiengnoi: form %s version %d changed without a new version; "
			    "old reports keep the first text (raise \"version\")\n", f->id, f->version);
		PQclear(res);
	}
	return 0;
}

/* The <option>s of every loaded form, titles in the request's language,
 * `selected` marked (NULL or "": none): one list for every console filter. */
void
form_options(struct req *r, const char *selected)
{
	for (size_t i = 0; i < r->app->forms->n; i++) {
		const struct form *f = &r->app->forms->forms[i];
		html_raw_trusted(r->out, selected && strcmp(selected, f->id) == 0 ? "<option selected value=\"" : "<option value=\"");
		html_attr(r->out, f->id);
		html_raw_trusted(r->out, "\">");
		html_text(r->out, form_label(f->title, r->lang));
		html_raw_trusted(r->out, "</option>");
	}
}
