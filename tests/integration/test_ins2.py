"""test_ins2.py: a report's lighter INSERT (sql/057): the rows reports name are never deleted, and one POST still writes its statistics-log row and outbox event."""
import secrets

import harness

# the statement that fails, and the table its message names
_REFUSED = [
    ("DELETE FROM workplace WHERE id = :'wp'", "workplace"),
    ("TRUNCATE workplace CASCADE", "workplace"),
    ("UPDATE workplace SET id = id WHERE id = :'wp'", "workplace"),
    ("DELETE FROM org_unit WHERE id = :'unit'", "org_unit"),
    ("TRUNCATE org_unit CASCADE", "org_unit"),
    ("UPDATE org_unit SET id = id WHERE id = :'unit'", "org_unit"),
    ("DELETE FROM entry_point WHERE id = :'ep'", "entry_point"),
    ("TRUNCATE entry_point CASCADE", "entry_point"),
    ("UPDATE entry_point SET id = id WHERE id = :'ep'", "entry_point"),
]


def _refusal(stack, sql, **vars):
    """Runs sql as the database owner; returns psql's error text ('' if it succeeded)."""
    try:
        stack.psql(sql, **vars)
    except harness.Failure as e:
        return str(e)
    return ""


def test_parents_kept(t, stack):
    """Deleting, truncating or renumbering a workplace, unit or QR code fails for everyone, the owner included, with
    a message naming the table and what to do instead; nothing changes, and every report's workplace, unit and QR
    code still exist (the foreign keys sql/057 dropped guarded exactly this)."""
    wp, unit, ep = stack.psql("SELECT w.id, w.unit_id, e.id FROM entry_point e JOIN workplace w ON w.id = e.workplace_id "
                              "ORDER BY e.id LIMIT 1").split("|")
    counts = "SELECT (SELECT count(*) FROM workplace), (SELECT count(*) FROM org_unit), (SELECT count(*) FROM entry_point)"
    before = stack.psql(counts)
    for sql, table in _REFUSED:
        err = _refusal(stack, sql, wp=wp, unit=unit, ep=ep)
        t.require(f"{table} rows are never deleted, truncated or renumbered" in err, f"{sql}: refused ({err[:200]!r})")
        t.require("HINT:" in err, f"{sql}: the refusal says what to do instead")
    t.eq(stack.psql(counts), before, "no workplace, unit or QR code went")
    t.eq(stack.value("SELECT count(*) FROM submission s WHERE NOT EXISTS (SELECT 1 FROM workplace w WHERE w.id = s.workplace_id) "
                     "OR NOT EXISTS (SELECT 1 FROM org_unit u WHERE u.id = s.unit_id) "
                     "OR (s.entry_point_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM entry_point e WHERE e.id = s.entry_point_id))"),
         0, "every report's workplace, unit and QR code exist")
    # the rules a unit or a QR code really ends by still work: revoking a QR code is an UPDATE of another column
    t.eq(_refusal(stack, "BEGIN; UPDATE entry_point SET revoked_at = now() WHERE id = :'ep'; ROLLBACK;", ep=ep), "",
         "revoking a QR code is not refused")


def test_one_post_writes(t, stack):
    """One POST through the app: the report names the QR code it was sent from, that code's workplace and the
    workplace's unit; the statistics log gets exactly one row for it, +1 in state new with only the answers the
    statistics read (not the free text, not the urgency). (The outbox event the same trigger queues is test_notify2's:
    the sender consumes events at once, so it is read there inside a rolled-back insert.)"""
    token = stack.value("SELECT token FROM entry_point WHERE revoked_at IS NULL AND 'concern' = ANY (forms) "
                        "ORDER BY id LIMIT 1")
    text = "Kiểm tra ghi sổ " + secrets.token_hex(4) + " <script>alert(1)</script>'; DROP TABLE submission; --"
    for urgency in ("normal", "urgent"):
        logged = int(stack.value("SELECT count(*) FROM submission_fact_log"))
        r, idem = stack.submit(token, [("category", "wages"), ("urgency", urgency), ("text", text)])
        t.eq(r.status, 200, f"the {urgency} report is accepted")
        sid = stack.value("SELECT id FROM submission WHERE idempotency_key = :'k'", k=idem)
        t.require(sid, f"the {urgency} report is stored")
        t.eq(stack.value("SELECT s.workplace_id = e.workplace_id AND s.unit_id = w.unit_id AND s.answers->>'text' = :'x' "
                         "FROM submission s JOIN entry_point e ON e.id = s.entry_point_id "
                         "JOIN workplace w ON w.id = e.workplace_id WHERE s.id = :'id' AND e.token = :'tok'",
                         id=sid, tok=token, x=text), True,
             f"{urgency}: the report names its QR code, that code's workplace and the workplace's unit; text intact")
        t.eq(int(stack.value("SELECT count(*) FROM submission_fact_log")) - logged, 1, f"{urgency}: one log row")
        # the log row the report's own transaction wrote (same xmin)
        row = stack.rows("SELECT l.sign, l.status, l.workplace_id = s.workplace_id AND l.unit_id = s.unit_id "
                         "AND l.form_id = s.form_id AND l.channel = s.channel AND l.urgent = s.urgent "
                         "AND l.day = (s.received_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date AS same, l.answers "
                         "FROM submission_fact_log l JOIN submission s ON s.xmin = l.xmin WHERE s.id = :'id'", id=sid)
        t.eq(row, [{"sign": 1, "status": "new", "same": True, "answers": {"category": "wages"}}],
             f"{urgency}: one row, +1, new, the report's workplace, unit, form, channel, urgency and day, and only "
             "the answers the statistics read (not the text, not the urgency)")
