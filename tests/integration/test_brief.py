"""test_brief.py: the dialogue brief: Borda ranking, small counts shown as "dưới k", quotes, scope, bad input, audit."""
import datetime
import secrets
import re

import harness

CODE = "BRIEF-IT"
PHRASE = "số liệu dưới k người được ẩn để bảo vệ người phản ánh"
QUOTE = "Quản đốc hứa trả lương tháng Ba vào ngày 15 nhưng vẫn chưa trả."

# Five surveys; Borda points worked out by hand (points = options ranked − position):
#   S1 wages 3, meals 2, safety 1          S2 wages 3, safety 2, meals 1
#   S3 meals 2, wages 1                    S4 wages 4, hours 3, meals 2, safety 1
#   S5 safety 3, wages 2, meals 1
# wages 13 (5 people), meals 8 (5), safety 7 (4), hours 3 (1); the rest 0.
SURVEYS = [
    ([("wages", 1), ("meals", 2), ("safety", 3)], 10),
    ([("wages", 1), ("safety", 2), ("meals", 3)], 8),
    ([("meals", 1), ("wages", 2)], 6),
    ([("wages", 1), ("hours", 2), ("meals", 3), ("safety", 4)], 12),
    ([("safety", 1), ("wages", 2), ("meals", 3)], 9),
]


def _workplace(stack):
    """A workplace of its own under the sector union (outside the ward), with a QR code."""
    if not stack.rows("SELECT id FROM workplace WHERE code = :'c'", c=CODE):
        r = stack.admin("workplace", "add", "--code", CODE, "--name", "Công ty TNHH Thử Bản Tóm Tắt",
                        "--unit", "CDN-CONGTHUONG")
        if r.returncode != 0:
            raise harness.Failure(f"workplace add: {r.stderr.decode()}")
    wid = stack.value("SELECT id FROM workplace WHERE code = :'c'", c=CODE)
    r = stack.admin("qr", "create", "--workplace", CODE, "--label", "Bảng tin")
    if r.returncode != 0:
        raise harness.Failure(f"qr create: {r.stderr.decode()}")
    token = r.stdout.decode().strip().splitlines()[-1].rsplit("/", 1)[-1]
    return wid, token


def _survey(t, stack, token, ranking, rise):
    fields = [(f"priorities:{o}", str(p)) for o, p in ranking] + [("wage_rise", str(rise))]
    r, _ = stack.submit(token, fields, form_id="bargaining_survey")
    t.require(harness.receipt_of(r), f"survey stored: {r.status} {r.text[:300]}")


def _options(page):
    return re.findall(r'<tr data-option="([a-z_]+)">', page)


def _cell(page, label):
    """The value next to a row label of a figures table, or None."""
    m = re.search(r'<th scope="row">' + re.escape(harness.esc(label)) + r'</th><td class="num">([^<]*)</td>', page)
    return m.group(1) if m else None


