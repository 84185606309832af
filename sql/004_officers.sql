-- 004_officers.sql: officers, sessions, internal notes, the audit chain, and row-level security by the union tree.
-- rewrites: submission — search_text GENERATED STORED rewrites the table; three indexes, a foreign key and a CHECK scan it
-- rewrites: message — a foreign key validated by a full scan (lock times at 1M rows: docs/operations.md, Upgrades)

CREATE TABLE officer (
    id            bigserial PRIMARY KEY,
    username      text NOT NULL UNIQUE CHECK (username ~ '^[a-z0-9][a-z0-9._-]{2,39}$'),
    display_name  text NOT NULL DEFAULT '' CHECK (length(display_name) <= 100),
    unit_id       bigint NOT NULL REFERENCES org_unit (id),
    role          text NOT NULL CHECK (role IN ('viewer', 'officer', 'admin')),
    password_hash text NOT NULL CHECK (password_hash LIKE '$argon2id$%'),
    totp_secret   bytea CHECK (length(totp_secret) = 20),
    totp_enabled  boolean NOT NULL DEFAULT false,
    disabled_at   timestamptz,
    failed_logins integer NOT NULL DEFAULT 0 CHECK (failed_logins >= 0),
    locked_until  timestamptz,
    created_at    timestamptz NOT NULL DEFAULT now(),
    password_changed_at timestamptz NOT NULL DEFAULT now(),
    CHECK (NOT totp_enabled OR totp_secret IS NOT NULL)
);
CREATE INDEX officer_unit_idx ON officer (unit_id);

-- One-time recovery codes for the second factor, stored hashed.
CREATE TABLE officer_recovery (
    officer_id bigint NOT NULL REFERENCES officer (id) ON DELETE CASCADE,
    code_hash  bytea NOT NULL CHECK (length(code_hash) = 32),
    used_at    timestamptz,
    PRIMARY KEY (officer_id, code_hash)
);

-- Sessions: the cookie holds a random 256-bit token; only its hash is here.
CREATE TABLE session (
    token_hash  bytea PRIMARY KEY CHECK (length(token_hash) = 32),
    officer_id  bigint NOT NULL REFERENCES officer (id) ON DELETE CASCADE,
    csrf        text NOT NULL CHECK (length(csrf) = 64),
    created_at  timestamptz NOT NULL DEFAULT now(),
    last_seen   timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,          -- absolute limit
    mfa_pending boolean NOT NULL DEFAULT false -- password given, second factor not yet
);
CREATE INDEX session_officer_idx ON session (officer_id);

