"""test_console_org.py: the console's units, workplaces, QR codes and posters, over HTTP, in PostgreSQL and through the CLI."""
import base64
import re
import secrets
import subprocess
import tempfile
import urllib.parse
from pathlib import Path

import harness
from harness import parse_html

HOSTILE = "<script>alert(1)</script> & 'x'; DROP TABLE workplace; --"
HOTLINE = "0213 3876 543"


def esc(s):
    """Escaped as the app's html_text() does it (& < > " ')."""
    return (s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
            .replace("'", "&#39;"))


def _sfx():
    return secrets.token_hex(3).upper()


def _province(t, stack):
    return harness.demo_console(t, stack, "demo.tinh")


def _officer(t, stack, unit, role):
    """A new officer of `unit` made with the CLI, signed in."""
    user = f"it.{role}.{secrets.token_hex(3)}"
    pw = secrets.token_urlsafe(15)
    p = stack.admin("officer", "add", "--username", user, "--unit", unit, "--role", role, input=(pw + "\n").encode())
    t.require(p.returncode == 0, f"officer add {user}: {p.stderr.decode(errors='replace')}")
    c = harness.console_login(stack, user, pw)
    t.require(c.cookie, f"{user} signs in: {c.login_response.status}")
    return c


def _unit_id(stack, code):
    return stack.value("SELECT id FROM org_unit WHERE code = :'c'", c=code)


def _location_id(t, r, prefix):
    loc = r.header("Location") or ""
    m = re.match(re.escape(prefix) + r"(\d+)", loc)
    t.require(r.status == 303 and m, f"{r.where}: want 303 to {prefix}ID, got {r.status} {loc!r}: {harness.short(r.text, 400)}")
    return int(m.group(1))


def _audited(stack, action, obj):
    return stack.value("SELECT count(*) FROM audit_log WHERE action = :'a' AND object = :'o'", a=action, o=obj)


def _new_workplace(t, c, stack, unit_code, name="Xưởng thử nghiệm", **extra):
    code = f"IT-W{_sfx()}"
    fields = [("code", code), ("name", name), ("unit", str(_unit_id(stack, unit_code))), ("tax_code", ""),
              ("address", ""), ("sector", ""), ("ownership", ""), ("headcount", "")]
    fields = [(k, extra.get(k, v)) for k, v in fields]
    wid = _location_id(t, c.post("/admin/workplaces", fields), "/admin/workplaces/")
    return wid, code


def _new_entry(t, c, wid, label="Nhà ăn ca", forms=("concern", "safety")):
    r = c.post(f"/admin/workplaces/{wid}", [("action", "qr_create"), ("label", label)] + [("forms", f) for f in forms])
    t.require(r.status == 303, f"create a QR code: {r.status} {harness.short(r.text, 300)}")
    m = re.search(r"ep=(\d+)", r.header("Location") or "")
    t.require(m, f"the redirect names the new code: {r.header('Location')!r}")
    return int(m.group(1))


def _token(stack, eid):
    return stack.value("SELECT token FROM entry_point WHERE id = :'i'", i=eid)


