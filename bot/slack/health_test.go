package slack_test

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/inboxbot/inboxbot/bot/slack"
	"github.com/inboxbot/inboxbot/bot/slack/slacktest"
	"github.com/inboxbot/inboxbot/store/storetest"
)

// connection records what the adapter said about its connection.
type connection struct {
	mu     sync.Mutex
	states []bool
}

func (c *connection) set(up bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.states = append(c.states, up)
}

// up reports the last state and how many times it came up.
func (c *connection) up() (bool, int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, s := range c.states {
		if s {
			n++
		}
	}
	return len(c.states) > 0 && c.states[len(c.states)-1], n
}

// lockedLog collects log records for assertions.
type lockedLog struct {
	mu  sync.Mutex
	buf strings.Builder
}

func (l *lockedLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *lockedLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// socketAdapter is an adapter in Socket Mode against fake with appToken,
// its connection states and its log.
func socketAdapter(t *testing.T, fake *slacktest.Server, appToken string) (*slack.Adapter, *connection, *lockedLog) {
	t.Helper()
	st := storetest.Open(t, "sqlite")
	e := newEnv(t, st, fake, "r1")
	conn, logs := &connection{}, &lockedLog{}
	a, err := slack.New(slack.Config{BotToken: slacktest.BotToken, AppToken: appToken, InboxChannel: inbox,
		APIURL: fake.APIURL(), Service: e.svc, Log: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})), Connected: conn.set})
	if err != nil {
		t.Fatal(err)
	}
	return a, conn, logs
}

// runSocket runs Socket Mode until the test ends.
func runSocket(t *testing.T, a *slack.Adapter) {
	ctx, cancel := context.WithCancel(bg)
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run after cancel: %v", err)
		}
		a.Wait()
	})
}

func TestCheck_KeepsTheBotsIdentity(t *testing.T) {
	fake := slacktest.New(t)
	a, _, _ := socketAdapter(t, fake, slacktest.AppToken)
	if _, ok := a.Identity(); ok {
		t.Fatal("an identity before any check")
	}
	id, err := a.Check(bg)
	want := slack.Identity{TeamID: slacktest.TeamID, BotUserID: slacktest.BotUserID, AppID: slacktest.AppID}
	if err != nil || id != want {
		t.Fatalf("Check: %+v, %v; want %+v", id, err, want)
	}
	if got, ok := a.Identity(); !ok || got != want {
		t.Fatalf("Identity: %+v %v", got, ok)
	}
	if n := len(fake.Calls("apps.connections.open")); n != 1 {
		t.Fatalf("the app token was checked %d times, want once", n)
	}
}

func TestCheck_ARefusedTokenNamesItsVariable(t *testing.T) {
	fake := slacktest.New(t)
	a, _, _ := socketAdapter(t, fake, "xapp-wrong")
	var r *slack.RefusedError
	if _, err := a.Check(bg); !errors.As(err, &r) || r.Variable != "SLACK_APP_TOKEN" || r.Code != "invalid_auth" {
		t.Fatalf("Check with a wrong app token: %v", err)
	}
	fake.Revoke(slacktest.BotToken)
	if _, err := a.Check(bg); !errors.As(err, &r) || r.Variable != "SLACK_BOT_TOKEN" {
		t.Fatalf("Check with a revoked bot token: %v", err)
	}
	fake.SetReachable(false)
	if _, err := a.Check(bg); err == nil || errors.As(err, &r) {
		t.Fatalf("Check with Slack out of reach: %v, want an error that is no refusal", err)
	}
}

func TestSocketMode_ARefusedAppTokenEndsTheRunNamingTheVariable(t *testing.T) {
	fake := slacktest.New(t)
	a, conn, _ := socketAdapter(t, fake, "xapp-wrong")
	ctx, cancel := context.WithTimeout(bg, 20*time.Second)
	defer cancel()
	err := a.Run(ctx)
	var r *slack.RefusedError
	if ctx.Err() != nil || !errors.As(err, &r) || r.Variable != "SLACK_APP_TOKEN" {
		t.Fatalf("Run with a wrong app token: %v", err)
	}
	if up, _ := conn.up(); up {
		t.Fatal("reported connected with a refused token")
	}
}

func TestSocketMode_ADroppedConnectionReconnects(t *testing.T) {
	fake := slacktest.New(t)
	a, conn, _ := socketAdapter(t, fake, slacktest.AppToken)
	runSocket(t, a)
	waitFor(t, "the first connection", func() bool { up, _ := conn.up(); return up && fake.Connected() })
	fake.DropSocket()
	waitFor(t, "the second connection", func() bool {
		up, n := conn.up()
		return up && n == 2 && fake.Connections() == 2 && fake.Connected()
	})
	if _, err := fake.Envelope("events_api", "after-drop", map[string]any{"type": "event_callback",
		"event_id": "EvDrop", "event": map[string]any{"type": "app_home_opened", "user": "U0NOBODY", "tab": "messages"}}); err != nil {
		t.Fatalf("an envelope after the reconnect: %v", err)
	}
}

func TestSocketMode_ADisconnectEnvelopeReconnectsAndSaysWhy(t *testing.T) {
	fake := slacktest.New(t)
	a, conn, logs := socketAdapter(t, fake, slacktest.AppToken)
	runSocket(t, a)
	waitFor(t, "the first connection", func() bool { up, _ := conn.up(); return up && fake.Connected() })
	if err := fake.Disconnect("refresh_requested"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the reconnection", func() bool {
		up, n := conn.up()
		return up && n == 2 && fake.Connections() == 2
	})
	for _, want := range []string{"Socket Mode reconnecting", "disconnection requested", "Socket Mode reconnected"} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("the log lacks %q:\n%s", want, logs)
		}
	}
}
