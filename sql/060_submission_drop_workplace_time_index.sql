-- 060_submission_drop_workplace_time_index.sql: submission_workplace_time_idx goes (one B-tree fewer for every report's INSERT); its readers read submission_queue_order_idx for both values of its second column instead.
-- migrate: outside a transaction
-- (DROP INDEX CONCURRENTLY cannot run in one: `tiengnoi-admin migrate` runs each statement of this file
-- alone, split at ";" + newline, so no statement below holds one inside; the index goes last, once
-- its readers no longer need it, and reports go on being stored while the drop waits.)
-- Why (issue 12 item 18, docs/performance.md "What an insert costs, fourth pass"): the index
-- (workplace_id, received_at DESC, id DESC) repeats submission_queue_order_idx (workplace_id,
-- (urgent AND status = 'new') DESC, received_at DESC, id DESC) but for the second column, which has
-- two values: a workplace's reports of a period are the queue index's rows under
-- `(s.urgent AND s.status = 'new') = ANY ('{t,f}')` (two descents; both columns are NOT NULL), and
-- newest first they are the merge of its two halves (fcgi/page_admin_brief.c). Every reader was
-- EXPLAINed at 1M reports with and without the index; what changed here and in fcgi/ is what would
-- have been slower.

-- The survey answers of a workplace or of every workplace in scope (/admin/surveys, the campaigns):
-- the same rows. With a period, each workplace's is read from the queue index's two halves (the
-- added condition holds for every report); without one (it folds away) the planner keeps its whole
-- scan, which the condition would have turned into a slower bitmap scan of the workplace's rows.
CREATE OR REPLACE FUNCTION survey_answers(scope text, form text, wp text, day_from text, day_to text)
    RETURNS TABLE (id bigint, workplace_id bigint, received_at timestamptz, answers jsonb)
    LANGUAGE sql STABLE AS $$
    SELECT s.id, s.workplace_id, s.received_at, s.answers
    FROM submission s JOIN workplace w ON w.id = s.workplace_id JOIN org_unit u ON u.id = w.unit_id
    WHERE u.path LIKE scope || '%' AND s.form_id = form AND s.status <> 'spam'
      AND (day_from = '' AND day_to = '' OR (s.urgent AND s.status = 'new') = ANY ('{t,f}'))
      AND (wp = '' OR s.workplace_id = nullif(wp, '')::bigint)
      AND (day_from = '' OR s.received_at >= (nullif(day_from, '')::date)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh')
      AND (day_to = '' OR s.received_at < (nullif(day_to, '')::date + 1)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh')
$$;

-- A round's or a campaign's linked report must be in the officer's scope: asked of each linked report
-- by its id. As `submission_id IN (SELECT s.id FROM submission s WHERE ...)` the check hashed the id of
-- every report in scope (an index-only scan of the whole table: 0.7 s at 1M reports through the dropped
-- index, 1.1 s through the queue index) for every INSERT, one report or a brief's period.
ALTER POLICY scope ON round_submission
    WITH CHECK (round_id IN (SELECT scope_rounds()) AND EXISTS
                (SELECT 1 FROM submission s WHERE s.id = round_submission.submission_id AND s.workplace_id IN (SELECT scope_workplaces())));
ALTER POLICY scope ON campaign_answer
    WITH CHECK (campaign_id IN (SELECT c.id FROM survey_campaign c)
                AND EXISTS (SELECT 1 FROM submission s WHERE s.id = campaign_answer.submission_id AND s.workplace_id IN (SELECT scope_workplaces())));

DROP INDEX CONCURRENTLY IF EXISTS submission_workplace_time_idx;
