package discord_test

import (
	"strings"
	"testing"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/store/storetest"
)

// /inbox stats window:30d answers a manager with the figures and refuses
// an agent plainly.
func TestDiscord_StatsForManagersOnly(t *testing.T) {
	st := storetest.Open(t, "sqlite")
	e := newEnv(t, st)
	const dana, lee = "100000000000000301", "100000000000000302"
	for _, m := range []inboxbot.Member{{Name: "dana", Role: inboxbot.RoleManager, DiscordID: dana}, {Name: "lee", DiscordID: lee}} {
		if _, err := st.CreateMember(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	window := map[string]any{"name": "window", "type": 3, "value": "30d"}
	got := mustJSON(e.do(e.slash(user(dana, "Dana"), "stats", window)))
	if !strings.Contains(got, "Stats for the last 30 days") || !strings.Contains(got, "assigned") {
		t.Fatalf("stats answered a manager %s", got)
	}
	text, ephemeral := content(e.do(e.slash(user(lee, "Lee"), "stats")))
	if !ephemeral || !strings.Contains(text, "Only managers and admins can see the team's stats") {
		t.Fatalf("stats answered an agent %q (ephemeral %v)", text, ephemeral)
	}
}
