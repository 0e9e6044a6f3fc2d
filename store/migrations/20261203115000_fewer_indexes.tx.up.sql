-- Every index is written by every insert of a conversation and most
-- updates of one: these two are covered by others with the same leading
-- columns (conversations_waiting_idx on unassigned_since, id with the same
-- predicate; conversations_contact_channel_idx on contact_id, channel, id).
DROP INDEX IF EXISTS conversations_unassigned_idx;
--bun:split
DROP INDEX IF EXISTS conversations_contact_idx;
