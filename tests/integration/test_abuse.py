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
        t.check(codes.count(429) >= 15, f"a flood on one QR code gets 429s: {codes.count(429)} of 140")
        t.check(codes.count(200) >= 100, f"up to the limit, reports are taken: {codes.count(200)}")
        r429 = next((r for r in harness.SEEN[-140:] if r.status == 429), None)
        if r429:
            t.check("Tin nhắn số" in r429.text, "the 429 page gives the worker's text back")
            t.check(not harness.security_header_problems(r429), "429 page has the security headers")
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
