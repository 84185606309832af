"""test_stats.py: the periodic statistics table (HTML and XLSX) against hand-computed figures, the dashboard's charts and tables, scope, bad dates, audit."""
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

# Hand-computed: workers = tier lower bounds (11 + 51 + 1) + 1 per other report;
# wage arrears only where amount_basis = total.
WANT = {
    "A": {"reports": 4, "form:wage_arrears": 2, "form:social_insurance": 1, "form:safety": 1, "form:concern": 0,
          "channel:phone": 4, "channel:paper": 0, "workplaces": 2, "workers": 64, "wage_vnd": 12000000,
          "si_months": 3, "accidents": 1, "injured": 2, "dead": 1,
          "stage:court": 2, "stage:closed": 1, "stage:intake": 0, "cases": 3, "outcome:withdrawn": 1, "outcome:mediated": 0},
    "B": {"reports": 3, "form:wage_arrears": 1, "form:safety": 1, "form:concern": 1, "channel:phone": 1,
          "channel:in_person": 1, "channel:paper": 1, "workplaces": 1, "workers": 3, "wage_vnd": 5000000,
          "si_months": 0, "accidents": 0, "injured": 0, "dead": 0, "stage:intake": 1, "cases": 1, "outcome:mediated": 0},
    "self": {"reports": 1, "form:concern": 1, "workplaces": 1, "workers": 1, "wage_vnd": 0, "cases": 0},
    "total": {"reports": 8, "form:wage_arrears": 3, "form:social_insurance": 1, "form:safety": 2, "form:concern": 2,
              "channel:phone": 6, "channel:in_person": 1, "channel:paper": 1, "workplaces": 4, "workers": 68,
              "wage_vnd": 17000000, "si_months": 3, "accidents": 1, "injured": 2, "dead": 1,
              "stage:court": 2, "stage:closed": 1, "stage:intake": 1, "cases": 4, "outcome:withdrawn": 1},
}


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


def _table_values(page):
    """{row data-unit: {data-col: int}} over every statistics table of the page."""
    out = {}
    for m in re.finditer(r'<tr data-unit="([^"]+)">(.*?)</tr>', page, re.S):
        cells = out.setdefault(m.group(1), {})
        for c in re.finditer(r'<td class="num" data-col="([^"]+)">([^<]*)</td>', m.group(2)):
            cells[c.group(1)] = int(re.sub(r"[.,]", "", c.group(2)))
    return out


