#!/bin/bash
# High-availability stack on loopback: etcd, two PostgreSQL nodes under Patroni
# (a leader and a synchronous standby), two app hosts, the outbox sender and
# nginx in front.
# Usage: scripts/ha.sh start|stop|status   (make ha-start, ha-stop, ha-status)
# Env: TIENGNOI_VAR (default <repo>/var; this stack lives in $TIENGNOI_VAR/ha),
#      PORT (nginx, 8080), WORKERS (per app host, 2 x cores), TIENGNOI_BASE_URL,
#      TIENGNOI_RATELIMIT=off for load tests, TIENGNOI_BUILD (default build),
#      HA_ETCD_PORT HA_ETCD_PEER_PORT HA_PG1_PORT HA_PG2_PORT HA_REST1_PORT
#      HA_REST2_PORT (default: free ports chosen at the first start, kept in
#      $TIENGNOI_VAR/ha/ports and reused while they stay free).
# What it writes for the rest of the checkout: $TIENGNOI_VAR/tiengnoi.conf with
# the multi-host connection strings (`database`, `database_owner`), removed by
# stop. Passwords are random, made once, in $TIENGNOI_VAR/ha/secrets and in the
# libpq password file $TIENGNOI_VAR/ha/secrets/pgpass (mode 0600); PostgreSQL
# asks for them (scram-sha-256) on 127.0.0.1, trusts only its own 0700 socket
# directory. State (databases, etcd, keys) survives stop and start.
set -eu

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
# shared: stack_settings, say, die, pid_of, wait_gone, ensure_traversable, port_busy, nginx_up, init_database
. "$ROOT/scripts/lib.sh"
stack_settings ha
HA=$VAR/ha
RUN=$HA/run LOG=$HA/log SECRETS=$HA/secrets PGPASS=$HA/secrets/pgpass
CONF=$VAR/tiengnoi.conf
NODES="node1 node2" APPS="app1 app2"
isnum() { case $1 in '' | *[!0-9]*) return 1 ;; esac; }

