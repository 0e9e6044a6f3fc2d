package bot_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/bot"
	"github.com/inboxbot/inboxbot/store"
	"github.com/inboxbot/inboxbot/store/storetest"
)

// threads is a chat platform's sender that records replies and thread
// states, failing the first reply once.
type threads struct {
	recorder
	mu      sync.Mutex
	failed  bool
	replies []inboxbot.OutboundReply
	states  []string
}

func (t *threads) SendReply(_ context.Context, r inboxbot.OutboundReply) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if !t.failed {
		t.failed = true
		return fmt.Errorf("connection reset")
	}
	t.replies = append(t.replies, r)
	return nil
}

func (t *threads) ThreadState(_ context.Context, o inboxbot.Origin, closed bool) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.states = append(t.states, fmt.Sprintf("%s/%s closed=%v", o.Channel, o.Thread, closed))
	return nil
}

func TestOutbox_ChatOriginRepliesAndStatusGoToTheirThread(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		now := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
		s.Now = func() time.Time { return now }
		dana, err := s.CreateMember(ctx, inboxbot.Member{Name: "dana", Role: inboxbot.RoleAgent})
		if err != nil {
			t.Fatal(err)
		}
		o := &inboxbot.Origin{Platform: inboxbot.PlatformSlack, Channel: "C9", Thread: "1.1"}
		res, err := s.AddInbound(ctx, inboxbot.Inbound{Kind: "message", Channel: "slack",
			Contact: inboxbot.Contact{ExternalID: "slack:T2:U9"}, MessageID: "slack:C9:1.1", Body: "help", Origin: o}, nil)
		if err != nil {
			t.Fatal(err)
		}
		id := res.Conversation.ID
		msg, _, err := s.AddReply(ctx, inboxbot.Reply{ConversationID: id, Direction: inboxbot.DirectionOutbound, Author: dana.ID, Body: "on it"})
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.SetStatus(ctx, inboxbot.StatusChange{ConversationID: id, Status: inboxbot.StatusClosed, Actor: dana.ID, Via: inboxbot.ViaShell}); err != nil {
			t.Fatal(err)
		}
		slack := &threads{}
		ob := &bot.Outbox{Store: s, Senders: map[inboxbot.Platform]bot.Sender{inboxbot.PlatformSlack: slack}, Owner: "a", Now: s.Now}
		for round := 0; round < 2; round++ {
			if _, err := ob.Flush(ctx); err != nil {
				t.Fatal(err)
			}
			now = now.Add(time.Hour) // past the failed reply's back-off
		}
		if len(slack.replies) != 1 {
			t.Fatalf("replies posted %+v, want one", slack.replies)
		}
		r := slack.replies[0]
		if r.Origin != *o || r.Author != "dana" || r.Body != "on it" || r.Key != fmt.Sprintf("reply:%d", msg.ID) || len(r.Key) > 25 {
			t.Fatalf("reply %+v, want dana's in %v keyed reply:%d", r, *o, msg.ID)
		}
		if !slices.Equal(slack.states, []string{"C9/1.1 closed=true"}) {
			t.Fatalf("thread states %v, want the close once", slack.states)
		}
		if len(slack.sent) != 0 {
			t.Fatalf("DMs sent %v, want none", slack.sent)
		}
		msgs, err := s.Messages(ctx, id, 10)
		if err != nil || msgs[len(msgs)-1].Delivery != inboxbot.DeliverySent {
			t.Fatalf("messages %+v, %v; want the reply marked sent", msgs, err)
		}
	})
}
