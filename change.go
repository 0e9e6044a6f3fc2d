package inboxbot

import (
	"strings"
	"time"
)

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
	// ReassignAfter, when set, is how long the new assignee has to reply
	// or claim the conversation before it moves on (the rule's
	// reassign_after).
	ReassignAfter time.Duration
	// Check, when set, runs on the conversation after it is locked and
	// before it changes; an error from it aborts the change. Permission
	// checks that depend on the current assignee belong here, so that they
	// cannot race a concurrent change. Check must not call the store: on
	// SQLite the transaction holds the only connection.
	Check func(Conversation) error
}

// StatusChange closes or reopens a conversation.
type StatusChange struct {
	ConversationID int64
	Status         Status
	// Actor is the member who made the change; 0 for the API.
	Actor  int64
	Via    Via
	Reason string
	// Check runs on the locked conversation before it changes, as
	// Change.Check does.
	Check func(Conversation) error
}

// MaxReplyLength bounds a reply or a note, in bytes.
const MaxReplyLength = 40000

// Reply is a member's message on a conversation: to the contact
// (DirectionOutbound, delivered by the outbound webhook) or an internal
// note (DirectionNote, never sent).
type Reply struct {
	ConversationID int64
	Direction      Direction
	Author         int64
	Body           string
	// MessageID is the platform's id of a reply already delivered (a
	// member writing in the customer's thread); with it the reply is
	// recorded, never sent, and a repeat changes nothing.
	MessageID string
	// Check runs on the locked conversation before the message is stored.
	Check func(Conversation) error
}

// Validate checks a reply's content; the error is EINVALID.
func (r Reply) Validate() error {
	if r.Direction != DirectionOutbound && r.Direction != DirectionNote {
		return invalid("a reply goes to the contact or is a note (got %q)", r.Direction)
	}
	if len(strings.TrimSpace(r.Body)) == 0 {
		return invalid("The message is empty: write the text after the conversation id.")
	}
	if r.MessageID != "" && r.Direction != DirectionOutbound {
		return invalid("only a reply to the contact carries a message id")
	}
	if err := CheckText("the message id", r.MessageID, MaxIDLength); err != nil {
		return err
	}
	return CheckText("the message", r.Body, MaxReplyLength)
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

// ReopenRecipients says who is told that the contact's new message
// reopened a closed conversation: whoever held it and its followers.
func ReopenRecipients(c Conversation, holder int64) []Recipient {
	var out []Recipient
	if holder != 0 {
		out = append(out, Recipient{MemberID: holder, Event: EventReopened})
	}
	for _, f := range c.Followers {
		if f.ID != holder {
			out = append(out, Recipient{MemberID: f.ID, Event: EventReopened})
		}
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
