"""test_legal.py: issue 11's remaining parts: each unit's reply time and the answered-in-time figures (exact dates
across a weekend, a holiday and a swapped day), reports counted under the unit they arrived at on the dashboard and
in the brief after a move, the dossier's case facts, and Decree 145/2020 on the dialogue deadline."""
import io
import json
import re
import secrets
import zipfile

import harness
import test_stats

L, LA, LB = "LEGAL-T", "LEGAL-TA", "LEGAL-TB"   # a tree of its own: LA inherits L's reply time, LB has its own
FROM, TO = "2025-12-01", "2026-01-31"


def _admin(t, stack, *args):
    p = stack.admin(*args)
    t.require(p.returncode == 0, f"{' '.join(args)}: exit {p.returncode} {p.stderr.decode(errors='replace')}")
    return p.stdout.decode()


def _reply(stack, sid, at):
    stack.psql("INSERT INTO message (submission_id, author, officer_id, body, created_at) VALUES (:'s', 'officer', "
               "(SELECT id FROM officer WHERE username = 'demo.tinh'), 'Công đoàn đã nhận phản ánh.', "
               "(:'at')::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh')", s=sid, at=at)


def _tree(t, stack):
    if stack.rows("SELECT 1 FROM org_unit WHERE code = :'c'", c=L):
        return
    _admin(t, stack, "unit", "add", "--code", L, "--name", "CĐ thử thời hạn trả lời", "--parent", "LDLD-LAICHAU",
           "--kind", "district")
    for code in (LA, LB):
        _admin(t, stack, "unit", "add", "--code", code, "--name", f"CĐCS {code}", "--parent", L, "--kind", "grassroots")
    _admin(t, stack, "workplace", "add", "--code", "LEGAL-WA", "--name", "Công ty thử A", "--unit", LA)
    _admin(t, stack, "workplace", "add", "--code", "LEGAL-WB", "--name", "Công ty thử B", "--unit", LB)


def _days(stack, code):
    return stack.value("SELECT (unit_reply_days(id)).days FROM org_unit WHERE code = :'c'", c=code)


