package slack_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/bot"
	"github.com/inboxbot/inboxbot/bot/slack"
	"github.com/inboxbot/inboxbot/bot/slack/slacktest"
	"github.com/inboxbot/inboxbot/commands"
	"github.com/inboxbot/inboxbot/routing"
	"github.com/inboxbot/inboxbot/store"
)

var bg = context.Background()

const (
	secret = "test-signing-secret"
	inbox  = "C0INBOX"
	// help is the intake channel every env watches.
	help = "C0HELP"
)

// env is one replica of the Slack adapter over a store, served over HTTP,
// talking to a fake Slack.
type env struct {
	t      testing.TB
	st     *store.Store
	svc    *commands.Service
	fake   *slacktest.Server
	a      *slack.Adapter
	srv    *httptest.Server
	cards  *bot.Cards
	outbox *bot.Outbox
	reg    *prometheus.Registry
	// now is the adapter's clock.
	now time.Time
	seq int
}

// newEnv builds a replica named owner; fake is shared between replicas.
func newEnv(t testing.TB, st *store.Store, fake *slacktest.Server, owner string) *env {
	t.Helper()
	e := &env{t: t, st: st, fake: fake, now: time.Now(), reg: prometheus.NewRegistry()}
	e.svc = commands.New(st, routing.Route)
	e.svc.Log = quiet()
	a, err := slack.New(slack.Config{BotToken: slacktest.BotToken, SigningSecret: secret, InboxChannel: inbox, IntakeChannels: []string{help},
		APIURL: fake.URL + "/api", Service: e.svc, Log: quiet(), Registerer: e.reg, Now: func() time.Time { return e.now }})
	if err != nil {
		t.Fatal(err)
	}
	e.a = a
	// The identity the checks compare requests with (T0TEST, A0TEST).
	if _, err := a.Check(bg); err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	for p, h := range a.Routes() {
		mux.Handle(p, h)
	}
	e.srv = httptest.NewServer(mux)
	t.Cleanup(func() { e.srv.Close(); a.Wait() })
	// Clocks an hour behind make every retry due at once: the test is
	// about what gets delivered, not about waiting for back-off.
	behind := func() time.Time { return time.Now().Add(-time.Hour) }
	e.cards = &bot.Cards{Store: st, Platform: inboxbot.PlatformSlack, Renderer: a, Owner: owner, Log: quiet(), Now: behind}
	e.outbox = &bot.Outbox{Store: st, Senders: map[inboxbot.Platform]bot.Sender{inboxbot.PlatformSlack: a},
		Owner: owner, Log: quiet(), Now: behind}
	return e
}

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// member creates a member linked to a Slack user the fake knows.
func (e *env) member(name, slackID string, role inboxbot.Role) inboxbot.Member {
	e.t.Helper()
	e.fake.AddUser(slackID, name)
	m, err := e.st.CreateMember(bg, inboxbot.Member{Name: name, SlackID: slackID, Role: role})
	if err != nil {
		e.t.Fatal(err)
	}
	return m
}

// inbound adds a message from a contact through the command layer.
func (e *env) inbound(contact, body string) inboxbot.Conversation {
	e.t.Helper()
	res, err := e.svc.Inbound(bg, inboxbot.Inbound{Kind: "message", Channel: "sms", Body: body,
		Contact: inboxbot.Contact{ExternalID: contact, Name: contact}})
	if err != nil {
		e.t.Fatal(err)
	}
	return res.Conversation
}

// flush renders due cards and delivers due DMs.
func (e *env) flush() {
	e.t.Helper()
	if _, err := e.cards.Flush(bg); err != nil {
		e.t.Fatal(err)
	}
	if _, err := e.outbox.Flush(bg); err != nil {
		e.t.Fatal(err)
	}
}

// sign signs body as Slack would at ts.
func sign(body string, ts int64) http.Header {
	mac := hmac.New(sha256.New, []byte(secret))
	fmt.Fprintf(mac, "v0:%d:%s", ts, body)
	h := http.Header{}
	h.Set("X-Slack-Request-Timestamp", strconv.FormatInt(ts, 10))
	h.Set("X-Slack-Signature", "v0="+hex.EncodeToString(mac.Sum(nil)))
	h.Set("Content-Type", "application/x-www-form-urlencoded")
	return h
}

