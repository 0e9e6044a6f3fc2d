package routing

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/inboxbot/inboxbot"
)

// team is dana, lee and sam; each case changes what it needs.
func team() []inboxbot.Member {
	return []inboxbot.Member{
		{ID: 1, Name: "dana", Role: inboxbot.RoleManager},
		{ID: 2, Name: "lee"},
		{ID: 3, Name: "sam"},
	}
}

func rule(id int64, method inboxbot.Method, members ...string) inboxbot.Rule {
	return inboxbot.Rule{ID: id, Name: fmt.Sprintf("R%d", id), Status: inboxbot.RulePublished,
		Trigger: inboxbot.TriggerConversationCreated, Assign: inboxbot.Assignment{Method: method, Members: members}}
}

func input(members []inboxbot.Member, rules ...inboxbot.Rule) inboxbot.RouteInput {
	return inboxbot.RouteInput{Triggers: []inboxbot.Trigger{inboxbot.TriggerConversationCreated}, Conversation: lead(),
		Rules: rules, Members: members, Turn: map[int64]int64{}, Now: time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)}
}

func TestRoute_FirstMatchingRuleDecidesAndEarlierOnesSayWhy(t *testing.T) {
	google := rule(1, inboxbot.MethodUser, "sam")
	google.Name = "Google leads"
	google.When = []inboxbot.Condition{{Field: "lead_source", Op: "eq", Value: "google"}}
	tagged := rule(2, inboxbot.MethodUser, "sam")
	tagged.Trigger = inboxbot.TriggerContactTagged
	draft := rule(3, inboxbot.MethodUser, "sam")
	draft.Status = inboxbot.RuleDraft
	fb := rule(4, inboxbot.MethodUser, "lee")
	fb.Name = "Facebook leads"
	fb.When = []inboxbot.Condition{{Field: "lead_source", Op: "eq", Value: "facebook-ad"}, {Field: "channel", Op: "eq", Value: "sms"}}
	later := rule(5, inboxbot.MethodUser, "dana")

	d := Route(input(team(), google, tagged, draft, fb, later))
	if d.Rule == nil || d.Rule.ID != 4 || d.AssigneeID != 2 || d.AssigneeName != "lee" {
		t.Fatalf("decision = %+v, want rule 4 to lee", d)
	}
	if d.Reason != "lead_source is Facebook-Ad; channel is sms" {
		t.Fatalf("reason = %q", d.Reason)
	}
	want := []string{
		"Rule Google leads: lead_source is Facebook-Ad, not google",
		"Rule R2: trigger is contact.tagged, not conversation.created",
		"Rule R3: it is a draft",
	}
	if strings.Join(d.Skipped, "|") != strings.Join(want, "|") {
		t.Fatalf("skipped = %q, want %q", d.Skipped, want)
	}
}

func TestRoute_NoRuleMatches(t *testing.T) {
	if d := Route(input(team())); d.Rule != nil || d.Reason != "no published rule" {
		t.Fatalf("no rules: %+v", d)
	}
	r := rule(1, inboxbot.MethodUser, "sam")
	r.When = []inboxbot.Condition{{Field: "channel", Op: "eq", Value: "email"}}
	d := Route(input(team(), r))
	if d.Rule != nil || d.AssigneeID != 0 || d.Reason != "no rule matched" || len(d.Skipped) != 1 {
		t.Fatalf("decision = %+v", d)
	}
	in := input(team(), rule(2, inboxbot.MethodUser, "sam"))
	in.Triggers = nil
	if d := Route(in); d.Rule != nil || d.Skipped[0] != "Rule R2: trigger is conversation.created, not no trigger" {
		t.Fatalf("no triggers: %+v", d)
	}
}

