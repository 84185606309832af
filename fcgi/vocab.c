/* vocab.c: the one lookup of a vocabulary table (report statuses and channels, data-subject request kinds and statuses, the dispute cases' tables in dispute.c). */
#include <string.h>

#include "vocab.h"

/* The row of table `t` (n rows) for `value`; NULL when it has none or
 * `value` is NULL. */
const struct vocab *
vocab_find(const struct vocab *t, size_t n, const char *value)
{
	for (size_t i = 0; value && i < n; i++)
		if (strcmp(t[i].value, value) == 0)
			return &t[i];
	return NULL;
}

/* The label of `value` in `lang`; the value itself when the table does
 * not hold it (so an unexpected database value still shows). */
const char *
vocab_label(const struct vocab *t, size_t n, const char *value, enum lang lang)
{
	const struct vocab *v = vocab_find(t, n, value);
	return v == NULL ? value : lang == LANG_EN ? v->en : v->vi;
}
