package api

import (
	"fmt"
	"net/http"
	"net/mail"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/routing"
	"github.com/inboxbot/inboxbot/store"
)

// inboundRequest is the body of POST /api/v1/inbound.
type inboundRequest struct {
	Kind    string       `json:"kind"`
	Contact *contactJSON `json:"contact"`
	Channel string       `json:"channel"`
	Subject string       `json:"subject"`
	Message *messageJSON `json:"message"`
}

type contactJSON struct {
	ExternalID string            `json:"external_id"`
	Name       string            `json:"name"`
	Email      string            `json:"email"`
	Phone      string            `json:"phone"`
	LeadSource string            `json:"lead_source"`
	Tags       []string          `json:"tags"`
	Region     string            `json:"region"`
	Custom     map[string]string `json:"custom"`
}

type messageJSON struct {
	ExternalID string `json:"external_id"`
	Body       string `json:"body"`
	SentAt     string `json:"sent_at"`
}

// inboundResponse is what POST /api/v1/inbound answers.
type inboundResponse struct {
	ConversationID int64 `json:"conversation_id"`
	// Assignee and Rule are null when nobody holds the conversation, or no
	// rule placed it.
	Assignee *string `json:"assignee"`
	Rule     *string `json:"rule"`
	// Created is false for a repeat of a message id: nothing changed.
	Created bool `json:"created"`
}

// Limits on what a source may send, so that a buggy integration cannot
// fill the database or the chat cards with junk.
const (
	maxIDLength    = 200
	maxTextLength  = 500
	maxChannel     = 32
	maxTagLength   = 64
	maxTags        = 50
	maxCustomPairs = 100
)

var (
	regionPattern  = regexp.MustCompile(`^[A-Za-z]{2}(-[A-Za-z0-9]{1,3})?$`)
	channelPattern = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)
)

// inbound adds a message or form submission and routes a new conversation.
// A repeat of message.external_id, even a concurrent one, answers 200 with
// created false and changes nothing; the store makes that so.
func (h *Handler) inbound(w http.ResponseWriter, r *http.Request) {
	var req inboundRequest
	if err := readJSON(w, r, &req); err != nil {
		h.failBody(w, r, err)
		return
	}
	in, err := req.inbound()
	if err != nil {
		h.fail(w, r, err)
		return
	}
	res, err := h.store.AddInbound(r.Context(), in, routing.Route)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	out := inboundResponse{ConversationID: res.Conversation.ID, Created: !res.Duplicate,
		Assignee: orNull(res.Conversation.AssigneeName)}
	if res.Decision.Rule != nil {
		out.Rule = orNull(res.Decision.Rule.Name)
	}
	status := http.StatusCreated
	if res.Duplicate {
		status = http.StatusOK
	}
	writeJSON(w, status, out)
}

// failBody answers a body that could not be read: 413 when too large.
func (h *Handler) failBody(w http.ResponseWriter, r *http.Request, err error) {
	if err == errTooLarge {
		writeError(w, http.StatusRequestEntityTooLarge, err.Error())
		return
	}
	h.fail(w, r, err)
}

