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

-- "Công đoàn đã làm gì": what came of workers' reports at a workplace, for the workers who scan
-- its QR codes. Only what an officer approved is shown, as it was approved (a snapshot, not live
-- figures): aggregate lines each with at least 5 reports behind it (fcgi/results.c computes
-- them), nothing about anyone. One live snapshot per workplace; withdrawing keeps the row (who,
-- when) and the worker pages show nothing until a new approval.
CREATE TABLE workplace_result (
    id           bigserial PRIMARY KEY,
    workplace_id bigint NOT NULL REFERENCES workplace (id),
    approved_by  bigint NOT NULL REFERENCES officer (id),
    approved_at  timestamptz NOT NULL DEFAULT now(),
    withdrawn_by bigint REFERENCES officer (id),
    withdrawn_at timestamptz,
    CHECK ((withdrawn_at IS NULL) = (withdrawn_by IS NULL))
);
CREATE UNIQUE INDEX workplace_result_live_idx ON workplace_result (workplace_id) WHERE withdrawn_at IS NULL;

-- One line of a snapshot: resolved reports of one kind (`n` of them), or the employer's
-- commitments (`n` made, `kept` done) at rounds that took up `reports` reports; labels in both
-- languages as approved.
CREATE TABLE workplace_result_line (
    result_id bigint NOT NULL REFERENCES workplace_result (id),
    position  integer NOT NULL CHECK (position BETWEEN 1 AND 100),
    kind      text NOT NULL CHECK (kind IN ('resolved', 'commitments')),
    label_vi  text NOT NULL CHECK (length(label_vi) BETWEEN 1 AND 200),
    label_en  text NOT NULL CHECK (length(label_en) BETWEEN 1 AND 200),
    n         integer NOT NULL CHECK (n >= 1),
    kept      integer CHECK (kept >= 0 AND kept <= n),
    reports   integer NOT NULL CHECK (reports >= 5),     -- the k = 5 rule, kept by the database too
    PRIMARY KEY (result_id, position),
    CHECK ((kind = 'commitments') = (kept IS NOT NULL))
);

GRANT SELECT, INSERT ON workplace_result, workplace_result_line TO tiengnoi_officer;
GRANT UPDATE (withdrawn_by, withdrawn_at) ON workplace_result TO tiengnoi_officer;
GRANT USAGE ON SEQUENCE workplace_result_id_seq TO tiengnoi_officer;
ALTER TABLE workplace_result ENABLE ROW LEVEL SECURITY;
ALTER TABLE workplace_result_line ENABLE ROW LEVEL SECURITY;
CREATE POLICY scope ON workplace_result TO tiengnoi_officer
    USING (workplace_id IN (SELECT scope_workplaces())) WITH CHECK (workplace_id IN (SELECT scope_workplaces()));
CREATE POLICY role_insert ON workplace_result AS RESTRICTIVE FOR INSERT TO tiengnoi_officer
    WITH CHECK (console_role() IN ('officer', 'admin') AND approved_by = console_officer());
CREATE POLICY role_update ON workplace_result AS RESTRICTIVE FOR UPDATE TO tiengnoi_officer
    USING (console_role() IN ('officer', 'admin')) WITH CHECK (withdrawn_by = console_officer());
CREATE POLICY scope ON workplace_result_line TO tiengnoi_officer
    USING (result_id IN (SELECT id FROM workplace_result)) WITH CHECK (result_id IN (SELECT id FROM workplace_result));
-- the worker pages read the live snapshots (approved figures only: nothing else is stored here)
GRANT SELECT ON workplace_result, workplace_result_line TO tiengnoi_app;
CREATE POLICY app_read ON workplace_result FOR SELECT TO tiengnoi_app USING (true);
CREATE POLICY app_read ON workplace_result_line FOR SELECT TO tiengnoi_app USING (true);
