#!/bin/bash
# package.sh: make install into a throwaway tree and run what it installed against a private PostgreSQL (config
# refusals, migrate, config check, the service's start, reload, drain), systemd-analyze verify and security on the
# units, make deb, lintian and the package's contents. Nothing is installed on this machine. Prints TAP.
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
ROOT=$PWD
PGBIN=/usr/lib/postgresql/15/bin
T=$(mktemp -d /tmp/tiengnoi-pkg.XXXXXX)
chmod 0755 "$T"
DEST=$T/root
ADMIN=$DEST/usr/bin/tiengnoi-admin
APP=$DEST/usr/lib/tiengnoi/tiengnoi.fcgi
n=0 failed=0 APP_PID=

ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() {
	n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"
	[ -z "${2:-}" ] || printf '%s\n' "$2" | head -n 20 | sed 's/^/#   /'
}
# check NAME CONDITION-COMMAND [DIAGNOSTIC]: ok when the command succeeds
check() { if eval "$2" >/dev/null 2>&1; then ok "$1"; else not_ok "$1" "${3:-}"; fi; }

# The private cluster and the app run as postgres when we are root (PostgreSQL refuses root).
if [ "$(id -u)" = 0 ]; then
	RUN_USER=postgres
	as_run() { (cd / && setpriv --reuid=postgres --regid=postgres --init-groups -- "$@"); }
else
	RUN_USER=$(id -un)
	as_run() { (cd / && "$@"); }
fi

cleanup() {
	if [ -n "$APP_PID" ] && kill -0 "$APP_PID" 2>/dev/null; then
		kill -TERM "$APP_PID"; sleep 1; kill -KILL -- "-$APP_PID" 2>/dev/null
	fi
	if [ -f "$T/pg/postmaster.pid" ]; then
		as_run "$PGBIN/pg_ctl" -D "$T/pg" -m immediate -w -t 30 stop >/dev/null 2>&1
	fi
	rm -rf "$T"
}
trap cleanup EXIT

# ---- make install into a throwaway root ----
if out=$(timeout 900 make -s install DESTDIR="$DEST" 2>&1); then ok "make install DESTDIR=..."; else
	not_ok "make install DESTDIR=..." "$out"; echo "1..$n"; exit 1; fi
