"""test_stats.py: the periodic statistics (indicators per enterprise, claimed and verified, by unit and ownership; HTML, CSV, JSON, XLSX) against hand-computed figures, freezing, the indicator set, the dashboard, scope, bad input, audit."""
import csv
import html
import io
import json
import re
import zipfile

import harness

PARENT, CHILD_A, CHILD_B = "STATS-IT", "STATS-IT-A", "STATS-IT-B"
FROM, TO = "2026-03-01", "2026-03-31"

# (workplace code, form, channel, received at (Vietnam time), status, answers)
REPORTS = [
    ("STATS-WA1", "wage_arrears", "phone", "2026-03-02 09:00", "new",
     {"months_owed": ["2026-01", "2026-02"], "amount": 12000000, "amount_basis": "total", "coworkers": "t11_50"}),
    ("STATS-WA1", "wage_arrears", "phone", "2026-03-03 09:00", "in_review",
     {"months_owed": ["2026-02"], "amount": 3000000, "amount_basis": "per_person", "coworkers": "t51_100"}),
    ("STATS-WA2", "social_insurance", "phone", "2026-03-04 09:00", "new",
     {"deducted": "yes", "months_unpaid": ["2026-01", "2026-02", "2026-03"], "coworkers": "t1_10"}),
    ("STATS-WA2", "safety", "phone", "2026-03-31 23:30", "new",   # the cut-off day's last hour counts
     {"kind": "accident", "danger_now": "no", "where": "xưởng", "description": "ngã giàn", "injured": 2, "dead": 1}),
    ("STATS-WB1", "safety", "in_person", "2026-03-01 00:10", "new",
     {"kind": "hazard", "danger_now": "yes", "where": "kho", "description": "dây điện hở", "injured": 5}),
    ("STATS-WB1", "concern", "paper", "2026-03-10 09:00", "resolved", {"text": "giờ làm thêm"}),
    ("STATS-WB1", "wage_arrears", "phone", "2026-03-11 09:00", "new",
     {"months_owed": ["2026-02"], "amount": 5000000, "amount_basis": "total", "coworkers": "unknown"}),
    ("STATS-WS", "concern", "phone", "2026-03-12 09:00", "new", {"text": "bữa ăn ca"}),
    # left out: after the cut-off (00:30 on 1 April in Vietnam), before the start, and spam
    ("STATS-WB1", "concern", "phone", "2026-04-01 00:30", "new", {"text": "sau ngày chốt"}),
    ("STATS-WB1", "concern", "phone", "2026-02-28 23:50", "new", {"text": "trước kỳ"}),
    ("STATS-WA1", "concern", "phone", "2026-03-05 09:00", "spam", {"text": "rác"}),
]

# Hand-computed, per enterprise: wage workers are the largest tier per workplace (WA1: 51, WB1: unknown so
# one per report: 1); the amount is the largest total per workplace (WA1 12M; its 3M is per person; WB1 5M);
# months are distinct per workplace (WA1 {01, 02}, WB1 {02}). Cases count under their unit.
A, B, S = f"unit:{CHILD_A}", f"unit:{CHILD_B}", f"unit:{PARENT}"
WANT = {
    "reports.total": {"total": 8, A: 4, B: 3, S: 1},
    "reports.form.wage_arrears": {"total": 3, A: 2, B: 1, S: 0},
    "reports.form.concern": {"total": 2, A: 0, B: 1, S: 1},
    "reports.channel.phone": {"total": 6, A: 4, B: 1, S: 1},
    "reports.channel.in_person": {"total": 1, B: 1},
    "reports.channel.paper": {"total": 1, B: 1},
    "reports.resolved": {"total": 1, B: 1},
    "wage_arrears.enterprises": {"total": 2, A: 1, B: 1},
    "wage_arrears.workers": {"total": 52, A: 51, B: 1},
    "wage_arrears.amount": {"total": 17000000, A: 12000000, B: 5000000},
    "wage_arrears.months": {"total": 3, A: 2, B: 1},
    "si_arrears.enterprises": {"total": 1, A: 1},
    "si_arrears.workers": {"total": 1},
    "si_arrears.months": {"total": 3},
    "si_arrears.amount": {"total": 0},
    "accidents.count": {"total": 1, A: 1, B: 0},
    "accidents.injured": {"total": 2},
    "accidents.dead": {"total": 1},
    "cases.total": {"total": 4, A: 3, B: 1, S: 0},
    "cases.open": {"total": 3, A: 2, B: 1},
    "cases.stage.court": {"total": 2},
    "cases.stage.intake": {"total": 1},
    "cases.outcome.withdrawn": {"total": 1},
    "cases.outcome.mediated": {"total": 0},
}
# What `export stats --format json` must carry at least (issue 11).
CODES = ["reports.total", "reports.answered", "wage_arrears.enterprises", "wage_arrears.workers", "wage_arrears.amount",
         "si_arrears.enterprises", "si_arrears.workers", "si_arrears.months", "si_arrears.amount", "accidents.count",
         "accidents.dead", "accidents.injured", "cases.open", "cases.recovered_amount"]
# Indicators whose figure by unit adds up to the total (counts and sums).
ADDITIVE = ("reports.total", "reports.form.", "reports.channel.", "wage_arrears.", "si_arrears.", "accidents.", "cases.stage.",
            "cases.kind.",
            "cases.outcome.", "cases.total", "cases.open")


def _admin(stack, *args):
    r = stack.admin(*args)
    if r.returncode != 0:
        raise harness.Failure(f"{' '.join(args)}: {r.stderr.decode()}")


def _seed(stack):
    """Units, workplaces, reports and cases of a tree of their own; ids by code."""
    if not stack.rows("SELECT id FROM org_unit WHERE code = :'c'", c=PARENT):
        _admin(stack, "unit", "add", "--code", PARENT, "--name", "Công đoàn thử thống kê", "--parent", "LDLD-LAICHAU",
               "--kind", "district")
        _admin(stack, "unit", "add", "--code", CHILD_A, "--name", "CĐ thử A", "--parent", PARENT, "--kind", "grassroots")
        _admin(stack, "unit", "add", "--code", CHILD_B, "--name", "CĐ thử B", "--parent", PARENT, "--kind", "grassroots")
        for code, unit in (("STATS-WA1", CHILD_A), ("STATS-WA2", CHILD_A), ("STATS-WB1", CHILD_B), ("STATS-WS", PARENT)):
            _admin(stack, "workplace", "add", "--code", code, "--name", f"Công ty thử {code}", "--unit", unit)
    if not stack.value("SELECT count(*) FROM submission s JOIN workplace w ON w.id = s.workplace_id "
                       "WHERE w.code LIKE 'STATS-W%'"):
        for code, form, channel, at, status, answers in REPORTS:
            stack.psql(
                "INSERT INTO submission (form_id, form_version, workplace_id, unit_id, channel, received_at, answers, "
                "lang, idempotency_key, receipt_hash, status, entered_by) SELECT :'f', 1, w.id, w.unit_id, :'ch', "
                "(:'at')::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh', :'a'::jsonb, 'vi', :'k', "
                "sha256(convert_to(:'k', 'UTF8')), :'st', (SELECT id FROM officer WHERE username = 'demo.tinh') "
                "FROM workplace w WHERE w.code = :'w'",
                f=form, ch=channel, at=at, a=json.dumps(answers), k=harness.new_idem(), st=status, w=code)
        # (workplace, created (VN), current stage, outcome, [(to_stage, on_date)])
        cases = [
            ("STATS-WA1", "2026-03-10", "court", None, []),                               # created in the period
            ("STATS-WB1", "2026-02-01", "intake", None, []),                              # open at the cut-off
            ("STATS-WB1", "2026-02-01", "closed", "mediated", [("closed", "2026-02-20")]),  # closed before: left out
            ("STATS-WA2", "2026-03-05", "closed", "withdrawn", [("closed", "2026-03-20")]),
            ("STATS-WA2", "2026-03-05", "closed", "judgment", [("court", "2026-03-15"), ("closed", "2026-04-10")]),
        ]
        for wp, created, stage, outcome, events in cases:
            cid = stack.psql(
                "INSERT INTO dispute_case (unit_id, workplace_id, kind, title, stage, outcome, created_at) "
                "SELECT w.unit_id, w.id, 'other', 'Vụ thử thống kê', :'s', nullif(:'o', ''), "
                "(:'c')::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh' FROM workplace w WHERE w.code = :'w' RETURNING id",
                s=stage, o=outcome or "", c=created, w=wp).splitlines()[0]
            for to_stage, on in events:
                stack.psql("INSERT INTO case_event (case_id, kind, to_stage, on_date) VALUES (:'i', 'stage', :'t', :'d')",
                           i=cid, t=to_stage, d=on)
    return {c: str(stack.value("SELECT id FROM org_unit WHERE code = :'c'", c=c)) for c in (PARENT, CHILD_A, CHILD_B)}


def _province(t, stack):
    """The province officer signed in, and every demo login."""
    logins = harness.demo_logins(stack)
    c = harness.console_login(stack, "demo.tinh", logins["demo.tinh"])
    t.require(c.cookie, "the province officer signs in")
    return c, logins


def _num(text):
    """A figure as the page writes it ("12.000.000 đ", "1.234"), or None for an empty cell."""
    digits = re.sub(r"[^0-9-]", "", html.unescape(text))
    return int(digits) if digits else None


def _table_values(page):
    """{indicator code: {data-col: int or None}} of the page's statistics table."""
    out = {}
    for m in re.finditer(r'<tr data-code="([^"]+)">(.*?)</tr>', page, re.S):
        cells = out.setdefault(m.group(1), {})
        for c in re.finditer(r'<td class="num" data-col="([^"]+)">([^<]*)</td>', m.group(2)):
            cells[c.group(1)] = _num(c.group(2))
    return out


