package commands

import (
	"context"
	"fmt"
	"strings"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/routing"
	"github.com/inboxbot/inboxbot/store"
)

// ApplyRulesFile checks a team and rules file (DESIGN.md section 5) against
// the existing members and applies it in one transaction: members are
// created or updated by name, and the rule set is replaced when the file
// has a rules key. A file with any problem changes nothing; the error is
// EINVALID and lists every problem with its line. The summary says what
// changed, for `inboxbot rules apply` and the start-up log.
//
// A member's Slack or Discord id left out of the file keeps its current
// value: links are usually made by the member's first use of the bot, and a
// file applied at every start must not undo them.
func ApplyRulesFile(ctx context.Context, s *store.Store, data []byte) (summary string, err error) {
	existing, err := s.Members(ctx)
	if err != nil {
		return "", fmt.Errorf("apply rules file: %w", err)
	}
	byName := make(map[string]inboxbot.Member, len(existing))
	names := make([]string, len(existing))
	for i, m := range existing {
		byName[strings.ToLower(m.Name)] = m
		names[i] = m.Name
	}
	members, rules, err := routing.ParseFile(data, names...)
	if err != nil {
		return "", err
	}
	var before []inboxbot.Rule
	if rules != nil {
		if before, err = s.Rules(ctx); err != nil {
			return "", fmt.Errorf("apply rules file: %w", err)
		}
	}
	created := 0
	for i, m := range members {
		cur, ok := byName[strings.ToLower(m.Name)]
		if !ok {
			created++
			continue
		}
		if m.SlackID == "" {
			members[i].SlackID = cur.SlackID
		}
		if m.DiscordID == "" {
			members[i].DiscordID = cur.DiscordID
		}
	}
	if err := s.ApplyTeam(ctx, members, rules); err != nil {
		return "", fmt.Errorf("apply rules file: %w", err)
	}
	return applySummary(members, created, rules, before), nil
}

// applySummary reads like "Applied 4 members (1 new, 3 updated) and 5
// rules (4 published, 1 draft); removed 1 rule: Old leads."
func applySummary(members []inboxbot.Member, created int, rules, before []inboxbot.Rule) string {
	out := fmt.Sprintf("Applied %s (%d new, %d updated)", counted(len(members), "member"), created, len(members)-created)
	if rules == nil {
		return out + "; rules left as they were (the file has no rules key)."
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

func counted(n int, word string) string {
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
	data, err := routing.ExportFile(members, rules)
	if err != nil {
		return nil, fmt.Errorf("export rules file: %w", err)
	}
	return data, nil
}
