-- 001_core.sql: the union tree, workplaces, QR entry points and submissions, with the app's role.

-- Unit kinds are data (DOMAIN.md), so a new kind is a row, not a code change.
CREATE TABLE unit_kind (
    code    text PRIMARY KEY CHECK (code ~ '^[a-z_]{2,30}$'),
    name_vi text NOT NULL,
    name_en text NOT NULL
);
INSERT INTO unit_kind (code, name_vi, name_en) VALUES
    ('national',        'Tổng Liên đoàn Lao động Việt Nam',   'National confederation'),
    ('province',        'Liên đoàn Lao động tỉnh, thành phố', 'Provincial federation'),
    ('district',        'Liên đoàn Lao động huyện (đến 2025)', 'District federation (until 2025)'),
    ('commune',         'Công đoàn xã, phường',               'Commune or ward union'),
    ('sector',          'Công đoàn ngành',                    'Sector union'),
    ('industrial_park', 'Công đoàn khu công nghiệp',          'Industrial-park union'),
    ('public',          'Công đoàn Viên chức',                'Public-employees union'),
    ('grassroots',      'Công đoàn cơ sở',                    'Grassroots union'),
    ('informal',        'Nghiệp đoàn cơ sở',                  'Grassroots union of informal workers');

-- The union hierarchy. `path` ('/1/4/9/') makes "everything under unit X"
-- one indexed prefix test; triggers keep it right when a unit is re-parented.
CREATE TABLE org_unit (
    id          bigserial PRIMARY KEY,
    code        text NOT NULL UNIQUE CHECK (code ~ '^[A-Z0-9][A-Z0-9_-]{1,39}$'),
    name        text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 300),
    kind        text NOT NULL REFERENCES unit_kind (code),
    parent_id   bigint REFERENCES org_unit (id),
    path        text NOT NULL DEFAULT '' ,
    status      text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'ended', 'merged')),
    merged_into bigint REFERENCES org_unit (id),
    hotline     text CHECK (hotline ~ '^[0-9 +().-]{3,30}$'),
    created_at  timestamptz NOT NULL DEFAULT now(),
    ended_at    timestamptz,
    CHECK (parent_id IS DISTINCT FROM id),
    CHECK ((status = 'merged') = (merged_into IS NOT NULL)),
    CHECK ((status = 'active') = (ended_at IS NULL))
);
CREATE INDEX org_unit_path_idx ON org_unit (path text_pattern_ops);
CREATE INDEX org_unit_parent_idx ON org_unit (parent_id);

CREATE FUNCTION org_unit_set_path() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    parent_path text;
BEGIN
    IF NEW.parent_id IS NULL THEN
        NEW.path := '/' || NEW.id || '/';
    ELSE
        SELECT path INTO parent_path FROM org_unit WHERE id = NEW.parent_id;
        IF parent_path LIKE '%/' || NEW.id || '/%' THEN
            RAISE EXCEPTION 'unit % cannot be placed under its own descendant', NEW.code
                USING ERRCODE = 'check_violation';
        END IF;
        NEW.path := parent_path || NEW.id || '/';
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER org_unit_path_ins BEFORE INSERT ON org_unit
    FOR EACH ROW EXECUTE FUNCTION org_unit_set_path();
CREATE TRIGGER org_unit_path_upd BEFORE UPDATE OF parent_id ON org_unit
    FOR EACH ROW WHEN (OLD.parent_id IS DISTINCT FROM NEW.parent_id)
    EXECUTE FUNCTION org_unit_set_path();

-- Re-parenting moves the whole subtree at once, so scope follows the tree.
CREATE FUNCTION org_unit_move_subtree() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE org_unit SET path = NEW.path || substr(path, length(OLD.path) + 1)
     WHERE path LIKE OLD.path || '%' AND id <> NEW.id;
    RETURN NULL;
END $$;
CREATE TRIGGER org_unit_path_moved AFTER UPDATE OF path ON org_unit
    FOR EACH ROW WHEN (OLD.path IS DISTINCT FROM NEW.path AND OLD.path <> '')
    EXECUTE FUNCTION org_unit_move_subtree();

