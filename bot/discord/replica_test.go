package discord_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/bot/discord/discordtest"
	"github.com/inboxbot/inboxbot/commands"
	"github.com/inboxbot/inboxbot/store/storetest"
)

// Two replicas on one PostgreSQL, Discord failing 30% of requests with
// 429 or 500: every card and every DM arrives, and none twice.
func TestReplicas_EveryCardAndDMOnceDespiteFailures(t *testing.T) {
	st := storetest.Open(t, "postgres")
	fake := discordtest.New(t, token)
	fake.FailRate(0.3)
	replicas := []*env{newEnvOn(t, st, fake, "replica-1"), newEnvOn(t, st, fake, "replica-2")}
	for _, r := range replicas {
		// Retries come due at once instead of after seconds of back-off:
		// the test is about who delivers, not when.
		r.out.Now = func() time.Time { return time.Now().Add(-time.Hour) }
		r.cards.Now = r.out.Now
	}
	runCtx, stop := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for _, r := range replicas {
		wg.Go(func() { r.cards.Run(runCtx) })
		wg.Go(func() { r.out.Run(runCtx) })
	}
	defer func() { stop(); wg.Wait() }()

	const n = 20
	svc := commands.New(st, nil)
	svc.Log = quiet()
	for _, u := range []struct{ id, name string }{{lee, "lee"}, {sam, "sam"}} {
		if _, err := st.EnsurePlatformMember(ctx, inboxbot.PlatformDiscord, u.id, u.name); err != nil {
			t.Fatal(err)
		}
	}
	for i := 1; i <= n; i++ {
		conv := replicas[0].inbound(fmt.Sprintf("contact%d", i), "hello")
		to := lee
		if i%2 == 0 {
			to = sam
		}
		r := svc.Run(ctx, commands.Request{Platform: inboxbot.PlatformDiscord, UserID: dana, UserName: "dana",
			Text: fmt.Sprintf("assign %d <@%s>", conv.ID, to)})
		if r.Outcome != commands.OK {
			t.Fatalf("assign: %s", r.Error)
		}
	}
	waitFor(t, "every card and DM", 25*time.Second, func() bool {
		counts, err := st.OutboxCounts(ctx)
		if err != nil || counts["pending"] > 0 {
			return false
		}
		cards := fake.Messages(inboxCh)
		if len(cards) < n {
			return false
		}
		for _, c := range cards {
			if !strings.Contains(string(c.Body), "Assignee") || strings.Contains(string(c.Body), "Team inbox") {
				return false
			}
		}
		return true
	})
	if got := len(fake.Messages(inboxCh)); got != n {
		t.Errorf("%d cards posted for %d conversations", got, n)
	}
	if got := len(dms(fake, lee)); got != n/2 {
		t.Errorf("lee got %d DMs, want %d", got, n/2)
	}
	if got := len(dms(fake, sam)); got != n/2 {
		t.Errorf("sam got %d DMs, want %d", got, n/2)
	}
	if counts, _ := st.OutboxCounts(ctx); counts["dead"] != 0 {
		t.Errorf("notifications given up: %v", counts)
	}
	t.Logf("REST calls: %d, answered 429: %d, answered 500: %d", len(fake.Calls(`.*`)), countStatus(fake, 429), countStatus(fake, 500))
	if v := fake.Violations(); len(v) != 0 {
		t.Fatalf("Discord would refuse: %q", v)
	}
}

func countStatus(fake *discordtest.Server, status int) int {
	n := 0
	for _, c := range fake.Calls(`.*`) {
		if c.Status == status {
			n++
		}
	}
	return n
}
