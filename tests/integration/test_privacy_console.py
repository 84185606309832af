"""test_privacy_console.py: /admin/requests (data-subject requests) and /admin/calendar (holidays, legal deadlines) over HTTP, in PostgreSQL and through the CLI."""
import json
import re
import secrets
import subprocess
import urllib.parse

import harness
from harness import receipt_of, short

HOSTILE = "<script>alert(1)</script>'; DROP TABLE holiday; -- \" & é"


def _err(p):
    return p.stderr.decode(errors="replace")


def _out(p):
    return p.stdout.decode(errors="replace")


def _report(t, stack, text, token=None):
    """Sends a concern through a worker form; returns (submission id, receipt)."""
    r, idem = stack.submit(token or stack.demo[0][0], [("category", "wages"), ("text", text)])
    rc = receipt_of(r)
    t.require(r.status == 200 and rc, f"submit -> {r.status}: {short(r.text, 300)}")
    return str(stack.value("SELECT id FROM submission WHERE idempotency_key = :'k'", k=idem)), rc


def _login(t, stack, username, password=None):
    password = password or harness.demo_logins(stack)[username]
    c = harness.console_login(stack, username, password)
    t.require(c.cookie, f"{username} signs in: {c.login_response.status} {short(c.login_response.text, 200)}")
    return c


def _officer(t, stack, username, unit, role):
    pw = "Ngay-" + secrets.token_hex(8)
    p = stack.admin("officer", "add", "--username", username, "--unit", unit, "--role", role, input=(pw + "\n").encode())
    t.require(p.returncode == 0, f"officer add {username}: {_err(p)}")
    return _login(t, stack, username, pw)


def _other_province(t, stack):
    """A second province with its own workplace, QR code and admin; returns (admin console, QR token)."""
    if not stack.value("SELECT count(*) AS n FROM org_unit WHERE code = 'LDLD-KHAC'"):
        for args in (("unit", "add", "--code", "LDLD-KHAC", "--name", "LĐLĐ tỉnh Khác", "--kind", "province"),
                     ("workplace", "add", "--code", "WP-KHAC", "--name", "Công ty Khác", "--unit", "LDLD-KHAC")):
            p = stack.admin(*args)
            t.require(p.returncode == 0, f"{args}: {_err(p)}")
        p = stack.admin("qr", "create", "--workplace", "WP-KHAC")
        t.require(p.returncode == 0, f"qr create: {_err(p)}")
    listing = _out(stack.admin("qr", "list"))
    tokens = [ln.split("\t")[0].rsplit("/", 1)[-1] for ln in listing.splitlines() if "Công ty Khác" in ln]
    t.require(tokens, f"no QR code for the other province: {listing!r}")
    return _officer(t, stack, "admin.khac." + secrets.token_hex(3), "LDLD-KHAC", "admin"), tokens[0]


def _audits(stack, action, obj=None):
    return stack.value("SELECT count(*) AS n FROM audit_log WHERE action = :'a' AND (:'o' = '' OR object = :'o')",
                       a=action, o=obj or "")


def _request_id(t, r):
    m = re.match(r"/admin/requests/(\d+)\?done=added$", r.header("Location") or "")
    t.require(r.status == 303 and m, f"recording a request -> {r.status} {r.header('Location')}: {short(r.text, 300)}")
    return m.group(1)


def _add(c, kind, receipt="", subject="", note=""):
    c.get("/admin/requests")
    return c.post("/admin/requests", [("action", "add"), ("kind", kind), ("receipt", receipt), ("subject", subject),
                                      ("note", note)])


def _status(stack, rid):
    return stack.value("SELECT status FROM subject_request WHERE id = :'id'", id=rid)


