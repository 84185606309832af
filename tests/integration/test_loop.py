"""test_loop.py: closing the loop at the workplace (issue 14): the worker's collective work stoppage report (urgent,
first in the queue, the urgent mail, recorded by an officer as a stoppage prefilled from it), agreement expiry
reminder mails (90 days before and on the day, once each, to officers in scope, through the real SMTP server), and
bad input for each."""
import datetime
import re
import urllib.parse

import harness
import test_notify

WP_OWN = "MAY-TANPHONG"      # demo.tanphong's scope (CD-TANPHONG)


def _today():
    return (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=7)).date()


def _token(stack, code=WP_OWN):
    """A live demo QR code of workplace `code`."""
    return stack.value("SELECT e.token FROM entry_point e JOIN workplace w ON w.id = e.workplace_id "
                       "WHERE w.code = :'c' AND e.revoked_at IS NULL ORDER BY e.id LIMIT 1", c=code)


def _stoppage_answers(**kw):
    a = {"state": "happening", "since": _today().isoformat(), "workers": "40", "where": "Xưởng may 2",
         "demands": "Trả lương tháng 11 đúng hạn, giảm giờ làm thêm."}
    a.update(kw)
    return list(a.items())


def test_stoppage_report(t, stack):
    """A worker reports a stoppage: offered on the landing page, urgent, first in the queue, the urgent mail queued;
    bad answers refused beside their field with nothing stored."""
    token = _token(stack)
    t.require(token, "a demo QR code of the workplace")
    landing = stack.get(f"/q/{token}")
    t.check(f'href="/q/{token}/stoppage"' in landing.text and "Ngừng việc tập thể" in landing.text,
            "the landing page offers the stoppage report")
    form = stack.get(f"/q/{token}/stoppage")
    t.eq(form.status, 200, "the stoppage form opens")
    t.check('name="state"' in form.text and 'name="demands"' in form.text and 'class="urgent"' in form.text,
            "its questions and the urgent advice")
    stack.psql("UPDATE officer SET email = 'loop.tanphong@mail.test', notify_urgent = true WHERE username = 'demo.tanphong'")
    r, idem = stack.submit(token, _stoppage_answers(), form_id="stoppage")
    t.require(r.status == 200 and harness.receipt_of(r), f"a stoppage report is accepted: {r.status} {harness.short(r.text)}")
    t.check('role="alert"' in r.text and "giữ trật tự" in r.text, "the receipt shows the urgent advice")
    row = stack.rows("SELECT form_id, urgent FROM submission WHERE idempotency_key = :'k'", k=idem)
    t.eq(row, [{"form_id": "stoppage", "urgent": True}], "stored as an urgent stoppage report")
    sid = str(stack.value("SELECT id FROM submission WHERE idempotency_key = :'k'", k=idem))
    outbox = harness.wait_until(lambda: stack.rows(
        "SELECT o.username FROM outbox x JOIN officer o ON o.id = x.officer_id WHERE x.event = 'submission.urgent' "
        "AND x.payload->>'submission_id' = :'s'", s=sid), 30, 0.2)
    t.check({"username": "demo.tanphong"} in outbox, f"the urgent mail is queued for the officer in scope: {outbox}")
    c = harness.demo_console(t, stack, "demo.tanphong")
    queue = c.get("/admin/")
    first = re.search(r'<tr class="urgent">.*?href="/admin/s/(\d+)"', queue.text, re.S)
    t.check(first and first.group(1) == sid, f"first in the queue: {first and first.group(1)} (want {sid})")
    for r2 in (stack.get(f"/q/{token}/stoppage?lang=en"),):
        t.check("A collective work stoppage" in r2.text or r2.status == 200, "the English form opens")

    n = stack.value("SELECT count(*) FROM submission WHERE form_id = 'stoppage'")
    bad = [
        (_stoppage_answers(state=""), "state", "no state"),
        (_stoppage_answers(state="riot"), "state", "a state not in the list"),
        (_stoppage_answers(since=""), "since", "no date"),
        (_stoppage_answers(since="2026-13-45"), "since", "a malformed date"),
        (_stoppage_answers(since="2026-02-30"), "since", "a day that does not exist"),
        (_stoppage_answers(since=(_today() - datetime.timedelta(days=400)).isoformat()), "since", "a year ago"),
        (_stoppage_answers(since=(_today() + datetime.timedelta(days=200)).isoformat()), "since", "far ahead"),
        (_stoppage_answers(workers="0"), "workers", "no workers"),
        (_stoppage_answers(workers="9" * 40), "workers", "a huge number"),
        (_stoppage_answers(demands=""), "demands", "no demands"),
        (_stoppage_answers(demands="x" * 3000), "demands", "demands too long"),
        (_stoppage_answers(where="y" * 300), "where", "a place too long"),
    ]
    for pairs, field, what in bad:
        r, idem = stack.submit(token, pairs, form_id="stoppage")
        t.eq(r.status, 400, f"{what}: 400")
        t.check(f'id="e-{field}"' in r.text, f"{what}: the error beside {field}")
        t.eq(stack.count_idem(idem), 0, f"{what}: nothing stored")
    _, csrf, idem = stack.form(token, "stoppage")
    r = stack.post(f"/q/{token}/stoppage", f"_token={csrf}&_idem={idem}&state=happening&demands=abc%FFdef".encode())
    t.eq(r.status, 400, "non-UTF-8 demands: 400")
    t.eq(stack.count_idem(idem), 0, "non-UTF-8 demands: nothing stored")
    t.eq(stack.value("SELECT count(*) FROM submission WHERE form_id = 'stoppage'"), n, "no refused report stored")
    hostile = "<script>alert(1)</script> ' OR 1=1 -- Đình công"
    r, idem = stack.submit(token, _stoppage_answers(demands=hostile, state="imminent"), form_id="stoppage")
    t.eq(r.status, 200, "hostile demands are accepted as text")
    hid = str(stack.value("SELECT id FROM submission WHERE idempotency_key = :'k'", k=idem))
    page = c.get(f"/admin/s/{hid}")
    t.check("<script>alert(1)</script>" not in page.text and "&lt;script&gt;" in page.text, "shown escaped to the officer")