isnum "$PORT" || die "PORT must be a number, got '$PORT'"
isnum "$WORKERS" && [ "$WORKERS" -gt 0 ] || die "WORKERS must be a positive number, got '$WORKERS'"
case "$VAR$ROOT" in *[[:space:]\"\'\$\\\;{}\|\&,=]*)
	die "paths with spaces or any of \"'\$\\;{}|&,= are not supported: $VAR, $ROOT";; esac
[ ${#RUN} -le 80 ] || die "TIENGNOI_VAR is too long for unix sockets (max ~70 chars): $VAR"
for t in patroni etcd curl /usr/bin/python3; do command -v "$t" >/dev/null || die "$t is missing (make deps)"; done

ROOTUSER=false; [ "$(id -u)" = 0 ] && ROOTUSER=true
DROP=()   # setpriv options: run as RUN_USER
if $ROOTUSER; then
	RUN_USER=postgres
	id "$RUN_USER" >/dev/null 2>&1 || die "user '$RUN_USER' missing: install postgresql (make deps)"
	DROP=(--reuid="$RUN_USER" --regid="$RUN_USER" --init-groups)
else
	RUN_USER=$(id -un)
fi
as_run() { (cd / && setpriv "${DROP[@]}" -- "$@"); }

# ---- processes: a pid file is trusted only when its process is ours ----

etcd_pid()  { pid_of "$RUN/etcd.pid" "$HA/etcd"; }
node_pid()  { pid_of "$RUN/$1.pid" "$HA/$1.yml"; }      # the node's launcher: Patroni's parent
app_pid()   { pid_of "$RUN/$1.pid" "$RUN/$1.sock"; }
nginx_pid() { pid_of "$RUN/nginx.pid" "$HA/nginx/nginx.conf"; }
sender_pid() { pid_of "$RUN/sender.pid" tiengnoi-sender; }
# postmaster of a node: its data directory is its cwd
pg_pid() {
	local pid
	pid=$(pid_of "$HA/$1/data/postmaster.pid" postgres) &&
		[ "$(readlink "/proc/$pid/cwd" 2>/dev/null)" = "$HA/$1/data" ] && echo "$pid"
}

# stop_pid PID SIGNAL SECONDS: signal, wait, then SIGKILL the process group it leads.
stop_pid() {
	kill -"$2" "$1" 2>/dev/null || return 0
	wait_gone "$1" "$3" && return 0
	say "pid $1 did not stop in $3 s: SIGKILL"
	kill -KILL -- "-$1" 2>/dev/null || kill -KILL "$1" 2>/dev/null || true
	wait_gone "$1" 5 || true
}

# ---- ports: chosen once, kept in $HA/ports, replaced only when taken by another program ----

free_port() {
	/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
# pick VAR RUNNING: keep the saved/env port; a new free one when it is taken
# and the component that owns it is not running.
pick() {
	local name=$1 running=$2 env=HA_$1 p
	p=${!env:-${SAVED[$name]:-}}
	if [ -n "${!env:-}" ]; then
		isnum "$p" || die "$env must be a port number, got '$p'"
	elif [ -z "$p" ] || { [ "$running" = no ] && port_busy "$p"; }; then
		p=$(free_port) || die "no free port"
		while [[ " $PICKED " == *" $p "* ]]; do p=$(free_port) || die "no free port"; done
	fi
	PICKED+=" $p"
	printf -v "$name" %s "$p"
}
load_ports() {
	declare -gA SAVED=()
	PICKED=" $PORT"
	local k v
	if [ -r "$HA/ports" ]; then
		while IFS='=' read -r k v; do isnum "$v" && SAVED[$k]=$v; done <"$HA/ports"
	fi
	pick ETCD_PORT "$(etcd_pid >/dev/null && echo yes || echo no)"
	pick ETCD_PEER_PORT "$(etcd_pid >/dev/null && echo yes || echo no)"
	pick PG1_PORT "$(node_pid node1 >/dev/null && echo yes || echo no)"
	pick REST1_PORT "$(node_pid node1 >/dev/null && echo yes || echo no)"
	pick PG2_PORT "$(node_pid node2 >/dev/null && echo yes || echo no)"
	pick REST2_PORT "$(node_pid node2 >/dev/null && echo yes || echo no)"
	printf '%s\n' "ETCD_PORT=$ETCD_PORT" "ETCD_PEER_PORT=$ETCD_PEER_PORT" "PG1_PORT=$PG1_PORT" \
		"REST1_PORT=$REST1_PORT" "PG2_PORT=$PG2_PORT" "REST2_PORT=$REST2_PORT" >"$HA/ports"
}
# read_ports: the saved ports, changing nothing (status, stop)
read_ports() {
	local k v
	[ -r "$HA/ports" ] || return 1
	while IFS='=' read -r k v; do
		case $k in ETCD_PORT | ETCD_PEER_PORT | PG1_PORT | PG2_PORT | REST1_PORT | REST2_PORT)
			isnum "$v" && printf -v "$k" %s "$v" ;;
		esac
	done <"$HA/ports"
	isnum "${REST2_PORT:-}" && isnum "${PG2_PORT:-}"
}
node_port() { case $1 in node1) echo "$PG1_PORT";; node2) echo "$PG2_PORT";; esac; }
rest_port() { case $1 in node1) echo "$REST1_PORT";; node2) echo "$REST2_PORT";; esac; }

# The connection strings: both nodes, and libpq keeps the one that accepts writes.
conninfo() {   # ROLE
	echo "host=127.0.0.1,127.0.0.1 port=$PG1_PORT,$PG2_PORT dbname=tiengnoi user=$1" \
		"target_session_attrs=read-write connect_timeout=2 passfile=$PGPASS"
}

# ---- directories and secrets ----

