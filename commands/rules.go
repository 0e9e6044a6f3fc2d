package commands

import (
	"context"
	"fmt"
	"strings"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/routing"
	"github.com/inboxbot/inboxbot/routing/teamfile"
)

// rulesList lists the workflow rules in the order they are evaluated.
func (s *Service) rulesList(ctx context.Context, c call) (Response, error) {
	rs, err := s.Store.Rules(ctx)
	if err != nil {
		return Response{}, err
	}
	if len(rs) == 0 {
		return reply("Rules: none", "Rules come from the team file: inboxbot rules apply FILE."), nil
	}
	lines := make([]string, len(rs))
	for i, r := range rs {
		lines[i] = fmt.Sprintf("%d. %s [%s] on %s: %s; %s", r.ID, r.Name, r.Status, r.Trigger, conditions(r.When), method(r.Assign))
	}
	return reply(fmt.Sprintf("Rules: %d, evaluated in this order", len(rs)), strings.Join(lines, "\n")), nil
}

// rulesShow describes one rule in full.
func (s *Service) rulesShow(ctx context.Context, c call) (Response, error) {
	r, err := s.Store.Rule(ctx, c.Cmd.ID)
	if err != nil {
		return Response{}, err
	}
	return reply(fmt.Sprintf("Rule %d: %s", r.ID, r.Name), describeRule(r)), nil
}

func describeRule(r inboxbot.Rule) string {
	lines := []string{
		fmt.Sprintf("Status: %s   Priority: %d   Trigger: %s", r.Status, r.Priority, r.Trigger),
		"When: " + conditions(r.When),
		"Assign: " + method(r.Assign),
	}
	var sw []string
	if r.Assign.SkipAway {
		sw = append(sw, "skips away members")
	}
	if r.Assign.WorkingHours {
		sw = append(sw, "only members in their working hours")
	}
	if r.Assign.RespectCapacity {
		sw = append(sw, "respects capacity")
	}
	if len(sw) > 0 {
		lines = append(lines, "Eligibility: "+strings.Join(sw, ", "))
	}
	return strings.Join(append(lines, afterwards(r.Assign)...), "\n")
}

// afterwards explains what a rule does with what it assigned later on:
// its when_away and reassign_after.
func afterwards(a inboxbot.Assignment) []string {
	var lines []string
	switch a.WhenAway {
	case inboxbot.WhenAwayTeam:
		lines = append(lines, "When away (team): an assignee who goes away gives this rule's conversations back to the Team inbox.")
	case inboxbot.WhenAwayReroute:
		lines = append(lines, "When away (reroute): an assignee who goes away gives this rule's conversations to its next eligible member.")
	}
	if a.ReassignAfter > 0 {
		lines = append(lines, fmt.Sprintf("Reassign after %s: an assignee who neither replies to the contact nor claims it by hand in that time "+
			"loses it to the next eligible member; after the last, it goes back to the Team inbox and managers are alerted.",
			teamfile.Duration(a.ReassignAfter)))
	}
	return lines
}

// conditions writes a rule's conditions as people read them.
func conditions(cs []inboxbot.Condition) string {
	if len(cs) == 0 {
		return "always"
	}
	out := make([]string, len(cs))
	for i, c := range cs {
		if c.Field == "time" {
			out[i] = fmt.Sprintf("time %s %s-%s %s", strings.Join(c.Days, ","), c.From, c.To, orNone(c.Timezone))
			continue
		}
		v := c.Value
		if len(c.Values) > 0 {
			v = strings.Join(c.Values, "|")
		}
		op := c.Op
		if op == "" {
			op = "eq"
		}
		out[i] = fmt.Sprintf("%s %s %s", c.Field, op, v)
	}
	return strings.Join(out, " and ")
}

// method writes a rule's assignment method and its members.
func method(a inboxbot.Assignment) string {
	switch a.Method {
	case inboxbot.MethodCustomField:
		return fmt.Sprintf("%s (the member named in custom.%s)", a.Method, a.Field)
	case inboxbot.MethodUser:
		return fmt.Sprintf("%s %s", a.Method, strings.Join(a.Members, ", "))
	}
	return fmt.Sprintf("%s among %s", a.Method, strings.Join(a.Members, ", "))
}

// testTriggers are the triggers rules test evaluates with: what fires when
// a conversation (or a form) opens it, as when the Team inbox is drained.
var testTriggers = inboxbot.OpeningTriggers