def test_stoppage_from_report(t, stack):
    """An officer records the stoppage from the worker's report: the form prefilled (workplace, date, workers,
    demands), the record linked to the report, once; other forms' reports, malformed ids and other scopes: 404."""
    token = _token(stack)
    since = (_today() + datetime.timedelta(days=2)).isoformat()
    r, idem = stack.submit(token, _stoppage_answers(state="imminent", since=since, workers="75",
                                                    demands="Tăng tiền ăn ca lên 30.000 đồng"), form_id="stoppage")
    t.require(r.status == 200, f"a stoppage report: {r.status}")
    sid = str(stack.value("SELECT id FROM submission WHERE idempotency_key = :'k'", k=idem))
    c = harness.demo_console(t, stack, "demo.tanphong")
    page = c.get(f"/admin/s/{sid}")
    t.check(f'id="record-stoppage" href="/admin/stoppages?report={sid}"' in page.text, "the report page links the record form")
    form = c.get(f"/admin/stoppages?report={sid}")
    t.eq(form.status, 200, "the prefilled record form opens")
    p = harness.parse_html(form.text)
    t.eq(p.inputs.get("started"), since, "the day it begins, from the report")
    t.eq(p.inputs.get("workers"), "75", "how many, from the report")
    t.eq(p.inputs.get("report"), sid, "the report it comes from, carried along")
    t.eq(harness.textarea_value(form.text, "demands"), "Tăng tiền ăn ca lên 30.000 đồng", "the demands, from the report")
    wid = str(stack.value("SELECT id FROM workplace WHERE code = :'c'", c=WP_OWN))
    t.check(re.search(rf'<option selected value="{wid}"', form.text), "the workplace chosen")
    for bad, what in (("abc", "a malformed id"), ("9" * 40, "a huge id"), ("", "an empty id"),
                      ("<script>", "markup"), ("999999999", "an unknown report")):
        t.eq(c.get(f"/admin/stoppages?report={bad}").status, 404, f"{what}: 404")
    concern_r, cidem = stack.submit(token, [("category", "wages"), ("text", "Chậm lương")])
    cid = str(stack.value("SELECT id FROM submission WHERE idempotency_key = :'k'", k=cidem))
    t.eq(c.get(f"/admin/stoppages?report={cid}").status, 404, "a concern report: 404")
    t.check("record-stoppage" not in c.get(f"/admin/s/{cid}").text, "a concern report offers no stoppage record")
    other_token = _token(stack, "CHE-TAMDUONG")
    _, oidem = stack.submit(other_token, _stoppage_answers(), form_id="stoppage")
    oid = str(stack.value("SELECT id FROM submission WHERE idempotency_key = :'k'", k=oidem))
    t.eq(c.get(f"/admin/stoppages?report={oid}").status, 404, "a report outside the scope: 404")

    n = stack.value("SELECT count(*) FROM work_stoppage")
    fields = [("workplace", wid), ("started", since), ("ended", ""), ("workers", "75"), ("demands", "Tăng tiền ăn ca"),
              ("outcome", "ongoing"), ("union_led", "no")]
    r = c.post("/admin/stoppages", fields + [("report", oid)])
    t.eq(r.status, 404, "posting another scope's report: 404")
    r = c.post("/admin/stoppages", fields + [("report", "12x")])
    t.eq(r.status, 404, "posting a malformed report id: 404")
    r = c.post("/admin/stoppages", [(k, "" if k == "started" else v) for k, v in fields] + [("report", sid)])
    t.eq(r.status, 400, "no start date: 400")
    t.eq(harness.parse_html(r.text).inputs.get("report"), sid, "the report kept on the refused form")
    t.eq(stack.value("SELECT count(*) FROM work_stoppage"), n, "nothing stored by the refused posts")
    r = c.post("/admin/stoppages", fields + [("report", sid)])
    t.eq(r.status, 303, f"recorded from the report: {harness.short(r.text)}")
    t.eq(stack.value("SELECT count(*) FROM work_stoppage WHERE submission_id = :'s'", s=sid), 1, "linked to the report")
    t.check('id="stoppage-recorded"' in c.get(f"/admin/s/{sid}").text, "the report page says it is recorded")
    t.eq(c.post("/admin/stoppages", fields + [("report", sid)]).status, 409, "a second record from the same report: 409")
    t.eq(stack.value("SELECT count(*) FROM work_stoppage"), n + 1, "one stoppage stored")