def test_stats(t, stack):
    ids = _seed(stack)
    c, logins = _province(t, stack)
    url = f"/admin/stats?unit={ids[PARENT]}&from={FROM}&to={TO}"
    r = c.get(url)
    t.require(r.status == 200, f"the statistics page: {r.status} {r.text[:400]}")
    t.check("<table" in r.text and '<th scope="row"' in r.text and '<th scope="col"' in r.text,
            "an accessible table with row and column headers")
    got = _table_values(r.text)
    for code, want in WANT.items():
        have = got.get(code, {})
        t.eq({k: have.get(k) for k in want}, want, f"figures of {code}")
    for code, cells in got.items():   # the units add up to the total where the figure is a count or a sum
        if code.startswith(ADDITIVE):
            t.eq(sum(v or 0 for k, v in cells.items() if k.startswith("unit:")), cells["total"], f"units add up: {code}")
    t.eq(got["wage_arrears.amount"]["verified"], 0, "no case verified an amount: the verified column says 0")
    t.eq(got["reports.total"]["verified"], None, "an indicator with no verified rule leaves the column empty")
    t.check("12.000.000 đ" in r.text, "money grouped the Vietnamese way")
    t.check(f'href="/admin/stats?unit={ids[CHILD_A]}&amp;from={FROM}&amp;to={TO}"' in r.text,
            "a child's column links to its own table")
    t.check('data-period="union-' in r.text and "Năm Công đoàn" in r.text, "union-year presets are offered")
    t.check("đơn vị tiếp nhận nó tại thời điểm gửi" in r.text, "the table says reports count under their unit at arrival")
    t.check("chưa được chốt" in r.text and 'id="frozen"' not in r.text, "the period is not frozen")
    t.eq(stack.value("SELECT count(*) FROM audit_log WHERE action = 'stats.view' AND object = :'o'",
                     o=f"unit:{ids[PARENT]}"), 1, "the view is audited")
    p = c.get(f"/admin/stats?unit={ids[PARENT]}&period=union-2026")
    t.eq(p.status, 200, "a preset period")
    t.check('value="2025-11-01"' in p.text and 'value="2026-10-31"' in p.text, "the union year runs 01/11 to 31/10")
    t.eq(_table_values(p.text)["reports.total"]["total"], 10, "the union year holds March and the two days around it")

    x = c.get(url + "&format=xlsx")
    t.require(x.status == 200, f"the XLSX: {x.status} {x.text[:300]}")
    t.eq([p for p in harness.security_header_problems(x) if "charset" not in p], [], "security headers on the XLSX")
    t.check("spreadsheetml" in (x.header("Content-Type") or ""), "XLSX content type")
    t.check("attachment" in (x.header("Content-Disposition") or ""), "as a download")
    z = zipfile.ZipFile(io.BytesIO(x.body))
    sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
    t.eq(len(sheets), 1, "one sheet")
    sheet = z.read(sheets[0]).decode()
    shared = z.read("xl/sharedStrings.xml").decode() if "xl/sharedStrings.xml" in z.namelist() else ""
    numbers = [float(v) for v in re.findall(r"<c [^>]*>(?:<f>[^<]*</f>)?<v>([0-9.]+)</v></c>", sheet)
               if True]
    t.check(17000000.0 in numbers and 52.0 in numbers and 12000000.0 in numbers, "the figures are numbers in the sheet")
    t.check("CĐ thử A" in shared and "Theo phản ánh" in shared and "Đã xác minh" in shared,
            "unit names and the claimed and verified headers are in the sheet")
    t.eq(stack.value("SELECT count(*) FROM audit_log WHERE action = 'stats.export' AND object = :'o'",
                     o=f"unit:{ids[PARENT]}"), 1, "the export is audited")

    for bad, field in (("from=2026-02-30&to=2026-03-31", "from"), ("from=2026-04-01&to=2026-03-01", "to"),
                       ("from=abc&to=2026-03-01", "from"), ("from=2026-03-01", "to"), ("to=2026-03-01", "from"),
                       ("period=q5-2026", "period"), ("period=%3Cscript%3E", "period")):
        b = c.get(f"/admin/stats?unit={ids[PARENT]}&{bad}")
        t.eq(b.status, 400, f"bad dates {bad}")
        t.check(f"({field})" in b.text and 'id="problem"' in b.text, f"{bad}: the error names {field}")
        t.check("<script>" not in b.text, f"{bad}: nothing hostile echoed")
    t.eq(c.get(f"/admin/stats?unit=12ab&from={FROM}&to={TO}").status, 400, "a unit that is not a number")
    t.eq(c.get(f"/admin/stats?unit={ids[PARENT]}&from={FROM}&to={TO}&format=pdf").status, 400, "an unknown format")
    t.eq(c.get(f"/admin/stats?unit=999999999&from={FROM}&to={TO}").status, 404, "a unit that does not exist")
    own = c.get("/admin/stats")
    t.eq(own.status, 200, "no arguments: the officer's own unit, this month")

    w = harness.console_login(stack, "demo.tanphong", logins["demo.tanphong"])
    t.require(w.cookie, "the ward officer signs in")
    t.eq(w.get("/admin/stats").status, 200, "the ward officer sees their own unit")
    for code in (PARENT, CHILD_A):
        t.eq(w.get(f"/admin/stats?unit={ids[code]}&from={FROM}&to={TO}").status, 404, f"ward officer: {code} is 404")
        t.eq(w.get(f"/admin/stats?unit={ids[code]}&from={FROM}&to={TO}&format=xlsx").status, 404,
             f"ward officer: {code} as XLSX is 404")
    province = str(stack.value("SELECT id FROM org_unit WHERE code = 'LDLD-LAICHAU'"))
    t.eq(w.get(f"/admin/stats?unit={province}&from={FROM}&to={TO}").status, 404, "ward officer: the province is 404")


def test_dashboard(t, stack):
    ids = _seed(stack)
    c, logins = _province(t, stack)
    r = c.get("/admin/dashboard")
    t.require(r.status == 200, f"the dashboard: {r.status} {r.text[:400]}")
    t.check(r.text.count("<svg class=\"chart\" role=\"img\"") == 2, "two server-drawn SVG charts")
    t.check("<title id=\"chart-months-title\">" in r.text and "<desc id=\"chart-months-desc\">" in r.text,
            "the charts have a title and a description")
    t.check("<script" not in r.text.split("</header>", 1)[-1].split("<footer", 1)[0], "no script in the page body")
    want = {}
    for row in stack.rows(
            "SELECT to_char(date_trunc('month', s.received_at AT TIME ZONE 'Asia/Ho_Chi_Minh'), 'YYYY-MM') AS m, "
            "s.form_id AS f, count(*) AS n FROM submission s JOIN workplace w ON w.id = s.workplace_id "
            "JOIN org_unit u ON u.id = w.unit_id JOIN org_unit p ON p.code = 'LDLD-LAICHAU' "
            "WHERE u.path LIKE p.path || '%' AND s.status <> 'spam' AND s.received_at >= "
            "(date_trunc('month', now() AT TIME ZONE 'Asia/Ho_Chi_Minh') - interval '11 months') AT TIME ZONE 'Asia/Ho_Chi_Minh' "
            "GROUP BY 1, 2"):
        want[(row["m"], row["f"])] = row["n"]
    months = re.findall(r'<tr data-month="(\d{4}-\d{2})">(.*?)</tr>', r.text, re.S)
    t.eq(len(months), 12, "twelve months in the table")
    got = {}
    for m, cells in months:
        for f, n in re.findall(r'<td class="num" data-form="([a-z_]+)">(\d+)</td>', cells):
            if f != "total" and int(n):
                got[(m, f)] = int(n)
    t.eq(got, want, "the monthly counts by form match the database")
    t.check(got.get(("2026-03", "wage_arrears"), 0) >= 3, "the seeded March reports are there")
    unit_row = re.search(r'<tr data-unit="' + ids[PARENT] + r'"><th scope="row">[^<]*</th><td class="num">(\d+)</td>',
                         r.text)
    t.require(unit_row, "the test unit has a row in the table by unit")
    t.eq(int(unit_row.group(1)), 10, "its count: 8 in March, one on 1 April, one on 28 February (spam left out)")
    t.check('<tr data-stage="court"' in r.text, "open cases by stage")
    t.check('id="deadline-panel"' in r.text, "the deadlines panel")

    w = harness.console_login(stack, "demo.tanphong", logins["demo.tanphong"])
    d = w.get("/admin/dashboard")
    t.eq(d.status, 200, "the ward officer's dashboard")
    t.check("Công đoàn thử thống kê" not in d.text and f'data-unit="{ids[PARENT]}"' not in d.text,
            "the ward officer's dashboard shows nothing of the province's other units")


def _xlsx_rows(data):
    """The statistics sheet as {row number: [(column letters, number or shared-string text)]}."""
    z = zipfile.ZipFile(io.BytesIO(data))
    shared = []
    if "xl/sharedStrings.xml" in z.namelist():
        shared = [html.unescape(re.sub(r"<[^>]+>", "", s)) for s in
                  re.findall(r"<si>(.*?)</si>", z.read("xl/sharedStrings.xml").decode(), re.S)]
    sheet = z.read("xl/worksheets/sheet1.xml").decode()
    rows = {}
    for ref, attrs, v in re.findall(r'<c r="([A-Z]+\d+)"([^>]*)>(?:<f>[^<]*</f>)?<v>([^<]*)</v></c>', sheet):
        col, row = re.match(r"([A-Z]+)(\d+)", ref).groups()
        val = shared[int(v)] if 't="s"' in attrs else float(v)
        rows.setdefault(int(row), []).append((col, val))
    return rows


