-- 011_retention.sql: the data lifecycle: retention per form as data, anonymisation on schedule, data-subject requests.
-- rewrites: submission — an index built without CONCURRENTLY (lock times at 1M rows: docs/operations.md, Upgrades)

-- How long a report keeps what identifies or describes a person. The
-- periods are legal judgements, not code: DOMAIN.md marks them
-- [unverified], so they live here with their source and an officer (or
-- counsel) corrects a row. A form without a row of its own follows '*'.
CREATE TABLE retention_policy (
    form_id          text PRIMARY KEY CHECK (form_id = '*' OR form_id ~ '^[a-z][a-z0-9_]{0,39}$'),
    anonymise_after  interval NOT NULL CHECK (anonymise_after >= interval '1 day'),
    photos_after     interval NOT NULL CHECK (photos_after >= interval '1 day'),
    -- a closed labour-dispute case keeps its reports this long after closing
    closed_case_keep interval NOT NULL CHECK (closed_case_keep >= interval '0'),
    source           text NOT NULL CHECK (length(btrim(source)) BETWEEN 1 AND 1000),
    updated_at       timestamptz NOT NULL DEFAULT now()
);
INSERT INTO retention_policy (form_id, anonymise_after, photos_after, closed_case_keep, source) VALUES
    ('*', '24 months', '6 months', '1 year',
     'Default [unverified], to confirm with counsel. Law 91/2025/QH15 and Decree 356/2025 ask for '
     'storage no longer than the purpose needs but set no period for this use. 24 months covers two '
     'yearly reporting cycles and workplace dialogues (Labour Code Art. 63); photos 6 months (the '
     'mediator''s limitation period, Art. 190); a closed case keeps its reports for the 1-year court '
     'limitation period (Art. 190). Messages and notes follow their report.');

-- When a report was anonymised; NULL while it still holds its answers.
ALTER TABLE submission ADD COLUMN anonymised_at timestamptz;
CREATE INDEX submission_retention_idx ON submission (received_at) WHERE anonymised_at IS NULL;

-- Reports a labour-dispute case still needs. The case tables come from
-- another migration (dispute_case with a `stage` where 'closed' means
-- closed, case_submission linking reports); without them nothing is held.
-- Columns are found in the catalogue so this works whatever that migration
-- calls its link and its closing time. closed_at is 'infinity' for a report
-- in any open case, else the latest closing of its cases ('infinity' too
-- when the case table keeps no time of closing: keep rather than guess).
CREATE FUNCTION retention_holds() RETURNS TABLE (submission_id bigint, closed_at timestamptz)
    LANGUAGE plpgsql STABLE SET search_path = public AS $$
DECLARE
    sub_col text;
    case_col text;
    closed_col text;
BEGIN
    IF to_regclass('public.case_submission') IS NULL OR to_regclass('public.dispute_case') IS NULL THEN
        RETURN;
    END IF;
    SELECT a.attname INTO sub_col FROM pg_constraint c
      JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
     WHERE c.conrelid = 'public.case_submission'::regclass AND c.contype = 'f'
       AND c.confrelid = 'public.submission'::regclass LIMIT 1;
    SELECT a.attname INTO case_col FROM pg_constraint c
      JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
     WHERE c.conrelid = 'public.case_submission'::regclass AND c.contype = 'f'
       AND c.confrelid = 'public.dispute_case'::regclass LIMIT 1;
    SELECT column_name INTO closed_col FROM information_schema.columns
     WHERE table_schema = 'public' AND table_name = 'dispute_case'
       AND column_name IN ('closed_at', 'stage_entered_on', 'stage_changed_at', 'updated_at')
     ORDER BY array_position(ARRAY['closed_at', 'stage_entered_on', 'stage_changed_at', 'updated_at'],
                             column_name::text) LIMIT 1;
    RETURN QUERY EXECUTE format(
        'SELECT cs.%I::bigint, max(CASE WHEN d.stage = ''closed'' THEN coalesce(%s, ''infinity'') '
        'ELSE ''infinity'' END)::timestamptz FROM public.case_submission cs JOIN public.dispute_case d '
        'ON d.id = cs.%I GROUP BY 1',
        coalesce(sub_col, 'submission_id'),
        CASE WHEN closed_col IS NULL THEN 'NULL::timestamptz' ELSE format('d.%I::timestamptz', closed_col) END,
        coalesce(case_col, 'case_id'));
