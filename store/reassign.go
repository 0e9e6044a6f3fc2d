package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/uptrace/bun"

	"github.com/inboxbot/inboxbot"
)

// reassignBatch is how many overdue conversations one call moves at most.
const reassignBatch = 100

// ReassignOverdue moves on the conversations whose assignee let their
// rule's reassign_after pass without replying or claiming them: to the
// rule's next eligible member, passing over everyone who had it in this
// round; after the last, back to the Team inbox with an alert to the
// managers, where it waits for a person (the drain leaves it alone). Both
// the old and the new assignee are told. It reads the partial index of
// due conversations, moves at most a batch, each in a transaction of its
// own that skips a conversation another replica is moving, and returns
// what it moved.
func (s *Store) ReassignOverdue(ctx context.Context, route inboxbot.RouteFunc) ([]inboxbot.Conversation, error) {
	var ids []int64
	err := s.db.NewSelect().Table("conversations").Column("id").Where("reassign_due_at <= ?", s.now()).
		OrderExpr("reassign_due_at, id").Limit(reassignBatch).Scan(ctx, &ids)
	if err != nil {
		return nil, wrap(err, "find unanswered conversations")
	}
	var out []inboxbot.Conversation
	for _, id := range ids {
		conv, moved, err := s.reassignOne(ctx, id, route)
		if err != nil {
			return out, wrap(err, "reassign "+inboxbot.Ref(id))
		}
		if moved {
			out = append(out, conv)
		}
	}
	return out, nil
}

// reassignOne moves one overdue conversation on, if it still is overdue.
func (s *Store) reassignOne(ctx context.Context, id int64, route inboxbot.RouteFunc) (inboxbot.Conversation, bool, error) {
	var (
		conv  inboxbot.Conversation
		moved bool
	)
	err := s.tx(ctx, func(tx bun.Tx) error {
		moved = false
		var row conversationRow
		q := tx.NewSelect().Model(&row).Column("id", "passed_over").
			Where("id = ? AND reassign_due_at <= ? AND status = ? AND assignee_id IS NOT NULL", id, s.now(), inboxbot.StatusOpen)
		if s.pg {
			q = q.For("UPDATE SKIP LOCKED")
		}
		err := q.Scan(ctx)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return wrap(err, "lock unanswered conversation")
		}
		if conv, err = s.conversation(ctx, tx, id); err != nil {
			return err
		}
		var r ruleRow
		err = tx.NewSelect().Model(&r).Where("id = ?", conv.RuleID).Scan(ctx)
		if errors.Is(err, sql.ErrNoRows) || r.Action.ReassignAfter <= 0 {
			// The rule is gone or no longer reassigns: the clock stops.
			_, err = tx.NewUpdate().Table("conversations").Set("reassign_due_at = NULL").Where("id = ?", id).Exec(ctx)
			return wrap(err, "stop the clock")
		}
		if err != nil {
			return wrap(err, "load rule")
		}
		rule := r.domain()
		passed := append(parseIDs(row.PassedOver), conv.AssigneeID)
		next := inboxbot.Next{RuleID: rule.ID, Passed: passed, From: conv.AssigneeName, Unanswered: rule.Assign.ReassignAfter}
		var d inboxbot.Decision
		if conv, d, err = s.moveOn(ctx, tx, conv, rule, next, route); err != nil {
			return err
		}
		moved = true
		// Who had it stays on record: the next move passes them over too,
		// and one back in the Team inbox waits for a person.
		if _, err := tx.NewUpdate().Table("conversations").Set("passed_over = ?", idList(passed)).
			Where("id = ?", id).Exec(ctx); err != nil {
			return wrap(err, "record who had it")
		}
		if d.AssigneeID != 0 {
			return nil
		}
		n := inboxbot.NoticeOf(inboxbot.EventUnanswered, conv)
		n.Rule, n.Reason = rule.Name, d.Reason
		managers, err := s.managers(ctx, tx)
		if err != nil {
			return err
		}
		return s.alertManagers(ctx, tx, managers, n, fmt.Sprintf("unanswered:%d:%s", id, idList(passed)))
	})
	return conv, moved, err
}

// idList writes member ids as the passed_over column keeps them: "3,7".
func idList(ids []int64) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = strconv.FormatInt(id, 10)
	}
	return strings.Join(parts, ",")
}

// parseIDs reads a passed_over list.
func parseIDs(list string) []int64 {
	var out []int64
	for _, p := range strings.Split(list, ",") {
		if id, err := strconv.ParseInt(strings.TrimSpace(p), 10, 64); err == nil {
			out = append(out, id)
		}
	}
	return out
}
