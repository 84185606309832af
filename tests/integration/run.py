#!/usr/bin/env python3
"""run.py: Tiếng nói's integration suite: starts a private stack, runs every test, prints TAP.

Usage (from anywhere): tests/integration/run.py [NAME-SUBSTRING ...]
  With arguments, only the tests whose names contain one of them run.
Env: TIENGNOI_BUILD (passed on to scripts/stack.sh; also picks the CLI binary),
     TIENGNOI_IT_KEEP=1 (keep the state directory and leave the stack running, for debugging).
Exit status: 0 all passed, 1 a test failed, 2 the stack could not start, 130 interrupted.
Python standard library only; needs psql, zbarimg, runuser (as root), nginx and PostgreSQL 15.
"""
import os
import signal
import sys
import time

sys.dont_write_bytecode = True     # no __pycache__ in the repository
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import harness                        # noqa: E402
import test_abuse                     # noqa: E402
import test_agree                     # noqa: E402
import test_api                       # noqa: E402
import test_cases                     # noqa: E402
import test_case_attachments          # noqa: E402
import test_brief                     # noqa: E402
import test_cli                       # noqa: E402
import test_console_org               # noqa: E402
import test_deadlines                 # noqa: E402
import test_dossier                   # noqa: E402
import test_console_officers          # noqa: E402
import test_console_account           # noqa: E402
import test_export                    # noqa: E402
import test_exports                   # noqa: E402
import test_forms                     # noqa: E402
import test_forms_fields              # noqa: E402
import test_privacy_console           # noqa: E402
import test_notify                    # noqa: E402
import test_notify2                   # noqa: E402
import test_notify3                   # noqa: E402
import test_officer                   # noqa: E402
import test_ops                       # noqa: E402
import test_retention                 # noqa: E402
import test_rounds                    # noqa: E402
import test_scope                     # noqa: E402
import test_search2                   # noqa: E402
import test_srch                      # noqa: E402
import test_srch2                     # noqa: E402
import test_triage                    # noqa: E402
import test_stats                     # noqa: E402
import test_legal                     # noqa: E402
import test_loop                      # noqa: E402
import test_worker                    # noqa: E402
import test_ux12                      # noqa: E402
import test_ins2                      # noqa: E402
import test_tidy                      # noqa: E402
import test_idx                       # noqa: E402
import test_web                       # noqa: E402

SUITE_SECONDS = 900
# notify's rows add about 6 minutes on a busy 2-core machine (a stack of their own, the SMTP
# server down for a minute, 1,000 reports, a receiver hanging 30 s)
SUITE_SECONDS = 960
# exports: two LibreOffice conversions take 20-60 s on a busy machine
SUITE_SECONDS += 90
# agree's rows (agreements, stoppages) add about a minute, two on a busy machine
SUITE_SECONDS += 120
# rounds' rows (rounds, commitments, the frozen brief, indicators) add about a minute
# notify2's rows: a receiver hanging 30 s, a paused one's pauses (about a minute)
SUITE_SECONDS += 90
# loop's rows (stoppage reports, agreement mails on notify's stack, campaigns, results) add about
# a minute and a half, three on a busy machine
SUITE_SECONDS += 180
# ux12's rows: a stack of its own for the flood (about 30 s, a minute on a busy machine)
SUITE_SECONDS += 60

