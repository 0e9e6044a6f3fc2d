package discord_test

import (
	"strings"
	"testing"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/store/storetest"
)

// TestHTTPInteractions_SlashReplyReachesTheContactWithoutMarkup: a mention
// typed in /inbox reply reached the contact as <@id>, an internal id.
func TestHTTPInteractions_SlashReplyReachesTheContactWithoutMarkup(t *testing.T) {
	st := storetest.Open(t, "sqlite")
	e := newEnv(t, st)
	e.svc.Webhook = true
	conv := e.inbound("jane", "When can you deliver?")
	if _, err := st.CreateMember(ctx, inboxbot.Member{Name: "lee", DiscordID: lee}); err != nil {
		t.Fatal(err)
	}
	e.do(e.slash(user(dana, "Dana"), "claim", intOpt("id", conv.ID)))
	out := e.do(e.slash(user(dana, "Dana"), "reply", intOpt("id", conv.ID),
		map[string]any{"name": "text", "type": 3, "value": "Ask <@" + lee + "> in <#" + inboxCh + ">, cost < 5 & more"}))
	if text, _ := content(out); !strings.Contains(text, "on its way") {
		t.Fatalf("/inbox reply answered %s", mustJSON(out))
	}
	sent := messagesOf(t, st, conv.ID, inboxbot.DirectionOutbound)
	if want := "Ask lee in #channel, cost < 5 & more"; len(sent) != 1 || sent[0].Body != want {
		t.Fatalf("outbound messages: %+v, want %q", sent, want)
	}
}