def test_stats_cli(t, stack):
    ids = _seed(stack)
    c, logins = _province(t, stack)
    page = _table_values(c.get(f"/admin/stats?unit={ids[PARENT]}&from={FROM}&to={TO}").text)
    t.require(page.get("reports.total"), "the console page has figures")
    audits = stack.value("SELECT count(*) FROM audit_log WHERE action = 'stats.export' AND object = :'o'",
                         o=f"unit:{ids[PARENT]}")
    args = ("export", "stats", "--unit", PARENT, "--from", FROM, "--to", TO, "--format")

    j = stack.admin(*args, "json")
    t.require(j.returncode == 0, f"export stats json: {j.stderr.decode()}")
    doc = json.loads(j.stdout)
    t.eq((doc["unit"], doc["from"], doc["to"], doc["frozen"]), (PARENT, FROM, TO, False), "the JSON names the unit and period")
    inds = {i["code"]: i for i in doc["indicators"]}
    t.eq([code for code in CODES if code not in inds], [], "the JSON carries every code the issue names")
    for i in doc["indicators"]:
        t.eq(sorted(i), sorted(["code", "label", "source", "money", "total", "verified", "by_unit", "by_ownership"]),
             f"{i['code']}: its keys")
    t.eq(sorted(inds["reports.total"]["by_ownership"]), ["fdi", "non_state", "state"], "by ownership: three sectors")
    t.eq(sorted(inds["reports.total"]["by_unit"]), sorted([CHILD_A, CHILD_B, PARENT]), "by unit: the children and the unit itself")
    t.eq({code: i["total"] for code, i in inds.items()}, {code: page[code]["total"] for code in inds},
         "JSON totals equal the console page's")
    t.eq({code: i["by_unit"] for code, i in inds.items()},
         {code: {k[5:]: v for k, v in page[code].items() if k.startswith("unit:")} for code in inds},
         "JSON figures by unit equal the console page's")
    t.eq([i["code"] for i in doc["indicators"]], list(page), "the JSON's indicators in the page's order")

    s = stack.admin(*args, "csv")
    t.require(s.returncode == 0, f"export stats csv: {s.stderr.decode()}")
    t.check(s.stdout.startswith(b"\xef\xbb\xbf"), "the CSV starts with a UTF-8 BOM")
    table = list(csv.reader(io.StringIO(s.stdout.decode("utf-8-sig"))))
    t.eq(table[0][:4], ["Mã chỉ tiêu", "Chỉ tiêu", "Theo phản ánh", "Đã xác minh"], "CSV header: Vietnamese, claimed and verified")
    t.eq(table[0][4:], [u["name"] for u in doc["units"]] + ["Khu vực nhà nước", "Khu vực ngoài nhà nước", "Doanh nghiệp FDI"],
         "CSV header: the units, then the three sectors")
    t.eq([r[0] for r in table[1:]], [i["code"] for i in doc["indicators"]], "CSV rows in the JSON's order")
    t.eq({r[0]: (int(r[2]), int(r[3]) if r[3] else None) for r in table[1:]},
         {code: (i["total"], i["verified"]) for code, i in inds.items()}, "CSV figures equal the JSON's")

    x = stack.admin(*args, "xlsx")
    t.require(x.returncode == 0, f"export stats xlsx: {x.stderr.decode()}")
    sheet = _xlsx_rows(x.stdout)
    t.eq([v for _, v in sheet.get(6, [])][:4], table[0][:4], "XLSX header row as the CSV's")
    for n, i in enumerate(doc["indicators"]):
        cells = dict(sheet.get(7 + n, []))
        t.eq((cells.get("A"), cells.get("C"), cells.get("D")),
             (i["code"], float(i["total"]), None if i["verified"] is None else float(i["verified"])), f"XLSX row of {i['code']}")
    t.eq(stack.value("SELECT count(*) FROM audit_log WHERE action = 'stats.export' AND object = :'o'",
                     o=f"unit:{ids[PARENT]}") - audits, 3, "each CLI export is audited")

    whole = stack.admin("export", "stats", "--from", FROM, "--to", TO, "--format", "json")
    t.require(whole.returncode == 0, f"export stats without --unit: {whole.stderr.decode()}")
    w = json.loads(whole.stdout)
    want = stack.value("SELECT count(*) FROM submission WHERE status <> 'spam' AND received_at >= "
                       "(:'f')::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh' AND received_at < "
                       "((:'t')::date + 1)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh'", f=FROM, t=TO)
    wi = {i["code"]: i for i in w["indicators"]}
    t.eq(w["unit"], None, "without --unit: the whole tree")
    t.eq(wi["reports.total"]["total"], want, "without --unit: the whole tree's reports in the period")
    t.check("LDLD-LAICHAU" in wi["reports.total"]["by_unit"], "without --unit: a column per top unit")
    t.check(stack.admin("export", "stats", "--format", "csv").returncode == 0, "no dates: this month so far")
    p = stack.admin("export", "stats", "--unit", PARENT, "--period", "q1-2026", "--format", "json")
    t.eq(json.loads(p.stdout)["from"], "2026-01-01", "a preset period from the CLI")

    # hostile unit names come out as text: escaped in JSON, neutralised in CSV, strings in XLSX
    hostile = "=HYPERLINK(\"http://x\")<script>alert(1)</script>'; DROP TABLE submission; --"
    if not stack.rows("SELECT 1 FROM org_unit WHERE code = 'STATS-HX'"):
        _admin(stack, "unit", "add", "--code", "STATS-HX", "--name", "Thử tên lạ", "--parent", "LDLD-LAICHAU",
               "--kind", "district")
        _admin(stack, "unit", "add", "--code", "STATS-HX-1", "--name", hostile, "--parent", "STATS-HX",
               "--kind", "grassroots")
    hj = json.loads(stack.admin("export", "stats", "--unit", "STATS-HX", "--format", "json").stdout)
    t.check(any(u["name"] == hostile for u in hj["units"]), "the hostile name intact in JSON")
    hc = stack.admin("export", "stats", "--unit", "STATS-HX", "--format", "csv").stdout.decode("utf-8-sig")
    t.check("'" + hostile in next(csv.reader(io.StringIO(hc))), "the formula neutralised in CSV")
    hx = _xlsx_rows(stack.admin("export", "stats", "--unit", "STATS-HX", "--format", "xlsx").stdout)
    t.check(any(v == hostile for cells in hx.values() for _, v in cells), "the hostile name a string in XLSX")
    t.eq(stack.value("SELECT count(*) FROM pg_tables WHERE tablename = 'submission'"), 1, "nothing dropped")

    before = stack.value("SELECT count(*) FROM audit_log WHERE action = 'stats.export'")
    for bad, why in [(("--unit", "NO-SUCH-UNIT"), "an unknown unit"), (("--from", "2026-02-30", "--to", TO), "no such day"),
                     (("--from", "2026-04-01", "--to", "2026-03-01"), "from after to"),
                     (("--from", "abc", "--to", TO), "a malformed date"), (("--from", FROM), "from without to"),
                     (("--to", TO), "to without from"), (("--format", "pdf"), "an unknown format"),
                     (("--unit", "X" * 100000), "a huge unit code"), (("--unit", b"\xff\xfe"), "a non-UTF-8 unit code"),
                     (("--unit", "' OR 1=1 --"), "SQL in the unit code"), (("--bogus", "1"), "an unknown option"),
                     (("--period", "q5-2026"), "an unknown period"), (("--period", "h1-2026", "--from", FROM), "a period and dates"),
                     (("--from", "2026-03-31", "--to", "2026-03-01"), "to before from")]:
        r = stack.admin("export", "stats", *bad)
        t.eq(r.returncode, 2, f"{why}: exit 2")
        t.check(r.stdout == b"" and r.stderr.strip(), f"{why}: nothing on stdout, a message on stderr: {r.stderr[:200]!r}")
    t.eq(stack.value("SELECT count(*) FROM audit_log WHERE action = 'stats.export'"), before, "refusals are not audited")


# -- the fast path (sql/019_stats_facts.sql) against direct aggregates --

FX, FX_A, FX_A1, FX_B = "FX-IT", "FX-IT-A", "FX-IT-A1", "FX-IT-B"
FX_WP = {"FX-W1": FX_A1, "FX-W2": FX_A, "FX-W3": FX_B, "FX-W4": FX}
FX_FROM, FX_TO = "2026-05-01", "2026-05-31"
PRIORITIES = ["wages", "bonuses", "hours", "rest", "job_security", "safety", "gender", "harassment", "meals",
              "housing", "transport"]

# Every fact summed per key, from the sums and the log (what the pages read) and straight from the reports.
FACTS_FAST = ("SELECT f.workplace_id, f.day::text, f.form_id, f.channel, f.fact, sum(f.n)::bigint AS n, "
              "sum(f.v)::text AS v FROM submission_fact_all f JOIN workplace w ON w.id = f.workplace_id "
              "WHERE w.code LIKE 'FX-W%' GROUP BY 1, 2, 3, 4, 5 HAVING sum(f.n) <> 0 OR sum(f.v) <> 0")
FACTS_DIRECT = ("SELECT s.workplace_id, (s.received_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date::text AS day, s.form_id, "
                "s.channel, f.fact, sum(f.n)::bigint AS n, sum(f.v)::text AS v FROM submission s "
                "JOIN workplace w ON w.id = s.workplace_id CROSS JOIN LATERAL "
                "submission_facts(s.form_id, s.status, s.urgent, s.answers) f WHERE w.code LIKE 'FX-W%' "
                "GROUP BY 1, 2, 3, 4, 5 HAVING sum(f.n) <> 0 OR sum(f.v) <> 0")

