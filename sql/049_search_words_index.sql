-- 049_search_words_index.sql: the GIN index of the folded syllables that sql/048's search reads, built while reports go on being stored; the trigram index nothing reads any more goes.
-- migrate: outside a transaction
-- (CREATE INDEX CONCURRENTLY cannot run in one: `tiengnoi-admin migrate` runs each statement of this
-- file alone. Building it takes minutes at 1M reports, during which inserts go on; the search works
-- meanwhile, slower, as before. A build that was interrupted leaves an invalid index: the first line
-- drops it, so running migrate again starts over.)
DROP INDEX CONCURRENTLY IF EXISTS submission_words_idx;
CREATE INDEX CONCURRENTLY submission_words_idx ON submission USING gin (vn_words(search_text));
DROP INDEX CONCURRENTLY IF EXISTS submission_search_idx;