def test_requests_console(t, stack):
    admin = _login(t, stack, "demo.tinh")
    mine, rc = _report(t, stack, "Yêu cầu qua trang quản trị: báo cáo của tôi")
    other, _ = _report(t, stack, "Báo cáo của người khác, không được lộ")
    stack.psql("INSERT INTO message (submission_id, author, body) VALUES (:'id', 'worker', 'Tôi bổ sung: ca ba');", id=mine)

    page = admin.get("/admin/requests")
    t.require(page.status == 200, f"GET /admin/requests -> {page.status}")
    t.check('href="/admin/requests"' in page.text and 'href="/admin/calendar"' in page.text,
            "the admin's navigation lacks the requests or calendar page")

    # access, identified by the receipt as a person types it: stored as the keyed hash only
    typed = " ".join(rc[i:i + 4] for i in range(0, 16, 4))
    rid = _request_id(t, _add(admin, "access", receipt=typed, note="Gọi điện ngày 3/12"))
    row = stack.rows("SELECT q.kind, q.status, q.subject, q.receipt_hash = s.receipt_hash AS same, q.unit_id = s.unit_id AS unit "
                     "FROM subject_request q, submission s WHERE q.id = :'id' AND s.id = :'s'", id=rid, s=mine)
    t.eq(row, [{"kind": "access", "status": "received", "subject": None, "same": True, "unit": True}],
         "request stored under the report's receipt hash and unit")
    t.eq(stack.value("SELECT count(*) AS n FROM subject_request WHERE note LIKE :'r' OR subject LIKE :'r'", r=f"%{rc[:8]}%"), 0,
         "the receipt code stored in clear")
    t.eq(_audits(stack, "request.add", f"request:{rid}"), 1, "request.add audit rows")

    page = admin.get(f"/admin/requests/{rid}")
    t.require(page.status == 200, f"request page -> {page.status}")
    held = harness.parse_html(page.text).by_id.get("export", "")
    t.check("Yêu cầu qua trang quản trị" in held and "Tôi bổ sung: ca ba" in held and "người khác" not in held,
            f"what is held, shown on the request page: {short(held, 400)}")
    t.eq(_audits(stack, "request.view", f"submission:{mine}"), 1, "viewing what is held is audited")
    r = admin.get(f"/admin/requests/{rid}/export")
    t.check(r.status == 200 and "attachment" in (r.header("Content-Disposition") or ""),
            f"download -> {r.status} {r.header('Content-Disposition')}")
    try:
        data = json.loads(r.text)
    except ValueError as e:
        t.require(False, f"download is not JSON ({e}): {short(r.text, 200)}")
    t.eq(data["report"]["answers"].get("text"), "Yêu cầu qua trang quản trị: báo cáo của tôi", "downloaded answers")
    t.eq([m["text"] for m in data["messages"]], ["Tôi bổ sung: ca ba"], "downloaded messages")
    cli = stack.admin("request", "export", "--receipt", rc)
    t.eq(json.loads(_out(cli)), data, "the console's download and the CLI's export")
    t.eq(_audits(stack, "request.export", f"submission:{mine}"), 2, "request.export audit rows (console and CLI)")

    # acknowledge, then done; each once
    r = admin.post(f"/admin/requests/{rid}", [("action", "ack"), ("note", "Đã gọi lại báo đã nhận")])
    t.check(r.status == 303 and _status(stack, rid) == "acknowledged", f"ack -> {r.status}, status {_status(stack, rid)}")
    r = admin.post(f"/admin/requests/{rid}", [("action", "ack")])
    t.eq(r.status, 409, "acknowledging twice")
    r = admin.post(f"/admin/requests/{rid}", [("action", "done"), ("note", "Đã trao bản sao")])
    t.check(r.status == 303 and _status(stack, rid) == "done", f"done -> {r.status}, status {_status(stack, rid)}")
    t.eq(stack.value("SELECT note FROM subject_request WHERE id = :'id'", id=rid),
         "Gọi điện ngày 3/12 / Đã gọi lại báo đã nhận / Đã trao bản sao", "notes kept in order")
    for action in ("ack", "done"):
        t.eq(_audits(stack, f"request.{action}", f"request:{rid}"), 1, f"request.{action} audit rows")

    # refuse needs a reason; a request by description
    rid2 = _request_id(t, _add(admin, "delete", subject=HOSTILE))
    r = admin.post(f"/admin/requests/{rid2}", [("action", "refuse"), ("note", "  ")])
    t.check(r.status == 400 and _status(stack, rid2) == "received", f"refuse without a reason -> {r.status}")
    r = admin.post(f"/admin/requests/{rid2}", [("action", "refuse"), ("note", "Không xác định được người yêu cầu")])
    t.check(r.status == 303 and _status(stack, rid2) == "refused", f"refuse -> {r.status}")
    t.eq(stack.value("SELECT subject FROM subject_request WHERE id = :'id'", id=rid2), HOSTILE, "hostile subject stored verbatim")
    page = admin.get("/admin/requests")
    t.check("<script>alert(1)" not in page.text and harness.esc("<script>alert(1)</script>") in page.text,
            "hostile subject not escaped in the list")
    t.eq(stack.value("SELECT unit_id::text FROM subject_request WHERE id = :'id'", id=rid2),
         str(stack.value("SELECT id FROM org_unit WHERE code = 'LDLD-LAICHAU'")), "a request by description goes to the admin's unit")

    # correct: a note on the report, the answers stay
    rid3 = _request_id(t, _add(admin, "correct", receipt=rc))
    r = admin.post(f"/admin/requests/{rid3}", [("action", "correct"), ("correction", "Tôi làm ca hai, không phải ca ba")])
    t.check(r.status == 303, f"correct -> {r.status} {short(r.text, 200)}")
    t.eq(stack.value("SELECT count(*) AS n FROM note WHERE submission_id = :'s' AND body LIKE :'b'", s=mine,
                     b=f"%#{rid3}: Tôi làm ca hai, không phải ca ba"), 1, "the correction as a note on the report")
    t.eq(_audits(stack, "request.correct", f"submission:{mine}"), 1, "request.correct audit rows")
    r = admin.post(f"/admin/requests/{rid3}", [("action", "correct"), ("correction", "x" * 2001)])
    t.eq(r.status, 400, "a correction over 2000 characters")
    r = admin.post(f"/admin/requests/{rid3}", [("action", "erase")])
    t.check(r.status == 409 and stack.value("SELECT anonymised_at IS NULL AS a FROM submission WHERE id = :'s'", s=mine),
            f"erasing on a correction request -> {r.status}")

    # delete: refused while an open case holds the report, done after
    rid4 = _request_id(t, _add(admin, "delete", receipt=rc))
    case = stack.psql("INSERT INTO dispute_case (unit_id, workplace_id, kind, title) SELECT unit_id, workplace_id, 'other', "
                      "'Vụ việc giữ báo cáo' FROM submission WHERE id = :'s' RETURNING id", s=mine)
    stack.psql("INSERT INTO case_submission (case_id, submission_id) VALUES (:'c', :'s');", c=case, s=mine)
    page = admin.get(f"/admin/requests/{rid4}")
    t.check('id="do-erase"' not in page.text, "the delete button is offered for a report an open case holds")
    r = admin.post(f"/admin/requests/{rid4}", [("action", "erase")])
    t.check(r.status == 409 and stack.value("SELECT anonymised_at IS NULL AS a FROM submission WHERE id = :'s'", s=mine),
            f"erasing a report an open case holds -> {r.status}")
    stack.psql("DELETE FROM case_submission WHERE case_id = :'c'; UPDATE dispute_case SET stage = 'closed', "
               "outcome = 'withdrawn' WHERE id = :'c';", c=case)
    other_before = stack.rows("SELECT answers, receipt_hash::text FROM submission WHERE id = :'s'", s=other)
    page = admin.get(f"/admin/requests/{rid4}")
    t.check('id="do-erase"' in page.text, "no delete button for a deletion request")
    r = admin.post(f"/admin/requests/{rid4}", [("action", "erase")])
    t.check(r.status == 303, f"erase -> {r.status} {short(r.text, 300)}")
    t.eq(stack.rows("SELECT answers, anonymised_at IS NOT NULL AS a FROM submission WHERE id = :'s'", s=mine),
         [{"answers": {}, "a": True}], "the report after erasing")
    t.eq(stack.value("SELECT array_agg(body) AS b FROM message WHERE submission_id = :'s'", s=mine), ["[đã xóa]"],
         "messages after erasing")
    t.eq(stack.rows("SELECT answers, receipt_hash::text FROM submission WHERE id = :'s'", s=other), other_before,
         "another report after erasing")
    t.eq(_audits(stack, "request.delete", f"submission:{mine}"), 1, "request.delete audit rows")
    page = admin.get(f"/admin/requests/{rid4}")
    t.check('id="nothing-held"' in page.text, "the request page after erasing still finds the report")
    t.eq(admin.get(f"/admin/requests/{rid4}/export").status, 404, "download after erasing")
    r = admin.post(f"/admin/requests/{rid4}", [("action", "done"), ("note", "Đã xóa")])
    t.check(r.status == 303, f"done after erasing -> {r.status}")

    # the CLI sees the same requests
    lines = {ln.split("\t")[0]: ln.split("\t") for ln in _out(stack.admin("request", "list")).splitlines()}
    t.check(all(x in lines for x in (rid, rid2, rid3, rid4)), f"request list lacks the console's requests: {list(lines)}")

    # overdue: flagged in the list and counted in the navigation
    stack.psql("UPDATE subject_request SET received_at = now() - interval '20 days' WHERE id = :'id';", id=rid3)
    page = admin.get("/admin/requests")
    row = re.search(rf'<tr class="urgent" data-id="{rid3}"', page.text)
    t.check(row and 'id="overdue"' in page.text, "an unacknowledged request 20 days old is not flagged")
    t.check('id="requests-overdue"' in admin.get("/admin/").text, "no overdue count in the navigation")

    # a request whose acknowledge-by day lies past the holiday calendar says so
    t.check('id="calendar-ends"' not in admin.get(f"/admin/requests/{rid3}").text, "calendar warning inside the calendar")
    stack.psql("UPDATE subject_request SET received_at = '2030-12-31 10:00+07' WHERE id = :'id';", id=rid3)
    t.check('id="calendar-ends"' in admin.get(f"/admin/requests/{rid3}").text, "no calendar warning for an ack-by day in 2031")
    t.check('id="calendar-ends"' in admin.get("/admin/requests").text, "no calendar warning on the list")


