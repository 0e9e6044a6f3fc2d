package commands_test

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/inboxbot/inboxbot"
)

func TestAssign_AgentMayAssignUnassignedOrOwn(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.member("dana", inboxbot.RoleAgent)
		e.member("lee", inboxbot.RoleAgent)
		c := e.inbound("jane", "hello")
		r := e.ok("dana", fmt.Sprintf("assign %d @lee", c.ID))
		if r.Title != "dana assigned #1 to lee" || r.Ephemeral {
			t.Fatalf("assign response %+v", r)
		}
		if got := e.outbox(); !reflect.DeepEqual(got, []string{"lee:assigned"}) {
			t.Fatalf("outbox %v", got)
		}
		// lee holds it now: lee may pass it on, dana may not take it back.
		e.rejected("dana", fmt.Sprintf("assign %d dana", c.ID), "#1 is assigned to lee. Only managers and admins can reassign someone else's conversation; you are an agent.")
		e.ok("lee", fmt.Sprintf("assign %d dana", c.ID))
		if got := e.conv(c.ID).AssigneeName; got != "dana" {
			t.Fatalf("assignee = %s", got)
		}
		if r := e.ok("dana", fmt.Sprintf("assign %d @dana", c.ID)); !strings.Contains(r.Title, "already assigned to dana") {
			t.Errorf("assigning to the holder: %q", r.Title)
		}
	})
}

func TestAssign_ManagerReassignsAndBothAreNotified(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.member("boss", inboxbot.RoleManager)
		e.member("dana", inboxbot.RoleAgent)
		e.member("lee", inboxbot.RoleAgent)
		c := e.inbound("jane", "hello")
		e.ok("dana", fmt.Sprintf("claim %d", c.ID))
		r := e.ok("boss", fmt.Sprintf("assign #%d lee", c.ID))
		if r.Title != "boss reassigned #1 from dana to lee" {
			t.Fatalf("title %q", r.Title)
		}
		if got := e.outbox(); !reflect.DeepEqual(got, []string{"lee:assigned", "dana:reassigned"}) {
			t.Fatalf("outbox %v", got)
		}
	})
}

func TestAssign_ByMentionOnTheAskersPlatform(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		if _, err := e.st.CreateMember(ctx, inboxbot.Member{Name: "lee", SlackID: "U0LEE", DiscordID: "100000000000000077"}); err != nil {
			t.Fatal(err)
		}
		c := e.inbound("jane", "hello")
		for _, tt := range []struct {
			platform      inboxbot.Platform
			user, mention string
		}{
			{inboxbot.PlatformSlack, "U0DANA", "<@U0LEE>"},
			{inboxbot.PlatformSlack, "U0DANA", "<@U0LEE|lee>"},
			{inboxbot.PlatformDiscord, "100000000000000055", "<@!100000000000000077>"},
			{inboxbot.PlatformDiscord, "100000000000000055", "<@100000000000000077>"},
		} {
			e.st.Assign(ctx, storeUnassign(c.ID))
			r := e.svc.Run(ctx, reqOf(tt.platform, tt.user, fmt.Sprintf("assign %d %s", c.ID, tt.mention)))
			if r.Outcome != "ok" || e.conv(c.ID).AssigneeName != "lee" {
				t.Fatalf("%s %s: %+v", tt.platform, tt.mention, r)
			}
		}
	})
}

func TestUnassign_BackToTheTeamInbox(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.member("dana", inboxbot.RoleAgent)
		e.member("lee", inboxbot.RoleAgent)
		e.member("boss", inboxbot.RoleAdmin)
		c := e.inbound("jane", "hello")
		e.ok("dana", fmt.Sprintf("claim %d", c.ID))
		e.rejected("lee", fmt.Sprintf("unassign %d", c.ID), "Only managers and admins can unassign someone else's conversation; you are an agent.")
		r := e.ok("dana", fmt.Sprintf("unassign %d", c.ID))
		if r.Title != "dana put #1 back in the Team inbox" {
			t.Errorf("title %q", r.Title)
		}
		if got := refs(e.ok("lee", "list team")); got != "#1" {
			t.Fatalf("team inbox = %q", got)
		}
		if r := e.ok("lee", fmt.Sprintf("unassign %d", c.ID)); !strings.Contains(r.Title, "already in the Team inbox") {
			t.Errorf("unassigning an unassigned one: %q", r.Title)
		}
		e.ok("lee", fmt.Sprintf("claim %d", c.ID))
		e.ok("boss", fmt.Sprintf("unassign %d", c.ID))
		if got := e.outbox(); !reflect.DeepEqual(got, []string{"lee:reassigned"}) {
			t.Fatalf("outbox %v", got)
		}
	})
}

func TestContactAssign_NeedsAManagerAndMovesOpenConversations(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.member("dana", inboxbot.RoleAgent)
		e.member("boss", inboxbot.RoleManager)
		e.member("lee", inboxbot.RoleAgent)
		c := e.inbound("jane", "hello")
		e.rejected("dana", "contact assign jane @lee", "Only managers and admins can assign contacts; you are an agent.")
		r := e.ok("boss", "contact assign jane@example.com @lee")
		if r.Title != "boss made lee the owner of contact jane" || refs(r) != c.Ref() {
			t.Fatalf("response %+v", r)
		}
		if got := e.conv(c.ID); got.AssigneeName != "lee" || got.Contact.OwnerName != "lee" {
			t.Fatalf("conversation %+v", got)
		}
	})
}

func TestFollow_ThenFollowerIsNotifiedOfNewMessages(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.member("dana", inboxbot.RoleAgent)
		c := e.inbound("jane", "hello")
		r := e.ok("dana", fmt.Sprintf("follow %d", c.ID))
		if !r.Ephemeral || !strings.Contains(r.Title, "You now follow #1") || actions(r.Cards[0]) != "show,claim,assign,unfollow,close" {
			t.Fatalf("follow %+v", r)
		}
		if r := e.ok("dana", fmt.Sprintf("follow %d", c.ID)); !strings.Contains(r.Title, "already follow") {
			t.Errorf("second follow %q", r.Title)
		}
		e.inbound("jane", "still there?")
		if got := e.outbox(); !reflect.DeepEqual(got, []string{"dana:following"}) {
			t.Fatalf("outbox %v", got)
		}
		e.ok("dana", fmt.Sprintf("unfollow %d", c.ID))
		if r := e.ok("dana", fmt.Sprintf("unfollow %d", c.ID)); !strings.Contains(r.Title, "were not following") {
			t.Errorf("second unfollow %q", r.Title)
		}
		if got := e.conv(c.ID).Followers; len(got) != 0 {
			t.Fatalf("followers %v", got)
		}
	})
}
