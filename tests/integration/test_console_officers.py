"""test_console_officers.py: officer administration and the audit log over HTTP, the CLI's chain check, lockout, session expiry, CSRF."""
import re
import secrets
import statistics
import time
import urllib.parse

import harness


def strong_password():
    return "Ngay-" + secrets.token_hex(8)


def unit_id(stack, code):
    return str(stack.value("SELECT id FROM org_unit WHERE code = :'c'", c=code))


def officer_row(stack, username):
    rows = stack.rows("SELECT id, role, unit_id, display_name, disabled_at IS NOT NULL AS disabled, failed_logins, "
                      "locked_until IS NOT NULL AND locked_until > now() AS locked, "
                      "(SELECT count(*) FROM session s WHERE s.officer_id = o.id) AS sessions "
                      "FROM officer o WHERE username = :'u'", u=username)
    return rows[0] if rows else None


def cli_officer(t, stack, username, unit, role, password):
    p = stack.admin("officer", "add", "--username", username, "--unit", unit, "--role", role,
                    "--name", f"Thử nghiệm {username}", input=(password + "\n").encode())
    t.require(p.returncode == 0, f"officer add {username}: {p.returncode} {p.stderr.decode()}")
    return str(officer_row(stack, username)["id"])


def admin_login(t, stack):
    return harness.demo_console(t, stack, "demo.tinh")


def _verify_finds(t, stack, admin, change, row, word):
    """After `change` to the audit log: `audit verify` exits 1 naming `row` and what happened to it (`word`);
    returns the console's audit page for its banner."""
    p = stack.admin("audit", "verify")
    t.eq(p.returncode, 1, f"verify fails after {change}")
    err = p.stderr.decode()
    t.check(f"row {row}" in err and word in err, f"naming row {row} ({word}): {err!r}")
    return admin.get("/admin/audit")


def signed_in(t, stack, username, password):
    c = harness.console_login(stack, username, password)
    t.require(c.cookie, f"{username} signs in: {c.login_response.status} {harness.short(c.login_response.text, 200)}")
    return c


def create(c, username, name, unit, role, password):
    c.get("/admin/officers")
    return c.post("/admin/officers", [("action", "create"), ("username", username), ("display_name", name),
                                      ("unit", unit), ("role", role), ("password", password)])


def error_of(page, field):
    """The error message shown beside a field of a console form, or None."""
    return harness.parse_html(page.text).by_id.get(f"e-f-{field}")


def audit_rows(stack, action, obj, since):
    return stack.rows("SELECT id, action, object, detail, officer_id, unit_id FROM audit_log "
                      "WHERE action = :'a' AND object = :'o' AND id > :'s' ORDER BY id", a=action, o=obj, s=since)


def mark(stack):
    return stack.value("SELECT coalesce(max(id), 0) FROM audit_log")


