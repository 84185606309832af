"""test_worker.py: the worker's side over HTTP: landing, forms, receipts, refusals."""
import concurrent.futures
import hashlib
import re
import secrets
import struct
import time
import unicodedata
import urllib.parse

from harness import (FORM_CT, esc, form_subkey, make_csrf, new_idem, parse_html,
                     readable_vi_problems, receipt_of, security_header_problems, short,
                     textarea_value)

TEXT_VI = "Quản đốc bắt tăng ca đến 22 giờ mà không trả lương làm thêm giờ."


def _tok(stack, i=0):
    return stack.demo[i][0]


def _scan_count(stack, token):
    return stack.value("SELECT scan_count AS n FROM entry_point WHERE token = :'t'", t=token)


def _no_row(t, stack, idem, what):
    n = stack.count_idem(idem)
    t.check(n == 0, f"{what}: {n} submission row(s) stored, want none")


# 1
def test_healthz_and_headers(t, stack):
    tok = _tok(stack)
    r = stack.get("/healthz")
    t.eq(r.status, 200, "GET /healthz status")
    t.eq(r.text.strip(), "ok", "GET /healthz body")
    probes = [
        r,
        stack.get("/"),
        stack.get(f"/q/{tok}"),
        stack.get(f"/q/{tok}/concern"),
        stack.get("/q/ZZZZZZZZZZZZ"),
        stack.get("/no/such/page"),
        stack.post("/healthz", "x=1"),
        stack.post(f"/q/{tok}/concern", "x=1", ctype="text/plain"),
        stack.post(f"/q/{tok}/concern", "_token=1.2&_idem=x&text=abc"),
        stack.get("/static/app.css"),
    ]
    for p in probes:
        for prob in security_header_problems(p):
            t.check(False, f"{p.method} {p.path} ({p.status}): {prob}")
    statuses = [p.status for p in probes]
    t.check(statuses[1:8] == [200, 200, 200, 404, 404, 405, 415],
            f"unexpected statuses for the probes: {statuses}")


# 2
def test_landing(t, stack):
    for token, name, label in stack.demo:
        t.check(re.search(r"[^\x00-\x7f]", name), f"workplace name {name!r} is not Vietnamese")
        before = _scan_count(stack, token)
        r = stack.get(f"/q/{token}")
        if not t.check(r.status == 200, f"GET /q/{token} -> {r.status}"):
            continue
        t.check(esc(name) in r.text, f"/q/{token} does not show the workplace name {name!r}")
        if label:
            t.check(esc(label) in r.text, f"/q/{token} does not show the label {label!r}")
        links = [a.get("href") for tag, a in parse_html(r.text).tags if tag == "a"]
        t.check(f"/q/{token}/concern" in links, f"/q/{token} has no link to /q/{token}/concern: {links}")
        t.check("/status" in links, f"/q/{token} has no link to /status (checking a report sent before): {links}")
        r2 = stack.get(f"/q/{token.lower()}")
        t.check(r2.status == 200 and esc(name) in r2.text,
                f"lower-case /q/{token.lower()} -> {r2.status}, name shown: {esc(name) in r2.text}")
        r3 = stack.get(f"/Q/{token}")
        t.check(r3.status == 200 and esc(name) in r3.text,
                f"upper-cased QR URL /Q/{token} -> {r3.status}, name shown: {esc(name) in r3.text}")
        # scans are written in batches: the count catches up, and never over-counts
        after, extra = stack.scans_flushed(token, before + 3)
        t.check(before + 3 <= after <= before + 3 + extra,
                f"scan_count of {token}: {before} -> {after}, want +3 after 3 scans (+{extra} more to flush)")
    # the form behind the upper-case QR URL works too
    tok = _tok(stack)
    r = stack.get(f"/Q/{tok}/concern")
    t.check(r.status == 200 and 'name="_token"' in r.text, f"GET /Q/{tok}/concern -> {r.status}")


# 3
def test_unknown_and_revoked(t, stack):
    for path in ["/q/ZZZZZZZZZZZZ", "/q/short", "/q/ZZZZZZZZZZZZ/concern", f"/q/{_tok(stack)}/nosuchform",
                 f"/q/{_tok(stack)}/concern/extra"]:
        r = stack.get(path)
        t.check(r.status == 404, f"GET {path} -> {r.status}, want 404")
        t.check("Không tìm thấy" in r.text, f"GET {path}: no 'Không tìm thấy' in page: {short(r.text, 200)}")
        for p in readable_vi_problems(r):
            t.check(False, p)
    # Paths that nginx itself may refuse before the app sees them: still a
    # readable Vietnamese error page with the security headers, 400 or 404.
    for path in ["/q/../../etc/passwd", "/q/%00", "/q/..%2F..%2Fetc%2Fpasswd", "/q/%FF%FE", "/q/" + "A" * 9000]:
        r = stack.get(path)
        t.check(r.status in (400, 404, 414), f"{r.where} -> {r.status}, want 404 (or 400, 414)")
        t.check("root:" not in r.text, f"{r.where} leaks a file")
        probs = []
        if not ("Không tìm thấy" in r.text or "Yêu cầu không hợp lệ" in r.text or "quá dài" in r.text):
            probs.append("no Vietnamese explanation")
        probs += [p.split(": ", 1)[-1] for p in readable_vi_problems(r) if "heading" not in p]
        probs += security_header_problems(r)
        t.check(not probs, f"{r.where} -> {r.status}, page from {'the app' if 'Tiếng nói' in r.text else 'nginx'} "
                           f"({short(' '.join(r.text.split()), 70)}): " + "; ".join(probs))
    # the request's language: English only when chosen (the cookie the link sets)
    r = stack.get("/q/ZZZZZZZZZZZZ", headers={"Cookie": "lang=en"})
    t.check(r.status == 404 and "not found" in r.text.lower() and 'lang="en"' in r.text,
            f"English 404 page expected with the lang=en cookie, got {r.status}: {short(r.text, 200)}")
    # a revoked entry point
    p = stack.admin("qr", "create", "--workplace", "MAY-TANPHONG", "--label", "Thu hồi")
    t.require(p.returncode == 0, f"qr create failed: {p.stderr!r}")
    token = p.stdout.decode().strip().splitlines()[-1].rsplit("/", 1)[-1]
    r = stack.get(f"/q/{token}")
    t.require(r.status == 200, f"new entry point /q/{token} -> {r.status} before revocation")
    _, csrf, idem = stack.form(token)
    stack.psql("UPDATE entry_point SET revoked_at = now() WHERE token = :'t';", t=token)
    for path in [f"/q/{token}", f"/q/{token.lower()}/concern", f"/Q/{token}"]:
        r = stack.get(path)
        t.check(r.status == 404 and "Không tìm thấy" in r.text,
                f"revoked: GET {path} -> {r.status}: {short(r.text, 160)}")
    r, _ = stack.submit(token, [("text", "Gửi vào mã đã thu hồi")], csrf=csrf, idem=idem)
    t.check(r.status == 404, f"revoked: POST /q/{token}/concern -> {r.status}, want 404")
    _no_row(t, stack, idem, "POST to a revoked entry point")


