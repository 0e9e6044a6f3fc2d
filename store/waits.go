package store

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/inboxbot/inboxbot"
)

// Drain sizes: a drain reads the queue a page at a time and looks at no
// more than defaultDrainLimit conversations unless asked to.
const (
	drainPage         = 50
	defaultDrainLimit = 200
)

// Drain offers waiting conversations (open, unassigned, not given up on
// by reassign_after) to the published rules again, oldest first, and
// assigns those a rule can place now. A page of the queue is routed in
// memory first, on facts read once per page, so that a long queue nobody
// can take costs a few statements per page and locks nothing; the
// conversations a rule would place are then locked in one transaction
// per page, routed again on fresh facts and assigned there. A sweep
// (d.Member 0) skips conversations another replica has locked, so
// replicas sweeping at once share the queue; a drain for a member waits
// for them instead, which keeps the queue's order. Either way each
// conversation is placed once and no member past capacity. Nobody is
// alerted about a conversation no one can take yet: it was alerted about
// when it arrived, and the unassigned alerts cover its wait. With
// d.Member set, the drain stops once that member is at capacity or no
// rule of the page can pick them, and with d.Max after that many
// placements.
func (s *Store) Drain(ctx context.Context, d inboxbot.Drain, route inboxbot.RouteFunc) (inboxbot.DrainResult, error) {
	res := inboxbot.DrainResult{Next: d.After}
	limit := d.Limit
	if limit <= 0 {
		limit = defaultDrainLimit
	}
	for res.Looked < limit {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		page, err := s.waitingPage(ctx, res.Next, min(drainPage, limit-res.Looked))
		if err != nil || len(page) == 0 {
			res.Done = err == nil
			return res, err
		}
		facts, err := s.drainFacts(ctx, page)
		if err != nil {
			return res, err
		}
		var placeable []int64
		stop := false
		for _, conv := range page {
			if d.Member != 0 && !canTake(facts.Members, d.Member) || d.Max > 0 && len(placeable)+len(res.Placed) >= d.Max {
				stop = true
				break
			}
			res.Looked++
			res.Next = inboxbot.DrainCursor{Since: conv.WaitingSince, ID: conv.ID}
			in := facts
			in.Conversation, in.Waiting = conv, &inboxbot.Waiting{For: in.Now.Sub(conv.WaitingSince), Cause: d.Cause}
			if conv.ID == d.Skip {
				continue
			}
			if dec := route(in); dec.AssigneeID != 0 {
				placeable = append(placeable, conv.ID)
				facts = took(facts, dec)
			}
		}
		if len(placeable) > 0 {
			placed, err := s.drainPlace(ctx, placeable, d, route)
			res.Placed = append(res.Placed, placed...)
			if err != nil {
				return res, fmt.Errorf("drain: %w", err)
			}
		}
		if stop {
			return res, nil
		}
	}
	return res, nil
}

// waitingPage reads up to n waiting conversations after the cursor,
// oldest first, from the index conversations_waiting_idx.
func (s *Store) waitingPage(ctx context.Context, after inboxbot.DrainCursor, n int) ([]inboxbot.Conversation, error) {
	return s.conversations(ctx, s.db, false, func(q *bun.SelectQuery) *bun.SelectQuery {
		return q.Where("c.assignee_id IS NULL AND c.status = ? AND c.passed_over IS NULL", inboxbot.StatusOpen).
			Where("(c.unassigned_since, c.id) > (?, ?)", after.Since.UTC(), after.ID).
			OrderExpr("c.unassigned_since, c.id").Limit(int64(n))
	})
}

// drainFacts reads what routing needs for a page of waiting conversations
// at once: the rules, the turns, and the members the rules name or the
// page's contacts' custom fields name.
func (s *Store) drainFacts(ctx context.Context, page []inboxbot.Conversation) (inboxbot.RouteInput, error) {
	var in inboxbot.RouteInput
	err := s.tx(ctx, func(tx bun.Tx) error {
		var err error
		in, err = s.routeInput(ctx, tx, pageStandIn(page), inboxbot.OpeningTriggers, false)
		return err
	})
	return in, err
}

// pageStandIn is a conversation carrying the custom fields of every
// contact on a page: routeInput reads their values as candidate names.
func pageStandIn(page []inboxbot.Conversation) inboxbot.Conversation {
	custom := map[string]string{}
	for i, c := range page {
		for k, v := range c.Contact.Custom {
			custom[fmt.Sprintf("%d.%s", i, k)] = v
		}
	}
	return inboxbot.Conversation{Contact: inboxbot.Contact{Custom: custom}}
}

