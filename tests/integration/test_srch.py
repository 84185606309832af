"""test_srch.py: the queue's search with the flood filter, its status counts in one pass (sql/050) and its bad input."""
import re
import secrets
import urllib.parse

import harness
from test_search2 import _count, _found

# one report of the ward's first workplace per row: (text, status, flood, seconds ago)
_INSERT = ("INSERT INTO submission (form_id, form_version, workplace_id, unit_id, entry_point_id, channel, "
           "received_at, answers, lang, idempotency_key, receipt_hash, status, flood) "
           "SELECT 'concern', 1, w.id, w.unit_id, (SELECT min(id) FROM entry_point e WHERE e.workplace_id = w.id), "
           "'qr', now() - make_interval(secs => x.ago), jsonb_build_object('text', x.txt, 'category', 'wages'), 'vi', "
           "'srch' || :'m' || '-' || :'b' || x.n, sha256((:'m' || :'b' || x.n)::bytea), x.st, x.fl "
           "FROM workplace w, (SELECT row_number() OVER () AS n, * FROM ({rows}) r (txt, st, fl, ago)) x "
           "WHERE w.id = :'wp'")


def _ward_workplace(stack):
    return stack.value("SELECT w.id FROM workplace w WHERE w.unit_id IN "
                       "(SELECT id FROM org_unit WHERE code = 'CD-TANPHONG') ORDER BY w.id LIMIT 1")


def test_flood_and_counts(t, stack):
    """Search + flood=1 keeps to the reports sent during a flood (the search function applies it, no second path);
    the counts per status of a search equal a plain LIKE count of the same scope, under the cap and past it, for
    matches among the newest 3,000 reports and older ones alike."""
    m = "fc" + secrets.token_hex(4)
    wp = _ward_workplace(stack)
    t.require(wp, "the ward has a workplace")
    # old matches (10 days ago): 7 new, 3 in review, 120 resolved (100+), 2 spam of them flood
    rows = ("SELECT 'Nợ lương ' || :'m' || ' cũ số ' || i, (ARRAY['new', 'in_review', 'resolved', 'spam'])[g], "
            "g = 4 OR (g = 1 AND i = 1), 864000 + g * 1000 + i "
            "FROM (VALUES (1, 7), (2, 3), (3, 120), (4, 2)) c (g, k), generate_series(1, c.k) i")
    stack.psql(_INSERT.format(rows=rows), m=m, wp=wp, b=secrets.token_hex(2))
    # newer than them: 3,100 other reports (so the old ones are past the newest 3,000) and 4 new matches, 1 flood
    stack.psql(_INSERT.format(rows="SELECT 'Tăng ca ' || :'m' || 'x số ' || i, 'in_review', false, 100 + i "
                                   "FROM generate_series(1, 3100) i "
                                   "UNION ALL SELECT 'Nợ lương ' || :'m' || ' mới ' || i, 'new', i = 4, 10 + i "
                                   "FROM generate_series(1, 4) i"), m=m, wp=wp, b=secrets.token_hex(2))
    ward = harness.demo_console(t, stack, "demo.tanphong")

    def want(extra=""):
        return {st: int(stack.value("SELECT count(*) FROM submission WHERE search_text LIKE '%no luong ' || :'m' || '%' "
                                    "AND status = :'st' " + extra, m=m, st=st))
                for st in ("new", "in_review", "needs_info", "referred", "resolved", "spam")}

    ids, page = _found(t, ward, f"no luong {m}")
    counts = {st: _count(page, st) for st in ("new", "in_review", "needs_info", "referred", "resolved", "spam")}
    exact = {st: (str(n) if n <= 100 else "100+") for st, n in want().items()}
    t.eq(counts, exact, "the counts of a search equal a LIKE count per status (old matches past the window too)")
    t.eq(exact["new"], "11", "7 old and 4 recent new ones")
    t.eq(len(ids), 50, "a full page")
    newest = [int(x) for x in stack.psql(
        "SELECT id FROM submission WHERE search_text LIKE '%no luong ' || :'m' || '%' "
        "ORDER BY (urgent AND status = 'new') DESC, received_at DESC, id DESC LIMIT 50", m=m).split()]
    t.eq(ids, newest, "the page: the 4 recent ones, then the old ones newest first")

    ids, page = _found(t, ward, f"no luong {m}", "&flood=1")
    flooded = [int(x) for x in stack.psql(
        "SELECT id FROM submission WHERE search_text LIKE '%no luong ' || :'m' || '%' AND flood "
        "ORDER BY received_at DESC, id DESC", m=m).split()]
    t.eq(len(flooded), 4, "4 flood matches: 1 recent, 1 old new, 2 old spam")
    t.eq(ids, flooded, "search + flood: only the reports sent during a flood, newest first")
    counts = {st: _count(page, st) for st in ("new", "in_review", "resolved", "spam")}
    t.eq(counts, {"new": "2", "in_review": "0", "resolved": "0", "spam": "2"}, "and the counts keep to them")
    t.eq(_found(t, ward, f"tang ca {m}x so 3099", "&flood=1")[0], [], "a match sent in calm times is not listed")
    t.eq(ward.get("/admin/?" + urllib.parse.urlencode({"q": "no luong", "flood": "2"})).status, 400,
         "a bad flood value with a search: 400")


