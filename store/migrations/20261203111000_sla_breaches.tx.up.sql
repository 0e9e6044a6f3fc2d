-- Each missed service-level target, written once by the timer in the same
-- transaction that marks the breach: the conversation, the target, who it
-- was assigned to then (NULL: the Team inbox), and the due time missed.
-- /inbox stats counts them per member over a window through the index on at.
CREATE TABLE sla_breaches (
	id {{.ID}},
	conversation_id BIGINT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
	target TEXT NOT NULL,
	assignee_id BIGINT REFERENCES members (id) ON DELETE SET NULL,
	at {{.Time}} NOT NULL
);
--bun:split
CREATE INDEX sla_breaches_at_idx ON sla_breaches (at);
