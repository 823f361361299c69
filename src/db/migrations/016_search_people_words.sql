-- Cổng 1022: message-word search covers what citizens and operators wrote (issue 10).
-- The full-text index held every message, the bot's and the system's templated texts included: the
-- receipt and the procedure summaries (the longest texts, one of each per conversation) matched
-- every conversation about a procedure, which buried the conversations an operator looks for; and
-- each delivery update of an outbound message (queued, sending, sent: not HOT, since status and
-- sent_at are indexed for the console) computed its text's tsvector again, about 7 % of the
-- server's CPU per conversation in the pipeline benchmark. The search (src/store/inbox.ts) asks
-- for the same authors, so it uses this index.
DROP INDEX messages_text_fts;
CREATE INDEX messages_text_fts ON messages USING gin (to_tsvector('simple', text)) WHERE author_kind IN ('citizen', 'operator');