# The statistics straight from the reports' answers, per child of FX by the unit each report was filed
# under (submission.unit_id), per enterprise as the issue asks: indicator code -> figure.
STATS_DIRECT = """
WITH p AS (SELECT path FROM org_unit WHERE code = :'unit'),
r AS (SELECT split_part(substr(u.path, length(p.path) + 1), '/', 1) AS b, s.*,
        (s.received_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date AS day
      FROM submission s JOIN org_unit u ON u.id = s.unit_id, p
      WHERE u.path LIKE p.path || '%' AND s.status <> 'spam'
        AND s.received_at >= (:'f')::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh'
        AND s.received_at < ((:'t')::date + 1)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh'),
ent AS (SELECT b, form_id, workplace_id,
          greatest(coalesce(max(CASE answers->>'coworkers' WHEN 't1_10' THEN 1 WHEN 't11_50' THEN 11 WHEN 't51_100' THEN 51
            WHEN 't101_300' THEN 101 WHEN 't301_plus' THEN 301 END), 0), count(*)) AS workers,
          coalesce(max((answers->>'amount')::numeric) FILTER (WHERE jsonb_typeof(answers->'amount') = 'number'
            AND answers->>'amount_basis' = 'total' AND (answers->>'amount')::numeric >= 0), 0)::bigint AS amount,
          (SELECT count(DISTINCT m) FROM r r2 CROSS JOIN LATERAL jsonb_array_elements_text(CASE WHEN
             jsonb_typeof(r2.answers->(CASE r2.form_id WHEN 'wage_arrears' THEN 'months_owed' ELSE 'months_unpaid' END)) = 'array'
             THEN r2.answers->(CASE r2.form_id WHEN 'wage_arrears' THEN 'months_owed' ELSE 'months_unpaid' END)
             ELSE '[]'::jsonb END) m
           WHERE r2.b = r.b AND r2.form_id = r.form_id AND r2.workplace_id = r.workplace_id) AS months
        FROM r WHERE form_id IN ('wage_arrears', 'social_insurance') GROUP BY 1, 2, 3),
acc AS (SELECT b, workplace_id, coalesce(CASE WHEN answers->>'when' ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' THEN answers->>'when' END,
          day::text) AS d,
          max(CASE WHEN jsonb_typeof(answers->'dead') = 'number' THEN greatest(floor((answers->>'dead')::numeric), 0) ELSE 0 END) AS dead,
          max(CASE WHEN jsonb_typeof(answers->'injured') = 'number' THEN greatest(floor((answers->>'injured')::numeric), 0)
              ELSE 0 END) AS injured
        FROM r WHERE form_id = 'safety' AND answers->>'kind' = 'accident' GROUP BY 1, 2, 3),
bs AS (SELECT DISTINCT b FROM r UNION SELECT DISTINCT b FROM ent UNION SELECT DISTINCT b FROM acc)
SELECT bs.b,
  (SELECT count(*) FROM r WHERE r.b = bs.b) AS "reports.total",
  (SELECT count(*) FROM r WHERE r.b = bs.b AND form_id = 'wage_arrears') AS "reports.form.wage_arrears",
  (SELECT count(*) FROM r WHERE r.b = bs.b AND form_id = 'bargaining_survey') AS "reports.form.bargaining_survey",
  (SELECT count(*) FROM r WHERE r.b = bs.b AND channel = 'phone') AS "reports.channel.phone",
  (SELECT count(*) FROM r WHERE r.b = bs.b AND channel = 'qr') AS "reports.channel.qr",
  (SELECT count(*) FROM r WHERE r.b = bs.b AND status = 'resolved') AS "reports.resolved",
  (SELECT count(*) FROM ent WHERE ent.b = bs.b AND form_id = 'wage_arrears') AS "wage_arrears.enterprises",
  (SELECT coalesce(sum(workers), 0) FROM ent WHERE ent.b = bs.b AND form_id = 'wage_arrears') AS "wage_arrears.workers",
  (SELECT coalesce(sum(amount), 0) FROM ent WHERE ent.b = bs.b AND form_id = 'wage_arrears') AS "wage_arrears.amount",
  (SELECT coalesce(sum(months), 0) FROM ent WHERE ent.b = bs.b AND form_id = 'wage_arrears') AS "wage_arrears.months",
  (SELECT count(*) FROM ent WHERE ent.b = bs.b AND form_id = 'social_insurance') AS "si_arrears.enterprises",
  (SELECT coalesce(sum(workers), 0) FROM ent WHERE ent.b = bs.b AND form_id = 'social_insurance') AS "si_arrears.workers",
  (SELECT coalesce(sum(months), 0) FROM ent WHERE ent.b = bs.b AND form_id = 'social_insurance') AS "si_arrears.months",
  (SELECT count(*) FROM acc WHERE acc.b = bs.b) AS "accidents.count",
  (SELECT coalesce(sum(dead), 0) FROM acc WHERE acc.b = bs.b) AS "accidents.dead",
  (SELECT coalesce(sum(injured), 0) FROM acc WHERE acc.b = bs.b) AS "accidents.injured"
FROM bs"""


def _fx_answers(rng, form):
    """Random answers of a form, odd ones included (strings for numbers, repeats, nulls, unknown values)."""
    months = [f"2026-0{m}" for m in range(1, 6)]
    if form == "wage_arrears":
        a = {"months_owed": rng.sample(months, rng.randint(0, 3)) + rng.choice([[], ["2026-01"], [None]]),
             "coworkers": rng.choice(["t1_10", "t11_50", "t51_100", "t101_300", "t301_plus", "unknown"]),
             "amount_basis": rng.choice(["total", "per_person"])}
        if rng.random() < 0.8:
            a["amount"] = rng.choice([rng.randint(0, 50) * 1000000, "5000000", 1234567.5])
        return a
    if form == "social_insurance":
        return {"months_unpaid": rng.choice([rng.sample(months, rng.randint(0, 4)), "2026-01", ["2026-02", "2026-02"]]),
                "deducted": rng.choice(["yes", "no", "unknown"]), "coworkers": rng.choice(["t1_10", "t11_50", "x"])}
    if form == "safety":
        a = {"kind": rng.choice(["hazard", "near_miss", "accident", "accident"]), "danger_now": "no",
             "description": "Thử <script>alert(1)</script>"}
        if rng.random() < 0.7:
            a["injured"] = rng.choice([0, 1, 3, "2"])
        if rng.random() < 0.3:
            a["dead"] = rng.choice([0, 1])
        return a
    if form == "meal":
        a = {"quality": rng.choice(["good", "fair", "poor", "very_poor"]), "details": "cơm nguội"}
        if rng.random() < 0.6:
            a["meal_value"] = rng.choice([15000, 20000, 25000.5])
        return a
    if form == "bargaining_survey":
        a = {}
        if rng.random() < 0.85:
            a["priorities"] = rng.sample(PRIORITIES, rng.randint(1, 5)) + rng.choice([[], ["no_such_topic"]])
        if rng.random() < 0.7:
            a["wage_rise"] = rng.choice([5, 7.5, 10])
        if rng.random() < 0.5:
            a["meal_value_wanted"] = rng.choice([25000, 30000])
        return a
    a = {"text": rng.choice(["giờ làm thêm", "'; DROP TABLE submission; --", "=1+1"])}
    if rng.random() < 0.9:
        a["category"] = rng.choice(["wages", "hours", "safety", "meals", "harassment", "other"])
    return a


def _fx_seed(stack, rng, n):
    """The FX tree (a grandchild, workplaces at every level) and n random reports in and around May 2026."""
    if not stack.rows("SELECT 1 FROM org_unit WHERE code = :'c'", c=FX):
        _admin(stack, "unit", "add", "--code", FX, "--name", "CĐ thử số liệu nhanh", "--parent", "LDLD-LAICHAU",
               "--kind", "district")
        for code, parent in ((FX_A, FX), (FX_B, FX), (FX_A1, FX_A)):
            _admin(stack, "unit", "add", "--code", code, "--name", f"CĐ {code}", "--parent", parent, "--kind", "grassroots")
        for code, unit in FX_WP.items():
            _admin(stack, "workplace", "add", "--code", code, "--name", f"Công ty {code}", "--unit", unit)
        _admin(stack, "qr", "create", "--workplace", "FX-W1")
    forms = ["concern", "wage_arrears", "social_insurance", "safety", "meal", "bargaining_survey"]
    rows = []
    for _ in range(n):
        day = rng.randint(-3, 33)   # some just outside the period
        at = f"2026-05-01 {rng.choice(['00:00:00', '00:30:00', '12:00:00', '23:59:59'])}"
        rows.append({"w": rng.choice(list(FX_WP)), "f": rng.choice(forms), "ch": rng.choice(["qr", "phone", "paper"]),
                     "at": at, "d": day, "a": _fx_answers(rng, rng.choice(forms)),
                     "st": rng.choice(["new", "new", "in_review", "resolved", "spam"]), "u": rng.random() < 0.2,
                     "k": harness.new_idem()})
    for r in rows:   # each answer set matches its form
        r["a"] = _fx_answers(rng, r["f"])
        if r["w"] != "FX-W1":
            r["ch"] = rng.choice(["phone", "paper", "in_person"])
    stack.psql(
        "INSERT INTO submission (form_id, form_version, workplace_id, unit_id, entry_point_id, channel, received_at, "
        "answers, lang, idempotency_key, receipt_hash, status, urgent, entered_by) "
        "SELECT r.f, 1, w.id, w.unit_id, CASE WHEN r.ch = 'qr' THEN (SELECT min(e.id) FROM entry_point e "
        "WHERE e.workplace_id = w.id) END, r.ch, ((r.at)::timestamp + r.d * interval '1 day') AT TIME ZONE "
        "'Asia/Ho_Chi_Minh', r.a, 'vi', r.k, sha256(convert_to(r.k, 'UTF8')), r.st, r.u, "
        "CASE WHEN r.ch <> 'qr' THEN (SELECT id FROM officer WHERE username = 'demo.tinh') END "
        "FROM jsonb_to_recordset($fxrows$" + json.dumps(rows) + "$fxrows$::jsonb) AS r (w text, f text, ch text, "
        "at text, d int, a jsonb, st text, u boolean, k text) JOIN workplace w ON w.code = r.w")


def _facts_equal(t, stack, when):
    fast = sorted(tuple(r.values()) for r in stack.rows(FACTS_FAST))
    direct = sorted(tuple(r.values()) for r in stack.rows(FACTS_DIRECT))
    t.check(len(direct) > 20, f"{when}: there are facts to compare ({len(direct)})")
    t.eq(fast, direct, f"{when}: the facts the pages read equal a direct computation over the reports")


def _stats_equal(t, stack, when):
    """The CLI's table of FX (the page's by construction) against the direct aggregates over the answers."""
    r = stack.admin("export", "stats", "--unit", FX, "--from", FX_FROM, "--to", FX_TO, "--format", "json")
    t.require(r.returncode == 0, f"{when}: export stats: {r.stderr.decode()}")
    doc = json.loads(r.stdout)
    inds = {i["code"]: i for i in doc["indicators"]}
    ids = {str(row["id"]): row["code"] for row in stack.rows(
        "SELECT u.id, u.code FROM org_unit u JOIN org_unit p ON u.parent_id = p.id WHERE p.code = :'c'", c=FX)}
    ids[""] = FX
    want, got = {}, {}
    for row in stack.rows(STATS_DIRECT, unit=FX, f=FX_FROM, t=FX_TO):
        code = ids.get(row["b"], row["b"])
        want[code] = {k: int(v) for k, v in row.items() if k != "b"}
        got[code] = {k: inds[k]["by_unit"].get(code) for k in want[code]}
    t.check(len(want) >= 3, f"{when}: figures in several units ({len(want)})")
    t.eq(got, want, f"{when}: each indicator by unit equals the direct per-enterprise aggregate over the answers")
    for k in next(iter(want.values()), {}):
        t.eq(inds[k]["total"], sum(w[k] for w in want.values()), f"{when}: the total of {k}")
    return doc