-- Mandatory second factor per unit (applies to the unit's whole subtree).
ALTER TABLE org_unit ADD COLUMN require_totp boolean NOT NULL DEFAULT false;

-- Internal notes on a report: officers only, never shown to the worker.
CREATE TABLE note (
    id            bigserial PRIMARY KEY,
    submission_id bigint NOT NULL REFERENCES submission (id),
    officer_id    bigint NOT NULL REFERENCES officer (id),
    body          text NOT NULL CHECK (length(btrim(body)) BETWEEN 1 AND 4000),
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX note_submission_idx ON note (submission_id, created_at);

ALTER TABLE submission ADD CONSTRAINT submission_assignee_fk FOREIGN KEY (assignee_id) REFERENCES officer (id);
ALTER TABLE message ADD CONSTRAINT message_officer_fk FOREIGN KEY (officer_id) REFERENCES officer (id);
ALTER TABLE submission ADD COLUMN entered_by bigint REFERENCES officer (id);   -- phone, in person, paper
ALTER TABLE submission ADD CONSTRAINT submission_entered_by CHECK ((channel = 'qr') = (entered_by IS NULL));
ALTER TABLE submission ADD COLUMN status_changed_at timestamptz;

-- The review queue: newest first within the workplaces in scope.
CREATE INDEX submission_received_idx ON submission (received_at DESC, id DESC);
CREATE INDEX submission_status_idx ON submission (status, received_at DESC, id DESC);

-- Accent-insensitive search ("no luong" finds "nợ lương"): unaccent folds
-- marks and đ; the wrapper is IMMUTABLE so it can be indexed, and it also
-- folds old/new tone placement by removing the marks altogether.
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE FUNCTION vn_fold(t text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    AS $$ SELECT lower(public.unaccent('public.unaccent'::regdictionary, t)) $$;
ALTER TABLE submission ADD COLUMN search_text text
    GENERATED ALWAYS AS (vn_fold(jsonb_path_query_array(answers, 'strict $.*')::text)) STORED;
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX submission_search_idx ON submission USING gin (search_text gin_trgm_ops);

-- Append-only audit log; each row carries the hash of the previous one, so
-- `tiengnoi-admin audit verify` finds any edited or deleted row.
CREATE TABLE audit_log (
    id          bigserial PRIMARY KEY,
    at          timestamptz NOT NULL DEFAULT clock_timestamp(),
    officer_id  bigint REFERENCES officer (id),
    unit_id     bigint REFERENCES org_unit (id),   -- whose scope the event belongs to
    action      text NOT NULL CHECK (action ~ '^[a-z_.]{3,40}$'),
    object      text NOT NULL DEFAULT '' CHECK (length(object) <= 100),
    detail      text NOT NULL DEFAULT '' CHECK (length(detail) <= 2000),
    prev_hash   bytea NOT NULL CHECK (length(prev_hash) = 32),
    hash        bytea NOT NULL UNIQUE CHECK (length(hash) = 32)
);
CREATE INDEX audit_log_unit_idx ON audit_log (unit_id, id DESC);

-- The text a row's hash covers; the CLI recomputes the same bytes.
CREATE FUNCTION audit_row_text(a audit_log) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT concat_ws(E'\x1f', a.id::text, to_char(a.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
                     coalesce(a.officer_id::text, ''), coalesce(a.unit_id::text, ''),
                     a.action, a.object, a.detail)
$$;

CREATE FUNCTION audit_chain() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(7405126);   -- one writer at a time: the chain has no forks
    NEW.at := clock_timestamp();
    SELECT hash INTO NEW.prev_hash FROM audit_log ORDER BY id DESC LIMIT 1;
    NEW.prev_hash := coalesce(NEW.prev_hash, '\x0000000000000000000000000000000000000000000000000000000000000000'::bytea);
    NEW.hash := sha256(NEW.prev_hash || convert_to(audit_row_text(NEW), 'UTF8'));
    RETURN NEW;
END $$;
CREATE TRIGGER audit_chain BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_chain();

-- Officer requests run as tiengnoi_officer (SET LOCAL ROLE) with the
-- officer's unit path in tiengnoi.scope; row-level security then hides
-- everything outside that subtree even if a query forgets its WHERE.
DO $$ BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'tiengnoi_officer') THEN
        CREATE ROLE tiengnoi_officer NOLOGIN;
    END IF;
END $$;
GRANT tiengnoi_officer TO tiengnoi_app;
ALTER ROLE tiengnoi_app NOINHERIT;   -- may become an officer for a transaction, holds none of its rights otherwise
GRANT USAGE ON SCHEMA public TO tiengnoi_officer;

CREATE FUNCTION scope_path() RETURNS text LANGUAGE sql STABLE AS $$
    SELECT nullif(current_setting('tiengnoi.scope', true), '')
$$;
CREATE FUNCTION unit_in_scope(unit bigint) RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT 1 FROM org_unit u WHERE u.id = unit AND u.path LIKE scope_path() || '%')
$$;
CREATE FUNCTION workplace_in_scope(wp bigint) RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT 1 FROM workplace w JOIN org_unit u ON u.id = w.unit_id
                   WHERE w.id = wp AND u.path LIKE scope_path() || '%')
$$;
CREATE FUNCTION submission_in_scope(sub bigint) RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT 1 FROM submission s JOIN workplace w ON w.id = s.workplace_id
                   JOIN org_unit u ON u.id = w.unit_id
                   WHERE s.id = sub AND u.path LIKE scope_path() || '%')
$$;

