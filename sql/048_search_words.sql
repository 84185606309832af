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
    's.search_text LIKE $1 AND s.workplace_id IN (SELECT scope_workplaces()) '
    'AND ($2 = '''' OR s.status = $2) AND ($3 = '''' OR s.form_id = $3) '
    'AND ($3 <> '''' OR s.urgent OR NOT EXISTS (SELECT 1 FROM survey_form sf WHERE sf.form_id = s.form_id)) '
    'AND ($4 IS NULL OR s.workplace_id = $4) AND ($5 IS NULL OR s.received_at >= $5) '
    'AND ($6 IS NULL OR s.received_at < $6) AND ($7 IS NULL OR s.urgent = $7) '
    'AND ($8 IS NULL OR ((s.urgent AND s.status = ''new''), s.received_at, s.id) < ($8, $9, $10)) ' $$;

-- True when the index holds at most 5,000 reports in the officer's scope with every syllable of tq: then
-- reading them all and sorting beats walking the newest reports until enough match.
-- Only the index may answer (a scan would fold every report's text again).
CREATE FUNCTION submission_search_rare(tq tsquery) RETURNS boolean LANGUAGE sql STABLE
    SET search_path = public, pg_temp SET enable_seqscan = off SET enable_indexscan = off AS $$
    SELECT count(*) <= 5000 FROM (SELECT 1 FROM submission s
        WHERE vn_words(s.search_text) @@ tq AND s.workplace_id IN (SELECT scope_workplaces()) LIMIT 5001) c
$$;

-- The LIKE pattern of what an officer typed: folded, % _ and \ literal, anywhere in the text.
CREATE FUNCTION vn_like(q text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    AS $$ SELECT '%' || regexp_replace(vn_fold(q), '([\\%_])', '\\\1', 'g') || '%' $$;

-- The ids of the reports in the officer's scope that match q under the queue's other filters
-- (text parameters as the queue gets them, '' for none), in the queue's order (urgent new reports
-- first, then newest first), at most lim. A rare phrase: its candidates are all read and sorted (a
-- few ms); a common one: the newest reports are read until lim match, which comes soon.
CREATE FUNCTION submission_search(q text, st text, form text, wp text, day_from text, day_to text, urg text,
        after_pin text, after_us text, after_id text, lim int)
    RETURNS TABLE (id bigint) LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path = public, pg_temp AS $$
DECLARE
    tq tsquery := vn_query(q);
    f text := submission_search_filters();
BEGIN
    RETURN QUERY EXECUTE CASE WHEN tq IS NOT NULL AND submission_search_rare(tq) THEN
        'SELECT x.id FROM (SELECT s.id, (s.urgent AND s.status = ''new'') AS pin, s.received_at FROM submission s '
        '  WHERE vn_words(s.search_text) @@ $11 AND ' || f || 'OFFSET 0) x '   -- all candidates, then the order
        'ORDER BY x.pin DESC, x.received_at DESC, x.id DESC LIMIT $12'
    ELSE   -- the few urgent new reports of each workplace, then the others newest first; the syllables
           -- checked by ts_match_vq() (@@ as a function) on the rows LIKE keeps, never by the index
        'SELECT x.id FROM ((SELECT s.id, true AS pin, s.received_at FROM workplace w CROSS JOIN LATERAL '
        '  (SELECT s.id, s.received_at FROM submission s WHERE s.workplace_id = w.id AND (s.urgent AND s.status = ''new'') '
        '   AND ($11 IS NULL OR ts_match_vq(vn_words(s.search_text), $11)) AND ' || f || ') s '
        '  WHERE w.id IN (SELECT scope_workplaces())) '
        'UNION ALL (SELECT s.id, false, s.received_at FROM submission s WHERE NOT (s.urgent AND s.status = ''new'') '
        '  AND ($11 IS NULL OR ts_match_vq(vn_words(s.search_text), $11)) AND ' || f ||
        '  ORDER BY s.received_at DESC, s.id DESC LIMIT $12)) x '
        'ORDER BY x.pin DESC, x.received_at DESC, x.id DESC LIMIT $12' END
    USING vn_like(q), st, form, nullif(wp, '')::bigint,
        (nullif(day_from, '')::date)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh',
        (nullif(day_to, '')::date + 1)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh',
        nullif(urg, '')::boolean, nullif(after_pin, '')::boolean,
        'epoch'::timestamptz + nullif(after_us, '')::bigint * interval '1 microsecond', nullif(after_id, '')::bigint,
        tq, lim;
END $$;

-- How many reports in scope match q under the same filters with status st, counted up to cap + 1
-- (the page shows "cap+"): from the candidates when they are few, else the newest reports of that
-- status read until cap + 1 match.
CREATE FUNCTION submission_search_count(q text, st text, form text, wp text, day_from text, day_to text,
        urg text, cap int)
    RETURNS bigint LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path = public, pg_temp AS $$
DECLARE
    tq tsquery := vn_query(q);
    n bigint;
BEGIN
    EXECUTE 'SELECT count(*) FROM (SELECT 1 FROM submission s WHERE '
        || CASE WHEN tq IS NOT NULL AND submission_search_rare(tq) THEN 'vn_words(s.search_text) @@ $11 AND '
                ELSE '($11 IS NULL OR ts_match_vq(vn_words(s.search_text), $11)) AND ' END
        || submission_search_filters() || 'LIMIT $12 + 1) c' INTO n
    USING vn_like(q), st, form, nullif(wp, '')::bigint,
        (nullif(day_from, '')::date)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh',
        (nullif(day_to, '')::date + 1)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh',
        nullif(urg, '')::boolean, NULL::boolean, NULL::timestamptz, NULL::bigint, tq, cap;
    RETURN n;
END $$;

REVOKE ALL ON FUNCTION submission_search(text, text, text, text, text, text, text, text, text, text, int),
    submission_search_count(text, text, text, text, text, text, text, int), submission_search_rare(tsquery) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION submission_search(text, text, text, text, text, text, text, text, text, text, int),
    submission_search_count(text, text, text, text, text, text, text, int) TO tiengnoi_officer;
