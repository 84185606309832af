"""test_notify.py: notifications by e-mail and signed webhooks, end to end: a stack of our own whose
sender talks to a real SMTP server (aiosmtpd, on loopback, writing a maildir) and to webhook receivers
(http.server on loopback) that verify the Tiengnoi-Signature."""
import atexit
import email
import email.policy
import hashlib
import hmac
import http.server
import json
import mailbox
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import harness

SYSTEM_PYTHON = "/usr/bin/python3"     # Debian's python3-aiosmtpd lives in its dist-packages
SECRET_TEXT = "BÍMẬT-nội-dung-người-lao-động"


# ------------------------------------------------------------ SMTP server ----

class SmtpServer:
    """python3 -m aiosmtpd on a fixed loopback port, writing a maildir; stop() and start() again to
    play an SMTP server that is down for a while."""

    def __init__(self):
        self.port = harness.free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="tn-mail-"))
        self.proc = None

    def start(self):
        self.proc = subprocess.Popen([SYSTEM_PYTHON, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{self.port}",
                                      "-c", "aiosmtpd.handlers.Mailbox", str(self.dir / "maildir")],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        harness.wait_until(lambda: self._listening(), 15)

    def _listening(self):
        import socket
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                return True
        except OSError:
            return False

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self.proc = None

    def messages(self):
        """Every message received so far: email.message.EmailMessage objects."""
        md = self.dir / "maildir"
        if not md.exists():
            return []
        out = []
        for key, m in mailbox.Maildir(str(md), factory=None).items():
            out.append(email.message_from_bytes(m.as_bytes(), policy=email.policy.default))
        return out

    def to(self, addr, event=None):
        return [m for m in self.messages() if addr in (m["To"] or "")
                and (event is None or m["X-Tiengnoi-Event"] == event)]


def body_of(m):
    return m.get_body(preferencelist=("plain",)).get_content()


# ------------------------------------------------------- webhook receiver ----

class Receiver:
    """A webhook receiver on loopback: records every POST, checks its signature with `secret`;
    mode 'ok' (204), 'fail' (500), 'slow' (answers after 30 s)."""

    def __init__(self, secret):
        self.secret = secret
        self.mode = "ok"
        self.got = []          # (headers, body bytes, signature valid)
        self.lock = threading.Lock()
        self.port = harness.free_port()
        self.server = None

    def verify(self, header, body, secret=None):
        try:
            parts = dict(p.split("=", 1) for p in header.split(","))
            ts, sig = parts["t"], parts["v1"]
        except (ValueError, KeyError, AttributeError):
            return False
        mac = hmac.new((secret or self.secret).encode(), ts.encode() + b"." + body, hashlib.sha256).hexdigest()
        return hmac.compare_digest(mac, sig)

    def start(self):
        rec = self

        class H(http.server.BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                if rec.mode == "slow":
                    time.sleep(30)
                ok = rec.verify(self.headers.get("Tiengnoi-Signature", ""), body)
                with rec.lock:
                    rec.got.append((dict(self.headers), body, ok, rec.mode))
                self.send_response(500 if rec.mode == "fail" else 204)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), H)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        if self.server:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    def delivered(self):
        with self.lock:
            return [(h, b, ok) for h, b, ok, mode in self.got if mode == "ok"]


# ------------------------------------------------------------- the stack ----

_ENV = {}


def env():
    """Our own stack (started once for these tests): its sender uses our SMTP server, retries fast."""
    if "stack" in _ENV:
        return _ENV["stack"], _ENV["smtp"]
    smtp = SmtpServer()
    smtp.start()
    stack = harness.Stack(env_extra={"TIENGNOI_SMTP_URL": f"smtp://127.0.0.1:{smtp.port}",
                                     "TIENGNOI_MAIL_FROM": "Tiếng nói <thongbao@tiengnoi.test>",
                                     "TIENGNOI_SENDER_BACKOFF_SCALE": "0.01"})
    _ENV["stack"], _ENV["smtp"] = stack, smtp

    def cleanup():
        stack.stop()
        smtp.stop()
        shutil.rmtree(smtp.dir, ignore_errors=True)
    atexit.register(cleanup)
    stack.start()
    setup_units(stack)
    return stack, smtp


def admin_ok(t, stack, *args, input=None):
    p = stack.admin(*args, input=input)
    t.require(p.returncode == 0, f"tiengnoi-admin {' '.join(args)}: {p.returncode} {p.stderr.decode()}")
    return p.stdout.decode()


def setup_units(stack):
    """Two provinces, a workplace with a QR code in each; officers with addresses in both."""
    for args in (("unit", "add", "--code", "NT-P1", "--name", "Tỉnh thử một"),
                 ("unit", "add", "--code", "NT-C1", "--name", "Công đoàn cơ sở một", "--parent", "NT-P1"),
                 ("unit", "add", "--code", "NT-P2", "--name", "Tỉnh thử hai"),
                 ("workplace", "add", "--code", "NT-W1", "--name", "Nhà máy Thử Một", "--unit", "NT-C1"),
                 ("workplace", "add", "--code", "NT-W2", "--name", "Nhà máy Thử Hai", "--unit", "NT-P2")):
        p = stack.admin(*args)
        if p.returncode != 0:
            raise harness.Failure(f"{args}: {p.stderr.decode()}")
    toks = {}
    for wp in ("NT-W1", "NT-W2"):
        p = stack.admin("qr", "create", "--workplace", wp)
        toks[wp] = p.stdout.decode().strip().splitlines()[-1].rsplit("/", 1)[-1]
    _ENV["tokens"] = toks
    pw = "Mat-khau-" + os.urandom(6).hex() + "\n"
    for user, unit, addr in (("nt.tinh1", "NT-P1", "tinh1@mail.test"), ("nt.coso1", "NT-C1", "coso1@mail.test"),
                             ("nt.tinh2", "NT-P2", "tinh2@mail.test")):
        p = stack.admin("officer", "add", "--username", user, "--unit", unit, "--role", "admin", "--email", addr,
                        input=pw.encode())
        if p.returncode != 0:
            raise harness.Failure(f"officer add {user}: {p.stderr.decode()}")
    _ENV["password"] = pw.strip()


