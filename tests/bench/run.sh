#!/bin/bash
# run.sh: `make bench`: the worker form under load, against ceilings measured on the same nginx and PostgreSQL.
#
# One command, one run: starts a private stack (scripts/stack.sh) in a fresh
# temporary directory on free ports, measures, stops everything and removes
# the directory, even on Ctrl-C. Prints a report and, in a full run, writes it
# into docs/performance.md between the "bench:begin/end" markers (text outside
# the markers is kept).
#
# What is measured (wrk, --latency; each run BENCH_SECONDS long):
#   static   nginx serving a file with the form page's exact bytes   (ceiling for GET)
#   ref      tests/bench/ref_fcgi.c: libfcgi + libpq, same prefork worker count,
#            answers GET with the same bytes and POST with the app's INSERT (ceiling)
#   app      GET /q/TOKEN/concern and POST valid submissions (tests/bench/post.lua)
#   pgbench  the same INSERT straight into PostgreSQL, -M prepared (ceiling for POST)
#   app@1M   the POST run again with BENCH_ROWS submissions already stored
#   none/dead the POST run again with a webhook whose receiver is down (issue 13): reports
#            must not wait for it. Measured in BENCH_PAIRS pairs of runs (half as long as the
#            others, at least 2 s), none then dead, alternating so that drift on a shared
#            machine hits both alike: the median of dead ÷ the none run just before, against
#            the spread of the none runs among themselves (the noise band); each pair follows
#            a run of the reference's plain-table insert (plain), so the plain-table target
#            (issue 12) is also the median of none ÷ the plain run just before, beside the
#            single pair of full-length runs; then, under a POST load, the delay from an urgent report
#            to its mail (a real SMTP server, aiosmtpd) and to its webhook delivery
#            (tests/bench/notify_probe.py)
#   HA       the POST run against scripts/ha.sh's stack: two app hosts (WORKERS/2
#            workers each) behind one nginx, a Patroni leader and a synchronous
#            standby (every commit waits for the standby); compared with app POST
# at each of BENCH_CONNS connections (clients for pgbench).
#
# Env: BENCH_SECONDS (10; 2 with BENCH_QUICK=1)  BENCH_QUICK=1 smoke test: 2 s runs, 100k rows
#      BENCH_ROWS (1000000; 100000 quick)        BENCH_CONNS ("8 64")
#      BENCH_THREADS (2, wrk threads / pgbench jobs)  WORKERS (2 x cores, app and reference)
#      BENCH_PAIRS (3: plain/none/dead runs per connection count, for the dead-receiver and plain-table rows)
#      BENCH_DOC (docs/performance.md; empty in quick mode: print only)
#      BENCH_PERF (1: a short extra run under `perf record -a`; 0: skip)
#      BENCH_HA (1: the POST run against the HA stack; 0: skip)
#      BENCH_KEEP=1 keeps the temporary directory (logs, wrk output) for a look afterwards.
# Exit status: 0 when the benchmark ran, whatever the figures; 1 when it broke.
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
HERE=$ROOT/tests/bench
PGBIN=/usr/lib/postgresql/15/bin
NGINX=/usr/sbin/nginx

if [ "${BENCH_QUICK:-0}" = 1 ]; then
	SECS=${BENCH_SECONDS:-2} ROWS=${BENCH_ROWS:-100000} DOC=${BENCH_DOC-} WARM=1
else
	SECS=${BENCH_SECONDS:-10} ROWS=${BENCH_ROWS:-1000000} DOC=${BENCH_DOC-$ROOT/docs/performance.md} WARM=2
fi
CONNS=${BENCH_CONNS:-8 64}
THREADS=${BENCH_THREADS:-2}
WORKERS=${WORKERS:-$((2 * $(nproc)))}
PERF=${BENCH_PERF:-1}
HA_RUN=${BENCH_HA:-1}
PAIRS=${BENCH_PAIRS:-3}
PAIR_SECS=$((SECS / 2 > 2 ? SECS / 2 : 2))   # each run of a none/dead pair
TICK=$(getconf CLK_TCK)

say() { printf 'bench: %s\n' "$*" >&2; }
die() { printf 'bench: error: %s\n' "$*" >&2; exit 1; }
isnum() { case $1 in '' | *[!0-9]*) return 1 ;; esac; }
for v in SECS ROWS THREADS WORKERS PAIRS; do isnum "${!v}" && [ "${!v}" -gt 0 ] || die "$v must be a positive number, got '${!v}'"; done
for c in $CONNS; do isnum "$c" && [ "$c" -gt 0 ] || die "BENCH_CONNS must be numbers, got '$CONNS'"; done
for tool in wrk curl python3 cc "$PGBIN/pgbench" "$PGBIN/psql" "$NGINX"; do
	command -v "$tool" >/dev/null || die "$tool is missing (make deps)"
done

ROOTUSER=false RUN_USER=$(id -un)
if [ "$(id -u)" = 0 ]; then ROOTUSER=true RUN_USER=postgres; fi

# ---- the private stack, the reference program and a second nginx; all undone on exit ----

# stop_pid PID: TERM (QUIT for nginx, graceful), then KILL; only pids we started.
stop_pid() {
	local pid=$1 sig=${2:-TERM} i
	kill -"$sig" "$pid" 2>/dev/null || return 0
	for ((i = 0; i < 100; i++)); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
	kill -KILL "$pid" 2>/dev/null || true
}

cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	[ -n "$REFNGINX_PID" ] && stop_pid "$REFNGINX_PID" QUIT
	[ -n "$SMTP_PID" ] && { stop_pid "$SMTP_PID" TERM; wait "$SMTP_PID" 2>/dev/null; }
	[ -n "$REF_PID" ] && { stop_pid "$REF_PID" TERM; wait "$REF_PID" 2>/dev/null; }
	if [ -n "$HA_STARTED" ]; then
		hastack stop >>"$B/ha.log" 2>&1 || { say "ha.sh stop failed:"; tail -n 5 "$B/ha.log" >&2; rc=1; }
	fi
	if [ -n "$STACK_STARTED" ]; then
		stack stop >>"$B/stack.log" 2>&1 || { say "stack.sh stop failed:"; tail -n 5 "$B/stack.log" >&2; rc=1; }
	fi
	if [ "${BENCH_KEEP:-0}" = 1 ]; then
		say "kept $B"
	else
		rm -rf "$B"
	fi
	exit "$rc"
}

