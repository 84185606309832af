"""test_case_attachments.py: case documents (multipart upload with CSRF, content checks, GPS stripped, download headers, dossier hashes) and case edits (events, deadlines, stale forms), with scope, roles and RLS."""
import hashlib
import json
import os
import re
import subprocess
import tempfile
import unicodedata
import urllib.parse

import harness
import test_cases
import test_console_org

PHOTOS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "unit", "fixtures", "photos")
MIB = 1024 * 1024


def make_pdf(text="Biên bản hòa giải", pad=0):
    """A small but real PDF (objects, xref table, trailer), `pad` bytes of comment lines added."""
    content = f"BT /F1 12 Tf 72 720 Td ({text.encode('ascii', 'replace').decode()}) Tj ET".encode()
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
            b"/Resources << /Font << /F1 5 0 R >> >> >>",
            b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    while pad > 0:
        line = b"% " + b"x" * min(pad, 1000) + b"\n"
        out += line
        pad -= len(line)
    offsets = []
    for i, o in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + o + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)


def multipart(fields, files, boundary="----tiengnoi7MA4YWxkTrZu0gW"):
    """A multipart/form-data body: fields [(name, str)], files [(name, filename bytes|str, bytes)]."""
    out = bytearray()
    for name, value in fields:
        out += f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode() + value.encode() + b"\r\n"
    for name, filename, data in files:
        fn = filename if isinstance(filename, bytes) else filename.encode()
        out += (f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="'.encode() + fn +
                b'"\r\nContent-Type: application/octet-stream\r\n\r\n' + data + b"\r\n")
    out += f"--{boundary}--\r\n".encode()
    return bytes(out), f"multipart/form-data; boundary={boundary}"


def upload(c, case, data, filename="bien-ban.pdf", note="", on_date="", csrf=True, raw=None):
    fields = [("note", note), ("on_date", on_date)] + ([("_csrf", c.csrf if csrf is True else csrf)] if csrf else [])
    body, ctype = raw if raw else multipart(fields, [("file", filename, data)] if data is not None else [])
    return c.stack.post(f"/admin/case-files/{case}", body, ctype=ctype, headers=c._headers())


def _count(stack, case):
    return stack.value("SELECT count(*) FROM case_attachment WHERE case_id = :'c'", c=case)


def _exif_keys(data):
    with tempfile.NamedTemporaryFile(suffix=".jpg") as f:
        f.write(data)
        f.flush()
        p = subprocess.run(["exiftool", "-j", "-G", "-a", f.name], capture_output=True, timeout=30)
    return list(json.loads(p.stdout.decode() or "[{}]")[0].keys())


def _as_officer(stack, query, scope, role, officer=""):
    """Runs query as the console's database role with this scope; (ok, output)."""
    sql = ("BEGIN; SET LOCAL ROLE tiengnoi_officer; "
           f"SELECT set_config('tiengnoi.scope', '{scope}', true), set_config('tiengnoi.role', '{role}', true), "
           f"set_config('tiengnoi.officer', '{officer}', true) \\g /dev/null\n" + query + "; COMMIT;")
    p = subprocess.run(["psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-h", str(stack.run_dir), "-U", "tiengnoi_app",
                        "-d", "tiengnoi"], input=sql.encode(), capture_output=True, timeout=20)
    return p.returncode == 0, p.stdout.decode().strip()


def _refused_keeping_note(t, r, status, note, what):
    t.eq(r.status, status, what)
    t.check(not harness.readable_vi_problems(r), f"{what}: a readable Vietnamese page {harness.readable_vi_problems(r)}")
    t.eq(harness.parse_html(r.text).by_id.get("f-attach-note"), note, f"{what}: the note typed is kept")
    t.check(harness.parse_html(r.text).by_id.get("problem"), f"{what}: the problem is said")


def _province_case(t, stack, title):
    """The demo logins, the province officer signed in, and a new wage case of theirs at Tân Phong (discovered 10/03/2026)."""
    logins = harness.demo_logins(stack)
    c = harness.console_login(stack, "demo.tinh", logins["demo.tinh"])
    t.require(c.cookie, "the province officer signs in")
    sub = test_cases._report(stack, "Tân Phong", "wage_arrears", {"amount": 5000000, "coworkers": "t1_10"})
    return logins, c, test_cases._create(t, c, sub, title, "2026-03-10")


