-- Cổng 1022: security (issue 14). A hash chain over the processing log, TRUNCATE blocked; login
-- throttling and rate-limit counters shared by every node; TOTP replay guard; the personal-data
-- access log; inbound mail authentication results. Runs unchanged on PGlite and PostgreSQL.

-- ---- Tamper-evident processing log ----
-- Each event belongs to one chain: its ticket's, else its conversation's, else the chain of events
-- about neither (logins, settings). `chain_seq` is its position in the chain (1, 2, …), given under
-- the chain's lock — ids are drawn before the lock, so concurrent writers may take them out of
-- order; `hash` = SHA-256 of the previous event's hash and of this event's content (position
-- included); verification recomputes it with the same function.
ALTER TABLE events ADD COLUMN chain_seq integer;
ALTER TABLE events ADD COLUMN prev_hash text;
ALTER TABLE events ADD COLUMN hash text;

-- The chain an event belongs to.
CREATE FUNCTION event_chain_key(ticket uuid, conversation uuid) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN ticket IS NOT NULL THEN 't:' || ticket::text WHEN conversation IS NOT NULL THEN 'c:' || conversation::text ELSE 'g' END
$$;

-- The hash of one event's content after `prev` (time as epoch microseconds: the same in every time zone).
CREATE FUNCTION event_hash(prev text, e events) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT encode(sha256(convert_to(concat_ws(E'\x1f',
    coalesce(prev, ''), e.id::text, coalesce(e.ticket_id::text, ''), coalesce(e.conversation_id::text, ''), e.type, e.actor_kind,
    coalesce(e.actor_user_id::text, ''), coalesce(e.actor_name, ''), e.data::text,
    (extract(epoch FROM e.created_at) * 1000000)::bigint::text, e.chain_seq::text), 'UTF8')), 'hex')
$$;


-- Links a new event into its chain. The transaction-scoped lock on the chain serializes concurrent
-- inserts into one chain (two writers would otherwise both link to the same head); other chains are
-- not held up.
CREATE FUNCTION events_link() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  head events;
BEGIN
  PERFORM pg_advisory_xact_lock(hashtextextended('events:' || event_chain_key(NEW.ticket_id, NEW.conversation_id), 0));
  IF NEW.ticket_id IS NOT NULL THEN
    SELECT * INTO head FROM events WHERE ticket_id = NEW.ticket_id ORDER BY chain_seq DESC LIMIT 1;
  ELSIF NEW.conversation_id IS NOT NULL THEN
    SELECT * INTO head FROM events WHERE conversation_id = NEW.conversation_id AND ticket_id IS NULL ORDER BY chain_seq DESC LIMIT 1;
  ELSE
    SELECT * INTO head FROM events WHERE ticket_id IS NULL AND conversation_id IS NULL ORDER BY chain_seq DESC LIMIT 1;
  END IF;
  NEW.chain_seq := coalesce(head.chain_seq, 0) + 1;
  NEW.prev_hash := head.hash;
  NEW.hash := event_hash(NEW.prev_hash, NEW);
  RETURN NEW;
END;
$$;

-- Existing events are linked once, in order, before the trigger takes over.
ALTER TABLE events DISABLE TRIGGER events_no_update;
DO $$
DECLARE
  r events;
  heads jsonb := '{}';
  key text;
BEGIN
  FOR r IN SELECT * FROM events ORDER BY id LOOP
    key := event_chain_key(r.ticket_id, r.conversation_id);
    r.chain_seq := coalesce((heads->key->>'seq')::integer, 0) + 1;
    r.prev_hash := heads->key->>'hash';
    r.hash := event_hash(r.prev_hash, r);
    UPDATE events SET chain_seq = r.chain_seq, prev_hash = r.prev_hash, hash = r.hash WHERE id = r.id;
    heads := jsonb_set(heads, ARRAY[key], jsonb_build_object('seq', r.chain_seq, 'hash', r.hash));
  END LOOP;
END;
$$;
ALTER TABLE events ENABLE TRIGGER events_no_update;
ALTER TABLE events ALTER COLUMN hash SET NOT NULL;
ALTER TABLE events ALTER COLUMN chain_seq SET NOT NULL;
CREATE INDEX events_ticket_chain ON events (ticket_id, chain_seq) WHERE ticket_id IS NOT NULL;
CREATE INDEX events_conversation_chain ON events (conversation_id, chain_seq) WHERE ticket_id IS NULL;
CREATE INDEX events_unlinked_chain ON events (chain_seq) WHERE ticket_id IS NULL AND conversation_id IS NULL;

CREATE TRIGGER events_link BEFORE INSERT ON events FOR EACH ROW EXECUTE FUNCTION events_link();
-- TRUNCATE skips row triggers: refuse it with a statement trigger of its own.
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events FOR EACH STATEMENT EXECUTE FUNCTION events_append_only();

-- ---- Login throttling (per user and address, per address, per user) ----
CREATE TABLE login_throttle (
  key text PRIMARY KEY,
  failures integer NOT NULL DEFAULT 0,
  last_failure_at timestamptz NOT NULL DEFAULT now(),
  blocked_until timestamptz
);

-- ---- Rate limits shared by every node (fixed windows) ----
CREATE TABLE rate_counters (
  key text NOT NULL,
  window_start timestamptz NOT NULL,
  hits integer NOT NULL DEFAULT 0,
  PRIMARY KEY (key, window_start)
);

-- ---- TOTP: the last time step used, so that a code is accepted once ----
ALTER TABLE users ADD COLUMN totp_last_step bigint;

-- ---- Who viewed or exported a citizen's personal data (Nghị định 13/2023/NĐ-CP) ----
CREATE TABLE personal_data_access (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id uuid REFERENCES users (id),
  username text NOT NULL,
  action text NOT NULL CHECK (action IN ('view', 'export', 'search')),
  subject_kind text NOT NULL,
  subject_id text,
  detail jsonb NOT NULL DEFAULT '{}',
  ip text,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX personal_data_access_created ON personal_data_access (created_at DESC);
CREATE INDEX personal_data_access_user ON personal_data_access (user_id, created_at DESC);
CREATE INDEX personal_data_access_subject ON personal_data_access (subject_kind, subject_id, created_at DESC);

-- ---- Retention: raw inbound bodies emptied after N days ----
ALTER TABLE inbound_events ADD COLUMN body_purged_at timestamptz;
CREATE INDEX inbound_events_received ON inbound_events (received_at) WHERE body_purged_at IS NULL;
-- Attachment bytes removed by the retention policy (the row, its hash and size stay as evidence).
ALTER TABLE attachments ADD COLUMN purged_at timestamptz;
