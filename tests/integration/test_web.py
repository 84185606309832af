"""test_web.py: issue 12 item 18, the worker's POST made cheaper: receipts and stored text unchanged."""
import hashlib
import json
import struct
import unicodedata

from harness import receipt_of


def _subkey(master_hex, key_id):
    """crypto_kdf_derive_from_key(32, key_id, "tiengnoi", master), as token.c (2 receipt, 3 receipt hash)."""
    return hashlib.blake2b(b"", digest_size=32, key=bytes.fromhex(master_hex.strip()),
                           salt=struct.pack("<Q", key_id) + bytes(8), person=b"tiengnoi" + bytes(8)).digest()


def _digits(h):
    return f"{int.from_bytes(h[:10], 'big') % 10**16:016d}"


def _receipt_of_report(master, token, form_id, answers, idem):
    """token.c receipt_from_report over page_worker.c report_digest: the answers as compact JSON
    with sorted keys, no contact details, no photo."""
    canon = json.dumps(answers, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    content = hashlib.blake2b(digest_size=32)
    for part in (token, form_id, canon, ""):
        content.update(part.encode() + b"\0")
    h = hashlib.blake2b(digest_size=16, key=_subkey(master, 2))
    h.update(b"tiengnoi report receipt\0" + idem.encode() + b"\0" + content.digest())
    return _digits(h.digest())


def _stored_hash(stack, idem):
    return stack.value("SELECT encode(receipt_hash, 'hex') AS h FROM submission WHERE idempotency_key = :'k'", k=idem)


def test_receipt_unchanged(t, stack):
    """The answers are turned into JSON once now (digest and INSERT alike): a report's receipt is
    still the keyed hash of its key and of its answers with sorted keys, stored as its keyed hash;
    a report stored before receipts were bound to the content still answers a resend with its old
    receipt (computed now only when the key is found taken), one row."""
    token, master = stack.demo[0][0], stack.master_key()
    fields = [("text", "Công ty nợ lương tháng 10 của tổ may số 3 — “tăng ca” đến 10 giờ đêm, không trả."),
              ("category", "wages"), ("since", "weeks"), ("urgency", "soon"), ("union_member", "yes")]
    _, csrf, idem = stack.form(token)
    r, _ = stack.submit(token, fields, csrf=csrf, idem=idem)
    rc = receipt_of(r)
    t.require(r.status == 200 and rc, f"a report: status {r.status}, receipt {rc!r}")
    row = stack.submission(idem)
    t.require(row is not None, "the report is stored")
    t.eq(rc, _receipt_of_report(master, token.upper(), "concern", row["answers"], idem),
         "the receipt from the key and the answers (sorted keys, compact)")
    t.eq(_stored_hash(stack, idem), hashlib.blake2b(rc.encode(), digest_size=32, key=_subkey(master, 3)).hexdigest(),
         "the stored receipt hash")
    # the same report again (a double tap): the same receipt, still one row
    r, _ = stack.submit(token, fields, csrf=csrf, idem=idem)
    t.check(r.status == 200 and receipt_of(r) == rc, f"resend: status {r.status}, receipt {receipt_of(r)!r}")
    t.eq(stack.count_idem(idem), 1, "rows after a resend")

    # a report stored the old way: its receipt came from the key alone
    _, csrf, idem = stack.form(token)
    r, _ = stack.submit(token, fields, csrf=csrf, idem=idem)
    t.require(r.status == 200 and receipt_of(r), f"a second report: status {r.status}")
    legacy = _digits(hashlib.blake2b(idem.encode(), digest_size=16, key=_subkey(master, 2)).digest())
    t.require(legacy != receipt_of(r), "the old and the new receipt differ")
    stack.psql("UPDATE submission SET receipt_hash = decode(:'h', 'hex') WHERE idempotency_key = :'k'",
               h=hashlib.blake2b(legacy.encode(), digest_size=32, key=_subkey(master, 3)).hexdigest(), k=idem)
    r, _ = stack.submit(token, fields, csrf=csrf, idem=idem)
    t.check(r.status == 200 and receipt_of(r) == legacy,
            f"a resend of a report stored the old way: status {r.status}, receipt {receipt_of(r)!r}, want {legacy}")
    t.eq(stack.count_idem(idem), 1, "rows after resending a report stored the old way")


def test_nfc_quick_check(t, stack):
    """Text already in NFC (Vietnamese typed on a phone) is kept byte for byte without utf8proc's
    round trip (text.c's quick check); anything that would compose still is: a decomposed letter,
    a mark after a precomposed letter, Hangul jamo, Bengali vowel signs, a letter outside the BMP."""
    token = stack.demo[0][0]
    texts = [
        "Quản đốc bắt tăng ca đến 22 giờ, không trả tiền làm thêm; ĐƯỜNG Ỷ Ỹ ỵ … “trích dẫn” 100%",
        "Chưa trả lương tha\u0301ng 10",              # one decomposed letter
        "Lương ệ\u0301 và e\u0323\u0302 mỗi tháng",    # a mark after a precomposed letter; marks out of order
        "Xưởng \u1100\u1161\u11a8 và \uac00\u11a8",    # Hangul L V T, and LV + T
        "Tổ \u09c7\u09be và \u0b47\u0b3e",             # vowel signs that compose with a starter
        "Chữ \U0001d15e ngoài BMP \U00011099\U000110ba",
    ]
    for text in texts:
        r, idem = stack.submit(token, [("category", "other"), ("text", text)])
        t.require(r.status == 200, f"status {r.status} for {text!r}")
        got = (stack.submission(idem) or {}).get("answers", {}).get("text")
        want = unicodedata.normalize("NFC", text)
        t.check(got == want, f"stored {got!r}, want NFC {want!r}")