def test_console_org_units(t, stack):
    c = _province(t, stack)
    province = _unit_id(stack, "LDLD-LAICHAU")
    page = c.get("/admin/units")
    t.eq(page.status, 200, "GET /admin/units")
    t.check(not harness.readable_vi_problems(page), f"units page: {harness.readable_vi_problems(page)}")
    tree = parse_html(page.text).by_id.get("tree", "")
    for name in ("Liên đoàn Lao động tỉnh Lai Châu", "Công đoàn phường Tân Phong", "Công đoàn ngành Công Thương"):
        t.check(name in tree, f"the tree shows {name}")
    t.check("Công đoàn xã, phường" in tree and HOTLINE in tree, "kinds in Vietnamese and the province hotline")
    t.check(re.search(r'<ul class="unit-tree"[^>]*><li data-code="LDLD-LAICHAU">.*?<ul><li data-code="CD', page.text, re.S),
            "children are nested (indented) under the province")

    sfx = _sfx()
    a = f"IT-A{sfx}"
    good = [("parent", str(province)), ("code", a), ("name", "Công đoàn thử nghiệm A"), ("kind", "commune"),
            ("hotline", "0213 3999 999")]
    aid = _location_id(t, c.post("/admin/units", good), "/admin/units/")
    row = stack.rows("SELECT u.name, u.kind, u.hotline, u.status, u.path LIKE p.path || '%' AS under FROM org_unit u, "
                     "org_unit p WHERE u.id = :'i' AND p.id = :'p'", i=aid, p=province)
    t.eq(row, [{"name": "Công đoàn thử nghiệm A", "kind": "commune", "hotline": "0213 3999 999", "status": "active",
                "under": True}], "the new unit")
    t.eq(_audited(stack, "unit.create", f"unit:{aid}"), 1, "unit.create audited")
    t.eq(c.get(f"/admin/units/{aid}?ok=unit.create").status, 200, "its page")

    # bad input: 400, a message beside the field, the typed values kept, nothing stored
    cases = [("code", "bad code!", "e-f-unit-code"), ("code", "CD-TANPHONG", "e-f-unit-code"), ("code", "", "e-f-unit-code"),
             ("name", "", "e-f-unit-name"), ("name", "x" * 301, "e-f-unit-name"), ("hotline", "call me", "e-f-unit-hotline"),
             ("kind", "galaxy", "e-f-unit-kind"), ("parent", "999999999", "e-f-unit-parent"), ("parent", "abc", "e-f-unit-parent"),
             ("name", "hai\ndòng", "e-f-unit-name")]
    before = stack.value("SELECT count(*) FROM org_unit")
    for field, value, msg_id in cases:
        pairs = [(k, value if k == field else (f"IT-B{sfx}" if k == "code" else v)) for k, v in good]
        r = c.post("/admin/units", pairs)
        t.eq(r.status, 400, f"unit create with {field}={value[:20]!r}")
        doc = parse_html(r.text)
        t.check(doc.by_id.get(msg_id), f"{field}={value[:20]!r}: no message in #{msg_id}")
        if field != "name":
            t.eq(doc.inputs.get("name"), "Công đoàn thử nghiệm A", f"{field}={value[:20]!r}: the typed name is kept")
    t.eq(stack.value("SELECT count(*) FROM org_unit"), before, "refused creates stored nothing")

    # hostile text: stored verbatim, shown escaped
    hid = _location_id(t, c.post("/admin/units", [(k, HOSTILE if k == "name" else (f"IT-H{sfx}" if k == "code" else v))
                                                  for k, v in good]), "/admin/units/")
    t.eq(stack.value("SELECT name FROM org_unit WHERE id = :'i'", i=hid), HOSTILE, "hostile name stored verbatim")
    for path in ("/admin/units", f"/admin/units/{hid}"):
        r = c.get(path)
        t.check(esc(HOSTILE) in r.text and "<script>alert(1)" not in r.text, f"{path}: hostile name escaped")

    # a child of A, then A cannot go under its own child
    b = f"IT-B{sfx}"
    bid = _location_id(t, c.post("/admin/units", [(k, str(aid) if k == "parent" else (b if k == "code" else v))
                                                  for k, v in good]), "/admin/units/")
    r = c.post(f"/admin/units/{aid}", [("action", "reparent"), ("parent", str(bid))])
    t.eq(r.status, 400, "moving a unit under its own child")
    t.check("dưới chính nó" in (parse_html(r.text).by_id.get("e-f-reparent-parent") or ""),
            f"a clear message: {parse_html(r.text).by_id.get('e-f-reparent-parent')!r}")
    r = c.post(f"/admin/units/{aid}", [("action", "reparent"), ("parent", str(aid))])
    t.eq(r.status, 400, "moving a unit under itself")
    t.eq(stack.value("SELECT parent_id FROM org_unit WHERE id = :'i'", i=aid), province, "A stayed where it was")
    # the database refuses a cycle too, whatever the app checks
    p = subprocess.run(["psql", "-X", "-q", "-h", str(stack.run_dir), "-U", "tiengnoi", "-d", "tiengnoi", "-c",
                        f"UPDATE org_unit SET parent_id = {bid} WHERE id = {aid}"], capture_output=True, timeout=20)
    t.check(p.returncode != 0 and b"descendant" in p.stderr, f"the trigger refuses a cycle: {p.stderr!r}")

    # edit name and hotline
    r = c.post(f"/admin/units/{aid}", [("action", "update"), ("name", "Công đoàn thử nghiệm A (mới)"), ("hotline", "")])
    t.eq(r.status, 303, "update name, clear hotline")
    t.eq(stack.rows("SELECT name, hotline FROM org_unit WHERE id = :'i'", i=aid),
         [{"name": "Công đoàn thử nghiệm A (mới)", "hotline": None}], "updated")
    r = c.post(f"/admin/units/{aid}", [("action", "update"), ("name", "Tên giữ lại"), ("hotline", "abc")])
    t.eq(r.status, 400, "a bad hotline")
    t.eq(parse_html(r.text).inputs.get("name"), "Tên giữ lại", "the typed name is kept")

    # merge M (one workplace with a report, one sub-unit) into A
    m = f"IT-M{sfx}"
    mid = _location_id(t, c.post("/admin/units", [(k, m if k == "code" else v) for k, v in good]), "/admin/units/")
    child = f"IT-C{sfx}"
    cid = _location_id(t, c.post("/admin/units", [(k, str(mid) if k == "parent" else (child if k == "code" else v))
                                                  for k, v in good]), "/admin/units/")
    wid, _ = _new_workplace(t, c, stack, m)
    token = _token(stack, _new_entry(t, c, wid))
    _, idem = stack.submit(token, [("text", "Phản ánh trước khi sáp nhập.")])
    t.eq(stack.value("SELECT unit_id FROM submission WHERE idempotency_key = :'k'", k=idem), mid, "filed under M")
    r = c.post(f"/admin/units/{mid}", [("action", "merge"), ("into", str(aid))])
    t.eq(r.status, 400, "a merge without the confirmation")
    r = c.post(f"/admin/units/{mid}", [("action", "merge"), ("into", str(cid)), ("confirm", "1")])
    t.eq(r.status, 400, "a merge into its own sub-unit")
    r = c.post(f"/admin/units/{mid}", [("action", "merge"), ("into", str(aid)), ("confirm", "1")])
    t.eq(r.status, 303, "merge M into A")
    t.eq(stack.rows("SELECT status, merged_into, ended_at IS NOT NULL AS ended FROM org_unit WHERE id = :'i'", i=mid),
         [{"status": "merged", "merged_into": aid, "ended": True}], "M is merged into A")
    t.eq(stack.value("SELECT unit_id FROM workplace WHERE id = :'i'", i=wid), aid, "M's workplace moved to A")
    t.eq(stack.value("SELECT parent_id FROM org_unit WHERE id = :'i'", i=cid), aid, "M's sub-unit moved to A")
    t.eq(stack.value("SELECT unit_id FROM submission WHERE idempotency_key = :'k'", k=idem), mid,
         "the report keeps the unit it was filed under")
    t.eq(stack.get(f"/q/{token}").status, 200, "the workplace's QR code still works")
    t.eq(_audited(stack, "unit.merge", f"unit:{mid}"), 1, "unit.merge audited")
    page = c.get(f"/admin/units/{mid}")
    t.check(page.status == 200 and "Đã sáp nhập vào" in page.text and 'name="action"' not in page.text,
            "the merged unit's page says so and offers no more changes")
    t.eq(c.post(f"/admin/units/{mid}", [("action", "update"), ("name", "x"), ("hotline", "")]).status, 400,
         "a merged unit cannot be edited")
    t.eq(c.post("/admin/units", [(k, str(mid) if k == "parent" else (f"IT-D{sfx}" if k == "code" else v))
                                 for k, v in good]).status, 400, "nothing new goes under a merged unit")
    t.eq(c.post(f"/admin/units/{aid}", [("action", "frobnicate")]).status, 400, "an unknown action")
    t.eq(c.get("/admin/units/999999999").status, 404, "an unknown unit")
    t.eq(c.get("/admin/unitsX").status, 404, "a path that only starts like /admin/units")


