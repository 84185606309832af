"""test_tidy.py: the worker path after the review of issue 12: published results cached with the QR entry point (and dropped on approval or withdrawal), the receipt picture read through the one form reader."""
import re
import subprocess
import tempfile
import time
import urllib.parse

import harness
from test_loop import _resolved

ENTRY_CACHE_SECONDS = 60   # fcgi/entry.h: how stale an unannounced change may be
GETS = 15                  # landing pages per look: enough to reach each of the stack's 3 workers


def _landings(stack, token):
    """GETS landing pages of `token`: how many show the results section (and each answered 200)."""
    shown = 0
    for _ in range(GETS):
        r = stack.get(f"/q/{token}")
        assert r.status == 200, f"landing page: {r.status}"
        shown += 'id="results"' in r.text
    return shown


def _result_scans(stack):
    """How many times PostgreSQL has read workplace_result (sequential and index scans), as its statistics say."""
    return stack.value("SELECT coalesce(seq_scan, 0) + coalesce(idx_scan, 0) FROM pg_stat_user_tables "
                       "WHERE relname = 'workplace_result'")


def test_landing_results_cached(t, stack):
    """The landing page's "what the union did" comes from each worker's entry cache: once cached, landing pages do
    not query it; an approval or a withdrawal in the console is announced and shows on every worker's next page;
    a change made in SQL by hand shows within ENTRY_CACHE_SECONDS."""
    unit = stack.value("SELECT u.code FROM workplace w JOIN org_unit u ON u.id = w.unit_id WHERE w.code = 'CHE-TAMDUONG'")
    p = stack.admin("workplace", "add", "--code", "TIDY-KQ", "--name", "Công ty Bộ Nhớ Đệm", "--unit", unit)
    t.require(p.returncode == 0, f"workplace add: {p.stderr.decode()}")
    token = stack.admin("qr", "create", "--workplace", "TIDY-KQ").stdout.decode().strip().rsplit("/", 1)[-1]
    wid = str(stack.value("SELECT id FROM workplace WHERE code = 'TIDY-KQ'"))
    _resolved(stack, token, 5, [("category", "wages")])

    t.eq(_landings(stack, token), 0, "nothing published: no results on any landing page (every worker caches that)")
    time.sleep(1.5)   # PostgreSQL's statistics reach other sessions within a second of a backend going idle
    before = _result_scans(stack)
    t.eq(_landings(stack, token) + _landings(stack, token), 0, "still nothing")
    time.sleep(1.5)
    after = _result_scans(stack)
    # each of the 3 workers may load the entry once more (it expired, or it served none of the first GETS) and
    # report a late scan of the warm-up: the build before the cache read it once per page (2 * GETS)
    t.check(after - before <= 6, f"{2 * GETS} cached landing pages read workplace_result {after - before} times (at most "
            "twice per worker)")

    ward = harness.demo_console(t, stack)
    seen = harness.parse_html(ward.get(f"/admin/results/{wid}").text).inputs.get("seen")
    t.require(seen, "the preview offers approval")
    t.eq(ward.post(f"/admin/results/{wid}", [("action", "approve"), ("seen", seen)]).status, 303, "approved in the console")
    t.eq(_landings(stack, token), GETS, "right after the approval every landing page shows the results")
    own = stack.get(f"/q/{token}/ket-qua")
    t.check(own.status == 200 and 'id="results"' in own.text and "<strong>5</strong>" in own.text,
            "the results' own page shows them too")
    t.eq(ward.post(f"/admin/results/{wid}", [("action", "withdraw")]).status, 303, "withdrawn in the console")
    t.eq(_landings(stack, token), 0, "right after the withdrawal no landing page shows them")
    t.check('id="results-none"' in stack.get(f"/q/{token}/ket-qua").text, "the own page says nothing is published")

    # approved again, then withdrawn by hand in SQL: nobody announces that, the cache's lifetime bounds it
    seen = harness.parse_html(ward.get(f"/admin/results/{wid}").text).inputs.get("seen")
    t.eq(ward.post(f"/admin/results/{wid}", [("action", "approve"), ("seen", seen)]).status, 303, "approved again")
    t.eq(_landings(stack, token), GETS, "shown again")
    stack.psql("UPDATE workplace_result SET withdrawn_at = now(), withdrawn_by = approved_by WHERE workplace_id = :'w' "
               "AND withdrawn_at IS NULL", w=wid)
    start = time.monotonic()
    gone = harness.wait_until(lambda: _landings(stack, token) == 0, ENTRY_CACHE_SECONDS + 10, step=2)
    took = time.monotonic() - start
    t.check(gone, f"a withdrawal made in SQL leaves the landing pages within {ENTRY_CACHE_SECONDS} s")
    t.check(took <= ENTRY_CACHE_SECONDS + 5, f"... it took {took:.0f} s")