# 4
def test_submit(t, stack):
    token = _tok(stack)
    ep = stack.value("SELECT id FROM entry_point WHERE token = :'t'", t=token)
    r, idem = stack.submit(token, [("category", "hours"), ("text", TEXT_VI)])
    t.require(r.status == 200, f"POST -> {r.status}: {short(r.text, 400)}")
    shown = parse_html(r.text).by_id.get("receipt")
    digits = receipt_of(r)
    t.require(digits, f'no id="receipt" with 16 digits grouped 4-4-4-4: {shown!r}')
    n = stack.count_idem(idem)
    t.eq(n, 1, "rows with this idempotency key")
    row = stack.submission(idem)
    t.require(row, "no submission row")
    t.eq(row["answers"].get("text"), TEXT_VI, "answers->>'text'")
    t.eq(row["answers"].get("category"), "hours", "answers->>'category'")
    t.eq(row["lang"], "vi", "lang")
    t.eq(row["channel"], "qr", "channel")
    t.eq(row["form_id"], "concern", "form_id")
    t.eq(row["entry_point_id"], ep, "entry_point_id")
    t.eq(row["hashlen"], 32, "length(receipt_hash)")
    t.eq(row["status"], "new", "status")
    n = stack.value("SELECT count(*) AS n FROM submission WHERE answers::text LIKE '%' || :'d' || '%'", d=digits)
    t.eq(n, 0, "submissions whose answers contain the receipt")
    # the receipt in any form, in any column of any table
    for form in {digits, shown.strip()}:
        hits = stack.rows(
            "SELECT table_name, (xpath('/row/c/text()', query_to_xml(format("
            "'SELECT count(*) AS c FROM %I.%I t WHERE t::text LIKE %L', table_schema, table_name, "
            "'%' || :'d' || '%'), false, true, '')))[1]::text::int AS c "
            "FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'",
            d=form)
        bad = [h for h in hits if h["c"]]
        t.check(not bad, f"receipt {form!r} stored in the database: {bad}")
    # the receipt page offers a way back and says nothing about the text
    t.check(TEXT_VI not in r.text, "the receipt page echoes the report")


# 5
def test_double_submit(t, stack):
    token = _tok(stack, 1)
    _, csrf, idem = stack.form(token)
    fields = [("category", "wages"), ("text", "Công ty nợ lương tháng 9 và tháng 10.")]
    r1, _ = stack.submit(token, fields, csrf=csrf, idem=idem)
    r2, _ = stack.submit(token, fields, csrf=csrf, idem=idem)
    a, b = receipt_of(r1), receipt_of(r2)
    t.check(r1.status == 200 and r2.status == 200, f"statuses {r1.status}, {r2.status}")
    t.check(a and a == b, f"receipts differ or missing: {a!r} vs {b!r}")
    t.eq(stack.count_idem(idem), 1, "rows after a double submit")

    # several rounds: the resends race each other into two unique indexes
    # (key and receipt), and a lost race must still answer with the receipt
    for round_ in range(4):
        _, csrf, idem2 = stack.form(token)
        body = urllib.parse.urlencode([("_token", csrf), ("_idem", idem2), ("category", "safety"),
                                       ("text", f"Máy cắt vải ở xưởng {round_ + 2} không có tấm chắn an toàn.")])

        def send(_):
            try:
                r = stack.post(f"/q/{token}/concern", body, timeout=30)
                return r.status, receipt_of(r)
            except Exception as e:      # a timeout or reset is a result too
                return repr(e), None

        with concurrent.futures.ThreadPoolExecutor(max_workers=32) as ex:
            results = list(ex.map(send, range(32)))
        statuses = sorted({str(s) for s, _ in results})
        receipts = {rc for _, rc in results}
        t.check(statuses == ["200"], f"32 concurrent resends, round {round_ + 1}: statuses {statuses}")
        t.check(len(receipts) == 1 and None not in receipts, f"32 concurrent resends: receipts {receipts}")
        t.check(a not in receipts, "two different submissions got the same receipt")
        t.eq(stack.count_idem(idem2), 1, "rows after 32 concurrent resends")
        stack.receipts.extend(rc for rc in receipts if rc)


