package bot

import (
	"testing"
	"time"

	"github.com/inboxbot/inboxbot"
)

func TestWaited_ReadsLikeAPerson(t *testing.T) {
	for d, want := range map[time.Duration]string{
		time.Second:                     "1 second",
		40 * time.Second:                "40 seconds",
		90 * time.Second:                "90 seconds",
		17*time.Minute + 30*time.Second: "17 minutes",
		3*time.Hour + 59*time.Minute:    "3 hours",
		50 * time.Hour:                  "2 days",
	} {
		if got := Waited(d); got != want {
			t.Errorf("Waited(%s) = %q, want %q", d, got, want)
		}
	}
}

func TestNoticeText_WordsEachEventFromData(t *testing.T) {
	conv := inboxbot.Notice{ConversationID: 12, Contact: "Jane", Channel: "sms", Excerpt: "Hi"}
	with := func(f func(*inboxbot.Notice)) inboxbot.Notice { n := conv; f(&n); return n }
	for _, tt := range []struct {
		n    inboxbot.Notice
		want string
	}{
		{with(func(n *inboxbot.Notice) { n.Event, n.Actor = inboxbot.EventAssigned, "kim" }), `kim assigned you #12 (Jane, sms): "Hi"`},
		{with(func(n *inboxbot.Notice) {
			n.Event, n.Rule, n.Reason = inboxbot.EventAssigned, "Sales", "round-robin among lee, sam: 1 of 2"
		}), `Rule "Sales" assigned you #12 (Jane, sms): "Hi" (round-robin among lee, sam: 1 of 2)`},
		{with(func(n *inboxbot.Notice) { n.Event, n.Via = inboxbot.EventAssigned, inboxbot.ViaContact }), `Contact ownership assigned you #12 (Jane, sms): "Hi"`},
		{with(func(n *inboxbot.Notice) { n.Event, n.Actor, n.Assignee = inboxbot.EventReassigned, "kim", "lee" }), `kim reassigned #12 (Jane, sms) to lee.`},
		{with(func(n *inboxbot.Notice) { n.Event, n.Actor = inboxbot.EventUnassigned, "kim" }), `kim unassigned #12 (Jane, sms); it is back in the Team inbox.`},
		{with(func(n *inboxbot.Notice) { n.Event = inboxbot.EventMessage }), `New message on #12 from Jane (sms): "Hi"`},
		{with(func(n *inboxbot.Notice) {
			n.Event, n.Rule, n.Reason = inboxbot.EventUnplaced, "Sales", "no eligible member: 1 away"
		}), `Nobody could take #12 (Jane, sms): "Hi": rule "Sales" found no eligible member: 1 away. It waits in the Team inbox.`},
		{with(func(n *inboxbot.Notice) {
			n.Event, n.Via, n.Rule, n.Assignee, n.Reason = inboxbot.EventReassigned, inboxbot.ViaWorkflow, "Sales", "sam", "lee went away"
		}), `Rule "Sales" moved #12 (Jane, sms) to sam: lee went away.`},
		{with(func(n *inboxbot.Notice) {
			n.Event, n.Via, n.Rule, n.Reason = inboxbot.EventUnassigned, inboxbot.ViaWorkflow, "Sales", "lee went away"
		}), `Rule "Sales" put #12 (Jane, sms) back in the Team inbox: lee went away.`},
		{with(func(n *inboxbot.Notice) {
			n.Event, n.Rule, n.Reason = inboxbot.EventUnanswered, "Sales", "lee did not answer within 15 min; no eligible member: 2 passed over"
		}), `Nobody answered #12 (Jane, sms): "Hi" under rule "Sales": lee did not answer within 15 min; no eligible member: 2 passed over. It waits in the Team inbox for someone to take it.`},
		{with(func(n *inboxbot.Notice) { n.Event, n.Waited = inboxbot.EventWaiting, 20*time.Minute }), `#12 (Jane, sms): "Hi" has waited in the Team inbox for 20 minutes.`},
	} {
		if got := NoticeText(tt.n, Plain); got != tt.want {
			t.Errorf("NoticeText(%s) =\n%s\nwant\n%s", tt.n.Event, got, tt.want)
		}
	}
}

func TestNoticeText_StyleAppliesToEveryValuePeopleWrote(t *testing.T) {
	mark := Style{Text: func(s string) string { return "[" + s + "]" }, Quote: func(s string) string { return "«" + s + "»" }}
	n := inboxbot.Notice{Event: inboxbot.EventReassigned, ConversationID: 1, Contact: "<!channel>", Channel: "sms", Actor: "kim", Assignee: "lee"}
	if got, want := NoticeText(n, mark), "[kim] reassigned #1 ([<!channel>], [sms]) to [lee]."; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
