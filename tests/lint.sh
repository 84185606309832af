#!/bin/bash
# lint.sh: house rules a compiler does not check (libpq only in db.c, SQL as literals, escaping, columns by name, headers); prints TAP.
cd "$(dirname "${BASH_SOURCE[0]}")/.."
n=0 failed=0
# The rooms already on the console kit: the lints below that the older rooms
# still fail (raw markup as literals, buf_* into page output, result columns
# by number) check only these. The lead widens it to all of fcgi/ at merge.
CLEAN_FILES="fcgi/console.c fcgi/html.c fcgi/http.c fcgi/route.c fcgi/req.c fcgi/db.c fcgi/auth.c fcgi/org.c fcgi/poster.c
	fcgi/fmt.c fcgi/log.c fcgi/i18n.c fcgi/page_admin_units.c fcgi/page_admin_workplaces.c fcgi/page_admin_qr.c
	fcgi/page_admin_officers.c fcgi/page_admin_audit.c fcgi/page_admin_totp.c fcgi/page_admin_login.c
	fcgi/page_admin_export.c"
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
check "db_query*() always gets SQL as a string literal" \
	"$(perl -0777 -ne 'while (/\bdb_(?:query(?:_bin)?|stream_begin)\(\s*[^,()]+,\s*+(?!"|sql_literal\b)(\S{0,30})/g) { print "$ARGV: $1\n" }' \
		$(ls fcgi/*.c | grep -v '^fcgi/db\.c$'))"
check "run() in the CLI always gets SQL as a string literal" \
	"$(grep -nE '[^_a-z]run\(' fcgi/admin.c | grep -vE 'run\(("|sql_literal)|static PGresult|\*run\(|->run\(' )"
check "html_raw_trusted() only with string literals" \
	"$(grep -nE 'html_raw_trusted\(' fcgi/*.c | grep -v '^fcgi/html\.[ch]:.*html_raw_trusted(struct' | grep -vE '"|_literal\)')"
check "html_raw_trusted() only in html.c, console.c and the allowed dynamic fragments; markup otherwise through html_lit()" \
	"$(grep -nE '\bhtml_raw_trusted\(' $CLEAN_FILES | grep -vE "^($(echo $RAW_ALLOWED | tr ' ' '|')):")"
check "no buf_* write into page output (r->out) outside html.c, console.c and http.c" \
	"$(grep -nE '\bbuf_(puts|putc|append|appendf)\(\s*r->out\b' $CLEAN_FILES | grep -vE '^fcgi/(html|console|http)\.c:')"
check "no result column read by its number: PQgetvalue(res, row, COLUMN_NAME)" \
	"$(grep -nE '\bPQgetvalue\([^,]+,[^,]+,\s*[0-9]+\s*\)' $CLEAN_FILES | grep -v '^fcgi/db\.c:')"
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
