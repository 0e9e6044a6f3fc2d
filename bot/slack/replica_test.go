package slack_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/bot/slack/slacktest"
	"github.com/inboxbot/inboxbot/commands"
	"github.com/inboxbot/inboxbot/store/storetest"
)

// Two replicas on one PostgreSQL, Slack failing 30% of posts, edits and
// DM opens with 500 or 429: every card and every DM arrives, none twice.
func TestSlack_TwoReplicasDeliverEveryCardAndDMOnce(t *testing.T) {
	st := storetest.Open(t, "postgres")
	fake := slacktest.New(t)
	r1, r2 := newEnv(t, st, fake, "replica-1"), newEnv(t, st, fake, "replica-2")
	r1.member("dana", "U0DANA", inboxbot.RoleManager)
	r1.member("lee", "U0LEE", inboxbot.RoleAgent)
	r1.member("sam", "U0SAM", inboxbot.RoleAgent)
	fake.Fail(0.3, "chat.postMessage", "chat.update", "conversations.open")

	ctx, cancel := context.WithCancel(bg)
	var wg sync.WaitGroup
	for _, r := range []*env{r1, r2} {
		r.cards.Poll, r.outbox.Poll = 20*time.Millisecond, 20*time.Millisecond
		wg.Go(func() { r.cards.Run(ctx) })
		wg.Go(func() { r.outbox.Run(ctx) })
	}
	defer func() { cancel(); wg.Wait() }()

	const n = 200
	start := time.Now()
	// The first conversation's card is up before anything moves it, so
	// that edits are exercised whatever the timing (otherwise every card
	// may be posted after its last change, and never edited).
	r1.inbound("contact-0", "message 0")
	waitFor30(t, "the first card", func() bool { return len(fake.Messages(inbox)) > 0 })
	// Eight workers, half on each replica's service, open the
	// conversations and move them while both replicas deliver. dana
	// assigns each to lee, then reassigns it to sam: lee gets an
	// "assigned" and a "reassigned" DM, sam an "assigned" one.
	var work sync.WaitGroup
	for w := range 8 {
		r := []*env{r1, r2}[w%2]
		work.Go(func() {
			for i := w; i < n; i += 8 {
				c := r.inbound(fmt.Sprint("contact-", i), fmt.Sprint("message ", i))
				for _, to := range []string{"lee", "sam"} {
					resp := r.svc.Run(bg, commands.Request{Platform: inboxbot.PlatformSlack, UserID: "U0DANA", UserName: "dana",
						Text: fmt.Sprintf("assign %d @%s", c.ID, to)})
					if resp.Outcome != commands.OK {
						t.Errorf("assign #%d to %s: %s", c.ID, to, resp.Error)
						return
					}
				}
			}
		})
	}
	work.Wait()
	if t.Failed() {
		return
	}
	t.Logf("conversations opened and reassigned in %s", time.Since(start))
	waitFor30(t, "every card posted once and showing sam", func() bool { return cardsShow(t, fake, n, "sam") })
	waitFor30(t, "every DM", func() bool { return len(fake.Messages("DU0LEE")) >= 2*n && len(fake.Messages("DU0SAM")) >= n })

	t.Logf("every card and DM delivered after %s", time.Since(start))
	seen := map[string]int{}
	for _, m := range append(fake.Messages("DU0LEE"), fake.Messages("DU0SAM")...) {
		seen[m.Channel+" "+m.Text]++
	}
	for k, c := range seen {
		if c > 1 {
			t.Errorf("DM sent %d times: %s", c, k)
		}
	}
	if len(seen) != 3*n || len(fake.Messages("DU0DANA")) != 0 {
		t.Fatalf("%d distinct DMs, want %d; dana (the actor) got %d", len(seen), 3*n, len(fake.Messages("DU0DANA")))
	}
	if len(fake.Calls("chat.update")) == 0 {
		t.Fatal("no card was ever edited")
	}
}

// cardsShow reports whether the inbox holds n cards that all show who,
// and fails the test when a conversation has two cards.
func cardsShow(t testing.TB, fake *slacktest.Server, n int, who string) bool {
	posted := map[int64]int{}
	all := true
	for _, m := range fake.Messages(inbox) {
		var id int64
		for _, el := range elements(t, m.Blocks) {
			fmt.Sscanf(el.ActionID, "show:%d", &id)
		}
		if posted[id]++; posted[id] > 1 {
			t.Fatalf("card of #%d posted %d times", id, posted[id])
		}
		all = all && strings.Contains(string(m.Blocks), who)
	}
	return len(posted) == n && all
}

// waitFor30 polls cond until it holds or 30 seconds pass.
func waitFor30(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
