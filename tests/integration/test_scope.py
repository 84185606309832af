"""test_scope.py: officers see exactly their part of the union tree, over HTTP and in PostgreSQL itself."""
import harness


def _ids(stack):
    """One report at a workplace of CD-TANPHONG and one of CDN-CONGTHUONG."""
    mine = next(t for t, name, _ in stack.demo if "Tân Phong" in name)
    theirs = next(t for t, name, _ in stack.demo if "Chè" in name)
    r1, idem1 = stack.submit(mine, [("text", "Phản ánh ở xưởng may, phạm vi phường.")])
    r2, idem2 = stack.submit(theirs, [("text", "Phản ánh ở nhà máy chè, ngoài phạm vi phường.")])
    return (stack.value("SELECT id FROM submission WHERE idempotency_key = :'k'", k=idem1),
            stack.value("SELECT id FROM submission WHERE idempotency_key = :'k'", k=idem2))


def test_http_scope(t, stack):
    logins = harness.demo_logins(stack)
    t.require("demo.tanphong" in logins, f"demo logins: {logins}")
    mine, theirs = _ids(stack)
    ward = harness.console_login(stack, "demo.tanphong", logins["demo.tanphong"])
    t.require(ward.cookie, f"the ward officer signs in: {ward.login_response.status}")
    t.eq(ward.get(f"/admin/s/{mine}").status, 200, "own unit's report")
    other = ward.get(f"/admin/s/{theirs}")
    t.eq(other.status, 404, "another unit's report looks absent")
    t.check("ngoài phạm vi" not in other.text, "and nothing of it leaks into the page")
    t.eq(ward.get("/admin/s/99999999").status, 404, "a report that does not exist: the same 404")
    r = ward.post(f"/admin/s/{theirs}", [("action", "status"), ("status", "resolved")])
    t.eq(r.status, 404, "changing another unit's report: 404")
    t.eq(stack.value("SELECT status FROM submission WHERE id = :'i'", i=theirs), "new", "and it is unchanged")
    for action in (("note", "body", "x"), ("message", "body", "x"), ("reveal", "x", "x"), ("assign", "assignee", "")):
        r = ward.post(f"/admin/s/{theirs}", [("action", action[0]), (action[1], action[2])])
        t.eq(r.status, 404, f"{action[0]} on another unit's report")
    photo = ("INSERT INTO attachment (submission_id, field, mime, size, sha256, data) "
             "VALUES (:'s', 'photo', 'image/png', 1, sha256('\\x00'::bytea), '\\x00'::bytea)")
    stack.psql(photo, s=theirs)
    pid = stack.value("SELECT max(id) FROM attachment WHERE submission_id = :'s'", s=theirs)
    t.eq(ward.get(f"/admin/photo/{pid}").status, 404, "photos of other units: 404")
    stack.psql(photo, s=mine)
    own = stack.value("SELECT max(id) FROM attachment WHERE submission_id = :'s'", s=mine)
    r = ward.get(f"/admin/photo/{own}")
    t.eq(r.status, 200, "a photo of the ward's own report")
    t.check("sandbox" in (r.header("Content-Security-Policy") or ""),
            f"served in a sandbox, so a hostile file runs no script on the console: {r.header('Content-Security-Policy')!r}")
    t.check("ngoài phạm vi" not in ward.get("/admin/?q=pham+vi").text, "search does not reach outside the scope")
    province = harness.console_login(stack, "demo.tinh", logins["demo.tinh"])
    t.eq(province.get(f"/admin/s/{theirs}").status, 200, "the province officer sees every unit's reports")


def test_csrf_and_session(t, stack):
    logins = harness.demo_logins(stack)
    mine, _ = _ids(stack)
    c = harness.console_login(stack, "demo.tinh", logins["demo.tinh"])
    t.require(c.cookie, "signed in")
    r = c.post(f"/admin/s/{mine}", [("action", "status"), ("status", "spam")], csrf=False)
    t.eq(r.status, 403, "a console POST without _csrf")
    r = c.post(f"/admin/s/{mine}", [("action", "status"), ("status", "spam"), ("_csrf", "0" * 64)], csrf=False)
    t.eq(r.status, 403, "with a forged _csrf")
    t.eq(stack.value("SELECT status FROM submission WHERE id = :'i'", i=mine), "new", "nothing changed")
    t.eq(c.post(f"/admin/s/{mine}", [("action", "status"), ("status", "in_review")]).status, 303, "with the right one")
    bad = c.post(f"/admin/s/{mine}", [("action", "status"), ("status", "'; DROP TABLE submission; --")])
    t.eq(bad.status, 400, "an unknown status is refused")
    stack.psql("UPDATE session SET last_seen = now() - interval '31 minutes'")
    r = c.get("/admin/")
    t.check(r.status == 303 and "/admin/login" in (r.header("Location") or ""), f"idle 31 minutes: sent to sign in ({r.status})")
    c2 = harness.console_login(stack, "demo.tinh", logins["demo.tinh"])
    stack.psql("UPDATE session SET expires_at = now() - interval '1 second'")
    t.eq(c2.get("/admin/").status, 303, "past the absolute limit: signed out")
    anon = stack.get("/admin/s/1")
    t.check(anon.status == 303, f"no session: sent to sign in ({anon.status})")


