package store

import (
	"context"
	"strconv"
	"strings"

	"github.com/uptrace/bun"

	"github.com/inboxbot/inboxbot"
)

// maxIDDigits bounds the id ranges OpenWithIDPrefix looks in: ids of up to
// 18 digits, far beyond any inbox.
const maxIDDigits = 18

// OpenWithIDPrefix returns up to limit open conversations whose number
// starts with the digits prefix ("" matches all), most recent activity
// first: what a chat client suggests while someone types an id. "12"
// matches 12, 120-129, 1200-1299, ...: one range per length, each an index
// range on the primary key, never a scan of every id as text.
func (s *Store) OpenWithIDPrefix(ctx context.Context, prefix string, limit int) ([]inboxbot.Conversation, error) {
	prefix = strings.TrimPrefix(strings.TrimSpace(prefix), "#")
	var p int64
	if prefix != "" {
		n, err := strconv.ParseInt(prefix, 10, 64)
		if err != nil || n <= 0 || len(prefix) > maxIDDigits || strings.HasPrefix(prefix, "0") {
			return nil, nil
		}
		p = n
	}
	return s.conversations(ctx, s.db, false, func(q *bun.SelectQuery) *bun.SelectQuery {
		q = q.Where("c.status = ?", inboxbot.StatusOpen)
		if p > 0 {
			q = q.WhereGroup(" AND ", func(q *bun.SelectQuery) *bun.SelectQuery {
				// Within 18 digits p*scale+scale-1 < 10^18 cannot overflow.
				scale := int64(1)
				for k := 0; len(prefix)+k <= maxIDDigits; k++ {
					q = q.WhereOr("c.id BETWEEN ? AND ?", p*scale, p*scale+scale-1)
					scale *= 10
				}
				return q
			})
		}
		return q.OrderExpr("c.last_message_at DESC, c.id DESC").Limit(int64(limit))
	})
}
