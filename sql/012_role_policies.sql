-- 012_role_policies.sql: the database knows the officer's role too, so a viewer's transaction cannot write even if a handler forgets to check.

-- Set by the console dispatcher per transaction, next to tiengnoi.scope.
CREATE FUNCTION console_role() RETURNS text LANGUAGE sql STABLE AS $$
    SELECT nullif(current_setting('tiengnoi.role', true), '')
$$;
CREATE FUNCTION console_officer() RETURNS bigint LANGUAGE sql STABLE AS $$
    SELECT nullif(current_setting('tiengnoi.officer', true), '')::bigint
$$;

-- Restrictive policies are AND-ed with the scope policies: in scope AND allowed by role.
CREATE POLICY role_write ON submission AS RESTRICTIVE FOR UPDATE TO tiengnoi_officer
    USING (console_role() IN ('officer', 'admin'));
CREATE POLICY role_insert ON submission AS RESTRICTIVE FOR INSERT TO tiengnoi_officer
    WITH CHECK (console_role() IN ('officer', 'admin'));
CREATE POLICY role_insert ON message AS RESTRICTIVE FOR INSERT TO tiengnoi_officer
    WITH CHECK (console_role() IN ('officer', 'admin') AND officer_id = console_officer());
CREATE POLICY role_insert ON note AS RESTRICTIVE FOR INSERT TO tiengnoi_officer
    WITH CHECK (console_role() IN ('officer', 'admin') AND officer_id = console_officer());
CREATE POLICY role_insert ON org_unit AS RESTRICTIVE FOR INSERT TO tiengnoi_officer
    WITH CHECK (console_role() = 'admin');
CREATE POLICY role_update ON org_unit AS RESTRICTIVE FOR UPDATE TO tiengnoi_officer
    USING (console_role() = 'admin');
CREATE POLICY role_insert ON workplace AS RESTRICTIVE FOR INSERT TO tiengnoi_officer
    WITH CHECK (console_role() = 'admin');
CREATE POLICY role_update ON workplace AS RESTRICTIVE FOR UPDATE TO tiengnoi_officer
    USING (console_role() = 'admin');
CREATE POLICY role_insert ON entry_point AS RESTRICTIVE FOR INSERT TO tiengnoi_officer
    WITH CHECK (console_role() = 'admin');
CREATE POLICY role_update ON entry_point AS RESTRICTIVE FOR UPDATE TO tiengnoi_officer
    USING (console_role() = 'admin');
CREATE POLICY role_insert ON officer AS RESTRICTIVE FOR INSERT TO tiengnoi_officer
    WITH CHECK (console_role() = 'admin');
-- an officer may change their own row (password, second factor); admins any in scope
CREATE POLICY role_update ON officer AS RESTRICTIVE FOR UPDATE TO tiengnoi_officer
    USING (console_role() = 'admin' OR id = console_officer());

-- ... but never their own role, unit or disabled state unless they are an admin
CREATE FUNCTION officer_self_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF console_role() IS NOT NULL AND console_role() <> 'admin'
       AND (NEW.role IS DISTINCT FROM OLD.role OR NEW.unit_id IS DISTINCT FROM OLD.unit_id
            OR NEW.disabled_at IS DISTINCT FROM OLD.disabled_at OR NEW.username IS DISTINCT FROM OLD.username) THEN
        RAISE EXCEPTION 'only an admin changes role, unit, username or access' USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER officer_self_guard BEFORE UPDATE ON officer FOR EACH ROW EXECUTE FUNCTION officer_self_guard();

-- audit rows written from the console name the officer of the transaction and a unit in scope
CREATE POLICY role_insert ON audit_log AS RESTRICTIVE FOR INSERT TO tiengnoi_officer
    WITH CHECK ((unit_id IS NULL OR unit_in_scope(unit_id)) AND officer_id IS NOT DISTINCT FROM console_officer());

DO $$ BEGIN
    IF to_regclass('dispute_case') IS NOT NULL THEN
        EXECUTE 'CREATE POLICY role_write ON dispute_case AS RESTRICTIVE FOR UPDATE TO tiengnoi_officer
                 USING (console_role() IN (''officer'', ''admin''))';
        EXECUTE 'CREATE POLICY role_insert ON dispute_case AS RESTRICTIVE FOR INSERT TO tiengnoi_officer
                 WITH CHECK (console_role() IN (''officer'', ''admin''))';
    END IF;
END $$;
