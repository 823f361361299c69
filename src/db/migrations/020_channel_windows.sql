-- Cổng 1022: a capped lane's claim window reads each channel's due jobs on its own (issue 10).
-- When a channel is at its cap in the delivery lane (a slow provider, or its backlog after an
-- outage), the claim leaves its jobs out. Read from jobs_ready_by_kind, the window passed over each
-- of them at every claim (10,000 due jobs of a capped channel: 5.2-6.3 ms a claim in psql, and when
-- that found nothing, 6.0 ms more for the claim over all that followed). This index lets the claim
-- find the channels of a kind's pending jobs (a skip scan, one probe a channel) and read the other
-- channels' due jobs in order (0.7-1.1 ms).
CREATE INDEX jobs_ready_by_channel ON jobs (kind, (COALESCE(payload->>'channel', '')), run_at, id) WHERE state = 'pending';