def test_console_org_workplaces_qr(t, stack):
    c = _province(t, stack)
    page = c.get("/admin/workplaces")
    t.eq(page.status, 200, "GET /admin/workplaces")
    t.check("Nhà máy Chè Tam Đường" in page.text and "Công ty TNHH May mặc Tân Phong" in page.text, "demo workplaces listed")
    found = c.get("/admin/workplaces?q=nha+may+che")
    t.check("Nhà máy Chè Tam Đường" in found.text and "May mặc Tân Phong" not in found.text, "accent-insensitive search")
    t.eq(c.get("/admin/workplaces?unit=abc").status, 400, "a malformed unit filter")

    wid, code = _new_workplace(t, c, stack, "CD-TANPHONG", name=HOSTILE, tax_code="6200999888-001",
                               address="Tổ 5, phường Tân Phong", sector="Dệt may", ownership="fdi", headcount="1200")
    t.eq(stack.rows("SELECT name, tax_code, address, sector, ownership, headcount FROM workplace WHERE id = :'i'", i=wid),
         [{"name": HOSTILE, "tax_code": "6200999888-001", "address": "Tổ 5, phường Tân Phong", "sector": "Dệt may",
           "ownership": "fdi", "headcount": 1200}], "the workplace as typed, hostile name verbatim")
    t.eq(_audited(stack, "workplace.create", f"workplace:{wid}"), 1, "workplace.create audited")
    for path in ("/admin/workplaces", f"/admin/workplaces/{wid}"):
        r = c.get(path)
        t.check(r.status == 200 and esc(HOSTILE) in r.text and "<script>alert(1)" not in r.text, f"{path}: escaped")
    unit = str(_unit_id(stack, "CD-TANPHONG"))
    base = [("code", f"IT-X{_sfx()}"), ("name", "Xưởng giữ tên"), ("unit", unit), ("tax_code", ""), ("address", ""),
            ("sector", ""), ("ownership", ""), ("headcount", "")]
    for field, value in [("tax_code", "12345"), ("tax_code", "1234567890X123"), ("headcount", "nhiều"),
                         ("headcount", "99999999999"), ("ownership", "alien"), ("code", code), ("code", "x"),
                         ("unit", "999999999"), ("name", "   ")]:
        r = c.post("/admin/workplaces", [(k, value if k == field else v) for k, v in base])
        t.eq(r.status, 400, f"workplace create with {field}={value!r}")
        doc = parse_html(r.text)
        t.check(doc.by_id.get(f"e-f-new-{field}"), f"{field}={value!r}: message beside the field")
        if field != "name":
            t.eq(doc.inputs.get("name"), "Xưởng giữ tên", f"{field}={value!r}: the typed name is kept")
    t.eq(stack.value("SELECT count(*) FROM workplace WHERE name = 'Xưởng giữ tên'"), 0, "refused creates stored nothing")

    # edit
    edit = [("action", "update"), ("name", "Xưởng đã đổi tên"), ("unit", unit), ("tax_code", "6200999888"),
            ("address", ""), ("sector", "May"), ("ownership", "non_state"), ("headcount", "15")]
    t.eq(c.post(f"/admin/workplaces/{wid}", edit).status, 303, "edit the workplace")
    t.eq(stack.rows("SELECT name, tax_code, address, ownership, headcount, code FROM workplace WHERE id = :'i'", i=wid),
         [{"name": "Xưởng đã đổi tên", "tax_code": "6200999888", "address": None, "ownership": "non_state",
           "headcount": 15, "code": code}], "edited (the code stays)")
    t.eq(_audited(stack, "workplace.update", f"workplace:{wid}"), 1, "workplace.update audited")
    r = c.post(f"/admin/workplaces/{wid}", [(k, "abc" if k == "headcount" else v) for k, v in edit])
    t.check(r.status == 400 and parse_html(r.text).by_id.get("e-f-edit-headcount"), f"a bad edit: {r.status}")

    # QR codes: create, scan, revoke, replace
    r = c.post(f"/admin/workplaces/{wid}", [("action", "qr_create"), ("label", "Cổng sau")])
    t.eq(r.status, 400, "a QR code with no form")
    t.eq(parse_html(r.text).inputs.get("label"), "Cổng sau", "the typed label is kept")
    r = c.post(f"/admin/workplaces/{wid}", [("action", "qr_create"), ("label", "x"), ("forms", "nosuchform")])
    t.eq(r.status, 400, "a QR code with an unknown form")
    eid = _new_entry(t, c, wid, label="Nhà ăn ca", forms=("concern", "safety"))
    token = _token(stack, eid)
    t.eq(stack.value("SELECT array_to_string(forms, ',') FROM entry_point WHERE id = :'i'", i=eid), "concern,safety", "forms")
    t.eq(_audited(stack, "qr.create", f"entry_point:{eid}"), 1, "qr.create audited")
    landing = stack.get(f"/q/{token}")
    t.check(landing.status == 200 and "Nhà ăn ca" in landing.text, f"the worker's page of the new code: {landing.status}")
    t.eq(stack.get(f"/q/{token}/meal").status, 404, "a form the code does not offer")
    stack.get(f"/q/{token.lower()}")
    stack.scans_flushed(token, 2)     # scans are written in batches
    wp = c.get(f"/admin/workplaces/{wid}")
    row = re.search(rf'<tr id="ep-{eid}">(.*?)</tr>', wp.text, re.S)
    t.require(row, "the code is listed on the workplace page")
    t.check(token in row.group(1) and "Nhà ăn ca" in row.group(1), "with its token and label")
    scans = stack.value("SELECT scan_count FROM entry_point WHERE id = :'i'", i=eid)
    t.check(scans >= 2 and f'<td class="scans">{scans}</td>' in row.group(1), f"and its scan count ({scans}): {row.group(1)[-300:]}")

    # downloads
    png = c.get(f"/admin/qr/{eid}/png")
    t.check(png.status == 200 and png.body.startswith(b"\x89PNG") and png.header("Content-Type") == "image/png",
            f"PNG download: {png.status} {png.header('Content-Type')}")
    t.check("frame-ancestors 'none'" in (png.header("Content-Security-Policy") or "")
            and (png.header("X-Content-Type-Options") or "") == "nosniff", "PNG download carries the security headers")
    with tempfile.TemporaryDirectory() as d:
        (Path(d) / "qr.png").write_bytes(png.body)
        z = subprocess.run(["zbarimg", "--raw", "-q", "--nodbus", str(Path(d) / "qr.png")], capture_output=True, timeout=20)
        t.eq(z.stdout.decode().strip(), f"HTTP://127.0.0.1:{stack.port}/Q/{token}", "the PNG decodes to the upper-case URL")
    svg = c.get(f"/admin/qr/{eid}/svg")
    t.check(svg.status == 200 and svg.text.lstrip().startswith("<svg") and "<script" not in svg.text, "SVG download")

    # revoke: the worker's URL is gone at once; the poster cannot be printed any more
    other = _new_entry(t, c, wid, label="Bảng tin", forms=("concern",))
    other_token = _token(stack, other)
    t.eq(c.post(f"/admin/qr/{eid}", [("action", "revoke")]).status, 303, "revoke")
    # each app worker drops its cached copy when PostgreSQL's notice reaches it: milliseconds, not a lock step
    t.check(harness.wait_until(lambda: all(stack.get(f"/q/{token}").status == 404 for _ in range(6)), 5),
            "the revoked code's page is 404")
    t.check(harness.wait_until(lambda: all(stack.get(f"/q/{token}/concern").status == 404 for _ in range(6)), 5),
            "and its form too")
    t.eq(c.get(f"/admin/qr/{eid}/poster").status, 404, "a revoked code's poster")
    t.eq(c.get(f"/admin/qr/{eid}/png").status, 404, "a revoked code's PNG")
    t.eq(c.post(f"/admin/qr/{eid}", [("action", "revoke")]).status, 400, "revoking twice")
    t.eq(_audited(stack, "qr.revoke", f"entry_point:{eid}"), 1, "qr.revoke audited")
    # replace: the old token dies, a new one with the same label and forms works
    r = c.post(f"/admin/qr/{other}", [("action", "replace")])
    t.eq(r.status, 303, "replace")
    m = re.search(r"ep=(\d+)", r.header("Location") or "")
    t.require(m, f"replace names the new code: {r.header('Location')!r}")
    new = int(m.group(1))
    t.eq(stack.rows("SELECT label, array_to_string(forms, ',') AS forms, workplace_id, revoked_at IS NULL AS active "
                    "FROM entry_point WHERE id = :'i'", i=new),
         [{"label": "Bảng tin", "forms": "concern", "workplace_id": wid, "active": True}], "the new code copies label and forms")
    t.check(harness.wait_until(lambda: all(stack.get(f"/q/{other_token}").status == 404 for _ in range(6)), 5),
            "the replaced code is 404")
    t.eq(stack.get(f"/q/{_token(stack, new)}").status, 200, "the new code works")
    t.eq(_audited(stack, "qr.replace", f"entry_point:{other}"), 1, "qr.replace audited")
    t.eq(c.post(f"/admin/qr/{new}", [("action", "burn")]).status, 400, "an unknown QR action")
    t.eq(c.get(f"/admin/qr/{new}").status, 405, "GET on the action URL: the route row is POST only")
    t.eq(c.get(f"/admin/qr/{new}/jpeg").status, 404, "an unknown download")
    t.eq(c.post(f"/admin/qr/{new}/poster", [("x", "y")]).status, 405, "POST to the poster")
    # roles: an officer (not admin) may look but not change
    logins = harness.demo_logins(stack)
    ward = harness.console_login(stack, "demo.tanphong", logins["demo.tanphong"])
    t.eq(ward.get(f"/admin/workplaces/{wid}").status, 200, "the ward officer sees the ward's workplace")
    t.check('name="action" value="revoke"' not in ward.get(f"/admin/workplaces/{wid}").text, "without change buttons")
    for path, pairs in [(f"/admin/qr/{new}", [("action", "revoke")]), (f"/admin/workplaces/{wid}", edit),
                        ("/admin/workplaces", base), ("/admin/units", [("code", "IT-NO")])]:
        t.eq(ward.post(path, pairs).status, 403, f"an officer (not admin) POSTs {path}")
    t.eq(stack.value("SELECT revoked_at IS NULL FROM entry_point WHERE id = :'i'", i=new), True, "nothing revoked by them")
    t.eq(ward.get("/admin/workplaces/import").status, 403, "the import page is for admins")


