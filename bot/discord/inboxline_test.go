package discord_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/store"
	"github.com/inboxbot/inboxbot/store/storetest"
)

// An escalation step with post: inbox posts one plain line in the inbox
// channel, with a Show button; a retry whose answer was lost carries the
// same nonce, and Discord creates nothing more.
func TestDiscord_EscalationStepPostsOneLineInTheInboxChannel(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		now := time.Unix(1700000000, 0).UTC()
		st.Now = func() time.Time { return now }
		e := newEnv(t, st)
		e.svc.Chats = []inboxbot.Platform{inboxbot.PlatformDiscord}
		policy := []inboxbot.Policy{{Name: "VIP **answers**", FirstResponse: time.Minute, Hours: inboxbot.HoursAlways,
			Escalate: []inboxbot.Escalation{{After: 10 * time.Minute, Post: inboxbot.PostInbox}}}}
		if err := st.ApplyTeamFile(ctx, nil, nil, policy); err != nil {
			t.Fatal(err)
		}
		e.inbound("@everyone Acme", "hello")
		for _, d := range []time.Duration{61 * time.Second, 10 * time.Minute, time.Minute} {
			now = now.Add(d)
			if _, err := e.svc.SLATimer(ctx); err != nil {
				t.Fatal(err)
			}
			e.flush()
		}
		type line struct {
			Content    string
			Components []struct {
				Components []struct {
					CustomID string `json:"custom_id"`
				}
			}
		}
		lines := func() []line {
			var out []line
			for _, m := range e.fake.Messages(inboxCh) {
				var l line
				json.Unmarshal(m.Body, &l)
				if strings.HasPrefix(l.Content, "⏰") {
					out = append(out, l)
				}
			}
			return out
		}
		got := lines()
		if len(got) != 1 {
			t.Fatalf("%d lines in the inbox channel, want 1", len(got))
		}
		want := "⏰ #1 (@\u200beveryone Acme, sms) missed its first response under service level “VIP \\*\\*answers\\*\\*” (due <t:1700000060:R>) — waiting in the Team inbox."
		if got[0].Content != want {
			t.Fatalf("line = %q\nwant   %q", got[0].Content, want)
		}
		if c := got[0].Components; len(c) != 1 || len(c[0].Components) != 1 || !strings.Contains(c[0].Components[0].CustomID, "show:") {
			t.Fatalf("buttons = %+v", c)
		}
		// A retry after a lost answer: the same nonce creates nothing.
		ns, err := st.QueuedAfter(ctx, 0, []inboxbot.Platform{inboxbot.PlatformDiscord}, 100)
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range ns {
			if n.Notice.Event == inboxbot.EventSLAEscalation {
				n.Attempts = 2
				if err := e.bot.Send(ctx, n); err != nil {
					t.Fatal(err)
				}
			}
		}
		if got := lines(); len(got) != 1 {
			t.Fatalf("after a retry %d lines in the inbox channel, want 1", len(got))
		}
	})
}