def safety_accident(stack, token, text=SECRET_TEXT):
    r, idem = stack.submit(token, [("kind", "accident"), ("danger_now", "no"), ("where", "Xưởng 2"),
                                   ("description", text), ("injured", "1"), ("dead", "0")], form_id="safety")
    return r, idem


def concern(stack, token, text="Phản ánh thường", urgency="normal"):
    return stack.submit(token, [("category", "wages"), ("text", text), ("urgency", urgency)])


def sid(stack, idem):
    return stack.value("SELECT id FROM submission WHERE idempotency_key = :'k'", k=idem)


# ----------------------------------------------------------------- tests ----

def test_urgent_mail(t, _main_stack):
    """An accident report: one mail within 60 s to each officer in scope, no worker text; out of scope nothing."""
    stack, smtp = env()
    t.check(harness.read_pid(stack.run_dir / "sender.pid") and
            harness.alive(harness.read_pid(stack.run_dir / "sender.pid")), "stack.sh started the sender")
    t0 = time.monotonic()
    r, idem = safety_accident(stack, _ENV["tokens"]["NT-W1"])
    t.require(r.status == 200, f"safety report: {r.status}")
    s = sid(stack, idem)
    got = harness.wait_until(lambda: [m for m in smtp.to("coso1@mail.test", "submission.urgent")
                                      if f"#{s}" in m["Subject"]], 60, 0.2)
    t.require(got, f"no urgent mail for report {s} within 60 s; outbox: "
                   f"{stack.rows('SELECT event, status, last_error FROM outbox ORDER BY id DESC LIMIT 5')}")
    t.note(f"report -> urgent mail in {time.monotonic() - t0:.2f} s")
    m = got[0]
    body = body_of(m)
    t.check("KHẨN CẤP" in m["Subject"], f"Vietnamese subject: {m['Subject']}")
    t.check(SECRET_TEXT not in body and SECRET_TEXT not in m.as_string(), "no worker text in the mail")
    t.check("Xưởng 2" not in body, "no answer text (where) in the mail")
    t.check("Nhà máy Thử Một" in body and "safety" in body and f"/admin/s/{s}" in body, f"workplace, form, link: {body}")
    t.check(m["Message-ID"] and m["Message-ID"].startswith("<tiengnoi."), f"Message-ID: {m['Message-ID']}")
    t.check(str(m["From"]) == "Tiếng nói <thongbao@tiengnoi.test>", f"From with its Vietnamese name: {m['From']}")
    t.eq(m["X-MailFrom"], "thongbao@tiengnoi.test", "the envelope sender")
    harness.wait_until(lambda: len([x for x in smtp.to("tinh1@mail.test", "submission.urgent") if f"#{s}" in x["Subject"]]) >= 1, 20)
    time.sleep(2)
    for addr in ("coso1@mail.test", "tinh1@mail.test"):
        n = len([x for x in smtp.to(addr, "submission.urgent") if f"#{s}" in x["Subject"]])
        t.eq(n, 1, f"urgent mails to {addr}")
    t.eq(len([x for x in smtp.to("tinh2@mail.test", "submission.urgent") if f"#{s}" in x["Subject"]]), 0,
         "mails to the officer of the other province")
    rows = stack.rows("SELECT status, attempts FROM outbox WHERE event = 'submission.urgent' "
                      "AND payload->>'submission_id' = :'s'", s=str(s))
    t.eq(sorted(r["status"] for r in rows), ["sent", "sent"], "outbox rows of the report")
    # a report that is not urgent sends no urgent mail
    _, idem2 = concern(stack, _ENV["tokens"]["NT-W1"])
    time.sleep(1.5)
    t.eq(stack.value("SELECT count(*) FROM outbox WHERE event = 'submission.urgent' AND payload->>'submission_id' = :'s'",
                     s=str(sid(stack, idem2))), 0, "outbox rows of a normal concern")
    # an officer who switched urgent mails off gets none
    stack.psql("UPDATE officer SET notify_urgent = false WHERE username = 'nt.tinh1'")
    _, idem3 = concern(stack, _ENV["tokens"]["NT-W1"], urgency="urgent")
    s3 = str(sid(stack, idem3))
    # the sender expands the report's event into its mails (one transaction: all of them or none)
    t.eq(harness.wait_until(lambda: stack.rows("SELECT o.username FROM outbox x JOIN officer o ON o.id = x.officer_id WHERE "
                                               "x.event = 'submission.urgent' AND x.payload->>'submission_id' = :'s'", s=s3), 30, 0.2),
         [{"username": "nt.coso1"}], "only the officer who keeps urgent mails on")
    stack.psql("UPDATE officer SET notify_urgent = true WHERE username = 'nt.tinh1'")


def test_first_line_allowed(t, _main_stack):
    """A unit may allow the first line of a non-anonymous report; an anonymous one never shows text."""
    stack, smtp = env()
    stack.psql("UPDATE org_unit SET notify_first_line = true WHERE code = 'NT-P1'")
    try:
        _, idem = safety_accident(stack, _ENV["tokens"]["NT-W1"], text="Dòng đầu ẩn danh\nDòng hai")
        s = sid(stack, idem)
        got = harness.wait_until(lambda: [m for m in smtp.to("coso1@mail.test", "submission.urgent")
                                          if f"#{s}" in m["Subject"]], 60, 0.2)
        t.require(got, "urgent mail")
        t.check("Dòng đầu" not in body_of(got[0]), "anonymous QR report: no first line even when allowed")
        # a report entered by an officer (phone): the first line, and only it, in mail and webhook
        f = _secret_file(stack, "first-line-secret-0123456789")
        hid = admin_ok(t, stack, "webhook", "add", "--unit", "NT-P1", "--url", f"http://127.0.0.1:{harness.free_port()}/",
                       "--events", "submission.urgent", "--secret-file", str(f)).split()[1]
        s2 = int(stack.psql(
            "INSERT INTO submission (form_id, form_version, workplace_id, unit_id, channel, answers, lang, idempotency_key, "
            "receipt_hash, urgent, entered_by) SELECT 'concern', 1, w.id, w.unit_id, 'phone', "
            "jsonb_build_object('text', E'Dòng đầu được phép\\nDòng hai bí mật', 'category', 'wages', 'urgency', 'urgent'), "
            "'vi', 'firstline' || md5(random()::text), decode(md5(random()::text) || md5(random()::text), 'hex'), true, "
            "(SELECT id FROM officer WHERE username = 'nt.coso1') FROM workplace w WHERE w.code = 'NT-W1' RETURNING id"))
        got = harness.wait_until(lambda: [m for m in smtp.to("coso1@mail.test", "submission.urgent")
                                          if f"#{s2}" in m["Subject"]], 60, 0.2)
        t.require(got, "urgent mail of the phone report")
        b = body_of(got[0])
        t.check("Dòng đầu: Dòng đầu được phép" in b and "Dòng hai" not in b, f"only the first line: {b}")
        fl = stack.value("SELECT payload->>'first_line' FROM outbox WHERE webhook_id = :'h'", h=hid)
        t.eq(fl, "Dòng đầu được phép", "the webhook body's first line")
        stack.psql(f"UPDATE submission SET answers = '{{}}' WHERE id = {s2}")
        t.eq(stack.value("SELECT payload ? 'first_line' FROM outbox WHERE webhook_id = :'h'", h=hid), False,
             "anonymising the report scrubs the queued first line")
        admin_ok(t, stack, "webhook", "remove", "--id", hid)
    finally:
        stack.psql("UPDATE org_unit SET notify_first_line = false WHERE code = 'NT-P1'")


