-- 046_loop.sql: closing the loop at the workplace (issue 14): the worker's stoppage report offered by every general QR code and linked to the stoppage an officer records from it; agreement expiry reminders; the approved "what the union did" snapshots.

-- A worker can tell the union that a collective work stoppage is happening or about to (form
-- `stoppage`, always urgent). Every QR code that offers the general concern form offers it too;
-- QR codes made for one purpose (a survey, a canteen's meal form) are left as their officer chose.
UPDATE entry_point SET forms = forms || ARRAY['stoppage']
WHERE 'concern' = ANY (forms) AND NOT 'stoppage' = ANY (forms) AND cardinality(forms) < 20;

-- The worker's report an officer recorded a stoppage from (NULL: recorded from elsewhere). One
-- stoppage per report, so the report page can say it is recorded.
ALTER TABLE work_stoppage ADD COLUMN submission_id bigint UNIQUE REFERENCES submission (id);

-- Agreement expiry reminders. A workplace's current agreement (its newest by effective date)
-- reminds the officers in scope who keep reminders on (notify_reminder) by mail: once when it
-- comes within agreement_warn_days() of its expiry (the legal_deadline row agreement_renewal:
-- Bộ luật Lao động 2019, Điều 81, 90 days) and once on the day it expires. The sender calls this
-- with notify_schedule on every scheduling pass (tests pass a fixed time); the outbox's dedup_key
-- (agreement, expiry date, threshold, officer) keeps each reminder single, and a renewed
-- agreement (a newer row) ends its predecessor's reminders. Returns the mails queued.
CREATE INDEX collective_agreement_expires_idx ON collective_agreement (expires_on);

CREATE FUNCTION agreement_schedule(at timestamptz) RETURNS integer LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = public AS $$
DECLARE
    today date := (at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date;
    n integer;
BEGIN
    WITH due AS (
        SELECT a.id, a.expires_on, w.unit_id, u.path,
               CASE WHEN a.expires_on = today THEN 'day' ELSE 'before' END AS what
        FROM collective_agreement a JOIN workplace w ON w.id = a.workplace_id JOIN org_unit u ON u.id = w.unit_id
        WHERE a.expires_on BETWEEN today AND today + agreement_warn_days()
          AND NOT EXISTS (SELECT 1 FROM collective_agreement b WHERE b.workplace_id = a.workplace_id
                          AND (b.effective_on, b.id) > (a.effective_on, a.id))
    )
    INSERT INTO outbox (kind, event, unit_id, officer_id, payload, dedup_key)
    SELECT 'mail', 'agreement.expiring', d.unit_id, o.id,
           jsonb_build_object('agreement_id', d.id, 'expires_on', d.expires_on, 'when', d.what),
           'agreement:' || d.id || ':' || d.expires_on || ':' || d.what || ':' || o.id
    FROM due d
    JOIN officer o ON o.email IS NOT NULL AND o.disabled_at IS NULL AND o.notify_reminder
    JOIN org_unit ou ON ou.id = o.unit_id AND d.path LIKE ou.path || '%'
    WHERE NOT EXISTS (SELECT 1 FROM outbox x
                      WHERE x.dedup_key = 'agreement:' || d.id || ':' || d.expires_on || ':' || d.what || ':' || o.id)
    ON CONFLICT (dedup_key) DO NOTHING;
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
END $$;
REVOKE ALL ON FUNCTION agreement_schedule(timestamptz) FROM PUBLIC;
