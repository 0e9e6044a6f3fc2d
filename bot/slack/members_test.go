package slack_test

import (
	"strings"
	"testing"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/bot/slack/slacktest"
	"github.com/inboxbot/inboxbot/store"
	"github.com/inboxbot/inboxbot/store/storetest"
)

func TestSlack_AssignSelectRefusesBotsDeactivatedAndOtherWorkspaces(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st, slacktest.New(t), "r1")
		e.member("dana", "U0DANA", inboxbot.RoleManager)
		e.fake.SetUser("U0BOT", "zapier", map[string]any{"is_bot": true, "team_id": "T0TEST"})
		e.fake.SetUser("U0GONE", "gone", map[string]any{"deleted": true, "team_id": "T0TEST"})
		e.fake.SetUser("U0EVIL", "mallory", map[string]any{"team_id": "T0EVIL"})
		e.fake.SetUser("U0SAM", "sam", map[string]any{"team_id": "T0TEST"})
		conv := e.inbound("jane", "Hi")
		e.flush()
		assign := find(t, e.card(conv.ID).Blocks, "assign:")
		for _, tt := range []struct{ user, want string }{
			{"U0BOT", "Bots cannot"},
			{"U0GONE", "deactivated"},
			{"U0EVIL", "Only people of this workspace"},
			{"U0NOBODY", "does not know that user"},
		} {
			n := len(e.fake.Responses())
			e.click("U0DANA", assign, tt.user)
			if got := e.responseText(t, n); !strings.Contains(got, tt.want) {
				t.Errorf("picking %s: %q, want %q", tt.user, got, tt.want)
			}
			if _, err := st.MemberByPlatform(bg, inboxbot.PlatformSlack, tt.user); inboxbot.ErrorCode(err) != inboxbot.ENOTFOUND {
				t.Errorf("%s became a member (%v)", tt.user, err)
			}
		}
		if c, _ := st.Conversation(bg, conv.ID); c.Assigned() {
			t.Fatalf("assigned to %s", c.AssigneeName)
		}
		n := len(e.fake.Responses())
		e.click("U0DANA", assign, "U0SAM")
		e.responseText(t, n)
		if c, _ := st.Conversation(bg, conv.ID); c.AssigneeName != "sam" {
			t.Fatalf("a real person of the workspace was not assigned: %q", c.AssigneeName)
		}
	})
}
