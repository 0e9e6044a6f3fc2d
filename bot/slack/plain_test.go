package slack_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/bot/slack/slacktest"
	"github.com/inboxbot/inboxbot/commands"
	"github.com/inboxbot/inboxbot/store/storetest"
)

// TestSlack_SlashReplyReachesTheContactAsPlainText: `cost < 5 & more`
// arrived as `cost &lt; 5 &amp; more`, and links and mentions verbatim,
// leaking internal user ids.
func TestSlack_SlashReplyReachesTheContactAsPlainText(t *testing.T) {
	e := newEnv(t, storetest.Open(t, "sqlite"), slacktest.New(t), "r1")
	e.svc.Webhook = true
	e.member("dana", "U0DANA", inboxbot.RoleAgent)
	e.member("lee", "U0LEE", inboxbot.RoleAgent)
	conv := e.inbound("jane", "Hi, I need a quote")
	if r := e.svc.Act(bg, commands.ActionRequest{Platform: inboxbot.PlatformSlack, UserID: "U0DANA",
		ConversationID: conv.ID, Action: commands.ActionClaim}); r.Outcome != commands.OK {
		t.Fatalf("claim: %+v", r)
	}
	text := fmt.Sprintf("reply %d cost &lt; 5 &amp; more: <https://example.com/q?a=1&amp;b=2|the quote>, "+
		"<mailto:sales@example.com|sales@example.com>, ask <@U0LEE> in <#C0SALES|sales> <!here>", conv.ID)
	if code, _ := e.slash("U0DANA", "dana", text); code != http.StatusOK {
		t.Fatalf("reply: %d", code)
	}
	ms := e.messages(conv.ID)
	want := "cost < 5 & more: the quote (https://example.com/q?a=1&b=2), sales@example.com, ask lee in #sales @here"
	if last := ms[len(ms)-1]; last.Direction != inboxbot.DirectionOutbound || last.Body != want {
		t.Fatalf("the contact reads %q\nwant %q", last.Body, want)
	}
}
