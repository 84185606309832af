#!/bin/bash
# run.sh: every test (lint, unit tests plain and with ASan+UBSan, integration, browser); ends with "N passed, N failed".
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
OUT=$ROOT/tests/output
mkdir -p "$OUT"
# the HTML pages the suites are served, for the HTML checker (htmlcheck.mjs)
rm -rf "$OUT/html"
passed=0 failed=0
SAN_FLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all"

# run_suite NAME COMMAND...: runs a TAP-printing command, echoes its output,
# and adds its ok / not ok lines to the totals. A suite that fails without
# saying which test failed counts as one failure.
run_suite() {
	local name=$1; shift
	local log="$OUT/$name.log" ok bad rc
	echo "=== $name"
	"$@" >"$log" 2>&1
	rc=$?
	cat "$log"
	ok=$(grep -cE '^ok [0-9]+' "$log")
	bad=$(grep -cE '^not ok [0-9]+' "$log")
	if [ "$rc" -ne 0 ] && [ "$bad" -eq 0 ]; then
		bad=1
		echo "not ok - $name exited with status $rc"
	fi
	passed=$((passed + ok))
	failed=$((failed + bad))
}

# build_step NAME COMMAND...: a build that must succeed; counts as one test.
build_step() {
	local name=$1; shift
	echo "=== $name"
	if "$@" >"$OUT/$name.log" 2>&1; then
		passed=$((passed + 1)); echo "ok - $name"
		return 0
	fi
	failed=$((failed + 1)); echo "not ok - $name"; tail -n 30 "$OUT/$name.log"
	return 1
}

# lighthouse_run: a stack of its own on a free port (as each browser suite
# starts one, tests/browser/lib.mjs), Lighthouse over its landing page, a
# form and /status, the stack stopped and removed whatever happens.
lighthouse_run() (
	TIENGNOI_VAR=$(mktemp -d /tmp/tiengnoi-lighthouse-XXXXXX) || exit 1
	PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	export TIENGNOI_VAR PORT WORKERS=2 TIENGNOI_BASE_URL=http://127.0.0.1:$PORT
	trap 'scripts/stack.sh stop >/dev/null 2>&1; rm -rf "$TIENGNOI_VAR"' EXIT
	scripts/stack.sh start >/dev/null || exit 1
	landing=$(build/tiengnoi-admin qr list | head -n 1 | cut -f 1)
	timeout 900 node tests/browser/lighthouse.mjs "$TIENGNOI_BASE_URL" "$landing"
)

run_units() {   # run_units BUILD_DIR: every unit-test binary, TAP
	local rc=0 t
	for t in "$1"/test_*; do
		[ -x "$t" ] || continue
		echo "# $t"
		CMOCKA_MESSAGE_OUTPUT=TAP "$t" || rc=1
	done
	return $rc
}

# sanitizer reports from the app under test land here, one file per process
SAN_LOG=$OUT/sanitizer
rm -rf "$SAN_LOG"; mkdir -p "$SAN_LOG"; chmod 1777 "$SAN_LOG"
sanitizer_clean() {
	if ls "$SAN_LOG"/* >/dev/null 2>&1; then
		echo "not ok 1 - no AddressSanitizer/UBSan report from the app"
		head -n 40 "$SAN_LOG"/* | sed 's/^/#   /'
		return 1
	fi
	echo "ok 1 - no AddressSanitizer/UBSan report from the app"
}

run_suite lint tests/lint.sh
if build_step build make -j2 all unit-bins; then
	run_suite unit run_units build
fi
if build_step build-asan make -j2 BUILD=build-asan CFLAGS="$SAN_FLAGS" all unit-bins; then
	ASAN_OPTIONS=detect_leaks=1 run_suite unit-asan run_units build-asan
	# the integration suite drives the sanitizer build of the app through nginx
	TIENGNOI_BUILD=build-asan \
	ASAN_OPTIONS="detect_leaks=0:log_path=$SAN_LOG/asan" \
	UBSAN_OPTIONS="print_stacktrace=1:log_path=$SAN_LOG/ubsan" \
		run_suite integration python3 tests/integration/run.py
	run_suite sanitizer sanitizer_clean
fi
if [ -d tests/browser/node_modules ]; then
	run_suite browser node tests/browser/run.mjs
	run_suite console node tests/browser/console.mjs
	run_suite loop node tests/browser/loop.mjs
	run_suite lighthouse lighthouse_run
	# every page the integration, browser and console suites saved: valid HTML
	run_suite htmlcheck node tests/browser/htmlcheck.mjs
else
	echo "not ok - browser tests: run 'make deps' first (tests/browser/node_modules missing)"
	failed=$((failed + 1))
fi

# --- production (issue 9) ---
# package: make deb, lintian, systemd-analyze, make install
run_suite package tests/production/package.sh

# TLS: the production nginx site
run_suite tls python3 tests/production/tls.py

# backups: the restore drill
run_suite backup-units tests/production/backup_units.sh
run_suite restore-drill timeout 540 python3 tests/production/restore_drill.py

# upgrades: previous release -> this tree
run_suite migration-locks python3 tests/production/migration_locks.py
run_suite upgrade timeout 840 python3 tests/production/upgrade.py

# high availability: failover
run_suite failover timeout -k 120 720 tests/production/failover.py   # TERM: it stops its stack

echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
