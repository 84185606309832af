-- migrate: outside a transaction
-- 064_cheaper_submission_checks.sql: ten of a report's CHECK constraints become one that calls a PL/pgSQL function holding the same rules, and the idempotency-key patterns of reports and replies lose their bounded repetitions: the same rows pass, at a fraction of the cost per INSERT.
-- Why (issue 12 item 18; callgrind of single-user PostgreSQL, 100 of the app's INSERTs, docs/performance.md,
-- "What an insert costs, fourth pass"):
-- * For every INSERT statement PostgreSQL reads each CHECK constraint's stored expression back
--   (stringToNode) and plans it before checking the one row: ~250,000 instructions of a report's ~1.6
--   million went to reading back the eleven constraints' trees, ~380,000 to ExecConstraints in all. One
--   constraint whose expression is a call of a PL/pgSQL function is a small tree; the function's own
--   expression is planned once per session.
-- * PostgreSQL's regular-expression engine builds the states of a bounded repetition out:
--   `~ '^[A-Za-z0-9_-]{16,64}$'` took 10.6 us per match, `~ '^[a-z][a-z0-9_]{0,39}$'` 6.1 us, against 1.0 us
--   for `~ '^[A-Za-z0-9_-]+$'` (100,000 matches each). The rules test the length apart instead (the
--   characters are ASCII, so length() counts them): the same strings pass.
-- submission_status_check stays as it is: submission_statuses() (sql/055) reads the statuses from it.
-- A row that breaks a rule still fails its INSERT or UPDATE with check_violation (23514), now naming
-- submission_row_rules (the function lists the rules).
-- Locks: each ALTER TABLE swaps constraints as NOT VALID (ACCESS EXCLUSIVE for the catalog change only);
-- each VALIDATE then reads the table under SHARE UPDATE EXCLUSIVE, which lets reports be written meanwhile
-- (outside a transaction: each statement commits on its own). New rows are checked from the swap on.

-- The rules a report's row keeps, as the ten constraints it replaces (NULL, as for a CHECK, passes).
-- PL/pgSQL, not SQL: a SQL function would be inlined, and its body parsed, for every INSERT again.
CREATE FUNCTION submission_row_rules(answers jsonb, channel text, entry_point_id bigint, entered_by bigint,
                                     contact_sealed bytea, contact_consent_at timestamptz, form_id text,
                                     form_version integer, idempotency_key text, lang text, receipt_hash bytea)
    RETURNS boolean LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
BEGIN
    RETURN jsonb_typeof(answers) = 'object'
       AND channel = ANY (ARRAY['qr', 'phone', 'in_person', 'paper'])
       AND (channel = 'qr') = (entry_point_id IS NOT NULL)                -- a QR report names its QR code
       AND (channel = 'qr') = (entered_by IS NULL)                        -- one an officer entered names the officer
       AND (contact_sealed IS NULL) = (contact_consent_at IS NULL)        -- a sealed contact comes with its consent
       AND form_id ~ '^[a-z][a-z0-9_]*$' AND length(form_id) <= 40
       AND form_version >= 1
       AND idempotency_key ~ '^[A-Za-z0-9_-]+$' AND length(idempotency_key) BETWEEN 16 AND 64
       AND lang = ANY (ARRAY['vi', 'en'])
       AND length(receipt_hash) = 32;
END $$;

ALTER TABLE submission
    DROP CONSTRAINT submission_answers_check,
    DROP CONSTRAINT submission_channel_check,
    DROP CONSTRAINT submission_check,
    DROP CONSTRAINT submission_entered_by,
    DROP CONSTRAINT submission_contact_consent,
    DROP CONSTRAINT submission_form_id_check,
    DROP CONSTRAINT submission_form_version_check,
    DROP CONSTRAINT submission_idempotency_key_check,
    DROP CONSTRAINT submission_lang_check,
    DROP CONSTRAINT submission_receipt_hash_check,
    ADD CONSTRAINT submission_row_rules CHECK (submission_row_rules(answers, channel, entry_point_id, entered_by,
        contact_sealed, contact_consent_at, form_id, form_version, idempotency_key, lang, receipt_hash)) NOT VALID;
ALTER TABLE submission VALIDATE CONSTRAINT submission_row_rules;

ALTER TABLE message
    DROP CONSTRAINT message_idempotency_key_check,
    ADD CONSTRAINT message_idempotency_key_check
        CHECK (idempotency_key ~ '^[A-Za-z0-9_-]+$' AND length(idempotency_key) BETWEEN 16 AND 64) NOT VALID;
ALTER TABLE message VALIDATE CONSTRAINT message_idempotency_key_check;
