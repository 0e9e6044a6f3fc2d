package inboxbot

import "time"

// Notification kinds; each can be turned off per member with /inbox notify.
const (
	NotifyAssigned   = "assigned"
	NotifyReassigned = "reassigned"
	NotifyFollowing  = "following"
	NotifyAlerts     = "alerts"
)

// NotifyKinds lists every notification kind.
var NotifyKinds = []string{NotifyAssigned, NotifyReassigned, NotifyFollowing, NotifyAlerts}

// Notification is a direct message waiting in the outbox. It is written in
// the same transaction as the change that caused it and delivered at least
// once; DedupeKey lets a retry be recognised by the receiving side.
type Notification struct {
	ID             int64
	Kind           string
	MemberID       int64
	MemberName     string
	ConversationID int64
	// Platform is where to deliver it: slack, discord, or shell for members
	// linked to no platform.
	Platform string
	// To is the platform user id of the member on Platform.
	To        string
	Text      string
	DedupeKey string
	Attempts  int
	CreatedAt time.Time
}
