"""test_ins2.py: a report's lighter INSERT (sql/057): the rows reports name are never deleted, and one POST still writes its statistics-log row and outbox event."""
import json
import secrets
import subprocess
import time

import harness

# the statement that fails, and the table its message names
_REFUSED = [
    ("DELETE FROM workplace WHERE id = :'wp'", "workplace"),
    ("TRUNCATE workplace CASCADE", "workplace"),
    ("UPDATE workplace SET id = id WHERE id = :'wp'", "workplace"),
    ("DELETE FROM org_unit WHERE id = :'unit'", "org_unit"),
    ("TRUNCATE org_unit CASCADE", "org_unit"),
    ("UPDATE org_unit SET id = id WHERE id = :'unit'", "org_unit"),
    ("DELETE FROM entry_point WHERE id = :'ep'", "entry_point"),
    ("TRUNCATE entry_point CASCADE", "entry_point"),
    ("UPDATE entry_point SET id = id WHERE id = :'ep'", "entry_point"),
]


def _refusal(stack, sql, **vars):
    """Runs sql as the database owner; returns psql's error text ('' if it succeeded)."""
    try:
        stack.psql(sql, **vars)
    except harness.Failure as e:
        return str(e)
    return ""


def test_parents_kept(t, stack):
    """Deleting, truncating or renumbering a workplace, unit or QR code fails for everyone, the owner included, with
    a message naming the table and what to do instead; nothing changes, and every report's workplace, unit and QR
    code still exist (the foreign keys sql/057 dropped guarded exactly this)."""
    wp, unit, ep = stack.psql("SELECT w.id, w.unit_id, e.id FROM entry_point e JOIN workplace w ON w.id = e.workplace_id "
                              "ORDER BY e.id LIMIT 1").split("|")
    counts = "SELECT (SELECT count(*) FROM workplace), (SELECT count(*) FROM org_unit), (SELECT count(*) FROM entry_point)"
    before = stack.psql(counts)
    for sql, table in _REFUSED:
        err = _refusal(stack, sql, wp=wp, unit=unit, ep=ep)
        t.require(f"{table} rows are never deleted, truncated or renumbered" in err, f"{sql}: refused ({err[:200]!r})")
        t.require("HINT:" in err, f"{sql}: the refusal says what to do instead")
    t.eq(stack.psql(counts), before, "no workplace, unit or QR code went")
    t.eq(stack.value("SELECT count(*) FROM submission s WHERE NOT EXISTS (SELECT 1 FROM workplace w WHERE w.id = s.workplace_id) "
                     "OR NOT EXISTS (SELECT 1 FROM org_unit u WHERE u.id = s.unit_id) "
                     "OR (s.entry_point_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM entry_point e WHERE e.id = s.entry_point_id))"),
         0, "every report's workplace, unit and QR code exist")
    # the rules a unit or a QR code really ends by still work: revoking a QR code is an UPDATE of another column
    t.eq(_refusal(stack, "BEGIN; UPDATE entry_point SET revoked_at = now() WHERE id = :'ep'; ROLLBACK;", ep=ep), "",
         "revoking a QR code is not refused")


