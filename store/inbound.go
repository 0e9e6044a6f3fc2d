package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"github.com/inboxbot/inboxbot"
)

// previewLength is how much of the last message a conversation shows.
const previewLength = 140

// AddInbound adds a message to the contact's open conversation on its
// channel, or opens one; a new conversation goes to the contact's owner or
// else through route. Followers are notified of messages on an existing
// conversation. All of it is one transaction: a retry of the same message
// id, even a concurrent one, changes nothing and reports Duplicate.
func (s *Store) AddInbound(ctx context.Context, in inboxbot.Inbound, route inboxbot.RouteFunc) (inboxbot.InboundResult, error) {
	if err := in.Validate(); err != nil {
		return inboxbot.InboundResult{}, err
	}
	var res inboxbot.InboundResult
	var err error
	for attempt := 0; attempt < 3; attempt++ {
		err = s.tx(ctx, func(tx bun.Tx) error {
			res, err = s.addInbound(ctx, tx, in, route)
			return err
		})
		// A racing twin opened the conversation or stored the message
		// first: run again, now as an append or a duplicate.
		if !uniqueViolation(err, "conversations_open_key") && !uniqueViolation(err, "messages_external_id_key") &&
			!uniqueViolation(err, "contacts_external_id_key") {
			break
		}
	}
	if err != nil {
		return inboxbot.InboundResult{}, wrap(err, "inbound")
	}
	return res, nil
}

// conversationState says how an inbound message found its conversation.
type conversationState int

const (
	appended conversationState = iota // to the open conversation
	opened                            // a new conversation
	reopened                          // the most recent closed one
)

func (s *Store) addInbound(ctx context.Context, tx bun.Tx, in inboxbot.Inbound, route inboxbot.RouteFunc) (inboxbot.InboundResult, error) {
	if res, repeat, err := s.repeated(ctx, tx, in); repeat || err != nil {
		return res, err
	}
	contact, tagged, err := s.upsertContact(ctx, tx, in.Contact)
	if err != nil {
		return inboxbot.InboundResult{}, err
	}
	row, state, err := s.conversationFor(ctx, tx, contact.ID, in)
	if err != nil {
		return inboxbot.InboundResult{}, err
	}
	msgID, err := s.appendInbound(ctx, tx, row, in)
	if err != nil {
		return inboxbot.InboundResult{}, err
	}
	key := fmt.Sprintf("message:%d", msgID)
	res := inboxbot.InboundResult{Created: state == opened, Reopened: state == reopened}
	switch {
	case state == reopened:
		res.Decision, err = s.placeReopened(ctx, tx, row, route, key)
	case state == appended:
		err = s.tellFollowers(ctx, tx, row.ID, key)
		if err == nil && row.AssigneeID == 0 {
			res.Decision, err = s.route(ctx, tx, row, inboundTriggers(in, false, tagged), route, key)
		}
	case contact.OwnerID != 0:
		ch := inboxbot.Change{ConversationID: row.ID, To: contact.OwnerID, Via: inboxbot.ViaContact,
			Reason: fmt.Sprintf("contact owner is %s", contact.OwnerName)}
		err = s.applyChange(ctx, tx, row, ch)
		res.Decision = inboxbot.Decision{AssigneeID: contact.OwnerID, AssigneeName: contact.OwnerName, Reason: ch.Reason}
	default:
		res.Decision, err = s.route(ctx, tx, row, inboundTriggers(in, true, tagged), route, key)
	}
	if err != nil {
		return inboxbot.InboundResult{}, err
	}
	res.Conversation, err = s.conversation(ctx, tx, row.ID)
	return res, err
}

// repeated recognises a retry of a message already stored: same id, same
// contact, same channel. Anything else reusing the id is a different
// message that would otherwise be dropped without a word: ECONFLICT.
func (s *Store) repeated(ctx context.Context, tx bun.Tx, in inboxbot.Inbound) (inboxbot.InboundResult, bool, error) {
	if in.MessageID == "" {
		return inboxbot.InboundResult{}, false, nil
	}
	var convID int64
	err := tx.NewSelect().Model((*messageRow)(nil)).Column("conversation_id").
		Where("external_id = ?", in.MessageID).Scan(ctx, &convID)
	if errors.Is(err, sql.ErrNoRows) {
		return inboxbot.InboundResult{}, false, nil
	}
	if err != nil {
		return inboxbot.InboundResult{}, false, wrap(err, "find message")
	}
	conv, err := s.conversation(ctx, tx, convID)
	if err != nil {
		return inboxbot.InboundResult{}, false, err
	}
	if conv.Contact.ExternalID != in.Contact.ExternalID || conv.Channel != in.Channel {
		return inboxbot.InboundResult{}, false, inboxbot.Errorf(inboxbot.ECONFLICT,
			"message.external_id %q was already used for a message of another contact or channel (%s)", in.MessageID, conv.Ref())
	}
	return inboxbot.InboundResult{Conversation: conv, Duplicate: true}, true, nil
}

// conversationFor locks the contact's open conversation on the inbound's
// channel, else reopens the most recent closed one, else opens one.
func (s *Store) conversationFor(ctx context.Context, tx bun.Tx, contactID int64, in inboxbot.Inbound) (conversationRow, conversationState, error) {
	var row conversationRow
	err := s.forUpdate(tx.NewSelect().Model(&row).
		Where("contact_id = ? AND channel = ? AND status = ?", contactID, in.Channel, inboxbot.StatusOpen)).Scan(ctx)
	if err == nil {
		return row, appended, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return row, appended, wrap(err, "find open conversation")
	}
	if row, ok, err := s.reopenLatest(ctx, tx, contactID, in.Channel); ok || err != nil {
		return row, reopened, err
	}
	now := s.now()
	row = conversationRow{ContactID: contactID, Channel: in.Channel, Subject: in.Subject, Status: inboxbot.StatusOpen,
		LastMessageAt: lastMessageAt(in, now), UnassignedSince: now, Version: 1, CreatedAt: now, UpdatedAt: now}
	_, err = tx.NewInsert().Model(&row).Returning("id").Exec(ctx)
	return row, opened, err
}

