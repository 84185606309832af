-- 068_urgent_event_once.sql: a report marked urgent before the sender has queued its events gets one urgent event, not two.
--
-- Why (review of sql/065): since sql/065 the sender queues a new report's events (created, and urgent
-- when it is urgent) from the sealed reports, a fraction of a second after they are written, reading the
-- report as it is then (outbox_queue_reports). A report marked urgent within that fraction of a second (by
-- an API client or a script: an officer's hand is slower) had one urgent event from the UPDATE trigger
-- and a second from the sender, which already read it urgent: two `submission.urgent` webhook deliveries
-- with two event ids (the mails were one: their dedup_key is the report and the officer).
--
-- Now the UPDATE trigger leaves a report above the mark `queued` to the sender. It reads the mark's row
-- FOR SHARE, and outbox_queue_reports() takes that row FOR UPDATE SKIP LOCKED, so:
--   - the trigger first: the sender queues nothing while the officer's transaction holds the row (it
--     tries again at its next poll), and then reads the report urgent;
--   - the sender first: the trigger waits for it to commit and reads the mark it moved. The report was
--     read by the sender before this change was committed (not urgent then), so it is at or below the
--     mark, and the trigger queues the urgent event itself.
-- Integration row "notify2: a report marked urgent before or after the sender queues it: one urgent event".
--
-- Locks: CREATE OR REPLACE FUNCTION changes the catalog only.

CREATE OR REPLACE FUNCTION outbox_event_submission() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = public AS $$
BEGIN
    IF NEW.id <= coalesce((SELECT report_id FROM submission_mark WHERE mark = 'queued' FOR SHARE), NEW.id) THEN
        PERFORM outbox_event_queue(NEW, false);
    END IF;
    RETURN NULL;
END $$;
