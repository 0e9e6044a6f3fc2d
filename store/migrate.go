package store

import (
	"context"
	"embed"
	"fmt"

	"github.com/uptrace/bun/migrate"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// migrationLockKey is the PostgreSQL advisory lock that keeps replicas
// starting at once from migrating together.
const migrationLockKey = 0x1b0b07

// dialectTypes fill the templates of the SQL migrations.
type dialectTypes struct {
	ID, Time, JSON string
	// PG is true on PostgreSQL, for what only it has (sequences).
	PG bool
}

func (s *Store) migrator() (*migrate.Migrator, error) {
	ms := migrate.NewMigrations()
	if err := ms.Discover(migrationFiles); err != nil {
		return nil, err
	}
	types := dialectTypes{ID: "INTEGER PRIMARY KEY AUTOINCREMENT", Time: "TIMESTAMP", JSON: "TEXT"}
	if s.pg {
		types = dialectTypes{ID: "BIGSERIAL PRIMARY KEY", Time: "TIMESTAMPTZ", JSON: "JSONB", PG: true}
	}
	return migrate.NewMigrator(s.db, ms,
		migrate.WithTableName("inboxbot_migrations"),
		migrate.WithLocksTableName("inboxbot_migration_locks"),
		migrate.WithMarkAppliedOnSuccess(true),
		migrate.WithTemplateData(types)), nil
}

// Migrate applies the migrations that have not run yet and returns their
// names. On PostgreSQL an advisory lock makes concurrent callers wait for
// each other, so of several replicas starting at once one migrates.
func (s *Store) Migrate(ctx context.Context) ([]string, error) {
	m, err := s.migrator()
	if err != nil {
		return nil, err
	}
	if s.pg {
		conn, err := s.db.Conn(ctx)
		if err != nil {
			return nil, wrap(err, "migrate")
		}
		defer conn.Close()
		// Waiting for another replica's migrations may outlast the
		// statement timeout; the wait ends with ctx instead.
		if _, err := conn.ExecContext(ctx, "SET statement_timeout = 0"); err != nil {
			return nil, wrap(err, "migrate: lock")
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), "RESET statement_timeout")
		if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock(?)", migrationLockKey); err != nil {
			return nil, wrap(err, "migrate: lock")
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock(?)", migrationLockKey)
	}
	if err := m.Init(ctx); err != nil {
		return nil, wrap(err, "migrate: init")
	}
	group, err := m.Migrate(ctx)
	if err != nil {
		return nil, wrap(err, "migrate")
	}
	var names []string
	for _, mg := range group.Migrations {
		names = append(names, mg.String())
	}
	return names, nil
}

// Pending returns the migrations not applied yet; readiness wants none.
func (s *Store) Pending(ctx context.Context) ([]string, error) {
	m, err := s.migrator()
	if err != nil {
		return nil, err
	}
	ms, err := m.MigrationsWithStatus(ctx)
	if err != nil {
		return nil, wrap(err, "migration status")
	}
	var names []string
	for _, mg := range ms.Unapplied() {
		names = append(names, mg.String())
	}
	if len(ms) == 0 {
		return nil, fmt.Errorf("migration status: no migrations embedded")
	}
	return names, nil
}
