"""test_ux12.py: issue 12's last small items: reports stored during a flood are flagged where officers look."""
import concurrent.futures
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
