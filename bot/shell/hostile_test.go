package shell_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/bot/shell"
	"github.com/inboxbot/inboxbot/commands"
	"github.com/inboxbot/inboxbot/routing"
	"github.com/inboxbot/inboxbot/store"
	"github.com/inboxbot/inboxbot/store/storetest"
)

// TestConsole_CustomerTextCannotDriveTheTerminal: a contact named
// "\x1b[2J\x1b[HEVIL" cleared the agent's screen. Every path to the
// console (inbound echo, list, show, DMs) escapes what a terminal would
// act on; the store keeps the text as it came.
func TestConsole_CustomerTextCannotDriveTheTerminal(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		svc := commands.New(st, routing.Route)
		for _, name := range []string{"dana", "lee"} {
			if _, err := st.CreateMember(ctx, inboxbot.Member{Name: name, Role: inboxbot.RoleManager}); err != nil {
				t.Fatal(err)
			}
		}
		evil := "\x1b[2J\x1b[HEVIL\u202e\a"
		in := inboxbot.Inbound{Kind: inboxbot.InboundMessage, Channel: "sms", Subject: evil,
			Contact: inboxbot.Contact{ExternalID: "x", Name: evil, Phone: evil, Tags: []string{"t\x1b[31m"}, Custom: map[string]string{"k": evil}},
			Body:    "line one\n" + evil}
		if _, err := svc.Inbound(ctx, in); err != nil {
			t.Fatal(err)
		}
		if c, err := st.Contact(ctx, "x"); err != nil || c.Name != evil {
			t.Errorf("stored name = %q, %v; want it intact", c.Name, err)
		}
		script := "/inbox list team\n/inbox show 1\n/inbox claim 1\nas lee\n/inbox follow 1\nas dana\n/inbox assign 1 @lee\n" +
			"inbound x " + evil + " again\n" + strings.Repeat("x", shell.MaxLineBytes+10) + "\n/inbox list all\n"
		var out bytes.Buffer
		if err := shell.Run(ctx, svc, "dana", strings.NewReader(script), &out, false); err != nil {
			t.Fatalf("the session ended: %v\n%s", err, inboxbot.Clip(out.String()))
		}
		for _, bad := range []string{"\x1b", "\u202e", "\a"} {
			if strings.Contains(out.String(), bad) {
				t.Errorf("the console printed %q raw:\n%s", bad, out.String())
			}
		}
		for _, want := range []string{`\x1b[2J\x1b[HEVIL`, "[DM to lee]", "longer than 1048576 bytes and was ignored"} {
			if !strings.Contains(out.String(), want) {
				t.Errorf("the console output lacks %q:\n%s", want, out.String())
			}
		}
		if strings.Count(out.String(), "EVIL") < 3 {
			t.Errorf("the session stopped early:\n%s", out.String())
		}
	})
}
