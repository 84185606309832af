/* test_form.c: unit tests for the form room (form_*.c): loading and checking definitions, validating answers, rendering fields. */
#include <stdlib.h>
#include <string.h>

#include "common.h"

#include "buf.h"
#include "form.h"
#include "i18n.h"

#define FIXTURES "tests/unit/fixtures/"

/* The output of render(), freed in the group teardown. */
static struct buf render_out;

/* The real forms/ directory, loaded once for the validation and rendering tests. */
struct fixture {
	struct form_set *set;
	const struct form *concern;
	struct arena *arena;
};

static int
setup(void **state)
{
	static struct fixture fx;
	char err[512] = "";
	fx.set = form_set_load("forms", NULL, err, sizeof(err));
	if (fx.set == NULL) {
		print_error("form_set_load(forms): %s\n", err);
		return -1;
	}
	fx.concern = form_find(fx.set, "concern");
	fx.arena = arena_new();
	if (fx.concern == NULL || fx.arena == NULL)
		return -1;
	*state = &fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *fx = *state;
	form_set_free(fx->set);
	arena_free(fx->arena);
	buf_free(&render_out);
	return 0;
}

/* Loads a fixture directory that must be refused; returns err for the
 * caller to inspect (static storage). */
static const char *
load_bad(const char *dir)
{
	static char err[1024];
	memset(err, 0, sizeof(err));
	struct form_set *set = form_set_load(dir, NULL, err, sizeof(err));
	if (set != NULL) {
		form_set_free(set);
		fail_msg("%s was loaded but should have been refused", dir);
	}
	assert_true(strlen(err) > 0);
	return err;
}

/* ---- form_set_load ---- */

static void
test_load_real_forms(void **state)
{
	struct fixture *fx = *state;
	const struct form *f = fx->concern;

	assert_true(fx->set->n >= 1);
	assert_string_equal(f->id, "concern");
	assert_true(f->version >= 1);
	assert_non_null(f->title[LANG_VI]);
	assert_non_null(f->title[LANG_EN]);
	assert_true(f->nfields >= 1);
	size_t text = field_index(f, "text");
	assert_int_equal(f->fields[text].type, FIELD_TEXTAREA);
	assert_true(f->fields[text].required);
	size_t cat = field_index(f, "category");
	assert_int_equal(f->fields[cat].type, FIELD_SELECT);
	assert_true(f->fields[cat].noptions >= 1);
	assert_null(form_find(fx->set, "nonexistent"));
	assert_null(form_find(NULL, "concern"));
}

static void
test_load_good_fixture(void **state)
{
	char err[512] = "";
	(void)state;

	struct form_set *set = form_set_load(FIXTURES "forms_good", NULL, err, sizeof(err));
	assert_non_null(set);
	assert_int_equal(set->n, 1);   /* notes.txt is not a form */
	const struct form *f = form_find(set, "contact");
	assert_non_null(f);
	assert_int_equal(f->version, 3);
	assert_int_equal(f->nfields, 2);
	assert_int_equal(f->fields[0].type, FIELD_TEXT);
	assert_int_equal(f->fields[0].max_length, 5);
	assert_int_equal(f->fields[1].type, FIELD_SELECT);
	assert_int_equal(f->fields[1].noptions, 2);
	/* English falls back to Vietnamese where a definition has none */
	assert_string_equal(form_label(f->fields[1].label, LANG_EN), "Ca làm");
	assert_string_equal(form_label(f->fields[1].options[1].label, LANG_EN), "Ca đêm");
	assert_string_equal(form_label(f->fields[1].options[0].label, LANG_EN), "Day");
	assert_null(f->help[LANG_VI]);
	form_set_free(set);
}

static void
test_load_bad_json(void **state)
{
	(void)state;
	const char *err = load_bad(FIXTURES "forms_bad_json");
	assert_non_null(strstr(err, "forms_bad_json/broken.json"));
	assert_non_null(strstr(err, "JSON"));
}

/* forms_override_dir: a file there replaces the same-named file of the
 * forms directory; the other forms stay; a broken one is named by its
 * own path, so the officer knows which copy to fix. */
