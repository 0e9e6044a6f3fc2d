package slack_test

import (
	"testing"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/bot"
	"github.com/inboxbot/inboxbot/bot/slack/slacktest"
	"github.com/inboxbot/inboxbot/commands"
	"github.com/inboxbot/inboxbot/store"
	"github.com/inboxbot/inboxbot/store/storetest"
)

func TestSlack_ThreadMessagesUnderACardAreNotesNeverSent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st, slacktest.New(t), "r1")
		e.svc.Webhook = true
		e.member("lee", "U0LEE", inboxbot.RoleAgent)
		conv := e.inbound("jane", "Hi, I need a quote")
		other := e.inbound("joe", "Hello")
		e.flush()
		card := e.card(conv.ID)
		before := len(e.messages(conv.ID))

		msg := func(extra map[string]any) map[string]any {
			m := map[string]any{"type": "message", "channel": inbox, "user": "U0LEE", "text": "ignored",
				"ts": "1700000200.000001", "thread_ts": card.TS, "channel_type": "channel"}
			for k, v := range extra {
				m[k] = v
			}
			return m
		}
		// Ignored: under some other message, top level, a bot, the bot's
		// own answer, an edit, a join, another channel.
		e.event(msg(map[string]any{"thread_ts": "1600000000.000009"}))
		e.event(msg(map[string]any{"thread_ts": nil}))
		e.event(msg(map[string]any{"subtype": "bot_message", "bot_id": "B0OTHER", "user": nil}))
		e.event(msg(map[string]any{"bot_id": "B0INBOXBOT"}))
		e.event(msg(map[string]any{"subtype": "message_changed", "user": nil,
			"message": map[string]any{"type": "message", "user": "U0LEE", "text": "edited", "thread_ts": card.TS}}))
		e.event(msg(map[string]any{"subtype": "channel_join"}))
		e.event(msg(map[string]any{"channel": "C0ELSE"}))
		if n := len(e.messages(conv.ID)) - before; n != 0 {
			t.Fatalf("%d messages stored from events that are not notes", n)
		}

		// lee writes under the card: a note by lee, as typed.
		e.event(msg(map[string]any{"text": "Called her &amp; left a voicemail &lt;3"}))
		ms := e.messages(conv.ID)
		if len(ms) != before+1 {
			t.Fatalf("%d messages stored for one note", len(ms)-before)
		}
		note := ms[len(ms)-1]
		if note.Direction != inboxbot.DirectionNote || note.AuthorName != "lee" || note.Body != "Called her & left a voicemail <3" {
			t.Fatalf("note: %+v", note)
		}
		if q := e.webhookQueue(); len(q) != 0 {
			t.Fatalf("a note was queued for the contact: %+v", q)
		}
		show := e.svc.Run(bg, commands.Request{Platform: inboxbot.PlatformSlack, UserID: "U0LEE", Text: "show 1"})
		if !contains(show.Text, "left a voicemail") {
			t.Fatalf("show does not list the note: %s", show.Text)
		}
		if got := len(e.messages(other.ID)); got != 1 {
			t.Fatalf("the other conversation has %d messages", got)
		}
		if n := len(e.fake.Messages(inbox)); n != 2 {
			t.Fatalf("%d messages in the inbox channel: the note was answered in the thread", n)
		}
	})
}

// TestSlack_ChangesOnDiscordEditTheSlackCardAndBack runs one store with a
// Slack card loop and a Discord one (a recording renderer, not Discord's
// code): a claim made on Discord edits the Slack card, and a claim made
// from the Slack card makes the Discord card due with the new holder.
func TestSlack_ChangesOnDiscordEditTheSlackCardAndBack(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st, slacktest.New(t), "r1")
		e.member("lee", "U0LEE", inboxbot.RoleManager)
		discord := &recordingRenderer{}
		discordCards := &bot.Cards{Store: st, Platform: inboxbot.PlatformDiscord, Renderer: discord, Owner: "r1", Log: quiet()}
		flushBoth := func() {
			t.Helper()
			e.flush()
			if _, err := discordCards.Flush(bg); err != nil {
				t.Fatal(err)
			}
		}
		a := e.inbound("jane", "Hi")
		b := e.inbound("joe", "Hello")
		flushBoth()

		r := e.svc.Act(bg, commands.ActionRequest{Platform: inboxbot.PlatformDiscord, UserID: "100000000000000001",
			UserName: "kai", ConversationID: a.ID, Action: commands.ActionClaim})
		if r.Outcome != commands.OK {
			t.Fatalf("claim on Discord: %+v", r)
		}
		flushBoth()
		if card := e.card(a.ID); card.Updates != 1 || !contains(string(card.Blocks), "kai") {
			t.Fatalf("the Slack card after a Discord claim (edited %d times): %s", card.Updates, card.Blocks)
		}

		e.click("U0LEE", find(t, e.card(b.ID).Blocks, "claim:"), "")
		flushBoth()
		if last, ok := discord.last(b.ID); !ok || last.AssigneeName != "lee" {
			t.Fatalf("the Discord card after a Slack claim shows %+v", last)
		}
	})
}
