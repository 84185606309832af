#!/usr/bin/env python3
"""upgrade.py: the previous release, with data in it, upgraded to this tree: nothing lost; prints TAP.

The release named in tests/production/previous-release is built from git
(`git archive COMMIT`, make -j2) and its own scripts/stack.sh runs it on a fresh
TIENGNOI_VAR: demo data, reports through nginx, an officer (CLI), a case and
status changes (console), all of them audit rows. Every table's rows are
summed up (a checksum of each row over the columns the old release had), the old
stack stops, this tree is installed the way a server gets it (`make install`
with every path under a temporary prefix, so the installed flavour with its
compiled-in /etc-style paths is what runs), and the installed tiengnoi-admin
(migrations) and tiengnoi.fcgi start on the same state directory, reading
their installed tiengnoi.conf; then the sums must be the same, the audit chain must verify up to the old
release's newest hash, and an old receipt must still open /status.
Bounded (a few minutes with the build), loopback only; stops what it started.
"""
import collections
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import prodlib  # noqa: E402
from prodlib import Stop, harness, run  # noqa: E402

ROOT = prodlib.ROOT
PLAN = [
    "the previous release builds from git (make -j2)",
    "the previous release's stack starts with its demo data",
    "data added to the old release: reports, an officer, a case, status changes, audit rows",
    "this tree installed by make install (PREFIX=...) starts on the old state directory; every migration applied",
    "every row of every table the old release had is still there, unchanged (a checksum a row)",
    "tiengnoi-admin audit verify passes and still finds the old release's newest hash",
    "a receipt from before the upgrade opens /status; an officer from before signs in",
    "the upgraded service takes new reports",
    "the statistics' facts after the upgrade equal a direct computation over every report (sums, log, unfolded)",
]
# What the pages read (sums, the log, the reports not yet folded) and the same straight from the reports, per key.
FACTS_SAME = """
SELECT (SELECT coalesce(json_agg(x ORDER BY x::text), '[]') FROM (
          SELECT workplace_id, unit_id, day, form_id, channel, fact, sum(n) AS n, sum(v) AS v FROM submission_fact_all
          GROUP BY 1, 2, 3, 4, 5, 6 HAVING sum(n) <> 0 OR sum(v) <> 0) x)::text
     = (SELECT coalesce(json_agg(x ORDER BY x::text), '[]') FROM (
          SELECT s.workplace_id, s.unit_id, (s.received_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date AS day, s.form_id,
                 s.channel, f.fact, sum(f.n) AS n, sum(f.v) AS v
            FROM submission s CROSS JOIN LATERAL submission_facts(s.form_id, s.status, s.urgent, s.answers) f
           GROUP BY 1, 2, 3, 4, 5, 6 HAVING sum(f.n) <> 0 OR sum(f.v) <> 0) x)::text
"""
# The tables compared, each by the columns the old release had, in primary-key order.
TABLES = ["submission", "attachment", "message", "note", "dispute_case", "case_submission", "case_event",
          "officer", "audit_log", "org_unit", "workplace", "entry_point", "form_version", "retention_policy",
          "subject_request", "holiday"]


def previous_release():
    for line in (ROOT / "tests" / "production" / "previous-release").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            tag, commit = line.split()
            return tag, commit
    raise Stop("tests/production/previous-release names no release")


def summary(stack, columns=None):
    """{table: sorted md5s of its rows' chosen columns} (or a string saying what is missing) and the columns used."""
    have = {r["table_name"]: r["cols"] for r in stack.rows(
        "SELECT table_name, array_agg(column_name::text ORDER BY ordinal_position) AS cols "
        "FROM information_schema.columns WHERE table_schema = 'public' GROUP BY table_name")}
    cols = columns or {t: have[t] for t in TABLES if t in have}
    out = {}
    for t, cs in cols.items():
        if t not in have:
            out[t] = "table missing"
            continue
        missing = [c for c in cs if c not in have[t]]
        if missing:
            out[t] = f"columns missing: {missing}"
            continue
        row = "(" + ", ".join(INTENDED.get((t, c), f'"{c}"') for c in cs) + ")"
        out[t] = sorted(r["h"] for r in stack.rows(f'SELECT md5({row}::text) AS h FROM "{t}"'))
    return out, cols


