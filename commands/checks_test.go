package commands_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/commands"
)

func TestChecks_OutsiderChangesNothingAndJoinsNobody(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		c := e.inbound("jane", "Hi")
		why := "This workspace is not the one inboxbot serves."
		r := e.svc.Run(ctx, commands.Request{Platform: inboxbot.PlatformSlack, UserID: "U0EVIL", UserName: "mallory",
			Text: fmt.Sprintf("claim %d", c.ID), Checks: commands.Checks{Outsider: why}})
		if r.Outcome != commands.Rejected || r.Error != why || !r.Ephemeral {
			t.Fatalf("outsider's claim = %+v", r)
		}
		a := e.svc.Act(ctx, commands.ActionRequest{Platform: inboxbot.PlatformSlack, UserID: "U0EVIL", UserName: "mallory",
			ConversationID: c.ID, Action: commands.ActionClose, Checks: commands.Checks{Outsider: why}})
		if a.Outcome != commands.Rejected || a.Error != why {
			t.Fatalf("outsider's Close = %+v", a)
		}
		if got, _ := e.st.Conversation(ctx, c.ID); got.AssigneeID != 0 || got.Status != inboxbot.StatusOpen {
			t.Fatalf("conversation changed: %+v", got)
		}
		if _, err := e.st.MemberByPlatform(ctx, inboxbot.PlatformSlack, "U0EVIL"); inboxbot.ErrorCode(err) != inboxbot.ENOTFOUND {
			t.Fatalf("the outsider became a member: %v", err)
		}
	})
}

func TestChecks_RepeatIsAnsweredWithoutActing(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		c := e.inbound("jane", "Hi")
		r := e.svc.Act(ctx, commands.ActionRequest{Platform: inboxbot.PlatformSlack, UserID: "U0DANA", UserName: "dana",
			ConversationID: c.ID, Action: commands.ActionClose, Checks: commands.Checks{Repeat: true}})
		if r.Outcome != commands.OK || !strings.Contains(r.Title, "Already done") {
			t.Fatalf("repeat = %+v", r)
		}
		if got, _ := e.st.Conversation(ctx, c.ID); got.Status != inboxbot.StatusOpen {
			t.Fatalf("a repeat closed the conversation: %+v", got)
		}
	})
}

func TestChecks_NoJoinKeepsStrangersOutButNotMembers(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		why := "Only people with the agent role can use /inbox."
		r := e.svc.Run(ctx, commands.Request{Platform: inboxbot.PlatformDiscord, UserID: "100000000000000999", UserName: "kim",
			Text: "list", Checks: commands.Checks{NoJoin: why}})
		if r.Outcome != commands.Rejected || r.Error != why {
			t.Fatalf("a non-agent's list = %+v", r)
		}
		if _, err := e.st.MemberByPlatform(ctx, inboxbot.PlatformDiscord, "100000000000000999"); inboxbot.ErrorCode(err) != inboxbot.ENOTFOUND {
			t.Fatalf("a person without the role became a member: %v", err)
		}
		if _, err := e.st.CreateMember(ctx, inboxbot.Member{Name: "dana", Role: inboxbot.RoleAgent, DiscordID: "100000000000000111"}); err != nil {
			t.Fatal(err)
		}
		r = e.svc.Run(ctx, commands.Request{Platform: inboxbot.PlatformDiscord, UserID: "100000000000000111", UserName: "dana",
			Text: "list", Checks: commands.Checks{NoJoin: why}})
		if r.Outcome != commands.OK {
			t.Fatalf("an existing member was refused: %+v", r)
		}
	})
}
