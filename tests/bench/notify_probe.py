"""notify_probe.py: the delay from an urgent report to its mail and to its webhook delivery, while the caller loads the app.

Usage: notify_probe.py APP_URL QR_TOKEN MAILDIR RECEIVER_PORT PGHOST SECONDS [GO_FILE]
Starts the webhook receiver on RECEIVER_PORT and the watch of the maildir the SMTP sink (aiosmtpd's
Mailbox) writes, both timing arrivals as they happen; with GO_FILE, prints "READY" once the receiver
listens and waits for GO_FILE to exist (the caller adds the webhook in between: a receiver not yet
listening would fail its first deliveries and be paused). Then posts one urgent safety report per
second for SECONDS seconds; prints one line
"NOTIFY n=N mail_p50_ms=... mail_max_ms=... hook_p50_ms=... hook_max_ms=... mail_missing=M hook_missing=H".
Waits at most 120 s after the last report for the stragglers."""
import email
import email.policy
import http.server
import json
import os
import re
import secrets
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request


def main():
    app, token, maildir, port, pghost, seconds = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5], int(sys.argv[6])
    hooks = {}   # submission id -> monotonic arrival
    lock = threading.Lock()

    class H(http.server.BaseHTTPRequestHandler):
        def log_message(self, *a):
            pass

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            now = time.monotonic()
            try:
                d = json.loads(body)
                if d.get("event") == "submission.urgent":
                    with lock:
                        hooks.setdefault(d["submission"]["id"], now)
            except (ValueError, KeyError):
                pass
            self.send_response(204)
            self.send_header("Content-Length", "0")
            self.end_headers()

    srv = http.server.ThreadingHTTPServer(("127.0.0.1", port), H)
    srv.daemon_threads = True
    threading.Thread(target=srv.serve_forever, daemon=True).start()

    mails = {}   # submission id -> monotonic arrival, seen by a watcher every 50 ms while reports go out
    watching = [True]

    def watch():
        seen = set()
        while watching[0]:
            for sub in ("new", "cur"):
                d = os.path.join(maildir, sub)
                for f in os.listdir(d) if os.path.isdir(d) else []:
                    if f in seen:
                        continue
                    seen.add(f)
                    now = time.monotonic()
                    try:
                        with open(os.path.join(d, f), "rb") as fh:
                            m = email.message_from_binary_file(fh, policy=email.policy.default)
                    except OSError:
                        continue
                    g = re.search(r"#(\d+)", str(m["Subject"] or ""))
                    if g and m["X-Tiengnoi-Event"] == "submission.urgent":
                        with lock:
                            mails.setdefault(int(g.group(1)), now)
            time.sleep(0.05)
    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    if len(sys.argv) > 7:
        print("READY", flush=True)
        limit = time.monotonic() + 60
        while not os.path.exists(sys.argv[7]) and time.monotonic() < limit:
            time.sleep(0.05)

    form = urllib.request.urlopen(f"{app}/q/{token}/safety", timeout=30).read().decode()
    csrf = re.search(r'name="_token" value="([^"]*)"', form).group(1)
    sent = {}    # idempotency key -> monotonic time the report was answered
    for _ in range(seconds):
        idem = secrets.token_hex(16)
        body = urllib.parse.urlencode([("_token", csrf), ("_idem", idem), ("kind", "accident"), ("danger_now", "no"),
                                       ("where", "Xưởng"), ("description", "Đo độ trễ"), ("injured", "1"), ("dead", "0")])
        t0 = time.monotonic()
        urllib.request.urlopen(urllib.request.Request(f"{app}/q/{token}/safety", data=body.encode()), timeout=30).read()
        sent[idem] = t0
        time.sleep(max(0, 1 - (time.monotonic() - t0)))
    keys = ",".join(f"'{k}'" for k in sent)
    out = subprocess.run(["psql", "-h", pghost, "-U", "tiengnoi", "-d", "tiengnoi", "-XAtq", "-F", " ", "-c",
                          f"SELECT idempotency_key, id FROM submission WHERE idempotency_key IN ({keys})"],
                         capture_output=True, text=True, timeout=30).stdout
    ids = {int(i): sent[k] for k, i in (ln.split() for ln in out.splitlines() if ln.strip())}
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and (len(mails) < len(ids) or len(hooks) < len(ids)):
        time.sleep(0.1)
    watching[0] = False
    watcher.join()
    srv.shutdown()

    def stats(arrived):
        d = sorted((arrived[i] - t) * 1000 for i, t in ids.items() if i in arrived)
        if not d:
            return "nan", "nan"
        return f"{d[len(d) // 2]:.0f}", f"{d[-1]:.0f}"
    mp50, mmax = stats(mails)
    hp50, hmax = stats(hooks)
    print(f"NOTIFY n={len(ids)} mail_p50_ms={mp50} mail_max_ms={mmax} hook_p50_ms={hp50} hook_max_ms={hmax} "
          f"mail_missing={len([i for i in ids if i not in mails])} hook_missing={len([i for i in ids if i not in hooks])}")


if __name__ == "__main__":
    main()
