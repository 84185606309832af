-- 058_vn_fold_plpgsql.sql: vn_fold, which every report's generated search_text calls, keeps its plan for the session instead of parsing and planning its body on every INSERT.
-- Why (issue 12 item 18, docs/performance.md "What an insert costs, third pass"): vn_fold (sql/004) is a
-- LANGUAGE sql function declared IMMUTABLE whose body calls unaccent(), which is only STABLE, so PostgreSQL
-- never inlines it; an uninlined SQL function parses and plans its body anew in every statement that calls
-- it: about a tenth of PostgreSQL's CPU per report. A PL/pgSQL body is parsed once per session and its
-- expression planned once, then reused. Same result for every text (same call, same dictionary), so the
-- stored search_text and the syllable index built from it stay valid: nothing is recomputed.
-- Locks: CREATE OR REPLACE FUNCTION changes the catalog only.
CREATE OR REPLACE FUNCTION vn_fold(t text) RETURNS text
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE STRICT
    AS $$ BEGIN RETURN lower(public.unaccent('public.unaccent'::regdictionary, t)); END $$;
