-- 066_report_row_trigger.sql: one BEFORE INSERT OR UPDATE trigger checks a report's row rules and status (instead of two CHECK constraints) and derives its search text (instead of a generated column): the same rows pass, the same rows fail with check_violation naming the same rule, the same search text, at a fraction of the cost per INSERT.
-- Why (issue 12 item 18; callgrind of single-user PostgreSQL, 200 of the app's INSERTs,
-- tests/bench/insert_instructions.sh): for every INSERT or UPDATE statement PostgreSQL reads each CHECK's
-- stored expression tree back (stringToNode) and plans it before it checks the one row. That was ~79,000
-- instructions for submission_row_rules (sql/064) and ~55,000 for submission_status_check, whose ARRAY[...]
-- of six statuses is folded into a constant again for every statement: ~13% of a report's INSERT. A PL/pgSQL
-- trigger's expressions are planned once per session; its call costs ~25,000. The generated search_text
-- (sql/004, 048) likewise had its expression read back and planned for every INSERT (~53,000 before it was
-- computed): the trigger computes the same expression (vn_fold over the answers' values), on INSERT and when
-- an UPDATE changes the answers (anonymisation), and keeps it otherwise, so it stays a function of the
-- answers whoever writes the row (~20,000 less a report).
-- The rules are sql/064's (NULL passes, as in a CHECK); the statuses are submission_status_list(), their one
-- definition, which submission_statuses() (sql/055) now reads instead of the CHECK's text. A row that breaks
-- a rule fails its INSERT or UPDATE with check_violation (23514) and the message a CHECK gives, naming
-- submission_row_rules or submission_status_check, without the failing row's values (a CHECK's DETAIL
-- printed the whole report, the worker's words too, into the server log).
-- Locks: DROP CONSTRAINT, DROP EXPRESSION and CREATE TRIGGER on submission take their locks for the catalog
-- change only (no scan, no rewrite: every stored row kept the CHECKs and has its search text).

-- The statuses a report may have, in the queue's order.
CREATE FUNCTION submission_status_list() RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT ARRAY['new', 'in_review', 'needs_info', 'referred', 'resolved', 'spam']
$$;

CREATE OR REPLACE FUNCTION submission_statuses() RETURNS SETOF text LANGUAGE sql STABLE AS $$
    SELECT unnest(submission_status_list())
$$;

ALTER TABLE submission DROP CONSTRAINT submission_row_rules, DROP CONSTRAINT submission_status_check,
    ALTER COLUMN search_text DROP EXPRESSION;
DROP FUNCTION submission_row_rules(jsonb, text, bigint, bigint, bytea, timestamptz, text, integer, text, text, bytea);

-- The rules a report's row keeps (sql/064's ten, and its status), and its search text: the answers' values
-- as a JSON array, folded (sql/048's generated expression). Answers that are no JSON object are refused by
-- the rules, by name, before the search text reads them.
CREATE FUNCTION submission_row_prepare() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT (jsonb_typeof(NEW.answers) = 'object'
            AND NEW.channel = ANY (ARRAY['qr', 'phone', 'in_person', 'paper'])
            AND (NEW.channel = 'qr') = (NEW.entry_point_id IS NOT NULL)         -- a QR report names its QR code
            AND (NEW.channel = 'qr') = (NEW.entered_by IS NULL)                 -- one an officer entered names the officer
            AND (NEW.contact_sealed IS NULL) = (NEW.contact_consent_at IS NULL) -- a sealed contact comes with its consent
            AND NEW.form_id ~ '^[a-z][a-z0-9_]*$' AND length(NEW.form_id) <= 40
            AND NEW.form_version >= 1
            AND NEW.idempotency_key ~ '^[A-Za-z0-9_-]+$' AND length(NEW.idempotency_key) BETWEEN 16 AND 64
            AND NEW.lang = ANY (ARRAY['vi', 'en'])
            AND length(NEW.receipt_hash) = 32) THEN
        RAISE EXCEPTION 'new row for relation "submission" violates check constraint "submission_row_rules"'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'submission_row_rules', TABLE = 'submission',
                  HINT = 'The rules are listed in sql/066_report_row_trigger.sql.';
    END IF;
    IF NOT (NEW.status = ANY (submission_status_list())) THEN
        RAISE EXCEPTION 'new row for relation "submission" violates check constraint "submission_status_check"'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'submission_status_check', TABLE = 'submission',
                  HINT = 'A status is one of submission_status_list().';
    END IF;
    IF TG_OP = 'INSERT' OR NEW.answers IS DISTINCT FROM OLD.answers THEN
        NEW.search_text := vn_fold(jsonb_path_query_array(NEW.answers, 'strict $.*')::text);
    ELSE
        NEW.search_text := OLD.search_text;
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER submission_row_prepare BEFORE INSERT OR UPDATE ON submission
    FOR EACH ROW EXECUTE FUNCTION submission_row_prepare();
