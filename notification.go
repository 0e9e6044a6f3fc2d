package inboxbot

import "time"

// Notification kinds; each can be turned off per member with /inbox notify.
const (
	NotifyAssigned   = "assigned"
	NotifyReassigned = "reassigned"
	NotifyFollowing  = "following"
	NotifyAlerts     = "alerts"
	// NotifySLA covers service-level warnings and breaches.
	NotifySLA = "sla"
)

// NotifyKinds lists every notification kind.
var NotifyKinds = []string{NotifyAssigned, NotifyReassigned, NotifyFollowing, NotifyAlerts, NotifySLA}

// Event is what a notification tells its recipient. Surfaces word each
// event their own way from the notification's data.
type Event string

// Events.
const (
	// EventAssigned: the recipient was given the conversation.
	EventAssigned Event = "assigned"
	// EventReassigned: a conversation the recipient held went to someone else.
	EventReassigned Event = "reassigned"
	// EventUnassigned: a conversation the recipient held went back to the Team inbox.
	EventUnassigned Event = "unassigned"
	// EventMessage: a conversation the recipient follows got a message from the contact.
	EventMessage Event = "message"
	// EventUnplaced: a rule matched a new conversation but nobody could take it.
	EventUnplaced Event = "unplaced"
	// EventWaiting: a conversation waited in the Team inbox too long.
	EventWaiting Event = "waiting"
	// EventUnanswered: a rule's reassign_after passed over every eligible
	// member and the conversation went back to the Team inbox.
	EventUnanswered Event = "unanswered"
	// EventReopened: the contact wrote again on a closed conversation the
	// recipient held or follows.
	EventReopened Event = "reopened"
	// EventReply: a reply to the contact, for the outbound webhook.
	EventReply Event = "reply"
	// EventReplyFailed: the recipient's reply could not be delivered.
	EventReplyFailed Event = "reply_failed"
	// EventThread: the chat thread a conversation came from should show
	// its status (closed or open), for the origin's platform.
	EventThread Event = "thread"
	// EventSLAWarning: a service-level target is due soon (Notice.Target,
	// Notice.Due).
	EventSLAWarning Event = "sla_warning"
	// EventSLABreach: a service-level target was missed, or an escalation
	// step after it tells the recipient.
	EventSLABreach Event = "sla_breach"
	// EventSLAEscalation: an escalation step with post: inbox posts a line
	// in the team's inbox channel, addressed to no member (Notice.Target,
	// Notice.Due, Notice.Policy; Notice.Assignee holds it, if anyone).
	EventSLAEscalation Event = "sla_escalation"
)

// Kind is the notification kind that covers the event, which a member can
// turn off.
func (e Event) Kind() string {
	switch e {
	case EventAssigned:
		return NotifyAssigned
	case EventReassigned, EventUnassigned:
		return NotifyReassigned
	case EventMessage, EventReopened:
		return NotifyFollowing
	case EventSLAWarning, EventSLABreach:
		return NotifySLA
	case EventReply, EventReplyFailed, EventThread, EventSLAEscalation:
		// Not a kind a member can turn off.
		return string(e)
	}
	return NotifyAlerts
}

// Notification is a direct message waiting in the outbox. It is written in
// the same transaction as the change that caused it and delivered at least
// once; DedupeKey lets a retry be recognised by the receiving side. It
// holds what happened as data (Notice); each surface words it.
type Notification struct {
	ID       int64
	Kind     string
	MemberID int64
	// Platform is where to deliver it: slack, discord, or shell for members
	// linked to no platform.
	Platform Platform
	// To is the platform user id of the member on Platform.
	To        string
	Notice    Notice
	DedupeKey string
	Attempts  int
	CreatedAt time.Time
}

// ForInbox says n is a line for the team's inbox channel, addressed to no
// member (an escalation step's post: inbox), not a direct message.
func (n Notification) ForInbox() bool { return n.Notice.Event == EventSLAEscalation }

// Notice is what a notification says, as data: the event, the
// conversation as it was then, and who and what caused it.
type Notice struct {
	Event          Event  `json:"event"`
	ConversationID int64  `json:"conversation_id"`
	Contact        string `json:"contact"`
	Channel        string `json:"channel"`
	// Excerpt is the start of the conversation's last message.
	Excerpt string `json:"excerpt,omitempty"`
	// Actor is the name of the member who made the change; empty when a
	// rule, the contact's owner or the bot did.
	Actor string `json:"actor,omitempty"`
	Via   Via    `json:"via,omitempty"`
	Rule  string `json:"rule,omitempty"`
	// Reason explains a rule's decision: "round-robin among Sales: 3 of 5".
	Reason string `json:"reason,omitempty"`
	// Assignee is the name of who holds the conversation after the change.
	Assignee string `json:"assignee,omitempty"`
	// Waited is how long the conversation had waited (EventWaiting).
	Waited time.Duration `json:"waited,omitempty"`
	// ContactID is the contact's external id, for the outbound webhook.
	ContactID string `json:"contact_id,omitempty"`
	// Target and Due are the service-level target and its due time
	// (EventSLAWarning, EventSLABreach); Policy names the policy.
	Target string    `json:"target,omitempty"`
	Due    time.Time `json:"due,omitempty"`
	Policy string    `json:"policy,omitempty"`
	// Message is the reply to deliver (EventReply) or that failed
	// (EventReplyFailed, with Reason).
	Message *Message `json:"message,omitempty"`
	// Origin is the chat thread the conversation came from (nil for the
	// API): where a reply is posted and EventThread applies.
	Origin *Origin `json:"origin,omitempty"`
	// Closed is the conversation's status for EventThread.
	Closed bool `json:"closed,omitempty"`
}

// NoticeOf is the notice of ev about conv as it is now.
func NoticeOf(ev Event, conv Conversation) Notice {
	return Notice{Event: ev, ConversationID: conv.ID, Contact: conv.Contact.DisplayName(),
		Channel: conv.Channel, Excerpt: conv.Preview, Assignee: conv.AssigneeName, Origin: conv.Origin}
}