def test_one_post_writes(t, stack):
    """One POST through the app: the report names the QR code it was sent from, that code's workplace and the
    workplace's unit; it writes no statistics log row (sql/065), and the figures count it exactly once whether it
    is folded yet or not. (The outbox events the sender queues for new reports are test_notify2's.)"""
    token = stack.value("SELECT token FROM entry_point WHERE revoked_at IS NULL AND 'concern' = ANY (forms) "
                        "ORDER BY id LIMIT 1")
    text = "Kiểm tra ghi sổ " + secrets.token_hex(4) + " <script>alert(1)</script>'; DROP TABLE submission; --"
    for urgency in ("normal", "urgent"):
        r, idem = stack.submit(token, [("category", "wages"), ("urgency", urgency), ("text", text)])
        t.eq(r.status, 200, f"the {urgency} report is accepted")
        sid = stack.value("SELECT id FROM submission WHERE idempotency_key = :'k'", k=idem)
        t.require(sid, f"the {urgency} report is stored")
        t.eq(stack.value("SELECT s.workplace_id = e.workplace_id AND s.unit_id = w.unit_id AND s.answers->>'text' = :'x' "
                         "FROM submission s JOIN entry_point e ON e.id = s.entry_point_id "
                         "JOIN workplace w ON w.id = e.workplace_id WHERE s.id = :'id' AND e.token = :'tok'",
                         id=sid, tok=token, x=text), True,
             f"{urgency}: the report names its QR code, that code's workplace and the workplace's unit; text intact")
        t.eq(stack.value("SELECT count(*) FROM submission_fact_log l JOIN submission s ON s.xmin = l.xmin "
                         "WHERE s.id = :'id'", id=sid), 0, f"{urgency}: no log row in the report's transaction")
        for when in ("as it arrived", "sealed and folded"):
            t.eq(stack.value("SELECT (SELECT coalesce(sum(n), 0) FROM submission_fact_all f, submission s "
                             "WHERE s.id = :'id' AND f.workplace_id = s.workplace_id AND f.fact = 'reports' "
                             "AND f.form_id = 'concern') = (SELECT count(*) FROM submission s2, submission s "
                             "WHERE s.id = :'id' AND s2.workplace_id = s.workplace_id AND s2.form_id = 'concern' "
                             "AND s2.status <> 'spam')", id=sid), True,
                 f"{urgency}, {when}: its workplace's report count in the figures equals a direct count")
            stack.psql("SELECT submission_seal();")
            stack.psql("SELECT submission_fact_compact();")
        t.check(stack.value("SELECT report_id FROM submission_mark WHERE mark = 'folded'") >= sid,
                f"{urgency}: once sealed and folded, the report is in the sums")
    # the workplace and unit come from the app's cache of the QR code (STMT_SUBMISSION_INSERT): a workplace moved
    # to another unit drops the cache at once (sql/008's NOTIFY), so the next report is filed under the new unit
    wp, unit = (stack.rows("SELECT w.id, w.unit_id FROM entry_point e JOIN workplace w ON w.id = e.workplace_id "
                           "WHERE e.token = :'tok'", tok=token)[0][k] for k in ("id", "unit_id"))
    other = stack.value("SELECT min(id) FROM org_unit WHERE id <> :'u' AND ended_at IS NULL", u=unit)
    stack.psql("UPDATE workplace SET unit_id = :'o' WHERE id = :'w'", o=other, w=wp)
    try:
        for _ in range(4):   # every app worker (each its own cache) is asked at least once, most likely
            r, idem = stack.submit(token, [("category", "wages"), ("urgency", "normal"), ("text", "Sau khi chuyển")])
            t.eq(r.status, 200, "a report after the move is accepted")
            t.eq(stack.value("SELECT unit_id FROM submission WHERE idempotency_key = :'k'", k=idem), other,
                 "a report after its workplace moved is filed under the new unit")
    finally:
        stack.psql("UPDATE workplace SET unit_id = :'u' WHERE id = :'w'", u=unit, w=wp)
    # and without anyone asking: the sender seals and folds every 2 s
    r, idem = stack.submit(token, [("category", "wages"), ("urgency", "normal"), ("text", text)])
    sid = stack.value("SELECT id FROM submission WHERE idempotency_key = :'k'", k=idem)
    t.check(harness.wait_until(lambda: stack.value("SELECT report_id FROM submission_mark WHERE mark = 'folded'")
                               >= sid, 15, 0.2), "the sender folds a new report into the sums within seconds")


