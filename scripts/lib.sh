#!/bin/bash
# lib.sh: the shell helpers scripts/stack.sh and scripts/ha.sh share (sourced, not run).
# The caller defines say, ROOTUSER, RUN_USER and as_run before calling them.

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
