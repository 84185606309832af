-- 062_webhook_missed_range.sql: while a webhook receiver is paused, the reports it misses are one range of report ids on its row instead of an event row each; when it answers again they are read back from `submission`, each delivered once.
-- Why (issue 13, "a dead webhook receiver configured: POST p50/p99 within the noise of none"): with sql/047 a
-- paused receiver still cost every report in its scope an outbox_event row written in the report's own
-- transaction, and the sender then moved each event into a kept row (webhook_deferred) on the same two
-- cores: ~10% of the POST rate in make bench (docs/performance.md). Now what a paused receiver misses is
-- every report with an id above webhook.missed_after, and a report queues an event only for a receiver
-- that is not paused (or urgent ones, for officers' mails, as before; the report's trigger, sql/063), so
-- a paused receiver costs a report nothing.
--
-- How the range stays exact. Report ids come from a sequence, and a report with a lower id may commit after
-- one with a higher id, so "the last id" means something only when no report is being written. Each change
-- of the range's ends is therefore taken under `LOCK TABLE submission IN SHARE MODE` (it waits for the
-- reports being written, a few ms, and holds new ones back until its transaction ends; a statement or two):
-- * pausing (failures 0 -> more, the trigger below): missed_after := the last id. Every report written after
--   the pause commits has a higher id and sees the receiver paused, so queues no event for it; every report
--   with a lower id was written before, and queued its event.
-- * answering again (failures -> 0): missed_sealed := the last id; the range is (missed_after, missed_sealed],
--   and reports after it queue events again.
-- * while paused, before a probe or past the 24-hour window (webhook_seal, the sender's events lane, at most
--   every 10 s x scale): missed_sealed := the last id, so the reports up to it can be read back.
-- The lock waits at most 100 ms (lock_timeout); when it cannot be had, nothing changes and the sender tries
-- again (a receiver then stays unpaused or paused a little longer: nothing is lost).
-- Exactly once: outbox_expand skips, for a receiver with a range, the reports inside it (they are read back
-- by webhook_replay); every webhook delivery of a report carries dedup_key hook:WEBHOOK:EVENT:REPORT (outbox's
-- unique dedup_key), so a receiver that fails again while it is still being given its range (the range then
-- reopens from where it was) cannot receive a report twice. Events of reports up to missed_after that meet a
-- paused receiver are still kept in webhook_deferred (sql/047), as are those of a receiver paused before this
-- migration (no range): nothing of them changes.