def test_console_org_import(t, stack):
    c = _province(t, stack)
    sfx = _sfx()
    t.eq(c.get("/admin/workplaces/import").status, 200, "GET the import page")
    bad = "\n".join([
        "code,name,unit_code,tax_code,address",
        f"IT-I1{sfx},Xưởng một,CD-TANPHONG,6200111111,Phường Tân Phong",
        f"it-lower{sfx},Xưởng mã sai,CD-TANPHONG,,",
        f"IT-I3{sfx},Xưởng đơn vị lạ,NO-SUCH-UNIT,,",
        f"IT-I1{sfx},Xưởng trùng mã trong tệp,CD-TANPHONG,,",
        "MAY-TANPHONG,Xưởng trùng mã đã có,CD-TANPHONG,,",
        f"IT-I6{sfx},Xưởng thuế sai,CD-TANPHONG,12345,",
        f"IT-I7{sfx},,CD-TANPHONG,,",
        f"IT-I8{sfx},Xưởng thiếu cột,CD-TANPHONG",
        f"IT-I9{sfx},\"Xưởng, có dấu phẩy\",CDN-CONGTHUONG,,\"Xã Bình Lư, tỉnh Lai Châu\"",
    ]) + "\n"
    before = stack.value("SELECT count(*) FROM workplace")
    r = c.post("/admin/workplaces/import", [("csv", bad)])
    t.eq(r.status, 400, "a CSV with bad lines")
    lines = {int(m.group(1)) for m in re.finditer(r'<tr data-line="(\d+)">', r.text)}
    t.eq(sorted(lines), [3, 4, 5, 6, 7, 8, 9], "every bad line is named by its number")
    errs = parse_html(r.text).by_id.get("import-errors", "")
    for reason in ("Mã phải gồm", "Không có đơn vị", "trùng với một dòng trước", "đã có trong cơ sở dữ liệu",
                   "Mã số thuế", "Thiếu tên", "Số cột"):
        t.check(reason in errs, f"the reason {reason!r} is given")
    t.eq(harness.textarea_value(r.text, "csv"), bad, "the pasted CSV comes back as typed")
    t.eq(stack.value("SELECT count(*) FROM workplace"), before, "nothing imported")
    one_bad = f"code,name,unit_code\nIT-J1{sfx},Xưởng tốt,CD-TANPHONG\nIT-J2{sfx},,CD-TANPHONG\n"
    r = c.post("/admin/workplaces/import", [("csv", one_bad)])
    t.check(r.status == 400 and re.search(r'<tr data-line="3">', r.text), "one bad line: named")
    t.eq(stack.value("SELECT count(*) FROM workplace WHERE code = :'c'", c=f"IT-J1{sfx}"), 0, "and the good line is not imported")
    r = c.post("/admin/workplaces/import", [("csv", "ten,ma\nx,y\n")])
    t.check(r.status == 400 and re.search(r'<tr data-line="1">', r.text), "a wrong header: line 1")
    t.eq(c.post("/admin/workplaces/import", [("csv", "code,name,unit_code\n")]).status, 400, "no data lines")
    t.eq(c.post("/admin/workplaces/import", [("csv", "")]).status, 400, "nothing pasted")

    # a good file: BOM, CRLF, semicolons, quotes, optional columns absent, a blank line
    good = ("\ufeffcode;name;unit_code;address\r\n"
            f"IT-K1{sfx};\"Hợp tác xã Chè \"\"Tân Uyên\"\"\";CD-TANPHONG;\"Xã A; tỉnh Lai Châu\"\r\n"
            f"IT-K2{sfx};{HOSTILE.replace(';', ',')};CDN-CONGTHUONG;\r\n"
            ";;;\r\n"
            f"IT-K3{sfx};Trạm y tế;LDLD-LAICHAU;\r\n")
    r = c.post("/admin/workplaces/import", [("csv", good)])
    t.eq(r.status, 303, f"a good CSV: {harness.short(r.text, 600)}")
    t.check("n=3" in (r.header("Location") or ""), f"three imported: {r.header('Location')!r}")
    rows = stack.rows("SELECT w.code, w.name, w.address, u.code AS unit FROM workplace w JOIN org_unit u ON u.id = w.unit_id "
                      "WHERE w.code LIKE :'p' ORDER BY w.code", p=f"IT-K_{sfx}")
    t.eq(rows, [{"code": f"IT-K1{sfx}", "name": 'Hợp tác xã Chè "Tân Uyên"', "address": "Xã A; tỉnh Lai Châu", "unit": "CD-TANPHONG"},
                {"code": f"IT-K2{sfx}", "name": HOSTILE.replace(";", ","), "address": None, "unit": "CDN-CONGTHUONG"},
                {"code": f"IT-K3{sfx}", "name": "Trạm y tế", "address": None, "unit": "LDLD-LAICHAU"}], "imported rows")
    t.eq(stack.value("SELECT count(*) FROM audit_log WHERE action = 'workplace.import' AND detail LIKE :'d'",
                     d=f"%IT-K1{sfx}%"), 1, "workplace.import audited")
    listed = c.get("/admin/workplaces?q=" + urllib.parse.quote(f"IT-K2{sfx}"))
    t.check(esc(HOSTILE.replace(";", ",")) in listed.text and "<script>alert(1)" not in listed.text, "imported names escaped")
    # the same file again: every line is now a duplicate
    r = c.post("/admin/workplaces/import", [("csv", good)])
    t.check(r.status == 400 and r.text.count("đã có trong cơ sở dữ liệu") == 3, f"importing twice: {r.status}")

    # the scope applies: a ward admin cannot import into another unit
    ward = _officer(t, stack, "CD-TANPHONG", "admin")
    r = ward.post("/admin/workplaces/import", [("csv", f"code,name,unit_code\nIT-L1{sfx},Xưởng,CDN-CONGTHUONG\n"
                                                       f"IT-L2{sfx},Xưởng,CD-TANPHONG\n")])
    t.check(r.status == 400 and re.search(r'<tr data-line="2">', r.text) and "Không có đơn vị" in r.text,
            "a unit outside the ward: refused like an unknown one")
    t.eq(stack.value("SELECT count(*) FROM workplace WHERE code LIKE :'p'", p=f"IT-L_{sfx}"), 0, "nothing imported")


