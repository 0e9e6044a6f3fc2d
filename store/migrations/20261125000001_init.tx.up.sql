-- The first schema. Templates: {{.ID}} is an auto-increment primary key,
-- {{.Time}} a timestamp, {{.JSON}} a JSON document, per dialect.
CREATE TABLE members (
	id {{.ID}},
	name TEXT NOT NULL,
	role TEXT NOT NULL DEFAULT 'agent',
	slack_id TEXT,
	discord_id TEXT,
	timezone TEXT NOT NULL DEFAULT '',
	hours {{.JSON}},
	regions {{.JSON}},
	away BOOLEAN NOT NULL DEFAULT FALSE,
	capacity INTEGER NOT NULL DEFAULT 0,
	muted {{.JSON}},
	created_at {{.Time}} NOT NULL
);
--bun:split
CREATE UNIQUE INDEX members_name_key ON members (lower(name));
--bun:split
CREATE UNIQUE INDEX members_slack_id_key ON members (slack_id);
--bun:split
CREATE UNIQUE INDEX members_discord_id_key ON members (discord_id);
--bun:split
CREATE TABLE contacts (
	id {{.ID}},
	external_id TEXT NOT NULL,
	name TEXT NOT NULL DEFAULT '',
	email TEXT NOT NULL DEFAULT '',
	phone TEXT NOT NULL DEFAULT '',
	lead_source TEXT NOT NULL DEFAULT '',
	region TEXT NOT NULL DEFAULT '',
	custom {{.JSON}},
	owner_id BIGINT REFERENCES members (id) ON DELETE SET NULL,
	created_at {{.Time}} NOT NULL,
	updated_at {{.Time}} NOT NULL
);
--bun:split
CREATE UNIQUE INDEX contacts_external_id_key ON contacts (external_id);
--bun:split
CREATE INDEX contacts_email_idx ON contacts (lower(email));
--bun:split
CREATE TABLE contact_tags (
	contact_id BIGINT NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
	tag TEXT NOT NULL,
	PRIMARY KEY (contact_id, tag)
);
--bun:split
CREATE INDEX contact_tags_tag_idx ON contact_tags (tag);
--bun:split
CREATE TABLE conversations (
	id {{.ID}},
	contact_id BIGINT NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
	channel TEXT NOT NULL,
	subject TEXT NOT NULL DEFAULT '',
	status TEXT NOT NULL DEFAULT 'open',
	assignee_id BIGINT REFERENCES members (id) ON DELETE SET NULL,
	preview TEXT NOT NULL DEFAULT '',
	last_message_at {{.Time}} NOT NULL,
	unassigned_since {{.Time}},
	alerted_at {{.Time}},
	-- version grows with every change a card shows; cards lag behind it
	-- until an adapter re-renders them.
	version BIGINT NOT NULL DEFAULT 1,
	created_at {{.Time}} NOT NULL,
	updated_at {{.Time}} NOT NULL
);
--bun:split
-- One open conversation per contact and channel: concurrent inbound messages
-- of a new contact cannot open two.
CREATE UNIQUE INDEX conversations_open_key ON conversations (contact_id, channel) WHERE status = 'open';
--bun:split
CREATE INDEX conversations_inbox_idx ON conversations (status, assignee_id, last_message_at);
--bun:split
CREATE INDEX conversations_unassigned_idx ON conversations (unassigned_since) WHERE assignee_id IS NULL AND status = 'open';
--bun:split
CREATE TABLE messages (
	id {{.ID}},
	conversation_id BIGINT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
	external_id TEXT,
	direction TEXT NOT NULL DEFAULT 'inbound',
	body TEXT NOT NULL,
	sent_at {{.Time}} NOT NULL
);
--bun:split
CREATE UNIQUE INDEX messages_external_id_key ON messages (external_id);
--bun:split
CREATE INDEX messages_conversation_idx ON messages (conversation_id, id);
--bun:split
CREATE TABLE followers (
	conversation_id BIGINT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
	member_id BIGINT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
	created_at {{.Time}} NOT NULL,
	PRIMARY KEY (conversation_id, member_id)
);
--bun:split
CREATE INDEX followers_member_idx ON followers (member_id);
--bun:split
CREATE TABLE rules (
	id {{.ID}},
	priority INTEGER NOT NULL,
	name TEXT NOT NULL,
	status TEXT NOT NULL DEFAULT 'draft',
	trigger_event TEXT NOT NULL,
	conditions {{.JSON}},
	action {{.JSON}} NOT NULL,
	updated_at {{.Time}} NOT NULL
);
--bun:split
CREATE UNIQUE INDEX rules_name_key ON rules (name);
--bun:split
-- Round-robin state: the member who had the last turn of a rule. The row is
-- locked by the assigning transaction, so turns are fair across replicas.
CREATE TABLE rule_turns (
	rule_id BIGINT PRIMARY KEY REFERENCES rules (id) ON DELETE CASCADE,
	last_member_id BIGINT,
	turns BIGINT NOT NULL DEFAULT 0
);
--bun:split
CREATE TABLE assignment_events (
	id {{.ID}},
	conversation_id BIGINT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
	from_id BIGINT REFERENCES members (id) ON DELETE SET NULL,
	to_id BIGINT REFERENCES members (id) ON DELETE SET NULL,
	actor_id BIGINT REFERENCES members (id) ON DELETE SET NULL,
	via TEXT NOT NULL,
	rule_id BIGINT REFERENCES rules (id) ON DELETE SET NULL,
	rule_name TEXT NOT NULL DEFAULT '',
	reason TEXT NOT NULL DEFAULT '',
	created_at {{.Time}} NOT NULL
);
--bun:split
CREATE INDEX assignment_events_conversation_idx ON assignment_events (conversation_id, id);
--bun:split
CREATE TABLE views (
	id {{.ID}},
	owner_id BIGINT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
	name TEXT NOT NULL,
	query TEXT NOT NULL,
	shared BOOLEAN NOT NULL DEFAULT FALSE,
	created_at {{.Time}} NOT NULL
);
--bun:split
CREATE UNIQUE INDEX views_owner_name_key ON views (owner_id, lower(name));
--bun:split
CREATE INDEX views_shared_idx ON views (shared);
--bun:split
-- The outbox: direct messages written with the change that causes them.
CREATE TABLE notifications (
	id {{.ID}},
	kind TEXT NOT NULL,
	member_id BIGINT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
	conversation_id BIGINT REFERENCES conversations (id) ON DELETE CASCADE,
	platform TEXT NOT NULL,
	recipient TEXT NOT NULL DEFAULT '',
	text TEXT NOT NULL,
	dedupe_key TEXT NOT NULL,
	state TEXT NOT NULL DEFAULT 'pending',
	attempts INTEGER NOT NULL DEFAULT 0,
	next_attempt_at {{.Time}} NOT NULL,
	lease_owner TEXT,
	lease_until {{.Time}},
	last_error TEXT NOT NULL DEFAULT '',
	created_at {{.Time}} NOT NULL,
	sent_at {{.Time}}
);
--bun:split
CREATE UNIQUE INDEX notifications_dedupe_key ON notifications (dedupe_key);
--bun:split
CREATE INDEX notifications_due_idx ON notifications (platform, next_attempt_at) WHERE state = 'pending';
--bun:split
-- Inbox-channel cards. A row with an empty message_id is a card to post;
-- one whose version is behind its conversation's is a card to update. The
-- lease keeps replicas from posting or editing the same card at once.
CREATE TABLE cards (
	conversation_id BIGINT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
	platform TEXT NOT NULL,
	channel TEXT NOT NULL DEFAULT '',
	message_id TEXT NOT NULL DEFAULT '',
	version BIGINT NOT NULL DEFAULT 0,
	lease_owner TEXT,
	lease_until {{.Time}},
	updated_at {{.Time}} NOT NULL,
	PRIMARY KEY (conversation_id, platform)
);