# 6
def test_validation(t, stack):
    token = _tok(stack)

    def expect_400(fields, field_in_error, what, kept=None):
        r, idem = stack.submit(token, fields)
        t.check(r.status == 400, f"{what}: status {r.status}, want 400")
        page = parse_html(r.text)
        t.check(f'id="e-{field_in_error}"' in r.text, f"{what}: no error element id=\"e-{field_in_error}\"")
        # next to its field: after the field's label, before its input
        lab = r.text.find(f'for="f-{field_in_error}"')
        err = r.text.find(f'id="e-{field_in_error}"')
        inp = r.text.find(f'id="f-{field_in_error}"')
        t.check(0 <= lab < err < inp, f"{what}: error not next to its field (label {lab}, error {err}, field {inp})")
        others = {"text", "category"} - {field_in_error}
        for o in others:
            t.check(f'id="e-{o}"' not in r.text, f"{what}: unexpected error on {o}")
        if kept is not None:
            t.eq(textarea_value(r.text, "text"), kept, f"{what}: text kept in the textarea")
        t.check("_token" in page.inputs and "_idem" in page.inputs, f"{what}: re-rendered form lacks _token/_idem")
        _no_row(t, stack, idem, what)
        return r

    r = expect_400([("category", "safety"), ("text", "")], "text", "empty text")
    t.eq(parse_html(r.text).selected.get("category"), "safety", "empty text: category still selected")
    r = expect_400([("category", "meals"), ("text", " \r\n\t ")], "text", "blank text")
    t.eq(parse_html(r.text).selected.get("category"), "meals", "blank text: category still selected")
    expect_400([("category", "wages"), ("text", "ab")], "text", "text under min_length", kept="ab")
    long_text = "ệ" * 4001          # 4001 characters, 12003 bytes
    expect_400([("category", "wages"), ("text", long_text)], "text", "4001-character text", kept=long_text)
    expect_400([("category", "bribery"), ("text", TEXT_VI)], "category", "unknown category", kept=TEXT_VI)
    # the limit is 4000 characters, not bytes
    r, idem = stack.submit(token, [("text", "ệ" * 4000)])
    t.check(r.status == 200 and receipt_of(r), f"4000 three-byte characters: status {r.status}, want 200")
    # a field the form does not have is ignored, not stored
    r, idem = stack.submit(token, [("text", TEXT_VI), ("evil", "x"), ("category", "other")])
    t.check(r.status == 200, f"unknown extra field: status {r.status}")
    row = stack.submission(idem)
    t.check(row and "evil" not in row["answers"], f"unknown field stored: {row and row['answers']}")


HOSTILE = [
    "'); DROP TABLE submission; --",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "</textarea><script>alert(2)</script>",
    "&lt;b&gt; already-escaped &amp; ${7*7} {{7*7}} %s%n\\x00 `id`",
]


# 7
def test_hostile_input(t, stack):
    token = _tok(stack)
    baseline_scripts = stack.get(f"/q/{token}/concern").text.count("<script")
    for h in HOSTILE:
        r, idem = stack.submit(token, [("category", "other"), ("text", h)])
        t.check(r.status == 200, f"{h!r}: status {r.status}")
        row = stack.submission(idem)
        t.check(row and row["answers"].get("text") == h, f"{h!r}: stored as {row and row['answers'].get('text')!r}")
        r, idem = stack.submit(token, [("category", "not_a_category"), ("text", h)])
        t.check(r.status == 400, f"{h!r} with a bad category: status {r.status}, want 400")
        if "<" in h or '"' in h or "'" in h:
            t.check(h not in r.text, f"{h!r} echoed raw in the 400 page")
        t.eq(textarea_value(r.text, "text"), h, f"{h!r}: textarea value after re-render")
        t.check(r.text.count("<script") == baseline_scripts,
                f"{h!r}: {r.text.count('<script')} <script in the page, want {baseline_scripts}")
        t.check("<img" not in r.text, f"{h!r}: an <img> element in the page")
        _no_row(t, stack, idem, f"{h!r} with a bad category")
    t.check("&lt;script&gt;" in stack.submit(token, [("category", "x"), ("text", HOSTILE[1])])[0].text,
            "<script> not shown as &lt;script&gt;")
    t.eq(stack.value("SELECT count(*) AS n FROM information_schema.tables WHERE table_name = 'submission'"), 1,
         "table submission still exists")
    # hostile names and labels from the CLI are escaped on the landing page
    wp_name = '<img src=x onerror=alert(3)> & "Xưởng"'
    label = "<script>alert(4)</script>"
    p = stack.admin("workplace", "add", "--code", "XSS-WP", "--name", wp_name, "--unit", "CD-TANPHONG")
    t.require(p.returncode == 0, f"workplace add: {p.returncode} {p.stderr!r}")
    p = stack.admin("qr", "create", "--workplace", "XSS-WP", "--label", label)
    t.require(p.returncode == 0, f"qr create: {p.returncode} {p.stderr!r}")
    xtok = p.stdout.decode().strip().rsplit("/", 1)[-1]
    # each page against the same page of a plain workplace (the landing page loads no script)
    for path, plain in [(f"/q/{xtok}", f"/q/{token}"), (f"/q/{xtok}/concern", f"/q/{token}/concern")]:
        r = stack.get(path)
        t.check(r.status == 200, f"GET {path} -> {r.status}")
        t.check(wp_name not in r.text and label not in r.text, f"GET {path}: hostile name or label raw in page")
        want = stack.get(plain).text.count("<script")
        t.check("<img" not in r.text and r.text.count("<script") == want,
                f"GET {path}: markup injected ({r.text.count('<script')} <script, want {want})")
    t.check(esc(wp_name) in stack.get(f"/q/{xtok}").text.replace("&#x27;", "&#39;"),
            "hostile workplace name not shown escaped on the landing page")


# 8
def test_bad_encodings(t, stack):
    token = _tok(stack)
    cases = [
        ("invalid UTF-8", "text=%FF%FE"),
        ("overlong UTF-8 /", "text=%C0%AF"),
        ("overlong 3-byte NUL", "text=abc%E0%80%80"),
        ("UTF-16 surrogate", "text=abc%ED%A0%80"),
        ("above U+10FFFF", "text=abc%F4%90%80%80"),
        ("truncated sequence", "text=abc%E1%BB"),
        ("NUL", "text=abc%00def"),
        ("control character", "text=abc%07def"),
        ("malformed percent %G1", "text=%G1"),
        ("lone percent", "text=abc%"),
        ("percent and one digit", "text=abc%4"),
        ("invalid UTF-8 in a name", "te%FFxt=abcdef"),
        ("raw invalid byte", b"text=abc\xffdef"),
        ("raw NUL byte", b"text=abc\x00def"),
    ]
    for what, tail in cases:
        _, csrf, idem = stack.form(token)
        head = f"_token={csrf}&_idem={idem}&category=wages&"
        body = head.encode() + (tail if isinstance(tail, bytes) else tail.encode())
        r = stack.post(f"/q/{token}/concern", body)
        t.check(r.status == 400, f"{what} ({tail!r}): status {r.status}, want 400")
        for p in readable_vi_problems(r):
            t.check(False, f"{what}: {p}")
        _no_row(t, stack, idem, what)
    # a 60,000-character single line: fits the 64 KB body limit, over max_length
    text = "x" * 60000
    r, idem = stack.submit(token, [("category", "wages"), ("text", text)])
    t.check(r.status < 500, f"60,000-character text: server error {r.status}")
    t.check(r.status == 400, f"60,000-character text: status {r.status}, want 400 (too long)")
    t.check('id="e-text"' in r.text, "60,000-character text: no error next to the text field")
    t.check(textarea_value(r.text, "text") == text, "60,000-character text: not kept in the textarea")
    _no_row(t, stack, idem, "60,000-character text")


