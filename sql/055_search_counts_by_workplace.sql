-- 055_search_counts_by_workplace.sql: a search's status counts read each status's reports workplace by workplace, so the newest reports of another status are never walked past; a rare phrase reads the syllable index once; the scope is an argument of the filters, the typed query is turned into its tsqueries once, and the statuses come from submission's CHECK.
--
-- Why (issue 12 item 16, make bench 2026-12-05: the four searches 306-338 ms at 1.24M reports): the
-- counts of sql/050 began each status with "its newest 3,000 reports under the filters", read from
-- submission_received_idx filtered by status. In make bench (and on a busy day) the newest ~230,000
-- reports are all `new` (the POST runs), so `in_review`'s and `resolved`'s windows each walked past
-- 230,000 index entries and heap rows to find their 3,000: 100-200 ms a status, most of the page.
-- A count does not need the newest reports, only enough of them: a common phrase passes the cap in
-- any 3,000 reports of the status. Now each status's first 3,000 reports in scope are read workplace
-- by workplace from submission_workplace_status_idx (workplace, status, newest first), the read stops
-- as soon as cap + 1 of them match, and when fewer match and the status holds more than 3,000
-- reports the index's candidates are counted as before (sql/050). What is counted is unchanged.
-- A phrase whose index syllables are in 3,000 reports or fewer reads the index once for its rows and
-- once for its counts (submission_search_few), not once per time slice and per status: each read
-- also reads the index's pending list of fresh reports. And submission_search() says it returns
-- about a page of ids (ROWS 50), so the queue's query fetches them one by one.
--
-- Also (review of sql/050): submission_search() built its filters by replace() on the text of
-- submission_search_filters()' scope clause; now the filters take the scope as a parameter ($18, the
-- officer's workplaces as an array) in both functions. Both functions computed the text query and
-- the index query alike: vn_search_query() does it once. The counts listed the six statuses by hand:
-- submission_statuses() reads them from submission's CHECK, their one definition.

-- The statuses a report may have, in the order of submission's CHECK (sql/001): a status added there
-- is counted without touching the search.
CREATE FUNCTION submission_statuses() RETURNS SETOF text LANGUAGE sql STABLE AS $$
    SELECT m.v[1] FROM pg_constraint c,
        regexp_matches(pg_get_constraintdef(c.oid), '''([a-z_]+)''::text', 'g') WITH ORDINALITY m (v, i)
    WHERE c.conrelid = 'submission'::regclass AND c.conname = 'submission_status_check' ORDER BY m.i $$;

-- What an officer typed as the two tsqueries of a search: tq, every syllable a match must hold
-- (vn_query), and iq, those the index is asked for (of three syllables or more, the two rarest:
-- vn_index_query; else all of them). Both NULL when q has no letter or digit.
CREATE FUNCTION vn_search_query(q text, OUT tq tsquery, OUT iq tsquery) LANGUAGE sql STABLE STRICT AS $$
    SELECT t, CASE WHEN numnode(t) > 3 THEN vn_index_query(q) ELSE t END FROM vn_query(q) t $$;

-- The queue's filters as SQL over report s, with the parameters of the functions below as the queue
-- gives them (text, '' for none): $18 the officer's workplaces (bigint[]), $2 status, $3 form,
-- $4 workplace, $5/$6 first and last day, $7 urgent, $8-$10 the cursor, $14 flood ('' or 'true').
-- Survey answers are left out unless urgent or their form is asked for (sql/036).
CREATE FUNCTION submission_search_where() RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT
    's.workplace_id = ANY ($18) '
    'AND ($2 = '''' OR s.status = $2) AND ($3 = '''' OR s.form_id = $3) '
    'AND ($3 <> '''' OR s.urgent OR NOT EXISTS (SELECT 1 FROM survey_form sf WHERE sf.form_id = s.form_id)) '
    'AND ($4 = '''' OR s.workplace_id = nullif($4, '''')::bigint) '
    'AND ($5 = '''' OR s.received_at >= (nullif($5, '''')::date)::timestamp AT TIME ZONE ''Asia/Ho_Chi_Minh'') '
    'AND ($6 = '''' OR s.received_at < (nullif($6, '''')::date + 1)::timestamp AT TIME ZONE ''Asia/Ho_Chi_Minh'') '
    'AND ($7 = '''' OR s.urgent = ($7 = ''true'')) AND ($14 = '''' OR s.flood) '
    'AND ($8 = '''' OR ((s.urgent AND s.status = ''new''), s.received_at, s.id) < (nullif($8, '''')::boolean, '
    '''epoch''::timestamptz + nullif($9, '''')::bigint * interval ''1 microsecond'', nullif($10, '''')::bigint)) ' $$;

-- Whether one of the index query's syllables (a prefix: every word it begins) is absent from the
-- syllable index's most common elements (pg_stats, as vn_index_query reads them): only then may its
-- reports be few (an element listed there is in about 1 % or more of the reports).
CREATE FUNCTION vn_index_rare(iq tsquery) RETURNS boolean LANGUAGE sql STABLE STRICT AS $$
    WITH st AS MATERIALIZED (SELECT x.e FROM pg_stats s, unnest(s.most_common_elems::text::text[]) x (e)
           WHERE s.schemaname = 'public' AND s.tablename = 'submission_words_idx')
    SELECT coalesce(bool_or(NOT EXISTS (SELECT 1 FROM st WHERE CASE WHEN l.m[2] = ':*'
               THEN left(st.e, length(l.lex)) = l.lex ELSE st.e = l.lex END)), true)
    FROM (SELECT m, replace(m[1], '''''', '''') AS lex
          FROM regexp_matches(iq::text, '''((?:[^'']|'''')+)''(:\*)?', 'g') m) l $$;