def test_brief(t, stack):
    logins = harness.demo_logins(stack)
    wid, token = _workplace(stack)
    today = datetime.datetime.now(datetime.timezone(datetime.timedelta(hours=7))).date()
    frm, to = (today - datetime.timedelta(days=30)).isoformat(), (today + datetime.timedelta(days=1)).isoformat()
    url = f"/admin/brief?workplace={wid}&from={frm}&to={to}"
    c = harness.console_login(stack, "demo.tinh", logins["demo.tinh"])
    t.require(c.cookie, "the province officer signs in")

    chooser = c.get("/admin/brief")
    t.eq(chooser.status, 200, "the chooser")
    t.check(f'value="{wid}"' in chooser.text, "the chooser offers the workplace")

    for ranking, rise in SURVEYS[:4]:
        _survey(t, stack, token, ranking, rise)
    r = c.get(url)
    t.require(r.status == 200, f"brief with 4 surveys: {r.status} {r.text[:500]}")
    t.check(PHRASE in r.text, "the page states the protection rule")
    t.check("k = 5" in r.text, "and k")
    t.check(f"từ {frm[8:10]}/{frm[5:7]}/{frm[:4]} đến {to[8:10]}/{to[5:7]}/{to[:4]}" in r.text, "and the period")
    t.check(harness.esc("Công ty TNHH Thử Bản Tóm Tắt") in r.text, "and the workplace")
    t.check(re.search(r'href="/static/[0-9a-f]+/brief\.css"', r.text), "the print stylesheet is linked, versioned")
    t.eq(_options(r.text), [], "4 surveys, k=5: no ranking rows")
    t.check("Thứ tự ưu tiên được ẩn" in r.text, "4 surveys, k=5: the ranking is said to be hidden")
    t.eq(_cell(r.text, "Số phiếu có xếp hạng"), "dưới 5", "4 surveys: their number is hidden too")
    t.eq(_cell(r.text, "Mức tăng lương mong muốn, trung bình"), "dưới 5", "an average of 4 answers is hidden")
    t.check("Không trích dẫn" in r.text, "4 reports: no quotes")
    r3 = c.get(url + "&k=3")
    # S1–S4 alone: wages 11 (4 people), meals 7 (4), safety 4 (3), hours 3 (1)
    t.eq(_options(r3.text)[:4], ["wages", "meals", "safety", "bonuses"], "4 surveys, k=3: the ranking shows")

    _survey(t, stack, token, *SURVEYS[4])
    r = c.get(url)
    opts = _options(r.text)
    t.eq(opts[:2], ["wages", "meals"], "5 surveys, k=5: the Borda order of topics ranked by 5 or more")
    t.eq(opts[2:], ["bonuses", "hours", "rest", "job_security", "safety", "gender", "harassment", "housing",
                    "transport"], "topics ranked by fewer than 5 follow in the survey's order, whatever their points")
    m = re.search(r'<tr data-option="wages"><td>1</td><td>[^<]*</td><td class="num">(\d+)</td><td class="num">(\d+)</td>',
                  r.text)
    t.check(m and m.groups() == ("13", "5"), f"wages: 13 points from 5 people: {m and m.groups()}")
    m = re.search(r'<tr data-option="meals"><td>2</td><td>[^<]*</td><td class="num">(\d+)</td>', r.text)
    t.check(m and m.group(1) == "8", f"meals: 8 points: {m and m.group(1)}")
    m = re.search(r'<tr data-option="safety"><td>—</td><td>[^<]*</td><td class="num">([^<]*)</td><td class="num">([^<]*)</td>',
                  r.text)
    t.check(m and m.groups() == ("dưới 5", "dưới 5"), f"safety, ranked by 4: points hidden: {m and m.groups()}")
    r3 = c.get(url + "&k=3")
    m = re.search(r'<tr data-option="safety"><td>3</td><td>[^<]*</td><td class="num">([^<]*)</td>', r3.text)
    t.check(m and m.group(1) == "7", f"k=3: safety's 7 points shown, third: {m and m.group(1)}")
    t.eq(_options(r3.text)[:4], ["wages", "meals", "safety", "bonuses"], "k=3: hours (1 person) is not ranked")
    t.eq(_cell(r.text, "Mức tăng lương mong muốn, trung bình"), "9,0 %", "average wage rise of 5 answers")

    # concerns: wages 6 (shown), safety 2 (hidden)
    ids = []
    for i in range(6):
        text = QUOTE if i == 0 else f"Lương trả chậm, lần {i}."
        rr, idem = stack.submit(token, [("category", "wages"), ("text", text)])
        t.require(harness.receipt_of(rr), f"concern stored: {rr.status}")
        ids.append(stack.value("SELECT id FROM submission WHERE idempotency_key = :'k'", k=idem))
    for i in range(2):
        rr, _ = stack.submit(token, [("category", "safety"), ("text", f"Máy cắt không có che chắn {i}.")])
        t.require(harness.receipt_of(rr), "concern stored")
    other = next(tk for tk, name, _ in stack.demo if "Tân Phong" in name)
    rr, idem = stack.submit(other, [("category", "wages"), ("text", "Ở nơi khác, không được trích dẫn ở đây.")])
    foreign = stack.value("SELECT id FROM submission WHERE idempotency_key = :'k'", k=idem)

    r = c.get(url + f"&quote={ids[0]}&quote={foreign}")
    t.eq(r.status, 200, "brief with quotes")
    t.eq(_cell(r.text, "Tiền lương, thưởng"), "6", "a category with 6 reports")
    t.eq(_cell(r.text, "An toàn, vệ sinh lao động"), "dưới 5", "a category with 2 reports shows 'dưới 5'")
    t.eq(_cell(r.text, "Quấy rối, phân biệt đối xử"), "dưới 5", "an empty category looks the same")
    t.eq(_cell(r.text, "Tâm tư, kiến nghị"), "8", "reports by form: concerns")
    t.eq(_cell(r.text, "Tổng"), "13", "reports by form: total")
    t.check(harness.esc(QUOTE) in r.text, "the chosen quote is shown (13 reports ≥ k)")
    t.check("Ở nơi khác" not in r.text, "a report of another workplace is never quoted")
    r20 = c.get(url + f"&k=20&quote={ids[0]}")
    t.eq(r20.status, 200, "k=20 is allowed")
    t.check(harness.esc(QUOTE) not in r20.text and "Không trích dẫn" in r20.text, "13 reports, k=20: no quotes")
    t.eq(_cell(r20.text, "Tiền lương, thưởng"), "dưới 20", "k=20: 6 reports hidden")
    t.eq(_options(r20.text), [], "k=20: the ranking of 5 hidden")

    n = stack.value("SELECT count(*) FROM audit_log WHERE action = 'brief.view' AND object = :'o'", o=f"workplace:{wid}")
    t.check(int(n) >= 5, f"every view is audited: {n}")
    d = stack.value("SELECT detail FROM audit_log WHERE action = 'brief.view' ORDER BY id DESC LIMIT 1")
    t.check(frm in d and to in d and "k=20" in d, f"the audit row names the period and k: {d!r}")

    # bad input
    for q, what in ((f"&k=2", "k below 3"), ("&k=0", "k = 0"), ("&k=21", "k above 20"), ("&k=abc", "k not a number"),
                    ("&quote=x", "a quote that is not a number")):
        rr = c.get(url + q)
        t.eq(rr.status, 400, what)
    rr = c.get(url + "&k=2")
    t.check("3 đến 20" in rr.text, "k below 3: the page says why")
    for q, what in ((f"workplace={wid}&from=2025-02-30&to={to}", "an impossible date"),
                    (f"workplace={wid}&from={to}&to={frm}", "from after to"),
                    (f"workplace={wid}&from=01/02/2025&to={to}", "a date in another format"),
                    (f"workplace={wid}&to={to}", "no first day"),
                    (f"workplace=abc&from={frm}&to={to}", "a workplace that is not a number")):
        t.eq(c.get("/admin/brief?" + q).status, 400, what)
    t.eq(c.get(f"/admin/brief?workplace=99999999&from={frm}&to={to}").status, 404, "an unknown workplace")

    # scope: the ward officer
    ward = harness.console_login(stack, "demo.tanphong", logins["demo.tanphong"])
    t.require(ward.cookie, "the ward officer signs in")
    rw = ward.get(url)
    t.eq(rw.status, 404, "a workplace outside the ward: 404")
    t.check("Thử Bản Tóm Tắt" not in rw.text, "and nothing of it shows")
    own = stack.value("SELECT id FROM workplace WHERE code = 'MAY-TANPHONG'")
    t.eq(ward.get(f"/admin/brief?workplace={own}&from={frm}&to={to}").status, 200, "the ward's own workplace")

    css = stack.get("/static/brief.css")
    t.eq(css.status, 200, "the print stylesheet is served")
    t.check("size:A4" in css.text and "body.admin>header" in css.text, "A4, console header hidden in print")


