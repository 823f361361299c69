-- Jobs retried until a time rather than a number of attempts (deliveries: through a provider's
-- maintenance window), and claims by kind (separate lanes for inbound processing and deliveries).
ALTER TABLE jobs ADD COLUMN give_up_at timestamptz;
CREATE INDEX jobs_ready_by_kind ON jobs (kind, run_at, id) WHERE state = 'pending';
