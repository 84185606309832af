-- 031_webhooks.sql: signed webhooks per unit: subscriptions, and their deliveries queued in the outbox in the event's own transaction.

-- A receiver of a unit's events (its subtree's). The secret signs each
-- delivery (HMAC-SHA256, Tiengnoi-Signature); only the owner's connection
-- (the CLI, the sender) reads it; the console sees whether one is set.
CREATE TABLE webhook (
    id            bigserial PRIMARY KEY,
    unit_id       bigint NOT NULL REFERENCES org_unit (id),
    url           text NOT NULL CHECK (url ~ '^https?://[^[:space:]]+$' AND length(url) <= 500),
    events        text[] NOT NULL CHECK (cardinality(events) BETWEEN 1 AND 3
                      AND events <@ ARRAY['submission.created', 'submission.urgent', 'case.deadline']),
    secret        text NOT NULL CHECK (length(secret) BETWEEN 16 AND 256),
    reminder_days integer NOT NULL DEFAULT 3 CHECK (reminder_days BETWEEN 1 AND 20),
    created_at    timestamptz NOT NULL DEFAULT now(),
    removed_at    timestamptz
);
CREATE INDEX webhook_unit_idx ON webhook (unit_id) WHERE removed_at IS NULL;
ALTER TABLE outbox ADD CONSTRAINT outbox_webhook_fk FOREIGN KEY (webhook_id) REFERENCES webhook (id);
ALTER TABLE outbox ADD CONSTRAINT outbox_webhook_row CHECK ((kind = 'webhook') = (webhook_id IS NOT NULL));
CREATE INDEX outbox_webhook_idx ON outbox (webhook_id) WHERE webhook_id IS NOT NULL;

