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

func slackThread(ts string) *inboxbot.Origin {
	return &inboxbot.Origin{Platform: inboxbot.PlatformSlack, Channel: "C1", Thread: ts}
}

func chatInbound(contact, msgID, body string, o *inboxbot.Origin) inboxbot.Inbound {
	return inboxbot.Inbound{Kind: "message", Channel: "slack", Contact: inboxbot.Contact{ExternalID: contact, Name: contact},
		MessageID: msgID, Body: body, Origin: o}
}

func TestAddInbound_EachThreadIsItsOwnConversation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		api := inbound(t, s, "slack:T1:U1", "slack", "from the API")
		first, err := s.AddInbound(ctx, chatInbound("slack:T1:U1", "slack:C1:1.1", "first thread", slackThread("1.1")), nil)
		if err != nil || !first.Created {
			t.Fatalf("first thread: %+v, %v; want a new conversation", first, err)
		}
		second, err := s.AddInbound(ctx, chatInbound("slack:T1:U1", "slack:C1:2.2", "second thread", slackThread("2.2")), nil)
		if err != nil || !second.Created {
			t.Fatalf("second thread: %+v, %v; want a new conversation", second, err)
		}
		reply, err := s.AddInbound(ctx, chatInbound("slack:T1:U1", "slack:C1:1.5", "in the first", slackThread("1.1")), nil)
		if err != nil || reply.Created || reply.Conversation.ID != first.Conversation.ID {
			t.Fatalf("follow-up in the first thread went to %d (created %v, %v); want %d",
				reply.Conversation.ID, reply.Created, err, first.Conversation.ID)
		}
		again := inbound(t, s, "slack:T1:U1", "slack", "API again")
		if again.Conversation.ID != api.Conversation.ID {
			t.Fatalf("API message went to %d, want the API conversation %d", again.Conversation.ID, api.Conversation.ID)
		}
		got, err := s.ConversationByOrigin(ctx, *slackThread("2.2"))
		if err != nil || got.ID != second.Conversation.ID || got.Origin == nil || got.Origin.Thread != "2.2" {
			t.Fatalf("by origin: %+v, %v; want #%d with its origin", got, err, second.Conversation.ID)
		}
		if _, err := s.ConversationByOrigin(ctx, *slackThread("9.9")); inboxbot.ErrorCode(err) != inboxbot.ENOTFOUND {
			t.Fatalf("unknown thread: %v, want ENOTFOUND", err)
		}
	})
}

func TestAddInbound_ClosedThreadReopensOnTheCustomersMessage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		dana := mustMember(t, s, "dana", inboxbot.RoleAgent)
		res, err := s.AddInbound(ctx, chatInbound("c1", "m1", "help", slackThread("1.1")), nil)
		if err != nil {
			t.Fatal(err)
		}
		id := res.Conversation.ID
		if _, _, err := s.SetStatus(ctx, inboxbot.StatusChange{ConversationID: id, Status: inboxbot.StatusClosed, Actor: dana.ID, Via: inboxbot.ViaShell}); err != nil {
			t.Fatal(err)
		}
		again, err := s.AddInbound(ctx, chatInbound("c1", "m2", "still broken", slackThread("1.1")), nil)
		if err != nil || again.Conversation.ID != id || !again.Reopened {
			t.Fatalf("message in the closed thread: %+v, %v; want #%d reopened", again, err, id)
		}
	})
}

func TestSetStatus_ChatOriginTellsItsPlatformOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		dana := mustMember(t, s, "dana", inboxbot.RoleAgent)
		res, err := s.AddInbound(ctx, chatInbound("c1", "m1", "help", slackThread("1.1")), nil)
		if err != nil {
			t.Fatal(err)
		}
		api := inbound(t, s, "c2", "sms", "help")
		for _, id := range []int64{res.Conversation.ID, api.Conversation.ID} {
			for _, st := range []inboxbot.Status{inboxbot.StatusClosed, inboxbot.StatusOpen} {
				if _, _, err := s.SetStatus(ctx, inboxbot.StatusChange{ConversationID: id, Status: st, Actor: dana.ID, Via: inboxbot.ViaShell}); err != nil {
					t.Fatal(err)
				}
			}
		}
		ns, err := s.Lease(ctx, "test", []inboxbot.Platform{inboxbot.PlatformSlack, inboxbot.PlatformWebhook}, 100, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, n := range ns {
			if n.Notice.Event == inboxbot.EventThread {
				got = append(got, fmt.Sprintf("%s:%d:%v:%s", n.Platform, n.Notice.ConversationID, n.Notice.Closed, n.Notice.Origin.Thread))
			}
		}
		want := fmt.Sprintf("[slack:%d:true:1.1 slack:%d:false:1.1]", res.Conversation.ID, res.Conversation.ID)
		if fmt.Sprint(got) != want {
			t.Fatalf("thread rows %v, want %s", got, want)
		}
	})
}

