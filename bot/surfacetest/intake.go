package surfacetest

import (
	"slices"
	"strings"
	"testing"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/commands"
)

// customerWritesInChat: a customer's message in chat opens a conversation
// whose card appears in the inbox channel; a second request is a second
// conversation; their follow-ups join it; a member writing in the thread
// is recorded, not echoed; Reply answers in the thread; close and reopen
// show in it.
func customerWritesInChat(t *testing.T, d Driver) {
	in, ok := d.(Intake)
	if !ok {
		t.Skip("this surface takes no customers' messages in chat")
	}
	lee := d.Join("lee", inboxbot.RoleAgent)
	id := in.CustomerWrites("jane", "My order never came <!channel> @everyone", 0)
	if other := in.CustomerWrites("jane", "And a second question", 0); other == id || other == 0 {
		t.Fatalf("a second request went to #%d, the first is #%d: each thread is its own conversation", other, id)
	}
	in.CustomerWrites("jane", "It was due Monday", id)
	d.Flush()
	card := d.Card(id)
	if card.Posted != 1 || card.Pings || !slices.Contains(card.Actions, commands.ActionReply) {
		t.Fatalf("card %+v: want it posted once, pinging nobody, with Reply", card)
	}
	messages := func() []inboxbot.Message {
		ms, err := d.Store().Messages(t.Context(), id, 100)
		if err != nil {
			t.Fatal(err)
		}
		return ms
	}
	if ms := messages(); len(ms) != 2 || ms[1].Body != "It was due Monday" {
		t.Fatalf("messages %+v: want the request and its follow-up", ms)
	}

	shown := len(in.Thread(id))
	in.MemberWrites(lee, id, "Looking into it")
	d.Flush()
	ms := messages()
	if last := ms[len(ms)-1]; len(ms) != 3 || last.Direction != inboxbot.DirectionOutbound || last.Delivery != inboxbot.DeliverySent {
		t.Fatalf("a member's message in the thread is stored as %+v", ms)
	}
	if n := len(in.Thread(id)); n != shown+1 {
		t.Fatalf("the thread shows %d new messages for the one lee wrote: echoed", n-shown)
	}

	press(t, d, lee, id, commands.ActionClaim, inboxbot.Member{})
	d.Reply(lee, id, "A new one ships today")
	d.Flush()
	thread := in.Thread(id)
	if len(thread) != shown+2 || !strings.Contains(thread[len(thread)-1], "A new one ships today") {
		t.Fatalf("after Reply the thread shows %q", thread)
	}

	press(t, d, lee, id, commands.ActionClose, inboxbot.Member{})
	d.Flush()
	if !in.ThreadClosed(id) {
		t.Fatalf("closed #%d, its thread does not show it", id)
	}
	press(t, d, lee, id, commands.ActionReopen, inboxbot.Member{})
	d.Flush()
	if in.ThreadClosed(id) {
		t.Fatalf("reopened #%d, its thread still shows it closed", id)
	}
}
