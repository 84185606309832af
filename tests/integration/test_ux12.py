"""test_ux12.py: issue 12's last small items: reports stored during a flood are flagged where officers look; exports by workplace."""
import concurrent.futures
import csv
import io
import re
import time
import urllib.parse

import harness
from test_abuse import _with_stack


def test_flood_flag_visible(t, _main_stack):
    """Issue 12, item 5: someone floods a QR code with valid reports; a real worker's report sent during the flood is
    stored (200 and a receipt), flagged, and the officer sees the flag in the queue, can filter on it, and reads
    why on the report page. A bad flood filter is 400 naming it."""
    def body(stack):
        tok = next(tok for tok, name, _ in stack.demo if "Tân Phong" in name)
        _, csrf, _ = stack.form(tok)

        def one(i):
            pairs = [("_token", csrf), ("_idem", f"ux12flood{i:07d}abcdef"), ("text", f"Gửi dồn số {i}")]
            return stack.post(f"/q/{tok}/concern", urllib.parse.urlencode(pairs)).status
        if time.time() % 60 > 35:      # the limit counts per clock minute: keep the flood inside one
            time.sleep(60.5 - time.time() % 60)
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            codes = list(pool.map(one, range(125)))
        t.check(codes == [200] * 125, f"the flood itself is stored: {sorted(set(codes))}")
        real = "Công nhân thật: chậm lương tháng 11, gửi đúng lúc bị phá"
        r, idem = stack.submit(tok, [("category", "wages"), ("text", real)])
        t.check(r.status == 200 and harness.receipt_of(r), f"the real report is accepted: {r.status}")
        row = stack.rows("SELECT id, flood FROM submission WHERE idempotency_key = :'k'", k=idem)
        t.require(len(row) == 1, f"and stored once: {row}")
        sid, flagged = str(row[0]["id"]), row[0]["flood"]
        t.check(flagged in (True, "t"), f"and flagged as sent during a flood: {flagged!r}")
        calm = stack.rows("SELECT id FROM submission WHERE NOT flood ORDER BY id LIMIT 1")
        t.require(calm, "some reports are not flagged")
        calm_id = str(calm[0]["id"])

        officer = harness.demo_console(t, stack, "demo.tanphong")
        queue = officer.get("/admin/?" + urllib.parse.urlencode({"q": "gửi đúng lúc bị phá"}))
        t.eq(queue.status, 200, "the queue")
        rowhtml = re.search(rf'<tr[^>]*>(?:(?!</tr>).)*href="/admin/s/{sid}"(?:(?!</tr>).)*</tr>', queue.text, re.S)
        t.require(rowhtml, f"the real report is in the officer's queue: {harness.short(queue.text, 400)}")
        t.check('<span class="tag flood">Gửi lúc có gửi dồn bất thường</span>' in rowhtml.group(0),
                f"its row carries the flood tag: {harness.short(rowhtml.group(0), 400)}")
        t.check('name="flood"' in queue.text, "the filter form offers the flood filter")

        only = officer.get("/admin/?flood=1")
        t.eq(only.status, 200, "the flood filter")
        ids = set(re.findall(r'href="/admin/s/(\d+)"', only.text))
        t.check(sid in ids, "filtering on floods lists the real report")
        t.check(calm_id not in ids, f"and not a report sent in calm times (#{calm_id})")
        t.check(ids and all(stack.value("SELECT flood FROM submission WHERE id = :'i'", i=i) in (True, "t")
                            for i in ids), f"only flagged reports: {sorted(ids)}")
        t.check('name="flood" value="1" checked' in only.text, "the box stays ticked")
        chip = re.search(r'href="([^"]*status=new[^"]*)" data-status="new"', only.text)
        t.check(chip and "flood=1" in chip.group(1), f"the status links keep the filter: {chip and chip.group(1)}")
        n_flagged = int(stack.value("SELECT count(*) FROM submission WHERE flood"))
        t.check(f"<b>{min(n_flagged, 1000)}</b>" in only.text, f"the count of new reports is of flagged ones ({n_flagged})")

        page = officer.get(f"/admin/s/{sid}")
        note = harness.parse_html(page.text).by_id.get("flood-note", "")
        t.check("gửi dồn bất thường" in note and "vẫn được lưu" in note, f"the report page says why: {note!r}")
        t.check("flood-note" not in officer.get(f"/admin/s/{calm_id}").text, "a calm report has no such note")

        for bad in ("2", "true", "<script>", "1' OR '1'='1", "1" * 300):
            r = officer.get("/admin/?" + urllib.parse.urlencode({"flood": bad}))
            t.eq(r.status, 400, f"flood={bad[:20]!r}")
            t.check("flood" in harness.parse_html(r.text).by_id.get("refused", ""), "the page names the filter")
    _with_stack(t, {"TIENGNOI_RATELIMIT": "off", "TIENGNOI_APP_RATELIMIT": "on"}, body)


