#!/usr/bin/python3
"""failover.py: the HA stack (scripts/ha.sh) loses a database machine, then a postmaster, then an app host, under load; no acknowledged report may be lost.

Each scenario POSTs valid reports at 16 connections for LOAD_SECONDS (30) and
at KILL_AT (10 s) kills something with SIGKILL:
  1. the leader's machine: its node launcher, Patroni and the postmaster with
     every backend (the process tree ha-status names): the synchronous standby
     must take over;
  2. only the leader's postmaster: Patroni restarts it in place or fails over;
  3. one app host's supervisor and workers: nginx sends the rest to the other.
Every response is recorded with its time; a report counts as acknowledged
when a 200 page showed its receipt. A failed POST is sent again with the same
idempotency key, as the form's script does on a phone. After each scenario the
rows stored on the (new) leader are compared with the acknowledged keys.
TAP output; the figures are printed as diagnostics ("# seconds without
service: 6.2"). Bounded: the stack is stopped and every process it started is
killed by pid, even on failure.
Env: FAILOVER_LOAD_SECONDS (30), FAILOVER_KILL_AT (10), FAILOVER_CONNS (16),
     FAILOVER_MAX_GAP (20: seconds without a successful POST allowed; the target, 15, is reported),
     FAILOVER_KEEP=1 keeps the state directory.
"""
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from datetime import datetime

import psycopg2

ROOT = os.path.realpath(os.path.join(os.path.dirname(__file__), "..", ".."))
HA = os.path.join(ROOT, "scripts", "ha.sh")
LOAD = float(os.environ.get("FAILOVER_LOAD_SECONDS", "30"))
KILL_AT = float(os.environ.get("FAILOVER_KILL_AT", "10"))
CONNS = int(os.environ.get("FAILOVER_CONNS", "16"))
# The target is < 15 s; the assertion leaves room for this shared 2-core box
# (load averages of 20-30 seen), and still fails on a failover as slow as
# Patroni's defaults (30 s).
TARGET_GAP = 15.0
MAX_GAP = float(os.environ.get("FAILOVER_MAX_GAP", "20"))
WORKERS = 2   # per app host: four in all, as the single-node stack on two cores
TEXT = ("Công ty nợ lương tháng 10 của tổ may số 3, tăng ca đến 10 giờ đêm "
        "nhưng không được trả tiền làm thêm giờ. Anh chị em muốn công đoàn hỏi giúp.")

n_test = 0
failures = 0


def tap(ok, what):
    global n_test, failures
    n_test += 1
    if not ok:
        failures += 1
    print(("ok %d - %s" if ok else "not ok %d - %s") % (n_test, what), flush=True)


