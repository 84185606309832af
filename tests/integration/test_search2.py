"""test_search2.py: the queue's accent-free search by syllables (sql/048, 049): what it finds, its scope, its counts."""
import json
import re
import secrets
import urllib.parse

import harness
import test_api


def _found(t, console, q, extra=""):
    """The report ids of the queue page for search q, in page order."""
    page = console.get("/admin/?" + urllib.parse.urlencode({"q": q}) + extra)
    t.eq(page.status, 200, f"search {q!r}")
    return list(dict.fromkeys(int(i) for i in re.findall(r'href="/admin/s/(\d+)"', page.text))), page.text


def _count(page, status):
    m = re.search(r'data-status="' + status + r'">[^<]*<b>([^<]*)</b>', page)
    return m.group(1) if m else None


def _report(stack, token, text):
    _, idem = stack.submit(token, [("category", "wages"), ("text", text)])
    return int(stack.value("SELECT id FROM submission WHERE idempotency_key = :'k'", k=idem))


def test_search_syllables(t, stack):
    """Accents, case and punctuation do not matter; a phrase must be in order; the last syllable may be cut short; a
    line break separates syllables; a query starting inside a syllable is the documented change; % stays literal;
    the ward officer never gets another unit's report, in the console, its counts or the API's q=."""
    mine = next(tok for tok, name, _ in stack.demo if "Tân Phong" in name)
    theirs = next(tok for tok, name, _ in stack.demo if "Chè" in name)
    m = "sw" + secrets.token_hex(4)
    a = _report(stack, mine, f"Công ty NỢ LƯƠNG tháng 10, mã {m} xin trả lời.")
    b = _report(stack, mine, f"Chậm trả lương\nCông nhân tổ may {m} 100% không được")
    c = _report(stack, theirs, f"Nhà máy chè nợ lương, mã {m} ngoài phạm vi")
    ward = harness.demo_console(t, stack, "demo.tanphong")
    province = harness.demo_console(t, stack, "demo.tinh")

    t.eq(_found(t, ward, f"no luong thang 10, ma {m}")[0], [a], "without accents, other case, with the comma")
    t.eq(_found(t, ward, f"Nợ lương tháng 10, mã {m[:-3]}")[0], [a], "the last syllable as it is being typed")
    t.eq(_found(t, ward, f"thang no luong {m}")[0], [], "the syllables out of order: nothing")
    t.eq(_found(t, ward, f"cong nhan to may {m}")[0], [b], "a line break in the answer separates syllables")
    t.eq(_found(t, ward, f"{m} 100%")[0], [b], "a literal % found where it stands")
    t.eq(_found(t, ward, f"{m} 100_")[0], [], "_ is no wildcard")
    t.eq(_found(t, ward, f"uong thang 10, ma {m}")[0], [],
         "a query starting inside a syllable ('uong' of 'lương') no longer finds it (docs/officer-guide.md)")
    ids, page = _found(t, ward, m)
    t.eq(sorted(ids), sorted([a, b]), "the ward officer: both of the ward's reports, newest first")
    t.eq(ids[0], b, "newest first")
    t.check(c not in ids and "ngoài phạm vi" not in page, "another unit's matching report is never shown")
    t.eq(_count(page, "new"), "2", "the ward's count of new matches leaves the other unit out")
    ids, page = _found(t, province, m)
    t.eq(sorted(ids), sorted([a, b, c]), "the province officer finds all three")
    t.eq(_count(page, "new"), "3", "and counts them")
    t.eq(_count(page, "resolved"), "0", "none resolved")

    tok, _ = test_api.new_token(t, stack, "demo.tanphong", name="search2")
    r = test_api.call(stack, "/api/v1/submissions?" + urllib.parse.urlencode({"q": f"NO LUONG thang 10, ma {m}"}), tok)
    t.eq(r.status, 200, "API q=")
    got = [it["id"] for it in json.loads(r.body)["items"]]
    t.eq(got, [a], "the API's q finds the same report, accent-free")
    r = test_api.call(stack, "/api/v1/submissions?" + urllib.parse.urlencode({"q": m}), tok)
    t.eq(sorted(it["id"] for it in json.loads(r.body)["items"]), sorted([a, b]), "and never the other unit's")
    for q in ("' OR 1=1 --", "<script>", "no:* & luong", "!!", "a | b", "\\", "Đ" * 200, "'"):
        t.eq(ward.get("/admin/?" + urllib.parse.urlencode({"q": q})).status, 200, f"hostile search {q[:20]!r}")


