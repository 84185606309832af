"""test_console_account.py: the officer's own account over HTTP: two-step sign-in, recovery codes, password change, CSRF."""
import base64
import hashlib
import hmac
import re
import struct
import subprocess
import tempfile
import time
import urllib.parse

import harness

OFFICER = "demo.tanphong"


def totp(secret_b32, step):
    """RFC 6238 with SHA-1, 6 digits: independent of the app's C code."""
    key = base64.b32decode(secret_b32 + "=" * (-len(secret_b32) % 8))
    mac = hmac.new(key, struct.pack(">Q", step), hashlib.sha1).digest()
    off = mac[-1] & 0x0F
    return "%06d" % ((struct.unpack(">I", mac[off:off + 4])[0] & 0x7FFFFFFF) % 1000000)


def decode_svg_qr(svg):
    """Draws our SVG (one path of 1-module-high runs) as a PBM and reads it
    with zbarimg, a real decoder; returns the text or None."""
    side = int(re.search(r'viewBox="0 0 (\d+) \d+"', svg).group(1))
    dark = [[0] * side for _ in range(side)]
    for x, y, w in re.findall(r"M(\d+) (\d+)h(\d+)v1h-\d+z", svg):
        for i in range(int(w)):
            dark[int(y)][int(x) + i] = 1
    scale = 6
    rows = []
    for line in dark:
        row = " ".join(str(v) for v in line for _ in range(scale))
        rows.extend([row] * scale)
    with tempfile.NamedTemporaryFile(suffix=".pbm", mode="w") as f:
        f.write(f"P1\n{side * scale} {side * scale}\n" + "\n".join(rows) + "\n")
        f.flush()
        z = subprocess.run(["zbarimg", "--raw", "-q", "--nodbus", f.name], capture_output=True, timeout=20)
    return z.stdout.decode().strip() if z.returncode == 0 else None


def now_step():
    return int(time.time()) // 30


def password_login(stack, username, password, next_path="/admin/"):
    """POSTs the login form; returns (Console with the cookie it got, response)."""
    c = harness.Console(stack, username)
    token, jar = harness.login_form(stack)
    c.browser = jar
    r = stack.post("/admin/login", urllib.parse.urlencode(
        [("_token", token), ("next", next_path), ("username", username), ("password", password)]), headers={"Cookie": jar})
    m = re.search(r"tn_session=([0-9a-f]{64})", r.header("Set-Cookie") or "")
    c.cookie = m.group(1) if m else ""
    return c, r


def second_factor(c, code=None, recovery=None, next_path="/admin/"):
    """GETs /admin/login/totp with the half-open session and POSTs a code."""
    page = c.stack.get(f"/admin/login/totp?next={urllib.parse.quote(next_path)}", headers=c._headers())
    token = harness.parse_html(page.text).inputs.get("_token", "")
    pairs = [("_token", token), ("next", next_path), ("code", code or ""), ("recovery", recovery or "")]
    return c.stack.post("/admin/login/totp", urllib.parse.urlencode(pairs), headers=c._headers())


_since = {"id": 0}


def audits(stack, action):
    """This test's audit rows of the officer for one action."""
    return stack.rows("SELECT a.detail FROM audit_log a JOIN officer o ON o.id = a.officer_id "
                      "WHERE o.username = :'u' AND a.action = :'a' AND a.id > :'since' ORDER BY a.id",
                      u=OFFICER, a=action, since=_since["id"])


def audit_mark(stack):
    _since["id"] = stack.value("SELECT coalesce(max(id), 0) FROM audit_log")


def _reset(stack):
    """Leaves the demo officer as the demo made them, whatever happened."""
    stack.psql("UPDATE officer SET totp_enabled = false, totp_secret = NULL, totp_pending = NULL, totp_last_step = 0, "
               "failed_logins = 0, locked_until = NULL WHERE username = :'u'; "
               "DELETE FROM officer_recovery WHERE officer_id = (SELECT id FROM officer WHERE username = :'u'); "
               "UPDATE org_unit SET require_totp = false;", u=OFFICER)


def test_totp_login(t, stack):
    logins = harness.demo_logins(stack)
    t.require(OFFICER in logins, f"demo logins: {logins}")
    pw = logins[OFFICER]
    try:
        _totp_login(t, stack, pw)
    finally:
        _reset(stack)


