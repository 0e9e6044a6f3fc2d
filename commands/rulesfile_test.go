package commands_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/commands"
	"github.com/inboxbot/inboxbot/store"
	"github.com/inboxbot/inboxbot/store/storetest"
)

func TestApplyRulesFile_ExampleAppliesAndExportRoundTrips(t *testing.T) {
	data, err := os.ReadFile("../deploy/rules.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		bg := context.Background()
		summary, err := commands.ApplyRulesFile(bg, s, data)
		if err != nil {
			t.Fatal(err)
		}
		if summary != "Applied 4 members (4 new, 0 updated, 0 unchanged) and 6 rules (5 published, 1 draft)." {
			t.Fatalf("summary = %q", summary)
		}
		dana, err := s.MemberByName(bg, "dana")
		if err != nil || dana.Role != inboxbot.RoleManager || dana.Hours["sat"] != "10:00-14:00" || dana.Capacity != 20 {
			t.Fatalf("dana = %+v, %v", dana, err)
		}
		rules, _ := s.Rules(bg)
		if len(rules) != 6 || rules[2].Name != "Facebook leads to sales" || rules[2].Assign.Method != inboxbot.MethodRoundRobin {
			t.Fatalf("rules = %+v", rules)
		}
		out, err := commands.ExportRulesFile(bg, s)
		if err != nil {
			t.Fatal(err)
		}
		summary, err = commands.ApplyRulesFile(bg, s, out)
		if err != nil {
			t.Fatalf("the export does not apply: %v\n%s", err, out)
		}
		if summary != "Applied 4 members (0 new, 0 updated, 4 unchanged) and 6 rules (5 published, 1 draft)." {
			t.Fatalf("re-apply summary = %q", summary)
		}
		again, _ := commands.ExportRulesFile(bg, s)
		if string(again) != string(out) {
			t.Fatalf("applying the export changed the store:\n%s\nthen\n%s", out, again)
		}
		after, _ := s.Rules(bg)
		for i := range rules {
			if after[i].ID != rules[i].ID {
				t.Fatalf("rule %q changed id %d -> %d; its round-robin position would be lost", rules[i].Name, rules[i].ID, after[i].ID)
			}
		}
	})
}

func TestApplyRulesFile_AnyErrorChangesNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		bg := context.Background()
		_, err := commands.ApplyRulesFile(bg, s, []byte(`members:
  - name: dana
  - name: lee
    timezone: Mars/Olympus
rules:
  - name: Facebook leads
    trigger: conversation.created
    assign: {method: roundrobin, members: [dana, bob]}
`))
		if inboxbot.ErrorCode(err) != inboxbot.EINVALID {
			t.Fatalf("err = %v", err)
		}
		msg := inboxbot.ErrorMessage(err)
		for _, want := range []string{
			`line 4: members[1] "lee" timezone: unknown time zone "Mars/Olympus"`,
			`line 8: rules[0] "Facebook leads" assign.method: unknown method "roundrobin" (want user, round_robin, custom_field, least_loaded)`,
			`line 8: rules[0] "Facebook leads" assign.members[1]: unknown member "bob"`,
		} {
			if !strings.Contains(msg, want) {
				t.Errorf("error does not say %q:\n%s", want, msg)
			}
		}
		ms, _ := s.Members(bg)
		rs, _ := s.Rules(bg)
		if len(ms) != 0 || len(rs) != 0 {
			t.Fatalf("a refused file left members %v and rules %v", ms, rs)
		}
	})
}

