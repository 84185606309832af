-- 008_entry_notify.sql: app workers cache QR entry points; any change to them or their workplaces tells every worker at once.

CREATE FUNCTION entry_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('tiengnoi_entry', TG_TABLE_NAME);
    RETURN NULL;
END $$;

-- counting a scan is not a change anyone caches
CREATE TRIGGER entry_point_changed AFTER UPDATE ON entry_point FOR EACH ROW
    WHEN (OLD.token IS DISTINCT FROM NEW.token OR OLD.revoked_at IS DISTINCT FROM NEW.revoked_at
          OR OLD.forms IS DISTINCT FROM NEW.forms OR OLD.label IS DISTINCT FROM NEW.label
          OR OLD.workplace_id IS DISTINCT FROM NEW.workplace_id)
    EXECUTE FUNCTION entry_changed();
CREATE TRIGGER entry_point_removed AFTER DELETE OR TRUNCATE ON entry_point
    FOR EACH STATEMENT EXECUTE FUNCTION entry_changed();
CREATE TRIGGER workplace_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON workplace
    FOR EACH STATEMENT EXECUTE FUNCTION entry_changed();
