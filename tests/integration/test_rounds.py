"""test_rounds.py: dialogue and bargaining rounds and the employer's commitments (issue 14 part c): `round add|list`,
`commitment add|set`, /admin/rounds with the frozen brief, participants, minutes and their PDF, commitments done or
broken with evidence, the reports a round took up, bad input named and nothing stored, scope (404 and row-level
security), overdue commitments in the deadline panel, and the dialogues.*, bargaining.*, commitments.* indicators with
the dates they must give."""
import datetime
import hashlib
import json
import os
import re

import harness
import test_agree as agree
import test_brief
import test_case_attachments as docs

WP_OWN = agree.WP_OWN        # demo.tanphong's scope
WP_OTHER = agree.WP_OTHER    # outside it


def _rounds(stack):
    return stack.value("SELECT count(*) FROM workplace_round")


def _commitments(stack):
    return stack.value("SELECT count(*) FROM round_commitment")


def _round(t, stack, code, kind="periodic", held="2026-03-10"):
    """A round added with the CLI; its id."""
    p = stack.admin("round", "add", "--workplace", code, "--kind", kind, "--held", held)
    t.require(p.returncode == 0, f"round add: {p.stderr.decode(errors='replace')}")
    return re.search(r"round (\d+) added", p.stdout.decode()).group(1)


def _commitment(t, stack, round_id, due, text="Tăng giá trị bữa ăn ca lên 25.000 đồng"):
    p = stack.admin("commitment", "add", "--round", round_id, "--text", text, "--due", due)
    t.require(p.returncode == 0, f"commitment add: {p.stderr.decode(errors='replace')}")
    return re.search(r"commitment (\d+) added", p.stdout.decode()).group(1)