def _borda_direct(stack, wp_code, k):
    """Borda points and rankers per topic of FX workplace's surveys in May, in Python from the raw answers."""
    points, ranked = {}, {}
    for row in stack.rows(
            "SELECT s.answers->'priorities' AS p FROM submission s JOIN workplace w ON w.id = s.workplace_id "
            "WHERE w.code = :'w' AND s.form_id = 'bargaining_survey' AND s.status <> 'spam' "
            "AND jsonb_typeof(s.answers->'priorities') = 'array' AND s.received_at >= "
            "(:'f')::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh' AND s.received_at < "
            "((:'t')::date + 1)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh'", w=wp_code, f=FX_FROM, t=FX_TO):
        seen = []
        for x in row["p"]:
            if x in PRIORITIES and x not in seen:
                seen.append(x)
        for pos, x in enumerate(seen):
            points[x] = points.get(x, 0) + len(seen) - pos
            ranked[x] = ranked.get(x, 0) + 1
    return {x: points[x] for x in points if ranked[x] >= k}


def _brief_equal(t, c, stack, when):
    wp = str(stack.value("SELECT id FROM workplace WHERE code = 'FX-W1'"))
    r = c.get(f"/admin/brief?workplace={wp}&from={FX_FROM}&to={FX_TO}&k=3")
    t.require(r.status == 200, f"{when}: the brief: {r.status}")
    shown = {m.group(1): int(m.group(2)) for m in re.finditer(
        r'<tr data-option="([a-z_]+)"><td>\d+</td><td>[^<]*</td><td class="num">(\d+)</td>', r.text)}
    t.eq(shown, _borda_direct(stack, "FX-W1", 3), f"{when}: the brief's Borda points equal a count over the answers")
    total = stack.value("SELECT count(*) FROM submission s JOIN workplace w ON w.id = s.workplace_id WHERE w.code = "
                        "'FX-W1' AND s.status <> 'spam' AND s.received_at >= (:'f')::timestamp AT TIME ZONE "
                        "'Asia/Ho_Chi_Minh' AND s.received_at < ((:'t')::date + 1)::timestamp AT TIME ZONE "
                        "'Asia/Ho_Chi_Minh'", f=FX_FROM, t=FX_TO)
    m = re.search(r'class="figures by-form">.*?</table>', r.text, re.S)
    t.require(m, f"{when}: the brief has its table by form")
    last = re.findall(r'<td class="num">([^<]*)</td>', m.group(0))[-1]
    t.eq(last.replace(".", "").replace(",", ""), str(total) if total >= 3 else last,
         f"{when}: the brief's total is the direct count ({total})")


def test_facts_exact(t, stack):
    import random
    rng = random.Random(20261205)
    _fx_seed(stack, rng, 600)
    c, logins = _province(t, stack)
    t.eq(stack.value("SELECT count(*) FROM submission_fact_log l JOIN submission s ON s.id = l.submission_id "
                     "JOIN workplace w ON w.id = s.workplace_id WHERE w.code LIKE 'FX-W%'"), 0,
         "a new report writes no log row (sql/065: the figures read it from the reports until it is folded)")
    _facts_equal(t, stack, "before folding")
    _stats_equal(t, stack, "fresh reports")
    # seal and fold as the sender does every few seconds (it may have done so already)
    stack.psql("SELECT submission_seal();")
    stack.psql("SELECT submission_fact_compact();")
    t.check(stack.value("SELECT report_id FROM submission_mark WHERE mark = 'folded'") >=
            stack.value("SELECT max(s.id) FROM submission s JOIN workplace w ON w.id = s.workplace_id "
                        "WHERE w.code LIKE 'FX-W%'"), "sealed and folded: every FX report is in the sums")
    _facts_equal(t, stack, "after folding")
    _brief_equal(t, c, stack, "fresh reports")
    # reports not yet folded for certain: inserted, changed and deleted inside one transaction, which no seal can
    # pass while it is open; what the pages read equals the direct count at each step
    same = (f"((SELECT coalesce(json_agg(x ORDER BY x::text), '[]') FROM ({FACTS_FAST}) x)::text = "
            f"(SELECT coalesce(json_agg(x ORDER BY x::text), '[]') FROM ({FACTS_DIRECT}) x)::text)::text;")
    out = stack.psql(
        "BEGIN;\n"
        "INSERT INTO submission (form_id, form_version, workplace_id, unit_id, channel, received_at, answers, lang, "
        "idempotency_key, receipt_hash, entered_by) SELECT 'wage_arrears', 1, w.id, w.unit_id, 'phone', "
        "'2026-05-20 09:00+07', jsonb_build_object('coworkers', 't51_100', 'amount', 1000000 * i, 'amount_basis', "
        "'total', 'months_owed', jsonb_build_array('2026-04')), 'vi', md5('fx-open-' || i), sha256(convert_to('fx-open-' "
        "|| i, 'UTF8')), (SELECT id FROM officer WHERE username = 'demo.tinh') FROM workplace w, generate_series(1, 30) i "
        "WHERE w.code = 'FX-W2';\n"
        "SELECT 'N' || count(*) FROM submission WHERE idempotency_key IN (SELECT md5('fx-open-' || i) FROM "
        "generate_series(1, 30) i) AND id > (SELECT report_id FROM submission_mark WHERE mark = 'folded');\n"
        "SELECT 'A' || " + same + "\n"
        "UPDATE submission SET status = 'spam' WHERE idempotency_key IN (SELECT md5('fx-open-' || i) FROM "
        "generate_series(1, 10) i);\n"
        "UPDATE submission SET answers = answers || '{\"amount\": 7}' WHERE idempotency_key IN "
        "(SELECT md5('fx-open-' || i) FROM generate_series(11, 20) i);\n"
        "DELETE FROM submission WHERE idempotency_key IN (SELECT md5('fx-open-' || i) FROM generate_series(21, 25) i);\n"
        "SELECT 'L' || count(*) FROM submission_fact_log WHERE submission_id > "
        "(SELECT report_id FROM submission_mark WHERE mark = 'folded');\n"
        "SELECT 'B' || " + same + "\n"
        "ROLLBACK;")
    marks = {x[:1]: x[1:] for x in out.splitlines() if x[:1] in "NALB"}
    t.eq(marks.get("N"), "30", f"30 reports above the fold mark inside the transaction ({marks})")
    t.eq(marks.get("A"), "true", "unfolded new reports: the pages' facts equal the direct count")
    t.eq(marks.get("L"), "45", "their changes and deletions are logged with their id (10 + 10 changed x2, 5 deleted)")
    t.eq(marks.get("B"), "true", "after changing and deleting unfolded reports: still equal (their log rows are not "
                               "counted twice)")

    ids = [r["id"] for r in stack.rows("SELECT s.id FROM submission s JOIN workplace w ON w.id = s.workplace_id "
                                       "WHERE w.code LIKE 'FX-W%' ORDER BY s.id")]
    pick = lambda n: ",".join(str(i) for i in rng.sample(ids, n))   # noqa: E731
    # status changes (into and out of spam, and between ordinary states), urgency, assignment
    stack.psql(f"UPDATE submission SET status = 'spam' WHERE id IN ({pick(40)})")
    stack.psql(f"UPDATE submission SET status = 'resolved' WHERE id IN ({pick(60)})")
    stack.psql(f"UPDATE submission SET urgent = NOT urgent WHERE id IN ({pick(40)})")
    stack.psql(f"UPDATE submission SET assignee_id = (SELECT id FROM officer WHERE username = 'demo.tinh') "
               f"WHERE id IN ({pick(20)})")
    _facts_equal(t, stack, "after status changes, unfolded")
    _stats_equal(t, stack, "after status changes")
    _brief_equal(t, c, stack, "after status changes")
    # anonymisation (answers emptied) and purge (rows deleted)
    # in one transaction, so that the sender's fold cannot take the log rows before they are looked at
    anon, gone = rng.sample(ids, 50), rng.sample(ids, 40)
    out = stack.psql(
        "BEGIN;\n" + "".join(f"SELECT submission_anonymise({i});\n" for i in anon) +
        f"DELETE FROM submission WHERE id IN ({','.join(map(str, gone))});\n"
        "SELECT 'W' || count(*) FILTER (WHERE sign = -1) || ' ' || count(*) FILTER (WHERE submission_id IS NULL) || ' ' "
        "|| count(*) FILTER (WHERE answers ?| array['text', 'description', 'details', 'comments', 'where']) "
        "FROM submission_fact_log WHERE xmin::text = txid_current()::text;\n"
        "COMMIT;")
    ids = [i for i in ids if i not in gone]
    waiting = next((x[1:].split() for x in out.splitlines() if x.startswith("W")), ["0", "?", "?"])
    t.check(int(waiting[0]) >= 90, f"anonymised and deleted reports wait in the log ({waiting[0]} rows of -1)")
    t.eq(waiting[1], "0", "each log row names its report")
    t.eq(waiting[2], "0", "the log keeps none of a worker's words (only the answers the figures read)")
    _facts_equal(t, stack, "after anonymisation and purge, unfolded")
    _brief_equal(t, c, stack, "after anonymisation and purge")   # the page folds
    _facts_equal(t, stack, "after anonymisation and purge, folded")
    _stats_equal(t, stack, "after anonymisation and purge")
    # re-parenting: the grandchild moves from A to B and counts under B (it is still the unit its reports were
    # filed under); the workplace moved from A to B keeps its past reports under A, where they arrived
    before = _stats_equal(t, stack, "before re-parenting")
    a1_reports = stack.value(
        "SELECT count(*) FROM submission s JOIN org_unit u ON u.id = s.unit_id WHERE u.code = :'a1' AND s.status <> 'spam' "
        "AND s.received_at >= (:'f')::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh' AND s.received_at < "
        "((:'t')::date + 1)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh'", a1=FX_A1, f=FX_FROM, t=FX_TO)
    t.check(a1_reports > 0, "the grandchild has reports in the period")
    stack.psql("UPDATE org_unit SET parent_id = (SELECT id FROM org_unit WHERE code = :'b') WHERE code = :'a1'",
               b=FX_B, a1=FX_A1)
    stack.psql("UPDATE workplace SET unit_id = (SELECT id FROM org_unit WHERE code = :'b') WHERE code = 'FX-W2'", b=FX_B)
    after = _stats_equal(t, stack, "after re-parenting")
    tot = lambda doc, unit: {i["code"]: i["by_unit"].get(unit) for i in doc["indicators"]}["reports.total"]   # noqa: E731
    t.eq(tot(after, FX_B), tot(before, FX_B) + a1_reports, "B now counts the grandchild's reports, not FX-W2's")
    t.eq(tot(after, FX_A), tot(before, FX_A) - a1_reports, "A keeps the reports FX-W2 sent while it was A's")
    t.eq([i["total"] for i in after["indicators"]], [i["total"] for i in before["indicators"]],
         "no total changes when units move")
    ward = harness.console_login(stack, "demo.tanphong", logins["demo.tanphong"])
    wp = str(stack.value("SELECT id FROM workplace WHERE code = 'FX-W1'"))
    t.eq(ward.get(f"/admin/brief?workplace={wp}&from={FX_FROM}&to={FX_TO}").status, 404,
         "a ward officer outside the tree: the brief of its workplace is 404")

    # row-level security on the sums and the log, with and without the pages' WHERE
    scoped = stack.psql(
        "BEGIN; SELECT set_config('tiengnoi.scope', (SELECT path FROM org_unit WHERE code = 'CD-TANPHONG'), true); "
        "SET LOCAL ROLE tiengnoi_officer; SELECT count(*) FROM submission_fact f JOIN workplace w ON "
        "w.id = f.workplace_id WHERE w.code LIKE 'FX-W%'; SELECT count(*) FROM submission_fact_all f "
        "WHERE f.workplace_id IN (SELECT id FROM workplace WHERE code LIKE 'FX-W%'); "
        "SELECT count(*) FROM submission_fact_log; ROLLBACK;").splitlines()
    t.eq(scoped[-3:], ["0", "0", "0"], "an officer outside the tree sees none of its facts, even without a WHERE")
    fx_b = stack.psql(
        "BEGIN; SELECT set_config('tiengnoi.scope', (SELECT path FROM org_unit WHERE code = :'b'), true); "
        "SET LOCAL ROLE tiengnoi_officer; SELECT coalesce(sum(n), 0) FROM submission_fact_all WHERE fact = 'reports'; "
        "ROLLBACK;", b=FX_B).splitlines()[-1]
    t.eq(int(fx_b), stack.value(
        "SELECT count(*) FROM submission s JOIN workplace w ON w.id = s.workplace_id JOIN org_unit u ON "
        "u.id = w.unit_id WHERE u.path LIKE (SELECT path FROM org_unit WHERE code = :'b') || '%' AND "
        "s.status <> 'spam'", b=FX_B), "an officer of B sees exactly B's reports in the facts (after the move)")
    for role in ("tiengnoi_officer", "tiengnoi_app"):
        r = subprocess_psql(stack, f"SET ROLE {role}; INSERT INTO submission_fact VALUES (1, '2026-05-01', 'concern', "
                                   "'qr', 'reports', 1000, 0);")
        t.check(r.returncode != 0 and b"permission denied" in r.stderr, f"{role} cannot write the sums")
        r = subprocess_psql(stack, f"SET ROLE {role}; DELETE FROM submission_fact_log;")
        t.check(r.returncode != 0 and b"permission denied" in r.stderr, f"{role} cannot empty the log")

    # 64 concurrent inserts at one workplace and day: none lost, none blocked for long
    procs = [subprocess_psql(stack,
             "INSERT INTO submission (form_id, form_version, workplace_id, unit_id, channel, received_at, answers, "
             "lang, idempotency_key, receipt_hash, entered_by) SELECT 'concern', 1, w.id, w.unit_id, 'phone', "
             f"'2026-05-15 10:00+07', '{{\"category\": \"wages\"}}', 'vi', md5('fx-burst-{i:03d}'), "
             f"sha256('fx-burst-{i:03d}'), (SELECT id FROM officer WHERE username = 'demo.tinh') "
             "FROM workplace w WHERE w.code = 'FX-W3'", wait=False) for i in range(64)]
    rcs = [p.wait(timeout=60) for p in procs]
    t.eq(rcs, [0] * 64, f"64 concurrent inserts all succeed: {procs[0].stderr.read()[:300]!r}")
    _facts_equal(t, stack, "after 64 concurrent inserts")
    _stats_equal(t, stack, "after 64 concurrent inserts")


