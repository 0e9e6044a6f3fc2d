package teamfile

import (
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/inboxbot/inboxbot"
)

// docsSLAExample is the YAML block of docs/rules.md "Service levels".
func docsSLAExample(t *testing.T) []byte {
	t.Helper()
	data, err := os.ReadFile("../../docs/rules.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(data), "## Service levels")
	if !ok {
		t.Fatal("docs/rules.md has no Service levels section")
	}
	_, rest, _ = strings.Cut(rest, "```yaml\n")
	block, _, ok := strings.Cut(rest, "```")
	if !ok {
		t.Fatal("no yaml block in the Service levels section")
	}
	return []byte(block)
}

func TestParse_DocsSLAExample(t *testing.T) {
	f, err := Parse(docsSLAExample(t))
	if err != nil {
		t.Fatal(err)
	}
	want := []inboxbot.Policy{{
		Name: "VIP answers", When: []inboxbot.Condition{{Field: "tag", Op: "eq", Value: "vip"}},
		FirstResponse: 15 * time.Minute, NextResponse: time.Hour, Resolution: 8 * time.Hour,
		Hours: "business", WarnBefore: 5 * time.Minute,
		Escalate: []inboxbot.Escalation{
			{After: 0, Notify: []string{"assignee", "followers"}},
			{After: 10 * time.Minute, Notify: []string{"managers"}, Post: "inbox"},
			{After: 30 * time.Minute, Reassign: "team"},
		},
	}, {Name: "Everyone", FirstResponse: time.Hour, Hours: "always"}}
	if !reflect.DeepEqual(f.SLA, want) {
		t.Fatalf("policies\n%+v\nwant\n%+v", f.SLA, want)
	}
	// Export writes what Parse reads back.
	out, err := ExportFile(nil, nil, f.SLA...)
	if err != nil {
		t.Fatal(err)
	}
	again, err := Parse(out)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if !reflect.DeepEqual(again.SLA, want) {
		t.Fatalf("round trip\n%+v\nwant\n%+v\n%s", again.SLA, want, out)
	}
}

func TestParse_NoSLARemovesPolicies(t *testing.T) {
	f, err := Parse([]byte("members: [{name: dana}]\n"))
	if err != nil {
		t.Fatal(err)
	}
	if f.SLA == nil || len(f.SLA) != 0 {
		t.Fatalf("SLA = %#v, want an empty set", f.SLA)
	}
}

func TestParse_SLAErrorsNameEntryAndKey(t *testing.T) {
	for _, tc := range []struct{ yaml, want string }{
		{`sla: [{name: A, first_response: 10s}]`, `sla[0] "A" first_response: 10s is out of range (want 30s to 8760h)`},
		{`sla: [{name: A, first_response: soon}]`, `sla[0] "A" first_response: "soon" is not a duration`},
		{`sla: [{name: A}]`, `sla[0] "A": needs at least one target`},
		{`sla: [{first_response: 1m}]`, `sla[0].name: is required`},
		{`sla: [{name: A, first_response: 1m}, {name: a, first_response: 1m}]`, `sla[1] "a" name: policy "a" appears twice`},
		{`sla: [{name: A, first_response: 1m, hours: nights}]`, `sla[0] "A" hours: unknown value "nights" (want business, always)`},
		{`sla: [{name: A, first_response: 1m, warn_before: -1m}]`, `sla[0] "A" warn_before: -1m is out of range`},
		{`sla: [{name: A, first_response: 1m, escalate: [{notify: [boss]}]}]`, `sla[0] "A" escalate[0].notify[0]: unknown value "boss" (want assignee, followers, managers)`},
		{`sla: [{name: A, first_response: 1m, escalate: [{after: 1m}]}]`, `sla[0] "A" escalate[0]: does nothing`},
		{`sla: [{name: A, first_response: 1m, escalate: [{after: 1m, reassign: home}]}]`, `escalate[0].reassign: unknown value "home" (want team, next)`},
		{`sla: [{name: A, first_response: 1m, escalate: [{after: 1m, post: dm}]}]`, `escalate[0].post: unknown value "dm" (want inbox)`},
		{`sla: [{name: A, first_response: 1m, when: [{field: colour, value: x}]}]`, `sla[0] "A" when[0].field: unknown field "colour"`},
		{`sla: [{name: A, first_response: 1m, speed: 2}]`, `sla[0] "A": unknown key "speed"`},
	} {
		_, err := Parse([]byte(tc.yaml))
		if err == nil || !strings.Contains(inboxbot.ErrorMessage(err), tc.want) {
			t.Errorf("%s: got %v, want %q", tc.yaml, err, tc.want)
		}
	}
}
