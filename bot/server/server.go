// Package server is inboxbot's HTTP front door: the http.Server with its
// timeouts, the middleware every route shares (request ids, body limit,
// panic recovery, access log, metrics), and the operations endpoints
// /healthz, /readyz and /metrics. Adapters mount their own routes on it.
package server

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync/atomic"
	"time"
)

// MaxBodyBytes is the largest request body any route accepts (1 MiB).
const MaxBodyBytes = 1 << 20

// WriteTimeout is how long the server gives a request to be answered
// before it drops the connection.
const WriteTimeout = 30 * time.Second

// DefaultRequestTimeout bounds every request's work, its database work
// included. It is well under WriteTimeout, so a stalled database is
// answered with a 503 the client can act on, not a dropped connection.
const DefaultRequestTimeout = 15 * time.Second

// DefaultShutdownTimeout bounds how long a shutdown waits for in-flight
// requests before it cuts them off.
const DefaultShutdownTimeout = 20 * time.Second

// Options configure a Server.
type Options struct {
	Log     *slog.Logger
	Metrics *Metrics
	// Ready reports whether this replica should get traffic: nil when the
	// database answers and is migrated. Nil means always ready.
	Ready func(ctx context.Context) error
	// ShutdownTimeout bounds the wait for in-flight requests; 0 means
	// DefaultShutdownTimeout.
	ShutdownTimeout time.Duration
	// Drain is how long, once shutdown starts, /readyz answers 503 while
	// every route is still served, so that a load balancer takes this
	// replica out of rotation before its listener closes. 0: close at once.
	Drain time.Duration
	// RequestTimeout is the deadline of every request's context; 0 means
	// DefaultRequestTimeout.
	RequestTimeout time.Duration
	// MaxInFlight and MaxConnections bound concurrent requests and open
	// connections; 0 means DefaultMaxInFlight and DefaultMaxConnections.
	MaxInFlight, MaxConnections int
	// Platforms names each chat platform's state ("connected", "down")
	// for /readyz's body; it does not change readiness. Nil shows none.
	Platforms func() map[string]string
	// SignedBodyTimeout bounds the time a request mounted with
	// HandleSigned has to send its body; 0 means DefaultSignedBodyTimeout.
	SignedBodyTimeout time.Duration
}

// Server serves inboxbot's HTTP routes.
type Server struct {
	log             *slog.Logger
	metrics         *Metrics
	ready           func(ctx context.Context) error
	platforms       func() map[string]string
	shutdownTimeout time.Duration
	drain           time.Duration
	requestTimeout  time.Duration
	maxConnections  int
	// slots are the in-flight slots: one taken per request being served.
	slots chan struct{}
	// signed are the patterns mounted with HandleSigned.
	signed            map[string]bool
	signedBodyTimeout time.Duration
	// readiness is the Ready check, cached for a second.
	readiness *cached[struct{}]
	mux       *http.ServeMux
	// draining is set once shutdown starts, so /readyz turns a load
	// balancer away before the listener closes.
	draining atomic.Bool
	// wasReady remembers the last readiness so a flapping database is
	// logged once per change, not once per probe.
	wasReady atomic.Bool
}

