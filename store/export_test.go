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