def test_digest(t, _main_stack):
    """The daily digest: new reports by workplace and form, replies waiting, deadlines overdue first."""
    stack, smtp = env()
    for args in (("unit", "add", "--code", "NT-D", "--name", "Đơn vị tóm tắt"),
                 ("workplace", "add", "--code", "NT-DW", "--name", "Xưởng Tóm Tắt", "--unit", "NT-D")):
        admin_ok(t, stack, *args)
    tok = admin_ok(t, stack, "qr", "create", "--workplace", "NT-DW").strip().splitlines()[-1].rsplit("/", 1)[-1]
    concern(stack, tok, text="Thứ nhất")
    concern(stack, tok, text="Thứ hai")
    r, _ = stack.submit(tok, [("meals_provided", "provided"), ("meal_value", "20000"), ("quality", "poor"),
                               ("details", "Cơm nguội")], form_id="meal")
    t.check(r.status == 200, f"meal report: {r.status} {harness.short(r.text, 200)}")
    wid = stack.value("SELECT id FROM workplace WHERE code = 'NT-DW'")
    uid = stack.value("SELECT id FROM org_unit WHERE code = 'NT-D'")
    # a mediation that ended days ago (overdue) and one still running
    stack.psql(f"INSERT INTO dispute_case (unit_id, workplace_id, kind, title, stage, stage_entered_on) VALUES "
               f"({uid}, {wid}, 'dismissal', 'Quá hạn', 'labour_mediator', (now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date - 30), "
               f"({uid}, {wid}, 'dismissal', 'Sắp tới', 'labour_mediator', (now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date - 1)")
    stack.psql("UPDATE org_unit SET digest_time = '00:00' WHERE code = 'NT-D'")
    admin_ok(t, stack, "officer", "add", "--username", "nt.digest", "--unit", "NT-D", "--role", "officer",
             "--email", "digest@mail.test", input=(_ENV["password"] + "\n").encode())
    got = harness.wait_until(lambda: smtp.to("digest@mail.test", "digest"), 60, 0.3)
    t.require(got, f"no digest within 60 s: {stack.rows('SELECT event, status, last_error FROM outbox WHERE event = ' + chr(39) + 'digest' + chr(39) + ' ORDER BY id DESC LIMIT 3')}")
    body = body_of(got[0])
    t.check("Tóm tắt ngày" in got[0]["Subject"], f"subject: {got[0]['Subject']}")
    t.check("Xưởng Tóm Tắt — concern: 2" in body, f"two concerns counted: {body}")
    t.check("Xưởng Tóm Tắt — meal: 1" in body, f"one meal report counted: {body}")
    t.check("Thứ nhất" not in body and "Cơm nguội" not in body, "no worker text in the digest")
    t.check("CHỜ CÁN BỘ: 0" in body, f"replies waiting: {body}")
    over, soon = body.find("QUÁ HẠN"), body.find("Hòa giải viên kết thúc hòa giải", body.find("QUÁ HẠN") + 1)
    t.check(over >= 0 and soon > over, f"overdue deadline listed first, then the coming one: {body}")
    time.sleep(12)   # another scheduling pass: still one digest today
    t.eq(len(smtp.to("digest@mail.test", "digest")), 1, "digests after a second scheduling pass")


def test_reminder_dates(t, _main_stack):
    """Reminders N working days before a deadline, counted with the holiday calendar, and on the day."""
    stack, smtp = env()
    wid = stack.value("SELECT id FROM workplace WHERE code = 'NT-W2'")
    uid = stack.value("SELECT id FROM org_unit WHERE code = 'NT-P2'")
    # mediation entered Wed 22/04/2026 ends 5 working days later: 23, 24, (27 Giỗ Tổ), 28, 29, (30/4, 1/5, weekend), 04/05
    k = int(stack.psql(f"INSERT INTO dispute_case (unit_id, workplace_id, kind, title, stage, stage_entered_on) VALUES "
                       f"({uid}, {wid}, 'dismissal', 'Nhắc hạn', 'labour_mediator', '2026-04-22') RETURNING id"))
    t.eq(stack.value(f"SELECT due_on::text FROM case_deadlines({k}) WHERE code = 'mediation_ends'"), "2026-05-04",
         "the deadline from the working-day calendar")

    def reminders():
        return stack.rows(f"SELECT payload->>'when' AS w, o.username FROM outbox x JOIN officer o ON o.id = x.officer_id "
                          f"WHERE x.event = 'case.deadline' AND (x.payload->>'case_id')::bigint = {k} ORDER BY x.id")
    stack.psql("SELECT notify_schedule('2026-04-23 09:00+07')")
    t.eq(reminders(), [], "23/04: 3 working days ahead is 29/04, before the deadline: no reminder yet")
    stack.psql("SELECT notify_schedule('2026-04-24 09:00+07')")
    t.eq(reminders(), [{"w": "before", "username": "nt.tinh2"}],
         "24/04 (28, 29, 04/05 are the next 3 working days): the reminder, to the officer in scope only")
    stack.psql("SELECT notify_schedule('2026-04-28 09:00+07')")
    t.eq(len(reminders()), 1, "no second 'before' reminder")
    stack.psql("SELECT notify_schedule('2026-05-04 09:00+07')")
    t.eq([r["w"] for r in reminders()], ["before", "day"], "and one on the day")
    got = harness.wait_until(lambda: [m for m in smtp.to("tinh2@mail.test", "case.deadline")
                                      if f"#{k}" in m["Subject"]], 60, 0.3)
    t.require(len(got) >= 1, "reminder mails sent")
    harness.wait_until(lambda: len([m for m in smtp.to("tinh2@mail.test", "case.deadline") if f"#{k}" in m["Subject"]]) >= 2, 30)
    subjects = sorted(m["Subject"] for m in smtp.to("tinh2@mail.test", "case.deadline") if f"#{k}" in m["Subject"])
    t.check(any("04/05/2026" in s for s in subjects) and any("HÔM NAY" in s for s in subjects), f"subjects: {subjects}")
    # officers of another province never hear of it
    t.eq([m for m in smtp.to("tinh1@mail.test", "case.deadline") if f"#{k}" in m["Subject"]], [],
         "reminders to an officer out of scope")


