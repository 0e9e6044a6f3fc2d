package slack_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/bot/slack"
	"github.com/inboxbot/inboxbot/bot/slack/slacktest"
	"github.com/inboxbot/inboxbot/store/storetest"
)

func TestSlack_SocketModeFeedsTheSameHandlers(t *testing.T) {
	st := storetest.Open(t, "sqlite")
	fake := slacktest.New(t)
	e := newEnv(t, st, fake, "r1")
	a, err := slack.New(slack.Config{BotToken: slacktest.BotToken, AppToken: slacktest.AppToken, InboxChannel: inbox,
		APIURL: fake.APIURL(), Service: e.svc, Log: quiet(), Now: time.Now})
	if err != nil {
		t.Fatal(err)
	}
	e.cards.Renderer = a
	ctx, cancel := context.WithCancel(bg)
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
		a.Wait()
	}()
	waitFor(t, "the Socket Mode connection", fake.Connected)

	e.member("lee", "U0LEE", inboxbot.RoleAgent)
	conv := e.inbound("jane", "Hello over the socket")
	e.flush()
	card := e.card(conv.ID)

	ack, err := fake.Envelope("slash_commands", "env-1", map[string]any{"command": "/inbox", "text": "list team",
		"user_id": "U0LEE", "user_name": "lee", "response_url": fake.ResponseURL("s1")})
	if err != nil || !strings.Contains(string(ack.Payload), "Hello over the socket") {
		t.Fatalf("slash ack: %s, %v", ack.Payload, err)
	}

	claim := find(t, card.Blocks, "claim:")
	_, err = fake.Envelope("interactive", "env-2", map[string]any{"type": "block_actions",
		"user": map[string]any{"id": "U0LEE"}, "response_url": fake.ResponseURL("s2"),
		"actions": []any{map[string]any{"type": "button", "action_id": claim.ActionID, "value": claim.Value,
			"block_id": "b1"}}}) // Slack always sends block_id; slack-go needs it to see a block action
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the claim", func() bool {
		c, _ := st.Conversation(bg, conv.ID)
		return c.AssigneeName == "lee"
	})
	e.flush()
	if card = e.card(conv.ID); card.Updates != 1 {
		t.Fatalf("card edited %d times after the claim, want 1", card.Updates)
	}

	ev := map[string]any{"type": "event_callback", "event_id": "EvSock", "team_id": "T1", "api_app_id": "A0TEST",
		"authorizations": []any{map[string]any{"team_id": "T0TEST"}},
		"event":          map[string]any{"type": "app_home_opened", "user": "U0LEE", "tab": "home"}}
	for i := range 2 { // Slack redelivers over the socket too
		if _, err := fake.Envelope("events_api", fmt.Sprint("env-ev-", i), ev); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, "the App Home", func() bool { return fake.View("U0LEE") != nil })
	a.Wait()
	if !strings.Contains(string(fake.View("U0LEE")), "#1") {
		t.Fatalf("App Home lacks lee's conversation: %s", fake.View("U0LEE"))
	}
	if n := len(fake.Calls("views.publish")); n != 1 {
		t.Fatalf("views.publish called %d times for one event", n)
	}
}

func TestSlack_SocketModeAnswersTheReplyFormInTheAck(t *testing.T) {
	st := storetest.Open(t, "sqlite")
	fake := slacktest.New(t)
	e := newEnv(t, st, fake, "r1")
	e.svc.Webhook = true
	a, err := slack.New(slack.Config{BotToken: slacktest.BotToken, AppToken: slacktest.AppToken, InboxChannel: inbox,
		APIURL: fake.APIURL(), Service: e.svc, Log: quiet(), Now: time.Now})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(bg)
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	defer func() { cancel(); <-done; a.Wait() }()
	waitFor(t, "the Socket Mode connection", fake.Connected)
	e.member("lee", "U0LEE", inboxbot.RoleManager)
	conv := e.inbound("jane", "Hello over the socket")

	submission := func(text string) map[string]any {
		return map[string]any{"type": "view_submission", "user": map[string]any{"id": "U0LEE"},
			"view": map[string]any{"id": "V1", "type": "modal", "callback_id": "inboxbot_reply",
				"private_metadata": fmt.Sprintf(`{"conversation_id":%d}`, conv.ID),
				"state": map[string]any{"values": map[string]any{
					"reply": map[string]any{"text": map[string]any{"type": "plain_text_input", "value": text}}}}}}
	}
	ack, err := fake.Envelope("interactive", "env-1", submission(""))
	if err != nil || !strings.Contains(string(ack.Payload), `"response_action":"errors"`) ||
		!strings.Contains(string(ack.Payload), "empty") {
		t.Fatalf("an empty reply's ack: %s, %v", ack.Payload, err)
	}
	ack, err = fake.Envelope("interactive", "env-2", submission("On it."))
	if err != nil || strings.Contains(string(ack.Payload), "errors") {
		t.Fatalf("a good reply's ack: %s, %v", ack.Payload, err)
	}
	ms, _ := st.Messages(bg, conv.ID, 10)
	if last := ms[len(ms)-1]; last.Direction != inboxbot.DirectionOutbound || last.Body != "On it." {
		t.Fatalf("stored: %+v", last)
	}
}
