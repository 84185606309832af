-- 028_hotline_notify.sql: worker pages show the unit's hotline from their cached entry points, so a changed hotline (or a unit that ends or moves) tells every worker at once.

CREATE TRIGGER org_unit_hotline_changed AFTER UPDATE ON org_unit FOR EACH ROW
    WHEN (OLD.hotline IS DISTINCT FROM NEW.hotline OR OLD.status IS DISTINCT FROM NEW.status
          OR OLD.path IS DISTINCT FROM NEW.path)
    EXECUTE FUNCTION entry_changed();
