package discord_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/bot"
	"github.com/inboxbot/inboxbot/bot/discord/discordtest"
	"github.com/inboxbot/inboxbot/store/storetest"
)

// 120 conversations arrive over half an hour and wait in the Team inbox;
// two replicas run the managers' alert digest every simulated minute for
// an hour. The manager gets at most 3 alert messages in their DMs (the
// older deleted), edited in between, and ends with one that counts all
// 120, whose button lists the Team inbox.
func TestDiscord_ManagerAlertsAreOneMessageEditedInPlace(t *testing.T) {
	st := storetest.Open(t, "postgres")
	fake := discordtest.New(t, token)
	var mu sync.Mutex
	clock := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
	now := func() time.Time { mu.Lock(); defer mu.Unlock(); return clock }
	st.Now = now
	r1, r2 := newEnvOn(t, st, fake, "replica-1"), newEnvOn(t, st, fake, "replica-2")
	const dana, lee = "100000000000000201", "100000000000000202"
	if _, err := st.CreateMember(ctx, inboxbot.Member{Name: "dana", Role: inboxbot.RoleManager, DiscordID: dana}); err != nil {
		t.Fatal(err)
	}
	agent, err := st.CreateMember(ctx, inboxbot.Member{Name: "lee", Role: inboxbot.RoleAgent, DiscordID: lee})
	if err != nil {
		t.Fatal(err)
	}
	var replicas []*bot.Digests
	for i, r := range []*env{r1, r2} {
		replicas = append(replicas, &bot.Digests{Store: st, Platform: inboxbot.PlatformDiscord, Renderer: r.bot,
			Owner: fmt.Sprint("alerts-", i), Log: quiet(), After: 15 * time.Minute, Now: now})
	}
	round := func() {
		t.Helper()
		var wg sync.WaitGroup
		for _, g := range replicas {
			wg.Go(func() {
				if _, err := g.Flush(ctx); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
	}
	dm := discordtest.DMChannel(dana)
	posts := func() int { return len(fake.Calls("POST /channels/" + dm + "/messages")) }
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
	msgs := fake.Messages(dm)
	edits := len(fake.Calls("PATCH /channels/" + dm + "/messages/.*"))
	if p := posts(); p == 0 || p > 3 || len(msgs) != 1 || edits == 0 {
		t.Fatalf("%d alert messages posted (want 1 to 3), %d left (want 1), %d edits (want some)", p, len(msgs), edits)
	}
	var body struct {
		Content    string
		Components []struct {
			Components []struct {
				CustomID string `json:"custom_id"`
			}
		}
	}
	if err := json.Unmarshal(msgs[0].Body, &body); err != nil {
		t.Fatal(err)
	}
	t.Logf("%d alert messages posted, %d edits; the last reads %q", posts(), edits, body.Content)
	want := fmt.Sprintf("120 conversations need someone: 120 unassigned over 15 minutes (oldest %s for ", inboxbot.Ref(ids[0]))
	if !strings.HasPrefix(body.Content, want) || len(dms(fake, lee)) != 0 {
		t.Fatalf("alert message %q, want it to start %q; the agent got %q", body.Content, want, dms(fake, lee))
	}
	if v := fake.Violations(); len(v) != 0 {
		t.Fatalf("Discord would refuse: %v", v)
	}

	// The button lists the Team inbox for the manager who clicks it.
	button := body.Components[0].Components[0].CustomID
	resp := r1.do(r1.click(user(dana, "dana"), button, dm, msgs[0].ID))
	if got := mustJSON(resp); !strings.Contains(got, inboxbot.Ref(ids[0])) {
		t.Fatalf("%s answered %s, want the Team inbox with %s", button, got, inboxbot.Ref(ids[0]))
	}

	// Once nothing waits, the same message says so.
	for _, id := range ids {
		if _, _, err := st.Claim(ctx, id, agent.ID, inboxbot.ViaShell); err != nil {
			t.Fatal(err)
		}
	}
	round()
	if got := dms(fake, dana); len(got) != 1 || !strings.HasPrefix(got[0], "Nothing needs someone now") || posts() > 3 {
		t.Fatalf("after every conversation was claimed: %d posts, DMs %q", posts(), got)
	}
}
