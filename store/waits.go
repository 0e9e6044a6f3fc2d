package store

import (
	"context"
	"database/sql"
	"errors"
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
// can take costs two statements per page; only conversations a rule
// would place get a transaction, which locks the conversation, the
// rule's round-robin turn and its members, and routes it again on fresh
// facts: replicas draining at once place each conversation once, oldest
// first, and fill no member past capacity. Nobody is alerted about a
// conversation no one can take yet: it was alerted about when it arrived,
// and the unassigned alerts cover its wait. With d.Member set, the drain
// stops once that member is at capacity.
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
			if d.Member != 0 && full(facts.Members, d.Member) {
				return res, nil
			}
			res.Looked++
			res.Next = inboxbot.DrainCursor{Since: conv.WaitingSince, ID: conv.ID}
			in := facts
			in.Conversation, in.Waiting = conv, &inboxbot.Waiting{For: in.Now.Sub(conv.WaitingSince), Cause: d.Cause}
			if conv.ID == d.Skip || route(in).AssigneeID == 0 {
				continue
			}
			placed, dec, err := s.drainOne(ctx, conv.ID, d.Cause, route)
			if err != nil {
				return res, fmt.Errorf("drain %s: %w", conv.Ref(), err)
			}
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
// at once: the rules, the turns, and the members the rules name or the
// page's contacts' custom fields name.
func (s *Store) drainFacts(ctx context.Context, page []inboxbot.Conversation) (inboxbot.RouteInput, error) {
	// routeInput reads the custom fields' values as candidate names; a
	// stand-in conversation carries those of every contact on the page.
	custom := map[string]string{}
	for i, c := range page {
		for k, v := range c.Contact.Custom {
			custom[fmt.Sprintf("%d.%s", i, k)] = v
		}
	}
	var in inboxbot.RouteInput
	err := s.tx(ctx, func(tx bun.Tx) error {
		var err error
		in, err = s.routeInput(ctx, tx, inboxbot.Conversation{Contact: inboxbot.Contact{Custom: custom}}, inboxbot.OpeningTriggers, false)
		return err
	})
	return in, err
}

// full reports whether member id, as the facts know them, is at capacity.
func full(members []inboxbot.Member, id int64) bool {
	for _, m := range members {
		if m.ID == id {
			return m.Capacity > 0 && m.OpenCount >= m.Capacity
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

// drainOne offers one waiting conversation to the rules in a transaction
// of its own, and assigns it when a rule places it. A conversation another
// replica placed meanwhile, or that is no longer waiting, is left alone.
func (s *Store) drainOne(ctx context.Context, id int64, cause string, route inboxbot.RouteFunc) (inboxbot.Conversation, inboxbot.Decision, error) {
	var (
		conv inboxbot.Conversation
		d    inboxbot.Decision
	)
	err := s.tx(ctx, func(tx bun.Tx) error {
		d = inboxbot.Decision{}
		var row conversationRow
		q := tx.NewSelect().Model(&row).Column("id", "unassigned_since").
			Where("id = ? AND status = ? AND assignee_id IS NULL AND passed_over IS NULL", id, inboxbot.StatusOpen)
		// Waiting for a conversation another replica is placing, rather
		// than skipping it, keeps the queue's order: when that replica is
		// done, the row no longer matches and this one moves on.
		err := s.forUpdate(q).Scan(ctx)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return wrap(err, "lock waiting conversation")
		}
		if conv, err = s.conversation(ctx, tx, id); err != nil {
			return err
		}
		in, err := s.routeInput(ctx, tx, conv, inboxbot.OpeningTriggers, true)
		if err != nil {
			return err
		}
		in.Waiting = &inboxbot.Waiting{For: in.Now.Sub(row.UnassignedSince), Cause: cause}
		if d = route(in); d.Rule == nil || d.AssigneeID == 0 {
			d = inboxbot.Decision{}
			return nil
		}
		if conv, err = s.applyChange(ctx, tx, conv, ruleChange(conv.ID, d), byID(in.Members)); err != nil {
			return err
		}
		return s.takeTurn(ctx, tx, d)
	})
	return conv, d, err
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
