/* form.h: form definitions from forms/NAME.json: load and check (form_load.c), render (form_render.c), validate (form_valid.c). */
#ifndef TIENGNOI_FORM_H
#define TIENGNOI_FORM_H
#include <time.h>
#include <jansson.h>
#include "app.h"
#include "i18n.h"

enum field_type {
	FIELD_TEXT,
	FIELD_TEXTAREA,
	FIELD_INTEGER,
	FIELD_NUMBER,
	FIELD_MONEY,
	FIELD_DATE,
	FIELD_MONTH,
	FIELD_SELECT,
	FIELD_MULTISELECT,
	FIELD_YESNO,
	FIELD_RANK,
	FIELD_PHONE,
	FIELD_PHOTO,
	FIELD__MAX
};

struct form_option {
	char *value;
	char *label[LANG__MAX];
};

/* show_if: the field is asked (and validated, and stored) only when the
 * field named `field` has one of `values`. */
struct form_cond {
	char *field;
	char **values;
	size_t nvalues;
};

struct form_field {
	char *name;
	enum field_type type;
	bool required;
	bool multiple;         /* month: a list of months (checkboxes) */
	bool unsure;           /* yesno: offer "not sure" */
	bool has_min, has_max;
	double min, max;       /* integer, number, money; date/month: days/months from today */
	long min_length;
	long max_length;
	long max_items;        /* multiselect, month list, rank, photo */
	long span;             /* month list: how many recent months to offer */
	char *label[LANG__MAX];
	char *hint[LANG__MAX];
	struct form_option *options;
	size_t noptions;
	struct form_cond cond; /* cond.field == NULL: always asked */
};

struct form {
	char *id;
	int version;
	char *title[LANG__MAX];
	char *help[LANG__MAX];
	struct form_field *fields;
	size_t nfields;
	struct form_cond urgent_if;          /* answers that make a report urgent */
	char *urgent_message[LANG__MAX];     /* shown at once: what to do, whom to call */
	bool has_photo;                      /* needs multipart/form-data */
	bool contact;                        /* offer optional contact details */
	char *source;                        /* the definition as compact JSON, stored per version */
};

struct form_set {
	struct form *forms;
	size_t n;
};

/* form_load.c: the definitions, their lookups and conditions */
struct form_set *form_set_load(const char *dir, const char *override_dir, char *err, size_t errlen);
void form_set_free(struct form_set *);
struct form *form_from_definition(const char *json, char *err, size_t errlen);
void form_free(struct form *);
const struct form *form_find(const struct form_set *, const char *id);
const struct form_field *form_field_named(const struct form *, const char *name);
const char *form_label(char *const label[LANG__MAX], enum lang);
const char *form_type_name(enum field_type);
bool form_field_asked(const struct form *, const struct form_field *, const struct kvlist *values);
bool form_is_urgent(const struct form *, const struct kvlist *values);
struct db;
int form_set_store(const struct form_set *, struct db *);

/* form_render.c: HTML */
void form_render_fields(struct req *, const struct form *, const struct kvlist *values, const enum msg *errors,
    const char *hotline);
void form_render_call(struct req *, const char *hotline, bool emergency);
void form_render_contact(struct req *, const struct form *, const struct kvlist *values, enum msg error);
void form_options(struct req *, const char *selected);

/* form_valid.c: answers checked */
int form_validate(struct arena *, const struct form *, const struct kvlist *in, json_t **answers, enum msg **errors);
enum msg form_contact(struct arena *, const struct form *, const struct kvlist *in, char **json);
char *form_answers_json(const json_t *answers);

#endif
