package store

import (
	"context"

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
			OrderExpr("coalesce(c.unassigned_since, c.created_at), c.id").Limit(1)
	})
	if err != nil || len(convs) == 0 {
		return int(n), inboxbot.Conversation{}, err
	}
	return int(n), convs[0], nil
}
