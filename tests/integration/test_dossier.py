"""test_dossier.py: the case dossier (HTML, JSON, XLSX, CLI): content, revealed contacts only, scope, audit."""
import io
import json
import zipfile

import harness
import test_cases
import test_console_org


def _submit(t, stack, token, text, name, phone):
    r, idem = stack.submit(token, [("category", "hours"), ("text", text), ("contact_name", name),
                                   ("contact_phone", phone), ("contact_consent", "yes")])
    t.require(r.status in (200, 303), f"a report with contact details: {r.status} {harness.short(r.text)}")
    sid = stack.value("SELECT id FROM submission WHERE idempotency_key = :'k'", k=idem)
    t.require(sid, "the report is stored")
    return str(sid)


def test_dossier(t, stack):
    logins = harness.demo_logins(stack)
    c = harness.console_login(stack, "demo.tinh", logins["demo.tinh"])
    t.require(c.cookie, "the province officer signs in")
    token = next(tok for tok, name, _ in stack.demo if "Chè" in name)
    sub1 = _submit(t, stack, token, "Ca đêm kéo dài mười hai giờ", "Nguyễn Văn Hồ Sơ", "0912345678")
    sub2 = _submit(t, stack, token, "Không được nghỉ giữa ca", "Trần Thị Kín", "0987654321")
    case = test_cases._create(t, c, sub1, "Làm thêm giờ quá mức <b>", "2026-03-10", kind="working_time")
    t.eq(c.post(f"/admin/cases/{case}", [("action", "link"), ("submission", sub2)]).status, 303, "second report linked")
    t.eq(c.post(f"/admin/cases/{case}", [("action", "stage"), ("stage", "verification"), ("on_date", "2026-03-20"),
                                         ("outcome", ""), ("note", "Đã gặp ban giám đốc")]).status, 303, "stage moved")
    t.eq(c.post(f"/admin/s/{sub1}", [("action", "message"), ("body", "Anh có bảng chấm công không?")]).status, 303,
         "a message to the worker")
    stack.psql("INSERT INTO message (submission_id, author, body) VALUES (:'s', 'worker', 'Có, tôi sẽ gửi ảnh')", s=sub1)
    rev = c.post(f"/admin/s/{sub1}", [("action", "reveal")])
    t.require(rev.status == 200 and "0912345678" in rev.text, f"the contact is revealed: {rev.status}")
    stack.psql("INSERT INTO case_attachment (case_id, filename, mime, size, sha256, data) "
               "VALUES (:'c', 'bien-ban.pdf', 'application/pdf', 4, sha256('%PDF'::bytea), '%PDF'::bytea)", c=case)
    sha = stack.value("SELECT encode(sha256('%PDF'::bytea), 'hex')")

    page = c.get(f"/admin/cases/{case}")
    t.check(f'href="/admin/dossier/{case}.xlsx"' in page.text, "the case page links the dossier")

    h = c.get(f"/admin/dossier/{case}")
    t.eq(h.status, 200, "the HTML dossier")
    t.check("<b>" not in h.text and "&lt;b&gt;" in h.text, "the title is escaped")
    t.check("Điều 190" in h.text and "Đã gặp ban giám đốc" in h.text, "deadlines' legal sources and the timeline")
    t.check("Ca đêm kéo dài mười hai giờ" in h.text and "Không được nghỉ giữa ca" in h.text, "both reports' answers")
    t.check("Việc này liên quan đến" in h.text, "answers labelled by their form version")
    t.check("0912345678" in h.text and "Nguyễn Văn Hồ Sơ" in h.text, "the revealed contact is included")
    t.check("0987654321" not in h.text and "không đưa vào hồ sơ" in h.text, "the other contact is not")
    t.check("Có, tôi sẽ gửi ảnh" in h.text, "the worker's reply is included")
    t.check(sha in h.text and "bien-ban.pdf" in h.text, "attachments with their sha256")
    t.check(harness.re.search(r"/static/[0-9a-f]+/dossier\.css", h.text), "the print stylesheet, versioned")

    j = c.get(f"/admin/dossier/{case}.json")
    t.eq(j.status, 200, "the JSON dossier")
    d = json.loads(j.text)
    t.eq(d["case"]["stage"], "verification", "JSON: the stage")
    t.check(any(x["source"].startswith("Bộ luật Lao động") for x in d["deadlines"]), "JSON: deadlines with sources")
    t.check([e["kind"] for e in d["timeline"]][:1] == ["created"] and any(e["kind"] == "stage" for e in d["timeline"]),
            "JSON: the timeline in order")
    reps = {str(x["id"]): x for x in d["reports"]}
    t.eq(sorted(reps), sorted([sub1, sub2]), "JSON: both reports")
    t.check("0912345678" in (reps[sub1]["contact"] or ""), "JSON: the revealed contact")
    t.eq(reps[sub2]["contact"], None, "JSON: no unrevealed contact")
    t.check(any(a["sha256"] == sha for a in d["attachments"]), "JSON: attachments")

    x = c.get(f"/admin/dossier/{case}.xlsx")
    t.eq(x.status, 200, "the XLSX dossier")
    with zipfile.ZipFile(io.BytesIO(x.body)) as z:
        wb = z.read("xl/workbook.xml").decode()
    for sheet in ("Vụ việc", "Diễn biến", "Phản ánh", "Tệp đính kèm"):
        t.check(f'name="{sheet}"' in wb, f"XLSX sheet {sheet}")
    t.eq(c.get(f"/admin/dossier/{case}.pdf").status, 404, "an unknown format is 404")

    ward = harness.console_login(stack, "demo.tanphong", logins["demo.tanphong"])
    t.require(ward.cookie, "the ward officer signs in")
    for suffix in ("", ".json", ".xlsx"):
        t.eq(ward.get(f"/admin/dossier/{case}{suffix}").status, 404, f"another unit's case{suffix}: 404")
    t.eq(c.get("/admin/dossier/99999999").status, 404, "an unknown case: 404")

    n = stack.value("SELECT count(*) FROM audit_log WHERE action = 'dossier.export' AND object = :'o'", o=f"case:{case}")
    t.eq(n, 3, "every download audited")
    t.eq(stack.value("SELECT count(*) FROM audit_log WHERE action = 'dossier.contact' AND object = :'o'",
                     o=f"submission:{sub1}"), 3, "each included contact audited")
    t.eq(stack.value("SELECT count(*) FROM audit_log WHERE action = 'dossier.contact' AND object = :'o'",
                     o=f"submission:{sub2}"), 0, "an unrevealed contact is never opened")

    out = stack.admin("export", "case", "--id", case, "--format", "json")
    t.eq(out.returncode, 0, f"CLI export: {out.stderr.decode()[:200]}")
    cd = json.loads(out.stdout.decode())
    t.eq(len(cd["reports"]), 2, "CLI: both reports")
    t.check(all(r["contact"] is None for r in cd["reports"]), "CLI: no contact details")
    out = stack.admin("export", "case", "--id", case, "--format", "xlsx")
    t.check(out.returncode == 0 and out.stdout[:2] == b"PK", "CLI: XLSX")
    out = stack.admin("export", "case", "--id", case, "--format", "html")
    t.check(out.returncode == 0 and "Đã gặp ban giám đốc" in out.stdout.decode(), "CLI: HTML")
    t.eq(stack.admin("export", "case", "--id", "99999999").returncode, 2, "CLI: an unknown case exits 2")
    t.eq(stack.admin("export", "case", "--id", case, "--format", "pdf").returncode, 2, "CLI: an unknown format exits 2")
    t.eq(stack.value("SELECT count(*) FROM audit_log WHERE action = 'dossier.export' AND object = :'o' "
                     "AND detail LIKE 'cli:%'", o=f"case:{case}"), 3, "CLI exports audited")

    # a viewer of the same unit reads the HTML without contacts; no downloads
    unit = stack.value("SELECT u.code FROM officer o JOIN org_unit u ON u.id = o.unit_id WHERE o.username = 'demo.tinh'")
    v = test_console_org._officer(t, stack, unit, "viewer")
    vh = v.get(f"/admin/dossier/{case}")
    t.eq(vh.status, 200, "a viewer reads the HTML dossier")
    t.check("0912345678" not in vh.text and "không đưa vào hồ sơ" in vh.text, "but never a contact")
    t.eq(v.get(f"/admin/dossier/{case}.json").status, 403, "a viewer gets no JSON")
    t.eq(v.get(f"/admin/dossier/{case}.xlsx").status, 403, "nor XLSX")
