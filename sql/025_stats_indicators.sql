-- 025_stats_indicators.sql: the statistics table's indicators as data (code, label, rule, breakdowns, source), and frozen ("chốt số liệu") tables of a period with who, when and a SHA-256.

-- One indicator of the statistics table. `rule` (and `verified_rule`, the figure officers verified
-- on cases; NULL when there is none) is text in a closed grammar the app parses (fcgi/indicator.c,
-- docs/officer-guide.md "Số liệu thống kê"):
--     AGGREGATE(SOURCE[.FIELD] [where COND [and COND]...] [of COND [and COND]...])
-- AGGREGATE count, sum, max, median, distinct or percent; SOURCE reports, enterprises, accidents, replies
-- or cases; COND FIELD = VALUE, FIELD != VALUE or FIELD < <= > >= NUMBER. A rule that does not parse is
-- refused when it is set (tiengnoi-admin stats indicator set) and named when the table is computed.
-- An admin of the federation (a top unit) hides or reorders rows (the console or the CLI) to match its own template.
CREATE TABLE stats_indicator (
    code          text PRIMARY KEY CHECK (code ~ '^[a-z][a-z0-9_]*(\.[a-z0-9_]+){0,3}$' AND length(code) <= 60),
    position      integer NOT NULL,
    hidden        boolean NOT NULL DEFAULT false,
    label_vi      text NOT NULL CHECK (length(btrim(label_vi)) BETWEEN 1 AND 200),
    label_en      text NOT NULL CHECK (length(btrim(label_en)) BETWEEN 1 AND 200),
    rule          text NOT NULL CHECK (length(rule) BETWEEN 1 AND 500),
    verified_rule text CHECK (length(verified_rule) BETWEEN 1 AND 500),
    money         boolean NOT NULL DEFAULT false,
    breakdowns    text[] NOT NULL DEFAULT '{unit,ownership}' CHECK (breakdowns <@ '{unit,ownership}'),
    source        text NOT NULL CHECK (length(btrim(source)) BETWEEN 1 AND 500)
);

INSERT INTO stats_indicator (code, position, label_vi, label_en, rule, verified_rule, money, source) VALUES
('reports.total', 10, 'Tổng số phản ánh nhận được', 'Reports received', 'count(reports)', NULL, false,
 'KH thực hiện NQ 07-NQ/BCH (2024), mục III.6: cơ chế tiếp nhận phản ánh, phản hồi của ĐV, NLĐ'),
('reports.form.concern', 11, '— Tâm tư, kiến nghị', '— Concerns', 'count(reports where form = concern)', NULL, false,
 'KH thực hiện NQ 07-NQ/BCH (2024), mục III.6'),
('reports.form.wage_arrears', 12, '— Nợ lương', '— Wage arrears', 'count(reports where form = wage_arrears)', NULL, false,
 'KH thực hiện NQ 07-NQ/BCH (2024), mục III.6'),
('reports.form.social_insurance', 13, '— Nợ BHXH', '— Social insurance', 'count(reports where form = social_insurance)', NULL, false,
 'KH thực hiện NQ 07-NQ/BCH (2024), mục III.6'),
('reports.form.safety', 14, '— An toàn, tai nạn lao động', '— Safety and accidents', 'count(reports where form = safety)', NULL, false,
 'KH thực hiện NQ 07-NQ/BCH (2024), mục III.6'),
('reports.form.meal', 15, '— Bữa ăn ca', '— Shift meals', 'count(reports where form = meal)', NULL, false,
 'KH thực hiện NQ 07-NQ/BCH (2024), mục III.6'),
('reports.form.bargaining_survey', 16, '— Khảo sát trước thương lượng', '— Bargaining surveys',
 'count(reports where form = bargaining_survey)', NULL, false, 'KH thực hiện NQ 07-NQ/BCH (2024), mục III.6'),
('reports.channel.qr', 20, 'Phản ánh qua mã QR', 'Reports by QR code', 'count(reports where channel = qr)', NULL, false,
 'KH thực hiện NQ 07-NQ/BCH (2024), mục III.6'),
('reports.channel.phone', 21, 'Phản ánh qua điện thoại', 'Reports by phone', 'count(reports where channel = phone)', NULL, false,
 'KH thực hiện NQ 07-NQ/BCH (2024), mục III.6'),
