package api_test

import (
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/bot/server"
	"github.com/inboxbot/inboxbot/store"
	"github.com/inboxbot/inboxbot/store/storetest"
)

// proxy forwards TCP connections to a database; closing it is the
// database going away under a running store, mid-transaction included.
type proxy struct {
	ln     net.Listener
	target string
	mu     sync.Mutex
	conns  []net.Conn
	closed bool
	// frozen, while not nil, holds every byte in flight until it is
	// closed: the database stopped (SIGSTOP) with its connections open.
	frozen chan struct{}
	wg     sync.WaitGroup
}

func startProxy(t testing.TB, target string) *proxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{ln: ln, target: target}
	p.wg.Go(p.accept)
	t.Cleanup(p.Close)
	return p
}

func (p *proxy) accept() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		up, err := net.Dial("tcp", p.target)
		if err != nil {
			c.Close()
			continue
		}
		if !p.track(c, up) {
			continue
		}
		p.wg.Go(func() { p.pipe(up, c) })
		p.wg.Go(func() { p.pipe(c, up) })
	}
}

// pipe copies src to dst, holding each chunk while the proxy is frozen.
func (p *proxy) pipe(dst, src net.Conn) {
	defer dst.Close()
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			p.mu.Lock()
			frozen := p.frozen
			p.mu.Unlock()
			if frozen != nil {
				<-frozen
			}
			if _, err := dst.Write(buf[:n]); err != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

// Freeze holds all traffic, in both directions, until Thaw.
func (p *proxy) Freeze() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.frozen == nil {
		p.frozen = make(chan struct{})
	}
}

// Thaw lets the held traffic through, as a database resumed after SIGSTOP.
func (p *proxy) Thaw() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.frozen != nil {
		close(p.frozen)
		p.frozen = nil
	}
}

// track remembers a connection pair, or closes it when the proxy is closed.
func (p *proxy) track(cs ...net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		for _, c := range cs {
			c.Close()
		}
		return false
	}
	p.conns = append(p.conns, cs...)
	return true
}

// Close stops accepting and cuts every connection.
func (p *proxy) Close() {
	p.mu.Lock()
	p.closed = true
	if p.frozen != nil {
		close(p.frozen)
		p.frozen = nil
	}
	p.ln.Close()
	for _, c := range p.conns {
		c.Close()
	}
	p.mu.Unlock()
	p.wg.Wait()
}

// proxied returns a migrated PostgreSQL store reached directly and one
// reached through a proxy, on the same fresh schema.
func proxied(t *testing.T) (direct, through *store.Store, p *proxy) {
	t.Helper()
	base := storetest.URL(t, "postgres")
	direct, err := store.Open(bg, base)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { direct.Close() })
	if _, err := direct.Migrate(bg); err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	p = startProxy(t, u.Host)
	u.Host = p.ln.Addr().String()
	through, err = store.Open(bg, u.String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { through.Close() })
	return direct, through, p
}

func TestOutage_DatabaseGoneIs503AndChangesNothing(t *testing.T) {
	direct, through, p := proxied(t)
	e := newEnv(t, through).withTeam(team)
	if r := e.do("POST", "/api/v1/inbound", inboundBody("jane", "facebook-ad", "m-1", "hi")); r.status != http.StatusCreated {
		t.Fatalf("before the outage = %d %s", r.status, r.body)
	}
	p.Close()

	for _, req := range []struct{ method, path, body string }{
		{"POST", "/api/v1/inbound", inboundBody("omar", "facebook-ad", "m-2", "hello")},
		{"POST", "/api/v1/inbound", inboundBody("jane", "facebook-ad", "m-3", "anyone?")},
		{"POST", "/api/v1/contacts/jane/tags", `{"add":["vip"]}`},
		{"GET", "/api/v1/conversations?assignee=dana", ""},
	} {
		r := e.do(req.method, req.path, req.body)
		if r.status != http.StatusServiceUnavailable || r.header.Get("Retry-After") != "5" ||
			!strings.HasPrefix(r.json(t)["error"].(string), "the database is unavailable; retry later") {
			t.Fatalf("%s %s during the outage = %d %v %s", req.method, req.path, r.status, r.header, r.body)
		}
	}

	if _, err := direct.Contact(bg, "omar"); inboxbot.ErrorCode(err) != inboxbot.ENOTFOUND {
		t.Fatalf("a refused message left its contact: %v", err)
	}
	convs, _ := direct.List(bg, inboxbot.Filter{})
	if len(convs) != 1 {
		t.Fatalf("%d conversations after the outage, want jane's only", len(convs))
	}
	if msgs, _ := direct.Messages(bg, convs[0].ID, 10); len(msgs) != 1 {
		t.Fatalf("jane's conversation has %d messages", len(msgs))
	}
	if c, _ := direct.Contact(bg, "jane"); len(c.Tags) != 0 {
		t.Fatalf("jane was tagged during the outage: %v", c.Tags)
	}
	// The source retries once the database is back: the message is new.
	back := newEnv(t, direct)
	if r := back.do("POST", "/api/v1/inbound", inboundBody("omar", "facebook-ad", "m-2", "hello")); r.status != http.StatusCreated || r.json(t)["assignee"] != "lee" {
		t.Fatalf("retry after the outage = %d %s", r.status, r.body)
	}
}

