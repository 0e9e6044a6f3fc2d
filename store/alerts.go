package store

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/inboxbot/inboxbot"
)

// AlertUnassigned alerts the managers about open conversations that have
// waited unassigned since before cutoff, once per spell in the Team inbox,
// and returns how many it alerted about. Replicas running it at once skip
// each other's rows.
func (s *Store) AlertUnassigned(ctx context.Context, cutoff time.Time) (int, error) {
	var n int
	err := s.tx(ctx, func(tx bun.Tx) error {
		var rows []conversationRow
		q := tx.NewSelect().Model(&rows).
			Where("status = ? AND assignee_id IS NULL AND alerted_at IS NULL AND unassigned_since < ?", inboxbot.StatusOpen, cutoff.UTC()).
			OrderExpr("id").Limit(100)
		if s.pg {
			q = q.For("UPDATE SKIP LOCKED")
		}
		if err := q.Scan(ctx); err != nil {
			return wrap(err, "find waiting conversations")
		}
		if len(rows) == 0 {
			return nil
		}
		managers, err := s.managers(ctx, tx)
		if err != nil {
			return err
		}
		now := s.now()
		for _, row := range rows {
			conv, err := s.conversation(ctx, tx, row.ID)
			if err != nil {
				return err
			}
			n := inboxbot.NoticeOf(inboxbot.EventWaiting, conv)
			n.Waited = now.Sub(row.UnassignedSince)
			key := fmt.Sprintf("waiting:%d:%d", row.ID, row.UnassignedSince.UnixNano())
			if err := s.alertManagers(ctx, tx, managers, n, key); err != nil {
				return err
			}
			if _, err := tx.NewUpdate().Table("conversations").Set("alerted_at = ?", now).Where("id = ?", row.ID).Exec(ctx); err != nil {
				return wrap(err, "mark alerted")
			}
		}
		n = len(rows)
		return nil
	})
	return n, err
}
