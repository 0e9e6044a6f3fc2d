package slack_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/bot/slack/slacktest"
	"github.com/inboxbot/inboxbot/store"
	"github.com/inboxbot/inboxbot/store/storetest"
)

func TestSlack_CardClaimAssignReassignOverSignedHTTP(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st, slacktest.New(t), "r1")
		e.member("dana", "U0DANA", inboxbot.RoleManager)
		e.member("lee", "U0LEE", inboxbot.RoleAgent)
		e.fake.AddUser("U0SAM", "sam") // never used the bot

		conv := e.inbound("jane", "Hi, I need a quote")
		e.flush()
		e.flush()
		card := e.card(conv.ID)
		if card.Updates != 0 {
			t.Fatalf("a new card was edited %d times", card.Updates)
		}

		// lee claims from the card: the card is edited, nobody gets a DM.
		claim := find(t, card.Blocks, "claim:")
		if code := e.click("U0LEE", claim, ""); code != http.StatusOK {
			t.Fatalf("click: %d", code)
		}
		e.flush()
		card = e.card(conv.ID)
		if card.Updates != 1 || !strings.Contains(string(card.Blocks), "lee") {
			t.Fatalf("after the claim the card was edited %d times: %s", card.Updates, card.Blocks)
		}
		if got := e.dms("U0LEE"); len(got) != 0 {
			t.Fatalf("the clicker got DMs: %q", got)
		}

		// dana reassigns to sam through the users select: sam becomes a
		// member, gets an "assigned" DM; lee is told it went to sam.
		assign := find(t, card.Blocks, "assign:")
		if assign.Type != "users_select" {
			t.Fatalf("assign is a %s, want users_select", assign.Type)
		}
		e.click("U0DANA", assign, "U0SAM")
		e.flush()
		sam, err := st.MemberByPlatform(bg, inboxbot.PlatformSlack, "U0SAM")
		if err != nil || sam.Name != "sam" {
			t.Fatalf("sam as a member: %+v, %v", sam, err)
		}
		if got := e.dms("U0SAM"); len(got) != 1 || !strings.Contains(got[0], "dana assigned you #") {
			t.Fatalf("sam's DMs: %q", got)
		}
		if got := e.dms("U0LEE"); len(got) != 1 || !strings.Contains(got[0], "reassigned") {
			t.Fatalf("lee's DMs: %q", got)
		}
		if got := e.dms("U0DANA"); len(got) != 0 {
			t.Fatalf("the actor got DMs: %q", got)
		}

		// lee, an agent, clicks Claim on a stale card: refused, ephemerally,
		// naming the holder.
		before := len(e.fake.Responses())
		e.click("U0LEE", claim, "")
		waitFor(t, "the refusal", func() bool { return len(e.fake.Responses()) > before })
		var refusal struct {
			ResponseType    string `json:"response_type"`
			ReplaceOriginal *bool  `json:"replace_original"`
			Text            string `json:"text"`
		}
		json.Unmarshal(e.fake.Responses()[before], &refusal)
		if refusal.ResponseType != "ephemeral" || refusal.ReplaceOriginal == nil || *refusal.ReplaceOriginal ||
			!strings.Contains(refusal.Text, "already assigned to sam") {
			t.Fatalf("refusal = %+v", refusal)
		}
		if c, _ := st.Conversation(bg, conv.ID); c.AssigneeName != "sam" {
			t.Fatalf("the refused claim changed the assignee to %q", c.AssigneeName)
		}
	})
}

