"""test_agree.py: the register of collective labour agreements (issue 14 part a): `agreement add|list`, /admin/agreements
with its PDF, bad input named and nothing stored, scope (404 and row-level security), expiry in the deadline panel, and
the agreements.* indicators of `export stats` with the dates they must give."""
import datetime
import hashlib
import json
import os
import tempfile

import harness
import test_brief
import test_case_attachments as docs

WP_OWN = "MAY-TANPHONG"      # demo.tanphong's scope (CD-TANPHONG)
WP_OTHER = "CHE-TAMDUONG"    # under CDN-CONGTHUONG: outside demo.tanphong's scope


def _today():
    return (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=7)).date()


def _iso(d):
    return d.isoformat()


def _count(stack, code=None):
    if code is None:
        return stack.value("SELECT count(*) FROM collective_agreement")
    return stack.value("SELECT count(*) FROM collective_agreement c JOIN workplace w ON w.id = c.workplace_id "
                       "WHERE w.code = :'c'", c=code)


def _wid(stack, code):
    return str(stack.value("SELECT id FROM workplace WHERE code = :'c'", c=code))


def _file(data, suffix=".pdf"):
    f = tempfile.NamedTemporaryFile(suffix=suffix, delete=False)
    f.write(data)
    f.close()
    return f.name


def _refused(t, stack, p, option, what):
    """The CLI refused (exit 2) naming `option`, and nothing was stored."""
    err = p.stderr.decode(errors="replace")
    t.eq(p.returncode, 2, f"{what}: exit 2 ({err.strip()!r})")
    t.check(option in err, f"{what}: the error names {option}: {err!r}")


