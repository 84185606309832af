/* form.h: form definitions from forms/NAME.json: load, check, render, validate. */
#ifndef TIENGNOI_FORM_H
#define TIENGNOI_FORM_H
#include <jansson.h>
#include "app.h"
#include "i18n.h"

enum field_type {
	FIELD_TEXT,
	FIELD_TEXTAREA,
	FIELD_SELECT,
	FIELD__MAX
};

struct form_option {
	char *value;
	char *label[LANG__MAX];
};

struct form_field {
	char *name;
	enum field_type type;
	bool required;
	long min_length;
	long max_length;
	char *label[LANG__MAX];
	char *hint[LANG__MAX];
	struct form_option *options;
	size_t noptions;
};

struct form {
	char *id;
	int version;
	char *title[LANG__MAX];
	char *help[LANG__MAX];
	struct form_field *fields;
	size_t nfields;
};

struct form_set {
	struct form *forms;
	size_t n;
};

struct form_set *form_set_load(const char *dir, char *err, size_t errlen);
void form_set_free(struct form_set *);
const struct form *form_find(const struct form_set *, const char *id);
const char *form_label(char *const label[LANG__MAX], enum lang);
void form_render_fields(struct req *, const struct form *, const struct kvlist *values, const enum msg *errors);
int form_validate(struct arena *, const struct form *, const struct kvlist *in, json_t **answers, enum msg **errors);

#endif
