package discord_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/inboxbot/inboxbot/bot/discord"
)

func TestLogLibraryTo_DiscordgoLinesBecomeJSONRecords(t *testing.T) {
	old := discordgo.Logger
	t.Cleanup(func() { discordgo.Logger = old })
	var buf bytes.Buffer
	discord.LogLibraryTo(slog.New(slog.NewJSONHandler(&buf, nil)))
	discordgo.Logger(discordgo.LogError, 1, "error connecting to gateway %s, %s", "wss://x", "no such host")
	discordgo.Logger(discordgo.LogDebug, 1, "a debug line")
	var rec struct{ Level, Msg, Source string }
	if err := json.Unmarshal(buf.Bytes(), &rec); err != nil {
		t.Fatalf("not one JSON record: %q (%v)", buf.String(), err)
	}
	if rec.Level != "WARN" || rec.Msg != "discordgo: error connecting to gateway wss://x, no such host" || rec.Source != "discordgo" {
		t.Fatalf("record: %+v", rec)
	}
}