-- The ids of the reports holding the index query's syllables (iq) when there are 3,000 or fewer, else
-- NULL (also without reading the index when vn_index_rare says they cannot be few): one read of the
-- syllable index that a rare phrase's rows and counts then reuse, instead of one per time slice and
-- per status. Every read of the index also reads its pending list (the reports inserted since it was
-- last merged, up to gin_pending_list_limit, 4 MB: ~4 ms a read at 1M reports in make bench's state);
-- merging it more often would cost every insert (measured: a 512 kB limit, -17 % inserts a second).
CREATE FUNCTION submission_search_few(iq tsquery) RETURNS bigint[] LANGUAGE sql STABLE STRICT AS $$
    SELECT CASE WHEN vn_index_rare(iq) THEN (
        SELECT CASE WHEN count(*) <= 3000 THEN coalesce(array_agg(x.id), '{}') END
        FROM (SELECT s.id FROM submission s WHERE vn_words(s.search_text) @@ iq LIMIT 3001) x) END $$;

-- The candidates received from $13 to $15, then checked by LIKE ($1) and every typed syllable ($11),
-- as the FROM and WHERE of a query over report s (the caller adds its filters with AND): those of
-- submission_search_few ($19) when it gave them, else the index's for the syllables $17. The fence
-- (OFFSET 0) keeps the index condition and the time range alone below it, so the planner ANDs the
-- GIN bitmap with the range and fetches only its candidates.
CREATE FUNCTION submission_search_candidates() RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT
    'FROM (SELECT s.* FROM submission s WHERE ($19 IS NULL OR s.id = ANY ($19)) '
    'AND ($19 IS NOT NULL OR $17 IS NULL OR vn_words(s.search_text) @@ $17) '
    'AND s.received_at >= $13 AND s.received_at <= $15 OFFSET 0) s '
    'WHERE s.search_text LIKE $1 AND ($11 IS NULL OR ts_match_vq(vn_words(s.search_text), $11)) ' $$;

-- The ids of the reports in the officer's scope that match q under the queue's other filters (text
-- parameters as the queue gets them, '' for none; flood '' or 'true'), in the queue's order (urgent
-- new reports first, then newest first), at most lim. As sql/050's: first the urgent new reports and
-- the newest 3,000 of all, each checked, then the index's candidates older than that, in time slices.
-- ROWS 50 (a page; the default guess is 1,000): fcgi/queue_query.c reads `s.id IN (SELECT
-- submission_search(...))`, and with 1,000 expected ids the planner hashed them against every report
-- in scope (a scan of 152,000 reports in the quick bench: 190-230 ms a page) instead of fetching each.
CREATE OR REPLACE FUNCTION submission_search(q text, st text, form text, wp text, day_from text, day_to text,
        urg text, flood text, after_pin text, after_us text, after_id text, lim int)
    RETURNS TABLE (id bigint) LANGUAGE plpgsql STABLE SECURITY DEFINER ROWS 50
    SET search_path = public, pg_temp SET jit = off AS $$