# 9
def test_methods_and_types(t, stack):
    token = _tok(stack)
    for ctype, body in [
        ("text/plain", "text=hello there"),
        ("application/json", '{"text": "hello there"}'),
        ("multipart/form-data; boundary=XyZ", None),
        ("application/x-www-form-urlencodedx", None),
        (None, None),
    ]:
        _, csrf, idem = stack.form(token)
        if body is None and ctype and ctype.startswith("multipart"):
            body = "".join(f'--XyZ\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'
                           for k, v in [("_token", csrf), ("_idem", idem), ("text", "hello there")]) + "--XyZ--\r\n"
        elif body is None:
            body = urllib.parse.urlencode([("_token", csrf), ("_idem", idem), ("text", "hello there")])
        elif ctype == "application/json":
            body = f'{{"_token": "{csrf}", "_idem": "{idem}", "text": "hello there"}}'
        else:
            body = f"_token={csrf}&_idem={idem}&{body}"
        r = stack.post(f"/q/{token}/concern", body, ctype=ctype)
        t.check(r.status == 415, f"Content-Type {ctype!r}: status {r.status}, want 415")
        for p in readable_vi_problems(r):
            t.check(False, f"Content-Type {ctype!r}: {p}")
        _no_row(t, stack, idem, f"Content-Type {ctype!r}")
    # parameters and case in the media type are fine
    for ctype in ["application/x-www-form-urlencoded; charset=UTF-8", "Application/X-WWW-Form-Urlencoded"]:
        r, _ = stack.submit(token, [("text", "Nhà vệ sinh xưởng 3 bị hỏng.")], ctype=ctype)
        t.check(r.status == 200, f"Content-Type {ctype!r}: status {r.status}, want 200")
    r = stack.post("/healthz", "a=1")
    t.check(r.status == 405, f"POST /healthz -> {r.status}, want 405")
    r = stack.post(f"/q/{token}", "a=1")
    t.check(r.status == 405, f"POST /q/TOKEN (landing) -> {r.status}, want 405")
    for method in ["PUT", "DELETE", "PATCH"]:
        _, csrf, idem = stack.form(token)
        body = urllib.parse.urlencode([("_token", csrf), ("_idem", idem), ("text", "phương thức lạ")])
        r = stack.request(method, f"/q/{token}/concern", body=body, headers={"Content-Type": FORM_CT})
        t.check(400 <= r.status < 500, f"{method} /q/TOKEN/concern -> {r.status}, want 4xx")
        t.check(r.status == 405, f"{method} /q/TOKEN/concern -> {r.status}, want 405")
        _no_row(t, stack, idem, f"{method} /q/TOKEN/concern")


# 10
def test_too_large(t, stack):
    token = _tok(stack)
    for chunked in (False, True):
        _, csrf, idem = stack.form(token)
        body = urllib.parse.urlencode([("_token", csrf), ("_idem", idem), ("text", "a" * 70000)])
        t.require(len(body) > 70000, "body not over 70,000 bytes")
        what = "chunked 70 KB body" if chunked else "70 KB body"
        if chunked:
            data = body.encode()
            r = stack.request("POST", f"/q/{token}/concern", body=iter([data[i:i + 8192] for i in
                                                                        range(0, len(data), 8192)]),
                              headers={"Content-Type": FORM_CT}, chunked=True)
        else:
            r = stack.post(f"/q/{token}/concern", body)
        t.check(r.status == 413, f"{what}: status {r.status}, want 413")
        for p in readable_vi_problems(r):
            t.check(False, f"{what}: {p}")
        _no_row(t, stack, idem, what)
    # just under the limit is read (and refused as too long for the field)
    _, csrf, idem = stack.form(token)
    head = urllib.parse.urlencode([("_token", csrf), ("_idem", idem)]) + "&text="
    body = head + "b" * (65536 - len(head))
    r = stack.post(f"/q/{token}/concern", body)
    t.check(r.status == 400 and 'id="e-text"' in r.text,
            f"a 65,536-byte body: status {r.status}, want 400 with the field error")


