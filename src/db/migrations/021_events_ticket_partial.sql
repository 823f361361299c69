-- Cổng 1022: the processing log's index by ticket holds the events of tickets only (issue 10).
-- Most events (a conversation the bot answers) have no ticket: each wrote a NULL entry into
-- events_ticket, five a conversation, that no query reads (every query by ticket names one).
DROP INDEX IF EXISTS events_ticket;
CREATE INDEX events_ticket ON events (ticket_id, id) WHERE ticket_id IS NOT NULL;
