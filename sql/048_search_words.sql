-- 048_search_words.sql: accent-free search by syllables: a GIN index of the folded words (built by 049) read by a function that applies the officer's scope itself.
--
-- Why: the queue's search was `search_text LIKE '%…%'` with a trigram GIN index (sql/004), and under
-- row-level security the planner may put a query's own condition before the policy, and so use an
-- index for it, only when its operator is LEAKPROOF; LIKE is not, so every search under the officer
-- role read every report in scope (2.5-2.9 s at 1.1-1.3M reports) and the trigram index cost every
-- insert ~14% for nothing. A LEAKPROOF operator of our own needs a superuser to create; the
-- production owner is not one. Instead submission_search() and submission_search_counts() run as
-- the owner (SECURITY DEFINER, like scope_workplaces() in sql/013), so row-level security does not
-- stand between the planner and the indexes, and keep to the same scope the policy applies
-- (workplace_id IN (SELECT scope_workplaces())). The queue's query still reads the rows it shows
-- under row-level security (fcgi/queue_query.c).
--
-- What is found: exactly the reports whose folded text contains the folded query (LIKE, % and _
-- literal), as before, for every query that starts at a syllable (what officers type: "no luong",
-- "bao hi"). The index narrows the reports to those holding each syllable of the query as a word
-- (the last one as a prefix, as one types); a query that starts inside a syllable ("uong" for
-- "lương") finds only reports that also hold it as a word somewhere. A query without any letter or
-- digit ("%", "_") is answered by the LIKE alone.