def test_attachments(t, stack):
    logins, c, case = _province_case(t, stack, "Nợ lương tổ may")
    page = c.get(f"/admin/cases/{case}")
    t.check(f'action="/admin/case-files/{case}"' in page.text and 'enctype="multipart/form-data"' in page.text,
            "the case page has the upload form")

    # a real PDF, kept byte for byte, under its Vietnamese name (sent decomposed, stored NFC)
    pdf = make_pdf()
    name_nfd = unicodedata.normalize("NFD", "Biên bản hòa giải ngày 5.pdf")
    note = "Biên bản <b>hòa giải</b> '; DROP TABLE case_attachment; --"
    r = upload(c, case, pdf, name_nfd, note=note, on_date="2026-04-02")
    t.require(r.status == 303, f"PDF upload: {r.status} {harness.short(r.text)}")
    t.check((r.header("Location") or "").startswith(f"/admin/cases/{case}"), "back to the case")
    row = stack.rows("SELECT id, filename, mime, size, encode(sha256, 'hex') AS sha, encode(data, 'hex') AS data, "
                     "officer_id IS NOT NULL AS who FROM case_attachment WHERE case_id = :'c'", c=case)
    t.require(len(row) == 1, f"one stored document: {len(row)}")
    pdf_id = row[0]["id"]
    t.eq(bytes.fromhex(row[0]["data"]), pdf, "the PDF is stored byte-exact")
    t.eq(row[0]["sha"], hashlib.sha256(pdf).hexdigest(), "its sha256 is stored")
    t.eq(row[0]["filename"], unicodedata.normalize("NFC", name_nfd), "the name is NFC, Vietnamese letters kept")
    t.eq((row[0]["mime"], row[0]["size"], row[0]["who"]), ("application/pdf", len(pdf), True), "type, size and officer")
    ev = stack.rows("SELECT kind, note, on_date::text AS d, attachment_id FROM case_event WHERE case_id = :'c' "
                    "AND kind = 'attachment'", c=case)
    t.eq(ev, [{"kind": "attachment", "note": note, "d": "2026-04-02", "attachment_id": pdf_id}],
         "a dated 'attachment' event with the note, verbatim")
    t.eq(stack.value("SELECT count(*) FROM audit_log WHERE action = 'case.attach' AND object = :'o' AND detail LIKE :'d'",
                     o=f"case:{case}", d=f"%{hashlib.sha256(pdf).hexdigest()}%"), 1, "the upload is audited with its hash")

    page = c.get(f"/admin/cases/{case}")
    t.check("<b>hòa giải</b>" not in page.text and "&lt;b&gt;" in page.text, "the note is escaped in the history")
    t.check(f'/admin/case-file/{pdf_id}"' in page.text and "Biên bản hòa giải ngày 5.pdf" in page.text,
            "the document is listed with a link")
    t.check(hashlib.sha256(pdf).hexdigest()[:12] in page.text, "with its short sha256")

    d = c.get(f"/admin/case-file/{pdf_id}")
    t.eq(d.status, 200, "download")
    t.eq(d.body, pdf, "the same bytes come back")
    t.eq(d.header("Content-Type"), "application/pdf", "as a PDF")
    cd = d.header("Content-Disposition") or ""
    t.check(cd.startswith("attachment;"), f"as an attachment: {cd}")
    t.check("filename*=UTF-8''" + urllib.parse.quote("Biên bản hòa giải ngày 5.pdf", safe="") in cd,
            f"the exact name in filename* (RFC 8187): {cd}")
    t.check(re.search(r'filename="[ -~]+"', cd) and not re.search(r'filename="[^"]*[^ -~][^"]*"', cd),
            f"an ASCII stand-in in filename=: {cd}")
    t.eq((d.header("X-Content-Type-Options") or "").lower(), "nosniff", "nosniff")
    t.check("sandbox" in (d.header("Content-Security-Policy") or ""), f"a sandboxing CSP: {d.header('Content-Security-Policy')}")

    # a JPEG with GPS: stored without it
    with open(os.path.join(PHOTOS, "gps.jpg"), "rb") as f:
        jpeg = f.read()
    t.require(any("GPS" in k for k in _exif_keys(jpeg)), "the fixture carries GPS (exiftool)")
    r = upload(c, case, jpeg, "ảnh hiện trường.jpg", note="Ảnh nhà xưởng")
    t.require(r.status == 303, f"JPEG upload: {r.status} {harness.short(r.text)}")
    jpg_id = stack.value("SELECT max(id) FROM case_attachment WHERE case_id = :'c'", c=case)
    dj = c.get(f"/admin/case-file/{jpg_id}")
    t.eq((dj.status, dj.header("Content-Type")), (200, "image/jpeg"), "the image downloads as a JPEG")
    t.check(dj.body[:2] == b"\xff\xd8" and dj.body != jpeg, "a JPEG, changed")
    left = [k for k in _exif_keys(dj.body) if "GPS" in k or "Comment" in k or "Creator" in k]
    t.eq(left, [], "no GPS or other planted metadata in the stored bytes (exiftool)")
    stored = bytes.fromhex(stack.value("SELECT encode(data, 'hex') FROM case_attachment WHERE id = :'i'", i=jpg_id))
    t.eq(stored, dj.body, "what is stored is what downloads")

    # the dossier lists both with their full sha256, matching the downloaded bytes
    dj_json = c.get(f"/admin/dossier/{case}.json")
    t.require(dj_json.status == 200, f"dossier JSON: {dj_json.status}")
    files = {a["id"]: a for a in json.loads(dj_json.body)["attachments"] if a["source"] == "case"}
    t.eq(files.get(pdf_id, {}).get("sha256"), hashlib.sha256(d.body).hexdigest(), "dossier: the PDF's sha256 = downloaded bytes")
    t.eq(files.get(jpg_id, {}).get("sha256"), hashlib.sha256(dj.body).hexdigest(), "dossier: the image's sha256 = downloaded bytes")
    t.check(all(a.get("added_by") for a in files.values()), "dossier: who added each document")
    dh = c.get(f"/admin/dossier/{case}")
    t.check(hashlib.sha256(dj.body).hexdigest() in dh.text, "dossier HTML: full sha256")

    # every bad input: refused, readable, note kept, nothing stored
    before = _count(stack, case)
    note = "Ghi chú phải còn nguyên <script>alert(1)</script>"
    _refused_keeping_note(t, upload(c, case, b"", "rong.pdf", note=note), 400, note, "an empty file")
    _refused_keeping_note(t, upload(c, case, None, note=note), 400, note, "no file at all")
    _refused_keeping_note(t, upload(c, case, b"hello, world\n", "ghi-chu.txt", note=note), 400, note, "a text file")
    _refused_keeping_note(t, upload(c, case, b"<html><body><script>alert(document.cookie)</script></body></html>",
                                    "quyet-dinh.pdf", note=note), 400, note, "a .pdf that is really HTML")
    _refused_keeping_note(t, upload(c, case, b"%PDF-1.4\n<html><script>alert(1)</script></html>\n1 0 obj\nendobj\n"
                                    b"startxref\n0\n%%EOF\n", "polyglot.pdf", note=note), 400, note,
                          "an HTML page that starts with %PDF-")
    _refused_keeping_note(t, upload(c, case, pdf[: len(pdf) // 2], "cut.pdf", note=note), 400, note, "a truncated PDF")
    _refused_keeping_note(t, upload(c, case, jpeg[:200], "cut.jpg", note=note), 400, note, "a broken JPEG")
    _refused_keeping_note(t, upload(c, case, pdf, b"bi\xffn-b\xe1n.pdf", note=note), 400, note, "a non-UTF-8 file name")
    _refused_keeping_note(t, upload(c, case, make_pdf(pad=10 * MIB), "lon.pdf", note=note), 413, note,
                          "a PDF over 10 MiB")
    r = upload(c, case, pdf, note=note, on_date="2026-02-30")
    _refused_keeping_note(t, r, 400, note, "an impossible date")
    t.check('id="f-attach-date" name="on_date" value="2026-02-30"' in r.text, "the date typed is kept")
    r = upload(c, case, pdf, note="x" * 4001)
    t.eq(r.status, 400, "a note over 4000 characters")
    t.eq(len(harness.parse_html(r.text).by_id.get("f-attach-note") or ""), 4001, "is kept to shorten")
    r = upload(c, case, b"\x00" * (12 * MIB), "huge.pdf")
    t.eq(r.status, 413, "a body over the limit")
    t.check(not harness.readable_vi_problems(r) and "10 MiB" in r.text, "gets a readable page naming the limit")
    body, ctype = multipart([("_csrf", c.csrf), ("note", "x")], [("file", "a.pdf", pdf)])
    r = c.stack.post(f"/admin/case-files/{case}", body[:-40], ctype=ctype, headers=c._headers())
    t.eq(r.status, 400, "a cut multipart body")
    r = c.stack.post(f"/admin/case-files/{case}", "note=x&_csrf=" + c.csrf, headers=c._headers())
    t.eq(r.status, 415, "an urlencoded body on the upload route")
    r = upload(c, case, pdf, note=note, csrf=False)
    t.eq(r.status, 403, "no _csrf: 403")
    t.check(not harness.readable_vi_problems(r) and "Quay lại" in r.text, "with a page saying what to do")
    t.eq(upload(c, case, pdf, note=note, csrf="0" * 64).status, 403, "a wrong _csrf: 403")
    t.eq(_count(stack, case), before, "none of these stored anything")

    # a hostile but valid name is stored, escaped, and cannot break the header
    r = upload(c, case, pdf, '<img src=x onerror=alert(1)>\\"; x=.pdf')
    t.eq(r.status, 303, "a hostile name is accepted")
    hid = stack.value("SELECT max(id) FROM case_attachment WHERE case_id = :'c'", c=case)
    t.check("<img src=x" not in c.get(f"/admin/cases/{case}").text, "and escaped on the page")
    hd = c.get(f"/admin/case-file/{hid}").header("Content-Disposition") or ""
    t.check(re.fullmatch(r"""attachment; filename="[A-Za-z0-9.()_ -]*"; filename\*=UTF-8''[A-Za-z0-9%!#$&+.^_`|~-]+""", hd),
            f"the header stays one well-formed value: {hd}")
    # a JPEG named .pdf is stored as a JPEG and says so in its name
    t.eq(upload(c, case, jpeg, "scan.pdf").status, 303, "a JPEG named .pdf")
    t.eq(stack.rows("SELECT filename, mime FROM case_attachment WHERE case_id = :'c' ORDER BY id DESC LIMIT 1", c=case),
         [{"filename": "scan.pdf.jpg", "mime": "image/jpeg"}], "is a JPEG by content, named so")

    # roles and scope
    viewer = test_console_org._officer(t, stack, "LDLD-LAICHAU", "viewer")
    vp = viewer.get(f"/admin/cases/{case}")
    t.check(vp.status == 200 and "/admin/case-files/" not in vp.text, "a viewer reads the case without an upload form")
    t.eq(viewer.get(f"/admin/case-file/{pdf_id}").status, 200, "and may download")
    t.eq(upload(viewer, case, pdf).status, 403, "but not upload")
    tea = test_cases._report(stack, "Chè", "wage_arrears", {"amount": 1, "coworkers": "t1_10"})
    far = test_cases._create(t, c, tea, "Nợ lương nhà máy chè", "2026-03-01")
    t.eq(upload(c, far, pdf, "far.pdf").status, 303, "a document on the other unit's case")
    far_id = stack.value("SELECT max(id) FROM case_attachment WHERE case_id = :'c'", c=far)
    ward = harness.console_login(stack, "demo.tanphong", logins["demo.tanphong"])
    t.require(ward.cookie, "the ward officer signs in")
    t.eq(ward.get(f"/admin/cases/{far}").status, 404, "out of scope: the case is 404")
    t.eq(upload(ward, far, pdf).status, 404, "the upload is 404")
    t.eq(ward.get(f"/admin/case-file/{far_id}").status, 404, "the download is 404")
    t.eq(ward.get("/admin/case-file/999999999").status, 404, "a missing document is 404 too")
    t.eq(ward.get(f"/admin/case-file/{pdf_id}").status, 200, "the ward's own workplace's document downloads")
    t.eq(_count(stack, far), 1, "the ward stored nothing on the far case")

    # row-level security without any WHERE
    wpath = stack.value("SELECT path FROM org_unit WHERE code = 'CD-TANPHONG'")
    me = stack.value("SELECT id FROM officer WHERE username = 'demo.tanphong'")
    ok, out = _as_officer(stack, f"SELECT count(*) FROM case_attachment WHERE id = {far_id}", wpath, "officer", me)
    t.eq((ok, out), (True, "0"), "RLS: the far document is invisible to the ward")
    ok, _ = _as_officer(stack, f"INSERT INTO case_attachment (case_id, filename, mime, size, sha256, data, officer_id) "
                        f"VALUES ({far}, 'x.pdf', 'application/pdf', 1, sha256('x'), 'x', {me})", wpath, "officer", me)
    t.check(not ok, "RLS: the ward cannot add a document to the far case")
    ok, _ = _as_officer(stack, f"INSERT INTO case_attachment (case_id, filename, mime, size, sha256, data, officer_id) "
                        f"VALUES ({case}, 'x.pdf', 'application/pdf', 1, sha256('x'), 'x', {me})", wpath, "viewer", me)
    t.check(not ok, "RLS: a viewer's transaction cannot add a document")
    ok, _ = _as_officer(stack, f"INSERT INTO case_event (case_id, kind, officer_id) VALUES ({case}, 'note', 1)",
                        wpath, "officer", me)
    t.check(not ok, "RLS: an event in another officer's name is refused")


# the date inputs of the case form (fcgi/dispute.c dispute_dates)
CASE_DATES = ("violation_known_on", "panel_formed_on", "payday", "si_due_date", "terminated_on", "judgment_on",
              "accident_reported_on", "bargaining_requested_on", "bargaining_started_on", "agreement_signed_on",
              "agreement_expires_on", "dialogue_held_on", "strike_planned_on")


def test_edits(t, stack):
    logins, c, case = _province_case(t, stack, "Nợ lương ca đêm")

    def due(path=f"/admin/cases/{case}", who=c):
        return dict(re.findall(r'data-code="([a-z_]+)" data-due="([0-9-]*)"', who.get(path).text))

    def form(who=c):
        h = harness.parse_html(who.get(f"/admin/cases/{case}").text)
        return {k: h.inputs.get(k, "") for k in ("title", "version", "recovered") + CASE_DATES} | \
               {k: h.selected.get(k, "") for k in ("kind", "scope", "assignee", "unit", "dispute_type", "subject", "member",
                                                   "union_role")}

    def edit(changes, who=c, base=None):
        f = dict(base or form(who))
        f.update(changes)
        return who.post(f"/admin/cases/{case}", [("action", "edit")] + list(f.items()))

    t.eq(due().get("ind_mediator"), "2026-09-10", "before: mediator limitation from 10/03")
    ward_unit = stack.value("SELECT id FROM org_unit WHERE code = 'CD-TANPHONG'")
    ward_officer = stack.value("SELECT id FROM officer WHERE username = 'demo.tanphong'")
    f0 = form()
    t.require(f0["version"], f"the edit form carries the version: {f0}")
    r = edit({"title": "Nợ BHXH ca đêm", "kind": "social_insurance", "scope": "collective",
              "subject": "social_insurance", "violation_known_on": "2026-01-05", "si_due_date": "2026-01-05",
              "assignee": ward_officer, "unit": ward_unit,
              "reason": "Xác minh lại"})
    t.eq(r.status, 303, f"an edit: {harness.short(r.text)}")
    row = stack.rows("SELECT title, kind, scope, violation_known_on::text AS known, assignee_id, unit_id "
                     "FROM dispute_case WHERE id = :'c'", c=case)[0]
    t.eq(row, {"title": "Nợ BHXH ca đêm", "kind": "social_insurance", "scope": "collective", "known": "2026-01-05",
               "assignee_id": ward_officer, "unit_id": ward_unit}, "every field changed")
    d = due()
    t.eq((d.get("col_mediator"), d.get("si_evasion")), ("2026-07-05", "2026-03-06"),
         "deadlines recomputed at once: collective limitation from discovery, social-insurance evasion from the due date (E5)")
    t.check("ind_mediator" not in d and "wage_interest" not in d, f"the old kind's and scope's deadlines are gone: {sorted(d)}")
    ev = stack.rows("SELECT note, on_date = (now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date AS today FROM case_event "
                    "WHERE case_id = :'c' AND kind = 'edit'", c=case)
    t.require(len(ev) == 1, f"one 'edit' event: {ev}")
    for piece in ("«Nợ lương ca đêm» → «Nợ BHXH ca đêm»", "«Nợ lương» → «Nợ BHXH»", "«Cá nhân» → «Tập thể»",
                  "«2026-03-10» → «2026-01-05»", "«Tiền lương» → «Bảo hiểm xã hội»", "Phụ trách", "Đơn vị xử lý",
                  "Xác minh lại"):
        t.check(piece in ev[0]["note"], f"the event records {piece!r}: {ev[0]['note']}")
    t.check(ev[0]["today"], "dated today")
    t.eq(stack.value("SELECT count(*) FROM audit_log WHERE action = 'case.edit' AND object = :'o'", o=f"case:{case}"), 1,
         "the edit is audited")
    page = c.get(f"/admin/cases/{case}").text
    t.check("Sửa thông tin" in page and "«2026-03-10» → «2026-01-05»" in page, "the history shows the edit")

    # a stale form does not overwrite the newer edit
    r = edit({"title": "Cũ hơn"}, base=f0)
    t.eq(r.status, 409, "a form opened before the edit: 409")
    t.eq(harness.parse_html(r.text).inputs.get("title"), "Cũ hơn", "with what was typed kept")
    t.eq(stack.value("SELECT title FROM dispute_case WHERE id = :'c'", c=case), "Nợ BHXH ca đêm", "nothing overwritten")

    # nothing changed: no event
    t.eq(edit({}).status, 303, "saving unchanged")
    t.eq(stack.value("SELECT count(*) FROM case_event WHERE case_id = :'c' AND kind = 'edit'", c=case), 1, "adds no event")

    # the creation checks, kept values
    events = stack.value("SELECT count(*) FROM case_event WHERE case_id = :'c'", c=case)
    viewer = test_console_org._officer(t, stack, "LDLD-LAICHAU", "viewer")
    viewer_id = stack.value("SELECT id FROM officer WHERE username = :'u'", u=viewer.username)
    hostile = "<script>alert(1)</script>'; DROP TABLE dispute_case; --"
    for changes, what in (({"violation_known_on": "2026-02-30", "title": hostile}, "an impossible date"),
                          ({"violation_known_on": "10/03/2026"}, "a date in the wrong format"),
                          ({"title": "   "}, "an empty title"),
                          ({"title": "x" * 201}, "a title over 200 characters"),
                          ({"kind": "'; DROP TABLE x; --"}, "an unknown kind"),
                          ({"scope": "both"}, "an unknown scope"),
                          ({"assignee": "999999999"}, "an assignee who does not exist"),
                          ({"assignee": viewer_id}, "an assignee who is a viewer"),
                          ({"unit": stack.value("SELECT w.unit_id FROM workplace w WHERE w.name LIKE '%Chè%' LIMIT 1")},
                           "a unit above neither the workplace nor in scope"),
                          ({"reason": "x" * 1001}, "a reason over 1000 characters")):
        r = edit(changes)
        t.eq(r.status, 400, f"{what}: 400")
        t.check(harness.parse_html(r.text).by_id.get("problem"), f"{what}: the problem is said")
        if "title" in changes and changes["title"].strip():
            t.eq(harness.parse_html(r.text).inputs.get("title"), changes["title"], f"{what}: the title typed is kept")
    t.check("<script>alert(1)</script>" not in edit({"violation_known_on": "x", "title": hostile}).text, "hostile text escaped")
    t.eq(stack.value("SELECT count(*) FROM case_event WHERE case_id = :'c'", c=case), events, "no event for a refused edit")
    t.eq(edit({"title": hostile}).status, 303, "a hostile title is stored")
    t.eq(stack.value("SELECT title FROM dispute_case WHERE id = :'c'", c=case), hostile, "verbatim")
    t.eq(edit({"title": "Nợ BHXH ca đêm"}, who=c).status, 303, "and changed back")

    # CSRF, roles, scope
    f = form()
    r = c.post(f"/admin/cases/{case}", [("action", "edit")] + list((f | {"title": "CSRF"}).items()), csrf=False)
    t.eq(r.status, 403, "an edit without _csrf: 403")
    t.check('name="version"' not in viewer.get(f"/admin/cases/{case}").text, "a viewer sees no edit form")
    r = viewer.post(f"/admin/cases/{case}", [("action", "edit")] + list((f | {"title": "Viewer"}).items()))
    t.eq(r.status, 403, "a viewer's edit: 403")
    ward = harness.console_login(stack, "demo.tanphong", logins["demo.tanphong"])
    t.eq(edit({"title": "Phường sửa"}, who=ward).status, 303, "the ward officer edits a case their unit handles")
    tea = test_cases._report(stack, "Chè", "wage_arrears", {"amount": 1, "coworkers": "t1_10"})
    far = test_cases._create(t, c, tea, "Vụ việc nơi khác", "2026-03-01")
    r = ward.post(f"/admin/cases/{far}", [("action", "edit"), ("title", "x"), ("kind", "other"), ("scope", "individual"),
                                           ("violation_known_on", ""), ("assignee", ""), ("unit", ward_unit),
                                           ("version", "0")])
    t.eq(r.status, 404, "another unit's case: 404")
    t.eq(stack.value("SELECT title FROM dispute_case WHERE id = :'c'", c=far), "Vụ việc nơi khác", "unchanged")
    # a case handled by the province, at the ward's workplace: the ward reads it but cannot edit it
    sub2 = test_cases._report(stack, "Tân Phong", "concern", {"text": "x"})
    prov = test_cases._create(t, c, sub2, "Tỉnh xử lý", "")
    t.check('name="version"' not in ward.get(f"/admin/cases/{prov}").text, "no edit form for a case the province handles")
    pf = harness.parse_html(c.get(f"/admin/cases/{prov}").text).inputs
    r = ward.post(f"/admin/cases/{prov}", [("action", "edit"), ("title", "x"), ("kind", "other"), ("scope", "individual"),
                                            ("violation_known_on", ""), ("assignee", ""),
                                            ("unit", ward_unit), ("version", pf.get("version", ""))])
    t.eq(r.status, 403, "and an edit is refused with 403")
    t.check(not harness.readable_vi_problems(r), "on a readable page")
    # nor moved along, linked or corrected (row-level security would refuse the UPDATE: a 500 before);
    # notes stay open to the ward, whose workplace it is
    page = ward.get(f"/admin/cases/{prov}").text
    t.check('value="stage"' not in page and 'value="totals"' not in page, "no stage or totals form for the ward")
    for action in ([("action", "stage"), ("stage", "verification"), ("on_date", ""), ("outcome", ""), ("note", "")],
                   [("action", "totals"), ("workers", "3"), ("months", "1"), ("amount", "100")],
                   [("action", "link"), ("submission", str(sub2))]):
        r = ward.post(f"/admin/cases/{prov}", action)
        t.eq(r.status, 403, f"the ward's {action[0][1]} on the province's case: 403, not a database error")
        t.check("cấp trên" in r.text, "saying a unit above handles it")
    t.eq(stack.value("SELECT stage FROM dispute_case WHERE id = :'c'", c=prov), "intake", "the stage is unchanged")
    r = ward.post(f"/admin/cases/{prov}", [("action", "note"), ("note", "Phường đã gặp công nhân")])
    t.eq(r.status, 303, "the ward adds a note to the province's case")
    t.eq(stack.value("SELECT count(*) FROM case_event WHERE case_id = :'c' AND kind = 'note'", c=prov), 1, "stored")


def test_retention(t, stack):
    logins, c, closed = _province_case(t, stack, "Vụ việc đã kết thúc từ lâu")
    _, _, still_open = _province_case(t, stack, "Vụ việc còn mở")
    old_pdf, open_pdf = make_pdf("Phiếu lương của Nguyễn Văn A"), make_pdf("Biên bản đang dùng")
    t.require(upload(c, closed, old_pdf, "phieu-luong.pdf").status == 303, "a document on the case to close")
    t.require(upload(c, still_open, open_pdf, "bien-ban.pdf").status == 303, "a document on the open case")
    doc = stack.value("SELECT id FROM case_attachment WHERE case_id = :'c'", c=closed)
    kept = stack.value("SELECT id FROM case_attachment WHERE case_id = :'c'", c=still_open)
    # closed two years ago: past closed_case_keep (1 year by default)
    stack.psql("UPDATE dispute_case SET stage = 'closed', outcome = 'mediated', "
               "stage_entered_on = current_date - 730 WHERE id = :'c'", c=closed)

    p = stack.admin("purge", "--dry-run")
    t.require(p.returncode == 0, f"purge --dry-run: {p.stderr.decode(errors='replace')}")
    t.check(re.search(r"\bdocuments=1\b", p.stdout.decode()), f"a dry run counts the document: {p.stdout.decode()!r}")
    t.eq(stack.value("SELECT data IS NOT NULL FROM case_attachment WHERE id = :'i'", i=doc), True, "and keeps it")

    p = stack.admin("purge")
    t.require(p.returncode == 0, f"purge: {p.stderr.decode(errors='replace')}")
    t.check(re.search(r"\bdocuments=1\b", p.stdout.decode()), f"purge counts the document: {p.stdout.decode()!r}")
    row = stack.rows("SELECT data IS NULL AS gone, purged_at IS NOT NULL AS dated, filename, size, "
                     "encode(sha256, 'hex') AS sha FROM case_attachment WHERE id = :'i'", i=doc)[0]
    t.eq(row, {"gone": True, "dated": True, "filename": "phieu-luong.pdf", "size": len(old_pdf),
               "sha": hashlib.sha256(old_pdf).hexdigest()}, "the bytes are gone, the record stays")
    t.eq(stack.value("SELECT data IS NOT NULL FROM case_attachment WHERE id = :'i'", i=kept), True,
         "an open case's document is kept")
    t.eq(stack.value("SELECT count(*) FROM audit_log WHERE action = 'purge' AND detail LIKE '%documents=1%'"), 1,
         "the purge is audited with the count")

    r = c.get(f"/admin/case-file/{doc}")
    t.eq(r.status, 410, "downloading a purged document: 410 Gone")
    t.check("thời hạn lưu giữ" in r.text and not harness.readable_vi_problems(r), "on a readable page that says why")
    t.eq(c.get(f"/admin/case-file/{kept}").status, 200, "the open case's document still downloads")
    page = c.get(f"/admin/cases/{closed}").text
    t.check(f'/admin/case-file/{doc}"' not in page and "hết thời hạn lưu giữ" in page and "phieu-luong.pdf" in page,
            "the case page lists it by name, without a link, saying it was deleted")
    files = json.loads(c.get(f"/admin/dossier/{closed}.json").text)["attachments"]
    mine = [f for f in files if f["source"] == "case" and f["id"] == doc]
    t.check(len(mine) == 1 and mine[0]["deleted_on"] and mine[0]["sha256"] == hashlib.sha256(old_pdf).hexdigest(),
            f"the dossier keeps its sha256 and says when it was deleted: {mine}")
    p = stack.admin("purge")
    t.check(p.returncode == 0 and re.search(r"\bdocuments=0\b", p.stdout.decode()), f"a second purge: {p.stdout.decode()!r}")
