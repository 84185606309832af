"""test_retention.py: the data lifecycle: retention purge, case holds, and data-subject requests through the CLI."""
import json
import re

from harness import receipt_of, short


def _out(p):
    return p.stdout.decode(errors="replace")


def _err(p):
    return p.stderr.decode(errors="replace")


def _counts(text):
    return {k: int(v) for k, v in re.findall(r"\b(reports|photos|messages|notes|held)=(\d+)", text)}


def _report(t, stack, text, form_id="concern"):
    """Sends a concern through the worker form; returns (submission id, receipt)."""
    token = stack.demo[0][0]
    r, idem = stack.submit(token, [("category", "wages"), ("text", text)], form_id=form_id)
    rc = receipt_of(r)
    t.require(r.status == 200 and rc, f"submit -> {r.status}: {short(r.text, 300)}")
    return stack.value("SELECT id FROM submission WHERE idempotency_key = :'k'", k=idem), rc


def _decorate(stack, sid, ago, photo_ago=None):
    """Backdates a report and gives it contact details, a photo, a message and a note."""
    photo_ago = photo_ago or ago
    stack.psql(
        "UPDATE submission SET received_at = now() - :'ago'::interval, contact_sealed = '\\x0102'::bytea, "
        "contact_consent_at = now() - :'ago'::interval WHERE id = :'id';"
        "INSERT INTO attachment (submission_id, field, mime, size, sha256, data, created_at) "
        "VALUES (:'id', 'photo', 'image/png', 1, sha256('\\x00'::bytea), '\\x00'::bytea, now() - :'pago'::interval);"
        "INSERT INTO message (submission_id, author, body, created_at) "
        "VALUES (:'id', 'worker', 'Tôi là Nguyễn Văn A, số điện thoại 0912345678', now() - :'ago'::interval);"
        "INSERT INTO note (submission_id, officer_id, body) "
        "VALUES (:'id', (SELECT min(id) FROM officer), 'Người báo là tổ trưởng ca 2');",
        id=sid, ago=ago, pago=photo_ago)


def _state(stack, sid):
    return stack.rows(
        "SELECT s.answers, s.anonymised_at IS NOT NULL AS anonymised, s.contact_sealed IS NULL AS no_contact, "
        "s.status, s.form_id, s.workplace_id, "
        "(SELECT count(*) FROM attachment a WHERE a.submission_id = s.id) AS photos, "
        "(SELECT array_agg(body ORDER BY id) FROM message m WHERE m.submission_id = s.id) AS messages, "
        "(SELECT array_agg(body ORDER BY id) FROM note n WHERE n.submission_id = s.id) AS notes "
        "FROM submission s WHERE s.id = :'id'", id=sid)[0]


def _purge_audits(stack):
    return stack.value("SELECT count(*) AS n FROM audit_log WHERE action = 'purge'")


