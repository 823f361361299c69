-- Daily roll-ups for the supervisors' dashboard (src/store/stats-rollup.ts).
--
-- stats_daily holds, per Vietnam day, the additive figures of that day: conversations and escalations by
-- channel, tickets by channel / field / agency, citizen messages by hour, operators' activity, CSAT
-- ratings. A day is rolled up once it is over (plus a grace period); until then it is read from the
-- tables themselves. A change that touches an already rolled-up day (a ticket closed or rated later, a
-- late e-mail, an escalation of an old conversation) marks that day in stats_dirty, and the day is
-- recomputed before the next read. Percentiles and "open / overdue as of now" are never rolled up.

-- The day number of a time in Vietnam (UTC+7, no daylight saving since 1975): days since 1970-01-01.
CREATE FUNCTION vn_day(t timestamptz) RETURNS int LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN floor((date_part('epoch', t) + 25200) / 86400)::int;

CREATE TABLE stats_daily (
  day int NOT NULL,
  -- conv (key: channel; n: conversations, m: escalated) · t_channel · t_field · t_agency (key: agency id)
  -- msg_hour (key: hour 0–23) · op_taken_over · op_closed · op_replies (key: user id) · csat (key: 1–5)
  kind text NOT NULL,
  key text NOT NULL,
  n int NOT NULL,
  m int NOT NULL DEFAULT 0,
  PRIMARY KEY (day, kind, key)
);

-- Rolled-up days that changed since: recomputed before they are read. `seq` tells a recomputation that
-- the day changed again while it ran (so the mark is kept).
CREATE SEQUENCE stats_dirty_seq;
CREATE TABLE stats_dirty (day int PRIMARY KEY, seq bigint NOT NULL);

-- Days up to rolled_until (inclusive) are in stats_daily; NULL: none yet.
CREATE TABLE stats_rollup_state (id boolean PRIMARY KEY DEFAULT true CHECK (id), rolled_until int);
INSERT INTO stats_rollup_state (id, rolled_until) VALUES (true, NULL);

-- Marks the days (before today) of the rows a statement wrote. Today is never rolled up, so a write for
-- today costs a filter and nothing else.
CREATE FUNCTION stats_mark_days() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO stats_dirty (day, seq)
  SELECT d, nextval('stats_dirty_seq') FROM (SELECT DISTINCT vn_day(created_at) AS d FROM changed WHERE vn_day(created_at) < vn_day(now())) x
  ON CONFLICT (day) DO UPDATE SET seq = EXCLUDED.seq;
  RETURN NULL;
END $$;

-- A new ticket also changes the escalation count of its conversation's day.
CREATE FUNCTION stats_mark_ticket_days() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO stats_dirty (day, seq)
  SELECT d, nextval('stats_dirty_seq') FROM (
    SELECT vn_day(created_at) AS d FROM changed WHERE vn_day(created_at) < vn_day(now())
    UNION
    SELECT vn_day(c.created_at) FROM changed t JOIN conversations c ON c.id = t.conversation_id WHERE vn_day(c.created_at) < vn_day(now())) x
  ON CONFLICT (day) DO UPDATE SET seq = EXCLUDED.seq;
  RETURN NULL;
END $$;

CREATE TRIGGER conversations_stats AFTER INSERT ON conversations REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION stats_mark_days();
CREATE TRIGGER messages_stats AFTER INSERT ON messages REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION stats_mark_days();
CREATE TRIGGER events_stats AFTER INSERT ON events REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION stats_mark_days();
CREATE TRIGGER tickets_stats_insert AFTER INSERT ON tickets REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION stats_mark_ticket_days();
CREATE TRIGGER tickets_stats_update AFTER UPDATE ON tickets REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION stats_mark_days();
CREATE TRIGGER tickets_stats_delete AFTER DELETE ON tickets REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION stats_mark_ticket_days();

-- Exact percentiles and "open / overdue now" stay live: covering indexes so they read no table rows.
CREATE INDEX tickets_created_timings ON tickets (created_at) INCLUDE (first_response_at, closed_at, assignee_id);
CREATE INDEX tickets_open_created ON tickets (created_at) INCLUDE (agency_id, due_at) WHERE status <> 'closed';
