#!/usr/bin/env python3
"""bench_migrations.py: how long each declared long-lock migration statement holds its lock at 1M rows.

Not part of `make test` (minutes of bulk loading): run it by hand before a
release whose migrations carry a `-- rewrites:` line, and copy its table into
docs/operations.md, "Upgrades".

A private stack (scripts/stack.sh, fresh TIENGNOI_VAR, free port) gets
BENCH_ROWS reports (default 1,000,000, by tests/bench/load_submissions.sql as in tests/bench/run.sh), as
many audit rows through the hash-chain trigger, and a message for every fourth
report. Then, file by file, every statement tests/production/migration_locks.py
finds is undone (DROP INDEX / CONSTRAINT / COLUMN) and run again alone in its
own transaction, timed: on an idle database that is the time its lock blocks
the worker form (SHARE for an index: no report can be stored; ACCESS EXCLUSIVE
for a constraint or a rewrite: nothing can read the table either). A
migration runs its whole file in one transaction, so a file holds its locks
for the sum of its lines.
Env: BENCH_ROWS (1000000), BENCH_KEEP=1 leaves the stack running.
"""
import os
import re
import sys
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import migration_locks  # noqa: E402
import prodlib  # noqa: E402
from prodlib import harness  # noqa: E402

ROWS = int(os.environ.get("BENCH_ROWS", "1000000"))

LOAD = """
-- the statistics' change log and the foreign keys are triggers: not needed for this bench, and
-- the load is 2-3 times faster without them (the audit rows keep their hash-chain trigger)
SET session_replication_role = replica;
\\i {load}
RESET session_replication_role;
INSERT INTO audit_log (officer_id, unit_id, action, object, detail)
SELECT CASE WHEN i % 2 = 0 THEN (SELECT min(id) FROM officer) END, (SELECT min(id) FROM org_unit),
       'bench.row', 'submission:' || i, ''
FROM generate_series(1, :rows) AS i;
INSERT INTO message (submission_id, author, body) SELECT id, 'worker', 'Cảm ơn anh chị.' FROM submission WHERE id % 4 = 0;
VACUUM ANALYZE submission, audit_log, message;
CHECKPOINT;
""".replace("{load}", str(harness.ROOT / "tests" / "bench" / "load_submissions.sql"))


def undo(table, sql):
    """The statement that takes back one declared statement, or None."""
    s = " ".join(migration_locks.strip(sql).split())
    m = re.match(r"CREATE\s+(?:UNIQUE\s+)?INDEX\s+(?:IF\s+NOT\s+EXISTS\s+)?(\w+)", s, re.I)
    if m:
        return f"DROP INDEX IF EXISTS {m.group(1)}"
    m = re.search(r"ADD\s+CONSTRAINT\s+(\w+)", s, re.I)
    if m:
        return f"ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {m.group(1)}"
    m = re.search(r"ADD\s+(?:COLUMN\s+)?(?:IF\s+NOT\s+EXISTS\s+)?(\w+)", s, re.I)
    if m:
        return f"ALTER TABLE {table} DROP COLUMN IF EXISTS {m.group(1)} CASCADE"
    return None


def psql(stack, sql):
    return prodlib.run(["psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-h", stack.run_dir, "-U", "tiengnoi",
                        "-d", "tiengnoi"], input=sql.encode(), timeout=3600).stdout.decode()


def timed(stack, sql):
    """Seconds the server spent on the statement (its own transaction), by PostgreSQL's clock."""
    out = psql(stack, "SELECT clock_timestamp() AS t0 \\gset\n" + sql + ";\n"
                     "SELECT extract(epoch FROM clock_timestamp() - :'t0'::timestamptz);")
    return float(out.split()[-1])


def main():
    os.environ.pop("TIENGNOI_BUILD", None)
    stack = harness.Stack()
    try:
        stack.start()
        # every declared statement, by file; all undone first (newest first), so that the load
        # does not maintain their indexes and each runs again in the order its files did
        plan = []
        for f in sorted((harness.ROOT / "sql").glob("[0-9][0-9][0-9]_*.sql")):
            seen, todo = set(), []
            for table, what, sql in migration_locks.findings(f.read_text(encoding="utf-8"), with_sql=True):
                if sql not in seen:
                    seen.add(sql)
                    todo.append((table, what, sql))
            if todo:
                plan.append((f, todo))
        for f, todo in reversed(plan):
            for table, _, sql in reversed(todo):
                u = undo(table, sql)
                if u:
                    psql(stack, u + ";")
        print(f"# loading {ROWS} reports, {ROWS} audit rows, {ROWS // 4} messages", flush=True)
        t = time.monotonic()
        prodlib.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-v", f"rows={ROWS}", "-h", stack.run_dir,
                     "-U", "tiengnoi", "-d", "tiengnoi"], input=LOAD.encode(), timeout=7200)
        print(f"# loaded in {time.monotonic() - t:.0f} s; submission "
              f"{psql(stack, 'SELECT pg_size_pretty(pg_total_relation_size($$submission$$))').strip()}", flush=True)
        print("| migration | table | statement | lock | seconds |")
        print("|---|---|---|---|---|")
        for f, todo in plan:
            total = 0.0
            for table, what, sql in todo:
                secs = timed(stack, sql)
                total += secs
                lock = "SHARE" if what.startswith("CREATE INDEX") else "ACCESS EXCLUSIVE"
                if "REFERENCES" in sql.upper() and "ADD CONSTRAINT" in " ".join(sql.upper().split()):
                    lock = "SHARE ROW EXCLUSIVE (and the referenced table)"
                short = " ".join(sql.split())
                short = short if len(short) <= 90 else short[:87] + "..."
                print(f"| {f.name} | {table} | `{short}` | {lock} | {secs:.2f} |", flush=True)
            print(f"| {f.name} | | **whole file, one transaction** | | **{total:.2f}** |", flush=True)
        ok, out = prodlib.audit_verify(stack)
        print(f"# audit verify after: {out}")
    finally:
        if os.environ.get("BENCH_KEEP"):
            print(f"# left running: TIENGNOI_VAR={stack.var} PORT={stack.port}")
        else:
            stack.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
