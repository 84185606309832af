/* arena.h: per-request bump allocator. */
#ifndef TIENGNOI_ARENA_H
#define TIENGNOI_ARENA_H
#include "app.h"

struct arena *arena_new(void);
void *arena_alloc(struct arena *, size_t);
char *arena_strndup(struct arena *, const char *, size_t);
char *arena_strdup(struct arena *, const char *);
char *arena_printf(struct arena *, const char *, ...) __attribute__((format(printf, 2, 3)));
void arena_reset(struct arena *);
void arena_free(struct arena *);

#endif
