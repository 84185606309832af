#!/bin/bash
# insert_instructions.sh: how many CPU instructions PostgreSQL spends on one of the app's report INSERTs,
# counted by callgrind (deterministic: the figure moves by ~1% between runs where timings on a shared
# machine move by 30%). For telling what a schema change costs a report (docs/performance.md).
#
# Usage: tests/bench/insert_instructions.sh [N] [VAR]
#   N    INSERTs to count (200: the first few plan the statements, which the rest reuse)
#   VAR  the stack's state directory (var); its PostgreSQL must be stopped (scripts/stack.sh stop):
#        the count runs PostgreSQL single-user on that data directory, under valgrind --tool=callgrind
# Prints: instructions per INSERT (the run with N INSERTs minus the run with none, / N), and the
# callgrind files, for callgrind_annotate --inclusive=yes. The INSERT is fcgi/db.c's STMT_SUBMISSION_INSERT,
# prepared once, executed N times as tiengnoi_app with the bench's concern answers (each its own
# transaction, as the app's). The rows stay (N reports with keys ii…): use a scratch stack.
# Needs: valgrind (apt-get install valgrind). Exit status: 0 counted, 1 broken, 2 bad arguments.
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
N=${1:-200}
VAR=$(cd "${2:-$ROOT/var}" 2>/dev/null && pwd -P) || { echo "insert_instructions: no state directory ${2:-$ROOT/var}" >&2; exit 2; }
PGBIN=/usr/lib/postgresql/15/bin
case $N in '' | *[!0-9]* | 0) echo "insert_instructions: N must be a positive number, got '$N'" >&2; exit 2 ;; esac
[ -f "$VAR/pg/PG_VERSION" ] || { echo "insert_instructions: $VAR/pg is no PostgreSQL data directory" >&2; exit 2; }
[ -f "$VAR/pg/postmaster.pid" ] && { echo "insert_instructions: PostgreSQL runs on $VAR/pg: stop the stack first" >&2; exit 2; }
command -v valgrind >/dev/null || { echo "insert_instructions: valgrind is missing (apt-get install valgrind)" >&2; exit 1; }
RUN_USER=$(stat -c %U "$VAR/pg")
OUT=$(mktemp -d /tmp/insert-instr.XXXXXX)
chown "$RUN_USER" "$OUT" && chmod 755 "$OUT"

# script N TAG: SQL for the single-user backend, one statement a line
script() {
	python3 - "$1" "$2" <<'EOF'
import hashlib, sys
n, tag = int(sys.argv[1]), sys.argv[2]
print("SET ROLE tiengnoi_app;")
print("PREPARE ins(bigint, text, int, text, text, text, bytea, boolean, bytea, boolean, bigint, bigint) AS INSERT INTO "
      "submission (form_id, form_version, workplace_id, unit_id, entry_point_id, channel, answers, lang, "
      "idempotency_key, receipt_hash, urgent, contact_sealed, contact_consent_at, flood) VALUES ($2, $3, $11, $12, $1, "
      "'qr', $4::jsonb, $5, $6, $7, $8, $9, CASE WHEN $9::bytea IS NULL THEN NULL ELSE now() END, $10) "
      "ON CONFLICT (idempotency_key) DO NOTHING RETURNING id;")
for i in range(n):
    key = "ii%s%018d" % (tag, i)
    print("EXECUTE ins((SELECT 1), 'concern', 1, '{\"text\": \"Công ty nợ lương tháng %d của tổ may số 3, tăng ca đến 10 "
          "giờ đêm nhưng không được trả tiền làm thêm giờ. Anh chị em muốn công đoàn hỏi giúp.\", \"category\": "
          "\"wages\", \"urgency\": \"normal\"}', 'vi', '%s', '\\x%s', false, NULL, false, @WP@, @UNIT@);"
          % (i, key, hashlib.sha256(key.encode()).hexdigest()))
EOF
}
# the QR code the INSERTs name: the first one, with its workplace and unit (as the app's cache holds them)
where=$(echo "SELECT e.id AS eid, w.id AS wid, w.unit_id AS uid FROM entry_point e JOIN workplace w ON w.id = e.workplace_id ORDER BY e.id LIMIT 1;" |
	su "$RUN_USER" -s /bin/sh -c "$PGBIN/postgres --single -D '$VAR/pg' tiengnoi" 2>/dev/null)
eid=$(printf '%s\n' "$where" | sed -n 's/.*eid = "\([0-9]*\)".*/\1/p' | head -1)
wid=$(printf '%s\n' "$where" | sed -n 's/.*wid = "\([0-9]*\)".*/\1/p' | head -1)
uid=$(printf '%s\n' "$where" | sed -n 's/.*uid = "\([0-9]*\)".*/\1/p' | head -1)
case $eid$wid$uid in '' | *[!0-9]*) echo "insert_instructions: no QR code in the database (run make run once)" >&2; exit 1 ;; esac
tag=$(date +%s)
# count FILE: instructions of one single-user run reading FILE
count() {
	su "$RUN_USER" -s /bin/sh -c "valgrind --tool=callgrind --callgrind-out-file='$OUT/$2.cg' '$PGBIN/postgres' --single \
		-D '$VAR/pg' tiengnoi <'$1' >'$OUT/$2.log' 2>&1" || { tail -n 5 "$OUT/$2.log" >&2; exit 1; }
	grep -q "ERROR" "$OUT/$2.log" && { grep -m 3 "ERROR" "$OUT/$2.log" >&2; exit 1; }
	sed -n 's/^summary: //p' "$OUT/$2.cg"
}
script 0 "${tag}a" | sed "s/(SELECT 1)/$eid/; s/@WP@/$wid/; s/@UNIT@/$uid/" >"$OUT/none.sql"
script "$N" "${tag}b" | sed "s/(SELECT 1)/$eid/; s/@WP@/$wid/; s/@UNIT@/$uid/" >"$OUT/n.sql"
chmod 644 "$OUT"/*.sql
a=$(count "$OUT/none.sql" none) && b=$(count "$OUT/n.sql" n) || exit 1
echo "instructions per INSERT: $(((b - a) / N)) ($N INSERTs; callgrind files $OUT/none.cg, $OUT/n.cg)"
