"""test_srch2.py: the search's counts read workplace by workplace and the index read once for a rare phrase (sql/055)."""
import secrets

import harness
from test_search2 import _count, _found
from test_srch import _INSERT, _ward_workplace

_STATUSES = ("new", "in_review", "needs_info", "referred", "resolved", "spam")


def _exact(stack, like):
    """Each status's LIKE count of the ward's reports, as the page writes it (100+ past the cap)."""
    out = {}
    for st in _STATUSES:
        n = int(stack.value("SELECT count(*) FROM submission WHERE search_text LIKE :'like' AND status = :'st' "
                            "AND workplace_id IN (SELECT w.id FROM workplace w JOIN org_unit u ON u.id = w.unit_id "
                            "WHERE u.path LIKE (SELECT path FROM org_unit WHERE code = 'CD-TANPHONG') || '%')",
                            like=like, st=st))
        out[st] = str(n) if n <= 100 else "100+"
    return out


def test_statuses_from_the_check(t, stack):
    """The counts' statuses are the ones a report's row rules allow: their one list (sql/066, before it the
    status CHECK of sql/001), in its order."""
    got = stack.psql("SELECT string_agg(s, ',') FROM submission_statuses() s").strip()
    t.eq(got, ",".join(_STATUSES), "submission_statuses(): the six of submission_status_list(), in order")


def test_counts_past_the_few(t, stack):
    """A phrase whose syllables are in more than 3,000 reports (so the index is read slice by slice and status by
    status) and one in a few (the index read once): behind 3,200 newer reports of one status, the rows and each
    status's count equal a LIKE of the same scope."""
    m = "fw" + secrets.token_hex(4)
    wp = _ward_workplace(stack)
    t.require(wp, "the ward has a workplace")
    # old (10 days): 3,100 reports holding `m` and "luong", of which 5 hold the phrase "thang m luong"
    # in that order (3 in review, 2 resolved), and 4 spam ones holding `m` alone
    rows = ("SELECT CASE WHEN i <= 5 THEN 'Nợ tháng ' || :'m' || ' lương số ' || i "
            "ELSE 'Lương ' || :'m' || ' tháng số ' || i END, "
            "CASE WHEN i <= 3 THEN 'in_review' WHEN i <= 5 THEN 'resolved' WHEN i % 2 = 0 THEN 'in_review' "
            "ELSE 'resolved' END, false, 864000 + i FROM generate_series(1, 3100) i "
            "UNION ALL SELECT 'Hiếm ' || :'m' || ' số ' || i, 'spam', false, 860000 + i FROM generate_series(1, 4) i")
    stack.psql(_INSERT.format(rows=rows), m=m, wp=wp, b=secrets.token_hex(2))
    # newer: 3,200 new reports without them
    stack.psql(_INSERT.format(rows="SELECT 'Tăng ca số ' || i, 'new', false, 100 + i FROM generate_series(1, 3200) i"),
               m=m, wp=wp, b=secrets.token_hex(2))
    ward = harness.demo_console(t, stack, "demo.tanphong")

    ids, page = _found(t, ward, f"thang {m} luong")
    want = [int(x) for x in stack.psql(
        "SELECT id FROM submission WHERE search_text LIKE '%thang ' || :'m' || ' luong%' "
        "ORDER BY received_at DESC, id DESC", m=m).split()]
    t.eq(len(want), 5, "5 reports hold the phrase in that order")
    t.eq(ids, want, "more than 3,000 candidates: the 5 matches, newest first")
    counts = {st: _count(page, st) for st in _STATUSES}
    t.eq(counts, _exact(stack, f"%thang {m} luong%"), "and each status's count equals a LIKE count")
    t.eq(counts["in_review"], "3", "3 in review")

    ids, page = _found(t, ward, f"hiem {m}")
    t.eq(len(ids), 4, "a rare phrase behind 3,000 newer reports: its 4 reports")
    counts = {st: _count(page, st) for st in _STATUSES}
    t.eq(counts, _exact(stack, f"%hiem {m}%"), "its counts equal a LIKE count (the index read once)")
    t.eq(counts["spam"], "4", "all 4 spam")

    ids, page = _found(t, ward, f"{m} thang so")
    counts = {st: _count(page, st) for st in _STATUSES}
    t.eq(counts, _exact(stack, f"%{m} thang so%"), "a common phrase among old reports: 100+ where LIKE says so")
    t.eq(counts["resolved"], "100+", "past the cap in a status of 1,500 matches")
    t.eq(len(ids), 50, "a full page")
