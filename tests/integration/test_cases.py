"""test_cases.py: dispute cases over HTTP: creation from a report, stages, deadlines, totals, scope, escaping, the deadline panel."""
import datetime
import json
import re

import harness


def _report(stack, workplace_word, form_id, answers):
    """Stores one report at the demo workplace whose name contains the word; returns its id."""
    token = next(t for t, name, _ in stack.demo if workplace_word in name)
    idem = harness.new_idem()
    out = stack.psql(
        "INSERT INTO submission (form_id, form_version, workplace_id, unit_id, entry_point_id, answers, lang, "
        "idempotency_key, receipt_hash) SELECT :'f', 1, e.workplace_id, w.unit_id, e.id, :'a'::jsonb, 'vi', :'k', "
        "sha256(convert_to(:'k', 'UTF8')) FROM entry_point e JOIN workplace w ON w.id = e.workplace_id "
        "WHERE e.token = :'t' RETURNING id", f=form_id, a=json.dumps(answers), k=idem, t=token)
    return out.strip().splitlines()[0]


def _create(t, c, sub, title, known, kind="wage_arrears", scope="individual"):
    page = c.get(f"/admin/cases/new?from={sub}")
    t.require(page.status == 200, f"the creation form: {page.status}")
    r = c.post("/admin/cases/new", [("from", sub), ("title", title), ("kind", kind), ("scope", scope),
                                    ("violation_known_on", known)])
    t.require(r.status == 303, f"creating a case: {r.status} {r.text[:300]}")
    m = re.search(r"/admin/cases/(\d+)$", r.header("Location") or "")
    t.require(m, f"redirect to the case: {r.header('Location')}")
    return m.group(1)


