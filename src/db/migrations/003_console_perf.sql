-- Cổng 1022: indexes for the console pages at volume, measured with `npm run bench:dashboard`
-- (200,000 tickets; EXPLAIN ANALYZE figures in docs/console-api.md). Runs unchanged on PGlite and PostgreSQL.

-- Inbox search by message words: full text with the 'simple' configuration (no stemming; Vietnamese
-- diacritics kept, so "khai sinh" finds "Khai sinh" but not "khải"). pg_trgm is not available on PGlite.
CREATE INDEX messages_text_fts ON messages USING gin (to_tsvector('simple', text));
-- Ticket list: newest first with a stable tie-break, so deep pages read the index instead of sorting.
CREATE INDEX tickets_created_id ON tickets (created_at DESC, id);
-- Inbox: newest activity first with a stable tie-break for paging.
CREATE INDEX conversations_activity_id ON conversations (last_message_at DESC, id DESC);
CREATE INDEX conversations_open_activity_id ON conversations (last_message_at DESC, id DESC) WHERE state <> 'closed';
-- Inbox counter and filter: conversations with an open urgent ticket.
CREATE INDEX tickets_open_urgent ON tickets (conversation_id) WHERE priority = 'urgent' AND status <> 'closed';
-- Inbox search by the contact's name (prefix full text, like the messages).
CREATE INDEX contacts_name_fts ON contacts USING gin (to_tsvector('simple', COALESCE(display_name, '')));
-- Dashboard: per-operator counts of taken-over and closed conversations in a period, from the index alone.
CREATE INDEX events_type_actor ON events (type, created_at) INCLUDE (actor_user_id) WHERE actor_user_id IS NOT NULL;
