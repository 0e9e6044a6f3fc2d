package slack_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/bot/slack/slacktest"
	"github.com/inboxbot/inboxbot/commands"
	"github.com/inboxbot/inboxbot/store"
	"github.com/inboxbot/inboxbot/store/storetest"
)

// slashAs types /inbox text with the given app and team, under trigger.
func (e *env) slashAs(app, team, user, trigger, text string) (int, string) {
	e.seq++
	form := url.Values{"command": {"/inbox"}, "text": {text}, "user_id": {user}, "user_name": {"x"},
		"channel_id": {"C0WORK"}, "team_id": {team}, "api_app_id": {app}, "trigger_id": {trigger},
		"response_url": {e.fake.ResponseURL(strconv.Itoa(e.seq))}}
	return e.post("/slack/commands", form.Encode(), nil)
}

func TestSlack_CommandsForAnotherAppOrFromAnotherWorkspaceChangeNothing(t *testing.T) {
	e := newEnv(t, storetest.Open(t, "sqlite"), slacktest.New(t), "r1")
	conv := e.inbound("jane", "Hi")
	claim := fmt.Sprintf("claim %d", conv.ID)
	for _, tt := range []struct{ name, app, team, want string }{
		{"another app", "A0OTHER", slacktest.TeamID, "another Slack app"},
		{"no app", "", slacktest.TeamID, "another Slack app"},
		{"another workspace", slacktest.AppID, "T0EVIL", "other workspaces"},
	} {
		code, body := e.slashAs(tt.app, tt.team, "U0EVIL", "trig-"+tt.name, claim)
		if code != http.StatusOK || !strings.Contains(body, tt.want) || !strings.Contains(body, `"ephemeral"`) {
			t.Errorf("%s: %d %s", tt.name, code, body)
		}
	}
	if c, _ := e.st.Conversation(bg, conv.ID); c.AssigneeID != 0 {
		t.Fatalf("an outsider claimed #%d", conv.ID)
	}
	if _, err := e.st.MemberByPlatform(bg, inboxbot.PlatformSlack, "U0EVIL"); inboxbot.ErrorCode(err) != inboxbot.ENOTFOUND {
		t.Fatalf("an outsider became a member: %v", err)
	}
}

func TestSlack_AReplayedReplyCommandIsSentOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st, slacktest.New(t), "r1")
		e.svc.Webhook = true
		e.member("dana", "U0DANA", inboxbot.RoleAgent)
		conv := e.inbound("jane", "Hi")
		e.svc.Act(bg, commands.ActionRequest{Platform: inboxbot.PlatformSlack, UserID: "U0DANA", ConversationID: conv.ID, Action: commands.ActionClaim})
		var bodies []string
		for range 3 {
			_, body := e.slashAs(slacktest.AppID, slacktest.TeamID, "U0DANA", "trig-reply", fmt.Sprintf("reply %d On it.", conv.ID))
			bodies = append(bodies, body)
		}
		if n := len(e.webhookQueue()); n != 1 {
			t.Fatalf("one /inbox reply delivered three times queued %d replies", n)
		}
		if !strings.Contains(bodies[2], "Already done") {
			t.Fatalf("the replay was answered %s", bodies[2])
		}
	})
}

func TestSlack_AReplayedReplyFormIsSentOnce(t *testing.T) {
	e := newEnv(t, storetest.Open(t, "sqlite"), slacktest.New(t), "r1")
	e.svc.Webhook = true
	e.member("dana", "U0DANA", inboxbot.RoleAgent)
	conv := e.inbound("jane", "Hi")
	e.svc.Act(bg, commands.ActionRequest{Platform: inboxbot.PlatformSlack, UserID: "U0DANA", ConversationID: conv.ID, Action: commands.ActionClaim})
	e.flush()
	e.click("U0DANA", find(t, e.card(conv.ID).Blocks, "reply:"), "")
	_, form := e.openedModal(0)
	for range 2 {
		if code, body := e.submit("U0DANA", form, "On it."); code != http.StatusOK || body != "" {
			t.Fatalf("submission: %d %q", code, body)
		}
	}
	if n := len(e.webhookQueue()); n != 1 {
		t.Fatalf("a reply form submitted twice queued %d replies", n)
	}
}

func TestSlack_EventsCountForTheInstallationTheyWereDeliveredFor(t *testing.T) {
	e := newEnv(t, storetest.Open(t, "sqlite"), slacktest.New(t), "r1")
	e.fake.AddUser("U0KIM", "kim")
	home := `{"type":"app_home_opened","user":"U0KIM","tab":"home"}`
	for _, ev := range []string{
		// Delivered for another workspace's installation, or another app.
		`{"type":"event_callback","event_id":"Ev1","team_id":"T0TEST","api_app_id":"A0TEST","authorizations":[{"team_id":"T0EVIL"}],"event":` + home + `}`,
		`{"type":"event_callback","event_id":"Ev2","team_id":"T0TEST","api_app_id":"A0OTHER","authorizations":[{"team_id":"T0TEST"}],"event":` + home + `}`,
		`{"type":"event_callback","event_id":"Ev3","team_id":"T0TEST","api_app_id":"A0TEST","context_team_id":"T0EVIL","event":` + home + `}`,
	} {
		if code, _ := e.post("/slack/events", ev, nil); code != http.StatusOK {
			t.Fatalf("an event not ours was answered %d; Slack would retry it", code)
		}
	}
	e.a.Wait()
	if e.fake.View("U0KIM") != nil {
		t.Fatal("an event delivered for another installation ran")
	}
	// In a Slack Connect channel the envelope names the sender's
	// workspace; the authorization says it was delivered for ours.
	ev := `{"type":"event_callback","event_id":"Ev4","team_id":"T0EVIL","api_app_id":"A0TEST","authorizations":[{"team_id":"T0TEST"}],"event":` + home + `}`
	if code, _ := e.post("/slack/events", ev, nil); code != http.StatusOK {
		t.Fatalf("event: %d", code)
	}
	waitFor(t, "the App Home", func() bool { return e.fake.View("U0KIM") != nil })
}
