-- Nothing waits (docs/rules.md, "Nothing waits"). The drain reads the Team
-- inbox oldest first, from a cursor (unassigned_since, id): this index
-- yields exactly that order, so a page reads a page of rows however long
-- the queue and however many conversations there are.
UPDATE conversations SET unassigned_since = created_at
WHERE unassigned_since IS NULL AND assignee_id IS NULL AND status = 'open';
--bun:split
CREATE INDEX conversations_waiting_idx ON conversations (unassigned_since, id)
	WHERE assignee_id IS NULL AND status = 'open';
--bun:split
-- The rule an assignee holds a conversation by (when_away hands over
-- conversations by the rule that assigned them), cleared when a person
-- changes hands.
ALTER TABLE conversations ADD COLUMN assigned_rule_id BIGINT REFERENCES rules (id) ON DELETE SET NULL;
--bun:split
CREATE INDEX conversations_assigned_rule_idx ON conversations (assignee_id, assigned_rule_id)
	WHERE assigned_rule_id IS NOT NULL AND status = 'open';
--bun:split
-- reassign_after: when the conversation moves on unless its assignee
-- replies or claims it. Only conversations with a due time are in the
-- index the reassign sweep reads.
ALTER TABLE conversations ADD COLUMN reassign_due_at {{.Time}};
--bun:split
CREATE INDEX conversations_reassign_due_idx ON conversations (reassign_due_at)
	WHERE reassign_due_at IS NOT NULL;
--bun:split
-- The members a conversation moved on from without answering, as a
-- comma list of ids; set on one that went back to the Team inbox after
-- the last of them, which then waits for a person, not the drain.
ALTER TABLE conversations ADD COLUMN passed_over TEXT;
