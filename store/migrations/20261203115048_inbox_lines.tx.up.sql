-- An escalation step with post: inbox posts a line in the inbox channel
-- through the outbox: a row addressed to the channel, not to a member, so
-- member_id may be NULL. SQLite cannot drop a NOT NULL: the table is built
-- again, with its rows, its indexes and its id sequence.
{{if .PG}}
ALTER TABLE notifications ALTER COLUMN member_id DROP NOT NULL;
{{else}}
ALTER TABLE notifications RENAME TO notifications_old;
--bun:split
CREATE TABLE notifications (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	kind TEXT NOT NULL,
	member_id BIGINT REFERENCES members (id) ON DELETE CASCADE,
	conversation_id BIGINT REFERENCES conversations (id) ON DELETE CASCADE,
	platform TEXT NOT NULL,
	recipient TEXT NOT NULL DEFAULT '',
	dedupe_key TEXT NOT NULL,
	state TEXT NOT NULL DEFAULT 'pending',
	attempts INTEGER NOT NULL DEFAULT 0,
	next_attempt_at TIMESTAMP NOT NULL,
	lease_owner TEXT,
	lease_until TIMESTAMP,
	last_error TEXT NOT NULL DEFAULT '',
	created_at TIMESTAMP NOT NULL,
	sent_at TIMESTAMP,
	notice TEXT NOT NULL DEFAULT '',
	message_id BIGINT
);
--bun:split
INSERT INTO notifications (id, kind, member_id, conversation_id, platform, recipient, dedupe_key, state, attempts,
	next_attempt_at, lease_owner, lease_until, last_error, created_at, sent_at, notice, message_id)
SELECT id, kind, member_id, conversation_id, platform, recipient, dedupe_key, state, attempts,
	next_attempt_at, lease_owner, lease_until, last_error, created_at, sent_at, notice, message_id FROM notifications_old;
--bun:split
DELETE FROM sqlite_sequence WHERE name = 'notifications';
--bun:split
INSERT INTO sqlite_sequence (name, seq) SELECT 'notifications', seq FROM sqlite_sequence WHERE name = 'notifications_old';
--bun:split
DROP TABLE notifications_old;
--bun:split
CREATE UNIQUE INDEX notifications_dedupe_key ON notifications (dedupe_key);
--bun:split
CREATE INDEX notifications_due_idx ON notifications (platform, next_attempt_at) WHERE state = 'pending';
{{end}}