B=$(mktemp -d /tmp/tnbench.XXXXXX) || die "mktemp failed"
STACK_STARTED='' REF_PID='' REFNGINX_PID='' HA_STARTED='' SMTP_PID=''
trap cleanup EXIT
trap 'say interrupted; exit 130' INT TERM
chmod 0711 "$B"   # the run user (nginx workers, reference workers) walks through it
STACK=$B/stack REF=$B/ref OUT=$B/out
mkdir -p "$OUT" "$REF/run" "$REF/log" "$REF/nginx" "$REF/root/static"
read -r PORT PORT2 PORT3 SMTP_PORT HOOK_PORT DEAD_PORT < <(python3 -c '
import socket
s = [socket.socket() for _ in range(6)]
for x in s: x.bind(("127.0.0.1", 0))
print(*[x.getsockname()[1] for x in s])')
for p in PORT PORT2 PORT3 SMTP_PORT HOOK_PORT DEAD_PORT; do isnum "${!p:-}" || die "could not find six free ports"; done

# the sender mails through a real SMTP server on loopback (aiosmtpd writing a maildir)
stack() { TIENGNOI_VAR=$STACK PORT=$PORT WORKERS=$WORKERS TIENGNOI_RATELIMIT=off TIENGNOI_SMTP_URL=smtp://127.0.0.1:$SMTP_PORT \
	TIENGNOI_MAIL_FROM=bench@tiengnoi.test "$ROOT/scripts/stack.sh" "$@"; }
# the HA stack: as many app workers in all as the single stack, split over two hosts
HA_WORKERS=$(( WORKERS > 1 ? WORKERS / 2 : 1 ))
hastack() { TIENGNOI_VAR=$B/h PORT=$PORT3 WORKERS=$HA_WORKERS TIENGNOI_RATELIMIT=off "$ROOT/scripts/ha.sh" "$@"; }

# psql as the database owner (CHECKPOINT, bulk load, counts)
sql() { "$PGBIN/psql" -h "$STACK/run" -U tiengnoi -d tiengnoi -XAtq -v ON_ERROR_STOP=1 "$@"; }

/usr/bin/python3 -m aiosmtpd -n -l "127.0.0.1:$SMTP_PORT" -c aiosmtpd.handlers.Mailbox "$B/maildir" \
	</dev/null >"$B/smtp.log" 2>&1 &
SMTP_PID=$!
say "starting the stack in $STACK on port $PORT with $WORKERS workers"
STACK_STARTED=1
stack start >"$B/stack.log" 2>&1 || { tail -n 30 "$B/stack.log" >&2; die "scripts/stack.sh start failed"; }
APP_PID=$(cat "$STACK/run/app.pid" 2>/dev/null)
NGINX_PID=$(cat "$STACK/run/nginx.pid" 2>/dev/null)
PG_PID=$(head -n1 "$STACK/pg/postmaster.pid" 2>/dev/null)
isnum "$APP_PID" && isnum "$NGINX_PID" && isnum "$PG_PID" || die "stack started but its pid files are not where expected"

TOKEN=$(sql -c "SELECT token FROM entry_point WHERE revoked_at IS NULL AND 'concern' = ANY (forms) ORDER BY id LIMIT 1")
case $TOKEN in '' | *[!2-9A-Z]*) die "no demo QR code offering the concern form (got '$TOKEN')" ;; esac
EID=$(sql -c "SELECT id FROM entry_point WHERE token = '$TOKEN'")
# the plain-table reference's table (tests/bench/ref_fcgi.c): a primary key and nothing else
sql -c "CREATE TABLE bench_plain (id bigserial PRIMARY KEY, received_at timestamptz NOT NULL DEFAULT now(),
	idem text NOT NULL, body text NOT NULL)" -c "GRANT SELECT, INSERT ON bench_plain TO tiengnoi_app" \
	-c "GRANT USAGE ON SEQUENCE bench_plain_id_seq TO tiengnoi_app" >/dev/null || die "cannot create bench_plain"
FORM_PATH=/q/$TOKEN/concern
APP_URL=http://127.0.0.1:$PORT REF_URL=http://127.0.0.1:$PORT2

# The form page and a receipt, as the app sends them: the reference program
# and the static file send exactly these bytes.
curl -fsS -D "$B/form.hdr" -o "$B/form.body" "$APP_URL$FORM_PATH" || die "GET $FORM_PATH failed"
CSRF=$(grep -o 'name="_token" value="[^"]*"' "$B/form.body" | sed 's/.*value="//; s/"$//')
[ -n "$CSRF" ] || die "no _token on the form page"
code=$(curl -sS -D "$B/post.hdr" -o "$B/post.body" -w '%{http_code}' \
	--data-urlencode "_token=$CSRF" --data-urlencode "_idem=benchcheck$(date +%s%N)" \
	--data-urlencode "category=wages" \
	--data-urlencode "text=Công ty nợ lương tháng 10 của tổ may số 3, tăng ca đến 10 giờ đêm nhưng không được trả tiền làm thêm giờ. Anh chị em muốn công đoàn hỏi giúp." \
	"$APP_URL$FORM_PATH") || die "POST $FORM_PATH failed"
[ "$code" = 200 ] && grep -q 'id="receipt"' "$B/post.body" || die "a valid POST got $code without a receipt"
FORM_BYTES=$(stat -c %s "$B/form.body") POST_BYTES=$(stat -c %s "$B/post.body")

# whole CGI responses: the app's headers less the ones nginx adds itself
make_cgi() {
	{
		printf 'Status: 200 OK\r\n'
		tr -d '\r' <"$1" | grep -iv -e '^HTTP/' -e '^server:' -e '^date:' -e '^connection:' \
			-e '^keep-alive:' -e '^transfer-encoding:' -e '^$' | sed 's/$/\r/'
		printf '\r\n'
		cat "$2"
	} >"$3"
}
make_cgi "$B/form.hdr" "$B/form.body" "$REF/get.cgi"
make_cgi "$B/post.hdr" "$B/post.body" "$REF/post.cgi"
cp "$B/form.body" "$REF/root/static/form.html"

say "building and starting the reference FastCGI program"
cc -O2 -Wall -o "$REF/ref_fcgi" "$HERE/ref_fcgi.c" -I/usr/include/postgresql -lfcgi -lpq \
	>"$REF/log/cc.log" 2>&1 || { cat "$REF/log/cc.log" >&2; die "cannot build ref_fcgi"; }
RUNAS=()
if $ROOTUSER; then
	chown "$RUN_USER:" "$REF/run"
	RUNAS=(setpriv --reuid="$RUN_USER" --regid="$RUN_USER" --init-groups)
fi
"${RUNAS[@]}" "$REF/ref_fcgi" "$REF/run/app.sock" "$WORKERS" \
	"host=$STACK/run dbname=tiengnoi user=tiengnoi_app" "$EID" "$REF/get.cgi" "$REF/post.cgi" \
	</dev/null >>"$REF/log/ref.log" 2>&1 &
REF_PID=$!

# A second nginx from the app's own template: same workers, buffers and
# FastCGI parameters; its /q/ goes to the reference program and its /static/
# is the temporary directory.
sed -e "s|@PORT@|$PORT2|g; s|@VAR@|$REF|g; s|@ROOT@|$REF/root|g" \
	-e "s|@USER@|$RUN_USER|g; s|@LIMIT_KEY@|\"\"|g" "$ROOT/nginx/tiengnoi.conf.in" >"$REF/nginx/nginx.conf"
$ROOTUSER || sed -i '/^user /d' "$REF/nginx/nginx.conf"
! grep -q '@[A-Z_]*@' "$REF/nginx/nginx.conf" || die "nginx/tiengnoi.conf.in has placeholders this script does not fill"
for ((i = 0; i < 50; i++)); do [ -S "$REF/run/app.sock" ] && break; sleep 0.1; done
[ -S "$REF/run/app.sock" ] || { cat "$REF/log/ref.log" >&2; die "ref_fcgi did not open its socket"; }
"$NGINX" -q -p "$REF/nginx" -c "$REF/nginx/nginx.conf" >"$REF/log/nginx.out" 2>&1 ||
	{ cat "$REF/log/nginx.out" "$REF/log/nginx-error.log" >&2 2>/dev/null; die "the reference nginx did not start"; }