def test_worker_replied(t, _main_stack):
    """A worker's reply on a report assigned to an officer: a notice to that officer only."""
    stack, smtp = env()
    r, idem = concern(stack, _ENV["tokens"]["NT-W1"], text="Cần trả lời")
    s = sid(stack, idem)
    stack.psql(f"UPDATE submission SET assignee_id = (SELECT id FROM officer WHERE username = 'nt.coso1') WHERE id = {s}")
    stack.psql(f"INSERT INTO message (submission_id, author, body) VALUES ({s}, 'worker', 'Trả lời bí mật của NLĐ')")
    got = harness.wait_until(lambda: [m for m in smtp.to("coso1@mail.test", "worker.replied") if f"#{s}" in m["Subject"]], 60, 0.3)
    t.require(got, "worker.replied mail")
    t.check("Trả lời bí mật" not in body_of(got[0]), "no reply text in the mail")
    t.eq([m for m in smtp.to("tinh1@mail.test", "worker.replied") if f"#{s}" in m["Subject"]], [],
         "the officer it is not assigned to")


def test_smtp_down(t, _main_stack):
    """SMTP down for a minute: the sender backs off; once it returns every mail goes out, once."""
    stack, smtp = env()
    smtp.stop()
    try:
        t0 = time.monotonic()
        r, idem = safety_accident(stack, _ENV["tokens"]["NT-W1"])
        t.check(time.monotonic() - t0 < 2, "the report is not slowed by a dead SMTP server")
        s = str(sid(stack, idem))
        rows = harness.wait_until(lambda: stack.rows(
            "SELECT attempts, last_error FROM outbox WHERE event = 'submission.urgent' AND payload->>'submission_id' = :'s' "
            "AND attempts >= 2", s=s), 30, 0.5)
        t.check(rows and "smtp" in rows[0]["last_error"], f"attempts recorded with the error: {rows}")
        time.sleep(max(0, 60 - (time.monotonic() - t0)))
        t.eq(stack.value("SELECT count(*) FROM outbox WHERE event = 'submission.urgent' AND payload->>'submission_id' = :'s' "
                         "AND status = 'pending'", s=s), 2, "still pending after a minute")
    finally:
        smtp.start()
    got = harness.wait_until(lambda: len([m for m in smtp.to("", "submission.urgent") if f"#{s}" in m["Subject"]]) >= 2, 90, 0.5)
    t.require(got, f"mails after the server returned: {stack.rows('SELECT status, attempts, last_error, next_attempt_at FROM outbox WHERE payload->>' + chr(39) + 'submission_id' + chr(39) + ' = ' + chr(39) + s + chr(39))}")
    time.sleep(3)
    ms = [m for m in smtp.to("", "submission.urgent") if f"#{s}" in m["Subject"]]
    t.eq(sorted(str(m["To"]).strip("<>") for m in ms), ["coso1@mail.test", "tinh1@mail.test"], "one mail each, none twice")
    t.eq(len({m["Message-ID"] for m in ms}), 2, "a Message-ID per outbox row")


def _secret_file(stack, secret):
    f = stack.var / f"wh-{os.urandom(4).hex()}.secret"
    f.write_text(secret + "\n")
    return f


