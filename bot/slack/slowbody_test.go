package slack_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/inboxbot/inboxbot/bot/api"
	"github.com/inboxbot/inboxbot/bot/server"
	"github.com/inboxbot/inboxbot/bot/server/servertest"
	"github.com/inboxbot/inboxbot/bot/slack/slacktest"
	"github.com/inboxbot/inboxbot/store/storetest"
)

// serveReplica serves the adapter's routes and the API the way serve
// mounts them, on a server with two in-flight slots.
func serveReplica(t *testing.T, e *env, bodyTimeout time.Duration) (addr string) {
	t.Helper()
	srv := server.New(server.Options{Log: quiet(), MaxInFlight: 2, SignedBodyTimeout: bodyTimeout})
	for p, h := range e.a.Routes() {
		srv.HandleSigned(p, h)
	}
	h := api.New(e.svc, "api-token", quiet())
	for _, p := range api.Patterns() {
		srv.Handle(p, h)
	}
	return servertest.Serve(t, srv)
}

// forged are signature headers of the right form and time, as anyone can
// write them without the secret.
func forged(now time.Time) http.Header {
	h := http.Header{}
	h.Set("X-Slack-Request-Timestamp", fmt.Sprint(now.Unix()))
	h.Set("X-Slack-Signature", "v0="+strings.Repeat("ab", 32))
	h.Set("Content-Type", "application/x-www-form-urlencoded")
	return h
}

// TestSlack_SlowBodiesHoldNoSlotAndTheAPIStillAnswers: a client that
// announced a body and trickles it used to hold one of the in-flight slots
// for 30 s before any signature check, so 64 of them made the replica
// answer 503 to everything. Now the body is read before a slot is taken.
func TestSlack_SlowBodiesHoldNoSlotAndTheAPIStillAnswers(t *testing.T) {
	st := storetest.Open(t, "sqlite")
	e := newEnv(t, st, slacktest.New(t), "r1")
	addr := serveReplica(t, e, time.Hour)
	for _, path := range []string{"/slack/commands", "/slack/interactions", "/slack/events"} {
		for range 4 {
			servertest.StartBody(t, addr, path, forged(e.now))
		}
	}
	waitFor(t, "12 slow bodies being read", func() bool { return servertest.BodiesReading(t, addr, 12) })
	req, _ := http.NewRequest("GET", "http://"+addr+"/api/v1/conversations", nil)
	req.Header.Set("Authorization", "Bearer api-token")
	for range 3 {
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("the API with 12 slow chat bodies open = %d, want 200", resp.StatusCode)
		}
	}
	// A verified command is served too: the slots are free for it.
	e.srv.URL = "http://" + addr
	if code, _ := e.slash("U0KIM", "kim", "help"); code != http.StatusOK {
		t.Fatalf("a signed command with 12 slow bodies open = %d, want 200", code)
	}
}

// TestSlack_MissingOrMalformedSignatureIs401BeforeTheBodyIsRead: no byte
// of the body is waited for.
func TestSlack_MissingOrMalformedSignatureIs401BeforeTheBodyIsRead(t *testing.T) {
	e := newEnv(t, storetest.Open(t, "sqlite"), slacktest.New(t), "r1")
	addr := serveReplica(t, e, time.Hour)
	stale := forged(e.now.Add(-6 * time.Minute))
	short := forged(e.now)
	short.Set("X-Slack-Signature", "v0=abcd")
	unprefixed := forged(e.now)
	unprefixed.Set("X-Slack-Signature", strings.Repeat("ab", 32))
	noTime := forged(e.now)
	noTime.Del("X-Slack-Request-Timestamp")
	for name, h := range map[string]http.Header{"none": {}, "stale": stale, "short": short, "unprefixed": unprefixed, "no timestamp": noTime} {
		if code := servertest.Status(t, servertest.StartBody(t, addr, "/slack/events", h)); code != http.StatusUnauthorized {
			t.Errorf("%s: %d, want 401", name, code)
		}
	}
}

// TestSlack_ABodyNotSentInTimeIs408: the body's deadline is short, not the
// server's 30 s ReadTimeout.
func TestSlack_ABodyNotSentInTimeIs408(t *testing.T) {
	e := newEnv(t, storetest.Open(t, "sqlite"), slacktest.New(t), "r1")
	addr := serveReplica(t, e, 50*time.Millisecond)
	if code := servertest.Status(t, servertest.StartBody(t, addr, "/slack/commands", forged(e.now))); code != http.StatusRequestTimeout {
		t.Fatalf("a stalled body = %d, want 408", code)
	}
}
