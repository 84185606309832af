/* submission.c: the vocabulary of reports: the statuses and channels the database allows and how the console and the worker's status page name them. */
#include <string.h>

#include "submission.h"

const struct vocab submission_statuses[SUBMISSION_NSTATUSES] = {
	{ "new", "Mới", "New" },
	{ "in_review", "Đang xem xét", "In review" },
	{ "needs_info", "Cần thêm thông tin", "Needs information" },
	{ "referred", "Đã chuyển cơ quan có thẩm quyền", "Referred" },
	{ "resolved", "Đã giải quyết", "Resolved" },
	{ "spam", "Không hợp lệ (tin rác)", "Spam" },
};

const struct vocab submission_channels[SUBMISSION_NCHANNELS] = {
	{ "qr", "Mã QR", "QR code" },
	{ "phone", "Điện thoại", "Phone" },
	{ "in_person", "Trực tiếp", "In person" },
	{ "paper", "Đơn, thư (giấy)", "Paper" },
};

/* true when `value` is a status the database allows. */
bool
submission_status_valid(const char *value)
{
	return vocab_find(submission_statuses, SUBMISSION_NSTATUSES, value) != NULL;
}

/* The console's name for a status; the value itself when unknown. */
const char *
submission_status_label(const char *value, enum lang lang)
{
	return vocab_label(submission_statuses, SUBMISSION_NSTATUSES, value, lang);
}

/* What the worker's status page says of a status: spam and anything
 * unknown read as "closed", so a worker is never told their report was
 * thought to be spam. */
enum msg
submission_status_words(const char *value)
{
	static const enum msg words[SUBMISSION_NSTATUSES] = {
		MSG_STATUS_NEW,          /* new */
		MSG_STATUS_IN_REVIEW,    /* in_review */
		MSG_STATUS_NEEDS_INFO,   /* needs_info */
		MSG_STATUS_REFERRED,     /* referred */
		MSG_STATUS_RESOLVED,     /* resolved */
		MSG_STATUS_CLOSED,       /* spam */
	};
	const struct vocab *l = vocab_find(submission_statuses, SUBMISSION_NSTATUSES, value);
	return l == NULL ? MSG_STATUS_CLOSED : words[l - submission_statuses];
}

/* true for the channels an officer enters on a worker's behalf (all but qr). */
bool
submission_channel_by_officer(const char *value)
{
	const struct vocab *l = vocab_find(submission_channels, SUBMISSION_NCHANNELS, value);
	return l != NULL && l != &submission_channels[0];
}

/* The console's name for a channel; "Paper" for anything unknown, as the
 * report page always said. */
const char *
submission_channel_label(const char *value, enum lang lang)
{
	const struct vocab *l = vocab_find(submission_channels, SUBMISSION_NCHANNELS, value);
	if (l == NULL)
		l = &submission_channels[SUBMISSION_NCHANNELS - 1];
	return lang == LANG_EN ? l->en : l->vi;
}
