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
		if !strings.Contains(r.Title, "Deleted 1 shared view") || len(r.Title) > 300 {
			t.Fatalf("admin delete: %q", inboxbot.Clip(r.Title))
		}
		if vs, _ := e.st.Views(ctx, 2); len(vs) != 0 {
			t.Fatalf("views after the admin's delete: %d", len(vs))
		}
	})
}
