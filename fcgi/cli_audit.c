/* cli_audit.c: tiengnoi-admin's audit commands: verify the hash chain, print its newest rows. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <libpq-fe.h>
#include <sodium.h>

#include "app.h"
#include "arena.h"
#include "cli.h"
#include "db.h"

/* What audit_row_text() prints for `at`: microseconds since the epoch as
 * YYYY-MM-DDTHH:MM:SS.ffffffZ in UTC. */
static void
audit_time_text(long long us, char out[48])
{
	long long secs = us / 1000000, frac = us % 1000000;
	if (frac < 0) {
		frac += 1000000;
		secs--;
	}
	time_t t = (time_t)secs;
	struct tm tm;
	size_t n = gmtime_r(&t, &tm) ? strftime(out, 48, "%Y-%m-%dT%H:%M:%S", &tm) : 0;
	snprintf(out + n, 48 - n, ".%06lldZ", frac);
}

/* The columns of the chain walk's query (cmd_audit_verify), in its order:
 * the row's text is its first seven, as audit_row_text() joins them. */
enum chain_col { CH_ID, CH_AT_US, CH_OFFICER, CH_UNIT, CH_ACTION, CH_OBJECT, CH_DETAIL, CH_PREV_HASH, CH_HASH };

/* The hash a row should carry: SHA-256 of prev_hash and the row's text,
 * rebuilt here from the columns (not with audit_row_text()), so the check
 * does not trust the database's own formatting. */
static void
audit_row_hash(const unsigned char prev[32], PGresult *res, int i, unsigned char out[32])
{
	char at[48];
	audit_time_text(atoll(PQgetvalue(res, i, CH_AT_US)), at);
	const char *parts[7] = { PQgetvalue(res, i, CH_ID), at, PQgetvalue(res, i, CH_OFFICER), PQgetvalue(res, i, CH_UNIT),
		PQgetvalue(res, i, CH_ACTION), PQgetvalue(res, i, CH_OBJECT), PQgetvalue(res, i, CH_DETAIL) };
	crypto_hash_sha256_state st;
	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, prev, 32);
	for (int k = 0; k < 7; k++) {
		if (k > 0)
			crypto_hash_sha256_update(&st, (const unsigned char *)"\x1f", 1);
		crypto_hash_sha256_update(&st, (const unsigned char *)parts[k], strlen(parts[k]));
	}
	crypto_hash_sha256_final(&st, out);
}

static bool
hex32(const char *hex, unsigned char out[32])
{
	size_t n = 0;
	return sodium_hex2bin(out, 32, hex, strlen(hex), NULL, &n, NULL) == 0 && n == 32;
}

/* Walks the whole audit_log in id order, 10,000 rows at a time (constant
 * memory), recomputing every hash and checking every link. Exit 0 "audit
 * chain intact: N rows"; exit 1 naming the first broken row and why. With
 * --anchor HASH (a newest-row hash written down earlier) it also fails
 * when that row is gone: the one change a chain cannot show by itself is
 * its newest rows cut off, or everything after a point rewritten. */
