package discord_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/inboxbot/inboxbot/bot/server"
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
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	c, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- srv.Serve(c, ln) }()
	t.Cleanup(func() { cancel(); <-served })
	return ln.Addr().String()
}

// trickle sends the headers of an interaction announcing a 100,000-byte
// body and one byte of it, and returns the connection.
func trickle(t *testing.T, addr string, h map[string]string) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	var b strings.Builder
	b.WriteString("POST /discord/interactions HTTP/1.1\r\nHost: inboxbot\r\nContent-Length: 100000\r\n")
	for k, v := range h {
		fmt.Fprintf(&b, "%s: %s\r\n", k, v)
	}
	b.WriteString("\r\n{")
	if _, err := io.WriteString(c, b.String()); err != nil {
		t.Fatal(err)
	}
	return c
}

func answer(t *testing.T, c net.Conn) int {
	t.Helper()
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
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
		if code := answer(t, trickle(t, addr, h)); code != http.StatusUnauthorized {
			t.Errorf("%s: %d, want 401", name, code)
		}
	}
	for range 3 {
		trickle(t, addr, map[string]string{"X-Signature-Timestamp": ts, "X-Signature-Ed25519": sig})
	}
	waitFor(t, "3 slow bodies being read", 10*time.Second, func() bool {
		resp, err := http.Get("http://" + addr + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return strings.Contains(string(b), "\ninboxbot_http_signed_bodies_reading 3\n")
	})
	e.srv.URL = "http://" + addr + "/discord/interactions"
	if out := e.do(e.slash(user(dana, "Dana"), "help")); out == nil {
		t.Fatal("no answer to a signed interaction while slow bodies are open")
	}
	short := serveInteractions(t, e, 50*time.Millisecond)
	if code := answer(t, trickle(t, short, map[string]string{"X-Signature-Timestamp": ts, "X-Signature-Ed25519": sig})); code != http.StatusRequestTimeout {
		t.Fatalf("a stalled body = %d, want 408", code)
	}
}
