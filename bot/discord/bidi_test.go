package discord_test

import (
	"strings"
	"testing"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/bot"
	"github.com/inboxbot/inboxbot/bot/discord"
)

// TestEscape_DropsBidiControls: U+202E in customer text reached Discord
// embeds, showing "exe.txt" as "txt.exe".
func TestEscape_DropsBidiControls(t *testing.T) {
	if got := discord.Escape("pay \u202egpj.exe\u202c \u2066now\u2069 \u200e\u200f\u061c"); got != "pay gpj.exe now " {
		t.Fatalf("Escape = %q", got)
	}
	conv := inboxbot.Conversation{ID: 7, Channel: "sms", Preview: "\u202eevil", Contact: inboxbot.Contact{ExternalID: "c", Name: "ja\u202ene"}}
	text := bot.NoticeText(inboxbot.NoticeOf(inboxbot.EventMessage, conv), discord.Style)
	if strings.IndexFunc(text, inboxbot.BidiControl) >= 0 || !strings.Contains(text, "jane") {
		t.Fatalf("notice = %q", text)
	}
}
