package store_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/store"
	"github.com/inboxbot/inboxbot/store/storetest"
)

func TestPendingCards_EveryChangeMakesTheCardDueAgain(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		dana := mustMember(t, s, "dana", inboxbot.RoleAgent)
		c := inbound(t, s, "jane", "sms", "hi").Conversation
		render := func(want int, messageID string) {
			t.Helper()
			jobs, err := s.PendingCards(ctx, inboxbot.PlatformSlack, "r1", 10, time.Minute)
			if err != nil || len(jobs) != want {
				t.Fatalf("pending = %+v, %v; want %d", jobs, err, want)
			}
			for _, j := range jobs {
				if j.Card.MessageID != messageID {
					t.Fatalf("card message id %q, want %q", j.Card.MessageID, messageID)
				}
				j.Card.Channel, j.Card.MessageID = "C1", "1700000000.0001"
				if err := s.CardRendered(ctx, j.Card, j.Version, "r1"); err != nil {
					t.Fatal(err)
				}
			}
		}
		render(1, "") // a new conversation: post
		render(0, "")
		for _, change := range []func(){
			func() { s.Claim(ctx, c.ID, dana.ID, inboxbot.ViaShell) },
			func() { s.Follow(ctx, c.ID, dana.ID) },
			func() { inbound(t, s, "jane", "sms", "more") },
			func() { s.Assign(ctx, inboxbot.Change{ConversationID: c.ID, Actor: dana.ID}) },
			func() { s.SetStatus(ctx, inboxbot.StatusChange{ConversationID: c.ID, Status: inboxbot.StatusClosed}) },
		} {
			change()
			render(1, "1700000000.0001") // edit in place
		}
		if cards, _ := s.Cards(ctx, c.ID); len(cards) != 1 || cards[0].Channel != "C1" {
			t.Fatalf("cards %+v", cards)
		}
	})
}

func TestPendingCards_ReplicasNeverRenderTheSameCard(t *testing.T) {
	s := storetest.Open(t, "postgres")
	const n = 30
	for i := 0; i < n; i++ {
		inbound(t, s, fmt.Sprint(i), "sms", "hi")
	}
	var (
		mu   sync.Mutex
		seen = map[int64]int{}
		wg   sync.WaitGroup
	)
	for r := 0; r < 4; r++ {
		wg.Add(1)
		go func(owner string) {
			defer wg.Done()
			for {
				jobs, err := s.PendingCards(ctx, inboxbot.PlatformDiscord, owner, 2, time.Minute)
				if err != nil {
					t.Error(err)
					return
				}
				if len(jobs) == 0 {
					return
				}
				for _, j := range jobs {
					mu.Lock()
					seen[j.Conversation.ID]++
					mu.Unlock()
					j.Card.MessageID = "m"
					s.CardRendered(ctx, j.Card, j.Version, owner)
				}
			}
		}(fmt.Sprint("r", r))
	}
	wg.Wait()
	if len(seen) != n {
		t.Fatalf("%d cards posted, want %d", len(seen), n)
	}
	for id, times := range seen {
		if times != 1 {
			t.Fatalf("card of #%d posted %d times", id, times)
		}
	}
}

func TestCardConversation_FindsTheConversationOfAPostedCard(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		c := inbound(t, s, "jane", "sms", "hi").Conversation
		jobs, err := s.PendingCards(ctx, inboxbot.PlatformSlack, "r1", 10, time.Minute)
		if err != nil || len(jobs) != 1 {
			t.Fatalf("pending = %v, %v", jobs, err)
		}
		card := jobs[0].Card
		card.Channel, card.MessageID = "C1", "1700000000.000100"
		if err := s.CardRendered(ctx, card, jobs[0].Version, "r1"); err != nil {
			t.Fatal(err)
		}
		if id, err := s.CardConversation(ctx, inboxbot.PlatformSlack, "1700000000.000100"); err != nil || id != c.ID {
			t.Fatalf("CardConversation = %d, %v; want %d", id, err, c.ID)
		}
		for _, tt := range []struct {
			p  inboxbot.Platform
			id string
		}{{inboxbot.PlatformDiscord, "1700000000.000100"}, {inboxbot.PlatformSlack, "other"}, {inboxbot.PlatformSlack, ""}} {
			_, err := s.CardConversation(ctx, tt.p, tt.id)
			wantCode(t, err, inboxbot.ENOTFOUND)
		}
	})
}
