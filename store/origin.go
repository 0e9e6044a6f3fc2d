package store

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/uptrace/bun"

	"github.com/inboxbot/inboxbot"
)

// origin is the chat thread the conversation came from, or nil.
func (r conversationRow) origin() *inboxbot.Origin {
	if r.OriginPlatform == "" {
		return nil
	}
	return &inboxbot.Origin{Platform: r.OriginPlatform, Channel: r.OriginChannel, Thread: r.OriginThread, URL: r.OriginURL}
}

// setOrigin writes o into the row about to be inserted.
func (r *conversationRow) setOrigin(o *inboxbot.Origin) {
	if o != nil {
		r.OriginPlatform, r.OriginChannel, r.OriginThread, r.OriginURL = o.Platform, o.Channel, o.Thread, o.URL
	}
}

// whereOrigin selects the conversation of the thread o.
func whereOrigin(q *bun.SelectQuery, o inboxbot.Origin) *bun.SelectQuery {
	return q.Where("c.origin_platform = ? AND c.origin_channel = ? AND c.origin_thread = ?", o.Platform, o.Channel, o.Thread)
}

// ConversationByOrigin returns the conversation the chat thread o opened;
// ENOTFOUND when it opened none.
func (s *Store) ConversationByOrigin(ctx context.Context, o inboxbot.Origin) (inboxbot.Conversation, error) {
	convs, err := s.conversations(ctx, s.db, false, func(q *bun.SelectQuery) *bun.SelectQuery {
		return whereOrigin(q, o)
	})
	if err != nil {
		return inboxbot.Conversation{}, err
	}
	if len(convs) == 0 {
		return inboxbot.Conversation{}, inboxbot.Errorf(inboxbot.ENOTFOUND, "No conversation came from the %s.", o)
	}
	return convs[0], nil
}

// queueThread tells the platform a conversation came from that it was
// closed or reopened (Slack: a check mark on the thread's first message;
// Discord: the thread archived and locked). It goes through the outbox, so
// it is delivered with retries; key tells each change apart.
func (s *Store) queueThread(ctx context.Context, tx bun.Tx, conv inboxbot.Conversation, by int64, closed bool, key string) error {
	if conv.Origin == nil {
		return nil
	}
	n := inboxbot.NoticeOf(inboxbot.EventThread, conv)
	n.Closed = closed
	return s.queueOrigin(ctx, tx, conv, n, by, 0, key)
}

// queueOrigin writes an outbox row for the platform of conv's origin (or
// the outbound webhook when it has none), carrying n on behalf of member by.
func (s *Store) queueOrigin(ctx context.Context, tx bun.Tx, conv inboxbot.Conversation, n inboxbot.Notice, by, msgID int64, key string) error {
	data, err := json.Marshal(n)
	if err != nil {
		return wrap(err, "encode "+string(n.Event))
	}
	platform := inboxbot.PlatformWebhook
	if conv.Origin != nil {
		platform = conv.Origin.Platform
	}
	now := s.now()
	row := notificationRow{Kind: string(n.Event), MemberID: by, ConversationID: conv.ID, MessageID: msgID,
		Platform: platform, Notice: string(data), DedupeKey: key, State: statePending, NextAttemptAt: now, CreatedAt: now}
	_, err = tx.NewInsert().Model(&row).Exec(ctx)
	return wrap(err, fmt.Sprintf("queue %s", n.Event))
}