DECLARE
    qs record := vn_search_query(q);
    f text := submission_search_where();
    lk text := vn_like(q);
    -- the scope as an array: as `IN (SELECT scope_workplaces())` the planner hashed the window's
    -- 3,000 rows, checking every one's syllables before LIMIT could stop
    scope bigint[] := ARRAY(SELECT scope_workplaces());
    pinned bigint[];   -- the urgent new matches (all of them: few)
    got bigint[];      -- the others, newest first
    few bigint[];
    since timestamptz;
    older bigint[];
    edge record;
BEGIN
    SELECT * INTO edge FROM submission_search_window(3000);
    -- the window's rows come in its index's order, so LIMIT keeps the newest matches and stops there
    EXECUTE 'SELECT array_agg(x.id ORDER BY x.received_at DESC, x.id DESC) FILTER (WHERE x.pin), '
        'array_agg(x.id ORDER BY x.received_at DESC, x.id DESC) FILTER (WHERE NOT x.pin) FROM ('
        '(SELECT w.id, true AS pin, w.received_at FROM unnest($18) wp (id) CROSS JOIN LATERAL '
        '  (SELECT s.id, s.received_at, s.search_text FROM submission s WHERE s.workplace_id = wp.id '
        '   AND (s.urgent AND s.status = ''new'') IS TRUE AND ' || f || ') w '
        '  WHERE ' || submission_search_match() || ') '
        'UNION ALL (SELECT w.id, false, w.received_at FROM (SELECT s.id, s.received_at, s.search_text FROM '
        '  (SELECT * FROM submission s ORDER BY s.received_at DESC, s.id DESC LIMIT 3000) s '
        '  WHERE NOT (s.urgent AND s.status = ''new'') AND ' || f || ') w WHERE ' || submission_search_match() ||
        '  LIMIT $12)) x'
    INTO pinned, got USING lk, st, form, wp, day_from, day_to, urg, after_pin, after_us, after_id, qs.tq, lim,
        NULL::timestamptz, flood, NULL::timestamptz, NULL::bigint, NULL::tsquery, scope;
    -- then the index's candidates older than the window: all at once when they are few, else in
    -- slices back in time about 10 and 100 times the window's span, then all, until the page is full
    IF coalesce(cardinality(pinned), 0) + coalesce(cardinality(got), 0) >= lim OR edge.at IS NULL THEN
        RETURN QUERY SELECT unnest((pinned || got)[1:lim]);
        RETURN;
    END IF;
    few := submission_search_few(qs.iq);
    FOREACH since IN ARRAY CASE WHEN few IS NOT NULL THEN ARRAY['-infinity'::timestamptz]
            ELSE (SELECT ARRAY[edge.at - 9 * x.span, edge.at - 99 * x.span, '-infinity']
                  FROM (SELECT max(s.received_at) - edge.at AS span FROM submission s) x) END LOOP
        EXECUTE 'SELECT array_agg(x.id ORDER BY x.received_at DESC, x.id DESC) FROM (SELECT s.id, s.received_at '
            || submission_search_candidates() || 'AND (s.received_at < $15 OR s.id < $16) '
            'AND NOT (s.urgent AND s.status = ''new'') AND ' || f || 'ORDER BY s.received_at DESC, s.id DESC LIMIT $12) x'
        INTO older USING lk, st, form, wp, day_from, day_to, urg, after_pin, after_us, after_id, qs.tq, lim,
            since, flood, edge.at, edge.id, qs.iq, scope, few;
        EXIT WHEN coalesce(cardinality(pinned), 0) + coalesce(cardinality(got), 0) + coalesce(cardinality(older), 0) >= lim;
    END LOOP;
    RETURN QUERY SELECT unnest((pinned || got || older)[1:lim]);
