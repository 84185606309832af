-- 014_status_index.sql: counts and status filters per workplace read exactly their rows.
-- rewrites: submission — an index built without CONCURRENTLY (lock times at 1M rows: docs/operations.md, Upgrades)
-- With (status, received_at) the planner walked a workplace's newest reports and threw away
-- every other status: 120 ms per count once one workplace had 240,000 new reports.
CREATE INDEX submission_workplace_status_idx ON submission (workplace_id, status, received_at DESC, id DESC);
DROP INDEX submission_status_idx;
