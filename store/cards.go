package store

import (
	"context"

	"github.com/inboxbot/inboxbot"
)

// SaveCard records where a conversation's card was posted on a platform.
func (s *Store) SaveCard(ctx context.Context, c inboxbot.Card) error {
	r := cardRow{ConversationID: c.ConversationID, Platform: c.Platform, Channel: c.Channel, MessageID: c.MessageID, UpdatedAt: s.now()}
	_, err := s.db.NewInsert().Model(&r).
		On("CONFLICT (conversation_id, platform) DO UPDATE").
		Set("channel = EXCLUDED.channel, message_id = EXCLUDED.message_id, updated_at = EXCLUDED.updated_at").Exec(ctx)
	return wrap(err, "save card")
}

// Cards returns the cards of a conversation, one per platform.
func (s *Store) Cards(ctx context.Context, convID int64) ([]inboxbot.Card, error) {
	var rows []cardRow
	if err := s.db.NewSelect().Model(&rows).Where("conversation_id = ?", convID).OrderExpr("platform").Scan(ctx); err != nil {
		return nil, wrap(err, "list cards")
	}
	out := make([]inboxbot.Card, len(rows))
	for i, r := range rows {
		out[i] = inboxbot.Card{ConversationID: r.ConversationID, Platform: r.Platform, Channel: r.Channel, MessageID: r.MessageID}
	}
	return out, nil
}
