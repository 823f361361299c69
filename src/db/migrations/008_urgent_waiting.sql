-- Emergencies first in the operators' queue: a conversation handed over for an emergency waits at the top
-- (inbox order: urgent first, then newest activity). The flag drops as soon as the conversation leaves the
-- waiting state, whichever path moves it (take-over, assignment, back to the bot, closing).
-- Runs unchanged on PGlite and PostgreSQL.
ALTER TABLE conversations ADD COLUMN urgent boolean NOT NULL DEFAULT false;

CREATE FUNCTION conversations_urgent_reset() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.state <> 'waiting' AND NEW.urgent AND NEW.state IS DISTINCT FROM OLD.state THEN
    NEW.urgent := false;
  END IF;
  RETURN NEW;
END;
$$;
CREATE TRIGGER conversations_urgent_reset BEFORE UPDATE OF state ON conversations
  FOR EACH ROW EXECUTE FUNCTION conversations_urgent_reset();

-- The waiting queue and the open list, urgent first (the state filters of src/store/inbox.ts).
CREATE INDEX conversations_waiting_urgent ON conversations (urgent DESC, last_message_at DESC, id DESC) WHERE state = 'waiting';
CREATE INDEX conversations_open_urgent ON conversations (urgent DESC, last_message_at DESC, id DESC) WHERE state <> 'closed';