func TestApplyRulesFile_ExistingMembersAndLinks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		bg := context.Background()
		// zoe came in through Slack and is not in the file; dana is in the
		// file without her Slack id, which she got by using the bot.
		if _, err := s.CreateMember(bg, inboxbot.Member{Name: "zoe", SlackID: "U0ZOE"}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreateMember(bg, inboxbot.Member{Name: "dana", SlackID: "U0DANA"}); err != nil {
			t.Fatal(err)
		}
		first := `members:
  - name: dana
    role: manager
rules:
  - {name: Old, status: published, trigger: conversation.created, assign: {method: user, members: [zoe]}}
  - {name: Keep, status: draft, trigger: form.submitted, assign: {method: least_loaded, members: [Zoe, dana]}}
`
		summary, err := commands.ApplyRulesFile(bg, s, []byte(first))
		if err != nil {
			t.Fatal(err)
		}
		if summary != "Applied 1 member (0 new, 1 updated, 0 unchanged) and 2 rules (1 published, 1 draft)." {
			t.Fatalf("summary = %q", summary)
		}
		dana, _ := s.MemberByName(bg, "dana")
		if dana.SlackID != "U0DANA" || dana.Role != inboxbot.RoleManager {
			t.Fatalf("dana = %+v; the file must keep her Slack link", dana)
		}
		summary, err = commands.ApplyRulesFile(bg, s, []byte("rules:\n  - {name: Keep, trigger: form.submitted, assign: {method: user, members: [zoe]}}\n"))
		if err != nil || summary != "Applied 0 members (0 new, 0 updated, 0 unchanged) and 1 rule (0 published, 1 draft); removed 1 rule: Old." {
			t.Fatalf("summary = %q, %v", summary, err)
		}
		summary, err = commands.ApplyRulesFile(bg, s, []byte("members: [{name: kim}]\n"))
		if err != nil || summary != "Applied 1 member (1 new, 0 updated, 0 unchanged); rules left as they were (the file has no rules)." {
			t.Fatalf("summary = %q, %v", summary, err)
		}
		if rs, _ := s.Rules(bg); len(rs) != 1 || rs[0].Name != "Keep" {
			t.Fatalf("rules = %+v", rs)
		}
	})
}

// TestApplyRulesFile_KeysLeftOutKeepTheMembersValues: an entry that names a
// member and one field changes that field only; a key written with a value
// sets it, also to nothing.
func TestApplyRulesFile_KeysLeftOutKeepTheMembersValues(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		bg := context.Background()
		if _, err := commands.ApplyRulesFile(bg, s, []byte(`members:
  - name: dana
    role: manager
    slack: U0DANA
    timezone: America/New_York
    hours: {mon-fri: "09:00-17:00"}
    regions: [US-NY]
    capacity: 20
  - {name: kim, capacity: 5, hours: {mon: "09:00-17:00"}}
`)); err != nil {
			t.Fatal(err)
		}
		// INBOXBOT_ADMINS made kim an admin at start.
		kim, _ := s.MemberByName(bg, "kim")
		if err := s.SetRole(bg, kim.ID, inboxbot.RoleAdmin); err != nil {
			t.Fatal(err)
		}
		summary, err := commands.ApplyRulesFile(bg, s, []byte(`members:
  - {name: dana, discord: "100000000000000001"}
  - {name: kim, capacity: 0, hours: {}, role: ~}
  - {name: new}
`))
		if err != nil {
			t.Fatal(err)
		}
		if summary != "Applied 3 members (1 new, 2 updated, 0 unchanged); rules left as they were (the file has no rules)." {
			t.Fatalf("summary = %q", summary)
		}
		dana, _ := s.MemberByName(bg, "dana")
		if dana.Role != inboxbot.RoleManager || dana.SlackID != "U0DANA" || dana.DiscordID != "100000000000000001" ||
			dana.Timezone != "America/New_York" || dana.Hours["mon-fri"] != "09:00-17:00" || len(dana.Regions) != 1 || dana.Capacity != 20 {
			t.Fatalf("dana = %+v; the entry named only her Discord id", dana)
		}
		kim, _ = s.MemberByName(bg, "kim")
		if kim.Role != inboxbot.RoleAdmin || kim.Capacity != 0 || len(kim.Hours) != 0 {
			t.Fatalf("kim = %+v; want still admin, capacity 0 and no hours", kim)
		}
		fresh, _ := s.MemberByName(bg, "new")
		if fresh.Role != inboxbot.RoleAgent || fresh.Timezone != "" || fresh.Capacity != 0 || len(fresh.Hours) != 0 {
			t.Fatalf("new = %+v; want the defaults", fresh)
		}
	})
}

