package commands_test

import (
	"testing"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/commands"
)

func TestHome_JoinsTheAskerAndShowsTheTeamInbox(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.inbound("jane", "first")
		e.inbound("joe", "second")
		h, err := e.svc.Home(ctx, reqOf(inboxbot.PlatformSlack, "U0NEW", ""))
		if err != nil || h.Me.SlackID != "U0NEW" || h.Mine.Outcome != commands.OK || h.Waiting != 2 || h.Oldest.Contact.Name != "jane" {
			t.Fatalf("home = %+v, %v", h, err)
		}
		if _, err := e.svc.Home(ctx, reqOf(inboxbot.PlatformSlack, "not-an-id", "")); inboxbot.ErrorCode(err) != inboxbot.EINVALID {
			t.Fatalf("a malformed user id: %v", err)
		}
	})
}
