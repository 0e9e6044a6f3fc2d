package store

import (
	"context"
	"time"

	"github.com/inboxbot/inboxbot"
)

// eventRetention is how long handled event ids are remembered; platforms
// stop redelivering an event long before.
const eventRetention = 24 * time.Hour

// FirstDelivery records that a platform event (or a signed request: a
// trigger_id, a view submission, an interaction id) with id is being
// handled and reports whether this is its first delivery, in one
// statement. A redelivery, on this replica or another, reports false, so
// the event runs once. PruneDeliveries forgets ids older than a day.
func (s *Store) FirstDelivery(ctx context.Context, platform inboxbot.Platform, id string) (bool, error) {
	now := s.now()
	res, err := s.db.NewRaw(`INSERT INTO platform_events (platform, event_id, received_at) VALUES (?, ?, ?)
		ON CONFLICT DO NOTHING`, platform, id, now).Exec(ctx)
	if err != nil {
		return false, wrap(err, "record platform event")
	}
	n, err := res.RowsAffected()
	return n == 1, wrap(err, "record platform event")
}

// PruneDeliveries forgets the delivery ids FirstDelivery recorded more
// than a day ago (platforms stop redelivering, and signatures expire, long
// before) and says how many. The prune worker runs it, off the hot path.
func (s *Store) PruneDeliveries(ctx context.Context) (int64, error) {
	res, err := s.db.NewDelete().Table("platform_events").
		Where("received_at < ?", s.now().Add(-eventRetention)).Exec(ctx)
	if err != nil {
		return 0, wrap(err, "prune platform events")
	}
	n, err := res.RowsAffected()
	return n, wrap(err, "prune platform events")
}
