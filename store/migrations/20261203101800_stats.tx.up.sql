-- /inbox stats reads a time window: the history's events and the replies
-- (outbound messages) since a moment, through these indexes, never the
-- whole tables.
CREATE INDEX assignment_events_created_idx ON assignment_events (created_at);
--bun:split
CREATE INDEX messages_outbound_sent_idx ON messages (sent_at) WHERE direction = 'outbound';