def test_agreement_cli(t, stack):
    pdf = docs.make_pdf("Thoa uoc lao dong tap the")
    path = _file(pdf)
    fake = _file(b"%PDF-1.4\n<html><script>alert(1)</script></html>\n")
    html = _file(b"<!doctype html><html><body>not a pdf</body></html>")
    try:
        before = _count(stack)
        ok = stack.admin("agreement", "add", "--workplace", WP_OWN, "--signed", "2025-12-20", "--effective", "2026-01-01",
                         "--expires", "2028-12-31", "--rating", "B", "--file", path)
        t.require(ok.returncode == 0, f"agreement add: {ok.stderr.decode(errors='replace')}")
        row = stack.rows("SELECT c.signed_on::text AS s, c.effective_on::text AS e, c.expires_on::text AS x, c.rating, "
                         "encode(c.sha256, 'hex') AS sha, c.size, c.filename, c.officer_id FROM collective_agreement c "
                         "JOIN workplace w ON w.id = c.workplace_id WHERE w.code = :'c' ORDER BY c.id DESC LIMIT 1", c=WP_OWN)[0]
        t.eq((row["s"], row["e"], row["x"], row["rating"]), ("2025-12-20", "2026-01-01", "2028-12-31", "B"), "stored dates and rating")
        t.eq((row["sha"], row["size"]), (hashlib.sha256(pdf).hexdigest(), len(pdf)), "the PDF kept byte-exact with its sha256")
        t.check(row["filename"].endswith(".pdf"), f"a stored name: {row['filename']!r}")
        t.eq(stack.value("SELECT count(*) FROM audit_log WHERE action = 'agreement.add'") >= 1, True, "audited")
        t.eq(_count(stack), before + 1, "one row added")

        n = _count(stack)
        base = ["agreement", "add", "--workplace", WP_OWN]
        cases = [
            (base + ["--signed", "2026-01-01", "--effective", "2026-02-01", "--expires", "2026-01-15"], "--expires",
             "expires before effective"),
            (base + ["--signed", "2026-01-01", "--effective", "2026-02-01", "--expires", "2026-02-01"], "--expires",
             "expires on the effective day"),
            (base + ["--signed", "2026-03-01", "--effective", "2026-02-01", "--expires", "2027-02-01"], "--effective",
             "effective before signed"),
            (base + ["--signed", "2026-02-30", "--effective", "2026-03-01", "--expires", "2027-03-01"], "--signed",
             "a date that does not exist"),
            (base + ["--signed", "", "--effective", "2026-03-01", "--expires", "2027-03-01"], "--signed", "an empty date"),
            (base + ["--signed", "2026-01-01", "--effective", "2026-01-01", "--expires", "2027-01-01", "--rating", "E"],
             "--rating", "a rating outside A-D"),
            (base + ["--signed", "2026-01-01", "--effective", "2026-01-01", "--expires", "2027-01-01", "--rating", "a"],
             "--rating", "a lower-case rating"),
            (base + ["--signed", "2026-01-01", "--effective", "2026-01-01", "--expires", "2027-01-01", "--rating", ""],
             "--rating", "an empty rating"),
            (base + ["--signed", "2026-01-01", "--effective", "2026-01-01", "--expires", "2027-01-01", "--file", html],
             "--file", "a web page as the PDF"),
            (base + ["--signed", "2026-01-01", "--effective", "2026-01-01", "--expires", "2027-01-01", "--file", fake],
             "--file", "a page that only starts with %PDF-"),
            (base + ["--signed", "2026-01-01", "--effective", "2026-01-01", "--expires", "2027-01-01", "--file",
                     "/nonexistent/x.pdf"], "--file", "a missing file"),
            (["agreement", "add", "--workplace", "'; DROP TABLE collective_agreement; --", "--signed", "2026-01-01",
              "--effective", "2026-01-01", "--expires", "2027-01-01"], "--workplace", "an unknown (hostile) workplace code"),
            (["agreement", "add", "--signed", "2026-01-01", "--effective", "2026-01-01", "--expires", "2027-01-01"],
             "--workplace", "no workplace"),
            (base + ["--signed", "<script>alert(1)</script>", "--effective", "2026-01-01", "--expires", "2027-01-01"],
             "--signed", "markup as a date"),
            (base + ["--signed", "2026-01-01" * 1000, "--effective", "2026-01-01", "--expires", "2027-01-01"],
             "--signed", "a huge date"),
        ]
        for args, option, what in cases:
            _refused(t, stack, stack.admin(*args), option, what)
        p = stack.admin(*base, "--signed", b"\xff\xfe".decode("latin-1"), "--effective", "2026-01-01", "--expires", "2027-01-01")
        _refused(t, stack, p, "--signed", "a date that is not UTF-8")
        t.eq(_count(stack), n, "nothing stored by any refused add")
        t.eq(stack.value("SELECT count(*) FROM pg_tables WHERE tablename = 'collective_agreement'"), 1, "the table is still there")
    finally:
        for f in (path, fake, html):
            os.unlink(f)

    # list: JSON and CSV, --unit, --expiring-within
    soon = _expiring_soon(t, stack, WP_OTHER)
    j = stack.admin("agreement", "list", "--format", "json")
    t.require(j.returncode == 0, f"agreement list: {j.stderr.decode(errors='replace')}")
    rows = json.loads(j.stdout)
    t.check({"workplace": WP_OWN, "signed": "2025-12-20", "effective": "2026-01-01", "expires": "2028-12-31", "rating": "B"} in rows,
            f"the JSON list holds the agreement with exactly its keys: {rows}")
    t.check(all(sorted(r) == ["effective", "expires", "rating", "signed", "workplace"] for r in rows), "every row has the five keys")
    t.check(any(r["workplace"] == WP_OTHER and r["rating"] is None for r in rows), "an ungraded agreement's rating is null")
    within = json.loads(stack.admin("agreement", "list", "--expiring-within", "90", "--format", "json").stdout)
    t.check(any(r["workplace"] == WP_OTHER and r["expires"] == soon for r in within), f"expiring within 90 days: {within}")
    t.check(not any(r["expires"] == "2028-12-31" for r in within), "an agreement expiring in 2028 is not within 90 days")
    within = json.loads(stack.admin("agreement", "list", "--expiring-within", "29", "--format", "json").stdout)
    t.check(not any(r["workplace"] == WP_OTHER and r["expires"] == soon for r in within), "30 days is not within 29")
    unit = json.loads(stack.admin("agreement", "list", "--unit", "CD-TANPHONG", "--format", "json").stdout)
    t.check(unit and all(r["workplace"] == WP_OWN for r in unit), f"--unit CD-TANPHONG: only its workplaces: {unit}")
    csv = stack.admin("agreement", "list", "--unit", "CD-TANPHONG", "--format", "csv")
    lines = csv.stdout.decode().split("\r\n")
    t.eq(lines[0], "workplace,signed,effective,expires,rating", "the CSV header")
    t.check(f"{WP_OWN},2025-12-20,2026-01-01,2028-12-31,B" in lines, f"the CSV row: {lines}")
    _refused(t, stack, stack.admin("agreement", "list", "--format", "xml"), "--format", "an unknown format")
    _refused(t, stack, stack.admin("agreement", "list", "--expiring-within", "abc"), "--expiring-within", "days not a number")
    _refused(t, stack, stack.admin("agreement", "list", "--expiring-within", "-5"), "--expiring-within", "negative days")
    _refused(t, stack, stack.admin("agreement", "list", "--unit", "NO-SUCH-UNIT"), "--unit", "an unknown unit")


