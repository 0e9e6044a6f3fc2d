package slack_test

import (
	"strings"
	"testing"
	"time"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/bot/slack/slacktest"
	"github.com/inboxbot/inboxbot/store"
	"github.com/inboxbot/inboxbot/store/storetest"
)

// An escalation step with post: inbox posts one plain line in the inbox
// channel, with a Show button; a retry whose answer was lost finds it there
// and posts nothing more.
func TestSlack_EscalationStepPostsOneLineInTheInboxChannel(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		// The fake stamps messages from 1700000000 on: the line is
		// newer than its outbox row.
		now := time.Unix(1699999000, 0).UTC()
		st.Now = func() time.Time { return now }
		e := newEnv(t, st, slacktest.New(t), "r1")
		e.svc.Chats = []inboxbot.Platform{inboxbot.PlatformSlack}
		policy := []inboxbot.Policy{{Name: "VIP *answers*", FirstResponse: time.Minute, Hours: inboxbot.HoursAlways,
			Escalate: []inboxbot.Escalation{{After: 10 * time.Minute, Post: inboxbot.PostInbox}}}}
		if err := st.ApplyTeamFile(bg, nil, nil, policy); err != nil {
			t.Fatal(err)
		}
		ann := e.member("ann", "U0ANN", inboxbot.RoleAgent)
		conv := e.inbound("<!channel> Acme", "hello")
		if _, _, err := st.Assign(bg, inboxbot.Change{ConversationID: conv.ID, To: ann.ID, Actor: ann.ID, Via: inboxbot.ViaShell}); err != nil {
			t.Fatal(err)
		}
		for _, d := range []time.Duration{61 * time.Second, 10 * time.Minute, time.Minute} {
			now = now.Add(d)
			if _, err := e.svc.SLATimer(bg); err != nil {
				t.Fatal(err)
			}
			e.flush()
		}
		lines := func() []slacktest.Message {
			var out []slacktest.Message
			for _, m := range e.fake.Messages(inbox) {
				if strings.HasPrefix(m.Text, "⏰") {
					out = append(out, m)
				}
			}
			return out
		}
		got := lines()
		if len(got) != 1 {
			t.Fatalf("%d lines in the inbox channel, want 1", len(got))
		}
		// What the contact and the team wrote is inert: no ping, no bold.
		want := "⏰ #1 (&lt;!channel&gt; Acme, sms) missed its first response under service level “VIP \u200d*\u200danswers\u200d*\u200d” " +
			"(due <!date^1699999060^{date_short_pretty} {time}|2023-11-14 21:57 UTC>) — assigned to ann."
		if got[0].Text != want {
			t.Fatalf("line = %q", got[0].Text)
		}
		if els := elements(t, got[0].Blocks); len(els) != 1 || !strings.HasPrefix(els[0].ActionID, "show:") {
			t.Fatalf("buttons = %+v", els)
		}
		// A retry after a lost answer: the line is in the channel already.
		ns, err := st.QueuedAfter(bg, 0, []inboxbot.Platform{inboxbot.PlatformSlack}, 100)
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range ns {
			if n.Notice.Event == inboxbot.EventSLAEscalation {
				n.Attempts = 2
				if err := e.a.Send(bg, n); err != nil {
					t.Fatal(err)
				}
			}
		}
		if got := lines(); len(got) != 1 {
			t.Fatalf("after a retry %d lines in the inbox channel, want 1", len(got))
		}
	})
}