func TestAddReply_GoesWhereTheConversationCameFrom(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		dana := mustMember(t, s, "dana", inboxbot.RoleAgent)
		chat, err := s.AddInbound(ctx, chatInbound("c1", "m1", "help", slackThread("1.1")), nil)
		if err != nil {
			t.Fatal(err)
		}
		api := inbound(t, s, "c2", "sms", "help")
		for _, id := range []int64{chat.Conversation.ID, api.Conversation.ID} {
			if _, _, err := s.AddReply(ctx, inboxbot.Reply{ConversationID: id, Direction: inboxbot.DirectionOutbound, Author: dana.ID, Body: "on it"}); err != nil {
				t.Fatal(err)
			}
		}
		ns, err := s.Lease(ctx, "test", []inboxbot.Platform{inboxbot.PlatformSlack, inboxbot.PlatformWebhook}, 100, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		got := map[int64]inboxbot.Platform{}
		for _, n := range ns {
			if n.Notice.Event == inboxbot.EventReply {
				got[n.Notice.ConversationID] = n.Platform
			}
		}
		if got[chat.Conversation.ID] != inboxbot.PlatformSlack || got[api.Conversation.ID] != inboxbot.PlatformWebhook {
			t.Fatalf("replies queued for %v; want slack for #%d and webhook for #%d", got, chat.Conversation.ID, api.Conversation.ID)
		}
	})
}

func TestAddReply_DeliveredInTheThreadIsRecordedOnceAndNeverSent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		dana := mustMember(t, s, "dana", inboxbot.RoleAgent)
		res, err := s.AddInbound(ctx, chatInbound("c1", "m1", "help", slackThread("1.1")), nil)
		if err != nil {
			t.Fatal(err)
		}
		id := res.Conversation.ID
		if _, _, err := s.Claim(ctx, id, dana.ID, inboxbot.ViaShell); err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 2; i++ {
			msg, _, err := s.AddReply(ctx, inboxbot.Reply{ConversationID: id, Direction: inboxbot.DirectionOutbound,
				Author: dana.ID, Body: "typed in the thread", MessageID: "slack:C1:1.2"})
			if err != nil || msg.Delivery != inboxbot.DeliverySent {
				t.Fatalf("record %d: %+v, %v; want a sent message", i, msg, err)
			}
		}
		msgs, err := s.Messages(ctx, id, 100)
		if err != nil || len(msgs) != 2 {
			t.Fatalf("messages %+v, %v; want the customer's and one reply", msgs, err)
		}
		ns, err := s.Lease(ctx, "test", []inboxbot.Platform{inboxbot.PlatformSlack, inboxbot.PlatformWebhook}, 100, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range ns {
			if n.Notice.Event == inboxbot.EventReply {
				t.Fatalf("a reply typed in the thread was queued to be sent again: %+v", n)
			}
		}
	})
}

// Two replicas receive the same Slack event and its retries at once, while
// other messages arrive in the same thread: one conversation, each message
// stored once.
func TestAddInbound_ThreadRaceAcrossReplicasOpensOneConversation(t *testing.T) {
	url := storetest.URL(t, "postgres")
	a := openReplica(t, url)
	if _, err := a.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	b := openReplica(t, url)
	dana := mustMember(t, a, "dana", inboxbot.RoleAgent)
	const n = 16
	var wg sync.WaitGroup
	errs := make([]error, 3*n)
	convs := make([]int64, 3*n)
	start := make(chan struct{})
	for i := 0; i < 3*n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			s := a
			if i%2 == 1 {
				s = b
			}
			<-start
			switch {
			case i < n: // the opening message, delivered n times
				var res inboxbot.InboundResult
				res, errs[i] = s.AddInbound(ctx, chatInbound("slack:T1:U1", "slack:C1:1.1", "help", slackThread("1.1")), nil)
				convs[i] = res.Conversation.ID
			case i < 2*n: // n different follow-ups by the customer
				var res inboxbot.InboundResult
				res, errs[i] = s.AddInbound(ctx, chatInbound("slack:T1:U1", fmt.Sprintf("slack:C1:1.%d", i+100), "more", slackThread("1.1")), nil)
				convs[i] = res.Conversation.ID
			default: // a member's answer in the thread, delivered n times
				for {
					conv, err := s.ConversationByOrigin(ctx, *slackThread("1.1"))
					if inboxbot.ErrorCode(err) == inboxbot.ENOTFOUND {
						continue
					}
					if err == nil {
						_, conv, err = s.AddReply(ctx, inboxbot.Reply{ConversationID: conv.ID, Direction: inboxbot.DirectionOutbound,
							Author: dana.ID, Body: "answer", MessageID: "slack:C1:1.9"})
					}
					errs[i], convs[i] = err, conv.ID
					return
				}
			}
		}(i)
	}
	close(start)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
		if convs[i] != convs[0] {
			t.Fatalf("request %d went to #%d, request 0 to #%d", i, convs[i], convs[0])
		}
	}
	msgs, err := a.Messages(ctx, convs[0], 1000)
	if err != nil || len(msgs) != n+2 {
		t.Fatalf("%d messages (%v), want %d: the opening once, %d follow-ups, the answer once", len(msgs), err, n+2, n)
	}
}