def subprocess_psql(stack, sql, wait=True):
    """psql as the database owner without raising: the CompletedProcess (or the Popen with wait=False)."""
    import subprocess
    args = ["psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-h", str(stack.run_dir), "-U", "tiengnoi",
            "-d", "tiengnoi", "-c", sql]
    if not wait:
        return subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return subprocess.run(args, capture_output=True, timeout=30)


# -- issue 11: per enterprise, claimed and verified, freezing, the indicator set --

E, E_A, E_B = "STATS-E", "STATS-E-A", "STATS-E-B"
E_FROM, E_TO = "2026-11-01", "2026-11-30"
WAGE5 = {"months_owed": ["2026-10", "2026-11"], "amount": 500000000, "amount_basis": "total", "coworkers": "t51_100"}
SI6 = {"months_unpaid": ["2026-05", "2026-06", "2026-07", "2026-08", "2026-09", "2026-10"], "deducted": "yes",
       "coworkers": "t101_300"}


def _insert_report(stack, wp, form, at, answers, status="new"):
    """One report entered by phone at workplace wp, received at `at` (Vietnam time); its id."""
    k = harness.new_idem()
    return stack.psql(
        "INSERT INTO submission (form_id, form_version, workplace_id, unit_id, channel, received_at, answers, lang, "
        "idempotency_key, receipt_hash, status, entered_by) SELECT :'f', 1, w.id, w.unit_id, 'phone', "
        "(:'at')::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh', :'a'::jsonb, 'vi', :'k', sha256(convert_to(:'k', 'UTF8')), "
        ":'st', (SELECT id FROM officer WHERE username = 'demo.tinh') FROM workplace w WHERE w.code = :'w' RETURNING id",
        f=form, at=at, a=json.dumps(answers), k=k, st=status, w=wp).splitlines()[0]


def _e_seed(stack):
    """The E tree: five workers report one 500 million debt at an FDI enterprise, three the same six SI months;
    two reports of one accident and one of another; cases officers verified or not; one answered report."""
    if stack.rows("SELECT 1 FROM org_unit WHERE code = :'c'", c=E):
        return
    _admin(stack, "unit", "add", "--code", E, "--name", "CĐ thử theo doanh nghiệp", "--parent", "LDLD-LAICHAU",
           "--kind", "district")
    for code in (E_A, E_B):
        _admin(stack, "unit", "add", "--code", code, "--name", f"CĐCS {code}", "--parent", E, "--kind", "grassroots")
    _admin(stack, "workplace", "add", "--code", "STATS-E-W1", "--name", "Công ty FDI thử", "--unit", E_A)
    _admin(stack, "workplace", "add", "--code", "STATS-E-W2", "--name", "Công ty nhà nước thử", "--unit", E_B)
    stack.psql("UPDATE workplace SET ownership = CASE code WHEN 'STATS-E-W1' THEN 'fdi' ELSE 'state' END "
               "WHERE code IN ('STATS-E-W1', 'STATS-E-W2')")
    first = None
    for i in range(5):
        sid = _insert_report(stack, "STATS-E-W1", "wage_arrears", f"2026-11-10 0{i}:00", WAGE5)
        first = first or sid
    for i in range(3):
        _insert_report(stack, "STATS-E-W1", "social_insurance", f"2026-11-11 0{i}:00", SI6)
    # the SI amount is read from `amount` with amount_basis = total, the keys wage_arrears.json uses
    _insert_report(stack, "STATS-E-W2", "social_insurance", "2026-11-12 09:00",
                   {"months_unpaid": ["2026-09"], "amount": 80000000, "amount_basis": "total", "coworkers": "t11_50"})
    accident = {"kind": "accident", "danger_now": "no", "description": "sập giàn giáo", "when": "2026-11-05",
                "injured": 3, "dead": 1, "seriously_injured": 2}
    _insert_report(stack, "STATS-E-W2", "safety", "2026-11-05 10:00", accident)
    _insert_report(stack, "STATS-E-W2", "safety", "2026-11-06 10:00", accident)   # the same accident, told again
    _insert_report(stack, "STATS-E-W2", "safety", "2026-11-20 10:00",
                   {"kind": "accident", "danger_now": "no", "description": "kẹt tay", "when": "2026-11-20", "injured": 1})
    stack.psql("INSERT INTO message (submission_id, author, officer_id, body, created_at) VALUES (:'s', 'officer', "
               "(SELECT id FROM officer WHERE username = 'demo.tinh'), 'Công đoàn đã nhận.', "
               "'2026-11-12 09:00+07')", s=first)
    cases = [  # (workplace, kind, stage, corrected, workers, months, amount, member, role, recovered)
        ("STATS-E-W1", "wage_arrears", "verification", True, 60, 2, 450000000, None, None, None),
        ("STATS-E-W1", "wage_arrears", "intake", False, 99, 9, 999, None, None, None),   # not verified: not counted
        ("STATS-E-W2", "other", "court", False, None, None, None, True, "representative", 100000000),
        ("STATS-E-W2", "other", "court", False, None, None, None, True, "none", None),
    ]
    for wp, kind, stage, corrected, workers, months, amount, member, role, recovered in cases:
        stack.psql(
            "INSERT INTO dispute_case (unit_id, workplace_id, kind, title, stage, created_at, totals_corrected, "
            "workers_affected, months_owed, amount_owed_vnd, worker_member, union_role, recovered_vnd) "
            "SELECT w.unit_id, w.id, :'k', 'Vụ thử số liệu', :'s', '2026-11-15 09:00+07', :'c'::boolean, "
            "nullif(:'wk', '')::int, nullif(:'m', '')::int, nullif(:'a', '')::bigint, nullif(:'mb', '')::boolean, "
            "nullif(:'r', ''), nullif(:'rc', '')::bigint FROM workplace w WHERE w.code = :'w'",
            k=kind, s=stage, c=str(corrected).lower(), wk="" if workers is None else workers, m="" if months is None else months,
            a="" if amount is None else amount, mb="" if member is None else str(member).lower(), r=role or "",
            rc="" if recovered is None else recovered, w=wp)


