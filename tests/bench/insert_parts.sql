-- insert_parts.sql: what each part of a report's INSERT costs PostgreSQL, in µs per row (docs/performance.md).
-- Usage, as the database owner on a private stack (it drops indexes and triggers inside
-- subtransactions that it rolls back, so nothing changes): psql -v rows=2000 -f tests/bench/insert_parts.sql
-- Each variant inserts :rows reports like the bench's POST (the app's text, varied by a number) with one
-- INSERT ... SELECT as tiengnoi_app, rolled back; each part's cost is the whole insert minus the insert
-- without that part, measured in 7 pairs (median). Per-statement costs (parse, plan, commit,
-- WAL flush) are not in these figures: pgbench and the plain-table reference measure them.
\set ON_ERROR_STOP 1
SET client_min_messages = notice;
CREATE TEMP TABLE parts_result (variant text, whole_us numeric, part_us numeric);
-- one insert of n rows, rolled back: µs per row
CREATE FUNCTION pg_temp.parts_time(prep text, n int, as_app boolean) RETURNS numeric LANGUAGE plpgsql AS $$
DECLARE
    t timestamptz;
    us numeric;
    eid bigint := (SELECT min(id) FROM entry_point);
BEGIN
    IF prep <> '' THEN EXECUTE prep; END IF;
    IF as_app THEN SET LOCAL ROLE tiengnoi_app; END IF;
    t := clock_timestamp();
    INSERT INTO submission (form_id, form_version, workplace_id, unit_id, entry_point_id, channel, answers,
        lang, idempotency_key, receipt_hash, urgent)
    SELECT 'concern', 1, w.id, w.unit_id, e.id, 'qr',
        jsonb_build_object('text', 'Công ty nợ lương tháng ' || i || ' của tổ may số 3, tăng ca đến 10 giờ '
            'đêm nhưng không được trả tiền làm thêm giờ. Anh chị em muốn công đoàn hỏi giúp.', 'category', 'wages'),
        'vi', 'parts' || md5(random()::text || i), sha256((random()::text || i)::bytea), false
    FROM generate_series(1, n) AS i, entry_point e JOIN workplace w ON w.id = e.workplace_id WHERE e.id = eid;
    us := (extract(epoch FROM clock_timestamp() - t) * 1e6 / n)::numeric;
    RESET ROLE;
    RAISE EXCEPTION USING ERRCODE = 'P0001', MESSAGE = 'parts: roll back', DETAIL = us::text;
EXCEPTION WHEN raise_exception THEN
    RETURN us;
END $$;
-- a variant against the whole insert, in pairs (whole, then without the part) so that the machine's
-- other load hits both alike; the part's cost is the median of the pairs' differences
CREATE FUNCTION pg_temp.parts_run(variant text, prep text, n int, as_app boolean) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    whole numeric[] := '{}';
    diff numeric[] := '{}';
    w numeric;
    v numeric;
BEGIN
    PERFORM pg_temp.parts_time('', n, true);   -- warm the caches
    FOR rep IN 1..7 LOOP
        w := pg_temp.parts_time('', n, true);
        v := pg_temp.parts_time(prep, n, as_app);
        whole := whole || w;
        diff := diff || (w - v);
    END LOOP;
    INSERT INTO parts_result VALUES (variant,
        (SELECT round(percentile_disc(0.5) WITHIN GROUP (ORDER BY x), 1) FROM unnest(whole) x),
        (SELECT round(percentile_disc(0.5) WITHIN GROUP (ORDER BY x), 1) FROM unnest(diff) x));
END $$;

SELECT pg_temp.parts_run('row-level security (the owner, who bypasses it, against the app)', '', :rows, false);
SELECT pg_temp.parts_run('without index ' || indexname,
    CASE WHEN EXISTS (SELECT 1 FROM pg_constraint WHERE conname = indexname)
         THEN 'ALTER TABLE submission DROP CONSTRAINT ' ELSE 'DROP INDEX ' END || indexname, :rows, true)
FROM pg_indexes WHERE tablename = 'submission' AND indexname <> 'submission_pkey' ORDER BY indexname;
SELECT pg_temp.parts_run('without trigger ' || tgname, 'ALTER TABLE submission DISABLE TRIGGER ' || tgname, :rows, true)
FROM pg_trigger WHERE tgrelid = 'submission'::regclass AND NOT tgisinternal AND tgname LIKE '%ins' ORDER BY tgname;
SELECT pg_temp.parts_run('without foreign-key checks', 'ALTER TABLE submission DISABLE TRIGGER ALL; '
    'ALTER TABLE submission ENABLE TRIGGER USER', :rows, true);
SELECT pg_temp.parts_run('without the search columns and their indexes (search_text'
    || CASE WHEN EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = 'submission'::regclass AND attname = 'search_words')
            THEN ', search_words' ELSE '' END || ')',
    (SELECT string_agg('DROP INDEX ' || indexname, '; ') FROM pg_indexes
     WHERE tablename = 'submission' AND indexname IN ('submission_search_idx', 'submission_words_idx'))
    || '; ALTER TABLE submission ALTER COLUMN search_text DROP EXPRESSION'
    || CASE WHEN EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = 'submission'::regclass AND attname = 'search_words')
            THEN '; ALTER TABLE submission ALTER COLUMN search_words DROP EXPRESSION' ELSE '' END, :rows, true);

\pset format aligned
SELECT variant AS part, whole_us AS "whole insert, µs/row (median)", part_us AS "part, µs/row (median of pairs)"
FROM parts_result;
