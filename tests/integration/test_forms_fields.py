"""test_forms_fields.py: the questions forms version 2 added (employer status, money owed after leaving, Tết bonus, social-insurance amount and book, accident severity and reporting, occupational disease, meals provided, union membership): stored, refused when bad, shown in the console and exports, old reports kept with their version's labels."""
import csv
import io
import json
import re
import time
import zipfile

import harness
from harness import parse_html, receipt_of, short

HOSTILE = ["'); DROP TABLE submission; --", "<script>alert(1)</script>", '"><img src=x onerror=alert(1)>',
           "yes<", "YES", "1", "ệ" * 3000]
NOTE = "Ghi chú để kiểm tra câu trả lời được giữ lại <b>&amp;</b>."


def _this_month():
    """This month in Vietnam (UTC+7), as the month fields count it."""
    return time.strftime("%Y-%m", time.gmtime(time.time() + 7 * 3600))


def _token(stack):
    """A demo QR code offering every form."""
    return stack.demo[0][0]


# The fewest answers each form needs, and the text area that shows answers are kept.
def _base(form_id):
    return {
        "concern": [("text", NOTE)],
        "wage_arrears": [("months_owed", _this_month()), ("details", NOTE)],
        "social_insurance": [("deducted", "yes"), ("details", NOTE)],
        "safety": [("kind", "accident"), ("danger_now", "no"), ("where", "Xưởng dập"), ("description", NOTE)],
        "meal": [("meals_provided", "provided"), ("quality", "fair"), ("details", NOTE)],
        "bargaining_survey": [("priorities:wages", "1"), ("comments", NOTE)],
    }[form_id]


KEPT = {"concern": "text", "wage_arrears": "details", "social_insurance": "details", "safety": "description",
        "meal": "details", "bargaining_survey": "comments"}


def _no_row(t, stack, idem, what):
    t.eq(stack.count_idem(idem), 0, f"{what}: nothing stored")


def _accepted(t, stack, token, form_id, pairs, what):
    r, idem = stack.submit(token, pairs, form_id=form_id)
    errors = {k: v.strip() for k, v in parse_html(r.text).by_id.items() if k.startswith("e-")}
    t.check(r.status == 200 and receipt_of(r), f"{what}: status {r.status}, want 200 with a receipt; errors {errors}")
    row = stack.submission(idem)
    t.require(row is not None, f"{what}: no row stored")
    t.eq(row["form_version"], 2, f"{what}: stored under the form's new version")
    return row


_KEYS = {}   # (stack port, form id) -> (_token, _idem) reused by refused posts: a refused post stores nothing


def _refused(t, stack, token, form_id, pairs, field, what):
    """400 with the error inside the field's own block, the text area's answer kept, nothing stored.
    Refused posts of one form share one anti-forgery token and key (fetched once, to keep the suite fast);
    _nothing_refused_stored checks the keys at the end."""
    key = (stack.port, form_id)
    if key not in _KEYS:
        _, csrf, idem = stack.form(token, form_id)
        _KEYS[key] = (csrf, idem)
    csrf, idem = _KEYS[key]
    r, _ = stack.submit(token, pairs, form_id=form_id, csrf=csrf, idem=idem)
    t.check(r.status == 400, f"{what}: status {r.status}, want 400")
    q = r.text.find(f'id="q-{field}"')
    e = r.text.find(f'id="e-{field}"')
    nxt = r.text.find('id="q-', q + 1) if q >= 0 else -1
    t.check(0 <= q < e and (nxt < 0 or e < nxt), f"{what}: the error is not beside {field} (q {q}, e {e}, next {nxt})")
    t.check(len(re.findall(r'id="e-', r.text)) == 1, f"{what}: errors on other fields too: "
            f"{[k for k in parse_html(r.text).by_id if k.startswith('e-')]}")
    t.eq(harness.textarea_value(r.text, KEPT[form_id]), NOTE, f"{what}: the worker's text kept")
    t.check("<script>alert" not in r.text and "<img src=x" not in r.text, f"{what}: hostile value echoed unescaped")
    return r


