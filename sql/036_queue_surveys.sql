-- 036_queue_surveys.sql: survey forms leave the triage queue for their own results view; urgent new reports lead the queue.
-- rewrites: submission — an index built without CONCURRENTLY (lock times at 1M rows: docs/operations.md, Upgrades)

-- The forms whose answers are survey answers: counted in the console's
-- survey results (/admin/surveys), not triaged one by one. An answer of
-- one of them enters the queue only when it is urgent (an officer marks
-- it so from the report page), or when the queue is filtered on its form.
-- Data, not code: a federation adding its own survey form adds a row.
CREATE TABLE survey_form (
    form_id  text PRIMARY KEY CHECK (form_id ~ '^[a-z][a-z0-9_]{0,39}$'),
    added_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO survey_form (form_id) VALUES ('bargaining_survey');
GRANT SELECT ON survey_form TO tiengnoi_app, tiengnoi_officer;

-- The queue's order: urgent reports nobody has handled yet ("new") first,
-- then newest first. Per workplace, so the queue's merge of each
-- workplace's first rows reads them in index order.
CREATE INDEX submission_queue_order_idx ON submission
    (workplace_id, (urgent AND status = 'new') DESC, received_at DESC, id DESC);

-- A survey form's answers in an officer's scope (unit path prefix), at
-- one workplace or all ('' for wp), received between two Vietnamese days
-- ('' for open ends), spam left out: what /admin/surveys counts. Runs as
-- the caller, so row-level security keeps the scope a second time.
CREATE FUNCTION survey_answers(scope text, form text, wp text, day_from text, day_to text)
    RETURNS TABLE (id bigint, workplace_id bigint, received_at timestamptz, answers jsonb)
    LANGUAGE sql STABLE AS $$
    SELECT s.id, s.workplace_id, s.received_at, s.answers
    FROM submission s JOIN workplace w ON w.id = s.workplace_id JOIN org_unit u ON u.id = w.unit_id
    WHERE u.path LIKE scope || '%' AND s.form_id = form AND s.status <> 'spam'
      AND (wp = '' OR s.workplace_id = nullif(wp, '')::bigint)
      AND (day_from = '' OR s.received_at >= (nullif(day_from, '')::date)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh')
      AND (day_to = '' OR s.received_at < (nullif(day_to, '')::date + 1)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh')
$$;
