-- 042_rounds.sql: dialogue and bargaining rounds per workplace (the brief they used frozen, participants by role, minutes), the employer's commitments and their follow-up, the reports a round took up; scoped by row-level security; the dialogues.*, bargaining.*, commitments.* indicators.

-- One round at a workplace: a periodic dialogue (Bộ luật Lao động 2019, Điều 63 khoản 2 điểm a;
-- Nghị định 145/2020/NĐ-CP, Điều 39), a dialogue on request (Điều 63 khoản 2 điểm b; Nghị định
-- 145/2020, Điều 40) or a bargaining round (Bộ luật Lao động 2019, Điều 65-72). Planned, held, or
-- both. Participants by role only, as counts: no names. The brief it used is a FROZEN copy (the
-- brief's text as rendered when the round began, with its period and k), so later reports never
-- change what the round saw; a trigger refuses any change to it. Minutes as text and optionally a
-- PDF kept byte-exact, as agreements and case documents are (all four file columns set or none).
CREATE TABLE workplace_round (
    id            bigserial PRIMARY KEY,
    workplace_id  bigint NOT NULL REFERENCES workplace (id),
    kind          text NOT NULL CHECK (kind IN ('periodic', 'request', 'bargaining')),
    planned_on    date CHECK (planned_on BETWEEN '2000-01-01' AND '2099-12-31'),
    held_on       date CHECK (held_on BETWEEN '2000-01-01' AND '2099-12-31'),
    employer_reps integer NOT NULL DEFAULT 0 CHECK (employer_reps BETWEEN 0 AND 1000),
    union_reps    integer NOT NULL DEFAULT 0 CHECK (union_reps BETWEEN 0 AND 1000),
    worker_reps   integer NOT NULL DEFAULT 0 CHECK (worker_reps BETWEEN 0 AND 1000),
    minutes       text NOT NULL DEFAULT '' CHECK (length(minutes) <= 20000),
    brief_from    date,
    brief_to      date,
    brief_k       integer CHECK (brief_k BETWEEN 3 AND 20),
    brief_text    text CHECK (length(brief_text) <= 200000),
    brief_made_at timestamptz,
    filename      text CHECK (length(filename) BETWEEN 1 AND 200 AND filename !~ '[/\\[:cntrl:]]'),
    size          integer CHECK (size BETWEEN 1 AND 10485760),
    sha256        bytea CHECK (length(sha256) = 32),
    data          bytea CHECK (length(data) = size AND substr(data, 1, 5) = '\x255044462d'::bytea),   -- "%PDF-"
    officer_id    bigint REFERENCES officer (id),
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    CHECK (planned_on IS NOT NULL OR held_on IS NOT NULL),
    CHECK (num_nonnulls(brief_from, brief_to, brief_k, brief_text, brief_made_at) IN (0, 5)),
    CHECK (brief_from <= brief_to),
    CHECK (num_nonnulls(filename, size, sha256, data) IN (0, 4))
);
CREATE INDEX workplace_round_workplace_idx ON workplace_round (workplace_id, coalesce(held_on, planned_on) DESC);
CREATE INDEX workplace_round_held_idx ON workplace_round (held_on);

-- What the employer agreed to at a held round, and whether it was kept. `owner` says who carries it
-- out: the employer side, the union, a named department; never a worker's name. `done_on` is the
-- day it was found done or broken (NULL while pending). The due day and done day are never before
-- the round was held (checked by the trigger below, across the two tables). Evidence as text and
-- optionally a PDF, kept as the minutes are.
CREATE TABLE round_commitment (
    id         bigserial PRIMARY KEY,
    round_id   bigint NOT NULL REFERENCES workplace_round (id),
    text       text NOT NULL CHECK (length(btrim(text)) BETWEEN 1 AND 2000),
    due_on     date NOT NULL CHECK (due_on BETWEEN '2000-01-01' AND '2099-12-31'),
    owner      text NOT NULL CHECK (length(btrim(owner)) BETWEEN 1 AND 200),
    status     text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done', 'broken')),
    done_on    date CHECK (done_on BETWEEN '2000-01-01' AND '2099-12-31'),
    evidence   text NOT NULL DEFAULT '' CHECK (length(evidence) <= 4000),
    filename   text CHECK (length(filename) BETWEEN 1 AND 200 AND filename !~ '[/\\[:cntrl:]]'),
    size       integer CHECK (size BETWEEN 1 AND 10485760),
    sha256     bytea CHECK (length(sha256) = 32),
    data       bytea CHECK (length(data) = size AND substr(data, 1, 5) = '\x255044462d'::bytea),
    officer_id bigint REFERENCES officer (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CHECK ((status = 'pending') = (done_on IS NULL)),
    CHECK (num_nonnulls(filename, size, sha256, data) IN (0, 4))
);
CREATE INDEX round_commitment_round_idx ON round_commitment (round_id);
CREATE INDEX round_commitment_pending_idx ON round_commitment (due_on) WHERE status = 'pending';

-- A worker's report that a round took up (the worker's receipt page may say so). Linked by an
-- officer from the round page; both the round and the report in the officer's scope.
CREATE TABLE round_submission (
    round_id      bigint NOT NULL REFERENCES workplace_round (id),
    submission_id bigint NOT NULL REFERENCES submission (id),
    officer_id    bigint REFERENCES officer (id),
    created_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (round_id, submission_id)
);
CREATE INDEX round_submission_submission_idx ON round_submission (submission_id);

-- The frozen brief never changes once stored; a commitment belongs to a held round and is due,
-- and settled, no earlier than the day it was held; updated_at follows every change.
CREATE FUNCTION workplace_round_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.brief_text IS NOT NULL AND (NEW.brief_text IS DISTINCT FROM OLD.brief_text
       OR NEW.brief_from IS DISTINCT FROM OLD.brief_from OR NEW.brief_to IS DISTINCT FROM OLD.brief_to
       OR NEW.brief_k IS DISTINCT FROM OLD.brief_k OR NEW.brief_made_at IS DISTINCT FROM OLD.brief_made_at) THEN
        RAISE EXCEPTION 'a round''s frozen brief does not change' USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.workplace_id <> OLD.workplace_id THEN
        RAISE EXCEPTION 'a round stays at its workplace' USING ERRCODE = 'check_violation';
    END IF;
    IF EXISTS (SELECT 1 FROM round_commitment c WHERE c.round_id = NEW.id
               AND (NEW.held_on IS NULL OR c.due_on < NEW.held_on OR c.done_on < NEW.held_on)) THEN
        RAISE EXCEPTION 'the round has commitments dated before that day' USING ERRCODE = 'check_violation';
    END IF;
    NEW.updated_at := now();
    RETURN NEW;
END $$;
CREATE TRIGGER workplace_round_guard BEFORE UPDATE ON workplace_round FOR EACH ROW EXECUTE FUNCTION workplace_round_guard();

CREATE FUNCTION round_commitment_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE held date;
BEGIN
    SELECT r.held_on INTO held FROM workplace_round r WHERE r.id = NEW.round_id;
    IF held IS NULL THEN
        RAISE EXCEPTION 'commitments are made at a round that was held' USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.due_on < held OR NEW.done_on < held THEN
        RAISE EXCEPTION 'a commitment is not due or settled before its round' USING ERRCODE = 'check_violation';
    END IF;
    IF TG_OP = 'UPDATE' THEN
        IF NEW.round_id <> OLD.round_id THEN
            RAISE EXCEPTION 'a commitment stays with its round' USING ERRCODE = 'check_violation';
        END IF;
        NEW.updated_at := now();
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER round_commitment_guard BEFORE INSERT OR UPDATE ON round_commitment
    FOR EACH ROW EXECUTE FUNCTION round_commitment_guard();

-- Scope as for agreements and stoppages (sql/040, sql/041): a round is seen through its workplace,
-- a commitment and a link through their round; officers and admins write, as themselves.
CREATE FUNCTION scope_rounds() RETURNS SETOF bigint LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path = public AS $$
    SELECT r.id FROM workplace_round r WHERE r.workplace_id IN (SELECT scope_workplaces())
$$;
REVOKE ALL ON FUNCTION scope_rounds() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION scope_rounds() TO tiengnoi_officer;

GRANT SELECT, INSERT, UPDATE ON workplace_round, round_commitment TO tiengnoi_officer;
GRANT SELECT, INSERT, DELETE ON round_submission TO tiengnoi_officer;
GRANT USAGE ON SEQUENCE workplace_round_id_seq, round_commitment_id_seq TO tiengnoi_officer;
ALTER TABLE workplace_round ENABLE ROW LEVEL SECURITY;
ALTER TABLE round_commitment ENABLE ROW LEVEL SECURITY;
ALTER TABLE round_submission ENABLE ROW LEVEL SECURITY;
CREATE POLICY scope ON workplace_round TO tiengnoi_officer
    USING (workplace_id IN (SELECT scope_workplaces())) WITH CHECK (workplace_id IN (SELECT scope_workplaces()));
CREATE POLICY role_insert ON workplace_round AS RESTRICTIVE FOR INSERT TO tiengnoi_officer
    WITH CHECK (console_role() IN ('officer', 'admin') AND officer_id = console_officer());
CREATE POLICY role_update ON workplace_round AS RESTRICTIVE FOR UPDATE TO tiengnoi_officer
    USING (console_role() IN ('officer', 'admin'));
CREATE POLICY scope ON round_commitment TO tiengnoi_officer
    USING (round_id IN (SELECT scope_rounds())) WITH CHECK (round_id IN (SELECT scope_rounds()));
CREATE POLICY role_insert ON round_commitment AS RESTRICTIVE FOR INSERT TO tiengnoi_officer
    WITH CHECK (console_role() IN ('officer', 'admin') AND officer_id = console_officer());
CREATE POLICY role_update ON round_commitment AS RESTRICTIVE FOR UPDATE TO tiengnoi_officer
    USING (console_role() IN ('officer', 'admin'));
CREATE POLICY scope ON round_submission TO tiengnoi_officer
    USING (round_id IN (SELECT scope_rounds()))
    WITH CHECK (round_id IN (SELECT scope_rounds()) AND submission_id IN
                (SELECT s.id FROM submission s WHERE s.workplace_id IN (SELECT scope_workplaces())));
CREATE POLICY role_insert ON round_submission AS RESTRICTIVE FOR INSERT TO tiengnoi_officer
    WITH CHECK (console_role() IN ('officer', 'admin') AND officer_id = console_officer());
CREATE POLICY role_delete ON round_submission AS RESTRICTIVE FOR DELETE TO tiengnoi_officer
    USING (console_role() IN ('officer', 'admin'));

-- The worker side (tiengnoi_app, outside any officer's scope) reads the rounds that took up a
-- report it shows by receipt, and their commitments: the receipt page says the loop closed.
GRANT SELECT ON workplace_round, round_commitment, round_submission TO tiengnoi_app;
CREATE POLICY app_read ON workplace_round FOR SELECT TO tiengnoi_app USING (true);
CREATE POLICY app_read ON round_commitment FOR SELECT TO tiengnoi_app USING (true);
CREATE POLICY app_read ON round_submission FOR SELECT TO tiengnoi_app USING (true);

-- The statistics rows of source `rounds` (fcgi/indicator.c): the rounds held in the period at
-- workplaces under both paths, in the bucket of `unit_path`'s child they are under (their current
-- unit), with their kind.
CREATE FUNCTION round_facts(scope_path text, unit_path text, from_day date, to_day date)
    RETURNS TABLE (bucket text, ownership text, kind text, workplace text)
    LANGUAGE sql STABLE AS $$
    SELECT split_part(substr(u.path, length(unit_path) + 1), '/', 1), coalesce(w.ownership, ''), r.kind, w.id::text
    FROM workplace_round r JOIN workplace w ON w.id = r.workplace_id JOIN org_unit u ON u.id = w.unit_id
    WHERE u.path LIKE scope_path || '%' AND u.path LIKE unit_path || '%' AND r.held_on BETWEEN from_day AND to_day
$$;
GRANT EXECUTE ON FUNCTION round_facts(text, text, date, date) TO tiengnoi_officer;

-- The statistics rows of source `commitments`: those made at rounds held in the period, with
-- their status as of the period's last day (done or broken only when settled by then) and kept
-- (yes: done on or before the day it was due, and by the period's end).
CREATE FUNCTION commitment_facts(scope_path text, unit_path text, from_day date, to_day date)
    RETURNS TABLE (bucket text, ownership text, status text, kept text, kind text, workplace text)
    LANGUAGE sql STABLE AS $$
    SELECT split_part(substr(u.path, length(unit_path) + 1), '/', 1), coalesce(w.ownership, ''),
           CASE WHEN c.done_on <= to_day THEN c.status ELSE 'pending' END,
           CASE WHEN c.status = 'done' AND c.done_on <= c.due_on AND c.done_on <= to_day THEN 'yes' ELSE 'no' END,
           r.kind, w.id::text
    FROM round_commitment c JOIN workplace_round r ON r.id = c.round_id
    JOIN workplace w ON w.id = r.workplace_id JOIN org_unit u ON u.id = w.unit_id
    WHERE u.path LIKE scope_path || '%' AND u.path LIKE unit_path || '%' AND r.held_on BETWEEN from_day AND to_day
$$;
GRANT EXECUTE ON FUNCTION commitment_facts(text, text, date, date) TO tiengnoi_officer;

INSERT INTO stats_indicator (code, position, label_vi, label_en, rule, verified_rule, money, source) VALUES
('dialogues.held', 130, 'Số cuộc đối thoại tại nơi làm việc đã tổ chức', 'Workplace dialogues held',
 'count(rounds where kind != bargaining)', NULL, false,
 'Bộ luật Lao động 2019, Điều 63 khoản 2; Nghị định 145/2020/NĐ-CP, Điều 39 (định kỳ, ít nhất mỗi năm một lần), Điều 40 (khi có yêu cầu)'),
('bargaining.rounds', 131, 'Số phiên thương lượng tập thể', 'Collective bargaining rounds',
 'count(rounds where kind = bargaining)', NULL, false, 'Bộ luật Lao động 2019, Điều 65-70'),
('commitments.made', 132, 'Số cam kết của người sử dụng lao động tại đối thoại, thương lượng', 'Commitments the employer made in dialogue and bargaining',
 'count(commitments)', NULL, false,
 'Nghị định 145/2020/NĐ-CP, Điều 39 (biên bản đối thoại, nội dung đã thống nhất) [khoản unverified]; Bộ luật Lao động 2019, Điều 70'),
('commitments.kept_on_time', 133, '— cam kết đã thực hiện đúng hạn', '— commitments kept on time',
 'count(commitments where kept = yes)', NULL, false,
 'Nghị định 145/2020/NĐ-CP, Điều 39 (biên bản đối thoại, nội dung đã thống nhất) [khoản unverified]'),
('commitments.kept_pct', 134, '— tỷ lệ cam kết thực hiện đúng hạn (%)', '— share kept on time (%)',
 'percent(commitments where kept = yes)', NULL, false,
 'Nghị định 145/2020/NĐ-CP, Điều 39 (biên bản đối thoại, nội dung đã thống nhất) [khoản unverified]');