def test_log_one_body(t, stack):
    """The statistics log through its trigger body (sql/063, 065): a new report logs nothing; a status change of a
    report whose answers hold every kind of value logs -1 as it was and +1 as it is, with only the keys the figures
    read (a JSON null left out as an absent one, inside an object too), and a delete -1; every row names the
    report."""
    wp = stack.value("SELECT e.id FROM entry_point e WHERE e.revoked_at IS NULL ORDER BY e.id LIMIT 1")
    answers = ('{"kind": "accident", "injured": 2, "dead": null, "severity": "serious", "when": "2026-12-01", '
               '"text": "<script>x</script>\'; DROP TABLE submission; --", "urgency": "urgent", "priorities": ["a", "b"], '
               '"amount": {"nested": null}, "other": 1}')
    out = stack.psql(
        "BEGIN;\n"
        "INSERT INTO submission (form_id, form_version, workplace_id, unit_id, entry_point_id, channel, answers, lang, "
        "idempotency_key, receipt_hash, urgent) SELECT 'safety', 1, w.id, w.unit_id, e.id, 'qr', :'a'::jsonb, 'vi', "
        "'ins2log' || md5(random()::text), decode(md5(random()::text) || md5(random()::text), 'hex'), false "
        "FROM entry_point e JOIN workplace w ON w.id = e.workplace_id WHERE e.id = :'e';\n"
        "SELECT 'N' || count(*) FROM submission_fact_log WHERE xmin::text = txid_current()::text;\n"
        "UPDATE submission SET status = 'in_review' WHERE id = currval(pg_get_serial_sequence('submission', 'id'));\n"
        "SELECT 'A' || answers::text FROM submission_fact_log WHERE xmin::text = txid_current()::text AND sign = 1;\n"
        "DELETE FROM submission WHERE id = currval(pg_get_serial_sequence('submission', 'id'));\n"
        "SELECT 'S' || string_agg(sign || ':' || status, ',' ORDER BY ctid) || ' ' || sum(sign) || ' ' "
        "|| bool_and(submission_id = currval(pg_get_serial_sequence('submission', 'id'))) FROM submission_fact_log "
        "WHERE xmin::text = txid_current()::text;\n"
        "ROLLBACK;", a=answers, e=str(wp))
    lines = {x[:1]: x[1:] for x in out.splitlines() if x[:1] in "NAS"}
    t.eq(lines.get("N"), "0", "a new report logs nothing")
    logged = json.loads(lines["A"]) if "A" in lines else None
    t.eq(logged, {"kind": "accident", "injured": 2, "severity": "serious", "when": "2026-12-01", "priorities": ["a", "b"],
                  "amount": {}},
         "only the keys the figures read; JSON nulls left out (the figures read none); no free text, urgency or unknown key")
    t.eq(lines.get("S"), "-1:new,1:in_review,-1:in_review -1 true",
         "status change -1 as it was and +1 as it is, delete -1, each naming the report")