def _post(c, fields, files):
    body, ctype = docs.multipart(fields + [("_csrf", c.csrf)], files)
    return c.stack.post("/admin/agreements", body, ctype=ctype, headers=c._headers())


def _fields(wid, signed="2026-01-05", effective="2026-01-10", expires="2027-01-10", rating="A"):
    return [("workplace", wid), ("signed", signed), ("effective", effective), ("expires", expires), ("rating", rating)]


def _form_back(t, r, field, typed, what):
    """A 400 page with the error beside `field` and every typed value kept."""
    t.eq(r.status, 400, f"{what}: 400")
    page = harness.parse_html(r.text)
    t.check(page.by_id.get(f"e-f-agreement-{field}"), f"{what}: the error beside {field}")
    for name, value in typed:
        if name in ("signed", "effective", "expires"):
            t.eq(page.inputs.get(name), value, f"{what}: {name} kept")


def _expiring_soon(t, stack, code, days=30):
    """An agreement of workplace `code` that expires `days` from today; its expiry day."""
    soon = _today() + datetime.timedelta(days=days)
    start = _iso(soon - datetime.timedelta(days=700))
    p = stack.admin("agreement", "add", "--workplace", code, "--signed", start, "--effective", start, "--expires", _iso(soon))
    t.require(p.returncode == 0, f"agreement add (expiring soon): {p.stderr.decode(errors='replace')}")
    return _iso(soon)