def test_requests_bad_input(t, stack):
    admin = _login(t, stack, "demo.tinh")
    _, rc = _report(t, stack, "Báo cáo để thử dữ liệu sai")
    n = stack.value("SELECT count(*) AS n FROM subject_request")
    cases = [
        ("no receipt and no description", dict(kind="access"), "e-f-receipt"),
        ("both receipt and description", dict(kind="access", receipt=rc, subject="x"), "e-f-receipt"),
        ("malformed receipt", dict(kind="access", receipt="1234-56"), "e-f-receipt"),
        ("letters in receipt", dict(kind="access", receipt="12345678901234ab"), "e-f-receipt"),
        ("unknown receipt", dict(kind="access", receipt="0000 0000 0000 0000" if rc != "0" * 16 else "1" * 16), "e-f-receipt"),
        ("huge receipt", dict(kind="access", receipt="1" * 5000), "e-f-receipt"),
        ("unknown kind", dict(kind="frobnicate", subject="Người gọi hotline"), "e-f-kind"),
        ("SQL as kind", dict(kind="access' OR '1'='1", subject="x"), "e-f-kind"),
        ("description over 500 characters", dict(kind="access", subject="ư" * 501), "e-f-subject"),
        ("note over 2000 characters", dict(kind="access", subject="x", note="n" * 2001), "e-f-note"),
    ]
    for what, fields, error_id in cases:
        r = _add(admin, fields.get("kind", ""), fields.get("receipt", ""), fields.get("subject", ""), fields.get("note", ""))
        t.check(r.status == 400 and f'id="{error_id}"' in r.text, f"{what}: {r.status}, want 400 with #{error_id}")
        if fields.get("subject") and len(fields["subject"]) < 100:
            t.check(harness.esc(fields["subject"]) in r.text, f"{what}: the description typed is not kept")
    body = urllib.parse.urlencode([("action", "add"), ("kind", "access"), ("subject", b"\xff\xfe bad"), ("_csrf", admin.csrf)])
    r = stack.post("/admin/requests", body, headers=admin._headers())
    t.eq(r.status, 400, "non-UTF-8 description")
    r = admin.post("/admin/requests", [("action", "add"), ("kind", "access"), ("subject", "x")], csrf=False)
    t.eq(r.status, 403, "recording a request without the anti-forgery token")
    r = admin.post("/admin/requests", [("action", "bogus")])
    t.eq(r.status, 400, "unknown action")
    t.eq(stack.value("SELECT count(*) AS n FROM subject_request"), n, "requests stored by refused posts")
    for path in ("/admin/requests/0", "/admin/requests/abc", "/admin/requests/99999999", "/admin/requests/1/x",
                 "/admin/requests/99999999/export", "/admin/requests/1%27%20OR%201=1"):
        t.eq(admin.get(path).status, 404, f"GET {path}")
    rid = _request_id(t, _add(admin, "access", subject="Người gọi hotline ngày 4/12"))
    r = admin.post(f"/admin/requests/{rid}", [("action", "ack")], csrf=False)
    t.check(r.status == 403 and _status(stack, rid) == "received", f"ack without the anti-forgery token -> {r.status}")
    r = admin.post(f"/admin/requests/{rid}", [("action", "done"), ("note", "x" * 2001)])
    t.check(r.status == 400 and _status(stack, rid) == "received", f"a note over 2000 characters -> {r.status}")
    r = admin.post(f"/admin/requests/{rid}", [("action", "erase")])
    t.check(r.status == 409, f"erasing for a request without a receipt -> {r.status}")