REFNGINX_PID=$(cat "$REF/run/nginx.pid")

check_get() {   # URL BYTES
	local got
	got=$(curl -fsS -o /dev/null -w '%{size_download}' "$1") || die "GET $1 failed"
	[ "$got" = "$2" ] || die "GET $1 sent $got bytes, expected $2"
}
check_get "$REF_URL/static/form.html" "$FORM_BYTES"
check_get "$REF_URL$FORM_PATH" "$FORM_BYTES"
code=$(curl -sS -o /dev/null -w '%{http_code}' --data 'x=1' "$REF_URL$FORM_PATH")
[ "$code" = 200 ] || { cat "$REF/log/ref.log" >&2; die "the reference POST answered $code"; }

# ---- measuring ----

CPU_ROOTS="$NGINX_PID $APP_PID $REFNGINX_PID $REF_PID $PG_PID $$"   # $$: wrk, pgbench
cpu_snap() { python3 "$HERE/cpu.py" $CPU_ROOTS; }
declare -A V   # V[run.key]: figures of each run

# account NAME BEFORE AFTER REQUESTS: CPU µs per request of each part; machine
# busy %, and the share of it none of our processes account for (other load)
account() {
	local -a a b
	read -ra a <<<"$2"
	read -ra b <<<"$3"
	local n=$4 d i
	for i in 0 1 2 3 4 5 6 7; do d[i]=$((b[i] - a[i])); done
	pct() { awk -v x="$1" -v y="${d[1]}" 'BEGIN { printf "%.0f", (y ? 100 * x / y : 0) }'; }
	us() { awk -v t="$1" -v n="$n" -v k="$TICK" 'BEGIN { printf "%.0f", (n ? t * 1e6 / k / n : 0) }'; }
	V[$1.busy]=$(pct "${d[0]}")
	V[$1.other_load]=$(pct $((d[0] - d[2] - d[3] - d[4] - d[5] - d[6] - d[7])))
	V[$1.cpu_front]=$(us $((d[2] + d[4])))
	V[$1.cpu_fcgi]=$(us $((d[3] + d[5])))
	V[$1.cpu_pg]=$(us "${d[6]}")
	V[$1.cpu_client]=$(us "${d[7]}")
}

