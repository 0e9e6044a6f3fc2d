-- Close, reopen and replies. The history records closes and reopens beside
-- changes of hands; messages record who wrote a reply or a note and where
-- a reply is on its way; a reply's outbox row names its message.
ALTER TABLE assignment_events ADD COLUMN kind TEXT NOT NULL DEFAULT 'assign';
--bun:split
ALTER TABLE messages ADD COLUMN author_id BIGINT REFERENCES members (id) ON DELETE SET NULL;
--bun:split
ALTER TABLE messages ADD COLUMN delivery TEXT NOT NULL DEFAULT '';
--bun:split
ALTER TABLE messages ADD COLUMN delivery_error TEXT NOT NULL DEFAULT '';
--bun:split
ALTER TABLE notifications ADD COLUMN message_id BIGINT;
--bun:split
-- A contact's conversations on a channel, newest first: the open one, or
-- the most recent closed one, which a new message reopens.
CREATE INDEX conversations_contact_channel_idx ON conversations (contact_id, channel, id);
