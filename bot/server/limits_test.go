package server_test

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/inboxbot/inboxbot/bot/server"
	"github.com/inboxbot/inboxbot/bot/server/servertest"
)

// TestRequests_OverTheInFlightLimitAre503AtOnce: 300 parallel 1 MiB
// bodies took the process from 66 MB to 818 MB. Past the limit a request
// is answered 503 with Retry-After at once; probes still answer.
func TestRequests_OverTheInFlightLimitAre503AtOnce(t *testing.T) {
	s := server.New(server.Options{Log: slog.New(slog.NewTextHandler(io.Discard, nil)), MaxInFlight: 2})
	entered, release := make(chan struct{}, 2), make(chan struct{})
	s.Handle("GET /slow", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		entered <- struct{}{}
		<-release
	}))
	h := s.Handler()
	var wg sync.WaitGroup
	for range 2 {
		wg.Go(func() { do(t, h, httptest.NewRequest("GET", "/slow", nil)) })
	}
	<-entered
	<-entered
	w := do(t, h, httptest.NewRequest("GET", "/slow", nil))
	if w.Code != http.StatusServiceUnavailable || w.Header().Get("Retry-After") == "" {
		t.Fatalf("third request = %d %v, want 503 with Retry-After", w.Code, w.Header())
	}
	if w := do(t, h, httptest.NewRequest("GET", "/healthz", nil)); w.Code != http.StatusOK {
		t.Fatalf("/healthz at the limit = %d", w.Code)
	}
	close(release)
	wg.Wait()
	if w := do(t, h, httptest.NewRequest("GET", "/slow", nil)); w.Code != http.StatusOK {
		t.Fatalf("after the others finished = %d", w.Code)
	}
}

// TestReadyz_ChecksTheDatabaseAtMostOnceASecond: /readyz must not be a
// cheap way to load the database for everyone.
func TestReadyz_ChecksTheDatabaseAtMostOnceASecond(t *testing.T) {
	var checks atomic.Int32
	s, _ := newServer(t, func(context.Context) error { checks.Add(1); return nil })
	h := s.Handler()
	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() { do(t, h, httptest.NewRequest("GET", "/readyz", nil)) })
	}
	wg.Wait()
	if n := checks.Load(); n > 2 {
		t.Fatalf("50 probes ran %d database checks", n)
	}
}

// TestServe_OpenConnectionsAreBounded: 20,000 idle connections ran the
// process out of file descriptors. Past the limit a connection waits until
// another closes.
func TestServe_OpenConnectionsAreBounded(t *testing.T) {
	s := server.New(server.Options{Log: slog.New(slog.NewTextHandler(io.Discard, nil)), MaxConnections: 2})
	host := servertest.Serve(t, s)
	addr := "http://" + host
	var idle []net.Conn
	for range 2 {
		c, err := net.Dial("tcp", host)
		if err != nil {
			t.Fatal(err)
		}
		idle = append(idle, c)
	}
	client := &http.Client{Timeout: 300 * time.Millisecond, Transport: &http.Transport{DisableKeepAlives: true}}
	if resp, err := client.Get(addr + "/healthz"); err == nil {
		resp.Body.Close()
		t.Fatal("a third connection was served while two were open")
	}
	idle[0].Close()
	client.Timeout = 10 * time.Second
	resp, err := client.Get(addr + "/healthz")
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("after one closed: %v %v", resp, err)
	}
	resp.Body.Close()
	idle[1].Close()
}
