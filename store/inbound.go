package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/mail"
	"regexp"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"github.com/inboxbot/inboxbot"
)

// Inbound is a message or form submission from outside.
type Inbound struct {
	// Kind is "message" or "form".
	Kind    string
	Contact inboxbot.Contact
	Channel string
	Subject string
	// MessageID is the source's message id; a repeat is recognised and
	// changes nothing.
	MessageID string
	Body      string
	SentAt    time.Time
}

// InboundResult says what an inbound message did.
type InboundResult struct {
	Conversation inboxbot.Conversation
	// Created is true when the message opened a new conversation.
	Created bool
	// Duplicate is true when the message was a repeat; nothing changed.
	Duplicate bool
	// Decision is the routing outcome; its Rule is nil when no rule ran.
	Decision inboxbot.Decision
}

// previewLength is how much of the last message a conversation shows.
const previewLength = 140

// AddInbound adds a message to the contact's open conversation on its
// channel, or opens one; a new conversation goes to the contact's owner or
// else through route. Followers are notified of messages on an existing
// conversation. All of it is one transaction: a retry of the same message
// id, even a concurrent one, changes nothing and reports Duplicate.
func (s *Store) AddInbound(ctx context.Context, in Inbound, route inboxbot.RouteFunc) (InboundResult, error) {
	if err := validInbound(&in); err != nil {
		return InboundResult{}, err
	}
	var res InboundResult
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
		return InboundResult{}, wrap(err, "inbound")
	}
	return res, nil
}

// Limits on what a source may send, so that a buggy integration cannot
// fill the database or the chat cards with junk. Every entry point (the
// HTTP API, the shell) goes through validInbound, so they are enforced
// once, here.
const (
	maxIDLength      = 200
	maxTextLength    = 500
	maxChannelLength = 32
	maxTagLength     = 64
	maxTags          = 50
	maxCustomPairs   = 100
	maxMessageLength = 1 << 20
)

var (
	// regionPattern is an ISO 3166-1 country, optionally with a 3166-2
	// subdivision: DE, US-CA, in either case; it is stored upper case.
	regionPattern  = regexp.MustCompile(`^[A-Za-z]{2}(-[A-Za-z0-9]{1,3})?$`)
	channelPattern = regexp.MustCompile(`^[a-z0-9_-]+$`)
)

// validInbound checks an inbound's content; each error names the field as
// the API's JSON does ("contact.region must be ..."). It also puts the
// region in the form it is stored in, upper case, after checking it as
// given, so that the error quotes what the sender wrote.
func validInbound(in *Inbound) error {
	c := in.Contact
	if in.Kind != "message" && in.Kind != "form" {
		return badInbound(`kind must be "message" or "form" (got %q)`, in.Kind)
	}
	if strings.TrimSpace(c.ExternalID) == "" {
		return badInbound("contact.external_id is required")
	}
	for _, f := range []struct{ name, value string }{
		{"contact.external_id", c.ExternalID}, {"contact.name", c.Name}, {"contact.email", c.Email},
		{"contact.phone", c.Phone}, {"contact.lead_source", c.LeadSource}, {"subject", in.Subject},
	} {
		if err := validText(f.name, f.value, maxTextLength); err != nil {
			return err
		}
	}
	if len(c.ExternalID) > maxIDLength {
		return badInbound("contact.external_id is longer than %d bytes", maxIDLength)
	}
	if e := strings.TrimSpace(c.Email); e != "" {
		if a, err := mail.ParseAddress(e); err != nil || a.Address != e {
			return badInbound("contact.email is not an e-mail address like jane@example.com (got %q)", c.Email)
		}
	}
	if r := strings.TrimSpace(c.Region); r != "" && !regionPattern.MatchString(r) {
		return badInbound("contact.region must be an ISO 3166 code such as US-CA or DE (got %q)", c.Region)
	}
	in.Contact.Region = strings.ToUpper(strings.TrimSpace(c.Region))
	if err := CheckTags("contact.tags", c.Tags); err != nil {
		return err
	}
	if len(c.Custom) > maxCustomPairs {
		return badInbound("contact.custom has %d fields; at most %d are allowed", len(c.Custom), maxCustomPairs)
	}
	for _, k := range sortedCustomKeys(c.Custom) {
		if strings.TrimSpace(k) == "" {
			return badInbound("contact.custom has an empty field name")
		}
		if err := validText("contact.custom."+k, k+c.Custom[k], maxTextLength); err != nil {
			return err
		}
	}
	// The channel is stored lower-case; check it as it will be stored.
	switch ch := strings.ToLower(strings.TrimSpace(in.Channel)); {
	case ch == "":
		return badInbound("channel is required (like sms, email or webchat)")
	case len(ch) > maxChannelLength || !channelPattern.MatchString(ch):
		return badInbound("channel must be one word of letters, digits, - or _ (like sms), at most %d long (got %q)", maxChannelLength, in.Channel)
	}
	if strings.TrimSpace(in.Body) == "" {
		return badInbound("message.body is required")
	}
	if err := validText("message.body", in.Body, maxMessageLength); err != nil {
		return err
	}
	return validText("message.external_id", in.MessageID, maxIDLength)
}