def test_reply_days_setting(t, stack):
    _tree(t, stack)
    t.eq(_days(stack, LA), 5, "nothing set anywhere: the default 5 working days")
    out = _admin(t, stack, "unit", "reply-days", "--unit", L, "--days", "2")
    t.check("2 working days" in out, f"the CLI says what now applies: {out!r}")
    t.eq((_days(stack, L), _days(stack, LA)), (2, 2), "the parent's 2 days, inherited by the unit below")
    _admin(t, stack, "unit", "reply-days", "--unit", LB, "--days", "3")
    t.eq(_days(stack, LB), 3, "a unit's own setting wins over its parent's")
    t.check(stack.value("SELECT count(*) FROM audit_log WHERE action = 'unit.update' AND detail = 'cli: reply days 3'") >= 1,
            "the change is audited")
    before = stack.rows("SELECT code, reply_days FROM org_unit WHERE code LIKE 'LEGAL-T%' ORDER BY code")
    bad = ["", "0", "61", "abc", "2.5", "-3", "3; DROP TABLE org_unit", "<script>", "9" * 400, "٣"]
    for v in bad:
        p = stack.admin("unit", "reply-days", "--unit", LA, "--days", v)
        t.eq(p.returncode, 2, f"--days {v[:20]!r}: exit 2")
        t.check(b"--days" in p.stderr, f"--days {v[:20]!r}: the message names --days: {p.stderr[:200]!r}")
    p = stack.admin("unit", "reply-days", "--unit", "NO-SUCH'; --", "--days", "4")
    t.check(p.returncode == 2 and b"--unit" in p.stderr, f"an unknown unit: exit 2 naming --unit: {p.stderr[:200]!r}")
    p = stack.admin("unit", "reply-days", "--unit", LA)
    t.eq(p.returncode, 2, "--days missing: exit 2")
    p = stack.admin("unit", "reply-days", "--unit", b"LEGAL-\xff", "--days", "4")
    t.eq(p.returncode, 2, "a non-UTF-8 unit code: exit 2")
    t.eq(stack.rows("SELECT code, reply_days FROM org_unit WHERE code LIKE 'LEGAL-T%' ORDER BY code"), before,
         "nothing stored by a refused command")
    _admin(t, stack, "unit", "reply-days", "--unit", LA, "--days", "4")
    _admin(t, stack, "unit", "reply-days", "--unit", LA, "--days", "inherit")
    t.eq(_days(stack, LA), 2, "--days inherit: back to the parent's")

    # the console: an admin of the unit sees and sets it; bad values are 400 beside the field, nothing stored
    c = harness.demo_console(t, stack, "demo.tinh")
    uid = str(stack.value("SELECT id FROM org_unit WHERE code = :'c'", c=LA))
    page = c.get(f"/admin/units/{uid}")
    t.check("Thời hạn trả lời phản ánh" in page.text and "2 ngày làm việc (theo CĐ thử thời hạn trả lời)" in page.text,
            "the unit page shows the time that applies and whose it is")
    name = stack.value("SELECT name FROM org_unit WHERE id = :'i'", i=uid)
    for v in ["0", "61", "abc", "<script>alert(1)</script>", "1" * 5000, "4 ngày", "\u00ff\u00fe"]:
        r = c.post(f"/admin/units/{uid}", [("action", "update"), ("name", name), ("hotline", ""), ("reply_days", v)])
        t.eq(r.status, 400, f"reply_days {v[:20]!r}: 400")
        t.check('id="e-f-update-reply_days"' in r.text, f"reply_days {v[:20]!r}: the error beside the field")
        t.check("<script>alert" not in r.text, "the typed value comes back escaped")
    t.eq(stack.value("SELECT reply_days FROM org_unit WHERE id = :'i'", i=uid), None, "nothing stored")
    r = c.post(f"/admin/units/{uid}", [("action", "update"), ("name", name), ("hotline", ""), ("reply_days", "7")])
    t.eq(r.status, 303, "a good value is saved")
    t.eq(_days(stack, LA), 7, "the unit's own 7 days")
    t.check("7 ngày làm việc (của đơn vị này)" in c.get(f"/admin/units/{uid}").text, "and shown as its own")
    r = c.post(f"/admin/units/{uid}", [("action", "update"), ("name", name), ("hotline", ""), ("reply_days", "")])
    t.eq((r.status, _days(stack, LA)), (303, 2), "emptied: it follows the parent again")
    t.check(stack.value("SELECT count(*) FROM audit_log WHERE action = 'unit.update' AND object = :'o' "
                        "AND detail LIKE '%reply days%'", o=f"unit:{uid}") >= 2, "console changes audited")


