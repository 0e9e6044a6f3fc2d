// Package slacktest is a fake Slack for tests: a Web API that checks what
// Slack checks (tokens, required fields, Block Kit limits), records what
// was posted, fails on demand, and speaks the Socket Mode protocol over a
// websocket. It serves on a local httptest server; point the adapter at
// URL + "/api/".
package slacktest

import (
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// Tokens the fake accepts.
const (
	BotToken = "xoxb-test-bot-token"
	AppToken = "xapp-test-app-token"
)

// Message is a message as the fake holds it: posted, maybe updated.
type Message struct {
	Channel, TS, Text string
	// User wrote it (Write); ThreadTS is its thread's first message, ""
	// at top level; Username is the name it was posted under
	// (chat:write.customize); Reactions are the bot's reactions on it.
	User, ThreadTS, Username string
	Reactions                []string
	Blocks                   json.RawMessage
	Metadata                 json.RawMessage
	// Updates counts chat.update calls on the message.
	Updates int
}

// Call is one Web API call that the fake accepted or refused.
type Call struct {
	Method string
	Form   url.Values
	JSON   map[string]any
	// Error is the error the fake answered, "" when ok.
	Error string
}

// Server is the fake Slack.
type Server struct {
	*httptest.Server
	t testing.TB

	mu        sync.Mutex
	calls     []Call
	messages  []*Message
	views     map[string]json.RawMessage
	responses []json.RawMessage
	modals    []Modal
	triggers  map[string]bool
	users     map[string]string
	traits    map[string]map[string]any
	seq       int
	failRate  float64
	failOn    map[string]bool
	refuse    map[string]string
	latency   time.Duration
	socket    *socket
	// connections counts Socket Mode connections opened.
	connections int
	outage      outage
	// channels names the channels conversations.info knows; outside are
	// channels the bot is not in.
	channels map[string]string
	outside  map[string]bool
}

// New starts a fake Slack, closed when the test ends.
func New(t testing.TB) *Server {
	s := &Server{t: t, views: map[string]json.RawMessage{}, users: map[string]string{}, failOn: map[string]bool{},
		traits:   map[string]map[string]any{},
		triggers: map[string]bool{}, refuse: map[string]string{}, channels: map[string]string{}, outside: map[string]bool{}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/{method}", s.api)
	// slack-go sends a few methods (chat.getPermalink) as GET with a
	// Bearer token and the arguments in the query.
	mux.HandleFunc("GET /api/{method}", s.api)
	mux.HandleFunc("POST /response/{id}", s.response)
	mux.HandleFunc("GET /socket", s.serveSocket)
	s.Server = httptest.NewServer(s.outage.Wrap(mux))
	t.Cleanup(s.Close)
	return s
}

// APIURL is the Web API base URL, with the trailing slash slack-go needs.
func (s *Server) APIURL() string { return s.URL + "/api/" }

// ResponseURL is a response_url that records what is posted to it.
func (s *Server) ResponseURL(id string) string { return s.URL + "/response/" + id }

// AddUser makes a Slack user known to users.info and conversations.open.
func (s *Server) AddUser(id, name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.users[id] = name
}

// SetUser adds a user the way users.info describes them, with extra
// fields such as is_bot, deleted or team_id.
func (s *Server) SetUser(id, name string, fields map[string]any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.users[id] = name
	s.traits[id] = fields
}

// Fail makes a share rate of the calls to methods fail, half with 500 and
// half with 429 and Retry-After: 0.
func (s *Server) Fail(rate float64, methods ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failRate = rate
	for _, m := range methods {
		s.failOn[m] = true
	}
}

// Latency makes every Web API answer take d (0: answer at once), like
// Slack under load. Calls are handled in the order they arrive, after d.
func (s *Server) Latency(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.latency = d
}

// Refuse makes every call to method answer Slack's error code, such as
// "not_in_channel", until Refuse(method, "") lifts it.
func (s *Server) Refuse(method, code string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refuse[method] = code
}

func (s *Server) api(w http.ResponseWriter, r *http.Request) {
	method := r.PathValue("method")
	call, token, err := readCall(r, method)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	latency := s.latency
	s.mu.Unlock()
	if latency > 0 {
		time.Sleep(latency) // Slack is slow; the client waits
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failOn[method] && rand.Float64() < s.failRate {
		s.calls = append(s.calls, Call{Method: method, Error: "injected"})
		if rand.IntN(2) == 0 {
			w.Header().Set("Retry-After", "0")
			http.Error(w, "rate limited", http.StatusTooManyRequests)
			return
		}
		http.Error(w, "<html>boom</html>", http.StatusInternalServerError)
		return
	}
	want := BotToken
	if method == "apps.connections.open" {
		want = AppToken
	}
	var out map[string]any
	var fail string
	switch {
	case token == "":
		fail = "not_authed"
	case token != want || s.outage.revoked(token):
		fail = "invalid_auth"
	case s.refuse[method] != "":
		fail = s.refuse[method]
	default:
		out, fail = s.handle(method, call)
	}
	call.Error = fail
	s.calls = append(s.calls, call)
	w.Header().Set("Content-Type", "application/json")
	if fail != "" {
		json.NewEncoder(w).Encode(map[string]any{"ok": false, "error": fail})
		return
	}
	out["ok"] = true
	json.NewEncoder(w).Encode(out)
}

// readCall reads a form or JSON call and its token: the form field token
// for form methods, the Bearer header for JSON ones, as slack-go sends them.
func readCall(r *http.Request, method string) (Call, string, error) {
	c := Call{Method: method}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			return c, "", err
		}
		if len(body) > 0 && string(body) != "null" {
			if err := json.Unmarshal(body, &c.JSON); err != nil {
				return c, "", fmt.Errorf("bad JSON: %v", err)
			}
		}
		return c, strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer "), nil
	}
	if r.Method == http.MethodGet {
		c.Form = r.URL.Query()
		return c, strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer "), nil
	}
	if err := r.ParseForm(); err != nil {
		return c, "", err
	}
	c.Form = r.PostForm
	return c, r.PostForm.Get("token"), nil
}

// handle answers an authorised call: the result, or Slack's error code.
func (s *Server) handle(method string, c Call) (map[string]any, string) {
	f := c.Form
	switch method {
	case "chat.postMessage", "chat.update":
		if f.Get("channel") == "" {
			return nil, "channel_not_found"
		}
		if f.Get("text") == "" && f.Get("blocks") == "" {
			return nil, "no_text"
		}
		if len([]rune(f.Get("text"))) > 40000 {
			return nil, "msg_too_long"
		}
		if f.Get("blocks") != "" {
			if why := CheckBlocks(json.RawMessage(f.Get("blocks")), 50); why != "" {
				s.t.Logf("slacktest: %s refused: %s", method, why)
				return nil, "invalid_blocks"
			}
		}
		if method == "chat.update" {
			return s.update(f)
		}
		if s.outside[f.Get("channel")] {
			return nil, "not_in_channel"
		}
		if ts := f.Get("thread_ts"); ts != "" && s.find(f.Get("channel"), ts) == nil {
			return nil, "thread_not_found"
		}
		s.seq++
		m := &Message{Channel: f.Get("channel"), TS: fmt.Sprintf("1700000000.%06d", s.seq), Text: f.Get("text"),
			Blocks: json.RawMessage(f.Get("blocks")), Metadata: json.RawMessage(f.Get("metadata")),
			ThreadTS: f.Get("thread_ts"), Username: f.Get("username")}
		s.messages = append(s.messages, m)
		return map[string]any{"channel": m.Channel, "ts": m.TS}, ""
	case "chat.delete":
		for i, m := range s.messages {
			if m.Channel == f.Get("channel") && m.TS == f.Get("ts") {
				s.messages = append(s.messages[:i], s.messages[i+1:]...)
				return map[string]any{"channel": m.Channel, "ts": m.TS}, ""
			}
		}
		return nil, "message_not_found"
	case "conversations.open":
		user := f.Get("users")
		if user == "" {
			return nil, "users_list_not_supplied"
		}
		if _, ok := s.users[user]; !ok {
			return nil, "user_not_found"
		}
		return map[string]any{"channel": map[string]any{"id": "D" + user}}, ""
	case "users.info":
		name, ok := s.users[f.Get("user")]
		if !ok {
			return nil, "user_not_found"
		}
		u := map[string]any{"id": f.Get("user"), "name": name, "profile": map[string]any{"display_name": name}}
		for k, v := range s.traits[f.Get("user")] {
			u[k] = v
		}
		return map[string]any{"user": u}, ""
	case "views.publish":
		user, _ := c.JSON["user_id"].(string)
		view, _ := c.JSON["view"].(map[string]any)
		if user == "" || view == nil {
			return nil, "invalid_arguments"
		}
		blocks, _ := json.Marshal(view["blocks"])
		if why := CheckBlocks(blocks, 100); why != "" {
			s.t.Logf("slacktest: views.publish refused: %s", why)
			return nil, "invalid_blocks"
		}
		s.views[user] = blocks
		return map[string]any{"view": map[string]any{"id": "V1"}}, ""
	case "views.open":
		return s.openView(c)
	case "auth.test", "bots.info":
		return identity(method, f)
	case "apps.connections.open":
		return map[string]any{"url": "ws" + strings.TrimPrefix(s.URL, "http") + "/socket"}, ""
	}
	return s.handleThreads(method, f)
}

func (s *Server) update(f url.Values) (map[string]any, string) {
	for _, m := range s.messages {
		if m.Channel == f.Get("channel") && m.TS == f.Get("ts") {
			m.Text, m.Blocks, m.Updates = f.Get("text"), json.RawMessage(f.Get("blocks")), m.Updates+1
			return map[string]any{"channel": m.Channel, "ts": m.TS}, ""
		}
	}
	return nil, "message_not_found"
}

func (s *Server) response(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	if !json.Valid(body) {
		http.Error(w, "bad JSON", http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	s.responses = append(s.responses, body)
	s.mu.Unlock()
	io.WriteString(w, "ok")
}

// Delete removes the message ts, as a person deleting it in Slack would:
// chat.update on it answers message_not_found.
func (s *Server) Delete(ts string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, m := range s.messages {
		if m.TS == ts {
			s.messages = append(s.messages[:i], s.messages[i+1:]...)
			return
		}
	}
}

// Messages returns copies of the messages posted to channel ("" for all).
func (s *Server) Messages(channel string) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Message
	for _, m := range s.messages {
		if channel == "" || m.Channel == channel {
			out = append(out, *m)
		}
	}
	return out
}

// Calls returns the calls made to method ("" for all), failed ones included.
func (s *Server) Calls(method string) []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Call
	for _, c := range s.calls {
		if method == "" || c.Method == method {
			out = append(out, c)
		}
	}
	return out
}

// Responses returns what was posted to response URLs, in order.
func (s *Server) Responses() []json.RawMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]json.RawMessage(nil), s.responses...)
}

// View returns the App Home blocks last published for user.
func (s *Server) View(user string) json.RawMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.views[user]
}
