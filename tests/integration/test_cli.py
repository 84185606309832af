"""test_cli.py: tiengnoi-admin: QR codes decoded by a real reader, and the subcommands' contract."""
import re
import secrets
import subprocess
import tempfile
import urllib.parse
import xml.etree.ElementTree as ET
from pathlib import Path

from harness import esc

URL_RE = re.compile(r"^http://127\.0\.0\.1:\d+/q/[2-9A-HJKMNP-Z]{10,}$")


def _out(p):
    return p.stdout.decode(errors="replace")


def _err(p):
    return p.stderr.decode(errors="replace")


# 17
def test_qr(t, stack):
    token, name, _ = stack.demo[0]
    with tempfile.TemporaryDirectory() as d:
        png = Path(d) / "f.png"
        p = stack.admin("qr", "png", token)
        t.require(p.returncode == 0, f"qr png exited {p.returncode}: {_err(p)}")
        t.require(p.stdout.startswith(b"\x89PNG\r\n\x1a\n"), f"qr png output is not a PNG: {p.stdout[:16]!r}")
        png.write_bytes(p.stdout)
        z = subprocess.run(["zbarimg", "--raw", "-q", "--nodbus", str(png)], capture_output=True, timeout=20)
        decoded = z.stdout.decode(errors="replace").strip()
        want = f"HTTP://127.0.0.1:{stack.port}/Q/{token}"
        t.require(z.returncode == 0, f"zbarimg could not read the QR code ({z.returncode}): {_err(z)}")
        t.eq(decoded, want, "decoded QR content")
        u = urllib.parse.urlsplit(decoded)
        t.check(u.hostname == "127.0.0.1" and u.port == stack.port, f"QR points at {u.netloc}")
        r = stack.get(u.path)
        t.check(r.status == 200 and esc(name) in r.text,
                f"opening the decoded URL path {u.path} -> {r.status}, workplace shown: {esc(name) in r.text}")
        # the token as a person types it from the poster, in lower case
        p2 = stack.admin("qr", "png", token.lower())
        t.check(p2.returncode == 0 and p2.stdout == p.stdout, f"qr png with a lower-case token: {p2.returncode}")
    p = stack.admin("qr", "svg", token)
    t.check(p.returncode == 0, f"qr svg exited {p.returncode}: {_err(p)}")
    svg = _out(p)
    t.check(svg.lstrip().startswith("<svg"), f"qr svg output does not start with <svg: {svg[:80]!r}")
    try:
        root = ET.fromstring(svg)
        t.check(root.tag.endswith("svg"), f"root element is {root.tag}")
    except ET.ParseError as e:
        t.check(False, f"qr svg output is not well-formed XML: {e}")
    for args in [("qr", "png", "ZZZZZZZZZZZZ"), ("qr", "svg", "ZZZZZZZZZZZZ"), ("qr", "png", "not-a-token!"),
                 ("qr", "png"), ("qr", "svg", token, "extra")]:
        p = stack.admin(*args)
        t.check(p.returncode == 2, f"{' '.join(args)}: exit {p.returncode}, want 2")
        t.check(p.stdout == b"", f"{' '.join(args)}: wrote {len(p.stdout)} bytes to stdout on failure")
        t.check(_err(p).strip(), f"{' '.join(args)}: no message on stderr")
    # a revoked code cannot be printed again
    p = stack.admin("qr", "create", "--workplace", "CHE-TAMDUONG")
    t.require(p.returncode == 0, f"qr create: {_err(p)}")
    rtok = _out(p).strip().rsplit("/", 1)[-1]
    stack.psql("UPDATE entry_point SET revoked_at = now() WHERE token = :'t';", t=rtok)
    p = stack.admin("qr", "png", rtok)
    t.check(p.returncode == 2, f"qr png of a revoked token: exit {p.returncode}, want 2")


def _subcommands(stack):
    found = ["keys init", "migrate", "demo", "unit add", "workplace add", "qr create", "qr list", "qr png",
             "qr svg"]
    p = stack.admin("--help")
    for line in _out(p).splitlines():
        if not re.match(r"^  [a-z]", line):
            continue
        words = []
        for w in line.split():
            if re.fullmatch(r"[a-z][a-z-]*", w):
                words.append(w)
            else:
                break
        if words and " ".join(words[:2]) not in found and len(words) <= 3:
            found.append(" ".join(words[:2]))
    return found


