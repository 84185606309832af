-- 006_audit.sql: the audit chain in id order under concurrency, a quick chain check for the console, officer administration rights.
-- rewrites: audit_log — an index built without CONCURRENTLY (lock times at 1M rows: docs/operations.md, Upgrades)

-- The chain is verified in id order, so id order must be chain order. The
-- id used to come from the column default, drawn before the trigger waits
-- for the chain lock: two transactions could take ids 10 and 11, commit
-- 11 first, and leave row 10 pointing at row 11 -- a "broken" chain with
-- nothing tampered. The id is now drawn under the lock, and only there:
-- the column has no default any more, so an insert must go through this
-- trigger to get an id at all.
ALTER TABLE audit_log ALTER COLUMN id DROP DEFAULT;
CREATE OR REPLACE FUNCTION audit_chain() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(7405126);   -- one writer at a time: the chain has no forks
    NEW.id := nextval('audit_log_id_seq');
    NEW.at := clock_timestamp();
    SELECT hash INTO NEW.prev_hash FROM audit_log ORDER BY id DESC LIMIT 1;
    NEW.prev_hash := coalesce(NEW.prev_hash, '\x0000000000000000000000000000000000000000000000000000000000000000'::bytea);
    NEW.hash := sha256(NEW.prev_hash || convert_to(audit_row_text(NEW), 'UTF8'));
    RETURN NEW;
END $$;

-- "Last sign-in" per officer and the console's filter by officer.
CREATE INDEX audit_log_officer_idx ON audit_log (officer_id, id DESC) WHERE officer_id IS NOT NULL;

-- The console's banner: the newest n rows (at most 1000) checked in the
-- database, whatever the caller's scope (the chain is global; only an id
-- and a one-word reason come out). The full walk is `tiengnoi-admin audit
-- verify`. checked = rows whose hash was recomputed; broken_id is the
-- first row, in id order, that was edited ('edited': its hash does not
-- match its content) or does not follow the row before it ('unlinked': a
-- row was deleted or rewritten with a new hash).
CREATE FUNCTION audit_recent_check(n integer, OUT checked integer, OUT broken_id bigint, OUT problem text)
    LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public AS $$
DECLARE
    a audit_log;
    before bytea;
    first_id bigint;
BEGIN
    checked := 0;
    SELECT min(id) INTO first_id FROM audit_log;
    FOR a IN SELECT * FROM (SELECT * FROM audit_log ORDER BY id DESC LIMIT least(greatest(n, 1), 1000) + 1) w
             ORDER BY id LOOP
        IF a.id = first_id THEN
            before := '\x0000000000000000000000000000000000000000000000000000000000000000'::bytea;
        END IF;
        IF a.hash IS DISTINCT FROM sha256(a.prev_hash || convert_to(audit_row_text(a), 'UTF8')) THEN
            broken_id := a.id;
            problem := 'edited';
            RETURN;
        END IF;
        IF before IS NOT NULL AND a.prev_hash IS DISTINCT FROM before THEN
            broken_id := a.id;
            problem := 'unlinked';
            RETURN;
        END IF;
        before := a.hash;
        checked := checked + 1;
    END LOOP;
END $$;
REVOKE ALL ON FUNCTION audit_recent_check(integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION audit_recent_check(integer) TO tiengnoi_officer;

-- Admins end the sessions of officers in their scope (a reset password, a
-- disabled account, "end all sessions"), and see how many are live. The
-- same grant and policies as sql/007_totp.sql, written so that whichever
-- runs second leaves the first's in place.
GRANT SELECT (token_hash, officer_id, last_seen, expires_at), DELETE ON session TO tiengnoi_officer;
ALTER TABLE session ENABLE ROW LEVEL SECURITY;
DO $$ BEGIN
    IF NOT EXISTS (SELECT FROM pg_policies WHERE tablename = 'session' AND policyname = 'app_all') THEN
        CREATE POLICY app_all ON session TO tiengnoi_app USING (true) WITH CHECK (true);
    END IF;
    IF NOT EXISTS (SELECT FROM pg_policies WHERE tablename = 'session' AND policyname = 'scope') THEN
        CREATE POLICY scope ON session TO tiengnoi_officer
            USING (EXISTS (SELECT 1 FROM officer o WHERE o.id = session.officer_id AND unit_in_scope(o.unit_id)));
    END IF;
END $$;
