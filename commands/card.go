package commands

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/inboxbot/inboxbot"
)

// CardActions are the buttons of a conversation's card in an inbox
// channel, which the whole team sees: they depend on the conversation's
// state only, in this order. Open and unassigned: Show, Claim, Assign…,
// Follow, Unfollow, Reply, Close; open and assigned: Show, Assign…
// (reassign), Unassign, Follow, Unfollow, Reply, Close; closed: Show,
// Reopen. Reply is offered only when the conversation can be answered
// (replies is true while an outbound webhook delivers them). Who may
// really do it is checked on the click, and a refusal is explained to the
// clicker alone. Every surface renders this list, so the same card shows
// the same buttons everywhere.
func CardActions(conv inboxbot.Conversation, replies bool) []Action {
	if conv.Status != inboxbot.StatusOpen {
		return []Action{ActionShow, ActionReopen}
	}
	out := []Action{ActionShow, ActionClaim, ActionAssign}
	if conv.Assigned() {
		out = []Action{ActionShow, ActionAssign, ActionUnassign}
	}
	out = append(out, ActionFollow, ActionUnfollow)
	if replies {
		out = append(out, ActionReply)
	}
	return append(out, ActionClose)
}

// Holder names who has a conversation, for a card's field or a list row:
// the assignee's name, or "Team inbox" while it waits there. Surfaces
// escape it for their markup.
func Holder(c inboxbot.Conversation) string {
	if c.Assigned() {
		return c.AssigneeName
	}
	return "Team inbox"
}

// Headline is a conversation in one short line, for a notification's
// preview or a suggestion: "#12 Jane Doe (sms): dana". Plain text.
func Headline(c inboxbot.Conversation) string {
	return fmt.Sprintf("%s %s (%s): %s", c.Ref(), c.Contact.DisplayName(), c.Channel, Holder(c))
}

// Summary is a conversation in one line for texts, with its status:
// "#12 Jane Doe (sms, open): assigned to dana". Plain text.
func Summary(c inboxbot.Conversation) string {
	return fmt.Sprintf("%s %s (%s, %s): %s", c.Ref(), c.Contact.DisplayName(), c.Channel, c.Status, holder(c))
}

// holder says who has a conversation, in a sentence.
func holder(c inboxbot.Conversation) string {
	if c.Assigned() {
		return "assigned to " + c.AssigneeName
	}
	return "in the Team inbox"
}

// SLALine is what a card says of conv's service level, or "" when no
// policy applies or it is closed: the next due time ("First response due
// <when> · VIP answers") and, plainly, a breach and how far it was
// escalated ("SLA breached: first response · escalated (step 2) · VIP
// answers"). text escapes the policy's name and when
// writes a time for the surface (Slack's <!date^...>, Discord's <t:...:R>),
// so the wording is here once and each surface formats only its parts.
func SLALine(conv inboxbot.Conversation, text func(string) string, when func(time.Time) string) string {
	sla := conv.SLA
	if sla.Policy == "" || conv.Status != inboxbot.StatusOpen {
		return ""
	}
	var parts []string
	if len(sla.Breached) > 0 {
		names := make([]string, len(sla.Breached))
		for i, t := range sla.Breached {
			names[i] = strings.ReplaceAll(t, "_", " ")
		}
		parts = append(parts, "SLA breached: "+strings.Join(names, ", "))
		if sla.Escalation > 0 {
			parts = append(parts, fmt.Sprintf("escalated (step %d)", sla.Escalation))
		}
	}
	if next, target := nextDue(sla); next != nil {
		parts = append(parts, fmt.Sprintf("%s due %s", target, when(*next)))
	}
	if len(parts) == 0 {
		return ""
	}
	return strings.Join(parts, " · ") + " · " + text(sla.Policy)
}

// nextDue is the earliest due time of a target not missed, and its name.
func nextDue(sla inboxbot.SLA) (*time.Time, string) {
	var (
		next   *time.Time
		target string
	)
	for _, t := range []struct {
		key, name string
		at        *time.Time
	}{
		{inboxbot.TargetFirstResponse, "First response", sla.FirstResponseDue},
		{inboxbot.TargetNextResponse, "Next response", sla.NextResponseDue},
		{inboxbot.TargetResolution, "Resolution", sla.ResolutionDue},
	} {
		if t.at != nil && !slices.Contains(sla.Breached, t.key) && (next == nil || t.at.Before(*next)) {
			next, target = t.at, t.name
		}
	}
	return next, target
}
