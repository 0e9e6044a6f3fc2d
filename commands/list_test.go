package commands_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/inboxbot/inboxbot"
)

func TestList_ScopesAndFilters(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.member("dana", inboxbot.RoleAgent)
		e.member("lee", inboxbot.RoleAgent)
		c1 := e.inbound("jane", "one")                                                                      // #1 dana
		c2 := e.inbound("joe", "two")                                                                       // #2 team
		c3 := e.inbound("ann", "three")                                                                     // #3 lee, followed by dana
		if _, err := e.st.AddInbound(ctx, inboxbot.Inbound{Kind: "message", Channel: "email", Body: "four", // #4 team, vip, email
			Contact: inboxbot.Contact{ExternalID: "vic", Tags: []string{"vip"}}}, nil); err != nil {
			t.Fatal(err)
		}
		e.ok("dana", fmt.Sprintf("claim %d", c1.ID))
		e.ok("lee", fmt.Sprintf("claim %d", c3.ID))
		e.ok("dana", fmt.Sprintf("follow %d", c3.ID))
		_ = c2
		for _, tt := range []struct{ as, text, want, title string }{
			{"dana", "list", "#1", "Your inbox: 1 open conversation"},
			{"dana", "list mine", "#1", "Your inbox: 1 open conversation"},
			{"lee", "list mine", "#3", "Your inbox: 1 open conversation"},
			{"dana", "list team", "#4 #2", "Team inbox: 2 open conversations"},
			{"dana", "list following", "#3", "Following: 1 open conversation"},
			{"dana", "list all", "#4 #3 #2 #1", "All conversations: 4 open conversations"},
			{"dana", "list @lee", "#3", "Assigned to lee: 1 open conversation"},
			{"dana", "list following @lee", "#3", "Following, assigned to lee: 1 open conversation"},
			{"dana", "list all tag:VIP", "#4", "All conversations (tag VIP): 1 open conversation"},
			{"dana", "list team channel:email", "#4", "Team inbox (channel email): 1 open conversation"},
			{"dana", "list all status:closed", "", "All conversations: 0 closed conversations"},
		} {
			r := e.ok(tt.as, tt.text)
			if got := refs(r); got != tt.want || r.Title != tt.title || !r.Ephemeral {
				t.Errorf("%s: list %q = %q %q, want %q %q", tt.as, tt.text, got, r.Title, tt.want, tt.title)
			}
		}
		r := e.ok("dana", "list team")
		if got := actions(r.Cards[0]); got != "show,claim,assign,follow,close" {
			t.Errorf("team inbox card actions = %s", got)
		}
	})
}

func TestView_SavedWordsMeanTheViewer(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.member("dana", inboxbot.RoleAgent)
		e.member("lee", inboxbot.RoleAgent)
		c1 := e.inbound("jane", "one")
		c2 := e.inbound("joe", "two")
		e.ok("dana", fmt.Sprintf("claim %d", c1.ID))
		e.ok("lee", fmt.Sprintf("claim %d", c2.ID))
		r := e.ok("dana", "view save my-open mine status:open shared")
		if r.Title != "Saved view my-open: mine status:open" {
			t.Fatalf("save %q", r.Title)
		}
		e.ok("dana", "view save leeview @lee")
		if got := refs(e.ok("dana", "list view:my-open")); got != "#1" {
			t.Errorf("dana's view for dana = %q", got)
		}
		if got := refs(e.ok("lee", "list view:my-open")); got != "#2" {
			t.Errorf("dana's shared view for lee = %q; mine should mean lee", got)
		}
		if got := refs(e.ok("dana", "list view:my-open team")); got != "" {
			t.Errorf("typed team should replace the view's mine: %q", got)
		}
		if got := refs(e.ok("dana", "list view:leeview")); got != "#2" {
			t.Errorf("leeview = %q", got)
		}
		e.rejected("lee", "list view:leeview", "no view named")
		lst := e.ok("lee", "view list")
		if !strings.Contains(lst.Text, "my-open: mine status:open (shared by dana)") {
			t.Errorf("lee's views:\n%s", lst.Text)
		}
		e.rejected("lee", "view delete my-open", "You have no view named")
		e.ok("dana", "view delete my-open")
		e.rejected("lee", "list view:my-open", "no view named")
	})
}

