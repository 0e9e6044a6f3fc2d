package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/inboxbot/inboxbot/bot/server"
)

// logBuffer is a concurrency-safe log sink for asserting on log lines.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func newServer(t *testing.T, ready func(context.Context) error) (*server.Server, *logBuffer) {
	t.Helper()
	logs := &logBuffer{}
	log := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	return server.New(server.Options{Log: log, Ready: ready}), logs
}

func do(t *testing.T, h http.Handler, r *http.Request) *httptest.ResponseRecorder {
	t.Helper()
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func jsonBody(t *testing.T, w *httptest.ResponseRecorder) map[string]string {
	t.Helper()
	if ct := w.Header().Get("Content-Type"); ct != "application/json" {
		t.Fatalf("Content-Type = %q, want application/json; body %s", ct, w.Body)
	}
	var m map[string]string
	if err := json.Unmarshal(w.Body.Bytes(), &m); err != nil {
		t.Fatalf("body is not a JSON object: %v: %s", err, w.Body)
	}
	return m
}

func TestHealthz_AnswersWhileNotReady(t *testing.T) {
	s, _ := newServer(t, func(context.Context) error { return errors.New("database down") })
	w := do(t, s.Handler(), httptest.NewRequest("GET", "/healthz", nil))
	if w.Code != http.StatusOK {
		t.Fatalf("/healthz = %d, want 200", w.Code)
	}
}

func TestReadyz_NotReadyIs503WithAPublicReasonOnly(t *testing.T) {
	s, logs := newServer(t, func(context.Context) error {
		return &server.Unready{Reason: "database unreachable", Err: errors.New("dial tcp 10.0.0.7:5432: secret-detail")}
	})
	w := do(t, s.Handler(), httptest.NewRequest("GET", "/readyz", nil))
	if w.Code != http.StatusServiceUnavailable {
		t.Fatalf("/readyz = %d, want 503", w.Code)
	}
	body := jsonBody(t, w)
	if !strings.Contains(body["error"], "database unreachable") || strings.Contains(w.Body.String(), "secret-detail") {
		t.Errorf("/readyz body %s: want the reason without the detail", w.Body)
	}
	if !strings.Contains(logs.String(), "secret-detail") {
		t.Errorf("the detail should be logged for the operator; log: %s", logs)
	}
}

func TestBodyLimit_OverOneMiBIs413JSON(t *testing.T) {
	s, _ := newServer(t, nil)
	called := false
	s.Handle("POST /echo", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		called = true
		if _, err := io.ReadAll(r.Body); err != nil {
			if server.TooLarge(err) {
				w.WriteHeader(http.StatusRequestEntityTooLarge)
				return
			}
			t.Errorf("read: %v", err)
		}
	}))
	big := strings.Repeat("x", server.MaxBodyBytes+1)

	// Declared length: refused before the handler runs.
	w := do(t, s.Handler(), httptest.NewRequest("POST", "/echo", strings.NewReader(big)))
	if w.Code != http.StatusRequestEntityTooLarge || jsonBody(t, w)["error"] == "" {
		t.Fatalf("declared oversize body: %d %s, want 413 with a JSON error", w.Code, w.Body)
	}
	if called {
		t.Error("the handler ran for a body declared over the limit")
	}

	// Unknown length: the read fails at the limit.
	r := httptest.NewRequest("POST", "/echo", io.MultiReader(strings.NewReader(big)))
	r.ContentLength = -1
	if w := do(t, s.Handler(), r); w.Code != http.StatusRequestEntityTooLarge {
		t.Fatalf("streamed oversize body: %d, want 413", w.Code)
	}

	// At the limit is fine.
	w = do(t, s.Handler(), httptest.NewRequest("POST", "/echo", strings.NewReader(big[1:])))
	if w.Code != http.StatusOK {
		t.Fatalf("body of exactly 1 MiB: %d, want 200", w.Code)
	}
}

func TestRequestID_EchoedGeneratedOrReplaced(t *testing.T) {
	s, _ := newServer(t, nil)
	var seen string
	s.Handle("GET /id", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { seen = server.RequestID(r.Context()) }))
	for _, tc := range []struct{ name, in string }{
		{"given", "lb-1234.abc_DEF"},
		{"absent", ""},
		{"forged log line", "x\nlevel=ERROR msg=pwned"},
		{"too long", strings.Repeat("a", 65)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/id", nil)
			if tc.in != "" {
				r.Header.Set("X-Request-Id", tc.in)
			}
			w := do(t, s.Handler(), r)
			got := w.Header().Get("X-Request-Id")
			if got == "" || got != seen {
				t.Fatalf("response id %q, handler saw %q: want the same, non-empty", got, seen)
			}
			if tc.name == "given" && got != tc.in {
				t.Errorf("id %q, want the caller's %q", got, tc.in)
			}
			if tc.name != "given" && got == tc.in {
				t.Errorf("an unusable id %q was kept", tc.in)
			}
		})
	}
}

