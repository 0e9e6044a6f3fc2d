package discord_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/inboxbot/inboxbot/store/storetest"
)

func TestGateway_SlashClaimAndButtonOverTheGateway(t *testing.T) {
	e := newEnv(t, storetest.Open(t, "sqlite"))
	conv := e.inbound("jane", "hello from the gateway")
	e.flush()
	card := cardOf(t, e.fake, conv.ID)

	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- e.bot.Run(runCtx) }()
	defer func() {
		stop()
		if err := <-done; err != nil {
			t.Errorf("gateway run: %v", err)
		}
	}()
	select {
	case <-e.fake.Ready():
	case <-time.After(10 * time.Second):
		t.Fatal("the bot did not identify")
	}

	dispatch := func(i map[string]any) map[string]any {
		t.Helper()
		b, _ := json.Marshal(i)
		if err := e.fake.Dispatch(b); err != nil {
			t.Fatal(err)
		}
		route := "POST /interactions/" + i["id"].(string) + "/" + i["token"].(string) + "/callback"
		var body map[string]any
		waitFor(t, "the interaction callback", 10*time.Second, func() bool {
			calls := e.fake.Calls(route)
			if len(calls) == 0 {
				return false
			}
			json.Unmarshal(calls[0].Body, &body)
			return true
		})
		return body
	}
	out := dispatch(e.slash(user(lee, "Lee"), "claim", intOpt("id", conv.ID)))
	if text, eph := content(out); out["type"] != 4.0 || eph || !strings.Contains(text, "lee claimed #1") {
		t.Fatalf("claim over the gateway answered %s", mustJSON(out))
	}
	out = dispatch(e.click(user(dana, "Dana"), "inbox:claim:1", inboxCh, card.ID))
	if text, eph := content(out); out["type"] != 4.0 || !eph || !strings.Contains(text, "already assigned to lee") {
		t.Fatalf("a late claim click answered %s", mustJSON(out))
	}
	out = dispatch(e.click(user(lee, "Lee"), "inbox:unassign:1", inboxCh, card.ID))
	if out["type"] != 7.0 || !strings.Contains(mustJSON(out), "Team inbox") {
		t.Fatalf("unassign click answered %s", mustJSON(out))
	}
	if v := e.fake.Violations(); len(v) != 0 {
		t.Fatalf("Discord would refuse: %q", v)
	}
}
