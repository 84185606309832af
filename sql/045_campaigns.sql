-- 045_campaigns.sql: survey campaigns: a survey form opened at one workplace for a period with its own QR code and a target number of answers; closing one freezes the answers it counted (and may hand them to a round); scoped by row-level security.

-- One campaign: the survey (a survey_form row) asked at a workplace from starts_on to ends_on
-- (Vietnam days), through its own QR code (entry_point, offering only the survey: its posters are
-- the QR code's posters). `target` is how many answers the union hopes for: the workplace's
-- headcount when known (the console suggests it), else what the officer types. Closing freezes
-- it: closed_at/closed_by, and the answers counted then in campaign_answer, so its results never
-- change afterwards (later answers, a report marked spam). `round_id`: the dialogue or bargaining
-- round (sql/042) whose brief takes these results, when one was chosen at closing.
CREATE TABLE survey_campaign (
    id             bigserial PRIMARY KEY,
    workplace_id   bigint NOT NULL REFERENCES workplace (id),
    form_id        text NOT NULL REFERENCES survey_form (form_id),
    starts_on      date NOT NULL CHECK (starts_on BETWEEN '2000-01-01' AND '2099-12-31'),
    ends_on        date NOT NULL CHECK (ends_on BETWEEN '2000-01-01' AND '2099-12-31'),
    target         integer NOT NULL CHECK (target BETWEEN 1 AND 1000000),
    entry_point_id bigint NOT NULL REFERENCES entry_point (id),
    officer_id     bigint REFERENCES officer (id),
    created_at     timestamptz NOT NULL DEFAULT now(),
    closed_at      timestamptz,
    closed_by      bigint REFERENCES officer (id),
    answers        integer CHECK (answers >= 0),          -- counted at closing
    round_id       bigint REFERENCES workplace_round (id),
    CHECK (ends_on >= starts_on AND ends_on - starts_on <= 366),
    CHECK ((closed_at IS NULL) = (answers IS NULL) AND (closed_at IS NULL) = (closed_by IS NULL)),
    CHECK (round_id IS NULL OR closed_at IS NOT NULL)
);
CREATE INDEX survey_campaign_workplace_idx ON survey_campaign (workplace_id, starts_on DESC);

-- The answers a closed campaign counted (its frozen results are computed over exactly these).
CREATE TABLE campaign_answer (
    campaign_id   bigint NOT NULL REFERENCES survey_campaign (id),
    submission_id bigint NOT NULL REFERENCES submission (id),
    PRIMARY KEY (campaign_id, submission_id)
);

-- A closed campaign stays as it was closed: nothing but its round may change, once.
CREATE FUNCTION survey_campaign_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.closed_at IS NOT NULL THEN
        RAISE EXCEPTION 'a closed campaign does not change' USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.workplace_id <> OLD.workplace_id OR NEW.form_id <> OLD.form_id OR NEW.entry_point_id <> OLD.entry_point_id THEN
        RAISE EXCEPTION 'a campaign keeps its workplace, survey and QR code' USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.round_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM workplace_round r WHERE r.id = NEW.round_id
                                                AND r.workplace_id = NEW.workplace_id) THEN
        RAISE EXCEPTION 'the round is at another workplace' USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER survey_campaign_guard BEFORE UPDATE ON survey_campaign FOR EACH ROW EXECUTE FUNCTION survey_campaign_guard();

GRANT SELECT, INSERT, UPDATE ON survey_campaign TO tiengnoi_officer;
GRANT SELECT, INSERT ON campaign_answer TO tiengnoi_officer;
GRANT USAGE ON SEQUENCE survey_campaign_id_seq TO tiengnoi_officer;
ALTER TABLE survey_campaign ENABLE ROW LEVEL SECURITY;
ALTER TABLE campaign_answer ENABLE ROW LEVEL SECURITY;
CREATE POLICY scope ON survey_campaign TO tiengnoi_officer
    USING (workplace_id IN (SELECT scope_workplaces())) WITH CHECK (workplace_id IN (SELECT scope_workplaces()));
CREATE POLICY role_insert ON survey_campaign AS RESTRICTIVE FOR INSERT TO tiengnoi_officer
    WITH CHECK (console_role() = 'admin' AND officer_id = console_officer());
CREATE POLICY role_update ON survey_campaign AS RESTRICTIVE FOR UPDATE TO tiengnoi_officer
    USING (console_role() IN ('officer', 'admin'));
CREATE POLICY scope ON campaign_answer TO tiengnoi_officer
    USING (campaign_id IN (SELECT c.id FROM survey_campaign c))
    WITH CHECK (campaign_id IN (SELECT c.id FROM survey_campaign c)
                AND submission_id IN (SELECT s.id FROM submission s WHERE s.workplace_id IN (SELECT scope_workplaces())));