def test_create_and_roles(t, stack):
    """An admin creates officers over HTTP; they sign in; only admins reach the officers and audit pages."""
    since = mark(stack)
    admin = admin_login(t, stack)
    page = admin.get("/admin/officers")
    t.require(page.status == 200, f"GET /admin/officers as admin: {page.status}")
    t.check('data-username="demo.tanphong"' in page.text and 'data-username="demo.tinh"' in page.text,
            "the list shows the subtree's officers")
    t.check('id="password-rule"' in page.text and "10" in harness.parse_html(page.text).by_id.get("password-rule", ""),
            "the password rule is shown on the form")
    t.check('name="_csrf"' in page.text, "the forms carry _csrf")
    t.check('id="units"' in page.text and "Tân Phong" in page.text, "the two-step requirement by unit is shown")
    ward = unit_id(stack, "CD-TANPHONG")
    made = {}
    for username, role in (("it.viewer", "viewer"), ("it.officer", "officer"), ("it.admin2", "admin")):
        pw = strong_password()
        r = create(admin, username, f"Cán bộ {role}", ward, role, pw)
        t.require(r.status == 303, f"create {username}: {r.status} {harness.short(r.text, 300)}")
        row = officer_row(stack, username)
        t.require(row, f"{username} is stored")
        t.eq(row["role"], role, f"{username}'s role")
        t.eq(str(row["unit_id"]), ward, f"{username}'s unit")
        t.check((r.header("Location") or "").startswith(f"/admin/officers/{row['id']}"), f"PRG to the officer page: {r.header('Location')}")
        made[username] = (str(row["id"]), pw)
        location = r.header("Location") or ""
    shown = admin.get(location)
    t.eq(shown.status, 200, "the new officer's page")
    t.check('id="notice"' in shown.text, "with the notice of what was done")
    t.check("it.viewer" in admin.get("/admin/officers").text, "the new officer is listed")

    viewer = signed_in(t, stack, "it.viewer", made["it.viewer"][1])
    t.eq(viewer.get("/admin/").status, 200, "the new viewer reaches the queue")
    t.eq(viewer.get("/admin/officers").status, 403, "a viewer gets 403 on /admin/officers")
    t.eq(viewer.get("/admin/audit").status, 403, "a viewer gets 403 on /admin/audit")
    officer = signed_in(t, stack, "it.officer", made["it.officer"][1])
    t.eq(officer.get("/admin/officers").status, 403, "an officer gets 403 on /admin/officers")
    t.eq(officer.get(f"/admin/officers/{made['it.viewer'][0]}").status, 403, "and on an officer's page")
    r = officer.post("/admin/officers", [("action", "create"), ("username", "it.sneaky"), ("display_name", "x"),
                                         ("unit", ward), ("role", "admin"), ("password", strong_password())])
    t.eq(r.status, 403, "an officer cannot create an officer")
    t.check(officer_row(stack, "it.sneaky") is None, "nothing created")
    logins = harness.demo_logins(stack)
    wardofficer = signed_in(t, stack, "demo.tanphong", logins["demo.tanphong"])
    t.eq(wardofficer.get("/admin/officers").status, 403, "the ward officer (not admin) gets 403")
    admin2 = signed_in(t, stack, "it.admin2", made["it.admin2"][1])
    t.eq(admin2.get("/admin/officers").status, 200, "a ward admin made over HTTP reaches the officers page")
    for username, (oid, _) in made.items():
        rows = audit_rows(stack, "officer.create", f"officer:{oid}", since)
        t.check(len(rows) == 1 and username in rows[0]["detail"], f"officer.create audited for {username}: {rows}")
    audit = admin.get("/admin/audit?action=officer.create")
    t.eq(audit.status, 200, "the audit page")
    for username, (oid, _) in made.items():
        t.check(f"officer:{oid}" in audit.text, f"officer.create of {username} on /admin/audit")


def test_bad_input(t, stack):
    """Bad input: 400, the values kept, each error beside its field, the password rule's reason shown."""
    admin = admin_login(t, stack)
    ward = unit_id(stack, "CD-TANPHONG")
    before = stack.value("SELECT count(*) FROM officer")
    r = create(admin, "it.weak", "Nguyễn Văn Yếu", ward, "officer", "matkhau123")
    t.eq(r.status, 400, "a common password is refused")
    t.check("dễ đoán" in (error_of(r, "password") or ""), f"the reason beside the password: {error_of(r, 'password')!r}")
    inputs = harness.parse_html(r.text)
    t.eq(inputs.inputs.get("username"), "it.weak", "the username is kept")
    t.eq(inputs.inputs.get("display_name"), "Nguyễn Văn Yếu", "the name is kept")
    t.eq(inputs.selected.get("unit"), ward, "the unit is kept")
    t.eq(inputs.selected.get("role"), "officer", "the role is kept")
    r = create(admin, "it.weak", "Nguyễn Văn Yếu", ward, "officer", "ngắn")
    t.eq(r.status, 400, "a short password is refused")
    t.check("10" in (error_of(r, "password") or ""), f"saying how long: {error_of(r, 'password')!r}")
    r = create(admin, "it.weak", "Nguyễn Văn Yếu", ward, "officer", "it.weak-and-more")
    t.eq(r.status, 400, "a password containing the username is refused")
    r = create(admin, "Bad Name!", "Tên", ward, "officer", strong_password())
    t.eq(r.status, 400, "a bad username")
    t.check(error_of(r, "username"), "with its error beside the field")
    r = create(admin, "demo.tanphong", "Trùng tên", ward, "officer", strong_password())
    t.eq(r.status, 400, "a taken username")
    t.check(error_of(r, "username"), "said beside the username")
    r = create(admin, "it.norole", "Tên", ward, "superadmin", strong_password())
    t.eq(r.status, 400, "a role above admin does not exist")
    t.check(error_of(r, "role"), "said beside the role")
    r = create(admin, "it.nounit", "", "999999", "officer", strong_password())
    t.eq(r.status, 400, "an unknown unit and an empty name")
    t.check(error_of(r, "unit") and error_of(r, "name"), "both said beside their fields")
    r = create(admin, "it.hostile", "<script>alert(1)</script>", ward, "officer", "x")
    t.check("<script>alert(1)</script>" not in r.text and "&lt;script&gt;" in r.text, "values are echoed escaped")
    t.eq(stack.value("SELECT count(*) FROM officer"), before, "nothing was created")
    t.eq(admin.get("/admin/audit?before=abc").status, 400, "a malformed audit page argument")