# 11
def test_forged_and_expired(t, stack):
    token, other = _tok(stack), _tok(stack, 1)
    text = "Tổ trưởng chửi mắng công nhân trước cả xưởng."

    def expect_403(csrf, what, idem=None):
        idem = idem or new_idem()
        r, _ = stack.submit(token, [("category", "harassment"), ("text", text)], csrf=csrf, idem=idem)
        t.check(r.status == 403, f"{what}: status {r.status}, want 403")
        t.eq(textarea_value(r.text, "text"), text, f"{what}: text kept")
        t.eq(parse_html(r.text).selected.get("category"), "harassment", f"{what}: category kept")
        fresh = parse_html(r.text).inputs.get("_token", "")
        t.check(re.fullmatch(r"[0-9a-f]{1,16}\.[0-9a-f]{32}", fresh) and fresh != csrf,
                f"{what}: no fresh _token in the page ({fresh!r})")
        t.eq(parse_html(r.text).inputs.get("_idem"), idem, f"{what}: idempotency key kept")
        _no_row(t, stack, idem, what)
        return r, fresh, idem

    r, fresh, idem = expect_403("1234.abcd", "forged token 1234.abcd")
    # resending the re-rendered page works, and only once
    r2, _ = stack.submit(token, [("category", "harassment"), ("text", text)], csrf=fresh, idem=idem)
    t.check(r2.status == 200 and receipt_of(r2), f"resend with the fresh token: status {r2.status}")
    t.eq(stack.count_idem(idem), 1, "rows after the resend")
    _, other_csrf, _ = stack.form(other)
    expect_403(other_csrf, "token of another entry point")
    expect_403(f"{int(time.time()):x}.{secrets.token_hex(16)}", "random MAC")
    expect_403(secrets.token_hex(24), "random hex")
    expect_403("", "empty token")

    subkey = form_subkey(stack.master_key())
    now = int(time.time())
    r, _ = stack.submit(token, [("text", "Mã do bộ kiểm thử tự tính.")], csrf=make_csrf(subkey, token, "concern", now),
                        idem=new_idem())
    t.require(r.status == 200 and receipt_of(r),
              f"a token computed by the suite (now) is refused ({r.status}): the key derivation differs")
    r, _ = stack.submit(token, [("text", "Biểu mẫu mở hai ngày.")],
                        csrf=make_csrf(subkey, token, "concern", now - 2 * 86400), idem=new_idem())
    t.check(r.status == 200, f"a 2-day-old form: status {r.status}, want 200 (forms stay valid 3 days)")
    expect_403(make_csrf(subkey, token, "concern", now - 4 * 86400), "token 4 days old")
    expect_403(make_csrf(subkey, token, "concern", now + 86400), "token from tomorrow")
    expect_403(make_csrf(subkey, other, "concern", now), "token computed for another entry point")
    expect_403(make_csrf(subkey, token.lower(), "concern", now), "token computed for the lower-case token")
    # the anti-forgery token is bound to the canonical token: a lower-case URL still works
    _, csrf, idem = stack.form(token)
    r = stack.post(f"/q/{token.lower()}/concern",
                   urllib.parse.urlencode([("_token", csrf), ("_idem", idem), ("text", "Gửi qua địa chỉ chữ thường.")]))
    t.check(r.status == 200, f"POST to the lower-case URL: status {r.status}")
    # a missing or malformed idempotency key is refused the same way
    for bad in ["", "short", "x" * 65, "abc def ghi jkl mno", "0123456789abcdef!"]:
        _, csrf, _ = stack.form(token)
        r = stack.post(f"/q/{token}/concern", urllib.parse.urlencode(
            [("_token", csrf), ("_idem", bad), ("text", text)]))
        t.check(r.status in (400, 403), f"_idem={bad!r}: status {r.status}, want 403 (or 400)")
        t.check(textarea_value(r.text, "text") == text, f"_idem={bad!r}: text not kept")


# 12
def test_nfc(t, stack):
    nfc = unicodedata.normalize("NFC", "Nợ lương tháng 10, Đ")
    nfd = unicodedata.normalize("NFD", nfc)
    t.require(nfc != nfd, "test string has no decomposed form")
    r, idem = stack.submit(_tok(stack), [("category", "wages"), ("text", nfd)])
    t.require(r.status == 200, f"status {r.status}")
    row = stack.submission(idem)
    got = row and row["answers"].get("text")
    t.check(got == nfc, f"stored {got!r} ({[hex(ord(c)) for c in got or '']}), want NFC {nfc!r}")
    # a length limit counts characters after NFC: 4000 NFC characters sent decomposed pass
    nfd_long = unicodedata.normalize("NFD", "ệ" * 4000)      # 12000 code points before NFC
    r, idem = stack.submit(_tok(stack), [("text", nfd_long)])
    t.check(r.status == 200, f"4000 characters sent in NFD: status {r.status}, want 200")


# extra: the contract's "Vietnamese by default, English switchable"
def test_language(t, stack):
    token = _tok(stack)
    r = stack.get(f"/q/{token}/concern", headers={"Accept-Language": ""})
    t.check(r.status == 200 and 'lang="vi"' in r.text, "no Accept-Language: page not in Vietnamese")
    r = stack.get(f"/q/{token}/concern?lang=en")
    t.check(r.status == 200 and '<html lang="en"' in r.text, f"?lang=en: status {r.status}, page not in English")
    cookie = r.header("Set-Cookie") or ""
    t.check(cookie.startswith("lang=en") and "Path=/" in cookie, f"?lang=en does not stick: Set-Cookie {cookie!r}")
    _, csrf, idem = stack.form(token)
    r = stack.post(f"/q/{token}/concern", urllib.parse.urlencode(
        [("_token", csrf), ("_idem", idem), ("text", "")]), headers={"Cookie": "lang=en"})
    english = '<html lang="en"' in r.text
    t.check(r.status == 400 and english and "Please fill in" in r.text,
            f"an English worker's error page: status {r.status}, English: {english}")
    r, idem = stack.submit(token, [("text", "The canteen food was spoiled on Monday.")],
                           headers={"Cookie": "lang=en"})
    t.check(r.status == 200 and receipt_of(r), f"English submission: status {r.status}")
    row = stack.submission(idem)
    t.check(row and row["lang"] == "en", f"English submission stored with lang {row and row['lang']!r}")
    r = stack.get(f"/q/{token}", headers={"Accept-Language": "en-US,en;q=0.9", "Cookie": "lang=vi"})
    t.check('<html lang="vi"' in r.text, "the lang cookie does not override Accept-Language")
    # a phone whose menus are in English still gets Vietnamese, and no cookie
    for al in ["en-US,en;q=0.9,vi;q=0.8", "en", "en-GB,en;q=0.8", "fr-FR,en;q=0.5"]:
        for path in [f"/q/{token}", f"/q/{token}/concern", "/status", "/q/ZZZZZZZZZZZZ"]:
            r = stack.get(path, headers={"Accept-Language": al})
            t.check('<html lang="vi"' in r.text, f"Accept-Language {al!r}: {path} is not Vietnamese")
            t.check(not (r.header("Set-Cookie") or "").startswith("lang="),
                    f"Accept-Language {al!r}: {path} sets {r.header('Set-Cookie')!r}")
    r, idem = stack.submit(token, [("text", "Điện thoại để tiếng Anh nhưng viết tiếng Việt.")],
                           headers={"Accept-Language": "en-US,en;q=0.9"})
    row = stack.submission(idem)
    t.check(r.status == 200 and row and row["lang"] == "vi",
            f"a report from an English-menu phone: status {r.status}, stored lang {row and row['lang']!r}, want vi")


