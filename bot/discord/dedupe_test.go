package discord_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/store"
	"github.com/inboxbot/inboxbot/store/storetest"
)

// Two gateway sessions on one shard (two replicas given the same shard by
// mistake) both receive every event; a resumed session replays events.
// Each message and each interaction is still handled once.
func TestGateway_TwoSessionsHandleEachEventOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		one := newEnv(t, st)
		two := newEnvOn(t, st, one.fake, "replica-2")
		conv := one.inbound("jane", "Do you ship to Norway?")
		one.flush()
		card := cardOf(t, one.fake, conv.ID)
		for _, e := range []*env{one, two} {
			runCtx, stop := context.WithCancel(ctx)
			done := make(chan error, 1)
			go func() { done <- e.bot.Run(runCtx) }()
			t.Cleanup(func() { stop(); <-done })
		}
		waitFor(t, "both sessions identified", 10*time.Second, func() bool { return len(one.fake.Identified()) == 2 })

		one.say("800000000000000004", map[string]any{"id": dana, "username": "udana"}, "Called her.", card.ID)
		waitFor(t, "both sessions saw the message", 10*time.Second, func() bool {
			return one.counter("inboxbot_discord_messages_total", "outcome", "note")+
				two.counter("inboxbot_discord_messages_total", "outcome", "note")+
				one.counter("inboxbot_discord_messages_total", "outcome", "duplicate")+
				two.counter("inboxbot_discord_messages_total", "outcome", "duplicate") == 2
		})
		if notes := messagesOf(t, st, conv.ID, inboxbot.DirectionNote); len(notes) != 1 {
			t.Fatalf("%d notes for one message seen by two sessions", len(notes))
		}

		i := one.slash(user(lee, "Lee"), "claim", intOpt("id", conv.ID))
		b, _ := json.Marshal(i)
		for range 2 { // the second is a resumed session's replay
			if err := one.fake.Dispatch(b); err != nil {
				t.Fatal(err)
			}
		}
		route := "POST /interactions/" + i["id"].(string) + "/" + i["token"].(string) + "/callback"
		waitFor(t, "the answer", 10*time.Second, func() bool { return len(one.fake.Calls(route)) > 0 })
		one.bot.Wait()
		two.bot.Wait()
		if n := len(one.fake.Calls(route)); n != 1 {
			t.Fatalf("the interaction was answered %d times, want once", n)
		}
		if c, _ := st.Conversation(ctx, conv.ID); c.AssigneeName != "lee" {
			t.Fatalf("assignee %q after the claim", c.AssigneeName)
		}
	})
}
