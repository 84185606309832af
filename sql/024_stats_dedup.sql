-- 024_stats_dedup.sql: the statistics' daily facts keep the unit a report was filed under and what per-enterprise counting needs (largest group, distinct months, largest amount, one accident per date).
-- Before this, five workers reporting one 500 million đồng debt of a 51-100 group counted 2.5 billion and
-- 255 workers, and a report counted under its workplace's current unit, so re-parenting changed past periods.
-- Now each fact also carries submission.unit_id (the unit at arrival) and four more kinds of fact (below);
-- the statistics take per enterprise the largest tier, the distinct months and the largest total amount,
-- the way case_totals() does for a case. The sums stay exact (same log-and-fold scheme as 019).

TRUNCATE submission_fact, submission_fact_log;
DROP VIEW submission_fact_all;
DROP INDEX submission_fact_key;
ALTER TABLE submission_fact ADD COLUMN unit_id bigint NOT NULL;
ALTER TABLE submission_fact_log ADD COLUMN unit_id bigint NOT NULL;
CREATE UNIQUE INDEX submission_fact_key ON submission_fact (workplace_id, day, form_id, channel, unit_id, md5(fact));

-- What one report adds to the figures, as (fact, n, v); nothing for spam. The facts of 019, plus:
--   status:STATUS        every report, once, with its current status (reports answered, resolved, referred)
--   tier:N               a wage or social-insurance report naming its coworkers tier: N its lower bound
--                        (1, 11, 51, 101, 301); the enterprise's workers are the largest N (at least its reports)
--   total:AMOUNT         a wage or social-insurance report whose numeric `amount` is a total
--                        (`amount_basis` = total): the enterprise's amount is the largest one, not their sum
--   accident:D:I:K:S     a safety report of kind accident: D the day it happened (`when`, else ''), I people
--                        injured, K killed, S seriously injured (`seriously_injured`, when the form asks it);
--                        one accident per workplace and day, its largest figures
CREATE OR REPLACE FUNCTION submission_facts(form_id text, status text, urgent boolean, a jsonb)
    RETURNS TABLE (fact text, n bigint, v numeric) LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT f.fact, f.n, f.v FROM (
        SELECT 'reports' AS fact, 1::bigint AS n, (CASE WHEN form_id = 'bargaining_survey' THEN 0
            WHEN form_id IN ('wage_arrears', 'social_insurance') THEN CASE a->>'coworkers' WHEN 't1_10' THEN 1
            WHEN 't11_50' THEN 11 WHEN 't51_100' THEN 51 WHEN 't101_300' THEN 101 WHEN 't301_plus' THEN 301 ELSE 1 END
            ELSE 1 END)::numeric AS v
        UNION ALL
        SELECT 'status:' || status, 1, 0
        UNION ALL
        SELECT 'select:' || coalesce(a->>x.field, ''), 1, CASE WHEN urgent THEN 1 ELSE 0 END
          FROM (VALUES ('concern', 'category'), ('safety', 'kind'), ('meal', 'quality')) x (form, field)
         WHERE x.form = form_id
        UNION ALL
        SELECT CASE WHEN a->>'amount_basis' = 'total' THEN 'amount:total' ELSE 'amount:other' END, 1,
               (a->>'amount')::numeric
         WHERE form_id IN ('wage_arrears', 'social_insurance') AND jsonb_typeof(a->'amount') = 'number'
        UNION ALL
        SELECT 'total:' || (a->>'amount')::numeric::text, 1, (a->>'amount')::numeric
         WHERE form_id IN ('wage_arrears', 'social_insurance') AND jsonb_typeof(a->'amount') = 'number'
           AND a->>'amount_basis' = 'total' AND (a->>'amount')::numeric >= 0
        UNION ALL
        SELECT 'tier:' || t.lo, 1, t.lo
          FROM (SELECT CASE a->>'coworkers' WHEN 't1_10' THEN 1 WHEN 't11_50' THEN 11 WHEN 't51_100' THEN 51
                       WHEN 't101_300' THEN 101 WHEN 't301_plus' THEN 301 END AS lo) t
         WHERE form_id IN ('wage_arrears', 'social_insurance') AND t.lo IS NOT NULL
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
        SELECT 'accident:' || CASE WHEN a->>'when' ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' THEN a->>'when' ELSE '' END
               || ':' || x.i || ':' || x.k || ':' || x.s, 1, 0
          FROM (SELECT CASE WHEN jsonb_typeof(a->'injured') = 'number' THEN greatest(floor((a->>'injured')::numeric), 0) ELSE 0 END AS i,
                       CASE WHEN jsonb_typeof(a->'dead') = 'number' THEN greatest(floor((a->>'dead')::numeric), 0) ELSE 0 END AS k,
                       CASE WHEN jsonb_typeof(a->'seriously_injured') = 'number'
                            THEN greatest(floor((a->>'seriously_injured')::numeric), 0)
                            -- the safety form's `severity` (sql/026): a serious accident's injured are seriously injured
                            WHEN a->>'severity' = 'serious' AND jsonb_typeof(a->'injured') = 'number'
                            THEN greatest(floor((a->>'injured')::numeric), 0) ELSE 0 END AS s) x
         WHERE form_id = 'safety' AND a->>'kind' = 'accident'
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

-- The answers submission_facts() reads, and nothing else (019's keys, plus when, seriously_injured and severity).
CREATE OR REPLACE FUNCTION submission_fact_answers(a jsonb) RETURNS jsonb LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(jsonb_object_agg(e.key, e.value), '{}'::jsonb) FROM jsonb_each(a) e
     WHERE e.key IN ('coworkers', 'category', 'kind', 'quality', 'amount', 'amount_basis', 'deducted', 'months_owed',
                     'months_unpaid', 'injured', 'dead', 'seriously_injured', 'severity', 'when', 'wage_rise',
                     'meal_value_wanted', 'meal_value', 'priorities')
$$;

CREATE OR REPLACE FUNCTION submission_fact_log_row() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = public AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        INSERT INTO submission_fact_log (workplace_id, day, form_id, channel, status, urgent, answers, sign, unit_id)
        VALUES (OLD.workplace_id, (OLD.received_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date, OLD.form_id, OLD.channel,
                OLD.status, OLD.urgent, submission_fact_answers(OLD.answers), -1, OLD.unit_id);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        INSERT INTO submission_fact_log (workplace_id, day, form_id, channel, status, urgent, answers, sign, unit_id)
        VALUES (NEW.workplace_id, (NEW.received_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date, NEW.form_id, NEW.channel,
                NEW.status, NEW.urgent, submission_fact_answers(NEW.answers), 1, NEW.unit_id);
    END IF;
    RETURN NULL;
END $$;
-- every status change now moves a figure (reports answered, resolved, referred)
DROP TRIGGER submission_fact_upd ON submission;
CREATE TRIGGER submission_fact_upd AFTER UPDATE ON submission FOR EACH ROW
    WHEN (OLD.workplace_id IS DISTINCT FROM NEW.workplace_id OR OLD.unit_id IS DISTINCT FROM NEW.unit_id
          OR OLD.received_at IS DISTINCT FROM NEW.received_at
          OR OLD.form_id IS DISTINCT FROM NEW.form_id OR OLD.channel IS DISTINCT FROM NEW.channel
          OR OLD.status IS DISTINCT FROM NEW.status OR OLD.urgent IS DISTINCT FROM NEW.urgent
          OR OLD.answers IS DISTINCT FROM NEW.answers)
    EXECUTE FUNCTION submission_fact_log_row();

CREATE OR REPLACE FUNCTION submission_fact_compact() RETURNS bigint LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = public AS $$
DECLARE
    folded bigint;
BEGIN
    IF NOT pg_try_advisory_xact_lock(7405128) THEN
        RETURN 0;
    END IF;
    WITH gone AS (DELETE FROM submission_fact_log RETURNING *),
    added AS (
        INSERT INTO submission_fact AS t (unit_id, workplace_id, day, form_id, channel, fact, n, v)
        SELECT g.unit_id, g.workplace_id, g.day, g.form_id, g.channel, f.fact, sum(g.sign * f.n), sum(g.sign * f.v)
          FROM gone g CROSS JOIN LATERAL submission_facts(g.form_id, g.status, g.urgent, g.answers) f
         GROUP BY 1, 2, 3, 4, 5, 6
            ON CONFLICT (workplace_id, day, form_id, channel, unit_id, md5(fact))
            DO UPDATE SET n = t.n + excluded.n, v = t.v + excluded.v)
    SELECT count(*) INTO folded FROM gone;
    IF folded >= 1000 THEN
        ANALYZE submission_fact_log;
    END IF;
    RETURN folded;
END $$;

CREATE VIEW submission_fact_all WITH (security_invoker = true) AS
    SELECT unit_id, workplace_id, day, form_id, channel, fact, n, v FROM submission_fact
    UNION ALL
    SELECT l.unit_id, l.workplace_id, l.day, l.form_id, l.channel, f.fact, l.sign * f.n, l.sign * f.v
      FROM submission_fact_log l CROSS JOIN LATERAL submission_facts_logged(l.form_id, l.status, l.urgent, l.answers) f;
GRANT SELECT ON submission_fact_all TO tiengnoi_officer;

-- The reports already stored, again with their new facts.
INSERT INTO submission_fact (unit_id, workplace_id, day, form_id, channel, fact, n, v)
SELECT s.unit_id, s.workplace_id, (s.received_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date, s.form_id, s.channel, f.fact,
       sum(f.n), sum(f.v)
  FROM submission s CROSS JOIN LATERAL submission_facts(s.form_id, s.status, s.urgent, s.answers) f
 GROUP BY 1, 2, 3, 4, 5, 6;
ANALYZE submission_fact;
