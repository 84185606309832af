"""test_abuse.py: floods get 429 pages and leave others served; honeypot. Each test runs its own stack with limits on."""
import concurrent.futures
import time
import urllib.parse

import harness


def _with_stack(t, env, body):
    stack = harness.Stack(env_extra=env)
    try:
        stack.start()
        body(stack)
    finally:
        stack.stop()


def test_app_limits(t, _main_stack):
    """In-app limits (nginx's off so they can be reached from one address)."""
    def body(stack):
        tok, other = stack.demo[0][0], stack.demo[1][0]
        _, csrf, _ = stack.form(tok)

        def one(i):
            pairs = [("_token", csrf), ("_idem", f"flood{i:011d}abcdef"), ("text", f"Tin nhắn số {i}")]
            return stack.post(f"/q/{tok}/concern", urllib.parse.urlencode(pairs))
        # the limit counts per clock minute (ratelimit.c): a flood that straddles one is
        # split in two halves under the limit, so start it early in a minute
        if time.time() % 60 > 35:
            time.sleep(60.5 - time.time() % 60)
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            codes = [r.status for r in pool.map(one, range(140))]
        # valid reports are never refused for a flood: past 120 a minute they are stored flagged
        t.check(codes == [200] * 140, f"a flood of valid reports on one QR code: statuses {sorted(set(codes))}")
        flagged = stack.value("SELECT count(*) FROM submission WHERE idempotency_key LIKE 'flood%' AND flood")
        t.check(15 <= flagged <= 20, f"reports past the limit are flagged: {flagged} of 140, want 20")
        r, _ = stack.submit(other, [("text", "Một phản ánh khác trong lúc bị tấn công")])
        t.check(r.status == 200 and harness.receipt_of(r), f"another QR code is still served: {r.status}")
        stored = stack.value("SELECT count(*) FROM submission WHERE idempotency_key LIKE 'flood%'")
        t.eq(stored, codes.count(200), "rows stored == reports accepted")

        _, csrf2, idem = stack.form(other)
        same = [stack.post(f"/q/{other}/concern", urllib.parse.urlencode(
            [("_token", csrf2), ("_idem", idem), ("text", "cùng một khóa")])).status for _ in range(65)]
        t.check(same.count(429) >= 1 and same[0] == 200, f"one idempotency key resent 65 times is limited: {same.count(429)}")
        t.eq(stack.value("SELECT count(*) FROM submission WHERE idempotency_key = :'k'", k=idem), 1,
             "and still stored once")

        r, _ = stack.submit(other, [("text", "bot"), ("website", "http://spam.example")])
        t.eq(r.status, 400, "the honeypot field filled: refused")
        t.eq(stack.value("SELECT count(*) FROM submission WHERE answers->>'text' = 'bot'"), 0, "nothing stored")

        rc = harness.receipt_of(stack.submit(other, [("text", "tra cứu nhiều lần")])[0])
        t.require(rc, "got a receipt")
        page = stack.get("/status")
        lookup = harness.parse_html(page.text).inputs["_token"]
        codes = [stack.post("/status", urllib.parse.urlencode(
            [("_token", lookup), ("action", "lookup"), ("receipt", rc)])).status for _ in range(12)]
        t.check(codes[:10] == [200] * 10 and codes[-1] == 429, f"one receipt looked up 12 times: {codes}")
    _with_stack(t, {"TIENGNOI_RATELIMIT": "off", "TIENGNOI_APP_RATELIMIT": "on"}, body)


def test_invalid_flood_cannot_silence(t, _main_stack):
    """Issue 12, item 5: an employer posting invalid reports to a QR code (with a reusable form token,
    under nginx's per-client limit) cannot make the app refuse a real worker's report; landing-page
    floods are not a write per request and cannot inflate the scan count without bound."""
    def body(stack):
        tok, other = stack.demo[0][0], stack.demo[1][0]
        _, csrf, _ = stack.form(tok)
        # 300 invalid posts (empty text) from one "client" (nginx limits off here)
        def bad(i):
            return stack.post(f"/q/{tok}/concern", urllib.parse.urlencode(
                [("_token", csrf), ("_idem", f"junk{i:012d}abcdef"), ("text", "")])).status
        if time.time() % 60 > 40:
            time.sleep(60.5 - time.time() % 60)
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            codes = list(pool.map(bad, range(300)))
        t.check(set(codes) == {400}, f"invalid posts are refused as invalid: {sorted(set(codes))}")
        r, idem = stack.submit(tok, [("text", "Công nhân thật gửi phản ánh trong lúc bị phá.")])
        t.check(r.status == 200 and harness.receipt_of(r), f"a real worker after the flood: {r.status}, want 200")
        row = stack.value("SELECT flood FROM submission WHERE idempotency_key = :'k'", k=idem)
        t.check(row in (False, "f"), f"the real report is not flagged: {row!r}")

        # landing floods: batched scan counts, not a write per request, and capped per minute
        ep = stack.value("SELECT id FROM entry_point WHERE token = :'t'", t=other)
        before = stack.value("SELECT scan_count FROM entry_point WHERE id = :'i'", i=ep)
        if time.time() % 60 > 45:    # the cap counts per clock minute: keep the flood inside one
            time.sleep(60.5 - time.time() % 60)
        upd0 = stack.value("SELECT n_tup_upd FROM pg_stat_user_tables WHERE relname = 'entry_point'")
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            got = list(pool.map(lambda _: stack.get(f"/q/{other}").status, range(400)))
        t.check(set(got) == {200}, f"landing pages are served: {sorted(set(got))}")
        time.sleep(2.5)
        for _ in range(6):      # a request after the flush interval writes the rest
            stack.get(f"/q/{other}")
            time.sleep(0.2)
        time.sleep(1)
        after = stack.value("SELECT scan_count FROM entry_point WHERE id = :'i'", i=ep)
        upd = stack.value("SELECT n_tup_upd FROM pg_stat_user_tables WHERE relname = 'entry_point'") - upd0
        t.check(upd <= 40, f"406 landing pages made {upd} row updates of entry_point, want a few (batched)")
        t.check(after - before <= 300 + 6, f"scans counted per minute are capped at 300: +{after - before} "
                                           f"for 406 landing pages")
        t.check(after - before >= 100, f"scans are still counted: +{after - before}")
    _with_stack(t, {"TIENGNOI_RATELIMIT": "off", "TIENGNOI_APP_RATELIMIT": "on"}, body)


