package slack_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/bot"
	"github.com/inboxbot/inboxbot/bot/slack/slacktest"
	"github.com/inboxbot/inboxbot/store/storetest"
)

// 120 conversations arrive over half an hour and wait in the Team inbox;
// two replicas run the managers' alert digest every simulated minute for
// an hour. The manager gets at most 3 alert messages (a new one at most
// every 15 minutes, the older deleted), edited in between, and ends with
// one message that counts all 120; its button lists the Team inbox.
func TestSlack_ManagerAlertsAreOneMessageEditedInPlace(t *testing.T) {
	st := storetest.Open(t, "postgres")
	fake := slacktest.New(t)
	var mu sync.Mutex
	clock := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
	now := func() time.Time { mu.Lock(); defer mu.Unlock(); return clock }
	st.Now = now
	r1, r2 := newEnv(t, st, fake, "replica-1"), newEnv(t, st, fake, "replica-2")
	r1.member("dana", "U0DANA", inboxbot.RoleManager)
	lee := r1.member("lee", "U0LEE", inboxbot.RoleAgent)
	var replicas []*bot.Digests
	for _, r := range []*env{r1, r2} {
		replicas = append(replicas, &bot.Digests{Store: st, Platform: inboxbot.PlatformSlack, Renderer: r.a,
			Owner: "alerts-" + fmt.Sprint(len(replicas)), Log: quiet(), After: 15 * time.Minute, Now: now})
	}
	round := func() {
		t.Helper()
		var wg sync.WaitGroup
		for _, g := range replicas {
			wg.Go(func() {
				if _, err := g.Flush(bg); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
	}
	posts := func() int {
		n := 0
		for _, c := range fake.Calls("chat.postMessage") {
			if c.Error == "" && c.Form.Get("channel") == "DU0DANA" {
				n++
			}
		}
		return n
	}
	var ids []int64
	for minute := range 60 {
		for i := 0; i < 4 && minute < 30; i++ {
			ids = append(ids, r1.inbound(fmt.Sprint("contact-", len(ids)), "hello").ID)
		}
		round()
		mu.Lock()
		clock = clock.Add(time.Minute)
		mu.Unlock()
	}
	edits := len(fake.Calls("chat.update"))
	msgs := fake.Messages("DU0DANA")
	t.Logf("%d alert messages posted, %d edits; the last reads %q", posts(), edits, msgs[len(msgs)-1].Text)
	if p := posts(); p == 0 || p > 3 {
		t.Fatalf("%d alert messages posted, want 1 to 3", p)
	}
	if len(msgs) != 1 || edits == 0 {
		t.Fatalf("%d alert messages left (want 1), %d edits (want some)", len(msgs), edits)
	}
	want := fmt.Sprintf("120 conversations need someone: 120 unassigned over 15 minutes (oldest %s for ", inboxbot.Ref(ids[0]))
	if !strings.HasPrefix(msgs[0].Text, want) {
		t.Fatalf("alert message %q, want it to start %q", msgs[0].Text, want)
	}
	if got := r1.dms("U0LEE"); len(got) != 0 {
		t.Fatalf("an agent got alerts: %q", got)
	}

	// The button lists the Team inbox for the manager who clicks it.
	before := len(fake.Responses())
	if code := r1.click("U0DANA", find(t, msgs[0].Blocks, "waiting:"), ""); code != 200 {
		t.Fatalf("click answered %d", code)
	}
	waitFor(t, "the list of waiting conversations", func() bool { return len(fake.Responses()) > before })
	if got := string(fake.Responses()[before]); !strings.Contains(got, inboxbot.Ref(ids[0])) {
		t.Fatalf("the button answered %s, want the Team inbox with %s", got, inboxbot.Ref(ids[0]))
	}

	// Once nothing waits, the same message says so.
	for _, id := range ids {
		if _, _, err := st.Claim(bg, id, lee.ID, inboxbot.ViaShell); err != nil {
			t.Fatal(err)
		}
	}
	round()
	msgs = fake.Messages("DU0DANA")
	if len(msgs) != 1 || !strings.HasPrefix(msgs[0].Text, "Nothing needs someone now") || posts() > 3 {
		t.Fatalf("after every conversation was claimed: %d posts, messages %+v", posts(), msgs)
	}
}