static void
test_load_override(void **state)
{
	struct fixture *fx = *state;
	char err[512] = "";
	struct form_set *set = form_set_load("forms", FIXTURES "forms_override", err, sizeof(err));
	assert_non_null(set);
	assert_int_equal(set->n, fx->set->n);
	const struct form *f = form_find(set, "concern");
	assert_non_null(f);
	assert_string_equal(f->title[LANG_VI], "Góp ý, kiến nghị (mẫu của LĐLĐ tỉnh)");
	assert_string_equal(f->title[LANG_EN], fx->concern->title[LANG_EN]);
	for (size_t i = 0; i < fx->set->n; i++)
		assert_non_null(form_find(set, fx->set->forms[i].id));
	form_set_free(set);

	set = form_set_load("forms", FIXTURES "forms_override_bad", err, sizeof(err));
	assert_null(set);
	assert_non_null(strstr(err, "forms_override_bad/concern.json"));
	/* an override directory not made yet: the shipped forms alone */
	set = form_set_load("forms", FIXTURES "no_such_dir", err, sizeof(err));
	assert_non_null(set);
	assert_int_equal(set->n, fx->set->n);
	assert_string_equal(form_find(set, "concern")->title[LANG_VI], fx->concern->title[LANG_VI]);
	form_set_free(set);
}

static void
test_load_unknown_type(void **state)
{
	(void)state;
	const char *err = load_bad(FIXTURES "forms_unknown_type");
	assert_non_null(strstr(err, "forms_unknown_type/survey.json"));
	assert_non_null(strstr(err, "\"mood\""));
	assert_non_null(strstr(err, "\"slider\""));
}

static void
test_load_duplicate_field(void **state)
{
	(void)state;
	const char *err = load_bad(FIXTURES "forms_dup_field");
	assert_non_null(strstr(err, "forms_dup_field/twice.json"));
	assert_non_null(strstr(err, "\"place\""));
	assert_non_null(strstr(err, "duplicate"));
}

static void
test_load_no_vietnamese(void **state)
{
	(void)state;
	const char *err = load_bad(FIXTURES "forms_no_vi");
	assert_non_null(strstr(err, "forms_no_vi/english.json"));
	assert_non_null(strstr(err, "\"text\""));
	assert_non_null(strstr(err, "\"vi\""));
}

static void
test_load_select_without_options(void **state)
{
	(void)state;
	const char *err = load_bad(FIXTURES "forms_select_no_options");
	assert_non_null(strstr(err, "forms_select_no_options/pick.json"));
	assert_non_null(strstr(err, "\"shift\""));
	assert_non_null(strstr(err, "options"));
}

static void
test_load_duplicate_option(void **state)
{
	(void)state;
	const char *err = load_bad(FIXTURES "forms_dup_option");
	assert_non_null(strstr(err, "forms_dup_option/shifts.json"));
	assert_non_null(strstr(err, "\"shift\""));
	assert_non_null(strstr(err, "duplicate option \"day\""));
}

static void
test_load_duplicate_form_id(void **state)
{
	(void)state;
	const char *err = load_bad(FIXTURES "forms_dup_id");
	assert_non_null(strstr(err, "\"same\""));
	/* the second file (in name order) is the one named */
	assert_non_null(strstr(err, "forms_dup_id/b.json"));
}

static void
test_load_empty_dir(void **state)
{
	(void)state;
	const char *err = load_bad(FIXTURES "forms_empty");
	assert_non_null(strstr(err, "forms_empty"));
	assert_non_null(strstr(err, "no form definitions"));
}

static void
test_load_missing_dir(void **state)
{
	(void)state;
	const char *err = load_bad(FIXTURES "forms_no_such_dir");
	assert_non_null(strstr(err, "forms_no_such_dir"));
}

/* JSON_REJECT_DUPLICATES: a key given twice is an error, not "last wins". */
static void
test_load_duplicate_key(void **state)
{
	(void)state;
	const char *err = load_bad(FIXTURES "forms_dup_key");
	assert_non_null(strstr(err, "forms_dup_key/dup.json"));
	assert_non_null(strstr(err, "duplicate"));
}

