-- 002_followup.sql: photos, the two-way thread with the (anonymous) worker, and contact consent.
-- rewrites: submission — a CHECK constraint validated by a full scan (lock times at 1M rows: docs/operations.md, Upgrades)

-- Photos sent with a report: metadata already stripped by the app, checked
-- by content; the bytes live here so backups and scope rules cover them.
CREATE TABLE attachment (
    id            bigserial PRIMARY KEY,
    submission_id bigint NOT NULL REFERENCES submission (id),
    field         text NOT NULL CHECK (field ~ '^[a-z][a-z0-9_]{0,39}$'),
    mime          text NOT NULL CHECK (mime IN ('image/jpeg', 'image/png', 'image/webp', 'application/pdf')),
    size          integer NOT NULL CHECK (size BETWEEN 1 AND 5242880),
    sha256        bytea NOT NULL CHECK (length(sha256) = 32),
    data          bytea NOT NULL CHECK (length(data) = size),
    created_at    timestamptz NOT NULL DEFAULT now(),
    UNIQUE (submission_id, sha256)
);
CREATE INDEX attachment_submission_idx ON attachment (submission_id);

-- Messages between officers and the worker who holds the receipt.
CREATE TABLE message (
    id              bigserial PRIMARY KEY,
    submission_id   bigint NOT NULL REFERENCES submission (id),
    author          text NOT NULL CHECK (author IN ('officer', 'worker')),
    officer_id      bigint,
    body            text NOT NULL CHECK (length(btrim(body)) BETWEEN 1 AND 4000),
    created_at      timestamptz NOT NULL DEFAULT now(),
    idempotency_key text UNIQUE CHECK (idempotency_key ~ '^[A-Za-z0-9_-]{16,64}$'),
    CHECK ((author = 'worker') = (officer_id IS NULL))
);
CREATE INDEX message_submission_idx ON message (submission_id, created_at);

-- When the worker last wrote, so officers see replies waiting.
ALTER TABLE submission ADD COLUMN worker_replied_at timestamptz;
-- Consent to be contacted is recorded with the notice version shown.
ALTER TABLE submission ADD COLUMN contact_consent_at timestamptz;
ALTER TABLE submission ADD CONSTRAINT submission_contact_consent
    CHECK ((contact_sealed IS NULL) = (contact_consent_at IS NULL));

GRANT SELECT, INSERT ON attachment, message TO tiengnoi_app;
GRANT USAGE ON SEQUENCE attachment_id_seq, message_id_seq TO tiengnoi_app;
GRANT UPDATE (worker_replied_at) ON submission TO tiengnoi_app;
