"""test_notify2.py: the sender isolates slow and dead webhook receivers (sql/047, fcgi/sender.c): an urgent
report reaches a working receiver past another's backlog, a paused receiver's events are kept aside and
delivered once each when it answers again, kept events expire after the retry window, and a report queues an
event only when a webhook in scope wants it. Runs on test_notify's stack (its own, backoff scale 0.01)."""
import json
import os
import threading
import time

import harness
from test_notify import Receiver, _ENV, _secret_file, admin_ok, concern, env, safety_accident, sid


def _units(t, stack):
    """A unit with a workplace and a QR code for each of these tests (once)."""
    if "n2" in _ENV:
        return _ENV["n2"]
    toks = {}
    for n in ("1", "2", "3"):
        admin_ok(t, stack, "unit", "add", "--code", f"NT2-U{n}", "--name", f"Đơn vị thử hai-{n}")
        admin_ok(t, stack, "workplace", "add", "--code", f"NT2-W{n}", "--name", f"Xưởng thử hai-{n}", "--unit", f"NT2-U{n}")
        toks[n] = admin_ok(t, stack, "qr", "create", "--workplace", f"NT2-W{n}").strip().splitlines()[-1].rsplit("/", 1)[-1]
    _ENV["n2"] = toks
    return toks


def _hook(t, stack, rec, unit, events):
    f = _secret_file(stack, rec.secret)
    return admin_ok(t, stack, "webhook", "add", "--unit", unit, "--url", f"http://127.0.0.1:{rec.port}/hook",
                    "--events", events, "--secret-file", str(f)).split()[1]


def _got(rec, s, event=None):
    return [json.loads(b) for _, b, _ in rec.delivered()
            if json.loads(b)["submission"]["id"] == s and (event is None or json.loads(b)["event"] == event)]


def test_urgent_past_backlog(t, _main_stack):
    """A hanging receiver with 3,000 deliveries queued and a working one: the urgent report reaches the working
    receiver within 10 s, and the worker's report is not slowed."""
    stack, _ = env()
    toks = _units(t, stack)
    slow, good = Receiver("slow-" + os.urandom(10).hex()), Receiver("good-" + os.urandom(10).hex())
    slow.mode = "slow"
    slow.start()
    good.start()
    hooks = []
    try:
        hooks.append(_hook(t, stack, slow, "NT2-U1", "submission.created,submission.urgent"))
        stack.psql("INSERT INTO outbox (kind, event, priority, unit_id, webhook_id, payload) "
                   "SELECT 'webhook', 'submission.created', 1, h.unit_id, h.id, "
                   "jsonb_build_object('id', gen_random_uuid(), 'event', 'submission.created', 'submission', jsonb_build_object('id', 0)) "
                   "FROM webhook h, generate_series(1, 3000) WHERE h.id = :'h'", h=hooks[0])
        hooks.append(_hook(t, stack, good, "NT2-U1", "submission.created,submission.urgent"))
        time.sleep(1)   # the sender is busy with the hanging receiver's backlog now
        t0 = time.monotonic()
        r, idem = safety_accident(stack, toks["1"])
        t.check(r.status == 200 and time.monotonic() - t0 < 2, f"the report answered at once: {r.status}")
        s = sid(stack, idem)
        got = harness.wait_until(lambda: _got(good, s, "submission.urgent"), 10, 0.1)
        took = time.monotonic() - t0
        backlog = stack.value("SELECT count(*) FROM outbox WHERE webhook_id = :'h' AND status = 'pending'", h=hooks[0])
        t.check(got, f"the urgent delivery reached the working receiver within 10 s ({took:.1f} s; {backlog} queued for the hanging one)")
        t.note(f"report -> urgent webhook delivery past a 3,000-row backlog: {took:.2f} s")
        t.eq(len(_got(good, s, "submission.urgent")), 1, "delivered once")
        t.check(harness.wait_until(lambda: _got(good, s, "submission.created"), 30, 0.2), "its submission.created follows")
        pending = stack.value("SELECT count(*) FROM outbox WHERE webhook_id = :'h' AND status = 'pending'", h=hooks[0])
        t.check(pending > 2900, f"the hanging receiver's backlog waits (tried a few at a time): {pending} pending")
    finally:
        for h in hooks:
            stack.admin("webhook", "remove", "--id", h)
        slow.mode = "ok"
        slow.stop()
        good.stop()


