"""test_exports.py: exports an officer can read (issue 12 item 8): Vietnamese headers and answers in CSV and XLSX,
codes kept in JSON Lines and the "Mã" sheet, hostile text inert, and the files opened for real by LibreOffice."""
import csv
import io
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
import zipfile
from xml.etree import ElementTree

import harness

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
HOSTILE = ["=cmd|' /C calc'!A0", "+SUM(1+1)", "-1+2", "@A1", "=1+1", "<script>alert(1)</script><b>đậm</b>",
           "'; DROP TABLE submission; --", "Dòng một\r\nDòng hai, \"trích\""]


def _this_month():
    return time.strftime("%Y-%m", time.gmtime(time.time() + 7 * 3600))


def _seed(t, stack):
    """One report of each kind whose codes the review saw: wage arrears, meal problems, a concern; then hostile texts."""
    token = stack.demo[0][0]
    month = _this_month()
    got = {}
    for form, pairs in (
            ("wage_arrears", [("months_owed", month), ("amount", "9.500.000"), ("amount_basis", "per_person"),
                              ("coworkers", "t101_300"), ("promised", "no"), ("details", "Mốc xuất: nợ lương")]),
            ("meal", [("meals_provided", "provided"), ("quality", "poor"), ("problems", "too_little"),
                      ("problems", "little_protein"), ("details", "Mốc xuất: bữa ăn")]),
            ("concern", [("category", "wages"), ("urgency", "soon"), ("text", "Mốc xuất: tâm tư")])):
        r, idem = stack.submit(token, pairs, form_id=form)
        t.require(r.status == 200, f"{form} report accepted: {r.status}")
        got[form] = stack.submission(idem)
    for text in HOSTILE:
        r, _ = stack.submit(token, [("category", "other"), ("text", text)])
        t.require(r.status == 200, f"hostile concern accepted: {text!r} {r.status}")
    return got, month


def _csv_rows(data):
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def _sheets(blob):
    """{sheet name: [[cell text, ...], ...]} of an XLSX, shared strings and inline strings resolved, formulas marked."""
    z = zipfile.ZipFile(io.BytesIO(blob))
    shared = []
    if "xl/sharedStrings.xml" in z.namelist():
        for si in ElementTree.fromstring(z.read("xl/sharedStrings.xml")).findall("m:si", NS):
            shared.append("".join(x.text or "" for x in si.iter(f"{{{NS['m']}}}t")))
    book = ElementTree.fromstring(z.read("xl/workbook.xml"))
    names = [s.get("name") for s in book.find("m:sheets", NS)]
    out = {}
    for i, name in enumerate(names, 1):
        rows = []
        for row in ElementTree.fromstring(z.read(f"xl/worksheets/sheet{i}.xml")).iter(f"{{{NS['m']}}}row"):
            cells = []
            for c in row.findall("m:c", NS):
                col = re.match(r"[A-Z]+", c.get("r")).group(0)
                idx = 0
                for ch in col:
                    idx = idx * 26 + ord(ch) - 64
                while len(cells) < idx - 1:
                    cells.append("")
                v, f = c.find("m:v", NS), c.find("m:f", NS)
                if f is not None:
                    cells.append("FORMULA:" + (f.text or ""))
                elif c.get("t") == "s":
                    cells.append(shared[int(v.text)])
                elif c.get("t") == "inlineStr":
                    cells.append("".join(x.text or "" for x in c.iter(f"{{{NS['m']}}}t")))
                else:
                    cells.append(v.text if v is not None else "")
            rows.append(cells)
        out[name] = rows
    return out


def _table(rows):
    head = rows[0]
    return [dict(zip(head, r + [""] * (len(head) - len(r)))) for r in rows[1:]]