('reports.channel.in_person', 22, 'Phản ánh trực tiếp', 'Reports in person', 'count(reports where channel = in_person)', NULL, false,
 'KH thực hiện NQ 07-NQ/BCH (2024), mục III.6'),
('reports.channel.paper', 23, 'Phản ánh bằng giấy', 'Reports on paper', 'count(reports where channel = paper)', NULL, false,
 'KH thực hiện NQ 07-NQ/BCH (2024), mục III.6'),
('reports.answered', 30, 'Phản ánh đã được trả lời', 'Reports answered', 'count(replies)', NULL, false,
 'KH thực hiện NQ 07-NQ/BCH (2024), mục III.5: phản hồi thông tin nhanh chóng'),
('reports.answered_7d', 31, 'Phản ánh được trả lời trong 7 ngày', 'Reports answered within 7 days',
 'count(replies where days <= 7)', NULL, false, 'KH thực hiện NQ 07-NQ/BCH (2024), mục III.5'),
('reports.reply_median_days', 32, 'Số ngày trung vị đến lần trả lời đầu', 'Median days to the first reply',
 'median(replies.days)', NULL, false, 'KH thực hiện NQ 07-NQ/BCH (2024), mục III.5'),
('reports.resolved', 33, 'Phản ánh đã giải quyết', 'Reports resolved', 'count(reports where status = resolved)', NULL, false,
 'KH thực hiện NQ 07-NQ/BCH (2024), mục III.6'),
('reports.referred', 34, 'Phản ánh đã chuyển cơ quan khác', 'Reports referred', 'count(reports where status = referred)', NULL, false,
 'KH thực hiện NQ 07-NQ/BCH (2024), mục III.6'),
('wage_arrears.enterprises', 40, 'Doanh nghiệp nợ lương', 'Enterprises owing wages',
 'count(enterprises where form = wage_arrears)', 'distinct(cases.workplace where kind = wage_arrears and corrected = yes)', false,
 'CV 18/LĐLĐ (25/10/2023), mục I: tình hình nợ lương'),
('wage_arrears.workers', 41, 'Người lao động bị nợ lương', 'Workers owed wages',
 'sum(enterprises.workers where form = wage_arrears)', 'sum(cases.workers where kind = wage_arrears and corrected = yes)', false,
 'CV 18/LĐLĐ (25/10/2023), mục I'),
('wage_arrears.amount', 42, 'Số tiền lương bị nợ (VNĐ)', 'Wages owed (VND)',
 'sum(enterprises.amount where form = wage_arrears)', 'sum(cases.amount where kind = wage_arrears and corrected = yes)', true,
 'CV 18/LĐLĐ (25/10/2023), mục I'),
('wage_arrears.months', 43, 'Số tháng nợ lương (cộng theo doanh nghiệp)', 'Months of wages owed (per enterprise, added)',
 'sum(enterprises.months where form = wage_arrears)', 'sum(cases.months where kind = wage_arrears and corrected = yes)', false,
 'CV 18/LĐLĐ (25/10/2023), mục I'),
('si_arrears.enterprises', 50, 'Doanh nghiệp nợ BHXH', 'Enterprises owing social insurance',
 'count(enterprises where form = social_insurance)', 'distinct(cases.workplace where kind = social_insurance and corrected = yes)', false,
 'CV 18/LĐLĐ (25/10/2023), mục I: tình hình nợ BHXH'),
('si_arrears.workers', 51, 'Người lao động bị nợ BHXH', 'Workers with social insurance unpaid',
 'sum(enterprises.workers where form = social_insurance)', 'sum(cases.workers where kind = social_insurance and corrected = yes)', false,
 'CV 18/LĐLĐ (25/10/2023), mục I'),
('si_arrears.months', 52, 'Số tháng nợ BHXH (cộng theo doanh nghiệp)', 'Months of social insurance unpaid (per enterprise, added)',
 'sum(enterprises.months where form = social_insurance)', 'sum(cases.months where kind = social_insurance and corrected = yes)', false,
 'CV 18/LĐLĐ (25/10/2023), mục I'),
('si_arrears.amount', 53, 'Số tiền BHXH bị nợ (VNĐ)', 'Social insurance owed (VND)',
 'sum(enterprises.amount where form = social_insurance)', 'sum(cases.amount where kind = social_insurance and corrected = yes)', true,
 'CV 18/LĐLĐ (25/10/2023), mục I'),