prepare_dirs() {
	local n
	mkdir -p "$VAR" "$VAR/secrets" "$HA" "$RUN" "$LOG" "$SECRETS" "$HA/etcd" "$HA/nginx" || die "cannot create $HA"
	for n in $NODES; do mkdir -p "$HA/$n" "$RUN/$n"; done
	ensure_traversable "$HA"
	ensure_traversable "$ROOT"
	chmod 0700 "$SECRETS" "$HA/etcd" "$VAR/secrets" "$RUN"
	for n in $NODES; do chmod 0700 "$HA/$n" "$RUN/$n"; done
	if $ROOTUSER; then
		chown "$RUN_USER:" "$RUN" "$LOG" "$SECRETS" "$HA/etcd"
		for n in $NODES; do chown "$RUN_USER:" "$HA/$n" "$RUN/$n"; done
	fi
}

# Random passwords, made once: PostgreSQL's superuser (Patroni), replication,
# the owner role tiengnoi (migrations, CLI) and the app role tiengnoi_app.
make_secrets() {
	local u
	if [ ! -s "$SECRETS/passwords" ]; then
		(umask 077; for u in postgres replicator tiengnoi tiengnoi_app; do
			echo "$u=$(od -An -N18 -tx1 /dev/urandom | tr -d ' \n')"
		done >"$SECRETS/passwords.new") && mv "$SECRETS/passwords.new" "$SECRETS/passwords"
	fi
	declare -gA PW=()
	while IFS='=' read -r u v; do PW[$u]=$v; done <"$SECRETS/passwords"
	for u in postgres replicator tiengnoi tiengnoi_app; do
		[ -n "${PW[$u]:-}" ] || die "$SECRETS/passwords has no password for $u"
	done
	(umask 077; printf '127.0.0.1:*:*:%s:%s\n' tiengnoi "${PW[tiengnoi]}" tiengnoi_app "${PW[tiengnoi_app]}" \
		>"$PGPASS")
	# Patroni's post_bootstrap: the roles and the database, once, on the first leader.
	(umask 077; cat >"$SECRETS/bootstrap.sql" <<-EOF
		CREATE ROLE tiengnoi LOGIN SUPERUSER PASSWORD '${PW[tiengnoi]}';
		CREATE ROLE tiengnoi_app LOGIN PASSWORD '${PW[tiengnoi_app]}';
		CREATE DATABASE tiengnoi OWNER tiengnoi;
	EOF
	)
	cat >"$HA/post_bootstrap.sh" <<-EOF
		#!/bin/sh
		# Patroni runs this once, on the node that initialised the cluster, with its connection URL.
		exec $PGBIN/psql "\$1" -X -q -v ON_ERROR_STOP=1 -f "$SECRETS/bootstrap.sql"
	EOF
	chmod 0755 "$HA/post_bootstrap.sh"
	if $ROOTUSER; then chown "$RUN_USER:" "$SECRETS"/*; fi
}

# ---- etcd ----

start_etcd() {
	local pid i
	if pid=$(etcd_pid); then say "etcd already running (pid $pid)"; return; fi
	(cd / && exec setsid setpriv "${DROP[@]}" -- \
		etcd --name ha --data-dir "$HA/etcd" \
		--listen-client-urls "http://127.0.0.1:$ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
		--listen-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
		--initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
		--initial-cluster "ha=http://127.0.0.1:$ETCD_PEER_PORT" --initial-cluster-state new \
		--auto-compaction-mode periodic --auto-compaction-retention 1h \
		</dev/null >>"$LOG/etcd.log" 2>&1) &
	echo $! >"$RUN/etcd.pid"
	disown $! 2>/dev/null || true
	for ((i = 0; i < 150; i++)); do
		curl -fsS "http://127.0.0.1:$ETCD_PORT/health" 2>/dev/null | grep -q '"health":"true"' && return
		etcd_pid >/dev/null || break
		sleep 0.1
	done
	tail -n 20 "$LOG/etcd.log" >&2
	die "etcd did not become healthy on 127.0.0.1:$ETCD_PORT, see $LOG/etcd.log"
}

# ---- PostgreSQL nodes under Patroni ----

# Patroni's settings. ttl 8 / loop_wait 2 / retry_timeout 3 put a failover
# 6-9 s after losing the leader (Patroni's defaults 30/10/10: 20-40 s);
# the cost is in docs/scaling.md. Written at every start (ports may change);
# the bootstrap section counts only the first time, then lives in etcd.
write_patroni_conf() {
	local n=$1 locale=C
	locale -a 2>/dev/null | grep -qix 'c\.utf-\?8' && locale=C.UTF-8
	(umask 077; cat >"$HA/$n.yml.new" <<-EOF
		# Patroni for $n; written by scripts/ha.sh at each start.
		scope: tiengnoi
		namespace: /service/
		name: $n
		restapi:
		  listen: 127.0.0.1:$(rest_port "$n")
		  connect_address: 127.0.0.1:$(rest_port "$n")
		etcd3:
		  hosts: 127.0.0.1:$ETCD_PORT
		bootstrap:
		  dcs:
		    ttl: 8
		    loop_wait: 2
		    retry_timeout: 3
		    maximum_lag_on_failover: 1048576
		    synchronous_mode: true
		    synchronous_mode_strict: false
		    postgresql:
		      use_pg_rewind: true
		      use_slots: true
		      parameters:
		        synchronous_commit: "on"
		        wal_level: replica
		        wal_log_hints: "on"
		        hot_standby: "on"
		        max_connections: 200
		        max_wal_senders: 5
		        max_replication_slots: 5
		        wal_keep_size: 256MB
		  initdb:
		    - encoding: UTF8
		    - locale: $locale
		    - data-checksums
		  post_bootstrap: $HA/post_bootstrap.sh
		postgresql:
		  listen: 127.0.0.1:$(node_port "$n")
		  connect_address: 127.0.0.1:$(node_port "$n")
		  data_dir: $HA/$n/data
		  bin_dir: $PGBIN
		  pgpass: $HA/$n/pgpass.patroni
		  use_unix_socket: true
		  use_unix_socket_repl: false
		  authentication:
		    superuser:
		      username: postgres
		      password: ${PW[postgres]}
		    replication:
		      username: replicator
		      password: ${PW[replicator]}
		    rewind:
		      username: postgres
		      password: ${PW[postgres]}
		  parameters:
		    unix_socket_directories: $RUN/$n
		    logging_collector: "off"
		  basebackup:
		    - checkpoint: fast
		  pg_hba:
		    - local all all trust
		    - host replication replicator 127.0.0.1/32 scram-sha-256
		    - host all all 127.0.0.1/32 scram-sha-256
		watchdog:
		  mode: "off"
		log:
		  level: INFO
	EOF
	)
	if $ROOTUSER; then chown "$RUN_USER:" "$HA/$n.yml.new"; fi
	mv "$HA/$n.yml.new" "$HA/$n.yml"
}

# Patroni detaches the postmaster (it double-forks like pg_ctl). This small
# launcher makes itself the "child subreaper", so the postmaster stays its
# descendant: the launcher's process tree is the whole machine (status shows
# its pid), it reaps what Patroni leaves, and it passes TERM/INT/HUP on.
NODE_LAUNCHER='
import ctypes, os, signal, sys
ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)   # PR_SET_CHILD_SUBREAPER
child = os.fork()
if child == 0:
    os.execvp("patroni", ["patroni", sys.argv[1]])
for s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
    signal.signal(s, lambda signo, frame: os.kill(child, signo))
while True:
    try:
        pid, status = os.wait()
    except InterruptedError:
        continue
    except ChildProcessError:
        sys.exit(0)
    if pid == child:
        sys.exit(os.waitstatus_to_exitcode(status) if status else 0)
'

start_node() {
	local n=$1 pid
	if pid=$(node_pid "$n"); then say "$n already running (pid $pid)"; return; fi
	write_patroni_conf "$n"
	# a postmaster left from a lost launcher would hold the port and the data directory
	if pid=$(pg_pid "$n"); then
		say "$n: stopping a postmaster left without its Patroni (pid $pid)"
		stop_pid "$pid" INT 30
	fi
	(cd / && exec setsid setpriv "${DROP[@]}" -- \
		env PGPASSFILE="$HA/$n/pgpass.patroni" /usr/bin/python3 -c "$NODE_LAUNCHER" "$HA/$n.yml" \
		</dev/null >>"$LOG/$n.log" 2>&1) &
	echo $! >"$RUN/$n.pid"
	disown $! 2>/dev/null || true
}

# node_role NODE: leader, replica or down, from Patroni's REST API.
node_role() {
	local j
	j=$(curl -sS -m 2 "http://127.0.0.1:$(rest_port "$1")/patroni" 2>/dev/null) || { echo down; return; }
	case $j in
	*'"role": "master"'* | *'"role":"master"'* | *'"role": "primary"'* | *'"role":"primary"'*)
		case $j in *'"state": "running"'* | *'"state":"running"'*) echo leader ;; *) echo down ;; esac ;;
	*'"role"'*) echo replica ;;
	*) echo down ;;
	esac
}

leader() {   # prints the leader node's name
	local n
	for n in $NODES; do
		curl -fsS -m 2 -o /dev/null "http://127.0.0.1:$(rest_port "$n")/primary" 2>/dev/null && { echo "$n"; return 0; }
	done
	return 1
}

wait_leader() {   # SECONDS
	local i n
	for ((i = 0; i < $1 * 2; i++)); do
		leader >/dev/null && return 0
		for n in $NODES; do
			node_pid "$n" >/dev/null || { tail -n 20 "$LOG/$n.log" >&2; die "$n's Patroni exited, see $LOG/$n.log"; }
		done
		sleep 0.5
	done
	tail -n 10 "$LOG/node1.log" "$LOG/node2.log" >&2
	die "no PostgreSQL leader after $1 s, see $LOG/node1.log and node2.log"
}

# Waits until a standby is the synchronous one (Patroni's /sync answers 200):
# only then is an acknowledged report on both machines.
wait_sync() {   # SECONDS
	local i n
	for ((i = 0; i < $1 * 2; i++)); do
		for n in $NODES; do
			curl -fsS -m 2 -o /dev/null "http://127.0.0.1:$(rest_port "$n")/sync" 2>/dev/null && return 0
		done
		sleep 0.5
	done
	return 1
}

# ---- the app hosts and nginx ----

start_app() {
	local a=$1 pid i
	if pid=$(app_pid "$a"); then say "$a already running (pid $pid)"; return; fi
	rm -f "$RUN/$a.sock" "$RUN/$a.pid"
	local args=(-s "$RUN/$a.sock" -w "$WORKERS" -f "$FORMS")
	if $ROOTUSER; then args+=(-u "$RUN_USER"); fi
	(cd "$ROOT" && exec setsid env TIENGNOI_DB="$(conninfo tiengnoi_app)" "$APP" "${args[@]}" \
		</dev/null >>"$LOG/$a.log" 2>&1) &
	echo $! >"$RUN/$a.pid"
	disown $! 2>/dev/null || true
	for ((i = 0; i < 100; i++)); do
		[ -S "$RUN/$a.sock" ] && break
		kill -0 "$(cat "$RUN/$a.pid")" 2>/dev/null || break
		sleep 0.1
	done
	[ -S "$RUN/$a.sock" ] || { tail -n 20 "$LOG/$a.log" >&2; die "$a did not open $RUN/$a.sock, see $LOG/$a.log"; }
	if $ROOTUSER; then chown "$RUN_USER:" "$RUN/$a.sock"; fi
}

# The outbox sender (mails, webhooks), one for the cluster, as the run user,
# connected as the owner to whichever node accepts writes (it follows a
# failover as the app hosts do); as scripts/stack.sh starts it (nice 10). Its
# lanes are its children in its own session.
start_sender() {
	local pid
	if pid=$(sender_pid); then say "sender already running (pid $pid)"; return; fi
	(cd "$ROOT" && exec setsid nice -n 10 setpriv "${DROP[@]}" -- env TIENGNOI_DB="$(conninfo tiengnoi)" "$SENDER" \
		</dev/null >>"$LOG/sender.log" 2>&1) &
	echo $! >"$RUN/sender.pid"
	disown $! 2>/dev/null || true
}

# nginx/tiengnoi.conf.in rendered as scripts/stack.sh does, with the single
# socket replaced by an upstream of both app hosts. A host that refuses or
# drops a connection is skipped for fail_timeout and the request goes to the
# other (fastcgi_next_upstream error timeout, nginx's default). For the worker
# paths this includes a POST already sent (non_idempotent): a submission or a
# status reply carries the worker's idempotency key, the INSERT does nothing on
# a key already stored and the receipt is a keyed hash of that key (both hosts
# share the keys), so a resent POST stores one row and shows the same receipt.
# The officer console's POSTs are not all idempotent: a dead host costs those
# in flight a 503 page.
render_nginx() {
	local key='$binary_remote_addr' upstream
	[ "${TIENGNOI_RATELIMIT:-on}" = off ] && key='""'
	upstream="    upstream tiengnoi_app {
        server unix:$RUN/app1.sock max_fails=1 fail_timeout=10s;
        server unix:$RUN/app2.sock max_fails=1 fail_timeout=10s;
    }
    fastcgi_next_upstream error timeout;
    fastcgi_next_upstream_tries 2;
"
	awk -v up="$upstream" '
		/^    server \{/ && !done { printf "%s\n", up; done = 1 }
		/^ *location / { loc = $0 }
		/fastcgi_pass unix:@VAR@\/run\/app\.sock;/ {
			sub(/unix:@VAR@\/run\/app\.sock/, "tiengnoi_app")
			print
			if (loc ~ /\^\/q\/|\/status/) {
				ind = $0; sub(/[^ ].*/, "", ind)
				print ind "fastcgi_next_upstream error timeout non_idempotent;"
			}
			next
		}
		{ print }' "$ROOT/nginx/tiengnoi.conf.in" |
	sed -e "s|@PORT@|$PORT|g; s|@VAR@|$HA|g; s|@ROOT@|$ROOT|g" \
	    -e "s|@USER@|$RUN_USER|g; s|@LIMIT_KEY@|$key|g" >"$HA/nginx/nginx.conf.new"
	$ROOTUSER || sed -i '/^user /d' "$HA/nginx/nginx.conf.new"
	! grep -q -e '@[A-Z_]*@' -e 'app\.sock' "$HA/nginx/nginx.conf.new" ||
		die "nginx/tiengnoi.conf.in changed in a way scripts/ha.sh does not know (placeholders or app.sock left)"
	grep -q 'fastcgi_pass tiengnoi_app' "$HA/nginx/nginx.conf.new" || die "no fastcgi_pass left to point at the upstream"
	mv "$HA/nginx/nginx.conf.new" "$HA/nginx/nginx.conf"
}

