/* form_load.c: form definitions (forms/NAME.json): load and check them, look them up, evaluate their show_if conditions, record their versions. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <strings.h>
#include <libpq-fe.h>

#include "app.h"
#include "arena.h"
#include "buf.h"
#include "db.h"
#include "form.h"
#include "log.h"
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

static int form_from_root(struct load_ctx *c, json_t *root, struct form *f);

/* Loads one definition file into f; on error names the file and field. */
static int
load_form(struct load_ctx *c, const char *path, struct form *f)
{
	json_error_t jerr;
	json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL) {
		char detail[240];
		snprintf(detail, sizeof(detail), "line %d: %s", jerr.line, jerr.text);
		return load_fail(c, NULL, "not valid JSON: %s", detail);
	}
	int rc = form_from_root(c, root, f);
	json_decref(root);
	return rc;
}

/* A definition stored in form_version (an older version's text) as a form,
 * checked as the files are, so an export labels old reports with their own
 * version's words. NULL with err when it does not load; free with form_free. */
struct form *
form_from_definition(const char *json, char *err, size_t errlen)
{
	struct load_ctx c = { "form_version", err, errlen };
	json_error_t jerr;
	json_t *root = json_loads(json, JSON_REJECT_DUPLICATES, &jerr);
	struct form *f = calloc(1, sizeof(*f));
	int rc = root == NULL || f == NULL ? load_fail(&c, NULL, "not valid JSON") : form_from_root(&c, root, f);
	json_decref(root);
	if (rc != 0) {
		form_free(f);
		return NULL;
	}
	return f;
}

/* Frees a form from form_from_definition (NULL: nothing). */
void
form_free(struct form *f)
{
	if (f == NULL)
		return;
	form_free_fields(f);
	free(f);
}

/* Checks a definition's JSON and fills f from it; on error names the field. */
static int
form_from_root(struct load_ctx *c, json_t *root, struct form *f)
{
	int rc = -1;
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
	return rc;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Adds the *.json names in dir to names[] (strdup'ed), each with the
 * directory it comes from; a name already there is replaced, so a later
 * directory overrides an earlier one file by file. 0, or -1 with err set. */
static int
collect_names(struct load_ctx *c, const char *dir, char **names, const char **dirs, size_t *n)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	if (d == NULL)
		return load_fail(c, NULL, "cannot open the forms directory");
	while ((de = readdir(d)) != NULL) {
		size_t len = strlen(de->d_name), k;
		if (len < 6 || de->d_name[0] == '.' || strcmp(de->d_name + len - 5, ".json") != 0)
			continue;
		for (k = 0; k < *n && strcmp(names[k], de->d_name) != 0; k++)
			;
		if (k == *n) {
			if (*n == FORM_FILES_MAX) {
				closedir(d);
				return load_fail(c, NULL, "more than 64 form files");
			}
			if ((names[k] = strdup(de->d_name)) == NULL) {
				closedir(d);
				return load_fail(c, NULL, "out of memory");
			}
			(*n)++;
		}
		dirs[k] = dir;
	}
	closedir(d);
	return 0;
}

/* Loads and checks every *.json in dir and, when override_dir is not NULL,
 * in override_dir too when it exists: a file there replaces the file of the same name in
 * dir (officers' own version of a form), a new name adds a form. Returns
 * the set (caller frees with form_set_free) or NULL with a message naming
 * the file and field in err. */
struct form_set *
form_set_load(const char *dir, const char *override_dir, char *err, size_t errlen)
{
	struct form_set *set = calloc(1, sizeof(*set));
	char *names[FORM_FILES_MAX];
	const char *dirs[FORM_FILES_MAX];
	size_t nnames = 0;
	struct load_ctx c = { dir, err, errlen };
	if (set == NULL)
		return NULL;
	if (collect_names(&c, dir, names, dirs, &nnames) != 0)
		goto fail;
	c.file = override_dir;
	/* no override directory (none made yet): the shipped forms alone */
	if (override_dir != NULL && access(override_dir, F_OK) == 0 &&
	    collect_names(&c, override_dir, names, dirs, &nnames) != 0)
		goto fail;
	c.file = dir;
	if (nnames == 0) {
		load_fail(&c, NULL, "no form definitions (*.json) found");
		goto fail;
	}
	/* sort names, keeping each one's directory beside it */
	for (size_t i = 1; i < nnames; i++)
		for (size_t j = i; j > 0 && cmp_str(&names[j - 1], &names[j]) > 0; j--) {
			char *tn = names[j];
			const char *td = dirs[j];
			names[j] = names[j - 1], dirs[j] = dirs[j - 1];
			names[j - 1] = tn, dirs[j - 1] = td;
		}
	set->forms = calloc(nnames, sizeof(*set->forms));
	if (set->forms == NULL)
		goto fail;
	for (size_t i = 0; i < nnames; i++) {
		char path[4096];
		snprintf(path, sizeof(path), "%s/%s", dirs[i], names[i]);
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

/* The field called `name`, or NULL. */
const struct form_field *
form_field_named(const struct form *f, const char *name)
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
	const struct form_field *ctl = form_field_named(f, c->field);
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
		if ((fd = form_field_named(f, fd->cond.field)) == NULL)
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
	const struct form_field *ctl = form_field_named(f, f->urgent_if.field);
	return ctl != NULL && form_field_asked(f, ctl, values) && cond_holds(f, &f->urgent_if, values);
}


/* Records every loaded definition under its (id, version) so old reports
 * keep their own labels. A version already stored with other content is
 * kept as it was and reported: change the version with the meaning.
 * 0 when all are stored, -1 when the database could not be reached. */
int
form_set_store(const struct form_set *set, struct db *db)
{
	enum { FORM_VERSION_SAME };   /* STMT_FORM_VERSION_STORE's one column: the stored text is this one */
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
		if (PQntuples(res) == 1 && strcmp(PQgetvalue(res, 0, FORM_VERSION_SAME), "f") == 0)
			log_warn("form %s version %d changed without a new version; "
			    "old reports keep the first text (raise \"version\")", f->id, f->version);
		PQclear(res);
	}
	return 0;
}