parse_bench() {   # NAME FILE: the BENCH line of report.lua into V
	local line kv
	line=$(grep '^BENCH ' "$2" | tail -n1)
	[ -n "$line" ] || { tail -n 5 "$2" >&2; die "wrk gave no summary for $1"; }
	for kv in ${line#BENCH }; do V[$1.${kv%%=*}]=${kv#*=}; done
}

rand_hex() { od -An -N8 -tx1 /dev/urandom | tr -d ' \n'; }
count_run_rows() { sql -c "SELECT count(*) FROM submission WHERE idempotency_key >= '$1' AND idempotency_key < '${1}g'"; }

# wrk_run NAME CONNS URL SCRIPT [SECONDS]: one measured wrk run
wrk_run() {
	local name=$1 c=$2 url=$3 script=$4 s=${5:-$SECS} t=$THREADS before after
	[ "$c" -lt "$t" ] && t=$c
	export BENCH_RUN
	BENCH_RUN=$(rand_hex)
	V[$name.run]=$BENCH_RUN
	before=$(cpu_snap)
	wrk -t"$t" -c"$c" -d"${s}s" --latency -s "$HERE/$script" "$url" >"$OUT/$name.txt" 2>&1 ||
		{ tail -n 5 "$OUT/$name.txt" >&2; die "wrk failed ($name)"; }
	after=$(cpu_snap)
	parse_bench "$name" "$OUT/$name.txt"
	account "$name" "$before" "$after" "${V[$name.requests]}"
	[ "${V[$name.requests]}" -gt 0 ] || die "$name: no request was answered"
}

# post_run NAME CONNS URL [SECONDS]: a POST run, then the no-lost-write check for the app
post_run() {
	sql -c CHECKPOINT >/dev/null || die "CHECKPOINT failed"
	wrk_run "$1" "$2" "$3" post.lua "${4:-$SECS}"
	[ "${V[$1.ok2xx]}" -gt 0 ] || die "$1: no submission was accepted (${V[$1.other]} other answers)"
	if [ "$3" = "$APP_URL" ]; then
		sleep 1   # requests wrk gave up on at the deadline may still be finishing
		V[$1.rows]=$(count_run_rows "${V[$1.run]}") || die "cannot count rows"
	fi
}

# pgbench_run NAME CLIENTS: the app's INSERT, prepared, straight into PostgreSQL
pgbench_run() {
	local name=$1 c=$2 t=$THREADS before after
	[ "$c" -lt "$t" ] && t=$c
	sql -c CHECKPOINT >/dev/null || die "CHECKPOINT failed"
	before=$(cpu_snap)
	(cd "$OUT" && "$PGBIN/pgbench" -h "$STACK/run" -U tiengnoi_app -n -M prepared -f "$B/insert.sql" \
		-D eid="$EID" -c "$c" -j "$t" -T "$SECS" -l --log-prefix="$name" tiengnoi) \
		>"$OUT/$name.txt" 2>&1 || { tail -n 5 "$OUT/$name.txt" >&2; die "pgbench failed ($name)"; }
	after=$(cpu_snap)
	V[$name.rps]=$(sed -n 's/^tps = \([0-9.]*\) (without initial connection time)/\1/p' "$OUT/$name.txt")
	V[$name.requests]=$(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' "$OUT/$name.txt")
	isnum "${V[$name.requests]:-}" || die "cannot read pgbench's output ($name)"
	if [ "${V[$name.requests]}" = 0 ]; then
		# on a loaded machine 64 clients may take longer to connect than a quick run lasts: no tps line
		say "warning: pgbench processed no transaction in $SECS s ($name); its row shows 0"
		V[$name.rps]=0
	fi
	[ -n "${V[$name.rps]}" ] || die "cannot read pgbench's output ($name)"
	read -r "V[$name.p50_us]" "V[$name.p99_us]" < <(cat "$OUT/$name".[0-9]* | awk '{ print $3 }' | sort -n |
		awk '{ a[NR] = $1 } END { print a[int(NR * 0.5) + (NR % 2)], a[int(NR * 0.99) + 1] }')
	V[$name.other]=0 V[$name.err_connect]=0 V[$name.err_read]=0 V[$name.err_write]=0 V[$name.err_timeout]=0 V[$name.err_status]=0
	account "$name" "$before" "$after" "${V[$name.requests]}"
}

cat >"$B/insert.sql" <<'EOF'
\set r random(1, 9223372036854775806)
INSERT INTO submission (form_id, form_version, workplace_id, unit_id, entry_point_id, channel, answers, lang, idempotency_key, receipt_hash, urgent) SELECT 'concern', 1, w.id, w.unit_id, e.id, 'qr', '{"text": "Công ty nợ lương tháng 10 của tổ may số 3, tăng ca đến 10 giờ đêm nhưng không được trả tiền làm thêm giờ. Anh chị em muốn công đoàn hỏi giúp.", "category": "wages"}'::jsonb, 'vi', 'pgb' || :client_id || 'x' || lpad(:r::text, 19, '0'), decode(md5('pgb' || :client_id || 'x' || :r) || md5(:r || 'x' || :client_id), 'hex'), false FROM entry_point e JOIN workplace w ON w.id = e.workplace_id WHERE e.id = :eid ON CONFLICT (idempotency_key) DO NOTHING RETURNING id;
EOF

# the POSTs' texts: 3,000 sentences of the bulk loader's templates and vocabularies (its own SQL,
# rolled back), one drawn per request by post.lua, so the newest reports are as varied as the rest
sql -v rows=3000 >"$B/texts.txt" 2>"$OUT/texts.err" <<EOF || { cat "$OUT/texts.err" >&2; die "making the POSTs' texts failed"; }
BEGIN;
\\i $HERE/load_submissions.sql
COPY (SELECT answers->>'category', answers->>'text' FROM submission ORDER BY id DESC LIMIT 3000) TO STDOUT;
ROLLBACK;
EOF
[ "$(wc -l <"$B/texts.txt")" -ge 1000 ] || die "too few texts for the POSTs in $B/texts.txt"
export BENCH_PATH=$FORM_PATH BENCH_TOKEN=$CSRF BENCH_TEXTS=$B/texts.txt
T0=$(date +%s)
# what else is running: other programs' CPU use share the cores with ours
idle0=$(cpu_snap); sleep 2; idle1=$(cpu_snap)
account idle "$idle0" "$idle1" 1
[ "${V[idle.busy]}" -le 10 ] || say "warning: the machine is ${V[idle.busy]}% busy before the runs; figures will be noisy"
say "warming up (${WARM} s per target)"
for u in "$REF_URL/static/form.html" "$REF_URL$FORM_PATH" "$APP_URL$FORM_PATH"; do
	wrk_run warm 8 "$u" get.lua "$WARM"
done
wrk_run warm 8 "$REF_URL" post.lua "$WARM"
wrk_run warm 8 "$APP_URL" post.lua "$WARM"

RUNS=()
for c in $CONNS; do
	say "GET at $c connections: static, reference, app (${SECS} s each)"
	wrk_run "static.$c" "$c" "$REF_URL/static/form.html" get.lua
	wrk_run "refget.$c" "$c" "$REF_URL$FORM_PATH" get.lua
	wrk_run "get.$c" "$c" "$APP_URL$FORM_PATH" get.lua
	RUNS+=("static.$c" "refget.$c" "get.$c")
done
for c in $CONNS; do
	say "POST at $c connections: reference (plain table, then the app's INSERT), app, pgbench"
	BENCH_PATH="$FORM_PATH?plain" post_run "refplain.$c" "$c" "$REF_URL"
	post_run "refpost.$c" "$c" "$REF_URL"
	post_run "post.$c" "$c" "$APP_URL"
	pgbench_run "pgbench.$c" "$c"
	RUNS+=("refplain.$c" "refpost.$c" "post.$c" "pgbench.$c")
done

# Issue 13: a webhook whose receiver is down must not slow reports; then the delay from an
# urgent report to its mail and to its webhook delivery while the app takes POSTs.
notify_runs() {
	local c hid out i
	nadmin() { TIENGNOI_VAR=$STACK "$ROOT/build/tiengnoi-admin" "$@"; }
	head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$B/wh.secret"
	# none, dead, none, dead, ...: one run with no webhook, then one with a webhook just added whose
	# receiver is down (it fails, is paused, and its events are kept aside), removed after the run
	for c in $CONNS; do
		say "POST at $c connections, $PAIRS times: the reference's plain-table insert, the app with no webhook, then with one whose receiver is down (${PAIR_SECS} s each)"
		for ((i = 1; i <= PAIRS; i++)); do
			BENCH_PATH="$FORM_PATH?plain" post_run "plain$i.$c" "$c" "$REF_URL" "$PAIR_SECS"
			post_run "none$i.$c" "$c" "$APP_URL" "$PAIR_SECS"
			hid=$(nadmin webhook add --unit LDLD-LAICHAU --url "http://127.0.0.1:$DEAD_PORT/hook" \
				--events submission.created,submission.urgent --secret-file "$B/wh.secret" | awk '{ print $2 }')
			isnum "$hid" || die "webhook add (dead receiver) failed"
			post_run "dead$i.$c" "$c" "$APP_URL" "$PAIR_SECS"
			nadmin webhook remove --id "$hid" >/dev/null || die "webhook remove failed"
			sleep 1   # the sender drops the removed webhook's kept events before the next none run
			RUNS+=("plain$i.$c" "none$i.$c" "dead$i.$c")
		done
	done
	nadmin officer email --username demo.tinh --email bench.tinh@tiengnoi.test >/dev/null || die "officer email failed"
	# the probe's receiver listens before its webhook exists (as a real receiver is set up): one
	# that refused the first deliveries would be paused 30 s, and that pause measured instead
	c=${CONNS##* }
	python3 "$HERE/notify_probe.py" "$APP_URL" "$TOKEN" "$B/maildir" "$HOOK_PORT" "$STACK/run" "$SECS" "$B/probe.go" \
		>"$OUT/probe.out" 2>"$OUT/probe.err" &
	local probe_pid=$! i
	for ((i = 0; i < 100; i++)); do grep -qs '^READY' "$OUT/probe.out" && break; sleep 0.1; done
	grep -q '^READY' "$OUT/probe.out" || { cat "$OUT/probe.err" >&2; die "notify_probe.py did not start its receiver"; }
	hid=$(nadmin webhook add --unit LDLD-LAICHAU --url "http://127.0.0.1:$HOOK_PORT/hook" \
		--events submission.created,submission.urgent --secret-file "$B/wh.secret" | awk '{ print $2 }')
	isnum "$hid" || die "webhook add (probe) failed"
	say "urgent report -> mail and webhook delays during a POST load at $c connections (${SECS} s)"
	BENCH_RUN=$(rand_hex) wrk -t"$THREADS" -c"$c" -d"$((SECS + 2))s" -s "$HERE/post.lua" "$APP_URL" >"$OUT/notifyload.txt" 2>&1 &
	local wrk_pid=$!
	sleep 1
	touch "$B/probe.go"
	wait "$probe_pid"
	out=$(cat "$OUT/probe.out")
	wait "$wrk_pid"
	NOTIFY_LINE=$(grep '^NOTIFY ' <<<"$out")
	[ -n "$NOTIFY_LINE" ] || { cat "$OUT/probe.err" >&2; die "notify_probe.py gave no result"; }
	local kv
	for kv in ${NOTIFY_LINE#NOTIFY }; do V[notify.${kv%%=*}]=${kv#*=}; done
	V[notify.backlog]=$(sql -c "SELECT count(*) FROM outbox WHERE status = 'pending'")
	nadmin webhook remove --id "$hid" >/dev/null || die "webhook remove failed"
}
NOTIFY_LINE=
notify_runs

say "loading $ROWS submissions (INSERT ... SELECT generate_series), then VACUUM ANALYZE"
L0=$(date +%s)
sql -v rows="$ROWS" -f "$HERE/load_submissions.sql" -f - >"$OUT/load.txt" 2>&1 <<EOF || { cat "$OUT/load.txt" >&2; die "bulk load failed"; }
-- the new reports go into the statistics' daily sums once, as after any bulk import (sealed, then folded:
-- sql/065_new_reports_by_sealed_id.sql); otherwise the pages would read them one by one until the sender folds
SELECT submission_seal();
SELECT submission_fact_compact();
VACUUM ANALYZE submission, submission_fact, submission_fact_log;
CHECKPOINT;
EOF
LOAD_SECS=$(($(date +%s) - L0))
TOTAL_ROWS=$(sql -c "SELECT count(*) FROM submission")
TABLE_SIZE=$(sql -c "SELECT pg_size_pretty(pg_total_relation_size('submission'))")
for c in $CONNS; do
	say "POST at $c connections with $TOTAL_ROWS rows stored"
	post_run "post1m.$c" "$c" "$APP_URL"
	RUNS+=("post1m.$c")
done

# The officer console and the exports with the million rows stored: server
# time per page as curl sees it over loopback (median and worst of CONSOLE_N),
# and an export of every row to CSV and XLSX with the CLI's peak memory.
CONSOLE_N=${BENCH_CONSOLE_N:-15}
console_times() {
	local login pw page tok cookie name path i t
	login=$(TIENGNOI_VAR=$STACK "$ROOT/build/tiengnoi-admin" officer demo-login 2>/dev/null | grep 'demo.tinh') || return 0
	pw=${login##* / }
	page=$(curl -s -c "$B/cj" "$APP_URL/admin/login")
	tok=$(printf '%s' "$page" | sed -n 's/.*name="_token" value="\([^"]*\)".*/\1/p' | head -n1)
	curl -s -b "$B/cj" -c "$B/cj" -o /dev/null --data-urlencode "_token=$tok" --data-urlencode "next=/admin/" \
		--data-urlencode "username=demo.tinh" --data-urlencode "password=$pw" "$APP_URL/admin/login"
	local mid wp day0 day1
	mid=$(sql -c "SELECT id FROM submission ORDER BY id OFFSET (SELECT count(*) / 2 FROM submission) LIMIT 1")
	wp=$(sql -c "SELECT workplace_id FROM submission WHERE id = $mid")
	day1=$(date -u +%Y-%m-%d) day0=$(date -u -d '30 days ago' +%Y-%m-%d)
	for spec in "queue|/admin/" "queue, status filter|/admin/?status=resolved" "queue, search without accents|/admin/?q=phan+anh+so+123456" \
		"queue, search, a common phrase|/admin/?q=no+luong" "queue, search, a rarer phrase|/admin/?q=khong+cho+nghi+thai+san" \
		"queue, search, a syllable being typed|/admin/?q=bao+hi" \
		"queue, page 2|/admin/?after=$(sql -c "SELECT (CASE WHEN urgent AND status = 'new' THEN '1-' ELSE '0-' END) || (extract(epoch FROM received_at) * 1000000)::bigint || '-' || id FROM submission WHERE urgent OR form_id NOT IN (SELECT form_id FROM survey_form) ORDER BY (urgent AND status = 'new') DESC, received_at DESC, id DESC OFFSET 49 LIMIT 1")" \
		"one report|/admin/s/$mid" "dialogue brief, 30 days|/admin/brief?workplace=$wp&from=$day0&to=$day1" \
		"statistics table|/admin/stats" "dashboard|/admin/dashboard"; do
		name=${spec%%|*} path=${spec#*|}
		: >"$OUT/console.$$"
		curl -s -b "$B/cj" -o /dev/null "$APP_URL$path"   # warm this page's plan and cache once
		for ((i = 0; i < CONSOLE_N; i++)); do
			curl -s -b "$B/cj" -o /dev/null -w '%{http_code} %{time_total}\n' "$APP_URL$path" >>"$OUT/console.$$"
		done
		local bad sorted med worst
		bad=$(awk '$1 != 200' "$OUT/console.$$" | wc -l)
		sorted=$(awk '{ printf "%.1f\n", $2 * 1000 }' "$OUT/console.$$" | sort -n)
		med=$(printf '%s\n' "$sorted" | awk '{ t[NR] = $1 } END { print t[int((NR + 1) / 2)] }')
		worst=$(printf '%s\n' "$sorted" | tail -n1)
		CONSOLE_ROWS+="| $name | \`${path%%\?*}\` | $med | $worst | $([ "$bad" -eq 0 ] && echo 200 || echo "$bad not 200") |"$'\n'
		t=$med
		case $name in queue* | "one report" | dialogue* | statistics* | dashboard)   # target < 100 ms
			case $name in "queue, search"*)   # target < 50 ms (issue 12)
				awk -v a="$t" -v b="$SEARCH_MAXMED" 'BEGIN { exit !(a > b) }' && SEARCH_MAXMED=$t SEARCH_SLOWEST=$name
				continue ;;
			esac
			awk -v a="$t" -v b="$CONSOLE_MAXMED" 'BEGIN { exit !(a > b) }' && CONSOLE_MAXMED=$t CONSOLE_SLOWEST=$name ;;
		esac
	done
	for fmt in csv xlsx; do
		/usr/bin/time -f '%e %M' -o "$OUT/export.$fmt.time" env TIENGNOI_VAR=$STACK "$ROOT/build/tiengnoi-admin" \
			export submissions --format $fmt >"$B/export.$fmt" 2>"$OUT/export.$fmt.err" || continue
		EXPORT_ROWS+="| export $fmt, all rows (CLI) | $(awk '{ printf "%.1f s | %.1f MB peak RSS", $1, $2 / 1024 }' "$OUT/export.$fmt.time") | $(du -h "$B/export.$fmt" | cut -f1) |"$'\n'
	done
}
CONSOLE_ROWS= EXPORT_ROWS= CONSOLE_MAXMED=0 CONSOLE_SLOWEST= SEARCH_MAXMED=0 SEARCH_SLOWEST=
say "console pages and exports with $TOTAL_ROWS rows stored"
console_times
BENCH_SECS=$(($(date +%s) - T0))

# one app worker: the supervisor's children (VmRSS, and the private part RssAnon)
WORKER_RSS=0 WORKER_ANON=0 NW=0
for w in $(pgrep -P "$APP_PID"); do
	r=$(awk '/^VmRSS:/ { print $2 }' "/proc/$w/status" 2>/dev/null) || continue
	anon=$(awk '/^RssAnon:/ { print $2 }' "/proc/$w/status" 2>/dev/null)
	isnum "${r:-}" || continue
	NW=$((NW + 1))
	[ "$r" -gt "$WORKER_RSS" ] && WORKER_RSS=$r WORKER_ANON=${anon:-0}
done
[ "$NW" -gt 0 ] || die "found no app worker under pid $APP_PID"

# where the time goes: a short extra POST run under perf, not part of the table
PERF_TXT=
if [ "$PERF" = 1 ] && command -v perf >/dev/null; then
	c=${CONNS##* } ps=$((SECS < 5 ? SECS : 5))
	say "perf: sampling the whole machine during a ${ps} s app POST run at $c connections"
	perf record -F 499 -a -o "$B/perf.data" -- sleep "$ps" >"$OUT/perf.txt" 2>&1 &
	perf_pid=$!
	wrk_run perf "$c" "$APP_URL" post.lua "$ps"
	if wait "$perf_pid" && [ -s "$B/perf.data" ]; then
		PERF_TXT=$(
			echo "CPU samples by process, ${ps} s of app POSTs at $c connections (perf record -a -F 499):"
			perf report -i "$B/perf.data" --stdio --sort comm 2>/dev/null | grep -v -e '^#' -e '^$' | head -n 8
			echo
			echo "Hottest functions inside the app workers (share of their own samples):"
			perf report -i "$B/perf.data" --stdio --percentage relative --comms tiengnoi.fcgi --sort dso,sym 2>/dev/null |
				grep -v -e '^#' -e '^$' | head -n 12
			echo
			echo "Hottest functions inside PostgreSQL (share of its own samples):"
			perf report -i "$B/perf.data" --stdio --percentage relative --comms postgres --sort dso,sym 2>/dev/null |
				grep -v -e '^#' -e '^$' | head -n 8
		)
	else
		PERF_TXT="perf record did not work here: $(tail -n 2 "$OUT/perf.txt" | tr '\n' ' ')"
	fi
fi

# The POST run against the HA stack: two app hosts, the leader waits for its
# synchronous standby at every commit. Everything still runs on these cores,
# so the standby's work (WAL receive, replay) is taken from the leader's.
ha_runs() {
	local c hsql pids n
	say "starting the HA stack (scripts/ha.sh) in $B/h on port $PORT3 with 2 x $HA_WORKERS workers"
	HA_STARTED=1
	hastack start >"$B/ha.log" 2>&1 || { tail -n 30 "$B/ha.log" >&2; die "scripts/ha.sh start failed"; }
	HA_OWNER=$(sed -n 's/^database_owner = //p' "$B/h/tiengnoi.conf")
	hsql() { "$PGBIN/psql" "$HA_OWNER" -XAtq -v ON_ERROR_STOP=1 "$@"; }
	[ "$(hsql -c 'SHOW synchronous_standby_names')" != "" ] || die "the HA stack has no synchronous standby"
	V[ha.sync]=$(hsql -c 'SHOW synchronous_standby_names')
	local tok form csrf
	tok=$(hsql -c "SELECT token FROM entry_point WHERE revoked_at IS NULL AND 'concern' = ANY (forms) ORDER BY id LIMIT 1")
	form=$(curl -fsS "http://127.0.0.1:$PORT3/q/$tok/concern") || die "GET the HA stack's form failed"
	csrf=$(printf '%s' "$form" | grep -o 'name="_token" value="[^"]*"' | sed 's/.*value="//; s/"$//')
	[ -n "$csrf" ] || die "no _token on the HA stack's form page"
	# CPU columns: nginx; the two app hosts (as FastCGI); the leader's node (PostgreSQL);
	# the standby and etcd are in the last column's "not ours"
	pids=$(hastack status 2>/dev/null) || true
	local save_roots=$CPU_ROOTS
	CPU_ROOTS="$(awk '$1 == "nginx" { print $3 }' <<<"$pids") $(awk '$2 == "app1" { print $3 }' <<<"$pids") -"
	CPU_ROOTS+=" $(awk '$2 == "app2" { print $3 }' <<<"$pids") $(awk '$1 == "pg-leader" { print $3 }' <<<"$pids") $$"
	BENCH_PATH=/q/$tok/concern BENCH_TOKEN=$csrf wrk_run warm 8 "http://127.0.0.1:$PORT3" post.lua "$WARM"
	for c in $CONNS; do
		say "POST at $c connections against the HA stack"
		hsql -c CHECKPOINT >/dev/null || die "CHECKPOINT on the HA leader failed"
		BENCH_PATH=/q/$tok/concern BENCH_TOKEN=$csrf wrk_run "hapost.$c" "$c" "http://127.0.0.1:$PORT3" post.lua
		sleep 1
		n=$(hsql -c "SELECT count(*) FROM submission WHERE idempotency_key >= '${V[hapost.$c.run]}' AND idempotency_key < '${V[hapost.$c.run]}g'") ||
			die "cannot count rows on the HA leader"
		V[hapost.$c.rows]=$n
		RUNS+=("hapost.$c")
	done
	CPU_ROOTS=$save_roots
	hastack stop >>"$B/ha.log" 2>&1 || die "scripts/ha.sh stop failed"
	HA_STARTED=
}
if [ "$HA_RUN" = 1 ]; then
	ha_runs
fi

# ---- the report ----

ms() { awk -v u="$1" 'BEGIN { printf (u < 10000 ? "%.2f" : "%.1f"), u / 1000 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
ge() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a >= b) }'; }
lt() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a < b) }'; }
verdict() { if "$@"; then echo PASS; else echo FAIL; fi; }
# noisy RUN...: a warning when other programs took more than 10% of the CPUs during one of these runs
noisy() {
	local r m=0
	for r in "$@"; do [ "${V[$r.other_load]:-0}" -gt "$m" ] && m=${V[$r.other_load]}; done
	[ "$m" -le 10 ] || echo " (noisy: ${m}% of the CPUs busy with other work)"
}

label() {
	local k
	case ${1%.*} in
	static) echo "nginx static file (${FORM_BYTES} B)" ;;
	refget) echo "reference FastCGI GET" ;;
	get) echo "**app GET form**" ;;
	refplain) echo "reference FastCGI POST + INSERT into a plain table (400 B row)" ;;
	refpost) echo "reference FastCGI POST + INSERT" ;;
	post) echo "**app POST submission**" ;;
	pgbench) echo "pgbench INSERT (-M prepared)" ;;
	post1m) echo "**app POST, ${TOTAL_ROWS} rows stored**" ;;
	plain[0-9]*) k=${1%%.*} && echo "reference FastCGI POST + INSERT into a plain table, pair ${k#plain} (${PAIR_SECS} s)" ;;
	none[0-9]*) k=${1%%.*} && echo "app POST, pair ${k#none}: no webhook (${PAIR_SECS} s)" ;;
	dead[0-9]*) k=${1%%.*} && echo "**app POST, pair ${k#dead}: a webhook configured whose receiver is down** (${PAIR_SECS} s)" ;;
	hapost) echo "**app POST, HA: 2 app hosts, leader + synchronous standby**" ;;
	esac
}