def test_stats(t, stack):
    ids = _seed(stack)
    c, logins = _province(t, stack)
    url = f"/admin/stats?unit={ids[PARENT]}&from={FROM}&to={TO}"
    r = c.get(url)
    t.require(r.status == 200, f"the statistics page: {r.status} {r.text[:400]}")
    t.check("<table" in r.text and '<th scope="row">' in r.text and '<th scope="col"' in r.text,
            "an accessible table with row and column headers")
    got = _table_values(r.text)
    rows = {"A": ids[CHILD_A], "B": ids[CHILD_B], "self": "self", "total": "total"}
    t.eq(sorted(got), sorted(rows.values()), "one row per direct child, the unit's own workplaces, and the total")
    for name, want in WANT.items():
        have = got.get(rows[name], {})
        t.eq({k: have.get(k) for k in want}, want, f"figures of row {name}")
    for col in got.get("total", {}):   # the total is the sum of the rows
        t.check(got["total"][col] == sum(got[u].get(col, 0) for u in got if u != "total"), f"total of {col}")
    t.check("12.000.000" in r.text, "money grouped the Vietnamese way")
    t.check(f'href="/admin/stats?unit={ids[CHILD_A]}&amp;from={FROM}&amp;to={TO}"' in r.text,
            "a child's row links to its own table")
    t.eq(stack.value("SELECT count(*) FROM audit_log WHERE action = 'stats.view' AND object = :'o'",
                     o=f"unit:{ids[PARENT]}"), 1, "the view is audited")

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
    t.check(17000000.0 in numbers and 68.0 in numbers and 12000000.0 in numbers, "the totals are numbers in the sheet")
    t.check("CĐ thử A" in shared and "Tổng cộng" in shared, "unit names and the total row are in the sheet")
    t.eq(stack.value("SELECT count(*) FROM audit_log WHERE action = 'stats.export' AND object = :'o'",
                     o=f"unit:{ids[PARENT]}"), 1, "the export is audited")

    for bad in ("from=2026-02-30&to=2026-03-31", "from=2026-04-01&to=2026-03-01", "from=abc&to=2026-03-01",
                "from=2026-03-01", "to=2026-03-01"):
        b = c.get(f"/admin/stats?unit={ids[PARENT]}&{bad}")
        t.eq(b.status, 400, f"bad dates {bad}")
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
    t.require(page.get("total"), "the console page has figures")
    audits = stack.value("SELECT count(*) FROM audit_log WHERE action = 'stats.export' AND object = :'o'",
                         o=f"unit:{ids[PARENT]}")
    args = ("export", "stats", "--unit", PARENT, "--from", FROM, "--to", TO, "--format")

    j = stack.admin(*args, "json")
    t.require(j.returncode == 0, f"export stats json: {j.stderr.decode()}")
    doc = json.loads(j.stdout)
    t.eq((doc["unit"]["code"], doc["from"], doc["to"]), (PARENT, FROM, TO), "the JSON names the unit and period")
    keys = [col["key"] for col in doc["columns"]]
    jrows = {row["id"]: row["values"] for row in doc["rows"]}
    t.eq(sorted(jrows), sorted(page), "the JSON has the page's rows")
    t.eq(jrows, {u: {k: page[u].get(k) for k in keys} for u in page}, "JSON figures equal the console page's")
    t.eq([row["id"] for row in doc["rows"]][-1], "total", "the total comes last")

    s = stack.admin(*args, "csv")
    t.require(s.returncode == 0, f"export stats csv: {s.stderr.decode()}")
    t.check(s.stdout.startswith(b"\xef\xbb\xbf"), "the CSV starts with a UTF-8 BOM")
    table = list(csv.reader(io.StringIO(s.stdout.decode("utf-8-sig"))))
    t.eq(table[0][3:], [col["label"] for col in doc["columns"]], "CSV header: the column labels, in the JSON's order")
    crows = {r[0]: dict(zip(keys, map(int, r[3:]))) for r in table[1:]}
    t.eq(crows, jrows, "CSV figures equal the JSON's (and so the page's)")
    t.eq([r[0] for r in table[1:]], [row["id"] for row in doc["rows"]], "CSV rows in the JSON's order")

    x = stack.admin(*args, "xlsx")
    t.require(x.returncode == 0, f"export stats xlsx: {x.stderr.decode()}")
    sheet = _xlsx_rows(x.stdout)
    for i, row in enumerate(doc["rows"]):
        cells = sheet.get(5 + i, [])
        t.eq(cells[0][1] if cells else None, row["name"], f"XLSX row {5 + i} is {row['id']}")
        t.eq([v for _, v in cells[1:]], [float(row["values"][k]) for k in keys], f"XLSX figures of {row['id']}")
    t.eq(stack.value("SELECT count(*) FROM audit_log WHERE action = 'stats.export' AND object = :'o'",
                     o=f"unit:{ids[PARENT]}") - audits, 3, "each CLI export is audited")

    whole = stack.admin("export", "stats", "--from", FROM, "--to", TO, "--format", "json")
    t.require(whole.returncode == 0, f"export stats without --unit: {whole.stderr.decode()}")
    w = json.loads(whole.stdout)
    want = stack.value("SELECT count(*) FROM submission WHERE status <> 'spam' AND received_at >= "
                       "(:'f')::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh' AND received_at < "
                       "((:'t')::date + 1)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh'", f=FROM, t=TO)
    t.eq(w["rows"][-1]["values"]["reports"], want, "without --unit: the whole tree's reports in the period")
    t.check(any(r["code"] == "LDLD-LAICHAU" for r in w["rows"]), "without --unit: a row per top unit")
    t.check(stack.admin("export", "stats", "--format", "csv").returncode == 0, "no dates: this month so far")

    # hostile unit names come out as text: escaped in JSON, neutralised in CSV, strings in XLSX
    hostile = "=HYPERLINK(\"http://x\")<script>alert(1)</script>'; DROP TABLE submission; --"
    if not stack.rows("SELECT 1 FROM org_unit WHERE code = 'STATS-HX'"):
        _admin(stack, "unit", "add", "--code", "STATS-HX", "--name", "Thử tên lạ", "--parent", "LDLD-LAICHAU",
               "--kind", "district")
        _admin(stack, "unit", "add", "--code", "STATS-HX-1", "--name", hostile, "--parent", "STATS-HX",
               "--kind", "grassroots")
    hj = json.loads(stack.admin("export", "stats", "--unit", "STATS-HX", "--format", "json").stdout)
    t.check(any(r["name"] == hostile for r in hj["rows"]), "the hostile name intact in JSON")
    hc = stack.admin("export", "stats", "--unit", "STATS-HX", "--format", "csv").stdout.decode("utf-8-sig")
    t.check(any(r[2] == "'" + hostile for r in csv.reader(io.StringIO(hc))), "the formula neutralised in CSV")
    hx = _xlsx_rows(stack.admin("export", "stats", "--unit", "STATS-HX", "--format", "xlsx").stdout)
    t.check(any(v == hostile for cells in hx.values() for _, v in cells), "the hostile name a string in XLSX")
    t.eq(stack.value("SELECT count(*) FROM pg_tables WHERE tablename = 'submission'"), 1, "nothing dropped")

    before = stack.value("SELECT count(*) FROM audit_log WHERE action = 'stats.export'")
    for bad, why in [(("--unit", "NO-SUCH-UNIT"), "an unknown unit"), (("--from", "2026-02-30", "--to", TO), "no such day"),
                     (("--from", "2026-04-01", "--to", "2026-03-01"), "from after to"),
                     (("--from", "abc", "--to", TO), "a malformed date"), (("--from", FROM), "from without to"),
                     (("--to", TO), "to without from"), (("--format", "pdf"), "an unknown format"),
                     (("--unit", "X" * 100000), "a huge unit code"), (("--unit", b"\xff\xfe"), "a non-UTF-8 unit code"),
                     (("--unit", "' OR 1=1 --"), "SQL in the unit code"), (("--bogus", "1"), "an unknown option")]:
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

