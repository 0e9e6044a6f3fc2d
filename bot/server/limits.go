package server

import (
	"net"
	"net/http"
	"sync"
	"time"
)

// DefaultMaxInFlight bounds the requests served at once; more get a 503 at
// once. Each may hold a 1 MiB body and a database connection: 300 parallel
// bodies took the process from 66 MB to 818 MB.
const DefaultMaxInFlight = 64

// DefaultMaxConnections bounds open client connections, idle ones
// included; past it new connections wait in the kernel's backlog instead
// of using up file descriptors.
const DefaultMaxConnections = 1024

// opsRoutes are served whatever the load, so that probes and scrapes see
// a busy replica as busy rather than dead; their database figures are
// cached (see cached), so they cannot be used to load the database.
var opsRoutes = map[string]bool{"/healthz": true, "/readyz": true, "/metrics": true}

// limitInFlight answers 503 with Retry-After when maxInFlight requests are
// already being served. Requests mounted with HandleSigned take their slot
// themselves, after verification (see Admit).
func (s *Server) limitInFlight(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if opsRoutes[r.URL.Path] {
			next.ServeHTTP(w, r)
			return
		}
		if _, pattern := s.mux.Handler(r); s.signed[pattern] {
			next.ServeHTTP(w, s.withAdmission(r))
			return
		}
		release, ok := s.acquire(w)
		if !ok {
			return
		}
		defer release()
		next.ServeHTTP(w, r)
	})
}

// limitListener accepts at most n connections at a time: Accept waits for
// one to close (as golang.org/x/net/netutil.LimitListener does).
type limitListener struct {
	net.Listener
	slots chan struct{}
	done  chan struct{}
	once  sync.Once
}

func newLimitListener(ln net.Listener, n int) *limitListener {
	return &limitListener{Listener: ln, slots: make(chan struct{}, n), done: make(chan struct{})}
}

func (l *limitListener) Accept() (net.Conn, error) {
	select {
	case l.slots <- struct{}{}:
	case <-l.done:
		return nil, net.ErrClosed
	}
	c, err := l.Listener.Accept()
	if err != nil {
		<-l.slots
		return nil, err
	}
	return &limitedConn{Conn: c, release: func() { <-l.slots }}, nil
}

func (l *limitListener) Close() error {
	l.once.Do(func() { close(l.done) })
	return l.Listener.Close()
}

type limitedConn struct {
	net.Conn
	once    sync.Once
	release func()
}

func (c *limitedConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(c.release)
	return err
}

// cached keeps the result of a database check for a while, and lets one
// caller at a time refresh it: a flood of probes or scrapes costs the
// database one query a second, not one each.
type cached[T any] struct {
	ttl  time.Duration
	mu   sync.Mutex
	at   time.Time
	val  T
	err  error
	load func() (T, error)
}

func (c *cached[T]) get() (T, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.at.IsZero() || time.Since(c.at) >= c.ttl {
		c.val, c.err = c.load()
		c.at = time.Now()
	}
	return c.val, c.err
}