END $$;

-- The text that replaces a message or note body when its report is anonymised.
CREATE FUNCTION erased_text() RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT '[đã xóa]'::text $$;

-- Anonymises one report now: answers emptied, contact details and photos
-- gone, message and note bodies replaced, and the receipt unlinked (its
-- hash and the idempotency key become random) so a receipt found on a
-- worker's phone no longer leads to the row. What stays (form, workplace,
-- unit, channel, dates, status, who handled it) feeds the statistics.
-- Idempotent: a report already anonymised loses nothing more.
CREATE FUNCTION submission_anonymise(sub bigint, OUT photos integer, OUT messages integer, OUT notes integer)
    LANGUAGE plpgsql SET search_path = public AS $$
BEGIN
    UPDATE submission SET answers = '{}'::jsonb, contact_sealed = NULL, contact_consent_at = NULL,
           anonymised_at = now(),
           receipt_hash = sha256(convert_to(gen_random_uuid()::text || gen_random_uuid()::text, 'UTF8')),
           idempotency_key = 'anon' || replace(gen_random_uuid()::text, '-', '')
     WHERE id = sub AND anonymised_at IS NULL;
    DELETE FROM attachment WHERE submission_id = sub;
    GET DIAGNOSTICS photos = ROW_COUNT;
    UPDATE message SET body = erased_text(), idempotency_key = NULL
     WHERE submission_id = sub AND body <> erased_text();
    GET DIAGNOSTICS messages = ROW_COUNT;
    UPDATE note SET body = erased_text() WHERE submission_id = sub AND body <> erased_text();
    GET DIAGNOSTICS notes = ROW_COUNT;
END $$;

-- Runs the policy once: reports past their anonymise_after, photos past
-- photos_after, except what a case holds (open: held; closed: held until
-- closing + closed_case_keep). One run at a time; a second run finds
-- nothing left to do. The caller rolls back for a dry run.
CREATE FUNCTION retention_purge(OUT reports integer, OUT photos integer, OUT messages integer,
                                OUT notes integer, OUT held integer)
    LANGUAGE plpgsql SET search_path = public AS $$
DECLARE
    s record;
    r record;
    n integer;
BEGIN
    PERFORM pg_advisory_xact_lock(7405127);
    reports := 0; photos := 0; messages := 0; notes := 0; held := 0;
    FOR s IN
        SELECT sb.id, sb.received_at, p.anonymise_after, p.photos_after, p.closed_case_keep, h.closed_at
          FROM submission sb
          JOIN retention_policy p ON p.form_id = coalesce(
               (SELECT form_id FROM retention_policy WHERE form_id = sb.form_id), '*')
          LEFT JOIN retention_holds() h ON h.submission_id = sb.id
         WHERE (sb.anonymised_at IS NULL AND sb.received_at < now() - p.anonymise_after)
            OR EXISTS (SELECT 1 FROM attachment a WHERE a.submission_id = sb.id
                        AND a.created_at < now() - p.photos_after)
         ORDER BY sb.id
    LOOP
        IF s.closed_at IS NOT NULL AND (s.closed_at = 'infinity' OR s.closed_at + s.closed_case_keep > now()) THEN
            held := held + 1;
            CONTINUE;
        END IF;
        IF s.received_at < now() - s.anonymise_after THEN
            SELECT * INTO r FROM submission_anonymise(s.id);
            reports := reports + 1;
            photos := photos + r.photos;
            messages := messages + r.messages;
            notes := notes + r.notes;
        ELSE
            DELETE FROM attachment WHERE submission_id = s.id AND created_at < now() - s.photos_after;
            GET DIAGNOSTICS n = ROW_COUNT;
            photos := photos + n;
        END IF;
    END LOOP;