def test_vietnamese_columns(t, stack):
    got, month = _seed(t, stack)
    ids = {f: str(row["id"]) for f, row in got.items()}
    r = stack.admin("export", "submissions", "--format", "csv")
    t.require(r.returncode == 0, f"csv export: {r.stderr.decode()}")
    data = r.stdout
    t.check(data.startswith(b"\xef\xbb\xbf"), "CSV: UTF-8 with a BOM")
    t.check(data.split(b"\n", 1)[0].endswith(b"\r") and data.endswith(b"\r\n"), "CSV: lines end with CRLF")
    rows = _csv_rows(data)
    head = list(rows[0].keys())
    for h in ("Số phản ánh", "Thời điểm nhận", "Nơi làm việc", "Biểu mẫu", "Kênh", "Trạng thái", "Khẩn",
              "Nợ lương: Những tháng bị nợ lương", "Bữa ăn ca: Vấn đề gặp phải", "Tâm tư, kiến nghị: Nội dung phản ánh"):
        t.check(h in head, f"CSV header {h!r}")
    t.check(not any("." in h and h.split(".")[0] in ("wage_arrears", "concern", "meal") for h in head),
            f"no machine header left: {[h for h in head if '_' in h]}")
    by = {x["Số phản ánh"]: x for x in rows}
    w, m, c = by.get(ids["wage_arrears"], {}), by.get(ids["meal"], {}), by.get(ids["concern"], {})
    y, mo = month.split("-")
    t.eq((w.get("Biểu mẫu"), w.get("Kênh"), w.get("Trạng thái"), w.get("Khẩn"), w.get("Ngôn ngữ")),
         ("Nợ lương", "Mã QR", "Mới", "Không", "Tiếng Việt"), "CSV: the fixed columns in Vietnamese")
    t.eq((w.get("Nợ lương: Những tháng bị nợ lương"), w.get("Nợ lương: Số tiền bị nợ (ước tính)"),
          w.get("Nợ lương: Số tiền trên là"), w.get("Nợ lương: Khoảng bao nhiêu người cùng bị nợ lương?"),
          w.get("Nợ lương: Công ty đã hẹn ngày trả nợ lương chưa?")),
         (f"{mo}/{y}", "9500000", "Số tiền công ty nợ riêng tôi", "101–300 người", "Không"),
         "CSV: the wage answers as the form words them (month MM/YYYY, amount a number)")
    t.eq(m.get("Bữa ăn ca: Vấn đề gặp phải"), "Không đủ no; Ít thịt, cá, trứng", "CSV: a multi-choice answer joined with '; '")
    t.eq((c.get("Tâm tư, kiến nghị: Việc này liên quan đến"), c.get("Tâm tư, kiến nghị: Mức độ cần giải quyết")),
         ("Tiền lương, thưởng", "Cần giải quyết sớm"), "CSV: select answers as labels")
    texts = [x["Tâm tư, kiến nghị: Nội dung phản ánh"].replace("\r\n", "\n") for x in rows]
    for h in HOSTILE:
        want = ("'" + h if h[0] in "=+-@\t" else h).replace("\r\n", "\n")
        t.check(want in texts, f"CSV: hostile text kept inert and exact: {want!r}")

    j = stack.admin("export", "submissions", "--format", "json", "--form", "meal")
    lines = {x["id"]: x for x in (json.loads(s) for s in j.stdout.decode().splitlines())}
    got_meal = lines.get(int(ids["meal"]), {})
    t.eq((got_meal.get("status"), got_meal.get("channel"), got_meal.get("answers", {}).get("problems")),
         ("new", "qr", ["too_little", "little_protein"]), "JSON Lines keeps the codes")

    x = stack.admin("export", "submissions", "--format", "xlsx")
    t.require(x.returncode == 0, f"xlsx export: {x.stderr.decode()}")
    book = _sheets(x.stdout)
    t.check({"Nợ lương", "Bữa ăn ca", "Tâm tư, kiến nghị", "Mã"} <= set(book), f"XLSX sheets: {sorted(book)}")
    wage = {r["Số phản ánh"]: r for r in _table(book.get("Nợ lương", [[]]))}.get(ids["wage_arrears"], {})
    t.eq((wage.get("Trạng thái"), wage.get("Khẩn"), wage.get("Số tiền trên là"),
          wage.get("Khoảng bao nhiêu người cùng bị nợ lương?"), wage.get("Những tháng bị nợ lương")),
         ("Mới", "Không", "Số tiền công ty nợ riêng tôi", "101–300 người", f"{mo}/{y}"), "XLSX: Vietnamese values")
    meal = {r["Số phản ánh"]: r for r in _table(book.get("Bữa ăn ca", [[]]))}.get(ids["meal"], {})
    t.eq(meal.get("Vấn đề gặp phải"), "Không đủ no; Ít thịt, cá, trứng", "XLSX: multi-choice joined with '; '")
    codes = book.get("Mã", [])
    t.check(["meal", "problems", "too_little", "Không đủ no"] in codes, "Mã sheet: an option's code and its label")
    t.check(["", "status", "new", "Mới"] in codes, "Mã sheet: a status code and its label")
    concern = book.get("Tâm tư, kiến nghị", [])
    cells = [v for r in concern for v in r]
    t.check(not any(v.startswith("FORMULA:") for v in cells), "XLSX: no cell is a formula")
    for h in HOSTILE:
        t.check(h.replace("\r\n", "\n") in [v.replace("\r\n", "\n") for v in cells], f"XLSX: hostile text stored as text: {h!r}")