def test_round_cli(t, stack):
    pdf = docs.make_pdf("Bien ban doi thoai")
    path = agree._file(pdf)
    html = agree._file(b"<!doctype html><html><script>alert(1)</script></html>")
    try:
        n = _rounds(stack)
        p = stack.admin("round", "add", "--workplace", WP_OWN, "--kind", "periodic", "--held", "2026-03-10",
                        "--employer-reps", "3", "--union-reps", "2", "--worker-reps", "5",
                        "--minutes", "Hai bên thống nhất tăng bữa ăn ca.", "--file", path)
        t.require(p.returncode == 0, f"round add: {p.stderr.decode(errors='replace')}")
        rid = re.search(r"round (\d+) added", p.stdout.decode()).group(1)
        row = stack.rows("SELECT kind, held_on::text AS held, employer_reps AS e, union_reps AS u, worker_reps AS w, minutes, "
                         "encode(sha256, 'hex') AS sha, officer_id FROM workplace_round WHERE id = :'i'", i=rid)[0]
        t.eq(row, {"kind": "periodic", "held": "2026-03-10", "e": 3, "u": 2, "w": 5, "minutes": "Hai bên thống nhất tăng bữa ăn ca.",
                   "sha": hashlib.sha256(pdf).hexdigest(), "officer_id": None}, "stored as given, the PDF byte-exact")
        t.check(stack.value("SELECT count(*) FROM audit_log WHERE action = 'round.add'") >= 1, "audited")
        t.eq(_rounds(stack), n + 1, "one round")

        base = ["round", "add", "--workplace", WP_OWN]
        bad = [
            (base + ["--kind", "weekly", "--held", "2026-03-10"], "--kind", "an unknown kind"),
            (base + ["--kind", "", "--held", "2026-03-10"], "--kind", "an empty kind"),
            (base + ["--kind", "periodic"], "--held", "no day at all"),
            (base + ["--kind", "periodic", "--held", "2026-02-30"], "--held", "a day that does not exist"),
            (base + ["--kind", "periodic", "--planned", "<script>alert(1)</script>"], "--planned", "markup as a day"),
            (base + ["--kind", "periodic", "--held", "2026-03-10" * 500], "--held", "a huge day"),
            (base + ["--kind", "periodic", "--held", "2026-03-10", "--worker-reps", "-1"], "--worker-reps", "negative people"),
            (base + ["--kind", "periodic", "--held", "2026-03-10", "--union-reps", "99999"], "--union-reps", "too many people"),
            (base + ["--kind", "periodic", "--held", "2026-03-10", "--minutes", "x" * 20001], "--minutes", "minutes too long"),
            (base + ["--kind", "periodic", "--held", "2026-03-10", "--file", html], "--file", "a web page as the PDF"),
            (["round", "add", "--workplace", "'; DROP TABLE workplace_round; --", "--kind", "periodic", "--held", "2026-03-10"],
             "--workplace", "an unknown (hostile) workplace"),
        ]
        for args, option, what in bad:
            agree._refused(t, stack, stack.admin(*args), option, what)
        p = stack.admin(*base, "--kind", "periodic", "--held", "2026-03-10", "--minutes", b"\xff\xfe")
        agree._refused(t, stack, p, "--minutes", "minutes that are not UTF-8")
        t.eq(_rounds(stack), n + 1, "nothing stored by any refused round")

        c = _commitments(stack)
        cid = _commitment(t, stack, rid, "2026-04-30")
        t.eq(stack.rows("SELECT status, due_on::text AS due, owner FROM round_commitment WHERE id = :'i'", i=cid)[0],
             {"status": "pending", "due": "2026-04-30", "owner": "Người sử dụng lao động"}, "a pending commitment, the employer's")
        cbase = ["commitment", "add", "--round", rid]
        bad = [
            (cbase + ["--text", "Tăng lương", "--due", "2026-03-09"], "--due", "due before the round"),
            (cbase + ["--text", "Tăng lương", "--due", "30/04/2026"], "--due", "a day in another format"),
            (cbase + ["--text", "", "--due", "2026-04-30"], "--text", "no text"),
            (cbase + ["--text", "x" * 2001, "--due", "2026-04-30"], "--text", "a huge text"),
            (cbase + ["--text", "Tăng lương", "--due", "2026-04-30", "--owner", ""], "--owner", "an empty owner"),
            (["commitment", "add", "--round", "abc", "--text", "Tăng lương", "--due", "2026-04-30"], "--round", "a round not a number"),
            (["commitment", "add", "--round", "99999999", "--text", "Tăng lương", "--due", "2026-04-30"], "--round", "no such round"),
        ]
        for args, option, what in bad:
            agree._refused(t, stack, stack.admin(*args), option, what)
        agree._refused(t, stack, stack.admin(*cbase, "--text", b"\xff", "--due", "2026-04-30"), "--text",
                       "a text that is not UTF-8")
        planned = stack.admin("round", "add", "--workplace", WP_OWN, "--kind", "bargaining", "--planned", "2026-09-01")
        t.require(planned.returncode == 0, "a planned round")
        pid = re.search(r"round (\d+) added", planned.stdout.decode()).group(1)
        agree._refused(t, stack, stack.admin("commitment", "add", "--round", pid, "--text", "x", "--due", "2026-09-30"), "--round",
                       "a commitment at a round not held yet")
        t.eq(_commitments(stack), c + 1, "nothing stored by any refused commitment")

        for args, option, what in [
            (["commitment", "set", "--id", cid, "--status", "maybe"], "--status", "an unknown status"),
            (["commitment", "set", "--id", cid, "--status", "pending"], "--status", "back to pending"),
            (["commitment", "set", "--id", cid, "--status", "done", "--on", "2026-03-01"], "--on", "done before the round"),
            (["commitment", "set", "--id", cid, "--status", "done", "--on", "2026-13-01"], "--on", "a day that does not exist"),
            (["commitment", "set", "--id", "x1", "--status", "done"], "--id", "an id not a number"),
            (["commitment", "set", "--id", cid, "--status", "done", "--on", "2026-04-01", "--file", html], "--file", "not a PDF"),
        ]:
            agree._refused(t, stack, stack.admin(*args), option, what)
        t.eq(stack.value("SELECT status FROM round_commitment WHERE id = :'i'", i=cid), "pending", "still pending")
        p = stack.admin("commitment", "set", "--id", cid, "--status", "done", "--on", "2026-04-20", "--evidence", "Thực đơn mới",
                        "--file", path)
        t.require(p.returncode == 0, f"commitment set: {p.stderr.decode(errors='replace')}")
        t.eq(stack.rows("SELECT status, done_on::text AS d, evidence, size FROM round_commitment WHERE id = :'i'", i=cid)[0],
             {"status": "done", "d": "2026-04-20", "evidence": "Thực đơn mới", "size": len(pdf)}, "done, with evidence")
    finally:
        os.unlink(path)
        os.unlink(html)

    rows = json.loads(stack.admin("round", "list", "--unit", "CD-TANPHONG", "--format", "json").stdout)
    mine = [r for r in rows if str(r["id"]) == rid]
    t.eq(mine, [{"id": int(rid), "workplace": WP_OWN, "kind": "periodic", "planned": None, "held": "2026-03-10",
                 "employer_reps": 3, "union_reps": 2, "worker_reps": 5, "commitments": 1, "pending": 0, "done": 1, "broken": 0,
                 "reports": 0}], "round list: the round with its counts")
    t.check(all(r["workplace"] == WP_OWN for r in rows), "--unit: only its workplaces")
    csv = stack.admin("round", "list", "--unit", "CD-TANPHONG", "--format", "csv").stdout.decode().split("\r\n")
    t.eq(csv[0], "id,workplace,kind,planned,held,employer_reps,union_reps,worker_reps,commitments,pending,done,broken,reports",
         "the CSV header")
    t.check(f"{rid},{WP_OWN},periodic,,2026-03-10,3,2,5,1,0,1,0,0" in csv, f"the CSV row: {csv}")
    agree._refused(t, stack, stack.admin("round", "list", "--format", "xml"), "--format", "an unknown format")
    agree._refused(t, stack, stack.admin("round", "list", "--unit", "NO-SUCH"), "--unit", "an unknown unit")