// post sends a signed request to path and returns the status and body.
func (e *env) post(path, body string, h http.Header) (int, string) {
	e.t.Helper()
	if h == nil {
		h = sign(body, e.now.Unix())
	}
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+path, strings.NewReader(body))
	req.Header = h
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// slash types /inbox text as a Slack user and returns the answer.
func (e *env) slash(userID, userName, text string) (int, string) {
	e.seq++
	form := url.Values{"command": {"/inbox"}, "text": {text}, "user_id": {userID}, "user_name": {userName},
		"channel_id": {"C0WORK"}, "team_id": {"T0TEST"}, "api_app_id": {slacktest.AppID},
		"trigger_id": {fmt.Sprintf("trig-%d", e.seq)}, "response_url": {e.fake.ResponseURL(strconv.Itoa(e.seq))}}
	return e.post("/slack/commands", form.Encode(), nil)
}

// clickPayload is a block_actions payload of one action by user.
func (e *env) clickPayload(userID string, action map[string]any) string {
	e.seq++
	p, _ := json.Marshal(map[string]any{"type": "block_actions", "user": map[string]any{"id": userID},
		"response_url": e.fake.ResponseURL(strconv.Itoa(e.seq)), "channel": map[string]any{"id": inbox}, "team": map[string]any{"id": "T0TEST"}, "api_app_id": slacktest.AppID,
		"trigger_id": fmt.Sprintf("trig-%d", e.seq), "actions": []any{action}})
	return url.Values{"payload": {string(p)}}.Encode()
}

// click presses an element of a posted message as user; selected is the
// user picked in a users select.
func (e *env) click(userID string, el element, selected string) int {
	e.t.Helper()
	action := map[string]any{"type": el.Type, "action_id": el.ActionID, "value": el.Value, "block_id": "b"}
	if selected != "" {
		action["selected_user"] = selected
	}
	code, _ := e.post("/slack/interactions", e.clickPayload(userID, action), nil)
	return code
}

// element is an interactive element of posted blocks.
type element struct {
	Type     string `json:"type"`
	ActionID string `json:"action_id"`
	Value    string `json:"value"`
}

// elements lists the interactive elements of blocks, accessories included.
func elements(t testing.TB, blocks json.RawMessage) []element {
	t.Helper()
	var bs []struct {
		Elements  []element `json:"elements"`
		Accessory *element  `json:"accessory"`
	}
	if err := json.Unmarshal(blocks, &bs); err != nil {
		t.Fatalf("blocks: %v", err)
	}
	var out []element
	for _, b := range bs {
		out = append(out, b.Elements...)
		if b.Accessory != nil {
			out = append(out, *b.Accessory)
		}
	}
	return out
}

// find returns the element whose action_id starts with prefix.
func find(t testing.TB, blocks json.RawMessage, prefix string) element {
	t.Helper()
	for _, el := range elements(t, blocks) {
		if strings.HasPrefix(el.ActionID, prefix) {
			return el
		}
	}
	t.Fatalf("no element %q in %s", prefix, blocks)
	return element{}
}

// card returns the inbox card of conversation id, which must be posted once.
func (e *env) card(id int64) slacktest.Message {
	e.t.Helper()
	var found []slacktest.Message
	for _, m := range e.fake.Messages(inbox) {
		if strings.Contains(string(m.Blocks), fmt.Sprintf("\"show:%d\"", id)) {
			found = append(found, m)
		}
	}
	if len(found) != 1 {
		e.t.Fatalf("%d cards of #%d posted, want 1", len(found), id)
	}
	return found[0]
}

// dms returns the DM texts sent to user.
func (e *env) dms(userID string) []string {
	var out []string
	for _, m := range e.fake.Messages("D" + userID) {
		out = append(out, m.Text)
	}
	return out
}

// waitFor polls cond until it holds or 10 seconds pass.
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
