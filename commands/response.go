package commands

import (
	"slices"

	"github.com/inboxbot/inboxbot"
)

// Outcome says how a command ended, for metrics and for the tone of a reply.
type Outcome string

// Outcomes. A rejected command was refused because of what was asked (bad
// input, missing permission, a conflict) and changed nothing; an error is
// our fault (database down, a bug) and was logged.
const (
	OK       Outcome = "ok"
	Rejected Outcome = "rejected"
	Failed   Outcome = "error"
)

// Action is something the asker may do to a conversation from its card;
// adapters turn actions into buttons (Assign into a user select).
type Action string

// Actions offered on cards and accepted by Service.Act.
const (
	ActionShow     Action = "show"
	ActionClaim    Action = "claim"
	ActionAssign   Action = "assign"
	ActionUnassign Action = "unassign"
	ActionFollow   Action = "follow"
	ActionUnfollow Action = "unfollow"
	ActionClose    Action = "close"
	ActionReopen   Action = "reopen"
	// ActionReply opens a form to write to the contact; Act takes its text.
	ActionReply Action = "reply"
	// ActionWaiting is the button of the managers' alert digest: it lists
	// the Team inbox for the clicker (list team). It belongs to no one
	// conversation: its ActionRequest carries no id.
	ActionWaiting Action = "waiting"
)

// Response is the platform-neutral answer to a command or a button press.
// Adapters render it: Block Kit on Slack, components on Discord, text in
// the shell.
type Response struct {
	// Command is the command that ran, as its usage line names it ("claim",
	// "contact assign", "rules test"); "" when the words named none.
	Command string
	// Outcome is ok, rejected or error.
	Outcome Outcome
	// Ephemeral responses are shown only to the asker; the others are
	// posted where the command was typed, for the team to see.
	Ephemeral bool
	// Title is a one-line summary ("dana claimed #12").
	Title string
	// Text is the body: plain text lines, no platform markup.
	Text string
	// Cards show conversations with the actions the asker may take on them.
	Cards []Card
	// Error is the message for the person when the outcome is not ok.
	Error string
	// Usage is the usage line of the command, shown with a rejection.
	Usage string
	// Updated are the conversations the command changed. Nothing needs it
	// to keep cards in step: the card loop (bot.Cards) edits every card
	// whose conversation moved, whoever moved it; tests read it.
	Updated []inboxbot.Conversation
}

// Card is one conversation as the asker sees it, with the actions available
// to them.
type Card struct {
	Conversation inboxbot.Conversation
	Actions      []Action
}

// card builds the card of conv for actor.
func card(actor inboxbot.Member, conv inboxbot.Conversation) Card {
	return Card{Conversation: conv, Actions: actions(actor, conv)}
}

// cards builds one card per conversation.
func cards(actor inboxbot.Member, convs []inboxbot.Conversation) []Card {
	out := make([]Card, len(convs))
	for i, c := range convs {
		out[i] = card(actor, c)
	}
	return out
}

// actions lists what actor may do to conv, in the order of the card's
// buttons (CardActions), keeping only what would be allowed, so a button
// never leads to a refusal the card could have foreseen (a race still
// can); Follow or Unfollow, whichever applies, also on a closed one.
func actions(actor inboxbot.Member, conv inboxbot.Conversation) []Action {
	offered := CardActions(conv, true)
	if conv.Status != inboxbot.StatusOpen {
		offered = append(offered, ActionFollow, ActionUnfollow)
	}
	following := conv.FollowedBy(actor.ID)
	return slices.DeleteFunc(offered, func(a Action) bool {
		switch a {
		case ActionAssign:
			return conv.Assigned() && !mayChangeHands(actor, conv)
		case ActionUnassign, ActionClose, ActionReopen:
			return !mayChangeHands(actor, conv)
		case ActionReply:
			return !mayReply(actor, conv)
		case ActionFollow:
			return following
		case ActionUnfollow:
			return !following
		}
		return false
	})
}

// reply is an ok, ephemeral response.
func reply(title, text string) Response {
	return Response{Outcome: OK, Ephemeral: true, Title: title, Text: text}
}

// announce is an ok response the team may see.
func announce(title, text string) Response {
	return Response{Outcome: OK, Title: title, Text: text}
}

// NoticeActions are the buttons a direct message offers its recipient:
// Show; Unassign on a conversation just given to them, Claim on one that
// waits in the Team inbox; Reply (while replies are on) and Close where
// they are likely to answer the contact (a service-level warning or
// breach offers Show and Reply alone, its line in the inbox channel Show
// alone); Unfollow on news of a
// conversation they follow, else Follow (an assignee hears of the
// contact's new messages only as a follower). As on a card, who may
// really do it is checked on the click.
func NoticeActions(n inboxbot.Notice, replies bool) []Action {
	out := []Action{ActionShow}
	if n.Event == inboxbot.EventSLAEscalation {
		// A line in the inbox channel: anyone there may look.
		return out
	}
	if n.Event == inboxbot.EventSLAWarning || n.Event == inboxbot.EventSLABreach {
		// A service level asks for an answer, nothing else.
		if replies {
			out = append(out, ActionReply)
		}
		return out
	}
	answer := false
	switch n.Event {
	case inboxbot.EventAssigned:
		out = append(out, ActionUnassign)
		answer = true
	case inboxbot.EventMessage, inboxbot.EventReopened:
		if n.Assignee == "" {
			out = append(out, ActionClaim)
		}
		answer = true
	case inboxbot.EventReplyFailed, inboxbot.EventReassigned:
		answer = n.Event == inboxbot.EventReplyFailed
	default: // unassigned, unplaced, waiting, unanswered: in the Team inbox
		out = append(out, ActionClaim)
	}
	if answer && replies {
		out = append(out, ActionReply)
	}
	if answer {
		out = append(out, ActionClose)
	}
	switch n.Event {
	case inboxbot.EventMessage, inboxbot.EventReopened:
		out = append(out, ActionUnfollow)
	case inboxbot.EventReplyFailed:
	default:
		out = append(out, ActionFollow)
	}
	return out
}
