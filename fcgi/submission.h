/* submission.h: the vocabulary of reports (statuses and channels), one table each for the console, the worker's status page and the statistics. */
#ifndef TIENGNOI_SUBMISSION_H
#define TIENGNOI_SUBMISSION_H
#include <stdbool.h>
#include <stddef.h>

#include "app.h"
#include "i18n.h"
#include "vocab.h"

/* A value as sql/'s CHECK constraints spell it, with its console labels:
 * a vocab row (the old name stays for the pages that still say it). */
#define submission_label vocab

#define SUBMISSION_NSTATUSES 6
#define SUBMISSION_NCHANNELS 4
/* In workflow order: new first, spam last. */
extern const struct submission_label submission_statuses[SUBMISSION_NSTATUSES];
/* qr first (the worker's own way in), then the ways an officer takes a report. */
extern const struct submission_label submission_channels[SUBMISSION_NCHANNELS];

bool submission_status_valid(const char *value);
const char *submission_status_label(const char *value, enum lang);
enum msg submission_status_words(const char *value);
bool submission_channel_by_officer(const char *value);
const char *submission_channel_label(const char *value, enum lang);

#endif
