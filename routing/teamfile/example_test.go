package teamfile

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/routing"
)

// TestExampleFile_RoutesAsItsCommentsSay runs the shipped example file
// through the engine, so that the example people copy does what it claims.
func TestExampleFile_RoutesAsItsCommentsSay(t *testing.T) {
	data, err := os.ReadFile("../../deploy/rules.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	entries, rules, err := ParseFile(data)
	if err != nil {
		t.Fatal(err)
	}
	members := make([]inboxbot.Member, len(entries))
	for i, e := range entries {
		members[i] = e.Member
		members[i].ID = int64(i + 1)
	}
	var published []inboxbot.Rule
	for i, r := range rules {
		r.ID = int64(i + 1)
		if r.Status == inboxbot.RulePublished {
			published = append(published, r)
		}
	}
	created := []inboxbot.Trigger{inboxbot.TriggerConversationCreated}
	for _, tc := range []struct {
		name     string
		triggers []inboxbot.Trigger
		now      string // Europe/Berlin wall clock
		contact  inboxbot.Contact
		channel  string
		rule     string
		want     string
		reason   string
	}{
		{"facebook lead in New York office hours", created, "2026-11-25 16:00",
			inboxbot.Contact{LeadSource: "facebook-ad"}, "sms", "Facebook leads to sales", "dana",
			"round-robin among dana, lee, sam: 1 of 3"},
		{"facebook lead while everyone is off", created, "2026-11-25 10:00",
			inboxbot.Contact{LeadSource: "facebook-ad"}, "webchat", "Facebook leads to sales", "",
			"no eligible member: 3 off hours"},
		{"facebook lead by e-mail matches no rule", created, "2026-11-25 16:00",
			inboxbot.Contact{LeadSource: "facebook-ad"}, "email", "", "", "no rule matched"},
		{"vip tag", []inboxbot.Trigger{inboxbot.TriggerContactTagged}, "2026-11-25 16:00",
			inboxbot.Contact{Tags: []string{"VIP"}}, "sms", "VIPs to dana", "dana", "has tag VIP"},
		{"CRM form names the owner", []inboxbot.Trigger{inboxbot.TriggerConversationCreated, inboxbot.TriggerFormSubmitted}, "2026-11-25 16:00",
			inboxbot.Contact{LeadSource: "hubspot", Custom: map[string]string{"account_owner": "@lee"}}, "webchat",
			"Account owner from the CRM", "lee", "custom field account_owner names lee"},
		{"Austria at night goes to the night shift", created, "2026-11-24 23:30",
			inboxbot.Contact{Region: "AT"}, "sms", "DACH at night", "sam", "region is AT, one of DE, AT, CH"},
		{"Austria on a Friday night is not covered", created, "2026-11-27 23:30",
			inboxbot.Contact{Region: "AT"}, "sms", "", "", "no rule matched"},
		{"US solar is balanced among who is working", created, "2026-11-25 19:00",
			inboxbot.Contact{Region: "US-CA", Custom: map[string]string{"product": "Solar panels"}}, "email",
			"US solar, balanced", "dana", "least loaded: dana has 0 open, skipped kim (off hours)"},
		{"google leads wait: that rule is a draft", created, "2026-11-25 16:00",
			inboxbot.Contact{LeadSource: "google-ads"}, "sms", "", "", "no rule matched"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := inboxbot.RouteInput{Triggers: tc.triggers, Rules: published, Members: members,
				Turn: map[int64]int64{}, Now: at(t, "Europe/Berlin", tc.now),
				Conversation: inboxbot.Conversation{ID: 1, Channel: tc.channel, Contact: tc.contact}}
			d := routing.Route(in)
			rule := ""
			if d.Rule != nil {
				rule = d.Rule.Name
			}
			if rule != tc.rule || d.AssigneeName != tc.want || !strings.Contains(d.Reason, tc.reason) {
				t.Fatalf("rule %q to %q (%s); want rule %q to %q (%s)\nskipped: %q", rule, d.AssigneeName, d.Reason, tc.rule, tc.want, tc.reason, d.Skipped)
			}
		})
	}
}

// at is a fixed instant written as wall-clock time in zone, in UTC.
func at(t testing.TB, zone, clock string) time.Time {
	t.Helper()
	loc, err := time.LoadLocation(zone)
	if err != nil {
		t.Fatal(err)
	}
	tm, err := time.ParseInLocation("2006-01-02 15:04", clock, loc)
	if err != nil {
		t.Fatal(err)
	}
	return tm.UTC()
}
