"""prodlib.py: plumbing shared by the production tests (restore drill, upgrade; TAP for tls.py too): TAP, commands, pgBackRest.

The stacks themselves are tests/integration/harness.py's Stack (scripts/stack.sh
under a fresh TIENGNOI_VAR on a free port); this adds what those tests need
around it. Python standard library only.
"""
import configparser
import os
import pwd
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

sys.dont_write_bytecode = True
HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT / "tests" / "integration"))
import harness  # noqa: E402

PGBIN = Path("/usr/lib/postgresql/15/bin")


class Tap:
    """Numbered TAP lines, each failure followed by its detail (at most `detail_lines` lines, None: all).
    With a plan its header comes first, and a failed `require` ends the test (the rest is reported as not
    run); without one (tls.py) the caller prints "1..n" at the end."""

    def __init__(self, plan=None, detail_lines=None):
        self.plan = None if plan is None else list(plan)
        self.detail_lines = detail_lines
        self.n = 0
        self.failed = 0
        if self.plan is not None:
            print(f"1..{len(self.plan)}", flush=True)

    def ok(self, cond, name, detail=""):
        self.n += 1
        if cond:
            print(f"ok {self.n} - {name}", flush=True)
        else:
            self.failed += 1
            print(f"not ok {self.n} - {name}", flush=True)
            for line in str(detail).splitlines()[:self.detail_lines]:
                print(f"#   {line}", flush=True)
        return bool(cond)

    def note(self, msg):
        print(f"# {msg}", flush=True)

    def rest_not_run(self, why):
        first = True
        while self.n < len(self.plan):
            self.ok(False, self.plan[self.n], why if first else "not run (see above)")
            first = False


class Stop(Exception):
    """A step failed that the rest of the test depends on."""


def bound(seconds):
    """Ends the test with Stop after `seconds`, or on SIGTERM (timeout(1)), so that its
    finally: still stops the stacks it started."""
    def stop(signum, _frame):
        raise Stop(f"time limit of {seconds} s reached" if signum == signal.SIGALRM else "terminated")
    signal.signal(signal.SIGALRM, stop)
    signal.signal(signal.SIGTERM, stop)
    signal.alarm(seconds)


def run(argv, timeout=120, check=True, **kw):
    """Runs a command; with check, raises Stop with its output when it fails."""
    p = subprocess.run([str(a) for a in argv], capture_output=True, timeout=timeout, **kw)
    if check and p.returncode != 0:
        raise Stop(f"{' '.join(map(str, argv))[:300]} exited {p.returncode}:\n"
                   + p.stdout.decode(errors="replace")[-1500:] + p.stderr.decode(errors="replace")[-1500:])
    return p


def pg_user():
    """The user PostgreSQL (and so pgBackRest) runs as: postgres under root, else ourselves."""
    return "postgres" if os.geteuid() == 0 else pwd.getpwuid(os.geteuid()).pw_name


def as_pg(argv):
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--"] + [str(a) for a in argv]
    return [str(a) for a in argv]


def give_to_pg(path):
    """Makes a directory ours-and-PostgreSQL's: owned by the run user, reachable on the way."""
    if os.geteuid() == 0:
        shutil.chown(path, "postgres", "postgres")
        p = Path(path)
        for d in p.parents:
            st = d.stat()
            if not st.st_mode & 0o001:
                os.chmod(d, st.st_mode | 0o001)


def make_tmp(prefix):
    d = tempfile.mkdtemp(prefix=prefix)
    os.chmod(d, 0o755)
    return Path(d)


class PgBackRest:
    """pgBackRest with its config, repository, lock and log directories in one temp dir,
    run as the user of the postmaster (it reads the data directory and is PostgreSQL's archive_command)."""

    def __init__(self, top, stack):
        self.top = Path(top)
        self.repo = self.top / "repo"
        self.conf = self.top / "pgbackrest.conf"
        for d in (self.repo, self.top / "log", self.top / "lock", self.top / "spool"):
            d.mkdir(parents=True, exist_ok=True)
            give_to_pg(d)
        # the production example, etc/pgbackrest.conf, with the test's paths and passphrase
        cp = configparser.ConfigParser(interpolation=None)
        cp.optionxform = str
        cp.read(ROOT / "etc" / "pgbackrest.conf")
        cp["global"].update({
            "repo1-path": str(self.repo), "repo1-cipher-pass": "drill-" + os.urandom(12).hex(),
            "lock-path": str(self.top / "lock"), "log-path": str(self.top / "log"),
            "spool-path": str(self.top / "spool")})
        cp["tiengnoi"] = {"pg1-path": str(stack.var / "pg"), "pg1-socket-path": str(stack.run_dir),
                          "pg1-user": "tiengnoi", "pg1-database": "postgres"}
        if self.conf.exists():    # the same repository seen from a new machine: same passphrase
            old = configparser.ConfigParser(interpolation=None)
            old.read(self.conf)
            cp["global"]["repo1-cipher-pass"] = old["global"]["repo1-cipher-pass"]
        with open(self.conf, "w") as f:
            cp.write(f)
        os.chmod(self.conf, 0o644)
        give_to_pg(self.top)

    def archive_command(self):
        return f"pgbackrest --config={self.conf} --stanza=tiengnoi archive-push %p"

    def pg_extra(self, var):
        """Writes VAR/pg-extra.conf (scripts/stack.sh includes it): WAL archiving into this repository."""
        p = Path(var) / "pg-extra.conf"
        p.write_text("# written by the restore drill: WAL goes to the pgBackRest repository\n"
                     "wal_level = replica\n"
                     "archive_mode = on\n"
                     f"archive_command = '{self.archive_command()}'\n")
        os.chmod(p, 0o644)

    def __call__(self, *args, timeout=180, check=True):
        return run(as_pg(["pgbackrest", f"--config={self.conf}", "--stanza=tiengnoi", *args]),
                   timeout=timeout, check=check, cwd="/")

    def size(self):
        total = 0
        for dirpath, _, files in os.walk(self.repo):
            for f in files:
                try:
                    total += os.lstat(os.path.join(dirpath, f)).st_size
                except OSError:
                    pass
        return total


def status_lookup(stack, receipt):
    """POSTs a receipt code to /status the way the lookup form does; the HTTP status."""
    page = stack.get("/status")
    token = harness.parse_html(page.text).inputs.get("_token", "")
    r = stack.post("/status", urllib.parse.urlencode(
        [("_token", token), ("action", "lookup"), ("receipt", receipt)]))
    return r.status


def post_report(stack, token, text):
    """One concern through nginx; (receipt digits, idempotency key) or raises Stop."""
    r, idem = stack.submit(token, [("category", "wages"), ("text", text)])
    rc = harness.receipt_of(r)
    if r.status != 200 or not rc:
        raise Stop(f"POST /q/{token}/concern -> {r.status}: {harness.short(r.text, 300)}")
    return rc, idem


def wait_not_in_recovery(run_dir, timeout):
    """Polls the cluster at run_dir until it has left recovery (promoted); True on success."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        p = subprocess.run(["psql", "-X", "-Atq", "-h", str(run_dir), "-U", "tiengnoi", "-d", "postgres",
                            "-c", "SELECT pg_is_in_recovery()"], capture_output=True, timeout=10)
        if p.returncode == 0 and p.stdout.strip() == b"f":
            return True
        time.sleep(0.2)
    return False


def audit_verify(stack):
    p = stack.admin("audit", "verify", timeout=120)
    out = (p.stdout + p.stderr).decode(errors="replace").strip()
    return p.returncode == 0 and re.search(r"audit chain intact", out) is not None, out