def test_requests_roles_and_scope(t, stack):
    admin = _login(t, stack, "demo.tinh")
    _, rc = _report(t, stack, "Báo cáo ở Lai Châu")
    rid = _request_id(t, _add(admin, "delete", receipt=rc))
    officer = _login(t, stack, "demo.tanphong")
    viewer = _officer(t, stack, "xem." + secrets.token_hex(3), "LDLD-LAICHAU", "viewer")
    for who, c in (("officer", officer), ("viewer", viewer)):
        for path in ("/admin/requests", f"/admin/requests/{rid}", f"/admin/requests/{rid}/export"):
            t.eq(c.get(path).status, 403, f"{who} GET {path}")
        c.get("/admin/")
        t.eq(c.post(f"/admin/requests/{rid}", [("action", "erase")]).status, 403, f"{who} erasing")
        t.check('href="/admin/requests"' not in c.get("/admin/").text, f"{who} sees the requests page in the navigation")

    other, other_token = _other_province(t, stack)
    t.eq(other.get(f"/admin/requests/{rid}").status, 404, "another province's admin opens the request")
    t.eq(other.get(f"/admin/requests/{rid}/export").status, 404, "another province's admin downloads")
    other.get("/admin/requests")
    t.eq(other.post(f"/admin/requests/{rid}", [("action", "erase")]).status, 404, "another province's admin erases")
    t.eq(other.post(f"/admin/requests/{rid}", [("action", "ack")]).status, 404, "another province's admin acknowledges")
    t.check(f'data-id="{rid}"' not in other.get("/admin/requests").text, "another province's request in the list")
    r = _add(other, "access", receipt=rc)
    t.check(r.status == 400 and 'id="e-f-receipt"' in r.text, f"a receipt of another province -> {r.status}")
    t.eq(_status(stack, rid), "received", "the request after the other province's attempts")
    _, khac_rc = _report(t, stack, "Báo cáo ở tỉnh khác", token=other_token)
    rid_khac = _request_id(t, _add(other, "access", receipt=khac_rc))
    t.eq(admin.get(f"/admin/requests/{rid_khac}").status, 404, "Lai Châu's admin opens the other province's request")

    # a request the CLI recorded without a unit: only admins of a top-level unit see it
    p = stack.admin("request", "add", "--kind", "access", "--subject", "Thư không rõ đơn vị")
    t.require(p.returncode == 0, f"request add without --unit: {_err(p)}")
    rid_none = re.search(r"request (\d+)", _out(p)).group(1)
    ward = _officer(t, stack, "qt.phuong." + secrets.token_hex(3), "CD-TANPHONG", "admin")
    t.eq(admin.get(f"/admin/requests/{rid_none}").status, 200, "the province admin opens a request of no unit")
    t.eq(ward.get(f"/admin/requests/{rid_none}").status, 404, "a ward admin opens a request of no unit")
    t.check(f'data-id="{rid_none}"' not in ward.get("/admin/requests").text, "a request of no unit in the ward admin's list")

    # PostgreSQL: an officer's transaction reads no request and cannot erase; another scope cannot erase
    sub = stack.value("SELECT id FROM submission WHERE receipt_hash = (SELECT receipt_hash FROM subject_request WHERE id = :'id')", id=rid)

    def as_console(role, unit_code, sql):
        return subprocess.run(
            ["psql", "-X", "-q", "-At", "-h", str(stack.run_dir), "-U", "tiengnoi", "-d", "tiengnoi", "-v", "ON_ERROR_STOP=1"],
            input=(f"BEGIN; SELECT set_config('tiengnoi.scope', (SELECT path FROM org_unit WHERE code = '{unit_code}'), true), "
                   f"set_config('tiengnoi.role', '{role}', true), "
                   f"set_config('tiengnoi.officer', (SELECT min(id)::text FROM officer), true) \\g /dev/null\n"
                   f"SET LOCAL ROLE tiengnoi_officer; {sql}; ROLLBACK;").encode(), capture_output=True, timeout=20)

    p = as_console("officer", "LDLD-LAICHAU", "SELECT count(*) FROM subject_request")
    t.check(p.returncode == 0 and _out(p).strip() == "0", f"an officer's transaction reads requests: {_out(p)!r} {_err(p)!r}")
    p = as_console("admin", "LDLD-LAICHAU", "SELECT count(*) FROM subject_request WHERE id = " + rid)
    t.check(p.returncode == 0 and _out(p).strip() == "1", f"an admin's transaction does not read its request: {_out(p)!r} {_err(p)!r}")
    p = as_console("officer", "LDLD-LAICHAU", f"SELECT * FROM subject_request_erase({sub})")
    t.check(p.returncode != 0 and "scope" in _err(p), f"an officer's transaction erased a report: {_err(p)!r}")
    p = as_console("admin", "LDLD-KHAC", f"SELECT * FROM subject_request_erase({sub})")
    t.check(p.returncode != 0 and "scope" in _err(p), f"another province's admin erased a report: {_err(p)!r}")
    p = as_console("admin", "LDLD-KHAC", "UPDATE subject_request SET status = 'done', done_at = now(), "
                   f"acknowledged_at = now() WHERE id = {rid} RETURNING id")
    t.check(p.returncode == 0 and _out(p).strip() == "", f"another province's admin updated a request: {_out(p)!r} {_err(p)!r}")
    t.eq(stack.value("SELECT anonymised_at IS NULL AS a FROM submission WHERE id = :'s'", s=sub), True,
         "the report after the refused erasures")