def _agreement(stack, code, signed, effective, expires):
    return str(stack.psql("INSERT INTO collective_agreement (workplace_id, signed_on, effective_on, expires_on) "
                          "SELECT id, :'s', :'e', :'x' FROM workplace WHERE code = :'c' RETURNING id",
                          s=signed, e=effective, x=expires, c=code).splitlines()[0])


def test_agreement_reminders(t, _main_stack):
    """An agreement expiring: one mail to each officer in scope 90 days before (BLLĐ 2019 Điều 81) and one on the day,
    never twice, none out of scope, none for an agreement a newer one replaced; the window is the legal rule's row."""
    stack, smtp = test_notify.env()
    aid = _agreement(stack, "NT-W1", "2029-06-01", "2029-07-01", "2031-06-30")

    def queued():
        return stack.rows("SELECT payload->>'when' AS w, o.username FROM outbox x JOIN officer o ON o.id = x.officer_id "
                          "WHERE x.event = 'agreement.expiring' AND x.payload->>'agreement_id' = :'a' ORDER BY o.username, x.id",
                          a=aid)
    t.eq(stack.value("SELECT agreement_schedule('2031-03-31 09:00+07')"), 0, "91 days before: nothing")
    t.eq(queued(), [], "91 days before: nothing queued")
    t.eq(stack.value("SELECT agreement_schedule('2031-04-01 09:00+07')"), 2, "90 days before (01/04/2031): two mails")
    t.eq(queued(), [{"w": "before", "username": "nt.coso1"}, {"w": "before", "username": "nt.tinh1"}],
         "to the workplace's unit and the province above it, not the other province")
    t.eq(stack.value("SELECT agreement_schedule('2031-04-01 15:00+07')"), 0, "the same day again: nothing")
    t.eq(stack.value("SELECT agreement_schedule('2031-05-20 09:00+07')"), 0, "later in the window: nothing")
    t.eq(stack.value("SELECT agreement_schedule('2031-06-30 08:00+07')"), 2, "on the day: two mails")
    t.eq(stack.value("SELECT agreement_schedule('2031-06-30 18:00+07')"), 0, "on the day again: nothing")
    t.eq(stack.value("SELECT agreement_schedule('2031-07-01 09:00+07')"), 0, "after expiry: nothing")
    t.eq(len(queued()), 4, "four mails in all")
    got = harness.wait_until(lambda: [m for m in smtp.to("coso1@mail.test", "agreement.expiring")
                                      if "Nhà máy Thử Một" in m["Subject"]], 60, 0.3)
    t.require(len(got) >= 1, f"the reminder mails are sent: {stack.rows('SELECT status, last_error FROM outbox WHERE event = ' + chr(39) + 'agreement.expiring' + chr(39))}")
    harness.wait_until(lambda: len([m for m in smtp.to("coso1@mail.test", "agreement.expiring")
                                    if "Nhà máy Thử Một" in m["Subject"]]) >= 2, 30)
    mails = [m for m in smtp.to("coso1@mail.test", "agreement.expiring") if "Nhà máy Thử Một" in m["Subject"]]
    subjects = sorted(m["Subject"] for m in mails)
    t.eq(len(mails), 2, f"two mails to the unit's officer: {subjects}")
    t.check(any("30/06/2031" in s for s in subjects) and any("HÔM NAY" in s for s in subjects), f"subjects: {subjects}")
    body = test_notify.body_of(mails[0])
    t.check("Điều 81" in body and "30/06/2031" in body and "/admin/agreements" in body, f"the article, date, link: {body}")
    t.eq([m for m in smtp.to("tinh2@mail.test", "agreement.expiring") if "Nhà máy Thử Một" in m["Subject"]], [],
         "no mail to the other province")

    # a renewed agreement ends its predecessor's reminders; the new one's come in its own time
    old = _agreement(stack, "NT-W2", "2029-01-01", "2029-02-01", "2032-03-31")
    _agreement(stack, "NT-W2", "2031-12-01", "2032-01-01", "2035-12-31")
    t.eq(stack.value("SELECT agreement_schedule('2032-03-01 09:00+07')"), 0, "a replaced agreement reminds nobody")
    t.eq(stack.value("SELECT count(*) FROM outbox WHERE event = 'agreement.expiring' AND payload->>'agreement_id' = :'a'",
                     a=old), 0, "nothing queued for it")
    # the window is the legal rule's row (an admin corrects it in one place)
    days = stack.value("SELECT days FROM legal_deadline WHERE code = 'agreement_renewal'")
    t.eq(days, 90, "the rule's row: 90 days (BLLĐ 2019 Điều 81)")
    third = _agreement(stack, "NT-W1", "2031-06-01", "2031-07-01", "2034-06-30")
    try:
        stack.psql("UPDATE legal_deadline SET days = 30 WHERE code = 'agreement_renewal'")
        t.eq(stack.value("SELECT agreement_schedule('2034-05-30 09:00+07')"), 0, "31 days before with a 30-day rule: nothing")
        t.eq(stack.value("SELECT agreement_schedule('2034-05-31 09:00+07')"), 2, "30 days before with a 30-day rule: two")
    finally:
        stack.psql("UPDATE legal_deadline SET days = :'d' WHERE code = 'agreement_renewal'", d=str(days))
    t.check(third, "a third agreement")


