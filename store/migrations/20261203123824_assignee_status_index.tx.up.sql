-- A member's list is nearly always of their open conversations (`/inbox
-- list mine`, the API's assignee=NAME&status=open): with the status in the
-- index a page is read in order, where before the walk passed over every
-- conversation the member ever closed.
DROP INDEX IF EXISTS conversations_assignee_idx;
--bun:split
CREATE INDEX conversations_assignee_idx ON conversations (assignee_id, status, last_message_at DESC, id DESC);
