-- 050_search_counts.sql: the queue's search takes the flood filter too, counts every status of a search in one pass, and its worst cases (a rare phrase, a common one absent from the newest reports) read a bounded number of rows.
--
-- Why (issue 12 item 16): sql/048's submission_search() had no flood filter, so the queue ran its old
-- LIKE over every report for search + flood (fcgi/queue_query.c special-cased it); the queue page
-- called submission_search_count() once per status, six GIN scans of the same syllables a page; and
-- the newest-3,000 step read "the newest 3,000 reports that pass the filters", which for a selective
-- filter (a status few reports have, flood, a small ward) walked the whole table to find them.
--
-- Now, for rows and counts alike:
--   1. the window: the newest 3,000 reports of all (submission_received_idx, 3,000 index entries
--      whatever the filters), each checked by the filters, LIKE and its syllables; with the urgent
--      new reports in scope first (few, from each workplace's queue index) for the rows;
--   2. what the window cannot settle: the syllable index's candidates older than the window
--      (rows: in slices of the newest 30,000 and 300,000 reports, then all; counts: per status not
--      yet settled, at most cap + 1 matches), where the planner chooses between the GIN bitmap
--      and the status index read newest first (a common phrase: a few hundred rows of that status;
--      a rare one: the GIN bitmap of its rarest syllables).
-- What is found is unchanged (sql/048): LIKE of the folded query (% _ \ literal) and every typed
-- syllable as a word, the last as a prefix.

DROP FUNCTION submission_search(text, text, text, text, text, text, text, text, text, text, int);
DROP FUNCTION submission_search_count(text, text, text, text, text, text, text, int);

-- The queue's filters as SQL over report s, with the parameters of the functions below as the queue
-- gives them (text, '' for none): $2 status, $3 form, $4 workplace, $5/$6 first and last day, $7
-- urgent, $8-$10 the cursor, $14 flood ('' or 'true'). Survey answers are left out unless urgent or
-- their form is asked for (sql/036).
CREATE OR REPLACE FUNCTION submission_search_filters() RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT
    's.workplace_id IN (SELECT scope_workplaces()) '
    'AND ($2 = '''' OR s.status = $2) AND ($3 = '''' OR s.form_id = $3) '
    'AND ($3 <> '''' OR s.urgent OR NOT EXISTS (SELECT 1 FROM survey_form sf WHERE sf.form_id = s.form_id)) '
    'AND ($4 = '''' OR s.workplace_id = nullif($4, '''')::bigint) '
    'AND ($5 = '''' OR s.received_at >= (nullif($5, '''')::date)::timestamp AT TIME ZONE ''Asia/Ho_Chi_Minh'') '
    'AND ($6 = '''' OR s.received_at < (nullif($6, '''')::date + 1)::timestamp AT TIME ZONE ''Asia/Ho_Chi_Minh'') '
    'AND ($7 = '''' OR s.urgent = ($7 = ''true'')) AND ($14 = '''' OR s.flood) '
    'AND ($8 = '''' OR ((s.urgent AND s.status = ''new''), s.received_at, s.id) < (nullif($8, '''')::boolean, '
    '''epoch''::timestamptz + nullif($9, '''')::bigint * interval ''1 microsecond'', nullif($10, '''')::bigint)) ' $$;

-- The newest reports of all, the window every search reads first (see above): the receipt time and
-- id of the oldest report in it, or NULL when the table holds fewer.
CREATE FUNCTION submission_search_window() RETURNS TABLE (at timestamptz, id bigint)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT s.received_at, s.id FROM submission s ORDER BY s.received_at DESC, s.id DESC OFFSET 2999 LIMIT 1 $$;
REVOKE ALL ON FUNCTION submission_search_window() FROM PUBLIC;

-- The ids of the reports in the officer's scope that match q under the queue's other filters (text
-- parameters as the queue gets them, '' for none; flood '' or 'true'), in the queue's order (urgent
-- new reports first, then newest first), at most lim.
CREATE FUNCTION submission_search(q text, st text, form text, wp text, day_from text, day_to text, urg text,
        flood text, after_pin text, after_us text, after_id text, lim int)
    RETURNS TABLE (id bigint) LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path = public, pg_temp SET jit = off AS $$
DECLARE
    tq tsquery := vn_query(q);
    f text := submission_search_filters();
    lk text := vn_like(q);
    got bigint[];
    pinned bigint[];
    since timestamptz;
    older bigint[];
    edge record;
BEGIN
    SELECT * INTO edge FROM submission_search_window();
    EXECUTE 'SELECT array_agg(x.id ORDER BY x.pin DESC, x.received_at DESC, x.id DESC) FROM ('
        '(SELECT w.id, true AS pin, w.received_at FROM workplace wp CROSS JOIN LATERAL '
        '  (SELECT s.id, s.received_at, s.search_text FROM submission s WHERE s.workplace_id = wp.id '
        '   AND (s.urgent AND s.status = ''new'') IS TRUE AND ' || f || ') w '
        '  WHERE wp.id IN (SELECT scope_workplaces()) AND ' || submission_search_match() || ') '
        'UNION ALL (SELECT w.id, false, w.received_at FROM (SELECT s.id, s.received_at, s.search_text FROM '
        '  (SELECT * FROM submission s ORDER BY s.received_at DESC, s.id DESC LIMIT 3000) s '
        '  WHERE NOT (s.urgent AND s.status = ''new'') AND ' || f || ') w WHERE ' || submission_search_match() ||
        '  ORDER BY w.received_at DESC, w.id DESC LIMIT $12)) x'
    INTO got USING lk, st, form, wp, day_from, day_to, urg, after_pin, after_us, after_id, tq, lim,
        NULL::timestamptz, flood;
    IF cardinality(got) >= lim OR edge.at IS NULL THEN
        RETURN QUERY SELECT unnest(got[1:lim]);
        RETURN;
    END IF;
    -- the urgent new ones are all in got already; the others from the index's candidates older than
    -- the window: among the newest 30,000 reports, then 300,000, then all. Only the index and the
    -- slice's time range read the table (the other conditions apply above the OFFSET 0 fence, lest the
    -- planner AND the GIN bitmap with a B-tree range of a third of the table).
    pinned := ARRAY(SELECT s.id FROM submission s WHERE s.id = ANY (got) AND s.urgent AND s.status = 'new'
                    ORDER BY s.received_at DESC, s.id DESC);
    got := ARRAY(SELECT s.id FROM submission s WHERE s.id = ANY (got) AND NOT (s.urgent AND s.status = 'new')
                 ORDER BY s.received_at DESC, s.id DESC);
    FOREACH since IN ARRAY ARRAY[(SELECT s.received_at FROM submission s ORDER BY s.received_at DESC OFFSET 30000 LIMIT 1),
                                 (SELECT s.received_at FROM submission s ORDER BY s.received_at DESC OFFSET 300000 LIMIT 1),
                                 '-infinity'::timestamptz] LOOP
        CONTINUE WHEN since IS NULL;
        EXECUTE 'SELECT array_agg(x.id ORDER BY x.received_at DESC, x.id DESC) FROM (SELECT s.id, s.received_at '
            'FROM (SELECT s.* FROM submission s WHERE ($11 IS NULL OR vn_words(s.search_text) @@ $11) AND s.received_at >= $13 '
            'AND s.received_at <= $15 OFFSET 0) s WHERE (s.received_at, s.id) < ($15, $16) '
            'AND NOT (s.urgent AND s.status = ''new'') AND s.search_text LIKE $1 AND ' || f ||
            'ORDER BY s.received_at DESC, s.id DESC LIMIT $12) x'
        INTO older USING lk, st, form, wp, day_from, day_to, urg, after_pin, after_us, after_id, tq, lim,
            since, flood, edge.at, edge.id;
        EXIT WHEN coalesce(cardinality(pinned), 0) + coalesce(cardinality(got), 0) + coalesce(cardinality(older), 0) >= lim;
    END LOOP;
    RETURN QUERY SELECT unnest((pinned || got || older)[1:lim]);
