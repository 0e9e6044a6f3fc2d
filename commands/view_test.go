package commands_test

import (
	"strings"
	"testing"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/commands"
)

// TestView_NamesAreBoundedAndAdminsDeleteAnySharedView: a 500,000-character
// shared view was shown to everyone and nobody but its owner could delete
// it. New names are bounded and visible; an admin deletes any shared view;
// a name saved before the bound still deletes.
func TestView_NamesAreBoundedAndAdminsDeleteAnySharedView(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.member("dana", inboxbot.RoleAgent)
		e.member("ada", inboxbot.RoleAdmin)
		e.member("lee", inboxbot.RoleManager)
		e.rejected("dana", "view save "+strings.Repeat("v", 500)+" tag:vip shared", "characters long")
		e.rejected("dana", "view save vip\u200b tag:vip shared", "invisible character")

		long := strings.Repeat("v", 5000)
		if _, err := e.st.SaveView(ctx, inboxbot.View{OwnerID: 1, Name: long, Query: "tag:vip", Shared: true}); err != nil {
			t.Fatal(err)
		}
		if r := e.run("lee", "view delete "+long); r.Outcome == commands.OK {
			t.Fatalf("a manager deleted dana's shared view: %+v", r)
		} else if len(r.Error) > 300 {
			t.Errorf("the refusal quotes the whole name: %d bytes", len(r.Error))
		}
		r := e.ok("ada", "view delete "+long)
		if !strings.Contains(r.Title, "Deleted dana's shared view vvv") || len(r.Title) > 300 {
			t.Fatalf("admin delete: %q", inboxbot.Clip(r.Title))
		}
		if vs, _ := e.st.Views(ctx, 2); len(vs) != 0 {
			t.Fatalf("views after the admin's delete: %d", len(vs))
		}
	})
}

// TestView_SharedNamesAreTheTeamsAndAnAdminDeletesOne: any agent could
// shadow a shared view by saving one of the same name ("list view:vip"
// then failed for everyone), and an admin's delete removed both.
func TestView_SharedNamesAreTheTeamsAndAnAdminDeletesOne(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.member("dana", inboxbot.RoleAgent)
		e.member("lee", inboxbot.RoleAgent)
		e.member("ada", inboxbot.RoleAdmin)
		e.ok("dana", "view save vip team tag:vip shared")
		e.rejected("lee", "view save VIP all shared", `dana already shares a view named "vip"`)
		e.rejected("lee", "view save vip mine", `dana already shares a view named "vip"`)
		if r := e.ok("lee", "list view:vip"); r.Outcome != commands.OK {
			t.Fatalf("lee's list view:vip = %+v", r)
		}
		e.ok("lee", "view save hot team tag:hot")
		r := e.ok("ada", "view delete vip")
		if r.Title != "Deleted dana's shared view vip" {
			t.Fatalf("admin delete = %q", r.Title)
		}
		e.rejected("ada", "view delete vip", `no view named "vip"`)
		if vs, _ := e.st.Views(ctx, 2); len(vs) != 1 || vs[0].Name != "hot" {
			t.Fatalf("lee's views after the admin's delete = %+v", vs)
		}
	})
}
