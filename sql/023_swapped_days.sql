-- 023_swapped_days.sql: the calendar holds swapped days (a Saturday made a working day, a weekday made a day off), not only holidays, and every working-day count reads them.

-- kind 'off': a day nobody works (a public holiday, a day off in lieu, a
-- weekday swapped off); kind 'workday': a Saturday or Sunday made a working
-- day to make up for one (ngày làm bù). A workday on a weekday means nothing.
ALTER TABLE holiday
    ADD COLUMN kind text NOT NULL DEFAULT 'off' CHECK (kind IN ('off', 'workday')),
    ADD CONSTRAINT holiday_workday_weekend CHECK (kind = 'off' OR extract(isodow FROM day) >= 6);

-- Whether d is a working day: a swapped working day is; a day off is not;
-- otherwise Monday to Friday are.
CREATE FUNCTION is_working_day(d date) RETURNS boolean LANGUAGE sql STABLE SET search_path = public AS $$
    SELECT coalesce((SELECT h.kind = 'workday' FROM holiday h WHERE h.day = d), extract(isodow FROM d) < 6)
$$;

-- The date n working days after d (before d when n < 0).
CREATE OR REPLACE FUNCTION add_working_days(d date, n integer) RETURNS date LANGUAGE plpgsql STABLE AS $$
DECLARE
    left_ integer := abs(n);
    step integer := CASE WHEN n < 0 THEN -1 ELSE 1 END;
BEGIN
    WHILE left_ > 0 LOOP
        d := d + step;
        IF is_working_day(d) THEN
            left_ := left_ - 1;
        END IF;
    END LOOP;
    RETURN d;
END $$;

-- The privacy clock (sql/011) counts the same working days.
CREATE OR REPLACE FUNCTION working_days_after(d date, n integer) RETURNS date
    LANGUAGE sql STABLE STRICT SET search_path = public AS $$
    SELECT add_working_days(d, n)
$$;

-- 2026: Tết Dương lịch was a four-day break, Thursday 1 to Sunday 4
-- January, Friday 2 January swapped off (the make-up Saturday is to be
-- entered once the notice is checked).
INSERT INTO holiday (day, name, source, kind) VALUES
('2026-01-02', 'Tết Dương lịch (ngày nghỉ hoán đổi)', 'Thông báo của Văn phòng Chính phủ ngày 25/12/2025 (theo báo chí; kiểm tra văn bản gốc)', 'off')
ON CONFLICT (day) DO NOTHING;