def _nothing_refused_stored(t, stack):
    for (port, form_id), (_, idem) in list(_KEYS.items()):
        if port == stack.port:
            _no_row(t, stack, idem, f"{form_id}: the refused posts")
            del _KEYS[(port, form_id)]


def test_new_fields(t, stack):
    token = _token(stack)
    # wage arrears: employer status, owed after leaving (only when the worker left), Tết bonus
    row = _accepted(t, stack, token, "wage_arrears", _base("wage_arrears") + [
        ("amount", "12.000.000 đ"), ("employer_status", "owner_left"), ("left_job", "yes"),
        ("owed_after_leaving", "unsure"), ("tet_bonus_owed", "yes")], "wage arrears with the new questions")
    a = row["answers"]
    t.eq({k: a.get(k) for k in ("amount", "employer_status", "left_job", "owed_after_leaving", "tet_bonus_owed")},
         {"amount": 12000000, "employer_status": "owner_left", "left_job": "yes", "owed_after_leaving": "unsure",
          "tet_bonus_owed": "yes"}, "wage arrears: the new answers as stored")
    row = _accepted(t, stack, token, "wage_arrears", _base("wage_arrears") + [
        ("left_job", "no"), ("owed_after_leaving", "yes")], "owed after leaving, not having left")
    t.check("owed_after_leaving" not in row["answers"], f"a question not asked is not stored: {row['answers']}")
    row = _accepted(t, stack, token, "wage_arrears", _base("wage_arrears") + [
        ("employer_status", ""), ("left_job", ""), ("tet_bonus_owed", "")], "wage arrears, new questions empty")
    t.check(not {"employer_status", "left_job", "tet_bonus_owed"} & set(row["answers"]),
            f"empty answers are not stored: {row['answers']}")

    # social insurance: the amount (money, like the wage form's), whose amount, the book, the employer
    row = _accepted(t, stack, token, "social_insurance", _base("social_insurance") + [
        ("amount", "3.500.000 VNĐ"), ("amount_basis", "total"), ("book_held", "yes"),
        ("employer_status", "stopped")], "social insurance with the new questions")
    a = row["answers"]
    t.eq({k: a.get(k) for k in ("deducted", "amount", "amount_basis", "book_held", "employer_status")},
         {"deducted": "yes", "amount": 3500000, "amount_basis": "total", "book_held": "yes",
          "employer_status": "stopped"}, "social insurance: the new answers as stored")
    t.check(isinstance(a.get("amount"), int), f"amount is an integer of đồng: {a.get('amount')!r}")
    row = _accepted(t, stack, token, "social_insurance", [("deducted", "unsure"), ("details", NOTE)],
                    "deducted: not sure")
    t.eq(row["answers"].get("deducted"), "unsure", "deducted takes 'not sure'")
    for amount, stored in (("0", 0), ("100.000.000.000", 100000000000), ("5,000,000", 5000000)):
        row = _accepted(t, stack, token, "social_insurance", _base("social_insurance") + [("amount", amount)],
                        f"amount {amount!r}")
        t.eq(row["answers"].get("amount"), stored, f"amount {amount!r} stored")

    # safety: severity and employer's report for accidents only; occupational disease and exposures for all
    row = _accepted(t, stack, token, "safety", _base("safety") + [
        ("severity", "serious"), ("injured", "2"), ("dead", "0"), ("reported_by_employer", "no"),
        ("occupational_disease", "unsure"), ("exposures", "dust"), ("exposures", "no_ppe")], "an accident, in full")
    a = row["answers"]
    t.eq({k: a.get(k) for k in ("severity", "injured", "dead", "reported_by_employer", "occupational_disease",
                                "exposures")},
         {"severity": "serious", "injured": 2, "dead": 0, "reported_by_employer": "no",
          "occupational_disease": "unsure", "exposures": ["dust", "no_ppe"]}, "safety: the new answers as stored")
    row = _accepted(t, stack, token, "safety", [("kind", "hazard"), ("danger_now", "no"), ("where", "Kho hóa chất"),
                                                ("description", NOTE), ("severity", "fatal"),
                                                ("reported_by_employer", "yes"), ("occupational_disease", "yes")],
                    "a hazard with accident-only answers")
    t.check("severity" not in row["answers"] and "reported_by_employer" not in row["answers"],
            f"accident-only answers are not stored for a hazard: {row['answers']}")
    t.eq(row["answers"].get("occupational_disease"), "yes", "occupational disease asked for a hazard too")

    # meals: whether a meal is served at all decides whether its quality is asked
    row = _accepted(t, stack, token, "meal", [("meals_provided", "cash"), ("meal_value", "30.000"),
                                              ("quality", "poor"), ("details", NOTE)], "meal money instead")
    t.eq(row["answers"].get("meals_provided"), "cash", "meals_provided stored")
    t.eq(row["answers"].get("meal_value"), 30000, "the money paid instead stored")
    t.check("quality" not in row["answers"], f"quality is not asked without a meal: {row['answers']}")
    row = _accepted(t, stack, token, "meal", [("meals_provided", "none")], "no meal at all")
    t.eq(row["answers"], {"meals_provided": "none"}, "no meal: only that is stored")
    _refused(t, stack, token, "meal", [("meals_provided", ""), ("details", NOTE)], "meals_provided",
             "meals_provided missing")
    _refused(t, stack, token, "meal", [("meals_provided", "provided"), ("details", NOTE)], "quality",
             "a meal served, its quality missing")

    # bad values: each new choice refused beside its field, the rest kept, nothing stored
    choices = [("wage_arrears", "employer_status", []), ("wage_arrears", "left_job", []),
               ("wage_arrears", "owed_after_leaving", [("left_job", "yes")]), ("wage_arrears", "tet_bonus_owed", []),
               ("social_insurance", "amount_basis", []), ("social_insurance", "book_held", []),
               ("social_insurance", "employer_status", []), ("social_insurance", "deducted", None),
               ("safety", "severity", []), ("safety", "reported_by_employer", []),
               ("safety", "occupational_disease", []), ("safety", "exposures", []),
               ("meal", "meals_provided", None)]
    for form_id, field, extra in choices:
        base = [p for p in _base(form_id) if p[0] != field] if extra is None else _base(form_id) + extra
        for h in HOSTILE[1:3] + (HOSTILE[:1] + HOSTILE[3:] if field in ("employer_status", "book_held") else []):
            _refused(t, stack, token, form_id, base + [(field, h)], field, f"{form_id}.{field} = {short(h, 30)!r}")
    # money: words, fractions, negative, over the limit, huge
    for bad in ("ba triệu", "1,5", "-5.000", "100.000.000.001", "9" * 40, "9" * 5000, "<script>alert(1)</script>"):
        _refused(t, stack, token, "social_insurance", _base("social_insurance") + [("amount", bad)],
                 "amount", f"amount = {short(bad, 30)!r}")
    for bad in ("-1", "2.5", "nhiều", "9" * 30):
        _refused(t, stack, token, "safety", _base("safety") + [("injured", bad)], "injured", f"injured = {bad[:30]!r}")
    # a body past the limit is refused whole
    r, idem = stack.submit(token, _base("social_insurance") + [("amount", "9" * 70000)],
                           form_id="social_insurance")
    t.eq(r.status, 413, "a 70 KB amount: 413")
    _no_row(t, stack, idem, "a 70 KB amount")
    _nothing_refused_stored(t, stack)


