-- Platform events already handled, by their platform's event id, so that a
-- redelivery (Slack retries an Events API event it thinks was lost, on any
-- replica) runs once. Rows older than a day are pruned: Slack gives up
-- retrying long before.
CREATE TABLE platform_events (
	platform TEXT NOT NULL,
	event_id TEXT NOT NULL,
	received_at {{.Time}} NOT NULL,
	PRIMARY KEY (platform, event_id)
);
--bun:split
CREATE INDEX platform_events_received_idx ON platform_events (received_at);
