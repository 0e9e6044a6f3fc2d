package store

import (
	"cmp"
	"context"
	"sync"
	"time"

	"github.com/uptrace/bun"

	"github.com/inboxbot/inboxbot"
)

// SLAPolicies returns the service-level policies in file order.
func (s *Store) SLAPolicies(ctx context.Context) ([]inboxbot.Policy, error) {
	return s.slaPolicies(ctx, s.db)
}

func (s *Store) slaPolicies(ctx context.Context, db bun.IDB) ([]inboxbot.Policy, error) {
	var rows []slaPolicyRow
	if err := db.NewSelect().Model(&rows).OrderExpr("position, id").Scan(ctx); err != nil {
		return nil, wrap(err, "list sla policies")
	}
	out := make([]inboxbot.Policy, len(rows))
	for i, r := range rows {
		out[i] = r.domain()
	}
	return out, nil
}

// replacePolicies makes the policies exactly ps. Conversations under a
// removed policy stop counting (the column is set to NULL by the foreign
// key; their timer finds no policy and clears itself).
func (s *Store) replacePolicies(ctx context.Context, tx bun.Tx, ps []inboxbot.Policy) error {
	keep := []string{""}
	for i, p := range ps {
		row := slaPolicyRow{Position: i + 1, Name: p.Name, Policy: p, UpdatedAt: s.now()}
		row.Policy.ID, row.Policy.Name = 0, ""
		_, err := tx.NewInsert().Model(&row).On("CONFLICT (name) DO UPDATE").
			Set("position = EXCLUDED.position, policy = EXCLUDED.policy, updated_at = EXCLUDED.updated_at").
			Exec(ctx)
		if err != nil {
			return wrap(err, "save sla policy "+p.Name)
		}
		keep = append(keep, p.Name)
	}
	if _, err := tx.NewUpdate().Table("conversations").Set("sla_timer_at = ?", s.now()).
		Where("sla_policy_id IN (SELECT id FROM sla_policies WHERE name NOT IN (?))", bun.List(keep)).Exec(ctx); err != nil {
		return wrap(err, "stop removed sla policies")
	}
	_, err := tx.NewDelete().Model((*slaPolicyRow)(nil)).Where("name NOT IN (?)", bun.List(keep)).Exec(ctx)
	// Forgotten before the commit too: a read meanwhile caches the old set
	// for a moment at most, and ApplyTeamFile forgets again after it.
	s.forgetPolicies()
	return wrap(err, "remove sla policies")
}

// DefaultPolicyCache is how long a replica uses the policies it read
// before reading them again: a file applied by another process (inboxbot rules
// apply) takes effect within it, and a busy inbox reads them about once
// per interval instead of once per message. Applying in this process
// takes effect at once.
const DefaultPolicyCache = 5 * time.Second

// policyCache holds the policies last read.
type policyCache struct {
	mu       sync.Mutex
	policies []inboxbot.Policy
	until    time.Time
}

// cachedPolicies returns the policies, read through db at most once per
// Store.PolicyCache (wall clock: a test's frozen clock must not freeze them).
func (s *Store) cachedPolicies(ctx context.Context, db bun.IDB) ([]inboxbot.Policy, error) {
	c := &s.policies
	c.mu.Lock()
	defer c.mu.Unlock()
	if time.Now().Before(c.until) {
		return c.policies, nil
	}
	ps, err := s.slaPolicies(ctx, db)
	if err != nil {
		return nil, err
	}
	c.policies, c.until = ps, time.Now().Add(cmp.Or(s.PolicyCache, DefaultPolicyCache))
	return ps, nil
}

// forgetPolicies makes the next cachedPolicies read them again.
func (s *Store) forgetPolicies() {
	s.policies.mu.Lock()
	s.policies.until = time.Time{}
	s.policies.mu.Unlock()
}