// rulesTest explains which rule would route a conversation, to whom and
// why, as if it arrived now and unassigned. A contact's owner takes a new
// conversation before any rule runs, so that comes first; the rules are
// still explained, for when the owner is removed. Nothing changes: the
// routing engine is a pure function over what the store gathered.
func (s *Service) rulesTest(ctx context.Context, c call) (Response, error) {
	if s.Route == nil {
		return Response{}, inboxbot.Errorf(inboxbot.EUNAVAILABLE, "The rule engine is not available in this process.")
	}
	in, err := s.Store.RouteInput(ctx, c.Cmd.ID, testTriggers)
	if err != nil {
		return Response{}, err
	}
	conv := in.Conversation
	in.Conversation.AssigneeID, in.Conversation.AssigneeName = 0, ""
	d := s.Route(in)
	var lines []string
	if conv.Assigned() {
		lines = append(lines, fmt.Sprintf("%s is assigned to %s, and rules never take a conversation from its holder. Were it new and unassigned:", conv.Ref(), conv.AssigneeName))
	}
	if ct := conv.Contact; ct.OwnerID != 0 {
		lines = append(lines,
			fmt.Sprintf("Contact %s is owned by %s, so %s would get it before any rule runs.", ct.DisplayName(), ct.OwnerName, ct.OwnerName),
			fmt.Sprintf("Were %s not owned:", ct.DisplayName()))
	}
	switch {
	case d.Rule == nil:
		lines = append(lines, fmt.Sprintf("No published rule matches %s; it would wait in the Team inbox.", conv.Ref()))
	case d.AssigneeID == 0:
		lines = append(lines, fmt.Sprintf("Rule %d %q matches, but nobody could take it: %s. It would wait in the Team inbox and managers would be alerted.", d.Rule.ID, d.Rule.Name, d.Reason))
	default:
		lines = append(lines, fmt.Sprintf("Rule %d %q would assign it to %s: %s.", d.Rule.ID, d.Rule.Name, d.AssigneeName, d.Reason))
		lines = append(lines, afterwards(d.Rule.Assign)...)
	}
	if len(d.Skipped) > 0 {
		lines = append(lines, "Rules passed over:")
		for _, sk := range d.Skipped {
			lines = append(lines, "  "+sk)
		}
	}
	lines = append(lines, s.waitLines(conv)...)
	sla, err := s.slaLines(ctx, conv, in.Now)
	if err != nil {
		return Response{}, err
	}
	lines = append(lines, sla...)
	lines = append(lines, fmt.Sprintf("Triggers: %s. Nothing was changed.", inboxbot.Join(testTriggers, ", ")))
	r := reply(fmt.Sprintf("Rules test for %s", Summary(conv)), strings.Join(lines, "\n"))
	return r, nil
}

// rulesPublish makes a rule run.
func (s *Service) rulesPublish(ctx context.Context, c call) (Response, error) {
	return s.setRuleStatus(ctx, c, inboxbot.RulePublished, "publish rules")
}

// rulesUnpublish sets a rule back to draft.
func (s *Service) rulesUnpublish(ctx context.Context, c call) (Response, error) {
	return s.setRuleStatus(ctx, c, inboxbot.RuleDraft, "unpublish rules")
}

func (s *Service) setRuleStatus(ctx context.Context, c call, status inboxbot.RuleStatus, what string) (Response, error) {
	if err := requireRole(c.Actor, inboxbot.RoleManager, what); err != nil {
		return Response{}, err
	}
	r, changed, err := s.Store.SetRuleStatus(ctx, c.Cmd.ID, status)
	if err != nil {
		return Response{}, err
	}
	if !changed {
		return reply(fmt.Sprintf("Rule %d %q is already %s.", r.ID, r.Name, status), "Nothing changed."), nil
	}
	if status == inboxbot.RulePublished {
		// The new rule may place what waits: offered after the answer.
		s.offer(ctx, 0, fmt.Sprintf("rule %q was published", r.Name))
	}
	return announce(fmt.Sprintf("%s set rule %d %q to %s", c.Actor.Name, r.ID, r.Name, status), describeRule(r)), nil
}

// waitLines explain where a conversation stands with the waits: how long
// it has waited in the Team inbox, or when it moves on unanswered.
func (s *Service) waitLines(conv inboxbot.Conversation) []string {
	now := s.now()
	switch {
	case conv.Status != inboxbot.StatusOpen:
		return nil
	case !conv.Assigned() && !conv.WaitingSince.IsZero():
		return []string{fmt.Sprintf("%s has waited %s in the Team inbox. It is offered to the rules again, oldest first, "+
			"when a member comes back or has room, and by the sweep every minute.", conv.Ref(), routing.Duration(now.Sub(conv.WaitingSince)))}
	case conv.Assigned() && !conv.ReplyDue.IsZero():
		return []string{fmt.Sprintf("Unless %s replies to the contact or claims it by hand within %s (by %s UTC), it moves to the next eligible member of rule %d.",
			conv.AssigneeName, routing.Duration(conv.ReplyDue.Sub(now)), conv.ReplyDue.UTC().Format("Mon 15:04"), conv.RuleID)}
	}
	return nil
}
