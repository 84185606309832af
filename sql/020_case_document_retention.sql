-- 020_case_document_retention.sql: case documents leave with their case: deleted once it has been closed for the retention period, their record kept.
-- Payslips, minutes and decisions carry names and wages. A closed case's reports are kept for closed_case_keep
-- (the court limitation period, sql/011) and then purged; its documents now follow the same rule. What a
-- document was (name, type, size, SHA-256, who added it and when) stays, so the case history and a dossier
-- still say what existed; the bytes go, and purged_at says when.

ALTER TABLE case_attachment ALTER COLUMN data DROP NOT NULL;
ALTER TABLE case_attachment ADD COLUMN purged_at timestamptz;
DO $$
DECLARE c text;
BEGIN
    FOR c IN SELECT conname FROM pg_constraint WHERE conrelid = 'case_attachment'::regclass AND contype = 'c'
              AND pg_get_constraintdef(oid) LIKE '%length(data)%' LOOP
        EXECUTE format('ALTER TABLE case_attachment DROP CONSTRAINT %I', c);
    END LOOP;
END $$;
ALTER TABLE case_attachment ADD CONSTRAINT case_attachment_data_kept
    CHECK ((purged_at IS NULL AND data IS NOT NULL AND length(data) = size) OR (purged_at IS NOT NULL AND data IS NULL));

-- Deletes the bytes of the documents of cases closed longer ago than the
-- default closed_case_keep (the '*' retention row). Idempotent; the caller
-- (tiengnoi-admin purge) audits the count and rolls back for a dry run.
CREATE FUNCTION case_documents_purge(OUT documents integer)
    LANGUAGE plpgsql SET search_path = public AS $$
BEGIN
    UPDATE case_attachment a SET data = NULL, purged_at = now()
      FROM dispute_case k, retention_policy p
     WHERE k.id = a.case_id AND p.form_id = '*' AND a.purged_at IS NULL
       AND k.stage = 'closed' AND k.stage_entered_on + p.closed_case_keep < now();
    GET DIAGNOSTICS documents = ROW_COUNT;
END $$;