# The statistics the way /admin/stats computed them before the facts: over the reports' answers.
STATS_DIRECT = """
WITH p AS (SELECT path FROM org_unit WHERE code = :'unit')
SELECT split_part(substr(u.path, length(p.path) + 1), '/', 1) AS b, count(*) AS reports,
  count(DISTINCT s.workplace_id) AS workplaces,
  coalesce(sum(CASE WHEN s.form_id = 'bargaining_survey' THEN 0
    WHEN s.form_id IN ('wage_arrears', 'social_insurance') THEN CASE s.answers->>'coworkers' WHEN 't1_10' THEN 1
    WHEN 't11_50' THEN 11 WHEN 't51_100' THEN 51 WHEN 't101_300' THEN 101 WHEN 't301_plus' THEN 301 ELSE 1 END
    ELSE 1 END), 0) AS workers,
  coalesce(sum((s.answers->>'amount')::numeric) FILTER (WHERE s.form_id = 'wage_arrears'
    AND s.answers->>'amount_basis' = 'total' AND jsonb_typeof(s.answers->'amount') = 'number'), 0)::bigint AS wage_vnd,
  coalesce(sum(jsonb_array_length(s.answers->'months_unpaid')) FILTER (WHERE s.form_id = 'social_insurance'
    AND jsonb_typeof(s.answers->'months_unpaid') = 'array'), 0) AS si_months,
  count(*) FILTER (WHERE s.form_id = 'safety' AND s.answers->>'kind' = 'accident') AS accidents,
  coalesce(sum((s.answers->>'injured')::numeric) FILTER (WHERE s.form_id = 'safety' AND s.answers->>'kind' = 'accident'
    AND jsonb_typeof(s.answers->'injured') = 'number'), 0)::bigint AS injured,
  coalesce(sum((s.answers->>'dead')::numeric) FILTER (WHERE s.form_id = 'safety' AND s.answers->>'kind' = 'accident'
    AND jsonb_typeof(s.answers->'dead') = 'number'), 0)::bigint AS dead,
  count(*) FILTER (WHERE s.form_id = 'wage_arrears') AS "form:wage_arrears",
  count(*) FILTER (WHERE s.form_id = 'bargaining_survey') AS "form:bargaining_survey",
  count(*) FILTER (WHERE s.channel = 'phone') AS "channel:phone",
  count(*) FILTER (WHERE s.channel = 'qr') AS "channel:qr"
FROM submission s JOIN workplace w ON w.id = s.workplace_id JOIN org_unit u ON u.id = w.unit_id, p
WHERE u.path LIKE p.path || '%' AND s.status <> 'spam'
  AND s.received_at >= (:'f')::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh'
  AND s.received_at < ((:'t')::date + 1)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh'
GROUP BY 1"""


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
    """The CLI's table of FX (the page's by construction) against the old direct queries."""
    r = stack.admin("export", "stats", "--unit", FX, "--from", FX_FROM, "--to", FX_TO, "--format", "json")
    t.require(r.returncode == 0, f"{when}: export stats: {r.stderr.decode()}")
    doc = json.loads(r.stdout)
    ids = {row["id"]: row for row in doc["rows"]}
    want = {row["b"] or "self": row for row in stack.rows(STATS_DIRECT, unit=FX, f=FX_FROM, t=FX_TO)}
    got = {}
    for b, row in want.items():
        have = ids.get(b, {}).get("values", {})
        got[b] = {k: have.get(k) for k in row if k != "b"}
        want[b] = {k: int(v) for k, v in row.items() if k != "b"}
    t.eq(got, want, f"{when}: the statistics of each child equal the direct aggregate over the answers")
    total = ids["total"]["values"]
    t.eq(total["reports"], sum(w["reports"] for w in want.values()), f"{when}: the total")
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
    t.check(stack.value("SELECT count(*) FROM submission_fact_log") > 0, "new reports wait in the log")
    _facts_equal(t, stack, "before folding")
    _stats_equal(t, stack, "fresh reports")   # the CLI folds the log
    t.eq(stack.value("SELECT count(*) FROM submission_fact_log"), 0, "the CLI folded the log")
    _facts_equal(t, stack, "after folding")
    _brief_equal(t, c, stack, "fresh reports")

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
    for i in rng.sample(ids, 50):
        stack.psql("SELECT submission_anonymise(:'i')", i=i)
    gone = rng.sample(ids, 40)
    stack.psql(f"DELETE FROM submission WHERE id IN ({','.join(map(str, gone))})")
    ids = [i for i in ids if i not in gone]
    t.check(stack.value("SELECT count(*) FROM submission_fact_log WHERE sign = -1") >= 90,
            "anonymised and deleted reports wait in the log")
    t.eq(stack.value("SELECT count(*) FROM submission_fact_log WHERE answers ?| "
                     "array['text', 'description', 'details', 'comments', 'where']"), 0,
         "the log keeps none of a worker's words (only the answers the figures read)")
    _facts_equal(t, stack, "after anonymisation and purge, unfolded")
    _brief_equal(t, c, stack, "after anonymisation and purge")   # the page folds
    _facts_equal(t, stack, "after anonymisation and purge, folded")
    _stats_equal(t, stack, "after anonymisation and purge")
    # re-parenting: the grandchild moves from A to B, a workplace from A to B; both count under B at once
    before = _stats_equal(t, stack, "before re-parenting")
    stack.psql("UPDATE org_unit SET parent_id = (SELECT id FROM org_unit WHERE code = :'b') WHERE code = :'a1'",
               b=FX_B, a1=FX_A1)
    stack.psql("UPDATE workplace SET unit_id = (SELECT id FROM org_unit WHERE code = :'b') WHERE code = 'FX-W2'", b=FX_B)
    after = _stats_equal(t, stack, "after re-parenting")
    b_id = str(stack.value("SELECT id FROM org_unit WHERE code = :'c'", c=FX_B))
    row = lambda doc, i: next((r["values"] for r in doc["rows"] if r["id"] == i), {})   # noqa: E731
    t.eq(row(after, b_id).get("reports"), row(before, b_id).get("reports", 0) +
         sum(row(before, x["id"]).get("reports", 0) for x in before["rows"] if x["code"] == FX_A),
         "B now counts what A counted (its grandchild and workplace moved)")
    t.eq(row(after, "total"), row(before, "total"), "the total does not change when units move")
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
