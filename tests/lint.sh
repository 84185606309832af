#!/bin/bash
# lint.sh: house rules a compiler does not check (libpq only in db.c, SQL as literals, escaping, columns by name, headers); prints TAP.
cd "$(dirname "${BASH_SOURCE[0]}")/.."
n=0 failed=0
# html_raw_trusted() with something other than a literal: only the writer,
# the kit, and dynamic trusted fragments named here (none yet: the QR SVG goes in as a data: URL).
RAW_ALLOWED="fcgi/html.c fcgi/console.c"
check() {   # check NAME OFFENDING-LINES
	n=$((n + 1))
	if [ -z "$2" ]; then
		echo "ok $n - $1"
	else
		failed=$((failed + 1))
		echo "not ok $n - $1"
		printf '%s\n' "$2" | head -n 10 | sed 's/^/#   /'
	fi
}

check "libpq query calls only in fcgi/db.c" \
	"$(grep -nE '\bPQ(exec|prepare|execParams|execPrepared|sendQuery)\w*\(' fcgi/*.c | grep -v '^fcgi/db\.c:')"
check "SQL text only as literals: db_query, db_query_bin, db_stream_begin, db_guarded and cli_run compile only with one" \
	"$(for m in db_query db_query_bin db_stream_begin db_guarded; do grep -qE "^#define $m\(db, sql, n, v\) $m\(\(db\), \"\" sql" fcgi/db.h || echo "fcgi/db.h: $m is not a literal-only macro"; done
	grep -qE '^#define cli_run\(.*"" sql' fcgi/cli.h || echo "fcgi/cli.h: cli_run is not a literal-only macro"
	grep -nE '\((db_query|db_query_bin|db_stream_begin|db_guarded)\)\(' fcgi/*.c | grep -vE '^fcgi/(db|cli)\.c:')"
check "html_raw_trusted() only with string literals" \
	"$(grep -nE 'html_raw_trusted\(' fcgi/*.c | grep -v '^fcgi/html\.[ch]:.*html_raw_trusted(struct' | grep -vE '"|_literal\)')"
check "html_raw_trusted() only in html.c, console.c and the allowed dynamic fragments; markup otherwise through html_lit()" \
	"$(grep -nE '\bhtml_raw_trusted\(' fcgi/*.c | grep -vE "^($(echo $RAW_ALLOWED | tr ' ' '|')):")"
check "no buf_* write into page output (r->out) outside html.c, console.c and http.c" \
	"$(grep -nE '\bbuf_(puts|putc|append|appendf)\(\s*r->out\b' fcgi/*.c | grep -vE '^fcgi/(html|console|http)\.c:')"
check "no result column read by its number: PQgetvalue(res, row, COLUMN_NAME)" \
	"$(grep -nE '\bPQgetvalue\([^,]+,[^,]+,\s*[0-9]+\s*\)' fcgi/*.c | grep -v '^fcgi/db\.c:')"
check "no unbounded string functions" \
	"$(grep -nE '\b(sprintf|vsprintf|strcpy|strcat|gets)\(' fcgi/*.c tests/unit/*.c tests/bench/*.c 2>/dev/null)"
check "the app never reads the client address" \
	"$(grep -nE 'REMOTE_ADDR|HTTP_X_FORWARDED_FOR|HTTP_USER_AGENT' fcgi/*.c)"
check "every source file starts with a comment saying what it is for" \
	"$(for f in fcgi/*.[ch] tests/unit/*.c; do head -n1 "$f" | grep -qE '^/\* [a-z0-9_]+\.[ch]: .+' || echo "$f"; done)"
check "no TODO/FIXME left in code" \
	"$(grep -nE '\b(TODO|FIXME|XXX)\b' fcgi/*.[ch] sql/*.sql forms/*.json 2>/dev/null)"
check "form definitions are valid JSON" \
	"$(for f in forms/*.json; do python3 -m json.tool "$f" >/dev/null 2>&1 || echo "$f"; done)"
check "nginx templates and the production site pass no client address to the app" \
	"$(grep -nE 'fastcgi_param +REMOTE_(ADDR|PORT)|include +fastcgi_params' nginx/*.in nginx/*.conf)"

echo "1..$n"
echo "# lint: $((n - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]
