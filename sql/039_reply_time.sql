-- 039_reply_time.sql: each unit's time to answer a report (working days, inherited down the tree), the statistics' "answered in time" and median working days to the first reply, and Decree 145/2020 cited on the dialogue deadline.

-- The working days a unit gives itself to send a report's first reply
-- (KH thực hiện NQ 07-NQ/BCH, mục III.5: "phản hồi thông tin nhanh chóng").
-- NULL: the nearest ancestor's setting, else 5 working days. Set by an admin
-- of the unit (console unit page) or `tiengnoi-admin unit reply-days`.
ALTER TABLE org_unit ADD COLUMN reply_days integer CHECK (reply_days BETWEEN 1 AND 60);

-- A unit's reply time: its own setting or the nearest ancestor's, else 5;
-- from_unit names the unit whose setting applies ('' for the default).
-- SECURITY DEFINER: an officer below the federation inherits a setting of
-- a unit above their scope, which row-level security would hide.
CREATE FUNCTION unit_reply_days(unit bigint, OUT days integer, OUT from_unit text)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
    SELECT coalesce(x.reply_days, 5), coalesce(x.name, '')
      FROM (SELECT 1) one LEFT JOIN LATERAL (
           SELECT a.reply_days, a.name FROM org_unit u JOIN org_unit a ON u.path LIKE a.path || '%'
            WHERE u.id = unit AND a.reply_days IS NOT NULL ORDER BY length(a.path) DESC LIMIT 1) x ON true
$$;
REVOKE ALL ON FUNCTION unit_reply_days(bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION unit_reply_days(bigint) TO tiengnoi_officer;

-- The working days after d0 up to and including d1 (0 when d1 <= d0): a
-- reply the same day took 0, one on Monday to a Friday report took 1.
-- Holidays, days off and swapped working days count as is_working_day() says (sql/023).
CREATE FUNCTION working_days_between(d0 date, d1 date) RETURNS integer
    LANGUAGE sql STABLE SET search_path = public AS $$
    SELECT count(*)::integer FROM generate_series(d0 + 1, d1, interval '1 day') g WHERE is_working_day(g::date)
$$;
GRANT EXECUTE ON FUNCTION working_days_between(date, date) TO tiengnoi_officer;

-- The statistics' `replies` source now holds every report of the period
-- (fcgi/stats.c): days (calendar days to the first reply), answered,
-- working_days, limit (the unit's reply time), in_time (yes, no, or
-- pending: unanswered and its time not yet out at the cut-off). The
-- rules that read it say which reports they mean; the calendar-day
-- "within 7 days" and median rows give way to the unit's own time in
-- working days.
UPDATE stats_indicator SET rule = 'count(replies where answered = yes)' WHERE code = 'reports.answered';
DELETE FROM stats_indicator WHERE code IN ('reports.answered_7d', 'reports.reply_median_days');
INSERT INTO stats_indicator (code, position, label_vi, label_en, rule, verified_rule, money, source) VALUES
('reports.answered_in_time', 31, 'Phản ánh được trả lời trong thời hạn của đơn vị',
 'Reports answered within the unit''s reply time', 'count(replies where in_time = yes)', NULL, false,
 'KH thực hiện NQ 07-NQ/BCH (2024), mục III.5. Thời hạn: số ngày làm việc đơn vị tiếp nhận đặt (mặc định 5, '
 'kế thừa từ đơn vị cấp trên), tính từ ngày nhận đến lần trả lời đầu tiên, trừ thứ Bảy, Chủ nhật, ngày lễ, ngày nghỉ hoán đổi'),
('reports.answered_in_time_pct', 31, '— tỷ lệ trả lời trong thời hạn (%)', '— share answered in time (%)',
 'percent(replies where in_time = yes of in_time != pending)', NULL, false,
 'KH thực hiện NQ 07-NQ/BCH (2024), mục III.5. Mẫu số: phản ánh đã trả lời và phản ánh đã quá thời hạn mà chưa trả lời '
 '(phản ánh chưa đến hạn tại ngày chốt không tính)'),
('reports.median_days_to_reply', 32, 'Số ngày làm việc trung vị đến lần trả lời đầu',
 'Median working days to the first reply', 'median(replies.working_days where answered = yes)', NULL, false,
 'KH thực hiện NQ 07-NQ/BCH (2024), mục III.5. Ngày làm việc theo lịch nghỉ lễ và ngày làm bù của hệ thống; '
 'trả lời trong ngày nhận tính là 0');

-- Decree 145/2020/NĐ-CP (Chương V, Điều 38-41) says how the dialogue of
-- Bộ luật Lao động 2019 Điều 63 is organised; the dialogue deadline now
-- cites it beside the Code. Its number (12 months) is unchanged.
UPDATE legal_deadline
   SET source = 'Bộ luật Lao động 2019, Điều 63 khoản 2 điểm a; Nghị định 145/2020/NĐ-CP, Điều 38-41 (tổ chức đối thoại tại nơi làm việc)'
 WHERE code = 'dialogue_periodic';
