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

// AddReply stores a member's reply to the contact or internal note on a
// conversation. A reply is queued for delivery where the conversation came
// from (its chat thread, else the outbound webhook) in the same
// transaction (at least once, with retries); a note is never sent. A reply
// with a MessageID was already delivered (a member wrote in the customer's
// thread): it is recorded as sent, answers the conversation like any
// reply, and a repeat of the id, even a concurrent one, changes nothing.
// Both make the conversation's cards due again. It returns the message and
// the conversation.
func (s *Store) AddReply(ctx context.Context, r inboxbot.Reply) (inboxbot.Message, inboxbot.Conversation, error) {
	if err := r.Validate(); err != nil {
		return inboxbot.Message{}, inboxbot.Conversation{}, err
	}
	ctx = planned(ctx)
	var (
		msg    messageRow
		conv   inboxbot.Conversation
		waited time.Duration
		err    error
	)
	for attempt := 0; attempt < 3; attempt++ {
		err = s.tx(ctx, func(tx bun.Tx) error {
			msg, conv, waited, err = s.addReply(ctx, tx, r)
			return err
		})
		// A twin delivery of the same message stored it first: run
		// again, now as a repeat.
		if r.MessageID == "" || !uniqueViolation(err, "messages_external_id_key") {
			break
		}
	}
	if err == nil && waited > 0 && s.SLA != nil {
		s.SLA.FirstResponse(waited)
	}
	if err != nil {
		return inboxbot.Message{}, inboxbot.Conversation{}, wrap(err, "reply on "+inboxbot.Ref(r.ConversationID))
	}
	return msg.domain(), conv, nil
}

func (s *Store) addReply(ctx context.Context, tx bun.Tx, r inboxbot.Reply) (messageRow, inboxbot.Conversation, time.Duration, error) {
	var msg messageRow
	conv, err := s.lockChecked(ctx, tx, r.ConversationID, r.Check)
	if err != nil {
		return msg, conv, 0, err
	}
	if r.MessageID != "" {
		err := tx.NewSelect().Model(&msg).Where("external_id = ?", r.MessageID).Scan(ctx)
		if err == nil {
			return msg, conv, 0, nil // recorded before
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return msg, conv, 0, wrap(err, "find message")
		}
	} else if r.Direction == inboxbot.DirectionOutbound && conv.Status != inboxbot.StatusOpen {
		return msg, conv, 0, inboxbot.Errorf(inboxbot.ECONFLICT, "%s is closed; reopen it to reply.", conv.Ref())
	}
	author, err := s.memberWhere(ctx, tx, "m.id = ?", r.Author)
	if err != nil {
		return msg, conv, 0, err
	}
	now := s.now()
	msg = messageRow{ConversationID: conv.ID, ExternalID: r.MessageID, Direction: r.Direction, AuthorID: r.Author,
		AuthorName: author.Name, Body: r.Body, SentAt: now}
	switch {
	case r.MessageID != "":
		msg.Delivery = inboxbot.DeliverySent
	case r.Direction == inboxbot.DirectionOutbound:
		msg.Delivery = inboxbot.DeliveryPending
	}
	if _, err := tx.NewInsert().Model(&msg).Returning("id").Exec(ctx); err != nil {
		return msg, conv, 0, wrap(err, "store reply")
	}
	q := tx.NewUpdate().Table("conversations").Set("version = version + 1").Set("updated_at = ?", now).
		Where("id = ?", conv.ID)
	if r.Direction == inboxbot.DirectionOutbound && r.Author == conv.AssigneeID {
		// The assignee answered: reassign_after has nothing to do.
		q = q.Set("reassign_due_at = NULL")
	}
	if _, err := q.Exec(ctx); err != nil {
		return msg, conv, 0, wrap(err, "update conversation")
	}
	if r.Direction != inboxbot.DirectionOutbound {
		return msg, conv, 0, nil
	}
	// A reply answers the conversation for its service level, whether
	// queued here or already delivered in the customer's thread.
	waited, err := s.answered(ctx, tx, conv)
	if err != nil || r.MessageID != "" {
		return msg, conv, waited, err
	}
	return msg, conv, waited, s.queueReply(ctx, tx, conv, msg.domain())
}

// queueReply writes the outbox row that carries a reply where its
// conversation came from: its chat thread, else the outbound webhook. Its
// dedupe key is the webhook's Idempotency-Key.
func (s *Store) queueReply(ctx context.Context, tx bun.Tx, conv inboxbot.Conversation, m inboxbot.Message) error {
	n := inboxbot.NoticeOf(inboxbot.EventReply, conv)
	n.ContactID, n.Actor, n.Message = conv.Contact.ExternalID, m.AuthorName, &m
	return s.queueOrigin(ctx, tx, conv, n, m.AuthorID, m.ID, fmt.Sprintf("reply:%d", m.ID))
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