ALTER TABLE webhook
    ADD COLUMN missed_after bigint,               -- NULL: no range; else reports with a higher id are the range's
    ADD COLUMN missed_sealed bigint,              -- reports up to this id are all written (the range's end once answering)
    ADD COLUMN missed_sealed_at timestamptz;      -- when missed_sealed was last taken (webhook_seal waits between)
GRANT SELECT (missed_after, missed_sealed) ON webhook TO tiengnoi_officer;

-- The highest report id handed out so far. Meaningful as "every report up to it is written" only while
-- `submission` is locked against writers (SHARE), as the callers below do.
CREATE FUNCTION submission_last_id() RETURNS bigint LANGUAGE sql VOLATILE AS $$
    SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END FROM submission_id_seq
$$;
REVOKE ALL ON FUNCTION submission_last_id() FROM PUBLIC;

-- Whether a receiver of unit hook_unit subscribed to events wants report s: its workplace is in the unit's
-- subtree, and it subscribes to submission.created, or to submission.urgent and the report is urgent. The
-- rule outbox_expand applies to events, for the reports of a range. (The webhook's columns, not its row:
-- the console reads as officers, who may not read a webhook's secret.)
CREATE FUNCTION webhook_wants(events text[], hook_unit bigint, s submission) RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT ('submission.created' = ANY (events) OR ('submission.urgent' = ANY (events) AND coalesce(notify_is_urgent(s), false)))
       AND (SELECT u.path FROM workplace w JOIN org_unit u ON u.id = w.unit_id WHERE w.id = s.workplace_id)
           LIKE (SELECT hu.path FROM org_unit hu WHERE hu.id = hook_unit) || '%'
$$;

-- Pausing and answering again move the range's ends under the lock (see the top of this file). A row the
-- lock cannot be had for keeps its old state: the statement skips it, and the next result tries again.
CREATE FUNCTION webhook_missed_mark() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = public SET lock_timeout = '100ms' AS $$
DECLARE
    top bigint;
BEGIN
    IF (OLD.failures = 0) = (NEW.failures = 0) OR (NEW.failures = 0 AND OLD.missed_after IS NULL) THEN
        RETURN NEW;
    END IF;
    BEGIN
        LOCK TABLE submission IN SHARE MODE;
    EXCEPTION WHEN lock_not_available THEN
        RETURN NULL;
    END;
    top := submission_last_id();
    IF NEW.failures > 0 THEN
        NEW.missed_after := coalesce(OLD.missed_after, top);   -- still being given an earlier range: it reopens
    END IF;
    NEW.missed_sealed := top;
    NEW.missed_sealed_at := now();
    RETURN NEW;
END $$;
CREATE TRIGGER webhook_missed_mark BEFORE UPDATE OF failures ON webhook
    FOR EACH ROW EXECUTE FUNCTION webhook_missed_mark();

-- Before a paused receiver's range can be read back (a probe is due and nothing of it is pending, or its
-- first report is past the 24-hour window, x scale), the reports written so far are sealed: called by the
-- sender in a statement of its own, so the lock lasts only this statement. Returns the receivers sealed.
CREATE FUNCTION webhook_seal(scale float8) RETURNS integer LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = public SET lock_timeout = '100ms' AS $$
DECLARE
    due bigint[];
    top bigint;
BEGIN
    due := ARRAY(
        SELECT h.id FROM webhook h
        WHERE h.missed_after IS NOT NULL AND h.failures > 0 AND h.removed_at IS NULL
          AND coalesce(h.missed_sealed, h.missed_after) <= h.missed_after              -- what was sealed is read back
          AND (h.missed_sealed_at IS NULL OR h.missed_sealed_at < now() - interval '10 seconds' * scale)
          AND EXISTS (SELECT 1 FROM submission s WHERE s.id > h.missed_after)
          AND ((h.retry_at <= now() AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.webhook_id = h.id AND o.status = 'pending'))
               OR ((h.missed_sealed_at IS NULL OR h.missed_sealed_at < now() - interval '1 hour' * scale)
                   AND (SELECT s.received_at FROM submission s WHERE s.id > h.missed_after ORDER BY s.id LIMIT 1)
                       < now() - interval '24 hours' * scale)));
    IF cardinality(due) = 0 THEN
        RETURN 0;
    END IF;
    BEGIN
        LOCK TABLE submission IN SHARE MODE;
    EXCEPTION WHEN lock_not_available THEN
        RETURN 0;   -- reports are being written for longer than the wait: at a later poll
    END;
    top := submission_last_id();
    UPDATE webhook SET missed_sealed = top, missed_sealed_at = now() WHERE id = ANY (due) AND failures > 0;
    RETURN cardinality(due);
END $$;
REVOKE ALL ON FUNCTION webhook_seal(float8) FROM PUBLIC;