def test_row_rules(t, stack):
    """submission_row_rules (sql/064, a BEFORE trigger since sql/066), the one check of ten of a report's rules and
    its status: each broken rule fails the INSERT (and an UPDATE) with check_violation naming it, nothing is stored;
    the patterns without bounded repetitions accept exactly the strings the old ones did; the same trigger derives
    the search text from the answers."""
    base = ("INSERT INTO submission (form_id, form_version, workplace_id, unit_id, entry_point_id, channel, answers, "
            "lang, idempotency_key, receipt_hash, entered_by, contact_sealed, contact_consent_at, status) "
            "SELECT {form}, {ver}, w.id, w.unit_id, {ep}, {ch}, {ans}::jsonb, {lang}, {key}, {hash}, {by}, {sealed}, {consent}, "
            "{status} "
            "FROM entry_point e JOIN workplace w ON w.id = e.workplace_id WHERE e.id = (SELECT min(id) FROM entry_point)")
    good = dict(form="'concern'", ver="1", ep="e.id", ch="'qr'", ans="'{\"text\": \"x\"}'", lang="'vi'",
                key="'rules' || md5(random()::text)", hash="decode(md5('a') || md5('b'), 'hex')", by="NULL",
                sealed="NULL", consent="NULL", status="'new'")
    broken = {
        "answers not an object": dict(ans="'[1, 2]'"),
        "unknown channel": dict(ch="'fax'", ep="NULL"),
        "a QR report without its QR code": dict(ep="NULL"),
        "a phone report naming a QR code": dict(ch="'phone'", by="(SELECT min(id) FROM officer)"),
        "a phone report without the officer who entered it": dict(ch="'phone'", ep="NULL"),
        "a sealed contact without its consent": dict(sealed="'\\x01'::bytea"),
        "a form code with a capital": dict(form="'Concern'"),
        "a form code of 41 characters": dict(form="'a' || repeat('b', 40)"),
        "form version 0": dict(ver="0"),
        "a key of 15 characters": dict(key="'abcdefghijklmno'"),
        "a key of 65 characters": dict(key="repeat('k', 65)"),
        "a key with a space": dict(key="'abcdefgh ijklmnopq'"),
        "a key with SQL in it": dict(key="'x''; DROP TABLE submission; --xx'"),
        "lang fr": dict(lang="'fr'"),
        "a 31-byte receipt hash": dict(hash="substring(decode(md5('a') || md5('b'), 'hex') from 2)"),
        "an unknown status": dict(status="'closed'"),
    }
    before = stack.value("SELECT count(*) FROM submission")
    out = stack.psql(base.format(**good) + ";\nSELECT 'stored ' || count(*) FROM submission WHERE idempotency_key LIKE 'rules%';")
    t.check("stored 1" in out, f"a row keeping every rule is stored: {out[-200:]}")
    for what, change in broken.items():
        try:
            stack.psql(base.format(**{**good, **change}) + ";")
            t.check(False, f"{what}: refused")
        except harness.Failure as e:   # psql failed: the message names the constraint
            msg = str(e)
            rule = "submission_status_check" if what == "an unknown status" else "submission_row_rules"
            t.check(f'violates check constraint "{rule}"' in msg, f"{what}: refused by {rule}: {msg[:160]}")
            t.check("Failing row contains" not in msg, f"{what}: the refusal does not print the report's values")
    t.eq(stack.value("SELECT count(*) FROM submission") - before, 1, "nothing of the broken rows stored")
    try:
        stack.psql("UPDATE submission SET lang = 'fr' WHERE idempotency_key LIKE 'rules%';")
        t.check(False, "an UPDATE breaking a rule is refused")
    except harness.Failure as e:
        t.check("submission_row_rules" in str(e), f"an UPDATE breaking a rule is refused: {str(e)[:160]}")
    try:
        stack.psql("UPDATE submission SET status = 'closed' WHERE idempotency_key LIKE 'rules%';")
        t.check(False, "an UPDATE to an unknown status is refused")
    except harness.Failure as e:
        t.check("submission_status_check" in str(e), f"an UPDATE to an unknown status is refused: {str(e)[:160]}")
    # the search text (sql/066): derived from the answers by the same trigger, whoever writes the row
    derived = ("SELECT search_text IS NOT DISTINCT FROM vn_fold(jsonb_path_query_array(answers, 'strict $.*')::text) "
               "FROM submission WHERE idempotency_key LIKE 'rules%'")
    stack.psql("UPDATE submission SET answers = '{\"text\": \"Nợ LƯƠNG <b>3</b> tháng\", \"n\": 5}' "
               "WHERE idempotency_key LIKE 'rules%';")
    t.eq(stack.value(derived), True, "an UPDATE of the answers derives the search text again")
    t.check("no luong <b>3</b> thang" in stack.value("SELECT search_text FROM submission WHERE idempotency_key LIKE "
                                                     "'rules%'"), "folded: no accents, lower case, words kept")
    stack.psql("UPDATE submission SET search_text = 'something else', status = 'in_review' "
               "WHERE idempotency_key LIKE 'rules%';")
    t.eq(stack.value(derived), True, "the search text cannot be set apart from the answers")
    t.eq(stack.value("SELECT count(*) FROM submission WHERE search_text IS DISTINCT FROM "
                     "vn_fold(jsonb_path_query_array(answers, 'strict $.*')::text)"), 0,
         "every report's search text is the one its answers give")
    # the old patterns against the new tests, over strings at and around every edge
    same = stack.value(
        "SELECT bool_and((s ~ '^[A-Za-z0-9_-]{16,64}$') = (s ~ '^[A-Za-z0-9_-]+$' AND length(s) BETWEEN 16 AND 64) "
        "AND (s ~ '^[a-z][a-z0-9_]{0,39}$') = (s ~ '^[a-z][a-z0-9_]*$' AND length(s) <= 40)) FROM ("
        "SELECT repeat(c, n) || x AS s FROM unnest(ARRAY['a', 'Z', '0', '_', '-', 'é', ' ', '.']) c, generate_series(0, 70) n, "
        "unnest(ARRAY['', 'b', '9', 'A', '_', E'\\n', 'ă']) x) v")
    t.eq(same, True, "the new patterns accept exactly what the old ones did (8 characters x 0-70 x 7 endings)")


