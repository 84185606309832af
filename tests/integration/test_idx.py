"""test_idx.py: submission_workplace_time_idx is gone (sql/060) and the brief, a round's brief link, the survey answers and a search over one workplace still give exactly the rows a plain query gives."""
import datetime
import re
import secrets

import harness
import test_agree as agree
import test_case_attachments as docs
from test_search2 import _found
from test_srch import _ward_workplace

# the reports of the test, as (text or NULL, form, status, urgent, seconds ago): 46 days back, pairs at the same
# instant (so their order is the id's), every status, urgent ones new and not, some without a text, survey answers,
# and a few outside the period
_ROWS = ("SELECT CASE WHEN i % 11 = 0 THEN NULL ELSE 'Phản ánh ' || :'m' || ' số ' || i END, "
         "CASE WHEN i % 13 = 0 THEN 'bargaining_survey' ELSE 'concern' END, "
         "(ARRAY['new', 'in_review', 'needs_info', 'referred', 'resolved', 'spam', 'new'])[1 + i % 7], "
         "i % 5 = 0, (i / 2) * 15000 + 30 FROM generate_series(1, 530) i")
_INSERT = ("INSERT INTO submission (form_id, form_version, workplace_id, unit_id, entry_point_id, channel, received_at, "
           "answers, lang, idempotency_key, receipt_hash, status, urgent) "
           "SELECT x.form, 1, w.id, CASE WHEN x.n % 17 = 0 THEN (SELECT id FROM org_unit WHERE path = '/1/') "
           "ELSE w.unit_id END, (SELECT min(id) FROM entry_point e WHERE e.workplace_id = w.id), 'qr', "
           "date_trunc('second', now()) - make_interval(secs => x.ago), "
           "CASE WHEN x.txt IS NULL THEN jsonb_build_object('category', 'wages') "
           "ELSE jsonb_build_object('text', x.txt, 'category', 'wages') END, 'vi', "
           "'idx' || :'m' || '-' || lpad(x.n::text, 6, '0'), sha256((:'m' || x.n)::bytea), x.st, x.urg "
           "FROM workplace w, (SELECT row_number() OVER () AS n, * FROM ({rows}) r (txt, form, st, urg, ago)) x "
           "WHERE w.id = :'wp'")
# with no index scan the rows come in no index's order: the plain answer
_PLAIN = "SET enable_indexscan = off; SET enable_bitmapscan = off; SET enable_indexonlyscan = off; "
_TEXT = "coalesce(s.answers->>'text', s.answers->>'description', s.answers->>'details', s.answers->>'comments')"
_PERIOD = ("s.received_at >= (:'f'::date)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh' "
           "AND s.received_at < (:'e'::date + 1)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh'")


def _ids(out):
    return [int(x) for x in out.split()]