int
cmd_audit_verify(struct cli *cli, struct opts *o)
{
	const char *anchor = cli_opt(o, "anchor");
	unsigned char want_anchor[32], prev[32] = { 0 }, calc[32], stored[32], link[32];
	bool anchor_seen = false;
	if (anchor && !hex32(anchor, want_anchor))
		return cli_fail(EXIT_USAGE, "--anchor must be 64 hex digits (a row hash printed by audit verify)");
	long long rows = 0;
	char last_id[24] = "", prev_id[24] = "", last_at[48] = "";
	for (;;) {
		const char *p[1] = { last_id };
		PGresult *res = cli_run(cli, "SELECT id, (extract(epoch FROM at) * 1000000)::bigint, coalesce(officer_id::text, ''), "
		    "coalesce(unit_id::text, ''), action, object, detail, encode(prev_hash, 'hex'), encode(hash, 'hex') "
		    "FROM audit_log WHERE ($1 = '' OR id > $1::bigint) ORDER BY id LIMIT 10000", 1, p, NULL);
		if (res == NULL)
			return EXIT_FAIL;
		int n = PQntuples(res);
		for (int i = 0; i < n; i++) {
			const char *id = PQgetvalue(res, i, CH_ID);
			if (!hex32(PQgetvalue(res, i, CH_PREV_HASH), link) || !hex32(PQgetvalue(res, i, CH_HASH), stored)) {
				PQclear(res);
				return cli_fail(EXIT_FAIL, "audit chain broken at row %s: its hashes are not 32 bytes", id);
			}
			audit_row_hash(link, res, i, calc);
			if (memcmp(calc, stored, 32) != 0) {
				/* tell a changed row from a CLI that formats rows unlike audit_row_text() */
				enum { AGREES };
				const char *q[1] = { id };
				PGresult *sql = cli_run(cli, "SELECT sha256(prev_hash || convert_to(audit_row_text(a), 'UTF8')) = hash "
				    "FROM audit_log a WHERE id = $1::bigint", 1, q, NULL);
				bool sql_agrees = sql && PQntuples(sql) == 1 && PQgetvalue(sql, 0, AGREES)[0] == 't';
				PQclear(sql);
				char *bad = arena_strdup(cli->arena, id);
				PQclear(res);
				if (sql_agrees)
					return cli_fail(EXIT_FAIL, "audit verify: row %s hashes differently here than in audit_row_text(); "
					    "the CLI and sql/ disagree on the row format (a bug, not tampering)", bad);
				return cli_fail(EXIT_FAIL, "audit chain broken at row %s: its content does not match its hash "
				    "(the row was changed after it was written)", bad);
			}
			if (memcmp(link, prev, 32) != 0) {
				char *bad = arena_strdup(cli->arena, id);
				PQclear(res);
				if (rows == 0)
					return cli_fail(EXIT_FAIL, "audit chain broken at row %s: it is the first row but does not start "
					    "the chain (its prev_hash is not 32 zero bytes): earlier rows were deleted", bad);
				return cli_fail(EXIT_FAIL, "audit chain broken at row %s: it does not follow row %s (its prev_hash is not "
				    "that row's hash): a row between them was deleted, or rows were rewritten", bad, prev_id);
			}
			if (anchor && memcmp(stored, want_anchor, 32) == 0)
				anchor_seen = true;
			memcpy(prev, stored, 32);
			snprintf(prev_id, sizeof(prev_id), "%s", id);
			rows++;
		}
		if (n > 0) {
			snprintf(last_id, sizeof(last_id), "%s", PQgetvalue(res, n - 1, CH_ID));
			audit_time_text(atoll(PQgetvalue(res, n - 1, CH_AT_US)), last_at);
		}
		PQclear(res);
		if (n < 10000)
			break;
	}
	if (anchor && !anchor_seen)
		return cli_fail(EXIT_FAIL, "audit chain broken: no row has the anchor hash %s any more: the rows since it was "
		    "written down were cut off or rewritten", anchor);
	char hex[65];
	sodium_bin2hex(hex, sizeof(hex), prev, 32);
	if (rows == 0)
		printf("audit chain intact: 0 rows\n");
	else
		printf("audit chain intact: %lld rows; newest row %s at %s, hash %s\n", rows, last_id, last_at, hex);
	return EXIT_OK;
}

/* Prints the newest N rows (default 20), oldest first, one per line:
 * id, time (Vietnam), officer, unit, action, object, detail, tab-separated. */
int
cmd_audit_tail(struct cli *cli, struct opts *o)
{
	const char *n = cli_opt(o, "n") ? cli_opt(o, "n") : "20";
	if (strlen(n) == 0 || strlen(n) > 5 || strspn(n, "0123456789") != strlen(n) || atoi(n) < 1 || atoi(n) > 10000)
		return cli_fail(EXIT_USAGE, "--n must be a number from 1 to 10000");
	const char *p[1] = { n };
	PGresult *res = cli_run(cli, "SELECT * FROM (SELECT a.id, to_char(a.at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'YYYY-MM-DD HH24:MI:SS') || ' +07', "
	    "coalesce(o.username, '-'), coalesce(u.code, '-'), a.action, a.object, "
	    "translate(a.detail, E'\\t\\n\\r', '   ') FROM audit_log a LEFT JOIN officer o ON o.id = a.officer_id "
	    "LEFT JOIN org_unit u ON u.id = a.unit_id ORDER BY a.id DESC LIMIT $1::integer) t ORDER BY 1", 1, p, NULL);
	return cli_print_rows(res, NULL);
}
