package commands_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/commands"
)

// chatConv opens a conversation from a Slack thread.
func (e *env) chatConv(contact, ts string) inboxbot.Conversation {
	e.t.Helper()
	res, err := e.st.AddInbound(ctx, inboxbot.Inbound{Kind: "message", Contact: inboxbot.Contact{ExternalID: contact, Name: contact},
		Channel: "slack", Body: "help", MessageID: "slack:C1:" + ts,
		Origin: &inboxbot.Origin{Platform: inboxbot.PlatformSlack, Channel: "C1", Thread: ts}}, e.svc.Route)
	if err != nil {
		e.t.Fatalf("inbound in thread %s: %v", ts, err)
	}
	return res.Conversation
}

func TestReply_OfferedAndRefusedPerConversationByOrigin(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.svc.Chats = []inboxbot.Platform{inboxbot.PlatformSlack}
		e.member("lee", inboxbot.RoleManager)
		api := e.inbound("jane", "hi")
		chat := e.chatConv("slack:T2:U9", "1.1")
		e.rejected("lee", fmt.Sprintf("reply %d Hello Jane", api.ID),
			fmt.Sprintf("#%d came from the API and INBOXBOT_OUTBOUND_URL is not set", api.ID))
		if acts := actions(e.ok("lee", fmt.Sprintf("show %d", api.ID)).Cards[0]); strings.Contains(acts, "reply") {
			t.Errorf("a Reply button is offered on an API conversation without a webhook: %s", acts)
		}
		e.ok("lee", fmt.Sprintf("reply %d Hello from Slack", chat.ID))
		if acts := actions(e.ok("lee", fmt.Sprintf("show %d", chat.ID)).Cards[0]); !strings.Contains(acts, "reply") {
			t.Errorf("no Reply button on a conversation from a Slack thread: %s", acts)
		}
		if !e.svc.CanReply(chat.Origin) || e.svc.CanReply(nil) || !e.svc.ReplyOffered(ctx, chat.ID) || e.svc.ReplyOffered(ctx, api.ID) {
			t.Errorf("CanReply/ReplyOffered disagree with the refusals")
		}
		e.svc.Chats = nil
		e.rejected("lee", fmt.Sprintf("reply %d again", chat.ID), "came from a Slack thread and Slack is not set up here")
	})
}

func TestThreadReply_RecordedOnceAndAnswersTheConversation(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.member("lee", inboxbot.RoleAgent)
		chat := e.chatConv("slack:T2:U9", "1.1")
		e.ok("lee", fmt.Sprintf("claim %d", chat.ID))
		req := commands.Request{Platform: inboxbot.PlatformShell, UserID: "lee"}
		for i := 0; i < 2; i++ {
			if r := e.svc.ThreadReply(ctx, req, *chat.Origin, "slack:C1:1.2", "typed in the thread"); r.Outcome != commands.OK {
				t.Fatalf("thread reply %d: %s %s", i, r.Outcome, r.Error)
			}
		}
		msgs, err := e.st.Messages(ctx, chat.ID, 10)
		if err != nil || len(msgs) != 2 || msgs[1].Direction != inboxbot.DirectionOutbound || msgs[1].Delivery != inboxbot.DeliverySent {
			t.Fatalf("messages %+v, %v; want the customer's and one reply, sent", msgs, err)
		}
		other := inboxbot.Origin{Platform: inboxbot.PlatformSlack, Channel: "C1", Thread: "9.9"}
		if r := e.svc.ThreadReply(ctx, req, other, "slack:C1:9.10", "x"); r.Outcome == commands.OK {
			t.Fatalf("a message in a thread of no conversation was recorded")
		}
	})
}