def _multi(c, path, fields, files=()):
    body, ctype = docs.multipart(list(fields) + [("_csrf", c.csrf)], list(files))
    return c.stack.post(path, body, ctype=ctype, headers=c._headers())


def _value_of(page, ident):
    """The value of the input with id `ident` (several forms on a page share names)."""
    return next((a.get("value", "") for tag, a in page.tags if tag == "input" and a.get("id") == ident), None)


def _back(t, r, field_id, what, status=400):
    t.eq(r.status, status, f"{what}: {status}")
    page = harness.parse_html(r.text)
    t.check(page.by_id.get(f"e-{field_id}"), f"{what}: the error beside {field_id}")
    t.check("<script>alert(1)</script>" not in r.text, f"{what}: nothing echoed unescaped")
    return page


def test_round_console(t, stack):
    c = harness.demo_console(t, stack, "demo.tanphong")
    own, other = agree._wid(stack, WP_OWN), agree._wid(stack, WP_OTHER)
    t.eq(c.get("/admin/rounds").status, 200, "the rounds page opens")
    t.check('href="/admin/rounds"' in c.get("/admin/").text, "the menu links it")
    n = _rounds(stack)
    r = c.post("/admin/rounds", [("workplace", own), ("kind", "request"), ("planned", ""), ("held", "2026-05-04")])
    t.eq(r.status, 303, f"a round is recorded: {harness.short(r.text)}")
    rid = str(stack.value("SELECT max(id) FROM workplace_round"))
    t.eq(stack.value("SELECT o.username FROM workplace_round x JOIN officer o ON o.id = x.officer_id WHERE x.id = :'i'", i=rid),
         "demo.tanphong", "by the officer")
    page = c.get(f"/admin/rounds/{rid}")
    t.eq(page.status, 200, "the round's page opens")
    t.check("Đối thoại theo yêu cầu" in page.text and 'id="brief-frozen"' not in page.text, "its kind; no brief")
    t.check(f'data-id="{rid}"' in c.get(f"/admin/rounds?workplace={own}&kind=request").text, "listed under its filters")
    t.check(f'data-id="{rid}"' not in c.get("/admin/rounds?kind=bargaining").text, "not under another kind")
    t.eq(c.get("/admin/rounds?kind=weekly").status, 400, "an unknown kind filter: 400")

    bad = [
        ([("workplace", own), ("kind", "weekly"), ("held", "2026-05-04")], "f-round-kind", "an unknown kind"),
        ([("workplace", own), ("kind", "periodic"), ("held", "")], "f-round-held", "no day"),
        ([("workplace", own), ("kind", "periodic"), ("held", "<script>alert(1)</script>")], "f-round-held", "markup as a day"),
        ([("workplace", own), ("kind", "periodic"), ("held", "2" * 5000)], "f-round-held", "a huge day"),
        ([("workplace", other), ("kind", "periodic"), ("held", "2026-05-04")], "f-round-workplace", "a workplace outside the scope"),
        ([("workplace", "'; DROP TABLE workplace_round; --"), ("kind", "periodic"), ("held", "2026-05-04")], "f-round-workplace",
         "SQL as the workplace"),
    ]
    for fields, fid, what in bad:
        p = _back(t, c.post("/admin/rounds", fields), fid, what)
        t.eq(p.inputs.get("held"), dict(fields)["held"], f"{what}: the day kept")
    t.eq(_rounds(stack), n + 1, "nothing stored by a refused round")

    # the round's details: participants by role, minutes, their PDF
    pdf = docs.make_pdf("Bien ban")
    good = [("kind", "request"), ("planned", ""), ("held", "2026-05-04"), ("employer_reps", "2"), ("union_reps", "3"),
            ("worker_reps", "4"), ("minutes", "Biên bản: <b>đồng ý</b> tăng ca có trả lương.")]
    r = _multi(c, f"/admin/rounds/{rid}", good, [("file", "bien-ban.pdf", pdf)])
    t.eq(r.status, 303, f"the details are saved: {harness.short(r.text)}")
    page = c.get(f"/admin/rounds/{rid}")
    t.check("&lt;b&gt;đồng ý&lt;/b&gt;" in page.text, "the minutes shown escaped")
    d = c.get(f"/admin/round-file/{rid}")
    t.eq((d.status, d.body), (200, pdf), "the minutes' PDF downloads byte-exact")
    before = stack.rows("SELECT minutes, employer_reps FROM workplace_round WHERE id = :'i'", i=rid)
    for fields, files, fid, what in [
        (good[:3] + [("employer_reps", "-2")] + good[4:], [], "f-round-employer_reps", "negative people"),
        (good[:3] + [("employer_reps", "abc")] + good[4:], [], "f-round-employer_reps", "people not a number"),
        (good[:6] + [("minutes", "x" * 20001)], [], "f-round-minutes", "minutes too long"),
        (good, [("file", "bien-ban.pdf", b"<!doctype html><html>not a pdf</html>")], "f-round-file", "a web page named .pdf"),
        (good, [("file", "bien-ban.pdf", b"%PDF-1.4\n<script>alert(1)</script>")], "f-round-file", "only the magic"),
    ]:
        p = _back(t, _multi(c, f"/admin/rounds/{rid}", fields, files), fid, what)
        t.eq(p.inputs.get("employer_reps"), dict(fields)["employer_reps"], f"{what}: the typed count kept")
    t.eq(stack.rows("SELECT minutes, employer_reps FROM workplace_round WHERE id = :'i'", i=rid), before, "nothing changed")

    # commitments: add, refuse, settle
    c.get(f"/admin/rounds/{rid}")
    k = _commitments(stack)
    today = agree._today()
    late_due = agree._iso(today - datetime.timedelta(days=3)) if today - datetime.timedelta(days=3) >= datetime.date(2026, 5, 4) \
        else "2026-05-05"
    r = c.post(f"/admin/rounds/{rid}/commitments", [("text", "Trả lương làm thêm giờ đúng hạn"), ("due", late_due),
                                                   ("owner", "Phòng Nhân sự")])
    t.eq(r.status, 303, f"a commitment is recorded: {harness.short(r.text)}")
    cid = str(stack.value("SELECT max(id) FROM round_commitment"))
    for fields, fid, what in [
        ([("text", "Tăng lương"), ("due", "2026-05-03"), ("owner", "NSDLĐ")], "f-commitment-due", "due before the round"),
        ([("text", ""), ("due", "2026-06-01"), ("owner", "NSDLĐ")], "f-commitment-text", "no text"),
        ([("text", "x" * 2001), ("due", "2026-06-01"), ("owner", "NSDLĐ")], "f-commitment-text", "a huge text"),
        ([("text", "Tăng lương"), ("due", "<script>alert(1)</script>"), ("owner", "NSDLĐ")], "f-commitment-due", "markup as a day"),
        ([("text", "Tăng lương"), ("due", "2026-06-01"), ("owner", "")], "f-commitment-owner", "no owner"),
    ]:
        r = c.post(f"/admin/rounds/{rid}/commitments", fields)
        _back(t, r, fid, what)
        t.eq(harness.textarea_value(r.text, "text"), dict(fields)["text"], f"{what}: the text kept")
    hostile = "<script>alert(1)</script> Cam kết' OR 1=1 --"
    t.eq(c.post(f"/admin/rounds/{rid}/commitments", [("text", hostile), ("due", "2026-12-31"), ("owner", "NSDLĐ")]).status, 303,
         "hostile text is stored as text")
    hid = str(stack.value("SELECT max(id) FROM round_commitment"))
    page = c.get(f"/admin/rounds/{rid}")
    t.check("&lt;script&gt;alert(1)&lt;/script&gt; Cam kết" in page.text, "and shown escaped")
    t.eq(_commitments(stack), k + 2, "nothing stored by a refused commitment")

    # the overdue commitment is in the front page's panel (its due day has passed), the other not
    front = c.get("/admin/").text
    t.check('id="commitments-overdue"' in front and f'data-commitment="{cid}"' in front,
            "the panel lists the overdue commitment" if late_due < agree._iso(today) else "skipped: the due day is not past")
    t.check(f'data-commitment="{hid}"' not in front, "not one due later")

    for fields, files, fid, what in [
        ([("status", "maybe"), ("on", "2026-06-01"), ("evidence", "")], [], f"f-settle{cid}-status", "an unknown status"),
        ([("status", "pending"), ("on", "2026-06-01"), ("evidence", "")], [], f"f-settle{cid}-status", "back to pending"),
        ([("status", "done"), ("on", "2026-05-01"), ("evidence", "")], [], f"f-settle{cid}-on", "done before the round"),
        ([("status", "done"), ("on", "")], [], f"f-settle{cid}-on", "no day"),
        ([("status", "done"), ("on", "2026-06-01"), ("evidence", "x" * 4001)], [], f"f-settle{cid}-evidence", "huge evidence"),
        ([("status", "done"), ("on", "2026-06-01")], [("file", "x.pdf", b"GIF89a not a pdf")], f"f-settle{cid}-file", "not a PDF"),
    ]:
        p = _back(t, _multi(c, f"/admin/commitments/{cid}", fields, files), fid, what)
        t.eq(_value_of(p, f"f-settle{cid}-on"), dict(fields)["on"], f"{what}: the day kept")
    t.eq(stack.value("SELECT status FROM round_commitment WHERE id = :'i'", i=cid), "pending", "still pending")
    r = _multi(c, f"/admin/commitments/{cid}", [("status", "broken"), ("on", agree._iso(today)), ("evidence", "Chưa trả")],
               [("file", "bang-chung.pdf", pdf)])
    t.eq(r.status, 303, f"marked broken: {harness.short(r.text)}")
    t.eq(stack.value("SELECT status FROM round_commitment WHERE id = :'i'", i=cid), "broken", "stored broken")
    t.eq(c.get(f"/admin/commitment-file/{cid}").body, pdf, "the evidence downloads byte-exact")
    t.check(f'data-commitment="{cid}"' not in c.get("/admin/").text, "a settled commitment leaves the panel")
    t.check(stack.value("SELECT count(*) FROM audit_log WHERE action IN ('commitment.add', 'commitment.set', 'round.edit')") >= 3,
            "audited")

    # reports: one by number, not one of another workplace
    sid = str(test_brief._report(t, stack, WP_OWN))
    c.get(f"/admin/rounds/{rid}")
    t.eq(c.post(f"/admin/rounds/{rid}/reports", [("action", "add"), ("report", sid)]).status, 303, "a report linked")
    t.check(f'data-report="{sid}"' in c.get(f"/admin/rounds/{rid}").text, "listed on the round")
    t.eq(stack.value("SELECT count(*) FROM round_submission WHERE round_id = :'r' AND submission_id = :'s'", r=rid, s=sid), 1,
         "the link row")
    theirs = str(test_brief._report(t, stack, WP_OTHER))
    _back(t, c.post(f"/admin/rounds/{rid}/reports", [("action", "add"), ("report", theirs)]), "f-report-report",
          "another unit's report")
    _back(t, c.post(f"/admin/rounds/{rid}/reports", [("action", "add"), ("report", "12x")]), "f-report-report", "a bad number")
    t.eq(c.post(f"/admin/rounds/{rid}/reports", [("action", "remove"), ("report", sid)]).status, 303, "a report unlinked")
    t.eq(stack.value("SELECT count(*) FROM round_submission WHERE round_id = :'r'", r=rid), 0, "no link left")

    # scope: the province's round at the other unit's workplace is 404 to the ward, and invisible in the database
    prov = harness.demo_console(t, stack)
    oid = _round(t, stack, WP_OTHER, held="2026-05-10")
    ocid = _commitment(t, stack, oid, "2026-06-10")
    t.check(f'data-id="{oid}"' in prov.get("/admin/rounds").text, "the province sees the other unit's round")
    t.eq(c.get(f"/admin/rounds/{oid}").status, 404, "the ward: its page is 404")
    t.check(f'data-id="{oid}"' not in c.get("/admin/rounds").text, "and not listed")
    k = _commitments(stack)
    t.eq(c.post(f"/admin/rounds/{oid}/commitments", [("text", "x"), ("due", "2026-06-30"), ("owner", "NSDLĐ")]).status, 404,
         "a commitment on a round outside the scope: 404")
    t.eq(_multi(c, f"/admin/commitments/{ocid}", [("status", "done"), ("on", "2026-06-01")]).status, 404,
         "settling one outside the scope: 404")
    t.eq(c.post(f"/admin/rounds/{oid}/reports", [("action", "add"), ("report", theirs)]).status, 404, "linking there: 404")
    t.eq(c.get(f"/admin/commitment-file/{ocid}").status, 404, "its evidence: 404")
    t.eq(_commitments(stack), k, "nothing stored")
    t.eq(stack.value("SELECT status FROM round_commitment WHERE id = :'i'", i=ocid), "pending", "nothing changed")
    scope = stack.value("SELECT path FROM org_unit WHERE code = 'CD-TANPHONG'")
    ok, out = docs._as_officer(stack, f"SELECT count(*) FROM workplace_round WHERE id = {int(oid)}", scope, "officer")
    t.eq((ok, out), (True, "0"), "row-level security: the ward sees none of it")
    ok, out = docs._as_officer(stack, f"SELECT count(*) FROM round_commitment WHERE id = {int(ocid)}", scope, "officer")
    t.eq((ok, out), (True, "0"), "nor its commitments")
    ok, _ = docs._as_officer(stack, f"UPDATE round_commitment SET status = 'done', done_on = '2026-06-01' WHERE id = {int(ocid)} "
                             "RETURNING id", scope, "officer")
    t.eq(stack.value("SELECT status FROM round_commitment WHERE id = :'i'", i=ocid), "pending", "nor change them")

    # a viewer reads but may not post
    v = test_brief._viewer(t, stack)
    page = v.get(f"/admin/rounds/{rid}")
    t.eq(page.status, 200, "a viewer opens the round")
    t.check('id="f-commitment-text"' not in page.text and 'id="f-round-kind"' not in v.get("/admin/rounds").text,
            "and gets no form")
    t.eq(v.post(f"/admin/rounds/{rid}/commitments", [("text", "x"), ("due", "2026-06-30"), ("owner", "y")]).status, 403,
         "a viewer's post is refused")


