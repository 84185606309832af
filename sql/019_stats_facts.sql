-- 019_stats_facts.sql: the statistics, dashboard and dialogue brief read per-(workplace, day) sums, kept exact.
-- At 1.24M reports they took 0.26-1.6 s because they aggregated every report's JSON answers per request.
-- Now what those pages count and sum about a report (its "facts", submission_facts() below) is summed per
-- workplace, Vietnam day, form and channel in submission_fact. A report's insert, update (status, urgency,
-- answers: anonymisation too) or delete (purge) only appends its old (-1) and new (+1) state to
-- submission_fact_log: one small heap insert, no lock on a shared row, so 64 concurrent POSTs to one
-- workplace do not queue behind each other. The pages fold the log into the sums first
-- (submission_fact_compact(), one folder at a time) and read both through submission_fact_all, so a figure
-- always equals a direct count over the reports. Scope still comes from workplace -> org_unit at query
-- time: a re-parented unit or a moved workplace counts under its new parent at once; row-level security
-- repeats the workplace scope on both tables.

CREATE TABLE submission_fact (
    workplace_id bigint NOT NULL,
    day          date NOT NULL,       -- received_at in Vietnam time
    form_id      text NOT NULL,
    channel      text NOT NULL,
    fact         text NOT NULL,       -- see submission_facts()
    n            bigint NOT NULL,     -- reports with this fact
    v            numeric NOT NULL     -- the sum of its value (0 when it has none)
);
-- md5: a fact can hold a whole survey ranking; the key stays small whatever a report holds.
CREATE UNIQUE INDEX submission_fact_key ON submission_fact (workplace_id, day, form_id, channel, md5(fact));

-- Reports' states not yet folded into submission_fact: +1 for a state that arrived, -1 for one that left.
-- answers holds only the keys submission_facts() reads (submission_fact_answers()): never a worker's
-- words, so an anonymised or deleted report leaves nothing of them here while it waits to be folded.
CREATE TABLE submission_fact_log (
    workplace_id bigint NOT NULL,
    day          date NOT NULL,
    form_id      text NOT NULL,
    channel      text NOT NULL,
    status       text NOT NULL,
    urgent       boolean NOT NULL,
    answers      jsonb NOT NULL,
    sign         smallint NOT NULL CHECK (sign IN (-1, 1))
) WITH (parallel_workers = 0);   -- read whole only while it is small

-- What one report adds to the figures, as (fact, n, v); nothing for spam. The pages' rules, in one place:
--   reports              every report; v = workers affected: the lower bound of the coworkers tier of a wage or
--                        social-insurance report (unknown: 1), 0 for a survey, 1 for any other report
--   select:VALUE         the brief's breakdown field (concern.category, safety.kind, meal.quality; '' when
--                        unanswered); v = 1 when the report is urgent
--   amount:total         a wage or social-insurance report whose numeric amount is a total (amount_basis = total);
--   amount:other         ... or not; v = the amount
--   deducted             a wage or social-insurance report answering deducted = yes
--   month:M              each month listed (wage_arrears.months_owed, social_insurance.months_unpaid)
--   months_listed        social insurance: v = how many entries months_unpaid has
--   injured, dead        a safety report of kind accident: v = the number given
--   number:FIELD         the brief's averages (survey wage_rise and meal_value_wanted, meal.meal_value): v = the value
--   ranking:JSON         a survey's priorities, whole: the Borda count is made against the current form
CREATE FUNCTION submission_facts(form_id text, status text, urgent boolean, a jsonb)
    RETURNS TABLE (fact text, n bigint, v numeric) LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT f.fact, f.n, f.v FROM (
        SELECT 'reports' AS fact, 1::bigint AS n, (CASE WHEN form_id = 'bargaining_survey' THEN 0
            WHEN form_id IN ('wage_arrears', 'social_insurance') THEN CASE a->>'coworkers' WHEN 't1_10' THEN 1
            WHEN 't11_50' THEN 11 WHEN 't51_100' THEN 51 WHEN 't101_300' THEN 101 WHEN 't301_plus' THEN 301 ELSE 1 END
            ELSE 1 END)::numeric AS v
        UNION ALL
        SELECT 'select:' || coalesce(a->>x.field, ''), 1, CASE WHEN urgent THEN 1 ELSE 0 END
          FROM (VALUES ('concern', 'category'), ('safety', 'kind'), ('meal', 'quality')) x (form, field)
         WHERE x.form = form_id
        UNION ALL
        SELECT CASE WHEN a->>'amount_basis' = 'total' THEN 'amount:total' ELSE 'amount:other' END, 1,
               (a->>'amount')::numeric
         WHERE form_id IN ('wage_arrears', 'social_insurance') AND jsonb_typeof(a->'amount') = 'number'
        UNION ALL
        SELECT 'deducted', 1, 0 WHERE form_id IN ('wage_arrears', 'social_insurance') AND a->>'deducted' = 'yes'
        UNION ALL
        SELECT 'month:' || m, 1, 0
          FROM jsonb_array_elements_text(CASE WHEN jsonb_typeof(a->(CASE form_id WHEN 'wage_arrears' THEN 'months_owed'
               ELSE 'months_unpaid' END)) = 'array' THEN a->(CASE form_id WHEN 'wage_arrears' THEN 'months_owed'
               ELSE 'months_unpaid' END) ELSE '[]'::jsonb END) m
         WHERE form_id IN ('wage_arrears', 'social_insurance') AND m IS NOT NULL
        UNION ALL
        SELECT 'months_listed', 1, jsonb_array_length(a->'months_unpaid')
         WHERE form_id = 'social_insurance' AND jsonb_typeof(a->'months_unpaid') = 'array'
        UNION ALL
        SELECT x.field, 1, (a->>x.field)::numeric FROM (VALUES ('injured'), ('dead')) x (field)
         WHERE form_id = 'safety' AND a->>'kind' = 'accident' AND jsonb_typeof(a->x.field) = 'number'
        UNION ALL
        SELECT 'number:' || x.field, 1, (a->>x.field)::numeric
          FROM (VALUES ('bargaining_survey', 'wage_rise'), ('bargaining_survey', 'meal_value_wanted'),
                       ('meal', 'meal_value')) x (form, field)
         WHERE x.form = form_id AND jsonb_typeof(a->x.field) = 'number'
        UNION ALL
        SELECT 'ranking:' || (a->'priorities')::text, 1, 0
         WHERE form_id = 'bargaining_survey' AND jsonb_typeof(a->'priorities') = 'array'
    ) f WHERE status <> 'spam'
