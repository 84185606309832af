#!/usr/bin/env python3
"""tls.py: the production nginx site (nginx/tiengnoi-site.conf) over real TLS; prints TAP.

Makes a CA and a certificate for localhost/127.0.0.1 with openssl, starts a
private app stack (scripts/stack.sh, its own TIENGNOI_VAR and port) and a
separate nginx run from a temporary directory: Debian's own nginx.conf with
its paths moved there, including a copy of the site in which only the
production paths (socket, static files, certificates, logs, ACME webroot),
the host name and the listening ports are replaced. Then checks with curl
and openssl: protocols, redirects that keep the QR path, HSTS, the Secure
session cookie, gzip, versioned static files, a worker's report, hostile
requests, and that worker paths leave no address in any log.

Usage: tests/production/tls.py   (from anywhere; root or not; loopback only;
stops everything it started, by pid, within its time limit)
"""
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import gzip

from prodlib import Tap   # the TAP lines the other production tests print

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SITE = os.path.join(ROOT, "nginx", "tiengnoi-site.conf")
DEBIAN_CONF = "/etc/nginx/nginx.conf"
NGINX = "/usr/sbin/nginx"
LIMIT_SECONDS = 420   # a loaded 2-core machine: the stack alone may take minutes to start
HOST = "localhost"
AS_ROOT = os.geteuid() == 0
RUN_USER = "postgres" if AS_ROOT else None     # the dev stack's run user (scripts/stack.sh)


class TimeLimit(Exception):
    pass


def _alarm(signum, frame):
    raise TimeLimit()


def have_ipv6():
    try:
        with socket.socket(socket.AF_INET6) as s6:
            s6.bind(("::1", 0))
        return True
    except OSError:
        return False


HAVE_V6 = have_ipv6()


def free_ports(n):
    """n TCP ports free on 127.0.0.1 and, when the machine has it, ::1 (the site listens on both)."""
    ports = []
    while len(ports) < n:
        with socket.socket() as s4:
            s4.bind(("127.0.0.1", 0))
            p = s4.getsockname()[1]
            try:
                if HAVE_V6:
                    with socket.socket(socket.AF_INET6) as s6:
                        s6.bind(("::1", p))
            except OSError:
                continue
        if p not in ports:
            ports.append(p)
    return ports


def run(argv, timeout=30, **kw):
    return subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout, **kw)


class Curl:
    """curl against the test nginx: HTTPS with the test CA, localhost pinned to loopback."""

    def __init__(self, tmp, p80, p443, ca):
        self.tmp, self.p80, self.p443, self.ca = tmp, p80, p443, ca
        self.n = 0

    def __call__(self, path, https=True, method=None, data=None, headers=(), extra=(), follow=False):
        """Returns (status, headers dict of lists (lower-case names), body bytes, curl's rc, stderr)."""
        self.n += 1
        hfile = os.path.join(self.tmp, f"h{self.n}")
        bfile = os.path.join(self.tmp, f"b{self.n}")
        port = self.p443 if https else self.p80
        url = f"{'https' if https else 'http'}://{HOST}:{port}{path}"
        argv = ["curl", "-sS", "--max-time", "20", "--path-as-is", "--cacert", self.ca,
                "--resolve", f"{HOST}:{port}:127.0.0.1", "-D", hfile, "-o", bfile]
        if follow:
            # redirects name https://localhost/ (port 443): send that to our port
            argv += ["-L", "--max-redirs", "3", "--connect-to", f"{HOST}:443:127.0.0.1:{self.p443}"]
        if method:
            argv += ["-X", method]
        if data is not None:
            argv += ["--data-binary", "@-"]
        for h in headers:
            argv += ["-H", h]
        argv += list(extra) + [url]
        p = subprocess.run(argv, input=data.encode() if isinstance(data, str) else data,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=30)
        status, hdrs = 0, {}
        if os.path.exists(hfile):
            raw = open(hfile, "rb").read().decode("latin-1")
            last = [b for b in re.split(r"\r?\n\r?\n", raw) if b.strip()]
            if last:
                lines = last[-1].splitlines()
                m = re.match(r"HTTP/[\d.]+ (\d+)", lines[0])
                status = int(m.group(1)) if m else 0
                for line in lines[1:]:
                    if ":" in line:
                        k, v = line.split(":", 1)
                        hdrs.setdefault(k.strip().lower(), []).append(v.strip())
        body = open(bfile, "rb").read() if os.path.exists(bfile) else b""
        return status, hdrs, body, p.returncode, p.stderr.decode("utf-8", "replace")


