/* page_admin.h: the officer console's pages (one file per family: page_admin_*.c). */
#ifndef TIENGNOI_PAGE_ADMIN_H
#define TIENGNOI_PAGE_ADMIN_H
#include "app.h"
#include "console.h"   /* the kit every console page is written with */

/* page_admin_login.c */
void page_admin_login(struct req *);
void page_admin_logout(struct req *);
/* page_admin_totp.c */
void page_admin_totp(struct req *);
void page_admin_account(struct req *);
/* page_admin_queue.c */
void page_admin_queue(struct req *);
/* page_admin_campaigns.c */
void page_admin_campaigns(struct req *);
void page_admin_campaign_add(struct req *);
void page_admin_campaign(struct req *);
void page_admin_campaign_close(struct req *);
/* page_admin_results.c */
void page_admin_results(struct req *);
void page_admin_results_post(struct req *);
/* page_admin_surveys.c */
void page_admin_surveys(struct req *);
/* A survey's results over the answers in `rows` (id, received, answers):
 * shared with the campaigns' live and frozen results. Clears `rows`. */
struct form;
void survey_results_render(struct req *, const struct form *, PGresult *rows, bool comments_counted);
/* page_admin_campaigns.c: the closed campaigns handed to a round, for its page. */
void campaign_round_results(struct req *, const char *round_id);
/* page_admin_report.c */
void page_admin_report(struct req *);
void page_admin_report_act(struct req *);
void page_admin_photo(struct req *);
void page_admin_enter(struct req *);
void page_admin_enter_save(struct req *);
/* page_admin_export.c */
void page_admin_export(struct req *);
void page_admin_export_download(struct req *);
/* page_admin_units.c */
void page_admin_units(struct req *);
void page_admin_unit_create(struct req *);
void page_admin_unit(struct req *);
void page_admin_unit_post(struct req *);
/* page_admin_workplaces.c (with the CSV import, and revoking or replacing a workplace's QR code) */
void page_admin_workplaces(struct req *);
void page_admin_workplace_create(struct req *);
void page_admin_workplace(struct req *);
void page_admin_workplace_post(struct req *);
void page_admin_workplace_import(struct req *);
void page_admin_workplace_import_post(struct req *);
void page_admin_qr_post(struct req *);
/* A fresh QR code (entry point) of a workplace in scope offering the forms
 * of `forms_json`, or a copy of entry point `copy_of`: its id, or NULL with
 * *res_out the failure (NULL: the database is away). */
const char *workplace_entry_insert(struct req *, const char *workplace_id, const char *label, const char *forms_json,
    const char *copy_of, PGresult **res_out);
/* page_admin_qr.c */
void page_admin_unit_posters(struct req *);
void page_admin_qr_poster(struct req *);
void page_admin_qr_png(struct req *);
void page_admin_qr_svg(struct req *);
/* page_admin_officers.c */
void page_admin_officers(struct req *);
void page_admin_officers_post(struct req *);
void page_admin_officer(struct req *);
void page_admin_officer_post(struct req *);
/* page_admin_audit.c */
void page_admin_audit(struct req *);
/* page_admin_cases.c: the list, one case's page, creation, and the changes posted from a case's page */
void page_admin_cases(struct req *);
void page_admin_case(struct req *);
void page_admin_case_new(struct req *);
void page_admin_case_create(struct req *);
void page_admin_case_edit(struct req *);
void page_admin_case_stage(struct req *);
void page_admin_case_link(struct req *);
void page_admin_case_totals(struct req *);
void page_admin_case_note(struct req *);
void page_admin_case_post(struct req *);
/* page_admin_case_docs.c */
void page_admin_case_upload(struct req *);
void page_admin_case_file(struct req *);
/* page_admin_brief.c */
void page_admin_brief(struct req *);
/* The brief for `args` (workplace, from, to, k, quote...) as plain text,
 * from the arena, rendered as the page shows it (small counts hidden) and
 * audited as a view, the response left untouched; NULL when the brief
 * cannot be made (arguments missing or refused, a workplace outside the
 * scope, the database away). A round keeps it frozen. */
const char *brief_freeze(struct req *, const struct kvlist *args);
/* The round form's own fields (kind, planned, held), with `v`'s values
 * and `e`'s errors (both may be NULL); page_admin_rounds.c. */
void round_form_fields(struct req *, const struct kvlist *v, const struct console_errs *e);
/* page_admin_dossier.c */
void page_admin_dossier(struct req *);
void page_admin_dossier_json(struct req *);
void page_admin_dossier_xlsx(struct req *);
/* page_admin_stats.c */
void page_admin_stats(struct req *);
void page_admin_stats_freeze(struct req *);
void page_admin_stats_indicators(struct req *);
void page_admin_dashboard(struct req *);
/* page_admin_requests.c */
void page_admin_requests(struct req *);
void page_admin_request_add(struct req *);
void page_admin_request(struct req *);
void page_admin_request_post(struct req *);
void page_admin_request_export(struct req *);
/* page_admin_agreements.c */
void page_admin_agreements(struct req *);
void page_admin_agreement_add(struct req *);
void page_admin_agreement_file(struct req *);
/* page_admin_rounds.c, page_admin_round.c */
void page_admin_rounds(struct req *);
void page_admin_round_add(struct req *);
void page_admin_round(struct req *);
void page_admin_round_edit(struct req *);
void page_admin_commitment_add(struct req *);
void page_admin_commitment_set(struct req *);
void page_admin_round_reports(struct req *);
void page_admin_round_file(struct req *);
void page_admin_commitment_file(struct req *);
/* page_admin_stoppages.c */
void page_admin_stoppages(struct req *);
void page_admin_stoppage_add(struct req *);
/* page_admin_calendar.c */
void page_admin_calendar(struct req *);
void page_admin_calendar_post(struct req *);
/* page_admin_notify.c: notification settings and address confirmation; the outbox; webhooks */
void page_admin_account_notify(struct req *);
void page_admin_account_email(struct req *);
void page_admin_outbox(struct req *);
void page_admin_outbox_post(struct req *);
void page_admin_webhooks(struct req *);
void page_admin_webhooks_post(struct req *);

/* page_admin_tokens.c */
void page_admin_tokens(struct req *);
void page_admin_token_revoke(struct req *);

#endif
