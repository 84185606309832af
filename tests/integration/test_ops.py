"""test_ops.py: the stack under stress: database away, worker crashes, reloads, drain, privacy, logs."""
import json
import os
import re
import signal
import subprocess
import threading
import time
import urllib.parse

from harness import (SEEN, cmdline, alive, parse_html, readable_vi_problems, receipt_of,
                     security_header_problems, short, textarea_value, wait_until)


def _tok(stack, i=0):
    return stack.demo[i][0]


# 13
def test_database_away(t, stack):
    token = _tok(stack)
    sup = stack.app_pid()
    t.require(sup and alive(sup), f"no live app supervisor in {stack.run_dir}/app.pid")
    _, csrf, idem = stack.form(token)
    text = "Nhà ăn ca dùng rau không rõ nguồn gốc, nhiều người bị đau bụng."
    body = urllib.parse.urlencode([("_token", csrf), ("_idem", idem), ("category", "meals"), ("text", text)])
    p = stack.pg_stop()
    t.require(p.returncode == 0, f"pg_ctl stop failed: {p.stderr!r}")
    pg_started = None
    try:
        # several requests, so that every worker notices
        for i in range(6):
            r = stack.get("/healthz")
            t.check(r.status == 503, f"GET /healthz #{i + 1} with PostgreSQL stopped -> {r.status}, want 503")
        t.check(r.header("Retry-After"), "GET /healthz 503 without Retry-After")
        r = stack.get(f"/q/{token}/concern")
        t.check(r.status == 503, f"GET form with PostgreSQL stopped -> {r.status}, want 503")
        t.check(r.header("Retry-After"), "GET form 503 without Retry-After")
        for prob in readable_vi_problems(r):
            t.check(False, f"GET form 503: {prob}")
        r = stack.get(f"/q/{token}")
        t.check(r.status == 503, f"GET landing with PostgreSQL stopped -> {r.status}, want 503")
        r = stack.post(f"/q/{token}/concern", body)
        t.check(r.status == 503, f"POST form with PostgreSQL stopped -> {r.status}, want 503")
        t.check(r.header("Retry-After"), "POST 503 without Retry-After")
        t.eq(textarea_value(r.text, "text"), text, "POST 503: worker's text kept")
        t.eq(parse_html(r.text).inputs.get("_idem"), idem, "POST 503: idempotency key kept for the resend")
        r = stack.get("/q/ZZZZZZZZZZZZ")
        t.check(r.status == 503, f"GET unknown token with PostgreSQL stopped -> {r.status}, want 503 (cannot know)")
    finally:
        p = stack.pg_start()
        pg_started = time.monotonic()
        t.require(p.returncode == 0, f"pg_ctl start failed: {p.stdout!r} {p.stderr!r}")
    try:
        ok = wait_until(lambda: stack.get("/healthz").status == 200, 10, 0.2)
        t.check(ok, f"/healthz not 200 within 10 s of PostgreSQL starting again")
        got = wait_until(lambda: (lambda r: r if r.status == 200 else None)(stack.post(f"/q/{token}/concern", body)),
                         max(0.5, 10 - (time.monotonic() - pg_started)), 0.2)
        t.check(got is not None, "the resent POST did not succeed within 10 s of PostgreSQL starting again")
        if got is not None:
            rc = receipt_of(got)
            t.check(rc, "no receipt after the database came back")
            if rc:
                stack.receipts.append(rc)
        t.eq(stack.count_idem(idem), 1, "rows after the resend")
        t.eq(stack.app_pid(), sup, "app supervisor pid (the app must not be restarted)")
        t.check(alive(sup), "app supervisor died")
    finally:
        # every worker's reconnect backoff (at most 5 s) has passed before the next test
        left = 5.5 - (time.monotonic() - pg_started)
        if left > 0:
            time.sleep(left)
        wait_until(lambda: all(stack.get("/healthz").status == 200 for _ in range(6)), 5, 0.2)