// validText refuses what the database cannot store or people cannot read:
// NUL characters (PostgreSQL rejects them), invalid UTF-8 and very long
// values.
// CheckTags returns an EINVALID error naming the field (field[i] for one
// tag) unless tags are at most 50 non-empty words of at most 64 bytes: one
// word, because /inbox list tag:X takes one.
func CheckTags(field string, tags []string) error {
	if len(tags) > maxTags {
		return badInbound("%s has %d tags; at most %d are allowed", field, len(tags), maxTags)
	}
	for i, t := range tags {
		name := fmt.Sprintf("%s[%d]", field, i)
		t = strings.TrimSpace(t)
		switch {
		case t == "":
			return badInbound("%s is empty", name)
		case strings.IndexFunc(t, unicode.IsSpace) >= 0:
			return badInbound("%s must be one word, like vip or needs-quote (got %q)", name, clip(t))
		}
		if err := validText(name, t, maxTagLength); err != nil {
			return err
		}
	}
	return nil
}

func validText(field, s string, max int) error {
	switch {
	case strings.ContainsRune(s, 0):
		return badInbound("%s contains a NUL character", field)
	case !utf8.ValidString(s):
		return badInbound("%s is not valid UTF-8", field)
	case len(s) > max:
		return badInbound("%s is longer than %d bytes", field, max)
	}
	return nil
}

func badInbound(format string, args ...any) error {
	return inboxbot.Errorf(inboxbot.EINVALID, format, args...)
}