def test_round_brief(t, stack):
    """A round started from the brief keeps the brief's text as it was: a later report does not change it."""
    c = harness.demo_console(t, stack)
    _admin(t, stack, "workplace", "add", "--code", "ROUND-BRIEF", "--name", "Công ty thử phiên đối thoại", "--unit", "CDN-CONGTHUONG")
    wid = stack.value("SELECT id FROM workplace WHERE code = 'ROUND-BRIEF'")
    token = _admin(t, stack, "qr", "create", "--workplace", "ROUND-BRIEF").stdout.decode().strip().splitlines()[-1].rsplit("/", 1)[-1]
    today = agree._today()
    for i in range(6):
        r, _ = stack.submit(token, [("category", "meals"), ("text", f"Bữa ăn ca kém {i}")])
        t.require(harness.receipt_of(r), "a concern stored")
    frm, to = agree._iso(today - datetime.timedelta(days=7)), agree._iso(today)
    brief = c.get(f"/admin/brief?workplace={wid}&from={frm}&to={to}&k=5")
    t.eq(brief.status, 200, "the brief")
    t.check('id="round-start"' in brief.text, "offers to start a round from it")
    n = _rounds(stack)
    r = c.post("/admin/rounds", [("workplace", str(wid)), ("from", frm), ("to", to), ("k", "5"), ("kind", "periodic"),
                                 ("planned", ""), ("held", agree._iso(today))])
    t.eq(r.status, 303, f"the round starts from the brief: {harness.short(r.text)}")
    rid = str(stack.value("SELECT max(id) FROM workplace_round"))
    frozen = stack.rows("SELECT brief_text, brief_from::text AS f, brief_to::text AS e, brief_k AS k FROM workplace_round "
                        "WHERE id = :'i'", i=rid)[0]
    t.eq((frozen["f"], frozen["e"], frozen["k"]), (frm, to, 5), "the brief's period and k")
    text = frozen["brief_text"]
    t.check("Tâm tư, kiến nghị | 6" in text and "Tổng | 6" in text, f"the brief's figures as text: {text[:900]!r}")
    t.check("<" not in text and "Ctrl+P" not in text, "no markup, no screen-only notes")
    r, _ = stack.submit(token, [("category", "meals"), ("text", "Một phản ánh đến sau")])
    t.require(harness.receipt_of(r), "a later concern")
    t.eq(stack.value("SELECT brief_text FROM workplace_round WHERE id = :'i'", i=rid), text, "the frozen brief did not change")
    page = c.get(f"/admin/rounds/{rid}")
    t.check('id="brief-frozen"' in page.text and "Tổng | 6" in page.text, "the round page shows the frozen brief")
    ok, _ = docs._as_officer(stack, f"UPDATE workplace_round SET brief_text = 'x' WHERE id = {int(rid)}", "/", "admin")
    t.check(not ok, "the database refuses to change a frozen brief")
    # the reports of the brief's period, linked in one go
    t.eq(c.post(f"/admin/rounds/{rid}/reports", [("action", "brief")]).status, 303, "the brief's reports linked")
    t.eq(stack.value("SELECT count(*) FROM round_submission WHERE round_id = :'i'", i=rid), 7,
         "every report of the workplace in the period (the later one too: it is in the period)")
    # a brief that cannot be made: the round is refused, the form back
    bad = c.post("/admin/rounds", [("workplace", str(wid)), ("from", to), ("to", frm), ("k", "5"), ("kind", "periodic"),
                                   ("held", agree._iso(today))])
    _back(t, bad, "f-round-workplace", "a brief with its days out of order")
    t.eq(harness.parse_html(bad.text).inputs.get("from"), to, "the brief's arguments kept")
    t.eq(_rounds(stack), n + 1, "nothing stored by the refused one")