start_nginx() {
	render_nginx
	nginx_up "$HA/nginx" "$LOG/app1.log"
}

# The checkout's CLI and app read this when no other configuration is given.
write_conf() {
	cat >"$CONF.new" <<-EOF
		# Written by scripts/ha.sh start (make ha-start), removed by stop: the HA
		# cluster's two nodes; libpq connects to the one that accepts writes.
		database = $(conninfo tiengnoi_app)
		database_owner = $(conninfo tiengnoi)
	EOF
	mv "$CONF.new" "$CONF"
}

admin() { (cd "$ROOT" && TIENGNOI_DB="$(conninfo tiengnoi)" "$ADMIN" "$@") || die "'tiengnoi-admin $*' failed"; }

cmd_start() {
	local out n a
	if [ -z "${TIENGNOI_BUILD:-}" ]; then
		out=$(make -s -C "$ROOT" all 2>&1) || { echo "$out" >&2; die "build failed (make all)"; }
	fi
	[ -x "$APP" ] && [ -x "$ADMIN" ] || die "$APP and $ADMIN are missing: build them first"
	prepare_dirs
	load_ports
	make_secrets
	start_etcd
	for n in $NODES; do start_node "$n"; done
	wait_leader 120
	say "PostgreSQL leader: $(leader)"
	wait_sync 90 || say "warning: no synchronous standby yet (see $LOG/node*.log); reports are on one machine until it catches up"
	write_conf
	init_database
	for a in $APPS; do start_app "$a"; done
	start_sender
	start_nginx
	echo
	echo "Tiếng nói (high availability) is running at $BASE_URL/   (state: $HA)"
	cmd_status || true
	echo "Demo QR codes (worker forms):"
	admin qr list | sed 's/^/  /'
	echo "The CLI reaches the leader with: TIENGNOI_DB=\"$(conninfo tiengnoi)\" build/tiengnoi-admin ..."
	echo "(and without TIENGNOI_DB once it reads $CONF)"
}

