package slack_test

import (
	"sync"
	"testing"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/bot/slack/slacktest"
	"github.com/inboxbot/inboxbot/store/storetest"
)

// Two replicas on one PostgreSQL each receive every event of a thread
// several times at once (Slack's retries, and the same event delivered to
// both): the thread is one conversation, each message stored once, and
// the member's answer recorded once.
func TestSlackIntake_TwoReplicasStoreEachMessageOnce(t *testing.T) {
	st := storetest.Open(t, "postgres")
	fake := slacktest.New(t)
	r1, r2 := newEnv(t, st, fake, "replica-1"), newEnv(t, st, fake, "replica-2")
	r1.member("lee", "U0LEE", inboxbot.RoleAgent)
	fake.SetUser(customer, "Jane", map[string]any{"team_id": customerTeam})
	fake.AddChannel(help, "help-acme")

	first := fake.Write(help, customer, "Order 1042 never arrived", "")
	follow := []slacktest.Message{
		fake.Write(help, customer, "It was due Monday", first.TS),
		fake.Write(help, customer, "Tracking says lost", first.TS),
		fake.Write(help, "U0LEE", "Sending a new one today", first.TS),
	}
	deliver := func(m slacktest.Message) {
		var wg sync.WaitGroup
		for i := range 8 {
			r := []*env{r1, r2}[i%2]
			wg.Go(func() { r.said(m, nil) })
		}
		wg.Wait()
	}
	deliver(first)
	var wg sync.WaitGroup
	for _, m := range follow {
		wg.Go(func() { deliver(m) })
	}
	wg.Wait()

	conv := r1.threadConv(first.TS)
	ms := r1.messages(conv.ID)
	in, out := 0, 0
	for _, m := range ms {
		if m.Direction == inboxbot.DirectionInbound {
			in++
		} else {
			out++
		}
	}
	if in != 3 || out != 1 {
		t.Fatalf("stored %d inbound and %d outbound messages, want 3 and 1: %+v", in, out, ms)
	}
	cs, err := st.List(bg, inboxbot.Filter{})
	if err != nil || len(cs) != 1 {
		t.Fatalf("%d conversations (%v), want 1", len(cs), err)
	}
}
