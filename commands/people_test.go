package commands_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/commands"
)

// directory is a platform's users as a fake commands.People.
type directory map[string]commands.Person

func (d directory) Person(_ context.Context, id string) (commands.Person, error) {
	p, ok := d[id]
	if !ok {
		return commands.Person{}, inboxbot.Errorf(inboxbot.ENOTFOUND, "no such user")
	}
	return p, nil
}

var slackPeople = directory{
	"U0LEE":  {ID: "U0LEE", Name: "lee", Team: "T0OURS"},
	"U0BOT":  {ID: "U0BOT", Name: "zapier", Bot: true, Team: "T0OURS"},
	"U0GONE": {ID: "U0GONE", Name: "gone", Deleted: true, Team: "T0OURS"},
	"U0EVIL": {ID: "U0EVIL", Name: "mallory", Team: "T0EVIL"},
}

func TestAssignSelect_PickedUserMustBeARealActivePersonOfOurTeam(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		c := e.inbound("jane", "hello")
		pick := func(user string) commands.Response {
			return e.svc.Act(ctx, commands.ActionRequest{Platform: inboxbot.PlatformSlack, UserID: "U0DANA", UserName: "dana",
				ConversationID: c.ID, Action: commands.ActionAssign, Target: "<@" + user + ">", Team: "T0OURS", People: slackPeople})
		}
		pick("U0LEE") // the clicker joins; lee with them
		for _, tt := range []struct{ user, want string }{
			{"U0BOT", "Bots cannot"},
			{"U0GONE", "deactivated"},
			{"U0EVIL", "Only people of this workspace"},
			{"U0NOBODY", "does not know that user"},
			{"u0lower", "is not a Slack user"},
		} {
			r := e.unchanged(func() commands.Response { return pick(tt.user) })
			if r.Outcome != commands.Rejected || !strings.Contains(r.Error, tt.want) {
				t.Errorf("picking %s: %s %q, want a refusal saying %q", tt.user, r.Outcome, r.Error, tt.want)
			}
		}
		if got := e.conv(c.ID).AssigneeName; got != "lee" {
			t.Errorf("assignee = %q, want lee (who joined under their Slack name)", got)
		}
	})
}

func TestAssignCommand_MentionOfSomeoneNewJoinsByTheSameRules(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		c := e.inbound("jane", "hello")
		run := func(text string) commands.Response {
			req := reqOf(inboxbot.PlatformSlack, "U0DANA", text)
			req.Team, req.People = "T0OURS", slackPeople
			return e.svc.Run(ctx, req)
		}
		if r := run(fmt.Sprintf("assign %d <@U0BOT>", c.ID)); r.Outcome != commands.Rejected {
			t.Fatalf("a bot was taken: %+v", r)
		}
		if r := run(fmt.Sprintf("assign %d <@U0LEE>", c.ID)); r.Outcome != commands.OK || e.conv(c.ID).AssigneeName != "lee" {
			t.Fatalf("assign to a new person: %+v", r)
		}
	})
}

func TestActor_MustBeAPlatformUserID(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		c := e.inbound("jane", "hello")
		for _, tt := range []struct {
			platform inboxbot.Platform
			user     string
		}{{inboxbot.PlatformSlack, "None"}, {inboxbot.PlatformDiscord, "42"}, {inboxbot.PlatformSlack, "<!channel>"}} {
			r := e.unchanged(func() commands.Response {
				return e.svc.Act(ctx, commands.ActionRequest{Platform: tt.platform, UserID: tt.user, ConversationID: c.ID, Action: commands.ActionClaim})
			})
			if r.Outcome != commands.Rejected || !strings.Contains(r.Error, "is not a") {
				t.Errorf("%s %q: %s %q", tt.platform, tt.user, r.Outcome, r.Error)
			}
		}
	})
}
