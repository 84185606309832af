-- 032_api_token.sql: tokens for the read API (/api/v1/): each acts as one officer, stored hashed, revocable, scoped like the console.

-- A token is "tn_" PREFIX "_" SECRET: PREFIX (12 hex) finds the row, SECRET
-- is 32 random bytes in hex. Only sha256 of the whole token is kept, so a
-- copy of the database opens nothing; the token is shown once, at creation.
-- The officer's role and unit are read at every call, so moving or
-- disabling the officer changes or stops their tokens at once.
CREATE TABLE api_token (
    id           bigserial PRIMARY KEY,
    prefix       text NOT NULL UNIQUE CHECK (prefix ~ '^[0-9a-f]{12}$'),
    hash         bytea NOT NULL CHECK (length(hash) = 32),
    officer_id   bigint NOT NULL REFERENCES officer (id),
    name         text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 100),
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz,                          -- NULL: until revoked
    revoked_at   timestamptz,
    revoked_by   bigint REFERENCES officer (id),       -- NULL with revoked_at: revoked with the CLI
    last_used_at timestamptz,                          -- kept to the minute
    CHECK (revoked_by IS NULL OR revoked_at IS NOT NULL)
);
CREATE INDEX api_token_officer_idx ON api_token (officer_id);

-- The app finds a token by its prefix before any scope exists (as it finds
-- sessions) and notes its last use; nothing else.
GRANT SELECT ON api_token TO tiengnoi_app;
GRANT UPDATE (last_used_at) ON api_token TO tiengnoi_app;
-- In the console (/admin/tokens): an officer sees and revokes their own
-- tokens, an admin also those of the officers of their subtree.
GRANT SELECT ON api_token TO tiengnoi_officer;
GRANT UPDATE (revoked_at, revoked_by) ON api_token TO tiengnoi_officer;

CREATE FUNCTION api_token_visible(owner bigint) RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT owner = console_officer()
        OR (console_role() = 'admin' AND owner IN (SELECT o.id FROM officer o WHERE o.unit_id IN (SELECT scope_units())))
$$;

ALTER TABLE api_token ENABLE ROW LEVEL SECURITY;
CREATE POLICY app_all ON api_token TO tiengnoi_app USING (true) WITH CHECK (true);
CREATE POLICY scope ON api_token TO tiengnoi_officer
    USING (api_token_visible(officer_id))
    WITH CHECK (api_token_visible(officer_id) AND revoked_by = console_officer());
