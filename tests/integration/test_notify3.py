"""test_notify3.py: admins see a paused webhook receiver's kept-aside events (sql/054): /admin/outbox and
`tiengnoi-admin webhook list` show per webhook whether it is paused (until when, the error), the events kept
aside and the deliveries pending, sent and failed; the counts go to 0 and each report is delivered once when
the receiver comes up; hostile stored text is escaped. Runs on test_notify's stack (backoff scale 0.01)."""
import html
import json
import os
import re

import harness
from test_notify import Receiver, _ENV, _secret_file, admin_ok, concern, env, sid

N = 12   # reports while the receiver is down


def _setup(t, stack):
    """A unit of its own with a workplace, a QR code and an admin (once)."""
    if "n3" in _ENV:
        return _ENV["n3"]
    admin_ok(t, stack, "unit", "add", "--code", "NT3-U1", "--name", "Đơn vị thử ba")
    admin_ok(t, stack, "workplace", "add", "--code", "NT3-W1", "--name", "Xưởng thử ba", "--unit", "NT3-U1")
    tok = admin_ok(t, stack, "qr", "create", "--workplace", "NT3-W1").strip().splitlines()[-1].rsplit("/", 1)[-1]
    admin_ok(t, stack, "officer", "add", "--username", "nt3.admin", "--unit", "NT3-U1", "--role", "admin",
             input=(_ENV["password"] + "\n").encode())
    _ENV["n3"] = tok
    return tok


def _cli_row(t, stack, hid):
    """The `webhook list` line of webhook `hid` as a dict of its header's fields."""
    out = admin_ok(t, stack, "webhook", "list").splitlines()
    head = out[0].split("\t")
    t.require(head == ["id", "unit", "url", "events", "sent", "pending", "failed", "kept", "paused_until", "last_error"],
              f"webhook list header: {out[0]!r}")
    rows = [dict(zip(head, ln.split("\t"))) for ln in out[1:]]
    t.require(all(len(ln.split("\t")) == len(head) for ln in out[1:]), f"one line of {len(head)} fields per webhook: {out}")
    mine = [r for r in rows if r["id"] == str(hid)]
    return mine[0] if mine else None


def _page_row(c, hid, path="/admin/outbox"):
    """The cells (text) of webhook `hid`'s row in the console's receivers table, and the page."""
    r = c.get(path)
    m = re.search(r'<tr[^>]*data-webhook="%s"[^>]*>(.*?)</tr>' % hid, r.text, re.S)
    cells = [html.unescape(re.sub(r"<[^>]+>", "", x)).strip() for x in re.findall(r"<td[^>]*>(.*?)</td>", m.group(1), re.S)] if m else None
    return r, cells


# the columns of the receivers table (fcgi/page_admin_notify.c webhook_table)
C_ID, C_UNIT, C_URL, C_EVENTS, C_STATE, C_ERROR, C_KEPT, C_PENDING, C_SENT, C_FAILED = range(10)