# extra: a phone's other cookies for the same host must not break the form
def test_foreign_cookies(t, stack):
    token = _tok(stack)
    text = "Công ty không đóng bảo hiểm xã hội từ tháng 3."
    for cookie in ['consent={"necessary":true,"analytics":false}', "other=hello world",
                   'legacy="a,b"', "flag", "a=b; =c", "theme=dark; lang=vi"]:
        r = stack.get(f"/q/{token}/concern", headers={"Cookie": cookie})
        t.check(r.status == 200, f"GET form with Cookie {cookie!r}: status {r.status}, want 200")
        r, idem = stack.submit(token, [("category", "social_insurance"), ("text", text)],
                               headers={"Cookie": cookie})
        t.check(r.status == 200 and receipt_of(r),
                f"POST with Cookie {cookie!r}: status {r.status}, want 200 with a receipt"
                + ("" if r.status == 200 else f"; the worker's text is {'kept' if text in r.text else 'LOST'}"))


# extra: a browser's maxlength counts a line break as one character but sends CRLF
def test_textarea_line_breaks(t, stack):
    token = _tok(stack)
    lines = ["Dòng " + str(i).zfill(2) + " " + "ư" * 91 for i in range(40)]   # 99 characters each
    typed = "\n".join(lines)                   # what the textarea holds: 3999 characters
    t.require(len(typed) == 3999, f"test text is {len(typed)} characters")
    sent = typed.replace("\n", "\r\n")        # what a browser submits: 4038 characters
    r, idem = stack.submit(token, [("category", "hours"), ("text", sent)])
    t.check(r.status == 200 and receipt_of(r),
            f"a text the browser's maxlength=4000 allowed (3999 characters, 39 line breaks sent as CRLF, "
            f"{len(sent)} code points on the wire) -> {r.status}, want 200"
            + (f"; error shown: {short(parse_html(r.text).by_id.get('e-text'), 80)}" if r.status == 400 else ""))
    row = stack.submission(idem)
    if row:
        got = row["answers"].get("text", "")
        t.check(got.replace("\r\n", "\n") == typed, "stored text differs from what was typed")


# ---- issue 12 ----

def _receipt_subkey(master_hex):
    """crypto_kdf_derive_from_key(32, 2 = KEY_RECEIPT, "tiengnoi", master), as token.c."""
    return hashlib.blake2b(b"", digest_size=32, key=bytes.fromhex(master_hex.strip()),
                           salt=struct.pack("<Q", 2) + bytes(8), person=b"tiengnoi" + bytes(8)).digest()


def _receipt_from_key_alone(master_hex, idem):
    """What the receipt of `idem` was before it was bound to the content (token.c receipt_from_idem)."""
    h = hashlib.blake2b(idem.encode(), digest_size=16, key=_receipt_subkey(master_hex)).digest()
    return f"{int.from_bytes(h[:10], 'big') % 10**16:016d}"


# issue 12, item 6
def test_receipt_bound_to_content(t, stack):
    """A reused idempotency key with another text is refused with the text kept (never the first
    report's receipt), and the receipt cannot be foreseen from the key alone."""
    token = _tok(stack)
    master = stack.master_key()
    # the suite's derivation of the old receipt is right: a report stored the old way answers with it
    _, csrf, idem = stack.form(token)
    legacy = _receipt_from_key_alone(master, idem)
    t.check(len(legacy) == 16, "legacy receipt computed")

    # a forger's fixed key: the first worker's text gets a receipt the forger cannot compute
    fixed = "forgedform" + "0" * 22
    first = "Quản đốc quát mắng công nhân tổ 5 mỗi ngày."
    _, csrf, _ = stack.form(token)
    r1, _ = stack.submit(token, [("category", "harassment"), ("text", first)], csrf=csrf, idem=fixed)
    rc1 = receipt_of(r1)
    t.require(r1.status == 200 and rc1, f"first report with a fixed key: {r1.status}")
    t.check(rc1 != _receipt_from_key_alone(master, fixed),
            "the receipt is still derived from the idempotency key alone: a forger who fixed the key knows it")
    # the same report resent (double tap, lost answer): the same receipt, one row
    r1b, _ = stack.submit(token, [("category", "harassment"), ("text", first)], csrf=csrf, idem=fixed)
    t.check(r1b.status == 200 and receipt_of(r1b) == rc1, f"resend of the same report: {r1b.status} {receipt_of(r1b)!r}")
    t.eq(stack.count_idem(fixed), 1, "rows after a resend of the same report")

    # a second worker on the same forged form: another text under the same key
    second = "Xưởng 3 không có nước uống trong ca chiều."
    r2, _ = stack.submit(token, [("category", "safety"), ("text", second)], csrf=csrf, idem=fixed)
    t.check(r2.status == 409, f"the same key with another text: status {r2.status}, want 409")
    t.check(rc1 not in r2.text and receipt_of(r2) is None, "the first report's receipt is shown to the second sender")
    t.eq(textarea_value(r2.text, "text"), second, "the second text is kept in the form")
    t.check("đã gửi một phản ánh khác" in r2.text, "the page says why it was not sent")
    fresh = parse_html(r2.text).inputs.get("_idem")
    t.check(fresh and fresh != fixed, f"the form comes back with a fresh idempotency key: {fresh!r}")
    row = stack.submission(fixed)
    t.check(row and row["answers"].get("text") == first, "the stored first report is unchanged")
    # pressing Send again stores it as a report of its own
    r3, _ = stack.submit(token, [("category", "safety"), ("text", second)],
                         csrf=parse_html(r2.text).inputs.get("_token"), idem=fresh)
    rc3 = receipt_of(r3)
    t.check(r3.status == 200 and rc3 and rc3 != rc1, f"sent again: {r3.status} receipt {rc3!r}")
    row = stack.submission(fresh)
    t.check(row and row["answers"].get("text") == second, "the second report is stored under its new key")

    # the same text from another QR code or form gives another receipt
    other = _tok(stack, 1)
    key = new_idem()
    ra, _ = stack.submit(token, [("text", "Cùng một nội dung.")], idem=key)
    key2 = new_idem()
    rb, _ = stack.submit(other, [("text", "Cùng một nội dung.")], idem=key2)
    t.check(receipt_of(ra) and receipt_of(rb) and receipt_of(ra) != receipt_of(rb), "two reports share a receipt")

    # a report stored before this change (receipt from the key alone) still answers a resend with its receipt
    old_key = new_idem()
    old_digits = _receipt_from_key_alone(master, old_key)
    rh_key = hashlib.blake2b(b"", digest_size=32, key=bytes.fromhex(master.strip()),
                             salt=struct.pack("<Q", 3) + bytes(8), person=b"tiengnoi" + bytes(8)).digest()
    rh = hashlib.blake2b(old_digits.encode(), digest_size=32, key=rh_key).hexdigest()
    stack.psql("INSERT INTO submission (form_id, form_version, workplace_id, unit_id, entry_point_id, channel, answers, "
               "lang, idempotency_key, receipt_hash) SELECT 'concern', 1, w.id, w.unit_id, e.id, 'qr', "
               "'{\"text\": \"Báo cáo gửi từ trước.\"}'::jsonb, 'vi', :'k', decode(:'h', 'hex') FROM entry_point e "
               "JOIN workplace w ON w.id = e.workplace_id WHERE e.token = :'t';", k=old_key, h=rh, t=token)
    r, _ = stack.submit(token, [("text", "Báo cáo gửi từ trước.")], idem=old_key)
    t.check(r.status == 200 and receipt_of(r) == old_digits,
            f"resend of a report stored with a key-only receipt: {r.status} {receipt_of(r)!r}, want {old_digits}")
    t.eq(stack.count_idem(old_key), 1, "rows after resending an old report")
    # the old receipt still finds the report on /status
    page = stack.get("/status")
    lookup = parse_html(page.text).inputs["_token"]
    r = stack.post("/status", urllib.parse.urlencode([("_token", lookup), ("action", "lookup"), ("receipt", old_digits)]))
    t.check(r.status == 200 and 'id="status"' in r.text, f"/status with an old receipt: {r.status}")


