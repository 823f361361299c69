-- Cổng 1022: the hotline floor (automatic assignment, presence, live supervision, alerts).
-- Runs unchanged on PGlite and PostgreSQL.

-- Routing: how many conversations an operator holds at once, and the fields they handle (empty: any field).
ALTER TABLE users ADD COLUMN max_chats integer NOT NULL DEFAULT 3 CHECK (max_chats BETWEEN 0 AND 50);
ALTER TABLE users ADD COLUMN skills text[] NOT NULL DEFAULT '{}';

-- When the conversation last started waiting for an operator: set by a trigger, so that every path that
-- hands a conversation over (bot escalation, a reopened mail thread, an emergency) stamps it the same way.
ALTER TABLE conversations ADD COLUMN waiting_since timestamptz;
UPDATE conversations SET waiting_since = last_message_at WHERE state = 'waiting';
CREATE FUNCTION conversations_waiting_since() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.state = 'waiting' AND (TG_OP = 'INSERT' OR OLD.state IS DISTINCT FROM 'waiting') THEN
    NEW.waiting_since := clock_timestamp();
  END IF;
  RETURN NEW;
END;
$$;
CREATE TRIGGER conversations_waiting_since BEFORE INSERT OR UPDATE OF state ON conversations
  FOR EACH ROW EXECUTE FUNCTION conversations_waiting_since();
CREATE INDEX conversations_waiting ON conversations (waiting_since) WHERE state = 'waiting';

-- An operator's chosen status. Effective presence also needs a live console connection (below), so a
-- node that dies without closing its sockets cannot leave its operators "online" for ever.
CREATE TABLE operator_presence (
  user_id uuid PRIMARY KEY REFERENCES users (id),
  status text NOT NULL DEFAULT 'offline' CHECK (status IN ('online', 'away', 'offline')),
  -- Set when the gateway made the operator away for inactivity: their next activity brings them back.
  auto_away boolean NOT NULL DEFAULT false,
  last_active_at timestamptz NOT NULL DEFAULT now(),
  -- Round-robin among equals: the least recently assigned operator goes first.
  last_assigned_at timestamptz,
  changed_at timestamptz NOT NULL DEFAULT now()
);

-- Open console connections, on every node; each node renews its own (heartbeat) and an expired row is a dead node's.
CREATE TABLE presence_connections (
  socket_id text PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES users (id),
  seen_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX presence_connections_user ON presence_connections (user_id, seen_at);

-- Alerts already raised, so that each is raised once whichever node sees it first (`since`: the start of
-- the wait, or the ticket's deadline — a new wait or a new deadline is a new alert).
CREATE TABLE floor_alerts (
  kind text NOT NULL,
  subject_id uuid NOT NULL,
  since timestamptz NOT NULL,
  raised_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (kind, subject_id, since)
);