def _case_in_mediation(stack, entered_on):
    """A case at the labour mediator since `entered_on`; its id."""
    return str(stack.psql(
        "INSERT INTO dispute_case (unit_id, workplace_id, kind, title, stage, stage_entered_on) "
        "SELECT w.unit_id, w.id, 'wage_arrears', 'Nợ lương tháng Chạp', 'labour_mediator', :'d'::date "
        "FROM workplace w WHERE w.code = 'MAY-TANPHONG' RETURNING id", d=entered_on))


def _due(stack, case, code="mediation_ends"):
    return stack.value("SELECT due_on::text FROM case_deadlines(:'c') WHERE code = :'code'", c=case, code=code)


def _holiday_post(c, day, name="", source="", action="holiday"):
    c.get("/admin/calendar")
    return c.post("/admin/calendar", [("action", action), ("day", day), ("name", name), ("source", source)])


def test_calendar_console(t, stack):
    admin = _login(t, stack, "demo.tinh")
    page = admin.get("/admin/calendar?year=2028")
    t.require(page.status == 200, f"GET /admin/calendar -> {page.status}")
    for day in ("2028-01-26", "2028-04-04", "2028-05-02", "2028-09-04"):
        t.check(f'data-day="{day}"' in page.text, f"the 2028 calendar lacks {day}")
    t.eq(stack.value("SELECT count(*) AS n FROM holiday WHERE day BETWEEN '2028-01-01' AND '2030-12-31' "
                     "AND extract(isodow FROM day) >= 6"), 0, "seeded holidays on a weekend")
    t.eq(stack.value("SELECT count(*) AS n FROM holiday WHERE extract(year FROM day) IN (2028, 2029, 2030) "
                     "AND name LIKE 'Tết Nguyên Đán%'"), 15, "five Tết days a year in 2028-2030")
    t.check('id="calendar-end"' in page.text and "31/12/2030" in page.text, "the page does not say where the calendar ends")

    # the mediator has 5 working days from Friday 21 Jan 2028; Tết takes 25-28 and 31 Jan
    case = _case_in_mediation(stack, "2028-01-21")
    t.eq(_due(stack, case), "2028-02-04", "mediation ends 5 working days after 21/01/2028 around Tết")
    r = _holiday_post(admin, "2028-01-31", action="remove")
    t.check(r.status == 303 and _due(stack, case) == "2028-02-03", f"after removing 31/01: {r.status}, due {_due(stack, case)}")
    t.eq(_audits(stack, "holiday.remove", "holiday:2028-01-31"), 1, "holiday.remove audit rows")
    r = _holiday_post(admin, "2028-01-31", "Tết Nguyên Đán", "Thông báo của Bộ Nội vụ (thử)")
    t.check(r.status == 303 and _due(stack, case) == "2028-02-04", f"after adding 31/01 back: {r.status}, due {_due(stack, case)}")
    t.eq(_audits(stack, "holiday.add", "holiday:2028-01-31"), 1, "holiday.add audit rows")
    r = _holiday_post(admin, "2028-01-31", "Tết Nguyên Đán (mùng 6)", "Thông báo số 1/TB-BNV")
    t.check(r.status == 303 and "done=corrected" in (r.header("Location") or ""), f"correcting -> {r.status} {r.header('Location')}")
    t.eq(stack.rows("SELECT name, source FROM holiday WHERE day = '2028-01-31'"),
         [{"name": "Tết Nguyên Đán (mùng 6)", "source": "Thông báo số 1/TB-BNV"}], "the corrected holiday")
    t.eq(stack.value("SELECT detail FROM audit_log WHERE action = 'holiday.correct' AND object = 'holiday:2028-01-31'"),
         "was: Tết Nguyên Đán | Thông báo của Bộ Nội vụ (thử)", "the correction's audit row says what it was")
    page = admin.get(f"/admin/cases/{case}")
    t.check('data-code="mediation_ends" data-due="2028-02-04"' in page.text, "the case page does not show the computed day")

    # a legal deadline corrected: the case's deadlines follow at once
    source = stack.value("SELECT source FROM legal_deadline WHERE code = 'mediation_ends'")
    admin.get("/admin/calendar")
    fields = [("action", "deadline"), ("code", "mediation_ends"), ("description_vi", "Hòa giải viên kết thúc hòa giải"),
              ("description_en", "The mediator finishes mediation"), ("source", "Bộ luật Lao động 2019, Điều 188 khoản 2 (sửa thử)")]
    r = admin.post("/admin/calendar", fields + [("unit", "working_days"), ("count", "10")])
    t.check(r.status == 303 and _due(stack, case) == "2028-02-11", f"10 working days: {r.status}, due {_due(stack, case)}")
    r = admin.post("/admin/calendar", fields + [("unit", "days"), ("count", "30")])
    t.check(r.status == 303 and _due(stack, case) == "2028-02-20", f"30 days: {r.status}, due {_due(stack, case)}")
    t.eq(stack.value("SELECT source FROM case_deadlines(:'c') WHERE code = 'mediation_ends'", c=case),
         "Bộ luật Lao động 2019, Điều 188 khoản 2 (sửa thử)", "the corrected source in case_deadlines")
    t.eq(_audits(stack, "deadline.correct", "legal_deadline:mediation_ends"), 2, "deadline.correct audit rows")
    r = admin.post("/admin/calendar", fields[:4] + [("source", source),
                                                    ("unit", "working_days"), ("count", "5")])
    t.check(r.status == 303 and _due(stack, case) == "2028-02-04", f"restored: {r.status}, due {_due(stack, case)}")

    # the calendar ends before a working-day count does: the case page says so
    late = _case_in_mediation(stack, "2030-12-27")
    t.check('id="calendar-ends"' in admin.get(f"/admin/cases/{late}").text, "no warning on a case counting past the calendar")
    t.check('id="calendar-ends"' not in admin.get(f"/admin/cases/{case}").text, "a warning on a case inside the calendar")
    officer = _login(t, stack, "demo.tanphong")
    t.check('id="calendar-ends"' in officer.get(f"/admin/cases/{late}").text, "officers are not warned on the case page")
    saved = stack.rows("SELECT day::text, name, source, kind FROM holiday ORDER BY day")
    try:
        stack.psql("DELETE FROM holiday; INSERT INTO holiday (day, name, source) VALUES "
                   "(current_date - 400, 'Ngày thử', 'thử');")
        end_year = stack.value("SELECT extract(year FROM current_date - 400)::int AS y")
        front = officer.get("/admin/")
        warn = harness.parse_html(front.text).by_id.get("calendar-ends", "")
        t.check(f"31/12/{end_year}" in warn, f"the front page does not warn that the calendar ended: {warn!r}")
    finally:
        stack.psql("DELETE FROM holiday; INSERT INTO holiday (day, name, source, kind) "
                   "SELECT (x->>'day')::date, x->>'name', x->>'source', x->>'kind' FROM json_array_elements(:'j'::json) x;",
                   j=json.dumps(saved))
    t.eq(stack.value("SELECT count(*) AS n FROM holiday"), len(saved), "holidays restored")
    t.check('id="calendar-ends"' not in officer.get("/admin/").text, "the front page warns with the calendar to 2030")
    stack.psql("DELETE FROM dispute_case WHERE id IN (:'a', :'b');", a=case, b=late)