def test_answered_in_time(t, stack):
    """Exact dates: Wednesday 31/12/2025, then Thursday 1/1/2026 (holiday), Friday 2/1 (swapped day off), the
    weekend; with 2 working days the reply is due Tuesday 6/1/2026."""
    _tree(t, stack)
    _admin(t, stack, "unit", "reply-days", "--unit", L, "--days", "2")
    _admin(t, stack, "unit", "reply-days", "--unit", LA, "--days", "inherit")
    _admin(t, stack, "unit", "reply-days", "--unit", LB, "--days", "3")
    t.eq(stack.value("SELECT add_working_days('2025-12-31', 2)::text"), "2026-01-06",
         "2 working days after 31/12/2025: Tuesday 6/1/2026 (holiday, swapped day, weekend skipped)")
    t.eq([stack.value("SELECT working_days_between('2025-12-31', :'d')", d=d) for d in
          ("2025-12-31", "2026-01-04", "2026-01-05", "2026-01-06", "2026-01-07")], [0, 0, 1, 2, 3],
         "working days from 31/12/2025 to the same day, Sunday 4/1, Monday, Tuesday, Wednesday")
    if not stack.rows("SELECT 1 FROM submission s JOIN workplace w ON w.id = s.workplace_id WHERE w.code = 'LEGAL-WA'"):
        ins = test_stats._insert_report
        _reply(stack, ins(stack, "LEGAL-WA", "concern", "2025-12-31 10:00", {"category": "hours"}), "2026-01-06 16:00")  # 2: in
        _reply(stack, ins(stack, "LEGAL-WA", "concern", "2025-12-31 11:00", {"category": "hours"}), "2026-01-07 08:00")  # 3: late
        ins(stack, "LEGAL-WA", "concern", "2025-12-31 12:00", {"category": "hours"})                 # never: overdue
        ins(stack, "LEGAL-WA", "concern", "2026-01-30 09:00", {"category": "hours"})                 # due 3/2: pending
        _reply(stack, ins(stack, "LEGAL-WA", "concern", "2026-01-05 09:00", {"category": "hours"}), "2026-01-05 15:00")  # 0
        _reply(stack, ins(stack, "LEGAL-WB", "concern", "2025-12-31 10:00", {"category": "hours"}), "2026-01-07 09:00")  # 3 of 3
        _reply(stack, ins(stack, "LEGAL-WB", "concern", "2026-01-08 10:00", {"category": "hours"}), "2026-01-09 10:00")  # 1
        ins(stack, "LEGAL-WB", "concern", "2026-01-09 10:00", {"category": "hours"}, status="spam")  # never counted
    p = stack.admin("export", "stats", "--unit", L, "--from", FROM, "--to", TO, "--format", "json")
    t.require(p.returncode == 0, f"export stats: {p.stderr.decode(errors='replace')}")
    doc = json.loads(p.stdout)
    inds = {i["code"]: i for i in doc["indicators"]}
    for code in ("reports.answered_in_time", "reports.answered_in_time_pct", "reports.median_days_to_reply"):
        t.require(code in inds, f"{code} is in the JSON export")
        t.check("NQ 07" in inds[code]["source"], f"{code} carries its source")
    t.check("ngày làm việc" in inds["reports.answered_in_time"]["source"], "the definition says working days")
    fig = {c: inds[c]["total"] for c in ("reports.total", "reports.answered", "reports.answered_in_time",
                                         "reports.answered_in_time_pct", "reports.median_days_to_reply")}
    t.eq(fig, {"reports.total": 7, "reports.answered": 5, "reports.answered_in_time": 4,
               "reports.answered_in_time_pct": 67, "reports.median_days_to_reply": 2},
         "7 reports, 5 answered, 4 in time (4 of 6 due: 67%), median 2 working days")
    t.eq(inds["reports.answered_in_time"]["by_unit"], {LA: 2, LB: 2, L: 0},
         "by unit: LA 2 of its 2-day limit, LB 2 of its own 3-day limit")
    t.eq(inds["reports.median_days_to_reply"]["by_unit"][LB], 2, "LB's median of 3 and 1 working days: 2")
    # the pending report becomes overdue once the cut-off passes its due day (3/2/2026)
    p = stack.admin("export", "stats", "--unit", L, "--from", FROM, "--to", "2026-02-28", "--format", "json")
    later = {i["code"]: i["total"] for i in json.loads(p.stdout)["indicators"]}
    t.eq(later["reports.answered_in_time_pct"], 57, "cut-off 28/2: the report of 30/1 is overdue too (4 of 7)")

    # the stats page and the CSV and XLSX exports carry the rows
    c = harness.demo_console(t, stack, "demo.tinh")
    uid = str(stack.value("SELECT id FROM org_unit WHERE code = :'c'", c=L))
    page = c.get(f"/admin/stats?unit={uid}&from={FROM}&to={TO}")
    t.eq(page.status, 200, "the stats page")
    for label in ("Phản ánh được trả lời trong thời hạn của đơn vị", "tỷ lệ trả lời trong thời hạn (%)",
                  "Số ngày làm việc trung vị đến lần trả lời đầu"):
        t.check(label in page.text, f"the stats page shows {label!r}")
    csv = stack.admin("export", "stats", "--unit", L, "--from", FROM, "--to", TO, "--format", "csv").stdout.decode()
    t.check(re.search(r"Phản ánh được trả lời trong thời hạn của đơn vị[^\n]*\b4\b", csv), "the CSV row with 4")
    x = stack.admin("export", "stats", "--unit", L, "--from", FROM, "--to", TO, "--format", "xlsx")
    t.require(x.returncode == 0, "the XLSX export")
    with zipfile.ZipFile(io.BytesIO(x.stdout)) as z:
        strings = z.read("xl/sharedStrings.xml").decode()
    t.check("Số ngày làm việc trung vị đến lần trả lời đầu" in strings, "the XLSX carries the median row")