func TestShow_ContactAssigneeFollowersMessagesAndHistory(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.member("dana", inboxbot.RoleManager)
		e.member("lee", inboxbot.RoleAgent)
		res, err := e.st.AddInbound(ctx, inboxbot.Inbound{Kind: "form", Channel: "webchat", Body: "I want a quote",
			Contact: inboxbot.Contact{ExternalID: "c-1", Name: "Jane Doe", Email: "jane@example.com", LeadSource: "facebook-ad",
				Tags: []string{"vip", "new"}, Region: "US-CA"}}, nil)
		if err != nil {
			t.Fatal(err)
		}
		id := res.Conversation.ID
		e.ok("dana", fmt.Sprintf("claim %d", id))
		e.ok("dana", fmt.Sprintf("assign %d lee", id))
		e.ok("dana", fmt.Sprintf("follow %d", id))
		r := e.ok("lee", fmt.Sprintf("show #%d", id))
		want := `Contact: Jane Doe, jane@example.com (id c-1)
Channel: webchat   Status: open
Lead source: facebook-ad   Tags: new, vip   Region: US-CA
Assignee: lee
Followers: dana
Last messages:
  16:00 UTC Jane Doe: I want a quote
History:
  16:00 UTC Team inbox -> dana by dana via shell: claimed
  16:00 UTC dana -> lee by dana via shell: assigned by hand`
		if r.Title != "#1 Jane Doe" || r.Text != want {
			t.Fatalf("show:\n%s\n%s\nwant:\n%s", r.Title, r.Text, want)
		}
		if got := actions(r.Cards[0]); got != "show,assign,unassign,follow,close" {
			t.Errorf("lee's actions = %s", got)
		}
	})
}

func TestList_UnknownLongMemberIsQuotedShort(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.member("dana", inboxbot.RoleAgent)
		r := e.rejected("dana", "list @"+strings.Repeat("x", 5000), "No member is called @xxx")
		if len(r.Error) > 200 || !strings.Contains(r.Error, "x…") {
			t.Errorf("error of %d bytes quotes the name whole: %.80q", len(r.Error), r.Error)
		}
	})
}

func TestList_HeaderClaimsNoTotalItDoesNotKnow(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.member("dana", inboxbot.RoleAgent)
		for i := 1; i <= 25; i++ {
			e.inbound(fmt.Sprintf("c%d", i), "hello")
		}
		r := e.ok("dana", "list all")
		if len(r.Cards) != 25 || r.Title != "All conversations: 25 open conversations" || r.Text != "" {
			t.Errorf("exactly 25: %d cards, %q, %q", len(r.Cards), r.Title, r.Text)
		}
		e.inbound("c26", "hello")
		e.inbound("c27", "hello")
		r = e.ok("dana", "list all")
		if len(r.Cards) != 25 || r.Title != "All conversations: more than 25 open conversations" ||
			r.Text != "Showing the 25 most recent; narrow it with filters to see others." {
			t.Errorf("27: %d cards, %q, %q", len(r.Cards), r.Title, r.Text)
		}
		if r.Cards[0].Conversation.ID != 27 {
			t.Errorf("first card #%d, want the most recent, #27", r.Cards[0].Conversation.ID)
		}
	})
}

func TestShow_CutsLongBodiesAndDatesOtherYears(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.member("dana", inboxbot.RoleAgent)
		long := strings.Repeat("word\n", 400) // 2,000 characters over 400 lines
		for _, in := range []inboxbot.Inbound{
			{Body: "happy new year", SentAt: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)},
			{Body: "earlier this year", SentAt: time.Date(2026, 1, 1, 9, 30, 0, 0, time.UTC)},
			{Body: long},
		} {
			in.Kind, in.Channel, in.Contact = "message", "sms", inboxbot.Contact{ExternalID: "jane"}
			if _, err := e.st.AddInbound(ctx, in, nil); err != nil {
				t.Fatal(err)
			}
		}
		r := e.ok("dana", "show 1")
		want := "  Jan 1 2020 00:00 UTC jane: happy new year\n" +
			"  Jan 1 09:30 UTC jane: earlier this year\n" +
			"  16:00 UTC jane: " + strings.Repeat("word ", 99) + "word…\n"
		if !strings.Contains(r.Text, want) {
			t.Errorf("show:\n%s\nwant the messages:\n%s", r.Text, want)
		}
		// A year on, today's times carry their date and year too.
		e.svc.Now = func() time.Time { return clock().AddDate(1, 0, 0) }
		if r := e.ok("dana", "show 1"); !strings.Contains(r.Text, "  Nov 25 2026 16:00 UTC jane: word word") {
			t.Errorf("show a year later:\n%s", r.Text)
		}
	})
}

func TestView_SaveOverAViewSaysWhatItReplaced(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.member("dana", inboxbot.RoleAgent)
		e.member("lee", inboxbot.RoleAgent)
		e.ok("lee", "view save v1 tag:x") // someone else's view of that name is not replaced
		r := e.ok("dana", "view save v1 shared mine")
		if r.Title != "Saved view v1: mine" || r.Text != "Visible to the team. Use it with /inbox list view:v1" {
			t.Errorf("first save: %q\n%s", r.Title, r.Text)
		}
		r = e.ok("dana", "view save V1 team")
		want := "It was: mine, visible to the team.\nVisible to only you. Use it with /inbox list view:v1"
		if r.Title != "Replaced view v1: team" || r.Text != want {
			t.Errorf("second save: %q\n%s\nwant %q\n%s", r.Title, r.Text, "Replaced view v1: team", want)
		}
		if got := e.ok("lee", "view list").Text; got != "v1: tag:x (yours)" {
			t.Errorf("lee's views after dana's:\n%s", got)
		}
		if got := e.ok("dana", "view list").Text; got != "v1: team (yours)" {
			t.Errorf("views after replacing:\n%s", got)
		}
	})
}