def test_kept_shown(t, _main_stack):
    """A dead receiver (a closed port) gets N reports: the page and the CLI show N kept aside, paused until a
    time, with its error; once it answers, 0 kept and N + 1 sent, each report delivered once."""
    stack, _ = env()
    tok = _setup(t, stack)
    rec = Receiver("n3-" + os.urandom(10).hex())   # not started: connections to its port are refused
    f = _secret_file(stack, rec.secret)
    hid = admin_ok(t, stack, "webhook", "add", "--unit", "NT3-U1", "--url", f"http://127.0.0.1:{rec.port}/hook",
                   "--events", "submission.created", "--secret-file", str(f)).split()[1]
    try:
        row = _cli_row(t, stack, hid)
        t.check(row and row["kept"] == "0" and row["paused_until"] == "" and row["last_error"] == "",
                f"a new webhook: nothing kept, not paused: {row}")
        _, idem = concern(stack, tok, text="Báo cáo đầu tiên")
        ids = [sid(stack, idem)]
        t.require(harness.wait_until(lambda: _cli_row(t, stack, hid)["paused_until"] != "", 30, 0.2),
                  "the receiver is paused after its first failure (webhook list)")
        for i in range(N):
            _, idem = concern(stack, tok, text=f"Báo cáo {i} khi bên nhận đang hỏng")
            ids.append(sid(stack, idem))
        done = harness.wait_until(lambda: stack.value("SELECT count(*) FROM outbox_event") == 0
                                  and _cli_row(t, stack, hid)["kept"] == str(N), 30, 0.2)
        row = _cli_row(t, stack, hid)
        t.check(done, f"webhook list shows the {N} events kept aside: {row}")
        t.eq((row["kept"], row["pending"], row["sent"], row["failed"]), (str(N), "1", "0", "0"),
             "kept, pending (the first report's delivery), sent, failed")
        t.check(re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", row["paused_until"]), f"paused until a time: {row['paused_until']!r}")
        t.check(row["last_error"] != "", f"the error that paused it: {row['last_error']!r}")
        c = harness.console_login(stack, "nt3.admin", _ENV["password"])
        t.require(c.cookie, "the unit's admin signs in")
        r, cells = _page_row(c, hid)
        t.require(r.status == 200 and cells, f"/admin/outbox lists the receiver: {r.status}")
        t.eq((cells[C_ID], cells[C_KEPT], cells[C_PENDING], cells[C_SENT], cells[C_FAILED]), (hid, str(N), "1", "0", "0"),
             "/admin/outbox: kept aside, pending, sent, failed")
        t.check("paused" in cells[C_STATE] or "tạm dừng" in cells[C_STATE], f"shown paused: {cells[C_STATE]!r}")
        t.eq(cells[C_ERROR], row["last_error"], "the same error as the CLI")
        _, wcells = _page_row(c, hid, "/admin/webhooks")
        t.check(wcells and wcells[C_KEPT] == str(N), f"/admin/webhooks shows the same counts: {wcells}")
        other = harness.console_login(stack, "nt.tinh2", _ENV["password"])
        t.eq(_page_row(other, hid)[1], None, "an admin of another province does not see it")

        rec.start()
        t.check(harness.wait_until(lambda: len(rec.delivered()) >= N + 1, 90, 0.3),
                f"delivered once the receiver answers: {len(rec.delivered())} of {N + 1}")
        settled = harness.wait_until(lambda: _cli_row(t, stack, hid)["sent"] == str(N + 1), 30, 0.2)
        row = _cli_row(t, stack, hid)
        t.check(settled, f"webhook list counts the deliveries sent: {row}")
        t.eq((row["kept"], row["pending"], row["sent"], row["failed"], row["paused_until"], row["last_error"]),
             ("0", "0", str(N + 1), "0", "", ""), "nothing kept, not paused, no error")
        got = [json.loads(b) for _, b, _ in rec.delivered()]
        t.eq(sorted(g["submission"]["id"] for g in got), sorted(ids), "each report delivered exactly once")
        _, cells = _page_row(c, hid)
        t.eq((cells[C_KEPT], cells[C_PENDING], cells[C_SENT], cells[C_FAILED]), ("0", "0", str(N + 1), "0"),
             "/admin/outbox: 0 kept, all sent")
        t.check("receiving" in cells[C_STATE] or "đang nhận" in cells[C_STATE], f"shown receiving: {cells[C_STATE]!r}")
    finally:
        stack.admin("webhook", "remove", "--id", hid)
        rec.stop()


def test_hostile_text(t, _main_stack):
    """A webhook's URL, its unit's name and the error that paused it, stored with markup, tabs and newlines:
    escaped on the page, one line in the CLI."""
    stack, _ = env()
    _setup(t, stack)
    f = _secret_file(stack, "n3-hostile-" + os.urandom(8).hex())
    hid = admin_ok(t, stack, "webhook", "add", "--unit", "NT3-U1", "--url", "http://127.0.0.1:9/hook",
                   "--events", "submission.created", "--secret-file", str(f)).split()[1]
    name = stack.value("SELECT name FROM org_unit WHERE code = 'NT3-U1'")
    try:
        stack.psql("UPDATE webhook SET url = 'http://127.0.0.1:9/\"><script>alert(1)</script>', failures = 3, "
                   "retry_at = now() + interval '1 hour', last_error = E'<img src=x onerror=alert(2)>\\tline\\nnext''; DROP TABLE webhook;--' "
                   "WHERE id = :'h'", h=hid)
        stack.psql("UPDATE org_unit SET name = '<b onmouseover=alert(3)>Đơn vị</b>' WHERE code = 'NT3-U1'")
        c = harness.console_login(stack, "nt3.admin", _ENV["password"])
        for path in ("/admin/outbox", "/admin/webhooks"):
            r, cells = _page_row(c, hid, path)
            t.require(r.status == 200 and cells, f"{path} lists the webhook: {r.status}")
            t.check("<script>alert(1)" not in r.text and "<img src=x" not in r.text and "<b onmouseover" not in r.text,
                    f"{path}: no markup from stored text")
            t.check("&lt;script&gt;alert(1)" in r.text and "&lt;img src=x onerror=alert(2)&gt;" in r.text,
                    f"{path}: the text is shown escaped")
            t.eq(cells[C_URL], 'http://127.0.0.1:9/"><script>alert(1)</script>', f"{path}: the URL as stored")
        row = _cli_row(t, stack, hid)
        t.check(row and row["last_error"] == "<img src=x onerror=alert(2)> line next'; DROP TABLE webhook;--",
                f"CLI: the error on one line, tab and newline as spaces: {row}")
        t.check(stack.value("SELECT count(*) FROM webhook") > 0, "nothing was run from the text")
    finally:
        stack.psql("UPDATE org_unit SET name = :'n' WHERE code = 'NT3-U1'", n=name)
        stack.admin("webhook", "remove", "--id", hid)
