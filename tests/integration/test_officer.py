"""test_officer.py: officer-side fixes of issue 12: known-browser lockout and login CSRF, bad filter input, the report page."""
import http.client
import re
import secrets
import subprocess
import threading
import time
import urllib.parse

import harness
from test_console_officers import cli_officer, strong_password, officer_row


def _cookies(r, name):
    """The values of the Set-Cookie headers of `r` for cookie `name`."""
    out = []
    for v in r.headers.get_all("Set-Cookie") or []:
        m = re.match(rf"{name}=([^;]*)", v)
        if m:
            out.append(m.group(1))
    return out


def _post(stack, form, username, password, extra_cookie=""):
    token, jar = form
    jar = "; ".join(x for x in (jar, extra_cookie) if x)
    return stack.post("/admin/login", urllib.parse.urlencode(
        [("_token", token), ("next", "/admin/"), ("username", username), ("password", password)]),
        headers={"Cookie": jar} if jar else None)


def test_known_browser_lockout(t, stack):
    """A stranger's five wrong passwords lock the account for unknown browsers only: the officer's own browser (which
    signed in before) still signs in; five wrong from that browser lock it alone; forged or hostile cookies count
    as unknown, and nothing answers 5xx."""
    pw = strong_password()
    cli_officer(t, stack, "it.known", "CD-TANPHONG", "officer", pw)
    mine = harness.login_form(stack)
    r = _post(stack, mine, "it.known", pw)
    t.eq(r.status, 303, "first sign-in from the officer's browser")
    device = _cookies(r, "tn_device")
    t.require(len(device) == 1 and re.fullmatch(r"[0-9a-f]{32}\.[0-9a-f]{32}", device[0]),
              f"the browser becomes known: {r.headers.get_all('Set-Cookie')}")
    attrs = [v for v in r.headers.get_all("Set-Cookie") if v.startswith("tn_device=")][0].lower()
    t.check("httponly" in attrs and "samesite=strict" in attrs and "path=/admin/login" in attrs,
            f"tn_device is HttpOnly, SameSite=Strict, only sent to the sign-in pages: {attrs}")
    known = f"tn_device={device[0]}"

    stranger = harness.login_form(stack)
    for i in range(5):
        t.eq(_post(stack, stranger, "it.known", f"wrong-guess-{i}").status, 403, f"stranger's wrong password {i + 1}")
    t.check(officer_row(stack, "it.known")["locked"], "the account is locked for unknown browsers")
    t.eq(_post(stack, stranger, "it.known", pw).status, 403, "the stranger's browser: even the right password is refused")
    forged = f"tn_device={'0' * 32}.{'0' * 32}"
    t.eq(_post(stack, stranger, "it.known", pw, forged).status, 403, "a forged known-browser cookie counts as unknown")
    other = harness.login_form(stack)
    r = _post(stack, other, "it.other-name", "x" * 12, known)
    t.eq(r.status, 403, "the cookie of it.known does not vouch for another username")

    form2 = harness.login_form(stack, known)
    r = _post(stack, form2, "it.known", pw)
    t.eq(r.status, 303, "the officer's own browser signs in despite the stranger's lock")
    t.check(bool(_cookies(r, "tn_session")), "with a session")

    for i in range(5):
        t.eq(_post(stack, form2, "it.known", f"typo-{i}").status, 403, f"own browser wrong password {i + 1}")
    r = _post(stack, form2, "it.known", pw)
    t.eq(r.status, 403, "five wrong in a row lock the known browser too (15 minutes)")
    t.check("15 phút" in harness.parse_html(r.text).by_id.get("login-error", ""), "the page says 15 minutes")
    n = stack.value("SELECT count(*) FROM audit_log WHERE action = 'login.failed' AND detail = 'browser locked'")
    t.check(int(n) >= 1, f"audited as 'browser locked' ({n})")
    lid = str(officer_row(stack, "it.known")["id"])
    admin = harness.demo_console(t, stack, "demo.tinh")
    new_pw = strong_password()
    t.eq(admin.post(f"/admin/officers/{lid}", [("action", "passwd"), ("password", new_pw)]).status, 303, "admin reset")
    t.eq(_post(stack, form2, "it.known", new_pw).status, 303, "after a password reset the browser is free again")

    for bad in ("tn_device=" + "x" * 5000, "tn_device=%ff%fe.%00", "tn_device=<script>", "tn_device=" + "a" * 65,
                "tn_device='; DROP TABLE officer; --", "tn_browser=" + "z" * 64):
        r = _post(stack, harness.login_form(stack), "it.known", "wrong-once", bad)
        t.check(r.status in (400, 403), f"hostile cookie {bad[:30]!r}: {r.status}")
    r = stack.post("/admin/login", b"_token=\xff\xfe&username=\xc3\x28&password=x", headers={"Cookie": mine[1]})
    t.check(r.status in (400, 403), f"non-UTF-8 body: {r.status}")


