package commands_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/commands"
)

func applyRules(t *testing.T, e *env) {
	t.Helper()
	err := e.st.ApplyTeam(ctx, nil, []inboxbot.Rule{
		{Name: "Facebook leads", Status: inboxbot.RulePublished, Trigger: inboxbot.TriggerConversationCreated,
			When:   []inboxbot.Condition{{Field: "lead_source", Op: "eq", Value: "facebook-ad"}},
			Assign: inboxbot.Assignment{Method: inboxbot.MethodUser, Members: []string{"lee"}}},
		{Name: "Everything else", Status: inboxbot.RuleDraft, Trigger: inboxbot.TriggerConversationCreated,
			Assign: inboxbot.Assignment{Method: inboxbot.MethodRoundRobin, Members: []string{"dana", "lee"}, SkipAway: true}},
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestRules_ListShowAndPublishNeedsAManager(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.member("dana", inboxbot.RoleAgent)
		e.member("boss", inboxbot.RoleManager)
		e.member("lee", inboxbot.RoleAgent)
		applyRules(t, e)
		rs, _ := e.st.Rules(ctx)
		r := e.ok("dana", "rules")
		want := fmt.Sprintf("%d. Facebook leads [published] on conversation.created: lead_source eq facebook-ad; user lee\n"+
			"%d. Everything else [draft] on conversation.created: always; round_robin among dana, lee", rs[0].ID, rs[1].ID)
		if r.Text != want {
			t.Fatalf("rules list:\n%s\nwant:\n%s", r.Text, want)
		}
		if r := e.ok("dana", fmt.Sprintf("rules show %d", rs[1].ID)); !strings.Contains(r.Text, "Eligibility: skips away members") {
			t.Errorf("rules show:\n%s", r.Text)
		}
		e.rejected("dana", fmt.Sprintf("rules publish %d", rs[1].ID), "Only managers and admins can publish rules; you are an agent.")
		e.rejected("dana", fmt.Sprintf("rules unpublish %d", rs[0].ID), "Only managers and admins can unpublish rules")
		if r := e.ok("boss", fmt.Sprintf("rules publish #%d", rs[1].ID)); r.Ephemeral || !strings.Contains(r.Title, "to published") {
			t.Errorf("publish %+v", r)
		}
		if r := e.ok("boss", fmt.Sprintf("rules publish %d", rs[1].ID)); !strings.Contains(r.Title, "already published") {
			t.Errorf("publish again %q", r.Title)
		}
		e.ok("boss", fmt.Sprintf("rules unpublish %d", rs[0].ID))
		if got, _ := e.st.Rule(ctx, rs[0].ID); got.Status != inboxbot.RuleDraft {
			t.Errorf("status %s", got.Status)
		}
	})
}

func TestRulesTest_ExplainsWithoutEffect(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.member("dana", inboxbot.RoleAgent)
		e.member("lee", inboxbot.RoleAgent)
		c := e.inbound("jane", "hello") // no lead source: no rule matches, stays in the Team inbox
		applyRules(t, e)
		r := e.unchanged(func() commands.Response { return e.ok("dana", fmt.Sprintf("rules test %d", c.ID)) })
		if !strings.Contains(r.Text, "No published rule matches #1") || !strings.Contains(r.Text, "Nothing was changed.") {
			t.Errorf("rules test:\n%s", r.Text)
		}
		if _, err := e.st.AddInbound(ctx, storeInbound("fb", "facebook-ad"), nil); err != nil { // #2, not routed
			t.Fatal(err)
		}
		r = e.unchanged(func() commands.Response { return e.ok("dana", "rules test 2") })
		if !strings.Contains(r.Text, `"Facebook leads" would assign it to lee`) {
			t.Errorf("rules test #2:\n%s", r.Text)
		}
		e.ok("dana", "claim 2")
		r = e.unchanged(func() commands.Response { return e.ok("dana", "rules test 2") })
		if !strings.Contains(r.Text, "#2 is assigned to dana, and rules never take") || !strings.Contains(r.Text, "would assign it to lee") {
			t.Errorf("rules test of an assigned one:\n%s", r.Text)
		}
	})
}

func TestRulesTest_TheContactOwnerComesBeforeTheRules(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.member("dana", inboxbot.RoleAgent)
		e.member("lee", inboxbot.RoleAgent)
		e.member("boss", inboxbot.RoleManager)
		applyRules(t, e)
		if _, err := e.st.AddInbound(ctx, storeInbound("fb", "facebook-ad"), nil); err != nil { // #1, not routed
			t.Fatal(err)
		}
		e.ok("boss", "contact assign fb @dana")
		e.ok("boss", "unassign 1")
		r := e.unchanged(func() commands.Response { return e.ok("lee", "rules test 1") })
		rs, _ := e.st.Rules(ctx)
		want := fmt.Sprintf("Contact fb is owned by dana, so dana would get it before any rule runs.\n"+
			"Were fb not owned:\n"+
			"Rule %d \"Facebook leads\" would assign it to lee: ", rs[0].ID)
		if !strings.HasPrefix(r.Text, want) {
			t.Errorf("rules test of an owned contact's conversation:\n%s\nwant it to start:\n%s", r.Text, want)
		}
		// And that is what happens to a new conversation of that contact.
		in := storeInbound("fb", "facebook-ad")
		in.Channel = "email"
		res, err := e.st.AddInbound(ctx, in, e.svc.Route)
		if err != nil {
			t.Fatal(err)
		}
		if res.Conversation.AssigneeName != "dana" {
			t.Errorf("a new conversation of the owned contact went to %q, not the owner", res.Conversation.AssigneeName)
		}
	})
}