('accidents.count', 60, 'Số vụ tai nạn lao động', 'Labour accidents', 'count(accidents)', NULL, false,
 'CV 18/LĐLĐ (25/10/2023), mục I; CV 149/LĐLĐ (08/03/2024), mục 4'),
('accidents.dead', 61, 'Số người chết do tai nạn lao động', 'People killed in accidents', 'sum(accidents.dead)', NULL, false,
 'CV 18/LĐLĐ (25/10/2023), mục I; Luật ATVSLĐ 2015, Điều 34'),
('accidents.injured', 62, 'Số người bị thương', 'People injured', 'sum(accidents.injured)', NULL, false,
 'CV 18/LĐLĐ (25/10/2023), mục I'),
('accidents.seriously_injured', 63, 'Số người bị thương nặng', 'People seriously injured', 'sum(accidents.serious)', NULL, false,
 'Luật ATVSLĐ 2015, Điều 34; Nghị định 39/2016, Điều 10'),
('cases.total', 70, 'Vụ việc trong kỳ (lập trong kỳ hoặc còn mở)', 'Cases in the period (opened in it or still open)',
 'count(cases)', NULL, false, 'CTr 13/CTr-LĐLĐ (27/02/2025), mục IV.1'),
('cases.open', 71, 'Vụ việc còn mở tại ngày chốt', 'Cases open at the cut-off', 'count(cases where stage != closed)', NULL, false,
 'CTr 13/CTr-LĐLĐ (27/02/2025), mục IV.1'),
('cases.rights', 72, 'Tranh chấp về quyền', 'Rights disputes', 'count(cases where dispute_type = rights)', NULL, false,
 'Bộ luật Lao động 2019, Điều 179'),
('cases.interest', 73, 'Tranh chấp về lợi ích', 'Interest disputes', 'count(cases where dispute_type = interest)', NULL, false,
 'Bộ luật Lao động 2019, Điều 179'),
('cases.collective', 74, 'Tranh chấp tập thể', 'Collective disputes', 'count(cases where scope = collective)', NULL, false,
 'Bộ luật Lao động 2019, Điều 179'),
('cases.kind.wage_arrears', 75, '— Loại: nợ lương', '— Kind: wage arrears', 'count(cases where kind = wage_arrears)', NULL, false,
 'CV 18/LĐLĐ (25/10/2023), mục I'),
('cases.kind.social_insurance', 76, '— Loại: BHXH', '— Kind: social insurance', 'count(cases where kind = social_insurance)', NULL, false,
 'CV 18/LĐLĐ (25/10/2023), mục I'),
('cases.kind.dismissal', 77, '— Loại: sa thải, chấm dứt hợp đồng', '— Kind: dismissal', 'count(cases where kind = dismissal)', NULL, false,
 'CTr 13/CTr-LĐLĐ (27/02/2025), mục IV.1'),
('cases.kind.safety', 78, '— Loại: an toàn, vệ sinh lao động', '— Kind: safety', 'count(cases where kind = safety)', NULL, false,
 'CV 149/LĐLĐ (08/03/2024), mục 4'),
('cases.kind.working_time', 79, '— Loại: thời giờ làm việc', '— Kind: working time', 'count(cases where kind = working_time)', NULL, false,
 'CTr 13/CTr-LĐLĐ (27/02/2025), mục IV.1'),
('cases.kind.other', 80, '— Loại: khác', '— Kind: other', 'count(cases where kind = other)', NULL, false,
 'CTr 13/CTr-LĐLĐ (27/02/2025), mục IV.1'),
('cases.stage.intake', 81, '— Giai đoạn: tiếp nhận', '— Stage: intake', 'count(cases where stage = intake)', NULL, false,
 'CTr 13/CTr-LĐLĐ (27/02/2025), mục IV.1'),
('cases.stage.verification', 82, '— Giai đoạn: xác minh', '— Stage: verification', 'count(cases where stage = verification)', NULL, false,
 'CTr 13/CTr-LĐLĐ (27/02/2025), mục IV.1'),