check "binaries installed and executable" "[ -x '$ADMIN' ] && [ -x '$APP' ]"
check "every form, migration and static file installed" \
	"[ $(ls forms/*.json | wc -l) = \$(ls '$DEST'/usr/share/tiengnoi/forms/*.json | wc -l) ] &&
	 [ $(ls sql/*.sql | wc -l) = \$(ls '$DEST'/usr/share/tiengnoi/sql/*.sql | wc -l) ] &&
	 [ $(find static -maxdepth 1 -type f | wc -l) = \$(ls '$DEST'/usr/share/tiengnoi/static | wc -l) ]"
missing=
for f in systemd/*.service systemd/*.timer; do [ -f "$DEST/lib/systemd/system/${f#systemd/}" ] || missing+=" $f"; done
[ -f "$DEST/etc/tiengnoi/tiengnoi.conf" ] || missing+=" etc/tiengnoi.conf"
for f in etc/*; do [ "$f" = etc/tiengnoi.conf ] || [ -f "$DEST/usr/share/doc/tiengnoi/examples/${f#etc/}" ] || missing+=" $f"; done
[ "$(ls "$DEST/etc/tiengnoi/")" = "$(printf 'secrets\ntiengnoi.conf')" ] || missing+=" (/etc/tiengnoi holds more than tiengnoi.conf and secrets/)"
[ ! -f nginx/tiengnoi-site.conf ] || [ -f "$DEST/etc/nginx/sites-available/tiengnoi" ] || missing+=" nginx/tiengnoi-site.conf"
check "every unit, the config, the examples (etc/*) and the nginx site installed (by glob)" "[ -z '$missing' ]" "missing:$missing"
check "secrets directory is 0700, state directory 0750" \
	"[ \$(stat -c %a '$DEST/etc/tiengnoi/secrets') = 700 ] && [ \$(stat -c %a '$DEST/var/lib/tiengnoi') = 750 ]"
check "the installed build has the FHS paths compiled in" \
	"strings '$ADMIN' | grep -qx /etc/tiengnoi/tiengnoi.conf && strings '$ADMIN' | grep -qx /usr/share/tiengnoi/sql &&
	 strings '$APP' | grep -qx /run/tiengnoi/tiengnoi.sock"
check "the units start the installed programs" \
	"grep -qx 'ExecStart=/usr/lib/tiengnoi/tiengnoi.fcgi' '$DEST/lib/systemd/system/tiengnoi.service' &&
	 grep -qx 'ExecStart=/usr/lib/tiengnoi/tiengnoi-sender' '$DEST/lib/systemd/system/tiengnoi-sender.service' &&
	 [ -x '$DEST/usr/lib/tiengnoi/tiengnoi-sender' ] &&
	 grep -qx 'ExecStart=/usr/bin/tiengnoi-admin purge' '$DEST/lib/systemd/system/tiengnoi-purge.service'"
check "manual page installed and readable by man" "man -l '$DEST/usr/share/man/man1/tiengnoi-admin.1' 2>/dev/null | grep -q 'config check'"

# ---- a bad configuration: one line naming file, line and key; the CLI exits 1, the service 78 ----
bad() {   # bad NAME EXPECTED CONTENT (printf format)
	local name=$1 want=$2 out rc lines
	printf "$3" >"$T/bad.conf"
	out=$(TIENGNOI_CONFIG=$T/bad.conf "$ADMIN" config check 2>&1 >/dev/null); rc=$?
	if [ "$rc" = 1 ] && [ "$(printf '%s\n' "$out" | wc -l)" = 1 ] && [[ $out == *"$want"* ]]; then
		ok "config check refuses $name"
	else
		not_ok "config check refuses $name" "exit $rc, want 1 and one line with: $want"$'\n'"$out"
	fi
	out=$(TIENGNOI_CONFIG=$T/bad.conf as_run "$APP" -s "$T/never.sock" 2>&1); rc=$?
	lines=$(printf '%s\n' "$out" | wc -l)
	if [ "$rc" = 78 ] && [ "$lines" = 1 ] && [[ $out == *"refusing to start: "*"$want"* ]]; then
		ok "tiengnoi.fcgi refuses $name: exit 78, one line"
	else
		not_ok "tiengnoi.fcgi refuses $name: exit 78, one line" "exit $rc, $lines line(s), want: $want"$'\n'"$out"
	fi
}
chmod 0644 "$T/bad.conf" 2>/dev/null
bad "workers = many" "bad.conf:3: workers: must be a whole number from 1 to 256" \
	'database = host=/x\n# comment\nworkers = many\n'
bad "an unknown key" 'bad.conf:2: unknown key "databse"' 'base_url = https://x.vn\ndatabse = host=/x\n'
bad "base_url = ftp://" "bad.conf:1: base_url: must be an http:// or https:// address" 'base_url = ftp://x.vn\n'
bad "non-UTF-8 bytes" "bad.conf:1: not valid UTF-8" 'mail_from = a@\377\376.vn\n'
bad "a key given twice" "bad.conf:2: database: set twice (first on line 1)" 'database = host=/a\ndatabase = host=/b\n'
bad "a line that is not key = value" 'bad.conf:1: expected "key = value"' '<?php system($_GET[1]); ?>\n'
bad "a malformed connection string" "bad.conf:1: database: not a libpq connection string" "database = host='open\n"
bad "a missing required key" "bad.conf: database: missing (this key is required)" '# empty\n'
out=$(TIENGNOI_CONFIG=$T/nonexistent.conf "$ADMIN" migrate 2>&1); rc=$?
check "a configuration file that is not there is named" "[ $rc = 1 ] && [[ \"\$out\" == *'$T/nonexistent.conf: cannot read: No such file'* ]]" "$out"
head -c 70000 /dev/zero | tr '\0' '#' >"$T/bad.conf"
out=$(TIENGNOI_CONFIG=$T/bad.conf "$ADMIN" config check 2>&1); rc=$?
check "a huge file is refused" "[ $rc = 1 ] && [[ \"\$out\" == *'larger than 64 KiB'* ]]" "$out"

# ---- a private PostgreSQL, set up as docs/operations.md says ----
mkdir -p "$T/pg" "$T/run" "$T/secrets" "$T/state" "$T/app" "$T/log"
chown "$RUN_USER:" "$T/pg" "$T/run" "$T/secrets" "$T/state" "$T/app" "$T/log" 2>/dev/null
chmod 0700 "$T/secrets"
if ! as_run "$PGBIN/initdb" -D "$T/pg" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$T/initdb.log" 2>&1 ||
   ! printf "listen_addresses = ''\nunix_socket_directories = '%s'\n" "$T/run" >>"$T/pg/postgresql.conf" ||
   ! as_run "$PGBIN/pg_ctl" -D "$T/pg" -w -t 60 -l "$T/log/pg.log" start >/dev/null 2>&1; then
	not_ok "a private PostgreSQL starts" "$(tail -n 5 "$T/initdb.log" "$T/log/pg.log" 2>&1)"
	echo "1..$n"; exit 1
fi
psql_su() { as_run "$PGBIN/psql" -h "$T/run" -U postgres -d postgres -v ON_ERROR_STOP=1 -Atqc "$1"; }
check "roles and database made as documented (tiengnoi may create roles, owns the database)" \
	"psql_su 'CREATE ROLE tiengnoi LOGIN CREATEROLE' && psql_su 'CREATE DATABASE tiengnoi OWNER tiengnoi'"
cat >"$T/tiengnoi.conf" <<EOF
# a test server's settings
database = host=$T/run dbname=tiengnoi user=tiengnoi_app connect_timeout=3
database_owner = host=$T/run dbname=tiengnoi user=tiengnoi password=never-printed connect_timeout=3
base_url = https://tiengnoi.test.example/
workers = 2
socket = $T/app/tiengnoi.sock
forms_dir = $DEST/usr/share/tiengnoi/forms
secrets_dir = $T/secrets
state_dir = $T/state
EOF
chmod 0644 "$T/tiengnoi.conf"
export TIENGNOI_CONFIG=$T/tiengnoi.conf TIENGNOI_SQL_DIR=$DEST/usr/share/tiengnoi/sql
unset TIENGNOI_DB TIENGNOI_VAR TIENGNOI_KEY_FILE TIENGNOI_BASE_URL TIENGNOI_FORMS_DIR
out=$(as_run "$ADMIN" keys init 2>&1)
check "keys init makes the keys in secrets_dir" "[ -s '$T/secrets/server.key' ] && [ -s '$T/secrets/contact.pub' ] && [ -s '$T/secrets/contact.key' ]" "$out"
out=$(as_run "$ADMIN" keys init 2>&1)
check "keys init keeps existing keys" "[[ \"\$out\" == *'kept $T/secrets/server.key'* ]]" "$out"
out=$(as_run "$ADMIN" migrate 2>&1); rc=$?
applied=$(as_run "$PGBIN/psql" -h "$T/run" -U tiengnoi -d tiengnoi -Atqc 'SELECT count(*) FROM schema_migration' 2>&1)
check "migrate as the owner role (not a superuser) applies every migration" \
	"[ $rc = 0 ] && [ '$applied' = $(ls sql/*.sql | wc -l) ]" "exit $rc, applied $applied"$'\n'"$out"
out=$(as_run "$ADMIN" migrate 2>&1)
check "migrate again changes nothing" "[ \$? = 0 ] && [ '$(as_run "$PGBIN/psql" -h "$T/run" -U tiengnoi -d tiengnoi -Atqc 'SELECT count(*) FROM schema_migration')' = '$applied' ]" "$out"
out=$(as_run "$ADMIN" config check 2>&1); rc=$?
check "config check: exit 0 and the effective settings" \
	"[ $rc = 0 ] && [[ \"\$out\" == *'base_url = https://tiengnoi.test.example   # $T/tiengnoi.conf:4'* ]] &&
	 [[ \"\$out\" == *'# config check: ok'* ]] && [[ \"\$out\" == *'workers = 2'* ]]" "$out"
check "config check masks the password" \
	"[[ \"\$out\" == *'password=********'* ]] && [[ \"\$out\" != *never-printed* ]]" "$out"

# ---- the installed service, started unprivileged as under systemd's User= ----
# setsid and setpriv exec in place: $! is the supervisor itself, leading its own session
if [ "$(id -u)" = 0 ]; then
	(cd / && exec setsid setpriv --reuid=postgres --regid=postgres --init-groups -- "$APP" >"$T/app.log" 2>&1 </dev/null) &
else
	(cd / && exec setsid "$APP" >"$T/app.log" 2>&1 </dev/null) &
fi
APP_PID=$!
for i in $(seq 100); do [ -S "$T/app/tiengnoi.sock" ] && break; kill -0 "$APP_PID" 2>/dev/null || break; sleep 0.1; done
check "tiengnoi.fcgi starts unprivileged on the configured socket" "[ -S '$T/app/tiengnoi.sock' ]" "$(cat "$T/app.log")"
check "the socket is not world-accessible (0660)" "[ \$(stat -c %a '$T/app/tiengnoi.sock') = 660 ]"
out=$(timeout 20 python3 tests/production/fcgi_get.py "$T/app/tiengnoi.sock" /healthz 2>&1)
check "GET /healthz over FastCGI answers 200 ok" "[[ \"\$out\" == 'Status: 200'* ]] && [[ \"\$out\" == *\$'\\r\\n\\r\\nok'* ]]" "$out"
check "the log says workers from the configuration" "grep -q 'with 2 workers' '$T/app.log'" "$(cat "$T/app.log")"
kill -HUP "$APP_PID"
for i in $(seq 50); do grep -q 'forms reloaded' "$T/app.log" && break; sleep 0.1; done
nforms=$(ls "$DEST"/usr/share/tiengnoi/forms/*.json | wc -l)
check "SIGHUP (systemctl reload) reloads the forms ($nforms installed)" "grep -q 'forms reloaded ($nforms forms)' '$T/app.log'" "$(tail -n 5 "$T/app.log")"
t0=$(date +%s)
kill -TERM "$APP_PID"
rc=timeout
for i in $(seq 200); do kill -0 "$APP_PID" 2>/dev/null || { wait "$APP_PID"; rc=$?; break; }; sleep 0.1; done
check "SIGTERM drains and exits 0 within TimeoutStopSec (20 s), removing the socket" \
	"[ '$rc' = 0 ] && [ ! -e '$T/app/tiengnoi.sock' ] && grep -q stopped '$T/app.log'" "exit $rc after $(( $(date +%s) - t0 )) s"
APP_PID=
if [ "$(id -u)" = 0 ]; then
	out=$("$APP" 2>&1); rc=$?
	check "as root without -u it refuses to run (exit 78)" "[ $rc = 78 ] && [[ \"\$out\" == *'refusing to run as root'* ]]" "$out"
fi
sed "s|^secrets_dir = .*|secrets_dir = $T/state|" "$T/tiengnoi.conf" >"$T/nokeys.conf"
out=$(TIENGNOI_CONFIG=$T/nokeys.conf as_run "$APP" 2>&1); rc=$?
check "a missing key file: exit 78, one line naming the file" \
	"[ $rc = 78 ] && [ \$(printf '%s\n' \"\$out\" | wc -l) = 1 ] && [[ \"\$out\" == *'$T/state/server.key'* ]]" "exit $rc: $out"
sed "s|^database = host=[^ ]*|database = host=$T/nowhere|" "$T/tiengnoi.conf" >"$T/nodb.conf"
out=$(TIENGNOI_CONFIG=$T/nodb.conf TIENGNOI_DB_WAIT=1 as_run "$APP" 2>&1); rc=$?
check "an unreachable database: exit 69 (systemd retries later), one line naming the key" \
	"[ $rc = 69 ] && [ \$(printf '%s\n' \"\$out\" | wc -l) = 1 ] && [[ \"\$out\" == *'database ($T/nodb.conf:2) unreachable'* ]] &&
	 [ ! -e '$T/app/tiengnoi.sock' ]" "exit $rc: $out"
out=$(TIENGNOI_CONFIG=$T/nodb.conf as_run "$ADMIN" config check 2>&1 >/dev/null); rc=$?
check "config check names the unreachable database" \
	"[ $rc = 1 ] && [[ \"\$out\" == *'database ($T/nodb.conf:2) unreachable'* ]]" "exit $rc: $out"
unset TIENGNOI_CONFIG TIENGNOI_SQL_DIR

# ---- systemd: verify every unit against the installed tree; the sandbox's exposure ----
V=$T/vroot
cp -a "$DEST" "$V"
cp -a /lib/systemd/system/*.target "$V/lib/systemd/system/" 2>/dev/null
# programs the units run that come from other packages (kill, pgbackrest...), copied from this machine
for exe in $(sed -n 's/^Exec[A-Za-z]*=[-@:+!]*\(\/[^ ]*\).*/\1/p' "$V"/lib/systemd/system/tiengnoi*); do
	[ -e "$V$exe" ] || [ ! -x "$exe" ] || { mkdir -p "$V$(dirname "$exe")"; cp "$exe" "$V$exe"; }
done
units=$(cd "$V" && ls lib/systemd/system/tiengnoi*.service lib/systemd/system/tiengnoi*.timer)
out=$(cd "$V" && timeout 120 systemd-analyze verify --root="$V" $units 2>&1); rc=$?
check "systemd-analyze verify: every unit clean ($(echo $units | wc -w) units)" "[ $rc = 0 ] && [ -z \"\$out\" ]" "$out"
sed -i 's/^Restart=on-failure/Restart=sometimes/' "$V/lib/systemd/system/tiengnoi.service"
out=$(cd "$V" && timeout 120 systemd-analyze verify --root="$V" lib/systemd/system/tiengnoi.service 2>&1)
check "systemd-analyze verify notices a broken unit (the check can fail)" "[[ \"\$out\" == *sometimes* ]]" "$out"
for unit in tiengnoi.service tiengnoi-sender.service tiengnoi-purge.service; do
	score=$(timeout 120 systemd-analyze security --offline=true --no-pager "systemd/$unit" 2>&1 |
		sed -n "s/.*Overall exposure level for $unit: \([0-9.]*\).*/\1/p")
	check "systemd-analyze security --offline: $unit exposure $score <= 2.0 (OK)" \
		"[ -n '$score' ] && awk 'BEGIN { exit !($score <= 2.0) }'"
	echo "# exposure $unit: $score"
done

# ---- the Debian package ----
version=$(dpkg-parsechangelog -l debian/changelog -S Version)
deb=build/tiengnoi_${version}_$(dpkg --print-architecture).deb
rm -f "$deb"
if out=$(timeout 1500 make -s deb 2>&1) && [ -f "$deb" ]; then ok "make deb builds $deb"; else
	not_ok "make deb builds $deb" "$out"; echo "1..$n"; exit 1; fi
check "the package version comes from debian/changelog" "[ \"\$(dpkg-deb -f '$deb' Version)\" = '$version' ]"
out=$(timeout 600 lintian --allow-root "$deb" 2>&1); rc=$?
errors=$(printf '%s\n' "$out" | grep -c '^E:')
check "lintian: no errors" "[ $errors = 0 ] && [ $rc != 2 ]" "$out"
echo "# lintian: $errors errors, $(printf '%s\n' "$out" | grep -c '^W:') warnings"
printf '%s\n' "$out" | grep '^[EW]:' | sed 's/^/#   /'
dpkg-deb -c "$deb" | awk '$1 !~ /^d/ { sub(/^\.\//, "", $6); print $6 }' | sed 's/\.gz$//' | sort >"$T/deb.list"
(cd "$DEST" && find . -type f | sed 's|^\./||' | sort) >"$T/install.list"
check "the package holds exactly what make install lays out (plus copyright and changelog)" \
	"diff <(grep -vxE 'usr/share/doc/tiengnoi/(copyright|changelog)' '$T/deb.list') '$T/install.list'" \
	"$(diff <(grep -vxE 'usr/share/doc/tiengnoi/(copyright|changelog)' "$T/deb.list") "$T/install.list")"
check "no secrets directory or state shipped in the package (postinst makes them)" \
	"! grep -qE '^(etc/tiengnoi/secrets|var/)' '$T/deb.list' && ! dpkg-deb -c '$deb' | grep -qE ' \./(etc/tiengnoi/secrets|var/)'"
check "every file in the package is root's; the programs 0755" \
	"! dpkg-deb -c '$deb' | awk '{ print \$2 }' | grep -qv '^root/root$' &&
	 [ \"\$(dpkg-deb -c '$deb' | grep -E '(usr/bin/tiengnoi-admin|usr/lib/tiengnoi/tiengnoi.fcgi)$' | awk '{ print \$1 }' | sort -u)\" = -rwxr-xr-x ]"
mkdir -p "$T/ctl" && dpkg-deb -e "$deb" "$T/ctl"
conffiles=/etc/tiengnoi/tiengnoi.conf
[ ! -f nginx/tiengnoi-site.conf ] || conffiles+=" /etc/nginx/sites-available/tiengnoi"
missing=; for c in $conffiles; do grep -qx "$c" "$T/ctl/conffiles" || missing+=" $c"; done
check "conffiles:$conffiles" "[ -z '$missing' ]" "missing:$missing"
check "maintainer scripts parse (sh -n)" "for s in '$T'/ctl/{postinst,postrm,prerm}; do sh -n \"\$s\" || exit 1; done"
check "postinst creates the system user and runs keys init and migrate as it, never failing the install on them" \
	"grep -q 'adduser --quiet --system --group' '$T/ctl/postinst' && grep -q 'tiengnoi-admin keys init' '$T/ctl/postinst' &&
	 grep -q 'if out=\$(as_tiengnoi tiengnoi-admin migrate' '$T/ctl/postinst'"
check "no maintainer script ever drops the database" \
	"! grep -qiE 'dropdb|drop database|pg_dropcluster' '$T'/ctl/{postinst,postrm,prerm}"
check "nothing is enabled or started at install (the database and base_url come first)" \
	"! grep -qE 'deb-systemd-invoke (start|restart) .tiengnoi.service' '$T/ctl/postinst' || grep -q 'MIGRATED' '$T/ctl/postinst'"

echo "1..$n"
echo "# package: $((n - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]
