"""harness.py: the integration suite's plumbing: a private stack, HTTP, SQL, the CLI, TAP.

Everything here uses the Python standard library only. One Stack is started
per run under a fresh temporary TIENGNOI_VAR and a free port; tests talk to
it over HTTP (nginx on 127.0.0.1), read PostgreSQL with psql and run
tiengnoi-admin as a subprocess.
"""
import hashlib
import hmac
import html
import html.parser
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PGBIN = Path("/usr/lib/postgresql/15/bin")
HTTP_TIMEOUT = 15
FORM_CT = "application/x-www-form-urlencoded"


# ---------------------------------------------------------------- TAP ----

class Failure(Exception):
    """A hard assertion failed: the test stops here."""


class Skip(Exception):
    """The test cannot run in this environment."""


class SuiteTimeout(BaseException):
    """The whole suite ran out of time (raised from SIGALRM)."""


class T:
    """One test's bookkeeping: soft checks collect problems, require() stops."""

    def __init__(self, name):
        self.name = name
        self.problems = []
        self.notes = []

    def check(self, cond, msg):
        if not cond:
            self.problems.append(msg)
        return bool(cond)

    def require(self, cond, msg):
        if not cond:
            raise Failure(msg)
        return cond

    def eq(self, got, want, what):
        return self.check(got == want, f"{what}: got {short(got)}, want {short(want)}")

    def note(self, msg):
        self.notes.append(msg)

    def skip(self, reason):
        raise Skip(reason)


def short(v, n=300):
    s = repr(v)
    return s if len(s) <= n else s[:n] + f"... ({len(s)} chars)"


class Tap:
    def __init__(self, total):
        self.n = 0
        self.passed = 0
        self.failed = 0
        self.skipped = 0
        print(f"1..{total}", flush=True)

    def run(self, name, fn, stack):
        self.n += 1
        t = T(name)
        skip = None
        started = time.monotonic()
        try:
            fn(t, stack)
        except Failure as e:
            t.problems.append(str(e))
        except Skip as e:
            skip = str(e)
        except (SuiteTimeout, KeyboardInterrupt):
            t.problems.append("interrupted (suite time limit or signal)")
            self._report(t, None, time.monotonic() - started)
            raise
        except Exception:
            t.problems.append("exception:\n" + traceback.format_exc().rstrip())
        self._report(t, skip, time.monotonic() - started)

    def fail_all(self, names, why):
        """Reports tests that could not run: the reason in full once."""
        first = self.n + 1
        for name in names:
            self.n += 1
            self.failed += 1
            print(f"not ok {self.n} - {name}")
            if self.n == first:
                for line in why.splitlines():
                    print(f"#   {line}")
            else:
                print(f"#   not run (see test {first})")
        sys.stdout.flush()

    def _report(self, t, skip, secs):
        if skip is not None:
            self.skipped += 1
            print(f"ok {self.n} - {t.name} # SKIP {skip}", flush=True)
            return
        if t.problems:
            self.failed += 1
            print(f"not ok {self.n} - {t.name}")
            for p in t.problems:
                for line in str(p).splitlines() or [""]:
                    print(f"#   {line}")
        else:
            self.passed += 1
            print(f"ok {self.n} - {t.name}")
        for nline in t.notes:
            print(f"#   note: {nline}")
        if secs > 5:
            print(f"#   ({secs:.1f} s)")
        sys.stdout.flush()

    def summary(self):
        if self.skipped:
            print(f"# integration: {self.skipped} skipped")
        print(f"# integration: {self.passed} passed, {self.failed} failed", flush=True)


# --------------------------------------------------------------- HTTP ----

class Resp:
    def __init__(self, method, path, status, headers, body):
        self.method = method
        self.path = path
        self.status = status
        self.headers = headers            # http.client.HTTPMessage
        self.body = body                  # bytes
        self.text = body.decode("utf-8", "replace")

    @property
    def where(self):
        p = self.path if len(self.path) <= 60 else self.path[:40] + f"...({len(self.path)} chars)"
        return f"{self.method} {p}"

    def header(self, name):
        return self.headers.get(name)

    def __repr__(self):
        return f"<{self.where} -> {self.status}>"


SEEN = []   # every response of the run: (method, path, status, headers)