def _viewer(t, stack):
    """A new viewer of the ward, made with the CLI and signed in."""
    user = f"it.brief.viewer.{secrets.token_hex(3)}"
    pw = secrets.token_urlsafe(15)
    p = stack.admin("officer", "add", "--username", user, "--unit", "CD-TANPHONG", "--role", "viewer",
                    input=(pw + "\n").encode())
    t.require(p.returncode == 0, f"officer add {user}: {p.stderr.decode(errors='replace')}")
    c = harness.console_login(stack, user, pw)
    t.require(c.cookie, f"{user} signs in: {c.login_response.status}")
    return c


def _report(t, stack, workplace_code):
    """A concern sent through a new QR code of the workplace; its id."""
    r = stack.admin("qr", "create", "--workplace", workplace_code, "--label", "Cổng")
    t.require(r.returncode == 0, f"qr create: {r.stderr.decode(errors='replace')}")
    token = r.stdout.decode().strip().splitlines()[-1].rsplit("/", 1)[-1]
    resp, _ = stack.submit(token, [("category", "wages"), ("text", "Thử các đường dẫn của phản ánh.")])
    rc = harness.receipt_of(resp)
    t.require(rc, f"concern stored: {resp.status} {resp.text[:300]}")
    return stack.value("SELECT max(s.id) FROM submission s JOIN workplace w ON w.id = s.workplace_id "
                       "WHERE w.code = :'c'", c=workplace_code)