def _totp_login(t, stack, pw):
    audit_mark(stack)
    # the province above the ward makes the second factor mandatory
    stack.psql("UPDATE org_unit SET require_totp = true WHERE code = 'LDLD-LAICHAU'")
    c, r = password_login(stack, OFFICER, pw)
    t.require(c.cookie and r.status == 303, f"signed in with the password: {r.status} {r.header('Location')}")
    page = c.get("/admin/account")
    t.require(page.status == 200, f"GET /admin/account: {page.status}")
    t.check('id="totp-required"' in page.text, "the account page says the unit requires two-step verification")

    # enrolment: the current password first, then a first code before it is on
    r = c.post("/admin/account", [("action", "totp_setup"), ("current", "not the password")])
    t.eq(r.status, 403, "setup with a wrong password")
    r = c.post("/admin/account", [("action", "totp_setup"), ("current", pw)])
    t.require(r.status == 200, f"setup page: {r.status} {harness.short(r.text, 300)}")
    shown = harness.parse_html(r.text).by_id.get("totp-secret", "")
    secret = re.sub(r"\s", "", shown)
    t.require(re.fullmatch(r"[A-Z2-7]{32}", secret), f"a 160-bit base32 secret is shown: {shown!r}")
    img = re.search(r'id="totp-qr"[^>]*src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)"', r.text)
    t.require(img, "the QR code is on the page")
    svg = base64.b64decode(img.group(1)).decode()
    t.check(svg.startswith("<svg") and "<script" not in svg, f"as a plain SVG: {svg[:80]!r}")
    uri = decode_svg_qr(svg)
    t.eq(uri, f"otpauth://totp/Ti%E1%BA%BFng%20n%C3%B3i:{OFFICER}?secret={secret}&issuer=Ti%E1%BA%BFng%20n%C3%B3i"
         "&algorithm=SHA1&digits=6&period=30", "zbarimg reads the otpauth URI from the QR code")
    t.check(stack.value("SELECT totp_enabled FROM officer WHERE username = :'u'", u=OFFICER) is False,
            "not on before the first code")
    r = c.post("/admin/account", [("action", "totp_confirm"), ("code", "000000" if totp(secret, now_step()) != "000000" else "111111")])
    t.eq(r.status, 400, "a wrong first code is refused")
    t.check(secret in re.sub(r"\s", "", harness.parse_html(r.text).by_id.get("totp-secret", "")),
            "and the same secret is shown again")
    n0 = now_step()
    r = c.post("/admin/account", [("action", "totp_confirm"), ("code", totp(secret, n0))])
    t.require(r.status == 200, f"the right first code turns it on: {r.status} {harness.short(r.text, 300)}")
    codes = re.findall(r"<li><code>([A-Z0-9]{5}-[A-Z0-9]{5})</code></li>", r.text)
    t.eq(len(codes), 10, "ten recovery codes are shown")
    t.eq(len(set(codes)), 10, "all different")
    row = stack.rows("SELECT o.totp_enabled, o.totp_last_step, o.totp_pending IS NULL AS no_pending, "
                     "(SELECT count(*) FROM officer_recovery c WHERE c.officer_id = o.id) AS n, "
                     "(SELECT count(*) FROM officer_recovery c WHERE c.officer_id = o.id AND "
                     "position(convert_to(:'code', 'UTF8') IN c.code_hash) > 0) AS plain "
                     "FROM officer o WHERE o.username = :'u'", u=OFFICER, code=codes[0].replace("-", ""))[0]
    t.check(row["totp_enabled"] and row["no_pending"], f"on, nothing pending: {row}")
    t.eq(row["n"], 10, "ten recovery hashes stored")
    t.eq(row["plain"], 0, "no code stored in the clear")
    t.check(len(audits(stack, "account.totp_on")) == 1, "enabling is audited")
    again = c.get("/admin/account")
    t.check(not any(code in again.text for code in codes), "the codes are not shown again")
    t.check('id="totp-off-refused"' in again.text, "turning off is not offered while the unit requires it")

    # sign out, sign in: the password alone is not enough
    t.eq(c.post("/admin/logout", []).status, 303, "sign out")
    c, r = password_login(stack, OFFICER, pw, "/admin/?status=new")
    t.require(r.status == 303 and (r.header("Location") or "").startswith("/admin/login/totp"),
              f"the password leads to the second step: {r.status} {r.header('Location')}")
    r = c.get("/admin/")
    t.check(r.status == 303 and "/admin/login" in (r.header("Location") or ""), f"no console before the code ({r.status})")
    page = c.stack.get("/admin/login/totp", headers=c._headers())
    t.eq(page.status, 200, "GET /admin/login/totp with the half-open session")
    t.check(re.search(r'<input[^>]*name="code"[^>]*inputmode="numeric"[^>]*autocomplete="one-time-code"', page.text) or
            re.search(r'<input[^>]*inputmode="numeric"[^>]*autocomplete="one-time-code"[^>]*name="code"', page.text),
            "a numeric one-time-code field")
    t.check('name="recovery"' in page.text, "and a recovery code field")
    t.check(harness.readable_vi_problems(page) == [], f"a readable Vietnamese page: {harness.readable_vi_problems(page)}")
    anon = stack.get("/admin/login/totp")
    t.check(anon.status == 303 and anon.header("Location") == "/admin/login", f"no session: to /admin/login ({anon.status})")

    wrong = "%06d" % ((int(totp(secret, n0 + 1)) + 500000) % 1000000)
    r = second_factor(c, code=wrong)
    t.eq(r.status, 403, "a wrong code is refused")
    t.check('id="login-error"' in r.text, "with the reason on the page")
    t.check(wrong not in r.text, "the typed code is not echoed")
    t.check(any(a["detail"] == "wrong code" for a in audits(stack, "login.totp_failed")), "and audited")
    r = second_factor(c, code="", next_path="/admin/")
    t.eq(r.status, 400, "an empty code is refused (and not counted)")
    r = second_factor(c, code=totp(secret, n0 + 1), next_path="/admin/?status=new")
    t.eq(r.status, 303, "the right code signs in")
    t.eq(r.header("Location"), "/admin/?status=new", "to where the officer was going")
    t.eq(c.get("/admin/").status, 200, "the console opens")
    t.check(len(audits(stack, "login.totp")) == 1, "audited as login.totp")
    t.eq(stack.value("SELECT failed_logins FROM officer WHERE username = :'u'", u=OFFICER), 0, "failures reset")

    # the same code again, on a second sign-in inside its 90-second window
    c.post("/admin/logout", [])
    c, r = password_login(stack, OFFICER, pw)
    t.require(c.cookie, "signed in with the password again")
    r = second_factor(c, code=totp(secret, n0 + 1))
    t.eq(r.status, 403, "a replayed code is refused")
    t.check(any(a["detail"] == "code already used" for a in audits(stack, "login.totp_failed")), "audited as reuse")
    t.eq(c.get("/admin/").status, 303, "still no console")
    r = second_factor(c, code=totp(secret, n0), next_path="/evil.example/")
    t.eq(r.status, 403, "an older code than the last one used is refused too")

    # a recovery code works once
    r = second_factor(c, recovery=codes[0].lower().replace("-", " "), next_path="//evil.example/")
    t.eq(r.status, 303, "a recovery code (any case, any spacing) signs in")
    t.eq(r.header("Location"), "/admin/", "and a foreign next is replaced by the console")
    t.check(len(audits(stack, "login.recovery")) == 1, "audited as login.recovery")
    c.post("/admin/logout", [])
    c, r = password_login(stack, OFFICER, pw)
    r = second_factor(c, recovery=codes[0])
    t.eq(r.status, 403, "the same recovery code a second time is refused")
    t.check(any(a["detail"] == "wrong recovery code" for a in audits(stack, "login.totp_failed")), "audited")
    r = second_factor(c, recovery=codes[1])
    t.eq(r.status, 303, "another recovery code works")
    t.eq(stack.value("SELECT count(*) FROM officer_recovery c JOIN officer o ON o.id = c.officer_id "
                     "WHERE o.username = :'u' AND c.used_at IS NOT NULL", u=OFFICER), 2, "two codes marked used")

    # the account page: new recovery codes need a current code. Steps are
    # 30 s long; rather than wait for a fresh one, forget the last one used.
    stack.psql("UPDATE officer SET totp_last_step = 0 WHERE username = :'u'", u=OFFICER)
    c.get("/admin/account")
    r = c.post("/admin/account", [("action", "recovery_new"), ("code", wrong)])
    t.eq(r.status, 403, "new recovery codes with a wrong code: refused")
    r = c.post("/admin/account", [("action", "recovery_new"), ("code", totp(secret, now_step()))])
    t.eq(r.status, 200, "new recovery codes with the current code")
    fresh = re.findall(r"<li><code>([A-Z0-9]{5}-[A-Z0-9]{5})</code></li>", r.text)
    t.eq(len(fresh), 10, "ten new codes")
    t.check(not set(fresh) & set(codes), "all new")
    t.check(len(audits(stack, "account.recovery_new")) == 1, "audited")
    r = c.post("/admin/account", [("action", "totp_off"), ("code", totp(secret, now_step() + 1))])
    t.eq(r.status, 403, "turning off is refused while the province requires it")
    t.eq(stack.value("SELECT totp_enabled FROM officer WHERE username = :'u'", u=OFFICER), True, "still on")

    # five wrong codes lock the account and end the half-open session
    c.post("/admin/logout", [])
    c, r = password_login(stack, OFFICER, pw)
    for i in range(5):
        r = second_factor(c, code=wrong)
        t.eq(r.status, 403, f"wrong code {i + 1}")
    t.check("tn_session=;" in (r.header("Set-Cookie") or ""), "the fifth clears the cookie")
    t.eq(stack.value("SELECT count(*) FROM session s JOIN officer o ON o.id = s.officer_id WHERE o.username = :'u' "
                     "AND s.mfa_pending", u=OFFICER), 0, "and ends the half-open session")
    r = c.stack.get("/admin/login/totp", headers=c._headers())
    t.check(r.status == 303 and r.header("Location") == "/admin/login", f"the old cookie is worth nothing ({r.status})")
    t.eq(stack.value("SELECT locked_until > now() FROM officer WHERE username = :'u'", u=OFFICER), True, "account locked")
    c2, r = password_login(stack, OFFICER, pw)
    t.check(not c2.cookie, f"the right password does not help while locked ({r.status})")
    t.check(any("locked" in a["detail"] for a in audits(stack, "login.totp_failed")), "the lock is in the audit log")

    # turning it off, once the unit no longer requires it
    stack.psql("UPDATE org_unit SET require_totp = false; UPDATE officer SET locked_until = NULL, failed_logins = 0 "
               "WHERE username = :'u'", u=OFFICER)
    c, r = password_login(stack, OFFICER, pw)
    r = second_factor(c, recovery=fresh[0])
    t.require(r.status == 303, f"signed in with a new recovery code: {r.status}")
    stack.psql("UPDATE officer SET totp_last_step = 0 WHERE username = :'u'", u=OFFICER)
    c.get("/admin/account")
    r = c.post("/admin/account", [("action", "totp_off"), ("code", totp(secret, now_step()))])
    t.eq(r.status, 200, "turned off with a current code")
    row = stack.rows("SELECT totp_enabled, totp_secret IS NULL AS gone, (SELECT count(*) FROM officer_recovery c "
                     "WHERE c.officer_id = o.id) AS n FROM officer o WHERE username = :'u'", u=OFFICER)[0]
    t.check(not row["totp_enabled"] and row["gone"] and row["n"] == 0, f"secret and codes gone: {row}")
    t.check(len(audits(stack, "account.totp_off")) == 1, "audited")
    c.post("/admin/logout", [])
    c, r = password_login(stack, OFFICER, pw)
    t.eq(r.header("Location"), "/admin/", "the password alone signs in again")