func TestPanic_Is500AndALogLineNotACrash(t *testing.T) {
	s, logs := newServer(t, nil)
	s.Handle("GET /boom", http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("kaboom") }))
	h := s.Handler()
	w := do(t, h, httptest.NewRequest("GET", "/boom", nil))
	if w.Code != http.StatusInternalServerError || jsonBody(t, w)["error"] == "" {
		t.Fatalf("panicking handler: %d %s, want 500 with a JSON error", w.Code, w.Body)
	}
	if !strings.Contains(logs.String(), "kaboom") || !strings.Contains(logs.String(), w.Header().Get("X-Request-Id")) {
		t.Errorf("the panic and its request id should be logged; log: %s", logs)
	}
	if w := do(t, h, httptest.NewRequest("GET", "/healthz", nil)); w.Code != http.StatusOK {
		t.Errorf("after a panic /healthz = %d", w.Code)
	}
}

func TestAccessLog_HasNoTokens(t *testing.T) {
	s, logs := newServer(t, nil)
	s.Handle("POST /api/v1/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusCreated) }))
	r := httptest.NewRequest("POST", "/api/v1/inbound?token=query-secret-1", strings.NewReader(`{"x":"body-secret-2"}`))
	r.Header.Set("Authorization", "Bearer header-secret-3")
	r.Header.Set("Cookie", "session=cookie-secret-4")
	do(t, s.Handler(), r)
	line := logs.String()
	if !strings.Contains(line, `"route":"POST /api/v1/"`) || !strings.Contains(line, `"status":201`) {
		t.Fatalf("access log line lacks route or status: %s", line)
	}
	for _, secret := range []string{"query-secret-1", "body-secret-2", "header-secret-3", "cookie-secret-4"} {
		if strings.Contains(line, secret) {
			t.Errorf("the access log contains %s: %s", secret, line)
		}
	}
}

func TestServe_ShutdownFinishesInFlightRequests(t *testing.T) {
	s, _ := newServer(t, nil)
	entered := make(chan struct{})
	release := make(chan struct{})
	s.Handle("GET /slow", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(entered)
		<-release
		io.WriteString(w, "done")
	}))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	served := make(chan error, 1)
	go func() { served <- s.Serve(ctx, ln) }()

	type result struct {
		body string
		err  error
	}
	got := make(chan result, 1)
	go func() {
		resp, err := http.Get("http://" + ln.Addr().String() + "/slow")
		if err != nil {
			got <- result{err: err}
			return
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		got <- result{string(b), err}
	}()
	<-entered
	cancel() // as SIGTERM does

	// New connections are refused once shutdown began; poll for it.
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", ln.Addr().String(), time.Second)
		if err != nil {
			break
		}
		c.Close()
		if time.Now().After(deadline) {
			t.Fatal("the listener still accepts after shutdown began")
		}
		time.Sleep(10 * time.Millisecond)
	}
	select {
	case err := <-served:
		t.Fatalf("Serve returned (%v) before the in-flight request finished", err)
	default:
	}
	close(release)
	if r := <-got; r.err != nil || r.body != "done" {
		t.Fatalf("in-flight request: %q, %v; want it to finish", r.body, r.err)
	}
	if err := <-served; err != nil {
		t.Fatalf("Serve after a clean shutdown: %v", err)
	}
}

func TestReadyz_503WhileShuttingDown(t *testing.T) {
	s, _ := newServer(t, nil)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	// Hold a request open so the shutdown is still draining when we ask.
	entered, release := make(chan struct{}), make(chan struct{})
	s.Handle("GET /hold", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { close(entered); <-release }))
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- s.Serve(ctx, ln) }()
	go http.Get("http://" + ln.Addr().String() + "/hold")
	<-entered
	cancel()
	h := s.Handler()
	deadline := time.Now().Add(10 * time.Second)
	for do(t, h, httptest.NewRequest("GET", "/readyz", nil)).Code != http.StatusServiceUnavailable {
		if time.Now().After(deadline) {
			t.Fatal("/readyz stayed 200 during shutdown")
		}
		time.Sleep(5 * time.Millisecond)
	}
	close(release)
	<-served
}

// TestRequests_HaveADeadlineShorterThanTheWriteTimeout: database work on a
// stalled server must end, and be answered, before the server drops the
// connection at its write timeout.
func TestRequests_HaveADeadlineShorterThanTheWriteTimeout(t *testing.T) {
	s, _ := newServer(t, nil)
	var left time.Duration
	s.Handle("GET /work", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		d, ok := r.Context().Deadline()
		if !ok {
			t.Error("the request context has no deadline")
			return
		}
		left = time.Until(d)
	}))
	do(t, s.Handler(), httptest.NewRequest("GET", "/work", nil))
	if left <= 0 || left > server.WriteTimeout-10*time.Second {
		t.Fatalf("deadline in %v; want it at least 10s before the %v write timeout", left, server.WriteTimeout)
	}
}