/* ---- form_validate ---- */

/* Validates the pairs (key, value, key, value, ..., NULL) against f. */
static int
validate(struct fixture *fx, const struct form *f, json_t **answers, enum msg **errors, ...)
{
	struct kv items[16];
	struct kvlist in = { items, 0 };
	va_list ap;
	va_start(ap, errors);
	const char *k;
	while ((k = va_arg(ap, const char *)) != NULL) {
		const char *v = va_arg(ap, const char *);
		assert_true(in.n < 16);
		items[in.n++] = (struct kv){ k, v, strlen(v) };
	}
	va_end(ap);
	return form_validate(fx->arena, f, &in, answers, errors);
}

static void
test_validate_ok(void **state)
{
	struct fixture *fx = *state;
	const struct form *f = fx->concern;
	json_t *answers;
	enum msg *errors;

	assert_int_equal(validate(fx, f, &answers, &errors,
	    "category", "wages", "text", "Lương tháng này bị trả chậm.",
	    "_token", "x.y", "_idem", "0123456789abcdef", "unknown", "ignored", NULL), 0);
	for (size_t i = 0; i < f->nfields; i++)
		assert_int_equal(errors[i], MSG__MAX);
	/* exactly the form's answers: no _token, _idem or strangers */
	assert_int_equal(json_object_size(answers), 2);
	assert_string_equal(json_string_value(json_object_get(answers, "category")), "wages");
	assert_string_equal(json_string_value(json_object_get(answers, "text")), "Lương tháng này bị trả chậm.");
	json_decref(answers);

	/* an optional field left empty is left out */
	assert_int_equal(validate(fx, f, &answers, &errors,
	    "category", "", "text", "Bữa ăn ca không đủ.", NULL), 0);
	assert_int_equal(json_object_size(answers), 1);
	assert_null(json_object_get(answers, "category"));
	assert_string_equal(json_string_value(json_object_get(answers, "text")), "Bữa ăn ca không đủ.");
	json_decref(answers);

	/* answers are stored trimmed */
	assert_int_equal(validate(fx, f, &answers, &errors, "text", "  \r\nCa đêm quá dài.\n ", NULL), 0);
	assert_string_equal(json_string_value(json_object_get(answers, "text")), "Ca đêm quá dài.");
	json_decref(answers);
}

static void
test_validate_required(void **state)
{
	struct fixture *fx = *state;
	const struct form *f = fx->concern;
	size_t text = field_index(f, "text"), cat = field_index(f, "category");
	json_t *answers;
	enum msg *errors;

	assert_int_equal(validate(fx, f, &answers, &errors, "category", "safety", NULL), 1);
	assert_int_equal(errors[text], MSG_FIELD_REQUIRED);
	assert_int_equal(errors[cat], MSG__MAX);
	json_decref(answers);

	assert_int_equal(validate(fx, f, &answers, &errors, "text", "", NULL), 1);
	assert_int_equal(errors[text], MSG_FIELD_REQUIRED);
	json_decref(answers);

	/* white space only is nothing */
	assert_int_equal(validate(fx, f, &answers, &errors, "text", " \t\r\n  ", NULL), 1);
	assert_int_equal(errors[text], MSG_FIELD_REQUIRED);
	assert_int_equal(json_object_size(answers), 0);
	json_decref(answers);
}

/* Builds n copies of the 3-byte "ệ" in the arena. */
static char *
repeat_e(struct arena *a, size_t n)
{
	char *s = arena_alloc(a, 3 * n + 1);
	assert_non_null(s);
	for (size_t i = 0; i < n; i++)
		memcpy(s + 3 * i, "ệ", 3);
	s[3 * n] = '\0';
	return s;
}