// TestOutage_CutMidFlightLeavesWholeConversationsOnly cuts the database
// while many requests are in flight. Every request must end as 201 or 503;
// whatever was written is whole (contact, conversation, message,
// assignment); and retrying everything afterwards makes each message exist
// exactly once, with 201 turned into 200.
func TestOutage_CutMidFlightLeavesWholeConversationsOnly(t *testing.T) {
	direct, through, p := proxied(t)
	e := newEnv(t, through).withTeam(team)
	const n, before = 40, 8
	results := make([]response, n)
	done := make(chan struct{}, n)
	body := func(i int) string {
		return inboundBody(fmt.Sprintf("c%02d", i), "facebook-ad", fmt.Sprintf("cut-%d", i), "hi")
	}
	for i := range n {
		go func() {
			results[i] = e.do("POST", "/api/v1/inbound", body(i))
			done <- struct{}{}
		}()
	}
	for range before {
		<-done
	}
	p.Close()
	for range n - before {
		<-done
	}

	unavailable := 0
	for i, r := range results {
		switch r.status {
		case http.StatusCreated:
		case http.StatusServiceUnavailable:
			unavailable++
		default:
			t.Fatalf("request %d = %d %s; want 201 or 503", i, r.status, r.body)
		}
	}
	t.Logf("%d of %d requests got 503", unavailable, n)

	for i, r := range results {
		c, err := direct.Contact(bg, fmt.Sprintf("c%02d", i))
		if inboxbot.ErrorCode(err) == inboxbot.ENOTFOUND {
			if r.status == http.StatusCreated {
				t.Fatalf("request %d got 201 but nothing was stored", i)
			}
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		convs, _ := direct.List(bg, inboxbot.Filter{Channel: "sms", Limit: 500})
		var conv *inboxbot.Conversation
		for j := range convs {
			if convs[j].Contact.ID == c.ID {
				conv = &convs[j]
			}
		}
		if conv == nil {
			t.Fatalf("contact c%02d was stored without its conversation", i)
		}
		msgs, _ := direct.Messages(bg, conv.ID, 10)
		hist, _ := direct.History(bg, conv.ID)
		if len(msgs) != 1 || len(hist) != 1 || !conv.Assigned() {
			t.Fatalf("c%02d is half-written: %d messages, %d events, assignee %q", i, len(msgs), len(hist), conv.AssigneeName)
		}
	}

	back := newEnv(t, direct)
	for i, r := range results {
		again := back.do("POST", "/api/v1/inbound", body(i))
		if r.status == http.StatusCreated && again.status != http.StatusOK {
			t.Fatalf("retry of stored %d = %d %s", i, again.status, again.body)
		}
		if again.status != http.StatusOK && again.status != http.StatusCreated {
			t.Fatalf("retry %d = %d %s", i, again.status, again.body)
		}
	}
	counts := map[string]int{}
	convs, _ := direct.List(bg, inboxbot.Filter{Limit: 500})
	for _, c := range convs {
		msgs, _ := direct.Messages(bg, c.ID, 10)
		if len(msgs) != 1 {
			t.Fatalf("%s has %d messages after the retries", c.Ref(), len(msgs))
		}
		counts[c.AssigneeName]++
	}
	// A transaction the cut rolled back may have spent a round-robin
	// turn: each of those may tilt the split by one.
	if len(convs) != n || abs(counts["dana"]-counts["lee"]) > 1+unavailable {
		t.Fatalf("%d conversations, split %v with %d rolled back", len(convs), counts, unavailable)
	}
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// TestOutage_FrozenDatabaseIsAnswered503InTime freezes the database (as
// SIGSTOP does: connections open, no answers). The request must be answered
// 503 with Retry-After when its deadline runs out, well before the server's
// write timeout, and not hang. Once the database resumes, whatever it had
// received may commit: the source's retry with the same message.external_id
// must then leave the message stored exactly once.
func TestOutage_FrozenDatabaseIsAnswered503InTime(t *testing.T) {
	direct, through, p := proxied(t)
	e := newEnv(t, through).withTeam(team)
	// Before the freeze the path through the proxy works; it is checked
	// without the short deadline, which a busy machine could overrun.
	if r := e.do("POST", "/api/v1/inbound", inboundBody("jane", "facebook-ad", "m-1", "hi")); r.status != http.StatusCreated {
		t.Fatalf("before the freeze = %d %s", r.status, r.body)
	}
	srv := server.New(server.Options{RequestTimeout: time.Second, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	srv.Handle("/api/v1/", e.h)
	e.h = srv.Handler()
	p.Freeze()
	start := time.Now()
	r := e.do("POST", "/api/v1/inbound", inboundBody("omar", "facebook-ad", "m-2", "hello"))
	took := time.Since(start)
	if r.status != http.StatusServiceUnavailable || r.header.Get("Retry-After") == "" {
		t.Fatalf("while frozen = %d %v %s", r.status, r.header, r.body)
	}
	if took > 10*time.Second {
		t.Fatalf("answered after %v; the write timeout is %v", took, server.WriteTimeout)
	}
	p.Thaw()

	back := newEnv(t, direct)
	if r := back.do("POST", "/api/v1/inbound", inboundBody("omar", "facebook-ad", "m-2", "hello")); r.status != http.StatusCreated && r.status != http.StatusOK {
		t.Fatalf("retry after the freeze = %d %s", r.status, r.body)
	}
	convs, _ := direct.List(bg, inboxbot.Filter{})
	if len(convs) != 2 {
		t.Fatalf("%d conversations after the retry, want jane's and omar's", len(convs))
	}
	for _, c := range convs {
		if msgs, _ := direct.Messages(bg, c.ID, 10); len(msgs) != 1 {
			t.Fatalf("conversation %d has %d messages, want 1", c.ID, len(msgs))
		}
	}
}
