-- 050_search_counts.sql: the queue's search takes the flood filter too, counts the six statuses of a search in one call, and asks the index for its rarest syllables within bounded slices.
--
-- Why (issue 12 item 16): sql/048's submission_search() had no flood filter, so the queue ran its old
-- LIKE over every report for search + flood (fcgi/queue_query.c special-cased it); the queue page
-- called submission_search_count() once per status, six GIN scans of the same syllables a page; and
-- the newest-3,000 step read "the newest 3,000 reports that pass the filters", which for a selective
-- filter (flood, a small ward) walked the whole table to find them.
--
-- Now:
--   1. rows: the urgent new reports in scope (few, each workplace's queue index), then the window: the
--      newest 3,000 reports of all (3,000 entries of submission_received_idx whatever the filters),
--      each checked by the filters, LIKE and its syllables; a common phrase fills the page there;
--   2. rows the window cannot give: the syllable index's candidates older than the window, in time
--      slices of about 10 and 100 times the window's span, then all (no OFFSET 300000 to pay for the
--      slice's bounds: that count alone cost 0.3-0.5 s), the GIN bitmap ANDed with the slice's range;
--   3. the index is asked for the two rarest typed syllables only (vn_index_query(), by the index's
--      own statistics), every candidate then checked against all of them and the LIKE: a GIN scan of
--      "khong" (62 % of reports) or the prefix "hi:*" no longer runs when a rarer syllable is there;
--   4. counts: one call for the six statuses (submission_search_counts()), each status's newest 3,000
--      reports under the filters first, the index's candidates only when those hold cap or fewer
--      matches and there are more reports.
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

-- The syllables the index is asked for, of those every match must hold (vn_query): the two rarest by
-- the index's own statistics (pg_stats of submission_words_idx, the last syllable as a prefix counted
-- with every word it begins), so a phrase of common syllables ("khong cho nghi thai san") reads the
-- posting lists of its two rarest and the planner's estimate of the candidates is near the truth
-- (the estimate of an AND of five correlated syllables was 62 rows for 52,000). Every candidate is
-- then checked against all of them and the LIKE. NULL when q has no letter or digit.
CREATE FUNCTION vn_index_query(q text) RETURNS tsquery LANGUAGE sql STABLE STRICT AS $$
    WITH t AS (SELECT replace(m[1], '''''', '''') AS lex, row_number() OVER () AS i, count(*) OVER () AS n
               FROM regexp_matches(vn_query(q)::text, '''((?:[^'']|'''')+)''', 'g') m),
    st AS MATERIALIZED (SELECT x.e, x.fr FROM pg_stats s,
               unnest(s.most_common_elems::text::text[], s.most_common_elem_freqs) x (e, fr)
           WHERE s.schemaname = 'public' AND s.tablename = 'submission_words_idx' AND x.e IS NOT NULL),
    w AS (SELECT t.lex, t.i = t.n AS last, coalesce((SELECT sum(st.fr) FROM st
              WHERE CASE WHEN t.i = t.n THEN left(st.e, length(t.lex)) = t.lex ELSE st.e = t.lex END), 0) AS freq FROM t)
    SELECT string_agg(quote_literal(w.lex) || CASE WHEN w.last THEN ':*' ELSE '' END, ' & ')::tsquery
    FROM (SELECT * FROM w ORDER BY w.freq, w.last LIMIT 2) w $$;

-- The newest `size` reports of all, the window a search reads first (see above): the receipt time and
-- id of the oldest report in it, or NULL when the table holds fewer.
CREATE FUNCTION submission_search_window(size int) RETURNS TABLE (at timestamptz, id bigint)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT s.received_at, s.id FROM submission s ORDER BY s.received_at DESC, s.id DESC OFFSET size - 1 LIMIT 1 $$;
REVOKE ALL ON FUNCTION submission_search_window(int) FROM PUBLIC;

-- The ids of the reports in the officer's scope that match q under the queue's other filters (text
-- parameters as the queue gets them, '' for none; flood '' or 'true'), in the queue's order (urgent
-- new reports first, then newest first), at most lim.
CREATE FUNCTION submission_search(q text, st text, form text, wp text, day_from text, day_to text, urg text,
        flood text, after_pin text, after_us text, after_id text, lim int)
    RETURNS TABLE (id bigint) LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path = public, pg_temp SET jit = off AS $$
DECLARE
    tq tsquery := vn_query(q);
    iq tsquery := CASE WHEN numnode(tq) > 3 THEN vn_index_query(q) ELSE tq END;   -- two syllables or fewer: all
    -- the scope as an array ($18): as `IN (SELECT scope_workplaces())` the planner hashed the window's
    -- 3,000 rows, checking every one's syllables before LIMIT could stop (the counts keep the IN: with
    -- the array the planner read a status's rows of every workplace and sorted them)
    f text := replace(submission_search_filters(), 's.workplace_id IN (SELECT scope_workplaces())',
                      's.workplace_id = ANY ($18)');
    lk text := vn_like(q);
    scope bigint[] := ARRAY(SELECT scope_workplaces());
    got bigint[];
    pinned bigint[];
    since timestamptz;
    older bigint[];
    span interval;
    edge record;
BEGIN
    SELECT * INTO edge FROM submission_search_window(3000);
    -- the window's rows come in its index's order, so LIMIT keeps the newest matches and stops there
    -- (as in sql/048): a sort would check all 3,000 rows' syllables first
    EXECUTE 'SELECT array_agg(x.id ORDER BY x.pin DESC, x.received_at DESC, x.id DESC) FROM ('
        '(SELECT w.id, true AS pin, w.received_at FROM workplace wp CROSS JOIN LATERAL '
        '  (SELECT s.id, s.received_at, s.search_text FROM submission s WHERE s.workplace_id = wp.id '
        '   AND (s.urgent AND s.status = ''new'') IS TRUE AND ' || f || ') w '
        '  WHERE wp.id IN (SELECT scope_workplaces()) AND ' || submission_search_match() || ') '
        'UNION ALL (SELECT w.id, false, w.received_at FROM (SELECT s.id, s.received_at, s.search_text FROM '
        '  (SELECT * FROM submission s ORDER BY s.received_at DESC, s.id DESC LIMIT 3000) s '
        '  WHERE NOT (s.urgent AND s.status = ''new'') AND ' || f || ') w WHERE ' || submission_search_match() ||
        '  LIMIT $12)) x'
    INTO got USING lk, st, form, wp, day_from, day_to, urg, after_pin, after_us, after_id, tq, lim,
        NULL::timestamptz, flood, NULL::timestamptz, NULL::bigint, NULL::tsquery, scope;
    IF cardinality(got) >= lim OR edge.at IS NULL THEN
        RETURN QUERY SELECT unnest(got[1:lim]);
        RETURN;
    END IF;
    -- the urgent new ones are all in got already; the others from the index's candidates older than
    -- the window, in slices back in time about 10 and 100 times the window's span (about 30,000 and
    -- 300,000 reports at the window's pace, with no count to pay for), then all. The fence (OFFSET 0)
    -- keeps the index condition and the slice's time range alone below it, so the planner ANDs the
    -- GIN bitmap with the time range of the slice and fetches only the slice's candidates.
    pinned := ARRAY(SELECT s.id FROM submission s WHERE s.id = ANY (got) AND s.urgent AND s.status = 'new'
                    ORDER BY s.received_at DESC, s.id DESC);
    got := ARRAY(SELECT s.id FROM submission s WHERE s.id = ANY (got) AND NOT (s.urgent AND s.status = 'new')
                 ORDER BY s.received_at DESC, s.id DESC);
    span := (SELECT max(s.received_at) FROM submission s) - edge.at;
    FOREACH since IN ARRAY ARRAY[edge.at - 9 * span, edge.at - 99 * span, '-infinity'::timestamptz] LOOP
        CONTINUE WHEN since IS NULL;
        EXECUTE 'SELECT array_agg(x.id ORDER BY x.received_at DESC, x.id DESC) FROM (SELECT s.id, s.received_at '
            'FROM (SELECT s.* FROM submission s WHERE ($17 IS NULL OR vn_words(s.search_text) @@ $17) AND s.received_at >= $13 '
            'AND s.received_at <= $15 OFFSET 0) s WHERE s.received_at <= $15 AND (s.received_at < $15 OR s.id < $16) '
            'AND NOT (s.urgent AND s.status = ''new'') AND s.search_text LIKE $1 '
            'AND ($11 IS NULL OR ts_match_vq(vn_words(s.search_text), $11)) AND ' || f ||
            'ORDER BY s.received_at DESC, s.id DESC LIMIT $12) x'
        INTO older USING lk, st, form, wp, day_from, day_to, urg, after_pin, after_us, after_id, tq, lim,
            since, flood, edge.at, edge.id, iq, scope;
        EXIT WHEN coalesce(cardinality(pinned), 0) + coalesce(cardinality(got), 0) + coalesce(cardinality(older), 0) >= lim;
    END LOOP;
    RETURN QUERY SELECT unnest((pinned || got || older)[1:lim]);
END $$;

-- How many reports in scope match q under the same filters, for each status (the statuses of
-- submission's CHECK), counted up to cap + 1 (the page shows "cap+"), in one call: each status's
-- newest 3,000 reports under the filters first (enough when they hold more than cap matches or are
-- all there is), else the index's candidates for its two rarest syllables, each checked.
CREATE FUNCTION submission_search_counts(q text, form text, wp text, day_from text, day_to text, urg text,
        flood text, cap int)
    RETURNS TABLE (status text, n bigint) LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path = public, pg_temp SET jit = off AS $$
DECLARE
    sts text[] := ARRAY['new', 'in_review', 'needs_info', 'referred', 'resolved', 'spam'];
    lk text := vn_like(q);
    f text := submission_search_filters();
    tq tsquery := vn_query(q);
    iq tsquery := CASE WHEN numnode(tq) > 3 THEN vn_index_query(q) ELSE tq END;   -- two syllables or fewer: all
    ns bigint[] := ARRAY[]::bigint[];
    found_n bigint;
    seen bigint;
BEGIN
    FOR i IN 1 .. cardinality(sts) LOOP
        -- this status's newest 3,000 reports under the filters: a common phrase passes cap there
        EXECUTE 'WITH w AS MATERIALIZED (SELECT s.search_text FROM submission s WHERE ' || f ||
            'ORDER BY s.received_at DESC, s.id DESC LIMIT 3000) '
            'SELECT (SELECT count(*) FROM (SELECT 1 FROM w WHERE ' || submission_search_match() || 'LIMIT $12 + 1) c), '
            '(SELECT count(*) FROM w)'
        INTO found_n, seen USING lk, sts[i], form, wp, day_from, day_to, urg, '', '', '', tq, cap, NULL::text[], flood,
            NULL::timestamptz, NULL::bigint, NULL::tsquery;
        IF found_n <= cap AND seen >= 3000 THEN
            -- else the index's candidates (its two rarest syllables, vn_index_query), each checked
            EXECUTE 'SELECT count(*) FROM (SELECT 1 FROM (SELECT s.* FROM submission s WHERE ($17 IS NULL '
                'OR vn_words(s.search_text) @@ $17) OFFSET 0) s WHERE s.search_text LIKE $1 '
                'AND ($11 IS NULL OR ts_match_vq(vn_words(s.search_text), $11)) AND ' || f || 'LIMIT $12 + 1) c'
            INTO found_n USING lk, sts[i], form, wp, day_from, day_to, urg, '', '', '', tq, cap, NULL::text[],
                flood, NULL::timestamptz, NULL::bigint, iq;
        END IF;
        ns := ns || least(found_n, cap + 1);
    END LOOP;
    RETURN QUERY SELECT x.v, x.c FROM unnest(sts, ns) x (v, c);
END $$;

REVOKE ALL ON FUNCTION submission_search(text, text, text, text, text, text, text, text, text, text, text, int),
    submission_search_counts(text, text, text, text, text, text, text, int) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION submission_search(text, text, text, text, text, text, text, text, text, text, text, int),
    submission_search_counts(text, text, text, text, text, text, text, int) TO tiengnoi_officer;
