package discord_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/commands"
	"github.com/inboxbot/inboxbot/store"
	"github.com/inboxbot/inboxbot/store/storetest"
)

// A change made on another surface (here Slack, through the same command
// layer) reaches the Discord card: the Discord card loop edits it.
func TestCards_AChangeOnSlackEditsTheDiscordCard(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		runCtx, stop := context.WithCancel(ctx)
		done := make(chan error, 1)
		go func() { done <- e.cards.Run(runCtx) }()
		defer func() { stop(); <-done }()

		conv := e.inbound("jane", "hello from the web form")
		waitFor(t, "the card", 10*time.Second, func() bool { return len(e.fake.Messages(inboxCh)) == 1 })

		slack := func(text string) {
			t.Helper()
			r := e.svc.Run(ctx, commands.Request{Platform: inboxbot.PlatformSlack, UserID: "U0DANA", UserName: "dana", Text: text})
			if r.Outcome != commands.OK {
				t.Fatalf("/inbox %s on Slack: %s", text, r.Error)
			}
		}
		cardSays := func(what string, want ...string) {
			t.Helper()
			waitFor(t, what, 10*time.Second, func() bool {
				body := string(cardOf(t, e.fake, conv.ID).Body)
				for _, w := range want {
					if !strings.Contains(body, w) {
						return false
					}
				}
				return true
			})
		}
		slack("claim 1")
		cardSays("the card to show dana", `"value":"dana"`, `"inbox:unassign:1"`)
		slack("close 1")
		cardSays("the card to show the close", `"Closed"`, `"inbox:reopen:1"`)
		if got := cardOf(t, e.fake, conv.ID); got.Edits < 2 || len(e.fake.Messages(inboxCh)) != 1 {
			t.Fatalf("%d edits, %d cards", got.Edits, len(e.fake.Messages(inboxCh)))
		}
	})
}