def test_search_common_phrase(t, stack):
    """A phrase in more than 5,000 reports, the newest among them (read one by one until a page is full), and a
    rarer one among them (from the index, slice by slice): the same order (urgent new first, then newest), the next page continues, counts stop at 100+, scope kept."""
    m = "cp" + secrets.token_hex(4)
    wp = stack.value("SELECT w.id FROM workplace w WHERE w.name LIKE '%Tân Phong%' OR w.unit_id IN "
                     "(SELECT id FROM org_unit WHERE code = 'CD-TANPHONG') ORDER BY w.id LIMIT 1")
    other = stack.value("SELECT w.id FROM workplace w WHERE w.name LIKE '%Chè%' ORDER BY w.id LIMIT 1")
    stack.psql("INSERT INTO submission (form_id, form_version, workplace_id, unit_id, entry_point_id, channel, "
               "received_at, answers, lang, idempotency_key, receipt_hash, status) "
               "SELECT 'concern', 1, w.id, w.unit_id, (SELECT min(id) FROM entry_point e WHERE e.workplace_id = w.id), "
               "'qr', now() - make_interval(secs => i), "
               "jsonb_build_object('text', 'Tăng ca ' || :'m' || ' số ' || i, 'category', 'hours'), 'vi', "
               "'sw2' || :'m' || w.id || '-' || i, sha256((:'m' || w.id || '-' || i)::bytea), "
               "(ARRAY['new', 'resolved'])[1 + i % 2] "
               "FROM workplace w, generate_series(1, CASE WHEN w.id = :'wp' THEN 5200 ELSE 300 END) i "
               "WHERE w.id IN (:'wp', :'other')", m=m, wp=wp, other=other)
    t.require(int(stack.value("SELECT count(*) FROM submission WHERE workplace_id = :'wp' AND search_text LIKE "
                              "'%' || :'m' || '%'", wp=wp, m=m)) > 5000, "over 5,000 matches in the ward's scope")
    stack.psql("UPDATE submission SET urgent = true WHERE idempotency_key = 'sw2' || :'m' || :'wp' || '-2699'",
               m=m, wp=wp)
    ward = harness.demo_console(t, stack, "demo.tanphong")
    ids, page = _found(t, ward, f"tang ca {m}")
    want = [int(x) for x in stack.psql(
        "SELECT id FROM submission WHERE search_text LIKE '%tang ca ' || :'m' || '%' AND workplace_id = :'wp' "
        "ORDER BY (urgent AND status = 'new') DESC, received_at DESC, id DESC LIMIT 50", m=m, wp=wp).split()]
    t.eq(len(want), 50, "50 rows expected")
    t.eq(ids, want, "the first page: the urgent new report first, then newest first, only the ward's")
    t.eq(_count(page, "new"), "100+", "with a search, counts stop at 100+")
    t.eq(_count(page, "spam"), "0", "a status without matches: 0")
    nxt = re.search(r'href="(/admin/\?[^"]*after=[^"]*)"', page)
    t.require(nxt, "a next-page link")
    page2 = ward.get(nxt.group(1).replace("&amp;", "&"))
    ids2 = list(dict.fromkeys(int(i) for i in re.findall(r'href="/admin/s/(\d+)"', page2.text)))
    want2 = [int(x) for x in stack.psql(
        "SELECT id FROM submission WHERE search_text LIKE '%tang ca ' || :'m' || '%' AND workplace_id = :'wp' "
        "ORDER BY (urgent AND status = 'new') DESC, received_at DESC, id DESC OFFSET 50 LIMIT 50", m=m, wp=wp).split()]
    t.eq(ids2, want2, "the next page continues where the first stopped")
    ids, _ = _found(t, ward, f"tang ca {m} so 2699")
    t.eq(len(ids), 1, "a rare phrase among them: the one report (so 2699, not 26990: that one does not exist)")
    ids, _ = _found(t, ward, f"tang ca {m} so 5100")
    t.eq(len(ids), 1, "a rare phrase older than the newest 3,000 reports: found through the index")
    stack.psql("UPDATE submission SET urgent = true, status = 'new' WHERE idempotency_key = 'sw2' || :'m' || :'wp' || '-5150'",
               m=m, wp=wp)
    ids, _ = _found(t, ward, f"tang ca {m} so 51")
    want = [int(x) for x in stack.psql(
        "SELECT id FROM submission WHERE search_text LIKE '%tang ca ' || :'m' || ' so 51%' AND workplace_id = :'wp' "
        "ORDER BY (urgent AND status = 'new') DESC, received_at DESC, id DESC LIMIT 50", m=m, wp=wp).split()]
    t.eq(len(want), 50, "51, 510-519, 5100-5199: more than a page")
    t.eq(ids, want, "fewer than a page among the newest 3,000, the rest through the index: the urgent one first, "
         "then newest first")
    ids, _ = _found(t, ward, f"tang ca {m}", "&status=resolved")
    t.check(len(ids) == 50 and all(i in [int(x) for x in stack.psql(
        "SELECT id FROM submission WHERE status = 'resolved' AND workplace_id = :'wp'", wp=wp).split()] for i in ids),
        "the status filter with a common phrase: 50 resolved reports of the ward")