def test_webhooks(t, _main_stack):
    """Signed deliveries: signature checks out, a wrong secret fails, down then up delivers, 500s retried."""
    stack, _ = env()
    secret = "whsec-" + os.urandom(12).hex()
    rec = Receiver(secret)
    rec.start()
    try:
        f = _secret_file(stack, secret)
        out = admin_ok(t, stack, "webhook", "add", "--unit", "NT-P1", "--url", f"http://127.0.0.1:{rec.port}/hook",
                       "--events", "submission.created,submission.urgent", "--secret-file", str(f))
        hid = out.split()[1]
        t0 = time.monotonic()
        r, idem = safety_accident(stack, _ENV["tokens"]["NT-W1"])
        s = sid(stack, idem)
        got = harness.wait_until(lambda: [x for x in rec.delivered() if json.loads(x[1])["submission"]["id"] == s], 30, 0.1)
        t.require(got, "a delivery")
        t.note(f"report -> first webhook delivery in {time.monotonic() - t0:.2f} s")
        harness.wait_until(lambda: len([x for x in rec.delivered() if json.loads(x[1])["submission"]["id"] == s]) >= 2, 20)
        mine = [x for x in rec.delivered() if json.loads(x[1])["submission"]["id"] == s]
        events = sorted(json.loads(b)["event"] for _, b, _ in mine)
        t.eq(events, ["submission.created", "submission.urgent"], "both events of an accident")
        h, b, ok = mine[0]
        t.check(ok, f"signature verifies: {h.get('Tiengnoi-Signature')}")
        t.check(not rec.verify(h.get("Tiengnoi-Signature", ""), b, secret="wrong-secret-0123456789"),
                "a wrong secret fails verification")
        t.check(not rec.verify(h.get("Tiengnoi-Signature", ""), b + b" "), "a changed body fails verification")
        body = json.loads(b)
        t.check(SECRET_TEXT.encode() not in b and b"X\xc6\xb0\xe1\xbb\x9fng 2" not in b, "no worker text in the body")
        t.eq(body["workplace"]["code"], "NT-W1", "workplace in the body")
        t.eq(body["unit"]["code"], "NT-C1", "unit in the body")
        t.eq(body["submission"]["form"], "safety", "form in the body")
        t.eq(body["submission"]["urgent"], True, "urgency in the body")
        t.eq(h.get("Tiengnoi-Delivery"), body["id"], "the delivery header carries the event id")
        # out of scope: a report in the other province is not delivered here
        _, idem2 = concern(stack, _ENV["tokens"]["NT-W2"])
        time.sleep(2)
        s2 = sid(stack, idem2)
        t.eq([x for x in rec.delivered() if json.loads(x[1])["submission"]["id"] == s2], [], "deliveries out of scope")
        # receiver down, then up
        rec.stop()
        _, idem3 = concern(stack, _ENV["tokens"]["NT-W1"])
        s3 = sid(stack, idem3)
        harness.wait_until(lambda: stack.rows("SELECT 1 FROM outbox WHERE webhook_id = :'h' AND attempts >= 2 AND "
                                              "(payload->'submission'->>'id')::bigint = :'s'", h=hid, s=str(s3)), 30, 0.3)
        err = stack.value("SELECT last_error FROM outbox WHERE webhook_id = :'h' AND (payload->'submission'->>'id')::bigint = :'s'",
                          h=hid, s=str(s3))
        t.check("http" in err, f"the error is recorded: {err}")
        rec.start()
        t.check(harness.wait_until(lambda: [x for x in rec.delivered() if json.loads(x[1])["submission"]["id"] == s3], 60, 0.3),
                "delivered once the receiver is back")
        # 500s are retried, then accepted
        rec.mode = "fail"
        _, idem4 = concern(stack, _ENV["tokens"]["NT-W1"])
        s4 = sid(stack, idem4)
        harness.wait_until(lambda: len([g for g in rec.got if json.loads(g[1])["submission"]["id"] == s4]) >= 2, 30, 0.2)
        rec.mode = "ok"
        t.check(harness.wait_until(lambda: [x for x in rec.delivered() if json.loads(x[1])["submission"]["id"] == s4], 60, 0.3),
                "delivered after 500s")
        t.eq(stack.value("SELECT status FROM outbox WHERE webhook_id = :'h' AND (payload->'submission'->>'id')::bigint = :'s'",
                         h=hid, s=str(s4)), "sent", "the outbox row is sent")
        lst = admin_ok(t, stack, "webhook", "list")
        t.check(f"http://127.0.0.1:{rec.port}/hook" in lst and "submission.created,submission.urgent" in lst, f"list: {lst}")
        t.check(secret not in lst, "the secret is never listed")
        admin_ok(t, stack, "webhook", "remove", "--id", hid)
        t.check(hid not in [ln.split("\t")[0] for ln in admin_ok(t, stack, "webhook", "list").splitlines()], "removed")
        ol = admin_ok(t, stack, "outbox", "list", "--status", "sent", "--n", "5")
        t.check("webhook" in ol and "sent" in ol, f"outbox list: {ol}")
    finally:
        rec.stop()


def test_webhook_slow_receiver(t, _main_stack):
    """A receiver that answers after 30 s: the sender times out, workers' reports are not slowed."""
    stack, smtp = env()
    rec = Receiver("slow-secret-0123456789")
    rec.mode = "slow"
    rec.start()
    try:
        f = _secret_file(stack, rec.secret)
        hid = admin_ok(t, stack, "webhook", "add", "--unit", "NT-P2", "--url", f"http://127.0.0.1:{rec.port}/",
                       "--events", "submission.created", "--secret-file", str(f)).split()[1]
        times = []
        for _ in range(5):
            t0 = time.monotonic()
            r, _ = concern(stack, _ENV["tokens"]["NT-W2"])
            times.append(time.monotonic() - t0)
            t.check(r.status == 200, f"report: {r.status}")
        t.check(max(times) < 2, f"reports answered quickly with a hanging receiver: {times}")
        # mail still flows while webhook lanes hang
        _, idem = safety_accident(stack, _ENV["tokens"]["NT-W2"])
        s = sid(stack, idem)
        t.check(harness.wait_until(lambda: [m for m in smtp.to("tinh2@mail.test", "submission.urgent") if f"#{s}" in m["Subject"]],
                                   60, 0.3), "urgent mail while a webhook receiver hangs")
        rows = harness.wait_until(lambda: stack.rows("SELECT last_error FROM outbox WHERE webhook_id = :'h' AND attempts >= 1",
                                                     h=hid), 40, 0.5)
        t.check(rows and "timed out" in rows[0]["last_error"].lower() or "timeout" in str(rows).lower(),
                f"the attempt timed out: {rows}")
        admin_ok(t, stack, "webhook", "remove", "--id", hid)
    finally:
        rec.mode = "ok"
        rec.stop()