def test_login_csrf(t, stack):
    """The sign-in form's token is bound to the browser's tn_browser cookie: posted without it, or with another
    browser's cookie, it is refused (403, no session) and the form comes back with a new cookie."""
    logins = harness.demo_logins(stack)
    user, pw = "demo.tanphong", logins["demo.tanphong"]
    token, jar = harness.login_form(stack)
    t.check(jar.startswith("tn_browser="), f"GET /admin/login sets tn_browser: {jar!r}")
    page = stack.get("/admin/login")
    attrs = [v for v in page.headers.get_all("Set-Cookie") or [] if v.startswith("tn_browser=")]
    t.check(attrs and "samesite=strict" in attrs[0].lower() and "httponly" in attrs[0].lower(),
            f"tn_browser is HttpOnly, SameSite=Strict: {attrs}")
    r = _post(stack, (token, ""), user, pw)
    t.eq(r.status, 403, "a cross-site post (no tn_browser cookie) is refused")
    t.check(not _cookies(r, "tn_session"), "no session")
    t.check(bool(_cookies(r, "tn_browser")), "the form comes back with a cookie to try again")
    _, other_jar = harness.login_form(stack)
    r = _post(stack, (token, other_jar), user, pw)
    t.eq(r.status, 403, "another browser's cookie with this token: refused")
    t.check(not _cookies(r, "tn_session"), "no session")
    r = _post(stack, (token, jar), user, pw)
    t.eq(r.status, 303, "the same browser signs in")
    for bad in ("", "x", "0" * 200, "<script>alert(1)</script>", "' OR 1=1 --"):
        r = _post(stack, (bad, jar), user, pw)
        t.eq(r.status, 403, f"hostile token {bad[:20]!r}")


def _refused(page):
    return harness.parse_html(page.text).by_id.get("refused", "")


def test_queue_bad_filters(t, stack):
    """Impossible dates, ids beyond a bigint and other bad filters on the queue answer 400 naming the filter (never
    503); `%`, `_` and `\\` in the search match themselves, not everything."""
    admin = harness.demo_console(t, stack, "demo.tinh")
    cases = [("from=2026-02-30", "from"), ("to=0000-01-01", "to"), ("from=2026-13-01", "from"),
             ("to=2025-02-29", "to"), ("workplace=99999999999999999999", "workplace"), ("workplace=12a", "workplace"),
             ("workplace=-1", "workplace"), ("status=%3Cscript%3E", "status"), ("urgent=2", "urgent"),
             ("after=x%7C99999999999999999999", "after"), ("from=" + "9" * 5000, "from"),
             ("q=" + "x" * 201, "q"), ("form=" + "f" * 41, "form")]
    for query, field in cases:
        r = admin.get(f"/admin/?{query}")
        t.eq(r.status, 400, f"/admin/?{query[:40]}")
        t.check(field in _refused(r), f"the page names {field!r}: {_refused(r)!r}")
    t.eq(admin.get("/admin/?from=%FF%FE").status, 400, "a non-UTF-8 date: 400")
    t.eq(admin.get("/admin/?from=2024-02-29&to=2026-12-31").status, 200, "a real leap day is fine")

    mine = next(tok for tok, name, _ in stack.demo if "Tân Phong" in name)
    marker = "ofcr" + secrets.token_hex(3)
    stack.submit(mine, [("category", "wages"), ("text", f"Tăng ca {marker} 100% lương")])
    stack.submit(mine, [("category", "wages"), ("text", f"Báo {marker} a_b không phần trăm")])
    total = int(stack.value("SELECT count(*) FROM submission"))
    pct = int(stack.value("SELECT count(*) FROM submission WHERE strpos(search_text, '%') > 0"))
    under = int(stack.value("SELECT count(*) FROM submission WHERE strpos(search_text, '_') > 0"))

    def found(q):
        page = admin.get("/admin/?" + urllib.parse.urlencode({"q": q}))
        t.eq(page.status, 200, f"search {q!r}")
        return len(set(re.findall(r'href="/admin/s/(\d+)"', page.text)))

    t.require(total > pct, f"some reports have no % ({total} > {pct})")
    t.eq(found("%"), min(pct, 50), f"q=% finds only the {pct} reports with a % ({total} in all)")
    t.eq(found("_"), min(under, 50), f"q=_ finds only the {under} reports with a _")
    t.eq(found(f"{marker} 100%"), 1, "a literal % still finds the report that has it")
    t.eq(found(f"{marker} a_b"), 1, "a literal _ finds the report that has it")
    t.eq(found(f"{marker} a%b"), 0, "% is not a wildcard")
    bs = int(stack.value("SELECT count(*) FROM submission WHERE strpos(search_text, chr(92)) > 0"))
    t.eq(found("\\"), min(bs, 50), "a backslash is literal too, not an error")
    for q in ("' OR 1=1 --", "<script>", "\\%", "x" * 200):
        t.eq(admin.get("/admin/?" + urllib.parse.urlencode({"q": q})).status, 200, f"hostile search {q[:20]!r}")