def test_cases(t, stack):
    logins = harness.demo_logins(stack)
    c = harness.console_login(stack, "demo.tinh", logins["demo.tinh"])
    t.require(c.cookie, "the province officer signs in")
    sub1 = _report(stack, "Tân Phong", "wage_arrears",
                   {"months_owed": ["2026-01", "2026-02"], "amount": 12000000, "amount_basis": "total",
                    "coworkers": "t11_50", "details": "Nợ lương hai tháng"})
    sub2 = _report(stack, "Tân Phong", "wage_arrears",
                   {"months_owed": ["2026-02", "2026-03"], "amount": 3500000, "amount_basis": "per_person",
                    "coworkers": "t1_10"})
    other_wp = _report(stack, "Chè", "wage_arrears", {"amount": 1, "coworkers": "t1_10"})

    form = c.get(f"/admin/cases/new?from={sub1}")
    t.eq(harness.parse_html(form.text).selected.get("kind"), "wage_arrears", "kind guessed from the report's form")
    concern = _report(stack, "Tân Phong", "concern", {"text": "x"})
    t.eq(harness.parse_html(c.get(f"/admin/cases/new?from={concern}").text).selected.get("kind"), "other",
         "a concern report suggests 'other'")

    hostile = "<script>alert(1)</script> & \"nợ\""
    bad = c.post("/admin/cases/new", [("from", sub1), ("title", hostile), ("kind", "wage_arrears"),
                                      ("scope", "individual"), ("violation_known_on", "2026-02-30")])
    t.eq(bad.status, 400, "an impossible date is refused")
    t.eq(harness.parse_html(bad.text).inputs.get("title"), hostile, "the typed title is kept")
    t.check("<script>alert(1)</script>" not in bad.text, "and escaped")

    case = _create(t, c, sub1, hostile, "2026-03-10")
    page = c.get(f"/admin/cases/{case}")
    t.eq(page.status, 200, "the case page")
    t.check("<script>alert(1)</script>" not in page.text and "&lt;script&gt;" in page.text, "a hostile title is escaped")
    t.check(f"/admin/s/{sub1}" in page.text, "the report is linked")
    due = dict(re.findall(r'data-code="([a-z_]+)" data-due="([0-9-]*)"', page.text))
    t.eq(due.get("ind_mediator"), "2026-09-10", "mediator: 6 months from discovery")
    t.eq(due.get("ind_arbitration"), "2026-12-10", "arbitration council: 9 months")
    t.eq(due.get("ind_court"), "2027-03-10", "court: 1 year")
    t.eq(due.get("wage_interest"), "", "wage interest counts from the payday (E6), not from discovery: unknown here")
    t.check("Điều 190" in page.text, "deadlines show their legal source")
    t.check("col_mediator" not in due and "si_evasion" not in due, f"only the case's scope and kind: {sorted(due)}")
    t.eq(stack.value("SELECT count(*) FROM audit_log WHERE action = 'case.create' AND object = :'o'", o=f"case:{case}"),
         1, "creation audited")

    # linking: same workplace only, in scope, once
    t.eq(c.post(f"/admin/cases/{case}", [("action", "link"), ("submission", other_wp)]).status, 400,
         "a report of another workplace cannot be linked")
    t.eq(c.post(f"/admin/cases/{case}", [("action", "link"), ("submission", sub2)]).status, 303, "linking a second report")
    t.eq(c.post(f"/admin/cases/{case}", [("action", "link"), ("submission", sub2)]).status, 400, "but only once")
    page = c.get(f"/admin/cases/{case}")
    h = harness.parse_html(page.text)
    # workers: largest tier lower bound (11) vs one per report (2); months: Jan, Feb, Mar; amount 12 M + 3.5 M
    t.eq(h.by_id.get("computed-workers"), "11", "workers affected from the tiers")
    t.eq(h.by_id.get("computed-months"), "3", "distinct months owed")
    t.eq(h.by_id.get("computed-amount"), "15.500.000 đ", "amount owed summed")

    r = c.post(f"/admin/cases/{case}", [("action", "totals"), ("workers", "-4"), ("months", "3"), ("amount", "1")])
    t.eq(r.status, 400, "a negative total is refused")
    t.eq(harness.parse_html(r.text).inputs.get("workers"), "-4", "with the typed values kept")
    t.eq(c.post(f"/admin/cases/{case}", [("action", "totals"), ("workers", "40"), ("months", "3"),
                                         ("amount", "16000000")]).status, 303, "a correction")
    row = stack.rows("SELECT workers_affected, months_owed, amount_owed_vnd, totals_corrected FROM dispute_case WHERE id = :'i'",
                     i=case)[0]
    t.eq(row, {"workers_affected": 40, "months_owed": 3, "amount_owed_vnd": 16000000, "totals_corrected": True},
         "the correction is stored")
    h = harness.parse_html(c.get(f"/admin/cases/{case}").text)
    t.eq((h.by_id.get("computed-workers"), h.by_id.get("stored-workers")), ("11", "40"), "computed beside corrected")

    # stages
    t.eq(c.post(f"/admin/cases/{case}", [("action", "stage"), ("stage", "verification"), ("on_date", ""),
                                         ("outcome", ""), ("note", "Đã gọi điện cho NLĐ")]).status, 303, "to verification")
    t.eq(c.post(f"/admin/cases/{case}", [("action", "stage"), ("stage", "labour_mediator"), ("on_date", "2026-04-24"),
                                         ("outcome", ""), ("note", "Gửi hòa giải viên")]).status, 303, "to the mediator")
    page = c.get(f"/admin/cases/{case}")
    due = dict(re.findall(r'data-code="([a-z_]+)" data-due="([0-9-]*)"', page.text))
    # Fri 24 Apr 2026 + 5 working days, skipping Sat/Sun, Mon 27 Apr (Hùng Kings, observed), Thu 30 Apr and Fri 1 May
    t.eq(due.get("mediation_ends"), "2026-05-06", "mediation ends 5 working days later, holidays skipped")
    r = c.post(f"/admin/cases/{case}", [("action", "stage"), ("stage", "closed"), ("on_date", "2026-05-05"),
                                        ("outcome", ""), ("note", "Xong")])
    t.eq(r.status, 400, "closing without an outcome")
    t.eq(harness.parse_html(r.text).by_id.get("f-stage-note"), "Xong", "the note is kept")
    t.eq(stack.value("SELECT stage FROM dispute_case WHERE id = :'i'", i=case), "labour_mediator", "still open")
    t.eq(c.post(f"/admin/cases/{case}", [("action", "stage"), ("stage", "closed"), ("on_date", "2026-05-05"),
                                         ("outcome", "mediated"), ("note", "Hòa giải thành")]).status, 303, "closing")
    ev = stack.rows("SELECT kind, from_stage, to_stage, on_date::text, note FROM case_event WHERE case_id = :'i' ORDER BY id",
                    i=case)
    stages = [(e["from_stage"], e["to_stage"], e["on_date"]) for e in ev if e["kind"] == "stage"]
    today = stack.value("SELECT ((now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date)::text")
    t.eq(stages, [("intake", "verification", today), ("verification", "labour_mediator", "2026-04-24"),
                  ("labour_mediator", "closed", "2026-05-05")], "each stage change is an event with its date")
    t.eq([e["kind"] for e in ev], ["created", "link", "totals", "stage", "stage", "stage"], "every change recorded")
    t.eq(stack.rows("SELECT stage, outcome FROM dispute_case WHERE id = :'i'", i=case),
         [{"stage": "closed", "outcome": "mediated"}], "closed with its outcome")
    t.eq(c.post(f"/admin/cases/{case}", [("action", "note"), ("note", "Lưu hồ sơ")]).status, 303, "a note")
    acts = stack.rows("SELECT action FROM audit_log WHERE object = :'o' ORDER BY id", o=f"case:{case}")
    t.eq([a["action"] for a in acts], ["case.create", "case.link", "case.totals", "case.stage", "case.stage", "case.stage",
                                      "case.note"], "every change audited")

    # scope: the ward officer sees a case of their workplace, not one of another unit
    tea = _report(stack, "Chè", "social_insurance", {"months_unpaid": ["2026-05"], "coworkers": "t51_100"})
    far = _create(t, c, tea, "BHXH nhà máy chè", "2026-06-01", kind="social_insurance")
    ward = harness.console_login(stack, "demo.tanphong", logins["demo.tanphong"])
    t.require(ward.cookie, "the ward officer signs in")
    t.eq(ward.get(f"/admin/cases/{case}").status, 200, "the ward officer sees a case of their workplace")
    t.eq(ward.get(f"/admin/cases/{far}").status, 404, "another unit's case looks absent")
    t.eq(ward.post(f"/admin/cases/{far}", [("action", "note"), ("note", "x")]).status, 404, "and cannot be changed")
    t.eq(ward.get(f"/admin/cases/new?from={tea}").status, 404, "nor made from another unit's report")
    t.check("BHXH nhà máy chè" not in ward.get("/admin/cases").text, "nor listed")
    t.check("BHXH nhà máy chè" in c.get("/admin/cases").text, "the province lists it")

    # the deadline panel: a mediator limitation 5 days ahead
    soon = stack.value("SELECT ((now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date - interval '6 months' + interval '5 days')::date::text")
    sub3 = _report(stack, "Tân Phong", "wage_arrears", {"amount": 1000000, "coworkers": "unknown"})
    near = _create(t, c, sub3, "Sắp hết thời hiệu", soon)
    due = dict(re.findall(r'data-code="([a-z_]+)" data-due="([0-9-]*)"', c.get(f"/admin/cases/{near}").text))
    left = (datetime.date.fromisoformat(due.get("ind_mediator") or "1970-01-01") - datetime.date.fromisoformat(today)).days
    t.check(0 <= left <= 14, f"its mediator limitation falls within 14 days ({due.get('ind_mediator')}, today {today})")
    panel = _panel_html(stack, c)
    t.check(f"/admin/cases/{near}" in panel, "the deadline panel lists the case due within 14 days")
    t.check(f"/admin/cases/{case}\"" not in panel, "but not a closed case")


def _panel_html(stack, c):
    """The deadline panel from the front page once the lead calls it there, else from the cases list."""
    for path in ("/admin/", "/admin/cases"):
        text = c.get(path).text
        if 'id="deadline-panel"' in text:
            return text.split('id="deadline-panel"', 1)[1].split("</section>", 1)[0]
    return ""
