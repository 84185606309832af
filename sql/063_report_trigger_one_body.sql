-- 063_report_trigger_one_body.sql: one trigger body writes the statistics log for new, changed and deleted reports (and a new report's outbox event), its answers picked by an expression the planner inlines; a paused webhook receiver no longer asks for events.
-- Why:
-- * The log's INSERT was written twice: in submission_fact_log_add (sql/053, for updates and deletes) and
--   inline in submission_inserted (sql/057, for new reports, to save two SPI calls per report). Now
--   submission_fact_log_row() writes it once, for the report as it was (-1) and as it is (+1), for the
--   three triggers.
-- * Its answers were picked by a subquery over jsonb_each(answers), run for every report. Now by
--   submission_fact_answers(), an expression over the answers' keys (the one list of the keys the figures
--   read: submission_fact_keys() goes) that PostgreSQL inlines into the log's INSERT, planned once per
--   session: 365 -> 316 us per report in rolled-back pairs (docs/performance.md, "third pass").
--   Exactness: a key whose answer is JSON null is no longer logged, as an absent one (nor a null field of
--   an answer that is an object; none of the figures' answers is one). Every fact
--   submission_facts_logged() (sql/024) reads treats the two alike (->> gives NULL; jsonb_typeof is
--   'null', never 'number' or 'array'), and compaction sums the facts, not the answers, so each figure
--   stays what it was, also for log rows written before this file.
-- * A report queues an event only for a receiver that is not paused with a range of missed reports
--   (sql/062: that one reads them back); urgent ones always (officers' mails), as before.
-- Locks: CREATE OR REPLACE TRIGGER on submission takes a SHARE ROW EXCLUSIVE lock for the catalog change
-- only (no scan).

-- The answers' keys the figures read (submission_facts(), sql/024) and nothing else: a new fact's key goes
-- here. A key absent or JSON null is left out (jsonb_strip_nulls). Inlined where it is called (one SELECT of
-- an expression).
CREATE FUNCTION submission_fact_answers(a jsonb) RETURNS jsonb LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT jsonb_strip_nulls(jsonb_build_object(
        'coworkers', a -> 'coworkers', 'category', a -> 'category', 'kind', a -> 'kind', 'quality', a -> 'quality',
        'amount', a -> 'amount', 'amount_basis', a -> 'amount_basis', 'deducted', a -> 'deducted',
        'months_owed', a -> 'months_owed', 'months_unpaid', a -> 'months_unpaid', 'injured', a -> 'injured',
        'dead', a -> 'dead', 'seriously_injured', a -> 'seriously_injured', 'severity', a -> 'severity',
        'when', a -> 'when', 'wage_rise', a -> 'wage_rise', 'meal_value_wanted', a -> 'meal_value_wanted',
        'meal_value', a -> 'meal_value', 'priorities', a -> 'priorities'))
$$;

-- A report inserted, changed (in a way the figures see: the WHEN of submission_fact_upd, sql/024) or
-- deleted: its statistics log rows, -1 as it was and +1 as it is; a new one also its outbox event (urgent
-- ones always, for officers' mails; others only when a live webhook of a unit at or above the report's
-- workplace wants submission.created and is not paused with a range). The body the update and delete
-- triggers of sql/019 and 024 already run, now also the insert trigger's. Runs as the definer with
-- search_path pinned: nobody else writes the log.
CREATE OR REPLACE FUNCTION submission_fact_log_row() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = public AS $$
DECLARE
    r submission;
    urgent boolean;
BEGIN
    -- 1: the report as it was (not for an INSERT), 2: as it is (not for a DELETE)
    FOR i IN CASE WHEN TG_OP = 'INSERT' THEN 2 ELSE 1 END .. CASE WHEN TG_OP = 'DELETE' THEN 1 ELSE 2 END LOOP
        IF i = 1 THEN
            r := OLD;
        ELSE
            r := NEW;
        END IF;
        INSERT INTO submission_fact_log (workplace_id, day, form_id, channel, status, urgent, answers, sign, unit_id)
        VALUES (r.workplace_id, (r.received_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date, r.form_id, r.channel, r.status,
                r.urgent, submission_fact_answers(r.answers), 2 * i - 3, r.unit_id);
    END LOOP;
    IF TG_OP <> 'INSERT' THEN
        RETURN NULL;
    END IF;
    urgent := coalesce(notify_is_urgent(NEW), false);   -- NULL when the form has no urgency answer
    -- a report that is not urgent: first whether any receiver wants new reports at all (one small table;
    -- a statement of its own, so that the scope test below is not even set up for most reports)
    IF NOT urgent THEN
        IF NOT EXISTS (SELECT 1 FROM webhook h WHERE h.removed_at IS NULL AND 'submission.created' = ANY (h.events)
                                                 AND (h.failures = 0 OR h.missed_after IS NULL)) THEN
            RETURN NULL;
        END IF;
        IF NOT EXISTS (
            SELECT 1 FROM webhook h JOIN org_unit hu ON hu.id = h.unit_id
            WHERE h.removed_at IS NULL AND 'submission.created' = ANY (h.events)
              AND (h.failures = 0 OR h.missed_after IS NULL)
              AND (SELECT u.path FROM workplace w JOIN org_unit u ON u.id = w.unit_id WHERE w.id = NEW.workplace_id)
                  LIKE hu.path || '%') THEN
            RETURN NULL;
        END IF;
    END IF;
    INSERT INTO outbox_event (submission_id, created, urgent) VALUES (NEW.id, true, urgent);
    RETURN NULL;
END $$;

CREATE OR REPLACE TRIGGER submission_inserted_ins AFTER INSERT ON submission
    FOR EACH ROW EXECUTE FUNCTION submission_fact_log_row();

DROP FUNCTION submission_inserted();
DROP FUNCTION submission_fact_log_add(submission, smallint);
DROP FUNCTION submission_fact_keys();