def _e_doc(stack, to=E_TO):
    r = stack.admin("export", "stats", "--unit", E, "--from", E_FROM, "--to", to, "--format", "json")
    if r.returncode != 0:
        raise harness.Failure(f"export stats: {r.stderr.decode()}")
    return json.loads(r.stdout)


def test_stats_per_enterprise(t, stack):
    _e_seed(stack)
    doc = _e_doc(stack)
    inds = {i["code"]: i for i in doc["indicators"]}
    fig = {code: (i["total"], i["verified"]) for code, i in inds.items()}
    t.eq(fig["reports.form.wage_arrears"], (5, None), "five wage reports arrived")
    t.eq(fig["wage_arrears.enterprises"], (1, 1), "one enterprise owes wages (one verified on a case)")
    t.eq(fig["wage_arrears.amount"], (500000000, 450000000),
         "500,000,000 đ claimed, not 2,500,000,000; the officer's corrected total beside it")
    t.check(fig["wage_arrears.workers"][0] >= 51 and fig["wage_arrears.workers"][0] < 100,
            f"at least 51 workers, not 255: {fig['wage_arrears.workers']}")
    t.eq(fig["wage_arrears.workers"], (51, 60), "workers: claimed 51, verified 60")
    t.eq(fig["wage_arrears.months"], (2, 2), "two distinct months")
    t.eq(fig["si_arrears.months"], (7, 0), "6 months at one enterprise, not 18, plus 1 at the other")
    t.eq(fig["si_arrears.enterprises"][0], 2, "two enterprises owe social insurance")
    t.eq(fig["si_arrears.workers"][0], 101 + 11, "SI workers: the largest group per enterprise")
    t.eq(fig["si_arrears.amount"][0], 80000000, "the SI amount from the report's `amount` (total)")
    t.eq(fig["accidents.count"], (2, None), "two accidents, though three reports")
    t.eq((fig["accidents.dead"][0], fig["accidents.injured"][0], fig["accidents.seriously_injured"][0]), (1, 4, 2),
         "dead, injured and seriously injured per accident, not per report")
    t.eq((fig["reports.answered"][0], fig["reports.answered_in_time"][0], fig["reports.median_days_to_reply"][0]), (1, 1, 2),
         "one report answered, two working days after it arrived (within the default 5)")
    t.eq(fig["reports.answered_in_time_pct"][0], 8, "1 of 12 reports answered in time (the rest overdue at the cut-off)")
    t.eq((fig["cases.total"][0], fig["cases.open"][0]), (4, 4), "four cases, all open")
    t.eq((fig["cases.kind.wage_arrears"][0], fig["cases.kind.other"][0], fig["cases.stage.court"][0]), (2, 2, 2),
         "cases by kind and stage")
    t.eq((fig["cases.member_court"][0], fig["cases.member_court_supported"][0], fig["cases.member_court_supported_pct"][0]),
         (2, 1, 50), "members' court cases with union support: 1 of 2, 50% (target 90%)")
    t.eq(fig["cases.recovered_amount"], (100000000, 100000000), "money recovered for workers")
    t.eq(inds["wage_arrears.amount"]["by_ownership"], {"state": 0, "non_state": 0, "fdi": 500000000}, "by ownership")
    t.eq(inds["reports.total"]["by_ownership"], {"state": 4, "non_state": 0, "fdi": 8}, "reports by ownership")
    t.eq(inds["accidents.count"]["by_unit"], {E_A: 0, E_B: 2, E: 0}, "accidents by unit")
    t.eq(inds["wage_arrears.amount"]["by_unit"][E_A], 500000000, "the amount under the unit the reports came to")

    c, logins = _province(t, stack)
    e_id = str(stack.value("SELECT id FROM org_unit WHERE code = :'c'", c=E))
    r = c.get(f"/admin/stats?unit={e_id}&from={E_FROM}&to={E_TO}")
    t.require(r.status == 200, f"the page: {r.status}")
    page = _table_values(r.text)
    t.eq((page["wage_arrears.amount"]["total"], page["wage_arrears.amount"]["verified"]), (500000000, 450000000),
         "the page shows claimed and verified side by side")
    t.eq(page["wage_arrears.amount"]["own:fdi"], 500000000, "the page's ownership columns")
    t.check("Theo phản ánh" in r.text and "Đã xác minh" in r.text and "Doanh nghiệp FDI" in r.text,
            "the page's column headings")


def _freezes(stack):
    return stack.value("SELECT count(*) FROM stats_freeze f JOIN org_unit u ON u.id = f.unit_id WHERE u.code = :'c'", c=E)


def test_stats_freeze(t, stack):
    _e_seed(stack)
    c, logins = _province(t, stack)
    e_id = str(stack.value("SELECT id FROM org_unit WHERE code = :'c'", c=E))
    url = f"/admin/stats?unit={e_id}&from={E_FROM}&to={E_TO}"
    live = _e_doc(stack)
    audits = stack.value("SELECT count(*) FROM audit_log WHERE action = 'stats.freeze'")

    # the console: an admin freezes; a frozen period refuses a freeze without a reason, beside the field
    page = c.get(url)
    t.check('action="/admin/stats/freeze?unit=' in page.text, "an admin sees the freeze button")
    r = c.post(f"/admin/stats/freeze?unit={e_id}&from={E_FROM}&to={E_TO}", [("reason", "")])
    t.eq(r.status, 303, f"the first freeze needs no reason: {r.status} {r.text[:300]}")
    row = stack.rows("SELECT sha256, content, frozen_by, officer_id IS NOT NULL AS by_officer, "
                     "encode(sha256(convert_to(content, 'UTF8')), 'hex') AS computed FROM stats_freeze f "
                     "JOIN org_unit u ON u.id = f.unit_id WHERE u.code = :'c' AND superseded_by IS NULL", c=E)
    t.require(len(row) == 1, "one current freeze")
    t.eq(row[0]["sha256"], row[0]["computed"], "the stored SHA-256 is the content's")
    t.check(row[0]["by_officer"] and "demo.tinh" in row[0]["frozen_by"], "who froze it")
    page = c.get(url)
    t.check('id="frozen"' in page.text and row[0]["sha256"] in page.text, "the frozen banner shows the hash")
    n = _freezes(stack)
    r = c.post(f"/admin/stats/freeze?unit={e_id}&from={E_FROM}&to={E_TO}", [("reason", "   ")])
    t.eq(r.status, 400, "a frozen period: no reason, 400")
    t.check('id="e-f-freeze-reason"' in r.text and "lý do" in r.text, "the error beside the reason field")
    t.eq(_freezes(stack), n, "nothing stored")
    r = c.post(f"/admin/stats/freeze?unit={e_id}&from=2026-02-30&to={E_TO}", [("reason", "x")])
    t.eq(r.status, 400, "an impossible date: 400")
    r = c.post(f"/admin/stats/freeze?unit={e_id}&from={E_TO}&to={E_FROM}", [("reason", "x")])
    t.eq(r.status, 400, "to before from: 400")
    t.eq(c.post(f"/admin/stats/freeze?unit=999999999&from={E_FROM}&to={E_TO}", [("reason", "x")]).status, 404,
         "an unknown unit: 404")
    t.eq(c.post(f"/admin/stats/freeze?unit={e_id}&from={E_FROM}&to={E_TO}", [("reason", "x")], csrf=False).status, 403,
         "without the CSRF token: 403")
    w = harness.console_login(stack, "demo.tanphong", logins["demo.tanphong"])
    w.get("/admin/stats")
    t.eq(w.post(f"/admin/stats/freeze?unit={e_id}&from={E_FROM}&to={E_TO}", [("reason", "x")]).status, 403,
         "an officer who is not an admin: 403")
    t.eq(_freezes(stack), n, "nothing stored by the refusals")

    # the CLI: the same period frozen again needs --reason; the new freeze supersedes, audited
    r = stack.admin("stats", "freeze", "--unit", E, "--from", E_FROM, "--to", E_TO)
    t.eq(r.returncode, 2, "the CLI refuses a second freeze without --reason")
    t.check(b"--reason" in r.stderr, "and says --reason is needed")
    t.eq(_freezes(stack), n, "nothing stored")
    for bad in (("--from", "2026-02-30", "--to", E_TO), ("--from", E_TO, "--to", E_FROM), ("--unit", "NO-SUCH-UNIT"),
                ("--reason", "\xff".encode("latin-1"))):
        args = ("stats", "freeze") + (("--unit", E) if "--unit" not in bad else ()) + \
            (("--from", E_FROM, "--to", E_TO) if "--from" not in bad else ()) + bad
        t.eq(stack.admin(*args).returncode, 2, f"stats freeze {bad!r}: exit 2")
    t.eq(_freezes(stack), n, "nothing stored by bad arguments")

    frozen = _e_doc(stack)
    t.eq(frozen["frozen"], True, "the export says frozen")
    t.eq(frozen["freeze"]["sha256"], row[0]["sha256"], "with the hash")
    t.eq(frozen["indicators"], live["indicators"], "the frozen figures are the figures at the freeze")

    # re-parent the child with the wage reports out of E, move a workplace, anonymise a report, add one
    stack.psql("UPDATE org_unit SET parent_id = (SELECT id FROM org_unit WHERE code = 'LDLD-LAICHAU') WHERE code = :'a'", a=E_A)
    stack.psql("UPDATE workplace SET unit_id = (SELECT id FROM org_unit WHERE code = :'a') WHERE code = 'STATS-E-W2'", a=E_A)
    sid = stack.value("SELECT min(s.id) FROM submission s JOIN workplace w ON w.id = s.workplace_id "
                      "WHERE w.code = 'STATS-E-W2' AND s.form_id = 'safety'")
    stack.psql("SELECT submission_anonymise(:'i')", i=sid)
    _insert_report(stack, "STATS-E-W2", "concern", "2026-11-25 09:00", {"text": "sau khi chốt"})
    after = _e_doc(stack)
    t.eq(after["indicators"], live["indicators"], "a re-parent, a move and an anonymisation leave the frozen period unchanged")
    moved = _e_doc(stack, to="2026-11-29")   # the same days, not frozen: computed afresh
    m = {i["code"]: i for i in moved["indicators"]}
    t.eq(moved["frozen"], False, "another period is not frozen")
    t.check(E_A not in m["reports.total"]["by_unit"], "live, the moved unit is no longer a child of E")
    t.eq(m["wage_arrears.amount"]["total"], 0, "live, its wage reports left E with it")
    t.eq(m["accidents.count"]["total"], 2, "live, the moved workplace's accidents stay with E-B, where they arrived")
    t.eq(m["accidents.dead"]["total"], 1, "live, the anonymised report's accident is still counted by its twin")
    xl = stack.admin("export", "stats", "--unit", E, "--from", E_FROM, "--to", E_TO, "--format", "csv")
    t.check(str(500000000).encode() in xl.stdout, "the frozen CSV still has the wage amount")

    r = stack.admin("stats", "freeze", "--unit", E, "--from", E_FROM, "--to", E_TO, "--reason", "Đơn vị A chuyển về tỉnh")
    t.eq(r.returncode, 0, f"a new freeze with a reason: {r.stderr.decode()}")
    t.eq(stack.value("SELECT count(*) FROM stats_freeze f JOIN org_unit u ON u.id = f.unit_id WHERE u.code = :'c' "
                     "AND superseded_by IS NOT NULL", c=E), 1, "the old freeze is kept, superseded")
    again = _e_doc(stack)
    t.eq(again["freeze"]["reason"], "Đơn vị A chuyển về tỉnh", "the new freeze says why")
    t.check(again["indicators"] != live["indicators"], "and holds the figures as they are now")
    t.eq(stack.value("SELECT count(*) FROM audit_log WHERE action = 'stats.freeze'") - audits, 2, "each freeze is audited")
    page = c.get(url)
    t.check("Đơn vị A chuyển về tỉnh" in page.text and again["freeze"]["sha256"] in page.text,
            "the page shows the new freeze, its reason and hash")
    # put E-A back for the tests that follow
    stack.psql("UPDATE org_unit SET parent_id = (SELECT id FROM org_unit WHERE code = :'e') WHERE code = :'a'", e=E, a=E_A)