// inbound checks the request and turns it into the store's Inbound. Each
// error names the field: "contact.external_id is required".
func (req inboundRequest) inbound() (store.Inbound, error) {
	in := store.Inbound{Kind: strings.TrimSpace(req.Kind), Channel: strings.ToLower(strings.TrimSpace(req.Channel)), Subject: strings.TrimSpace(req.Subject)}
	if in.Kind == "" {
		in.Kind = "message"
	}
	if in.Kind != "message" && in.Kind != "form" {
		return in, invalid(`kind must be "message" or "form" (got %q)`, req.Kind)
	}
	if req.Contact == nil {
		return in, invalid("contact is required")
	}
	c := req.Contact
	in.Contact = inboxbot.Contact{
		ExternalID: strings.TrimSpace(c.ExternalID), Name: strings.TrimSpace(c.Name), Email: strings.TrimSpace(c.Email),
		Phone: strings.TrimSpace(c.Phone), LeadSource: strings.TrimSpace(c.LeadSource), Region: strings.ToUpper(strings.TrimSpace(c.Region)),
	}
	if in.Contact.ExternalID == "" {
		return in, invalid("contact.external_id is required")
	}
	for _, f := range []struct{ name, value string }{
		{"contact.external_id", in.Contact.ExternalID}, {"contact.name", in.Contact.Name}, {"contact.email", in.Contact.Email},
		{"contact.phone", in.Contact.Phone}, {"contact.lead_source", in.Contact.LeadSource}, {"subject", in.Subject},
	} {
		if err := text(f.name, f.value, maxTextLength); err != nil {
			return in, err
		}
	}
	if len(in.Contact.ExternalID) > maxIDLength {
		return in, invalid("contact.external_id is longer than %d bytes", maxIDLength)
	}
	if e := in.Contact.Email; e != "" {
		if a, err := mail.ParseAddress(e); err != nil || a.Address != e {
			return in, invalid("contact.email is not an e-mail address like jane@example.com (got %q)", e)
		}
	}
	if in.Contact.Region != "" && !regionPattern.MatchString(in.Contact.Region) {
		return in, invalid("contact.region must be an ISO 3166 code such as US-CA or DE (got %q)", c.Region)
	}
	if len(c.Tags) > maxTags {
		return in, invalid("contact.tags has %d tags; at most %d are allowed", len(c.Tags), maxTags)
	}
	for i, t := range c.Tags {
		if err := tag(fmt.Sprintf("contact.tags[%d]", i), t); err != nil {
			return in, err
		}
		in.Contact.Tags = append(in.Contact.Tags, strings.TrimSpace(t))
	}
	if len(c.Custom) > maxCustomPairs {
		return in, invalid("contact.custom has %d fields; at most %d are allowed", len(c.Custom), maxCustomPairs)
	}
	for k, v := range c.Custom {
		if strings.TrimSpace(k) == "" {
			return in, invalid("contact.custom has an empty field name")
		}
		if err := text("contact.custom."+k, k+v, maxTextLength); err != nil {
			return in, err
		}
	}
	in.Contact.Custom = c.Custom
	switch {
	case in.Channel == "":
		return in, invalid("channel is required (like sms, email or webchat)")
	case len(in.Channel) > maxChannel || !channelPattern.MatchString(in.Channel):
		return in, invalid("channel must be one word of letters, digits, - or _ (like sms), at most %d long (got %q)", maxChannel, req.Channel)
	}
	if req.Message == nil {
		return in, invalid("message is required")
	}
	m := req.Message
	in.MessageID, in.Body = strings.TrimSpace(m.ExternalID), m.Body
	if strings.TrimSpace(in.Body) == "" {
		return in, invalid("message.body is required")
	}
	if err := text("message.body", in.Body, MaxBodyBytes); err != nil {
		return in, err
	}
	if err := text("message.external_id", in.MessageID, maxIDLength); err != nil {
		return in, err
	}
	if m.SentAt != "" {
		t, err := time.Parse(time.RFC3339, m.SentAt)
		if err != nil {
			return in, invalid("message.sent_at must be RFC3339, like 2026-11-25T16:04:05Z (got %q)", m.SentAt)
		}
		in.SentAt = t
	}
	return in, nil
}

// text refuses what the database cannot store or people cannot read: NUL
// characters (PostgreSQL rejects them), invalid UTF-8 and very long values.
func text(field, s string, max int) error {
	switch {
	case strings.ContainsRune(s, 0):
		return invalid("%s contains a NUL character", field)
	case !utf8.ValidString(s):
		return invalid("%s is not valid UTF-8", field)
	case len(s) > max:
		return invalid("%s is longer than %d bytes", field, max)
	}
	return nil
}

func tag(field, t string) error {
	if strings.TrimSpace(t) == "" {
		return invalid("%s is empty", field)
	}
	return text(field, t, maxTagLength)
}

func invalid(format string, args ...any) error {
	return inboxbot.Errorf(inboxbot.EINVALID, format, args...)
}

// orNull is nil for "", so that JSON says null rather than "".
func orNull(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