def test_paused_kept_aside(t, _main_stack):
    """A receiver that is down: after its first failure the reports' events are kept aside (no delivery row
    each); once it answers, each report is delivered exactly once."""
    stack, _ = env()
    toks = _units(t, stack)
    rec = Receiver("kept-" + os.urandom(10).hex())   # not started: connections are refused
    hid = _hook(t, stack, rec, "NT2-U2", "submission.created")
    try:
        _, idem = concern(stack, toks["2"], text="Báo cáo đầu tiên")
        first = sid(stack, idem)
        t.require(harness.wait_until(lambda: stack.value("SELECT failures FROM webhook WHERE id = :'h'", h=hid) > 0, 30, 0.2),
                  "the receiver is paused after failing")
        ids = [first]
        for i in range(20):
            _, idem = concern(stack, toks["2"], text=f"Báo cáo {i} khi bên nhận đang hỏng")
            ids.append(sid(stack, idem))
        kept = harness.wait_until(lambda: _kept(stack, hid) == 20, 30, 0.2)
        t.check(kept, f"the 20 reports are kept aside: {_kept(stack, hid)}")
        t.check(stack.value("SELECT missed_after FROM webhook WHERE id = :'h'", h=hid) < min(ids[1:]),
                "as the range of report ids after its pause (sql/062)")
        t.eq(stack.value("SELECT count(*) FROM webhook_deferred WHERE webhook_id = :'h'", h=hid), 0,
             "no kept row, no event row for them")
        t.eq(stack.value("SELECT count(*) FROM outbox WHERE webhook_id = :'h'", h=hid), 1,
             "no delivery row per report while paused (only the first report's)")
        rec.start()
        t.check(harness.wait_until(lambda: len(rec.delivered()) >= 21, 90, 0.3),
                f"delivered once the receiver answers: {len(rec.delivered())} of 21")
        time.sleep(2)
        got = [json.loads(b) for _, b, _ in rec.delivered()]
        t.eq(sorted(g["submission"]["id"] for g in got), sorted(ids), "each report delivered exactly once")
        t.eq(len({g["id"] for g in got}), 21, "distinct event ids")
        t.check(all(ok for _, _, ok in rec.delivered()), "every signature verifies")
        t.check(harness.wait_until(lambda: stack.value("SELECT missed_after IS NULL FROM webhook WHERE id = :'h'", h=hid), 20, 0.2),
                "the range is gone once given")
        t.eq((_kept(stack, hid), stack.value("SELECT count(*) FROM webhook_deferred WHERE webhook_id = :'h'", h=hid)), (0, 0),
             "nothing left aside")
        t.eq(stack.value("SELECT count(*) FROM outbox WHERE webhook_id = :'h' AND status = 'sent'", h=hid), 21, "rows sent")
    finally:
        stack.admin("webhook", "remove", "--id", hid)
        rec.stop()


