package store

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"github.com/inboxbot/inboxbot"
)

// CardJob is an inbox-channel card that an adapter must post (when
// Card.MessageID is empty) or edit, to show Conversation as of Version.
type CardJob struct {
	Card         inboxbot.Card
	Conversation inboxbot.Conversation
	Version      int64
}

// PendingCards leases to owner up to n cards of platform that are missing
// or behind their conversation: every open conversation gets a card, and
// every change to it (assignee, followers, messages, status) makes its card
// due again. Replicas never lease the same card at once.
func (s *Store) PendingCards(ctx context.Context, platform inboxbot.Platform, owner string, n int, lease time.Duration) ([]CardJob, error) {
	now := s.now()
	var jobs []CardJob
	err := s.tx(ctx, func(tx bun.Tx) error {
		_, err := tx.NewRaw(`INSERT INTO cards (conversation_id, platform, updated_at)
			SELECT c.id, ?, ? FROM conversations AS c
			WHERE c.status = ? AND NOT EXISTS (SELECT 1 FROM cards AS k WHERE k.conversation_id = c.id AND k.platform = ?)
			ON CONFLICT DO NOTHING`, platform, now, inboxbot.StatusOpen, platform).Exec(ctx)
		if err != nil {
			return wrap(err, "add missing cards")
		}
		sub := tx.NewSelect().TableExpr("cards AS k").Column("k.conversation_id").
			Join("JOIN conversations AS c ON c.id = k.conversation_id").
			Where("k.platform = ? AND k.version < c.version", platform).
			Where("(k.lease_until IS NULL OR k.lease_until < ?)", now).
			OrderExpr("k.conversation_id").Limit(int64(n))
		if s.pg {
			sub = sub.For("UPDATE OF k SKIP LOCKED")
		}
		var rows []cardRow
		err = tx.NewUpdate().Table("cards").
			Set("lease_owner = ?", owner).Set("lease_until = ?", now.Add(lease)).
			Where("platform = ? AND conversation_id IN (?)", platform, sub).
			Returning("*").Scan(ctx, &rows)
		if err != nil || len(rows) == 0 {
			return wrap(err, "lease cards")
		}
		ids := make([]int64, len(rows))
		for i, r := range rows {
			ids[i] = r.ConversationID
		}
		var versions []struct {
			ID      int64 `bun:"id"`
			Version int64 `bun:"version"`
		}
		if err := tx.NewSelect().TableExpr("conversations").ColumnExpr("id, version").
			Where("id IN (?)", bun.List(ids)).Scan(ctx, &versions); err != nil {
			return wrap(err, "read card versions")
		}
		convs, err := s.conversations(ctx, tx, func(q *bun.SelectQuery) *bun.SelectQuery {
			return q.Where("c.id IN (?)", bun.List(ids)).OrderExpr("c.id")
		})
		if err != nil {
			return err
		}
		jobs = make([]CardJob, len(convs))
		for i, c := range convs {
			jobs[i].Conversation = c
			for _, v := range versions {
				if v.ID == c.ID {
					jobs[i].Version = v.Version
				}
			}
			for _, r := range rows {
				if r.ConversationID == c.ID {
					jobs[i].Card = inboxbot.Card{ConversationID: c.ID, Platform: platform, Channel: r.Channel, MessageID: r.MessageID}
				}
			}
		}
		return nil
	})
	return jobs, err
}

// CardRendered records that owner posted or edited card to show version,
// and gives the lease back. A change made meanwhile leaves the card due.
func (s *Store) CardRendered(ctx context.Context, card inboxbot.Card, version int64, owner string) error {
	_, err := s.db.NewUpdate().Table("cards").
		Set("channel = ?", card.Channel).Set("message_id = ?", card.MessageID).
		Set("version = ?", version).Set("updated_at = ?", s.now()).
		Set("lease_owner = NULL").Set("lease_until = NULL").
		Where("conversation_id = ? AND platform = ? AND lease_owner = ?", card.ConversationID, card.Platform, owner).Exec(ctx)
	return wrap(err, "record card")
}

// RetryCard gives back owner's lease on a card that could not be posted or
// edited; no replica takes it again before at.
func (s *Store) RetryCard(ctx context.Context, card inboxbot.Card, owner string, at time.Time) error {
	_, err := s.db.NewUpdate().Table("cards").
		Set("lease_owner = NULL").Set("lease_until = ?", at.UTC()).
		Where("conversation_id = ? AND platform = ? AND lease_owner = ?", card.ConversationID, card.Platform, owner).Exec(ctx)
	return wrap(err, "retry card")
}

// ReleaseCards gives back every card lease owner holds, for a graceful shutdown.
func (s *Store) ReleaseCards(ctx context.Context, owner string) error {
	_, err := s.db.NewUpdate().Table("cards").
		Set("lease_owner = NULL").Set("lease_until = NULL").
		Where("lease_owner = ?", owner).Exec(ctx)
	return wrap(err, "release cards")
}

// Cards returns the posted cards of a conversation, one per platform.
func (s *Store) Cards(ctx context.Context, convID int64) ([]inboxbot.Card, error) {
	var rows []cardRow
	err := s.db.NewSelect().Model(&rows).Where("conversation_id = ? AND message_id <> ''", convID).
		OrderExpr("platform").Scan(ctx)
	if err != nil {
		return nil, wrap(err, "list cards")
	}
	out := make([]inboxbot.Card, len(rows))
	for i, r := range rows {
		out[i] = inboxbot.Card{ConversationID: r.ConversationID, Platform: r.Platform, Channel: r.Channel, MessageID: r.MessageID}
	}
	return out, nil
}
