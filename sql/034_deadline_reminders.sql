-- 034_deadline_reminders.sql: deadline reminders read a kept table of open cases' current deadlines, refreshed only for cases that changed, so a scheduling pass costs little at 100k cases.

-- Before: every pass (each 10 s) computed every open case's deadlines and
-- matched them with every officer in scope. Now each open case's current
-- deadlines are kept here, recomputed when the case changes (and once a day
-- for all, in batches, in case a rule or the calendar changed), and a pass
-- reads only the deadlines due within the longest reminder window (index).
CREATE TABLE case_deadline_due (
    case_id bigint NOT NULL REFERENCES dispute_case (id) ON DELETE CASCADE,
    code    text NOT NULL,
    due_on  date NOT NULL,
    source  text,            -- the article and clause, as case_deadlines gives it
    PRIMARY KEY (case_id, code)
);
CREATE INDEX case_deadline_due_on_idx ON case_deadline_due (due_on);

-- Cases whose deadlines must be recomputed.
CREATE TABLE case_deadline_dirty (
    case_id bigint PRIMARY KEY
);

-- What the scheduler did already: the day of the last full refresh, and the
-- day whose reminders were all queued (NULL: queue them all on the next pass,
-- e.g. after an officer's or a webhook's settings changed).
CREATE TABLE notify_state (
    one             boolean PRIMARY KEY DEFAULT true CHECK (one),
    refreshed_on    date,
    reminders_on    date
);
INSERT INTO notify_state DEFAULT VALUES;

CREATE FUNCTION case_deadline_dirty_mark() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = public AS $$
BEGIN
    IF TG_TABLE_NAME = 'dispute_case' THEN
        INSERT INTO case_deadline_dirty VALUES (NEW.id) ON CONFLICT DO NOTHING;
    ELSE   -- the rules or the calendar: every open case, and every reminder again
        INSERT INTO case_deadline_dirty SELECT id FROM dispute_case WHERE stage <> 'closed' ON CONFLICT DO NOTHING;
        UPDATE notify_state SET reminders_on = NULL;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER case_deadline_dirty AFTER INSERT OR UPDATE ON dispute_case
    FOR EACH ROW EXECUTE FUNCTION case_deadline_dirty_mark();
CREATE TRIGGER case_deadline_dirty AFTER INSERT OR UPDATE OR DELETE ON legal_deadline
    FOR EACH STATEMENT EXECUTE FUNCTION case_deadline_dirty_mark();
CREATE TRIGGER case_deadline_dirty AFTER INSERT OR UPDATE OR DELETE ON holiday
    FOR EACH STATEMENT EXECUTE FUNCTION case_deadline_dirty_mark();

-- Who gets reminders changed: queue the day's reminders again (dedup keeps them single).
CREATE FUNCTION notify_state_reset() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = public AS $$
BEGIN
    UPDATE notify_state SET reminders_on = NULL;
    RETURN NULL;
END $$;
CREATE TRIGGER notify_state_reset AFTER INSERT OR UPDATE OF email, disabled_at, unit_id, notify_reminder, reminder_days ON officer
    FOR EACH STATEMENT EXECUTE FUNCTION notify_state_reset();
CREATE TRIGGER notify_state_reset AFTER INSERT OR UPDATE OF events, reminder_days, removed_at, unit_id ON webhook
    FOR EACH STATEMENT EXECUTE FUNCTION notify_state_reset();
CREATE TRIGGER notify_state_reset AFTER UPDATE OF path ON org_unit
    FOR EACH STATEMENT EXECUTE FUNCTION notify_state_reset();

-- Recomputes up to n dirty cases' current deadlines (all open cases once a
-- day first); returns the ids recomputed.
CREATE FUNCTION case_deadline_refresh(today date, n integer) RETURNS bigint[] LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = public AS $$
DECLARE
    ids bigint[];
