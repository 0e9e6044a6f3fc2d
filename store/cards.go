package store

import (
	"context"
	"database/sql"
	"errors"
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
	// Replaces is the message id of the card someone deleted, when this
	// post replaces it (bot.ErrCardGone); "" otherwise. Together with the
	// conversation it tells one post from another, the same on every try.
	Replaces string
}

// cardColumn names the column of conversations that holds the version
// the platform's card shows; a conversation whose version is ahead of it
// is in that platform's partial index of due cards.
func cardColumn(platform inboxbot.Platform) (bun.Ident, error) {
	switch platform {
	case inboxbot.PlatformSlack:
		return bun.Ident("slack_card_version"), nil
	case inboxbot.PlatformDiscord:
		return bun.Ident("discord_card_version"), nil
	}
	return "", inboxbot.Errorf(inboxbot.EINVALID, "%q has no inbox-channel cards.", platform)
}

// cardBatch bounds how many changed conversations one poll looks at.
const cardBatch = 200

// PendingCards leases to owner up to n cards of platform that are missing
// or behind their conversation: every open conversation gets a card, and
// every change to it (assignee, followers, messages, status) makes its card
// due again. Replicas never lease the same card at once. It reads only
// conversations whose version moved ahead of the platform's card (a
// partial index), never all open conversations.
func (s *Store) PendingCards(ctx context.Context, platform inboxbot.Platform, owner string, n int, lease time.Duration) ([]CardJob, error) {
	col, err := cardColumn(platform)
	if err != nil {
		return nil, err
	}
	now := s.now()
	var jobs []CardJob
	err = s.tx(ctx, func(tx bun.Tx) error {
		// A conversation closed before it ever had a card gets none.
		_, err := tx.NewRaw(`UPDATE conversations SET ? = version WHERE id IN (
			SELECT c.id FROM conversations AS c WHERE c.version > c.? AND c.status <> ?
			AND NOT EXISTS (SELECT 1 FROM cards AS k WHERE k.conversation_id = c.id AND k.platform = ?)
			ORDER BY c.id LIMIT ?)`, col, col, inboxbot.StatusOpen, platform, cardBatch).Exec(ctx)
		if err != nil {
			return wrap(err, "settle closed conversations")
		}
		_, err = tx.NewRaw(`INSERT INTO cards (conversation_id, platform, updated_at)
			SELECT c.id, ?, ? FROM conversations AS c
			WHERE c.version > c.? AND c.status = ?
			AND NOT EXISTS (SELECT 1 FROM cards AS k WHERE k.conversation_id = c.id AND k.platform = ?)
			ORDER BY c.id LIMIT ?
			ON CONFLICT DO NOTHING`, platform, now, col, inboxbot.StatusOpen, platform, cardBatch).Exec(ctx)
		if err != nil {
			return wrap(err, "add missing cards")
		}
		sub := tx.NewSelect().TableExpr("cards AS k").Column("k.conversation_id").
			Join("JOIN conversations AS c ON c.id = k.conversation_id").
			Where("c.version > c.? AND k.platform = ?", col, platform).
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
		jobs, err = s.cardJobs(ctx, tx, platform, rows)
		return err
	})
	return jobs, err
}

// cardJobs loads the conversations of leased cards, with their versions.
func (s *Store) cardJobs(ctx context.Context, tx bun.Tx, platform inboxbot.Platform, rows []cardRow) ([]CardJob, error) {
	ids := make([]int64, len(rows))
	cards := make(map[int64]cardRow, len(rows))
	for i, r := range rows {
		ids[i], cards[r.ConversationID] = r.ConversationID, r
	}
	views, err := s.conversationRows(ctx, tx, false, func(q *bun.SelectQuery) *bun.SelectQuery {
		return q.Where("c.id IN (?)", bun.List(ids)).OrderExpr("c.id")
	})
	if err != nil {
		return nil, err
	}
	followers, err := s.followersOf(ctx, tx, views)
	if err != nil {
		return nil, err
	}
	jobs := make([]CardJob, len(views))
	for i, v := range views {
		r := cards[v.ID]
		jobs[i] = CardJob{Conversation: v.domain(followers[v.ID]), Version: v.Version,
			Card: inboxbot.Card{ConversationID: v.ID, Platform: platform, Channel: r.Channel, MessageID: r.MessageID}}
	}
	return jobs, nil
}

// HoldCard renews owner's lease on a card just before it is posted or
// edited, and returns the card as recorded now (a replica may have posted
// it meanwhile). It reports false when the card is no longer owner's: the
// caller must then leave it alone.
func (s *Store) HoldCard(ctx context.Context, card inboxbot.Card, owner string, lease time.Duration) (inboxbot.Card, bool, error) {
	var row cardRow
	err := s.db.NewUpdate().Model(&row).
		Set("lease_until = ?", s.now().Add(lease)).
		Where("conversation_id = ? AND platform = ? AND lease_owner = ?", card.ConversationID, card.Platform, owner).
		Returning("channel, message_id").Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return card, false, nil
	}
	if err != nil {
		return card, false, wrap(err, "hold card")
	}
	card.Channel, card.MessageID = row.Channel, row.MessageID
	return card, true, nil
}

// CardRendered records that owner posted or edited card to show version,
// and gives the lease back. A change made meanwhile leaves the card due.
// A record that comes late (after an outage) still counts unless another
// replica holds the card now.
func (s *Store) CardRendered(ctx context.Context, card inboxbot.Card, version int64, owner string) error {
	col, err := cardColumn(card.Platform)
	if err != nil {
		return err
	}
	return wrap(s.tx(ctx, func(tx bun.Tx) error {
		res, err := tx.NewUpdate().Table("cards").
			Set("channel = ?", card.Channel).Set("message_id = ?", card.MessageID).
			Set("version = ?", version).Set("updated_at = ?", s.now()).
			Set("lease_owner = NULL").Set("lease_until = NULL").
			Where("conversation_id = ? AND platform = ?", card.ConversationID, card.Platform).
			Where("(lease_owner = ? OR lease_owner IS NULL OR lease_until < ?)", owner, s.now()).Exec(ctx)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		_, err = tx.NewUpdate().Table("conversations").Set("? = ?", col, version).
			Where("id = ? AND ? < ?", card.ConversationID, col, version).Exec(ctx)
		return err
	}), "record card")
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

// CardConversation returns the id of the conversation whose card on
// platform is the message messageID; ENOTFOUND when no card is that
// message (a thread under some other message).
func (s *Store) CardConversation(ctx context.Context, platform inboxbot.Platform, messageID string) (int64, error) {
	var id int64
	err := s.db.NewSelect().Table("cards").Column("conversation_id").
		Where("platform = ? AND message_id = ? AND message_id <> ''", platform, messageID).Limit(1).Scan(ctx, &id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, inboxbot.Errorf(inboxbot.ENOTFOUND, "That message is not a conversation's card.")
	}
	return id, wrap(err, "find card")
}