// canTake reports whether member id, as the facts know them, is one a
// rule could pick and below capacity. A member no rule names cannot be
// given anything by a drain, whatever room they have.
func canTake(members []inboxbot.Member, id int64) bool {
	for _, m := range members {
		if m.ID == id {
			return m.Capacity == 0 || m.OpenCount < m.Capacity
		}
	}
	return false
}

// took updates the facts of a page after a drain placed a conversation:
// the assignee holds one more, and had the rule's last turn.
func took(in inboxbot.RouteInput, d inboxbot.Decision) inboxbot.RouteInput {
	members := make([]inboxbot.Member, len(in.Members))
	copy(members, in.Members)
	for i := range members {
		if members[i].ID == d.AssigneeID {
			members[i].OpenCount++
		}
	}
	in.Members = members
	if d.Rule.Assign.Method == inboxbot.MethodRoundRobin {
		turns := make(map[int64]int64, len(in.LastTurn)+1)
		for k, v := range in.LastTurn {
			turns[k] = v
		}
		turns[d.Rule.ID] = d.AssigneeID
		in.LastTurn = turns
	}
	return in
}

// drainPlace offers the waiting conversations ids, oldest first, to the
// rules in one transaction, and assigns those a rule places. It locks
// them first; one another replica placed meanwhile, or that is no longer
// waiting, is left alone, and a sweep skips one another replica holds
// locked. The rules run again on facts read under those locks.
func (s *Store) drainPlace(ctx context.Context, ids []int64, d inboxbot.Drain, route inboxbot.RouteFunc) ([]inboxbot.Conversation, error) {
	var placed []inboxbot.Conversation
	err := s.tx(ctx, func(tx bun.Tx) error {
		placed = nil
		convs, err := s.conversations(ctx, tx, false, func(q *bun.SelectQuery) *bun.SelectQuery {
			q = q.Where("c.id IN (?) AND c.status = ? AND c.assignee_id IS NULL AND c.passed_over IS NULL",
				bun.List(ids), inboxbot.StatusOpen).OrderExpr("c.unassigned_since, c.id")
			switch {
			case !s.pg:
			case d.Member == 0:
				q = q.For("UPDATE OF c SKIP LOCKED")
			default:
				q = q.For("UPDATE OF c")
			}
			return q
		})
		if err != nil || len(convs) == 0 {
			return wrap(err, "lock waiting conversations")
		}
		in, err := s.routeInput(ctx, tx, pageStandIn(convs), inboxbot.OpeningTriggers, true)
		if err != nil {
			return err
		}
		for _, conv := range convs {
			if d.Member != 0 && !canTake(in.Members, d.Member) {
				return nil
			}
			in.Conversation, in.Waiting = conv, &inboxbot.Waiting{For: in.Now.Sub(conv.WaitingSince), Cause: d.Cause}
			dec := route(in)
			if dec.Rule == nil || dec.AssigneeID == 0 {
				continue
			}
			if conv, err = s.applyChange(ctx, tx, conv, ruleChange(conv.ID, dec), byID(in.Members)); err != nil {
				return err
			}
			if err := s.takeTurn(ctx, tx, dec); err != nil {
				return err
			}
			placed = append(placed, conv)
			in = took(in, dec)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return placed, nil
}

// holdBy sets, on an update that gives a conversation to ch.To, the rule
// it is held by and when it must be answered; a change by a person, or to
// the Team inbox, clears them.
func holdBy(q *bun.UpdateQuery, ch inboxbot.Change, now time.Time) *bun.UpdateQuery {
	q = q.Set("passed_over = NULL")
	if ch.To == 0 || ch.RuleID == 0 {
		return q.Set("assigned_rule_id = NULL").Set("reassign_due_at = NULL")
	}
	q = q.Set("assigned_rule_id = ?", ch.RuleID)
	if ch.ReassignAfter > 0 {
		return q.Set("reassign_due_at = ?", now.Add(ch.ReassignAfter))
	}
	return q.Set("reassign_due_at = NULL")
}

// acknowledge records that the assignee claimed their own conversation
// by hand: it no longer moves on for want of an answer.
func (s *Store) acknowledge(ctx context.Context, tx bun.Tx, conv inboxbot.Conversation) error {
	if conv.ReplyDue.IsZero() {
		return nil
	}
	_, err := tx.NewUpdate().Table("conversations").Set("reassign_due_at = NULL").Where("id = ?", conv.ID).Exec(ctx)
	return wrap(err, "acknowledge")
}
