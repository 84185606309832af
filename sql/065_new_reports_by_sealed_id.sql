-- 065_new_reports_by_sealed_id.sql: a new report writes nothing but itself; the sender reads new reports from `submission` by id, up to a sealed id, to fold them into the statistics and to queue their outbox events; the statistics log keeps only changes and deletions (with the report's id).
-- Why (issue 12 item 18; callgrind of single-user PostgreSQL, 200 of the app's INSERTs,
-- tests/bench/insert_instructions.sh): of a report's ~1,217,000 instructions, ~169,000 were the
-- statistics log's row (an SPI INSERT: executor set-up, the row, its WAL) and ~83,000 the AFTER INSERT
-- trigger around it, which for most reports then found no event to queue. Any per-row trigger costs
-- ~90,000 (a WHEN that calls a function included: PostgreSQL sets the call up for every statement).
--
-- Sealing. Report ids come from a sequence and a report with a lower id may commit after one with a
-- higher id, so "every report up to id X" means something only when no report below X is still being
-- written. submission_seal() takes `sealed` := the last id under a brief `LOCK TABLE submission IN SHARE
-- MODE` (submission_sealed_id(), shared with the webhook ranges of sql/062: it waits for the reports being
-- written, at most 100 ms, and holds new ones back until its statement ends), called by the sender in a
-- statement of its own (the console's pages run inside their own transaction, where the lock would last
-- as long as the page). Reports up to `sealed` are all committed (or gone) in every later snapshot.
--
-- Events (mails to officers, webhooks). outbox_queue_reports() queues, for the reports in (queued, sealed],
-- the events sql/063's insert trigger queued, with the same rule, and moves `queued`: the sender's events
-- lane seals at most every 0.2 s and queues right before it expands events, so an urgent report's mail
-- leaves a fraction of a second later than before, and a report costs no trigger.
--
-- How the figures stay exact. submission_fact holds the sums of every report up to the mark `folded`;
-- a report above it is read from `submission` as it is now. A fold is one statement, one snapshot:
--   sums += the reports in (folded, sealed] as they are, and the visible log rows of reports up to `folded`
--   (and the rows written before this file, which have no report id); every visible log row leaves the
--   log; folded := sealed.
-- A log row of a report above `folded` is dropped unread: the report's state that the fold (or a later
-- one, at a later snapshot) reads already holds the change. One of a report up to `folded` that the fold's
-- snapshot does not see stays, and counts as a change later. The pages read submission_fact_all: the sums,
-- the log rows of reports up to `folded`, and the reports above it as they are; a fold commits the three
-- moves together, so every snapshot sees each report exactly once. The sender folds every 2 s; the pages
-- fold before reading, as before.
-- Locks: LOCK TABLE submission IN SHARE ROW EXCLUSIVE MODE for this file's transaction (reports wait the few
-- ms it takes: the marks must be the last report the old trigger logged and queued), then catalog changes
-- only; ALTER TABLE submission_fact_log ADD COLUMN without a default rewrites nothing.

LOCK TABLE submission IN SHARE ROW EXCLUSIVE MODE;

-- The highest report id below which every report is written (committed or rolled back): taken under
-- `LOCK TABLE submission IN SHARE MODE`, which waits for the reports being written and holds new ones back
-- until the caller's transaction ends, so call it in a short one. NULL when the lock could not be had
-- within 100 ms (reports are being written for longer): the caller tries again later, nothing is lost.
CREATE FUNCTION submission_sealed_id() RETURNS bigint LANGUAGE plpgsql SET lock_timeout = '100ms' AS $$
BEGIN
    LOCK TABLE submission IN SHARE MODE;
    RETURN submission_last_id();
EXCEPTION WHEN lock_not_available THEN
    RETURN NULL;
END $$;
REVOKE ALL ON FUNCTION submission_sealed_id() FROM PUBLIC;

-- sql/062's range ends, through submission_sealed_id(). A pause's range starts above the reports whose events
-- are queued (the mark `queued`, below), no longer above the last report: since this file a report's event is
-- queued by the sender a fraction of a second after the report, so a report written before the pause may have
-- none yet, and would otherwise be neither in the range nor given an event (it would be lost to the receiver).
-- A report both queued and in the range is delivered once: outbox_expand skips a range's reports, and every
-- delivery carries its dedup_key (sql/062).
CREATE OR REPLACE FUNCTION webhook_missed_mark() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = public AS $$
DECLARE
    top bigint;
BEGIN
    IF (OLD.failures = 0) = (NEW.failures = 0) OR (NEW.failures = 0 AND OLD.missed_after IS NULL) THEN
        RETURN NEW;
    END IF;
    top := submission_sealed_id();
    IF top IS NULL THEN
        RETURN NULL;   -- the row keeps its old state: the next result tries again
    END IF;
    IF NEW.failures > 0 THEN
        -- still being given an earlier range: it reopens; else from the reports whose events are queued
        NEW.missed_after := coalesce(OLD.missed_after,
                                     least(top, (SELECT report_id FROM submission_mark WHERE mark = 'queued')));
    END IF;
    NEW.missed_sealed := top;
    NEW.missed_sealed_at := now();
    RETURN NEW;
