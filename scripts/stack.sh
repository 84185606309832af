#!/bin/bash
# Local stack launcher: a private PostgreSQL cluster, the FastCGI app and nginx
# under one state directory. Usage: scripts/stack.sh start|stop|run|status
# Env: TIENGNOI_VAR (default <repo>/var), PORT (8080), WORKERS (2 x cores),
# TIENGNOI_BASE_URL (http://127.0.0.1:$PORT), TIENGNOI_RATELIMIT=off for benches,
# TIENGNOI_BUILD (build dir, default build), TIENGNOI_FORMS_DIR (default <repo>/forms);
# the outbox sender gets TIENGNOI_SMTP_URL, TIENGNOI_MAIL_FROM and
# TIENGNOI_SENDER_BACKOFF_SCALE from the environment (no SMTP: mails stay queued).
# Settings for PostgreSQL beyond the defaults (WAL archiving in the restore drill)
# go in $TIENGNOI_VAR/pg-extra.conf, included when present.
# Several stacks with different TIENGNOI_VAR and PORT can run side by side.
set -eu

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
# shared: stack_settings, say, die, pid_of, wait_gone, ensure_traversable, port_busy, nginx_up, init_database
. "$ROOT/scripts/lib.sh"
stack_settings stack   # this stack is always the private cluster under $VAR
RUN=$VAR/run PG=$VAR/pg LOG=$VAR/log

