-- 052_submission_drop_unused_indexes.sql: two indexes on submission that no query reads go, so each report's INSERT updates seven B-trees instead of nine.
-- migrate: outside a transaction
-- (DROP INDEX CONCURRENTLY cannot run in one: `tiengnoi-admin migrate` runs each statement of this file
-- alone, and reports go on being stored while it waits for the transactions using the table to end.)
-- Checked against every query that reads submission, with EXPLAIN at 1M reports (issue 12 item 18,
-- docs/performance.md): submission_unit_idx (unit_id, received_at) was read by none (the brief and the
-- rounds filter by workplace and read submission_workplace_time_idx; the statistics read the daily sums;
-- org_units are never deleted, so the foreign key never looks reports up by unit); the retention purge's
-- condition (anonymise_after per form, or an attachment's age) is a whole-table scan once a day with or
-- without submission_retention_idx (received_at WHERE anonymised_at IS NULL).
DROP INDEX CONCURRENTLY IF EXISTS submission_unit_idx;
DROP INDEX CONCURRENTLY IF EXISTS submission_retention_idx;