END $$;

-- How many reports in scope match q under the same filters, for each status (submission_statuses()),
-- counted up to cap + 1 (the page shows "cap+"), in one call. Each status: its first 3,000 reports in
-- scope under the filters, workplace by workplace (submission_workplace_status_idx), checked until
-- cap + 1 match; the count is done when they do or when the status holds no more; else the index's
-- candidates (vn_search_query's iq) are counted, each checked: read once for every status when they
-- are few (submission_search_few), then without the 3,000 first.
CREATE OR REPLACE FUNCTION submission_search_counts(q text, form text, wp text, day_from text, day_to text,
        urg text, flood text, cap int)
    RETURNS TABLE (status text, n bigint) LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path = public, pg_temp SET jit = off AS $$
DECLARE
    qs record := vn_search_query(q);
    lk text := vn_like(q);
    f text := submission_search_where();
    scope bigint[] := ARRAY(SELECT scope_workplaces());
    -- a status's first 3,000 reports in scope under the filters, in no particular order
    part text := '(SELECT s.search_text FROM unnest($18) wp (id) CROSS JOIN LATERAL (SELECT s.search_text '
        'FROM submission s WHERE s.workplace_id = wp.id AND ' || f || 'LIMIT 3000) s LIMIT 3000) w ';
    few bigint[];
    asked boolean := false;
    st text;
    found_n bigint;
    seen bigint;
BEGIN
    FOR st IN SELECT submission_statuses() LOOP
        found_n := 0;
        seen := 3000;
        IF few IS NULL THEN
            EXECUTE 'SELECT count(*) FROM (SELECT 1 FROM ' || part || 'WHERE ' || submission_search_match() || 'LIMIT $12 + 1) c'
            INTO found_n USING lk, st, form, wp, day_from, day_to, urg, '', '', '', qs.tq, cap, NULL::timestamptz, flood,
                NULL::timestamptz, NULL::bigint, NULL::tsquery, scope;
            IF found_n <= cap THEN
                EXECUTE 'SELECT count(*) FROM ' || part
                INTO seen USING lk, st, form, wp, day_from, day_to, urg, '', '', '', qs.tq, cap, NULL::timestamptz, flood,
                    NULL::timestamptz, NULL::bigint, NULL::tsquery, scope;
                IF seen >= 3000 AND NOT asked THEN
                    few := submission_search_few(qs.iq);
                    asked := true;
                END IF;
            END IF;
        END IF;
        IF found_n <= cap AND seen >= 3000 THEN
            EXECUTE 'SELECT count(*) FROM (SELECT 1 ' || submission_search_candidates() || 'AND ' || f ||
                'LIMIT $12 + 1) c'
            INTO found_n USING lk, st, form, wp, day_from, day_to, urg, '', '', '', qs.tq, cap,
                '-infinity'::timestamptz, flood, 'infinity'::timestamptz, NULL::bigint, qs.iq, scope, few;
        END IF;
        status := st;
        n := least(found_n, cap + 1);
        RETURN NEXT;
    END LOOP;
END $$;

DROP FUNCTION submission_search_filters();
REVOKE ALL ON FUNCTION submission_search_few(tsquery) FROM PUBLIC;