def test_calendar_bad_input_and_roles(t, stack):
    admin = _login(t, stack, "demo.tinh")
    before = stack.value("SELECT md5(string_agg(day || name || source, '|' ORDER BY day)) AS h FROM holiday")
    deadlines = stack.value("SELECT md5(string_agg(l::text, '|' ORDER BY code)) AS h FROM legal_deadline l")
    for what, day, name, source in [
        ("empty day", "", "Tết", ""), ("no such day", "2028-02-30", "Tết", ""), ("29 Feb of a common year", "2029-02-29", "x", ""),
        ("day/month/year", "26/01/2028", "Tết", ""), ("year 1999", "1999-01-01", "x", ""), ("year 2101", "2101-01-01", "x", ""),
        ("SQL as day", "2028-01-01' OR '1'='1", "x", ""), ("huge day", "2" * 5000, "x", ""),
        ("empty name", "2028-06-01", "  ", ""), ("name over 200 characters", "2028-06-01", "ệ" * 201, ""),
        ("source over 1000 characters", "2028-06-01", "x", "s" * 1001),
        ("line break in the name", "2028-06-01", "a\nb", ""),
    ]:
        r = _holiday_post(admin, day, name, source)
        t.check(r.status == 400 and 'id="holiday-error"' in r.text, f"{what}: {r.status}, want 400 with #holiday-error")
        if 0 < len(name) < 100 and "\n" not in name and name.strip():
            t.check(harness.esc(name) in r.text, f"{what}: the name typed is not kept")
    r = _holiday_post(admin, "2028-01-01", action="remove")
    t.eq(r.status, 404, "removing a day that is no holiday")
    body = urllib.parse.urlencode([("action", "holiday"), ("day", "2028-06-01"), ("name", b"T\xe1t"), ("_csrf", admin.csrf)])
    t.eq(stack.post("/admin/calendar", body, headers=admin._headers()).status, 400, "non-UTF-8 name")
    t.eq(admin.post("/admin/calendar", [("action", "holiday"), ("day", "2028-06-01"), ("name", "x")], csrf=False).status, 403,
         "adding a holiday without the anti-forgery token")
    t.eq(admin.post("/admin/calendar", [("action", "frob")]).status, 400, "unknown action")
    for path in ("/admin/calendar/2028", "/admin/calendarx", "/admin/calendar?year=abc", "/admin/calendar?day=2028-13-01"):
        t.eq(admin.get(path).status, 200 if "?" in path else 404, f"GET {path}")
    good = [("action", "deadline"), ("code", "mediation_ends"), ("description_vi", "Hòa giải viên kết thúc"),
            ("description_en", "Mediation ends"), ("source", "BLLĐ 2019 Điều 188")]
    for what, extra, status in [
        ("count 0", [("unit", "working_days"), ("count", "0")], 400), ("count -1", [("unit", "days"), ("count", "-1")], 400),
        ("count abc", [("unit", "days"), ("count", "abc")], 400), ("count 366 working days", [("unit", "working_days"), ("count", "366")], 400),
        ("count 121 months", [("unit", "months"), ("count", "121")], 400), ("huge count", [("unit", "days"), ("count", "9" * 50)], 400),
        ("unknown unit", [("unit", "weeks"), ("count", "2")], 400), ("SQL as unit", [("unit", "days' --"), ("count", "2")], 400),
    ]:
        r = admin.post("/admin/calendar", good + extra)
        t.check(r.status == status and 'id="deadline-error"' in r.text, f"deadline {what}: {r.status}, want {status} with #deadline-error")
    r = admin.post("/admin/calendar", [x if x[0] != "source" else ("source", " ") for x in good] + [("unit", "days"), ("count", "2")])
    t.eq(r.status, 400, "a deadline without a source")
    r = admin.post("/admin/calendar", [x if x[0] != "description_vi" else ("description_vi", "m" * 501) for x in good]
                   + [("unit", "days"), ("count", "2")])
    t.eq(r.status, 400, "a description over 500 characters")
    r = admin.post("/admin/calendar", [x if x[0] != "code" else ("code", "no_such_code") for x in good] + [("unit", "days"), ("count", "2")])
    t.eq(r.status, 404, "an unknown deadline code")
    t.eq(stack.value("SELECT md5(string_agg(day || name || source, '|' ORDER BY day)) AS h FROM holiday"), before,
         "holidays after refused posts")
    t.eq(stack.value("SELECT md5(string_agg(l::text, '|' ORDER BY code)) AS h FROM legal_deadline l"), deadlines,
         "legal deadlines after refused posts")

    # hostile text is stored as typed and shown escaped
    r = _holiday_post(admin, "2029-06-01", HOSTILE, HOSTILE)
    t.check(r.status == 303, f"hostile holiday name -> {r.status}")
    page = admin.get("/admin/calendar?year=2029")
    t.check("<script>alert(1)" not in page.text and harness.esc("<script>alert(1)</script>") in page.text,
            "hostile holiday name not escaped")
    t.eq(stack.value("SELECT name FROM holiday WHERE day = '2029-06-01'"), HOSTILE, "hostile name stored verbatim")
    t.eq(_holiday_post(admin, "2029-06-01", action="remove").status, 303, "removing the hostile holiday")

    # roles: officers and viewers are refused by the app and by PostgreSQL
    officer = _login(t, stack, "demo.tanphong")
    viewer = _officer(t, stack, "xem.lich." + secrets.token_hex(3), "LDLD-LAICHAU", "viewer")
    for who, c in (("officer", officer), ("viewer", viewer)):
        t.eq(c.get("/admin/calendar").status, 403, f"{who} GET /admin/calendar")
        c.get("/admin/")
        t.eq(c.post("/admin/calendar", [("action", "holiday"), ("day", "2028-06-01"), ("name", "x")]).status, 403,
             f"{who} adding a holiday")
    # an admin below the top unit reads the calendar (it counts for every unit's cases) but cannot change it
    ward_admin = _officer(t, stack, "qt.lich." + secrets.token_hex(3), "CD-TANPHONG", "admin")
    page = ward_admin.get("/admin/calendar?year=2028")
    t.eq(page.status, 200, "a ward admin reads the calendar")
    t.check('id="calendar-readonly"' in page.text and 'value="holiday"' not in page.text and 'value="deadline"' not in page.text,
            "a ward admin's calendar has no forms, and says who can change it")
    for form in ([("action", "holiday"), ("day", "2028-06-01"), ("name", "x")],
                 [("action", "remove"), ("day", "2028-01-26")],
                 [("action", "deadline"), ("code", "mediation_ends"), ("description_vi", "x"), ("description_en", "x"),
                  ("unit", "working_days"), ("count", "50"), ("source", "x")]):
        r = ward_admin.post("/admin/calendar", form)
        t.eq(r.status, 403, f"a ward admin's {form[0][1]} on the calendar")
        t.check(not harness.readable_vi_problems(r), "on a readable page")
    t.eq(stack.value("SELECT count(*) AS n FROM holiday WHERE day = '2028-06-01'"), 0, "a holiday added by a refused role")
    t.eq(stack.value("SELECT count(*) AS n FROM holiday WHERE day = '2028-01-26'"), 1, "a holiday removed by a refused role")

    def tx(role, sql, unit="LDLD-LAICHAU"):
        return subprocess.run(
            ["psql", "-X", "-q", "-At", "-h", str(stack.run_dir), "-U", "tiengnoi", "-d", "tiengnoi", "-v", "ON_ERROR_STOP=1"],
            input=(f"BEGIN; SELECT set_config('tiengnoi.scope', (SELECT path FROM org_unit WHERE code = '{unit}'), true), "
                   f"set_config('tiengnoi.role', '{role}', true) \\g /dev/null\n"
                   f"SET LOCAL ROLE tiengnoi_officer; {sql}; ROLLBACK;").encode(), capture_output=True, timeout=20)

    for role in ("officer", "viewer"):
        p = tx(role, "INSERT INTO holiday (day, name) VALUES ('2028-06-01', 'x')")
        t.check(p.returncode != 0 and "row-level security" in _err(p), f"{role} transaction inserts a holiday: {_err(p)!r}")
        p = tx(role, "DELETE FROM holiday WHERE day = '2028-01-26' RETURNING day")
        t.check(p.returncode == 0 and _out(p).strip() == "", f"{role} transaction deletes a holiday: {_out(p)!r} {_err(p)!r}")
        p = tx(role, "UPDATE holiday SET name = 'x' WHERE day = '2028-01-26' RETURNING day")
        t.check(p.returncode == 0 and _out(p).strip() == "", f"{role} transaction renames a holiday: {_out(p)!r}")
        p = tx(role, "UPDATE legal_deadline SET working_days = 50 WHERE code = 'mediation_ends' RETURNING code")
        t.check(p.returncode == 0 and _out(p).strip() == "", f"{role} transaction changes a legal deadline: {_out(p)!r}")
        p = tx(role, "SELECT count(*) FROM holiday")
        t.check(p.returncode == 0 and int(_out(p).strip() or 0) > 30, f"{role} transaction cannot read holidays: {_err(p)!r}")
    p = tx("admin", "INSERT INTO holiday (day, name) VALUES ('2028-06-01', 'x')", unit="CD-TANPHONG")
    t.check(p.returncode != 0 and "row-level security" in _err(p), f"a ward admin's transaction inserts a holiday: {_err(p)!r}")
    p = tx("admin", "UPDATE legal_deadline SET working_days = 50 WHERE code = 'mediation_ends' RETURNING code", unit="CD-TANPHONG")
    t.check(p.returncode == 0 and _out(p).strip() == "", f"a ward admin's transaction changes a legal deadline: {_out(p)!r}")
    p = tx("admin", "INSERT INTO holiday (day, name) VALUES ('2028-06-01', 'x') RETURNING day")
    t.check(p.returncode == 0 and "2028-06-01" in _out(p), f"admin transaction cannot insert a holiday: {_err(p)!r}")
    p = tx("admin", "UPDATE legal_deadline SET stages = '{court}' WHERE code = 'mediation_ends'")
    t.check(p.returncode != 0 and "permission denied" in _err(p), f"admin transaction changes a deadline's stages: {_err(p)!r}")
    t.eq(stack.value("SELECT md5(string_agg(l::text, '|' ORDER BY code)) AS h FROM legal_deadline l"), deadlines,
         "legal deadlines after the refused transactions")


