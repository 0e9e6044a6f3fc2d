package discord_test

import (
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/inboxbot/inboxbot/bot/server"
	"github.com/inboxbot/inboxbot/bot/server/servertest"
	"github.com/inboxbot/inboxbot/store/storetest"
)

// serveInteractions serves the bot's interactions route as serve mounts it,
// on a server with one in-flight slot.
func serveInteractions(t *testing.T, e *env, bodyTimeout time.Duration) string {
	t.Helper()
	srv := server.New(server.Options{Log: quiet(), MaxInFlight: 1, SignedBodyTimeout: bodyTimeout})
	for pattern, h := range e.bot.Routes() {
		srv.HandleSigned(pattern, h)
	}
	return servertest.Serve(t, srv)
}

// trickle starts an interaction with headers h whose body trickles.
func trickle(t *testing.T, addr string, h map[string]string) net.Conn {
	t.Helper()
	header := http.Header{}
	for k, v := range h {
		header.Set(k, v)
	}
	return servertest.StartBody(t, addr, "/discord/interactions", header)
}

// TestHTTPInteractions_SlowOrUnsignedBodiesHoldNoSlot: a request without
// well-formed, fresh signature headers is 401 before its body is read; a
// body that trickles is cut off (408) and, while it trickles, a signed
// interaction is still served by the only slot.
func TestHTTPInteractions_SlowOrUnsignedBodiesHoldNoSlot(t *testing.T) {
	e := newEnv(t, storetest.Open(t, "sqlite"))
	ts := fmt.Sprint(e.now.Unix())
	sig := strings.Repeat("ab", 64)
	addr := serveInteractions(t, e, time.Hour)
	for name, h := range map[string]map[string]string{
		"none":         {},
		"no signature": {"X-Signature-Timestamp": ts},
		"short":        {"X-Signature-Timestamp": ts, "X-Signature-Ed25519": "abcd"},
		"not hex":      {"X-Signature-Timestamp": ts, "X-Signature-Ed25519": strings.Repeat("zz", 64)},
		"stale":        {"X-Signature-Timestamp": fmt.Sprint(e.now.Add(-6 * time.Minute).Unix()), "X-Signature-Ed25519": sig},
	} {
		if code := servertest.Status(t, trickle(t, addr, h)); code != http.StatusUnauthorized {
			t.Errorf("%s: %d, want 401", name, code)
		}
	}
	for range 3 {
		trickle(t, addr, map[string]string{"X-Signature-Timestamp": ts, "X-Signature-Ed25519": sig})
	}
	waitFor(t, "3 slow bodies being read", 10*time.Second, func() bool { return servertest.BodiesReading(t, addr, 3) })
	e.srv.URL = "http://" + addr + "/discord/interactions"
	if out := e.do(e.slash(user(dana, "Dana"), "help")); out == nil {
		t.Fatal("no answer to a signed interaction while slow bodies are open")
	}
	short := serveInteractions(t, e, 50*time.Millisecond)
	if code := servertest.Status(t, trickle(t, short, map[string]string{"X-Signature-Timestamp": ts, "X-Signature-Ed25519": sig})); code != http.StatusRequestTimeout {
		t.Fatalf("a stalled body = %d, want 408", code)
	}
}
