-- 021_case_facts.sql: what a case must record for the law and the figures: the kind of dispute (rights or interest), its subject, the dates deadlines count from, whether the worker is a member, the union's role, and the money recovered.

-- Rights disputes (về quyền) and interest disputes (về lợi ích) follow
-- different routes and limitation periods (Bộ luật Lao động 2019, Điều 179,
-- 194-197); an individual dispute is always about rights.
ALTER TABLE dispute_case
    ADD COLUMN dispute_type text NOT NULL DEFAULT 'rights' CHECK (dispute_type IN ('rights', 'interest')),
    ADD CONSTRAINT dispute_case_interest_collective CHECK (dispute_type = 'rights' OR scope = 'collective'),
    -- what the dispute is about: decides which deadlines apply (Điều 188
    -- khoản 1 exempts dismissal, unilateral termination, ... from mediation)
    ADD COLUMN subject text CHECK (subject IN ('dismissal', 'termination', 'wages', 'social_insurance',
                                               'discipline', 'accident', 'other')),
    -- dates deadlines count from, where the law counts from them
    ADD COLUMN panel_formed_on date,      -- the arbitration panel was formed (Điều 189 khoản 3, 197 khoản 3)
    ADD COLUMN payday date,               -- the wages were due (Điều 97 khoản 4)
    ADD COLUMN si_due_date date,          -- the latest social-insurance due date (Luật BHXH 2024, Điều 34, 39)
    -- for the federation's targets: members' court cases with union support
    ADD COLUMN worker_member boolean,     -- NULL: not known
    ADD COLUMN union_role text CHECK (union_role IN ('representative', 'defender', 'filed_for_worker',
                                                     'advice', 'none')),
    ADD COLUMN recovered_vnd bigint CHECK (recovered_vnd >= 0);   -- money recovered for the workers

-- Cases made before this migration take their subject from their kind.
UPDATE dispute_case SET subject = CASE kind
    WHEN 'wage_arrears' THEN 'wages'
    WHEN 'social_insurance' THEN 'social_insurance'
    WHEN 'dismissal' THEN 'dismissal'
    WHEN 'safety' THEN 'accident'
    ELSE 'other' END
 WHERE subject IS NULL;