def test_password_change(t, stack):
    logins = harness.demo_logins(stack)
    pw = logins[OFFICER]
    new = "Cây đa, bến nước, sân đình 2026"
    try:
        _password_change(t, stack, pw, new)
    finally:
        p = stack.admin("officer", "passwd", "--username", OFFICER, input=pw.encode() + b"\n")
        if p.returncode != 0:
            t.check(False, f"restoring the demo password: {p.stderr!r}")


def _password_change(t, stack, pw, new):
    audit_mark(stack)
    c = harness.console_login(stack, OFFICER, pw)
    other = harness.console_login(stack, OFFICER, pw)
    t.require(c.cookie and other.cookie and c.cookie != other.cookie, "two sessions of the same officer")
    t.eq(c.get("/admin/account").status, 200, "GET /admin/account")

    r = c.post("/admin/account", [("action", "password"), ("current", pw), ("new", "matkhau123"), ("new2", "matkhau123")])
    t.eq(r.status, 400, "a common password is refused")
    t.check("quá dễ đoán" in r.text, "with the reason shown")
    t.check("matkhau123" not in r.text and pw not in r.text, "and neither password in the page")
    r = c.post("/admin/account", [("action", "password"), ("current", pw), ("new", "ngắn quá"), ("new2", "ngắn quá")])
    t.eq(r.status, 400, "a short password is refused")
    t.check("ít nhất 10 ký tự" in r.text, "with the reason shown")
    t.check("ngắn quá" not in r.text and pw not in r.text, "values kept out of the page")
    r = c.post("/admin/account", [("action", "password"), ("current", pw), ("new", new), ("new2", new + "x")])
    t.eq(r.status, 400, "two different new passwords are refused")
    r = c.post("/admin/account", [("action", "password"), ("current", pw + "x"), ("new", new), ("new2", new)])
    t.eq(r.status, 403, "a wrong current password is refused")
    t.check(new not in r.text, "the new password is not echoed")
    t.check(harness.parse_html(r.text).by_id.get("account-error"), "the error has its element")
    t.eq(other.get("/admin/").status, 200, "the other session is still on after the refusals")

    r = c.post("/admin/account", [("action", "password"), ("current", pw), ("new", new), ("new2", new)])
    t.eq(r.status, 200, "a good new password")
    t.check(harness.parse_html(r.text).by_id.get("account-done"), "says it is done")
    t.check(new not in r.text and pw not in r.text, "without showing either password")
    t.eq(c.get("/admin/").status, 200, "this session goes on")
    r = other.get("/admin/")
    t.check(r.status == 303 and "/admin/login" in (r.header("Location") or ""), f"the other session is signed out ({r.status})")
    t.check(len(audits(stack, "account.passwd")) == 1, "audited")
    t.check(not harness.console_login(stack, OFFICER, pw).cookie, "the old password no longer works")
    t.check(harness.console_login(stack, OFFICER, new).cookie, "the new one does")

    # signing out everywhere ends every session
    a = harness.console_login(stack, OFFICER, new)
    r = c.post("/admin/logout", [("all", "1")])
    t.eq(r.status, 303, "sign out everywhere")
    t.eq(a.get("/admin/").status, 303, "another session is signed out too")
    t.eq(stack.value("SELECT count(*) FROM session s JOIN officer o ON o.id = s.officer_id WHERE o.username = :'u'",
                     u=OFFICER), 0, "no session row left")
    t.check(len(audits(stack, "logout.everywhere")) >= 1, "audited")


