package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/inboxbot/inboxbot"
)

// AddReply stores a member's reply to the contact or internal note on a
// conversation. A reply is queued for the outbound webhook in the same
// transaction (at least once, with retries); a note is never sent. Both
// make the conversation's cards due again. It returns the message and the
// conversation.
func (s *Store) AddReply(ctx context.Context, r inboxbot.Reply) (inboxbot.Message, inboxbot.Conversation, error) {
	if err := r.Validate(); err != nil {
		return inboxbot.Message{}, inboxbot.Conversation{}, err
	}
	var (
		msg    messageRow
		conv   inboxbot.Conversation
		waited time.Duration
	)
	err := s.tx(ctx, func(tx bun.Tx) error {
		var err error
		if conv, err = s.lockChecked(ctx, tx, r.ConversationID, r.Check); err != nil {
			return err
		}
		if r.Direction == inboxbot.DirectionOutbound && conv.Status != inboxbot.StatusOpen {
			return inboxbot.Errorf(inboxbot.ECONFLICT, "%s is closed; reopen it to reply.", conv.Ref())
		}
		author, err := s.memberWhere(ctx, tx, "m.id = ?", r.Author)
		if err != nil {
			return err
		}
		now := s.now()
		msg = messageRow{ConversationID: conv.ID, Direction: r.Direction, AuthorID: r.Author, AuthorName: author.Name,
			Body: r.Body, SentAt: now}
		if r.Direction == inboxbot.DirectionOutbound {
			msg.Delivery = inboxbot.DeliveryPending
		}
		if _, err := tx.NewInsert().Model(&msg).Returning("id").Exec(ctx); err != nil {
			return wrap(err, "store reply")
		}
		q := tx.NewUpdate().Table("conversations").Set("version = version + 1").Set("updated_at = ?", now).
			Where("id = ?", conv.ID)
		if r.Direction == inboxbot.DirectionOutbound && r.Author == conv.AssigneeID {
			// The assignee answered: reassign_after has nothing to do.
			q = q.Set("reassign_due_at = NULL")
		}
		if _, err := q.Exec(ctx); err != nil {
			return wrap(err, "update conversation")
		}
		if r.Direction == inboxbot.DirectionOutbound {
			if waited, err = s.answered(ctx, tx, conv); err != nil {
				return err
			}
			return s.queueReply(ctx, tx, conv, msg.domain())
		}
		return nil
	})
	if err == nil && waited > 0 && s.SLA != nil {
		s.SLA.FirstResponse(waited)
	}
	if err != nil {
		return inboxbot.Message{}, inboxbot.Conversation{}, wrap(err, "reply on "+inboxbot.Ref(r.ConversationID))
	}
	return msg.domain(), conv, nil
}

// queueReply writes the outbox row that carries a reply to the outbound
// webhook. Its dedupe key is the webhook's Idempotency-Key.
func (s *Store) queueReply(ctx context.Context, tx bun.Tx, conv inboxbot.Conversation, m inboxbot.Message) error {
	n := inboxbot.NoticeOf(inboxbot.EventReply, conv)
	n.ContactID, n.Actor, n.Message = conv.Contact.ExternalID, m.AuthorName, &m
	data, err := json.Marshal(n)
	if err != nil {
		return wrap(err, "encode reply")
	}
	now := s.now()
	row := notificationRow{Kind: string(inboxbot.EventReply), MemberID: m.AuthorID, ConversationID: conv.ID,
		MessageID: m.ID, Platform: inboxbot.PlatformWebhook, Notice: string(data),
		DedupeKey: fmt.Sprintf("reply:%d", m.ID), State: statePending, NextAttemptAt: now, CreatedAt: now}
	_, err = tx.NewInsert().Model(&row).Exec(ctx)
	return wrap(err, "queue reply")
}

// replyFailed marks a reply that could not be delivered, refreshes its
// conversation's cards and tells its author why.
func (s *Store) replyFailed(ctx context.Context, tx bun.Tx, msgID int64, cause error) error {
	var msg messageRow
	err := tx.NewUpdate().Model(&msg).Set("delivery = ?", inboxbot.DeliveryFailed).
		Set("delivery_error = ?", cause.Error()).Where("id = ?", msgID).Returning("*").Scan(ctx)
	if err != nil {
		return wrap(err, "mark reply failed")
	}
	if _, err := tx.NewUpdate().Table("conversations").Set("version = version + 1").Set("reply_failed_at = ?", s.now()).
		Where("id = ?", msg.ConversationID).Exec(ctx); err != nil {
		return wrap(err, "update conversation")
	}
	if msg.AuthorID == 0 {
		return nil // the author was removed from the team
	}
	conv, err := s.conversation(ctx, tx, msg.ConversationID)
	if err != nil {
		return err
	}
	author, err := s.membersByID(ctx, tx, nil, msg.AuthorID)
	if err != nil {
		return err
	}
	n := inboxbot.NoticeOf(inboxbot.EventReplyFailed, conv)
	m := msg.domain()
	n.Message, n.Reason = &m, cause.Error()
	rs := []inboxbot.Recipient{{MemberID: msg.AuthorID, Event: inboxbot.EventReplyFailed}}
	return s.notify(ctx, tx, recipientsOf(rs, author), n, fmt.Sprintf("reply-failed:%d", msgID))
}