def test_calendar_cli(t, stack):
    def run(*args, want, what):
        p = stack.admin(*args)
        t.check(p.returncode == want, f"{what}: exit {p.returncode}, want {want}; stderr {_err(p).strip()!r}")
        if want != 0:
            t.check(_err(p).strip(), f"{what}: no message on stderr")
        return p

    p = run("holiday", "list", "--year", "2029", want=0, what="holiday list --year 2029")
    days = [ln.split("\t")[0] for ln in _out(p).splitlines()[1:] if not ln.startswith("#")]
    t.check("2029-02-13" in days and "2029-04-23" in days and all(d.startswith("2029-") for d in days),
            f"holiday list 2029: {days}")
    t.check("ends on 31/12/2030" in _out(p), f"holiday list does not say where the calendar ends: {_out(p)[-200:]!r}")
    run("holiday", "add", "--day", "2031-01-01", "--name", "Tết Dương lịch", "--source", "BLLĐ 2019, Điều 112", want=0,
        what="holiday add")
    t.check("ends on 31/12/2031" in _out(run("holiday", "list", want=0, what="holiday list")), "the calendar end after adding 2031")
    run("holiday", "add", "--day", "2031-01-01", "--name", "Tết Dương lịch 2031", want=0, what="holiday add to correct")
    t.eq(stack.value("SELECT name FROM holiday WHERE day = '2031-01-01'"), "Tết Dương lịch 2031", "the corrected name")
    run("holiday", "remove", "--day", "2031-01-01", want=0, what="holiday remove")
    t.eq(stack.value("SELECT count(*) AS n FROM audit_log WHERE object = 'holiday:2031-01-01' AND detail LIKE 'cli: %' "
                     "AND action IN ('holiday.add', 'holiday.correct', 'holiday.remove')"), 3, "CLI holiday audit rows")
    n = stack.value("SELECT count(*) AS n FROM holiday")
    run("holiday", "remove", "--day", "2031-01-01", want=2, what="holiday remove, no such holiday")
    run("holiday", "add", "--day", "2031-02-30", "--name", "x", want=2, what="holiday add, no such day")
    run("holiday", "add", "--day", "01/01/2031", "--name", "x", want=2, what="holiday add, day/month/year")
    run("holiday", "add", "--day", "2031-01-01", want=2, what="holiday add without --name")
    run("holiday", "add", "--day", "2031-01-01", "--name", "", want=2, what="holiday add, empty name")
    run("holiday", "add", "--day", "2031-01-01", "--name", "x" * 201, want=2, what="holiday add, name over 200")
    run("holiday", "add", "--day", "2031-01-01", "--name", "x\x01y", want=2, what="holiday add, control character")
    p = subprocess.run([str(stack.admin_bin), "holiday", "add", "--day", "2031-01-01", "--name", b"T\xe1t"],
                       env=stack.admin_env(), capture_output=True, timeout=30)
    t.check(p.returncode == 2 and b"UTF-8" in p.stderr, f"holiday add, non-UTF-8 name: {p.returncode} {p.stderr!r}")
    run("holiday", "list", "--year", "20x8", want=2, what="holiday list, bad year")
    t.eq(stack.value("SELECT count(*) AS n FROM holiday"), n, "holidays after refused commands")
    # a request by description given to a unit's admins
    p = run("request", "add", "--kind", "access", "--subject", "Thư gửi LĐLĐ tỉnh Khác", "--unit", "LDLD-LAICHAU", want=0,
            what="request add --unit")
    rid = re.search(r"request (\d+)", _out(p)).group(1)
    t.eq(stack.value("SELECT u.code FROM subject_request q JOIN org_unit u ON u.id = q.unit_id WHERE q.id = :'id'", id=rid),
         "LDLD-LAICHAU", "the unit of a request recorded with --unit")
    run("request", "add", "--kind", "access", "--subject", "x", "--unit", "NO-SUCH", want=2, what="request add, unknown unit")