-- The folded text's syllables, for the index: search_text is the JSON array of the answers, so its
-- escapes (\n, \", \u0007) become spaces first, lest a line break glue two syllables together.
CREATE FUNCTION vn_words(folded text) RETURNS tsvector
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    AS $$ SELECT to_tsvector('simple'::regconfig, regexp_replace(folded, '\\(u[0-9a-f]{4}|.)', ' ', 'g')) $$;

-- What an officer typed, as the syllables every match must hold: "Nợ lươ" -> 'no' & 'luo':*.
-- NULL when it has no letter or digit (then the LIKE alone decides).
CREATE FUNCTION vn_query(q text) RETURNS tsquery
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    AS $$ SELECT CASE WHEN f ~ '[[:alnum:]]'
                      THEN regexp_replace(plainto_tsquery('simple'::regconfig, f)::text, '''$', ''':*')::tsquery END
          FROM (SELECT translate(vn_fold(q), '\', ' ') AS f) a $$;

-- The filters the queue applies besides the search, as SQL over report s with the parameters of
-- submission_search() below ($2 status, $3 form, $4 workplace, $5/$6 first and last instant,
-- $7 urgent, $8-$10 the cursor), spelled once for both functions. Survey answers are left out
-- unless urgent or their form is asked for (sql/036).
CREATE FUNCTION submission_search_filters() RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT
    's.workplace_id IN (SELECT scope_workplaces()) '
    'AND ($2 = '''' OR s.status = $2) AND ($3 = '''' OR s.form_id = $3) '
    'AND ($3 <> '''' OR s.urgent OR NOT EXISTS (SELECT 1 FROM survey_form sf WHERE sf.form_id = s.form_id)) '
    'AND ($4 IS NULL OR s.workplace_id = $4) AND ($5 IS NULL OR s.received_at >= $5) '
    'AND ($6 IS NULL OR s.received_at < $6) AND ($7 IS NULL OR s.urgent = $7) '
    'AND ($8 IS NULL OR ((s.urgent AND s.status = ''new''), s.received_at, s.id) < ($8, $9, $10)) ' $$;

-- The match itself, checked row by row over w (a row with search_text): the text ($1, LIKE) and the
-- syllables ($11) by ts_match_vq(), @@ as a function, so that the planner never takes the index for it.
CREATE FUNCTION submission_search_match() RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT
    '(w.search_text LIKE $1 AND ($11 IS NULL OR ts_match_vq(vn_words(w.search_text), $11))) ' $$;

-- The LIKE pattern of what an officer typed: folded, % _ and \ literal, anywhere in the text.
CREATE FUNCTION vn_like(q text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    AS $$ SELECT '%' || regexp_replace(vn_fold(q), '([\\%_])', '\\\1', 'g') || '%' $$;

-- The ids of the reports in the officer's scope that match q under the queue's other filters
-- (text parameters as the queue gets them, '' for none), in the queue's order (urgent new reports
-- first, then newest first), at most lim. First the urgent new reports (few, from each workplace's
-- queue index) and the newest 3,000 others are read and checked one by one: a common phrase fills
-- the page there. Otherwise the syllable index gives the candidates, newest slice first, which are
-- checked and sorted (with no syllable at all, "%", every report in scope is read).
CREATE FUNCTION submission_search(q text, st text, form text, wp text, day_from text, day_to text, urg text,
        after_pin text, after_us text, after_id text, lim int)
    RETURNS TABLE (id bigint) LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path = public, pg_temp SET jit = off AS $$
DECLARE
    tq tsquery := vn_query(q);
    f text := submission_search_filters();
    got bigint[];
    pinned bigint[];
    since timestamptz;
BEGIN
    EXECUTE 'SELECT array_agg(x.id ORDER BY x.pin DESC, x.received_at DESC, x.id DESC) FROM ('
        '(SELECT w.id, true AS pin, w.received_at FROM workplace wp CROSS JOIN LATERAL '
        '  (SELECT s.id, s.received_at, s.search_text FROM submission s WHERE s.workplace_id = wp.id '
        '   AND (s.urgent AND s.status = ''new'') IS TRUE AND ' || f || ') w '
        '  WHERE wp.id IN (SELECT scope_workplaces()) AND ' || submission_search_match() || ') '
        'UNION ALL (SELECT w.id, false, w.received_at FROM (SELECT s.id, s.received_at, s.search_text FROM submission s '
        '  WHERE NOT (s.urgent AND s.status = ''new'') AND ' || f || 'ORDER BY s.received_at DESC, s.id DESC LIMIT 3000) w '
        '  WHERE ' || submission_search_match() || 'LIMIT $12)) x'
    INTO got USING vn_like(q), st, form, nullif(wp, '')::bigint,
        (nullif(day_from, '')::date)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh',
        (nullif(day_to, '')::date + 1)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh',
        nullif(urg, '')::boolean, nullif(after_pin, '')::boolean,
        'epoch'::timestamptz + nullif(after_us, '')::bigint * interval '1 microsecond', nullif(after_id, '')::bigint,
        tq, lim;
    IF cardinality(got) >= lim THEN
        RETURN QUERY SELECT unnest(got[1:lim]);
        RETURN;
    END IF;
    -- the urgent new ones are all in got already; the others from the index's candidates among the
    -- newest 30,000 reports, then the newest 300,000, then all: a phrase that is common but not among
    -- the newest reports costs the heap fetches of one slice. Only the index (and the slice's time
    -- range) reads the table: the other conditions apply above the fence (OFFSET 0), lest the planner
    -- AND the index's bitmap with a B-tree range of a third of the table.
    pinned := ARRAY(SELECT s.id FROM submission s WHERE s.id = ANY (got) AND s.urgent AND s.status = 'new'
                    ORDER BY s.received_at DESC, s.id DESC);
    FOREACH since IN ARRAY ARRAY[(SELECT s.received_at FROM submission s ORDER BY s.received_at DESC OFFSET 30000 LIMIT 1),
                                 (SELECT s.received_at FROM submission s ORDER BY s.received_at DESC OFFSET 300000 LIMIT 1),
                                 '-infinity'::timestamptz] LOOP
        CONTINUE WHEN since IS NULL;
        EXECUTE 'SELECT array_agg(x.id ORDER BY x.received_at DESC, x.id DESC) FROM (SELECT s.id, s.received_at '
            'FROM (SELECT s.* FROM submission s WHERE ($11 IS NULL OR vn_words(s.search_text) @@ $11) AND s.received_at >= $13 '
            'OFFSET 0) s WHERE NOT (s.urgent AND s.status = ''new'') AND s.search_text LIKE $1 AND ' || f ||
            'ORDER BY s.received_at DESC, s.id DESC LIMIT $12) x'
        INTO got USING vn_like(q), st, form, nullif(wp, '')::bigint,
            (nullif(day_from, '')::date)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh',
            (nullif(day_to, '')::date + 1)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh',
            nullif(urg, '')::boolean, nullif(after_pin, '')::boolean,
            'epoch'::timestamptz + nullif(after_us, '')::bigint * interval '1 microsecond', nullif(after_id, '')::bigint,
            tq, lim, since;
        EXIT WHEN coalesce(cardinality(pinned), 0) + coalesce(cardinality(got), 0) >= lim;
    END LOOP;
    RETURN QUERY SELECT unnest((pinned || got)[1:lim]);
END $$;

-- How many reports in scope match q under the same filters with status st, counted up to cap + 1
-- (the page shows "cap+"): among that status's newest 3,000 reports when they hold more than cap
-- matches or are all there is, else every candidate of the syllable index.
CREATE FUNCTION submission_search_count(q text, st text, form text, wp text, day_from text, day_to text,
        urg text, cap int)
    RETURNS bigint LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path = public, pg_temp SET jit = off AS $$
DECLARE
    tq tsquery := vn_query(q);
    f text := submission_search_filters();
    n bigint;
    seen bigint;
BEGIN
    EXECUTE 'WITH w AS MATERIALIZED (SELECT s.search_text FROM submission s WHERE ' || f ||
        'ORDER BY s.received_at DESC, s.id DESC LIMIT 3000) '
        'SELECT (SELECT count(*) FROM (SELECT 1 FROM w WHERE ' || submission_search_match() || 'LIMIT $12 + 1) c), '
        '(SELECT count(*) FROM w)'
    INTO n, seen USING vn_like(q), st, form, nullif(wp, '')::bigint,
        (nullif(day_from, '')::date)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh',
        (nullif(day_to, '')::date + 1)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh',
        nullif(urg, '')::boolean, NULL::boolean, NULL::timestamptz, NULL::bigint, tq, cap;
    IF n > cap OR seen < 3000 THEN
        RETURN least(n, cap + 1);
    END IF;
    EXECUTE 'SELECT count(*) FROM (SELECT 1 FROM (SELECT s.* FROM submission s WHERE ($11 IS NULL '
        'OR vn_words(s.search_text) @@ $11) OFFSET 0) s WHERE s.search_text LIKE $1 AND ' || f || 'LIMIT $12 + 1) c'
    INTO n USING vn_like(q), st, form, nullif(wp, '')::bigint,
        (nullif(day_from, '')::date)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh',
        (nullif(day_to, '')::date + 1)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh',
        nullif(urg, '')::boolean, NULL::boolean, NULL::timestamptz, NULL::bigint, tq, cap;
    RETURN n;
END $$;

REVOKE ALL ON FUNCTION submission_search(text, text, text, text, text, text, text, text, text, text, int),
    submission_search_count(text, text, text, text, text, text, text, int) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION submission_search(text, text, text, text, text, text, text, text, text, text, int),
    submission_search_count(text, text, text, text, text, text, text, int) TO tiengnoi_officer;

-- The app's queries are short (a page, a report) and their plans' cost estimates at 1M reports pass
-- jit_above_cost all the same (the queue's status counts: 0.9M), so PostgreSQL spent 1-1.5 s per query
-- compiling them to machine code: no JIT for the app's connections.
ALTER ROLE tiengnoi_app SET jit = off;