def test_index_gone_same_rows(t, stack):
    """The index is gone (sql/060 recorded); over one workplace with 530 reports of 46 days (pairs at the same
    instant, every status, urgent new and not, no text, survey answers, some arrived at a unit outside the ward):
    the brief's candidates to quote, the reports a round links from its brief, the survey answers (with and
    without a period, one workplace or all) and a search filtered on the workplace are exactly, and in the same
    order, what a plain query with every index scan turned off gives."""
    t.eq(stack.value("SELECT to_regclass('submission_workplace_time_idx') IS NULL"), True, "the index is gone")
    t.eq(stack.value("SELECT count(*) FROM schema_migration WHERE name LIKE '060\\_%'"), 1, "by sql/060")
    t.eq(stack.value("SELECT count(*) FROM pg_indexes WHERE tablename = 'submission' AND indexname IN "
                     "('submission_queue_order_idx', 'submission_workplace_status_idx', 'submission_received_idx')"), 3,
         "the indexes its readers use now are there")
    m = "ix" + secrets.token_hex(4)
    wp = _ward_workplace(stack)
    t.require(wp, "the ward has a workplace")
    stack.psql(_INSERT.format(rows=_ROWS), m=m, wp=wp)
    ward_path = stack.value("SELECT path FROM org_unit WHERE code = 'CD-TANPHONG'")
    today = agree._today()
    frm, to = (today - datetime.timedelta(days=40)).isoformat(), today.isoformat()
    ward = harness.demo_console(t, stack, "demo.tanphong")

    # the brief's candidates: the newest 100 with a text, spam left out, arrived at a unit in scope
    page = ward.get(f"/admin/brief?workplace={wp}&from={frm}&to={to}")
    t.eq(page.status, 200, "the brief")
    ul = re.search(r'<ul class="candidates">(.*?)</ul>', page.text, re.S)
    t.require(ul, "the brief offers reports to quote")
    got = [int(x) for x in re.findall(r'name="quote" value="(\d+)"', ul.group(1))]
    want = _ids(stack.psql(_PLAIN + "SELECT x.id FROM (SELECT s.id, s.received_at FROM submission s "
                           "JOIN org_unit a ON a.id = s.unit_id WHERE s.workplace_id = :'wp' AND s.status <> 'spam' "
                           "AND a.path LIKE :'p' || '%' AND " + _TEXT + " IS NOT NULL AND " + _PERIOD +
                           ") x ORDER BY x.received_at DESC, x.id DESC LIMIT 100", wp=wp, p=ward_path, f=frm, e=to))
    t.eq(len(want), 100, "the period holds more than 100 candidates")
    t.eq(got, want, "the brief's 100 candidates, newest first, the same")

    # a round from that brief links every report of its period (spam left out, arrived at a unit in scope)
    r = ward.post("/admin/rounds", [("workplace", str(wp)), ("from", frm), ("to", to), ("k", "5"), ("kind", "periodic"),
                                    ("planned", ""), ("held", to)])
    t.eq(r.status, 303, f"a round starts from the brief: {harness.short(r.text)}")
    rid = stack.value("SELECT max(id) FROM workplace_round WHERE workplace_id = :'wp'", wp=wp)
    t.eq(ward.post(f"/admin/rounds/{rid}/reports", [("action", "brief")]).status, 303, "the brief's reports linked")
    got = _ids(stack.psql("SELECT submission_id FROM round_submission WHERE round_id = :'r' ORDER BY 1", r=rid))
    want = _ids(stack.psql(_PLAIN + "SELECT s.id FROM submission s JOIN org_unit a ON a.id = s.unit_id "
                           "WHERE s.workplace_id = :'wp' AND s.status <> 'spam' AND a.path LIKE :'p' || '%' AND "
                           + _PERIOD + " ORDER BY 1", wp=wp, p=ward_path, f=frm, e=to))
    t.check(len(want) > 300, f"the period holds {len(want)} reports of the workplace")
    t.eq(got, want, "the round links the same reports")
    older = stack.value("SELECT max(id) FROM submission WHERE idempotency_key LIKE 'idx' || :'m' || '-%'", m=m)
    t.check(older not in want, "the workplace's oldest report of the test is outside the period")
    t.eq(ward.post(f"/admin/rounds/{rid}/reports", [("action", "add"), ("report", str(older))]).status, 303,
         "the officer links it by number: accepted (the scope check asks the report by id)")
    t.eq(stack.value("SELECT count(*) FROM round_submission WHERE round_id = :'r' AND submission_id = :'s'",
                     r=rid, s=older), 1, "and it is linked")
    other = next(tk for tk, name, _ in stack.demo if "Tam Đường" in name)
    resp, idem = stack.submit(other, [("category", "wages"), ("text", "Ở nơi khác, ngoài phạm vi của phường.")])
    t.require(harness.receipt_of(resp), "a report of a workplace outside the ward")
    outside = stack.value("SELECT id FROM submission WHERE idempotency_key = :'k'", k=idem)
    officer = str(stack.value("SELECT id FROM officer WHERE username = 'demo.tanphong'"))
    ok, _ = docs._as_officer(stack, f"INSERT INTO round_submission (round_id, submission_id, officer_id) "
                             f"VALUES ({int(rid)}, {int(outside)}, {officer})", ward_path, "officer", officer)
    t.check(not ok, "linking a report of a workplace outside the scope is still refused by the database")
    t.eq(stack.value("SELECT count(*) FROM round_submission WHERE submission_id = :'s'", s=outside), 0, "nothing linked")

    # the survey answers, as the console reads them (the officer's role and scope)
    for wpa, f, e, what in ((str(wp), frm, to, "one workplace, a period"), (str(wp), "", "", "one workplace, no period"),
                            ("", frm, to, "every workplace, a period"), ("", frm, "", "every workplace, from a day")):
        ok, out = docs._as_officer(stack, "SELECT string_agg(a.id::text, ' ' ORDER BY a.received_at DESC, a.id DESC) "
                                   f"FROM survey_answers('{ward_path}', 'bargaining_survey', '{wpa}', '{f}', '{e}') a",
                                   ward_path, "officer")
        t.require(ok, f"survey answers, {what}")
        plain = stack.psql(_PLAIN + "SELECT string_agg(x.id::text, ' ' ORDER BY x.received_at DESC, x.id DESC) FROM "
                           "(SELECT s.id, s.received_at FROM submission s JOIN workplace w ON w.id = s.workplace_id "
                           "JOIN org_unit u ON u.id = w.unit_id WHERE u.path LIKE :'p' || '%' AND s.form_id = "
                           "'bargaining_survey' AND s.status <> 'spam' AND (:'w' = '' OR s.workplace_id = nullif(:'w', '')::bigint) "
                           "AND (:'f' = '' OR s.received_at >= (nullif(:'f', '')::date)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh') "
                           "AND (:'e' = '' OR s.received_at < (nullif(:'e', '')::date + 1)::timestamp AT TIME ZONE "
                           "'Asia/Ho_Chi_Minh')) x", p=ward_path, w=wpa, f=f or "", e=e or "")
        t.check(len(plain.split()) >= 10, f"survey answers, {what}: {len(plain.split())} of them")
        t.eq(out, plain, f"survey answers, {what}: the same, in the same order")

    # a search over the workplace and the period: the queue's order (urgent new first, then newest)
    ids, _ = _found(t, ward, m, f"&workplace={wp}&from={frm}&to={to}")
    want = _ids(stack.psql(_PLAIN + "SELECT s.id FROM submission s WHERE s.workplace_id = :'wp' AND s.search_text LIKE "
                           "'%' || :'m' || '%' AND (s.urgent OR s.form_id NOT IN (SELECT form_id FROM survey_form)) AND " + _PERIOD +
                           " ORDER BY (s.urgent AND s.status = 'new') DESC, s.received_at DESC, s.id DESC LIMIT 50",
                           wp=wp, m=m, f=frm, e=to))
    t.eq(len(want), 50, "a page of matches")
    t.eq(ids, want, "the search's first page over the workplace and period, the same, in the queue's order")