def _wp_reports(stack, code, n, day):
    for i in range(n):
        test_stats._insert_report(stack, code, "concern", f"{day} 0{i}:00", {"category": "hours"})


def _dash_units(text):
    return {m.group(1): int(m.group(2).replace(".", "").replace(",", "")) for m in re.finditer(
        r'<tr data-unit="(\d+)"><th scope="row">[^<]*</th><td class="num">([\d.,]+)</td>', text)}


def test_reparent_dashboard_brief(t, stack):
    """A workplace moves from RA to RB and unit RC moves under RB: the dashboard and the brief keep each report
    under the unit it arrived at (RC's reports follow RC, which is still the unit they arrived at)."""
    R, RA, RB, RC = "LEGAL-R", "LEGAL-RA", "LEGAL-RB", "LEGAL-RC"
    if not stack.rows("SELECT 1 FROM org_unit WHERE code = :'c'", c=R):
        _admin(t, stack, "unit", "add", "--code", R, "--name", "CĐ thử chuyển đơn vị", "--parent", "LDLD-LAICHAU",
               "--kind", "district")
        for code in (RA, RB, RC):
            _admin(t, stack, "unit", "add", "--code", code, "--name", f"CĐCS {code}", "--parent", R, "--kind", "grassroots")
        _admin(t, stack, "workplace", "add", "--code", "LEGAL-RW", "--name", "Công ty chuyển đơn vị", "--unit", RA)
        _admin(t, stack, "workplace", "add", "--code", "LEGAL-RCW", "--name", "Công ty của RC", "--unit", RC)
        _wp_reports(stack, "LEGAL-RW", 3, "2026-11-03")
        _wp_reports(stack, "LEGAL-RCW", 2, "2026-11-04")
    ids = {c: str(stack.value("SELECT id FROM org_unit WHERE code = :'c'", c=c)) for c in (R, RA, RB, RC)}
    pw = secrets.token_urlsafe(15)
    user = f"legal.{secrets.token_hex(3)}"
    p = stack.admin("officer", "add", "--username", user, "--unit", R, "--role", "viewer", input=(pw + "\n").encode())
    t.require(p.returncode == 0, f"officer add: {p.stderr.decode(errors='replace')}")
    c = harness.console_login(stack, user, pw)
    t.require(c.cookie, "the officer of the test tree signs in")
    d = c.get("/admin/dashboard")
    t.check('id="reparent-note"' in d.text or "đơn vị tiếp nhận" in d.text, "the dashboard says how it counts")
    before = _dash_units(d.text)
    t.eq((before.get(ids[RA]), before.get(ids[RB]), before.get(ids[RC])), (3, 0, 2), "before: RA 3, RB 0, RC 2")

    stack.psql("UPDATE workplace SET unit_id = (SELECT id FROM org_unit WHERE code = :'b') WHERE code = 'LEGAL-RW'", b=RB)
    stack.psql("UPDATE org_unit SET parent_id = (SELECT id FROM org_unit WHERE code = :'b') WHERE code = :'c'", b=RB, c=RC)
    after = _dash_units(c.get("/admin/dashboard").text)
    t.eq((after.get(ids[RA]), after.get(ids[RB]), after.get(ids[RC])), (3, 2, None),
         "after: RA keeps the 3 reports its workplace sent it; RB holds RC (moved under it) with its 2")
    doc = json.loads(stack.admin("export", "stats", "--unit", R, "--from", "2026-11-01", "--to", "2026-11-30",
                                 "--format", "json").stdout)
    tot = {i["code"]: i for i in doc["indicators"]}["reports.total"]["by_unit"]
    t.eq((tot.get(RA), tot.get(RB)), (after.get(ids[RA]), after.get(ids[RB])), "the dashboard and the statistics agree")

    # the brief of the moved workplace for an officer of RB: the reports that arrived at RA are not RB's
    user_b = f"legal.b.{secrets.token_hex(3)}"
    p = stack.admin("officer", "add", "--username", user_b, "--unit", RB, "--role", "viewer", input=(pw + "\n").encode())
    t.require(p.returncode == 0, "officer of RB")
    cb = harness.console_login(stack, user_b, pw)
    wp = str(stack.value("SELECT id FROM workplace WHERE code = 'LEGAL-RW'"))
    if not stack.rows("SELECT 1 FROM submission s JOIN org_unit u ON u.id = s.unit_id WHERE u.code = :'b'", b=RB):
        _wp_reports(stack, "LEGAL-RW", 3, "2026-11-20")   # three reports after the move: they arrive at RB
    brief = cb.get(f"/admin/brief?workplace={wp}&from=2026-11-01&to=2026-11-30&k=3")
    t.eq(brief.status, 200, "RB's officer may brief the workplace now under RB")
    t.check('data-fact="counted"' in brief.text or "đơn vị tiếp nhận tại thời điểm gửi" in brief.text,
            "the brief says how it counts")
    m = re.search(r'class="figures by-form">.*?</table>', brief.text, re.S)
    t.require(m, "the brief's table by form")
    last = re.findall(r'<td class="num">([^<]*)</td>', m.group(0))[-1]
    t.eq(last, "3", "RB's brief counts the three reports that arrived at RB, not the three that arrived at RA")
    whole = c.get(f"/admin/brief?workplace={wp}&from=2026-11-01&to=2026-11-30&k=3")
    m = re.search(r'class="figures by-form">.*?</table>', whole.text, re.S)
    t.eq(re.findall(r'<td class="num">([^<]*)</td>', m.group(0))[-1] if m else None, "6",
         "the officer of R (above both) counts all six")


