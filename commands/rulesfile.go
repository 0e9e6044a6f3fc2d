package commands

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/routing/teamfile"
	"github.com/inboxbot/inboxbot/store"
)

// ApplyRulesFile checks a team and rules file (docs/design.md section 5) against
// the existing members and applies it in one transaction: members are
// created or updated by name, and the rule set is replaced when the file
// has rules. A file with any problem changes nothing; the error is EINVALID
// and lists every problem with its line. The summary says what changed, for
// `inboxbot rules apply` and the start-up log.
//
// A key an entry leaves out keeps the member's current value: the file is
// applied at every start, and must not undo what happened since (a Slack
// link made by the member's first use of the bot, an admin made by
// INBOXBOT_ADMINS, a capacity set in an earlier file). A key written sets
// it, also to nothing: "capacity: 0" is unlimited, "hours: {}" always on.
func ApplyRulesFile(ctx context.Context, s *store.Store, data []byte) (summary string, err error) {
	existing, err := s.Members(ctx)
	if err != nil {
		return "", fmt.Errorf("apply rules file: %w", err)
	}
	names := make([]string, len(existing))
	for i, m := range existing {
		names[i] = m.Name
	}
	f, err := teamfile.Parse(data, names...)
	if err != nil {
		return "", err
	}
	entries, rules := f.Members, f.Rules
	policiesBefore, err := s.SLAPolicies(ctx)
	if err != nil {
		return "", fmt.Errorf("apply rules file: %w", err)
	}
	p, err := planTeam(existing, entries)
	if err != nil {
		return "", err
	}
	var before []inboxbot.Rule
	if rules != nil {
		if before, err = s.Rules(ctx); err != nil {
			return "", fmt.Errorf("apply rules file: %w", err)
		}
	}
	if err := s.ApplyTeamFile(ctx, p.writes, rules, f.SLA); err != nil {
		return "", fmt.Errorf("apply rules file: %w", err)
	}
	return applySummary(len(entries), p, rules, before) + policySummary(f.SLA, policiesBefore), nil
}

// teamPlan is what applying the members of a file does.
type teamPlan struct {
	// writes are the members to save, in order.
	writes                      []inboxbot.Member
	created, updated, unchanged int
}

// planTeam merges each entry into the member of its name and checks that
// no Slack or Discord id ends up on two members. The store would refuse
// that too, but without naming the entry and the field.
func planTeam(existing []inboxbot.Member, entries []teamfile.MemberEntry) (teamPlan, error) {
	var p teamPlan
	byName := make(map[string]inboxbot.Member, len(existing))
	owner := map[string]string{} // "slack:U123" -> lower-case name, now
	for _, m := range existing {
		byName[strings.ToLower(m.Name)] = m
		for _, l := range links(m) {
			owner[l] = strings.ToLower(m.Name)
		}
	}
	// after is every member as the file leaves them, in a stable order.
	after := append([]inboxbot.Member(nil), existing...)
	index := map[string]int{}
	for i, m := range after {
		index[strings.ToLower(m.Name)] = i
	}
	var finals []inboxbot.Member
	for _, e := range entries {
		key := strings.ToLower(e.Name)
		cur, ok := byName[key]
		m := e.Member
		switch {
		case !ok:
			p.created++
			index[key] = len(after)
			after = append(after, m)
		default:
			m = merge(cur, e)
			after[index[key]] = m
			if !changed(cur, m) {
				p.unchanged++
				continue
			}
			p.updated++
		}
		finals = append(finals, m)
	}
	release, err := relinks(entries, after, owner)
	if err != nil {
		return p, err
	}
	// An id moving from one member of the file to another (lee's Slack id
	// to dana) must leave its old member before it reaches the new one:
	// the members are saved one by one, and the database allows no moment
	// with one id on two members.
	for _, m := range existing {
		r, moved := m, false
		if release[string(inboxbot.PlatformSlack)+":"+m.SlackID] {
			r.SlackID, moved = "", true
		}
		if release[string(inboxbot.PlatformDiscord)+":"+m.DiscordID] {
			r.DiscordID, moved = "", true
		}
		if moved {
			p.writes = append(p.writes, r)
		}
	}
	p.writes = append(p.writes, finals...)
	return p, nil
}

// relinks checks the platform ids the entries link: an id already linked
// to another member as the file leaves them is an error naming the entry's
// line. It returns the ids that move from one member to another
// ("slack:U123"); owner maps each id to the lower-case name that has it now.
func relinks(entries []teamfile.MemberEntry, after []inboxbot.Member, owner map[string]string) (map[string]bool, error) {
	var problems []string
	release := map[string]bool{}
	for _, e := range entries {
		for _, l := range []struct {
			key      string
			platform inboxbot.Platform
			id       string
		}{
			{"slack", inboxbot.PlatformSlack, e.SlackID}, {"discord", inboxbot.PlatformDiscord, e.DiscordID},
		} {
			if !e.Has(l.key) || l.id == "" {
				continue
			}
			for _, o := range after {
				if !strings.EqualFold(o.Name, e.Name) && slices.Contains(links(o), string(l.platform)+":"+l.id) {
					problems = append(problems, fmt.Sprintf("line %d: %s %s: %s is already linked to member %s", e.Lines[l.key], e.Path, l.key, l.id, o.Name))
				}
			}
			if was := owner[string(l.platform)+":"+l.id]; was != "" && was != strings.ToLower(e.Name) {
				release[string(l.platform)+":"+l.id] = true
			}
		}
	}
	switch len(problems) {
	case 0:
		return release, nil
	case 1:
		return nil, inboxbot.Errorf(inboxbot.EINVALID, "%s", problems[0])
	}
	return nil, inboxbot.Errorf(inboxbot.EINVALID, "%d problems in the rules file:\n%s", len(problems), strings.Join(problems, "\n"))
}

