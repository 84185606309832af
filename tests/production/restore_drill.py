#!/usr/bin/env python3
"""restore_drill.py: a real backup and point-in-time restore, as docs/operations.md's runbook does it; prints TAP.

A private stack archives its WAL to a pgBackRest repository in a temp dir; its
secrets are backed up apart, encrypted to a public key. Full backup, 100
reports through nginx, a restore time after the 50th, then the stack stops and
the database is restored to that time into a FRESH data directory under a new
state directory (a new machine), with the secrets from their own backup. The
restored service must hold exactly the reports from before that time, keep an
intact audit chain, open the older receipts and not the newer ones.
Bounded (about a minute), loopback only; stops what it started, by pid.
"""
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import prodlib  # noqa: E402
from prodlib import Stop, harness, run, as_pg  # noqa: E402

PLAN = [
    "stanza-create and check: WAL archiving from the private cluster works",
    "secrets backed up apart, encrypted to a public key (no key material in clear, a bent copy refused)",
    "full backup of the running cluster, encrypted (aes-256-cbc) as etc/pgbackrest.conf says",
    "100 reports through nginx, receipts kept; a restore time after report 50",
    "the WAL past the restore time is archived (check after pg_switch_wal)",
    "restore refuses to write over the old, non-empty data directory",
    "point-in-time restore into a fresh data directory; PostgreSQL promotes at the target",
    "the stack starts on the restored cluster with the secrets from their backup",
    "exactly the reports from before the restore time are there (count and ids)",
    "tiengnoi-admin audit verify passes on the restored database",
    "receipts from before the restore time open /status; those after it do not",
    "the restored service takes new reports and archives its new timeline",
]
REPORTS = 100
TARGET_AFTER = 50


def gpg(home, *args, **kw):
    return run(["gpg", "--homedir", home, "--batch", "--quiet", "--no-tty", *args], **kw)


def pg_conf(stack):
    """What scripts/stack.sh writes as PG/tiengnoi.conf (it rewrites it at every start); the restored
    copy still names the old state directory, so it is written for the new one before the first start."""
    return (f"listen_addresses = ''\nunix_socket_directories = '{stack.run_dir}'\nport = 5432\n"
            f"max_connections = 200\ninclude_if_exists = '{stack.var}/pg-extra.conf'\n")


