package inboxbot

import (
	"slices"
	"time"
)

// Stats are the team's figures over a time window (/inbox stats).
type Stats struct {
	Since, Until time.Time
	// Members are the members with any figure in the window, by name.
	Members []MemberStats
	// Team sums the members' counts; its first responses are everyone's;
	// its breaches also count those missed while in the Team inbox.
	Team MemberStats
}

// MemberStats are one member's figures over a window: conversations given
// to them, replies they wrote to contacts, conversations they closed, and
// the times from being given a conversation to their first reply on it,
// and the service-level targets missed while assigned to them.
type MemberStats struct {
	MemberID int64
	Name     string
	Assigned int
	Replied  int
	Closed   int
	Breaches int
	// FirstResponses are the answered assignments' times to first reply,
	// in no order; unanswered ones are not among them.
	FirstResponses []time.Duration
}

// Percentile is the p-th percentile (0 < p <= 100, nearest rank) of the
// first responses, and false when there are none.
func (m MemberStats) Percentile(p float64) (time.Duration, bool) {
	if len(m.FirstResponses) == 0 {
		return 0, false
	}
	d := slices.Clone(m.FirstResponses)
	slices.Sort(d)
	rank := int(p/100*float64(len(d)) + 0.999999)
	return d[min(max(rank, 1), len(d))-1], true
}
