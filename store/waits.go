package store

import (
	"context"
	"fmt"
	"maps"
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
// can take costs a few statements per page and locks nothing; each
// conversation a rule would place then gets a short transaction of its
// own, which locks it, takes the rule's turn and reserves the assignee's
// place with a conditional update. A sweep (d.Member 0) skips a
// conversation another replica has locked, so replicas sweeping at once
// share the queue; a drain for a member waits for it instead, which
// keeps the queue's order. Either way each conversation is placed once
// and no member past capacity. Nobody is alerted about a conversation no
// one can take yet: it was alerted about when it arrived, and the
// unassigned alerts cover its wait. With d.Member set, the drain stops
// once that member is at capacity or no rule of the page can pick them,
// and with d.Max after that many placements.
func (s *Store) Drain(ctx context.Context, d inboxbot.Drain, route inboxbot.RouteFunc) (inboxbot.DrainResult, error) {
	res := inboxbot.DrainResult{Next: d.After}
	limit := d.Limit
	if limit <= 0 {
		limit = defaultDrainLimit
	}
	for res.Looked < limit {
		page, err := s.waitingPage(ctx, res.Next, min(drainPage, limit-res.Looked))
		if err != nil || len(page) == 0 {
			res.Done = err == nil
			return res, err
		}
		facts, err := s.drainFacts(ctx, page)
		if err != nil {
			return res, err
		}
		for _, conv := range page {
			if err := ctx.Err(); err != nil {
				return res, err
			}
			if d.Member != 0 && !canTake(facts.Members, d.Member) || d.Max > 0 && len(res.Placed) >= d.Max {
				return res, nil
			}
			res.Looked++
			res.Next = inboxbot.DrainCursor{Since: conv.WaitingSince, ID: conv.ID}
			in := facts
			in.Conversation, in.Waiting = conv, &inboxbot.Waiting{For: in.Now.Sub(conv.WaitingSince), Cause: d.Cause}
			if conv.ID == d.Skip || route(in).AssigneeID == 0 {
				continue
			}
			placed, after, dec, err := s.drainOne(ctx, conv.ID, in, d, route)
			if err != nil {
				return res, fmt.Errorf("drain %s: %w", conv.Ref(), err)
			}
			facts.Members, facts.Turn = after.Members, after.Turn
			if dec.AssigneeID != 0 {
				res.Placed = append(res.Placed, placed)
				facts = took(facts, dec)
			}
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
// at once: the rules, the turns they would take next, and the members the rules name or the
// page's contacts' custom fields name.
func (s *Store) drainFacts(ctx context.Context, page []inboxbot.Conversation) (inboxbot.RouteInput, error) {
	var in inboxbot.RouteInput
	err := s.tx(ctx, func(tx bun.Tx) error {
		var err error
		in, err = s.routeInput(ctx, tx, pageStandIn(page), inboxbot.OpeningTriggers, true, 0)
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
// the assignee holds one more, and a round-robin rule's next turn is the
// one after the turn it took.
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
		turns := maps.Clone(in.Turn)
		if turns == nil {
			turns = map[int64]int64{}
		}
		turns[d.Rule.ID]++
		in.Turn = turns
	}
	return in
}

// drainOne offers one waiting conversation to the rules in a transaction
// of its own, on the page's facts in, and assigns it when a rule places
// it. A conversation another replica placed meanwhile, or that is no
// longer waiting, is left alone; a sweep also leaves alone one another
// replica holds locked. It returns the facts as place left them (a member
// found full, the turn taken).
func (s *Store) drainOne(ctx context.Context, id int64, in inboxbot.RouteInput, d inboxbot.Drain, route inboxbot.RouteFunc) (inboxbot.Conversation, inboxbot.RouteInput, inboxbot.Decision, error) {
	var (
		conv inboxbot.Conversation
		dec  inboxbot.Decision
	)
	start := in
	err := s.tx(ctx, func(tx bun.Tx) error {
		in, dec = start, inboxbot.Decision{}
		convs, err := s.conversations(ctx, tx, false, func(q *bun.SelectQuery) *bun.SelectQuery {
			q = q.Where("c.id = ? AND c.status = ? AND c.assignee_id IS NULL AND c.passed_over IS NULL", id, inboxbot.StatusOpen)
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
			return wrap(err, "lock waiting conversation")
		}
		conv = convs[0]
		in.Conversation = conv
		in.Waiting = &inboxbot.Waiting{For: in.Now.Sub(conv.WaitingSince), Cause: d.Cause}
		var counted []bun.Query
		if dec, counted, err = s.place(ctx, tx, &in, route, 0); err != nil || dec.Rule == nil || dec.AssigneeID == 0 {
			dec = inboxbot.Decision{}
			return err
		}
		conv, err = s.applyCounted(ctx, tx, conv, ruleChange(conv.ID, dec), byID(in.Members), counted...)
		return err
	})
	return conv, in, dec, err
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
