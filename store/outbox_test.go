package store_test

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/store"
	"github.com/inboxbot/inboxbot/store/storetest"
)

func TestOutbox_RetryWaitsAndLeasesExpire(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
		s.Now = func() time.Time { return now }
		dana := mustMember(t, s, "dana", inboxbot.RoleManager)
		lee := mustMember(t, s, "lee", inboxbot.RoleAgent)
		c := inbound(t, s, "jane", "sms", "hi").Conversation
		s.Assign(ctx, inboxbot.Change{ConversationID: c.ID, To: lee.ID, Actor: dana.ID})
		shell := []inboxbot.Platform{inboxbot.PlatformShell}

		got, err := s.Lease(ctx, "a", shell, 10, time.Minute)
		if err != nil || len(got) != 1 || got[0].Attempts != 0 || got[0].To != "lee" {
			t.Fatalf("lease = %+v, %v", got, err)
		}
		if again, _ := s.Lease(ctx, "b", shell, 10, time.Minute); len(again) != 0 {
			t.Fatalf("a leased notification was handed out again: %+v", again)
		}
		if n, ok, err := s.Hold(ctx, got[0].ID, "a", time.Minute); n != 1 || !ok || err != nil {
			t.Fatalf("hold = %d, %v, %v; want the first attempt", n, ok, err)
		}
		if err := s.Retry(ctx, got[0].ID, "a", now.Add(30*time.Second), errors.New("slack is down")); err != nil {
			t.Fatal(err)
		}
		if early, _ := s.Lease(ctx, "b", shell, 10, time.Minute); len(early) != 0 {
			t.Fatal("a notification was retried before its time")
		}
		now = now.Add(31 * time.Second)
		second, _ := s.Lease(ctx, "b", shell, 10, time.Minute)
		if len(second) != 1 || second[0].Attempts != 1 {
			t.Fatalf("retry lease = %+v", second)
		}
		// b dies before trying: its lease runs out, c takes over, and the
		// attempt b never made is not counted.
		now = now.Add(2 * time.Minute)
		third, _ := s.Lease(ctx, "c", shell, 10, time.Minute)
		if len(third) != 1 || third[0].Attempts != 1 {
			t.Fatalf("an expired lease was not taken over: %+v", third)
		}
		if _, ok, _ := s.Hold(ctx, third[0].ID, "b", time.Minute); ok {
			t.Fatal("a replica that lost its lease may still send")
		}
		// b had sent it after all and records it late: c must not send it.
		if err := s.Sent(ctx, third[0].ID); err != nil {
			t.Fatal(err)
		}
		if _, ok, _ := s.Hold(ctx, third[0].ID, "c", time.Minute); ok {
			t.Fatal("a notification recorded as sent may be sent again")
		}
		if counts, _ := s.OutboxCounts(ctx); counts["sent"] != 1 || counts["pending"] != 0 {
			t.Fatalf("counts %v", counts)
		}
	})
}

// TestOutbox_ReplicasNeverLeaseTheSameNotification has eight replicas
// drain one outbox at once; each notification must be handed out once.
func TestOutbox_ReplicasNeverLeaseTheSameNotification(t *testing.T) {
	s := storetest.Open(t, "postgres")
	boss := mustMember(t, s, "boss", inboxbot.RoleManager)
	var agents []inboxbot.Member
	for i := 0; i < 4; i++ {
		agents = append(agents, mustMember(t, s, fmt.Sprintf("agent%d", i), inboxbot.RoleAgent))
	}
	const convs = 60
	for i := 0; i < convs; i++ {
		c := inbound(t, s, fmt.Sprintf("c%d", i), "sms", "hi").Conversation
		if _, _, err := s.Assign(ctx, inboxbot.Change{ConversationID: c.ID, To: agents[i%4].ID, Actor: boss.ID}); err != nil {
			t.Fatal(err)
		}
	}
	var (
		mu   sync.Mutex
		seen = map[int64]string{}
		wg   sync.WaitGroup
	)
	for r := 0; r < 8; r++ {
		wg.Add(1)
		go func(owner string) {
			defer wg.Done()
			for {
				batch, err := s.Lease(ctx, owner, []inboxbot.Platform{inboxbot.PlatformShell}, 3, time.Minute)
				if err != nil {
					t.Error(err)
					return
				}
				if len(batch) == 0 {
					return
				}
				for _, n := range batch {
					mu.Lock()
					if other, dup := seen[n.ID]; dup {
						t.Errorf("notification %d leased by %s and %s", n.ID, other, owner)
					}
					seen[n.ID] = owner
					mu.Unlock()
					s.Sent(ctx, n.ID)
				}
			}
		}(fmt.Sprintf("replica%d", r))
	}
	wg.Wait()
	if len(seen) != convs {
		t.Fatalf("%d notifications delivered, want %d", len(seen), convs)
	}
}
