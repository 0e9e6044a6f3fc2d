package slack_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/bot/slack/slacktest"
	"github.com/inboxbot/inboxbot/store"
)

// modal is the part of an opened view the tests read.
type modal struct {
	Title struct {
		Text string `json:"text"`
	} `json:"title"`
	CallbackID      string `json:"callback_id"`
	PrivateMetadata string `json:"private_metadata"`
}

// openedModal decodes the n-th view opened with views.open.
func (e *env) openedModal(n int) (slacktest.Modal, modal) {
	e.t.Helper()
	waitFor(e.t, "views.open", func() bool { return len(e.fake.Modals()) > n })
	m := e.fake.Modals()[n]
	var v modal
	if err := json.Unmarshal(m.View, &v); err != nil {
		e.t.Fatal(err)
	}
	return m, v
}

// submit sends the view_submission of a reply form opened as v, with text
// in its input, as user; it returns the HTTP status and body.
func (e *env) submit(userID string, v modal, text string) (int, string) {
	e.t.Helper()
	p, _ := json.Marshal(map[string]any{"type": "view_submission", "user": map[string]any{"id": userID, "team_id": slacktest.TeamID},
		"team": map[string]any{"id": slacktest.TeamID}, "api_app_id": slacktest.AppID,
		"view": map[string]any{"id": "V1", "type": "modal", "callback_id": v.CallbackID,
			"private_metadata": v.PrivateMetadata,
			"state": map[string]any{"values": map[string]any{
				"reply": map[string]any{"text": map[string]any{"type": "plain_text_input", "value": text}}}}}})
	return e.post("/slack/interactions", url.Values{"payload": {string(p)}}.Encode(), nil)
}

// formErrors decodes a response_action errors answer; nil when the body
// is something else.
func formErrors(body string) map[string]string {
	var r struct {
		ResponseAction string            `json:"response_action"`
		Errors         map[string]string `json:"errors"`
	}
	if json.Unmarshal([]byte(body), &r) != nil || r.ResponseAction != "errors" {
		return nil
	}
	return r.Errors
}

// messages lists a conversation's messages, oldest first.
func (e *env) messages(convID int64) []inboxbot.Message {
	e.t.Helper()
	ms, err := e.st.Messages(bg, convID, 100)
	if err != nil {
		e.t.Fatal(err)
	}
	return ms
}

// webhookQueue leases what waits for the outbound webhook.
func (e *env) webhookQueue() []inboxbot.Notification {
	e.t.Helper()
	ns, err := e.st.Lease(bg, "test", []inboxbot.Platform{inboxbot.PlatformWebhook}, 100, time.Minute)
	if err != nil {
		e.t.Fatal(err)
	}
	return ns
}

// event posts a signed Events API callback with a fresh event id and
// waits until the adapter has handled it.
func (e *env) event(inner map[string]any) {
	e.t.Helper()
	e.seq++
	inner["event_ts"] = fmt.Sprintf("1700000100.%06d", e.seq)
	body, _ := json.Marshal(map[string]any{"type": "event_callback", "team_id": "T0TEST", "api_app_id": slacktest.AppID,
		"authorizations": []any{map[string]any{"team_id": slacktest.TeamID}},
		"event_id":       fmt.Sprintf("Ev%d", e.seq), "event": inner})
	if code, resp := e.post("/slack/events", string(body), nil); code != 200 {
		e.t.Fatalf("event: %d %s", code, resp)
	}
	e.a.Wait()
}

// responseText is the text of the n-th answer posted to a response_url,
// waiting for it.
func (e *env) responseText(t testing.TB, n int) string {
	t.Helper()
	waitFor(t, "an answer at response_url", func() bool { return len(e.fake.Responses()) > n })
	var r struct {
		ResponseType string `json:"response_type"`
		Text         string `json:"text"`
	}
	json.Unmarshal(e.fake.Responses()[n], &r)
	return r.ResponseType + ": " + r.Text
}

// has reports whether blocks hold an element whose action_id starts with prefix.
func has(t testing.TB, blocks json.RawMessage, prefix string) bool {
	for _, el := range elements(t, blocks) {
		if strings.HasPrefix(el.ActionID, prefix) {
			return true
		}
	}
	return false
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }

// recordingRenderer stands in for another platform's card renderer: it
// records what each card would show.
type recordingRenderer struct {
	mu   sync.Mutex
	seen map[int64]inboxbot.Conversation
	n    int
}

// RenderCard records the job and gives the card a message id (bot.CardRenderer).
func (r *recordingRenderer) RenderCard(_ context.Context, job store.CardJob) (inboxbot.Card, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.seen == nil {
		r.seen = map[int64]inboxbot.Conversation{}
	}
	r.n++
	r.seen[job.Conversation.ID] = job.Conversation
	card := job.Card
	if card.MessageID == "" {
		card.Channel, card.MessageID = "D0INBOX", fmt.Sprint(r.n)
	}
	return card, nil
}

// last is the conversation as its card last showed it.
func (r *recordingRenderer) last(id int64) (inboxbot.Conversation, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	c, ok := r.seen[id]
	return c, ok
}