def test_report_routes(t, stack):
    """The reports' sub-routes are rows of the route table: ids matched there, methods and roles decided there."""
    logins = harness.demo_logins(stack)
    c = harness.console_login(stack, "demo.tinh", logins["demo.tinh"])
    t.require(c.cookie, "the province admin signs in")
    _workplace(stack)
    sid = _report(t, stack, CODE)
    t.eq(c.get(f"/admin/s/{sid}").status, 200, "a report by its id")
    for path, what in ((f"/admin/s/{sid}x", "an id with a tail"), ("/admin/s/abc", "an id that is not a number"),
                       ("/admin/s/", "no id"), (f"/admin/s/{sid}/", "a trailing slash"),
                       ("/admin/s/" + "9" * 19, "19 digits"),
                       ("/admin/photo/abc", "a photo id that is not a number"), ("/admin/photo/", "no photo id"),
                       ("/admin/enter/x", "a tail after /admin/enter"), ("/admin/enterx", "/admin/enter as a mere prefix")):
        t.eq(c.get(path).status, 404, what)
    t.eq(c.get("/admin/s/" + "9" * 18).status, 404, "18 digits, no such report")
    t.eq(c.post("/admin/photo/1", []).status, 405, "POST to a photo")
    t.eq(stack.request("PUT", f"/admin/s/{sid}", headers=c._headers()).status, 405, "PUT to a report")
    t.eq(stack.request("DELETE", "/admin/enter", headers=c._headers()).status, 405, "DELETE to the entry page")
    t.eq(c.post(f"/admin/s/{sid}", [("action", "bogus")]).status, 400, "an unknown action")
    t.eq(c.post(f"/admin/s/{sid}", [("action", "status"), ("status", "closed")]).status, 400, "an unknown status")
    t.eq(c.post(f"/admin/s/{sid}", [("action", "note"), ("body", " \n ")]).status, 400, "an empty note")

    # roles are on the rows: a viewer reads a report but neither acts on it nor enters one
    v = _viewer(t, stack)
    ward_sid = _report(t, stack, "MAY-TANPHONG")
    before = stack.value("SELECT status FROM submission WHERE id = :'i'", i=ward_sid)
    page = v.get(f"/admin/s/{ward_sid}")
    t.eq(page.status, 200, "a viewer reads a report of their unit")
    t.check('name="action" value="status"' not in page.text, "without the status form")
    r = v.post(f"/admin/s/{ward_sid}", [("action", "status"), ("status", "spam")])
    t.eq(r.status, 403, "a viewer's POST to a report")
    t.eq(stack.value("SELECT status FROM submission WHERE id = :'i'", i=ward_sid), before, "and the status is unchanged")
    t.eq(v.get("/admin/enter").status, 403, "a viewer on the entry page")
    t.eq(v.post("/admin/enter", [("workplace", "1"), ("form", "concern"), ("channel", "phone")]).status, 403,
         "a viewer's entry")
    t.eq(v.get(f"/admin/s/{sid}").status, 404, "a report outside the viewer's unit")