END $$;

CREATE OR REPLACE FUNCTION webhook_seal(scale float8) RETURNS integer LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = public AS $$
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
    top := submission_sealed_id();
    IF top IS NULL THEN
        RETURN 0;   -- reports are being written for longer than the wait: at a later poll
    END IF;
    UPDATE webhook SET missed_sealed = top, missed_sealed_at = now() WHERE id = ANY (due) AND failures > 0;
    RETURN cardinality(due);
END $$;

-- Marks over report ids: `sealed` (every report up to it is written), `folded` (reports up to it are in
-- submission_fact; their later changes and deletions in the log), `queued` (reports up to it have had their
-- outbox events queued). A row each, so that a seal never waits for a fold's transaction, nor the events
-- for either.
CREATE TABLE submission_mark (
    mark      text PRIMARY KEY CHECK (mark IN ('sealed', 'folded', 'queued')),
    report_id bigint NOT NULL,
    at        timestamptz NOT NULL DEFAULT now()
);
INSERT INTO submission_mark (mark, report_id)
    SELECT m, submission_last_id() FROM unnest(ARRAY['sealed', 'folded', 'queued']) m;
GRANT SELECT ON submission_mark TO tiengnoi_officer;

-- The report whose change or deletion a log row records (NULL: logged before this file, a change to count).
ALTER TABLE submission_fact_log ADD COLUMN submission_id bigint;

-- A report changed (in a way the figures see: the WHEN of submission_fact_upd, sql/024) or deleted: its
-- statistics log rows, -1 as it was and +1 as it is, with its id. New reports log nothing (above). Runs as
-- the definer with search_path pinned: nobody else writes the log.
CREATE OR REPLACE FUNCTION submission_fact_log_row() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = public AS $$
DECLARE
    r submission;
