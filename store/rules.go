package store

import (
	"context"
	"database/sql"
	"errors"
	"maps"
	"slices"
	"strings"
	"sync"

	"github.com/uptrace/bun"

	"github.com/inboxbot/inboxbot"
)

// Rules returns every rule, published or not, in priority order.
func (s *Store) Rules(ctx context.Context) ([]inboxbot.Rule, error) {
	return s.rules(ctx, s.db, "")
}

func (s *Store) rules(ctx context.Context, db bun.IDB, status inboxbot.RuleStatus) ([]inboxbot.Rule, error) {
	var rows []ruleRow
	q := db.NewSelect().Model(&rows).OrderExpr("priority, id")
	if status != "" {
		q = q.Where("status = ?", status)
	}
	if err := q.Scan(ctx); err != nil {
		return nil, wrap(err, "list rules")
	}
	out := make([]inboxbot.Rule, len(rows))
	for i, r := range rows {
		out[i] = r.domain()
	}
	return out, nil
}

// rulesCache holds the published rules a Store read last, with the
// rules_version (PostgreSQL) they were read at. Its rules are shared:
// read only.
type rulesCache struct {
	mu      sync.Mutex
	version int64
	rules   []inboxbot.Rule
}

// publishedRules returns the published rules. version is rules_version as
// tx read it (0: not read, and always on SQLite): the rules read at that
// version are used again, and rules read now are kept under it. Rules
// read after the version are never older than it; and since the count
// only grows, a version is not seen again once it moved, so rules newer
// than their version are merely read once more.
func (s *Store) publishedRules(ctx context.Context, tx bun.Tx, version int64) ([]inboxbot.Rule, error) {
	c := &s.publishedCache
	if version != 0 {
		c.mu.Lock()
		rules, hit := c.rules, c.version == version
		c.mu.Unlock()
		if hit {
			return rules, nil
		}
	}
	rules, err := s.rules(ctx, tx, inboxbot.RulePublished)
	if err == nil && version != 0 {
		c.mu.Lock()
		if version > c.version {
			c.version, c.rules = version, rules
		}
		c.mu.Unlock()
	}
	return rules, err
}

// Rule returns one rule, or ENOTFOUND.
func (s *Store) Rule(ctx context.Context, id int64) (inboxbot.Rule, error) {
	var r ruleRow
	err := s.db.NewSelect().Model(&r).Where("id = ?", id).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return inboxbot.Rule{}, inboxbot.Errorf(inboxbot.ENOTFOUND, "There is no rule %d.", id)
	}
	if err != nil {
		return inboxbot.Rule{}, wrap(err, "get rule")
	}
	return r.domain(), nil
}

// SetRuleStatus publishes or unpublishes a rule; false when it already had
// that status.
func (s *Store) SetRuleStatus(ctx context.Context, id int64, status inboxbot.RuleStatus) (inboxbot.Rule, bool, error) {
	if status != inboxbot.RuleDraft && status != inboxbot.RulePublished {
		return inboxbot.Rule{}, false, inboxbot.Errorf(inboxbot.EINVALID, "Rule status must be draft or published (got %q).", status)
	}
	r, err := s.Rule(ctx, id)
	if err != nil || r.Status == status {
		return r, false, err
	}
	_, err = s.db.NewUpdate().Table("rules").Set("status = ?", status).Set("updated_at = ?", s.now()).
		Where("id = ?", id).Exec(ctx)
	if err != nil {
		return inboxbot.Rule{}, false, wrap(err, "set rule status")
	}
	r.Status = status
	return r, true, nil
}

// teamLockKey is the PostgreSQL advisory lock that serialises ApplyTeam.
const teamLockKey = 0x1b0b08

// ApplyTeam upserts members by name and, when rules is not nil, replaces
// the rule set with rules (in the given order as priority), all in one
// transaction. Rules keep their id, and round-robin position, when their
// name stays. Members not listed are left alone. The service-level
// policies are left alone.
func (s *Store) ApplyTeam(ctx context.Context, members []inboxbot.Member, rules []inboxbot.Rule) error {
	return s.ApplyTeamFile(ctx, members, rules, nil)
}