BEGIN
    IF (SELECT refreshed_on IS DISTINCT FROM today FROM notify_state) THEN
        INSERT INTO case_deadline_dirty SELECT id FROM dispute_case WHERE stage <> 'closed' ON CONFLICT DO NOTHING;
        UPDATE notify_state SET refreshed_on = today;
    END IF;
    WITH d AS (DELETE FROM case_deadline_dirty WHERE case_id IN (SELECT case_id FROM case_deadline_dirty
               ORDER BY case_id LIMIT n FOR UPDATE SKIP LOCKED) RETURNING case_id)
    SELECT coalesce(array_agg(case_id), '{}') INTO ids FROM d;
    DELETE FROM case_deadline_due WHERE case_id = ANY (ids);
    INSERT INTO case_deadline_due (case_id, code, due_on, source)
    SELECT k.id, d.code, d.due_on, d.source FROM dispute_case k
    CROSS JOIN LATERAL deadlines_compute(k.scope, k.dispute_type, k.subject, k.stage, case_dates(k)) d
    WHERE k.id = ANY (ids) AND k.stage <> 'closed' AND d.current AND d.due_on IS NOT NULL
    ON CONFLICT DO NOTHING;
    RETURN ids;
END $$;

-- Every open case's deadlines into the table at once (the first passes need not build it).
INSERT INTO case_deadline_due (case_id, code, due_on, source)
SELECT k.id, d.code, d.due_on, d.source FROM dispute_case k
CROSS JOIN LATERAL deadlines_compute(k.scope, k.dispute_type, k.subject, k.stage, case_dates(k)) d
WHERE k.stage <> 'closed' AND d.current AND d.due_on IS NOT NULL
ON CONFLICT DO NOTHING;
UPDATE notify_state SET refreshed_on = (now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date;

-- Scheduled notices, queued by the sender every few seconds with the time it
-- means (tests pass a fixed one): each daily digest once the officer's unit's
-- digest time has passed (Vietnam time); each kept deadline of an open case
-- reminded (mail and case.deadline webhook) when it is within the officer's
-- or webhook's N working days (add_working_days, the calendar case_deadlines
-- uses) and again on the day. The first pass of a day looks at every
-- deadline within 20 working days; later passes only at the cases
-- recomputed in them. dedup_key makes repeats no-ops. Returns rows queued.
CREATE OR REPLACE FUNCTION notify_schedule(at timestamptz) RETURNS integer LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = public AS $$
DECLARE
    today date := (at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date;
    clock time := (at AT TIME ZONE 'Asia/Ho_Chi_Minh')::time;
    ids bigint[];
    full_pass boolean;
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
      AND NOT EXISTS (SELECT 1 FROM outbox b WHERE b.dedup_key = 'digest:' || o.id || ':' || today)
    ON CONFLICT (dedup_key) DO NOTHING;
    GET DIAGNOSTICS n = ROW_COUNT;
    total := total + n;

    ids := case_deadline_refresh(today, 2000);
    full_pass := (SELECT reminders_on IS DISTINCT FROM today FROM notify_state FOR UPDATE);
    IF NOT full_pass AND cardinality(ids) = 0 THEN
        RETURN total;
    END IF;

    -- the deadlines to look at, and each reminder window's last day (1 to 20 working days)
    CREATE TEMP TABLE IF NOT EXISTS pg_temp.due_soon (case_id bigint, code text, due_on date, source text, unit_id bigint, path text,
        kind text, stage text, wcode text, wname text, ucode text, uname text, wid bigint) ON COMMIT DROP;
    CREATE TEMP TABLE IF NOT EXISTS pg_temp.window_end (days integer PRIMARY KEY, until date) ON COMMIT DROP;
    TRUNCATE pg_temp.due_soon, pg_temp.window_end;
    INSERT INTO pg_temp.window_end SELECT g, add_working_days(today, g) FROM generate_series(1, 20) g;
    INSERT INTO pg_temp.due_soon
    SELECT d.case_id, d.code, d.due_on, d.source, w.unit_id, u.path, k.kind, k.stage, w.code, w.name, u.code, u.name, w.id
    FROM case_deadline_due d JOIN dispute_case k ON k.id = d.case_id
    JOIN workplace w ON w.id = k.workplace_id JOIN org_unit u ON u.id = w.unit_id
    WHERE d.due_on >= today AND d.due_on <= (SELECT until FROM pg_temp.window_end WHERE days = 20)
      AND k.stage <> 'closed' AND (full_pass OR d.case_id = ANY (ids));

    INSERT INTO outbox (kind, event, unit_id, officer_id, payload, dedup_key)
    SELECT 'mail', 'case.deadline', d.unit_id, o.id,
           jsonb_build_object('case_id', d.case_id, 'code', d.code, 'due_on', d.due_on,
                              'when', CASE WHEN d.due_on = today THEN 'day' ELSE 'before' END),
           'reminder:' || d.case_id || ':' || d.code || ':' || d.due_on || ':'
               || CASE WHEN d.due_on = today THEN 'day' ELSE 'before' END || ':' || o.id
    FROM pg_temp.due_soon d
    JOIN officer o ON o.email IS NOT NULL AND o.disabled_at IS NULL AND o.notify_reminder
    JOIN org_unit ou ON ou.id = o.unit_id AND d.path LIKE ou.path || '%'
    JOIN pg_temp.window_end e ON e.days = o.reminder_days
    WHERE d.due_on = today OR e.until >= d.due_on
    ON CONFLICT (dedup_key) DO NOTHING;
    GET DIAGNOSTICS n = ROW_COUNT;
    total := total + n;

    INSERT INTO outbox (kind, event, event_id, unit_id, webhook_id, payload, dedup_key)
    SELECT 'webhook', 'case.deadline', x.ev, h.unit_id, h.id,
           jsonb_build_object('id', x.ev, 'event', 'case.deadline',
               'created', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
               'case', jsonb_build_object('id', d.case_id, 'kind', d.kind, 'stage', d.stage),
               'deadline', jsonb_build_object('code', d.code, 'due_on', d.due_on, 'source', d.source,
                                              'when', CASE WHEN d.due_on = today THEN 'day' ELSE 'before' END),
               'workplace', jsonb_build_object('id', d.wid, 'code', d.wcode, 'name', d.wname),
               'unit', jsonb_build_object('id', d.unit_id, 'code', d.ucode, 'name', d.uname)),
           'webhook:' || h.id || ':' || d.case_id || ':' || d.code || ':' || d.due_on || ':'
               || CASE WHEN d.due_on = today THEN 'day' ELSE 'before' END
    FROM pg_temp.due_soon d
    JOIN webhook h ON h.removed_at IS NULL AND 'case.deadline' = ANY (h.events)
    JOIN org_unit hu ON hu.id = h.unit_id AND d.path LIKE hu.path || '%'
    JOIN pg_temp.window_end e ON e.days = h.reminder_days
    CROSS JOIN LATERAL (SELECT gen_random_uuid() AS ev) x
    WHERE d.due_on = today OR e.until >= d.due_on
    ON CONFLICT (dedup_key) DO NOTHING;
    GET DIAGNOSTICS n = ROW_COUNT;
    total := total + n;

    IF full_pass THEN
        UPDATE notify_state SET reminders_on = today;
    END IF;
    RETURN total;
END $$;

-- case.deadline webhooks are queued by notify_schedule with the mails (one
-- pass over the kept deadlines); kept so an older sender's call still works.
CREATE OR REPLACE FUNCTION webhook_schedule(at timestamptz) RETURNS integer LANGUAGE sql AS $$
    SELECT 0
$$;

REVOKE ALL ON FUNCTION case_deadline_refresh(date, integer) FROM PUBLIC;