# 14
def test_worker_killed(t, stack):
    sup = stack.app_pid()
    t.require(sup and alive(sup), "no live app supervisor")
    workers = stack.worker_pids(sup)
    t.require(len(workers) == 3, f"supervisor {sup} has {len(workers)} workers {workers}, want 3 (WORKERS=3)")
    for w in workers + [sup]:
        try:
            uid = [ln.split()[1] for ln in open(f"/proc/{w}/status") if ln.startswith("Uid:")][0]
        except (OSError, IndexError):
            continue
        t.check(uid != "0", f"app process {w} runs as root (uid {uid})")
    victim = workers[0]
    stack.killed_workers.append(victim)
    os.kill(victim, signal.SIGKILL)
    # kill() only queues the signal: a request sent before the victim is gone can still be
    # accepted by it and cut (nginx's 503). What must hold is every request after its death.
    t.require(wait_until(lambda: not alive(victim), 5, 0.01), f"worker {victim} still alive 5 s after SIGKILL")
    token = _tok(stack)
    start = time.monotonic()
    statuses = []
    for i in range(20):
        r = stack.get(f"/q/{token}/concern" if i % 2 else "/healthz", timeout=10)
        statuses.append(r.status)
    took = time.monotonic() - start
    t.check(all(s == 200 for s in statuses), f"20 requests after SIGKILL of worker {victim}: {statuses}")
    t.check(took < 5, f"20 requests took {took:.1f} s")
    now = wait_until(lambda: (lambda w: w if len(w) == 3 and victim not in w else None)(stack.worker_pids(sup)), 5)
    t.check(now, f"workers after the kill: {stack.worker_pids(sup)}, want 3 without {victim}")
    r, _ = stack.submit(token, [("text", "Gửi sau khi một tiến trình bị dừng.")])
    t.check(r.status == 200, f"POST after the kill: {r.status}")
    t.check(re.search(rf"worker {victim} ended \(signal 9\)", stack.log_text("app.log")),
            f"app.log does not record worker {victim} ending by signal 9")


# 15
def test_forms_reload(t, stack):
    sup = stack.app_pid()
    t.require(sup and alive(sup), "no live app supervisor")
    cl = cmdline(sup)
    if str(stack.forms_dir) not in cl:
        t.skip("scripts/stack.sh has no way to point the app at another forms directory "
               f"(TIENGNOI_FORMS_DIR is not passed as -f; app runs: {cl.strip()}); "
               "reloading the repository's own forms/ would edit shared files")
    path = stack.forms_dir / "concern.json"
    original = path.read_text()
    token = _tok(stack)
    try:
        d = json.loads(original)
        new_title = d["title"]["vi"] + " (bản thử nạp lại)"
        d["title"]["vi"] = new_title
        path.write_text(json.dumps(d, ensure_ascii=False))
        os.kill(sup, signal.SIGHUP)
        seen = wait_until(lambda: new_title in stack.get(f"/q/{token}/concern").text, 5, 0.2)
        t.require(seen, "the new title is not served within 5 s of SIGHUP")
        # every worker serves the new set
        pages = [stack.get(f"/q/{token}/concern").text for _ in range(9)]
        t.check(all(new_title in p for p in pages), "some worker still serves the old title after the reload")
        t.check(len(stack.worker_pids(sup)) == 3, f"workers after reload: {stack.worker_pids(sup)}")
        r, _ = stack.submit(token, [("text", "Gửi sau khi nạp lại biểu mẫu.")])
        t.check(r.status == 200, f"POST after the reload: {r.status}")
        log_before = len(stack.log_text("app.log"))
        path.write_text('{"id": "concern", "version": 2, "title": {"vi": "Hỏng"')
        os.kill(sup, signal.SIGHUP)
        refused = wait_until(lambda: "reload refused" in stack.log_text("app.log")[log_before:], 5, 0.1)
        tail = stack.log_text("app.log")[log_before:]
        t.check(refused, f"app.log does not say the reload was refused: {tail!r}")
        t.check("concern.json" in tail, f"the refusal does not name the file: {tail!r}")
        pages = [stack.get(f"/q/{token}/concern") for _ in range(6)]
        t.check(all(p.status == 200 and new_title in p.text for p in pages),
                "after a broken reload the last good forms are not served")
        t.eq(stack.app_pid(), sup, "supervisor pid")
        t.check(alive(sup), "supervisor died on a broken reload")
    finally:
        path.write_text(original)
        os.kill(sup, signal.SIGHUP)
        wait_until(lambda: "bản thử" not in stack.get(f"/q/{token}/concern").text, 5, 0.2)