def test_account_csrf(t, stack):
    logins = harness.demo_logins(stack)
    c = harness.console_login(stack, OFFICER, logins[OFFICER])
    t.require(c.cookie, "signed in")
    c.get("/admin/account")
    before = stack.value("SELECT password_hash FROM officer WHERE username = :'u'", u=OFFICER)
    pairs = [("action", "password"), ("current", logins[OFFICER]), ("new", "x" * 3 + "một câu khác hẳn"),
             ("new2", "x" * 3 + "một câu khác hẳn")]
    t.eq(c.post("/admin/account", pairs, csrf=False).status, 403, "POST /admin/account without _csrf")
    t.eq(c.post("/admin/account", pairs + [("_csrf", "0" * 64)], csrf=False).status, 403, "with a forged _csrf")
    r = c.post("/admin/account", [("action", "totp_setup"), ("current", logins[OFFICER])], csrf=False)
    t.eq(r.status, 403, "two-step setup without _csrf")
    t.eq(stack.value("SELECT password_hash FROM officer WHERE username = :'u'", u=OFFICER), before, "nothing changed")
    t.eq(stack.value("SELECT totp_pending IS NULL FROM officer WHERE username = :'u'", u=OFFICER), True, "no secret made")
    t.eq(c.get("/admin/accountx").status, 404, "only /admin/account itself")
    t.eq(c.post("/admin/account", [("action", "nonsense")]).status, 400, "an unknown action")
    page = stack.get("/admin/login/totp")
    t.eq(page.status, 303, "the second step without any session")
    c2, r = password_login(stack, OFFICER, logins[OFFICER])
    r = c2.stack.post("/admin/login/totp", urllib.parse.urlencode([("code", "123456")]), headers=c2._headers())
    t.eq(r.status, 303, "a fully signed-in session has no second step to do")
