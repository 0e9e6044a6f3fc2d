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

// checkOpenCounts compares every member's maintained open count with a
// count of their open conversations.
func checkOpenCounts(t *testing.T, s *store.Store) {
	t.Helper()
	ms, err := s.Members(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		open, err := s.List(ctx, inboxbot.Filter{AssigneeID: m.ID, Status: inboxbot.StatusOpen, Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		if m.OpenCount != len(open) {
			t.Errorf("%s: open count %d, but %d open conversations", m.Name, m.OpenCount, len(open))
		}
	}
}

func TestOpenCount_FollowsEveryChangeOfHandsAndStatus(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		if err := s.ApplyTeam(ctx, []inboxbot.Member{{Name: "dana"}, {Name: "lee"}}, []inboxbot.Rule{{Name: "all",
			Status: inboxbot.RulePublished, Trigger: inboxbot.TriggerConversationCreated,
			Assign: inboxbot.Assignment{Method: inboxbot.MethodRoundRobin, Members: []string{"dana", "lee"}}}}); err != nil {
			t.Fatal(err)
		}
		dana, _ := s.MemberByName(ctx, "dana")
		lee, _ := s.MemberByName(ctx, "lee")
		routed, err := s.AddInbound(ctx, inboxbot.Inbound{Kind: "message", Channel: "sms", Body: "hi",
			Contact: inboxbot.Contact{ExternalID: "a"}}, rotate)
		if err != nil {
			t.Fatal(err)
		}
		c := inbound(t, s, "b", "sms", "hi").Conversation
		steps := []func() error{
			func() error { _, _, err := s.Claim(ctx, c.ID, lee.ID, inboxbot.ViaShell); return err },
			func() error {
				_, _, err := s.Assign(ctx, inboxbot.Change{ConversationID: c.ID, To: dana.ID, Actor: lee.ID})
				return err
			},
			func() error {
				_, _, err := s.SetStatus(ctx, inboxbot.StatusChange{ConversationID: c.ID, Status: inboxbot.StatusClosed})
				return err
			},
			func() error {
				_, _, err := s.SetStatus(ctx, inboxbot.StatusChange{ConversationID: c.ID, Status: inboxbot.StatusOpen})
				return err
			},
			func() error {
				_, _, err := s.Assign(ctx, inboxbot.Change{ConversationID: c.ID, Actor: dana.ID})
				return err
			},
			func() error { _, _, err := s.AssignContact(ctx, "a", lee.ID, dana.ID); return err },
			func() error {
				_, _, err := s.SetStatus(ctx, inboxbot.StatusChange{ConversationID: routed.Conversation.ID, Status: inboxbot.StatusClosed})
				return err
			},
			func() error { inbound(t, s, "a", "sms", "again"); return nil }, // the owner gets the new one
		}
		for i, step := range steps {
			if err := step(); err != nil {
				t.Fatalf("step %d: %v", i, err)
			}
			checkOpenCounts(t, s)
		}
	})
}

func TestOpenCount_ConcurrentClaimsAndClosesAddUp(t *testing.T) {
	s := storetest.Open(t, "postgres")
	dana := mustMember(t, s, "dana", inboxbot.RoleAgent)
	var wg sync.WaitGroup
	for i := 0; i < 20; i++ {
		c := inbound(t, s, fmt.Sprint("c", i), "sms", "hi").Conversation
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.Claim(ctx, c.ID, dana.ID, inboxbot.ViaShell)
			if c.ID%2 == 0 {
				s.SetStatus(ctx, inboxbot.StatusChange{ConversationID: c.ID, Status: inboxbot.StatusClosed})
			}
		}()
	}
	wg.Wait()
	checkOpenCounts(t, s)
}

func TestPendingCards_ClosedBeforeItsFirstCardGetsOneWhenReopened(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		c := inbound(t, s, "jane", "sms", "hi").Conversation
		if _, _, err := s.SetStatus(ctx, inboxbot.StatusChange{ConversationID: c.ID, Status: inboxbot.StatusClosed}); err != nil {
			t.Fatal(err)
		}
		pending := func() int {
			t.Helper()
			jobs, err := s.PendingCards(ctx, inboxbot.PlatformSlack, "r1", 10, time.Minute)
			if err != nil {
				t.Fatal(err)
			}
			for _, j := range jobs {
				j.Card.MessageID = "m"
				if err := s.CardRendered(ctx, j.Card, j.Version, "r1"); err != nil {
					t.Fatal(err)
				}
			}
			return len(jobs)
		}
		if n := pending(); n != 0 {
			t.Fatalf("%d cards for a conversation closed before it had one", n)
		}
		if _, _, err := s.SetStatus(ctx, inboxbot.StatusChange{ConversationID: c.ID, Status: inboxbot.StatusOpen}); err != nil {
			t.Fatal(err)
		}
		if n := pending(); n != 1 {
			t.Fatalf("%d cards for the reopened conversation, want 1", n)
		}
		if n := pending(); n != 0 {
			t.Fatalf("%d cards due after rendering, want 0", n)
		}
	})
}