def test_kept_expire_and_removed(t, _main_stack):
    """Kept events older than the retry window become failed deliveries (kept rows of sql/047 and the range of
    sql/062); a removed webhook's kept events are dropped."""
    stack, _ = env()
    toks = _units(t, stack)
    rec = Receiver("expire-" + os.urandom(10).hex())   # never started
    hid = _hook(t, stack, rec, "NT2-U2", "submission.created,submission.urgent")
    try:
        stack.psql("UPDATE webhook SET failures = 5, retry_at = now() + interval '1 hour' WHERE id = :'h'", h=hid)
        t.check(stack.value("SELECT missed_after IS NOT NULL FROM webhook WHERE id = :'h'", h=hid),
                "a pause set by hand takes a range too (the trigger)")
        _, i1 = concern(stack, toks["2"], text="Cũ một")
        _, i2 = concern(stack, toks["2"], text="Cũ hai")
        s1, s2 = sid(stack, i1), sid(stack, i2)
        t.check(harness.wait_until(lambda: _kept(stack, hid) == 2, 20, 0.2), f"both kept aside: {_kept(stack, hid)}")
        # the window is 24 h x 0.01 here: events of two days ago are past it (sql/047's kept rows)
        stack.psql("INSERT INTO webhook_deferred (webhook_id, submission_ids, created, urgent, ats, oldest, open) "
                   "VALUES (:'h', ARRAY[:'a', :'b']::bigint[], '{t,t}', '{f,f}', "
                   "ARRAY[now() - interval '2 days', now() - interval '2 days'], now() - interval '2 days', false)",
                   h=hid, a=str(s1), b=str(s2))
        failed = harness.wait_until(lambda: stack.rows(
            "SELECT (payload->'submission'->>'id')::bigint AS s, last_error FROM outbox WHERE webhook_id = :'h' AND status = 'failed'",
            h=hid) if stack.value("SELECT count(*) FROM outbox WHERE webhook_id = :'h' AND status = 'failed'", h=hid) >= 2 else None, 20, 0.3)
        t.check(failed and sorted(r["s"] for r in failed) == sorted([s1, s2]) and all("gave up" in r["last_error"] for r in failed),
                f"the expired events are failed deliveries saying why: {failed}")
        t.eq(_kept(stack, hid), 2, "the reports of the range, younger, stay aside while the receiver is paused")
        # the range's reports past the window (their time moved back two days) fail too, once each
        stack.psql("UPDATE submission SET received_at = now() - interval '2 days' WHERE id IN (:'a', :'b'); "
                   "UPDATE webhook SET missed_sealed_at = NULL WHERE id = :'h'", h=hid, a=str(s1), b=str(s2))
        gone = harness.wait_until(lambda: stack.value(
            "SELECT count(*) FROM outbox WHERE webhook_id = :'h' AND status = 'failed' AND dedup_key LIKE 'hook:%' "
            "AND last_error LIKE 'gave up%'", h=hid) == 2, 20, 0.3)
        t.check(gone, "the range's expired reports are failed deliveries saying why")
        t.eq((_kept(stack, hid), stack.value("SELECT count(*) FROM outbox WHERE webhook_id = :'h' AND status = 'pending'", h=hid)),
             (0, 0), "then nothing kept, nothing pending: no probe for them")
        _, i3 = concern(stack, toks["2"], text="Mới ba")
        t.check(harness.wait_until(lambda: _kept(stack, hid) == 1, 20, 0.2), "a new report is kept while paused")
        admin_ok(t, stack, "webhook", "remove", "--id", hid)
        t.check(harness.wait_until(lambda: stack.value("SELECT count(*) FROM webhook_deferred WHERE webhook_id = :'h'", h=hid) == 0
                                   and stack.value("SELECT missed_after IS NULL FROM webhook WHERE id = :'h'", h=hid), 20, 0.3),
                "a removed webhook's kept events and range are dropped")
        t.eq(stack.value("SELECT count(*) FROM outbox WHERE webhook_id = :'h' AND status = 'pending'", h=hid), 0, "nothing pending for it")
    finally:
        stack.admin("webhook", "remove", "--id", hid)


def _kept(stack, hid):
    """What `webhook list` and the console show kept aside for webhook hid."""
    return stack.value("SELECT kept FROM webhook_status WHERE id = :'h'", h=hid) or 0