// New returns a Server with the operations routes registered.
func New(o Options) *Server {
	s := &Server{log: o.Log, metrics: o.Metrics, ready: o.Ready, platforms: o.Platforms, shutdownTimeout: o.ShutdownTimeout, drain: o.Drain,
		requestTimeout: o.RequestTimeout, slots: make(chan struct{}, cmp.Or(o.MaxInFlight, DefaultMaxInFlight)),
		maxConnections: cmp.Or(o.MaxConnections, DefaultMaxConnections), mux: http.NewServeMux(),
		signed: map[string]bool{}, signedBodyTimeout: cmp.Or(o.SignedBodyTimeout, DefaultSignedBodyTimeout)}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.metrics == nil {
		s.metrics = NewMetrics()
	}
	if s.requestTimeout == 0 {
		s.requestTimeout = DefaultRequestTimeout
	}
	if s.shutdownTimeout == 0 {
		s.shutdownTimeout = DefaultShutdownTimeout
	}
	s.readiness = &cached[struct{}]{ttl: time.Second, load: func() (struct{}, error) {
		if s.ready == nil {
			return struct{}{}, nil
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		return struct{}{}, s.ready(ctx)
	}}
	s.wasReady.Store(true)
	s.mux.HandleFunc("GET /healthz", s.healthz)
	s.mux.HandleFunc("GET /readyz", s.readyz)
	s.mux.Handle("GET /metrics", s.metrics.Handler(s.log))
	return s
}

// Handle mounts h on pattern (http.ServeMux syntax); the pattern is the
// route label in logs and metrics. Handle and HandleSigned are called
// before Serve.
func (s *Server) Handle(pattern string, h http.Handler) { s.mux.Handle(pattern, h) }

// Handler returns the routes wrapped in the shared middleware, outermost
// first: request id, access log and metrics, panic recovery, in-flight
// limit, deadline, body limit.
func (s *Server) Handler() http.Handler {
	return s.requestID(s.observe(s.recoverPanics(s.limitInFlight(s.deadline(limitBody(s.mux))))))
}

// Serve serves on ln until ctx is done, then drains (/readyz answers 503
// while everything is still served, for the drain time), stops accepting,
// waits for in-flight requests (at most the shutdown timeout) and returns.
// A clean shutdown returns nil.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	// Requests run on a context of their own, not ctx: a SIGTERM must let
	// in-flight requests finish their transactions, not cancel them.
	base, cancelBase := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelBase()
	hs := &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      WriteTimeout,
		IdleTimeout:       60 * time.Second,
		MaxHeaderBytes:    64 << 10,
		BaseContext:       func(net.Listener) context.Context { return base },
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	served := make(chan error, 1)
	go func() { served <- hs.Serve(newLimitListener(ln, s.maxConnections)) }()
	select {
	case err := <-served:
		return fmt.Errorf("http: %w", err)
	case <-ctx.Done():
	}
	s.draining.Store(true)
	if s.drain > 0 {
		s.log.Info("http: draining: /readyz answers 503, requests are still served", "for", s.drain.String())
		t := time.NewTimer(s.drain)
		select {
		case <-t.C:
		case err := <-served:
			t.Stop()
			return fmt.Errorf("http: %w", err)
		}
	}
	s.log.Info("http: shutting down; finishing in-flight requests", "timeout", s.shutdownTimeout.String())
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.shutdownTimeout)
	defer cancel()
	err := hs.Shutdown(sctx)
	if errors.Is(err, context.DeadlineExceeded) {
		s.log.Warn("http: in-flight requests outlived the shutdown timeout; closing them", "timeout", s.shutdownTimeout.String())
		cancelBase()
		err = hs.Close()
	}
	if err := <-served; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("http: %w", err)
	}
	return err
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// readyz answers 200 when this replica should get traffic. The reason for
// a 503 goes to the log, not to the (possibly public) response.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	err := errors.New("shutting down")
	if !s.draining.Load() {
		_, err = s.readiness.get()
	}
	if err != nil {
		if s.wasReady.Swap(false) {
			s.log.Warn("not ready", "err", err)
		}
		writeJSON(w, http.StatusServiceUnavailable, s.readyBody(map[string]any{"status": "unavailable", "error": "not ready: " + publicReason(err)}))
		return
	}
	if !s.wasReady.Swap(true) {
		s.log.Info("ready again")
	}
	writeJSON(w, http.StatusOK, s.readyBody(map[string]any{"status": "ready"}))
}

// readyBody adds the chat platforms' states to a /readyz body: which are
// up is for the operator to see, not a reason to take traffic away.
func (s *Server) readyBody(body map[string]any) map[string]any {
	if s.platforms != nil {
		if p := s.platforms(); len(p) > 0 {
			body["platforms"] = p
		}
	}
	return body
}