def diag(msg):
    print("# " + msg, flush=True)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Stack:
    """The HA stack in a private state directory; only pids it names are signalled."""

    def __init__(self):
        self.var = tempfile.mkdtemp(prefix="tnha.", dir="/tmp")
        os.chmod(self.var, 0o711)
        self.port = free_port()
        self.env = dict(os.environ, TIENGNOI_VAR=self.var, PORT=str(self.port), WORKERS=str(WORKERS),
                        TIENGNOI_RATELIMIT="off", TIENGNOI_BUILD=os.environ.get("TIENGNOI_BUILD", "build"))
        self.env.pop("TIENGNOI_DB", None)
        self.seen = set()   # every pid status ever showed, for the last-resort cleanup

    def ha(self, cmd, timeout=300):
        p = subprocess.run([HA, cmd], cwd=ROOT, env=self.env, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True, timeout=timeout)
        with open(os.path.join(self.var, "ha-%s.log" % cmd), "a") as f:
            f.write(p.stdout)
        return p

    def status(self):
        """{name: (role, pid)} from `ha.sh status`."""
        out = {}
        for line in self.ha("status", 30).stdout.splitlines():
            f = line.split()
            if len(f) == 3 and f[2].isdigit() and not line.startswith("ha:"):
                out[f[1]] = (f[0], int(f[2]))
                self.seen.add(int(f[2]))
        return out

    def conf(self, key):
        with open(os.path.join(self.var, "tiengnoi.conf")) as f:
            for line in f:
                k, _, v = line.partition("=")
                if k.strip() == key:
                    return v.strip()
        raise KeyError(key)

    def rest_ports(self):
        ports = {}
        with open(os.path.join(self.var, "ha", "ports")) as f:
            for line in f:
                k, _, v = line.strip().partition("=")
                ports[k] = int(v)
        return {"node1": ports["REST1_PORT"], "node2": ports["REST2_PORT"]}

    def rest(self, node, path):
        try:
            with urllib.request.urlopen("http://127.0.0.1:%d%s" % (self.rest_ports()[node], path), timeout=2) as r:
                return r.status
        except urllib.error.HTTPError as e:
            return e.code
        except OSError:
            return 0

    def wait_ready(self, timeout=120):
        """A leader and a synchronous standby, as Patroni's REST API says."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            leader = [n for n in ("node1", "node2") if self.rest(n, "/primary") == 200]
            sync = [n for n in ("node1", "node2") if self.rest(n, "/sync") == 200]
            if leader and sync:
                return leader[0], sync[0]
            time.sleep(0.5)
        return None, None

    def stop(self):
        try:
            self.ha("stop", 180)
        except Exception as e:  # noqa: BLE001 - cleanup goes on whatever happened
            diag("ha.sh stop failed: %s" % e)
        for pid in self.seen:   # anything still alive that status once named (and its tree)
            for p in tree(pid):
                try:
                    os.kill(p, signal.SIGKILL)
                except OSError:
                    pass
        if os.environ.get("FAILOVER_KEEP") == "1":
            diag("kept %s" % self.var)
        else:
            shutil.rmtree(self.var, ignore_errors=True)


def tree(pid):
    """pid and all its descendants, from /proc (ppid links)."""
    children = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % d) as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(d))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        if os.path.exists("/proc/%d" % p):
            out.append(p)
        todo.extend(children.get(p, []))
    return out


def kill_all(pids):
    for p in pids:
        try:
            os.kill(p, signal.SIGKILL)
        except OSError:
            pass


class Load:
    """CONNS threads POSTing reports; every response recorded."""

    def __init__(self, port, path, token):
        self.port, self.path, self.token = port, path, token
        self.prefix = "fo" + secrets.token_hex(6)
        self.lock = threading.Lock()
        self.events = []       # (t, status, source) ; source: app, nginx, conn
        self.acked = set()
        self.inflight = {}     # thread -> t of the request being sent
        self.stop_at = 0.0
        self.t0 = 0.0

    def body(self, key):
        return urllib.parse.urlencode({"_token": self.token, "_idem": key, "category": "wages", "text": TEXT})

    def worker(self, n):
        conn = None
        count = 0
        key = None
        while time.monotonic() < self.stop_at:
            if key is None:
                count += 1
                key = "%s%02x%08x" % (self.prefix, n, count)
            t = time.monotonic() - self.t0
            status, source = 0, "conn"
            try:
                if conn is None:
                    conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=15)
                with self.lock:
                    self.inflight[n] = t
                conn.request("POST", self.path, self.body(key),
                             {"Content-Type": "application/x-www-form-urlencoded"})
                r = conn.getresponse()
                page = r.read()
                status = r.status
                source = "app" if r.getheader("Retry-After") in (None, "5") else "nginx"
                if r.getheader("Connection", "").lower() == "close":
                    conn.close()
                    conn = None
            except (OSError, http.client.HTTPException):
                if conn is not None:
                    conn.close()
                conn = None
            done = time.monotonic() - self.t0
            with self.lock:
                self.inflight.pop(n, None)
                self.events.append((done, status, source))
                if status == 200 and b'id="receipt"' in page:
                    self.acked.add(key)
                    key = None
            if key is not None:   # not acknowledged: send it again, as a phone would
                time.sleep(0.05 if status else 0.1)
        if conn is not None:
            conn.close()

    def run(self, seconds, kill_at, action):
        """Runs the load; calls action() at kill_at. Returns action's result, when it
        returned (the kill's time) and how many requests were in flight then."""
        self.t0 = time.monotonic()
        self.stop_at = self.t0 + seconds
        threads = [threading.Thread(target=self.worker, args=(i,), daemon=True) for i in range(CONNS)]
        for t in threads:
            t.start()
        time.sleep(kill_at)
        with self.lock:
            busy = len(self.inflight)
        result = action()
        t_kill = time.monotonic() - self.t0
        for t in threads:
            t.join(seconds + 30)
        return result, t_kill, busy

    def gap(self):
        """The longest time without a successful POST, and when it began."""
        end = max([LOAD] + [t for t, _, _ in self.events])
        oks = sorted(t for t, s, _ in self.events if s == 200) + [end]
        best, at = 0.0, 0.0
        for a, b in zip([0.0] + oks, oks):
            if b - a > best:
                best, at = b - a, a
        return best, at

    def timeline(self):
        """Per second: successes/failures, e.g. "10:35/120"."""
        sec = {}
        for t, s, _ in self.events:
            ok, bad = sec.get(int(t), (0, 0))
            sec[int(t)] = (ok + 1, bad) if s == 200 else (ok, bad + 1)
        return " ".join("%d:%d/%d" % (k, v[0], v[1]) for k, v in sorted(sec.items()))

    def counts(self):
        c = {}
        for _, s, src in self.events:
            k = "%d-%s" % (s, src) if s >= 500 else ("error" if s == 0 else str(s))
            c[k] = c.get(k, 0) + 1
        return c


def promoted_after(stack, node, since):
    """Seconds from `since` (epoch) to the first "promoted self to leader" in node's Patroni log, or None."""
    try:
        with open(os.path.join(stack.var, "ha", "log", node + ".log"), errors="replace") as f:
            for line in f:
                if "promoted self to leader" in line:
                    t = datetime.strptime(line[:23], "%Y-%m-%d %H:%M:%S,%f").timestamp()
                    if t >= since:
                        return t - since
    except (OSError, ValueError):
        pass
    return None


def stored_keys(stack, prefix):
    conn = psycopg2.connect(stack.conf("database_owner"))
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT idempotency_key FROM submission WHERE idempotency_key LIKE %s", (prefix + "%",))
            return {r[0] for r in cur.fetchall()}
    finally:
        conn.close()


def scenario(stack, port, path, token, name, prepare):
    """One 30-s run with a kill at 10 s; the common assertions. prepare() runs
    before the load and returns the kill (the pids are found while the machine
    is quiet: ha.sh status takes seconds on two busy cores)."""
    action = prepare()
    load = Load(port, path, token)
    (what, extra), t_kill, busy = load.run(LOAD, KILL_AT, action)
    diag("%s: %s at %.1f s, %d requests in flight" % (name, what, t_kill, busy))
    time.sleep(1)
    stored = set()
    end = time.monotonic() + 60
    while time.monotonic() < end:   # the leader may still be coming back
        try:
            stored = stored_keys(stack, load.prefix)
            break
        except psycopg2.Error:
            time.sleep(1)
    lost = load.acked - stored
    gap, gap_at = load.gap()
    counts = load.counts()
    diag("%s: acknowledged %d, stored %d, lost %d (stored but never acknowledged: %d)"
         % (name, len(load.acked), len(stored), len(lost), len(stored - load.acked)))
    diag("%s: seconds without service: %.1f (from %.1f s)" % (name, gap, gap_at))
    diag("%s: responses %s" % (name, json.dumps(counts, sort_keys=True)))
    diag("%s: second:ok/failed %s" % (name, load.timeline()))
    tap(len(load.acked) > 100, "%s: reports were acknowledged under load (%d)" % (name, len(load.acked)))
    tap(not lost, "%s: zero acknowledged reports lost (%d lost of %d)" % (name, len(lost), len(load.acked)))
    tap(not any(k.startswith("500") for k in counts), "%s: no response was a 500" % name)
    return load, counts, gap, extra


def main():
    stack = Stack()
    try:
        t = time.monotonic()
        p = stack.ha("start", 400)
        if p.returncode != 0:
            tap(False, "make ha-start equivalent (scripts/ha.sh start) works")
            print(p.stdout[-3000:])
            return
        tap(True, "scripts/ha.sh start brings the HA stack up (%.0f s)" % (time.monotonic() - t))
        st = stack.status()
        roles = sorted(r for r, _ in st.values())
        tap(roles == ["app", "app", "etcd", "nginx", "pg-leader", "pg-replica", "sender"],
            "ha-status names etcd, a leader, a replica, two app hosts, the outbox sender and nginx: %s" % roles)
        leader, sync = stack.wait_ready()
        tap(leader is not None and sync is not None and leader != sync,
            "a leader (%s) and a synchronous standby (%s)" % (leader, sync))
        with psycopg2.connect(stack.conf("database_owner")) as c, c.cursor() as cur:
            cur.execute("SELECT token FROM entry_point WHERE revoked_at IS NULL AND 'concern' = ANY (forms) "
                        "ORDER BY id LIMIT 1")
            qr = cur.fetchone()[0]
        path = "/q/%s/concern" % qr
        page = urllib.request.urlopen("http://127.0.0.1:%d%s" % (stack.port, path), timeout=10).read().decode()
        token = re.search(r'name="_token" value="([^"]*)"', page).group(1)

        # 1. the leader's machine is lost
        killed_at = []

        def lose_machine():
            name, (_, pid) = [(n, v) for n, v in stack.status().items() if v[0] == "pg-leader"][0]

            def kill():
                pids = tree(pid)
                kill_all(pids)
                killed_at.append(time.time())
                return "killed %s's launcher, Patroni and postmaster (%d processes)" % (name, len(pids)), name
            return kill
        _, counts, gap, old = scenario(stack, stack.port, path, token, "leader machine lost", lose_machine)
        new = [n for n, (r, _) in stack.status().items() if r == "pg-leader"]
        tap(new and new[0] != old, "the synchronous standby was promoted (leader now %s, was %s)" % (new, old))
        if new and killed_at:
            p = promoted_after(stack, new[0], killed_at[0])
            diag("leader machine lost: Patroni promoted %s %s s after the kill; the rest of the gap is the app "
                 "workers' reconnect backoff" % (new[0], "?" if p is None else "%.1f" % p))
        diag("leader machine lost: target < %.0f s without service: %s" % (TARGET_GAP, "met" if gap < TARGET_GAP else "MISSED"))
        tap(gap < MAX_GAP, "seconds without a successful POST %.1f < %.0f" % (gap, MAX_GAP))
        tap(not any(k.endswith("-nginx") for k in counts),
            "every 5xx came from the app (503 while there is no leader), none from nginx")

        # the lost machine comes back: Patroni rewinds it and it rejoins as the standby
        t = time.monotonic()
        stack.ha("start", 300)
        leader, sync = stack.wait_ready(150)
        tap(sync == old, "the old leader %s rejoined as the synchronous standby (%.0f s)" % (old, time.monotonic() - t))

        # the CLI from the checkout reaches whichever node leads now
        admin = os.path.join(ROOT, os.environ.get("TIENGNOI_BUILD", "build"), "tiengnoi-admin")
        env = dict(os.environ, TIENGNOI_VAR=stack.var, TIENGNOI_DB=stack.conf("database_owner"))
        out = subprocess.run([admin, "qr", "list"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
        tap(out.returncode == 0 and "/q/%s" % qr in out.stdout,
            "tiengnoi-admin qr list with the multi-host TIENGNOI_DB reaches the leader (%s)" % leader)
        env.pop("TIENGNOI_DB")
        with open(os.path.join(ROOT, "fcgi", "config.c")) as f:
            reads_conf = "tiengnoi.conf" in f.read()
        if reads_conf:
            out = subprocess.run([admin, "qr", "list"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
            tap(out.returncode == 0 and "/q/%s" % qr in out.stdout,
                "tiengnoi-admin qr list reaches the leader through $TIENGNOI_VAR/tiengnoi.conf alone")
        else:
            diag("not checked: tiengnoi-admin reading $TIENGNOI_VAR/tiengnoi.conf (not in fcgi/config.c yet)")

        # 2. only the leader's postmaster dies
        def kill_postmaster():
            name = [n for n, (r, _) in stack.status().items() if r == "pg-leader"][0]
            with open(os.path.join(stack.var, "ha", name, "data", "postmaster.pid")) as f:
                pm = int(f.readline())

            def kill():
                kill_all([pm])
                return "killed %s's postmaster (pid %d)" % (name, pm), name
            return kill
        _, counts, gap, old = scenario(stack, stack.port, path, token, "leader postmaster killed", kill_postmaster)
        after = [n for n, (r, _) in stack.status().items() if r == "pg-leader"]
        diag("leader postmaster killed: Patroni %s (leader before %s, after %s); seconds without service %.1f"
             % ("restarted it in place" if after == [old] else "failed over", old, after, gap))
        leader, sync = stack.wait_ready(150)
        tap(leader is not None and sync is not None, "a leader and a synchronous standby again (%s, %s)" % (leader, sync))

        # 3. one app host is lost
        def lose_app():
            pid = stack.status()["app1"][1]

            def kill():
                pids = tree(pid)
                kill_all(pids)
                return "killed app1's supervisor and workers (%d processes)" % len(pids), len(pids) - 1
            return kill
        load, counts, gap, workers = scenario(stack, stack.port, path, token, "app host lost", lose_app)
        bad = sum(v for k, v in counts.items() if k[0] == "5" or k == "error")
        tap(bad <= workers, "5xx or broken responses %d <= the %d requests app1's workers could hold" % (bad, workers))
        tap(gap < 5, "seconds without a successful POST %.1f < 5 with one app host left" % gap)
        st = stack.status()
        tap("app1" not in st and "app2" in st, "ha-status shows app1 gone and app2 serving")

        # state survives ha-stop / ha-start
        before = len(stored_keys(stack, ""))
        stack.ha("stop", 180)
        gone = not os.path.exists(os.path.join(stack.var, "tiengnoi.conf")) and not stack.status()
        p = stack.ha("start", 300)
        after = len(stored_keys(stack, "")) if p.returncode == 0 else -1
        tap(gone and after == before and "demo data not loaded" in p.stdout,
            "after ha-stop (nothing left running, tiengnoi.conf removed) and ha-start: the same %d reports, "
            "no demo data loaded twice (%d after)" % (before, after))
    finally:
        stack.stop()
        print("# stack stopped", flush=True)


if __name__ == "__main__":
    # tests/run.sh's timeout sends TERM: stop the stack on the way out
    signal.signal(signal.SIGTERM, lambda signo, frame: sys.exit(143))
    try:
        main()
    except Exception as e:  # noqa: BLE001 - a broken run is one failure with its reason
        tap(False, "failover test ran to the end: %s: %s" % (type(e).__name__, e))
    print("1..%d" % n_test, flush=True)
    sys.exit(1 if failures else 0)
