-- 041_stoppages.sql: collective work stoppages an officer records (date, workers involved, demands, outcome, union-led or not), scoped by row-level security; the stoppages.* statistics indicators.

-- One collective work stoppage at a workplace. A strike in law is a stoppage led by the workers'
-- representative organisation (Bộ luật Lao động 2019, Điều 198); most stoppages are not, so
-- `union_led` says which. No worker names: only how many took part. `ended_on` is NULL while it
-- goes on (the console lists those first, as urgent).
CREATE TABLE work_stoppage (
    id         bigserial PRIMARY KEY,
    workplace_id bigint NOT NULL REFERENCES workplace (id),
    started_on date NOT NULL CHECK (started_on BETWEEN '2000-01-01' AND '2099-12-31'),
    ended_on   date CHECK (ended_on BETWEEN '2000-01-01' AND '2099-12-31'),
    workers    integer NOT NULL CHECK (workers BETWEEN 1 AND 1000000),
    demands    text NOT NULL CHECK (length(btrim(demands)) BETWEEN 1 AND 4000),
    outcome    text NOT NULL CHECK (outcome IN ('ongoing', 'met', 'partly_met', 'not_met', 'other')),
    union_led  boolean NOT NULL,
    officer_id bigint REFERENCES officer (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    CHECK (ended_on IS NULL OR ended_on >= started_on),
    CHECK ((outcome = 'ongoing') = (ended_on IS NULL))
);
CREATE INDEX work_stoppage_workplace_idx ON work_stoppage (workplace_id, started_on DESC);

GRANT SELECT, INSERT ON work_stoppage TO tiengnoi_officer;
GRANT USAGE ON SEQUENCE work_stoppage_id_seq TO tiengnoi_officer;
ALTER TABLE work_stoppage ENABLE ROW LEVEL SECURITY;
CREATE POLICY scope ON work_stoppage TO tiengnoi_officer
    USING (workplace_id IN (SELECT scope_workplaces())) WITH CHECK (workplace_id IN (SELECT scope_workplaces()));
CREATE POLICY role_insert ON work_stoppage AS RESTRICTIVE FOR INSERT TO tiengnoi_officer
    WITH CHECK (console_role() IN ('officer', 'admin') AND officer_id = console_officer());

-- The statistics rows of source `stoppages` (fcgi/indicator.c): the stoppages that began in the
-- period at workplaces under both paths, in the bucket of `unit_path`'s child they are under.
CREATE FUNCTION stoppage_facts(scope_path text, unit_path text, from_day date, to_day date)
    RETURNS TABLE (bucket text, ownership text, union_led text, outcome text, workers integer, workplace text)
    LANGUAGE sql STABLE AS $$
    SELECT split_part(substr(u.path, length(unit_path) + 1), '/', 1), coalesce(w.ownership, ''),
           CASE WHEN s.union_led THEN 'yes' ELSE 'no' END, s.outcome, s.workers, w.id::text
    FROM work_stoppage s JOIN workplace w ON w.id = s.workplace_id JOIN org_unit u ON u.id = w.unit_id
    WHERE u.path LIKE scope_path || '%' AND u.path LIKE unit_path || '%' AND s.started_on BETWEEN from_day AND to_day
$$;
GRANT EXECUTE ON FUNCTION stoppage_facts(text, text, date, date) TO tiengnoi_officer;

INSERT INTO stats_indicator (code, position, label_vi, label_en, rule, verified_rule, money, source) VALUES
('stoppages.count', 120, 'Số cuộc ngừng việc tập thể', 'Collective work stoppages',
 'count(stoppages)', NULL, false, 'Bộ luật Lao động 2019, Điều 198 (đình công); CV 18/LĐLĐ (25/10/2023), mục I'),
('stoppages.workers', 121, '— số người lao động tham gia', '— workers involved',
 'sum(stoppages.workers)', NULL, false, 'Bộ luật Lao động 2019, Điều 198; CV 18/LĐLĐ (25/10/2023), mục I'),
('stoppages.union_led', 122, '— do công đoàn lãnh đạo (đình công)', '— led by the union (strikes)',
 'count(stoppages where union_led = yes)', NULL, false, 'Bộ luật Lao động 2019, Điều 198');