# The HTML checker's folder (shared with the browser suites, tests/browser/lib.mjs):
# each distinct text/html page the suite is served, one file per method + path
# shape + status, checked by the Nu HTML Checker in tests/run.sh.
PAGES_DIR = ROOT / "tests" / "output" / "html"
PAGE_CAP = 400


def page_shape(method, path, status):
    """'GET', '/q/ABCDEFGH2345/concern?x=1', 200 -> 'GET_q_N_concern_x_200' (as pageShape in lib.mjs)."""
    u = urllib.parse.urlsplit(path)
    segs = ["#" if re.search(r"\d|^[A-Z]{12}$", s) else s for s in u.path.split("/")]
    keys = sorted({k for k, _ in urllib.parse.parse_qsl(u.query, keep_blank_values=True)})
    shape = method + "_".join(segs) + ("_" + "_".join(keys) if keys else "") + f"_{status}"
    return re.sub(r"[^A-Za-z0-9_#.-]", "", shape).replace("#", "N")[:150]


def save_page(r):
    """Keeps r's body for the HTML checker if it is an HTML page of a new shape."""
    if not (r.header("Content-Type") or "").startswith("text/html") or 300 <= r.status < 400 or not r.body:
        return
    try:
        PAGES_DIR.mkdir(parents=True, exist_ok=True)
        f = PAGES_DIR / f"integration-{page_shape(r.method, r.path, r.status)}.html"
        if not f.exists() and sum(1 for _ in PAGES_DIR.iterdir()) < PAGE_CAP:
            f.write_bytes(r.body)
    except OSError:
        pass   # a path too odd for a file name: that page goes unchecked


def free_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def security_header_problems(r):
    """What is wrong with the headers every response must carry."""
    out = []
    csp = r.header("Content-Security-Policy")
    if csp is None:
        out.append("no Content-Security-Policy")
    else:
        if "frame-ancestors 'none'" not in csp:
            out.append(f"CSP lacks frame-ancestors 'none': {csp}")
        if "unsafe-inline" in csp or "unsafe-eval" in csp:
            out.append(f"CSP allows unsafe-inline/unsafe-eval: {csp}")
    if (r.header("X-Content-Type-Options") or "").lower() != "nosniff":
        out.append(f"X-Content-Type-Options is {r.header('X-Content-Type-Options')!r}")
    if (r.header("Referrer-Policy") or "").lower() != "no-referrer":
        out.append(f"Referrer-Policy is {r.header('Referrer-Policy')!r}")
    ct = (r.header("Content-Type") or "").lower().replace(" ", "")
    textual = ct.startswith("text/") or "json" in ct or "xml" in ct and "spreadsheetml" not in ct
    if not ct:
        out.append("no Content-Type")
    elif textual and "charset=utf-8" not in ct:   # images and spreadsheets have no charset
        out.append(f"Content-Type without charset=utf-8: {ct!r}")
    return out


# --------------------------------------------------------------- HTML ----