def test_range_exactly_once(t, _main_stack):
    """Reports posted without a pause while the receiver goes down, answers, fails again during its catch-up
    and answers again: each report is delivered exactly once, signed, and nothing stays aside (sql/062)."""
    stack, _ = env()
    toks = _units(t, stack)
    rec = Receiver("range-" + os.urandom(10).hex())
    rec.mode = "fail"
    rec.start()
    hid = _hook(t, stack, rec, "NT2-U1", "submission.created")
    ids, stop = [], threading.Event()

    def post():
        i = 0
        while not stop.is_set() and i < 400:
            _, idem = concern(stack, toks["1"], text=f"Báo cáo liên tục {i}")
            ids.append(sid(stack, idem))
            i += 1

    th = threading.Thread(target=post, daemon=True)
    th.start()
    try:
        paused = harness.wait_until(lambda: stack.value("SELECT failures FROM webhook WHERE id = :'h'", h=hid) > 0, 30, 0.1)
        t.require(paused, "the failing receiver is paused while reports arrive")
        time.sleep(1)
        rec.mode = "ok"
        t.check(harness.wait_until(lambda: len(rec.delivered()) > 0, 30, 0.1), "it answers again: deliveries resume")
        rec.mode = "fail"       # fails again while it is being given its range
        harness.wait_until(lambda: stack.value("SELECT failures FROM webhook WHERE id = :'h'", h=hid) > 0, 30, 0.1)
        time.sleep(1)
        rec.mode = "ok"
        time.sleep(1)
        stop.set()
        th.join(60)
        t.check(len(ids) >= 20, f"reports posted throughout: {len(ids)}")
        done = harness.wait_until(lambda: len({json.loads(b)["submission"]["id"] for _, b, _ in rec.delivered()} & set(ids)) == len(ids),
                                  90, 0.3)
        time.sleep(2)
        got = [json.loads(b)["submission"]["id"] for _, b, _ in rec.delivered()]
        t.check(done, f"every report delivered: {len(set(got) & set(ids))} of {len(ids)}")
        dup = sorted(x for x in set(got) if got.count(x) > 1)
        t.eq(dup, [], "none delivered twice")
        t.eq(sorted(x for x in set(got) if x not in ids), [], "nothing else delivered")
        t.check(all(ok for _, _, ok in rec.delivered()), "every signature verifies")
        t.check(harness.wait_until(lambda: _kept(stack, hid) == 0 and stack.value(
            "SELECT missed_after IS NULL AND failures = 0 FROM webhook WHERE id = :'h'", h=hid), 30, 0.3),
            "nothing kept aside at the end, the range gone")
        # the range read back a second time (as when a receiver fails again during its catch-up and its range
        # reopens from where it was): every delivery is already there (dedup_key), nothing goes twice. From
        # above the reports that went through sql/047's kept rows (events queued before the pause: those never
        # fall in a range, and their deliveries carry no dedup_key)
        before = len(rec.delivered())
        lo = stack.value("SELECT coalesce(max((payload->'submission'->>'id')::bigint), :'m') FROM outbox "
                         "WHERE webhook_id = :'h' AND dedup_key IS NULL", h=hid, m=str(min(ids) - 1))
        t.check(sum(1 for x in ids if x > lo) >= 10, f"the range read again holds most of the reports: {lo}")
        stack.psql("UPDATE webhook SET missed_after = :'lo', missed_sealed = :'hi' WHERE id = :'h'",
                   h=hid, lo=str(lo), hi=str(max(ids)))
        t.check(harness.wait_until(lambda: stack.value("SELECT missed_after IS NULL FROM webhook WHERE id = :'h'", h=hid), 30, 0.3),
                "a range read back again is gone")
        time.sleep(2)
        t.eq(len(rec.delivered()) - before, 0, f"no report of the {len(ids)} delivered a second time")
        t.eq(stack.value("SELECT count(*) FROM outbox WHERE webhook_id = :'h'", h=hid), len(ids),
             "one delivery row per report")
    finally:
        stop.set()
        stack.admin("webhook", "remove", "--id", hid)
        rec.stop()


def _queued_events(stack, wp, urgent=False):
    """Inserts a report at workplace wp in a transaction that is rolled back, has outbox_queue_reports() (sql/065,
    the sender's events lane) read it there, and returns how many events it queued. The marks are moved by hand in
    the transaction (a seal cannot pass a report not yet committed); the sender skips them while they are locked."""
    return int(stack.psql(
        "BEGIN;\n"
        "INSERT INTO submission (form_id, form_version, workplace_id, unit_id, entry_point_id, channel, answers, lang, "
        "idempotency_key, receipt_hash, urgent) SELECT 'concern', 1, w.id, w.unit_id, e.id, 'qr', "
        "'{\"text\": \"x\", \"category\": \"wages\"}'::jsonb, 'vi', 'n2trig' || md5(random()::text), "
        "decode(md5(random()::text) || md5(random()::text), 'hex'), :'u'::boolean "
        "FROM entry_point e JOIN workplace w ON w.id = e.workplace_id WHERE w.code = :'wp' LIMIT 1;\n"
        "UPDATE submission_mark SET report_id = currval(pg_get_serial_sequence('submission', 'id')) - "
        "CASE mark WHEN 'queued' THEN 1 ELSE 0 END WHERE mark IN ('sealed', 'queued');\n"
        "SELECT 'read ' || outbox_queue_reports(10);\n"
        "SELECT count(*) FROM outbox_event WHERE submission_id = currval(pg_get_serial_sequence('submission', 'id'));\n"
        "ROLLBACK;", wp=wp, u="t" if urgent else "f").strip().splitlines()[-1])