-- The JSON body of a report's event: ids, form, workplace, unit, urgency,
-- times. No worker text, contact or photo; the first line only where a unit
-- above the workplace allowed it and the report is not anonymous.
CREATE FUNCTION webhook_submission_body(s submission, ev uuid, event_name text) RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT jsonb_strip_nulls(jsonb_build_object(
        'id', ev, 'event', event_name, 'created', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
        'submission', jsonb_build_object('id', s.id, 'form', s.form_id, 'form_version', s.form_version,
            'channel', s.channel, 'urgent', notify_is_urgent(s), 'status', s.status,
            'received_at', to_char(s.received_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')),
        'workplace', jsonb_build_object('id', w.id, 'code', w.code, 'name', w.name),
        'unit', jsonb_build_object('id', u.id, 'code', u.code, 'name', u.name),
        'first_line', CASE WHEN (s.contact_sealed IS NOT NULL OR s.channel <> 'qr') AND EXISTS (SELECT 1 FROM org_unit f
                               WHERE u.path LIKE f.path || '%' AND f.notify_first_line)
                           THEN left(split_part(btrim(coalesce(s.answers->>'text', s.answers->>'description',
                                s.answers->>'details', s.answers->>'comments', '')), E'\n', 1), 200) END))
    FROM workplace w JOIN org_unit u ON u.id = w.unit_id WHERE w.id = s.workplace_id
$$;

-- One delivery per subscribed webhook of a unit at or above the workplace's.
CREATE FUNCTION webhook_queue(s submission, event_name text) RETURNS void LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = public AS $$
DECLARE
    ev uuid := gen_random_uuid();
BEGIN
    INSERT INTO outbox (kind, event, priority, event_id, unit_id, webhook_id, payload)
    SELECT 'webhook', event_name, CASE event_name WHEN 'submission.urgent' THEN 0 ELSE 1 END, ev, h.unit_id, h.id,
           webhook_submission_body(s, ev, event_name)
    FROM webhook h JOIN org_unit hu ON hu.id = h.unit_id, workplace w JOIN org_unit u ON u.id = w.unit_id
    WHERE w.id = s.workplace_id AND h.removed_at IS NULL AND event_name = ANY (h.events) AND u.path LIKE hu.path || '%';
END $$;

CREATE FUNCTION webhook_submission_ins() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = public AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM webhook_queue(NEW, 'submission.created');
    END IF;
    IF notify_is_urgent(NEW) THEN
        PERFORM webhook_queue(NEW, 'submission.urgent');
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER webhook_submission_ins AFTER INSERT ON submission
    FOR EACH ROW EXECUTE FUNCTION webhook_submission_ins();
CREATE TRIGGER webhook_submission_urgent AFTER UPDATE OF urgent ON submission
    FOR EACH ROW WHEN (NOT OLD.urgent AND NEW.urgent) EXECUTE FUNCTION webhook_submission_ins();

-- case.deadline: like the officers' reminders (sql/030), when a current
-- deadline of an open case is within the webhook's working days, and on the day.
CREATE FUNCTION webhook_schedule(at timestamptz) RETURNS integer LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = public AS $$
DECLARE
    today date := (at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date;
    n integer;
BEGIN
    INSERT INTO outbox (kind, event, event_id, unit_id, webhook_id, payload, dedup_key)
    SELECT 'webhook', 'case.deadline', x.ev, h.unit_id, h.id,
           jsonb_build_object('id', x.ev, 'event', 'case.deadline',
               'created', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
               'case', jsonb_build_object('id', k.id, 'kind', k.kind, 'stage', k.stage),
               'deadline', jsonb_build_object('code', d.code, 'due_on', d.due_on, 'source', d.source,
                                              'when', CASE WHEN d.due_on = today THEN 'day' ELSE 'before' END),
               'workplace', jsonb_build_object('id', w.id, 'code', w.code, 'name', w.name),
               'unit', jsonb_build_object('id', u.id, 'code', u.code, 'name', u.name)),
           'webhook:' || h.id || ':' || k.id || ':' || d.code || ':' || d.due_on || ':'
               || CASE WHEN d.due_on = today THEN 'day' ELSE 'before' END
    FROM dispute_case k JOIN workplace w ON w.id = k.workplace_id JOIN org_unit u ON u.id = w.unit_id
    CROSS JOIN LATERAL case_deadlines(k.id) d
    JOIN webhook h ON h.removed_at IS NULL AND 'case.deadline' = ANY (h.events)
    JOIN org_unit hu ON hu.id = h.unit_id AND u.path LIKE hu.path || '%'
    CROSS JOIN LATERAL (SELECT gen_random_uuid() AS ev) x
    WHERE k.stage <> 'closed' AND d.current AND d.due_on IS NOT NULL
      AND (d.due_on = today OR (d.due_on > today AND add_working_days(today, h.reminder_days) >= d.due_on))
    ON CONFLICT (dedup_key) DO NOTHING;
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
END $$;

-- A report anonymised (retention purge, a data-subject erasure) loses the
-- first line its queued deliveries may carry, like everything else it said.
CREATE INDEX outbox_first_line_idx ON outbox (((payload->'submission'->>'id')::bigint)) WHERE payload ? 'first_line';
CREATE FUNCTION webhook_scrub_first_line() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = public AS $$
BEGIN
    UPDATE outbox SET payload = payload - 'first_line'
    WHERE payload ? 'first_line' AND (payload->'submission'->>'id')::bigint = NEW.id;
    RETURN NULL;
END $$;
CREATE TRIGGER webhook_scrub_first_line AFTER UPDATE OF answers ON submission
    FOR EACH ROW WHEN (OLD.answers IS DISTINCT FROM NEW.answers) EXECUTE FUNCTION webhook_scrub_first_line();

REVOKE ALL ON FUNCTION webhook_queue(submission, text), webhook_schedule(timestamptz) FROM PUBLIC;
-- The console lists and removes a unit's webhooks (admins; never the secret)
-- and adds them through the same checks as the CLI.
GRANT SELECT (id, unit_id, url, events, reminder_days, created_at, removed_at) ON webhook TO tiengnoi_officer;
GRANT INSERT (unit_id, url, events, secret) ON webhook TO tiengnoi_officer;
GRANT UPDATE (removed_at) ON webhook TO tiengnoi_officer;
GRANT USAGE ON SEQUENCE webhook_id_seq TO tiengnoi_officer;
ALTER TABLE webhook ENABLE ROW LEVEL SECURITY;
CREATE POLICY scope ON webhook TO tiengnoi_officer
    USING (unit_id IN (SELECT scope_units())) WITH CHECK (unit_id IN (SELECT scope_units()));
CREATE POLICY role_admin ON webhook AS RESTRICTIVE TO tiengnoi_officer USING (console_role() = 'admin');