def test_export_bad_input_and_cut(t, stack):
    """An export with an impossible date is 400 with the field named (no empty 200 file); an export cut short by a
    database error does not end cleanly: the download fails and the log says so."""
    admin = harness.demo_console(t, stack, "demo.tinh")
    for query, word in (("format=csv&from=2026-02-30", "Từ ngày"), ("format=xlsx&to=0000-01-01", "Đến ngày"),
                        ("format=pdf", "Định dạng"), ("format=csv&form=%3Cscript%3E", "Biểu mẫu"),
                        ("format=csv&from=" + "1" * 3000, "Từ ngày")):
        r = admin.get(f"/admin/export/download?{query}")
        t.eq(r.status, 400, f"export {query}")
        t.check("text/html" in (r.header("Content-Type") or ""), "the form, not a file")
        t.check(word in r.text, f"the message names {word!r}")
    t.eq(admin.get("/admin/export/download?format=csv&from=%FF").status, 400, "a non-UTF-8 date: 400")

    holder = subprocess.Popen(["psql", "-X", "-q", "-h", str(stack.run_dir), "-U", "tiengnoi", "-d", "tiengnoi", "-c",
                               "BEGIN; LOCK TABLE submission IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(15); COMMIT;"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    result = {}

    def download():
        conn = http.client.HTTPConnection("127.0.0.1", stack.port, timeout=30)
        try:
            conn.request("GET", "/admin/export/download?format=csv", headers=admin._headers())
            resp = conn.getresponse()
            result["status"] = resp.status
            result["body"] = resp.read()
            result["complete"] = True
        except Exception as e:   # IncompleteRead, reset: what a browser shows as a failed download
            result["error"] = repr(e)
        finally:
            conn.close()

    try:
        for _ in range(100):
            if stack.value("SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
                           "WHERE c.relname = 'submission' AND l.mode = 'AccessExclusiveLock' AND l.granted") == 1:
                break
            time.sleep(0.1)
        th = threading.Thread(target=download)
        th.start()
        killed = 0
        for _ in range(100):
            killed = int(stack.value("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                                     "WHERE query LIKE 'SELECT s.id, s.received_at, s.workplace_id%' AND wait_event_type = 'Lock'"))
            if killed:
                break
            time.sleep(0.1)
        th.join(40)
    finally:
        holder.kill()
        holder.wait()
    t.require(killed == 1, "the export's query was stopped half-way")
    clean = result.get("complete") and result.get("status") == 200
    t.check(not clean, f"the cut export does not end as a clean 200 file: {result.get('status')} {result.get('error')}")
    t.note(f"the client saw: {result.get('error') or result.get('status')}")
    t.check("/admin/export/download cut short" in stack.log_text("app.log"), "the log says the export was cut short")
    for _ in range(20):
        r = admin.get("/admin/export/download?format=csv")
        if r.status == 200:
            break
        time.sleep(0.2)
    t.eq(r.status, 200, "the next export works")
    t.check(r.body.startswith(b"\xef\xbb\xbf"), "and is a CSV")


def test_one_report_cases(t, stack):
    """The report page lists the cases made from it and the button then says "another"; a second case from a linked
    report needs the confirmation box (409 without it, nothing stored); the timeline's first line is Vietnamese."""
    from test_cases import _report
    admin = harness.demo_console(t, stack, "demo.tinh")
    sub = _report(stack, "Tân Phong", "concern", {"text": "Một phản ánh, một vụ việc"})
    page = admin.get(f"/admin/s/{sub}")
    html = harness.parse_html(page.text)
    t.check("report-cases" not in html.by_id, "no case yet: no list")
    t.check("Tạo vụ việc" in html.by_id.get("create-case", ""), f"the button: {html.by_id.get('create-case')!r}")
    form = admin.get(f"/admin/cases/new?from={sub}")
    t.check('name="again"' not in form.text, "the first case needs no confirmation")
    pairs = [("from", sub), ("title", "Vụ <b>đầu</b>"), ("kind", "other"), ("scope", "individual"),
             ("violation_known_on", "")]
    r = admin.post("/admin/cases/new", pairs)
    t.require(r.status == 303, f"first case: {r.status} {harness.short(r.text, 300)}")
    cid = re.search(r"/admin/cases/(\d+)$", r.header("Location") or "").group(1)

    page = admin.get(f"/admin/s/{sub}")
    html = harness.parse_html(page.text)
    t.check(f"#{cid}" in html.by_id.get("report-cases", ""), f"the report lists case #{cid}: "
            f"{html.by_id.get('report-cases')!r}")
    t.check(f'href="/admin/cases/{cid}"' in page.text, "as a link")
    t.check("<b>đầu</b>" not in page.text, "the case title is escaped")
    t.check("Tạo thêm" in html.by_id.get("create-case", ""), "the button says another case")

    form = admin.get(f"/admin/cases/new?from={sub}")
    fh = harness.parse_html(form.text)
    t.check(f"#{cid}" in fh.by_id.get("linked-cases", ""), "the creation form shows the existing case")
    t.check('name="again"' in form.text, "and asks to confirm")
    before = int(stack.value("SELECT count(*) FROM case_submission WHERE submission_id = :'s'", s=sub))
    for again in (None, "", "0", "<script>", "1' OR '1'='1", "\u00ff" * 3):
        extra = [] if again is None else [("again", again)]
        r = admin.post("/admin/cases/new", pairs + extra)
        t.eq(r.status, 409, f"a second case without confirming (again={again!r})")
        t.check(harness.parse_html(r.text).inputs.get("title") == "Vụ <b>đầu</b>", "the typed title is kept")
    t.eq(int(stack.value("SELECT count(*) FROM case_submission WHERE submission_id = :'s'", s=sub)), before,
         "nothing stored")
    r = admin.post("/admin/cases/new", pairs + [("again", "1")])
    t.eq(r.status, 303, "confirmed: a second case")
    t.eq(int(stack.value("SELECT count(*) FROM case_submission WHERE submission_id = :'s'", s=sub)), before + 1,
         "two cases now")

    case = admin.get(f"/admin/cases/{cid}")
    t.check(f"Tạo vụ việc từ phản ánh #{sub}" in case.text, "the timeline says it in Vietnamese")
    t.check("report #" not in case.text, "no English in the Vietnamese timeline")
    stack.psql("UPDATE case_event SET note = 'report #' || :'s' WHERE case_id = :'c' AND kind = 'created'", s=sub, c=cid)
    case = admin.get(f"/admin/cases/{cid}")
    t.check(f"Tạo vụ việc từ phản ánh #{sub}" in case.text and "report #" not in case.text,
            "rows written before the fix read the same")


def test_contact_fields(t, stack):
    """Revealed contact details are labelled fields (not raw JSON): the phone a tel: link, copy buttons for phone and
    Zalo hidden until admin.js shows them; hostile text stays text."""
    admin = harness.demo_console(t, stack, "demo.tinh")
    token = next(tok for tok, name, _ in stack.demo if "Tân Phong" in name)
    hostile = "<script>alert(1)</script> \"Lan\" & 'Hoa'"
    r, idem = stack.submit(token, [("category", "hours"), ("text", "Xin gọi lại"), ("contact_name", hostile),
                                   ("contact_phone", "0912 345 678"), ("contact_zalo", "0987-654-321"),
                                   ("contact_consent", "yes")])
    t.require(r.status in (200, 303), f"a report with contact details: {r.status}")
    sid = str(stack.value("SELECT id FROM submission WHERE idempotency_key = :'k'", k=idem))
    rev = admin.post(f"/admin/s/{sid}", [("action", "reveal")])
    t.require(rev.status == 200, f"revealed: {rev.status}")
    html = harness.parse_html(rev.text)
    contact = html.by_id.get("contact", "")
    t.check('{"' not in contact and '{"' not in rev.text.split('id="contact"')[1][:600], f"no raw JSON: {contact!r}")
    t.eq(html.by_id.get("c-name", ""), hostile, "the name, as typed")
    t.check("<script>alert(1)</script>" not in rev.text, "and escaped")
    t.check('href="tel:0912345678"' in rev.text, "the phone is a tel: link")
    t.check("0912345678" in html.by_id.get("c-phone", ""), f"the phone: {html.by_id.get('c-phone')!r}")
    t.check("0987-654-321" in html.by_id.get("c-zalo", ""), "the Zalo number")
    t.eq(len(re.findall(r'<button type="button" class="btn small copy" hidden data-copy="', rev.text)), 2,
         "two copy buttons (phone, Zalo), hidden without JS")
    for label in ("Tên", "Điện thoại", "Zalo"):
        t.check(f"<dt>{label}</dt>" in rev.text, f"labelled {label!r}")


def test_cli_base_url(t, stack):
    """`qr list` and `qr png` run from another shell (no TIENGNOI_BASE_URL) print the running stack's address, which
    scripts/stack.sh leaves in run/base_url; a bad file there is ignored (8080); the environment still wins."""
    env = stack.admin_env()
    env.pop("TIENGNOI_BASE_URL")
    marker = stack.var / "run" / "base_url"
    t.require(marker.exists(), "stack.sh wrote run/base_url")
    t.eq(marker.read_text().strip(), stack.base, "with this stack's address")
    token = stack.demo[0][0]
    p = stack.admin("qr", "list", env=env)
    out = p.stdout.decode()
    t.eq(p.returncode, 0, "qr list")
    t.check(f"{stack.base}/q/{token}" in out and ":8080" not in out, f"qr list prints port {stack.port}: {out[:200]!r}")
    png = stack.admin("qr", "png", token, env=env)
    t.require(png.stdout.startswith(b"\x89PNG"), "qr png writes a PNG")
    path = stack.var / "officer-qr.png"
    path.write_bytes(png.stdout)
    z = subprocess.run(["zbarimg", "--raw", "-q", "--nodbus", str(path)], capture_output=True, timeout=20)
    t.eq(z.stdout.decode(errors="replace").strip(), f"HTTP://127.0.0.1:{stack.port}/Q/{token}", "the QR has the right port")
    saved = marker.read_bytes()
    try:
        for bad in (b"javascript:alert(1)\n", b"http://\xff\xfe/\n", b"http://" + b"a" * 400 + b"\n", b"", b"\n",
                    b"http://x.example/<script>\n"):
            marker.write_bytes(bad)
            out = stack.admin("qr", "list", env=env).stdout.decode(errors="replace")
            t.check("http://127.0.0.1:8080/q/" in out, f"a bad run/base_url {bad[:20]!r} is ignored: {out[:120]!r}")
        marker.write_bytes(b"http://officer.example:9999/\n")
        out = stack.admin("qr", "list").stdout.decode()
        t.check(f"{stack.base}/q/" in out, "TIENGNOI_BASE_URL still wins over run/base_url")
        out = stack.admin("qr", "list", env=env).stdout.decode()
        t.check("http://officer.example:9999/q/" in out, f"the file's address, its trailing / dropped: {out[:120]!r}")
    finally:
        marker.write_bytes(saved)
