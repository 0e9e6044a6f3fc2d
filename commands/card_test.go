package commands_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/commands"
)

func TestCardActions_DependOnTheConversationsStateOnly(t *testing.T) {
	open := inboxbot.Conversation{ID: 1, Status: inboxbot.StatusOpen}
	assigned := open
	assigned.AssigneeID, assigned.AssigneeName = 7, "dana"
	followed := assigned
	followed.Followers = []inboxbot.Member{{ID: 8, Name: "lee"}}
	closed := assigned
	closed.Status = inboxbot.StatusClosed
	for _, tt := range []struct {
		name    string
		conv    inboxbot.Conversation
		replies bool
		want    string
	}{
		{"open unassigned", open, true, "show,claim,assign,follow,unfollow,reply,close"},
		{"open unassigned, replies off", open, false, "show,claim,assign,follow,unfollow,close"},
		{"open assigned", assigned, true, "show,assign,unassign,follow,unfollow,reply,close"},
		{"open assigned, replies off", assigned, false, "show,assign,unassign,follow,unfollow,close"},
		{"followers change nothing", followed, true, "show,assign,unassign,follow,unfollow,reply,close"},
		{"closed", closed, true, "show,reopen"},
		{"closed, replies off", closed, false, "show,reopen"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := actions(commands.Card{Actions: commands.CardActions(tt.conv, tt.replies)}); got != tt.want {
				t.Errorf("CardActions = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestHolderAndSummaries_SayWhoHasIt(t *testing.T) {
	c := inboxbot.Conversation{ID: 12, Channel: "sms", Status: inboxbot.StatusOpen, Contact: inboxbot.Contact{Name: "Jane Doe"}}
	if commands.Holder(c) != "Team inbox" || commands.Headline(c) != "#12 Jane Doe (sms): Team inbox" ||
		commands.Summary(c) != "#12 Jane Doe (sms, open): in the Team inbox" {
		t.Errorf("unassigned: %q, %q, %q", commands.Holder(c), commands.Headline(c), commands.Summary(c))
	}
	c.AssigneeID, c.AssigneeName = 3, "dana"
	if commands.Holder(c) != "dana" || commands.Headline(c) != "#12 Jane Doe (sms): dana" ||
		commands.Summary(c) != "#12 Jane Doe (sms, open): assigned to dana" {
		t.Errorf("assigned: %q, %q, %q", commands.Holder(c), commands.Headline(c), commands.Summary(c))
	}
}

func TestLabel_NamesEveryCommandWord(t *testing.T) {
	for in, want := range map[string]string{
		"claim": "claim", "close": "close", "reopen": "reopen", "reply": "reply", "note": "note", "help": "help",
		"contact assign": "contact assign", "rules test": "rules test", "view": "view",
		"": "unknown", "drop table": "other", "claims": "other",
	} {
		if got := commands.Label(in); got != want {
			t.Errorf("Label(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCount_HearsOfEveryCommandAndButtonOnce(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		var got []string
		e.svc.Count = func(command string, outcome commands.Outcome) {
			got = append(got, command+":"+string(outcome))
		}
		e.member("dana", inboxbot.RoleAgent)
		c := e.inbound("jane", "hello")
		e.run("dana", fmt.Sprintf("claim %d", c.ID))
		e.run("dana", "frobnicate")
		e.svc.Act(ctx, commands.ActionRequest{Platform: inboxbot.PlatformShell, UserID: "dana", ConversationID: c.ID, Action: commands.ActionClose})
		e.svc.Act(ctx, commands.ActionRequest{Platform: inboxbot.PlatformShell, UserID: "dana", ConversationID: c.ID, Action: commands.ActionReopen})
		e.svc.Note(ctx, reqOf(inboxbot.PlatformShell, "dana", ""), c.ID, "called her back")
		want := "claim:ok,:rejected,close:ok,reopen:ok,note:ok"
		if strings.Join(got, ",") != want {
			t.Errorf("counted %v, want %s", got, want)
		}
	})
}