// TestApplyRulesFile_NullRulesLeaveTheRules: "rules:" with every entry
// commented out is null, not an empty list.
func TestApplyRulesFile_NullRulesLeaveTheRules(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		bg := context.Background()
		if _, err := commands.ApplyRulesFile(bg, s, []byte("members: [{name: dana}]\nrules:\n  - {name: Keep, trigger: form.submitted, assign: {method: user, members: [dana]}}\n")); err != nil {
			t.Fatal(err)
		}
		summary, err := commands.ApplyRulesFile(bg, s, []byte("members: [{name: dana}]\nrules:\n  # - {name: Keep, trigger: form.submitted, assign: {method: user, members: [dana]}}\n"))
		if err != nil || !strings.HasSuffix(summary, "rules left as they were (the file has no rules).") {
			t.Fatalf("summary = %q, %v", summary, err)
		}
		if rs, _ := s.Rules(bg); len(rs) != 1 {
			t.Fatalf("rules = %+v; a null rules key deleted them", rs)
		}
	})
}

// TestApplyRulesFile_LinkTakenByAnotherMemberNamesTheEntry: the store's own
// refusal does not say which entry; the plan does, and nothing changes.
func TestApplyRulesFile_LinkTakenByAnotherMemberNamesTheEntry(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		bg := context.Background()
		if _, err := s.CreateMember(bg, inboxbot.Member{Name: "lee", SlackID: "U0LEE", DiscordID: "100000000000000002"}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreateMember(bg, inboxbot.Member{Name: "dana", Capacity: 3}); err != nil {
			t.Fatal(err)
		}
		_, err := commands.ApplyRulesFile(bg, s, []byte("members:\n  - {name: kim}\n  - {name: dana, slack: U0LEE, capacity: 9}\n"))
		if inboxbot.ErrorCode(err) != inboxbot.EINVALID || inboxbot.ErrorMessage(err) != `line 3: members[1] "dana" slack: U0LEE is already linked to member lee` {
			t.Fatalf("err = %v", err)
		}
		_, err = commands.ApplyRulesFile(bg, s, []byte("members:\n  - {name: dana, slack: U0LEE}\n  - {name: zed, discord: \"100000000000000002\"}\n"))
		if msg := inboxbot.ErrorMessage(err); !strings.HasPrefix(msg, "2 problems in the rules file:\n") ||
			!strings.Contains(msg, `members[1] "zed" discord: 100000000000000002 is already linked to member lee`) {
			t.Fatalf("err = %v", err)
		}
		dana, _ := s.MemberByName(bg, "dana")
		if ms, _ := s.Members(bg); len(ms) != 2 || dana.SlackID != "" || dana.Capacity != 3 {
			t.Fatalf("a refused file changed the members: %+v", ms)
		}
		// Moving the id in one file is fine: lee gives it up, dana takes it.
		summary, err := commands.ApplyRulesFile(bg, s, []byte("members:\n  - {name: dana, slack: U0LEE}\n  - {name: lee, slack: U0LEE2}\n"))
		if err != nil || summary != "Applied 2 members (0 new, 2 updated, 0 unchanged); rules left as they were (the file has no rules)." {
			t.Fatalf("move = %q, %v", summary, err)
		}
		if d, _ := s.MemberByName(bg, "dana"); d.SlackID != "U0LEE" {
			t.Fatalf("dana = %+v", d)
		}
	})
}

func TestApplyRulesFile_NameInAnotherCaseIsTheSameMemberUnchanged(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		bg := context.Background()
		if _, err := commands.ApplyRulesFile(bg, s, []byte("members:\n  - {name: lee, capacity: 15}\n")); err != nil {
			t.Fatal(err)
		}
		summary, err := commands.ApplyRulesFile(bg, s, []byte("members:\n  - {name: LEE, capacity: 15}\n"))
		if err != nil || !strings.Contains(summary, "0 updated, 1 unchanged") {
			t.Fatalf("re-apply as LEE = %q, %v", summary, err)
		}
		if m, _ := s.MemberByName(bg, "lee"); m.Name != "lee" {
			t.Fatalf("the member was renamed to %q", m.Name)
		}
	})
}