def test_scope(t, stack):
    """A ward admin manages only the ward: other units' officers are 404, units outside are refused."""
    pw = strong_password()
    wadmin_id = cli_officer(t, stack, "it.wardadmin", "CD-TANPHONG", "admin", pw)
    sector_pw = strong_password()
    sector_id = cli_officer(t, stack, "it.sector", "CDN-CONGTHUONG", "officer", sector_pw)
    province_id = str(officer_row(stack, "demo.tinh")["id"])
    ward, sector = unit_id(stack, "CD-TANPHONG"), unit_id(stack, "CDN-CONGTHUONG")
    p = stack.admin("unit", "add", "--code", "IT-CDCS-MAY", "--name", "CĐCS thử nghiệm", "--parent", "CD-TANPHONG")
    t.require(p.returncode == 0, f"unit add: {p.stderr.decode()}")
    child = unit_id(stack, "IT-CDCS-MAY")
    w = signed_in(t, stack, "it.wardadmin", pw)
    page = w.get("/admin/officers")
    t.eq(page.status, 200, "the ward admin's officers page")
    t.check('data-username="demo.tanphong"' in page.text, "lists the ward's officers")
    t.check('data-username="demo.tinh"' not in page.text and 'data-username="it.sector"' not in page.text,
            "and nobody outside the ward")
    t.check(f'value="{sector}"' not in page.text, "units outside the ward are not offered")
    t.eq(w.get(f"/admin/officers/{province_id}").status, 404, "the province admin's page: 404")
    t.eq(w.get(f"/admin/officers/{sector_id}").status, 404, "another unit's officer: 404")
    t.eq(w.get("/admin/officers/99999999").status, 404, "an officer that does not exist: the same 404")
    t.eq(w.get("/admin/officers/abc").status, 404, "a malformed id: 404")
    for action in ("disable", "sessions", "enable"):
        t.eq(w.post(f"/admin/officers/{sector_id}", [("action", action)]).status, 404, f"{action} on another unit's officer: 404")
    t.eq(w.post(f"/admin/officers/{sector_id}", [("action", "passwd"), ("password", strong_password())]).status, 404,
         "a password reset outside the scope: 404")
    t.eq(w.post(f"/admin/officers/{province_id}", [("action", "update"), ("display_name", "x"), ("unit", ward),
                                                   ("role", "viewer")]).status, 404, "demoting the province admin: 404")
    row = officer_row(stack, "it.sector")
    t.check(not row["disabled"] and row["role"] == "officer", f"the other unit's officer is unchanged: {row}")
    t.eq(officer_row(stack, "demo.tinh")["role"], "admin", "the province admin is unchanged")
    r = create(w, "it.outside", "Ngoài phạm vi", sector, "officer", strong_password())
    t.eq(r.status, 400, "creating an officer in another unit")
    t.check(error_of(r, "unit"), "is refused beside the unit")
    t.check(officer_row(stack, "it.outside") is None, "and nothing is created")
    r = create(w, "it.child", "Cán bộ CĐCS", child, "officer", strong_password())
    t.eq(r.status, 303, "creating an officer in a unit below the ward")
    child_officer = str(officer_row(stack, "it.child")["id"])
    w.get(f"/admin/officers/{child_officer}")
    r = w.post(f"/admin/officers/{child_officer}", [("action", "update"), ("display_name", "Cán bộ CĐCS"),
                                                    ("unit", sector), ("role", "officer")])
    t.eq(r.status, 400, "moving an officer outside the scope")
    t.check(error_of(r, "unit"), "is refused beside the unit")
    t.eq(str(officer_row(stack, "it.child")["unit_id"]), child, "and the officer stays")
    r = w.post(f"/admin/officers/{child_officer}", [("action", "update"), ("display_name", "Cán bộ CĐCS"),
                                                    ("unit", child), ("role", "root")])
    t.eq(r.status, 400, "a role that does not exist")
    r = w.post(f"/admin/officers/{child_officer}", [("action", "update"), ("display_name", "Cán bộ CĐCS mới"),
                                                    ("unit", ward), ("role", "admin")])
    t.eq(r.status, 303, "a role and unit change within the scope")
    row = officer_row(stack, "it.child")
    t.check(row["role"] == "admin" and str(row["unit_id"]) == ward and row["display_name"] == "Cán bộ CĐCS mới", f"saved: {row}")
    upd = stack.rows("SELECT detail FROM audit_log WHERE action = 'officer.update' AND object = :'o'", o=f"officer:{child_officer}")
    t.check(len(upd) == 1 and "role officer -> admin" in upd[0]["detail"], f"officer.update audited with what changed: {upd}")
    # oneself
    w.get(f"/admin/officers/{wadmin_id}")
    r = w.post(f"/admin/officers/{wadmin_id}", [("action", "disable")])
    t.eq(r.status, 403, "an admin cannot disable themselves")
    r = w.post(f"/admin/officers/{wadmin_id}", [("action", "update"), ("display_name", "x"), ("unit", child), ("role", "admin")])
    t.eq(r.status, 403, "nor move themselves")
    t.check(not officer_row(stack, "it.wardadmin")["disabled"], "still enabled")
    t.eq(str(officer_row(stack, "it.wardadmin")["unit_id"]), ward, "still in the ward")
    # audit scope: the province's own rows stay hidden from the ward admin
    province_unit = unit_id(stack, "LDLD-LAICHAU")
    hidden = {str(x["id"]) for x in stack.rows("SELECT id FROM audit_log WHERE unit_id = :'u' ORDER BY id DESC LIMIT 50",
                                                u=province_unit)}
    a = w.get("/admin/audit")
    t.eq(a.status, 200, "the ward admin's audit page")
    shown = set(re.findall(r'<tr data-id="(\d+)"', a.text))
    t.check(shown and not (shown & hidden), f"shows the ward's rows only (leaked: {sorted(shown & hidden)[:5]})")
    t.check(f"officer:{child_officer}" in a.text, "including what the ward admin just did")
    # two-step requirement by unit
    try:
        stack.psql("UPDATE officer SET totp_secret = decode(repeat('ab', 20), 'hex'), totp_enabled = true "
                   "WHERE username = 'it.wardadmin'")
        since = mark(stack)
        r = w.post("/admin/officers", [("action", "require_totp"), ("unit", child), ("on", "1")])
        t.eq(r.status, 303, "requiring two-step for a unit below")
        t.eq(stack.value("SELECT require_totp FROM org_unit WHERE id = :'u'", u=child), True, "stored")
        t.check("Bắt buộc" in w.get("/admin/officers").text, "and shown")
        r = w.post("/admin/officers", [("action", "require_totp"), ("unit", child), ("on", "0")])
        t.eq(r.status, 303, "lifting it for a unit below")
        t.eq(stack.value("SELECT require_totp FROM org_unit WHERE id = :'u'", u=child), False, "lifted")
        r = w.post("/admin/officers", [("action", "require_totp"), ("unit", sector), ("on", "1")])
        t.eq(r.status, 404, "another unit: 404")
        t.eq(stack.value("SELECT require_totp FROM org_unit WHERE id = :'u'", u=sector), False, "unchanged")
        r = w.post("/admin/officers", [("action", "require_totp"), ("unit", ward), ("on", "1")])
        t.eq(r.status, 303, "requiring it for one's own unit")
        r = w.post("/admin/officers", [("action", "require_totp"), ("unit", ward), ("on", "0")])
        t.eq(r.status, 403, "lifting one's own unit's requirement belongs to the level above")
        t.eq(stack.value("SELECT require_totp FROM org_unit WHERE id = :'u'", u=ward), True, "still required")
        admin = admin_login(t, stack)
        admin.get("/admin/officers")
        r = admin.post("/admin/officers", [("action", "require_totp"), ("unit", ward), ("on", "0")])
        t.eq(r.status, 303, "the province lifts it")
        t.eq(stack.value("SELECT require_totp FROM org_unit WHERE id = :'u'", u=ward), False, "lifted")
        rows = stack.rows("SELECT object, detail FROM audit_log WHERE action = 'unit.require_totp' AND id > :'s' ORDER BY id", s=since)
        t.eq([(x["object"], x["detail"]) for x in rows],
             [(f"unit:{child}", "on"), (f"unit:{child}", "off"), (f"unit:{ward}", "on"), (f"unit:{ward}", "off")],
             "every change of the requirement is audited")
    finally:
        stack.psql("UPDATE org_unit SET require_totp = false WHERE code IN ('CD-TANPHONG', 'IT-CDCS-MAY')")


