-- Cổng 1022: cheaper row triggers on the pipeline's tables (issue 10): two SQL functions that
-- PostgreSQL could not inline ran through its SQL-function executor for every row inserted.
--
-- 1. The processing log's hash chain.
-- The trigger of migration 011 called the SQL functions event_chain_key and event_hash for every
-- event. event_hash cannot be inlined (it is declared IMMUTABLE but calls the stable concat_ws), so
-- each call ran through the SQL-function executor, which parses and plans its body again in every
-- transaction: about a tenth of the database's CPU in the pipeline benchmark. The trigger now
-- computes the same key and the same hash itself, as PL/pgSQL expressions (planned once per
-- session). Nothing else changes: the lock key strings, the head lookup, the position and the hash
-- are those of migration 011, term for term, so every chain verifies with event_hash as before
-- (src/store/event-chain.ts; test/security/storage.test.ts checks both together).
CREATE OR REPLACE FUNCTION events_link() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  head_seq integer;
  head_hash text;
BEGIN
  -- The chain's lock key is 'events:' || event_chain_key(NEW.ticket_id, NEW.conversation_id).
  IF NEW.ticket_id IS NOT NULL THEN
    PERFORM pg_advisory_xact_lock(hashtextextended('events:t:' || NEW.ticket_id::text, 0));
    SELECT chain_seq, hash INTO head_seq, head_hash FROM events WHERE ticket_id = NEW.ticket_id ORDER BY chain_seq DESC LIMIT 1;
  ELSIF NEW.conversation_id IS NOT NULL THEN
    PERFORM pg_advisory_xact_lock(hashtextextended('events:c:' || NEW.conversation_id::text, 0));
    SELECT chain_seq, hash INTO head_seq, head_hash FROM events
      WHERE conversation_id = NEW.conversation_id AND ticket_id IS NULL ORDER BY chain_seq DESC LIMIT 1;
  ELSE
    PERFORM pg_advisory_xact_lock(hashtextextended('events:g', 0));
    SELECT chain_seq, hash INTO head_seq, head_hash FROM events
      WHERE ticket_id IS NULL AND conversation_id IS NULL ORDER BY chain_seq DESC LIMIT 1;
  END IF;
  NEW.chain_seq := coalesce(head_seq, 0) + 1;
  NEW.prev_hash := head_hash;
  -- event_hash(NEW.prev_hash, NEW), written out.
  NEW.hash := encode(sha256(convert_to(concat_ws(E'\x1f',
    coalesce(NEW.prev_hash, ''), NEW.id::text, coalesce(NEW.ticket_id::text, ''), coalesce(NEW.conversation_id::text, ''), NEW.type,
    NEW.actor_kind, coalesce(NEW.actor_user_id::text, ''), coalesce(NEW.actor_name, ''), NEW.data::text,
    (extract(epoch FROM NEW.created_at) * 1000000)::bigint::text, NEW.chain_seq::text), 'UTF8')), 'hex');
  RETURN NEW;
END;
$$;

-- 2. vn_day (migration 004) is evaluated twice for every row inserted into conversations, messages
-- and events (the WHEN of the stats triggers: is the row's day already rolled up?), nine rows per
-- conversation. Declared IMMUTABLE, its body calls date_part(text, timestamptz), which is STABLE, so
-- it could not be inlined and each call ran through the SQL-function executor. STABLE is what it is
-- (no index or stored column uses it): the same body, now inlined into the triggers' WHEN and the
-- statistics queries. Its results do not change.
CREATE OR REPLACE FUNCTION vn_day(t timestamptz) RETURNS int LANGUAGE sql STABLE PARALLEL SAFE
  RETURN floor((date_part('epoch', t) + 25200) / 86400)::int;
