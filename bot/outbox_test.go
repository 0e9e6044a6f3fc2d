package bot_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/bot"
	"github.com/inboxbot/inboxbot/store"
	"github.com/inboxbot/inboxbot/store/storetest"
)

var ctx = context.Background()

// recorder is a Sender that fails while fail says so and records what it sent.
type recorder struct {
	mu   sync.Mutex
	sent map[string]int
	fail func(n inboxbot.Notification) error
}

func (r *recorder) Send(_ context.Context, n inboxbot.Notification) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fail != nil {
		if err := r.fail(n); err != nil {
			return err
		}
	}
	if r.sent == nil {
		r.sent = map[string]int{}
	}
	r.sent[n.DedupeKey]++
	return nil
}

// assignMany makes n conversations and assigns each to one of agents, so
// that the outbox holds n notifications.
func assignMany(t *testing.T, s *store.Store, n int) {
	t.Helper()
	boss, err := s.CreateMember(ctx, inboxbot.Member{Name: "boss", Role: inboxbot.RoleManager})
	if err != nil {
		t.Fatal(err)
	}
	lee, err := s.CreateMember(ctx, inboxbot.Member{Name: "lee", SlackID: "U1"})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < n; i++ {
		res, err := s.AddInbound(ctx, inboxbot.Inbound{Kind: "message", Channel: "sms",
			Contact: inboxbot.Contact{ExternalID: fmt.Sprint(i)}, Body: "hi"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.Assign(ctx, inboxbot.Change{ConversationID: res.Conversation.ID, To: lee.ID, Actor: boss.ID}); err != nil {
			t.Fatal(err)
		}
	}
}

func TestOutbox_FailedSendIsRetriedAfterBackoffOrRetryAfter(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
		clock := func() time.Time { return now }
		s.Now = clock
		assignMany(t, s, 2)
		calls := 0
		slack := &recorder{fail: func(n inboxbot.Notification) error {
			calls++
			switch calls {
			case 1:
				return &bot.RateLimited{After: 30 * time.Second}
			case 2:
				return errors.New("connection reset")
			}
			return nil
		}}
		o := &bot.Outbox{Store: s, Senders: map[inboxbot.Platform]bot.Sender{inboxbot.PlatformSlack: slack}, Owner: "r1", Now: clock}

		if n, err := o.Flush(ctx); err != nil || n != 0 {
			t.Fatalf("first flush sent %d, %v; both sends failed", n, err)
		}
		now = now.Add(time.Second)
		if n, _ := o.Flush(ctx); n != 0 {
			t.Fatal("sent before the back-off ran out")
		}
		now = now.Add(28 * time.Second)
		if n, _ := o.Flush(ctx); n != 1 {
			t.Fatalf("after the back-off but before Retry-After sent %d, want 1", n)
		}
		now = now.Add(time.Second)
		if n, err := o.Flush(ctx); err != nil || n != 1 {
			t.Fatalf("after Retry-After sent %d, %v; want 1", n, err)
		}
		if len(slack.sent) != 2 {
			t.Fatalf("sent %v", slack.sent)
		}
		for key, times := range slack.sent {
			if times != 1 {
				t.Fatalf("%s sent %d times", key, times)
			}
		}
	})
}

// TestOutbox_TwoReplicasSendEachNotificationOnce runs two delivery loops
// against one PostgreSQL outbox at once.
func TestOutbox_TwoReplicasSendEachNotificationOnce(t *testing.T) {
	s := storetest.Open(t, "postgres")
	const n = 40
	assignMany(t, s, n)
	slack := &recorder{}
	var wg sync.WaitGroup
	for _, owner := range []string{"r1", "r2"} {
		wg.Add(1)
		go func(owner string) {
			defer wg.Done()
			o := &bot.Outbox{Store: s, Senders: map[inboxbot.Platform]bot.Sender{inboxbot.PlatformSlack: slack}, Owner: owner}
			if _, err := o.Flush(ctx); err != nil {
				t.Error(err)
			}
		}(owner)
	}
	wg.Wait()
	if len(slack.sent) != n {
		t.Fatalf("%d distinct notifications sent, want %d", len(slack.sent), n)
	}
	for key, times := range slack.sent {
		if times != 1 {
			t.Fatalf("%s sent %d times", key, times)
		}
	}
}

func TestBackoff_GrowsAndIsCapped(t *testing.T) {
	for attempt, max := range map[int]time.Duration{1: 4 * time.Second, 3: 16 * time.Second, 30: 10 * time.Minute} {
		for i := 0; i < 50; i++ {
			if d := bot.Backoff(attempt); d < max/2 || d > max {
				t.Fatalf("Backoff(%d) = %s, want within [%s, %s]", attempt, d, max/2, max)
			}
		}
	}
}
