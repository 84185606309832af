-- 033_outbox_event.sql: a report's transaction queues one light outbox_event row; the sender expands it into mails and webhook deliveries in its own transactions, and pauses a failing receiver.

-- Before: the report's own transaction found the recipients, built every
-- webhook body and wrote one outbox row per officer and per webhook (seven
-- indexes each), so a configured webhook cost every worker's POST ~40%.
-- Now the report writes at most one narrow row (primary key only); the
-- sender turns batches of them into outbox rows (outbox_expand) and deletes
-- them in the same transaction: each event is expanded exactly once, and a
-- report that rolls back leaves nothing.
CREATE TABLE outbox_event (
    id            bigserial PRIMARY KEY,
    submission_id bigint NOT NULL,           -- no foreign key: reports are never deleted, and the check would cost every POST
    created       boolean NOT NULL,          -- submission.created (webhooks)
    urgent        boolean NOT NULL,          -- submission.urgent (mails, webhooks)
    at            timestamptz NOT NULL DEFAULT now()
);

DROP TRIGGER notify_submission_ins ON submission;
DROP TRIGGER notify_submission_urgent ON submission;
DROP TRIGGER webhook_submission_ins ON submission;
DROP TRIGGER webhook_submission_urgent ON submission;
DROP FUNCTION notify_submission_ins();
DROP FUNCTION webhook_submission_ins();
DROP FUNCTION notify_urgent_queue(submission);
DROP FUNCTION webhook_queue(submission, text);

-- A new report (created, and urgent when it is) or one an officer marked
-- urgent. A report that is not urgent, while no webhook exists, queues nothing.
CREATE FUNCTION outbox_event_submission() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = public AS $$
DECLARE
    urgent boolean := coalesce(notify_is_urgent(NEW), false);   -- NULL when the form has no urgency answer
BEGIN
    IF TG_OP = 'INSERT' AND NOT urgent AND NOT EXISTS (SELECT 1 FROM webhook WHERE removed_at IS NULL) THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'INSERT' OR urgent THEN
        INSERT INTO outbox_event (submission_id, created, urgent) VALUES (NEW.id, TG_OP = 'INSERT', urgent);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER outbox_event_submission_ins AFTER INSERT ON submission
    FOR EACH ROW EXECUTE FUNCTION outbox_event_submission();
CREATE TRIGGER outbox_event_submission_urgent AFTER UPDATE OF urgent ON submission
    FOR EACH ROW WHEN (NOT OLD.urgent AND NEW.urgent) EXECUTE FUNCTION outbox_event_submission();

-- A receiver that failed is paused (retry_at, doubling from 30 s to 1 h with
-- each failure in a row): its deliveries queued meanwhile wait for it instead
-- of each being tried, and after the pause one delivery probes it.
ALTER TABLE webhook
    ADD COLUMN failures integer NOT NULL DEFAULT 0,
    ADD COLUMN retry_at timestamptz;

-- Expands up to n queued events, oldest first, into outbox rows: one urgent
-- mail per officer in scope (recipients as they are now), one delivery per
-- subscribed live webhook of a unit at or above the workplace's, all events
-- of one kind sharing an event id. Rows another sender holds are skipped.
-- Returns the number of events expanded.
CREATE FUNCTION outbox_expand(n integer) RETURNS integer LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = public AS $$
DECLARE
    done integer;
BEGIN
    WITH ev AS (
        DELETE FROM outbox_event WHERE id IN (SELECT id FROM outbox_event ORDER BY id LIMIT n FOR UPDATE SKIP LOCKED)
        RETURNING id, submission_id, created, urgent, at
    ), x AS (
        SELECT ev.id AS ev_id, ev.created, ev.urgent, ev.at, s, w.unit_id AS unit_id, u.path
        FROM ev JOIN submission s ON s.id = ev.submission_id JOIN workplace w ON w.id = s.workplace_id
        JOIN org_unit u ON u.id = w.unit_id
    ), mails AS (
        INSERT INTO outbox (kind, event, priority, unit_id, officer_id, payload, dedup_key, created_at)
        SELECT 'mail', 'submission.urgent', 0, x.unit_id, o.id, jsonb_build_object('submission_id', (x.s).id),
               'urgent:' || (x.s).id || ':' || o.id, x.at
        FROM x CROSS JOIN LATERAL notify_recipients(x.path, 'urgent') o
        WHERE x.urgent ORDER BY x.ev_id, o.id
        ON CONFLICT (dedup_key) DO NOTHING
    ), hooks AS (
        INSERT INTO outbox (kind, event, priority, event_id, unit_id, webhook_id, payload, created_at, next_attempt_at)
        SELECT 'webhook', e.name, e.priority, e.uuid, h.unit_id, h.id,
               -- the body of sql/031, read now (a report anonymised meanwhile carries no first line), with the event's time
               webhook_submission_body(x.s, e.uuid, e.name)
                   || jsonb_build_object('created', to_char(x.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')),
               x.at, greatest(now(), coalesce(h.retry_at, now()))
        FROM x CROSS JOIN LATERAL (VALUES ('submission.created', 1, x.created, gen_random_uuid()),
                                          ('submission.urgent', 0, x.urgent, gen_random_uuid())) e (name, priority, wanted, uuid)
        JOIN webhook h ON h.removed_at IS NULL AND e.name = ANY (h.events)
        JOIN org_unit hu ON hu.id = h.unit_id AND x.path LIKE hu.path || '%'
        WHERE e.wanted ORDER BY x.ev_id, e.priority DESC, h.id
    )
    SELECT count(*) INTO done FROM ev;
    RETURN done;
END $$;

-- Only the owner (the sender) reads and expands events.
REVOKE ALL ON FUNCTION outbox_expand(integer) FROM PUBLIC;

-- A webhook delivery has no officer: only mail rows need this index (cascade, scope).
DROP INDEX outbox_officer_idx;
CREATE INDEX outbox_officer_idx ON outbox (officer_id) WHERE officer_id IS NOT NULL;
