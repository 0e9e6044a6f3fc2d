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
		if first, err := s.FirstDelivery(ctx, inboxbot.PlatformSlack, "Ev2"); err != nil || !first {
			t.Fatalf("after a day: first=%v, %v; want the id forgotten", first, err)
		}
	})
}
