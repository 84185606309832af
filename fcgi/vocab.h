/* vocab.h: a vocabulary table (values as sql/'s CHECK constraints spell them, with their console labels) and its one lookup. */
#ifndef TIENGNOI_VOCAB_H
#define TIENGNOI_VOCAB_H
#include <stddef.h>

#include "i18n.h"

/* One value of a vocabulary and what the console calls it. */
struct vocab {
	const char *value, *vi, *en;
};

const struct vocab *vocab_find(const struct vocab *, size_t n, const char *value);
const char *vocab_label(const struct vocab *, size_t n, const char *value, enum lang);

#endif
