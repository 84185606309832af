#!/bin/bash
# backup_units.sh: the backup timers and services are valid, sandboxed, and back up the stanza etc/pgbackrest.conf defines; prints TAP.
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
n=0 failed=0
check() {   # check NAME OFFENDING-LINES
	n=$((n + 1))
	if [ -z "$2" ]; then echo "ok $n - $1"; else
		failed=$((failed + 1)); echo "not ok $n - $1"; printf '%s\n' "$2" | head -n 15 | sed 's/^/#   /'
	fi
}
units=(systemd/tiengnoi-backup-full.service systemd/tiengnoi-backup-full.timer
       systemd/tiengnoi-backup-diff.service systemd/tiengnoi-backup-diff.timer)
for u in "${units[@]}"; do
	[ -f "$u" ] || { check "$u exists" "missing"; continue; }
	check "systemd-analyze verify $u" "$(systemd-analyze verify "$u" 2>&1)"
done
for s in systemd/tiengnoi-backup-full.service systemd/tiengnoi-backup-diff.service; do
	score=$(systemd-analyze security --offline=true "$s" 2>&1 | sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')
	check "$s: exposure $score <= 2.0" "$(awk -v s="${score:-99}" 'BEGIN { if (s + 0 > 2.0) print "exposure " s }')"
done
stanza=$(sed -n 's/^\[\([a-z0-9_-]*\)\]$/\1/p' etc/pgbackrest.conf | grep -v '^global$')
check "etc/pgbackrest.conf defines the stanza tiengnoi" "$([ "$stanza" = tiengnoi ] || echo "stanzas: $stanza")"
check "the services back up that stanza, full and diff" \
	"$(grep -q 'ExecStart=/usr/bin/pgbackrest --stanza=tiengnoi --type=full backup$' systemd/tiengnoi-backup-full.service || echo full
	   grep -q 'ExecStart=/usr/bin/pgbackrest --stanza=tiengnoi --type=diff backup$' systemd/tiengnoi-backup-diff.service || echo diff)"
for t in systemd/tiengnoi-backup-full.timer systemd/tiengnoi-backup-diff.timer; do
	cal=$(sed -n 's/^OnCalendar=//p' "$t")
	check "$t: OnCalendar parses ($cal)" "$(systemd-analyze calendar "$cal" >/dev/null 2>&1 || echo "systemd-analyze calendar '$cal' fails")"
done
check "the full and differential timers never fire on the same day" \
	"$(full=$(sed -n 's/^OnCalendar=\([A-Za-z.]*\) .*/\1/p' systemd/tiengnoi-backup-full.timer)
	   diff=$(sed -n 's/^OnCalendar=\([A-Za-z.]*\) .*/\1/p' systemd/tiengnoi-backup-diff.timer)
	   [ "$full" = Sun ] && [ "$diff" = Mon..Sat ] || echo "full on '$full', diff on '$diff'")"
check "the repository is encrypted and retention is set" \
	"$(for k in repo1-cipher-type=aes-256-cbc repo1-retention-full=4 repo1-retention-diff=6; do grep -qx "$k" etc/pgbackrest.conf || echo "no $k"; done)"
echo "1..$n"
[ "$failed" -eq 0 ]