def test_agreement_console(t, stack):
    # runs alone too: an agreement of each workplace, the other unit's expiring in 30 days
    t.require(stack.admin("agreement", "add", "--workplace", WP_OWN, "--signed", "2025-01-01", "--effective", "2025-01-01",
                          "--expires", "2029-01-01").returncode == 0, "an agreement of the ward's workplace")
    _expiring_soon(t, stack, WP_OTHER)
    c = harness.demo_console(t, stack, "demo.tanphong")
    page = c.get("/admin/agreements")
    t.eq(page.status, 200, "the register opens")
    t.check("Thỏa ước lao động tập thể" in page.text, "its heading")
    own, other = _wid(stack, WP_OWN), _wid(stack, WP_OTHER)
    t.check(f'data-workplace="{WP_OWN}"' in page.text, "the officer's workplace's agreement is listed")
    t.check(f'data-workplace="{WP_OTHER}"' not in page.text, "another unit's agreement is not")

    pdf = docs.make_pdf("Thoa uoc 2026")
    n = _count(stack)
    r = _post(c, _fields(own), [("file", "thoa-uoc.pdf", pdf)])
    t.eq(r.status, 303, f"a good agreement is registered: {harness.short(r.text)}")
    t.eq(_count(stack), n + 1, "one row")
    aid = str(stack.value("SELECT max(id) FROM collective_agreement"))
    t.eq(stack.value("SELECT o.username FROM collective_agreement c JOIN officer o ON o.id = c.officer_id WHERE c.id = :'i'",
                     i=aid), "demo.tanphong", "the officer who registered it")
    d = c.get(f"/admin/agreement-file/{aid}")
    t.eq((d.status, d.body), (200, pdf), "the PDF downloads byte-exact")
    t.check((d.header("Content-Type") or "").startswith("application/pdf"), f"as a PDF: {d.header('Content-Type')}")
    t.check("attachment" in (d.header("Content-Disposition") or ""), "as an attachment")

    n = _count(stack)
    bad = [
        (_fields(own, expires="2026-01-01"), [], "expires", "expires before effective"),
        (_fields(own, signed="2026-02-01"), [], "effective", "effective before signed"),
        (_fields(own, rating="E"), [], "rating", "a rating outside A-D"),
        (_fields(own, rating="<script>"), [], "rating", "markup as the rating"),
        (_fields(own, signed="31/12/2026"), [], "signed", "a date in another format"),
        (_fields(own, signed="<script>alert(1)</script>"), [], "signed", "markup as a date"),
        (_fields(own, signed="'; DROP TABLE collective_agreement; --"), [], "signed", "SQL as a date"),
        (_fields(own, signed="2" * 5000), [], "signed", "a huge date"),
        (_fields(own, signed=""), [], "signed", "an empty date"),
        (_fields(own), [("file", "thoa-uoc.pdf", b"<!doctype html><html>not a pdf</html>")], "file", "a web page named .pdf"),
        (_fields(own), [("file", "thoa-uoc.pdf", b"%PDF-1.4\n<script>alert(1)</script>")], "file", "only the magic"),
        (_fields(other), [("file", "thoa-uoc.pdf", pdf)], "workplace", "a workplace outside the scope"),
        (_fields("999999999"), [], "workplace", "a workplace that does not exist"),
        (_fields(""), [], "workplace", "no workplace"),
    ]
    for fields, files, field, what in bad:
        r = _post(c, fields, files)
        _form_back(t, r, field, fields, what)
        t.check("<script>alert(1)</script>" not in r.text, f"{what}: nothing echoed unescaped")
    t.eq(_count(stack), n, "nothing stored by any refused post")
    r = c.stack.post("/admin/agreements", docs.multipart(_fields(own), [("file", "x.pdf", pdf)])[0],
                     ctype=docs.multipart([], [])[1], headers=c._headers())
    t.eq(r.status, 403, "a post without the anti-forgery token is refused")
    t.eq(_count(stack), n, "and stores nothing")

    # scope: another unit's agreement and its PDF answer 404, and the database shows it to nobody outside
    theirs = str(stack.value("SELECT max(c.id) FROM collective_agreement c WHERE c.workplace_id = :'w'", w=other))
    t.eq(c.get(f"/admin/agreement-file/{theirs}").status, 404, "another unit's PDF: 404")
    t.check(f'data-workplace="{WP_OTHER}"' not in c.get(f"/admin/agreements?workplace={other}").text,
            "another unit's history: nothing")
    t.eq(c.get("/admin/agreements?within=abc").status, 400, "a bad filter: 400")
    scope = stack.value("SELECT path FROM org_unit WHERE code = 'CD-TANPHONG'")
    ok, out = docs._as_officer(stack, f"SELECT count(*) FROM collective_agreement WHERE workplace_id = {int(other)}", scope, "officer")
    t.eq((ok, out), (True, "0"), "row-level security: the ward's transaction sees none of the other unit's agreements")
    ok, out = docs._as_officer(stack, "INSERT INTO collective_agreement (workplace_id, signed_on, effective_on, expires_on) "
                               f"VALUES ({int(other)}, '2026-01-01', '2026-01-01', '2027-01-01')", scope, "officer")
    t.check(not ok, "row-level security: the ward's transaction cannot write another unit's agreement")

    # a viewer reads but may not post
    v = test_brief._viewer(t, stack)
    t.check('id="f-agreement-signed"' not in v.get("/admin/agreements").text, "a viewer gets no add form")
    t.eq(_post(v, _fields(own), [("file", "x.pdf", pdf)]).status, 403, "a viewer's post is refused")
    t.eq(_count(stack), n, "and stores nothing")

    # the deadline panel: the other unit's agreement expiring in 30 days shows to the province, not to the ward
    prov = harness.demo_console(t, stack)
    front = prov.get("/admin/").text
    t.check('id="agreements-due"' in front and f'data-agreement="{theirs}"' in front, "the province's panel shows the expiry")
    t.check("Điều 81" in front, "with its source")
    t.check(f'data-agreement="{theirs}"' not in c.get("/admin/").text, "the ward's panel does not")


