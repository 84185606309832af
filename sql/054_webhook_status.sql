-- 054_webhook_status.sql: admins see each webhook receiver's state: paused or not (until when, why), and how many of its events are kept aside.

-- Before, a paused receiver's kept events (sql/047) were visible to nobody:
-- /admin/outbox and `webhook list` counted delivery rows only, so a dead
-- receiver looked idle while thousands of reports waited for it. The sender
-- records the error that paused a receiver (cleared when it answers again).
ALTER TABLE webhook ADD COLUMN last_error text NOT NULL DEFAULT '' CHECK (length(last_error) <= 500);

-- The console (admins, their subtree's webhooks) reads the state and counts
-- the kept events; it never changes them.
GRANT SELECT (failures, retry_at, last_error) ON webhook TO tiengnoi_officer;
GRANT SELECT (webhook_id, submission_ids) ON webhook_deferred TO tiengnoi_officer;
ALTER TABLE webhook_deferred ENABLE ROW LEVEL SECURITY;
-- the webhooks the officer sees (webhook's own policies: in scope, admins only)
CREATE POLICY scope ON webhook_deferred TO tiengnoi_officer USING (webhook_id IN (SELECT id FROM webhook));

-- One row per live webhook: its state and its deliveries counted by status,
-- read by `tiengnoi-admin webhook list`, /admin/outbox and /admin/webhooks
-- (as the reader: an officer sees the webhooks and rows of their scope).
-- kept: events of a paused receiver not yet turned into deliveries.
CREATE VIEW webhook_status WITH (security_invoker = true) AS
SELECT h.id, h.unit_id, h.url, h.events,
       h.failures > 0 AS paused,
       CASE WHEN h.failures > 0 THEN h.retry_at END AS paused_until,   -- then one delivery probes it
       CASE WHEN h.failures > 0 THEN h.last_error ELSE '' END AS last_error,
       (SELECT coalesce(sum(cardinality(d.submission_ids)), 0) FROM webhook_deferred d WHERE d.webhook_id = h.id) AS kept,
       count(x.id) FILTER (WHERE x.status = 'pending') AS pending,
       count(x.id) FILTER (WHERE x.status = 'sent') AS sent,
       count(x.id) FILTER (WHERE x.status = 'failed') AS failed
FROM webhook h LEFT JOIN outbox x ON x.webhook_id = h.id
WHERE h.removed_at IS NULL
GROUP BY h.id;
GRANT SELECT ON webhook_status TO tiengnoi_officer;

-- The events lane calls webhook_catch_up at every poll (every 50 ms under
-- load). Its test for kept rows past the 24-hour window (sql/047) cannot use
-- the index on `oldest` (the window is scaled by a parameter), so each call
-- read every kept row even when there was nothing to do: 6 ms per call with
-- 1,200 kept rows (77,000 events), growing with a dead receiver's backlog,
-- most of what a dead receiver cost the database per report. The function
-- of sql/047 is kept under another name and called only when there may be
-- something to do: kept rows past the window (one step down the index), or
-- a receiver with kept rows that is back, probing, or removed (a superset of
-- sql/047's test, which then decides exactly as before).
ALTER FUNCTION webhook_catch_up(integer, float8) RENAME TO webhook_catch_up_batches;
CREATE FUNCTION webhook_catch_up(n integer, scale float8) RETURNS integer LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = public AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM webhook_deferred d WHERE d.oldest < now() - interval '24 hours' * scale)
       AND NOT EXISTS (SELECT 1 FROM webhook h
                       WHERE (h.removed_at IS NOT NULL OR h.failures = 0 OR h.retry_at <= now())
                         AND EXISTS (SELECT 1 FROM webhook_deferred x WHERE x.webhook_id = h.id)) THEN
        RETURN 0;
    END IF;
    RETURN webhook_catch_up_batches(n, scale);
END $$;
REVOKE ALL ON FUNCTION webhook_catch_up(integer, float8) FROM PUBLIC;
