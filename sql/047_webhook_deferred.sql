-- 047_webhook_deferred.sql: a paused webhook receiver's events are kept aside in batches instead of becoming one delivery row each; urgent events are expanded first; a report queues an event only when someone in scope wants it.

-- Before: while a receiver was down, every report still became an outbox row
-- for it (a JSON body, five indexes), and every failed probe re-timed all of
-- them: on 2 cores the sender's database work took what the reports needed
-- (POSTs/s with a dead receiver 0.54-0.65 x none in the quick bench). Now the
-- events of a paused receiver (webhook.failures > 0) are kept in a few rows
-- (each collects the events of successive expansions until it holds 64:
-- arrays of their submission ids, kinds and times, small enough to stay out
-- of TOAST, so an append stays cheap; 500 per row cost 2.5 x as much CPU;
-- `open` marks the one that still collects); when the receiver answers again (or, to probe it, when its pause
-- is over and nothing of it is pending) webhook_catch_up turns them into
-- deliveries, a few batches per call. The kept row is deleted in the
-- transaction that writes its deliveries, and written in the one that deletes
-- the events: every event still becomes exactly one delivery per webhook.
CREATE TABLE webhook_deferred (
    id             bigserial PRIMARY KEY,
    webhook_id     bigint NOT NULL REFERENCES webhook (id),
    submission_ids bigint[] NOT NULL,
    created        boolean[] NOT NULL,      -- the events' submission.created flags (outbox_event.created)
    urgent         boolean[] NOT NULL,      -- their submission.urgent flags
    ats            timestamptz[] NOT NULL,  -- their times (the deliveries' created_at: the 24-hour window counts from them)
    oldest         timestamptz NOT NULL,
    open           boolean NOT NULL DEFAULT true,   -- still collecting (fewer than 64 events): at most one per webhook
    CHECK (cardinality(submission_ids) = cardinality(created) AND cardinality(created) = cardinality(urgent)
           AND cardinality(urgent) = cardinality(ats))
);
CREATE INDEX webhook_deferred_webhook_idx ON webhook_deferred (webhook_id, id);
CREATE UNIQUE INDEX webhook_deferred_open_idx ON webhook_deferred (webhook_id) WHERE open;
CREATE INDEX webhook_deferred_oldest_idx ON webhook_deferred (oldest);

-- A report that is not urgent queues an event only when a live webhook of a
-- unit at or above its workplace's wants submission.created (before: as soon
-- as any webhook existed anywhere). Urgent ones always do (officers' mails).
CREATE OR REPLACE FUNCTION outbox_event_submission() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = public AS $$
DECLARE
    urgent boolean := coalesce(notify_is_urgent(NEW), false);   -- NULL when the form has no urgency answer
BEGIN
    IF TG_OP = 'INSERT' AND NOT urgent AND NOT EXISTS (
        SELECT 1 FROM webhook h JOIN org_unit hu ON hu.id = h.unit_id
        WHERE h.removed_at IS NULL AND 'submission.created' = ANY (h.events)
          AND (SELECT u.path FROM workplace w JOIN org_unit u ON u.id = w.unit_id WHERE w.id = NEW.workplace_id)
              LIKE hu.path || '%') THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'INSERT' OR urgent THEN
        INSERT INTO outbox_event (submission_id, created, urgent) VALUES (NEW.id, TG_OP = 'INSERT', urgent);
    END IF;
    RETURN NULL;
END $$;

-- As sql/033, with two changes: urgent events are taken first (an urgent
-- report waits behind no backlog of ordinary ones), and a paused receiver's
-- events go into one webhook_deferred row per receiver instead of a
-- delivery row each: appended to its open kept row (one row per 64 events,
-- whatever the size of the expansion batches).
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
        JOIN org_unit hu ON hu.id = h.unit_id AND x.path LIKE hu.path || '%'
        WHERE e.wanted
    ), hooks AS (
        INSERT INTO outbox (kind, event, priority, event_id, unit_id, webhook_id, payload, created_at, next_attempt_at)
        SELECT 'webhook', want.name, want.priority, want.uuid, want.hook_unit, want.webhook_id,
               -- the body of sql/031, read now (a report anonymised meanwhile carries no first line), with the event's time
               webhook_submission_body(want.s, want.uuid, want.name)
                   || jsonb_build_object('created', to_char(want.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')),
               want.at, now()
        FROM want WHERE NOT want.paused ORDER BY want.ev_id, want.priority DESC, want.webhook_id
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

-- Turns up to n kept rows into deliveries: those of a receiver that
-- answers again (failures = 0), or whose pause is over while nothing of it
-- is pending (so something probes it). Events older than 24 hours (x scale,
-- as the sender's give-up time) become failed deliveries, whether or not the
-- receiver is back; a paused receiver's younger events are kept again. A
-- removed webhook's batches are dropped. Returns the events handled.
CREATE FUNCTION webhook_catch_up(n integer, scale float8) RETURNS integer LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = public AS $$
DECLARE
    done integer;
    ready bigint[];   -- webhooks whose kept rows go now: back, probing, or removed
    ids bigint[];
BEGIN
    SELECT array_agg(h.id) INTO ready FROM webhook h
    WHERE EXISTS (SELECT 1 FROM webhook_deferred x WHERE x.webhook_id = h.id)
      AND (h.removed_at IS NOT NULL OR h.failures = 0 OR (h.retry_at <= now() AND NOT EXISTS (
               SELECT 1 FROM outbox o WHERE o.webhook_id = h.id AND o.status = 'pending')));
    ids := ARRAY(SELECT d.id FROM webhook_deferred d WHERE d.webhook_id = ANY (coalesce(ready, '{}'))
                 ORDER BY d.id LIMIT n FOR UPDATE SKIP LOCKED);
    IF cardinality(ids) < n THEN   -- then the rows holding events past the window, whoever they are for
        ids := ids || ARRAY(SELECT d.id FROM webhook_deferred d
                            WHERE d.oldest + interval '24 hours' * scale < now() AND NOT d.id = ANY (ids)
                            ORDER BY d.oldest LIMIT n - cardinality(ids) FOR UPDATE SKIP LOCKED);
    END IF;
    IF cardinality(ids) = 0 THEN
        RETURN 0;
    END IF;
    WITH h AS (
        SELECT h.id, h.unit_id, h.events, h.removed_at IS NULL AS live, h.id = ANY (coalesce(ready, '{}')) AS deliver
        FROM webhook h WHERE h.id IN (SELECT webhook_id FROM webhook_deferred WHERE id = ANY (ids))
    ), d AS (
        DELETE FROM webhook_deferred WHERE id = ANY (ids)
        RETURNING webhook_id, submission_ids, created, urgent, ats
    ), e AS (
        SELECT h.id AS webhook_id, h.unit_id, h.events, h.live, h.deliver, u.sid, u.created, u.urgent, u.at,
               u.at + interval '24 hours' * scale < now() AS expired
        FROM d JOIN h ON h.id = d.webhook_id
        CROSS JOIN LATERAL unnest(d.submission_ids, d.created, d.urgent, d.ats) u (sid, created, urgent, at)
    ), rows AS (
        INSERT INTO outbox (kind, event, priority, event_id, unit_id, webhook_id, payload, created_at, next_attempt_at,
                            status, last_error)
        SELECT 'webhook', k.name, k.priority, k.uuid, e.unit_id, e.webhook_id,
               webhook_submission_body(s, k.uuid, k.name)
                   || jsonb_build_object('created', to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')),
               e.at, now(), CASE WHEN e.expired THEN 'failed' ELSE 'pending' END,
               CASE WHEN e.expired THEN 'gave up: the receiver was paused for longer than 24 hours' ELSE '' END
        FROM e JOIN submission s ON s.id = e.sid
        CROSS JOIN LATERAL (VALUES ('submission.created', 1, e.created, gen_random_uuid()),
                                   ('submission.urgent', 0, e.urgent, gen_random_uuid())) k (name, priority, wanted, uuid)
        WHERE e.live AND (e.deliver OR e.expired) AND k.wanted AND k.name = ANY (e.events)
        ORDER BY e.at, k.priority DESC
    ), again AS (   -- a closed row: the open one may exist
        INSERT INTO webhook_deferred (webhook_id, submission_ids, created, urgent, ats, oldest, open)
        SELECT e.webhook_id, array_agg(e.sid ORDER BY e.at), array_agg(e.created ORDER BY e.at),
               array_agg(e.urgent ORDER BY e.at), array_agg(e.at ORDER BY e.at), min(e.at), false
        FROM e WHERE e.live AND NOT e.deliver AND NOT e.expired GROUP BY e.webhook_id
    )
    SELECT count(*) INTO done FROM e;
    RETURN done;
END $$;

-- Only the owner (the sender) expands events and catches up.
REVOKE ALL ON FUNCTION webhook_catch_up(integer, float8) FROM PUBLIC;