def _data_url_svg(t, html_text):
    m = re.search(r'<img class="qr"[^>]*src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)"', html_text)
    t.require(m, "the poster holds the QR code as an SVG image")
    return m.group(0), base64.b64decode(m.group(1)).decode()


def _decode_in_chromium(t, img_tag):
    """Renders the poster's <img> in headless chromium and reads the screenshot with zbarimg."""
    with tempfile.TemporaryDirectory() as d:
        page = Path(d) / "qr.html"
        page.write_text(f"<!doctype html><html><body style=\"margin:20px;background:#fff\">{img_tag}</body></html>")
        shot = Path(d) / "qr.png"
        p = subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", f"--user-data-dir={d}/profile",
                            f"--screenshot={shot}", "--window-size=800,800", page.as_uri()],
                           capture_output=True, timeout=90)
        if not shot.exists():
            t.skip(f"chromium made no screenshot ({p.returncode}): {p.stderr.decode(errors='replace')[-300:]}")
        z = subprocess.run(["zbarimg", "--raw", "-q", "--nodbus", str(shot)], capture_output=True, timeout=20)
        return z.stdout.decode(errors="replace").strip()


def test_console_org_poster(t, stack):
    c = _province(t, stack)
    token, name, label = next((tk, n, lb) for tk, n, lb in stack.demo if "Tân Phong" in n)
    eid = stack.value("SELECT id FROM entry_point WHERE token = :'t'", t=token)
    r = c.get(f"/admin/qr/{eid}/poster")
    t.eq(r.status, 200, "GET the poster")
    url = f"HTTP://127.0.0.1:{stack.port}/Q/{token}"
    t.check(url in r.text, "the poster carries the upper-case URL")
    t.check(f"127.0.0.1:{stack.port}/q/{token}" in r.text, "and the short URL to type")
    t.check(HOTLINE in r.text, "the union hotline (the province's, nearest ancestor with one)")
    t.check(esc(name) in r.text and esc(label) in r.text, "the workplace and where the code hangs")
    for words in ("ẩn danh", "Trù dập người phản ánh là vi phạm pháp luật", "Tâm tư, kiến nghị", "Nợ lương"):
        t.check(words in r.text, f"the poster says {words!r}")
    t.check('<html lang="vi"' in r.text and re.search(r'href="/static/[0-9a-f]+/poster\.css"', r.text), "Vietnamese, with versioned poster.css")
    t.check(" style=" not in r.text and "<style" not in r.text and "<script" not in r.text, "no inline style or script (CSP)")
    css = stack.get("/static/poster.css")
    t.check(css.status == 200 and "@page" in css.text and "A4" in css.text and "page-break-after" in css.text,
            f"poster.css is served with the A4 page rules: {css.status}")
    img, svg = _data_url_svg(t, r.text)
    t.check(svg.startswith("<svg") and "<script" not in svg, "the embedded SVG is a plain QR drawing")
    t.eq(_decode_in_chromium(t, img), url, "the poster's QR code, drawn by chromium, decodes to the URL")

    # the batch: one poster per active code under the unit
    province = _unit_id(stack, "LDLD-LAICHAU")
    under = ("SELECT count(*) FROM entry_point e JOIN workplace w ON w.id = e.workplace_id JOIN org_unit u ON u.id = w.unit_id, "
             "org_unit p WHERE p.id = :'p' AND u.path LIKE p.path || '%' AND e.revoked_at IS NULL")
    want = stack.value(under, p=province)
    batch = c.get(f"/admin/units/{province}/posters")
    t.eq(batch.status, 200, "GET the batch")
    t.eq(batch.text.count('<article class="poster"'), want, "one poster per active QR code")
    ward_unit = _unit_id(stack, "CD-TANPHONG")
    want_ward = stack.value(under, p=ward_unit)
    t.eq(c.get(f"/admin/units/{ward_unit}/posters").text.count('<article class="poster"'), want_ward, "the ward's batch")

    # the CLI prints the same document
    p = stack.admin("qr", "poster", "--unit", "LDLD-LAICHAU")
    out = p.stdout.decode(errors="replace")
    t.check(p.returncode == 0 and out.startswith("<!doctype html>"), f"qr poster --unit: exit {p.returncode} {p.stderr!r}")
    t.eq(out.count('<article class="poster"'), want, "qr poster: one poster per active QR code")
    t.check(url in out and HOTLINE in out and re.search(re.escape(stack.base) + r"/static/[0-9a-f]+/poster\.css", out), "with URL, hotline and the stylesheet")
    p = stack.admin("qr", "poster", token.lower())
    t.check(p.returncode == 0 and p.stdout.decode().count('<article class="poster"') == 1, f"qr poster TOKEN: {p.returncode}")
    for args in (("qr", "poster", "--unit", "NO-SUCH"), ("qr", "poster"), ("qr", "poster", "ZZZZZZZZZZZZ"),
                 ("qr", "poster", "--unit", "LDLD-LAICHAU", token)):
        p = stack.admin(*args)
        t.check(p.returncode == 2 and p.stdout == b"" and p.stderr, f"{' '.join(args)}: exit {p.returncode}, want 2")