# The indicators over a unit of their own: (period end, {code: total}).
STATS = [
    ("2026-06-30", {"agreements.valid": 2, "agreements.valid_pct": 50, "agreements.rated_b_or_better": 1,
                    "agreements.expiring_90d": 1}),
    ("2025-06-30", {"agreements.valid": 3, "agreements.valid_pct": 75, "agreements.rated_b_or_better": 1,
                    "agreements.expiring_90d": 0}),
    ("2028-01-01", {"agreements.valid": 0, "agreements.valid_pct": 0, "agreements.rated_b_or_better": 0,
                    "agreements.expiring_90d": 0}),
]


def test_agreement_stats(t, stack):
    def admin(*args):
        p = stack.admin(*args)
        t.require(p.returncode == 0, f"{' '.join(args)}: {p.stderr.decode(errors='replace')}")

    admin("unit", "add", "--code", "AGREE-STATS", "--name", "Công đoàn thử thỏa ước", "--parent", "LDLD-LAICHAU")
    for i in range(1, 5):
        admin("workplace", "add", "--code", f"AGREE-W{i}", "--name", f"Doanh nghiệp thỏa ước {i}", "--unit", "AGREE-STATS")
    # W1: A, 2025-01-01..2027-01-01; W2: C, 2024-01-01..2026-08-15 (46 days left on 30/06/2026);
    # W3: ungraded, 2023-01-01..2025-12-31; W4: none. W1's older agreement (D) is replaced.
    admin("agreement", "add", "--workplace", "AGREE-W1", "--signed", "2022-12-01", "--effective", "2023-01-01",
          "--expires", "2024-12-31", "--rating", "D")
    admin("agreement", "add", "--workplace", "AGREE-W1", "--signed", "2024-12-20", "--effective", "2025-01-01",
          "--expires", "2027-01-01", "--rating", "A")
    admin("agreement", "add", "--workplace", "AGREE-W2", "--signed", "2024-01-01", "--effective", "2024-01-01",
          "--expires", "2026-08-15", "--rating", "C")
    admin("agreement", "add", "--workplace", "AGREE-W3", "--signed", "2023-01-01", "--effective", "2023-01-01",
          "--expires", "2025-12-31")
    rows = stack.rows("SELECT code, source FROM stats_indicator WHERE code LIKE 'agreements.%' ORDER BY position")
    t.eq([r["code"] for r in rows], ["agreements.valid", "agreements.valid_pct", "agreements.rated_b_or_better",
                                     "agreements.expiring_90d"], "the indicator rows")
    t.check(all("Bộ luật Lao động 2019" in r["source"] for r in rows), f"each with its source: {rows}")
    for to, want in STATS:
        p = stack.admin("export", "stats", "--unit", "AGREE-STATS", "--from", to[:4] + "-01-01", "--to", to, "--format", "json")
        t.require(p.returncode == 0, f"export stats to {to}: {p.stderr.decode(errors='replace')}")
        got = {i["code"]: i["total"] for i in json.loads(p.stdout)["indicators"] if i["code"] in want}
        t.eq(got, want, f"the agreements indicators on {to}")