def _tel_links(text):
    return [a.get("href") for tag, a in parse_html(text).tags if tag == "a" and (a.get("href") or "").startswith("tel:")]


# issue 12, item 1
def test_hotline_shown(t, stack):
    """The workplace's union hotline (inherited up the tree) is a tel: link on the landing page, every
    receipt and every urgent advice; 115 and 114 are tel: links in urgent advice."""
    token = _tok(stack)          # Tân Phong: its ward union has no hotline, the province's is inherited
    hot = "tel:02133876543"
    r = stack.get(f"/q/{token}")
    t.check(hot in _tel_links(r.text), f"landing page: tel links {_tel_links(r.text)}, want {hot}")
    t.check("0213 3876 543" in r.text, "landing page shows the number as printed on the poster")
    # the form's urgent advice (shown without JavaScript; hidden by script until it applies)
    r = stack.get(f"/q/{token}/safety")
    urgent = r.text[r.text.find('class="urgent"'):]
    urgent = urgent[:urgent.find("</div>")]
    t.check(set(_tel_links(urgent)) >= {"tel:115", "tel:114", hot}, f"safety form's urgent advice: {_tel_links(urgent)}")
    # an urgent safety receipt
    today = time.strftime("%Y-%m-%d", time.gmtime(time.time() + 7 * 3600))
    r, _ = stack.submit(token, [("kind", "hazard"), ("danger_now", "yes"), ("where", "Kho hóa chất"),
                                ("when", today), ("description", "Rò rỉ khí, có người chóng mặt."),
                                ("refused_work", "no")], form_id="safety")
    t.require(r.status == 200 and receipt_of(r), f"urgent safety report: {r.status} {short(r.text, 300)}")
    box = r.text[r.text.find('class="urgent"'):]
    box = box[:box.find("</div>")]
    t.check(set(_tel_links(box)) >= {"tel:115", "tel:114", hot}, f"urgent receipt's advice: {_tel_links(box)}")
    # an ordinary receipt: the hotline, not the emergency numbers
    r, _ = stack.submit(token, [("text", TEXT_VI)])
    links = _tel_links(r.text)
    t.check(hot in links and "tel:115" not in links, f"ordinary receipt: tel links {links}")
    # a unit's own hotline wins over the inherited one, at once (the cache is told)
    stack.psql("UPDATE org_unit SET hotline = '(0213) 3.555-666' WHERE code = 'CD-TANPHONG';")
    try:
        r = stack.get(f"/q/{token}")
        t.check("tel:02133555666" in _tel_links(r.text) and hot not in _tel_links(r.text),
                f"the unit's own hotline: {_tel_links(r.text)}")
        # no hotline anywhere up the tree: no hotline link, the emergency numbers stay
        stack.psql("UPDATE org_unit SET hotline = NULL;")
        r = stack.get(f"/q/{token}")
        t.check(_tel_links(r.text) == [], f"no hotline known: tel links {_tel_links(r.text)}")
        r = stack.get(f"/q/{token}/safety")
        t.check(set(_tel_links(r.text)) == {"tel:115", "tel:114"}, f"no hotline: advice links {_tel_links(r.text)}")
    finally:
        stack.psql("UPDATE org_unit SET hotline = NULL WHERE code = 'CD-TANPHONG'; "
                   "UPDATE org_unit SET hotline = '0213 3876 543' WHERE code = 'LDLD-LAICHAU';")
    r = stack.get(f"/q/{token}")
    t.check(hot in _tel_links(r.text), f"hotline back: {_tel_links(r.text)}")
    # English pages too
    r = stack.get(f"/q/{token}?lang=en")
    t.check("Call the union hotline" in r.text and hot in _tel_links(r.text), "English landing page's hotline")


def _vn_month(back):
    """The month `back` months before this one in Vietnam, as YYYY-MM."""
    t0 = time.gmtime(time.time() + 7 * 3600)
    idx = t0.tm_year * 12 + (t0.tm_mon - 1) - back
    return f"{idx // 12:04d}-{idx % 12 + 1:02d}"