def main():
    tap = prodlib.Tap(PLAN)
    prodlib.bound(480)
    t0 = time.monotonic()
    top = prodlib.make_tmp("tn-drill-")
    old = new = None
    try:
        old = harness.Stack()
        br = prodlib.PgBackRest(top / "pgbackrest", old)
        br.pg_extra(old.var)
        old.start()

        # 1. the stanza; archiving works
        made = br("stanza-create")
        p = br("check", check=False)
        said = (made.stdout + made.stderr + p.stdout + p.stderr).decode(errors="replace")
        tap.ok(p.returncode == 0 and "WARN" not in said, PLAN[0], said)   # WARN: an option of etc/pgbackrest.conf it does not know

        # 2. the secrets, apart: tar | gpg --encrypt to the backup officer's public key
        gh = top / "gnupg"            # the backup officer's keyring (kept off the server in production)
        gh.mkdir(mode=0o700)
        gpg(gh, "--passphrase", "", "--quick-generate-key", "Tiếng nói backups <backup@drill.invalid>",
            "future-default", "default", "never")
        pub = top / "backup-key.asc"
        pub.write_bytes(gpg(gh, "--armor", "--export").stdout)
        secrets_gpg = top / "secrets.tar.gpg"
        (top / "no-keyring").mkdir(mode=0o700)   # the server holds the public key file only
        tar = subprocess.Popen(["tar", "-C", str(old.var), "-cf", "-", "secrets"], stdout=subprocess.PIPE)
        enc = subprocess.run(["gpg", "--homedir", str(top / "no-keyring"), "--batch", "--quiet", "--no-tty",
                              "--trust-model", "always", "--recipient-file", str(pub), "--encrypt",
                              "-o", str(secrets_gpg)], stdin=tar.stdout, capture_output=True, timeout=60)
        tar.stdout.close()
        tar_rc = tar.wait(timeout=60)
        key_hex = (old.var / "secrets" / "server.key").read_text().strip()
        blob = secrets_gpg.read_bytes() if secrets_gpg.exists() else b""
        # a copy altered in transit or storage is refused, not restored
        bent = bytearray(blob)
        if len(bent) > 200:
            bent[len(bent) // 2] ^= 0x01
        (top / "bent.tar.gpg").write_bytes(bytes(bent))
        dec_bent = subprocess.run(["gpg", "--homedir", str(gh), "--batch", "--quiet", "--no-tty", "--decrypt",
                                   str(top / "bent.tar.gpg")], capture_output=True, timeout=60)
        tap.ok(enc.returncode == 0 and tar_rc == 0 and len(blob) > 100 and key_hex.encode() not in blob
               and b"server.key" not in blob and dec_bent.returncode != 0, PLAN[1],
               f"tar {tar_rc}, gpg {enc.returncode}: {enc.stderr.decode(errors='replace')}; {len(blob)} bytes; "
               f"a copy with one bit flipped decrypts with exit {dec_bent.returncode}")

        # 3. full backup
        before_ids = [r["id"] for r in old.rows("SELECT id FROM submission ORDER BY id")]
        b0 = time.monotonic()
        p = br("--type=full", "backup", check=False, timeout=300)
        backup_s = time.monotonic() - b0
        info = br("info", check=False).stdout.decode(errors="replace")
        tap.ok(p.returncode == 0 and "full backup" in info and "cipher: aes-256-cbc" in info, PLAN[2],
               (p.stdout + p.stderr).decode(errors="replace") + info)
        tap.note(f"full backup: {backup_s:.1f} s, repository {br.size() / 1e6:.1f} MB after it "
                 f"(database {int(old.psql('SELECT pg_database_size(current_database())')) / 1e6:.1f} MB)")

        # 4. 100 reports; the restore time between the 50th and the 51st. pgBackRest
        # restores from a backup whose stop time (whole seconds) is before the target;
        # 50 reports take well under a second now, so start them clear of that second.
        time.sleep(2.0)
        token = old.demo[0][0]
        posted = []                   # (receipt, idempotency key)
        target = None
        for i in range(REPORTS):
            posted.append(prodlib.post_report(old, token, f"Báo cáo diễn tập khôi phục số {i + 1}."))
            if i + 1 == TARGET_AFTER:
                target = old.psql("SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', "
                                  "'YYYY-MM-DD HH24:MI:SS.US') || '+00'")
                old.psql("SELECT pg_create_restore_point('drill-after-50')")
                time.sleep(0.3)       # commits after this are clearly later than the target
        idems = [i for _, i in posted]
        by_idem = {r["idempotency_key"]: r for r in old.rows(
            "SELECT id, idempotency_key, received_at::text AS at FROM submission "
            "WHERE idempotency_key = ANY(string_to_array(:'k', ','))", k=",".join(idems))}
        tap.ok(len(by_idem) == REPORTS and target is not None, PLAN[3],
               f"{len(by_idem)} of {REPORTS} rows found; target {target}")
        tap.note(f"restore time: {target} (report {TARGET_AFTER} at {by_idem[idems[TARGET_AFTER - 1]]['at']}, "
                 f"report {TARGET_AFTER + 1} at {by_idem[idems[TARGET_AFTER]]['at']})")
        want_ids = sorted(before_ids + [by_idem[k]["id"] for k in idems[:TARGET_AFTER]])
        all_ids = sorted(before_ids + [by_idem[k]["id"] for k in idems])

        # 5. the WAL holding report 51's commit must be in the repository: check switches and waits
        p = br("check", check=False)
        tap.ok(p.returncode == 0, PLAN[4], (p.stdout + p.stderr).decode(errors="replace"))

        # the machine is lost: stop the old stack (its state directory stays, untouched)
        run([harness.ROOT / "scripts" / "stack.sh", "stop"], env=old.stack_env(), timeout=120, cwd=harness.ROOT)

        # 6. pgBackRest never restores over a data directory that holds a cluster
        p = br("--type=time", f"--target={target}", "--target-action=promote", "restore", check=False)
        tap.ok(p.returncode != 0 and (old.var / "pg" / "PG_VERSION").exists(), PLAN[5],
               f"exit {p.returncode}: {(p.stdout + p.stderr).decode(errors='replace')}")

        # 7. the new machine: a fresh state directory, an empty data directory, the restore
        r0 = time.monotonic()
        new = harness.Stack()
        new.started = True            # from here on its stop() runs stack.sh stop (the cluster starts below)
        for d in ("pg", "run", "log"):
            (new.var / d).mkdir(mode=0o700)
            prodlib.give_to_pg(new.var / d)
        br_new = prodlib.PgBackRest(top / "pgbackrest", new)     # the same repository, pg1-path on the new machine
        br_new.pg_extra(new.var)
        p = br_new("--type=time", f"--target={target}", "--target-action=promote", "restore",
                   check=False, timeout=300)
        restore_out = (p.stdout + p.stderr).decode(errors="replace")
        auto = (new.var / "pg" / "postgresql.auto.conf")
        (new.var / "pg" / "tiengnoi.conf").write_text(pg_conf(new))
        if os.geteuid() == 0:
            shutil.chown(new.var / "pg" / "tiengnoi.conf", "postgres", "postgres")
        started = p.returncode == 0 and run(as_pg([prodlib.PGBIN / "pg_ctl", "-D", new.var / "pg", "-w", "-t", "120",
                                                  "-l", new.var / "log" / "pg.log", "start"]),
                                            check=False, timeout=150, cwd="/").returncode == 0
        promoted = started and prodlib.wait_not_in_recovery(new.run_dir, 120)
        pglog = (new.var / "log" / "pg.log").read_text(errors="replace") if (new.var / "log" / "pg.log").exists() else ""
        tap.ok(promoted and "recovery stopping before commit" in pglog, PLAN[6],
               f"restore exit {p.returncode}: {restore_out}\n"
               f"postgresql.auto.conf: {auto.read_text() if auto.exists() else '(none)'}\n"
               f"pg.log: {pglog[-2500:]}")
        if not promoted:
            raise Stop("the restored cluster did not come up")

        # 8. the secrets from their own backup, then the stack (keys init keeps them, migrate has nothing to do)
        (new.var / "secrets").mkdir(mode=0o700)
        dec = subprocess.Popen(["gpg", "--homedir", str(gh), "--batch", "--quiet", "--no-tty", "--decrypt",
                                str(secrets_gpg)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        run(["tar", "-C", str(new.var), "-xf", "-"], stdin=dec.stdout)
        dec.stdout.close()
        if dec.wait(timeout=60) != 0:
            raise Stop("gpg --decrypt failed: " + dec.stderr.read().decode(errors="replace"))
        new.start()
        restore_s = time.monotonic() - r0
        same_key = (new.var / "secrets" / "server.key").read_text().strip() == key_hex
        tap.ok(same_key and subprocess.run(["curl", "-fsS", f"{new.base}/healthz"], capture_output=True,
                                           timeout=15).returncode == 0,
               PLAN[7], f"server.key restored unchanged: {same_key}")
        tap.note(f"restore to a running service: {restore_s:.1f} s")

        # 9. exactly the reports before the target
        got_ids = [r["id"] for r in new.rows("SELECT id FROM submission ORDER BY id")]
        tap.ok(got_ids == want_ids, PLAN[8],
               f"restored {len(got_ids)} reports, want {len(want_ids)} (of {len(all_ids)} before the loss); "
               f"missing {sorted(set(want_ids) - set(got_ids))[:10]}, extra {sorted(set(got_ids) - set(want_ids))[:10]}")

        # 10. the audit chain
        ok, out = prodlib.audit_verify(new)
        tap.ok(ok, PLAN[9], out)

        # 11. the receipts
        codes = [prodlib.status_lookup(new, rc) for rc, _ in posted]
        tap.ok(codes[:TARGET_AFTER] == [200] * TARGET_AFTER and codes[TARGET_AFTER:] == [404] * (REPORTS - TARGET_AFTER),
               PLAN[10], f"/status answers, in posting order: {codes}")

        # 12. life goes on: a new report, and timeline 2 reaches the repository
        prodlib.post_report(new, token, "Báo cáo sau khi khôi phục.")
        p = br_new("check", check=False)
        hist = list((br.repo / "archive").rglob("00000002.history*"))
        tap.ok(p.returncode == 0 and hist, PLAN[11],
               f"check exit {p.returncode}: {(p.stdout + p.stderr).decode(errors='replace')}; history files {hist}")
        tap.note(f"repository after the drill: {br.size() / 1e6:.1f} MB; whole drill {time.monotonic() - t0:.1f} s")
    except (Stop, harness.StackError, harness.Failure, subprocess.TimeoutExpired, OSError) as e:
        tap.rest_not_run(str(e))
    finally:
        prodlib.signal.alarm(0)
        for st in (new, old):
            if st is not None:
                out = st.stop()
                if "error" in out:
                    tap.note(f"stop: {out.strip()}")
        if os.environ.get("TIENGNOI_DRILL_KEEP"):
            print(f"# kept {top}")
        else:
            shutil.rmtree(top, ignore_errors=True)
    return 1 if tap.failed else 0


if __name__ == "__main__":
    sys.exit(main())
