-- 022_legal_deadlines.sql: legal deadlines that match the law: each row names the dispute kinds and subjects it applies to and the date it counts from, with its article and clause; one function computes them for a case and for the CLI's "what if".

-- The dates deadlines count from that 021 did not add: each is entered by
-- an officer when it happens (the deadlines of that date appear then).
ALTER TABLE dispute_case
    ADD COLUMN terminated_on date,             -- the labour contract ended (Điều 48)
    ADD COLUMN judgment_on date,               -- the first-instance judgment was pronounced (BLTTDS 2015, Điều 273)
    ADD COLUMN accident_reported_on date,      -- the investigation team was told of the accident (Luật ATVSLĐ 2015, Điều 35)
    ADD COLUMN bargaining_requested_on date,   -- a party received the request to bargain (Điều 70)
    ADD COLUMN bargaining_started_on date,     -- bargaining began (Điều 70)
    ADD COLUMN agreement_signed_on date,       -- the collective agreement was signed (Điều 77)
    ADD COLUMN agreement_expires_on date,      -- it expires (Điều 78, 81)
    ADD COLUMN dialogue_held_on date,          -- the last periodic workplace dialogue (Điều 63)
    ADD COLUMN strike_planned_on date;         -- the strike is to begin (Điều 202)

-- Which cases a row applies to: scope (as before), dispute type (rights /
-- interest; NULL any), subjects (NULL any) and subjects it never applies
-- to (Điều 188 khoản 1: no mediation for dismissal, unilateral
-- termination, social insurance, ...). A row counts forward from its date,
-- or backward when `before` (a notice due so many days before an event).
-- A row whose date is not recorded shows "date unknown" only when
-- `shown_without_date` (the dispute route's own dates); the event rows
-- (bargaining, agreement, strike, ...) appear once their date is entered.
ALTER TABLE legal_deadline
    ADD COLUMN dispute_types text[] CHECK (dispute_types <@ '{rights,interest}'),
    ADD COLUMN subjects text[] CHECK (subjects <@ '{dismissal,termination,wages,social_insurance,discipline,accident,other}'),
    ADD COLUMN exempt_subjects text[] NOT NULL DEFAULT '{}'
        CHECK (exempt_subjects <@ '{dismissal,termination,wages,social_insurance,discipline,accident,other}'),
    ADD COLUMN before boolean NOT NULL DEFAULT false,
    ADD COLUMN shown_without_date boolean NOT NULL DEFAULT true,
    DROP CONSTRAINT legal_deadline_counted_from_check,
    ADD CONSTRAINT legal_deadline_counted_from_check CHECK (counted_from IN (
        'violation_known_on', 'stage_entered', 'panel_formed_on', 'payday', 'si_due_date', 'terminated_on',
        'judgment_on', 'accident_reported_on', 'bargaining_requested_on', 'bargaining_started_on',
        'agreement_signed_on', 'agreement_expires_on', 'dialogue_held_on', 'strike_planned_on'));

-- The corrected seed rows (domain review §3.1, errors E1-E7).
-- E4: no mediator limitation where Điều 188 khoản 1 needs no mediation.
UPDATE legal_deadline SET exempt_subjects = '{dismissal,termination,social_insurance}',
    description_vi = 'Thời hiệu yêu cầu hòa giải viên lao động (tranh chấp cá nhân phải hòa giải)',
    description_en = 'Limitation: request to a labour mediator (individual disputes that need mediation)'
 WHERE code = 'ind_mediator';
-- E3, E7: the collective limitations are for rights disputes only, each with its clause.
UPDATE legal_deadline SET dispute_types = '{rights}', source = 'Bộ luật Lao động 2019, Điều 194 khoản 1'
 WHERE code = 'col_mediator';
UPDATE legal_deadline SET dispute_types = '{rights}', source = 'Bộ luật Lao động 2019, Điều 194 khoản 2'
 WHERE code = 'col_arbitration';
UPDATE legal_deadline SET dispute_types = '{rights}', source = 'Bộ luật Lao động 2019, Điều 194 khoản 3'
 WHERE code = 'col_court';
-- E1: the 5 working days are khoản 2 of Điều 188 (Điều 196 and 197 cite it for interest disputes).
UPDATE legal_deadline SET source = 'Bộ luật Lao động 2019, Điều 188 khoản 2 (tranh chấp tập thể về lợi ích: Điều 197 khoản 1 dẫn chiếu)'
 WHERE code = 'mediation_ends';
-- E7: the panel of an individual dispute; collective ones get their own rows below.
UPDATE legal_deadline SET case_scope = 'individual', source = 'Bộ luật Lao động 2019, Điều 189 khoản 2',
    description_vi = 'Thành lập Ban trọng tài lao động (7 ngày làm việc từ ngày Hội đồng nhận yêu cầu)',
    description_en = 'The arbitration panel is formed (7 working days from the council receiving the request)'
 WHERE code = 'arbitration_panel';
-- E2: the decision counts from the panel's formation, not from the stage date.
UPDATE legal_deadline SET case_scope = 'individual', counted_from = 'panel_formed_on',
    source = 'Bộ luật Lao động 2019, Điều 189 khoản 3',
    description_vi = 'Ban trọng tài ra quyết định (30 ngày từ ngày thành lập Ban trọng tài)',
    description_en = 'The arbitration panel decides (30 days from its formation)'
 WHERE code = 'arbitration_decision';
-- E6: wage interest counts from the payday; the subject, not the old kind, says which cases.
UPDATE legal_deadline SET case_kind = NULL, subjects = '{wages}', counted_from = 'payday',
    source = 'Bộ luật Lao động 2019, Điều 97 khoản 4',
    description_vi = 'Trả lương chậm từ 15 ngày trở lên: người sử dụng lao động phải đền bù tiền lãi (tính từ kỳ trả lương)',
    description_en = 'Wages 15 or more days late: the employer owes interest (from the payday)'
 WHERE code = 'wage_interest';
-- E5: evasion is 60 days after the latest due date (Điều 34 khoản 4), the reminder being an extra condition.
UPDATE legal_deadline SET case_kind = NULL, subjects = '{social_insurance}', counted_from = 'si_due_date',
    source = 'Luật Bảo hiểm xã hội 2024 (số 41/2024/QH15), Điều 39 khoản 1; hạn đóng: Điều 34 khoản 4',
    description_vi = 'Quá 60 ngày kể từ hạn đóng BHXH chậm nhất mà chưa đóng (đã được đôn đốc) là trốn đóng',
    description_en = 'Unpaid 60 days after the latest social-insurance due date (after a reminder) counts as evasion'
 WHERE code = 'si_evasion';

INSERT INTO legal_deadline (code, case_scope, dispute_types, subjects, stages, description_vi, description_en,
                            months, working_days, days, counted_from, before, shown_without_date, source) VALUES
-- E6: the force-majeure delay cap of the same clause
('wage_delay_cap', NULL, NULL, '{wages}', '{intake,verification,workplace_dialogue,labour_mediator,arbitration_council,court}',
 'Lý do bất khả kháng cũng không được trả lương chậm quá 30 ngày (tính từ kỳ trả lương)',
 'Even for force majeure, wages may not be more than 30 days late (from the payday)',
 NULL, NULL, 30, 'payday', false, true, 'Bộ luật Lao động 2019, Điều 97 khoản 4'),
-- E7: collective rights disputes at the arbitration council
('col_arbitration_panel', 'collective', '{rights}', NULL, '{arbitration_council}',
 'Thành lập Ban trọng tài lao động (tranh chấp tập thể về quyền)', 'The arbitration panel is formed (collective rights dispute)',
 NULL, 7, NULL, 'stage_entered', false, true, 'Bộ luật Lao động 2019, Điều 193 (theo Điều 189 khoản 2)'),
('col_arbitration_decision', 'collective', '{rights}', NULL, '{arbitration_council}',
 'Ban trọng tài ra quyết định (tranh chấp tập thể về quyền, 30 ngày từ ngày thành lập)',
 'The arbitration panel decides (collective rights dispute, 30 days from its formation)',
 NULL, NULL, 30, 'panel_formed_on', false, true, 'Bộ luật Lao động 2019, Điều 193 (theo Điều 189 khoản 3)'),
-- E3, E7: interest disputes: no limitation, no court; arbitration by consent, else the strike route
('int_arbitration_panel', 'collective', '{interest}', NULL, '{arbitration_council}',
 'Thành lập Ban trọng tài lao động (tranh chấp tập thể về lợi ích)', 'The arbitration panel is formed (collective interest dispute)',
 NULL, 7, NULL, 'stage_entered', false, true, 'Bộ luật Lao động 2019, Điều 197 khoản 2'),
('int_arbitration_decision', 'collective', '{interest}', NULL, '{arbitration_council}',
 'Ban trọng tài ra quyết định (tranh chấp tập thể về lợi ích, 30 ngày từ ngày thành lập)',
 'The arbitration panel decides (collective interest dispute, 30 days from its formation)',
 NULL, NULL, 30, 'panel_formed_on', false, true, 'Bộ luật Lao động 2019, Điều 197 khoản 3'),
('strike_notice', 'collective', '{interest}', NULL, '{intake,verification,workplace_dialogue,labour_mediator,arbitration_council}',
 'Gửi quyết định đình công cho người sử dụng lao động, UBND và cơ quan lao động tỉnh (chậm nhất 5 ngày làm việc trước ngày đình công)',
 'Send the strike decision to the employer, the People''s Committee and the provincial labour office (5 working days before the strike at the latest)',
 NULL, 5, NULL, 'strike_planned_on', true, false, 'Bộ luật Lao động 2019, Điều 202 khoản 3'),
-- the deadlines officers use weekly (domain review §3.2)
('settlement', NULL, NULL, '{dismissal,termination}', '{intake,verification,workplace_dialogue,labour_mediator,arbitration_council,court}',
 'Thanh toán đầy đủ các khoản khi chấm dứt HĐLĐ (14 ngày làm việc; ngày làm việc của cơ quan nhà nước)',
 'Pay everything due on termination (14 working days; state working days)',
 NULL, 14, NULL, 'terminated_on', false, false, 'Bộ luật Lao động 2019, Điều 48 khoản 1'),
('settlement_extended', NULL, NULL, '{dismissal,termination}', '{intake,verification,workplace_dialogue,labour_mediator,arbitration_council,court}',
 'Thanh toán khi chấm dứt HĐLĐ: trường hợp được kéo dài cũng không quá 30 ngày',
 'Payment on termination: at most 30 days even where it may be extended',
 NULL, NULL, 30, 'terminated_on', false, false, 'Bộ luật Lao động 2019, Điều 48 khoản 1'),
('appeal', NULL, NULL, NULL, '{court}',
 'Thời hạn kháng cáo bản án sơ thẩm (15 ngày từ ngày tuyên án)', 'Appeal against the first-instance judgment (15 days from its pronouncement)',
 NULL, NULL, 15, 'judgment_on', false, false, 'Bộ luật Tố tụng dân sự 2015, Điều 273 khoản 1'),
('accident_minor', NULL, NULL, '{accident}', '{intake,verification,workplace_dialogue,labour_mediator,arbitration_council,court}',
 'Điều tra tai nạn lao động làm bị thương nhẹ: không quá 4 ngày', 'Investigating an accident with minor injuries: 4 days at most',
 NULL, NULL, 4, 'accident_reported_on', false, false, 'Luật An toàn, vệ sinh lao động 2015, Điều 35 khoản 6 điểm a'),
('accident_serious', NULL, NULL, '{accident}', '{intake,verification,workplace_dialogue,labour_mediator,arbitration_council,court}',
 'Điều tra tai nạn lao động làm bị thương nặng một người: không quá 7 ngày', 'Investigating an accident seriously injuring one worker: 7 days at most',
 NULL, NULL, 7, 'accident_reported_on', false, false, 'Luật An toàn, vệ sinh lao động 2015, Điều 35 khoản 6 điểm b'),
('accident_serious_many', NULL, NULL, '{accident}', '{intake,verification,workplace_dialogue,labour_mediator,arbitration_council,court}',
 'Điều tra tai nạn lao động làm bị thương nặng từ hai người: không quá 20 ngày', 'Investigating an accident seriously injuring two or more workers: 20 days at most',
 NULL, NULL, 20, 'accident_reported_on', false, false, 'Luật An toàn, vệ sinh lao động 2015, Điều 35 khoản 6 điểm c'),
('accident_death', NULL, NULL, '{accident}', '{intake,verification,workplace_dialogue,labour_mediator,arbitration_council,court}',
 'Điều tra tai nạn lao động chết người: không quá 30 ngày', 'Investigating a fatal accident: 30 days at most',
 NULL, NULL, 30, 'accident_reported_on', false, false, 'Luật An toàn, vệ sinh lao động 2015, Điều 35 khoản 6 điểm d'),
('accident_expert', NULL, NULL, '{accident}', '{intake,verification,workplace_dialogue,labour_mediator,arbitration_council,court}',
 'Điều tra tai nạn lao động cần giám định kỹ thuật hoặc pháp y: không quá 60 ngày', 'Investigating an accident needing a technical or forensic assessment: 60 days at most',
 NULL, NULL, 60, 'accident_reported_on', false, false, 'Luật An toàn, vệ sinh lao động 2015, Điều 35 khoản 6 điểm d'),
('bargaining_reply', 'collective', NULL, NULL, '{intake,verification,workplace_dialogue,labour_mediator,arbitration_council}',
 'Bên nhận yêu cầu thương lượng tập thể trả lời, hẹn thời gian bắt đầu (7 ngày làm việc)',
 'The party asked to bargain accepts and sets the start (7 working days)',
 NULL, 7, NULL, 'bargaining_requested_on', false, false, 'Bộ luật Lao động 2019, Điều 70 khoản 2'),
('bargaining_start', 'collective', NULL, NULL, '{intake,verification,workplace_dialogue,labour_mediator,arbitration_council}',
 'Bắt đầu thương lượng tập thể (không quá 30 ngày từ ngày nhận yêu cầu)', 'Collective bargaining starts (30 days from the request at most)',
 NULL, NULL, 30, 'bargaining_requested_on', false, false, 'Bộ luật Lao động 2019, Điều 70 khoản 2'),
('bargaining_end', 'collective', NULL, NULL, '{intake,verification,workplace_dialogue,labour_mediator,arbitration_council}',
 'Thương lượng tập thể kết thúc (không quá 90 ngày từ ngày bắt đầu, trừ khi các bên thỏa thuận khác)',
 'Collective bargaining ends (90 days from its start at most, unless the parties agree otherwise)',
 NULL, NULL, 90, 'bargaining_started_on', false, false, 'Bộ luật Lao động 2019, Điều 70 khoản 2'),
('agreement_filing', 'collective', NULL, NULL, '{intake,verification,workplace_dialogue,labour_mediator,arbitration_council,court}',
 'Gửi thỏa ước lao động tập thể đến cơ quan chuyên môn về lao động cấp tỉnh (10 ngày từ ngày ký)',
 'Send the collective agreement to the provincial labour office (10 days from signing)',
 NULL, NULL, 10, 'agreement_signed_on', false, false, 'Bộ luật Lao động 2019, Điều 77'),
('agreement_renewal', 'collective', NULL, NULL, '{intake,verification,workplace_dialogue,labour_mediator,arbitration_council,court}',
 'Thỏa ước sắp hết hạn: từ ngày này (90 ngày trước khi hết hạn) các bên thương lượng kéo dài hoặc ký thỏa ước mới',
 'The agreement is expiring: from this day (90 days before expiry) the parties may bargain to extend it or sign a new one',
 NULL, NULL, 90, 'agreement_expires_on', true, false, 'Bộ luật Lao động 2019, Điều 81'),
('dialogue_periodic', NULL, NULL, NULL, '{intake,verification,workplace_dialogue,labour_mediator,arbitration_council,court}',
 'Đối thoại định kỳ tại nơi làm việc: ít nhất một lần mỗi năm (tính từ lần đối thoại gần nhất)',
 'Periodic workplace dialogue: at least once a year (from the last one)',
 12, NULL, NULL, 'dialogue_held_on', false, false, 'Bộ luật Lao động 2019, Điều 63 khoản 2 điểm a');

-- The date n working days after d (before d when n < 0): Saturdays,
-- Sundays and holidays skipped. (sql/023 adds swapped working days.)
CREATE OR REPLACE FUNCTION add_working_days(d date, n integer) RETURNS date LANGUAGE plpgsql STABLE AS $$
DECLARE
    left_ integer := abs(n);
    step integer := CASE WHEN n < 0 THEN -1 ELSE 1 END;
BEGIN
    WHILE left_ > 0 LOOP
        d := d + step;
        IF extract(isodow FROM d) < 6 AND NOT EXISTS (SELECT 1 FROM holiday h WHERE h.day = d) THEN
            left_ := left_ - 1;
        END IF;
    END LOOP;
    RETURN d;
END $$;

-- The deadlines a case of this scope, dispute type, subject and stage has,
-- given its dates (a jsonb object whose keys are legal_deadline.counted_from
-- values: stage_entered, violation_known_on, panel_formed_on, payday, ...;
-- a missing key is an unknown date). The one computation behind the case
-- page, the case list, the deadline panel, the dossier and `tiengnoi-admin
-- deadlines`. An individual dispute is always about rights (Điều 179).
-- Columns as case_deadlines(); due_on is NULL when the date is unknown.
CREATE FUNCTION deadlines_compute(scope text, dispute_type text, subject text, stage text, dates jsonb)
    RETURNS TABLE (code text, description_vi text, description_en text, due_on date, source text,
                   counted_from text, current boolean)
    LANGUAGE sql STABLE AS $$
    SELECT l.code, l.description_vi, l.description_en,
           CASE WHEN b.base IS NULL THEN NULL
                WHEN l.months IS NOT NULL THEN (b.base + make_interval(months => CASE WHEN l.before THEN -l.months ELSE l.months END))::date
                WHEN l.days IS NOT NULL THEN b.base + CASE WHEN l.before THEN -l.days ELSE l.days END
                ELSE add_working_days(b.base, CASE WHEN l.before THEN -l.working_days ELSE l.working_days END) END,
           l.source, l.counted_from, stage = ANY (l.stages)
    FROM legal_deadline l
    CROSS JOIN LATERAL (SELECT (dates ->> l.counted_from)::date AS base) b
    WHERE (l.case_scope IS NULL OR l.case_scope = scope)
      AND (l.dispute_types IS NULL
           OR CASE WHEN scope = 'individual' THEN 'rights' ELSE coalesce(dispute_type, 'rights') END = ANY (l.dispute_types))
      AND (l.subjects IS NULL OR subject = ANY (l.subjects))
      AND NOT (coalesce(subject, '') = ANY (l.exempt_subjects))
      AND (b.base IS NOT NULL OR l.shown_without_date)
    ORDER BY 4 NULLS LAST, 1
$$;

-- A case's dates, keyed as legal_deadline.counted_from names them.
CREATE FUNCTION case_dates(k dispute_case) RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT jsonb_strip_nulls(jsonb_build_object(
        'stage_entered', k.stage_entered_on, 'violation_known_on', k.violation_known_on,
        'panel_formed_on', k.panel_formed_on, 'payday', k.payday, 'si_due_date', k.si_due_date,
        'terminated_on', k.terminated_on, 'judgment_on', k.judgment_on, 'accident_reported_on', k.accident_reported_on,
        'bargaining_requested_on', k.bargaining_requested_on, 'bargaining_started_on', k.bargaining_started_on,
        'agreement_signed_on', k.agreement_signed_on, 'agreement_expires_on', k.agreement_expires_on,
        'dialogue_held_on', k.dialogue_held_on, 'strike_planned_on', k.strike_planned_on))
$$;

-- Every deadline of one case (same columns as before, so the dossier reads it unchanged).
CREATE OR REPLACE FUNCTION case_deadlines(c bigint)
    RETURNS TABLE (code text, description_vi text, description_en text, due_on date, source text,
                   counted_from text, current boolean)
    LANGUAGE sql STABLE AS $$
    SELECT d.* FROM dispute_case k
    CROSS JOIN LATERAL deadlines_compute(k.scope, k.dispute_type, k.subject, k.stage, case_dates(k)) d
    WHERE k.id = c
$$;

-- Every deadline of every case, with what the console lists them by: the
-- front page's panel and the case list read it (row-level security of the
-- officer's transaction applies: security_invoker).
CREATE VIEW case_deadline WITH (security_invoker = true) AS
    SELECT k.id AS case_id, k.title, k.stage <> 'closed' AS open, u.path AS workplace_path,
           d.code, d.description_vi, d.description_en, d.due_on, d.source, d.current,
           d.due_on - (now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date AS days_left
    FROM dispute_case k JOIN workplace w ON w.id = k.workplace_id JOIN org_unit u ON u.id = w.unit_id
    CROSS JOIN LATERAL deadlines_compute(k.scope, k.dispute_type, k.subject, k.stage, case_dates(k)) d;
GRANT SELECT ON case_deadline TO tiengnoi_officer;