median() { printf '%s\n' "$@" | sort -g | awk '{ a[NR] = $1 } END { printf "%s", (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2) }'; }
# dead_rows CONNS: the dead-receiver target from the none/dead pairs: the median of each dead
# run's POSTs/s ÷ the none run's just before it, PASS when it is within the noise band (1 -
# the slowest none run ÷ the fastest) or at least 0.9 (the floor: a tenth lost is never noise)
dead_rows() {
	local c=$1 i rs=() nones=() dp50=() dp99=() np50=() np99=() runs=() r band lo
	for ((i = 1; i <= PAIRS; i++)); do
		rs+=("$(ratio "${V[dead$i.$c.rps]}" "${V[none$i.$c.rps]}")")
		nones+=("${V[none$i.$c.rps]}")
		dp50+=("${V[dead$i.$c.p50_us]}") dp99+=("${V[dead$i.$c.p99_us]}")
		np50+=("${V[none$i.$c.p50_us]}") np99+=("${V[none$i.$c.p99_us]}")
		runs+=("none$i.$c" "dead$i.$c")
	done
	r=$(median "${rs[@]}")
	band=$(printf '%s\n' "${nones[@]}" | sort -g | awk '{ a[NR] = $1 } END { printf "%.2f", (a[NR] > 0 ? 1 - a[1] / a[NR] : 1) }')
	lo=$(awk -v b="$band" 'BEGIN { printf "%.2f", (1 - b < 0.9 ? 1 - b : 0.9) }')
	echo "| POST with a dead webhook receiver within the noise of none (≥ $lo: 1 − the none runs' spread, or 0.9), $c conns, median of $PAIRS alternating pairs | $r (pairs: ${rs[*]}; none runs' spread $band), p50 $(ms "$(median "${dp50[@]}")") / p99 $(ms "$(median "${dp99[@]}")") ms against $(ms "$(median "${np50[@]}")") / $(ms "$(median "${np99[@]}")") ms$(noisy "${runs[@]}") | $(verdict ge "$r" "$lo") |"
}