// sortedKeys orders a custom map, so that of several bad fields the same
// one is named every time.
func sortedCustomKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func (s *Store) addInbound(ctx context.Context, tx bun.Tx, in Inbound, route inboxbot.RouteFunc) (InboundResult, error) {
	if in.MessageID != "" {
		var convID int64
		err := tx.NewSelect().Model((*messageRow)(nil)).Column("conversation_id").
			Where("external_id = ?", in.MessageID).Scan(ctx, &convID)
		if err == nil {
			conv, err := s.conversation(ctx, tx, convID)
			if err != nil {
				return InboundResult{}, err
			}
			// A retry comes from the same contact on the same channel;
			// anything else reusing the id is a different message that
			// would otherwise be dropped without a word.
			if conv.Contact.ExternalID != in.Contact.ExternalID || conv.Channel != normalChannel(in.Channel) {
				return InboundResult{}, inboxbot.Errorf(inboxbot.ECONFLICT,
					"message.external_id %q was already used for a message of another contact or channel (%s)", in.MessageID, conv.Ref())
			}
			return InboundResult{Conversation: conv, Duplicate: true}, nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return InboundResult{}, wrap(err, "find message")
		}
	}
	contact, tagged, err := s.upsertContact(ctx, tx, in.Contact)
	if err != nil {
		return InboundResult{}, err
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
	channel := normalChannel(in.Channel)
	var row conversationRow
	created := false
	err = s.forUpdate(tx.NewSelect().Model(&row).
		Where("contact_id = ? AND channel = ? AND status = ?", contact.ID, channel, inboxbot.StatusOpen)).Scan(ctx)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		row = conversationRow{ContactID: contact.ID, Channel: channel, Subject: in.Subject, Status: inboxbot.StatusOpen,
			LastMessageAt: lastAt, UnassignedSince: now, Version: 1, CreatedAt: now, UpdatedAt: now}
		if _, err := tx.NewInsert().Model(&row).Returning("id").Exec(ctx); err != nil {
			return InboundResult{}, err
		}
		created = true
	case err != nil:
		return InboundResult{}, wrap(err, "find open conversation")
	}
	msg := messageRow{ConversationID: row.ID, ExternalID: in.MessageID, Direction: "inbound", Body: in.Body, SentAt: sentAt}
	if _, err := tx.NewInsert().Model(&msg).Returning("id").Exec(ctx); err != nil {
		return InboundResult{}, err
	}
	q := tx.NewUpdate().Table("conversations").Set("preview = ?", preview(in.Body)).Set("updated_at = ?", now).
		Set("version = version + 1").
		Set("last_message_at = ?", maxTime(row.LastMessageAt, lastAt)).Where("id = ?", row.ID)
	if row.Subject == "" && in.Subject != "" {
		q = q.Set("subject = ?", in.Subject)
	}
	if _, err := q.Exec(ctx); err != nil {
		return InboundResult{}, wrap(err, "update conversation")
	}
	conv, err := s.conversation(ctx, tx, row.ID)
	if err != nil {
		return InboundResult{}, err
	}
	res := InboundResult{Conversation: conv, Created: created}
	if !created {
		text := fmt.Sprintf("New message on %s from %s (%s): %q", conv.Ref(), contact.DisplayName(), conv.Channel, preview(in.Body))
		for _, f := range conv.Followers {
			if err := s.notify(ctx, tx, inboxbot.NotifyFollowing, f.ID, conv.ID, fmt.Sprintf("message:%d", msg.ID), text); err != nil {
				return InboundResult{}, err
			}
		}
	}
	if conv.Assigned() {
		return res, nil
	}
	if created && contact.OwnerID != 0 {
		ch := Change{ConversationID: conv.ID, To: contact.OwnerID, Via: inboxbot.ViaContact,
			Reason: fmt.Sprintf("contact owner is %s", contact.OwnerName)}
		if err := s.applyChange(ctx, tx, row, ch); err != nil {
			return InboundResult{}, err
		}
		res.Decision = inboxbot.Decision{AssigneeID: contact.OwnerID, AssigneeName: contact.OwnerName, Reason: ch.Reason}
	} else {
		var triggers []string
		if created {
			triggers = append(triggers, inboxbot.TriggerConversationCreated)
		}
		if in.Kind == "form" {
			triggers = append(triggers, inboxbot.TriggerFormSubmitted)
		}
		if tagged {
			triggers = append(triggers, inboxbot.TriggerContactTagged)
		}
		if res.Decision, err = s.route(ctx, tx, row, triggers, route, fmt.Sprintf("message:%d", msg.ID)); err != nil {
			return InboundResult{}, err
		}
	}
	res.Conversation, err = s.conversation(ctx, tx, row.ID)
	return res, err
}

// TagContact adds and removes a contact's tags and, when a tag was added,
// routes the contact's open unassigned conversations with contact.tagged.
func (s *Store) TagContact(ctx context.Context, externalID string, add, remove []string, route inboxbot.RouteFunc) (inboxbot.Contact, []InboundResult, error) {
	var (
		contact inboxbot.Contact
		routed  []InboundResult
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
			d, err := s.route(ctx, tx, row, []string{inboxbot.TriggerContactTagged}, route, key)
			if err != nil {
				return err
			}
			conv, err := s.conversation(ctx, tx, row.ID)
			if err != nil {
				return err
			}
			routed = append(routed, InboundResult{Conversation: conv, Decision: d})
		}
		return nil
	})
	if err != nil {
		return inboxbot.Contact{}, nil, wrap(err, "tag contact "+externalID)
	}
	return contact, routed, nil
}

func normalChannel(channel string) string { return strings.ToLower(strings.TrimSpace(channel)) }

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