def test_console_org_scope(t, stack):
    logins = harness.demo_logins(stack)
    ward = harness.console_login(stack, "demo.tanphong", logins["demo.tanphong"])
    t.require(ward.cookie, "the ward officer signs in")
    che = stack.value("SELECT id FROM workplace WHERE code = 'CHE-TAMDUONG'")
    may = stack.value("SELECT id FROM workplace WHERE code = 'MAY-TANPHONG'")
    che_ep = stack.value("SELECT min(id) FROM entry_point WHERE workplace_id = :'w' AND revoked_at IS NULL", w=che)
    sector = _unit_id(stack, "CDN-CONGTHUONG")
    ward_unit = _unit_id(stack, "CD-TANPHONG")
    province = _unit_id(stack, "LDLD-LAICHAU")
    t.eq(ward.get(f"/admin/workplaces/{may}").status, 200, "own workplace")
    for path in (f"/admin/workplaces/{che}", f"/admin/qr/{che_ep}/poster", f"/admin/qr/{che_ep}/png", f"/admin/qr/{che_ep}/svg",
                 f"/admin/units/{sector}", f"/admin/units/{sector}/posters", f"/admin/units/{province}",
                 "/admin/workplaces/99999999", "/admin/qr/99999999/poster"):
        r = ward.get(path)
        t.eq(r.status, 404, f"ward officer GET {path}")
        t.check("Chè" not in r.text, f"{path}: nothing leaks")
    t.check("Chè Tam Đường" not in ward.get("/admin/workplaces").text, "the list stays in the ward")
    t.check("Công Thương" not in ward.get("/admin/units").text, "so does the tree")

    # an admin of the ward: still nothing outside it
    wadmin = _officer(t, stack, "CD-TANPHONG", "admin")
    sub = f"IT-S{_sfx()}"
    sid = _location_id(t, wadmin.post("/admin/units", [("parent", str(ward_unit)), ("code", sub), ("name", "CĐCS thử"),
                                                       ("kind", "grassroots"), ("hotline", "")]), "/admin/units/")
    t.eq(wadmin.post("/admin/units", [("parent", str(sector)), ("code", f"{sub}X"), ("name", "x"), ("kind", "grassroots"),
                                      ("hotline", "")]).status, 400, "a new unit under another unit's: refused")
    for path, pairs in [(f"/admin/units/{sector}", [("action", "reparent"), ("parent", str(ward_unit))]),
                        (f"/admin/units/{sector}", [("action", "update"), ("name", "x"), ("hotline", "")]),
                        (f"/admin/units/{sector}", [("action", "merge"), ("into", str(ward_unit)), ("confirm", "1")]),
                        (f"/admin/workplaces/{che}", [("action", "qr_create"), ("label", "x"), ("forms", "concern")]),
                        (f"/admin/qr/{che_ep}", [("action", "revoke")]), (f"/admin/qr/{che_ep}", [("action", "replace")])]:
        t.eq(wadmin.post(path, pairs).status, 404, f"ward admin POST {path} {pairs[0][1]}")
    r = wadmin.post(f"/admin/units/{sid}", [("action", "reparent"), ("parent", str(sector))])
    t.eq(r.status, 400, "moving a ward unit under a unit outside the ward")
    t.eq(wadmin.post(f"/admin/units/{sid}", [("action", "merge"), ("into", str(sector)), ("confirm", "1")]).status, 400,
         "merging a ward unit into a unit outside the ward")
    t.eq(wadmin.post(f"/admin/units/{ward_unit}", [("action", "reparent"), ("parent", str(sid))]).status, 400,
         "the ward admin's own unit cannot be moved")
    t.eq(stack.rows("SELECT parent_id, status FROM org_unit WHERE id = :'i'", i=sid),
         [{"parent_id": ward_unit, "status": "active"}], "unchanged")
    t.eq(stack.value("SELECT revoked_at IS NULL FROM entry_point WHERE id = :'i'", i=che_ep), True, "CHE's code untouched")
    t.eq(_audited(stack, "unit.create", f"unit:{sid}"), 1, "the ward admin's change is audited")

    # re-parenting moves access at once; reports keep their unit
    _, idem = stack.submit(next(tk for tk, n, _ in stack.demo if "Tân Phong" in n), [("text", "Phản ánh ở xưởng may.")])
    sector_officer = _officer(t, stack, "CDN-CONGTHUONG", "officer")
    t.eq(sector_officer.get(f"/admin/workplaces/{may}").status, 404, "before: the sector officer does not see the ward")
    c = _province(t, stack)
    try:
        t.eq(c.post(f"/admin/units/{ward_unit}", [("action", "reparent"), ("parent", str(sector))]).status, 303,
             "the province moves the ward under the sector union")
        t.eq(sector_officer.get(f"/admin/workplaces/{may}").status, 200, "after: the sector officer sees it at once")
        t.eq(sector_officer.get(f"/admin/units/{sid}").status, 200, "and the units below the ward")
        t.eq(ward.get(f"/admin/workplaces/{may}").status, 200, "the ward officer still sees their own")
        t.eq(stack.value("SELECT unit_id FROM submission WHERE idempotency_key = :'k'", k=idem), ward_unit,
             "the report keeps the unit it was filed under")
        t.eq(stack.value("SELECT count(*) FROM audit_log WHERE action = 'unit.reparent' AND object = :'o' "
                         "AND detail LIKE '%LDLD-LAICHAU -> CDN-CONGTHUONG'", o=f"unit:{ward_unit}"), 1, "audited")
    finally:
        r = c.post(f"/admin/units/{ward_unit}", [("action", "reparent"), ("parent", str(province))])
        t.eq(r.status, 303, "and back under the province")
    t.eq(sector_officer.get(f"/admin/workplaces/{may}").status, 404, "back: out of the sector officer's sight again")


