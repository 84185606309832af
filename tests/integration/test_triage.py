"""test_triage.py: the triage queue without survey answers, urgent new reports first (console and API alike), and the
survey results view (/admin/surveys): counts, ranking, comments, scope, bad filters."""
import json
import re
import secrets
import urllib.parse

import harness
import test_api


def _workplace(stack, word):
    """(QR token, workplace id) of the demo workplace whose name holds `word`."""
    token = next(tok for tok, name, _ in stack.demo if word in name)
    wp = stack.value("SELECT e.workplace_id FROM entry_point e WHERE e.token = :'t'", t=token)
    return token, str(wp)


def _send(t, stack, token, fields, form_id):
    r, idem = stack.submit(token, fields, form_id=form_id)
    t.require(r.status == 200, f"{form_id} sent: {r.status} {harness.short(r.text)}")
    return str(stack.value("SELECT id FROM submission WHERE idempotency_key = :'k'", k=idem))


def _survey(t, stack, token, ranks, comment, member="yes"):
    fields = [(f"priorities:{k}", str(v)) for k, v in ranks.items()] + [("union_member", member), ("comments", comment)]
    return _send(t, stack, token, fields, "bargaining_survey")


def _queue_ids(page):
    return re.findall(r'<td><a href="/admin/s/(\d+)">', page.text)


def _refused(page):
    return harness.parse_html(page.text).by_id.get("refused", "")


def test_queue_order_and_surveys(t, stack):
    """Survey answers stay out of the queue (console and API) unless urgent or asked for by form; urgent new reports
    come first, then newest first, on every page of the API's keyset walk; marking a survey answer urgent puts it
    first in the queue, audited."""
    admin = harness.demo_console(t, stack, "demo.tinh")
    token, wp = _workplace(stack, "Tân Phong")
    mark = "tri" + secrets.token_hex(3)
    older = _send(t, stack, token, [("category", "wages"), ("text", f"Cũ {mark} nợ lương")], "concern")
    newer = _send(t, stack, token, [("category", "wages"), ("text", f"Mới {mark} tăng ca")], "concern")
    surveys = [_survey(t, stack, token, {"wages": 1}, f"Ý kiến {mark} {i}") for i in range(3)]
    stack.psql("UPDATE submission SET urgent = true WHERE id = :'i'", i=older)

    page = admin.get(f"/admin/?workplace={wp}")
    t.eq(page.status, 200, "the queue")
    ids = _queue_ids(page)
    t.check(not set(surveys) & set(ids), f"no survey answer in the queue: {surveys} vs {ids[:10]}")
    t.check(older in ids and newer in ids, "both reports are listed")
    t.eq(ids.index(older), 0, "the urgent new report comes first although it is older")
    t.check(ids.index(newer) < len(ids), "the newer one after it")
    t.check('href="/admin/surveys"' in page.text, "the queue says where the survey answers are")
    want_order = [str(r["id"]) for r in stack.rows(
        "SELECT s.id FROM submission s WHERE s.workplace_id = :'w' AND " + test_api.QUEUED +
        " ORDER BY (s.urgent AND s.status = 'new') DESC, s.received_at DESC, s.id DESC LIMIT 50", w=wp)]
    t.eq(ids, want_order, "the queue's order is urgent new first, then newest first (SQL as the superuser)")
    new_count = stack.value("SELECT count(*) FROM submission s JOIN workplace w ON w.id = s.workplace_id "
                            "WHERE s.status = 'new' AND s.workplace_id = :'w' AND " + test_api.QUEUED, w=wp)
    m = re.search(r'data-status="new">[^<]*<b>(\d+)', page.text)
    t.eq(m and int(m.group(1)), new_count, "the count of new reports leaves survey answers out")

    only = admin.get(f"/admin/?workplace={wp}&form=bargaining_survey")
    t.check(set(surveys) <= set(_queue_ids(only)), "filtered on the survey form, its answers are listed")

    # the API lists the same rows in the same order, page after page
    tok, _ = test_api.new_token(t, stack, "demo.tinh", "triage order")
    spec = test_api._spec()
    # every queued report of the workplace (the suite's other tests may have sent more than a page)
    want_all = [str(r["id"]) for r in stack.rows(
        "SELECT s.id FROM submission s WHERE s.workplace_id = :'w' AND " + test_api.QUEUED +
        " ORDER BY (s.urgent AND s.status = 'new') DESC, s.received_at DESC, s.id DESC", w=wp)]
    for limit in (1, 3, 50):
        got, _ = test_api.walk(t, spec, stack, tok, {"workplace": wp}, limit)
        t.eq([str(i) for i in got], want_all, f"API limit={limit}: the queue's order across pages")
        t.check(not set(surveys) & {str(i) for i in got}, f"API limit={limit}: no survey answer")
    got, _ = test_api.walk(t, spec, stack, tok, {"workplace": wp, "form": "bargaining_survey"}, 2)
    t.check(set(surveys) <= {str(i) for i in got}, "API: form=bargaining_survey lists the survey answers")

    # an officer marks a survey answer urgent from its page: it joins the queue, first
    report = admin.get(f"/admin/s/{surveys[1]}")
    t.check('name="action" value="urgent"' in report.text, "the report page offers to mark it urgent")
    r = admin.post(f"/admin/s/{surveys[1]}", [("action", "urgent"), ("urgent", "1")])
    t.eq(r.status, 303, "marked urgent")
    ids = _queue_ids(admin.get(f"/admin/?workplace={wp}"))
    t.eq(ids[:1], [surveys[1]], "the marked survey answer leads the queue (newest urgent new)")
    t.eq(stack.value("SELECT count(*) FROM audit_log WHERE action = 'report.urgent' AND object = :'o'",
                     o=f"submission:{surveys[1]}"), 1, "audited")
    for bad in ("2", "", "<b>"):
        t.eq(admin.post(f"/admin/s/{surveys[1]}", [("action", "urgent"), ("urgent", bad)]).status, 400,
             f"urgent={bad!r}: 400")
    viewer_free = admin.post(f"/admin/s/{surveys[1]}", [("action", "urgent"), ("urgent", "1")], csrf=False)
    t.eq(viewer_free.status, 403, "without the anti-forgery token: 403")
    # handled, it falls back to time order
    stack.psql("UPDATE submission SET status = 'in_review' WHERE id = :'i'", i=older)
    ids = _queue_ids(admin.get(f"/admin/?workplace={wp}"))
    t.check(ids.index(older) > ids.index(newer), "an urgent report in review no longer leads")

    # cursors from before (no pin part) and broken ones are refused, naming the parameter
    for after in ("123-4", "2-1-1", "1-x-1", "0-1-", "1--5", "0-" + "9" * 19 + "-1"):
        r = test_api.call(stack, "/api/v1/submissions?" + urllib.parse.urlencode({"after": after}), tok)
        t.eq((r.status, json.loads(r.body).get("parameter")), (400, "after"), f"API after={after!r}")
        t.eq(admin.get("/admin/?" + urllib.parse.urlencode({"after": after})).status, 400, f"queue after={after!r}")