# 16
def test_sigterm_drain(t, stack):
    """A request held inside the app (its INSERT waits on a table lock) while
    the supervisor gets SIGTERM must still complete; then everything exits.
    (nginx buffers request bodies, so a slowly sent body never reaches the
    app before it is complete: the lock is what keeps a request in flight.)"""
    token = _tok(stack)
    sup = stack.app_pid()
    t.require(sup and alive(sup), "no live app supervisor")
    workers = stack.worker_pids(sup)
    _, csrf, idem = stack.form(token)
    text = "Báo cáo gửi đúng lúc hệ thống đang dừng."
    body = urllib.parse.urlencode([("_token", csrf), ("_idem", idem), ("text", text)])
    locker = subprocess.Popen(["psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-h", str(stack.run_dir),
                               "-U", "tiengnoi", "-d", "tiengnoi"], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    result = {}
    th = None
    try:
        locker.stdin.write(b"BEGIN; LOCK TABLE submission IN EXCLUSIVE MODE;\n")
        locker.stdin.flush()
        locked = wait_until(lambda: stack.value(
            "SELECT count(*) AS n FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
            "WHERE c.relname = 'submission' AND l.mode = 'ExclusiveLock' AND l.granted") > 0, 5)
        t.require(locked, "could not lock the submission table")

        def send():
            try:
                result["r"] = stack.post(f"/q/{token}/concern", body, timeout=40)
            except Exception as e:
                result["e"] = repr(e)
        th = threading.Thread(target=send, daemon=True)
        th.start()
        waiting = wait_until(lambda: stack.value(
            "SELECT count(*) AS n FROM pg_stat_activity WHERE query LIKE 'INSERT INTO submission%' "
            "AND wait_event_type = 'Lock'") > 0, 5)
        t.require(waiting, "the POST never reached the database")
        os.kill(sup, signal.SIGTERM)
        time.sleep(1.0)
        t.check(th.is_alive(), f"the in-flight request ended while its INSERT was still blocked: {result}")
        t.check(alive(sup), "the supervisor exited before its in-flight request finished")
    finally:
        try:
            locker.stdin.write(b"COMMIT;\n")
            locker.stdin.close()
            locker.wait(10)
        except Exception:
            locker.kill()
    if th:
        th.join(20)
    r = result.get("r")
    t.require(r is not None, f"the in-flight POST failed: {result.get('e')}")
    t.check(r.status == 200 and receipt_of(r), f"the in-flight POST -> {r.status}: {short(r.text, 300)}")
    t.eq(stack.count_idem(idem), 1, "rows for the in-flight POST")
    gone = wait_until(lambda: not alive(sup) and not any(alive(w) for w in workers + stack.worker_pids(sup)), 25)
    t.check(gone, f"after SIGTERM: supervisor alive={alive(sup)}, workers alive="
                  f"{[w for w in workers if alive(w)]}")
    t.check(not (stack.run_dir / "app.sock").exists(), "app.sock left behind after the app stopped")
    log = stack.log_text("app.log")
    t.check("draining" in log and "stopped" in log, f"app.log lacks draining/stopped: {log[-400:]!r}")
    # with the app gone, nginx answers with its own readable 503 page
    for path in [f"/q/{token}/concern", f"/Q/{token}", "/healthz"]:
        r = stack.get(path)
        t.check(r.status == 503, f"GET {path} with the app stopped -> {r.status}, want 503")
        t.check(r.header("Retry-After"), f"GET {path} with the app stopped: no Retry-After")
        if path != "/healthz":
            for prob in readable_vi_problems(r):
                t.check(False, f"app stopped: {prob}")


# 19
def test_privacy(t, stack):
    files = []
    for d in [stack.var / "log", stack.var / "nginx"]:
        for p in sorted(d.rglob("*")) if d.exists() else []:
            if p.is_file() and not p.is_symlink():
                files.append(p)
    worker_path = re.compile(r"/(q|Q)/|/status", re.I)
    for f in files:
        try:
            lines = f.read_text(errors="replace").splitlines()
        except OSError:
            continue
        bad = [ln for ln in lines if worker_path.search(ln) and "127.0.0.1" in ln]
        t.check(not bad, f"{f.relative_to(stack.var)}: client address logged on worker-path lines, e.g. "
                         f"{short(bad[:2], 400)}")
        if f.name == "nginx-access.log":
            logged = [ln for ln in lines if re.search(r" /q/", ln, re.I)]
            t.check(not logged, f"{f.relative_to(stack.var)}: worker paths are access-logged "
                                f"({len(logged)} lines), e.g. {short(logged[:3], 300)}")
        # receipts never reach a log
        text = "\n".join(lines)
        leaked = [rc for rc in set(stack.receipts) if rc in text.replace(" ", "")]
        t.check(not leaked, f"{f.relative_to(stack.var)}: receipts logged: {leaked[:3]}")
    t.check(any(f.name == "nginx-access.log" for f in files), f"no nginx access log found among {files}")
    conf = (stack.var / "nginx" / "nginx.conf").read_text()
    code = "\n".join(ln.split("#", 1)[0] for ln in conf.splitlines())
    t.check("REMOTE_ADDR" not in code, "nginx.conf passes REMOTE_ADDR to the app")
    t.check(not re.search(r"include\s+\S*fastcgi(_params|\.conf)", code),
            "nginx.conf includes the stock fastcgi_params (which send REMOTE_ADDR)")
    for m in re.finditer(r"log_format\s+\S+\s+([^;]*);", code):
        t.check(not re.search(r"\$(remote_addr|binary_remote_addr|http_user_agent|http_x_forwarded_for|"
                              r"realip_remote_addr|request_uri|args|query_string)", m.group(1)),
                f"log_format logs the client or the query: {m.group(1)}")
    t.check("HTTP_USER_AGENT" not in code or re.search(r'HTTP_USER_AGENT\s+""', code),
            "nginx.conf passes the user agent to the app")
    cols = stack.rows("SELECT column_name FROM information_schema.columns WHERE table_name = 'submission'")
    names = [c["column_name"] for c in cols]
    t.check(names, "no columns found for submission")
    suspicious = [n for n in names if re.search(r"(^|_)(ip|ips|inet|addr|address|remote|agent|ua|useragent|"
                                                r"client|device|phone_model|browser)($|_)", n)]
    t.check(not suspicious, f"submission has address/agent-like columns: {suspicious}")
    inet = stack.rows("SELECT table_name, column_name FROM information_schema.columns "
                      "WHERE table_schema = 'public' AND data_type IN ('inet', 'cidr', 'macaddr')")
    t.check(not inet, f"address-typed columns: {inet}")


# extra: nothing crashed
def test_app_log_clean(t, stack):
    log = stack.log_text("app.log")
    t.check(log, "app.log is empty or missing")
    deaths = re.findall(r"worker (\d+) ended \((signal|status) (\d+)\)", log)
    unexpected = [d for d in deaths if int(d[0]) not in stack.killed_workers]
    t.check(not unexpected, f"workers died during the run: {unexpected}")
    for pat in ["AddressSanitizer", "LeakSanitizer", "UndefinedBehaviorSanitizer", "runtime error:",
                "Segmentation fault", "double free", "stack smashing", "submission insert failed", "prepare "]:
        t.check(pat not in log, f"app.log contains {pat!r}: "
                                f"{short([ln for ln in log.splitlines() if pat in ln][:3], 500)}")


# extra: the headers of every response the suite received
def test_headers_everywhere(t, stack):
    bad = {}
    for r in SEEN:
        probs = security_header_problems(r)
        if probs:
            key = (r.status, r.header("Server") or "", "; ".join(probs))
            bad.setdefault(key, []).append(r.where)
    t.check(len(SEEN) > 100, f"only {len(SEEN)} responses seen")
    for (status, server, probs), paths in bad.items():
        t.check(False, f"{len(paths)} response(s) with status {status}: {probs}; e.g. {short(paths[:3], 200)}")
