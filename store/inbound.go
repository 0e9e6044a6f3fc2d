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

func (s *Store) addInbound(ctx context.Context, tx bun.Tx, in inboxbot.Inbound, route inboxbot.RouteFunc) (inboxbot.InboundResult, error) {
	if in.MessageID != "" {
		var convID int64
		err := tx.NewSelect().Model((*messageRow)(nil)).Column("conversation_id").
			Where("external_id = ?", in.MessageID).Scan(ctx, &convID)
		if err == nil {
			conv, err := s.conversation(ctx, tx, convID)
			if err != nil {
				return inboxbot.InboundResult{}, err
			}
			// A retry comes from the same contact on the same channel;
			// anything else reusing the id is a different message that
			// would otherwise be dropped without a word.
			if conv.Contact.ExternalID != in.Contact.ExternalID || conv.Channel != in.Channel {
				return inboxbot.InboundResult{}, inboxbot.Errorf(inboxbot.ECONFLICT,
					"message.external_id %q was already used for a message of another contact or channel (%s)", in.MessageID, conv.Ref())
			}
			return inboxbot.InboundResult{Conversation: conv, Duplicate: true}, nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return inboxbot.InboundResult{}, wrap(err, "find message")
		}
	}
	contact, tagged, err := s.upsertContact(ctx, tx, in.Contact)
	if err != nil {
		return inboxbot.InboundResult{}, err
	}
	now := s.now()
	sentAt := in.SentAt.UTC()
	if in.SentAt.IsZero() {
		sentAt = now
	}
	// The message keeps the time the source gave, but a clock running
	// ahead must not pin the conversation to the top of every list.
	lastAt := sentAt
	if lastAt.After(now) {
		lastAt = now
	}
	channel := in.Channel
	var row conversationRow
	created := false
	err = s.forUpdate(tx.NewSelect().Model(&row).
		Where("contact_id = ? AND channel = ? AND status = ?", contact.ID, channel, inboxbot.StatusOpen)).Scan(ctx)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		row = conversationRow{ContactID: contact.ID, Channel: channel, Subject: in.Subject, Status: inboxbot.StatusOpen,
			LastMessageAt: lastAt, UnassignedSince: now, Version: 1, CreatedAt: now, UpdatedAt: now}
		if _, err := tx.NewInsert().Model(&row).Returning("id").Exec(ctx); err != nil {
			return inboxbot.InboundResult{}, err
		}
		created = true
	case err != nil:
		return inboxbot.InboundResult{}, wrap(err, "find open conversation")
	}
	msg := messageRow{ConversationID: row.ID, ExternalID: in.MessageID, Direction: inboxbot.DirectionInbound, Body: in.Body, SentAt: sentAt}
	if _, err := tx.NewInsert().Model(&msg).Returning("id").Exec(ctx); err != nil {
		return inboxbot.InboundResult{}, err
	}
	q := tx.NewUpdate().Table("conversations").Set("preview = ?", preview(in.Body)).Set("updated_at = ?", now).
		Set("version = version + 1").
		Set("last_message_at = ?", maxTime(row.LastMessageAt, lastAt)).Where("id = ?", row.ID)
	if row.Subject == "" && in.Subject != "" {
		q = q.Set("subject = ?", in.Subject)
	}
	if _, err := q.Exec(ctx); err != nil {
		return inboxbot.InboundResult{}, wrap(err, "update conversation")
	}
	conv, err := s.conversation(ctx, tx, row.ID)
	if err != nil {
		return inboxbot.InboundResult{}, err
	}
	res := inboxbot.InboundResult{Conversation: conv, Created: created}
	if !created {
		for _, r := range inboxbot.MessageRecipients(conv) {
			if err := s.notify(ctx, tx, r, inboxbot.NoticeOf(r.Event, conv), fmt.Sprintf("message:%d", msg.ID)); err != nil {
				return inboxbot.InboundResult{}, err
			}
		}
	}
	if conv.Assigned() {
		return res, nil
	}
	if created && contact.OwnerID != 0 {
		ch := inboxbot.Change{ConversationID: conv.ID, To: contact.OwnerID, Via: inboxbot.ViaContact,
			Reason: fmt.Sprintf("contact owner is %s", contact.OwnerName)}
		if err := s.applyChange(ctx, tx, row, ch); err != nil {
			return inboxbot.InboundResult{}, err
		}
		res.Decision = inboxbot.Decision{AssigneeID: contact.OwnerID, AssigneeName: contact.OwnerName, Reason: ch.Reason}
	} else {
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
		if res.Decision, err = s.route(ctx, tx, row, triggers, route, fmt.Sprintf("message:%d", msg.ID)); err != nil {
			return inboxbot.InboundResult{}, err
		}
	}
	res.Conversation, err = s.conversation(ctx, tx, row.ID)
	return res, err
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
