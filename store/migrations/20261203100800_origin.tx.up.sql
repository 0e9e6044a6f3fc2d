-- Conversations that start in chat (intake): the thread a conversation came
-- from. Each thread is its own conversation, so the rule "one open
-- conversation per contact and channel" holds only for conversations from
-- the API, and a thread opens at most one conversation (a race between two
-- replicas ends in a unique violation, retried as an append).
ALTER TABLE conversations ADD COLUMN origin_platform TEXT;
--bun:split
ALTER TABLE conversations ADD COLUMN origin_channel TEXT;
--bun:split
ALTER TABLE conversations ADD COLUMN origin_thread TEXT;
--bun:split
ALTER TABLE conversations ADD COLUMN origin_url TEXT;
--bun:split
CREATE UNIQUE INDEX conversations_origin_key ON conversations (origin_platform, origin_channel, origin_thread)
WHERE origin_platform IS NOT NULL;
--bun:split
DROP INDEX conversations_open_key;
--bun:split
CREATE UNIQUE INDEX conversations_open_key ON conversations (contact_id, channel)
WHERE status = 'open' AND origin_platform IS NULL;
