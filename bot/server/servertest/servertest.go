// Package servertest serves bot/server in tests, speaks to it as slow
// clients do, and makes the fake platforms unreachable on demand.
package servertest

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/inboxbot/inboxbot/bot/server"
)

// Serve serves srv on a loopback port until the test ends, and returns
// its address.
func Serve(t testing.TB, srv *server.Server) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ctx, ln) }()
	t.Cleanup(func() { cancel(); <-served })
	return ln.Addr().String()
}

// StartBody sends the headers h of a POST to path announcing a
// 100,000-byte body, and one byte of it; the connection stays open until
// the test ends.
func StartBody(t testing.TB, addr, path string, h http.Header) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	var b strings.Builder
	fmt.Fprintf(&b, "POST %s HTTP/1.1\r\nHost: inboxbot\r\nContent-Length: 100000\r\n", path)
	for k, v := range h {
		fmt.Fprintf(&b, "%s: %s\r\n", k, v[0])
	}
	b.WriteString("\r\nx")
	if _, err := io.WriteString(c, b.String()); err != nil {
		t.Fatal(err)
	}
	return c
}

// Status reads the answer on c and returns its status code.
func Status(t testing.TB, c net.Conn) int {
	t.Helper()
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// BodiesReading reports whether addr's metrics say n signed bodies are
// being read.
func BodiesReading(t testing.TB, addr string, n int) bool {
	t.Helper()
	resp, err := http.Get("http://" + addr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return strings.Contains(string(b), fmt.Sprintf("\ninboxbot_http_signed_bodies_reading %d\n", n))
}

// Outage makes a fake host unreachable on demand.
type Outage struct {
	mu   sync.Mutex
	down bool
}

// SetDown makes the host unreachable (true) or answering (false).
func (o *Outage) SetDown(down bool) {
	o.mu.Lock()
	o.down = down
	o.mu.Unlock()
}

// Wrap drops every connection while the host is down, as a host that
// cannot be reached would: the client sees a network error, not an answer.
func (o *Outage) Wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		o.mu.Lock()
		down := o.down
		o.mu.Unlock()
		if down {
			if hj, ok := w.(http.Hijacker); ok {
				if conn, _, err := hj.Hijack(); err == nil {
					conn.Close()
					return
				}
			}
			panic(http.ErrAbortHandler)
		}
		next.ServeHTTP(w, r)
	})
}