# (from, to, {code: total}) over a unit of their own; see the rounds and commitments made below
STATS = [
    ("2026-01-01", "2026-06-30", {"dialogues.held": 2, "bargaining.rounds": 1, "commitments.made": 4,
                                  "commitments.kept_on_time": 1, "commitments.kept_pct": 25}),
    ("2026-01-01", "2026-03-31", {"dialogues.held": 1, "bargaining.rounds": 1, "commitments.made": 3,
                                  "commitments.kept_on_time": 1, "commitments.kept_pct": 33}),
    ("2026-04-01", "2026-12-31", {"dialogues.held": 1, "bargaining.rounds": 0, "commitments.made": 1,
                                  "commitments.kept_on_time": 0, "commitments.kept_pct": 0}),
    ("2025-01-01", "2025-12-31", {"dialogues.held": 0, "bargaining.rounds": 0, "commitments.made": 0,
                                  "commitments.kept_on_time": 0, "commitments.kept_pct": 0}),
]


def _admin(t, stack, *args):
    """A CLI command that must succeed."""
    p = stack.admin(*args)
    t.require(p.returncode == 0, f"{' '.join(args)}: {p.stderr.decode(errors='replace')}")
    return p


def test_round_stats(t, stack):
    def admin(*args):
        return _admin(t, stack, *args)

    admin("unit", "add", "--code", "ROUND-STATS", "--name", "Công đoàn thử đối thoại", "--parent", "LDLD-LAICHAU")
    admin("workplace", "add", "--code", "ROUND-W1", "--name", "Doanh nghiệp đối thoại", "--unit", "ROUND-STATS")
    periodic = _round(t, stack, "ROUND-W1", "periodic", "2026-02-10")
    bargaining = _round(t, stack, "ROUND-W1", "bargaining", "2026-03-05")
    request = _round(t, stack, "ROUND-W1", "request", "2026-05-20")
    _round(t, stack, "ROUND-W1", "periodic", "2027-01-15")           # outside every period below
    kept = _commitment(t, stack, periodic, "2026-03-31")              # done on the due day: kept on time
    late = _commitment(t, stack, periodic, "2026-03-15")              # done after it: not kept on time
    _commitment(t, stack, bargaining, "2026-06-30")                   # broken
    _commitment(t, stack, request, "2026-07-31")                      # still pending
    broken = stack.value("SELECT max(id) FROM round_commitment c WHERE c.round_id = :'r'", r=bargaining)
    for cid, status, on in ((kept, "done", "2026-03-31"), (late, "done", "2026-03-16"), (broken, "broken", "2026-07-01")):
        admin("commitment", "set", "--id", str(cid), "--status", status, "--on", on)
    rows = stack.rows("SELECT code, source FROM stats_indicator WHERE code ~ '^(dialogues|bargaining|commitments)\\.' "
                      "ORDER BY position")
    t.eq([r["code"] for r in rows], ["dialogues.held", "bargaining.rounds", "commitments.made", "commitments.kept_on_time",
                                     "commitments.kept_pct"], "the indicator rows")
    src = {r["code"]: r["source"] for r in rows}
    t.check("Nghị định 145/2020/NĐ-CP, Điều 39" in src["dialogues.held"], f"periodic dialogue's source: {src}")
    t.check("Điều 65-70" in src["bargaining.rounds"], "bargaining's source")
    for frm, to, want in STATS:
        p = stack.admin("export", "stats", "--unit", "ROUND-STATS", "--from", frm, "--to", to, "--format", "json")
        t.require(p.returncode == 0, f"export stats: {p.stderr.decode(errors='replace')}")
        doc = json.loads(p.stdout)["indicators"]
        t.eq({i["code"]: i["total"] for i in doc if i["code"] in want}, want, f"the indicators {frm}..{to}")
    c = harness.demo_console(t, stack)
    unit = stack.value("SELECT id FROM org_unit WHERE code = 'ROUND-STATS'")
    page = c.get(f"/admin/stats?unit={unit}&from=2026-01-01&to=2026-06-30")
    t.eq(page.status, 200, "/admin/stats")
    t.check("Số cuộc đối thoại tại nơi làm việc đã tổ chức" in page.text and "Số phiên thương lượng tập thể" in page.text,
            "shows the rounds' indicators")