def test_literal_and_bad_queries(t, stack):
    """% and _ are literal; an empty query is the plain queue; a query over 200 characters is 400 naming the search
    field, one not UTF-8 is 400; SQL, HTML, backslashes and tsquery syntax find exactly what contains them (nothing)."""
    m = "lt" + secrets.token_hex(4)
    wp = _ward_workplace(stack)
    stack.psql(_INSERT.format(rows="VALUES ('Giảm 50% lương ' || :'m', 'new', false, 5), "
                                   "('Giảm 50x lương ' || :'m', 'new', false, 6)"), m=m, wp=wp, b=secrets.token_hex(2))
    pct, x50 = [int(x) for x in stack.psql(
        "SELECT id FROM submission WHERE idempotency_key LIKE 'srch' || :'m' || '-%' ORDER BY received_at DESC",
        m=m).split()]
    ward = harness.demo_console(t, stack, "demo.tanphong")
    t.eq(_found(t, ward, f"giam 50% luong {m}")[0], [pct], "% is literal")
    t.eq(_found(t, ward, f"giam 50_ luong {m}")[0], [], "_ is no wildcard")
    t.eq(_found(t, ward, f"luong {m}")[0], [pct, x50], "the marker finds both, newest first")
    t.eq(ward.get("/admin/?q=").status, 200, "an empty search is the plain queue")
    r = ward.get("/admin/?q=" + "a" * 201)
    t.eq(r.status, 400, "201 characters: 400")
    t.check("(q)" in r.text, "and the error names the search field")
    for bad in ("q=%FF%FE", "q=no+luong%C3"):     # refused by the request's decoder (req.c), before any page
        t.eq(ward.get("/admin/?" + bad).status, 400, f"{bad}: not UTF-8, 400")
    t.eq(ward.get("/admin/?" + urllib.parse.urlencode({"q": "Đ" * 200})).status, 200, "200 characters (not bytes): 200")
    for q in (f"' OR 1=1 -- {m}", f"<script>alert(1)</script> {m}", f"no:* & luong | {m}", f"{m} !(a) <-> b",
              f"{m}'; DROP TABLE submission; --", f"{m} \\ \\u0041"):
        ids, page = _found(t, ward, q)
        t.eq(ids, [], f"hostile {q[:24]!r}: exact (nothing holds it)")
        t.check("<script>alert" not in page, "and never echoed raw")
        t.check(re.search(r'data-status="new">[^<]*<b>0</b>', page), "its counts are 0")