# 18
def test_cli(t, stack):
    sfx = secrets.token_hex(3).upper()
    unit = f"IT-U{sfx}"

    def run(*args, want, what, **kw):
        p = stack.admin(*args, **kw)
        t.check(p.returncode == want, f"{what}: exit {p.returncode}, want {want}; stderr {_err(p).strip()!r}")
        if want != 0:
            t.check(_err(p).strip(), f"{what}: no message on stderr")
        return p

    run("unit", "add", "--code", unit, "--name", "Công đoàn cơ sở thử nghiệm", want=0, what="unit add")
    t.eq(stack.rows("SELECT name, kind FROM org_unit WHERE code = :'c'", c=unit),
         [{"name": "Công đoàn cơ sở thử nghiệm", "kind": "province"}], "the new unit")
    p = run("unit", "add", "--code", unit, "--name", "Lần hai", want=2, what="unit add, same code again")
    t.check("already" in _err(p), f"duplicate unit: message lacks 'already': {_err(p)!r}")
    run("unit", "add", "--code", f"IT-C{sfx}", "--name", "Con", "--parent", "NO-SUCH-PARENT", want=2,
        what="unit add with unknown --parent")
    run("unit", "add", "--code", f"IT-K{sfx}", "--name", "Loại lạ", "--kind", "galaxy", want=2,
        what="unit add with unknown --kind")
    t.eq(stack.value("SELECT count(*) AS n FROM org_unit WHERE code IN (:'a', :'b')", a=f"IT-C{sfx}", b=f"IT-K{sfx}"),
         0, "units stored by refused commands")
    run("unit", "add", "--code", f"IT-G{sfx}", "--name", "Công đoàn cơ sở con", "--parent", unit, want=0,
        what="unit add with --parent")
    t.eq(stack.value("SELECT c.path LIKE p.path || '%' AND c.kind = 'grassroots' AS ok FROM org_unit c, org_unit p "
                     "WHERE c.code = :'c' AND p.code = :'p'", c=f"IT-G{sfx}", p=unit), True,
         "child unit's path and default kind")
    run("unit", "add", "--code", "lower-case", "--name", "x", want=2, what="unit add with a bad code")
    run("unit", "add", "--code", f"IT-N{sfx}", want=2, what="unit add without --name")
    run("unit", "add", "--code", f"IT-N{sfx}", "--name", "x", "--colour", "red", want=2,
        what="unit add with an unknown option")
    run("unit", "add", "--code", f"IT-N{sfx}", "--name", b"\xff\xfe", want=2, what="unit add, name not UTF-8")
    run("unit", "add", "--code", f"IT-N{sfx}", "--name", "tab\x01here", want=2,
        what="unit add, name with a control character")
    run("unit", "add", "--code", f"IT-N{sfx}", "--name", "   ", want=2, what="unit add, blank name")
    sql_name = "x'); DROP TABLE org_unit; --"
    run("unit", "add", "--code", f"IT-S{sfx}", "--name", sql_name, want=0, what="unit add, SQL-looking name")
    t.eq(stack.rows("SELECT name FROM org_unit WHERE code = :'c'", c=f"IT-S{sfx}"), [{"name": sql_name}],
         "SQL-looking name stored verbatim")
    # workplaces
    run("workplace", "add", "--code", f"IT-W{sfx}", "--name", "Xưởng thử", "--unit", "NO-SUCH-UNIT", want=2,
        what="workplace add with unknown --unit")
    for i, tax in enumerate(["12345", "123456789X", "1234567890-12", "1234567890X123", "12345678901",
                             "1234567890-1234", "-123456789", "１２３４５６７８９０"]):
        run("workplace", "add", "--code", f"IT-T{i}{sfx}", "--name", "Thuế sai", "--unit", unit, "--tax-code", tax,
            want=2, what=f"workplace add with --tax-code {tax!r}")
    t.eq(stack.value("SELECT count(*) AS n FROM workplace WHERE code LIKE 'IT-T%'"), 0,
         "workplaces stored by refused commands")
    run("workplace", "add", "--code", f"IT-W{sfx}", "--name", "Xưởng thử nghiệm", "--unit", unit,
        "--tax-code", "6200999999-001", "--address", "Phường Đông Phong", want=0, what="workplace add")
    run("workplace", "add", "--code", f"IT-W{sfx}", "--name", "Xưởng thử nghiệm", "--unit", unit, want=2,
        what="workplace add, same code again")
    # QR codes
    run("qr", "create", "--workplace", "NOPE", want=2, what="qr create --workplace NOPE")
    run("qr", "create", "--workplace", f"IT-W{sfx}", "--forms", "nosuchform", want=2,
        what="qr create --forms nosuchform")
    run("qr", "create", "--workplace", f"IT-W{sfx}", "--forms", "concern,nosuchform", want=2,
        what="qr create --forms concern,nosuchform")
    run("qr", "create", "--workplace", f"IT-W{sfx}", "--label", b"\xc3\x28", want=2,
        what="qr create, label not UTF-8")
    run("qr", "create", want=2, what="qr create without --workplace")
    t.eq(stack.value("SELECT count(*) AS n FROM entry_point e JOIN workplace w ON w.id = e.workplace_id "
                     "WHERE w.code = :'c'", c=f"IT-W{sfx}"), 0, "entry points stored by refused commands")
    p = run("qr", "create", "--workplace", f"IT-W{sfx}", "--label", "Cổng sau", "--forms", "concern", want=0,
            what="qr create")
    lines = _out(p).strip().splitlines()
    last = lines[-1] if lines else ""
    t.check(URL_RE.match(last), f"qr create: last line {last!r} is not a QR URL")
    if URL_RE.match(last):
        tok = last.rsplit("/", 1)[-1]
        t.check(last.startswith(stack.base + "/"), f"qr create URL {last!r} does not use TIENGNOI_BASE_URL")
        r = stack.get(urllib.parse.urlsplit(last).path)
        t.check(r.status == 200 and "Xưởng thử nghiệm" in r.text and "Cổng sau" in r.text,
                f"GET the new QR URL -> {r.status}")
        listed = _out(stack.admin("qr", "list"))
        t.check(last in listed, "qr list does not show the new code")
        others = sorted(f.stem for f in (stack.forms_dir.glob("*.json")) if f.stem != "concern")
        if others:
            r = stack.get(f"/q/{tok}/{others[0]}")
            t.check(r.status == 404, f"GET a form the code does not offer (/q/TOKEN/{others[0]}) -> {r.status}, want 404")
    # help for everything; in the overview a command's explanation sits two
    # deeper than its command line, whatever case its lines begin with
    groups = {"keys", "config", "migrate", "demo", "unit", "workplace", "qr", "officer", "export", "audit", "purge",
              "request", "holiday", "api-token", "deadlines", "stats", "indicator", "webhook", "outbox", "agreement",
              "round", "commitment"}
    for line in _out(stack.admin("--help")).splitlines():
        if re.match(r"^  \S", line):
            t.check(line.split()[0] in groups, f"--help: {line!r} reads as a command line but names no command")
    for sub in _subcommands(stack):
        p = stack.admin(*sub.split(), "--help")
        t.check(p.returncode == 0 and _out(p).strip(),
                f"`{sub} --help`: exit {p.returncode}, stdout {_out(p)[:60]!r}")
    for args in [("--help",), ("help",), ("unit", "--help"), ("qr", "--help")]:
        p = stack.admin(*args)
        t.check(p.returncode == 0 and _out(p).strip(), f"`{' '.join(args)}`: exit {p.returncode}")
    run("frobnicate", want=2, what="unknown command")
    run("qr", "frobnicate", want=2, what="unknown qr subcommand")
    p = stack.admin()
    t.check(p.returncode == 2, f"no arguments: exit {p.returncode}, want 2")
    # migrations are idempotent
    before = stack.value("SELECT count(*) AS n FROM schema_migration")
    p1 = run("migrate", want=0, what="migrate")
    p2 = run("migrate", want=0, what="migrate again")
    for p in (p1, p2):
        t.check(not re.search(r"^applied ", _out(p), re.M), f"migrate applied something again: {_out(p)!r}")
    t.eq(stack.value("SELECT count(*) AS n FROM schema_migration"), before, "schema_migration rows")
    # an unreachable database
    bad = stack.admin_env(TIENGNOI_DB="host=/nonexistent dbname=x connect_timeout=2")
    for args in [("qr", "list"), ("migrate",), ("unit", "add", "--code", "IT-X", "--name", "x")]:
        p = stack.admin(*args, env=bad)
        t.check(p.returncode == 1, f"{' '.join(args)} with an unreachable database: exit {p.returncode}, want 1")
        t.check("database" in _err(p).lower() or "connect" in _err(p).lower(),
                f"{' '.join(args)} with an unreachable database: message {_err(p)!r}")