// merge is cur with what entry e wrote: each key written replaces the
// current value, each key left out keeps it.
func merge(cur inboxbot.Member, e teamfile.MemberEntry) inboxbot.Member {
	m := cur // the name matched case-insensitively; the member keeps its own
	if e.Has("role") {
		m.Role = e.Role
	}
	if e.Has("slack") {
		m.SlackID = e.SlackID
	}
	if e.Has("discord") {
		m.DiscordID = e.DiscordID
	}
	if e.Has("timezone") {
		m.Timezone = e.Timezone
	}
	if e.Has("hours") {
		m.Hours = e.Hours
	}
	if e.Has("regions") {
		m.Regions = e.Regions
	}
	if e.Has("capacity") {
		m.Capacity = e.Capacity
	}
	return m
}

// changed reports whether saving m over cur changes what the store keeps.
// Empty and absent lists and maps are the same thing there.
func changed(cur, m inboxbot.Member) bool {
	if cur.Name != m.Name || cur.Role != m.Role || cur.SlackID != m.SlackID || cur.DiscordID != m.DiscordID ||
		cur.Timezone != m.Timezone || cur.Capacity != m.Capacity || len(cur.Hours) != len(m.Hours) || len(cur.Regions) != len(m.Regions) {
		return true
	}
	for k, v := range cur.Hours {
		if w, ok := m.Hours[k]; !ok || w != v {
			return true
		}
	}
	for i := range cur.Regions {
		if cur.Regions[i] != m.Regions[i] {
			return true
		}
	}
	return false
}

// links are a member's platform ids as "slack:U123", "discord:1000...".
func links(m inboxbot.Member) []string {
	var out []string
	if m.SlackID != "" {
		out = append(out, string(inboxbot.PlatformSlack)+":"+m.SlackID)
	}
	if m.DiscordID != "" {
		out = append(out, string(inboxbot.PlatformDiscord)+":"+m.DiscordID)
	}
	return out
}

// applySummary reads like "Applied 4 members (1 new, 2 updated, 1
// unchanged) and 5 rules (4 published, 1 draft); removed 1 rule: Old leads."
func applySummary(members int, p teamPlan, rules, before []inboxbot.Rule) string {
	out := fmt.Sprintf("Applied %s (%d new, %d updated, %d unchanged)", counted(members, "member"), p.created, p.updated, p.unchanged)
	if rules == nil {
		return out + "; rules left as they were (the file has no rules)."
	}
	published := 0
	kept := map[string]bool{}
	for _, r := range rules {
		if r.Status == inboxbot.RulePublished {
			published++
		}
		kept[r.Name] = true
	}
	out += fmt.Sprintf(" and %s (%d published, %d draft)", counted(len(rules), "rule"), published, len(rules)-published)
	var removed []string
	for _, r := range before {
		if !kept[r.Name] {
			removed = append(removed, r.Name)
		}
	}
	if len(removed) > 0 {
		out += fmt.Sprintf("; removed %s: %s", counted(len(removed), "rule"), strings.Join(removed, ", "))
	}
	return out + "."
}

// policySummary reads like " Service levels: 2 policies; removed 1: Old."
// and is empty when there were and are none.
func policySummary(policies, before []inboxbot.Policy) string {
	if len(policies) == 0 && len(before) == 0 {
		return ""
	}
	kept := map[string]bool{}
	for _, p := range policies {
		kept[p.Name] = true
	}
	var removed []string
	for _, p := range before {
		if !kept[p.Name] {
			removed = append(removed, p.Name)
		}
	}
	out := " Service levels: " + counted(len(policies), "policy")
	if len(removed) > 0 {
		out += fmt.Sprintf("; removed %d: %s", len(removed), strings.Join(removed, ", "))
	}
	return out + "."
}

func counted(n int, word string) string {
	if word == "policy" && n != 1 {
		return fmt.Sprintf("%d policies", n)
	}
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// ExportRulesFile writes the current members and rules in the format
// ApplyRulesFile reads, for `inboxbot rules export`: applying the output
// to the same store changes nothing.
func ExportRulesFile(ctx context.Context, s *store.Store) ([]byte, error) {
	members, err := s.Members(ctx)
	if err != nil {
		return nil, fmt.Errorf("export rules file: %w", err)
	}
	rules, err := s.Rules(ctx)
	if err != nil {
		return nil, fmt.Errorf("export rules file: %w", err)
	}
	policies, err := s.SLAPolicies(ctx)
	if err != nil {
		return nil, fmt.Errorf("export rules file: %w", err)
	}
	data, err := teamfile.ExportFile(members, rules, policies...)
	if err != nil {
		return nil, fmt.Errorf("export rules file: %w", err)
	}
	return data, nil
}
