package store

import (
	"context"
	"strings"
	"sync"

	"github.com/uptrace/bun"
)

// StatementCounter counts the SQL statements a store sends. BEGIN, COMMIT
// and ROLLBACK are not counted: every operation runs in one transaction,
// and the budgets are about the work inside it.
type StatementCounter struct {
	mu      sync.Mutex
	queries []string
}

// BeforeQuery implements bun.QueryHook.
func (c *StatementCounter) BeforeQuery(ctx context.Context, _ *bun.QueryEvent) context.Context {
	return ctx
}

// AfterQuery implements bun.QueryHook.
func (c *StatementCounter) AfterQuery(_ context.Context, e *bun.QueryEvent) {
	switch strings.ToUpper(strings.TrimSpace(e.Query)) {
	case "BEGIN", "COMMIT", "ROLLBACK":
		return
	}
	c.mu.Lock()
	c.queries = append(c.queries, e.Query)
	c.mu.Unlock()
}

// Reset forgets the statements counted so far.
func (c *StatementCounter) Reset() {
	c.mu.Lock()
	c.queries = nil
	c.mu.Unlock()
}

// Statements returns the statements counted since the last Reset.
func (c *StatementCounter) Statements() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.queries...)
}

// CountStatements installs a StatementCounter on the store.
func (s *Store) CountStatements() *StatementCounter {
	c := &StatementCounter{}
	s.db.AddQueryHook(c)
	return c
}

// SeedWaiting copies the open conversation id n times, each on a channel
// of its own, into the Team inbox with the same wait: a large backlog in
// one statement.
func (s *Store) SeedWaiting(ctx context.Context, id int64, n int, tag string) error {
	_, err := s.db.NewRaw(`WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < ?)
		INSERT INTO conversations (contact_id, channel, status, last_message_at, unassigned_since, created_at, updated_at)
		SELECT c.contact_id, ? || seq.i, 'open', c.last_message_at, c.unassigned_since, c.created_at, c.updated_at
		FROM conversations AS c, seq WHERE c.id = ?`, n, tag+"-", id).Exec(ctx)
	return err
}

// Batch runs s.batch in a transaction of its own: an insert of tag into
// contact_tags of contact, then text, a statement of the caller's.
func (s *Store) Batch(ctx context.Context, contact int64, tag, text string) error {
	return s.tx(ctx, func(tx bun.Tx) error {
		return s.batch(ctx, tx, tx.NewInsert().Model(&map[string]any{"contact_id": contact, "tag": tag}).TableExpr("contact_tags"),
			tx.NewRaw(text))
	})
}

// OneConnection makes s use one database session at a time, so that a
// test sees what that session prepared.
func (s *Store) OneConnection() { s.db.DB.SetMaxOpenConns(1) }

// Prepared maps the text of each statement the PostgreSQL session has
// prepared to how many times it ran on the plan the server kept.
func (s *Store) Prepared(ctx context.Context) (map[string]int64, error) {
	var rows []struct {
		Statement    string `bun:"statement"`
		GenericPlans int64  `bun:"generic_plans"`
	}
	err := s.db.NewRaw("SELECT statement, generic_plans FROM pg_prepared_statements").Scan(ctx, &rows)
	out := map[string]int64{}
	for _, r := range rows {
		out[r.Statement] = r.GenericPlans
	}
	return out, err
}

// Planned is planned, for tests of what runs under it.
func Planned(ctx context.Context) context.Context { return planned(ctx) }
