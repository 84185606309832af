-- 030_notify.sql: officers' e-mail and notification settings, units' digest time and privacy flag, and the outbox the sender delivers from.

-- An officer's address: `email` once confirmed (or set by an admin with the
-- CLI); an address typed in the console waits in email_pending until the
-- link mailed to it is followed (only the link's keyed hash is kept).
ALTER TABLE officer
    ADD COLUMN email              text CHECK (length(email) <= 254 AND email ~ '^[^@[:space:]]+@[^@[:space:]]+$'),
    ADD COLUMN email_pending      text CHECK (length(email_pending) <= 254 AND email_pending ~ '^[^@[:space:]]+@[^@[:space:]]+$'),
    ADD COLUMN email_token_hash   bytea CHECK (length(email_token_hash) = 32),
    ADD COLUMN email_token_expires timestamptz,
    ADD COLUMN notify_urgent      boolean NOT NULL DEFAULT true,   -- an urgent report, within a minute
    ADD COLUMN notify_digest      boolean NOT NULL DEFAULT true,   -- the daily digest
    ADD COLUMN notify_reminder    boolean NOT NULL DEFAULT true,   -- case deadlines: N working days before, and on the day
    ADD COLUMN notify_replies     boolean NOT NULL DEFAULT true,   -- a worker replied on a report or case assigned to me
    ADD COLUMN reminder_days      integer NOT NULL DEFAULT 3 CHECK (reminder_days BETWEEN 1 AND 20);

-- A unit sets when its officers' digest goes out (Vietnam time) and whether
-- mails may quote the first line of a report sent on a non-anonymous channel.
ALTER TABLE org_unit
    ADD COLUMN digest_time       time NOT NULL DEFAULT '07:00',
    ADD COLUMN notify_first_line boolean NOT NULL DEFAULT false;

-- Everything to deliver: mails to officers and (sql/031) webhook calls. Rows
-- are written in the transaction of the event itself (triggers below), so a
-- report that commits always has its notices and one that rolls back has none.
-- The sender claims a row with FOR UPDATE SKIP LOCKED, tries once, and records
-- the result in the same transaction; dedup_key keeps scheduled notices single.
CREATE TABLE outbox (
    id              bigserial PRIMARY KEY,
    kind            text NOT NULL CHECK (kind IN ('mail', 'webhook')),
    event           text NOT NULL CHECK (event ~ '^[a-z_]+(\.[a-z_]+)*$'),
    event_id        uuid NOT NULL DEFAULT gen_random_uuid(),
    unit_id         bigint REFERENCES org_unit (id),            -- whose admins see the row
    officer_id      bigint REFERENCES officer (id) ON DELETE CASCADE,
    webhook_id      bigint,                                     -- sql/031
    payload         jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(payload) = 'object'),
    dedup_key       text UNIQUE,
    message_id      text NOT NULL DEFAULT md5(random()::text || clock_timestamp()::text),
    status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
    priority        smallint NOT NULL DEFAULT 1 CHECK (priority IN (0, 1)),   -- 0: urgent reports go first
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_error      text NOT NULL DEFAULT '' CHECK (length(last_error) <= 500),
    created_at      timestamptz NOT NULL DEFAULT now(),
    sent_at         timestamptz,
    CHECK (kind <> 'mail' OR officer_id IS NOT NULL),
    CHECK ((status = 'sent') = (sent_at IS NOT NULL))
);
CREATE INDEX outbox_due_idx ON outbox (kind, priority, next_attempt_at, id) WHERE status = 'pending';
CREATE INDEX outbox_unit_idx ON outbox (unit_id, id DESC);
CREATE INDEX outbox_officer_idx ON outbox (officer_id);

-- Whether a report counts as urgent for notices: the form marked it (urgent_if,
-- or an officer did), an accident, or a concern the worker called urgent.
CREATE FUNCTION notify_is_urgent(s submission) RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT s.urgent OR (s.form_id = 'safety' AND s.answers->>'kind' = 'accident')
        OR (s.form_id = 'concern' AND s.answers->>'urgency' = 'urgent')
$$;

-- Officers who should get a mail of this kind about something in unit_path's
-- workplace: a confirmed address, the setting on, not disabled, and the
-- workplace's unit inside their unit's subtree.
CREATE FUNCTION notify_recipients(unit_path text, what text) RETURNS SETOF officer
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
    SELECT o.* FROM officer o JOIN org_unit u ON u.id = o.unit_id
    WHERE o.email IS NOT NULL AND o.disabled_at IS NULL AND unit_path LIKE u.path || '%'
      AND CASE what WHEN 'urgent' THEN o.notify_urgent WHEN 'digest' THEN o.notify_digest
                    WHEN 'reminder' THEN o.notify_reminder WHEN 'replies' THEN o.notify_replies END
$$;

-- One urgent-report mail per officer in scope, in the report's transaction.
CREATE FUNCTION notify_urgent_queue(s submission) RETURNS void LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = public AS $$
DECLARE
    upath text;
    uid bigint;
BEGIN
    SELECT u.path, u.id INTO upath, uid FROM workplace w JOIN org_unit u ON u.id = w.unit_id WHERE w.id = s.workplace_id;
    INSERT INTO outbox (kind, event, priority, unit_id, officer_id, payload, dedup_key)
    SELECT 'mail', 'submission.urgent', 0, uid, o.id, jsonb_build_object('submission_id', s.id),
           'urgent:' || s.id || ':' || o.id
    FROM notify_recipients(upath, 'urgent') o
    ON CONFLICT (dedup_key) DO NOTHING;
END $$;

CREATE FUNCTION notify_submission_ins() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = public AS $$
BEGIN
    IF notify_is_urgent(NEW) THEN
        PERFORM notify_urgent_queue(NEW);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER notify_submission_ins AFTER INSERT ON submission
    FOR EACH ROW EXECUTE FUNCTION notify_submission_ins();
