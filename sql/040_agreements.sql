-- 040_agreements.sql: the register of collective labour agreements (TƯLĐTT) per workplace: dates, rating, the signed PDF, history; scoped by row-level security; the agreements.* statistics indicators.

-- One agreement of a workplace. A new agreement is a new row; the older rows are its history (a
-- workplace's current agreement is its newest by effective date). The dates are in the order the
-- law gives them: signed, then in force (Bộ luật Lao động 2019, Điều 78 khoản 1: from the date
-- the agreement states, else the signing date), then expired. `rating` is the union's A-D grading
-- of the agreement's quality, NULL when not graded. The signed document is a PDF kept byte-exact,
-- as case documents are (sql/009 case_attachment): name, size, sha256 and bytes all set or all NULL.
CREATE TABLE collective_agreement (
    id           bigserial PRIMARY KEY,
    workplace_id bigint NOT NULL REFERENCES workplace (id),
    signed_on    date NOT NULL CHECK (signed_on BETWEEN '2000-01-01' AND '2099-12-31'),
    effective_on date NOT NULL CHECK (effective_on BETWEEN '2000-01-01' AND '2099-12-31'),
    expires_on   date NOT NULL CHECK (expires_on BETWEEN '2000-01-01' AND '2099-12-31'),
    rating       text CHECK (rating IN ('A', 'B', 'C', 'D')),
    filename     text CHECK (length(filename) BETWEEN 1 AND 200 AND filename !~ '[/\\[:cntrl:]]'),
    size         integer CHECK (size BETWEEN 1 AND 10485760),
    sha256       bytea CHECK (length(sha256) = 32),
    data         bytea CHECK (length(data) = size AND substr(data, 1, 5) = '\x255044462d'::bytea),   -- "%PDF-"
    officer_id   bigint REFERENCES officer (id),
    created_at   timestamptz NOT NULL DEFAULT now(),
    CHECK (signed_on <= effective_on AND effective_on < expires_on),
    CHECK (num_nonnulls(filename, size, sha256, data) IN (0, 4))
);
CREATE INDEX collective_agreement_workplace_idx ON collective_agreement (workplace_id, effective_on DESC, id DESC);

GRANT SELECT, INSERT ON collective_agreement TO tiengnoi_officer;
GRANT USAGE ON SEQUENCE collective_agreement_id_seq TO tiengnoi_officer;
ALTER TABLE collective_agreement ENABLE ROW LEVEL SECURITY;
CREATE POLICY scope ON collective_agreement TO tiengnoi_officer
    USING (workplace_id IN (SELECT scope_workplaces())) WITH CHECK (workplace_id IN (SELECT scope_workplaces()));
CREATE POLICY role_insert ON collective_agreement AS RESTRICTIVE FOR INSERT TO tiengnoi_officer
    WITH CHECK (console_role() IN ('officer', 'admin') AND officer_id = console_officer());

-- How many days before expiry the register warns: the legal_deadline row agreement_renewal
-- (sql/022: Bộ luật Lao động 2019, Điều 81, 90 days), so an admin corrects it in one place.
CREATE FUNCTION agreement_warn_days() RETURNS integer LANGUAGE sql STABLE AS $$
    SELECT coalesce((SELECT days FROM legal_deadline WHERE code = 'agreement_renewal'), 90)
$$;
GRANT EXECUTE ON FUNCTION agreement_warn_days() TO tiengnoi_officer;

-- Each workplace's current agreement (its newest by effective date), with the days left to its
-- expiry (Vietnam's today; negative once expired) and its workplace's unit path for scope tests.
-- security_invoker: the officer's row-level security applies through the view.
CREATE VIEW agreement_current WITH (security_invoker = true) AS
    SELECT DISTINCT ON (c.workplace_id) c.id, c.workplace_id, w.code AS workplace_code, w.name AS workplace_name,
           u.path AS unit_path, c.signed_on, c.effective_on, c.expires_on, c.rating,
           c.expires_on - (now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date AS days_left
    FROM collective_agreement c JOIN workplace w ON w.id = c.workplace_id JOIN org_unit u ON u.id = w.unit_id
    ORDER BY c.workplace_id, c.effective_on DESC, c.id DESC;
GRANT SELECT ON agreement_current TO tiengnoi_officer;

-- The statistics rows of source `agreements` (fcgi/stats.c, fcgi/indicator.c): every workplace of
-- the units under both paths, in the bucket of the child of `unit_path` it is under (its current
-- unit), with the newest agreement in force on `on_day`: valid yes/no, grade A=4 .. D=1 (0
-- ungraded or none), days_left to its expiry (-1 none). Security invoker: scope still applies.
CREATE FUNCTION agreement_facts(scope_path text, unit_path text, on_day date)
    RETURNS TABLE (bucket text, ownership text, valid text, grade integer, days_left integer, workplace text)
    LANGUAGE sql STABLE AS $$
    SELECT split_part(substr(u.path, length(unit_path) + 1), '/', 1), coalesce(w.ownership, ''),
           CASE WHEN g.id IS NULL THEN 'no' ELSE 'yes' END,
           CASE g.rating WHEN 'A' THEN 4 WHEN 'B' THEN 3 WHEN 'C' THEN 2 WHEN 'D' THEN 1 ELSE 0 END,
           coalesce(g.expires_on - on_day, -1), w.id::text
    FROM workplace w JOIN org_unit u ON u.id = w.unit_id
    LEFT JOIN LATERAL (SELECT c.id, c.rating, c.expires_on FROM collective_agreement c
                       WHERE c.workplace_id = w.id AND c.effective_on <= on_day AND c.expires_on >= on_day
                       ORDER BY c.effective_on DESC, c.id DESC LIMIT 1) g ON true
    WHERE u.path LIKE scope_path || '%' AND u.path LIKE unit_path || '%'
$$;
GRANT EXECUTE ON FUNCTION agreement_facts(text, text, date) TO tiengnoi_officer;

-- The indicators (source `agreements`, fcgi/indicator.c: one row per workplace, its agreement in
-- force on the period's last day: valid yes/no, grade A=4 .. D=1, 0 ungraded, days_left to expiry).
INSERT INTO stats_indicator (code, position, label_vi, label_en, rule, verified_rule, money, source) VALUES
('agreements.valid', 110, 'Doanh nghiệp có thỏa ước lao động tập thể còn hiệu lực', 'Enterprises with a collective agreement in force',
 'count(agreements where valid = yes)', NULL, false, 'Bộ luật Lao động 2019, Điều 75-78'),
('agreements.valid_pct', 111, '— tỷ lệ trên số doanh nghiệp (%)', '— share of the enterprises (%)',
 'percent(agreements where valid = yes)', NULL, false, 'Bộ luật Lao động 2019, Điều 75-78'),
('agreements.rated_b_or_better', 112, '— thỏa ước xếp loại B trở lên', '— agreements graded B or better',
 'count(agreements where valid = yes and grade >= 3)', NULL, false,
 'Bộ luật Lao động 2019, Điều 75; xếp loại A-D theo hướng dẫn của Tổng Liên đoàn [unverified]'),
('agreements.expiring_90d', 113, '— thỏa ước hết hạn trong 90 ngày tới', '— agreements expiring within 90 days',
 'count(agreements where valid = yes and days_left <= 90)', NULL, false, 'Bộ luật Lao động 2019, Điều 81');
