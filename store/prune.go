package store

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"github.com/inboxbot/inboxbot"
)

// pruneBatch is how many rows one statement deletes, so that pruning a
// large outbox never holds locks or runs into the statement timeout.
const pruneBatch = 1000

// PruneOutbox deletes notifications queued before before that are done
// with: sent, given up, or still pending for a platform not in on (no
// replica delivers those; the console shows them only while they are
// young). It returns how many rows it deleted.
func (s *Store) PruneOutbox(ctx context.Context, before time.Time, on []inboxbot.Platform) (int, error) {
	total := 0
	for {
		ids := s.db.NewSelect().Table("notifications").Column("id").
			Where("created_at < ?", before.UTC()).
			WhereGroup(" AND ", func(q *bun.SelectQuery) *bun.SelectQuery {
				q = q.Where("state IN (?)", bun.List([]string{stateSent, stateDead}))
				if len(on) == 0 {
					return q.WhereOr("state = ?", statePending)
				}
				return q.WhereOr("state = ? AND platform NOT IN (?)", statePending, bun.List(on))
			}).
			// A leased row is being delivered right now; leave it.
			Where("lease_owner IS NULL").
			OrderExpr("id").Limit(pruneBatch)
		res, err := s.db.NewDelete().Table("notifications").Where("id IN (?)", ids).Exec(ctx)
		if err != nil {
			return total, wrap(err, "prune outbox")
		}
		n, _ := res.RowsAffected()
		total += int(n)
		if n < pruneBatch {
			return total, nil
		}
	}
}