/* Lengths are code points, not bytes: max_length "ệ"s (3 bytes each) fit. */
static void
test_validate_length(void **state)
{
	struct fixture *fx = *state;
	const struct form *f = fx->concern;
	size_t text = field_index(f, "text");
	long max = f->fields[text].max_length;
	json_t *answers;
	enum msg *errors;

	assert_true(max > 3);
	char *s = repeat_e(fx->arena, (size_t)max);
	assert_int_equal(strlen(s), 3 * (size_t)max);
	assert_int_equal(validate(fx, f, &answers, &errors, "text", s, NULL), 0);
	assert_string_equal(json_string_value(json_object_get(answers, "text")), s);
	json_decref(answers);

	s = repeat_e(fx->arena, (size_t)max + 1);
	assert_int_equal(validate(fx, f, &answers, &errors, "text", s, NULL), 1);
	assert_int_equal(errors[text], MSG_FIELD_TOO_LONG);
	assert_null(json_object_get(answers, "text"));
	json_decref(answers);

	/* and the lower bound, also in code points */
	long min = f->fields[text].min_length;
	if (min > 1) {
		s = repeat_e(fx->arena, (size_t)min - 1);
		assert_int_equal(validate(fx, f, &answers, &errors, "text", s, NULL), 1);
		assert_int_equal(errors[text], MSG_FIELD_TOO_SHORT);
		json_decref(answers);
		s = repeat_e(fx->arena, (size_t)min);
		assert_int_equal(validate(fx, f, &answers, &errors, "text", s, NULL), 0);
		json_decref(answers);
	}
}

static void
test_validate_bad_option(void **state)
{
	struct fixture *fx = *state;
	const struct form *f = fx->concern;
	size_t cat = field_index(f, "category"), text = field_index(f, "text");
	json_t *answers;
	enum msg *errors;

	const char *bad[] = { "bogus", "Wages", "wages ", "wage", "wages; DROP TABLE x", "Tiền lương, thưởng" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int n = validate(fx, f, &answers, &errors, "category", bad[i], "text", "Có chuyện.", NULL);
		/* "wages " is trimmed to a valid option; everything else is refused */
		if (strcmp(bad[i], "wages ") == 0) {
			assert_int_equal(n, 0);
		} else {
			assert_int_equal(n, 1);
			assert_int_equal(errors[cat], MSG_FIELD_BAD_OPTION);
			assert_int_equal(errors[text], MSG__MAX);
			assert_null(json_object_get(answers, "category"));
		}
		json_decref(answers);
	}
}

static void
test_validate_hostile_verbatim(void **state)
{
	struct fixture *fx = *state;
	const struct form *f = fx->concern;
	json_t *answers;
	enum msg *errors;

	const char *hostile[] = {
		"'; DROP TABLE x; --",
		"<script>alert(1)</script>",
		"\" onmouseover=\"alert(1)",
		"=HYPERLINK(\"http://evil\")",
		"{\"text\": \"nested\"}",
		"%00 %FF \\x00 $1 ${x}",
	};
	for (size_t i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++) {
		assert_int_equal(validate(fx, f, &answers, &errors, "text", hostile[i], NULL), 0);
		assert_string_equal(json_string_value(json_object_get(answers, "text")), hostile[i]);
		json_decref(answers);
	}
}

/* ---- form_render_fields ---- */

/* Renders f in lang with values/errors; returns the HTML (valid until the
 * next call). */
static const char *
render(const struct form *f, enum lang lang, const struct kvlist *values, const enum msg *errors)
{
	struct req r = { 0 };
	buf_reset(&render_out);
	r.arena = arena_new();
	assert_non_null(r.arena);
	r.out = &render_out;
	r.lang = lang;
	r.content_type = "";
	r.content_length = -1;
	form_render_fields(&r, f, values, errors, NULL);
	arena_free(r.arena);
	assert_false(render_out.failed);
	assert_non_null(render_out.data);
	return render_out.data;
}

