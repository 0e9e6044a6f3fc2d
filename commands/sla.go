package commands

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/routing"
	"github.com/inboxbot/inboxbot/routing/teamfile"
)

// rulesSLA lists the service-level policies in the order they apply.
func (s *Service) rulesSLA(ctx context.Context, c call) (Response, error) {
	ps, err := s.Store.SLAPolicies(ctx)
	if err != nil {
		return Response{}, err
	}
	if len(ps) == 0 {
		return reply("Service levels: none", "Policies come from the sla list of the team file: inboxbot rules apply FILE."), nil
	}
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = fmt.Sprintf("%d. %s: %s", i+1, p.Name, describePolicy(p))
	}
	return reply(fmt.Sprintf("Service levels: %d, the first that matches applies", len(ps)), strings.Join(lines, "\n")), nil
}

// describePolicy writes a policy on one line: "when tag is vip; first
// response 15m, next response 1h, resolution 8h (business hours); warn 5m
// before; then: at 0s notify assignee, followers; at 10m notify managers, post in the inbox".
func describePolicy(p inboxbot.Policy) string {
	var targets []string
	for _, t := range []struct {
		name string
		d    time.Duration
	}{{"first response", p.FirstResponse}, {"next response", p.NextResponse}, {"resolution", p.Resolution}} {
		if t.d > 0 {
			targets = append(targets, t.name+" "+teamfile.Duration(t.d))
		}
	}
	when := "every conversation"
	if len(p.When) > 0 {
		when = "when " + conditions(p.When)
	}
	out := when + "; " + strings.Join(targets, ", ") + " (" + p.Hours + " hours)"
	if p.WarnBefore > 0 {
		out += "; warn " + teamfile.Duration(p.WarnBefore) + " before"
	}
	var steps []string
	for _, e := range p.Escalate {
		var does []string
		if len(e.Notify) > 0 {
			does = append(does, "notify "+strings.Join(e.Notify, ", "))
		}
		if e.Post != "" {
			does = append(does, "post in the inbox channel")
		}
		switch e.Reassign {
		case inboxbot.ReassignTeam:
			does = append(does, "back to the Team inbox")
		case inboxbot.ReassignNext:
			does = append(does, "to the rule's next member")
		}
		steps = append(steps, teamfile.Duration(e.After)+" after the breach: "+strings.Join(does, ", "))
	}
	if len(steps) > 0 {
		out += "; " + strings.Join(steps, "; ")
	}
	return out
}

// slaLines say, for rules test, which policy applies to conv and when it
// is due.
func (s *Service) slaLines(ctx context.Context, conv inboxbot.Conversation, now time.Time) ([]string, error) {
	ps, err := s.Store.SLAPolicies(ctx)
	if err != nil || len(ps) == 0 {
		return nil, err
	}
	i := routing.PolicyFor(ps, conv, now)
	if i < 0 {
		return []string{"No service-level policy applies."}, nil
	}
	lines := []string{fmt.Sprintf("Service level %q applies: %s.", ps[i].Name, describePolicy(ps[i]))}
	if conv.SLA.Policy != "" {
		lines = append(lines, "Due: "+dueText(conv.SLA, now)+".")
	}
	return lines, nil
}

// dueText says when a conversation's targets fall due and which it missed:
// "first response in 4m (14:05 UTC); breached: next_response".
func dueText(sla inboxbot.SLA, now time.Time) string {
	var parts []string
	for _, t := range []struct {
		name string
		at   *time.Time
	}{{"first response", sla.FirstResponseDue}, {"next response", sla.NextResponseDue}, {"resolution", sla.ResolutionDue}} {
		if t.at == nil {
			continue
		}
		when := "in " + t.at.Sub(now).Round(time.Second).String()
		if !t.at.After(now) {
			when = now.Sub(*t.at).Round(time.Second).String() + " ago"
		}
		parts = append(parts, fmt.Sprintf("%s %s (%s)", t.name, when, t.at.UTC().Format("2006-01-02 15:04 UTC")))
	}
	if len(parts) == 0 {
		parts = append(parts, "nothing (every target met)")
	}
	out := strings.Join(parts, ", ")
	if len(sla.Breached) > 0 {
		out += "; breached: " + strings.Join(sla.Breached, ", ")
	}
	return out
}
