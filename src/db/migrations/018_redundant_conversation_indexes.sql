-- Cổng 1022: two indexes of 002 that 003 superseded (issue 10). conversations_activity_id and
-- conversations_open_activity_id, on (last_message_at DESC, id DESC), serve every query that the
-- indexes on (last_message_at DESC) alone served, and every conversation written paid for all four:
-- opened, then updated with its first message (1 % of those updates were HOT in a burst: the
-- page was full), then at each later message (last_message_at is indexed).
DROP INDEX IF EXISTS conversations_activity;
DROP INDEX IF EXISTS conversations_open_activity;
