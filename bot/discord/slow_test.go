package discord_test

import (
	"strings"
	"testing"
	"time"

	"github.com/inboxbot/inboxbot/bot/discord"
	"github.com/inboxbot/inboxbot/store/storetest"
)

// An interaction whose work outlasts the budget is deferred at once (type
// 5, ephemeral, within Discord's 3 seconds) and answered by follow-ups:
// an ephemeral one in place of the deferral, and the team's message.
func TestHTTPInteractions_SlowWorkIsDeferredThenFollowedUp(t *testing.T) {
	e := newEnvWith(t, storetest.Open(t, "sqlite"), func(c *discord.Config) { c.Budget = time.Nanosecond })
	gate := make(chan struct{})
	discord.HoldWork(e.bot, gate)
	conv := e.inbound("jane", "hello")

	claim := e.slash(user(dana, "Dana"), "claim", intOpt("id", conv.ID))
	out := e.do(claim)
	if _, eph := content(out); out["type"] != 5.0 || !eph {
		t.Fatalf("slow work answered %s, want a deferral", mustJSON(out))
	}
	valid(t, out)
	close(gate)
	webhook := "webhook:" + claim["token"].(string)
	waitFor(t, "two follow-ups", 10*time.Second, func() bool { return len(e.fake.Messages(webhook)) == 2 })
	e.bot.Wait()
	msgs := e.fake.Messages(webhook)
	if first := string(msgs[0].Body); !strings.Contains(first, `"flags":64`) {
		t.Fatalf("first follow-up is not ephemeral: %s", first)
	}
	if team := string(msgs[1].Body); !strings.Contains(team, "dana claimed #1") || strings.Contains(team, `"flags":64`) {
		t.Fatalf("the team's follow-up: %s", team)
	}
	if c, _ := e.st.Conversation(ctx, conv.ID); c.AssigneeName != "dana" {
		t.Fatalf("assignee %q after the deferred claim", c.AssigneeName)
	}
	if v := e.fake.Violations(); len(v) != 0 {
		t.Fatalf("Discord would refuse: %q", v)
	}
}
