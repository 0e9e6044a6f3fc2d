package api_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/bot/api"
	"github.com/inboxbot/inboxbot/commands"
	"github.com/inboxbot/inboxbot/routing"
	"github.com/inboxbot/inboxbot/routing/teamfile"
	"github.com/inboxbot/inboxbot/store"
)

var bg = context.Background()

// token is the API token of every test handler.
const token = "test-token-5f2c"

// team has a round-robin rule for Facebook leads and a user rule for VIPs.
const team = `
members:
  - {name: dana, role: manager}
  - {name: lee}
  - {name: sam}
rules:
  - name: VIP tag
    status: published
    trigger: contact.tagged
    when: [{field: tag, op: eq, value: vip}]
    assign: {method: user, members: [sam]}
  - name: Facebook leads
    status: published
    trigger: conversation.created
    when: [{field: lead_source, op: eq, value: facebook-ad}]
    assign: {method: round_robin, members: [dana, lee]}
  - name: Forms
    status: published
    trigger: form.submitted
    assign: {method: least_loaded, members: [sam, lee]}
`

// env is an API handler over a store.
type env struct {
	t   testing.TB
	s   *store.Store
	h   http.Handler
	log *logBuffer
}

func newEnv(t testing.TB, s *store.Store) *env {
	t.Helper()
	log := &logBuffer{}
	return &env{t: t, s: s, log: log, h: api.New(commands.New(s, routing.Route), token, slog.New(slog.NewTextHandler(log, nil)))}
}

// withTeam applies the team file to the store.
func (e *env) withTeam(file string) *env {
	e.t.Helper()
	entries, rs, err := teamfile.ParseFile([]byte(file))
	if err != nil {
		e.t.Fatal(err)
	}
	var ms []inboxbot.Member
	for _, m := range entries {
		ms = append(ms, m.Member)
	}
	if err := e.s.ApplyTeam(bg, ms, rs); err != nil {
		e.t.Fatal(err)
	}
	return e
}

// response is a recorded answer.
type response struct {
	status int
	header http.Header
	body   string
}

// json decodes the body into a generic value.
func (r response) json(t testing.TB) map[string]any {
	t.Helper()
	var v map[string]any
	if err := json.Unmarshal([]byte(r.body), &v); err != nil {
		t.Fatalf("response %d is not a JSON object: %v\n%s", r.status, err, r.body)
	}
	return v
}

func (r response) list(t testing.TB) []map[string]any {
	t.Helper()
	var v []map[string]any
	if err := json.Unmarshal([]byte(r.body), &v); err != nil {
		t.Fatalf("response %d is not a JSON list: %v\n%s", r.status, err, r.body)
	}
	return v
}

// do sends a request with the right token.
func (e *env) do(method, path, body string) response {
	return e.doAuth("Bearer "+token, method, path, strings.NewReader(body))
}

func (e *env) doAuth(auth, method, path string, body io.Reader) response {
	e.t.Helper()
	req := httptest.NewRequest(method, path, body)
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, req)
	res := response{status: rec.Code, header: rec.Header(), body: rec.Body.String()}
	if ct := res.header.Get("Content-Type"); ct != "application/json" {
		e.t.Errorf("%s %s: Content-Type %q, want application/json", method, path, ct)
	}
	return res
}

// inboundBody is a message from contact with a message id.
func inboundBody(contact, leadSource, msgID, body string) string {
	b, _ := json.Marshal(map[string]any{
		"kind":    "message",
		"contact": map[string]any{"external_id": contact, "name": strings.ToUpper(contact[:1]) + contact[1:], "lead_source": leadSource},
		"channel": "sms",
		"message": map[string]any{"external_id": msgID, "body": body, "sent_at": "2026-11-25T16:04:05Z"},
	})
	return string(b)
}

// logBuffer collects what concurrent requests log.
type logBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func mustTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}