def test_webhook_thousand(t, _main_stack):
    """1,000 reports: 1,000 deliveries, each event id once."""
    stack, _ = env()
    secret = "bulk-" + os.urandom(12).hex()
    rec = Receiver(secret)
    rec.start()
    try:
        admin_ok(t, stack, "unit", "add", "--code", "NT-BULK", "--name", "Đơn vị nghìn báo cáo")
        admin_ok(t, stack, "workplace", "add", "--code", "NT-BW", "--name", "Xưởng Nghìn", "--unit", "NT-BULK")
        tok = admin_ok(t, stack, "qr", "create", "--workplace", "NT-BW").strip().splitlines()[-1].rsplit("/", 1)[-1]
        f = _secret_file(stack, secret)
        hid = admin_ok(t, stack, "webhook", "add", "--unit", "NT-BULK", "--url", f"http://127.0.0.1:{rec.port}/",
                       "--events", "submission.created", "--secret-file", str(f)).split()[1]
        _, csrf, _ = stack.form(tok)

        def one(i):
            pairs = [("_token", csrf), ("_idem", f"bulk{i:012d}{os.urandom(4).hex()}"), ("category", "wages"),
                     ("text", f"Báo cáo số {i}"), ("urgency", "normal")]
            return stack.post(f"/q/{tok}/concern", urllib.parse.urlencode(pairs)).status
        with ThreadPoolExecutor(4) as ex:
            statuses = list(ex.map(one, range(1000)))
        t.eq(statuses.count(200), 1000, "reports accepted")
        harness.wait_until(lambda: len(rec.delivered()) >= 1000, 120, 0.5)
        time.sleep(2)
        got = rec.delivered()
        ids = [json.loads(b)["id"] for _, b, _ in got]
        t.eq(len(got), 1000, "deliveries")
        t.eq(len(set(ids)), 1000, "distinct event ids delivered")
        t.check(all(ok for _, _, ok in got), "every signature verifies")
        t.eq(stack.value("SELECT count(*) FROM outbox WHERE webhook_id = :'h' AND status = 'sent'", h=hid), 1000, "rows sent")
        admin_ok(t, stack, "webhook", "remove", "--id", hid)
    finally:
        rec.stop()


def test_bad_input(t, _main_stack):
    """Malformed addresses, bad webhook URLs, unknown events, missing secrets: exit 2 naming the argument, nothing stored."""
    stack, _ = env()
    before = stack.value("SELECT count(*) FROM webhook")
    for bad in ("", "không-có-a-còng", "a@b", "a@@b.vn", "a b@c.vn", "x" * 250 + "@d.vn", "'; DROP TABLE officer;--@x.vn",
                "<script>@x.vn", ".a@b.vn", "a@-b.vn", "a@b.vn\n"):
        p = stack.admin("officer", "email", "--username", "nt.coso1", "--email", bad) if bad else \
            stack.admin("officer", "add", "--username", "nt.never", "--unit", "NT-P1", "--role", "viewer", "--email", "",
                        input=b"Mat-khau-rat-dai-123\n")
        t.check(p.returncode == 2 and b"--email" in p.stderr, f"email {bad!r}: {p.returncode} {p.stderr!r}")
    p = stack.admin(b"officer", b"email", b"--username", b"nt.coso1", b"--email", b"\xff\xfe@x.vn")
    t.check(p.returncode == 2 and b"--email" in p.stderr, f"non-UTF-8 address: {p.returncode} {p.stderr!r}")
    t.eq(stack.value("SELECT email FROM officer WHERE username = 'nt.coso1'"), "coso1@mail.test", "address unchanged")
    p = stack.admin("officer", "add", "--username", "nt.never", "--unit", "NT-P1", "--role", "viewer", "--email", "sai@",
                    input=b"Mat-khau-rat-dai-123\n")
    t.check(p.returncode == 2, "officer add with a bad --email")
    t.eq(stack.value("SELECT count(*) FROM officer WHERE username = 'nt.never'"), 0, "no officer stored")
    f = _secret_file(stack, "a-good-secret-0123456789")
    short = _secret_file(stack, "short")

    def add(url="http://127.0.0.1:9/x", events="submission.created", secret=str(f), unit="NT-P1"):
        return stack.admin("webhook", "add", "--unit", unit, "--url", url, "--events", events, "--secret-file", secret)
    cases = [
        (dict(url="ftp://example.vn/x"), b"--url"),
        (dict(url="javascript:alert(1)"), b"--url"),
        (dict(url=""), b"--url"),
        (dict(url="http://"), b"--url"),
        (dict(url="http://exa mple.vn/"), b"--url"),
        (dict(url="http://example.vn/" + "a" * 600), b"--url"),
        (dict(url=stack.base + "/admin/"), b"--url"),
        (dict(url=f"http://localhost:{stack.port}/hook"), b"--url"),
        (dict(events="submission.created,submission.deleted"), b"--events"),
        (dict(events=""), b"--events"),
        (dict(events="case.deadline,case.deadline"), b"--events"),
        (dict(events="<script>"), b"--events"),
        (dict(secret=str(stack.var / "no-such-file")), b"--secret-file"),
        (dict(secret=str(short)), b"--secret-file"),
        (dict(unit="NO-SUCH"), b"unit"),
    ]
    for kw, name in cases:
        p = add(**kw)
        t.check(p.returncode == 2 and name in p.stderr, f"webhook add {kw}: {p.returncode} {p.stderr!r}")
    t.eq(stack.value("SELECT count(*) FROM webhook"), before, "no webhook stored")
    for args in (("unit", "notify", "--code", "NT-C1", "--digest-time", "24:00"),
                 ("unit", "notify", "--code", "NT-C1", "--first-line", "maybe"),
                 ("unit", "notify", "--code", "NT-C1"),
                 ("unit", "notify", "--code", "NO-SUCH", "--digest-time", "07:00"),
                 ("outbox", "list", "--status", "lost"), ("outbox", "list", "--n", "abc"), ("webhook", "remove", "--id", "x1"),
                 ("webhook", "remove", "--id", "999999")):
        p = stack.admin(*args)
        t.check(p.returncode == 2, f"{args}: {p.returncode} {p.stderr!r}")