static void
test_render_languages(void **state)
{
	struct fixture *fx = *state;
	const char *html = render(fx->concern, LANG_VI, NULL, NULL);

	assert_non_null(strstr(html, "Việc này liên quan đến"));
	assert_non_null(strstr(html, "Nội dung phản ánh"));
	assert_non_null(strstr(html, "Tiền lương, thưởng"));
	assert_non_null(strstr(html, tr(LANG_VI, MSG_REQUIRED_MARK)));
	assert_non_null(strstr(html, tr(LANG_VI, MSG_SELECT_NONE)));
	assert_null(strstr(html, "This is about"));
	assert_null(strstr(html, "Your report"));
	assert_null(strstr(html, "aria-invalid"));
	assert_null(strstr(html, " selected"));
	assert_non_null(strstr(html, "<label for=\"f-text\">"));
	assert_non_null(strstr(html, "name=\"text\""));
	assert_non_null(strstr(html, "maxlength=\"4000\""));

	html = render(fx->concern, LANG_EN, NULL, NULL);
	assert_non_null(strstr(html, "This is about"));
	assert_non_null(strstr(html, "Your report"));
	assert_non_null(strstr(html, "Wages, bonuses"));
	assert_non_null(strstr(html, tr(LANG_EN, MSG_REQUIRED_MARK)));
	assert_null(strstr(html, "(optional)"));   /* only required questions are marked */
	assert_null(strstr(html, "Việc này liên quan đến"));
	assert_null(strstr(html, "Nội dung phản ánh"));
}

static void
test_render_escapes_values(void **state)
{
	struct fixture *fx = *state;
	struct kv items[] = {
		{ "text", "</textarea><script>alert(1)</script>", 0 },
		{ "category", "\"><script>", 0 },
	};
	struct kvlist values = { items, 2 };
	const char *html = render(fx->concern, LANG_VI, &values, NULL);

	assert_null(strstr(html, "<script>"));
	assert_non_null(strstr(html, ">&lt;/textarea&gt;&lt;script&gt;alert(1)&lt;/script&gt;</textarea>"));
	assert_int_equal(occurrences(html, "</textarea>"), 1);
	assert_null(strstr(html, " selected"));

	/* a text input carries its value in an attribute */
	char err[512] = "";
	struct form_set *set = form_set_load(FIXTURES "forms_good", NULL, err, sizeof(err));
	assert_non_null(set);
	struct kv items2[] = { { "place", "\"><script>alert('x')</script>", 0 } };
	struct kvlist values2 = { items2, 1 };
	html = render(form_find(set, "contact"), LANG_EN, &values2, NULL);
	assert_null(strstr(html, "<script>"));
	assert_non_null(strstr(html,
	    " value=\"&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;\">"));
	/* labels and hints fall back to Vietnamese, and are there in English */
	assert_non_null(strstr(html, "Workplace"));
	assert_non_null(strstr(html, "The workshop&#39;s name"));
	assert_non_null(strstr(html, "Ca làm"));
	assert_non_null(strstr(html, "Ca đêm"));
	assert_non_null(strstr(html, "aria-describedby=\"h-place\""));
	form_set_free(set);
}

static void
test_render_selected(void **state)
{
	struct fixture *fx = *state;
	struct kv items[] = { { "category", "safety", 6 } };
	struct kvlist values = { items, 1 };
	const char *html = render(fx->concern, LANG_VI, &values, NULL);

	assert_non_null(strstr(html, "<option value=\"safety\" selected>"));
	assert_int_equal(occurrences(html, " selected"), 1);
	assert_non_null(strstr(html, "<option value=\"wages\">"));
}