def test_union_questions(t, stack):
    token = _token(stack)
    forms = ["concern", "wage_arrears", "social_insurance", "safety", "meal", "bargaining_survey"]
    for form_id in forms:
        page = stack.get(f"/q/{token}/{form_id}")
        t.require(page.status == 200, f"GET {form_id}: {page.status}")
        t.check('id="q-union_member"' in page.text, f"{form_id}: asks whether the worker is a member")
        t.check(re.search(r'id="q-join_union"[^>]*data-if-field="union_member" data-if-values="no unsure"', page.text),
                f"{form_id}: asks about joining only after the membership question")
        t.check("Bạn có phải là đoàn viên Công đoàn không?" in page.text, f"{form_id}: the member question's text")
        m = re.search(r'id="q-union_member".*?</legend>', page.text, re.S)   # optional: not marked, not required
        t.check(m and "bắt buộc" not in m.group(0) and " required" not in page.text[m.start():page.text.find("</fieldset>", m.start())],
                f"{form_id}: the member question is optional: {m and m.group(0)}")
        row = _accepted(t, stack, token, form_id, _base(form_id) + [("union_member", "no"), ("join_union", "yes")],
                        f"{form_id}: not a member, wants to join")
        t.eq((row["answers"].get("union_member"), row["answers"].get("join_union")), ("no", "yes"),
             f"{form_id}: membership and wish to join stored")
        if form_id == "concern":   # the same condition (checked above) and code for every form: stored once
            row = _accepted(t, stack, token, form_id, _base(form_id) + [("union_member", "yes"), ("join_union", "yes")],
                            f"{form_id}: a member")
            t.check("join_union" not in row["answers"], f"{form_id}: a member is not asked to join: {row['answers']}")
            row = _accepted(t, stack, token, form_id, _base(form_id), f"{form_id}: membership left blank")
            t.check("union_member" not in row["answers"] and "join_union" not in row["answers"],
                    f"{form_id}: nothing stored when left blank: {row['answers']}")
        for h in (("maybe", "<script>alert(1)</script>", "x" * 5000) if form_id == "concern" else ("maybe",)):
            _refused(t, stack, token, form_id, _base(form_id) + [("union_member", h)], "union_member",
                     f"{form_id}: union_member = {h[:20]!r}")
        _refused(t, stack, token, form_id, _base(form_id) + [("union_member", "unsure"), ("join_union", "later")],
                 "join_union", f"{form_id}: join_union = 'later'")
    _nothing_refused_stored(t, stack)
    en = stack.get(f"/q/{token}/meal?lang=en")
    t.check("Are you a member of the trade union?" in en.text, "the member question in English")


