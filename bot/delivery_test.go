package bot_test

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/bot"
	"github.com/inboxbot/inboxbot/store"
	"github.com/inboxbot/inboxbot/store/storetest"
)

// outage opens a PostgreSQL store whose writes to the outbox, the cards
// and the alert messages fail while down is on: a trigger refuses them, as a database that
// crashed or froze would. The store's other tables keep working, so the
// test can set things up.
type outage struct {
	st  *store.Store
	raw *sql.DB
}

func openOutage(t *testing.T) *outage {
	t.Helper()
	u := storetest.URL(t, "postgres")
	st, err := store.Open(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	raw, err := sql.Open("pgx", u)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	for _, q := range []string{
		`CREATE TABLE outage (down BOOLEAN NOT NULL)`,
		`INSERT INTO outage VALUES (false)`,
		`CREATE FUNCTION refuse_when_down() RETURNS trigger AS $$ BEGIN
			IF (SELECT down FROM outage) THEN RAISE EXCEPTION 'the database is down'; END IF;
			RETURN NEW; END $$ LANGUAGE plpgsql`,
		`CREATE TRIGGER outage BEFORE UPDATE ON notifications FOR EACH ROW EXECUTE FUNCTION refuse_when_down()`,
		`CREATE TRIGGER outage BEFORE UPDATE ON cards FOR EACH ROW EXECUTE FUNCTION refuse_when_down()`,
		`CREATE TRIGGER outage BEFORE UPDATE ON alert_digests FOR EACH ROW EXECUTE FUNCTION refuse_when_down()`,
	} {
		if _, err := raw.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	return &outage{st: st, raw: raw}
}

func (o *outage) set(t testing.TB, down bool) {
	t.Helper()
	if _, err := o.raw.Exec(`UPDATE outage SET down = $1`, down); err != nil {
		t.Fatal(err)
	}
}

// TestOutbox_DatabaseOutageAfterTheSendDoublesNothing: the platform takes
// the DM, then the database goes down before its record is written. The
// success is kept in memory, nothing more is leased while it cannot be
// written, and once the database is back it is recorded before anything
// else: neither replica sends it again.
func TestOutbox_DatabaseOutageAfterTheSendDoublesNothing(t *testing.T) {
	db := openOutage(t)
	s := db.st
	now := time.Now()
	s.Now = func() time.Time { return now }
	assignMany(t, s, 5)
	slack := &recorder{}
	first := true
	slack.fail = func(inboxbot.Notification) error {
		if first {
			first = false
			db.set(t, true) // down while the platform answers
		}
		return nil
	}
	r1 := &bot.Outbox{Store: s, Senders: map[inboxbot.Platform]bot.Sender{inboxbot.PlatformSlack: slack}, Owner: "r1", Now: s.Now, Log: quiet()}
	r2 := &bot.Outbox{Store: s, Senders: map[inboxbot.Platform]bot.Sender{inboxbot.PlatformSlack: slack}, Owner: "r2", Now: s.Now, Log: quiet()}
	if n, err := r1.Flush(ctx); n != 1 || err == nil {
		t.Fatalf("flush during the outage: %d sent, %v; want 1 sent and the record failing", n, err)
	}
	for range 3 {
		if n, err := r1.Flush(ctx); n != 0 || err == nil {
			t.Fatalf("flush while down: %d, %v; want nothing sent and an error", n, err)
		}
	}
	db.set(t, false)
	// The outage outlasted nothing: r1's lease still holds when it is back,
	// and r1 records before it leases again. Then both replicas go on, the
	// clock past every lease.
	if _, err := r1.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	now = now.Add(5 * time.Minute)
	for _, r := range []*bot.Outbox{r2, r1, r2} {
		if _, err := r.Flush(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if len(slack.sent) != 5 {
		t.Fatalf("%d distinct DMs sent, want 5", len(slack.sent))
	}
	for key, times := range slack.sent {
		if times != 1 {
			t.Errorf("%s sent %d times", key, times)
		}
	}
	if c, _ := s.OutboxCounts(ctx); c["sent"] != 5 || c["pending"] != 0 {
		t.Fatalf("outbox %v; want all 5 recorded sent", c)
	}
}

// TestCards_DatabaseOutageAfterThePostDoublesNothing: as for DMs, a card
// the platform shows is recorded once the database is back, not posted
// again by either replica.
func TestCards_DatabaseOutageAfterThePostDoublesNothing(t *testing.T) {
	db := openOutage(t)
	s := db.st
	now := time.Now()
	s.Now = func() time.Time { return now }
	for i := range 3 {
		if _, err := s.AddInbound(ctx, inboxbot.Inbound{Kind: inboxbot.InboundMessage, Channel: "sms",
			Contact: inboxbot.Contact{ExternalID: fmt.Sprint("c", i)}, Body: "hi"}, nil); err != nil {
			t.Fatal(err)
		}
	}
	b := &board{}
	first := true
	b.fail = func(store.CardJob) error {
		if first {
			first = false
			db.set(t, true)
		}
		return nil
	}
	r1 := &bot.Cards{Store: s, Platform: inboxbot.PlatformSlack, Renderer: b, Owner: "r1", Now: s.Now, Log: quiet()}
	r2 := &bot.Cards{Store: s, Platform: inboxbot.PlatformSlack, Renderer: b, Owner: "r2", Now: s.Now, Log: quiet()}
	if n, err := r1.Flush(ctx); n != 1 || err == nil {
		t.Fatalf("flush during the outage: %d, %v", n, err)
	}
	if n, _ := r2.Flush(ctx); n != 0 {
		t.Fatal("r2 posted cards r1 holds")
	}
	db.set(t, false)
	if _, err := r1.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	now = now.Add(5 * time.Minute)
	for _, r := range []*bot.Cards{r2, r1, r2} {
		if _, err := r.Flush(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if b.posts != 3 || len(b.shown) != 3 {
		t.Fatalf("%d posts of %d cards; want each of the 3 posted once", b.posts, len(b.shown))
	}
}

// blocking is a Sender whose sends wait for release, telling started
// when one begins; it records what it finished and whether its context
// ended under it.
type blocking struct {
	started chan inboxbot.Notification
	release chan struct{}
	mu      sync.Mutex
	sent    map[string]int
	cut     int
}

func (b *blocking) Send(ctx context.Context, n inboxbot.Notification) error {
	b.started <- n
	select {
	case <-b.release:
	case <-ctx.Done():
		b.mu.Lock()
		b.cut++
		b.mu.Unlock()
		return ctx.Err()
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.sent[n.DedupeKey]++
	return nil
}

// TestOutbox_ShutdownMidSendFinishesRecordsAndDoublesNothing: SIGTERM
// while the platform has a DM: the send is not cut, its success is
// recorded, nothing more is sent, the rest goes back to the other
// replica, which sends each remaining DM once.
func TestOutbox_ShutdownMidSendFinishesRecordsAndDoublesNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		assignMany(t, s, 4)
		b := &blocking{started: make(chan inboxbot.Notification, 10), release: make(chan struct{}), sent: map[string]int{}}
		r1 := &bot.Outbox{Store: s, Senders: map[inboxbot.Platform]bot.Sender{inboxbot.PlatformSlack: b}, Owner: "r1", Log: quiet()}
		run, stop := context.WithCancel(ctx)
		done := make(chan error, 1)
		go func() { done <- r1.Run(run) }()
		<-b.started
		stop() // SIGTERM while the platform has the DM
		close(b.release)
		if err := <-done; err != nil {
			t.Fatalf("Run: %v", err)
		}
		if len(b.sent) != 1 || b.cut != 0 {
			t.Fatalf("r1 sent %v (%d cut); want the DM in flight finished and nothing more", b.sent, b.cut)
		}
		if c, _ := s.OutboxCounts(ctx); c["sent"] != 1 || c["pending"] != 3 {
			t.Fatalf("outbox after the stop %v; want the DM in flight recorded sent", c)
		}
		r2 := &bot.Outbox{Store: s, Senders: map[inboxbot.Platform]bot.Sender{inboxbot.PlatformSlack: b}, Owner: "r2", Log: quiet()}
		if n, err := r2.Flush(ctx); n != 3 || err != nil {
			t.Fatalf("r2 sent %d, %v; want the 3 left", n, err)
		}
		for key, times := range b.sent {
			if times != 1 {
				t.Errorf("%s sent %d times", key, times)
			}
		}
	})
}

// TestOutbox_ShutdownGraceEndsASendThatHangs: a send that does not answer
// is cut once Grace has passed after the stop, and Run returns.
func TestOutbox_ShutdownGraceEndsASendThatHangs(t *testing.T) {
	s := storetest.Open(t, "sqlite")
	assignMany(t, s, 1)
	b := &blocking{started: make(chan inboxbot.Notification, 1), release: make(chan struct{}), sent: map[string]int{}}
	r1 := &bot.Outbox{Store: s, Senders: map[inboxbot.Platform]bot.Sender{inboxbot.PlatformSlack: b}, Owner: "r1",
		Log: quiet(), Grace: time.Millisecond}
	run, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- r1.Run(run) }()
	<-b.started
	stop()
	<-done // the leases could not be given back in time either: they expire
	if b.cut != 1 {
		t.Fatalf("the hanging send was not cut (%d)", b.cut)
	}
}

// TestOutbox_AttemptsCountOnlyRealTries: a replica that leased and died
// before trying adds no attempt, so the back-off does not grow for it.
func TestOutbox_AttemptsCountOnlyRealTries(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		now := time.Now()
		s.Now = func() time.Time { return now }
		assignMany(t, s, 1)
		slack := []inboxbot.Platform{inboxbot.PlatformSlack}
		for range 3 { // three replicas lease and die
			if got, err := s.Lease(ctx, "dead", slack, 10, time.Minute); err != nil || len(got) != 1 {
				t.Fatalf("lease: %v, %v", got, err)
			}
			now = now.Add(2 * time.Minute)
		}
		var attempts int
		rec := &recorder{fail: func(n inboxbot.Notification) error { attempts = n.Attempts; return errors.New("boom") }}
		o := &bot.Outbox{Store: s, Senders: map[inboxbot.Platform]bot.Sender{inboxbot.PlatformSlack: rec}, Owner: "r1", Now: s.Now, Log: quiet()}
		if _, err := o.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		if attempts != 1 {
			t.Fatalf("the first real try is attempt %d, want 1", attempts)
		}
	})
}

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// TestOutbox_OperatorFailureIsLoggedOnceAndNeverGivesTheDMUp: a refused
// token is the operator's to fix: the hint is logged once (and at most
// hourly after), the DM backs off, and it is not given up after the usual
// 12 tries: it goes out once the token is fixed.
func TestOutbox_OperatorFailureIsLoggedOnceAndNeverGivesTheDMUp(t *testing.T) {
	s := storetest.Open(t, "sqlite")
	now := time.Now()
	s.Now = func() time.Time { return now }
	assignMany(t, s, 1)
	fixed := false
	tries := 0
	rec := &recorder{fail: func(inboxbot.Notification) error {
		tries++
		if fixed {
			return nil
		}
		return &bot.NeedsOperator{Cause: "slack invalid_auth", Hint: "check SLACK_BOT_TOKEN", Err: errors.New("invalid_auth")}
	}}
	var logs bytes.Buffer
	o := &bot.Outbox{Store: s, Senders: map[inboxbot.Platform]bot.Sender{inboxbot.PlatformSlack: rec}, Owner: "r1", Now: s.Now,
		Log: slog.New(slog.NewJSONHandler(&logs, nil))}
	for range 15 { // 15 tries over 165 minutes
		if _, err := o.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		now = now.Add(11 * time.Minute) // past the capped back-off
	}
	if tries != 15 {
		t.Fatalf("tried %d times, want 15", tries)
	}
	if got := strings.Count(logs.String(), "check SLACK_BOT_TOKEN"); got < 1 || got > 3 {
		t.Fatalf("the hint was logged %d times in 165 minutes, want once an hour at most:\n%s", got, logs.String())
	}
	fixed = true
	if n, err := o.Flush(ctx); n != 1 || err != nil {
		t.Fatalf("after the fix: %d, %v; want the DM sent", n, err)
	}
}