class _TagFinder(html.parser.HTMLParser):
    """Collects the text content of elements by id, textareas by name and
    hidden inputs, decoded the way a browser would."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.by_id = {}
        self.textareas = {}
        self.inputs = {}
        self.selected = {}
        self.tags = []
        self._stack = []          # (tag, id or None, textarea name or None)
        self._select = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append((tag, a))
        if tag == "input":
            if a.get("name"):
                self.inputs[a["name"]] = a.get("value", "")
            return
        if tag == "select":
            self._select = a.get("name")
        if tag == "option" and self._select and "selected" in a:
            self.selected[self._select] = a.get("value", "")
        if tag in ("br", "meta", "link", "img", "hr"):
            return
        ident = a.get("id")
        ta = a.get("name") if tag == "textarea" else None
        self._stack.append((tag, ident, ta, []))

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        for i in range(len(self._stack) - 1, -1, -1):
            if self._stack[i][0] == tag:
                t, ident, ta, parts = self._stack[i]
                text = "".join(parts)
                if ident:
                    self.by_id[ident] = text
                if ta is not None:
                    self.textareas[ta] = text
                del self._stack[i:]
                return

    def handle_data(self, data):
        for entry in self._stack:
            entry[3].append(data)


def parse_html(text):
    p = _TagFinder()
    p.feed(text)
    p.close()
    return p


def textarea_value(text, name):
    """The textarea's value as a browser shows it (one leading newline is
    dropped by the HTML parser rules)."""
    v = parse_html(text).textareas.get(name)
    if v is not None and v.startswith("\n"):
        v = v[1:]
    return v


def readable_vi_problems(r):
    """A page a person can read: HTML, Vietnamese, with a heading."""
    out = []
    ct = (r.header("Content-Type") or "").lower()
    if not ct.startswith("text/html"):
        out.append(f"{r.where}: not an HTML page ({ct!r})")
        return out
    if not re.search(r'<html[^>]*\blang="vi"', r.text):
        out.append(f"{r.where}: page is not marked Vietnamese (<html lang=\"vi\">)")
    m = re.search(r"<h1[^>]*>(.*?)</h1>", r.text, re.S)
    if not m or not re.search(r"[^\x00-\x7f]", m.group(1)):
        out.append(f"{r.where}: no Vietnamese <h1> heading: {short(r.text, 200)}")
    return out


RECEIPT_RE = re.compile(r"^\d{4}[ \u00a0-]\d{4}[ \u00a0-]\d{4}[ \u00a0-]\d{4}$")


def receipt_of(r):
    """The receipt shown in id="receipt" as 16 digits, or None."""
    text = parse_html(r.text).by_id.get("receipt")
    if text is None:
        return None
    text = text.strip()
    if not RECEIPT_RE.match(text):
        return None
    return re.sub(r"\D", "", text)


# ---------------------------------------------------------------- CSRF ---

def form_subkey(master_hex):
    """libsodium crypto_kdf_derive_from_key(32, 1, "tiengnoi", master)."""
    master = bytes.fromhex(master_hex.strip())
    return hashlib.blake2b(b"", digest_size=32, key=master,
                           salt=struct.pack("<Q", 1) + bytes(8),
                           person=b"tiengnoi" + bytes(8)).digest()


def make_csrf(subkey, token, form_id, ts):
    mac = hmac.new(subkey, f"form|{token}|{form_id}|{ts}".encode(), hashlib.sha256).digest()[:16]
    return f"{ts:x}.{mac.hex()}"


# --------------------------------------------------------------- Stack ---

class StackError(Exception):
    pass


class Stack:
    """A private PostgreSQL + app + nginx, started with scripts/stack.sh."""

    def __init__(self, env_extra=None):
        self.env_extra = dict(env_extra or {})   # e.g. rate limits on for the abuse tests
        self.var = Path(tempfile.mkdtemp(prefix="tn-it-"))
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.run_dir = self.var / "run"
        self.forms_dir = self.var / "forms"
        self.started = False
        self.demo = []            # [(TOKEN, workplace name, label)]
        self.receipts = []        # every receipt shown during the run
        self.killed_workers = []  # pids the suite SIGKILLed on purpose
        build = os.environ.get("TIENGNOI_BUILD")
        admin = None
        if build:
            b = Path(build) if os.path.isabs(build) else ROOT / build
            if (b / "tiengnoi-admin").exists():
                admin = b / "tiengnoi-admin"
        self.admin_bin = admin or ROOT / "build" / "tiengnoi-admin"
        self.admin_src = self.admin_bin
        # the app's forms: a copy we may edit (SIGHUP test), if stack.sh passes it on
        shutil.copytree(ROOT / "forms", self.forms_dir)
        os.chmod(self.forms_dir, 0o755)
        for f in self.forms_dir.iterdir():
            os.chmod(f, 0o644)

    # -- environment --

    def stack_env(self):
        env = dict(os.environ)
        env.pop("TIENGNOI_DB", None)
        env.update(TIENGNOI_VAR=str(self.var), PORT=str(self.port), WORKERS="3",
                   TIENGNOI_RATELIMIT="off", TIENGNOI_FORMS_DIR=str(self.forms_dir),
                   TIENGNOI_BASE_URL=self.base)
        env.update(self.env_extra)
        build = env.get("TIENGNOI_BUILD")
        if build and os.path.isabs(build):      # stack.sh takes it relative to the repository
            env["TIENGNOI_BUILD"] = os.path.relpath(build, ROOT)
        return env

    def admin_env(self, **extra):
        env = dict(os.environ)
        env.pop("TIENGNOI_DB", None)
        env.pop("TIENGNOI_FORMS_DIR", None)
        env.update(TIENGNOI_VAR=str(self.var), TIENGNOI_BASE_URL=self.base)
        env.update(extra)
        return env

    # -- lifecycle --

    def start(self):
        self.started = True
        p = subprocess.run([str(ROOT / "scripts" / "stack.sh"), "start"], cwd=ROOT,
                           env=self.stack_env(), capture_output=True, timeout=150)
        if p.returncode != 0:
            raise StackError(f"scripts/stack.sh start exited {p.returncode}:\n"
                             + p.stdout.decode(errors="replace")[-1500:]
                             + p.stderr.decode(errors="replace")[-1500:])
        # a snapshot of the CLI that matches the app just started: others may
        # rebuild build/ while the suite runs
        snap = self.var / "bin" / "tiengnoi-admin"
        snap.parent.mkdir(exist_ok=True)
        shutil.copy2(self.admin_bin, snap)
        self.admin_src, self.admin_bin = self.admin_bin, snap
        r = self.admin("qr", "list")
        for line in r.stdout.decode().splitlines():
            url, _, rest = line.partition("\t")
            name, _, label = rest.partition(" — ")
            self.demo.append((url.rsplit("/", 1)[-1], name, label))
        if len(self.demo) < 2:
            raise StackError(f"`qr list` shows fewer than 2 demo QR codes: {r.stdout!r} {r.stderr!r}")

    def stop(self):
        """Stops everything this stack started; never anything else."""
        if not self.started:
            shutil.rmtree(self.var, ignore_errors=True)
            return ""
        out = ""
        try:
            p = subprocess.run([str(ROOT / "scripts" / "stack.sh"), "stop"], cwd=ROOT,
                               env=self.stack_env(), capture_output=True, timeout=90)
            out = (p.stdout + p.stderr).decode(errors="replace")
        except subprocess.TimeoutExpired:
            out = "stack.sh stop timed out"
        self._kill_leftovers()
        shutil.rmtree(self.var, ignore_errors=True)
        return out

    def _kill_leftovers(self):
        """If stack.sh stop left something of ours running, stop it by pid."""
        cands = [(self.run_dir / "nginx.pid", str(self.var)), (self.run_dir / "app.pid", "app.sock")]
        for pidfile, mark in cands:
            pid = read_pid(pidfile)
            if pid and mark in cmdline(pid):
                try:
                    os.kill(pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
        pid = read_pid(self.var / "pg" / "postmaster.pid")
        if pid:
            try:
                if os.readlink(f"/proc/{pid}/cwd") == str(self.var / "pg"):
                    os.kill(pid, signal.SIGQUIT)
                    for _ in range(50):
                        if not alive(pid):
                            break
                        time.sleep(0.1)
            except OSError:
                pass

    # -- processes --

    def app_pid(self):
        return read_pid(self.run_dir / "app.pid")

    def worker_pids(self, sup=None):
        sup = sup or self.app_pid()
        out = []
        for d in os.listdir("/proc"):
            if not d.isdigit():
                continue
            try:
                st = open(f"/proc/{d}/stat").read()
            except OSError:
                continue
            fields = st[st.rfind(")") + 2:].split()
            if int(fields[1]) == sup and fields[0] != "Z":
                out.append(int(d))
        return sorted(out)

    def as_pg_user(self, argv):
        if os.geteuid() == 0:
            return ["runuser", "-u", "postgres", "--"] + argv
        return argv

    def pg_stop(self):
        return subprocess.run(self.as_pg_user([str(PGBIN / "pg_ctl"), "-D", str(self.var / "pg"),
                                               "-m", "fast", "-w", "-t", "30", "stop"]),
                              cwd="/", capture_output=True, timeout=40)

    def pg_start(self):
        return subprocess.run(self.as_pg_user([str(PGBIN / "pg_ctl"), "-D", str(self.var / "pg"), "-w",
                                               "-t", "30", "-l", str(self.var / "log" / "pg.log"), "start"]),
                              cwd="/", capture_output=True, timeout=40)

    def pg_running(self):
        pid = read_pid(self.var / "pg" / "postmaster.pid")
        return bool(pid) and alive(pid)

    # -- database --

    def psql(self, sql, **vars):
        """Runs SQL (variables as :'name') and returns stdout (-At)."""
        return self.psql_notices(sql, **vars)[0]

    def psql_notices(self, sql, **vars):
        """Runs SQL as psql() does; returns stdout and what the server said besides (NOTICE, LOG...)."""
        args = ["psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-h", str(self.run_dir),
                "-U", "tiengnoi", "-d", "tiengnoi"]
        for k, v in vars.items():
            args += ["-v", f"{k}={v}"]
        p = subprocess.run(args, input=sql.encode(), capture_output=True, timeout=20)
        if p.returncode != 0:
            raise Failure(f"psql failed ({p.returncode}): {p.stderr.decode(errors='replace')}\nSQL: {sql}")
        return p.stdout.decode().rstrip("\n"), p.stderr.decode(errors="replace")

    def rows(self, sql, **vars):
        """Rows of a query as a list of dicts (through JSON, so any text survives)."""
        out = self.psql(f"SELECT coalesce(json_agg(t), '[]'::json) FROM ({sql}) t;", **vars)
        return json.loads(out)

    def value(self, sql, **vars):
        r = self.rows(sql, **vars)
        if len(r) != 1 or len(r[0]) != 1:
            raise Failure(f"expected one value from {sql!r}, got {r!r}")
        return next(iter(r[0].values()))

    def count_idem(self, idem):
        return self.value("SELECT count(*) AS n FROM submission WHERE idempotency_key = :'k'", k=idem)

    def submission(self, idem):
        r = self.rows("SELECT id, form_id, form_version, answers, lang, channel, entry_point_id, "
                      "length(receipt_hash) AS hashlen, status FROM submission WHERE idempotency_key = :'k'",
                      k=idem)
        return r[0] if len(r) == 1 else None

    # -- CLI --

    def admin(self, *args, env=None, input=None, timeout=30):
        argv = [os.fsencode(str(self.admin_bin))] + [a if isinstance(a, bytes) else a.encode() for a in args]
        return subprocess.run(argv, cwd=ROOT, env=env or self.admin_env(), input=input,
                              capture_output=True, timeout=timeout)

    # -- HTTP --

    def request(self, method, path, body=None, headers=None, timeout=HTTP_TIMEOUT, chunked=False):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            h = {"Accept-Language": "vi"}
            h.update(headers or {})
            if isinstance(body, str):
                body = body.encode()
            conn.request(method, path, body=body, headers=h, encode_chunked=chunked)
            resp = conn.getresponse()
            data = resp.read()
            r = Resp(method, path, resp.status, resp.headers, data)
        finally:
            conn.close()
        SEEN.append(r)
        save_page(r)
        return r

    def scans_flushed(self, token, want, seconds=20):
        """The scan count of QR code `token` once it reaches `want`: scans are written in
        batches (at most every 2 s per app worker), so more landing pages make each worker
        write what it holds. Returns (count, extra scans made to flush)."""
        extra, deadline = 0, time.monotonic() + seconds
        n = int(self.value("SELECT scan_count FROM entry_point WHERE token = :'t'", t=token))
        while n < want + extra and time.monotonic() < deadline:
            time.sleep(0.3)
            self.get(f"/q/{token}")
            extra += 1
            n = int(self.value("SELECT scan_count FROM entry_point WHERE token = :'t'", t=token))
        return n, extra

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, body, ctype=FORM_CT, headers=None, **kw):
        h = {"Content-Type": ctype} if ctype is not None else {}
        h.update(headers or {})
        return self.request("POST", path, body=body, headers=h, **kw)

    def form(self, token, form_id="concern"):
        """GETs a form; returns (response, _token, _idem)."""
        r = self.get(f"/q/{token}/{form_id}")
        if r.status != 200:
            raise Failure(f"GET /q/{token}/{form_id} -> {r.status}: {short(r.text, 300)}")
        inputs = parse_html(r.text).inputs
        if "_token" not in inputs or "_idem" not in inputs:
            raise Failure(f"form page has no _token/_idem: {short(r.text, 300)}")
        return r, inputs["_token"], inputs["_idem"]

    def submit(self, token, fields, form_id="concern", csrf=None, idem=None, **kw):
        """Fetches a fresh form (unless csrf and idem are given) and posts
        the fields urlencoded. Returns (response, idem)."""
        if csrf is None or idem is None:
            _, c, i = self.form(token, form_id)
            csrf = c if csrf is None else csrf
            idem = i if idem is None else idem
        pairs = [("_token", csrf), ("_idem", idem)] + list(fields)
        r = self.post(f"/q/{token}/{form_id}", urllib.parse.urlencode(pairs), **kw)
        rc = receipt_of(r)
        if rc:
            self.receipts.append(rc)
        return r, idem

    def master_key(self):
        return (self.var / "secrets" / "server.key").read_text()

    def log_text(self, name):
        try:
            return (self.var / "log" / name).read_text(errors="replace")
        except OSError:
            return ""


def read_pid(path):
    try:
        s = Path(path).read_text().split("\n", 1)[0].strip()
        return int(s) if s.isdigit() else None
    except OSError:
        return None


def alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            st = f.read()
        return st[st.rfind(")") + 2] != "Z"
    except OSError:
        return False


def cmdline(pid):
    try:
        return open(f"/proc/{pid}/cmdline", "rb").read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def wait_until(fn, timeout, step=0.1):
    """Calls fn until it returns something true or timeout seconds pass."""
    deadline = time.monotonic() + timeout
    while True:
        v = fn()
        if v or time.monotonic() >= deadline:
            return v
        time.sleep(step)


def esc(s):
    return html.escape(s, quote=True)


def new_idem():
    return secrets.token_hex(16)


# -- the officer console --

class Console:
    """A signed-in officer: keeps the session cookie, fills in _csrf."""

    def __init__(self, stack, username):
        self.stack, self.username, self.cookie, self.csrf = stack, username, "", ""
        self.browser = ""   # the sign-in cookies (tn_browser, tn_device) this browser holds

    def _headers(self, extra=None):
        jar = "; ".join(x for x in (f"tn_session={self.cookie}" if self.cookie else "", self.browser) if x)
        h = {"Cookie": jar} if jar else {}
        h.update(extra or {})
        return h

    def get(self, path):
        r = self.stack.get(path, headers=self._headers())
        m = re.search(r'name="_csrf" value="([0-9a-f]{64})"', r.text)
        if m:
            self.csrf = m.group(1)
        return r

    def post(self, path, pairs, csrf=True):
        pairs = list(pairs) + ([("_csrf", self.csrf)] if csrf else [])
        return self.stack.post(path, urllib.parse.urlencode(pairs), headers=self._headers())


def demo_logins(stack):
    """{username: password} of the demo officers."""
    out = stack.admin("officer", "demo-login").stdout.decode()
    return {m.group(1): m.group(2) for m in re.finditer(r":\s+(\S+) / (\S+)", out)}


def demo_console(t, stack, username="demo.tinh"):
    """A demo officer (by default the province admin) signed in through /admin/login; the test stops when the demo
    has no such login or the sign-in is refused."""
    logins = demo_logins(stack)
    t.require(username in logins, f"demo logins: {logins}")
    c = console_login(stack, username, logins[username])
    t.require(c.cookie, f"{username} signs in: {c.login_response.status}")
    return c


def login_form(stack, cookie=""):
    """GETs the sign-in form as a browser would: returns (its _token, the Cookie header to post it with -- the
    tn_browser cookie the token is bound to, plus `cookie`)."""
    page = stack.get("/admin/login", headers={"Cookie": cookie} if cookie else None)
    token = parse_html(page.text).inputs.get("_token", "")
    m = re.search(r"tn_browser=([0-9a-f]{64})", page.header("Set-Cookie") or "")
    jar = "; ".join(x for x in (f"tn_browser={m.group(1)}" if m else "", cookie) if x)
    return token, jar


def console_login(stack, username, password):
    """Signs in through /admin/login; returns a Console (cookie empty when refused)."""
    c = Console(stack, username)
    token, jar = login_form(stack)
    r = stack.post("/admin/login", urllib.parse.urlencode(
        [("_token", token), ("next", "/admin/"), ("username", username), ("password", password)]),
        headers={"Cookie": jar})
    m = re.search(r"tn_session=([0-9a-f]{64})", r.header("Set-Cookie") or "")
    c.cookie = m.group(1) if m else ""
    c.browser = jar
    c.login_response = r
    if c.cookie:
        c.get("/admin/")
    return c