def test_purge(t, stack):
    old, old_rc = _report(t, stack, "Công ty nợ lương ba tháng, báo cáo cũ")
    mid, _ = _report(t, stack, "Ảnh chụp bảy tháng trước, báo cáo còn giữ")
    new, _ = _report(t, stack, "Báo cáo mới, không được đụng tới")
    _decorate(stack, old, "25 months")
    _decorate(stack, mid, "7 months")
    _decorate(stack, new, "1 day")
    before = {sid: _state(stack, sid) for sid in (old, mid, new)}
    audits = _purge_audits(stack)

    # a dry run says what it would do and changes nothing, not even the audit log
    p = stack.admin("purge", "--dry-run")
    t.require(p.returncode == 0, f"purge --dry-run: exit {p.returncode}: {_err(p)}")
    c = _counts(_out(p))
    t.check(c.get("reports", 0) >= 1 and c.get("photos", 0) >= 2, f"purge --dry-run counts: {_out(p)!r}")
    for sid in (old, mid, new):
        t.eq(_state(stack, sid), before[sid], f"report {sid} after a dry run")
    t.eq(_purge_audits(stack), audits, "purge audit rows after a dry run")

    p = stack.admin("purge")
    t.require(p.returncode == 0, f"purge: exit {p.returncode}: {_err(p)}")
    c = _counts(_out(p))
    t.check(c.get("reports", 0) >= 1 and c.get("photos", 0) >= 2 and c.get("messages", 0) >= 1
            and c.get("notes", 0) >= 1, f"purge counts: {_out(p)!r}")
    s = _state(stack, old)
    t.eq(s["answers"], {}, "old report's answers")
    t.check(s["anonymised"], "old report not marked anonymised")
    t.check(s["no_contact"], "old report kept its contact details")
    t.eq(s["photos"], 0, "old report's photos")
    t.eq(s["messages"], ["[đã xóa]"], "old report's messages")
    t.eq(s["notes"], ["[đã xóa]"], "old report's notes")
    for k in ("status", "form_id", "workplace_id"):
        t.eq(s[k], before[old][k], f"old report's {k} (kept for statistics)")
    t.eq(stack.value("SELECT count(*) AS n FROM submission WHERE search_text LIKE '%no luong ba thang%'"), 0,
         "search index still holds the old answers")
    # the receipt no longer leads anywhere
    p2 = stack.admin("request", "export", "--receipt", old_rc)
    t.check(p2.returncode == 2, f"export of an anonymised report's receipt: exit {p2.returncode}, want 2")
    # 7 months old: photo gone, everything else kept
    s = _state(stack, mid)
    t.eq(s["photos"], 0, "7-month-old report's photos")
    for k in ("answers", "messages", "notes", "anonymised", "no_contact"):
        t.eq(s[k], before[mid][k], f"7-month-old report's {k}")
    t.eq(_state(stack, new), before[new], "recent report after purge")
    t.eq(_purge_audits(stack), audits + 1, "purge audit rows after one run")
    detail = stack.value("SELECT detail FROM audit_log WHERE action = 'purge' ORDER BY id DESC LIMIT 1")
    t.check("reports=" in detail and "photos=" in detail, f"purge audit detail: {detail!r}")
    after = {sid: _state(stack, sid) for sid in (old, mid, new)}

    # a second run finds nothing left to do, and says so in its own audit row
    p = stack.admin("purge")
    t.require(p.returncode == 0, f"second purge: exit {p.returncode}: {_err(p)}")
    c = _counts(_out(p))
    t.eq({k: c.get(k) for k in ("reports", "photos", "messages", "notes")},
         {"reports": 0, "photos": 0, "messages": 0, "notes": 0}, "second purge counts")
    for sid in (old, mid, new):
        t.eq(_state(stack, sid), after[sid], f"report {sid} after a second purge")
    t.eq(_purge_audits(stack), audits + 2, "purge audit rows after two runs")
    p = stack.admin("purge", "--dry-run=yes")
    t.check(p.returncode == 2 and _err(p).strip(), f"purge --dry-run=yes: exit {p.returncode}, want 2 with a message")
    p = stack.admin("purge", "now")
    t.check(p.returncode == 2, f"purge now: exit {p.returncode}, want 2")
    p = stack.admin("audit", "verify")
    if p.returncode != 2 or "unknown command" not in _err(p):   # present once the audit CLI is built
        t.check(p.returncode == 0, f"audit verify after purges: exit {p.returncode}: {_err(p)}")


def test_purge_case_holds(t, stack):
    if not stack.value("SELECT to_regclass('public.case_submission') IS NOT NULL AS ok"):
        t.skip("no case tables (sql/009_cases.sql) in this build")
    held, held_rc = _report(t, stack, "Báo cáo thuộc một vụ việc đang giải quyết")
    closed_recent, _ = _report(t, stack, "Vụ việc vừa kết thúc, còn trong thời hiệu")
    closed_long, _ = _report(t, stack, "Vụ việc kết thúc đã lâu")
    for sid in (held, closed_recent, closed_long):
        _decorate(stack, sid, "30 months")
    cases = {}
    for sid, stage, outcome, ago in [(held, "court", None, "0 days"), (closed_recent, "closed", "mediated", "3 months"),
                                     (closed_long, "closed", "mediated", "14 months")]:
        cases[sid] = stack.psql(
            "WITH c AS (INSERT INTO dispute_case (unit_id, workplace_id, kind, title, stage, outcome, stage_entered_on) "
            "SELECT s.unit_id, s.workplace_id, 'wage_arrears', 'Nợ lương (thử)', :'stage', nullif(:'outcome', ''), "
            "(now() - :'ago'::interval)::date FROM submission s WHERE s.id = :'id' RETURNING id), "
            "l AS (INSERT INTO case_submission (case_id, submission_id) SELECT id, :'id' FROM c) SELECT id FROM c;",
            stage=stage, outcome=outcome or "", ago=ago, id=sid)
    p = stack.admin("purge")
    t.require(p.returncode == 0, f"purge: exit {p.returncode}: {_err(p)}")
    t.check(_counts(_out(p)).get("held", 0) >= 2, f"purge held count: {_out(p)!r}")
    t.check(_state(stack, held)["answers"] != {} and _state(stack, held)["photos"] == 1,
            "a report in an open case lost its answers or photo")
    t.check(_state(stack, closed_recent)["answers"] != {}, "a report of a case closed 3 months ago was anonymised")
    t.eq(_state(stack, closed_long)["answers"], {}, "report of a case closed 14 months ago")
    # erasure on request is refused while the case is open
    p = stack.admin("request", "delete", "--receipt", held_rc)
    t.check(p.returncode == 2 and "open" in _err(p), f"request delete of a report in an open case: exit "
            f"{p.returncode}, want 2 naming the open case; stderr {_err(p)!r}")
    t.check(_state(stack, held)["answers"] != {}, "request delete anonymised a report in an open case")
    stack.psql("UPDATE dispute_case SET stage = 'closed', outcome = 'judgment', stage_entered_on = current_date - 400 "
               "WHERE id = :'c';", c=cases[held])
    p = stack.admin("purge")
    t.check(p.returncode == 0 and _state(stack, held)["answers"] == {},
            f"after its case closed over a year ago the report was not anonymised: {_out(p)!r}")


