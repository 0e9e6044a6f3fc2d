package api

import (
	"net/http"
	"strings"

	"github.com/inboxbot/inboxbot"
)

// errNoContactID answers a tags request whose path has no contact id.
const errNoContactID = "contact external_id is missing from the path: POST /api/v1/contacts/{external_id}/tags"

// tagsRequest is the body of POST /api/v1/contacts/{external_id}/tags.
type tagsRequest struct {
	Add    []string `json:"add"`
	Remove []string `json:"remove"`
}

// tagsResponse is the contact after the change and what contact.tagged
// rules did to its open unassigned conversations.
type tagsResponse struct {
	Contact struct {
		ExternalID string   `json:"external_id"`
		Name       string   `json:"name"`
		Tags       []string `json:"tags"`
	} `json:"contact"`
	Routed []routedJSON `json:"routed"`
}

type routedJSON struct {
	ConversationID int64   `json:"conversation_id"`
	Assignee       *string `json:"assignee"`
	Rule           *string `json:"rule"`
}

// tags adds and removes a contact's tags; adding one runs contact.tagged
// rules on the contact's open unassigned conversations.
func (h *Handler) tags(w http.ResponseWriter, r *http.Request) {
	id := strings.TrimSpace(r.PathValue("external_id"))
	if id == "" {
		h.fail(w, r, invalid("%s", errNoContactID))
		return
	}
	if err := inboxbot.CheckText("contact external_id", id, inboxbot.MaxIDLength); err != nil {
		h.fail(w, r, err)
		return
	}
	var req tagsRequest
	if err := readJSON(w, r, &req); err != nil {
		h.failBody(w, r, err)
		return
	}
	if len(req.Add) == 0 && len(req.Remove) == 0 {
		h.fail(w, r, invalid("add or remove must name at least one tag"))
		return
	}
	contact, routed, err := h.svc.TagContact(r.Context(), id, req.Add, req.Remove)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	var out tagsResponse
	out.Contact.ExternalID, out.Contact.Name, out.Contact.Tags = contact.ExternalID, contact.Name, contact.Tags
	if out.Contact.Tags == nil {
		out.Contact.Tags = []string{}
	}
	out.Routed = []routedJSON{}
	for _, res := range routed {
		rj := routedJSON{ConversationID: res.Conversation.ID, Assignee: orNull(res.Conversation.AssigneeName)}
		if res.Decision.Rule != nil {
			rj.Rule = orNull(res.Decision.Rule.Name)
		}
		out.Routed = append(out.Routed, rj)
	}
	writeJSON(w, http.StatusOK, out)
}