def _stoppage(wid, started="2026-03-02", ended="2026-03-04", workers="120", demands="Trả lương đúng hạn; tăng bữa ăn ca",
              outcome="partly_met", union_led="no"):
    return [("workplace", wid), ("started", started), ("ended", ended), ("workers", workers), ("demands", demands),
            ("outcome", outcome), ("union_led", union_led)]


def _stoppages(stack):
    return stack.value("SELECT count(*) FROM work_stoppage")


def test_stoppage_console(t, stack):
    c = harness.demo_console(t, stack, "demo.tanphong")
    own, other = _wid(stack, WP_OWN), _wid(stack, WP_OTHER)
    t.eq(c.get("/admin/stoppages").status, 200, "the stoppages page opens")
    n = _stoppages(stack)
    r = c.post("/admin/stoppages", _stoppage(own))
    t.eq(r.status, 303, f"a stoppage is recorded: {harness.short(r.text)}")
    row = stack.rows("SELECT s.started_on::text AS s, s.ended_on::text AS e, s.workers, s.outcome, s.union_led, o.username "
                     "FROM work_stoppage s JOIN officer o ON o.id = s.officer_id ORDER BY s.id DESC LIMIT 1")[0]
    t.eq(row, {"s": "2026-03-02", "e": "2026-03-04", "workers": 120, "outcome": "partly_met", "union_led": False,
               "username": "demo.tanphong"}, "stored as typed, by the officer")
    t.check(stack.value("SELECT count(*) FROM audit_log WHERE action = 'stoppage.add'") >= 1, "audited")
    today = _iso(_today())
    r = c.post("/admin/stoppages", _stoppage(own, started=today, ended="", outcome="ongoing", union_led="yes"))
    t.eq(r.status, 303, "a stoppage going on is recorded")
    sid = str(stack.value("SELECT max(id) FROM work_stoppage"))
    page = c.get("/admin/stoppages").text
    t.check(f'<tr class="urgent" data-id="{sid}"' in page, "one going on is listed as urgent")
    t.check(f'data-stoppage="{sid}"' in c.get("/admin/").text, "and in the front page's panel")
    t.eq(_stoppages(stack), n + 2, "two rows")

    n = _stoppages(stack)
    bad = [
        (_stoppage(own, ended="2026-03-01"), "ended", "ended before it began"),
        (_stoppage(own, started="2026-02-30"), "started", "a date that does not exist"),
        (_stoppage(own, started=""), "started", "no start"),
        (_stoppage(own, started="<script>alert(1)</script>"), "started", "markup as a date"),
        (_stoppage(own, workers="0"), "workers", "no workers"),
        (_stoppage(own, workers="-5"), "workers", "negative workers"),
        (_stoppage(own, workers="12a"), "workers", "workers not a number"),
        (_stoppage(own, workers="9" * 40), "workers", "a huge number of workers"),
        (_stoppage(own, demands=""), "demands", "no demands"),
        (_stoppage(own, demands="x" * 5000), "demands", "demands too long"),
        (_stoppage(own, outcome="'; DROP TABLE work_stoppage; --"), "outcome", "SQL as the outcome"),
        (_stoppage(own, outcome="ongoing"), "ended", "going on, yet with an end date"),
        (_stoppage(own, ended=""), "outcome", "an outcome without an end date"),
        (_stoppage(own, union_led="maybe"), "union_led", "union-led neither yes nor no"),
        (_stoppage(other), "workplace", "a workplace outside the scope"),
        (_stoppage("12abc"), "workplace", "a malformed workplace"),
    ]
    for fields, field, what in bad:
        r = c.post("/admin/stoppages", fields)
        t.eq(r.status, 400, f"{what}: 400")
        page = harness.parse_html(r.text)
        t.check(page.by_id.get(f"e-f-stoppage-{field}"), f"{what}: the error beside {field}")
        t.eq(page.inputs.get("started"), dict(fields)["started"], f"{what}: the start kept")
        t.eq(harness.textarea_value(r.text, "demands"), dict(fields)["demands"], f"{what}: the demands kept")
        t.check("<script>alert(1)</script>" not in r.text, f"{what}: nothing echoed unescaped")
    hostile = "<script>alert(1)</script> Đình công' OR 1=1 --"
    t.eq(c.post("/admin/stoppages", _stoppage(own, demands=hostile)).status, 303, "hostile demands are stored as text")
    t.check("&lt;script&gt;alert(1)&lt;/script&gt;" in c.get("/admin/stoppages").text, "and shown escaped")
    t.eq(_stoppages(stack), n + 1, "nothing stored by any refused post")

    # scope: the province records one at the other unit's workplace; the ward sees nothing of it
    prov = harness.demo_console(t, stack)
    t.eq(prov.post("/admin/stoppages", _stoppage(other, demands="Chè Tam Đường")).status, 303, "the province records one")
    t.check("Chè Tam Đường" not in c.get("/admin/stoppages").text, "the ward does not see it")
    scope = stack.value("SELECT path FROM org_unit WHERE code = 'CD-TANPHONG'")
    ok, out = docs._as_officer(stack, f"SELECT count(*) FROM work_stoppage WHERE workplace_id = {int(other)}", scope, "officer")
    t.eq((ok, out), (True, "0"), "row-level security: the ward's transaction sees none of it")
    v = test_brief._viewer(t, stack)
    t.check('id="f-stoppage-started"' not in v.get("/admin/stoppages").text, "a viewer gets no form")
    t.eq(v.post("/admin/stoppages", _stoppage(own)).status, 403, "a viewer's post is refused")


