package bot

import (
	"fmt"
	"strconv"
	"time"

	"github.com/inboxbot/inboxbot"
)

// Style says how a surface shows what people wrote inside the product's
// sentences. The wording of every notification is in NoticeText, once;
// surfaces differ only in their Style.
type Style struct {
	// Text makes a value people wrote (a contact's name, a member's name, a
	// rule's name or reason) safe to show: for Slack it escapes mrkdwn, for
	// a terminal it removes control characters.
	Text func(string) string
	// Quote shows an excerpt of a message, quoted.
	Quote func(string) string
	// When writes a time in the surface's own format (Slack's <!date^...>,
	// Discord's <t:...:R>) where a line is read at once; nil writes it in
	// UTC.
	When func(time.Time) string
}

// Plain is the style of plain text: values as they are, excerpts in Go
// quotes. Tests and logs use it; the console adds terminal safety.
var Plain = Style{Text: func(s string) string { return s }, Quote: strconv.Quote}

// NoticeText words a notification in one line of text:
// `dana assigned you #12 (Jane Doe, sms): "Hi, I need a quote"`.
func NoticeText(n inboxbot.Notice, st Style) string {
	conv := fmt.Sprintf("%s (%s, %s)", inboxbot.Ref(n.ConversationID), st.Text(n.Contact), st.Text(n.Channel))
	described := conv
	if n.Excerpt != "" {
		described += ": " + st.Quote(n.Excerpt)
	}
	switch n.Event {
	case inboxbot.EventAssigned:
		s := fmt.Sprintf("%s assigned you %s", byWhom(n, st), described)
		if n.Rule != "" && n.Reason != "" {
			s += " (" + st.Text(n.Reason) + ")"
		}
		return s
	case inboxbot.EventReassigned, inboxbot.EventUnassigned:
		return handedOn(n, st, conv)
	case inboxbot.EventMessage:
		s := fmt.Sprintf("New message on %s from %s (%s)", inboxbot.Ref(n.ConversationID), st.Text(n.Contact), st.Text(n.Channel))
		if n.Excerpt != "" {
			s += ": " + st.Quote(n.Excerpt)
		}
		return s
	case inboxbot.EventUnplaced:
		return fmt.Sprintf("Nobody could take %s: rule %s found %s. It waits in the Team inbox.",
			described, st.Quote(n.Rule), st.Text(n.Reason))
	case inboxbot.EventUnanswered:
		return fmt.Sprintf("Nobody answered %s under rule %s: %s. It waits in the Team inbox for someone to take it.",
			described, st.Quote(n.Rule), st.Text(n.Reason))
	case inboxbot.EventWaiting:
		return fmt.Sprintf("%s has waited in the Team inbox for %s.", described, Waited(n.Waited))
	case inboxbot.EventReopened:
		s := conv + " was closed; the contact wrote again"
		if n.Excerpt != "" {
			s += ": " + st.Quote(n.Excerpt)
		}
		if n.Assignee != "" {
			return s + ". It is open again, assigned to " + st.Text(n.Assignee) + "."
		}
		return s + ". It is open again, in the Team inbox."
	case inboxbot.EventSLAWarning:
		return fmt.Sprintf("Service level %s: the %s on %s is due at %s.", st.Quote(n.Policy), targetText(n.Target), described, dueAt(n.Due))
	case inboxbot.EventSLABreach:
		return fmt.Sprintf("Service level %s missed: the %s on %s was due at %s.", st.Quote(n.Policy), targetText(n.Target), described, dueAt(n.Due))
	case inboxbot.EventSLAEscalation:
		s := fmt.Sprintf("⏰ %s missed its %s under service level %s (due %s)", conv, targetText(n.Target), st.Quote(n.Policy), st.when(n.Due))
		if n.Assignee != "" {
			return s + " — assigned to " + st.Text(n.Assignee) + "."
		}
		return s + " — waiting in the Team inbox."
	case inboxbot.EventReplyFailed:
		s := fmt.Sprintf("Your reply on %s could not be delivered", conv)
		if n.Message != nil {
			s += ": " + st.Quote(inboxbot.Cut(n.Message.Body, 140))
		}
		return s + ". The receiving system said: " + st.Text(n.Reason)
	}
	return fmt.Sprintf("%s changed (%s).", conv, st.Text(string(n.Event)))
}

func (st Style) when(t time.Time) string {
	if st.When != nil && !t.IsZero() {
		return st.When(t)
	}
	return dueAt(t)
}

// targetText names a service-level target as people say it.
func targetText(t string) string {
	switch t {
	case inboxbot.TargetFirstResponse:
		return "first response"
	case inboxbot.TargetNextResponse:
		return "next response"
	case inboxbot.TargetResolution:
		return "resolution"
	}
	return "target"
}

// dueAt writes a due time in UTC, to the minute: a DM is read later than
// it is written, so "in 5 minutes" would be wrong by then.
func dueAt(t time.Time) string {
	if t.IsZero() {
		return "an unknown time"
	}
	return t.UTC().Format("15:04 UTC on Jan 2")
}

// handedOn words a conversation taken from the recipient: reassigned or
// back in the Team inbox, by a member, a rule, or the contact's new
// message on a closed conversation the recipient could not take again.
func handedOn(n inboxbot.Notice, st Style, conv string) string {
	switch {
	case n.Via == inboxbot.ViaInbound && n.Event == inboxbot.EventReassigned:
		return fmt.Sprintf("%s was reopened by a new message from the contact and went to %s (%s).", conv, st.Text(n.Assignee), st.Text(n.Reason))
	case n.Via == inboxbot.ViaInbound:
		return fmt.Sprintf("%s was reopened by a new message from the contact and is back in the Team inbox (%s).", conv, st.Text(n.Reason))
	case n.Via == inboxbot.ViaWorkflow && n.Event == inboxbot.EventReassigned:
		return fmt.Sprintf("%s moved %s to %s: %s.", byWhom(n, st), conv, st.Text(n.Assignee), st.Text(n.Reason))
	case n.Via == inboxbot.ViaWorkflow:
		return fmt.Sprintf("%s put %s back in the Team inbox: %s.", byWhom(n, st), conv, st.Text(n.Reason))
	case n.Event == inboxbot.EventReassigned:
		return fmt.Sprintf("%s reassigned %s to %s.", byWhom(n, st), conv, st.Text(n.Assignee))
	}
	return fmt.Sprintf("%s unassigned %s; it is back in the Team inbox.", byWhom(n, st), conv)
}

// byWhom names who made a change: a member, a rule, the contact's owner.
func byWhom(n inboxbot.Notice, st Style) string {
	switch {
	case n.Actor != "":
		return st.Text(n.Actor)
	case n.Rule != "":
		return "Rule " + st.Quote(n.Rule)
	case n.Via == inboxbot.ViaContact:
		return "Contact ownership"
	}
	return "inboxbot"
}

// Waited says how long something waited as a person would: "40 seconds",
// "17 minutes", "3 hours".
func Waited(d time.Duration) string {
	n, unit := int(d/time.Second), "second"
	switch {
	case d >= 48*time.Hour:
		n, unit = int(d/(24*time.Hour)), "day"
	case d >= 2*time.Hour:
		n, unit = int(d/time.Hour), "hour"
	case d >= 2*time.Minute:
		n, unit = int(d/time.Minute), "minute"
	}
	if n == 1 {
		return "1 " + unit
	}
	return fmt.Sprintf("%d %ss", n, unit)
}
