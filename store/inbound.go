package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/inboxbot/inboxbot"
)

// previewLength is how much of the last message a conversation shows.
const previewLength = 140

// AddInbound adds a message to the contact's open conversation on its
// channel, or opens one; a message with an Origin goes to the conversation
// of its chat thread instead (opened once, whatever races); a new conversation goes to the contact's owner or
// else through route. Followers are notified of messages on an existing
// conversation. All of it is one transaction: a retry of the same message
// id, even a concurrent one, changes nothing and reports Duplicate.
func (s *Store) AddInbound(ctx context.Context, in inboxbot.Inbound, route inboxbot.RouteFunc) (inboxbot.InboundResult, error) {
	if err := in.Validate(); err != nil {
		return inboxbot.InboundResult{}, err
	}
	ctx = planned(ctx)
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
			!uniqueViolation(err, "contacts_external_id_key") && !uniqueViolation(err, "conversations_origin_key") {
			break
		}
	}
	if err != nil {
		return inboxbot.InboundResult{}, wrap(err, "inbound")
	}
	return res, nil
}

// arrival is an inbound message on its way in: what came, from whom, and
// the times it gets.
type arrival struct {
	in      inboxbot.Inbound
	contact inboxbot.Contact
	// tagged: the message gave the contact a tag it did not have.
	tagged bool
	// rulesVersion is rules_version as the contact's upsert read it.
	rulesVersion int64
	// sentAt is the message's time; lastAt the conversation's, which a
	// source clock running ahead cannot push past now.
	now, sentAt, lastAt time.Time
}

// triggers are the rule triggers the arrival fires.
func (a arrival) triggers(created bool) []inboxbot.Trigger {
	var triggers []inboxbot.Trigger
	if created {
		triggers = append(triggers, inboxbot.TriggerConversationCreated)
	}
	if a.in.Kind == inboxbot.InboundForm {
		triggers = append(triggers, inboxbot.TriggerFormSubmitted)
	}
	if a.tagged {
		triggers = append(triggers, inboxbot.TriggerContactTagged)
	}
	return triggers
}

// addInbound reads the conversation once, locked, and builds the result
// from what the transaction wrote.
func (s *Store) addInbound(ctx context.Context, tx bun.Tx, in inboxbot.Inbound, route inboxbot.RouteFunc) (inboxbot.InboundResult, error) {
	saved, err := s.upsertContact(ctx, tx, in.Contact, in.MessageID)
	if err != nil {
		return inboxbot.InboundResult{}, err
	}
	if saved.duplicateOf != 0 {
		return s.duplicate(ctx, tx, in, saved.duplicateOf)
	}
	contact, created := saved.contact, saved.created
	a := arrival{in: in, contact: contact, tagged: saved.tagged, rulesVersion: saved.rulesVersion, now: s.now(), sentAt: in.SentAt.UTC()}
	if in.SentAt.IsZero() {
		a.sentAt = a.now
	}
	a.lastAt = a.sentAt
	if a.lastAt.After(a.now) {
		a.lastAt = a.now
	}
	// One statement finds the contact's open conversation on the channel
	// or, when there is none, the most recent closed one to reopen; a new
	// contact has none. A message written in a chat thread belongs to that
	// thread's conversation only.
	var latest []inboxbot.Conversation
	if !created || in.Origin != nil {
		latest, err = s.conversations(ctx, tx, true, func(q *bun.SelectQuery) *bun.SelectQuery {
			if in.Origin != nil {
				return whereOrigin(q, *in.Origin)
			}
			return q.Where("c.contact_id = ? AND c.channel = ? AND c.origin_platform IS NULL", contact.ID, in.Channel).
				OrderExpr("CASE WHEN c.status = ? THEN 0 ELSE 1 END, c.id DESC", inboxbot.StatusOpen).Limit(1)
		})
	}
	var res inboxbot.InboundResult
	switch {
	case err != nil:
		return inboxbot.InboundResult{}, wrap(err, "find conversation")
	case len(latest) == 0:
		res, err = s.openConversation(ctx, tx, a, route)
	case latest[0].Status == inboxbot.StatusOpen:
		res, err = s.appendMessage(ctx, tx, a, latest[0], route)
	default:
		res, err = s.reopen(ctx, tx, a, latest[0], route)
	}
	if err != nil {
		return res, err
	}
	return res, s.slaArrival(ctx, tx, res, a.tagged)
}

// slaArrival moves the service-level clock for a message of the contact:
// an opening (or reopening) starts it over, once the conversation is
// placed (business hours are the assignee's); a message on an open one
// starts the next response, after new tags chose the policy again.
func (s *Store) slaArrival(ctx context.Context, tx bun.Tx, res inboxbot.InboundResult, tagged bool) error {
	conv := res.Conversation
	if res.Created || res.Reopened {
		return s.slaTrack(ctx, tx, conv, slaOpened)
	}
	if tagged {
		if ps, err := s.cachedPolicies(ctx, tx); err != nil || len(ps) > 0 {
			if err != nil {
				return err
			}
			// The policy may change, and with it what a message starts.
			if err := s.slaTrack(ctx, tx, conv, slaRetagged); err != nil {
				return err
			}
			if conv, err = s.conversation(ctx, tx, conv.ID); err != nil {
				return err
			}
		}
	}
	return s.slaTrack(ctx, tx, conv, slaInbound)
}