func TestSlack_SlashListShowClaim(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st, slacktest.New(t), "r1")
		e.fake.AddUser("U0KIM", "kim")
		conv := e.inbound("jane", "Hello")

		code, body := e.slash("U0KIM", "kim", "list team")
		if code != http.StatusOK || !strings.Contains(body, `"response_type":"ephemeral"`) || !strings.Contains(body, "#1") {
			t.Fatalf("list: %d %s", code, body)
		}
		if _, err := st.MemberByPlatform(bg, inboxbot.PlatformSlack, "U0KIM"); err != nil {
			t.Fatalf("kim did not become a member on first use: %v", err)
		}
		_, body = e.slash("U0KIM", "kim", fmt.Sprintf("show %d", conv.ID))
		if !strings.Contains(body, "Hello") || !strings.Contains(body, `"claim:1"`) {
			t.Fatalf("show: %s", body)
		}
		_, body = e.slash("U0KIM", "kim", fmt.Sprintf("claim #%d", conv.ID))
		if !strings.Contains(body, `"response_type":"in_channel"`) || !strings.Contains(body, "kim claimed #1") {
			t.Fatalf("claim: %s", body)
		}
		_, body = e.slash("U0KIM", "kim", "frobnicate")
		if !strings.Contains(body, `"response_type":"ephemeral"`) || !strings.Contains(body, "Unknown command") {
			t.Fatalf("unknown command: %s", body)
		}
	})
}

func TestSlack_BadRequestsChangeNothing(t *testing.T) {
	st := storetest.Open(t, "sqlite")
	e := newEnv(t, st, slacktest.New(t), "r1")
	e.fake.AddUser("U0KIM", "kim")
	conv := e.inbound("jane", "Hello")
	claim := fmt.Sprintf("command=%%2Finbox&text=claim+%d&user_id=U0KIM&user_name=kim", conv.ID)

	bad := sign(claim, e.now.Unix())
	bad.Set("X-Slack-Signature", "v0="+strings.Repeat("ab", 32))
	stale := sign(claim, e.now.Add(-6*60e9).Unix())
	for _, c := range []struct {
		name, path, body string
		h                http.Header
		want             int
	}{
		{"bad signature", "/slack/commands", claim, bad, http.StatusUnauthorized},
		{"no signature", "/slack/commands", claim, http.Header{}, http.StatusUnauthorized},
		{"stale timestamp", "/slack/commands", claim, stale, http.StatusUnauthorized},
		{"malformed interaction", "/slack/interactions", "payload=%7Bnot+json", nil, http.StatusBadRequest},
		{"malformed event", "/slack/events", "{not json", nil, http.StatusBadRequest},
		{"too large", "/slack/commands", claim + "&x=" + strings.Repeat("a", 1<<20), nil, http.StatusRequestEntityTooLarge},
	} {
		if code, body := e.post(c.path, c.body, c.h); code != c.want {
			t.Errorf("%s: %d %s, want %d", c.name, code, body, c.want)
		}
	}
	if got, _ := st.Conversation(bg, conv.ID); got.Assigned() {
		t.Fatalf("a refused request claimed the conversation")
	}
	if _, err := st.MemberByPlatform(bg, inboxbot.PlatformSlack, "U0KIM"); err == nil {
		t.Fatalf("a refused request created a member")
	}
}

func TestSlack_URLVerificationAndEventRetriesRunOnce(t *testing.T) {
	st := storetest.Open(t, "sqlite")
	e := newEnv(t, st, slacktest.New(t), "r1")
	e.fake.AddUser("U0KIM", "kim")
	code, body := e.post("/slack/events", `{"type":"url_verification","challenge":"c-123","token":"x"}`, nil)
	if code != http.StatusOK || body != "c-123" {
		t.Fatalf("url_verification: %d %q", code, body)
	}
	ev := `{"type":"event_callback","event_id":"Ev1","team_id":"T1","api_app_id":"A0TEST","context_team_id":"T0TEST","event":{"type":"app_home_opened","user":"U0KIM","tab":"home"}}`
	for range 2 {
		h := sign(ev, e.now.Unix())
		h.Set("X-Slack-Retry-Num", "1")
		if code, _ := e.post("/slack/events", ev, h); code != http.StatusOK {
			t.Fatalf("event: %d", code)
		}
	}
	waitFor(t, "the App Home", func() bool { return e.fake.View("U0KIM") != nil })
	e.a.Wait()
	if n := len(e.fake.Calls("views.publish")); n != 1 {
		t.Fatalf("views.publish called %d times for one event delivered twice", n)
	}
}