-- an officer marking a report urgent notifies like a form would
CREATE TRIGGER notify_submission_urgent AFTER UPDATE OF urgent ON submission
    FOR EACH ROW WHEN (NOT OLD.urgent AND NEW.urgent) EXECUTE FUNCTION notify_submission_ins();

-- A worker's reply: the report's assignee and the assignees of cases it
-- belongs to hear of it (one mail per officer per reply).
CREATE FUNCTION notify_message_ins() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = public AS $$
BEGIN
    IF NEW.author <> 'worker' THEN
        RETURN NULL;
    END IF;
    INSERT INTO outbox (kind, event, unit_id, officer_id, payload, dedup_key)
    SELECT DISTINCT ON (o.id) 'mail', 'worker.replied', w.unit_id, o.id,
           jsonb_build_object('submission_id', s.id, 'message_id', NEW.id, 'case_id', a.case_id),
           'reply:' || NEW.id || ':' || o.id
    FROM submission s JOIN workplace w ON w.id = s.workplace_id JOIN org_unit u ON u.id = w.unit_id
    CROSS JOIN LATERAL (SELECT s.assignee_id AS officer_id, NULL::bigint AS case_id
                        UNION ALL
                        SELECT k.assignee_id, k.id FROM case_submission cs JOIN dispute_case k ON k.id = cs.case_id
                        WHERE cs.submission_id = s.id AND k.stage <> 'closed') a
    JOIN notify_recipients(u.path, 'replies') o ON o.id = a.officer_id
    WHERE s.id = NEW.submission_id
    ORDER BY o.id, a.case_id NULLS FIRST
    ON CONFLICT (dedup_key) DO NOTHING;
    RETURN NULL;
END $$;
CREATE TRIGGER notify_message_ins AFTER INSERT ON message
    FOR EACH ROW EXECUTE FUNCTION notify_message_ins();

-- Scheduled notices, queued by the sender every few seconds with the time it
-- means (tests pass a fixed one): each daily digest once the officer's unit's
-- digest time has passed (Vietnam time), and each current deadline of an open
-- case reminded when it is within the officer's N working days (counted by
-- add_working_days, the calendar case_deadlines uses) and again on the day.
-- dedup_key makes every call after the first a no-op. Returns rows queued.
CREATE FUNCTION notify_schedule(at timestamptz) RETURNS integer LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = public AS $$
DECLARE
    today date := (at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date;
    clock time := (at AT TIME ZONE 'Asia/Ho_Chi_Minh')::time;
    n integer;
    total integer := 0;
BEGIN
    INSERT INTO outbox (kind, event, unit_id, officer_id, payload, dedup_key)
    SELECT 'mail', 'digest', o.unit_id, o.id,
           jsonb_build_object('day', today, 'since', coalesce(
               (SELECT max(b.created_at) FROM outbox b WHERE b.officer_id = o.id AND b.event = 'digest'),
               at - interval '1 day'), 'until', at),
           'digest:' || o.id || ':' || today
    FROM officer o JOIN org_unit u ON u.id = o.unit_id
    WHERE o.email IS NOT NULL AND o.disabled_at IS NULL AND o.notify_digest AND clock >= u.digest_time
    ON CONFLICT (dedup_key) DO NOTHING;
    GET DIAGNOSTICS n = ROW_COUNT;
    total := total + n;

    INSERT INTO outbox (kind, event, unit_id, officer_id, payload, dedup_key)
    SELECT 'mail', 'case.deadline', w.unit_id, o.id,
           jsonb_build_object('case_id', k.id, 'code', d.code, 'due_on', d.due_on,
                              'when', CASE WHEN d.due_on = today THEN 'day' ELSE 'before' END),
           'reminder:' || k.id || ':' || d.code || ':' || d.due_on || ':'
               || CASE WHEN d.due_on = today THEN 'day' ELSE 'before' END || ':' || o.id
    FROM dispute_case k JOIN workplace w ON w.id = k.workplace_id JOIN org_unit u ON u.id = w.unit_id
    CROSS JOIN LATERAL case_deadlines(k.id) d
    JOIN notify_recipients(u.path, 'reminder') o ON true
    WHERE k.stage <> 'closed' AND d.current AND d.due_on IS NOT NULL
      AND (d.due_on = today OR (d.due_on > today AND add_working_days(today, o.reminder_days) >= d.due_on))
    ON CONFLICT (dedup_key) DO NOTHING;
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN total + n;
END $$;

-- The sender connects as the database owner (it reads across every scope to
-- compose digests); the console reads the outbox of the admin's subtree.
REVOKE ALL ON FUNCTION notify_recipients(text, text), notify_urgent_queue(submission),
    notify_schedule(timestamptz) FROM PUBLIC;
GRANT SELECT ON outbox TO tiengnoi_officer;
GRANT UPDATE (status, next_attempt_at, last_error) ON outbox TO tiengnoi_officer;   -- "retry now"
GRANT INSERT ON outbox TO tiengnoi_officer;                                       -- the confirmation mail
GRANT USAGE ON SEQUENCE outbox_id_seq TO tiengnoi_officer;
ALTER TABLE outbox ENABLE ROW LEVEL SECURITY;
CREATE POLICY scope ON outbox TO tiengnoi_officer
    USING (unit_id IN (SELECT scope_units()) OR officer_id = console_officer())
    WITH CHECK (officer_id = console_officer() OR (console_role() = 'admin' AND unit_id IN (SELECT scope_units())));
CREATE POLICY role_update ON outbox AS RESTRICTIVE FOR UPDATE TO tiengnoi_officer
    USING (console_role() = 'admin');
