package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/uptrace/bun"

	"github.com/inboxbot/inboxbot"
)

// TeamInbox counts the open unassigned conversations and returns the one
// that has waited longest (zero when there is none), for summaries such as
// Slack's App Home.
func (s *Store) TeamInbox(ctx context.Context) (int, inboxbot.Conversation, error) {
	n, err := s.db.NewSelect().TableExpr("conversations").
		Where("status = ? AND assignee_id IS NULL", inboxbot.StatusOpen).Count(ctx)
	if err != nil || n == 0 {
		return 0, inboxbot.Conversation{}, wrap(err, "count the Team inbox")
	}
	convs, err := s.conversations(ctx, s.db, false, func(q *bun.SelectQuery) *bun.SelectQuery {
		return q.Where("c.status = ? AND c.assignee_id IS NULL", inboxbot.StatusOpen).
			OrderExpr("c.unassigned_since, c.id").Limit(1)
	})
	if err != nil || len(convs) == 0 {
		return int(n), inboxbot.Conversation{}, err
	}
	return int(n), convs[0], nil
}

// Waiting counts the conversations waiting in the Team inbox and says
// since when the oldest has waited (zero when none does), for metrics.
// Both are read from the waiting index.
func (s *Store) Waiting(ctx context.Context) (int, time.Time, error) {
	where := "status = ? AND assignee_id IS NULL"
	n, err := s.db.NewSelect().TableExpr("conversations").Where(where, inboxbot.StatusOpen).Count(ctx)
	if err != nil || n == 0 {
		return 0, time.Time{}, wrap(err, "count the Team inbox")
	}
	var row conversationRow
	err = s.db.NewSelect().Model(&row).Column("unassigned_since").Where(where, inboxbot.StatusOpen).
		OrderExpr("unassigned_since, id").Limit(1).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, time.Time{}, nil
	}
	return int(n), row.UnassignedSince, wrap(err, "find the oldest waiting conversation")
}
