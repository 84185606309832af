-- 053_insert_triggers.sql: a report's INSERT runs one trigger instead of two, and the statistics log's row no longer plans a SQL function for every report.
-- Before (issue 12 item 18): submission_fact_log_row() called submission_fact_answers(), a SQL function
-- PostgreSQL 15 cannot inline (it reads jsonb_each), so every call parsed and planned its body again:
-- ~80-150 µs of a report's ~1 ms. And the insert fired two AFTER row triggers (the statistics log,
-- sql/019 and 024; the outbox event, sql/033 and 047), each queued, re-reading the new row and switching
-- to its definer's settings. Now the answers' keys are picked by a subquery inside the log's own INSERT,
-- whose plan PL/pgSQL keeps for the session, and one AFTER INSERT trigger does both jobs. The log and the
-- outbox receive the same rows as before, so the statistics stay exact.

-- The answers' keys submission_facts() reads (sql/024), and nothing else: a new fact's key goes here.
CREATE FUNCTION submission_fact_keys() RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT ARRAY['coworkers', 'category', 'kind', 'quality', 'amount', 'amount_basis', 'deducted', 'months_owed',
                 'months_unpaid', 'injured', 'dead', 'seriously_injured', 'severity', 'when', 'wage_rise',
                 'meal_value_wanted', 'meal_value', 'priorities']::text[]
$$;

-- Appends a report's state to the statistics log: +1 arriving in the figures, -1 leaving them.
-- Called only by the triggers below, which run as the definer with search_path pinned: nobody else may
-- write the log, and the helpers set nothing themselves (a SET clause costs every report a settings switch).
CREATE FUNCTION submission_fact_log_add(s submission, delta smallint) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO submission_fact_log (workplace_id, day, form_id, channel, status, urgent, answers, sign, unit_id)
    VALUES (s.workplace_id, (s.received_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date, s.form_id, s.channel, s.status,
            s.urgent, (SELECT coalesce(jsonb_object_agg(e.key, e.value), '{}'::jsonb) FROM jsonb_each(s.answers) e
                        WHERE e.key = ANY (submission_fact_keys())), delta, s.unit_id);
END $$;
REVOKE ALL ON FUNCTION submission_fact_log_add(submission, smallint) FROM PUBLIC;

-- The update and delete triggers of sql/024, through the same append.
CREATE OR REPLACE FUNCTION submission_fact_log_row() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = public AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM submission_fact_log_add(OLD, -1::smallint);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM submission_fact_log_add(NEW, 1::smallint);
    END IF;
    RETURN NULL;
END $$;
DROP FUNCTION submission_fact_answers(jsonb);

-- Queues a report's outbox event (sql/047's rule): urgent ones always (officers' mails); a new report that
-- is not urgent only when a live webhook of a unit at or above its workplace's wants submission.created.
CREATE FUNCTION outbox_event_queue(s submission, created boolean) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    urgent boolean := coalesce(notify_is_urgent(s), false);   -- NULL when the form has no urgency answer
BEGIN
    IF created AND NOT urgent AND NOT EXISTS (
        SELECT 1 FROM webhook h JOIN org_unit hu ON hu.id = h.unit_id
        WHERE h.removed_at IS NULL AND 'submission.created' = ANY (h.events)
          AND (SELECT u.path FROM workplace w JOIN org_unit u ON u.id = w.unit_id WHERE w.id = s.workplace_id)
              LIKE hu.path || '%') THEN
        RETURN;
    END IF;
    IF created OR urgent THEN
        INSERT INTO outbox_event (submission_id, created, urgent) VALUES (s.id, created, urgent);
    END IF;
END $$;
REVOKE ALL ON FUNCTION outbox_event_queue(submission, boolean) FROM PUBLIC;

-- An officer marking a report urgent (the UPDATE trigger of sql/033), through the same rule.
CREATE OR REPLACE FUNCTION outbox_event_submission() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = public AS $$
BEGIN
    PERFORM outbox_event_queue(NEW, TG_OP = 'INSERT');
    RETURN NULL;
END $$;

-- A new report: its statistics log row and its outbox event, in one trigger.
CREATE FUNCTION submission_inserted() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = public AS $$
BEGIN
    PERFORM submission_fact_log_add(NEW, 1::smallint);
    PERFORM outbox_event_queue(NEW, true);
    RETURN NULL;
END $$;
REVOKE ALL ON FUNCTION submission_inserted() FROM PUBLIC;
DROP TRIGGER submission_fact_ins ON submission;
DROP TRIGGER outbox_event_submission_ins ON submission;
CREATE TRIGGER submission_inserted_ins AFTER INSERT ON submission
    FOR EACH ROW EXECUTE FUNCTION submission_inserted();