# issue 12, item 3
def test_month_range_and_required(t, stack):
    """Month lists are a from/to pair of selects that work without script and are stored as the
    list of months, as before; required choices carry `required`; old answers still read."""
    token = _tok(stack)
    r = stack.get(f"/q/{token}/wage_arrears")
    t.require(r.status == 200, f"GET wage form: {r.status}")
    tags = parse_html(r.text).tags
    t.check(not any(a.get("name") == "months_owed" for tag, a in tags if tag == "input"),
            "the wage form still has a checkbox per month")
    sel = {a.get("name"): a for tag, a in tags if tag == "select"}
    t.check("months_owed:from" in sel and "months_owed:to" in sel, f"no from/to month selects: {sorted(sel)}")
    t.check("required" in sel.get("months_owed:from", {}), "the required month list's first select lacks `required`")
    t.check(r.text.count('<option value="' + _vn_month(17) + '"') == 2 and
            r.text.count('<option value="' + _vn_month(18) + '"') == 0, "the selects offer the form's 18 recent months")
    # required choices are required in the browser too: select, radio group (safety)
    r = stack.get(f"/q/{token}/safety")
    tags = parse_html(r.text).tags
    kind = [a for tag, a in tags if tag == "select" and a.get("name") == "kind"]
    t.check(kind and "required" in kind[0], "safety's required select 'kind' lacks `required`")
    radios = [a for tag, a in tags if tag == "input" and a.get("name") == "danger_now"]
    t.check(radios and all("required" in a for a in radios), "safety's required radio group lacks `required`")
    inj = [a for tag, a in tags if tag == "input" and a.get("name") == "injured"]
    t.check(inj and "required" not in inj[0], "a conditional question is required in the browser")

    # a range is stored as the list of months, oldest first
    base = [("amount", "9.500.000"), ("amount_basis", "total")]
    r, idem = stack.submit(token, base + [("months_owed:from", _vn_month(3)), ("months_owed:to", _vn_month(1))],
                           form_id="wage_arrears")
    t.require(r.status == 200 and receipt_of(r), f"range 3..1 months back: {r.status} {short(r.text, 300)}")
    row = stack.submission(idem)
    t.eq(row["answers"].get("months_owed"), [_vn_month(3), _vn_month(2), _vn_month(1)], "stored months of a range")
    # one end alone is one month
    r, idem = stack.submit(token, base + [("months_owed:from", _vn_month(5)), ("months_owed:to", "")],
                           form_id="wage_arrears")
    t.check(r.status == 200 and stack.submission(idem)["answers"].get("months_owed") == [_vn_month(5)],
            f"one month: {r.status}")
    # the old way (a value per month, from older pages or scripts) still works
    r, idem = stack.submit(token, base + [("months_owed", _vn_month(0)), ("months_owed", _vn_month(2))],
                           form_id="wage_arrears")
    t.check(r.status == 200 and stack.submission(idem)["answers"].get("months_owed") == [_vn_month(2), _vn_month(0)],
            f"months sent as a list: {r.status} {stack.submission(idem)}")

    def refused(pairs, what, want_text):
        r, idem = stack.submit(token, base + pairs, form_id="wage_arrears")
        t.check(r.status == 400, f"{what}: status {r.status}, want 400")
        err = parse_html(r.text).by_id.get("e-months_owed") or ""
        t.check(want_text in err, f"{what}: error beside the months {err!r}, want {want_text!r}")
        t.check(parse_html(r.text).inputs.get("amount") == "9.500.000", f"{what}: the amount is kept")
        _no_row(t, stack, idem, what)
        return r
    # the ends in either order: the months between
    r, idem = stack.submit(token, base + [("months_owed:from", _vn_month(1)), ("months_owed:to", _vn_month(3))],
                           form_id="wage_arrears")
    t.check(r.status == 200 and stack.submission(idem)["answers"].get("months_owed") ==
            [_vn_month(3), _vn_month(2), _vn_month(1)], f"a range given newest first: {r.status}")
    r = refused([("months_owed:from", _vn_month(1)), ("months_owed:to", _vn_month(30))], "too old an end", "")
    page = parse_html(r.text)
    t.eq(page.selected.get("months_owed:from"), _vn_month(1), "the range's kept end is selected")
    refused([], "no month", "Vui lòng chọn")
    refused([("months_owed:from", _vn_month(18)), ("months_owed:to", _vn_month(0))], "too old", "")
    refused([("months_owed:from", "2026-13"), ("months_owed:to", _vn_month(0))], "not a month", "")
    refused([("months_owed:from", "<script>alert(1)</script>")], "hostile", "")
    refused([("months_owed:from", "'; DROP TABLE submission; --")], "SQL", "")
    # a required choice left empty says "choose", not "fill in"
    r, _ = stack.submit(token, [("danger_now", "no"), ("where", "Kho"), ("description", "Lan can gãy.")],
                        form_id="safety")
    err = parse_html(r.text).by_id.get("e-kind") or ""
    t.check(r.status == 400 and "chọn" in err and "điền" not in err, f"empty select's error: {err!r}")

    # old reports (month lists stored by the checkbox pages) and new ones read alike
    old = [_vn_month(9), _vn_month(8)]
    stack.psql("INSERT INTO submission (form_id, form_version, workplace_id, unit_id, entry_point_id, channel, answers, "
               "lang, idempotency_key, receipt_hash) SELECT 'wage_arrears', 1, w.id, w.unit_id, e.id, 'qr', "
               "jsonb_build_object('months_owed', jsonb_build_array(:'a', :'b'), 'amount', 1000000), 'vi', "
               "'oldmonthsformat0001', decode(md5('oldmonths') || md5('oldmonths2'), 'hex') FROM entry_point e "
               "JOIN workplace w ON w.id = e.workplace_id WHERE e.token = :'t';", a=old[1], b=old[0], t=token)
    p = stack.admin("export", "submissions", "--format", "json", "--form", "wage_arrears")
    t.require(p.returncode == 0, f"export: {p.stderr!r}")
    out = p.stdout.decode()
    t.check(f'"{old[1]}"' in out and f'"{_vn_month(3)}"' in out, "the export lacks old or new month lists")
    n = stack.value("SELECT count(*) FROM submission WHERE form_id = 'wage_arrears' "
                    "AND jsonb_typeof(answers->'months_owed') = 'array'")
    t.check(n >= 4, f"month answers stored as arrays: {n}")