def test_dossier_case_facts(t, stack):
    c = harness.demo_console(t, stack, "demo.tinh")
    case = stack.psql(
        "INSERT INTO dispute_case (unit_id, workplace_id, kind, scope, dispute_type, subject, title, stage, "
        "stage_entered_on, violation_known_on, panel_formed_on, payday, worker_member, union_role, recovered_vnd, "
        "dialogue_held_on, bargaining_requested_on) "
        "SELECT w.unit_id, w.id, 'wage_arrears', 'collective', 'interest', 'wages', 'Thử hồ sơ <i>đủ</i>', "
        "'arbitration_council', '2027-02-03', '2027-01-10', '2027-02-19', '2026-12-05', true, 'representative', "
        "12000000, '2026-03-10', '2027-01-04' FROM workplace w WHERE w.code = 'MAY-TANPHONG' RETURNING id").splitlines()[0]
    h = c.get(f"/admin/dossier/{case}")
    t.eq(h.status, 200, "the HTML dossier")
    facts = {
        "case-dispute-type": "Về lợi ích", "case-subject": "Tiền lương", "case-member": "Có",
        "case-union-role": "Người đại diện theo ủy quyền", "case-recovered": "12.000.000 đ",
        "case-date-panel_formed_on": "19/02/2027", "case-date-payday": "05/12/2026",
        "case-date-dialogue_held_on": "10/03/2026", "case-date-bargaining_requested_on": "04/01/2027",
    }
    for ident, want in facts.items():
        m = re.search(rf'<dd id="{ident}">([^<]*)</dd>', h.text)
        t.eq(m.group(1) if m else None, want, f"the dossier's {ident}")
    for label in ("Loại tranh chấp", "Nội dung tranh chấp", "Người lao động là đoàn viên Công đoàn",
                  "Công đoàn tham gia với vai trò", "Số tiền đòi được cho người lao động",
                  "Ngày thành lập Ban trọng tài lao động"):
        t.check(f"<dt>{label}</dt>" in h.text, f"labelled in Vietnamese: {label}")
    t.check("case-date-si_due_date" not in h.text, "a date not recorded is left out")
    row = re.search(r'<tr[^>]*data-code="int_arbitration_decision">(.*?)</tr>', h.text, re.S)
    t.require(row, "the interest dispute's arbitration decision deadline")
    t.check("21/03/2027" in row.group(1), "due 30 days after the panel's formation: 21/03/2027")
    t.check("Ngày thành lập Ban trọng tài lao động: 19/02/2027" in row.group(1), "counted from the panel, with its date")
    t.check("Điều 197 khoản 3" in row.group(1), "with its source")
    dlg = re.search(r'<tr[^>]*data-code="dialogue_periodic">(.*?)</tr>', h.text, re.S)
    t.require(dlg, "the dialogue deadline")
    t.check("10/03/2027" in dlg.group(1) and "Nghị định 145/2020/NĐ-CP" in dlg.group(1),
            "periodic dialogue within a year of 10/03/2026, citing Decree 145/2020")
    t.check("col_court" not in h.text, "an interest dispute has no court limitation")

    d = json.loads(c.get(f"/admin/dossier/{case}.json").text)
    k = d["case"]
    t.eq((k["dispute_type"], k["dispute_type_label"], k["subject"], k["worker_member"], k["union_role"],
          k["recovered_vnd"]), ("interest", "Về lợi ích", "wages", "yes", "representative", 12000000), "JSON: the facts")
    t.eq({x["key"]: x["date"] for x in k["dates"]}, {"panel_formed_on": "2027-02-19", "payday": "2026-12-05",
                                                     "bargaining_requested_on": "2027-01-04",
                                                     "dialogue_held_on": "2026-03-10"}, "JSON: the recorded dates")
    dl = {x["code"]: x for x in d["deadlines"]}
    t.eq((dl["int_arbitration_decision"]["counted_from"], dl["int_arbitration_decision"]["counted_from_date"],
          dl["int_arbitration_decision"]["due_on"]), ("panel_formed_on", "2027-02-19", "2027-03-21"),
         "JSON: what the deadline counts from")
    x = c.get(f"/admin/dossier/{case}.xlsx")
    t.eq(x.status, 200, "the XLSX dossier")
    with zipfile.ZipFile(io.BytesIO(x.body)) as z:
        strings = z.read("xl/sharedStrings.xml").decode()
    for s in ("Loại tranh chấp", "Về lợi ích", "Người đại diện theo ủy quyền", "Ngày thành lập Ban trọng tài lao động",
              "Tính từ", "Nghị định 145/2020/NĐ-CP"):
        t.check(s in strings, f"XLSX: {s}")
    t.check("<i>" not in h.text and "&lt;i&gt;" in h.text, "the title is escaped")
    stack.psql("DELETE FROM dispute_case WHERE id = :'c'", c=case)


def test_dialogue_decree(t, stack):
    src = stack.value("SELECT source FROM legal_deadline WHERE code = 'dialogue_periodic'")
    t.check("Điều 63 khoản 2 điểm a" in src and "Nghị định 145/2020/NĐ-CP" in src, f"the dialogue row cites both: {src}")
    p = stack.admin("deadlines", "--scope", "collective", "--subject", "other", "--stage", "intake", "--stage-date",
                    "2026-06-01", "--on", "dialogue_held_on=2026-06-15", "--format", "json")
    t.require(p.returncode == 0, f"deadlines: {p.stderr.decode(errors='replace')}")
    rows = {r["code"]: r for r in json.loads(p.stdout)}
    t.eq(rows["dialogue_periodic"]["due"], "2027-06-15", "the next periodic dialogue: a year after the last")
    t.check("Nghị định 145/2020/NĐ-CP" in rows["dialogue_periodic"]["source"], "the CLI shows the decree")
    t.eq(stack.value("SELECT count(*) FROM legal_deadline WHERE source LIKE '%Nghị định 145%'"), 1,
         "only the dialogue row cites it: no other row changed")
