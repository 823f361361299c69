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
-- The hour of the day (0–23) of a time in Vietnam.
CREATE FUNCTION vn_hour(t timestamptz) RETURNS int LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN (floor((date_part('epoch', t) + 25200) / 3600)::bigint % 24)::int;

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

-- Marks a day (before today) as changed since it was rolled up.
CREATE FUNCTION stats_mark(d int) RETURNS void LANGUAGE sql AS $$
  INSERT INTO stats_dirty (day, seq) VALUES (d, nextval('stats_dirty_seq')) ON CONFLICT (day) DO UPDATE SET seq = EXCLUDED.seq
$$;

-- Row triggers whose WHEN clause skips rows of today: today is never rolled up, so the writes of live
-- traffic cost one comparison and no function call. Late rows (a delayed e-mail, history) mark their day.
CREATE FUNCTION stats_mark_row_day() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM stats_mark(vn_day(NEW.created_at));
  RETURN NULL;
END $$;

-- A ticket also counts in its conversation's day (escalated or not), which may be older than the ticket.
CREATE FUNCTION stats_mark_ticket_days() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  t tickets;
  conv_day int;
BEGIN
  IF TG_OP = 'DELETE' THEN t := OLD; ELSE t := NEW; END IF;
  IF vn_day(t.created_at) < vn_day(now()) THEN PERFORM stats_mark(vn_day(t.created_at)); END IF;
  SELECT vn_day(created_at) INTO conv_day FROM conversations WHERE id = t.conversation_id;
  IF conv_day < vn_day(now()) THEN PERFORM stats_mark(conv_day); END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER conversations_stats AFTER INSERT ON conversations FOR EACH ROW WHEN (vn_day(NEW.created_at) < vn_day(now())) EXECUTE FUNCTION stats_mark_row_day();
CREATE TRIGGER messages_stats AFTER INSERT ON messages FOR EACH ROW WHEN (vn_day(NEW.created_at) < vn_day(now())) EXECUTE FUNCTION stats_mark_row_day();
CREATE TRIGGER events_stats AFTER INSERT ON events FOR EACH ROW WHEN (vn_day(NEW.created_at) < vn_day(now())) EXECUTE FUNCTION stats_mark_row_day();
CREATE TRIGGER tickets_stats_insert AFTER INSERT ON tickets FOR EACH ROW EXECUTE FUNCTION stats_mark_ticket_days();
-- (A ticket never moves to another conversation: an update changes its own day's figures only.)
CREATE TRIGGER tickets_stats_update AFTER UPDATE ON tickets FOR EACH ROW WHEN (vn_day(NEW.created_at) < vn_day(now())) EXECUTE FUNCTION stats_mark_row_day();
CREATE TRIGGER tickets_stats_delete AFTER DELETE ON tickets FOR EACH ROW EXECUTE FUNCTION stats_mark_ticket_days();

-- Exact percentiles and "open / overdue now" stay live: covering indexes so they read no table rows.
CREATE INDEX tickets_created_timings ON tickets (created_at) INCLUDE (first_response_at, closed_at, assignee_id);
CREATE INDEX tickets_open_created ON tickets (created_at) INCLUDE (agency_id, due_at) WHERE status <> 'closed';