// ApplyTeamFile is ApplyTeam that also, when policies is not nil, replaces
// the service-level policies with them (in file order) in the same
// transaction; a policy keeps its id while its name stays.
func (s *Store) ApplyTeamFile(ctx context.Context, members []inboxbot.Member, rules []inboxbot.Rule, policies []inboxbot.Policy) error {
	if policies != nil {
		defer s.forgetPolicies()
	}
	for _, m := range members {
		if err := validMember(m); err != nil {
			return err
		}
	}
	return wrap(s.tx(ctx, func(tx bun.Tx) error {
		// Replicas applying INBOXBOT_RULES_FILE at start would otherwise
		// race to create the same members; on PostgreSQL they take turns.
		if s.pg {
			if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock(?)", teamLockKey); err != nil {
				return err
			}
		}
		for _, m := range members {
			if _, err := s.upsertMember(ctx, tx, m); err != nil {
				return err
			}
		}
		if policies != nil {
			if err := s.replacePolicies(ctx, tx, policies); err != nil {
				return err
			}
		}
		if rules == nil {
			return nil
		}
		keep := []string{""}
		for i, r := range rules {
			row := ruleRow{Priority: i + 1, Name: r.Name, Status: r.Status, Trigger: r.Trigger,
				Conditions: r.When, Action: r.Assign, UpdatedAt: s.now()}
			if row.Status == "" {
				row.Status = inboxbot.RuleDraft
			}
			_, err := tx.NewInsert().Model(&row).
				On("CONFLICT (name) DO UPDATE").
				Set("priority = EXCLUDED.priority, status = EXCLUDED.status, trigger_event = EXCLUDED.trigger_event").
				Set("conditions = EXCLUDED.conditions, action = EXCLUDED.action, updated_at = EXCLUDED.updated_at").
				Returning("id").Exec(ctx)
			if err != nil {
				return wrap(err, "save rule "+r.Name)
			}
			if err := s.createTurns(ctx, tx, row.ID); err != nil {
				return err
			}
			keep = append(keep, r.Name)
		}
		var gone []int64
		err := tx.NewDelete().Model((*ruleRow)(nil)).Where("name NOT IN (?)", bun.List(keep)).Returning("id").Scan(ctx, &gone)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return wrap(err, "delete old rules")
		}
		return s.dropTurns(ctx, tx, gone)
	}), "apply team file")
}

// RouteInput gathers what routing would see for a conversation now, for
// explaining rules without effect ("/inbox rules test").
func (s *Store) RouteInput(ctx context.Context, convID int64, triggers []inboxbot.Trigger) (inboxbot.RouteInput, error) {
	var in inboxbot.RouteInput
	err := s.tx(ctx, func(tx bun.Tx) error {
		conv, err := s.conversation(ctx, tx, convID)
		if err != nil {
			return err
		}
		in, err = s.routeInput(ctx, tx, conv, triggers, true, 0)
		return err
	})
	return in, err
}

// routeInput gathers what routing sees for conv: the published rules and
// the members the rules the triggers fire could pick, with their open
// counts: the members they name and, for custom_field, whoever a custom
// field of the contact names. With peek it also reads the round-robin
// turn each of those rules would take next, for explaining and for
// routing a page of the queue in memory; a decision takes its turn with
// place. Two statements (three with peek), whatever the size of the
// team, one fewer when rulesVersion says the rules read last are still
// the rules (see publishedRules); nothing is locked.
func (s *Store) routeInput(ctx context.Context, tx bun.Tx, conv inboxbot.Conversation, triggers []inboxbot.Trigger, peek bool, rulesVersion int64) (inboxbot.RouteInput, error) {
	in := inboxbot.RouteInput{Triggers: triggers, Conversation: conv, Now: s.now()}
	var err error
	if in.Rules, err = s.publishedRules(ctx, tx, rulesVersion); err != nil {
		return in, err
	}
	var fired []inboxbot.Rule
	for _, r := range in.Rules {
		if slices.Contains(triggers, r.Trigger) {
			fired = append(fired, r)
		}
	}
	return in, s.ruleFacts(ctx, tx, &in, fired, peek)
}

