// Package discordtest is a fake Discord REST API and gateway for tests:
// it checks what Discord checks (the bot token, payload limits, allowed
// mentions), records every call, keeps the messages it was sent, and
// fails a share of requests with 429 or 500 on demand.
package discordtest

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/inboxbot/inboxbot/bot/server/servertest"
)

// Call is one request the fake answered.
type Call struct {
	Method string
	// Route is the path with the /api/vN prefix removed.
	Route  string
	Body   []byte
	Status int
}

// Message is a message the fake holds: posted in a channel (or a DM
// channel), or an interaction's response or follow-up.
type Message struct {
	ID, ChannelID string
	// Body is the JSON the bot sent, last edit last ({"content": ...}
	// for a person's message).
	Body  json.RawMessage
	Edits int
	// Author is the user id of the person who wrote it (see Write); ""
	// for the bot's own messages.
	Author string
}

// Server is the fake. Create it with New; it closes when the test ends.
type Server struct {
	*httptest.Server
	t     testing.TB
	Token string

	mu         sync.Mutex
	calls      []Call
	messages   map[string]*Message
	order      []string
	violations []string
	nextID     int64
	failRate   float64
	limitNext  int
	rng        *rand.Rand
	gateway    *gateway
	identified []json.RawMessage
	outage     servertest.Outage
	nonces     map[string]nonceSeen
	latency    time.Duration
	forbidden  map[string]bool
	threads    map[string]*Thread
}

// nonceSeen is the message a nonce created, and when.
type nonceSeen struct {
	id string
	at time.Time
}

// NonceWindow is how long the fake, like Discord, answers a create that
// repeats an enforced nonce with the message created first.
const NonceWindow = 5 * time.Minute

// maxNonce is the longest nonce Discord takes.
const maxNonce = 25

// Forbid makes posts and edits in channel answer 403 Missing Permissions
// (50013), as when the bot's role lacks Send Messages there, until
// Forbid(channel, false).
func (s *Server) Forbid(channel string, forbidden bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.forbidden == nil {
		s.forbidden = map[string]bool{}
	}
	s.forbidden[channel] = forbidden
}

// Latency makes every REST answer take d (0: answer at once), like a
// platform under load.
func (s *Server) Latency(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.latency = d
}

// New starts a fake that accepts the bot token token.
func New(t testing.TB, token string) *Server {
	s := &Server{t: t, Token: token, messages: map[string]*Message{}, nextID: 900000000000000000, nonces: map[string]nonceSeen{},
		threads: map[string]*Thread{}, rng: rand.New(rand.NewPCG(1, 2))}
	s.gateway = newGateway(s)
	mux := http.NewServeMux()
	mux.HandleFunc("/gw/", s.gateway.serve)
	mux.HandleFunc("/", s.serve)
	s.Server = httptest.NewServer(s.outage.Wrap(mux))
	t.Cleanup(func() {
		s.gateway.close()
		s.Server.Close()
	})
	return s
}

// RateLimitWait is how long a 429 of the fake asks the bot to wait.
const RateLimitWait = 50 * time.Millisecond

// FailRate makes that share (0 to 1) of REST requests fail, half with 429
// (wait RateLimitWait) and half with 500, before they change anything.
func (s *Server) FailRate(rate float64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failRate = rate
}

// RateLimitNext makes the next n REST requests fail with 429.
func (s *Server) RateLimitNext(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.limitNext = n
}

// Calls returns the calls so far whose "METHOD route" matches the regular
// expression pattern, such as `POST /channels/\d+/messages`.
func (s *Server) Calls(pattern string) []Call {
	re := regexp.MustCompile("^(?:" + pattern + ")$")
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Call
	for _, c := range s.calls {
		if re.MatchString(c.Method + " " + c.Route) {
			out = append(out, c)
		}
	}
	return out
}

// Messages returns the messages posted in channel, oldest first.
func (s *Server) Messages(channel string) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Message
	for _, id := range s.order {
		if m := s.messages[id]; m.ChannelID == channel {
			out = append(out, *m)
		}
	}
	return out
}

// DMChannel is the channel id the fake gives the DMs with user.
func DMChannel(user string) string { return "7" + user }

// Violations lists what the fake refused as Discord would (limits, a
// missing allowed_mentions); a test asserts it is empty.
func (s *Server) Violations() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.violations...)
}

