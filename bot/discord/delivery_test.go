package discord_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/bot"
	"github.com/inboxbot/inboxbot/bot/discord/discordtest"
	"github.com/inboxbot/inboxbot/store"
	"github.com/inboxbot/inboxbot/store/storetest"
)

// A create whose answer was lost (the platform has the message, the
// record was not written) and is sent again carries the same nonce, with
// enforce_nonce: Discord, and the fake, return the first message. A DM
// and a card post each reach the channel once.
func TestDiscord_RetriedCreatesCarryOneNonceAndPostOnce(t *testing.T) {
	st := storetest.Open(t, "sqlite")
	e := newEnv(t, st)
	n := inboxbot.Notification{ID: 4242, Platform: inboxbot.PlatformDiscord, To: lee, DedupeKey: "k",
		Notice: inboxbot.Notice{Event: inboxbot.EventAssigned, ConversationID: 1, Contact: "jane", Channel: "sms"}}
	for range 2 {
		if err := e.bot.Send(ctx, n); err != nil {
			t.Fatal(err)
		}
	}
	if got := e.fake.Messages(discordtest.DMChannel(lee)); len(got) != 1 {
		t.Fatalf("%d DMs after two tries, want 1", len(got))
	}
	conv := e.inbound("jane", "Hello")
	job := store.CardJob{Card: inboxbot.Card{ConversationID: conv.ID, Platform: inboxbot.PlatformDiscord}, Conversation: conv, Version: 1}
	first, err := e.bot.RenderCard(ctx, job)
	if err != nil {
		t.Fatal(err)
	}
	again, err := e.bot.RenderCard(ctx, job)
	if err != nil || again.MessageID != first.MessageID {
		t.Fatalf("second try: %+v, %v; want the first card %s", again, err, first.MessageID)
	}
	// A card that replaces a deleted one is a new post: a new nonce.
	job.Replaces = first.MessageID
	repost, err := e.bot.RenderCard(ctx, job)
	if err != nil || repost.MessageID == first.MessageID {
		t.Fatalf("repost: %+v, %v; want a new message", repost, err)
	}
	if got := e.fake.Messages(inboxCh); len(got) != 2 {
		t.Fatalf("%d cards in the inbox, want the first and the repost", len(got))
	}
	nonces := map[string]bool{}
	for _, c := range e.fake.Calls(`POST /channels/\d+/messages`) {
		var body struct {
			Nonce        string `json:"nonce"`
			EnforceNonce bool   `json:"enforce_nonce"`
		}
		json.Unmarshal(c.Body, &body)
		if body.Nonce == "" || len(body.Nonce) > 25 || !body.EnforceNonce {
			t.Fatalf("create without an enforced nonce of at most 25 characters: %s", c.Body)
		}
		nonces[body.Nonce] = true
	}
	if len(nonces) != 3 {
		t.Fatalf("nonces %v; want one per message (DM, card, repost)", nonces)
	}
	if v := e.fake.Violations(); len(v) != 0 {
		t.Fatalf("Discord would refuse: %q", strings.Join(v, "; "))
	}
}

// A card the bot may not post (its role lacks a permission in the inbox
// channel): the operator is told once which permissions to give, the card
// is tried a few times in 30 s, and posted once the permission is given.
// The clock is simulated: nothing waits.
func TestDiscord_ForbiddenInboxIsLoggedOnceWithThePermissionAndBacksOff(t *testing.T) {
	st := storetest.Open(t, "sqlite")
	e := newEnv(t, st)
	now := time.Now()
	clock := func() time.Time { return now }
	st.Now = clock
	e.inbound("jane", "Hello")
	e.fake.Forbid(inboxCh, true)
	var logs bytes.Buffer
	cards := &bot.Cards{Store: st, Platform: inboxbot.PlatformDiscord, Renderer: e.bot, Owner: "r1", Now: clock,
		Log: slog.New(slog.NewJSONHandler(&logs, nil))}
	for range 60 { // 30 s in steps of half a second
		if _, err := cards.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		now = now.Add(500 * time.Millisecond)
	}
	tries := len(e.fake.Calls(`POST /channels/` + inboxCh + `/messages`))
	if tries < 2 || tries > 8 {
		t.Fatalf("the card was tried %d times in 30 s, want a few (at most 8)", tries)
	}
	if got := strings.Count(logs.String(), "Send Messages"); got != 1 {
		t.Fatalf("the permission to give was logged %d times, want once:\n%s", got, logs.String())
	}
	e.fake.Forbid(inboxCh, false)
	now = now.Add(3 * time.Minute)
	if n, err := cards.Flush(ctx); n != 1 || err != nil {
		t.Fatalf("after the fix: %d, %v; want the card posted", n, err)
	}
}