cmd_stop() {
	local pid n a leaders=
	if pid=$(nginx_pid); then stop_pid "$pid" QUIT 10; fi
	rm -f "$RUN/nginx.pid"
	for a in $APPS; do
		if pid=$(app_pid "$a"); then stop_pid "$pid" TERM 15; fi
		rm -f "$RUN/$a.pid" "$RUN/$a.sock"
	done
	if pid=$(sender_pid); then stop_pid "$pid" TERM 35; fi   # each lane finishes the batch it is in
	rm -f "$RUN/sender.pid"
	# replicas first: a leader stopped first would hand over to its standby
	if read_ports; then leaders=$(leader 2>/dev/null || true); fi
	for n in $NODES; do
		[ "$n" = "$leaders" ] && continue
		if pid=$(node_pid "$n"); then stop_pid "$pid" TERM 60; fi
	done
	if [ -n "$leaders" ] && pid=$(node_pid "$leaders"); then stop_pid "$pid" TERM 60; fi
	for n in $NODES; do   # a postmaster whose launcher was killed
		if pid=$(pg_pid "$n"); then stop_pid "$pid" INT 30; fi
	done
	if pid=$(etcd_pid); then stop_pid "$pid" TERM 10; fi
	rm -f "$RUN/etcd.pid" "$CONF"
	say "stopped ($HA)"
}

cmd_status() {
	local pid n a rc=0
	read_ports || { echo "ha: not started yet ($HA)" >&2; return 3; }
	if pid=$(etcd_pid); then echo "etcd etcd $pid"; else echo "ha: etcd is not running" >&2; rc=3; fi
	for n in $NODES; do
		if pid=$(node_pid "$n"); then
			case $(node_role "$n") in
			leader) echo "pg-leader $n $pid" ;;
			*) echo "pg-replica $n $pid" ;;
			esac
		else
			echo "ha: $n is not running" >&2; rc=3
		fi
	done
	for a in $APPS; do
		if pid=$(app_pid "$a"); then echo "app $a $pid"; else echo "ha: $a is not running" >&2; rc=3; fi
	done
	if pid=$(sender_pid); then echo "sender sender $pid"; else echo "ha: the sender is not running" >&2; rc=3; fi
	if pid=$(nginx_pid); then echo "nginx nginx $pid"; else echo "ha: nginx is not running" >&2; rc=3; fi
	return $rc
}

case "${1:-}" in
	start) cmd_start ;;
	stop) cmd_stop ;;
	status) cmd_status ;;
	*) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
