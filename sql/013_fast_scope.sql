-- 013_fast_scope.sql: row-level security by set, not by row: the scope's units and workplaces are computed once per query.
-- rewrites: submission — an index built without CONCURRENTLY (lock times at 1M rows: docs/operations.md, Upgrades)
-- The per-row functions of sql/004 cost a function call for every row a query touches: 6 s for the
-- queue at 150,000 reports. `x IN (SELECT scope_...())` is planned as one hashed lookup instead.

CREATE FUNCTION scope_units() RETURNS SETOF bigint LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path = public AS $$
    SELECT id FROM org_unit WHERE path LIKE scope_path() || '%'
$$;
CREATE FUNCTION scope_workplaces() RETURNS SETOF bigint LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path = public AS $$
    SELECT w.id FROM workplace w JOIN org_unit u ON u.id = w.unit_id WHERE u.path LIKE scope_path() || '%'
$$;
REVOKE ALL ON FUNCTION scope_units(), scope_workplaces() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION scope_units(), scope_workplaces() TO tiengnoi_officer;

DROP POLICY scope ON submission;
CREATE POLICY scope ON submission TO tiengnoi_officer
    USING (workplace_id IN (SELECT scope_workplaces())) WITH CHECK (workplace_id IN (SELECT scope_workplaces()));
DROP POLICY scope ON workplace;
CREATE POLICY scope ON workplace TO tiengnoi_officer
    USING (unit_id IN (SELECT scope_units())) WITH CHECK (unit_id IN (SELECT scope_units()));
DROP POLICY scope ON entry_point;
CREATE POLICY scope ON entry_point TO tiengnoi_officer
    USING (workplace_id IN (SELECT scope_workplaces())) WITH CHECK (workplace_id IN (SELECT scope_workplaces()));
DROP POLICY scope ON officer;
CREATE POLICY scope ON officer TO tiengnoi_officer
    USING (unit_id IN (SELECT scope_units())) WITH CHECK (unit_id IN (SELECT scope_units()));
DROP POLICY scope ON audit_log;
CREATE POLICY scope ON audit_log TO tiengnoi_officer
    USING (unit_id IN (SELECT scope_units())) WITH CHECK (true);
DROP POLICY scope ON dispute_case;
CREATE POLICY scope ON dispute_case TO tiengnoi_officer
    USING (workplace_id IN (SELECT scope_workplaces()))
    WITH CHECK (workplace_id IN (SELECT scope_workplaces()) AND unit_id IN (SELECT scope_units()));

-- The queue reads each workplace's newest reports in order (page_admin_queue.c): the index
-- carries the id too, so keyset pages need no sort.
CREATE INDEX submission_workplace_time_idx ON submission (workplace_id, received_at DESC, id DESC);
DROP INDEX submission_workplace_idx;
