-- 016_case_edits.sql: a case can be edited after creation (each edit a dated 'edit' event), and its documents are uploaded by officers only.

-- An edit records old → new values in the note; an upload points at its file.
ALTER TABLE case_event DROP CONSTRAINT case_event_kind_check;
ALTER TABLE case_event ADD CONSTRAINT case_event_kind_check
    CHECK (kind IN ('created', 'stage', 'note', 'attachment', 'totals', 'link', 'edit'));
ALTER TABLE case_event ADD COLUMN attachment_id bigint REFERENCES case_attachment (id);

-- Scope (sql/009) says where; the role says who: a viewer's transaction
-- adds no document and no event, and nobody writes in another's name.
CREATE POLICY role_insert ON case_attachment AS RESTRICTIVE FOR INSERT TO tiengnoi_officer
    WITH CHECK (console_role() IN ('officer', 'admin') AND officer_id = console_officer());
CREATE POLICY role_insert ON case_event AS RESTRICTIVE FOR INSERT TO tiengnoi_officer
    WITH CHECK (console_role() IN ('officer', 'admin') AND officer_id = console_officer());