def test_rls_without_where(t, stack):
    """The database hides rows outside the scope even when a query has no WHERE at all."""
    _ids(stack)
    ward = stack.value("SELECT path FROM org_unit WHERE code = 'CD-TANPHONG'")
    total = stack.value("SELECT count(*) FROM submission")
    in_ward = stack.value("SELECT count(*) FROM submission s JOIN workplace w ON w.id = s.workplace_id "
                          "JOIN org_unit u ON u.id = w.unit_id WHERE u.path LIKE :'p' || '%'", p=ward)
    t.require(0 < in_ward < total, f"data on both sides of the line: {in_ward} of {total}")

    def as_officer(query, scope, role="admin", officer="", expect_error=False):
        args = ["psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-h", str(stack.run_dir),
                "-U", "tiengnoi_app", "-d", "tiengnoi"]
        sql = ("BEGIN; SET LOCAL ROLE tiengnoi_officer; "
               + (f"SELECT set_config('tiengnoi.scope', '{scope}', true), set_config('tiengnoi.role', '{role}', true), "
                  f"set_config('tiengnoi.officer', '{officer}', true) \\g /dev/null\n" if scope else "")
               + query + "; COMMIT;")
        p = harness.subprocess.run(args, input=sql.encode(), capture_output=True, timeout=20)
        if expect_error:
            return p.returncode != 0
        t.require(p.returncode == 0, f"psql: {p.stderr.decode()}")
        return p.stdout.decode().split()[0] if p.stdout.decode().split() else ""

    t.eq(int(as_officer("SELECT count(*) FROM submission", ward)), in_ward, "submission: only the ward's rows")
    wp = stack.value("SELECT count(*) FROM workplace w JOIN org_unit u ON u.id = w.unit_id WHERE u.path LIKE :'p' || '%'", p=ward)
    t.eq(int(as_officer("SELECT count(*) FROM workplace", ward)), wp, "workplace: only the ward's")
    t.eq(int(as_officer("SELECT count(*) FROM message m JOIN submission s ON s.id = m.submission_id "
                        "WHERE s.workplace_id NOT IN (SELECT w.id FROM workplace w JOIN org_unit u ON u.id = w.unit_id "
                        "WHERE u.path LIKE '" + ward + "%')", ward)), 0, "no message of another unit")
    for table in ("submission", "workplace", "entry_point", "message", "attachment", "note", "officer", "audit_log"):
        t.eq(as_officer(f"SELECT count(*) FROM {table}", None), "0", f"{table}: nothing at all without a scope")
    # the role is known to the database too: a viewer's transaction cannot write
    t.eq(as_officer("WITH u AS (UPDATE submission SET status = 'spam' RETURNING 1) SELECT count(*) FROM u", ward, "viewer"),
         "0", "a viewer's UPDATE touches no row")
    t.check(as_officer("INSERT INTO workplace (code, name, unit_id) SELECT 'RLS-TEST', 'x', id FROM org_unit "
                       "WHERE code = 'CD-TANPHONG'", ward, "officer", expect_error=True), "only admins add workplaces")
    me = stack.value("SELECT id FROM officer WHERE username = 'demo.tanphong'")
    t.check(as_officer(f"UPDATE officer SET role = 'admin' WHERE id = {me}", ward, "officer", str(me), expect_error=True),
            "an officer cannot make themselves admin")
    t.check(as_officer("INSERT INTO audit_log (officer_id, unit_id, action) VALUES (NULL, NULL, 'forged')", ward,
                       "admin", str(me), expect_error=True), "audit rows must name the transaction's officer")
    p = harness.subprocess.run(["psql", "-X", "-q", "-At", "-h", str(stack.run_dir), "-U", "tiengnoi_app", "-d", "tiengnoi"],
                               input=b"UPDATE org_unit SET name = 'x';", capture_output=True, timeout=20)
    t.check(p.returncode != 0 or b"permission denied" in p.stderr, "the app's own role cannot change the tree")
