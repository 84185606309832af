#!/bin/bash
# lint.sh: house rules a compiler does not check (SQL only in db.c as literals, escaping, headers); prints TAP.
cd "$(dirname "${BASH_SOURCE[0]}")/.."
n=0 failed=0
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
check "db_query*() always gets SQL as a string literal" \
	"$(perl -0777 -ne 'while (/\bdb_(?:query(?:_bin)?|stream_begin)\(\s*[^,()]+,\s*+(?!"|sql_literal\b)(\S{0,30})/g) { print "$ARGV: $1\n" }' \
		$(ls fcgi/*.c | grep -v '^fcgi/db\.c$'))"
check "run() in the CLI always gets SQL as a string literal" \
	"$(grep -nE '[^_a-z]run\(' fcgi/admin.c | grep -vE 'run\(("|sql_literal)|static PGresult|\*run\(|->run\(' )"
check "html_raw_trusted() only with string literals" \
	"$(grep -nE 'html_raw_trusted\(' fcgi/*.c | grep -v '^fcgi/html\.[ch]:.*html_raw_trusted(struct' | grep -vE '"|_literal\)')"
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
check "nginx template passes no client address to the app" \
	"$(grep -nE 'fastcgi_param +REMOTE_(ADDR|PORT)|include +fastcgi_params' nginx/*.in)"

echo "1..$n"
echo "# lint: $((n - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]
