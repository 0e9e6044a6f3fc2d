-- Service levels (docs/rules.md, "Service levels"). The team file's sla
-- list, in file order; a policy keeps its id while its name stays.
CREATE TABLE sla_policies (
	id {{.ID}},
	position INTEGER NOT NULL,
	name TEXT NOT NULL UNIQUE,
	policy {{.JSON}} NOT NULL,
	updated_at {{.Time}} NOT NULL
);
--bun:split
-- Where each open conversation stands against its policy: the due times
-- of its targets (NULL when met or none), the targets it missed, when it
-- went into breach (NULL when not in breach now), the escalation steps
-- taken since, the due time last warned about, and the highest step that
-- told the managers (what their digest counts).
ALTER TABLE conversations ADD COLUMN sla_policy_id BIGINT REFERENCES sla_policies (id) ON DELETE SET NULL;
--bun:split
ALTER TABLE conversations ADD COLUMN sla_first_due {{.Time}};
--bun:split
ALTER TABLE conversations ADD COLUMN sla_next_due {{.Time}};
--bun:split
ALTER TABLE conversations ADD COLUMN sla_resolution_due {{.Time}};
--bun:split
ALTER TABLE conversations ADD COLUMN sla_breached TEXT;
--bun:split
ALTER TABLE conversations ADD COLUMN sla_breached_at {{.Time}};
--bun:split
ALTER TABLE conversations ADD COLUMN sla_step INTEGER NOT NULL DEFAULT 0;
--bun:split
ALTER TABLE conversations ADD COLUMN sla_warned_for {{.Time}};
--bun:split
ALTER TABLE conversations ADD COLUMN sla_escalation INTEGER NOT NULL DEFAULT 0;
--bun:split
-- The earliest due time not yet missed (cards, list sla:due) and when the
-- timer next has something to do (a warning, a breach, a step); the timer
-- reads only the rows of its index that are due.
ALTER TABLE conversations ADD COLUMN sla_due_at {{.Time}};
--bun:split
ALTER TABLE conversations ADD COLUMN sla_timer_at {{.Time}};
--bun:split
-- When the contact started waiting for a first reply (opening, reopening),
-- for inboxbot_first_response_seconds.
ALTER TABLE conversations ADD COLUMN first_response_since {{.Time}};
--bun:split
CREATE INDEX conversations_sla_timer_idx ON conversations (sla_timer_at, id) WHERE sla_timer_at IS NOT NULL;
--bun:split
CREATE INDEX conversations_sla_due_idx ON conversations (sla_due_at, id) WHERE sla_due_at IS NOT NULL;
--bun:split
CREATE INDEX conversations_sla_breached_idx ON conversations (sla_breached_at, id) WHERE sla_breached_at IS NOT NULL;