def _as_windows_1252(text):
    """text's UTF-8 bytes as LibreOffice reads them as Windows-1252: the five bytes that code page leaves
    undefined become U+F1xx (U+F100 + the byte), as LibreOffice's converter maps them."""
    out = []
    for b in text.encode("utf-8"):
        try:
            out.append(bytes([b]).decode("cp1252"))
        except UnicodeDecodeError:
            out.append(chr(0xF100 + b))
    return "".join(out)


def _soffice(t, out_dir, files, infilter=None):
    """Converts files to XLSX with LibreOffice, headless, a private profile, bounded in time."""
    profile = tempfile.mkdtemp(prefix="tiengnoi-lo-")
    cmd = ["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--norestore"]
    if infilter:
        cmd.append(f"--infilter={infilter}")
    cmd += ["--convert-to", "xlsx", "--outdir", str(out_dir)] + [str(f) for f in files]
    try:
        p = subprocess.run(cmd, capture_output=True, timeout=180, env={**os.environ, "HOME": profile})
        t.check(p.returncode == 0, f"soffice ran: {p.returncode} {p.stderr.decode(errors='replace')[-300:]}")
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def test_libreoffice_opens(t, stack):
    """The CSV and the XLSX opened by LibreOffice Calc itself, read back cell by cell."""
    t.require(shutil.which("soffice") is not None, "LibreOffice (libreoffice-calc-nogui, scripts/deps.sh) is installed")
    if stack.value("SELECT count(*) FROM submission WHERE answers->>'details' = 'Mốc xuất: nợ lương'") == 0:
        _seed(t, stack)
    work = tempfile.mkdtemp(prefix="tiengnoi-export-")
    try:
        csv_path, xlsx_path = os.path.join(work, "from-csv.csv"), os.path.join(work, "from-xlsx.xlsx")
        with open(csv_path, "wb") as f:
            f.write(stack.admin("export", "submissions", "--format", "csv").stdout)
        with open(xlsx_path, "wb") as f:
            f.write(stack.admin("export", "submissions", "--format", "xlsx").stdout)
        want = _csv_rows(open(csv_path, "rb").read())
        # 1. No import options at all: what LibreOffice makes of each file by itself, and of a minimal file
        plain = os.path.join(work, "plain")
        os.mkdir(plain)
        tiny = os.path.join(work, "tiny.csv")
        with open(tiny, "wb") as f:
            f.write("\ufeffid,text\r\n1,\"Công đoàn cơ sở\"\r\n".encode("utf-8"))
        _soffice(t, plain, [csv_path, xlsx_path, tiny])
        rows = next(iter(_sheets(open(os.path.join(plain, "from-csv.xlsx"), "rb").read()).values()))
        t.eq(len(rows) - 1, len(want), "CSV, no options: as many rows as the file has (CRLF and quoted line breaks understood)")
        t.eq(len(rows[0]), len(want[0]), "CSV, no options: the comma splits the header into the same columns")
        t.eq(sorted(r[0] for r in rows[1:]), sorted(x["Số phản ánh"] for x in want), "CSV, no options: the ids")
        t.check(not any(v.startswith("FORMULA:") for r in rows for v in r), "CSV, no options: no cell became a formula")
        # Every Vietnamese cell, exactly: as written (a LibreOffice that reads UTF-8 by default, as its current
        # source does), or byte for byte as Windows-1252, the default of LibreOffice 7.4's import without options
        # (sc docsh.cxx: "ISO8859-1/MS_1252 encoding, comma, double quotes"), which then never looks for a BOM.
        head = list(want[0].keys())
        cells = [(head[0], "\ufeff" + head[0])] + [(h, h) for h in head[1:]] + \
            [(x[h], x[h]) for x in want for h in head]
        got = [v for r in rows for v in (r + [""] * (len(head) - len(r)))]
        viet = [(i, w) for i, (w, _) in enumerate(cells) if any(ord(ch) > 127 for ch in w)]
        t.require(len(viet) > 20 and len(got) == len(cells), f"Vietnamese cells to compare: {len(viet)}")
        as_utf8 = [i for i, w in viet if got[i].replace("\r\n", "\n") == w.replace("\r\n", "\n")]
        as_1252 = [i for i, _ in viet if got[i].replace("\r\n", "\n") == _as_windows_1252(cells[i][1]).replace("\r\n", "\n")]
        t.check(len(as_utf8) == len(viet) or len(as_1252) == len(viet),
                f"CSV, no options: all {len(viet)} Vietnamese cells exact in one reading "
                f"(UTF-8 {len(as_utf8)}, Windows-1252 {len(as_1252)}); first other: "
                f"{next(((cells[i][0], got[i]) for i, _ in viet if i not in as_utf8 and i not in as_1252), None)!r}")
        version = subprocess.run(["soffice", "--version"], capture_output=True, timeout=60).stdout.decode().strip()
        tiny_rows = next(iter(_sheets(open(os.path.join(plain, "tiny.xlsx"), "rb").read()).values()))
        if len(as_utf8) < len(viet):
            t.eq(tiny_rows, [["\u00ef\u00bb\u00bfid", "text"], ["1", _as_windows_1252("Công đoàn cơ sở")]],
                 "a minimal UTF-8 file with a BOM, no options: the BOM is read as 'ï»¿', the text as Windows-1252")
            t.note(f"{version}: {len(viet)} Vietnamese cells compared; headless import without options reads "
                   "Windows-1252 whatever the BOM says; "
                   "Calc's Text Import dialog and Excel take UTF-8 from the BOM; docs/officer-guide.md gives "
                   "--infilter for scripts")
        else:
            t.eq(tiny_rows, [["id", "text"], ["1", "Công đoàn cơ sở"]], "a minimal UTF-8 file with a BOM, no options")
        book = _sheets(open(os.path.join(plain, "from-xlsx.xlsx"), "rb").read())
        t.check({"Nợ lương", "Bữa ăn ca", "Tâm tư, kiến nghị", "Mã"} <= set(book), f"XLSX in Calc: the sheets {sorted(book)}")
        wage = _table(book.get("Nợ lương", [[]]))
        t.check("Những tháng bị nợ lương" in (book.get("Nợ lương") or [[]])[0], "XLSX in Calc: header 'Những tháng bị nợ lương' exact")
        t.check(any(r.get("Khoảng bao nhiêu người cùng bị nợ lương?") == "101–300 người" and r.get("Trạng thái") == "Mới"
                    for r in wage), "XLSX in Calc: 'Nợ lương' row with '101–300 người' and 'Mới' exact")
        cells = [v for r in book.get("Tâm tư, kiến nghị", []) for v in r]
        t.check(not any(v.startswith("FORMULA:") for v in cells), "XLSX in Calc: no cell became a formula")
        t.check("=cmd|' /C calc'!A0" in cells, "XLSX in Calc: the formula text is still plain text")
        # 2. The character set only (76 = UTF-8), as Calc's Text Import dialog sets it from the BOM
        utf8 = os.path.join(work, "utf8")
        os.mkdir(utf8)
        _soffice(t, utf8, [csv_path], infilter="Text - txt - csv (StarCalc):44,34,76")
        rows = next(iter(_sheets(open(os.path.join(utf8, "from-csv.xlsx"), "rb").read()).values()))
        head = rows[0]
        for h in ("Số phản ánh", "Nợ lương: Những tháng bị nợ lương", "Nợ lương: Số tiền trên là", "Bữa ăn ca: Vấn đề gặp phải"):
            t.check(h in head, f"CSV in Calc (UTF-8): header {h!r} exact")
        table = _table(rows)
        wage = [r for r in table if "Mốc xuất: nợ lương" in r.values()]
        t.check(wage and wage[0].get("Nợ lương: Khoảng bao nhiêu người cùng bị nợ lương?") == "101–300 người",
                "CSV in Calc: the wage report's answers exact ('101–300 người')")
        cells = [v for r in rows for v in r]
        t.check(not any(v.startswith("FORMULA:") for v in cells), "CSV in Calc: no cell is a formula")
        t.check("'=cmd|' /C calc'!A0" in cells, "CSV in Calc: the formula text stays text, apostrophe first")
        t.check("<script>alert(1)</script><b>đậm</b>" in cells, "CSV in Calc: HTML stays literal text")
    finally:
        shutil.rmtree(work, ignore_errors=True)