def test_stats_indicators(t, stack):
    _e_seed(stack)
    c, logins = _province(t, stack)
    e_id = str(stack.value("SELECT id FROM org_unit WHERE code = :'c'", c=E))
    q = f"unit={e_id}&from=2026-11-01&to=2026-11-29"
    lst = stack.admin("indicator", "list")
    t.eq(lst.returncode, 0, "indicator list")
    t.check(b"reports.total\tshown\t" in lst.stdout and b"count(reports)" in lst.stdout, "the list shows codes and rules")
    rule = lambda code: stack.value("SELECT rule FROM stats_indicator WHERE code = :'c'", c=code)   # noqa: E731
    audits = stack.value("SELECT count(*) FROM audit_log WHERE action = 'stats.indicator'")

    # rules that do not parse are refused, naming the indicator; nothing stored
    for bad in ("count(reportz)", "sum(reports)", "", "count(reports where form = 'x'; DROP TABLE submission; --)",
                "<script>alert(1)</script>", "x" * 600, b"count(\xff)"):
        r = stack.admin("indicator", "set", "--code", "reports.total", "--rule", bad)
        t.eq(r.returncode, 2, f"rule {bad[:30]!r}: exit 2")
        t.check(r.stderr.strip(), f"rule {bad[:30]!r}: a message")
    r = stack.admin("indicator", "set", "--code", "reports.total", "--rule", "count(reportz)")
    t.check(b"reports.total" in r.stderr and b"does not parse" in r.stderr, "the message names the indicator")
    t.eq(rule("reports.total"), "count(reports)", "nothing stored")
    for bad, why in ((("--code", "no.such", "--hidden", "yes"), "an unknown code"),
                     (("--code", "reports.total", "--hidden", "maybe"), "hidden must be yes or no"),
                     (("--code", "reports.total",), "nothing to change"),
                     (("--code", "reports.total", "--position", "-1"), "a negative position")):
        t.eq(stack.admin("indicator", "set", *bad).returncode, 2, f"{why}: exit 2")

    # hide and show from the CLI: the export follows
    t.eq(stack.admin("indicator", "set", "--code", "accidents.seriously_injured", "--hidden", "yes").returncode, 0, "hide")
    t.check("accidents.seriously_injured" not in [i["code"] for i in _e_doc(stack, to="2026-11-29")["indicators"]],
            "a hidden indicator leaves the export")
    t.eq(stack.admin("indicator", "set", "--code", "accidents.seriously_injured", "--hidden", "no").returncode, 0, "show")

    # the console: hide, show, move up, change a rule; refusals beside the field
    page = c.get(f"/admin/stats?{q}")
    t.check('data-indicator="cases.interest"' in page.text, "an admin sees the indicator set")
    r = c.post(f"/admin/stats/indicators?{q}", [("action", "hide"), ("code", "cases.interest")])
    t.eq(r.status, 303, f"hide: {r.status} {r.text[:200]}")
    t.check('data-code="cases.interest"' not in c.get(f"/admin/stats?{q}").text, "the hidden row leaves the table")
    t.eq(c.post(f"/admin/stats/indicators?{q}", [("action", "show"), ("code", "cases.interest")]).status, 303, "show")
    order = lambda: [i["code"] for i in _e_doc(stack, to="2026-11-29")["indicators"]]   # noqa: E731
    before = order()
    k = before.index("reports.form.meal")
    t.eq(c.post(f"/admin/stats/indicators?{q}", [("action", "up"), ("code", "reports.form.meal")]).status, 303, "move up")
    moved = order()
    t.eq(moved[k - 1:k + 1], [before[k], before[k - 1]], "the row moved one place up, in the export too")
    t.eq(c.post(f"/admin/stats/indicators?{q}", [("action", "down"), ("code", "reports.form.meal")]).status, 303, "move down")
    t.eq(order(), before, "and back")
    r = c.post(f"/admin/stats/indicators?{q}", [("action", "rule"), ("code", "reports.total"),
                                                ("rule", "sum(reports) <b>x</b>")])
    t.eq(r.status, 400, "a rule that does not parse: 400")
    t.check('id="e-f-rule-rule"' in r.text and "sum needs a field" in r.text, "the error beside the rule field says why")
    t.check("sum(reports) &lt;b&gt;x&lt;/b&gt;" in r.text and "<b>x</b>" not in r.text, "the typed rule kept, escaped")
    t.eq(rule("reports.total"), "count(reports)", "nothing stored")
    r = c.post(f"/admin/stats/indicators?{q}", [("action", "rule"), ("code", "no.such"), ("rule", "count(reports)")])
    t.eq(r.status, 400, "an unknown code: 400")
    t.check('id="e-f-rule-code"' in r.text, "the error beside the code field")
    t.eq(c.post(f"/admin/stats/indicators?{q}", [("action", "drop"), ("code", "reports.total")]).status, 400, "an unknown action")
    r = c.post(f"/admin/stats/indicators?{q}", [("action", "rule"), ("code", "reports.answered_in_time"),
                                                ("rule", "count(replies where in_time = yes and working_days <= 3)")])
    t.eq(r.status, 303, "a rule that parses is stored")
    t.eq(rule("reports.answered_in_time"), "count(replies where in_time = yes and working_days <= 3)", "the new rule")
    stack.admin("indicator", "set", "--code", "reports.answered_in_time", "--rule", "count(replies where in_time = yes)")
    t.check(stack.value("SELECT count(*) FROM audit_log WHERE action = 'stats.indicator'") - audits >= 8,
            "every change is audited")
    w = harness.console_login(stack, "demo.tanphong", logins["demo.tanphong"])
    w.get("/admin/stats")
    t.eq(w.post("/admin/stats/indicators", [("action", "hide"), ("code", "reports.total")]).status, 403,
         "an officer who is not an admin cannot change the set")
    t.check("data-indicator=" not in w.get("/admin/stats").text, "nor sees its controls")
    # an admin of a ward: the set is the federation's, so the page and PostgreSQL refuse them too
    if not stack.rows("SELECT 1 FROM officer WHERE username = 'stats.ward.admin'"):
        r = stack.admin("officer", "add", "--username", "stats.ward.admin", "--unit", "CD-TANPHONG", "--role", "admin",
                        input=b"a long private passphrase for stats\n")
        t.require(r.returncode == 0, f"officer add: {r.stderr.decode()}")
    wa = harness.console_login(stack, "stats.ward.admin", "a long private passphrase for stats")
    t.require(wa.cookie, "the ward admin signs in")
    t.check("data-indicator=" not in wa.get("/admin/stats").text, "a ward admin sees no indicator controls")
    t.eq(wa.post("/admin/stats/indicators", [("action", "hide"), ("code", "reports.total")]).status, 403,
         "a ward admin cannot change the set")
    t.eq(stack.value("SELECT hidden::text FROM stats_indicator WHERE code = 'reports.total'"), "false", "nothing changed")
    rls = stack.psql(
        "BEGIN; SELECT set_config('tiengnoi.scope', (SELECT path FROM org_unit WHERE code = 'CD-TANPHONG'), true), "
        "set_config('tiengnoi.role', 'admin', true); SET LOCAL ROLE tiengnoi_officer; "
        "UPDATE stats_indicator SET hidden = true WHERE code = 'reports.total' RETURNING code; ROLLBACK;")
    t.check("reports.total" not in rls, "PostgreSQL refuses a ward admin's UPDATE too")

    # a rule broken behind the app's back is named when the table is computed
    stack.psql("UPDATE stats_indicator SET rule = 'bogus' WHERE code = 'cases.total'")
    r = stack.admin("export", "stats", "--unit", E, "--from", E_FROM, "--to", "2026-11-29", "--format", "json")
    t.eq(r.returncode, 1, "export stats fails")
    t.check(b"indicator cases.total" in r.stderr, f"naming the indicator: {r.stderr[:200]!r}")
    p = c.get(f"/admin/stats?{q}")
    t.check("cases.total" in p.text and 'id="problem"' in p.text, "the page names it too")
    stack.psql("UPDATE stats_indicator SET rule = 'count(cases)' WHERE code = 'cases.total'")
