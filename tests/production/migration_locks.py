#!/usr/bin/env python3
"""migration_locks.py: a migration that holds a long lock on a big table must say so; prints TAP.

A statement in sql/NNN_*.sql that rewrites, scans under a lock or bulk-updates
one of the tables that grow with every report must be declared in its file by
a line

    -- rewrites: TABLE — what it does (the lock time at 1M rows is in docs/operations.md, "Upgrades")

so that an operator reads before upgrading which migrations block the worker
form and for how long (tests/production/bench_migrations.sh measures them).
What counts, on a table created in an earlier file:
  CREATE [UNIQUE] INDEX without CONCURRENTLY      (SHARE lock: no report can be written while it builds)
  ALTER TABLE ... ALTER COLUMN ... TYPE           (rewrite under ACCESS EXCLUSIVE)
  ALTER TABLE ... ADD COLUMN ... GENERATED ... STORED, or DEFAULT with a volatile function (rewrite)
  ALTER TABLE ... ADD COLUMN ... REFERENCES / PRIMARY KEY / UNIQUE, ADD CONSTRAINT without NOT VALID,
      ALTER COLUMN ... SET NOT NULL              (a full scan or an index build under the lock)
  ALTER TABLE ... SET LOGGED|UNLOGGED|TABLESPACE, VACUUM FULL, CLUSTER   (rewrite)
  UPDATE or DELETE of the table                   (every row touched in the migration's transaction)
Function bodies ($$ ... $$) are not run by the migration and are skipped; code
a DO block runs is not seen: mark it by hand.
A marker for a table the file does not touch that way is reported too (stale).
"""
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIG = ("submission", "audit_log", "attachment", "message", "note", "submission_fact_log")
VOLATILE = r"(clock_timestamp|random|gen_random_uuid|uuid_generate_\w+|nextval|timeofday|txid_current)\s*\("


LEXEME = re.compile(r"--[^\n]*|/\*.*?\*/|'(?:[^']|'')*'|\$([A-Za-z_]\w*|)\$.*?\$\1\$", re.S)


def strip(sql):
    """The SQL without comments, string literals and dollar-quoted bodies, read left to right
    (so a quote in a comment or a -- in a string is not taken for more than it is)."""
    return LEXEME.sub(lambda m: "''" if m.group(0).startswith("'") else " ", sql)


def statements(sql):
    """The file's statements as written (comments dropped), split at the semicolons outside
    strings, comments and dollar-quoted bodies."""
    out, cur, i = [], [], 0
    for m in re.finditer(LEXEME.pattern + "|;", sql, re.S):
        cur.append(sql[i:m.start()])
        tok = m.group(0)
        if tok == ";":
            out.append("".join(cur).strip())
            cur = []
        elif not tok.startswith(("--", "/*")):
            cur.append(tok)
        i = m.end()
    cur.append(sql[i:])
    if "".join(cur).strip():
        out.append("".join(cur).strip())
    return [st for st in out if st]


def table_re(t):
    return rf"(?:ONLY\s+)?(?:public\.)?\"?{t}\"?(?![\w])"


def findings(text, with_sql=False):
    """[(table, what)] of the lock-holding statements on big tables, for tables not created in this
    text; with_sql, [(table, what, statement as written)]."""
    body = strip(text)
    created = {t for t in BIG if re.search(rf"CREATE\s+(?:UNLOGGED\s+)?TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?{table_re(t)}",
                                           body, re.I)}
    out = []
    for raw in statements(text):
        s = " ".join(strip(raw).split())
        n0 = len(out)
        for t in BIG:
            if t in created:
                continue
            T = table_re(t)
            m = re.match(rf"CREATE\s+(UNIQUE\s+)?INDEX\s+(?!CONCURRENTLY)(?:IF\s+NOT\s+EXISTS\s+)?\S*\s*ON\s+{T}", s, re.I)
            if m:
                out.append((t, "CREATE INDEX without CONCURRENTLY"))
            if re.match(rf"(UPDATE|DELETE\s+FROM)\s+{T}", s, re.I):
                out.append((t, "UPDATE/DELETE of every matching row"))
            if re.match(rf"(VACUUM\s+(\(\s*)?FULL|CLUSTER)\b.*{T}", s, re.I):
                out.append((t, "VACUUM FULL / CLUSTER"))
            if not re.match(rf"ALTER\s+TABLE\s+(?:IF\s+EXISTS\s+)?{T}", s, re.I):
                continue
            checks = [
                (r"ALTER\s+(COLUMN\s+)?\S+\s+(SET\s+DATA\s+)?TYPE\b", "ALTER COLUMN ... TYPE"),
                (r"ADD\s+(COLUMN\s+)?.*\bGENERATED\s+ALWAYS\s+AS\s*\(.*\)\s*STORED", "ADD COLUMN ... GENERATED STORED"),
                (rf"ADD\s+(COLUMN\s+)?.*\bDEFAULT\b.*{VOLATILE}", "ADD COLUMN with a volatile DEFAULT"),
                (r"ADD\s+(COLUMN\s+)?(?!CONSTRAINT\b).*\b(REFERENCES|PRIMARY\s+KEY|UNIQUE)\b", "ADD COLUMN with a key or reference"),
                (r"ADD\s+CONSTRAINT\b(?!.*\bNOT\s+VALID\b)", "ADD CONSTRAINT without NOT VALID"),
                (r"ALTER\s+(COLUMN\s+)?\S+\s+SET\s+NOT\s+NULL", "SET NOT NULL"),
                (r"SET\s+(LOGGED|UNLOGGED|TABLESPACE)\b", "SET LOGGED/UNLOGGED/TABLESPACE"),
            ]
            for pat, what in checks:
                if re.search(pat, s, re.I):
                    out.append((t, what))
        if with_sql:
            out[n0:] = [(t, w, raw) for t, w in out[n0:]]
    return out


