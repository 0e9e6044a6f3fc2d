package api

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/inboxbot/inboxbot"
)

// statusResponse is what close and reopen answer.
type statusResponse struct {
	ConversationID int64   `json:"conversation_id"`
	Status         string  `json:"status"`
	Assignee       *string `json:"assignee"`
	// Changed is false when the conversation already had that status.
	Changed bool `json:"changed"`
}

// setStatus closes or reopens the conversation of the path. The API token
// is trusted as a manager is: it may close any conversation.
func (h *Handler) setStatus(status inboxbot.Status) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := pathID(r)
		if err == nil {
			_, err = query(r)
		}
		if err != nil {
			h.fail(w, r, err)
			return
		}
		conv, changed, err := h.svc.SetStatus(r.Context(), id, status, inboxbot.ViaAPI)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, statusResponse{ConversationID: conv.ID, Status: string(conv.Status),
			Assignee: orNull(conv.AssigneeName), Changed: changed})
	}
}

// messageOut is one message of GET /api/v1/conversations/{id}/messages.
type messageOut struct {
	ID         int64     `json:"id"`
	Direction  string    `json:"direction"`
	ExternalID *string   `json:"external_id"`
	Author     *string   `json:"author"`
	Body       string    `json:"body"`
	SentAt     time.Time `json:"sent_at"`
	// Delivery is pending, sent or failed for replies, null otherwise.
	Delivery      *string `json:"delivery"`
	DeliveryError *string `json:"delivery_error"`
}

// maxMessages is how many of the latest messages the messages endpoint returns.
const maxMessages = 500

// messages lists a conversation's messages in both directions and its
// internal notes, oldest first: the latest 500.
func (h *Handler) messages(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err == nil {
		_, err = query(r)
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if _, err := h.store.Conversation(r.Context(), id); err != nil {
		h.fail(w, r, err)
		return
	}
	msgs, err := h.store.Messages(r.Context(), id, maxMessages)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	out := make([]messageOut, len(msgs))
	for i, m := range msgs {
		out[i] = messageOut{ID: m.ID, Direction: string(m.Direction), ExternalID: orNull(m.ExternalID),
			Author: orNull(m.AuthorName), Body: m.Body, SentAt: m.SentAt.UTC(),
			Delivery: orNull(string(m.Delivery)), DeliveryError: orNull(m.DeliveryError)}
	}
	writeJSON(w, http.StatusOK, out)
}

// pathID reads the conversation id of the path: 1042 or #1042 (%231042).
func pathID(r *http.Request) (int64, error) {
	raw := strings.TrimPrefix(strings.TrimSpace(r.PathValue("id")), "#")
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id <= 0 {
		return 0, invalid("the conversation id in the path must be a positive number like 1042 (got %q)", inboxbot.Clip(r.PathValue("id")))
	}
	return id, nil
}
