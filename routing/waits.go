package routing

import (
	"fmt"
	"time"

	"github.com/inboxbot/inboxbot"
)

// next moves a conversation on from its assignee to the next eligible
// member of the rule that assigned it, passing over in.Next.Passed. The
// rule's trigger and conditions held when it assigned the conversation;
// they are not evaluated again. A decision with the rule and AssigneeID 0
// means nobody is left: the conversation goes back to the Team inbox.
func next(in inboxbot.RouteInput) inboxbot.Decision {
	var rule *inboxbot.Rule
	for i := range in.Rules {
		if in.Rules[i].ID == in.Next.RuleID {
			rule = &in.Rules[i]
		}
	}
	why := in.Next.Why
	if why == "" {
		why = fmt.Sprintf("%s did not answer within %s", in.Next.From, Duration(in.Next.Unanswered))
	}
	if rule == nil {
		return inboxbot.Decision{Reason: joinReasons(why, "the rule that assigned it is gone")}
	}
	p := pick(*rule, in)
	d := inboxbot.Decision{Rule: rule, AssigneeID: p.member.ID, AssigneeName: p.member.Name}
	reason := p.reason
	if reason == "" && d.AssigneeID != 0 {
		reason = "the rule assigns " + p.member.Name
	}
	d.Reason = joinReasons(why, reason)
	return d
}

// waited says how long a drained conversation waited and what set it
// moving: "was waiting 42 min; lee came back".
func waited(w inboxbot.Waiting) string {
	cause := w.Cause
	if cause == "" {
		cause = "found by the sweep"
	}
	return fmt.Sprintf("was waiting %s; %s", Duration(w.For), cause)
}

// Duration writes a wait as people read it: "under a minute", "42 min",
// "3 h 5 min", "2 days".
func Duration(d time.Duration) string {
	switch {
	case d < time.Minute:
		return "under a minute"
	case d < time.Hour:
		return fmt.Sprintf("%d min", int(d/time.Minute))
	case d < 48*time.Hour:
		h, m := int(d/time.Hour), int(d%time.Hour/time.Minute)
		if m == 0 {
			return fmt.Sprintf("%d h", h)
		}
		return fmt.Sprintf("%d h %d min", h, m)
	}
	return fmt.Sprintf("%d days", int(d/(24*time.Hour)))
}