static void
test_render_errors(void **state)
{
	struct fixture *fx = *state;
	const struct form *f = fx->concern;
	size_t text = field_index(f, "text");
	enum msg *errors = arena_alloc(fx->arena, f->nfields * sizeof(*errors));
	struct kv items[] = { { "text", "ab", 2 } };
	struct kvlist values = { items, 1 };

	assert_non_null(errors);
	for (size_t i = 0; i < f->nfields; i++)
		errors[i] = MSG__MAX;
	errors[text] = MSG_FIELD_TOO_SHORT;

	const char *html = render(f, LANG_VI, &values, errors);
	const char *msg = tr(LANG_VI, MSG_FIELD_TOO_SHORT);
	assert_int_equal(occurrences(html, "class=\"field error\""), 1);
	assert_int_equal(occurrences(html, "aria-invalid=\"true\""), 1);
	assert_int_equal(occurrences(html, msg), 1);
	/* the message sits inside the text field's block, before its control,
	 * in an element the control points at */
	const char *div = strstr(html, "class=\"field error\"");
	const char *label = strstr(html, "<label for=\"f-text\">");
	const char *m = strstr(html, msg);
	const char *eid = strstr(html, "id=\"e-text\"");
	const char *ctl = strstr(html, "<textarea");
	assert_non_null(div);
	assert_non_null(label);
	assert_non_null(eid);
	assert_non_null(ctl);
	assert_true(div < label && label < eid && eid < m && m < ctl);
	/* the field's block is still open at the control */
	const char *close = strstr(div, "</div>");
	assert_true(close == NULL || close > ctl);
	assert_non_null(strstr(ctl, "aria-invalid=\"true\" aria-describedby=\"e-text\""));
	/* the worker's text is kept */
	assert_non_null(strstr(ctl, ">ab</textarea>"));

	html = render(f, LANG_EN, &values, errors);
	assert_non_null(strstr(html, tr(LANG_EN, MSG_FIELD_TOO_SHORT)));
	assert_null(strstr(html, msg));
}

/* The shipped forms' answers the statistics read (stats.c, sql/019): their
 * names, types and values must not drift, whatever the wording. */
static void
test_shipped_forms_figures(void **state)
{
	struct fixture *fx = *state;
	static const char *const ids[] = { "concern", "wage_arrears", "social_insurance", "safety", "meal",
	    "bargaining_survey" };
	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		const struct form *f = form_find(fx->set, ids[i]);
		assert_non_null(f);
		assert_true(f->version >= 2);
		const struct form_field *m = &f->fields[field_index(f, "union_member")];
		const struct form_field *j = &f->fields[field_index(f, "join_union")];
		assert_int_equal(m->type, FIELD_YESNO);
		assert_true(m->unsure);
		assert_false(m->required);
		assert_int_equal(j->type, FIELD_YESNO);
		assert_false(j->required);
		assert_string_equal(j->cond.field, "union_member");
		assert_int_equal(j->cond.nvalues, 2);
	}
	/* the social-insurance amount is handled exactly as the wage amount */
	const struct form *wa = form_find(fx->set, "wage_arrears"), *si = form_find(fx->set, "social_insurance");
	const struct form_field *amount = &wa->fields[field_index(wa, "amount")];
	const struct form_field *owed = &si->fields[field_index(si, "amount")];
	assert_int_equal(owed->type, FIELD_MONEY);
	assert_int_equal(owed->type, amount->type);
	assert_true(owed->has_min && owed->has_max && amount->has_min && amount->has_max);
	assert_true(owed->min == amount->min && owed->max == amount->max);
	const struct form_field *b1 = &wa->fields[field_index(wa, "amount_basis")];
	const struct form_field *b2 = &si->fields[field_index(si, "amount_basis")];
	assert_int_equal(b1->noptions, b2->noptions);
	for (size_t k = 0; k < b1->noptions; k++)
		assert_string_equal(b1->options[k].value, b2->options[k].value);
	json_t *answers;
	enum msg *errors;
	assert_int_equal(validate(fx, si, &answers, &errors, "deducted", "yes", "amount", "3.500.000 đ",
	    "amount_basis", "total", NULL), 0);
	assert_int_equal(json_integer_value(json_object_get(answers, "amount")), 3500000);
	json_decref(answers);
	assert_int_equal(validate(fx, si, &answers, &errors, "deducted", "yes", "amount", "100.000.000.001", NULL), 1);
	assert_int_equal(errors[field_index(si, "amount")], MSG_FIELD_TOO_BIG);
	json_decref(answers);
	/* accidents: the counts keep their names; severity's values are fixed */
	const struct form *sf = form_find(fx->set, "safety");
	assert_int_equal(sf->fields[field_index(sf, "injured")].type, FIELD_INTEGER);
	assert_int_equal(sf->fields[field_index(sf, "dead")].type, FIELD_INTEGER);
	assert_int_equal(sf->fields[field_index(sf, "occupational_disease")].type, FIELD_YESNO);
	assert_int_equal(sf->fields[field_index(sf, "reported_by_employer")].type, FIELD_YESNO);
	const struct form_field *sev = &sf->fields[field_index(sf, "severity")];
	assert_int_equal(sev->noptions, 3);
	assert_string_equal(sev->options[0].value, "minor");
	assert_string_equal(sev->options[1].value, "serious");
	assert_string_equal(sev->options[2].value, "fatal");
}