def test_console_org_cli(t, stack):
    sfx = _sfx()
    with tempfile.TemporaryDirectory() as d:
        good = Path(d) / "good.csv"
        good.write_bytes(("\ufeffcode,name,unit_code,tax_code,address\r\n"
                          f"IT-C1{sfx},Công ty Cổ phần Thủy sản,CD-TANPHONG,6200777777,\"Phường Tân Phong, Lai Châu\"\r\n"
                          f"IT-C2{sfx},Nhà máy Xi măng,CDN-CONGTHUONG,,\r\n").encode())
        p = stack.admin("workplace", "import", str(good))
        t.check(p.returncode == 0 and b"2 workplace(s) imported" in p.stdout, f"workplace import: {p.returncode} {p.stderr!r}")
        t.eq(stack.value("SELECT count(*) FROM workplace WHERE code IN (:'a', :'b')", a=f"IT-C1{sfx}", b=f"IT-C2{sfx}"), 2,
             "both imported")
        p = stack.admin("workplace", "import", str(good))
        t.eq(p.returncode, 2, "importing the same file again")
        t.check(p.stderr.decode().count("already in the database") == 2, f"each line named: {p.stderr!r}")
        bad = Path(d) / "bad.csv"
        bad.write_bytes(b"code,name,unit_code\n"
                        + f"IT-C3{sfx},Xưởng tốt,CD-TANPHONG\n".encode()
                        + f"IT-C4{sfx},X\xfdng c\xf4ng,CD-TANPHONG\n".encode("latin-1")
                        + f"IT-C5{sfx},Xưởng,NO-UNIT\n".encode()
                        + f"IT-C6{sfx},Xưởng\x01,CD-TANPHONG\n".encode())
        p = stack.admin("workplace", "import", str(bad))
        err = p.stderr.decode(errors="replace")
        t.eq(p.returncode, 2, "a file with bad lines: exit 2")
        for line, reason in ((3, "UTF-8"), (4, "Unknown unit"), (5, "control character")):
            t.check(re.search(rf"line {line}: .*{reason}", err), f"line {line} named with {reason!r}: {err!r}")
        t.check("line 2:" not in err and "nothing imported" in err, "only bad lines listed; nothing imported")
        t.eq(stack.value("SELECT count(*) FROM workplace WHERE code = :'c'", c=f"IT-C3{sfx}"), 0, "the good line is not imported")
        p = stack.admin("workplace", "import", str(Path(d) / "missing.csv"))
        t.check(p.returncode == 2 and p.stderr, f"a missing file: exit {p.returncode}")
        p = stack.admin("workplace", "import")
        t.eq(p.returncode, 2, "no file given")
        p = stack.admin("workplace", "import", "-", input=f"code,name,unit_code\nIT-C7{sfx},Từ stdin,CD-TANPHONG\n".encode())
        t.eq(p.returncode, 0, f"import from standard input: {p.stderr!r}")
    # hotlines
    unit = f"IT-HL{sfx}"
    p = stack.admin("unit", "add", "--code", unit, "--name", "Công đoàn có đường dây nóng", "--parent", "CD-TANPHONG",
                    "--hotline", "0213 3111 222")
    t.eq(p.returncode, 0, f"unit add --hotline: {p.stderr!r}")
    t.eq(stack.value("SELECT hotline FROM org_unit WHERE code = :'c'", c=unit), "0213 3111 222", "hotline stored")
    p = stack.admin("unit", "add", "--code", f"{unit}X", "--name", "x", "--hotline", "call me")
    t.eq(p.returncode, 2, "unit add with a bad hotline")
    t.eq(stack.value("SELECT count(*) FROM org_unit WHERE code = :'c'", c=f"{unit}X"), 0, "and no unit is added")
    t.eq(stack.admin("unit", "hotline", "--code", unit, "--hotline", "").returncode, 0, "unit hotline removes it")
    t.eq(stack.value("SELECT hotline FROM org_unit WHERE code = :'c'", c=unit), None, "removed")
    t.eq(stack.admin("unit", "hotline", "--code", "NO-SUCH", "--hotline", "0213").returncode, 2, "unit hotline, unknown unit")
    t.eq(stack.value("SELECT hotline FROM org_unit WHERE code = 'LDLD-LAICHAU'"), HOTLINE, "the demo province has its hotline")
