-- When the clocks of a conversation's service-level targets started: the
-- opening (first response and resolution) and the contact's message that
-- started the next response. Under business hours the due times follow
-- the assignee's working hours, and are counted again from these when the
-- conversation changes hands. NULL on rows from before: the conversation's
-- creation and first_response_since stand in.
ALTER TABLE conversations ADD COLUMN sla_started_at {{.Time}};
--bun:split
ALTER TABLE conversations ADD COLUMN sla_next_since {{.Time}};
