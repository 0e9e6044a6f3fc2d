package inboxbot

import "time"

// OpeningTriggers are the triggers of a conversation that opens: a
// waiting conversation is offered to the rules again with them, and
// "/inbox rules test" explains with them.
var OpeningTriggers = []Trigger{TriggerConversationCreated, TriggerFormSubmitted}

// Drain asks for the Team inbox to be offered to the published rules
// again, oldest first: because a member became able to take more (back
// from away, a conversation closed or taken off them) or on the periodic
// sweep.
type Drain struct {
	// Member is the member who became available; the drain stops once
	// they are at capacity, or when no rule of the queue can pick them.
	// 0 for the sweep.
	Member int64
	// Max is the most conversations to place (the room the member
	// gained); 0 means no bound but Limit.
	Max int
	// Cause is why, as the reasons say it: "lee came back". Empty for the
	// sweep.
	Cause string
	// Skip is a conversation not to offer now (the one the member just
	// put back in the Team inbox); the sweep offers it later.
	Skip int64
	// After is where in the queue to resume; zero starts at the oldest.
	After DrainCursor
	// Limit is the most conversations to look at; 0 means a default.
	Limit int
}

// DrainCursor is a place in the Team inbox queue, which is ordered by
// when conversations entered it.
type DrainCursor struct {
	Since time.Time
	ID    int64
}

// DrainResult is what a drain did.
type DrainResult struct {
	// Placed are the conversations it assigned, as they are now.
	Placed []Conversation
	// Looked is how many waiting conversations it looked at.
	Looked int
	// Next is where a further drain resumes.
	Next DrainCursor
	// Done is true when it reached the end of the queue.
	Done bool
}