GRANT SELECT ON unit_kind, form_version TO tiengnoi_officer;
GRANT SELECT, UPDATE ON org_unit TO tiengnoi_officer;
GRANT INSERT ON org_unit TO tiengnoi_officer;
GRANT SELECT, INSERT, UPDATE ON workplace, entry_point TO tiengnoi_officer;
GRANT SELECT, INSERT ON submission TO tiengnoi_officer;
GRANT UPDATE (status, assignee_id, urgent, status_changed_at) ON submission TO tiengnoi_officer;
GRANT SELECT ON attachment TO tiengnoi_officer;
GRANT SELECT, INSERT ON message, note TO tiengnoi_officer;
GRANT SELECT, INSERT, UPDATE ON officer TO tiengnoi_officer;
GRANT SELECT, INSERT, DELETE ON officer_recovery TO tiengnoi_officer;
GRANT SELECT, INSERT ON audit_log TO tiengnoi_officer, tiengnoi_app;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO tiengnoi_officer;
GRANT USAGE ON SEQUENCE audit_log_id_seq TO tiengnoi_app;
-- login and sessions happen before a scope exists: the app role handles them
GRANT SELECT, UPDATE (failed_logins, locked_until, password_hash, password_changed_at, totp_secret, totp_enabled)
    ON officer TO tiengnoi_app;
GRANT SELECT ON officer_recovery TO tiengnoi_app;
GRANT UPDATE (used_at) ON officer_recovery TO tiengnoi_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON session TO tiengnoi_app;

ALTER TABLE org_unit ENABLE ROW LEVEL SECURITY;
ALTER TABLE workplace ENABLE ROW LEVEL SECURITY;
ALTER TABLE entry_point ENABLE ROW LEVEL SECURITY;
ALTER TABLE submission ENABLE ROW LEVEL SECURITY;
ALTER TABLE attachment ENABLE ROW LEVEL SECURITY;
ALTER TABLE message ENABLE ROW LEVEL SECURITY;
ALTER TABLE note ENABLE ROW LEVEL SECURITY;
ALTER TABLE officer ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_log ENABLE ROW LEVEL SECURITY;

-- The worker side (tiengnoi_app without a scope) keeps what it had.
CREATE POLICY app_all ON org_unit TO tiengnoi_app USING (true);
CREATE POLICY app_all ON workplace TO tiengnoi_app USING (true);
CREATE POLICY app_all ON entry_point TO tiengnoi_app USING (true) WITH CHECK (true);
CREATE POLICY app_all ON submission TO tiengnoi_app USING (true) WITH CHECK (true);
CREATE POLICY app_all ON attachment TO tiengnoi_app USING (true) WITH CHECK (true);
CREATE POLICY app_all ON message TO tiengnoi_app USING (true) WITH CHECK (true);
CREATE POLICY app_all ON officer TO tiengnoi_app USING (true) WITH CHECK (true);
CREATE POLICY app_insert ON audit_log FOR INSERT TO tiengnoi_app WITH CHECK (true);

-- Officers: their unit's subtree, nothing else. Units above their own are
-- visible by name only through the path of their own unit (for breadcrumbs).
CREATE POLICY scope ON org_unit TO tiengnoi_officer
    USING (path LIKE scope_path() || '%' OR scope_path() LIKE path || '%')
    WITH CHECK (path = '' OR path LIKE scope_path() || '%');
CREATE POLICY scope ON workplace TO tiengnoi_officer
    USING (unit_in_scope(unit_id)) WITH CHECK (unit_in_scope(unit_id));
CREATE POLICY scope ON entry_point TO tiengnoi_officer
    USING (workplace_in_scope(workplace_id)) WITH CHECK (workplace_in_scope(workplace_id));
CREATE POLICY scope ON submission TO tiengnoi_officer
    USING (workplace_in_scope(workplace_id)) WITH CHECK (workplace_in_scope(workplace_id));
CREATE POLICY scope ON attachment TO tiengnoi_officer USING (submission_in_scope(submission_id));
CREATE POLICY scope ON message TO tiengnoi_officer
    USING (submission_in_scope(submission_id)) WITH CHECK (submission_in_scope(submission_id));
CREATE POLICY scope ON note TO tiengnoi_officer
    USING (submission_in_scope(submission_id)) WITH CHECK (submission_in_scope(submission_id));
CREATE POLICY scope ON officer TO tiengnoi_officer
    USING (unit_in_scope(unit_id)) WITH CHECK (unit_in_scope(unit_id));
CREATE POLICY scope ON audit_log TO tiengnoi_officer
    USING (unit_id IS NOT NULL AND unit_in_scope(unit_id)) WITH CHECK (true);