// reopen adds the arrival to the contact's most recent closed
// conversation on the channel, conv (locked), reopens it and places it.
func (s *Store) reopen(ctx context.Context, tx bun.Tx, a arrival, conv inboxbot.Conversation, route inboxbot.RouteFunc) (inboxbot.InboundResult, error) {
	conv, err := s.setStatus(ctx, tx, conv, inboxbot.StatusChange{ConversationID: conv.ID,
		Status: inboxbot.StatusOpen, Via: inboxbot.ViaInbound, Reason: "the contact wrote again"})
	if err != nil {
		return inboxbot.InboundResult{}, err
	}
	conv, msgID, err := s.addMessage(ctx, tx, a, conv)
	if err != nil {
		return inboxbot.InboundResult{}, err
	}
	res := inboxbot.InboundResult{Reopened: true}
	res.Conversation, res.Decision, err = s.placeReopened(ctx, tx, conv, route, fmt.Sprintf("message:%d", msgID))
	return res, err
}

// duplicate answers a message whose in.MessageID conversation convID
// holds already: a retry of it, or ECONFLICT when the id was used by
// another contact or channel (the transaction is then rolled back).
func (s *Store) duplicate(ctx context.Context, tx bun.Tx, in inboxbot.Inbound, convID int64) (inboxbot.InboundResult, error) {
	conv, err := s.conversation(ctx, tx, convID)
	if err != nil {
		return inboxbot.InboundResult{}, err
	}
	// A retry comes from the same contact on the same channel; anything
	// else reusing the id is a different message that would otherwise be
	// dropped without a word.
	if conv.Contact.ExternalID != in.Contact.ExternalID || conv.Channel != in.Channel {
		return inboxbot.InboundResult{}, inboxbot.Errorf(inboxbot.ECONFLICT,
			"message.external_id %q was already used for a message of another contact or channel (%s)", in.MessageID, conv.Ref())
	}
	return inboxbot.InboundResult{Conversation: conv, Duplicate: true}, nil
}

// openConversation opens a conversation for the arrival. Who gets it (the
// contact's owner, or the rules) is decided before the row is written, so
// that it is written once, already assigned.
func (s *Store) openConversation(ctx context.Context, tx bun.Tx, a arrival, route inboxbot.RouteFunc) (inboxbot.InboundResult, error) {
	conv := inboxbot.Conversation{Contact: a.contact, Channel: a.in.Channel, Subject: a.in.Subject, Status: inboxbot.StatusOpen,
		LastMessageAt: a.lastAt, Preview: preview(a.in.Body), Origin: a.in.Origin, CreatedAt: a.now, UpdatedAt: a.now}
	var (
		d       inboxbot.Decision
		counted []bun.Query // the open counts' writes, when place left them
		ch      inboxbot.Change
		known   map[int64]inboxbot.Member
		err     error
	)
	if owner := a.contact.OwnerID; owner != 0 {
		if known, err = s.membersByID(ctx, tx, nil, owner); err != nil {
			return inboxbot.InboundResult{}, err
		}
		ch = inboxbot.Change{To: owner, Via: inboxbot.ViaContact, Reason: fmt.Sprintf("contact owner is %s", a.contact.OwnerName)}
		counted = openCountShift(tx, 0, owner)
		d = inboxbot.Decision{AssigneeID: owner, AssigneeName: a.contact.OwnerName, Reason: ch.Reason}
	} else if triggers := a.triggers(true); route != nil && len(triggers) > 0 {
		in, err := s.routeInput(ctx, tx, conv, triggers, false, a.rulesVersion)
		if err != nil {
			return inboxbot.InboundResult{}, err
		}
		// place decides, and reserves a place, before the row is written.
		if d, counted, err = s.place(ctx, tx, &in, route, 0); err != nil {
			return inboxbot.InboundResult{}, err
		}
		if d.Rule != nil && d.AssigneeID != 0 {
			ch, known = ruleChange(0, d), byID(in.Members)
		}
	}
	row := conversationRow{ContactID: a.contact.ID, Channel: conv.Channel, Subject: conv.Subject, Status: conv.Status,
		AssigneeID: ch.To, Preview: conv.Preview, LastMessageAt: a.lastAt, Version: 1, CreatedAt: a.now, UpdatedAt: a.now,
		FirstResponseSince: a.now}
	row.setOrigin(a.in.Origin)
	if ch.To == 0 {
		row.UnassignedSince = a.now
	} else if ch.RuleID != 0 {
		row.AssignedRuleID = ch.RuleID
		if ch.ReassignAfter > 0 {
			row.ReassignDueAt = a.now.Add(ch.ReassignAfter)
		}
	}
	msgID, err := s.insertOpening(ctx, tx, &row, a)
	if err != nil {
		return inboxbot.InboundResult{}, err
	}
	conv.ID, ch.ConversationID = row.ID, row.ID
	switch {
	case ch.To != 0:
		conv.AssigneeID, conv.AssigneeName = ch.To, known[ch.To].Name
		err = s.recordChange(ctx, tx, conv, 0, ch, known, counted...)
	case d.Rule != nil:
		err = s.alertUnplaced(ctx, tx, conv, d, fmt.Sprintf("message:%d", msgID))
	}
	return inboxbot.InboundResult{Conversation: conv, Created: true, Decision: d}, err
}

