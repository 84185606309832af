-- 005_org.sql: what the console's units, workplaces and QR posters need: subtree moves that reach every level, code checks across scopes, the nearest hotline, a tighter tree policy.

-- Re-parenting must move the whole subtree. 001's trigger was declared
-- AFTER UPDATE OF path, but a re-parent sets parent_id and the path changes
-- only in the BEFORE trigger; "UPDATE OF" looks at the SET list, so it never
-- fired and grandchildren kept their old path (and so their old scope).
-- Compare the values instead.
DROP TRIGGER org_unit_path_moved ON org_unit;
CREATE TRIGGER org_unit_path_moved AFTER UPDATE ON org_unit
    FOR EACH ROW WHEN (OLD.path IS DISTINCT FROM NEW.path AND OLD.path <> '')
    EXECUTE FUNCTION org_unit_move_subtree();
-- Repair paths a re-parent left stale before this migration.
WITH RECURSIVE t AS (
    SELECT id, '/' || id || '/' AS path FROM org_unit WHERE parent_id IS NULL
    UNION ALL
    SELECT c.id, t.path || c.id || '/' FROM org_unit c JOIN t ON c.parent_id = t.id)
UPDATE org_unit u SET path = t.path FROM t WHERE t.id = u.id AND u.path <> t.path;

-- Codes are unique in the whole database, but an officer sees only their
-- subtree, so a duplicate outside it would only show up as a failed insert.
-- These answer "is this code taken anywhere?" and nothing else.
CREATE FUNCTION workplace_codes_taken(codes json) RETURNS SETOF text
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
    SELECT w.code FROM workplace w WHERE w.code IN (SELECT json_array_elements_text(codes))
$$;
CREATE FUNCTION unit_code_taken(c text) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
    SELECT EXISTS (SELECT 1 FROM org_unit WHERE code = c)
$$;
REVOKE ALL ON FUNCTION workplace_codes_taken(json), unit_code_taken(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION workplace_codes_taken(json), unit_code_taken(text) TO tiengnoi_officer;

-- The hotline a poster prints: the unit's own, else that of its nearest
-- active ancestor (a ward union often has none; the province has one).
-- Not SECURITY DEFINER: an officer sees the ancestors of their own unit.
CREATE FUNCTION unit_hotline(unit bigint, OUT hotline text, OUT unit_name text)
    LANGUAGE sql STABLE AS $$
    SELECT a.hotline, a.name FROM org_unit u JOIN org_unit a ON u.path LIKE a.path || '%'
     WHERE u.id = unit AND a.hotline IS NOT NULL AND a.status = 'active'
     ORDER BY length(a.path) DESC LIMIT 1
$$;

-- A unit merges into another unit, never into itself.
ALTER TABLE org_unit ADD CONSTRAINT org_unit_merged_elsewhere CHECK (merged_into IS DISTINCT FROM id);

-- Officers may only write rows whose path lies in their subtree. The old
-- check also let a row through with path '' (which no insert needs: the
-- path trigger runs before the check), i.e. an ancestor emptied of its path.
ALTER POLICY scope ON org_unit WITH CHECK (path LIKE scope_path() || '%');
