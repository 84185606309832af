-- 057_submission_insert_lighter.sql: a report's INSERT runs its statistics-log and outbox work in one PL/pgSQL body, and checks no foreign key: the parents it names are never deleted, which the database enforces instead.
-- Why (issue 12 item 18, docs/performance.md "What an insert costs, third pass"): a report costs PostgreSQL
-- ~3x a plain row. Two parts of it go here:
-- * submission_inserted() (sql/053) called two helpers with PERFORM, each a query of its own that called
--   a PL/pgSQL function taking the whole new row (answers, search_text) as a composite value: four SPI
--   executions per report where two do the work. The body below does the same writes directly.
-- * The three foreign keys workplace_id, unit_id, entry_point_id ran three RI queries per report, each
--   locking its parent row FOR KEY SHARE: a write to the parent's heap page (and, from concurrent reports to
--   one workplace, a MultiXact) for every report, on the three rows all reports of a workplace share.
--   The app's two INSERTs (fcgi/db.c STMT_SUBMISSION_INSERT, page_admin_report.c's officer entry) take the
--   three ids from the rows themselves (entry_point JOIN workplace in the same statement), so what they write
--   exists when they write it; what the keys still guarded is a parent deleted, truncated or renumbered
--   later. Nothing does that (units end or merge, QR codes are revoked, workplaces stay: grep'd over the app,
--   the CLI, the migrations and the tests), and the triggers below make it a rule: such a statement fails
--   with a message that says what to do instead. A report's workplace, unit and QR code therefore exist for
--   as long as the report does.
-- Locks: DROP CONSTRAINT takes ACCESS EXCLUSIVE on submission and on each parent for the catalog change
-- only (no scan); CREATE TRIGGER on the three small parent tables likewise.

-- A new report: its statistics log row (+1) and, by sql/047's rule, its outbox event. Same rows as sql/053's
-- helpers write (submission_fact_log_add, outbox_event_queue, which the UPDATE and DELETE triggers keep using).
CREATE OR REPLACE FUNCTION submission_inserted() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = public AS $$
DECLARE
    urgent boolean := coalesce(notify_is_urgent(NEW), false);   -- NULL when the form has no urgency answer
BEGIN
    INSERT INTO submission_fact_log (workplace_id, day, form_id, channel, status, urgent, answers, sign, unit_id)
    VALUES (NEW.workplace_id, (NEW.received_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date, NEW.form_id, NEW.channel,
            NEW.status, NEW.urgent, (SELECT coalesce(jsonb_object_agg(e.key, e.value), '{}'::jsonb)
                                     FROM jsonb_each(NEW.answers) e WHERE e.key = ANY (submission_fact_keys())),
            1, NEW.unit_id);
    -- urgent ones always (officers' mails); others only when a live webhook of a unit at or above the
    -- report's workplace wants submission.created
    IF urgent OR EXISTS (
        SELECT 1 FROM webhook h JOIN org_unit hu ON hu.id = h.unit_id
        WHERE h.removed_at IS NULL AND 'submission.created' = ANY (h.events)
          AND (SELECT u.path FROM workplace w JOIN org_unit u ON u.id = w.unit_id WHERE w.id = NEW.workplace_id)
              LIKE hu.path || '%') THEN
        INSERT INTO outbox_event (submission_id, created, urgent) VALUES (NEW.id, true, urgent);
    END IF;
    RETURN NULL;
END $$;

-- Refuses deleting, truncating or renumbering a row reports may name (statement-level: no per-row cost).
CREATE FUNCTION report_parent_kept() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% rows are never deleted, truncated or renumbered: reports refer to them', TG_TABLE_NAME
        USING ERRCODE = 'restrict_violation',
              HINT = CASE TG_TABLE_NAME
                  WHEN 'entry_point' THEN 'revoke the QR code instead (revoked_at)'
                  WHEN 'org_unit' THEN 'end or merge the unit instead (status)'
                  ELSE 'keep the workplace; move it to another unit if it changed hands' END;
END $$;
CREATE TRIGGER workplace_kept BEFORE DELETE OR TRUNCATE OR UPDATE OF id ON workplace
    FOR EACH STATEMENT EXECUTE FUNCTION report_parent_kept();
CREATE TRIGGER org_unit_kept BEFORE DELETE OR TRUNCATE OR UPDATE OF id ON org_unit
    FOR EACH STATEMENT EXECUTE FUNCTION report_parent_kept();
CREATE TRIGGER entry_point_kept BEFORE DELETE OR TRUNCATE OR UPDATE OF id ON entry_point
    FOR EACH STATEMENT EXECUTE FUNCTION report_parent_kept();

ALTER TABLE submission DROP CONSTRAINT submission_workplace_id_fkey,
    DROP CONSTRAINT submission_unit_id_fkey,
    DROP CONSTRAINT submission_entry_point_id_fkey;
