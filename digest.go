package inboxbot

import "time"

// Digest is what the managers' alert message says: how many open
// conversations need someone, and the oldest few of them. It is computed
// once per round for every manager (store.Store.Digest), with bounded
// queries.
type Digest struct {
	// After is the alert age (INBOXBOT_UNASSIGNED_ALERT_AFTER).
	After time.Duration
	// Unassigned counts the open conversations in the Team inbox for
	// longer than After, up to DigestCountCap (More says there are more).
	Unassigned int
	// More reports that more than DigestCountCap conversations wait.
	More bool
	// Breached counts the open conversations past their service level
	// that are not already counted in Unassigned.
	Breached int
	// Oldest are the longest-waiting of the Unassigned, oldest first, at
	// most DigestOldest.
	Oldest []WaitingSince
}

// WaitingSince is a conversation in the Team inbox and since when it waits.
type WaitingSince struct {
	ID    int64
	Since time.Time
}

// DigestOldest is how many of the oldest waiting conversations a digest names.
const DigestOldest = 3

// DigestCountCap bounds the counts of a digest: counting stops there, so
// a digest costs the same with a million conversations waiting.
const DigestCountCap = 10000

// Total is the number of conversations that need someone.
func (d Digest) Total() int { return d.Unassigned + d.Breached }

// Empty reports that nothing needs someone.
func (d Digest) Empty() bool { return d.Total() == 0 }