def _campaign(days_from=-1, days_to=10, target="", workplace=None, stack=None):
    today = _today()
    return [("workplace", workplace), ("starts", (today + datetime.timedelta(days=days_from)).isoformat()),
            ("ends", (today + datetime.timedelta(days=days_to)).isoformat()), ("target", target)]


def _survey(stack, token, comment="Mong tăng lương"):
    r, _ = stack.submit(token, [("priorities:wages", "1"), ("priorities:meals", "2"), ("comments", comment)],
                        form_id="bargaining_survey")
    return r.status


def test_campaigns(t, stack):
    """A survey campaign: opened for a workplace and period with its own QR code and posters, the target from the
    headcount, the live response rate, closed with its results frozen (and handed to a round); bad input refused
    beside its field with nothing stored; other scopes 404."""
    own, other = (str(stack.value("SELECT id FROM workplace WHERE code = :'c'", c=c)) for c in (WP_OWN, "CHE-TAMDUONG"))
    stack.psql("UPDATE workplace SET headcount = 120 WHERE code = :'c'", c=WP_OWN)
    stack.psql("UPDATE workplace SET headcount = NULL WHERE code = 'CHE-TAMDUONG'")
    admin = harness.demo_console(t, stack)
    t.eq(admin.get("/admin/campaigns").status, 200, "the campaigns page opens")
    t.check('href="/admin/campaigns"' in admin.get("/admin/surveys").text, "the survey results link the campaigns")
    n = stack.value("SELECT count(*) FROM survey_campaign")
    qr = stack.value("SELECT count(*) FROM entry_point")
    bad = [
        (_campaign(workplace=own, days_from=0, days_to=0)[:1] + [("starts", ""), ("ends", "2026-12-31"), ("target", "")],
         "starts", "no start"),
        ([("workplace", own), ("starts", "2026-13-01"), ("ends", "2026-12-31"), ("target", "")], "starts", "a malformed date"),
        ([("workplace", own), ("starts", "<script>alert(1)</script>"), ("ends", "2026-12-31"), ("target", "")], "starts",
         "markup as a date"),
        (_campaign(workplace=own, days_from=5, days_to=1), "ends", "ends before it starts"),
        (_campaign(workplace=own, days_from=0, days_to=400), "ends", "over a year"),
        (_campaign(workplace=own, target="0"), "target", "a target of 0"),
        (_campaign(workplace=own, target="abc"), "target", "a target not a number"),
        (_campaign(workplace=own, target="9" * 40), "target", "a huge target"),
        (_campaign(workplace=other), "target", "no target and no headcount"),
        (_campaign(workplace="12abc"), "workplace", "a malformed workplace"),
        (_campaign(workplace="' OR 1=1 --"), "workplace", "SQL as the workplace"),
    ]
    for fields, field, what in bad:
        r = admin.post("/admin/campaigns", fields)
        t.eq(r.status, 400, f"{what}: 400")
        t.check(harness.parse_html(r.text).by_id.get(f"e-f-campaign-{field}") is not None, f"{what}: the error beside {field}")
        t.eq(harness.parse_html(r.text).inputs.get("starts"), dict(fields)["starts"], f"{what}: the start kept")
        t.check("<script>alert(1)</script>" not in r.text, f"{what}: nothing echoed unescaped")
    r = admin.post("/admin/campaigns", [])
    t.eq(r.status, 400, "an empty post: 400")
    body = urllib.parse.urlencode([("_csrf", admin.csrf), ("workplace", own), ("starts", "2026-12-01"), ("ends", "2026-12-20")])
    r = stack.post("/admin/campaigns", body.encode() + b"&target=%FF", headers=admin._headers())
    t.eq(r.status, 400, "a non-UTF-8 target: 400")
    t.eq((stack.value("SELECT count(*) FROM survey_campaign"), stack.value("SELECT count(*) FROM entry_point")), (n, qr),
         "nothing stored by any refused post (no campaign, no QR code)")

    def rate(k):
        return f"{k} / 120 ({(k * 100 + 60) // 120}%)"
    # answers other tests left at the workplace in the period count too (every survey answer there, any QR code)
    base = stack.value("SELECT count(*) FROM submission s JOIN workplace w ON w.id = s.workplace_id WHERE w.code = :'c' "
                       "AND s.form_id = 'bargaining_survey' AND s.status <> 'spam' AND s.received_at >= "
                       "((now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date - 1)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh'", c=WP_OWN)
    r = admin.post("/admin/campaigns", _campaign(workplace=own))
    t.require(r.status == 303, f"a campaign opens: {r.status} {harness.short(r.text)}")
    cid = re.search(r"/admin/campaigns/(\d+)", r.header("Location") or "").group(1)
    row = stack.rows("SELECT c.target, e.forms, e.token FROM survey_campaign c JOIN entry_point e ON e.id = c.entry_point_id "
                     "WHERE c.id = :'c'", c=cid)[0]
    t.eq((row["target"], row["forms"]), (120, ["bargaining_survey"]), "the target from the headcount; its QR code offers only the survey")
    token = row["token"]
    page = admin.get(f"/admin/campaigns/{cid}")
    t.eq(page.status, 200, "the campaign page opens")
    t.check(f'id="campaign-rate" data-status="{base}"' in page.text and rate(base) in page.text, f"the answers so far: {rate(base)}")
    poster = re.search(r'href="(/admin/qr/\d+/poster)"', page.text)
    t.require(poster, "the page links its posters")
    pr = admin.get(poster.group(1))
    t.check(pr.status == 200 and 'class="qr"' in pr.text and token.upper() in pr.text.upper(), f"the posters print with the QR code: {pr.status}")
    landing = stack.get(f"/q/{token}")
    t.check(f'/q/{token}/bargaining_survey' in landing.text and f'/q/{token}/concern' not in landing.text,
            "the campaign's QR code offers the survey only")
    for i in range(3):
        t.eq(_survey(stack, token, f"Ý kiến {i} <b>đậm</b>"), 200, f"survey answer {i + 1}")
    page = admin.get(f"/admin/campaigns/{cid}")
    t.check(f'data-status="{base + 3}"' in page.text and rate(base + 3) in page.text, f"the live response rate: {rate(base + 3)}")
    t.check(f'data-answers="{base + 3}"' in page.text and "survey-rank" in page.text, "the live results: counts and ranking")
    t.check("<b>đậm</b>" not in page.text, "comments escaped")

    # scope: the ward officer sees its workplace's campaign, not the other's; cannot open one (admins make QR codes)
    r = admin.post("/admin/campaigns", _campaign(workplace=other, target="40"))
    t.eq(r.status, 303, "a campaign at the other workplace")
    oid = re.search(r"/admin/campaigns/(\d+)", r.header("Location") or "").group(1)
    ward = harness.demo_console(t, stack, "demo.tanphong")
    t.eq(ward.get(f"/admin/campaigns/{oid}").status, 404, "another scope's campaign: 404")
    t.eq(ward.post(f"/admin/campaigns/{oid}/close", [("round", "")]).status, 404, "closing another scope's campaign: 404")
    t.check(f'data-id="{oid}"' not in ward.get("/admin/campaigns").text, "not listed for the ward")
    t.eq(ward.get("/admin/campaigns/999999999").status, 404, "an unknown campaign: 404")
    t.eq(ward.post("/admin/campaigns", _campaign(workplace=own)).status, 403, "an officer cannot open one")

    # closing: a bad round refused beside its field; then the answers frozen
    rid = str(stack.psql("INSERT INTO workplace_round (workplace_id, kind, held_on) VALUES (:'w', 'bargaining', :'d') "
                         "RETURNING id", w=own, d=_today().isoformat()).splitlines()[0])
    orid = str(stack.psql("INSERT INTO workplace_round (workplace_id, kind, held_on) VALUES (:'w', 'periodic', :'d') "
                          "RETURNING id", w=other, d=_today().isoformat()).splitlines()[0])
    for bad_round, what in (("999999999", "an unknown round"), (orid, "another workplace's round"), ("x'--", "SQL as the round"),
                            ("9" * 40, "a huge round id")):
        r = ward.post(f"/admin/campaigns/{cid}/close", [("round", bad_round)])
        t.eq(r.status, 400, f"{what}: 400")
        t.check(harness.parse_html(r.text).by_id.get("e-f-campaign-round") is not None, f"{what}: the error beside round")
    t.eq(stack.value("SELECT closed_at IS NULL FROM survey_campaign WHERE id = :'c'", c=cid), True, "still open")
    r = ward.post(f"/admin/campaigns/{cid}/close", [("round", rid)])
    t.eq(r.status, 303, f"the ward officer closes it: {harness.short(r.text)}")
    t.eq(stack.rows("SELECT answers, round_id::text AS r FROM survey_campaign WHERE id = :'c'", c=cid),
         [{"answers": base + 3, "r": rid}], "the answers frozen, handed to the round")
    t.eq(_survey(stack, token, "Đến muộn"), 200, "an answer after closing")
    page = ward.get(f"/admin/campaigns/{cid}")
    t.check(f'data-answers="{base + 3}"' in page.text and rate(base + 3) in page.text, "the frozen results keep their answers")
    t.check("survey-comments" not in page.text and "Đến muộn" not in page.text, "frozen: comments counted, not listed")
    t.check('data-status="closed"' in page.text and f"#{rid}" in page.text, "closed, with its round")
    t.eq(ward.post(f"/admin/campaigns/{cid}/close", [("round", "")]).status, 409, "closing twice: 409")
    rp = ward.get(f"/admin/rounds/{rid}")
    t.eq(rp.status, 200, "the round's page")
    t.check('id="campaigns"' in rp.text and f'href="/admin/campaigns/{cid}"' in rp.text
            and f'data-answers="{base + 3}"' in rp.text, "the round's page shows the survey closed into it, frozen")
    prid = str(stack.psql("INSERT INTO workplace_round (workplace_id, kind, held_on) VALUES (:'w', 'periodic', :'d') "
                          "RETURNING id", w=own, d=_today().isoformat()).splitlines()[0])
    orp = ward.get(f"/admin/rounds/{prid}")
    t.check(orp.status == 200 and 'id="campaigns"' not in orp.text, "a round no survey was closed into shows none")
    t.check(stack.value("SELECT count(*) FROM audit_log WHERE action IN ('campaign.add', 'campaign.close')") >= 3, "audited")