def _old_report(stack, answers):
    """A wage-arrears report filled with form version 1 (before the new questions)."""
    token = _token(stack)
    idem = harness.new_idem()
    return stack.psql(
        "INSERT INTO submission (form_id, form_version, workplace_id, unit_id, entry_point_id, answers, lang, "
        "idempotency_key, receipt_hash) SELECT 'wage_arrears', 1, e.workplace_id, w.unit_id, e.id, :'a'::jsonb, 'vi', "
        ":'k', sha256(convert_to(:'k', 'UTF8')) FROM entry_point e JOIN workplace w ON w.id = e.workplace_id "
        "WHERE e.token = :'t' RETURNING id", a=json.dumps(answers), k=idem, t=token).splitlines()[0]


def test_versions_console_exports(t, stack):
    t.eq(stack.value("SELECT count(*) FROM form_version WHERE version = 1 AND form_id <> 'stoppage'"), 6,
         "version 1 of the six shipped forms is on record (sql/026)")
    t.eq(stack.value("SELECT count(*) FROM form_version WHERE version = 2"), 6, "version 2 of the six is on record")
    old = _old_report(stack, {"months_owed": [_this_month()], "amount": 7000000, "amount_basis": "per_person",
                              "promised": "yes", "employer_status": "owner_left"})
    token = _token(stack)
    new = _accepted(t, stack, token, "wage_arrears", _base("wage_arrears") + [
        ("amount", "9.000.000"), ("amount_basis", "per_person"), ("promised", "yes"),
        ("employer_status", "owner_left"), ("tet_bonus_owed", "yes"),
        ("union_member", "no"), ("join_union", "yes")], "a version-2 wage report")
    si = _accepted(t, stack, token, "social_insurance", _base("social_insurance") + [
        ("amount", "4.200.000"), ("amount_basis", "per_person"), ("book_held", "yes")],
        "a version-2 social-insurance report")
    acc = _accepted(t, stack, token, "safety", _base("safety") + [("severity", "fatal"), ("dead", "1"),
                                                                  ("reported_by_employer", "unsure")],
                    "a version-2 accident report")

    logins = harness.demo_logins(stack)
    c = harness.console_login(stack, "demo.tinh", logins["demo.tinh"])
    t.require(c.cookie, "the province officer signs in")
    # the old report: version 1's labels, nothing version 1 did not ask
    page = c.get(f"/admin/s/{old}")
    t.require(page.status == 200, f"old report page: {page.status}")
    t.check("Công ty đã hứa ngày trả chưa?" in page.text, "old report: version 1's label for 'promised'")
    t.check("Của riêng tôi" in page.text, "old report: version 1's option label")
    t.check("Công ty đã hẹn ngày trả nợ lương chưa?" not in page.text and "Số tiền công ty nợ riêng tôi" not in page.text,
            "old report: not version 2's wording")
    t.check("7.000.000 đ" in page.text, "old report: the amount in đồng")
    t.check("Hiện nay công ty còn hoạt động không?" not in page.text,
            "old report: a question version 1 did not ask is not shown")
    # the new ones: the new questions with their labels and option labels
    page = c.get(f"/admin/s/{new['id']}")
    t.require(page.status == 200, f"new report page: {page.status}")
    for text in ("Hiện nay công ty còn hoạt động không?", "Chủ công ty bỏ trốn, không liên lạc được",
                 "Công ty có nợ tiền thưởng Tết, thưởng cuối năm không?", "9.000.000 đ",
                 "Công ty đã hẹn ngày trả nợ lương chưa?", "Số tiền công ty nợ riêng tôi",
                 "Bạn có phải là đoàn viên Công đoàn không?", "Bạn có muốn gia nhập Công đoàn không?"):
        t.check(text in page.text, f"new wage report page shows {text!r}")
    page = c.get(f"/admin/s/{si['id']}")
    for text in ("Số tiền bảo hiểm công ty chưa đóng (ước tính)", "4.200.000 đ", "Số tiền công ty nợ riêng tôi",
                 "Công ty có giữ sổ BHXH, không chốt sổ hoặc không trả sổ khi bạn nghỉ việc không?"):
        t.check(text in page.text, f"social-insurance report page shows {text!r}")
    page = c.get(f"/admin/s/{acc['id']}")
    for text in ("Mức độ tai nạn", "Có người chết", "Công ty đã khai báo tai nạn với cơ quan nhà nước chưa?",
                 "Không rõ"):
        t.check(text in page.text, f"accident report page shows {text!r}")

    # exports: new columns, old rows with their answers and empty new cells
    r = stack.admin("export", "submissions", "--format", "csv", "--form", "wage_arrears")
    t.require(r.returncode == 0, f"csv export: {r.stderr.decode()}")
    rows = {x["Số phản ánh"]: x for x in csv.DictReader(io.StringIO(r.stdout.decode("utf-8-sig")))}
    o, n = rows.get(str(old)), rows.get(str(new["id"]))
    t.require(o and n, f"both reports exported: {sorted(rows)[:5]}")
    w = "Nợ lương: "
    t.eq((o["Phiên bản biểu mẫu"], o[w + "Số tiền bị nợ (ước tính)"], o[w + "Công ty đã hẹn ngày trả nợ lương chưa?"],
          o[w + "Số tiền trên là"], o[w + "Công ty có nợ tiền thưởng Tết, thưởng cuối năm không?"]),
         ("1", "7000000", "Có", "Của riêng tôi", ""), "CSV: the old report's answers in version 1's words, new columns empty")
    t.eq((n["Phiên bản biểu mẫu"], n[w + "Hiện nay công ty còn hoạt động không?"],
          n[w + "Công ty có nợ tiền thưởng Tết, thưởng cuối năm không?"], n[w + "Số tiền trên là"],
          n[w + "Bạn có phải là đoàn viên Công đoàn không?"], n[w + "Bạn có muốn gia nhập Công đoàn không?"]),
         ("2", "Chủ công ty bỏ trốn, không liên lạc được", "Có", "Số tiền công ty nợ riêng tôi", "Không", "Có"),
         "CSV: the new answers in their columns, in version 2's words")
    r = stack.admin("export", "submissions", "--format", "csv", "--form", "social_insurance")
    rows = {x["Số phản ánh"]: x for x in csv.DictReader(io.StringIO(r.stdout.decode("utf-8-sig")))}
    t.eq((rows.get(str(si["id"])) or {}).get("Nợ bảo hiểm xã hội: Số tiền bảo hiểm công ty chưa đóng (ước tính)"), "4200000",
         "CSV: amount in đồng")
    j = stack.admin("export", "submissions", "--format", "json", "--form", "safety")
    lines = {x["id"]: x for x in (json.loads(s) for s in j.stdout.decode().splitlines())}
    got = lines.get(int(acc["id"]), {})
    t.eq((got.get("version"), got.get("answers", {}).get("severity"), got.get("answers", {}).get("dead")),
         (2, "fatal", 1), "JSON Lines: version and the new answers")
    x = stack.admin("export", "submissions", "--format", "xlsx")
    t.require(x.returncode == 0, f"xlsx export: {x.stderr.decode()}")
    z = zipfile.ZipFile(io.BytesIO(x.stdout))
    strings = "".join(z.read(n).decode() for n in z.namelist() if n.endswith(".xml"))
    for label in ("Hiện nay công ty còn hoạt động không?", "Số tiền bảo hiểm công ty chưa đóng (ước tính)",
                  "Mức độ tai nạn", "Công ty có tổ chức bữa ăn giữa ca không?",
                  "Bạn có phải là đoàn viên Công đoàn không?"):
        t.check(label in strings, f"XLSX: a column headed {label!r}")