END $$;

-- How many reports in scope match q under the same filters, for each status (the statuses of
-- submission's CHECK), counted up to cap + 1 (the page shows "cap+"): one pass over the window
-- settles every status whose matches there pass cap (or all of them, when the table holds no more);
-- each other status reads its matches older than the window, at most cap + 1 in all.
CREATE FUNCTION submission_search_counts(q text, form text, wp text, day_from text, day_to text, urg text,
        flood text, cap int)
    RETURNS TABLE (status text, n bigint) LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path = public, pg_temp SET jit = off AS $$
DECLARE
    tq tsquery := vn_query(q);
    f text := submission_search_filters();
    lk text := vn_like(q);
    sts text[] := ARRAY['new', 'in_review', 'needs_info', 'referred', 'resolved', 'spam'];
    ns bigint[];
    more bigint;
    edge record;
BEGIN
    SELECT * INTO edge FROM submission_search_window();
    EXECUTE 'WITH w AS MATERIALIZED (SELECT s.status, s.search_text FROM '
        '(SELECT * FROM submission s ORDER BY s.received_at DESC, s.id DESC LIMIT 3000) s WHERE ' || f || ') '
        'SELECT array_agg(coalesce(c.n, 0) ORDER BY st.o) FROM unnest($13::text[]) WITH ORDINALITY st (v, o) '
        'LEFT JOIN (SELECT w.status, count(*) AS n FROM w WHERE ' || submission_search_match() ||
        'GROUP BY w.status) c ON c.status = st.v'
    INTO ns USING lk, '', form, wp, day_from, day_to, urg, '', '', '', tq, cap, sts, flood;
    FOR i IN 1 .. cardinality(sts) LOOP
        CONTINUE WHEN edge.at IS NULL OR ns[i] > cap;
        EXECUTE 'SELECT count(*) FROM (SELECT 1 FROM submission s WHERE (s.received_at, s.id) < ($15, $16) '
            'AND ($11 IS NULL OR vn_words(s.search_text) @@ $11) AND s.search_text LIKE $1 AND ' || f ||
            'LIMIT $12) c'
        INTO more USING lk, sts[i], form, wp, day_from, day_to, urg, '', '', '', tq, cap + 1 - ns[i],
            NULL::timestamptz, flood, edge.at, edge.id;
        ns[i] := ns[i] + more;
    END LOOP;
    RETURN QUERY SELECT x.v, least(x.c, cap + 1) FROM unnest(sts, ns) x (v, c);
END $$;

REVOKE ALL ON FUNCTION submission_search(text, text, text, text, text, text, text, text, text, text, text, int),
    submission_search_counts(text, text, text, text, text, text, text, int) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION submission_search(text, text, text, text, text, text, text, text, text, text, text, int),
    submission_search_counts(text, text, text, text, text, text, text, int) TO tiengnoi_officer;
