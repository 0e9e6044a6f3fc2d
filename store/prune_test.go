package store_test

import (
	"testing"
	"time"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/store"
	"github.com/inboxbot/inboxbot/store/storetest"
)

// TestPruneOutbox_DeletesWhatIsDoneAndExpiresWhatNobodyDelivers: the
// outbox was never pruned. Sent and failed rows older than the retention
// go; pending rows older than it go only when their platform is off; young
// rows and rows for a platform that is on stay.
func TestPruneOutbox_DeletesWhatIsDoneAndExpiresWhatNobodyDelivers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		now := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
		s.Now = func() time.Time { return now }
		dana := mustMember(t, s, "dana", inboxbot.RoleManager)
		lee := mustMember(t, s, "lee", inboxbot.RoleAgent)
		sam, err := s.CreateMember(ctx, inboxbot.Member{Name: "sam", SlackID: "U0SAM"})
		if err != nil {
			t.Fatal(err)
		}
		assign := func(contact string, to inboxbot.Member) {
			c := inbound(t, s, contact, "sms", "hi").Conversation
			if _, _, err := s.Assign(ctx, inboxbot.Change{ConversationID: c.ID, To: to.ID, Actor: dana.ID}); err != nil {
				t.Fatal(err)
			}
		}
		// Old: one sent (shell), one pending on the shell, one pending on Slack.
		assign("old-sent", lee)
		if got := outbox(t, s); len(got) != 1 {
			t.Fatalf("sent %v", got)
		}
		assign("old-shell", lee)
		assign("old-slack", sam)
		now = now.Add(10 * 24 * time.Hour)
		assign("young-shell", lee)

		n, err := s.PruneOutbox(ctx, now.Add(-7*24*time.Hour), []inboxbot.Platform{inboxbot.PlatformSlack})
		if err != nil || n != 2 {
			t.Fatalf("pruned %d, %v; want the old sent and the old shell rows", n, err)
		}
		counts, _ := s.OutboxCounts(ctx)
		if counts["sent"] != 0 || counts["pending"] != 2 {
			t.Fatalf("after pruning: %v; want the old Slack row (Slack is on) and the young one pending", counts)
		}
		// Slack turned off: its old row expires too.
		if n, err := s.PruneOutbox(ctx, now.Add(-7*24*time.Hour), nil); err != nil || n != 1 {
			t.Fatalf("pruned %d, %v with every platform off; want the old Slack row", n, err)
		}
	})
}

// TestPruneOutbox_NeverDeletesAPendingReplyButFailsIt: a reply still
// pending at the retention age is not deleted without a trace, whichever
// replica prunes (this one does not deliver replies): it is marked not
// delivered and its author is told.
func TestPruneOutbox_NeverDeletesAPendingReplyButFailsIt(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		now := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
		s.Now = func() time.Time { return now }
		dana := mustMember(t, s, "dana", inboxbot.RoleManager)
		c := inbound(t, s, "jane", "sms", "hi").Conversation
		if _, _, err := s.Claim(ctx, c.ID, dana.ID, inboxbot.ViaShell); err != nil {
			t.Fatal(err)
		}
		outbox(t, s) // whatever the claim queued
		if _, _, err := s.AddReply(ctx, inboxbot.Reply{ConversationID: c.ID, Direction: inboxbot.DirectionOutbound,
			Author: dana.ID, Body: "We can deliver on Monday"}); err != nil {
			t.Fatal(err)
		}
		// Young: neither pruned nor failed.
		if n, err := s.PruneOutbox(ctx, now.Add(-7*24*time.Hour), nil); n != 0 || err != nil {
			t.Fatalf("pruned %d, %v", n, err)
		}
		now = now.Add(8 * 24 * time.Hour)
		if _, err := s.PruneOutbox(ctx, now.Add(-7*24*time.Hour), []inboxbot.Platform{inboxbot.PlatformSlack}); err != nil {
			t.Fatal(err)
		}
		msgs, err := s.Messages(ctx, c.ID, 10)
		if err != nil {
			t.Fatal(err)
		}
		last := msgs[len(msgs)-1]
		if last.Body != "We can deliver on Monday" || last.Delivery != inboxbot.DeliveryFailed {
			t.Fatalf("the reply after pruning: %+v; want it marked not delivered", last)
		}
		if got := outbox(t, s); len(got) != 1 || got[0] != "dana:"+string(inboxbot.EventReplyFailed.Kind()) {
			t.Fatalf("outbox %v; want dana told her reply failed", got)
		}
	})
}