-- Reads back up to n reports of the ranges, in id order, into deliveries (those the receiver wants; past the
-- 24-hour window x scale, failed ones that say why, as sql/047's kept events): a receiver answering again
-- (failures = 0) is given its whole range batch by batch, then the range is gone; a paused one only its
-- sealed part when a probe is due and nothing of it is pending (the deliveries probe it), or its reports
-- past the window. A removed webhook's range is dropped. Returns the reports read.
CREATE FUNCTION webhook_replay(n integer, scale float8) RETURNS integer LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = public AS $$
DECLARE
    h webhook;
    done integer := 0;
    probing boolean;
    lo bigint;
    scanned integer;
    last_id bigint;
    young bigint;   -- a paused receiver not probed: the first report inside the window (read back up to it)
BEGIN
    FOR h IN SELECT * FROM webhook WHERE missed_after IS NOT NULL ORDER BY id FOR UPDATE SKIP LOCKED LOOP
        EXIT WHEN done >= n;
        IF h.removed_at IS NOT NULL THEN
            UPDATE webhook SET missed_after = NULL, missed_sealed = NULL, missed_sealed_at = NULL WHERE id = h.id;
            CONTINUE;
        END IF;
        IF coalesce(h.missed_sealed, h.missed_after) <= h.missed_after THEN
            IF h.failures = 0 THEN   -- all given
                UPDATE webhook SET missed_after = NULL, missed_sealed = NULL, missed_sealed_at = NULL WHERE id = h.id;
            END IF;
            CONTINUE;
        END IF;
        probing := h.failures = 0 OR (h.retry_at <= now() AND NOT EXISTS (
            SELECT 1 FROM outbox o WHERE o.webhook_id = h.id AND o.status = 'pending'));
        IF NOT probing AND NOT coalesce((SELECT s.received_at < now() - interval '24 hours' * scale FROM submission s
                                         WHERE s.id > h.missed_after ORDER BY s.id LIMIT 1), false) THEN
            CONTINUE;   -- paused, not probed, nothing past the window
        END IF;
        SELECT count(*), max(s.id), min(s.id) FILTER (WHERE s.received_at >= now() - interval '24 hours' * scale)
        INTO scanned, last_id, young
        FROM (SELECT s.id, s.received_at FROM submission s WHERE s.id > h.missed_after AND s.id <= h.missed_sealed
              ORDER BY s.id LIMIT n - done) s;
        IF NOT probing AND young IS NOT NULL THEN
            last_id := young - 1;    -- only the reports past the window
        ELSIF scanned < n - done THEN
            last_id := h.missed_sealed;
        END IF;
        IF last_id IS NULL OR last_id <= h.missed_after THEN
            CONTINUE;
        END IF;
        lo := h.missed_after;
        INSERT INTO outbox (kind, event, priority, event_id, unit_id, webhook_id, payload, dedup_key, created_at,
                            next_attempt_at, status, last_error)
        SELECT 'webhook', k.name, k.priority, k.uuid, h.unit_id, h.id,
               webhook_submission_body(s, k.uuid, k.name)
                   || jsonb_build_object('created', to_char(s.received_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')),
               'hook:' || h.id || ':' || k.name || ':' || s.id, s.received_at, now(),
               CASE WHEN k.expired THEN 'failed' ELSE 'pending' END,
               CASE WHEN k.expired THEN 'gave up: the receiver was paused for longer than 24 hours' ELSE '' END
        FROM submission s
        CROSS JOIN LATERAL (VALUES ('submission.created', 1, true), ('submission.urgent', 0, coalesce(notify_is_urgent(s), false)))
            e (name, priority, wanted)
        CROSS JOIN LATERAL (SELECT e.name, e.priority, gen_random_uuid() AS uuid,
                                   s.received_at < now() - interval '24 hours' * scale AS expired) k
        WHERE s.id > lo AND s.id <= last_id AND e.wanted AND e.name = ANY (h.events) AND webhook_wants(h.events, h.unit_id, s)
        ORDER BY s.id, k.priority DESC
        ON CONFLICT (dedup_key) DO NOTHING;
        UPDATE webhook SET missed_after = last_id WHERE id = h.id;
        done := done + greatest(scanned, 1);
    END LOOP;
    RETURN done;
END $$;
REVOKE ALL ON FUNCTION webhook_replay(integer, float8) FROM PUBLIC;

-- The events lane's catch-up: the ranges, then the kept rows of sql/047 and 054 as before.
ALTER FUNCTION webhook_catch_up(integer, float8) RENAME TO webhook_catch_up_kept;
CREATE FUNCTION webhook_catch_up(n integer, scale float8) RETURNS integer LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = public AS $$
BEGIN
    RETURN webhook_replay(n * 64, scale) + webhook_catch_up_kept(n, scale);
END $$;
REVOKE ALL ON FUNCTION webhook_catch_up(integer, float8) FROM PUBLIC;

-- As sql/047, with two changes: a receiver with a range is not given the events of the reports inside it
-- (webhook_replay reads them back), and each webhook delivery carries its dedup_key.
CREATE OR REPLACE FUNCTION outbox_expand(n integer) RETURNS integer LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = public AS $$
DECLARE
    done integer;
BEGIN
    WITH ev AS (
        DELETE FROM outbox_event WHERE id IN (SELECT id FROM outbox_event ORDER BY urgent DESC, id LIMIT n
                                              FOR UPDATE SKIP LOCKED)
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
    ), want AS (
        SELECT x.ev_id, x.s, x.at, x.created, x.urgent, e.name, e.priority, e.uuid,
               h.id AS webhook_id, h.unit_id AS hook_unit, h.failures > 0 AS paused
        FROM x CROSS JOIN LATERAL (VALUES ('submission.created', 1, x.created, gen_random_uuid()),
                                          ('submission.urgent', 0, x.urgent, gen_random_uuid())) e (name, priority, wanted, uuid)
        JOIN webhook h ON h.removed_at IS NULL AND e.name = ANY (h.events)
             AND NOT coalesce((x.s).id > h.missed_after AND (h.failures > 0 OR (x.s).id <= h.missed_sealed), false)   -- in its range
        JOIN org_unit hu ON hu.id = h.unit_id AND x.path LIKE hu.path || '%'
        WHERE e.wanted
    ), hooks AS (
        INSERT INTO outbox (kind, event, priority, event_id, unit_id, webhook_id, payload, dedup_key, created_at, next_attempt_at)
        SELECT 'webhook', want.name, want.priority, want.uuid, want.hook_unit, want.webhook_id,
               -- the body of sql/031, read now (a report anonymised meanwhile carries no first line), with the event's time
               webhook_submission_body(want.s, want.uuid, want.name)
                   || jsonb_build_object('created', to_char(want.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')),
               'hook:' || want.webhook_id || ':' || want.name || ':' || (want.s).id, want.at, now()
        FROM want WHERE NOT want.paused ORDER BY want.ev_id, want.priority DESC, want.webhook_id
        ON CONFLICT (dedup_key) DO NOTHING
    ), kept AS (
        INSERT INTO webhook_deferred (webhook_id, submission_ids, created, urgent, ats, oldest)
        SELECT k.webhook_id, array_agg(k.sid ORDER BY k.ev_id), array_agg(k.created ORDER BY k.ev_id),
               array_agg(k.urgent ORDER BY k.ev_id), array_agg(k.at ORDER BY k.ev_id), min(k.at)
        FROM (SELECT DISTINCT ON (want.ev_id, want.webhook_id) want.ev_id, want.webhook_id, (want.s).id AS sid,
                     want.created, want.urgent, want.at
              FROM want WHERE want.paused ORDER BY want.ev_id, want.webhook_id) k
        GROUP BY k.webhook_id
        ON CONFLICT (webhook_id) WHERE open DO UPDATE SET
            submission_ids = webhook_deferred.submission_ids || EXCLUDED.submission_ids,
            created = webhook_deferred.created || EXCLUDED.created,
            urgent = webhook_deferred.urgent || EXCLUDED.urgent,
            ats = webhook_deferred.ats || EXCLUDED.ats,
            oldest = least(webhook_deferred.oldest, EXCLUDED.oldest),
            open = cardinality(webhook_deferred.submission_ids) + cardinality(EXCLUDED.submission_ids) < 64
    )
    SELECT count(*) INTO done FROM ev;
    RETURN done;
END $$;

-- As sql/054, kept also counting the reports of the range the receiver wants (read as the reader: an
-- admin's scope holds their webhooks' reports).
CREATE OR REPLACE VIEW webhook_status WITH (security_invoker = true) AS
SELECT h.id, h.unit_id, h.url, h.events,
       h.failures > 0 AS paused,
       CASE WHEN h.failures > 0 THEN h.retry_at END AS paused_until,   -- then one delivery probes it
       CASE WHEN h.failures > 0 THEN h.last_error ELSE '' END AS last_error,
       (SELECT coalesce(sum(cardinality(d.submission_ids)), 0) FROM webhook_deferred d WHERE d.webhook_id = h.id)
       + (SELECT count(*) FROM submission s
          WHERE s.id > h.missed_after AND (h.failures > 0 OR s.id <= h.missed_sealed) AND webhook_wants(h.events, h.unit_id, s)) AS kept,
       count(x.id) FILTER (WHERE x.status = 'pending') AS pending,
       count(x.id) FILTER (WHERE x.status = 'sent') AS sent,
       count(x.id) FILTER (WHERE x.status = 'failed') AS failed
FROM webhook h LEFT JOIN outbox x ON x.webhook_id = h.id
WHERE h.removed_at IS NULL
GROUP BY h.id;