/* form_answers_json writes what json_dumps(JSON_COMPACT | JSON_SORT_KEYS)
 * does, byte for byte (receipts are made from it), jansson's fallback
 * included. */
static void
check_answers_json(json_t *o)
{
	char *want = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
	char *got = form_answers_json(o);
	assert_non_null(want);
	assert_non_null(got);
	assert_string_equal(got, want);
	free(want);
	free(got);
	json_decref(o);
}

static void
test_answers_json(void **state)
{
	(void)state;
	check_answers_json(json_object());
	check_answers_json(json_pack("{s:s, s:s}", "text", "Công ty nợ lương tháng 10, tăng ca đến 10 giờ đêm.",
	    "category", "wages"));
	/* every byte that jansson escapes, and some it does not */
	char all[128];
	for (int i = 1; i < 128; i++)
		all[i - 1] = (char)i;
	all[127] = '\0';
	check_answers_json(json_pack("{s:s, s:s, s:s}", "z", all, "a\"b", "q\\\"/\t\u2028", "m", "x</script>\x7f"));
	check_answers_json(json_pack("{s:s#}", "nul", "a\0b", (int)3));
	/* keys in every order, integers of every sign, arrays */
	check_answers_json(json_pack("{s:I, s:I, s:I, s:I, s:[], s:[s,s], s:[I,I], s:i}", "b", (json_int_t)0, "a",
	    (json_int_t)-5, "c", (json_int_t)9223372036854775807LL, "d", (json_int_t)(-9223372036854775807LL - 1),
	    "e", "f", "2026-09", "2026-10", "g", (json_int_t)1, (json_int_t)-2, "aa", 3));
	check_answers_json(json_pack("{s:s, s:s, s:s, s:s}", "category", "x", "category_other", "y", "Category", "z",
	    "cat", "w"));
	/* values form_validate never stores go to jansson: the same text still */
	check_answers_json(json_pack("{s:f, s:s}", "hours", 1.5, "t", "x"));
	check_answers_json(json_pack("{s:b, s:n, s:{s:s}}", "t", 1, "n", "o", "k", "v"));
	check_answers_json(json_pack("{s:[s,f]}", "mixed", "a", 0.1));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_load_real_forms),
		cmocka_unit_test(test_shipped_forms_figures),
		cmocka_unit_test(test_load_good_fixture),
		cmocka_unit_test(test_load_bad_json),
		cmocka_unit_test(test_load_override),
		cmocka_unit_test(test_load_unknown_type),
		cmocka_unit_test(test_load_duplicate_field),
		cmocka_unit_test(test_load_no_vietnamese),
		cmocka_unit_test(test_load_select_without_options),
		cmocka_unit_test(test_load_duplicate_option),
		cmocka_unit_test(test_load_duplicate_form_id),
		cmocka_unit_test(test_load_empty_dir),
		cmocka_unit_test(test_load_missing_dir),
		cmocka_unit_test(test_load_duplicate_key),
		cmocka_unit_test(test_validate_ok),
		cmocka_unit_test(test_validate_required),
		cmocka_unit_test(test_validate_length),
		cmocka_unit_test(test_validate_bad_option),
		cmocka_unit_test(test_validate_hostile_verbatim),
		cmocka_unit_test(test_render_languages),
		cmocka_unit_test(test_render_escapes_values),
		cmocka_unit_test(test_render_selected),
		cmocka_unit_test(test_render_errors),
		cmocka_unit_test(test_answers_json),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