def test_disable_reset_sessions(t, stack):
    """Disable ends sessions at once; enable; a password reset ends sessions; end all sessions; all audited."""
    since = mark(stack)
    admin = admin_login(t, stack)
    ward = unit_id(stack, "CD-TANPHONG")
    pw = strong_password()
    t.require(create(admin, "it.target", "Cán bộ bị khóa", ward, "officer", pw).status == 303, "created")
    tid = str(officer_row(stack, "it.target")["id"])
    obj = f"officer:{tid}"
    target = signed_in(t, stack, "it.target", pw)
    t.eq(target.get("/admin/").status, 200, "the target's session works")
    admin.get(f"/admin/officers/{tid}")
    r = admin.post(f"/admin/officers/{tid}", [("action", "disable")])
    t.eq(r.status, 303, "disable")
    t.check(officer_row(stack, "it.target")["disabled"], "stored")
    t.eq(officer_row(stack, "it.target")["sessions"], 0, "their sessions are gone")
    r = target.get("/admin/")
    t.check(r.status == 303 and "/admin/login" in (r.header("Location") or ""), f"their open session stops at once: {r.status}")
    t.check(not harness.console_login(stack, "it.target", pw).cookie, "and they cannot sign in")
    page = admin.get("/admin/officers")
    t.check(re.search(r'data-username="it.target">(?:(?!</tr>).)*data-disabled="1"', page.text, re.S), "the list shows them disabled")
    r = admin.post(f"/admin/officers/{tid}", [("action", "enable")])
    t.eq(r.status, 303, "enable")
    target = signed_in(t, stack, "it.target", pw)
    t.eq(target.get("/admin/").status, 200, "they sign in again")
    admin.get(f"/admin/officers/{tid}")
    r = admin.post(f"/admin/officers/{tid}", [("action", "passwd"), ("password", "1234567890")])
    t.eq(r.status, 400, "a weak new password is refused")
    t.check(error_of(r, "password"), "with the reason beside it")
    t.eq(target.get("/admin/").status, 200, "and nothing happened to their session")
    new_pw = strong_password()
    r = admin.post(f"/admin/officers/{tid}", [("action", "passwd"), ("password", new_pw)])
    t.eq(r.status, 303, "reset the password")
    t.eq(target.get("/admin/").status, 303, "their old session ended")
    t.check(not harness.console_login(stack, "it.target", pw).cookie, "the old password no longer works")
    target = signed_in(t, stack, "it.target", new_pw)
    target2 = signed_in(t, stack, "it.target", new_pw)
    t.eq(officer_row(stack, "it.target")["sessions"], 2, "two sessions open")
    t.eq(harness.parse_html(admin.get(f"/admin/officers/{tid}").text).by_id.get("m-sessions"), "2",
         "the officer page counts them")
    r = admin.post(f"/admin/officers/{tid}", [("action", "sessions")])
    t.eq(r.status, 303, "end all sessions")
    t.eq(target.get("/admin/").status, 303, "the first session ended")
    t.eq(target2.get("/admin/").status, 303, "the second too")
    t.eq(officer_row(stack, "it.target")["sessions"], 0, "none left")
    t.eq(admin.get("/admin/").status, 200, "the admin's own session is untouched")
    for action in ("officer.create", "officer.disable", "officer.enable", "officer.passwd", "officer.sessions"):
        rows = audit_rows(stack, action, obj, since)
        t.check(len(rows) == 1, f"{action} audited once in the database: {rows}")
        if rows:
            t.eq(str(rows[0]["officer_id"]), str(officer_row(stack, "demo.tinh")["id"]), f"{action} names the admin")
    page = admin.get(f"/admin/audit?action=officer.&officer={officer_row(stack, 'demo.tinh')['id']}")
    t.eq(page.status, 200, "the audit page filtered by action prefix and officer")
    for action in ("officer.create", "officer.disable", "officer.enable", "officer.passwd", "officer.sessions"):
        t.check(re.search(rf'data-action="{re.escape(action)}">.*?{re.escape(obj)}', page.text, re.S),
                f"{action} of {obj} shown on /admin/audit")
    actions = set(re.findall(r'data-action="([a-z_.]+)"', page.text))
    t.check(actions and all(a.startswith("officer.") for a in actions), f"only officer.* rows: {actions}")