// appendMessage adds the arrival to its contact's open conversation, conv
// (locked), tells the followers, and routes the conversation when it is
// unassigned and the arrival fired a trigger.
func (s *Store) appendMessage(ctx context.Context, tx bun.Tx, a arrival, conv inboxbot.Conversation, route inboxbot.RouteFunc) (inboxbot.InboundResult, error) {
	conv, msgID, err := s.addMessage(ctx, tx, a, conv)
	if err != nil {
		return inboxbot.InboundResult{}, err
	}
	key := fmt.Sprintf("message:%d", msgID)
	rs := recipientsOf(inboxbot.MessageRecipients(conv), byID(conv.Followers))
	if err := s.notify(ctx, tx, rs, inboxbot.NoticeOf(inboxbot.EventMessage, conv), key); err != nil {
		return inboxbot.InboundResult{}, err
	}
	res := inboxbot.InboundResult{Conversation: conv}
	if conv.Assigned() {
		return res, nil
	}
	res.Conversation, res.Decision, err = s.route(ctx, tx, conv, a.triggers(false), route, key)
	return res, err
}

// addMessage stores the arrival's message in conv (locked) and makes it
// the conversation's last message.
func (s *Store) addMessage(ctx context.Context, tx bun.Tx, a arrival, conv inboxbot.Conversation) (inboxbot.Conversation, int64, error) {
	msgID, err := s.insertMessage(ctx, tx, conv.ID, a)
	if err != nil {
		return conv, 0, err
	}
	conv.Contact, conv.Preview, conv.UpdatedAt = a.contact, preview(a.in.Body), a.now
	conv.LastMessageAt = maxTime(conv.LastMessageAt, a.lastAt)
	q := tx.NewUpdate().Table("conversations").Set("preview = ?", conv.Preview).Set("updated_at = ?", a.now).
		Set("version = version + 1").Set("last_message_at = ?", conv.LastMessageAt).Where("id = ?", conv.ID)
	if conv.Subject == "" && a.in.Subject != "" {
		conv.Subject = a.in.Subject
		q = q.Set("subject = ?", conv.Subject)
	}
	_, err = q.Exec(ctx)
	return conv, msgID, wrap(err, "update conversation")
}

// insertOpening writes a new conversation and its first message; on
// PostgreSQL in one statement (the conversation's insert as a WITH). It
// sets row.ID and returns the message's id.
func (s *Store) insertOpening(ctx context.Context, tx bun.Tx, row *conversationRow, a arrival) (int64, error) {
	if !s.pg {
		if _, err := tx.NewInsert().Model(row).Returning("id").Exec(ctx); err != nil {
			return 0, err
		}
		return s.insertMessage(ctx, tx, row.ID, a)
	}
	msg := messageRow{ExternalID: a.in.MessageID, Direction: inboxbot.DirectionInbound, Body: a.in.Body, SentAt: a.sentAt}
	_, err := tx.NewInsert().With("c", tx.NewInsert().Model(row).Returning("id")).Model(&msg).
		Value("conversation_id", "(SELECT id FROM c)").Returning("id, conversation_id").Exec(ctx)
	row.ID = msg.ConversationID
	return msg.ID, err
}

// insertMessage stores the arrival's message in conversation convID.
func (s *Store) insertMessage(ctx context.Context, tx bun.Tx, convID int64, a arrival) (int64, error) {
	msg := messageRow{ConversationID: convID, ExternalID: a.in.MessageID, Direction: inboxbot.DirectionInbound,
		Body: a.in.Body, SentAt: a.sentAt}
	_, err := tx.NewInsert().Model(&msg).Returning("id").Exec(ctx)
	return msg.ID, err
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
		if err := s.slaRetag(ctx, tx, r.ID); err != nil {
			return err
		}
		convs, err := s.conversations(ctx, tx, true, func(q *bun.SelectQuery) *bun.SelectQuery {
			return q.Where("c.contact_id = ? AND c.status = ? AND c.assignee_id IS NULL", r.ID, inboxbot.StatusOpen).OrderExpr("c.id")
		})
		if err != nil {
			return wrap(err, "lock conversations")
		}
		key := fmt.Sprintf("tagged:%d:%s", r.ID, s.now().Format(time.RFC3339Nano))
		for _, conv := range convs {
			conv, d, err := s.route(ctx, tx, conv, []inboxbot.Trigger{inboxbot.TriggerContactTagged}, route, key)
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
	return inboxbot.Cut(strings.Join(strings.Fields(body), " "), previewLength)
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
