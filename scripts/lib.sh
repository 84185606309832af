#!/bin/bash
# lib.sh: the shell helpers scripts/stack.sh and scripts/ha.sh share (sourced, not run).
# The caller sets ROOT (the checkout) and calls stack_settings first; it defines
# ROOTUSER, RUN_USER and as_run before the rest; nginx_up also reads LOG and the
# caller's nginx_pid.

# stack_settings NAME: what both stacks read from the environment (the state
# directory, port, workers, base URL, build and forms directories) and the
# programs they run; say and die then speak as NAME. TIENGNOI_DB is dropped:
# a stack always uses its own cluster.
stack_settings() {
	ME=$1
	VAR=$(realpath -m "${TIENGNOI_VAR:-$ROOT/var}")
	PORT=${PORT:-8080}
	WORKERS=${WORKERS:-$(( 2 * $(nproc) ))}
	BASE_URL=${TIENGNOI_BASE_URL:-http://127.0.0.1:$PORT}
	PGBIN=/usr/lib/postgresql/15/bin NGINX=/usr/sbin/nginx
	BUILD=${TIENGNOI_BUILD:-build}; case $BUILD in /*) ;; *) BUILD=$ROOT/$BUILD;; esac
	APP=$BUILD/tiengnoi.fcgi ADMIN=$BUILD/tiengnoi-admin
	FORMS=$(realpath -m "${TIENGNOI_FORMS_DIR:-$ROOT/forms}")
	unset TIENGNOI_DB
	export TIENGNOI_VAR=$VAR TIENGNOI_BASE_URL=$BASE_URL
}
say() { echo "$ME: $*"; }
die() { echo "$ME: error: $*" >&2; exit 1; }

# pid_of FILE PATTERN: the pid in FILE if that process is alive and its command
# line contains PATTERN (so a stale file or a reused pid is never signalled).
pid_of() {
	local pid
	[ -r "$1" ] || return 1
	pid=$(head -n1 "$1" 2>/dev/null | tr -dc 0-9)
	[ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] || return 1
	tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$2" || return 1
	echo "$pid"
}

# wait_gone PID SECONDS: 0 once the process is gone, 1 on timeout.
wait_gone() {
	local i
	for ((i = 0; i < $2 * 10; i++)); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done
	return 1
}

# Make DIR and its ancestors traversable by the run user, adding only o+x
# where needed (a clone under /root, a mktemp directory).
ensure_traversable() {
	local d= part parts
	$ROOTUSER || return 0
	IFS=/ read -ra parts <<<"${1#/}"
	for part in "${parts[@]}"; do
		d=$d/$part
		if ! as_run test -x "$d"; then
			chmod o+x "$d"
			say "added o+x to $d so '$RUN_USER' can reach $1"
		fi
	done
}

# port_busy PORT: 0 when something listens on the TCP port (never, without ss).
port_busy() { ss -Hltn "sport = :$1" 2>/dev/null | grep -q .; }

# nginx_up DIR APPLOG: checks DIR/nginx.conf, reloads the running nginx
# (nginx_pid) or starts one on $PORT, then waits up to 15 s for /healthz to
# answer 200; on failure shows the tails of nginx's error log and APPLOG, and dies.
nginx_up() {
	local pid i
	"$NGINX" -q -t -p "$1" -c "$1/nginx.conf" || die "generated $1/nginx.conf is invalid"
	if pid=$(nginx_pid); then
		say "nginx already running (pid $pid), reloading its configuration"
		kill -HUP "$pid"
	else
		! port_busy "$PORT" || die "port $PORT is already in use by another program; choose another with PORT=..."
		"$NGINX" -p "$1" -c "$1/nginx.conf" || { tail -n 20 "$LOG/nginx-error.log" >&2; die "nginx did not start"; }
	fi
	for ((i = 0; i < 150; i++)); do
		curl -fsS -o /dev/null "http://127.0.0.1:$PORT/healthz" 2>/dev/null && return
		sleep 0.1
	done
	tail -n 10 "$LOG/nginx-error.log" "$2" >&2 || true
	die "http://127.0.0.1:$PORT/healthz does not answer 200 after 15 s"
}

# init_database: the keys, the schema and the demo data through the CLI (the
# caller's admin), then the secrets directory private to the run user.
init_database() {
	admin keys init
	admin migrate
	admin demo
	if $ROOTUSER; then chown -R "$RUN_USER:" "$VAR/secrets"; fi
	chmod 0700 "$VAR/secrets"; find "$VAR/secrets" -type f -exec chmod 0600 {} +
}