def _login_post(stack, form, username, password):
    """POSTs the sign-in form `form` ((_token, Cookie header) from harness.login_form); returns (response, seconds)."""
    token, jar = form
    started = time.monotonic()
    r = stack.post("/admin/login", urllib.parse.urlencode(
        [("_token", token), ("next", "/admin/"), ("username", username), ("password", password)]),
        headers={"Cookie": jar})
    return r, time.monotonic() - started


def test_lockout_and_timing(t, stack):
    """From a browser that never signed in as the officer, five wrong passwords lock the account for such browsers
    for 15 minutes, even the right one; unknown users cost as much as known ones. (Known browsers: test_officer.)"""
    pw = strong_password()
    cli_officer(t, stack, "it.lock", "CD-TANPHONG", "officer", pw)
    token = harness.login_form(stack)
    for i in range(5):
        r, _ = _login_post(stack, token, "it.lock", f"wrong-password-{i}")
        t.eq(r.status, 403, f"wrong password {i + 1}")
    row = stack.rows("SELECT locked_until > now() + interval '14 minutes' AND locked_until <= now() + interval '15 minutes' "
                     "AS ok, locked_until FROM officer WHERE username = 'it.lock'")[0]
    t.check(row["ok"], f"locked_until is 15 minutes ahead: {row['locked_until']}")
    r, _ = _login_post(stack, token, "it.lock", pw)
    t.eq(r.status, 403, "the right password is refused while locked")
    t.check("tn_session=" not in (r.header("Set-Cookie") or ""), "no session")
    msg = harness.parse_html(r.text).by_id.get("login-error", "")
    t.check("15 phút" in msg, f"the page says the account may be locked 15 minutes: {msg!r}")
    admin = admin_login(t, stack)
    lid = str(officer_row(stack, "it.lock")["id"])
    page = admin.get(f"/admin/officers/{lid}")
    t.check(harness.parse_html(page.text).by_id.get("m-locked", "—") != "—", "the admin sees until when it is locked")
    new_pw = strong_password()
    t.eq(admin.post(f"/admin/officers/{lid}", [("action", "passwd"), ("password", new_pw)]).status, 303, "reset")
    t.check(not officer_row(stack, "it.lock")["locked"], "the reset clears the lockout")
    t.check(harness.console_login(stack, "it.lock", new_pw).cookie, "and the officer signs in")

    cli_officer(t, stack, "it.timing", "CD-TANPHONG", "officer", strong_password())
    for i in range(6):   # every worker makes its dummy hash before we measure
        _login_post(stack, token, f"it.nobody{i}", "whatever-password")
    known, unknown = [], []
    for i in range(4):   # four failures: not yet a lockout
        unknown.append(_login_post(stack, token, f"it.ghost{secrets.token_hex(3)}", "whatever-password")[1])
        known.append(_login_post(stack, token, "it.timing", "whatever-password")[1])
    ratio = statistics.median(unknown) / statistics.median(known)
    t.note(f"login median: unknown user {statistics.median(unknown) * 1000:.0f} ms, "
           f"known user {statistics.median(known) * 1000:.0f} ms (ratio {ratio:.2f})")
    t.check(0.5 <= ratio <= 2.0, f"an unknown user takes about as long as a known one: ratio {ratio:.2f}")


