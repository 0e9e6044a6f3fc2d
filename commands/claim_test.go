package commands_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/commands"
)

func TestClaim_SecondClaimerIsToldWhoHasIt(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.member("lee", inboxbot.RoleAgent)
		c := e.inbound("jane", "Hi, I need a quote")
		r := e.ok("dana", fmt.Sprintf("claim #%d", c.ID))
		if r.Ephemeral || r.Title != "dana claimed "+c.Ref() || len(r.Updated) != 1 {
			t.Fatalf("claim response = %+v", r)
		}
		if got := actions(r.Cards[0]); got != "show,assign,unassign,follow,close" {
			t.Errorf("actions after claiming = %s", got)
		}
		e.rejected("lee", fmt.Sprintf("claim %d", c.ID), "already assigned to dana")
		if r := e.ok("dana", fmt.Sprintf("claim %d", c.ID)); !strings.Contains(r.Title, "already yours") {
			t.Errorf("claiming one's own: %q", r.Title)
		}
		h, _ := e.st.History(ctx, c.ID)
		if len(h) != 1 || h[0].Via != inboxbot.ViaShell || h[0].ActorName != "dana" {
			t.Fatalf("history = %+v", h)
		}
	})
}

func TestClaim_ButtonRunsTheSameUseCase(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		c := e.inbound("jane", "hello")
		r := e.svc.Act(ctx, commands.ActionRequest{Platform: inboxbot.PlatformSlack, UserID: "U0DANA", UserName: "Dana Scully",
			ConversationID: c.ID, Action: commands.ActionClaim})
		if r.Outcome != commands.OK || r.Command != "claim" {
			t.Fatalf("button claim = %+v", r)
		}
		got := e.conv(c.ID)
		if got.AssigneeName != "dana.scully" {
			t.Fatalf("assignee = %q; the Slack user should have become member dana.scully", got.AssigneeName)
		}
		h, _ := e.st.History(ctx, c.ID)
		if h[0].Via != inboxbot.ViaSlack {
			t.Errorf("via = %s, want slack", h[0].Via)
		}
		r = e.svc.Act(ctx, commands.ActionRequest{Platform: inboxbot.PlatformDiscord, UserID: "100000000000000042", UserName: "lee",
			ConversationID: c.ID, Action: commands.ActionClaim})
		if r.Outcome != commands.Rejected || !strings.Contains(r.Error, "already assigned to dana.scully") {
			t.Fatalf("second button claim = %+v", r)
		}
	})
}

func TestBadInput_ExplainsShowsUsageAndChangesNothing(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.member("dana", inboxbot.RoleManager)
		e.member("lee", inboxbot.RoleAgent)
		e.member("leo", inboxbot.RoleAgent)
		c := e.inbound("jane", "hello")
		e.ok("dana", fmt.Sprintf("claim %d", c.ID))
		id := fmt.Sprint(c.ID)
		for _, tt := range []struct{ text, want string }{
			{"claim 999", "no conversation #999"},
			{"show #999", "no conversation #999"},
			{"assign 999 @lee", "no conversation #999"},
			{"unassign 999", "no conversation #999"},
			{"follow 999", "no conversation #999"},
			{"unfollow 999", "no conversation #999"},
			{"rules test 999", "no conversation #999"},
			{"rules show 999", "no rule 999"},
			{"rules publish 999", "no rule 999"},
			{"assign " + id + " @nobody", "No member is called @nobody"},
			{"assign " + id + " @le", "could be @lee, @leo"},
			{"assign " + id + " <@U404>", "not an inboxbot member yet"},
			{"assign " + id, "to whom?"},
			{"assign", "Which conversation"},
			{"claim", "Which conversation"},
			{"list @nobody", "No member is called @nobody"},
			{"list view:nothing", "no view named"},
			{"view delete nothing", "no view named"},
			{"view save x @nobody", "No member is called @nobody"},
			{"contact assign nobody@example.com @lee", "No contact has the id or e-mail"},
			{"contact assign jane @nobody", "No member is called @nobody"},
			{"frobnicate", "Unknown command"},
			{"list sideways", "Unknown filter"},
		} {
			e.rejected("dana", tt.text, tt.want)
		}
	})
}

func TestAct_AssignButtonAndBadPresses(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.member("lee", inboxbot.RoleAgent)
		c := e.inbound("jane", "hello")
		press := func(a commands.ActionRequest) commands.Response {
			a.Platform, a.UserID = inboxbot.PlatformShell, "dana"
			return e.svc.Act(ctx, a)
		}
		if r := press(commands.ActionRequest{ConversationID: c.ID, Action: commands.ActionAssign, Target: "lee"}); r.Outcome != commands.OK || r.Command != "assign" {
			t.Fatalf("assign button: %+v", r)
		}
		if got := e.conv(c.ID).AssigneeName; got != "lee" {
			t.Fatalf("assignee %q", got)
		}
		before := e.snapshot()
		for _, tt := range []struct {
			a    commands.ActionRequest
			want string
		}{
			{commands.ActionRequest{ConversationID: c.ID, Action: commands.ActionAssign}, "is not a member"},
			{commands.ActionRequest{ConversationID: c.ID, Action: "explode"}, `Unknown action "explode"`},
			{commands.ActionRequest{Action: commands.ActionClaim}, "carries no id"},
			{commands.ActionRequest{ConversationID: 999, Action: commands.ActionFollow}, "no conversation #999"},
			{commands.ActionRequest{ConversationID: c.ID, Action: commands.ActionUnassign}, "Only managers and admins can unassign"},
		} {
			r := press(tt.a)
			if r.Outcome != commands.Rejected || !strings.Contains(r.Error, tt.want) || r.Usage == "" {
				t.Errorf("%+v: %s %q (usage %q), want %q", tt.a, r.Outcome, r.Error, r.Usage, tt.want)
			}
		}
		if e.snapshot() != before {
			t.Fatal("a refused press changed the store")
		}
	})
}