def test_seal_under_long_write(t, stack):
    """While a long write holds the reports' table (a transaction that updated a report and has not ended, as a
    retention run), the sender's seals (sql/065) cannot have their lock: reports are still taken at once, and once
    the write ends the sender seals, folds and queues them."""
    token = stack.value("SELECT token FROM entry_point WHERE revoked_at IS NULL AND 'concern' = ANY (forms) "
                        "ORDER BY id LIMIT 1")
    r, idem = stack.submit(token, [("category", "wages"), ("urgency", "normal"), ("text", "Báo cáo để giữ")])
    t.require(r.status == 200, "a report to hold")
    old = stack.value("SELECT id FROM submission WHERE idempotency_key = :'k'", k=idem)
    holder = subprocess.Popen(
        ["psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-h", str(stack.run_dir), "-U", "tiengnoi", "-d", "tiengnoi",
         "-c", f"BEGIN; UPDATE submission SET status = status WHERE id = {int(old)}; SELECT pg_sleep(5); COMMIT;"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        time.sleep(0.5)
        slowest, sids = 0.0, []
        for i in range(6):
            t0 = time.monotonic()
            r, idem = stack.submit(token, [("category", "wages"), ("urgency", "normal"), ("text", f"Giữ bảng {i}")])
            slowest = max(slowest, time.monotonic() - t0)
            t.eq(r.status, 200, f"report {i} accepted while the table is held")
            sids.append(stack.value("SELECT id FROM submission WHERE idempotency_key = :'k'", k=idem))
            time.sleep(0.3)
        t.check(slowest < 2.0, f"no report waited on the seals for long (slowest {slowest:.2f} s; a seal waits 0.1 s)")
        t.check(stack.value("SELECT report_id FROM submission_mark WHERE mark = 'sealed'") < min(sids),
                "no seal passed the reports while the write held the table")
    finally:
        holder.wait(timeout=30)
    t.eq(holder.returncode, 0, f"the long write ended: {holder.stderr.read()[:200]!r}")
    t.check(harness.wait_until(lambda: stack.value("SELECT min(report_id) FROM submission_mark "
                                                   "WHERE mark IN ('folded', 'queued')") >= max(sids), 15, 0.2),
            "after it, the sender sealed, folded and queued the reports within seconds")


def _sender_functions():
    """The database functions the sender calls on its polls, from its source: the statements that are calls only
    (`SELECT f(...), g(...)`, one string, no FROM) in fcgi/sender.c, and the statistics fold in fcgi/stats.c."""
    import re
    from pathlib import Path
    src = Path(__file__).resolve().parents[2] / "fcgi"
    names = set()
    for stmt in re.findall(r'db_query\(db, "(SELECT [a-z_]+\([^"]*)",', (src / "sender.c").read_text()):
        if " FROM " not in stmt:
            names.update(re.findall(r"\b([a-z_]+)\(", stmt))
    fold = re.search(r"\nstats_fold\(.*?\n}", (src / "stats.c").read_text(), re.S)
    names.update(re.findall(r'db_query\(db, "SELECT ([a-z_]+)\(', fold.group(0)) if fold else ())
    return sorted(names - {"now"})


def test_sender_no_jit(t, stack):
    """The sender's per-poll functions never compile to machine code (sql/067): each function the sender's source
    calls carries jit = off, and the statistics fold, run with every JIT threshold at 0, is explained without a JIT
    section, where a plain count under the same settings has one (JIT is there to be used)."""
    names = _sender_functions()
    t.require(len(names) >= 8, f"the sender's functions are read from its source: {names}")
    rows = stack.rows("SELECT p.proname AS name, coalesce(p.proconfig, '{}') @> '{jit=off}' AS off FROM pg_proc p "
                      "WHERE p.proname = ANY (string_to_array(:'n', ','))", n=",".join(names))
    off = {r["name"]: r["off"] for r in rows}
    t.eq(sorted(n for n in names if n not in off), [], "every function the sender calls exists")
    t.eq(sorted(n for n, v in off.items() if not v), [], "every function the sender calls has jit = off")
    setup = ("LOAD 'auto_explain';\nSET auto_explain.log_min_duration = 0;\nSET auto_explain.log_nested_statements = on;\n"
             "SET auto_explain.log_level = notice;\nSET jit = on;\nSET jit_above_cost = 0;\n"
             "SET jit_inline_above_cost = 0;\nSET jit_optimize_above_cost = 0;\n")
    avail = stack.value("SELECT pg_jit_available() AS a")
    t.require(avail, "this PostgreSQL can JIT (postgresql-15's llvmjit), or the fold's check proves nothing")
    _, said = stack.psql_notices(setup + "SELECT count(*) FROM submission WHERE id > 0;\n")
    t.check("JIT:" in said, f"a plain count with every threshold at 0 is compiled (the check can see JIT): {harness.short(said)}")
    plan = ""
    for _ in range(20):   # the running sender may hold the fold's lock at that moment: then nothing is run
        _, said = stack.psql_notices(setup + "BEGIN;\nSELECT submission_fact_compact();\nROLLBACK;\n")
        # one plan a NOTICE; the call itself (SELECT submission_fact_compact()) runs with the session's jit
        plan = next((b for b in said.split("NOTICE:") if "Query Text: WITH m AS" in b), "")
        if plan:
            break
        time.sleep(0.3)
    t.require(plan, f"the fold's statement ran and was explained: {harness.short(said)}")
    t.check("JIT:" not in plan, f"the fold's statement is not compiled: {harness.short(plan[plan.find('JIT:'):], 300)}")
