/* privacy.h: data-subject requests (record, move on, export, erase), shared by the console and the CLI. */
#ifndef TIENGNOI_PRIVACY_H
#define TIENGNOI_PRIVACY_H
#include <libpq-fe.h>
#include "app.h"
#include "vocab.h"

struct db;
struct keys;

#define PRIVACY_SUBJECT_MAX 500    /* characters, as sql/011 allows */
#define PRIVACY_NOTE_MAX 2000

enum privacy_result {
	PRIVACY_OK,
	PRIVACY_DB,          /* the database failed or is away */
	PRIVACY_NOT_FOUND,   /* no such request, or no report holds the receipt (in scope) */
	PRIVACY_ALREADY,     /* the request is already past that step */
	PRIVACY_HELD,        /* an open labour-dispute case holds the report */
	PRIVACY_SCOPE,       /* PostgreSQL refused: not this admin's report */
};

/* The columns of privacy_request_list(). */
enum privacy_request_col {
	REQUEST_ID, REQUEST_KIND, REQUEST_STATUS,
	REQUEST_RECEIVED,        /* YYYY-MM-DD HH24:MI (+07) */
	REQUEST_ACK_BY,          /* the day to acknowledge by */
	REQUEST_ACKNOWLEDGED,    /* the day, '-' when not */
	REQUEST_DONE,            /* the day, '-' when not */
	REQUEST_ATTENTION,       /* 'OVERDUE', 'to acknowledge' or '' */
	REQUEST_WHO,             /* 'receipt' or the subject */
	REQUEST_NOTE,
	REQUEST_BY_RECEIPT,      /* whether a receipt identifies it */
	REQUEST_UNIT,            /* the unit's name */
	REQUEST_PAST_CALENDAR,   /* whether the acknowledge-by day lies past the holiday calendar */
};

/* A request's kinds and statuses as sql/011 spells them, with their
 * labels (vocab_label() names one). */
#define PRIVACY_NKINDS 3
#define PRIVACY_NSTATUSES 4
extern const struct vocab privacy_kinds[PRIVACY_NKINDS];
extern const struct vocab privacy_statuses[PRIVACY_NSTATUSES];

bool privacy_kind_valid(const char *kind);
const char *privacy_receipt_hex(struct arena *, const struct keys *, const char *typed);
enum privacy_result privacy_report_by_receipt(struct arena *, struct db *, const char *hash_hex,
    const char **sub_id, const char **unit_id);
enum privacy_result privacy_request_add(struct arena *, struct db *, const char *kind, const char *hash_hex,
    const char *subject, const char *note, const char *unit_id, const char **id, const char **ack_by);
PGresult *privacy_request_list(struct db *, const char *only_id);
long privacy_overdue_count(struct db *);
enum privacy_result privacy_request_move(struct arena *, struct db *, const char *id, const char *verb,
    const char *note, const char **was);
const char *privacy_request_receipt(struct arena *, struct db *, const char *id);
const char *privacy_export_json(struct arena *, struct db *, const char *sub_id);
enum privacy_result privacy_hold(struct arena *, struct db *, const char *sub_id, const char **closed_on);
enum privacy_result privacy_erase(struct arena *, struct db *, const char *sub_id, const char **counts);

#endif