def test_csrf_and_expiry(t, stack):
    """Console POSTs without or with a forged _csrf: 403, nothing changed; an idle session goes to the login page."""
    admin = admin_login(t, stack)
    ward = unit_id(stack, "CD-TANPHONG")
    pairs = [("action", "create"), ("username", "it.csrf"), ("display_name", "x"), ("unit", ward), ("role", "admin"),
             ("password", strong_password())]
    t.eq(admin.post("/admin/officers", pairs, csrf=False).status, 403, "create without _csrf")
    t.eq(admin.post("/admin/officers", pairs + [("_csrf", "0" * 64)], csrf=False).status, 403, "create with a forged _csrf")
    t.check(officer_row(stack, "it.csrf") is None, "nothing created")
    vid = str(officer_row(stack, "demo.tanphong")["id"])
    t.eq(admin.post(f"/admin/officers/{vid}", [("action", "disable")], csrf=False).status, 403, "disable without _csrf")
    t.eq(admin.post(f"/admin/officers/{vid}", [("action", "disable"), ("_csrf", secrets.token_hex(32))], csrf=False).status,
         403, "disable with a forged _csrf")
    t.check(not officer_row(stack, "demo.tanphong")["disabled"], "nothing disabled")
    t.eq(admin.post("/admin/officers", [("action", "require_totp"), ("unit", ward), ("on", "1")], csrf=False).status, 403,
         "the two-step requirement without _csrf")
    t.eq(stack.value("SELECT require_totp FROM org_unit WHERE id = :'u'", u=ward), False, "unchanged")
    t.eq(admin.get("/admin/officers").status, 200, "the session still works")
    stack.psql("UPDATE session SET last_seen = now() - interval '31 minutes'")
    r = admin.get("/admin/officers")
    t.check(r.status == 303 and (r.header("Location") or "").startswith("/admin/login"),
            f"idle 31 minutes: the next console GET goes to sign in ({r.status} {r.header('Location')})")
    anon = stack.get("/admin/audit")
    t.check(anon.status == 303, f"no session: /admin/audit goes to sign in ({anon.status})")


