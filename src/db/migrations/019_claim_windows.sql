-- Cổng 1022: a claim's window of the oldest due jobs costs its own size, not the queue's (issue 10).
-- Lanes claim by kind: each kind's due jobs are read in order from jobs_ready_by_kind (kind, run_at,
-- id), and the running jobs whose lease ran out from jobs_leased. With jobs_ready (run_at, id) there,
-- the planner read it for a kind's window, filtering out the other kinds' jobs one by one (8,010 rows
-- passed over for a window of 288 behind a backlog); without it, every pending job writes one index
-- entry fewer. The claim of any kind (no lane uses it) sorts the due jobs instead.
DROP INDEX IF EXISTS jobs_ready;
CREATE INDEX jobs_leased ON jobs (locked_until) WHERE state = 'running';