// appendInbound stores the message on the conversation and makes it the
// conversation's last message; it returns the message's id.
func (s *Store) appendInbound(ctx context.Context, tx bun.Tx, row conversationRow, in inboxbot.Inbound) (int64, error) {
	now := s.now()
	sentAt := in.SentAt.UTC()
	if in.SentAt.IsZero() {
		sentAt = now
	}
	msg := messageRow{ConversationID: row.ID, ExternalID: in.MessageID, Direction: inboxbot.DirectionInbound, Body: in.Body, SentAt: sentAt}
	if _, err := tx.NewInsert().Model(&msg).Returning("id").Exec(ctx); err != nil {
		return 0, err
	}
	q := tx.NewUpdate().Table("conversations").Set("preview = ?", preview(in.Body)).Set("updated_at = ?", now).
		Set("version = version + 1").
		Set("last_message_at = ?", maxTime(row.LastMessageAt, lastMessageAt(in, now))).Where("id = ?", row.ID)
	if row.Subject == "" && in.Subject != "" {
		q = q.Set("subject = ?", in.Subject)
	}
	_, err := q.Exec(ctx)
	return msg.ID, wrap(err, "update conversation")
}

// lastMessageAt is when the inbound was sent, as the conversation's lists
// order it: the time the source gave, but a clock running ahead must not
// pin the conversation to the top of every list.
func lastMessageAt(in inboxbot.Inbound, now time.Time) time.Time {
	if in.SentAt.IsZero() || in.SentAt.After(now) {
		return now
	}
	return in.SentAt.UTC()
}

// tellFollowers notifies the followers of a new message from the contact.
func (s *Store) tellFollowers(ctx context.Context, tx bun.Tx, convID int64, key string) error {
	conv, err := s.conversation(ctx, tx, convID)
	if err != nil {
		return err
	}
	for _, r := range inboxbot.MessageRecipients(conv) {
		if err := s.notify(ctx, tx, r, inboxbot.NoticeOf(r.Event, conv), key); err != nil {
			return err
		}
	}
	return nil
}

// inboundTriggers are the triggers an inbound fires.
func inboundTriggers(in inboxbot.Inbound, created, tagged bool) []inboxbot.Trigger {
	var triggers []inboxbot.Trigger
	if created {
		triggers = append(triggers, inboxbot.TriggerConversationCreated)
	}
	if in.Kind == inboxbot.InboundForm {
		triggers = append(triggers, inboxbot.TriggerFormSubmitted)
	}
	if tagged {
		triggers = append(triggers, inboxbot.TriggerContactTagged)
	}
	return triggers
}

// TagContact adds and removes a contact's tags and, when a tag was added,
// routes the contact's open unassigned conversations with contact.tagged.
func (s *Store) TagContact(ctx context.Context, externalID string, add, remove []string, route inboxbot.RouteFunc) (inboxbot.Contact, []inboxbot.InboundResult, error) {
	var (
		contact inboxbot.Contact
		routed  []inboxbot.InboundResult
	)
	err := s.tx(ctx, func(tx bun.Tx) error {
		routed = nil
		var r contactRow
		err := s.forUpdate(tx.NewSelect().Model(&r).Where("external_id = ?", externalID)).Scan(ctx)
		if errors.Is(err, sql.ErrNoRows) {
			return inboxbot.Errorf(inboxbot.ENOTFOUND, "No contact has the id %q.", externalID)
		}
		if err != nil {
			return wrap(err, "lock contact")
		}
		tagged, err := s.tagContact(ctx, tx, r.ID, add, remove)
		if err != nil {
			return err
		}
		cs, err := s.contactsByID(ctx, tx, []int64{r.ID})
		if err != nil {
			return err
		}
		if contact = cs[r.ID]; !tagged {
			return nil
		}
		var rows []conversationRow
		if err := s.forUpdate(tx.NewSelect().Model(&rows).
			Where("contact_id = ? AND status = ? AND assignee_id IS NULL", r.ID, inboxbot.StatusOpen).OrderExpr("id")).Scan(ctx); err != nil {
			return wrap(err, "lock conversations")
		}
		key := fmt.Sprintf("tagged:%d:%s", r.ID, s.now().Format(time.RFC3339Nano))
		for _, row := range rows {
			d, err := s.route(ctx, tx, row, []inboxbot.Trigger{inboxbot.TriggerContactTagged}, route, key)
			if err != nil {
				return err
			}
			conv, err := s.conversation(ctx, tx, row.ID)
			if err != nil {
				return err
			}
			routed = append(routed, inboxbot.InboundResult{Conversation: conv, Decision: d})
		}
		return nil
	})
	if err != nil {
		return inboxbot.Contact{}, nil, wrap(err, "tag contact "+externalID)
	}
	return contact, routed, nil
}

func preview(body string) string {
	body = strings.Join(strings.Fields(body), " ")
	if utf8.RuneCountInString(body) <= previewLength {
		return body
	}
	r := []rune(body)
	return string(r[:previewLength-1]) + "…"
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