BEGIN
    -- 1: the report as it was, 2: as it is (not for a DELETE)
    FOR i IN 1 .. CASE WHEN TG_OP = 'DELETE' THEN 1 ELSE 2 END LOOP
        IF i = 1 THEN
            r := OLD;
        ELSE
            r := NEW;
        END IF;
        INSERT INTO submission_fact_log (workplace_id, day, form_id, channel, status, urgent, answers, sign, unit_id,
                                         submission_id)
        VALUES (r.workplace_id, (r.received_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date, r.form_id, r.channel, r.status,
                r.urgent, submission_fact_answers(r.answers), 2 * i - 3, r.unit_id, r.id);
    END LOOP;
    RETURN NULL;
END $$;

-- New reports' outbox events (sql/033), queued by the sender from the sealed reports instead of a trigger on
-- every INSERT: for each report in (queued, sealed], at most n of them in id order, an event when it is urgent
-- (officers' mails) or a live webhook of a unit at or above its workplace wants submission.created and is not
-- paused with a range (sql/062 reads those back); then queued moves past them. The same rule the insert
-- trigger of sql/063 applied, a fraction of a second later (the sender's events lane, right before it
-- expands the events). One caller at a time (the mark's row lock; another caller goes on at once). Returns
-- the reports read.
CREATE FUNCTION outbox_queue_reports(n integer) RETURNS integer LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = public AS $$
DECLARE
    lo bigint;
    hi bigint;
    done integer;
BEGIN
    SELECT q.report_id, least(s.report_id, q.report_id + n) INTO lo, hi
      FROM submission_mark q, submission_mark s
     WHERE q.mark = 'queued' AND s.mark = 'sealed' AND s.report_id > q.report_id
       FOR UPDATE OF q SKIP LOCKED;
    IF NOT FOUND THEN
        RETURN 0;
    END IF;
    WITH r AS (
        SELECT s.id, coalesce(notify_is_urgent(s), false) AS urgent, s.workplace_id
          FROM submission s WHERE s.id > lo AND s.id <= hi),
    queued AS (
        INSERT INTO outbox_event (submission_id, created, urgent)
        SELECT r.id, true, r.urgent FROM r
         WHERE r.urgent OR EXISTS (
               SELECT 1 FROM webhook h JOIN org_unit hu ON hu.id = h.unit_id
                WHERE h.removed_at IS NULL AND 'submission.created' = ANY (h.events)
                  AND (h.failures = 0 OR h.missed_after IS NULL)
                  AND (SELECT u.path FROM workplace w JOIN org_unit u ON u.id = w.unit_id WHERE w.id = r.workplace_id)
                      LIKE hu.path || '%')
         ORDER BY r.id)
    SELECT count(*) INTO done FROM r;
    UPDATE submission_mark SET report_id = hi, at = now() WHERE mark = 'queued';
    RETURN done;
END $$;
REVOKE ALL ON FUNCTION outbox_queue_reports(integer) FROM PUBLIC;
DROP TRIGGER submission_inserted_ins ON submission;

-- Seals the reports written so far for the next fold and the next events: sealed := submission_sealed_id().
-- Called by the sender (fcgi/sender.c) at most every 0.2 s in a statement of its own, and by hand after a
-- bulk load. Returns the sealed id; 0 when nothing new was written since the last seal (or another seal is
-- under way); NULL when the lock could not be had in time (a long write holds the reports' table: the
-- sender then waits longer before it tries again, so that its waits do not hold the workers' reports back).
CREATE FUNCTION submission_seal() RETURNS bigint LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = public AS $$
DECLARE
    top bigint;
BEGIN
    -- the seal's row first, without waiting: the report lock is then held for the update only
    PERFORM 1 FROM submission_mark WHERE mark = 'sealed' AND report_id < submission_last_id()
        FOR UPDATE SKIP LOCKED;
    IF NOT FOUND THEN
        RETURN 0;
    END IF;
    top := submission_sealed_id();
    IF top IS NULL THEN
        RETURN NULL;
    END IF;
    UPDATE submission_mark SET report_id = greatest(report_id, top), at = now() WHERE mark = 'sealed';
    RETURN top;
END $$;
REVOKE ALL ON FUNCTION submission_seal() FROM PUBLIC;

-- Folds into the sums, in one statement (one snapshot): the reports up to the seal that are above `folded`,
-- as they are, and the log's changes of reports up to `folded`; every log row this statement sees leaves
-- the log (see the top of this file), and `folded` moves to the seal. One folder at a time; a caller that
-- finds another at work goes on without waiting (the view below still adds what is not folded). Returns
-- the reports and log rows folded. The console pages call it before reading (as before).
CREATE OR REPLACE FUNCTION submission_fact_compact() RETURNS bigint LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = public AS $$
DECLARE
    logged bigint;
    arrived bigint;
BEGIN
    IF NOT pg_try_advisory_xact_lock(7405128) THEN
        RETURN 0;
    END IF;
    WITH m AS (
        SELECT (SELECT report_id FROM submission_mark WHERE mark = 'folded') AS folded,
               (SELECT report_id FROM submission_mark WHERE mark = 'sealed') AS sealed),
    gone AS (DELETE FROM submission_fact_log RETURNING *),
    fresh AS (
        SELECT s.unit_id, s.workplace_id, (s.received_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date AS day, s.form_id,
               s.channel, s.status, s.urgent, s.answers, 1 AS sign
          FROM submission s, m WHERE s.id > m.folded AND s.id <= m.sealed),
    change AS (
        SELECT g.unit_id, g.workplace_id, g.day, g.form_id, g.channel, g.status, g.urgent, g.answers, g.sign
          FROM gone g, m WHERE g.submission_id IS NULL OR g.submission_id <= m.folded
        UNION ALL
        SELECT * FROM fresh),
    added AS (
        INSERT INTO submission_fact AS t (unit_id, workplace_id, day, form_id, channel, fact, n, v)
        SELECT c.unit_id, c.workplace_id, c.day, c.form_id, c.channel, f.fact, sum(c.sign * f.n), sum(c.sign * f.v)
          FROM change c CROSS JOIN LATERAL submission_facts(c.form_id, c.status, c.urgent, c.answers) f
         GROUP BY 1, 2, 3, 4, 5, 6
            ON CONFLICT (workplace_id, day, form_id, channel, unit_id, md5(fact))
            DO UPDATE SET n = t.n + excluded.n, v = t.v + excluded.v),
    moved AS (
        UPDATE submission_mark k SET report_id = m.sealed, at = now() FROM m
         WHERE k.mark = 'folded' AND m.sealed > m.folded)
    SELECT (SELECT count(*) FROM gone), (SELECT count(*) FROM fresh) INTO logged, arrived;
    IF logged >= 1000 THEN
        ANALYZE submission_fact_log;
    END IF;
    RETURN logged + arrived;
END $$;

-- A truncated submission takes its sums, log and marks with it (its sequence may restart).
CREATE OR REPLACE FUNCTION submission_fact_truncate() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = public AS $$
BEGIN
    TRUNCATE submission_fact, submission_fact_log;
    UPDATE submission_mark SET report_id = 0, at = now();
    RETURN NULL;
END $$;

-- What the pages read: the sums, the log's changes of reports up to `folded`, and the reports above it as
-- they are. security_invoker: the reader's row-level security applies to all three.
CREATE OR REPLACE VIEW submission_fact_all WITH (security_invoker = true) AS
    SELECT unit_id, workplace_id, day, form_id, channel, fact, n, v FROM submission_fact
    UNION ALL
    SELECT l.unit_id, l.workplace_id, l.day, l.form_id, l.channel, f.fact, l.sign * f.n, l.sign * f.v
      FROM submission_fact_log l CROSS JOIN LATERAL submission_facts_logged(l.form_id, l.status, l.urgent, l.answers) f
     WHERE l.submission_id IS NULL OR l.submission_id <= (SELECT report_id FROM submission_mark WHERE mark = 'folded')
    UNION ALL
    SELECT s.unit_id, s.workplace_id, (s.received_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date, s.form_id, s.channel,
           f.fact, f.n, f.v
      FROM submission s CROSS JOIN LATERAL submission_facts_logged(s.form_id, s.status, s.urgent, s.answers) f
     WHERE s.id > (SELECT report_id FROM submission_mark WHERE mark = 'folded');