('cases.stage.workplace_dialogue', 83, '— Giai đoạn: làm việc với doanh nghiệp', '— Stage: with the employer',
 'count(cases where stage = workplace_dialogue)', NULL, false, 'CTr 13/CTr-LĐLĐ (27/02/2025), mục IV.1'),
('cases.stage.labour_mediator', 84, '— Giai đoạn: hòa giải viên lao động', '— Stage: labour mediator',
 'count(cases where stage = labour_mediator)', NULL, false, 'Bộ luật Lao động 2019, Điều 188'),
('cases.stage.arbitration_council', 85, '— Giai đoạn: Hội đồng trọng tài lao động', '— Stage: arbitration council',
 'count(cases where stage = arbitration_council)', NULL, false, 'Bộ luật Lao động 2019, Điều 189'),
('cases.stage.court', 86, '— Giai đoạn: Tòa án', '— Stage: court', 'count(cases where stage = court)', NULL, false,
 'Bộ luật Lao động 2019, Điều 190'),
('cases.outcome.resolved_at_workplace', 90, 'Kết thúc: giải quyết tại doanh nghiệp', 'Closed: resolved with the employer',
 'count(cases where stage = closed and outcome = resolved_at_workplace)', NULL, false, 'CTr 13/CTr-LĐLĐ (27/02/2025), mục IV.1'),
('cases.outcome.mediated', 91, 'Kết thúc: hòa giải thành', 'Closed: mediated',
 'count(cases where stage = closed and outcome = mediated)', NULL, false, 'CTr 13/CTr-LĐLĐ (27/02/2025), mục IV.1'),
('cases.outcome.arbitrated', 92, 'Kết thúc: trọng tài quyết định', 'Closed: arbitrated',
 'count(cases where stage = closed and outcome = arbitrated)', NULL, false, 'CTr 13/CTr-LĐLĐ (27/02/2025), mục IV.1'),
('cases.outcome.judgment', 93, 'Kết thúc: Tòa án xét xử', 'Closed: court judgment',
 'count(cases where stage = closed and outcome = judgment)', NULL, false, 'CTr 13/CTr-LĐLĐ (27/02/2025), mục IV.1'),
('cases.outcome.withdrawn', 94, 'Kết thúc: rút yêu cầu', 'Closed: withdrawn',
 'count(cases where stage = closed and outcome = withdrawn)', NULL, false, 'CTr 13/CTr-LĐLĐ (27/02/2025), mục IV.1'),
('cases.outcome.other', 95, 'Kết thúc: khác', 'Closed: other',
 'count(cases where stage = closed and outcome = other)', NULL, false, 'CTr 13/CTr-LĐLĐ (27/02/2025), mục IV.1'),
('cases.recovered_amount', 96, 'Số tiền đòi được cho người lao động (VNĐ)', 'Money recovered for workers (VND)',
 'sum(cases.recovered)', 'sum(cases.recovered)', true,
 'Thực tiễn thống kê của công đoàn (kiểm tra với biểu mẫu của LĐLĐ tỉnh)'),
('cases.member_court', 97, 'Vụ án tại Tòa của đoàn viên', 'Members'' court cases',
 'count(cases where member = yes and court = yes)', NULL, false, 'CTr 13/CTr-LĐLĐ (27/02/2025), mục III'),
('cases.member_court_supported', 98, '— có công đoàn tham gia, hỗ trợ', '— with the union taking part or supporting',
 'count(cases where member = yes and court = yes and supported = yes)', NULL, false,
 'CTr 13/CTr-LĐLĐ (27/02/2025), mục III: ≥90% vụ án của đoàn viên có công đoàn tham gia'),
('cases.member_court_supported_pct', 99, '— tỷ lệ có công đoàn tham gia (%, chỉ tiêu 90%)', '— share with the union (%, target 90%)',
 'percent(cases where supported = yes of member = yes and court = yes)', NULL, false,
 'CTr 13/CTr-LĐLĐ (27/02/2025), mục III');

-- Officers read the set; only a transaction of an admin of a top unit (the federation, whose template
-- the set follows for every unit: calendar_editor(), sql/017) changes it.
GRANT SELECT ON stats_indicator TO tiengnoi_officer;
GRANT UPDATE (position, hidden, label_vi, rule, verified_rule) ON stats_indicator TO tiengnoi_officer;
ALTER TABLE stats_indicator ENABLE ROW LEVEL SECURITY;
CREATE POLICY read ON stats_indicator FOR SELECT TO tiengnoi_officer USING (true);
CREATE POLICY admin_update ON stats_indicator FOR UPDATE TO tiengnoi_officer
    USING (calendar_editor()) WITH CHECK (calendar_editor());