def _zbar(png):
    """The text zbarimg, a real decoder, reads from a PNG; None when it reads nothing."""
    with tempfile.NamedTemporaryFile(suffix=".png") as f:
        f.write(png)
        f.flush()
        z = subprocess.run(["zbarimg", "--raw", "-q", "--nodbus", f.name], capture_output=True, timeout=20)
    return z.stdout.decode().strip() if z.returncode == 0 else None


def test_receipt_png_reader(t, stack):
    """/q/TOKEN/bien-nhan.png reads its body through req_form(): a good code is a PNG zbarimg decodes to the code;
    the wrong type 415; empty, malformed, non-UTF-8, over 1 KB and hostile bodies 400; nothing stored."""
    tok = stack.demo[0][0]
    r, _ = stack.submit(tok, [("category", "other"), ("text", "Biên nhận qua bộ đọc chung")])
    m = re.search(r'name="code" value="(\d{16})"', r.text)
    t.require(r.status == 200 and m, f"a report and its receipt form: {r.status}")
    code = m.group(1)
    png = stack.post(f"/q/{tok}/bien-nhan.png", urllib.parse.urlencode([("code", code)]))
    t.eq(png.status, 200, "the picture")
    t.check(png.headers.get("Content-Type", "").startswith("image/png") and png.body[:8] == b"\x89PNG\r\n\x1a\n", "a PNG")
    t.eq(_zbar(png.body), code, "zbarimg reads the code from it")
    count = stack.value("SELECT count(*) FROM submission")
    for body, what in ((b"", "empty"), (b"code=%zz", "a bad %-escape"), (b"code=%4", "a cut %-escape"),
                       (b"code=%C0%AF" + b"1" * 14, "overlong UTF-8"), (b"code=\xff" + b"1" * 15, "a raw non-UTF-8 byte"),
                       (b"code=" + b"1" * 2000, "over 1 KB"), (b"code=1234%00567890123456", "a NUL"),
                       (urllib.parse.urlencode([("code", "<script>alert(1)</script>")]).encode(), "script"),
                       (urllib.parse.urlencode([("code", "1' OR '1'='1")]).encode(), "SQL")):
        r = stack.post(f"/q/{tok}/bien-nhan.png", body)
        t.eq(r.status, 400, f"{what}: 400")
        t.check(not r.headers.get("Content-Type", "").startswith("image/"), f"{what}: no picture")
    r = stack.post(f"/q/{tok}/bien-nhan.png", urllib.parse.urlencode([("code", code)]), ctype="text/plain")
    t.eq(r.status, 415, "another content type: 415")
    r = stack.post(f"/q/{tok}/bien-nhan.png", urllib.parse.urlencode([("code", code), ("code", "1" * 16)]))
    t.check(r.status == 200 and _zbar(r.body) == code, "a repeated key: the first value is drawn")
    t.eq(stack.value("SELECT count(*) FROM submission"), count, "nothing stored")
