-- 067_sender_no_jit.sql: the functions the sender calls on every poll are never compiled to machine code (JIT): the statistics fold of sql/065 spent ~1 s of CPU every 2 s doing so, on the cores the workers' reports need.
--
-- Why (issue 12 item 18, found by perf on 2026-12-06): the sender connects as the database owner, whose
-- sessions keep PostgreSQL's default jit = on (sql/048 turned it off for the app's role only). Since sql/065
-- the sender folds the new reports into the statistics every 2 s with submission_fact_compact(). Its
-- statement reads the reports between two marks that the planner cannot see (they come from
-- submission_mark), so it guesses a share of the whole table, times submission_facts()' default 1,000 rows
-- per report: at 294,000 reports an estimate of 1.2M, past jit_above_cost (100,000) and the inlining and
-- optimising thresholds (500,000). auto_explain of one fold: 990 ms, "JIT: Functions: 89", for a statement
-- that runs in 11.7 ms without JIT. perf of a 5 s POST run at 8 connections: that one sender backend took
-- 25% of the machine's CPU samples, 20% inside libLLVM; with JIT off for the fold, 2%, and the POSTs/s of
-- the run went from 1,436 to 2,143 (one run each on a scratch stack; tests/bench gives the figures).
-- The fold compiled the same on every call whether or not a report had arrived, so it also took its
-- share during make bench's reference runs.
--
-- The sender's other per-poll functions read ranges of reports or of the outbox the same way (their
-- estimates grow with the tables: under the threshold at 300,000 reports, not at ten times that): none of
-- them is a query JIT pays for (each handles at most a few thousand rows, every 0.2-2 s), so none of them
-- compiles, whatever the tables grow to. integration row "ins2: the sender's functions never compile"
-- checks each function the sender calls, and runs the fold with every JIT threshold at 0.
--
-- Locks: ALTER FUNCTION changes the catalog only.

ALTER FUNCTION submission_fact_compact() SET jit = off;
ALTER FUNCTION submission_seal() SET jit = off;
ALTER FUNCTION outbox_queue_reports(integer) SET jit = off;
ALTER FUNCTION webhook_seal(double precision) SET jit = off;
ALTER FUNCTION outbox_expand(integer) SET jit = off;
ALTER FUNCTION webhook_catch_up(integer, double precision) SET jit = off;
ALTER FUNCTION notify_schedule(timestamptz) SET jit = off;
ALTER FUNCTION agreement_schedule(timestamptz) SET jit = off;
