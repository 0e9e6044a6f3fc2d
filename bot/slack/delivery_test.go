package slack_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/bot"
	"github.com/inboxbot/inboxbot/bot/slack/slacktest"
	"github.com/inboxbot/inboxbot/commands"
	"github.com/inboxbot/inboxbot/store/storetest"
)

// Two replicas on one PostgreSQL, Slack answering slower than a batch
// fits in the lease: every card and DM is posted once, counted by the
// calls the fake received. (With leases that were not renewed before each
// send, the other replica took the rest of a batch and posted it again.)
func TestSlack_SlowSlackTwoReplicasPostEveryCardAndDMOnce(t *testing.T) {
	st := storetest.Open(t, "postgres")
	fake := slacktest.New(t)
	r1, r2 := newEnv(t, st, fake, "replica-1"), newEnv(t, st, fake, "replica-2")
	r1.member("dana", "U0DANA", inboxbot.RoleManager)
	r1.member("lee", "U0LEE", inboxbot.RoleAgent)
	const n = 20
	for i := range n {
		c := r1.inbound(fmt.Sprint("contact-", i), fmt.Sprint("message ", i))
		resp := r1.svc.Run(bg, commands.Request{Platform: inboxbot.PlatformSlack, UserID: "U0DANA", UserName: "dana",
			Text: fmt.Sprintf("assign %d @lee", c.ID)})
		if resp.Outcome != commands.OK {
			t.Fatalf("assign #%d: %s", c.ID, resp.Error)
		}
	}
	// A batch of 20 at 250 ms a call takes longer than the lease of two
	// seconds: rows at its end are taken over by the other replica, which
	// leased nothing (the first took all). A call still has four times its
	// latency before it is given up (half the lease), so a loaded machine
	// does not make the platform answer after the send was abandoned.
	fake.Latency(250 * time.Millisecond)
	ctx, cancel := context.WithCancel(bg)
	var wg sync.WaitGroup
	for _, r := range []*env{r1, r2} {
		r.cards.Poll, r.outbox.Poll = 20*time.Millisecond, 20*time.Millisecond
		r.cards.Lease, r.outbox.Lease = 2*time.Second, 2*time.Second
		r.cards.Batch, r.outbox.Batch = n, n
		wg.Go(func() { r.cards.Run(ctx) })
		wg.Go(func() { r.outbox.Run(ctx) })
	}
	waitFor30(t, "every card posted once, showing lee", func() bool { return cardsShow(t, fake, n, "lee") })
	waitFor30(t, "every DM recorded sent", func() bool {
		c, err := st.OutboxCounts(bg)
		return err == nil && c["pending"] == 0
	})
	cancel()
	wg.Wait()
	cardsShow(t, fake, n, "lee")
	keys := map[string]int{}
	for _, m := range fake.Messages("DU0LEE") {
		var meta struct {
			Payload struct {
				Key string `json:"dedupe_key"`
			} `json:"event_payload"`
		}
		json.Unmarshal(m.Metadata, &meta)
		keys[meta.Payload.Key]++
	}
	for k, c := range keys {
		if c > 1 {
			t.Errorf("DM %s posted %d times", k, c)
		}
	}
	if len(keys) != n {
		t.Fatalf("%d distinct DMs to lee, want %d", len(keys), n)
	}
	posts := len(fake.Calls("chat.postMessage"))
	if posts != 2*n {
		t.Fatalf("Slack received %d chat.postMessage calls, want %d (a card and a DM each)", posts, 2*n)
	}
}

// A card that cannot be posted because the bot is not in the inbox
// channel: the operator is told once what to do, the card is tried a few
// times in 30 s (growing back-off, not every second), and it is posted
// once the bot is invited. The clock is simulated: nothing waits.
func TestSlack_CardNotInChannelIsLoggedOnceWithTheFixAndBacksOff(t *testing.T) {
	st := storetest.Open(t, "sqlite")
	fake := slacktest.New(t)
	e := newEnv(t, st, fake, "r1")
	now := time.Now()
	clock := func() time.Time { return now }
	st.Now = clock
	e.inbound("jane", "Hello")
	fake.Refuse("chat.postMessage", "not_in_channel")
	var logs bytes.Buffer
	cards := &bot.Cards{Store: st, Platform: inboxbot.PlatformSlack, Renderer: e.a, Owner: "r1", Now: clock,
		Log: slog.New(slog.NewJSONHandler(&logs, nil))}
	for range 60 { // 30 s in steps of half a second
		if _, err := cards.Flush(bg); err != nil {
			t.Fatal(err)
		}
		now = now.Add(500 * time.Millisecond)
	}
	tries := len(fake.Calls("chat.postMessage"))
	if tries < 2 || tries > 8 {
		t.Fatalf("the card was tried %d times in 30 s, want a few (at most 8)", tries)
	}
	if got := strings.Count(logs.String(), "/invite @inboxbot"); got != 1 {
		t.Fatalf("the fix was logged %d times, want once:\n%s", got, logs.String())
	}
	if strings.Contains(logs.String(), `"retry_in":`) && !strings.Contains(logs.String(), `"retry_in":"`) {
		t.Fatalf("retry_in is not a readable duration:\n%s", logs.String())
	}
	fake.Refuse("chat.postMessage", "")
	now = now.Add(3 * time.Minute) // past the capped back-off
	if n, err := cards.Flush(bg); n != 1 || err != nil {
		t.Fatalf("after the invite: %d, %v; want the card posted", n, err)
	}
	if got := len(fake.Messages(inbox)); got != 1 {
		t.Fatalf("%d cards in the inbox, want 1", got)
	}
}

// A card someone deleted is posted again by the card loop, once.
func TestSlack_DeletedCardIsPostedAgainOnce(t *testing.T) {
	st := storetest.Open(t, "sqlite")
	fake := slacktest.New(t)
	e := newEnv(t, st, fake, "r1")
	c := e.inbound("jane", "Hello")
	if n, err := e.cards.Flush(bg); n != 1 || err != nil {
		t.Fatalf("post: %d, %v", n, err)
	}
	fake.Delete(fake.Messages(inbox)[0].TS)
	e.inbound("jane", "Still there?")
	if n, err := e.cards.Flush(bg); n != 1 || err != nil {
		t.Fatalf("repost: %d, %v", n, err)
	}
	if got := fake.Messages(inbox); len(got) != 1 || !strings.Contains(string(got[0].Blocks), "Still there?") {
		t.Fatalf("inbox after the repost: %+v", got)
	}
	cards, _ := st.Cards(bg, c.ID)
	if len(cards) != 1 || cards[0].MessageID != fake.Messages(inbox)[0].TS {
		t.Fatalf("recorded card %+v", cards)
	}
}