var apiPrefix = regexp.MustCompile(`^/api/v\d+`)

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	route := apiPrefix.ReplaceAllString(r.URL.Path, "")
	body, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	latency := s.latency
	s.mu.Unlock()
	if latency > 0 && !strings.HasPrefix(route, "/gateway") {
		time.Sleep(latency) // the platform is slow; the client waits
	}
	status, out := s.answer(r, route, body, w)
	s.mu.Lock()
	s.calls = append(s.calls, Call{Method: r.Method, Route: route, Body: body, Status: status})
	s.mu.Unlock()
	if status == http.StatusNoContent {
		w.WriteHeader(status)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(out)
}

// answer routes one request and returns the status and JSON to send.
func (s *Server) answer(r *http.Request, route string, body []byte, w http.ResponseWriter) (int, any) {
	webhook := strings.HasPrefix(route, "/webhooks/") || strings.HasPrefix(route, "/interactions/")
	if !webhook && r.Header.Get("Authorization") != "Bot "+s.Token {
		return http.StatusUnauthorized, apiError(0, "401: Unauthorized")
	}
	if r.Method == http.MethodGet && (route == "/gateway" || route == "/gateway/bot") {
		return http.StatusOK, map[string]any{"url": "ws" + strings.TrimPrefix(s.URL, "http") + "/gw", "shards": 1}
	}
	if st, out, failed := s.fail(w); failed {
		return st, out
	}
	p := strings.Split(strings.Trim(route, "/"), "/")
	s.mu.Lock()
	forbidden := len(p) >= 3 && p[0] == "channels" && p[2] == "messages" && s.forbidden[p[1]]
	s.mu.Unlock()
	if forbidden {
		return http.StatusForbidden, apiError(50013, "Missing Permissions")
	}
	switch {
	case r.Method == http.MethodGet && route == "/users/@me":
		return http.StatusOK, map[string]any{"id": BotUserID, "username": "inboxbot", "bot": true}
	case r.Method == http.MethodGet && len(p) == 2 && p[0] == "channels":
		// Every channel the fake knows is a text channel of GuildID.
		return http.StatusOK, map[string]any{"id": p[1], "type": 0, "guild_id": GuildID}
	case r.Method == http.MethodPut && p[0] == "applications" && p[len(p)-1] == "commands":
		return s.overwriteCommands(body)
	case r.Method == http.MethodPost && route == "/users/@me/channels":
		var req struct {
			RecipientID string `json:"recipient_id"`
		}
		json.Unmarshal(body, &req)
		if strings.HasPrefix(req.RecipientID, "4") { // users whose DMs are closed
			return http.StatusForbidden, apiError(50007, "Cannot send messages to this user")
		}
		return http.StatusOK, map[string]any{"id": DMChannel(req.RecipientID), "type": 1}
	case r.Method == http.MethodPost && len(p) == 3 && p[0] == "channels" && p[2] == "messages":
		return s.create(p[1], body)
	case r.Method == http.MethodGet && len(p) == 3 && p[0] == "channels" && p[2] == "messages":
		return s.listMessages(p[1], r)
	case r.Method == http.MethodPost && len(p) == 3 && p[0] == "channels" && p[2] == "threads":
		return s.startThread(p[1], body)
	case r.Method == http.MethodPut && len(p) == 4 && p[0] == "channels" && p[2] == "thread-members":
		return s.addThreadMember(p[1], p[3])
	case r.Method == http.MethodPatch && len(p) == 2 && p[0] == "channels":
		return s.editChannel(p[1], body)
	case r.Method == http.MethodPatch && len(p) == 4 && p[0] == "channels" && p[2] == "messages":
		return s.edit(p[1], p[3], body)
	case r.Method == http.MethodDelete && len(p) == 4 && p[0] == "channels" && p[2] == "messages":
		return s.remove(p[1], p[3])
	case r.Method == http.MethodPut && len(p) == 7 && p[0] == "channels" && p[4] == "reactions" && p[6] == "@me":
		return http.StatusNoContent, nil
	case r.Method == http.MethodPost && len(p) == 4 && p[0] == "interactions" && p[3] == "callback":
		if v := checkCallback(body); v != "" {
			return s.refuse(v)
		}
		return http.StatusNoContent, nil
	case r.Method == http.MethodPost && len(p) == 3 && p[0] == "webhooks":
		return s.create("webhook:"+p[2], body)
	}
	return http.StatusNotFound, apiError(0, "404: Not Found")
}

// fail decides whether this request fails on purpose.
func (s *Server) fail(w http.ResponseWriter) (int, any, bool) {
	s.mu.Lock()
	roll, rate := s.rng.Float64(), s.failRate
	if s.limitNext > 0 {
		s.limitNext--
		roll, rate = 0, 1
	}
	s.mu.Unlock()
	switch {
	case roll >= rate:
		return 0, nil, false
	case roll < rate/2:
		rateLimited(w, RateLimitWait)
		return http.StatusTooManyRequests, map[string]any{"retry_after": RateLimitWait.Seconds(), "global": false,
			"message": "You are being rate limited."}, true
	}
	return http.StatusInternalServerError, apiError(0, "500: Internal Server Error"), true
}

