package main

import (
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/inboxbot/inboxbot/store/storetest"
)

// freezer is a TCP proxy to PostgreSQL that can freeze: while frozen it
// passes no byte either way and keeps every connection open, as a database
// that hangs does.
type freezer struct {
	ln     net.Listener
	target string
	mu     sync.Mutex
	thaw   chan struct{} // nil while not frozen
}

func newFreezer(t *testing.T, target string) *freezer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f := &freezer{ln: ln, target: target}
	t.Cleanup(func() { ln.Close(); f.set(false) })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go f.serve(c)
		}
	}()
	return f
}

func (f *freezer) set(frozen bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	switch {
	case frozen && f.thaw == nil:
		f.thaw = make(chan struct{})
	case !frozen && f.thaw != nil:
		close(f.thaw)
		f.thaw = nil
	}
}

func (f *freezer) wait() {
	f.mu.Lock()
	thaw := f.thaw
	f.mu.Unlock()
	if thaw != nil {
		<-thaw
	}
}

func (f *freezer) serve(c net.Conn) {
	defer c.Close()
	f.wait()
	up, err := net.Dial("tcp", f.target)
	if err != nil {
		return
	}
	defer up.Close()
	pipe := func(dst, src net.Conn) {
		buf := make([]byte, 32*1024)
		for {
			n, err := src.Read(buf)
			f.wait()
			if n > 0 {
				if _, werr := dst.Write(buf[:n]); werr != nil {
					return
				}
			}
			if err != nil {
				dst.Close()
				return
			}
		}
	}
	go pipe(up, c)
	pipe(c, up)
}

// SIGTERM with the database frozen, a request and the outbox waiting on
// it: serve exits within drain + timeout, the grace the docs give, because
// HTTP and the workers share the timeout (they used to wait it each).
func TestServe_ShutdownWithAFrozenDatabaseFitsDrainPlusTimeout(t *testing.T) {
	direct := storetest.URL(t, "postgres")
	u, err := url.Parse(direct)
	if err != nil {
		t.Fatal(err)
	}
	f := newFreezer(t, u.Host)
	u.Host = f.ln.Addr().String()
	const drain, timeout = time.Second, 2 * time.Second
	// An outbound URL turns the outbox on: it gives its leases back on the
	// way out, which waits on the frozen database too.
	base, logs, stop := startServe(t, map[string]string{"DATABASE_URL": u.String(), "INBOXBOT_API_TOKEN": "secret-token",
		"INBOXBOT_OUTBOUND_URL": "http://127.0.0.1:9/replies", "INBOXBOT_OUTBOUND_SECRET": "s3cret-s3cret-s3cret",
		"INBOXBOT_SHUTDOWN_DRAIN": drain.String(), "INBOXBOT_SHUTDOWN_TIMEOUT": timeout.String()})
	f.set(true)
	// A request that waits on the frozen database.
	go func() {
		req, _ := http.NewRequest("POST", base+"/api/v1/inbound", strings.NewReader(
			`{"kind":"message","contact":{"external_id":"jane"},"channel":"sms","message":{"external_id":"m1","body":"hi"}}`))
		req.Header.Set("Authorization", "Bearer secret-token")
		if resp, err := http.DefaultClient.Do(req); err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
	}()
	start := time.Now()
	stop()
	took := time.Since(start)
	// Generous for a loaded machine, yet below the drain + 2 × timeout
	// (5 s) the shutdown took before.
	if limit := drain + timeout + 1500*time.Millisecond; took > limit {
		t.Fatalf("shutdown with a frozen database took %s, over drain + timeout (%s)\n%s", took, drain+timeout, logs)
	}
	t.Logf("shutdown with a frozen database took %s", took.Round(10*time.Millisecond))
}