def _urgent_events(stack, wp, before_queue):
    """A report at workplace wp, not urgent, marked urgent before or after outbox_queue_reports() reads it, in a
    transaction that is rolled back (marks moved by hand as in _queued_events): how many urgent events it got."""
    mark = "UPDATE submission SET urgent = true WHERE id = currval(pg_get_serial_sequence('submission', 'id'));\n"
    return int(stack.psql(
        "BEGIN;\n"
        "INSERT INTO submission (form_id, form_version, workplace_id, unit_id, entry_point_id, channel, answers, lang, "
        "idempotency_key, receipt_hash, urgent) SELECT 'concern', 1, w.id, w.unit_id, e.id, 'qr', "
        "'{\"text\": \"x\", \"category\": \"wages\"}'::jsonb, 'vi', 'n2urg' || md5(random()::text), "
        "decode(md5(random()::text) || md5(random()::text), 'hex'), false "
        "FROM entry_point e JOIN workplace w ON w.id = e.workplace_id WHERE w.code = :'wp' LIMIT 1;\n"
        "UPDATE submission_mark SET report_id = currval(pg_get_serial_sequence('submission', 'id')) - "
        "CASE mark WHEN 'queued' THEN 1 ELSE 0 END WHERE mark IN ('sealed', 'queued');\n"
        + (mark if before_queue else "") +
        "SELECT 'read ' || outbox_queue_reports(10);\n"
        + ("" if before_queue else mark) +
        "SELECT count(*) FILTER (WHERE urgent) FROM outbox_event "
        "WHERE submission_id = currval(pg_get_serial_sequence('submission', 'id'));\n"
        "ROLLBACK;", wp=wp).strip().splitlines()[-1])


def test_urgent_once(t, _main_stack):
    """A report marked urgent (an officer, an API client) gets one urgent event whether the sender has queued its
    events yet or not (sql/068): before, a report marked urgent in the fraction of a second before the sender
    read it got one from the UPDATE trigger and one from the sender, which read it urgent."""
    stack, _ = env()
    _units(t, stack)
    t.eq(_urgent_events(stack, "NT2-W3", before_queue=True), 1, "marked urgent before the sender queues it: one urgent event")
    t.eq(_urgent_events(stack, "NT2-W3", before_queue=False), 1, "marked urgent after the sender queued it: one urgent event")


def test_event_only_when_wanted(t, _main_stack):
    """A report that is not urgent queues an event only when a live webhook of a unit at or above its
    workplace's wants submission.created; an urgent one always does (officers' mails). Queued by the sender
    from the sealed new reports (sql/065), with the rule the insert trigger had."""
    stack, _ = env()
    _units(t, stack)
    rec = Receiver("scope-" + os.urandom(10).hex())
    t.eq(_queued_events(stack, "NT2-W3"), 0, "no webhook in scope: no event")
    t.eq(_queued_events(stack, "NT2-W3", urgent=True), 1, "an urgent report: an event (mails)")
    h1 = _hook(t, stack, rec, "NT2-U3", "submission.urgent")
    h2 = _hook(t, stack, rec, "NT2-U1", "submission.created")
    try:
        t.eq(_queued_events(stack, "NT2-W3"), 0, "webhooks that want only urgent reports, or another unit's: no event")
        h3 = _hook(t, stack, rec, "NT2-U3", "submission.created")
        t.eq(_queued_events(stack, "NT2-W3"), 1, "a webhook in scope that wants submission.created: an event")
        admin_ok(t, stack, "webhook", "remove", "--id", h3)
        t.eq(_queued_events(stack, "NT2-W3"), 0, "after it is removed: no event")
    finally:
        for h in (h1, h2):
            stack.admin("webhook", "remove", "--id", h)