def test_console(t, _main_stack):
    """Account settings with a confirmation link; /admin/outbox and /admin/webhooks for admins; bad input beside the field."""
    stack, smtp = env()
    pw = _ENV["password"]
    c = harness.console_login(stack, "nt.coso1", pw)
    t.require(c.cookie, f"nt.coso1 signs in: {c.login_response.status}")
    page = c.get("/admin/account")
    t.require(page.status == 200 and 'id="notify"' in page.text, "the account page has the notification section")
    t.check("coso1@mail.test" in page.text, "the confirmed address is shown")
    # bad input: the form comes back with the error beside the field, nothing stored
    for bad in ("khong-hop-le", "a@b", "<script>alert(1)</script>@x.vn", "x" * 300 + "@x.vn", "'; DROP TABLE officer;--"):
        r = c.post("/admin/account/notify", [("email", bad), ("urgent", "1"), ("reminder_days", "3")])
        t.check(r.status == 400 and 'id="e-f-notify-email"' in r.text, f"email {bad[:30]!r}: {r.status}")
        t.check("<script>alert" not in r.text, "hostile text escaped")
    r = c.post("/admin/account/notify", [("email", "coso1@mail.test"), ("reminder_days", "99")])
    t.check(r.status == 400 and 'id="e-f-notify-reminder_days"' in r.text, f"reminder days 99: {r.status}")
    r = c.post("/admin/account/notify", [("email", "coso1@mail.test"), ("reminder_days", "3")], csrf=False)
    t.eq(r.status, 403, "no CSRF token")
    row = stack.rows("SELECT email, email_pending, notify_urgent FROM officer WHERE username = 'nt.coso1'")[0]
    t.eq(row, {"email": "coso1@mail.test", "email_pending": None, "notify_urgent": True}, "nothing stored after refusals")
    # a new address waits for its link; the old one keeps getting mail meanwhile
    r = c.post("/admin/account/notify", [("email", "moi.coso1@mail.test"), ("urgent", "1"), ("digest", "1"),
                                         ("reminder", "1"), ("replies", "1"), ("reminder_days", "5")])
    t.eq(r.status, 303, "settings saved")
    row = stack.rows("SELECT email, email_pending, reminder_days FROM officer WHERE username = 'nt.coso1'")[0]
    t.eq(row, {"email": "coso1@mail.test", "email_pending": "moi.coso1@mail.test", "reminder_days": 5}, "pending address")
    got = harness.wait_until(lambda: smtp.to("moi.coso1@mail.test", "email.confirm"), 60, 0.3)
    t.require(got, "a confirmation mail")
    import re as _re
    m = _re.search(r"(/admin/account/email\?t=[0-9a-f]{64})", body_of(got[0]))
    t.require(m, f"a link in the mail: {body_of(got[0])}")
    t.check(harness.wait_until(lambda: stack.value("SELECT count(*) FROM outbox WHERE event = 'email.confirm' "
                                                    "AND payload ? 'token'") == 0, 10),
            "the link is not kept in the outbox once sent")
    other = harness.console_login(stack, "nt.tinh1", pw)
    r = other.get(m.group(1))
    t.eq(r.status, 400, "another officer cannot use the link")
    r = c.get("/admin/account/email?t=" + "0" * 64)
    t.eq(r.status, 400, "a wrong token")
    r = c.get(m.group(1))
    t.check(r.status == 200 and "moi.coso1@mail.test" in r.text, f"confirmed: {r.status}")
    t.eq(stack.value("SELECT email FROM officer WHERE username = 'nt.coso1'"), "moi.coso1@mail.test", "address confirmed")
    t.eq(c.get(m.group(1)).status, 400, "a link works once")
    stack.admin("officer", "email", "--username", "nt.coso1", "--email", "coso1@mail.test")
    # the outbox and webhooks pages: admins only, in scope
    a = harness.console_login(stack, "nt.tinh1", pw)
    r = a.get("/admin/outbox")
    t.check(r.status == 200 and 'id="outbox-counts"' in r.text and "email.confirm" in r.text, f"outbox page: {r.status}")
    t.check("digest@mail.test" not in r.text and "nt.digest" not in r.text, "rows of another province's unit are not shown")
    r = a.get("/admin/outbox?status=failed")
    t.eq(r.status, 200, "outbox filtered")
    # a unit's digest time and first-line permission
    c1 = stack.value("SELECT id FROM org_unit WHERE code = 'NT-C1'")
    for fields, field in (([("unit", str(c1)), ("digest_time", "25:00")], "digest_time"),
                          ([("unit", str(c1)), ("digest_time", "7h")], "digest_time"),
                          ([("unit", str(c1)), ("digest_time", "")], "digest_time"),
                          ([("unit", str(stack.value("SELECT id FROM org_unit WHERE code = 'NT-P2'"))), ("digest_time", "08:00")], "unit")):
        r = a.post("/admin/outbox", [("action", "unit")] + fields)
        t.check(r.status == 400 and f'id="e-f-unit-{field}"' in r.text, f"unit settings {fields}: {r.status}")
    t.eq(stack.value("SELECT digest_time::text FROM org_unit WHERE code = 'NT-C1'"), "07:00:00", "nothing stored")
    r = a.post("/admin/outbox", [("action", "unit"), ("unit", str(c1)), ("digest_time", "16:30"), ("first_line", "1")])
    t.eq(r.status, 303, "unit settings saved")
    t.eq(stack.rows("SELECT digest_time::text AS at, notify_first_line AS fl FROM org_unit WHERE code = 'NT-C1'"),
         [{"at": "16:30:00", "fl": True}], "stored")
    admin_ok(t, stack, "unit", "notify", "--code", "NT-C1", "--digest-time", "07:00", "--first-line", "no")
    t.eq(stack.rows("SELECT digest_time::text AS at, notify_first_line AS fl FROM org_unit WHERE code = 'NT-C1'"),
         [{"at": "07:00:00", "fl": False}], "set back by the CLI")
    admin_ok(t, stack, "officer", "add", "--username", "nt.viewer", "--unit", "NT-P1", "--role", "viewer",
             input=(pw + "\n").encode())
    v = harness.console_login(stack, "nt.viewer", pw)
    t.eq(v.get("/admin/outbox").status, 403, "a viewer is refused the outbox")
    t.eq(v.get("/admin/webhooks").status, 403, "a viewer is refused webhooks")
    r = a.get("/admin/webhooks")
    t.require(r.status == 200 and 'id="webhooks"' in r.text, f"webhooks page: {r.status}")
    p1 = stack.value("SELECT id FROM org_unit WHERE code = 'NT-P1'")
    p2 = stack.value("SELECT id FROM org_unit WHERE code = 'NT-P2'")
    before = stack.value("SELECT count(*) FROM webhook")
    for fields, field in (([("unit", p1), ("url", "ftp://x.vn/"), ("events", "submission.created"), ("secret", "s" * 20)], "url"),
                          ([("unit", p1), ("url", stack.base + "/hook"), ("events", "submission.created"), ("secret", "s" * 20)], "url"),
                          ([("unit", p1), ("url", "http://127.0.0.1:9/"), ("events", "x.y"), ("secret", "s" * 20)], "events"),
                          ([("unit", p1), ("url", "http://127.0.0.1:9/"), ("secret", "s" * 20)], "events"),
                          ([("unit", p1), ("url", "http://127.0.0.1:9/"), ("events", "case.deadline"), ("secret", "short")], "secret"),
                          ([("unit", p2), ("url", "http://127.0.0.1:9/"), ("events", "case.deadline"), ("secret", "s" * 20)], "unit")):
        r = a.post("/admin/webhooks", [("action", "add")] + [(k, str(v)) for k, v in fields])
        t.check(r.status == 400 and f'id="e-f-webhook-{field}"' in r.text, f"webhook {field}: {r.status}")
    t.eq(stack.value("SELECT count(*) FROM webhook"), before, "nothing stored")
    r = a.post("/admin/webhooks", [("action", "add"), ("unit", str(p1)), ("url", "http://127.0.0.1:9/console"),
                                   ("events", "submission.created"), ("events", "case.deadline"), ("secret", "s" * 20)])
    t.eq(r.status, 303, "webhook added")
    hid = stack.value("SELECT id FROM webhook WHERE url = 'http://127.0.0.1:9/console'")
    r = a.get("/admin/webhooks")
    t.check("http://127.0.0.1:9/console" in r.text and "s" * 20 not in r.text, "listed, secret never shown")
    b = harness.console_login(stack, "nt.tinh2", pw)
    t.eq(b.post("/admin/webhooks", [("action", "remove"), ("id", str(hid))]).status, 404, "another province cannot remove it")
    t.eq(a.post("/admin/webhooks", [("action", "remove"), ("id", str(hid))]).status, 303, "removed")
    t.check(stack.value("SELECT removed_at IS NOT NULL FROM webhook WHERE id = :'h'", h=str(hid)), "marked removed")


