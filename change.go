package inboxbot

// Change is one change of hands of a conversation.
type Change struct {
	ConversationID int64
	// To is the new assignee; 0 returns the conversation to the Team inbox.
	To int64
	// Actor is the member who made the change; 0 for rules and contact owners.
	Actor    int64
	Via      Via
	RuleID   int64
	RuleName string
	Reason   string
	// Check, when set, runs on the conversation after it is locked and
	// before it changes; an error from it aborts the change. Permission
	// checks that depend on the current assignee belong here, so that they
	// cannot race a concurrent change. Check must not call the store: on
	// SQLite the transaction holds the only connection.
	Check func(Conversation) error
}

// Recipient is a member to tell about something, and what to tell them.
type Recipient struct {
	MemberID int64
	Event    Event
}

// ChangeRecipients says who is told of a change of hands from one member
// to another (0 is the Team inbox) made by actor: the new assignee that
// they have it, and the previous one that it was taken from them. Nobody
// is told of their own action.
func ChangeRecipients(from, to, actor int64) []Recipient {
	var out []Recipient
	if to != 0 && to != actor {
		out = append(out, Recipient{MemberID: to, Event: EventAssigned})
	}
	if from != 0 && from != actor && from != to {
		ev := EventReassigned
		if to == 0 {
			ev = EventUnassigned
		}
		out = append(out, Recipient{MemberID: from, Event: ev})
	}
	return out
}

// MessageRecipients says who is told of a new message from the contact on
// a conversation: its followers.
func MessageRecipients(c Conversation) []Recipient {
	out := make([]Recipient, len(c.Followers))
	for i, f := range c.Followers {
		out[i] = Recipient{MemberID: f.ID, Event: EventMessage}
	}
	return out
}

// AlertRecipients says who is alerted about a conversation nobody could
// take, or that waited too long: the managers and admins among members.
func AlertRecipients(members []Member, ev Event) []Recipient {
	var out []Recipient
	for _, m := range members {
		if m.Role.AtLeast(RoleManager) {
			out = append(out, Recipient{MemberID: m.ID, Event: ev})
		}
	}
	return out
}