def test_nginx_worker_limits(t, _main_stack):
    """nginx: a client posting reports faster than a person is refused (readable 429, text kept
    by the back button); a killed app answers worker paths with a "not sent, press Back" page."""
    def body(stack):
        tok = stack.demo[0][0]
        _, csrf, _ = stack.form(tok)
        codes = []
        for i in range(45):     # 3 a second: under the 10/s per-client limit, over the report limit
            codes.append(stack.post(f"/q/{tok}/concern", urllib.parse.urlencode(
                [("_token", csrf), ("_idem", f"slow{i:012d}abcdef"), ("text", "")])).status)
            time.sleep(0.33)
        t.check(codes[:20].count(429) == 0, f"the first posts reach the app: {codes[:20]}")
        t.check(codes.count(429) >= 10, f"a client posting 3 reports a second is refused by nginx: {codes.count(429)}")
        # GET floods from one client meet the read limit; other paths still served
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            got = list(pool.map(lambda _: stack.get(f"/q/{tok}").status, range(200)))
        t.check(got.count(429) >= 20, f"a flood of landing pages from one client is limited: {got.count(429)} of 200")
        t.eq(stack.get("/status").status, 200, "other worker pages still served")
        # the app gone: nginx's page on worker paths says the report was not sent
        sock = stack.run_dir / "app.sock"
        moved = sock.with_name("app.sock.away")
        sock.rename(moved)
        try:
            time.sleep(1.1)     # past the read limit's burst
            r = stack.post(f"/q/{tok}/concern", urllib.parse.urlencode(
                [("_token", csrf), ("_idem", "downdowndown00000001"), ("text", "Gửi khi máy chủ hỏng.")]))
            t.eq(r.status, 503, "POST while the app is gone")
            t.check("chưa được gửi" in r.text and "Quay lại" in r.text, f"the page says not sent, press Back: {r.text[:200]!r}")
            t.check(r.header("Retry-After") is not None, "with Retry-After")
            t.check(not harness.security_header_problems(r), f"headers: {harness.security_header_problems(r)}")
            r = stack.post("/status", "action=lookup&receipt=1")
            t.check(r.status == 503 and "chưa được gửi" in r.text, f"/status while the app is gone: {r.status}")
            r = stack.get("/admin/login")
            t.check(r.status == 503 and "chưa được gửi" not in r.text, f"the console keeps the general page: {r.status}")
        finally:
            moved.rename(sock)
    _with_stack(t, {"TIENGNOI_RATELIMIT": "on"}, body)


def test_nginx_limits(t, _main_stack):
    """nginx's per-client limit on POSTs: a burst gets its 429 page, GETs still served."""
    def body(stack):
        tok = stack.demo[0][0]
        _, csrf, _ = stack.form(tok)

        def one(i):
            pairs = [("_token", csrf), ("_idem", f"burst{i:011d}abcdef"), ("text", "x" * 10)]
            return stack.post(f"/q/{tok}/concern", urllib.parse.urlencode(pairs))
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            rs = list(pool.map(one, range(60)))
        limited = [r for r in rs if r.status == 429]
        t.check(len(limited) >= 10, f"a burst of 60 POSTs meets nginx's limit: {len(limited)} refused")
        if limited:
            t.check("Quá nhiều yêu cầu" in limited[0].text or "Too many" in limited[0].text,
                    "the refusal is a readable page")
            t.check(limited[0].header("Retry-After") is not None, "with Retry-After")
        t.eq(stack.get(f"/q/{tok}").status, 200, "reading pages is not limited")
        statuses = [stack.post("/status", "action=lookup&receipt=1").status for _ in range(10)]
        t.check(429 in statuses, f"/status has its own tighter limit: {statuses}")
    _with_stack(t, {"TIENGNOI_RATELIMIT": "on"}, body)
