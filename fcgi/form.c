/* form.c: form definitions (forms/NAME.json): load and check them, render them as HTML, validate answers. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "arena.h"
#include "buf.h"
#include "form.h"
#include "html.h"
#include "req.h"
#include "text.h"

#define FORM_FILES_MAX 64
#define FORM_FIELDS_MAX 60
#define FORM_OPTIONS_MAX 40
#define FIELD_TEXT_MAX 20000

static const char *const field_type_names[FIELD__MAX] = {
	"text",      /* FIELD_TEXT */
	"textarea",  /* FIELD_TEXTAREA */
	"select",    /* FIELD_SELECT */
};

static const long field_default_max[FIELD__MAX] = {
	200,   /* FIELD_TEXT */
	4000,  /* FIELD_TEXTAREA */
	0,     /* FIELD_SELECT */
};

struct load_ctx {
	const char *file;
	char *err;
	size_t errlen;
};

static int
load_fail(struct load_ctx *c, const char *field, const char *fmt, const char *detail)
{
	char what[400];
	snprintf(what, sizeof(what), fmt, detail ? detail : "");
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

static int
load_field(struct load_ctx *c, json_t *jf, struct form_field *f)
{
	json_t *name = json_object_get(jf, "name");
	if (!json_is_string(name) || !valid_name(json_string_value(name)))
		return load_fail(c, NULL, "a field has no valid \"name\" (lower-case letters, digits, _): %s",
		    json_is_string(name) ? json_string_value(name) : "(none)");
	f->name = dup_text(json_string_value(name));
	json_t *type = json_object_get(jf, "type");
	if (!json_is_string(type))
		return load_fail(c, f->name, "missing \"type\"%s", NULL);
	int t;
	for (t = 0; t < FIELD__MAX; t++)
		if (strcmp(field_type_names[t], json_string_value(type)) == 0)
			break;
	if (t == FIELD__MAX)
		return load_fail(c, f->name, "unknown type \"%s\"", json_string_value(type));
	f->type = (enum field_type)t;
	json_t *req = json_object_get(jf, "required");
	if (req != NULL && !json_is_boolean(req))
		return load_fail(c, f->name, "\"required\" must be true or false%s", NULL);
	f->required = json_is_true(req);
	if (load_i18n(c, jf, "label", f->name, true, f->label) != 0 ||
	    load_i18n(c, jf, "hint", f->name, false, f->hint) != 0)
		return -1;
	f->max_length = field_default_max[f->type];
	json_t *ml = json_object_get(jf, "max_length");
	if (ml != NULL) {
		if (!json_is_integer(ml) || json_integer_value(ml) < 1 || json_integer_value(ml) > FIELD_TEXT_MAX)
			return load_fail(c, f->name, "\"max_length\" must be an integer from 1 to 20000%s", NULL);
		f->max_length = (long)json_integer_value(ml);
	}
	json_t *mn = json_object_get(jf, "min_length");
	if (mn != NULL) {
		if (!json_is_integer(mn) || json_integer_value(mn) < 0 || json_integer_value(mn) > f->max_length)
			return load_fail(c, f->name, "\"min_length\" must be an integer from 0 to max_length%s", NULL);
		f->min_length = (long)json_integer_value(mn);
	}
	json_t *opts = json_object_get(jf, "options");
	if (f->type == FIELD_SELECT) {
		if (!json_is_array(opts) || json_array_size(opts) == 0 || json_array_size(opts) > FORM_OPTIONS_MAX)
			return load_fail(c, f->name, "a select needs \"options\": a list of 1 to 40 items%s", NULL);
		f->noptions = json_array_size(opts);
		f->options = calloc(f->noptions, sizeof(*f->options));
		if (f->options == NULL)
			return load_fail(c, f->name, "out of memory%s", NULL);
		for (size_t i = 0; i < f->noptions; i++) {
			json_t *o = json_array_get(opts, i);
			json_t *v = json_object_get(o, "value");
			if (!json_is_string(v) || !valid_name(json_string_value(v)))
				return load_fail(c, f->name, "an option has no valid \"value\" (lower-case letters, digits, _)%s", NULL);
			for (size_t j = 0; j < i; j++)
				if (strcmp(f->options[j].value, json_string_value(v)) == 0)
					return load_fail(c, f->name, "duplicate option \"%s\"", json_string_value(v));
			f->options[i].value = dup_text(json_string_value(v));
			if (load_i18n(c, o, "label", f->name, true, f->options[i].label) != 0)
				return -1;
		}
	} else if (opts != NULL) {
		return load_fail(c, f->name, "\"options\" only belong on a select%s", NULL);
	}
	return 0;
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
	}
	free(f->fields);
	free(f->id);
	for (int l = 0; l < LANG__MAX; l++) {
		free(f->title[l]);
		free(f->help[l]);
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
		load_fail(c, NULL, "the top level must be an object%s", NULL);
		goto done;
	}
	json_t *id = json_object_get(root, "id");
	if (!json_is_string(id) || !valid_name(json_string_value(id))) {
		load_fail(c, NULL, "missing or invalid \"id\" (lower-case letters, digits, _)%s", NULL);
		goto done;
	}
	f->id = dup_text(json_string_value(id));
	json_t *ver = json_object_get(root, "version");
	if (!json_is_integer(ver) || json_integer_value(ver) < 1 || json_integer_value(ver) > 1000000) {
		load_fail(c, NULL, "\"version\" must be a positive integer%s", NULL);
		goto done;
	}
	f->version = (int)json_integer_value(ver);
	if (load_i18n(c, root, "title", NULL, true, f->title) != 0 ||
	    load_i18n(c, root, "help", NULL, false, f->help) != 0)
		goto done;
	json_t *fields = json_object_get(root, "fields");
	if (!json_is_array(fields) || json_array_size(fields) == 0 || json_array_size(fields) > FORM_FIELDS_MAX) {
		load_fail(c, NULL, "\"fields\" must be a list of 1 to 60 fields%s", NULL);
		goto done;
	}
	f->fields = calloc(json_array_size(fields), sizeof(*f->fields));
	if (f->fields == NULL)
		goto done;
	for (size_t i = 0; i < json_array_size(fields); i++) {
		json_t *jf = json_array_get(fields, i);
		if (!json_is_object(jf)) {
			load_fail(c, NULL, "every field must be an object%s", NULL);
			goto done;
		}
		f->nfields = i + 1;
		if (load_field(c, jf, &f->fields[i]) != 0)
			goto done;
		for (size_t j = 0; j < i; j++)
			if (strcmp(f->fields[j].name, f->fields[i].name) == 0) {
				load_fail(c, f->fields[i].name, "duplicate field name%s", NULL);
				goto done;
			}
	}
	rc = 0;
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
		load_fail(&c, NULL, "cannot open the forms directory%s", NULL);
		free(set);
		return NULL;
	}
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		size_t n = strlen(de->d_name);
		if (n < 6 || de->d_name[0] == '.' || strcmp(de->d_name + n - 5, ".json") != 0)
			continue;
		if (nnames == FORM_FILES_MAX) {
			load_fail(&c, NULL, "more than 64 form files%s", NULL);
			goto fail;
		}
		names[nnames++] = strdup(de->d_name);
	}
	closedir(d);
	d = NULL;
	if (nnames == 0) {
		load_fail(&c, NULL, "no form definitions (*.json) found%s", NULL);
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

/* Renders every field with its label, hint, current value and error (in
 * r->lang), all escaped. `values` may be NULL; errors[i] == MSG__MAX means
 * no error for field i. */
void
form_render_fields(struct req *r, const struct form *f, const struct kvlist *values, const enum msg *errors)
{
	struct buf *b = r->out;
	for (size_t i = 0; i < f->nfields; i++) {
		const struct form_field *fd = &f->fields[i];
		const char *val = values ? kv_get_or_empty(values, fd->name) : "";
		bool bad = errors && errors[i] != MSG__MAX;
		html_raw_trusted(b, bad ? "<div class=\"field error\">" : "<div class=\"field\">");
		html_raw_trusted(b, "<label for=\"f-");
		html_attr(b, fd->name);
		html_raw_trusted(b, "\">");
		html_text(b, form_label(fd->label, r->lang));
		html_raw_trusted(b, " <small>");
		html_text(b, tr(r->lang, fd->required ? MSG_REQUIRED_MARK : MSG_OPTIONAL_MARK));
		html_raw_trusted(b, "</small></label>");
		if (fd->hint[LANG_VI]) {
			html_raw_trusted(b, "<p class=\"hint\" id=\"h-");
			html_attr(b, fd->name);
			html_raw_trusted(b, "\">");
			html_text(b, form_label(fd->hint, r->lang));
			html_raw_trusted(b, "</p>");
		}
		if (bad) {
			html_raw_trusted(b, "<p class=\"msg\" id=\"e-");
			html_attr(b, fd->name);
			html_raw_trusted(b, "\" role=\"alert\">");
			html_text(b, tr(r->lang, errors[i]));
			html_raw_trusted(b, "</p>");
		}
		switch (fd->type) {
		case FIELD_TEXTAREA:
			html_raw_trusted(b, "<textarea rows=\"6\"");
			break;
		case FIELD_SELECT:
			html_raw_trusted(b, "<select");
			break;
		case FIELD_TEXT:
		default:
			html_raw_trusted(b, "<input type=\"text\"");
			break;
		}
		html_raw_trusted(b, " id=\"f-");
		html_attr(b, fd->name);
		html_raw_trusted(b, "\" name=\"");
		html_attr(b, fd->name);
		html_raw_trusted(b, "\"");
		if (fd->required)
			html_raw_trusted(b, " required");
		if (fd->type != FIELD_SELECT)
			buf_appendf(b, " maxlength=\"%ld\"", fd->max_length);
		if (bad) {
			html_raw_trusted(b, " aria-invalid=\"true\" aria-describedby=\"e-");
			html_attr(b, fd->name);
			html_raw_trusted(b, "\"");
		} else if (fd->hint[LANG_VI]) {
			html_raw_trusted(b, " aria-describedby=\"h-");
			html_attr(b, fd->name);
			html_raw_trusted(b, "\"");
		}
		switch (fd->type) {
		case FIELD_TEXTAREA:
			html_raw_trusted(b, ">");
			html_text(b, val);
			html_raw_trusted(b, "</textarea>");
			break;
		case FIELD_SELECT:
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
			break;
		case FIELD_TEXT:
		default:
			html_raw_trusted(b, " value=\"");
			html_attr(b, val);
			html_raw_trusted(b, "\">");
			break;
		}
		html_raw_trusted(b, "</div>\n");
	}
}

/* Checks the submitted values against the definition. Sets *answers to a
 * new JSON object of the non-empty answers (caller decrefs) and *errors to
 * an arena array with one entry per field (MSG__MAX = fine). Returns the
 * number of fields in error. Values are already valid NFC UTF-8 (req.c). */
int
form_validate(struct arena *a, const struct form *f, const struct kvlist *in, json_t **answers, enum msg **errors)
{
	int nerr = 0;
	*errors = arena_alloc(a, f->nfields * sizeof(enum msg));
	*answers = json_object();
	for (size_t i = 0; i < f->nfields; i++) {
		const struct form_field *fd = &f->fields[i];
		const char *raw = kv_get_or_empty(in, fd->name);
		char *v = arena_strdup(a, raw);
		enum msg e = MSG__MAX;
		text_trim(v);
		size_t len = text_length(v);
		if (len == 0) {
			if (fd->required)
				e = MSG_FIELD_REQUIRED;
		} else if (fd->type == FIELD_SELECT) {
			size_t j;
			for (j = 0; j < fd->noptions; j++)
				if (strcmp(fd->options[j].value, v) == 0)
					break;
			if (j == fd->noptions)
				e = MSG_FIELD_BAD_OPTION;
		} else if ((long)len > fd->max_length) {
			e = MSG_FIELD_TOO_LONG;
		} else if ((long)len < fd->min_length) {
			e = MSG_FIELD_TOO_SHORT;
		}
		(*errors)[i] = e;
		if (e != MSG__MAX)
			nerr++;
		else if (len > 0)
			json_object_set_new(*answers, fd->name, json_string(v));
	}
	return nerr;
}