def h1(hdrs, name):
    v = hdrs.get(name.lower())
    return v[0] if v else None


def openssl_handshake(port, *opts):
    """True when an openssl s_client handshake with these options completes; also its output."""
    p = run(["openssl", "s_client", "-connect", f"127.0.0.1:{port}", "-servername", HOST, *opts],
            input=b"", timeout=15)
    out = p.stdout.decode("latin-1") + p.stderr.decode("latin-1")
    done = p.returncode == 0 and re.search(r"Cipher is (?!\(NONE\))", out) is not None
    return done, out


def make_certs(d):
    """A throw-away CA and a server certificate for localhost and 127.0.0.1, valid two days."""
    ca_key, ca = os.path.join(d, "ca.key"), os.path.join(d, "ca.pem")
    live = os.path.join(d, "letsencrypt", "live", HOST)
    os.makedirs(live)
    key, csr, crt = os.path.join(live, "privkey.pem"), os.path.join(d, "server.csr"), os.path.join(live, "fullchain.pem")
    ext = os.path.join(d, "server.ext")
    with open(ext, "w") as f:
        f.write("subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n"
                "keyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n")
    steps = [
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", ca_key, "-out", ca,
         "-days", "2", "-subj", "/CN=Tieng noi test CA"],
        ["openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", csr, "-subj", "/CN=localhost"],
        ["openssl", "x509", "-req", "-in", csr, "-CA", ca, "-CAkey", ca_key, "-CAcreateserial",
         "-out", crt, "-days", "2", "-extfile", ext],
    ]
    for argv in steps:
        p = run(argv, timeout=60)
        if p.returncode != 0:
            raise RuntimeError(f"{' '.join(argv[:3])}: {p.stderr.decode()[-400:]}")
    os.chmod(key, 0o600)
    return ca, crt, key


def render_site(tmp, var, p80, p443):
    """The real site file with only production paths, host name and ports replaced."""
    text = open(SITE).read()
    subs = [
        ("EXAMPLE", HOST),
        ("/etc/letsencrypt/", f"{tmp}/letsencrypt/"),
        ("/run/tiengnoi/tiengnoi.sock", f"{var}/run/app.sock"),
        ("/usr/share/tiengnoi/static", f"{ROOT}/static"),
        ("/var/log/nginx/", f"{tmp}/log/"),
        ("/var/www/letsencrypt", f"{tmp}/acme"),
        ("listen 80;", f"listen 127.0.0.1:{p80};"),
        ("listen [::]:80;", f"listen [::1]:{p80};" if HAVE_V6 else "# no IPv6 here"),
        ("listen 443 ", f"listen 127.0.0.1:{p443} "),
        ("listen [::]:443 ", f"listen [::1]:{p443} " if HAVE_V6 else "# no IPv6 here: "),
    ]
    for old, new in subs:
        if old not in text:
            raise RuntimeError(f"the site no longer contains {old!r}: update the test's substitutions")
        text = text.replace(old, new)
    path = os.path.join(tmp, "sites-enabled", "tiengnoi")
    with open(path, "w") as f:
        f.write(text)
    return path


def render_main(tmp, site):
    """Debian's nginx.conf, its files moved under tmp, including only our site."""
    text = open(DEBIAN_CONF).read()
    subs = [
        (r"(?m)^pid .*;", f"pid {tmp}/nginx.pid;"),
        (r"(?m)^(\s*)error_log /var/log/nginx/error.log;", rf"\1error_log {tmp}/log/error.log;"),
        (r"(?m)^(\s*)access_log /var/log/nginx/access.log;", rf"\1access_log {tmp}/log/access.log;"),
        (r"(?m)^\s*include /etc/nginx/conf.d/\*.conf;", ""),
        (r"(?m)^\s*include /etc/nginx/modules-enabled/\*.conf;", ""),
        (r"(?m)^(\s*)include /etc/nginx/sites-enabled/\*;", rf"\1include {site};"),
        (r"(?m)^http \{", "http {\n" + "".join(
            f"\t{k}_temp_path {tmp}/temp/{k};\n" for k in ("client_body", "fastcgi", "proxy", "uwsgi", "scgi"))),
        (r"(?m)^user .*;", f"user {RUN_USER};" if RUN_USER else ""),
    ]
    for pat, rep in subs:
        text, n = re.subn(pat, rep, text, count=1)
        if n != 1 and "user" not in pat:
            raise RuntimeError(f"{DEBIAN_CONF}: no line matches {pat!r}")
    path = os.path.join(tmp, "nginx.conf")
    with open(path, "w") as f:
        f.write(text)
    return path


