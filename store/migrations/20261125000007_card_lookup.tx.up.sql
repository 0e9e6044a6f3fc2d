-- A message in the thread under a card (Slack) or a reply to it (Discord)
-- is an internal note on the card's conversation: find it by message id.
CREATE INDEX cards_message_idx ON cards (platform, message_id);
--bun:split
-- When the latest reply to the contact could not be delivered; the cards
-- say so until a later reply is delivered.
ALTER TABLE conversations ADD COLUMN reply_failed_at {{.Time}};
