-- Work proportional to what changed, not to the tables (docs/performance.md).
--
-- A member's open assigned conversations, kept by every statement that
-- changes an assignee or a status, in the same transaction: routing reads
-- the counts of a rule's members without counting their conversations.
ALTER TABLE members ADD COLUMN open_count INTEGER NOT NULL DEFAULT 0;
--bun:split
UPDATE members SET open_count = (SELECT count(*) FROM conversations AS c
	WHERE c.assignee_id = members.id AND c.status = 'open');
--bun:split
-- Every list the product offers is most recent first: each has an index
-- that yields its rows in that order, so a page reads a page of rows.
DROP INDEX conversations_inbox_idx;
--bun:split
CREATE INDEX conversations_team_inbox_idx ON conversations (last_message_at DESC, id DESC)
	WHERE assignee_id IS NULL AND status = 'open';
--bun:split
CREATE INDEX conversations_assignee_idx ON conversations (assignee_id, last_message_at DESC, id DESC);
--bun:split
CREATE INDEX conversations_status_idx ON conversations (status, last_message_at DESC, id DESC);
--bun:split
CREATE INDEX conversations_channel_idx ON conversations (lower(channel), status, last_message_at DESC, id DESC);
--bun:split
CREATE INDEX conversations_recent_idx ON conversations (last_message_at DESC, id DESC);
--bun:split
CREATE INDEX conversations_contact_idx ON conversations (contact_id);
--bun:split
-- Cards: the version of the conversation each platform's card shows. A
-- conversation whose version is ahead is in that platform's partial index,
-- which is all a card poll reads; the writers only bump version, as before.
ALTER TABLE conversations ADD COLUMN slack_card_version BIGINT NOT NULL DEFAULT 0;
--bun:split
ALTER TABLE conversations ADD COLUMN discord_card_version BIGINT NOT NULL DEFAULT 0;
--bun:split
-- A closed conversation without a card never gets one: it starts settled.
UPDATE conversations SET
	slack_card_version = coalesce((SELECT k.version FROM cards AS k
		WHERE k.conversation_id = conversations.id AND k.platform = 'slack'),
		CASE WHEN status = 'open' THEN 0 ELSE version END),
	discord_card_version = coalesce((SELECT k.version FROM cards AS k
		WHERE k.conversation_id = conversations.id AND k.platform = 'discord'),
		CASE WHEN status = 'open' THEN 0 ELSE version END);
--bun:split
CREATE INDEX conversations_slack_card_due_idx ON conversations (id) WHERE version > slack_card_version;
--bun:split
CREATE INDEX conversations_discord_card_due_idx ON conversations (id) WHERE version > discord_card_version;