# What a migration changes in old rows on purpose, compared through an expression that undoes
# just that change (on both sides, so any other change still shows): sql/046_loop.sql offers
# the worker's stoppage report on every QR code that offers the concern form.
INTENDED = {("entry_point", "forms"): "array_remove(\"forms\", 'stoppage')"}


def lost(before, after):
    """What of each old table is not in the new one: every old row must still be there,
    unchanged (a migration may add rows: the new forms' versions, a holiday)."""
    out = {}
    for t, rows in before.items():
        now = after.get(t)
        if isinstance(rows, str) or isinstance(now, str) or now is None:
            out[t] = f"before {rows if isinstance(rows, str) else len(rows)} rows, after {now if not isinstance(now, list) else len(now)}"
            continue
        gone = collections.Counter(rows) - collections.Counter(now)
        if gone:
            out[t] = f"{sum(gone.values())} of {len(rows)} old rows changed or gone"
    return out


def main():
    os.environ.pop("TIENGNOI_BUILD", None)
    tap = prodlib.Tap(PLAN)
    prodlib.bound(780)
    t0 = time.monotonic()
    top = prodlib.make_tmp("tn-upgrade-")
    stack = None
    old_running = False
    try:
        tag, commit = previous_release()
        old = top / "release"
        old.mkdir()
        os.chmod(old, 0o755)
        if run(["git", "-C", ROOT, "cat-file", "-e", commit + "^{commit}"], check=False).returncode != 0:
            raise Stop(f"commit {commit} ({tag}) is not in this clone: fetch the full history (git fetch --unshallow)")
        archive = subprocess.Popen(["git", "-C", str(ROOT), "archive", commit], stdout=subprocess.PIPE)
        run(["tar", "-x", "-C", old], stdin=archive.stdout)
        archive.stdout.close()
        if archive.wait(timeout=60) != 0:
            raise Stop("git archive failed")
        b0 = time.monotonic()
        # -O0: only the test runs it, and it compiles in half the time
        p = run(["make", "-s", "-C", old, "-j2", "CFLAGS=-O0", "all"], check=False, timeout=600)
        tap.ok(p.returncode == 0, PLAN[0], (p.stdout + p.stderr).decode(errors="replace")[-2000:])
        tap.note(f"{tag} ({commit[:10]}) built in {time.monotonic() - b0:.0f} s")
        if p.returncode != 0:
            raise Stop("the old release does not build")

        # the old release runs on a fresh state directory, with its own forms and CLI
        stack = harness.Stack(env_extra={"TIENGNOI_FORMS_DIR": str(old / "forms")})
        stack.admin_bin = old / "build" / "tiengnoi-admin"
        old_running = True
        stack.started = True
        p = run([old / "scripts" / "stack.sh", "start"], env=stack.stack_env(), cwd=old, check=False, timeout=240)
        if p.returncode == 0:
            for line in stack.admin("qr", "list").stdout.decode().splitlines():
                url, _, rest = line.partition("\t")
                stack.demo.append((url.rsplit("/", 1)[-1], rest, ""))
        tap.ok(p.returncode == 0 and len(stack.demo) >= 2, PLAN[1],
               (p.stdout + p.stderr).decode(errors="replace")[-2000:])
        if not stack.demo:
            raise Stop("the old stack did not start")

        # data, through the old release's own ways in
        receipts = []
        for i in range(20):
            token = stack.demo[i % len(stack.demo)][0]
            receipts.append(prodlib.post_report(stack, token, f"Phản ánh trước khi nâng cấp số {i + 1}: nợ lương.")[0])
        pw = "Nâng-cấp-" + os.urandom(6).hex()
        p = stack.admin("officer", "add", "--username", "upgrade.officer", "--unit", "CD-TANPHONG",
                        "--role", "officer", "--name", "Cán bộ trước nâng cấp", input=pw.encode())
        logins = harness.demo_logins(stack)
        c = harness.console_login(stack, "demo.tinh", logins.get("demo.tinh", ""))
        subs = [r["id"] for r in stack.rows("SELECT s.id FROM submission s JOIN workplace w ON w.id = s.workplace_id "
                                           "WHERE w.name LIKE '%Tân Phong%' ORDER BY s.id")]
        case = None
        if c.cookie and len(subs) >= 2:
            c.get(f"/admin/cases/new?from={subs[0]}")
            r = c.post("/admin/cases/new", [("from", subs[0]), ("title", "Nợ lương trước nâng cấp"),
                                            ("kind", "wage_arrears"), ("scope", "collective"),
                                            ("violation_known_on", "2026-03-10")])
            m = re.search(r"/admin/cases/(\d+)$", r.header("Location") or "")
            if m:
                case = m.group(1)
                c.get(f"/admin/cases/{case}")
                c.post(f"/admin/cases/{case}", [("action", "link"), ("submission", subs[1])])
            for sid, st in ((subs[0], "in_review"), (subs[-1], "resolved")):
                c.get(f"/admin/s/{sid}")
                c.post(f"/admin/s/{sid}", [("action", "status"), ("status", st)])
        c2 = harness.console_login(stack, "upgrade.officer", pw)
        counts = stack.rows("SELECT (SELECT count(*) FROM dispute_case) AS cases, "
                            "(SELECT count(*) FROM case_submission) AS links, "
                            "(SELECT count(*) FROM officer WHERE username = 'upgrade.officer') AS officers, "
                            "(SELECT count(*) FROM audit_log) AS audit, (SELECT count(*) FROM submission) AS reports, "
                            "(SELECT count(*) FROM submission WHERE status <> 'new') AS handled")[0]
        tap.ok(p.returncode == 0 and case and c2.cookie and counts["cases"] >= 1 and counts["links"] >= 2
               and counts["audit"] >= 5 and counts["reports"] >= 20 and counts["handled"] >= 2, PLAN[2],
               f"officer add exit {p.returncode} {p.stderr!r}; case {case}; officer signs in: {bool(c2.cookie)}; {counts}")
        tap.note(f"before the upgrade: {counts}")
        before, cols = summary(stack)
        ok, old_verify = prodlib.audit_verify(stack)
        m = re.search(r"hash ([0-9a-f]{64})", old_verify)
        old_hash = m.group(1) if m else None
        if not ok or not old_hash:
            raise Stop(f"the old release's own audit verify: {old_verify}")

        run([old / "scripts" / "stack.sh", "stop"], env=stack.stack_env(), cwd=old, timeout=120)
        old_running = False

        # this tree, installed the way a server gets it: make install with
        # every path under a prefix, then its tiengnoi.conf names the database
        # and the keys of the old state directory
        inst = top / "inst"
        i0 = time.monotonic()
        p = run(["make", "-s", "-C", ROOT, "-j2", "install", f"RELEASE={top}/release-build", f"PREFIX={inst}/usr",
                 f"SYSCONFDIR={inst}/etc", f"LOCALSTATEDIR={inst}/var", f"RUNSTATEDIR={inst}/run",
                 f"UNITDIR={inst}/lib/systemd/system"], check=False, timeout=600)
        if p.returncode != 0:
            raise Stop("make install: " + (p.stdout + p.stderr).decode(errors="replace")[-1500:])
        tap.note(f"make install (installed flavour, prefix {inst}): {time.monotonic() - i0:.0f} s")
        var = stack.var
        (inst / "etc" / "tiengnoi" / "tiengnoi.conf").write_text(
            "# written by tests/production/upgrade.py: the old release's state directory\n"
            f"database = host={var}/run dbname=tiengnoi user=tiengnoi_app connect_timeout=3\n"
            f"database_owner = host={var}/run dbname=tiengnoi user=tiengnoi connect_timeout=3\n"
            f"base_url = {stack.base}\n"
            f"secrets_dir = {var}/secrets\n"
            f"state_dir = {var}\n")
        bindir = top / "inst-bin"   # where scripts/stack.sh looks for the three programs
        bindir.mkdir()
        (bindir / "tiengnoi.fcgi").symlink_to(inst / "usr" / "lib" / "tiengnoi" / "tiengnoi.fcgi")
        (bindir / "tiengnoi-admin").symlink_to(inst / "usr" / "bin" / "tiengnoi-admin")
        (bindir / "tiengnoi-sender").symlink_to(inst / "usr" / "lib" / "tiengnoi" / "tiengnoi-sender")
        for d in (top, inst, inst / "usr", inst / "usr" / "lib", inst / "usr" / "lib" / "tiengnoi", inst / "usr" / "bin",
                  inst / "usr" / "share", inst / "usr" / "share" / "tiengnoi", inst / "etc", inst / "etc" / "tiengnoi",
                  bindir):
            os.chmod(d, os.stat(d).st_mode | 0o055)   # the app runs as postgres: it reads these
        u0 = time.monotonic()
        stack.env_extra = {"TIENGNOI_BUILD": str(bindir)}
        stack.admin_bin = stack.admin_src = bindir / "tiengnoi-admin"
        stack.demo = []
        stack.start()
        tap.note(f"upgrade (stop, the installed programs start with their migrations): {time.monotonic() - u0:.1f} s")
        applied = set(stack.psql("SELECT name FROM schema_migration").split())
        files = {f.name for f in (ROOT / "sql").glob("[0-9][0-9][0-9]_*.sql")}
        tap.ok(files <= applied or {f[:-4] for f in files} <= applied, PLAN[3],
               f"not applied: {sorted(files - applied)}; recorded {sorted(applied)[:5]}…")

        after, _ = summary(stack, cols)
        diff = lost(before, after)
        tap.ok(not diff and len(before) >= 10, PLAN[4],
               "\n".join(f"{t}: {d}" for t, d in diff.items()) or f"only {len(before)} tables")

        ok, out = prodlib.audit_verify(stack)
        p = stack.admin("audit", "verify", "--anchor", old_hash, timeout=120)
        tap.ok(ok and p.returncode == 0, PLAN[5], f"{out}\n--anchor {old_hash}: exit {p.returncode} "
               f"{(p.stdout + p.stderr).decode(errors='replace')}")

        codes = [prodlib.status_lookup(stack, rc) for rc in receipts[:3]]
        c3 = harness.console_login(stack, "upgrade.officer", pw)
        tap.ok(codes == [200] * 3 and c3.cookie, PLAN[6], f"/status: {codes}; officer signs in: {bool(c3.cookie)}")

        same_before_fold = stack.value(FACTS_SAME)   # before the sender's first fold, or just after: both exact
        rc, idem = prodlib.post_report(stack, stack.demo[0][0], "Phản ánh sau khi nâng cấp.")
        tap.ok(stack.count_idem(idem) == 1 and prodlib.status_lookup(stack, rc) == 200, PLAN[7])
        stack.psql("SELECT submission_seal();")
        stack.psql("SELECT submission_fact_compact();")
        reports = stack.value("SELECT count(*) FROM submission")
        tap.ok(same_before_fold is True and stack.value(FACTS_SAME) is True and reports > 0, PLAN[8],
               f"equal before the fold: {same_before_fold}; after: {stack.value(FACTS_SAME)}; {reports} reports")
        tap.note(f"whole upgrade test {time.monotonic() - t0:.0f} s")
    except (Stop, harness.StackError, harness.Failure, subprocess.TimeoutExpired, OSError, KeyError) as e:
        tap.rest_not_run(f"{type(e).__name__}: {e}")
    finally:
        prodlib.signal.alarm(0)
        if stack is not None:
            if old_running:
                subprocess.run([str(top / "release" / "scripts" / "stack.sh"), "stop"], env=stack.stack_env(),
                               capture_output=True, timeout=120)
            stack.stop()
        shutil.rmtree(top, ignore_errors=True)
    return 1 if tap.failed else 0


if __name__ == "__main__":
    sys.exit(main())