-- An enterprise or agency where workers report from.
CREATE TABLE workplace (
    id         bigserial PRIMARY KEY,
    code       text NOT NULL UNIQUE CHECK (code ~ '^[A-Z0-9][A-Z0-9_-]{1,39}$'),
    name       text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 300),
    unit_id    bigint NOT NULL REFERENCES org_unit (id),
    tax_code   text CHECK (tax_code ~ '^[0-9]{10}(-[0-9]{3})?$'),
    address    text CHECK (length(address) <= 500),
    sector     text CHECK (length(sector) <= 100),
    ownership  text CHECK (ownership IN ('state', 'non_state', 'fdi')),
    headcount  integer CHECK (headcount >= 0),
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX workplace_unit_idx ON workplace (unit_id);

-- One posted QR code. The token is what the poster carries; the scan count
-- is a count only, nothing about who scanned.
CREATE TABLE entry_point (
    id           bigserial PRIMARY KEY,
    token        text NOT NULL UNIQUE CHECK (token ~ '^[2-9A-HJKMNP-Z]{10,32}$'),
    workplace_id bigint NOT NULL REFERENCES workplace (id),
    label        text NOT NULL DEFAULT '' CHECK (length(label) <= 200),
    forms        text[] NOT NULL CHECK (cardinality(forms) BETWEEN 1 AND 20),
    created_at   timestamptz NOT NULL DEFAULT now(),
    revoked_at   timestamptz,
    scan_count   bigint NOT NULL DEFAULT 0 CHECK (scan_count >= 0)
);
CREATE INDEX entry_point_workplace_idx ON entry_point (workplace_id);

-- A worker's report. The receipt code is never stored, only its keyed hash;
-- no IP address or user agent is stored at all.
CREATE TABLE submission (
    id              bigserial PRIMARY KEY,
    form_id         text NOT NULL CHECK (form_id ~ '^[a-z][a-z0-9_]{0,39}$'),
    form_version    integer NOT NULL CHECK (form_version >= 1),
    workplace_id    bigint NOT NULL REFERENCES workplace (id),
    unit_id         bigint NOT NULL REFERENCES org_unit (id),   -- the unit it was filed under
    entry_point_id  bigint REFERENCES entry_point (id),
    channel         text NOT NULL DEFAULT 'qr' CHECK (channel IN ('qr', 'phone', 'in_person', 'paper')),
    received_at     timestamptz NOT NULL DEFAULT now(),
    answers         jsonb NOT NULL CHECK (jsonb_typeof(answers) = 'object'),
    lang            text NOT NULL CHECK (lang IN ('vi', 'en')),
    idempotency_key text NOT NULL UNIQUE CHECK (idempotency_key ~ '^[A-Za-z0-9_-]{16,64}$'),
    receipt_hash    bytea NOT NULL UNIQUE CHECK (length(receipt_hash) = 32),
    status          text NOT NULL DEFAULT 'new'
                    CHECK (status IN ('new', 'in_review', 'needs_info', 'referred', 'resolved', 'spam')),
    assignee_id     bigint,
    urgent          boolean NOT NULL DEFAULT false,
    contact_sealed  bytea,
    CHECK ((channel = 'qr') = (entry_point_id IS NOT NULL))
);
CREATE INDEX submission_workplace_idx ON submission (workplace_id, received_at DESC);
CREATE INDEX submission_unit_idx ON submission (unit_id, received_at DESC);

-- The app connects as tiengnoi_app: it reads what it renders and inserts
-- submissions; it cannot change the tree or delete anything.
DO $$ BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'tiengnoi_app') THEN
        CREATE ROLE tiengnoi_app LOGIN;
    END IF;
END $$;
GRANT USAGE ON SCHEMA public TO tiengnoi_app;
GRANT SELECT ON unit_kind, org_unit, workplace, entry_point TO tiengnoi_app;
GRANT UPDATE (scan_count) ON entry_point TO tiengnoi_app;
GRANT SELECT, INSERT ON submission TO tiengnoi_app;
GRANT USAGE ON SEQUENCE submission_id_seq TO tiengnoi_app;