END $$;

-- Deadlines the personal-data law sets, as data with their source.
CREATE TABLE privacy_rule (
    name         text PRIMARY KEY CHECK (name ~ '^[a-z_]{3,40}$'),
    working_days integer CHECK (working_days BETWEEN 0 AND 60),
    hours        integer CHECK (hours BETWEEN 0 AND 1000),
    source       text NOT NULL CHECK (length(btrim(source)) BETWEEN 1 AND 1000),
    CHECK ((working_days IS NULL) <> (hours IS NULL))
);
INSERT INTO privacy_rule (name, working_days, hours, source) VALUES
    ('subject_request_ack', 2, NULL, 'Law 91/2025/QH15, Decree 356/2025: acknowledge a data-subject request within 2 working days (DOMAIN.md).'),
    ('breach_notify', NULL, 72, 'Law 91/2025/QH15: notify the authority of a breach within 72 hours (DOMAIN.md; see docs/privacy.md).');

-- The day n working days after d, skipping Saturdays, Sundays and, when
-- the holiday calendar of sql/009_cases.sql is there, its public holidays.
CREATE FUNCTION working_days_after(d date, n integer) RETURNS date
    LANGUAGE plpgsql STABLE STRICT SET search_path = public AS $$
DECLARE
    r date := d;
    k integer := 0;
    has_holidays boolean := to_regclass('public.holiday') IS NOT NULL;
BEGIN
    WHILE k < n LOOP
        r := r + 1;
        CONTINUE WHEN extract(isodow FROM r) >= 6;
        IF has_holidays THEN
            CONTINUE WHEN EXISTS (SELECT 1 FROM holiday h WHERE h.day = r);
        END IF;
        k := k + 1;
    END LOOP;
    RETURN r;
END $$;

-- A person asking to see, correct or delete what is held about them:
-- identified by their receipt (stored as its keyed hash, like the report's)
-- or, without one, by a description of how they contacted the union.
CREATE TABLE subject_request (
    id              bigserial PRIMARY KEY,
    received_at     timestamptz NOT NULL DEFAULT now(),
    kind            text NOT NULL CHECK (kind IN ('access', 'correct', 'delete')),
    receipt_hash    bytea CHECK (length(receipt_hash) = 32),
    subject         text CHECK (length(btrim(subject)) BETWEEN 1 AND 500),
    status          text NOT NULL DEFAULT 'received'
                    CHECK (status IN ('received', 'acknowledged', 'done', 'refused')),
    acknowledged_at timestamptz,
    done_at         timestamptz,
    note            text NOT NULL DEFAULT '' CHECK (length(note) <= 2000),
    CHECK (receipt_hash IS NOT NULL OR subject IS NOT NULL),
    CHECK ((status = 'received') = (acknowledged_at IS NULL)),
    CHECK ((status IN ('done', 'refused')) = (done_at IS NOT NULL))
);
CREATE INDEX subject_request_open_idx ON subject_request (received_at) WHERE status IN ('received', 'acknowledged');

-- The day by which a request must be acknowledged (Vietnam's calendar day).
CREATE FUNCTION subject_request_ack_by(received timestamptz) RETURNS date
    LANGUAGE sql STABLE AS $$
    SELECT working_days_after((received AT TIME ZONE 'Asia/Ho_Chi_Minh')::date,
                              (SELECT working_days FROM privacy_rule WHERE name = 'subject_request_ack'))
$$;

-- Officers may read the policy and the rules (a console page may show
-- them); requests and purges are the CLI's, run as the owner.
GRANT SELECT ON retention_policy, privacy_rule TO tiengnoi_officer;
