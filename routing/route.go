// Package routing is the rule engine: it decides, from a conversation, the
// published rules, the members and a clock, which rule matches and who gets
// the conversation, and explains why in words. It does no I/O; the store
// gathers the facts and applies the decision in one transaction. It also
// reads and writes the team and rules file.
package routing

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/inboxbot/inboxbot"
)

// Route evaluates in.Rules in order and returns the decision of the first
// rule whose trigger fired and whose conditions all hold. A matched rule
// that finds nobody eligible returns that rule with AssigneeID 0, so that
// the caller can alert the managers. Route is pure: the same input gives
// the same decision.
func Route(in inboxbot.RouteInput) inboxbot.Decision {
	if in.Next != nil {
		return next(in)
	}
	if in.Waiting != nil {
		d := rules(in)
		if d.AssigneeID != 0 {
			d.Reason = joinReasons(waited(*in.Waiting), d.Reason)
		}
		return d
	}
	if in.Holder != 0 {
		if d, ok := keep(in); ok {
			return d
		}
		d := rules(in)
		d.Reason = holderExcuse(in) + "; " + d.Reason
		return d
	}
	return rules(in)
}

// keep keeps a reopened conversation with its holder when they are
// available: not away, in their working hours, and, counting this
// conversation, not over capacity.
func keep(in inboxbot.RouteInput) (inboxbot.Decision, bool) {
	m, ok := holder(in)
	if !ok || holderBusy(m, in.Now) != "" {
		return inboxbot.Decision{}, false
	}
	return inboxbot.Decision{AssigneeID: m.ID, AssigneeName: m.Name,
		Reason: fmt.Sprintf("reopened; it stays with %s, who is available", m.Name)}, true
}

// holderExcuse says why the holder of a reopened conversation cannot keep it.
func holderExcuse(in inboxbot.RouteInput) string {
	m, ok := holder(in)
	if !ok {
		return "its holder is no longer a member"
	}
	return fmt.Sprintf("%s is %s", m.Name, holderBusy(m, in.Now))
}

func holder(in inboxbot.RouteInput) (inboxbot.Member, bool) {
	for _, m := range in.Members {
		if m.ID == in.Holder {
			return m, true
		}
	}
	return inboxbot.Member{}, false
}

// holderBusy says why m cannot keep a conversation, or "" when they can.
func holderBusy(m inboxbot.Member, now time.Time) string {
	switch {
	case m.Away:
		return isAway
	case !onShift(m.Hours, m.Timezone, now):
		return offHours
	case m.Capacity > 0 && m.OpenCount > m.Capacity:
		return atCapacity
	}
	return ""
}

// rules evaluates the rules in order.
func rules(in inboxbot.RouteInput) inboxbot.Decision {
	var d inboxbot.Decision
	if len(in.Rules) == 0 {
		d.Reason = "no published rule"
		return d
	}
	for i := range in.Rules {
		r := in.Rules[i]
		if r.Status != "" && r.Status != inboxbot.RulePublished {
			d.Skipped = append(d.Skipped, fmt.Sprintf("Rule %s: it is a %s", r.Name, r.Status))
			continue
		}
		if !slices.Contains(in.Triggers, r.Trigger) {
			d.Skipped = append(d.Skipped, fmt.Sprintf("Rule %s: trigger is %s, not %s", r.Name, r.Trigger, triggerText(in.Triggers)))
			continue
		}
		held, why := conditions(r.When, in.Conversation, in.Now)
		if !held {
			d.Skipped = append(d.Skipped, fmt.Sprintf("Rule %s: %s", r.Name, why))
			continue
		}
		p := pick(r, in)
		d.Rule = &r
		d.AssigneeID, d.AssigneeName = p.member.ID, p.member.Name
		d.Reason = joinReasons(p.reason, why)
		if d.Reason == "" {
			d.Reason = "the rule assigns " + p.member.Name
		}
		return d
	}
	d.Reason = "no rule matched"
	return d
}

func triggerText(triggers []inboxbot.Trigger) string {
	if len(triggers) == 0 {
		return "no trigger"
	}
	return strings.Join(strs(triggers), " or ")
}

// conditions reports whether all conditions hold: on success, what each
// saw; on failure, what the first failing one saw.
func conditions(when []inboxbot.Condition, conv inboxbot.Conversation, now time.Time) (bool, string) {
	var seen []string
	for _, c := range when {
		ok, why := check(c, conv, now)
		if !ok {
			return false, why
		}
		seen = append(seen, why)
	}
	return true, strings.Join(seen, "; ")
}

func joinReasons(parts ...string) string {
	var out []string
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, "; ")
}

// picked is a method's choice; member is zero when nobody was eligible.
type picked struct {
	member inboxbot.Member
	reason string
}

// pick runs the rule's assignment method.
func pick(r inboxbot.Rule, in inboxbot.RouteInput) picked {
	e := eligibility{a: r.Assign, now: in.Now, byName: map[string]inboxbot.Member{}}
	if in.Next != nil {
		e.passed = in.Next.Passed
	}
	for _, m := range in.Members {
		e.byName[strings.ToLower(m.Name)] = m
	}
	switch r.Assign.Method {
	case inboxbot.MethodUser:
		return e.user()
	case inboxbot.MethodRoundRobin:
		return e.roundRobin(in.Turn[r.ID])
	case inboxbot.MethodCustomField:
		return e.customField(in.Conversation.Contact)
	case inboxbot.MethodLeastLoaded:
		return e.leastLoaded()
	}
	return picked{reason: fmt.Sprintf("no eligible member: unknown method %q", r.Assign.Method)}
}

// strs turns a list of a string type into strings.
func strs[T ~string](vs []T) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}