def test_requests(t, stack):
    mine, rc = _report(t, stack, "Yêu cầu xem dữ liệu: báo cáo của tôi")
    other, other_rc = _report(t, stack, "Báo cáo của người khác, không được lộ")
    stack.psql("INSERT INTO message (submission_id, author, body) VALUES (:'id', 'worker', 'Tôi bổ sung: ca đêm');"
               "INSERT INTO message (submission_id, author, body) VALUES (:'o', 'worker', 'Tin nhắn của người khác');",
               id=mine, o=other)

    def run(*args, want, what):
        p = stack.admin(*args)
        t.check(p.returncode == want, f"{what}: exit {p.returncode}, want {want}; stderr {_err(p).strip()!r}")
        if want != 0:
            t.check(_err(p).strip(), f"{what}: no message on stderr")
            t.check(p.stdout == b"", f"{what}: wrote to stdout on failure: {_out(p)[:100]!r}")
        return p

    p = run("request", "add", "--kind", "access", "--receipt", rc, want=0, what="request add")
    m = re.search(r"request (\d+) added.*acknowledge by (\d{4}-\d{2}-\d{2})", _out(p))
    t.require(m, f"request add output: {_out(p)!r}")
    rid = m.group(1)
    t.eq(stack.value("SELECT status FROM subject_request WHERE id = :'id'", id=rid), "received", "new request status")
    t.eq(stack.value("SELECT count(*) AS n FROM subject_request WHERE id = :'id' AND receipt_hash = "
                     "(SELECT receipt_hash FROM submission WHERE id = :'s')", id=rid, s=mine), 1,
         "request stored under the report's receipt hash")
    # received on a Friday: Monday and Tuesday are the two working days
    stack.psql("UPDATE subject_request SET received_at = '2025-01-03 16:30+07' WHERE id = :'id';", id=rid)
    p2 = run("request", "add", "--kind", "correct", "--subject", "Gọi đường dây nóng, tự xưng tổ trưởng ca 2",
             want=0, what="request add --subject")
    rid2 = re.search(r"request (\d+)", _out(p2)).group(1)
    stack.psql("UPDATE subject_request SET received_at = '2025-01-04 09:00+07' WHERE id = :'id';", id=rid2)   # Saturday
    lines = {ln.split("\t")[0]: ln.split("\t") for ln in _out(run("request", "list", want=0, what="request list")).splitlines()}
    t.require(rid in lines and rid2 in lines, f"request list lacks {rid} or {rid2}: {list(lines)}")
    t.eq(lines[rid][4], "2025-01-07", "acknowledge-by of a request received on Friday 3 Jan 2025")
    t.eq(lines[rid2][4], "2025-01-07", "acknowledge-by of a request received on Saturday 4 Jan 2025")
    t.check("OVERDUE" in lines[rid], f"an unacknowledged request past its day is not flagged: {lines[rid]}")
    t.check(lines[rid2][8].startswith("Gọi đường dây nóng"), f"subject in list: {lines[rid2]}")
    # ack, done; each only once
    run("request", "ack", rid, want=0, what="request ack")
    run("request", "ack", rid, want=2, what="request ack twice")
    t.eq(stack.rows("SELECT status, acknowledged_at IS NOT NULL AS a FROM subject_request WHERE id = :'id'", id=rid),
         [{"status": "acknowledged", "a": True}], "request after ack")
    run("request", "done", rid, "--note", "Đã gửi bản sao cho người lao động", want=0, what="request done")
    run("request", "done", rid, want=2, what="request done twice")
    t.eq(stack.rows("SELECT status, done_at IS NOT NULL AS d, note FROM subject_request WHERE id = :'id'", id=rid),
         [{"status": "done", "d": True, "note": "Đã gửi bản sao cho người lao động"}], "request after done")
    lines = {ln.split("\t")[0]: ln.split("\t") for ln in _out(run("request", "list", want=0, what="request list")).splitlines()}
    t.check("OVERDUE" not in lines.get(rid, []), "a done request is still flagged overdue")
    run("request", "refuse", rid2, want=2, what="request refuse without --note")
    run("request", "refuse", rid2, "--note", "Không xác định được người yêu cầu", want=0, what="request refuse")
    t.eq(stack.value("SELECT count(*) AS n FROM audit_log WHERE object IN (:'a', :'b') AND action LIKE 'request.%'",
                     a=f"request:{rid}", b=f"request:{rid2}"), 5, "audit rows of the two requests")

    # export: exactly this report, typed as a person would
    typed = " ".join(rc[i:i + 4] for i in range(0, 16, 4))
    p = run("request", "export", "--receipt", typed, want=0, what="request export")
    try:
        data = json.loads(_out(p))
    except ValueError as e:
        t.require(False, f"request export is not JSON ({e}): {_out(p)[:300]!r}")
    t.eq(data["report"]["answers"].get("text"), "Yêu cầu xem dữ liệu: báo cáo của tôi", "exported answers")
    t.eq([m["text"] for m in data["messages"]], ["Tôi bổ sung: ca đêm"], "exported messages")
    t.eq(data["report"]["status"], "new", "exported status")
    t.check("người khác" not in _out(p), "export shows another person's report or message")
    t.check(stack.value("SELECT count(*) AS n FROM audit_log WHERE action = 'request.export' AND object = :'o'",
                        o=f"submission:{mine}") == 1, "export not audited")

    # delete: anonymised now, audited; the other report untouched
    other_before = _state(stack, other)
    p = run("request", "delete", "--receipt", rc, want=0, what="request delete")
    s = _state(stack, mine)
    t.eq((s["answers"], s["anonymised"], s["messages"]), ({}, True, ["[đã xóa]"]), "report after request delete")
    t.eq(_state(stack, other), other_before, "another report after request delete")
    t.eq(stack.value("SELECT count(*) AS n FROM audit_log WHERE action = 'request.delete' AND object = :'o'",
                     o=f"submission:{mine}"), 1, "request delete audit rows")
    run("request", "delete", "--receipt", rc, want=2, what="request delete again (receipt now unlinked)")
    run("request", "export", "--receipt", rc, want=2, what="request export after delete")

    # bad input
    n = stack.value("SELECT count(*) AS n FROM subject_request")
    run("request", "add", "--kind", "frobnicate", "--receipt", other_rc, want=2, what="request add, unknown kind")
    run("request", "add", "--receipt", other_rc, want=2, what="request add without --kind")
    run("request", "add", "--kind", "access", "--receipt", "1234", want=2, what="request add, malformed receipt")
    run("request", "add", "--kind", "access", "--receipt", "12345678901234ab", want=2, what="request add, letters in receipt")
    unknown = "0000000000000000" if other_rc != "0000000000000000" else "1111111111111111"
    p = run("request", "add", "--kind", "delete", "--receipt", unknown, want=2, what="request add, unknown receipt")
    t.check("no report" in _err(p), f"unknown receipt message: {_err(p)!r}")
    run("request", "add", "--kind", "access", want=2, what="request add without --receipt or --subject")
    run("request", "add", "--kind", "access", "--receipt", other_rc, "--subject", "x", want=2,
        what="request add with both --receipt and --subject")
    t.eq(stack.value("SELECT count(*) AS n FROM subject_request"), n, "requests stored by refused commands")
    run("request", "export", "--receipt", "12-34", want=2, what="request export, malformed receipt")
    run("request", "export", "--receipt", unknown, want=2, what="request export, unknown receipt")
    run("request", "export", want=2, what="request export without --receipt")
    run("request", "delete", "--receipt", unknown, want=2, what="request delete, unknown receipt")
    run("request", "ack", "999999999", want=2, what="request ack, unknown id")
    run("request", "ack", "abc", want=2, what="request ack, not a number")
    run("request", "done", want=2, what="request done without an id")
    t.eq(_state(stack, other), other_before, "the other report after all the refused commands")