// rateLimited sets the headers of a 429 that asks to wait d, all saying
// the same wait: Retry-After in whole seconds as HTTP defines it (rounded
// up, so obeying it never comes too early), X-RateLimit-Reset-After in
// the fractional seconds the body's retry_after also gives.
func rateLimited(w http.ResponseWriter, d time.Duration) {
	w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(d.Seconds()))))
	w.Header().Set("X-RateLimit-Limit", "5")
	w.Header().Set("X-RateLimit-Remaining", "0")
	w.Header().Set("X-RateLimit-Reset-After", strconv.FormatFloat(d.Seconds(), 'f', -1, 64))
	w.Header().Set("X-RateLimit-Scope", "user")
}

func (s *Server) refuse(v string) (int, any) {
	s.mu.Lock()
	s.violations = append(s.violations, v)
	s.mu.Unlock()
	s.t.Logf("discordtest: refused: %s", v)
	return http.StatusBadRequest, apiError(50035, "Invalid Form Body: "+v)
}

// create posts a message. Like Discord, a create carrying a nonce with
// enforce_nonce that the bot used within NonceWindow returns the message
// that nonce created, and creates nothing.
func (s *Server) create(channel string, body []byte) (int, any) {
	if v := checkMessage(body); v != "" {
		return s.refuse(v)
	}
	var n struct {
		Nonce           any  `json:"nonce"`
		EnforceNonce    bool `json:"enforce_nonce"`
		AllowedMentions struct {
			Users []string `json:"users"`
		} `json:"allowed_mentions"`
	}
	json.Unmarshal(body, &n)
	nonce := ""
	if n.Nonce != nil {
		nonce = fmt.Sprint(n.Nonce)
		if len(nonce) > maxNonce {
			return s.refuse(errorf("nonce of %d characters, over %d", len(nonce), maxNonce))
		}
	}
	s.mu.Lock()
	status, out, v := s.threadRefusal(channel, n.AllowedMentions.Users)
	s.mu.Unlock()
	switch {
	case v != "":
		return s.refuse(v)
	case status != 0:
		return status, out
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if seen, ok := s.nonces[nonce]; ok && n.EnforceNonce && time.Since(seen.at) < NonceWindow {
		// The first message, even if it was deleted since.
		return http.StatusOK, map[string]any{"id": seen.id, "channel_id": channel}
	}
	s.nextID++
	id := strconv.FormatInt(s.nextID, 10)
	s.messages[id] = &Message{ID: id, ChannelID: channel, Body: body}
	s.order = append(s.order, id)
	if nonce != "" && n.EnforceNonce {
		s.nonces[nonce] = nonceSeen{id: id, at: time.Now()}
	}
	return http.StatusOK, map[string]any{"id": id, "channel_id": channel}
}

func (s *Server) edit(channel, id string, body []byte) (int, any) {
	if v := checkMessage(body); v != "" {
		return s.refuse(v)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	m, ok := s.messages[id]
	if !ok || m.ChannelID != channel {
		return http.StatusNotFound, apiError(10008, "Unknown Message")
	}
	m.Body, m.Edits = body, m.Edits+1
	return http.StatusOK, map[string]any{"id": id, "channel_id": channel}
}

// remove deletes a message, as the bot (or a person) deleting it would.
// Write holds text as written by the person author in channel (a
// thread, say), the way people's messages sit beside the bot's; the test
// delivers the MESSAGE_CREATE itself with DispatchEvent, with the
// returned message's id.
func (s *Server) Write(channel, author, text string) Message {
	body, _ := json.Marshal(map[string]any{"content": text})
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextID++
	m := &Message{ID: strconv.FormatInt(s.nextID, 10), ChannelID: channel, Body: body, Author: author}
	s.messages[m.ID] = m
	s.order = append(s.order, m.ID)
	return *m
}

func (s *Server) remove(channel, id string) (int, any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, ok := s.messages[id]
	if !ok || m.ChannelID != channel {
		return http.StatusNotFound, apiError(10008, "Unknown Message")
	}
	delete(s.messages, id)
	for i, o := range s.order {
		if o == id {
			s.order = append(s.order[:i], s.order[i+1:]...)
			break
		}
	}
	return http.StatusNoContent, nil
}

func apiError(code int, msg string) map[string]any {
	return map[string]any{"code": code, "message": msg}
}

// Errorf is a formatted violation.
func errorf(format string, args ...any) string { return fmt.Sprintf(format, args...) }