def markers(text):
    """Tables named by `-- rewrites: TABLE[, TABLE] — ...` lines."""
    out = set()
    for m in re.finditer(r"^--\s*rewrites:\s*([\w, ]+)", text, re.M):
        out |= {t.strip() for t in m.group(1).split(",") if t.strip()}
    return out


SELF_TESTS = [   # (sql, tables that must be found)
    ("CREATE INDEX x ON submission (a);", {"submission"}),
    ("CREATE INDEX CONCURRENTLY x ON submission (a);", set()),
    ("CREATE UNIQUE INDEX IF NOT EXISTS x ON public.audit_log USING btree (a);", {"audit_log"}),
    ("ALTER TABLE submission ALTER COLUMN status TYPE text;", {"submission"}),
    ("ALTER TABLE submission ADD COLUMN t timestamptz DEFAULT now();", set()),
    ("ALTER TABLE submission ADD COLUMN u uuid NOT NULL DEFAULT gen_random_uuid();", {"submission"}),
    ("ALTER TABLE submission ADD COLUMN x text GENERATED ALWAYS AS (lower(y)) STORED;", {"submission"}),
    ("ALTER TABLE submission ADD CONSTRAINT c CHECK (a > 0) NOT VALID;", set()),
    ("ALTER TABLE audit_log ADD CONSTRAINT c CHECK (a > 0);", {"audit_log"}),
    ("UPDATE submission SET a = 1 WHERE b;", {"submission"}),
    ("CREATE FUNCTION f() RETURNS void LANGUAGE sql AS $$ UPDATE submission SET a = 1 $$;", set()),
    ("CREATE TABLE submission (id int); CREATE INDEX x ON submission (id);", set()),
    ("-- CREATE INDEX x ON submission (a);\nSELECT 'CREATE INDEX y ON submission (a)';", set()),
    ("-- the worker's note\nCREATE INDEX x ON submission (a); -- it's", {"submission"}),
    ("SELECT '--'; CREATE INDEX x ON note (a);", {"note"}),
    ("SELECT 'a;b'; CREATE FUNCTION g() RETURNS int LANGUAGE sql AS $f$ SELECT 1; $f$; CREATE INDEX i ON message (a)",
     {"message"}),
    ("CREATE INDEX x ON submission_fact (a); ALTER TABLE messages ADD COLUMN a int REFERENCES b;", set()),
    ("ALTER TABLE message ADD COLUMN a int REFERENCES officer (id);", {"message"}),
    ("alter table note alter column t set not null;", {"note"}),
]


def main():
    files = sorted((ROOT / "sql").glob("[0-9][0-9][0-9]_*.sql"))
    print(f"1..{len(files) + 1}")
    bad_self = [(sql, want, {t for t, _ in findings(sql)}) for sql, want in SELF_TESTS
                if {t for t, _ in findings(sql)} != want]
    n = 1
    print(("ok" if not bad_self else "not ok") + f" {n} - the checker finds what it must in {len(SELF_TESTS)} samples")
    for sql, want, got in bad_self:
        print(f"#   {sql!r}: found {sorted(got)}, want {sorted(want)}")
    failed = bool(bad_self)
    for f in files:
        n += 1
        text = f.read_text(encoding="utf-8")
        found = findings(text)
        tables = {t for t, _ in found}
        marked = markers(text)
        unmarked = sorted(tables - marked)
        stale = sorted(marked - tables)
        ok = not unmarked and not stale
        failed |= not ok
        print(("ok" if ok else "not ok") + f" {n} - {f.name}: long locks on big tables declared"
              + (f" ({', '.join(sorted(tables))})" if tables else ""))
        for t in unmarked:
            whats = sorted({w for tt, w in found if tt == t})
            print(f"#   {t}: {'; '.join(whats)} — add a line `-- rewrites: {t} — what, how long at 1M rows`")
        for t in stale:
            print(f"#   `-- rewrites: {t}` but no such statement on {t}: remove the marker")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