def test_stoppage_stats(t, stack):
    def admin(*args):
        p = stack.admin(*args)
        t.require(p.returncode == 0, f"{' '.join(args)}: {p.stderr.decode(errors='replace')}")

    admin("unit", "add", "--code", "AGREE-STOP", "--name", "Công đoàn thử ngừng việc", "--parent", "LDLD-LAICHAU")
    admin("workplace", "add", "--code", "AGREE-S1", "--name", "Doanh nghiệp ngừng việc", "--unit", "AGREE-STOP")
    wid = _wid(stack, "AGREE-S1")
    for started, ended, workers, led in (("2026-02-10", "2026-02-11", 40, True), ("2026-03-05", "2026-03-09", 260, False),
                                        ("2026-04-01", None, 15, False)):
        stack.psql("INSERT INTO work_stoppage (workplace_id, started_on, ended_on, workers, demands, outcome, union_led) "
                   "VALUES (:'w', :'s', nullif(:'e', '')::date, :'n', 'Tiền lương', :'o', :'l')", w=wid, s=started,
                   e=ended or "", n=workers, o="met" if ended else "ongoing", l="true" if led else "false")
    for frm, to, want in (("2026-01-01", "2026-03-31", {"stoppages.count": 2, "stoppages.workers": 300, "stoppages.union_led": 1}),
                          ("2026-03-01", "2026-04-30", {"stoppages.count": 2, "stoppages.workers": 275, "stoppages.union_led": 0}),
                          ("2025-01-01", "2025-12-31", {"stoppages.count": 0, "stoppages.workers": 0, "stoppages.union_led": 0})):
        p = stack.admin("export", "stats", "--unit", "AGREE-STOP", "--from", frm, "--to", to, "--format", "json")
        t.require(p.returncode == 0, f"export stats: {p.stderr.decode(errors='replace')}")
        doc = json.loads(p.stdout)["indicators"]
        t.eq({i["code"]: i["total"] for i in doc if i["code"] in want}, want, f"stoppages indicators {frm}..{to}")
        t.check(all("Điều 198" in i["source"] for i in doc if i["code"] in want), "each with its source")