def test_survey_results(t, stack):
    """/admin/surveys: per workplace and period the number of answers, counts and shares per option, the ranking
    by Borda points and the comments (escaped, linked); the overview per workplace; another unit's workplace is 404;
    bad filters are 400 naming the filter."""
    admin = harness.demo_console(t, stack, "demo.tinh")
    token, wp = _workplace(stack, "Chè")
    mark = "sv" + secrets.token_hex(3)
    hostile = f"<script>alert('{mark}')</script>"
    _survey(t, stack, token, {"safety": 1, "wages": 2}, f"An toàn {mark}", member="no")
    _survey(t, stack, token, {"safety": 1, "meals": 2}, hostile, member="yes")
    _survey(t, stack, token, {"wages": 1, "safety": 2, "rest": 3}, f"Lương {mark}", member="yes")
    today = stack.value("SELECT to_char(now() AT TIME ZONE 'Asia/Ho_Chi_Minh', 'YYYY-MM-DD')")

    page = admin.get(f"/admin/surveys?workplace={wp}&from={today}&to={today}")
    t.eq(page.status, 200, "the results page")
    t.check(not harness.readable_vi_problems(page), f"{harness.readable_vi_problems(page)}")
    rows = stack.rows("SELECT answers FROM submission WHERE workplace_id = :'w' AND form_id = 'bargaining_survey' "
                      "AND status <> 'spam' AND (received_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date = :'d'::date",
                      w=wp, d=today)
    answers = [r["answers"] if isinstance(r["answers"], dict) else json.loads(r["answers"]) for r in rows]
    m = re.search(r'id="survey-total"[^>]*data-answers="(\d+)"', page.text)
    t.eq(m and int(m.group(1)), len(answers), "the number of answers equals SQL's")

    def section(field):
        m = re.search(rf'<section class="survey-question" data-field="{field}">(.*?)</section>', page.text, re.S)
        t.require(m, f"a section for {field}")
        return m.group(1)

    def cells(html):
        return [[re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", tr, re.S)]
                for tr in re.findall(r"<tr>(.*?)</tr>", html, re.S) if "<td" in tr]

    # yes/no: counts and shares of those who answered
    members = [a.get("union_member") for a in answers if "union_member" in a]
    got = {row[0]: row[1] for row in cells(section("union_member"))}
    n_yes = members.count("yes")
    t.eq(got.get("Có"), f"{n_yes} ({round(n_yes * 100 / len(members))}%)", "yes: count and share")
    t.eq(got.get("Không"), f"{members.count('no')} ({round(members.count('no') * 100 / len(members))}%)", "no")

    # ranking: Borda points (first place 5 of max 5), ranked by points
    points = {}
    for a in answers:
        for i, v in enumerate(a.get("priorities", [])):
            points[v] = points.get(v, 0) + 5 - i
    ranked = cells(section("priorities"))
    t.eq([r[1] for r in ranked[:2]], ["An toàn, vệ sinh lao động", "Tiền lương"]
         if points.get("safety", 0) >= points.get("wages", 0) else ["Tiền lương", "An toàn, vệ sinh lao động"],
         "options ranked by points")
    shown = {r[1]: int(r[2].replace(".", "")) for r in ranked}
    t.eq(shown.get("An toàn, vệ sinh lao động"), points.get("safety"), "safety's Borda points equal SQL's answers'")
    t.eq(shown.get("Tiền lương"), points.get("wages"), "wages' points")
    firsts = sum(1 for a in answers if a.get("priorities", [None])[0] == "safety")
    t.eq(next(int(r[3]) for r in ranked if r[1] == "An toàn, vệ sinh lao động"), firsts, "safety ranked first")

    # comments: listed, escaped, each linked to its report
    comments = section("comments")
    t.check(f"An toàn {mark}" in comments and f"Lương {mark}" in comments, "comments listed")
    t.check("<script>alert" not in page.text and "&lt;script&gt;alert" in comments, "a hostile comment is escaped")
    t.check(re.search(r'href="/admin/s/\d+"', comments), "each comment links to its report")

    # overview: the workplace with its number of answers
    ov = admin.get(f"/admin/surveys?from={today}&to={today}")
    t.eq(ov.status, 200, "the overview")
    t.check(f"workplace={wp}" in ov.text, "the overview links to the workplace's results")
    t.check('href="/admin/surveys"' in admin.get("/admin/").text, "the menu links the survey results")
    t.check(f'href="/admin/surveys?workplace={wp}"' in admin.get(f"/admin/workplaces/{wp}").text,
            "the workplace page links its survey results")

    # an empty period: zero answers, no tables
    empty = admin.get(f"/admin/surveys?workplace={wp}&from=2020-01-01&to=2020-01-31")
    t.check(empty.status == 200 and 'data-answers="0"' in empty.text and "survey-question" not in empty.text,
            "an empty period shows 0 answers")

    # scope: the ward officer cannot see the tea factory's survey
    ward = harness.demo_console(t, stack, "demo.tanphong")
    t.eq(ward.get(f"/admin/surveys?workplace={wp}").status, 404, "another unit's workplace: 404")
    t.check(f"workplace={wp}" not in ward.get("/admin/surveys").text, "nor in the ward's overview")
    t.check(mark not in ward.get(f"/admin/surveys?workplace={_workplace(stack, 'Tân Phong')[1]}").text,
            "the ward's own results hold nothing of it")

    # bad filters: 400 naming the filter, never 500
    for query, field in [("form=concern", "form"), ("form=%3Cscript%3E", "form"), ("form=" + "f" * 41, "form"),
                         ("workplace=abc", "workplace"), ("workplace=99999999999999999999", "workplace"),
                         ("from=2026-02-30", "from"), ("to=x", "to"),
                         ("to=" + "9" * 5000, "to"), ("workplace=-1", "workplace")]:
        r = admin.get(f"/admin/surveys?{query}")
        t.eq(r.status, 400, f"/admin/surveys?{query[:40]}")
        t.check(field in _refused(r), f"names {field!r}: {_refused(r)!r}")
    t.eq(admin.get("/admin/surveys?from=%FF%FE").status, 400, "a non-UTF-8 filter: 400")
    t.eq(admin.get("/admin/surveys?workplace=999999999").status, 404, "an unknown workplace: 404")
