-- 009_cases.sql: dispute cases built from reports: stages, events, linked reports, attachments, legal deadlines and holidays as data.

-- One dispute the union follows from intake to its end. unit_id is the unit
-- handling it; scope (who may see it) follows the workplace, like reports.
CREATE TABLE dispute_case (
    id                bigserial PRIMARY KEY,
    unit_id           bigint NOT NULL REFERENCES org_unit (id),
    workplace_id      bigint NOT NULL REFERENCES workplace (id),
    kind              text NOT NULL CHECK (kind IN ('wage_arrears', 'social_insurance', 'dismissal', 'safety',
                                                    'working_time', 'other')),
    scope             text NOT NULL DEFAULT 'individual' CHECK (scope IN ('individual', 'collective')),
    title             text NOT NULL CHECK (length(btrim(title)) BETWEEN 1 AND 200),
    assignee_id       bigint REFERENCES officer (id),
    stage             text NOT NULL DEFAULT 'intake'
                      CHECK (stage IN ('intake', 'verification', 'workplace_dialogue', 'labour_mediator',
                                       'arbitration_council', 'court', 'closed')),
    stage_entered_on  date NOT NULL DEFAULT (now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date,
    outcome           text CHECK (outcome IN ('resolved_at_workplace', 'mediated', 'arbitrated', 'judgment',
                                              'withdrawn', 'other')),
    violation_known_on date,              -- when the violation was discovered: limitation periods count from it
    workers_affected  integer CHECK (workers_affected >= 0),
    months_owed       integer CHECK (months_owed >= 0),
    amount_owed_vnd   bigint CHECK (amount_owed_vnd >= 0),
    totals_corrected  boolean NOT NULL DEFAULT false,   -- an officer overrode the totals computed from the reports
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    CHECK ((stage = 'closed') = (outcome IS NOT NULL))  -- a closed case says how it ended; an open one has no outcome
);
CREATE INDEX dispute_case_workplace_idx ON dispute_case (workplace_id);
CREATE INDEX dispute_case_stage_idx ON dispute_case (stage, updated_at DESC);

CREATE TABLE case_submission (
    case_id       bigint NOT NULL REFERENCES dispute_case (id),
    submission_id bigint NOT NULL REFERENCES submission (id),
    PRIMARY KEY (case_id, submission_id)
);
CREATE INDEX case_submission_sub_idx ON case_submission (submission_id);

-- What happened to a case, in order. on_date is the date the officer gives
-- for the change (a mediator seized last Friday is entered today).
CREATE TABLE case_event (
    id          bigserial PRIMARY KEY,
    case_id     bigint NOT NULL REFERENCES dispute_case (id),
    at          timestamptz NOT NULL DEFAULT now(),
    on_date     date NOT NULL DEFAULT (now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date,
    officer_id  bigint REFERENCES officer (id),
    kind        text NOT NULL CHECK (kind IN ('created', 'stage', 'note', 'attachment', 'totals', 'link')),
    from_stage  text,
    to_stage    text,
    note        text NOT NULL DEFAULT '' CHECK (length(note) <= 4000)
);
CREATE INDEX case_event_case_idx ON case_event (case_id, at, id);

-- Documents of a case (decisions, minutes, payslips). PDFs are checked by
-- content, images stored only after photo_strip removed their metadata.
CREATE TABLE case_attachment (
    id         bigserial PRIMARY KEY,
    case_id    bigint NOT NULL REFERENCES dispute_case (id),
    filename   text NOT NULL CHECK (length(filename) BETWEEN 1 AND 200 AND filename !~ '[/\\[:cntrl:]]'),
    mime       text NOT NULL CHECK (mime IN ('application/pdf', 'image/jpeg', 'image/png', 'image/webp')),
    size       integer NOT NULL CHECK (size BETWEEN 1 AND 10485760),
    sha256     bytea NOT NULL CHECK (length(sha256) = 32),
    data       bytea NOT NULL CHECK (length(data) = size),
    officer_id bigint REFERENCES officer (id),
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX case_attachment_case_idx ON case_attachment (case_id);

-- Legal time limits as rows with their source, so a correction is an UPDATE
-- (as the database owner), not a release. A row applies to cases of its
-- scope and kind (NULL: any) and matters while the case is in one of
-- `stages`; exactly one of months / working_days / days is set.
CREATE TABLE legal_deadline (
    code           text PRIMARY KEY CHECK (code ~ '^[a-z][a-z0-9_]{1,39}$'),
    case_scope     text CHECK (case_scope IN ('individual', 'collective')),
    case_kind      text,
    stages         text[] NOT NULL,
    description_vi text NOT NULL,
    description_en text NOT NULL,
    months         integer CHECK (months > 0),
    working_days   integer CHECK (working_days > 0),
    days           integer CHECK (days > 0),
    counted_from   text NOT NULL CHECK (counted_from IN ('violation_known_on', 'stage_entered')),
    source         text NOT NULL,
    CHECK (num_nonnulls(months, working_days, days) = 1)
);

INSERT INTO legal_deadline (code, case_scope, case_kind, stages, description_vi, description_en,
                            months, working_days, days, counted_from, source) VALUES
('ind_mediator', 'individual', NULL, '{intake,verification,workplace_dialogue}',
 'Thời hiệu yêu cầu hòa giải viên lao động', 'Limitation: request to a labour mediator',
 6, NULL, NULL, 'violation_known_on', 'Bộ luật Lao động 2019, Điều 190 khoản 1'),
('ind_arbitration', 'individual', NULL, '{intake,verification,workplace_dialogue,labour_mediator}',
 'Thời hiệu yêu cầu Hội đồng trọng tài lao động', 'Limitation: request to the labour arbitration council',
 9, NULL, NULL, 'violation_known_on', 'Bộ luật Lao động 2019, Điều 190 khoản 2'),
('ind_court', 'individual', NULL, '{intake,verification,workplace_dialogue,labour_mediator,arbitration_council}',
 'Thời hiệu yêu cầu Tòa án giải quyết', 'Limitation: request to the court',
 12, NULL, NULL, 'violation_known_on', 'Bộ luật Lao động 2019, Điều 190 khoản 3'),
('col_mediator', 'collective', NULL, '{intake,verification,workplace_dialogue}',
 'Thời hiệu yêu cầu hòa giải viên (tranh chấp tập thể về quyền)', 'Limitation: mediator (collective rights dispute)',
 6, NULL, NULL, 'violation_known_on', 'Bộ luật Lao động 2019, Điều 194'),
('col_arbitration', 'collective', NULL, '{intake,verification,workplace_dialogue,labour_mediator}',
 'Thời hiệu yêu cầu Hội đồng trọng tài (tranh chấp tập thể về quyền)', 'Limitation: arbitration council (collective rights dispute)',
 9, NULL, NULL, 'violation_known_on', 'Bộ luật Lao động 2019, Điều 194'),
('col_court', 'collective', NULL, '{intake,verification,workplace_dialogue,labour_mediator,arbitration_council}',
 'Thời hiệu yêu cầu Tòa án (tranh chấp tập thể về quyền)', 'Limitation: court (collective rights dispute)',
 12, NULL, NULL, 'violation_known_on', 'Bộ luật Lao động 2019, Điều 194'),
('mediation_ends', NULL, NULL, '{labour_mediator}',
 'Hòa giải viên kết thúc hòa giải', 'The mediator finishes mediation',
 NULL, 5, NULL, 'stage_entered', 'Bộ luật Lao động 2019, Điều 188 khoản 3'),
('arbitration_panel', NULL, NULL, '{arbitration_council}',
 'Thành lập Ban trọng tài lao động', 'The arbitration panel is formed',
 NULL, 7, NULL, 'stage_entered', 'Bộ luật Lao động 2019, Điều 189'),
('arbitration_decision', NULL, NULL, '{arbitration_council}',
 'Ban trọng tài ra quyết định (tính gần đúng từ ngày chuyển giai đoạn)', 'The arbitration panel decides (approximate: from the stage date)',
 NULL, NULL, 30, 'stage_entered', 'Bộ luật Lao động 2019, Điều 189'),
('wage_interest', NULL, 'wage_arrears', '{intake,verification,workplace_dialogue,labour_mediator,arbitration_council,court}',
 'Trả lương chậm từ 15 ngày trở lên phải trả thêm lãi (tính từ ngày ghi nhận vi phạm thay cho kỳ trả lương)',
 'Wages 15+ days late owe interest (counted from the recorded discovery date, standing in for the payday)',
 NULL, NULL, 15, 'violation_known_on', 'Bộ luật Lao động 2019, Điều 97 khoản 4'),
('si_evasion', NULL, 'social_insurance', '{intake,verification,workplace_dialogue,labour_mediator,arbitration_council,court}',
 'Chậm đóng BHXH quá 60 ngày sau khi được đôn đốc bị coi là trốn đóng (tính từ ngày ghi nhận vi phạm thay cho ngày đôn đốc)',
 'Social insurance over 60 days late after a reminder counts as evasion (counted from the recorded discovery date, standing in for the reminder)',
 NULL, NULL, 60, 'violation_known_on', 'Luật Bảo hiểm xã hội số 41/2024/QH15 (hiệu lực 01/07/2025)');

-- Public holidays, for counting working days (Saturdays and Sundays never count).
CREATE TABLE holiday (
    day    date PRIMARY KEY,
    name   text NOT NULL,
    source text NOT NULL DEFAULT ''
);
INSERT INTO holiday (day, name, source) VALUES
('2026-01-01', 'Tết Dương lịch', 'Bộ luật Lao động 2019, Điều 112'),
('2026-02-16', 'Tết Nguyên Đán', 'Bộ luật Lao động 2019, Điều 112; lịch nghỉ 2026 gần đúng (Tết 17/02/2026), kiểm tra thông báo của Bộ Nội vụ'),
('2026-02-17', 'Tết Nguyên Đán', 'Bộ luật Lao động 2019, Điều 112; lịch nghỉ 2026 gần đúng, kiểm tra thông báo của Bộ Nội vụ'),
('2026-02-18', 'Tết Nguyên Đán', 'Bộ luật Lao động 2019, Điều 112; lịch nghỉ 2026 gần đúng, kiểm tra thông báo của Bộ Nội vụ'),
('2026-02-19', 'Tết Nguyên Đán', 'Bộ luật Lao động 2019, Điều 112; lịch nghỉ 2026 gần đúng, kiểm tra thông báo của Bộ Nội vụ'),
('2026-02-20', 'Tết Nguyên Đán', 'Bộ luật Lao động 2019, Điều 112; lịch nghỉ 2026 gần đúng, kiểm tra thông báo của Bộ Nội vụ'),
('2026-04-27', 'Giỗ Tổ Hùng Vương (10/3 âm lịch ≈ 26/04, Chủ nhật; nghỉ bù)', 'Bộ luật Lao động 2019, Điều 112; ngày gần đúng'),
('2026-04-30', 'Ngày Chiến thắng', 'Bộ luật Lao động 2019, Điều 112'),
('2026-05-01', 'Quốc tế Lao động', 'Bộ luật Lao động 2019, Điều 112'),
('2026-09-01', 'Quốc khánh (ngày liền kề)', 'Bộ luật Lao động 2019, Điều 112; ngày liền kề gần đúng'),
('2026-09-02', 'Quốc khánh', 'Bộ luật Lao động 2019, Điều 112');

-- The date n working days after d: Saturdays, Sundays and holidays skipped.
CREATE FUNCTION add_working_days(d date, n integer) RETURNS date LANGUAGE plpgsql STABLE AS $$
DECLARE
    left_ integer := n;
BEGIN
    WHILE left_ > 0 LOOP
        d := d + 1;
        IF extract(isodow FROM d) < 6 AND NOT EXISTS (SELECT 1 FROM holiday h WHERE h.day = d) THEN
            left_ := left_ - 1;
        END IF;
    END LOOP;
    RETURN d;
END $$;

-- Every deadline of a case's scope and kind with its date (NULL when the
-- date it counts from is unknown) and whether it matters at the current stage.
CREATE FUNCTION case_deadlines(c bigint)
    RETURNS TABLE (code text, description_vi text, description_en text, due_on date, source text,
                   counted_from text, current boolean)
    LANGUAGE sql STABLE AS $$
    SELECT l.code, l.description_vi, l.description_en,
           CASE WHEN base IS NULL THEN NULL
                WHEN l.months IS NOT NULL THEN (base + make_interval(months => l.months))::date
                WHEN l.days IS NOT NULL THEN base + l.days
                ELSE add_working_days(base, l.working_days) END,
           l.source, l.counted_from, k.stage = ANY (l.stages)
    FROM dispute_case k
    JOIN legal_deadline l ON (l.case_scope IS NULL OR l.case_scope = k.scope)
                         AND (l.case_kind IS NULL OR l.case_kind = k.kind)
    CROSS JOIN LATERAL (SELECT CASE l.counted_from WHEN 'violation_known_on' THEN k.violation_known_on
                                                    ELSE k.stage_entered_on END AS base) b
    WHERE k.id = c
    ORDER BY 4 NULLS LAST, l.code
$$;

-- Totals from the linked reports. Workers: the largest lower bound of a
-- "coworkers" tier, but at least one per report (several reports from one
-- workplace usually describe the same group). Months: distinct months named
-- in months_owed / months_unpaid. Amount: the sum of "amount" answers.
CREATE FUNCTION case_totals(c bigint, OUT workers integer, OUT months integer, OUT amount bigint)
    LANGUAGE sql STABLE AS $$
    SELECT greatest(coalesce(max(CASE WHEN s.form_id IN ('wage_arrears', 'social_insurance') THEN
                        CASE s.answers->>'coworkers' WHEN 't1_10' THEN 1 WHEN 't11_50' THEN 11 WHEN 't51_100' THEN 51
                             WHEN 't101_300' THEN 101 WHEN 't301_plus' THEN 301 END END), 0), count(*))::integer,
           (SELECT count(DISTINCT m)::integer FROM case_submission cs2 JOIN submission s2 ON s2.id = cs2.submission_id
            CROSS JOIN LATERAL jsonb_array_elements_text(
                CASE WHEN jsonb_typeof(s2.answers->'months_owed') = 'array' THEN s2.answers->'months_owed' ELSE '[]' END ||
                CASE WHEN jsonb_typeof(s2.answers->'months_unpaid') = 'array' THEN s2.answers->'months_unpaid' ELSE '[]' END) m
            WHERE cs2.case_id = c),
           coalesce(sum(CASE WHEN jsonb_typeof(s.answers->'amount') = 'number' THEN (s.answers->>'amount')::numeric END), 0)::bigint
    FROM case_submission cs JOIN submission s ON s.id = cs.submission_id
    WHERE cs.case_id = c
$$;

CREATE FUNCTION case_in_scope(c bigint) RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT 1 FROM dispute_case k JOIN workplace w ON w.id = k.workplace_id
                   JOIN org_unit u ON u.id = w.unit_id
                   WHERE k.id = c AND u.path LIKE scope_path() || '%')
$$;

GRANT SELECT, INSERT, UPDATE ON dispute_case TO tiengnoi_officer;
GRANT SELECT, INSERT ON case_submission, case_event, case_attachment TO tiengnoi_officer;
GRANT SELECT ON legal_deadline, holiday TO tiengnoi_officer;
GRANT USAGE ON SEQUENCE dispute_case_id_seq, case_event_id_seq, case_attachment_id_seq TO tiengnoi_officer;

ALTER TABLE dispute_case ENABLE ROW LEVEL SECURITY;
ALTER TABLE case_submission ENABLE ROW LEVEL SECURITY;
ALTER TABLE case_event ENABLE ROW LEVEL SECURITY;
ALTER TABLE case_attachment ENABLE ROW LEVEL SECURITY;

CREATE POLICY scope ON dispute_case TO tiengnoi_officer
    USING (workplace_in_scope(workplace_id))
    WITH CHECK (workplace_in_scope(workplace_id) AND unit_in_scope(unit_id));
CREATE POLICY scope ON case_submission TO tiengnoi_officer
    USING (case_in_scope(case_id))
    WITH CHECK (case_in_scope(case_id) AND submission_in_scope(submission_id));
CREATE POLICY scope ON case_event TO tiengnoi_officer
    USING (case_in_scope(case_id)) WITH CHECK (case_in_scope(case_id));
CREATE POLICY scope ON case_attachment TO tiengnoi_officer
    USING (case_in_scope(case_id)) WITH CHECK (case_in_scope(case_id));