def test_admin_sets_email(t, _main_stack):
    """An admin sets another officer's address on the officer page: confirmed at once and audited; bad, hostile,
    huge or non-UTF-8 addresses come back with the error beside the field and nothing stored; not one's own, not
    outside the admin's scope."""
    stack, smtp = env()
    pw = _ENV["password"]
    oid = str(stack.value("SELECT id FROM officer WHERE username = 'nt.coso1'"))
    before = stack.rows("SELECT email, email_pending FROM officer WHERE username = 'nt.coso1'")[0]
    a = harness.console_login(stack, "nt.tinh1", pw)
    t.require(a.cookie, "nt.tinh1 signs in")
    page = a.get(f"/admin/officers/{oid}")
    t.require(page.status == 200 and 'id="f-officer-email"' in page.text, f"the officer page has the address field: {page.status}")
    t.check(before["email"] in page.text, "the stored address is shown")
    audits = stack.value("SELECT count(*) FROM audit_log WHERE action = 'officer.email'")
    for bad in ("khong-hop-le", "a@b", "<script>alert(1)</script>@x.vn", "'; DROP TABLE officer;--@x.vn",
                "x" * 300 + "@x.vn", "a b@c.vn", "tên@miền.vn"):
        r = a.post(f"/admin/officers/{oid}", [("action", "email"), ("email", bad)])
        t.check(r.status == 400 and 'id="e-f-officer-email"' in r.text, f"email {bad[:30]!r}: {r.status}")
        t.check("<script>alert" not in r.text, "hostile text escaped")
    r = a.post(f"/admin/officers/{oid}", [("action", "email"), ("email", b"\xff\xfe@x.vn")])
    t.eq(r.status, 400, "a non-UTF-8 address")
    t.eq(stack.rows("SELECT email, email_pending FROM officer WHERE username = 'nt.coso1'")[0], before, "nothing stored")
    t.eq(stack.value("SELECT count(*) FROM audit_log WHERE action = 'officer.email'"), audits, "nothing audited")
    # an address waiting for its link is replaced by the admin's, which counts as confirmed
    stack.psql("UPDATE officer SET email_pending = 'cho.xac.nhan@mail.test', email_token_expires = now() + interval '1 hour' "
               "WHERE username = 'nt.coso1'")
    r = a.post(f"/admin/officers/{oid}", [("action", "email"), ("email", "admin.dat@mail.test")])
    t.eq(r.status, 303, "saved")
    t.eq(stack.rows("SELECT email, email_pending FROM officer WHERE username = 'nt.coso1'")[0],
         {"email": "admin.dat@mail.test", "email_pending": None}, "stored as confirmed, the pending one dropped")
    t.eq(stack.value("SELECT count(*) FROM audit_log WHERE action = 'officer.email'"), audits + 1, "one audit row")
    r = a.get(f"/admin/officers/{oid}?done=email")
    t.check("admin.dat@mail.test" in r.text, "the page shows the new address")
    # the address is used at once: an urgent report mails it
    _, idem = safety_accident(stack, _ENV["tokens"]["NT-W1"])
    s = sid(stack, idem)
    t.check(harness.wait_until(lambda: [m for m in smtp.to("admin.dat@mail.test", "submission.urgent") if f"#{s}" in m["Subject"]],
                               60, 0.3), "an urgent mail to the address the admin set")
    # one's own address goes through the Account page; another province's officer is out of scope
    me = str(stack.value("SELECT id FROM officer WHERE username = 'nt.tinh1'"))
    t.eq(a.post(f"/admin/officers/{me}", [("action", "email"), ("email", "tu.dat@mail.test")]).status, 403, "not one's own")
    b = harness.console_login(stack, "nt.tinh2", pw)
    t.eq(b.post(f"/admin/officers/{oid}", [("action", "email"), ("email", "ngoai@mail.test")]).status, 404,
         "an admin of another province")
    t.eq(stack.value("SELECT email FROM officer WHERE username = 'nt.coso1'"), "admin.dat@mail.test", "unchanged by refusals")
    # empty removes the address
    t.eq(a.post(f"/admin/officers/{oid}", [("action", "email"), ("email", "")]).status, 303, "removed")
    t.eq(stack.value("SELECT email FROM officer WHERE username = 'nt.coso1'"), None, "no address")
    admin_ok(t, stack, "officer", "email", "--username", "nt.coso1", "--email", before["email"])
