package api

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/inboxbot/inboxbot"
)

// conversationJSON is one conversation of GET /api/v1/conversations.
type conversationJSON struct {
	ID      int64 `json:"id"`
	Contact struct {
		ExternalID string `json:"external_id"`
		Name       string `json:"name"`
	} `json:"contact"`
	Channel       string    `json:"channel"`
	Status        string    `json:"status"`
	Assignee      *string   `json:"assignee"`
	Followers     []string  `json:"followers"`
	Preview       string    `json:"preview"`
	LastMessageAt time.Time `json:"last_message_at"`
	// SLA is where it stands against its service-level policy; null when
	// none applies.
	SLA *inboxbot.SLA `json:"sla"`
}

// maxListLimit caps limit=; a source that wants everything should page
// by status or assignee instead.
const maxListLimit = 500

// conversations lists conversations, most recent activity first:
// ?assignee=none|<member>&follower=<member>&status=open|closed&sla=due|breached&limit=N.
//
// assignee=me is refused: the caller is an API token, not a member, so
// "me" has no one to mean; naming the member says the same thing.
func (h *Handler) conversations(w http.ResponseWriter, r *http.Request) {
	// r.URL.Query drops what it cannot parse (open;limit=1, %zz) and
	// would list everything unfiltered: refuse instead.
	q, err := query(r, "assignee", "follower", "status", "sla", "limit")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	// An empty member filter would silently list everything.
	for _, k := range []string{"assignee", "follower"} {
		if v, given := q[k]; given && strings.TrimSpace(v[0]) == "" {
			h.fail(w, r, invalid("%s= is empty: name a member (or leave %s out to list everyone's)", k, k))
			return
		}
	}
	var f inboxbot.Filter
	switch a := strings.TrimSpace(q.Get("assignee")); strings.ToLower(a) {
	case "":
	case "none":
		f.Unassigned = true
	case "me":
		h.fail(w, r, invalid("assignee=me needs a member, and an API token is not one: use assignee=<member name>"))
		return
	default:
		m, err := h.memberParam(r, "assignee", a)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		f.AssigneeID = m.ID
	}
	if name := strings.TrimSpace(q.Get("follower")); name != "" {
		m, err := h.memberParam(r, "follower", name)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		f.FollowerID = m.ID
	}
	switch f.Status = inboxbot.Status(strings.ToLower(strings.TrimSpace(q.Get("status")))); f.Status {
	case "", inboxbot.StatusOpen, inboxbot.StatusClosed:
	default:
		h.fail(w, r, invalid("status must be open or closed (got %q)", q.Get("status")))
		return
	}
	switch f.SLA = strings.ToLower(strings.TrimSpace(q.Get("sla"))); f.SLA {
	case "", inboxbot.SLADue, inboxbot.SLABreached:
	default:
		h.fail(w, r, invalid("sla must be due or breached (got %q)", q.Get("sla")))
		return
	}
	if l := q.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > maxListLimit {
			h.fail(w, r, invalid("limit must be a number from 1 to %d (got %q)", maxListLimit, l))
			return
		}
		f.Limit = n
	}
	convs, err := h.store.List(r.Context(), f)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	out := make([]conversationJSON, len(convs))
	for i, c := range convs {
		out[i] = conversationJSON{ID: c.ID, Channel: c.Channel, Status: string(c.Status), Assignee: orNull(c.AssigneeName),
			Followers: []string{}, Preview: c.Preview, LastMessageAt: c.LastMessageAt.UTC()}
		out[i].Contact.ExternalID, out[i].Contact.Name = c.Contact.ExternalID, c.Contact.Name
		if c.SLA.Policy != "" {
			sla := c.SLA
			out[i].SLA = &sla
		}
		for _, f := range c.Followers {
			out[i].Followers = append(out[i].Followers, f.Name)
		}
	}
	writeJSON(w, http.StatusOK, out)
}

// query parses the query string of r, refusing what it cannot parse,
// parameters not in known (a typo would otherwise be ignored) and a
// parameter given twice. With no known parameters, any query is refused.
func query(r *http.Request, known ...string) (url.Values, error) {
	// r.URL.Query drops what it cannot parse (open;limit=1, %zz) and
	// would list everything unfiltered: refuse instead.
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, invalid("the query string is malformed: %s", inboxbot.Clip(strings.TrimPrefix(err.Error(), "invalid ")))
	}
	for k, v := range q {
		if !slices.Contains(known, k) {
			if len(known) == 0 {
				return nil, invalid("unknown parameter %q: this endpoint takes no parameters", inboxbot.Clip(k))
			}
			return nil, invalid("unknown parameter %q (want %s)", inboxbot.Clip(k), strings.Join(known, ", "))
		}
		if len(v) > 1 {
			return nil, invalid("%s is given %d times; give it once", k, len(v))
		}
	}
	return q, nil
}

// memberParam finds the member a query parameter names; an unknown name
// is the caller's mistake (400), not a missing resource.
func (h *Handler) memberParam(r *http.Request, param, name string) (inboxbot.Member, error) {
	if err := inboxbot.CheckText(param, name, inboxbot.MaxTextLength); err != nil {
		return inboxbot.Member{}, err
	}
	m, err := h.store.MemberByName(r.Context(), strings.TrimPrefix(name, "@"))
	if inboxbot.ErrorCode(err) == inboxbot.ENOTFOUND {
		return m, invalid("%s: no member is named %q", param, name)
	}
	return m, err
}