def alive(pid):
    try:
        os.kill(pid, 0)
        return True
    except OSError:
        return False


def stop_pid(pid, sig=signal.SIGQUIT, wait=10):
    if not pid or not alive(pid):
        return
    os.kill(pid, sig)
    end = time.monotonic() + wait
    while time.monotonic() < end and alive(pid):
        time.sleep(0.1)
    if alive(pid):
        os.kill(pid, signal.SIGKILL)


def main():
    t = Tap(detail_lines=15)
    signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(LIMIT_SECONDS)
    tmp = tempfile.mkdtemp(prefix="tn-tls-")
    os.chmod(tmp, 0o711)                      # nginx's workers (the run user) reach the temp files
    var = tempfile.mkdtemp(prefix="tn-tls-var-")
    p80, p443, pctl, papp = free_ports(4)
    env = dict(os.environ, TIENGNOI_VAR=var, PORT=str(papp))
    nginx_pid = ctl_pid = 0
    stack_started = False
    try:
        for d in ("log", "temp", "sites-enabled", "acme/.well-known/acme-challenge"):
            os.makedirs(os.path.join(tmp, d), exist_ok=True)
        for d in ("acme", "acme/.well-known", "acme/.well-known/acme-challenge"):
            os.chmod(os.path.join(tmp, d), 0o755)
        with open(os.path.join(tmp, "acme/.well-known/acme-challenge/tn-challenge"), "w") as f:
            f.write("tn-challenge.key-authorization\n")
        os.chmod(os.path.join(tmp, "acme/.well-known/acme-challenge/tn-challenge"), 0o644)
        ca, crt, key = make_certs(tmp)

        # --- the app stack (PostgreSQL, app, its own dev nginx on papp)
        p = run([os.path.join(ROOT, "scripts", "stack.sh"), "start"], timeout=300, env=env, cwd=ROOT)
        stack_started = True
        if not t.ok(p.returncode == 0, "a private app stack starts", p.stderr.decode()[-1500:] + p.stdout.decode()[-500:]):
            return 1
        tokens = re.findall(r"/q/([A-Z0-9]{8,})", p.stdout.decode())
        t.ok(tokens, "the stack lists a demo QR code", p.stdout.decode()[-800:])
        token = tokens[0] if tokens else "NOTOKEN"

        # the development stack's own nginx (nginx/tiengnoi.conf.in) serves the versioned names too
        dev = run(["curl", "-sS", "--max-time", "10", f"http://127.0.0.1:{papp}/q/{token}"])
        link = re.search(rb'href="(/static/[0-9a-f]+/app\.css)"', dev.stdout)
        if t.ok(link, "the development stack's pages link a versioned app.css", dev.stdout[:300]):
            h = run(["curl", "-sS", "--max-time", "10", "-D", "-", "-o", os.path.join(tmp, "dev.css"),
                     f"http://127.0.0.1:{papp}{link.group(1).decode()}"]).stdout.decode("latin-1")
            t.ok(h.startswith("HTTP/1.1 200") and "Cache-Control: public, max-age=31536000, immutable" in h
                 and open(os.path.join(tmp, "dev.css"), "rb").read() == open(f"{ROOT}/static/app.css", "rb").read(),
                 "the development nginx serves it, cached for a year", h)

        site = render_site(tmp, var, p80, p443)
        main_conf = render_main(tmp, site)
        pt = run([NGINX, "-t", "-p", tmp, "-c", main_conf])
        t.ok(pt.returncode == 0, "nginx -t accepts the production site (only paths, host and ports replaced), "
             "included from Debian's nginx.conf", pt.stderr.decode())
        ps = run([NGINX, "-p", tmp, "-c", main_conf])
        if not t.ok(ps.returncode == 0, "nginx starts with the site", ps.stderr.decode()):
            return 1
        for _ in range(50):
            if os.path.exists(f"{tmp}/nginx.pid"):
                break
            time.sleep(0.1)
        nginx_pid = int(open(f"{tmp}/nginx.pid").read().strip() or 0)
        curl = Curl(tmp, p80, p443, ca)
        statuses = []

        def c(*a, **kw):
            r = curl(*a, **kw)
            statuses.append((a[0], r[0]))
            return r

        # --- HTTPS works
        st, hd, body, rc, err = c("/healthz")
        t.ok(st == 200 and body.strip() == b"ok", "HTTPS GET /healthz is 200 ok, certificate checked against the test CA",
             f"{st} rc={rc} {err} {body[:200]!r}")
        st, hd, body, rc, err = c(f"/q/{token}")
        t.ok(st == 200 and b"<html" in body, f"HTTPS landing page /q/{token}", f"{st} {err}")
        t.ok(h1(hd, "server") == "nginx", "Server: nginx without a version", hd.get("server"))

        # --- protocols and ciphers
        for ver, opt in (("1.2", "--tlsv1.2"), ("1.3", "--tlsv1.3")):
            st, hd, body, rc, err = c("/healthz", extra=[opt, "--tls-max", ver])
            t.ok(rc == 0 and st == 200, f"TLS {ver} accepted", f"rc={rc} {err}")
        for ver, opt in (("1.0", "-tls1"), ("1.1", "-tls1_1")):
            ok, out = openssl_handshake(p443, opt, "-cipher", "DEFAULT:@SECLEVEL=0")
            t.ok(not ok, f"TLS {ver} refused", out[-600:])
        # control: the same client does complete TLS 1.0 with a server that allows it
        srv = subprocess.Popen(["openssl", "s_server", "-accept", str(pctl), "-cert", crt, "-key", key,
                                "-tls1", "-cipher", "DEFAULT:@SECLEVEL=0", "-quiet"],
                               stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        ctl_pid = srv.pid
        for _ in range(50):
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", pctl)) == 0:
                    break
            time.sleep(0.1)
        ok, out = openssl_handshake(pctl, "-tls1", "-cipher", "DEFAULT:@SECLEVEL=0")
        t.ok(ok, "control: that TLS 1.0 client completes a handshake with a server allowing TLS 1.0", out[-600:])
        stop_pid(ctl_pid, signal.SIGTERM, 3)
        ctl_pid = 0
        ok, out = openssl_handshake(p443, "-tls1_2", "-cipher", "AES128-SHA:AES256-SHA:AES128-GCM-SHA256")
        t.ok(not ok, "TLS 1.2 without forward secrecy (RSA key exchange) refused", out[-400:])
        ok, out = openssl_handshake(p443, "-tls1_2", "-cipher", "ECDHE-RSA-AES128-SHA")
        t.ok(not ok, "TLS 1.2 CBC cipher refused (AEAD only)", out[-400:])
        ok, out = openssl_handshake(p443, "-tls1_2")
        t.ok(ok and "TLS session ticket:" not in out and "session ticket lifetime hint" not in out,
             "TLS 1.2 handshake without a session ticket", out[-800:])

        # --- port 80: redirects keep the QR path and query; ACME answered
        qr_path = f"/Q/{token}?src=poster&x=%41%20b"
        st, hd, body, rc, err = c(qr_path, https=False)
        t.ok(st == 301 and h1(hd, "location") == f"https://{HOST}{qr_path}",
             "HTTP://HOST/Q/TOKEN?query → 301 to https:// with path (upper case) and query exactly kept",
             f"{st} {hd.get('location')}")
        t.ok("strict-transport-security" not in hd, "no HSTS header over plain HTTP", hd)
        for path in (f"/q/{token}/concern", "/status", "/admin/login?next=%2Fadmin%2F", "/"):
            st, hd, body, rc, err = c(path, https=False)
            t.ok(st == 301 and h1(hd, "location") == f"https://{HOST}{path}", f"HTTP {path} → 301 https://{HOST}{path}",
                 f"{st} {hd.get('location')}")
        st, hd, body, rc, err = c(f"/Q/{token}", https=False, headers=["Host: evil.example"])
        t.ok(st == 301 and h1(hd, "location") == f"https://{HOST}/Q/{token}",
             "HTTP with another Host header still redirects to the site's own name (no open redirect)",
             f"{st} {hd.get('location')}")
        st, hd, body, rc, err = c(f"/Q/{token}", https=False, follow=True)
        t.ok(st == 200 and token.encode() in body.upper(), "following the poster's HTTP:// URL lands on the HTTPS page",
             f"{st} {err}")
        st, hd, body, rc, err = c("/.well-known/acme-challenge/tn-challenge", https=False)
        t.ok(st == 200 and body == b"tn-challenge.key-authorization\n",
             "HTTP serves certbot's challenge file from the webroot, not redirected", f"{st} {body[:100]!r}")

        # --- HSTS
        for path in ("/admin/", "/admin/login", f"/q/{token}", "/static/app.css"):
            st, hd, body, rc, err = c(path)
            v = h1(hd, "strict-transport-security") or ""
            t.ok(re.fullmatch(r"max-age=(\d+)", v) and int(v.split("=")[1]) >= 31536000 and len(hd.get("strict-transport-security")) == 1,
                 f"HSTS (one header, ≥ 1 year) on HTTPS {path} ({st})", f"{st} {hd.get('strict-transport-security')}")

        # --- console login over HTTPS: Secure session cookie
        pw_file = os.path.join(var, "secrets", "demo-officer.txt")
        m = re.search(r"demo\.tanphong / (\S+)", open(pw_file).read()) if os.path.exists(pw_file) else None
        cookie = ""
        if t.ok(m, "the demo officer's password is in $TIENGNOI_VAR/secrets/demo-officer.txt"):
            st, hd, body, rc, err = c("/admin/login")
            tok = re.search(rb'name="_token" value="([^"]+)"', body)
            form = urllib.parse.urlencode([("_token", tok.group(1).decode() if tok else ""), ("next", "/admin/"),
                                           ("username", "demo.tanphong"), ("password", m.group(1))])
            # the form's token is bound to the tn_browser cookie the form set
            pre = [v.split(";")[0] for v in hd.get("set-cookie", []) if v.startswith("tn_browser=")]
            st, hd, body, rc, err = c("/admin/login", data=form,
                                      headers=["Content-Type: application/x-www-form-urlencoded"] +
                                      [f"Cookie: {v}" for v in pre])
            sc = [v for v in hd.get("set-cookie", []) if v.startswith("tn_session=")]
            attrs = [a.strip().lower() for a in sc[0].split(";")[1:]] if sc else []
            t.ok(st == 303 and sc and "secure" in attrs and "httponly" in attrs and "samesite=strict" in attrs,
                 "login over HTTPS sets tn_session with Secure, HttpOnly, SameSite=Strict", f"{st} {sc} {body[:300]!r}")
            cm = re.match(r"tn_session=([0-9a-f]+)", sc[0]) if sc else None
            cookie = cm.group(1) if cm else ""
            st, hd, body, rc, err = c("/admin/", headers=[f"Cookie: tn_session={cookie}"])
            t.ok(st == 200 and "strict-transport-security" in hd, "the console opens over HTTPS with that cookie, with HSTS",
                 f"{st}")

        # --- gzip and versioned static files
        ae = ["Accept-Encoding: gzip"]
        st, hd, body, rc, err = c(f"/q/{token}", headers=ae)
        page = gzip.decompress(body).decode() if h1(hd, "content-encoding") == "gzip" else body.decode("utf-8", "replace")
        t.ok(st == 200 and h1(hd, "content-encoding") == "gzip" and "</html>" in page,
             "HTML served gzip-compressed (and decompresses to the page)", f"{st} {hd.get('content-encoding')}")
        t.ok("Accept-Encoding" in ",".join(hd.get("vary", [])), "Vary: Accept-Encoding on compressed pages", hd.get("vary"))
        links = re.findall(r'(?:href|src)="(/static/([^"/]+)/([^"/]+))"', page)
        vfile = os.path.join(ROOT, os.environ.get("TIENGNOI_BUILD") or "build", "static-version")
        want = open(vfile).read().strip() if os.path.exists(vfile) else None
        t.ok(links and all(v == want for _, v, _ in links),
             "the page links /static/VERSION/NAME with the build's static version", f"{links} want {want}")
        for name, ctype in (("app.css", "text/css"), ("app.js", "application/javascript")):
            url = f"/static/{want}/{name}"
            st, hd, body, rc, err = c(url, headers=ae)
            data = gzip.decompress(body) if h1(hd, "content-encoding") == "gzip" else body
            t.ok(st == 200 and h1(hd, "content-encoding") == "gzip" and data == open(f"{ROOT}/static/{name}", "rb").read()
                 and (h1(hd, "content-type") or "").startswith(ctype),
                 f"{url}: gzip, the file's exact bytes, {ctype}", f"{st} {hd.get('content-encoding')} {hd.get('content-type')}")
            cc = hd.get("cache-control", [])
            t.ok(cc == ["public, max-age=31536000, immutable"] and "content-security-policy" in hd
                 and h1(hd, "x-content-type-options") == "nosniff",
                 f"{url}: one Cache-Control, a year and immutable; CSP and nosniff kept", f"{cc} {sorted(hd)}")
        st, hd, body, rc, err = c("/static/0123456789/app.css")
        t.ok(st == 200 and body == open(f"{ROOT}/static/app.css", "rb").read(),
             "any version segment serves the current file (pages cached with an older version still work)", st)
        st, hd, body, rc, err = c("/static/app.css")
        t.ok(st == 200 and hd.get("cache-control") == ["max-age=3600"],
             "unversioned /static/app.css still served, for an hour only", f"{st} {hd.get('cache-control')}")
        for bad in (f"/static/{want}/missing.css", f"/static/{want}/.hidden", f"/static/{want}/..%2fMakefile",
                    "/static/../Makefile", f"/static/{want}/x/app.css", "/static/"):
            st, hd, body, rc, err = c(bad)
            t.ok(st in (400, 403, 404) and b"STATIC_VERSION" not in body and "immutable" not in ",".join(hd.get("cache-control", [])),
                 f"{bad}: {st}, no file outside static/, not cached for long", f"{st} {hd.get('cache-control')}")
        if cookie:
            ids = subprocess.run(["psql", "-h", f"{var}/run", "-U", "tiengnoi", "-d", "tiengnoi", "-Atc",
                                  f"SELECT id FROM entry_point WHERE upper(token) = '{token}'"],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=20)
            qid = ids.stdout.decode().strip()
            st, hd, body, rc, err = c(f"/admin/qr/{qid}/svg", headers=ae + [f"Cookie: tn_session={cookie}"])
            svg = gzip.decompress(body) if h1(hd, "content-encoding") == "gzip" else body
            t.ok(st == 200 and h1(hd, "content-encoding") == "gzip" and svg.lstrip().startswith(b"<svg"),
                 "the QR code's SVG is served gzip-compressed", f"{st} {hd.get('content-encoding')} {ids.stderr[-200:]!r}")
        st, hd, body, rc, err = c("/healthz", headers=["Accept-Encoding: identity"])
        t.ok(h1(hd, "content-encoding") is None, "no compression when the client does not ask for it", hd)

        # --- a worker's report over HTTPS gets a receipt
        st, hd, body, rc, err = c(f"/q/{token}/concern")
        inputs = dict(re.findall(rb'name="(_token|_idem)" value="([^"]*)"', body))
        form = urllib.parse.urlencode([("_token", inputs.get(b"_token", b"").decode()),
                                       ("_idem", inputs.get(b"_idem", b"").decode()), ("website", ""),
                                       ("category", "wages"), ("text", "Báo cáo thử qua HTTPS: lương tháng 10 chưa trả.")])
        st, hd, body, rc, err = c(f"/q/{token}/concern", data=form,
                                  headers=["Content-Type: application/x-www-form-urlencoded"])
        rec = re.search(rb'id="receipt"[^>]*>\s*([0-9 ]{19})\s*<', body)
        t.ok(st == 200 and rec, "a worker's report POSTed over HTTPS gets a receipt", f"{st} {body[:400]!r}")
        st, hd, body, rc, err = c("/status")
        t.ok(st == 200, "GET /status over HTTPS", st)

        # --- hostile requests: clear 4xx, never 5xx
        st, hd, body, rc, err = c("/", headers=["X-Big: " + "a" * 20000])
        t.ok(st == 400 and b"<html" in body, "a 20 KB header → 400 page", f"{st} {body[:200]!r}")
        st, hd, body, rc, err = c("/admin/", headers=["Host: evil.example"])
        t.ok(st == 421, "another Host name over HTTPS → 421 (no DNS rebinding onto the console)", st)
        st, hd, body, rc, err = c("/admin/", headers=["Host: bad host/.."])
        t.ok(st == 400, "a malformed Host header → 400", st)
        for path in (f"/q/{token}%00", "/admin/%00", "/static/app.css%00", "/%00", f"/Q/{token}/concern%00x"):
            st, hd, body, rc, err = c(path)
            t.ok(400 <= st < 500, f"{path} → {st} (4xx)", f"{st} {body[:200]!r}")
        st, hd, body, rc, err = c("/q/" + "A" * 20000)
        t.ok(st in (400, 404, 414), "a 20 KB path → 4xx", st)
        st, hd, body, rc, err = c(f"/q/{token}/concern", data="x" * (21 * 1024 * 1024),
                                  headers=["Content-Type: application/x-www-form-urlencoded"])
        t.ok(st == 413, "a 21 MiB body → 413", st)
        fivexx = [(p[:60], s) for p, s in statuses if s >= 500 or s == 0]
        t.ok(not fivexx, f"no 5xx (nor a dropped connection) in the {len(statuses)} requests above", fivexx)

        # --- the app away: nginx's own error lines (they name the client) for the
        # console, none for worker paths; the socket is moved aside, then back
        sock = os.path.join(var, "run", "app.sock")
        os.rename(sock, sock + ".away")
        try:
            away = [(path, curl(path)[0]) for path in (f"/q/{token}", f"/Q/{token}/concern", "/status", "/admin/login")]
        finally:
            os.rename(sock + ".away", sock)
        t.ok(all(st == 503 for _, st in away), "with the app's socket gone every path answers nginx's 503 page", away)

        # --- logs: worker paths leave no trace, no address anywhere but console error lines
        time.sleep(0.3)
        logs = {}
        for name in sorted(os.listdir(os.path.join(tmp, "log"))):
            logs[name] = open(os.path.join(tmp, "log", name), encoding="utf-8", errors="replace").read()
        worker = re.compile(r"/q/|/status", re.I)
        wl = [f"{n}: {line}" for n, text in logs.items() for line in text.splitlines() if worker.search(line)]
        t.ok(not wl, "no log line mentions a worker path (/q/, /Q/, /status)", "\n".join(wl))
        errlog = logs.get("tiengnoi-error.log", "")
        t.ok(re.search(r"connect\(\) .*client: 127\.0\.0\.1.*/admin/login", errlog),
             "control: the console's failed request is in the error log, with the client address nginx writes there",
             errlog[-600:])
        acc = logs.get("tiengnoi-access.log", "")
        t.ok("/admin/login" in acc and "/.well-known/acme-challenge/" in acc,
             "the access log has the console and ACME requests", acc[-500:])
        addr = [f"{n}: {line}" for n, text in logs.items() if "error" not in n
                for line in text.splitlines() if "127.0.0.1" in line or "::1" in line]
        t.ok(not addr, "no access log line holds a client address", "\n".join(addr))
        debian_acc = logs.get("access.log", "")
        t.ok(debian_acc.strip() == "", "nothing reaches Debian's http-wide access log (combined format, with addresses)",
             debian_acc[-500:])
        applog = open(os.path.join(var, "log", "app.log"), encoding="utf-8", errors="replace").read()
        t.ok("127.0.0.1" not in applog, "the app's log holds no client address")
        t.ok(not re.search(r"fastcgi_param +REMOTE_(ADDR|PORT)|include +fastcgi_params", open(SITE).read()),
             "the site passes no client address to the app")
        return 0
    except TimeLimit:
        t.ok(False, f"the test ended within its {LIMIT_SECONDS} s limit")
        return 1
    finally:
        signal.alarm(0)
        stop_pid(ctl_pid, signal.SIGTERM, 3)
        if nginx_pid:
            stop_pid(nginx_pid)
        if stack_started:
            p = run([os.path.join(ROOT, "scripts", "stack.sh"), "stop"], timeout=90, env=env, cwd=ROOT)
            if p.returncode != 0:
                t.note("stack.sh stop: " + p.stderr.decode()[-300:])
        print(f"1..{t.n}")
        print(f"# tls: {t.n - t.failed} passed, {t.failed} failed", flush=True)
        shutil.rmtree(tmp, ignore_errors=True)
        shutil.rmtree(var, ignore_errors=True)
        if t.failed:
            sys.exit(1)


if __name__ == "__main__":
    sys.exit(main())
