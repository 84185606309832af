-- 007_totp.sql: the second factor: a code is good once, enrolment waits for a first code, and officers may end sessions.

-- The last time step accepted for this officer's secret: a code of that
-- step or an earlier one is refused, so a code seen over a shoulder or
-- replayed within its 90-second window does not sign anyone in.
ALTER TABLE officer ADD COLUMN totp_last_step bigint NOT NULL DEFAULT 0 CHECK (totp_last_step >= 0);
-- A secret being set up: it replaces totp_secret only once the officer has
-- typed a code from it, so a half-done setup never locks anyone out.
ALTER TABLE officer ADD COLUMN totp_pending bytea CHECK (length(totp_pending) = 20);
GRANT UPDATE (totp_last_step, totp_pending) ON officer TO tiengnoi_app;

-- Console requests run as tiengnoi_officer, which could not touch session
-- at all: signing out (one session or all) and "end my other sessions
-- after a password change" failed with permission denied and were rolled
-- back. Officers may now end sessions of officers in their scope.
GRANT SELECT (token_hash, officer_id, csrf), DELETE ON session TO tiengnoi_officer;
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
