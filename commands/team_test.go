package commands_test

import (
	"strings"
	"testing"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/commands"
)

func TestAwayBackNotifyTeam(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.member("dana", inboxbot.RoleManager)
		c := e.inbound("jane", "hello")
		e.ok("lee", "claim 1")
		e.ok("lee", "away")
		r := e.ok("dana", "team")
		want := "dana         manager  available 0 open\nlee          agent    away      1 open"
		if r.Title != "Team: 2 members" || r.Text != want {
			t.Fatalf("team:\n%q\nwant\n%q", r.Text, want)
		}
		e.ok("lee", "back")
		if m, _ := e.st.MemberByName(ctx, "lee"); m.Away {
			t.Fatal("lee is still away")
		}
		r = e.ok("lee", "notify")
		if !strings.Contains(r.Text, "following  on   when a conversation you follow gets a new message") {
			t.Errorf("notify:\n%s", r.Text)
		}
		r = e.ok("lee", "notify reassigned off")
		if r.Text == "" || !strings.HasPrefix(r.Text, "reassigned off") {
			t.Errorf("notify reassigned off:\n%s", r.Text)
		}
		e.ok("dana", "assign 1 dana")
		if got := e.outbox(); len(got) != 0 {
			t.Fatalf("lee turned reassigned off but got %v", got)
		}
		e.ok("lee", "notify off")
		if m, _ := e.st.MemberByName(ctx, "lee"); len(m.Muted) != len(inboxbot.NotifyKinds) {
			t.Errorf("muted %v after notify off", m.Muted)
		}
		e.ok("lee", "notify on")
		if m, _ := e.st.MemberByName(ctx, "lee"); len(m.Muted) != 0 {
			t.Errorf("muted %v after notify on", m.Muted)
		}
		_ = c
	})
}

func TestEnsureAdmins(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		if _, err := e.st.EnsurePlatformMember(ctx, inboxbot.PlatformSlack, "U1", "Ann"); err != nil {
			t.Fatal(err)
		}
		before := e.snapshot()
		if err := commands.EnsureAdmins(ctx, e.st, "slack:U1, discord:100000000000000099, bogus"); inboxbot.ErrorCode(err) != inboxbot.EINVALID {
			t.Fatalf("bad entry: %v", err)
		}
		if e.snapshot() != before {
			t.Fatal("a bad list changed the store")
		}
		if err := commands.EnsureAdmins(ctx, e.st, "slack:U1, discord:100000000000000099,shell:root,"); err != nil {
			t.Fatal(err)
		}
		for _, tt := range []struct {
			platform inboxbot.Platform
			id       string
		}{{"slack", "U1"}, {"discord", "100000000000000099"}} {
			m, err := e.st.MemberByPlatform(ctx, tt.platform, tt.id)
			if err != nil || m.Role != inboxbot.RoleAdmin {
				t.Errorf("%s:%s = %+v, %v", tt.platform, tt.id, m, err)
			}
		}
		if m, _ := e.st.MemberByName(ctx, "root"); m.Role != inboxbot.RoleAdmin {
			t.Errorf("shell:root = %+v", m)
		}
		r := e.svc.Run(ctx, reqOf(inboxbot.PlatformSlack, "U1", "rules publish 1"))
		if strings.Contains(r.Error, "Only managers") {
			t.Errorf("admin refused: %s", r.Error)
		}
	})
}

func TestHelp(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		r := e.ok("dana", "")
		if !strings.Contains(r.Text, "/inbox contact assign <contact external id or e-mail> @member") {
			t.Errorf("help:\n%s", r.Text)
		}
		if r := e.ok("dana", "help view"); strings.Count(r.Text, "\n") != 2 {
			t.Errorf("help view:\n%s", r.Text)
		}
		if ms, _ := e.st.Members(ctx); len(ms) != 0 {
			t.Errorf("help created members %v", ms)
		}
	})
}

func storeInbound(contact, source string) inboxbot.Inbound {
	return inboxbot.Inbound{Kind: "message", Channel: "sms", Body: "hi",
		Contact: inboxbot.Contact{ExternalID: contact, LeadSource: source}}
}

func TestShellActor_InvalidNameIsRefusedWithoutAUsageLine(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		for _, name := range []string{"<@U1>", "a@b", "me", strings.Repeat("n", 5000)} {
			r := e.unchanged(func() commands.Response { return e.run(name, "team") })
			if r.Outcome != commands.Rejected || !strings.Contains(r.Error, "cannot be a member name") || r.Usage != "" || len(r.Error) > 200 {
				t.Errorf("as %.20q: %s %.100q usage %q; want a short rejection without the usage of team", name, r.Outcome, r.Error, r.Usage)
			}
		}
	})
}
