-- 017_calendar_admin.sql: admins correct holidays and legal deadlines from the console, and handle data-subject requests of their scope; PostgreSQL refuses both to anyone else.

-- ---- the holiday calendar and legal deadlines, corrected without code ----

ALTER TABLE holiday
    ADD CONSTRAINT holiday_name_len CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    ADD CONSTRAINT holiday_source_len CHECK (length(source) <= 1000),
    ADD CONSTRAINT holiday_day_range CHECK (day BETWEEN DATE '2000-01-01' AND DATE '2100-12-31');
ALTER TABLE legal_deadline
    ADD CONSTRAINT legal_deadline_text_len CHECK (length(btrim(description_vi)) BETWEEN 1 AND 500
                                                  AND length(btrim(description_en)) BETWEEN 1 AND 500
                                                  AND length(btrim(source)) BETWEEN 1 AND 1000),
    ADD CONSTRAINT legal_deadline_bounds CHECK (months <= 120 AND working_days <= 365 AND days <= 3650);

-- Officers read both tables (deadlines are computed in their transaction);
-- only a transaction of an admin of a top unit (the federation: the
-- calendar counts for every unit's cases) writes, and of legal_deadline only
-- the wording, the period and the source: which cases and stages a row
-- applies to stays the owner's (a migration), since code reads those.
CREATE FUNCTION calendar_editor() RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT coalesce(console_role() = 'admin' AND scope_path() ~ '^/[0-9]+/$', false)
$$;
GRANT INSERT, UPDATE, DELETE ON holiday TO tiengnoi_officer;
GRANT UPDATE (description_vi, description_en, months, working_days, days, source) ON legal_deadline TO tiengnoi_officer;
ALTER TABLE holiday ENABLE ROW LEVEL SECURITY;
ALTER TABLE legal_deadline ENABLE ROW LEVEL SECURITY;
CREATE POLICY read ON holiday FOR SELECT TO tiengnoi_officer USING (true);
CREATE POLICY admin_insert ON holiday FOR INSERT TO tiengnoi_officer WITH CHECK (calendar_editor());
CREATE POLICY admin_update ON holiday FOR UPDATE TO tiengnoi_officer
    USING (calendar_editor()) WITH CHECK (calendar_editor());
CREATE POLICY admin_delete ON holiday FOR DELETE TO tiengnoi_officer USING (calendar_editor());
CREATE POLICY read ON legal_deadline FOR SELECT TO tiengnoi_officer USING (true);
CREATE POLICY admin_update ON legal_deadline FOR UPDATE TO tiengnoi_officer
    USING (calendar_editor()) WITH CHECK (calendar_editor());

-- The last day the holiday calendar covers: 31 December of the last year
-- with any holiday (NULL when there is none). A working-day count that
-- runs past it treats that year's holidays as working days.
CREATE FUNCTION holiday_calendar_end() RETURNS date LANGUAGE sql STABLE AS $$
    SELECT make_date(extract(year FROM max(day))::integer, 12, 31) FROM holiday
$$;

-- ---- data-subject requests from the console ----

-- The unit whose admins handle a request: the unit of the report its
-- receipt finds, else the unit of the admin who recorded it. NULL (requests
-- recorded with the CLI without a receipt or --unit) is handled at the top
-- of the tree.
ALTER TABLE subject_request ADD COLUMN unit_id bigint REFERENCES org_unit (id);
UPDATE subject_request q SET unit_id = s.unit_id FROM submission s WHERE s.receipt_hash = q.receipt_hash;

GRANT SELECT ON subject_request TO tiengnoi_officer;
GRANT INSERT (kind, receipt_hash, subject, note, unit_id) ON subject_request TO tiengnoi_officer;
GRANT UPDATE (status, acknowledged_at, done_at, note) ON subject_request TO tiengnoi_officer;
GRANT USAGE ON SEQUENCE subject_request_id_seq TO tiengnoi_officer;
ALTER TABLE subject_request ENABLE ROW LEVEL SECURITY;
-- an admin sees the requests of their subtree; one at a root unit also those of no unit
CREATE POLICY scope ON subject_request TO tiengnoi_officer
    USING (unit_id IN (SELECT scope_units()) OR (unit_id IS NULL AND scope_path() ~ '^/[0-9]+/$'))
    WITH CHECK (unit_id IN (SELECT scope_units()));
-- requests are the data-protection officer's: admins only, reading included
CREATE POLICY role_admin ON subject_request AS RESTRICTIVE TO tiengnoi_officer
    USING (console_role() = 'admin') WITH CHECK (console_role() = 'admin');

-- Anonymises one report for a deletion request: from the CLI (the owner)
-- as asked, from the console only in an admin's transaction and only a
-- report in the admin's scope. Never while an open case holds the report
-- (the caller says so first; this is the last word). Security definer
-- because the console's role may not change answers, photos or messages
-- otherwise.
CREATE FUNCTION subject_request_erase(sub bigint, OUT photos integer, OUT messages integer, OUT notes integer)
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
    IF console_role() IS NOT NULL OR current_setting('role') <> 'none' THEN
        IF console_role() IS DISTINCT FROM 'admin' OR NOT EXISTS (
               SELECT 1 FROM submission s WHERE s.id = sub AND s.workplace_id IN (SELECT scope_workplaces())) THEN
            RAISE EXCEPTION 'report % is not in this admin''s scope', sub USING ERRCODE = 'insufficient_privilege';
        END IF;
    END IF;
    IF EXISTS (SELECT 1 FROM retention_holds() h WHERE h.submission_id = sub AND h.closed_at = 'infinity') THEN
        RAISE EXCEPTION 'report % is held by an open case', sub USING ERRCODE = 'object_in_use';
    END IF;
    SELECT a.photos, a.messages, a.notes INTO photos, messages, notes FROM submission_anonymise(sub) a;
END $$;
REVOKE ALL ON FUNCTION subject_request_erase(bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION subject_request_erase(bigint) TO tiengnoi_officer;