def test_audit_chain(t, stack):
    """The audit page's chain banner and `audit verify`: intact, then an edited row and a deleted one are named."""
    admin = admin_login(t, stack)
    page = admin.get("/admin/audit")
    t.eq(page.status, 200, "the audit page")
    t.check('data-chain="ok"' in page.text, f"the banner says the newest rows link up: "
            f"{harness.parse_html(page.text).by_id.get('chain')!r}")
    t.check("tiengnoi-admin audit verify" in page.text, "and how to check the whole chain")
    ids = [int(x) for x in re.findall(r'<tr data-id="(\d+)"', page.text)]
    t.check(ids == sorted(ids, reverse=True) and len(ids) <= 50, "newest first, 50 a page")
    m = re.search(r'rel="next" href="([^"]+)"', page.text)
    if m and ids:
        older = admin.get(m.group(1).replace("&amp;", "&"))
        more = [int(x) for x in re.findall(r'<tr data-id="(\d+)"', older.text)]
        t.check(more and max(more) < min(ids), "the next page continues below the last row shown")
    t.check(re.search(r"\d{2}/\d{2}/\d{4} \d{2}:\d{2}:\d{2}", page.text), "times shown in Vietnam's format")

    # writers racing for the chain (as the owner, the way every role's insert runs the trigger)
    procs = []
    for j in range(6):
        sql = "".join(f"BEGIN; INSERT INTO audit_log (action, object, detail) VALUES ('it.race', 'p{j}', '{i}'); "
                      "SELECT pg_sleep(0.001); COMMIT;\n" for i in range(60))
        procs.append(harness.subprocess.Popen(["psql", "-X", "-q", "-At", "-h", str(stack.run_dir), "-U", "tiengnoi",
                                               "-d", "tiengnoi"], stdin=harness.subprocess.PIPE,
                                              stdout=harness.subprocess.DEVNULL, stderr=harness.subprocess.PIPE))
        procs[-1].stdin.write(sql.encode())
        procs[-1].stdin.close()
    for pr in procs:
        t.check(pr.wait(timeout=60) == 0, f"concurrent writer: {pr.stderr.read().decode()}")
    t.eq(stack.value("SELECT count(*) FROM audit_log WHERE action = 'it.race'"), 360, "360 rows written concurrently")

    p = stack.admin("audit", "verify")
    n = stack.value("SELECT count(*) FROM audit_log")
    t.eq(p.returncode, 0, f"audit verify on an untouched log, after concurrent writers: {p.stderr.decode()}")
    t.check(f"audit chain intact: {n} rows" in p.stdout.decode(), f"says how many rows: {p.stdout.decode()!r} ({n} in the table)")
    tail = stack.admin("audit", "tail", "--n", "5")
    t.eq(tail.returncode, 0, "audit tail")
    lines = tail.stdout.decode().splitlines()
    t.eq(len(lines), 5, "five rows")
    t.check(lines and lines[-1].split("\t")[0] == str(stack.value("SELECT max(id) FROM audit_log")), "the newest last")
    t.eq(stack.admin("audit", "tail", "--n", "x").returncode, 2, "a bad --n is a usage error")

    # an edited row
    last = stack.rows("SELECT id, detail FROM audit_log WHERE id = (SELECT max(id) FROM audit_log)")[0]
    stack.psql("UPDATE audit_log SET detail = 'x' WHERE id = (SELECT max(id) FROM audit_log)")
    try:
        page = _verify_finds(t, stack, admin, "an UPDATE", last["id"], "changed")
        t.check(f'data-chain="broken" data-row="{last["id"]}"' in page.text,
                f"the console banner names it too: {harness.parse_html(page.text).by_id.get('chain')!r}")
    finally:
        stack.psql("UPDATE audit_log SET detail = :'d' WHERE id = :'i'", d=last["detail"], i=last["id"])
    t.eq(stack.admin("audit", "verify").returncode, 0, "the original text restored: intact again")

    # a deleted row in the middle
    ids = [r["id"] for r in stack.rows("SELECT id FROM audit_log ORDER BY id DESC LIMIT 5")]
    t.require(len(ids) == 5, "enough rows")
    victim, follower = ids[2], ids[1]
    saved = stack.psql("SELECT row_to_json(a) FROM audit_log a WHERE id = :'i'", i=victim)
    stack.psql("DELETE FROM audit_log WHERE id = :'i'", i=victim)
    try:
        page = _verify_finds(t, stack, admin, "a DELETE", follower, "deleted")
        t.check('data-chain="broken"' in page.text, "the console banner sees it")
    finally:
        stack.psql("SET session_replication_role = replica; "
                   "INSERT INTO audit_log SELECT * FROM json_populate_record(NULL::audit_log, :'r'::json);", r=saved)
    p = stack.admin("audit", "verify")
    t.eq(p.returncode, 0, f"the row put back: intact again ({p.stderr.decode()})")

    # the newest row cut off: only a hash kept elsewhere can tell
    m = re.search(r"hash ([0-9a-f]{64})", p.stdout.decode())
    t.require(m, f"verify prints the newest hash: {p.stdout.decode()!r}")
    t.eq(stack.admin("audit", "verify", "--anchor", m.group(1)).returncode, 0, "the anchor is there")
    newest = stack.psql("SELECT row_to_json(a) FROM audit_log a ORDER BY id DESC LIMIT 1")
    stack.psql("DELETE FROM audit_log WHERE id = (SELECT max(id) FROM audit_log)")
    try:
        t.eq(stack.admin("audit", "verify").returncode, 0, "a cut-off tail still looks intact by itself")
        p = stack.admin("audit", "verify", "--anchor", m.group(1))
        t.eq(p.returncode, 1, "but not against the anchor")
        t.check("anchor" in p.stderr.decode(), f"saying so: {p.stderr.decode()!r}")
    finally:
        stack.psql("SET session_replication_role = replica; "
                   "INSERT INTO audit_log SELECT * FROM json_populate_record(NULL::audit_log, :'r'::json);", r=newest)
    t.eq(stack.admin("audit", "verify", "--anchor", "zz").returncode, 2, "a malformed anchor is a usage error")
