package api

import (
	"net/http"
	"strings"
	"time"

	"github.com/inboxbot/inboxbot"
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
	res, err := h.svc.Inbound(r.Context(), in)
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

// inbound turns the request into the domain's Inbound. It checks what only
// JSON can get wrong (a missing object, a time that is not RFC 3339);
// Inbound.Validate checks the content for every entry point, naming the field as the
// JSON does: "contact.external_id is required".
func (req inboundRequest) inbound() (inboxbot.Inbound, error) {
	in := inboxbot.Inbound{Kind: inboxbot.InboundKind(strings.TrimSpace(req.Kind)), Channel: strings.TrimSpace(req.Channel), Subject: strings.TrimSpace(req.Subject)}
	if in.Kind == "" {
		in.Kind = inboxbot.InboundMessage
	}
	if req.Contact == nil {
		return in, invalid("contact is required")
	}
	c := req.Contact
	in.Contact = inboxbot.Contact{
		ExternalID: strings.TrimSpace(c.ExternalID), Name: strings.TrimSpace(c.Name), Email: strings.TrimSpace(c.Email),
		Phone: strings.TrimSpace(c.Phone), LeadSource: strings.TrimSpace(c.LeadSource), Region: strings.TrimSpace(c.Region),
		Tags: c.Tags, Custom: c.Custom,
	}
	if req.Message == nil {
		return in, invalid("message is required")
	}
	m := req.Message
	in.MessageID, in.Body = strings.TrimSpace(m.ExternalID), m.Body
	if m.SentAt != "" {
		t, err := time.Parse(time.RFC3339, m.SentAt)
		if err != nil {
			return in, invalid("message.sent_at must be RFC3339, like 2026-11-25T16:04:05Z (got %q)", m.SentAt)
		}
		in.SentAt = t
	}
	return in, nil
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