# In run order. The drain test stops the app, so it and what needs its
# aftermath (privacy: nginx's own error lines) come last.
TESTS = [
    ("GET /healthz and security headers on every kind of response", test_worker.test_healthz_and_headers),
    ("landing page per QR code, any case, scan count", test_worker.test_landing),
    ("unknown, malformed and revoked tokens give a readable 404", test_worker.test_unknown_and_revoked),
    ("every form a QR code offers can be sent from its own page", test_forms.test_every_form),
    ("a submission gives a receipt that is stored only as a hash", test_worker.test_submit),
    ("double and 32 concurrent submits store one row, same receipt", test_worker.test_double_submit),
    ("validation errors next to their fields, answers kept", test_worker.test_validation),
    ("a textarea's line breaks count once, as in the browser's maxlength", test_worker.test_textarea_line_breaks),
    ("hostile input stored verbatim and echoed escaped", test_worker.test_hostile_input),
    ("bad encodings are refused with 400, nothing stored", test_worker.test_bad_encodings),
    ("wrong content type 415, wrong method 405", test_worker.test_methods_and_types),
    ("bodies over 64 KB get 413", test_worker.test_too_large),
    ("forged and expired anti-forgery tokens get 403 with the text kept", test_worker.test_forged_and_expired),
    ("text is stored in NFC", test_worker.test_nfc),
    ("English switch: ?lang=en sticks, errors and answers in English", test_worker.test_language),
    ("unrelated cookies from the same host do not break the form", test_worker.test_foreign_cookies),
    ("PostgreSQL away: 503 with the text kept, recovery without restart", test_ops.test_database_away),
    ("a SIGKILLed worker is replaced, no request fails", test_ops.test_worker_killed),
    ("SIGHUP reloads forms, refuses broken ones", test_ops.test_forms_reload),
    ("QR PNG decodes to the upper-case URL, SVG, unknown token", test_cli.test_qr),
    ("tiengnoi-admin subcommands and exit codes", test_cli.test_cli),
    ("console scope over HTTP: another unit's reports are 404", test_scope.test_http_scope),
    ("CLI exports read back: CSV, JSON Lines, XLSX; formulas neutralised", test_export.test_cli_exports),
    ("console export streams the officer's scope only, audited", test_export.test_console_export),
    ("dialogue brief: Borda ranking, small counts hidden, quotes, scope, bad input", test_brief.test_brief),
    ("reports' routes: ids, methods and roles decided by the route table", test_brief.test_report_routes),
    ("console CSRF, idle and absolute session expiry", test_scope.test_csrf_and_session),
    ("row-level security hides other units even without WHERE", test_scope.test_rls_without_where),
    ("console_org: unit tree, create, edit, cycles refused, merge keeps reports' unit", test_console_org.test_console_org_units),
    ("console_org: workplaces, QR codes created, scanned, revoked, replaced, downloaded", test_console_org.test_console_org_workplaces_qr),
    ("console_org: CSV import names every bad line and imports all or nothing", test_console_org.test_console_org_import),
    ("console_org: A4 poster with URL, hotline and a QR code chromium draws and zbar reads", test_console_org.test_console_org_poster),
    ("console_org: scope over HTTP; re-parenting moves access at once", test_console_org.test_console_org_scope),
    ("console_org: CLI workplace import, hotlines, qr poster", test_console_org.test_console_org_cli),
    ("cases: created from a report, stages, deadlines, totals, scope, deadline panel", test_cases.test_cases),
    ("case documents: PDF byte-exact, JPEG without GPS, download headers, dossier sha256, bad input, CSRF, roles, scope, RLS",
     test_case_attachments.test_attachments),
    ("case edits: dated events old → new, deadlines recomputed, stale forms 409, checks, CSRF, roles, scope",
     test_case_attachments.test_edits),
    ("case documents leave with their case: deleted after closed_case_keep, their record kept, 410 after",
     test_case_attachments.test_retention),
    ("stats: periodic statistics per indicator, unit and ownership, presets, XLSX, scope 404, bad dates 400, audit",
     test_stats.test_stats),
    ("stats: dashboard SVG charts with tables of the same counts, scope", test_stats.test_dashboard),
    ("stats: export stats CLI (CSV, XLSX, JSON with the issue's codes) equals the console page; bad arguments exit 2",
     test_stats.test_stats_cli),
    ("stats: the fast path equals direct per-enterprise aggregates through status changes, anonymisation, purge, moves, RLS",
     test_stats.test_facts_exact),
    ("case dossier: HTML, JSON, XLSX, CLI, revealed contacts only, scope, audit", test_dossier.test_dossier),
    ("officers: an admin creates officers over HTTP; only admins reach the page", test_console_officers.test_create_and_roles),
    ("officers: bad input is 400 with values kept and errors beside fields", test_console_officers.test_bad_input),
    ("officers: a ward admin's scope; own account; two-step requirement by unit", test_console_officers.test_scope),
    ("officers: disable, enable, password reset and end sessions, all audited", test_console_officers.test_disable_reset_sessions),
    ("officers: lockout after five wrong passwords; unknown users take as long", test_console_officers.test_lockout_and_timing),
    ("officers: CSRF on the officers page; idle session goes to sign in", test_console_officers.test_csrf_and_expiry),
    ("officers: audit page and `audit verify` find an edited and a deleted row", test_console_officers.test_audit_chain),
    ("account: two-step sign-in, code replay, recovery codes, lockout", test_console_account.test_totp_login),
    ("account: password change refuses weak ones, signs out other sessions", test_console_account.test_password_change),
    ("account: CSRF on /admin/account, the second step needs its session", test_console_account.test_account_csrf),
    ("retention purge: old reports anonymised, photos after 6 months, idempotent, dry run, audited",
     test_retention.test_purge),
    ("retention purge keeps reports an open or recently closed case needs", test_retention.test_purge_case_holds),
    ("data-subject requests: add, list with the ack day, ack, done, export, delete, bad input",
     test_retention.test_requests),
    ("requests page: record, ack, done, refuse, see, download, correct, delete, overdue, audited",
     test_privacy_console.test_requests_console),
    ("requests page: empty, malformed, unknown, huge, non-UTF-8, hostile input; CSRF; nothing stored",
     test_privacy_console.test_requests_bad_input),
    ("requests page: officers and viewers 403, another province 404, PostgreSQL refuses too",
     test_privacy_console.test_requests_roles_and_scope),
    ("calendar page: holidays and legal deadlines change computed deadlines; warning past the calendar; audited",
     test_privacy_console.test_calendar_console),
    ("calendar page: bad dates and numbers 400, hostile text escaped, roles refused by the app and PostgreSQL",
     test_privacy_console.test_calendar_bad_input_and_roles),
    ("holiday list|add|remove and request add --unit in the CLI", test_privacy_console.test_calendar_cli),
    # stats: issue 11, figures per enterprise, claimed and verified, freezing, the indicator set as data
    ("stats: five reports of one 500 million debt count one enterprise, 500,000,000 đ, ≥51 workers; verified beside claimed",
     test_stats.test_stats_per_enterprise),
    ("stats: freezing a period (console and CLI) keeps it through a re-parent and an anonymisation; refusals; audited",
     test_stats.test_stats_freeze),
    ("stats: indicators hidden, reordered, rules changed; a rule that does not parse is refused by name",
     test_stats.test_stats_indicators),
    # deadlines: legal deadlines that match the law (issue 11 part 2)
    ("deadlines: every legal_deadline row gives its date, with article and clause", test_deadlines.test_legal_rows),
    ("deadlines: errors E1-E7 corrected (clause, panel date, rights/interest, exempt subjects, SI and wage bases)",
     test_deadlines.test_legal_errors),
    ("deadlines: the CLI's what-if equals the case page; bad arguments exit 2 naming them", test_deadlines.test_deadlines_cli),
    ("deadlines: swapped working days in the calendar, CLI and console", test_deadlines.test_swapped_days),
    ("deadlines: the case form's kind, subject, dates, member, union role, money recovered", test_deadlines.test_case_fields),
    ("deadlines: overdue deadlines stay in the panel with 'quá hạn N ngày'", test_deadlines.test_overdue_panel),
    # forms: version 2's questions, stored, refused, in the console and exports; old reports keep version 1
    ("forms: new questions stored; empty, hostile, huge and bad values refused beside the field",
     test_forms_fields.test_new_fields),
    ("forms: every form asks, optionally, whether the worker is a member and wants to join",
     test_forms_fields.test_union_questions),
    ("forms: the review's Vietnamese wording on every worker form", test_forms_fields.test_wording),
    ("forms: old reports keep version 1's labels; new questions in the report page and exports",
     test_forms_fields.test_versions_console_exports),
    # worker: issue 12, the worker side
    ("a reused idempotency key with another text is refused, text kept; receipts bound to content",
     test_worker.test_receipt_bound_to_content),
    ("the union hotline (inherited) and 115/114 are tel: links on landing, receipts, urgent advice",
     test_worker.test_hotline_shown),
    # notify: mails and webhooks from the outbox (a stack of their own with an SMTP server on loopback)
    ("notify: urgent report mailed within 60 s to officers in scope, no worker text", test_notify.test_urgent_mail),
    ("notify: first line only where allowed and never for an anonymous report", test_notify.test_first_line_allowed),
    ("notify: daily digest counts by workplace and form, replies, deadlines overdue first", test_notify.test_digest),
    ("notify: deadline reminders by the working-day calendar, and on the day", test_notify.test_reminder_dates),
    ("notify: worker replied notice to the assigned officer", test_notify.test_worker_replied),
    ("notify: SMTP down a minute, then every mail once", test_notify.test_smtp_down),
    ("notify: signed webhooks, wrong secret, receiver down then up, 500s retried", test_notify.test_webhooks),
    ("notify: a hanging webhook receiver slows neither reports nor mail", test_notify.test_webhook_slow_receiver),
    ("notify: 1,000 reports give 1,000 webhook deliveries, each event once", test_notify.test_webhook_thousand),
    ("notify: bad addresses, URLs, events, secrets refused naming the argument", test_notify.test_bad_input),
    ("notify: console settings, address confirmation link, outbox and webhooks pages", test_notify.test_console),
    ("notify: an admin sets another officer's e-mail on the officer page; bad or hostile input beside the field",
     test_notify.test_admin_sets_email),
    # api: the read API (/api/v1/), its tokens and their console page; the last row starts a stack of its own
    ("api: api-token create|list|revoke: shown once, stored as sha256, bad arguments exit 2", test_api.test_tokens_cli),
    ("api: /submissions valid against docs/api.yaml, keyset pages walk every row once, filters as SQL, no contact details",
     test_api.test_submissions),
    ("api: /cases and /stats valid against docs/api.yaml, scope, the CLI's statistics", test_api.test_cases_and_stats),
    ("api: scope as the token's officer at call time: 404 outside, moved or disabled officers, RLS",
     test_api.test_scope_and_officer_changes),
    ("api: bad, expired, revoked tokens 401; bad filters 400 naming them; hostile query input; JSON 404/405",
     test_api.test_bad_tokens_and_input),
    ("api: one audit row per call, never the token", test_api.test_audit),
    ("api: /admin/tokens lists what the officer may see, revokes with CSRF, audited", test_api.test_console_tokens),
    ("api: 120 calls a minute per token, then 429 with Retry-After (own stack, limits on)", test_api.test_rate_limit),
    ("month lists as a from/to range stored as months (old lists too); required choices are required",
     test_worker.test_month_range_and_required),
    ("invalid posts cannot silence a QR code; valid floods stored flagged; scans batched and capped",
     test_abuse.test_invalid_flood_cannot_silence),
    ("nginx: per-client report and read limits; a dead app's worker page says not sent, press Back",
     test_abuse.test_nginx_worker_limits),
    # officer: issue 12, the officer side (sign-in lockout and login CSRF, bad filter input, the report page)
    ("officer: a stranger's wrong passwords do not lock the officer's own browser", test_officer.test_known_browser_lockout),
    ("officer: the sign-in form's token is bound to the browser's cookie (login CSRF)", test_officer.test_login_csrf),
    ("officer: bad queue filters are 400 naming the filter; % and _ in the search are literal", test_officer.test_queue_bad_filters),
    ("officer: a bad export date is 400 naming it; an export cut by the database fails visibly", test_officer.test_export_bad_input_and_cut),
    ("officer: a report lists its cases; a second case needs confirming; the timeline in Vietnamese", test_officer.test_one_report_cases),
    ("officer: revealed contact details are labelled fields with a tel: link and copy buttons", test_officer.test_contact_fields),
    ("officer: the CLI's QR addresses use the running stack's PORT (run/base_url)", test_officer.test_cli_base_url),
    # legal: issue 11's reply time, arrival-unit counting on the dashboard and brief, dossier facts, Decree 145
    ("legal: a unit's reply time (CLI and console), inherited down the tree; bad values refused, nothing stored", test_legal.test_reply_days_setting),
    ("legal: answered in time and median working days to reply, across a weekend, a holiday and a swapped day", test_legal.test_answered_in_time),
    ("legal: after a move and a re-parent the dashboard and the brief count reports under the unit they arrived at", test_legal.test_reparent_dashboard_brief),
    ("legal: the dossier shows the case facts, recorded dates and what each deadline counts from (HTML, JSON, XLSX)", test_legal.test_dossier_case_facts),
    ("legal: the periodic dialogue deadline cites Decree 145/2020 beside Bộ luật Lao động Điều 63", test_legal.test_dialogue_decree),
    # exports: Vietnamese columns and answers in CSV/XLSX, codes in JSON Lines and "Mã", opened by LibreOffice
    ("exports: Vietnamese headers and answers in CSV and XLSX, codes in JSON Lines and the Mã sheet, hostile text inert",
     test_exports.test_vietnamese_columns),
    ("exports: LibreOffice opens the CSV and the XLSX; Vietnamese and hostile text survive", test_exports.test_libreoffice_opens),
    # triage: issue 12 items 10 and 11 (survey answers out of the queue, urgent new first, survey results view)
    ("triage: queue and API leave survey answers out, urgent new first on every page; marking urgent, audited",
     test_triage.test_queue_order_and_surveys),
    ("triage: survey results per workplace and period: counts, shares, Borda ranking, comments, scope, bad filters 400",
     test_triage.test_survey_results),
    # agree: the register of collective agreements (issue 14): CLI, console with its PDF, scope, panel, indicators
    ("agree: agreement add|list: stored byte-exact, bad arguments exit 2 naming them, nothing stored", test_agree.test_agreement_cli),
    ("agree: /admin/agreements: PDF, errors beside fields with values kept, scope 404 and RLS, the panel",
     test_agree.test_agreement_console),
    ("agree: agreements.* indicators give their figures on their dates", test_agree.test_agreement_stats),
    ("agree: /admin/stoppages: recorded, going on first and in the panel, errors beside fields, scope and RLS",
     test_agree.test_stoppage_console),
    ("agree: stoppages.* indicators give their figures for their periods", test_agree.test_stoppage_stats),
    # rounds: dialogue and bargaining rounds, the employer's commitments (issue 14 part c): CLI, console, brief, panel, indicators
    ("rounds: round add|list, commitment add|set: stored as given, bad arguments exit 2 naming them, nothing stored",
     test_rounds.test_round_cli),
    ("rounds: /admin/rounds: details and PDFs, commitments done or broken, reports linked, errors beside fields, scope 404 and RLS, "
     "the panel's overdue commitment", test_rounds.test_round_console),
    ("rounds: a round started from the brief keeps its text frozen and links the brief's reports", test_rounds.test_round_brief),
    ("rounds: dialogues.held, bargaining.rounds, commitments.* give their figures for their periods", test_rounds.test_round_stats),
    # loop: issue 14, the worker-facing side: stoppage reports, agreement expiry mail, survey campaigns, results
    ("loop: a worker's stoppage report: offered, urgent, first in the queue, mailed; bad answers refused",
     test_loop.test_stoppage_report),
    ("loop: an officer records the stoppage from the report, prefilled, once; 404 outside the scope",
     test_loop.test_stoppage_from_report),
    ("loop: agreement expiry mails 90 days before and on the day, once, in scope (SMTP)", test_loop.test_agreement_reminders),
    ("loop: survey campaigns: QR code, posters, target from headcount, live rate, closed and frozen, bad input, scope",
     test_loop.test_campaigns),
    # notify2: slow and dead webhook receivers isolated, urgent first (test_notify's stack)
    ("notify2: an urgent report reaches a working receiver within 10 s past a hanging one's 3,000-row backlog",
     test_notify2.test_urgent_past_backlog),
    ("notify2: a paused receiver's events kept aside, then each report delivered exactly once",
     test_notify2.test_paused_kept_aside),
    ("notify2: kept events and range reports past the retry window fail saying why; a removed webhook's are dropped",
     test_notify2.test_kept_expire_and_removed),
    ("notify2: a report queues an event only when a webhook in scope wants it (urgent ones always)",
     test_notify2.test_event_only_when_wanted),
    ("notify2: a report marked urgent before or after the sender queues it: one urgent event",
     test_notify2.test_urgent_once),
    ("notify2: reports while a receiver fails, answers, fails during its catch-up, answers: each delivered once",
     test_notify2.test_range_exactly_once),
    # search2: issue 12 item 16, the accent-free search by syllables (sql/048, 049)
    ("search2: accents, phrase order, a syllable being typed, line breaks, % and _ literal, scope in console, counts and API q=",
     test_search2.test_search_syllables),
    ("search2: a phrase in over 5,000 reports: queue order, next page, counts 100+, status filter, scope",
     test_search2.test_search_common_phrase),
    # ux12: issue 12's last small items (flood flag seen by officers, receipt PNG without script, CSV in LibreOffice)
    ("ux12: a report sent during a flood is stored, flagged in the queue and on its page, and filterable (own stack)",
     test_ux12.test_flood_flag_visible),
    ("loop: what the union did: k >= 5 lines previewed, approved, shown to workers as approved, withdrawn; the receipt's round",
     test_loop.test_results),
    ("ux12: exports by workplace; a 20-digit, malformed or foreign workplace is 400 naming it", test_ux12.test_export_workplace),
    ("ux12: the receipt picture is drawn when the worker asks (a form post), not with every report; bad codes 400",
     test_ux12.test_receipt_png),
    # tidy: issue 12's review of the worker path (published results cached with the entry point, one form reader)
    ("tidy: landing pages read the published results from the entry cache; approval and withdrawal show at once, SQL within 60 s",
     test_tidy.test_landing_results_cached),
    ("tidy: the receipt picture through req_form(): zbarimg reads it; empty, malformed, non-UTF-8, huge, hostile 400",
     test_tidy.test_receipt_png_reader),
    # notify3: admins see a paused receiver's kept-aside events (sql/054)
    ("notify3: a dead receiver's kept events shown on /admin/outbox and in webhook list, then 0 and each delivered once",
     test_notify3.test_kept_shown),
    ("notify3: a webhook's stored URL, unit name and error escaped on the page, one line in the CLI",
     test_notify3.test_hostile_text),
    # srch: issue 12 item 16, the search's flood filter, counts in one pass, bad queries (sql/050)
    ("srch: search + flood keeps to flood reports; counts per status equal a LIKE count, past the newest 3,000 too",
     test_srch.test_flood_and_counts),
    ("srch: % and _ literal, empty, over 200 characters, non-UTF-8 (400) and hostile searches exact",
     test_srch.test_literal_and_bad_queries),
    # ins2: issue 12 item 18, a report's lighter INSERT (sql/057): parents never deleted, one POST's log row
    ("ins2: deleting, truncating or renumbering a workplace, unit or QR code is refused; every report's parents exist",
     test_ins2.test_parents_kept),
    ("ins2: one POST names its QR code's workplace and unit, writes no statistics-log row, counts once folded or not",
     test_ins2.test_one_post_writes),
    ("ins2: the statistics log's trigger body: nothing for a new report; update -1/+1, delete -1, figures' keys only, by id",
     test_ins2.test_log_one_body),
    ("ins2: one trigger holds a report's rules, status and search text: each broken rule refused by name, nothing stored",
     test_ins2.test_row_rules),
    ("ins2: a long write holding the reports' table: reports taken at once, sealed, folded and queued after it",
     test_ins2.test_seal_under_long_write),
    ("ins2: the sender's functions never compile (jit = off): the statistics fold with every JIT threshold at 0",
     test_ins2.test_sender_no_jit),
    # srch2: issue 12 item 16, the search's counts workplace by workplace, the index read once (sql/055)
    ("srch2: the counts' statuses are the ones a report's row rules allow, in their order", test_srch2.test_statuses_from_the_check),
    ("srch2: past 3,000 candidates and with a few, behind 3,200 newer reports: rows and counts equal a LIKE",
     test_srch2.test_counts_past_the_few),
    # idx: issue 12 item 18, submission_workplace_time_idx dropped, its readers on the queue index (sql/060)
    ("idx: the workplace time index is gone; brief candidates, a round's brief link, survey answers, a workplace's search = plain queries",
     test_idx.test_index_gone_same_rows),
    # web: issue 12 item 18, the worker's POST costs less outside PostgreSQL: same receipts, same stored text
    ("web: receipts unchanged by one JSON text for digest and INSERT; a report stored the old way keeps its receipt",
     test_web.test_receipt_unchanged),
    ("web: NFC quick check: precomposed text kept byte for byte, anything composable still composed",
     test_web.test_nfc_quick_check),
    ("SIGTERM lets an in-flight request finish, then everything exits", test_ops.test_sigterm_drain),
    ("no client address or worker path in logs, none stored", test_ops.test_privacy),
    ("app.log shows no crash or sanitizer report", test_ops.test_app_log_clean),
    ("security headers on every response of the run", test_ops.test_headers_everywhere),
    # these start stacks of their own, with rate limits on
    ("in-app limits: flood on one QR code, one key, one receipt; honeypot", test_abuse.test_app_limits),
    ("nginx limits POST bursts with a readable 429 page", test_abuse.test_nginx_limits),
]


