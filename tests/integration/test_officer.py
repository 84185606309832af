"""test_officer.py: officer-side fixes of issue 12: known-browser lockout and login CSRF, bad filter input, the report page."""
import re
import secrets
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
