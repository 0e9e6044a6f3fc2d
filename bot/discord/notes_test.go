package discord_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/store"
	"github.com/inboxbot/inboxbot/store/storetest"
)

// say dispatches a MESSAGE_CREATE in the inbox channel from author,
// replying to the message replyTo when it is not "".
func (e *env) say(id string, author map[string]any, text, replyTo string) {
	e.t.Helper()
	m := map[string]any{"id": id, "channel_id": inboxCh, "guild_id": guildID, "author": author,
		"member": map[string]any{"nick": "Dana"}, "content": text, "type": 0,
		"timestamp": time.Now().Format(time.RFC3339)}
	if replyTo != "" {
		m["type"] = 19
		m["message_reference"] = map[string]any{"message_id": replyTo, "channel_id": inboxCh, "guild_id": guildID}
	}
	b, _ := json.Marshal(m)
	if err := e.fake.DispatchEvent("MESSAGE_CREATE", b); err != nil {
		e.t.Fatal(err)
	}
}

func TestGateway_AReplyToACardIsANoteAndNothingElseIs(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		e.svc.Webhook = true
		conv := e.inbound("jane", "Do you ship to Norway?")
		other := e.inbound("joe", "hello")
		e.flush()
		card := cardOf(t, e.fake, conv.ID)
		e.runGateway()
		var id struct {
			Intents int `json:"intents"`
		}
		json.Unmarshal(e.fake.Identified()[0], &id)
		if want := int(discordgo.IntentsGuildMessages | discordgo.IntentsMessageContent); id.Intents&want != want {
			t.Fatalf("identified with intents %b, without the message intents", id.Intents)
		}

		human := map[string]any{"id": dana, "username": "udana"}
		bot := map[string]any{"id": "100000000000000777", "username": "otherbot", "bot": true}
		e.say("800000000000000001", human, "unrelated chatter", "")
		e.say("800000000000000002", human, "a reply to chatter", "800000000000000001")
		e.say("800000000000000003", bot, "a bot replying to a card", card.ID)
		e.say("800000000000000004", human, "  Called her: yes, by sea.  ", card.ID)
		waitFor(t, "four messages handled", 10*time.Second, func() bool {
			return e.counter("inboxbot_discord_messages_total", "outcome", "ignored") == 3 &&
				e.counter("inboxbot_discord_messages_total", "outcome", "note") == 1
		})

		notes := messagesOf(t, st, conv.ID, inboxbot.DirectionNote)
		if len(notes) != 1 || notes[0].Body != "Called her: yes, by sea." || notes[0].AuthorName != "dana" {
			t.Fatalf("notes: %+v", notes)
		}
		if n := messagesOf(t, st, other.ID, inboxbot.DirectionNote); len(n) != 0 {
			t.Fatalf("notes on the other conversation: %+v", n)
		}
		if rows := webhookRows(t, st); len(rows) != 0 {
			t.Fatalf("a note was queued for the contact: %+v", rows)
		}
		if got := e.fake.Calls(`PUT /channels/` + inboxCh + `/messages/800000000000000004/reactions/.*/@me`); len(got) != 1 {
			t.Fatalf("the note was not marked: %d reactions", len(got))
		}
	})
}

// Without the Message Content intent enabled in the portal, Discord
// refuses the connection; the bot connects without the message intents
// and everything else works.
func TestGateway_ConnectsWithoutMessageIntentsWhenDiscordRefusesThem(t *testing.T) {
	e := newEnv(t, storetest.Open(t, "sqlite"))
	e.fake.DisallowIntents(int(discordgo.IntentsMessageContent))
	conv := e.inbound("jane", "hello")
	e.runGateway()
	ids := e.fake.Identified()
	var last struct {
		Intents int `json:"intents"`
	}
	json.Unmarshal(ids[len(ids)-1], &last)
	if len(ids) != 2 || last.Intents&int(discordgo.IntentsMessageContent) != 0 {
		t.Fatalf("identified %d times, last with intents %b", len(ids), last.Intents)
	}
	i := e.slash(user(lee, "Lee"), "claim", intOpt("id", conv.ID))
	b, _ := json.Marshal(i)
	if err := e.fake.Dispatch(b); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the claim", 10*time.Second, func() bool {
		c, _ := e.st.Conversation(ctx, conv.ID)
		return c.Assigned()
	})
}
