package store

import (
	"context"
	"time"

	"github.com/inboxbot/inboxbot"
)

// eventRetention is how long handled event ids are remembered; platforms
// stop redelivering an event long before.
const eventRetention = 24 * time.Hour

// FirstDelivery records that a platform event with id is being handled and
// reports whether this is its first delivery. A redelivery, on this replica
// or another, reports false, so the event runs once. Ids older than a day
// are forgotten.
func (s *Store) FirstDelivery(ctx context.Context, platform inboxbot.Platform, id string) (bool, error) {
	now := s.now()
	if _, err := s.db.NewDelete().Table("platform_events").
		Where("received_at < ?", now.Add(-eventRetention)).Exec(ctx); err != nil {
		return false, wrap(err, "prune platform events")
	}
	res, err := s.db.NewRaw(`INSERT INTO platform_events (platform, event_id, received_at) VALUES (?, ?, ?)
		ON CONFLICT DO NOTHING`, platform, id, now).Exec(ctx)
	if err != nil {
		return false, wrap(err, "record platform event")
	}
	n, err := res.RowsAffected()
	return n == 1, wrap(err, "record platform event")
}
