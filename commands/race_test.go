package commands_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/commands"
)

func TestClaim_ConcurrentClaimersOneWinsOthersAreToldWho(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		const n = 8
		for i := 0; i < n; i++ {
			e.member(fmt.Sprintf("agent%d", i), inboxbot.RoleAgent)
		}
		c := e.inbound("jane", "hello")
		var wg sync.WaitGroup
		resps := make([]commands.Response, n)
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				resps[i] = e.svc.Run(ctx, commands.Request{Platform: inboxbot.PlatformShell, UserID: fmt.Sprintf("agent%d", i), Text: fmt.Sprintf("claim %d", c.ID)})
			}()
		}
		wg.Wait()
		holder := e.conv(c.ID).AssigneeName
		wins := 0
		for i, r := range resps {
			switch {
			case r.Outcome == commands.OK:
				wins++
			case r.Outcome != commands.Rejected || !strings.Contains(r.Error, "already assigned to "+holder):
				t.Errorf("agent%d: %s %q", i, r.Outcome, r.Error)
			}
		}
		if wins != 1 {
			t.Fatalf("%d claims won, want exactly 1", wins)
		}
	})
}

// An agent's assign checks the holder under the row lock: racing a claim,
// it either goes first (the conversation was unassigned) or is refused
// because someone else now holds it; it never overrides the claim.
func TestAssign_AgentRacingAClaimNeverTakesItFromTheClaimer(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.member("dana", inboxbot.RoleAgent)
		e.member("lee", inboxbot.RoleAgent)
		for round := 0; round < 5; round++ {
			c := e.inbound(fmt.Sprintf("c%d", round), "hello")
			var wg sync.WaitGroup
			var claim, assign commands.Response
			wg.Add(2)
			go func() { defer wg.Done(); claim = e.run("lee", fmt.Sprintf("claim %d", c.ID)) }()
			go func() { defer wg.Done(); assign = e.run("dana", fmt.Sprintf("assign %d @dana", c.ID)) }()
			wg.Wait()
			got := e.conv(c.ID).AssigneeName
			switch {
			case claim.Outcome == commands.OK && assign.Outcome == commands.OK:
				t.Fatalf("round %d: both won; holder %s", round, got)
			case claim.Outcome == commands.OK && got != "lee":
				t.Fatalf("round %d: lee's claim won but %s holds it", round, got)
			case assign.Outcome == commands.OK && got != "dana":
				t.Fatalf("round %d: dana's assign won but %s holds it", round, got)
			}
		}
	})
}