case $PORT in ''|*[!0-9]*) die "PORT must be a number, got '$PORT'";; esac
case "$VAR$ROOT" in *[[:space:]\"\'\$\\\;{}\|\&]*)
	die "paths with spaces or any of \"'\$\\;{}|& are not supported: $VAR, $ROOT";; esac
[ ${#RUN} -le 90 ] || die "TIENGNOI_VAR is too long for unix sockets (max ~80 chars): $VAR"

ROOTUSER=false; [ "$(id -u)" = 0 ] && ROOTUSER=true
if $ROOTUSER; then
	RUN_USER=postgres
	id "$RUN_USER" >/dev/null 2>&1 || die "user '$RUN_USER' missing: install postgresql (make deps)"
	as_run() { (cd / && runuser -u "$RUN_USER" -- "$@"); }
else
	RUN_USER=$(id -un)
	as_run() { (cd / && "$@"); }
fi

# The postmaster runs with its data directory as cwd: a sure sign it is ours.
pg_pid() {
	local pid
	pid=$(pid_of "${1:-$PG/postmaster.pid}" postgres) &&
		[ "$(readlink "/proc/$pid/cwd" 2>/dev/null)" = "$PG" ] && echo "$pid"
}
app_pid()   { pid_of "$RUN/app.pid" "$RUN/app.sock"; }
nginx_pid() { pid_of "$RUN/nginx.pid" "$VAR/nginx/nginx.conf"; }
sender_pid() { pid_of "$RUN/sender.pid" tiengnoi-sender; }

prepare_dirs() {
	mkdir -p "$VAR" "$PG" "$RUN" "$LOG" "$VAR/nginx" "$VAR/secrets" || die "cannot create $VAR"
	$ROOTUSER || [ -O "$PG" ] || die "$PG belongs to another user; use your own TIENGNOI_VAR"
	ensure_traversable "$VAR"
	ensure_traversable "$ROOT"
	chmod 0700 "$PG" "$RUN" "$VAR/secrets"
	if $ROOTUSER; then chown "$RUN_USER:" "$PG" "$RUN" "$LOG" "$VAR/secrets"; fi
}

start_pg() {
	local pid lock locale=C
	if [ ! -f "$PG/PG_VERSION" ]; then
		locale -a 2>/dev/null | grep -qix 'c\.utf-\?8' && locale=C.UTF-8
		say "creating PostgreSQL cluster in $PG"
		as_run "$PGBIN/initdb" -D "$PG" -U tiengnoi --auth=trust -E UTF8 \
			--locale="$locale" >"$LOG/initdb.log" 2>&1 ||
			{ tail -n 20 "$LOG/initdb.log" >&2; die "initdb failed, see $LOG/initdb.log"; }
		echo "include_if_exists = 'tiengnoi.conf'" >>"$PG/postgresql.conf"
	fi
	# Rewritten at every start so a moved state directory still works.
	cat >"$PG/tiengnoi.conf" <<-EOF
		listen_addresses = ''
		unix_socket_directories = '$RUN'
		port = 5432
		max_connections = 200
		include_if_exists = '$VAR/pg-extra.conf'
	EOF
	if $ROOTUSER; then chown "$RUN_USER:" "$PG/tiengnoi.conf"; fi
	if pid=$(pg_pid); then say "PostgreSQL already running (pid $pid)"; return; fi
	# No postmaster of ours: lock files are left from a crash (their pid is
	# gone or now someone else's); PostgreSQL would refuse to start over them.
	rm -f "$PG/postmaster.pid"
	for lock in "$RUN"/.s.PGSQL.*.lock; do
		[ -e "$lock" ] && ! pg_pid "$lock" >/dev/null && rm -f "$lock" "${lock%.lock}"
	done
	as_run "$PGBIN/pg_ctl" -D "$PG" -w -t 60 -l "$LOG/pg.log" start >/dev/null ||
		{ tail -n 20 "$LOG/pg.log" >&2; die "PostgreSQL did not start, see $LOG/pg.log"; }
	if ! "$PGBIN/psql" -h "$RUN" -U tiengnoi -d postgres -Atqc \
		"select 1 from pg_database where datname = 'tiengnoi'" | grep -q 1; then
		"$PGBIN/createdb" -h "$RUN" -U tiengnoi tiengnoi || die "createdb failed"
	fi
}

admin() { (cd "$ROOT" && "$ADMIN" "$@") || die "'tiengnoi-admin $*' failed"; }

start_app() {
	local pid i
	if pid=$(app_pid); then
		say "app already running (pid $pid); stop and start to run a new build"; return
	fi
	rm -f "$RUN/app.sock" "$RUN/app.pid"
	local args=(-s "$RUN/app.sock" -w "$WORKERS" -f "$FORMS")
	if $ROOTUSER; then args+=(-u "$RUN_USER"); fi
	# Own session: Ctrl-C in "run" reaches us, and we stop the app in order.
	(cd "$ROOT" && exec setsid "$APP" "${args[@]}" </dev/null >>"$LOG/app.log" 2>&1) &
	echo $! >"$RUN/app.pid"
	disown $!   # no "Killed" job notice from bash in "run" mode
	for ((i = 0; i < 100; i++)); do
		[ -S "$RUN/app.sock" ] && break
		kill -0 "$(cat "$RUN/app.pid")" 2>/dev/null || break
		sleep 0.1
	done
	[ -S "$RUN/app.sock" ] || { tail -n 20 "$LOG/app.log" >&2; die "app did not open $RUN/app.sock, see $LOG/app.log"; }
	if $ROOTUSER; then chown "$RUN_USER:" "$RUN/app.sock"; fi
}

# The outbox sender (mails, webhooks) beside the app, as the run user; its
# lanes are its children in its own session. It runs at a lower CPU priority
# (nice 10, as Nice= in its systemd unit): on a busy machine the workers'
# reports go first and notices wait a little.
start_sender() {
	local pid run=()
	if pid=$(sender_pid); then say "sender already running (pid $pid)"; return; fi
	if $ROOTUSER; then run=(setpriv --reuid="$RUN_USER" --regid="$RUN_USER" --init-groups); fi
	(cd "$ROOT" && exec setsid nice -n 10 "${run[@]}" "$SENDER" </dev/null >>"$LOG/sender.log" 2>&1) &
	echo $! >"$RUN/sender.pid"
	disown $!
}

start_nginx() {
	local key='$binary_remote_addr'
	[ "${TIENGNOI_RATELIMIT:-on}" = off ] && key='""'
	sed -e "s|@PORT@|$PORT|g; s|@VAR@|$VAR|g; s|@ROOT@|$ROOT|g" \
	    -e "s|@USER@|$RUN_USER|g; s|@LIMIT_KEY@|$key|g" \
	    "$ROOT/nginx/tiengnoi.conf.in" >"$VAR/nginx/nginx.conf.new"
	$ROOTUSER || sed -i '/^user /d' "$VAR/nginx/nginx.conf.new"
	mv "$VAR/nginx/nginx.conf.new" "$VAR/nginx/nginx.conf"
	nginx_up "$VAR/nginx" "$LOG/app.log"
}

cmd_start() {
	local out
	# another build directory (e.g. the sanitizer build of make test) is built by its owner
	if [ -z "${TIENGNOI_BUILD:-}" ]; then
		out=$(make -s -C "$ROOT" all 2>&1) || { echo "$out" >&2; die "build failed (make all)"; }
	fi
	[ -x "$APP" ] && [ -x "$ADMIN" ] && [ -x "$SENDER" ] || die "$APP, $ADMIN or $SENDER is missing: build them first"
	# the app and CLI would read it and reach the HA cluster instead of this one
	[ ! -e "$VAR/tiengnoi.conf" ] ||
		die "$VAR/tiengnoi.conf exists (written by make ha-start): run make ha-stop first, or use another TIENGNOI_VAR"
	prepare_dirs
	start_pg
	init_database
	start_app
	start_sender
	start_nginx
	# the CLI run from another shell (no TIENGNOI_BASE_URL there) prints QR
	# addresses on this stack's PORT, not 8080 (config.c, config_base_url)
	echo "$BASE_URL" >"$RUN/base_url"
	echo
	echo "Tiếng nói is running at $BASE_URL/   (state: $VAR)"
	echo "Demo QR codes (worker forms):"
	(cd "$ROOT" && "$ADMIN" qr list) | sed 's/^/  /'
	if "$ADMIN" help 2>&1 | grep -q 'officer demo-login'; then
		echo "Officer console: $BASE_URL/admin/login"
		(cd "$ROOT" && "$ADMIN" officer demo-login) | sed 's/^/  /'
	else
		echo "Officer console: not yet available"
	fi
}

cmd_stop() {
	local pid
	if pid=$(nginx_pid); then
		kill -QUIT "$pid"    # graceful; then fast (TERM), then KILL
		wait_gone "$pid" 10 || { kill -TERM "$pid"; wait_gone "$pid" 5; } ||
			{ kill -KILL "$pid" 2>/dev/null; wait_gone "$pid" 5 || true; }
	fi
	rm -f "$RUN/nginx.pid"
	if pid=$(app_pid); then
		kill -TERM "$pid"
		# SIGKILL the whole session (supervisor and workers) if it hangs.
		wait_gone "$pid" 15 || { kill -KILL -- "-$pid" 2>/dev/null; wait_gone "$pid" 5 || true; }
	fi
	rm -f "$RUN/app.pid" "$RUN/app.sock" "$RUN/base_url"
	if pid=$(sender_pid); then
		kill -TERM "$pid"    # each lane finishes the delivery it is in (30 s at most)
		wait_gone "$pid" 35 || { kill -KILL -- "-$pid" 2>/dev/null; wait_gone "$pid" 5 || true; }
	fi
	rm -f "$RUN/sender.pid"
	if [ -f "$PG/PG_VERSION" ] && pg_pid >/dev/null; then
		as_run "$PGBIN/pg_ctl" -D "$PG" -m fast -w -t 60 stop >/dev/null ||
			die "PostgreSQL did not stop, see $LOG/pg.log"
	fi
	say "stopped ($VAR)"
}

cmd_status() {
	local pid rc=0 port
	port=$(sed -n 's/^ *listen 127\.0\.0\.1:\([0-9]*\);/\1/p' "$VAR/nginx/nginx.conf" 2>/dev/null) || true
	if pid=$(pg_pid); then echo "postgresql: running (pid $pid)"; else echo "postgresql: stopped"; rc=3; fi
	if pid=$(app_pid); then echo "app:        running (pid $pid)"; else echo "app:        stopped"; rc=3; fi
	if pid=$(sender_pid); then echo "sender:     running (pid $pid)"; else echo "sender:     stopped"; rc=3; fi
	if pid=$(nginx_pid); then echo "nginx:      running (pid $pid) at http://127.0.0.1:$port/"; else echo "nginx:      stopped"; rc=3; fi
	return $rc
}

cmd_run() {
	# Stop everything on Ctrl-C, on TERM, and when start fails half-way.
	trap 'trap - EXIT; trap "" INT TERM; echo; cmd_stop' EXIT
	trap 'exit 0' INT TERM
	cmd_start
	echo "Press Ctrl-C to stop"
	while :; do sleep 1 & wait $! || true; done
}

case "${1:-}" in
	start) cmd_start ;;
	stop) cmd_stop ;;
	run) cmd_run ;;
	status) cmd_status ;;
	*) echo "usage: $0 start|stop|run|status" >&2; exit 2 ;;
esac
