package discord

import (
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/inboxbot/inboxbot/commands"
)

// fuzzed is an adapter for the identity checks alone (no store, no
// session): its application, guild and agent role.
var fuzzed = &Adapter{cfg: Config{AppID: "1", GuildID: "2", AgentRole: "3", Log: slog.New(slog.DiscardHandler)}}

// readInteraction does to an interaction body everything the bot does
// before it reaches the command layer: decode it, check where it comes
// from, then read its command, custom_id, selection, form text and
// invoker. It must never panic, whatever arrives.
func readInteraction(body []byte) {
	var i discordgo.Interaction
	if json.Unmarshal(body, &i) != nil {
		return
	}
	fuzzed.checks(context.Background(), &i, false)
	invoker(&i)
	interactionKind(i.Type)
	switch i.Type {
	case discordgo.InteractionApplicationCommand, discordgo.InteractionApplicationCommandAutocomplete:
		commandText(i.ApplicationCommandData())
		focused(i.ApplicationCommandData())
	case discordgo.InteractionMessageComponent:
		d := i.MessageComponentData()
		parseCustomID(d.CustomID)
		for _, id := range d.Values {
			resolved{users: d.Resolved.Users, members: d.Resolved.Members, role: "3"}.Person(context.Background(), id)
		}
	case discordgo.InteractionModalSubmit:
		d := i.ModalSubmitData()
		parseCustomID(d.CustomID)
		modalText(d, replyInputID)
	}
}

func FuzzInteraction(f *testing.F) {
	for _, seed := range []string{
		`{"type":1}`,
		`{"type":2,"data":{"name":"inbox","options":[{"name":"claim","type":1,"options":[{"name":"id","type":4,"value":12}]}]},"member":{"user":{"id":"1"}}}`,
		`{"type":2,"data":{"name":"inbox","options":[{"name":"reply","type":1,"options":[{"name":"id","type":4,"value":1},{"name":"text","type":3,"value":"hi there"}]}]}}`,
		`{"type":2,"data":{"options":[{"name":"view","type":2,"options":[{"name":"save","type":1,"options":[{"name":"shared","type":5,"value":"x"}]}]}]}}`,
		`{"type":4,"data":{"options":[{"name":"id","type":4,"value":"1","focused":true}]}}`,
		`{"type":3,"data":{"custom_id":"inbox:assign:1","component_type":5,"values":["2"]},"user":{"id":"3"}}`,
		`{"type":3,"data":{"custom_id":"inbox:claim:99999999999999999999","component_type":2}}`,
		`{"type":5,"data":{"custom_id":"inbox:reply:1","components":[{"type":1,"components":[{"type":4,"custom_id":"text","value":"ok"}]}]}}`,
		`{"type":5,"data":{"custom_id":"inbox:reply:1","components":[{"type":4,"custom_id":"text"}]}}`,
		`{"type":2,"data":{"options":[{"name":"id","type":4,"value":null}]}}`,
		`{"type":2,"data":null}`,
		`{"type":3,"application_id":"1","context":1,"user":{"id":"4"},"message":{"id":"5","author":null},"data":{"custom_id":"inbox:claim:1","component_type":2}}`,
		`{"type":3,"application_id":"1","guild_id":"2","member":{"user":{"id":"4"},"roles":["3"]},"data":{"custom_id":"inbox:assign:1","component_type":5,"values":["6"],"resolved":{"users":{"6":{"id":"6"}},"members":{"6":null}}}}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) { readInteraction(body) })
}

func FuzzCustomID(f *testing.F) {
	for _, seed := range []string{"inbox:claim:1", "inbox:reply:9223372036854775807", "inbox::1", "inbox:a:b:c",
		"inbox:claim:+1", "inbox:claim:0", "", "inbox:", "inbox:claim:-5", "inbox:close:1\x00"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, id, ok := parseCustomID(s)
		if !ok {
			return
		}
		if id <= 0 || strings.Contains(string(a), ":") {
			t.Fatalf("%q parsed as %q %d", s, a, id)
		}
		// What parses, re-encodes to something that parses the same.
		again := customID(a, id)
		if a2, id2, ok := parseCustomID(again); !ok || a2 != a || id2 != id {
			t.Fatalf("%q -> %q -> %q %d %v", s, again, a2, id2, ok)
		}
		if len(again) <= maxCustomID && a == commands.ActionReply {
			replyModal(id)
		}
	})
}
