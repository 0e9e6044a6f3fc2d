package discord_test

import (
	"strings"
	"testing"

	"github.com/inboxbot/inboxbot/commands"
	"github.com/inboxbot/inboxbot/store/storetest"
)

func TestDiscord_CommandsAndClicksAreCountedByName(t *testing.T) {
	e := newEnv(t, storetest.Open(t, "sqlite"))
	var counted []string
	e.svc.Count = func(command string, outcome commands.Outcome) {
		counted = append(counted, commands.Label(command)+":"+string(outcome))
	}
	conv := e.inbound("jane", "Hi")
	e.flush()
	card := cardOf(t, e.fake, conv.ID)
	e.do(e.click(user(dana, "Dana"), "inbox:claim:1", inboxCh, card.ID))
	e.do(e.slash(user(dana, "Dana"), "close", intOpt("id", conv.ID)))
	e.do(e.slash(user(dana, "Dana"), "reopen", intOpt("id", conv.ID)))
	if got := strings.Join(counted, ","); got != "claim:ok,close:ok,reopen:ok" {
		t.Fatalf("counted %s", got)
	}
}
