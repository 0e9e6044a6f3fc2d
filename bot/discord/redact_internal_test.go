package discord

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/inboxbot/inboxbot/commands"
)

func TestFollowUp_FailureIsLoggedWithoutTheInteractionToken(t *testing.T) {
	var logs bytes.Buffer
	b, err := New(Config{Token: "t", AppID: "100000000000000001", InboxChannel: "100000000000000002",
		APIURL: "http://127.0.0.1:1", Service: &commands.Service{}, Log: slog.New(slog.NewTextHandler(&logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	i := &discordgo.Interaction{ID: "100000000000000003", AppID: "100000000000000001", Token: "sEcReT-token"}
	b.followUp(context.Background(), i, answer{followUp: &message{Content: "done", Ephemeral: true}})
	if strings.Contains(logs.String(), "sEcReT") || !strings.Contains(logs.String(), "follow-up failed") {
		t.Errorf("log:\n%s", logs.String())
	}
}