// ruleFacts fills in what routing needs to run rules on in.Conversation:
// the members they could pick, with open counts, and with peek the
// round-robin turns they would take next.
func (s *Store) ruleFacts(ctx context.Context, tx bun.Tx, in *inboxbot.RouteInput, rules []inboxbot.Rule, peek bool) error {
	in.Turn = map[int64]int64{}
	var rr []int64
	names := map[string]bool{}
	for _, r := range rules {
		if r.Assign.Method == inboxbot.MethodRoundRobin {
			rr = append(rr, r.ID)
		}
		for _, n := range r.Assign.Members {
			names[strings.ToLower(strings.TrimSpace(n))] = true
		}
		if r.Assign.Method == inboxbot.MethodCustomField {
			// Which field the rule reads, and how, is routing's business;
			// every value of the contact's is a candidate.
			for _, v := range in.Conversation.Contact.Custom {
				names[strings.ToLower(strings.TrimPrefix(strings.TrimSpace(v), "@"))] = true
			}
		}
	}
	if peek && len(rr) > 0 {
		if err := s.peekTurns(ctx, tx, rr, in.Turn); err != nil {
			return err
		}
	}
	var err error
	in.Members, err = s.membersNamed(ctx, tx, names)
	return err
}

// membersNamed returns the members with the names (lower case), by name.
// Nothing is locked: a decision reserves its assignee's place with a
// conditional update (see reserve).
func (s *Store) membersNamed(ctx context.Context, tx bun.Tx, names map[string]bool) ([]inboxbot.Member, error) {
	delete(names, "")
	if len(names) == 0 {
		return nil, nil
	}
	var rows []memberRow
	err := tx.NewSelect().Model(&rows).ModelTableExpr("members AS m").Column("m.*").
		Where("lower(m.name) IN (?)", bun.List(slices.Sorted(maps.Keys(names)))).OrderExpr("lower(m.name)").Scan(ctx)
	if err != nil {
		return nil, wrap(err, "load rule members")
	}
	out := make([]inboxbot.Member, len(rows))
	for i, r := range rows {
		out[i] = r.domain()
	}
	return out, nil
}

// route runs the rules on a locked, unassigned conversation and applies
// the decision: the assignment, the round-robin turn, or an alert to the
// managers when a rule matched but nobody could take the conversation. It
// returns the conversation as it is now.
func (s *Store) route(ctx context.Context, tx bun.Tx, conv inboxbot.Conversation, triggers []inboxbot.Trigger, route inboxbot.RouteFunc, key string) (inboxbot.Conversation, inboxbot.Decision, error) {
	if route == nil || len(triggers) == 0 {
		return conv, inboxbot.Decision{}, nil
	}
	in, err := s.routeInput(ctx, tx, conv, triggers, false, 0)
	if err != nil {
		return conv, inboxbot.Decision{}, err
	}
	d, counted, err := s.place(ctx, tx, &in, route, 0)
	if err != nil || d.Rule == nil {
		return conv, d, err
	}
	if d.AssigneeID == 0 {
		return conv, d, s.alertUnplaced(ctx, tx, conv, d, key)
	}
	conv, err = s.applyCounted(ctx, tx, conv, ruleChange(conv.ID, d), byID(in.Members), counted...)
	return conv, d, err
}

// ruleChange is the change a rule's decision makes.
func ruleChange(convID int64, d inboxbot.Decision) inboxbot.Change {
	return inboxbot.Change{ConversationID: convID, To: d.AssigneeID, Via: inboxbot.ViaWorkflow,
		RuleID: d.Rule.ID, RuleName: d.Rule.Name, Reason: d.Reason, ReassignAfter: d.Rule.Assign.ReassignAfter}
}

// alertUnplaced tells the managers that d's rule matched conv but nobody
// could take it.
func (s *Store) alertUnplaced(ctx context.Context, tx bun.Tx, conv inboxbot.Conversation, d inboxbot.Decision, key string) error {
	n := inboxbot.NoticeOf(inboxbot.EventUnplaced, conv)
	n.Rule, n.Reason = d.Rule.Name, d.Reason
	managers, err := s.managers(ctx, tx)
	if err != nil {
		return err
	}
	return s.alertManagers(ctx, tx, managers, n, "unplaced:"+key)
}

// alertManagers sends notice to the managers and admins among members.
func (s *Store) alertManagers(ctx context.Context, tx bun.Tx, members []inboxbot.Member, notice inboxbot.Notice, key string) error {
	managers := byID(members)
	rs := inboxbot.AlertRecipients(members, notice.Event)
	return s.notify(ctx, tx, recipientsOf(rs, managers), notice, key)
}

// byID indexes members by id.
func byID(members []inboxbot.Member) map[int64]inboxbot.Member {
	out := make(map[int64]inboxbot.Member, len(members))
	for _, m := range members {
		out[m.ID] = m
	}
	return out
}