def test_wording(t, stack):
    """The review's wording: a worker "phản ánh" (never "báo cáo"), the statutory terms, Công đoàn capitalised."""
    token = _token(stack)
    pages = {f: stack.get(f"/q/{token}/{f}").text for f in
             ("concern", "wage_arrears", "social_insurance", "safety", "meal", "bargaining_survey")}
    for f, text in pages.items():
        t.check("Nghiêm cấm mọi hành vi trù dập, phân biệt đối xử với người phản ánh." in text, f"{f}: the footer")
        t.check("Họ tên hoặc tên thường gọi" in text and "Nếu không để lại, phản ánh của bạn vẫn được xử lý." in text,
                f"{f}: the contact block's wording")
        t.check("Ai được xem:" in text and "Lưu trong bao lâu:" in text, f"{f}: the privacy notice's wording")
        for old in ("Báo cáo có thể ẩn danh", "Trả thù", "báo cáo này", "Tên hoặc cách gọi", "hứa", "cán bộ công đoàn",
                    "Việc khác", "cho thôi việc", "suýt gây", "Chống quấy rối", "Bị từ chối khi đi khám"):
            t.check(old not in text, f"{f}: old wording {old!r} still shown")
    for f, words in (("concern", ["Hợp đồng lao động, sa thải, cho nghỉ việc", "An toàn, vệ sinh lao động", "Vấn đề khác"]),
                     ("wage_arrears", ["Theo hợp đồng hoặc quy chế của công ty, lương tháng được trả vào ngày nào?",
                                       "Mỗi lần trả lương, bạn có được nhận phiếu lương (bảng kê trả lương) không?",
                                       "Công ty đã hẹn ngày trả nợ lương chưa?", "Ngày công ty hẹn trả",
                                       "Tổng số tiền công ty nợ cả nhóm, bộ phận"]),
                     ("social_insurance", ["Trên VssID có báo công ty chậm đóng, nợ đóng BHXH không?",
                                           "Không dùng được khi đi khám chữa bệnh"]),
                     ("safety", ["Sự cố suýt xảy ra tai nạn",
                                 "Bạn có từ chối làm việc hoặc rời khỏi nơi nguy hiểm không?"]),
                     ("bargaining_survey", ["Phòng, chống quấy rối tình dục tại nơi làm việc"])):
        for w in words:
            t.check(w in pages[f], f"{f}: shows {w!r}")
    status = stack.get("/status").text
    t.check("cán bộ công đoàn" not in status and "Báo cáo" not in status, "status page: no old wording")
