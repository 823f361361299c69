-- The admins' channel page reads when each channel last sent a message: the newest `sent_at` of
-- the channel's outbound messages, one index probe from the newest end whatever the volume.
CREATE INDEX messages_out_sent ON messages (channel, sent_at) WHERE direction = 'out' AND sent_at IS NOT NULL;
