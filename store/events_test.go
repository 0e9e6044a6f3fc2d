package store_test

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/store"
	"github.com/inboxbot/inboxbot/store/storetest"
)

func TestFirstDelivery_ARedeliveryIsRecognisedOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		var firsts atomic.Int32
		var wg sync.WaitGroup
		for range 8 {
			wg.Go(func() {
				first, err := s.FirstDelivery(ctx, inboxbot.PlatformSlack, "Ev1")
				if err != nil {
					t.Error(err)
				}
				if first {
					firsts.Add(1)
				}
			})
		}
		wg.Wait()
		if firsts.Load() != 1 {
			t.Fatalf("%d first deliveries of one event, want 1", firsts.Load())
		}
		// The same id on another platform is another event.
		if first, err := s.FirstDelivery(ctx, inboxbot.PlatformDiscord, "Ev1"); err != nil || !first {
			t.Fatalf("other platform: first=%v, %v", first, err)
		}
	})
}

func TestFirstDelivery_ForgetsIdsAfterADay(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		start := time.Now()
		s.Now = func() time.Time { return start }
		if first, _ := s.FirstDelivery(ctx, inboxbot.PlatformSlack, "Ev2"); !first {
			t.Fatal("first delivery not recognised")
		}
		s.Now = func() time.Time { return start.Add(25 * time.Hour) }
		if first, err := s.FirstDelivery(ctx, inboxbot.PlatformSlack, "Ev2"); err != nil || first {
			t.Fatalf("before pruning: first=%v, %v; want the id remembered", first, err)
		}
		if n, err := s.PruneDeliveries(ctx); err != nil || n != 1 {
			t.Fatalf("PruneDeliveries = %d, %v; want 1", n, err)
		}
		if first, err := s.FirstDelivery(ctx, inboxbot.PlatformSlack, "Ev2"); err != nil || !first {
			t.Fatalf("after a day: first=%v, %v; want the id forgotten", first, err)
		}
	})
}

func TestTeamInbox_CountsAndFindsTheLongestWaiting(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		if n, oldest, err := s.TeamInbox(ctx); err != nil || n != 0 || oldest.ID != 0 {
			t.Fatalf("empty: %d, %+v, %v", n, oldest, err)
		}
		dana := mustMember(t, s, "dana", inboxbot.RoleAgent)
		first := inbound(t, s, "jane", "sms", "hi").Conversation
		inbound(t, s, "joe", "sms", "hello")
		if _, _, err := s.Claim(ctx, first.ID, dana.ID, inboxbot.ViaShell); err != nil {
			t.Fatal(err)
		}
		third := inbound(t, s, "ann", "email", "hey").Conversation
		n, oldest, err := s.TeamInbox(ctx)
		if err != nil || n != 2 || oldest.Contact.DisplayName() != "joe" {
			t.Fatalf("TeamInbox = %d, %q, %v; want 2, joe (third was %d)", n, oldest.Contact.DisplayName(), err, third.ID)
		}
	})
}
