package discordtest

import (
	"encoding/json"
	"net/http"
	"sort"
	"strconv"
	"time"
)

// Channel types and limits the fake knows.
const (
	// TypePrivateThread is a private thread (GUILD_PRIVATE_THREAD).
	TypePrivateThread = 12
	typePublicThread  = 11
	maxThreadName     = 100
	// codeArchivedThread is Discord's error for a change in an archived
	// (here: archived and locked) thread.
	codeArchivedThread = 50083
)

// Thread is a thread the fake holds.
type Thread struct {
	ID, ParentID, Name string
	Type               int
	Invitable          bool
	Archived, Locked   bool
	// Members are the user ids in the thread, the bot first.
	Members []string
}

// Thread returns the thread id, and whether there is one.
func (s *Server) Thread(id string) (Thread, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.threads[id]
	if !ok {
		return Thread{}, false
	}
	c := *t
	c.Members = append([]string(nil), t.Members...)
	return c, true
}

// Threads returns the threads started in channel parent, oldest first.
func (s *Server) Threads(parent string) []Thread {
	s.mu.Lock()
	var ids []string
	for id, t := range s.threads {
		if t.ParentID == parent {
			ids = append(ids, id)
		}
	}
	s.mu.Unlock()
	sort.Slice(ids, func(i, j int) bool { return len(ids[i]) < len(ids[j]) || len(ids[i]) == len(ids[j]) && ids[i] < ids[j] })
	var out []Thread
	for _, id := range ids {
		t, _ := s.Thread(id)
		out = append(out, t)
	}
	return out
}

// startThread answers POST /channels/{parent}/threads without a message:
// a private (12) or public (11) thread named 1-100 characters, which the
// bot that creates it is a member of.
func (s *Server) startThread(parent string, body []byte) (int, any) {
	var req struct {
		Name      string `json:"name"`
		Type      int    `json:"type"`
		Invitable *bool  `json:"invitable"`
	}
	if err := json.Unmarshal(body, &req); err != nil {
		return s.refuse("thread body is not JSON")
	}
	if n := size(req.Name); n < 1 || n > maxThreadName {
		return s.refuse(errorf("thread name of %d characters, not 1-%d", n, maxThreadName))
	}
	if req.Type != TypePrivateThread && req.Type != typePublicThread {
		return s.refuse(errorf("thread type %d, want 11 or 12", req.Type))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, isThread := s.threads[parent]; isThread {
		return http.StatusBadRequest, apiError(50024, "Cannot execute action on this channel type")
	}
	s.nextID++
	t := &Thread{ID: strconv.FormatInt(s.nextID, 10), ParentID: parent, Name: req.Name, Type: req.Type,
		Invitable: req.Invitable == nil || *req.Invitable, Members: []string{BotUserID}}
	s.threads[t.ID] = t
	return http.StatusCreated, t.json()
}

// json is t as Discord shows a channel.
func (t *Thread) json() map[string]any {
	return map[string]any{"id": t.ID, "type": t.Type, "parent_id": t.ParentID, "name": t.Name,
		"member_count": len(t.Members), "thread_metadata": map[string]any{"archived": t.Archived, "locked": t.Locked,
			"invitable": t.Invitable, "auto_archive_duration": 10080, "archive_timestamp": time.Now().UTC().Format(time.RFC3339)}}
}

// addThreadMember answers PUT /channels/{thread}/thread-members/{user}.
func (s *Server) addThreadMember(thread, user string) (int, any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.threads[thread]
	switch {
	case !ok:
		return http.StatusNotFound, apiError(10003, "Unknown Channel")
	case t.Archived:
		return http.StatusBadRequest, apiError(codeArchivedThread, "Thread is archived")
	}
	for _, m := range t.Members {
		if m == user {
			return http.StatusNoContent, nil
		}
	}
	t.Members = append(t.Members, user)
	return http.StatusNoContent, nil
}

// editChannel answers PATCH /channels/{id} for a thread: archived and
// locked. Like Discord, a locked thread is unarchived only by someone
// with Manage Threads (the bot has it here).
func (s *Server) editChannel(id string, body []byte) (int, any) {
	var req struct {
		Archived *bool `json:"archived"`
		Locked   *bool `json:"locked"`
	}
	if err := json.Unmarshal(body, &req); err != nil {
		return s.refuse("channel edit is not JSON")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.threads[id]
	if !ok {
		return http.StatusNotFound, apiError(10003, "Unknown Channel")
	}
	if req.Archived != nil {
		t.Archived = *req.Archived
	}
	if req.Locked != nil {
		t.Locked = *req.Locked
	}
	return http.StatusOK, t.json()
}

// threadRefusal is Discord's answer to a post in channel when it is an
// archived, locked thread (an archived thread that is not locked is
// unarchived by the post, as Discord does), or "" when the post may go
// ahead. It also checks that a message mentions nobody outside the
// thread. Called with s.mu held.
func (s *Server) threadRefusal(channel string, users []string) (int, any, string) {
	t, ok := s.threads[channel]
	if !ok {
		if len(users) > 0 {
			return 0, nil, "allowed_mentions.users outside a thread: inboxbot pings nobody there"
		}
		return 0, nil, ""
	}
	if t.Archived && t.Locked {
		return http.StatusBadRequest, apiError(codeArchivedThread, "Thread is archived"), ""
	}
	t.Archived = false
	for _, u := range users {
		in := false
		for _, m := range t.Members {
			in = in || m == u
		}
		if !in || u == BotUserID {
			return 0, nil, errorf("allowed_mentions.users names %s, who is not the contact in this thread", u)
		}
	}
	return 0, nil, ""
}

// listMessages answers GET /channels/{id}/messages: the newest first, at
// most limit (1-100, 50 when absent), each with the bot as its author
// unless a person wrote it.
func (s *Server) listMessages(channel string, r *http.Request) (int, any) {
	limit := 50
	if l := r.URL.Query().Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > 100 {
			return s.refuse("limit must be 1-100")
		}
		limit = n
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []map[string]any{}
	for i := len(s.order) - 1; i >= 0 && len(out) < limit; i-- {
		m := s.messages[s.order[i]]
		if m.ChannelID != channel {
			continue
		}
		var fields map[string]any
		json.Unmarshal(m.Body, &fields)
		fields["id"], fields["channel_id"] = m.ID, m.ChannelID
		fields["author"] = map[string]any{"id": BotUserID, "username": "inboxbot", "bot": true}
		if m.Author != "" {
			fields["author"] = map[string]any{"id": m.Author, "username": "u" + m.Author}
		}
		out = append(out, fields)
	}
	return http.StatusOK, out
}

// ForgetNonces makes the fake forget the nonces it saw, as Discord does
// once its window has passed.
func (s *Server) ForgetNonces() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.nonces)
}