def _resolved(stack, token, n, fields, form_id="concern"):
    """n reports sent through `token`, then marked resolved by an officer; their ids."""
    ids = []
    for i in range(n):
        r, idem = stack.submit(token, fields + ([("text", f"Phản ánh số {i}")] if form_id == "concern" else []), form_id=form_id)
        if r.status != 200:
            raise harness.Failure(f"{form_id} report: {r.status} {harness.short(r.text)}")
        ids.append(str(stack.value("SELECT id FROM submission WHERE idempotency_key = :'k'", k=idem)))
    stack.psql(f"UPDATE submission SET status = 'resolved' WHERE id IN ({','.join(ids)})")
    return ids


def _lookup(stack, digits):
    page = stack.get("/status")
    token = harness.parse_html(page.text).inputs["_token"]
    return stack.post("/status", urllib.parse.urlencode([("_token", token), ("action", "lookup"), ("receipt", digits)]))


def test_results(t, stack):
    """What the union did: aggregate lines of 5 reports or more, previewed and approved by an officer (who, when),
    shown to workers on the QR landing page and its own page as approved (not live), withdrawn; the receipt page shows
    the round that took the report up (kind and day only); other scopes 404."""
    unit = stack.value("SELECT u.code FROM workplace w JOIN org_unit u ON u.id = w.unit_id WHERE w.code = 'CHE-TAMDUONG'")
    for args in (("workplace", "add", "--code", "LOOP-KQ", "--name", "Công ty Kết Quả", "--unit", unit),):
        p = stack.admin(*args)
        t.require(p.returncode == 0, f"{args}: {p.stderr.decode()}")
    token = stack.admin("qr", "create", "--workplace", "LOOP-KQ").stdout.decode().strip().rsplit("/", 1)[-1]
    wid = str(stack.value("SELECT id FROM workplace WHERE code = 'LOOP-KQ'"))
    plain = stack.get(f"/q/{token}")
    t.check('id="results"' not in plain.text, "nothing published: no results on the landing page")
    t.check('id="results-none"' in stack.get(f"/q/{token}/ket-qua").text, "its own page says nothing is published")
    t.eq(stack.post(f"/q/{token}/ket-qua", "x=1").status, 405, "the results page takes no post")

    wages = _resolved(stack, token, 6, [("category", "wages")])
    _resolved(stack, token, 4, [("category", "hours")])
    _resolved(stack, token, 5, [("meals_provided", "provided"), ("quality", "poor"), ("details", "Cơm ít")], "meal")
    rid = str(stack.psql("INSERT INTO workplace_round (workplace_id, kind, held_on) VALUES (:'w', 'periodic', :'d') RETURNING id",
                         w=wid, d=_today().isoformat()).splitlines()[0])
    stack.psql(f"INSERT INTO round_commitment (round_id, text, due_on, owner, status, done_on) VALUES "
               f"({rid}, 'Trả lương đúng ngày 10', :'d', 'Công ty', 'done', :'d'), "
               f"({rid}, 'Thêm món rau', :'d', 'Công ty', 'done', :'d'), ({rid}, 'Lắp quạt', :'d', 'Công ty', 'pending', NULL)",
               d=_today().isoformat())
    stack.psql(f"INSERT INTO round_submission (round_id, submission_id) SELECT {rid}, unnest(ARRAY[{','.join(wages[:5])}]::bigint[])")

    ward = harness.demo_console(t, stack)   # the province: LOOP-KQ is outside the ward officer's scope
    page = ward.get(f"/admin/results/{wid}")
    t.eq(page.status, 200, "the preview page opens")
    preview = page.text[page.text.find('id="preview"'):]
    t.check("Tiền lương" in preview and "<strong>6</strong>" in preview, "wages: 6 resolved reports")
    t.check("Giờ làm" not in preview, "hours: 4 reports, under k = 5, not shown")
    t.check("<strong>5</strong>" in preview, "meals: 5 resolved reports")
    t.check("<strong>2 / 3</strong>" in preview, "commitments: 2 of 3 kept")
    t.check("Phản ánh số" not in page.text and "Trả lương đúng ngày" not in preview, "no report or commitment text in the lines")
    seen = harness.parse_html(page.text).inputs.get("seen")
    t.require(seen, "the approve form carries what was seen")
    r = ward.post(f"/admin/results/{wid}", [("action", "approve"), ("seen", "0" * 32)])
    t.eq(r.status, 409, "approving figures not seen: 409")
    for bad, what in (([("action", "publish")], "an unknown action"), ([], "no action")):
        t.eq(ward.post(f"/admin/results/{wid}", bad).status, 400, f"{what}: 400")
    t.eq(stack.value("SELECT count(*) FROM workplace_result WHERE workplace_id = :'w'", w=wid), 0, "nothing approved yet")
    r = ward.post(f"/admin/results/{wid}", [("action", "approve"), ("seen", seen)])
    t.eq(r.status, 303, f"approved: {harness.short(r.text)}")
    row = stack.rows("SELECT o.username, (SELECT count(*) FROM workplace_result_line l WHERE l.result_id = w.id) AS lines "
                     "FROM workplace_result w JOIN officer o ON o.id = w.approved_by WHERE w.workplace_id = :'w' "
                     "AND w.withdrawn_at IS NULL", w=wid)
    t.eq(row, [{"username": "demo.tinh", "lines": 3}], "one snapshot of three lines, approved by the officer")
    landing = stack.get(f"/q/{token}")
    t.check('id="results"' in landing.text and "Công đoàn đã làm gì" in landing.text and "<strong>6</strong>" in landing.text,
            "the landing page shows the approved lines")
    t.eq(landing.text.count("<script"), plain.text.count("<script"), "no new script on the landing page")
    t.check("demo.tinh" not in landing.text and "Phản ánh số" not in landing.text, "nobody named, no report text")
    own = stack.get(f"/q/{token}/ket-qua")
    t.check(own.status == 200 and "<h1>Công đoàn đã làm gì</h1>" in own.text and "<strong>2 / 3</strong>" in own.text,
            "its own page shows them")
    _resolved(stack, token, 1, [("category", "hours")])
    t.check("Giờ làm" in ward.get(f"/admin/results/{wid}").text, "the preview follows the figures (hours now 5)")
    t.check("Giờ làm" not in stack.get(f"/q/{token}").text, "workers still see the approved snapshot, not live figures")
    t.check("Duyệt bởi" in ward.get(f"/admin/results/{wid}").text, "the page says who approved it and when")

    # the worker's receipt shows the round that took the report up: its kind and day only
    r, idem = stack.submit(token, [("category", "wages"), ("text", "Lương chậm")])
    digits = harness.receipt_of(r).replace(" ", "")
    sid = str(stack.value("SELECT id FROM submission WHERE idempotency_key = :'k'", k=idem))
    t.check('id="rounds"' not in _lookup(stack, digits).text, "no round yet: nothing said")
    stack.psql(f"INSERT INTO round_submission (round_id, submission_id) VALUES ({rid}, {sid})")
    st = _lookup(stack, digits)
    m = re.search(r'<ul id="rounds">(.*?)</ul>', st.text, re.S)
    t.check(m and "Đối thoại định kỳ" in m.group(1) and _today().strftime("%d/%m/%Y") in m.group(1),
            f"the round's kind and day: {m and m.group(1)}")
    t.check(m and "Trả lương" not in m.group(1) and "Lắp quạt" not in st.text, "nothing about commitments or others")

    # scope, withdrawal
    outsider = harness.demo_console(t, stack, "demo.tanphong")
    t.eq(outsider.get(f"/admin/results/{wid}").status, 404, "another scope's workplace: 404")
    t.eq(outsider.post(f"/admin/results/{wid}", [("action", "withdraw")]).status, 404, "withdrawing there: 404")
    t.eq(ward.get("/admin/results/999999999").status, 404, "an unknown workplace: 404")
    r = ward.post(f"/admin/results/{wid}", [("action", "withdraw")])
    t.eq(r.status, 303, "withdrawn")
    t.check('id="results"' not in stack.get(f"/q/{token}").text, "the landing page shows nothing after withdrawal")
    t.eq(ward.post(f"/admin/results/{wid}", [("action", "withdraw")]).status, 409, "withdrawing twice: 409")
    t.eq(stack.value("SELECT count(*) FROM workplace_result WHERE workplace_id = :'w' AND withdrawn_by IS NOT NULL", w=wid), 1,
         "the withdrawal kept (who, when)")
    t.check(stack.value("SELECT count(*) FROM audit_log WHERE action IN ('results.approve', 'results.withdraw')") >= 2, "audited")
