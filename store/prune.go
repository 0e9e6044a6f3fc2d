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

// pruneBatch is how many rows one statement deletes, so that pruning a
// large outbox never holds locks or runs into the statement timeout.
const pruneBatch = 1000

// PruneOutbox deletes notifications queued before before that are done
// with: sent, given up, or still pending for a platform not in on (no
// replica delivers those; the console shows them only while they are
// young). A reply to a contact is never deleted while pending: one still
// pending then is given up the way a failed delivery is (the message marked
// not delivered, its author told), whichever replica prunes. It returns how
// many rows it deleted.
func (s *Store) PruneOutbox(ctx context.Context, before time.Time, on []inboxbot.Platform) (int, error) {
	if err := s.expireReplies(ctx, before); err != nil {
		return 0, err
	}
	total := 0
	for {
		ids := s.db.NewSelect().Table("notifications").Column("id").
			Where("created_at < ?", before.UTC()).
			WhereGroup(" AND ", func(q *bun.SelectQuery) *bun.SelectQuery {
				q = q.Where("state IN (?)", bun.List([]string{stateSent, stateDead}))
				if len(on) == 0 {
					return q.WhereOr("state = ? AND platform <> ?", statePending, inboxbot.PlatformWebhook)
				}
				return q.WhereOr("state = ? AND platform NOT IN (?) AND platform <> ?", statePending, bun.List(on), inboxbot.PlatformWebhook)
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

// expireReplies gives up the replies queued before before that are still
// pending and not being sent: each is marked not delivered and its author
// told, in one transaction per reply.
func (s *Store) expireReplies(ctx context.Context, before time.Time) error {
	now := s.now()
	cause := fmt.Errorf("not delivered within %s; nothing was sent to the contact", now.Sub(before).Round(time.Minute))
	for {
		var ids []int64
		err := s.db.NewSelect().Table("notifications").Column("id").
			Where("platform = ? AND state = ? AND created_at < ?", inboxbot.PlatformWebhook, statePending, before.UTC()).
			Where("(lease_until IS NULL OR lease_until < ?)", now).
			OrderExpr("id").Limit(pruneBatch).Scan(ctx, &ids)
		if err != nil {
			return wrap(err, "find undelivered replies")
		}
		for _, id := range ids {
			err := s.tx(ctx, func(tx bun.Tx) error {
				var msgID sql.NullInt64
				err := tx.NewUpdate().Table("notifications").Set("state = ?", stateDead).
					Set("last_error = ?", cause.Error()).Set("lease_owner = NULL").Set("lease_until = NULL").
					Where("id = ? AND state = ? AND (lease_until IS NULL OR lease_until < ?)", id, statePending, now).
					Returning("message_id").Scan(ctx, &msgID)
				if errors.Is(err, sql.ErrNoRows) || (err == nil && !msgID.Valid) {
					return nil // a replica took it meanwhile
				}
				if err != nil {
					return err
				}
				return s.replyFailed(ctx, tx, msgID.Int64, cause)
			})
			if err != nil {
				return wrap(err, "expire an undelivered reply")
			}
		}
		if len(ids) < pruneBatch {
			return nil
		}
	}
}