func TestRoute_FormTriggerFiresWithCreated(t *testing.T) {
	form := rule(1, inboxbot.MethodUser, "dana")
	form.Trigger = inboxbot.TriggerFormSubmitted
	in := input(team(), form)
	in.Triggers = []inboxbot.Trigger{inboxbot.TriggerConversationCreated, inboxbot.TriggerFormSubmitted}
	if d := Route(in); d.AssigneeName != "dana" || d.Reason != "the rule assigns dana" {
		t.Fatalf("decision = %+v", d)
	}
}

func TestRoute_Methods(t *testing.T) {
	loaded := team()
	loaded[0].OpenCount, loaded[1].OpenCount, loaded[2].OpenCount = 3, 1, 1
	for _, tc := range []struct {
		name    string
		members []inboxbot.Member
		rule    inboxbot.Rule
		turn    int64
		custom  map[string]string
		want    string
		reason  string
	}{
		{"user", team(), rule(1, inboxbot.MethodUser, "Sam"), 0, nil, "sam", "the rule assigns sam"},
		{"round-robin starts at the top", team(), rule(1, inboxbot.MethodRoundRobin, "dana", "lee", "sam"), 0, nil, "dana", "round-robin among dana, lee, sam: 1 of 3"},
		{"round-robin takes the next", team(), rule(1, inboxbot.MethodRoundRobin, "dana", "lee", "sam"), 2, nil, "lee", "round-robin among dana, lee, sam: 2 of 3"},
		{"round-robin wraps", team(), rule(1, inboxbot.MethodRoundRobin, "dana", "lee", "sam"), 4, nil, "dana", "round-robin among dana, lee, sam: 1 of 3"},
		{"round-robin follows the rule's order", team(), rule(1, inboxbot.MethodRoundRobin, "sam", "dana"), 2, nil, "dana", "round-robin among sam, dana: 2 of 2"},
		{"round-robin counts turns among the members it names", team(), rule(1, inboxbot.MethodRoundRobin, "dana", "sam"), 3, nil, "dana", "1 of 2"},
		{"round-robin wraps any turn", team(), rule(1, inboxbot.MethodRoundRobin, "lee", "sam"), 99, nil, "lee", "1 of 2"},
		{"round-robin skips a name that is no member", team(), rule(1, inboxbot.MethodRoundRobin, "dana", "ghost", "sam"), 2, nil, "sam", "round-robin among dana, ghost, sam: 3 of 3, skipped ghost (not a member)"},
		{"round-robin with a newcomer", append(team(), inboxbot.Member{ID: 4, Name: "kim"}), rule(1, inboxbot.MethodRoundRobin, "dana", "lee", "sam", "kim"), 4, nil, "kim", "4 of 4"},
		{"least loaded", loaded, rule(1, inboxbot.MethodLeastLoaded, "dana", "lee", "sam"), 0, nil, "lee", "least loaded: lee has 1 open"},
		{"least loaded tie goes to the first listed", loaded, rule(1, inboxbot.MethodLeastLoaded, "dana", "sam", "lee"), 0, nil, "sam", "least loaded: sam has 1 open"},
		{"custom field", team(), withField(rule(1, inboxbot.MethodCustomField), "rep"), 0, map[string]string{"rep": "Sam"}, "sam", "custom field rep names sam"},
		{"custom field with a mention", team(), withField(rule(1, inboxbot.MethodCustomField), "rep"), 0, map[string]string{"REP": " @dana "}, "dana", "custom field rep names dana"},
		{"custom field empty", team(), withField(rule(1, inboxbot.MethodCustomField), "rep"), 0, map[string]string{}, "", "no eligible member: custom field rep is empty"},
		{"custom field names a stranger", team(), withField(rule(1, inboxbot.MethodCustomField), "rep"), 0, map[string]string{"rep": "bob"}, "", "no eligible member: custom field rep names bob, who is not a member"},
		{"user who is no member", team(), rule(1, inboxbot.MethodUser, "bob"), 0, nil, "", "no eligible member: 1 not a member"},
		{"empty member list", team(), rule(1, inboxbot.MethodRoundRobin), 0, nil, "", "no eligible member: the rule names nobody"},
		{"unknown method", team(), rule(1, "lottery", "dana"), 0, nil, "", `no eligible member: unknown method "lottery"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := input(tc.members, tc.rule)
			in.Turn[tc.rule.ID] = tc.turn
			in.Conversation.Contact.Custom = tc.custom
			d := Route(in)
			if d.Rule == nil || d.Rule.ID != tc.rule.ID {
				t.Fatalf("rule = %+v, want %d", d.Rule, tc.rule.ID)
			}
			if d.AssigneeName != tc.want || !strings.Contains(d.Reason, tc.reason) {
				t.Fatalf("decision = %q (%q), want %q (%q)", d.AssigneeName, d.Reason, tc.want, tc.reason)
			}
			if (d.AssigneeID == 0) != (tc.want == "") {
				t.Fatalf("assignee id %d for %q", d.AssigneeID, tc.want)
			}
		})
	}
}

func withField(r inboxbot.Rule, field string) inboxbot.Rule {
	r.Assign.Field = field
	return r
}

func TestRoute_EligibilitySwitches(t *testing.T) {
	// At 2026-11-25 12:00 UTC it is 07:00 in New York and 13:00 in Berlin.
	now := at(t, "UTC", "2026-11-25 12:00")
	nineToFive := map[string]string{"mon-fri": "09:00-17:00"}
	away := func(ms []inboxbot.Member, i int) []inboxbot.Member { ms[i].Away = true; return ms }
	full := func(ms []inboxbot.Member, i int) []inboxbot.Member { ms[i].Capacity, ms[i].OpenCount = 2, 2; return ms }
	asleep := func(ms []inboxbot.Member, i int) []inboxbot.Member {
		ms[i].Timezone, ms[i].Hours = "America/New_York", nineToFive
		return ms
	}
	awake := func(ms []inboxbot.Member, i int) []inboxbot.Member {
		ms[i].Timezone, ms[i].Hours = "Europe/Berlin", nineToFive
		return ms
	}
	all := inboxbot.Assignment{SkipAway: true, WorkingHours: true, RespectCapacity: true}
	for _, tc := range []struct {
		name    string
		members []inboxbot.Member
		sw      inboxbot.Assignment
		method  inboxbot.Method
		want    string
		reason  string
	}{
		{"away is skipped", away(team(), 0), all, inboxbot.MethodRoundRobin, "lee", "round-robin among dana, lee, sam: 2 of 3, skipped dana (away)"},
		{"away counts without skip_away", away(team(), 0), inboxbot.Assignment{}, inboxbot.MethodRoundRobin, "dana", "1 of 3"},
		{"off hours is skipped", asleep(team(), 0), all, inboxbot.MethodRoundRobin, "lee", "skipped dana (off hours)"},
		{"own time zone decides", awake(team(), 0), all, inboxbot.MethodRoundRobin, "dana", "1 of 3"},
		{"off hours counts without working_hours", asleep(team(), 0), inboxbot.Assignment{SkipAway: true}, inboxbot.MethodRoundRobin, "dana", "1 of 3"},
		{"at capacity is skipped", full(team(), 0), all, inboxbot.MethodRoundRobin, "lee", "skipped dana (at capacity)"},
		{"capacity is ignored without respect_capacity", full(team(), 0), inboxbot.Assignment{}, inboxbot.MethodRoundRobin, "dana", "1 of 3"},
		{"capacity 0 is unlimited", func() []inboxbot.Member { ms := team(); ms[0].OpenCount = 500; return ms }(), all, inboxbot.MethodRoundRobin, "dana", "1 of 3"},
		{"least loaded skips the away", away(team(), 0), all, inboxbot.MethodLeastLoaded, "lee", "least loaded: lee has 0 open, skipped dana (away)"},
		{"user away", away(team(), 0), all, inboxbot.MethodUser, "", "no eligible member: 1 away"},
		{"nobody eligible says why, by kind", full(away(away(team(), 0), 1), 2), all, inboxbot.MethodRoundRobin, "", "no eligible member: 2 away, 1 at capacity"},
		{"nobody eligible, least loaded", asleep(away(full(team(), 2), 1), 0), all, inboxbot.MethodLeastLoaded, "", "no eligible member: 1 away, 1 off hours, 1 at capacity"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := rule(7, tc.method, "dana", "lee", "sam")
			if tc.method == inboxbot.MethodUser {
				r.Assign.Members = []string{"dana"}
			}
			r.Assign.SkipAway, r.Assign.WorkingHours, r.Assign.RespectCapacity = tc.sw.SkipAway, tc.sw.WorkingHours, tc.sw.RespectCapacity
			in := input(tc.members, r)
			in.Now = now
			d := Route(in)
			if d.Rule == nil || d.AssigneeName != tc.want || !strings.Contains(d.Reason, tc.reason) {
				t.Fatalf("decision = %q (%q), want %q (%q)", d.AssigneeName, d.Reason, tc.want, tc.reason)
			}
		})
	}
}

func TestRoute_CustomFieldMemberMustBeEligible(t *testing.T) {
	ms := team()
	ms[2].Away = true
	r := withField(rule(1, inboxbot.MethodCustomField), "rep")
	r.Assign.SkipAway = true
	in := input(ms, r)
	in.Conversation.Contact.Custom = map[string]string{"rep": "sam"}
	if d := Route(in); d.Rule == nil || d.AssigneeID != 0 || d.Reason != "no eligible member: 1 away" {
		t.Fatalf("decision = %+v", d)
	}
}

// TestRoute_RoundRobinIsFairOverARun numbers the turns one after another,
// as the store does, and checks that counts among eligible
// members never differ by more than one, also while members come and go.
func TestRoute_RoundRobinIsFairOverARun(t *testing.T) {
	ms := team()
	r := rule(1, inboxbot.MethodRoundRobin, "dana", "lee", "sam")
	r.Assign.SkipAway = true
	in := input(ms, r)
	run := func(n int) map[string]int {
		counts := map[string]int{}
		for i := 0; i < n; i++ {
			in.Turn[r.ID]++
			d := Route(in)
			counts[d.AssigneeName]++
		}
		return counts
	}
	if c := run(100); c["dana"] != 34 || c["lee"] != 33 || c["sam"] != 33 {
		t.Fatalf("all three: %v", c)
	}
	in.Members[1].Away = true
	if c := run(100); c["lee"] != 0 || c["dana"] != 50 || c["sam"] != 50 {
		t.Fatalf("lee away: %v", c)
	}
	in.Members[1].Away = false
	in.Members = append(in.Members, inboxbot.Member{ID: 4, Name: "kim"})
	in.Rules[0].Assign.Members = append(in.Rules[0].Assign.Members, "kim")
	if c := run(100); c["dana"] != 25 || c["lee"] != 25 || c["sam"] != 25 || c["kim"] != 25 {
		t.Fatalf("kim joined: %v", c)
	}
}

func TestRoute_IsPure(t *testing.T) {
	r := rule(1, inboxbot.MethodRoundRobin, "dana", "lee", "sam")
	r.When = []inboxbot.Condition{{Field: "time", Days: []string{"wed"}, From: "08:00", To: "20:00", Timezone: "Europe/Berlin"}}
	in := input(team(), r)
	in.Now = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	first := Route(in)
	for i := 0; i < 10; i++ {
		if d := Route(in); d.AssigneeID != first.AssigneeID || d.Reason != first.Reason {
			t.Fatalf("run %d: %+v, first %+v", i, d, first)
		}
	}
	if first.Rule == &in.Rules[0] {
		t.Fatal("the decision points into the input's rules; a caller changing one changes the other")
	}
}