# plain_rows CONNS: the plain-table target (issue 12): the median of each "no webhook" run's POSTs/s ÷
# the plain-table reference run just before it (alternating, like the dead-receiver pairs, so that
# drift on a shared machine hits both alike), with the full-length pair's ratio beside it
plain_rows() {
	local c=$1 i rs=() runs=() r one
	for ((i = 1; i <= PAIRS; i++)); do
		rs+=("$(ratio "${V[none$i.$c.rps]}" "${V[plain$i.$c.rps]}")")
		runs+=("plain$i.$c" "none$i.$c")
	done
	r=$(median "${rs[@]}")
	one=$(ratio "${V[post.$c.rps]}" "${V[refplain.$c.rps]}")
	echo "| POST ≥ 0.6 × reference insert into a plain table, $c conns, median of $PAIRS alternating pairs (${PAIR_SECS} s each) | $r (pairs: ${rs[*]}; the ${SECS} s runs: $one$(noisy "post.$c" "refplain.$c"))$(noisy "${runs[@]}") | $(verdict ge "$r" 0.6) |"
}

report() {
	local r c
	echo "Run: $(date -u '+%Y-%m-%d %H:%M UTC'), $SECS s per measurement, wrk $THREADS threads, $WORKERS app workers" \
		"(same for the reference), commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$(
			[ -n "$(git -C "$ROOT" status --porcelain 2>/dev/null)" ] && echo ' (with uncommitted changes)')."
	echo
	echo "Machine: $(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -n1), $(nproc) cores" \
		"$(lscpu 2>/dev/null | sed -n 's/^Hypervisor vendor: *\(.*\)/(\1 guest)/p')," \
		"$(awk '/^MemTotal:/ { printf "%.1f GiB RAM", $2 / 1048576 }' /proc/meminfo), Linux $(uname -r)," \
		"$(sed -n 's/^PRETTY_NAME="\(.*\)"/\1/p' /etc/os-release)."
	echo "Other load: ${V[idle.busy]}% of the CPUs busy in 2 s of quiet before the runs; the last column shows the share not used by anything this benchmark started."
	echo "Software: $("$NGINX" -v 2>&1 | sed 's/^nginx version: //'), PostgreSQL $("$PGBIN/postgres" -V | awk '{ print $3 }')" \
		"(stock settings: synchronous_commit $(sql -c 'SHOW synchronous_commit'), shared_buffers $(sql -c 'SHOW shared_buffers')," \
		"fsync $(sql -c 'SHOW fsync')), $(wrk -v 2>&1 | head -n1 | awk '{ print $1, $2 }'), everything on this one machine over loopback."
	echo
	echo "| what | conns | req/s | p50 ms | p99 ms | non-2xx, errors | CPU µs/req: nginx · FastCGI · PostgreSQL · client | CPU busy (not ours) |"
	echo "|---|--:|--:|--:|--:|--:|--:|--:|"
	for r in "${RUNS[@]}"; do
		c=${r##*.}
		printf '| %s | %s | %.0f | %s | %s | %s | %s · %s · %s · %s | %s%% (%s%%) |\n' "$(label "$r")" "$c" "${V[$r.rps]}" \
			"$(ms "${V[$r.p50_us]}")" "$(ms "${V[$r.p99_us]}")" \
			"$((V[$r.other] > V[$r.err_status] ? V[$r.other] : V[$r.err_status])), $((V[$r.err_connect] + V[$r.err_read] + V[$r.err_write] + V[$r.err_timeout]))" \
			"${V[$r.cpu_front]}" "${V[$r.cpu_fcgi]}" "${V[$r.cpu_pg]}" "${V[$r.cpu_client]}" "${V[$r.busy]}" "${V[$r.other_load]}"
	done
	echo
	echo "Form page ${FORM_BYTES} bytes, receipt page ${POST_BYTES} bytes. Bulk load of $ROWS rows, folding their statistics and VACUUM ANALYZE:" \
		"${LOAD_SECS} s; table with indexes afterwards: ${TABLE_SIZE}. Whole measurement: ${BENCH_SECS} s."
	echo
	if [ "$HA_RUN" = 1 ]; then
		echo "HA rows: scripts/ha.sh's stack, a fresh database: one nginx, two app hosts of $HA_WORKERS workers," \
			"a Patroni leader whose every commit waits for its synchronous standby (${V[ha.sync]}), on the same cores." \
			"CPU columns: FastCGI is both app hosts, PostgreSQL the leader only; the standby and etcd are in \"not ours\"."
		echo
	fi
	if [ -n "$CONSOLE_ROWS" ]; then
		echo "Officer console with $TOTAL_ROWS rows stored, signed in as the province officer (every row in scope), $CONSOLE_N requests each, ms as curl sees them:"
		echo
		echo "| page | path | median ms | worst ms | status |"
		echo "|---|---|--:|--:|---|"
		printf '%s' "$CONSOLE_ROWS"
		echo
	fi
	if [ -n "$EXPORT_ROWS" ]; then
		echo "| export | time · peak memory | file |"
		echo "|---|---|--:|"
		printf '%s' "$EXPORT_ROWS"
		echo
	fi
	echo "| target | measured | result |"
	echo "|---|---|---|"
	for c in $CONNS; do
		r=$(ratio "${V[get.$c.rps]}" "${V[refget.$c.rps]}")
		echo "| form GET ≥ 0.8 × reference page, $c conns | $r$(noisy "get.$c" "refget.$c") | $(verdict ge "$r" 0.8) |"
	done
	for c in $CONNS; do
		r=$(ratio "${V[post.$c.rps]}" "${V[refpost.$c.rps]}")
		echo "| POST ≥ 0.8 × reference insert, $c conns | $r$(noisy "post.$c" "refpost.$c") | $(verdict ge "$r" 0.8) |"
	done
	for c in $CONNS; do
		plain_rows "$c"
	done
	for c in $CONNS; do
		dead_rows "$c"
	done
	if [ -n "$NOTIFY_LINE" ]; then
		echo "| urgent report → its mail (SMTP on loopback) < 60 s, under POST load at ${CONNS##* } conns, ${V[notify.n]} reports | p50 ${V[notify.mail_p50_ms]} ms, max ${V[notify.mail_max_ms]} ms, ${V[notify.mail_missing]} missing | $(verdict lt "${V[notify.mail_max_ms]/nan/999999}" 60000) |"
		echo "| urgent report → its webhook delivery < 10 s, same run (every report's submission.created goes to the same receiver; urgent ones first) | p50 ${V[notify.hook_p50_ms]} ms, max ${V[notify.hook_max_ms]} ms, ${V[notify.hook_missing]} missing, ${V[notify.backlog]} deliveries still queued at the end | $(verdict lt "${V[notify.hook_max_ms]/nan/999999}" 10000) |"
	fi
	for c in $CONNS; do
		echo "| app POST ÷ pgbench INSERT, $c conns (information) | $(ratio "${V[post.$c.rps]}" "${V[pgbench.$c.rps]}")$(noisy "post.$c" "pgbench.$c") | — |"
	done
	if [ "$HA_RUN" = 1 ]; then
		for c in $CONNS; do
			r=$(ratio "${V[hapost.$c.rps]}" "${V[post.$c.rps]}")
			echo "| HA POST (synchronous standby ${V[ha.sync]}) ≥ 0.7 × single-node POST, $c conns | $r, p99 $(ms "${V[hapost.$c.p99_us]}") ms against $(ms "${V[post.$c.p99_us]}") ms$(noisy "post.$c" "hapost.$c") | $(verdict ge "$r" 0.7) |"
		done
	fi
	c=${CONNS##* }
	for r in get post post1m; do
		echo "| p99 < 25 ms at $c conns: $(label "$r.$c" | tr -d '*') | $(ms "${V[$r.$c.p99_us]}") ms$(noisy "$r.$c") | $(verdict lt "${V[$r.$c.p99_us]}" 25000) |"
	done
	for c in $CONNS; do
		r=$(ratio "${V[post1m.$c.rps]}" "${V[post.$c.rps]}")
		echo "| POST with $TOTAL_ROWS rows ≥ 0.9 × nearly empty table, $c conns | $r$(noisy "post.$c" "post1m.$c") | $(verdict ge "$r" 0.9) |"
	done
	if [ -n "$CONSOLE_ROWS" ]; then
		echo "| queue, report, brief, statistics and dashboard pages render well under 100 ms with $TOTAL_ROWS rows (slowest median: $CONSOLE_SLOWEST; the searches are the next line) | ${CONSOLE_MAXMED} ms | $(verdict lt "$CONSOLE_MAXMED" 100) |"
		echo "| accent-free search in the queue < 50 ms median with $TOTAL_ROWS varied reports (slowest of 4 queries: $SEARCH_SLOWEST) | ${SEARCH_MAXMED} ms | $(verdict lt "$SEARCH_MAXMED" 50) |"
	fi
	# exports (issue 12 item 17): CSV of every row in < 5 s, XLSX in < 60 s, in constant memory
	for spec in "csv 5" "xlsx 60"; do
		read -r efmt ceil <<<"$spec"
		[ -s "$OUT/export.$efmt.time" ] || continue
		read -r es ekb <"$OUT/export.$efmt.time"
		echo "| export $efmt of all $TOTAL_ROWS rows (CLI) < $ceil s | $es s = $(ratio "$es" "$ceil") × the $ceil s ceiling, peak RSS $(awk -v k="$ekb" 'BEGIN { printf "%.1f", k / 1024 }') MB | $(verdict lt "$es" "$ceil") |"
	done
	echo "| app worker RSS < 10 MB (largest of $NW, after the runs) | VmRSS $(awk -v k="$WORKER_RSS" 'BEGIN { printf "%.1f", k / 1024 }') MB (private RssAnon $(awk -v k="$WORKER_ANON" 'BEGIN { printf "%.1f", k / 1024 }') MB) | $(verdict lt "$WORKER_RSS" 10240) |"
	for r in "${RUNS[@]}"; do
		[ -n "${V[$r.rows]:-}" ] || continue
		echo "| no lost write: $(label "$r" | tr -d '*'), $(echo "$r" | sed 's/.*\.//') conns | rows stored ${V[$r.rows]}, 2xx ${V[$r.ok2xx]}, in flight at stop $((V[$r.sent] - V[$r.requests])) | $(verdict [ "${V[$r.rows]}" -ge "${V[$r.ok2xx]}" -a "${V[$r.rows]}" -le $((V[$r.ok2xx] + V[$r.sent] - V[$r.requests])) ]) |"
	done
	if [ -n "$PERF_TXT" ]; then
		echo
		echo '```'
		echo "$PERF_TXT"
		echo '```'
	fi
}

REPORT=$(report) || die "could not write the report"
echo
echo "$REPORT"
if [ -n "$DOC" ]; then
	python3 - "$DOC" "$REPORT" <<'EOF' || die "cannot write $DOC"
import os, sys
path, report = sys.argv[1], sys.argv[2]
begin, end = "<!-- bench:begin (tests/bench/run.sh writes between these lines) -->", "<!-- bench:end -->"
intro = """# Performance

`make bench` (tests/bench/run.sh) starts a private stack in a temporary directory,
loads it with wrk and pgbench, and writes the figures below. Each line is one
run of BENCH_SECONDS; the ceilings are measured in the same run, on the same
nginx configuration (a second nginx started from nginx/tiengnoi.conf.in) and the
same PostgreSQL:

- **nginx static file**: the form page's bytes served by nginx as a file: no GET can beat it.
- **reference FastCGI** (tests/bench/ref_fcgi.c): libfcgi and libpq with the app's worker
  count, answering GET with the same bytes and POST with the app's INSERT: the cost
  of the plumbing with no application work.
- **pgbench INSERT**: the app's INSERT sent straight to PostgreSQL by pgbench,
  prepared, synchronous_commit on: the database's own ceiling for submissions.
- **app POST, N rows stored**: the POST run again after bulk-loading BENCH_ROWS
  submissions and VACUUM ANALYZE: submissions must not slow down as data grows.

The POSTs (tests/bench/post.lua) are valid submissions of the "concern" form with a
Vietnamese text, one anti-forgery token (stateless, reusable) and a fresh
idempotency key each. "No lost write" compares the rows stored under the run's
key prefix with the 2xx answers wrk counted; requests still in flight when wrk
stopped may or may not have been stored. CPU µs per request come from
/proc/PID/stat of the nginx, FastCGI and PostgreSQL process trees and of the
benchmark itself (client: wrk or pgbench); "not ours" is the machine's busy
time outside all of them: other programs, or kernel work charged to no one.
Everything shares the same cores, so the client's CPU is taken from the
server's. Latency is wrk's, which does not correct for coordinated omission.
"""
old = open(path, encoding="utf-8").read() if os.path.exists(path) else ""
block = begin + "\n" + report.rstrip("\n") + "\n" + end
if begin in old and end in old:
    new = old[:old.index(begin)] + block + old[old.index(end) + len(end):]
else:
    new = intro + "\n## Latest run\n\n" + block + "\n\n## Notes\n\n(Observations written by hand; kept across runs.)\n"
tmp = path + ".tmp"
open(tmp, "w", encoding="utf-8").write(new)
os.replace(tmp, path)
EOF
	say "wrote $DOC"
fi
