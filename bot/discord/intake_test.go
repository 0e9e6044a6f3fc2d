package discord_test

import (
	"encoding/json"
	"strings"
	"sync"
	"testing"

	"github.com/inboxbot/inboxbot/bot/discord"
	"github.com/inboxbot/inboxbot/bot/discord/discordtest"
	"github.com/inboxbot/inboxbot/store"
	"github.com/inboxbot/inboxbot/store/storetest"
)

const supportCh = "100000000000000905"

// withSupport turns the Contact support panel on.
func withSupport(c *discord.Config) { c.SupportChannel = supportCh }

// panels counts the Contact support panels in the support channel.
func panels(fake *discordtest.Server) int {
	n := 0
	for _, m := range fake.Messages(supportCh) {
		if strings.Contains(string(m.Body), `"custom_id":"intake:contact"`) {
			n++
		}
	}
	return n
}

func TestPanel_PostedOnceAndFoundAgainOnRestart(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		fake := discordtest.New(t, token)
		first := newEnvOnWith(t, st, fake, "replica-1", withSupport)
		if err := first.bot.Panel(ctx); err != nil {
			t.Fatal(err)
		}
		if n := panels(fake); n != 1 {
			t.Fatalf("%d panels after the first start, want 1", n)
		}
		// A restart long after the nonce window: found by looking, not
		// by Discord's nonce.
		fake.ForgetNonces()
		restarted := newEnvOnWith(t, st, fake, "replica-1", withSupport)
		if err := restarted.bot.Panel(ctx); err != nil {
			t.Fatal(err)
		}
		if n := panels(fake); n != 1 {
			t.Fatalf("%d panels after a restart, want 1", n)
		}
		if v := fake.Violations(); len(v) > 0 {
			t.Fatalf("Discord would refuse: %v", v)
		}
	})
}

func TestPanel_TwoReplicasStartingAtOnceLeaveOnePanel(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		fake := discordtest.New(t, token)
		var wg sync.WaitGroup
		for _, owner := range []string{"replica-1", "replica-2", "replica-3"} {
			e := newEnvOnWith(t, st, fake, owner, withSupport)
			wg.Add(1)
			go func() {
				defer wg.Done()
				if err := e.bot.Panel(ctx); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		if n := panels(fake); n != 1 {
			t.Fatalf("%d panels, want 1", n)
		}
	})
}

func TestPanel_OffWithoutSupportChannel(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		if err := e.bot.Panel(ctx); err != nil {
			t.Fatal(err)
		}
		if calls := e.fake.Calls(`.*`); len(calls) != 0 {
			t.Fatalf("calls without a support channel: %v", calls)
		}
		out := e.do(e.click(user(kim, "Kim"), "intake:contact", supportCh, "1"))
		if c, eph := content(out); !eph || !strings.Contains(c, "Contact support is not open") {
			t.Fatalf("a click on an old panel: %q (ephemeral %v)", c, eph)
		}
	})
}

func TestPanel_ClickOpensTheContactForm(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnvWith(t, st, withSupport)
		out := e.do(e.click(user(kim, "Kim"), "intake:contact", supportCh, "1"))
		valid(t, out)
		b, _ := json.Marshal(out)
		if out["type"] != float64(9) || !strings.Contains(string(b), `"custom_id":"intake:form"`) ||
			!strings.Contains(string(b), `"custom_id":"topic"`) || !strings.Contains(string(b), `"custom_id":"message"`) {
			t.Fatalf("the click did not open the form: %s", b)
		}
	})
}
