package shell_test

import (
	"bytes"
	"context"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/bot/shell"
	"github.com/inboxbot/inboxbot/commands"
	"github.com/inboxbot/inboxbot/routing"
	"github.com/inboxbot/inboxbot/store"
	"github.com/inboxbot/inboxbot/store/storetest"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

var ctx = context.Background()

func clock() time.Time { return time.Date(2026, 11, 25, 16, 0, 0, 0, time.UTC) }

// session is the walk-through of issue 3: inbound, Team inbox, claim, a
// refused second claim, reassignment with DMs to both, follow, a follower
// DM, unassign, and back in the Team inbox.
const session = `# a customer writes; nobody has it yet
inbound jane source:facebook-ad tag:vip Hi, I need a quote for 20 chairs
/inbox list team
/inbox claim 1
as lee
/inbox claim #1
/inbox list
as sam
/inbox assign 1 @lee
as dana
/inbox follow 1
inbound jane Are you still there?
as lee
/inbox show 1
as sam
/inbox unassign 1
as dana
/inbox list team
/inbox team
quit
`

func TestSession_Golden(t *testing.T) {
	goldenSession(t, "session.golden", session, func(t *testing.T, st *store.Store, _ *commands.Service) {
		// sam is a manager, so that sam may reassign dana's conversation.
		if _, err := st.CreateMember(ctx, inboxbot.Member{Name: "sam", Role: inboxbot.RoleManager}); err != nil {
			t.Fatal(err)
		}
	})
}

// goldenSession runs script in a console as dana, on a fresh store of each
// database prepared by setup, and compares what it printed with the
// golden file name.
func goldenSession(t *testing.T, name, script string, setup func(t *testing.T, st *store.Store, svc *commands.Service)) {
	t.Helper()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		st.Now = clock
		svc := commands.New(st, routing.Route)
		svc.Now = clock
		setup(t, st, svc)
		var out bytes.Buffer
		c := &shell.Console{Service: svc, As: "dana", In: strings.NewReader(script), Out: &out, Echo: true, Owner: "test"}
		if err := c.Run(ctx); err != nil {
			t.Fatal(err)
		}
		golden(t, name, out.String())
	})
}

func TestRun_ScriptedHasNoPromptsAndStopsAtEOF(t *testing.T) {
	st := storetest.Open(t, "sqlite")
	svc := commands.New(st, routing.Route)
	var out bytes.Buffer
	in := "inbound jo hello\n/inbox claim 1\n/inbox claim x\nbogus\n\n"
	if err := shell.Run(ctx, svc, "dana", strings.NewReader(in), &out, false); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for _, s := range []string{"dana>", "inboxbot shell:"} {
		if strings.Contains(got, s) {
			t.Errorf("scripted output has prompt noise %q:\n%s", s, got)
		}
	}
	for _, s := range []string{"#1 opened by jo (sms)", "dana claimed #1", `! "x" is not a conversation id`, "  usage: /inbox claim <id>", `! Unknown input "bogus"`} {
		if !strings.Contains(got, s) {
			t.Errorf("output lacks %q:\n%s", s, got)
		}
	}
}

func TestRun_InteractivePromptsAndQuits(t *testing.T) {
	st := storetest.Open(t, "sqlite")
	var out bytes.Buffer
	if err := shell.Run(ctx, commands.New(st, routing.Route), "dana", strings.NewReader("as lee\nexit\n/inbox away\n"), &out, true); err != nil {
		t.Fatal(err)
	}
	want := "inboxbot shell: you are dana. Type help for help, quit to leave.\ndana> You are now lee.\nlee> "
	if out.String() != want {
		t.Fatalf("output %q, want %q", out.String(), want)
	}
	if _, err := st.MemberByName(ctx, "lee"); inboxbot.ErrorCode(err) != inboxbot.ENOTFOUND {
		t.Fatalf("a line after exit ran: %v", err)
	}
}

func TestRun_AsRefusesAnInvalidNameAndSaysWhy(t *testing.T) {
	st := storetest.Open(t, "sqlite")
	long := strings.Repeat("n", 5000)
	in := "as a@b\nas <@U1>\nas two words\nas " + long + "\nas None\n/inbox team\n"
	var out bytes.Buffer
	if err := shell.Run(ctx, commands.New(st, routing.Route), "dana", strings.NewReader(in), &out, false); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for _, why := range []string{`"a@b" cannot be a member name (it contains @)`, `"<@U1>" cannot be a member name (it contains <)`,
		`"two words" cannot be a member name (it is more than one word)`,
		`"` + strings.Repeat("n", 39) + `…" cannot be a member name (it is 5000 characters long)`,
		`"None" cannot be a member name (none is reserved)`} {
		if !strings.Contains(got, "! "+why+": a name is one word without @, <, > or commas, at most 64 characters, and not me or none.\n  You are still dana.\n") {
			t.Errorf("output does not say %s:\n%.2000s", why, got)
		}
	}
	if strings.Contains(got, "You are now") || !strings.Contains(got, "Team: 1 member") || len(got) > 2000 {
		t.Errorf("an invalid name was taken, or echoed whole:\n%.2000s", got)
	}
}

func TestRun_InvalidStartingNameIsAnInvalidError(t *testing.T) {
	st := storetest.Open(t, "sqlite")
	for _, name := range []string{"<@U1>", "a b", "me", strings.Repeat("n", 65)} {
		var out bytes.Buffer
		err := shell.Run(ctx, commands.New(st, routing.Route), name, strings.NewReader("/inbox team\n"), &out, false)
		if inboxbot.ErrorCode(err) != inboxbot.EINVALID || !strings.Contains(err.Error(), "cannot be a member name") {
			t.Errorf("Run as %.20q: %v, want an EINVALID error saying why", name, err)
		}
		if out.Len() > 0 {
			t.Errorf("Run as %.20q wrote %q", name, out.String())
		}
	}
	if ms, err := st.Members(ctx); err != nil || len(ms) != 0 {
		t.Errorf("members %v, %v; want none created", ms, err)
	}
	// 64 characters is still a name.
	if err := shell.Run(ctx, commands.New(st, routing.Route), strings.Repeat("n", 64), strings.NewReader("/inbox away\n"), io.Discard, false); err != nil {
		t.Errorf("Run with a 64-character name: %v", err)
	}
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to write it)", err)
	}
	if got != string(want) {
		t.Fatalf("output differs from %s (go test -update rewrites it):\n%s", path, got)
	}
}