class _NoStack(Exception):
    pass


def _interrupt(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


def _timeout(signum, frame):
    raise harness.SuiteTimeout()


def main(argv):
    chosen = [(n, f) for n, f in TESTS if not argv[1:] or any(a in n or a in f.__name__ for a in argv[1:])]
    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGHUP, _interrupt)
    signal.signal(signal.SIGALRM, _timeout)
    keep = os.environ.get("TIENGNOI_IT_KEEP") == "1"
    tap = harness.Tap(len(chosen))
    stack = None
    status = 0
    t0 = time.monotonic()
    signal.alarm(SUITE_SECONDS)
    try:
        for attempt in (1, 2):
            stack = harness.Stack()
            print(f"# state {stack.var}, http://127.0.0.1:{stack.port}/, WORKERS=3"
                  + (f", TIENGNOI_BUILD={os.environ['TIENGNOI_BUILD']}" if os.environ.get("TIENGNOI_BUILD") else ""),
                  flush=True)
            try:
                stack.start()
                break
            except (harness.StackError, OSError, harness.subprocess.TimeoutExpired) as e:
                if attempt == 1 and "already in use" in str(e):     # the free port was taken meanwhile
                    stack.stop()
                    stack = None
                    continue
                tap.fail_all([n for n, _ in chosen], f"the stack did not start: {e}")
                status = 2
                raise _NoStack()
        sup = stack.app_pid()
        print(f"# app {os.readlink(f'/proc/{sup}/exe') if sup and harness.alive(sup) else '?'} (pid {sup}), "
              f"cli {stack.admin_src}", flush=True)
        done = 0
        try:
            for name, fn in chosen:
                tap.run(name, fn, stack)
                done += 1
        except harness.SuiteTimeout:
            tap.fail_all([n for n, _ in chosen[done + 1:]], f"not run: the suite's {SUITE_SECONDS} s limit passed")
        status = 1 if tap.failed else 0
    except _NoStack:
        pass
    except KeyboardInterrupt:
        print("# interrupted", flush=True)
        status = 130
    except harness.SuiteTimeout:
        print(f"# the suite's {SUITE_SECONDS} s limit passed", flush=True)
        tap.fail_all([n for n, _ in chosen[tap.n:]], "not run: time limit")
        status = 1
    finally:
        signal.alarm(0)
        for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(s, signal.SIG_IGN)
        if stack is not None:
            if keep:
                print(f"# TIENGNOI_IT_KEEP=1: stack left running, state in {stack.var}; stop it with "
                      f"TIENGNOI_VAR={stack.var} scripts/stack.sh stop", flush=True)
            else:
                out = stack.stop()
                if "stopped" not in out:
                    print("# stack.sh stop: " + out.strip().replace("\n", "\n# "), flush=True)
        print(f"# {time.monotonic() - t0:.1f} s", flush=True)
    tap.summary()
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv))
