package shell_test

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/bot"
	"github.com/inboxbot/inboxbot/bot/shell"
	"github.com/inboxbot/inboxbot/commands"
	"github.com/inboxbot/inboxbot/routing"
	"github.com/inboxbot/inboxbot/store"
	"github.com/inboxbot/inboxbot/store/storetest"
)

// slackSender stands for serve's Slack adapter: it counts the DMs it got.
type slackSender struct {
	mu   sync.Mutex
	sent []inboxbot.Notification
}

func (s *slackSender) Send(_ context.Context, n inboxbot.Notification) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sent = append(s.sent, n)
	return nil
}

// A console on the database of a running serve shows a DM meant for a
// member linked to Slack as the service's, and leaves it to the service:
// serve's Slack delivery sends it, once. A member on no platform gets the
// DM in the console.
func TestConsole_BesideServeLeavesSlackDMsToTheService(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		for _, m := range []inboxbot.Member{
			{Name: "sam", Role: inboxbot.RoleManager},
			{Name: "lee", SlackID: "U0LEE"},
			{Name: "kim"},
		} {
			if _, err := st.CreateMember(ctx, m); err != nil {
				t.Fatal(err)
			}
		}
		svc := commands.New(st, routing.Route)
		slack := &slackSender{}
		serve := &bot.Outbox{Store: st, Senders: map[inboxbot.Platform]bot.Sender{inboxbot.PlatformSlack: slack}, Owner: "serve"}
		script := "inbound jane Hello\ninbound joe Hi\n/inbox assign 1 @lee\n/inbox assign 2 @kim\n"
		var out bytes.Buffer
		c := &shell.Console{Service: svc, As: "sam", In: strings.NewReader(script), Out: &out, Owner: "console"}
		if err := c.Run(ctx); err != nil {
			t.Fatal(err)
		}
		got := out.String()
		for _, want := range []string{"[DM to lee, delivered by the service] sam assigned you #1", "[DM to kim] sam assigned you #2"} {
			if !strings.Contains(got, want) {
				t.Errorf("console output lacks %q:\n%s", want, got)
			}
		}
		if n, err := serve.Flush(ctx); n != 1 || err != nil || slack.sent[0].To != "U0LEE" {
			t.Fatalf("serve's Slack delivery sent %d (%v), %v; want lee's DM", n, slack.sent, err)
		}
		if c, _ := st.OutboxCounts(ctx); c["pending"] != 0 || c["sent"] != 2 {
			t.Fatalf("outbox %v; want kim's DM sent by the console and lee's by serve", c)
		}
	})
}

// Without a chat platform, an escalation step's line for the inbox
// channel is the console's to show, as a line of its own.
func TestConsole_ShowsTheInboxLineOfAnEscalationStep(t *testing.T) {
	st := storetest.Open(t, "sqlite")
	now := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	st.Now = func() time.Time { return now }
	policy := []inboxbot.Policy{{Name: "Fast", FirstResponse: time.Minute, Hours: inboxbot.HoursAlways,
		Escalate: []inboxbot.Escalation{{After: 0, Post: inboxbot.PostInbox}}}}
	if err := st.ApplyTeamFile(ctx, nil, nil, policy); err != nil {
		t.Fatal(err)
	}
	if _, err := st.CreateMember(ctx, inboxbot.Member{Name: "sam", Role: inboxbot.RoleManager}); err != nil {
		t.Fatal(err)
	}
	svc := commands.New(st, routing.Route)
	if _, err := svc.Inbound(ctx, inboxbot.Inbound{Kind: "message", Channel: "sms", Body: "hi", Contact: inboxbot.Contact{ExternalID: "jane", Name: "Jane"}}); err != nil {
		t.Fatal(err)
	}
	now = now.Add(2 * time.Minute)
	if _, err := svc.SLATimer(ctx); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	c := &shell.Console{Service: svc, As: "sam", In: strings.NewReader(""), Out: &out, Owner: "console"}
	if err := c.Run(ctx); err != nil {
		t.Fatal(err)
	}
	want := "[inbox channel] ⏰ #1 (Jane, sms) missed its first response under service level \"Fast\" (due 10:01 UTC on Dec 3) — waiting in the Team inbox.\n"
	if got := out.String(); got != want {
		t.Fatalf("console printed %q, want %q", got, want)
	}
}