-- A frozen statistics table ("chốt số liệu"): the JSON the export prints, as it was when an admin froze
-- it, with who, when and its SHA-256. Afterwards that period of that unit is shown and exported from
-- here, so re-parenting units or anonymising old reports no longer changes it. A new freeze of the same
-- period supersedes the old one (kept) and must say why.
CREATE TABLE stats_freeze (
    id            bigserial PRIMARY KEY,
    unit_id       bigint REFERENCES org_unit (id),   -- NULL: the whole tree (CLI only)
    from_date     date NOT NULL,
    to_date       date NOT NULL CHECK (from_date <= to_date),
    content       text NOT NULL CHECK (left(content, 1) = '{'),
    sha256        text NOT NULL,
    frozen_by     text NOT NULL CHECK (length(frozen_by) BETWEEN 1 AND 200),
    officer_id    bigint REFERENCES officer (id),
    frozen_at     timestamptz NOT NULL DEFAULT now(),
    reason        text NOT NULL DEFAULT '' CHECK (length(reason) <= 1000),
    superseded_by bigint REFERENCES stats_freeze (id) DEFERRABLE INITIALLY DEFERRED,
    CHECK (sha256 = encode(sha256(convert_to(content, 'UTF8')), 'hex'))
);
CREATE UNIQUE INDEX stats_freeze_current ON stats_freeze (coalesce(unit_id, 0), from_date, to_date)
    WHERE superseded_by IS NULL;

-- Freezes a period's table: supersedes the current freeze of the same unit and period, if any, which
-- needs a reason (SQLSTATE 22023 otherwise). Returns the new row's id and hash.
CREATE FUNCTION stats_freeze_put(unit bigint, d0 date, d1 date, body text, who text, officer bigint, why text,
                                 OUT id bigint, OUT sha256 text, OUT superseded bigint)
    LANGUAGE plpgsql AS $$
BEGIN
    id := nextval('stats_freeze_id_seq');
    UPDATE stats_freeze f SET superseded_by = stats_freeze_put.id
     WHERE f.unit_id IS NOT DISTINCT FROM unit AND f.from_date = d0 AND f.to_date = d1 AND f.superseded_by IS NULL
    RETURNING f.id INTO superseded;
    IF superseded IS NOT NULL AND btrim(coalesce(why, '')) = '' THEN
        RAISE EXCEPTION 'this period is already frozen: a new freeze needs a reason' USING ERRCODE = '22023';
    END IF;
    INSERT INTO stats_freeze (id, unit_id, from_date, to_date, content, sha256, frozen_by, officer_id, reason)
    VALUES (stats_freeze_put.id, unit, d0, d1, body, encode(sha256(convert_to(body, 'UTF8')), 'hex'), who, officer,
            coalesce(why, ''))
    RETURNING stats_freeze.sha256 INTO stats_freeze_put.sha256;
END $$;

GRANT SELECT, INSERT ON stats_freeze TO tiengnoi_officer;
GRANT UPDATE (superseded_by) ON stats_freeze TO tiengnoi_officer;
GRANT USAGE ON SEQUENCE stats_freeze_id_seq TO tiengnoi_officer;
ALTER TABLE stats_freeze ENABLE ROW LEVEL SECURITY;
-- officers read the freezes of their scope; only admins freeze (the route table says so too)
CREATE POLICY read ON stats_freeze FOR SELECT TO tiengnoi_officer
    USING (unit_id IS NOT NULL AND unit_in_scope(unit_id));
CREATE POLICY admin_insert ON stats_freeze FOR INSERT TO tiengnoi_officer
    WITH CHECK (unit_id IS NOT NULL AND unit_in_scope(unit_id) AND console_role() = 'admin');
CREATE POLICY admin_update ON stats_freeze FOR UPDATE TO tiengnoi_officer
    USING (unit_id IS NOT NULL AND unit_in_scope(unit_id))
    WITH CHECK (unit_id IS NOT NULL AND unit_in_scope(unit_id) AND console_role() = 'admin');
