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
import test_cases                     # noqa: E402
import test_case_attachments          # noqa: E402
import test_brief                     # noqa: E402
import test_cli                       # noqa: E402
import test_console_org               # noqa: E402
import test_dossier                   # noqa: E402
import test_console_officers          # noqa: E402
import test_console_account           # noqa: E402
import test_export                    # noqa: E402
import test_forms                     # noqa: E402
import test_privacy_console           # noqa: E402
import test_officer                   # noqa: E402
import test_ops                       # noqa: E402
import test_retention                 # noqa: E402
import test_scope                     # noqa: E402
import test_stats                     # noqa: E402
import test_worker                    # noqa: E402

SUITE_SECONDS = 480

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
    ("stats: periodic statistics per unit, XLSX, scope 404, bad dates 400, audit", test_stats.test_stats),
    ("stats: dashboard SVG charts with tables of the same counts, scope", test_stats.test_dashboard),
    ("stats: export stats CLI (CSV, XLSX, JSON) equals the console page; bad arguments exit 2", test_stats.test_stats_cli),
    ("stats: the fast path's facts equal direct aggregates through status changes, anonymisation, purge, moves, RLS",
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
    # officer: issue 12, the officer side (sign-in lockout and login CSRF, bad filter input, the report page)
    ("officer: a stranger's wrong passwords do not lock the officer's own browser", test_officer.test_known_browser_lockout),
    ("officer: the sign-in form's token is bound to the browser's cookie (login CSRF)", test_officer.test_login_csrf),
    ("officer: bad queue filters are 400 naming the filter; % and _ in the search are literal", test_officer.test_queue_bad_filters),
    ("officer: a bad export date is 400 naming it; an export cut by the database fails visibly", test_officer.test_export_bad_input_and_cut),
    ("officer: a report lists its cases; a second case needs confirming; the timeline in Vietnamese", test_officer.test_one_report_cases),
    ("officer: revealed contact details are labelled fields with a tel: link and copy buttons", test_officer.test_contact_fields),
    ("officer: the CLI's QR addresses use the running stack's PORT (run/base_url)", test_officer.test_cli_base_url),
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