$$;

-- The answers submission_facts() reads, and nothing else: the keys it names, as they are.
CREATE FUNCTION submission_fact_answers(a jsonb) RETURNS jsonb LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(jsonb_object_agg(e.key, e.value), '{}'::jsonb) FROM jsonb_each(a) e
     WHERE e.key IN ('coworkers', 'category', 'kind', 'quality', 'amount', 'amount_basis', 'deducted', 'months_owed',
                     'months_unpaid', 'injured', 'dead', 'wage_rise', 'meal_value_wanted', 'meal_value', 'priorities')
$$;

-- The triggers append; they compute no facts, so an insert costs one more small heap insert. An update
-- that changes nothing the facts read (assignee, notes' timestamps, a move between two non-spam states)
-- appends nothing. SECURITY DEFINER: the app's and officers' roles may not write these tables themselves.
CREATE FUNCTION submission_fact_log_row() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = public AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        INSERT INTO submission_fact_log VALUES (OLD.workplace_id, (OLD.received_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date,
            OLD.form_id, OLD.channel, OLD.status, OLD.urgent, submission_fact_answers(OLD.answers), -1);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        INSERT INTO submission_fact_log VALUES (NEW.workplace_id, (NEW.received_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date,
            NEW.form_id, NEW.channel, NEW.status, NEW.urgent, submission_fact_answers(NEW.answers), 1);
    END IF;
    RETURN NULL;
END $$;
REVOKE ALL ON FUNCTION submission_fact_log_row() FROM PUBLIC;
CREATE TRIGGER submission_fact_ins AFTER INSERT ON submission
    FOR EACH ROW EXECUTE FUNCTION submission_fact_log_row();
CREATE TRIGGER submission_fact_upd AFTER UPDATE ON submission FOR EACH ROW
    WHEN (OLD.workplace_id IS DISTINCT FROM NEW.workplace_id OR OLD.received_at IS DISTINCT FROM NEW.received_at
          OR OLD.form_id IS DISTINCT FROM NEW.form_id OR OLD.channel IS DISTINCT FROM NEW.channel
          OR (OLD.status = 'spam') IS DISTINCT FROM (NEW.status = 'spam') OR OLD.urgent IS DISTINCT FROM NEW.urgent
          OR OLD.answers IS DISTINCT FROM NEW.answers)
    EXECUTE FUNCTION submission_fact_log_row();
CREATE TRIGGER submission_fact_del AFTER DELETE ON submission
    FOR EACH ROW EXECUTE FUNCTION submission_fact_log_row();

CREATE FUNCTION submission_fact_truncate() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = public AS $$
BEGIN
    TRUNCATE submission_fact, submission_fact_log;
    RETURN NULL;
END $$;
REVOKE ALL ON FUNCTION submission_fact_truncate() FROM PUBLIC;
CREATE TRIGGER submission_fact_trunc AFTER TRUNCATE ON submission
    FOR EACH STATEMENT EXECUTE FUNCTION submission_fact_truncate();

-- Folds the log into the sums: the rows this transaction sees leave the log and their facts are added,
-- in one statement, so any snapshot sees each report's state exactly once (in the log or in the sums).
-- One folder at a time; a caller that finds another at work goes on without waiting (the view below
-- still adds what is left in the log). Returns the log rows folded. The console pages call it before
-- reading; after a bulk load, call it once (SELECT submission_fact_compact()) rather than on a page view.
CREATE FUNCTION submission_fact_compact() RETURNS bigint LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = public AS $$
DECLARE
    folded bigint;
BEGIN
    IF NOT pg_try_advisory_xact_lock(7405128) THEN
        RETURN 0;
    END IF;
    WITH gone AS (DELETE FROM submission_fact_log RETURNING *),
    added AS (
        INSERT INTO submission_fact AS t (workplace_id, day, form_id, channel, fact, n, v)
        SELECT g.workplace_id, g.day, g.form_id, g.channel, f.fact, sum(g.sign * f.n), sum(g.sign * f.v)
          FROM gone g CROSS JOIN LATERAL submission_facts(g.form_id, g.status, g.urgent, g.answers) f
         GROUP BY 1, 2, 3, 4, 5
            ON CONFLICT (workplace_id, day, form_id, channel, md5(fact))
            DO UPDATE SET n = t.n + excluded.n, v = t.v + excluded.v)
    SELECT count(*) INTO folded FROM gone;
    IF folded >= 1000 THEN   -- the planner should know the log is empty again, not wait for autovacuum
        ANALYZE submission_fact_log;
    END IF;
    RETURN folded;
END $$;
REVOKE ALL ON FUNCTION submission_fact_compact() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION submission_fact_compact() TO tiengnoi_officer;

-- submission_facts() for the view below: the SET clause keeps the planner from inlining it, which
-- cost 16 ms of planning for every page query; the log it reads is nearly empty anyway. ROWS 2 (a
-- report has 2 or 3 facts), not the default 1000: with a stale estimate of the log's size that default
-- made a plan of millions of rows, with parallel workers and JIT compilation, 200-350 ms to count nothing.
CREATE FUNCTION submission_facts_logged(form_id text, status text, urgent boolean, a jsonb)
    RETURNS TABLE (fact text, n bigint, v numeric) LANGUAGE sql IMMUTABLE PARALLEL SAFE ROWS 2
    SET search_path = public AS $$
    SELECT * FROM submission_facts(form_id, status, urgent, a)
$$;

-- What the pages read: the sums plus whatever is still in the log. security_invoker: the reader's
-- row-level security applies to both tables.
CREATE VIEW submission_fact_all WITH (security_invoker = true) AS
    SELECT workplace_id, day, form_id, channel, fact, n, v FROM submission_fact
    UNION ALL
    SELECT l.workplace_id, l.day, l.form_id, l.channel, f.fact, l.sign * f.n, l.sign * f.v
      FROM submission_fact_log l CROSS JOIN LATERAL submission_facts_logged(l.form_id, l.status, l.urgent, l.answers) f;

-- The reports already stored.
INSERT INTO submission_fact (workplace_id, day, form_id, channel, fact, n, v)
SELECT s.workplace_id, (s.received_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date, s.form_id, s.channel, f.fact,
       sum(f.n), sum(f.v)
  FROM submission s CROSS JOIN LATERAL submission_facts(s.form_id, s.status, s.urgent, s.answers) f
 GROUP BY 1, 2, 3, 4, 5;
ANALYZE submission_fact;

-- Officers read the facts of their scope only, as they read reports.
ALTER TABLE submission_fact ENABLE ROW LEVEL SECURITY;
ALTER TABLE submission_fact_log ENABLE ROW LEVEL SECURITY;
GRANT SELECT ON submission_fact, submission_fact_log, submission_fact_all TO tiengnoi_officer;
CREATE POLICY scope ON submission_fact TO tiengnoi_officer USING (workplace_id IN (SELECT scope_workplaces()));
CREATE POLICY scope ON submission_fact_log TO tiengnoi_officer USING (workplace_id IN (SELECT scope_workplaces()));
