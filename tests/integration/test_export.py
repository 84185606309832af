"""test_export.py: exports read back with standard readers: CSV, XLSX (zip + XML), JSON Lines; scoped, audited, formula-safe."""
import csv
import io
import json
import re
import zipfile

import harness

HOSTILE = ["=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)", "Nợ lương, \"tháng 10\"\nxuống dòng"]


def _seed(stack):
    mine = next(t for t, name, _ in stack.demo if "Tân Phong" in name)
    theirs = next(t for t, name, _ in stack.demo if "Chè" in name)
    for text in HOSTILE:
        stack.submit(mine, [("category", "wages"), ("text", text)])
    stack.submit(theirs, [("text", "Ngoài phạm vi phường: không được xuất cho phường.")])


def test_cli_exports(t, stack):
    _seed(stack)
    r = stack.admin("export", "submissions", "--format", "csv", "--form", "concern")
    t.require(r.returncode == 0, f"csv export: {r.stderr.decode()}")
    data = r.stdout
    t.check(data.startswith(b"\xef\xbb\xbf"), "CSV starts with a UTF-8 BOM (Excel reads Vietnamese)")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    texts = [row["Tâm tư, kiến nghị: Nội dung phản ánh"] for row in rows]
    for h in HOSTILE:
        if h[0] in "=+-@":
            t.check("'" + h in texts, f"formula neutralised: {h!r} exported as '{h}")
        else:
            t.check(h in texts, f"text intact through CSV: {h!r}")
    t.check(any("Ngoài phạm vi" in x for x in texts), "without --unit everything is exported")
    ward = stack.admin("export", "submissions", "--format", "csv", "--unit", "CD-TANPHONG")
    t.check("Ngoài phạm vi" not in ward.stdout.decode("utf-8-sig"), "--unit limits to that subtree")

    j = stack.admin("export", "submissions", "--format", "json")
    lines = [json.loads(x) for x in j.stdout.decode().splitlines()]
    t.check(lines and all("answers" in x and "form" in x for x in lines), f"JSON Lines parse: {len(lines)} lines")
    t.check(any(x["answers"].get("text") == HOSTILE[4] for x in lines), "JSON keeps the text exactly")

    x = stack.admin("export", "submissions", "--format", "xlsx")
    t.require(x.returncode == 0, f"xlsx export: {x.stderr.decode()}")
    z = zipfile.ZipFile(io.BytesIO(x.stdout))
    wb = z.read("xl/workbook.xml").decode()
    sheets = re.findall(r'<sheet name="([^"]+)"', wb)
    t.check("Tâm tư, kiến nghị" in sheets and "Nợ lương" in sheets and "Mã" in sheets,
            f"a sheet per form, named by its title, and the codes' sheet: {sheets}")
    idx = sheets.index("Tâm tư, kiến nghị") + 1
    sheet = z.read(f"xl/worksheets/sheet{idx}.xml").decode()
    t.check('state="frozen"' in sheet, "header row frozen")
    t.check("<autoFilter" in sheet, "filters on")
    t.check("<f>" not in sheet, "no cell is a formula")
    t.check("=HYPERLINK" in sheet.replace("&quot;", '"'), "the hostile text is stored as a string")
    t.check("Nợ lương" in sheet, "Vietnamese intact in XLSX")
    styles = z.read("xl/styles.xml").decode()
    t.check("dd/mm/yyyy" in styles, "dates carry a date format")
    t.check(re.search(r'<c r="B2" s="\d+"><v>\d+\.\d+</v>', sheet) is not None, "Thời điểm nhận is a date value")
    bad = stack.admin("export", "submissions", "--format", "pdf")
    t.eq(bad.returncode, 2, "an unknown format: exit 2")
    t.eq(stack.admin("export", "submissions", "--unit", "NOPE").returncode, 2, "an unknown unit: exit 2")
    t.eq(stack.admin("export", "submissions", "--from", "25/10/2026").returncode, 2, "a malformed date: exit 2")
    t.check(stack.value("SELECT count(*) FROM audit_log WHERE action = 'export.submissions'") >= 4, "CLI exports audited")


def test_console_export(t, stack):
    logins = harness.demo_logins(stack)
    ward = harness.console_login(stack, "demo.tanphong", logins["demo.tanphong"])
    t.require(ward.cookie, "ward officer signed in")
    r = ward.get("/admin/export/download?format=csv")
    t.eq(r.status, 200, "download")
    t.check("text/csv" in (r.header("Content-Type") or ""), "CSV type")
    t.check("attachment" in (r.header("Content-Disposition") or ""), "as a file")
    t.check(not harness.security_header_problems(r), "security headers on the stream too")
    text = r.body.decode("utf-8-sig")
    t.check("Ngoài phạm vi" not in text, "a ward officer exports only the ward")
    t.check(len(list(csv.reader(io.StringIO(text)))) >= 2, "rows present")
    t.eq(ward.get("/admin/export/download?format=exe").status, 400, "a bad format: 400")
    t.eq(ward.get("/admin/export/download?format=csv&from=2026-13-45").status, 400, "a bad date: 400")
    audited = stack.value("SELECT count(*) FROM audit_log a JOIN officer o ON o.id = a.officer_id "
                          "WHERE a.action = 'export.submissions' AND o.username = 'demo.tanphong'")
    t.check(audited >= 1, "console export audited with the officer")
