package commands_test

import (
	"os"
	"strings"
	"testing"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/commands"
)

// docsSLAFile is the example of docs/rules.md "Service levels".
func docsSLAFile(t *testing.T) []byte {
	t.Helper()
	data, err := os.ReadFile("../docs/rules.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, _ := strings.Cut(string(data), "## Service levels")
	_, rest, _ = strings.Cut(rest, "```yaml\n")
	block, _, ok := strings.Cut(rest, "```")
	if !ok {
		t.Fatal("no yaml block in docs/rules.md Service levels")
	}
	return []byte(block)
}

func TestSLA_DocsExampleAppliesListsAndTests(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		summary, err := commands.ApplyRulesFile(ctx, e.st, docsSLAFile(t))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasSuffix(summary, " Service levels: 2 policies.") {
			t.Fatalf("summary = %q", summary)
		}
		r := e.ok("dana", "rules sla")
		if !strings.Contains(r.Text, "1. VIP answers: when tag eq vip") || !strings.Contains(r.Text, "2. Everyone: every conversation; first response 1h (always hours)") {
			t.Fatalf("rules sla:\n%s", r.Text)
		}
		conv := e.inbound("ann", "hello")
		r = e.ok("dana", "rules test "+strings.TrimPrefix(conv.Ref(), "#"))
		if !strings.Contains(r.Text, `Service level "Everyone" applies`) || !strings.Contains(r.Text, "Due: first response in 1h0m0s") {
			t.Fatalf("rules test:\n%s", r.Text)
		}
		if r := e.ok("dana", "list all sla:due"); len(r.Cards) != 1 {
			t.Fatalf("list all sla:due = %d cards", len(r.Cards))
		}
		if r := e.ok("dana", "list all sla:breached"); len(r.Cards) != 0 {
			t.Fatalf("list all sla:breached = %d cards", len(r.Cards))
		}
		e.rejected("dana", "list sla:late", `sla must be due or breached (got "late")`)
		out, err := commands.ExportRulesFile(ctx, e.st)
		if err != nil || !strings.Contains(string(out), "sla:\n") {
			t.Fatalf("export: %v\n%s", err, out)
		}
		// A file without sla removes the policies.
		if _, err := commands.ApplyRulesFile(ctx, e.st, []byte("members: [{name: dana}]\n")); err != nil {
			t.Fatal(err)
		}
		if r := e.ok("dana", "rules sla"); r.Title != "Service levels: none" {
			t.Fatalf("after removal: %s", r.Title)
		}
		if got := e.conv(conv.ID).SLA; got.Policy != "" {
			t.Fatalf("a removed policy still shows: %+v", got)
		}
		_ = inboxbot.SLADue
	})
}