def test_export_workplace(t, stack):
    """Issue 12, item 12: exports take a workplace like the queue does: one in the officer's scope narrows the file to
    it; an id beyond a bigint, a malformed one or one outside the scope is a 400 form naming "Nơi làm việc" (never a
    5xx, never an empty 200 file), and the export is not audited as made."""
    for tok, name, _ in stack.demo[:2]:
        r, _ = stack.submit(tok, [("category", "wages"), ("text", f"Xuất theo nơi làm việc: {name}")])
        t.require(r.status == 200, f"a report for {name}")
    wp = {r["name"]: str(r["id"]) for r in stack.rows("SELECT id, name FROM workplace")}
    mine = next(i for n, i in wp.items() if "Tân Phong" in n)
    other = next(i for n, i in wp.items() if "Tam Đường" in n)
    ward = harness.demo_console(t, stack, "demo.tanphong")
    form = ward.get("/admin/export")
    t.check('name="workplace"' in form.text and f'value="{mine}"' in form.text, "the export form offers the workplace")
    t.check(f'value="{other}"' not in form.text, "but not one outside the officer's scope")
    before = int(stack.value("SELECT count(*) FROM audit_log WHERE action = 'export.submissions'"))
    for bad in ("99999999999999999999", "12a", "-1", "0", "<script>", "1' OR '1'='1", "9" * 5000, other):
        r = ward.get("/admin/export/download?" + urllib.parse.urlencode({"format": "csv", "workplace": bad}))
        t.eq(r.status, 400, f"workplace={bad[:24]!r}")
        t.check("text/html" in (r.header("Content-Type") or ""), "the form comes back, not a file")
        t.check("Nơi làm việc" in r.text and "không có nơi làm việc này" in r.text, "the message names the field")
    t.eq(ward.get("/admin/export/download?format=xlsx&workplace=%FF").status, 400, "a non-UTF-8 workplace: 400")
    t.eq(int(stack.value("SELECT count(*) FROM audit_log WHERE action = 'export.submissions'")), before,
         "no refused export is audited as made")

    admin = harness.demo_console(t, stack, "demo.tinh")
    r = admin.get(f"/admin/export/download?format=csv&workplace={mine}")
    t.eq(r.status, 200, "one workplace's export")
    rows = list(csv.DictReader(io.StringIO(r.body.decode("utf-8-sig"), newline="")))
    names = {x["Nơi làm việc"] for x in rows}
    t.check(len(names) == 1 and "Tân Phong" in next(iter(names)), f"only that workplace: {names}")
    t.eq(len(rows), int(stack.value("SELECT count(*) FROM submission WHERE workplace_id = :'w'", w=mine)),
         "every report of that workplace")
    every = admin.get("/admin/export/download?format=csv")
    t.check(len(list(csv.DictReader(io.StringIO(every.body.decode("utf-8-sig"), newline="")))) > len(rows),
            "without the filter: every workplace in scope")
    detail = stack.value("SELECT detail FROM audit_log WHERE action = 'export.submissions' ORDER BY id DESC OFFSET 1 LIMIT 1")
    t.check(f"workplace={mine}" in (detail or ""), f"the audit row names the workplace: {detail!r}")


def test_receipt_png(t, stack):
    """Issue 12, item 2: the receipt's "save as image" posts the code to /q/TOKEN/bien-nhan.png, which draws the PNG
    only then (not on every report); the code never goes in a URL. Anything but 16 digits is 400; GET is 405."""
    tok = stack.demo[0][0]
    r, _ = stack.submit(tok, [("category", "other"), ("text", "Biên nhận lưu thành ảnh khi bấm")])
    t.eq(r.status, 200, "a report is stored")
    page = r.text
    t.check('action="/q/' in page and 'bien-nhan.png"' in page and 'id="save-receipt"' in page,
            "the receipt page offers the save button as a form post")
    t.check("data:image/png" not in page, "no picture drawn with the receipt page itself")
    digits = re.search(r'name="code" value="(\d{16})"', page)
    t.check(digits is not None, "the form carries the 16 digits")
    if digits is None:
        return
    ok = stack.post(f"/q/{tok}/bien-nhan.png", urllib.parse.urlencode([("code", digits.group(1))]))
    t.eq(ok.status, 200, "the picture is drawn on request")
    t.check(ok.headers.get("Content-Type", "").startswith("image/png"), f"a PNG: {ok.headers.get('Content-Type')}")
    t.check("attachment" in ok.headers.get("Content-Disposition", "")
            and "tieng-noi-bien-nhan.png" in ok.headers.get("Content-Disposition", ""), "saved as tieng-noi-bien-nhan.png")
    t.check(ok.body[:8] == b"\x89PNG\r\n\x1a\n", "the PNG signature")
    for bad, what in (("", "empty"), ("123", "too short"), ("1" * 17, "too long"), ("1" * 5000, "huge"),
                      ("12345678901234ab", "letters"), ("'; DROP TABLE submission; --", "SQL"),
                      ("<script>alert(1)</script>", "script")):
        r = stack.post(f"/q/{tok}/bien-nhan.png", urllib.parse.urlencode([("code", bad)]))
        t.eq(r.status, 400, f"{what}: 400")
    r = stack.post(f"/q/{tok}/bien-nhan.png", b"code=%ff%fe" + b"1" * 14)
    t.eq(r.status, 400, "non-UTF-8: 400")
    t.eq(stack.get(f"/q/{tok}/bien-nhan.png").status, 405, "GET: 405")
