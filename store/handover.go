package store

import (
	"context"

	"github.com/uptrace/bun"

	"github.com/inboxbot/inboxbot"
)

// HandOver applies the when_away of the rules member holds conversations
// by, now that they went away: a rule with when_away team returns them to
// the Team inbox, one with reroute gives them to its next eligible member
// (or, when there is none, the Team inbox). why says what happened ("dana
// went away"). Conversations of rules that keep, and those assigned by a
// person, stay. Each conversation moves in a transaction of its own, with
// its event and notifications. It returns the conversations as they are now.
func (s *Store) HandOver(ctx context.Context, member int64, why string, route inboxbot.RouteFunc) ([]inboxbot.Conversation, error) {
	rules, err := s.rules(ctx, s.db, "")
	if err != nil {
		return nil, err
	}
	byRule := map[int64]inboxbot.Rule{}
	var ids []int64
	for _, r := range rules {
		if r.Assign.WhenAway.HandsOver() {
			byRule[r.ID] = r
			ids = append(ids, r.ID)
		}
	}
	if len(ids) == 0 {
		return nil, nil
	}
	var held []int64
	err = s.db.NewSelect().Table("conversations").Column("id").
		Where("assignee_id = ? AND status = ? AND assigned_rule_id IN (?)", member, inboxbot.StatusOpen, bun.List(ids)).
		OrderExpr("id").Scan(ctx, &held)
	if err != nil {
		return nil, wrap(err, "find conversations to hand over")
	}
	var out []inboxbot.Conversation
	for _, id := range held {
		var (
			conv  inboxbot.Conversation
			moved bool
		)
		err := s.tx(ctx, func(tx bun.Tx) error {
			var err error
			if conv, err = s.lockConversation(ctx, tx, id); err != nil {
				return err
			}
			r, ok := byRule[conv.RuleID]
			if moved = ok && conv.AssigneeID == member && conv.Status == inboxbot.StatusOpen; !moved {
				return nil
			}
			if r.Assign.WhenAway == inboxbot.WhenAwayTeam {
				conv, err = s.applyChange(ctx, tx, conv, inboxbot.Change{ConversationID: id, Via: inboxbot.ViaWorkflow,
					RuleID: r.ID, RuleName: r.Name, Reason: why + "; the rule returns their conversations to the Team inbox"}, nil)
				return err
			}
			conv, _, err = s.moveOn(ctx, tx, conv, r, inboxbot.Next{RuleID: r.ID, Passed: []int64{member}, Why: why}, route)
			return err
		})
		if err != nil {
			return out, wrap(err, "hand over "+inboxbot.Ref(id))
		}
		if moved {
			out = append(out, conv)
		}
	}
	return out, nil
}

// moveOn gives a locked conversation that r assigned to r's next eligible
// member, passing over next.Passed, or, when nobody is left, returns it to the
// Team inbox. It returns the conversation as it is now and the decision.
func (s *Store) moveOn(ctx context.Context, tx bun.Tx, conv inboxbot.Conversation, r inboxbot.Rule, next inboxbot.Next, route inboxbot.RouteFunc) (inboxbot.Conversation, inboxbot.Decision, error) {
	in := inboxbot.RouteInput{Conversation: conv, Rules: []inboxbot.Rule{r}, Now: s.now(), Next: &next}
	if err := s.ruleFacts(ctx, tx, &in, in.Rules, false); err != nil {
		return conv, inboxbot.Decision{}, err
	}
	d, counted, err := s.place(ctx, tx, &in, route, conv.AssigneeID)
	if err != nil {
		return conv, d, err
	}
	if d.Rule != nil && d.AssigneeID != 0 {
		conv, err = s.applyCounted(ctx, tx, conv, ruleChange(conv.ID, d), byID(in.Members), counted...)
		return conv, d, err
	}
	conv, err = s.applyChange(ctx, tx, conv, inboxbot.Change{ConversationID: conv.ID, Via: inboxbot.ViaWorkflow,
		RuleID: r.ID, RuleName: r.Name, Reason: d.Reason + "; back to the Team inbox"}, byID(in.Members))
	return conv, d, err
}
